// Connectors the tests drive: small, deterministic, and with switches to misbehave.
import { ConfigDef, Range, RetriableError, Schema, SinkConnector, SinkTask, SourceConnector, SourceTask, raw } from "../src/index.js";
import type { Config, Offsets, RecordMetadata, SinkRecord, SourceRecord } from "../src/index.js";

export const events: string[] = [];

const VALUE = Schema.struct("Row", { n: Schema.INT64, name: Schema.OPTIONAL_STRING });

export class CountTask extends SourceTask {
  private n = 0;
  private total = 0;
  private mode = "";
  private rawValues = false;
  committed: [number, RecordMetadata | null][] = [];

  start(config: Config): void {
    this.total = Number(config.records ?? 10);
    this.mode = config.mode ?? "";
    this.rawValues = config.raw === "true";
    this.n = Number(this.context.offset({ p: "x" })?.n ?? 0);
    events.push(`start n=${this.n}`);
    if (this.mode === "fail-start") throw new TypeError("cannot start: bad things");
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.mode === "fail-poll") throw new RangeError("poll exploded");
    if (this.mode === "retry-poll" && this.n === 0) {
      this.n = -1;
      throw new RetriableError("source busy", { retryAfterMs: 10 });
    }
    if (this.n < 0) this.n = 0;
    if (this.n >= this.total) return null;
    const out: SourceRecord[] = [];
    while (this.n < this.total && out.length < 4) {
      this.n++;
      out.push({
        topic: "t",
        sourcePartition: { p: "x" },
        sourceOffset: { n: this.n },
        valueSchema: this.rawValues ? undefined : VALUE,
        value: this.rawValues ? raw(`v${this.n}`) : { n: this.n, name: `row-${this.n}` },
        trace: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      });
    }
    return out;
  }

  override commitRecord(record: SourceRecord, metadata: RecordMetadata | null): void {
    events.push(`commitRecord ${(record.sourceOffset as { n: number }).n} ${metadata ? metadata.offset : "filtered"}`);
  }

  override commit(): void {
    events.push("commit");
  }

  override stop(): void {
    events.push("stop");
  }
}

export class Count extends SourceConnector {
  static override aliases = ["org.example.CountSourceConnector"];
  static override version = "1.2.3";
  static override config = new ConfigDef()
    .define("topic", { type: "STRING", importance: "HIGH", doc: "Where to write" })
    .define("records", { type: "INT", default: 10, validator: Range.atLeast(0), doc: "How many" })
    .define("secret", { type: "PASSWORD", default: null, doc: "A password" });
  static override taskClass = CountTask;

  override taskConfigs(maxTasks: number): Config[] {
    return Array.from({ length: maxTasks + 1 }, (_, i) => ({ ...this.config, task: String(i) }));
  }

  override validate(config: Config): Record<string, string[]> {
    return config.topic === "forbidden" ? { topic: ["this topic is forbidden"] } : {};
  }
}

export class CollectTask extends SinkTask {
  static seen: SinkRecord[] = [];
  static puts = 0;
  private mode = "";
  private retried = false;
  private durable = new Map<string, number>();

  start(config: Config): void {
    this.mode = config.mode ?? "";
    if (config.inflight) this.maxInflightPuts = Number(config.inflight);
  }

  put(records: SinkRecord[]): void {
    CollectTask.puts++;
    if (this.mode === "retry" && !this.retried) {
      this.retried = true;
      throw new RetriableError("receiver busy", { retryAfterMs: 250 });
    }
    if (this.mode === "fail") throw new Error("put exploded");
    for (const r of records) {
      if (r.value === "bad") this.context.reportErrant(r, new Error("bad value"));
      else CollectTask.seen.push(r);
      // Only even offsets count as durable in "partial" mode.
      if (this.mode !== "partial" || r.kafkaOffset % 2 === 0) this.durable.set(`${r.topic}/${r.kafkaPartition}`, r.kafkaOffset + 1);
    }
  }

  override preCommit(offsets: Offsets): Offsets {
    const out: Offsets = new Map();
    for (const [k, o] of offsets) {
      const d = this.durable.get(k);
      if (d !== undefined) out.set(k, { ...o, offset: d });
    }
    return out;
  }

  override stop(): void {
    events.push("sink stop");
  }
}

export class Collect extends SinkConnector {
  static override className = "CollectSink";
  static override taskClass = CollectTask;
}
