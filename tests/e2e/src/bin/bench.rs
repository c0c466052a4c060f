//! `make bench`: source throughput into Kafka through the core, beside the raw rdkafka
//! producer on the same broker.
//!
//! For each value size (100 B and 1 KiB by default) it measures:
//! - `raw producer`: rdkafka alone, with the producer settings the core uses;
//! - `core + raw-bytes connector`: the Rust test connector sending raw bytes over gRPC;
//! - `core + <sdk> SDK source`: the same trivial source written with each SDK, one per line
//!   of `tests/bench/sdk-sources.txt` (an SDK joins the benchmark with one line there).
//!
//! Then the sink side (`sink`): the same trivial sink written with each SDK, one per line of
//! `tests/bench/sdk-sinks.txt` (`<sdk> <plugin dir> <class> [key=value ...]`, the sink
//! discards the records and returns the offsets it is given on flush; a line whose plugin
//! directory does not exist is skipped): a topic filled with N STRING records of each size
//! (N = a fifth of the source runs'), the sink started on it with `topics=<topic>`, done
//! when the consumer group `connect-<name>` has committed N (offset.flush.interval.ms=500,
//! so the figure includes up to half a second of commit cadence). Without that file the
//! Python FileStreamSink (connectors/file, into a file in the run's directory) stands in.
//!
//! Then the cost of tracing: the same core runs with tracing off, sampled at 1 % and at
//! 100 % (`parentbased_traceidratio`), exporting over OTLP/gRPC to an in-process receiver,
//! from the raw-bytes connector and from the Python source (half as many records), both
//! polling 200 records at a time (sampling is per poll).
//! The settings (BENCH_TRACING_RATIOS, default 0.01,1.0, besides off) run interleaved for
//! BENCH_TRACING_ROUNDS rounds (default 5), so a
//! machine's drift hits all of them alike, and the table gives medians: throughput, and
//! the CPU time the core and the connector process used per record, which other work on
//! the machine disturbs much less than wall-clock throughput.
//!
//! Then the cost of one transform (`transforms`): the raw-bytes test connector sending
//! STRING values (`mode=string`, 100 B) with a chain of one transform: none, a built-in one
//! (`InsertHeader`, a literal header), or one out of process: the Python SDK's example
//! (`Upper`), the Go SDK's (`Reverse`) and the Rust SDK's (`AppendSuffix`), each a string
//! operation on the value, so the difference from the chain without a transform is the
//! cost of the mechanism. BENCH_RECORDS_TRANSFORMS records (default 200000) per run,
//! BENCH_TRANSFORM_ROUNDS interleaved rounds (default 3); medians of throughput and of the
//! CPU time of the whole process tree (the core, the connector, the transform's process)
//! per record. The Rust example runs from its release build when there is one (`cargo
//! build --release -p polyconnect-sdk --example first_transform`), else the debug one.
//!
//! Then the converters (`registry`): DataGen's `users` (structs of
//! eight fields with a Decimal and a Timestamp, keyed) into Kafka with each converter as
//! key and value converter — JsonConverter with schemas, and the AvroConverter,
//! ProtobufConverter and JsonSchemaConverter on the Schema Registry
//! (POLYCONNECT_TEST_SCHEMA_REGISTRY, `scripts/registry.sh url`) — until the topic holds
//! BENCH_RECORDS_REGISTRY records (default 200000); then the Rust SDK's bench sink reads
//! that topic back through the same converter until its group committed them all.
//! BENCH_REGISTRY_ROUNDS interleaved rounds (default 3); medians of records/s, bytes per
//! record in Kafka and CPU µs per record of the whole process tree.
//!
//! Each run writes to a fresh topic and is timed from its first records to its last: from
//! the first time the topic's high watermark (for a sink, its group's committed offset,
//! committed every 100 ms) is seen to move until it reaches the record count; the records
//! already there then, and the start-up before them (the connector process's, the task's),
//! count neither in the rate nor in the CPU per record. Settings: BENCH_RECORDS_100 (default
//! BENCH_RECORDS, else 1000000), BENCH_RECORDS_1K (default BENCH_RECORDS / 4, else
//! 300000), BENCH_RECORDS_TRACING, BENCH_SDKS=python,rust (default: every listed
//! SDK, sources and sinks), BENCH_SKIP_PYTHON=1 (no Python in the tracing runs),
//! BENCH_SKIP_TRACING=1, BENCH_RAW_ROWS=1 (the raw-bytes connector sends rows, not
//! columnar batches), BENCH_ONLY=source,sink,tracing,transforms,registry (default all;
//! `sdk` means source,sink), BENCH_SDK_SINKS_FILE (another list than tests/bench/sdk-sinks.txt),
//! POLYCONNECT_TEST_BOOTSTRAP.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::ClientConfig;

