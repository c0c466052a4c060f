//! The worker: runs the connectors and tasks its herder ([`crate::herder`]) tells it to,
//! and decides nothing about them.
//!
//! - `mod.rs`: the [`Worker`]: the plugins, the offset and status stores, the connector
//!   entries with their actors, start and stop of a connector's actor, log levels.
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

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::config::{ConfigProviders, ConnectorConfig, Props, WorkerConfig};
use crate::plugin::{class_matches, PluginRef, PluginRegistry, PluginType};
use crate::storage::configs::TargetState;
use crate::storage::offsets::OffsetStore;
use crate::storage::status::{State, StatusStore};
use connector::{Command, ConnectorShared};
use polyconnect_group::ConnectorTaskId;

/// Everything a task runner needs.
pub struct TaskContext {
    pub worker: Arc<WorkerConfig>,
    pub connector: ConnectorConfig,
    pub task_id: u32,
    pub task_config: Props,
    pub plugin: PluginRef,
    /// The plugins on `plugin.path`: the out-of-process transforms and predicates.
    pub plugins: Arc<PluginRegistry>,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
    /// True while the connector's target state is PAUSED.
    pub paused: watch::Receiver<bool>,
    pub shared: Arc<ConnectorShared>,
    /// Distributed mode with `exactly.once.source.support=enabled`, source tasks only: the
    /// task produces in transactions (KIP-618).
    pub exactly_once: Option<ExactlyOnce>,
}

/// Where a transaction ends (`transaction.boundary`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TransactionBoundary {
    /// Every batch the connector hands over (one `poll`) is one transaction.
    Poll,
    /// A transaction is committed every interval (`transaction.boundary.interval.ms`).
    Interval(std::time::Duration),
    /// The connector commits and aborts its transactions itself (its records carry the
    /// requests); nothing else commits them.
    Connector,
}

/// What an exactly-once source task needs beyond an at-least-once one.
#[derive(Clone)]
pub struct ExactlyOnce {
    /// The worker group's `group.id`: transactional ids are `<group.id>-<connector>-<task>`.
    pub group_id: String,
    /// The topic the task's offsets go to, in the same transaction as its records.
    pub offsets_topic: String,
    pub boundary: TransactionBoundary,
    /// Reads the offsets topic to its end into the task's offset store (after the task's
    /// producer fenced its predecessors, so their last transaction is settled).
    pub refresh_offsets: RefreshOffsets,
    /// Before the task's producer initializes its id (Kafka Connect's pre-producer check):
    /// the leader's round of zombie fencing for the connector.
    pub before_producer: TaskCheck,
    /// After it did (the post-producer check): the task's configs are still the latest and
    /// the task is still assigned to this worker.
    pub after_producer: TaskCheck,
}

/// Reads the offsets topic (or topics) an exactly-once task resumes from to the end.
pub type RefreshOffsets =
    Arc<dyn Fn() -> futures::future::BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// A check an exactly-once task makes at start, given its task number; an error fails
/// the task with it.
pub type TaskCheck =
    Arc<dyn Fn(u32) -> futures::future::BoxFuture<'static, Result<(), String>> + Send + Sync>;

impl ExactlyOnce {
    pub fn transactional_id(&self, connector: &str, task: u32) -> String {
        transactional_id(&self.group_id, connector, task)
    }
}

