//! The cluster's configuration, as read from the config topic: Kafka Connect's
//! `KafkaConfigBackingStore` consume logic and its `ClusterConfigState` snapshot.
//!
//! Every worker reads the config topic from the beginning and applies each record in
//! order. Task configs do not take effect when their `task-` records are read: they are
//! buffered until the connector's `commit-` record says how many tasks there are, and
//! applied only if tasks `0..n` were all seen since the previous commit. Compaction can
//! remove a `task-` record that a later commit needs; the connector is then
//! *inconsistent* (it has no tasks until its leader writes a complete set again), never
//! half-configured.
//!
//! The *config offset* is the offset of the last record read + 1, the position workers
//! compare in their group metadata (not the consumer's position, which can be ahead of a
//! transaction marker).

use std::collections::{BTreeMap, BTreeSet};

use crate::protocol::ConnectorTaskId;
use crate::records::{ConfigRecord, RawConfig, SessionKey, TargetState};

/// What a record changed, for the herder to act on (Kafka Connect's
/// `ConfigBackingStore.UpdateListener`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigChange {
    ConnectorUpdated(String),
    ConnectorRemoved(String),
    TargetStateChanged(String),
    /// A commit applied a complete set of task configs (or marked the connector
    /// inconsistent).
    TasksCommitted(String),
    RestartRequested {
        connector: String,
        include_tasks: bool,
        only_failed: bool,
    },
    SessionKeyChanged,
    LoggerLevel {
        namespace: String,
        level: Option<String>,
    },
    TasksFencing(String),
}

/// The config topic read so far.
#[derive(Clone, Debug, Default)]
pub struct ConfigState {
    offset: Option<i64>,
    connectors: BTreeMap<String, RawConfig>,
    target_states: BTreeMap<String, TargetState>,
    task_counts: BTreeMap<String, u32>,
    task_configs: BTreeMap<ConnectorTaskId, RawConfig>,
    deferred: BTreeMap<String, BTreeMap<i32, RawConfig>>,
    inconsistent: BTreeSet<String>,
    /// Task count of each connector's last `tasks-fencing-` record (exactly-once sources).
    fencing: BTreeMap<String, u32>,
    /// Connectors whose latest task configs came after their latest `tasks-fencing-`
    /// record: a round of zombie fencing is due before their tasks start exactly once.
    pending_fencing: BTreeSet<String>,
    /// Bumped by each applied commit: lets a restart request tell which task configs it saw.
    task_config_generations: BTreeMap<String, u64>,
    session_key: Option<SessionKey>,
    logger_levels: BTreeMap<String, String>,
    skipped: u64,
}

impl ConfigState {
    pub fn new() -> Self {
        Self::default()
    }

    /// The offset of the last record read + 1; −1 before any record, as Kafka Connect's
    /// metadata says.
    pub fn offset(&self) -> i64 {
        self.offset.map_or(-1, |o| o + 1)
    }

    /// Applies the record at `offset`. A record that does not parse is skipped (Kafka
    /// Connect logs it and goes on), but still moves the offset.
    pub fn apply(&mut self, offset: i64, key: &str, value: Option<&[u8]>) -> Option<ConfigChange> {
        self.offset = Some(offset);
        match ConfigRecord::decode(key, value) {
            Ok(Some(record)) => self.apply_record(record),
            Ok(None) => {
                self.skipped += 1;
                None
            }
            Err(_) => {
                self.skipped += 1;
                None
            }
        }
    }

