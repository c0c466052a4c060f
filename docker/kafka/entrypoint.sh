#!/usr/bin/env bash
# A single Kafka broker configured from the environment, with the apache/kafka image's
# convention, so one compose file runs either image: every KAFKA_<NAME> variable becomes
# the broker setting <name> (lower case, `_` -> `.`, `__` -> `_`, `___` -> `-`), e.g.
# KAFKA_PROCESS_ROLES=broker,controller -> process.roles=broker,controller. CLUSTER_ID
# names the cluster when the data directory is formatted on first start.
set -euo pipefail

conf=/opt/kafka/config/server.properties
{
  echo "# Written from KAFKA_* variables at container start."
  while IFS= read -r var; do
    case "$var" in
      KAFKA_HEAP_OPTS|KAFKA_JVM_OPTS|KAFKA_OPTS|KAFKA_LOG4J_OPTS|KAFKA_VERSION) continue ;;
      KAFKA_?*) ;;
      *) continue ;;
    esac
    key="${var#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/$'\x01'}"
    key="${key//_/.}"
    key="${key//$'\x01'/_}"
    printf '%s=%s\n' "$key" "${!var}"
  done < <(compgen -e)
} >"$conf"
grep -q '^log\.dirs=' "$conf" || echo "log.dirs=/var/lib/kafka/data" >>"$conf"
grep -q '^process\.roles=' "$conf" || { echo "kafka: set KAFKA_PROCESS_ROLES (and the rest of a KRaft config)" >&2; exit 2; }

cp=(-cp "/opt/kafka/libs/*")
log_dir="$(sed -n 's/^log\.dirs=//p' "$conf" | cut -d, -f1)"
if [[ ! -f "$log_dir/meta.properties" ]]; then
  # Like kafka-storage.sh format: a random cluster id unless one is given.
  cluster_id="${CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | sed 's/^-/A/')}"
  echo "kafka: formatting $log_dir for cluster $cluster_id"
  java -Xmx256m -XX:+UseSerialGC -Dlog4j2.configurationFile=/opt/kafka/config/log4j2-tools.properties \
    "${cp[@]}" kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$conf"
fi

# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
  -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2-broker.properties ${KAFKA_JVM_OPTS:-} \
  "${cp[@]}" kafka.Kafka "$conf"
