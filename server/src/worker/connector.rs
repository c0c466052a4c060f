//! A connector instance: its protocol stream, its task configs and its tasks.
//!
//! The connector's stream stays open while it runs, so a dynamic connector can ask for
//! task reconfiguration at any time; the tasks are restarted only if their configs changed.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Backoff, TaskContext, TaskExit};
use crate::config::{ConnectorConfig, Props, WorkerConfig};
use crate::plugin::streams::{ConnectorEvent, ConnectorStream, Liveness, StreamError};
use crate::plugin::{PluginError, PluginRef, PluginType};
use crate::storage::offsets::OffsetStore;
use crate::storage::status::{State, StatusStore};

pub struct ConnectorContext {
    pub worker: Arc<WorkerConfig>,
    pub config: ConnectorConfig,
    pub plugin: PluginRef,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
}

struct Tasks {
    configs: Vec<Props>,
    shutdown: watch::Sender<bool>,
    handles: Vec<JoinHandle<TaskExit>>,
}

impl Tasks {
    async fn stop(self) {
        let _ = self.shutdown.send(true);
        for h in self.handles {
            let _ = h.await;
        }
    }
}

pub async fn run(ctx: ConnectorContext, mut shutdown: watch::Receiver<bool>) {
    let name = ctx.config.name().to_string();
    let mut backoff = Backoff::new();
    let mut tasks: Option<Tasks> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        match run_stream(&ctx, &mut tasks, &mut shutdown).await {
            Ok(()) => break,
            Err(Failure::Retry(e)) => {
                tracing::warn!(connector = %name, error = %e, "connector lost its process; reconnecting");
                ctx.status.set_connector(&name, State::Restarting, Some(e));
                if backoff.wait(&mut shutdown).await {
                    break;
                }
            }
            Err(Failure::Fatal(e)) => {
                tracing::error!(connector = %name, error = %e, "connector failed");
                ctx.status.set_connector(&name, State::Failed, Some(e));
                let _ = shutdown.changed().await;
                break;
            }
        }
    }
    if let Some(t) = tasks.take() {
        t.stop().await;
    }
}

enum Failure {
    Retry(String),
    Fatal(String),
}

impl From<StreamError> for Failure {
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::Disconnected(m) | StreamError::Timeout(m) => Failure::Retry(m),
            other => Failure::Fatal(other.to_string()),
        }
    }
}

async fn run_stream(
    ctx: &ConnectorContext,
    tasks: &mut Option<Tasks>,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), Failure> {
    let name = ctx.config.name();
    let class = ctx.config.class();
    let session = ctx.plugin.connect(&ctx.worker, class).await.map_err(|e| match e {
        PluginError::Unavailable(m) => Failure::Retry(m),
        PluginError::Incompatible(m) => Failure::Fatal(m),
    })?;
    let plugin_type = session
        .negotiated
        .plugins
        .iter()
        .find(|p| p.matches(class))
        .and_then(|p| p.plugin_type)
        .ok_or_else(|| Failure::Fatal(format!("the connector process does not say whether {class} is a source or a sink")))?;
    ctx.status.set_connector_type(name, plugin_type.as_str());
    let liveness = Liveness::new(ctx.worker.heartbeat_interval, ctx.worker.idle_timeout);
    let mut stream = ConnectorStream::open(&session, class, name, &ctx.config.props, liveness).await?;
    ctx.status.set_connector(name, State::Running, None);
    tracing::info!(connector = name, class, endpoint = %session.target.describe(), sdk = %session.negotiated.sdk, "connector started");
    stream.request_task_configs(ctx.config.tasks_max()).await?;
    let mut hb = tokio::time::interval(ctx.worker.heartbeat_interval.min(Duration::from_secs(1)).max(Duration::from_millis(100)));
    loop {
        tokio::select! {
            ev = stream.recv() => match ev? {
                ConnectorEvent::TaskConfigs(configs) => {
                    if configs.len() > ctx.config.tasks_max() as usize {
                        return Err(Failure::Fatal(format!(
                            "the connector returned {} task configs but tasks.max is {}",
                            configs.len(), ctx.config.tasks_max()
                        )));
                    }
                    let unchanged = tasks.as_ref().map(|t| t.configs == configs).unwrap_or(false);
                    if !unchanged {
                        if let Some(t) = tasks.take() {
                            tracing::info!(connector = name, "task configs changed; restarting tasks");
                            t.stop().await;
                            ctx.status.remove_tasks(name);
                        }
                        *tasks = Some(start_tasks(ctx, plugin_type, configs));
                    }
                }
                ConnectorEvent::Reconfigure(reason) => {
                    tracing::info!(connector = name, %reason, "connector requested task reconfiguration");
                    stream.request_task_configs(ctx.config.tasks_max()).await?;
                }
                ConnectorEvent::Error(e) => {
                    if e.kind == crate::plugin::streams::ErrorKind::Retriable {
                        tracing::warn!(connector = name, error = %e.trace(), "retriable connector error");
                    } else {
                        return Err(Failure::Fatal(e.trace()));
                    }
                }
                ConnectorEvent::Heartbeat => {}
            },
            _ = hb.tick() => {
                if stream.liveness.needs_heartbeat() {
                    stream.heartbeat().await?;
                }
                stream.liveness.check_idle()?;
            }
            _ = shutdown.changed() => {
                if let Some(t) = tasks.take() {
                    t.stop().await;
                }
                stream.stop(ctx.worker.task_shutdown_graceful_timeout).await;
                return Ok(());
            }
        }
    }
}

fn start_tasks(ctx: &ConnectorContext, plugin_type: PluginType, configs: Vec<Props>) -> Tasks {
    let (tx, rx) = watch::channel(false);
    let mut handles = Vec::with_capacity(configs.len());
    for (i, c) in configs.iter().enumerate() {
        let tctx = TaskContext {
            worker: ctx.worker.clone(),
            connector: ctx.config.clone(),
            task_id: i as u32,
            task_config: c.clone(),
            plugin: ctx.plugin.clone(),
            offsets: ctx.offsets.clone(),
            status: ctx.status.clone(),
        };
        tctx.status(State::Unassigned, None);
        let rx = rx.clone();
        handles.push(match plugin_type {
            PluginType::Source => tokio::spawn(super::source::run(tctx, rx)),
            PluginType::Sink => tokio::spawn(super::sink::run(tctx, rx)),
        });
    }
    Tasks {
        configs,
        shutdown: tx,
        handles,
    }
}
