//! A connector instance: its protocol stream, its task configs, its tasks and its target
//! state.
//!
//! One task (an actor) per connector owns all of it; the herder talks to it with
//! [`Command`]s and waits for their answers, so every REST operation sees the change done.
//! The connector's stream stays open while it runs, so a dynamic connector can ask for task
//! reconfiguration at any time; the tasks are restarted only if their configs changed.
//!
//! Target states, with Kafka Connect's meaning:
//! - STARTED: the connector's stream is open, its tasks run.
//! - PAUSED: the tasks are kept but idle (a source gets no more credit and its batches wait;
//!   a sink's consumer is paused, its partitions kept). Task configs are not updated.
//! - STOPPED: tasks shut down and forgotten (no task configs), the connector's stream closed;
//!   only then may offsets be changed.
//!
//! A failed connector or task is not restarted automatically; a broken connection to the
//! connector process is retried with back-off (RESTARTING meanwhile). A launched process
//! that fails to start makes the connector FAILED with the process's exit status and the
//! end of its stderr; it tries again when the process is relaunched, and is RUNNING once
//! a launch succeeds.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::{Backoff, TaskContext, TaskExit};
use crate::config::{ConnectorConfig, Props, WorkerConfig};
use crate::plugin::streams::{ConnectorEvent, ConnectorStream, Liveness, StreamError};
use crate::plugin::{PluginError, PluginRef, PluginType};
use crate::storage::configs::TargetState;
use crate::storage::offsets::OffsetStore;
use crate::storage::status::{State, StatusStore};

/// What the herder and the REST API see of a connector while it runs.
#[derive(Default)]
pub struct ConnectorShared {
    /// The current task configs (empty while stopped or before the connector produced them).
    pub task_configs: Mutex<Vec<Props>>,
    /// Source or sink, once the connector process said so.
    pub plugin_type: Mutex<Option<PluginType>>,
    /// Topics the connector's records went to (sources) or came from (sinks).
    pub topics: ActiveTopics,
}

/// Kafka Connect's active topics of a connector (`topic.tracking.enable`).
#[derive(Default)]
pub struct ActiveTopics {
    topics: Mutex<BTreeSet<String>>,
}

impl ActiveTopics {
    /// Records a topic; returns true if it was not known yet.
    pub fn record(&self, topic: &str) -> bool {
        let mut t = self.topics.lock().unwrap();
        if t.contains(topic) {
            return false;
        }
        t.insert(topic.to_string())
    }

    pub fn list(&self) -> Vec<String> {
        self.topics.lock().unwrap().iter().cloned().collect()
    }

    pub fn reset(&self) {
        self.topics.lock().unwrap().clear();
    }
}

#[derive(Clone)]
pub struct ConnectorContext {
    pub worker: Arc<WorkerConfig>,
    pub config: ConnectorConfig,
    pub plugin: PluginRef,
    pub plugins: Arc<crate::plugin::PluginRegistry>,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
    pub shared: Arc<ConnectorShared>,
    /// Distributed mode: the connector's task configs go here (to the config topic) and
    /// its tasks run wherever the group assigns them; `None`: they run in this actor.
    pub publish_tasks: Option<TaskConfigSink>,
    /// Source tasks of this connector run exactly once (distributed mode, KIP-618).
    pub exactly_once: Option<super::ExactlyOnce>,
    /// Distributed mode: the offsets a source connector's queries are answered from (its
    /// `offsetStorageReader()`), read to the end of the offsets topic (or topics: its own
    /// `offsets.storage.topic`, the worker's filling in) first, as Kafka Connect's reader
    /// reads; `None`: `offsets` as they are (standalone, where this worker wrote them all).
    pub offsets_reader: Option<OffsetsReader>,
}

/// Reads the offsets topic (or topics) a source connector's tasks resume from to its end
/// and answers the store.
pub type OffsetsReader = Arc<
    dyn Fn() -> futures::future::BoxFuture<'static, Result<Arc<OffsetStore>, String>> + Send + Sync,
>;

/// Where a distributed connector's task configs go: `(connector, configs, abandoned)`; the
/// hand-over stops trying once `abandoned` is set.
pub type TaskConfigSink = Arc<
    dyn Fn(
            String,
            Vec<Props>,
            Arc<std::sync::atomic::AtomicBool>,
        ) -> futures::future::BoxFuture<'static, Result<(), String>>
        + Send
        + Sync,