struct Result_ {
    name: String,
    size: usize,
    records: u64,
    /// The records the time and CPU below are of: those after the first ones seen (see
    /// `Window`); all of them for the raw producer.
    measured: u64,
    secs: f64,
    /// CPU seconds (user + system) of the core, and of the connector process(es) it
    /// launched, during the measured run.
    cpu_core: f64,
    cpu_connector: f64,
}

impl Result_ {
    fn rps(&self) -> f64 {
        self.measured as f64 / self.secs
    }
    fn mbps(&self) -> f64 {
        self.measured as f64 * self.size as f64 / self.secs / 1e6
    }
    /// CPU microseconds per record: the core's, and the core's plus the connector's.
    fn cpu_us(&self) -> (f64, f64) {
        let per = |s: f64| s * 1e6 / self.measured as f64;
        (per(self.cpu_core), per(self.cpu_core + self.cpu_connector))
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

/// When a run's records came. A run through the core is timed from its first records to
/// its last: start-up (the connector process's, the task's) and how soon a task is seen
/// RUNNING stay out of its rate and its CPU per record.
struct Window {
    first: Instant,
    /// Records already counted when the first ones were seen: left out.
    before: u64,
    end: Instant,
}

impl Window {
    /// Polls `count` every 20 ms until it reaches `n`; `at_first` runs when it first moves
    /// (the CPU sample the run's CPU is counted from). Err: why the run cannot be timed.
    fn watch(
        n: u64,
        timeout: Duration,
        what: &str,
        mut count: impl FnMut() -> u64,
        mut at_first: impl FnMut(),
    ) -> Result<Window, String> {
        let deadline = Instant::now() + timeout;
        let mut first: Option<(Instant, u64)> = None;
        loop {
            let c = count();
            if first.is_none() && c > 0 {
                at_first();
                first = Some((Instant::now(), c));
            }
            if c >= n {
                let (first, before) = first.expect("set when the count first moved");
                if before >= n {
                    return Err(format!("{what}: all {n} records came within one 20 ms poll; too few to time (raise BENCH_RECORDS)"));
                }
                return Ok(Window {
                    first,
                    before,
                    end: Instant::now(),
                });
            }
            if Instant::now() > deadline {
                return Err(format!("{what}: {c} of {n} records in {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn secs(&self) -> f64 {
        (self.end - self.first).as_secs_f64()
    }
}

/// A topic's records (summed high watermarks), as `Window::watch` counts them.
fn topic_count(bootstrap: &str, topic: &str) -> impl FnMut() -> u64 {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    let topic = topic.to_string();
    move || high_watermark(&consumer, &topic).max(0) as u64
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
        measured: n,
        secs: start.elapsed().as_secs_f64(),
        cpu_core: 0.0,
        cpu_connector: 0.0,
    }
}

fn through_core(
    bootstrap: &str,
    name: &str,
    plugin_dir: &Path,
    class: &str,
    extra: &str,
    size: usize,
    n: u64,
) -> Result_ {
    through_core_with_env(bootstrap, name, plugin_dir, class, extra, size, n, &[])
}

#[allow(clippy::too_many_arguments)]
fn through_core_with_env(
    bootstrap: &str,
    name: &str,
    plugin_dir: &Path,
    class: &str,
    extra: &str,
    size: usize,
    n: u64,
    env: &[(&str, &str)],
) -> Result_ {
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
    let cpu = |pids: &[u32]| pids.iter().map(|p| measure::own_cpu(*p)).sum::<f64>();
    let (mut connectors, mut core0, mut conn0) = (Vec::new(), 0.0, 0.0);
    let w = Window::watch(
        n,
        Duration::from_secs(600),
        name,
        topic_count(bootstrap, &topic),
        || {
            connectors = children_with(core.pid(), "");
            (core0, conn0) = (measure::own_cpu(core.pid()), cpu(&connectors));
        },
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", core.log_text()));
    let (core1, conn1) = (measure::own_cpu(core.pid()), cpu(&connectors));
    drop(core);
    Result_ {
        name: name.into(),
        size,
        records: n,
        measured: n - w.before,
        secs: w.secs(),
        cpu_core: core1 - core0,
        cpu_connector: conn1 - conn0,
    }
}

fn env_u64(k: &str, d: u64) -> u64 {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
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
    // BENCH_RECORDS (the comparison's N) scales these runs too unless they are given.
    let base = std::env::var("BENCH_RECORDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let sizes = [
        (
            100usize,
            env_u64("BENCH_RECORDS_100", base.unwrap_or(1_000_000)),
        ),
        (
            1024,
            env_u64(
                "BENCH_RECORDS_1K",
                base.map(|b| (b / 4).max(1)).unwrap_or(300_000),
            ),
        ),
    ];
    let sdks = if only("source") {
        sdk_sources()
    } else {
        Vec::new()
    };
    // The raw-bytes connector sends columnar batches when the core takes them;
    // BENCH_RAW_ROWS=1 keeps it on rows (the form before columnar batches).
    let raw_config = if std::env::var_os("BENCH_RAW_ROWS").is_some() {
        "batch.size=2000\ncolumns=false"
    } else {
        "batch.size=2000"
    };
    let mut results = Vec::new();
    for (size, n) in sizes.into_iter().filter(|_| only("source")) {
        let raw = raw_producer(&bootstrap, size, n);
        println!(
            "{:<32} {:>5} B  {:>10.0} records/s  {:>8.1} MB/s",
            raw.name,
            size,
            raw.rps(),
            raw.mbps()
        );
        let core = through_core(
            &bootstrap,
            "core + raw-bytes connector",
            plugins.path(),
            "TestSource",
            raw_config,
            size,
            n,
        );
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
    let sinks = if only("sink") {
        sink_bench(&bootstrap, &sizes)
    } else {
        Vec::new()
    };
    let tracing = if std::env::var("BENCH_SKIP_TRACING").is_ok() || !only("tracing") {
        Vec::new()
    } else {
        let python_plugins = repo_root().join("tests/bench/python-source");
        tracing_cost(
            &bootstrap,
            plugins.path(),
            &python_plugins,
            std::env::var("BENCH_SKIP_PYTHON").is_ok(),
        )
    };
    let mut header =
        String::from("| value size | raw producer | core + raw-bytes connector | ratio |");
    let mut rule = String::from("|---|---|---|---|");
    for s in &sdks {
        header.push_str(&format!(" core + {} SDK | ratio |", s.sdk));
        rule.push_str("---|---|");
    }
    if !results.is_empty() {
        println!("\n{header}\n{rule}");
    }
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
            row.push_str(&format!(
                " {:.0} rec/s ({:.1} MB/s) | {:.2} |",
                r.rps(),
                r.mbps(),
                r.rps() / raw.rps()
            ));
        }
        println!("{row}");
    }
    if !sinks.is_empty() {
        print_sinks(&sinks);
    }
    if !tracing.is_empty() {
        print_tracing(&tracing);
    }
    if only("transforms") {
        print_transform_cost(&transform_cost(&bootstrap, &raw_plugin));
    }
    if only("registry") {
        print_registry_cost(&registry_cost(&bootstrap));
    }
}

// ------------------------------------------------------------------ converters

/// One converter of the converter benchmark: its label and its settings (as key and value
/// converter).
fn registry_settings() -> Vec<(&'static str, String)> {
    let url = std::env::var("POLYCONNECT_TEST_SCHEMA_REGISTRY")
        .unwrap_or_else(|_| "http://127.0.0.1:8081/apis/ccompat/v7".into());
    let both = |class: &str, extra: &str| {
        ["key", "value"]
            .iter()
            .map(|r| format!("{r}.converter={class}\n{}", extra.replace("{r}", r)))
            .collect::<String>()
    };
    let registry = |class: &str| {
        both(
            class,
            &format!("{{r}}.converter.schema.registry.url={url}\n"),
        )
    };
    vec![
        (
            "JsonConverter (schemas.enable)",
            both(
                "org.apache.kafka.connect.json.JsonConverter",
                "{r}.converter.schemas.enable=true\n",
            ),
        ),
        (
            "AvroConverter",
            registry("io.confluent.connect.avro.AvroConverter"),
        ),
        (
            "ProtobufConverter",
            registry("io.confluent.connect.protobuf.ProtobufConverter"),
        ),
        (
            "JsonSchemaConverter",
            registry("io.confluent.connect.json.JsonSchemaConverter"),
        ),
    ]
}

/// DataGen's users through `converter` into a fresh topic: (the run, the topic, bytes of
/// keys and values per record in Kafka).
fn registry_source(
    bootstrap: &str,
    label: &str,
    converter: &str,
    n: u64,
) -> (Result_, String, f64) {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("bench-registry");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(bootstrap, &topic, 1));
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=1000\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            dir.path().join("offsets").display(),
            repo_root().join("connectors/datagen").display(),
        ),
    );
    let conn = dir.path().join("datagen.properties");
    write(
        &conn,
        &format!(
            "name=bench-datagen\nconnector.class=DataGen\ntopic={topic}\nschema=users\n\
             key.field=userid\nseed=7\nrecords={n}\nrate=0\nbatch.size=500\n{converter}"
        ),
    );
    let core = Core::start(dir.path(), &worker, &[conn], rest);
    let mut cpu0 = 0.0;
    let w = Window::watch(
        n,
        Duration::from_secs(900),
        label,
        topic_count(bootstrap, &topic),
        || cpu0 = measure::tree_cpu(core.pid()),
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", core.log_text()));
    let cpu1 = measure::tree_cpu(core.pid());
    drop(core);
    let sample = read_topic(bootstrap, &topic, 1000, Duration::from_secs(60));
    let bytes: usize = sample
        .iter()
        .map(|r| r.2.as_ref().map_or(0, Vec::len) + r.3.as_ref().map_or(0, Vec::len))
        .sum();
    let per_record = bytes as f64 / sample.len().max(1) as f64;
    (
        Result_ {
            name: label.into(),
            size: per_record as usize,
            records: n,
            measured: n - w.before,
            secs: w.secs(),
            cpu_core: cpu1 - cpu0,
            cpu_connector: 0.0,
        },
        topic,
        per_record,
    )
}

struct RegistryRow {
    label: String,
    bytes: f64,
    source: Vec<Result_>,
    sink: Vec<Result_>,
}

fn registry_cost(bootstrap: &str) -> Vec<RegistryRow> {
    let n = env_u64("BENCH_RECORDS_REGISTRY", 200_000);
    let rounds = env_u64("BENCH_REGISTRY_ROUNDS", 3).max(1);
    let settings = registry_settings();
    let mut rows: Vec<RegistryRow> = settings
        .iter()
        .map(|(label, _)| RegistryRow {
            label: label.to_string(),
            bytes: 0.0,
            source: Vec::new(),
            sink: Vec::new(),
        })
        .collect();
    for round in 1..=rounds {
        for ((label, converter), row) in settings.iter().zip(rows.iter_mut()) {
            let (src, topic, bytes) = registry_source(bootstrap, label, converter, n);
            let sink = SdkSink {
                sdk: "rust".into(),
                dir: repo_root().join("tests/bench/rust-sink"),
                class: "RustBenchSink".into(),
                extra: converter.clone(),
            };
            let snk = sink_through_core(bootstrap, label, &sink, &topic, bytes as usize, n);
            println!(
                "registry round {round} {label:<32} {bytes:>6.0} B/record  source {:>9.0} records/s {:>6.2} µs CPU/record  sink {:>9.0} records/s {:>6.2} µs CPU/record",
                src.rps(),
                src.cpu_us().0,
                snk.rps(),
                snk.cpu_us().1
            );
            row.bytes = bytes;
            row.source.push(src);
            row.sink.push(snk);
        }
    }
    rows
}

fn print_registry_cost(rows: &[RegistryRow]) {
    let med = |runs: &[Result_], f: &dyn Fn(&Result_) -> f64| {
        measure::median(runs.iter().map(f).collect())
    };
    let base = rows.first();
    println!(
        "\n| converter (DataGen users, key and value) | bytes/record in Kafka | source records/s | vs JsonConverter | source CPU µs/record | sink records/s | vs JsonConverter | sink CPU µs/record |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in rows {
        let (src, snk) = (med(&r.source, &|x| x.rps()), med(&r.sink, &|x| x.rps()));
        let (bsrc, bsnk) = base
            .map(|b| (med(&b.source, &|x| x.rps()), med(&b.sink, &|x| x.rps())))
            .unwrap_or((f64::NAN, f64::NAN));
        println!(
            "| {} | {:.0} | {src:.0} | {:.2} | {:.2} | {snk:.0} | {:.2} | {:.2} |",
            r.label,
            r.bytes,
            src / bsrc,
            med(&r.source, &|x| x.cpu_us().0),
            snk / bsnk,
            med(&r.sink, &|x| x.cpu_us().1),
        );
    }
}

/// One setting of the transform benchmark: its label, the plugin directory serving the
/// transform (none: built in or no transform) and the chain's settings.
struct TransformSetting {
    label: &'static str,
    plugin: Option<PathBuf>,
    chain: String,
}

fn transform_settings(dir: &Path) -> Vec<TransformSetting> {
    let repo = repo_root();
    // The Python SDK's example, from the checkout.
    let py = dir.join("py-transform");
    std::fs::create_dir_all(&py).unwrap();
    write(
        &py.join("polyconnect-plugin.json"),
        &serde_json::json!({
            "name": "py-transform",
            "command": ["python3", repo.join("clients/python/examples/upper_transform.py").display().to_string()],
            "env": {"PYTHONPATH": repo.join("clients/python").display().to_string()},
            "plugins": [{"class": "Upper", "type": "transformation"}]
        })
        .to_string(),
    );
    let one = |ty: &str, rest: &str| format!("transforms=t\ntransforms.t.type={ty}\n{rest}");
    vec![
        TransformSetting {
            label: "no transform",
            plugin: None,
            chain: String::new(),
        },
        TransformSetting {
            label: "built-in InsertHeader",
            plugin: None,
            chain: one(
                "org.apache.kafka.connect.transforms.InsertHeader",
                "transforms.t.header=stage\ntransforms.t.value.literal=builtin",
            ),
        },
        TransformSetting {
            label: "Python Upper",
            plugin: Some(py),
            chain: one("Upper", ""),
        },
        TransformSetting {
            label: "Go Reverse",
            plugin: Some(repo.join("clients/go/examples/transform")),
            chain: one("Reverse", ""),
        },
        TransformSetting {
            label: "Rust AppendSuffix",
            plugin: Some(repo.join("clients/rust/examples/plugins/first-transform")),
            chain: one("AppendSuffix", "transforms.t.suffix=!"),
        },
    ]
}

/// One run: the test connector's STRING records through the chain into a fresh topic;
/// the CPU time of the core's whole process tree.
fn transform_run(bootstrap: &str, raw_plugin: &Path, s: &TransformSetting, n: u64) -> Result_ {
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("bench-transform");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(bootstrap, &topic, 1));
    let rest = free_port();
    let mut path = raw_plugin.display().to_string();
    if let Some(p) = &s.plugin {
        path.push_str(&format!(",{}", p.display()));
    }
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=1000\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={path}\n",
            dir.path().join("offsets").display(),
        ),
    );
    let conn = dir.path().join("bench.properties");
    write(
        &conn,
        &format!(
            "name=bench\nconnector.class=TestSource\ntopic={topic}\nrecords={n}\n\
             record.bytes=100\nmode=string\nbatch.size=500\n{}\n",
            s.chain
        ),
    );
    let core = Core::start(dir.path(), &worker, &[conn], rest);
    let mut cpu0 = 0.0;
    let w = Window::watch(
        n,
        Duration::from_secs(900),
        s.label,
        topic_count(bootstrap, &topic),
        || cpu0 = measure::tree_cpu(core.pid()),
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", core.log_text()));
    let cpu1 = measure::tree_cpu(core.pid());
    drop(core);
    Result_ {
        name: s.label.into(),
        size: 100,
        records: n,
        measured: n - w.before,
        secs: w.secs(),
        cpu_core: cpu1 - cpu0,
        cpu_connector: 0.0,
    }
}

fn transform_cost(bootstrap: &str, raw_plugin: &Path) -> Vec<(String, Vec<Result_>)> {
    let n = env_u64("BENCH_RECORDS_TRANSFORMS", 200_000);
    let rounds = env_u64("BENCH_TRANSFORM_ROUNDS", 3).max(1);
    let dir = tempfile::tempdir().unwrap();
    let settings = transform_settings(dir.path());
    let mut rows: Vec<(String, Vec<Result_>)> = settings
        .iter()
        .map(|s| (s.label.to_string(), Vec::new()))
        .collect();
    for round in 1..=rounds {
        for (s, row) in settings.iter().zip(rows.iter_mut()) {
            let r = transform_run(bootstrap, raw_plugin, s, n);
            let (cpu, _) = r.cpu_us();
            println!(
                "transforms round {round} {:<22} {:>10.0} records/s  {cpu:.2} µs CPU/record",
                s.label,
                r.rps()
            );
            row.1.push(r);
        }
    }
    rows
}

fn print_transform_cost(rows: &[(String, Vec<Result_>)]) {
    let med = |runs: &[Result_], f: &dyn Fn(&Result_) -> f64| {
        measure::median(runs.iter().map(f).collect())
    };
    let base = rows
        .first()
        .map(|(_, runs)| med(runs, &|r| r.cpu_us().0))
        .unwrap_or(f64::NAN);
    println!(
        "\n| one transform in a source's chain (100 B STRING values) | records/s | CPU µs/record, whole process tree | the transform's own CPU µs/record |"
    );
    println!("|---|---|---|---|");
    for (label, runs) in rows {
        let cpu = med(runs, &|r| r.cpu_us().0);
        println!(
            "| {label} | {:.0} | {cpu:.2} | {} |",
            med(runs, &|r| r.rps()),
            if label == "no transform" {
                "".to_string()
            } else {
                format!("{:.2}", cpu - base)
            }
        );
    }
}

/// Whether BENCH_ONLY (a comma list of source, sink, tracing, transforms; `sdk` =
/// source,sink; unset = all) includes `part`.
fn only(part: &str) -> bool {
    match std::env::var("BENCH_ONLY") {
        Err(_) => true,
        Ok(v) => v.split(',').map(str::trim).any(|x| {
            x == part || x == "all" || (x == "sdk" && (part == "source" || part == "sink"))
        }),
    }
}

/// One tracing setting's runs.
struct TracingRow {
    label: String,
    raw: Vec<Result_>,
    python: Vec<Result_>,
    spans: u64,
}

impl TracingRow {
    fn rps(runs: &[Result_]) -> f64 {
        measure::median(runs.iter().map(Result_::rps).collect())
    }
    fn cpu(runs: &[Result_]) -> (f64, f64) {
        (
            measure::median(runs.iter().map(|r| r.cpu_us().0).collect()),
            measure::median(runs.iter().map(|r| r.cpu_us().1).collect()),
        )
    }
}

/// Tracing off, at 1 % and at 100 %, interleaved for a number of rounds.
fn tracing_cost(
    bootstrap: &str,
    raw_plugins: &Path,
    python_plugins: &Path,
    skip_python: bool,
) -> Vec<TracingRow> {
    let n = env_u64("BENCH_RECORDS_TRACING", 300_000);
    let rounds = env_u64("BENCH_TRACING_ROUNDS", 5).max(1);
    // BENCH_TRACING_RATIOS=0,0.01,1 picks the sampled ratios (tracing off always runs).
    let ratios: Vec<String> = std::env::var("BENCH_TRACING_RATIOS")
        .unwrap_or_else(|_| "0.01,1.0".into())
        .split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| r.parse::<f64>().is_ok())
        .collect();
    let mut settings: Vec<(String, Option<&str>)> = vec![("off".to_string(), None)];
    for r in &ratios {
        let pct = r.parse::<f64>().unwrap_or(0.0) * 100.0;
        settings.push((format!("sampled {pct} %"), Some(r.as_str())));
    }
    let mut rows: Vec<TracingRow> = settings
        .iter()
        .map(|(l, _)| TracingRow {
            label: l.clone(),
            raw: Vec::new(),
            python: Vec::new(),
            spans: 0,
        })
        .collect();
    for round in 1..=rounds {
        for (row, (label, ratio)) in rows.iter_mut().zip(settings.iter().cloned()) {
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
            // Sampling is per poll: polls of 200 records make a 1 % run sample tens of
            // polls rather than a handful, whose count would swing the result.
            let raw = through_core_with_env(
                bootstrap,
                "raw-bytes",
                raw_plugins,
                "TestSource",
                "batch.size=200",
                100,
                n,
                &env,
            );
            let (c, _) = raw.cpu_us();
            println!("tracing round {round} {label:<14} core + raw-bytes connector  {:>10.0} records/s  core {c:.2} µs/record", raw.rps());
            row.raw.push(raw);
            if !skip_python {
                let r = through_core_with_env(
                    bootstrap,
                    "python",
                    python_plugins,
                    "BenchSource",
                    "batch.size=200",
                    100,
                    (n / 2).max(1000),
                    &env,
                );
                let (c, all) = r.cpu_us();
                println!("tracing round {round} {label:<14} core + python connector     {:>10.0} records/s  core {c:.2}, with connector {all:.2} µs/record", r.rps());
                row.python.push(r);
            }
            // Give the exporters a moment to deliver what they buffered.
            std::thread::sleep(Duration::from_secs(1));
            row.spans += receiver.count();
        }
    }
    rows
}

