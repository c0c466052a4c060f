//! Shared by the differential tests: the Kafka Connect reference harness
//! (`tests/reference`), the encoding of Polyconnect data in its JSON form and back, a
//! deterministic random generator, and generators of schemas, values and records.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use polyconnect::converter::java::BigDec;
use polyconnect::data::{
    Header, Schema, SchemaType, Struct, Value, DATE, DECIMAL, TIME, TIMESTAMP,
};
use polyconnect::transforms::ConnectRecord;
use serde_json::{json, Value as Json};

// ---------------------------------------------------------------- the harness

pub struct Harness {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Harness {
    pub fn start() -> Harness {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let script = root.join("tests/reference/run.sh");
        let mut child = Command::new("bash")
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the Kafka Connect reference harness (tests/reference/run.sh)");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut h = Harness {
            child,
            stdin,
            stdout,
        };
        assert_eq!(h.call(&json!({"op": "ping"}))["ok"], true);
        h
    }

    pub fn call(&mut self, req: &Json) -> Json {
        writeln!(self.stdin, "{req}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("harness answer");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad harness answer {line:?}: {e}"))
    }

    /// Sends many requests (written by a second thread, so neither pipe can fill up and
    /// block both sides) and reads the answers, in order.
    pub fn call_many(&mut self, reqs: &[Json]) -> Vec<Json> {
        let stdin = &mut self.stdin;
        let stdout = &mut self.stdout;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                for r in reqs {
                    writeln!(stdin, "{r}").unwrap();
                }
                stdin.flush().unwrap();
            });
            let mut out = Vec::with_capacity(reqs.len());
            for _ in reqs {
                let mut line = String::new();
                stdout.read_line(&mut line).expect("harness answer");
                out.push(
                    serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("bad harness answer {line:?}: {e}")),
                );
            }
            out
        })
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True when the harness could not even build the input (not a Kafka Connect answer).
pub fn is_input_error(answer: &Json) -> bool {
    answer
        .get("error")
        .and_then(Json::as_str)
        .map(|e| e.starts_with("dev.polyconnect.reference.BadRequest"))
        .unwrap_or(false)
}

// ---------------------------------------------------------------- encoding

pub fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub fn schema_json(s: &Schema) -> Json {
    let mut o = serde_json::Map::new();
    o.insert("type".into(), json!(s.schema_type.json_name()));
    o.insert("optional".into(), json!(s.optional));
    if let Some(n) = &s.name {
        o.insert("name".into(), json!(n));
    }
    if let Some(v) = s.version {
        o.insert("version".into(), json!(v));
    }
    if let Some(d) = &s.doc {
        o.insert("doc".into(), json!(d));
    }
    if let Some(p) = &s.parameters {
        let mut m = serde_json::Map::new();
        for (k, v) in p {
            m.insert(k.clone(), json!(v));
        }
        o.insert("parameters".into(), Json::Object(m));
    }
    if let Some(d) = &s.default_value {
        o.insert("default".into(), tagged(Some(s), d));
    }
    match s.schema_type {
        SchemaType::Struct => {
            o.insert(
                "fields".into(),
                Json::Array(
                    s.fields
                        .iter()
                        .map(|f| json!({"field": f.name, "schema": schema_json(&f.schema)}))
                        .collect(),
                ),
            );
        }
        SchemaType::Array => {
            o.insert(
                "items".into(),
                s.value_schema
                    .as_deref()
                    .map(schema_json)
                    .unwrap_or(Json::Null),
            );
        }
        SchemaType::Map => {
            o.insert(
                "keys".into(),
                s.key_schema
                    .as_deref()
                    .map(schema_json)
                    .unwrap_or(Json::Null),
            );
            o.insert(
                "values".into(),
                s.value_schema
                    .as_deref()
                    .map(schema_json)
                    .unwrap_or(Json::Null),
            );
        }
        _ => {}
    }
    Json::Object(o)
}

pub fn opt_schema_json(s: Option<&Schema>) -> Json {
    s.map(schema_json).unwrap_or(Json::Null)
}

