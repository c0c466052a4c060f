// One POST of a batch, with retries: 5xx, 429 and connection errors are tried again after a
// capped exponential back-off (or the server's Retry-After, capped the same way); any
// other 4xx is the records' fault and is not retried.
import { createHash } from "node:crypto";
import { ConnectError, Struct, type SinkRecord } from "@polyconnect/sdk";
import type { HttpSinkConfig } from "./config.js";

/** The idempotency key of a record: its Kafka coordinates, stable across retries and restarts. */
export function idempotencyKey(r: SinkRecord): string {
  return `${r.originalTopic}-${r.originalKafkaPartition}-${r.kafkaOffset}`;
}

/** A Connect value as plain JSON: bytes as base64, big integers as strings, structs as objects. */
export function toJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (v instanceof Struct) return toJson(v.values);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x)]));
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

export function body(records: SinkRecord[]): string {
  return JSON.stringify(
    records.map((r) => ({
      topic: r.topic,
      partition: r.kafkaPartition,
      offset: r.kafkaOffset,
      timestamp: r.timestamp ?? null,
      key: toJson(r.key),
      value: toJson(r.value),
      headers: Object.fromEntries(r.headers.map((h) => [h.key, toJson(h.value)])),
      idempotencyKey: idempotencyKey(r),
    })),
  );
}

export type Outcome = { ok: true } | { ok: false; status: number; message: string };

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), if any. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class HttpClient {
  constructor(private config: HttpSinkConfig, private sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) {}

  /** POSTs `records`, retrying what may succeed later; a 4xx answer is returned, not thrown. */
  async post(records: SinkRecord[]): Promise<Outcome> {
    const c = this.config;
    const keys = records.map(idempotencyKey);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      // One record: its own key; a batch: a digest of its records' keys (each record also
      // carries its key in the body, which is what a receiver deduplicates on).
      "idempotency-key": keys.length === 1 ? keys[0]! : createHash("sha256").update(keys.join("\n")).digest("hex"),
    };
    if (c.token) headers.authorization = `Bearer ${c.token}`;
    const payload = body(records);
    let last = "";
    for (let attempt = 1; ; attempt++) {
      let wait: number | undefined;
      try {
        const res = await fetch(c.url, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(c.requestTimeoutMs) });
        const text = await res.text().catch(() => "");
        if (res.ok) return { ok: true };
        last = `HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 500)}` : ""}`;
        if (res.status !== 429 && res.status < 500) return { ok: false, status: res.status, message: last };
        wait = retryAfterMs(res.headers.get("retry-after"));
      } catch (e) {
        last = `${e instanceof Error ? e.message : String(e)}${e instanceof Error && e.cause ? ` (${String(e.cause)})` : ""}`;
      }
      if (attempt >= c.maxAttempts) throw new ConnectError(`POST ${c.url} failed ${attempt} times; last: ${last}`);
      const backoff = Math.min(c.backoffMs * 2 ** (attempt - 1), c.backoffMaxMs);
      await this.sleep(Math.min(wait ?? backoff * (0.5 + Math.random() / 2), c.backoffMaxMs));
    }
  }
}
