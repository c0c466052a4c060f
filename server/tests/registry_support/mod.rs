//! What the registry-backed converters' compatibility tests share: the real Schema Registry
//! (`scripts/registry.sh up`; `make test` starts it and sets POLYCONNECT_TEST_SCHEMA_REGISTRY),
//! converters configured for it, Confluent's own serializers (`tests/avro/confluent_serde.py`),
//! unique topics.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use std::sync::Arc;

use bytes::Bytes;
use polyconnect::converter::{Converter, ConverterFactory};
use polyconnect::data::{Schema, SchemaAndValue, SchemaType, Struct, Value};
use serde_json::Value as Json;

pub fn registry() -> String {
    let url = std::env::var("POLYCONNECT_TEST_SCHEMA_REGISTRY")
        .unwrap_or_else(|_| "http://127.0.0.1:8081/apis/ccompat/v7".into());
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    if std::net::TcpStream::connect(&host).is_err() {
        panic!("no Schema Registry at {url}: start one with `scripts/registry.sh up` (or set POLYCONNECT_TEST_SCHEMA_REGISTRY)");
    }
    url
}

/// A converter of `class` on the registry, with `extra` settings.
pub fn registry_converter(class: &str, is_key: bool, extra: &[(&str, &str)]) -> Box<dyn Converter> {
    let mut s = BTreeMap::new();
    s.insert("schema.registry.url".to_string(), registry());
    for (k, v) in extra {
        s.insert(k.to_string(), v.to_string());
    }
    ConverterFactory::create(class, &s, is_key).unwrap()
}

/// Runs operations through Confluent's serializers (one Python process per call).
pub fn confluent(ops: Json) -> Vec<Json> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/avro/confluent_serde.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .env("POLYCONNECT_TEST_SCHEMA_REGISTRY", registry())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ops.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "confluent_serde.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Json> = serde_json::from_slice(&out.stdout).unwrap();
    for r in &results {
        assert!(r.get("error").is_none(), "Confluent's serializers: {r}");
    }
    results
}

