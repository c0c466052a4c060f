//! Connector configs, task configs and target states in the config topic
//! (`config.storage.topic`), distributed mode: Kafka Connect's `KafkaConfigBackingStore`.
//!
//! Records are `polyconnect_group::records`' (Kafka Connect's keys and JSON values) and
//! the topic is read through `polyconnect_group::config_state`, with Kafka Connect's rules
//! (task configs take effect at their `commit-` record). Writes follow Kafka Connect's
//! order: on create, the `target-state-` record before the `connector-` record (KIP-980),
//! so no worker starts a connector meant to be created paused or stopped; task configs,
//! acknowledged, before their `commit-` record; a delete tombstones `connector-` and
//! `target-state-`. Each write reads the topic to the end before it returns, so the
//! writer's next look at the state includes it. [`KafkaConfigStore::changes`] reports every
//! change applied, by any read; [`KafkaConfigStore::spawn_follower`] keeps reading, so other
//! workers' writes are reported without a caller asking (Kafka Connect's log thread).

use std::collections::BTreeMap;
use std::sync::Mutex;

use polyconnect_group::config_state::{ConfigChange, ConfigState};
use polyconnect_group::records::{ConfigRecord, RawConfig, SessionKey, TargetState};
use polyconnect_group::ConnectorTaskId;
use rdkafka::ClientConfig;

use super::configs::{self, StoredConnector};
use super::kafka_log::{
    ensure_topics, CompactedLog, KafkaLog, KafkaLogError, TopicSpec, TransactionalWriter,
};

pub struct KafkaConfigStore {
    log: std::sync::Arc<dyn CompactedLog>,
    state: Mutex<ConfigState>,
    /// Where every applied change also goes (see [`KafkaConfigStore::changes`]).
    listener: Mutex<Option<tokio::sync::mpsc::UnboundedSender<ConfigChange>>>,
    /// The leader's write privileges with exactly-once source support `preparing` or
    /// `enabled` (Kafka Connect's `claimWritePrivileges`): while claimed, every write goes
    /// through a transactional producer with the cluster's id, which fences an earlier
    /// leader's.
    privileged: tokio::sync::Mutex<Privileged>,
}

#[derive(Default)]
struct Privileged {
    /// The clients' settings, the transactional id and the client id, while claimed.
    claim: Option<(ClientConfig, String, String)>,
    /// Made on the first write after a claim, and again after a failed write.
    writer: Option<TransactionalWriter>,
}

pub fn to_stored_state(s: TargetState) -> configs::TargetState {
    match s {
        TargetState::Started => configs::TargetState::Started,
        TargetState::Paused => configs::TargetState::Paused,
        TargetState::Stopped => configs::TargetState::Stopped,
    }
}

pub fn from_stored_state(s: configs::TargetState) -> TargetState {
    match s {
        configs::TargetState::Started => TargetState::Started,
        configs::TargetState::Paused => TargetState::Paused,
        configs::TargetState::Stopped => TargetState::Stopped,
    }
}

impl KafkaConfigStore {
    /// Creates or checks the topic (one partition, compacted), then reads it to the end.
    pub async fn start(
        base: &ClientConfig,
        spec: &TopicSpec,
        client_id: &str,
    ) -> Result<KafkaConfigStore, KafkaLogError> {
        ensure_topics(base, std::slice::from_ref(spec)).await?;
        let log = KafkaLog::open(base, &spec.name, client_id).await?;
        KafkaConfigStore::over(std::sync::Arc::new(log)).await
    }

    /// The store on `log` (a topic checked already, or a [`super::kafka_log::MemoryLog`]),
    /// read to its end.
    pub async fn over(
        log: std::sync::Arc<dyn CompactedLog>,
    ) -> Result<KafkaConfigStore, KafkaLogError> {
        let store = KafkaConfigStore {
            log,
            state: Mutex::new(ConfigState::new()),
            listener: Mutex::new(None),
            privileged: tokio::sync::Mutex::new(Privileged::default()),
        };
        store.refresh().await?;
        Ok(store)
    }

