//! `make bench-rebalance` (also `make bench`, part `rebalance`): how fast a three-worker
//! distributed cluster moves and places work, Polyconnect's (`polyconnect distributed`) and
//! Apache Kafka Connect's (`ConnectDistributed` from its Maven Central jars) on the same
//! broker, with the same worker settings and the same connector configs over REST.
//!
//! Parts:
//! - `kill`: one FileStreamSink connector with 6 tasks on a 6-partition topic. A follower is
//!   SIGKILLed: the time from the kill until the connector and every task are RUNNING on
//!   the two survivors (`GET /connectors?expand=status` every 100 ms). The worker is started
//!   again (the time until every worker runs tasks again), then the leader is SIGKILLed
//!   (the same measure). Both runtimes use `session.timeout.ms=6000`,
//!   `heartbeat.interval.ms=1000` and `scheduled.rebalance.max.delay.ms=5000`, which bound
//!   these times from below (a departed follower's work waits for the delay).
//! - `assign`: BENCH_REBALANCE_CONNECTORS (default 500) FileStreamSink connectors, each with
//!   BENCH_REBALANCE_TASKS (default 4) tasks, created over REST by
//!   BENCH_REBALANCE_CREATE_THREADS (default 4) clients at once (a 409 during a rebalance is
//!   retried), all on one empty one-partition topic and writing to
//!   /dev/null: the time from the last create's answer until every connector and task is
//!   RUNNING (one `GET /connectors?expand=status` every 250 ms), and the time the creates
//!   took. The sink is the connector both runtimes have with many tasks (Kafka Connect's
//!   FileStreamSource hands out one task). Polyconnect runs one FileStream process per
//!   worker for all the tasks it is given; each task, in either runtime, has its own Kafka
//!   consumer. With `BENCH_REBALANCE_DATAGEN=1` Polyconnect also places as many DataGen
//!   connectors (sources, one record per task, then idle).
//!
//! Kafka Connect runs with `-Xms256M -Xmx2G` and kafka-run-class.sh's G1 flags per worker
//! (BENCH_KC_HEAP_OPTS to change the heap), its log at INFO in each worker's directory.
//!
//! Settings (environment): BENCH_REBALANCE_PARTS=kill,assign (default both);
//! BENCH_RUNTIMES=polyconnect,kafka-connect; BENCH_REBALANCE_CONNECTORS;
//! BENCH_REBALANCE_TASKS; BENCH_REBALANCE_DATAGEN; POLYCONNECT_TEST_BOOTSTRAP;
//! POLYCONNECT_POLYCONNECT_BIN. Figures are printed and written to
//! target/bench/rebalance.md (BENCH_REBALANCE_OUT).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::{Duration, Instant};

use polyconnect_e2e::cluster::{all_items, task_spread, Cluster, Items};
use polyconnect_e2e::{
    bootstrap, create_topic, distributed_common_properties, free_port, repo_root, unique,
    KafkaConnectDistributed,
};
use serde_json::json;

const WORKERS: usize = 3;
const KILL_TASKS: usize = 6;

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_string())
}

fn wanted(key: &str, default: &str, item: &str) -> bool {
    env_or(key, default).split(',').any(|p| p.trim() == item)
}

/// Either runtime's three workers.
enum Workers {
    Polyconnect(Cluster),
    KafkaConnect {
        _dir: tempfile::TempDir,
        ports: Vec<u16>,
        workers: Vec<Option<KafkaConnectDistributed>>,
    },
}

