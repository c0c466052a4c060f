// {{class}}: a source connector that writes `count` orders as structured records.
import { ConfigDef, Range, Schema, SourceConnector, SourceTask, Struct, type Config, type SourceRecord } from "@polyconnect/sdk";

// One source partition; its offset is the next sequence number, so a restart resumes.
const PARTITION = { source: "{{name}}" };

export const ORDER = Schema.struct("{{name}}.Order", {
  seq: Schema.INT64,
  customer: Schema.STRING,
  amount: Schema.FLOAT64,
  express: Schema.BOOLEAN,
});

/** The record value for sequence number `seq`. */
export function order(seq: number): Struct {
  return new Struct(ORDER, { seq, customer: `customer-${seq % 10}`, amount: seq * 0.25, express: seq % 3 === 0 });
}

class {{class}}Task extends SourceTask {
  private topic = "";
  private count = 0;
  private next = 0;

  start(config: Config): void {
    const c = {{class}}.config.parse(config);
    this.topic = c.topic as string;
    this.count = Number(c.count);
    this.next = Number(this.context.offset(PARTITION)?.seq ?? 0);
  }

  async poll(): Promise<SourceRecord[]> {
    if (this.next >= this.count) {
      await new Promise((r) => setTimeout(r, 500)); // all written: idle (heartbeats go on)
      return [];
    }
    const records: SourceRecord[] = [];
    while (this.next < this.count && records.length < 500) {
      const seq = this.next++;
      records.push({
        topic: this.topic, sourcePartition: PARTITION, sourceOffset: { seq: this.next },
        keySchema: Schema.STRING, key: String(seq), valueSchema: ORDER, value: order(seq),
      });
    }
    return records;
  }
}

export class {{class}} extends SourceConnector {
  static override version = "0.1.0";
  static override config = new ConfigDef()
    .define("topic", { type: "STRING", importance: "HIGH", doc: "The topic to write to" })
    .define("count", { type: "LONG", default: 1000, validator: Range.atLeast(0), importance: "MEDIUM", doc: "How many records to write" });
  static override taskClass = {{class}}Task;
}
