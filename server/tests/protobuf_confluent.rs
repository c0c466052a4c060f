//! The ProtobufConverter beside Confluent's own Protobuf serializer and deserializer (PyPI's
//! confluent-kafka, `tests/avro/confluent_serde.py`), against a real Schema Registry
//! (`scripts/registry.sh up`; `make test` starts it and sets POLYCONNECT_TEST_SCHEMA_REGISTRY):
//!
//! - records the converter writes are decoded by Confluent's deserializer (with the message
//!   type compiled from the text the converter registered, read back from the registry) to
//!   the expected values, under the subject and id the converter registered;
//! - Confluent's serializer, given the same message type and values, writes the same message
//!   indexes and message bytes;
//! - records Confluent's serializer writes with a schema of its own (nested messages,
//!   repeated fields, maps, enums, oneofs, well-known Timestamp, a second message of the
//!   file) are read with the schemas and values Confluent's ProtobufConverter gives them;
//! - a schema the registry refuses is a record error.

mod registry_support;

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use polyconnect::converter::protobuf::ProtoSchema;
use polyconnect::converter::Converter;
use polyconnect::data::{Schema, SchemaAndValue, SchemaType, Struct, Value};
use registry_support::{
    assert_incompatible_schema_is_a_record_error, confluent, every_type, hex, registry_converter,
    st, unhex,
};
use serde_json::{json, Value as Json};

const CLASS: &str = "io.confluent.connect.protobuf.ProtobufConverter";

fn converter(is_key: bool, extra: &[(&str, &str)]) -> Box<dyn Converter> {
    registry_converter(CLASS, is_key, extra)
}

fn topic(name: &str) -> String {
    registry_support::topic("protobuf-compat", name)
}

fn descriptors(p: &ProtoSchema) -> String {
    base64::engine::general_purpose::STANDARD.encode(p.descriptor_set())
}

/// Message indexes and message: what follows the magic byte and id.
fn body(b: &[u8]) -> &[u8] {
    &b[5..]
}

/// Polyconnect writes, Confluent reads with the message type of the registered text;
/// Confluent writes the same values with that type: the same indexes and message bytes;
/// Polyconnect reads both records back to `read_back` (proto3 reads unset scalars as their
/// defaults). Returns the Connect schemas read back.
fn both_ways(
    name: &str,
    conv: &dyn Converter,
    schema: Schema,
    value: Value,
    read_back: Value,
    expected: Json,
) -> Vec<Arc<Schema>> {
    let topic = topic(name);
    let schema = Arc::new(schema);
    let ours = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(schema.clone()), value.clone()),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (ours[0], ours[5]),
        (0, 0),
        "{name}: magic byte, message indexes [0] as the single byte 0"
    );
    let id = i32::from_be_bytes([ours[1], ours[2], ours[3], ours[4]]);
    // The registered text, read back from the registry, compiled as a reader would.
    let text = registry_support::schema_text(id);
    let registered = ProtoSchema::parse(&text).unwrap();
    let message = registered.root().full_name().to_string();
    let r = confluent(json!([
        {"op": "decode", "format": "protobuf", "topic": topic, "hex": hex(&ours),
         "descriptors": descriptors(&registered), "message": message},
        {"op": "encode", "format": "protobuf", "topic": topic, "value": expected,
         "descriptors": descriptors(&registered), "message": message},
        {"op": "subjects"}
    ]));
    assert_eq!(
        r[0]["value"], expected,
        "{name}: Confluent's deserializer read {}",
        r[0]["value"]
    );
    assert_eq!(r[0]["id"], id);
    assert_eq!(r[0]["indexes"], json!([0]));
    let theirs = unhex(r[1]["hex"].as_str().unwrap());
    assert_eq!(
        hex(body(&theirs)),
        hex(body(&ours)),
        "{name}: Confluent's serializer wrote other bytes"
    );
    let subject = format!("{topic}-value");
    assert!(
        r[2]["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == &json!(subject)),
        "{name}: subject {subject} not registered"
    );
    let mut schemas = Vec::new();
    for b in [&ours[..], &theirs[..]] {
        let back = conv.to_connect(&topic, Some(b)).unwrap();
        assert_eq!(
            flat(&back.value),
            flat(&read_back),
            "{name}: value read back"
        );
        let bs = back.schema.unwrap();
        assert_eq!(
            bs.name,
            schema
                .name
                .as_ref()
                .map(|n| n.rsplit('.').next().unwrap().to_string())
        );
        assert!(bs.version.is_some(), "{name}: the registry's version");
        schemas.push(bs);
    }
    schemas
}