    /// Records skipped because their key or value was not Kafka Connect's.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    fn apply_record(&mut self, record: ConfigRecord) -> Option<ConfigChange> {
        match record {
            ConfigRecord::Connector {
                name,
                config: Some(config),
            } => {
                self.connectors.insert(name.clone(), config);
                // Connectors created before target states existed start STARTED.
                self.target_states
                    .entry(name.clone())
                    .or_insert(TargetState::Started);
                Some(ConfigChange::ConnectorUpdated(name))
            }
            ConfigRecord::Connector { name, config: None } => {
                self.connectors.remove(&name);
                self.task_counts.remove(&name);
                self.task_configs.retain(|id, _| id.connector != name);
                self.deferred.remove(&name);
                self.inconsistent.remove(&name);
                self.task_config_generations.remove(&name);
                Some(ConfigChange::ConnectorRemoved(name))
            }
            ConfigRecord::TargetState {
                connector,
                state: Some(state),
            } => {
                self.target_states.insert(connector.clone(), state);
                Some(ConfigChange::TargetStateChanged(connector))
            }
            ConfigRecord::TargetState {
                connector,
                state: None,
            } => {
                self.target_states.remove(&connector);
                // A connector that still has a config always has a target state.
                if self.connectors.contains_key(&connector) {
                    self.target_states.insert(connector, TargetState::Started);
                }
                // The connector's own tombstone tells the herder; this one does not.
                None
            }
            ConfigRecord::Task { id, config } => {
                if let Some(config) = config {
                    self.deferred
                        .entry(id.connector)
                        .or_default()
                        .insert(id.task, config);
                }
                None
            }
            ConfigRecord::Commit { connector, tasks } => {
                let deferred = self.deferred.remove(&connector).unwrap_or_default();
                let complete = (0..tasks as i32).all(|t| deferred.contains_key(&t));
                if complete {
                    self.task_configs.retain(|id, _| id.connector != connector);
                    for (task, config) in deferred {
                        self.task_configs
                            .insert(ConnectorTaskId::new(connector.clone(), task), config);
                    }
                    self.inconsistent.remove(&connector);
                    *self
                        .task_config_generations
                        .entry(connector.clone())
                        .or_default() += 1;
                } else {
                    // Compaction removed a task record this commit needs: no tasks until a
                    // complete set is written again.
                    self.inconsistent.insert(connector.clone());
                }
                self.task_counts.insert(connector.clone(), tasks);
                // Task configs after the latest task count record: the connector needs a
                // round of zombie fencing before tasks with these configs start.
                self.pending_fencing.insert(connector.clone());
                Some(ConfigChange::TasksCommitted(connector))
            }
            ConfigRecord::Restart {
                connector,
                include_tasks,
                only_failed,
            } => Some(ConfigChange::RestartRequested {
                connector,
                include_tasks,
                only_failed,
            }),
            ConfigRecord::TasksFencing {
                connector,
                task_count,
            } => {
                self.fencing.insert(connector.clone(), task_count);
                self.pending_fencing.remove(&connector);
                Some(ConfigChange::TasksFencing(connector))
            }
            ConfigRecord::SessionKey(key) => {
                self.session_key = Some(key);
                Some(ConfigChange::SessionKeyChanged)
            }
            ConfigRecord::LoggerLevel { namespace, level } => {
                match &level {
                    Some(l) => self.logger_levels.insert(namespace.clone(), l.clone()),
                    None => self.logger_levels.remove(&namespace),
                };
                Some(ConfigChange::LoggerLevel { namespace, level })
            }
        }
    }

    pub fn connectors(&self) -> impl Iterator<Item = &str> {
        self.connectors.keys().map(String::as_str)
    }

    pub fn contains(&self, connector: &str) -> bool {
        self.connectors.contains_key(connector)
    }

    pub fn connector_config(&self, connector: &str) -> Option<&RawConfig> {
        self.connectors.get(connector)
    }

    pub fn target_state(&self, connector: &str) -> Option<TargetState> {
        self.target_states.get(connector).copied()
    }

    /// The connector's tasks: `0..n` from its last commit, none while it is inconsistent.
    pub fn tasks(&self, connector: &str) -> Vec<ConnectorTaskId> {
        if self.inconsistent.contains(connector) || !self.connectors.contains_key(connector) {
            return Vec::new();
        }
        let n = self.task_counts.get(connector).copied().unwrap_or(0);
        (0..n as i32)
            .map(|t| ConnectorTaskId::new(connector, t))
            .collect()
    }

    pub fn task_count(&self, connector: &str) -> Option<u32> {
        self.task_counts.get(connector).copied()
    }

    pub fn task_config(&self, id: &ConnectorTaskId) -> Option<&RawConfig> {
        if self.inconsistent.contains(&id.connector) {
            return None;
        }
        let n = self.task_counts.get(&id.connector).copied().unwrap_or(0);
        if id.task < 0 || id.task >= n as i32 {
            // A stale config of a task beyond the last commit's count.
            return None;
        }
        self.task_configs.get(id)
    }

    pub fn inconsistent(&self) -> impl Iterator<Item = &str> {
        self.inconsistent.iter().map(String::as_str)
    }

    pub fn task_config_generation(&self, connector: &str) -> u64 {
        self.task_config_generations
            .get(connector)
            .copied()
            .unwrap_or(0)
    }

    pub fn fencing_task_count(&self, connector: &str) -> Option<u32> {
        self.fencing.get(connector).copied()
    }

    /// Whether the connector's latest task configs came after its latest `tasks-fencing-`
    /// record (Kafka Connect's `pendingFencing`): exactly-once tasks of those configs must
    /// not start before the leader fenced the previous generation and wrote a new record.
    pub fn pending_fencing(&self, connector: &str) -> bool {
        self.pending_fencing.contains(connector)
    }

    /// True when any connector has a `tasks-fencing-` record: exactly-once sources are in
    /// use in this cluster.
    pub fn uses_exactly_once_sources(&self) -> bool {
        !self.fencing.is_empty()
    }

    pub fn session_key(&self) -> Option<&SessionKey> {
        self.session_key.as_ref()
    }

    pub fn logger_levels(&self) -> &BTreeMap<String, String> {
        &self.logger_levels
    }

    /// What the assignor distributes: every connector with the number of tasks it has now.
    pub fn assignable(&self) -> BTreeMap<String, u32> {
        self.connectors
            .keys()
            .map(|c| (c.clone(), self.tasks(c).len() as u32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Vec<u8> {
        let m: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        serde_json::to_vec(&serde_json::json!({ "properties": m })).unwrap()
    }

    struct Log {
        state: ConfigState,
        next: i64,
    }

    impl Log {
        fn new() -> Self {
            Log {
                state: ConfigState::new(),
                next: 0,
            }
        }
        fn put(&mut self, key: &str, value: Option<&[u8]>) -> Option<ConfigChange> {
            let o = self.next;
            self.next += 1;
            self.state.apply(o, key, value)
        }
    }

    #[test]
    fn tasks_take_effect_at_their_commit() {
        let mut log = Log::new();
        assert_eq!(log.state.offset(), -1);
        log.put(
            "target-state-c",
            Some(br#"{"state":"STARTED","state.v2":"STARTED"}"#),
        );
        assert_eq!(
            log.put("connector-c", Some(&props(&[("k", "v")]))),
            Some(ConfigChange::ConnectorUpdated("c".into()))
        );
        log.put("task-c-0", Some(&props(&[("t", "0")])));
        log.put("task-c-1", Some(&props(&[("t", "1")])));
        // Before the commit the tasks do not exist.
        assert!(log.state.tasks("c").is_empty());
        assert_eq!(
            log.put("commit-c", Some(br#"{"tasks":2}"#)),
            Some(ConfigChange::TasksCommitted("c".into()))
        );
        assert_eq!(
            log.state.tasks("c"),
            vec![ConnectorTaskId::new("c", 0), ConnectorTaskId::new("c", 1)]
        );
        assert_eq!(
            log.state
                .task_config(&ConnectorTaskId::new("c", 1))
                .unwrap()["t"]
                .as_deref(),
            Some("1")
        );
        assert_eq!(log.state.offset(), 5);
        assert_eq!(
            log.state.assignable(),
            BTreeMap::from([("c".to_string(), 2)])
        );

        // Fewer tasks: the stale config of task 1 is not served.
        log.put("task-c-0", Some(&props(&[("t", "0b")])));
        log.put("commit-c", Some(br#"{"tasks":1}"#));
        assert_eq!(log.state.tasks("c"), vec![ConnectorTaskId::new("c", 0)]);
        assert!(log
            .state
            .task_config(&ConnectorTaskId::new("c", 1))
            .is_none());
        assert_eq!(log.state.task_config_generation("c"), 2);
    }

    #[test]
    fn a_commit_missing_a_task_record_makes_the_connector_inconsistent() {
        let mut log = Log::new();
        log.put("connector-c", Some(&props(&[])));
        // task-c-0 was compacted away.
        log.put("task-c-1", Some(&props(&[])));
        log.put("commit-c", Some(br#"{"tasks":2}"#));
        assert!(log.state.tasks("c").is_empty());
        assert_eq!(log.state.inconsistent().collect::<Vec<_>>(), ["c"]);
        // The buffered records were dropped: a complete set must follow.
        log.put("task-c-0", Some(&props(&[])));
        log.put("commit-c", Some(br#"{"tasks":2}"#));
        assert!(log.state.tasks("c").is_empty());
        log.put("task-c-0", Some(&props(&[])));
        log.put("task-c-1", Some(&props(&[])));
        log.put("commit-c", Some(br#"{"tasks":2}"#));
        assert_eq!(log.state.tasks("c").len(), 2);
        assert_eq!(log.state.inconsistent().count(), 0);
    }

    #[test]
    fn deletion_removes_everything_and_target_states_default_to_started() {
        let mut log = Log::new();
        log.put("connector-c", Some(&props(&[])));
        assert_eq!(log.state.target_state("c"), Some(TargetState::Started));
        log.put(
            "target-state-c",
            Some(br#"{"state":"PAUSED","state.v2":"STOPPED"}"#),
        );
        assert_eq!(log.state.target_state("c"), Some(TargetState::Stopped));
        log.put("task-c-0", Some(&props(&[])));
        log.put("commit-c", Some(br#"{"tasks":1}"#));
        assert_eq!(
            log.put("connector-c", None),
            Some(ConfigChange::ConnectorRemoved("c".into()))
        );
        assert_eq!(log.put("target-state-c", None), None);
        assert!(!log.state.contains("c"));
        assert!(log.state.tasks("c").is_empty());
        assert_eq!(log.state.target_state("c"), None);
        assert!(log.state.assignable().is_empty());
    }

    #[test]
    fn task_configs_after_the_last_task_count_record_are_pending_fencing() {
        let mut log = Log::new();
        assert!(!log.state.pending_fencing("c"));
        log.put("task-c-0", Some(&props(&[("t", "0")])));
        log.put("commit-c", Some(br#"{"tasks":1}"#));
        assert!(log.state.pending_fencing("c"));
        log.put("tasks-fencing-c", Some(br#"{"task-count":1}"#));
        assert!(!log.state.pending_fencing("c"));
        // A task count record written before new task configs does not cover them.
        log.put("tasks-fencing-c", Some(br#"{"task-count":2}"#));
        log.put("task-c-0", Some(&props(&[("t", "0b")])));
        log.put("task-c-1", Some(&props(&[("t", "1b")])));
        log.put("commit-c", Some(br#"{"tasks":2}"#));
        assert!(log.state.pending_fencing("c"));
        assert_eq!(log.state.fencing_task_count("c"), Some(2));
    }

    #[test]
    fn other_records_and_bad_ones() {
        let mut log = Log::new();
        assert_eq!(
            log.put(
                "restart-connector-c",
                Some(br#"{"include-tasks":true,"only-failed":true}"#)
            ),
            Some(ConfigChange::RestartRequested {
                connector: "c".into(),
                include_tasks: true,
                only_failed: true
            })
        );
        log.put(
            "session-key",
            Some(br#"{"key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","algorithm":"HmacSHA256","creation-timestamp":5}"#),
        );
        assert_eq!(log.state.session_key().unwrap().creation_timestamp_ms, 5);
        assert!(!log.state.uses_exactly_once_sources());
        log.put("tasks-fencing-c", Some(br#"{"task-count":3}"#));
        assert!(log.state.uses_exactly_once_sources());
        assert_eq!(log.state.fencing_task_count("c"), Some(3));
        log.put("logger-cluster-org.x", Some(br#"{"level":"WARN"}"#));
        assert_eq!(log.state.logger_levels()["org.x"], "WARN");
        assert_eq!(log.put("commit-c", Some(b"garbage")), None);
        assert_eq!(log.put("unknown-key", Some(b"{}")), None);
        assert_eq!(log.state.skipped(), 2);
        assert_eq!(log.state.offset(), 6);
    }
}
