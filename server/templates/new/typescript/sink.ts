// {{class}}: a sink connector that appends each record it receives to a file, one line each.
import { open, type FileHandle } from "node:fs/promises";
import { ConfigDef, SinkConnector, SinkTask, Struct, type Config, type SinkRecord } from "@polyconnect/sdk";

/** One line for a record: where it came from, then its value (a struct field by field). */
export function describe(r: SinkRecord): string {
  const v = r.value;
  const text = v instanceof Struct
    ? v.schema.fields.map((f) => `${f.name}=${String(v.get(f.name))}`).join(" ")
    : typeof v === "string" ? v : JSON.stringify(v);
  return `${r.topic}-${r.kafkaPartition}@${r.kafkaOffset} ${text}`;
}

class {{class}}Task extends SinkTask {
  private file?: FileHandle;

  async start(config: Config): Promise<void> {
    const path = {{class}}.config.parse(config).file as string;
    if (path) this.file = await open(path, "a");
  }

  async put(records: SinkRecord[]): Promise<void> {
    const text = records.map((r) => describe(r) + "\n").join("");
    if (this.file) await this.file.appendFile(text);
    else process.stdout.write(text);
  }

  // Everything put so far is made durable; then the core commits these offsets.
  override async flush(): Promise<void> {
    await this.file?.sync();
  }

  override async stop(): Promise<void> {
    await this.file?.close();
  }
}

export class {{class}} extends SinkConnector {
  static override version = "0.1.0";
  static override config = new ConfigDef().define("file", {
    type: "STRING",
    default: "",
    importance: "HIGH",
    doc: "The file to append to; empty: stdout",
  });
  static override taskClass = {{class}}Task;
}
