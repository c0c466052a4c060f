//! Support for the fault-injection tests (`tests/e2e/tests/faults*.rs`): the controllable
//! sink `FaultSink` (`tests/e2e/connectors/fault-sink`, Python SDK), a producer of sequence
//! numbers, the counting of what reached the sink's output file, committed group offsets,
//! restarts counted from the core's log, a broker of a test's own (for outages) and the
//! Kafka command-line tools (`scripts/kafka.sh`).
//!
//! Every scenario prints one line
//! `scenario=<name> in=<N> out=<lines> missing=<m> duplicated=<d> unexpected=<u> restarts=<r>`
//! (what `scripts/soak.sh` adds up) and then fails if a record is missing (duplicates are
//! reported, not failed: the guarantee is at least once).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use crate::{create_topic, free_port, repo_root, unique, write, Core};

/// `tests/e2e/connectors`: the test plugins (FaultSink).
pub fn test_plugins_dir() -> PathBuf {
    repo_root().join("tests/e2e/connectors")
}

/// Worker properties for a fault scenario: String converters, the test plugins and the
/// repository's connectors on `plugin.path`, `offset.flush.interval.ms` = `flush_ms`, and
/// `extra` lines (timeouts and the like) last.
pub fn fault_worker(dir: &Path, bootstrap: &str, port: u16, flush_ms: u64, extra: &str) -> PathBuf {
    fault_worker_with_plugins(dir, bootstrap, port, flush_ms, extra, &[])
}

/// As `fault_worker`, with more `plugin.path` entries (e.g. a manifest for the Rust test
/// connector written by the test).
pub fn fault_worker_with_plugins(
    dir: &Path,
    bootstrap: &str,
    port: u16,
    flush_ms: u64,
    extra: &str,
    plugins: &[PathBuf],
) -> PathBuf {
    let p = dir.join("worker.properties");
    let mut path = vec![test_plugins_dir(), repo_root().join("connectors")];
    path.extend(plugins.iter().cloned());
    let path: Vec<String> = path.iter().map(|p| p.display().to_string()).collect();
    write(
        &p,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms={flush_ms}\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={}\n\
             {extra}\n",
            dir.join("offsets.json").display(),
            path.join(","),
        ),
    );
    p
}

/// One FaultSink connector: its config file, output file and control directory.
pub struct FaultSink {
    pub name: String,
    pub topic: String,
    pub tasks: u32,
    pub config: PathBuf,
    pub output: PathBuf,
    pub control: PathBuf,
}

impl FaultSink {
    /// Writes `<name>.json` in `dir` (FaultSink reading `topic` with `tasks` tasks); the
    /// output file and control directory are created in `dir` too.
    pub fn new(
        dir: &Path,
        name: &str,
        topic: &str,
        tasks: u32,
        extra: &[(&str, &str)],
    ) -> FaultSink {
        let output = dir.join(format!("{name}.out"));
        let control = dir.join(format!("{name}.control"));
        std::fs::create_dir_all(&control).unwrap();
        std::fs::File::create(&output).unwrap();
        let mut config = serde_json::json!({
            "connector.class": "FaultSink",
            "tasks.max": tasks.to_string(),
            "topics": topic,
            "file": output.display().to_string(),
            "control.dir": control.display().to_string(),
        });
        for (k, v) in extra {
            config[*k] = serde_json::Value::String(v.to_string());
        }
        let path = dir.join(format!("{name}.json"));
        write(
            &path,
            &serde_json::json!({"name": name, "config": config}).to_string(),
        );
        FaultSink {
            name: name.to_string(),
            topic: topic.to_string(),
            tasks,
            config: path,
            output,
            control,
        }
    }

