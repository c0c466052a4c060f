//! Runs what the group assigns to this worker.
//!
//! A connector instance runs in the standalone actor (`worker::connector`), told to hand its
//! task configs to the config topic instead of running them; each task runs in the
//! standalone task runners, with its config from the config topic, wherever the group put
//! it. The executor also acts on what other workers write to the config topic: a new
//! connector config restarts the local instance, new task configs restart the local tasks
//! whose config changed, a target state reaches the local instance and tasks, a restart
//! request restarts what it names where it runs.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use polyconnect_group::config_state::ConfigChange;
use polyconnect_group::ConnectorTaskId;
use tokio::sync::{oneshot, watch};

use super::herder::{Executor, Work};
use super::{from_raw, Cluster};
use crate::config::distributed::ExactlyOnceSourceSupport;
use crate::config::{ConnectorConfig, Props};
use crate::plugin::PluginType;
use crate::storage::configs::TargetState;
use crate::storage::status::State;
use crate::worker::connector::{self, Command, ConnectorContext, RunningTask, TaskConfigSink};
use crate::worker::{ExactlyOnce, Runner, TransactionBoundary, Worker};

struct LocalTask {
    runner: RunningTask,
    /// The config it runs with (raw, as in the config topic).
    config: Props,
}

#[derive(Default)]
struct Local {
    connectors: BTreeMap<String, Runner>,
    tasks: BTreeMap<ConnectorTaskId, LocalTask>,
    /// Per connector: true while PAUSED, watched by its local tasks.
    paused: BTreeMap<String, watch::Sender<bool>>,
}

impl Local {
    /// The ids of the tasks of `connector` that run here.
    fn task_ids(&self, connector: &str) -> Vec<ConnectorTaskId> {
        self.tasks
            .keys()
            .filter(|t| t.connector == connector)
            .cloned()
            .collect()
    }
}

pub struct WorkerExecutor {
    worker: Arc<Worker>,
    cluster: Arc<Cluster>,
    local: tokio::sync::Mutex<Local>,
    /// True while this worker leads the group (the leader's duties watch it).
    leading: watch::Sender<bool>,
}

impl WorkerExecutor {
    pub fn new(worker: Arc<Worker>, cluster: Arc<Cluster>) -> WorkerExecutor {
        WorkerExecutor {
            worker,
            cluster,
            local: tokio::sync::Mutex::new(Local::default()),
            leading: watch::channel(false).0,
        }
    }

    fn target(&self, connector: &str) -> TargetState {
        self.worker.target_state(connector).unwrap_or_default()
    }

    /// The sink for a connector's task configs: the leader, which writes them to the
    /// config topic.
    fn task_sink(&self) -> TaskConfigSink {
        let cluster = self.cluster.clone();
        Arc::new(move |name: String, tasks: Vec<Props>, abandoned| {
            let cluster = cluster.clone();
            Box::pin(async move { cluster.publish_task_configs(&name, tasks, abandoned).await })
                as BoxFuture<'static, Result<(), String>>
        })
    }

    /// How a source connector's offset queries are answered: the topics its tasks resume
    /// from, read to their end first.
    fn offsets_reader(&self, name: &str, raw: &Props) -> crate::worker::connector::OffsetsReader {
        let cluster = Arc::downgrade(&self.cluster);
        let (name, raw) = (name.to_string(), raw.clone());
        Arc::new(move || {
            let (cluster, name, raw) = (cluster.clone(), name.clone(), raw.clone());
            Box::pin(async move {
                let cluster = cluster.upgrade().ok_or("the worker is stopping")?;
                cluster
                    .source_offsets(&name, &raw)
                    .await
                    .map_err(|e| e.to_string())
            })
        })
    }

