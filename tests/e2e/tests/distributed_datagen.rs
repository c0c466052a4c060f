//! The (task, seq) scenario on a three-worker cluster: three `polyconnect distributed`
//! worker processes on the real broker; DataGen (Rust, launched from its manifest) with six
//! tasks, each numbering its records (`schema=sequence`: `{"task": n, "seq": i}`), into a
//! six-partition topic; FileStreamSink (Python) with six tasks appending that topic's
//! values to one file. Every worker runs one DataGen and one FileStream process for all
//! the tasks it is given.
//!
//! A follower is SIGKILLed, then the leader; after each death every task is RUNNING again
//! on the survivors within a generous bound over `session.timeout.ms` +
//! `scheduled.rebalance.max.delay.ms`; both come back and each connector's tasks are spread
//! 2/2/2 again. Then the generator is reconfigured to run to its end at full speed, and
//! every task's seq 0..N is counted in the topic and in the file: nothing missing (asserted),
//! duplicates printed (at-least-once allows them after a kill).
//!
//! The file is shared by the six sink tasks of three processes: each `put` is one append
//! (`O_APPEND`) of whole lines, so lines of different tasks never interleave. A process
//! killed in the middle of a write may leave a torn line; it is reported, and the complete
//! records on either side of it still count (its own records are delivered again, as their
//! offsets were not committed).
//!
//! Also: a connector created, paused, reconfigured, resumed and deleted through a follower's
//! REST API is seen the same on all three workers as one handled through the leader.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use polyconnect_e2e::cluster::{items, task_spread, Cluster, Items};
use polyconnect_e2e::faults::rest;
use polyconnect_e2e::*;
use serde_json::json;

const WORKERS: usize = 3;
const TASKS: usize = 6;
/// Records of each source task (`records` = TASKS × PER_TASK).
const PER_TASK: u64 = 6000;
/// Records per second of the whole connector while the workers die and return: at this
/// rate the generator runs through the whole scenario.
const RATE: u64 = 240;
const SESSION_TIMEOUT_MS: u64 = 6000;
const REBALANCE_DELAY_MS: u64 = 5000;

/// The workers' settings beyond the test cluster's: the group's timeouts (stated here, as
/// the bounds below depend on them) and sink consumers that leave their group as soon as
/// a dead worker's would be noticed (the consumer's default session is 45 s).
fn worker_extra() -> String {
    format!(
        "session.timeout.ms={SESSION_TIMEOUT_MS}\n\
         heartbeat.interval.ms=1000\n\
         scheduled.rebalance.max.delay.ms={REBALANCE_DELAY_MS}\n\
         consumer.session.timeout.ms={SESSION_TIMEOUT_MS}\n\
         consumer.heartbeat.interval.ms=1000\n"
    )
}

/// The bound on "every task RUNNING again": the departed worker noticed, its items' delay
/// over, and a generous margin for a loaded machine.
fn takeover_bound() -> Duration {
    Duration::from_millis(SESSION_TIMEOUT_MS + REBALANCE_DELAY_MS) + Duration::from_secs(50)
}

