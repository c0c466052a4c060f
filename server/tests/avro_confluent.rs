//! The AvroConverter beside Confluent's own Avro serializer and deserializer (PyPI's
//! confluent-kafka, `tests/avro/confluent_serde.py`), against a real Schema Registry
//! (`scripts/registry.sh up`; `make test` starts it and sets POLYCONNECT_TEST_SCHEMA_REGISTRY):
//!
//! - records the converter writes are decoded by Confluent's deserializer to the expected
//!   values, under the subject and id the converter registered;
//! - Confluent's serializer, given the schema the converter registered, gets the same id
//!   and writes the same bytes, which the converter reads back to the same Connect data;
//! - records Confluent's serializer writes with a schema of its own (enum, union, fixed,
//!   decimal with a precision, defaults) are read with the schema and values Confluent's
//!   AvroConverter gives them, and written again to the same values.

mod registry_support;

use std::sync::Arc;

use bytes::Bytes;
use polyconnect::converter::Converter;
use polyconnect::data::{Schema, SchemaAndValue, SchemaType, Value};
use registry_support::{
    assert_incompatible_schema_is_a_record_error, confluent, hex, registry_converter, st, unhex,
};
use serde_json::{json, Value as Json};

fn converter(is_key: bool, extra: &[(&str, &str)]) -> Box<dyn Converter> {
    registry_converter("io.confluent.connect.avro.AvroConverter", is_key, extra)
}

fn topic(name: &str) -> String {
    registry_support::topic("avro-compat", name)
}

fn bytes(b: &[u8]) -> Value {
    Value::Bytes(Bytes::copy_from_slice(b))
}

/// Polyconnect writes, Confluent reads; Confluent writes with the same schema text, gets
/// the same id and the same bytes; Polyconnect reads them back.
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
    let r = confluent(json!([{"op": "decode", "topic": topic, "hex": hex(&ours), "key": is_key}]));
    assert_eq!(
        r[0]["value"], expected,
        "{name}: Confluent's deserializer read {}",
        r[0]["value"]
    );
    assert_eq!(r[0]["id"], id);
    let text = r[0]["schema"].as_str().unwrap().to_string();
    let r = confluent(json!([
        {"op": "encode", "topic": topic, "schema": text, "value": expected, "key": is_key},
        {"op": "subjects"}
    ]));
    assert_eq!(
        r[0]["id"], id,
        "{name}: Confluent's serializer got another id for the same schema"
    );
    assert_eq!(
        r[0]["hex"],
        hex(&ours),
        "{name}: Confluent's serializer wrote other bytes"
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
    let back = conv
        .to_connect(&topic, Some(&unhex(r[0]["hex"].as_str().unwrap())))
        .unwrap();
    // A schema without a version reads back with the registry's (a first version: 1), as
    // Confluent's AvroConverter gives it.
    let mut expected_schema = schema.as_ref().clone();
    expected_schema.version = expected_schema.version.or(Some(1));
    let expected_value = match value {
        Value::Struct(mut s) => {
            s.schema = Arc::new(expected_schema.clone());
            Value::Struct(s)
        }
        v => v,
    };
    assert_eq!(back.value, expected_value, "{name}: read back");
    let got = back.schema.unwrap();
    assert_eq!(got.as_ref(), &expected_schema, "{name}: schema read back");
    println!("{name}: id {id}, {} bytes, schema {text}", ours.len());
}

fn inner() -> Schema {
    Schema::new(SchemaType::Struct)
        .named("com.example.Inner")
        .field("x", Schema::new(SchemaType::Int32))
        .field("y", Schema::new(SchemaType::String).optional())
}

