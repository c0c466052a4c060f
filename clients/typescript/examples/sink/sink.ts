// A sink that appends each record's value, one line each, to `file`; flush syncs the file,
// so the offsets the core commits are those of lines that are on disk.
import { open, type FileHandle } from "node:fs/promises";
import { ConfigDef, NonEmptyString, SinkConnector, SinkTask, serve, type Config, type SinkRecord } from "@polyconnect/sdk";

class LinesTask extends SinkTask {
  private file?: FileHandle;

  async start(config: Config): Promise<void> {
    this.file = await open(Lines.config.parse(config).file as string, "a");
  }

  async put(records: SinkRecord[]): Promise<void> {
    let text = "";
    for (const r of records) {
      if (r.value === null) this.context.reportErrant(r, new Error("a record without a value"));
      else text += `${typeof r.value === "string" ? r.value : JSON.stringify(r.value)}\n`;
    }
    await this.file!.appendFile(text);
  }

  override async flush(): Promise<void> {
    await this.file!.sync();
  }

  override async stop(): Promise<void> {
    await this.file?.close();
  }
}

export class Lines extends SinkConnector {
  static override version = "0.1.0";
  static override config = new ConfigDef().define("file", {
    type: "STRING",
    importance: "HIGH",
    validator: new NonEmptyString(),
    doc: "The file to append values to",
  });
  static override taskClass = LinesTask;
}

await serve(Lines);
