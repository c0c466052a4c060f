import { test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { PluginType, TransformClient, ErrorKind } from "../src/gen/polyconnect/v1/connector.js";
import { ConfigDef, Predicate, Schema, Transformation, startServer, type ConnectRecord } from "../src/index.js";
import { Conversation } from "./harness.js";

class Upper extends Transformation {
  static override aliases = ["com.example.Upper"];
  static override config = new ConfigDef().define("suffix", { type: "STRING", default: "", importance: "LOW" });
  private suffix = "";
  override configure(c: Record<string, string>): void {
    this.suffix = c.suffix ?? "";
  }
  apply(r: ConnectRecord): ConnectRecord | null {
    if (r.value === "drop") return null;
    if (r.value === "bad") throw new TypeError("bad value");
    return { ...r, value: String(r.value).toUpperCase() + this.suffix };
  }
}

class Long3 extends Predicate {
  test(r: ConnectRecord): boolean {
    return String(r.value).length > 3;
  }
}

const str = (v: string) => ({ kind: { $case: "structured" as const, value: { schema: { type: 8, optional: false, name: "", doc: "", parameters: {}, fields: [], id: 0, ref: 0, parameterOrder: [] } as any, value: { kind: { $case: "string" as const, value: v } } } } });

function batch(id: bigint, values: string[]) {
  return {
    msg: {
      $case: "batch",
      value: {
        batchId: id,
        records: values.map((v, i) => ({ index: i, topic: "t", key: undefined, value: str(v), headers: [], timestampType: 0, trace: undefined, timestamp: 5n })),
        trace: undefined,
      },
    },
  };
}

test("a transform answers each batch with one outcome per record, in order", async () => {
  const server = await startServer([Upper, Long3], { address: "127.0.0.1:0" });
  const client = new TransformClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  try {
    const c = new Conversation<any, any>(client.run() as any, client);
    c.send({ msg: { $case: "start", value: { protocolVersion: 1, className: "com.example.Upper", config: { suffix: "!" }, alias: "up", connectorName: "c", taskId: 0, heartbeatIntervalMs: 0, idleTimeoutMs: 0, pipeline: 0 } } });
    assert.equal((await c.expect("started")).type, PluginType.TRANSFORMATION);
    c.send(batch(1n, ["a", "drop", "bad", "b"]));
    const res = await c.expect("result");
    assert.equal(res.batchId, 1n);
    assert.deepEqual(res.outcomes.map((o: any) => o.outcome.$case), ["record", "dropped", "error", "record"]);
    assert.equal(res.outcomes[0].outcome.value.value.kind.value.value.kind.value, "A!");
    assert.equal(res.outcomes[0].outcome.value.timestamp, 5n);
    assert.equal(res.outcomes[2].outcome.value.kind, ErrorKind.RECORD);
    assert.equal(res.outcomes[3].index, 3);
    c.send({ msg: { $case: "stop", value: { timeoutMs: 0 } } });
    assert.equal(await c.next(), undefined);

    const p = new Conversation<any, any>(client.run() as any, client);
    p.send({ msg: { $case: "start", value: { protocolVersion: 1, className: "Long3", config: {}, alias: "p", connectorName: "c", taskId: 0, heartbeatIntervalMs: 0, idleTimeoutMs: 0, pipeline: 0 } } });
    assert.equal((await p.expect("started")).type, PluginType.PREDICATE);
    p.send(batch(1n, ["ab", "abcd"]));
    const r2 = await p.expect("result");
    assert.deepEqual(r2.outcomes.map((o: any) => o.outcome.value), [false, true]);
    p.close();
    void Schema;
  } finally {
    client.close();
    await server.stop(1000);
  }
});