/// A value with its structs as their values (schemas read back carry tags and versions).
fn flat(v: &Value) -> Json {
    match v {
        Value::Struct(s) => Json::Array(s.values.iter().map(flat).collect()),
        Value::Array(a) => Json::Array(a.iter().map(flat).collect()),
        Value::Map(m) => Json::Array(m.iter().map(|(k, v)| json!([flat(k), flat(v)])).collect()),
        other => json!(format!("{other:?}")),
    }
}

#[test]
fn every_connect_type_both_ways() {
    let conv = converter(false, &[]);
    let (schema, value) = every_type();
    // protobuf's JSON mapping of what Confluent's deserializer decoded: int64 as strings,
    // bytes as base64, the logical types as their messages, maps as repeated entries.
    let expected = json!({
        "i8": -8, "i16": 1600, "i32": -32, "i64": "1099511627776", "f32": 1.5, "f64": -2.25,
        "flag": true, "text": "héllo \"world\"", "maybe": "", "note": "set", "raw": "AAEC/w==",
        "amount": {"value": "MDk=", "precision": 5, "scale": 2},
        "day": {"year": 2022, "month": 1, "day": 8},
        "at": {"hours": 12, "minutes": 34, "seconds": 56, "nanos": 789000000},
        "ts": "2023-11-14T22:13:20.123Z",
        "tags": ["a", "b"],
        "attrs": [{"key": "k", "value": "7"}],
        "codes": [{"key": 1, "value": "one"}, {"key": 2, "value": "two"}],
        "home": {"street": "Main St", "zip": 12345},
        "others": [{"street": "Side St", "zip": 0}]
    });
    // An unset optional string reads back as proto3's default, "" (as with Confluent's
    // converter), an unset int32 as 0; the rest is the written data.
    let mut read_back = value.clone();
    if let Value::Struct(s) = &mut read_back {
        s.values[8] = Value::String(String::new());
        if let Value::Array(a) = &mut s.values[19] {
            if let Value::Struct(o) = &mut a[0] {
                o.values[1] = Value::Int32(0);
            }
        }
    }
    let schemas = both_ways(
        "every",
        conv.as_ref(),
        schema.as_ref().clone(),
        value,
        read_back,
        expected,
    );
    for bs in schemas {
        // The Connect schema read back: the types, the logical types and their parameters.
        let f = |n: &str| {
            bs.fields
                .iter()
                .find(|f| f.name == n)
                .unwrap()
                .schema
                .clone()
        };
        assert_eq!(f("i8").schema_type, SchemaType::Int8);
        assert_eq!(f("i16").schema_type, SchemaType::Int16);
        assert_eq!(f("amount").decimal_scale().unwrap(), 2);
        assert_eq!(
            f("note").param("io.confluent.connect.protobuf.Tag"),
            Some("10")
        );
        assert_eq!(
            f("day").name.as_deref(),
            Some("org.apache.kafka.connect.data.Date")
        );
        assert_eq!(
            f("at").name.as_deref(),
            Some("org.apache.kafka.connect.data.Time")
        );
        assert_eq!(
            f("ts").name.as_deref(),
            Some("org.apache.kafka.connect.data.Timestamp")
        );
        assert_eq!(f("attrs").schema_type, SchemaType::Map);
        assert_eq!(f("home").name.as_deref(), Some("Address"));
        assert_eq!(
            f("i32").param("io.confluent.connect.protobuf.Tag"),
            Some("3")
        );
    }
}

