import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { SinkRecord, SinkTaskContext } from "@polyconnect/sdk";
import { HttpSinkTask } from "../src/task.js";
import { retryAfterMs } from "../src/client.js";

function rec(offset: number, value: unknown): SinkRecord {
  return { topic: "t", kafkaPartition: 0, kafkaOffset: offset, key: null, value, timestampType: "CREATE_TIME", headers: [], originalTopic: "t", originalKafkaPartition: 0 };
}

function context(reportErrant: SinkTaskContext["reportErrant"]): SinkTaskContext {
  return { connectorName: "h", taskId: 0, reportErrant, offset: () => {}, pause: () => {}, resume: () => {}, requestCommit: () => {}, assignment: () => [], timeout: () => {} };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const c of req) s += c;
  return s;
}

test("batches, retries 503 and 429 with Retry-After, reports 4xx records as errant, commits only what arrived", async () => {
  const received: { key: string; value: unknown }[] = [];
  const requests: { status: number; size: number; auth?: string; idem?: string }[] = [];
  let n = 0;
  const server = createServer(async (req, res) => {
    const records = JSON.parse(await readBody(req)) as { idempotencyKey: string; value: unknown }[];
    n++;
    let status = 200;
    if (n === 1) status = 503;
    else if (n === 2) status = 429;
    else if (records.some((r) => r.value === "poison")) status = 400;
    requests.push({ status, size: records.length, auth: req.headers.authorization, idem: req.headers["idempotency-key"] as string });
    if (status === 200) received.push(...records.map((r) => ({ key: r.idempotencyKey, value: r.value })));
    res.writeHead(status, status === 200 ? {} : { "retry-after": "0" }).end(status === 400 ? "bad record" : "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
  try {
    const task = new HttpSinkTask();
    const errants: [SinkRecord, unknown][] = [];
    task.context = context((r, e) => void errants.push([r, e]));
    task.start({ "http.url": url, "http.bearer.token": "tok", "batch.max.records": "3", "batch.linger.ms": "10000", "retry.backoff.ms": "1" });
    await task.put([rec(0, "a"), rec(1, { x: 1n }), rec(2, Buffer.from("hi"))]);
    await task.put([rec(3, "d"), rec(4, "poison")]);
    const committed = await task.preCommit(new Map([["t/0", { topic: "t", partition: 0, offset: 5 }]]));
    assert.deepEqual([...committed.values()], [{ topic: "t", partition: 0, offset: 5 }]);
    assert.deepEqual(received, [
      { key: "t-0-0", value: "a" },
      { key: "t-0-1", value: { x: "1" } },
      { key: "t-0-2", value: "aGk=" },
      { key: "t-0-3", value: "d" },
    ]);
    assert.deepEqual(requests.map((r) => [r.status, r.size]), [[503, 3], [429, 3], [200, 3], [400, 2], [200, 1], [400, 1]]);
    assert.ok(requests.every((r) => r.auth === "Bearer tok"));
    assert.equal(requests[4]!.idem, "t-0-3");
    assert.equal(errants.length, 1);
    assert.equal(errants[0]![0].kafkaOffset, 4);
    assert.match(String(errants[0]![1]), /HTTP 400.*bad record/);
    await task.stop();
  } finally {
    server.close();
  }
});

test("a server that keeps failing fails the task and nothing is committed", async () => {
  const server = createServer((_req, res) => res.writeHead(500).end("down"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const task = new HttpSinkTask();
    task.context = context(() => {});
    task.start({ "http.url": url, "batch.max.records": "10", "retry.max.attempts": "3", "retry.backoff.ms": "1" });
    await task.put([rec(0, "a")]);
    await assert.rejects(task.preCommit(new Map([["t/0", { topic: "t", partition: 0, offset: 1 }]])), /failed 3 times; last: HTTP 500/);
  } finally {
    server.close();
  }
});

test("Retry-After in seconds or as a date", () => {
  assert.equal(retryAfterMs("2"), 2000);
  assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(retryAfterMs(null), undefined);
});
