//! Support for the end-to-end tests: a real Kafka broker (started by `make kafka-up` or
//! `scripts/kafka.sh up`), the real `polyconnect` binary and real connector processes.

pub mod cluster;
pub mod faults;
pub mod idp;
pub mod measure;
pub mod otlp;
pub mod transactions;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

pub fn bootstrap() -> String {
    let b = std::env::var("POLYCONNECT_TEST_BOOTSTRAP").unwrap_or_else(|_| "127.0.0.1:9092".into());
    let addr = b.split(',').next().unwrap_or(&b).to_string();
    if std::net::TcpStream::connect_timeout(
        &addr.parse().expect("bootstrap address"),
        Duration::from_secs(2),
    )
    .is_err()
    {
        panic!("no Kafka broker at {b}: start one with `make kafka-up` (or set POLYCONNECT_TEST_BOOTSTRAP)");
    }
    b
}

/// Where cargo builds this workspace (`CARGO_TARGET_DIR`, else `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target"))
}

/// A binary of this workspace; `make test` builds them before the tests run.
pub fn binary(name: &str) -> PathBuf {
    if let Ok(p) = std::env::var(format!(
        "POLYCONNECT_{}_BIN",
        name.to_uppercase().replace('-', "_")
    )) {
        return PathBuf::from(p);
    }
    for profile in ["debug", "release"] {
        let p = target_dir().join(profile).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("binary {name} not built: run `cargo build --workspace --bins` first");
}

pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}

/// A port nothing listens on now, never handed out before in this process: the kernel
/// may give the same ephemeral port to two binds in a row once the first is closed, and
/// two listeners of one broker (or two workers) on one port fail to start.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

pub fn write(path: &Path, text: &str) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// A running `polyconnect standalone` process.
pub struct Core {
    pub child: Option<Child>,
    pub port: u16,
    pub log: PathBuf,
    args: Vec<PathBuf>,
    dir: PathBuf,
    env: Vec<(String, String)>,
    /// `standalone` or `distributed`.
    mode: &'static str,
}

impl Core {
    /// Starts the core with a worker config and connector configs (paths).
    pub fn start(dir: &Path, worker: &Path, connectors: &[PathBuf], port: u16) -> Core {
        Core::start_with_env(dir, worker, connectors, port, &[])
    }

    /// As `start`, with extra environment variables for the core (and so for the
    /// connector processes it launches).
    pub fn start_with_env(
        dir: &Path,
        worker: &Path,
        connectors: &[PathBuf],
        port: u16,
        env: &[(&str, &str)],
    ) -> Core {
        let mut c = Core {
            child: None,
            port,
            log: dir.join("core.log"),
            args: std::iter::once(worker.to_path_buf())
                .chain(connectors.iter().cloned())
                .collect(),
            dir: dir.to_path_buf(),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            mode: "standalone",
        };
        c.spawn();
        c
    }

    /// Starts a worker of a distributed cluster (`polyconnect distributed worker`); its log
    /// is `<dir>/core.log`.
    pub fn start_distributed(dir: &Path, worker: &Path, port: u16) -> Core {
        std::fs::create_dir_all(dir).unwrap();
        let mut c = Core {
            child: None,
            port,
            log: dir.join("core.log"),
            args: vec![worker.to_path_buf()],
            dir: dir.to_path_buf(),
            env: Vec::new(),
            mode: "distributed",
        };
        c.spawn();
        c
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(binary("polyconnect"))
            .arg(self.mode)
            .args(&self.args)
            .current_dir(&self.dir)
            .env(
                "POLYCONNECT_LOG",
                std::env::var("POLYCONNECT_LOG").unwrap_or_else(|_| "info".into()),
            )
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start polyconnect");
        self.child = Some(child);
        self.wait_rest();
    }

