//! The standalone herder: one process, connector configs and target states in the config
//! store beside the offsets file (or in memory), every connector and task run here.
//!
//! Operations that change something are serialized, as in Kafka Connect's herder, and each
//! is complete when it returns (a stopped connector's tasks are gone).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};

use super::{offsets, ConnectorTaskId, Herder, HerderError};
use crate::config::{ConnectorConfig, Props};
use crate::plugin::PluginType;
use crate::storage::configs::{ConfigStore, StoredConnector, TargetState};
use crate::storage::status::{ConnectorStatus, State, StateInfo};
use crate::worker::connector::{Command, ConnectorShared};
use crate::worker::{ConnectorInfo, Entry, Worker};

/// How long a REST operation waits for a connector to carry it out (Kafka Connect's
/// request timeout).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
/// How long creating or updating a connector waits for its task configs, so the answer
/// lists its tasks as Kafka Connect's does.
const TASKS_WAIT: Duration = Duration::from_secs(5);

fn not_found(name: &str) -> HerderError {
    HerderError::connector_not_found(name)
}

pub struct StandaloneHerder {
    worker: Arc<Worker>,
    configs: ConfigStore,
}

impl StandaloneHerder {
    /// Over `worker`, with the config store `polyconnect.config.storage.file.filename` names
    /// (by default beside the offsets file; in memory without one).
    pub fn new(worker: Arc<Worker>) -> anyhow::Result<StandaloneHerder> {
        let config = &worker.config;
        let path = match config.get("polyconnect.config.storage.file.filename") {
            Some(p) if !p.trim().is_empty() => Some(std::path::PathBuf::from(p.trim())),
            _ => config
                .offset_storage_file
                .as_deref()
                .map(ConfigStore::path_beside),
        };
        let configs = ConfigStore::open(path.as_deref())?;
        Ok(StandaloneHerder { worker, configs })
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
                ConnectorConfig::new(self.worker.resolve(&raw).map_err(|e| anyhow::anyhow!(e))?)?;
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
        self.worker
            .status
            .set_connector(name, State::Failed, Some(trace));
        self.worker.connectors.lock().unwrap().insert(
            name.to_string(),
            Entry {
                raw: stored.config,
                target: stored.target_state,
                shared: Arc::new(ConnectorShared::default()),
                runner: None,
            },
        );
    }

    /// Stops every connector (staged task shutdown, offsets flushed), then the plugins.
    pub async fn shutdown(&self) {
        self.worker.shutdown().await;
    }

    fn status_now(&self, name: &str) -> Option<ConnectorStatus> {
        let mut s = self.worker.status.connector(name)?;
        if s.connector_type == "unknown" {
            if let Some(info) = self.worker.connector_info(name) {
                s.connector_type = info.connector_type.to_string();
            }
        }
        Some(s)
    }

    fn commands(&self, name: &str) -> Option<mpsc::UnboundedSender<Command>> {
        let conns = self.worker.connectors.lock().unwrap();
        conns.get(name)?.runner.as_ref().map(|r| r.commands.clone())
    }

    /// The command channel of a connector's actor; one that could not start (a stored
    /// connector whose plugin was missing) is started now.
    fn commands_or_start(
        &self,
        name: &str,
    ) -> Result<Option<mpsc::UnboundedSender<Command>>, HerderError> {
        let w = &self.worker;
        let (raw, target, shared) = {
            let conns = w.connectors.lock().unwrap();
            let e = conns.get(name).ok_or_else(|| not_found(name))?;
            if let Some(r) = &e.runner {
                return Ok(Some(r.commands.clone()));
            }
            (e.raw.clone(), e.target, e.shared.clone())
        };
        let (config, plugin) = w.prepare(name, &raw).map_err(|e| {
            w.status
                .set_connector(name, State::Failed, Some(e.to_string()));
            HerderError::Internal(format!("Failed to start connector {name}: {e}"))
        })?;
        let runner = w.spawn_runner(name, config, plugin, target, shared, None, None);
        if let Some(e) = w.connectors.lock().unwrap().get_mut(name) {
            e.runner = Some(runner);
        }
        Ok(None)
    }

    async fn send(
        commands: mpsc::UnboundedSender<Command>,
        command: impl FnOnce(oneshot::Sender<()>) -> Command,
    ) -> Result<(), HerderError> {
        let (done, wait) = oneshot::channel();
        if commands.send(command(done)).is_ok() {
            match tokio::time::timeout(REQUEST_TIMEOUT, wait).await {
                Ok(_) => {}
                Err(_) => return Err(HerderError::Timeout("Request timed out".into())),
            }
        }
        Ok(())
    }

