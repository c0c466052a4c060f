import { test } from "node:test";
import assert from "node:assert/strict";
import { ConnectorRequest, ErrorKind } from "../src/gen/polyconnect/v1/connector.js";
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