/// Waits until every connector of `connectors` has its `tasks` tasks and they and the
/// connector are RUNNING on workers of `on`; returns the items and the time from `since`.
fn wait_running_on(
    cluster: &Cluster,
    connectors: &[String],
    tasks: usize,
    on: &BTreeSet<String>,
    since: Instant,
    timeout: Duration,
) -> (Items, Duration) {
    let mut last = BTreeMap::new();
    while since.elapsed() < timeout {
        last = items(cluster.any(), connectors);
        let complete = last.len() == connectors.len() * (tasks + 1)
            && last
                .values()
                .all(|(state, worker)| state == "RUNNING" && on.contains(worker));
        if complete {
            return (last, since.elapsed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "not every connector and task RUNNING on {on:?} within {timeout:?}: {last:#?}{}",
        cluster.logs()
    );
}

/// Every connector's tasks spread 2/2/2 over the three workers.
fn evenly_spread(items: &Items) -> bool {
    let spread = task_spread(items);
    spread.len() == 2
        && spread
            .values()
            .all(|per| per.len() == WORKERS && per.values().all(|&n| n == TASKS / WORKERS))
}

/// Per task: seq → how often it was seen; and what did not fit.
struct Tally {
    seen: Vec<BTreeMap<u64, u64>>,
    /// Records of a task or seq the generator never makes.
    unexpected: u64,
    /// Lines that are not one whole record (a write torn by a kill).
    torn: u64,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            seen: vec![BTreeMap::new(); TASKS],
            unexpected: 0,
            torn: 0,
        }
    }

    fn add(&mut self, v: &serde_json::Value) {
        match (v["task"].as_u64(), v["seq"].as_u64()) {
            (Some(t), Some(s)) if (t as usize) < TASKS && s < PER_TASK => {
                *self.seen[t as usize].entry(s).or_default() += 1
            }
            _ => self.unexpected += 1,
        }
    }

    /// The values of the topic's records.
    fn of_topic<'a>(values: impl IntoIterator<Item = Option<&'a [u8]>>) -> Tally {
        let mut t = Tally::new();
        for value in values {
            match value.and_then(|v| serde_json::from_slice::<serde_json::Value>(v).ok()) {
                Some(v) => t.add(&v),
                None => t.unexpected += 1,
            }
        }
        t
    }

    /// The sink's file: one record per line; the whole records within a torn line count.
    fn of_file(path: &Path) -> Tally {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut t = Tally::new();
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                t.add(&v);
                continue;
            }
            t.torn += 1;
            for (i, _) in line.match_indices("{\"task\":") {
                let piece = &line[i..];
                if let Some(end) = piece.find('}') {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&piece[..=end]) {
                        t.add(&v);
                    }
                }
            }
        }
        t
    }

    fn distinct(&self, task: usize) -> u64 {
        self.seen[task].len() as u64
    }

    fn duplicates(&self, task: usize) -> u64 {
        self.seen[task].values().map(|n| n - 1).sum()
    }

    fn missing(&self) -> u64 {
        (0..TASKS).map(|t| PER_TASK - self.distinct(t)).sum()
    }

    /// The first missing seqs of each task that misses some.
    fn gaps(&self) -> String {
        let mut out = String::new();
        for t in 0..TASKS {
            let gaps: Vec<u64> = (0..PER_TASK)
                .filter(|s| !self.seen[t].contains_key(s))
                .take(10)
                .collect();
            if !gaps.is_empty() {
                out.push_str(&format!(" task {t}: {gaps:?}..."));
            }
        }
        out
    }

    fn print(&self, what: &str) {
        for t in 0..TASKS {
            println!(
                "{what} task {t}: seq 0..{PER_TASK}: distinct={} missing={} duplicated={}",
                self.distinct(t),
                PER_TASK - self.distinct(t),
                self.duplicates(t)
            );
        }
        println!(
            "{what}: missing={} duplicated={} unexpected={} torn lines={}",
            self.missing(),
            (0..TASKS).map(|t| self.duplicates(t)).sum::<u64>(),
            self.unexpected,
            self.torn
        );
    }
}

