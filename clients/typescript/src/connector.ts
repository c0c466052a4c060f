// What connector authors extend: Kafka Connect's Connector, SourceTask and SinkTask, with
// async methods. Every method may return a value or a promise; none may block the event
// loop for long (heartbeats and acks share it).
import { ConfigDef } from "./config.js";
import type { Offsets, RecordMetadata, SinkRecord, SourceMap, SourceRecord, TopicPartition } from "./data.js";

export type Config = Record<string, string>;
type MaybePromise<T> = T | Promise<T>;

/** The connector's view of its Connector.Run stream. */
export interface ConnectorContext {
  readonly connectorName: string;
  /** Asks the core for new task configs (the source system changed). */
  requestTaskReconfiguration(reason?: string): void;
  /** Fails the connector with `error`. */
  raiseError(error: unknown): void;
  /**
   * Source connectors: the stored offsets of these partitions, null where none (Kafka
   * Connect's SourceConnectorContext.offsetStorageReader()), from the store the connector's
   * tasks resume from. Each call asks the core; usable from `start` on.
   */
  offsets(partitions: SourceMap[]): Promise<(Record<string, unknown> | null)[]>;
}

/** A source partition's new offset in `alterOffsets`; `offset` null: reset. */
export interface SourceOffsetChange {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

/** A sink topic partition's new offset in `alterOffsets`; `offset` null: removed. */
export interface SinkOffsetChange extends TopicPartition {
  offset: number | null;
}

/**
 * Thrown from `alterOffsets` by a connector that cannot have its offsets changed from
 * outside (Kafka Connect's UnsupportedOperationException).
 */
export class UnsupportedOperationError extends Error {}

abstract class ConnectorBase {
  /** The class name connector configs use; default: the JS class name. */
  static className?: string;
  /** Other accepted names, e.g. a Kafka Connect class name. */
  static aliases: string[] = [];
  static version = "0.0.0";
  /** The config keys: the static spec, validation and parsing. */
  static config: ConfigDef = new ConfigDef();

  context!: ConnectorContext;
  config: Config = {};