    /// The connector's config as the REST API takes it (`PUT /connectors/<name>/config`).
    pub fn config_map(&self) -> serde_json::Value {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&self.config).unwrap()).unwrap();
        v["config"].clone()
    }

    /// Switches a fault on: `down`, `flush-fail`, `overreport` or `hang-put`.
    pub fn set(&self, fault: &str) {
        std::fs::write(self.control.join(fault), b"").unwrap();
    }

    pub fn clear(&self, fault: &str) {
        let _ = std::fs::remove_file(self.control.join(fault));
    }

    /// The pid of the connector process (written by its tasks when they start).
    pub fn pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.control.join("pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Waits for a pid file naming a live process.
    pub fn wait_pid(&self, timeout: Duration) -> u32 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(p) = self.pid() {
                if Path::new(&format!("/proc/{p}")).exists() {
                    return p;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the fault sink wrote no pid file in {}",
                self.control.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The sink's event log (one line per put, flush, retriable error, failed flush...).
    pub fn events(&self) -> String {
        std::fs::read_to_string(self.control.join("events")).unwrap_or_default()
    }

    /// Lines of the event log that contain `word`.
    pub fn event_count(&self, word: &str) -> usize {
        self.events().lines().filter(|l| l.contains(word)).count()
    }

    /// Lines in the output file (records the sink made durable).
    pub fn lines(&self) -> usize {
        std::fs::read(&self.output)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0)
    }

    /// Waits until the output has at least `n` lines.
    pub fn wait_lines(&self, n: usize, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.lines();
            if got >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until every task is RUNNING.
    pub fn wait_running(&self, core: &Core, timeout: Duration) {
        for t in 0..self.tasks {
            core.wait_task_state(&self.name, t, "RUNNING", timeout);
        }
    }
}

// ------------------------------------------------------------------------------ counting

/// What reached an output file, against the expected sequence numbers `0..expected`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub input: u64,
    pub out: u64,
    pub missing: u64,
    pub duplicated: u64,
    /// Lines that are not one of the expected numbers.
    pub unexpected: u64,
}

/// Counts the lines of `output` against `0..expected`.
pub fn count(expected: u64, output: &Path) -> Count {
    count_lines(
        expected,
        &std::fs::read_to_string(output).unwrap_or_default(),
    )
}

pub fn count_lines(expected: u64, text: &str) -> Count {
    let mut seen = vec![0u32; expected as usize];
    let mut c = Count {
        input: expected,
        ..Count::default()
    };
    for l in text.lines() {
        c.out += 1;
        match l.trim().parse::<u64>() {
            Ok(n) if n < expected => {
                seen[n as usize] += 1;
                if seen[n as usize] > 1 {
                    c.duplicated += 1;
                }
            }
            _ => c.unexpected += 1,
        }
    }
    c.missing = seen.iter().filter(|&&s| s == 0).count() as u64;
    c
}

/// Distinct numeric lines of a file (records written at least once).
pub fn distinct_lines(path: &Path) -> u64 {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .collect::<std::collections::HashSet<u64>>()
        .len() as u64
}

/// The first few missing numbers (for a failure message).
pub fn missing_sample(expected: u64, output: &Path, n: usize) -> Vec<u64> {
    let text = std::fs::read_to_string(output).unwrap_or_default();
    let mut seen = vec![false; expected as usize];
    for l in text.lines() {
        if let Ok(x) = l.trim().parse::<u64>() {
            if x < expected {
                seen[x as usize] = true;
            }
        }
    }
    seen.iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(i, _)| i as u64)
        .take(n)
        .collect()
}

