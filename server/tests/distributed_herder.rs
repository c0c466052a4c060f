//! The distributed herder's membership loop on the real broker: three herders in one
//! group, each with its own config store on one config topic, and a ledger for an executor
//! that records who runs what and fails the test if an item is ever started while another
//! herder still runs it. With the cooperative protocol (`sessioned`) and the eager one:
//! the work spreads over the three; a herder that dies (no LeaveGroup) has its items
//! reassigned after the session timeout and the scheduled delay; one that leaves has them
//! reassigned; a new connector, a changed task count and a deleted connector reach the
//! group; a herder that comes back gets work again.

mod kafka_stores_support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use kafka_stores_support::*;
use polyconnect::distributed::herder::{Executor, Herder, HerderConfig, Work};
use polyconnect::storage::kafka_configs::KafkaConfigStore;
use polyconnect_group::config_state::ConfigChange;
use polyconnect_group::records::{RawConfig, TargetState};
use polyconnect_group::{ConnectProtocol, MemberConfig};

/// Who runs what, across the herders of one test; violations are kept to fail the test.
#[derive(Default)]
struct Ledger {
    running: BTreeMap<String, String>,
    violations: Vec<String>,
    starts: u64,
}

struct LedgerExecutor {
    name: String,
    ledger: Arc<Mutex<Ledger>>,
}

fn items(work: &Work) -> Vec<String> {
    work.connectors
        .iter()
        .cloned()
        .chain(work.tasks.iter().map(ToString::to_string))
        .collect()
}

impl Executor for LedgerExecutor {
    fn start(&self, work: Work, _generation: i32) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let mut l = self.ledger.lock().unwrap();
            for item in items(&work) {
                l.starts += 1;
                if let Some(other) = l.running.get(&item) {
                    if other != &self.name {
                        let v = format!("{item} started on {} while {other} runs it", self.name);
                        l.violations.push(v);
                    }
                }
                l.running.insert(item, self.name.clone());
            }
        })
    }

    fn stop(&self, work: Work) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            // Stopping takes a moment, as a real task's final commit does.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let mut l = self.ledger.lock().unwrap();
            for item in items(&work) {
                if l.running.get(&item) == Some(&self.name) {
                    l.running.remove(&item);
                }
            }
        })
    }

    fn config_changed(&self, _change: ConfigChange) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect()
}

async fn add_connector(store: &KafkaConfigStore, name: &str, tasks: usize) {
    store
        .put_connector_config(
            name,
            raw(&[("connector.class", "X")]),
            Some(TargetState::Started),
        )
        .await
        .unwrap();
    let configs = (0..tasks)
        .map(|i| raw(&[("task", &i.to_string())]))
        .collect();
    store.put_task_configs(name, configs).await.unwrap();
}

struct Group {
    topic: String,
    group: String,
    protocol: ConnectProtocol,
    ledger: Arc<Mutex<Ledger>>,
    herders: Vec<Option<Herder>>,
    stores: Vec<Arc<KafkaConfigStore>>,
}

impl Group {
    async fn start_herder(&mut self, i: usize) {
        let store = Arc::new(
            KafkaConfigStore::start(&base(), &config_spec(&self.topic), &format!("herder-{i}"))
                .await
                .unwrap(),
        );
        let _follower = store.spawn_follower(Duration::from_millis(100));
        let mut member = MemberConfig::new(&bootstrap(), self.group.clone());
        member.session_timeout = Duration::from_millis(6000);
        member.heartbeat_interval = Duration::from_millis(1000);
        member.rebalance_timeout = Duration::from_millis(20_000);
        let config = HerderConfig {
            member,
            protocol: self.protocol,
            url: format!("http://herder-{i}:8083/"),
            scheduled_rebalance_max_delay: Duration::from_millis(3000),
            worker_sync_timeout: Duration::from_secs(3),
            worker_unsync_backoff: Duration::from_secs(5),
        };
        let executor = Arc::new(LedgerExecutor {
            name: format!("herder-{i}"),
            ledger: self.ledger.clone(),
        });
        let herder = Herder::start(config, store.clone(), executor).unwrap();
        if self.herders.len() <= i {
            self.herders.resize_with(i + 1, || None);
            self.stores.resize_with(i + 1, || store.clone());
        }
        self.herders[i] = Some(herder);
        self.stores[i] = store;
    }

    fn expected(&self) -> BTreeSet<String> {
        let snapshot = self.stores[0].snapshot();
        let mut out = BTreeSet::new();
        for c in snapshot.connectors() {
            out.insert(c.to_string());
            for t in snapshot.tasks(c) {
                out.insert(t.to_string());
            }
        }
        out
    }

