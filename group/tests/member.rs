//! The group member against a real Apache Kafka broker (`POLYCONNECT_TEST_BOOTSTRAP`,
//! default `127.0.0.1:9092`; start one with `scripts/kafka.sh up`). Each test uses a group
//! of its own. `RUST_LOG=polyconnect_group=debug` shows every request.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use polyconnect_group::client::{Connection, ConnectionConfig};
use polyconnect_group::{
    GroupError, GroupMember, JoinOutcome, MemberConfig, MemberEvent, Protocol, RebalanceReason,
};
use tokio::sync::{oneshot, watch};

const SESSION: Duration = Duration::from_millis(6_000);
const HEARTBEAT: Duration = Duration::from_millis(1_000);

fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "polyconnect_group=info".into()),
        )
        .with_test_writer()
        .try_init();
}

/// The broker's address; panics (the test fails, it does not skip) when nothing answers.
fn bootstrap() -> String {
    init_logs();
    let b = std::env::var("POLYCONNECT_TEST_BOOTSTRAP").unwrap_or_else(|_| "127.0.0.1:9092".into());
    let first = b.split(',').next().unwrap_or(&b).trim().to_string();
    let reachable = std::net::ToSocketAddrs::to_socket_addrs(&first.as_str())
        .ok()
        .into_iter()
        .flatten()
        .any(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok());
    if !reachable {
        panic!(
            "no Kafka broker at {b}: start one with `bash scripts/kafka.sh up` \
             (or `make kafka-up`), or set POLYCONNECT_TEST_BOOTSTRAP"
        );
    }
    b
}

fn unique_group(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("gclient-{test}-{}-{nanos}", std::process::id())
}

fn config(group: &str) -> MemberConfig {
    let mut c = MemberConfig::new(&bootstrap(), group);
    c.session_timeout = SESSION;
    c.heartbeat_interval = HEARTBEAT;
    c.rebalance_timeout = Duration::from_secs(20);
    c.connection.client_id = "polyconnect-group-test".into();
    c
}

/// Metadata with bytes that are not UTF-8, so any re-encoding would show.
fn metadata(worker: &str, protocol: &str) -> Bytes {
    let mut b = vec![0x00, 0xff, 0xfe];
    b.extend_from_slice(format!("{worker}/{protocol}").as_bytes());
    b.push(0x80);
    Bytes::from(b)
}

fn protocols(worker: &str, names: &[&str]) -> Vec<Protocol> {
    names
        .iter()
        .map(|n| Protocol::new(*n, metadata(worker, n)))
        .collect()
}

const ALL: &[&str] = &["sessioned", "compatible", "default"];

/// What the leader hands `member_id` in `generation`.
fn assignment_for(member_id: &str, generation: i32) -> Bytes {
    let mut b = vec![0xca, 0xfe, 0x00];
    b.extend_from_slice(format!("gen {generation} for {member_id}").as_bytes());
    b.push(0xff);
    Bytes::from(b)
}

#[derive(Clone, Debug)]
struct Report {
    outcome: JoinOutcome,
    assignment: Bytes,
}

enum Stop {
    Leave,
    Abandon,
}

