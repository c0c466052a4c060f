//! Kafka Connect's SinkTaskContext through the core, from a real Python connector
//! (`tests/e2e/connectors/context-sink`) on a real broker: `offset(...)` rewinds (the
//! records after the rewind point are delivered again, none lost), `requestCommit()`
//! commits long before `offset.flush.interval.ms`, and `pause`/`resume` of one partition
//! holds back only that partition.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};

fn produce(topic: &str, partition: i32, from: usize, count: usize) {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .create()
        .unwrap();
    for i in from..from + count {
        let v = format!("v{i}");
        producer
            .send(
                BaseRecord::<(), str>::to(topic)
                    .partition(partition)
                    .payload(&v),
            )
            .map_err(|(e, _)| e)
            .unwrap();
    }
    producer.flush(Duration::from_secs(30)).unwrap();
}

fn sink_config(
    dir: &Path,
    name: &str,
    topic: &str,
    output: &Path,
    extra: serde_json::Value,
) -> PathBuf {
    let mut config = serde_json::json!({
        "connector.class": "ContextSink",
        "tasks.max": "1",
        "file": output.display().to_string(),
        "topics": topic,
    });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    let p = dir.join(format!("{name}.json"));
    write(
        &p,
        &serde_json::json!({"name": name, "config": config}).to_string(),
    );
    p
}

fn worker(dir: &Path, port: u16, flush_ms: u64) -> PathBuf {
    worker_properties(
        dir,
        port,
        &format!(
            "offset.flush.interval.ms={flush_ms}\nplugin.path={},{}\n",
            repo_root().join("tests/e2e/connectors").display(),
            repo_root().join("connectors").display()
        ),
    )
}

/// (partition, offset) -> how many times the record was written; plus the other lines.
fn read_output(path: &Path) -> (HashMap<(i32, i64), usize>, Vec<String>) {
    let mut seen = HashMap::new();
    let mut other = Vec::new();
    for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        match (
            parts.first().and_then(|p| p.parse::<i32>().ok()),
            parts.get(1).and_then(|o| o.parse::<i64>().ok()),
        ) {
            (Some(p), Some(o)) => *seen.entry((p, o)).or_insert(0) += 1,
            _ => other.push(line.to_string()),
        }
    }
    (seen, other)
}

fn committed(group: &str, topic: &str, partitions: i32) -> Vec<i64> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .set("group.id", group)
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let c = consumer
        .committed_offsets(tpl, Duration::from_secs(10))
        .unwrap();
    (0..partitions)
        .map(|p| match c.find_partition(topic, p).map(|e| e.offset()) {
            Some(Offset::Offset(o)) => o,
            _ => -1,
        })
        .collect()
}

