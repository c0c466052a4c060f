import assert from "node:assert/strict";
import { test } from "node:test";
import { {{class}} } from "../src/transform.js";

test("records go to the prefixed topic; tombstones are dropped", () => {
  const t = new {{class}}();
  t.configure({ "topic.prefix": "x-" });
  const r = { topic: "orders", key: null, value: "v", headers: [] };
  assert.deepEqual(t.apply(r), { ...r, topic: "x-orders" });
  assert.equal(t.apply({ ...r, value: null }), null);
});