  /** Kafka Connect's Connector.start; the default keeps `config`. */
  start(config: Config): MaybePromise<void> {
    this.config = config;
  }
  /** At most `maxTasks` task configs; the default: one task with the connector's config. */
  taskConfigs(maxTasks: number): MaybePromise<Config[]> {
    void maxTasks;
    return [this.config];
  }
  /** Checks beyond the ConfigDef's: key → errors. */
  validate?(config: Config): MaybePromise<Record<string, string[]>>;
  stop(): MaybePromise<void> {}
  /**
   * KIP-875 (Kafka Connect's alterOffsets): called on an instance that was not started,
   * before `PATCH` / `DELETE /connectors/{c}/offsets` writes `offsets` for the stopped
   * connector (a source connector gets SourceOffsetChange, a sink connector
   * SinkOffsetChange). A throw fails the request with its message and nothing is written
   * (UnsupportedOperationError: "doesn't support external modification of offsets"). True:
   * the connector altered offsets it keeps itself too; false, the default: only the
   * framework's offsets change.
   */
  alterOffsets(config: Config, offsets: SourceOffsetChange[] | SinkOffsetChange[]): MaybePromise<boolean> {
    void config;
    void offsets;
    return false;
  }
}

/** Kafka Connect's ExactlyOnceSupport, as `SourceConnector.exactlyOnceSupport` answers it. */
export type ExactlyOnceSupport = "SUPPORTED" | "UNSUPPORTED";
/** Kafka Connect's ConnectorTransactionBoundaries. */
export type ConnectorTransactionBoundaries = "SUPPORTED" | "UNSUPPORTED";

export abstract class SourceConnector extends ConnectorBase {
  static taskClass: new () => SourceTask;
  /**
   * Whether the connector can run exactly once with `config` (Kafka Connect's
   * exactlyOnceSupport); null, the default: not declared. With
   * `exactly.once.support=required` a connector is refused unless "SUPPORTED".
   */
  exactlyOnceSupport(config: Config): MaybePromise<ExactlyOnceSupport | null> {
    void config;
    return null;
  }
  /**
   * Whether the connector's tasks define their own transactions with `config` (Kafka
   * Connect's canDefineTransactionBoundaries); `transaction.boundary=connector` is refused
   * unless "SUPPORTED" (the default is "UNSUPPORTED").
   */
  canDefineTransactionBoundaries(config: Config): MaybePromise<ConnectorTransactionBoundaries> {
    void config;
    return "UNSUPPORTED";
  }
}

export abstract class SinkConnector extends ConnectorBase {
  static taskClass: new () => SinkTask;
}

/**
 * Kafka Connect's TransactionContext: a source task that runs exactly once with
 * `transaction.boundary=connector` commits and aborts its own transactions. Requests name
 * records the task returns from `poll` (by identity). Without a record: after the records of
 * the next (non-empty) poll; with one: right after that record. An aborted transaction's
 * records are discarded (read_committed consumers never see them) but, as in Kafka Connect,
 * their offsets are committed, so they are not polled again. A record's request wins over
 * the batch's on the poll's last record; a commit and an abort of the same record (or batch)
 * fail the task. Nothing else commits these transactions: one still open at a stop is
 * aborted, and its records are polled again.
 */
export interface TransactionContext {
  commitTransaction(record?: SourceRecord): void;
  abortTransaction(record?: SourceRecord): void;
}

export interface SourceTaskContext {
  readonly connectorName: string;
  readonly taskId: number;
  /**
   * The transaction context when the task runs exactly once with
   * `transaction.boundary=connector`; null otherwise (Kafka Connect's
   * SourceTaskContext.transactionContext()).
   */
  transactionContext(): TransactionContext | null;
  /** The stored offset of a source partition (null: none), from those the core sent at start. */
  offset(partition: SourceMap): Record<string, unknown> | null;
  /** Like `offset`, asking the core for partitions it did not send at start. */
  queryOffsets(partitions: SourceMap[]): Promise<(Record<string, unknown> | null)[]>;
}

export abstract class SourceTask {
  context!: SourceTaskContext;
  abstract start(config: Config): MaybePromise<void>;
  /** Records to send; nothing (null, undefined or []) when there is nothing now. */
  abstract poll(): MaybePromise<SourceRecord[] | null | undefined>;
  /** Kafka has the record (`metadata` null: a transform dropped it). In poll order. */
  commitRecord?(record: SourceRecord, metadata: RecordMetadata | null): MaybePromise<void>;
  /** The offsets of everything acknowledged so far are durably stored. */
  commit?(): MaybePromise<void>;
  stop(): MaybePromise<void> {}
}

export interface SinkTaskContext {
  readonly connectorName: string;
  readonly taskId: number;
  /** Reports one bad record (Kafka Connect's ErrantRecordReporter); the rest go on. */
  reportErrant(record: SinkRecord, error: unknown): void;
  // Kafka Connect's SinkTaskContext requests. Each goes to the core at once (from start:
  // right after it), in call order, and always before the PutDone of a put that makes it,
  // so the core applies it before the next put.
  /**
   * The next offsets to consume (a rewind or a skip): `offset(tp, 42)`, or for several
   * partitions an `Offsets` map or a list of `{ topic, partition, offset }`. The core seeks
   * there and counts the offset as consumed for the next flush.
   */
  offset(partition: TopicPartition, offset: number): void;
  offset(offsets: Offsets | Iterable<TopicPartition & { offset: number }>): void;
  /** Stops fetching these partitions (they stay assigned) until resumed or revoked. */
  pause(...partitions: TopicPartition[]): void;
  /** Fetches paused partitions again. */
  resume(...partitions: TopicPartition[]): void;
  /** A flush and offset commit as soon as possible, not at the next offset.flush.interval.ms. */
  requestCommit(): void;
  /** The partitions currently open. */
  assignment(): TopicPartition[];
  /**
   * Kafka Connect's SinkTaskContext.timeout: when the next put throws RetriableError
   * (without its own retryAfterMs), the core delivers the same records again after `ms`
   * instead of its own back-off (at most 60 s). Used once; 0 or less: the core's.
   */
  timeout(ms: number): void;
}

/** A sink task's maxInflightPuts unless it sets its own. */
export const DEFAULT_MAX_INFLIGHT_PUTS = 4;

export abstract class SinkTask {
  context!: SinkTaskContext;
  /**
   * Puts that may be unanswered at once. put still runs one at a time, in order, and the
   * order holds when put throws RetriableError (the Puts after it are held back until the
   * core delivers it again). 1 gives Kafka Connect's exact behaviour for a rewind
   * (context.offset) from put; with more, records already put once may come again before
   * the re-read (at least once).
   */
  maxInflightPuts = DEFAULT_MAX_INFLIGHT_PUTS;
  abstract start(config: Config): MaybePromise<void>;
  open?(partitions: TopicPartition[]): MaybePromise<void>;
  close?(partitions: TopicPartition[]): MaybePromise<void>;
  /** The records are the task's now; durable only after flush. */
  abstract put(records: SinkRecord[]): MaybePromise<void>;
  /**
   * Make everything put so far durable; then exactly `offsets` are committed (Kafka
   * Connect's default preCommit). A throw is a failed flush: nothing is committed, the core
   * rewinds to the last committed offsets (those records are put again) and the task keeps
   * running; only a ConfigError fails the task.
   */
  flush?(offsets: Offsets): MaybePromise<void>;
  /** Instead of flush: return the offsets made durable (partitions left out are not committed). A throw is a failed flush. */
  preCommit?(offsets: Offsets): MaybePromise<Offsets>;
  stop(): MaybePromise<void> {}
}

/** A concrete SourceConnector or SinkConnector subclass. */
export interface ConnectorClass {
  new (): SourceConnector | SinkConnector;
  readonly name: string;
  readonly prototype: SourceConnector | SinkConnector;
  className?: string;
  aliases: string[];
  version: string;
  config: ConfigDef;
}

export function pluginName(cls: ConnectorClass): string {
  return Object.prototype.hasOwnProperty.call(cls, "className") && cls.className ? cls.className : cls.name;
}
