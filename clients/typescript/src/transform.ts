// Single message transforms and predicates served out of process (the protocol's
// `Transform` service, docs/adr/0016-transforms-and-predicates-out-of-process.md).
//
//   class Upper extends Transformation {
//     apply(r: ConnectRecord) { return { ...r, value: String(r.value).toUpperCase() }; }
//   }
//   serve(Upper);
import type { ServerDuplexStream } from "@grpc/grpc-js";
import {
  ErrorKind,
  PluginType,
  TransformResponse,
  type TransformRecord,
  type TransformRequest,
  type TransformOutcome,
} from "./gen/polyconnect/v1/connector.js";
import * as pb from "./gen/polyconnect/v1/data.js";
import { ConfigDef } from "./config.js";
import { Schema, type Header } from "./data.js";
import { errorMessage, plainError } from "./errors.js";
import { log } from "./log.js";
import { PROTOCOL_VERSIONS, Stream, requests, versionError } from "./streams/stream.js";
import { SchemaRefs, SchemaTable, valueFromProto, valueToProto } from "./wire.js";

type MaybePromise<T> = T | Promise<T>;

/** Kafka Connect's ConnectRecord as a transform sees it; `kafkaOffset` on sink records only.
 * Return a new object (`{ ...record, value }`), or null to drop the record. */
export interface ConnectRecord {
  topic: string;
  kafkaPartition?: number;
  keySchema?: Schema;
  key: unknown;
  valueSchema?: Schema;
  value: unknown;
  timestamp?: number;
  headers: Header[];
  kafkaOffset?: number;
}

abstract class TransformBase {
  /** The class name connector configs use; default: the JS class name. */
  static className?: string;
  static aliases: string[] = [];
  static version = "0.0.0";
  static config: ConfigDef = new ConfigDef();

  /** The settings (`transforms.<alias>.*` without the prefix), before the first record. */
  configure(_config: Record<string, string>): MaybePromise<void> {}

  /** Called when the task stops. */
  close(): MaybePromise<void> {}
}

/** Kafka Connect's Transformation: the transformed record, or null to drop it. A throw fails
 * that record only (the core's errors.tolerance and dead letter queue). */
export abstract class Transformation extends TransformBase {
  abstract apply(record: ConnectRecord): MaybePromise<ConnectRecord | null>;
}

/** Kafka Connect's Predicate: whether a transform applies to a record. */
export abstract class Predicate extends TransformBase {
  abstract test(record: ConnectRecord): MaybePromise<boolean>;
}

export interface TransformClass {
  new (): Transformation | Predicate;
  readonly name: string;
  readonly prototype: Transformation | Predicate;
  className?: string;
  aliases: string[];
  version: string;
  config: ConfigDef;
}

export function isTransformClass(cls: unknown): cls is TransformClass {
  return typeof cls === "function" && (cls.prototype instanceof Transformation || cls.prototype instanceof Predicate);
}

const HEARTBEAT = Buffer.from(TransformResponse.encode({ msg: { $case: "heartbeat", value: {} } }).finish());

/** Encodes and decodes one stream's records (schema references in each direction). */
class Codec {
  private table = new SchemaTable();
  private refs = new SchemaRefs(true);

  private data(d: pb.RecordData | undefined): [Schema | undefined, unknown] {
    const k = d?.kind;
    if (!k) return [undefined, null];
    if (k.$case === "raw") return [Schema.OPTIONAL_BYTES, k.value];
    const schema = k.value.schema && this.table.fromProto(k.value.schema);
    return [schema, valueFromProto(schema, k.value.value)];
  }

  decode(r: TransformRecord): ConnectRecord {
    const [keySchema, key] = this.data(r.key);
    const [valueSchema, value] = this.data(r.value);
    return {
      topic: r.topic,
      kafkaPartition: r.kafkaPartition,
      keySchema,
      key,
      valueSchema,
      value,
      timestamp: r.timestamp === undefined ? undefined : Number(r.timestamp),
      headers: r.headers.map((h) => {
        const schema = h.schema && this.table.fromProto(h.schema);
        return { key: h.key, schema, value: valueFromProto(schema, h.value) };
      }),
      kafkaOffset: r.kafkaOffset === undefined ? undefined : Number(r.kafkaOffset),
    };
  }