#[test]
fn optional_and_wrapper_settings_both_ways() {
    let schema = Schema::new(SchemaType::Struct)
        .named("com.example.Nullable")
        .field("a", Schema::new(SchemaType::Int64).optional())
        .field("b", Schema::new(SchemaType::String).optional())
        .field("c", Schema::new(SchemaType::Boolean));
    let s = Arc::new(schema.clone());
    // optional.for.nullables: proto3 `optional`, an unset field stays null.
    let conv = converter(false, &[("optional.for.nullables", "true")]);
    let value = st(
        &s,
        vec![Value::Int64(5), Value::Null, Value::Boolean(false)],
    );
    both_ways(
        "optional",
        conv.as_ref(),
        schema.clone(),
        value.clone(),
        value,
        json!({"a": "5", "c": false}),
    );
    // wrapper.for.nullables: google.protobuf wrappers.
    let conv = converter(false, &[("wrapper.for.nullables", "true")]);
    let topic = topic("wrapper");
    let ours = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(
                Some(s.clone()),
                st(&s, vec![Value::Int64(5), Value::Null, Value::Boolean(true)]),
            ),
        )
        .unwrap()
        .unwrap();
    let id = i32::from_be_bytes([ours[1], ours[2], ours[3], ours[4]]);
    let text = registry_support::schema_text(id);
    assert!(text.contains("google.protobuf.Int64Value a = 1;"), "{text}");
    let registered = ProtoSchema::parse(&text).unwrap();
    let r = confluent(json!([
        {"op": "decode", "format": "protobuf", "topic": topic, "hex": hex(&ours),
         "descriptors": descriptors(&registered), "message": "com.example.Nullable"}
    ]));
    assert_eq!(r[0]["value"], json!({"a": "5", "c": true}));
    let back = conv.to_connect(&topic, Some(&ours)).unwrap();
    let Value::Struct(v) = back.value else {
        panic!()
    };
    assert_eq!(
        v.values,
        vec![Value::Int64(5), Value::Null, Value::Boolean(true)]
    );
}

const THEIRS: &str = r#"syntax = "proto3";
package shop.v1;

import "google/protobuf/timestamp.proto";

message Order {
  enum Status {
    STATUS_UNKNOWN = 0;
    NEW = 1;
    PAID = 2;
  }
  message Line {
    string sku = 1;
    uint32 qty = 2;
    Price price = 3;
  }
  message Price {
    sint64 cents = 1;
    string currency = 2;
  }
  string id = 1;
  Status status = 2;
  repeated Line lines = 3;
  map<string, string> labels = 4;
  google.protobuf.Timestamp created = 5;
  oneof payment {
    string card = 6;
    int64 cash_cents = 7;
  }
  repeated int32 scores = 8;
  double weight = 9;
  float ratio = 10;
  bool gift = 11;
  bytes blob = 12;
  fixed64 big = 13;
  optional string note = 14;
  Line first = 15;
}

message Refund {
  string order_id = 1;
  sfixed32 reason = 2;
}
"#;

