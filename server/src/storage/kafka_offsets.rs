//! Source offsets in the offsets topic (`offset.storage.topic`), distributed mode: Kafka
//! Connect's `KafkaOffsetBackingStore`.
//!
//! The bytes are the offsets file's (`storage/offsets.rs`): key `["<connector>",{partition}]`,
//! value the offset's JSON, a null value resetting the partition. Records are placed by
//! their key with murmur2, as Java's producer places them, so Kafka Connect's workers and
//! Polyconnect's put a source partition's offsets in the same topic partition. What a read
//! answers is what the topic held when it was called: every query reads to the end first,
//! so a worker sees offsets another worker committed.

use crate::data::Value;
use rdkafka::ClientConfig;

use super::kafka_log::{ensure_topics, CompactedLog, KafkaLog, KafkaLogError, TopicSpec};
use super::offsets::{OffsetError, OffsetMirror, OffsetStore};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum KafkaOffsetError {
    #[error(transparent)]
    Log(#[from] KafkaLogError),
    #[error(transparent)]
    Offset(#[from] OffsetError),
}

pub struct KafkaOffsetStore {
    log: Arc<dyn CompactedLog>,
    /// The topic read so far, in the offsets file's in-memory form. Its writes go to the
    /// topic first ([`OffsetStore::set_mirror`]), so tasks use it as they use the file.
    data: Arc<OffsetStore>,
}

/// Writes an [`OffsetStore`]'s offsets to the offsets topic, waiting for the broker.
struct TopicMirror {
    log: Arc<dyn CompactedLog>,
    runtime: tokio::runtime::Handle,
}

impl OffsetMirror for TopicMirror {
    fn write(&self, records: &[(String, Option<String>)]) -> Result<(), String> {
        let out: Vec<(String, Option<Vec<u8>>)> = records
            .iter()
            .map(|(k, v)| (k.clone(), v.as_ref().map(|v| v.clone().into_bytes())))
            .collect();
        let send = || self.runtime.block_on(self.log.send(&out));
        let result = match tokio::runtime::Handle::try_current() {
            // On a runtime thread: give the thread's other work away while waiting.
            Ok(_) => tokio::task::block_in_place(send),
            Err(_) => send(),
        };
        result.map_err(|e| e.to_string())
    }
}

impl KafkaOffsetStore {
    /// Creates or checks the topic, then reads it to the end.
    pub async fn start(
        base: &ClientConfig,
        spec: &TopicSpec,
        client_id: &str,
    ) -> Result<KafkaOffsetStore, KafkaOffsetError> {
        ensure_topics(base, std::slice::from_ref(spec)).await?;
        let log = KafkaLog::open(base, &spec.name, client_id).await?;
        KafkaOffsetStore::over(Arc::new(log)).await
    }

    /// The store on `log` (a topic checked already, or a [`super::kafka_log::MemoryLog`]),
    /// read to its end.
    pub async fn over(log: Arc<dyn CompactedLog>) -> Result<KafkaOffsetStore, KafkaOffsetError> {
        let data = Arc::new(OffsetStore::open(None)?);
        data.set_mirror(Box::new(TopicMirror {
            log: log.clone(),
            runtime: tokio::runtime::Handle::current(),
        }));
        let store = KafkaOffsetStore { log, data };
        store.refresh().await?;
        Ok(store)
    }

    /// Reads the topic to its current end.
    pub async fn refresh(&self) -> Result<(), KafkaOffsetError> {
        self.log
            .read_to_end_with(&mut |r| {
                let Some(key) = r.key else { return };
                let value = r
                    .value
                    .map(|v| String::from_utf8_lossy(&v).into_owned())
                    // A JSON null is a reset too.
                    .filter(|v| v.trim() != "null");
                self.data.apply_raw(key, value);
            })
            .await?;
        Ok(())
    }

    /// Writes a connector's offsets (a `None` offset resets the partition: a tombstone) and
    /// returns once the broker acknowledged them.
    pub async fn put_and_flush(
        &self,
        connector: &str,
        entries: Vec<(Value, Option<Value>)>,
    ) -> Result<(), KafkaOffsetError> {
        let mut records = Vec::with_capacity(entries.len());
        for (partition, offset) in entries {
            let key = self.data.key(connector, &partition)?;
            let value = match offset {
                Some(o) => Some(self.data.encode_offset(o)?.into_bytes()),
                None => None,
            };
            records.push((key, value));
        }
        self.log.send(&records).await?;
        Ok(())
    }

    /// Every (partition, offset) of a connector, read to the end first.
    pub async fn offsets(&self, connector: &str) -> Result<Vec<(Value, Value)>, KafkaOffsetError> {
        self.refresh().await?;
        Ok(self.data.offsets(connector)?)
    }

    /// As [`Self::offsets`], as JSON for the REST API.
    pub async fn json_offsets(
        &self,
        connector: &str,
    ) -> Result<Vec<(serde_json::Value, serde_json::Value)>, KafkaOffsetError> {
        self.refresh().await?;
        Ok(self.data.json_offsets(connector)?)
    }

    /// One partition's offset, read to the end first.
    pub async fn offset(
        &self,
        connector: &str,
        partition: &Value,
    ) -> Result<Option<Value>, KafkaOffsetError> {
        self.refresh().await?;
        Ok(self.data.offset(connector, partition)?)
    }

    /// Writes to this store's topic, without going through its in-memory offsets: how a
    /// connector's own offsets topic's store copies its writes to the worker's topic
    /// ([`OffsetStore::set_secondary`]); reads of this store see them once it refreshes.
    pub fn topic_writer(&self) -> Box<dyn OffsetMirror> {
        Box::new(TopicMirror {
            log: self.log.clone(),
            runtime: tokio::runtime::Handle::current(),
        })
    }

    /// What was read so far, without reading: for callers that just refreshed.
    pub fn cached(&self) -> &OffsetStore {
        &self.data
    }

    /// The store tasks read and write: reads answer what was read so far, writes go to the
    /// topic before they count.
    pub fn shared(&self) -> Arc<OffsetStore> {
        self.data.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::kafka_log::MemoryLog;
    use serde_json::json;

    /// Offsets written by one worker are read by another; a reset is a tombstone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn offsets_written_by_one_worker_are_read_by_another() {
        let log = MemoryLog::new("offsets");
        let reader = Arc::new(log.reader());
        let a = KafkaOffsetStore::over(Arc::new(log)).await.unwrap();
        let b = KafkaOffsetStore::over(reader).await.unwrap();
        let v = |j: serde_json::Value| a.cached().value_from_json(&j).unwrap();
        let (p1, p2) = (v(json!({"file": "a"})), v(json!({"file": "b"})));
        a.put_and_flush(
            "src",
            vec![
                (p1.clone(), Some(v(json!({"position": 10})))),
                (p2.clone(), Some(v(json!({"position": 20})))),
            ],
        )
        .await
        .unwrap();
        assert_eq!(
            b.offset("src", &p1).await.unwrap(),
            Some(v(json!({"position": 10})))
        );
        a.put_and_flush("src", vec![(p1.clone(), None)])
            .await
            .unwrap();
        let left = b.json_offsets("src").await.unwrap();
        assert_eq!(
            left,
            vec![(json!({"file": "b"}), json!({"position": 20}))],
            "the reset partition is gone, the other kept"
        );
        // Writes of the tasks' shared store go to the log before they count.
        assert_eq!(b.offset("other", &p1).await.unwrap(), None);
    }

    /// An exactly-once task writes its offsets itself, in its transaction: the records it
    /// encodes are the bytes the store writes, another worker reads them, and the task's own
    /// store takes them after the commit without writing them again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn offsets_a_transaction_writes_are_the_stores_own_records() {
        let log = MemoryLog::new("offsets");
        let reader = Arc::new(log.reader());
        let log = Arc::new(log);
        let a = KafkaOffsetStore::over(log.clone()).await.unwrap();
        let b = KafkaOffsetStore::over(reader).await.unwrap();
        let v = |j: serde_json::Value| a.cached().value_from_json(&j).unwrap();
        let p = v(json!({"file": "a"}));
        a.put_and_flush("src", vec![(p.clone(), Some(v(json!({"position": 10}))))])
            .await
            .unwrap();
        let encoded = a
            .cached()
            .encode_entries("src", vec![(p.clone(), Some(v(json!({"position": 10}))))])
            .unwrap();
        let written = log.records();
        assert_eq!(written.len(), 1);
        assert_eq!(written[0].key.as_deref(), Some(encoded[0].0.as_str()));
        assert_eq!(
            written[0].value.as_deref(),
            encoded[0].1.as_ref().map(|s| s.as_bytes())
        );
        // The transaction's offset record, as the task's producer writes it.
        let twenty = a
            .cached()
            .encode_entries("src", vec![(p.clone(), Some(v(json!({"position": 20}))))])
            .unwrap();
        let raw: Vec<(String, Option<Vec<u8>>)> = twenty
            .iter()
            .map(|(k, v)| (k.clone(), v.as_ref().map(|v| v.clone().into_bytes())))
            .collect();
        log.send(&raw).await.unwrap();
        a.cached().apply_committed(twenty);
        assert_eq!(
            a.cached().offset("src", &p).unwrap(),
            Some(v(json!({"position": 20})))
        );
        assert_eq!(log.records().len(), 2, "applied without a second write");
        assert_eq!(
            b.offset("src", &p).await.unwrap(),
            Some(v(json!({"position": 20})))
        );
    }

    /// A connector's own offsets topic's store with the worker's topic as its secondary
    /// (Kafka Connect's `ConnectorOffsetBackingStore`): offsets reach the connector's topic,
    /// then the worker's; a reset reaches the worker's first, and if it cannot, nothing is
    /// written and the old offset stays.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connectors_own_topic_copies_its_writes_to_the_workers() {
        struct Refusing;
        impl OffsetMirror for Refusing {
            fn write(&self, _: &[(String, Option<String>)]) -> Result<(), String> {
                Err("the broker is away".into())
            }
        }
        let (own_log, worker_log) = (
            Arc::new(MemoryLog::new("own")),
            Arc::new(MemoryLog::new("worker")),
        );
        let own = KafkaOffsetStore::over(own_log.clone()).await.unwrap();
        let worker = KafkaOffsetStore::over(worker_log.clone()).await.unwrap();
        own.cached().set_secondary(worker.topic_writer());
        let v = |j: serde_json::Value| own.cached().value_from_json(&j).unwrap();
        let p = v(json!({"file": "a"}));
        own.cached()
            .put_and_flush("src", vec![(p.clone(), Some(v(json!({"position": 10}))))])
            .unwrap();
        assert_eq!(own_log.records().len(), 1);
        assert_eq!(
            worker_log.records().len(),
            1,
            "the worker's topic has a copy"
        );
        assert_eq!(
            worker.offset("src", &p).await.unwrap(),
            Some(v(json!({"position": 10})))
        );
        // A reset: the worker's topic first, then the connector's.
        own.cached()
            .put_and_flush("src", vec![(p.clone(), None)])
            .unwrap();
        let (o, w) = (own_log.records(), worker_log.records());
        assert_eq!((o.len(), w.len()), (2, 2));
        assert!(
            o[1].value.is_none() && w[1].value.is_none(),
            "tombstones in both"
        );
        worker.refresh().await.unwrap();
        own.cached().fill_missing_from(worker.cached(), "src");
        assert_eq!(
            own.cached().offset("src", &p).unwrap(),
            None,
            "not filled in again"
        );

        // A secondary that refuses a reset: the connector's topic is not written either.
        let own2 = KafkaOffsetStore::over(Arc::new(MemoryLog::new("own2")))
            .await
            .unwrap();
        own2.cached().set_secondary(Box::new(Refusing));
        own2.cached()
            .put_and_flush("src", vec![(p.clone(), Some(v(json!({"position": 5}))))])
            .expect("offsets count once the connector's topic has them; the copy is best effort");
        let err = own2
            .cached()
            .put_and_flush("src", vec![(p.clone(), None)])
            .unwrap_err();
        assert!(err.to_string().contains("the broker is away"), "{err}");
        assert_eq!(
            own2.cached().offset("src", &p).unwrap(),
            Some(v(json!({"position": 5}))),
            "the reset did not count"
        );
    }
}
