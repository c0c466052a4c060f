import assert from "node:assert/strict";
import { test } from "node:test";
import { Schema, Struct, type SinkRecord } from "@polyconnect/sdk";
import { describe } from "../src/sink.js";

function record(value: unknown, valueSchema: Schema, partition: number, offset: number): SinkRecord {
  return {
    topic: "orders", kafkaPartition: partition, kafkaOffset: offset, key: null, valueSchema, value,
    timestampType: "NO_TIMESTAMP_TYPE", headers: [], originalTopic: "orders", originalKafkaPartition: partition,
  };
}

test("a struct is written field by field", () => {
  const schema = Schema.struct(undefined, { seq: Schema.INT64, customer: Schema.STRING });
  const value = new Struct(schema, { seq: 3, customer: "customer-3" });
  assert.equal(describe(record(value, schema, 0, 42)), "orders-0@42 seq=3 customer=customer-3");
});

test("other values are written as they are", () => {
  assert.equal(describe(record("hello", Schema.STRING, 1, 5)), "orders-1@5 hello");
});
