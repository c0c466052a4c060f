//! A source connector with its own offsets topic (`offsets.storage.topic`), exactly once
//! (a worker with `exactly.once.source.support=enabled`) and at least once, as Kafka
//! Connect's distributed workers run it: its tasks write their offsets to that topic and a
//! copy to the worker's; `GET /connectors/{c}/offsets` reads the topic its tasks resume
//! from; a reset of the STOPPED connector (exactly once: in a transaction of task 0's
//! transactional id after a round of zombie fencing) reaches both topics, so the connector
//! reads its file again from the start when resumed (every line twice, nothing missing);
//! an alter moves it to a chosen position.

use std::time::{Duration, Instant};

use polyconnect_e2e::cluster::Cluster;
use polyconnect_e2e::faults::rest;
use polyconnect_e2e::transactions::{count, read_all};
use polyconnect_e2e::*;
use serde_json::{json, Value};

fn wait_state(cluster: &Cluster, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, s) = rest(cluster.any(), "GET", "/connectors/src/status", None);
        let tasks_ok = match want {
            "STOPPED" => s["tasks"].as_array().is_some_and(|t| t.is_empty()),
            _ => s["tasks"][0]["state"] == want,
        };
        if s["connector"]["state"] == want && tasks_ok {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "src is not {want}: {s}{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits until a `read_committed` consumer of `topic` sees `lines` distinct numbers;
/// (missing, duplicates).
fn committed(topic: &str, lines: u64, want_duplicates: u64) -> (u64, u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (missing, duplicates, unexpected) = count(&read_all(topic, "read_committed"), lines);
        assert_eq!(unexpected, 0);
        if (missing == 0 && duplicates >= want_duplicates) || Instant::now() > deadline {
            return (missing, duplicates);
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn position(offsets: &Value) -> Option<i64> {
    offsets["offsets"]
        .as_array()?
        .iter()
        .find_map(|o| o["offset"]["position"].as_i64())
}

/// Waits until `topic` (an offsets topic) holds a record of the file's position `at`.
fn has_position(topic: &str, at: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = read_all(topic, "read_committed")
            .iter()
            .any(|r| r.contains(&format!("\"position\":{at}")));
        if found || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn offsets_of_an_exactly_once_connector_are_reset_and_altered_in_its_own_topic() {
    own_offsets_topic(true);
}

#[test]
fn offsets_of_an_at_least_once_connector_are_kept_in_its_own_topic() {
    own_offsets_topic(false);
}

fn own_offsets_topic(exactly_once: bool) {
    let group = unique(if exactly_once {
        "eos-offsets"
    } else {
        "alos-offsets"
    });
    let worker = if exactly_once {
        "exactly.once.source.support=enabled\n"
    } else {
        ""
    };
    let mut cluster = Cluster::start(&group, 1, worker);
    cluster.wait_formed(Duration::from_secs(60));
    let worker_topic = format!("{group}-offsets");
    let input = cluster.dir.path().join("numbers.txt");
    let lines = 500u64;
    let text: String = (0..lines).map(|n| format!("{n}\n")).collect();
    std::fs::write(&input, &text).unwrap();
    let topic = format!("{group}-numbers");
    let own = format!("{group}-src-offsets");
    let mut config = json!({
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": input.display().to_string(),
        "topic": topic,
        "offsets.storage.topic": own,
    });
    if exactly_once {
        config["exactly.once.support"] = json!("required");
    }
    let (code, body) = rest(
        cluster.any(),
        "POST",
        "/connectors",
        Some(json!({"name": "src", "config": config})),
    );
    assert_eq!(code, 201, "create: {body}");
    assert_eq!(committed(&topic, lines, 0), (0, 0), "{}", cluster.logs());
    // The task's offsets are in the connector's own topic, and copied to the worker's.
    for t in [&own, &worker_topic] {
        assert!(
            has_position(t, text.len()),
            "no offset at the file's end in {t}{}",
            cluster.logs()
        );
    }

    // Stopped: the offsets are those of the connector's own topic.
    let (code, body) = rest(cluster.any(), "PUT", "/connectors/src/stop", None);
    assert_eq!(code, 204, "stop: {body}");
    wait_state(&cluster, "STOPPED");
    let (code, offsets) = rest(cluster.any(), "GET", "/connectors/src/offsets", None);
    assert_eq!(code, 200, "{offsets}");
    assert_eq!(position(&offsets), Some(text.len() as i64), "{offsets}");

    // A reset: every line read again when resumed.
    let (code, body) = rest(cluster.any(), "DELETE", "/connectors/src/offsets", None);
    assert_eq!(code, 200, "reset: {body}{}", cluster.logs());
    // None: the worker's topic, which fills in what the connector's lacks, was reset too.
    let (_, offsets) = rest(cluster.any(), "GET", "/connectors/src/offsets", None);
    assert_eq!(position(&offsets), None, "after the reset: {offsets}");
    let (code, body) = rest(cluster.any(), "PUT", "/connectors/src/resume", None);
    assert_eq!(code, 202, "resume: {body}");
    wait_state(&cluster, "RUNNING");
    let (missing, duplicates) = committed(&topic, lines, lines);
    println!("after the reset: {lines} lines, {missing} missing, {duplicates} read twice");
    assert_eq!((missing, duplicates), (0, lines), "{}", cluster.logs());

    // An alter: from the start of line 400 on, those 100 lines a third time.
    let (code, body) = rest(cluster.any(), "PUT", "/connectors/src/stop", None);
    assert_eq!(code, 204, "stop: {body}");
    wait_state(&cluster, "STOPPED");
    let at: usize = (0..400u64).map(|n| format!("{n}\n").len()).sum();
    let (code, body) = rest(
        cluster.any(),
        "PATCH",
        "/connectors/src/offsets",
        Some(json!({"offsets": [{
            "partition": {"filename": input.display().to_string()},
            "offset": {"position": at},
        }]})),
    );
    assert_eq!(code, 200, "alter: {body}{}", cluster.logs());
    let (_, offsets) = rest(cluster.any(), "GET", "/connectors/src/offsets", None);
    assert_eq!(
        position(&offsets),
        Some(at as i64),
        "after the alter: {offsets}"
    );
    let (code, body) = rest(cluster.any(), "PUT", "/connectors/src/resume", None);
    assert_eq!(code, 202, "resume: {body}");
    wait_state(&cluster, "RUNNING");
    let (missing, duplicates) = committed(&topic, lines, lines + 100);
    println!("after the alter: {missing} missing, {duplicates} extra copies");
    assert_eq!(
        (missing, duplicates),
        (0, lines + 100),
        "{}",
        cluster.logs()
    );
    // The alter's records are in the connector's own topic (committed) and the worker's.
    for t in [&own, &worker_topic] {
        assert!(has_position(t, at), "the altered offset is not in {t}");
    }
    cluster.stop();
}
