//! The records of Kafka Connect's internal topics, as `KafkaConfigBackingStore` and
//! `KafkaStatusBackingStore` write them: keys are strings, values are the JSON of Kafka's
//! JsonConverter with `schemas.enable=false`, a null value (tombstone) deletes.
//!
//! Config topic (`config.storage.topic`, one partition, compacted):
//!
//! | key | value |
//! |---|---|
//! | `connector-<c>` | `{"properties":{..}}`; null deletes the connector |
//! | `task-<c>-<n>` | `{"properties":{..}}` |
//! | `commit-<c>` | `{"tasks":n}`, written after the task records |
//! | `target-state-<c>` | `{"state":"PAUSED","state.v2":"STOPPED"}` |
//! | `restart-connector-<c>` | `{"include-tasks":true,"only-failed":false}` |
//! | `tasks-fencing-<c>` | `{"task-count":n}` (exactly-once sources) |
//! | `session-key` | `{"key":"<base64>","algorithm":"HmacSHA256","creation-timestamp":ms}` |
//! | `logger-cluster-<namespace>` | `{"level":"DEBUG"}` |
//!
//! Status topic (`status.storage.topic`, compacted): `status-connector-<c>`,
//! `status-task-<c>-<n>` (`{"state","trace","worker_id","generation","version"}`) and
//! `status-topic-<topic>:connector-<c>` (a sink's or source's active topic).
//!
//! Connector configs keep their `${provider:path:key}` references unresolved and may hold
//! null values (a REST `PUT` with `"x": null`), so they are `BTreeMap<String, Option<String>>`.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::protocol::ConnectorTaskId;

/// A connector's or task's raw config, as the config topic holds it.
pub type RawConfig = BTreeMap<String, Option<String>>;

/// What the user asked a connector to be (Kafka Connect's `TargetState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetState {
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

    fn parse(s: &str) -> Option<TargetState> {
        match s {
            "STARTED" => Some(TargetState::Started),
            "PAUSED" => Some(TargetState::Paused),
            "STOPPED" => Some(TargetState::Stopped),
            _ => None,
        }
    }
}

/// The session key workers sign internal requests with (KIP-507).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKey {
    pub key: Vec<u8>,
    pub algorithm: String,
    pub creation_timestamp_ms: i64,
}

impl fmt::Debug for SessionKey {
    // Never log the key itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKey")
            .field("key", &format_args!("<{} bytes>", self.key.len()))
            .field("algorithm", &self.algorithm)
            .field("creation_timestamp_ms", &self.creation_timestamp_ms)
            .finish()
    }
}

/// One record of the config topic, read or to be written.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigRecord {
    /// `None`: the connector was deleted.
    Connector {
        name: String,
        config: Option<RawConfig>,
    },
    /// `None`: a tombstone (Kafka Connect never writes one for tasks; compaction may).
    Task {
        id: ConnectorTaskId,
        config: Option<RawConfig>,
    },
    /// The connector's task configs written before this record are its tasks `0..tasks`.
    Commit {
        connector: String,
        tasks: u32,
    },
    /// `None`: deleted with the connector.
    TargetState {
        connector: String,
        state: Option<TargetState>,
    },
    Restart {
        connector: String,
        include_tasks: bool,
        only_failed: bool,
    },
    TasksFencing {
        connector: String,
        task_count: u32,
    },
    SessionKey(SessionKey),
    /// `None`: removed.
    LoggerLevel {
        namespace: String,
        level: Option<String>,
    },
}

/// A record that is not one of Kafka Connect's, or whose value does not parse. Kafka
/// Connect logs such records and skips them; so does the config log.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("config topic record '{key}': {message}")]
pub struct RecordError {
    pub key: String,
    pub message: String,
}

fn err(key: &str, message: impl Into<String>) -> RecordError {
    RecordError {
        key: key.to_string(),
        message: message.into(),
    }
}

/// Splits `<connector>-<task>` at the last `-` (connector names may hold dashes).
pub fn parse_task_id(s: &str) -> Option<ConnectorTaskId> {
    let (connector, task) = s.rsplit_once('-')?;
    let task: i32 = task.parse().ok()?;
    (task >= 0).then(|| ConnectorTaskId::new(connector, task))
}