/// Kafka Connect's transactional id of a source task (`Worker.taskTransactionalId`).
pub fn transactional_id(group_id: &str, connector: &str, task: u32) -> String {
    format!("{group_id}-{connector}-{task}")
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
        self.status.set_task(&self.id(), state, trace);
    }

    /// The task's id, for the stores.
    pub fn id(&self) -> ConnectorTaskId {
        ConnectorTaskId::new(self.connector.name(), self.task_id as i32)
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
            self.status.topic_used(&self.id(), topic);
            tracing::info!(
                connector = self.connector.name(),
                task = self.task_id,
                topic,
                "topic is now active for the connector"
            );
        }
    }

    /// Opens one stream per out-of-process transform and predicate of the task's chain
    /// (each configured with its own settings); `Err` is the cause the task fails with.
    pub async fn connect_transforms(
        &self,
        chain: &crate::transforms::TransformChain,
        sink: bool,
    ) -> Result<(), String> {
        for r in chain.remotes() {
            let what = match r.kind {
                crate::plugin::streams::TransformKind::Transformation => "transforms",
                crate::plugin::streams::TransformKind::Predicate => "predicates",
            };
            let plugin = self.plugins.resolve_transform(&r.class).ok_or_else(|| {
                format!(
                    "{what}.{}.type: no plugin on plugin.path serves '{}'",
                    r.alias, r.class
                )
            })?;
            let session = plugin
                .connect(&self.worker, &r.class)
                .await
                .map_err(|e| format!("{what}.{} ({}): {e}", r.alias, r.class))?;
            let stream = crate::plugin::streams::TransformStream::open(
                &session,
                &r.class,
                &r.alias,
                self.connector.name(),
                self.task_id,
                &r.settings,
                sink,
            )
            .await
            .map_err(|e| format!("{what}.{} ({}) could not be started: {e}", r.alias, r.class))?;
            r.set_stream(stream).await;
        }
        Ok(())
    }

    /// The task's converters, transforms and error handling settings.
    pub fn pipeline(&self) -> Result<pipeline::Pipeline, String> {
        pipeline::Pipeline::new_with_converters(
            &self.worker,
            &self.connector,
            &|c| self.plugins.transform_kind(c),
            &|c, header| self.plugins.serves_converter(c, header),
        )
        .map_err(|p| pipeline::invalid_config_message(&p))
    }

    /// Opens one stream per out-of-process key, value or header converter of the task (each
    /// configured with its settings and `is_key`); `Err` is the cause the task fails with.
    pub async fn connect_converters(&self, p: &pipeline::Pipeline) -> Result<(), String> {
        for c in p.remote_converters() {
            let plugin = self
                .plugins
                .resolve_converter(&c.class, c.is_header)
                .ok_or_else(|| {
                    format!(
                        "{}: no plugin on plugin.path serves '{}'",
                        c.role(),
                        c.class
                    )
                })?;
            let session = plugin
                .connect_any(&self.worker)
                .await
                .map_err(|e| format!("{} ({}): {e}", c.role(), c.class))?;
            let stream = crate::plugin::streams::ConverterStream::open(
                &session,
                &c.class,
                self.connector.name(),
                self.task_id,
                &c.settings,
                c.is_key,
                c.is_header,
            )
            .await
            .map_err(|e| format!("{} ({}) could not be configured: {e}", c.role(), c.class))?;
            c.set_stream(stream).await;
        }
        Ok(())
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

pub use crate::herder::HerderError;

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

/// The runtime of one process: what its herder starts runs here.
pub struct Worker {
    pub config: Arc<WorkerConfig>,
    pub plugins: Arc<PluginRegistry>,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
    /// Runtime log levels (`/admin/loggers`).
    pub loggers: crate::rest::loggers::Loggers,
    providers: ConfigProviders,
    pub(crate) connectors: Mutex<BTreeMap<String, Entry>>,
    /// Serializes operations that change connectors.
    pub(crate) ops: tokio::sync::Mutex<()>,
    ready: AtomicBool,
    cluster_id: std::sync::OnceLock<String>,
    /// Distributed mode: the worker's `exactly.once.source.support` (unset: standalone).
    exactly_once_support: std::sync::OnceLock<crate::config::distributed::ExactlyOnceSourceSupport>,
}

impl Worker {
    /// Distributed mode: the worker's `exactly.once.source.support` (set once).
    pub fn set_exactly_once_support(
        &self,
        support: crate::config::distributed::ExactlyOnceSourceSupport,
    ) {
        let _ = self.exactly_once_support.set(support);
    }

    /// The worker's `exactly.once.source.support`; `None` in standalone mode, which has no
    /// exactly-once sources.
    pub fn exactly_once_support(
        &self,
    ) -> Option<crate::config::distributed::ExactlyOnceSourceSupport> {
        self.exactly_once_support.get().copied()
    }

    pub fn new(config: WorkerConfig) -> anyhow::Result<Worker> {
        let providers = ConfigProviders::from_worker(&config.props)?;
        let offsets = OffsetStore::open(config.offset_storage_file.as_deref())?;
        let worker_id = worker_id(&config);
        Worker::assemble(config, providers, Arc::new(offsets), worker_id)
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
        Worker::assemble(config, providers, offsets, worker_id)
    }

    fn assemble(
        config: WorkerConfig,
        providers: ConfigProviders,
        offsets: Arc<OffsetStore>,
        worker_id: String,
    ) -> anyhow::Result<Worker> {
        let mut plugins = PluginRegistry::discover(&config);
        plugins
            .resolve_endpoint_tls_defaults(|p| providers.resolve(p).map_err(|e| e.to_string()))
            .map_err(|e| anyhow::anyhow!("polyconnect.connector.endpoint.ssl.*: {e}"))?;
        Ok(Worker {
            config: Arc::new(config),
            plugins: Arc::new(plugins),
            offsets,
            status: Arc::new(StatusStore::new(worker_id)),
            loggers: crate::rest::loggers::Loggers::default(),
            providers,
            connectors: Mutex::new(BTreeMap::new()),
            ops: tokio::sync::Mutex::new(()),
            ready: AtomicBool::new(false),
            cluster_id: std::sync::OnceLock::new(),
            exactly_once_support: std::sync::OnceLock::new(),
        })
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
        let cfg = match crate::kafka::admin_config(&self.config, None) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot get the Kafka cluster id: invalid admin client settings");
                return;
            }
        };
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
                .filter(|p| p.is_connector())
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
            .find_map(|m| {
                let p = m.plugins.iter().filter(|p| p.is_connector()).find(|p| {
                    std::iter::once(&p.class)
                        .chain(&p.aliases)
                        .any(|n| class_matches(n, class))
                })?;
                Some(p.version.clone().unwrap_or_else(|| m.version.clone()))
            })
            .filter(|v| !v.is_empty())
    }

    /// The task configs of a connector (empty while stopped).
    pub fn task_configs(&self, name: &str) -> Result<Vec<Props>, HerderError> {
        let conns = self.connectors.lock().unwrap();
        let e = conns.get(name).ok_or_else(|| not_found(name))?;
        let configs = e.shared.task_configs.lock().unwrap().clone();
        Ok(configs)
    }

    /// The resolved config of a connector and how to reach its process.
    pub(crate) fn prepare(
        &self,
        name: &str,
        raw: &Props,
    ) -> Result<(ConnectorConfig, PluginRef), HerderError> {
        let resolved = self.resolve(raw).map_err(HerderError::Invalid)?;
        let config =
            ConnectorConfig::new(resolved).map_err(|e| HerderError::Invalid(e.to_string()))?;
        if config.name() != name {
            return Err(HerderError::Invalid(format!(
                "Connector name configuration ({}) doesn't match connector name in the URL ({name})",
                config.name()
            )));
        }
        let problems = pipeline::Pipeline::problems(
            &self.config,
            &config,
            &|c| self.plugins.transform_kind(c),
            &|c, header| self.plugins.serves_converter(c, header),
        );
        if !problems.is_empty() {
            return Err(HerderError::Invalid(pipeline::invalid_config_message(
                &problems,
            )));
        }
        let plugin = self
            .plugins
            .resolve(&config)
            .map_err(HerderError::Invalid)?;
        Ok((config, plugin))
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
        offsets_reader: Option<connector::OffsetsReader>,
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
                plugins: self.plugins.clone(),
                offsets: self.offsets.clone(),
                status: self.status.clone(),
                shared,
                publish_tasks,
                exactly_once: None,
                offsets_reader,
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

    pub(crate) async fn stop_entry(&self, name: &str, entry: Entry) {
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
        let t = session
            .negotiated
            .plugins
            .iter()
            .find(|p| p.matches(&class))
            .and_then(|p| p.plugin_type)
            .ok_or_else(|| {
                HerderError::Internal(format!("cannot tell whether {class} is a source or a sink"))
            })?;
        // Kept until the connector's config changes.
        *shared.plugin_type.lock().unwrap() = Some(t);
        Ok(t)
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

fn not_found(name: &str) -> HerderError {
    HerderError::connector_not_found(name)
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
