//! Fault injection on a real broker with a real core and a real connector process: the
//! FaultSink (`tests/e2e/connectors/fault-sink`, Python SDK) is switched into faults at run
//! time (a retriable `put`, a failing flush, over-reported offsets, a hung `put`), its
//! process is SIGKILLed and SIGSTOPped, the core is stopped, reconfigured and SIGKILLed.
//! The input is the sequence numbers `0..N` produced into the topic; the sink writes a line
//! per record only once it is flushed (fsync). Each scenario prints
//! `scenario=<name> in=<N> out=<lines> missing=<m> duplicated=<d> ...` and fails if a
//! record is missing (the guarantee is at least once: duplicates are only reported).
//!
//! The broker outage, the 40 KB backlog, compression codecs and a steady stream are in
//! `faults_broker.rs`, `faults_load.rs`, `faults_compression.rs` and `faults_steady.rs`.

use std::time::{Duration, Instant};

use polyconnect_e2e::faults::*;
use polyconnect_e2e::*;

const WAIT: Duration = Duration::from_secs(180);

/// Waits until the sink's event log has `n` lines containing `word`.
fn wait_events(sink: &FaultSink, word: &str, n: usize, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if sink.event_count(word) >= n {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Checks that nothing was committed beyond what the sink wrote, on one partition:
/// a committed offset `o` claims records `0..o` of the partition are durable.
fn committed_within_written(rig: &Rig, what: &str, problems: &mut Vec<String>) {
    let committed = rig.committed();
    let distinct = distinct_lines(&rig.sink.output);
    let claimed: i64 = committed.iter().map(|&o| o.max(0)).sum();
    if claimed as u64 > distinct {
        problems.push(format!(
            "{what}: committed offsets {committed:?} claim {claimed} records, the sink wrote {distinct}"
        ));
    }
}

/// (a) The sink is down (RetriableError from every put) for ~10 s, across a graceful stop
/// and restart of the core; then up. The original bug: 0 of 100 written and offset 100
/// committed at the stop, so the records were never delivered again.
#[test]
fn retriable_put_across_graceful_core_restart() {
    let scenario = "down-across-core-restart";
    let n = 2_000;
    let mut rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            faults: &["down"],
            ..RigOptions::default()
        },
    );
    produce_seq(&rig.bootstrap, &rig.sink.topic, 1, n);
    let mut problems = Vec::new();
    if !wait_events(&rig.sink, "retriable", 2, Duration::from_secs(30)) {
        problems.push("the sink never raised RetriableError".into());
    }
    std::thread::sleep(Duration::from_secs(3));
    rig.core.stop();
    committed_within_written(&rig, "after the graceful stop while down", &mut problems);
    rig.core.restart();
    rig.sink.wait_running(&rig.core, Duration::from_secs(60));
    let before = rig.sink.event_count("retriable");
    if !wait_events(&rig.sink, "retriable", before + 2, Duration::from_secs(30)) {
        problems.push("no put was retried after the restart".into());
    }
    std::thread::sleep(Duration::from_secs(3));
    committed_within_written(&rig, "after the restart while down", &mut problems);
    assert_eq!(rig.sink.lines(), 0, "the sink wrote while down");
    rig.sink.clear("down");
    rig.finish(scenario, n, WAIT, &problems);
}

/// (b) The sink is down while its connector is reconfigured (a harmless key changed with
/// PUT /connectors/<name>/config, which restarts its task); then up.
#[test]
fn retriable_put_across_reconfiguration() {
    let scenario = "down-across-reconfigure";
    let n = 2_000;
    let rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            faults: &["down"],
            ..RigOptions::default()
        },
    );
    produce_seq(&rig.bootstrap, &rig.sink.topic, 1, n);
    let mut problems = Vec::new();
    if !wait_events(&rig.sink, "retriable", 2, Duration::from_secs(30)) {
        problems.push("the sink never raised RetriableError".into());
    }
    std::thread::sleep(Duration::from_secs(2));
    let starts = rig.sink.event_count(" start ");
    let mut config = rig.sink.config_map();
    config["fault.comment"] = serde_json::Value::String("reconfigured while down".into());
    let (code, body) = rest(
        &rig.core,
        "PUT",
        &format!("/connectors/{}/config", rig.sink.name),
        Some(config),
    );
    assert_eq!(code, 200, "PUT config: {body}");
    if !wait_events(&rig.sink, " start ", starts + 1, Duration::from_secs(30)) {
        problems.push("the task was not restarted by the reconfiguration".into());
    }
    rig.sink.wait_running(&rig.core, Duration::from_secs(60));
    let before = rig.sink.event_count("retriable");
    if !wait_events(&rig.sink, "retriable", before + 2, Duration::from_secs(30)) {
        problems.push("no put was retried after the reconfiguration".into());
    }
    std::thread::sleep(Duration::from_secs(2));
    committed_within_written(&rig, "after the reconfiguration while down", &mut problems);
    rig.sink.clear("down");
    rig.finish(scenario, n, WAIT, &problems);
}