fn float_json(f: f64, digits: String) -> Json {
    if f.is_nan() {
        json!("NaN")
    } else if f.is_infinite() {
        json!(if f > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        serde_json::from_str(&digits).unwrap_or(json!(f))
    }
}

/// The harness's tagged value form.
pub fn tagged(schema: Option<&Schema>, v: &Value) -> Json {
    let logical = schema.and_then(|s| s.name.as_deref());
    match v {
        Value::Null => Json::Null,
        Value::Boolean(b) => json!({"boolean": b}),
        Value::Int8(i) => json!({"int8": i}),
        Value::Int16(i) => json!({"int16": i}),
        Value::Int32(i) if logical == Some(DATE) => json!({"date": i}),
        Value::Int32(i) if logical == Some(TIME) => json!({"time": i}),
        Value::Int32(i) => json!({"int32": i}),
        Value::Int64(i) if logical == Some(TIMESTAMP) => json!({"timestamp": i}),
        Value::Int64(i) => json!({"int64": i}),
        Value::Float32(f) => json!({"float32": float_json(*f as f64, format!("{f:e}"))}),
        Value::Float64(f) => json!({"float64": float_json(*f, format!("{f:e}"))}),
        Value::String(s) => json!({"string": s}),
        Value::Bytes(b) if logical == Some(DECIMAL) => {
            let scale = schema.unwrap().decimal_scale().unwrap();
            json!({"decimal": BigDec::from_bytes(b, scale).to_java_string()})
        }
        Value::Bytes(b) => json!({"bytes": b64(b)}),
        Value::Decimal { unscaled, scale } => {
            json!({"decimal": BigDec::from_bytes(unscaled, *scale).to_java_string()})
        }
        Value::Array(items) => {
            let is = schema.and_then(|s| s.value_schema.as_deref());
            json!({"array": items.iter().map(|i| tagged(is, i)).collect::<Vec<_>>()})
        }
        Value::Map(entries) => {
            let ks = schema.and_then(|s| s.key_schema.as_deref());
            let vs = schema.and_then(|s| s.value_schema.as_deref());
            json!({"map": entries.iter().map(|(k, v)| json!([tagged(ks, k), tagged(vs, v)])).collect::<Vec<_>>()})
        }
        Value::Struct(st) => {
            let mut m = serde_json::Map::new();
            for (f, v) in st.schema.fields.iter().zip(&st.values) {
                m.insert(f.name.clone(), tagged(Some(&f.schema), v));
            }
            json!({"struct": Json::Object(m)})
        }
    }
}

pub fn record_json(r: &ConnectRecord) -> Json {
    let mut o = json!({
        "topic": r.topic,
        "partition": r.kafka_partition,
        "key_schema": opt_schema_json(r.key_schema.as_deref()),
        "key": tagged(r.key_schema.as_deref(), &r.key),
        "value_schema": opt_schema_json(r.value_schema.as_deref()),
        "value": tagged(r.value_schema.as_deref(), &r.value),
        "timestamp": r.timestamp,
        "headers": r.headers.iter().map(|h| json!({
            "key": h.key,
            "schema": opt_schema_json(h.schema.as_deref()),
            "value": tagged(h.schema.as_deref(), &h.value),
        })).collect::<Vec<_>>(),
    });
    if let Some(off) = r.kafka_offset {
        o["offset"] = json!(off);
    }
    o
}

// ---------------------------------------------------------------- decoding answers

pub fn decode_schema(j: &Json) -> Option<Arc<Schema>> {
    if j.is_null() {
        return None;
    }
    let t = SchemaType::from_json_name(j["type"].as_str().unwrap()).unwrap();
    let mut s = Schema::new(t);
    s.optional = j["optional"].as_bool().unwrap_or(false);
    s.name = j.get("name").and_then(Json::as_str).map(str::to_string);
    s.version = j.get("version").and_then(Json::as_i64).map(|v| v as i32);
    s.doc = j.get("doc").and_then(Json::as_str).map(str::to_string);
    if let Some(p) = j.get("parameters").and_then(Json::as_object) {
        s.parameters = Some(
            p.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect(),
        );
    }
    match t {
        SchemaType::Struct => {
            for f in j["fields"].as_array().unwrap() {
                s.fields.push(polyconnect::data::Field {
                    name: f["field"].as_str().unwrap().to_string(),
                    schema: decode_schema(&f["schema"]).unwrap(),
                });
            }
        }
        SchemaType::Array => s.value_schema = j.get("items").and_then(decode_schema),
        SchemaType::Map => {
            s.key_schema = j.get("keys").and_then(decode_schema);
            s.value_schema = j.get("values").and_then(decode_schema);
        }
        _ => {}
    }
    if let Some(d) = j.get("default") {
        if !d.is_null() {
            let without = Arc::new(s.clone());
            s.default_value = Some(decode_value(d, Some(&without)));
        }
    }
    Some(Arc::new(s))
}

fn num_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Harness output to Polyconnect's representation (see `polyconnect::transforms`).
pub fn decode_value(j: &Json, schema: Option<&Arc<Schema>>) -> Value {
    if j.is_null() {
        return Value::Null;
    }
    let (tag, v) = j.as_object().unwrap().iter().next().unwrap();
    let logical = schema.and_then(|s| s.name.as_deref());
    match tag.as_str() {
        "boolean" => Value::Boolean(v.as_bool().unwrap()),
        "int8" => Value::Int8(v.as_i64().unwrap() as i8),
        "int16" => Value::Int16(v.as_i64().unwrap() as i16),
        "int32" => Value::Int32(v.as_i64().unwrap() as i32),
        "int64" => Value::Int64(v.as_i64().unwrap()),
        "float32" => Value::Float32(match num_text(v).as_str() {
            "NaN" => f32::NAN,
            "Infinity" => f32::INFINITY,
            "-Infinity" => f32::NEG_INFINITY,
            t => t.parse().unwrap(),
        }),
        "float64" => Value::Float64(match num_text(v).as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            t => t.parse().unwrap(),
        }),
        "string" => Value::String(v.as_str().unwrap().to_string()),
        "bytes" => Value::Bytes(Bytes::from(
            base64::engine::general_purpose::STANDARD
                .decode(v.as_str().unwrap())
                .unwrap(),
        )),
        "decimal" => {
            let d = BigDec::parse(v.as_str().unwrap()).unwrap();
            let schema_scale = schema
                .filter(|_| logical == Some(DECIMAL))
                .and_then(|s| s.decimal_scale().ok());
            match schema_scale {
                Some(sc) if sc == d.scale => Value::Bytes(Bytes::from(d.to_bytes())),
                _ => Value::Decimal {
                    unscaled: Bytes::from(d.to_bytes()),
                    scale: d.scale,
                },
            }
        }
        "date" => Value::Int32(v.as_i64().unwrap() as i32),
        "time" => Value::Int32(v.as_i64().unwrap() as i32),
        "timestamp" => Value::Int64(v.as_i64().unwrap()),
        "array" => {
            let is = schema.and_then(|s| s.value_schema.as_ref());
            Value::Array(
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|i| decode_value(i, is))
                    .collect(),
            )
        }
        "map" => {
            let ks = schema.and_then(|s| s.key_schema.as_ref());
            let vs = schema.and_then(|s| s.value_schema.as_ref());
            Value::Map(
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|p| (decode_value(&p[0], ks), decode_value(&p[1], vs)))
                    .collect(),
            )
        }
        "struct" => {
            let s = schema.expect("struct needs a schema").clone();
            let obj = v.as_object().unwrap();
            let values = s
                .fields
                .iter()
                .map(|f| decode_value(obj.get(&f.name).unwrap_or(&Json::Null), Some(&f.schema)))
                .collect();
            Value::Struct(Struct { schema: s, values })
        }
        other => panic!("unknown tag {other}"),
    }
}

