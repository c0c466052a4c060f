//! `make bench`: source throughput into Kafka through the core, beside the raw rdkafka
//! producer on the same broker.
//!
//! For each value size (100 B and 1 KiB by default) it measures:
//! - `raw producer`: rdkafka alone, with the producer settings the core uses;
//! - `core + raw-bytes connector`: the Rust test connector sending raw bytes over gRPC;
//! - `core + <sdk> SDK source`: the same trivial source written with each SDK, one per line
//!   of `tests/bench/sdk-sources.txt` (an SDK joins the benchmark with one line there).
//!
//! Then the cost of tracing: the same core runs with tracing off, sampled at 1 % and at
//! 100 % (`parentbased_traceidratio`), exporting over OTLP/gRPC to an in-process receiver.
//!
//! Each run writes to a fresh topic; the time runs from the task being RUNNING until the
//! topic's high watermark reaches the record count. Settings: BENCH_RECORDS_100,
//! BENCH_RECORDS_1K, BENCH_RECORDS_TRACING, BENCH_SDKS=python,rust (default: every listed
//! SDK), BENCH_SKIP_PYTHON=1 (no Python in the tracing runs), BENCH_SKIP_TRACING=1,
//! POLYCONNECT_TEST_BOOTSTRAP.

use std::path::Path;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseRecord, Producer, ThreadedProducer, DefaultProducerContext};
use rdkafka::ClientConfig;

struct Result_ {
    name: String,
    size: usize,
    records: u64,
    secs: f64,
}

impl Result_ {
    fn rps(&self) -> f64 {
        self.records as f64 / self.secs
    }
    fn mbps(&self) -> f64 {
        self.records as f64 * self.size as f64 / self.secs / 1e6
    }
}

fn high_watermark(consumer: &BaseConsumer, topic: &str) -> i64 {
    let md = match consumer.fetch_metadata(Some(topic), Duration::from_secs(5)) {
        Ok(m) => m,
        Err(_) => return 0,
    };
    let mut total = 0;
    for t in md.topics() {
        for p in t.partitions() {
            if let Ok((_, hi)) = consumer.fetch_watermarks(topic, p.id(), Duration::from_secs(5)) {
                total += hi;
            }
        }
    }
    total
}

fn wait_watermark(bootstrap: &str, topic: &str, n: u64, timeout: Duration) -> Instant {
    let consumer: BaseConsumer = ClientConfig::new().set("bootstrap.servers", bootstrap).create().unwrap();
    let deadline = Instant::now() + timeout;
    loop {
        if high_watermark(&consumer, topic) as u64 >= n {
            return Instant::now();
        }
        if Instant::now() > deadline {
            panic!("topic {topic} did not reach {n} records in {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn raw_producer(bootstrap: &str, size: usize, n: u64) -> Result_ {
    let topic = unique("bench-raw");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(bootstrap, &topic, 1));
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", "1000000")
        .set("queue.buffering.max.kbytes", "2097151")
        .create()
        .unwrap();
    let payload = vec![b'x'; size];
    let start = Instant::now();
    for _ in 0..n {
        let mut rec: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(&topic).payload(&payload[..]);
        loop {
            match producer.send(rec) {
                Ok(()) => break,
                Err((_, r)) => {
                    rec = r;
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
        }
    }
    producer.flush(Duration::from_secs(120)).unwrap();
    Result_ {
        name: "raw rdkafka producer".into(),
        size,
        records: n,
        secs: start.elapsed().as_secs_f64(),
    }
}

fn through_core(bootstrap: &str, name: &str, plugin_dir: &Path, class: &str, extra: &str, size: usize, n: u64) -> Result_ {
    through_core_with_env(bootstrap, name, plugin_dir, class, extra, size, n, &[])
}

#[allow(clippy::too_many_arguments)]
fn through_core_with_env(bootstrap: &str, name: &str, plugin_dir: &Path, class: &str, extra: &str, size: usize, n: u64, env: &[(&str, &str)]) -> Result_ {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("bench-core");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(bootstrap, &topic, 1));
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=1000\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            dir.path().join("offsets").display(),
            plugin_dir.display()
        ),
    );
    let conn = dir.path().join("bench.properties");
    write(
        &conn,
        &format!("name=bench\nconnector.class={class}\ntopic={topic}\nrecords={n}\nrecord.bytes={size}\n{extra}\n"),
    );
    let core = Core::start_with_env(dir.path(), &worker, &[conn], rest, env);
    core.wait_task_state("bench", 0, "RUNNING", Duration::from_secs(120));
    let start = Instant::now();
    let end = wait_watermark(bootstrap, &topic, n, Duration::from_secs(600));
    drop(core);
    Result_ {
        name: name.into(),
        size,
        records: n,
        secs: (end - start).as_secs_f64(),
    }
}

fn env_u64(k: &str, d: u64) -> u64 {
    std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d)
}