    /// Every change applied from now on, whoever's read applied it (a write's, a
    /// follower's, a `refresh`): Kafka Connect's `UpdateListener`. A new call replaces the
    /// previous receiver.
    pub fn changes(&self) -> tokio::sync::mpsc::UnboundedReceiver<ConfigChange> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        *self.listener.lock().unwrap() = Some(tx);
        rx
    }

    /// Reads the topic every `every` until the store is dropped, so [`Self::changes`]
    /// reports other workers' writes as Kafka Connect's log thread does. A failed read is
    /// logged and tried again.
    pub fn spawn_follower(
        self: &std::sync::Arc<Self>,
        every: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        let weak = std::sync::Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let Some(store) = weak.upgrade() else { return };
                if let Err(e) = store.refresh().await {
                    tracing::warn!(topic = %store.log.topic(), error = %e, "reading the config topic");
                }
                drop(store);
                tokio::time::sleep(every).await;
            }
        })
    }

    /// Reads the topic to its end; what each record changed, in order.
    pub async fn refresh(&self) -> Result<Vec<ConfigChange>, KafkaLogError> {
        let mut changes = Vec::new();
        self.log
            .read_to_end_with(&mut |r| {
                let Some(key) = r.key else { return };
                let mut state = self.state.lock().unwrap();
                let before = state.skipped();
                if let Some(c) = state.apply(r.offset, &key, r.value.as_deref()) {
                    if let Some(tx) = self.listener.lock().unwrap().as_ref() {
                        let _ = tx.send(c.clone());
                    }
                    changes.push(c);
                }
                if state.skipped() > before {
                    tracing::warn!(topic = %self.log.topic(), key, offset = r.offset, "skipped a config topic record that is not Kafka Connect's");
                }
            })
            .await?;
        Ok(changes)
    }

    /// The configuration read so far.
    pub fn snapshot(&self) -> ConfigState {
        self.state.lock().unwrap().clone()
    }

    /// Every connector with its config (null values dropped) and target state, as the
    /// standalone file store gives them.
    pub fn all(&self) -> BTreeMap<String, StoredConnector> {
        let state = self.state.lock().unwrap();
        state
            .connectors()
            .filter_map(|c| Some((c.to_string(), stored(&state, c)?)))
            .collect()
    }

    pub fn get(&self, name: &str) -> Option<StoredConnector> {
        stored(&self.state.lock().unwrap(), name)
    }

    /// The task configs of a connector's last complete commit.
    pub fn task_configs(&self, connector: &str) -> Vec<(ConnectorTaskId, RawConfig)> {
        let state = self.state.lock().unwrap();
        state
            .tasks(connector)
            .into_iter()
            .filter_map(|id| {
                let c = state.task_config(&id)?.clone();
                Some((id, c))
            })
            .collect()
    }

    /// Writes records in order, waits for the broker, then reads to the end.
    pub async fn write(&self, records: &[ConfigRecord]) -> Result<(), KafkaLogError> {
        let out: Vec<(String, Option<Vec<u8>>)> =
            records.iter().map(|r| (r.key(), r.value())).collect();
        self.send(&out).await?;
        self.refresh().await?;
        Ok(())
    }

    /// Claims the leader's write privileges: from now on writes are transactions of a
    /// producer with `transactional_id` (`connect-cluster-<group.id>`), initialized here,
    /// which fences any earlier leader's producer.
    pub async fn claim_write_privileges(
        &self,
        base: &ClientConfig,
        transactional_id: &str,
        client_id: &str,
    ) -> Result<(), KafkaLogError> {
        let mut p = self.privileged.lock().await;
        p.claim = Some((
            base.clone(),
            transactional_id.to_string(),
            client_id.to_string(),
        ));
        p.writer = None;
        p.writer = Some(
            TransactionalWriter::start(base, self.log.topic(), transactional_id, client_id).await?,
        );
        Ok(())
    }

    /// Gives the leader's write privileges up (leadership lost): writes go out plainly again.
    pub async fn relinquish_write_privileges(&self) {
        *self.privileged.lock().await = Privileged::default();
    }

    /// Whether writes go through the leader's transactional producer.
    pub async fn writes_privileged(&self) -> bool {
        self.privileged.lock().await.claim.is_some()
    }

    /// Sends records in order: in one transaction while write privileges are claimed
    /// (the producer made again after a failure, which re-initializes the id), plainly
    /// otherwise.
    async fn send(&self, records: &[(String, Option<Vec<u8>>)]) -> Result<(), KafkaLogError> {
        let mut p = self.privileged.lock().await;
        let Some((base, id, client_id)) = p.claim.clone() else {
            drop(p);
            return self.log.send(records).await;
        };
        if p.writer.is_none() {
            p.writer =
                Some(TransactionalWriter::start(&base, self.log.topic(), &id, &client_id).await?);
        }
        let sent = p.writer.as_ref().expect("made above").send(records).await;
        if let Err(e) = &sent {
            tracing::warn!(topic = %self.log.topic(), transactional_id = %id, error = %e, "a write to the config topic as the leader failed; its producer is made again for the next write");
            p.writer = None;
        }
        sent
    }

    /// Creates or updates a connector. With a target state (a create), its record goes
    /// first (KIP-980).
    pub async fn put_connector_config(
        &self,
        name: &str,
        config: RawConfig,
        target_state: Option<TargetState>,
    ) -> Result<(), KafkaLogError> {
        let mut records = Vec::new();
        if let Some(state) = target_state {
            records.push(ConfigRecord::TargetState {
                connector: name.to_string(),
                state: Some(state),
            });
        }
        records.push(ConfigRecord::Connector {
            name: name.to_string(),
            config: Some(config),
        });
        self.write(&records).await
    }

    /// Deletes a connector: tombstones for its config and its target state.
    pub async fn remove_connector_config(&self, name: &str) -> Result<(), KafkaLogError> {
        self.write(&[
            ConfigRecord::Connector {
                name: name.to_string(),
                config: None,
            },
            ConfigRecord::TargetState {
                connector: name.to_string(),
                state: None,
            },
        ])
        .await
    }

    /// A connector's task configs: the `task-` records, acknowledged, then the `commit-`.
    pub async fn put_task_configs(
        &self,
        connector: &str,
        configs: Vec<RawConfig>,
    ) -> Result<(), KafkaLogError> {
        let n = configs.len() as u32;
        let tasks: Vec<(String, Option<Vec<u8>>)> = configs
            .into_iter()
            .enumerate()
            .map(|(i, config)| {
                let r = ConfigRecord::Task {
                    id: ConnectorTaskId::new(connector, i as i32),
                    config: Some(config),
                };
                (r.key(), r.value())
            })
            .collect();
        self.send(&tasks).await?;
        self.write(&[ConfigRecord::Commit {
            connector: connector.to_string(),
            tasks: n,
        }])
        .await
    }

    pub async fn put_target_state(
        &self,
        connector: &str,
        state: TargetState,
    ) -> Result<(), KafkaLogError> {
        self.write(&[ConfigRecord::TargetState {
            connector: connector.to_string(),
            state: Some(state),
        }])
        .await
    }

    pub async fn put_restart_request(
        &self,
        connector: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<(), KafkaLogError> {
        self.write(&[ConfigRecord::Restart {
            connector: connector.to_string(),
            include_tasks,
            only_failed,
        }])
        .await
    }

    pub async fn put_session_key(&self, key: SessionKey) -> Result<(), KafkaLogError> {
        self.write(&[ConfigRecord::SessionKey(key)]).await
    }

    /// The `tasks-fencing-<connector>` record (exactly-once sources): the task count of the
    /// generation whose predecessors' producers were fenced.
    pub async fn put_fencing(&self, connector: &str, task_count: u32) -> Result<(), KafkaLogError> {
        self.write(&[ConfigRecord::TasksFencing {
            connector: connector.to_string(),
            task_count,
        }])
        .await
    }

    /// A cluster-wide logger level (`None` removes it).
    pub async fn put_logger_level(
        &self,
        namespace: &str,
        level: Option<String>,
    ) -> Result<(), KafkaLogError> {
        self.write(&[ConfigRecord::LoggerLevel {
            namespace: namespace.to_string(),
            level,
        }])
        .await
    }
}

