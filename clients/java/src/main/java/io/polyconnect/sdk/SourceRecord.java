package io.polyconnect.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A record from a source task. The source partition and offset are maps of primitives;
 * after a restart the task reads the stored offsets through its context. Keys and values
 * are structured (a schema, possibly null for schemaless data, and a value) or
 * {@link RawBytes}. Optional parts are set with the {@code with...} methods.
 */
public final class SourceRecord {
  private final Map<String, ?> sourcePartition;
  private final Map<String, ?> sourceOffset;
  private final String topic;
  private Integer kafkaPartition;
  private Schema keySchema;
  private Object key;
  private final Schema valueSchema;
  private final Object value;
  private Long timestamp;
  private final List<Header> headers = new ArrayList<>();
  private String traceparent;
  private String tracestate;

  public SourceRecord(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic,
                      Schema valueSchema, Object value) {
    this.sourcePartition = sourcePartition;
    this.sourceOffset = sourceOffset;
    this.topic = topic;
    this.valueSchema = valueSchema;
    this.value = value;
  }

  public SourceRecord(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic,
                      Integer kafkaPartition, Schema keySchema, Object key, Schema valueSchema, Object value,
                      Long timestamp) {
    this(sourcePartition, sourceOffset, topic, valueSchema, value);
    this.kafkaPartition = kafkaPartition;
    this.keySchema = keySchema;
    this.key = key;
    this.timestamp = timestamp;
  }

  public SourceRecord withKey(Schema schema, Object key) {
    this.keySchema = schema;
    this.key = key;
    return this;
  }

  public SourceRecord withKafkaPartition(Integer partition) { this.kafkaPartition = partition; return this; }
  public SourceRecord withTimestamp(Long ts) { this.timestamp = ts; return this; }
  public SourceRecord withHeader(Header h) { headers.add(h); return this; }

  /** W3C trace context of this record in the source system. */
  public SourceRecord withTrace(String traceparent, String tracestate) {
    this.traceparent = traceparent;
    this.tracestate = tracestate;
    return this;
  }

  public Map<String, ?> sourcePartition() { return sourcePartition; }
  public Map<String, ?> sourceOffset() { return sourceOffset; }
  public String topic() { return topic; }
  public Integer kafkaPartition() { return kafkaPartition; }
  public Schema keySchema() { return keySchema; }
  public Object key() { return key; }
  public Schema valueSchema() { return valueSchema; }
  public Object value() { return value; }
  public Long timestamp() { return timestamp; }
  public List<Header> headers() { return headers; }
  public String traceparent() { return traceparent; }
  public String tracestate() { return tracestate; }

  @Override
  public String toString() {
    return "SourceRecord{topic=" + topic + ", partition=" + sourcePartition + ", offset=" + sourceOffset
        + ", value=" + value + "}";
  }
}
