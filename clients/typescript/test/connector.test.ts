import { test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { AlterOffsetsRequest, ConnectorRequest, ErrorKind, type AlterOffsetsResponse, type ConnectorClient } from "../src/gen/polyconnect/v1/connector.js";
import { SourceConnector, UnsupportedOperationError, type Config, type SourceOffsetChange } from "../src/index.js";
import { valueToProto } from "../src/wire.js";
import { Core, type Conversation } from "./harness.js";
import { Count } from "./fixtures.js";

type Conv = Conversation<ConnectorRequest, any>;
const req = (msg: any) => ConnectorRequest.fromPartial({ msg } as any);

test("connector start, task configs capped at max_tasks, stop", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.connectorRun();
    s.send(req({ $case: "start", value: { protocolVersion: 1, connectorClass: "CountSource", connectorName: "n", config: { topic: "t" } } }));
    await s.expect("started");
    s.send(req({ $case: "taskConfigs", value: { maxTasks: 2 } }));
    const tc = await s.expect("taskConfigs");
    assert.deepEqual(tc.configs.map((c: any) => c.config.task), ["0", "1"]);
    s.send(req({ $case: "stop", value: {} }));
    assert.equal(await s.next(), undefined);
  } finally {
    await core.stop();
  }
});

test("a config that does not parse fails the start with a CONFIG error", async () => {
  const core = await Core.start([Count]);
  try {
    const s: Conv = core.connectorRun();
    s.send(req({ $case: "start", value: { protocolVersion: 1, connectorClass: "Count", connectorName: "n", config: { topic: "t", records: "many" } } }));
    const e = await s.expect("error");
    assert.equal(e.kind, ErrorKind.CONFIG);
    assert.match(e.message, /Invalid value many for configuration records/);
  } finally {
    await core.stop();
  }
});

class Offsets extends SourceConnector {
  static override className = "Offsets";
  static override taskClass = Count.taskClass;
  seen: unknown = "none";
  override async start(config: Config): Promise<void> {
    this.config = config;
    const [o] = await this.context.offsets([{ table: "a" }]);
    this.seen = o?.pos ?? "none";
  }
  override taskConfigs(): Config[] {
    return [{ seen: String(this.seen) }];
  }
  override alterOffsets(config: Config, offsets: SourceOffsetChange[]): boolean {
    for (const o of offsets) {
      if (o.partition.table === "x") throw new UnsupportedOperationError();
      if (o.offset && Number(o.offset.pos) < 0) throw new Error(`negative position for ${config.name}`);
    }
    return true;
  }
}

function alter(client: ConnectorClient, table: string, pos: number | null): Promise<AlterOffsetsResponse> {
  const r = AlterOffsetsRequest.fromPartial({
    protocolVersion: 1,
    connectorClass: "Offsets",
    connectorName: "o",
    config: { name: "o" },
    sourceOffsets: [{ partition: valueToProto(undefined, { table }), offset: pos === null ? undefined : valueToProto(undefined, { pos }) }],
  });
  return new Promise((resolve, reject) =>
    (client as any).alterOffsets(r, new grpc.Metadata(), (err: grpc.ServiceError | null, res: AlterOffsetsResponse) => (err ? reject(err) : resolve(res))),
  );
}

test("a source connector reads its stored offsets in start and answers alterOffsets", async () => {
  const core = await Core.start([Offsets]);
  try {
    const s: Conv = core.connectorRun();
    s.send(req({ $case: "start", value: { protocolVersion: 1, connectorClass: "Offsets", connectorName: "o", config: {} } }));
    // start() asks before Started; the answer lets it go on.
    const q = await s.expect("offsetsQuery");
    assert.equal(q.partitions.length, 1);
    s.send(req({ $case: "offsets", value: { requestId: q.requestId, offsets: [{ partition: q.partitions[0], offset: valueToProto(undefined, { pos: 7 }) }] } }));
    await s.expect("started");
    s.send(req({ $case: "taskConfigs", value: { maxTasks: 1 } }));
    assert.equal((await s.expect("taskConfigs")).configs[0].config.seen, "7");
    s.send(req({ $case: "stop", value: {} }));
    assert.equal(await s.next(), undefined);

    const client = core.connector();
    assert.equal((await alter(client, "a", 5)).altered, true);
    const refused = await alter(client, "a", -1);
    assert.equal(refused.altered, false);
    assert.equal(refused.error?.message, "negative position for o");
    assert.equal((await alter(client, "x", 1)).unsupported, true);
    const reset = await alter(client, "a", null);
    assert.equal(reset.altered, true);
    assert.equal(reset.error, undefined);
  } finally {
    await core.stop();
  }
});
