// Your first transform: upper-cases string values; a predicate on the value's length.
import { ConfigDef, Predicate, Transformation, serve, type ConnectRecord } from "@polyconnect/sdk";

class Upper extends Transformation {
  static override config = new ConfigDef().define("suffix", { type: "STRING", default: "", importance: "LOW" });
  private suffix = "";

  override configure(config: Record<string, string>): void {
    this.suffix = config.suffix ?? "";
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    if (r.value === "drop") return null; // dropped
    if (typeof r.value !== "string") throw new TypeError(`not a string: ${r.value}`); // a record error
    return { ...r, value: r.value.toUpperCase() + this.suffix };
  }
}

class LongValue extends Predicate {
  test(r: ConnectRecord): boolean {
    return typeof r.value === "string" && r.value.length > 10;
  }
}

await serve(Upper, LongValue);
