//! Connector configs and target states in a file, standalone mode.
//!
//! Kafka Connect's standalone worker keeps connectors created through REST in memory only;
//! Polyconnect keeps them in a JSON file beside the offsets file, so connectors created,
//! changed, paused, stopped or deleted through REST survive a restart of the core. The
//! configs are stored raw (with their `${provider:..}` references), as Kafka Connect's config
//! topic stores them. Writes are atomic (temporary file, fsync, rename; owner-only, see
//! `storage::write_atomically`) and happen before the change takes effect, so a failed
//! write changes nothing.
//!
//! ```json
//! {"connectors": {"my-source": {"config": {"connector.class": "..", ..}, "target_state": "PAUSED"}}}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::config::Props;

/// What the user asked a connector to be (Kafka Connect's `TargetState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum TargetState {
    #[default]
    Started,
    Paused,
    Stopped,
}

impl TargetState {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::Started => "STARTED",
            TargetState::Paused => "PAUSED",
            TargetState::Stopped => "STOPPED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredConnector {
    pub config: Props,
    #[serde(default)]
    pub target_state: TargetState,
}

#[derive(Serialize, Deserialize, Default)]
struct FileContents {
    connectors: BTreeMap<String, StoredConnector>,
}

#[derive(Debug, thiserror::Error)]
#[error("connector config file {path}: {message}")]
pub struct ConfigStoreError {
    pub path: PathBuf,
    pub message: String,
}

pub struct ConfigStore {
    path: Option<PathBuf>,
    data: Mutex<BTreeMap<String, StoredConnector>>,
}

impl ConfigStore {
    /// The file beside an offsets file: `offsets.json` -> `offsets.connectors.json`.
    pub fn path_beside(offsets: &Path) -> PathBuf {
        let stem = offsets
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "connect".into());
        offsets.with_file_name(format!("{stem}.connectors.json"))
    }

    /// Loads the file if it exists. `None`: nothing is persisted.
    pub fn open(path: Option<&Path>) -> Result<ConfigStore, ConfigStoreError> {
        let mut data = BTreeMap::new();
        if let Some(p) = path {
            super::remove_stale_temp(p);
            let err = |message: String| ConfigStoreError {
                path: p.to_path_buf(),
                message,
            };
            match std::fs::read(p) {
                Ok(bytes) if !bytes.is_empty() => {
                    let f: FileContents = serde_json::from_slice(&bytes).map_err(|e| {
                        err(format!("not a Polyconnect connector config file: {e}"))
                    })?;
                    data = f.connectors;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(err(e.to_string())),
            }
        }
        Ok(ConfigStore {
            path: path.map(Path::to_path_buf),
            data: Mutex::new(data),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Every stored connector, by name.
    pub fn all(&self) -> BTreeMap<String, StoredConnector> {
        self.data.lock().unwrap().clone()
    }

    pub fn get(&self, name: &str) -> Option<StoredConnector> {
        self.data.lock().unwrap().get(name).cloned()
    }

    /// Stores (or replaces) a connector; the file is written before the change is kept.
    pub fn put(&self, name: &str, c: StoredConnector) -> Result<(), ConfigStoreError> {
        self.update(|m| {
            m.insert(name.to_string(), c);
        })
    }

    /// Changes a stored connector's target state (nothing if it is not stored).
    pub fn set_target_state(&self, name: &str, state: TargetState) -> Result<(), ConfigStoreError> {
        self.update(|m| {
            if let Some(c) = m.get_mut(name) {
                c.target_state = state;
            }
        })
    }

    pub fn remove(&self, name: &str) -> Result<(), ConfigStoreError> {
        self.update(|m| {
            m.remove(name);
        })
    }

    fn update(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, StoredConnector>),
    ) -> Result<(), ConfigStoreError> {
        let mut data = self.data.lock().unwrap();
        let mut next = data.clone();
        change(&mut next);
        if next == *data {
            return Ok(());
        }
        if let Some(path) = &self.path {
            let contents = FileContents {
                connectors: next.clone(),
            };
            let bytes = serde_json::to_vec_pretty(&contents).map_err(|e| ConfigStoreError {
                path: path.clone(),
                message: e.to_string(),
            })?;
            super::write_atomically(path, &bytes).map_err(|e| ConfigStoreError {
                path: path.clone(),
                message: e.to_string(),
            })?;
        }
        *data = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Props {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn survives_reopen_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let path = ConfigStore::path_beside(&dir.path().join("offsets.json"));
        assert!(path.ends_with("offsets.connectors.json"));
        let s = ConfigStore::open(Some(&path)).unwrap();
        let c = StoredConnector {
            config: props(&[
                ("name", "a"),
                ("connector.class", "X"),
                ("file", "${env:HOME}"),
            ]),
            target_state: TargetState::Started,
        };
        s.put("a", c.clone()).unwrap();
        s.put("b", c.clone()).unwrap();
        s.set_target_state("a", TargetState::Paused).unwrap();
        s.remove("b").unwrap();
        let again = ConfigStore::open(Some(&path)).unwrap();
        let all = again.all();
        assert_eq!(all.len(), 1);
        assert_eq!(all["a"].target_state, TargetState::Paused);
        assert_eq!(all["a"].config["file"], "${env:HOME}");
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be: the rename fails.
        let path = dir.path().join("c.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("x"), b"x").unwrap();
        let s = ConfigStore::open(None).unwrap();
        assert!(s.all().is_empty());
        let broken = ConfigStore {
            path: Some(path),
            data: Mutex::new(BTreeMap::new()),
        };
        let c = StoredConnector {
            config: props(&[("name", "a")]),
            target_state: TargetState::Started,
        };
        assert!(broken.put("a", c).is_err());
        assert!(broken.all().is_empty());
    }

    #[test]
    fn refuses_a_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        std::fs::write(&path, b"{not json").unwrap();
        assert!(ConfigStore::open(Some(&path)).is_err());
    }
}
