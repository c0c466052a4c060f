//! Per-record cost of the AvroConverter, the JsonSchemaConverter and the ProtobufConverter
//! beside JsonConverter
//! (with and without schemas):
//! serializing and deserializing a struct with a Decimal, a Timestamp, an optional string
//! and an array. The registry-backed converters talk to a small stand-in for the registry in this
//! process; after the first record its caches answer, so the figures are the hot path.
//! `cargo bench -p polyconnect --bench converters` (or `make bench-converters`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polyconnect::converter::{Converter, ConverterFactory};
use polyconnect::data::{Schema, SchemaAndValue, SchemaType, Struct, Value};
use serde_json::json;

type Schemas = Arc<Mutex<Vec<String>>>;

/// Confluent's registry API, the three calls the converter makes, in memory.
fn registry() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let schemas: Schemas = Arc::default();
            let id_of = |s: &Schemas, text: &str| {
                let mut v = s.lock().unwrap();
                match v.iter().position(|x| x == text) {
                    Some(i) => i + 1,
                    None => {
                        v.push(text.to_string());
                        v.len()
                    }
                }
            };
            let app = Router::new()
                .route(
                    "/subjects/{subject}/versions",
                    post(move |State(s): State<Schemas>, Json(b): Json<serde_json::Value>| async move {
                        Json(json!({"id": id_of(&s, b["schema"].as_str().unwrap_or_default())}))
                    }),
                )
                .route(
                    "/subjects/{subject}",
                    post(move |State(s): State<Schemas>, Path(_s): Path<String>, Json(b): Json<serde_json::Value>| async move {
                        Json(json!({"id": id_of(&s, b["schema"].as_str().unwrap_or_default()), "version": 1}))
                    }),
                )
                .route(
                    "/schemas/ids/{id}",
                    get(|State(s): State<Schemas>, Path(id): Path<usize>| async move {
                        Json(json!({"schema": s.lock().unwrap()[id - 1]}))
                    }),
                )
                .with_state(schemas);
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    format!("http://{addr}")
}

fn record() -> SchemaAndValue {
    let schema = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("io.polyconnect.bench.User")
            .field("id", Schema::new(SchemaType::Int64))
            .field("userid", Schema::new(SchemaType::String))
            .field("name", Schema::new(SchemaType::String))
            .field("regionid", Schema::new(SchemaType::String).optional())
            .field("age", Schema::new(SchemaType::Int32))
            .field("balance", Schema::decimal(2))
            .field("registertime", Schema::timestamp())
            .field("tags", Schema::array(Schema::new(SchemaType::String))),
    );
    let value = Value::Struct(Struct {
        schema: schema.clone(),
        values: vec![
            Value::Int64(123_456),
            Value::String("User_42".into()),
            Value::String("Ada Lovelace".into()),
            Value::Null,
            Value::Int32(36),
            Value::Bytes(Bytes::from_static(&[0x01, 0xe2, 0x40])),
            Value::Int64(1_700_000_000_123),
            Value::Array(vec![Value::String("a".into()), Value::String("b".into())]),
        ],
    });
    SchemaAndValue::new(Some(schema), value)
}

fn converter(class: &str, settings: &[(&str, &str)]) -> Box<dyn Converter> {
    let s: BTreeMap<String, String> = settings
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ConverterFactory::create(class, &s, false).unwrap()
}

fn bench(c: &mut Criterion) {
    let url = registry();
    let cases: Vec<(&str, Box<dyn Converter>)> = vec![
        (
            "avro",
            converter(
                "io.confluent.connect.avro.AvroConverter",
                &[("schema.registry.url", &url)],
            ),
        ),
        (
            "json-schema-registry",
            converter(
                "io.confluent.connect.json.JsonSchemaConverter",
                &[("schema.registry.url", &url)],
            ),
        ),
        (
            "protobuf",
            converter(
                "io.confluent.connect.protobuf.ProtobufConverter",
                &[("schema.registry.url", &url)],
            ),
        ),
        (
            "json-schemas",
            converter("org.apache.kafka.connect.json.JsonConverter", &[]),
        ),
        (
            "json-plain",
            converter(
                "org.apache.kafka.connect.json.JsonConverter",
                &[("schemas.enable", "false")],
            ),
        ),
    ];
    let rec = record();
    let mut g = c.benchmark_group("converter");
    g.throughput(Throughput::Elements(1));
    for (name, conv) in &cases {
        let bytes = conv.from_connect("bench", rec.clone()).unwrap().unwrap();
        println!("{name}: {} bytes per record", bytes.len());
        g.bench_function(format!("{name}/serialize"), |b| {
            b.iter(|| conv.from_connect("bench", rec.clone()).unwrap())
        });
        if *name != "json-plain" {
            g.bench_function(format!("{name}/deserialize"), |b| {
                b.iter(|| conv.to_connect("bench", Some(&bytes)).unwrap())
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
