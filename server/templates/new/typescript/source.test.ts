import assert from "node:assert/strict";
import { test } from "node:test";
import { ORDER, order } from "../src/source.js";

test("an order is a struct with every field", () => {
  const o = order(7);
  assert.equal(o.schema, ORDER);
  assert.deepEqual(ORDER.fields.map((f) => f.name), ["seq", "customer", "amount", "express"]);
  assert.equal(o.get("seq"), 7);
  assert.equal(o.get("customer"), "customer-7");
  assert.equal(o.get("amount"), 1.75);
  assert.equal(o.get("express"), false);
});
