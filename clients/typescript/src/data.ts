// Kafka Connect's data model (org.apache.kafka.connect.data): schemas, structs and records.
// Logical types (Decimal, Date, Time, Timestamp) are named schemas; their values stay in
// their physical form (an INT64 of milliseconds for a Timestamp, say).

export type SchemaType =
  | "INT8" | "INT16" | "INT32" | "INT64" | "FLOAT32" | "FLOAT64"
  | "BOOLEAN" | "STRING" | "BYTES" | "ARRAY" | "MAP" | "STRUCT";

export interface Field {
  name: string;
  schema: Schema;
}

export interface SchemaOptions {
  optional?: boolean;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
  defaultValue?: unknown;
  keySchema?: Schema;
  valueSchema?: Schema;
  fields?: Field[];
}

/**
 * A schema. Build each schema once and reuse it: a stream sends a schema's definition once
 * and references it afterwards (protocol rule 12), keyed by the object.
 */
export class Schema {
  readonly optional: boolean;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters: Record<string, string>;
  readonly defaultValue?: unknown;
  readonly keySchema?: Schema;
  readonly valueSchema?: Schema;
  readonly fields: Field[];

  constructor(readonly type: SchemaType, options: SchemaOptions = {}) {
    this.optional = options.optional ?? false;
    this.name = options.name;
    this.version = options.version;
    this.doc = options.doc;
    this.parameters = options.parameters ?? {};
    this.defaultValue = options.defaultValue;
    this.keySchema = options.keySchema;
    this.valueSchema = options.valueSchema;
    this.fields = options.fields ?? [];
  }

  static readonly INT8 = new Schema("INT8");
  static readonly INT16 = new Schema("INT16");
  static readonly INT32 = new Schema("INT32");
  static readonly INT64 = new Schema("INT64");
  static readonly FLOAT32 = new Schema("FLOAT32");
  static readonly FLOAT64 = new Schema("FLOAT64");
  static readonly BOOLEAN = new Schema("BOOLEAN");
  static readonly STRING = new Schema("STRING");
  static readonly BYTES = new Schema("BYTES");
  static readonly OPTIONAL_INT32 = new Schema("INT32", { optional: true });
  static readonly OPTIONAL_INT64 = new Schema("INT64", { optional: true });
  static readonly OPTIONAL_FLOAT64 = new Schema("FLOAT64", { optional: true });
  static readonly OPTIONAL_BOOLEAN = new Schema("BOOLEAN", { optional: true });
  static readonly OPTIONAL_STRING = new Schema("STRING", { optional: true });
  static readonly OPTIONAL_BYTES = new Schema("BYTES", { optional: true });

  /** A STRUCT schema; `fields` in order. */
  static struct(name: string | undefined, fields: Record<string, Schema>, options: SchemaOptions = {}): Schema {
    return new Schema("STRUCT", { ...options, name, fields: Object.entries(fields).map(([n, s]) => ({ name: n, schema: s })) });
  }
  static array(valueSchema: Schema, options: SchemaOptions = {}): Schema {
    return new Schema("ARRAY", { ...options, valueSchema });
  }
  static map(keySchema: Schema, valueSchema: Schema, options: SchemaOptions = {}): Schema {
    return new Schema("MAP", { ...options, keySchema, valueSchema });
  }

  field(name: string): Field | undefined {
    return this.fields.find((f) => f.name === name);
  }
}

/** A STRUCT value: its schema and a value per field. JSON.stringify gives an object. */
export class Struct {
  readonly values: Record<string, unknown> = {};
  constructor(readonly schema: Schema, values: Record<string, unknown> = {}) {
    if (schema.type !== "STRUCT") throw new TypeError(`a Struct needs a STRUCT schema, not ${schema.type}`);
    for (const [k, v] of Object.entries(values)) this.put(k, v);
  }
  put(name: string, value: unknown): this {
    if (!this.schema.field(name)) throw new TypeError(`${name} is not a field of ${this.schema.name ?? "the struct"}`);
    this.values[name] = value;
    return this;
  }
  get(name: string): unknown {
    return this.values[name];
  }
  toJSON(): Record<string, unknown> {
    return this.values;
  }
}

/** Already serialized bytes (the raw-bytes fast path): written to Kafka as they are. */
export class RawBytes {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array | string) {
    this.bytes = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  }
}

export function raw(bytes: Uint8Array | string): RawBytes {
  return new RawBytes(bytes);
}

/** W3C Trace Context, carried through unchanged (protocol rule 10). */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

export interface Header {
  key: string;
  schema?: Schema;
  value: unknown;
}

/** Kafka Connect's Map<String, ?> of a source partition or offset. */
export type SourceMap = Record<string, string | number | boolean | bigint | null>;

/** What a source task's `poll` returns. */
export interface SourceRecord {
  topic: string;
  sourcePartition?: SourceMap;
  sourceOffset?: SourceMap;
  /** Absent: the producer's partitioner chooses from the key. */
  kafkaPartition?: number;
  keySchema?: Schema;
  /** A value for `keySchema`, schemaless data without it, or RawBytes. */
  key?: unknown;
  valueSchema?: Schema;
  value?: unknown;
  /** Milliseconds since the epoch (or a Date); absent: the producer's time. */
  timestamp?: number | Date;
  headers?: Header[];
  trace?: TraceContext;
}

/** Where Kafka put a source record (commitRecord's RecordMetadata). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** What a sink task's `put` receives. Raw bytes from the core arrive as a Buffer without schema. */
export interface SinkRecord {
  topic: string;
  kafkaPartition: number;
  kafkaOffset: number;
  keySchema?: Schema;
  key: unknown;
  valueSchema?: Schema;
  value: unknown;
  timestamp?: number;
  timestampType: "NO_TIMESTAMP_TYPE" | "CREATE_TIME" | "LOG_APPEND_TIME";
  headers: Header[];
  /** The coordinates before transforms (what errant records are reported with). */
  originalTopic: string;
  originalKafkaPartition: number;
  trace?: TraceContext;
}

/** `topic/partition` → next offset to consume, as a sink's flush and preCommit see them. */
export type Offsets = Map<string, { topic: string; partition: number; offset: number }>;

export function tpKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
