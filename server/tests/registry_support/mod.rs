//! What the registry-backed converters' compatibility tests share: the real Schema Registry
//! (`scripts/registry.sh up`; `make test` starts it and sets POLYCONNECT_TEST_SCHEMA_REGISTRY),
//! converters configured for it, Confluent's own serializers (`tests/avro/confluent_serde.py`),
//! unique topics.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use std::sync::Arc;

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
