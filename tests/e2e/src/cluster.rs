//! A cluster of `polyconnect distributed` worker processes for the tests and the rebalance
//! benchmark: start, SIGKILL, restart, the leader, and statuses read through the REST API.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::{bootstrap, distributed_common_properties, free_port, repo_root, write, Core};

/// Where an item runs: its state and `worker_id` as the status API reports them.
pub type Items = BTreeMap<String, (String, String)>;

pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub ports: Vec<u16>,
    pub files: Vec<PathBuf>,
    pub workers: Vec<Option<Core>>,
}

impl Cluster {
    /// `n` workers of group `group` (`distributed_common_properties`, then `extra`, whose
    /// keys win); returns once every REST API listens.
    pub fn start(group: &str, n: usize, extra: &str) -> Cluster {
        Cluster::start_with_plugins(
            group,
            n,
            extra,
            &repo_root().join("connectors").display().to_string(),
        )
    }

    /// As [`Cluster::start`], with `plugin.path` set to `plugins` (comma-separated).
    pub fn start_with_plugins(group: &str, n: usize, extra: &str, plugins: &str) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let ports: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let files: Vec<PathBuf> = ports
            .iter()
            .map(|&port| {
                let p = dir.path().join(format!("worker-{port}.properties"));
                write(
                    &p,
                    &format!(
                        "{common}{extra}\nlisteners=http://127.0.0.1:{port}\nplugin.path={plugins}\n",
                        common = distributed_common_properties(group),
                    ),
                );
                p
            })
            .collect();
        let _ = bootstrap();
        let workers = (0..n)
            .map(|i| {
                Some(Core::start_distributed(
                    &dir.path().join(format!("w{i}")),
                    &files[i],
                    ports[i],
                ))
            })
            .collect();
        Cluster {
            dir,
            ports,
            files,
            workers,
        }
    }

    pub fn worker_id(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.ports[i])
    }

    /// The `worker_id`s of the live workers.
    pub fn live_ids(&self) -> BTreeSet<String> {
        (0..self.workers.len())
            .filter(|&i| self.workers[i].is_some())
            .map(|i| self.worker_id(i))
            .collect()
    }

    pub fn any(&self) -> &Core {
        self.workers.iter().flatten().next().expect("a live worker")
    }

    pub fn worker(&self, i: usize) -> &Core {
        self.workers[i].as_ref().expect("a live worker")
    }

    /// The last lines of every worker's log.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for (i, w) in self.workers.iter().enumerate() {
            let log = self.dir.path().join(format!("w{i}")).join("core.log");
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(60).collect();
            out.push_str(&format!(
                "\n===== worker {i} ({}) {}\n",
                self.worker_id(i),
                if w.is_some() { "alive" } else { "killed" }
            ));
            for l in tail.into_iter().rev() {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }

    /// The live worker that led the last rebalance it completed.
    pub fn leader(&self) -> Option<usize> {
        self.workers.iter().enumerate().find_map(|(i, w)| {
            let w = w.as_ref()?;
            let last = w
                .log_text()
                .lines()
                .rev()
                .find(|l| l.contains("rebalance complete"))?
                .to_string();
            last.contains("leader=true").then_some(i)
        })
    }

    /// Waits until every live worker completed a rebalance and one of them leads.
    pub fn wait_formed(&self, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let formed = self
                .workers
                .iter()
                .flatten()
                .all(|w| w.log_text().contains("rebalance complete"));
            if formed {
                if let Some(l) = self.leader() {
                    return l;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the group did not form:{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// SIGKILL: a crash (its launched connector processes die with it).
    pub fn kill(&mut self, i: usize) {
        if let Some(mut w) = self.workers[i].take() {
            w.kill();
        }
    }

    pub fn restart(&mut self, i: usize) {
        self.workers[i] = Some(Core::start_distributed(
            &self.dir.path().join(format!("w{i}")),
            &self.files[i],
            self.ports[i],
        ));
    }

    /// A graceful stop of every live worker.
    pub fn stop(&mut self) {
        for w in self.workers.iter_mut().flatten() {
            w.stop();
        }
    }
}

/// Every connector and task of `connectors` as one worker reports them: item (`c`, `c/0`)
/// → (state, worker_id).
pub fn items(core: &Core, connectors: &[String]) -> Items {
    let mut out = BTreeMap::new();
    for c in connectors {
        let (code, body) = core.get(&format!("/connectors/{c}/status"));
        if code != 200 {
            continue;
        }
        add_status(&mut out, c, &body);
    }
    out
}

/// Every connector and task of the cluster, from one `GET /connectors?expand=status`
/// (`None` when the answer is not a 200).
pub fn all_items(port: u16) -> Option<Items> {
    let (code, body) = get_json(port, "/connectors?expand=status");
    if code != 200 {
        return None;
    }
    let mut out = BTreeMap::new();
    for (c, v) in body.as_object()? {
        add_status(&mut out, c, &v["status"]);
    }
    Some(out)
}

fn add_status(out: &mut Items, c: &str, body: &serde_json::Value) {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    out.insert(
        c.to_string(),
        (
            s(&body["connector"]["state"]),
            s(&body["connector"]["worker_id"]),
        ),
    );
    for t in body["tasks"].as_array().cloned().unwrap_or_default() {
        out.insert(
            format!("{c}/{}", t["id"]),
            (s(&t["state"]), s(&t["worker_id"])),
        );
    }
}

/// A GET on any REST API (Polyconnect's or Kafka Connect's) on 127.0.0.1.
pub fn get_json(port: u16, path: &str) -> (u16, serde_json::Value) {
    let url = format!("http://127.0.0.1:{port}{path}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        match client.get(&url).send().await {
            Ok(r) => {
                let code = r.status().as_u16();
                (code, r.json().await.unwrap_or(serde_json::Value::Null))
            }
            Err(_) => (0, serde_json::Value::Null),
        }
    })
}

/// Tasks (items with a `/`) per worker, per connector: connector → worker_id → count.
pub fn task_spread(items: &Items) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (item, (_, worker)) in items {
        if let Some((c, _)) = item.split_once('/') {
            *out.entry(c.to_string())
                .or_default()
                .entry(worker.clone())
                .or_default() += 1;
        }
    }
    out
}