>;

/// Requests from the herder; each is answered once done. Dropping the sender stops the
/// connector and its tasks.
pub enum Command {
    Target(TargetState, oneshot::Sender<()>),
    /// Restart the connector instance (its stream) and/or the given tasks. The herder has
    /// already marked them RESTARTING.
    Restart {
        connector: bool,
        tasks: Vec<u32>,
        done: oneshot::Sender<()>,
    },
}

pub(crate) struct RunningTask {
    shutdown: watch::Sender<bool>,
    handle: JoinHandle<TaskExit>,
}

struct Tasks {
    configs: Vec<Props>,
    running: Vec<RunningTask>,
    /// How long a task may take to stop before its runner is aborted.
    stop_limit: Duration,
}

/// The longest a graceful task stop takes: answers to Puts or the drain, the final flush,
/// the connector's stop, and leaving the consumer group.
pub(crate) fn stop_limit(w: &crate::config::WorkerConfig) -> Duration {
    w.task_shutdown_graceful_timeout * 2 + w.offset_flush_timeout + Duration::from_secs(30)
}

impl RunningTask {
    /// Asks the runner to stop (final flush and commit) and waits for it, up to `limit`.
    pub(crate) async fn stop(self, limit: Duration) {
        let _ = self.shutdown.send(true);
        self.finish(limit).await;
    }

    /// Waits for the runner to end; one that does not within `limit` is aborted, and gone
    /// when this returns, so a replacement never runs beside it.
    async fn finish(mut self, limit: Duration) {
        if tokio::time::timeout(limit, &mut self.handle).await.is_err() {
            tracing::error!("a task did not stop within {limit:?}; aborting its runner");
            self.handle.abort();
            let _ = self.handle.await;
        }
    }
}

impl Tasks {
    async fn stop(self) {
        for t in &self.running {
            let _ = t.shutdown.send(true);
        }
        for t in self.running {
            t.finish(self.stop_limit).await;
        }
    }
}

enum Exit {
    /// The command channel closed: the connector is being deleted, replaced or the worker stops.
    Shutdown,
    /// Open the stream again (restart, or the target state changed to STOPPED).
    Again,
    Retry(String),
    Fatal(String),
    /// The connector's process failed to start; its supervisor relaunches it.
    StartFailed(String),
}

impl From<StreamError> for Exit {
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::Disconnected(m) | StreamError::Timeout(m) => Exit::Retry(m),
            other => Exit::Fatal(other.to_string()),
        }
    }
}

pub async fn run(
    ctx: ConnectorContext,
    target: TargetState,
    commands: mpsc::UnboundedReceiver<Command>,
) {
    let (paused, _) = watch::channel(target == TargetState::Paused);
    let mut a = Actor {
        ctx,
        target,
        commands,
        tasks: None,
        paused,
        plugin_type: None,
        publishing: None,
    };
    a.run().await;
    if let Some(t) = a.tasks.take() {
        t.stop().await;
    }
}

struct Actor {
    ctx: ConnectorContext,
    target: TargetState,
    commands: mpsc::UnboundedReceiver<Command>,
    tasks: Option<Tasks>,
    /// Tasks watch this: true while the target state is PAUSED.
    paused: watch::Sender<bool>,
    plugin_type: Option<PluginType>,
    /// Distributed mode: the hand-over of the latest task configs, while under way.
    publishing: Option<Publishing>,
}

/// A background hand-over of task configs, abandoned when dropped (newer configs replace
/// it; a connector that stops here does not retry it): an attempt under way finishes, no
/// further one is made.
struct Publishing(Arc<std::sync::atomic::AtomicBool>);

impl Drop for Publishing {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Actor {
    fn name(&self) -> &str {
        self.ctx.config.name()
    }

    fn status(&self, state: State, trace: Option<String>) {
        self.ctx
            .status
            .set_connector(self.ctx.config.name(), state, trace);
    }

    /// The connector's state while its stream is open.
    fn active_state(&self) -> State {
        if self.target == TargetState::Paused {
            State::Paused
        } else {
            State::Running
        }
    }