/// Waits until nothing of `0..expected` is missing from `output`, or until `timeout`, or
/// until the output did not grow for `stall` (a stuck pipeline fails in `stall`, not in
/// `timeout`).
pub fn wait_complete(expected: u64, output: &Path, timeout: Duration, stall: Duration) -> Count {
    let deadline = Instant::now() + timeout;
    let mut last_out = u64::MAX;
    let mut last_change = Instant::now();
    loop {
        let c = count(expected, output);
        if c.missing == 0 {
            // Anything still in flight (duplicates being redelivered) lands in a moment.
            std::thread::sleep(Duration::from_millis(500));
            return count(expected, output);
        }
        if c.out != last_out {
            last_out = c.out;
            last_change = Instant::now();
        }
        if Instant::now() > deadline || last_change.elapsed() > stall {
            return c;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Restarts the core's log announces: (connector process restarts, task restarts).
/// Process: "connector process is down", or a relaunch after a failed start; task: a WARN
/// line saying a task is restarting (lost its connector, timed out), not the process line.
pub fn restarts_in_log(log: &str) -> (u64, u64) {
    let mut process = 0;
    let mut task = 0;
    for l in log.lines() {
        if l.contains("connector process is down")
            || (l.contains("polyconnect::plugin::process") && l.contains("failed to start:"))
        {
            process += 1;
        } else if l.contains("WARN")
            && l.contains("task")
            && l.to_lowercase().contains("restarting")
            && !l.contains("plugin::output")
        {
            task += 1;
        }
    }
    (process, task)
}

/// Prints the scenario's line and fails if a record is missing or an earlier check
/// (`problems`) failed.
pub fn report(scenario: &str, c: Count, core_log: &str, output: &Path, problems: &[String]) {
    let (p, t) = restarts_in_log(core_log);
    println!(
        "scenario={scenario} in={} out={} missing={} duplicated={} unexpected={} restarts={}",
        c.input,
        c.out,
        c.missing,
        c.duplicated,
        c.unexpected,
        p + t
    );
    let tail: String = {
        let lines: Vec<&str> = core_log.lines().collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    };
    assert!(
        c.missing == 0,
        "scenario {scenario}: {} of {} records missing (e.g. {:?}); other problems: {problems:?}\n--- core log tail ---\n{tail}",
        c.missing,
        c.input,
        missing_sample(c.input, output, 10)
    );
    assert!(
        problems.is_empty(),
        "scenario {scenario}: {problems:?}\n--- core log tail ---\n{tail}"
    );
}

// ------------------------------------------------------------------------------ producing

struct CountingContext {
    failed: Arc<AtomicU64>,
    delivered: Arc<AtomicU64>,
}

impl ClientContext for CountingContext {}

impl ProducerContext for CountingContext {
    type DeliveryOpaque = ();
    fn delivery(&self, r: &DeliveryResult<'_>, _: ()) {
        if r.is_err() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        } else {
            self.delivered.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// An idempotent producer of sequence numbers that waits out broker outages (up to five
/// minutes per record) and counts failed deliveries.
pub struct SeqProducer {
    producer: BaseProducer<CountingContext>,
    failed: Arc<AtomicU64>,
    delivered: Arc<AtomicU64>,
    topic: String,
    partitions: i32,
    /// Each value is the number, then a space and padding to this many bytes (0: none).
    pad_to: usize,
}

impl SeqProducer {
    pub fn new(bootstrap: &str, topic: &str, partitions: i32, pad_to: usize) -> SeqProducer {
        let failed = Arc::new(AtomicU64::new(0));
        let delivered = Arc::new(AtomicU64::new(0));
        let producer: BaseProducer<CountingContext> = ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .set("enable.idempotence", "true")
            .set("message.timeout.ms", "300000")
            .set("linger.ms", "5")
            .set("message.max.bytes", "2000000")
            .create_with_context(CountingContext {
                failed: failed.clone(),
                delivered: delivered.clone(),
            })
            .expect("producer");
        SeqProducer {
            producer,
            failed,
            delivered,
            topic: topic.to_string(),
            partitions: partitions.max(1),
            pad_to,
        }
    }

    fn value(&self, n: u64) -> Vec<u8> {
        let mut v = n.to_string().into_bytes();
        if self.pad_to > v.len() + 1 {
            v.push(b' ');
            v.resize(self.pad_to, b'x');
        }
        v
    }

    /// Sends `from..to` (number `n` to partition `n % partitions`).
    pub fn send(&self, from: u64, to: u64) {
        for n in from..to {
            let v = self.value(n);
            let p = (n % self.partitions as u64) as i32;
            loop {
                let r = self
                    .producer
                    .send::<[u8], [u8]>(BaseRecord::to(&self.topic).payload(&v[..]).partition(p));
                match r {
                    Ok(()) => break,
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                        self.producer.poll(Duration::from_millis(50));
                    }
                    Err((e, _)) => panic!("test producer: {e}"),
                }
            }
            self.producer.poll(Duration::ZERO);
        }
    }

    /// Waits until everything sent was delivered; panics if the test's own producer lost a
    /// record (that would not be the core's fault).
    pub fn finish(&self) {
        self.producer
            .flush(Duration::from_secs(330))
            .expect("test producer flush");
        assert_eq!(
            self.failed.load(Ordering::Relaxed),
            0,
            "the test's producer could not deliver every record"
        );
    }

    pub fn delivered(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }
}

/// Produces `0..n` at once (values are the numbers as text).
pub fn produce_seq(bootstrap: &str, topic: &str, partitions: i32, n: u64) {
    let p = SeqProducer::new(bootstrap, topic, partitions, 0);
    p.send(0, n);
    p.finish();
}

/// Produces `0..n` in `chunks` chunks with `pause` between them, on a thread: a stream
/// the sink is in the middle of when a fault strikes.
pub fn produce_in_background(
    bootstrap: &str,
    topic: &str,
    partitions: i32,
    n: u64,
    chunks: u64,
    pause: Duration,
) -> std::thread::JoinHandle<()> {
    let (bootstrap, topic) = (bootstrap.to_string(), topic.to_string());
    std::thread::spawn(move || {
        let p = SeqProducer::new(&bootstrap, &topic, partitions, 0);
        let per = n.div_ceil(chunks.max(1));
        let mut from = 0;
        while from < n {
            let to = (from + per).min(n);
            p.send(from, to);
            p.producer.poll(Duration::ZERO);
            from = to;
            std::thread::sleep(pause);
        }
        p.finish();
    })
}

/// Produces at `per_second` until `stop` is set; returns how many were produced (all
/// delivered).
pub fn produce_until(
    bootstrap: &str,
    topic: &str,
    per_second: u64,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<u64> {
    let (bootstrap, topic) = (bootstrap.to_string(), topic.to_string());
    std::thread::spawn(move || {
        let p = SeqProducer::new(&bootstrap, &topic, 1, 0);
        let tick = Duration::from_millis(100);
        let per_tick = (per_second / 10).max(1);
        let mut n = 0;
        let start = Instant::now();
        let mut ticks = 0u32;
        while !stop.load(Ordering::Relaxed) {
            p.send(n, n + per_tick);
            n += per_tick;
            ticks += 1;
            let next = start + tick * ticks;
            if let Some(d) = next.checked_duration_since(Instant::now()) {
                std::thread::sleep(d);
            }
        }
        p.finish();
        n
    })
}

// ------------------------------------------------------------------------------ offsets

/// The committed offsets of group `connect-<connector>` for partitions `0..partitions` of
/// `topic` (-1 where none is committed).
pub fn committed_offsets(
    bootstrap: &str,
    connector: &str,
    topic: &str,
    partitions: i32,
) -> Vec<i64> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("connect-{connector}"))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let got = consumer
        .committed_offsets(tpl, Duration::from_secs(10))
        .expect("committed offsets");
    (0..partitions)
        .map(|p| match got.find_partition(topic, p).map(|e| e.offset()) {
            Some(Offset::Offset(o)) => o,
            _ => -1,
        })
        .collect()
}

// ------------------------------------------------------------------------------ REST

/// A REST call with a JSON body; returns the status and the JSON answer.
pub fn rest(
    core: &Core,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let url = format!("http://127.0.0.1:{}{path}", core.port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = client.request(m, &url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("REST call");
        let code = r.status().as_u16();
        (code, r.json().await.unwrap_or(serde_json::Value::Null))
    })
}

/// A task's state now ("" when unknown).
pub fn task_state(core: &Core, connector: &str, task: u32) -> String {
    let (code, body) = core.get(&format!("/connectors/{connector}/tasks/{task}/status"));
    if code == 200 {
        body["state"].as_str().unwrap_or("").to_string()
    } else {
        String::new()
    }
}

// ------------------------------------------------------------------------------ a rig

/// A scenario's setup: a topic, a FaultSink on it, the core running them.
pub struct Rig {
    pub dir: tempfile::TempDir,
    pub bootstrap: String,
    pub sink: FaultSink,
    pub core: Core,
}

pub struct RigOptions<'a> {
    pub partitions: i32,
    pub tasks: u32,
    pub flush_ms: u64,
    /// Extra worker properties.
    pub worker: &'a str,
    /// Faults switched on before the core starts.
    pub faults: &'a [&'a str],
    /// Records `0..n` produced before the core starts (a backlog), with padding.
    pub backlog: u64,
    pub pad_to: usize,
    /// Extra connector settings (e.g. `errors.*`).
    pub connector: &'a [(&'a str, &'a str)],
}

impl Default for RigOptions<'_> {
    fn default() -> Self {
        RigOptions {
            partitions: 1,
            tasks: 1,
            flush_ms: 500,
            worker: "",
            faults: &[],
            backlog: 0,
            pad_to: 0,
            connector: &[],
        }
    }
}

