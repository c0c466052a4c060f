package io.polyconnect.sdk;

import java.util.Collection;
import java.util.Map;

/**
 * A sink task. Every method runs on the task's own thread, in the order the core sends
 * them (open, put, flush, close, stop), like Kafka Connect's task thread.
 */
public abstract class SinkTask {
  private SinkTaskContext context;

  public abstract void start(Map<String, String> props);

  /** Partitions assigned to this task. */
  public void open(Collection<TopicPartition> partitions) {
  }

  /** Partitions revoked (also every open partition before stop). */
  public void close(Collection<TopicPartition> partitions) {
  }

  /** Writes or buffers records. Throw {@link RetriableException} to get them again later. */
  public abstract void put(Collection<SinkRecord> records);

  /**
   * Makes everything put so far durable; {@code offsets} are the next offsets per partition.
   * An exception is a failed flush, as in Kafka Connect: nothing is committed, the core
   * rewinds every partition to its last committed offset (those records are put again) and
   * the task keeps running. Only a {@link ConfigException} fails the task.
   */
  public void flush(Map<TopicPartition, Long> offsets) {
  }

  /** The offsets the core may commit. Default: {@code flush(offsets)}, then all of them. An
   * exception is a failed flush, as from {@link #flush}. */
  public Map<TopicPartition, Long> preCommit(Map<TopicPartition, Long> offsets) {
    flush(offsets);
    return offsets;
  }

  public abstract void stop();

  /** How many Puts the core may send before earlier ones are answered (keep 1 when put may
   * throw RetriableException, so a redelivery never follows a later Put). */
  public int maxInflightPuts() {
    return 1;
  }

  public SinkTaskContext context() { return context; }

  public void initialize(SinkTaskContext context) { this.context = context; }
}
