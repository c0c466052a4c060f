// The TransactionContext of a source task with connector-defined transaction boundaries:
// requests by record (identity) and for the next poll's batch, turned into each record's
// SourceRecord.transaction when the poll's records are encoded.
import type { TransactionContext } from "./connector.js";
import type { SourceRecord } from "./data.js";
import { ConnectError } from "./errors.js";
import { TransactionAction } from "./gen/polyconnect/v1/connector.js";

type Action = TransactionAction.COMMIT_TRANSACTION | TransactionAction.ABORT_TRANSACTION;

export class WorkerTransactionContext implements TransactionContext {
  private records = new Map<SourceRecord, Set<Action>>();
  private batch = new Set<Action>();

  commitTransaction(record?: SourceRecord): void {
    this.request(TransactionAction.COMMIT_TRANSACTION, record);
  }

  abortTransaction(record?: SourceRecord): void {
    this.request(TransactionAction.ABORT_TRANSACTION, record);
  }

  private request(action: Action, record?: SourceRecord): void {
    if (record === undefined || record === null) {
      this.batch.add(action);
      return;
    }
    let set = this.records.get(record);
    if (!set) this.records.set(record, (set = new Set()));
    set.add(action);
  }

  /** The requests for one poll's records, by index (the batch's on the last), consumed. */
  actions(records: SourceRecord[]): Map<number, Action> {
    const out = new Map<number, Action>();
    records.forEach((r, i) => {
      const set = this.records.get(r);
      if (!set) return;
      this.records.delete(r);
      if (set.size > 1) {
        throw new ConnectError(
          `Connector requested both commit and abort of same record against topic/partition ${r.topic}/${r.kafkaPartition ?? "null"}`,
        );
      }
      out.set(i, [...set][0]!);
    });
    const batch = this.batch;
    this.batch = new Set();
    if (batch.size > 1) throw new ConnectError("Connector requested both commit and abort of same transaction");
    if (batch.size === 1 && records.length && !out.has(records.length - 1)) out.set(records.length - 1, [...batch][0]!);
    return out;
  }
}

/** SourceRecord.transaction (field 11, varint) appended to a record's encoding. */
export function withAction(bytes: Uint8Array, action: Action): Uint8Array {
  const out = new Uint8Array(bytes.length + 2);
  out.set(bytes);
  out[bytes.length] = 11 << 3;
  out[bytes.length + 1] = action;
  return out;
}
