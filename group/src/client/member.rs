//! The group member: Kafka Connect's `WorkerCoordinator` flow (JoinGroup, SyncGroup,
//! Heartbeat, LeaveGroup) in a tokio task of its own.
//!
//! Kafka Connect heartbeats from the herder's tick thread, so a connector call that blocks
//! the tick gets the worker ejected from the group (KAFKA-16197, KAFKA-9374). Here the
//! membership lives in its own task: heartbeats run on their own timer whatever the owner is
//! doing, and the owner (the herder) only steps in where a decision is its own: what metadata
//! to join with, what the leader assigns, when to rejoin, when to leave.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::messages::find_coordinator_request::FindCoordinatorRequest;
use kafka_protocol::messages::join_group_request::JoinGroupRequestProtocol;
use kafka_protocol::messages::leave_group_request::MemberIdentity;
use kafka_protocol::messages::sync_group_request::SyncGroupRequestAssignment;
use kafka_protocol::messages::{
    HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest, SyncGroupRequest,
};
use kafka_protocol::protocol::StrBytes;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use super::config::split_host_port;
use super::error::{classify, codes, error_name, Action};
use super::{Connection, GroupError, MemberConfig};

/// A protocol the member offers in JoinGroup, with its metadata for that protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protocol {
    /// `default`, `compatible`, `sessioned` for Kafka Connect ([`crate::ConnectProtocol`]).
    pub name: String,
    /// Opaque to the member; for Connect, [`crate::WorkerMetadata::encode`].
    pub metadata: Bytes,
}

impl Protocol {
    pub fn new(name: impl Into<String>, metadata: impl Into<Bytes>) -> Protocol {
        Protocol {
            name: name.into(),
            metadata: metadata.into(),
        }
    }
}

/// A member of the group as the leader sees it in the JoinGroup response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinedMember {
    pub member_id: String,
    /// The member's metadata for the protocol the broker chose, byte for byte as it sent it.
    pub metadata: Bytes,
}

/// The result of a successful JoinGroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinOutcome {
    pub generation_id: i32,
    /// This member's id (kept across rejoins unless the coordinator forgets it).
    pub member_id: String,
    pub leader_id: String,
    /// The protocol the broker chose: one every member offers, by vote.
    pub protocol_name: String,
    /// Every member with its metadata, leader only; empty for followers.
    pub members: Vec<JoinedMember>,
}

impl JoinOutcome {
    /// Whether this member leads the generation and must compute the assignments.
    pub fn is_leader(&self) -> bool {
        self.member_id == self.leader_id
    }
}

/// Why the owner must call [`GroupMember::rejoin`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RebalanceReason {
    /// The broker is rebalancing the group (a member joined, left or was expired). The
    /// member still holds its generation: work keeps running while it rejoins.
    RebalanceInProgress,
    /// ILLEGAL_GENERATION: the group moved on to a generation this member is not part of.
    IllegalGeneration,
    /// UNKNOWN_MEMBER_ID: the coordinator forgot this member (it was expired); it rejoins
    /// as a new member, and its previous assignment may already be someone else's.
    UnknownMemberId,
    /// The coordinator moved or went away between JoinGroup and the end of SyncGroup.
    CoordinatorChanged,
}

impl RebalanceReason {
    /// Whether the member lost its place in the group: the group may already run this
    /// member's work elsewhere.
    pub fn generation_lost(self) -> bool {
        matches!(
            self,
            RebalanceReason::IllegalGeneration | RebalanceReason::UnknownMemberId
        )
    }
}

impl std::fmt::Display for RebalanceReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RebalanceReason::RebalanceInProgress => "the group is rebalancing",
            RebalanceReason::IllegalGeneration => "the member's generation is stale",
            RebalanceReason::UnknownMemberId => "the coordinator does not know the member",
            RebalanceReason::CoordinatorChanged => "the coordinator changed",
        })
    }
}

/// What the member tells its owner without being asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberEvent {
    /// Call [`GroupMember::rejoin`]. Sent at most once per generation. With
    /// [`RebalanceReason::RebalanceInProgress`] the member still heartbeats for its current
    /// generation until the owner rejoins; otherwise it has stopped heartbeating.
    RebalanceNeeded {
        generation_id: i32,
        reason: RebalanceReason,
    },
    /// The coordinator has not answered for longer than the session timeout: the broker has
    /// most likely expired this member and handed its work to others. The owner must stop
    /// *all* work now (KAFKA-9184), then call `rejoin`, which keeps trying to reach the
    /// coordinator. `since` is when the coordinator last answered. Sent once per outage.
    CoordinatorUnreachable { since: Instant },
}

/// The receiving end of a member's [`MemberEvent`]s.
pub type MemberEvents = mpsc::UnboundedReceiver<MemberEvent>;

enum Command {
    Join {
        protocols: Vec<Protocol>,
        reply: oneshot::Sender<Result<JoinOutcome, GroupError>>,
    },
    Sync {
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
        reply: oneshot::Sender<Result<Bytes, GroupError>>,
    },
    Leave {
        reply: oneshot::Sender<Result<(), GroupError>>,
    },
}