    async fn run(&mut self) {
        let mut backoff = Backoff::new();
        crate::telemetry::metrics::connector_started(self.name());
        loop {
            if self.target == TargetState::Stopped {
                self.stop_all_tasks().await;
                self.status(State::Stopped, None);
                if !self.idle().await {
                    return;
                }
                continue;
            }
            match self.run_stream(&mut backoff).await {
                Exit::Shutdown => return,
                Exit::Again => continue,
                Exit::Retry(e) => {
                    tracing::warn!(connector = %self.name(), error = %e, "connector lost its process; reconnecting");
                    self.status(State::Restarting, Some(e));
                    crate::telemetry::metrics::connector_restarted(self.name());
                    let delay = backoff.next_delay();
                    if !self.wait(Some(delay)).await {
                        return;
                    }
                }
                Exit::StartFailed(e) => {
                    tracing::error!(connector = %self.name(), "connector failed: {e}");
                    self.status(State::Failed, Some(e));
                    // Tried again once the process is being relaunched (a restart request
                    // or a new target state also moves it on).
                    let plugin = self.ctx.plugin.clone();
                    if !self.wait_until(plugin.relaunched()).await {
                        return;
                    }
                }
                Exit::Fatal(e) => {
                    tracing::error!(connector = %self.name(), error = %e, "connector failed");
                    self.status(State::Failed, Some(e));
                    // Not restarted automatically (Kafka Connect's behaviour): only a restart
                    // request or a new target state moves it on.
                    if !self.wait(None).await {
                        return;
                    }
                }
            }
        }
    }

    /// Waits while STOPPED; returns false when the connector is to go away.
    async fn idle(&mut self) -> bool {
        loop {
            match self.commands.recv().await {
                None => return false,
                Some(Command::Target(t, done)) => {
                    self.set_target(t);
                    let _ = done.send(());
                    if t != TargetState::Stopped {
                        return true;
                    }
                }
                Some(Command::Restart { done, .. }) => {
                    // A stopped connector stays stopped (it has no tasks).
                    self.status(State::Stopped, None);
                    let _ = done.send(());
                }
            }
        }
    }

    /// Waits `delay` (None: until something happens) while serving commands; returns false
    /// when the connector is to go away.
    async fn wait(&mut self, delay: Option<Duration>) -> bool {
        self.wait_until(tokio::time::sleep(
            delay.unwrap_or(Duration::from_secs(365 * 24 * 3600)),
        ))
        .await
    }

    /// Waits until `event` while serving commands; returns false when the connector is to
    /// go away.
    async fn wait_until(&mut self, event: impl std::future::Future<Output = ()>) -> bool {
        tokio::pin!(event);
        loop {
            tokio::select! {
                _ = &mut event => return true,
                cmd = self.commands.recv() => match cmd {
                    None => return false,
                    Some(Command::Target(t, done)) => {
                        self.set_target(t);
                        if t == TargetState::Stopped {
                            self.stop_all_tasks().await;
                            self.status(State::Stopped, None);
                            let _ = done.send(());
                            return true;
                        }
                        let _ = done.send(());
                    }
                    Some(Command::Restart { connector, tasks, done }) => {
                        self.restart_tasks(&tasks).await;
                        let _ = done.send(());
                        if connector {
                            return true;
                        }
                    }
                }
            }
        }
    }

    fn set_target(&mut self, t: TargetState) {
        self.target = t;
        // `send_replace`: the value must change even while no task watches it.
        self.paused.send_replace(t == TargetState::Paused);
    }

    async fn stop_all_tasks(&mut self) {
        if let Some(t) = self.tasks.take() {
            t.stop().await;
        }
        self.ctx.status.remove_tasks(self.ctx.config.name());
        if self.ctx.publish_tasks.is_none() {
            self.ctx.shared.task_configs.lock().unwrap().clear();
        }
    }

