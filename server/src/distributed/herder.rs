//! The distributed herder's membership loop: Kafka Connect's `DistributedHerder.tick` as far
//! as the group is concerned (brief section 5).
//!
//! It joins the worker group with this worker's metadata, computes the assignment when it
//! leads, reconciles each assignment with the config topic, and tells an [`Executor`] what
//! to stop and what to start. It reacts to:
//!
//! - the member's events: a rebalance the broker started (rejoin, keeping the work), a lost
//!   generation (stop everything, then rejoin), an unreachable coordinator (stop
//!   everything at once, KAFKA-9184: the group has most likely given the work away);
//! - config changes: a connector created or deleted, or a commit that changes a connector's
//!   set of task ids, makes it rejoin so the leader assigns again (Kafka Connect rejoins on
//!   every task-config commit; a commit that keeps the task ids only restarts the tasks,
//!   which is the executor's business);
//! - the leader's scheduled rebalance (`scheduled.rebalance.max.delay.ms`);
//! - a stop: all work stopped, then LeaveGroup.
//!
//! Work is started and stopped in the loop's own task, between rebalances, and heartbeats
//! go on in the member's task meanwhile: a slow connector never costs the worker its place
//! in the group.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use polyconnect_group::config_state::ConfigChange;
use polyconnect_group::{
    Assignment, ConnectProtocol, ConnectorTaskId, GroupError, GroupMember,
    IncrementalCooperativeAssignor, Member, MemberConfig, MemberEvent, Membership, Protocol, Round,
    WorkerMetadata,
};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::storage::kafka_configs::KafkaConfigStore;

/// Connectors and tasks: what a worker runs, or what it is told to start or stop.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Work {
    pub connectors: BTreeSet<String>,
    pub tasks: BTreeSet<ConnectorTaskId>,
}

impl Work {
    pub fn is_empty(&self) -> bool {
        self.connectors.is_empty() && self.tasks.is_empty()
    }

    fn extend(&mut self, other: &Work) {
        self.connectors.extend(other.connectors.iter().cloned());
        self.tasks.extend(other.tasks.iter().cloned());
    }

    fn remove(&mut self, other: &Work) {
        for c in &other.connectors {
            self.connectors.remove(c);
        }
        for t in &other.tasks {
            self.tasks.remove(t);
        }
    }

    fn intersection(&self, other: &Work) -> Work {
        Work {
            connectors: self
                .connectors
                .intersection(&other.connectors)
                .cloned()
                .collect(),
            tasks: self.tasks.intersection(&other.tasks).cloned().collect(),
        }
    }

    fn of(connectors: &[String], tasks: &[ConnectorTaskId]) -> Work {
        Work {
            connectors: connectors.iter().cloned().collect(),
            tasks: tasks.iter().cloned().collect(),
        }
    }

    /// This work as the allocation a member reports in its metadata.
    fn as_allocation(
        &self,
        version: i16,
        leader: &str,
        leader_url: &str,
        offset: i64,
    ) -> Assignment {
        Assignment {
            version,
            leader: leader.to_string(),
            leader_url: leader_url.to_string(),
            config_offset: offset,
            connectors: self.connectors.iter().cloned().collect(),
            tasks: self.tasks.iter().cloned().collect(),
            ..Assignment::default()
        }
    }
}

/// What runs the work the group assigns. Each call is complete when its future resolves:
/// `stop` returns once the items no longer run anywhere on this worker (offsets committed,
/// statuses written), so the group may hand them to another worker.
pub trait Executor: Send + Sync + 'static {
    fn start(&self, work: Work, generation: i32) -> BoxFuture<'_, ()>;
    fn stop(&self, work: Work) -> BoxFuture<'_, ()>;
    /// A change read from the config topic (any worker's write), after the herder handled
    /// what it means for the group.
    fn config_changed(&self, change: ConfigChange) -> BoxFuture<'_, ()>;
    /// This worker now leads the group (`true`) or no longer does.
    fn leadership(&self, _leader: bool, _generation: i32) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

