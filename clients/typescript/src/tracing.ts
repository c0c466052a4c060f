// Connector-side spans (protocol rule 10), exported with OTLP.
//
// On when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); off with OTEL_SDK_DISABLED=true or
// OTEL_TRACES_EXPORTER=none. The standard variables configure it: OTEL_EXPORTER_OTLP_PROTOCOL
// (grpc or http/protobuf, the default), OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER /
// OTEL_TRACES_SAMPLER_ARG, OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
// OTEL_EXPORTER_OTLP_TIMEOUT; the OTLP exporters read the headers and certificates
// themselves. A connector process the core launches gets the core's settings with its own
// service name.
//
// Spans: `poll` per poll that returned records (a root, so the sampler decides) and one
// `create <topic>` per record of a sampled poll, child of the record's own context when the
// connector set one (the source system's; linked to the poll span) else of the poll span;
// that context travels with the record to the core and into Kafka. On a sink: `put` (child of
// the core's put span), `process <topic>` per sampled record (child of the record's context,
// which comes from its Kafka headers through the core) and `flush` (child of the core's flush
// span, Flush.trace, which links to the Puts it covers).
//
// A batch span processor with a bounded queue exports them: a slow or absent collector drops
// spans, never holds up records. With tracing off every hook is one `tracer === undefined`
// test, and the OpenTelemetry SDK is not even loaded.
import {
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  createTraceState,
  diag,
  trace,
  type Attributes,
  type Context,
  type DiagLogger,
  type Span,
  type SpanContext,
  type Tracer,
} from "@opentelemetry/api";
import type { Sampler, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { SinkRecord as SinkRecordProto } from "./gen/polyconnect/v1/connector.js";
import type { TraceContext as TraceContextProto } from "./gen/polyconnect/v1/data.js";
import type { SourceRecord, TraceContext } from "./data.js";
import { Logger } from "./log.js";

const log = new Logger("polyconnect.tracing");
const DEFAULT_SERVICE = "polyconnect-connector";
// Short enough that a record's spans show up while it is being looked for.
const SCHEDULE_DELAY_MS = 500;
const SHUTDOWN_TIMEOUT_MS = 3000;

let tracer: Tracer | undefined;
let provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> } | undefined;

/** Whether connector spans are being made. */
export function tracingEnabled(): boolean {
  return tracer !== undefined;
}

export interface TracingOptions {
  /** The environment to read the OTEL_* settings from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Spans go to this exporter, synchronously, instead of OTLP (for tests). */
  exporter?: SpanExporter;
}

class BadSetting extends Error {}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new BadSetting(`${name}=${raw} is not a positive integer`);
  return n;
}

/** The sampler OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG name (the OpenTelemetry SDK
 * would fall back to the default on a bad value without a word; here it is an error). */
function sampler(env: NodeJS.ProcessEnv, sdk: typeof import("@opentelemetry/sdk-trace-base")): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER?.trim() || "parentbased_always_on").toLowerCase();
  const ratio = (): number => {
    const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    if (!raw) return 1;
    const r = Number(raw);
    if (!Number.isFinite(r) || r < 0 || r > 1) throw new BadSetting(`OTEL_TRACES_SAMPLER_ARG=${raw} is not a ratio between 0 and 1`);
    return r;
  };
  switch (name) {
    case "always_on": return new sdk.AlwaysOnSampler();
    case "always_off": return new sdk.AlwaysOffSampler();
    case "traceidratio": return new sdk.TraceIdRatioBasedSampler(ratio());
    case "parentbased_always_on": return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
    case "parentbased_always_off": return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case "parentbased_traceidratio": return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio()) });
  }
  throw new BadSetting(`unsupported OTEL_TRACES_SAMPLER=${env.OTEL_TRACES_SAMPLER} (use always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio)`);
}

/** The OpenTelemetry SDK's own warnings (an unreachable collector, dropped spans) in our
 * log, at most one a minute so a collector that is down does not flood it. */
function diagLogger(): DiagLogger {
  let last = 0;
  let skipped = 0;
  const say = (level: "warn" | "error") => (message: string, ...args: unknown[]) => {
    const now = Date.now();
    if (now - last < 60_000) {
      skipped++;
      return;
    }
    last = now;
    const more = skipped ? ` (${skipped} similar messages skipped)` : "";
    skipped = 0;
    const detail = args.length ? ` ${args.map((a) => (a instanceof Error ? a.message : typeof a === "object" ? JSON.stringify(a) : String(a))).join(" ")}` : "";
    log[level](`OpenTelemetry: ${message}${detail}${more}`);
  };
  const quiet = () => {};
  return { error: say("error"), warn: say("warn"), info: quiet, debug: quiet, verbose: quiet };
}

/**
 * Starts the exporter if tracing is configured; returns whether it is on. A bad setting
 * logs a warning and leaves tracing off: it never fails the connector.
 */
