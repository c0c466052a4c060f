// Connector-side spans: what a source poll and a sink put/flush make, through a real stream
// (the in-process core), into an in-memory exporter; and real OTLP export over
// http/protobuf and gRPC to in-process receivers. This file's process owns the tracing
// state, so the tests run in order: tracing off first, then on.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SinkRequest, SourceRequest } from "../src/gen/polyconnect/v1/connector.js";
import { Schema, SinkConnector, SinkTask, SourceConnector, SourceTask } from "../src/index.js";
import type { Config, Offsets, SinkRecord, SourceRecord } from "../src/index.js";
import { schemaToProto, valueToProto } from "../src/wire.js";
import { flushTracing, parseTrace, pollTrace, setupTracing, shutdownTracing, spanClock, tracingEnabled } from "../src/tracing.js";
import { Core, sleep, type Conversation } from "./harness.js";

const OWN_SAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const OWN_UNSAMPLED = "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00";

// ------------------------------------------------------------------ connectors

/** One poll of four records: without a context, with a sampled one of its own, with an
 * unsampled one, without; then empty polls. */
class TracedTask extends SourceTask {
  private done = false;
  override start(_: Config): void {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.done) {
      await sleep(20);
      return null;
    }
    this.done = true;
    const r = (n: number, traceparent?: string): SourceRecord => ({ topic: "orders", value: `v${n}`, valueSchema: Schema.STRING, trace: traceparent ? { traceparent, tracestate: "vendor=x" } : undefined });
    return [r(0), r(1, OWN_SAMPLED), r(2, OWN_UNSAMPLED), r(3)];
  }
  override stop(): void {}
}
class Traced extends SourceConnector {
  static override taskClass = TracedTask;
}

class KeepTask extends SinkTask {
  private mode = "";
  override start(config: Config): void {
    this.mode = config.mode ?? "";
  }
  put(_: SinkRecord[]): void {
    if (this.mode === "fail") throw new Error("put exploded");
  }
  override preCommit(offsets: Offsets): Offsets {
    if (this.mode === "fail-flush") throw new Error("flush exploded");
    return offsets;
  }
  override stop(): void {}
}
class Keep extends SinkConnector {
  static override taskClass = KeepTask;
}

// ------------------------------------------------------------------ helpers

type SourceConv = Conversation<SourceRequest, any>;
type SinkConv = Conversation<SinkRequest, any>;
const sourceReq = (msg: any) => SourceRequest.fromPartial({ msg } as any);
const sinkReq = (msg: any) => SinkRequest.fromPartial({ msg } as any);

/** The first batch of a Traced source task (connector "src", task 2). */
async function pollOnce(core: Core): Promise<any> {
  const s: SourceConv = core.source();
  s.send(sourceReq({ $case: "start", value: { protocolVersion: 1, connectorClass: "Traced", connectorName: "src", taskId: 2, config: {}, capabilities: { traceContext: true } } }));
  await s.expect("started");
  s.send(sourceReq({ $case: "credit", value: { records: 100, bytes: 1n << 30n } }));
  const batch = await s.expect("batch");
  // A few empty polls more: they make no spans.
  await sleep(100);
  s.cancel();
  return batch;
}

const PUT_TRACE = { traceparent: "00-2af7651916cd43dd8448eb211c80319c-d7ad6b7169203331-01", tracestate: "" };
const FLUSH_TRACE = { traceparent: "00-3af7651916cd43dd8448eb211c80319c-e7ad6b7169203331-01", tracestate: "" };

function sinkRecord(offset: number, traceparent?: string) {
  const value = { kind: { $case: "structured", value: { schema: schemaToProto(Schema.STRING), value: valueToProto(Schema.STRING, `v${offset}`) } } };
  return { topic: "orders", kafkaPartition: 3, kafkaOffset: BigInt(offset), value, originalTopic: "orders", originalKafkaPartition: 3, trace: traceparent ? { traceparent, tracestate: "" } : undefined };
}