impl Workers {
    fn start(runtime: &str, group: &str) -> Workers {
        if runtime == "polyconnect" {
            let c = Cluster::start(group, WORKERS, "");
            c.wait_formed(Duration::from_secs(120));
            return Workers::Polyconnect(c);
        }
        let dir = tempfile::tempdir().unwrap();
        let heap = env_or("BENCH_KC_HEAP_OPTS", "-Xms256M -Xmx2G");
        let mut jvm: Vec<String> = heap.split_whitespace().map(str::to_string).collect();
        jvm.extend(
            [
                "-server",
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent",
                "-XX:MaxInlineLevel=15",
                "-Djava.awt.headless=true",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        let ports: Vec<u16> = (0..WORKERS).map(|_| free_port()).collect();
        let props = distributed_common_properties(group);
        // Started together, as the group forms once all are up.
        let handles: Vec<_> = ports
            .iter()
            .enumerate()
            .map(|(i, &port)| {
                let (d, p, j) = (
                    dir.path().join(format!("kc{i}")),
                    props.clone(),
                    jvm.clone(),
                );
                std::thread::spawn(move || {
                    KafkaConnectDistributed::start_with_jvm(&d, &p, port, &j)
                })
            })
            .collect();
        let workers = handles
            .into_iter()
            .map(|h| Some(h.join().unwrap()))
            .collect();
        Workers::KafkaConnect {
            _dir: dir,
            ports,
            workers,
        }
    }

    fn ports(&self) -> &[u16] {
        match self {
            Workers::Polyconnect(c) => &c.ports,
            Workers::KafkaConnect { ports, .. } => ports,
        }
    }

    fn alive(&self, i: usize) -> bool {
        match self {
            Workers::Polyconnect(c) => c.workers[i].is_some(),
            Workers::KafkaConnect { workers, .. } => workers[i].is_some(),
        }
    }

    fn live_ids(&self) -> BTreeSet<String> {
        (0..WORKERS)
            .filter(|&i| self.alive(i))
            .map(|i| format!("127.0.0.1:{}", self.ports()[i]))
            .collect()
    }

    fn any_port(&self) -> u16 {
        let i = (0..WORKERS)
            .find(|&i| self.alive(i))
            .expect("a live worker");
        self.ports()[i]
    }

    /// The leader's index: Polyconnect's from its log, Kafka Connect's from the
    /// `leaderUrl` of the last assignment a live worker logged.
    fn leader(&self) -> Option<usize> {
        match self {
            Workers::Polyconnect(c) => c.leader(),
            Workers::KafkaConnect { ports, workers, .. } => {
                let w = workers.iter().flatten().next()?;
                let log = std::fs::read_to_string(&w.log).ok()?;
                let at = log.rfind("leaderUrl='")?;
                let url = &log[at + "leaderUrl='".len()..];
                let url = &url[..url.find('\'')?];
                ports.iter().position(|p| url.contains(&format!(":{p}/")))
            }
        }
    }

    fn kill(&mut self, i: usize) {
        match self {
            Workers::Polyconnect(c) => c.kill(i),
            Workers::KafkaConnect { workers, .. } => {
                if let Some(mut w) = workers[i].take() {
                    w.kill();
                }
            }
        }
    }

    /// Starts worker `i` again (Kafka Connect's in a directory of its own).
    fn restart(&mut self, i: usize, group: &str) {
        match self {
            Workers::Polyconnect(c) => c.restart(i),
            Workers::KafkaConnect {
                _dir,
                ports,
                workers,
            } => {
                let heap = env_or("BENCH_KC_HEAP_OPTS", "-Xms256M -Xmx2G");
                let jvm: Vec<String> = heap
                    .split_whitespace()
                    .map(str::to_string)
                    .chain(["-XX:+UseG1GC".to_string()])
                    .collect();
                workers[i] = Some(KafkaConnectDistributed::start_with_jvm(
                    &_dir.path().join(format!("kc{i}-again")),
                    &distributed_common_properties(group),
                    ports[i],
                    &jvm,
                ));
            }
        }
    }

    /// Copies every worker's log to target/bench/rebalance-logs/<group>-<i>.log.
    fn keep_logs(&self, group: &str) {
        let dir = repo_root().join("target/bench/rebalance-logs");
        let _ = std::fs::create_dir_all(&dir);
        for i in 0..WORKERS {
            let log = match self {
                Workers::Polyconnect(c) => c.dir.path().join(format!("w{i}")).join("core.log"),
                Workers::KafkaConnect { workers, .. } => match &workers[i] {
                    Some(w) => w.log.clone(),
                    None => continue,
                },
            };
            let _ = std::fs::copy(&log, dir.join(format!("{group}-{i}.log")));
        }
    }

    /// SIGKILL of every worker (the benchmark needs no graceful stop).
    fn kill_all(&mut self) {
        for i in 0..WORKERS {
            self.kill(i);
        }
    }
}

/// A REST call to 127.0.0.1:`port`: (status, body); 0 when it could not be made.
fn call(port: u16, method: &str, path: &str, body: Option<serde_json::Value>) -> (u16, String) {
    let url = format!("http://127.0.0.1:{port}{path}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(90))
            .build()
            .unwrap();
        let mut req = client.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            &url,
        );
        if let Some(b) = body {
            req = req.json(&b);
        }
        match req.send().await {
            Ok(r) => {
                let code = r.status().as_u16();
                (code, r.text().await.unwrap_or_default())
            }
            Err(e) => (0, e.to_string()),
        }
    })
}

