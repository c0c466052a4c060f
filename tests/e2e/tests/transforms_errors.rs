//! Single message transforms, converter overrides and error handling on a real broker:
//! - a file sink with `errors.tolerance=all` sends every malformed record, with its original
//!   bytes and the `__connect.errors.*` headers, to the dead letter queue, and every good
//!   one to its file; nothing lost, nothing twice, and the offsets pass the bad records;
//! - with `errors.tolerance=none` the task fails with the cause in its status trace;
//! - a source's chain (InsertField, RegexRouter, Filter with a predicate, HoistField) shapes
//!   the bytes in the topic, and dropped records' offsets are stored;
//! - a sink-side transform with a per-connector converter override.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

const JSON: &str = "org.apache.kafka.connect.json.JsonConverter";

/// A record for the input topic: key, value, headers.
type Input = (Option<String>, Vec<u8>, Vec<(String, String)>);

fn produce(topic: &str, records: &[Input]) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        create_topic(&bootstrap(), topic, 1).await;
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .create()
            .unwrap();
        for (key, value, headers) in records {
            let mut hs = OwnedHeaders::new();
            for (k, v) in headers {
                hs = hs.insert(Header {
                    key: k,
                    value: Some(v.as_bytes()),
                });
            }
            let mut r: FutureRecord<'_, str, [u8]> = FutureRecord::to(topic)
                .payload(value.as_slice())
                .headers(hs);
            if let Some(k) = key {
                r = r.key(k.as_str());
            }
            producer
                .send(r, Duration::from_secs(10))
                .await
                .map_err(|(e, _)| e)
                .unwrap();
        }
    });
}

fn connector_file(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let p = dir.join(format!("{name}.properties"));
    write(&p, &format!("name={name}\n{}\n", lines.join("\n")));
    p
}

fn file_sink(dir: &Path, name: &str, topic: &str, output: &Path, extra: &[&str]) -> PathBuf {
    let mut lines = vec![
        "connector.class=FileStreamSink".to_string(),
        "tasks.max=1".into(),
        format!("file={}", output.display()),
        format!("topics={topic}"),
    ];
    lines.extend(extra.iter().map(|s| s.to_string()));
    connector_file(dir, name, &lines)
}

