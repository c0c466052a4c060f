//! Connector and task status (Kafka Connect's states), held in memory in standalone mode.

use std::collections::BTreeMap;
use std::sync::Mutex;

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
    tasks: BTreeMap<u32, StateInfo>,
}

pub struct StatusStore {
    worker_id: String,
    entries: Mutex<BTreeMap<String, Entry>>,
}

impl StatusStore {
    pub fn new(worker_id: String) -> StatusStore {
        StatusStore {
            worker_id,
            entries: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    fn info(&self, state: State, trace: Option<String>) -> StateInfo {
        StateInfo {
            state,
            worker_id: self.worker_id.clone(),
            trace,
        }
    }

    pub fn set_connector(&self, name: &str, state: State, trace: Option<String>) {
        let info = self.info(state, trace);
        let mut e = self.entries.lock().unwrap();
        e.entry(name.to_string()).or_default().connector = Some(info);
    }

    pub fn set_connector_type(&self, name: &str, t: &str) {
        let mut e = self.entries.lock().unwrap();
        e.entry(name.to_string()).or_default().connector_type = t.to_string();
    }

    pub fn set_task(&self, name: &str, task: u32, state: State, trace: Option<String>) {
        let info = self.info(state, trace);
        if state == State::Failed {
            tracing::error!(connector = name, task, trace = info.trace.as_deref().unwrap_or(""), "task failed");
        }
        let mut e = self.entries.lock().unwrap();
        e.entry(name.to_string()).or_default().tasks.insert(task, info);
    }

    pub fn remove_tasks(&self, name: &str) {
        if let Some(e) = self.entries.lock().unwrap().get_mut(name) {
            e.tasks.clear();
        }
    }

    pub fn remove(&self, name: &str) {
        self.entries.lock().unwrap().remove(name);
    }

    pub fn task(&self, name: &str, task: u32) -> Option<StateInfo> {
        self.entries.lock().unwrap().get(name)?.tasks.get(&task).cloned()
    }

    pub fn connector(&self, name: &str) -> Option<ConnectorStatus> {
        let e = self.entries.lock().unwrap();
        let entry = e.get(name)?;
        Some(ConnectorStatus {
            name: name.to_string(),
            connector: entry
                .connector
                .clone()
                .unwrap_or_else(|| self.info(State::Unassigned, None)),
            tasks: entry
                .tasks
                .iter()
                .map(|(id, info)| TaskStatus {
                    id: *id,
                    info: info.clone(),
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
