//! The worker: runs connectors and their tasks (standalone mode's herder).
//!
//! - `connector.rs`: a connector instance: its stream, task configs, reconfiguration.
//! - `source.rs`, `sink.rs`: the task runners.

mod connector;
pub mod sink;
pub mod source;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Mutex};
use tokio::task::JoinHandle;

use crate::config::{with_prefix, ConfigProviders, ConnectorConfig, Props, WorkerConfig};
use crate::converter::{Converter, ConverterFactory, DEFAULT_CONVERTER_CLASS};
use crate::plugin::{PluginRef, PluginRegistry};
use crate::storage::offsets::OffsetStore;
use crate::storage::status::{State, StatusStore};

/// Everything a task runner needs.
pub struct TaskContext {
    pub worker: Arc<WorkerConfig>,
    pub connector: ConnectorConfig,
    pub task_id: u32,
    pub task_config: Props,
    pub plugin: PluginRef,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
}

pub enum TaskExit {
    Stopped,
    Failed,
}

impl TaskContext {
    pub fn status(&self, state: State, trace: Option<String>) {
        self.status.set_task(self.connector.name(), self.task_id, state, trace);
    }

    pub fn fail(&self, trace: impl Into<String>) -> TaskExit {
        self.status(State::Failed, Some(trace.into()));
        TaskExit::Failed
    }

    /// The key and value converters: the connector's overrides, else the worker's.
    pub fn converters(&self) -> Result<(Box<dyn Converter>, Box<dyn Converter>), String> {
        let make = |role: &str, is_key: bool| -> Result<Box<dyn Converter>, String> {
            let key = format!("{role}.converter");
            let prefix = format!("{key}.");
            let (class, settings) = match self.connector.get(&key) {
                Some(c) => (c.to_string(), with_prefix(&self.connector.props, &prefix)),
                None => (
                    self.worker.get(&key).unwrap_or(DEFAULT_CONVERTER_CLASS).to_string(),
                    with_prefix(&self.worker.props, &prefix),
                ),
            };
            ConverterFactory::create(class.trim(), &settings, is_key)
        };
        Ok((make("key", true)?, make("value", false)?))
    }
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

    /// Sleeps; returns true if shutdown was requested meanwhile.
    pub async fn wait(&mut self, shutdown: &mut watch::Receiver<bool>) -> bool {
        use rand::Rng;
        let jitter = rand::rng().random_range(0.8..1.2);
        let d = self.next.mul_f64(jitter);
        self.next = (self.next * 2).min(Duration::from_secs(30));
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

struct RunningConnector {
    config: ConnectorConfig,
    shutdown: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

/// The standalone worker.
pub struct Worker {
    pub config: Arc<WorkerConfig>,
    pub plugins: Arc<PluginRegistry>,
    pub offsets: Arc<OffsetStore>,
    pub status: Arc<StatusStore>,
    providers: ConfigProviders,
    connectors: Mutex<BTreeMap<String, RunningConnector>>,
}

impl Worker {
    pub fn new(config: WorkerConfig) -> anyhow::Result<Worker> {
        let providers = ConfigProviders::from_worker(&config.props)?;
        let offsets = OffsetStore::open(config.offset_storage_file.as_deref())?;
        let plugins = PluginRegistry::discover(&config);
        let worker_id = worker_id(&config);
        Ok(Worker {
            config: Arc::new(config),
            plugins: Arc::new(plugins),
            offsets: Arc::new(offsets),
            status: Arc::new(StatusStore::new(worker_id)),
            providers,
            connectors: Mutex::new(BTreeMap::new()),
        })
    }

    /// Starts a connector and its tasks. The raw config (with `${provider:..}` references)
    /// is what is kept; references are resolved for the running connector.
    pub async fn start_connector(&self, raw: Props) -> anyhow::Result<()> {
        let resolved = ConnectorConfig::new(self.providers.resolve(&raw)?)?;
        let name = resolved.name().to_string();
        let mut conns = self.connectors.lock().await;
        if conns.contains_key(&name) {
            anyhow::bail!("Connector {name} already exists");
        }
        let plugin = self
            .plugins
            .resolve(&resolved)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let (tx, rx) = watch::channel(false);
        self.status.set_connector(&name, State::Unassigned, None);
        let handle = tokio::spawn(connector::run(
            connector::ConnectorContext {
                worker: self.config.clone(),
                config: resolved.clone(),
                plugin,
                offsets: self.offsets.clone(),
                status: self.status.clone(),
            },
            rx,
        ));
        conns.insert(
            name,
            RunningConnector {
                config: resolved,
                shutdown: tx,
                handle,
            },
        );
        Ok(())
    }

    pub async fn connector_names(&self) -> Vec<String> {
        self.connectors.lock().await.keys().cloned().collect()
    }

    pub async fn connector_config(&self, name: &str) -> Option<ConnectorConfig> {
        self.connectors.lock().await.get(name).map(|c| c.config.clone())
    }

    /// Stops every connector (staged task shutdown, offsets flushed), then the plugins.
    pub async fn shutdown(&self) {
        let conns: Vec<RunningConnector> = {
            let mut map = self.connectors.lock().await;
            std::mem::take(&mut *map).into_values().collect()
        };
        for c in &conns {
            let _ = c.shutdown.send(true);
        }
        let grace = self.config.task_shutdown_graceful_timeout * 3 + Duration::from_secs(5);
        for c in conns {
            if tokio::time::timeout(grace, c.handle).await.is_err() {
                tracing::warn!(connector = c.config.name(), "connector did not stop within {:?}", grace);
            }
        }
        self.plugins.shutdown().await;
    }
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
