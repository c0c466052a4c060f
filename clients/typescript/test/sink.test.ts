import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ErrorKind, SinkRequest } from "../src/gen/polyconnect/v1/connector.js";
import { schemaToProto, valueToProto } from "../src/wire.js";
import { Schema } from "../src/index.js";
import { Core, type Conversation } from "./harness.js";
import { Collect, CollectTask, events } from "./fixtures.js";

type Conv = Conversation<SinkRequest, any>;
const req = (msg: any) => SinkRequest.fromPartial({ msg } as any);

function start(s: Conv, config: Record<string, string> = {}) {
  s.send(req({ $case: "start", value: { protocolVersion: 1, connectorClass: "CollectSink", connectorName: "k", taskId: 1, config } }));
}

function record(offset: number, value: string, schemaRef = false) {
  const schema = schemaRef ? { ref: 7 } : { ...schemaToProto(Schema.STRING), id: 7 };
  return { topic: "t", kafkaPartition: 0, kafkaOffset: BigInt(offset), value: { kind: { $case: "structured", value: { schema, value: valueToProto(Schema.STRING, value) } } }, originalTopic: "t", originalKafkaPartition: 0 };
}

beforeEach(() => {
  events.splice(0);
  CollectTask.seen = [];
});

test("put, errant records, flush with the offsets made durable, stop", async () => {
  const core = await Core.start([Collect]);
  try {
    const s: Conv = core.sink();
    start(s, { mode: "partial" });
    assert.equal((await s.expect("started")).maxInflightPuts, 1);
    s.send(req({ $case: "open", value: { partitions: [{ topic: "t", partition: 0 }] } }));
    s.send(req({ $case: "put", value: { putId: 1n, records: [record(10, "a"), record(11, "bad", true), record(12, "c", true), record(13, "d", true)] } }));
    const errant = await s.expect("errant");
    assert.equal(errant.kafkaOffset, 11n);
    assert.equal(errant.error.kind, ErrorKind.RECORD);
    assert.equal(errant.error.message, "bad value");
    assert.equal((await s.expect("putDone")).putId, 1n);
    assert.deepEqual(CollectTask.seen.map((r) => [r.kafkaOffset, r.value, r.valueSchema?.type]), [[10, "a", "STRING"], [12, "c", "STRING"], [13, "d", "STRING"]]);
    s.send(req({ $case: "flush", value: { flushId: 5n, offsets: [{ topic: "t", partition: 0, offset: 14n }] } }));
    const flushed = await s.expect("flushed");
    assert.equal(flushed.flushId, 5n);
    // preCommit: only offset 12 was durable, so 13 is the next to consume.
    assert.deepEqual(flushed.offsets.map((o: any) => [o.topic, o.partition, o.offset]), [["t", 0, 13n]]);
    s.send(req({ $case: "stop", value: { timeoutMs: 1000 } }));
    assert.equal(await s.next(), undefined);
    assert.deepEqual(events, ["sink stop"]);
  } finally {
    await core.stop();
  }
});

test("a retriable put names its put_id; a thrown error is FATAL with its stack", async () => {
  const core = await Core.start([Collect]);
  try {
    const s: Conv = core.sink();
    start(s, { mode: "retry" });
    await s.expect("started");
    s.send(req({ $case: "put", value: { putId: 3n, records: [record(0, "a")] } }));
    const e = await s.expect("error");
    assert.equal(e.putId, 3n);
    assert.equal(e.error.kind, ErrorKind.RETRIABLE);
    assert.equal(e.error.retryAfterMs, 250);
    s.send(req({ $case: "put", value: { putId: 3n, records: [record(0, "a", true)] } }));
    assert.equal((await s.expect("putDone")).putId, 3n);
    s.cancel();

    const f: Conv = core.sink();
    start(f, { mode: "fail" });
    await f.expect("started");
    f.send(req({ $case: "put", value: { putId: 1n, records: [record(0, "a")] } }));
    const fatal = await f.expect("error");
    assert.equal(fatal.error.kind, ErrorKind.FATAL);
    assert.equal(fatal.error.message, "put exploded");
    assert.match(fatal.error.detail, /at CollectTask\.put/);
    assert.equal(await f.next(), undefined);
  } finally {
    await core.stop();
  }
});

test("a reference to an undefined schema is an error, not a crash", async () => {
  const core = await Core.start([Collect]);
  try {
    const s: Conv = core.sink();
    start(s);
    await s.expect("started");
    s.send(req({ $case: "put", value: { putId: 1n, records: [record(0, "a", true)] } }));
    const e = await s.expect("error");
    assert.match(e.error.message, /schema reference 7 was never defined/);
  } finally {
    await core.stop();
  }
});