/// Waits until `check` holds on every live worker; returns how long it took.
fn wait_everywhere(
    cluster: &Cluster,
    what: &str,
    check: impl Fn(&Core) -> Result<(), String>,
) -> Duration {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(60);
    loop {
        let problems: Vec<String> = cluster
            .workers
            .iter()
            .flatten()
            .filter_map(|w| check(w).err().map(|e| format!("worker {}: {e}", w.port)))
            .collect();
        if problems.is_empty() {
            return start.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not on every worker: {problems:?}{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `name`'s connector state and its tasks' states as one worker reports them.
fn states(w: &Core, name: &str) -> Result<(String, Vec<String>), String> {
    let (code, body) = w.get(&format!("/connectors/{name}/status"));
    if code != 200 {
        return Err(format!("status {code}: {body}"));
    }
    let tasks = body["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| t["state"].as_str().unwrap_or("").to_string())
        .collect();
    Ok((
        body["connector"]["state"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        tasks,
    ))
}

fn expect_states(w: &Core, name: &str, state: &str, tasks: usize) -> Result<(), String> {
    let (c, t) = states(w, name)?;
    if c == state && t.len() == tasks && t.iter().all(|s| s == state) {
        Ok(())
    } else {
        Err(format!("connector {c}, tasks {t:?}"))
    }
}

/// Creates, pauses, reconfigures (2 → 3 tasks), resumes and deletes a DataGen connector
/// through worker `via`, checking each step on every worker; returns what was observed.
fn lifecycle(cluster: &Cluster, via: usize, name: &str, topic: &str) -> Vec<String> {
    let core = cluster.worker(via);
    let config = |tasks: u32| {
        json!({
            "connector.class": "DataGen",
            "tasks.max": tasks.to_string(),
            "topic": topic,
            "schema": "sequence",
            "rate": "20",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable": "false",
        })
    };
    let mut seen = Vec::new();
    let mut step = |what: String, took: Duration| {
        println!("  {name} via worker {via}: {what} on all three workers in {took:?}");
        seen.push(what);
    };

    let (code, body) = rest(
        core,
        "POST",
        "/connectors",
        Some(json!({"name": name, "config": config(2)})),
    );
    assert_eq!(code, 201, "create {name}: {body}");
    let took = wait_everywhere(cluster, "created", |w| expect_states(w, name, "RUNNING", 2));
    step(format!("create {code}: RUNNING, 2 tasks"), took);

    let (code, body) = rest(core, "PUT", &format!("/connectors/{name}/pause"), None);
    assert_eq!(code, 202, "pause {name}: {body}");
    let took = wait_everywhere(cluster, "paused", |w| expect_states(w, name, "PAUSED", 2));
    step(format!("pause {code}: PAUSED, 2 tasks"), took);

    let (code, body) = rest(
        core,
        "PUT",
        &format!("/connectors/{name}/config"),
        Some(config(3)),
    );
    assert_eq!(code, 200, "reconfigure {name}: {body}");
    let took = wait_everywhere(cluster, "reconfigured", |w| {
        let (code, body) = w.get(&format!("/connectors/{name}/config"));
        if code != 200 || body["tasks.max"] != "3" {
            return Err(format!("config {code}: {body}"));
        }
        let (c, _) = states(w, name)?;
        if c != "PAUSED" {
            return Err(format!(
                "connector {c} after a reconfiguration while paused"
            ));
        }
        Ok(())
    });
    step(
        format!("reconfigure {code}: tasks.max=3, still PAUSED"),
        took,
    );

    let (code, body) = rest(core, "PUT", &format!("/connectors/{name}/resume"), None);
    assert_eq!(code, 202, "resume {name}: {body}");
    let took = wait_everywhere(cluster, "resumed", |w| expect_states(w, name, "RUNNING", 3));
    step(format!("resume {code}: RUNNING, 3 tasks"), took);

    let (code, body) = rest(core, "DELETE", &format!("/connectors/{name}"), None);
    assert_eq!(code, 204, "delete {name}: {body}");
    let took = wait_everywhere(cluster, "deleted", |w| {
        let (code, _) = w.get(&format!("/connectors/{name}/status"));
        let (_, list) = w.get("/connectors");
        let listed = list.as_array().is_some_and(|l| l.iter().any(|c| c == name));
        if code == 404 && !listed {
            Ok(())
        } else {
            Err(format!("status {code}, listed {listed}"))
        }
    });
    step(format!("delete {code}: gone (404)"), took);
    seen
}

#[test]
fn six_tasks_keep_every_seq_through_the_death_and_return_of_workers() {
    let started = Instant::now();
    let bootstrap = bootstrap();
    let group = unique("dgen");
    let mut cluster = Cluster::start(&group, WORKERS, &worker_extra());
    let leader = cluster.wait_formed(Duration::from_secs(60));
    let follower = (0..WORKERS).find(|&i| i != leader).unwrap();
    let victim = (0..WORKERS)
        .find(|&i| i != leader && i != follower)
        .unwrap();
    println!(
        "group formed in {:?}; leader {}",
        started.elapsed(),
        cluster.worker_id(leader)
    );

    let topic = format!("{group}-seq");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(create_topic(&bootstrap, &topic, TASKS as i32));
    let output = cluster.dir.path().join("sink.txt");
    let connectors = vec!["seq-src".to_string(), "seq-snk".to_string()];
    let via = cluster.worker(follower);
    let (code, body) = rest(
        via,
        "POST",
        "/connectors",
        Some(json!({
            "name": "seq-src",
            "config": {
                "connector.class": "DataGen",
                "tasks.max": TASKS.to_string(),
                "topic": topic,
                "schema": "sequence",
                "records": (PER_TASK * TASKS as u64).to_string(),
                "rate": RATE.to_string(),
                "batch.size": "50",
                "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable": "false",
            }
        })),
    );
    assert_eq!(code, 201, "create the source: {body}");
    let (code, body) = rest(
        via,
        "POST",
        "/connectors",
        Some(json!({
            "name": "seq-snk",
            "config": {
                "connector.class": "FileStreamSink",
                "tasks.max": TASKS.to_string(),
                "topics": topic,
                "file": output.display().to_string(),
            }
        })),
    );
    assert_eq!(code, 201, "create the sink: {body}");
    let all = cluster.live_ids();
    let (spread, took) = wait_running_on(
        &cluster,
        &connectors,
        TASKS,
        &all,
        Instant::now(),
        Duration::from_secs(90),
    );
    println!(
        "2 connectors and {} tasks RUNNING in {took:?}; tasks per worker: {:?}",
        TASKS * 2,
        task_spread(&spread)
    );

    // Through a follower as through the leader.
    let probe_topic = format!("{group}-probe");
    let through_leader = lifecycle(&cluster, leader, "probe-leader", &probe_topic);
    let through_follower = lifecycle(&cluster, follower, "probe-follower", &probe_topic);
    assert_eq!(
        through_leader, through_follower,
        "a connector handled through a follower behaves as through the leader"
    );

    // A follower dies: its tasks move to the two others.
    std::thread::sleep(Duration::from_secs(2));
    let death = Instant::now();
    cluster.kill(victim);
    let survivors = cluster.live_ids();
    let (after, took) = wait_running_on(
        &cluster,
        &connectors,
        TASKS,
        &survivors,
        death,
        takeover_bound(),
    );
    println!(
        "SIGKILL of follower {} → every task RUNNING on the two survivors in {took:?} \
         (session.timeout.ms={SESSION_TIMEOUT_MS}, scheduled.rebalance.max.delay.ms={REBALANCE_DELAY_MS}); \
         tasks per worker: {:?}",
        cluster.worker_id(victim),
        task_spread(&after)
    );

    // The leader dies: everything ends up on the last worker.
    std::thread::sleep(Duration::from_secs(2));
    let death = Instant::now();
    cluster.kill(leader);
    let last = cluster.live_ids();
    let (_, took) = wait_running_on(&cluster, &connectors, TASKS, &last, death, takeover_bound());
    println!(
        "SIGKILL of leader {} → every task RUNNING on {} in {took:?}",
        cluster.worker_id(leader),
        cluster.worker_id(follower)
    );

    // Both come back: each connector's tasks are spread 2/2/2 again.
    std::thread::sleep(Duration::from_secs(2));
    let back = Instant::now();
    cluster.restart(victim);
    cluster.restart(leader);
    let all = cluster.live_ids();
    let (took, last) = loop {
        let last = items(cluster.any(), &connectors);
        let running = last.len() == connectors.len() * (TASKS + 1)
            && last
                .values()
                .all(|(st, w)| st == "RUNNING" && all.contains(w));
        if running && evenly_spread(&last) {
            break (back.elapsed(), last);
        }
        assert!(
            back.elapsed() < Duration::from_secs(120),
            "the tasks did not spread 2/2/2 again: {:?}\n{last:#?}{}",
            task_spread(&last),
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    println!(
        "restart of both → tasks spread 2/2/2 per connector in {took:?}: {:?}",
        task_spread(&last)
    );
    std::thread::sleep(Duration::from_secs(2));

    // The generator runs to its end at full speed (a reconfiguration: its tasks restart
    // with new configs and resume at their offsets).
    let (code, body) = cluster.worker(victim).get("/connectors/seq-src/config");
    assert_eq!(code, 200, "{body}");
    let mut config = body;
    config["rate"] = json!("0");
    let (code, body) = rest(
        cluster.worker(victim),
        "PUT",
        "/connectors/seq-src/config",
        Some(config),
    );
    assert_eq!(code, 200, "reconfigure the source: {body}");

    let expected = (PER_TASK * TASKS as u64) as usize;
    let deadline = Instant::now() + Duration::from_secs(120);
    let in_topic = loop {
        let records = read_topic(&bootstrap, &topic, expected, Duration::from_secs(20));
        let t = Tally::of_topic(records.iter().map(|r| r.3.as_deref()));
        if t.missing() == 0 || Instant::now() > deadline {
            break t;
        }
    };
    in_topic.print("topic");
    assert_eq!(in_topic.unexpected, 0, "records the generator never makes");
    assert_eq!(
        in_topic.missing(),
        0,
        "seqs missing in the topic:{}{}",
        in_topic.gaps(),
        cluster.logs()
    );

    // Each task resumed at its stored offset wherever it moved, never started over: its
    // seq 0 is in the topic once (the first offsets were stored long before the first kill).
    for t in 0..TASKS {
        assert_eq!(
            in_topic.seen[t].get(&0),
            Some(&1),
            "task {t} generated seq 0 again: it did not resume at its offset"
        );
    }

    let deadline = Instant::now() + Duration::from_secs(120);
    let in_file = loop {
        let t = Tally::of_file(&output);
        if t.missing() == 0 || Instant::now() > deadline {
            break t;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    in_file.print("sink file");
    assert_eq!(in_file.unexpected, 0, "records the generator never makes");
    assert_eq!(
        in_file.missing(),
        0,
        "seqs missing in the sink's file:{}{}",
        in_file.gaps(),
        cluster.logs()
    );

    // Every worker reports the same statuses (each reads the status topic).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let views: Vec<Items> = cluster
            .workers
            .iter()
            .flatten()
            .map(|w| items(w, &connectors))
            .collect();
        if views.windows(2).all(|w| w[0] == w[1]) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the workers disagree: {views:#?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    cluster.stop();
    println!("scenario done in {:?}", started.elapsed());
}
