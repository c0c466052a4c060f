// The committed protocol code must match what scripts/generate.sh makes from proto/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

test("src/gen is up to date with proto/polyconnect/v1 (run scripts/generate.sh)", () => {
  const out = mkdtempSync(join(tmpdir(), "pc-gen-"));
  try {
    execFileSync("bash", [join(root, "scripts/generate.sh"), join(out, "gen")], { stdio: "pipe" });
    const committed = join(root, "src/gen/polyconnect/v1");
    const fresh = join(out, "gen/polyconnect/v1");
    assert.deepEqual(readdirSync(fresh).sort(), readdirSync(committed).sort());
    for (const f of readdirSync(fresh)) {
      assert.equal(readFileSync(join(committed, f), "utf8"), readFileSync(join(fresh, f), "utf8"), `${f} is stale`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
