//! The JsonSchemaConverter beside Confluent's own JSON Schema serializer and deserializer
//! (PyPI's confluent-kafka, `tests/avro/confluent_serde.py`), against a real Schema Registry
//! (`scripts/registry.sh up`; `make test` starts it and sets POLYCONNECT_TEST_SCHEMA_REGISTRY):
//!
//! - records the converter writes are decoded by Confluent's deserializer to the expected
//!   JSON, under the subject and id the converter registered;
//! - Confluent's serializer, given the schema the converter registered, gets the same id and
//!   writes the same JSON (Python's spacing aside), which the converter reads back to the
//!   same Connect data;
//! - records Confluent's serializer writes with a schema of its own (required properties,
//!   `type` lists, enum, oneOf) are read with the schema and values Confluent's
//!   JsonSchemaConverter gives them, and written again to the same JSON;
//! - a schema the registry refuses is a record error.

mod registry_support;

use std::sync::Arc;

use bytes::Bytes;
use polyconnect::converter::Converter;
use polyconnect::data::{Schema, SchemaAndValue, SchemaType, Value};
use registry_support::{
    assert_incompatible_schema_is_a_record_error, confluent, every_type, hex, registry_converter,
    st, unhex,
};
use serde_json::{json, Value as Json};

const CLASS: &str = "io.confluent.connect.json.JsonSchemaConverter";

fn converter(is_key: bool, extra: &[(&str, &str)]) -> Box<dyn Converter> {
    registry_converter(CLASS, is_key, extra)
}

fn topic(name: &str) -> String {
    registry_support::topic("jsonschema-compat", name)
}

fn payload(b: &[u8]) -> Json {
    serde_json::from_slice(&b[5..]).unwrap()
}

/// Polyconnect writes, Confluent reads; Confluent writes with the same schema text, gets
/// the same id and the same JSON; Polyconnect reads it back.
fn both_ways(
    name: &str,
    is_key: bool,
    conv: &dyn Converter,
    schema: Schema,
    value: Value,
    expected: Json,
) {
    let topic = topic(name);
    let schema = Arc::new(schema);
    let ours = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(schema.clone()), value.clone()),
        )
        .unwrap()
        .unwrap();
    assert_eq!(ours[0], 0, "{name}: magic byte");
    let id = i32::from_be_bytes([ours[1], ours[2], ours[3], ours[4]]);
    let r = confluent(
        json!([{"op": "decode", "format": "json", "topic": topic, "hex": hex(&ours), "key": is_key}]),
    );
    assert_eq!(
        r[0]["value"], expected,
        "{name}: Confluent's deserializer read {}",
        r[0]["value"]
    );
    assert_eq!(r[0]["id"], id);
    let text = r[0]["schema"].as_str().unwrap().to_string();
    let r = confluent(json!([
        {"op": "encode", "format": "json", "topic": topic, "schema": text, "value": expected, "key": is_key},
        {"op": "subjects"}
    ]));
    assert_eq!(
        r[0]["id"], id,
        "{name}: Confluent's serializer got another id for the same schema"
    );
    let theirs = unhex(r[0]["hex"].as_str().unwrap());
    assert_eq!(theirs[..5], ours[..5], "{name}: magic byte and id");
    assert_eq!(
        payload(&theirs),
        payload(&ours),
        "{name}: Confluent's serializer wrote other JSON"
    );
    let subject = format!("{topic}-{}", if is_key { "key" } else { "value" });
    assert!(
        r[1]["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == &json!(subject)),
        "{name}: subject {subject} not registered"
    );
    let back = conv.to_connect(&topic, Some(&theirs)).unwrap();
    // A schema without a version reads back with the registry's (a first version: 1).
    let mut expected_schema = schema.as_ref().clone();
    expected_schema.version = expected_schema.version.or(Some(1));
    assert_eq!(
        back.schema.as_deref(),
        Some(&expected_schema),
        "{name}: schema read back"
    );
    let fix = |v: &Value| match v {
        Value::Struct(s) => s.values.clone(),
        other => vec![other.clone()],
    };
    assert_eq!(fix(&back.value), fix(&value), "{name}: value read back");
}