/// A worker's membership of the group. Its task heartbeats on its own; the owner drives
/// rebalances with [`rejoin`](GroupMember::rejoin) and [`sync`](GroupMember::sync) and
/// listens to the [`MemberEvents`] returned by [`start`](GroupMember::start).
///
/// The contract, as Kafka Connect's herder uses its `WorkerGroupMember`:
///
/// 1. `start`, then `rejoin` with the protocols in preference order and this worker's
///    metadata for each.
/// 2. The leader ([`JoinOutcome::is_leader`]) computes an assignment for every member of
///    [`JoinOutcome::members`] and passes them to `sync`; followers call `sync` with an empty
///    list. Both get their own assignment bytes back.
/// 3. Run the assignment. Heartbeats go on in the background, also while the leader is
///    computing assignments between `rejoin` and `sync`.
/// 4. On [`MemberEvent::RebalanceNeeded`], or on a `sync` that fails with
///    [`GroupError::RejoinNeeded`], go back to 2 via `rejoin` (work may keep running unless
///    the reason says the generation was lost). On [`MemberEvent::CoordinatorUnreachable`],
///    stop all work first.
/// 5. `leave` on shutdown. Dropping the handle leaves too (from the task, best effort).
///
/// `rejoin` retries what the member can recover from by itself (coordinator moved or not
/// ready, connection lost, MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID) with back-off, for as long
/// as it takes; it fails only on what it cannot fix (authorization, inconsistent protocols,
/// invalid session timeout, ...). To bound it, drop its future (e.g. with
/// `tokio::time::timeout`): the member then abandons the attempt.
pub struct GroupMember {
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<()>,
}

impl GroupMember {
    /// Checks the configuration (failing fast on TLS or SASL settings that cannot work) and
    /// starts the member's task. Nothing is sent until the first `rejoin`. Must be called
    /// inside a tokio runtime.
    pub fn start(config: MemberConfig) -> Result<(GroupMember, MemberEvents), GroupError> {
        config.validate()?;
        let (commands, command_rx) = mpsc::unbounded_channel();
        let (events, event_rx) = mpsc::unbounded_channel();
        let actor = Actor::new(Arc::new(config), events);
        let task = tokio::spawn(actor.run(command_rx));
        Ok((GroupMember { commands, task }, event_rx))
    }

    /// Joins the group (or rejoins it, keeping the member id), offering `protocols` in
    /// preference order. Returns when the broker has formed the new generation, which waits
    /// for every known member to rejoin (up to the rebalance timeout). Heartbeats for the
    /// previous generation stop here.
    pub async fn rejoin(&self, protocols: Vec<Protocol>) -> Result<JoinOutcome, GroupError> {
        let (reply, rx) = oneshot::channel();
        self.call(Command::Join { protocols, reply }, rx).await
    }

    /// Ends the rebalance of `generation_id`: the leader passes `(member_id, assignment)` for
    /// every member, followers an empty list. Returns this member's assignment, byte for byte
    /// as the leader sent it (empty if the leader gave it none). Fails with
    /// [`GroupError::RejoinNeeded`] if the group moved on meanwhile, and with
    /// [`GroupError::StaleGeneration`] if `generation_id` is not the one of the last `rejoin`.
    pub async fn sync(
        &self,
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
    ) -> Result<Bytes, GroupError> {
        let (reply, rx) = oneshot::channel();
        let command = Command::Sync {
            generation_id,
            assignments,
            reply,
        };
        self.call(command, rx).await
    }

    /// Leaves the group (LeaveGroup, so the others rebalance at once rather than after the
    /// session timeout) and stops the member's task.
    pub async fn leave(self) -> Result<(), GroupError> {
        let (reply, rx) = oneshot::channel();
        let result = self.call(Command::Leave { reply }, rx).await;
        let _ = self.task.await;
        result
    }

    /// Stops the member's task at once, without LeaveGroup, as if the worker had died: the
    /// broker expires the member after the session timeout. For tests of that path, and for
    /// an owner that must not talk to the group any more.
    pub fn abandon(self) {
        self.task.abort();
    }

    async fn call<T>(
        &self,
        command: Command,
        rx: oneshot::Receiver<Result<T, GroupError>>,
    ) -> Result<T, GroupError> {
        self.commands
            .send(command)
            .map_err(|_| GroupError::Closed)?;
        rx.await.map_err(|_| GroupError::Closed)?
    }
}

/// What the member holds between a successful JoinGroup and the next rejoin.
struct Generation {
    id: i32,
    protocol_name: String,
}

/// The result of one background heartbeat (finding the coordinator first if needed).
struct HeartbeatDone {
    generation_id: i32,
    coordinator: Option<Connection>,
    result: Result<i16, GroupError>,
}

struct Actor {
    config: Arc<MemberConfig>,
    events: mpsc::UnboundedSender<MemberEvent>,
    coordinator: Option<Connection>,
    /// Empty until the broker gives one (KIP-394), and after UNKNOWN_MEMBER_ID.
    member_id: String,
    /// Set from JoinGroup to the next rejoin; heartbeats run while it is.
    generation: Option<Generation>,
    rebalance_signalled: bool,
    /// When the coordinator last answered.
    last_contact: Instant,
    unreachable_signalled: bool,
    /// Consecutive failures, for the exponential back-off.
    failures: u32,
    /// Which bootstrap server to ask first next time, so a dead one is not always first.
    next_bootstrap: usize,
    heartbeat: Option<JoinHandle<HeartbeatDone>>,
    next_heartbeat: Instant,
}

