//! Fault suite, compression: records written by Kafka's own Java producer with each codec
//! (gzip, snappy, lz4, zstd) reach the FaultSink, and a source connector with
//! `producer.override.compression.type=zstd` writes records Kafka's Java consumer reads
//! back. Where the shared broker's log is on this machine, Kafka's DumpLogSegments
//! confirms the batches carry the codec. See `faults.rs` for the suite.

use std::collections::BTreeSet;
use std::time::Duration;

use polyconnect_e2e::faults::*;
use polyconnect_e2e::*;

const CODECS: [&str; 4] = ["gzip", "snappy", "lz4", "zstd"];

/// (j) VerifiableProducer (values "0".."N-1") with compression.type=<codec>, one topic and
/// one FaultSink per codec, all in one core.
#[test]
fn java_producer_codecs_reach_the_sink() {
    let n = 5_000u64;
    let bootstrap = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut sinks = Vec::new();
    for codec in CODECS {
        let topic = unique(&format!("faults-codec-{codec}"));
        rt.block_on(create_topic(&bootstrap, &topic, 1));
        sinks.push((
            codec,
            FaultSink::new(
                dir.path(),
                &unique(&format!("fault-codec-{codec}")),
                &topic,
                1,
                &[],
            ),
        ));
    }
    // Kafka's producer, one JVM per codec, in parallel.
    let producers: Vec<_> = sinks
        .iter()
        .map(|(codec, sink)| {
            let config = dir.path().join(format!("producer-{codec}.properties"));
            write(
                &config,
                &format!("compression.type={codec}\nlinger.ms=20\nacks=all\n"),
            );
            let (topic, bootstrap) = (sink.topic.clone(), bootstrap.clone());
            let codec = codec.to_string();
            std::thread::spawn(move || {
                let (ok, _, err) = kafka_java(
                    "org.apache.kafka.tools.VerifiableProducer",
                    &[
                        "--bootstrap-server",
                        &bootstrap,
                        "--topic",
                        &topic,
                        "--max-messages",
                        &n.to_string(),
                        "--producer.config",
                        &config.display().to_string(),
                    ],
                );
                assert!(ok, "VerifiableProducer with {codec} failed: {err}");
            })
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    let port = free_port();
    let worker = fault_worker(dir.path(), &bootstrap, port, 500, "");
    let configs: Vec<_> = sinks.iter().map(|(_, s)| s.config.clone()).collect();
    let core = Core::start(dir.path(), &worker, &configs, port);
    let mut failures = Vec::new();
    for (codec, sink) in &sinks {
        sink.wait_running(&core, Duration::from_secs(60));
        let c = wait_complete(
            n,
            &sink.output,
            Duration::from_secs(120),
            Duration::from_secs(60),
        );
        let mut problems = Vec::new();
        if let Some(data) = shared_broker_data_dir() {
            if let Some(codecs) = batch_codecs(&data, &sink.topic, 0) {
                println!("codec-{codec}: batches by codec in the broker's log: {codecs:?}");
                if codecs.keys().any(|k| k != codec) || codecs.is_empty() {
                    problems.push(format!(
                        "the topic's batches are not all {codec}: {codecs:?}"
                    ));
                }
            }
        }
        let r = std::panic::catch_unwind(|| {
            report(
                &format!("codec-{codec}"),
                c,
                &core.log_text(),
                &sink.output,
                &problems,
            )
        });
        if r.is_err() {
            failures.push(codec.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "codecs with missing records or problems: {failures:?}"
    );
}

/// (j) A source connector (the Rust test connector, raw records numbered 1..N) with
/// `producer.override.compression.type=zstd`: Kafka's Java console consumer reads every
/// record back, and the batches in the log are zstd.
#[test]
fn source_with_zstd_override_is_read_by_the_java_consumer() {
    let scenario = "source-zstd";
    let n = 5_000u64;
    let bootstrap = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    let plugin = plugins.join("test-connector");
    std::fs::create_dir_all(&plugin).unwrap();
    write(
        &plugin.join("polyconnect-plugin.json"),
        &format!(
            r#"{{"name":"test-connector","command":["{}"],"plugins":[{{"class":"TestSource","type":"source"}}]}}"#,
            binary("polyconnect-test-connector").display()
        ),
    );
    let topic = unique("faults-source-zstd");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap, &topic, 1));
    let port = free_port();
    let worker = fault_worker_with_plugins(dir.path(), &bootstrap, port, 200, "", &[plugins]);
    let name = unique("zstd-source");
    let conn = dir.path().join("source.properties");
    write(
        &conn,
        &format!(
            "name={name}\nconnector.class=TestSource\ntopic={topic}\nrecords={n}\nbatch.size=500\nrecord.bytes=100\n\
             producer.override.compression.type=zstd\n"
        ),
    );
    let core = Core::start(dir.path(), &worker, &[conn], port);
    core.wait_task_state(&name, 0, "RUNNING", Duration::from_secs(60));
    let (ok, out, err) = kafka_sh(
        &[
            "console-consumer",
            "--bootstrap-server",
            &bootstrap,
            "--topic",
            &topic,
            "--from-beginning",
            "--max-messages",
            &n.to_string(),
            "--timeout-ms",
            "60000",
        ],
        &[],
    );
    // The record numbers (the first ten bytes, 1..N) as 0..N-1, one per line.
    let lines: String = out
        .lines()
        .filter_map(|l| l.get(..10)?.parse::<u64>().ok())
        .map(|x| format!("{}\n", x - 1))
        .collect();
    let got = dir.path().join("consumed.txt");
    write(&got, &lines);
    let c = count(n, &got);
    let mut problems = Vec::new();
    if !ok && c.missing > 0 {
        problems.push(format!("the console consumer failed: {err}"));
    }
    // rdkafka reads the same.
    let distinct: BTreeSet<u64> =
        read_topic(&bootstrap, &topic, n as usize, Duration::from_secs(60))
            .iter()
            .filter_map(|r| {
                std::str::from_utf8(r.3.as_ref()?.get(..10)?)
                    .ok()?
                    .parse()
                    .ok()
            })
            .collect();
    if distinct.len() as u64 != n {
        problems.push(format!(
            "rdkafka read {} distinct records of {n}",
            distinct.len()
        ));
    }
    if let Some(data) = shared_broker_data_dir() {
        if let Some(codecs) = batch_codecs(&data, &topic, 0) {
            println!("source-zstd: batches by codec in the broker's log: {codecs:?}");
            if codecs.keys().any(|k| k != "zstd") || codecs.is_empty() {
                problems.push(format!("the source's batches are not all zstd: {codecs:?}"));
            }
        }
    }
    report(scenario, c, &core.log_text(), &got, &problems);
}