/// Settings of the membership loop, from the worker's distributed settings.
#[derive(Clone, Debug)]
pub struct HerderConfig {
    pub member: MemberConfig,
    pub protocol: ConnectProtocol,
    /// This worker's advertised REST URL (`http://host:port/`).
    pub url: String,
    pub scheduled_rebalance_max_delay: Duration,
    pub worker_sync_timeout: Duration,
    pub worker_unsync_backoff: Duration,
}

impl HerderConfig {
    pub fn from_distributed(
        d: &crate::config::distributed::DistributedConfig,
        bootstrap_servers: &str,
        url: String,
        client_id: &str,
    ) -> HerderConfig {
        use crate::config::distributed::ConnectProtocolSetting;
        let mut member = MemberConfig::new(bootstrap_servers, d.group_id.clone());
        member.session_timeout = d.session_timeout;
        member.heartbeat_interval = d.heartbeat_interval;
        member.rebalance_timeout = d.rebalance_timeout;
        member.connection.client_id = client_id.to_string();
        HerderConfig {
            member,
            protocol: match d.connect_protocol {
                ConnectProtocolSetting::Eager => ConnectProtocol::Eager,
                ConnectProtocolSetting::Compatible => ConnectProtocol::Compatible,
                ConnectProtocolSetting::Sessioned => ConnectProtocol::Sessioned,
            },
            url,
            scheduled_rebalance_max_delay: d.scheduled_rebalance_max_delay,
            worker_sync_timeout: d.worker_sync_timeout,
            worker_unsync_backoff: d.worker_unsync_backoff,
        }
    }
}

/// What the herder tells the rest of the worker (REST forwarding, `GET /`, tests).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HerderStatus {
    pub member_id: String,
    /// The generation of the last completed rebalance; −1 before the first.
    pub generation: i32,
    pub leader_id: String,
    /// The leader's REST URL, where requests only the leader serves are forwarded.
    pub leader_url: String,
    pub is_leader: bool,
    /// A rebalance is under way (or the worker is not in the group yet).
    pub rebalancing: bool,
    pub protocol: Option<ConnectProtocol>,
    /// What this worker runs.
    pub running: Work,
    /// How many rebalances this worker completed.
    pub rebalances: u64,
}

/// The running membership loop.
pub struct Herder {
    status: watch::Receiver<HerderStatus>,
    stop: Option<oneshot::Sender<bool>>,
    task: JoinHandle<()>,
}

impl Herder {
    /// Starts the member and the loop. The config store must have been read to its end
    /// (the worker's boot does), and should be followed (its changes reach the loop).
    pub fn start(
        config: HerderConfig,
        store: Arc<KafkaConfigStore>,
        executor: Arc<dyn Executor>,
    ) -> Result<Herder, GroupError> {
        let (member, events) = GroupMember::start(config.member.clone())?;
        Ok(Herder::start_with(
            config,
            store,
            executor,
            Box::new(member),
            events,
        ))
    }

    /// As [`Herder::start`], on a membership of the caller's (e.g. a
    /// [`polyconnect_group::MemoryGroup`]'s member).
    pub fn start_with(
        config: HerderConfig,
        store: Arc<KafkaConfigStore>,
        executor: Arc<dyn Executor>,
        member: Box<dyn Membership>,
        events: polyconnect_group::MemberEvents,
    ) -> Herder {
        let changes = store.changes();
        let (status_tx, status) = watch::channel(HerderStatus {
            generation: -1,
            rebalancing: true,
            ..HerderStatus::default()
        });
        let (stop, stop_rx) = oneshot::channel();
        let lp = Loop {
            assignor: IncrementalCooperativeAssignor::new(
                config
                    .scheduled_rebalance_max_delay
                    .as_millis()
                    .min(i32::MAX as u128) as i32,
            ),
            config,
            store,
            executor,
            member: Some(member),
            events,
            changes,
            status: status_tx,
            running: Work::default(),
            last_completed_generation: -1,
            rejoin_at: Some(Instant::now()),
            started: Instant::now(),
            leader: false,
            known: Work::default(),
        };
        let task = tokio::spawn(lp.run(stop_rx));
        Herder {
            status,
            stop: Some(stop),
            task,
        }
    }

