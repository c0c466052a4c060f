//! The herder: what the REST API talks to, and nothing else does its work.
//!
//! As in Kafka Connect, a herder decides: it keeps connector configs and target states in
//! its config store, answers for statuses, task configs and offsets, and tells the
//! [`Worker`] which connectors and tasks to run. The worker runs them and decides nothing.
//!
//! - this file: the [`Herder`] trait, its errors ([`HerderError`], named by what went wrong;
//!   the HTTP status of each is `rest/`'s business), and the part both herders share: the
//!   offsets endpoints' checks and their reads and writes.
//! - `standalone.rs`: [`standalone::StandaloneHerder`], one process, configs in a file.
//! - the distributed herder lives with the group client in [`crate::distributed`]
//!   ([`crate::distributed::rest_herder::DistributedHerder`]).

pub mod standalone;
pub mod validate;

use std::sync::Arc;

use async_trait::async_trait;
pub use polyconnect_group::ConnectorTaskId;

use crate::config::{ConnectorConfig, Props};
use crate::plugin::PluginType;
use crate::storage::configs::TargetState;
use crate::storage::group_offsets;
use crate::storage::status::{ConnectorStatus, StateInfo};
use crate::worker::{ConnectorInfo, Worker};

/// What went wrong in a herder operation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HerderError {
    /// No such connector or task.
    #[error("{0}")]
    NotFound(String),
    /// A connector of that name exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// The request or the config is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// Only the leader can do this; `leader_url` is where it is (when known).
    #[error("{message}")]
    NotLeader {
        leader_url: Option<String>,
        message: String,
    },
    /// The cluster is rebalancing (or an item is moving between workers): try again.
    #[error("{0}")]
    Rebalancing(String),
    /// An internal request's signature is missing the mark.
    #[error("{0}")]
    Forbidden(String),
    /// Not possible yet (e.g. no session key to check a signature with).
    #[error("{0}")]
    Unavailable(String),
    /// The operation did not finish in time.
    #[error("{0}")]
    Timeout(String),
    #[error("{0}")]
    Internal(String),
}

impl HerderError {
    pub fn connector_not_found(name: &str) -> HerderError {
        HerderError::NotFound(format!("Connector {name} not found"))
    }
}

/// Who may carry out changes to the cluster's connectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leadership {
    /// This herder (always, in standalone mode).
    Here,
    /// Another worker, at this URL.
    Elsewhere(String),
    /// Not known right now (a rebalance, or the group is not joined).
    Unknown { rebalancing: bool },
}

/// A signed internal request (Kafka Connect's `X-Connect-Authorization`).
pub struct Signature<'a> {
    pub signature: Option<&'a str>,
    pub algorithm: Option<&'a str>,
}

/// The operations of Kafka Connect's herder that the REST API needs.
///
/// Operations that change something are complete when they return, as far as the herder
/// can tell: in standalone mode the connector is in its new state; in distributed mode the
/// change is in the config topic and the workers that run the items carry it out.
#[async_trait]
pub trait Herder: Send + Sync {
    /// The runtime under this herder: its plugins (listing, validation), log levels and
    /// metrics. The REST API reads no store through it.
    fn worker(&self) -> &Arc<Worker>;

