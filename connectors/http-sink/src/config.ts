// HttpSink's configuration keys.
import { ConfigDef, NonEmptyString, Range, type Config } from "@polyconnect/sdk";

export const configDef = new ConfigDef()
  .define("http.url", { type: "STRING", importance: "HIGH", validator: new NonEmptyString(), doc: "The URL records are POSTed to, as a JSON array per batch" })
  .define("http.bearer.token", { type: "PASSWORD", default: null, importance: "MEDIUM", doc: "Sent as 'Authorization: Bearer <token>' when set" })
  .define("batch.max.records", { type: "INT", default: 100, validator: Range.atLeast(1), importance: "MEDIUM", doc: "Records per request at most" })
  .define("batch.linger.ms", { type: "LONG", default: 100, validator: Range.atLeast(0), importance: "LOW", doc: "How long a partial batch waits for more records" })
  .define("request.timeout.ms", { type: "LONG", default: 30000, validator: Range.atLeast(1), importance: "LOW", doc: "Timeout of one request" })
  .define("retry.max.attempts", { type: "INT", default: 10, validator: Range.atLeast(1), importance: "LOW", doc: "Tries of a request that fails with 5xx, 429 or a connection error before the task fails" })
  .define("retry.backoff.ms", { type: "LONG", default: 100, validator: Range.atLeast(0), importance: "LOW", doc: "First back-off; doubles per try" })
  .define("retry.backoff.max.ms", { type: "LONG", default: 10000, validator: Range.atLeast(0), importance: "LOW", doc: "Largest back-off, also the cap on a Retry-After the server asks for" });

export interface HttpSinkConfig {
  url: string;
  token: string | null;
  batchMaxRecords: number;
  lingerMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
}

export function parse(config: Config): HttpSinkConfig {
  const c = configDef.parse(config);
  return {
    url: c["http.url"] as string,
    token: (c["http.bearer.token"] as string | null) || null,
    batchMaxRecords: c["batch.max.records"] as number,
    lingerMs: c["batch.linger.ms"] as number,
    requestTimeoutMs: c["request.timeout.ms"] as number,
    maxAttempts: c["retry.max.attempts"] as number,
    backoffMs: c["retry.backoff.ms"] as number,
    backoffMaxMs: c["retry.backoff.max.ms"] as number,
  };
}
