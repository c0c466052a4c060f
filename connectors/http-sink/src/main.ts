// HttpSink: Kafka records POSTed to an HTTP endpoint as JSON batches.
import { SinkConnector, serve } from "@polyconnect/sdk";
import { configDef } from "./config.js";
import { HttpSinkTask } from "./task.js";

export class HttpSink extends SinkConnector {
  static override aliases = ["HttpSinkConnector"];
  static override version = "0.1.0";
  static override config = configDef;
  static override taskClass = HttpSinkTask;
}

await serve(HttpSink);
