//! Source offsets in a file (`offset.storage.file.filename`), standalone mode.
//!
//! Keys and values are the bytes Kafka Connect writes to its offsets topic: the key is
//! `["<connector>",{<source partition>}]` and the value the offset map, both compact JSON
//! from the JsonConverter with schemas disabled. (Kafka Connect's own standalone file is a
//! Java-serialized HashMap, which nothing but a JVM can read; this file is JSON, one entry
//! per key, so it can be inspected, and the same bytes go to the offsets topic in
//! distributed mode.) Writes are atomic: a temporary file, fsync, rename (owner-only, see
//! `storage::write_atomically`). A failed write changes nothing, in the file or in memory,
//! so what the store answers is what is durable; the caller keeps its offsets and tries
//! again. A corrupt file stops start-up with what to do about it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;

use crate::converter::{Converter, JsonConverter, JsonConverterConfig};
use crate::data::{SchemaAndValue, Value};

/// Another home for the offsets a store writes (distributed mode: the offsets topic). A
/// write counts only once the mirror has it durably; a failed mirror write changes nothing.
pub trait OffsetMirror: Send + Sync {
    /// Writes `(key, value)` pairs (a `None` value resets the key) and returns once they are
    /// durable. Called from a thread that may block.
    fn write(&self, records: &[(String, Option<String>)]) -> Result<(), String>;
}

pub struct OffsetStore {
    path: Option<PathBuf>,
    /// key JSON -> offset JSON (`None`: deleted, kept until the next flush).
    data: Mutex<BTreeMap<String, String>>,
    /// Held from taking a snapshot until it is in the file: tasks flush concurrently, and
    /// without it two writers would share the temporary file (one rename failing) or an
    /// older snapshot could land after a newer one.
    writing: Mutex<()>,
    json: JsonConverter,
    /// Distributed mode: where every write goes before it counts (the offsets topic).
    mirror: std::sync::OnceLock<Box<dyn OffsetMirror>>,
    /// A connector's own offsets topic's store: the worker's offsets topic, which gets its
    /// writes too (Kafka Connect's `ConnectorOffsetBackingStore` with a worker store as the
    /// secondary): resets before they count here, other offsets after, best effort.
    secondary: std::sync::OnceLock<Box<dyn OffsetMirror>>,
    #[cfg(test)]
    fail_writes: Mutex<Option<std::io::ErrorKind>>,
}

#[derive(Debug, thiserror::Error)]
pub enum OffsetError {
    #[error("offset file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("offset data: {0}")]
    Data(String),
}

fn schemaless_json() -> JsonConverter {
    JsonConverter::new(
        JsonConverterConfig {
            schemas_enable: false,
            ..Default::default()
        },
        false,
    )
}

impl OffsetStore {
    /// Loads the file if it exists. `None`: offsets live in memory only.
    pub fn open(path: Option<&Path>) -> Result<OffsetStore, OffsetError> {
        let mut data = BTreeMap::new();
        if let Some(p) = path {
            super::remove_stale_temp(p);
            match std::fs::read(p) {
                Ok(bytes) if !bytes.is_empty() => {
                    data = serde_json::from_slice(&bytes).map_err(|e| OffsetError::File {
                        path: p.to_path_buf(),
                        message: format!(
                            "cannot be read, it is not a Polyconnect offsets file ({e}). Polyconnect will not start \
                             with it. To recover, stop Polyconnect, move the file aside (keep it to inspect) and \
                             restore a good copy (e.g. from a backup) at {path}. Without a copy, starting with no \
                             offsets file (moved aside or deleted) makes every source connector read its source \
                             from the beginning again",
                            path = p.display()
                        ),
                    })?;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(OffsetError::File {
                        path: p.to_path_buf(),
                        message: e.to_string(),
                    })
                }
            }
        }
        Ok(OffsetStore {
            path: path.map(Path::to_path_buf),
            data: Mutex::new(data),
            writing: Mutex::new(()),
            json: schemaless_json(),
            mirror: std::sync::OnceLock::new(),
            secondary: std::sync::OnceLock::new(),
            #[cfg(test)]
            fail_writes: Mutex::new(None),
        })
    }

    /// Sends every later write to `mirror` too (once; a second mirror is ignored).
    pub fn set_mirror(&self, mirror: Box<dyn OffsetMirror>) {
        let _ = self.mirror.set(mirror);
    }

    /// Makes `secondary` (the worker's offsets topic, for a store of a connector's own
    /// offsets topic) get every later write as Kafka Connect's `ConnectorOffsetBackingStore`
    /// writes its secondary store: a reset goes there first and must succeed (or the
    /// worker's older offset would show through again, as reads fill in from it what this
    /// store lacks); every other offset after it counts here, a failure only logged.
    pub fn set_secondary(&self, secondary: Box<dyn OffsetMirror>) {
        let _ = self.secondary.set(secondary);
    }