impl ConfigRecord {
    /// The record's key.
    pub fn key(&self) -> String {
        match self {
            ConfigRecord::Connector { name, .. } => format!("connector-{name}"),
            ConfigRecord::Task { id, .. } => format!("task-{id}"),
            ConfigRecord::Commit { connector, .. } => format!("commit-{connector}"),
            ConfigRecord::TargetState { connector, .. } => format!("target-state-{connector}"),
            ConfigRecord::Restart { connector, .. } => format!("restart-connector-{connector}"),
            ConfigRecord::TasksFencing { connector, .. } => format!("tasks-fencing-{connector}"),
            ConfigRecord::SessionKey(_) => "session-key".to_string(),
            ConfigRecord::LoggerLevel { namespace, .. } => format!("logger-cluster-{namespace}"),
        }
    }

    /// The record's value bytes; `None` is a tombstone.
    pub fn value(&self) -> Option<Vec<u8>> {
        let v = match self {
            ConfigRecord::Connector { config, .. } | ConfigRecord::Task { config, .. } => {
                json!({ "properties": config.as_ref()? })
            }
            ConfigRecord::Commit { tasks, .. } => json!({ "tasks": tasks }),
            ConfigRecord::TargetState { state, .. } => {
                // Workers older than KIP-875 read only "state" and know no STOPPED: they
                // see PAUSED, the closest state they know, as Kafka Connect writes it.
                let state = state.as_ref()?;
                let legacy = if *state == TargetState::Stopped {
                    TargetState::Paused
                } else {
                    *state
                };
                json!({ "state": legacy.as_str(), "state.v2": state.as_str() })
            }
            ConfigRecord::Restart {
                include_tasks,
                only_failed,
                ..
            } => {
                json!({ "include-tasks": include_tasks, "only-failed": only_failed })
            }
            ConfigRecord::TasksFencing { task_count, .. } => json!({ "task-count": task_count }),
            ConfigRecord::SessionKey(k) => json!({
                "key": base64_encode(&k.key),
                "algorithm": k.algorithm,
                "creation-timestamp": k.creation_timestamp_ms,
            }),
            ConfigRecord::LoggerLevel { level, .. } => json!({ "level": level.as_ref()? }),
        };
        Some(serde_json::to_vec(&v).unwrap_or_default())
    }

    /// Reads a config topic record. `Ok(None)`: a key Kafka Connect does not know either.
    pub fn decode(key: &str, value: Option<&[u8]>) -> Result<Option<ConfigRecord>, RecordError> {
        let parsed: Option<Value> = match value {
            None => None,
            Some(bytes) => Some(
                serde_json::from_slice(bytes)
                    .map_err(|e| err(key, format!("value is not JSON: {e}")))?,
            ),
        };
        let obj = |v: &Value| -> Result<Map<String, Value>, RecordError> {
            match v {
                Value::Object(m) => Ok(m.clone()),
                _ => Err(err(key, "value is not a JSON object")),
            }
        };
        let record = if let Some(name) = key.strip_prefix("connector-") {
            let config = parsed.as_ref().map(|v| properties(key, v)).transpose()?;
            ConfigRecord::Connector {
                name: name.to_string(),
                config,
            }
        } else if let Some(task) = key.strip_prefix("task-") {
            let id = parse_task_id(task).ok_or_else(|| err(key, "not a task id"))?;
            let config = parsed.as_ref().map(|v| properties(key, v)).transpose()?;
            ConfigRecord::Task { id, config }
        } else if let Some(connector) = key.strip_prefix("commit-") {
            let v = parsed.ok_or_else(|| err(key, "a commit record has no value"))?;
            let tasks = obj(&v)?
                .get("tasks")
                .and_then(Value::as_u64)
                .ok_or_else(|| err(key, "no 'tasks' count"))?;
            ConfigRecord::Commit {
                connector: connector.to_string(),
                tasks: tasks as u32,
            }
        } else if let Some(connector) = key.strip_prefix("target-state-") {
            let state = match parsed {
                None => None,
                Some(v) => {
                    let m = obj(&v)?;
                    // state.v2 first: "state" says PAUSED for STOPPED, for older workers.
                    let s = m
                        .get("state.v2")
                        .and_then(Value::as_str)
                        .or_else(|| m.get("state").and_then(Value::as_str))
                        .ok_or_else(|| err(key, "no 'state'"))?;
                    Some(
                        TargetState::parse(s)
                            .ok_or_else(|| err(key, format!("unknown target state '{s}'")))?,
                    )
                }
            };
            ConfigRecord::TargetState {
                connector: connector.to_string(),
                state,
            }
        } else if let Some(connector) = key.strip_prefix("restart-connector-") {
            let v = parsed.ok_or_else(|| err(key, "a restart record has no value"))?;
            let m = obj(&v)?;
            // Kafka Connect's defaults when a field is missing: false, false.
            let flag = |f: &str| m.get(f).and_then(Value::as_bool).unwrap_or(false);
            ConfigRecord::Restart {
                connector: connector.to_string(),
                include_tasks: flag("include-tasks"),
                only_failed: flag("only-failed"),
            }
        } else if let Some(connector) = key.strip_prefix("tasks-fencing-") {
            let v = parsed.ok_or_else(|| err(key, "a fencing record has no value"))?;
            let n = obj(&v)?
                .get("task-count")
                .and_then(Value::as_u64)
                .ok_or_else(|| err(key, "no 'task-count'"))?;
            ConfigRecord::TasksFencing {
                connector: connector.to_string(),
                task_count: n as u32,
            }
        } else if key == "session-key" {
            let v = parsed.ok_or_else(|| err(key, "a session key record has no value"))?;
            let m = obj(&v)?;
            let k = m
                .get("key")
                .and_then(Value::as_str)
                .ok_or_else(|| err(key, "no 'key'"))?;
            let k = base64_decode(k).ok_or_else(|| err(key, "'key' is not base64"))?;
            let algorithm = m
                .get("algorithm")
                .and_then(Value::as_str)
                .ok_or_else(|| err(key, "no 'algorithm'"))?;
            let ts = m
                .get("creation-timestamp")
                .and_then(Value::as_i64)
                .ok_or_else(|| err(key, "no 'creation-timestamp'"))?;
            ConfigRecord::SessionKey(SessionKey {
                key: k,
                algorithm: algorithm.to_string(),
                creation_timestamp_ms: ts,
            })
        } else if let Some(namespace) = key.strip_prefix("logger-cluster-") {
            let level = match parsed {
                None => None,
                Some(v) => Some(
                    obj(&v)?
                        .get("level")
                        .and_then(Value::as_str)
                        .ok_or_else(|| err(key, "no 'level'"))?
                        .to_string(),
                ),
            };
            ConfigRecord::LoggerLevel {
                namespace: namespace.to_string(),
                level,
            }
        } else {
            return Ok(None);
        };
        Ok(Some(record))
    }
}