    async fn run_stream(&mut self, backoff: &mut Backoff) -> Exit {
        // Connecting may take long (a process starting, a service not up yet): commands are
        // served meanwhile.
        let opening = open(self.ctx.clone());
        tokio::pin!(opening);
        let opened = loop {
            tokio::select! {
                r = &mut opening => break r,
                cmd = self.commands.recv() => match cmd {
                    None => return Exit::Shutdown,
                    Some(Command::Target(t, done)) => {
                        self.set_target(t);
                        if t == TargetState::Stopped {
                            self.stop_all_tasks().await;
                            self.status(State::Stopped, None);
                            let _ = done.send(());
                            return Exit::Again;
                        }
                        let _ = done.send(());
                    }
                    Some(Command::Restart { connector, tasks, done }) => {
                        self.restart_tasks(&tasks).await;
                        let _ = done.send(());
                        if connector {
                            return Exit::Again;
                        }
                    }
                }
            }
        };
        let Opened {
            mut stream,
            plugin_type,
            version,
            describe,
        } = match opened {
            Ok(o) => o,
            Err(e) => return e,
        };
        let ctx = &self.ctx;
        let name = ctx.config.name().to_string();
        let class = ctx.config.class().to_string();
        self.plugin_type = Some(plugin_type);
        *ctx.shared.plugin_type.lock().unwrap() = Some(plugin_type);
        ctx.status.set_connector_type(&name, plugin_type.as_str());
        ctx.status.set_version(&name, Some(version));
        *backoff = Backoff::new();
        self.status(self.active_state(), None);
        tracing::info!(connector = %name, class = %class, endpoint = %describe, target = self.target.as_str(), "connector started");
        if self.target == TargetState::Started {
            if let Err(e) = stream.request_task_configs(ctx.config.tasks_max()).await {
                return e.into();
            }
        }
        let mut hb = tokio::time::interval(
            ctx.worker
                .heartbeat_interval
                .min(Duration::from_secs(1))
                .max(Duration::from_millis(100)),
        );
        loop {
            tokio::select! {
                ev = stream.recv() => {
                    let ev = match ev {
                        Ok(ev) => ev,
                        Err(e) => return e.into(),
                    };
                    match ev {
                        ConnectorEvent::TaskConfigs(configs) => {
                            if self.target != TargetState::Started {
                                // Kafka Connect does not update tasks unless STARTED; they are
                                // asked for again on resume.
                                tracing::info!(connector = %name, target = self.target.as_str(), "not updating tasks: the connector is not started");
                                continue;
                            }
                            let max = self.ctx.config.tasks_max();
                            if configs.len() > max as usize {
                                return Exit::Fatal(format!(
                                    "The connector {name} has generated {} tasks, which is greater than {max}, the maximum number of tasks it is configured to create.",
                                    configs.len()
                                ));
                            }
                            self.apply_task_configs(configs).await;
                        }
                        ConnectorEvent::Reconfigure(reason) => {
                            tracing::info!(connector = %name, %reason, "connector requested task reconfiguration");
                            if self.target == TargetState::Started {
                                if let Err(e) = stream.request_task_configs(self.ctx.config.tasks_max()).await {
                                    return e.into();
                                }
                            }
                        }
                        ConnectorEvent::Error(e) => {
                            if e.kind == crate::plugin::streams::ErrorKind::Retriable {
                                tracing::warn!(connector = %name, error = %e.trace(), "retriable connector error");
                            } else {
                                return Exit::Fatal(e.trace());
                            }
                        }
                        ConnectorEvent::OffsetsQuery { request_id, partitions } => {
                            // SourceConnectorContext.offsetStorageReader(): the store the
                            // connector's tasks resume from.
                            let store = match &self.ctx.offsets_reader {
                                None => self.ctx.offsets.clone(),
                                Some(read) => match read().await {
                                    Ok(store) => store,
                                    Err(e) => return Exit::Retry(format!("reading offsets for the connector: {e}")),
                                },
                            };
                            let mut answer = Vec::with_capacity(partitions.len());
                            for p in partitions {
                                match store.offset(&name, &p) {
                                    Ok(o) => answer.push((p, o)),
                                    Err(e) => return Exit::Retry(format!("reading offsets for the connector: {e}")),
                                }
                            }
                            if let Err(e) = stream.answer_offsets(request_id, answer).await {
                                return e.into();
                            }
                        }
                        ConnectorEvent::Heartbeat => {}
                    }
                }
                _ = hb.tick() => {
                    if stream.liveness.needs_heartbeat() {
                        if let Err(e) = stream.heartbeat().await {
                            return e.into();
                        }
                    }
                    if let Err(e) = stream.liveness.check_idle() {
                        return e.into();
                    }
                }
                cmd = self.commands.recv() => match cmd {
                    None => {
                        if let Some(t) = self.tasks.take() {
                            t.stop().await;
                        }
                        stream.stop(self.ctx.worker.task_shutdown_graceful_timeout).await;
                        return Exit::Shutdown;
                    }
                    Some(Command::Target(t, done)) => {
                        let before = self.target;
                        self.set_target(t);
                        match t {
                            TargetState::Stopped => {
                                self.stop_all_tasks().await;
                                stream.stop(self.ctx.worker.task_shutdown_graceful_timeout).await;
                                self.status(State::Stopped, None);
                                let _ = done.send(());
                                return Exit::Again;
                            }
                            TargetState::Paused => {
                                self.status(State::Paused, None);
                                let _ = done.send(());
                            }
                            TargetState::Started => {
                                self.status(State::Running, None);
                                let _ = done.send(());
                                if before != TargetState::Started {
                                    if let Err(e) = stream.request_task_configs(self.ctx.config.tasks_max()).await {
                                        return e.into();
                                    }
                                }
                            }
                        }
                    }
                    Some(Command::Restart { connector, tasks, done }) => {
                        self.restart_tasks(&tasks).await;
                        if connector {
                            stream.stop(self.ctx.worker.task_shutdown_graceful_timeout).await;
                            let _ = done.send(());
                            return Exit::Again;
                        }
                        let _ = done.send(());
                    }
                }
            }
        }
    }

