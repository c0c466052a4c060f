// The launch contract: a process started as the core starts plugins (a unix socket, a token
// and the parent's pid in the environment) serves there, checks the token, and exits on
// SIGTERM, removing its socket.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { ConnectorClient, HandshakeRequest } from "../src/gen/polyconnect/v1/connector.js";
import { sleep } from "./harness.js";

const example = join(dirname(fileURLToPath(import.meta.url)), "../examples/source/source.js");

test("serve listens on the unix socket it is given, requires the token, and stops on SIGTERM", async () => {
  const socket = join(mkdtempSync(join(tmpdir(), "pc-serve-")), "plugin.sock");
  const child = spawn(process.execPath, [example], {
    env: { ...process.env, POLYCONNECT_LISTEN: `unix:${socket}`, POLYCONNECT_TOKEN: "tok", POLYCONNECT_PARENT_PID: String(process.pid) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  try {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
    assert.ok(existsSync(socket), `no socket; stderr: ${stderr}`);
    const client = new ConnectorClient(`unix:${socket}`, grpc.credentials.createInsecure());
    const handshake = (md: grpc.Metadata) =>
      new Promise<any>((resolve, reject) => client.handshake(HandshakeRequest.fromPartial({ protocolVersions: [1] }), md, (e, r) => (e ? reject(e) : resolve(r))));
    await assert.rejects(handshake(new grpc.Metadata()), (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED);
    const md = new grpc.Metadata();
    md.set("authorization", "Bearer tok");
    const res = await handshake(md);
    assert.deepEqual(res.plugins.map((p: any) => p.className), ["Counter"]);
    client.close();
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.ok(!existsSync(socket), "the socket is removed");
    assert.match(stderr, /serving Counter on unix:.*token required/);
  } finally {
    child.kill("SIGKILL");
  }
});