#[test]
fn records_from_confluents_serializer() {
    let topic = topic("theirs");
    let p = ProtoSchema::parse(THEIRS).unwrap();
    let order = json!({
        "id": "o-1", "status": "PAID",
        "lines": [{"sku": "a", "qty": 2, "price": {"cents": "-150", "currency": "EUR"}},
                  {"sku": "b", "qty": 1}],
        "labels": {"x": "1"},
        "created": "2023-11-14T22:13:20.123Z",
        "cash_cents": "500",
        "scores": [3, -4], "weight": 2.5, "ratio": 0.5, "gift": true, "blob": "AQI=",
        "big": "18446744073709551615"
    });
    let refund = json!({"order_id": "o-1", "reason": -7});
    let r = confluent(json!([
        {"op": "encode", "format": "protobuf", "topic": topic, "value": order,
         "descriptors": descriptors(&p), "message": "shop.v1.Order"},
        {"op": "encode", "format": "protobuf", "topic": topic, "value": refund,
         "descriptors": descriptors(&p), "message": "shop.v1.Refund"}
    ]));
    let first = unhex(r[0]["hex"].as_str().unwrap());
    let second = unhex(r[1]["hex"].as_str().unwrap());
    assert_eq!(first[5], 0, "Order is message [0]");
    assert_eq!(&second[5..7], &[2, 2], "Refund is message [1]");
    let conv = converter(false, &[]);
    let got = conv.to_connect(&topic, Some(&first)).unwrap();
    let s = got.schema.clone().unwrap();
    assert_eq!(s.name.as_deref(), Some("Order"));
    let names: Vec<_> = s.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "payment_0",
            "id",
            "status",
            "lines",
            "labels",
            "created",
            "scores",
            "weight",
            "ratio",
            "gift",
            "blob",
            "big",
            "note",
            "first"
        ]
    );
    let f = |n: &str| {
        s.fields
            .iter()
            .find(|f| f.name == n)
            .unwrap()
            .schema
            .clone()
    };
    assert_eq!(
        f("payment_0").name.as_deref(),
        Some("io.confluent.connect.protobuf.Union.payment")
    );
    assert_eq!(f("status").name.as_deref(), Some("Status"));
    assert_eq!(
        f("status").param("io.confluent.connect.protobuf.Enum"),
        Some("Status")
    );
    assert_eq!(
        f("status").param("io.confluent.connect.protobuf.Enum.PAID"),
        Some("2")
    );
    assert_eq!(f("labels").schema_type, SchemaType::Map);
    assert_eq!(f("labels").name.as_deref(), Some("labels"));
    assert_eq!(
        f("created").name.as_deref(),
        Some("org.apache.kafka.connect.data.Timestamp")
    );
    assert_eq!(
        f("big").param("io.confluent.connect.protobuf.Type"),
        Some("fixed64")
    );
    assert_eq!(
        f("id").param("io.confluent.connect.protobuf.Tag"),
        Some("1")
    );
    let line = f("lines").value_schema.clone().unwrap();
    assert_eq!(line.name.as_deref(), Some("Line"));
    assert_eq!(
        line.fields[1].schema.schema_type,
        SchemaType::Int64,
        "uint32 is INT64"
    );
    assert!(f("id").optional && f("first").optional);
    let Value::Struct(v) = &got.value else {
        panic!("{:?}", got.value)
    };
    assert_eq!(v.get("id"), Some(&Value::String("o-1".into())));
    assert_eq!(v.get("status"), Some(&Value::String("PAID".into())));
    assert_eq!(v.get("created"), Some(&Value::Int64(1_700_000_000_123)));
    assert_eq!(v.get("big"), Some(&Value::Int64(-1)));
    assert_eq!(v.get("note"), Some(&Value::Null), "proto3 optional, unset");
    assert_eq!(v.get("first"), Some(&Value::Null), "message, unset");
    assert_eq!(
        v.get("scores"),
        Some(&Value::Array(vec![Value::Int32(3), Value::Int32(-4)]))
    );
    assert_eq!(
        v.get("blob"),
        Some(&Value::Bytes(Bytes::from_static(&[1, 2])))
    );
    assert_eq!(
        v.get("labels"),
        Some(&Value::Map(vec![(
            Value::String("x".into()),
            Value::String("1".into())
        )]))
    );
    let Some(Value::Struct(pay)) = v.get("payment_0") else {
        panic!()
    };
    assert_eq!(pay.values, vec![Value::Null, Value::Int64(500)]);
    let Some(Value::Array(lines)) = v.get("lines") else {
        panic!()
    };
    let Value::Struct(l0) = &lines[0] else {
        panic!()
    };
    assert_eq!(l0.get("qty"), Some(&Value::Int64(2)));
    let Some(Value::Struct(price)) = l0.get("price") else {
        panic!()
    };
    assert_eq!(price.get("cents"), Some(&Value::Int64(-150)));
    let Value::Struct(l1) = &lines[1] else {
        panic!()
    };
    assert_eq!(l1.get("price"), Some(&Value::Null));

    // The second message of the file, by its message indexes.
    let got2 = conv.to_connect(&topic, Some(&second)).unwrap();
    let s2 = got2.schema.clone().unwrap();
    assert_eq!(s2.name.as_deref(), Some("Refund"));
    assert_eq!(
        s2.fields[1]
            .schema
            .param("io.confluent.connect.protobuf.Type"),
        Some("sfixed32")
    );
    let Value::Struct(v2) = &got2.value else {
        panic!()
    };
    assert_eq!(
        v2.values,
        vec![Value::String("o-1".into()), Value::Int32(-7)]
    );

    // Written again by the converter (its own schema for the Connect schema, registered under
    // the same subject) and read by Confluent's deserializer: the same order.
    let again = conv.from_connect(&topic, got.clone()).unwrap().unwrap();
    let id = i32::from_be_bytes([again[1], again[2], again[3], again[4]]);
    let text = registry_support::schema_text(id);
    assert!(text.contains("oneof payment {"), "{text}");
    let registered = ProtoSchema::parse(&text).unwrap();
    let r = confluent(json!([
        {"op": "decode", "format": "protobuf", "topic": topic, "hex": hex(&again),
         "descriptors": descriptors(&registered), "message": registered.root().full_name()}
    ]));
    let mut want = order.clone();
    // Proto3 defaults printed; the map is a repeated entry message in the converter's schema.
    want["labels"] = json!([{"key": "x", "value": "1"}]);
    want["lines"][1]["price"] = Json::Null;
    want["lines"][1].as_object_mut().unwrap().remove("price");
    for (k, v) in r[0]["value"].as_object().unwrap() {
        if let Some(w) = want.get(k) {
            assert_eq!(v, w, "field {k}");
        }
    }
    assert_eq!(r[0]["value"]["cash_cents"], json!("500"));
    assert!(r[0]["value"].get("card").is_none());
}

