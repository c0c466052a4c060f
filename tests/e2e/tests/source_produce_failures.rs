//! How a source task handles records Kafka does not take, on a real broker:
//! - with `errors.tolerance=all`, a record too large for the producer is skipped, counted,
//!   and its offset stored (Kafka Connect tolerates a failure of the record itself);
//! - with `errors.tolerance=all`, a failure that is not about one record (here: a Kafka
//!   partition that does not exist) still fails the task, with the cause in its trace,
//!   and no offset is stored past it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

fn connector_file(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let p = dir.join(format!("{name}.properties"));
    write(&p, &format!("name={name}\n{}\n", lines.join("\n")));
    p
}

#[test]
fn a_failure_not_about_the_record_fails_the_task_even_under_tolerance_all() {
    let dir = tempfile::tempdir().unwrap();
    let (_proc, port) = test_connector();
    let topic = unique("no-partition-7");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let source = connector_file(
        dir.path(),
        "bad-partition",
        &[
            "connector.class=TestSource".into(),
            format!("connector.endpoint=127.0.0.1:{port}"),
            "records=20".into(),
            "batch.size=5".into(),
            "record.bytes=20".into(),
            // The topic has one partition.
            "kafka.partition=7".into(),
            format!("topic={topic}"),
            "errors.tolerance=all".into(),
            "errors.log.enable=true".into(),
        ],
    );
    let core = Core::start(dir.path(), &worker, &[source], rest);
    let status = core.wait_task_state("bad-partition", 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default().to_string();
    assert!(
        trace.starts_with("org.apache.kafka.connect.errors.ConnectException: "),
        "{trace}"
    );
    assert!(
        trace.to_lowercase().contains("unknown partition"),
        "the cause is in the trace: {trace}"
    );
    assert!(
        trace.contains("errors.tolerance=all covers only failures of a record itself"),
        "{trace}"
    );
    // Nothing was skipped, and no offset was stored.
    let (_, offsets) = core.get("/connectors/bad-partition/offsets");
    assert_eq!(offsets["offsets"], serde_json::json!([]), "{offsets}");
    assert!(
        !core
            .log_text()
            .contains("Error encountered in task bad-partition-0"),
        "a record was skipped:\n{}",
        core.log_text()
    );
    assert!(read_topic(&bootstrap(), &topic, 1, Duration::from_secs(2)).is_empty());
}

#[test]
fn a_record_too_large_for_the_producer_is_skipped_under_tolerance_all() {
    let dir = tempfile::tempdir().unwrap();
    let (_proc, port) = test_connector();
    let topic = unique("too-large");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let records = 50u64;
    let source = connector_file(
        dir.path(),
        "too-large",
        &[
            "connector.class=TestSource".into(),
            format!("connector.endpoint=127.0.0.1:{port}"),
            format!("records={records}"),
            "batch.size=7".into(),
            "record.bytes=20".into(),
            // Every 10th record is larger than the producer allows.
            "big.every=10".into(),
            "big.bytes=5000".into(),
            "producer.override.message.max.bytes=2000".into(),
            format!("topic={topic}"),
            "errors.tolerance=all".into(),
        ],
    );
    let core = Core::start(dir.path(), &worker, &[source], rest);
    core.wait_task_state("too-large", 0, "RUNNING", Duration::from_secs(60));
    let kept: Vec<u64> = (1..=records).filter(|n| n % 10 != 0).collect();
    let got = read_topic(&bootstrap(), &topic, kept.len(), Duration::from_secs(60));
    let numbers: Vec<u64> = got
        .iter()
        .map(|r| {
            String::from_utf8_lossy(&r.3.clone().unwrap()[..10])
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers, kept);
    // The last record (50) was too large: its offset is stored all the same.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, o) = core.get("/connectors/too-large/offsets");
        if o["offsets"][0]["offset"]["n"] == records as i64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "source offset never reached {records}: {o}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        core.metric(
            "kafka_connect_task_error_total_records_skipped",
            "connector=\"too-large\",task=\"0\""
        ),
        Some(5.0)
    );
    assert_eq!(
        core.get("/connectors/too-large/status").1["tasks"][0]["state"],
        "RUNNING"
    );
}
