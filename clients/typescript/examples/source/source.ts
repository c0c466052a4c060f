// A source that counts: `records` string values "<prefix>-0", "<prefix>-1", ... into `topic`,
// one source offset per record, so a restart goes on where the last run stopped.
import { ConfigDef, Range, Schema, SourceConnector, SourceTask, serve, type Config, type SourceRecord } from "@polyconnect/sdk";

const PARTITION = { counter: "main" };

class CounterTask extends SourceTask {
  private topic = "";
  private prefix = "";
  private total = 0;
  private batch = 0;
  private next = 0;

  start(config: Config): void {
    const c = Counter.config.parse(config);
    [this.topic, this.prefix] = [c.topic as string, c.prefix as string];
    [this.total, this.batch] = [c.records as number, c["batch.size"] as number];
    this.next = Number(this.context.offset(PARTITION)?.next ?? 0);
  }

  async poll(): Promise<SourceRecord[]> {
    const n = Math.min(this.batch, this.total - this.next);
    if (n <= 0) {
      await new Promise((r) => setTimeout(r, 200)); // all sent: idle, heartbeats go on
      return [];
    }
    return Array.from({ length: n }, () => {
      const i = this.next++;
      return { topic: this.topic, sourcePartition: PARTITION, sourceOffset: { next: this.next }, valueSchema: Schema.STRING, value: `${this.prefix}-${i}` };
    });
  }
}

export class Counter extends SourceConnector {
  static override version = "0.1.0";
  static override aliases = ["com.example.CounterSourceConnector"];
  static override config = new ConfigDef()
    .define("topic", { type: "STRING", importance: "HIGH", doc: "The topic to write to" })
    .define("records", { type: "LONG", default: 1000, validator: Range.atLeast(0), doc: "How many records" })
    .define("prefix", { type: "STRING", default: "record", doc: "Value prefix" })
    .define("batch.size", { type: "INT", default: 500, validator: Range.atLeast(1), doc: "Records per poll" });
  static override taskClass = CounterTask;
}

await serve(Counter);
