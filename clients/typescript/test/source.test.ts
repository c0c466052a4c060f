import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ErrorKind, SourceRecord, SourceRequest } from "../src/gen/polyconnect/v1/connector.js";
import { valueToProto } from "../src/wire.js";
import { Core, sleep, type Conversation } from "./harness.js";
import { Count, events } from "./fixtures.js";

type Conv = Conversation<SourceRequest, any>;
const req = (msg: any) => SourceRequest.fromPartial({ msg } as any);

function start(s: Conv, config: Record<string, string>, extra: Record<string, unknown> = {}) {
  s.send(req({ $case: "start", value: { protocolVersion: 1, connectorClass: "Count", connectorName: "c", taskId: 0, config, capabilities: { schemaReferences: true, rawBytes: true, traceContext: true }, ...extra } }));
}
const credit = (s: Conv, records: number, bytes = 1n << 30n) => s.send(req({ $case: "credit", value: { records, bytes } }));

beforeEach(() => void events.splice(0));

test("records go out numbered, within the credit, with schema references and trace context", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.source();
    start(s, { topic: "t", records: "10" });
    await s.expect("started");
    credit(s, 3);
    const b1 = await s.expect("batch");
    assert.deepEqual(b1.records.map((r: any) => r.seq), [1n, 2n, 3n]);
    await sleep(100);
    // Nothing past the grant.
    credit(s, 0, 0n);
    const first = b1.records[0].value.kind.value.schema;
    assert.equal(first.id, 1);
    assert.equal(first.fields.length, 2);
    assert.equal(b1.records[1].value.kind.value.schema.ref, 1);
    assert.equal(b1.records[0].trace.traceparent.slice(0, 3), "00-");
    assert.deepEqual(b1.records[2].sourceOffset, valueToProto(undefined, { n: 3 }));
    credit(s, 100);
    const rest: bigint[] = [];
    while (rest.length < 7) rest.push(...(await s.expect("batch")).records.map((r: any) => r.seq));
    assert.deepEqual(rest, [4n, 5n, 6n, 7n, 8n, 9n, 10n]);

    // Acks are cumulative and idempotent; commit after durable offsets.
    s.send(req({ $case: "commitRecords", value: { acks: [{ seq: 1n, topic: "t", partition: 0, offset: 100n }, { seq: 2n, filtered: true }] } }));
    s.send(req({ $case: "commitRecords", value: { acks: [{ seq: 1n, topic: "t", partition: 0, offset: 100n }, { seq: 3n, topic: "t", offset: 101n }] } }));
    s.send(req({ $case: "commit", value: { upToSeq: 3n } }));
    s.send(req({ $case: "stop", value: { timeoutMs: 2000 } }));
    const drained = await s.expect("drained");
    assert.equal(drained.lastSeq, 10n);
    s.close();
    assert.equal(await s.next(), undefined);
    assert.deepEqual(events, ["start n=0", "commitRecord 1 100", "commitRecord 2 filtered", "commitRecord 3 101", "commit", "stop"]);
  } finally {
    await core.stop();
  }
});

test("the byte credit is never overdrawn", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.source();
    start(s, { topic: "t", records: "9", raw: "true" });
    await s.expect("started");
    credit(s, 1, 200n);
    const b1 = await s.expect("batch");
    const size = SourceRecord.encode(b1.records[0]).finish().length;
    // Now room for two and a half more records: exactly two come.
    const extra = 2 * size + Math.floor(size / 2) - (200 - size);
    assert.ok(extra >= 0);
    credit(s, 100, BigInt(extra));
    const b2 = await s.expect("batch");
    assert.deepEqual(b2.records.map((r: any) => r.seq), [2n, 3n]);
    await assert.rejects(s.next(300), /no response/);
    credit(s, 0, BigInt(size));
    assert.deepEqual((await s.expect("batch")).records.map((r: any) => r.seq), [4n]);
    s.cancel();
  } finally {
    await core.stop();
  }
});

test("stored offsets come with the start; raw bytes pass through", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.source();
    const offsets = [{ partition: valueToProto(undefined, { p: "x" }), offset: valueToProto(undefined, { n: 8 }) }];
    start(s, { topic: "t", records: "10", raw: "true" }, { offsets });
    await s.expect("started");
    credit(s, 10);
    const b = await s.expect("batch");
    assert.deepEqual(b.records.map((r: any) => Buffer.from(r.value.kind.value).toString()), ["v9", "v10"]);
    assert.deepEqual(events, ["start n=8"]);
    s.cancel();
  } finally {
    await core.stop();
  }
});

test("an exception from poll becomes a typed FATAL error with its stack", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.source();
    start(s, { topic: "t", mode: "fail-poll" });
    await s.expect("started");
    credit(s, 10);
    const err = await s.expect("error");
    assert.equal(err.kind, ErrorKind.FATAL);
    assert.equal(err.message, "poll exploded");
    assert.equal(err.errorClass, "RangeError");
    assert.match(err.detail, /fixtures\.(ts|js)/);
    assert.equal(await s.next(), undefined, "the stream ends after a fatal error");
    assert.ok(events.includes("stop"));
  } finally {
    await core.stop();
  }
});

test("a retriable error from poll is reported and polling goes on", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.source();
    start(s, { topic: "t", records: "2", mode: "retry-poll" });
    await s.expect("started");
    credit(s, 10);
    const err = await s.expect("error");
    assert.equal(err.kind, ErrorKind.RETRIABLE);
    assert.equal(err.retryAfterMs, 10);
    const b = await s.expect("batch");
    assert.equal(b.records.length, 2);
    s.cancel();
  } finally {
    await core.stop();
  }
});

test("start failures and wrong versions are typed errors", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.source();
    start(s, { topic: "t", mode: "fail-start" });
    const err = await s.expect("error");
    assert.equal(err.kind, ErrorKind.FATAL);
    assert.equal(err.errorClass, "TypeError");
    const v: Conv = core.source();
    start(v, { topic: "t" }, { protocolVersion: 9 });
    const verr = await v.expect("error");
    assert.equal(verr.kind, ErrorKind.CONFIG);
    assert.match(verr.message, /protocol version 9/);
  } finally {
    await core.stop();
  }
});

test("heartbeats on an idle stream, and a silent core ends it", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.source();
    start(s, { topic: "t", records: "0" }, { heartbeatIntervalMs: 50, idleTimeoutMs: 400 });
    await s.expect("started");
    const hb: any = await s.next(1000, true);
    assert.equal(hb.msg.$case, "heartbeat");
    let r: any;
    do r = await s.next(3000, true);
    while (r?.msg?.$case === "heartbeat");
    assert.equal(r.msg.$case, "error");
    assert.match(r.msg.value.message, /no message from the core/);
  } finally {
    await core.stop();
  }
});