fn properties(key: &str, v: &Value) -> Result<RawConfig, RecordError> {
    let props = v
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| err(key, "no 'properties' object"))?;
    props
        .iter()
        .map(|(k, v)| match v {
            Value::Null => Ok((k.clone(), None)),
            Value::String(s) => Ok((k.clone(), Some(s.clone()))),
            other => Err(err(key, format!("property '{k}' is not a string: {other}"))),
        })
        .collect()
}

/// A state in the status topic (Kafka Connect's `AbstractStatus.State`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusState {
    Unassigned,
    Running,
    Paused,
    Stopped,
    Failed,
    Restarting,
    Destroyed,
}

impl StatusState {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusState::Unassigned => "UNASSIGNED",
            StatusState::Running => "RUNNING",
            StatusState::Paused => "PAUSED",
            StatusState::Stopped => "STOPPED",
            StatusState::Failed => "FAILED",
            StatusState::Restarting => "RESTARTING",
            StatusState::Destroyed => "DESTROYED",
        }
    }

    pub fn parse(s: &str) -> Option<StatusState> {
        Some(match s {
            "UNASSIGNED" => StatusState::Unassigned,
            "RUNNING" => StatusState::Running,
            "PAUSED" => StatusState::Paused,
            "STOPPED" => StatusState::Stopped,
            "FAILED" => StatusState::Failed,
            "RESTARTING" => StatusState::Restarting,
            "DESTROYED" => StatusState::Destroyed,
            _ => return None,
        })
    }
}

/// A connector's or task's status as the status topic holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub state: StatusState,
    pub trace: Option<String>,
    /// The advertised `host:port` of the worker running it.
    pub worker_id: String,
    /// The group generation the worker had when it wrote this.
    pub generation: i32,
    /// The plugin's version (Kafka Connect 4.x), null when unknown.
    pub version: Option<String>,
}