/** A Keep sink task (connector "snk", task 1) given one Put and the flushes `flushes`. */
async function putAndFlush(core: Core, mode: string, flushes: ({ traceparent: string; tracestate: string } | undefined)[]): Promise<void> {
  const s: SinkConv = core.sink();
  s.send(sinkReq({ $case: "start", value: { protocolVersion: 1, connectorClass: "Keep", connectorName: "snk", taskId: 1, config: { mode } } }));
  await s.expect("started");
  s.send(sinkReq({ $case: "open", value: { partitions: [{ topic: "orders", partition: 3 }] } }));
  s.send(sinkReq({ $case: "put", value: { putId: 1n, trace: PUT_TRACE, records: [sinkRecord(40, OWN_SAMPLED), sinkRecord(41, OWN_UNSAMPLED), sinkRecord(42)] } }));
  if (mode === "fail") {
    await s.expect("error");
    return s.cancel();
  }
  await s.expect("putDone");
  let id = 1n;
  for (const trace of flushes) {
    s.send(sinkReq({ $case: "flush", value: { flushId: id, offsets: [{ topic: "orders", partition: 3, offset: 43n }], trace } }));
    const flushed = await s.expect("flushed");
    assert.equal(flushed.flushId, id++);
    assert.equal(flushed.error?.message, mode === "fail-flush" ? "flush exploded" : undefined);
  }
  s.cancel();
}

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const traceparentOf = (s: ReadableSpan) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`;

// A stopped exporter stays stopped: a new one for each setup.
let memory = new InMemorySpanExporter();
let core: Core;

after(async () => {
  await core?.stop();
  await shutdownTracing();
});

// ------------------------------------------------------------------ tracing off

test("off without an endpoint, when disabled, and on a bad setting (with a warning)", async () => {
  assert.equal(await setupTracing({ env: {} }), false);
  assert.equal(await setupTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" } }), false);
  assert.equal(await setupTracing({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces", OTEL_TRACES_EXPORTER: "none" } }), false);
  const bad: Record<string, string>[] = [
    { OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    { OTEL_TRACES_SAMPLER: "sometimes" },
    { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" },
    { OTEL_BSP_MAX_QUEUE_SIZE: "many" },
    { OTEL_EXPORTER_OTLP_TIMEOUT: "soon" },
    { OTEL_EXPORTER_OTLP_ENDPOINT: "127.0.0.1 4318" },
  ];
  for (const env of bad) {
    assert.equal(await setupTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", ...env } }), false, JSON.stringify(env));
  }
  assert.equal(tracingEnabled(), false);
  assert.equal(pollTrace("c", 0, 1, spanClock()), undefined);
});

test("tracing off: no spans, no batch context, the records' own contexts go out unchanged", async () => {
  core = await Core.start([Traced, Keep]);
  const batch = await pollOnce(core);
  assert.equal(batch.trace, undefined);
  assert.deepEqual(
    batch.records.map((r: any) => r.trace?.traceparent),
    [undefined, OWN_SAMPLED, OWN_UNSAMPLED, undefined],
  );
  assert.equal(batch.records[1].trace.tracestate, "vendor=x");
  await putAndFlush(core, "", [FLUSH_TRACE]);
  assert.equal(memory.getFinishedSpans().length, 0);
});

// ------------------------------------------------------------------ tracing on

test("a sampled poll: a root poll span, a create span per record, their contexts on the wire", async () => {
  assert.equal(await setupTracing({ env: { OTEL_TRACES_SAMPLER: "parentbased_always_on" }, exporter: memory }), true);
  memory.reset();
  const batch = await pollOnce(core);
  const spans = memory.getFinishedSpans();
  const polls = spans.filter((s) => s.name === "poll");
  assert.equal(polls.length, 1, "empty polls make no span");
  const poll = polls[0]!;
  assert.equal(poll.kind, SpanKind.INTERNAL);
  assert.equal(poll.parentSpanContext, undefined, "the poll span is a root");
  assert.deepEqual(poll.attributes, { "polyconnect.connector": "src", "polyconnect.task": 2, "messaging.operation.name": "poll", "messaging.batch.message_count": 4 });
  assert.equal(poll.resource.attributes["service.name"], "polyconnect-connector");
  assert.equal(batch.trace.traceparent, traceparentOf(poll), "the batch carries the poll span's context");

  const creates = spans.filter((s) => s.name === "create orders");
  // Records 0 and 3 (no context), 1 (its own, sampled); not 2 (its own, unsampled).
  assert.equal(creates.length, 3);
  for (const c of creates) {
    assert.equal(c.kind, SpanKind.PRODUCER);
    assert.deepEqual(c.attributes, {
      "polyconnect.connector": "src",
      "polyconnect.task": 2,
      "messaging.system": "kafka",
      "messaging.operation.name": "create",
      "messaging.operation.type": "create",
      "messaging.destination.name": "orders",
    });
  }
  const [r0, r1, r2, r3] = batch.records.map((r: any) => r.trace);
  const byWire = (tp: string) => creates.find((c) => traceparentOf(c) === tp)!;
  for (const r of [r0, r3]) {
    const c = byWire(r.traceparent);
    assert.equal(c.spanContext().traceId, poll.spanContext().traceId);
    assert.equal(parentOf(c), poll.spanContext().spanId, "child of the poll span");
    assert.deepEqual(c.links, []);
  }
  const own = parseTrace({ traceparent: OWN_SAMPLED })!;
  const c1 = byWire(r1.traceparent);
  assert.equal(c1.spanContext().traceId, own.traceId, "a record's own context is the parent");
  assert.equal(parentOf(c1), own.spanId);
  assert.equal(r1.tracestate, "vendor=x", "the source system's tracestate goes on");
  assert.deepEqual(c1.links.map((l) => l.context.spanId), [poll.spanContext().spanId], "linked to the poll span");
  assert.deepEqual(r2, { traceparent: OWN_UNSAMPLED, tracestate: "vendor=x" }, "unsampled: the record's own context, unchanged");
});

test("an unsampled poll: no spans but for a record with a sampled context of its own; the core is told", async () => {
  await shutdownTracing();
  memory = new InMemorySpanExporter();
  assert.equal(await setupTracing({ env: { OTEL_TRACES_SAMPLER: "parentbased_always_off" }, exporter: memory }), true);
  memory.reset();
  const batch = await pollOnce(core);
  assert.match(batch.trace.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, "the batch says: not sampled");
  const spans = memory.getFinishedSpans();
  assert.deepEqual(spans.map((s) => s.name), ["create orders"]);
  const [r0, r1, r2, r3] = batch.records.map((r: any) => r.trace);
  assert.equal(r0, undefined);
  assert.equal(r3, undefined);
  assert.deepEqual(r2, { traceparent: OWN_UNSAMPLED, tracestate: "vendor=x" });
  assert.equal(r1.traceparent, traceparentOf(spans[0]!));
  assert.equal(parentOf(spans[0]!), parseTrace({ traceparent: OWN_SAMPLED })!.spanId);
  assert.equal(spans[0]!.links[0]!.context.traceId, batch.trace.traceparent.slice(3, 35), "linked to the (unsampled) poll span");
});

test("a put: a put span under the core's, a process span per sampled record; a flush span only under a sampled Flush.trace", async () => {
  await shutdownTracing();
  memory = new InMemorySpanExporter();
  assert.equal(await setupTracing({ env: { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.5" }, exporter: memory }), true);
  await putAndFlush(core, "", [FLUSH_TRACE, undefined, { traceparent: FLUSH_TRACE.traceparent.slice(0, -2) + "00", tracestate: "" }]);
  const spans = memory.getFinishedSpans();
  assert.deepEqual(spans.map((s) => s.name).sort(), ["flush", "process orders", "put"]);
  const put = spans.find((s) => s.name === "put")!;
  assert.equal(put.kind, SpanKind.INTERNAL);
  assert.equal(put.spanContext().traceId, PUT_TRACE.traceparent.slice(3, 35));
  assert.equal(parentOf(put), PUT_TRACE.traceparent.slice(36, 52));
  assert.deepEqual(put.attributes, { "polyconnect.connector": "snk", "polyconnect.task": 1, "messaging.system": "kafka", "messaging.operation.name": "put", "messaging.batch.message_count": 3 });
  const proc = spans.find((s) => s.name === "process orders")!;
  assert.equal(proc.kind, SpanKind.CONSUMER);
  const own = parseTrace({ traceparent: OWN_SAMPLED })!;
  assert.equal(proc.spanContext().traceId, own.traceId);
  assert.equal(parentOf(proc), own.spanId);
  assert.deepEqual(proc.attributes, {
    "polyconnect.connector": "snk",
    "polyconnect.task": 1,
    "messaging.system": "kafka",
    "messaging.operation.name": "process",
    "messaging.operation.type": "process",
    "messaging.destination.name": "orders",
    "messaging.destination.partition.id": "3",
    "messaging.kafka.offset": 40,
  });
  assert.equal(proc.status.code, SpanStatusCode.UNSET);
  const flush = spans.find((s) => s.name === "flush")!;
  assert.equal(flush.kind, SpanKind.INTERNAL);
  assert.equal(parentOf(flush), FLUSH_TRACE.traceparent.slice(36, 52));
  assert.deepEqual(flush.attributes, { "polyconnect.connector": "snk", "polyconnect.task": 1, "messaging.operation.name": "flush", "messaging.operation.type": "settle", "polyconnect.partition.count": 1 });
});

test("a failing put: error status and the exception on all of the Put's spans", async () => {
  memory.reset();
  await putAndFlush(core, "fail", []);
  const spans = memory.getFinishedSpans();
  assert.deepEqual(spans.map((s) => s.name).sort(), ["process orders", "put"]);
  for (const s of spans) {
    assert.equal(s.status.code, SpanStatusCode.ERROR, s.name);
    assert.equal(s.status.message, "put exploded");
    assert.equal(s.events[0]?.name, "exception");
    assert.equal(s.events[0]?.attributes?.["exception.message"], "put exploded");
  }
});

test("a failing flush: error status on the flush span, and a Flushed with the error", async () => {
  memory.reset();
  await putAndFlush(core, "fail-flush", [FLUSH_TRACE]);
  const flush = memory.getFinishedSpans().find((s) => s.name === "flush")!;
  assert.equal(flush.status.code, SpanStatusCode.ERROR);
  assert.equal(flush.status.message, "flush exploded");
  assert.equal(flush.events[0]?.name, "exception");
});

// ------------------------------------------------------------------ OTLP export

/** Length-delimited fields `field` of a protobuf message. */
function fields(buf: Buffer, field: number): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  const varint = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const [f, wire] = [Math.floor(key / 8), key & 7];
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (f === field) out.push(buf.subarray(pos, pos + len));
      pos += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

/** service.name and span names of an ExportTraceServiceRequest. */
function decodeExport(body: Buffer): { service: string; spans: string[] }[] {
  return fields(body, 1).map((rs) => {
    const attrs = fields(rs, 1).flatMap((res) => fields(res, 1));
    const service = attrs.find((kv) => fields(kv, 1)[0]?.toString() === "service.name");
    return {
      service: service ? fields(fields(service, 2)[0]!, 1)[0]!.toString() : "",
      spans: fields(rs, 2).flatMap((ss) => fields(ss, 2)).map((span) => fields(span, 5)[0]!.toString()),
    };
  });
}

async function exportOnePoll(env: Record<string, string>, waitMs = 5000): Promise<void> {
  await shutdownTracing();
  assert.equal(await setupTracing({ env }), true);
  const pt = pollTrace("src", 0, 1, spanClock())!;
  pt.record({ topic: "orders", value: "x" });
  pt.end();
  await flushTracing(waitMs);
  await shutdownTracing(waitMs);
}

test("http/protobuf export to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces", async () => {
  const got: { path: string; type: string; body: Buffer }[] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ path: req.url ?? "", type: req.headers["content-type"] ?? "", body: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  try {
    const port = (http.address() as AddressInfo).port;
    await exportOnePoll({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: "svc-http" });
    assert.ok(got.length >= 1, "the receiver got the spans");
    assert.equal(got[0]!.path, "/v1/traces");
    assert.equal(got[0]!.type, "application/x-protobuf");
    const spans = got.flatMap((g) => decodeExport(g.body));
    assert.deepEqual([...new Set(spans.map((s) => s.service))], ["svc-http"]);
    assert.deepEqual(spans.flatMap((s) => s.spans).sort(), ["create orders", "poll"]);
  } finally {
    http.close();
  }
});

test("gRPC export to OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
  const got: Buffer[] = [];
  const server = new grpc.Server();
  const pass = (b: Buffer) => b;
  server.addService(
    {
      export: {
        path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        requestStream: false,
        responseStream: false,
        requestSerialize: pass,
        requestDeserialize: pass,
        responseSerialize: pass,
        responseDeserialize: pass,
      },
    },
    {
      export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        got.push(call.request);
        cb(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  try {
    await exportOnePoll({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_SERVICE_NAME: "svc-grpc" });
    assert.ok(got.length >= 1, "the receiver got the spans");
    const spans = got.flatMap((g) => decodeExport(g));
    assert.deepEqual([...new Set(spans.map((s) => s.service))], ["svc-grpc"]);
    assert.deepEqual(spans.flatMap((s) => s.spans).sort(), ["create orders", "poll"]);
  } finally {
    server.forceShutdown();
  }
});

test("a collector that is not there costs the spans, not the connector", async () => {
  const http = createServer();
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as AddressInfo).port;
  await new Promise<void>((r) => http.close(() => r()));
  // Nothing listens on the port now; the poll goes on and shutting down still returns.
  await exportOnePoll({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TIMEOUT: "500" }, 500);
  await exportOnePoll({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: "500" }, 500);
  assert.equal(tracingEnabled(), false);
});
