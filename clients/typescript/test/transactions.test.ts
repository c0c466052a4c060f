import { test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import {
  ConnectorClient,
  ExactlyOnceSupport as Eos,
  SourceRequest,
  TransactionAction,
  TransactionBoundarySupport,
  ValidateRequest,
} from "../src/gen/polyconnect/v1/connector.js";
import { SourceConnector, SourceTask, Schema, type SourceRecord, type TransactionContext } from "../src/index.js";
import { Core, type Conversation } from "./harness.js";

type Conv = Conversation<SourceRequest, any>;
const req = (msg: any) => SourceRequest.fromPartial({ msg } as any);

// Each poll of `plan`: how many records, and requests (action, record index or -1: batch).
type Plan = [number, [string, number][]][];
let plan: Plan = [];
let seenContext: TransactionContext | null | undefined;

class TxnTask extends SourceTask {
  private n = 0;
  start(): void {
    seenContext = this.context.transactionContext();
  }
  poll(): SourceRecord[] | null {
    const step = plan.shift();
    if (!step) return null;
    const [count, requests] = step;
    const out: SourceRecord[] = [];
    for (let i = 0; i < count; i++) out.push({ topic: "t", valueSchema: Schema.INT64, value: this.n++ });
    const txn = this.context.transactionContext()!;
    for (const [action, index] of requests) {
      const r = index < 0 ? undefined : out[index];
      if (action === "commit") txn.commitTransaction(r);
      else txn.abortTransaction(r);
    }
    return out;
  }
}

class TxnSource extends SourceConnector {
  static override taskClass = TxnTask;
  override exactlyOnceSupport(config: Record<string, string>) {
    if (config.fail) throw new Error(config.fail);
    return config.eos === "yes" ? ("SUPPORTED" as const) : config.eos === "no" ? ("UNSUPPORTED" as const) : null;
  }
  override canDefineTransactionBoundaries() {
    return "SUPPORTED" as const;
  }
}

function start(s: Conv, transactionContext: boolean) {
  s.send(req({ $case: "start", value: { protocolVersion: 1, connectorClass: "TxnSource", connectorName: "c", taskId: 0, config: {}, capabilities: { schemaReferences: true, rawBytes: true, traceContext: true }, transactionContext } }));
}

async function records(s: Conv, n: number): Promise<any[]> {
  const out: any[] = [];
  while (out.length < n) out.push(...(await s.expect("batch")).records);
  return out;
}

test("no transaction context without connector-defined boundaries", async () => {
  plan = [[2, []]];
  const core = await Core.start([TxnSource]);
  try {
    const s: Conv = core.source();
    start(s, false);
    await s.expect("started");
    assert.equal(seenContext, null);
    s.send(req({ $case: "credit", value: { records: 10, bytes: 1n << 30n } }));
    const rs = await records(s, 2);
    assert.deepEqual(rs.map((r) => r.transaction), [0, 0]);
  } finally {
    await core.stop();
  }
});

test("commit and abort requests travel on their records; the batch's on the last", async () => {
  plan = [
    [5, [["commit", 1], ["abort", 3]]],
    [3, [["commit", -1]]],
    [3, [["abort", -1], ["commit", 2]]],
  ];
  const core = await Core.start([TxnSource]);
  try {
    const s: Conv = core.source();
    start(s, true);
    await s.expect("started");
    assert.ok(seenContext);
    s.send(req({ $case: "credit", value: { records: 100, bytes: 1n << 30n } }));
    const rs = await records(s, 11);
    const actions = Object.fromEntries(rs.filter((r) => r.transaction).map((r) => [Number(r.seq), r.transaction]));
    assert.deepEqual(actions, {
      2: TransactionAction.COMMIT_TRANSACTION,
      4: TransactionAction.ABORT_TRANSACTION,
      8: TransactionAction.COMMIT_TRANSACTION,
      11: TransactionAction.COMMIT_TRANSACTION,
    });
  } finally {
    await core.stop();
  }
});

test("a commit and an abort of one record fail the task", async () => {
  plan = [[2, [["commit", 0], ["abort", 0]]]];
  const core = await Core.start([TxnSource]);
  try {
    const s: Conv = core.source();
    start(s, true);
    await s.expect("started");
    s.send(req({ $case: "credit", value: { records: 10, bytes: 1n << 30n } }));
    const e = await s.expect("error");
    assert.match(e.message, /Connector requested both commit and abort of same record/);
  } finally {
    await core.stop();
  }
});

function validate(client: ConnectorClient, config: Record<string, string>): Promise<any> {
  const md = new grpc.Metadata();
  return new Promise((resolve, reject) =>
    (client as any).validate(ValidateRequest.fromPartial({ connectorClass: "TxnSource", config }), md, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res))),
  );
}

test("validate answers the connector's declarations", async () => {
  const core = await Core.start([TxnSource]);
  try {
    const c = core.connector();
    let v = await validate(c, {});
    assert.equal(v.exactlyOnceSupport, Eos.EXACTLY_ONCE_SUPPORT_UNSPECIFIED);
    assert.equal(v.transactionBoundaries, TransactionBoundarySupport.TRANSACTION_BOUNDARIES_SUPPORTED);
    v = await validate(c, { eos: "yes" });
    assert.equal(v.exactlyOnceSupport, Eos.EXACTLY_ONCE_SUPPORTED);
    v = await validate(c, { eos: "no" });
    assert.equal(v.exactlyOnceSupport, Eos.EXACTLY_ONCE_UNSUPPORTED);
    v = await validate(c, { fail: "cannot tell" });
    assert.equal(v.exactlyOnceSupportError, "cannot tell");
  } finally {
    await core.stop();
  }
});
