// The only code that converts between the SDK's data model and protocol messages.
import * as pb from "./gen/polyconnect/v1/data.js";
import {
  SourceRecord as SourceRecordProto,
  TimestampType,
  type SinkRecord as SinkRecordProto,
} from "./gen/polyconnect/v1/connector.js";
import { DataError } from "./errors.js";
import {
  RawBytes,
  Schema,
  Struct,
  type Header,
  type SchemaType,
  type SinkRecord,
  type SourceRecord,
  type TraceContext,
} from "./data.js";

const TYPES: SchemaType[] = ["INT8", "INT16", "INT32", "INT64", "FLOAT32", "FLOAT64", "BOOLEAN", "STRING", "BYTES", "ARRAY", "MAP", "STRUCT"];
const typeToProto = (t: SchemaType): pb.SchemaType => (TYPES.indexOf(t) + 1) as pb.SchemaType;
const NULL: pb.Value = { kind: { $case: "null", value: pb.NullValue.NULL_VALUE } };

function emptySchema(): pb.Schema {
  return { type: 0, optional: false, defaultValue: undefined, name: "", doc: "", parameters: {}, keySchema: undefined, valueSchema: undefined, fields: [], id: 0, ref: 0, parameterOrder: [] };
}

/** Gives schemas ids the first time a stream sends them (protocol rule 12). */
export class SchemaRefs {
  private ids = new WeakMap<Schema, number>();
  private next = 0;
  constructor(readonly enabled: boolean) {}

  toProto(s: Schema): pb.Schema {
    if (this.enabled) {
      const id = this.ids.get(s);
      if (id !== undefined) return { ...emptySchema(), ref: id };
      const def = schemaToProto(s);
      def.id = ++this.next;
      this.ids.set(s, def.id);
      return def;
    }
    return schemaToProto(s);
  }
}

export function schemaToProto(s: Schema): pb.Schema {
  return {
    type: typeToProto(s.type),
    optional: s.optional,
    defaultValue: s.defaultValue === undefined ? undefined : valueToProto(s, s.defaultValue),
    name: s.name ?? "",
    version: s.version,
    doc: s.doc ?? "",
    parameters: s.parameters,
    keySchema: s.keySchema && schemaToProto(s.keySchema),
    valueSchema: s.valueSchema && schemaToProto(s.valueSchema),
    fields: s.fields.map((f) => ({ name: f.name, schema: schemaToProto(f.schema) })),
    id: 0,
    ref: 0,
    parameterOrder: Object.keys(s.parameters),
  };
}

/** Receives schema definitions and resolves references for the life of a stream. */
export class SchemaTable {
  private byId = new Map<number, Schema>();

  fromProto(p: pb.Schema): Schema {
    if (p.ref) {
      const s = this.byId.get(p.ref);
      if (!s) throw new DataError(`schema reference ${p.ref} was never defined on this stream`);
      return s;
    }
    const order = [...p.parameterOrder, ...Object.keys(p.parameters).filter((k) => !p.parameterOrder.includes(k)).sort()];
    const parameters: Record<string, string> = {};
    for (const k of order) if (k in p.parameters) parameters[k] = p.parameters[k]!;
    const type = TYPES[p.type - 1];
    if (!type) throw new DataError(`schema without a valid type (${p.type})`);
    const base = new Schema(type, {
      optional: p.optional,
      name: p.name || undefined,
      version: p.version,
      doc: p.doc || undefined,
      parameters,
      keySchema: p.keySchema && this.fromProto(p.keySchema),
      valueSchema: p.valueSchema && this.fromProto(p.valueSchema),
      fields: p.fields.map((f) => ({ name: f.name, schema: this.fromProto(f.schema ?? emptySchema()) })),
    });
    const s = p.defaultValue ? new Schema(type, { ...base, defaultValue: valueFromProto(base, p.defaultValue) }) : base;
    if (p.id) this.byId.set(p.id, s);
    return s;
  }
}

function int(v: unknown, min: number, max: number, type: string): number {
  const n = typeof v === "bigint" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) throw new DataError(`${String(v)} is not a valid ${type}`);
  return n;
}