impl Rig {
    pub fn start(scenario: &str, bootstrap: &str, o: RigOptions<'_>) -> Rig {
        let dir = scenario_dir(scenario);
        let topic = unique(&format!("faults-{scenario}"));
        let name = unique(&format!("fault-{scenario}"));
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(create_topic(bootstrap, &topic, o.partitions));
        if o.backlog > 0 {
            let p = SeqProducer::new(bootstrap, &topic, o.partitions, o.pad_to);
            p.send(0, o.backlog);
            p.finish();
        }
        let sink = FaultSink::new(dir.path(), &name, &topic, o.tasks, o.connector);
        for f in o.faults {
            sink.set(f);
        }
        let port = free_port();
        let worker = fault_worker(dir.path(), bootstrap, port, o.flush_ms, o.worker);
        let core = Core::start(
            dir.path(),
            &worker,
            std::slice::from_ref(&sink.config),
            port,
        );
        sink.wait_running(&core, Duration::from_secs(60));
        Rig {
            dir,
            bootstrap: bootstrap.to_string(),
            sink,
            core,
        }
    }

    /// Waits for every record of `0..n` (at most `timeout`, or until the output stalls
    /// for 60 s: longer than a consumer's default session timeout of 45 s, which a killed
    /// member of the group holds its partitions for), prints the scenario line and asserts
    /// nothing is missing.
    pub fn finish(&self, scenario: &str, n: u64, timeout: Duration, problems: &[String]) -> Count {
        let c = wait_complete(n, &self.sink.output, timeout, Duration::from_secs(60));
        report(
            scenario,
            c,
            &self.core.log_text(),
            &self.sink.output,
            problems,
        );
        c
    }