impl Actor {
    fn new(config: Arc<MemberConfig>, events: mpsc::UnboundedSender<MemberEvent>) -> Actor {
        Actor {
            config,
            events,
            coordinator: None,
            member_id: String::new(),
            generation: None,
            rebalance_signalled: false,
            last_contact: Instant::now(),
            unreachable_signalled: false,
            failures: 0,
            next_bootstrap: 0,
            heartbeat: None,
            next_heartbeat: Instant::now(),
        }
    }

    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        loop {
            let heartbeat_due = self.generation.is_some() && self.heartbeat.is_none();
            let watch_unreachable = self.generation.is_some() && !self.unreachable_signalled;
            let unreachable_at = self.last_contact + self.config.session_timeout;
            tokio::select! {
                command = commands.recv() => match command {
                    Some(Command::Join { protocols, mut reply }) => {
                        let result = tokio::select! {
                            r = self.join(&protocols) => r,
                            _ = reply.closed() => {
                                debug!(group = %self.config.group_id, "join abandoned by the owner");
                                Err(GroupError::Cancelled)
                            }
                        };
                        let _ = reply.send(result);
                    }
                    Some(Command::Sync { generation_id, assignments, mut reply }) => {
                        let result = tokio::select! {
                            r = self.sync(generation_id, assignments) => r,
                            _ = reply.closed() => Err(GroupError::Cancelled),
                        };
                        let _ = reply.send(result);
                    }
                    Some(Command::Leave { reply }) => {
                        let _ = reply.send(self.leave().await);
                        return;
                    }
                    None => {
                        // The owner dropped its handle without leaving.
                        if let Err(e) = self.leave().await {
                            debug!(group = %self.config.group_id, error = %e, "leave on drop failed");
                        }
                        return;
                    }
                },
                done = wait(&mut self.heartbeat), if self.heartbeat.is_some() => {
                    self.heartbeat = None;
                    self.on_heartbeat(done);
                }
                _ = tokio::time::sleep_until(self.next_heartbeat.into()), if heartbeat_due => {
                    self.start_heartbeat();
                }
                _ = tokio::time::sleep_until(unreachable_at.into()), if watch_unreachable => {
                    self.check_unreachable();
                }
            }
        }
    }

    // ------------------------------------------------------------------ JoinGroup

    async fn join(&mut self, protocols: &[Protocol]) -> Result<JoinOutcome, GroupError> {
        self.stop_heartbeat();
        self.generation = None;
        let config = self.config.clone();
        loop {
            let conn = match self.coordinator().await {
                Ok(c) => c,
                Err(e) => {
                    self.retry_or_fail(e).await?;
                    continue;
                }
            };
            let version = conn.version_of::<JoinGroupRequest>()?;
            let request = JoinGroupRequest::default()
                .with_group_id(str_bytes(&config.group_id).into())
                .with_session_timeout_ms(millis(config.session_timeout))
                .with_rebalance_timeout_ms(millis(config.rebalance_timeout))
                .with_member_id(str_bytes(&self.member_id))
                .with_group_instance_id(None)
                .with_protocol_type(str_bytes(&config.protocol_type))
                .with_protocols(
                    protocols
                        .iter()
                        .map(|p| {
                            JoinGroupRequestProtocol::default()
                                .with_name(str_bytes(&p.name))
                                .with_metadata(p.metadata.clone())
                        })
                        .collect(),
                );
            debug!(group = %config.group_id, member_id = %self.member_id, version, "JoinGroup");
            let response = match conn
                .send_version(&request, version, config.join_timeout())
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    self.retry_or_fail(e).await?;
                    continue;
                }
            };
            self.contact();
            match classify(response.error_code) {
                Action::Proceed => {
                    let outcome = JoinOutcome {
                        generation_id: response.generation_id,
                        member_id: response.member_id.to_string(),
                        leader_id: response.leader.to_string(),
                        protocol_name: response
                            .protocol_name
                            .as_deref()
                            .unwrap_or_default()
                            .to_string(),
                        members: response
                            .members
                            .into_iter()
                            .map(|m| JoinedMember {
                                member_id: m.member_id.to_string(),
                                metadata: m.metadata,
                            })
                            .collect(),
                    };
                    self.member_id = outcome.member_id.clone();
                    self.generation = Some(Generation {
                        id: outcome.generation_id,
                        protocol_name: outcome.protocol_name.clone(),
                    });
                    self.rebalance_signalled = false;
                    self.failures = 0;
                    // Heartbeat while the leader computes assignments: the broker expires
                    // members that stay silent between JoinGroup and SyncGroup.
                    self.next_heartbeat = Instant::now() + config.heartbeat_interval;
                    info!(
                        group = %config.group_id,
                        member_id = %outcome.member_id,
                        generation = outcome.generation_id,
                        leader = outcome.is_leader(),
                        protocol = %outcome.protocol_name,
                        members = outcome.members.len(),
                        "joined group"
                    );
                    return Ok(outcome);
                }
                Action::RejoinWithGivenId => {
                    debug!(group = %config.group_id, member_id = %response.member_id, "member id assigned, joining again with it");
                    self.member_id = response.member_id.to_string();
                }
                Action::ResetMemberIdAndRejoin => {
                    info!(group = %config.group_id, member_id = %self.member_id, "coordinator forgot the member id, joining as a new member");
                    self.member_id.clear();
                }
                Action::Rejoin => {
                    debug!(group = %config.group_id, error = %error_name(response.error_code), "joining again");
                    self.sleep_backoff().await;
                }
                Action::Rediscover => {
                    self.lose_coordinator(&error_name(response.error_code));
                    self.sleep_backoff().await;
                }
                Action::Fatal => {
                    return Err(GroupError::Kafka {
                        api: "JoinGroup",
                        code: response.error_code,
                        message: None,
                    })
                }
            }
        }
    }

    // ------------------------------------------------------------------ SyncGroup

    async fn sync(
        &mut self,
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
    ) -> Result<Bytes, GroupError> {
        let config = self.config.clone();
        let Some(generation) = &self.generation else {
            return Err(GroupError::StaleGeneration {
                requested: generation_id,
                current: "not in a generation (rejoin first)".into(),
            });
        };
        if generation.id != generation_id {
            return Err(GroupError::StaleGeneration {
                requested: generation_id,
                current: format!("in generation {}", generation.id),
            });
        }
        let protocol_name = generation.protocol_name.clone();
        // A heartbeat in flight is harmless, but stop it so it cannot race the outcome.
        self.stop_heartbeat();
        let Some(conn) = self.coordinator.clone().filter(|c| !c.is_failed()) else {
            self.generation = None;
            return Err(GroupError::RejoinNeeded(
                RebalanceReason::CoordinatorChanged,
            ));
        };
        let version = conn.version_of::<SyncGroupRequest>()?;
        let mut request = SyncGroupRequest::default()
            .with_group_id(str_bytes(&config.group_id).into())
            .with_generation_id(generation_id)
            .with_member_id(str_bytes(&self.member_id))
            .with_group_instance_id(None)
            .with_assignments(
                assignments
                    .into_iter()
                    .map(|(member_id, assignment)| {
                        SyncGroupRequestAssignment::default()
                            .with_member_id(StrBytes::from_string(member_id))
                            .with_assignment(assignment)
                    })
                    .collect(),
            );
        if version >= 5 {
            request.protocol_type = Some(str_bytes(&config.protocol_type));
            request.protocol_name = Some(str_bytes(&protocol_name));
        }
        debug!(group = %config.group_id, generation = generation_id, version, assignments = request.assignments.len(), "SyncGroup");
        let response = match conn
            .send_version(&request, version, config.join_timeout())
            .await
        {
            Ok(r) => r,
            Err(e) if e.is_connection_error() => {
                self.lose_coordinator(&e.to_string());
                self.generation = None;
                return Err(GroupError::RejoinNeeded(
                    RebalanceReason::CoordinatorChanged,
                ));
            }
            Err(e) => return Err(e),
        };
        self.contact();
        let reason = match classify(response.error_code) {
            Action::Proceed => {
                self.rebalance_signalled = false;
                self.failures = 0;
                self.next_heartbeat = Instant::now() + config.heartbeat_interval;
                info!(group = %config.group_id, member_id = %self.member_id, generation = generation_id, assignment_bytes = response.assignment.len(), "synced group");
                return Ok(response.assignment);
            }
            Action::Rejoin if response.error_code == codes::REBALANCE_IN_PROGRESS => {
                // Still a member: keep heartbeating until the owner rejoins.
                self.rebalance_signalled = true;
                self.next_heartbeat = Instant::now() + config.heartbeat_interval;
                RebalanceReason::RebalanceInProgress
            }
            Action::Rejoin => {
                self.generation = None;
                RebalanceReason::IllegalGeneration
            }
            Action::ResetMemberIdAndRejoin => {
                self.member_id.clear();
                self.generation = None;
                RebalanceReason::UnknownMemberId
            }
            Action::Rediscover => {
                self.lose_coordinator(&error_name(response.error_code));
                self.generation = None;
                RebalanceReason::CoordinatorChanged
            }
            Action::RejoinWithGivenId | Action::Fatal => {
                return Err(GroupError::Kafka {
                    api: "SyncGroup",
                    code: response.error_code,
                    message: None,
                })
            }
        };
        info!(group = %config.group_id, generation = generation_id, %reason, "sync failed, rejoin needed");
        Err(GroupError::RejoinNeeded(reason))
    }

    // ------------------------------------------------------------------ Heartbeat

    fn start_heartbeat(&mut self) {
        let Some(generation) = &self.generation else {
            return;
        };
        let generation_id = generation.id;
        let config = self.config.clone();
        let coordinator = self.coordinator.clone().filter(|c| !c.is_failed());
        let member_id = self.member_id.clone();
        let first = self.next_bootstrap;
        self.next_bootstrap = self.next_bootstrap.wrapping_add(1);
        self.heartbeat = Some(tokio::spawn(async move {
            let conn = match coordinator {
                Some(c) => c,
                None => match find_coordinator(&config, first).await {
                    Ok(c) => c,
                    Err(e) => {
                        return HeartbeatDone {
                            generation_id,
                            coordinator: None,
                            result: Err(e),
                        }
                    }
                },
            };
            let request = HeartbeatRequest::default()
                .with_group_id(str_bytes(&config.group_id).into())
                .with_generation_id(generation_id)
                .with_member_id(StrBytes::from_string(member_id))
                .with_group_instance_id(None);
            let result = conn
                .send(&request, config.heartbeat_timeout())
                .await
                .map(|r| r.error_code);
            HeartbeatDone {
                generation_id,
                coordinator: Some(conn),
                result,
            }
        }));
    }

    fn stop_heartbeat(&mut self) {
        if let Some(h) = self.heartbeat.take() {
            h.abort();
        }
    }

    fn on_heartbeat(&mut self, done: Result<HeartbeatDone, tokio::task::JoinError>) {
        let done = match done {
            Ok(d) => d,
            Err(e) => {
                warn!(group = %self.config.group_id, error = %e, "heartbeat task failed");
                self.next_heartbeat = Instant::now() + self.next_backoff();
                return;
            }
        };
        let Some(generation) = &self.generation else {
            return;
        };
        if generation.id != done.generation_id {
            return;
        }
        let generation_id = generation.id;
        if done.coordinator.is_some() {
            self.coordinator = done.coordinator;
        }
        let interval = self.config.heartbeat_interval;
        let code = match done.result {
            Ok(code) => code,
            Err(e) => {
                debug!(group = %self.config.group_id, error = %e, "heartbeat failed");
                self.lose_coordinator(&e.to_string());
                self.next_heartbeat = Instant::now() + self.next_backoff().min(interval);
                self.check_unreachable();
                return;
            }
        };
        match classify(code) {
            Action::Proceed => {
                self.contact();
                self.failures = 0;
                self.next_heartbeat = Instant::now() + interval;
            }
            Action::Rejoin if code == codes::REBALANCE_IN_PROGRESS => {
                // Keep heartbeating: the broker keeps the member until the rebalance timeout
                // while the owner gets round to rejoining.
                self.contact();
                self.next_heartbeat = Instant::now() + interval;
                self.signal_rebalance(generation_id, RebalanceReason::RebalanceInProgress);
            }
            Action::Rejoin => {
                self.generation = None;
                self.signal_rebalance(generation_id, RebalanceReason::IllegalGeneration);
            }
            Action::ResetMemberIdAndRejoin => {
                self.member_id.clear();
                self.generation = None;
                self.signal_rebalance(generation_id, RebalanceReason::UnknownMemberId);
            }
            Action::Rediscover => {
                self.lose_coordinator(&error_name(code));
                self.next_heartbeat = Instant::now() + self.next_backoff().min(interval);
                self.check_unreachable();
            }
            Action::RejoinWithGivenId | Action::Fatal => {
                // Nothing to fix here (e.g. GROUP_AUTHORIZATION_FAILED); keep trying at the
                // normal pace so the outage detection still applies.
                warn!(group = %self.config.group_id, error = %error_name(code), "heartbeat rejected");
                self.next_heartbeat = Instant::now() + interval;
                self.check_unreachable();
            }
        }
    }

    fn signal_rebalance(&mut self, generation_id: i32, reason: RebalanceReason) {
        if self.rebalance_signalled {
            return;
        }
        self.rebalance_signalled = true;
        info!(group = %self.config.group_id, member_id = %self.member_id, generation = generation_id, %reason, "rebalance needed");
        let _ = self.events.send(MemberEvent::RebalanceNeeded {
            generation_id,
            reason,
        });
    }

    /// The coordinator answered (any answer): the member is not cut off.
    fn contact(&mut self) {
        self.last_contact = Instant::now();
        if self.unreachable_signalled {
            info!(group = %self.config.group_id, "coordinator reachable again");
            self.unreachable_signalled = false;
        }
    }

    fn check_unreachable(&mut self) {
        let since = self.last_contact;
        if self.unreachable_signalled || since.elapsed() < self.config.session_timeout {
            return;
        }
        self.unreachable_signalled = true;
        warn!(
            group = %self.config.group_id,
            silent_for = ?since.elapsed(),
            "coordinator unreachable for longer than the session timeout"
        );
        let _ = self
            .events
            .send(MemberEvent::CoordinatorUnreachable { since });
    }

    // ------------------------------------------------------------------ LeaveGroup

    async fn leave(&mut self) -> Result<(), GroupError> {
        self.stop_heartbeat();
        self.generation = None;
        if self.member_id.is_empty() {
            return Ok(());
        }
        let config = self.config.clone();
        let conn = match self.coordinator.clone().filter(|c| !c.is_failed()) {
            Some(c) => c,
            None => find_coordinator(&config, self.next_bootstrap).await?,
        };
        let version = conn.version_of::<LeaveGroupRequest>()?;
        let mut request =
            LeaveGroupRequest::default().with_group_id(str_bytes(&config.group_id).into());
        if version >= 3 {
            let mut member = MemberIdentity::default()
                .with_member_id(str_bytes(&self.member_id))
                .with_group_instance_id(None);
            if version >= 5 {
                member.reason = Some(StrBytes::from_static_str("the worker is shutting down"));
            }
            request.members = vec![member];
        } else {
            request.member_id = str_bytes(&self.member_id);
        }
        let response = conn
            .send_version(&request, version, config.connection.request_timeout)
            .await?;
        let code = if response.error_code != codes::NONE {
            response.error_code
        } else {
            response
                .members
                .iter()
                .map(|m| m.error_code)
                .find(|c| *c != codes::NONE)
                .unwrap_or(codes::NONE)
        };
        let member_id = std::mem::take(&mut self.member_id);
        match code {
            // Already gone is as good as left.
            codes::NONE | codes::UNKNOWN_MEMBER_ID => {
                info!(group = %config.group_id, %member_id, "left group");
                Ok(())
            }
            code => Err(GroupError::Kafka {
                api: "LeaveGroup",
                code,
                message: None,
            }),
        }
    }

    // ------------------------------------------------------------------ coordinator

    /// The coordinator connection, found again if lost.
    async fn coordinator(&mut self) -> Result<Connection, GroupError> {
        if let Some(c) = self.coordinator.clone().filter(|c| !c.is_failed()) {
            return Ok(c);
        }
        let first = self.next_bootstrap;
        self.next_bootstrap = self.next_bootstrap.wrapping_add(1);
        let c = find_coordinator(&self.config, first).await?;
        self.coordinator = Some(c.clone());
        Ok(c)
    }

    fn lose_coordinator(&mut self, why: &str) {
        if let Some(c) = self.coordinator.take() {
            info!(group = %self.config.group_id, coordinator = c.addr(), reason = why, "coordinator lost, finding it again");
        }
    }

    /// After a failed join attempt: back off and retry what can be retried.
    async fn retry_or_fail(&mut self, e: GroupError) -> Result<(), GroupError> {
        if !retriable(&e) {
            return Err(e);
        }
        debug!(group = %self.config.group_id, error = %e, "retrying after back-off");
        self.lose_coordinator(&e.to_string());
        self.check_unreachable();
        self.sleep_backoff().await;
        Ok(())
    }

    fn next_backoff(&mut self) -> Duration {
        let d = backoff(
            self.config.retry_backoff,
            self.config.retry_backoff_max,
            self.failures,
        );
        self.failures = self.failures.saturating_add(1);
        d
    }

    async fn sleep_backoff(&mut self) {
        let d = self.next_backoff();
        tokio::time::sleep(d).await;
    }
}

