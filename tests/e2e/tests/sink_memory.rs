//! The core's memory is bounded by the core, not by the backlog or the connector: a sink
//! paused with a large backlog behind it, then resumed and draining at the connector's
//! (slower than Kafka) pace, keeps the core's peak RSS far below the backlog's size, and
//! every record arrives (counted by sequence number).
//!
//! `BACKLOG_MB` (default 512) sets the backlog; `make bench-memory` runs it with 1024.

use std::collections::HashSet;
use std::io::BufRead;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use rdkafka::config::ClientConfig;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};

const RECORD_BYTES: usize = 4096;

fn call(port: u16, method: &str, path: &str) -> u16 {
    let url = format!("http://127.0.0.1:{port}{path}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let r = client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                &url,
            )
            .send()
            .await
            .expect("REST call");
        r.status().as_u16()
    })
}

/// VmRSS and VmHWM (peak) of a process, in KiB.
fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn produce(topic: &str, count: usize) {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .set("linger.ms", "20")
        .set("compression.type", "none")
        .set("queue.buffering.max.kbytes", "262144")
        .create()
        .unwrap();
    let pad = "x".repeat(RECORD_BYTES - 16);
    for i in 0..count {
        let value = format!("{i:015}:{pad}");
        let mut rec = BaseRecord::<(), str>::to(topic).payload(&value);
        loop {
            match producer.send(rec) {
                Ok(()) => break,
                Err((_, r)) => {
                    rec = r;
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
    }
    producer.flush(Duration::from_secs(120)).unwrap();
}

#[test]
fn a_large_backlog_behind_a_paused_then_slow_sink_keeps_memory_bounded() {
    let backlog_mb: usize = std::env::var("BACKLOG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    let count = backlog_mb * 1024 * 1024 / RECORD_BYTES;
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output.txt");
    let topic = unique("memory");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 4));
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "offset.flush.interval.ms=1000\n");
    let sink = dir.path().join("sink.json");
    write(
        &sink,
        &serde_json::json!({
            "name": "memory-sink",
            "config": {
                "connector.class": "FileStreamSink",
                "tasks.max": "1",
                "file": output.display().to_string(),
                "topics": topic,
            }
        })
        .to_string(),
    );
    let core = Core::start(dir.path(), &worker, &[sink], rest);
    core.wait_task_state("memory-sink", 0, "RUNNING", Duration::from_secs(60));
    assert_eq!(call(rest, "PUT", "/connectors/memory-sink/pause"), 202);
    core.wait_task_state("memory-sink", 0, "PAUSED", Duration::from_secs(30));
    let (base_rss, _) = rss_kib(core.pid());

    produce(&topic, count);
    std::thread::sleep(Duration::from_secs(3));
    let (paused_rss, _) = rss_kib(core.pid());

    assert_eq!(call(rest, "PUT", "/connectors/memory-sink/resume"), 202);
    let started = Instant::now();
    let mut peak = 0;
    let mut lines = 0;
    while Instant::now() < started + Duration::from_secs(600) {
        let (rss, hwm) = rss_kib(core.pid());
        peak = peak.max(rss).max(hwm);
        lines = std::fs::File::open(&output)
            .map(|f| std::io::BufReader::new(f).lines().count())
            .unwrap_or(0);
        if lines >= count {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let took = started.elapsed();
    let mut seen = HashSet::with_capacity(count);
    let mut duplicated = 0;
    for line in std::io::BufReader::new(std::fs::File::open(&output).unwrap()).lines() {
        let line = line.unwrap();
        let seq: usize = line[..15].parse().expect("a sequence number");
        if !seen.insert(seq) {
            duplicated += 1;
        }
    }
    let missing = (0..count).filter(|i| !seen.contains(i)).count();
    println!(
        "scenario=sink-memory backlog={backlog_mb}MiB in={count} out={lines} missing={missing} duplicated={duplicated} \
         rss_start={}MiB rss_paused={}MiB peak_rss={}MiB drain={:.1}s",
        base_rss / 1024,
        paused_rss / 1024,
        peak / 1024,
        took.as_secs_f64()
    );
    assert_eq!(missing, 0, "records lost");
    // The bound: the consumer's prefetch plus the core's buffers (batches waiting, Puts in
    // flight, each capped by polyconnect.sink.max.buffered.bytes), nothing like the backlog.
    let bound_mib = 320;
    assert!(
        peak / 1024 < bound_mib,
        "peak RSS {} MiB with a {backlog_mb} MiB backlog (bound {bound_mib} MiB)",
        peak / 1024
    );
}