impl Status {
    /// Kafka Connect's rule for a "safe" write (`KafkaStatusBackingStore.CacheEntry
    /// .canWriteSafely`): overwrite only a missing value, the same worker's value, or a value
    /// of the same or an older generation, so a worker that lost its assignment (an older
    /// generation) cannot overwrite the status its successor wrote.
    pub fn may_overwrite(&self, existing: Option<&Status>) -> bool {
        match existing {
            None => true,
            Some(e) => e.worker_id == self.worker_id || e.generation <= self.generation,
        }
    }
}

/// One record of the status topic.
#[derive(Clone, Debug, PartialEq)]
pub enum StatusRecord {
    /// `None`: the connector was deleted.
    Connector {
        name: String,
        status: Option<Status>,
    },
    Task {
        id: ConnectorTaskId,
        status: Option<Status>,
    },
    /// A topic a connector's task used (`GET /connectors/{c}/topics`). `None`: reset.
    Topic {
        topic: String,
        connector: String,
        task: Option<i32>,
        discover_timestamp_ms: Option<i64>,
    },
}

impl StatusRecord {
    pub fn key(&self) -> String {
        match self {
            StatusRecord::Connector { name, .. } => format!("status-connector-{name}"),
            StatusRecord::Task { id, .. } => format!("status-task-{id}"),
            StatusRecord::Topic {
                topic, connector, ..
            } => format!("status-topic-{topic}:connector-{connector}"),
        }
    }

    pub fn value(&self) -> Option<Vec<u8>> {
        let v = match self {
            StatusRecord::Connector { status, .. } | StatusRecord::Task { status, .. } => {
                let s = status.as_ref()?;
                json!({
                    "state": s.state.as_str(),
                    "trace": s.trace,
                    "worker_id": s.worker_id,
                    "generation": s.generation,
                    "version": s.version,
                })
            }
            StatusRecord::Topic {
                topic,
                connector,
                task,
                discover_timestamp_ms,
            } => json!({
                "topic": {
                    "name": topic,
                    "connector": connector,
                    "task": (*task)?,
                    "discoverTimestamp": (*discover_timestamp_ms)?,
                }
            }),
        };
        Some(serde_json::to_vec(&v).unwrap_or_default())
    }