pub fn decode_record(j: &Json) -> ConnectRecord {
    let key_schema = decode_schema(&j["key_schema"]);
    let value_schema = decode_schema(&j["value_schema"]);
    ConnectRecord {
        topic: j["topic"].as_str().unwrap().to_string(),
        kafka_partition: j["partition"].as_i64().map(|p| p as i32),
        key: decode_value(&j["key"], key_schema.as_ref()),
        key_schema,
        value: decode_value(&j["value"], value_schema.as_ref()),
        value_schema,
        timestamp: j["timestamp"].as_i64(),
        headers: j["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let schema = decode_schema(&h["schema"]);
                Header {
                    key: h["key"].as_str().unwrap().to_string(),
                    value: decode_value(&h["value"], schema.as_ref()),
                    schema,
                }
            })
            .collect(),
        kafka_offset: j.get("offset").and_then(Json::as_i64),
    }
}

// ---------------------------------------------------------------- comparing

/// Value equality with NaN equal to NaN and schemas compared structurally.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float32(x), Value::Float32(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Float64(x), Value::Float64(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_value(ka, kb) && same_value(va, vb))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            same_schema(&x.schema, &y.schema)
                && x.values.len() == y.values.len()
                && x.values
                    .iter()
                    .zip(&y.values)
                    .all(|(a, b)| same_value(a, b))
        }
        (Value::Bytes(x), Value::Bytes(y)) => {
            polyconnect::data::minimal_twos_complement(x)
                == polyconnect::data::minimal_twos_complement(y)
                || x == y
        }
        _ => a == b,
    }
}