#[test]
fn every_type_both_ways_with_confluent() {
    let conv = converter(false, &[]);
    let inner_s = Arc::new(inner());
    let anon =
        Arc::new(Schema::new(SchemaType::Struct).field("z", Schema::new(SchemaType::Boolean)));
    let mut with_default = Schema::new(SchemaType::Int32);
    with_default.default_value = Some(Value::Int32(42));
    let mut opt_with_default = Schema::new(SchemaType::String).optional();
    opt_with_default.default_value = Some(Value::String("none".into()));
    let mut documented = Schema::new(SchemaType::String);
    documented.doc = Some("a documented string".into());
    let schema = Schema::new(SchemaType::Struct)
        .named("com.example.AllTypes")
        .with_version(3)
        .field("b", Schema::new(SchemaType::Boolean))
        .field("i8", Schema::new(SchemaType::Int8))
        .field("i16", Schema::new(SchemaType::Int16))
        .field("i32", Schema::new(SchemaType::Int32))
        .field("i64", Schema::new(SchemaType::Int64))
        .field("f32", Schema::new(SchemaType::Float32))
        .field("f64", Schema::new(SchemaType::Float64))
        .field("s", Schema::new(SchemaType::String))
        .field("raw", Schema::new(SchemaType::Bytes))
        .field("dec", Schema::decimal(2))
        .field("dec_neg", Schema::decimal(3))
        .field(
            "dec_p",
            Schema::decimal(2).parameter("connect.decimal.precision", "10"),
        )
        .field("day", Schema::date())
        .field("time", Schema::time())
        .field("ts", Schema::timestamp())
        .field("opt_null", Schema::new(SchemaType::String).optional())
        .field("opt_set", Schema::new(SchemaType::Int32).optional())
        .field("with_default", with_default)
        .field("opt_with_default", opt_with_default)
        .field("documented", documented)
        .field(
            "params",
            Schema::new(SchemaType::String).parameter("k", "v"),
        )
        .field("arr", Schema::array(Schema::new(SchemaType::Int64)))
        .field(
            "m",
            Schema::map(
                Schema::new(SchemaType::String),
                Schema::new(SchemaType::String),
            ),
        )
        .field(
            "mk",
            Schema::map(
                Schema::new(SchemaType::Int32),
                Schema::new(SchemaType::String),
            ),
        )
        .field("nested", inner())
        .field("inners", Schema::array(inner()))
        .field("anon", anon.as_ref().clone())
        .field("opt_struct", inner().optional());
    let schema_arc = Arc::new(schema.clone());
    let opt_inner = Arc::new(inner().optional());
    let _ = opt_inner;
    let value = st(
        &schema_arc,
        vec![
            Value::Boolean(true),
            Value::Int8(-8),
            Value::Int16(-1600),
            Value::Int32(123456),
            Value::Int64(-9_000_000_000),
            Value::Float32(1.5),
            Value::Float64(-2.25),
            Value::String("héllo".into()),
            bytes(&[0, 1, 2, 255]),
            bytes(&[0x04, 0xd2]),    // 12.34
            bytes(&[0xfb]),          // -0.005
            bytes(&[0x00, 0x80]),    // 1.28
            Value::Int32(19000),     // 2022-01-08
            Value::Int32(3_723_004), // 01:02:03.004
            Value::Int64(1_700_000_000_123),
            Value::Null,
            Value::Int32(7),
            Value::Int32(5),
            Value::String("set".into()),
            Value::String("doc".into()),
            Value::String("p".into()),
            Value::Array(vec![Value::Int64(1), Value::Int64(2)]),
            Value::Map(vec![(Value::String("a".into()), Value::String("x".into()))]),
            Value::Map(vec![
                (Value::Int32(1), Value::String("one".into())),
                (Value::Int32(2), Value::String("two".into())),
            ]),
            st(&inner_s, vec![Value::Int32(1), Value::String("y".into())]),
            Value::Array(vec![
                st(&inner_s, vec![Value::Int32(2), Value::Null]),
                st(&inner_s, vec![Value::Int32(3), Value::String("z".into())]),
            ]),
            st(&anon, vec![Value::Boolean(false)]),
            Value::Null,
        ],
    );
    let expected = json!({
        "b": true, "i8": -8, "i16": -1600, "i32": 123456, "i64": -9_000_000_000i64,
        "f32": 1.5, "f64": -2.25, "s": "héllo", "raw": {"$bytes": "000102ff"},
        "dec": {"$decimal": "12.34"}, "dec_neg": {"$decimal": "-0.005"}, "dec_p": {"$decimal": "1.28"},
        "day": {"$date": "2022-01-08"}, "time": {"$time": "01:02:03.004000"},
        "ts": {"$timestamp_ms": 1_700_000_000_123i64},
        "opt_null": null, "opt_set": 7, "with_default": 5, "opt_with_default": "set",
        "documented": "doc", "params": "p", "arr": [1, 2], "m": {"a": "x"},
        "mk": [{"key": 1, "value": "one"}, {"key": 2, "value": "two"}],
        "nested": {"x": 1, "y": "y"},
        "inners": [{"x": 2, "y": null}, {"x": 3, "y": "z"}],
        "anon": {"z": false},
        "opt_struct": null
    });
    both_ways("all-types", false, conv.as_ref(), schema, value, expected);
}