    async fn send_restart(
        commands: mpsc::UnboundedSender<Command>,
        connector: bool,
        tasks: Vec<u32>,
    ) -> Result<(), HerderError> {
        Self::send(commands, |done| Command::Restart {
            connector,
            tasks,
            done,
        })
        .await
    }

    fn check_stopped(&self, name: &str) -> Result<Props, HerderError> {
        let conns = self.worker.connectors.lock().unwrap();
        let e = conns.get(name).ok_or_else(|| not_found(name))?;
        if e.target != TargetState::Stopped || !e.shared.task_configs.lock().unwrap().is_empty() {
            return Err(super::not_stopped(name));
        }
        Ok(e.raw.clone())
    }
}

#[async_trait]
impl Herder for StandaloneHerder {
    fn worker(&self) -> &Arc<Worker> {
        &self.worker
    }

    fn connectors(&self) -> Vec<String> {
        self.worker.connector_names()
    }

    fn connector_info(&self, name: &str) -> Option<ConnectorInfo> {
        self.worker.connector_info(name)
    }

    fn connector_config(&self, name: &str) -> Option<Props> {
        self.worker.connector_config(name)
    }

    async fn connector_status(&self, name: &str) -> Option<ConnectorStatus> {
        self.status_now(name)
    }

    fn task_status(&self, id: &ConnectorTaskId) -> Option<StateInfo> {
        self.worker.status.task(id)
    }

    fn task_configs(&self, name: &str) -> Result<Vec<Props>, HerderError> {
        let mut tasks = self.worker.task_configs(name)?;
        // Served as Kafka Connect stores them: with the connector's `${...}` references.
        if let Some(raw) = self.worker.connector_config(name) {
            super::restore_references(&raw, &mut tasks);
        }
        Ok(tasks)
    }

