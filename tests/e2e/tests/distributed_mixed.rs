//! A rolling migration: Kafka Connect's own workers and Polyconnect's in one group at the
//! same time. Two Apache Kafka Connect workers (`ConnectDistributed` from the 4.3.1 jars)
//! run three FileStream pipelines; a Polyconnect worker joins their group and gets a share
//! of the connectors and tasks from Kafka Connect's leader; the Kafka Connect workers are
//! then replaced one at a time by Polyconnect workers, so the leader changes hands from
//! Kafka Connect to Polyconnect. Connectors are created through a worker of each runtime
//! while they are mixed. At every step every connector and task is RUNNING, and every line
//! written is counted in the sink files (0 missing; duplicates printed).
//!
//! The same with exactly-once sources (KIP-618) on every worker: FileStream sources with
//! `exactly.once.support=required` move from Kafka Connect's workers to Polyconnect's and
//! back while their files grow. Whichever runtime runs a task asks whichever leads for the
//! round of zombie fencing (`PUT /connectors/{c}/fence`) and takes over the same
//! transactional ids; a `read_committed` consumer finds every line exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::cluster::{all_items, Items};
use polyconnect_e2e::transactions::{count, read_all, start_writer};
use polyconnect_e2e::*;
use serde_json::{json, Value};

const PIPELINES: usize = 3;

fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{port}{path}");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let mut req = reqwest::Client::builder()
                .timeout(Duration::from_secs(90))
                .build()
                .unwrap()
                .request(m, &url);
            if let Some(b) = body {
                req = req.json(&b);
            }
            match req.send().await {
                Ok(r) => {
                    let code = r.status().as_u16();
                    (code, r.json().await.unwrap_or(Value::Null))
                }
                Err(_) => (0, Value::Null),
            }
        })
}

/// One file → topic → file pipeline of Kafka Connect's FileStream connectors.
struct Pipeline {
    input: PathBuf,
    output: PathBuf,
    written: u64,
}

impl Pipeline {
    fn append(&mut self, i: usize, n: u64) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.input)
            .unwrap();
        let mut text = String::new();
        for seq in self.written..self.written + n {
            text.push_str(&format!("p{i}-{seq:06}\n"));
        }
        f.write_all(text.as_bytes()).unwrap();
        self.written += n;
    }

    /// (distinct lines of this pipeline among those written, duplicates).
    fn seen(&self, i: usize) -> (u64, u64) {
        let text = std::fs::read_to_string(&self.output).unwrap_or_default();
        let prefix = format!("p{i}-");
        let mut count: BTreeMap<u64, u64> = BTreeMap::new();
        for l in text.lines() {
            if let Some(seq) = l.strip_prefix(&prefix).and_then(|s| s.parse::<u64>().ok()) {
                if seq < self.written {
                    *count.entry(seq).or_default() += 1;
                }
            }
        }
        (count.len() as u64, count.values().map(|c| c - 1).sum())
    }
}

/// The workers, by REST port, of both runtimes.
struct Mixed {
    dir: PathBuf,
    group: String,
    common: String,
    kc: BTreeMap<u16, KafkaConnectDistributed>,
    pc: BTreeMap<u16, Core>,
}

impl Mixed {
    fn start_kc(&mut self) -> u16 {
        let port = free_port();
        let kc = KafkaConnectDistributed::start(
            &self.dir.join(format!("kc-{port}")),
            &self.common,
            port,
        );
        self.kc.insert(port, kc);
        port
    }

    fn start_pc(&mut self) -> u16 {
        let port = free_port();
        let file = self.dir.join(format!("worker-{port}.properties"));
        std::fs::write(
            &file,
            format!(
                "{}listeners=http://127.0.0.1:{port}\nplugin.path={}\n",
                self.common,
                repo_root().join("connectors").display()
            ),
        )
        .unwrap();
        let core = Core::start_distributed(&self.dir.join(format!("pc-{port}")), &file, port);
        self.pc.insert(port, core);
        port
    }

    fn ids(&self) -> BTreeSet<String> {
        self.kc
            .keys()
            .chain(self.pc.keys())
            .map(|p| format!("127.0.0.1:{p}"))
            .collect()
    }