fn stored(state: &ConfigState, name: &str) -> Option<StoredConnector> {
    let config = state.connector_config(name)?;
    Some(StoredConnector {
        config: config
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .collect(),
        target_state: to_stored_state(state.target_state(name).unwrap_or(TargetState::Started)),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::storage::kafka_log::MemoryLog;

    fn raw(pairs: &[(&str, &str)]) -> RawConfig {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect()
    }

    /// Two workers' stores on one log: task configs count only with their commit record,
    /// so a writer that died between its `task-` records and the `commit-` leaves the
    /// previous set in force on every other worker.
    #[tokio::test]
    async fn task_configs_reach_another_worker_only_with_their_commit() {
        let log = MemoryLog::new("configs");
        let shared = Arc::new(log.reader());
        let leader = KafkaConfigStore::over(Arc::new(log)).await.unwrap();
        let follower = KafkaConfigStore::over(shared.clone()).await.unwrap();
        leader
            .put_connector_config(
                "c",
                raw(&[("connector.class", "FileStreamSource")]),
                Some(TargetState::Paused),
            )
            .await
            .unwrap();
        let changes = follower.refresh().await.unwrap();
        assert!(changes.contains(&ConfigChange::ConnectorUpdated("c".into())));
        assert_eq!(
            follower.snapshot().target_state("c"),
            Some(TargetState::Paused)
        );
        assert!(follower.task_configs("c").is_empty());

        // A dead writer's task records with no commit after them.
        let orphan = ConfigRecord::Task {
            id: ConnectorTaskId::new("c", 0),
            config: Some(raw(&[("task", "orphan")])),
        };
        shared
            .send(&[(orphan.key(), orphan.value())])
            .await
            .unwrap();
        let changes = follower.refresh().await.unwrap();
        assert!(
            !changes.contains(&ConfigChange::TasksCommitted("c".into())),
            "{changes:?}"
        );
        assert!(follower.task_configs("c").is_empty());

        leader
            .put_task_configs("c", vec![raw(&[("task", "0")]), raw(&[("task", "1")])])
            .await
            .unwrap();
        let changes = follower.refresh().await.unwrap();
        assert!(changes.contains(&ConfigChange::TasksCommitted("c".into())));
        let tasks: Vec<_> = follower
            .task_configs("c")
            .into_iter()
            .map(|(id, c)| (id.task, c["task"].clone()))
            .collect();
        assert_eq!(
            tasks,
            vec![(0, Some("0".to_string())), (1, Some("1".to_string()))]
        );

        // A delete is seen as one.
        leader.remove_connector_config("c").await.unwrap();
        let changes = follower.refresh().await.unwrap();
        assert!(changes.contains(&ConfigChange::ConnectorRemoved("c".into())));
        assert!(follower.get("c").is_none());
    }
}
