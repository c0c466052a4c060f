//! Distributed mode: a cluster of workers coordinated by Kafka (`polyconnect distributed
//! worker.properties`), in Kafka Connect's own formats.
//!
//! - `herder.rs`: the membership loop (join, assign when leading, reconcile with the config
//!   topic, stop and start work), on `polyconnect_group`'s member and assignor.
//! - `executor.rs`: runs what the group assigns to this worker: connector instances, whose
//!   task configs go to the config topic, and tasks, with their configs from it.
//! - this file: the [`Cluster`] (the three Kafka-backed stores and the herder's state),
//!   the REST operations as a distributed worker serves them, and [`run`], the boot.
//!
//! REST requests change the cluster by writing to the config topic; every worker reads it
//! and the group's assignment decides who runs what. Statuses are written to the status
//! topic by whoever runs the item and read from it by every worker, so any worker answers
//! `GET /connectors/{c}/status` for the whole cluster.

pub mod executor;
pub mod forward;
pub mod herder;
pub mod rest_herder;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use polyconnect_group::records::{RawConfig, Status, StatusState};
use polyconnect_group::{ConnectorTaskId, MemberConfig};
use tokio::sync::{mpsc, watch};

use crate::config::distributed::DistributedConfig;
use crate::config::{Props, WorkerConfig};
use crate::plugin::PluginType;
use crate::storage::configs::TargetState;
use crate::storage::kafka_configs::{from_stored_state, KafkaConfigStore};
use crate::storage::kafka_log::{base_client_config, TopicSpec};
use crate::storage::kafka_offsets::KafkaOffsetStore;
use crate::storage::kafka_status::KafkaStatusStore;
use crate::storage::status::{ConnectorStatus, State, StateInfo, StatusEvent, TaskStatus};
use crate::worker::{ConnectorInfo, HerderError, Worker};
use herder::{Herder, HerderConfig, HerderStatus};

/// How often a worker reads the config and status topics for other workers' writes.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);
/// How long creating a connector waits for its task configs, so the answer lists its tasks.
const TASKS_WAIT: Duration = Duration::from_secs(10);

/// A worker's view of its cluster.
pub struct Cluster {
    pub distributed: DistributedConfig,
    /// This worker's advertised REST URL.
    pub url: String,
    pub configs: Arc<KafkaConfigStore>,
    pub statuses: Arc<KafkaStatusStore>,
    pub offsets: Arc<KafkaOffsetStore>,
    /// The generation statuses are written with (the last completed rebalance's).
    generation: Arc<AtomicI32>,
    herder: std::sync::OnceLock<watch::Receiver<HerderStatus>>,
    executor: std::sync::OnceLock<std::sync::Weak<executor::WorkerExecutor>>,
    pub(crate) http: reqwest::Client,
    /// Serializes the leader's writes of target states and task configs, so task configs
    /// never land after a STOPPED target state.
    task_writes: tokio::sync::Mutex<()>,
    /// Per connector: lets one task-configs hand-over attempt through at a time, so an
    /// abandoned hand-over's last attempt never lands after a newer one's.
    publish_gates: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Per connector: one round of zombie fencing at a time.
    fencing_gates: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The Kafka clients' common settings (bootstrap, security): fencing producers.
    kafka: rdkafka::ClientConfig,
    /// The worker's offsets topic's settings and its clients' id prefix: connectors' own
    /// offsets topics (`offsets.storage.topic`) are made and read alike.
    offsets_spec: crate::storage::kafka_log::TopicSpec,
    client_id: String,
    connector_offsets: tokio::sync::Mutex<HashMap<String, Arc<KafkaOffsetStore>>>,
}

pub(crate) fn to_raw(props: &Props) -> RawConfig {
    props
        .iter()
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect()
}

pub(crate) fn from_raw(raw: &RawConfig) -> Props {
    raw.iter()
        .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
        .collect()
}

fn state_of(s: StatusState) -> State {
    match s {
        StatusState::Unassigned | StatusState::Destroyed => State::Unassigned,
        StatusState::Running => State::Running,
        StatusState::Paused => State::Paused,
        StatusState::Stopped => State::Stopped,
        StatusState::Failed => State::Failed,
        StatusState::Restarting => State::Restarting,
    }
}

fn status_state(s: State) -> StatusState {
    match s {
        State::Unassigned => StatusState::Unassigned,
        State::Running => StatusState::Running,
        State::Paused => StatusState::Paused,
        State::Stopped => StatusState::Stopped,
        State::Failed => StatusState::Failed,
        State::Restarting => StatusState::Restarting,
    }
}

fn info_of(s: &Status) -> StateInfo {
    StateInfo {
        state: state_of(s.state),
        worker_id: s.worker_id.clone(),
        version: s.version.clone(),
        trace: s.trace.clone(),
    }
}

/// Milliseconds since the epoch, as Kafka Connect's records carry them.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn internal(what: &str, e: impl std::fmt::Display) -> HerderError {
    HerderError::Internal(format!("{what}: {e}"))
}

impl Cluster {
    /// The herder's state (a default one before it started).
    pub fn herder_status(&self) -> HerderStatus {
        self.herder
            .get()
            .map(|h| h.borrow().clone())
            .unwrap_or_default()
    }

    pub(crate) fn herder_watch(&self) -> Option<watch::Receiver<HerderStatus>> {
        self.herder.get().cloned()
    }