    fn wait_rest(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("polyconnect exited with {status}:\n{}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("polyconnect REST API did not come up:\n{}", self.log_text());
    }

    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "still running");
        self.spawn();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGTERM and wait: a graceful stop.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            signal(c.id(), libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                if let Ok(Some(status)) = c.try_wait() {
                    assert!(
                        status.success(),
                        "polyconnect exited with {status}:\n{}",
                        self.log_text()
                    );
                    return;
                }
                if Instant::now() > deadline {
                    let _ = c.kill();
                    panic!("polyconnect did not stop within 60s:\n{}", self.log_text());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// SIGKILL: a crash.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let r = reqwest::get(&url).await.expect("REST call");
            let code = r.status().as_u16();
            (code, r.json().await.unwrap_or(serde_json::Value::Null))
        })
    }

    /// A GET whose body is text (e.g. `/metrics`).
    pub fn get_text(&self, path: &str) -> (u16, String) {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let r = reqwest::get(&url).await.expect("REST call");
            let code = r.status().as_u16();
            (code, r.text().await.unwrap_or_default())
        })
    }

    /// A sample's value from `GET /metrics`: `name{labels}` exactly as rendered.
    pub fn metric(&self, name: &str, labels: &str) -> Option<f64> {
        let (_, text) = self.get_text("/metrics");
        let key = format!("{name}{{{labels}}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&key))
            .and_then(|v| v.trim().parse().ok())
    }

    /// Waits until a task of `connector` has `state`; returns the task status.
    pub fn wait_task_state(
        &self,
        connector: &str,
        task: u32,
        state: &str,
        timeout: Duration,
    ) -> serde_json::Value {
        let deadline = Instant::now() + timeout;
        let mut last = serde_json::Value::Null;
        while Instant::now() < deadline {
            let (code, body) = self.get(&format!("/connectors/{connector}/tasks/{task}/status"));
            if code == 200 && body["state"] == state {
                return body;
            }
            last = body;
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "task {connector}-{task} never reached {state}; last status {last}\n{}",
            self.log_text()
        );
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            signal(c.id(), libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
        }
    }
}

#[allow(unsafe_code)]
pub fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) with a pid this test started.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// Processes whose command line contains `needle` (to find connector processes).
pub fn pids_with(needle: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(needle) && pid != std::process::id() {
                out.push(pid);
            }
        }
    }
    out
}

pub async fn create_topic(bootstrap: &str, topic: &str, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    let t = NewTopic::new(topic, partitions, TopicReplication::Fixed(1));
    let r = admin
        .create_topics([&t], &AdminOptions::new())
        .await
        .unwrap();
    for x in r {
        if let Err((name, e)) = x {
            if e != rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists {
                panic!("cannot create topic {name}: {e}");
            }
        }
    }
}

/// Reads a whole topic (all partitions, from the beginning) until `expected` records or
/// `timeout`; returns (partition, offset, key, value) in partition/offset order.
/// A record read back: (partition, offset, key, value).
pub type TopicRecord = (i32, i64, Option<Vec<u8>>, Option<Vec<u8>>);

pub fn read_topic(
    bootstrap: &str,
    topic: &str,
    expected: usize,
    timeout: Duration,
) -> Vec<TopicRecord> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", unique("reader"))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let deadline = Instant::now() + timeout;
    // The topic may not exist yet (created by the first record the core produces): wait
    // for its partitions rather than assigning none.
    let mut tpl = TopicPartitionList::new();
    loop {
        let md = consumer
            .fetch_metadata(Some(topic), Duration::from_secs(10))
            .expect("metadata");
        for t in md.topics().iter().filter(|t| t.error().is_none()) {
            for p in t.partitions() {
                tpl.add_partition_offset(topic, p.id(), Offset::Beginning)
                    .unwrap();
            }
        }
        if tpl.count() > 0 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    consumer.assign(&tpl).unwrap();
    let mut out = Vec::new();
    while out.len() < expected && Instant::now() < deadline {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            out.push((
                m.partition(),
                m.offset(),
                m.key().map(<[u8]>::to_vec),
                m.payload().map(<[u8]>::to_vec),
            ));
        }
    }
    // Anything beyond `expected` (duplicates) is picked up too, briefly.
    let settle = Instant::now() + Duration::from_millis(500);
    while Instant::now() < settle {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
            out.push((
                m.partition(),
                m.offset(),
                m.key().map(<[u8]>::to_vec),
                m.payload().map(<[u8]>::to_vec),
            ));
        }
    }
    out.sort_by_key(|r| (r.0, r.1));
    out
}

/// Waits until `path` has at least `lines` lines; returns its lines.
pub fn wait_lines(path: &Path, lines: usize, timeout: Duration) -> Vec<String> {
    let deadline = Instant::now() + timeout;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let got: Vec<String> = text.lines().map(str::to_string).collect();
        if got.len() >= lines || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The worker properties the tests use.
pub fn worker_properties(dir: &Path, port: u16, extra: &str) -> PathBuf {
    let p = dir.join("worker.properties");
    write(
        &p,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={}\n\
             {extra}\n",
            bootstrap(),
            dir.join("offsets.json").display(),
            repo_root().join("connectors").display(),
        ),
    );
    p
}