/// Creates a connector, retrying while the cluster answers 409 (a rebalance) or not at all.
fn create(port: u16, name: &str, config: serde_json::Value) {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let (code, body) = call(
            port,
            "POST",
            "/connectors",
            Some(json!({"name": name, "config": config})),
        );
        match code {
            201 => return,
            0 | 409 | 500..=599 if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100))
            }
            _ => panic!("create {name}: {code} {body}"),
        }
    }
}

/// Waits until `want` items are RUNNING on workers of `on` (the whole cluster's statuses
/// from one worker); returns the items and the time since `since`.
fn wait_running(
    workers: &Workers,
    want: usize,
    on: &BTreeSet<String>,
    since: Instant,
    every: Duration,
    timeout: Duration,
) -> (Items, Duration) {
    let mut last = Items::new();
    loop {
        if let Some(items) = all_items(workers.any_port()) {
            let running = items
                .values()
                .filter(|(state, worker)| state == "RUNNING" && on.contains(worker))
                .count();
            if items.len() == want && running == want {
                return (items, since.elapsed());
            }
            last = items;
        }
        if since.elapsed() > timeout {
            let states: BTreeMap<&str, usize> =
                last.values().fold(BTreeMap::new(), |mut m, (s, _)| {
                    *m.entry(s.as_str()).or_default() += 1;
                    m
                });
            panic!(
                "not {want} items RUNNING on {on:?} within {timeout:?}: {} items, states {states:?}",
                last.len()
            );
        }
        std::thread::sleep(every);
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The `kill` part: (follower death → RUNNING again, return → work everywhere, leader
/// death → RUNNING again).
fn kill_part(runtime: &str, bootstrap: &str) -> Vec<(String, Duration)> {
    let group = unique(&format!("rb-kill-{runtime}"));
    let mut workers = Workers::start(runtime, &group);
    let topic = format!("{group}-t");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(create_topic(bootstrap, &topic, KILL_TASKS as i32));
    let dir = tempfile::tempdir().unwrap();
    create(
        workers.any_port(),
        "sink",
        json!({
            "connector.class": "FileStreamSink",
            "tasks.max": KILL_TASKS.to_string(),
            "topics": topic,
            "file": dir.path().join("out.txt").display().to_string(),
        }),
    );
    let want = KILL_TASKS + 1;
    let all = workers.live_ids();
    let (items, _) = wait_running(
        &workers,
        want,
        &all,
        Instant::now(),
        Duration::from_millis(100),
        Duration::from_secs(180),
    );
    println!("{runtime}: tasks per worker {:?}", task_spread(&items));
    std::thread::sleep(Duration::from_secs(3));
    let leader = workers.leader().expect("a leader");
    // A follower that runs tasks.
    let used: BTreeSet<String> = items.values().map(|(_, w)| w.clone()).collect();
    let victim = (0..WORKERS)
        .find(|&i| i != leader && used.contains(&format!("127.0.0.1:{}", workers.ports()[i])))
        .unwrap_or((leader + 1) % WORKERS);
    let mut out = Vec::new();

    let took = kill_and_wait(&mut workers, victim, want);
    println!("{runtime}: SIGKILL of a follower → every task RUNNING on the survivors in {took:?}");
    out.push((
        "follower SIGKILL → all RUNNING on the survivors".to_string(),
        took,
    ));

    let back = Instant::now();
    workers.restart(victim, &group);
    let all = workers.live_ids();
    let took = loop {
        if let Some(items) = all_items(workers.any_port()) {
            let used: BTreeSet<&String> = items.values().map(|(_, w)| w).collect();
            if items.len() == want
                && items
                    .values()
                    .all(|(s, w)| s == "RUNNING" && all.contains(w))
                && used.len() == WORKERS
            {
                break back.elapsed();
            }
        }
        assert!(
            back.elapsed() < Duration::from_secs(300),
            "{runtime}: the returning worker got no work"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    println!("{runtime}: restart → tasks on every worker again in {took:?} (from the start of the process)");
    out.push((
        "restarted worker → tasks on all three again".to_string(),
        took,
    ));

    std::thread::sleep(Duration::from_secs(3));
    let leader = workers.leader().expect("a leader");
    let took = kill_and_wait(&mut workers, leader, want);
    println!("{runtime}: SIGKILL of the leader → every task RUNNING on the survivors in {took:?}");
    out.push((
        "leader SIGKILL → all RUNNING on the survivors".to_string(),
        took,
    ));
    workers.kill_all();
    out
}

/// SIGKILLs worker `i`; how long until `want` items run on the survivors.
fn kill_and_wait(workers: &mut Workers, i: usize, want: usize) -> Duration {
    let death = Instant::now();
    workers.kill(i);
    let survivors = workers.live_ids();
    let (_, took) = wait_running(
        workers,
        want,
        &survivors,
        death,
        Duration::from_millis(100),
        Duration::from_secs(180),
    );
    took
}

/// The `assign` part: (creates took, last create → all RUNNING).
fn assign_part(
    runtime: &str,
    bootstrap: &str,
    class: &str,
    connectors: usize,
    tasks: usize,
) -> (Duration, Duration) {
    let group = unique(&format!("rb-assign-{runtime}"));
    let workers = Workers::start(runtime, &group);
    let topic = format!("{group}-empty");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(create_topic(bootstrap, &topic, 1));
    let class = env_or("BENCH_REBALANCE_CLASS", class);
    let class = class.as_str();
    let config = |i: usize| match class {
        "DataGen" => json!({
            "connector.class": "DataGen",
            "tasks.max": tasks.to_string(),
            "topic": topic,
            "schema": "sequence",
            "records": tasks.to_string(),
            "seed": i.to_string(),
        }),
        _ => json!({
            "connector.class": "FileStreamSink",
            "tasks.max": tasks.to_string(),
            "topics": topic,
            "file": "/dev/null",
        }),
    };
    let port = workers.any_port();
    let threads: usize = env_or("BENCH_REBALANCE_CREATE_THREADS", "4")
        .parse()
        .unwrap();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= connectors {
                    return;
                }
                create(port, &format!("c{i:04}"), config(i));
                if i % 100 == 99 {
                    println!(
                        "{runtime}: connector {} created at {:?}",
                        i + 1,
                        start.elapsed()
                    );
                }
            });
        }
    });
    let created = start.elapsed();
    let last = Instant::now();
    let all = workers.live_ids();
    let (items, took) = wait_running(
        &workers,
        connectors * (tasks + 1),
        &all,
        last,
        Duration::from_millis(250),
        Duration::from_secs(600),
    );
    let per_worker: BTreeMap<String, usize> = items.iter().filter(|(k, _)| k.contains('/')).fold(
        BTreeMap::new(),
        |mut m, (_, (_, w))| {
            *m.entry(w.clone()).or_default() += 1;
            m
        },
    );
    println!(
        "{runtime}: {connectors} {class} connectors × {tasks} tasks: creates took {created:?}; \
         last create → all {} tasks RUNNING in {took:?}; tasks per worker {per_worker:?}",
        connectors * tasks
    );
    let mut workers = workers;
    workers.keep_logs(&group);
    workers.kill_all();
    (created, took)
}

