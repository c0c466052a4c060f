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

use super::kafka_log::{ensure_topics, KafkaLog, KafkaLogError, TopicSpec};
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
    log: Arc<KafkaLog>,
    /// The topic read so far, in the offsets file's in-memory form. Its writes go to the
    /// topic first ([`OffsetStore::set_mirror`]), so tasks use it as they use the file.
    data: Arc<OffsetStore>,
}

/// Writes an [`OffsetStore`]'s offsets to the offsets topic, waiting for the broker.
struct TopicMirror {
    log: Arc<KafkaLog>,
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
        let log = Arc::new(KafkaLog::open(base, &spec.name, client_id).await?);
        let data = Arc::new(OffsetStore::open(None)?);
        data.set_mirror(Box::new(TopicMirror {
            log: log.clone(),
            runtime: tokio::runtime::Handle::current(),
        }));
        let store = KafkaOffsetStore { log, data };
        store.refresh().await?;
        Ok(store)
    }

    pub fn log(&self) -> &KafkaLog {
        &self.log
    }

    /// Reads the topic to its current end.
    pub async fn refresh(&self) -> Result<(), KafkaOffsetError> {
        self.log
            .read_to_end_with(|r| {
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
