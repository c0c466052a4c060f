//! The worker: runs connectors and their tasks (standalone mode's herder).
//!
//! - `mod.rs`: the herder: connector configs and target states (persisted in the config
//!   store), create/update/delete, pause/resume/stop, restarts, task configs, offsets and
//!   active topics. Operations that change something are serialized, as in Kafka Connect's
//!   herder, and each is complete when it returns (a stopped connector's tasks are gone).
//! - `connector.rs`: a connector instance: its stream, task configs, target state, tasks.
//! - `pipeline.rs`: a task's converters, transform chain and error handling settings.
//! - `source.rs`, `sink.rs`: the task runners.

pub mod connector;
pub mod pipeline;
pub mod sink;
pub mod source;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::config::{with_prefix, ConfigProviders, ConnectorConfig, Props, WorkerConfig};
use crate::plugin::{class_matches, PluginRef, PluginRegistry, PluginType};
use crate::storage::configs::{ConfigStore, StoredConnector, TargetState};
use crate::storage::group_offsets;
use crate::storage::offsets::OffsetStore;
use crate::storage::status::{ConnectorStatus, State, StatusStore};
use connector::{Command, ConnectorShared};

/// How long a REST operation waits for a connector to carry it out (Kafka Connect's
/// request timeout).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
/// How long creating or updating a connector waits for its task configs, so the answer
/// lists its tasks as Kafka Connect's does.
const TASKS_WAIT: Duration = Duration::from_secs(5);

/// Everything a task runner needs.
pub struct TaskContext {
    pub worker: Arc<WorkerConfig>,
    pub connector: ConnectorConfig,
    pub task_id: u32,
    pub task_config: Props,
    pub plugin: PluginRef,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
    /// True while the connector's target state is PAUSED.
    pub paused: watch::Receiver<bool>,
    pub shared: Arc<ConnectorShared>,
}

pub enum TaskExit {
    Stopped,
    Failed,
}

impl TaskContext {
    /// A session with the connector's process, retried with back-off while it cannot be
    /// reached (status RESTARTING) and on each relaunch while it fails to start (status
    /// FAILED, with the process's exit status and stderr); `Err` is how the task ends
    /// instead (stopped, or failed on an incompatible process).
    pub async fn session(
        &self,
        backoff: &mut Backoff,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<crate::plugin::Session, TaskExit> {
        loop {
            if *shutdown.borrow() {
                return Err(TaskExit::Stopped);
            }
            match self
                .plugin
                .connect(&self.worker, self.connector.class())
                .await
            {
                Ok(s) => return Ok(s),
                Err(crate::plugin::PluginError::Incompatible(e)) => return Err(self.fail(e)),
                Err(crate::plugin::PluginError::StartFailed(e)) => {
                    // FAILED with the process's own words until it is relaunched.
                    self.status(State::Failed, Some(e));
                    tokio::select! {
                        _ = self.plugin.relaunched() => {}
                        _ = shutdown.changed() => return Err(TaskExit::Stopped),
                    }
                }
                Err(e) => {
                    self.status(State::Restarting, Some(e.to_string()));
                    if backoff.wait(shutdown).await {
                        return Err(TaskExit::Stopped);
                    }
                }
            }
        }
    }

    /// Sets the task's status. RESTARTING from a runner means the task lost its connector
    /// and is restarting with back-off: counted on `polyconnect_task_restarts_total`.
    pub fn status(&self, state: State, trace: Option<String>) {
        if state == State::Restarting {
            crate::telemetry::metrics::task_restarted(self.connector.name(), self.task_id);
        }
        self.status
            .set_task(self.connector.name(), self.task_id, state, trace);
    }

    pub fn fail(&self, trace: impl Into<String>) -> TaskExit {
        self.status(State::Failed, Some(trace.into()));
        TaskExit::Failed
    }

    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// The state of a task that runs: RUNNING, or PAUSED while the connector is paused.
    pub fn active_state(&self) -> State {
        if self.is_paused() {
            State::Paused
        } else {
            State::Running
        }
    }

    /// A record of this task went to (source) or came from (sink) `topic`: Kafka Connect's
    /// active topics (`GET /connectors/{c}/topics`).
    pub fn record_topic(&self, topic: &str) {
        if topic_tracking(&self.worker) && self.shared.topics.record(topic) {
            self.status
                .topic_used(self.connector.name(), topic, self.task_id);
            tracing::info!(
                connector = self.connector.name(),
                task = self.task_id,
                topic,
                "topic is now active for the connector"
            );
        }
    }

    /// The task's converters, transforms and error handling settings.
    pub fn pipeline(&self) -> Result<pipeline::Pipeline, String> {
        pipeline::Pipeline::new(&self.worker, &self.connector)
            .map_err(|p| pipeline::invalid_config_message(&p))
    }
}

/// The task fails on a record's failure that was not tolerated; `trace` is the error
/// handler's (`ConnectException: Tolerance exceeded in error handler`, then the cause).
pub(crate) fn tolerance_exceeded(trace: String) -> crate::plugin::streams::StreamError {
    let (first, rest) = trace.split_once('\n').unwrap_or((&trace, ""));
    let (class, message) = first.split_once(": ").unwrap_or(("", first));
    crate::plugin::streams::StreamError::Connector(crate::plugin::streams::ConnectorError {
        kind: crate::plugin::streams::ErrorKind::Fatal,
        message: message.to_string(),
        error_class: class.to_string(),
        detail: rest.to_string(),
        retry_after: None,
        record_seq: 0,
        kafka: None,
    })
}

fn bool_setting(worker: &WorkerConfig, key: &str, default: bool) -> bool {
    worker
        .get(key)
        .map(|v| v.trim().eq_ignore_ascii_case("true"))
        .unwrap_or(default)
}

/// `topic.tracking.enable` (default true).
pub fn topic_tracking(worker: &WorkerConfig) -> bool {
    bool_setting(worker, "topic.tracking.enable", true)
}

/// `topic.tracking.allow.reset` (default true).
pub fn topic_tracking_reset(worker: &WorkerConfig) -> bool {
    bool_setting(worker, "topic.tracking.allow.reset", true)
}

/// Capped exponential back-off with jitter.
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    pub fn new() -> Backoff {
        Backoff {
            next: Duration::from_millis(250),
        }
    }