    async fn apply_task_configs(&mut self, configs: Vec<Props>) {
        let name = self.ctx.config.name().to_string();
        if let Some(publish) = &self.ctx.publish_tasks {
            // The config topic holds the cluster's task configs: written only when they
            // changed, and the group's assignment starts them.
            if *self.ctx.shared.task_configs.lock().unwrap() == configs {
                return;
            }
            tracing::info!(connector = %name, tasks = configs.len(), "writing new task configs to the config topic");
            // In the background: the hand-over waits while the group rebalances, and the
            // rebalance may need this worker's herder, which may be waiting for this actor
            // (a stop, a restart, a target state). The actor keeps serving its commands and
            // its stream meanwhile.
            let abandoned = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let publish = publish(name.clone(), configs, abandoned.clone());
            let status = self.ctx.status.clone();
            // Replacing the previous hand-over abandons it.
            self.publishing = Some(Publishing(abandoned));
            tokio::spawn(async move {
                if let Err(e) = publish.await {
                    tracing::error!(connector = %name, error = %e, "cannot write the connector's task configs");
                    status.set_connector(
                        &name,
                        State::Failed,
                        Some(format!(
                            "cannot write the task configs to the config topic: {e}"
                        )),
                    );
                }
            });
            return;
        }
        let unchanged = self
            .tasks
            .as_ref()
            .map(|t| t.configs == configs)
            .unwrap_or(false);
        if unchanged {
            return;
        }
        if let Some(t) = self.tasks.take() {
            tracing::info!(connector = %name, "task configs changed; restarting tasks");
            t.stop().await;
            self.ctx.status.remove_tasks(&name);
        }
        let Some(plugin_type) = self.plugin_type else {
            return;
        };
        *self.ctx.shared.task_configs.lock().unwrap() = configs.clone();
        let running = configs
            .iter()
            .enumerate()
            .map(|(i, c)| self.start_task(plugin_type, i as u32, c.clone(), true))
            .collect();
        self.tasks = Some(Tasks {
            configs,
            running,
            stop_limit: stop_limit(&self.ctx.worker),
        });
    }

    fn start_task(
        &self,
        plugin_type: PluginType,
        id: u32,
        config: Props,
        fresh: bool,
    ) -> RunningTask {
        spawn_task(
            &self.ctx,
            self.paused.subscribe(),
            plugin_type,
            id,
            config,
            fresh,
        )
    }