#[test]
fn incompatible_schema_is_a_record_error() {
    let conv = converter(false, &[]);
    assert_incompatible_schema_is_a_record_error(conv.as_ref(), &topic("incompatible"), "a");
}

#[test]
fn struct_with_unchanged_schema_is_written_without_registry_calls() {
    let conv = converter(false, &[]);
    let s = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("Hot")
            .field("n", Schema::new(SchemaType::Int32)),
    );
    let topic = topic("hot");
    let a = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(s.clone()), st(&s, vec![Value::Int32(1)])),
        )
        .unwrap()
        .unwrap();
    let b = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(
                Some(s.clone()),
                Value::Struct(Struct::new(s.clone()).put("n", Value::Int32(300))),
            ),
        )
        .unwrap()
        .unwrap();
    assert_eq!(a[..6], b[..6], "same id and indexes");
    assert_eq!(hex(&a[6..]), "0801");
    assert_eq!(hex(&b[6..]), "08ac02");
}

#[test]
fn primitive_keys_as_wrappers_both_ways() {
    let conv = converter(true, &[]);
    let topic = topic("key");
    let s = Arc::new(Schema::new(SchemaType::String));
    let ours = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(s.clone()), Value::String("user_1".into())),
        )
        .unwrap()
        .unwrap();
    // google.protobuf.StringValue, message [7] of wrappers.proto.
    assert_eq!(&ours[5..7], &[2, 14]);
    let id = i32::from_be_bytes([ours[1], ours[2], ours[3], ours[4]]);
    let registered = ProtoSchema::parse(&registry_support::schema_text(id)).unwrap();
    let r = confluent(json!([
        {"op": "decode", "format": "protobuf", "topic": topic, "hex": hex(&ours), "key": true,
         "descriptors": descriptors(&registered), "message": "google.protobuf.StringValue"},
        {"op": "encode", "format": "protobuf", "topic": topic, "value": {"value": "user_1"}, "key": true,
         "descriptors": descriptors(&registered), "message": "google.protobuf.StringValue"},
        {"op": "subjects"}
    ]));
    // The message type comes from the registered file (not protobuf's own wrappers.proto),
    // so protobuf's JSON mapping prints it as a message.
    assert_eq!(r[0]["value"], json!({"value": "user_1"}));
    assert_eq!(r[0]["indexes"], json!([7]));
    let theirs = unhex(r[1]["hex"].as_str().unwrap());
    assert_eq!(hex(body(&theirs)), hex(body(&ours)));
    assert!(r[2]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x == &json!(format!("{topic}-key"))));
    for b in [&ours[..], &theirs[..]] {
        let back = conv.to_connect(&topic, Some(b)).unwrap();
        assert_eq!(back.schema.unwrap().schema_type, SchemaType::String);
        assert_eq!(back.value, Value::String("user_1".into()));
    }
}

