//! `make bench` part `eos`: the cost of exactly-once source delivery (KIP-618), Polyconnect
//! and Apache Kafka Connect 4.3.1 side by side, on the same broker, in one run.
//!
//! Each case is one distributed worker of a runtime (a fresh group) with
//! `exactly.once.source.support` `disabled` (at least once) or `enabled` (exactly once,
//! `transaction.boundary=poll`, `exactly.once.support=required`), and Kafka Connect's
//! FileStream source over a file of N lines of 100 bytes. Measured: records/s from the
//! first record a `read_committed` consumer sees to the last; CPU µs per record of the
//! worker's whole process tree from the connector's creation to the last record; the tree's
//! peak RSS. The runtimes and modes alternate within each round; medians over the rounds.
//!
//! Knobs (environment): BENCH_EOS_RECORDS (default 200000), BENCH_EOS_ROUNDS (default 2),
//! BENCH_EOS_BATCH (the source's `batch.size`, default 2000), BENCH_RUNTIMES
//! (polyconnect,kafka-connect), BENCH_KC_HEAP_OPTS (default "-Xms256M -Xmx2G"), BENCH_EOS_OUT
//! (default target/bench/eos.md); POLYCONNECT_TEST_BOOTSTRAP, POLYCONNECT_POLYCONNECT_BIN.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use polyconnect_e2e::measure::{machine, median, ratio, tree_cpu, RssSampler};
use polyconnect_e2e::{
    bootstrap, distributed_common_properties, free_port, repo_root, unique, Core,
    KafkaConnectDistributed,
};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

const MODES: [&str; 2] = ["disabled", "enabled"];

enum Worker {
    Polyconnect(Core),
    KafkaConnect(KafkaConnectDistributed),
}

impl Worker {
    fn start(runtime: &str, dir: &Path, properties: &str, port: u16) -> Worker {
        match runtime {
            "polyconnect" => {
                let file = dir.join("worker.properties");
                std::fs::write(
                    &file,
                    format!(
                        "{properties}listeners=http://127.0.0.1:{port}\nplugin.path={}\n",
                        repo_root().join("connectors").display()
                    ),
                )
                .unwrap();
                Worker::Polyconnect(Core::start_distributed(dir, &file, port))
            }
            _ => {
                let heap = std::env::var("BENCH_KC_HEAP_OPTS")
                    .unwrap_or_else(|_| "-Xms256M -Xmx2G".into());
                let jvm: Vec<String> = heap.split_whitespace().map(str::to_string).collect();
                Worker::KafkaConnect(KafkaConnectDistributed::start_with_jvm(
                    dir, properties, port, &jvm,
                ))
            }
        }
    }

    fn pid(&self) -> u32 {
        match self {
            Worker::Polyconnect(c) => c.pid(),
            Worker::KafkaConnect(k) => k.pid().expect("running"),
        }
    }

    fn stop(self) {
        match self {
            Worker::Polyconnect(mut c) => c.stop(),
            Worker::KafkaConnect(mut k) => k.stop(),
        }
    }
}

fn post(port: u16, path: &str, body: serde_json::Value) -> (u16, String) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let r = reqwest::Client::new()
                .post(format!("http://127.0.0.1:{port}{path}"))
                .json(&body)
                .timeout(Duration::from_secs(120))
                .send()
                .await;
            match r {
                Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
                Err(e) => (0, e.to_string()),
            }
        })
}

struct Sample {
    records_per_sec: f64,
    cpu_us_per_record: f64,
    peak_rss: f64,
}

