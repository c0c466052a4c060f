// A source written with the TypeScript SDK for `make bench`: `records` string values of
// `record.bytes` bytes each (record number first), with a source offset per record, as a
// real connector would send them. Plain JavaScript on the SDK's build, so it needs no
// compile step of its own (scripts/setup/typescript.sh builds the SDK).
import { ConfigDef, Schema, SourceConnector, SourceTask, serve } from "../../../clients/typescript/build/src/index.js";

const PARTITION = { source: "bench" };

class BenchTask extends SourceTask {
  start(config) {
    const c = TsBenchSource.config.parse(config);
    this.topic = c.topic;
    this.total = c.records;
    this.batch = c["batch.size"];
    this.pad = "x".repeat(Math.max(0, c["record.bytes"] - 10));
    this.sent = Number(this.context.offset(PARTITION)?.n ?? 0);
  }

  poll() {
    if (this.total && this.sent >= this.total) return null;
    const n = this.total ? Math.min(this.batch, this.total - this.sent) : this.batch;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      this.sent++;
      const value = String(this.sent).padStart(10, "0") + this.pad;
      out[i] = { topic: this.topic, sourcePartition: PARTITION, sourceOffset: { n: this.sent }, valueSchema: Schema.STRING, value };
    }
    return out;
  }
}

class TsBenchSource extends SourceConnector {
  static version = "0.1.0";
  static taskClass = BenchTask;
  static config = new ConfigDef()
    .define("topic", { type: "STRING", importance: "HIGH", doc: "Topic" })
    .define("records", { type: "LONG", default: 0, doc: "Records to send, 0 = no end" })
    .define("record.bytes", { type: "INT", default: 100, doc: "Value size" })
    .define("batch.size", { type: "INT", default: 2000, doc: "Records per poll" });
}

await serve(TsBenchSource);
