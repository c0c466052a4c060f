package io.polyconnect.sdk;

import java.util.Collection;
import java.util.Map;

/** Given to a source task: its name and the stored offsets (Kafka Connect's OffsetStorageReader). */
public interface SourceTaskContext {
  String connectorName();

  int taskId();

  /** The stored offset of {@code partition}, or null. */
  Map<String, Object> offset(Map<String, ?> partition);

  /** The stored offsets of {@code partitions}; partitions without one are left out. Offsets
   * the core gave at start are answered at once, others are asked of the core. */
  Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> partitions);

  /** The transaction context when the task runs exactly once with
   * {@code transaction.boundary=connector}; null otherwise (Kafka Connect's
   * {@code SourceTaskContext.transactionContext()}). */
  default TransactionContext transactionContext() {
    return null;
  }
}