fn print_tracing(rows: &[TracingRow]) {
    let rounds = rows[0].raw.len();
    println!("\nTracing cost, medians of {rounds} interleaved rounds (100 B records; CPU = user + system time per record)");
    println!("| tracing | raw-bytes: rec/s | vs off | core CPU µs/rec | vs off | Python: rec/s | vs off | core + connector CPU µs/rec | vs off | spans received |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let off = &rows[0];
    let pct = |x: f64, base: f64| {
        if x.is_finite() && base.is_finite() {
            format!("{:+.1} %", (x / base - 1.0) * 100.0)
        } else {
            "-".into()
        }
    };
    for row in rows {
        let (rps, base) = (TracingRow::rps(&row.raw), TracingRow::rps(&off.raw));
        let (cpu, cpu_base) = (TracingRow::cpu(&row.raw).0, TracingRow::cpu(&off.raw).0);
        let py = if row.python.is_empty() {
            "skipped | - | skipped | -".to_string()
        } else {
            let (p, pb) = (TracingRow::rps(&row.python), TracingRow::rps(&off.python));
            let (c, cb) = (
                TracingRow::cpu(&row.python).1,
                TracingRow::cpu(&off.python).1,
            );
            format!("{p:.0} | {} | {c:.2} | {}", pct(p, pb), pct(c, cb))
        };
        println!(
            "| {} | {rps:.0} | {} | {cpu:.2} | {} | {py} | {} |",
            row.label,
            pct(rps, base),
            pct(cpu, cpu_base),
            row.spans
        );
    }
}

fn print_ratio(r: &Result_, raw: &Result_) {
    let (core, all) = r.cpu_us();
    println!(
        "{:<32} {:>5} B  {:>10.0} records/s  {:>8.1} MB/s  ratio {:.2}  CPU µs/record: core {:.2}, connector {:.2}",
        r.name,
        r.size,
        r.rps(),
        r.mbps(),
        r.rps() / raw.rps(),
        core,
        all - core
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
    let wanted: Option<Vec<String>> = std::env::var("BENCH_SDKS")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let skip_python = std::env::var("BENCH_SKIP_PYTHON").is_ok();
    let mut out = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut parts = line.split_whitespace();
        let (Some(sdk), Some(dir), Some(class)) = (parts.next(), parts.next(), parts.next()) else {
            panic!(
                "{}: bad line '{line}' (want: <sdk> <plugin dir> <class> [key=value ...])",
                list.display()
            );
        };
        if wanted.as_ref().is_some_and(|w| !w.iter().any(|x| x == sdk))
            || (skip_python && sdk == "python")
        {
            continue;
        }
        let dir = repo_root().join(dir);
        if !dir.join("polyconnect-plugin.json").is_file() {
            println!(
                "(skipping the {sdk} SDK: no plugin manifest in {})",
                dir.display()
            );
            continue;
        }
        out.push(SdkSource {
            sdk: sdk.into(),
            dir,
            class: class.into(),
            extra: parts.collect::<Vec<_>>().join("\n"),
        });
    }
    out
}

// ------------------------------------------------------------------ SDK sinks

/// One SDK's trivial sink, from `tests/bench/sdk-sinks.txt`.
struct SdkSink {
    sdk: String,
    dir: std::path::PathBuf,
    class: String,
    /// key=value lines; `${run.dir}` stands for the run's own directory.
    extra: String,
}

/// The sinks to bench: every line of the list whose plugin directory exists; without the
/// list, the Python FileStreamSink into a file of the run's directory.
fn sdk_sinks() -> Vec<SdkSink> {
    let list = std::env::var("BENCH_SDK_SINKS_FILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("tests/bench/sdk-sinks.txt"));
    let wanted: Option<Vec<String>> = std::env::var("BENCH_SDKS")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let Ok(text) = std::fs::read_to_string(&list) else {
        println!(
            "(no {}: the Python FileStreamSink stands in for the SDK sinks)",
            list.display()
        );
        return vec![SdkSink {
            sdk: "python FileStreamSink".into(),
            dir: repo_root().join("connectors/file"),
            class: "FileStreamSink".into(),
            extra: "file=${run.dir}/sink.out".into(),
        }];
    };
    let mut out = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut parts = line.split_whitespace();
        let (Some(sdk), Some(dir), Some(class)) = (parts.next(), parts.next(), parts.next()) else {
            panic!(
                "{}: bad line '{line}' (want: <sdk> <plugin dir> <class> [key=value ...])",
                list.display()
            );
        };
        if wanted.as_ref().is_some_and(|w| !w.iter().any(|x| x == sdk)) {
            continue;
        }
        let dir = repo_root().join(dir);
        if !dir.join("polyconnect-plugin.json").is_file() {
            println!(
                "(skipping the {sdk} SDK sink: no plugin manifest in {})",
                dir.display()
            );
            continue;
        }
        out.push(SdkSink {
            sdk: sdk.into(),
            dir,
            class: class.into(),
            extra: parts.collect::<Vec<_>>().join("\n"),
        });
    }
    out
}

/// Fills a fresh topic (one partition) with `n` STRING values of `size` bytes, the record
/// number first.
fn filled_topic(bootstrap: &str, size: usize, n: u64) -> String {
    let topic = unique("bench-sink-in");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(bootstrap, &topic, 1));
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "20")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", "1000000")
        .set("queue.buffering.max.kbytes", "2097151")
        .create()
        .unwrap();
    for i in 0..n {
        let mut value = format!("{i:010} ");
        value.extend(std::iter::repeat_n('x', size.saturating_sub(value.len())));
        let mut rec: BaseRecord<'_, [u8], str> = BaseRecord::to(&topic).payload(value.as_str());
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
    producer.flush(Duration::from_secs(300)).unwrap();
    topic
}