/// (b) Two tasks on a two-partition topic, the sink down, task 0 restarted through REST
/// (so the group rebalances while both tasks have Puts awaiting redelivery); then up.
#[test]
fn retriable_put_across_task_restart_with_two_tasks() {
    let scenario = "down-two-tasks-task-restart";
    let n = 4_000;
    let rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            faults: &["down"],
            partitions: 2,
            tasks: 2,
            ..RigOptions::default()
        },
    );
    produce_seq(&rig.bootstrap, &rig.sink.topic, 2, n);
    let mut problems = Vec::new();
    if !wait_events(&rig.sink, "retriable", 4, Duration::from_secs(30)) {
        problems.push("the sink never raised RetriableError".into());
    }
    std::thread::sleep(Duration::from_secs(2));
    let starts = rig.sink.event_count("task=0 start");
    let (code, body) = rest(
        &rig.core,
        "POST",
        &format!("/connectors/{}/tasks/0/restart", rig.sink.name),
        None,
    );
    assert!(code == 204 || code == 200, "task restart: {code} {body}");
    if !wait_events(
        &rig.sink,
        "task=0 start",
        starts + 1,
        Duration::from_secs(30),
    ) {
        problems.push("task 0 was not restarted".into());
    }
    rig.sink.wait_running(&rig.core, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(4));
    committed_within_written(&rig, "after the task restart while down", &mut problems);
    rig.sink.clear("down");
    rig.finish(scenario, n, WAIT, &problems);
}

/// (c) The sink's pre_commit returns every offset + 1000: the core must commit at most
/// what it sent, so the committed offset never exceeds what the sink wrote, and records
/// produced after a restart are not skipped.
#[test]
fn overreported_offsets_are_not_committed() {
    let scenario = "overreport";
    let half = 1_000;
    let mut rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            faults: &["overreport"],
            flush_ms: 200,
            ..RigOptions::default()
        },
    );
    let producer = produce_in_background(
        &rig.bootstrap,
        &rig.sink.topic,
        1,
        half,
        10,
        Duration::from_millis(200),
    );
    let mut problems = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut checks = 0;
    while Instant::now() < deadline {
        committed_within_written(&rig, "while streaming", &mut problems);
        checks += 1;
        if rig.sink.lines() as u64 >= half && checks > 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    producer.join().unwrap();
    // A few more flushes with everything written.
    std::thread::sleep(Duration::from_secs(1));
    committed_within_written(&rig, "with the first half written", &mut problems);
    let committed = rig.committed();
    if committed[0] > half as i64 {
        problems.push(format!(
            "committed offset {} beyond the {half} records in the topic",
            committed[0]
        ));
    }
    rig.core.stop();
    committed_within_written(&rig, "after the stop", &mut problems);
    rig.core.restart();
    rig.sink.wait_running(&rig.core, Duration::from_secs(60));
    let p = SeqProducer::new(&rig.bootstrap, &rig.sink.topic, 1, 0);
    p.send(half, 2 * half);
    p.finish();
    let c = rig.finish(scenario, 2 * half, WAIT, &problems);
    println!(
        "overreport: {checks} checks of the committed offset while streaming; {} duplicates",
        c.duplicated
    );
}

/// (d) The sink's flush fails (an ordinary exception, its buffer discarded) for a few
/// seconds in the middle of a stream: the core must rewind to the last committed offsets
/// and deliver those records again.
#[test]
fn failed_flush_rewinds() {
    let scenario = "flush-fail";
    let n = 6_000;
    let rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            flush_ms: 200,
            ..RigOptions::default()
        },
    );
    let producer = produce_in_background(
        &rig.bootstrap,
        &rig.sink.topic,
        1,
        n,
        30,
        Duration::from_millis(200),
    );
    let mut problems = Vec::new();
    rig.sink.wait_lines(500, Duration::from_secs(60));
    rig.sink.set("flush-fail");
    if !wait_events(&rig.sink, "flush-failed", 1, Duration::from_secs(30)) {
        problems.push("no flush failed".into());
    }
    std::thread::sleep(Duration::from_secs(3));
    rig.sink.clear("flush-fail");
    producer.join().unwrap();
    let c = rig.finish(scenario, n, WAIT, &problems);
    let state = task_state(&rig.core, &rig.sink.name, 0);
    assert_eq!(
        state,
        "RUNNING",
        "the task after failed flushes ({c:?})\n{}",
        rig.core.log_text()
    );
}

