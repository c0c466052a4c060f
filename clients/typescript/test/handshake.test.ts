import { test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { ConfigType, ConnectorClient, HandshakeRequest, PluginType, SpecRequest, ValidateRequest } from "../src/gen/polyconnect/v1/connector.js";
import { Core } from "./harness.js";
import { Collect, Count } from "./fixtures.js";

function call<Req, Res>(client: ConnectorClient, method: string, req: Req, md = new grpc.Metadata()): Promise<Res> {
  return new Promise((resolve, reject) =>
    (client as any)[method](req, md, (err: grpc.ServiceError | null, res: Res) => (err ? reject(err) : resolve(res))),
  );
}

test("handshake chooses a common version and lists the plugins", async () => {
  const core = await Core.start([Count, Collect]);
  try {
    const res: any = await call(core.connector(), "handshake", HandshakeRequest.fromPartial({ protocolVersions: [2, 1], maxMessageBytes: 1024n, capabilities: { rawBytes: true } }));
    assert.equal(res.protocolVersion, 1);
    assert.equal(res.sdkLanguage, "typescript");
    assert.equal(res.maxMessageBytes, 1024n);
    assert.equal(res.capabilities.rawBytes, true);
    assert.equal(res.capabilities.schemaReferences, false);
    assert.deepEqual(
      res.plugins.map((p: any) => [p.className, p.type, p.version, p.aliases]),
      [["Count", PluginType.SOURCE, "1.2.3", ["org.example.CountSourceConnector"]], ["CollectSink", PluginType.SINK, "0.0.0", []]],
    );
    await assert.rejects(call(core.connector(), "handshake", HandshakeRequest.fromPartial({ protocolVersions: [7] })), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
      assert.match(e.details, /offered \[7\].*speaks \[1\]/);
      return true;
    });
  } finally {
    await core.stop();
  }
});

test("a token is required on every call when set", async () => {
  const core = await Core.start([Count], "s3cret");
  try {
    const client = core.connector();
    await assert.rejects(call(client, "health", {}), (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED);
    await assert.rejects(call(client, "health", {}, core.metadata("wrong")), (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED);
    const ok: any = await call(client, "health", {}, core.metadata());
    assert.equal(ok.serving, true);
    const unauth = core.connector();
    const run = unauth.run(new grpc.Metadata());
    const status = await new Promise<grpc.StatusObject>((resolve) => run.on("status", resolve).on("error", () => {}));
    assert.equal(status.code, grpc.status.UNAUTHENTICATED);
  } finally {
    await core.stop();
  }
});

test("spec and validate use the config definition and the connector's own checks", async () => {
  const core = await Core.start([Count]);
  try {
    const client = core.connector();
    const spec: any = await call(client, "spec", SpecRequest.fromPartial({ connectorClass: "org.example.CountSourceConnector" }));
    assert.equal(spec.plugin.className, "Count");
    const keys = Object.fromEntries(spec.config.map((k: any) => [k.name, k]));
    assert.equal(keys.topic.defaultValue, undefined);
    assert.equal(keys.records.defaultValue, "10");
    assert.equal(keys.records.type, ConfigType.INT_CONFIG);
    assert.equal(keys.records.validator.kind.$case, "range");
    assert.equal(keys.secret.secret, true);
    const v: any = await call(client, "validate", ValidateRequest.fromPartial({ connectorClass: "Count", config: { records: "-1" } }));
    const errs = Object.fromEntries(v.values.map((x: any) => [x.name, x.errors]));
    assert.match(errs.topic[0], /Missing required configuration "topic"/);
    assert.match(errs.records[0], /at least 0/);
    const v2: any = await call(client, "validate", ValidateRequest.fromPartial({ connectorClass: "Count", config: { topic: "forbidden" } }));
    assert.deepEqual(v2.values.find((x: any) => x.name === "topic").errors, ["this topic is forbidden"]);
    await assert.rejects(call(client, "spec", SpecRequest.fromPartial({ connectorClass: "Nope" })), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
  } finally {
    await core.stop();
  }
});
