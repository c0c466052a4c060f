//! The distributed herder: what the REST API of a cluster member talks to.
//!
//! Reads come from the Kafka-backed stores (every worker reads the config and status
//! topics, so any worker answers for the whole cluster); changes are written to the config
//! topic by the leader (the forwarding middleware brought them there), and the group's
//! assignment decides which worker carries them out.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::Cluster;
use crate::config::Props;
use crate::herder::{
    not_stopped, offsets, ConnectorTaskId, Herder, HerderError, Leadership, Signature,
};
use crate::plugin::PluginType;
use crate::storage::configs::TargetState;
use crate::storage::status::{ConnectorStatus, StateInfo};
use crate::worker::{ConnectorInfo, Worker};

pub struct DistributedHerder {
    pub(crate) worker: Arc<Worker>,
    pub(crate) cluster: Arc<Cluster>,
}

impl DistributedHerder {
    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.cluster
    }

    fn leadership_of(status: &super::herder::HerderStatus) -> Leadership {
        if status.rebalancing {
            Leadership::Unknown { rebalancing: true }
        } else if status.is_leader {
            Leadership::Here
        } else if status.leader_url.is_empty() {
            Leadership::Unknown { rebalancing: false }
        } else {
            Leadership::Elsewhere(status.leader_url.clone())
        }
    }
}

#[async_trait]
impl Herder for DistributedHerder {
    fn worker(&self) -> &Arc<Worker> {
        &self.worker
    }

    fn http_client(&self) -> reqwest::Client {
        self.cluster.http.clone()
    }

    fn leadership(&self) -> Leadership {
        Self::leadership_of(&self.cluster.herder_status())
    }

    async fn settled_leadership(&self, wait: Duration) -> Leadership {
        let mut status = self.cluster.herder_status();
        if status.rebalancing {
            if let Some(mut watch) = self.cluster.herder_watch() {
                // The state that ended the wait, not the latest: rebalances can follow each
                // other back to back (a stop revokes tasks, and the group rejoins at once),
                // and a settled moment between them is an answer.
                let settled = tokio::time::timeout(wait, watch.wait_for(|s| !s.rebalancing))
                    .await
                    .ok()
                    .and_then(|r| r.ok().map(|s| s.clone()));
                status = settled.unwrap_or_else(|| watch.borrow().clone());
            }
        }
        Self::leadership_of(&status)
    }

    fn connectors(&self) -> Vec<String> {
        self.cluster
            .configs
            .snapshot()
            .connectors()
            .map(str::to_string)
            .collect()
    }

    fn connector_info(&self, name: &str) -> Option<ConnectorInfo> {
        self.cluster.sync_entries(&self.worker);
        self.worker.connector_info(name)
    }

    fn connector_config(&self, name: &str) -> Option<Props> {
        self.cluster
            .configs
            .snapshot()
            .connector_config(name)
            .map(super::from_raw)
    }

    async fn connector_status(&self, name: &str) -> Option<ConnectorStatus> {
        let mut status = self.cluster.connector_status(&self.worker, name)?;
        if status.connector_type == "unknown" {
            // Not run here and not in a manifest (a connector container): its plugin says.
            self.cluster.sync_entries(&self.worker);
            match self.worker.plugin_type(name).await {
                Ok(t) => status.connector_type = t.as_str().to_string(),
                Err(e) => tracing::debug!(connector = name, error = %e, "type unknown"),
            }
        }
        Some(status)
    }

    fn task_status(&self, id: &ConnectorTaskId) -> Option<StateInfo> {
        // Whichever worker runs the task wrote its status to the status topic.
        if !self.cluster.configs.snapshot().contains(&id.connector) {
            return None;
        }
        self.cluster.statuses.task(id).map(|s| super::info_of(&s))
    }

    fn task_configs(&self, name: &str) -> Result<Vec<Props>, HerderError> {
        let snapshot = self.cluster.configs.snapshot();
        if !snapshot.contains(name) {
            return Err(HerderError::connector_not_found(name));
        }
        Ok(snapshot
            .tasks(name)
            .iter()
            .filter_map(|id| snapshot.task_config(id).map(super::from_raw))
            .collect())
    }

    async fn put_connector(
        &self,
        name: &str,
        raw: Props,
        initial: Option<TargetState>,
        allow_replace: bool,
        validated: Option<PluginType>,
    ) -> Result<(bool, ConnectorInfo), HerderError> {
        self.cluster
            .put_connector(&self.worker, name, raw, initial, allow_replace, validated)
            .await
    }

    async fn delete_connector(&self, name: &str) -> Result<(), HerderError> {
        self.cluster.delete_connector(&self.worker, name).await
    }

    async fn set_target_state(&self, name: &str, target: TargetState) -> Result<(), HerderError> {
        self.cluster
            .set_target_state(&self.worker, name, target)
            .await
    }

    async fn restart_connector(&self, name: &str) -> Result<(), HerderError> {
        self.cluster
            .restart(&self.worker, name, false, false)
            .await
            .map(|_| ())
    }

