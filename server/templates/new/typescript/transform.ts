// {{class}}: a transform that sends each record to `topic.prefix` + its topic and drops
// records without a value (tombstones).
import { ConfigDef, Transformation, type ConnectRecord } from "@polyconnect/sdk";

const DEFAULT_PREFIX = "transformed-";

export class {{class}} extends Transformation {
  static override version = "0.1.0";
  static override config = new ConfigDef().define("topic.prefix", {
    type: "STRING",
    default: DEFAULT_PREFIX,
    importance: "HIGH",
    doc: "Put before each record's topic",
  });
  private prefix = DEFAULT_PREFIX;

  override configure(config: Record<string, string>): void {
    this.prefix = config["topic.prefix"] ?? DEFAULT_PREFIX;
  }

  // null drops the record; an exception would fail it (errors.tolerance, the DLQ).
  apply(r: ConnectRecord): ConnectRecord | null {
    if (r.value === null || r.value === undefined) return null;
    return { ...r, topic: this.prefix + r.topic };
  }
}