    /// The resets among `encoded`, written to the secondary store before they are written
    /// here (by [`Self::put_and_flush`], or in an exactly-once task's transaction).
    pub(crate) fn write_secondary_resets(
        &self,
        encoded: &[(String, Option<String>)],
    ) -> Result<(), OffsetError> {
        let Some(secondary) = self.secondary.get() else {
            return Ok(());
        };
        let resets: Vec<(String, Option<String>)> = encoded
            .iter()
            .filter(|(_, v)| v.is_none())
            .cloned()
            .collect();
        if resets.is_empty() {
            return Ok(());
        }
        secondary.write(&resets).map_err(|e| {
            OffsetError::Data(format!(
                "cannot reset offsets in the worker's offsets topic first: {e}"
            ))
        })
    }

    /// The offsets among `encoded` that are not resets, copied to the secondary store once
    /// they count here; a failure is logged, as the copy is only a fallback.
    fn write_secondary_offsets(&self, encoded: &[(String, Option<String>)]) {
        let Some(secondary) = self.secondary.get() else {
            return;
        };
        let offsets: Vec<(String, Option<String>)> = encoded
            .iter()
            .filter(|(_, v)| v.is_some())
            .cloned()
            .collect();
        if offsets.is_empty() {
            return;
        }
        if let Err(e) = secondary.write(&offsets) {
            tracing::warn!(error = %e, "cannot copy offsets to the worker's offsets topic (the connector's own offsets topic has them)");
        }
    }

