//! Distributed mode end to end: three `polyconnect distributed` worker processes in one
//! group on the real broker, three FileStream pipelines (file → topic → file, Python
//! connector processes) spread over them, lines appended all along. A follower and then
//! the leader are SIGKILLed: their connectors and tasks move to the survivors; the killed
//! workers come back and get work again. Every line is counted at the end (0 missing;
//! duplicates reported, as at-least-once allows them after a kill).
//!
//! The REST API is used as a user would: connectors created through a follower, statuses
//! read from any worker, pause and resume through one worker seen from another.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use polyconnect_e2e::cluster::{items, Cluster};
use polyconnect_e2e::faults::rest;
use polyconnect_e2e::*;

const PIPELINES: usize = 3;
const WORKERS: usize = 3;

/// Waits until every connector and its one task runs on one of `on`; returns the items
/// and how long it took.
fn wait_running_on(
    cluster: &Cluster,
    connectors: &[String],
    on: &BTreeSet<String>,
    timeout: Duration,
) -> (BTreeMap<String, (String, String)>, Duration) {
    let start = Instant::now();
    let mut last = BTreeMap::new();
    while start.elapsed() < timeout {
        last = items(cluster.any(), connectors);
        let complete = last.len() == connectors.len() * 2
            && last
                .values()
                .all(|(state, worker)| state == "RUNNING" && on.contains(worker));
        if complete {
            return (last, start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "not every connector and task RUNNING on {on:?} within {timeout:?}: {last:#?}{}",
        cluster.logs()
    );
}

/// Appends `p<i>-<seq>` lines to each input file until stopped.
struct Writer {
    stop: Arc<AtomicBool>,
    written: Vec<Arc<AtomicU64>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    fn start(inputs: Vec<PathBuf>) -> Writer {
        let stop = Arc::new(AtomicBool::new(false));
        let written: Vec<Arc<AtomicU64>> =
            inputs.iter().map(|_| Arc::new(AtomicU64::new(0))).collect();
        let (s, w) = (stop.clone(), written.clone());
        let handle = std::thread::spawn(move || {
            let mut files: Vec<std::fs::File> = inputs
                .iter()
                .map(|p| std::fs::OpenOptions::new().append(true).open(p).unwrap())
                .collect();
            while !s.load(Ordering::SeqCst) {
                for (i, f) in files.iter_mut().enumerate() {
                    let from = w[i].load(Ordering::SeqCst);
                    let mut batch = String::new();
                    for seq in from..from + 50 {
                        batch.push_str(&format!("p{i}-{seq:08}\n"));
                    }
                    f.write_all(batch.as_bytes()).unwrap();
                    f.flush().unwrap();
                    w[i].store(from + 50, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Writer {
            stop,
            written,
            handle: Some(handle),
        }
    }

    fn finish(&mut self) -> Vec<u64> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            h.join().unwrap();
        }
        self.written
            .iter()
            .map(|w| w.load(Ordering::SeqCst))
            .collect()
    }
}

/// (distinct expected lines seen, duplicates, unexpected lines) of one output file.
fn count(output: &Path, pipeline: usize, expected: u64) -> (u64, u64, u64) {
    let text = std::fs::read_to_string(output).unwrap_or_default();
    let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
    let mut unexpected = 0;
    let prefix = format!("p{pipeline}-");
    for l in text.lines() {
        match l.strip_prefix(&prefix).and_then(|s| s.parse::<u64>().ok()) {
            Some(seq) if seq < expected => *seen.entry(seq).or_default() += 1,
            _ => unexpected += 1,
        }
    }
    let duplicates = seen.values().map(|n| n - 1).sum();
    (seen.len() as u64, duplicates, unexpected)
}

#[test]
fn three_workers_share_connectors_and_survive_sigkill() {
    let group = unique("dist");
    let mut cluster = Cluster::start(&group, WORKERS, "");
    let dir = cluster.dir.path().to_path_buf();
    // The group forms: one leader among the three.
    let deadline = Instant::now() + Duration::from_secs(60);
    let leader = loop {
        let formed = cluster
            .workers
            .iter()
            .flatten()
            .all(|w| w.log_text().contains("rebalance complete"));
        if formed {
            if let Some(l) = cluster.leader() {
                break l;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the group did not form:{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let follower = (0..WORKERS).find(|&i| i != leader).unwrap();
    // The leader keeps a session key in the config topic (protocol `sessioned`), in Kafka
    // Connect's record.
    let configs = read_topic(
        &bootstrap(),
        &format!("{group}-configs"),
        1,
        Duration::from_secs(20),
    );
    let key = configs
        .iter()
        .find(|r| r.2.as_deref() == Some(b"session-key".as_slice()))
        .and_then(|r| r.3.clone())
        .map(|v| String::from_utf8(v).unwrap())
        .unwrap_or_else(|| panic!("no session key in the config topic:{}", cluster.logs()));
    let key: serde_json::Value = serde_json::from_str(&key).unwrap();
    assert_eq!(key["algorithm"], "HmacSHA256", "{key}");
    assert!(key["creation-timestamp"].as_i64().unwrap() > 0, "{key}");

    let mut connectors = Vec::new();
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    for p in 0..PIPELINES {
        let input = dir.join(format!("in-{p}.txt"));
        let output = dir.join(format!("out-{p}.txt"));
        std::fs::File::create(&input).unwrap();
        let topic = format!("{group}-lines-{p}");
        // Created through a follower, as a user reaches whichever worker.
        let via = cluster.workers[follower].as_ref().unwrap();
        let (code, body) = rest(
            via,
            "POST",
            "/connectors",
            Some(serde_json::json!({
                "name": format!("src-{p}"),
                "config": {
                    "connector.class": "FileStreamSource",
                    "tasks.max": "1",
                    "file": input.display().to_string(),
                    "topic": topic,
                }
            })),
        );
        assert_eq!(code, 201, "create through a follower: {body}");
        let (code, body) = rest(
            via,
            "POST",
            "/connectors",
            Some(serde_json::json!({
                "name": format!("snk-{p}"),
                "config": {
                    "connector.class": "FileStreamSink",
                    "tasks.max": "1",
                    "file": output.display().to_string(),
                    "topics": topic,
                }
            })),
        );
        assert_eq!(code, 201, "create through a follower: {body}");
        connectors.push(format!("src-{p}"));
        connectors.push(format!("snk-{p}"));
        inputs.push(input);
        outputs.push(output);
    }
    // Every worker lists every connector.
    for w in cluster.workers.iter().flatten() {
        let (code, body) = w.get("/connectors");
        assert_eq!(code, 200);
        let listed: BTreeSet<String> = serde_json::from_value(body).unwrap();
        let want: BTreeSet<String> = connectors.iter().cloned().collect();
        // A worker reads the config topic within a moment.
        if listed != want {
            std::thread::sleep(Duration::from_secs(1));
            let (_, body) = w.get("/connectors");
            let listed: BTreeSet<String> = serde_json::from_value(body).unwrap();
            assert_eq!(listed, want, "connectors listed by worker {}", w.port);
        }
    }
    let all: BTreeSet<String> = (0..WORKERS).map(|i| cluster.worker_id(i)).collect();
    let (spread, took) = wait_running_on(&cluster, &connectors, &all, Duration::from_secs(90));
    let used: BTreeSet<&String> = spread.values().map(|(_, w)| w).collect();
    println!(
        "12 items RUNNING in {took:?} on {} workers: {spread:?}",
        used.len()
    );
    assert_eq!(
        used.len(),
        WORKERS,
        "the work is spread over every worker: {spread:#?}"
    );

    // The internal task-configs endpoint takes only requests signed with the session key.
    let leader_core = cluster.workers[leader].as_ref().unwrap();
    let (code, body) = rest(
        leader_core,
        "POST",
        "/connectors/src-0/tasks",
        Some(serde_json::json!([{"file": "/etc/passwd"}])),
    );
    assert_eq!(code, 400, "unsigned internal request: {body}");
    let url = format!(
        "http://127.0.0.1:{}/connectors/src-0/tasks",
        leader_core.port
    );
    let code = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new()
            .post(&url)
            .header("X-Connect-Authorization", "bm90IGEgc2lnbmF0dXJl")
            .header("X-Connect-Request-Signature-Algorithm", "HmacSHA256")
            .body(r#"[{"file":"/etc/passwd"}]"#)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(code, 403, "a wrong signature is refused");

    // Pause through one worker, seen from another; then resume.
    let (code, _) = rest(
        cluster.workers[leader].as_ref().unwrap(),
        "PUT",
        "/connectors/src-0/pause",
        None,
    );
    assert_eq!(code, 202);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = items(
            cluster.workers[follower].as_ref().unwrap(),
            &["src-0".to_string()],
        );
        if s.values().all(|(state, _)| state == "PAUSED") && s.len() == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "src-0 not PAUSED: {s:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, _) = rest(
        cluster.workers[follower].as_ref().unwrap(),
        "PUT",
        "/connectors/src-0/resume",
        None,
    );
    assert_eq!(code, 202);

    // A cluster-wide logger level set through one worker reaches the others (KIP-976).
    let (code, body) = rest(
        cluster.workers[follower].as_ref().unwrap(),
        "PUT",
        "/admin/loggers/polyconnect.cluster.test?scope=cluster",
        Some(serde_json::json!({"level": "DEBUG"})),
    );
    assert_eq!(code, 204, "{body}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (code, body) = cluster.workers[leader]
            .as_ref()
            .unwrap()
            .get("/admin/loggers/polyconnect.cluster.test");
        if code == 200 && body["level"] == "DEBUG" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cluster-wide level did not reach the leader: {code} {body}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let mut writer = Writer::start(inputs.clone());
    std::thread::sleep(Duration::from_secs(3));

    // A follower dies: its items move to the two others.
    let victim = (0..WORKERS)
        .find(|&i| i != leader && i != follower)
        .unwrap();
    cluster.kill(victim);
    let survivors: BTreeSet<String> = (0..WORKERS)
        .filter(|&i| i != victim)
        .map(|i| cluster.worker_id(i))
        .collect();
    let (_, took) = wait_running_on(&cluster, &connectors, &survivors, Duration::from_secs(60));
    println!(
        "after SIGKILL of follower {}: every item RUNNING on the survivors in {took:?}",
        cluster.worker_id(victim)
    );

    // The leader dies: everything ends up on the last worker.
    std::thread::sleep(Duration::from_secs(2));
    cluster.kill(leader);
    let last: BTreeSet<String> = [cluster.worker_id(follower)].into_iter().collect();
    let (_, took) = wait_running_on(&cluster, &connectors, &last, Duration::from_secs(60));
    println!(
        "after SIGKILL of leader {}: every item RUNNING on {} in {took:?}",
        cluster.worker_id(leader),
        cluster.worker_id(follower)
    );

    // Both come back and get work again.
    cluster.restart(victim);
    cluster.restart(leader);
    let deadline = Instant::now() + Duration::from_secs(90);
    let start = Instant::now();
    loop {
        let s = items(cluster.any(), &connectors);
        let running = s.len() == connectors.len() * 2 && s.values().all(|(st, _)| st == "RUNNING");
        let used: BTreeSet<&String> = s.values().map(|(_, w)| w).collect();
        if running && used.len() == WORKERS {
            println!(
                "after the restarts: work on every worker again in {:?}: {s:?}",
                start.elapsed()
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the work did not spread again: {s:#?}{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    std::thread::sleep(Duration::from_secs(2));

    // Every line reaches its output.
    let written = writer.finish();
    let deadline = Instant::now() + Duration::from_secs(120);
    let report = loop {
        let report = (0..PIPELINES)
            .map(|p| (p, written[p], count(&outputs[p], p, written[p])))
            .collect::<Vec<_>>();
        if report.iter().all(|(_, w, (seen, _, _))| seen == w) || Instant::now() > deadline {
            break report;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let mut missing_total = 0;
    for (p, w, (seen, dup, unexpected)) in &report {
        println!(
            "pipeline {p}: in={w} out_distinct={seen} missing={} duplicated={dup} unexpected={unexpected}",
            w - seen
        );
        missing_total += w - seen;
        assert_eq!(*unexpected, 0, "pipeline {p} wrote lines nobody appended");
    }
    assert_eq!(missing_total, 0, "lines lost:{}", cluster.logs());

    // Active topics are the cluster's (status topic), whichever worker is asked.
    for w in cluster.workers.iter().flatten() {
        let (code, body) = w.get("/connectors/snk-1/topics");
        assert_eq!(code, 200);
        assert_eq!(
            body["snk-1"]["topics"],
            serde_json::json!([format!("{group}-lines-1")]),
            "active topics on worker {}",
            w.port
        );
    }

    // A graceful stop of every worker.
    for w in cluster.workers.iter_mut().flatten() {
        w.stop();
    }
}
