//! Connector, task and topic status in the status topic (`status.storage.topic`),
//! distributed mode: Kafka Connect's `KafkaStatusBackingStore`.
//!
//! - A write waits for the broker, then reads the topic to the end, so the writer's cache
//!   holds what the topic holds (other workers' writes included).
//! - A *safe* write ([`KafkaStatusStore::put_connector_safe`], `put_task_safe`) is refused
//!   when the cached status is another worker's of a newer generation
//!   (`Status::may_overwrite`): a worker that lost a connector in a rebalance cannot
//!   overwrite what its successor wrote.
//! - Reading applies every record as it comes, except, as Kafka Connect does, a task's
//!   UNASSIGNED of the same or an older generation than the RUNNING it would replace (a
//!   worker that had not yet seen the RUNNING wrote it during a rebalance).
//! - A deleted connector's statuses are tombstoned.

use std::collections::BTreeMap;
use std::sync::Mutex;

use polyconnect_group::records::{Status, StatusRecord, StatusState};
use polyconnect_group::ConnectorTaskId;
use rdkafka::ClientConfig;

use super::kafka_log::{ensure_topics, CompactedLog, KafkaLog, KafkaLogError, TopicSpec};

/// A topic a connector used (`GET /connectors/{c}/topics`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicUse {
    pub task: Option<i32>,
    pub discover_timestamp_ms: Option<i64>,
}

#[derive(Default)]
struct Cache {
    connectors: BTreeMap<String, Status>,
    tasks: BTreeMap<ConnectorTaskId, Status>,
    /// connector -> topic -> use.
    topics: BTreeMap<String, BTreeMap<String, TopicUse>>,
}

pub struct KafkaStatusStore {
    log: std::sync::Arc<dyn CompactedLog>,
    cache: Mutex<Cache>,
}

impl KafkaStatusStore {
    /// Creates or checks the topic, then reads it to the end.
    pub async fn start(
        base: &ClientConfig,
        spec: &TopicSpec,
        client_id: &str,
    ) -> Result<KafkaStatusStore, KafkaLogError> {
        ensure_topics(base, std::slice::from_ref(spec)).await?;
        let log = KafkaLog::open(base, &spec.name, client_id).await?;
        KafkaStatusStore::over(std::sync::Arc::new(log)).await
    }

    /// The store on `log` (a topic checked already, or a [`super::kafka_log::MemoryLog`]),
    /// read to its end.
    pub async fn over(
        log: std::sync::Arc<dyn CompactedLog>,
    ) -> Result<KafkaStatusStore, KafkaLogError> {
        let store = KafkaStatusStore {
            log,
            cache: Mutex::new(Cache::default()),
        };
        store.refresh().await?;
        Ok(store)
    }

    /// Reads the topic every `every` until the store is dropped, so the cache follows
    /// other workers' writes. A failed read is logged and tried again.
    pub fn spawn_follower(
        self: &std::sync::Arc<Self>,
        every: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        let weak = std::sync::Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let Some(store) = weak.upgrade() else { return };
                if let Err(e) = store.refresh().await {
                    tracing::warn!(topic = %store.log.topic(), error = %e, "reading the status topic");
                }
                drop(store);
                tokio::time::sleep(every).await;
            }
        })
    }

    /// Reads the topic to its end.
    pub async fn refresh(&self) -> Result<(), KafkaLogError> {
        self.log
            .read_to_end_with(&mut |r| {
                let Some(key) = r.key else { return };
                match StatusRecord::decode(&key, r.value.as_deref()) {
                    Ok(Some(record)) => self.cache.lock().unwrap().apply(record),
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(topic = %self.log.topic(), error = %e, "discarding a status record")
                    }
                }
            })
            .await?;
        Ok(())
    }

    async fn write(&self, records: &[StatusRecord]) -> Result<(), KafkaLogError> {
        let out: Vec<(String, Option<Vec<u8>>)> =
            records.iter().map(|r| (r.key(), r.value())).collect();
        self.log.send(&out).await?;
        self.refresh().await
    }

    /// Writes a connector's status whatever the topic holds.
    pub async fn put_connector(&self, name: &str, status: Status) -> Result<(), KafkaLogError> {
        self.write(&[StatusRecord::Connector {
            name: name.to_string(),
            status: Some(status),
        }])
        .await
    }

    /// Writes a connector's status unless the cached one is another worker's of a newer
    /// generation; `Ok(false)`: refused, nothing written.
    pub async fn put_connector_safe(
        &self,
        name: &str,
        status: Status,
    ) -> Result<bool, KafkaLogError> {
        let allowed = status.may_overwrite(self.cache.lock().unwrap().connectors.get(name));
        if allowed {
            self.put_connector(name, status).await?;
        }
        Ok(allowed)
    }

    pub async fn put_task(
        &self,
        id: &ConnectorTaskId,
        status: Status,
    ) -> Result<(), KafkaLogError> {
        self.write(&[StatusRecord::Task {
            id: id.clone(),
            status: Some(status),
        }])
        .await
    }

    /// As [`Self::put_connector_safe`], for a task.
    pub async fn put_task_safe(
        &self,
        id: &ConnectorTaskId,
        status: Status,
    ) -> Result<bool, KafkaLogError> {
        let allowed = status.may_overwrite(self.cache.lock().unwrap().tasks.get(id));
        if allowed {
            self.put_task(id, status).await?;
        }
        Ok(allowed)
    }

    /// A topic a connector's task used.
    pub async fn put_topic(
        &self,
        connector: &str,
        topic: &str,
        task: i32,
        discover_timestamp_ms: i64,
    ) -> Result<(), KafkaLogError> {
        self.write(&[StatusRecord::Topic {
            topic: topic.to_string(),
            connector: connector.to_string(),
            task: Some(task),
            discover_timestamp_ms: Some(discover_timestamp_ms),
        }])
        .await
    }

    /// Forgets the topics a connector used (`PUT /connectors/{c}/topics/reset`).
    pub async fn reset_topics(&self, connector: &str) -> Result<(), KafkaLogError> {
        let topics: Vec<String> = self
            .cache
            .lock()
            .unwrap()
            .topics
            .get(connector)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        let records: Vec<StatusRecord> = topics
            .into_iter()
            .map(|topic| StatusRecord::Topic {
                topic,
                connector: connector.to_string(),
                task: None,
                discover_timestamp_ms: None,
            })
            .collect();
        if records.is_empty() {
            return Ok(());
        }
        self.write(&records).await
    }

    /// A deleted connector: tombstones for its status and every task status cached.
    pub async fn delete_connector(&self, name: &str) -> Result<(), KafkaLogError> {
        let mut records = vec![StatusRecord::Connector {
            name: name.to_string(),
            status: None,
        }];
        let tasks: Vec<ConnectorTaskId> = self
            .cache
            .lock()
            .unwrap()
            .tasks
            .keys()
            .filter(|id| id.connector == name)
            .cloned()
            .collect();
        records.extend(
            tasks
                .into_iter()
                .map(|id| StatusRecord::Task { id, status: None }),
        );
        self.write(&records).await
    }

    pub fn connector(&self, name: &str) -> Option<Status> {
        self.cache.lock().unwrap().connectors.get(name).cloned()
    }

    pub fn task(&self, id: &ConnectorTaskId) -> Option<Status> {
        self.cache.lock().unwrap().tasks.get(id).cloned()
    }

    /// A connector's task statuses, by task number.
    pub fn tasks(&self, connector: &str) -> Vec<(i32, Status)> {
        self.cache
            .lock()
            .unwrap()
            .tasks
            .iter()
            .filter(|(id, _)| id.connector == connector)
            .map(|(id, s)| (id.task, s.clone()))
            .collect()
    }

    pub fn topics(&self, connector: &str) -> BTreeMap<String, TopicUse> {
        self.cache
            .lock()
            .unwrap()
            .topics
            .get(connector)
            .cloned()
            .unwrap_or_default()
    }

    /// Every connector with a status.
    pub fn connectors(&self) -> Vec<String> {
        self.cache
            .lock()
            .unwrap()
            .connectors
            .keys()
            .cloned()
            .collect()
    }
}

