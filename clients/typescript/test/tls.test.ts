// POLYCONNECT_TLS_*: TLS credentials from PEM files, refused with the reason when they cannot
// be used; a process given a missing certificate does not start.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tlsCredentials, TlsConfigError } from "../src/server.js";

const example = join(dirname(fileURLToPath(import.meta.url)), "../examples/source/source.js");

function pemPair(dir: string): { key: string; cert: string } {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return { key, cert };
}

test("TLS credentials come from PEM files, and unusable ones are refused with the reason", () => {
  const dir = mkdtempSync(join(tmpdir(), "pc-tls-"));
  const { key, cert } = pemPair(dir);
  assert.equal(tlsCredentials({}), undefined);
  assert.ok(tlsCredentials({ POLYCONNECT_TLS_CERT: cert, POLYCONNECT_TLS_KEY: key, POLYCONNECT_TLS_CLIENT_CA: cert }));
  assert.throws(() => tlsCredentials({ POLYCONNECT_TLS_CERT: cert }), (e: Error) => e instanceof TlsConfigError && /must be set together/.test(e.message));
  assert.throws(
    () => tlsCredentials({ POLYCONNECT_TLS_CERT: cert, POLYCONNECT_TLS_KEY: key, POLYCONNECT_TLS_CLIENT_CA: "/nonexistent/ca.pem" }),
    /POLYCONNECT_TLS_CLIENT_CA=\/nonexistent\/ca.pem cannot be read/,
  );
  const junk = join(dir, "junk");
  writeFileSync(junk, "junk");
  assert.throws(() => tlsCredentials({ POLYCONNECT_TLS_CERT: junk, POLYCONNECT_TLS_KEY: key }), /not a PEM file/);
});

test("a process with a missing certificate does not start", () => {
  const r = spawnSync(process.execPath, [example], {
    env: { ...process.env, POLYCONNECT_LISTEN: "127.0.0.1:0", POLYCONNECT_TLS_CERT: "/nonexistent/cert.pem", POLYCONNECT_TLS_KEY: "/nonexistent/key.pem" },
    encoding: "utf8",
    timeout: 30000,
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr + r.stdout, /\/nonexistent\/.*cannot be read/);
});