    async fn put_connector(
        &self,
        name: &str,
        raw: Props,
        initial: Option<TargetState>,
        allow_replace: bool,
        validated: Option<PluginType>,
    ) -> Result<(bool, ConnectorInfo), HerderError> {
        let w = &self.worker;
        let _op = w.ops.lock().await;
        let existing = {
            let conns = w.connectors.lock().unwrap();
            conns.get(name).map(|e| (e.raw.clone(), e.target))
        };
        if existing.is_some() && !allow_replace {
            return Err(HerderError::AlreadyExists(format!(
                "Connector {name} already exists"
            )));
        }
        let (config, plugin) = w.prepare(name, &raw)?;
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
        let old = w.connectors.lock().unwrap().remove(name);
        let shared = match old {
            Some(old) => {
                let shared = old.shared.clone();
                w.stop_entry(name, old).await;
                shared.task_configs.lock().unwrap().clear();
                *shared.plugin_type.lock().unwrap() = None;
                shared
            }
            None => Arc::new(ConnectorShared::default()),
        };
        if let Some(t) = validated {
            *shared.plugin_type.lock().unwrap() = Some(t);
        }
        let runner = w.spawn_runner(name, config, plugin, target, shared.clone(), None, None);
        w.connectors.lock().unwrap().insert(
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
                && !matches!(w.status.connector_state(name), Some(State::Failed))
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let info = w.connector_info(name).ok_or_else(|| not_found(name))?;
        Ok((existing.is_none(), info))
    }

    async fn delete_connector(&self, name: &str) -> Result<(), HerderError> {
        let w = &self.worker;
        let _op = w.ops.lock().await;
        if !w.connectors.lock().unwrap().contains_key(name) {
            return Err(not_found(name));
        }
        self.configs.remove(name).map_err(|e| {
            HerderError::Internal(format!("cannot store the connector config: {e}"))
        })?;
        let entry = w.connectors.lock().unwrap().remove(name);
        if let Some(e) = entry {
            w.stop_entry(name, e).await;
        }
        w.status.remove(name);
        tracing::info!(connector = name, "connector deleted");
        Ok(())
    }

    /// Done when the connector is in the new state (for STOPPED: its tasks have stopped).
    async fn set_target_state(&self, name: &str, target: TargetState) -> Result<(), HerderError> {
        let w = &self.worker;
        let _op = w.ops.lock().await;
        let commands = {
            let conns = w.connectors.lock().unwrap();
            let e = conns.get(name).ok_or_else(|| match target {
                TargetState::Stopped => not_found(name),
                _ => HerderError::NotFound(format!("Unknown connector {name}")),
            })?;
            e.runner.as_ref().map(|r| r.commands.clone())
        };
        self.configs.set_target_state(name, target).map_err(|e| {
            HerderError::Internal(format!("cannot store the connector's target state: {e}"))
        })?;
        if let Some(e) = w.connectors.lock().unwrap().get_mut(name) {
            e.target = target;
        }
        if let Some(commands) = commands {
            Self::send(commands, |done| Command::Target(target, done)).await?;
        }
        tracing::info!(
            connector = name,
            target = target.as_str(),
            "connector target state changed"
        );
        Ok(())
    }

    async fn restart_connector(&self, name: &str) -> Result<(), HerderError> {
        let _op = self.worker.ops.lock().await;
        match self.commands_or_start(name)? {
            Some(commands) => Self::send_restart(commands, true, Vec::new()).await,
            None => Ok(()),
        }
    }

    async fn restart_connector_and_tasks(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<ConnectorStatus, HerderError> {
        let w = &self.worker;
        let _op = w.ops.lock().await;
        if !w.connectors.lock().unwrap().contains_key(name) {
            return Err(HerderError::NotFound(format!("Unknown connector: {name}")));
        }
        let mut plan = self.status_now(name).ok_or_else(|| {
            HerderError::NotFound(format!("Status for connector {name} not found"))
        })?;
        let restart_connector = !only_failed || plan.connector.state == State::Failed;
        if restart_connector {
            plan.connector.state = State::Restarting;
            w.status
                .set_connector(name, State::Restarting, plan.connector.trace.clone());
        }
        let mut tasks = Vec::new();
        for t in plan.tasks.iter_mut() {
            if include_tasks && (!only_failed || t.info.state == State::Failed) {
                t.info.state = State::Restarting;
                w.status.set_task(
                    &ConnectorTaskId::new(name, t.id as i32),
                    State::Restarting,
                    t.info.trace.clone(),
                );
                tasks.push(t.id);
            }
        }
        tracing::info!(connector = name, restart_connector, ?tasks, "restarting");
        if restart_connector || !tasks.is_empty() {
            if let Some(commands) = self.commands_or_start(name)? {
                Self::send_restart(commands, restart_connector, tasks).await?;
            }
        }
        Ok(plan)
    }

    async fn restart_task(&self, id: &ConnectorTaskId) -> Result<(), HerderError> {
        let w = &self.worker;
        let name = id.connector.as_str();
        let _op = w.ops.lock().await;
        let count = w.task_configs(name)?.len() as i64;
        if id.task < 0 || i64::from(id.task) >= count {
            return Err(HerderError::NotFound(format!("Task {id} not found")));
        }
        let task = id.task as u32;
        let commands = self.commands(name).ok_or_else(|| not_found(name))?;
        let trace = w.status.task(id).and_then(|t| t.trace);
        w.status.set_task(id, State::Restarting, trace);
        Self::send_restart(commands, false, vec![task]).await
    }

    fn active_topics(&self, name: &str) -> Vec<String> {
        let conns = self.worker.connectors.lock().unwrap();
        conns
            .get(name)
            .map(|e| e.shared.topics.list())
            .unwrap_or_default()
    }

    async fn reset_active_topics(&self, name: &str) {
        if let Some(e) = self.worker.connectors.lock().unwrap().get(name) {
            e.shared.topics.reset();
        }
    }

    async fn connector_offsets(
        &self,
        name: &str,
    ) -> Result<Vec<(serde_json::Value, serde_json::Value)>, HerderError> {
        let plugin_type = self.worker.plugin_type(name).await?;
        let raw = self.connector_config(name).ok_or_else(|| not_found(name))?;
        offsets::read(&self.worker, &self.worker.offsets, name, &raw, plugin_type).await
    }

    async fn modify_offsets(
        &self,
        name: &str,
        list: Option<Vec<(serde_json::Value, Option<serde_json::Value>)>>,
    ) -> Result<String, HerderError> {
        let _op = self.worker.ops.lock().await;
        let raw = self.check_stopped(name)?;
        let plugin_type = self.worker.plugin_type(name).await?;
        offsets::modify(
            &self.worker,
            &self.worker.offsets,
            None,
            name,
            &raw,
            plugin_type,
            list,
        )
        .await
    }
}
