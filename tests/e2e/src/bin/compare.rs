//! `make bench` (compare part): Polyconnect side by side with Apache Kafka Connect's
//! `ConnectStandalone`, on the same broker, in one run, driven by the same `.properties`
//! files, the runtimes alternating in interleaved rounds; medians are reported.
//!
//! Pipelines, each for 100 B and 1 KiB records (lines of that length, a sequence number
//! first), with 1 and 4 tasks:
//! - `e2e`: FileStreamSource (file of N lines) → topic → FileStreamSink; done when the
//!   output file holds N records;
//! - `source`: file → topic; done when the topic's high watermark reaches N;
//! - `sink`: a topic filled once per size and partition count with N records →
//!   FileStreamSink; done when the output file holds N records;
//! - "4 tasks": the sink with `tasks.max=4` on a 4-partition topic; the source as 4
//!   FileStreamSource connectors, each on its own file of N/4 lines (FileStreamSource has
//!   one task), into one 4-partition topic;
//! - `footprint`: 10 connectors (5 FileStreamSource on their own files, 5 FileStreamSink on
//!   their own topics, source i → topic i → sink i), idle for BENCH_IDLE_SECS, then each
//!   source file gets N/5 lines: peak RSS idle and under load, CPU of the idle period.
//!
//! Each run starts the runtime with the worker `.properties` alone (its start-up time, until
//! `GET /health` answers 200, is reported apart), then creates the connectors from their
//! `.properties` files over REST (`POST /connectors`, the same files and calls for both
//! runtimes). Measured from the first create to done: records/s; CPU µs per record of the
//! whole process tree (utime + stime + reaped children's, over the runtime's process and
//! every descendant, from /proc, before and after); peak RSS of the tree (the sum of VmRSS
//! over the tree, sampled every 100 ms, the maximum over the run). Every output is checked
//! record by record: N records, none missing (a run that loses records fails the bench),
//! duplicates reported.
//!
//! Kafka Connect runs as `connect-standalone.sh` would run it: `-Xms256M -Xmx2G` and
//! kafka-run-class.sh's `-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
//! -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
//! -XX:MaxInlineLevel=15 -Djava.awt.headless=true` (and its default JMX flags), from the
//! jars of `scripts/kafka.sh connect-lib-dir`; its log at WARN (as Polyconnect's,
//! POLYCONNECT_LOG=warn).
//!
//! Settings (environment):
//! - BENCH_RECORDS: N at 100 B (default 500000); BENCH_RECORDS_1K: N at 1 KiB (default
//!   BENCH_RECORDS / 4);
//! - BENCH_ROUNDS: interleaved rounds (default 3);
//! - BENCH_PIPELINES: e2e,source,sink,footprint (default all);
//! - BENCH_SIZES: 100,1024; BENCH_TASKS: 1,4; BENCH_RUNTIMES: polyconnect,kafka-connect;
//! - BENCH_IDLE_SECS: the footprint's idle period (default 20);
//! - BENCH_TIMEOUT_SECS: the longest a run may take (default 900);
//! - BENCH_KC_HEAP_OPTS: Kafka Connect's heap flags (default "-Xms256M -Xmx2G");
//! - BENCH_OUT: where the table goes too (default target/bench/compare.md);
//! - POLYCONNECT_TEST_BOOTSTRAP, POLYCONNECT_POLYCONNECT_BIN (the release build).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use polyconnect_e2e::measure::{machine, median, ratio, tree, tree_cpu, RssSampler};
use polyconnect_e2e::{
    binary, bootstrap, create_topic, free_port, repo_root, signal, unique, write,
};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::ClientConfig;
use serde_json::Value;

// ------------------------------------------------------------------ runtimes

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Rt {
    Polyconnect,
    KafkaConnect,
}

impl Rt {
    fn label(self) -> &'static str {
        match self {
            Rt::Polyconnect => "Polyconnect",
            Rt::KafkaConnect => "Kafka Connect",
        }
    }
    fn key(self) -> &'static str {
        match self {
            Rt::Polyconnect => "polyconnect",
            Rt::KafkaConnect => "kafka-connect",
        }
    }
}

/// One running runtime (`polyconnect standalone` or `ConnectStandalone`) with its sampler.
struct Runtime {
    child: Option<Child>,
    port: u16,
    log: PathBuf,
    startup: f64,
    sampler: RssSampler,
    http: tokio::runtime::Runtime,
}

