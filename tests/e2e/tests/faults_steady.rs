//! Fault suite, steady state: a stream with offsets committed every 100 ms runs for a while
//! (20 s in `make test`; `scripts/soak.sh` runs it for the whole soak) and no connector
//! process or task is restarted that nobody asked to restart. See `faults.rs` for the suite.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use polyconnect_e2e::faults::*;
use polyconnect_e2e::*;

/// How long the stream runs: `POLYCONNECT_SOAK_SECONDS`, default 20.
fn seconds() -> u64 {
    std::env::var("POLYCONNECT_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

#[test]
fn steady_stream_with_fast_offset_flushes_restarts_nothing() {
    let scenario = "steady-flush-100ms";
    let rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            flush_ms: 100,
            ..RigOptions::default()
        },
    );
    let pid = rig.sink.wait_pid(Duration::from_secs(30));
    let stop = Arc::new(AtomicBool::new(false));
    let producer = produce_until(&rig.bootstrap, &rig.sink.topic, 1_000, stop.clone());
    let secs = seconds();
    let mut problems = Vec::new();
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(1));
        let state = task_state(&rig.core, &rig.sink.name, 0);
        if state != "RUNNING" && problems.len() < 20 {
            problems.push(format!("task {state} after {:?}", start.elapsed()));
        }
    }
    stop.store(true, Ordering::Relaxed);
    let n = producer.join().unwrap();
    let restarts = rig
        .core
        .metric(
            "polyconnect_connector_process_restarts_total",
            "plugin=\"fault-sink\"",
        )
        .unwrap_or(0.0);
    let (in_log_process, in_log_task) = restarts_in_log(&rig.core.log_text());
    if restarts > 0.0 || in_log_process > 0 || in_log_task > 0 {
        problems.push(format!(
            "unexpected restarts: /metrics process restarts {restarts}, log: {in_log_process} process, {in_log_task} task"
        ));
    }
    if rig.sink.pid() != Some(pid) {
        problems.push(format!(
            "the connector process changed: {pid} -> {:?}",
            rig.sink.pid()
        ));
    }
    let commits = rig.core.metric(
        "kafka_connect_sink_task_offset_commit_completion_total",
        &format!("connector=\"{}\",task=\"0\"", rig.sink.name),
    );
    println!("steady-flush-100ms: {secs} s, {n} records, offset commits {commits:?}");
    rig.finish(scenario, n, Duration::from_secs(120), &problems);
}