/** A value as the protocol's Value; with a schema the value must match it. */
export function valueToProto(schema: Schema | undefined, v: unknown): pb.Value {
  if (v === null || v === undefined) {
    if (schema && !schema.optional && schema.defaultValue === undefined) throw new DataError(`null for a required ${schema.type} schema`);
    return NULL;
  }
  if (!schema) return schemalessToProto(v);
  switch (schema.type) {
    case "INT8": return { kind: { $case: "int8", value: int(v, -128, 127, "INT8") } };
    case "INT16": return { kind: { $case: "int16", value: int(v, -32768, 32767, "INT16") } };
    case "INT32": return { kind: { $case: "int32", value: int(v, -(2 ** 31), 2 ** 31 - 1, "INT32") } };
    case "INT64": {
      if (typeof v === "bigint") return { kind: { $case: "int64", value: v } };
      if (v instanceof Date) return { kind: { $case: "int64", value: BigInt(v.getTime()) } };
      return { kind: { $case: "int64", value: BigInt(int(v, -(2 ** 63), 2 ** 63, "INT64")) } };
    }
    case "FLOAT32":
    case "FLOAT64":
      if (typeof v !== "number") throw new DataError(`${String(v)} is not a ${schema.type}`);
      return schema.type === "FLOAT32" ? { kind: { $case: "float32", value: v } } : { kind: { $case: "float64", value: v } };
    case "BOOLEAN":
      if (typeof v !== "boolean") throw new DataError(`${String(v)} is not a BOOLEAN`);
      return { kind: { $case: "boolean", value: v } };
    case "STRING":
      if (typeof v !== "string") throw new DataError(`${typeof v} is not a STRING`);
      return { kind: { $case: "string", value: v } };
    case "BYTES":
      if (!(v instanceof Uint8Array)) throw new DataError(`${typeof v} is not BYTES (a Uint8Array or Buffer)`);
      return { kind: { $case: "bytes", value: Buffer.from(v.buffer, v.byteOffset, v.byteLength) } };
    case "ARRAY":
      if (!Array.isArray(v)) throw new DataError(`${typeof v} is not an ARRAY`);
      return { kind: { $case: "array", value: { items: v.map((x) => valueToProto(schema.valueSchema, x)) } } };
    case "MAP": {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      return { kind: { $case: "map", value: { entries: entries.map(([k, x]) => ({ key: valueToProto(schema.keySchema, k), value: valueToProto(schema.valueSchema, x) })) } } };
    }
    case "STRUCT": {
      const get = v instanceof Struct ? (n: string) => v.get(n) : (n: string) => (v as Record<string, unknown>)[n];
      return { kind: { $case: "struct", value: { fields: schema.fields.map((f) => valueToProto(f.schema, get(f.name))) } } };
    }
  }
}

function schemalessToProto(v: unknown): pb.Value {
  switch (typeof v) {
    case "boolean": return { kind: { $case: "boolean", value: v } };
    case "string": return { kind: { $case: "string", value: v } };
    case "bigint": return { kind: { $case: "int64", value: v } };
    case "number":
      return Number.isInteger(v) && Number.isSafeInteger(v) ? { kind: { $case: "int64", value: BigInt(v) } } : { kind: { $case: "float64", value: v } };
  }
  if (v === null || v === undefined) return NULL;
  if (v instanceof Uint8Array) return { kind: { $case: "bytes", value: Buffer.from(v.buffer, v.byteOffset, v.byteLength) } };
  if (Array.isArray(v)) return { kind: { $case: "array", value: { items: v.map(schemalessToProto) } } };
  if (v instanceof Struct) return valueToProto(v.schema, v);
  if (v instanceof Date) return { kind: { $case: "int64", value: BigInt(v.getTime()) } };
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  return { kind: { $case: "map", value: { entries: entries.map(([k, x]) => ({ key: schemalessToProto(k), value: schemalessToProto(x) })) } } };
}

/**
 * A protocol Value as a JS value: INT64 as a number when it is a safe integer, else a
 * bigint; BYTES as a Buffer; MAP as a plain object when every key is a string, else a Map;
 * STRUCT as a Struct.
 */
export function valueFromProto(schema: Schema | undefined, p: pb.Value | undefined): unknown {
  const k = p?.kind;
  if (!k) return null;
  switch (k.$case) {
    case "null": return null;
    case "int64": {
      const n = Number(k.value);
      return Number.isSafeInteger(n) ? n : k.value;
    }
    case "array": return k.value.items.map((x) => valueFromProto(schema?.valueSchema, x));
    case "map": {
      const entries = k.value.entries.map((e) => [valueFromProto(schema?.keySchema, e.key), valueFromProto(schema?.valueSchema, e.value)] as const);
      return entries.every(([key]) => typeof key === "string") ? Object.fromEntries(entries) : new Map(entries);
    }
    case "struct": {
      if (!schema || schema.type !== "STRUCT") throw new DataError("a struct value without a STRUCT schema");
      const out: Record<string, unknown> = {};
      schema.fields.forEach((f, i) => (out[f.name] = valueFromProto(f.schema, k.value.fields[i])));
      return new Struct(schema, out);
    }
    case "decimal": return { unscaled: k.value.unscaled, scale: k.value.scale };
    default: return k.value;
  }
}

function traceToProto(t: TraceContext | undefined, enabled: boolean): pb.TraceContext | undefined {
  return enabled && t ? { traceparent: t.traceparent, tracestate: t.tracestate ?? "" } : undefined;
}