fn main() {
    let bootstrap = bootstrap();
    let plugins = tempfile::tempdir().unwrap();
    let raw_plugin = plugins.path().join("test-connector");
    std::fs::create_dir_all(&raw_plugin).unwrap();
    write(
        &raw_plugin.join("polyconnect-plugin.json"),
        &format!(
            r#"{{"name":"test-connector","command":["{}"],"plugins":[{{"class":"TestSource","type":"source"}}]}}"#,
            binary("polyconnect-test-connector").display()
        ),
    );
    let sdks = sdk_sources();
    let mut results = Vec::new();
    for (size, n) in [(100usize, env_u64("BENCH_RECORDS_100", 1_000_000)), (1024, env_u64("BENCH_RECORDS_1K", 300_000))] {
        let raw = raw_producer(&bootstrap, size, n);
        println!("{:<32} {:>5} B  {:>10.0} records/s  {:>8.1} MB/s", raw.name, size, raw.rps(), raw.mbps());
        let core = through_core(&bootstrap, "core + raw-bytes connector", plugins.path(), "TestSource", "batch.size=2000", size, n);
        print_ratio(&core, &raw);
        let mut per_sdk = Vec::new();
        for s in &sdks {
            // SDK sources are slower than the raw producer: a fifth of the records keeps
            // each run short while still measuring steady state.
            let n_sdk = (n / 5).max(1000);
            let name = format!("core + {} SDK source", s.sdk);
            let r = through_core(&bootstrap, &name, &s.dir, &s.class, &s.extra, size, n_sdk);
            print_ratio(&r, &raw);
            per_sdk.push(r);
        }
        results.push((raw, core, per_sdk));
    }
    let tracing = if std::env::var("BENCH_SKIP_TRACING").is_ok() {
        Vec::new()
    } else {
        let python_plugins = repo_root().join("tests/bench/python-source");
        tracing_cost(&bootstrap, plugins.path(), &python_plugins, std::env::var("BENCH_SKIP_PYTHON").is_ok())
    };
    let mut header = String::from("| value size | raw producer | core + raw-bytes connector | ratio |");
    let mut rule = String::from("|---|---|---|---|");
    for s in &sdks {
        header.push_str(&format!(" core + {} SDK | ratio |", s.sdk));
        rule.push_str("---|---|");
    }
    println!("\n{header}\n{rule}");
    for (raw, core, per_sdk) in &results {
        let mut row = format!(
            "| {} B | {:.0} rec/s ({:.1} MB/s) | {:.0} rec/s ({:.1} MB/s) | {:.2} |",
            raw.size,
            raw.rps(),
            raw.mbps(),
            core.rps(),
            core.mbps(),
            core.rps() / raw.rps()
        );
        for r in per_sdk {
            row.push_str(&format!(" {:.0} rec/s ({:.1} MB/s) | {:.2} |", r.rps(), r.mbps(), r.rps() / raw.rps()));
        }
        println!("{row}");
    }
    if !tracing.is_empty() {
        println!("\n| tracing (100 B records) | core + raw-bytes connector | vs off | core + Python connector | vs off | spans received |");
        println!("|---|---|---|---|---|---|");
        let (raw_off, py_off) = (tracing[0].1.rps(), tracing[0].2.as_ref().map(|p| p.rps()));
        for (label, raw, py, spans) in &tracing {
            let (py_s, py_c) = match (py, py_off) {
                (Some(p), Some(off)) => (format!("{:.0} rec/s", p.rps()), format!("{:+.1} %", (p.rps() / off - 1.0) * 100.0)),
                _ => ("skipped".into(), "-".into()),
            };
            println!(
                "| {label} | {:.0} rec/s | {:+.1} % | {py_s} | {py_c} | {spans} |",
                raw.rps(),
                (raw.rps() / raw_off - 1.0) * 100.0
            );
        }
    }
}