/// The offsets a consumer group has committed on `topic`, summed over its partitions.
fn committed(consumer: &BaseConsumer, topic: &str, partitions: &[i32]) -> i64 {
    let mut tpl = rdkafka::TopicPartitionList::new();
    for p in partitions {
        tpl.add_partition(topic, *p);
    }
    match consumer.committed_offsets(tpl, Duration::from_secs(5)) {
        Ok(list) => list
            .elements()
            .iter()
            .map(|e| e.offset().to_raw().unwrap_or(0).max(0))
            .sum(),
        Err(_) => 0,
    }
}

/// One sink through the core: from the task being RUNNING until `connect-<name>` has
/// committed `n`.
fn sink_through_core(
    bootstrap: &str,
    name: &str,
    s: &SdkSink,
    topic: &str,
    size: usize,
    n: u64,
) -> Result_ {
    let dir = tempfile::tempdir().unwrap();
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=100\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            dir.path().join("offsets").display(),
            s.dir.display()
        ),
    );
    let connector = unique("bench-sink");
    let conn = dir.path().join("bench-sink.properties");
    write(
        &conn,
        &format!(
            "name={connector}\nconnector.class={}\ntasks.max=1\ntopics={topic}\n{}\n",
            s.class,
            s.extra
                .replace("${run.dir}", &dir.path().display().to_string())
        ),
    );
    let core = Core::start(dir.path(), &worker, &[conn], rest);
    let cpu = |pids: &[u32]| pids.iter().map(|p| measure::own_cpu(*p)).sum::<f64>();
    let group: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("connect-{connector}"))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    // Timed from the first commit to the last (offset.flush.interval.ms=100 above): both
    // lag the records by about the same.
    let (mut connectors, mut core0, mut conn0) = (Vec::new(), 0.0, 0.0);
    let w = Window::watch(
        n,
        Duration::from_secs(900),
        &format!("{name}: connect-{connector} committed"),
        || committed(&group, topic, &[0]).max(0) as u64,
        || {
            connectors = children_with(core.pid(), "");
            (core0, conn0) = (measure::own_cpu(core.pid()), cpu(&connectors));
        },
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", core.log_text()));
    let (core1, conn1) = (measure::own_cpu(core.pid()), cpu(&connectors));
    drop(core);
    Result_ {
        name: name.into(),
        size,
        records: n,
        measured: n - w.before,
        secs: w.secs(),
        cpu_core: core1 - core0,
        cpu_connector: conn1 - conn0,
    }
}

