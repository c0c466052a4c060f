import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigDef, DataError, Range, Schema, Struct, ValidString, listenAddress } from "../src/index.js";
import { SchemaRefs, SchemaTable, valueFromProto, valueToProto } from "../src/wire.js";

test("values round-trip through the protocol by schema", () => {
  const row = Schema.struct("Row", {
    id: Schema.INT64,
    big: Schema.INT64,
    small: Schema.INT8,
    name: Schema.OPTIONAL_STRING,
    tags: Schema.array(Schema.STRING),
    attrs: Schema.map(Schema.STRING, Schema.FLOAT64),
    blob: Schema.BYTES,
  });
  const v = new Struct(row, { id: 7, big: 2n ** 60n, small: -3, name: null, tags: ["a", "b"], attrs: { x: 1.5 }, blob: Buffer.from([1, 2]) });
  const back = valueFromProto(row, valueToProto(row, v)) as Struct;
  assert.deepEqual(back.values, { id: 7, big: 2n ** 60n, small: -3, name: null, tags: ["a", "b"], attrs: { x: 1.5 }, blob: Buffer.from([1, 2]) });
  // A plain object by field name encodes the same.
  assert.deepEqual(valueToProto(row, { ...v.values }), valueToProto(row, v));
  assert.throws(() => valueToProto(Schema.INT8, 300), DataError);
  assert.throws(() => valueToProto(Schema.STRING, null), /null for a required STRING/);
  assert.deepEqual(valueFromProto(undefined, valueToProto(undefined, { a: 1, b: [true, "x", 1.25] })), { a: 1, b: [true, "x", 1.25] });
});

test("schema references: defined once, then referenced; parameters keep their order", () => {
  const s = new Schema("BYTES", { name: "org.apache.kafka.connect.data.Decimal", parameters: { scale: "2", "connect.decimal.precision": "10" } });
  const refs = new SchemaRefs(true);
  const first = refs.toProto(s);
  const again = refs.toProto(s);
  assert.equal(first.id, 1);
  assert.equal(again.ref, 1);
  assert.equal(again.type, 0);
  const table = new SchemaTable();
  const decoded = table.fromProto(first);
  assert.equal(table.fromProto(again), decoded);
  assert.deepEqual(Object.keys(decoded.parameters), ["scale", "connect.decimal.precision"]);
  assert.throws(() => new SchemaTable().fromProto(again), /schema reference 1 was never defined/);
});

test("config definitions parse like Kafka's ConfigDef", () => {
  const def = new ConfigDef()
    .define("n", { type: "INT", default: 5, validator: Range.between(1, 10) })
    .define("mode", { type: "STRING", default: "a", validator: new ValidString("a", "b") })
    .define("list", { type: "LIST", default: [] })
    .define("on", { type: "BOOLEAN", default: false });
  assert.deepEqual(def.parse({ n: " 7 ", list: "x, y ,z", on: "TRUE" }), { n: 7, mode: "a", list: ["x", "y", "z"], on: true });
  assert.throws(() => def.parse({ n: "11" }), /no more than 10/);
  assert.throws(() => def.parse({ mode: "c" }), /one of: a, b/);
  assert.throws(() => def.parse({ n: "1.5" }), /Not a number of type INT/);
  assert.throws(() => new ConfigDef().define("x", { type: "INT", default: 0, validator: Range.atLeast(1) }), /at least 1/);
});

test("where to listen", () => {
  assert.equal(listenAddress([], { POLYCONNECT_LISTEN: "unix:/tmp/x.sock" }), "unix:/tmp/x.sock");
  assert.equal(listenAddress(["--listen", "127.0.0.1:5"], {}), "127.0.0.1:5");
  assert.equal(listenAddress(["--listen=http://h:6"], {}), "h:6");
  assert.equal(listenAddress([], { POLYCONNECT_PORT: "7" }), "0.0.0.0:7");
  assert.equal(listenAddress([], {}), "0.0.0.0:50051");
});