fn run(runtime: &str, mode: &str, n: u64, batch: u64) -> Sample {
    let dir = tempfile::tempdir().unwrap();
    let group = unique("bench-eos");
    let properties = format!(
        "{}exactly.once.source.support={mode}\n",
        distributed_common_properties(&group)
    );
    let port = free_port();
    let worker = Worker::start(runtime, dir.path(), &properties, port);
    let input = dir.path().join("in.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for seq in 0..n {
            // 100 bytes with the newline.
            writeln!(f, "#{seq:010} {}", "x".repeat(88)).unwrap();
        }
    }
    let topic = format!("{group}-lines");
    let pid = worker.pid();
    let rss = RssSampler::start(pid);
    let _ = rss.take(pid);
    let cpu0 = tree_cpu(pid);
    let mut config = serde_json::json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1",
        "file": input.display().to_string(),
        "topic": topic,
        "batch.size": batch.to_string(),
    });
    if mode == "enabled" {
        config["exactly.once.support"] = "required".into();
        config["transaction.boundary"] = "poll".into();
    }
    let (code, body) = post(
        port,
        "/connectors",
        serde_json::json!({"name": "src", "config": config}),
    );
    assert_eq!(code, 201, "{runtime}: create: {body}");
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .set("group.id", unique("bench-eos-reader"))
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .set("fetch.max.bytes", "52428800")
        .create()
        .unwrap();
    let deadline = Instant::now()
        + Duration::from_secs(
            std::env::var("BENCH_TIMEOUT_SECS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(900),
        );
    let mut tpl = TopicPartitionList::new();
    while tpl.count() == 0 {
        assert!(Instant::now() < deadline, "{runtime}: no topic {topic}");
        if let Ok(md) = consumer.fetch_metadata(Some(&topic), Duration::from_secs(5)) {
            for t in md.topics().iter().filter(|t| t.error().is_none()) {
                for p in t.partitions() {
                    tpl.add_partition_offset(&topic, p.id(), Offset::Beginning)
                        .unwrap();
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    consumer.assign(&tpl).unwrap();
    let mut seen = 0u64;
    let mut first = None;
    while seen < n {
        assert!(
            Instant::now() < deadline,
            "{runtime} {mode}: {seen} of {n} records"
        );
        if let Some(Ok(_)) = consumer.poll(Duration::from_millis(100)) {
            first.get_or_insert_with(Instant::now);
            seen += 1;
        }
    }
    let took = first.expect("records").elapsed();
    let cpu = tree_cpu(pid) - cpu0;
    let peak = rss.take(pid);
    drop(rss);
    worker.stop();
    Sample {
        records_per_sec: n as f64 / took.as_secs_f64().max(1e-9),
        cpu_us_per_record: cpu * 1e6 / n as f64,
        peak_rss: peak as f64,
    }
}

fn main() {
    let n: u64 = std::env::var("BENCH_EOS_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let rounds: usize = std::env::var("BENCH_EOS_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let batch: u64 = std::env::var("BENCH_EOS_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let runtimes: Vec<String> = std::env::var("BENCH_RUNTIMES")
        .unwrap_or_else(|_| "polyconnect,kafka-connect".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let mut samples: BTreeMap<(String, &str), Vec<Sample>> = BTreeMap::new();
    for round in 0..rounds {
        for (i, mode) in MODES.iter().enumerate() {
            // Alternate which runtime goes first.
            let mut order = runtimes.clone();
            if (round + i) % 2 == 1 {
                order.reverse();
            }
            for rt in &order {
                let s = run(rt, mode, n, batch);
                eprintln!(
                    "eos: round {} {rt} {mode}: {:.0} records/s, {:.1} CPU µs/record, {:.0} MiB",
                    round + 1,
                    s.records_per_sec,
                    s.cpu_us_per_record,
                    s.peak_rss / 1048576.0
                );
                samples.entry((rt.clone(), mode)).or_default().push(s);
            }
        }
    }
    let med = |rt: &str, mode: &str, f: fn(&Sample) -> f64| -> f64 {
        samples
            .get(&(rt.to_string(), MODES.iter().find(|m| **m == mode).unwrap()))
            .map(|v| median(v.iter().map(f).collect()))
            .unwrap_or(f64::NAN)
    };
    let label = |rt: &str| {
        if rt == "polyconnect" {
            "Polyconnect"
        } else {
            "Kafka Connect"
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "Exactly-once sources: FileStream source, {n} lines of 100 B, batch.size {batch}, one distributed worker, medians of {rounds} rounds; {}\n\n",
        machine()
    ));
    out.push_str("| runtime | delivery | records/s | CPU µs/record | peak RSS MiB | exactly once / at least once (records/s) |\n|---|---|---|---|---|---|\n");
    for rt in &runtimes {
        for mode in MODES {
            let rps = med(rt, mode, |s| s.records_per_sec);
            let cpu = med(rt, mode, |s| s.cpu_us_per_record);
            let rss = med(rt, mode, |s| s.peak_rss) / 1048576.0;
            let vs = if mode == "enabled" {
                ratio(rps, med(rt, "disabled", |s| s.records_per_sec))
            } else {
                "1".into()
            };
            let delivery = if mode == "enabled" {
                "exactly once"
            } else {
                "at least once"
            };
            out.push_str(&format!(
                "| {} | {delivery} | {rps:.0} | {cpu:.1} | {rss:.0} | {vs} |\n",
                label(rt)
            ));
        }
    }
    if runtimes.len() == 2 {
        out.push_str("\nPolyconnect / Kafka Connect:\n\n| delivery | records/s | CPU µs/record | peak RSS |\n|---|---|---|---|\n");
        for mode in MODES {
            let r = |f: fn(&Sample) -> f64| {
                ratio(med("polyconnect", mode, f), med("kafka-connect", mode, f))
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                if mode == "enabled" {
                    "exactly once"
                } else {
                    "at least once"
                },
                r(|s| s.records_per_sec),
                r(|s| s.cpu_us_per_record),
                r(|s| s.peak_rss),
            ));
        }
    }
    println!("{out}");
    let path = std::env::var("BENCH_EOS_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| polyconnect_e2e::target_dir().join("bench/eos.md"));
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let _ = std::fs::write(&path, &out);
}