    /// The next delay (with jitter); doubles the one after, up to 30 s.
    pub fn next_delay(&mut self) -> Duration {
        use rand::Rng;
        let jitter = rand::rng().random_range(0.8..1.2);
        let d = self.next.mul_f64(jitter);
        self.next = (self.next * 2).min(Duration::from_secs(30));
        d
    }

    /// Sleeps; returns true if shutdown was requested meanwhile.
    pub async fn wait(&mut self, shutdown: &mut watch::Receiver<bool>) -> bool {
        let d = self.next_delay();
        tokio::select! {
            _ = tokio::time::sleep(d) => *shutdown.borrow(),
            _ = shutdown.changed() => true,
        }
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new()
    }
}

/// Errors of herder operations, with the HTTP status Kafka Connect answers them with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HerderError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Internal(String),
}

/// Kafka Connect's ConnectorInfo.
#[derive(Debug, Clone)]
pub struct ConnectorInfo {
    pub name: String,
    /// The raw config, as given (with `${provider:..}` references).
    pub config: Props,
    pub tasks: Vec<u32>,
    /// "source", "sink" or "unknown".
    pub connector_type: &'static str,
}

pub(crate) struct Runner {
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    pub(crate) handle: JoinHandle<()>,
}

pub(crate) struct Entry {
    pub(crate) raw: Props,
    pub(crate) target: TargetState,
    pub(crate) shared: Arc<ConnectorShared>,
    /// None when the connector could not be started (its status says why), and always in
    /// distributed mode, where the cluster's executor owns the runners.
    pub(crate) runner: Option<Runner>,
}

/// The standalone worker.
pub struct Worker {
    pub config: Arc<WorkerConfig>,
    pub plugins: Arc<PluginRegistry>,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
    pub configs: Arc<ConfigStore>,
    /// Runtime log levels (`/admin/loggers`).
    pub loggers: crate::rest::loggers::Loggers,
    providers: ConfigProviders,
    pub(crate) connectors: Mutex<BTreeMap<String, Entry>>,
    /// Serializes operations that change connectors.
    pub(crate) ops: tokio::sync::Mutex<()>,
    ready: AtomicBool,
    cluster_id: std::sync::OnceLock<String>,
    /// Distributed mode: the cluster this worker is a member of.
    pub(crate) cluster: std::sync::OnceLock<Arc<crate::distributed::Cluster>>,
}

impl Worker {
    pub fn new(config: WorkerConfig) -> anyhow::Result<Worker> {
        let providers = ConfigProviders::from_worker(&config.props)?;
        let offsets = OffsetStore::open(config.offset_storage_file.as_deref())?;
        let configs_path = match config.get("polyconnect.config.storage.file.filename") {
            Some(p) if !p.trim().is_empty() => Some(std::path::PathBuf::from(p.trim())),
            _ => config
                .offset_storage_file
                .as_deref()
                .map(ConfigStore::path_beside),
        };
        let configs = ConfigStore::open(configs_path.as_deref())?;
        let worker_id = worker_id(&config);
        Worker::assemble(config, providers, Arc::new(offsets), configs, worker_id)
    }

    /// A worker of a distributed cluster: offsets in the offsets topic (`offsets` writes
    /// there), statuses under the advertised `worker_id`, connector configs kept by
    /// [`crate::distributed`] from the config topic.
    pub fn new_distributed(
        config: WorkerConfig,
        offsets: Arc<OffsetStore>,
        worker_id: String,
    ) -> anyhow::Result<Worker> {
        let providers = ConfigProviders::from_worker(&config.props)?;
        let configs = ConfigStore::open(None)?;
        Worker::assemble(config, providers, offsets, configs, worker_id)
    }

