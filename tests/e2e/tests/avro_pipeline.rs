//! Avro end to end on the real broker and the real Schema Registry (`scripts/registry.sh`;
//! `make test` starts it): DataGen's users (structs with a Decimal and a Timestamp) written
//! by the AvroConverter, key and value, into Kafka; Confluent's own deserializer reads them
//! there; a FileStreamSink reads them back through the AvroConverter and a chain of SMTs
//! (InsertField, ReplaceField, Cast) and writes every record once: none missing, duplicates
//! counted.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

#[test]
fn datagen_to_avro_to_a_sink_through_transforms() {
    let url = schema_registry();
    let bootstrap = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("avro-pipeline");
    let total = 2000usize;
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let output = dir.path().join("out.txt");
    let avro = |role: &str| {
        format!(
            "{role}.converter=io.confluent.connect.avro.AvroConverter\n{role}.converter.schema.registry.url={url}\n"
        )
    };
    let source = dir.path().join("datagen.properties");
    write(
        &source,
        &format!(
            "name=avro-datagen\nconnector.class=DataGen\ntopic={topic}\nschema=users\nkey.field=userid\n\
             seed=7\nrecords={total}\nrate=1000\nbatch.size=100\n{}{}",
            avro("key"),
            avro("value")
        ),
    );
    let sink = dir.path().join("sink.properties");
    write(
        &sink,
        &format!(
            "name=avro-sink\nconnector.class=FileStreamSink\ntopics={topic}\nfile={}\n{}{}\
             transforms=origin,keep,widen\n\
             transforms.origin.type=org.apache.kafka.connect.transforms.InsertField$Value\n\
             transforms.origin.static.field=pipeline\ntransforms.origin.static.value=avro\n\
             transforms.keep.type=org.apache.kafka.connect.transforms.ReplaceField$Value\n\
             transforms.keep.include=id,pipeline,age,balance\n\
             transforms.widen.type=org.apache.kafka.connect.transforms.Cast$Value\n\
             transforms.widen.spec=age:int64\n",
            output.display(),
            avro("key"),
            avro("value")
        ),
    );
    let started = Instant::now();
    let mut core = Core::start(dir.path(), &worker, &[source, sink], rest);
    core.wait_task_state("avro-datagen", 0, "RUNNING", Duration::from_secs(60));
    core.wait_task_state("avro-sink", 0, "RUNNING", Duration::from_secs(60));

    // Every record reaches the sink's file, through the transforms.
    let deadline = Instant::now() + Duration::from_secs(120);
    // Struct{id=5,age=41,balance=1234.56,pipeline=avro}: the id of a well-formed line.
    let parse = |line: &str| -> Option<i64> {
        let body = line.strip_prefix("Struct{")?.strip_suffix('}')?;
        let kv: Vec<(&str, &str)> = body.split(',').map(|p| p.split_once('=')).collect::<Option<_>>()?;
        let keys: Vec<&str> = kv.iter().map(|(k, _)| *k).collect();
        if keys != ["id", "age", "balance", "pipeline"] || kv[3].1 != "avro" {
            return None;
        }
        kv[1].1.parse::<i64>().ok()?;
        let (_, cents) = kv[2].1.split_once('.')?;
        (cents.len() == 2).then_some(())?;
        kv[0].1.parse().ok()
    };
    let (ids, bad) = loop {
        let text = std::fs::read_to_string(&output).unwrap_or_default();
        let mut ids: BTreeMap<i64, usize> = BTreeMap::new();
        let mut bad = Vec::new();
        for line in text.lines() {
            match parse(line) {
                Some(id) => *ids.entry(id).or_insert(0) += 1,
                None => bad.push(line.to_string()),
            }
        }
        if ids.len() >= total || Instant::now() > deadline {
            break (ids, bad);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let elapsed = started.elapsed();
    assert!(bad.is_empty(), "lines not as expected: {:?}\n{}", &bad[..bad.len().min(5)], core.log_text());
    let missing: Vec<i64> = (0..total as i64).filter(|i| !ids.contains_key(i)).collect();
    assert!(missing.is_empty(), "{} records missing, first {:?}\n{}", missing.len(), &missing[..missing.len().min(10)], core.log_text());
    let duplicates: usize = ids.values().map(|n| n - 1).sum();
    println!("avro pipeline: {total} records through DataGen -> AvroConverter -> Kafka -> AvroConverter -> 3 SMTs -> FileStreamSink in {elapsed:?}, 0 missing, {duplicates} duplicates");

    // In Kafka: Confluent's wire format, read by Confluent's own deserializer, keys and values.
    let records = read_topic(&bootstrap, &topic, 5, Duration::from_secs(5));
    let values: Vec<Vec<u8>> = records.iter().take(5).map(|r| r.3.clone().unwrap()).collect();
    let keys: Vec<Vec<u8>> = records.iter().take(5).map(|r| r.2.clone().unwrap()).collect();
    assert!(values.iter().all(|v| v[0] == 0), "magic byte");
    let decoded = confluent_avro_decode(&topic, &values, false);
    for d in &decoded {
        assert!(d.get("error").is_none(), "{d}");
        let v = &d["value"];
        assert!(v["balance"]["$decimal"].is_string(), "{v}");
        assert!(v["registertime"]["$timestamp_ms"].is_i64(), "{v}");
        assert!(v["userid"].is_string(), "{v}");
    }
    let decoded_keys = confluent_avro_decode(&topic, &keys, true);
    for (k, d) in decoded_keys.iter().zip(&decoded) {
        assert_eq!(k["value"], d["value"]["userid"], "the key is the userid");
    }
    core.stop();
}

#[test]
fn a_registry_out_of_reach_is_retried_then_shows_in_the_task_status() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("avro-outage");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    // Nothing listens there.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let source = dir.path().join("datagen.properties");
    write(
        &source,
        &format!(
            "name=avro-outage\nconnector.class=DataGen\ntopic={topic}\nschema=users\n\
             records=10\nrate=100\n\
             value.converter=io.confluent.connect.avro.AvroConverter\n\
             value.converter.schema.registry.url={dead}\n\
             value.converter.max.retries=1\nvalue.converter.retries.wait.ms=100\n\
             errors.retry.timeout=3000\nerrors.retry.delay.max.ms=500\n"
        ),
    );
    let started = Instant::now();
    let mut core = Core::start(dir.path(), &worker, &[source], rest);
    let status = core.wait_task_state("avro-outage", 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default();
    assert!(
        trace.contains("schema registry is unavailable") && trace.contains(&dead),
        "{status}"
    );
    // Retried within errors.retry.timeout before failing.
    assert!(started.elapsed() >= Duration::from_secs(3), "failed after {:?}", started.elapsed());
    println!("status after the outage: {}", &trace[..trace.len().min(400)]);
    core.stop();
}