    fn start_connector(&self, local: &mut Local, name: &str) {
        let Some(raw) = self.worker.connector_config(name) else {
            tracing::warn!(
                connector = name,
                "assigned a connector that is not configured; skipping"
            );
            return;
        };
        let shared = {
            let conns = self.worker.connectors.lock().unwrap();
            match conns.get(name) {
                Some(e) => e.shared.clone(),
                None => return,
            }
        };
        match self.worker.prepare(name, &raw) {
            Ok((config, plugin)) => {
                let runner = self.worker.spawn_runner(
                    name,
                    config,
                    plugin,
                    self.target(name),
                    shared,
                    Some(self.task_sink()),
                    Some(self.offsets_reader(name, &raw)),
                );
                local.connectors.insert(name.to_string(), runner);
            }
            Err(e) => {
                tracing::error!(connector = name, error = %e, "cannot start the assigned connector");
                self.worker
                    .status
                    .set_connector(name, State::Failed, Some(e.to_string()));
            }
        }
    }

    /// Stops the local instance of a connector; `unassigned`: say so in its status (not
    /// for a deleted connector, whose statuses are gone).
    async fn stop_connector(&self, local: &mut Local, name: &str, unassigned: bool) {
        if let Some(r) = local.connectors.remove(name) {
            drop(r.commands);
            let grace = self.worker.config.task_shutdown_graceful_timeout * 3
                + std::time::Duration::from_secs(5);
            if tokio::time::timeout(grace, r.handle).await.is_err() {
                tracing::warn!(connector = name, "connector did not stop within {grace:?}");
            }
            if unassigned {
                self.worker
                    .status
                    .set_connector(name, State::Unassigned, None);
            }
        }
    }

    fn paused_rx(&self, local: &mut Local, connector: &str) -> watch::Receiver<bool> {
        let paused = self.target(connector) == TargetState::Paused;
        local
            .paused
            .entry(connector.to_string())
            .or_insert_with(|| watch::channel(paused).0)
            .subscribe()
    }

    /// The connector context a task of `connector` runs with, and its plugin type.
    async fn task_context(
        &self,
        connector: &str,
    ) -> Result<(ConnectorContext, PluginType), String> {
        let raw = self
            .worker
            .connector_config(connector)
            .ok_or_else(|| format!("connector {connector} is not configured"))?;
        let (config, plugin): (ConnectorConfig, _) = self
            .worker
            .prepare(connector, &raw)
            .map_err(|e| e.to_string())?;
        let shared = self
            .worker
            .connectors
            .lock()
            .unwrap()
            .get(connector)
            .map(|e| e.shared.clone())
            .ok_or_else(|| format!("connector {connector} is not configured"))?;
        let plugin_type = self
            .worker
            .plugin_type(connector)
            .await
            .map_err(|e| e.to_string())?;
        // The version a task's status shows, known here without the connector's stream.
        if let Some(v) = self.worker.manifest_version(config.class()) {
            self.worker.status.set_version(connector, Some(v));
        }
        let (exactly_once, offsets) = match plugin_type {
            PluginType::Source if self.cluster.exactly_once_enabled() => {
                let (eos, offsets) = self.exactly_once(&config).await?;
                (Some(eos), offsets)
            }
            // At least once with its own offsets topic: that topic's store, the worker's
            // filling in what it lacks and getting a copy of every write.
            PluginType::Source if self.cluster.own_offsets_topic(&raw).is_some() => (
                None,
                self.cluster
                    .source_offsets(connector, &raw)
                    .await
                    .map_err(|e| e.to_string())?,
            ),
            _ => (None, self.worker.offsets.clone()),
        };
        Ok((
            ConnectorContext {
                worker: self.worker.config.clone(),
                config,
                plugin,
                plugins: self.worker.plugins.clone(),
                offsets,
                status: self.worker.status.clone(),
                shared,
                publish_tasks: None,
                exactly_once,
                offsets_reader: None,
            },
            plugin_type,
        ))
    }

    /// True only when the connector is known to be a sink.
    pub(crate) async fn is_sink(&self, name: &str) -> bool {
        matches!(self.worker.plugin_type(name).await, Ok(PluginType::Sink))
    }