/// A stand-in for the herder: joins, assigns (when leader), syncs, then waits for an event
/// and starts over. Publishes each completed generation and every event it saw.
struct Worker {
    name: String,
    reports: watch::Receiver<Option<Report>>,
    events: Arc<Mutex<Vec<(Instant, MemberEvent)>>>,
    stop: Option<oneshot::Sender<Stop>>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    fn start(name: &str, config: MemberConfig, offered: &[&str]) -> Worker {
        let (member, mut events) = GroupMember::start(config).unwrap();
        let protocols = protocols(name, offered);
        let (report_tx, reports) = watch::channel(None);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (stop, mut stop_rx) = oneshot::channel();
        let seen_in_task = seen.clone();
        let task = tokio::spawn(async move {
            loop {
                let outcome = tokio::select! {
                    r = member.rejoin(protocols.clone()) => r.expect("rejoin"),
                    stop = &mut stop_rx => return finish(member, stop).await,
                };
                let assignments = if outcome.is_leader() {
                    outcome
                        .members
                        .iter()
                        .map(|m| {
                            let a = assignment_for(&m.member_id, outcome.generation_id);
                            (m.member_id.clone(), a)
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                match member.sync(outcome.generation_id, assignments).await {
                    Ok(assignment) => {
                        let _ = report_tx.send(Some(Report {
                            outcome,
                            assignment,
                        }));
                    }
                    Err(GroupError::RejoinNeeded(_)) => continue,
                    Err(e) => panic!("sync: {e}"),
                }
                tokio::select! {
                    event = events.recv() => {
                        let event = event.expect("member task alive");
                        seen_in_task.lock().unwrap().push((Instant::now(), event));
                    }
                    stop = &mut stop_rx => return finish(member, stop).await,
                }
            }
        });
        Worker {
            name: name.to_string(),
            reports,
            events: seen,
            stop: Some(stop),
            task,
        }
    }

    fn report(&self) -> Option<Report> {
        self.reports.borrow().clone()
    }

    async fn stop(mut self, how: Stop) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(how);
        }
        tokio::time::timeout(Duration::from_secs(20), &mut self.task)
            .await
            .expect("worker stops")
            .expect("worker task");
    }

    fn rebalance_events_after(&self, t: Instant) -> Vec<MemberEvent> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|(at, e)| *at >= t && matches!(e, MemberEvent::RebalanceNeeded { .. }))
            .map(|(_, e)| e.clone())
            .collect()
    }
}

async fn finish(member: GroupMember, stop: Result<Stop, oneshot::error::RecvError>) {
    match stop {
        Ok(Stop::Leave) | Err(_) => member.leave().await.expect("leave"),
        Ok(Stop::Abandon) => member.abandon(),
    }
}