    async fn restart_connector_and_tasks(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<ConnectorStatus, HerderError> {
        self.cluster
            .restart(&self.worker, name, include_tasks, only_failed)
            .await
    }

    async fn restart_task(&self, id: &ConnectorTaskId) -> Result<(), HerderError> {
        let count = self.task_configs(&id.connector)?.len() as i64;
        if id.task < 0 || i64::from(id.task) >= count {
            return Err(HerderError::NotFound(format!("Task {id} not found")));
        }
        self.cluster.restart_task(&self.worker, id).await
    }

    async fn put_task_configs(
        &self,
        name: &str,
        signature: Signature<'_>,
        body: &[u8],
    ) -> Result<(), HerderError> {
        super::forward::verify(&self.cluster, &signature, body)?;
        let configs: Vec<Props> = serde_json::from_slice(body).map_err(|e| {
            HerderError::Invalid(format!(
                "task configs must be a JSON list of string maps: {e}"
            ))
        })?;
        if !self.cluster.configs.snapshot().contains(name) {
            return Err(HerderError::connector_not_found(name));
        }
        self.cluster
            .write_task_configs(name, configs.iter().map(super::to_raw).collect())
            .await
            .map_err(|e| {
                HerderError::Internal(format!(
                    "cannot write the task configs to the config topic: {e}"
                ))
            })
    }

    async fn fence_zombies(
        &self,
        name: &str,
        signature: Signature<'_>,
        body: &[u8],
    ) -> Result<(), HerderError> {
        super::forward::verify(&self.cluster, &signature, body)?;
        tracing::info!(
            connector = name,
            "another worker asks for a round of zombie fencing"
        );
        self.cluster.fence_zombie_source_tasks(name).await
    }

    fn active_topics(&self, name: &str) -> Vec<String> {
        // Every worker's tasks record theirs in the status topic.
        self.cluster.statuses.topics(name).into_keys().collect()
    }

    async fn reset_active_topics(&self, name: &str) {
        if let Some(e) = self.worker.connectors.lock().unwrap().get(name) {
            e.shared.topics.reset();
        }
        if let Err(e) = self.cluster.statuses.reset_topics(name).await {
            tracing::warn!(connector = name, error = %e, "cannot reset the active topics in the status topic");
        }
    }

    async fn connector_offsets(
        &self,
        name: &str,
    ) -> Result<Vec<(serde_json::Value, serde_json::Value)>, HerderError> {
        self.cluster.sync_entries(&self.worker);
        let raw = self
            .connector_config(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        let plugin_type = self.worker.plugin_type(name).await?;
        let store = match plugin_type {
            PluginType::Source => self.cluster.source_offsets(name, &raw).await?,
            PluginType::Sink => self.worker.offsets.clone(),
        };
        offsets::read(&self.worker, &store, name, &raw, plugin_type).await
    }

    async fn modify_offsets(
        &self,
        name: &str,
        list: Option<Vec<(serde_json::Value, Option<serde_json::Value>)>>,
    ) -> Result<String, HerderError> {
        let _op = self.worker.ops.lock().await;
        let snapshot = self.cluster.configs.snapshot();
        let raw = snapshot
            .connector_config(name)
            .map(super::from_raw)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        let stopped = snapshot.target_state(name)
            == Some(polyconnect_group::records::TargetState::Stopped)
            && snapshot.tasks(name).is_empty();
        if !stopped {
            return Err(not_stopped(name));
        }
        drop(snapshot);
        self.cluster.sync_entries(&self.worker);
        let plugin_type = self.worker.plugin_type(name).await?;
        let (store, writer) = match plugin_type {
            PluginType::Source => {
                let store = self.cluster.source_offsets(name, &raw).await?;
                let writer = if self.cluster.exactly_once_enabled() {
                    // Kafka Connect fences the connector's tasks first, then writes the
                    // offsets in a transaction of task 0's transactional id.
                    self.cluster.fence_zombie_source_tasks(name).await.map_err(|e| {
                        HerderError::Internal(format!("Failed to perform zombie fencing for source connector prior to modifying offsets: {e}"))
                    })?;
                    Some(self.cluster.exactly_once_offsets_writer(name, &raw))
                } else {
                    None
                };
                (store, writer)
            }
            PluginType::Sink => (self.worker.offsets.clone(), None),
        };
        offsets::modify(&self.worker, &store, writer, name, &raw, plugin_type, list).await
    }

    async fn put_cluster_logger_level(
        &self,
        namespace: &str,
        level: &str,
    ) -> Result<bool, HerderError> {
        // Every worker applies it when it reads the record (KIP-976), this one too.
        self.cluster
            .configs
            .put_logger_level(namespace, Some(level.to_string()))
            .await
            .map_err(|e| {
                HerderError::Internal(format!(
                    "cannot write the logger level to the config topic: {e}"
                ))
            })?;
        Ok(true)
    }
}
