package io.polyconnect.sdk.internal;

import io.polyconnect.protocol.v1.TransactionAction;
import io.polyconnect.sdk.ConnectException;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.TransactionContext;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The requests of a task with connector-defined transaction boundaries, turned into each
 * record's {@code SourceRecord.transaction} when a poll's records are encoded. */
final class WorkerTransactionContext implements TransactionContext {
  private final Map<SourceRecord, Set<TransactionAction>> records = new IdentityHashMap<>();
  private final Set<TransactionAction> batch = EnumSet.noneOf(TransactionAction.class);

  @Override
  public synchronized void commitTransaction() {
    batch.add(TransactionAction.COMMIT_TRANSACTION);
  }

  @Override
  public synchronized void commitTransaction(SourceRecord record) {
    request(record, TransactionAction.COMMIT_TRANSACTION);
  }

  @Override
  public synchronized void abortTransaction() {
    batch.add(TransactionAction.ABORT_TRANSACTION);
  }

  @Override
  public synchronized void abortTransaction(SourceRecord record) {
    request(record, TransactionAction.ABORT_TRANSACTION);
  }

  private void request(SourceRecord record, TransactionAction action) {
    if (record == null) {
      throw new NullPointerException("Source record used to define transaction boundaries may not be null");
    }
    records.computeIfAbsent(record, r -> EnumSet.noneOf(TransactionAction.class)).add(action);
  }

  /** The requests for one poll's records, by index (the batch's on the last), consumed. */
  synchronized Map<Integer, TransactionAction> actions(List<SourceRecord> polled) {
    Map<Integer, TransactionAction> out = new HashMap<>();
    for (int i = 0; i < polled.size(); i++) {
      SourceRecord r = polled.get(i);
      Set<TransactionAction> set = records.remove(r);
      if (set == null) continue;
      if (set.size() > 1) {
        throw new ConnectException("Connector requested both commit and abort of same record against topic/partition "
            + r.topic() + "/" + r.kafkaPartition());
      }
      out.put(i, set.iterator().next());
    }
    if (batch.size() > 1) {
      batch.clear();
      throw new ConnectException("Connector requested both commit and abort of same transaction");
    }
    if (batch.size() == 1 && !polled.isEmpty() && !out.containsKey(polled.size() - 1)) {
      out.put(polled.size() - 1, batch.iterator().next());
    }
    batch.clear();
    return out;
  }
}