    /// Stops the given tasks and starts them again with the same configs (their status
    /// stays RESTARTING until they run).
    async fn restart_tasks(&mut self, ids: &[u32]) {
        if ids.is_empty() {
            return;
        }
        let Some(plugin_type) = self.plugin_type else {
            return;
        };
        let Some(mut tasks) = self.tasks.take() else {
            return;
        };
        for &id in ids {
            let Some(config) = tasks.configs.get(id as usize).cloned() else {
                continue;
            };
            // The old runner finishes (final flush and commit) before the new one starts,
            // so the new one resumes exactly from the stored offsets.
            let placeholder = RunningTask {
                shutdown: watch::channel(true).0,
                handle: tokio::spawn(async { TaskExit::Stopped }),
            };
            let old = std::mem::replace(&mut tasks.running[id as usize], placeholder);
            let _ = old.shutdown.send(true);
            old.finish(tasks.stop_limit).await;
            tasks.running[id as usize] = self.start_task(plugin_type, id, config, false);
        }
        self.tasks = Some(tasks);
    }
}

/// Starts a task runner of the connector `ctx` describes. `fresh`: a new task (status
/// UNASSIGNED until it runs), not a restart.
pub(crate) fn spawn_task(
    ctx: &ConnectorContext,
    paused: watch::Receiver<bool>,
    plugin_type: PluginType,
    id: u32,
    config: Props,
    fresh: bool,
) -> RunningTask {
    let (tx, rx) = watch::channel(false);
    let tctx = TaskContext {
        worker: ctx.worker.clone(),
        connector: ctx.config.clone(),
        task_id: id,
        task_config: config,
        plugin: ctx.plugin.clone(),
        plugins: ctx.plugins.clone(),
        offsets: ctx.offsets.clone(),
        status: ctx.status.clone(),
        paused,
        shared: ctx.shared.clone(),
        exactly_once: match plugin_type {
            PluginType::Source => ctx.exactly_once.clone(),
            PluginType::Sink => None,
        },
    };
    if fresh {
        tctx.status(State::Unassigned, None);
    }
    // Every log line of the task carries its connector and task id.
    let span = tracing::info_span!(parent: None, "task", connector = %tctx.connector.name(), task = tctx.task_id);
    let handle = match plugin_type {
        PluginType::Source => tokio::spawn(tracing::Instrument::instrument(
            super::source::run(tctx, rx),
            span,
        )),
        PluginType::Sink => tokio::spawn(tracing::Instrument::instrument(
            super::sink::run(tctx, rx),
            span,
        )),
    };
    RunningTask {
        shutdown: tx,
        handle,
    }
}

struct Opened {
    stream: ConnectorStream,
    plugin_type: PluginType,
    version: String,
    /// Where the process is and which SDK it uses, for the log.
    describe: String,
}

/// Connects to the connector process and opens the connector's stream.
async fn open(ctx: ConnectorContext) -> Result<Opened, Exit> {
    let name = ctx.config.name();
    let class = ctx.config.class();
    let session = match ctx.plugin.connect(&ctx.worker, class).await {
        Ok(s) => s,
        Err(PluginError::Unavailable(m)) => return Err(Exit::Retry(m)),
        Err(PluginError::Incompatible(m)) => return Err(Exit::Fatal(m)),
        Err(PluginError::StartFailed(m)) => return Err(Exit::StartFailed(m)),
    };
    let Some(info) = session
        .negotiated
        .plugins
        .iter()
        .find(|p| p.matches(class))
        .cloned()
    else {
        return Err(Exit::Fatal(format!(
            "the connector process does not serve {class}"
        )));
    };
    let Some(plugin_type) = info.plugin_type else {
        return Err(Exit::Fatal(format!(
            "the connector process does not say whether {class} is a source or a sink"
        )));
    };
    let liveness = Liveness::new(ctx.worker.heartbeat_interval, ctx.worker.idle_timeout);
    // A source connector may read its offsets from start() on: in distributed mode, from
    // the topics its tasks resume from, read to their end now.
    let offsets = match (&ctx.offsets_reader, plugin_type) {
        (Some(read), PluginType::Source) => read()
            .await
            .map_err(|e| Exit::Retry(format!("reading offsets for the connector: {e}")))?,
        _ => ctx.offsets.clone(),
    };
    let lookup = |p: &crate::data::Value| offsets.offset(name, p).map_err(|e| e.to_string());
    let stream = ConnectorStream::open(&session, class, name, &ctx.config.props, liveness, lookup)
        .await
        .map_err(Exit::from)?;
    Ok(Opened {
        stream,
        plugin_type,
        version: info.version,
        describe: format!("{} ({})", session.target.describe(), session.negotiated.sdk),
    })
}