    fn encode(&self, v: Value) -> Result<String, OffsetError> {
        let b: Option<Bytes> = self
            .json
            .from_connect("", SchemaAndValue::new(None, v))
            .map_err(|e| OffsetError::Data(e.message))?;
        Ok(b.map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|| "null".into()))
    }

    fn decode(&self, s: &str) -> Result<Value, OffsetError> {
        Ok(self
            .json
            .to_connect("", Some(s.as_bytes()))
            .map_err(|e| OffsetError::Data(e.message))?
            .value)
    }

    pub fn key(&self, connector: &str, partition: &Value) -> Result<String, OffsetError> {
        self.encode(Value::Array(vec![
            Value::String(connector.to_string()),
            partition.clone(),
        ]))
    }

    /// An offset as the stored JSON text.
    pub(crate) fn encode_offset(&self, offset: Value) -> Result<String, OffsetError> {
        self.encode(offset)
    }

    /// Sets (or, with `None`, removes) one entry by its stored key and value text, without
    /// writing anything: how the offsets topic's records are applied as they are read.
    pub(crate) fn apply_raw(&self, key: String, value: Option<String>) {
        let mut data = self.data.lock().unwrap();
        match value {
            Some(v) => data.insert(key, v),
            None => data.remove(&key),
        };
    }

    /// Copies `connector`'s entries of `other` this store does not have, in memory only:
    /// a connector's own offsets topic read first, the worker's as its fallback (Kafka
    /// Connect's `ConnectorOffsetBackingStore`).
    pub(crate) fn fill_missing_from(&self, other: &OffsetStore, connector: &str) {
        let theirs: Vec<(String, String)> = {
            let data = other.data.lock().unwrap();
            data.iter()
                .filter(|(k, _)| {
                    matches!(
                        serde_json::from_str::<serde_json::Value>(k),
                        Ok(serde_json::Value::Array(parts))
                            if parts.len() == 2 && parts[0].as_str() == Some(connector)
                    )
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let mut data = self.data.lock().unwrap();
        for (k, v) in theirs {
            data.entry(k).or_insert(v);
        }
    }

    /// All stored (partition, offset) pairs of a connector.
    pub fn offsets(&self, connector: &str) -> Result<Vec<(Value, Value)>, OffsetError> {
        let data = self.data.lock().unwrap();
        let mut out = Vec::new();
        for (k, v) in data.iter() {
            let Value::Array(parts) = self.decode(k)? else {
                continue;
            };
            if parts.len() != 2 || parts[0] != Value::String(connector.to_string()) {
                continue;
            }
            let offset = self.decode(v)?;
            if offset.is_null() {
                continue;
            }
            out.push((parts[1].clone(), offset));
        }
        Ok(out)
    }

    /// All stored (partition, offset) pairs of a connector as JSON, for the REST API.
    pub fn json_offsets(
        &self,
        connector: &str,
    ) -> Result<Vec<(serde_json::Value, serde_json::Value)>, OffsetError> {
        let data = self.data.lock().unwrap();
        let mut out = Vec::new();
        for (k, v) in data.iter() {
            let Ok(serde_json::Value::Array(mut parts)) =
                serde_json::from_str::<serde_json::Value>(k)
            else {
                continue;
            };
            if parts.len() != 2 || parts[0].as_str() != Some(connector) {
                continue;
            }
            let offset: serde_json::Value =
                serde_json::from_str(v).map_err(|e| OffsetError::Data(e.to_string()))?;
            if offset.is_null() {
                continue;
            }
            out.push((parts.swap_remove(1), offset));
        }
        Ok(out)
    }

    /// A JSON value (from the REST API) as the data a connector would have stored.
    pub fn value_from_json(&self, v: &serde_json::Value) -> Result<Value, OffsetError> {
        self.decode(&v.to_string())
    }

    /// Every stored partition of a connector.
    pub fn partitions(&self, connector: &str) -> Result<Vec<Value>, OffsetError> {
        Ok(self
            .offsets(connector)?
            .into_iter()
            .map(|(p, _)| p)
            .collect())
    }

    /// The offset of one partition.
    pub fn offset(&self, connector: &str, partition: &Value) -> Result<Option<Value>, OffsetError> {
        let key = self.key(connector, partition)?;
        let data = self.data.lock().unwrap();
        match data.get(&key) {
            Some(v) => {
                let v = self.decode(v)?;
                Ok(if v.is_null() { None } else { Some(v) })
            }
            None => Ok(None),
        }
    }

    /// Stages offsets (a `None` offset deletes the partition's entry), then writes the file.
    /// A connector's offsets as the offsets topic's records: (key, value) text, a `None`
    /// value resetting the partition. The one serialization of both the file and the topic.
    pub fn encode_entries(
        &self,
        connector: &str,
        entries: Vec<(Value, Option<Value>)>,
    ) -> Result<Vec<(String, Option<String>)>, OffsetError> {
        let mut encoded = Vec::with_capacity(entries.len());
        for (p, o) in entries {
            let key = self.key(connector, &p)?;
            let value = match o {
                Some(o) => Some(self.encode(o)?),
                None => None,
            };
            encoded.push((key, value));
        }
        Ok(encoded)
    }

    /// Applies records that are durable already (written by an exactly-once task in its
    /// committed transaction), without writing them anywhere.
    /// With a secondary store, the offsets (not the resets, written before the commit by
    /// [`Self::write_secondary_resets`]) are copied to it.
    pub(crate) fn apply_committed(&self, encoded: Vec<(String, Option<String>)>) {
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        self.write_secondary_offsets(&encoded);
        for (k, v) in encoded {
            self.apply_raw(k, v);
        }
    }

    pub fn put_and_flush(
        &self,
        connector: &str,
        entries: Vec<(Value, Option<Value>)>,
    ) -> Result<(), OffsetError> {
        let encoded = self.encode_entries(connector, entries)?;
        // Every change to `data` happens here, under `writing`: a failed write can put back
        // what it changed without undoing another writer's change.
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        self.write_secondary_resets(&encoded)?;
        if let Some(mirror) = self.mirror.get() {
            mirror.write(&encoded).map_err(OffsetError::Data)?;
        }
        self.write_secondary_offsets(&encoded);
        let mut previous = Vec::with_capacity(encoded.len());
        let snapshot = {
            let mut data = self.data.lock().unwrap();
            for (k, v) in encoded {
                let old = match v {
                    Some(v) => data.insert(k.clone(), v),
                    None => data.remove(&k),
                };
                previous.push((k, old));
            }
            serde_json::to_vec_pretty(&*data).map_err(|e| OffsetError::Data(e.to_string()))
        };
        let written = snapshot.and_then(|bytes| self.write(&bytes));
        if written.is_err() {
            let mut data = self.data.lock().unwrap();
            // In reverse, so a key given twice gets its first previous value back.
            for (k, old) in previous.into_iter().rev() {
                match old {
                    Some(v) => {
                        data.insert(k, v);
                    }
                    None => {
                        data.remove(&k);
                    }
                }
            }
        }
        written
    }

    fn write(&self, bytes: &[u8]) -> Result<(), OffsetError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        #[cfg(test)]
        if let Some(kind) = self.fail_writes.lock().unwrap().as_ref() {
            return Err(OffsetError::File {
                path: path.clone(),
                message: std::io::Error::from(*kind).to_string(),
            });
        }
        super::write_atomically(path, bytes).map_err(|e| OffsetError::File {
            path: path.clone(),
            message: e.to_string(),
        })
    }

    /// Test hook: every write fails with `kind` until set back to `None`.
    #[cfg(test)]
    pub(crate) fn fail_writes(&self, kind: Option<std::io::ErrorKind>) {
        *self.fail_writes.lock().unwrap() = kind;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(k: &str, v: Value) -> Value {
        Value::Map(vec![(Value::String(k.into()), v)])
    }

    #[test]
    fn stores_kafka_connect_keys_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offsets.json");
        let s = OffsetStore::open(Some(&path)).unwrap();
        let part = map("filename", Value::String("/tmp/in.txt".into()));
        assert_eq!(
            s.key("c", &part).unwrap(),
            r#"["c",{"filename":"/tmp/in.txt"}]"#
        );
        s.put_and_flush(
            "c",
            vec![(part.clone(), Some(map("position", Value::Int64(42))))],
        )
        .unwrap();
        s.put_and_flush(
            "other",
            vec![(part.clone(), Some(map("position", Value::Int64(1))))],
        )
        .unwrap();
        let again = OffsetStore::open(Some(&path)).unwrap();
        assert_eq!(
            again.offsets("c").unwrap(),
            vec![(part.clone(), map("position", Value::Int64(42)))]
        );
        assert_eq!(
            again.offset("c", &part).unwrap(),
            Some(map("position", Value::Int64(42)))
        );
        again
            .put_and_flush("c", vec![(part.clone(), None)])
            .unwrap();
        assert!(OffsetStore::open(Some(&path))
            .unwrap()
            .offsets("c")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn tasks_flushing_at_once_all_succeed_and_the_file_has_every_last_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offsets.json");
        let s = std::sync::Arc::new(OffsetStore::open(Some(&path)).unwrap());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let s = s.clone();
                std::thread::spawn(move || {
                    let part = map("task", Value::Int64(t));
                    for n in 0..50 {
                        s.put_and_flush(
                            &format!("c{t}"),
                            vec![(part.clone(), Some(map("n", Value::Int64(n))))],
                        )
                        .expect("a flush failed");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let again = OffsetStore::open(Some(&path)).unwrap();
        for t in 0..4 {
            assert_eq!(
                again.offsets(&format!("c{t}")).unwrap(),
                vec![(map("task", Value::Int64(t)), map("n", Value::Int64(49)))]
            );
        }
    }

    #[test]
    fn refuses_a_corrupt_file_and_says_how_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offsets.json");
        std::fs::write(&path, b"\xac\xed\x00\x05java").unwrap();
        let Err(e) = OffsetStore::open(Some(&path)) else {
            panic!("a corrupt file was accepted")
        };
        let msg = e.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("move the file aside"), "{msg}");
        assert!(msg.contains("restore a good copy"), "{msg}");
        assert!(msg.contains("from the beginning"), "{msg}");
    }

    #[test]
    fn a_failed_write_changes_nothing_and_the_next_one_stores_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offsets.json");
        let s = OffsetStore::open(Some(&path)).unwrap();
        let (a, b) = (map("p", Value::Int64(1)), map("p", Value::Int64(2)));
        s.put_and_flush("c", vec![(a.clone(), Some(map("n", Value::Int64(1))))])
            .unwrap();
        // The temporary file's path is taken by a directory: the write fails (ENOSPC, EIO
        // and the like take the same path).
        std::fs::create_dir(crate::storage::temp_path(&path)).unwrap();
        let staged = vec![
            (a.clone(), Some(map("n", Value::Int64(2)))),
            (b.clone(), Some(map("n", Value::Int64(7)))),
        ];
        assert!(s.put_and_flush("c", staged.clone()).is_err());
        assert_eq!(
            s.offset("c", &a).unwrap(),
            Some(map("n", Value::Int64(1))),
            "the old offset, as in the file"
        );
        assert_eq!(s.offset("c", &b).unwrap(), None);
        assert_eq!(
            OffsetStore::open(Some(&path))
                .unwrap()
                .offsets("c")
                .unwrap()
                .len(),
            1
        );
        std::fs::remove_dir(crate::storage::temp_path(&path)).unwrap();
        s.put_and_flush("c", staged).unwrap();
        let again = OffsetStore::open(Some(&path)).unwrap();
        assert_eq!(
            again.offset("c", &a).unwrap(),
            Some(map("n", Value::Int64(2)))
        );
        assert_eq!(
            again.offset("c", &b).unwrap(),
            Some(map("n", Value::Int64(7)))
        );
    }

    #[test]
    fn the_file_is_owner_only_and_a_stale_temporary_file_is_removed_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offsets.json");
        let tmp = crate::storage::temp_path(&path);
        std::fs::write(&tmp, b"{\"half\":").unwrap();
        let s = OffsetStore::open(Some(&path)).unwrap();
        assert!(!tmp.exists(), "stale temporary file kept");
        s.put_and_flush(
            "c",
            vec![(map("p", Value::Int64(1)), Some(map("n", Value::Int64(1))))],
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
}