#[test]
fn use_latest_version_writes_for_the_subjects_latest_schema() {
    let topic = topic("latest");
    let v1 = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("com.example.R")
            .field("a", Schema::new(SchemaType::Int32))
            .field("b", Schema::new(SchemaType::String)),
    );
    let registering = converter(false, &[]);
    let first = registering
        .from_connect(
            &topic,
            SchemaAndValue::new(
                Some(v1.clone()),
                st(&v1, vec![Value::Int32(1), Value::String("x".into())]),
            ),
        )
        .unwrap()
        .unwrap();
    let latest_id = i32::from_be_bytes([first[1], first[2], first[3], first[4]]);
    // A record of an older shape (no `b`): written with the latest id, its own bytes.
    let v0 = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("com.example.R")
            .field("a", Schema::new(SchemaType::Int32)),
    );
    let latest = converter(
        false,
        &[
            ("use.latest.version", "true"),
            ("auto.register.schemas", "false"),
        ],
    );
    let b = latest
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(v0.clone()), st(&v0, vec![Value::Int32(7)])),
        )
        .unwrap()
        .unwrap();
    assert_eq!(i32::from_be_bytes([b[1], b[2], b[3], b[4]]), latest_id);
    assert_eq!(hex(&b[5..]), "000807");
    // Read with the latest schema.
    let back = registering.to_connect(&topic, Some(&b)).unwrap();
    let Value::Struct(v) = back.value else {
        panic!()
    };
    assert_eq!(
        v.values,
        vec![Value::Int32(7), Value::String(String::new())]
    );
    // Confluent's deserializer reads it with the latest schema's message type.
    let registered = ProtoSchema::parse(&registry_support::schema_text(latest_id)).unwrap();
    let r = confluent(json!([
        {"op": "decode", "format": "protobuf", "topic": topic, "hex": hex(&b),
         "descriptors": descriptors(&registered), "message": "com.example.R"}
    ]));
    assert_eq!(r[0]["value"], json!({"a": 7, "b": ""}));

    // A shape the registry finds incompatible at the subject's level: a record error with
    // latest.compatibility.strict, written for the latest schema without it.
    registry_support::set_compatibility(&format!("{topic}-value"), "FULL");
    let bad = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("com.example.R")
            .field("a", Schema::new(SchemaType::String)),
    );
    let record = SchemaAndValue::new(Some(bad.clone()), st(&bad, vec![Value::String("s".into())]));
    let e = latest.from_connect(&topic, record.clone()).unwrap_err();
    assert!(!e.retriable, "{e:?}");
    assert!(e.message.contains("incompatible"), "{}", e.message);
    let lax = converter(
        false,
        &[
            ("use.latest.version", "true"),
            ("auto.register.schemas", "false"),
            ("latest.compatibility.strict", "false"),
        ],
    );
    let w = lax.from_connect(&topic, record).unwrap().unwrap();
    assert_eq!(i32::from_be_bytes([w[1], w[2], w[3], w[4]]), latest_id);
}

const COMMON: &str = "syntax = \"proto3\";\npackage shop.common;\n\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}\n";
const INVOICE: &str = "syntax = \"proto3\";\npackage shop.billing;\n\nimport \"shop/common.proto\";\n\nmessage Invoice {\n  string id = 1;\n  shop.common.Money total = 2;\n  repeated shop.common.Money parts = 3;\n}\n";

#[test]
fn schema_references_of_confluents_serializer_are_read() {
    let topic = topic("refs");
    let p = ProtoSchema::parse_with_references(
        INVOICE,
        &[("shop/common.proto".to_string(), COMMON.to_string())],
    )
    .unwrap();
    // Confluent's serializer registers shop/common.proto under its own subject and the
    // invoice's schema with a reference to it.
    let value = json!({"id": "i-1", "total": {"cents": "250", "currency": "EUR"},
                       "parts": [{"cents": "200"}, {"cents": "50"}]});
    let r = confluent(json!([
        {"op": "encode", "format": "protobuf", "topic": topic, "value": value,
         "descriptors": descriptors(&p), "message": "shop.billing.Invoice"},
        {"op": "subjects"}
    ]));
    assert!(
        r[1]["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "shop/common.proto"),
        "{}",
        r[1]
    );
    let b = unhex(r[0]["hex"].as_str().unwrap());
    let conv = converter(false, &[]);
    let got = conv.to_connect(&topic, Some(&b)).unwrap();
    let s = got.schema.clone().unwrap();
    assert_eq!(s.name.as_deref(), Some("Invoice"));
    let total = s.fields[1].schema.clone();
    assert_eq!(total.name.as_deref(), Some("Money"));
    assert_eq!(total.fields[0].schema.schema_type, SchemaType::Int64);
    let Value::Struct(v) = &got.value else {
        panic!()
    };
    assert_eq!(v.get("id"), Some(&Value::String("i-1".into())));
    let Some(Value::Struct(t)) = v.get("total") else {
        panic!()
    };
    assert_eq!(
        t.values,
        vec![Value::Int64(250), Value::String("EUR".into())]
    );
    let Some(Value::Array(parts)) = v.get("parts") else {
        panic!()
    };
    assert_eq!(parts.len(), 2);
}