    /// What an exactly-once source task of `config` runs with, and the offset store it
    /// reads and updates: the worker's, or with `offsets.storage.topic` the connector's own
    /// topic's, the worker's offsets filling in what it lacks (Kafka Connect's
    /// `ConnectorOffsetBackingStore`).
    async fn exactly_once(
        &self,
        config: &ConnectorConfig,
    ) -> Result<(ExactlyOnce, Arc<crate::storage::offsets::OffsetStore>), String> {
        let boundary = match config
            .props
            .get("transaction.boundary")
            .map(|b| b.trim().to_ascii_lowercase())
        {
            Some(b) if b == "interval" => {
                let interval = config
                    .props
                    .get("transaction.boundary.interval.ms")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(std::time::Duration::from_millis)
                    .unwrap_or(self.worker.config.offset_flush_interval);
                TransactionBoundary::Interval(interval.max(std::time::Duration::from_millis(1)))
            }
            // Accepted by validation only for a connector that declares it can define them.
            Some(b) if b == "connector" => TransactionBoundary::Connector,
            _ => TransactionBoundary::Poll,
        };
        let worker_offsets = self.cluster.offsets.clone();
        let own_topic = self.cluster.own_offsets_topic(&config.props);
        let (offsets_topic, store, refresh_offsets): (String, _, crate::worker::RefreshOffsets) =
            match own_topic {
                None => {
                    let store = worker_offsets.shared();
                    (
                        self.cluster.distributed.offset_storage_topic.clone(),
                        store,
                        Arc::new(move || {
                            let offsets = worker_offsets.clone();
                            Box::pin(
                                async move { offsets.refresh().await.map_err(|e| e.to_string()) },
                            )
                        }),
                    )
                }
                Some(topic) => {
                    let own = self.cluster.connector_offset_store(&topic).await?;
                    let name = config.name().to_string();
                    let store = own.shared();
                    (
                        topic,
                        store,
                        Arc::new(move || {
                            let (own, worker_offsets, name) =
                                (own.clone(), worker_offsets.clone(), name.clone());
                            Box::pin(async move {
                                own.refresh().await.map_err(|e| e.to_string())?;
                                worker_offsets.refresh().await.map_err(|e| e.to_string())?;
                                own.cached()
                                    .fill_missing_from(worker_offsets.cached(), &name);
                                Ok(())
                            })
                        }),
                    )
                }
            };
        let name = config.name().to_string();
        let generation = self
            .cluster
            .configs
            .snapshot()
            .task_config_generation(&name);
        let cluster = Arc::downgrade(&self.cluster);
        let (fencing_cluster, fencing_name) = (cluster.clone(), name.clone());
        let before_producer: crate::worker::TaskCheck = Arc::new(move |_task| {
            let (cluster, name) = (fencing_cluster.clone(), fencing_name.clone());
            Box::pin(async move {
                let cluster = cluster.upgrade().ok_or("the worker is stopping")?;
                cluster.request_zombie_fencing(&name).await
            })
        });
        let after_producer: crate::worker::TaskCheck = Arc::new(move |task| {
            let (cluster, name) = (cluster.clone(), name.clone());
            Box::pin(async move {
                let cluster = cluster.upgrade().ok_or("the worker is stopping")?;
                let id = ConnectorTaskId::new(name.as_str(), task as i32);
                cluster.verify_task_generation(&id, generation).await
            })
        });
        Ok((
            ExactlyOnce {
                group_id: self.cluster.distributed.group_id.clone(),
                offsets_topic,
                boundary,
                refresh_offsets,
                before_producer,
                after_producer,
            },
            store,
        ))
    }

