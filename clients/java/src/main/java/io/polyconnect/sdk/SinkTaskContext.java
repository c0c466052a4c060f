package io.polyconnect.sdk;

import java.util.Map;

/**
 * Given to a sink task.
 *
 * <p>{@link #offset(Map)}, {@link #pause}, {@link #resume} and {@link #requestCommit()} are
 * Kafka Connect's SinkTaskContext requests. Each goes to the core at once (from
 * {@code start}: right after it), in call order, and always before the PutDone of a
 * {@code put} that makes it, so the core applies it before the next put. They may be called
 * from any thread.
 */
public interface SinkTaskContext {
  String connectorName();

  int taskId();

  /** Reports one bad record (RECORD error); the rest of the batch goes on. The core applies
   * errors.tolerance to it. */
  void reportErrant(SinkRecord record, Throwable error);

  /** The next offsets to consume for these partitions (a rewind or a skip): the core seeks
   * there and counts them as consumed for the next flush. */
  void offset(Map<TopicPartition, Long> offsets);

  /** {@link #offset(Map)} for one partition. */
  void offset(TopicPartition partition, long offset);

  /** Stops fetching these partitions (they stay assigned) until resumed or revoked. */
  void pause(TopicPartition... partitions);

  /** Fetches paused partitions again. */
  void resume(TopicPartition... partitions);

  /** A flush and offset commit as soon as possible instead of at the next
   * offset.flush.interval.ms. */
  void requestCommit();

  /** Kafka Connect's {@code SinkTaskContext.timeout(ms)}: when the next {@code put} throws
   * {@link RetriableException} (without its own {@code retryAfterMs}), the core delivers the
   * same records again after {@code ms} instead of its own back-off (at most 60 s). Used
   * once, as in Kafka Connect; 0 or less: the core's back-off. */
  default void timeout(long ms) {
  }
}