#[test]
fn keys_enums_and_unions_with_confluent() {
    // A key: the subject is <topic>-key.
    let conv = converter(true, &[]);
    let key = Schema::new(SchemaType::Struct)
        .named("com.example.Key")
        .field("id", Schema::new(SchemaType::Int64));
    let key_arc = Arc::new(key.clone());
    both_ways(
        "key",
        true,
        conv.as_ref(),
        key,
        st(&key_arc, vec![Value::Int64(9)]),
        json!({"id": 9}),
    );

    // Enums and unions with enhanced.avro.schema.support.
    let conv = converter(false, &[("enhanced.avro.schema.support", "true")]);
    let color = Schema::new(SchemaType::String)
        .named("com.example.Color")
        .parameter("io.confluent.connect.avro.Enum", "com.example.Color")
        .parameter("io.confluent.connect.avro.Enum.RED", "RED")
        .parameter("io.confluent.connect.avro.Enum.GREEN", "GREEN");
    let either = Schema::new(SchemaType::Struct)
        .named("io.confluent.connect.avro.Union")
        .field("int", Schema::new(SchemaType::Int32).optional())
        .field("string", Schema::new(SchemaType::String).optional())
        .field("com.example.Inner", inner().optional());
    let either_arc = Arc::new(either.clone());
    let inner_s = Arc::new(inner().optional());
    let schema = Schema::new(SchemaType::Struct)
        .named("com.example.Sums")
        .field("color", color)
        .field("either", either.clone())
        .field("either2", either.clone())
        .field("either3", either);
    let schema_arc = Arc::new(schema.clone());
    let value = st(
        &schema_arc,
        vec![
            Value::String("GREEN".into()),
            st(
                &either_arc,
                vec![Value::Null, Value::String("hi".into()), Value::Null],
            ),
            st(&either_arc, vec![Value::Int32(4), Value::Null, Value::Null]),
            st(
                &either_arc,
                vec![
                    Value::Null,
                    Value::Null,
                    st(&inner_s, vec![Value::Int32(1), Value::Null]),
                ],
            ),
        ],
    );
    both_ways(
        "enum-union",
        false,
        conv.as_ref(),
        schema,
        value,
        json!({"color": "GREEN", "either": "hi", "either2": 4, "either3": {"x": 1, "y": null}}),
    );
}

#[test]
fn schemas_written_by_confluent_are_read_as_confluent_reads_them() {
    let topic = topic("python-first");
    let schema = r#"{"type":"record","name":"Py","namespace":"py.ns","doc":"from Python","fields":[{"name":"id","type":"int","doc":"the id"},{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},{"name":"u","type":["null","string","long"]},{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"fx","type":{"type":"fixed","name":"Four","size":4}},{"name":"n","type":"int","default":3},{"name":"tags","type":{"type":"map","values":{"type":"array","items":"string"}}}]}"#;
    let value = json!({"id": 1, "color": "GREEN", "u": 17, "price": {"$decimal": "-12.50"},
        "ts": {"$timestamp_ms": 1_600_000_000_000i64}, "fx": {"$bytes": "01020304"}, "n": 8,
        "tags": {"a": ["x", "y"]}});
    let r = confluent(json!([{"op": "encode", "topic": topic, "schema": schema, "value": value}]));
    let theirs = unhex(r[0]["hex"].as_str().unwrap());
    for enhanced in ["false", "true"] {
        let conv = converter(false, &[("enhanced.avro.schema.support", enhanced)]);
        let got = conv.to_connect(&topic, Some(&theirs)).unwrap();
        let s = got.schema.clone().unwrap();
        assert_eq!(s.name.as_deref(), Some("py.ns.Py"));
        assert_eq!(s.version, Some(1), "the registry's version");
        assert_eq!(
            s.param("io.confluent.connect.avro.record.doc"),
            Some("from Python")
        );
        assert_eq!(
            s.param("io.confluent.connect.avro.field.doc.id"),
            Some("the id")
        );
        let f = |n: &str| s.fields[s.field_index(n).unwrap()].schema.clone();
        assert_eq!(
            f("color").param("io.confluent.connect.avro.Enum"),
            Some("py.ns.Color")
        );
        assert_eq!(
            f("color").param("io.confluent.connect.avro.Enum.GREEN"),
            Some("GREEN")
        );
        let u = f("u");
        assert_eq!(u.name.as_deref(), Some("io.confluent.connect.avro.Union"));
        assert!(u.optional);
        assert_eq!(
            u.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            vec!["string", "long"]
        );
        assert!(f("price").is_logical("org.apache.kafka.connect.data.Decimal"));
        assert_eq!(f("price").param("scale"), Some("2"));
        assert_eq!(f("price").param("connect.decimal.precision"), Some("10"));
        assert!(f("ts").is_logical("org.apache.kafka.connect.data.Timestamp"));
        assert_eq!(f("fx").param("connect.fixed.size"), Some("4"));
        assert_eq!(f("fx").name.as_deref(), Some("py.ns.Four"));
        assert_eq!(f("n").default_value, Some(Value::Int32(3)));
        assert_eq!(
            f("n").param("io.confluent.connect.avro.field.default"),
            Some("true")
        );
        let Value::Struct(v) = &got.value else {
            panic!()
        };
        assert_eq!(v.get("id"), Some(&Value::Int32(1)));
        assert_eq!(v.get("color"), Some(&Value::String("GREEN".into())));
        let Some(Value::Struct(uv)) = v.get("u") else {
            panic!()
        };
        assert_eq!(uv.values, vec![Value::Null, Value::Int64(17)]);
        assert_eq!(v.get("price"), Some(&bytes(&[0xfb, 0x1e]))); // -1250
        assert_eq!(v.get("ts"), Some(&Value::Int64(1_600_000_000_000)));
        assert_eq!(v.get("fx"), Some(&bytes(&[1, 2, 3, 4])));
        // Written again (as Confluent's AvroConverter would, with the Connect schema's Avro
        // schema) and read by Confluent's deserializer: the same values.
        let again = conv.from_connect(&topic, got.clone()).unwrap().unwrap();
        let r = confluent(json!([{"op": "decode", "topic": topic, "hex": hex(&again)}]));
        assert_eq!(
            r[0]["value"], value,
            "enhanced={enhanced}: {}",
            r[0]["schema"]
        );
    }
}

