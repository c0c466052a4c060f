package io.polyconnect.sdk;

/** Given to a sink task. */
public interface SinkTaskContext {
  String connectorName();

  int taskId();

  /** Reports one bad record (RECORD error); the rest of the batch goes on. The core applies
   * errors.tolerance to it. */
  void reportErrant(SinkRecord record, Throwable error);
}