export async function setupTracing(options: TracingOptions = {}): Promise<boolean> {
  if (tracer) return true;
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true" || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === "none") return false;
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const endpoint = tracesEndpoint || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint && !options.exporter) return false;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").trim();
  const service = env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE;
  try {
    if (protocol !== "grpc" && protocol !== "http/protobuf") throw new BadSetting(`unsupported OTLP protocol '${protocol}' (use grpc or http/protobuf)`);
    let url = "";
    if (endpoint) {
      let parsed: URL;
      try {
        parsed = new URL(endpoint);
      } catch {
        throw new BadSetting(`the OTLP endpoint '${endpoint}' is not a URL`);
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new BadSetting(`the OTLP endpoint '${endpoint}' is not an http:// or https:// URL`);
      // The OTLP rule: /v1/traces goes after OTEL_EXPORTER_OTLP_ENDPOINT for http/protobuf,
      // never after the traces endpoint nor for gRPC.
      url = protocol === "http/protobuf" && !tracesEndpoint ? `${endpoint.replace(/\/+$/, "")}/v1/traces` : endpoint;
    }
    const queue = positiveInt(env, "OTEL_BSP_MAX_QUEUE_SIZE") ?? 2048;
    const batch = Math.min(positiveInt(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE") ?? 512, queue);
    const timeoutMillis = positiveInt(env, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? positiveInt(env, "OTEL_EXPORTER_OTLP_TIMEOUT") ?? 10_000;

    // Loaded only now: a connector without tracing never pays for it.
    const sdk = await import("@opentelemetry/sdk-trace-base");
    const { resourceFromAttributes } = await import("@opentelemetry/resources");
    let processor;
    if (options.exporter) {
      processor = new sdk.SimpleSpanProcessor(options.exporter);
    } else {
      // The endpoint and timeout as read above; the exporters read the rest (headers,
      // certificates, compression) from process.env themselves.
      const config = { url, timeoutMillis };
      const exporter =
        protocol === "grpc"
          ? new (await import("@opentelemetry/exporter-trace-otlp-grpc")).OTLPTraceExporter(config)
          : new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter(config);
      processor = new sdk.BatchSpanProcessor(exporter, { maxQueueSize: queue, maxExportBatchSize: batch, scheduledDelayMillis: positiveInt(env, "OTEL_BSP_SCHEDULE_DELAY") ?? SCHEDULE_DELAY_MS });
    }
    const p = new sdk.BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": service }),
      sampler: sampler(env, sdk),
      spanProcessors: [processor],
    });
    diag.setLogger(diagLogger(), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    provider = p;
    tracer = p.getTracer("polyconnect");
  } catch (e) {
    log.warn(`cannot start the span exporter, no connector spans: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
  log.info(`OpenTelemetry tracing on (${options.exporter ? "in-process exporter" : protocol}, service ${service})`);
  return true;
}

/** Sends what is buffered, waiting at most `timeoutMs`. */
export async function flushTracing(timeoutMs = SHUTDOWN_TIMEOUT_MS): Promise<void> {
  if (provider) await bounded(provider.forceFlush(), timeoutMs);
}

/** Exports what is buffered (for at most about `timeoutMs`) and turns tracing off. */
export async function shutdownTracing(timeoutMs = SHUTDOWN_TIMEOUT_MS): Promise<void> {
  const p = provider;
  tracer = undefined;
  provider = undefined;
  if (p) await bounded(p.shutdown(), timeoutMs);
}

async function bounded(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } catch (e) {
    // an exporter failing at exit must not fail the process
    log.debug(`span exporter flush failed: ${String(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------ W3C trace context

const HEX = /^[0-9a-f]+$/;

/** A remote span context from a W3C traceparent (and tracestate); undefined when absent or
 * malformed. */
export function parseTrace(t: TraceContext | TraceContextProto | undefined): SpanContext | undefined {
  if (!t?.traceparent) return undefined;
  const parts = t.traceparent.trim().split("-");
  if (parts.length < 4) return undefined;
  const [version, traceId, spanId, flags] = parts as [string, string, string, string];
  if (version.length !== 2 || traceId.length !== 32 || spanId.length !== 16 || flags.length !== 2) return undefined;
  if (version === "ff" || (version === "00" && parts.length !== 4)) return undefined;
  if (!HEX.test(version) || !HEX.test(traceId) || !HEX.test(spanId) || !HEX.test(flags)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  const sc: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  if (t.tracestate) sc.traceState = createTraceState(t.tracestate);
  return sc;
}

/** A span context as a W3C traceparent and tracestate. */
export function formatTrace(sc: SpanContext): TraceContext {
  const flags = sc.traceFlags & TraceFlags.SAMPLED ? "01" : "00";
  return { traceparent: `00-${sc.traceId}-${sc.spanId}-${flags}`, tracestate: sc.traceState?.serialize() ?? "" };
}

const sampled = (sc: SpanContext) => (sc.traceFlags & TraceFlags.SAMPLED) !== 0;
const within = (sc: SpanContext | undefined): Context => (sc ? trace.setSpanContext(ROOT_CONTEXT, sc) : ROOT_CONTEXT);

/** Now, as a span start time: a performance timestamp, which the span converts with the
 * same correction as the end time it gets from the same clock (an epoch time in
 * milliseconds would be ended with Date.now(), which can fall before it). */
export function spanClock(): number {
  return performance.now();
}

// ------------------------------------------------------------------ source side

/** The spans of one poll; `record` gives each record's context for the wire. */
export class PollTrace {
  readonly span: Span;
  readonly sampled: boolean;
  /** The poll span's context: the batch's SourceBatch.trace (also when unsampled, so the
   * core records nothing either). */
  readonly trace: TraceContext;
  private parent: Context;
  private base: Attributes;

  constructor(private t: Tracer, connector: string, task: number, count: number, startTime: number) {
    this.span = t.startSpan("poll", {
      kind: SpanKind.INTERNAL,
      root: true,
      startTime,
      attributes: { "polyconnect.connector": connector, "polyconnect.task": task, "messaging.operation.name": "poll", "messaging.batch.message_count": count },
    });
    const sc = this.span.spanContext();
    this.sampled = sampled(sc);
    this.trace = formatTrace(sc);
    this.parent = trace.setSpan(ROOT_CONTEXT, this.span);
    this.base = { "polyconnect.connector": connector, "polyconnect.task": task, "messaging.system": "kafka", "messaging.operation.name": "create", "messaging.operation.type": "create" };
  }

  /** The context to send with record `r`: its `create` span's when sampled, else undefined
   * (the record's own context, if any, goes out unchanged). */
  record(r: SourceRecord): TraceContext | undefined {
    const own = parseTrace(r.trace);
    if (own ? !sampled(own) : !this.sampled) return undefined;
    const span = this.t.startSpan(
      `create ${r.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { ...this.base, "messaging.destination.name": r.topic },
        links: own ? [{ context: this.span.spanContext() }] : undefined,
      },
      own ? within(own) : this.parent,
    );
    const tc = formatTrace(span.spanContext());
    span.end();
    return tc;
  }

  /** Ends the poll span; with `error` (a record that could not be sent), marked failed. */
  end(error?: unknown): void {
    if (error !== undefined) failed(this.span, error);
    this.span.end(spanClock());
  }
}

/** The trace of a poll that returned `count` (> 0) records and started at `startTime`
 * (spanClock()); undefined when tracing is off. */
export function pollTrace(connector: string, task: number, count: number, startTime: number): PollTrace | undefined {
  return tracer && new PollTrace(tracer, connector, task, count, startTime);
}

// ------------------------------------------------------------------ sink side

/** The spans of one Put: `put` and one `process <topic>` per sampled record. */
export class PutTrace {
  private spans: Span[];

  constructor(t: Tracer, connector: string, task: number, putTrace: TraceContextProto | undefined, records: SinkRecordProto[]) {
    const base = { "polyconnect.connector": connector, "polyconnect.task": task, "messaging.system": "kafka" };
    const put = t.startSpan(
      "put",
      { kind: SpanKind.INTERNAL, attributes: { ...base, "messaging.operation.name": "put", "messaging.batch.message_count": records.length } },
      within(parseTrace(putTrace)),
    );
    this.spans = [put];
    for (const r of records) {
      const sc = parseTrace(r.trace);
      if (!sc || !sampled(sc)) continue;
      this.spans.push(
        t.startSpan(
          `process ${r.topic}`,
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              ...base,
              "messaging.operation.name": "process",
              "messaging.operation.type": "process",
              "messaging.destination.name": r.topic,
              "messaging.destination.partition.id": String(r.kafkaPartition),
              "messaging.kafka.offset": Number(r.kafkaOffset),
            },
          },
          within(sc),
        ),
      );
    }
  }

  /** Ends the spans; with `error`, each records it and gets an error status. */
  end(error?: unknown): void {
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const s = this.spans[i]!;
      if (error !== undefined) failed(s, error);
      s.end();
    }
  }
}

function failed(s: Span, error: unknown): void {
  s.recordException(error instanceof Error ? error : String(error));
  s.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The trace of a Put about to be handed to the task; undefined when tracing is off. */
export function putTrace(connector: string, task: number, trace: TraceContextProto | undefined, records: SinkRecordProto[]): PutTrace | undefined {
  return tracer && new PutTrace(tracer, connector, task, trace, records);
}

/**
 * Runs `fn` (the task's flush/preCommit) inside a `flush` span, child of the core's flush
 * span (Flush.trace); just runs it when tracing is off or the Flush carries no sampled
 * context (the core sends one when a sampled Put is among those the flush covers).
 */
export async function withFlushSpan<T>(connector: string, task: number, partitions: number, flushTrace: TraceContextProto | undefined, fn: () => Promise<T>): Promise<T> {
  const parent = tracer && parseTrace(flushTrace);
  if (!parent || !sampled(parent)) return fn();
  const span = tracer!.startSpan(
    "flush",
    {
      kind: SpanKind.INTERNAL,
      attributes: { "polyconnect.connector": connector, "polyconnect.task": task, "messaging.operation.name": "flush", "messaging.operation.type": "settle", "polyconnect.partition.count": partitions },
    },
    within(parent),
  );
  try {
    // Current for connector code that uses the OpenTelemetry API with a context manager.
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), fn);
  } catch (e) {
    failed(span, e);
    throw e;
  } finally {
    span.end();
  }
}
