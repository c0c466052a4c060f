//! Avro end to end on the real broker and the real Schema Registry (`scripts/registry.sh`;
//! `make test` starts it): DataGen's users (structs with a Decimal and a Timestamp) written
//! by the AvroConverter, key and value, into Kafka; Confluent's own deserializer reads them
//! there; a FileStreamSink reads them back through the AvroConverter and a chain of SMTs
//! (InsertField, ReplaceField, Cast) and writes every record once: none missing, duplicates
//! counted.

use std::time::{Duration, Instant};

use polyconnect_e2e::*;

#[test]
fn datagen_to_avro_to_a_sink_through_transforms() {
    let RegistryPipeline {
        topic,
        keys,
        values,
    } = registry_pipeline("io.confluent.connect.avro.AvroConverter", "avro");
    // In Kafka: Confluent's wire format, read by Confluent's own deserializer, keys and values.
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
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "failed after {:?}",
        started.elapsed()
    );
    println!(
        "status after the outage: {}",
        &trace[..trace.len().min(400)]
    );
    core.stop();
}

/// Records the AvroConverter cannot read (not Confluent's wire format, an id the registry
/// does not know) are record errors: under `errors.tolerance=all` they go to the dead letter
/// queue with the converter's class and DataException in their headers, and the records
/// around them reach the sink.
#[test]
fn unreadable_avro_records_go_to_the_dead_letter_queue() {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    use rdkafka::ClientConfig;
    let url = schema_registry();
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("avro-dlq");
    let dlq = format!("{topic}-dlq");
    let schema =
        r#"{"type":"record","name":"N","namespace":"dlq","fields":[{"name":"n","type":"int"}]}"#;
    let good = confluent_avro_encode(
        &topic,
        schema,
        &[
            serde_json::json!({"n": 0}),
            serde_json::json!({"n": 1}),
            serde_json::json!({"n": 2}),
        ],
    );
    let unknown_id = vec![0u8, 0x7f, 0xff, 0xff, 0xf0, 0x02];
    let values: Vec<Vec<u8>> = vec![
        good[0].clone(),
        b"not avro at all".to_vec(),
        good[1].clone(),
        unknown_id,
        good[2].clone(),
    ];
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .create()
        .unwrap();
    for v in &values {
        producer
            .send(BaseRecord::<(), Vec<u8>>::to(&topic).payload(v))
            .map_err(|(e, _)| e)
            .unwrap();
    }
    producer.flush(Duration::from_secs(30)).unwrap();

    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let output = dir.path().join("out.txt");
    let sink = dir.path().join("sink.properties");
    write(
        &sink,
        &format!(
            "name=avro-dlq-sink\nconnector.class=FileStreamSink\ntopics={topic}\nfile={}\n\
             value.converter=io.confluent.connect.avro.AvroConverter\nvalue.converter.schema.registry.url={url}\n\
             errors.tolerance=all\nerrors.deadletterqueue.topic.name={dlq}\n\
             errors.deadletterqueue.topic.replication.factor=1\nerrors.deadletterqueue.context.headers.enable=true\n",
            output.display()
        ),
    );
    let mut core = Core::start(dir.path(), &worker, &[sink], rest);
    let lines = wait_lines(&output, 3, Duration::from_secs(60));
    assert_eq!(
        lines,
        vec!["Struct{n=0}", "Struct{n=1}", "Struct{n=2}"],
        "{}",
        core.log_text()
    );
    let dead = read_with_headers(&dlq, 2, Duration::from_secs(30));
    assert_eq!(dead.len(), 2, "{}", core.log_text());
    assert_eq!(dead[0].value.as_deref(), Some(&b"not avro at all"[..]));
    assert_eq!(dead[1].value.as_deref(), Some(&values[3][..]));
    for d in &dead {
        assert_eq!(
            d.headers
                .get("__connect.errors.exception.class.name")
                .map(String::as_str),
            Some("org.apache.kafka.connect.errors.DataException"),
            "{:?}",
            d.headers
        );
        assert_eq!(
            d.headers
                .get("__connect.errors.class.name")
                .map(String::as_str),
            Some("io.confluent.connect.avro.AvroConverter")
        );
    }
    println!(
        "dead letters: {:?}",
        dead.iter()
            .map(|d| d.headers.get("__connect.errors.exception.message").cloned())
            .collect::<Vec<_>>()
    );
    core.stop();
}
