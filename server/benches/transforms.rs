//! Per-record cost of a chain of five typical single message transforms on a schema'd
//! struct value: InsertField, ReplaceField, Cast, TimestampConverter and RegexRouter.
//! `cargo bench -p polyconnect --bench transforms` (or `make bench-transforms`).

use std::collections::BTreeMap;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use polyconnect::data::{Schema, SchemaType, Struct, Value};
use polyconnect::transforms::{ConnectRecord, TransformChain};

fn chain() -> TransformChain {
    let props: BTreeMap<String, String> = [
        ("transforms", "insert,rename,cast,ts,route"),
        (
            "transforms.insert.type",
            "org.apache.kafka.connect.transforms.InsertField$Value",
        ),
        ("transforms.insert.static.field", "origin"),
        ("transforms.insert.static.value", "bench"),
        (
            "transforms.rename.type",
            "org.apache.kafka.connect.transforms.ReplaceField$Value",
        ),
        ("transforms.rename.renames", "name:full_name"),
        ("transforms.rename.exclude", "internal"),
        (
            "transforms.cast.type",
            "org.apache.kafka.connect.transforms.Cast$Value",
        ),
        ("transforms.cast.spec", "id:string,score:float64"),
        (
            "transforms.ts.type",
            "org.apache.kafka.connect.transforms.TimestampConverter$Value",
        ),
        ("transforms.ts.field", "created"),
        ("transforms.ts.target.type", "string"),
        ("transforms.ts.format", "yyyy-MM-dd'T'HH:mm:ss.SSS"),
        (
            "transforms.route.type",
            "org.apache.kafka.connect.transforms.RegexRouter",
        ),
        ("transforms.route.regex", "orders-(.*)"),
        ("transforms.route.replacement", "processed-$1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    TransformChain::from_connector_config(&props).expect("a valid chain")
}

fn records(n: usize) -> Vec<ConnectRecord> {
    let schema = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("order")
            .field("id", Schema::new(SchemaType::Int64))
            .field("name", Schema::new(SchemaType::String))
            .field("score", Schema::new(SchemaType::Int32))
            .field("created", Schema::timestamp())
            .field("internal", Schema::new(SchemaType::String).optional()),
    );
    (0..n)
        .map(|i| {
            let mut r = ConnectRecord::new("orders-eu");
            r.kafka_partition = Some(0);
            r.timestamp = Some(1_700_000_000_000 + i as i64);
            r.value_schema = Some(schema.clone());
            r.value = Value::Struct(
                Struct::new(schema.clone())
                    .put("id", Value::Int64(i as i64))
                    .put("name", Value::String(format!("customer-{i}")))
                    .put("score", Value::Int32(i as i32 % 100))
                    .put("created", Value::Int64(1_700_000_000_000 + i as i64 * 1000))
                    .put("internal", Value::Null),
            );
            r
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let chain = chain();
    // The chain's schema caches are warm after the first record, as in a running task.
    let batch = records(1000);
    for r in &batch {
        chain.apply(r.clone()).unwrap().unwrap();
    }
    let mut g = c.benchmark_group("smt_chain");
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function("five_transforms_schema_struct_x1000", |b| {
        b.iter_batched(
            || batch.clone(),
            |input| {
                for r in input {
                    let out = chain.apply(r).unwrap();
                    std::hint::black_box(out);
                }
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
