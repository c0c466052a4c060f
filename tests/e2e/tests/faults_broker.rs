//! Fault suite, broker outage: on a broker of the test's own (`scripts/kafka.sh` with its
//! own state directory and ports; never the shared broker), stopped for 40 s in the middle
//! of a stream and started again with its data. See `faults.rs` for the suite.

use std::time::{Duration, Instant};

use polyconnect_e2e::faults::*;

/// (i) The broker is down for 40 s mid-stream: the task stays RUNNING, and every record
/// arrives once the broker is back.
///
/// The consumer's group session expires during the outage; when the broker is back, the
/// rejoining consumer waits for the old member's session to expire on the broker too. With
/// the default `session.timeout.ms` (45 s) that adds 45 s; the worker sets 10 s to keep the
/// test short.
#[test]
fn broker_outage_mid_stream() {
    let scenario = "broker-outage";
    let n = 20_000;
    let mut broker = OwnBroker::start();
    let bootstrap = broker.bootstrap();
    let rig = Rig::start(
        scenario,
        &bootstrap,
        RigOptions {
            flush_ms: 200,
            worker: "consumer.session.timeout.ms=10000",
            ..RigOptions::default()
        },
    );
    let producer = produce_in_background(&bootstrap, &rig.sink.topic, 1, n, 80, Duration::from_millis(250));
    rig.sink.wait_lines(3_000, Duration::from_secs(60));
    let before = rig.sink.lines();
    let t = Instant::now();
    broker.down();
    let stop_took = t.elapsed();
    let down_at = Instant::now();
    let mut problems = Vec::new();
    let mut states = std::collections::BTreeMap::new();
    while down_at.elapsed() < Duration::from_secs(40) {
        let s = task_state(&rig.core, &rig.sink.name, 0);
        *states.entry(s.clone()).or_insert(0) += 1;
        std::thread::sleep(Duration::from_millis(500));
    }
    let during = rig.sink.lines();
    println!("broker-outage: {before} lines before the outage, {during} at its end; task states seen during it: {states:?}");
    if states.keys().any(|s| s != "RUNNING") {
        problems.push(format!("the task left RUNNING during the outage: {states:?}"));
    }
    let t = Instant::now();
    broker.up(true);
    let start_took = t.elapsed();
    producer.join().unwrap();
    rig.finish(scenario, n, Duration::from_secs(240), &problems);
    println!("broker-outage: stopping the broker took {stop_took:?}, starting it {start_took:?}, everything arrived {:?} after it was back", t.elapsed());
    assert_eq!(task_state(&rig.core, &rig.sink.name, 0), "RUNNING");
}