fn main() {
    let bootstrap = bootstrap();
    // The workers log at the level asked for, but always their rebalances (the leader is
    // found in them).
    let level = env_or("POLYCONNECT_LOG", "warn");
    std::env::set_var(
        "POLYCONNECT_LOG",
        format!("{level},polyconnect::distributed=info"),
    );
    let runtimes: Vec<String> = env_or("BENCH_RUNTIMES", "polyconnect,kafka-connect")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let connectors: usize = env_or("BENCH_REBALANCE_CONNECTORS", "500").parse().unwrap();
    let tasks: usize = env_or("BENCH_REBALANCE_TASKS", "4").parse().unwrap();
    let mut table = String::new();
    let ratio = |p: Option<Duration>, k: Option<Duration>| match (p, k) {
        (Some(p), Some(k)) if p.as_secs_f64() > 0.0 => {
            format!("{:.1}×", k.as_secs_f64() / p.as_secs_f64())
        }
        _ => "–".to_string(),
    };

    if wanted("BENCH_REBALANCE_PARTS", "kill,assign", "kill") {
        let mut rows: BTreeMap<String, BTreeMap<String, Duration>> = BTreeMap::new();
        let mut order = Vec::new();
        for r in &runtimes {
            for (what, took) in kill_part(r, &bootstrap) {
                if !order.contains(&what) {
                    order.push(what.clone());
                }
                rows.entry(what).or_default().insert(r.clone(), took);
            }
        }
        table.push_str(&format!(
            "\nThree workers, one FileStreamSink with {KILL_TASKS} tasks; session.timeout.ms=6000, \
             heartbeat.interval.ms=1000, scheduled.rebalance.max.delay.ms=5000\n\n\
             | | Polyconnect | Kafka Connect | Kafka Connect / Polyconnect |\n|---|---|---|---|\n"
        ));
        for what in order {
            let r = &rows[&what];
            let p = r.get("polyconnect").copied();
            let k = r.get("kafka-connect").copied();
            table.push_str(&format!(
                "| {what} | {} | {} | {} |\n",
                p.map(secs).unwrap_or("–".into()),
                k.map(secs).unwrap_or("–".into()),
                ratio(p, k)
            ));
        }
    }

    if wanted("BENCH_REBALANCE_PARTS", "kill,assign", "assign") {
        let mut results: BTreeMap<String, (Duration, Duration)> = BTreeMap::new();
        for r in &runtimes {
            results.insert(
                r.clone(),
                assign_part(r, &bootstrap, "FileStreamSink", connectors, tasks),
            );
        }
        let p = results.get("polyconnect");
        let k = results.get("kafka-connect");
        table.push_str(&format!(
            "\nThree workers, {connectors} FileStreamSink connectors × {tasks} tasks ({} tasks)\n\n\
             | | Polyconnect | Kafka Connect | Kafka Connect / Polyconnect |\n|---|---|---|---|\n",
            connectors * tasks
        ));
        for (what, pick) in [
            ("last create → all tasks RUNNING", 1usize),
            ("first create → all tasks RUNNING", 2),
            ("the creates (first to last answer)", 0),
        ] {
            let get = |x: Option<&(Duration, Duration)>| {
                x.map(|(c, r)| match pick {
                    0 => *c,
                    1 => *r,
                    _ => *c + *r,
                })
            };
            table.push_str(&format!(
                "| {what} | {} | {} | {} |\n",
                get(p).map(secs).unwrap_or("–".into()),
                get(k).map(secs).unwrap_or("–".into()),
                ratio(get(p), get(k))
            ));
        }
        if env_or("BENCH_REBALANCE_DATAGEN", "") == "1"
            && runtimes.iter().any(|r| r == "polyconnect")
        {
            let (c, r) = assign_part("polyconnect", &bootstrap, "DataGen", connectors, tasks);
            table.push_str(&format!(
                "\nPolyconnect, {connectors} DataGen connectors × {tasks} tasks: creates {}, last create → all RUNNING {}\n",
                secs(c),
                secs(r)
            ));
        }
    }

    println!("\n{table}");
    let out = std::env::var("BENCH_REBALANCE_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target/bench/rebalance.md"));
    if let Some(parent) = out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(mut f) = std::fs::File::create(&out) {
        let _ = f.write_all(table.as_bytes());
        println!("(also in {})", out.display());
    }
}