    async fn start_task(&self, local: &mut Local, id: &ConnectorTaskId, fresh: bool) {
        let snapshot = self.cluster.configs.snapshot();
        let Some(raw) = snapshot.task_config(id).map(from_raw) else {
            tracing::warn!(task = %id, "assigned a task without a config; skipping");
            return;
        };
        let resolved = match self.worker.resolve(&raw) {
            Ok(r) => r,
            Err(e) => {
                self.worker.status.set_task(&id, State::Failed, Some(e));
                return;
            }
        };
        match self.task_context(&id.connector).await {
            Ok((_, PluginType::Source))
                if snapshot.fencing_task_count(&id.connector).is_some()
                    && self.cluster.distributed.exactly_once_source_support
                        == ExactlyOnceSourceSupport::Disabled =>
            {
                // Kafka Connect's exactly-once sources (KIP-618) fenced this connector's
                // producers; running it at least once could break what its users rely on.
                let trace = format!(
                    "the config topic has a tasks-fencing-{} record: the connector ran with exactly-once source support, which this worker has disabled (exactly.once.source.support=disabled); not running its tasks",
                    id.connector
                );
                tracing::error!(task = %id, "{trace}");
                self.worker.status.set_task(&id, State::Failed, Some(trace));
            }
            Ok((ctx, plugin_type)) => {
                let paused = self.paused_rx(local, &id.connector);
                let runner = connector::spawn_task(
                    &ctx,
                    paused,
                    plugin_type,
                    id.task as u32,
                    resolved,
                    fresh,
                );
                local.tasks.insert(
                    id.clone(),
                    LocalTask {
                        runner,
                        config: raw,
                    },
                );
            }
            Err(e) => {
                tracing::error!(task = %id, error = %e, "cannot start the assigned task");
                self.worker.status.set_task(&id, State::Failed, Some(e));
            }
        }
    }

    async fn stop_task(&self, local: &mut Local, id: &ConnectorTaskId, unassigned: bool) {
        if let Some(t) = local.tasks.remove(id) {
            t.runner
                .stop(connector::stop_limit(&self.worker.config))
                .await;
            if unassigned {
                self.worker.status.set_task(&id, State::Unassigned, None);
            }
        }
    }

    /// Restarts a task if this worker runs it; false if it does not.
    pub(crate) async fn restart_task_here(&self, id: &ConnectorTaskId) -> bool {
        let mut local = self.local.lock().await;
        if !local.tasks.contains_key(id) {
            return false;
        }
        self.worker.status.set_task(&id, State::Restarting, None);
        self.stop_task(&mut local, id, false).await;
        self.start_task(&mut local, id, false).await;
        true
    }

    async fn send(
        &self,
        local: &Local,
        connector: &str,
        command: impl FnOnce(oneshot::Sender<()>) -> Command,
    ) {
        let Some(r) = local.connectors.get(connector) else {
            return;
        };
        let (done, wait) = oneshot::channel();
        if r.commands.send(command(done)).is_ok() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(90), wait).await;
        }
    }

    async fn on_change(&self, change: ConfigChange) {
        self.cluster.sync_entries(&self.worker);
        let mut local = self.local.lock().await;
        match change {
            ConfigChange::ConnectorUpdated(name) if local.connectors.contains_key(&name) => {
                tracing::info!(connector = %name, "connector config changed; restarting the connector");
                self.stop_connector(&mut local, &name, false).await;
                self.start_connector(&mut local, &name);
            }
            ConfigChange::ConnectorRemoved(name) => {
                self.stop_connector(&mut local, &name, false).await;
                let ids = local.task_ids(&name);
                for id in ids {
                    self.stop_task(&mut local, &id, false).await;
                }
                local.paused.remove(&name);
                self.worker.status.remove(&name);
            }
            ConfigChange::TargetStateChanged(name) => {
                let target = self.target(&name);
                if let Some(p) = local.paused.get(&name) {
                    p.send_replace(target == TargetState::Paused);
                }
                self.send(&local, &name, |done| Command::Target(target, done))
                    .await;
            }
            ConfigChange::TasksCommitted(name) => {
                let snapshot = self.cluster.configs.snapshot();
                let ids = local.task_ids(&name);
                // Exactly once, a new generation fenced every task of the previous one: all
                // restart, changed or not.
                let fenced = self.cluster.exactly_once_enabled() && !self.is_sink(&name).await;
                for id in ids {
                    let now = snapshot.task_config(&id).map(from_raw);
                    let same = now.as_ref() == local.tasks.get(&id).map(|t| &t.config);
                    if same && !fenced {
                        continue;
                    }
                    // A task whose config changed restarts here (the group rebalances
                    // only when the set of tasks changes); one that is gone stops.
                    self.stop_task(&mut local, &id, now.is_none()).await;
                    if now.is_some() {
                        tracing::info!(task = %id, "task config changed; restarting the task");
                        self.start_task(&mut local, &id, false).await;
                    }
                }
            }
            ConfigChange::RestartRequested {
                connector,
                include_tasks,
                only_failed,
            } => {
                let failed = |state: Option<State>| state == Some(State::Failed);
                if local.connectors.contains_key(&connector)
                    && (!only_failed || failed(self.worker.status.connector_state(&connector)))
                {
                    tracing::info!(%connector, "restarting the connector on request");
                    self.worker
                        .status
                        .set_connector(&connector, State::Restarting, None);
                    self.send(&local, &connector, |done| Command::Restart {
                        connector: true,
                        tasks: Vec::new(),
                        done,
                    })
                    .await;
                }
                if include_tasks {
                    let ids = local.task_ids(&connector);
                    for id in ids {
                        let state = self.worker.status.task(&id).map(|s| s.state);
                        if only_failed && !failed(state) {
                            continue;
                        }
                        tracing::info!(task = %id, "restarting the task on request");
                        self.worker.status.set_task(&id, State::Restarting, None);
                        self.stop_task(&mut local, &id, false).await;
                        self.start_task(&mut local, &id, false).await;
                    }
                }
            }
            ConfigChange::LoggerLevel {
                namespace,
                level: Some(level),
            } => match self.worker.loggers.set(&namespace, &level) {
                Ok(affected) => {
                    tracing::info!(
                        namespace,
                        level,
                        ?affected,
                        "cluster-wide logger level applied"
                    )
                }
                Err(e) => {
                    tracing::warn!(namespace, error = %e, "cannot apply a cluster-wide logger level")
                }
            },
            _ => {}
        }
    }
}