    pub fn status(&self) -> HerderStatus {
        self.status.borrow().clone()
    }

    pub fn watch(&self) -> watch::Receiver<HerderStatus> {
        self.status.clone()
    }

    /// Stops every item, then leaves the group (the others rebalance at once).
    pub async fn leave(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(true);
        }
        let _ = (&mut self.task).await;
    }

    /// Stops every item and the member without LeaveGroup: the group notices after the
    /// session timeout, as if the worker had died (for tests).
    pub async fn kill(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(false);
        }
        let _ = (&mut self.task).await;
    }
}

struct Loop {
    config: HerderConfig,
    store: Arc<KafkaConfigStore>,
    executor: Arc<dyn Executor>,
    member: Option<Box<dyn Membership>>,
    events: polyconnect_group::MemberEvents,
    changes: tokio::sync::mpsc::UnboundedReceiver<ConfigChange>,
    status: watch::Sender<HerderStatus>,
    assignor: IncrementalCooperativeAssignor,
    running: Work,
    last_completed_generation: i32,
    /// When to rejoin next (now, or a scheduled rebalance); `None`: stable.
    rejoin_at: Option<Instant>,
    started: Instant,
    leader: bool,
    /// The connectors and task ids the group knew at the last rebalance.
    known: Work,
}

/// How a rebalance attempt ended.
enum Rebalanced {
    Done,
    /// Try again (after a pause, if any).
    Again(Option<Duration>),
    Stop(bool),
}

impl Loop {
    fn member(&self) -> &dyn Membership {
        self.member
            .as_deref()
            .expect("the member lives as long as the loop")
    }