pub fn same_schema(a: &Schema, b: &Schema) -> bool {
    a.schema_type == b.schema_type
        && a.optional == b.optional
        && a.name == b.name
        && a.version == b.version
        && a.doc == b.doc
        && a.parameters == b.parameters
        && match (&a.default_value, &b.default_value) {
            (None, None) => true,
            (Some(x), Some(y)) => same_value(x, y),
            _ => false,
        }
        && a.fields.len() == b.fields.len()
        && a.fields
            .iter()
            .zip(&b.fields)
            .all(|(x, y)| x.name == y.name && same_schema(&x.schema, &y.schema))
        && same_opt_schema(a.key_schema.as_deref(), b.key_schema.as_deref())
        && same_opt_schema(a.value_schema.as_deref(), b.value_schema.as_deref())
}

pub fn same_opt_schema(a: Option<&Schema>, b: Option<&Schema>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => same_schema(x, y),
        _ => false,
    }
}

/// Where two values differ (a path and both sides), or None.
pub fn value_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (a, b))| value_difference(&format!("{path}[{i}]"), a, b)),
        (Value::Map(x), Value::Map(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, ((ka, va), (kb, vb)))| {
                value_difference(&format!("{path}{{key {i}}}"), ka, kb)
                    .or_else(|| value_difference(&format!("{path}{{{ka:?}}}"), va, vb))
            }),
        (Value::Struct(x), Value::Struct(y)) if x.values.len() == y.values.len() => {
            if !same_schema(&x.schema, &y.schema) {
                return Some(format!(
                    "{path}: struct schemas\n   ours:   {:?}\n   theirs: {:?}",
                    x.schema, y.schema
                ));
            }
            x.schema
                .fields
                .iter()
                .zip(x.values.iter().zip(&y.values))
                .find_map(|(f, (a, b))| value_difference(&format!("{path}.{}", f.name), a, b))
        }
        _ if same_value(a, b) => None,
        _ => Some(format!("{path}: ours {a:?}, theirs {b:?}")),
    }
}

