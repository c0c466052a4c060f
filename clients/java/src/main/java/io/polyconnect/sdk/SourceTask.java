package io.polyconnect.sdk;

import java.util.List;
import java.util.Map;

/**
 * A source task. {@code poll} runs in the task's own thread, so it may block for a while
 * (heartbeats and acks go on meanwhile); it should return now and then so the task can
 * stop. The SDK numbers records, sends them only while the core's credit lasts, and calls
 * {@code commitRecord} and {@code commit} back as Kafka and the offset store acknowledge.
 */
public abstract class SourceTask {
  private SourceTaskContext context;

  /** Starts the task; stored offsets are in {@link #context()}. */
  public abstract void start(Map<String, String> props);

  /** New records, or null / an empty list when there are none yet. */
  public abstract List<SourceRecord> poll() throws InterruptedException;

  /** Kafka acknowledged {@code record}; {@code metadata} is null when a transform dropped it.
   * Called in poll order, on a thread of its own. */
  public void commitRecord(SourceRecord record, RecordMetadata metadata) throws InterruptedException {
  }

  /** The offsets of every acknowledged record are durably stored. */
  public void commit() throws InterruptedException {
  }

  /** Stops the task, after the final acks and commit. */
  public abstract void stop();

  public SourceTaskContext context() { return context; }

  public void initialize(SourceTaskContext context) { this.context = context; }
}
