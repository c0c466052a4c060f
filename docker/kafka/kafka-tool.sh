#!/usr/bin/env bash
# Kafka's command-line tools under their usual names (/opt/kafka/bin/kafka-topics.sh,
# ...), as in the apache/kafka image: this script is linked under each name.
set -euo pipefail
case "$(basename "$0")" in
  kafka-topics.sh) class=org.apache.kafka.tools.TopicCommand ;;
  kafka-console-consumer.sh) class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  kafka-console-producer.sh) class=org.apache.kafka.tools.ConsoleProducer ;;
  kafka-consumer-groups.sh) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  kafka-broker-api-versions.sh) class=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
  kafka-run-class.sh) class="$1"; shift ;;
  *) echo "unknown tool $(basename "$0")" >&2; exit 2 ;;
esac
# Tools are short-lived JVMs: small and quick to start.
exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2-tools.properties \
  -cp "/opt/kafka/libs/*" "$class" "$@"