/// Waits until `workers` all report the same generation, newer than `after`, whose leader
/// sees exactly them; returns their reports in `workers` order.
async fn stable(workers: &[&Worker], after: i32, within: Duration) -> Vec<Report> {
    let deadline = Instant::now() + within;
    loop {
        let reports: Vec<_> = workers.iter().map(|w| w.report()).collect();
        if let Some(reports) = reports.into_iter().collect::<Option<Vec<_>>>() {
            let generation = reports[0].outcome.generation_id;
            let same = reports
                .iter()
                .all(|r| r.outcome.generation_id == generation);
            let leaders: Vec<_> = reports.iter().filter(|r| r.outcome.is_leader()).collect();
            if same
                && generation > after
                && leaders.len() == 1
                && leaders[0].outcome.members.len() == workers.len()
            {
                return reports;
            }
        }
        if Instant::now() > deadline {
            let state: Vec<_> = workers
                .iter()
                .map(|w| (w.name.clone(), w.report().map(|r| r.outcome)))
                .collect();
            panic!(
                "no stable generation of {} members after {within:?}: {state:#?}",
                workers.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn negotiated_versions_against_the_broker() {
    use kafka_protocol::messages::*;
    let addr = bootstrap().split(',').next().unwrap().trim().to_string();
    let conn = Connection::open(&addr, &ConnectionConfig::default())
        .await
        .expect("connect");
    let versions = [
        (
            "FindCoordinator",
            conn.version_of::<FindCoordinatorRequest>(),
        ),
        ("JoinGroup", conn.version_of::<JoinGroupRequest>()),
        ("SyncGroup", conn.version_of::<SyncGroupRequest>()),
        ("Heartbeat", conn.version_of::<HeartbeatRequest>()),
        ("LeaveGroup", conn.version_of::<LeaveGroupRequest>()),
    ];
    for (api, v) in &versions {
        let v = v.as_ref().unwrap_or_else(|e| panic!("{api}: {e}"));
        println!("{api} v{v}");
    }
    // The batch FindCoordinator (v4+) and SyncGroup with protocol type and name (v5).
    assert!(*versions[0].1.as_ref().unwrap() >= 4);
    assert_eq!(*versions[2].1.as_ref().unwrap(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_members_one_leader_sees_all_metadata_and_assignments_arrive_byte_for_byte() {
    let group = unique_group("three");
    let workers: Vec<_> = ["w1", "w2", "w3"]
        .iter()
        .map(|n| Worker::start(n, config(&group), ALL))
        .collect();
    let refs: Vec<_> = workers.iter().collect();
    let reports = stable(&refs, 0, Duration::from_secs(30)).await;

    let leaders: Vec<_> = reports.iter().filter(|r| r.outcome.is_leader()).collect();
    assert_eq!(leaders.len(), 1, "exactly one leader");
    let leader = &leaders[0].outcome;
    for (w, r) in workers.iter().zip(&reports) {
        assert_eq!(r.outcome.leader_id, leader.member_id);
        assert_eq!(r.outcome.protocol_name, "sessioned");
        if !r.outcome.is_leader() {
            assert!(r.outcome.members.is_empty(), "followers get no member list");
        }
        // The leader saw this worker's metadata for the chosen protocol, unchanged.
        let seen = leader
            .members
            .iter()
            .find(|m| m.member_id == r.outcome.member_id)
            .unwrap_or_else(|| panic!("leader does not see {}", w.name));
        assert_eq!(seen.metadata, metadata(&w.name, "sessioned"));
        // And the leader's assignment for it arrived unchanged.
        assert_eq!(
            r.assignment,
            assignment_for(&r.outcome.member_id, r.outcome.generation_id)
        );
    }
    for w in workers {
        w.stop(Stop::Leave).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn membership_survives_an_idle_owner_for_several_session_timeouts() {
    let group = unique_group("idle");
    let (a, mut a_events) = GroupMember::start(config(&group)).unwrap();
    let joined = a.rejoin(protocols("a", ALL)).await.unwrap();
    assert!(joined.is_leader());
    let mine = assignment_for(&joined.member_id, joined.generation_id);
    let got = a
        .sync(
            joined.generation_id,
            vec![(joined.member_id.clone(), mine.clone())],
        )
        .await
        .unwrap();
    assert_eq!(got, mine);

    // The owner does nothing for 2.5 session timeouts; only the member's task heartbeats.
    tokio::time::sleep(Duration::from_secs(15)).await;
    assert!(
        a_events.try_recv().is_err(),
        "no event while the group is quiet"
    );

    // Had `a` been expired, `b` would form a group of its own at once. Instead the broker
    // waits for `a` to rejoin, and tells it so through its heartbeats.
    let (b, _b_events) = GroupMember::start(config(&group)).unwrap();
    let b_join = tokio::spawn(async move {
        let r = b.rejoin(protocols("b", ALL)).await;
        (b, r)
    });
    let event = tokio::time::timeout(Duration::from_secs(10), a_events.recv())
        .await
        .expect("a hears of the rebalance")
        .unwrap();
    assert_eq!(
        event,
        MemberEvent::RebalanceNeeded {
            generation_id: joined.generation_id,
            reason: RebalanceReason::RebalanceInProgress
        }
    );
    let again = a.rejoin(protocols("a", ALL)).await.unwrap();
    let (b, b_outcome) = b_join.await.unwrap();
    let b_outcome = b_outcome.unwrap();
    assert_eq!(again.member_id, joined.member_id, "same member id");
    assert_eq!(again.generation_id, joined.generation_id + 1);
    assert_eq!(b_outcome.generation_id, again.generation_id);
    let leader = if again.is_leader() {
        &again
    } else {
        &b_outcome
    };
    assert_eq!(leader.members.len(), 2);
    a.leave().await.unwrap();
    b.leave().await.unwrap();
}

/// The two survivors rebalance into a generation of two, keeping their member ids.
async fn survivors_rebalance(
    survivors: [&Worker; 2],
    before: &[Report],
    generation: i32,
    since: Instant,
) -> Duration {
    let reports = stable(&survivors, generation, Duration::from_secs(30)).await;
    let took = since.elapsed();
    for (w, r) in survivors.iter().zip(&reports) {
        let old = before
            .iter()
            .find(|b| b.outcome.member_id == r.outcome.member_id);
        assert!(old.is_some(), "{} kept its member id", w.name);
        let events = w.rebalance_events_after(since);
        assert!(
            !events.is_empty(),
            "{} saw RebalanceNeeded; its events: {events:?}",
            w.name
        );
        assert!(r.outcome.generation_id > generation);
        assert_eq!(
            r.assignment,
            assignment_for(&r.outcome.member_id, r.outcome.generation_id)
        );
    }
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_that_leaves_makes_the_others_rebalance_at_once() {
    let group = unique_group("leave");
    let w1 = Worker::start("w1", config(&group), ALL);
    let w2 = Worker::start("w2", config(&group), ALL);
    let w3 = Worker::start("w3", config(&group), ALL);
    let before = stable(&[&w1, &w2, &w3], 0, Duration::from_secs(30)).await;
    let generation = before[0].outcome.generation_id;

    let t = Instant::now();
    w3.stop(Stop::Leave).await;
    let took = survivors_rebalance([&w1, &w2], &before, generation, t).await;
    // LeaveGroup, not the session timeout, started the rebalance.
    assert!(took < SESSION, "rebalanced after {took:?}");
    println!("rebalanced {took:?} after LeaveGroup");
    w1.stop(Stop::Leave).await;
    w2.stop(Stop::Leave).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_that_stops_heartbeating_is_expired_after_the_session_timeout() {
    let group = unique_group("expire");
    let w1 = Worker::start("w1", config(&group), ALL);
    let w2 = Worker::start("w2", config(&group), ALL);
    let w3 = Worker::start("w3", config(&group), ALL);
    let before = stable(&[&w1, &w2, &w3], 0, Duration::from_secs(30)).await;
    let generation = before[0].outcome.generation_id;

    let t = Instant::now();
    w3.stop(Stop::Abandon).await;
    let took = survivors_rebalance([&w1, &w2], &before, generation, t).await;
    // Its last heartbeat was at most one interval before the abort.
    assert!(
        took >= SESSION - HEARTBEAT - Duration::from_millis(500),
        "rebalanced after {took:?}, before the session timeout"
    );
    println!("rebalanced {took:?} after the member went silent");
    w1.stop(Stop::Leave).await;
    w2.stop(Stop::Leave).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_broker_picks_the_protocol_every_member_offers() {
    let group = unique_group("protocol");
    let w1 = Worker::start("w1", config(&group), ALL);
    let w2 = Worker::start("w2", config(&group), &["compatible", "default"]);
    let reports = stable(&[&w1, &w2], 0, Duration::from_secs(30)).await;
    // sessioned is not offered by w2; compatible is both's best common choice.
    for r in &reports {
        assert_eq!(r.outcome.protocol_name, "compatible");
    }
    let generation = reports[0].outcome.generation_id;

    let eager = Worker::start("eager", config(&group), &["default"]);
    let reports = stable(&[&w1, &w2, &eager], generation, Duration::from_secs(30)).await;
    for r in &reports {
        assert_eq!(r.outcome.protocol_name, "default");
    }
    // The leader got each member's metadata for `default`.
    let leader = reports.iter().find(|r| r.outcome.is_leader()).unwrap();
    for (w, r) in [&w1, &w2, &eager].iter().zip(&reports) {
        let m = leader
            .outcome
            .members
            .iter()
            .find(|m| m.member_id == r.outcome.member_id)
            .unwrap();
        assert_eq!(m.metadata, metadata(&w.name, "default"));
    }
    for w in [w1, w2, eager] {
        w.stop(Stop::Leave).await;
    }
}
