//! Connector and task status (Kafka Connect's states), held in memory in standalone mode.
//!
//! UNASSIGNED: created, not started yet; RUNNING; PAUSED (target state PAUSED: tasks idle
//! but kept); STOPPED (connectors only: target state STOPPED, no tasks); FAILED (with the
//! cause in `trace`); RESTARTING (a restart was asked for, or the connection to the
//! connector process is being re-established).

use std::collections::BTreeMap;
use std::sync::Mutex;

use polyconnect_group::ConnectorTaskId;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Unassigned,
    Running,
    Paused,
    Stopped,
    Failed,
    Restarting,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateInfo {
    pub state: State,
    pub worker_id: String,
    /// The plugin's version (Kafka Connect 4.1+ reports it); null while unknown.
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectorStatus {
    pub name: String,
    pub connector: StateInfo,
    pub tasks: Vec<TaskStatus>,
    #[serde(rename = "type")]
    pub connector_type: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskStatus {
    pub id: u32,
    #[serde(flatten)]
    pub info: StateInfo,
}

#[derive(Default)]
struct Entry {
    connector: Option<StateInfo>,
    connector_type: String,
    version: Option<String>,
    tasks: BTreeMap<u32, StateInfo>,
}

/// A state this worker set, for distributed mode's status topic.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusEvent {
    Connector {
        name: String,
        info: StateInfo,
    },
    Task {
        id: ConnectorTaskId,
        info: StateInfo,
    },
    /// A task's records went to or came from `topic` for the first time.
    Topic {
        id: ConnectorTaskId,
        topic: String,
    },
}

/// A task's number as the REST API shows it (task numbers are never negative).
fn task_number(id: &ConnectorTaskId) -> u32 {
    u32::try_from(id.task).unwrap_or(0)
}

pub struct StatusStore {
    worker_id: String,
    entries: Mutex<BTreeMap<String, Entry>>,
    /// Distributed mode: every state set goes here too, in order.
    publisher: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<StatusEvent>>,
}

impl StatusStore {
    pub fn new(worker_id: String) -> StatusStore {
        StatusStore {
            worker_id,
            entries: Mutex::new(BTreeMap::new()),
            publisher: std::sync::OnceLock::new(),
        }
    }

    /// Sends every state set from now on to `tx` as well (once; later calls are ignored).
    pub fn set_publisher(&self, tx: tokio::sync::mpsc::UnboundedSender<StatusEvent>) {
        let _ = self.publisher.set(tx);
    }

    /// Task `id` used `topic` (its connector's active topics); only published.
    pub fn topic_used(&self, id: &ConnectorTaskId, topic: &str) {
        self.publish(|| StatusEvent::Topic {
            id: id.clone(),
            topic: topic.to_string(),
        });
    }

    fn publish(&self, event: impl FnOnce() -> StatusEvent) {
        if let Some(tx) = self.publisher.get() {
            let _ = tx.send(event());
        }
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    fn info(&self, state: State, trace: Option<String>) -> StateInfo {
        StateInfo {
            state,
            worker_id: self.worker_id.clone(),
            version: None,
            trace,
        }
    }

    pub fn set_connector(&self, name: &str, state: State, trace: Option<String>) {
        let info = self.info(state, trace);
        let mut e = self.entries.lock().unwrap();
        let entry = e.entry(name.to_string()).or_default();
        entry.connector = Some(info.clone());
        let version = entry.version.clone();
        self.publish(|| StatusEvent::Connector {
            name: name.to_string(),
            info: StateInfo { version, ..info },
        });
    }

    /// The plugin version shown in the connector's and its tasks' states.
    pub fn set_version(&self, name: &str, version: Option<String>) {
        let mut e = self.entries.lock().unwrap();
        e.entry(name.to_string()).or_default().version = version.filter(|v| !v.is_empty());
    }

    /// The connector's own state, if it has one.
    pub fn connector_state(&self, name: &str) -> Option<State> {
        self.entries
            .lock()
            .unwrap()
            .get(name)?
            .connector
            .as_ref()
            .map(|c| c.state)
    }

    pub fn set_connector_type(&self, name: &str, t: &str) {
        let mut e = self.entries.lock().unwrap();
        e.entry(name.to_string()).or_default().connector_type = t.to_string();
    }

    pub fn set_task(&self, id: &ConnectorTaskId, state: State, trace: Option<String>) {
        let info = self.info(state, trace);
        if state == State::Failed {
            tracing::error!(
                connector = id.connector,
                task = id.task,
                trace = info.trace.as_deref().unwrap_or(""),
                "task failed"
            );
        }
        let mut e = self.entries.lock().unwrap();
        let entry = e.entry(id.connector.clone()).or_default();
        entry.tasks.insert(task_number(id), info.clone());
        let version = entry.version.clone();
        self.publish(|| StatusEvent::Task {
            id: id.clone(),
            info: StateInfo { version, ..info },
        });
    }

    pub fn remove_tasks(&self, name: &str) {
        if let Some(e) = self.entries.lock().unwrap().get_mut(name) {
            e.tasks.clear();
        }
    }

    pub fn remove(&self, name: &str) {
        self.entries.lock().unwrap().remove(name);
    }

    pub fn remove_task(&self, id: &ConnectorTaskId) {
        if let Some(e) = self.entries.lock().unwrap().get_mut(&id.connector) {
            e.tasks.remove(&task_number(id));
        }
    }

    pub fn task(&self, id: &ConnectorTaskId) -> Option<StateInfo> {
        let e = self.entries.lock().unwrap();
        let entry = e.get(&id.connector)?;
        let mut info = entry.tasks.get(&task_number(id)).cloned()?;
        info.version = entry.version.clone();
        Some(info)
    }

    pub fn connector(&self, name: &str) -> Option<ConnectorStatus> {
        let e = self.entries.lock().unwrap();
        let entry = e.get(name)?;
        Some(ConnectorStatus {
            name: name.to_string(),
            connector: StateInfo {
                version: entry.version.clone(),
                ..entry
                    .connector
                    .clone()
                    .unwrap_or_else(|| self.info(State::Unassigned, None))
            },
            tasks: entry
                .tasks
                .iter()
                .map(|(id, info)| TaskStatus {
                    id: *id,
                    info: StateInfo {
                        version: entry.version.clone(),
                        ..info.clone()
                    },
                })
                .collect(),
            connector_type: if entry.connector_type.is_empty() {
                "unknown".into()
            } else {
                entry.connector_type.clone()
            },
        })
    }

    pub fn names(&self) -> Vec<String> {
        self.entries.lock().unwrap().keys().cloned().collect()
    }
}
