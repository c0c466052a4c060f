// A sink written with the TypeScript SDK for `make bench`: reads each record's value (adds
// its length to a counter) and discards it. Everything put is durable, so preCommit commits
// the offsets it was given (the default). The SDK's default maxInflightPuts. Plain
// JavaScript on the SDK's build, so it needs no compile step of its own
// (scripts/setup/typescript.sh builds the SDK).
import { SinkConnector, SinkTask, serve } from "../../../clients/typescript/build/src/index.js";

class BenchSinkTask extends SinkTask {
  bytes = 0;

  start() {}

  put(records) {
    for (const r of records) {
      const v = r.value;
      if (v != null) this.bytes += typeof v === "string" || v instanceof Uint8Array ? v.length : String(v).length;
    }
  }

  // Nothing is buffered: the offsets given are durable.
  flush() {}

  stop() {}
}

class TsBenchSink extends SinkConnector {
  static version = "0.1.0";
  static taskClass = BenchSinkTask;

  taskConfigs(maxTasks) {
    return Array.from({ length: Math.max(1, maxTasks) }, () => this.config);
  }
}

await serve(TsBenchSink);