impl Runtime {
    fn start(rt: Rt, dir: &Path, worker: &Path, port: u16, kc_lib: &str) -> Runtime {
        let log = dir.join(format!("{}.log", rt.key()));
        let out = std::fs::File::create(&log).unwrap();
        let mut cmd = match rt {
            Rt::Polyconnect => {
                let mut c = Command::new(binary("polyconnect"));
                c.arg("standalone").arg(worker).env(
                    "POLYCONNECT_LOG",
                    std::env::var("POLYCONNECT_LOG").unwrap_or_else(|_| "warn".into()),
                );
                c
            }
            Rt::KafkaConnect => {
                let heap = std::env::var("BENCH_KC_HEAP_OPTS")
                    .unwrap_or_else(|_| "-Xms256M -Xmx2G".into());
                let mut c = Command::new("java");
                c.args(heap.split_whitespace())
                    .args([
                        "-server",
                        "-XX:+UseG1GC",
                        "-XX:MaxGCPauseMillis=20",
                        "-XX:InitiatingHeapOccupancyPercent=35",
                        "-XX:+ExplicitGCInvokesConcurrent",
                        "-XX:MaxInlineLevel=15",
                        "-Djava.awt.headless=true",
                        "-Dcom.sun.management.jmxremote",
                        "-Dcom.sun.management.jmxremote.authenticate=false",
                        "-Dcom.sun.management.jmxremote.ssl=false",
                    ])
                    .arg(format!(
                        "-Dlog4j2.configurationFile={}",
                        repo_root()
                            .join("tests/reference/log4j2.properties")
                            .display()
                    ))
                    .arg("-cp")
                    .arg(format!("{kc_lib}/*"))
                    .arg("org.apache.kafka.connect.cli.ConnectStandalone")
                    .arg(worker);
                c
            }
        };
        let t0 = Instant::now();
        let child = cmd
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start the runtime");
        let pid = child.id();
        let mut r = Runtime {
            child: Some(child),
            port,
            log,
            startup: 0.0,
            sampler: RssSampler::start(pid),
            http: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        };
        let deadline = t0 + Duration::from_secs(240);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && r.rest("GET", "/health", None).0 == 200
            {
                break;
            }
            if let Some(status) = r.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("{} exited with {status}:\n{}", rt.label(), r.log_tail());
            }
            assert!(
                Instant::now() < deadline,
                "{} did not become healthy:\n{}",
                rt.label(),
                r.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        r.startup = t0.elapsed().as_secs_f64();
        r
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    fn log_tail(&self) -> String {
        let t = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = t.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    fn rest(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        self.http.block_on(async {
            let client = reqwest::Client::new();
            let mut req = client.request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                &url,
            );
            if let Some(b) = body {
                req = req.json(b);
            }
            match req.timeout(Duration::from_secs(60)).send().await {
                Ok(r) => {
                    let code = r.status().as_u16();
                    let text = r.text().await.unwrap_or_default();
                    (
                        code,
                        serde_json::from_str(&text).unwrap_or(Value::String(text)),
                    )
                }
                Err(e) => (0, Value::String(e.to_string())),
            }
        })
    }

    /// Creates a connector from a `.properties` file: `POST /connectors`.
    fn create(&self, props: &Path) {
        let config = read_properties(props);
        let name = config
            .get("name")
            .cloned()
            .expect("a name in the connector properties");
        let body = serde_json::json!({ "name": name, "config": config });
        let (code, resp) = self.rest("POST", "/connectors", Some(&body));
        assert!(
            code == 201 || code == 200,
            "creating {name} from {}: {code} {resp}\n{}",
            props.display(),
            self.log_tail()
        );
    }

    /// Waits until every task of `names` is RUNNING.
    fn wait_running(&self, names: &[String], timeout: Duration) {
        let deadline = Instant::now() + timeout;
        for name in names {
            loop {
                let (code, s) = self.rest("GET", &format!("/connectors/{name}/status"), None);
                let tasks = s["tasks"].as_array().cloned().unwrap_or_default();
                if code == 200
                    && s["connector"]["state"] == "RUNNING"
                    && !tasks.is_empty()
                    && tasks.iter().all(|t| t["state"] == "RUNNING")
                {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "{name} never ran: {s}\n{}",
                    self.log_tail()
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// SIGTERM, then SIGKILL for anything of the tree left after 30 s.
    fn stop(&mut self) {
        let Some(mut c) = self.child.take() else {
            return;
        };
        let pids = tree(c.id());
        signal(c.id(), libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = c.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = c.kill();
        let _ = c.wait();
        // Connector processes it launched and did not stop.
        for p in pids.into_iter().skip(1) {
            if std::path::Path::new(&format!("/proc/{p}")).exists() {
                signal(p, libc::SIGKILL);
            }
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop();
    }
}

fn read_properties(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

// ------------------------------------------------------------------ records

/// A record's value: `#` and a 10-digit sequence number, a space, then `x` up to `size`.
fn record(seq: u64, size: usize) -> String {
    let mut s = format!("#{seq:010} ");
    while s.len() < size {
        s.push('x');
    }
    s.truncate(size.max(12));
    s
}

/// Writes lines `from..from + count` to `path` (created or appended to), one write per MiB.
fn write_lines(path: &Path, from: u64, count: u64, size: usize) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    let mut buf = String::with_capacity(1 << 21);
    for seq in from..from + count {
        buf.push_str(&record(seq, size));
        buf.push('\n');
        if buf.len() >= 1 << 20 {
            f.write_all(buf.as_bytes()).unwrap();
            buf.clear();
        }
    }
    f.write_all(buf.as_bytes()).unwrap();
}

/// What an output file holds against the sequence numbers `range`.
#[derive(Default, Clone, Copy, Debug)]
struct Check {
    found: u64,
    missing: u64,
    duplicates: u64,
    /// Lines that are not exactly one record (tasks writing the same file concurrently).
    malformed: u64,
}

fn check_output(paths: &[PathBuf], range: std::ops::Range<u64>) -> Check {
    let n = (range.end - range.start) as usize;
    let mut seen = vec![0u32; n];
    let mut c = Check::default();
    for path in paths {
        let data = std::fs::read(path).unwrap_or_default();
        for line in data.split(|b| *b == b'\n') {
            if line.is_empty() {
                continue;
            }
            let mut records = 0;
            let mut i = 0;
            while let Some(pos) = line[i..].iter().position(|b| *b == b'#') {
                let at = i + pos + 1;
                let digits = &line[at..(at + 10).min(line.len())];
                i = at;
                let Some(seq) = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u64>().ok())
                else {
                    continue;
                };
                records += 1;
                c.found += 1;
                if range.contains(&seq) {
                    seen[(seq - range.start) as usize] += 1;
                }
            }
            if records != 1 {
                c.malformed += 1;
            }
        }
    }
    c.missing = seen.iter().filter(|s| **s == 0).count() as u64;
    c.duplicates = seen.iter().map(|s| s.saturating_sub(1) as u64).sum::<u64>()
        + (c.found - seen.iter().map(|s| *s as u64).sum::<u64>());
    c
}

fn file_len(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum()
}

/// Waits until the files hold `bytes` bytes; the time then, or None at the deadline.
fn wait_bytes(paths: &[PathBuf], bytes: u64, deadline: Instant) -> Option<Instant> {
    loop {
        if file_len(paths) >= bytes {
            return Some(Instant::now());
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn high_watermark(consumer: &BaseConsumer, topic: &str) -> i64 {
    let Ok(md) = consumer.fetch_metadata(Some(topic), Duration::from_secs(5)) else {
        return 0;
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

/// Fills `topic` with records `0..n` (partition = seq % partitions).
fn fill_topic(bootstrap: &str, topic: &str, partitions: i32, n: u64, size: usize) {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "20")
        .set("batch.size", "1000000")
        .set("compression.type", "none")
        .set("queue.buffering.max.messages", "1000000")
        .set("queue.buffering.max.kbytes", "2097151")
        .create()
        .unwrap();
    for seq in 0..n {
        let value = record(seq, size);
        let mut rec: BaseRecord<'_, [u8], str> = BaseRecord::to(topic)
            .payload(value.as_str())
            .partition((seq % partitions as u64) as i32);
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
}

// ------------------------------------------------------------------ runs

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Pipeline {
    E2e,
    Source,
    Sink,
}

impl Pipeline {
    fn label(self) -> &'static str {
        match self {
            Pipeline::E2e => "FileStream end to end",
            Pipeline::Source => "source only",
            Pipeline::Sink => "sink only",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Case {
    pipeline: Pipeline,
    size: usize,
    tasks: u32,
}

/// One measured run.
#[derive(Clone, Debug, Default)]
struct Run {
    records: u64,
    secs: f64,
    cpu: f64,
    rss: u64,
    startup: f64,
    check: Check,
    error: Option<String>,
}

impl Run {
    fn rps(&self) -> f64 {
        self.records as f64 / self.secs
    }
    fn cpu_us(&self) -> f64 {
        self.cpu * 1e6 / self.records as f64
    }
}

struct Bench {
    bootstrap: String,
    kc_lib: String,
    plugin_path: PathBuf,
    data: PathBuf,
    timeout: Duration,
    /// Pre-filled topics for the sink runs: (size, partitions) → topic.
    filled: BTreeMap<(usize, i32), String>,
    tokio: tokio::runtime::Runtime,
}

impl Bench {
    fn worker(&self, dir: &Path, port: u16) -> PathBuf {
        let p = dir.join("worker.properties");
        write(
            &p,
            &format!(
                "# The same worker properties for both runtimes.\n\
                 bootstrap.servers={}\n\
                 key.converter=org.apache.kafka.connect.storage.StringConverter\n\
                 value.converter=org.apache.kafka.connect.storage.StringConverter\n\
                 offset.storage.file.filename={}\n\
                 listeners=http://127.0.0.1:{port}\n\
                 plugin.path={}\n",
                self.bootstrap,
                dir.join("offsets").display(),
                self.plugin_path.display()
            ),
        );
        p
    }

    fn source_props(dir: &Path, name: &str, file: &Path, topic: &str) -> PathBuf {
        let p = dir.join(format!("{name}.properties"));
        write(
            &p,
            &format!(
                "name={name}\nconnector.class=org.apache.kafka.connect.file.FileStreamSourceConnector\ntasks.max=1\nfile={}\ntopic={topic}\n",
                file.display()
            ),
        );
        p
    }

    fn sink_props(dir: &Path, name: &str, file: &Path, topic: &str, tasks: u32) -> PathBuf {
        let p = dir.join(format!("{name}.properties"));
        write(
            &p,
            &format!(
                "name={name}\nconnector.class=org.apache.kafka.connect.file.FileStreamSinkConnector\ntasks.max={tasks}\nfile={}\ntopics={topic}\n",
                file.display()
            ),
        );
        p
    }

    /// The input files of a case: `tasks` files of n / tasks lines, made once.
    fn inputs(&self, size: usize, tasks: u32, n: u64) -> Vec<(PathBuf, std::ops::Range<u64>)> {
        let per = n / tasks as u64;
        (0..tasks as u64)
            .map(|i| {
                let path = self.data.join(format!("input-{size}-{n}-{tasks}-{i}.txt"));
                let range = i * per..(i + 1) * per;
                if !path.exists() {
                    let tmp = path.with_extension("tmp");
                    let _ = std::fs::remove_file(&tmp);
                    write_lines(&tmp, range.start, per, size);
                    std::fs::rename(&tmp, &path).unwrap();
                }
                (path, range)
            })
            .collect()
    }

    fn filled_topic(&mut self, size: usize, partitions: i32, n: u64) -> String {
        if let Some(t) = self.filled.get(&(size, partitions)) {
            return t.clone();
        }
        let topic = unique(&format!("bench-cmp-fill-{size}-{partitions}"));
        self.tokio
            .block_on(create_topic(&self.bootstrap, &topic, partitions));
        let t0 = Instant::now();
        fill_topic(&self.bootstrap, &topic, partitions, n, size);
        println!(
            "filled {topic}: {n} records of {size} B in {:.1} s",
            t0.elapsed().as_secs_f64()
        );
        self.filled.insert((size, partitions), topic.clone());
        topic
    }

    fn run(&mut self, rt: Rt, case: Case, n: u64) -> Run {
        let dir = tempfile::Builder::new()
            .prefix("bench-cmp-")
            .tempdir_in(&self.data)
            .unwrap();
        let port = free_port();
        let worker = self.worker(dir.path(), port);
        let n = n / case.tasks as u64 * case.tasks as u64;
        let partitions = case.tasks as i32;
        let mut props = Vec::new();
        let mut outputs = Vec::new();
        let mut topic = String::new();
        let tag = format!("{}-{}", rt.key(), std::process::id());
        match case.pipeline {
            Pipeline::E2e | Pipeline::Source => {
                topic = unique(&format!("bench-cmp-{tag}"));
                self.tokio
                    .block_on(create_topic(&self.bootstrap, &topic, partitions));
                for (i, (file, _)) in self.inputs(case.size, case.tasks, n).iter().enumerate() {
                    props.push(Self::source_props(
                        dir.path(),
                        &format!("src-{i}"),
                        file,
                        &topic,
                    ));
                }
                if case.pipeline == Pipeline::E2e {
                    let out = dir.path().join("output.txt");
                    props.push(Self::sink_props(
                        dir.path(),
                        &unique("sink"),
                        &out,
                        &topic,
                        case.tasks,
                    ));
                    outputs.push(out);
                }
            }
            Pipeline::Sink => {
                let filled = self.filled_topic(case.size, partitions, n);
                let out = dir.path().join("output.txt");
                props.push(Self::sink_props(
                    dir.path(),
                    &unique("sink"),
                    &out,
                    &filled,
                    case.tasks,
                ));
                outputs.push(out);
            }
        }
        let mut runtime = Runtime::start(rt, dir.path(), &worker, port, &self.kc_lib);
        let pid = runtime.pid();
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap)
            .create()
            .unwrap();
        let cpu0 = tree_cpu(pid);
        let t0 = Instant::now();
        for p in &props {
            runtime.create(p);
        }
        let deadline = t0 + self.timeout;
        let line = case.size as u64 + 1;
        let mut run = Run {
            records: n,
            startup: runtime.startup,
            ..Run::default()
        };
        let end = if outputs.is_empty() {
            loop {
                if high_watermark(&consumer, &topic) as u64 >= n {
                    break Some(Instant::now());
                }
                if Instant::now() > deadline {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        } else {
            wait_bytes(&outputs, n * line, deadline)
        };
        let cpu1 = tree_cpu(pid);
        run.rss = runtime.sampler.take(pid);
        run.cpu = cpu1 - cpu0;
        match end {
            None => {
                run.secs = f64::NAN;
                run.error = Some(format!("not done in {:?}", self.timeout));
            }
            Some(end) => run.secs = (end - t0).as_secs_f64(),
        }
        // Check: the exact record count.
        if outputs.is_empty() {
            std::thread::sleep(Duration::from_millis(500));
            let hw = high_watermark(&consumer, &topic) as u64;
            run.check = Check {
                found: hw,
                missing: n.saturating_sub(hw),
                duplicates: hw.saturating_sub(n),
                malformed: 0,
            };
        } else {
            // Let a straggling write land before the content is read.
            let mut c = check_output(&outputs, 0..n);
            let settle = Instant::now() + Duration::from_secs(5);
            while c.missing > 0 && Instant::now() < settle {
                std::thread::sleep(Duration::from_millis(500));
                c = check_output(&outputs, 0..n);
            }
            run.check = c;
        }
        if run.check.missing > 0 && run.error.is_none() {
            run.error = Some(format!("{} records missing", run.check.missing));
        }
        if run.error.is_some() {
            eprintln!(
                "{} {:?}: {:?}\n{}",
                rt.label(),
                case,
                run.error,
                runtime.log_tail()
            );
        }
        runtime.stop();
        drop(dir);
        run
    }
}

// ------------------------------------------------------------------ footprint

#[derive(Clone, Debug, Default)]
struct Footprint {
    startup: f64,
    idle_rss: u64,
    idle_cpu: f64,
    idle_secs: f64,
    load_rss: u64,
    records: u64,
    secs: f64,
    cpu: f64,
    check: Check,
    error: Option<String>,
}

fn footprint(b: &Bench, rt: Rt, size: usize, n: u64, idle: Duration) -> Footprint {
    let dir = tempfile::Builder::new()
        .prefix("bench-fp-")
        .tempdir_in(&b.data)
        .unwrap();
    let port = free_port();
    let worker = b.worker(dir.path(), port);
    let per = n / 5;
    let mut props = Vec::new();
    let mut names = Vec::new();
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    for i in 0..5 {
        let topic = unique(&format!("bench-fp-{}-{i}", rt.key()));
        b.tokio.block_on(create_topic(&b.bootstrap, &topic, 1));
        let input = dir.path().join(format!("input-{i}.txt"));
        std::fs::File::create(&input).unwrap();
        let output = dir.path().join(format!("output-{i}.txt"));
        props.push(Bench::source_props(
            dir.path(),
            &format!("fp-src-{i}"),
            &input,
            &topic,
        ));
        props.push(Bench::sink_props(
            dir.path(),
            &format!("fp-sink-{i}"),
            &output,
            &topic,
            1,
        ));
        names.push(format!("fp-src-{i}"));
        names.push(format!("fp-sink-{i}"));
        inputs.push(input);
        outputs.push(output);
    }
    let mut runtime = Runtime::start(rt, dir.path(), &worker, port, &b.kc_lib);
    let pid = runtime.pid();
    for p in &props {
        runtime.create(p);
    }
    runtime.wait_running(&names, Duration::from_secs(120));
    let mut f = Footprint {
        startup: runtime.startup,
        records: per * 5,
        ..Footprint::default()
    };
    // The idle period starts once everything runs.
    runtime.sampler.take(pid);
    let c0 = tree_cpu(pid);
    let t0 = Instant::now();
    std::thread::sleep(idle);
    f.idle_cpu = tree_cpu(pid) - c0;
    f.idle_secs = t0.elapsed().as_secs_f64();
    f.idle_rss = runtime.sampler.take(pid);
    // Load: each source file gets its lines in one go.
    let c1 = tree_cpu(pid);
    let t1 = Instant::now();
    for (i, input) in inputs.iter().enumerate() {
        write_lines(input, i as u64 * per, per, size);
    }
    let end = wait_bytes(&outputs, per * 5 * (size as u64 + 1), t1 + b.timeout);
    f.cpu = tree_cpu(pid) - c1;
    f.load_rss = runtime.sampler.take(pid);
    match end {
        Some(e) => f.secs = (e - t1).as_secs_f64(),
        None => {
            f.secs = f64::NAN;
            f.error = Some(format!("not done in {:?}", b.timeout));
        }
    }
    let mut c = Check::default();
    for (i, out) in outputs.iter().enumerate() {
        let r = check_output(
            std::slice::from_ref(out),
            i as u64 * per..(i as u64 + 1) * per,
        );
        c.found += r.found;
        c.missing += r.missing;
        c.duplicates += r.duplicates;
        c.malformed += r.malformed;
    }
    f.check = c;
    if c.missing > 0 && f.error.is_none() {
        f.error = Some(format!("{} records missing", c.missing));
    }
    if f.error.is_some() {
        eprintln!(
            "{} footprint: {:?}\n{}",
            rt.label(),
            f.error,
            runtime.log_tail()
        );
    }
    runtime.stop();
    f
}

// ------------------------------------------------------------------ report

fn mib(b: f64) -> f64 {
    b / (1024.0 * 1024.0)
}

fn fmt(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "-".into()
    }
}

fn env_u64(k: &str, d: u64) -> u64 {
    std::env::var(k)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(d)
}

fn env_list(k: &str, d: &str) -> Vec<String> {
    std::env::var(k)
        .unwrap_or_else(|_| d.into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn main() {
    let bootstrap = bootstrap();
    let rounds = env_u64("BENCH_ROUNDS", 3).max(1);
    let n100 = env_u64("BENCH_RECORDS", 500_000);
    let n1k = env_u64("BENCH_RECORDS_1K", (n100 / 4).max(1));
    let pipelines = env_list("BENCH_PIPELINES", "e2e,source,sink,footprint");
    let sizes: Vec<usize> = env_list("BENCH_SIZES", "100,1024")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let tasks: Vec<u32> = env_list("BENCH_TASKS", "1,4")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let runtimes: Vec<Rt> = env_list("BENCH_RUNTIMES", "polyconnect,kafka-connect")
        .iter()
        .filter_map(|s| match s.as_str() {
            "polyconnect" | "pc" => Some(Rt::Polyconnect),
            "kafka-connect" | "kc" => Some(Rt::KafkaConnect),
            _ => None,
        })
        .collect();
    let idle = Duration::from_secs(env_u64("BENCH_IDLE_SECS", 20));
    let out_path = std::env::var("BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target/bench/compare.md"));
    let records = |size: usize| if size >= 1024 { n1k } else { n100 };

    let kc_lib = if runtimes.contains(&Rt::KafkaConnect) {
        let out = Command::new(repo_root().join("scripts/kafka.sh"))
            .arg("connect-lib-dir")
            .output()
            .expect("scripts/kafka.sh");
        assert!(
            out.status.success(),
            "no Kafka Connect jars: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lib = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(
            Path::new(&lib).join("connect-file-4.3.1.jar").exists()
                || std::fs::read_dir(&lib)
                    .map(|d| d
                        .flatten()
                        .any(|e| e.file_name().to_string_lossy().starts_with("connect-file-")))
                    .unwrap_or(false),
            "no connect-file jar in {lib}"
        );
        lib
    } else {
        String::new()
    };
    let data = repo_root().join("target/bench/compare-data");
    std::fs::create_dir_all(&data).unwrap();
    let mut bench = Bench {
        bootstrap: bootstrap.clone(),
        kc_lib,
        plugin_path: repo_root().join("connectors"),
        data: data.clone(),
        timeout: Duration::from_secs(env_u64("BENCH_TIMEOUT_SECS", 900)),
        filled: BTreeMap::new(),
        tokio: tokio::runtime::Runtime::new().unwrap(),
    };
    let mut cases = Vec::new();
    for p in [
        ("e2e", Pipeline::E2e),
        ("source", Pipeline::Source),
        ("sink", Pipeline::Sink),
    ] {
        if !pipelines.iter().any(|x| x == p.0) {
            continue;
        }
        for &size in &sizes {
            for &t in &tasks {
                cases.push(Case {
                    pipeline: p.1,
                    size,
                    tasks: t,
                });
            }
        }
    }
    let do_footprint = pipelines.iter().any(|x| x == "footprint");
    println!(
        "compare: {} cases x {} runtimes x {rounds} rounds, N = {n100} at 100 B, {n1k} at 1 KiB{}",
        cases.len(),
        runtimes.len(),
        if do_footprint {
            ", and the footprint run"
        } else {
            ""
        }
    );
    let started = Instant::now();
    let mut runs: BTreeMap<(Case, Rt), Vec<Run>> = BTreeMap::new();
    let mut fps: BTreeMap<Rt, Vec<Footprint>> = BTreeMap::new();
    for round in 1..=rounds {
        // Alternate which runtime goes first, round by round.
        let mut order = runtimes.clone();
        if round % 2 == 0 {
            order.reverse();
        }
        for &case in &cases {
            for &rt in &order {
                let r = bench.run(rt, case, records(case.size));
                println!(
                    "round {round} {:<22} {:>5} B {} task(s) {:<13} {:>9} rec/s {:>7} CPU µs/rec {:>7} MiB peak RSS  start-up {:.1} s  records {} missing {} dup {}{}",
                    case.pipeline.label(),
                    case.size,
                    case.tasks,
                    rt.label(),
                    fmt(r.rps(), 0),
                    fmt(r.cpu_us(), 1),
                    fmt(mib(r.rss as f64), 0),
                    r.startup,
                    r.check.found,
                    r.check.missing,
                    r.check.duplicates,
                    r.error.as_ref().map(|e| format!("  ERROR: {e}")).unwrap_or_default()
                );
                runs.entry((case, rt)).or_default().push(r);
            }
        }
        if do_footprint {
            for &rt in &order {
                let f = footprint(&bench, rt, 100, n100, idle);
                println!(
                    "round {round} footprint {:<13} idle: {:.0} MiB, {:.2} CPU s in {:.0} s; load: {:.0} MiB, {} rec/s, {} CPU µs/rec; missing {} dup {}{}",
                    rt.label(),
                    mib(f.idle_rss as f64),
                    f.idle_cpu,
                    f.idle_secs,
                    mib(f.load_rss as f64),
                    fmt(f.records as f64 / f.secs, 0),
                    fmt(f.cpu * 1e6 / f.records as f64, 1),
                    f.check.missing,
                    f.check.duplicates,
                    f.error.as_ref().map(|e| format!("  ERROR: {e}")).unwrap_or_default()
                );
                fps.entry(rt).or_default().push(f);
            }
        }
    }

    // The table.
    let (pc, kc) = (Rt::Polyconnect, Rt::KafkaConnect);
    let mut md = String::new();
    md.push_str(&format!(
        "Polyconnect vs Apache Kafka Connect 4.3.1 (ConnectStandalone, connect-standalone's JVM flags), same broker, same .properties; \
         medians of {rounds} interleaved rounds; N = {n100} records at 100 B, {n1k} at 1 KiB; bench took {:.0} min.\n\
         Machine: {}.\n\
         records/s and CPU from the connectors' creation to done; CPU = user + system time of the whole process tree per record; \
         RSS = peak of the tree's summed VmRSS (100 ms samples); ratio = Polyconnect / Kafka Connect.\n\n",
        started.elapsed().as_secs_f64() / 60.0,
        machine()
    ));
    md.push_str("| pipeline | record | tasks | KC rec/s | PC rec/s | ratio | KC CPU µs/rec | PC CPU µs/rec | ratio | KC peak RSS MiB | PC peak RSS MiB | ratio | KC start-up s | PC start-up s | missing / duplicates (KC; PC) |\n");
    md.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    let mut failed = false;
    for &case in &cases {
        let get = |rt: Rt| runs.get(&(case, rt)).cloned().unwrap_or_default();
        let (k, p) = (get(kc), get(pc));
        let m = |v: &[Run], f: &dyn Fn(&Run) -> f64| {
            median(v.iter().filter(|r| r.error.is_none()).map(f).collect())
        };
        let (krps, prps) = (m(&k, &|r| r.rps()), m(&p, &|r| r.rps()));
        let (kcpu, pcpu) = (m(&k, &|r| r.cpu_us()), m(&p, &|r| r.cpu_us()));
        let (krss, prss) = (m(&k, &|r| mib(r.rss as f64)), m(&p, &|r| mib(r.rss as f64)));
        let (kst, pst) = (m(&k, &|r| r.startup), m(&p, &|r| r.startup));
        let errs = |v: &[Run]| v.iter().filter(|r| r.error.is_some()).count();
        failed |= errs(&k) + errs(&p) > 0;
        let counts = |v: &[Run]| {
            let errs = errs(v);
            format!(
                "{}/{}{}",
                v.iter().map(|r| r.check.missing).sum::<u64>(),
                v.iter().map(|r| r.check.duplicates).sum::<u64>(),
                if errs > 0 {
                    format!(" ({errs} FAILED)")
                } else {
                    String::new()
                }
            )
        };
        md.push_str(&format!(
            "| {} | {} B | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}; {} |\n",
            case.pipeline.label(),
            case.size,
            case.tasks,
            fmt(krps, 0),
            fmt(prps, 0),
            ratio(prps, krps),
            fmt(kcpu, 1),
            fmt(pcpu, 1),
            ratio(pcpu, kcpu),
            fmt(krss, 0),
            fmt(prss, 0),
            ratio(prss, krss),
            fmt(kst, 1),
            fmt(pst, 1),
            counts(&k),
            counts(&p)
        ));
    }
    if do_footprint {
        let get = |rt: Rt| fps.get(&rt).cloned().unwrap_or_default();
        let (k, p) = (get(kc), get(pc));
        let m = |v: &[Footprint], f: &dyn Fn(&Footprint) -> f64| {
            median(v.iter().filter(|r| r.error.is_none()).map(f).collect())
        };
        let rows: [(&str, &dyn Fn(&Footprint) -> f64, usize); 6] = [
            ("peak RSS idle, MiB", &|f| mib(f.idle_rss as f64), 0),
            (
                "CPU while idle, % of one core",
                &|f| f.idle_cpu / f.idle_secs * 100.0,
                2,
            ),
            ("peak RSS under load, MiB", &|f| mib(f.load_rss as f64), 0),
            ("records/s under load", &|f| f.records as f64 / f.secs, 0),
            (
                "CPU µs per record under load",
                &|f| f.cpu * 1e6 / f.records as f64,
                1,
            ),
            ("start-up, s", &|f| f.startup, 1),
        ];
        md.push_str(&format!(
            "\nFootprint: 10 connectors (5 FileStreamSource, 5 FileStreamSink, source i → topic i → sink i), idle for {} s once all run, \
             then each source file gets {} lines of 100 B at once.\n\n",
            idle.as_secs(),
            n100 / 5
        ));
        md.push_str("| footprint | Kafka Connect | Polyconnect | ratio |\n|---|---|---|---|\n");
        for (label, f, d) in rows {
            let (kv, pv) = (m(&k, f), m(&p, f));
            md.push_str(&format!(
                "| {label} | {} | {} | {} |\n",
                fmt(kv, d),
                fmt(pv, d),
                ratio(pv, kv)
            ));
        }
        for (rt, v) in [(kc, &k), (pc, &p)] {
            let errs: Vec<&String> = v.iter().filter_map(|f| f.error.as_ref()).collect();
            if !errs.is_empty() {
                failed = true;
                md.push_str(&format!("\n{} footprint FAILED: {errs:?}\n", rt.label()));
            }
        }
    }
    println!("\n{md}");
    if let Some(parent) = out_path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    write(&out_path, &md);
    println!("(written to {})", out_path.display());
    let _ = std::fs::remove_dir_all(&data);
    if failed {
        eprintln!("compare: some runs lost records or did not finish (see above)");
        std::process::exit(1);
    }
}