    fn assemble(
        config: WorkerConfig,
        providers: ConfigProviders,
        offsets: Arc<OffsetStore>,
        configs: ConfigStore,
        worker_id: String,
    ) -> anyhow::Result<Worker> {
        let plugins = PluginRegistry::discover(&config);
        Ok(Worker {
            config: Arc::new(config),
            plugins: Arc::new(plugins),
            offsets,
            status: Arc::new(StatusStore::new(worker_id)),
            configs: Arc::new(configs),
            loggers: crate::rest::loggers::Loggers::default(),
            providers,
            connectors: Mutex::new(BTreeMap::new()),
            ops: tokio::sync::Mutex::new(()),
            ready: AtomicBool::new(false),
            cluster_id: std::sync::OnceLock::new(),
            cluster: std::sync::OnceLock::new(),
        })
    }

    /// The cluster, in distributed mode.
    pub fn cluster(&self) -> Option<&Arc<crate::distributed::Cluster>> {
        self.cluster.get()
    }

    /// Startup is complete (`GET /health` answers healthy from now on).
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// The Kafka cluster's id, once known (`GET /`).
    pub fn kafka_cluster_id(&self) -> Option<String> {
        self.cluster_id.get().cloned()
    }

    /// Asks the Kafka cluster for its id (for `GET /`).
    pub async fn fetch_kafka_cluster_id(&self) {
        let mut cfg = rdkafka::ClientConfig::new();
        cfg.set("bootstrap.servers", &self.config.bootstrap_servers);
        for (k, v) in with_prefix(&self.config.props, "admin.") {
            cfg.set(k, v);
        }
        let id = tokio::task::spawn_blocking(move || {
            let consumer: rdkafka::consumer::BaseConsumer = cfg.create().ok()?;
            rdkafka::consumer::Consumer::client(&consumer).fetch_cluster_id(Duration::from_secs(10))
        })
        .await
        .ok()
        .flatten();
        match id {
            Some(id) => {
                let _ = self.cluster_id.set(id);
            }
            None => {
                tracing::warn!(bootstrap = %self.config.bootstrap_servers, "cannot get the Kafka cluster id")
            }
        }
    }

    /// Resolves `${provider:..}` references.
    pub fn resolve(&self, raw: &Props) -> Result<Props, String> {
        self.providers.resolve(raw).map_err(|e| e.to_string())
    }

    /// Starts the connectors kept in the config store, and those given on the command line
    /// (their config replaces a stored one of the same name; a stored target state is kept).
    /// A command-line connector that cannot start is an error; a stored one that cannot is
    /// reported in its status.
    pub async fn start_up(&self, command_line: Vec<Props>) -> anyhow::Result<()> {
        let mut wanted: BTreeMap<String, (StoredConnector, bool)> = self
            .configs
            .all()
            .into_iter()
            .map(|(n, c)| (n, (c, false)))
            .collect();
        for raw in command_line {
            let resolved =
                ConnectorConfig::new(self.resolve(&raw).map_err(|e| anyhow::anyhow!(e))?)?;
            let name = resolved.name().to_string();
            let target = wanted
                .get(&name)
                .map(|(c, _)| c.target_state)
                .unwrap_or_default();
            wanted.insert(
                name,
                (
                    StoredConnector {
                        config: raw,
                        target_state: target,
                    },
                    true,
                ),
            );
        }
        for (name, (stored, from_command_line)) in wanted {
            match self
                .put_connector(
                    &name,
                    stored.config.clone(),
                    Some(stored.target_state),
                    true,
                    None,
                )
                .await
            {
                Ok(_) => {}
                Err(e) if from_command_line => anyhow::bail!("cannot start connector {name}: {e}"),
                Err(e) => {
                    // Keep it registered (visible, deletable) with the cause in its status.
                    tracing::error!(connector = %name, error = %e, "cannot start a stored connector");
                    self.register_failed(&name, stored, e.to_string());
                }
            }
        }
        Ok(())
    }

    fn register_failed(&self, name: &str, stored: StoredConnector, trace: String) {
        self.status.set_connector(name, State::Failed, Some(trace));
        let shared = Arc::new(ConnectorShared::default());
        self.connectors.lock().unwrap().insert(
            name.to_string(),
            Entry {
                raw: stored.config,
                target: stored.target_state,
                shared,
                runner: None,
            },
        );
    }

    pub fn connector_names(&self) -> Vec<String> {
        self.connectors.lock().unwrap().keys().cloned().collect()
    }

    /// The raw config of a connector.
    pub fn connector_config(&self, name: &str) -> Option<Props> {
        self.connectors
            .lock()
            .unwrap()
            .get(name)
            .map(|e| e.raw.clone())
    }