    fn logs(&self) -> String {
        let mut out = String::new();
        for (p, kc) in &self.kc {
            out.push_str(&format!("\n===== Kafka Connect :{p}\n{}", kc.log_tail()));
        }
        for (p, core) in &self.pc {
            let text = core.log_text();
            let tail: Vec<&str> = text.lines().rev().take(60).collect();
            out.push_str(&format!("\n===== Polyconnect :{p}\n"));
            for l in tail.into_iter().rev() {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }

    /// A task that a Kafka Connect worker reports FAILED has its status (with the trace)
    /// printed once, so a failure names its cause.
    fn print_kafka_connect_failures(&self, items: &Items, printed: &mut BTreeSet<String>) {
        for (item, (state, worker)) in items {
            let Some((connector, _)) = item.split_once('/') else {
                continue;
            };
            let on_kafka_connect = self.kc.keys().any(|p| worker.ends_with(&format!(":{p}")));
            if state != "FAILED" || !on_kafka_connect || !printed.insert(item.clone()) {
                continue;
            }
            let port = *self.kc.keys().next().expect("a Kafka Connect worker");
            let (_, status) = call(
                port,
                "GET",
                &format!("/connectors/{connector}/status"),
                None,
            );
            eprintln!("Kafka Connect's worker {worker} reports {item} FAILED: {status:#}");
        }
    }

    /// Waits until `want` items (connectors and tasks) are RUNNING on live workers, seen
    /// alike from a worker of each runtime; returns them.
    fn wait_running(&self, want: usize, what: &str) -> Items {
        let deadline = Instant::now() + Duration::from_secs(180);
        let ids = self.ids();
        let ports: Vec<u16> = self
            .kc
            .keys()
            .take(1)
            .chain(self.pc.keys().take(1))
            .copied()
            .collect();
        let mut last = BTreeMap::new();
        let mut printed = BTreeSet::new();
        loop {
            let views: Vec<Option<Items>> = ports.iter().map(|&p| all_items(p)).collect();
            if let Some(Some(first)) = views.first() {
                self.print_kafka_connect_failures(first, &mut printed);
                let settled = first.len() == want
                    && first
                        .values()
                        .all(|(state, worker)| state == "RUNNING" && ids.contains(worker))
                    && views.iter().all(|v| v.as_ref() == Some(first));
                if settled {
                    return first.clone();
                }
                last = first.clone();
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not every item RUNNING on {ids:?}: {last:#?}{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

fn runs_on(items: &Items) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (_, worker) in items.values() {
        *out.entry(worker.clone()).or_default() += 1;
    }
    out
}

/// Appends `n` lines to every pipeline and waits until every line written so far is in
/// its sink's file; returns the duplicates seen.
fn flow(mixed: &Mixed, pipelines: &mut [Pipeline], n: u64, what: &str) -> u64 {
    for (i, p) in pipelines.iter_mut().enumerate() {
        p.append(i, n);
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let seen: Vec<(u64, u64)> = pipelines
            .iter()
            .enumerate()
            .map(|(i, p)| p.seen(i))
            .collect();
        let missing: u64 = pipelines
            .iter()
            .zip(&seen)
            .map(|(p, (distinct, _))| p.written - distinct)
            .sum();
        if missing == 0 {
            let dup = seen.iter().map(|(_, d)| d).sum();
            let total: u64 = pipelines.iter().map(|p| p.written).sum();
            println!("{what}: {total} lines, 0 missing, {dup} duplicated");
            return dup;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {missing} lines missing{}",
            mixed.logs()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn file_source(input: &Path, topic: &str) -> Value {
    json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1",
        "file": input.display().to_string(),
        "topic": topic,
    })
}

fn file_sink(output: &Path, topic: &str) -> Value {
    json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1",
        "file": output.display().to_string(),
        "topics": topic,
    })
}

fn create(port: u16, name: &str, config: Value, mixed: &Mixed) {
    let (code, body) = call(
        port,
        "POST",
        "/connectors",
        Some(json!({"name": name, "config": config})),
    );
    assert_eq!(
        code,
        201,
        "create {name} through :{port}: {body}{}",
        mixed.logs()
    );
}

#[test]
fn a_kafka_connect_cluster_is_replaced_worker_by_worker() {
    let dir = tempfile::tempdir().unwrap();
    let group = unique("mixed");
    let mut mixed = Mixed {
        dir: dir.path().to_path_buf(),
        group: group.clone(),
        common: distributed_common_properties(&group),
        kc: BTreeMap::new(),
        pc: BTreeMap::new(),
    };
    let mut pipelines: Vec<Pipeline> = (0..PIPELINES)
        .map(|i| {
            let input = dir.path().join(format!("in-{i}.txt"));
            std::fs::File::create(&input).unwrap();
            Pipeline {
                input,
                output: dir.path().join(format!("out-{i}.txt")),
                written: 0,
            }
        })
        .collect();

    // Kafka Connect's cluster, with the first two pipelines.
    let kc_a = mixed.start_kc();
    let kc_b = mixed.start_kc();
    for (i, p) in pipelines.iter().enumerate().take(2) {
        let topic = format!("{group}-{i}");
        create(
            kc_a,
            &format!("src-{i}"),
            file_source(&p.input, &topic),
            &mixed,
        );
        create(
            kc_b,
            &format!("snk-{i}"),
            file_sink(&p.output, &topic),
            &mixed,
        );
    }
    // The third pipeline's connectors come later, through a worker of each runtime.
    let mut want = 2 * 2 * 2;
    mixed.wait_running(want, "Kafka Connect alone");
    let mut duplicates = 0;
    duplicates += flow(&mixed, &mut pipelines[..2], 500, "Kafka Connect alone");

    // A Polyconnect worker joins; Kafka Connect's leader gives it a share.
    let pc_a = mixed.start_pc();
    let topic = format!("{group}-2");
    create(
        pc_a,
        "src-2",
        file_source(&pipelines[2].input, &topic),
        &mixed,
    );
    create(
        kc_b,
        "snk-2",
        file_sink(&pipelines[2].output, &topic),
        &mixed,
    );
    want += 4;
    let items = mixed.wait_running(want, "two Kafka Connect workers and one Polyconnect worker");
    let spread = runs_on(&items);
    println!("mixed: items per worker {spread:?}");
    assert!(
        spread.contains_key(&format!("127.0.0.1:{pc_a}")),
        "Kafka Connect's leader gave the Polyconnect worker nothing: {items:#?}"
    );
    assert!(
        spread.keys().any(|w| *w != format!("127.0.0.1:{pc_a}")),
        "the Kafka Connect workers run nothing: {items:#?}"
    );
    duplicates += flow(&mixed, &mut pipelines, 500, "mixed, Kafka Connect leading");
    // Through the Polyconnect worker, a pause reaches Kafka Connect's leader.
    let (code, body) = call(pc_a, "PUT", "/connectors/snk-0/pause", None);
    assert_eq!(code, 202, "{body}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, s) = call(kc_a, "GET", "/connectors/snk-0/status", None);
        if s["connector"]["state"] == "PAUSED" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "snk-0 not PAUSED: {s}{}",
            mixed.logs()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let (code, body) = call(kc_b, "PUT", "/connectors/snk-0/resume", None);
    assert_eq!(code, 202, "{body}");

    // The first Kafka Connect worker (the leader) leaves; a second Polyconnect worker joins.
    mixed.kc.remove(&kc_a).unwrap().stop();
    let pc_b = mixed.start_pc();
    let items = mixed.wait_running(want, "one Kafka Connect worker, two Polyconnect workers");
    println!("mixed: items per worker {:?}", runs_on(&items));
    duplicates += flow(&mixed, &mut pipelines, 500, "one Kafka Connect worker left");

    // The last Kafka Connect worker leaves: Polyconnect alone.
    mixed.kc.remove(&kc_b).unwrap().stop();
    let items = mixed.wait_running(want, "Polyconnect alone");
    let spread = runs_on(&items);
    println!("Polyconnect alone: items per worker {spread:?}");
    let expected: BTreeSet<String> = [pc_a, pc_b]
        .iter()
        .map(|p| format!("127.0.0.1:{p}"))
        .collect();
    assert!(spread.keys().all(|w| expected.contains(w)), "{spread:?}");
    duplicates += flow(&mixed, &mut pipelines, 500, "Polyconnect alone");
    println!("duplicates over the migration: {duplicates}");
    for core in mixed.pc.values_mut() {
        core.stop();
    }
}

/// A FileStream source with exactly-once support required, over a file a writer keeps
/// appending numbered lines to, into its own topic.
struct Numbers {
    topic: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    written: std::sync::Arc<std::sync::atomic::AtomicU64>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Numbers {
    fn start(mixed: &Mixed, port: u16, name: &str) -> Numbers {
        let input = mixed.dir.join(format!("{name}.txt"));
        std::fs::File::create(&input).unwrap();
        let topic = format!("{}-{name}", mixed.group);
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let written = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let writer = start_writer(input.clone(), stop.clone(), written.clone());
        let mut config = file_source(&input, &topic);
        config["exactly.once.support"] = json!("required");
        config["transaction.boundary"] = json!("poll");
        create(port, name, config, mixed);
        Numbers {
            topic,
            stop,
            written,
            writer: Some(writer),
        }
    }

    /// Stops the writer; the count of lines written.
    fn finish(&mut self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(w) = self.writer.take() {
            w.join().unwrap();
        }
        self.written.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Waits until a `read_committed` consumer of each source's topic has every line written;
/// asserts none is there twice.
fn read_exactly_once(mixed: &Mixed, sources: &mut [Numbers]) {
    for n in sources.iter_mut() {
        let expected = n.finish();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let values = read_all(&n.topic, "read_committed");
            let (missing, duplicates, unexpected) = count(&values, expected);
            if missing == 0 || Instant::now() > deadline {
                let uncommitted = read_all(&n.topic, "read_uncommitted").len();
                println!(
                    "{}: {expected} lines, {missing} missing, {duplicates} duplicated (read_committed); read_uncommitted sees {uncommitted} records",
                    n.topic
                );
                assert_eq!(
                    missing,
                    0,
                    "{}: {missing} lines missing{}",
                    n.topic,
                    mixed.logs()
                );
                assert_eq!(duplicates, 0, "{}: {duplicates} lines twice", n.topic);
                assert_eq!(
                    unexpected, 0,
                    "{}: records that are not lines written",
                    n.topic
                );
                break;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

/// Prints, per Polyconnect worker, the rounds of zombie fencing it asked a leader for and
/// those other workers asked it for (`PUT /connectors/{c}/fence`).
fn fencing_seen(mixed: &Mixed) {
    for (port, core) in &mixed.pc {
        let log = core.log_text();
        let asked = log
            .lines()
            .filter(|l| l.contains("round of zombie fencing for the connector is done"))
            .count();
        let served = log
            .lines()
            .filter(|l| l.contains("another worker asks for a round of zombie fencing"))
            .count();
        println!("Polyconnect :{port}: {asked} rounds of zombie fencing asked for, {served} served for other workers");
    }
}

#[test]
fn exactly_once_sources_move_from_kafka_connect_to_polyconnect_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let group = unique("mixed-eos");
    let mut mixed = Mixed {
        dir: dir.path().to_path_buf(),
        group: group.clone(),
        common: format!(
            "{}exactly.once.source.support=enabled\n",
            distributed_common_properties(&group)
        ),
        kc: BTreeMap::new(),
        pc: BTreeMap::new(),
    };
    let kc_a = mixed.start_kc();
    let kc_b = mixed.start_kc();
    let mut sources = vec![Numbers::start(&mixed, kc_a, "eos-0")];
    mixed.wait_running(2, "Kafka Connect alone, exactly once");
    std::thread::sleep(Duration::from_secs(2));

    // A Polyconnect worker joins; a second source is created through it.
    let pc_a = mixed.start_pc();
    sources.push(Numbers::start(&mixed, pc_a, "eos-1"));
    let items = mixed.wait_running(4, "two Kafka Connect workers and one Polyconnect worker");
    println!(
        "mixed, exactly once: items per worker {:?}",
        runs_on(&items)
    );
    std::thread::sleep(Duration::from_secs(2));

    // Kafka Connect's first worker leaves, a second Polyconnect worker joins, then the last
    // Kafka Connect worker leaves.
    mixed.kc.remove(&kc_a).unwrap().stop();
    let pc_b = mixed.start_pc();
    let items = mixed.wait_running(4, "one Kafka Connect worker, two Polyconnect workers");
    println!(
        "mixed, exactly once: items per worker {:?}",
        runs_on(&items)
    );
    std::thread::sleep(Duration::from_secs(2));
    mixed.kc.remove(&kc_b).unwrap().stop();
    let items = mixed.wait_running(4, "Polyconnect alone, exactly once");
    println!(
        "Polyconnect alone, exactly once: items per worker {:?}",
        runs_on(&items)
    );
    std::thread::sleep(Duration::from_secs(2));

    fencing_seen(&mixed);

    // And back: a Kafka Connect worker joins, the Polyconnect workers leave one by one.
    let kc_c = mixed.start_kc();
    mixed.pc.remove(&pc_a).unwrap().stop();
    let items = mixed.wait_running(4, "one Polyconnect worker, one Kafka Connect worker");
    println!("back, exactly once: items per worker {:?}", runs_on(&items));
    std::thread::sleep(Duration::from_secs(2));
    mixed.pc.remove(&pc_b).unwrap().stop();
    mixed.wait_running(4, "Kafka Connect alone again, exactly once");
    std::thread::sleep(Duration::from_secs(2));

    read_exactly_once(&mixed, &mut sources);
    // Both runtimes wrote the same task count records.
    let (_, status) = call(kc_c, "GET", "/connectors/eos-1/status", None);
    assert_eq!(status["tasks"][0]["state"], "RUNNING", "{status}");
}