/// Throughput with tracing off, at 1 % and at 100 %: (label, raw-bytes, Python, spans).
fn tracing_cost(bootstrap: &str, raw_plugins: &Path, python_plugins: &Path, skip_python: bool) -> Vec<(String, Result_, Option<Result_>, u64)> {
    let n = env_u64("BENCH_RECORDS_TRACING", 500_000);
    let mut out = Vec::new();
    for (label, ratio) in [("off", None), ("sampled 1 %", Some("0.01")), ("sampled 100 %", Some("1.0"))] {
        let receiver = polyconnect_e2e::otlp::Receiver::counting();
        let endpoint = receiver.endpoint();
        let env: Vec<(&str, &str)> = match ratio {
            None => Vec::new(),
            Some(r) => vec![
                ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
                ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                ("OTEL_TRACES_SAMPLER_ARG", r),
            ],
        };
        let raw = through_core_with_env(bootstrap, "raw-bytes", raw_plugins, "TestSource", "batch.size=2000", 100, n, &env);
        println!("tracing {label:<14} core + raw-bytes connector  {:>10.0} records/s", raw.rps());
        let py = (!skip_python).then(|| {
            let r = through_core_with_env(bootstrap, "python", python_plugins, "BenchSource", "", 100, (n / 5).max(1000), &env);
            println!("tracing {label:<14} core + python connector     {:>10.0} records/s", r.rps());
            r
        });
        // Give the exporters a moment to deliver what they buffered.
        std::thread::sleep(Duration::from_secs(1));
        out.push((label.to_string(), raw, py, receiver.count()));
    }
    out
}

fn print_ratio(r: &Result_, raw: &Result_) {
    println!(
        "{:<32} {:>5} B  {:>10.0} records/s  {:>8.1} MB/s  ratio {:.2}",
        r.name,
        r.size,
        r.rps(),
        r.mbps(),
        r.rps() / raw.rps()
    );
}

/// One SDK's trivial source, from `tests/bench/sdk-sources.txt`.
struct SdkSource {
    sdk: String,
    dir: std::path::PathBuf,
    class: String,
    extra: String,
}

fn sdk_sources() -> Vec<SdkSource> {
    let list = repo_root().join("tests/bench/sdk-sources.txt");
    let text = std::fs::read_to_string(&list).unwrap_or_else(|e| panic!("{}: {e}", list.display()));
    let wanted: Option<Vec<String>> = std::env::var("BENCH_SDKS").ok().map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let skip_python = std::env::var("BENCH_SKIP_PYTHON").is_ok();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut parts = line.split_whitespace();
        let (Some(sdk), Some(dir), Some(class)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("{}: bad line '{line}' (want: <sdk> <plugin dir> <class> [key=value ...])", list.display());
        };
        if wanted.as_ref().is_some_and(|w| !w.iter().any(|x| x == sdk)) || (skip_python && sdk == "python") {
            continue;
        }
        let dir = repo_root().join(dir);
        if !dir.join("polyconnect-plugin.json").is_file() {
            println!("(skipping the {sdk} SDK: no plugin manifest in {})", dir.display());
            continue;
        }
        out.push(SdkSource { sdk: sdk.into(), dir, class: class.into(), extra: parts.collect::<Vec<_>>().join("\n") });
    }
    out
}