    pub fn target_state(&self, name: &str) -> Option<TargetState> {
        self.connectors.lock().unwrap().get(name).map(|e| e.target)
    }

    pub fn connector_info(&self, name: &str) -> Option<ConnectorInfo> {
        let (raw, shared) = {
            let conns = self.connectors.lock().unwrap();
            let e = conns.get(name)?;
            (e.raw.clone(), e.shared.clone())
        };
        let tasks = (0..shared.task_configs.lock().unwrap().len() as u32).collect();
        Some(ConnectorInfo {
            name: name.to_string(),
            connector_type: self.connector_type(&raw, &shared),
            config: raw,
            tasks,
        })
    }

    /// The connector's status with its type filled in.
    pub fn connector_status(&self, name: &str) -> Option<ConnectorStatus> {
        if let Some(c) = self.cluster() {
            return c.connector_status(self, name);
        }
        let mut s = self.status.connector(name)?;
        if s.connector_type == "unknown" {
            if let Some(info) = self.connector_info(name) {
                s.connector_type = info.connector_type.to_string();
            }
        }
        Some(s)
    }

    fn connector_type(&self, raw: &Props, shared: &ConnectorShared) -> &'static str {
        if let Some(t) = *shared.plugin_type.lock().unwrap() {
            return t.as_str();
        }
        raw.get("connector.class")
            .and_then(|c| self.manifest_type(c))
            .map(PluginType::as_str)
            .unwrap_or("unknown")
    }

    /// A connector class's type, as its manifest on `plugin.path` declares it.
    pub fn manifest_type(&self, class: &str) -> Option<PluginType> {
        let class = class.trim();
        self.plugins.manifests().iter().find_map(|m| {
            m.plugins
                .iter()
                .find(|p| {
                    std::iter::once(&p.class)
                        .chain(&p.aliases)
                        .any(|n| class_matches(n, class))
                })
                .and_then(|p| match p.plugin_type.as_str() {
                    "source" => Some(PluginType::Source),
                    "sink" => Some(PluginType::Sink),
                    _ => None,
                })
        })
    }

    /// The version of the plugin package that serves a class, from its manifest.
    pub fn manifest_version(&self, class: &str) -> Option<String> {
        let class = class.trim();
        self.plugins
            .manifests()
            .iter()
            .find(|m| m.names().any(|n| class_matches(n, class)))
            .map(|m| m.version.clone())
            .filter(|v| !v.is_empty())
    }

    /// The task configs of a connector (empty while stopped).
    pub fn task_configs(&self, name: &str) -> Result<Vec<Props>, HerderError> {
        let conns = self.connectors.lock().unwrap();
        let e = conns.get(name).ok_or_else(|| not_found(name))?;
        let configs = e.shared.task_configs.lock().unwrap().clone();
        Ok(configs)
    }

    /// Creates or replaces a connector. The config must have been validated (`validated`:
    /// whether it is a source or a sink, as validation found; the answer then waits briefly
    /// for the task configs, so it lists the tasks as Kafka Connect's does). Returns whether
    /// it was created, and its info. `initial`: the target state (None keeps the current
    /// one, STARTED for a new connector).
    pub async fn put_connector(
        &self,
        name: &str,
        raw: Props,
        initial: Option<TargetState>,
        allow_replace: bool,
        validated: Option<PluginType>,
    ) -> Result<(bool, ConnectorInfo), HerderError> {
        if let Some(c) = self.cluster() {
            return c
                .put_connector(self, name, raw, initial, allow_replace, validated)
                .await;
        }
        let _op = self.ops.lock().await;
        let existing = {
            let conns = self.connectors.lock().unwrap();
            conns.get(name).map(|e| (e.raw.clone(), e.target))
        };
        if existing.is_some() && !allow_replace {
            return Err(HerderError::Conflict(format!(
                "Connector {name} already exists"
            )));
        }
        let (config, plugin) = self.prepare(name, &raw)?;
        let target = initial
            .or(existing.as_ref().map(|e| e.1))
            .unwrap_or_default();
        let stored = StoredConnector {
            config: raw.clone(),
            target_state: target,
        };
        // Persist first: if that fails, nothing changed.
        self.configs.put(name, stored).map_err(|e| {
            HerderError::Internal(format!("cannot store the connector config: {e}"))
        })?;
        let old = self.connectors.lock().unwrap().remove(name);
        let shared = match old {
            Some(old) => {
                let shared = old.shared.clone();
                self.stop_entry(name, old).await;
                shared.task_configs.lock().unwrap().clear();
                *shared.plugin_type.lock().unwrap() = None;
                shared
            }
            None => Arc::new(ConnectorShared::default()),
        };
        if let Some(t) = validated {
            *shared.plugin_type.lock().unwrap() = Some(t);
        }
        let runner = self.spawn(name, config, plugin, target, shared.clone());
        self.connectors.lock().unwrap().insert(
            name.to_string(),
            Entry {
                raw,
                target,
                shared: shared.clone(),
                runner: Some(runner),
            },
        );
        drop(_op);
        tracing::info!(
            connector = name,
            target = target.as_str(),
            created = existing.is_none(),
            "connector configured"
        );
        if validated.is_some() && target == TargetState::Started {
            let deadline = tokio::time::Instant::now() + TASKS_WAIT;
            while shared.task_configs.lock().unwrap().is_empty()
                && tokio::time::Instant::now() < deadline
                && !matches!(self.status.connector_state(name), Some(State::Failed))
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let info = self.connector_info(name).ok_or_else(|| not_found(name))?;
        Ok((existing.is_none(), info))
    }

    /// The resolved config of a connector and how to reach its process.
    pub(crate) fn prepare(
        &self,
        name: &str,
        raw: &Props,
    ) -> Result<(ConnectorConfig, PluginRef), HerderError> {
        let resolved = self.resolve(raw).map_err(HerderError::BadRequest)?;
        let config =
            ConnectorConfig::new(resolved).map_err(|e| HerderError::BadRequest(e.to_string()))?;
        if config.name() != name {
            return Err(HerderError::BadRequest(format!(
                "Connector name configuration ({}) doesn't match connector name in the URL ({name})",
                config.name()
            )));
        }
        let problems = pipeline::Pipeline::problems(&self.config, &config);
        if !problems.is_empty() {
            return Err(HerderError::BadRequest(pipeline::invalid_config_message(
                &problems,
            )));
        }
        let plugin = self
            .plugins
            .resolve(&config)
            .map_err(HerderError::BadRequest)?;
        Ok((config, plugin))
    }

    /// Starts a connector's actor.
    fn spawn(
        &self,
        name: &str,
        config: ConnectorConfig,
        plugin: PluginRef,
        target: TargetState,
        shared: Arc<ConnectorShared>,
    ) -> Runner {
        self.spawn_runner(name, config, plugin, target, shared, None)
    }

    /// Starts a connector's actor; with `publish_tasks` (distributed mode) its task configs
    /// go there and it runs no task itself.
    pub(crate) fn spawn_runner(
        &self,
        name: &str,
        config: ConnectorConfig,
        plugin: PluginRef,
        target: TargetState,
        shared: Arc<ConnectorShared>,
        publish_tasks: Option<connector::TaskConfigSink>,
    ) -> Runner {
        self.status.remove_tasks(name);
        self.status.set_connector(name, State::Unassigned, None);
        if let Some(t) = self.manifest_type(config.class()) {
            self.status.set_connector_type(name, t.as_str());
        }
        if let Some(v) = self.manifest_version(config.class()) {
            self.status.set_version(name, Some(v));
        }
        let (tx, rx) = mpsc::unbounded_channel();
        // Every log line of the connector's actor carries its name.
        let span = tracing::info_span!("connector", connector = %name);
        let run = connector::run(
            connector::ConnectorContext {
                worker: self.config.clone(),
                config,
                plugin,
                offsets: self.offsets.clone(),
                status: self.status.clone(),
                shared,
                publish_tasks,
            },
            target,
            rx,
        );
        let handle = tokio::spawn(tracing::Instrument::instrument(run, span));
        Runner {
            commands: tx,
            handle,
        }
    }

    /// The command channel of a connector's actor; one that could not start (a stored
    /// connector whose plugin was missing) is started now.
    fn commands_or_start(
        &self,
        name: &str,
    ) -> Result<Option<mpsc::UnboundedSender<Command>>, HerderError> {
        let (raw, target, shared) = {
            let conns = self.connectors.lock().unwrap();
            let e = conns.get(name).ok_or_else(|| not_found(name))?;
            if let Some(r) = &e.runner {
                return Ok(Some(r.commands.clone()));
            }
            (e.raw.clone(), e.target, e.shared.clone())
        };
        let (config, plugin) = self.prepare(name, &raw).map_err(|e| {
            self.status
                .set_connector(name, State::Failed, Some(e.to_string()));
            HerderError::Internal(format!("Failed to start connector {name}: {e}"))
        })?;
        let runner = self.spawn(name, config, plugin, target, shared);
        if let Some(e) = self.connectors.lock().unwrap().get_mut(name) {
            e.runner = Some(runner);
        }
        Ok(None)
    }

    async fn stop_entry(&self, name: &str, entry: Entry) {
        if let Some(r) = entry.runner {
            drop(r.commands);
            let grace = self.config.task_shutdown_graceful_timeout * 3 + Duration::from_secs(5);
            if tokio::time::timeout(grace, r.handle).await.is_err() {
                tracing::warn!(
                    connector = name,
                    "connector did not stop within {:?}",
                    grace
                );
            }
        }
    }

    pub async fn delete_connector(&self, name: &str) -> Result<(), HerderError> {
        if let Some(c) = self.cluster() {
            return c.delete_connector(self, name).await;
        }
        let _op = self.ops.lock().await;
        if !self.connectors.lock().unwrap().contains_key(name) {
            return Err(not_found(name));
        }
        self.configs.remove(name).map_err(|e| {
            HerderError::Internal(format!("cannot store the connector config: {e}"))
        })?;
        let entry = self.connectors.lock().unwrap().remove(name);
        if let Some(e) = entry {
            self.stop_entry(name, e).await;
        }
        self.status.remove(name);
        tracing::info!(connector = name, "connector deleted");
        Ok(())
    }

    /// Pause, resume (from PAUSED or STOPPED) or stop a connector; done when the connector
    /// is in the new state (for STOPPED: its tasks have stopped).
    pub async fn set_target_state(
        &self,
        name: &str,
        target: TargetState,
    ) -> Result<(), HerderError> {
        if let Some(c) = self.cluster() {
            return c.set_target_state(self, name, target).await;
        }
        let _op = self.ops.lock().await;
        let commands = {
            let conns = self.connectors.lock().unwrap();
            let e = conns.get(name).ok_or_else(|| match target {
                TargetState::Stopped => not_found(name),
                _ => HerderError::NotFound(format!("Unknown connector {name}")),
            })?;
            e.runner.as_ref().map(|r| r.commands.clone())
        };
        self.configs.set_target_state(name, target).map_err(|e| {
            HerderError::Internal(format!("cannot store the connector's target state: {e}"))
        })?;
        if let Some(e) = self.connectors.lock().unwrap().get_mut(name) {
            e.target = target;
        }
        if let Some(commands) = commands {
            let (done, wait) = oneshot::channel();
            if commands.send(Command::Target(target, done)).is_ok() {
                await_done(wait).await?;
            }
        }
        tracing::info!(
            connector = name,
            target = target.as_str(),
            "connector target state changed"
        );
        Ok(())
    }

    /// `POST /connectors/{c}/restart` without flags: restart the connector instance only.
    pub async fn restart_connector(&self, name: &str) -> Result<(), HerderError> {
        if let Some(c) = self.cluster() {
            return c.restart(self, name, false, false).await.map(|_| ());
        }
        let _op = self.ops.lock().await;
        match self.commands_or_start(name)? {
            Some(commands) => self.send_restart(commands, true, Vec::new()).await,
            None => Ok(()),
        }
    }

    /// `POST /connectors/{c}/restart?includeTasks=..&onlyFailed=..`: Kafka Connect's restart
    /// plan. Returns the states with RESTARTING for what is being restarted.
    pub async fn restart_connector_and_tasks(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<ConnectorStatus, HerderError> {
        if let Some(c) = self.cluster() {
            return c.restart(self, name, include_tasks, only_failed).await;
        }
        let _op = self.ops.lock().await;
        if !self.connectors.lock().unwrap().contains_key(name) {
            return Err(HerderError::NotFound(format!("Unknown connector: {name}")));
        }
        let mut plan = self.connector_status(name).ok_or_else(|| {
            HerderError::NotFound(format!("Status for connector {name} not found"))
        })?;
        let restart_connector = !only_failed || plan.connector.state == State::Failed;
        if restart_connector {
            plan.connector.state = State::Restarting;
            self.status
                .set_connector(name, State::Restarting, plan.connector.trace.clone());
        }
        let mut tasks = Vec::new();
        for t in plan.tasks.iter_mut() {
            if include_tasks && (!only_failed || t.info.state == State::Failed) {
                t.info.state = State::Restarting;
                self.status
                    .set_task(name, t.id, State::Restarting, t.info.trace.clone());
                tasks.push(t.id);
            }
        }
        tracing::info!(connector = name, restart_connector, ?tasks, "restarting");
        if restart_connector || !tasks.is_empty() {
            if let Some(commands) = self.commands_or_start(name)? {
                self.send_restart(commands, restart_connector, tasks)
                    .await?;
            }
        }
        Ok(plan)
    }

    pub async fn restart_task(&self, name: &str, task: u32) -> Result<(), HerderError> {
        if let Some(c) = self.cluster() {
            return c.restart_task(self, name, task).await;
        }
        let _op = self.ops.lock().await;
        let count = self.task_configs(name)?.len() as u32;
        if task >= count {
            return Err(HerderError::NotFound(format!(
                "Task {name}-{task} not found"
            )));
        }
        let commands = self.commands(name).ok_or_else(|| not_found(name))?;
        let trace = self.status.task(name, task).and_then(|t| t.trace);
        self.status.set_task(name, task, State::Restarting, trace);
        self.send_restart(commands, false, vec![task]).await
    }

    fn commands(&self, name: &str) -> Option<mpsc::UnboundedSender<Command>> {
        let conns = self.connectors.lock().unwrap();
        conns.get(name)?.runner.as_ref().map(|r| r.commands.clone())
    }

    async fn send_restart(
        &self,
        commands: mpsc::UnboundedSender<Command>,
        connector: bool,
        tasks: Vec<u32>,
    ) -> Result<(), HerderError> {
        let (done, wait) = oneshot::channel();
        if commands
            .send(Command::Restart {
                connector,
                tasks,
                done,
            })
            .is_ok()
        {
            await_done(wait).await?;
        }
        Ok(())
    }

    /// Topics the connector's records went to or came from.
    pub fn active_topics(&self, name: &str) -> Vec<String> {
        if let Some(c) = self.cluster() {
            // Every worker's tasks record theirs in the status topic.
            return c.statuses.topics(name).into_keys().collect();
        }
        let conns = self.connectors.lock().unwrap();
        conns
            .get(name)
            .map(|e| e.shared.topics.list())
            .unwrap_or_default()
    }

    pub async fn reset_active_topics(&self, name: &str) {
        if let Some(e) = self.connectors.lock().unwrap().get(name) {
            e.shared.topics.reset();
        }
        if let Some(c) = self.cluster() {
            if let Err(e) = c.statuses.reset_topics(name).await {
                tracing::warn!(connector = name, error = %e, "cannot reset the active topics in the status topic");
            }
        }
    }

    /// Whether a connector is a source or a sink: from its running instance, its manifest,
    /// or by asking its connector process.
    pub(crate) async fn plugin_type(&self, name: &str) -> Result<PluginType, HerderError> {
        let (raw, shared) = {
            let conns = self.connectors.lock().unwrap();
            let e = conns.get(name).ok_or_else(|| not_found(name))?;
            (e.raw.clone(), e.shared.clone())
        };
        if let Some(t) = *shared.plugin_type.lock().unwrap() {
            return Ok(t);
        }
        let class = raw
            .get("connector.class")
            .map(|c| c.trim().to_string())
            .unwrap_or_default();
        if let Some(t) = self.manifest_type(&class) {
            return Ok(t);
        }
        let config = self
            .resolve(&raw)
            .and_then(|r| ConnectorConfig::new(r).map_err(|e| e.to_string()))
            .map_err(HerderError::Internal)?;
        let plugin = self
            .plugins
            .resolve(&config)
            .map_err(HerderError::Internal)?;
        let session = plugin
            .connect(&self.config, &class)
            .await
            .map_err(|e| HerderError::Internal(e.to_string()))?;
        session
            .negotiated
            .plugins
            .iter()
            .find(|p| p.matches(&class))
            .and_then(|p| p.plugin_type)
            .ok_or_else(|| {
                HerderError::Internal(format!("cannot tell whether {class} is a source or a sink"))
            })
    }

    /// The resolved config of an existing connector.
    fn resolved_config(&self, name: &str) -> Result<ConnectorConfig, HerderError> {
        let raw = self.connector_config(name).ok_or_else(|| not_found(name))?;
        self.resolve(&raw)
            .and_then(|r| ConnectorConfig::new(r).map_err(|e| e.to_string()))
            .map_err(HerderError::Internal)
    }

    /// `GET /connectors/{c}/offsets`: (partition, offset) pairs as JSON.
    pub async fn connector_offsets(
        &self,
        name: &str,
    ) -> Result<Vec<(serde_json::Value, serde_json::Value)>, HerderError> {
        match self.plugin_type(name).await? {
            PluginType::Source => {
                if let Some(c) = self.cluster() {
                    c.refresh_offsets().await?;
                }
                self.offsets
                    .json_offsets(name)
                    .map_err(|e| HerderError::Internal(e.to_string()))
            }
            PluginType::Sink => {
                let config = self.resolved_config(name)?;
                let worker = self.config.clone();
                tokio::task::spawn_blocking(move || group_offsets::committed(&worker, &config))
                    .await
                    .map_err(|e| HerderError::Internal(e.to_string()))?
                    .map_err(|e| HerderError::Internal(format!("Failed to retrieve consumer group offsets for sink connector {name}: {e}")))
            }
        }
    }

    fn check_stopped(&self, name: &str) -> Result<(), HerderError> {
        let conns = self.connectors.lock().unwrap();
        let e = conns.get(name).ok_or_else(|| not_found(name))?;
        if e.target != TargetState::Stopped || !e.shared.task_configs.lock().unwrap().is_empty() {
            return Err(HerderError::BadRequest(format!(
                "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the \
                 specified connector by issuing a 'PUT' request to the '/connectors/{name}/stop' endpoint"
            )));
        }
        Ok(())
    }

    /// `PATCH /connectors/{c}/offsets` (`offsets`: partition and offset, None resets it) or
    /// `DELETE` (`offsets` None: every partition). Only while STOPPED.
    pub async fn modify_offsets(
        &self,
        name: &str,
        offsets: Option<Vec<(serde_json::Value, Option<serde_json::Value>)>>,
    ) -> Result<String, HerderError> {
        let _op = self.ops.lock().await;
        self.check_stopped(name)?;
        let reset = offsets.is_none();
        match self.plugin_type(name).await? {
            PluginType::Source => {
                let entries = match offsets {
                    None => self
                        .offsets
                        .partitions(name)
                        .map_err(|e| HerderError::Internal(e.to_string()))?
                        .into_iter()
                        .map(|p| (p, None))
                        .collect(),
                    Some(list) => {
                        let mut entries = Vec::with_capacity(list.len());
                        for (p, o) in list {
                            if !p.is_object() {
                                return Err(HerderError::BadRequest(
                                    "Source partitions must be JSON objects and may not be null"
                                        .into(),
                                ));
                            }
                            if o.as_ref().is_some_and(|o| !o.is_object()) {
                                return Err(HerderError::BadRequest(
                                    "Source offsets must be JSON objects or null".into(),
                                ));
                            }
                            let p = self
                                .offsets
                                .value_from_json(&p)
                                .map_err(|e| HerderError::BadRequest(e.to_string()))?;
                            let o = match o {
                                Some(o) => Some(
                                    self.offsets
                                        .value_from_json(&o)
                                        .map_err(|e| HerderError::BadRequest(e.to_string()))?,
                                ),
                                None => None,
                            };
                            entries.push((p, o));
                        }
                        entries
                    }
                };
                if !entries.is_empty() {
                    self.offsets.put_and_flush(name, entries).map_err(|e| {
                        HerderError::Internal(format!(
                            "Failed to modify offsets for source connector {name}: {e}"
                        ))
                    })?;
                }
            }
            PluginType::Sink => {
                let parsed = match offsets {
                    None => None,
                    Some(list) => {
                        Some(group_offsets::parse(&list).map_err(HerderError::BadRequest)?)
                    }
                };
                let config = self.resolved_config(name)?;
                let worker = self.config.clone();
                let result = match parsed {
                    None => group_offsets::reset(&worker, &config).await,
                    Some(p) => tokio::task::spawn_blocking(move || {
                        group_offsets::alter(&worker, &config, &p)
                    })
                    .await
                    .map_err(|e| group_offsets::GroupOffsetsError::Other(e.to_string()))
                    .and_then(|r| r),
                };
                let what = if reset { "reset" } else { "alter" };
                result.map_err(|e| match e {
                    group_offsets::GroupOffsetsError::NotEmpty => HerderError::Internal(format!(
                        "Failed to {what} consumer group offsets for connector {name} either because its tasks haven't stopped \
                         completely yet or the connector was resumed before the request to {what} its offsets could be successfully \
                         completed. If the connector is in a stopped state, this operation can be safely retried. If it doesn't \
                         eventually succeed, the Connect cluster may need to be restarted to get rid of the zombie sink tasks."
                    )),
                    group_offsets::GroupOffsetsError::Other(e) => {
                        HerderError::Internal(format!("Failed to {what} consumer group offsets for sink connector {name}: {e}"))
                    }
                })?;
            }
        }
        let what = if reset { "reset" } else { "altered" };
        tracing::info!(connector = name, "offsets {what}");
        Ok(format!(
            "The Connect framework-managed offsets for this connector have been {what} successfully. However, if this \
             connector manages offsets externally, they will need to be manually {what} in the system that the connector uses."
        ))
    }

    /// Stops every connector (staged task shutdown, offsets flushed), then the plugins.
    pub async fn shutdown(&self) {
        let _op = self.ops.lock().await;
        let entries: Vec<(String, Entry)> = std::mem::take(&mut *self.connectors.lock().unwrap())
            .into_iter()
            .collect();
        let runners: Vec<(String, Runner)> = entries
            .into_iter()
            .filter_map(|(n, e)| e.runner.map(|r| (n, r)))
            .collect();
        let mut handles = Vec::with_capacity(runners.len());
        for (name, r) in runners {
            drop(r.commands);
            handles.push((name, r.handle));
        }
        let grace = self.config.task_shutdown_graceful_timeout * 3 + Duration::from_secs(5);
        for (name, h) in handles {
            if tokio::time::timeout(grace, h).await.is_err() {
                tracing::warn!(connector = %name, "connector did not stop within {:?}", grace);
            }
        }
        self.plugins.shutdown().await;
    }
}

async fn await_done(wait: oneshot::Receiver<()>) -> Result<(), HerderError> {
    match tokio::time::timeout(REQUEST_TIMEOUT, wait).await {
        Ok(_) => Ok(()),
        Err(_) => Err(HerderError::Internal("Request timed out".into())),
    }
}

fn not_found(name: &str) -> HerderError {
    HerderError::NotFound(format!("Connector {name} not found"))
}

fn worker_id(config: &WorkerConfig) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    let port = config
        .listeners
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse::<u16>().ok())
        .unwrap_or(8083);
    format!("{host}:{port}")
}