    /// Waits until every configured item runs on exactly one of the live herders, and each
    /// live herder runs something (when `spread`); returns item → herder.
    async fn wait_settled(&self, what: &str, spread: bool) -> BTreeMap<String, String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let _ = self.stores[0].refresh().await;
            let expected = self.expected();
            let live: BTreeSet<String> = self
                .herders
                .iter()
                .enumerate()
                .filter(|(_, h)| h.is_some())
                .map(|(i, _)| format!("herder-{i}"))
                .collect();
            let running = self.ledger.lock().unwrap().running.clone();
            let stable = self
                .herders
                .iter()
                .flatten()
                .all(|h| !h.status().rebalancing);
            let placed: BTreeSet<String> = running.keys().cloned().collect();
            let on_live = running.values().all(|h| live.contains(h));
            let used: BTreeSet<&String> = running.values().collect();
            if stable && placed == expected && on_live && (!spread || used.len() == live.len()) {
                return running;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not settled; expected {expected:?} on {live:?}, running {running:?}, statuses {:?}",
                self.herders.iter().flatten().map(|h| h.status()).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn check(&self) {
        let l = self.ledger.lock().unwrap();
        assert!(
            l.violations.is_empty(),
            "items ran twice: {:?}",
            l.violations
        );
    }
}

async fn scenario(protocol: ConnectProtocol) {
    let name = unique(&format!("herder-{}", protocol.protocol_name()));
    let mut g = Group {
        topic: format!("{name}-configs"),
        group: name,
        protocol,
        ledger: Arc::new(Mutex::new(Ledger::default())),
        herders: Vec::new(),
        stores: Vec::new(),
    };
    // The config before the workers: three connectors of two tasks.
    let admin_store = KafkaConfigStore::start(&base(), &config_spec(&g.topic), "setup")
        .await
        .unwrap();
    for c in ["a", "b", "c"] {
        add_connector(&admin_store, c, 2).await;
    }
    for i in 0..3 {
        g.start_herder(i).await;
    }
    let placed = g.wait_settled("three herders", true).await;
    let leaders: Vec<usize> = g
        .herders
        .iter()
        .enumerate()
        .filter(|(_, h)| h.as_ref().is_some_and(|h| h.status().is_leader))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(leaders.len(), 1, "one leader");
    let per_herder = |m: &BTreeMap<String, String>| {
        let mut n: BTreeMap<String, usize> = BTreeMap::new();
        for h in m.values() {
            *n.entry(h.clone()).or_default() += 1;
        }
        n
    };
    let counts = per_herder(&placed);
    assert!(
        counts.values().max().unwrap() - counts.values().min().unwrap() <= 1,
        "9 items over 3 herders, balanced: {counts:?}"
    );
    g.check();

    // Configuration changes reach the group.
    add_connector(&admin_store, "d", 3).await;
    g.wait_settled("a new connector", true).await;
    admin_store
        .put_task_configs("a", vec![raw(&[("task", "0")])])
        .await
        .unwrap();
    g.wait_settled("a connector with fewer tasks", true).await;
    admin_store.remove_connector_config("b").await.unwrap();
    let placed = g.wait_settled("a deleted connector", true).await;
    assert!(
        !placed.keys().any(|k| k == "b" || k.starts_with("b-")),
        "{placed:?}"
    );
    g.check();

    // A follower dies without leaving: its items move after the session timeout and the
    // scheduled delay.
    let leader = leaders[0];
    let victim = (0..3).find(|&i| i != leader).unwrap();
    let started = Instant::now();
    g.herders[victim].take().unwrap().kill().await;
    g.wait_settled("after a follower died", true).await;
    println!(
        "{}: a dead follower's items reassigned in {:?}",
        protocol.protocol_name(),
        started.elapsed()
    );
    g.check();

    // The leader leaves: the last herder runs everything.
    g.herders[leader].take().unwrap().leave().await;
    let placed = g.wait_settled("after the leader left", true).await;
    assert_eq!(per_herder(&placed).len(), 1);
    assert!(g.herders.iter().flatten().all(|h| h.status().is_leader));
    g.check();

    // Both come back and get work again.
    g.start_herder(victim).await;
    g.start_herder(leader).await;
    g.wait_settled("after both came back", true).await;
    g.check();
    let starts = g.ledger.lock().unwrap().starts;
    println!(
        "{}: {starts} starts, no item ever ran twice",
        protocol.protocol_name()
    );
    for h in g.herders.iter_mut() {
        if let Some(h) = h.take() {
            h.leave().await;
        }
    }
    assert!(
        g.ledger.lock().unwrap().running.is_empty(),
        "leaving stops everything"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cooperative_herders_share_work_and_never_run_an_item_twice() {
    scenario(ConnectProtocol::Sessioned).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eager_herders_share_work_and_never_run_an_item_twice() {
    scenario(ConnectProtocol::Eager).await;
}
