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

  /** A sink task's {@link #maxInflightPuts()} unless it overrides it. */
  public static final int DEFAULT_MAX_INFLIGHT_PUTS = 4;

  /** How many Puts the core may send before earlier ones are answered. put() still runs one
   * at a time, in order, and the order holds when put throws RetriableException (the Puts
   * after it are held back until the core delivers it again). Return 1 for Kafka Connect's
   * exact behaviour for a rewind (context().offset(...)) from put(); with more, records
   * already put once may come again before the re-read (at least once). */
  public int maxInflightPuts() {
    return DEFAULT_MAX_INFLIGHT_PUTS;
  }

  public SinkTaskContext context() { return context; }

  public void initialize(SinkTaskContext context) { this.context = context; }
}
