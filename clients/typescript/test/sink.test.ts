import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ErrorKind, SinkRequest } from "../src/gen/polyconnect/v1/connector.js";
import { schemaToProto, valueToProto } from "../src/wire.js";
import { ConfigError, RetriableError, Schema, SinkConnector, SinkTask, type Offsets, type SinkRecord } from "../src/index.js";
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
  CollectTask.puts = 0;
});

test("put, errant records, flush with the offsets made durable, stop", async () => {
  const core = await Core.start([Collect]);
  try {
    const s: Conv = core.sink();
    start(s, { mode: "partial" });
    assert.equal((await s.expect("started")).maxInflightPuts, 4); // the SDK's default
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

test("puts after a retriable one are held back until it is delivered again", async () => {
  const core = await Core.start([Collect]);
  try {
    const s: Conv = core.sink();
    start(s, { mode: "retry" });
    await s.expect("started");
    const put = (id: number, schemaRef: boolean) => {
      const r: any = record(id - 1, `v${id}`, schemaRef);
      // Put 2 defines schema 9 when first delivered (held back); its redelivery refers to it.
      if (id === 2) r.value.kind.value.schema = schemaRef ? { ref: 9 } : { ...schemaToProto(Schema.STRING), id: 9 };
      return req({ $case: "put", value: { putId: BigInt(id), records: [r] } });
    };
    for (const id of [1, 2, 3]) s.send(put(id, id === 3)); // three Puts in flight; put 1 fails
    const errors = [await s.expect("error"), await s.expect("error"), await s.expect("error")];
    assert.deepEqual(errors.map((e) => [e.putId, e.error.kind]), [[1n, ErrorKind.RETRIABLE], [2n, ErrorKind.RETRIABLE], [3n, ErrorKind.RETRIABLE]]);
    assert.deepEqual(errors.map((e) => e.error.retryAfterMs), [250, 0, 0]);
    assert.match(errors[1].error.message, /put 2 held back: put 1 awaits redelivery/);
    assert.equal(CollectTask.puts, 1); // 2 and 3 never reached put
    for (const id of [1, 2, 3]) s.send(put(id, true)); // the core delivers them again, in order
    assert.deepEqual([(await s.expect("putDone")).putId, (await s.expect("putDone")).putId, (await s.expect("putDone")).putId], [1n, 2n, 3n]);
    assert.deepEqual(CollectTask.seen.map((r) => [r.kafkaOffset, r.value]), [[0, "v1"], [1, "v2"], [2, "v3"]]);
    s.cancel();

    const one: Conv = core.sink();
    start(one, { inflight: "1" });
    assert.equal((await one.expect("started")).maxInflightPuts, 1); // the task's own value
    one.cancel();
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

// A sink whose flush and put are set per test.
class ScriptedTask extends SinkTask {
  static flush: (task: ScriptedTask, offsets: Offsets) => MaybePromise<void> = () => {};
  static put: (task: ScriptedTask, records: SinkRecord[]) => MaybePromise<void> = () => {};
  static start: (task: ScriptedTask) => void = () => {};
  start(): void {
    ScriptedTask.start(this);
  }
  put(records: SinkRecord[]): MaybePromise<void> {
    return ScriptedTask.put(this, records);
  }
  override flush(offsets: Offsets): MaybePromise<void> {
    return ScriptedTask.flush(this, offsets);
  }
}
class Scripted extends SinkConnector {
  static override className = "Scripted";
  static override taskClass = ScriptedTask;
}
type MaybePromise<T> = T | Promise<T>;

function startScripted(s: Conv) {
  s.send(req({ $case: "start", value: { protocolVersion: 1, connectorClass: "Scripted", connectorName: "k", taskId: 1, config: {} } }));
}

beforeEach(() => {
  ScriptedTask.flush = () => {};
  ScriptedTask.put = () => {};
  ScriptedTask.start = () => {};
});

const flushReq = (flushId: bigint, offset: bigint) => req({ $case: "flush", value: { flushId, offsets: [{ topic: "t", partition: 0, offset }] } });

test("a failed flush is a Flushed with the error and no offsets; the stream goes on", async () => {
  let flushes = 0;
  ScriptedTask.flush = () => {
    if (++flushes === 1) throw new TypeError("disk full");
  };
  const core = await Core.start([Scripted]);
  try {
    const s: Conv = core.sink();
    startScripted(s);
    await s.expect("started");
    s.send(req({ $case: "put", value: { putId: 1n, records: [record(0, "a")] } }));
    assert.equal((await s.expect("putDone")).putId, 1n);
    s.send(flushReq(1n, 1n));
    const failed = await s.expect("flushed");
    assert.equal(failed.flushId, 1n);
    assert.deepEqual(failed.offsets, []);
    assert.equal(failed.error.kind, ErrorKind.RETRIABLE);
    assert.equal(failed.error.message, "disk full");
    assert.equal(failed.error.errorClass, "TypeError");
    assert.match(failed.error.detail, /TypeError: disk full/);
    // The core rewinds and puts the records again; the task keeps running.
    s.send(req({ $case: "put", value: { putId: 2n, records: [record(0, "a", true)] } }));
    assert.equal((await s.expect("putDone")).putId, 2n);
    s.send(flushReq(2n, 1n));
    const ok = await s.expect("flushed");
    assert.equal(ok.flushId, 2n);
    assert.equal(ok.error, undefined);
    assert.deepEqual(ok.offsets.map((o: any) => [o.topic, o.partition, o.offset]), [["t", 0, 1n]]);
  } finally {
    await core.stop();
  }
});

test("a ConfigError from flush still fails the task", async () => {
  ScriptedTask.flush = () => {
    throw new ConfigError("bad 'url'");
  };
  const core = await Core.start([Scripted]);
  try {
    const s: Conv = core.sink();
    startScripted(s);
    await s.expect("started");
    s.send(flushReq(1n, 1n));
    const e = await s.expect("error");
    assert.equal(e.error.kind, ErrorKind.CONFIG);
    assert.equal(e.error.message, "bad 'url'");
    assert.equal(await s.next(), undefined);
  } finally {
    await core.stop();
  }
});

function describe(r: any): string {
  const m = r?.msg;
  switch (m?.$case) {
    case "context": {
      const c = m.value;
      const parts = ["context"];
      for (const o of c.offsets) parts.push(`offset ${o.topic}-${o.partition}=${o.offset}`);
      for (const p of c.pause) parts.push(`pause ${p.topic}-${p.partition}`);
      for (const p of c.resume) parts.push(`resume ${p.topic}-${p.partition}`);
      if (c.requestCommit) parts.push("commit");
      return parts.join(" ");
    }
    case "putDone":
      return `putDone ${m.value.putId}`;
    case "errant":
      return `errant ${m.value.kafkaOffset}`;
    default:
      return String(m?.$case);
  }
}

test("context requests go out in call order, before the put's PutDone", async () => {
  ScriptedTask.start = (t) => t.context.requestCommit(); // held until SinkStarted is out
  ScriptedTask.put = (t, records) => {
    const c = t.context;
    c.offset(new Map([["t/0", { topic: "t", partition: 0, offset: 5 }], ["t/1", { topic: "t", partition: 1, offset: 7 }]]));
    c.reportErrant(records[0]!, new Error("bad"));
    c.offset({ topic: "t", partition: 2 }, 9);
    c.offset([{ topic: "u", partition: 0, offset: 1 }]);
    c.pause({ topic: "t", partition: 0 }, { topic: "u", partition: 3 });
    c.resume({ topic: "u", partition: 3 });
    c.requestCommit();
    c.pause(); // nothing to pause: nothing sent
    c.offset(new Map());
  };
  const core = await Core.start([Scripted]);
  try {
    const s: Conv = core.sink();
    startScripted(s);
    const got = [describe(await s.next()), describe(await s.next())];
    s.send(req({ $case: "put", value: { putId: 1n, records: [record(4, "a")] } }));
    while (got[got.length - 1] !== "putDone 1") got.push(describe(await s.next()));
    assert.deepEqual(got, [
      "started",
      "context commit",
      "context offset t-0=5 offset t-1=7",
      "errant 4",
      "context offset t-2=9",
      "context offset u-0=1",
      "context pause t-0 pause u-3",
      "context resume u-3",
      "context commit",
      "putDone 1",
    ]);
  } finally {
    await core.stop();
  }
});

test("a context request is sent at once, not when put returns", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let task!: ScriptedTask;
  ScriptedTask.start = (t) => (task = t);
  ScriptedTask.put = async (t) => {
    t.context.offset({ topic: "t", partition: 0 }, 0);
    await gate;
  };
  const core = await Core.start([Scripted]);
  try {
    const s: Conv = core.sink();
    startScripted(s);
    await s.expect("started");
    s.send(req({ $case: "put", value: { putId: 1n, records: [record(0, "a")] } }));
    assert.equal(describe(await s.next()), "context offset t-0=0");
    setTimeout(() => task.context.resume({ topic: "t", partition: 0 }), 1); // from a timer, between calls
    assert.equal(describe(await s.next()), "context resume t-0");
    release();
    assert.equal(describe(await s.next()), "putDone 1");
  } finally {
    await core.stop();
  }
});

test("SinkTaskContext.timeout is the retry_after_ms of the next retriable put, once", async () => {
  let puts = 0;
  ScriptedTask.put = (task) => {
    puts++;
    if (puts === 1) {
      task.context.timeout(1234);
      throw new RetriableError("not now");
    }
    if (puts === 2) throw new RetriableError("still not"); // the timeout was used once
    if (puts === 3) {
      task.context.timeout(99);
      throw new RetriableError("an own hint wins", { retryAfterMs: 7 });
    }
  };
  const core = await Core.start([Scripted]);
  try {
    const s: Conv = core.sink();
    startScripted(s);
    await s.expect("started");
    for (const expected of [1234, 0, 7]) {
      s.send(req({ $case: "put", value: { putId: 1n, records: [record(0, "a")] } }));
      const e = await s.expect("error");
      assert.equal(e.putId, 1n);
      assert.equal(e.error.kind, ErrorKind.RETRIABLE);
      assert.equal(e.error.retryAfterMs, expected);
    }
    s.send(req({ $case: "put", value: { putId: 1n, records: [record(0, "a")] } }));
    assert.equal((await s.expect("putDone")).putId, 1n);
  } finally {
    await core.stop();
  }
});