fn good(i: usize) -> Vec<u8> {
    format!(r#"{{"schema":{{"type":"string","optional":false}},"payload":"good-{i}"}}"#)
        .into_bytes()
}

/// Three kinds of malformed records, in turn: bytes that are not JSON, JSON without the
/// schema envelope, an envelope whose payload does not match its struct schema.
fn bad(i: usize) -> Vec<u8> {
    match i % 3 {
        0 => format!("{{not json {i}").into_bytes(),
        1 => format!(r#"{{"just":"a map {i}"}}"#).into_bytes(),
        _ => format!(r#"{{"schema":{{"type":"struct","fields":[{{"field":"id","type":"int32"}}]}},"payload":"oops-{i}"}}"#).into_bytes(),
    }
}

#[test]
fn tolerated_failures_go_to_the_dead_letter_queue_with_their_original_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("dlq-in");
    let dlq = unique("dlq-out");
    // 300 records; every 20th (offset 7, 27, ...) is malformed, with a key and a header.
    let total = 300;
    let is_bad = |i: usize| i % 20 == 7;
    let records: Vec<Input> = (0..total)
        .map(|i| {
            if is_bad(i) {
                (
                    Some(format!("k-{i}")),
                    bad(i),
                    vec![("origin".to_string(), format!("h-{i}"))],
                )
            } else {
                (None, good(i), vec![])
            }
        })
        .collect();
    produce(&topic, &records);
    let bad_offsets: Vec<i64> = (0..total)
        .filter(|i| is_bad(*i))
        .map(|i| i as i64)
        .collect();

    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let sink = file_sink(
        dir.path(),
        "dlq-sink",
        &topic,
        &output,
        &[
            &format!("value.converter={JSON}"),
            "value.converter.schemas.enable=true",
            "errors.tolerance=all",
            "errors.log.enable=true",
            "errors.log.include.messages=true",
            &format!("errors.deadletterqueue.topic.name={dlq}"),
            "errors.deadletterqueue.topic.replication.factor=1",
            "errors.deadletterqueue.context.headers.enable=true",
        ],
    );
    let core = Core::start(dir.path(), &worker, &[sink], rest);
    core.wait_task_state("dlq-sink", 0, "RUNNING", Duration::from_secs(60));

    let good_count = total - bad_offsets.len();
    let lines = wait_lines(&output, good_count, Duration::from_secs(60));
    let expected: Vec<String> = (0..total)
        .filter(|i| !is_bad(*i))
        .map(|i| format!("good-{i}"))
        .collect();
    let dead = read_with_headers(&dlq, bad_offsets.len(), Duration::from_secs(60));
    // The committed offset passes the last record, bad ones included.
    let deadline = Instant::now() + Duration::from_secs(30);
    let offsets = loop {
        let (_, o) = core.get("/connectors/dlq-sink/offsets");
        if o["offsets"][0]["offset"]["kafka_offset"] == total as i64 || Instant::now() > deadline {
            break o;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let log = core.log_text();
    // Kafka Connect's task-error metrics on /metrics count the same records.
    let labels = r#"connector="dlq-sink",task="0""#;
    let metric = |name: &str| core.metric(&format!("kafka_connect_task_error_{name}"), labels);
    let (dlq_requests, skipped, errors) = (
        metric("deadletterqueue_produce_requests"),
        metric("total_records_skipped"),
        metric("total_record_errors"),
    );
    drop(core);

    let bad_count = bad_offsets.len() as f64;
    assert_eq!(
        dlq_requests,
        Some(bad_count),
        "deadletterqueue-produce-requests"
    );
    assert_eq!(skipped, Some(bad_count), "total-records-skipped");
    assert_eq!(errors, Some(bad_count), "total-record-errors");
    assert_eq!(
        lines, expected,
        "every good record in the file, once, in order"
    );
    assert_eq!(
        offsets["offsets"][0]["offset"]["kafka_offset"], total as i64,
        "{offsets}"
    );
    assert_eq!(
        dead.iter()
            .map(|r| r.headers["__connect.errors.offset"].parse::<i64>().unwrap())
            .collect::<Vec<_>>(),
        bad_offsets
    );
    let offsets_seen: HashSet<i64> = dead.iter().map(|r| r.offset).collect();
    assert_eq!(
        offsets_seen.len(),
        dead.len(),
        "no record twice in the dead letter queue"
    );
    for r in &dead {
        let i: usize = r.headers["__connect.errors.offset"].parse().unwrap();
        assert_eq!(
            r.value.as_deref(),
            Some(bad(i).as_slice()),
            "the original value bytes"
        );
        assert_eq!(
            r.key.as_deref(),
            Some(format!("k-{i}").as_bytes()),
            "the original key"
        );
        assert_eq!(
            r.headers["origin"],
            format!("h-{i}"),
            "the original headers"
        );
        assert_eq!(r.headers["__connect.errors.topic"], topic);
        assert_eq!(r.headers["__connect.errors.partition"], "0");
        assert_eq!(r.headers["__connect.errors.connector.name"], "dlq-sink");
        assert_eq!(r.headers["__connect.errors.task.id"], "0");
        assert_eq!(r.headers["__connect.errors.stage"], "VALUE_CONVERTER");
        assert_eq!(r.headers["__connect.errors.class.name"], JSON);
        assert_eq!(
            r.headers["__connect.errors.exception.class.name"],
            "org.apache.kafka.connect.errors.DataException"
        );
        assert!(!r.headers["__connect.errors.exception.message"].is_empty());
        assert!(r.headers["__connect.errors.exception.stacktrace"]
            .starts_with("org.apache.kafka.connect.errors.DataException: "));
    }
    assert!(log.contains("Error encountered in task dlq-sink-0. Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is {topic="), "errors.log.enable");
}

#[test]
fn without_tolerance_the_task_fails_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("none-in");
    let records: Vec<Input> = vec![
        (None, good(0), vec![]),
        (None, good(1), vec![]),
        (None, bad(0), vec![]),
        (None, good(3), vec![]),
    ];
    produce(&topic, &records);
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let sink = file_sink(
        dir.path(),
        "strict-sink",
        &topic,
        &output,
        &[&format!("value.converter={JSON}")],
    );
    let core = Core::start(dir.path(), &worker, &[sink], rest);
    let status = core.wait_task_state("strict-sink", 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default().to_string();
    assert!(
        trace.starts_with(
            "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler"
        ),
        "{trace}"
    );
    assert!(
        trace.contains("Caused by: org.apache.kafka.connect.errors.DataException: "),
        "{trace}"
    );
    assert!(
        trace.contains("org.apache.kafka.connect.json.JsonConverter(VALUE_CONVERTER stage)"),
        "{trace}"
    );
    // Nothing after the bad record was put (the records before it, converted in the same
    // batch, may not have been either, as in Kafka Connect, which converts a whole poll
    // before its put).
    let lines = wait_lines(&output, 3, Duration::from_secs(2));
    assert!(
        lines.iter().all(|l| l == "good-0" || l == "good-1"),
        "{lines:?}"
    );
}

#[test]
fn a_source_chain_shapes_the_records_in_the_topic() {
    let dir = tempfile::tempdir().unwrap();
    let (_proc, port) = test_connector();
    let base = unique("smt");
    let records = 100;
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let source = connector_file(
        dir.path(),
        "smt-source",
        &[
            "connector.class=TestSource".into(),
            format!("connector.endpoint=127.0.0.1:{port}"),
            "mode=structured".into(),
            format!("records={records}"),
            "batch.size=30".into(),
            "skip.every=10".into(),
            format!("topic={base}-in"),
            format!("value.converter={JSON}"),
            "value.converter.schemas.enable=false".into(),
            "transforms=insert,route,drop,hoist".into(),
            "transforms.insert.type=org.apache.kafka.connect.transforms.InsertField$Value".into(),
            "transforms.insert.static.field=origin".into(),
            "transforms.insert.static.value=test".into(),
            "transforms.route.type=org.apache.kafka.connect.transforms.RegexRouter".into(),
            "transforms.route.regex=(.*)-in".into(),
            "transforms.route.replacement=$1-out".into(),
            "transforms.drop.type=org.apache.kafka.connect.transforms.Filter".into(),
            "transforms.drop.predicate=skipped".into(),
            "transforms.hoist.type=HoistField$Value".into(),
            "transforms.hoist.field=user".into(),
            "predicates=skipped".into(),
            "predicates.skipped.type=org.apache.kafka.connect.transforms.predicates.HasHeaderKey"
                .into(),
            "predicates.skipped.name=skip".into(),
        ],
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &format!("{base}-out"), 1));
    let core = Core::start(dir.path(), &worker, &[source], rest);
    core.wait_task_state("smt-source", 0, "RUNNING", Duration::from_secs(60));
    let kept: Vec<u64> = (1..=records).filter(|n| n % 10 != 0).collect();
    let got = read_with_headers(&format!("{base}-out"), kept.len(), Duration::from_secs(60));
    let values: Vec<String> = got
        .iter()
        .map(|r| String::from_utf8(r.value.clone().unwrap()).unwrap())
        .collect();
    let expected: Vec<String> = kept
        .iter()
        .map(|n| format!(r#"{{"user":{{"id":{n},"name":"user-{n}","origin":"test"}}}}"#))
        .collect();
    assert_eq!(values, expected);
    assert!(
        got.iter().all(|r| r.headers.is_empty()),
        "records with the header were filtered out"
    );
    // The offsets of filtered records are stored too: the last record (100) was filtered.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, o) = core.get("/connectors/smt-source/offsets");
        if o["offsets"][0]["offset"]["n"] == records as i64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "source offset never reached {records}: {o}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, topics) = core.get("/connectors/smt-source/topics");
    assert_eq!(
        topics["smt-source"]["topics"],
        serde_json::json!([format!("{base}-out")])
    );
}

#[test]
fn a_sink_chain_with_a_converter_override() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("sink-smt");
    let records: Vec<Input> = (0..50)
        .map(|i| {
            (
                None,
                format!(r#"{{"id":{i},"name":"n-{i}","secret":"s"}}"#).into_bytes(),
                vec![],
            )
        })
        .collect();
    produce(&topic, &records);
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let sink = file_sink(
        dir.path(),
        "smt-sink",
        &topic,
        &output,
        &[
            &format!("value.converter={JSON}"),
            "value.converter.schemas.enable=false",
            "transforms=mask,drop",
            "transforms.mask.type=MaskField$Value",
            "transforms.mask.fields=secret",
            "transforms.drop.type=org.apache.kafka.connect.transforms.ReplaceField$Value",
            "transforms.drop.exclude=id",
        ],
    );
    let core = Core::start(dir.path(), &worker, &[sink], rest);
    core.wait_task_state("smt-sink", 0, "RUNNING", Duration::from_secs(60));
    let lines = wait_lines(&output, 50, Duration::from_secs(60));
    // Schemaless maps print as Java's HashMap would: `{name=n-0, secret=}` in some order.
    assert_eq!(lines.len(), 50);
    for (i, line) in lines.iter().enumerate() {
        assert!(line.contains(&format!("name=n-{i}")), "{line}");
        assert!(
            line.contains("secret=,") || line.contains("secret=}"),
            "masked: {line}"
        );
        assert!(!line.contains("id="), "excluded: {line}");
    }
    drop(core);

    // An invalid chain is refused when the connector is created, every problem listed.
    let dir2 = tempfile::tempdir().unwrap();
    let rest2 = free_port();
    let worker2 = worker_properties(dir2.path(), rest2, "");
    let _core2 = Core::start(dir2.path(), &worker2, &[], rest2);
    let body = serde_json::json!({
        "name": "broken",
        "config": {
            "connector.class": "FileStreamSink",
            "topics": topic,
            "file": dir2.path().join("x").display().to_string(),
            "value.converter": "NoSuchConverter",
            "transforms": "a,b",
            "transforms.a.type": "NoSuchTransform",
            "transforms.b.type": "Cast$Value",
            "transforms.b.spec": "id:nonsense",
            "errors.tolerance": "most",
        }
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (code, answer) = rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{rest2}/connectors"))
            .json(&body)
            .send()
            .await
            .unwrap();
        (
            r.status().as_u16(),
            r.json::<serde_json::Value>().await.unwrap(),
        )
    });
    assert_eq!(code, 400, "{answer}");
    let msg = answer["message"].as_str().unwrap();
    assert!(msg.contains("4 error(s)"), "{msg}");
    for part in [
        "NoSuchConverter",
        "transforms.a.type",
        "Invalid type found in casting spec: nonsense",
        "errors.tolerance",
    ] {
        assert!(msg.contains(part), "{part} missing in: {msg}");
    }
}

/// A source connector that reports a record it could not make (a RECORD error naming its
/// seq): with errors.tolerance=all the record is logged, counted and skipped and the task
/// goes on; without tolerance the task fails with the connector's error as the cause.
#[test]
fn source_record_errors_follow_errors_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let (_proc, port) = test_connector();
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let records = 100u64;
    let source = |name: &str, topic: &str, tolerance: &str| {
        connector_file(
            dir.path(),
            name,
            &[
                "connector.class=TestSource".into(),
                format!("connector.endpoint=127.0.0.1:{port}"),
                format!("records={records}"),
                "batch.size=30".into(),
                "record.bytes=20".into(),
                "record.error.every=10".into(),
                format!("topic={topic}"),
                format!("errors.tolerance={tolerance}"),
                "errors.log.enable=true".into(),
            ],
        )
    };
    let (tolerant, strict) = (unique("rec-err-all"), unique("rec-err-none"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &tolerant, 1));
    rt.block_on(create_topic(&bootstrap(), &strict, 1));
    let connectors = [
        source("tolerant-source", &tolerant, "all"),
        source("strict-source", &strict, "none"),
    ];
    let core = Core::start(dir.path(), &worker, &connectors, rest);

    let status = core.wait_task_state("strict-source", 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default().to_string();
    assert!(
        trace.starts_with(
            "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler"
        ),
        "{trace}"
    );
    assert!(
        trace.contains(
            "Caused by: org.apache.kafka.connect.errors.DataException: record 10 cannot be read"
        ),
        "{trace}"
    );
    assert!(trace.contains("(TASK_POLL stage)"), "{trace}");

    // Every good record once, in order; the bad ones are skipped and counted.
    let kept: Vec<u64> = (1..=records).filter(|n| n % 10 != 0).collect();
    let got = read_topic(&bootstrap(), &tolerant, kept.len(), Duration::from_secs(60));
    let numbers: Vec<u64> = got
        .iter()
        .map(|r| {
            String::from_utf8_lossy(&r.3.clone().unwrap()[..10])
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers, kept);
    let state = core.get("/connectors/tolerant-source/status").1;
    assert_eq!(state["tasks"][0]["state"], "RUNNING", "{state}");
    let labels = "connector=\"tolerant-source\",task=\"0\"";
    let deadline = Instant::now() + Duration::from_secs(20);
    while core.metric("kafka_connect_task_error_total_records_skipped", labels) != Some(10.0)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    let text = core.get_text("/metrics").1;
    for m in [
        "total_record_errors",
        "total_record_failures",
        "total_records_skipped",
        "total_errors_logged",
    ] {
        assert_eq!(
            core.metric(&format!("kafka_connect_task_error_{m}"), labels),
            Some(10.0),
            "{m}\n{text}"
        );
    }
    // The stored offset moves past the skipped last record's predecessor: record 99.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, o) = core.get("/connectors/tolerant-source/offsets");
        if o["offsets"][0]["offset"]["n"] == 99 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "source offset never reached 99: {o}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        core.log_text().contains(
            "Error encountered in task tolerant-source-0. Executing stage 'TASK_POLL' with class"
        ),
        "errors.log.enable"
    );
}