function headerToProto(h: Header, refs: SchemaRefs): pb.Header {
  return { key: h.key, schema: h.schema && refs.toProto(h.schema), value: valueToProto(h.schema, h.value) };
}

/** Encodes source records for one stream, with that stream's schema references. */
export class SourceRecordEncoder {
  private refs: SchemaRefs;
  constructor(schemaReferences: boolean, private rawBytes: boolean, private traceContext: boolean) {
    this.refs = new SchemaRefs(schemaReferences);
  }

  private data(schema: Schema | undefined, v: unknown): pb.RecordData | undefined {
    if (v instanceof RawBytes) {
      if (this.rawBytes) return { kind: { $case: "raw", value: Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength) } };
      // The core did not offer raw bytes: send them as optional BYTES.
      return { kind: { $case: "structured", value: { schema: this.refs.toProto(Schema.OPTIONAL_BYTES), value: valueToProto(Schema.OPTIONAL_BYTES, v.bytes) } } };
    }
    if (v === undefined && schema === undefined) return undefined;
    const s = schema ?? (v instanceof Struct ? v.schema : undefined);
    return { kind: { $case: "structured", value: { schema: s && this.refs.toProto(s), value: valueToProto(s, v) } } };
  }

  /** The SourceRecord message of `r`; `trace` (its connector-side span's context) replaces
   * the record's own. */
  encode(r: SourceRecord, seq: bigint, trace?: TraceContext): Uint8Array {
    if (typeof r?.topic !== "string" || r.topic === "") throw new DataError("a source record needs a topic");
    const msg: SourceRecordProto = {
      seq,
      sourcePartition: r.sourcePartition ? valueToProto(undefined, r.sourcePartition) : undefined,
      sourceOffset: r.sourceOffset ? valueToProto(undefined, r.sourceOffset) : undefined,
      topic: r.topic,
      kafkaPartition: r.kafkaPartition,
      key: this.data(r.keySchema, r.key),
      value: this.data(r.valueSchema, r.value),
      timestamp: r.timestamp === undefined ? undefined : BigInt(r.timestamp instanceof Date ? r.timestamp.getTime() : Math.trunc(r.timestamp)),
      headers: (r.headers ?? []).map((h) => headerToProto(h, this.refs)),
      trace: traceToProto(trace ?? r.trace, this.traceContext),
      // Set by the TransactionContext after encoding (appended), never here.
      transaction: 0,
    };
    return SourceRecordProto.encode(msg).finish();
  }
}

const TS_TYPES = ["NO_TIMESTAMP_TYPE", "CREATE_TIME", "LOG_APPEND_TIME"] as const;

/** Decodes the records of Puts on one stream, resolving its schema references. */
export class SinkRecordDecoder {
  private table = new SchemaTable();

  private data(d: pb.RecordData | undefined): [Schema | undefined, unknown] {
    const k = d?.kind;
    if (!k) return [undefined, null];
    if (k.$case === "raw") return [undefined, k.value];
    const schema = k.value.schema && this.table.fromProto(k.value.schema);
    return [schema, valueFromProto(schema, k.value.value)];
  }

  decode(r: SinkRecordProto): SinkRecord {
    const [keySchema, key] = this.data(r.key);
    const [valueSchema, value] = this.data(r.value);
    return {
      topic: r.topic,
      kafkaPartition: r.kafkaPartition,
      kafkaOffset: Number(r.kafkaOffset),
      keySchema,
      key,
      valueSchema,
      value,
      timestamp: r.timestamp === undefined ? undefined : Number(r.timestamp),
      timestampType: TS_TYPES[r.timestampType as number] ?? "NO_TIMESTAMP_TYPE",
      headers: r.headers.map((h) => {
        const schema = h.schema && this.table.fromProto(h.schema);
        return { key: h.key, schema, value: valueFromProto(schema, h.value) };
      }),
      originalTopic: r.originalTopic || r.topic,
      originalKafkaPartition: r.originalTopic ? r.originalKafkaPartition : r.kafkaPartition,
      trace: r.trace?.traceparent ? { traceparent: r.trace.traceparent, tracestate: r.trace.tracestate } : undefined,
    };
  }
}

export { TimestampType };

/** A schemaless map (source partition/offset) from the protocol. */
export function mapFromProto(p: pb.Value | undefined): Record<string, unknown> | null {
  const v = valueFromProto(undefined, p);
  return v && typeof v === "object" && !(v instanceof Map) ? (v as Record<string, unknown>) : null;
}

/** A stable key for a source partition map (key order does not matter). */
export function partitionKey(p: unknown): string {
  const norm = (x: unknown): unknown =>
    x && typeof x === "object" && !Array.isArray(x) && !(x instanceof Uint8Array)
      ? Object.keys(x).sort().map((k) => [k, norm((x as Record<string, unknown>)[k])])
      : typeof x === "bigint" ? `${x}n` : x;
  return JSON.stringify(norm(p));
}