/// (e) The connector process is SIGKILLed mid-stream: the core restarts it and the task
/// resumes from its committed offsets.
#[test]
fn sigkill_of_the_connector_process() {
    let scenario = "connector-sigkill";
    let n = 10_000;
    let rig = Rig::start(scenario, &bootstrap(), RigOptions::default());
    let pid = rig.sink.wait_pid(Duration::from_secs(30));
    let producer = produce_in_background(
        &rig.bootstrap,
        &rig.sink.topic,
        1,
        n,
        40,
        Duration::from_millis(100),
    );
    rig.sink.wait_lines(1_000, Duration::from_secs(60));
    signal(pid, libc::SIGKILL);
    producer.join().unwrap();
    rig.finish(scenario, n, WAIT, &[]);
    rig.core
        .wait_task_state(&rig.sink.name, 0, "RUNNING", Duration::from_secs(60));
    let now = rig.sink.wait_pid(Duration::from_secs(10));
    assert_ne!(now, pid, "a new connector process");
}

/// SIGSTOPs the connector process for longer than the idle timeout, then `resume` it
/// (SIGCONT or SIGKILL); every record arrives and the task is RUNNING again.
fn sigstop(scenario: &str, resume: i32) {
    let n = 6_000;
    let rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            worker: "polyconnect.idle.timeout.ms=5000\npolyconnect.heartbeat.interval.ms=1000",
            ..RigOptions::default()
        },
    );
    let pid = rig.sink.wait_pid(Duration::from_secs(30));
    let producer = produce_in_background(
        &rig.bootstrap,
        &rig.sink.topic,
        1,
        n,
        30,
        Duration::from_millis(100),
    );
    rig.sink.wait_lines(500, Duration::from_secs(60));
    signal(pid, libc::SIGSTOP);
    std::thread::sleep(Duration::from_secs(9));
    signal(pid, resume);
    if resume != libc::SIGKILL {
        // A stopped process may be killed meanwhile; make sure it is not left stopped.
        signal(pid, libc::SIGCONT);
    }
    producer.join().unwrap();
    rig.finish(scenario, n, WAIT, &[]);
    rig.core
        .wait_task_state(&rig.sink.name, 0, "RUNNING", Duration::from_secs(60));
}

/// (e) SIGSTOP past the idle timeout, then SIGCONT.
#[test]
fn sigstop_past_idle_timeout_then_sigcont() {
    sigstop("connector-sigstop-cont", libc::SIGCONT);
}

/// (e) SIGSTOP past the idle timeout, then SIGKILL.
#[test]
fn sigstop_past_idle_timeout_then_sigkill() {
    sigstop("connector-sigstop-kill", libc::SIGKILL);
}

/// (f) The connector heartbeats but never answers a Put: with
/// `polyconnect.sink.put.timeout.ms=5000` the core fails the stream and restarts the task
/// (RESTARTING in its status, counted in `/metrics`); once the put is released every
/// record arrives.
#[test]
fn hung_put_times_out_and_the_task_restarts() {
    let scenario = "hang-put";
    let n = 4_000;
    let rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            worker: "polyconnect.sink.put.timeout.ms=5000",
            ..RigOptions::default()
        },
    );
    let producer = produce_in_background(
        &rig.bootstrap,
        &rig.sink.topic,
        1,
        n,
        20,
        Duration::from_millis(200),
    );
    rig.sink.wait_lines(500, Duration::from_secs(60));
    rig.sink.set("hang-put");
    let mut problems = Vec::new();
    if !wait_events(&rig.sink, "hang-put records", 1, Duration::from_secs(30)) {
        problems.push("no put hung".into());
    }
    let metric = "kafka_connect_worker_connector_restarting_task_count";
    let labels = format!("connector=\"{}\"", rig.sink.name);
    let (mut seen_status, mut seen_metric) = (false, false);
    let starts = rig.sink.event_count(" start ");
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        seen_status |= task_state(&rig.core, &rig.sink.name, 0) == "RESTARTING";
        seen_metric |= rig.core.metric(metric, &labels).unwrap_or(0.0) > 0.0;
        if seen_status && seen_metric && rig.sink.event_count(" start ") > starts {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let restarted = rig.sink.event_count(" start ") > starts;
    let (_, task_restarts) = restarts_in_log(&rig.core.log_text());
    if !(seen_status || restarted) {
        problems.push("the task was neither RESTARTING nor restarted within 20 s of a hung put (put timeout 5 s)".into());
    }
    if !seen_metric && task_restarts == 0 {
        problems.push(format!("/metrics never showed {metric}{{{labels}}} > 0"));
    }
    println!("hang-put: RESTARTING seen in status {seen_status}, in /metrics {seen_metric}, task restarted {restarted}, task restarts in the log {task_restarts}");
    rig.sink.clear("hang-put");
    producer.join().unwrap();
    rig.finish(scenario, n, WAIT, &problems);
    rig.core
        .wait_task_state(&rig.sink.name, 0, "RUNNING", Duration::from_secs(60));
}