    pub fn committed(&self) -> Vec<i64> {
        committed_offsets(
            &self.bootstrap,
            &self.sink.name,
            &self.sink.topic,
            partitions_of(&self.bootstrap, &self.sink.topic),
        )
    }
}

/// A scenario's temporary directory (core log, worker config, output, control files). With
/// `POLYCONNECT_FAULTS_KEEP=1` it is kept (its path is printed) for a look afterwards.
pub fn scenario_dir(scenario: &str) -> tempfile::TempDir {
    let mut dir = tempfile::Builder::new()
        .prefix(&format!("faults-{scenario}-"))
        .tempdir()
        .unwrap();
    if std::env::var("POLYCONNECT_FAULTS_KEEP").is_ok_and(|v| v == "1") {
        dir.disable_cleanup(true);
        println!("scenario={scenario} dir={}", dir.path().display());
    }
    dir
}

/// The number of partitions of `topic`.
pub fn partitions_of(bootstrap: &str, topic: &str) -> i32 {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    let md = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("metadata");
    md.topics()
        .first()
        .map(|t| t.partitions().len() as i32)
        .unwrap_or(1)
}

// ------------------------------------------------------------------------------ Kafka tools

/// `bash scripts/kafka.sh ARGS...` with extra environment; returns (success, stdout, stderr).
pub fn kafka_sh(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/kafka.sh"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/kafka.sh");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The directory of the Kafka jars (`scripts/kafka.sh lib-dir`).
pub fn kafka_lib_dir() -> PathBuf {
    let (ok, out, err) = kafka_sh(&["lib-dir"], &[]);
    assert!(ok, "scripts/kafka.sh lib-dir failed: {err}");
    PathBuf::from(out.lines().last().expect("a directory").trim())
}

/// A Java main class from the Kafka jars; returns (success, stdout, stderr).
pub fn kafka_java(class: &str, args: &[&str]) -> (bool, String, String) {
    let mut a = vec!["run", class];
    a.extend_from_slice(args);
    kafka_sh(&a, &[])
}