impl Executor for WorkerExecutor {
    fn start(&self, work: Work, generation: i32) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.cluster.set_generation(generation);
            self.cluster.sync_entries(&self.worker);
            if !work.tasks.is_empty() {
                // Source tasks resume from what the offsets topic holds now.
                if let Err(e) = self.cluster.refresh_offsets().await {
                    tracing::warn!(error = %e, "reading the offsets topic before starting tasks");
                }
            }
            let mut local = self.local.lock().await;
            for name in &work.connectors {
                if !local.connectors.contains_key(name) {
                    self.start_connector(&mut local, name);
                }
            }
            for id in &work.tasks {
                if !local.tasks.contains_key(id) {
                    self.start_task(&mut local, id, true).await;
                }
            }
        })
    }

    fn stop(&self, work: Work) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let mut local = self.local.lock().await;
            // Tasks first, all at once: each commits its offsets as it stops.
            let mut stopping = Vec::new();
            for id in &work.tasks {
                if let Some(t) = local.tasks.remove(id) {
                    stopping.push((id.clone(), t));
                }
            }
            let limit = connector::stop_limit(&self.worker.config);
            futures::future::join_all(stopping.into_iter().map(|(id, t)| async move {
                t.runner.stop(limit).await;
                self.worker.status.set_task(&id, State::Unassigned, None);
            }))
            .await;
            for name in &work.connectors {
                self.stop_connector(&mut local, name, true).await;
            }
        })
    }

    fn config_changed(&self, change: ConfigChange) -> BoxFuture<'_, ()> {
        Box::pin(self.on_change(change))
    }

    fn leadership(&self, leader: bool, generation: i32) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.leading.send_replace(leader);
            self.cluster.leader_write_privileges(leader).await;
            if leader {
                tracing::info!(generation, "this worker leads the group");
                let sessioned = self.cluster.distributed.connect_protocol
                    == crate::config::distributed::ConnectProtocolSetting::Sessioned;
                if sessioned {
                    tokio::spawn(
                        self.cluster
                            .clone()
                            .keep_session_key(self.leading.subscribe()),
                    );
                }
            }
        })
    }
}
