package io.polyconnect.sdk;

import java.util.List;

/**
 * Kafka Connect's ConnectRecord as a transform or predicate sees it. Records are not
 * changed in place: {@link #newRecord} makes the transformed one. {@code kafkaOffset} is set
 * for sink records only.
 */
public record ConnectRecord(String topic, Integer kafkaPartition, Schema keySchema, Object key,
    Schema valueSchema, Object value, Long timestamp, List<Header> headers, Long kafkaOffset) {

  public ConnectRecord {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  /** Kafka Connect's newRecord: a record with these fields (the Kafka offset is kept). */
  public ConnectRecord newRecord(String topic, Integer kafkaPartition, Schema keySchema, Object key,
      Schema valueSchema, Object value, Long timestamp, List<Header> headers) {
    return new ConnectRecord(topic, kafkaPartition, keySchema, key, valueSchema, value, timestamp, headers, kafkaOffset);
  }

  /** A copy with another value. */
  public ConnectRecord withValue(Schema valueSchema, Object value) {
    return newRecord(topic, kafkaPartition, keySchema, key, valueSchema, value, timestamp, headers);
  }
}