    async fn run(mut self, mut stop: oneshot::Receiver<bool>) {
        loop {
            if let Some(at) = self.rejoin_at {
                if at <= Instant::now() {
                    match self.rebalance(&mut stop).await {
                        Rebalanced::Done => {}
                        Rebalanced::Again(pause) => {
                            self.rejoin_at = Some(Instant::now() + pause.unwrap_or_default());
                        }
                        Rebalanced::Stop(leave) => return self.finish(leave).await,
                    }
                    continue;
                }
            }
            let sleep = tokio::time::sleep_until(
                self.rejoin_at
                    .map(tokio::time::Instant::from_std)
                    .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600)),
            );
            tokio::select! {
                biased;
                s = &mut stop => return self.finish(s.unwrap_or(true)).await,
                ev = self.events.recv() => match ev {
                    Some(ev) => self.on_event(ev).await,
                    None => {
                        tracing::error!("the group member stopped; stopping all work");
                        return self.finish(false).await;
                    }
                },
                Some(change) = self.changes.recv() => self.on_change(change).await,
                _ = sleep => {}
            }
        }
    }

    async fn on_event(&mut self, ev: MemberEvent) {
        match ev {
            MemberEvent::RebalanceNeeded {
                reason,
                generation_id,
            } => {
                tracing::info!(generation = generation_id, %reason, "rejoining the worker group");
                if reason.generation_lost() {
                    // The group may already run this worker's items elsewhere.
                    self.stop_all("the worker lost its place in the group")
                        .await;
                }
                self.rejoin_now();
            }
            MemberEvent::CoordinatorUnreachable { since } => {
                tracing::warn!(
                    silent_for = ?since.elapsed(),
                    "the group coordinator has not answered for a session timeout; stopping all work"
                );
                self.stop_all("the group coordinator cannot be reached")
                    .await;
                self.rejoin_now();
            }
        }
    }

    fn rejoin_now(&mut self) {
        self.rejoin_at = Some(Instant::now());
        self.status.send_modify(|s| s.rebalancing = true);
    }

    async fn on_change(&mut self, change: ConfigChange) {
        let snapshot = self.store.snapshot();
        let rejoin = match &change {
            ConfigChange::ConnectorUpdated(c) => !self.known.connectors.contains(c),
            ConfigChange::ConnectorRemoved(_) => true,
            ConfigChange::TasksCommitted(c) => {
                let now: BTreeSet<ConnectorTaskId> = snapshot.tasks(c).into_iter().collect();
                now != self.known_tasks(c)
            }
            _ => false,
        };
        if rejoin {
            tracing::debug!(?change, "config change: asking the group to rebalance");
            self.rejoin_now();
        }
        self.executor.config_changed(change).await;
    }

    fn known_tasks(&self, connector: &str) -> BTreeSet<ConnectorTaskId> {
        self.known
            .tasks
            .iter()
            .filter(|t| t.connector == connector)
            .cloned()
            .collect()
    }

    async fn stop_all(&mut self, why: &str) {
        if self.running.is_empty() {
            return;
        }
        tracing::info!(why, "stopping all connectors and tasks of this worker");
        let all = std::mem::take(&mut self.running);
        self.executor.stop(all).await;
        self.status.send_modify(|s| s.running = Work::default());
    }

    fn metadata(&self, protocol: ConnectProtocol, offset: i64) -> WorkerMetadata {
        let s = self.status.borrow();
        WorkerMetadata {
            version: protocol.version(),
            url: self.config.url.clone(),
            config_offset: offset,
            allocation: (protocol != ConnectProtocol::Eager && s.generation >= 0).then(|| {
                self.running
                    .as_allocation(protocol.version(), &s.leader_id, &s.leader_url, offset)
            }),
        }
    }

    /// One JoinGroup/SyncGroup round and what follows it.
    async fn rebalance(&mut self, stop: &mut oneshot::Receiver<bool>) -> Rebalanced {
        self.rejoin_at = None;
        self.status.send_modify(|s| s.rebalancing = true);
        if self.config.protocol == ConnectProtocol::Eager {
            // Eager members give everything back before they join.
            self.stop_all("an eager rebalance").await;
        }
        let offset = self.store.snapshot().offset();
        let protocols: Vec<Protocol> = self
            .config
            .protocol
            .offered()
            .iter()
            .map(|p| Protocol::new(p.protocol_name(), self.metadata(*p, offset).encode()))
            .collect();
        let joined = tokio::select! {
            r = self.member().rejoin(protocols) => r,
            s = &mut *stop => return Rebalanced::Stop(s.unwrap_or(true)),
        };
        let outcome = match joined {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(error = %e, "cannot join the worker group; trying again");
                // A refusal (credentials changed under a running worker) needs someone to
                // act; asking again every second would only flood the broker's log.
                let wait = match e {
                    GroupError::Authentication { .. } => Duration::from_secs(10),
                    _ => Duration::from_secs(1),
                };
                return Rebalanced::Again(Some(wait));
            }
        };
        let Some(protocol) = ConnectProtocol::from_protocol_name(&outcome.protocol_name) else {
            tracing::error!(protocol = %outcome.protocol_name, "the group chose a protocol this worker does not speak");
            return Rebalanced::Again(Some(Duration::from_secs(1)));
        };
        let mut assignments = Vec::new();
        if outcome.is_leader() {
            match self.assign(&outcome, protocol).await {
                Some(a) => assignments = a,
                None => return Rebalanced::Again(None),
            }
        }
        let synced = tokio::select! {
            r = self.member().sync(outcome.generation_id, assignments) => r,
            s = &mut *stop => return Rebalanced::Stop(s.unwrap_or(true)),
        };
        let bytes = match synced {
            Ok(b) => b,
            Err(GroupError::RejoinNeeded(reason)) => {
                tracing::info!(%reason, "the group moved on during the rebalance; rejoining");
                if reason.generation_lost() {
                    self.stop_all("the worker lost its place in the group")
                        .await;
                }
                return Rebalanced::Again(None);
            }
            Err(e) => {
                tracing::warn!(error = %e, "SyncGroup failed; rejoining");
                return Rebalanced::Again(Some(Duration::from_millis(200)));
            }
        };
        let assignment = match Assignment::decode(&bytes) {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "the leader's assignment cannot be read; rejoining");
                return Rebalanced::Again(Some(Duration::from_secs(1)));
            }
        };
        if assignment.failed() {
            tracing::info!(
                leader_offset = assignment.config_offset,
                "the leader's config is behind (CONFIG_MISMATCH); reading the config topic and rejoining"
            );
            if let Err(e) = self.store.refresh().await {
                tracing::warn!(error = %e, "reading the config topic");
            }
            return Rebalanced::Again(None);
        }
        // The assignment was computed at the leader's config offset: this worker starts
        // work only once it has read that far (and not further: then the leader must
        // assign again with what this worker knows).
        if self.store.snapshot().offset() < assignment.config_offset {
            let deadline = Instant::now() + self.config.worker_sync_timeout;
            while self.store.snapshot().offset() < assignment.config_offset
                && Instant::now() < deadline
            {
                if let Err(e) = self.store.refresh().await {
                    tracing::warn!(error = %e, "reading the config topic");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            if self.store.snapshot().offset() < assignment.config_offset {
                tracing::warn!(
                    ours = self.store.snapshot().offset(),
                    leader = assignment.config_offset,
                    backoff = ?self.config.worker_unsync_backoff,
                    "cannot read the config topic up to the leader's offset within worker.sync.timeout.ms; stopping work and rejoining later"
                );
                self.stop_all("the worker's config is behind the leader's")
                    .await;
                return Rebalanced::Again(Some(self.config.worker_unsync_backoff));
            }
        }
        self.apply(&outcome, protocol, &assignment).await;
        Rebalanced::Done
    }

    /// The leader's part: the assignment of every member, encoded; `None`: rejoin.
    async fn assign(
        &mut self,
        outcome: &polyconnect_group::JoinOutcome,
        protocol: ConnectProtocol,
    ) -> Option<Vec<(String, bytes::Bytes)>> {
        let mut members = Vec::with_capacity(outcome.members.len());
        for m in &outcome.members {
            match WorkerMetadata::decode(&m.metadata) {
                Ok(metadata) => members.push(Member {
                    id: m.member_id.clone(),
                    metadata,
                }),
                Err(e) => {
                    tracing::warn!(member = %m.member_id, error = %e, "a member's metadata cannot be read; it gets no work")
                }
            }
        }
        let leader_url = members
            .iter()
            .find(|m| m.id == outcome.member_id)
            .map(|m| m.metadata.url.clone())
            .unwrap_or_else(|| self.config.url.clone());
        // A member that read further than the leader: read up to it first.
        let max = members
            .iter()
            .map(|m| m.metadata.config_offset)
            .max()
            .unwrap_or(-1);
        if max > self.store.snapshot().offset() {
            if let Err(e) = self.store.refresh().await {
                tracing::warn!(error = %e, "reading the config topic");
            }
        }
        let snapshot = self.store.snapshot();
        let connectors = snapshot.assignable();
        let now_ms = self.started.elapsed().as_millis() as i64 + 1;
        let round = Round {
            leader_id: &outcome.member_id,
            leader_url: &leader_url,
            config_offset: snapshot.offset(),
            protocol,
            connectors: &connectors,
            members: &members,
            now_ms,
            generation: outcome.generation_id,
            last_completed_generation: self.last_completed_generation,
        };
        let assignments = self.assignor.assign(&round);
        tracing::info!(
            generation = outcome.generation_id,
            members = members.len(),
            connectors = connectors.len(),
            "assigned connectors and tasks as the group's leader"
        );
        // Members whose metadata could not be read get an empty assignment.
        let mut out: Vec<(String, bytes::Bytes)> = assignments
            .iter()
            .map(|(id, a)| (id.clone(), bytes::Bytes::from(a.encode())))
            .collect();
        for m in &outcome.members {
            if !assignments.contains_key(&m.member_id) {
                let empty = Assignment {
                    version: protocol.version(),
                    leader: outcome.member_id.clone(),
                    leader_url: leader_url.clone(),
                    config_offset: snapshot.offset(),
                    ..Assignment::default()
                };
                out.push((m.member_id.clone(), bytes::Bytes::from(empty.encode())));
            }
        }
        Some(out)
    }

    async fn apply(
        &mut self,
        outcome: &polyconnect_group::JoinOutcome,
        protocol: ConnectProtocol,
        assignment: &Assignment,
    ) {
        let generation = outcome.generation_id;
        let (revoked, assigned) = if protocol == ConnectProtocol::Eager {
            // Everything this worker runs is in the assignment; what it ran is gone.
            let new = Work::of(&assignment.connectors, &assignment.tasks);
            let mut revoked = self.running.clone();
            revoked.remove(&new);
            let mut fresh = new.clone();
            fresh.remove(&self.running);
            (revoked, fresh)
        } else {
            let revoked = Work::of(&assignment.revoked_connectors, &assignment.revoked_tasks)
                .intersection(&self.running);
            let mut fresh = Work::of(&assignment.connectors, &assignment.tasks);
            fresh.remove(&self.running);
            (revoked, fresh)
        };
        if !revoked.is_empty() {
            tracing::info!(
                connectors = ?revoked.connectors,
                tasks = ?revoked.tasks.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "stopping revoked connectors and tasks"
            );
            self.running.remove(&revoked);
            self.executor.stop(revoked.clone()).await;
        }
        let is_leader = outcome.is_leader();
        if is_leader != self.leader {
            self.leader = is_leader;
            self.executor.leadership(is_leader, generation).await;
        }
        if !assigned.is_empty() {
            tracing::info!(
                generation,
                connectors = ?assigned.connectors,
                tasks = ?assigned.tasks.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "starting assigned connectors and tasks"
            );
            self.running.extend(&assigned);
            self.executor.start(assigned, generation).await;
        }
        self.last_completed_generation = generation;
        // What the group knows now: rejoin only on changes beyond it.
        let snapshot = self.store.snapshot();
        self.known = Work {
            connectors: snapshot.connectors().map(str::to_string).collect(),
            tasks: snapshot
                .connectors()
                .flat_map(|c| snapshot.tasks(c))
                .collect(),
        };
        // Changes read after the leader's snapshot: the group must assign them.
        if snapshot.offset() > assignment.config_offset {
            self.rejoin_at = Some(Instant::now());
        }
        if !revoked.is_empty() {
            // The revoked items are free now: let the leader hand them out.
            self.rejoin_at = Some(Instant::now());
        } else if assignment.delay_ms > 0 {
            let at = Instant::now() + Duration::from_millis(assignment.delay_ms as u64);
            self.rejoin_at = Some(self.rejoin_at.map_or(at, |r| r.min(at)));
        }
        let running = self.running.clone();
        self.status.send_modify(|s| {
            s.member_id = outcome.member_id.clone();
            s.generation = generation;
            s.leader_id = outcome.leader_id.clone();
            s.leader_url = assignment.leader_url.clone();
            s.is_leader = is_leader;
            s.rebalancing = false;
            s.protocol = Some(protocol);
            s.running = running;
            s.rebalances += 1;
        });
        tracing::info!(
            generation,
            leader = is_leader,
            protocol = protocol.protocol_name(),
            connectors = self.running.connectors.len(),
            tasks = self.running.tasks.len(),
            delay_ms = assignment.delay_ms,
            "rebalance complete"
        );
    }

    async fn finish(mut self, leave: bool) {
        let all = std::mem::take(&mut self.running);
        if !all.is_empty() {
            self.executor.stop(all).await;
        }
        if let Some(member) = self.member.take() {
            if leave {
                if let Err(e) = member.leave().await {
                    tracing::warn!(error = %e, "LeaveGroup failed; the group notices after the session timeout");
                }
            } else {
                member.abandon();
            }
        }
        self.status.send_modify(|s| {
            s.running = Work::default();
            s.rebalancing = true;
            s.is_leader = false;
        });
    }
}