pub fn schema_difference(path: &str, a: Option<&Schema>, b: Option<&Schema>) -> Option<String> {
    match (a, b) {
        (None, None) => None,
        (Some(x), Some(y)) => {
            if x.fields.len() == y.fields.len() && x.schema_type == y.schema_type {
                for (fa, fb) in x.fields.iter().zip(&y.fields) {
                    if fa.name != fb.name {
                        return Some(format!("{path}: field {} vs {}", fa.name, fb.name));
                    }
                    if let Some(d) = schema_difference(
                        &format!("{path}.{}", fa.name),
                        Some(&fa.schema),
                        Some(&fb.schema),
                    ) {
                        return Some(d);
                    }
                }
            }
            if same_schema(x, y) {
                None
            } else {
                let brief = |s: &Schema| {
                    format!(
                        "{} optional={} name={:?} version={:?} doc={:?} params={:?} default={:?} fields={:?}",
                        s.schema_type.json_name(),
                        s.optional,
                        s.name,
                        s.version,
                        s.doc,
                        s.parameters,
                        s.default_value,
                        s.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>()
                    )
                };
                Some(format!(
                    "{path}: schema\n   ours:   {}\n   theirs: {}",
                    brief(x),
                    brief(y)
                ))
            }
        }
        (x, y) => Some(format!(
            "{path}: schema {:?} vs {:?}",
            x.map(|s| s.schema_type),
            y.map(|s| s.schema_type)
        )),
    }
}

/// Where two records differ, or None.
pub fn record_difference(ours: &ConnectRecord, theirs: &ConnectRecord) -> Option<String> {
    if ours.topic != theirs.topic {
        return Some(format!("topic {:?} vs {:?}", ours.topic, theirs.topic));
    }
    if ours.kafka_partition != theirs.kafka_partition {
        return Some(format!(
            "partition {:?} vs {:?}",
            ours.kafka_partition, theirs.kafka_partition
        ));
    }
    if ours.timestamp != theirs.timestamp {
        return Some("timestamp".into());
    }
    schema_difference(
        "key schema",
        ours.key_schema.as_deref(),
        theirs.key_schema.as_deref(),
    )
    .or_else(|| value_difference("key", &ours.key, &theirs.key))
    .or_else(|| {
        schema_difference(
            "value schema",
            ours.value_schema.as_deref(),
            theirs.value_schema.as_deref(),
        )
    })
    .or_else(|| value_difference("value", &ours.value, &theirs.value))
    .or_else(|| {
        if ours.headers.len() != theirs.headers.len() {
            return Some(format!(
                "headers\n ours:   {:?}\n theirs: {:?}",
                ours.headers, theirs.headers
            ));
        }
        ours.headers.iter().zip(&theirs.headers).find_map(|(a, b)| {
            if a.key != b.key
                || !same_opt_schema(a.schema.as_deref(), b.schema.as_deref())
                || !same_value(&a.value, &b.value)
            {
                Some(format!("header\n ours:   {a:?}\n theirs: {b:?}"))
            } else {
                None
            }
        })
    })
}

// ---------------------------------------------------------------- random data