  private out(schema: Schema | undefined, v: unknown): pb.RecordData | undefined {
    if (schema === undefined && (v === undefined || v === null)) return undefined;
    return { kind: { $case: "structured", value: { schema: schema && this.refs.toProto(schema), value: valueToProto(schema, v) } } };
  }

  encode(r: ConnectRecord): TransformRecord {
    if (typeof r?.topic !== "string" || r.topic === "") throw new TypeError("a transformed record needs a topic");
    return {
      index: 0,
      topic: r.topic,
      kafkaPartition: r.kafkaPartition,
      key: this.out(r.keySchema, r.key),
      value: this.out(r.valueSchema, r.value),
      timestamp: r.timestamp === undefined ? undefined : BigInt(Math.trunc(r.timestamp)),
      headers: (r.headers ?? []).map((h) => ({ key: h.key, schema: h.schema && this.refs.toProto(h.schema), value: valueToProto(h.schema, h.value) })),
      kafkaOffset: r.kafkaOffset === undefined ? undefined : BigInt(r.kafkaOffset),
      timestampType: 0,
      trace: undefined,
    };
  }
}

/** One Transform stream: one configured transformation or predicate for one task's stage. */
export class TransformSession {
  private stream: Stream<TransformRequest>;

  constructor(
    private find: (name: string) => TransformClass | undefined,
    private call: ServerDuplexStream<TransformRequest, unknown>,
  ) {
    this.stream = new Stream(call, HEARTBEAT);
  }

  private async fail(kind: ErrorKind, message: string): Promise<void> {
    await this.stream.send({ msg: { $case: "error", value: plainError(kind, message) } });
    this.stream.end();
  }

  async run(): Promise<void> {
    const it = requests(this.call);
    const first = await it.next();
    if (first.done) return this.stream.end();
    const m = first.value.msg;
    if (m?.$case !== "start") return this.fail(ErrorKind.FATAL, "the first message must be TransformStart");
    const start = m.value;
    if (start.protocolVersion && !PROTOCOL_VERSIONS.includes(start.protocolVersion)) return this.fail(ErrorKind.CONFIG, versionError(start.protocolVersion));
    const cls = this.find(start.className);
    if (!cls) return this.fail(ErrorKind.CONFIG, `this process does not serve the transform or predicate '${start.className}'`);
    const config = { ...start.config };
    const problems = [...cls.config.validate(config)].filter(([, errs]) => errs.length > 0);
    if (problems.length) return this.fail(ErrorKind.CONFIG, problems.map(([k, errs]) => `${k}: ${errs.join(", ")}`).join("; "));
    const instance = new cls();
    try {
      await instance.configure(config);
    } catch (e) {
      await this.stream.send({ msg: { $case: "error", value: errorMessage(e, ErrorKind.CONFIG) } });
      return this.stream.end();
    }
    const predicate = instance instanceof Predicate ? instance : undefined;
    const transformation = instance instanceof Transformation ? instance : undefined;
    await this.stream.send({ msg: { $case: "started", value: { type: predicate ? PluginType.PREDICATE : PluginType.TRANSFORMATION } } });
    log.info(`${start.className} '${start.alias}' of ${start.connectorName} task ${start.taskId} started`);
    this.stream.configure(start.heartbeatIntervalMs, 0);
    this.stream.startLiveness(() => {});
    const codec = new Codec();
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) break;
        const msg = next.value.msg;
        if (msg?.$case === "stop") break;
        if (msg?.$case !== "batch") continue;
        const outcomes: TransformOutcome[] = [];
        for (const r of msg.value.records) {
          const o: TransformOutcome = { index: r.index, outcome: undefined };
          try {
            const record = codec.decode(r);
            if (predicate) {
              o.outcome = { $case: "matches", value: !!(await predicate.test(record)) };
            } else {
              const t = await transformation!.apply(record);
              o.outcome = t === null || t === undefined ? { $case: "dropped", value: true } : { $case: "record", value: codec.encode(t) };
            }
          } catch (e) {
            o.outcome = { $case: "error", value: errorMessage(e, ErrorKind.RECORD) };
          }
          outcomes.push(o);
        }
        await this.stream.send({ msg: { $case: "result", value: { batchId: msg.value.batchId, outcomes } } });
      }
    } finally {
      try {
        await instance.close();
      } catch (e) {
        log.warn(`close() of ${start.className} failed`, e);
      }
      this.stream.end();
    }
  }
}
