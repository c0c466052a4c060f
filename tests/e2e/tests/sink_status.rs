//! A sink task's status tells the truth: a topic of its `topics` list that never appears
//! fails the task with the cause in its trace (after
//! `polyconnect.sink.topic.missing.timeout.ms`), while one that appears in time is simply
//! consumed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

fn sink(dir: &Path, name: &str, topic: &str, output: &Path) -> PathBuf {
    let p = dir.join(format!("{name}.json"));
    write(
        &p,
        &serde_json::json!({
            "name": name,
            "config": {
                "connector.class": "FileStreamSink",
                "tasks.max": "1",
                "file": output.display().to_string(),
                "topics": topic,
            }
        })
        .to_string(),
    );
    p
}

#[test]
fn a_topic_that_never_appears_fails_the_task_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("never-created");
    let name = unique("missing-topic-sink");
    let port = free_port();
    let w = worker_properties(
        dir.path(),
        port,
        "polyconnect.sink.topic.missing.timeout.ms=3000\n",
    );
    let s = sink(dir.path(), &name, &topic, &dir.path().join("out.txt"));
    let core = Core::start(dir.path(), &w, &[s], port);
    let status = core.wait_task_state(&name, 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default();
    assert!(
        trace.contains(&topic) && trace.contains("does not exist"),
        "the cause names the topic: {trace}"
    );
}

#[test]
fn a_topic_created_after_the_sink_started_is_consumed() {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("created-late");
    let name = unique("late-topic-sink");
    let output = dir.path().join("out.txt");
    let port = free_port();
    let w = worker_properties(
        dir.path(),
        port,
        "polyconnect.sink.topic.missing.timeout.ms=8000\n",
    );
    let s = sink(dir.path(), &name, &topic, &output);
    let core = Core::start(dir.path(), &w, &[s], port);
    core.wait_task_state(&name, 0, "RUNNING", Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(2));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let producer: rdkafka::producer::ThreadedProducer<rdkafka::producer::DefaultProducerContext> =
        rdkafka::ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .create()
            .unwrap();
    for i in 0..10 {
        let v = format!("late-{i}");
        producer
            .send(rdkafka::producer::BaseRecord::<(), str>::to(&topic).payload(&v))
            .map_err(|(e, _)| e)
            .unwrap();
    }
    rdkafka::producer::Producer::flush(&producer, Duration::from_secs(10)).unwrap();
    let lines = wait_lines(&output, 10, Duration::from_secs(60));
    assert_eq!(lines.len(), 10, "every record of the late topic arrives");
    // Past the timeout, the task still runs: the topic exists now.
    let until = Instant::now() + Duration::from_secs(8);
    while Instant::now() < until {
        std::thread::sleep(Duration::from_secs(2));
    }
    assert_eq!(
        core.get(&format!("/connectors/{name}/tasks/0/status")).1["state"],
        "RUNNING"
    );
}

/// The committed offset of the connector's only partition, from the REST API (None: none).
fn committed(core: &Core, name: &str) -> Option<i64> {
    let (_, o) = core.get(&format!("/connectors/{name}/offsets"));
    o["offsets"].as_array()?.first()?["offset"]["kafka_offset"].as_i64()
}

/// A `Flushed` that answers a flush id the core is not waiting for is ignored: nothing is
/// committed from it (beside it, a sink answering correctly commits everything).
#[test]
fn a_flushed_answer_for_another_flush_is_ignored() {
    let (_connector, connector_port) = test_connector();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut configs = Vec::new();
    let mut names = Vec::new();
    for mode in ["ok", "wrong-flush-id"] {
        let topic = unique(&format!("flushed-{mode}"));
        let name = unique(&format!("flushed-{mode}-sink"));
        rt.block_on(create_topic(&bootstrap(), &topic, 1));
        let producer: rdkafka::producer::ThreadedProducer<
            rdkafka::producer::DefaultProducerContext,
        > = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .create()
            .unwrap();
        for i in 0..100 {
            let v = format!("r{i}");
            producer
                .send(rdkafka::producer::BaseRecord::<(), str>::to(&topic).payload(&v))
                .map_err(|(e, _)| e)
                .unwrap();
        }
        rdkafka::producer::Producer::flush(&producer, Duration::from_secs(10)).unwrap();
        let p = dir.path().join(format!("{mode}.properties"));
        write(
            &p,
            &format!(
                "name={name}\nconnector.class=TestSink\nconnector.endpoint=127.0.0.1:{connector_port}\ntasks.max=1\ntopics={topic}\nsink.mode={mode}\n"
            ),
        );
        configs.push(p);
        names.push(name);
    }
    let port = free_port();
    let w = worker_properties(dir.path(), port, "offset.flush.interval.ms=200\n");
    let core = Core::start(dir.path(), &w, &configs, port);
    for name in &names {
        core.wait_task_state(name, 0, "RUNNING", Duration::from_secs(60));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && committed(&core, &names[0]) != Some(100) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        committed(&core, &names[0]),
        Some(100),
        "the sink that answers its flushes commits"
    );
    // Many flushes later, the other has committed nothing.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        committed(&core, &names[1]),
        None,
        "a Flushed for another flush id commits nothing"
    );
    assert!(
        core.log_text().contains("it is not the pending flush"),
        "the core says why"
    );
}