#[test]
fn offset_rewinds_and_request_commit_commits_at_once() {
    const N: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.txt");
    let topic = unique("ctx-rewind");
    let name = unique("ctx-rewind-sink");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(create_topic(&bootstrap(), &topic, 1));
    produce(&topic, 0, 0, N);
    let port = free_port();
    // Commits come only from requestCommit: the flush interval is far longer than the test.
    let w = worker(dir.path(), port, 600_000);
    let sink = sink_config(
        dir.path(),
        &name,
        &topic,
        &output,
        serde_json::json!({"rewind.at": "500", "rewind.to": "100", "request.commit": "true"}),
    );
    let core = Core::start(dir.path(), &w, &[sink], port);
    core.wait_task_state(&name, 0, "RUNNING", Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut commit = vec![-1];
    while Instant::now() < deadline {
        commit = committed(&format!("connect-{name}"), &topic, 1);
        if commit[0] == N as i64 {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let (seen, _) = read_output(&output);
    let missing = (0..N as i64)
        .filter(|o| !seen.contains_key(&(0, *o)))
        .count();
    let twice = (100..=500)
        .filter(|o| seen.get(&(0, *o)).copied().unwrap_or(0) >= 2)
        .count();
    let duplicated: usize = seen.values().map(|n| n - 1).sum();
    println!("scenario=context-rewind in={N} out={} missing={missing} duplicated={duplicated} rewound={twice} committed={}", seen.values().sum::<usize>(), commit[0]);
    assert_eq!(missing, 0, "records lost");
    assert_eq!(
        twice, 401,
        "offsets 100..=500 are delivered again after the rewind to 100"
    );
    assert_eq!(
        commit[0],
        N as i64,
        "requestCommit commits without waiting for offset.flush.interval.ms; core log:\n{}",
        core.log_text()
    );
}

#[test]
fn a_paused_partition_is_held_back_until_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.txt");
    let topic = unique("ctx-pause");
    let name = unique("ctx-pause-sink");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(create_topic(&bootstrap(), &topic, 2));
    produce(&topic, 0, 0, 100);
    let port = free_port();
    let w = worker(dir.path(), port, 500);
    let sink = sink_config(
        dir.path(),
        &name,
        &topic,
        &output,
        serde_json::json!({"pause.partition": "1", "pause.ms": "5000"}),
    );
    let core = Core::start(dir.path(), &w, &[sink], port);
    core.wait_task_state(&name, 0, "RUNNING", Duration::from_secs(60));
    // The first put (partition 0 only) pauses partition 1.
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline
        && !std::fs::read_to_string(&output)
            .unwrap_or_default()
            .contains("paused")
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    produce(&topic, 1, 0, 100);
    produce(&topic, 0, 100, 100);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (seen, _) = read_output(&output);
        if seen.len() >= 300 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // Order in the file: while paused, partition 0's second hundred arrives and nothing of
    // partition 1; after `resumed`, partition 1.
    let text = std::fs::read_to_string(&output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let resumed_at = lines
        .iter()
        .position(|l| l.starts_with("resumed"))
        .expect("a resumed line");
    let p1_before = lines[..resumed_at]
        .iter()
        .filter(|l| l.starts_with("1 "))
        .count();
    let p0_second_before = lines[..resumed_at]
        .iter()
        .filter(|l| {
            l.starts_with("0 ")
                && l.split(' ')
                    .nth(1)
                    .and_then(|o| o.parse::<i64>().ok())
                    .is_some_and(|o| o >= 100)
        })
        .count();
    let (seen, _) = read_output(&output);
    let missing = (0..200).filter(|o| !seen.contains_key(&(0, *o))).count()
        + (0..100).filter(|o| !seen.contains_key(&(1, *o))).count();
    println!("scenario=context-pause in=300 out={} missing={missing} p1_before_resume={p1_before} p0_while_paused={p0_second_before}", seen.values().sum::<usize>());
    assert_eq!(missing, 0, "records lost");
    assert_eq!(
        p1_before, 0,
        "nothing of the paused partition before it is resumed"
    );
    assert_eq!(
        p0_second_before, 100,
        "the other partition flows while one is paused"
    );
}

#[test]
fn an_errant_record_reported_after_its_flush_still_reaches_the_dead_letter_queue() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.txt");
    let topic = unique("ctx-late-errant");
    let dlq = unique("ctx-late-errant-dlq");
    let name = unique("ctx-late-errant-sink");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(create_topic(&bootstrap(), &topic, 1));
    produce(&topic, 0, 0, 10);
    let port = free_port();
    let w = worker(dir.path(), port, 200);
    let sink = sink_config(
        dir.path(),
        &name,
        &topic,
        &output,
        serde_json::json!({
            "errant.late.ms": "2000",
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": dlq,
            "errors.deadletterqueue.topic.replication.factor": "1",
            "errors.deadletterqueue.context.headers.enable": "true",
        }),
    );
    let core = Core::start(dir.path(), &w, &[sink], port);
    core.wait_task_state(&name, 0, "RUNNING", Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && read_output(&output).0.len() < 10 {
        std::thread::sleep(Duration::from_millis(100));
    }
    // Flushes (every 200 ms) cover the first records long before the late report.
    std::thread::sleep(Duration::from_millis(2500));
    produce(&topic, 0, 10, 10);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline
        && !std::fs::read_to_string(&output)
            .unwrap_or_default()
            .contains("errant")
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    let read = read_with_headers(&dlq, 1, Duration::from_secs(30));
    println!("scenario=late-errant dlq_records={}", read.len());
    assert_eq!(
        read.len(),
        1,
        "the late errant record is in the dead letter queue once\n{}",
        core.log_text()
    );
    assert_eq!(
        read[0].value.as_deref(),
        Some(&b"v0"[..]),
        "with its original bytes"
    );
    assert_eq!(
        read[0]
            .headers
            .get("__connect.errors.topic")
            .map(String::as_str),
        Some(topic.as_str())
    );
    assert_eq!(
        read[0]
            .headers
            .get("__connect.errors.offset")
            .map(String::as_str),
        Some("0")
    );
    assert_eq!(
        core.get(&format!("/connectors/{name}/tasks/0/status")).1["state"],
        "RUNNING"
    );
}