impl Cache {
    fn apply(&mut self, record: StatusRecord) {
        match record {
            StatusRecord::Connector {
                name,
                status: Some(s),
            } => {
                self.connectors.insert(name, s);
            }
            StatusRecord::Connector { name, status: None } => {
                self.connectors.remove(&name);
            }
            StatusRecord::Task {
                id,
                status: Some(s),
            } => {
                if let Some(cur) = self.tasks.get(&id) {
                    if s.state == StatusState::Unassigned
                        && cur.state == StatusState::Running
                        && cur.generation >= s.generation
                    {
                        return;
                    }
                }
                self.tasks.insert(id, s);
            }
            StatusRecord::Task { id, status: None } => {
                self.tasks.remove(&id);
            }
            StatusRecord::Topic {
                topic,
                connector,
                task,
                discover_timestamp_ms,
            } => {
                if task.is_none() && discover_timestamp_ms.is_none() {
                    if let Some(t) = self.topics.get_mut(&connector) {
                        t.remove(&topic);
                        if t.is_empty() {
                            self.topics.remove(&connector);
                        }
                    }
                } else {
                    self.topics.entry(connector).or_default().insert(
                        topic,
                        TopicUse {
                            task,
                            discover_timestamp_ms,
                        },
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::storage::kafka_log::MemoryLog;
    use polyconnect_group::records::StatusState;

    fn status(worker: &str, generation: i32, state: StatusState) -> Status {
        Status {
            state,
            trace: None,
            worker_id: worker.into(),
            generation,
            version: None,
        }
    }

    /// Kafka Connect's safe writes: a worker of an older generation does not overwrite the
    /// status another worker wrote for the same task; the same worker, or a newer
    /// generation, does.
    #[tokio::test]
    async fn a_stale_generation_does_not_overwrite_another_workers_status() {
        let log = MemoryLog::new("status");
        let reader = Arc::new(log.reader());
        let a = KafkaStatusStore::over(Arc::new(log)).await.unwrap();
        let b = KafkaStatusStore::over(reader).await.unwrap();
        let id = ConnectorTaskId::new("c", 0);
        assert!(a
            .put_task_safe(&id, status("w1", 5, StatusState::Running))
            .await
            .unwrap());
        b.refresh().await.unwrap();
        assert!(
            !b.put_task_safe(&id, status("w2", 4, StatusState::Unassigned))
                .await
                .unwrap(),
            "an older generation's write went through"
        );
        assert!(a
            .put_task_safe(&id, status("w1", 4, StatusState::Failed))
            .await
            .unwrap());
        assert!(b
            .put_task_safe(&id, status("w2", 6, StatusState::Running))
            .await
            .unwrap());
        a.refresh().await.unwrap();
        let seen = a.task(&id).unwrap();
        assert_eq!((seen.worker_id.as_str(), seen.generation), ("w2", 6));

        // Deleting the connector removes its statuses on every reader.
        b.put_connector("c", status("w2", 6, StatusState::Running))
            .await
            .unwrap();
        b.delete_connector("c").await.unwrap();
        a.refresh().await.unwrap();
        assert!(a.connector("c").is_none());
        assert!(a.task(&id).is_none());
    }
}