/// Every listed SDK sink at every size: (size, records, results).
fn sink_bench(bootstrap: &str, sizes: &[(usize, u64)]) -> Vec<(usize, Vec<(String, Result_)>)> {
    let sinks = sdk_sinks();
    let mut out = Vec::new();
    for &(size, n) in sizes {
        // A sink is timed by its group's committed offsets, which move every 100 ms: all
        // the records (not a fifth, as for SDK sources) keep that step a small share of a run.
        let n = n.max(100_000);
        let topic = filled_topic(bootstrap, size, n);
        let mut row = Vec::new();
        for s in &sinks {
            let name = format!("core + {} SDK sink", s.sdk);
            let r = sink_through_core(bootstrap, &name, s, &topic, size, n);
            let (core, all) = r.cpu_us();
            println!(
                "{:<40} {:>5} B  {:>10.0} records/s  {:>8.1} MB/s  CPU µs/record: core {core:.2}, with connector {all:.2}",
                r.name,
                size,
                r.rps(),
                r.mbps()
            );
            row.push((s.sdk.clone(), r));
        }
        out.push((size, row));
    }
    out
}

fn print_sinks(rows: &[(usize, Vec<(String, Result_)>)]) {
    println!("\nSDK sinks: a topic of STRING records → the core → a sink that discards them; done when connect-<name> has committed every record");
    println!("| value size | SDK | records | records/s | MB/s | core CPU µs/rec | core + connector CPU µs/rec |");
    println!("|---|---|---|---|---|---|---|");
    for (size, row) in rows {
        for (sdk, r) in row {
            let (core, all) = r.cpu_us();
            println!(
                "| {size} B | {sdk} | {} | {:.0} | {:.1} | {core:.2} | {all:.2} |",
                r.records,
                r.rps(),
                r.mbps()
            );
        }
    }
}