#[test]
fn every_connect_type_both_ways() {
    let conv = converter(false, &[]);
    let (schema, value) = every_type();
    let expected = json!({
        "i8": -8, "i16": 1600, "i32": -32, "i64": 1u64 << 40, "f32": 1.5, "f64": -2.25,
        "flag": true, "text": "héllo \"world\"", "maybe": null, "note": "set",
        "raw": "AAEC/w==", "amount": "MDk=", "day": 19000, "at": 45296789, "ts": 1700000000123u64,
        "tags": ["a", "b"], "attrs": {"k": 7},
        "codes": [{"key": 1, "value": "one"}, {"key": 2, "value": "two"}],
        "home": {"street": "Main St", "zip": 12345},
        "others": [{"street": "Side St", "zip": null}]
    });
    both_ways(
        "every",
        false,
        conv.as_ref(),
        schema.as_ref().clone(),
        value,
        expected,
    );
    // decimal.format=NUMERIC writes the Decimal as a JSON number.
    let conv = converter(false, &[("decimal.format", "NUMERIC")]);
    let s = Schema::new(SchemaType::Struct)
        .named("com.example.Price")
        .field("amount", Schema::decimal(2));
    let s2 = Arc::new(s.clone());
    both_ways(
        "numeric",
        false,
        conv.as_ref(),
        s,
        st(&s2, vec![Value::Bytes(Bytes::from_static(&[0x30, 0x39]))]),
        json!({"amount": 123.45}),
    );
}

#[test]
fn primitive_keys_both_ways() {
    let conv = converter(true, &[]);
    both_ways(
        "key-string",
        true,
        conv.as_ref(),
        Schema::new(SchemaType::String),
        Value::String("user-1".into()),
        json!("user-1"),
    );
    both_ways(
        "key-long",
        true,
        conv.as_ref(),
        Schema::new(SchemaType::Int64),
        Value::Int64(42),
        json!(42),
    );
}

#[test]
fn schemas_written_by_confluents_serializer() {
    let topic = topic("theirs");
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "User",
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "who"},
            "age": {"type": ["integer", "null"]},
            "score": {"type": "number"},
            "kind": {"enum": ["admin", "guest"]},
            "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "friends": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}}
        },
        "required": ["name", "score"]
    });
    let value = json!({"name": "ada", "age": null, "score": 9.5, "kind": "admin", "id": 7, "friends": [{"name": "bob"}]});
    let r = confluent(
        json!([{"op": "encode", "format": "json", "topic": topic, "schema": schema.to_string(), "value": value}]),
    );
    let theirs = unhex(r[0]["hex"].as_str().unwrap());
    for use_optional in ["false", "true"] {
        let conv = converter(false, &[("use.optional.for.nonrequired", use_optional)]);
        let got = conv.to_connect(&topic, Some(&theirs)).unwrap();
        let s = got.schema.clone().unwrap();
        assert_eq!(s.name.as_deref(), Some("User"));
        assert_eq!(s.version, Some(1), "the registry's version");
        let names: Vec<_> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["name", "age", "score", "kind", "id", "friends"]);
        let f = |n: &str| {
            s.fields
                .iter()
                .find(|f| f.name == n)
                .unwrap()
                .schema
                .clone()
        };
        assert_eq!(f("name").doc.as_deref(), Some("who"));
        assert_eq!(f("age").schema_type, SchemaType::Int64);
        assert!(f("age").optional);
        assert_eq!(f("score").schema_type, SchemaType::Float64);
        assert!(!f("score").optional);
        assert_eq!(
            f("kind").param("io.confluent.connect.json.Enum.guest"),
            Some("guest")
        );
        assert_eq!(
            f("id").name.as_deref(),
            Some("io.confluent.connect.json.OneOf")
        );
        assert_eq!(
            f("friends").value_schema.as_ref().unwrap().schema_type,
            SchemaType::Struct
        );
        // Not required: optional with use.optional.for.nonrequired only.
        assert_eq!(f("kind").optional, use_optional == "true");
        let Value::Struct(v) = &got.value else {
            panic!("{:?}", got.value)
        };
        assert_eq!(v.get("name"), Some(&Value::String("ada".into())));
        assert_eq!(v.get("age"), Some(&Value::Null));
        assert_eq!(v.get("score"), Some(&Value::Float64(9.5)));
        let Some(Value::Struct(id)) = v.get("id") else {
            panic!()
        };
        assert_eq!(id.values, vec![Value::Null, Value::Int64(7)]);
        // Written again (with the Connect schema's JSON Schema) and read by Confluent's
        // deserializer: the same JSON.
        let again = conv.from_connect(&topic, got.clone()).unwrap().unwrap();
        let r = confluent(
            json!([{"op": "decode", "format": "json", "topic": topic, "hex": hex(&again)}]),
        );
        assert_eq!(r[0]["value"], value, "{}", r[0]["schema"]);
    }
}

