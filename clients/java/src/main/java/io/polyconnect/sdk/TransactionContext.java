package io.polyconnect.sdk;

/**
 * Kafka Connect's TransactionContext: a source task that runs exactly once with
 * {@code transaction.boundary=connector} commits and aborts its own transactions
 * ({@link SourceTaskContext#transactionContext()}). Requests name records the task returns
 * from {@code poll} (by identity); callable from any thread.
 *
 * <p>An aborted transaction's records are discarded (read_committed consumers never see
 * them) but, as in Kafka Connect, their offsets are committed so they are not polled again;
 * a task that wants them again throws instead. A record's request wins over the batch's on
 * the poll's last record; a commit and an abort of the same record (or batch) fail the
 * task. Nothing else commits these transactions: one still open at a stop is aborted, and
 * its records are polled again.
 */
public interface TransactionContext {
  /** Commits after the records of the next (non-empty) poll. */
  void commitTransaction();

  /** Commits right after {@code record}. */
  void commitTransaction(SourceRecord record);

  /** Aborts the transaction after the records of the next poll. */
  void abortTransaction();

  /** Aborts the transaction right after {@code record}, {@code record} included. */
  void abortTransaction(SourceRecord record);
}
