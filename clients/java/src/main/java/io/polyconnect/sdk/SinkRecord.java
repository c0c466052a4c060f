package io.polyconnect.sdk;

import java.util.List;

/**
 * A record given to a sink task. {@code topic}/{@code kafkaPartition} are after the core's
 * transforms, {@code originalTopic}/{@code originalKafkaPartition} where Kafka has it.
 * A raw key or value (when the connector asked for raw bytes) is a {@link RawBytes}.
 */
public record SinkRecord(String topic, int kafkaPartition, long kafkaOffset, Schema keySchema, Object key,
                         Schema valueSchema, Object value, Long timestamp, TimestampType timestampType,
                         List<Header> headers, String originalTopic, int originalKafkaPartition,
                         String traceparent, String tracestate) {
  public enum TimestampType { NO_TIMESTAMP_TYPE, CREATE_TIME, LOG_APPEND_TIME }

  public TopicPartition topicPartition() {
    return new TopicPartition(topic, kafkaPartition);
  }
}