/// The data directory of the shared broker, if it was started by `scripts/kafka.sh` on
/// this machine (`$POLYCONNECT_STATE/kafka-data`, default `<repo>/.cache/kafka-data`).
pub fn shared_broker_data_dir() -> Option<PathBuf> {
    let state = std::env::var("POLYCONNECT_STATE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join(".cache"));
    let d = state.join("kafka-data");
    d.join("meta.properties").exists().then_some(d)
}

/// The compression codecs of the record batches of a partition's log segments, read with
/// Kafka's DumpLogSegments (e.g. {"zstd": 12}). None if the log is not on this machine.
pub fn batch_codecs(
    data_dir: &Path,
    topic: &str,
    partition: i32,
) -> Option<HashMap<String, usize>> {
    let dir = data_dir.join(format!("{topic}-{partition}"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .map(|p| p.display().to_string())
        .collect();
    if files.is_empty() {
        return None;
    }
    files.sort();
    let (ok, out, err) = kafka_java(
        "org.apache.kafka.tools.DumpLogSegments",
        &["--files", &files.join(",")],
    );
    assert!(ok, "DumpLogSegments failed: {err}");
    let mut codecs = HashMap::new();
    for l in out.lines() {
        if let Some(rest) = l.split("compresscodec: ").nth(1) {
            let codec = rest.split_whitespace().next().unwrap_or("").to_lowercase();
            *codecs.entry(codec).or_insert(0) += 1;
        }
    }
    Some(codecs)
}

/// A broker of the test's own (`scripts/kafka.sh` with its own state directory and
/// ports), which the test may stop and start: never the shared one.
pub struct OwnBroker {
    pub state: tempfile::TempDir,
    pub port: u16,
    pub controller_port: u16,
    /// Its SASL_SSL and mTLS listeners (unused by the fault tests, but bound).
    secure_ports: (u16, u16),
    running: bool,
}

impl OwnBroker {
    pub fn start() -> OwnBroker {
        let mut b = OwnBroker {
            state: tempfile::tempdir().unwrap(),
            port: free_port(),
            controller_port: free_port(),
            secure_ports: (free_port(), free_port()),
            running: false,
        };
        b.up(false);
        b
    }

    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn env(&self, keep: bool) -> Vec<(String, String)> {
        vec![
            (
                "POLYCONNECT_STATE".into(),
                self.state.path().display().to_string(),
            ),
            ("KAFKA_PORT".into(), self.port.to_string()),
            (
                "KAFKA_CONTROLLER_PORT".into(),
                self.controller_port.to_string(),
            ),
            (
                "KAFKA_SASL_SSL_PORT".into(),
                self.secure_ports.0.to_string(),
            ),
            ("KAFKA_SSL_PORT".into(), self.secure_ports.1.to_string()),
            (
                "KAFKA_KEEP_DATA".into(),
                if keep { "1" } else { "0" }.into(),
            ),
            ("KAFKA_HEAP_OPTS".into(), "-Xms64m -Xmx384m".into()),
        ]
    }

    /// Starts it (`keep`: with the data of its previous run).
    pub fn up(&mut self, keep: bool) {
        let env = self.env(keep);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (ok, _, err) = kafka_sh(&["up"], &env);
        assert!(ok, "could not start the test's own broker: {err}");
        self.running = true;
    }

    pub fn down(&mut self) {
        let env = self.env(true);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (ok, _, err) = kafka_sh(&["down"], &env);
        assert!(ok, "could not stop the test's own broker: {err}");
        self.running = false;
    }
}

impl Drop for OwnBroker {
    fn drop(&mut self) {
        if self.running {
            let env = self.env(true);
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let _ = kafka_sh(&["down"], &env);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_missing_duplicates_and_unexpected_lines() {
        let c = count_lines(5, "0\n1\n1\n3\nx\n4\n4\n4\n");
        assert_eq!(
            c,
            Count {
                input: 5,
                out: 8,
                missing: 1,
                duplicated: 3,
                unexpected: 1
            }
        );
    }

    #[test]
    fn restarts_are_counted_from_the_log() {
        let log = "2026 WARN polyconnect::plugin::process: connector process is down; restarting in 1s plugin=fault-sink\n\
                   2026 WARN polyconnect::worker::sink: sink task lost its connector; restarting connector=x task=0\n\
                   2026 INFO polyconnect::worker::sink: sink task started\n\
                   2026 WARN polyconnect::plugin::process: the connector process of plugin 'fault-sink' failed to start: it exited during start-up with exit status: 1 (command [\"x\"] in /p); the last lines of its stderr:\n\
                   boom\n\
                   (relaunching in 1s) plugin=fault-sink\n";
        assert_eq!(restarts_in_log(log), (2, 1));
    }
}