async fn wait(
    h: &mut Option<JoinHandle<HeartbeatDone>>,
) -> Result<HeartbeatDone, tokio::task::JoinError> {
    match h {
        Some(h) => h.await,
        None => std::future::pending().await,
    }
}

/// `base · 2^failures`, capped at `max` (Kafka's `retry.backoff.ms`/`retry.backoff.max.ms`).
fn backoff(base: Duration, max: Duration, failures: u32) -> Duration {
    base.saturating_mul(1u32 << failures.min(16)).min(max)
}

/// Errors a member recovers from by finding the coordinator again.
fn retriable(e: &GroupError) -> bool {
    match e {
        GroupError::Kafka { code, .. } => classify(*code) == Action::Rediscover,
        e => e.is_connection_error(),
    }
}

/// Asks the bootstrap servers in turn, starting at `first`, for the group's coordinator and
/// connects to it. The connection to the bootstrap server is reused when it is the
/// coordinator.
pub(crate) async fn find_coordinator(
    config: &MemberConfig,
    first: usize,
) -> Result<Connection, GroupError> {
    let servers = &config.bootstrap_servers;
    let mut last = None;
    for i in 0..servers.len() {
        let addr = &servers[(first + i) % servers.len()];
        match find_coordinator_via(config, addr).await {
            Ok(c) => return Ok(c),
            Err(e) if retriable(&e) => {
                debug!(bootstrap = %addr, error = %e, "FindCoordinator failed");
                last = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| GroupError::Config("bootstrap.servers is empty".into())))
}

async fn find_coordinator_via(config: &MemberConfig, addr: &str) -> Result<Connection, GroupError> {
    let conn = Connection::open(addr, &config.connection).await?;
    let version = conn.version_of::<FindCoordinatorRequest>()?;
    let group = str_bytes(&config.group_id);
    // key_type 0 = group. v4 (KIP-699) replaced the single key with a batch of keys.
    let mut request = FindCoordinatorRequest::default().with_key_type(0);
    if version >= 4 {
        request.coordinator_keys = vec![group.clone()];
    } else {
        request.key = group.clone();
    }
    let response = conn
        .send_version(&request, version, config.connection.request_timeout)
        .await?;
    let (code, message, host, port) = if version >= 4 {
        let c = response
            .coordinators
            .into_iter()
            .find(|c| c.key == group)
            .ok_or_else(|| GroupError::Protocol {
                addr: addr.to_string(),
                message: "FindCoordinator response without our group".into(),
            })?;
        (c.error_code, c.error_message, c.host, c.port)
    } else {
        (
            response.error_code,
            response.error_message,
            response.host,
            response.port,
        )
    };
    if code != codes::NONE {
        return Err(GroupError::Kafka {
            api: "FindCoordinator",
            code,
            message: message.map(|m| m.to_string()),
        });
    }
    let coordinator = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    if split_host_port(&coordinator).is_none() {
        return Err(GroupError::Protocol {
            addr: addr.to_string(),
            message: format!("FindCoordinator answered a bad address {coordinator:?}"),
        });
    }
    debug!(group = %config.group_id, %coordinator, via = %addr, "coordinator found");
    if coordinator == addr {
        return Ok(conn);
    }
    drop(conn);
    Connection::open(&coordinator, &config.connection).await
}

fn str_bytes(s: &str) -> StrBytes {
    StrBytes::from_string(s.to_string())
}

/// A validated duration in milliseconds (validation caps it at `i32::MAX`).
fn millis(d: Duration) -> i32 {
    i32::try_from(d.as_millis()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        let seq: Vec<_> = (0..6).map(|f| backoff(base, max, f).as_millis()).collect();
        assert_eq!(seq, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff(base, max, u32::MAX), max);
    }

    #[test]
    fn what_the_member_retries() {
        let kafka = |code| GroupError::Kafka {
            api: "FindCoordinator",
            code,
            message: None,
        };
        assert!(retriable(&kafka(15)));
        assert!(retriable(&kafka(16)));
        assert!(retriable(&kafka(14)));
        assert!(!retriable(&kafka(30)));
        assert!(retriable(&GroupError::Disconnected {
            addr: "a".into(),
            reason: "x".into()
        }));
        assert!(!retriable(&GroupError::Authentication {
            addr: "a".into(),
            message: "SASL authentication failed".into()
        }));
    }

    #[test]
    fn reasons_say_whether_the_generation_is_lost() {
        assert!(!RebalanceReason::RebalanceInProgress.generation_lost());
        assert!(!RebalanceReason::CoordinatorChanged.generation_lost());
        assert!(RebalanceReason::IllegalGeneration.generation_lost());
        assert!(RebalanceReason::UnknownMemberId.generation_lost());
    }

    #[test]
    fn leader_is_told_apart() {
        let o = JoinOutcome {
            generation_id: 1,
            member_id: "a".into(),
            leader_id: "a".into(),
            protocol_name: "sessioned".into(),
            members: vec![],
        };
        assert!(o.is_leader());
        assert!(!JoinOutcome {
            leader_id: "b".into(),
            ..o
        }
        .is_leader());
    }
}

/// The member against a scripted fake coordinator, for what a real broker does not do on
/// demand: answer NOT_COORDINATOR or UNKNOWN_MEMBER_ID to a heartbeat, or vanish.
#[cfg(test)]
mod fake_coordinator_tests {
    use std::collections::VecDeque;

    use kafka_protocol::messages::api_versions_response::ApiVersion;
    use kafka_protocol::messages::find_coordinator_response::Coordinator;
    use kafka_protocol::messages::join_group_response::JoinGroupResponseMember;
    use kafka_protocol::messages::{
        ApiKey, ApiVersionsResponse, FindCoordinatorResponse, HeartbeatResponse, JoinGroupResponse,
        LeaveGroupResponse, SyncGroupResponse,
    };
    use kafka_protocol::protocol::Decodable;
    use tokio::net::{TcpListener, TcpStream};
    use tokio::task::JoinSet;

    use super::super::connection::tests::{read_request, write_response};
    use super::*;

    #[derive(Default)]
    struct Script {
        /// Error codes for the next heartbeats; 0 once empty.
        heartbeats: VecDeque<i16>,
        /// (api, member id) of each group request, in order.
        log: Vec<(ApiKey, String)>,
        generation: i32,
    }

    struct Fake {
        addr: String,
        script: Arc<std::sync::Mutex<Script>>,
        server: JoinHandle<()>,
    }

    impl Fake {
        async fn start() -> Fake {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap().to_string();
            let script: Arc<std::sync::Mutex<Script>> = Arc::default();
            let (s, a) = (script.clone(), addr.clone());
            let server = tokio::spawn(async move {
                // Dropping the set (when the server is aborted) closes every connection.
                let mut connections = JoinSet::new();
                loop {
                    let (stream, _) = listener.accept().await.unwrap();
                    connections.spawn(serve(stream, a.clone(), s.clone()));
                }
            });
            Fake {
                addr,
                script,
                server,
            }
        }

        fn log(&self) -> Vec<(ApiKey, String)> {
            self.script.lock().unwrap().log.clone()
        }

        fn count(&self, api: ApiKey) -> usize {
            self.log().iter().filter(|(a, _)| *a == api).count()
        }
    }

    async fn serve(mut s: TcpStream, addr: String, script: Arc<std::sync::Mutex<Script>>) {
        while let Some(r) = read_request(&mut s).await {
            let (v, cid, mut body) = (r.version, r.correlation_id, r.body.clone());
            match r.api {
                ApiKey::ApiVersions => {
                    let keys = [
                        (ApiKey::ApiVersions, 4),
                        (ApiKey::FindCoordinator, 6),
                        (ApiKey::JoinGroup, 9),
                        (ApiKey::SyncGroup, 5),
                        (ApiKey::Heartbeat, 4),
                        (ApiKey::LeaveGroup, 5),
                    ]
                    .map(|(k, max)| {
                        ApiVersion::default()
                            .with_api_key(k as i16)
                            .with_max_version(max)
                    });
                    let resp = ApiVersionsResponse::default().with_api_keys(keys.to_vec());
                    write_response(&mut s, r.api, v, cid, &resp).await;
                }
                ApiKey::FindCoordinator => {
                    script.lock().unwrap().log.push((r.api, String::new()));
                    let (host, port) = addr.rsplit_once(':').unwrap();
                    let c = Coordinator::default()
                        .with_key(StrBytes::from_static_str("g"))
                        .with_host(StrBytes::from_string(host.into()))
                        .with_port(port.parse().unwrap());
                    let resp = FindCoordinatorResponse::default().with_coordinators(vec![c]);
                    write_response(&mut s, r.api, v, cid, &resp).await;
                }
                ApiKey::JoinGroup => {
                    let req = JoinGroupRequest::decode(&mut body, v).unwrap();
                    let member = req.member_id.to_string();
                    let resp = {
                        let mut sc = script.lock().unwrap();
                        sc.log.push((r.api, member.clone()));
                        if member.is_empty() {
                            JoinGroupResponse::default()
                                .with_error_code(codes::MEMBER_ID_REQUIRED)
                                .with_member_id(StrBytes::from_static_str("m-1"))
                        } else {
                            sc.generation += 1;
                            let p = &req.protocols[0];
                            JoinGroupResponse::default()
                                .with_generation_id(sc.generation)
                                .with_protocol_type(Some(req.protocol_type.clone()))
                                .with_protocol_name(Some(p.name.clone()))
                                .with_leader(req.member_id.clone())
                                .with_member_id(req.member_id.clone())
                                .with_members(vec![JoinGroupResponseMember::default()
                                    .with_member_id(req.member_id.clone())
                                    .with_metadata(p.metadata.clone())])
                        }
                    };
                    write_response(&mut s, r.api, v, cid, &resp).await;
                }
                ApiKey::SyncGroup => {
                    let req = SyncGroupRequest::decode(&mut body, v).unwrap();
                    script
                        .lock()
                        .unwrap()
                        .log
                        .push((r.api, req.member_id.to_string()));
                    let mine = req
                        .assignments
                        .iter()
                        .find(|a| a.member_id == req.member_id)
                        .map(|a| a.assignment.clone())
                        .unwrap_or_default();
                    let resp = SyncGroupResponse::default()
                        .with_protocol_type(req.protocol_type)
                        .with_protocol_name(req.protocol_name)
                        .with_assignment(mine);
                    write_response(&mut s, r.api, v, cid, &resp).await;
                }
                ApiKey::Heartbeat => {
                    let req = HeartbeatRequest::decode(&mut body, v).unwrap();
                    let code = {
                        let mut sc = script.lock().unwrap();
                        sc.log.push((r.api, req.member_id.to_string()));
                        sc.heartbeats.pop_front().unwrap_or(0)
                    };
                    let resp = HeartbeatResponse::default().with_error_code(code);
                    write_response(&mut s, r.api, v, cid, &resp).await;
                    if code == codes::NOT_COORDINATOR {
                        // As a broker that lost the group: the member must come back via
                        // FindCoordinator.
                        return;
                    }
                }
                ApiKey::LeaveGroup => {
                    script.lock().unwrap().log.push((r.api, String::new()));
                    write_response(&mut s, r.api, v, cid, &LeaveGroupResponse::default()).await;
                }
                other => panic!("fake coordinator got {other:?}"),
            }
        }
    }

    fn config(fake: &Fake) -> MemberConfig {
        let mut c = MemberConfig::new(&fake.addr, "g");
        c.session_timeout = Duration::from_millis(1_000);
        c.heartbeat_interval = Duration::from_millis(100);
        c.retry_backoff = Duration::from_millis(20);
        c.retry_backoff_max = Duration::from_millis(100);
        c
    }

    async fn join_and_sync(member: &GroupMember) -> JoinOutcome {
        let joined = member
            .rejoin(vec![Protocol::new("sessioned", &b"meta"[..])])
            .await
            .unwrap();
        let mine = member
            .sync(
                joined.generation_id,
                vec![(joined.member_id.clone(), Bytes::from_static(b"mine"))],
            )
            .await
            .unwrap();
        assert_eq!(mine, Bytes::from_static(b"mine"));
        joined
    }

    #[tokio::test]
    async fn member_id_required_then_join_with_the_given_id() {
        let fake = Fake::start().await;
        let (member, _events) = GroupMember::start(config(&fake)).unwrap();
        let joined = join_and_sync(&member).await;
        assert_eq!(joined.member_id, "m-1");
        assert!(joined.is_leader());
        assert_eq!(joined.members[0].metadata, Bytes::from_static(b"meta"));
        let joins: Vec<_> = fake
            .log()
            .into_iter()
            .filter(|(a, _)| *a == ApiKey::JoinGroup)
            .map(|(_, m)| m)
            .collect();
        assert_eq!(joins, ["", "m-1"]);
        // A stale generation is refused before anything is sent.
        assert!(matches!(
            member.sync(joined.generation_id + 1, vec![]).await,
            Err(GroupError::StaleGeneration { .. })
        ));
        member.leave().await.unwrap();
        assert_eq!(fake.count(ApiKey::LeaveGroup), 1);
    }

    #[tokio::test]
    async fn not_coordinator_on_heartbeat_rediscovers_without_bothering_the_owner() {
        let fake = Fake::start().await;
        let (member, mut events) = GroupMember::start(config(&fake)).unwrap();
        join_and_sync(&member).await;
        assert_eq!(fake.count(ApiKey::FindCoordinator), 1);
        fake.script
            .lock()
            .unwrap()
            .heartbeats
            .extend([codes::NOT_COORDINATOR, codes::COORDINATOR_LOAD_IN_PROGRESS]);
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert!(fake.count(ApiKey::FindCoordinator) >= 2, "{:?}", fake.log());
        let before = fake.count(ApiKey::Heartbeat);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(fake.count(ApiKey::Heartbeat) > before, "heartbeats resumed");
        assert!(
            events.try_recv().is_err(),
            "no event for a coordinator move"
        );
        member.leave().await.unwrap();
    }

    #[tokio::test]
    async fn unknown_member_id_on_heartbeat_asks_for_a_rejoin_as_a_new_member() {
        let fake = Fake::start().await;
        let (member, mut events) = GroupMember::start(config(&fake)).unwrap();
        let first = join_and_sync(&member).await;
        fake.script
            .lock()
            .unwrap()
            .heartbeats
            .push_back(codes::UNKNOWN_MEMBER_ID);
        let event = tokio::time::timeout(Duration::from_secs(2), events.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            event,
            MemberEvent::RebalanceNeeded {
                generation_id: first.generation_id,
                reason: RebalanceReason::UnknownMemberId
            }
        );
        // Heartbeats stopped: the generation is gone.
        let beats = fake.count(ApiKey::Heartbeat);
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(fake.count(ApiKey::Heartbeat), beats);
        join_and_sync(&member).await;
        let joins: Vec<_> = fake
            .log()
            .into_iter()
            .filter(|(a, _)| *a == ApiKey::JoinGroup)
            .map(|(_, m)| m)
            .collect();
        assert_eq!(joins, ["", "m-1", "", "m-1"], "rejoined with no member id");
        member.leave().await.unwrap();
    }

    #[tokio::test]
    async fn a_vanished_coordinator_is_reported_after_the_session_timeout() {
        let fake = Fake::start().await;
        let (member, mut events) = GroupMember::start(config(&fake)).unwrap();
        join_and_sync(&member).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let gone = Instant::now();
        fake.server.abort();
        let event = tokio::time::timeout(Duration::from_secs(3), events.recv())
            .await
            .expect("CoordinatorUnreachable within the session timeout and a bit")
            .unwrap();
        let MemberEvent::CoordinatorUnreachable { since } = event else {
            panic!("unexpected {event:?}");
        };
        assert!(since <= gone, "since is the last answer before the outage");
        assert!(
            gone.elapsed() >= Duration::from_millis(700),
            "not before the session timeout"
        );
        // Only once per outage.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert!(events.try_recv().is_err());
        member.abandon();
    }

    #[tokio::test]
    async fn a_cancelled_rejoin_gives_up_and_reports_the_outage() {
        // Nothing listens on this port.
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut c = MemberConfig::new(&format!("127.0.0.1:{port}"), "g");
        c.session_timeout = Duration::from_millis(500);
        c.heartbeat_interval = Duration::from_millis(100);
        let (member, mut events) = GroupMember::start(c).unwrap();
        let r = tokio::time::timeout(
            Duration::from_secs(1),
            member.rejoin(vec![Protocol::new("default", Bytes::new())]),
        )
        .await;
        assert!(r.is_err(), "rejoin keeps trying while nothing answers");
        assert!(matches!(
            events.try_recv(),
            Ok(MemberEvent::CoordinatorUnreachable { .. })
        ));
        // The member still takes commands after the abandoned attempt.
        assert!(matches!(
            member.sync(1, vec![]).await,
            Err(GroupError::StaleGeneration { .. })
        ));
        member.leave().await.unwrap();
    }
}