    /// Hands a connector's task configs to the leader, which writes them to the config
    /// topic (Kafka Connect's `POST /connectors/{c}/tasks`, signed), or writes them itself
    /// when this worker leads. `${...}` references of the connector's config are put back
    /// first. Retried (a rebalance, a session key being rotated) until it succeeds or is
    /// `abandoned` (newer task configs, or the connector stopped here): an attempt under
    /// way is never cut short (a write to the config topic reads it back), and attempts for
    /// one connector go one at a time.
    pub(crate) async fn publish_task_configs(
        &self,
        name: &str,
        mut tasks: Vec<Props>,
        abandoned: Arc<AtomicBool>,
    ) -> Result<(), String> {
        if self.is_stopped(name) {
            tracing::info!(
                connector = name,
                "not writing task configs: the connector is STOPPED"
            );
            return Ok(());
        }
        if let Some(connector) = self.configs.get(name) {
            forward::restore_references(&connector.config, &mut tasks);
        }
        // Kafka Connect's workers add `task.class` to every task config; a connector that
        // Kafka Connect ran keeps it, so the configs read the same to both runtimes and are
        // not rewritten only for it.
        let current: Vec<Props> = self
            .configs
            .task_configs(name)
            .iter()
            .map(|(_, c)| from_raw(c))
            .collect();
        // A connector Kafka Connect never ran gets the task class Kafka Connect's own
        // connector of that class name has, where it is known, so a Kafka Connect worker of
        // the group can run its tasks ("Missing required configuration task.class" else).
        let task_class = current
            .iter()
            .find_map(|c| c.get("task.class").cloned())
            .or_else(|| {
                let class = self
                    .configs
                    .get(name)?
                    .config
                    .get("connector.class")?
                    .clone();
                kafka_connect_task_class(&class).map(str::to_string)
            });
        if let Some(class) = task_class {
            for t in tasks.iter_mut() {
                t.entry("task.class".to_string())
                    .or_insert_with(|| class.clone());
            }
        }
        if current == tasks {
            return Ok(());
        }
        let gate = self
            .publish_gates
            .lock()
            .unwrap()
            .entry(name.to_string())
            .or_default()
            .clone();
        let mut delay = Duration::from_millis(100);
        let mut failing_since: Option<tokio::time::Instant> = None;
        loop {
            let turn = gate.lock().await;
            if abandoned.load(Ordering::SeqCst) {
                return Ok(());
            }
            let result = self.try_publish(name, &tasks).await;
            drop(turn);
            let Err(e) = result else { return Ok(()) };
            // As Kafka Connect does, tried again until it succeeds or is abandoned: while
            // connectors are being created one after another the group may rebalance for
            // minutes. A rebalance's end is waited for, so the attempt lands in the gap.
            let since = *failing_since.get_or_insert_with(tokio::time::Instant::now);
            if since.elapsed() < Duration::from_secs(60) {
                tracing::warn!(connector = name, error = %e, "cannot hand the task configs to the leader yet; trying again");
            } else {
                tracing::error!(connector = name, error = %e, waiting = ?since.elapsed(), "cannot hand the task configs to the leader; trying again");
            }
            let waiting_for_rebalance = self.herder_status().rebalancing;
            match self.herder.get().cloned() {
                Some(mut status) if waiting_for_rebalance => {
                    let _ = tokio::time::timeout(
                        delay,
                        status.wait_for(|s| !s.rebalancing && !s.leader_url.is_empty()),
                    )
                    .await;
                    // The group's state settles (the leader's own view of it) first.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                _ => tokio::time::sleep(delay).await,
            }
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    async fn try_publish(&self, name: &str, tasks: &[Props]) -> Result<(), String> {
        let status = self.herder_status();
        if status.is_leader && !status.rebalancing {
            return self
                .write_task_configs(name, tasks.iter().map(to_raw).collect())
                .await
                .map_err(|e| e.to_string());
        }
        if status.leader_url.is_empty() || status.rebalancing {
            return Err("the group is rebalancing; no leader to hand the task configs to".into());
        }
        let body = serde_json::to_vec(tasks).map_err(|e| e.to_string())?;
        let url = format!(
            "{}/connectors/{name}/tasks?forward=true",
            status.leader_url.trim_end_matches('/')
        );
        let mut request = self
            .http
            .post(&url)
            .timeout(Duration::from_secs(30))
            .header("content-type", "application/json");
        if let Some(key) = self.configs.snapshot().session_key() {
            let algorithm = &self.distributed.inter_worker_signature_algorithm;
            let signature = forward::sign(algorithm, &key.key, &body)?;
            request = request
                .header(forward::SIGNATURE_HEADER, signature)
                .header(forward::ALGORITHM_HEADER, algorithm.as_str());
        }
        let answer = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if answer.status().is_success() {
            Ok(())
        } else {
            let code = answer.status();
            Err(format!(
                "{url} answered {code}: {}",
                answer.text().await.unwrap_or_default()
            ))
        }
    }

    fn is_stopped(&self, name: &str) -> bool {
        self.configs.snapshot().target_state(name)
            == Some(polyconnect_group::records::TargetState::Stopped)
    }

    /// The leader's write of a connector's task configs (its own connector's, or handed up
    /// by another worker). A STOPPED connector has no tasks: configs that a connector
    /// generated just before it was stopped are dropped, never written after the stop.
    pub(crate) async fn write_task_configs(
        &self,
        name: &str,
        tasks: Vec<RawConfig>,
    ) -> Result<(), crate::storage::kafka_log::KafkaLogError> {
        let _writes = self.task_writes.lock().await;
        if self.is_stopped(name) && !tasks.is_empty() {
            tracing::info!(
                connector = name,
                "dropping task configs that arrived after the connector was STOPPED"
            );
            return Ok(());
        }
        self.configs.put_task_configs(name, tasks).await
    }

    /// True only when the connector is known to be a sink (sinks have no fencing).
    async fn is_sink(&self, name: &str) -> bool {
        match self.executor.get().and_then(|e| e.upgrade()) {
            Some(exec) => exec.is_sink(name).await,
            None => false,
        }
    }

    /// The leader's round of zombie fencing for a source connector (Kafka Connect's
    /// `fenceZombieSourceTasks`, KIP-618), asked for by every exactly-once task before its
    /// producer starts (`PUT /connectors/{c}/fence` from other workers). Only when the
    /// connector's latest task configs came after its latest `tasks-fencing-` record is
    /// anything done: the transactional ids of the generation that record counted are
    /// taken over by producers of the leader's (`init_transactions` bumps each id's epoch,
    /// so a zombie's next write or commit is refused, and its open transaction is aborted;
    /// librdkafka has no `fenceProducers` admin call, this is what that call does), skipped
    /// when there was no record (no transactional producer ever ran) or one task before and
    /// after (the new task's own producer fences the old one); then the record is written
    /// with the current task count. Rounds for one connector go one at a time, and a round
    /// finding the record already written does nothing.
    pub(crate) async fn fence_zombie_source_tasks(&self, name: &str) -> Result<(), HerderError> {
        let status = self.herder_status();
        if !status.is_leader || status.rebalancing {
            return Err(HerderError::NotLeader {
                message: "Only the leader may perform zombie fencing.".into(),
                leader_url: (!status.leader_url.is_empty()).then(|| status.leader_url.clone()),
            });
        }
        let gate = self
            .fencing_gates
            .lock()
            .unwrap()
            .entry(name.to_string())
            .or_default()
            .clone();
        let _turn = gate.lock().await;
        self.configs.refresh().await.map_err(|e| {
            internal(
                "Failed to read to end of config topic before performing zombie fencing",
                e,
            )
        })?;
        let snapshot = self.configs.snapshot();
        if !snapshot.contains(name) {
            return Err(HerderError::connector_not_found(name));
        }
        if self.is_sink(name).await {
            return Err(HerderError::Invalid(format!(
                "Connector {name} is not a source connector"
            )));
        }
        if !snapshot.pending_fencing(name) {
            tracing::debug!(
                connector = name,
                "no zombie fencing: every older generation of tasks is fenced already"
            );
            return Ok(());
        }
        let task_count = snapshot.task_count(name).unwrap_or(0);
        let generation = snapshot.task_config_generation(name);
        let to_fence = match snapshot.fencing_task_count(name) {
            Some(previous) if previous != 1 || task_count != 1 => previous,
            _ => 0,
        };
        let topic = self.distributed.config_storage_topic.clone();
        let kafka_err = |message: String| {
            internal(
                "Failed to perform round of zombie fencing",
                crate::storage::kafka_log::KafkaLogError::Kafka {
                    topic: topic.clone(),
                    message,
                },
            )
        };
        for task in 0..to_fence {
            let id = crate::worker::transactional_id(&self.distributed.group_id, name, task);
            let mut cfg = self.kafka.clone();
            cfg.set("transactional.id", &id)
                .set("client.id", format!("connector-fencing-{id}"));
            let fenced = tokio::task::spawn_blocking(move || -> Result<(), String> {
                use rdkafka::producer::Producer;
                let producer: rdkafka::producer::BaseProducer =
                    cfg.create().map_err(|e| e.to_string())?;
                producer
                    .init_transactions(Duration::from_secs(60))
                    .map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
            if let Err(e) = fenced {
                return Err(kafka_err(format!(
                    "cannot fence the producer {id} of an older generation of {name}'s tasks: {e}"
                )));
            }
        }
        self.configs
            .refresh()
            .await
            .map_err(|e| internal("Failed to read to end of config topic", e))?;
        if self.configs.snapshot().task_config_generation(name) > generation {
            return Err(HerderError::Rebalancing(
                "Fencing failed because new task configurations were generated for the connector"
                    .into(),
            ));
        }
        tracing::info!(
            connector = name,
            fenced = to_fence,
            task_count,
            "zombie fencing: the older generations' producers are fenced; writing the task count record"
        );
        self.configs
            .put_fencing(name, task_count)
            .await
            .map_err(|e| internal("Failed to write to config topic; this may be due to a transient error and the request can be safely retried", e))
    }

    /// What an exactly-once source task asks before its producer starts: a round of zombie
    /// fencing by the leader, this worker's own or, signed, `PUT /connectors/{c}/fence` on
    /// the leader's REST API. Tried again (a rebalance, a session key being rotated) for up
    /// to a minute.
    pub(crate) async fn request_zombie_fencing(&self, name: &str) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let mut delay = Duration::from_millis(100);
        loop {
            let status = self.herder_status();
            let attempt = if status.rebalancing || status.leader_url.is_empty() {
                Err("the group is rebalancing; no leader to ask for zombie fencing".to_string())
            } else if status.is_leader {
                self.fence_zombie_source_tasks(name)
                    .await
                    .map_err(|e| e.to_string())
            } else {
                self.forward_fencing(&status.leader_url, name).await
            };
            match attempt {
                Ok(()) => {
                    tracing::info!(
                        connector = name,
                        leader = %status.leader_url,
                        "the leader's round of zombie fencing for the connector is done"
                    );
                    return Ok(());
                }
                Err(e) if tokio::time::Instant::now() < deadline => {
                    tracing::warn!(connector = name, error = %e, "zombie fencing not done yet; asking again");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(format!("Failed to perform round of zombie fencing: {e}")),
            }
        }
    }

    async fn forward_fencing(&self, leader_url: &str, name: &str) -> Result<(), String> {
        let url = format!(
            "{}/connectors/{name}/fence?forward=true",
            leader_url.trim_end_matches('/'),
        );
        let mut request = self.http.put(&url).timeout(Duration::from_secs(90));
        if let Some(key) = self.configs.snapshot().session_key() {
            // Kafka Connect signs the empty body of this request.
            let algorithm = &self.distributed.inter_worker_signature_algorithm;
            let signature = forward::sign(algorithm, &key.key, b"")?;
            request = request
                .header(forward::SIGNATURE_HEADER, signature)
                .header(forward::ALGORITHM_HEADER, algorithm.as_str());
        }
        let answer = request.send().await.map_err(|e| format!("{url}: {e}"))?;
        if answer.status().is_success() {
            Ok(())
        } else {
            let code = answer.status();
            Err(format!(
                "{url} answered {code}: {}",
                answer.text().await.unwrap_or_default()
            ))
        }
    }

    /// After an exactly-once task's producer is initialized (Kafka Connect's
    /// `verifyTaskGenerationAndOwnership`): the config topic read to its end still has the
    /// task configs the task started with, and the task is still assigned here.
    pub(crate) async fn verify_task_generation(
        &self,
        id: &ConnectorTaskId,
        generation: u64,
    ) -> Result<(), String> {
        self.configs
            .refresh()
            .await
            .map_err(|e| format!("Failed to read to end of config topic: {e}"))?;
        if self
            .configs
            .snapshot()
            .task_config_generation(&id.connector)
            != generation
        {
            return Err(format!("Cannot start source task {id} with exactly-once support as the connector has already generated a new set of task configs"));
        }
        // The herder publishes what it runs right after starting it: a moment's wait.
        let assigned = match self.herder_watch() {
            Some(mut status) => tokio::time::timeout(
                Duration::from_secs(5),
                status.wait_for(|s| s.running.tasks.contains(id)),
            )
            .await
            .is_ok_and(|r| r.is_ok()),
            None => false,
        };
        if !assigned {
            return Err(format!(
                "Cannot start source task {id} as it has already been revoked from this worker"
            ));
        }
        Ok(())
    }

    /// The leader's write privileges on the config topic with exactly-once source support
    /// `preparing` or `enabled` (Kafka Connect's transactional leader): claimed when this
    /// worker becomes the leader, given up when it no longer is.
    pub(crate) async fn leader_write_privileges(&self, leader: bool) {
        use crate::config::distributed::ExactlyOnceSourceSupport;
        if self.distributed.exactly_once_source_support == ExactlyOnceSourceSupport::Disabled {
            return;
        }
        if !leader {
            self.configs.relinquish_write_privileges().await;
            return;
        }
        let id = format!("connect-cluster-{}", self.distributed.group_id);
        match self
            .configs
            .claim_write_privileges(&self.kafka, &id, &format!("{}-leader", self.client_id))
            .await
        {
            Ok(()) => {
                tracing::info!(transactional_id = %id, "claimed the config topic's write privileges as the leader; an earlier leader's producer is fenced")
            }
            Err(e) => {
                tracing::error!(transactional_id = %id, error = %e, "cannot claim the config topic's write privileges yet; the next write tries again")
            }
        }
    }

    /// The store of a connector's own offsets topic (`offsets.storage.topic`), created
    /// and read to its end on first use, then shared by the connector's tasks here.
    pub(crate) async fn connector_offset_store(
        &self,
        topic: &str,
    ) -> Result<Arc<KafkaOffsetStore>, String> {
        let mut stores = self.connector_offsets.lock().await;
        if let Some(s) = stores.get(topic) {
            return Ok(s.clone());
        }
        let mut spec = self.offsets_spec.clone();
        spec.name = topic.to_string();
        spec.setting = "offsets.storage.topic";
        let store =
            KafkaOffsetStore::start(&self.kafka, &spec, &format!("{}-{topic}", self.client_id))
                .await
                .map_err(|e| format!("the connector's offsets topic {topic}: {e}"))?;
        // The worker's topic is the secondary store, as in Kafka Connect's
        // `ConnectorOffsetBackingStore.withConnectorAndWorkerStores`.
        store.cached().set_secondary(self.offsets.topic_writer());
        let store = Arc::new(store);
        stores.insert(topic.to_string(), store.clone());
        Ok(store)
    }

    /// A connector's own offsets topic (`offsets.storage.topic`, set and not the worker's).
    /// Its tasks, at least once or exactly once, resume from it, the worker's topic filling
    /// in what it lacks, and write to it, the worker's topic getting a copy (Kafka Connect
    /// uses a connector's own topic in distributed mode only, as here: a standalone worker
    /// ignores the setting).
    pub(crate) fn own_offsets_topic(&self, raw: &Props) -> Option<String> {
        raw.get("offsets.storage.topic")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && *t != self.distributed.offset_storage_topic)
    }

    /// The offsets a source connector's tasks resume from, read to their end: with its own
    /// offsets topic, that topic's, the worker's filling in what it lacks; the worker's
    /// otherwise.
    pub(crate) async fn source_offsets(
        &self,
        name: &str,
        raw: &Props,
    ) -> Result<Arc<crate::storage::offsets::OffsetStore>, HerderError> {
        self.refresh_offsets().await?;
        let Some(topic) = self.own_offsets_topic(raw) else {
            return Ok(self.offsets.shared());
        };
        let own = self
            .connector_offset_store(&topic)
            .await
            .map_err(HerderError::Internal)?;
        own.refresh()
            .await
            .map_err(|e| internal("cannot read the connector's offsets topic", e))?;
        own.cached().fill_missing_from(self.offsets.cached(), name);
        Ok(own.shared())
    }

    /// How an exactly-once source connector's altered or reset offsets are written (its
    /// tasks fenced already): in one transaction of task 0's transactional id, whose
    /// `init_transactions` fences that task's producer once more, into the topic its tasks
    /// resume from; with its own offsets topic, the worker's topic gets the same records,
    /// resets before and offsets after (as Kafka Connect's `ConnectorOffsetBackingStore`
    /// writes both), so a reset partition is not filled in again from it.
    pub(crate) fn exactly_once_offsets_writer(
        self: &Arc<Self>,
        name: &str,
        raw: &Props,
    ) -> crate::herder::offsets::SourceOffsetsWriter {
        let cluster = self.clone();
        let name = name.to_string();
        let own_topic = self.own_offsets_topic(raw);
        Box::new(move |entries| {
            Box::pin(async move {
                let topic = own_topic
                    .clone()
                    .unwrap_or_else(|| cluster.distributed.offset_storage_topic.clone());
                let encoded = cluster
                    .offsets
                    .cached()
                    .encode_entries(&name, entries.clone())
                    .map_err(|e| e.to_string())?;
                let records: Vec<(String, Option<Vec<u8>>)> = encoded
                    .into_iter()
                    .map(|(k, v)| (k, v.map(String::into_bytes)))
                    .collect();
                if own_topic.is_some() {
                    // Resets reach the worker's topic first, so a reset partition is not
                    // filled in again from it (Kafka Connect's `ChainedOffsetWriteFuture`).
                    let resets: Vec<_> = entries
                        .iter()
                        .filter(|(_, o)| o.is_none())
                        .cloned()
                        .collect();
                    if !resets.is_empty() {
                        cluster
                            .offsets
                            .cached()
                            .put_and_flush(&name, resets)
                            .map_err(|e| e.to_string())?;
                    }
                }
                let id = crate::worker::transactional_id(&cluster.distributed.group_id, &name, 0);
                let writer = crate::storage::kafka_log::TransactionalWriter::start(
                    &cluster.kafka,
                    &topic,
                    &id,
                    &format!("{}-offsets-{name}", cluster.client_id),
                )
                .await
                .map_err(|e| e.to_string())?;
                writer.send(&records).await.map_err(|e| e.to_string())?;
                match own_topic {
                    Some(own) => {
                        let offsets: Vec<_> =
                            entries.into_iter().filter(|(_, o)| o.is_some()).collect();
                        if !offsets.is_empty() {
                            cluster
                                .offsets
                                .cached()
                                .put_and_flush(&name, offsets)
                                .map_err(|e| e.to_string())?;
                        }
                        let store = cluster.connector_offset_store(&own).await?;
                        store.refresh().await.map_err(|e| e.to_string())?;
                    }
                    None => {
                        cluster.offsets.refresh().await.map_err(|e| e.to_string())?;
                    }
                }
                Ok(())
            })
        })
    }

    /// `exactly.once.source.support=enabled`: source tasks run in transactions (KIP-618).
    pub(crate) fn exactly_once_enabled(&self) -> bool {
        self.distributed.exactly_once_source_support
            == crate::config::distributed::ExactlyOnceSourceSupport::Enabled
    }

    pub(crate) fn generation(&self) -> i32 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(crate) fn set_generation(&self, generation: i32) {
        self.generation.store(generation, Ordering::SeqCst);
    }

    /// The leader's duty with the `sessioned` protocol (KIP-507): a session key in the
    /// config topic, rotated every `inter.worker.key.ttl.ms`, while `leading` says this
    /// worker leads.
    pub(crate) async fn keep_session_key(self: Arc<Self>, leading: watch::Receiver<bool>) {
        loop {
            if !*leading.borrow() {
                return;
            }
            let ttl = self.distributed.inter_worker_key_ttl;
            let now_ms = now_ms();
            let expires = self
                .configs
                .snapshot()
                .session_key()
                .map(|k| k.creation_timestamp_ms + ttl.as_millis() as i64);
            let wait_ms = match expires {
                Some(at) if at > now_ms => at - now_ms,
                _ => {
                    let bytes = (self.distributed.inter_worker_key_size.unwrap_or(256) / 8).max(1);
                    let key: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
                    let record = polyconnect_group::records::SessionKey {
                        key,
                        algorithm: self
                            .distributed
                            .inter_worker_key_generation_algorithm
                            .clone(),
                        creation_timestamp_ms: now_ms,
                    };
                    match self.configs.put_session_key(record).await {
                        Ok(()) => {
                            tracing::info!("wrote a new session key for requests between workers");
                            ttl.as_millis() as i64
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot write the session key; trying again");
                            5_000
                        }
                    }
                }
            };
            let mut leading = leading.clone();
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(wait_ms.clamp(100, 60_000) as u64)) => {}
                _ = leading.changed() => {}
            }
        }
    }

    pub(crate) async fn refresh_offsets(&self) -> Result<(), HerderError> {
        self.offsets
            .refresh()
            .await
            .map_err(|e| internal("cannot read the offsets topic", e))
    }

    /// Makes the worker's connector entries (what `GET /connectors` and the config and
    /// task endpoints read) match the config topic read so far.
    pub(crate) fn sync_entries(&self, worker: &Worker) {
        let snapshot = self.configs.snapshot();
        let mut conns = worker.connectors.lock().unwrap();
        conns.retain(|name, _| snapshot.contains(name));
        for name in snapshot.connectors() {
            let Some(raw) = snapshot.connector_config(name) else {
                continue;
            };
            let raw = from_raw(raw);
            let target = crate::storage::kafka_configs::to_stored_state(
                snapshot
                    .target_state(name)
                    .unwrap_or(polyconnect_group::records::TargetState::Started),
            );
            let tasks: Vec<Props> = snapshot
                .tasks(name)
                .iter()
                .filter_map(|id| snapshot.task_config(id).map(from_raw))
                .collect();
            let entry = conns
                .entry(name.to_string())
                .or_insert_with(|| crate::worker::Entry {
                    raw: raw.clone(),
                    target,
                    shared: Arc::new(Default::default()),
                    runner: None,
                });
            if entry.raw != raw {
                // Another class may be another type: asked again when needed.
                *entry.shared.plugin_type.lock().unwrap() = None;
            }
            entry.raw = raw;
            entry.target = target;
            *entry.shared.task_configs.lock().unwrap() = tasks;
        }
    }

    fn exists(&self, name: &str) -> bool {
        self.configs.snapshot().contains(name)
    }

    pub(crate) async fn put_connector(
        &self,
        worker: &Worker,
        name: &str,
        raw: Props,
        initial: Option<TargetState>,
        allow_replace: bool,
        validated: Option<PluginType>,
    ) -> Result<(bool, ConnectorInfo), HerderError> {
        let _op = worker.ops.lock().await;
        let existing = self.configs.get(name);
        if existing.is_some() && !allow_replace {
            return Err(HerderError::AlreadyExists(format!(
                "Connector {name} already exists"
            )));
        }
        // The same checks as standalone: a config this worker cannot run is refused here.
        worker.prepare(name, &raw)?;
        let created = existing.is_none();
        let target = if created {
            Some(initial.unwrap_or_default())
        } else {
            initial.filter(|t| Some(*t) != existing.as_ref().map(|e| e.target_state))
        };
        self.configs
            .put_connector_config(name, to_raw(&raw), target.map(from_stored_state))
            .await
            .map_err(|e| internal("cannot write the connector config to the config topic", e))?;
        self.sync_entries(worker);
        if let Some(t) = validated {
            if let Some(e) = worker.connectors.lock().unwrap().get(name) {
                *e.shared.plugin_type.lock().unwrap() = Some(t);
            }
        }
        drop(_op);
        tracing::info!(
            connector = name,
            created,
            "connector config written to the config topic"
        );
        let target = target
            .or(existing.map(|e| e.target_state))
            .unwrap_or_default();
        if validated.is_some() && target == TargetState::Started {
            // Wait briefly for the owner's task configs (from any worker), as standalone does.
            let deadline = tokio::time::Instant::now() + TASKS_WAIT;
            while tokio::time::Instant::now() < deadline {
                if !self.configs.task_configs(name).is_empty() {
                    break;
                }
                if self
                    .statuses
                    .connector(name)
                    .is_some_and(|s| s.state == StatusState::Failed)
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            self.sync_entries(worker);
        }
        let info = worker
            .connector_info(name)
            .ok_or_else(|| HerderError::NotFound(format!("Connector {name} not found")))?;
        Ok((created, info))
    }

    pub(crate) async fn delete_connector(
        &self,
        worker: &Worker,
        name: &str,
    ) -> Result<(), HerderError> {
        let _op = worker.ops.lock().await;
        if !self.exists(name) {
            return Err(HerderError::NotFound(format!("Connector {name} not found")));
        }
        self.configs
            .remove_connector_config(name)
            .await
            .map_err(|e| internal("cannot write to the config topic", e))?;
        self.sync_entries(worker);
        if let Err(e) = self.statuses.delete_connector(name).await {
            tracing::warn!(connector = name, error = %e, "cannot remove the deleted connector's statuses");
        }
        tracing::info!(connector = name, "connector deleted");
        Ok(())
    }

    pub(crate) async fn set_target_state(
        &self,
        worker: &Worker,
        name: &str,
        target: TargetState,
    ) -> Result<(), HerderError> {
        let _op = worker.ops.lock().await;
        if !self.exists(name) {
            return Err(match target {
                TargetState::Stopped => {
                    HerderError::NotFound(format!("Connector {name} not found"))
                }
                _ => HerderError::NotFound(format!("Unknown connector {name}")),
            });
        }
        let writes = self.task_writes.lock().await;
        self.configs
            .put_target_state(name, from_stored_state(target))
            .await
            .map_err(|e| internal("cannot write to the config topic", e))?;
        if target == TargetState::Stopped {
            // As Kafka Connect: a stopped connector has no tasks, so they are revoked
            // everywhere and its offsets may be changed.
            self.configs
                .put_task_configs(name, Vec::new())
                .await
                .map_err(|e| internal("cannot write to the config topic", e))?;
        }
        drop(writes);
        self.sync_entries(worker);
        tracing::info!(
            connector = name,
            target = target.as_str(),
            "connector target state written"
        );
        Ok(())
    }

    /// Kafka Connect's restart plan, carried out by whichever workers run the items (the
    /// restart request goes through the config topic).
    pub(crate) async fn restart(
        &self,
        worker: &Worker,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<ConnectorStatus, HerderError> {
        if !self.exists(name) {
            return Err(HerderError::NotFound(format!("Unknown connector: {name}")));
        }
        let mut plan = self.connector_status(worker, name).ok_or_else(|| {
            HerderError::NotFound(format!("Status for connector {name} not found"))
        })?;
        if !only_failed || plan.connector.state == State::Failed {
            plan.connector.state = State::Restarting;
        }
        for t in plan.tasks.iter_mut() {
            if include_tasks && (!only_failed || t.info.state == State::Failed) {
                t.info.state = State::Restarting;
            }
        }
        self.configs
            .put_restart_request(name, include_tasks, only_failed)
            .await
            .map_err(|e| internal("cannot write to the config topic", e))?;
        tracing::info!(
            connector = name,
            include_tasks,
            only_failed,
            "restart requested"
        );
        Ok(plan)
    }

    /// Restarts a task where it runs: here, or by asking the worker that runs it.
    pub(crate) async fn restart_task(
        &self,
        worker: &Worker,
        id: &ConnectorTaskId,
    ) -> Result<(), HerderError> {
        let (name, task) = (id.connector.as_str(), id.task);
        if let Some(exec) = self.executor.get().and_then(|e| e.upgrade()) {
            if exec.restart_task_here(id).await {
                return Ok(());
            }
        }
        let owner = self
            .statuses
            .task(id)
            .map(|s| s.worker_id)
            .filter(|w| !w.is_empty())
            .ok_or_else(|| {
                HerderError::Rebalancing(format!(
                    "Cannot restart task {id}: no worker runs it right now (the cluster may be rebalancing)"
                ))
            })?;
        if owner == worker.status.worker_id() {
            // The status says this worker, which does not run it: it is moving.
            return Err(HerderError::Rebalancing(format!(
                "Cannot restart task {id}: it is being moved between workers (the cluster is rebalancing)"
            )));
        }
        let scheme = self.url.split_once("://").map_or("http", |(s, _)| s);
        let url =
            format!("{scheme}://{owner}/connectors/{name}/tasks/{task}/restart?forward=false");
        let mut request = self.http.post(&url).timeout(Duration::from_secs(90));
        // As Kafka Connect: the caller's credentials go with the request.
        if let Some(authorization) = crate::rest::auth::forwarded_authorization() {
            request = request.header("authorization", authorization);
        }
        let response = request.send().await.map_err(|e| {
            internal(
                &format!("cannot reach the worker {owner} that runs {id}"),
                e,
            )
        })?;
        if response.status().is_success() {
            Ok(())
        } else {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            Err(HerderError::Internal(format!(
                "the worker {owner} that runs {id} answered {status}: {body}"
            )))
        }
    }

    /// A connector's status from the status topic: whichever worker runs each item wrote it.
    pub(crate) fn connector_status(&self, worker: &Worker, name: &str) -> Option<ConnectorStatus> {
        if !self.exists(name) {
            return None;
        }
        let tasks_now = self.configs.snapshot().tasks(name).len() as i32;
        let connector = self
            .statuses
            .connector(name)
            .map(|s| info_of(&s))
            .unwrap_or(StateInfo {
                state: State::Unassigned,
                worker_id: String::new(),
                version: None,
                trace: None,
            });
        let tasks = self
            .statuses
            .tasks(name)
            .into_iter()
            .filter(|(id, _)| *id < tasks_now)
            .map(|(id, s)| TaskStatus {
                id: id as u32,
                info: info_of(&s),
            })
            .collect();
        let connector_type = worker
            .connector_info(name)
            .map(|i| i.connector_type.to_string())
            .unwrap_or_else(|| "unknown".into());
        Some(ConnectorStatus {
            name: name.to_string(),
            connector,
            tasks,
            connector_type,
        })
    }
}

/// Writes the states this worker sets to the status topic, in order, with the generation
/// of the moment (a safe write: never over a newer generation's status of another worker).
/// A write that fails is retried (with back-off up to 5 s) until it lands or a newer state
/// of the same connector, task or topic is queued behind it, as Kafka Connect's status
/// store does: a status is never silently lost while it is still the latest.
async fn publish_statuses(
    cluster: Arc<Cluster>,
    worker_id: String,
    mut rx: mpsc::UnboundedReceiver<StatusEvent>,
    mut closing: tokio::sync::oneshot::Receiver<()>,
) {
    let mut draining = false;
    let mut queued: std::collections::VecDeque<StatusEvent> = Default::default();
    loop {
        let event = if let Some(e) = queued.pop_front() {
            e
        } else if draining {
            match rx.try_recv() {
                Ok(e) => e,
                Err(_) => return,
            }
        } else {
            tokio::select! {
                e = rx.recv() => match e {
                    Some(e) => e,
                    None => return,
                },
                _ = &mut closing => {
                    draining = true;
                    continue;
                }
            }
        };
        let mut delay = Duration::from_millis(200);
        for attempt in 0u32.. {
            match write_status(&cluster, &worker_id, &event).await {
                Ok(true) => break,
                Ok(false) => {
                    tracing::debug!(
                        ?event,
                        "status not written: another worker's of a newer generation is there"
                    );
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "cannot write a status to the status topic; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                    while let Ok(e) = rx.try_recv() {
                        queued.push_back(e);
                    }
                    if queued.iter().any(|q| same_item(q, &event)) {
                        tracing::debug!(
                            ?event,
                            "status superseded by a newer one before it could be written"
                        );
                        break;
                    }
                }
            }
        }
    }
}

/// Whether two status events are about the same connector, task or topic.
fn same_item(a: &StatusEvent, b: &StatusEvent) -> bool {
    match (a, b) {
        (StatusEvent::Connector { name: x, .. }, StatusEvent::Connector { name: y, .. }) => x == y,
        (StatusEvent::Task { id: x, .. }, StatusEvent::Task { id: y, .. }) => x == y,
        (
            StatusEvent::Topic {
                id: x, topic: s, ..
            },
            StatusEvent::Topic {
                id: y, topic: t, ..
            },
        ) => x.connector == y.connector && s == t,
        _ => false,
    }
}

/// One status write; `Ok(false)`: not written, a newer generation's status is there.
async fn write_status(
    cluster: &Cluster,
    worker_id: &str,
    event: &StatusEvent,
) -> Result<bool, crate::storage::kafka_log::KafkaLogError> {
    let generation = cluster.generation();
    let status = |info: &StateInfo| Status {
        state: status_state(info.state),
        trace: info.trace.clone(),
        worker_id: worker_id.to_string(),
        generation,
        version: info.version.clone(),
    };
    match event {
        StatusEvent::Connector { name, info } => {
            cluster
                .statuses
                .put_connector_safe(name, status(info))
                .await
        }
        StatusEvent::Task { id, info } => cluster.statuses.put_task_safe(id, status(info)).await,
        StatusEvent::Topic { id, topic } => cluster
            .statuses
            .put_topic(&id.connector, topic, id.task, now_ms())
            .await
            .map(|()| true),
    }
}

/// `polyconnect distributed worker.properties`: boots the worker and runs it until SIGTERM
/// or SIGINT.
pub async fn run(
    props: Props,
    log_spec: &str,
    apply_log_levels: crate::rest::loggers::Apply,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let member = Member::start(
        props,
        |worker| worker.loggers.install(log_spec, apply_log_levels),
        true,
    )
    .await?;
    shutdown.await;
    member.stop().await;
    Ok(())
}

/// A running member of a cluster: its stores read, its REST API (optionally) serving, in
/// the group, running what it is assigned.
/// A cluster's group and three internal topics in memory, shared by the members started
/// on it with [`Member::start_in_memory`] (each reads the logs with its own position, as
/// each worker's consumers do).
pub struct MemoryCluster {
    configs: crate::storage::kafka_log::MemoryLog,
    statuses: crate::storage::kafka_log::MemoryLog,
    offsets: crate::storage::kafka_log::MemoryLog,
    group: polyconnect_group::MemoryGroup,
}

impl MemoryCluster {
    pub fn new(rebalance_timeout: Duration, session_timeout: Duration) -> MemoryCluster {
        use crate::storage::kafka_log::MemoryLog;
        MemoryCluster {
            configs: MemoryLog::new("configs"),
            statuses: MemoryLog::new("status"),
            offsets: MemoryLog::new("offsets"),
            group: polyconnect_group::MemoryGroup::new(rebalance_timeout, session_timeout),
        }
    }
}

pub struct Member {
    herder: Arc<rest_herder::DistributedHerder>,
    membership: Herder,
    rest: Option<crate::rest::Server>,
    close_publisher: tokio::sync::oneshot::Sender<()>,
    publisher: tokio::task::JoinHandle<()>,
    followers: (tokio::task::JoinHandle<()>, tokio::task::JoinHandle<()>),
}

impl Member {
    /// Boot order: the topics are created or checked, the three stores read to the end,
    /// `setup` called on the worker (log levels), the REST API started (with `serve_rest`),
    /// then the executor and the membership loop.
    pub async fn start(
        props: Props,
        setup: impl FnOnce(&Worker),
        serve_rest: bool,
    ) -> anyhow::Result<Member> {
        Member::start_on(props, setup, serve_rest, None).await
    }

    /// As [`Member::start`], with the group and the internal topics of `cluster` in memory
    /// instead of the broker's (for tests; connectors' own records still go to Kafka).
    pub async fn start_in_memory(
        props: Props,
        setup: impl FnOnce(&Worker),
        serve_rest: bool,
        cluster: &MemoryCluster,
    ) -> anyhow::Result<Member> {
        Member::start_on(props, setup, serve_rest, Some(cluster)).await
    }

    async fn start_on(
        props: Props,
        setup: impl FnOnce(&Worker),
        serve_rest: bool,
        memory: Option<&MemoryCluster>,
    ) -> anyhow::Result<Member> {
        let distributed =
            DistributedConfig::from_props(&props).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut props = props;
        // Distributed workers keep offsets in the offsets topic, never in a file.
        props.remove("offset.storage.file.filename");
        let config = WorkerConfig::from_props(props)?;
        // A listener that cannot be parsed stops the start before anything is created.
        crate::rest::parse_listener(&config.listeners)?;
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "localhost".into());
        let url = distributed.advertised_url(&config.listeners, &host);
        let worker_id = url
            .trim_end_matches('/')
            .split_once("://")
            .map(|(_, hp)| hp.to_string())
            .unwrap_or_else(|| url.clone());
        let client_id = format!("polyconnect-{}-{}", distributed.group_id, worker_id);
        let base = base_client_config(&config).map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(group = %distributed.group_id, %url, "starting a distributed worker");
        // The group client takes the same top-level settings as the internal topics'
        // clients. A refusal (TLS or SASL) stops the start here with its cause; a broker
        // that does not answer yet is for the membership loop to keep trying.
        let group_connection =
            crate::kafka::group_client::connection_config(&config.props, &client_id)
                .map_err(|e| anyhow::anyhow!("the group client's settings: {e}"))?;
        let (configs, statuses, offsets) = match memory {
            Some(m) => (
                KafkaConfigStore::over(Arc::new(m.configs.reader())).await?,
                KafkaStatusStore::over(Arc::new(m.statuses.reader())).await?,
                KafkaOffsetStore::over(Arc::new(m.offsets.reader())).await?,
            ),
            None => {
                let bootstrap = MemberConfig::new(&config.bootstrap_servers, "").bootstrap_servers;
                match polyconnect_group::client::probe(&bootstrap, &group_connection).await {
                    Ok(()) => {}
                    Err(e) if e.is_connection_error() => {
                        tracing::warn!(error = %e, "the group client cannot reach a bootstrap server yet")
                    }
                    Err(e) => anyhow::bail!("the worker cannot join its group: {e}"),
                }
                tokio::try_join!(
                    async {
                        KafkaConfigStore::start(
                            &base,
                            &TopicSpec::config(&distributed, &config.props),
                            &client_id,
                        )
                        .await
                        .context("config topic")
                    },
                    async {
                        KafkaStatusStore::start(
                            &base,
                            &TopicSpec::status(&distributed, &config.props),
                            &client_id,
                        )
                        .await
                        .context("status topic")
                    },
                    async {
                        KafkaOffsetStore::start(
                            &base,
                            &TopicSpec::offsets(&distributed, &config.props),
                            &client_id,
                        )
                        .await
                        .context("offsets topic")
                    },
                )?
            }
        };
        let (configs, statuses, offsets) =
            (Arc::new(configs), Arc::new(statuses), Arc::new(offsets));
        let followers = (
            configs.spawn_follower(FOLLOW_EVERY),
            statuses.spawn_follower(FOLLOW_EVERY),
        );
        let worker = Arc::new(Worker::new_distributed(
            config,
            offsets.shared(),
            worker_id.clone(),
        )?);
        worker.set_exactly_once_support(distributed.exactly_once_source_support);
        setup(&worker);
        // Cluster-wide logger levels set before this worker started (KIP-976).
        for (namespace, level) in configs.snapshot().logger_levels() {
            if let Err(e) = worker.loggers.set(namespace, level) {
                tracing::warn!(namespace, error = %e, "cannot apply a cluster-wide logger level");
            }
        }
        let cluster = Arc::new(Cluster {
            distributed: distributed.clone(),
            url: url.clone(),
            configs: configs.clone(),
            statuses,
            offsets,
            generation: Arc::new(AtomicI32::new(-1)),
            herder: std::sync::OnceLock::new(),
            executor: std::sync::OnceLock::new(),
            http: crate::rest::tls::client(&worker.config)?,
            task_writes: tokio::sync::Mutex::new(()),
            publish_gates: std::sync::Mutex::new(HashMap::new()),
            fencing_gates: std::sync::Mutex::new(HashMap::new()),
            kafka: base.clone(),
            offsets_spec: TopicSpec::offsets(&distributed, &worker.config.props),
            client_id: client_id.clone(),
            connector_offsets: tokio::sync::Mutex::new(HashMap::new()),
        });
        let (status_tx, status_rx) = mpsc::unbounded_channel();
        worker.status.set_publisher(status_tx);
        let (close_publisher, closing) = tokio::sync::oneshot::channel();
        let publisher = tokio::spawn(publish_statuses(
            cluster.clone(),
            worker_id.clone(),
            status_rx,
            closing,
        ));
        cluster.sync_entries(&worker);

        let rest_herder = Arc::new(rest_herder::DistributedHerder {
            worker: worker.clone(),
            cluster: cluster.clone(),
        });
        let rest = match serve_rest {
            true => Some(
                crate::rest::Server::start(&worker.config.listeners, rest_herder.clone()).await?,
            ),
            false => None,
        };
        if memory.is_none() {
            worker.fetch_kafka_cluster_id().await;
        }

        let exec = Arc::new(executor::WorkerExecutor::new(
            worker.clone(),
            cluster.clone(),
        ));
        let _ = cluster.executor.set(Arc::downgrade(&exec));
        let mut herder_config = HerderConfig::from_distributed(
            &distributed,
            &worker.config.bootstrap_servers,
            url,
            &client_id,
        );
        herder_config.member.connection = group_connection;
        let herder = match memory {
            Some(m) => {
                let (member, events) = m.group.member();
                Herder::start_with(
                    herder_config,
                    configs,
                    exec.clone(),
                    Box::new(member),
                    events,
                )
            }
            None => Herder::start(herder_config, configs, exec.clone())?,
        };
        let _ = cluster.herder.set(herder.watch());
        worker.mark_ready();
        Ok(Member {
            herder: rest_herder,
            membership: herder,
            rest,
            close_publisher,
            publisher,
            followers,
        })
    }

    /// What the REST API of this member talks to.
    pub fn herder(&self) -> Arc<dyn crate::herder::Herder> {
        self.herder.clone()
    }

    /// The membership loop's state.
    pub fn status(&self) -> HerderStatus {
        self.membership.status()
    }

    /// Stops the work, leaves the group, and sees the last statuses written.
    pub async fn stop(self) {
        tracing::info!("shutting down: stopping work and leaving the group");
        self.membership.leave().await;
        self.herder.worker.shutdown().await;
        // The last statuses (UNASSIGNED for what stopped) reach the topic before the end.
        let _ = self.close_publisher.send(());
        if tokio::time::timeout(Duration::from_secs(10), self.publisher)
            .await
            .is_err()
        {
            tracing::warn!("not every status reached the status topic before the end");
        }
        if let Some(rest) = self.rest {
            rest.stop().await;
        }
        self.followers.0.abort();
        self.followers.1.abort();
        tracing::info!("stopped");
    }
}

/// The task class of Kafka Connect's own connector `connector_class` (the classes
/// Polyconnect's plugins answer to by name), as Kafka Connect's worker writes it into each
/// task config.
fn kafka_connect_task_class(connector_class: &str) -> Option<&'static str> {
    match connector_class {
        "org.apache.kafka.connect.file.FileStreamSourceConnector" => {
            Some("org.apache.kafka.connect.file.FileStreamSourceTask")
        }
        "org.apache.kafka.connect.file.FileStreamSinkConnector" => {
            Some("org.apache.kafka.connect.file.FileStreamSinkTask")
        }
        _ => None,
    }
}