/// A topic of its own for a case.
pub fn topic(prefix: &str, name: &str) -> String {
    format!(
        "{prefix}-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    )
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The text registered under schema id `id`.
pub fn schema_text(id: i32) -> String {
    let url = format!("{}/schemas/ids/{id}", registry());
    let out = Command::new("curl").args(["-sf", &url]).output().unwrap();
    assert!(out.status.success(), "reading schema {id}");
    let j: Json = serde_json::from_slice(&out.stdout).unwrap();
    j["schema"].as_str().unwrap().to_string()
}

/// Sets the compatibility level of `subject` on the registry.
pub fn set_compatibility(subject: &str, level: &str) {
    let url = format!("{}/config/{subject}", registry());
    let body = format!(r#"{{"compatibility":"{level}"}}"#);
    let ok = Command::new("curl")
        .args([
            "-sf",
            "-o",
            "/dev/null",
            "-XPUT",
            "-H",
            "Content-Type: application/vnd.schemaregistry.v1+json",
            "-d",
            &body,
            &url,
        ])
        .status()
        .unwrap();
    assert!(ok.success(), "setting the compatibility of {subject}");
}

/// A struct of `schema` with `values` in field order.
pub fn st(schema: &Arc<Schema>, values: Vec<Value>) -> Value {
    Value::Struct(Struct {
        schema: schema.clone(),
        values,
    })
}

/// Writes a struct `R { a: int32 }` to `topic`, sets the value subject's compatibility to
/// BACKWARD, then writes `R { <field>: string }`, which cannot read the old data: the
/// registry's 409 must be a record error, not a retriable one.
pub fn assert_incompatible_schema_is_a_record_error(
    conv: &dyn Converter,
    topic: &str,
    field: &str,
) {
    let a = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("R")
            .field("a", Schema::new(SchemaType::Int32)),
    );
    conv.from_connect(
        topic,
        SchemaAndValue::new(Some(a.clone()), st(&a, vec![Value::Int32(1)])),
    )
    .unwrap();
    set_compatibility(&format!("{topic}-value"), "BACKWARD");
    let b = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("R")
            .field(field, Schema::new(SchemaType::String)),
    );
    let e = conv
        .from_connect(
            topic,
            SchemaAndValue::new(Some(b.clone()), st(&b, vec![Value::String("x".into())])),
        )
        .unwrap_err();
    assert!(!e.retriable, "{e:?}");
    assert!(e.message.contains("409"), "{}", e.message);
}

/// A struct of every Connect type (the logical types, an optional field, a default, an
/// array, maps with string and int keys, a nested struct and an array of them) and a value
/// of it: the fixture of the registry converters' compatibility tests.
pub fn every_type() -> (Arc<Schema>, Value) {
    let inner = Schema::new(SchemaType::Struct)
        .named("com.example.Address")
        .field("street", Schema::new(SchemaType::String))
        .field("zip", Schema::new(SchemaType::Int32).optional());
    let mut with_default = Schema::new(SchemaType::String).optional();
    with_default.default_value = Some(Value::String("none".into()));
    let schema = Schema::new(SchemaType::Struct)
        .named("com.example.Every")
        .field("i8", Schema::new(SchemaType::Int8))
        .field("i16", Schema::new(SchemaType::Int16))
        .field("i32", Schema::new(SchemaType::Int32))
        .field("i64", Schema::new(SchemaType::Int64))
        .field("f32", Schema::new(SchemaType::Float32))
        .field("f64", Schema::new(SchemaType::Float64))
        .field("flag", Schema::new(SchemaType::Boolean))
        .field("text", Schema::new(SchemaType::String))
        .field("maybe", Schema::new(SchemaType::String).optional())
        .field("note", with_default)
        .field("raw", Schema::new(SchemaType::Bytes))
        .field("amount", Schema::decimal(2))
        .field("day", Schema::date())
        .field("at", Schema::time())
        .field("ts", Schema::timestamp())
        .field("tags", Schema::array(Schema::new(SchemaType::String)))
        .field(
            "attrs",
            Schema::map(
                Schema::new(SchemaType::String),
                Schema::new(SchemaType::Int64),
            ),
        )
        .field(
            "codes",
            Schema::map(
                Schema::new(SchemaType::Int32),
                Schema::new(SchemaType::String),
            ),
        )
        .field("home", inner.clone())
        .field("others", Schema::array(inner.clone()))
        .parameter("owner", "polyconnect");
    let schema = Arc::new(schema);
    let inner = Arc::new(inner);
    let value = st(
        &schema,
        vec![
            Value::Int8(-8),
            Value::Int16(1600),
            Value::Int32(-32),
            Value::Int64(1 << 40),
            Value::Float32(1.5),
            Value::Float64(-2.25),
            Value::Boolean(true),
            Value::String("héllo \"world\"".into()),
            Value::Null,
            Value::String("set".into()),
            Value::Bytes(Bytes::from_static(&[0, 1, 2, 255])),
            Value::Bytes(Bytes::from_static(&[0x30, 0x39])),
            Value::Int32(19_000),
            Value::Int32(45_296_789),
            Value::Int64(1_700_000_000_123),
            Value::Array(vec![Value::String("a".into()), Value::String("b".into())]),
            Value::Map(vec![(Value::String("k".into()), Value::Int64(7))]),
            Value::Map(vec![
                (Value::Int32(1), Value::String("one".into())),
                (Value::Int32(2), Value::String("two".into())),
            ]),
            st(
                &inner,
                vec![Value::String("Main St".into()), Value::Int32(12345)],
            ),
            Value::Array(vec![st(
                &inner,
                vec![Value::String("Side St".into()), Value::Null],
            )]),
        ],
    );
    (schema, value)
}