    /// Reads a status topic record. `Ok(None)`: a key Kafka Connect does not know either.
    pub fn decode(key: &str, value: Option<&[u8]>) -> Result<Option<StatusRecord>, RecordError> {
        let parsed: Option<Value> = match value {
            None => None,
            Some(bytes) => Some(
                serde_json::from_slice(bytes)
                    .map_err(|e| err(key, format!("value is not JSON: {e}")))?,
            ),
        };
        let status = |v: Option<Value>| -> Result<Option<Status>, RecordError> {
            let Some(v) = v else { return Ok(None) };
            let state = v
                .get("state")
                .and_then(Value::as_str)
                .ok_or_else(|| err(key, "no 'state'"))?;
            let state = StatusState::parse(state)
                .ok_or_else(|| err(key, format!("unknown state '{state}'")))?;
            Ok(Some(Status {
                state,
                trace: v.get("trace").and_then(Value::as_str).map(str::to_string),
                worker_id: v
                    .get("worker_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| err(key, "no 'worker_id'"))?
                    .to_string(),
                generation: v
                    .get("generation")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| err(key, "no 'generation'"))? as i32,
                version: v.get("version").and_then(Value::as_str).map(str::to_string),
            }))
        };
        let record = if let Some(name) = key.strip_prefix("status-connector-") {
            StatusRecord::Connector {
                name: name.to_string(),
                status: status(parsed)?,
            }
        } else if let Some(task) = key.strip_prefix("status-task-") {
            let id = parse_task_id(task).ok_or_else(|| err(key, "not a task id"))?;
            StatusRecord::Task {
                id,
                status: status(parsed)?,
            }
        } else if let Some(rest) = key.strip_prefix("status-topic-") {
            // The topic name cannot hold ':' (Kafka's legal characters), the connector can.
            let (topic, connector) = rest
                .split_once(":connector-")
                .ok_or_else(|| err(key, "not status-topic-<topic>:connector-<connector>"))?;
            let t = parsed.as_ref().and_then(|v| v.get("topic"));
            StatusRecord::Topic {
                topic: topic.to_string(),
                connector: connector.to_string(),
                task: t
                    .and_then(|t| t.get("task"))
                    .and_then(Value::as_i64)
                    .map(|n| n as i32),
                discover_timestamp_ms: t
                    .and_then(|t| t.get("discoverTimestamp"))
                    .and_then(Value::as_i64),
            }
        } else {
            return Ok(None);
        };
        Ok(Some(record))
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, Option<&str>)]) -> RawConfig {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    }

    fn parse(v: &[u8]) -> Value {
        serde_json::from_slice(v).unwrap()
    }

    // Values printed by Kafka 4.3.1's KafkaConfigBackingStore / KafkaStatusBackingStore
    // serialisation (the distributed-mode brief's golden vectors); compared as JSON because
    // Java's map order is not a contract.
    #[test]
    fn config_records_match_kafka_connect() {
        let props = cfg(&[
            ("connector.class", Some("FileStreamSource")),
            ("tasks.max", Some("2")),
            ("file", Some("/data/in.txt")),
            ("topic", Some("t")),
            ("nullable", None),
        ]);
        let golden: &[(ConfigRecord, &str, &str)] = &[
            (
                ConfigRecord::Connector {
                    name: "src".into(),
                    config: Some(props.clone()),
                },
                "connector-src",
                r#"{"properties":{"connector.class":"FileStreamSource","tasks.max":"2","file":"/data/in.txt","topic":"t","nullable":null}}"#,
            ),
            (
                ConfigRecord::Commit {
                    connector: "src".into(),
                    tasks: 2,
                },
                "commit-src",
                r#"{"tasks":2}"#,
            ),
            (
                ConfigRecord::TargetState {
                    connector: "src".into(),
                    state: Some(TargetState::Stopped),
                },
                "target-state-src",
                r#"{"state":"PAUSED","state.v2":"STOPPED"}"#,
            ),
            (
                ConfigRecord::TasksFencing {
                    connector: "src".into(),
                    task_count: 2,
                },
                "tasks-fencing-src",
                r#"{"task-count":2}"#,
            ),
            (
                ConfigRecord::SessionKey(SessionKey {
                    key: vec![0; 32],
                    algorithm: "HmacSHA256".into(),
                    creation_timestamp_ms: 1_700_000_000_000,
                }),
                "session-key",
                r#"{"key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","algorithm":"HmacSHA256","creation-timestamp":1700000000000}"#,
            ),
            (
                ConfigRecord::Restart {
                    connector: "src".into(),
                    include_tasks: true,
                    only_failed: false,
                },
                "restart-connector-src",
                r#"{"include-tasks":true,"only-failed":false}"#,
            ),
            (
                ConfigRecord::LoggerLevel {
                    namespace: "org.apache".into(),
                    level: Some("DEBUG".into()),
                },
                "logger-cluster-org.apache",
                r#"{"level":"DEBUG"}"#,
            ),
        ];
        for (record, key, value) in golden {
            assert_eq!(record.key(), *key);
            assert_eq!(
                parse(&record.value().unwrap()),
                parse(value.as_bytes()),
                "{key}"
            );
            assert_eq!(
                ConfigRecord::decode(key, Some(value.as_bytes()))
                    .unwrap()
                    .as_ref(),
                Some(record),
                "{key}"
            );
        }
        let mut task_props = props;
        task_props.insert("task.class".into(), Some("X".into()));
        let task = ConfigRecord::decode(
            "task-src-0",
            Some(br#"{"properties":{"connector.class":"FileStreamSource","tasks.max":"2","file":"/data/in.txt","topic":"t","nullable":null,"task.class":"X"}}"#),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            task,
            ConfigRecord::Task {
                id: ConnectorTaskId::new("src", 0),
                config: Some(task_props)
            }
        );
    }

    #[test]
    fn target_states_and_tombstones() {
        // A pre-KIP-875 record has no state.v2.
        let old = ConfigRecord::decode("target-state-a", Some(br#"{"state":"PAUSED"}"#)).unwrap();
        assert_eq!(
            old,
            Some(ConfigRecord::TargetState {
                connector: "a".into(),
                state: Some(TargetState::Paused)
            })
        );
        let started = ConfigRecord::TargetState {
            connector: "a".into(),
            state: Some(TargetState::Started),
        };
        assert_eq!(
            parse(&started.value().unwrap()),
            json!({"state":"STARTED","state.v2":"STARTED"})
        );
        assert_eq!(
            ConfigRecord::decode("connector-a", None).unwrap(),
            Some(ConfigRecord::Connector {
                name: "a".into(),
                config: None
            })
        );
        assert_eq!(
            ConfigRecord::Connector {
                name: "a".into(),
                config: None
            }
            .value(),
            None
        );
        assert_eq!(
            ConfigRecord::decode("target-state-a", None).unwrap(),
            Some(ConfigRecord::TargetState {
                connector: "a".into(),
                state: None
            })
        );
        assert_eq!(
            ConfigRecord::decode("something-else", Some(b"{}")).unwrap(),
            None
        );
        assert!(ConfigRecord::decode("commit-a", Some(b"not json")).is_err());
        assert!(ConfigRecord::decode("target-state-a", Some(br#"{"state":"RUNNING"}"#)).is_err());
    }

    #[test]
    fn task_ids_split_at_the_last_dash() {
        assert_eq!(
            parse_task_id("my-conn-12"),
            Some(ConnectorTaskId::new("my-conn", 12))
        );
        assert_eq!(parse_task_id("noid"), None);
        assert_eq!(parse_task_id("c--1"), Some(ConnectorTaskId::new("c-", 1)));
        assert_eq!(parse_task_id("c-x"), None);
        let r = ConfigRecord::decode("task-a-b-3", Some(br#"{"properties":{}}"#))
            .unwrap()
            .unwrap();
        assert_eq!(
            r,
            ConfigRecord::Task {
                id: ConnectorTaskId::new("a-b", 3),
                config: Some(RawConfig::new())
            }
        );
        assert_eq!(r.key(), "task-a-b-3");
    }

    #[test]
    fn status_records_match_kafka_connect() {
        let running = StatusRecord::Connector {
            name: "src".into(),
            status: Some(Status {
                state: StatusState::Running,
                trace: None,
                worker_id: "10.0.0.5:8083".into(),
                generation: 7,
                version: Some("4.3.1".into()),
            }),
        };
        let golden = r#"{"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":7,"version":"4.3.1"}"#;
        assert_eq!(running.key(), "status-connector-src");
        assert_eq!(parse(&running.value().unwrap()), parse(golden.as_bytes()));
        assert_eq!(
            StatusRecord::decode("status-connector-src", Some(golden.as_bytes())).unwrap(),
            Some(running)
        );

        let failed = r#"{"state":"FAILED","trace":"java.lang.RuntimeException: boom\n\tat X","worker_id":"10.0.0.5:8083","generation":7,"version":null}"#;
        let task = StatusRecord::decode("status-task-src-0", Some(failed.as_bytes()))
            .unwrap()
            .unwrap();
        let expected = StatusRecord::Task {
            id: ConnectorTaskId::new("src", 0),
            status: Some(Status {
                state: StatusState::Failed,
                trace: Some("java.lang.RuntimeException: boom\n\tat X".into()),
                worker_id: "10.0.0.5:8083".into(),
                generation: 7,
                version: None,
            }),
        };
        assert_eq!(task, expected);
        assert_eq!(parse(&expected.value().unwrap()), parse(failed.as_bytes()));

        let topic = r#"{"topic":{"name":"orders","connector":"sink","task":0,"discoverTimestamp":1700000000000}}"#;
        let t = StatusRecord::decode("status-topic-orders:connector-sink", Some(topic.as_bytes()))
            .unwrap()
            .unwrap();
        assert_eq!(
            t,
            StatusRecord::Topic {
                topic: "orders".into(),
                connector: "sink".into(),
                task: Some(0),
                discover_timestamp_ms: Some(1_700_000_000_000)
            }
        );
        assert_eq!(t.key(), "status-topic-orders:connector-sink");
        assert_eq!(parse(&t.value().unwrap()), parse(topic.as_bytes()));
    }

    #[test]
    fn safe_status_writes_follow_generations() {
        let s = |worker: &str, generation| Status {
            state: StatusState::Running,
            trace: None,
            worker_id: worker.into(),
            generation,
            version: None,
        };
        assert!(s("a", 1).may_overwrite(None));
        assert!(s("a", 1).may_overwrite(Some(&s("a", 5))));
        assert!(s("b", 6).may_overwrite(Some(&s("a", 5))));
        // The same generation may overwrite (Kafka 4.3.1's `value.generation() <=
        // status.generation()`).
        assert!(s("b", 5).may_overwrite(Some(&s("a", 5))));
        assert!(!s("b", 4).may_overwrite(Some(&s("a", 5))));
    }

    #[test]
    fn session_keys_that_are_not_base64_are_errors() {
        let bad = br#"{"key":"not*base64","algorithm":"HmacSHA256","creation-timestamp":1}"#;
        assert!(ConfigRecord::decode("session-key", Some(bad)).is_err());
    }
}