#[test]
fn a_schema_the_registry_refuses_is_a_record_error() {
    let topic = topic("incompatible");
    let conv = converter(false, &[("object.additional.properties", "false")]);
    // A required property changing its type cannot read the old data.
    assert_incompatible_schema_is_a_record_error(conv.as_ref(), &topic, "a");
    // Bytes that are not Confluent's wire format are a record error too.
    let e = conv.to_connect(&topic, Some(b"{\"a\":1}")).unwrap_err();
    assert!(e.message.contains("Unknown magic byte"), "{}", e.message);
}

#[test]
fn record_name_strategy_names_the_subject_by_the_title() {
    let topic = topic("record-name");
    let conv = converter(
        false,
        &[(
            "value.subject.name.strategy",
            "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
        )],
    );
    let s = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("com.example.Order")
            .field("n", Schema::new(SchemaType::Int32)),
    );
    let ours = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(s.clone()), st(&s, vec![Value::Int32(1)])),
        )
        .unwrap()
        .unwrap();
    let r = confluent(json!([{"op": "subjects"}]));
    let subject = format!("{topic}-com.example.Order");
    assert!(
        r[0]["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == &json!(subject)),
        "{subject} not registered"
    );
    let back = conv.to_connect(&topic, Some(&ours)).unwrap();
    assert_eq!(
        back.schema.unwrap().name.as_deref(),
        Some("com.example.Order")
    );
    // Without a title the record name strategies have no name to use: a record error.
    let unnamed =
        Arc::new(Schema::new(SchemaType::Struct).field("n", Schema::new(SchemaType::Int32)));
    let e = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(unnamed.clone()), st(&unnamed, vec![Value::Int32(1)])),
        )
        .unwrap_err();
    assert!(!e.retriable, "{e:?}");
    assert!(
        e.message
            .contains("value.subject.name.strategy = TopicRecordNameStrategy"),
        "{}",
        e.message
    );
}

/// `use.latest.version`: the record's JSON under the subject's latest schema's id (a schema
/// Confluent's serializer registered, not the record's), checked against it with
/// `json.fail.invalid.schema`: a value the latest schema refuses is a record error.
#[test]
fn use_latest_version_writes_for_the_subjects_latest_schema() {
    let topic = topic("latest");
    let latest = json!({"type": "object", "title": "app.R", "additionalProperties": false,
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id", "name"]});
    let r = confluent(json!([{"op": "encode", "format": "json", "topic": topic,
        "schema": latest.to_string(), "value": {"id": 1, "name": "first"}}]));
    let theirs = unhex(r[0]["hex"].as_str().unwrap());
    let record = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("app.R")
            .field("id", Schema::new(SchemaType::Int64))
            .field("name", Schema::new(SchemaType::String)),
    );
    let value = |id: i64, name: &str| {
        SchemaAndValue::new(
            Some(record.clone()),
            st(&record, vec![Value::Int64(id), Value::String(name.into())]),
        )
    };
    let conv = converter(
        false,
        &[
            ("use.latest.version", "true"),
            ("auto.register.schemas", "false"),
            ("latest.compatibility.strict", "false"),
        ],
    );
    let ours = conv
        .from_connect(&topic, value(5, "fifth"))
        .unwrap()
        .unwrap();
    assert_eq!(
        ours[1..5],
        theirs[1..5],
        "written under the latest schema's id"
    );
    let r =
        confluent(json!([{"op": "decode", "format": "json", "topic": topic, "hex": hex(&ours)}]));
    assert_eq!(r[0]["value"], json!({"id": 5, "name": "fifth"}));
    // The latest schema's id is an integer: a record whose id is a string is refused.
    let strict = converter(
        false,
        &[
            ("use.latest.version", "true"),
            ("auto.register.schemas", "false"),
            ("latest.compatibility.strict", "false"),
            ("json.fail.invalid.schema", "true"),
        ],
    );
    strict.from_connect(&topic, value(6, "sixth")).unwrap();
    let text_id = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("app.R")
            .field("id", Schema::new(SchemaType::String))
            .field("name", Schema::new(SchemaType::String)),
    );
    let e = strict
        .from_connect(
            &topic,
            SchemaAndValue::new(
                Some(text_id.clone()),
                st(
                    &text_id,
                    vec![Value::String("seven".into()), Value::String("s".into())],
                ),
            ),
        )
        .unwrap_err();
    assert!(!e.retriable, "{e:?}");
    assert!(
        strict.from_connect(&topic, value(8, "eighth")).is_ok(),
        "a valid record after a refused one"
    );
}
