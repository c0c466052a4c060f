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
    let producer = produce_in_background(
        &bootstrap,
        &rig.sink.topic,
        1,
        n,
        80,
        Duration::from_millis(250),
    );
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
        problems.push(format!(
            "the task left RUNNING during the outage: {states:?}"
        ));
    }
    // The outage is visible in /metrics: the consumer's transient errors are counted.
    let errors = rig
        .core
        .metric(
            "polyconnect_kafka_client_errors_total",
            &format!(
                "connector=\"{}\",task=\"0\",client=\"consumer\"",
                rig.sink.name
            ),
        )
        .unwrap_or(0.0);
    println!("broker-outage: consumer errors counted during the outage: {errors}");
    if errors < 1.0 {
        problems
            .push("the outage does not show in polyconnect_kafka_client_errors_total".to_string());
    }
    let t = Instant::now();
    broker.up(true);
    let start_took = t.elapsed();
    producer.join().unwrap();
    rig.finish(scenario, n, Duration::from_secs(240), &problems);
    println!("broker-outage: stopping the broker took {stop_took:?}, starting it {start_took:?}, everything arrived {:?} after it was back", t.elapsed());
    assert_eq!(task_state(&rig.core, &rig.sink.name, 0), "RUNNING");
}

/// Source acks follow Kafka's acks: a FileStreamSource reads lines while the broker is
/// down (its producer cannot deliver them), the core is SIGKILLed, the broker and the core
/// come back: the lines read but never acknowledged by Kafka were not in the stored
/// offsets, so they are read and produced again and every line reaches the topic.
#[test]
fn source_records_unacked_during_an_outage_survive_a_core_sigkill() {
    use polyconnect_e2e::*;
    let scenario = "source-outage-core-sigkill";
    let n: u64 = 4_000;
    let mut broker = OwnBroker::start();
    let bootstrap = broker.bootstrap();
    let dir = scenario_dir(scenario);
    let topic = unique("faults-source-outage");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap, &topic, 1));
    let input = dir.path().join("input.txt");
    std::fs::File::create(&input).unwrap();
    let port = free_port();
    let worker = fault_worker(dir.path(), &bootstrap, port, 200, "");
    let name = unique("file-source");
    let conn = dir.path().join("source.properties");
    write(
        &conn,
        &format!(
            "name={name}\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\ntopic={topic}\n",
            input.display()
        ),
    );
    let mut core = Core::start(dir.path(), &worker, &[conn], port);
    core.wait_task_state(&name, 0, "RUNNING", Duration::from_secs(60));
    let lines = |from: u64, to: u64| (from..to).map(|i| format!("{i}\n")).collect::<String>();
    let append = |text: &str| {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(&input)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    };
    append(&lines(0, n / 2));
    let first = read_topic(&bootstrap, &topic, n as usize / 2, Duration::from_secs(60)).len();
    assert!(
        first >= n as usize / 2,
        "the first half did not reach the topic: {first}\n{}",
        core.log_text()
    );
    broker.down();
    append(&lines(n / 2, n));
    // The source reads the second half; none of it can be acknowledged.
    std::thread::sleep(Duration::from_secs(5));
    let offsets_before_kill =
        std::fs::read_to_string(dir.path().join("offsets.json")).unwrap_or_default();
    core.kill();
    broker.up(true);
    core.restart();
    core.wait_task_state(&name, 0, "RUNNING", Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(120);
    let values = loop {
        let got: Vec<String> = read_topic(&bootstrap, &topic, n as usize, Duration::from_secs(10))
            .into_iter()
            .filter_map(|r| String::from_utf8(r.3?).ok())
            .collect();
        let distinct: std::collections::HashSet<&String> = got.iter().collect();
        if distinct.len() as u64 >= n || Instant::now() > deadline {
            break got;
        }
    };
    println!(
        "source-outage-core-sigkill: offsets stored before the kill: {}",
        offsets_before_kill.trim()
    );
    // The stored position may not pass the lines Kafka acknowledged (the first half).
    let mut problems = Vec::new();
    let acked_bytes = lines(0, n / 2).len() as u64;
    let position: Option<u64> = offsets_before_kill.split("position").nth(1).and_then(|r| {
        r.trim_start_matches(|c: char| !c.is_ascii_digit())
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    });
    if position.is_some_and(|p| p > acked_bytes) {
        problems.push(format!("the source offset stored during the outage ({position:?}) passes the {acked_bytes} bytes Kafka acknowledged"));
    }
    let got = dir.path().join("topic.txt");
    write(
        &got,
        &values.iter().map(|v| format!("{v}\n")).collect::<String>(),
    );
    report(scenario, count(n, &got), &core.log_text(), &got, &problems);
}