/// Child processes of `parent` whose command line contains `needle`.
pub fn children_with(parent: u32, needle: &str) -> Vec<u32> {
    pids_with(needle)
        .into_iter()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    let after = s.rsplit_once(')')?.1.to_string();
                    after.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// Appends `count` numbered lines (`prefix-<n>`), starting at `from`, in chunks, pausing
/// between chunks so the source tails a growing file.
pub fn append_lines(
    path: &Path,
    prefix: &str,
    from: usize,
    count: usize,
    chunks: usize,
    pause: Duration,
) {
    let per = count.div_ceil(chunks.max(1));
    let mut n = from;
    let end = from + count;
    while n < end {
        let mut text = String::with_capacity(per * 16);
        let stop = (n + per).min(end);
        for i in n..stop {
            text.push_str(&format!("{prefix}-{i}\n"));
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
        n = stop;
        std::thread::sleep(pause);
    }
}

/// The file connectors' configs (Kafka Connect's FileStream configs, unchanged).
pub fn file_connectors(dir: &Path, input: &Path, output: &Path, topic: &str) -> Vec<PathBuf> {
    let source = dir.join("file-source.properties");
    write(
        &source,
        &format!(
            "name=file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\ntopic={topic}\n",
            input.display()
        ),
    );
    let sink = dir.join("file-sink.json");
    write(
        &sink,
        &serde_json::json!({
            "name": "file-sink",
            "config": {
                "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "tasks.max": "1",
                "file": output.display().to_string(),
                "topics": topic,
            }
        })
        .to_string(),
    );
    vec![source, sink]
}

/// A consumed record with its headers (as text).
pub struct Read {
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: std::collections::BTreeMap<String, String>,
}

/// Reads partition 0 of `topic` until `expected` records, then briefly more (duplicates).
pub fn read_with_headers(topic: &str, expected: usize, timeout: Duration) -> Vec<Read> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .set("group.id", unique("reader"))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Beginning)
        .unwrap();
    consumer.assign(&tpl).unwrap();
    let mut out = Vec::new();
    let deadline = Instant::now() + timeout;
    let mut settle: Option<Instant> = None;
    loop {
        if out.len() >= expected && settle.is_none() {
            settle = Some(Instant::now() + Duration::from_millis(500));
        }
        if settle.is_some_and(|s| Instant::now() > s) || Instant::now() > deadline {
            break;
        }
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
            let headers = m
                .headers()
                .map(|hs| {
                    use rdkafka::message::Headers;
                    hs.iter()
                        .map(|h| {
                            (
                                h.key.to_string(),
                                String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(Read {
                offset: m.offset(),
                key: m.key().map(<[u8]>::to_vec),
                value: m.payload().map(<[u8]>::to_vec),
                headers,
            });
        }
    }
    out
}

/// A child process killed (and reaped) when dropped.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Rust test connector (`src/bin/test-connector.rs`) serving on a free TCP port, for
/// `connector.endpoint=127.0.0.1:<port>`.
pub fn test_connector() -> (Proc, u16) {
    let port = free_port();
    let child = Command::new(binary("polyconnect-test-connector"))
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("test connector");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "test connector did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Proc(child), port)
}

/// Apache Kafka Connect's `ConnectDistributed` from the Kafka jars
/// (`scripts/kafka.sh connect-lib-dir`), its log in `<dir>/connect.log` (printed when a test
/// fails). Killed when dropped unless stopped.
pub struct KafkaConnectDistributed {
    child: Option<Child>,
    pub port: u16,
    pub log: PathBuf,
}

impl KafkaConnectDistributed {
    /// Starts it with `properties` (`listeners` is added) and waits until its REST API
    /// lists connectors (it joined the group and read the config topic).
    pub fn start(dir: &Path, properties: &str, port: u16) -> KafkaConnectDistributed {
        let jvm: Vec<String> = ["-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        KafkaConnectDistributed::start_with_jvm(dir, properties, port, &jvm)
    }

    /// As `start`, with these JVM flags (heap, collector) instead of the tests' small ones.
    pub fn start_with_jvm(
        dir: &Path,
        properties: &str,
        port: u16,
        jvm: &[String],
    ) -> KafkaConnectDistributed {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("bash")
            .arg(repo_root().join("scripts/kafka.sh"))
            .arg("connect-lib-dir")
            .output()
            .expect("scripts/kafka.sh connect-lib-dir");
        assert!(
            out.status.success(),
            "no Kafka Connect jars: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lib = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_string();
        let props = dir.join("connect-distributed.properties");
        write(
            &props,
            &format!(
                "{properties}\nlisteners=http://127.0.0.1:{port}\nrest.advertised.host.name=127.0.0.1\nrest.advertised.port={port}\n"
            ),
        );
        let log = dir.join("connect.log");
        let child = Command::new("java")
            .args(jvm)
            .arg(format!(
                "-Dlog4j2.configurationFile={}",
                repo_root()
                    .join("tests/reference/log4j2.properties")
                    .display()
            ))
            .arg("-Dpolyconnect.reference.log.level=INFO")
            .arg("-cp")
            .arg(format!("{lib}/*"))
            .arg("org.apache.kafka.connect.cli.ConnectDistributed")
            .arg(&props)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start ConnectDistributed");
        let mut kc = KafkaConnectDistributed {
            child: Some(child),
            port,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(240);
        loop {
            if let Some(Ok(Some(status))) = kc.child.as_mut().map(|c| c.try_wait()) {
                panic!(
                    "ConnectDistributed exited at start ({status}):\n{}",
                    kc.log_tail()
                );
            }
            let url = format!("http://127.0.0.1:{port}/connectors");
            let ok = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    reqwest::get(&url)
                        .await
                        .map(|r| r.status().as_u16() == 200)
                        .unwrap_or(false)
                });
            if ok {
                return kc;
            }
            assert!(
                Instant::now() < deadline,
                "ConnectDistributed did not become ready:\n{}",
                kc.log_tail()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(80).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// SIGKILL: a crash.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGTERM and wait (Kafka Connect stops its connectors, commits and leaves the group).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            signal(c.id(), libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for KafkaConnectDistributed {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
            if std::thread::panicking() {
                eprintln!(
                    "--- Kafka Connect's log (last lines) ---\n{}",
                    self.log_tail()
                );
            }
        }
    }
}

/// A distributed worker's properties for the tests: group `group`, topics `<group>-configs`,
/// `-offsets`, `-status` (what Kafka Connect's workers of the same group use too), short
/// session and rebalance delays.
pub fn distributed_worker_file(dir: &Path, port: u16, group: &str) -> PathBuf {
    let p = dir.join(format!("worker-{port}.properties"));
    write(
        &p,
        &format!(
            "{common}listeners=http://127.0.0.1:{port}\nplugin.path={plugins}\n",
            common = distributed_common_properties(group),
            plugins = repo_root().join("connectors").display(),
        ),
    );
    p
}

/// The settings every worker of a test cluster shares, Polyconnect's or Kafka Connect's.
pub fn distributed_common_properties(group: &str) -> String {
    format!(
        "bootstrap.servers={bootstrap}\n\
             group.id={group}\n\
             config.storage.topic={group}-configs\n\
             offset.storage.topic={group}-offsets\n\
             status.storage.topic={group}-status\n\
             config.storage.replication.factor=1\n\
             offset.storage.replication.factor=1\n\
             status.storage.replication.factor=1\n\
             offset.storage.partitions=5\n\
             status.storage.partitions=2\n\
             session.timeout.ms=6000\n\
             heartbeat.interval.ms=1000\n\
             scheduled.rebalance.max.delay.ms=5000\n\
             offset.flush.interval.ms=1000\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n",
        bootstrap = bootstrap(),
    )
}

/// What `scripts/kafka.sh secure-info` prints about the test broker's secured listeners
/// (their addresses, the SCRAM user and password, the certificate files), as key → value.
pub fn secure_info() -> std::collections::BTreeMap<String, String> {
    let b = bootstrap();
    let port = b
        .split(',')
        .next()
        .and_then(|a| a.rsplit(':').next())
        .expect("bootstrap port")
        .to_string();
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/kafka.sh"))
        .arg("secure-info")
        .env("KAFKA_PORT", &port)
        .output()
        .expect("run scripts/kafka.sh secure-info");
    assert!(
        out.status.success(),
        "scripts/kafka.sh secure-info failed (the broker at {b} must be the one scripts/kafka.sh started): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The Schema Registry of the tests (`scripts/registry.sh up`; `make test` starts it and sets
/// POLYCONNECT_TEST_SCHEMA_REGISTRY): its Confluent-compatible URL.
pub fn schema_registry() -> String {
    let url = std::env::var("POLYCONNECT_TEST_SCHEMA_REGISTRY")
        .unwrap_or_else(|_| "http://127.0.0.1:8081/apis/ccompat/v7".into());
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    if std::net::TcpStream::connect(&host).is_err() {
        panic!("no Schema Registry at {url}: start one with `scripts/registry.sh up` (or set POLYCONNECT_TEST_SCHEMA_REGISTRY)");
    }
    url
}

/// Encodes values with Confluent's own AvroSerializer (`tests/avro/confluent_serde.py`,
/// auto-registering `schema` under `<topic>-value`): the Kafka record values.
pub fn confluent_avro_encode(
    topic: &str,
    schema: &str,
    values: &[serde_json::Value],
) -> Vec<Vec<u8>> {
    let ops: Vec<_> = values
        .iter()
        .map(|v| serde_json::json!({"op": "encode", "topic": topic, "schema": schema, "value": v}))
        .collect();
    confluent_serde(ops)
        .iter()
        .map(|r| {
            let h = r["hex"]
                .as_str()
                .unwrap_or_else(|| panic!("Confluent's serializer: {r}"));
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect()
        })
        .collect()
}

fn confluent_serde(ops: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .arg(repo_root().join("tests/avro/confluent_serde.py"))
        .env("POLYCONNECT_TEST_SCHEMA_REGISTRY", schema_registry())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::Value::Array(ops).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "tests/avro/confluent_serde.py failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Decodes Kafka record bytes with Confluent's own AvroDeserializer (PyPI's confluent-kafka,
/// `tests/avro/confluent_serde.py`): one JSON result per record, `{"value": ..., "id": ...}`.
pub fn confluent_avro_decode(
    topic: &str,
    records: &[Vec<u8>],
    key: bool,
) -> Vec<serde_json::Value> {
    confluent_decode("avro", topic, records, key)
}

/// Decodes Kafka record bytes with Confluent's own deserializer of `format` ("avro",
/// "json"; `tests/avro/confluent_serde.py`): one JSON result per record.
pub fn confluent_decode(
    format: &str,
    topic: &str,
    records: &[Vec<u8>],
    key: bool,
) -> Vec<serde_json::Value> {
    confluent_decode_with(format, topic, records, key, &serde_json::json!({}))
}

/// [`confluent_decode`] with more fields in each operation (for "protobuf": the message
/// type's "descriptors" and "message").
pub fn confluent_decode_with(
    format: &str,
    topic: &str,
    records: &[Vec<u8>],
    key: bool,
    extra: &serde_json::Value,
) -> Vec<serde_json::Value> {
    let ops: Vec<_> = records
        .iter()
        .map(|v| {
            let mut op = serde_json::json!({"op": "decode", "format": format, "topic": topic, "key": key,
                "hex": v.iter().map(|b| format!("{b:02x}")).collect::<String>()});
            for (k, x) in extra.as_object().into_iter().flatten() {
                op[k] = x.clone();
            }
            op
        })
        .collect();
    confluent_serde(ops)
}

/// The schema text the registry holds under `id`.
pub fn registry_schema_text(id: i32) -> String {
    let url = format!("{}/schemas/ids/{id}", schema_registry());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body: serde_json::Value = rt
        .block_on(async { reqwest::get(&url).await?.error_for_status()?.json().await })
        .unwrap_or_else(|e| panic!("reading schema {id}: {e}"));
    body["schema"].as_str().unwrap_or_default().to_string()
}

/// What a registry pipeline left in Kafka: its topic and the first records' keys and values.
pub struct RegistryPipeline {
    pub topic: String,
    pub keys: Vec<Vec<u8>>,
    pub values: Vec<Vec<u8>>,
}

/// DataGen's users (structs with a Decimal and a Timestamp) written by the registry-backed
/// `converter` (a class name), key and value, into Kafka on the real broker and registry; a
/// FileStreamSink reads them back through the same converter and a chain of SMTs
/// (InsertField, ReplaceField, Cast) and writes every record once: none missing (asserted),
/// duplicates counted. `label` names the pipeline in topics, connectors and the records.
pub fn registry_pipeline(converter: &str, label: &str) -> RegistryPipeline {
    let url = schema_registry();
    let bootstrap = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let topic = unique(&format!("{label}-pipeline"));
    let total = 2000usize;
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let output = dir.path().join("out.txt");
    let conv = |role: &str| {
        format!("{role}.converter={converter}\n{role}.converter.schema.registry.url={url}\n")
    };
    let source = dir.path().join("datagen.properties");
    write(
        &source,
        &format!(
            "name={label}-datagen\nconnector.class=DataGen\ntopic={topic}\nschema=users\nkey.field=userid\n\
             seed=7\nrecords={total}\nrate=1000\nbatch.size=100\n{}{}",
            conv("key"),
            conv("value")
        ),
    );
    let sink = dir.path().join("sink.properties");
    write(
        &sink,
        &format!(
            "name={label}-sink\nconnector.class=FileStreamSink\ntopics={topic}\nfile={}\n{}{}\
             transforms=origin,keep,widen\n\
             transforms.origin.type=org.apache.kafka.connect.transforms.InsertField$Value\n\
             transforms.origin.static.field=pipeline\ntransforms.origin.static.value={label}\n\
             transforms.keep.type=org.apache.kafka.connect.transforms.ReplaceField$Value\n\
             transforms.keep.include=id,pipeline,age,balance\n\
             transforms.widen.type=org.apache.kafka.connect.transforms.Cast$Value\n\
             transforms.widen.spec=age:int64\n",
            output.display(),
            conv("key"),
            conv("value")
        ),
    );
    let started = std::time::Instant::now();
    let mut core = Core::start(dir.path(), &worker, &[source, sink], rest);
    core.wait_task_state(
        &format!("{label}-datagen"),
        0,
        "RUNNING",
        Duration::from_secs(60),
    );
    core.wait_task_state(
        &format!("{label}-sink"),
        0,
        "RUNNING",
        Duration::from_secs(60),
    );

    // Every record reaches the sink's file, through the transforms.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // Struct{id=5,age=41,balance=1234.56,pipeline=<label>}: the id of a well-formed line.
    let parse = |line: &str| -> Option<i64> {
        let body = line.strip_prefix("Struct{")?.strip_suffix('}')?;
        let kv: Vec<(&str, &str)> = body
            .split(',')
            .map(|p| p.split_once('='))
            .collect::<Option<_>>()?;
        let keys: Vec<&str> = kv.iter().map(|(k, _)| *k).collect();
        if keys != ["id", "age", "balance", "pipeline"] || kv[3].1 != label {
            return None;
        }
        kv[1].1.parse::<i64>().ok()?;
        let (_, cents) = kv[2].1.split_once('.')?;
        (cents.len() == 2).then_some(())?;
        kv[0].1.parse().ok()
    };
    let (ids, bad) = loop {
        let text = std::fs::read_to_string(&output).unwrap_or_default();
        let mut ids: std::collections::BTreeMap<i64, usize> = Default::default();
        let mut bad = Vec::new();
        for line in text.lines() {
            match parse(line) {
                Some(id) => *ids.entry(id).or_insert(0) += 1,
                None => bad.push(line.to_string()),
            }
        }
        if ids.len() >= total || std::time::Instant::now() > deadline {
            break (ids, bad);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let elapsed = started.elapsed();
    assert!(
        bad.is_empty(),
        "lines not as expected: {:?}\n{}",
        &bad[..bad.len().min(5)],
        core.log_text()
    );
    let missing: Vec<i64> = (0..total as i64).filter(|i| !ids.contains_key(i)).collect();
    assert!(
        missing.is_empty(),
        "{} records missing, first {:?}\n{}",
        missing.len(),
        &missing[..missing.len().min(10)],
        core.log_text()
    );
    let duplicates: usize = ids.values().map(|n| n - 1).sum();
    let simple = converter.rsplit('.').next().unwrap_or(converter);
    println!("{label} pipeline: {total} records through DataGen -> {simple} -> Kafka -> {simple} -> 3 SMTs -> FileStreamSink in {elapsed:?}, 0 missing, {duplicates} duplicates");

    let records = read_topic(&bootstrap, &topic, 5, Duration::from_secs(5));
    let values: Vec<Vec<u8>> = records
        .iter()
        .take(5)
        .map(|r| r.3.clone().unwrap())
        .collect();
    let keys: Vec<Vec<u8>> = records
        .iter()
        .take(5)
        .map(|r| r.2.clone().unwrap())
        .collect();
    assert!(values.iter().chain(&keys).all(|v| v[0] == 0), "magic byte");
    core.stop();
    RegistryPipeline {
        topic,
        keys,
        values,
    }
}
