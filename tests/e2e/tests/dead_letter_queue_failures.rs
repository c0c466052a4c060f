//! A sink's dead letter queue that fails, on a real broker (Kafka Connect's behaviour: the
//! task fails rather than lose the records the dead letter queue should hold):
//! - a dead letter queue topic that cannot be created fails the task at start, with the
//!   cause in its trace;
//! - a dead letter queue write that Kafka refuses fails the task, with Kafka's error as the
//!   cause, and no offset is committed past the record it lost.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

const JSON: &str = "org.apache.kafka.connect.json.JsonConverter";

fn produce(topic: &str, values: &[Vec<u8>]) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        create_topic(&bootstrap(), topic, 1).await;
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .create()
            .unwrap();
        for v in values {
            let r: FutureRecord<'_, str, [u8]> = FutureRecord::to(topic).payload(v.as_slice());
            producer
                .send(r, Duration::from_secs(10))
                .await
                .map_err(|(e, _)| e)
                .unwrap();
        }
    });
}

/// A dead letter queue topic whose broker refuses records larger than 200 bytes.
fn small_records_topic(topic: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .create()
            .unwrap();
        let t = NewTopic::new(topic, 1, TopicReplication::Fixed(1)).set("max.message.bytes", "200");
        for r in admin
            .create_topics([&t], &AdminOptions::new())
            .await
            .unwrap()
        {
            r.map_err(|(name, e)| format!("cannot create {name}: {e}"))
                .unwrap();
        }
    });
}

fn good(i: usize) -> Vec<u8> {
    format!(r#"{{"schema":{{"type":"string","optional":false}},"payload":"good-{i}"}}"#)
        .into_bytes()
}

/// Not JSON, and 1000 bytes: more than the dead letter queue topic takes.
fn bad(i: usize) -> Vec<u8> {
    let mut v = format!("{{not json {i} ").into_bytes();
    v.resize(1000, b'x');
    v
}

fn sink(dir: &Path, name: &str, topic: &str, dlq: &str, output: &Path, extra: &[&str]) -> PathBuf {
    let p = dir.join(format!("{name}.properties"));
    let mut lines = vec![
        format!("name={name}"),
        "connector.class=FileStreamSink".into(),
        "tasks.max=1".into(),
        format!("file={}", output.display()),
        format!("topics={topic}"),
        format!("value.converter={JSON}"),
        "value.converter.schemas.enable=true".into(),
        "errors.tolerance=all".into(),
        format!("errors.deadletterqueue.topic.name={dlq}"),
    ];
    lines.extend(extra.iter().map(|s| s.to_string()));
    write(&p, &(lines.join("\n") + "\n"));
    p
}

#[test]
fn a_dead_letter_queue_topic_that_cannot_be_created_fails_the_task_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("dlq-create-in");
    let dlq = unique("dlq-create-out");
    produce(&topic, &[good(0)]);
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    // Three replicas on a one-broker cluster (3 is Kafka Connect's default).
    let conn = sink(
        dir.path(),
        "dlq-create",
        &topic,
        &dlq,
        &output,
        &["errors.deadletterqueue.topic.replication.factor=3"],
    );
    let core = Core::start(dir.path(), &worker, &[conn], rest);
    let status = core.wait_task_state("dlq-create", 0, "FAILED", Duration::from_secs(90));
    let trace = status["trace"].as_str().unwrap_or_default();
    assert!(
        trace.starts_with(&format!(
            "Could not initialize dead letter queue with topic={dlq}: "
        )),
        "{trace}"
    );
    assert!(
        trace.to_lowercase().contains("replication"),
        "the cause is in the trace: {trace}"
    );
    assert!(
        wait_lines(&output, 1, Duration::from_secs(2)).is_empty(),
        "nothing was put"
    );
}

#[test]
fn a_dead_letter_queue_write_kafka_refuses_fails_the_task() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("dlq-write-in");
    let dlq = unique("dlq-write-out");
    small_records_topic(&dlq);
    // One bad record among good ones: it is sent to the dead letter queue, which refuses it.
    produce(
        &topic,
        &(0..10)
            .map(|i| if i == 4 { bad(i) } else { good(i) })
            .collect::<Vec<_>>(),
    );
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let conn = sink(dir.path(), "dlq-write", &topic, &dlq, &output, &[]);
    let core = Core::start(dir.path(), &worker, &[conn], rest);
    core.wait_task_state("dlq-write", 0, "RUNNING", Duration::from_secs(60));
    // The next bad record finds the dead letter queue broken (if the commit before it did not).
    wait_lines(&output, 9, Duration::from_secs(30));
    std::thread::sleep(Duration::from_secs(1));
    produce(&topic, &[bad(10), good(11)]);
    let status = core.wait_task_state("dlq-write", 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default();
    assert!(
        trace.starts_with(&format!("org.apache.kafka.connect.errors.ConnectException: Could not produce message to dead letter queue. topic={dlq}\nCaused by: org.apache.kafka.common.KafkaException: ")),
        "{trace}"
    );
    assert!(
        trace.contains("MessageSizeTooLarge"),
        "Kafka's error is the cause: {trace}"
    );
    assert!(core.log_text().contains(&format!(
        "Could not produce message to dead letter queue. topic={dlq}"
    )));
}

/// The sink runner fails the task when `ErrorHandler::flush` returns `Err`, before it
/// commits: no offset passes a record the dead letter queue lost.
#[test]
fn no_offset_is_committed_past_a_record_the_dead_letter_queue_lost() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("dlq-commit-in");
    let dlq = unique("dlq-commit-out");
    small_records_topic(&dlq);
    produce(
        &topic,
        &(0..20)
            .map(|i| if i == 5 { bad(i) } else { good(i) })
            .collect::<Vec<_>>(),
    );
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    // Its own consumer group (connect-<name>): nothing committed by an earlier run shows.
    let name = unique("dlq-commit");
    let conn = sink(dir.path(), &name, &topic, &dlq, &output, &[]);
    let core = Core::start(dir.path(), &worker, &[conn], rest);
    let status = core.wait_task_state(&name, 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default();
    assert!(
        trace.contains(&format!(
            "Could not produce message to dead letter queue. topic={dlq}"
        )),
        "{trace}"
    );
    // The committed offset, if any, does not pass the lost record (offset 5).
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        let (_, o) = core.get(&format!("/connectors/{name}/offsets"));
        for entry in o["offsets"].as_array().into_iter().flatten() {
            assert_eq!(
                entry["partition"]["kafka_topic"],
                topic.as_str(),
                "only this test's topic: {o}"
            );
            let committed = entry["offset"]["kafka_offset"].as_i64().unwrap_or(-1);
            assert!(
                committed <= 5,
                "an offset past the lost record was committed: {o}"
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