#[test]
fn a_schema_the_registry_refuses_is_a_record_error() {
    let topic = topic("incompatible");
    let conv = converter(false, &[]);
    // BACKWARD compatibility, then a schema that cannot read the old data.
    assert_incompatible_schema_is_a_record_error(conv.as_ref(), &topic, "b");
    // Without auto registration an unknown schema is refused as well.
    let conv = converter(false, &[("auto.register.schemas", "false")]);
    let c = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("R")
            .field("c", Schema::new(SchemaType::Int64)),
    );
    let e = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(c.clone()), st(&c, vec![Value::Int64(1)])),
        )
        .unwrap_err();
    assert!(!e.retriable, "{e:?}");
}

/// `use.latest.version`: the subject's latest schema, registered by Confluent's serializer
/// and not the record's, is the one written for, as Confluent's serializer writes it
/// (fields by position, a string as an enum symbol, numbers converted): Confluent's
/// deserializer reads the latest schema's values. A record with fewer fields than the
/// latest schema is refused as a record error.
#[test]
fn use_latest_version_writes_for_the_subjects_latest_schema() {
    let topic = topic("latest");
    let latest = r#"{"type":"record","name":"R","namespace":"app","doc":"registered by a pipeline's owner","fields":[{"name":"id","type":"long","doc":"the id"},{"name":"name","type":"string"},{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},{"name":"amount","type":["null","double"],"default":null}]}"#;
    let r = confluent(json!([{"op": "encode", "topic": topic, "schema": latest,
        "value": {"id": 1, "name": "first", "color": "RED", "amount": null}}]));
    let theirs = unhex(r[0]["hex"].as_str().unwrap());
    let record = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("app.R")
            .field("id", Schema::new(SchemaType::Int32))
            .field("name", Schema::new(SchemaType::String))
            .field("color", Schema::new(SchemaType::String))
            .field("amount", Schema::new(SchemaType::Float32).optional()),
    );
    let conv = converter(
        false,
        &[
            ("use.latest.version", "true"),
            ("auto.register.schemas", "false"),
            ("latest.compatibility.strict", "false"),
        ],
    );
    let ours = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(
                Some(record.clone()),
                st(
                    &record,
                    vec![
                        Value::Int32(5),
                        Value::String("fifth".into()),
                        Value::String("BLUE".into()),
                        Value::Float32(2.5),
                    ],
                ),
            ),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        ours[1..5],
        theirs[1..5],
        "written under the latest schema's id"
    );
    let r = confluent(json!([{"op": "decode", "topic": topic, "hex": hex(&ours)}]));
    assert_eq!(
        r[0]["value"],
        json!({"id": 5, "name": "fifth", "color": "BLUE", "amount": 2.5}),
        "{}",
        r[0]["schema"]
    );
    // A symbol the latest enum does not have, and a record shorter than the latest schema:
    // record errors.
    let e = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(
                Some(record.clone()),
                st(
                    &record,
                    vec![
                        Value::Int32(6),
                        Value::String("sixth".into()),
                        Value::String("PURPLE".into()),
                        Value::Null,
                    ],
                ),
            ),
        )
        .unwrap_err();
    assert!(!e.retriable && e.message.contains("PURPLE"), "{e:?}");
    let short = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("app.R")
            .field("id", Schema::new(SchemaType::Int64)),
    );
    let e = conv
        .from_connect(
            &topic,
            SchemaAndValue::new(Some(short.clone()), st(&short, vec![Value::Int64(7)])),
        )
        .unwrap_err();
    assert!(!e.retriable && e.message.contains("has 1 fields"), "{e:?}");
}