    /// The client requests to other workers go out with (their TLS settings).
    fn http_client(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// Kafka Connect's validation of a connector config (`ConfigInfos`, every problem of
    /// every key), with whether it is a source or a sink. The connector's own keys are its
    /// process's to define and judge.
    async fn validate_connector_config(
        &self,
        config: &[(String, Option<String>)],
    ) -> Result<(validate::ConfigInfos, PluginType), HerderError> {
        validate::validate(self.worker(), config).await
    }

    /// A config to create or update a connector with, once validation found no problem
    /// (otherwise `Invalid` listing every one, in Kafka Connect's words).
    async fn validated_config(
        &self,
        config: Vec<(String, Option<String>)>,
    ) -> Result<(Props, PluginType), HerderError> {
        let (infos, plugin_type) = self.validate_connector_config(&config).await?;
        if infos.error_count > 0 {
            let mut msg = format!(
                "Connector configuration is invalid and contains the following {} error(s):",
                infos.error_count
            );
            for c in &infos.configs {
                if let Some(v) = &c.value {
                    for e in &v.errors {
                        msg.push('\n');
                        msg.push_str(e);
                    }
                }
            }
            msg.push_str("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`");
            return Err(HerderError::Invalid(msg));
        }
        Ok((
            config
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
            plugin_type,
        ))
    }

    /// Whether this herder may carry out changes now, or who can.
    fn leadership(&self) -> Leadership {
        Leadership::Here
    }

    /// [`Herder::leadership`], after waiting up to `wait` for a rebalance to end.
    async fn settled_leadership(&self, wait: std::time::Duration) -> Leadership {
        let _ = wait;
        self.leadership()
    }

    fn connectors(&self) -> Vec<String>;
    fn connector_info(&self, name: &str) -> Option<ConnectorInfo>;
    /// The config as given, with its `${...}` references.
    fn connector_config(&self, name: &str) -> Option<Props>;
    /// The statuses, with the connector's type (asked of its plugin when nothing else
    /// tells it).
    async fn connector_status(&self, name: &str) -> Option<ConnectorStatus>;
    fn task_status(&self, id: &ConnectorTaskId) -> Option<StateInfo>;
    /// The task configs (empty while stopped), with `${...}` references as stored.
    fn task_configs(&self, name: &str) -> Result<Vec<Props>, HerderError>;

    /// Creates or replaces a connector. `validated`: the config was validated and found to
    /// be of this type (the answer then waits briefly for the task configs, so it lists the
    /// tasks as Kafka Connect's does). `initial`: the target state (None keeps the current
    /// one; STARTED for a new connector). Returns whether it was created.
    async fn put_connector(
        &self,
        name: &str,
        raw: Props,
        initial: Option<TargetState>,
        allow_replace: bool,
        validated: Option<PluginType>,
    ) -> Result<(bool, ConnectorInfo), HerderError>;
    async fn delete_connector(&self, name: &str) -> Result<(), HerderError>;
    /// Pause, resume or stop.
    async fn set_target_state(&self, name: &str, target: TargetState) -> Result<(), HerderError>;
    /// The connector instance only.
    async fn restart_connector(&self, name: &str) -> Result<(), HerderError>;
    /// Kafka Connect's restart plan: the states, RESTARTING for what is being restarted.
    async fn restart_connector_and_tasks(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<ConnectorStatus, HerderError>;
    async fn restart_task(&self, id: &ConnectorTaskId) -> Result<(), HerderError>;

    /// Kafka Connect's internal `POST /connectors/{c}/tasks`: task configs handed up by the
    /// worker that runs the connector (distributed mode; signed with the session key).
    async fn put_task_configs(
        &self,
        name: &str,
        signature: Signature<'_>,
        body: &[u8],
    ) -> Result<(), HerderError> {
        let _ = (signature, body);
        Err(HerderError::NotFound(format!(
            "HTTP 404 Not Found: the task configs of {name} are written by the worker itself in standalone mode"
        )))
    }

    /// Kafka Connect's internal `PUT /connectors/{c}/fence`: a worker about to start an
    /// exactly-once source task asks the leader for a round of zombie fencing (distributed
    /// mode; signed with the session key).
    async fn fence_zombies(
        &self,
        name: &str,
        signature: Signature<'_>,
        body: &[u8],
    ) -> Result<(), HerderError> {
        let _ = (signature, body);
        Err(HerderError::NotFound(format!(
            "HTTP 404 Not Found: zombie fencing of {name} is for exactly-once source connectors in distributed mode"
        )))
    }

    /// Topics the connector's records went to or came from.
    fn active_topics(&self, name: &str) -> Vec<String>;
    async fn reset_active_topics(&self, name: &str);

    /// `GET /connectors/{c}/offsets`: (partition, offset) pairs as JSON.
    async fn connector_offsets(
        &self,
        name: &str,
    ) -> Result<Vec<(serde_json::Value, serde_json::Value)>, HerderError>;
    /// `PATCH /connectors/{c}/offsets` (`offsets`: partition and offset, None resets it) or
    /// `DELETE` (`offsets` None: every partition). Only while STOPPED. Returns the message.
    async fn modify_offsets(
        &self,
        name: &str,
        offsets: Option<Vec<(serde_json::Value, Option<serde_json::Value>)>>,
    ) -> Result<String, HerderError>;

    /// A logger level for the whole cluster (KIP-976). `Ok(false)`: this herder is the
    /// whole cluster, the caller applies it here.
    async fn put_cluster_logger_level(
        &self,
        namespace: &str,
        level: &str,
    ) -> Result<bool, HerderError> {
        let _ = (namespace, level);
        Ok(false)
    }
}

/// Kafka Connect's `reverseTransform`: a task config value that came from a connector
/// config value with `${...}` references gets the references back, so resolved secrets are
/// never stored in the config topic nor served by `GET /connectors/{c}/tasks`.
pub fn restore_references(connector: &Props, tasks: &mut [Props]) {
    for task in tasks {
        for (k, raw) in connector {
            if raw.contains("${") {
                if let Some(v) = task.get_mut(k) {
                    *v = raw.clone();
                }
            }
        }
    }
}

/// Kafka Connect's message when offsets are changed outside the STOPPED state.
pub(crate) fn not_stopped(name: &str) -> HerderError {
    HerderError::Invalid(format!(
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the \
         specified connector by issuing a 'PUT' request to the '/connectors/{name}/stop' endpoint"
    ))
}

/// The offsets endpoints, shared by both herders: source offsets in the worker's offset
/// store (file or topic), sink offsets in the connector's consumer group.
pub(crate) mod offsets {
    use super::*;

    fn resolved(w: &Worker, raw: &Props) -> Result<ConnectorConfig, HerderError> {
        w.resolve(raw)
            .and_then(|r| ConnectorConfig::new(r).map_err(|e| e.to_string()))
            .map_err(HerderError::Internal)
    }

    /// How a source connector's altered or reset offsets are written when not simply to the
    /// worker's offset store (an exactly-once connector: in a transaction, after fencing).
    pub(crate) type SourceOffsetsWriter = Box<
        dyn FnOnce(
                Vec<(crate::data::Value, Option<crate::data::Value>)>,
            ) -> futures::future::BoxFuture<'static, Result<(), String>>
            + Send,
    >;

    /// KIP-875: the connector's `alterOffsets` (its process's `AlterOffsets`), before any
    /// offset is written. `Ok(true)`: it altered offsets it keeps itself too. Its exception
    /// fails the request with its message (the status its exception names, else 500), as
    /// Kafka Connect's `Worker.modifyConnectorOffsets` does; nothing is written then.
    async fn alter_on_connector(
        w: &Worker,
        name: &str,
        raw: &Props,
        change: crate::plugin::spec::OffsetChange,
        reset: bool,
    ) -> Result<bool, HerderError> {
        use crate::plugin::spec::AlterOffsetsRefusal;
        let config = resolved(w, raw)?;
        let class = config.class().to_string();
        let plugin = w.plugins.resolve(&config).map_err(HerderError::Internal)?;
        let session = plugin
            .connect(&w.config, &class)
            .await
            .map_err(|e| {
                HerderError::Internal(format!(
                    "Failed to modify offsets for connector {name}: cannot reach its connector process: {e}"
                ))
            })?;
        match session
            .alter_offsets(&class, name, &config.props, change, reset)
            .await
        {
            Ok(altered) => Ok(altered),
            Err(AlterOffsetsRefusal::Unsupported) => Err(HerderError::Internal(format!(
                "Failed to modify offsets for connector {name} because it doesn't support external modification of offsets"
            ))),
            Err(AlterOffsetsRefusal::Failed { message, status }) => {
                tracing::warn!(connector = name, %message, "the connector refused to have its offsets modified");
                Err(if (400..500).contains(&status) {
                    HerderError::Invalid(message)
                } else {
                    HerderError::Internal(message)
                })
            }
            Err(AlterOffsetsRefusal::Plugin(e)) => Err(HerderError::Internal(format!(
                "Failed to modify offsets for connector {name}: {e}"
            ))),
        }
    }

    /// A connector's offsets; a source's from `store` (the offsets its tasks resume from).
    pub(crate) async fn read(
        w: &Worker,
        store: &crate::storage::offsets::OffsetStore,
        name: &str,
        raw: &Props,
        plugin_type: PluginType,
    ) -> Result<Vec<(serde_json::Value, serde_json::Value)>, HerderError> {
        match plugin_type {
            PluginType::Source => store
                .json_offsets(name)
                .map_err(|e| HerderError::Internal(e.to_string())),
            PluginType::Sink => {
                let config = resolved(w, raw)?;
                let worker = w.config.clone();
                tokio::task::spawn_blocking(move || group_offsets::committed(&worker, &config))
                    .await
                    .map_err(|e| HerderError::Internal(e.to_string()))?
                    .map_err(|e| HerderError::Internal(format!("Failed to retrieve consumer group offsets for sink connector {name}: {e}")))
            }
        }
    }

    /// Alters or resets; the caller checked the connector is STOPPED.
    /// A source's offsets are those of `store`, written by `writer` when there is one.
    pub(crate) async fn modify(
        w: &Worker,
        store: &crate::storage::offsets::OffsetStore,
        writer: Option<SourceOffsetsWriter>,
        name: &str,
        raw: &Props,
        plugin_type: PluginType,
        offsets: Option<Vec<(serde_json::Value, Option<serde_json::Value>)>>,
    ) -> Result<String, HerderError> {
        let reset = offsets.is_none();
        let altered;
        match plugin_type {
            PluginType::Source => {
                let entries: Vec<_> = match offsets {
                    None => store
                        .partitions(name)
                        .map_err(|e| HerderError::Internal(e.to_string()))?
                        .into_iter()
                        .map(|p| (p, None))
                        .collect(),
                    Some(list) => {
                        let mut entries = Vec::with_capacity(list.len());
                        for (p, o) in list {
                            if !p.is_object() {
                                return Err(HerderError::Invalid(
                                    "Source partitions must be JSON objects and may not be null"
                                        .into(),
                                ));
                            }
                            if o.as_ref().is_some_and(|o| !o.is_object()) {
                                return Err(HerderError::Invalid(
                                    "Source offsets must be JSON objects or null".into(),
                                ));
                            }
                            let p = store
                                .value_from_json(&p)
                                .map_err(|e| HerderError::Invalid(e.to_string()))?;
                            let o = match o {
                                Some(o) => Some(
                                    store
                                        .value_from_json(&o)
                                        .map_err(|e| HerderError::Invalid(e.to_string()))?,
                                ),
                                None => None,
                            };
                            entries.push((p, o));
                        }
                        entries
                    }
                };
                altered = alter_on_connector(
                    w,
                    name,
                    raw,
                    crate::plugin::spec::OffsetChange::Source(entries.clone()),
                    reset,
                )
                .await?;
                if !entries.is_empty() {
                    let written = match writer {
                        Some(write) => write(entries).await,
                        None => store
                            .put_and_flush(name, entries)
                            .map_err(|e| e.to_string()),
                    };
                    written.map_err(|e| {
                        HerderError::Internal(format!(
                            "Failed to modify offsets for source connector {name}: {e}"
                        ))
                    })?;
                }
            }
            PluginType::Sink => {
                let parsed = match offsets {
                    None => None,
                    Some(list) => Some(group_offsets::parse(&list).map_err(HerderError::Invalid)?),
                };
                let config = resolved(w, raw)?;
                let worker = w.config.clone();
                // The connector is told of every partition a reset removes, as Kafka Connect
                // lists the group's committed partitions for its alterOffsets.
                let change = match &parsed {
                    Some(p) => p.clone(),
                    None => {
                        let (worker, config) = (worker.clone(), config.clone());
                        let listed = tokio::task::spawn_blocking(move || {
                            group_offsets::committed(&worker, &config)
                        })
                        .await
                        .map_err(|e| HerderError::Internal(e.to_string()))?
                        .map_err(|e| {
                            HerderError::Internal(format!(
                                "Failed to list offsets prior to resetting offsets for sink connector {name}: {e}"
                            ))
                        })?;
                        group_offsets::parse(
                            &listed
                                .into_iter()
                                .map(|(p, _)| (p, None))
                                .collect::<Vec<_>>(),
                        )
                        .map_err(HerderError::Internal)?
                    }
                };
                altered = alter_on_connector(
                    w,
                    name,
                    raw,
                    crate::plugin::spec::OffsetChange::Sink(change),
                    reset,
                )
                .await?;
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
        if altered {
            return Ok(format!(
                "The offsets for this connector have been {what} successfully"
            ));
        }
        Ok(format!(
            "The Connect framework-managed offsets for this connector have been {what} successfully. However, if this \
             connector manages offsets externally, they will need to be manually {what} in the system that the connector uses."
        ))
    }
}