/// (g) The core is SIGKILLed in the middle of a stream (offsets committed every 100 ms) and
/// started again: nothing is lost. The killed core's consumer never leaves its group, so
/// the new one gets the partition once the old member's session expires: 10 s here
/// (`consumer.session.timeout.ms`) instead of the default 45 s, to keep the test short.
#[test]
fn sigkill_of_the_core_mid_stream() {
    let scenario = "core-sigkill";
    let n = 10_000;
    let mut rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            flush_ms: 100,
            worker: "consumer.session.timeout.ms=10000",
            ..RigOptions::default()
        },
    );
    let pid = rig.sink.wait_pid(Duration::from_secs(30));
    let producer = produce_in_background(
        &rig.bootstrap,
        &rig.sink.topic,
        1,
        n,
        40,
        Duration::from_millis(100),
    );
    rig.sink.wait_lines(2_000, Duration::from_secs(60));
    rig.core.kill();
    // The connector process goes with the core.
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    rig.core.restart();
    rig.sink.wait_running(&rig.core, Duration::from_secs(60));
    producer.join().unwrap();
    rig.finish(scenario, n, WAIT, &[]);
}

/// The dead letter queue is written before offsets are committed: the sink reports every
/// record ending in 7 as errant (`errors.tolerance=all`, a DLQ topic), and the core is
/// SIGKILLed mid-stream with offsets committed every 100 ms. Every number is then in the
/// output file or in the dead letter queue.
#[test]
fn errant_records_reach_the_dlq_before_offsets_across_core_sigkill() {
    let scenario = "dlq-core-sigkill";
    let n = 10_000;
    let bootstrap = bootstrap();
    let dlq = unique("faults-dlq");
    let mut rig = Rig::start(
        scenario,
        &bootstrap,
        RigOptions {
            flush_ms: 100,
            worker: "consumer.session.timeout.ms=10000",
            faults: &["errant"],
            connector: &[
                ("errors.tolerance", "all"),
                ("errors.deadletterqueue.topic.name", &dlq),
                ("errors.deadletterqueue.topic.replication.factor", "1"),
            ],
            ..RigOptions::default()
        },
    );
    let pid = rig.sink.wait_pid(Duration::from_secs(30));
    let producer = produce_in_background(
        &rig.bootstrap,
        &rig.sink.topic,
        1,
        n,
        40,
        Duration::from_millis(100),
    );
    rig.sink.wait_lines(2_000, Duration::from_secs(60));
    rig.core.kill();
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    rig.core.restart();
    rig.sink.wait_running(&rig.core, Duration::from_secs(60));
    producer.join().unwrap();
    // Everything not ending in 7 reaches the file; then the dead letter queue is read.
    let expected_good = (0..n).filter(|i| i % 10 != 7).count();
    let deadline = Instant::now() + Duration::from_secs(120);
    while distinct_lines(&rig.sink.output) < expected_good as u64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let dead: Vec<String> = read_topic(&bootstrap, &dlq, n as usize / 10, Duration::from_secs(60))
        .into_iter()
        .filter_map(|r| String::from_utf8(r.3?).ok())
        .collect();
    let mut problems = Vec::new();
    let written = std::fs::read_to_string(&rig.sink.output).unwrap_or_default();
    if let Some(l) = written.lines().find(|l| l.ends_with('7')) {
        problems.push(format!("an errant record reached the output file: {l}"));
    }
    if let Some(v) = dead.iter().find(|v| !v.ends_with('7')) {
        problems.push(format!("a good record reached the dead letter queue: {v}"));
    }
    println!(
        "dlq-core-sigkill: {} records in the dead letter queue",
        dead.len()
    );
    let merged = rig.dir.path().join("output-and-dlq.txt");
    write(
        &merged,
        &format!(
            "{written}{}",
            dead.iter().map(|v| format!("{v}\n")).collect::<String>()
        ),
    );
    let c = count(n, &merged);
    report(scenario, c, &rig.core.log_text(), &merged, &problems);
}