/// `POLYCONNECT_DIFF_SCALE` multiplies the number of generated cases (default 1);
/// `POLYCONNECT_DIFF_SEED` changes the seeds (default 0), to explore beyond the fixed runs.
pub fn scale() -> usize {
    std::env::var("POLYCONNECT_DIFF_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

pub fn seed(base: u64) -> u64 {
    base + std::env::var("POLYCONNECT_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0)
        * 1000
}

/// A small deterministic generator (xorshift*), so every run checks the same cases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        (self.next() % 100) < percent as u64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }
}

pub const FIELD_NAMES: &[&str] = &[
    "id", "name", "amount", "ts", "day", "at", "ok", "ratio", "tags", "attrs", "inner", "blob",
    "count", "a.b", "note",
];

pub fn random_string(rng: &mut Rng) -> String {
    let pool: &[&str] = &[
        "",
        "x",
        "hello",
        "Zoë",
        "42",
        "-7",
        "3.5",
        "1e3",
        "true",
        "FALSE",
        "null",
        "2024-03-01",
        "2024-03-01T10:20:30.400Z",
        "10:20:30.400Z",
        "[1,2]",
        "{\"a\":1}",
        "a,b",
        " spaced ",
        "00123",
        "9999999999",
        "0x10",
        "NaN",
        "Infinity",
        "1.5f",
        "€",
        "\"q\"",
        "a\\b",
        "01/02/2024 10:20",
        "Tue, 14 Nov 2023 22:13:20 +0000",
        "24-3-1",
        "2024-03-01 10:20:30.400+01:00",
        "10:20 PM",
        "20240301",
        "2024-02-30",
        "1582-10-10",
        "-0001-01-01",
        "2024-03-01T10:20:30",
        " 2024-03-01",
        "AD 2024",
        "366",
    ];
    pool[rng.below(pool.len())].to_string()
}

fn primitive_schema(rng: &mut Rng) -> Schema {
    match rng.below(14) {
        0 => Schema::new(SchemaType::Int8),
        1 => Schema::new(SchemaType::Int16),
        2 => Schema::new(SchemaType::Int32),
        3 => Schema::new(SchemaType::Int64),
        4 => Schema::new(SchemaType::Float32),
        5 => Schema::new(SchemaType::Float64),
        6 => Schema::new(SchemaType::Boolean),
        7 | 8 => Schema::new(SchemaType::String),
        9 => Schema::new(SchemaType::Bytes),
        10 => Schema::decimal(rng.below(5) as i32),
        11 => Schema::date(),
        12 => Schema::time(),
        _ => Schema::timestamp(),
    }
}

/// A random schema (`depth` limits nesting).
pub fn random_schema(rng: &mut Rng, depth: u32) -> Schema {
    let mut s = if depth > 0 && rng.chance(20) {
        random_struct_schema(rng, depth - 1)
    } else if depth > 0 && rng.chance(10) {
        Schema::array(random_schema(rng, depth - 1))
    } else if depth > 0 && rng.chance(8) {
        let k = if rng.chance(80) {
            Schema::new(SchemaType::String)
        } else {
            Schema::new(SchemaType::Int32)
        };
        Schema::map(k, random_schema(rng, depth - 1))
    } else {
        primitive_schema(rng)
    };
    if rng.chance(35) {
        s.optional = true;
    }
    if s.schema_type != SchemaType::Struct && rng.chance(12) {
        let d = random_value(rng, &s.clone(), 0);
        // (Polyconnect's JsonConverter compares schemas with NaN != NaN, so a NaN default
        // makes it refuse the record: not generated here.)
        if !d.is_null() && !has_nan(&d) {
            s.default_value = Some(d);
        }
    }
    s
}

fn has_nan(v: &Value) -> bool {
    match v {
        Value::Float32(f) => f.is_nan(),
        Value::Float64(f) => f.is_nan(),
        Value::Array(a) => a.iter().any(has_nan),
        Value::Map(m) => m.iter().any(|(k, v)| has_nan(k) || has_nan(v)),
        Value::Struct(s) => s.values.iter().any(has_nan),
        _ => false,
    }
}

pub fn random_struct_schema(rng: &mut Rng, depth: u32) -> Schema {
    let mut s = Schema::new(SchemaType::Struct);
    if rng.chance(40) {
        s.name = Some(rng.pick(&["com.example.Order", "rec", "x.y.Z"]).to_string());
    }
    if rng.chance(20) {
        s.version = Some(rng.below(5) as i32 + 1);
    }
    if rng.chance(10) {
        s.doc = Some("a doc".into());
    }
    if rng.chance(10) {
        s.parameters = Some(vec![("k".into(), "v".into())]);
    }
    let n = 1 + rng.below(6);
    let mut names: Vec<&str> = FIELD_NAMES.to_vec();
    for _ in 0..n {
        let i = rng.below(names.len());
        let name = names.remove(i);
        let fs = random_schema(rng, depth);
        s.fields.push(polyconnect::data::Field {
            name: name.to_string(),
            schema: Arc::new(fs),
        });
    }
    s
}

/// A random value that fits `schema` (null only where the schema is optional).
pub fn random_value(rng: &mut Rng, schema: &Schema, depth: u32) -> Value {
    if schema.optional && rng.chance(20) {
        return Value::Null;
    }
    let logical = schema.name.as_deref();
    match schema.schema_type {
        SchemaType::Int8 => Value::Int8(*rng.pick(&[0i8, 1, -1, 42, i8::MIN, i8::MAX])),
        SchemaType::Int16 => Value::Int16(*rng.pick(&[0i16, 7, -300, 1000, i16::MIN, i16::MAX])),
        SchemaType::Int32 if logical == Some(DATE) => {
            Value::Int32(*rng.pick(&[0, 1, -1, 19_723, 2_932_896, -141_428, -800_000]))
        }
        SchemaType::Int32 if logical == Some(TIME) => {
            Value::Int32(*rng.pick(&[0, 1, 45_296_789, 86_399_999, 3_600_000]))
        }
        SchemaType::Int32 => {
            Value::Int32(*rng.pick(&[0, 5, -5, 100_000, i32::MIN, i32::MAX, 1_700_000_000]))
        }
        SchemaType::Int64 if logical == Some(TIMESTAMP) => Value::Int64(*rng.pick(&[
            0i64,
            1_700_000_000_123,
            -1,
            86_400_000,
            -12_219_292_800_001,
            253_402_300_799_999,
            951_782_400_000,
        ])),
        // (Not i64::MIN/MAX: Java's Calendar cannot represent those instants, which
        // TimestampConverter would try; the Cast cases in well_known_cases have them.)
        SchemaType::Int64 => Value::Int64(*rng.pick(&[
            0i64,
            1,
            -1,
            1_700_000_000_123,
            1_700_000_000,
            -9_007_199_254_740_993,
            9_007_199_254_740_993,
            5_000_000_000,
        ])),
        SchemaType::Float32 => Value::Float32(*rng.pick(&[
            0.0f32,
            1.5,
            -0.1,
            3.4e38,
            1e-7,
            f32::NAN,
            0.5,
            16_777_217.0,
            0.3,
        ])),
        SchemaType::Float64 => Value::Float64(*rng.pick(&[
            0.0f64,
            1.5,
            -0.1,
            1e300,
            1e-7,
            f64::NAN,
            0.5,
            9.99e18,
            2.5e9,
            f64::INFINITY,
        ])),
        SchemaType::Boolean => Value::Boolean(rng.chance(50)),
        SchemaType::String => Value::String(random_string(rng)),
        SchemaType::Bytes if logical == Some(DECIMAL) => Value::Bytes(Bytes::from(
            rng.pick(&[
                vec![0u8],
                vec![0x30, 0x39],
                vec![0xff, 0x85],
                vec![0x7f, 0xff, 0xff, 0xff, 0xff],
                vec![1],
            ])
            .clone(),
        )),
        SchemaType::Bytes => Value::Bytes(Bytes::from(
            rng.pick(&[vec![], vec![0u8, 1, 2], b"hi".to_vec(), vec![0xff]])
                .clone(),
        )),
        SchemaType::Array => {
            let vs = schema.value_schema.as_deref().unwrap();
            let n = rng.below(3);
            Value::Array((0..n).map(|_| random_value(rng, vs, depth + 1)).collect())
        }
        SchemaType::Map => {
            let ks = schema.key_schema.as_deref().unwrap();
            let vs = schema.value_schema.as_deref().unwrap();
            let n = rng.below(3);
            let mut entries: Vec<(Value, Value)> = Vec::new();
            for _ in 0..n {
                let k = random_value(
                    rng,
                    &Schema {
                        optional: false,
                        ..ks.clone()
                    },
                    depth + 1,
                );
                if entries.iter().any(|(e, _)| *e == k) {
                    continue;
                }
                entries.push((k, random_value(rng, vs, depth + 1)));
            }
            Value::Map(entries)
        }
        SchemaType::Struct => {
            let s = Arc::new(schema.clone());
            let values = s
                .fields
                .iter()
                .map(|f| random_value(rng, &f.schema, depth + 1))
                .collect();
            Value::Struct(Struct { schema: s, values })
        }
    }
}

/// A random schemaless value: mostly maps with string keys.
pub fn random_schemaless(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(16) {
        0 => Value::Null,
        1 => Value::String(random_string(rng)),
        2 => Value::Int64(*rng.pick(&[0i64, 1_700_000_000_123, -5, 1_700_000_000])),
        3 => Value::Int32(7),
        4 if depth > 0 => Value::Array((0..rng.below(3)).map(|_| random_leaf(rng)).collect()),
        _ => {
            let n = rng.below(6);
            let mut names: Vec<&str> = FIELD_NAMES.to_vec();
            let mut entries = Vec::new();
            for _ in 0..n {
                let i = rng.below(names.len());
                let k = names.remove(i);
                let v = if depth > 0 && rng.chance(20) {
                    random_schemaless(rng, depth - 1)
                } else {
                    random_leaf(rng)
                };
                entries.push((Value::String(k.to_string()), v));
            }
            if rng.chance(5) {
                entries.push((Value::Int32(1), Value::String("int key".into())));
            }
            Value::Map(entries)
        }
    }
}

fn random_leaf(rng: &mut Rng) -> Value {
    match rng.below(13) {
        0 => Value::Null,
        1 => Value::Boolean(rng.chance(50)),
        2 => Value::Int8(-3),
        3 => Value::Int16(300),
        4 => Value::Int32(*rng.pick(&[0, 123_456, -1])),
        5 => Value::Int64(*rng.pick(&[0i64, 1_700_000_000_123, 1_700_000_000, -1])),
        6 => Value::Float32(*rng.pick(&[1.25f32, f32::NAN, 0.1])),
        7 => Value::Float64(*rng.pick(&[2.5f64, 1e21, 0.1])),
        8 => Value::Bytes(Bytes::from_static(b"\x00\x01")),
        9 => Value::Decimal {
            unscaled: Bytes::from_static(&[0x04, 0xd2]),
            scale: 2,
        },
        10 => Value::Array(vec![Value::Int32(1), Value::Null]),
        _ => Value::String(random_string(rng)),
    }
}

/// A random record; `schemaless` decides whether key and value have schemas.
pub fn random_record(rng: &mut Rng, schemaless: bool) -> ConnectRecord {
    let mut r = ConnectRecord::new(*rng.pick(&[
        "orders",
        "users-1",
        "a.b",
        "x_y-z",
        "topic",
        "Orders-2024",
    ]));
    r.kafka_partition = if rng.chance(80) {
        Some(rng.below(4) as i32)
    } else {
        None
    };
    r.timestamp = if rng.chance(85) {
        Some(*rng.pick(&[
            1_700_000_000_123i64,
            0,
            -1,
            951_782_400_000,
            4_102_444_800_000,
            -12_219_292_800_001,
            86_399_999,
        ]))
    } else {
        None
    };
    if rng.chance(30) {
        // A sink record: it always has a partition.
        r.kafka_offset = Some(rng.range_i64(0, 1000));
        r.kafka_partition = Some(rng.below(4) as i32);
    }
    if schemaless {
        r.key = random_schemaless(rng, 1);
        r.value = random_schemaless(rng, 2);
    } else {
        if rng.chance(70) {
            let ks = if rng.chance(60) {
                random_struct_schema(rng, 1)
            } else {
                random_schema(rng, 1)
            };
            r.key = random_value(rng, &ks, 0);
            r.key_schema = Some(Arc::new(ks));
        }
        let vs = if rng.chance(80) {
            random_struct_schema(rng, 2)
        } else {
            random_schema(rng, 1)
        };
        r.value = if vs.optional && rng.chance(10) {
            Value::Null
        } else {
            random_value(rng, &vs, 0)
        };
        r.value_schema = Some(Arc::new(vs));
    }
    let nh = rng.below(3);
    for _ in 0..nh {
        let key = rng.pick(&["h1", "h2", "trace", "id"]).to_string();
        if rng.chance(50) {
            let s = primitive_schema(rng);
            let v = random_value(rng, &s, 0);
            r.headers.push(Header {
                key,
                schema: Some(Arc::new(s)),
                value: v,
            });
        } else {
            r.headers.push(Header {
                key,
                schema: None,
                value: Value::String(random_string(rng)),
            });
        }
    }
    r
}
