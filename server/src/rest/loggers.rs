//! `/admin/loggers`: log levels changed at run time, as Kafka Connect's LoggingResource.
//!
//! A logger is a dotted namespace (`polyconnect.worker.source`, `rdkafka`), or `root`; it
//! maps to a `tracing` target (`polyconnect::worker::source`). Setting a level on a
//! namespace applies to everything below it. Levels are log4j's (OFF, FATAL, ERROR, WARN,
//! INFO, DEBUG, TRACE, ALL), mapped to tracing's. The change is applied through the
//! reload handle `main.rs` installs.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Map, Value};

use super::{parse_body, ApiError, ApiResult};
use crate::herder::Herder;

/// Applies a `tracing_subscriber::EnvFilter` directive string.
pub type Apply = Box<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// Loggers of the core, listed even when no level was set on them.
const KNOWN: &[&str] = &[
    "polyconnect",
    "polyconnect.config",
    "polyconnect.converter",
    "polyconnect.kafka",
    "polyconnect.plugin",
    "polyconnect.plugin.channel",
    "polyconnect.plugin.process",
    "polyconnect.plugin.streams",
    "polyconnect.rest",
    "polyconnect.storage",
    "polyconnect.storage.status",
    "polyconnect.worker",
    "polyconnect.worker.connector",
    "polyconnect.worker.sink",
    "polyconnect.worker.source",
    "rdkafka",
    "tonic",
];

pub const ROOT: &str = "root";

struct Level {
    level: String,
    last_modified: Option<i64>,
}

#[derive(Default)]
struct Inner {
    root: Option<Level>,
    /// Levels set on namespaces (from the start-up filter or through the API).
    set: BTreeMap<String, Level>,
    apply: Option<Arc<Apply>>,
}

#[derive(Default)]
pub struct Loggers {
    inner: Mutex<Inner>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// log4j's level names; None if not one.
fn normalize(level: &str) -> Option<&'static str> {
    Some(match level.to_ascii_uppercase().as_str() {
        "OFF" => "OFF",
        "FATAL" => "FATAL",
        "ERROR" => "ERROR",
        "WARN" => "WARN",
        "INFO" => "INFO",
        "DEBUG" => "DEBUG",
        "TRACE" => "TRACE",
        "ALL" => "ALL",
        _ => return None,
    })
}

fn tracing_level(level: &str) -> &'static str {
    match level {
        "OFF" => "off",
        "FATAL" | "ERROR" => "error",
        "WARN" => "warn",
        "INFO" => "info",
        "DEBUG" => "debug",
        _ => "trace",
    }
}

fn is_under(name: &str, namespace: &str) -> bool {
    namespace == ROOT
        || name == namespace
        || name
            .strip_prefix(namespace)
            .is_some_and(|r| r.starts_with('.'))
}

impl Loggers {
    /// Takes the start-up filter (`POLYCONNECT_LOG`, e.g. `info,rdkafka=warn`) and the
    /// function that applies a new one.
    pub fn install(&self, initial: &str, apply: Apply) {
        let mut inner = self.inner.lock().unwrap();
        for d in initial.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            match d.split_once('=') {
                None => {
                    if let Some(l) = normalize(d) {
                        inner.root = Some(Level {
                            level: l.into(),
                            last_modified: None,
                        });
                    }
                }
                Some((target, l)) => {
                    if let Some(l) = normalize(l) {
                        inner.set.insert(
                            target.replace("::", "."),
                            Level {
                                level: l.into(),
                                last_modified: None,
                            },
                        );
                    }
                }
            }
        }
        inner.apply = Some(Arc::new(apply));
    }

    fn root_level(inner: &Inner) -> String {
        inner
            .root
            .as_ref()
            .map(|l| l.level.clone())
            .unwrap_or_else(|| "INFO".into())
    }

    /// The level of a logger: its own, else its nearest namespace's, else root's.
    fn effective(inner: &Inner, name: &str) -> (String, Option<i64>) {
        if name == ROOT {
            return (
                Self::root_level(inner),
                inner.root.as_ref().and_then(|l| l.last_modified),
            );
        }
        let mut best: Option<(&String, &Level)> = None;
        for (ns, l) in &inner.set {
            if is_under(name, ns) && best.is_none_or(|(b, _)| ns.len() > b.len()) {
                best = Some((ns, l));
            }
        }
        match best {
            Some((ns, l)) => (
                l.level.clone(),
                if ns == name { l.last_modified } else { None },
            ),
            None => (Self::root_level(inner), None),
        }
    }

    fn names(inner: &Inner) -> Vec<String> {
        let mut names: Vec<String> = KNOWN.iter().map(|s| s.to_string()).collect();
        names.extend(inner.set.keys().cloned());
        names.push(ROOT.into());
        names.sort();
        names.dedup();
        names
    }

    /// Every logger with its level (`GET /admin/loggers`).
    pub fn all(&self) -> Map<String, Value> {
        let inner = self.inner.lock().unwrap();
        Self::names(&inner)
            .into_iter()
            .map(|n| {
                let (level, modified) = Self::effective(&inner, &n);
                (n, json!({"level": level, "last_modified": modified}))
            })
            .collect()
    }

    /// One logger's level; None if no such logger is known.
    pub fn get(&self, name: &str) -> Option<Value> {
        let inner = self.inner.lock().unwrap();
        if !Self::names(&inner).iter().any(|n| n == name) {
            return None;
        }
        let (level, modified) = Self::effective(&inner, name);
        Some(json!({"level": level, "last_modified": modified}))
    }

    /// Sets a namespace's level; returns the loggers it changed. `level` must be valid.
    pub fn set(&self, namespace: &str, level: &str) -> Result<Vec<String>, String> {
        let level = normalize(level).ok_or_else(|| format!("invalid log level '{level}'"))?;
        let mut inner = self.inner.lock().unwrap();
        let at = now_ms();
        let new = || Level {
            level: level.into(),
            last_modified: Some(at),
        };
        let mut next_set: BTreeMap<String, Level> = BTreeMap::new();
        for (k, v) in &inner.set {
            let l = if is_under(k, namespace) {
                new()
            } else {
                Level {
                    level: v.level.clone(),
                    last_modified: v.last_modified,
                }
            };
            next_set.insert(k.clone(), l);
        }
        let mut next_root = inner.root.as_ref().map(|l| Level {
            level: l.level.clone(),
            last_modified: l.last_modified,
        });
        if namespace == ROOT {
            next_root = Some(new());
        } else {
            next_set.insert(namespace.to_string(), new());
        }
        let spec = filter_spec(next_root.as_ref(), &next_set);
        if let Some(apply) = &inner.apply {
            apply(&spec)?;
        }
        inner.root = next_root;
        inner.set = next_set;
        let affected: Vec<String> = Self::names(&inner)
            .into_iter()
            .filter(|n| {
                if namespace == ROOT {
                    true
                } else {
                    n != ROOT && is_under(n, namespace)
                }
            })
            .collect();
        tracing::info!(namespace, level, "log level changed");
        Ok(affected)
    }
}

/// The EnvFilter directives for a root level and namespace levels.
fn filter_spec(root: Option<&Level>, set: &BTreeMap<String, Level>) -> String {
    let mut parts =
        vec![tracing_level(root.map(|l| l.level.as_str()).unwrap_or("INFO")).to_string()];
    for (ns, l) in set {
        parts.push(format!(
            "{}={}",
            ns.replace('.', "::"),
            tracing_level(&l.level)
        ));
    }
    parts.join(",")
}

pub async fn list(State(h): State<Arc<dyn Herder>>) -> ApiResult {
    let w = h.worker();
    Ok(Json(Value::Object(w.loggers.all())).into_response())
}

pub async fn get_level(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    let w = h.worker();
    w.loggers
        .get(&name)
        .map(|v| Json(v).into_response())
        .ok_or_else(|| ApiError::not_found(format!("Logger {name} not found.")))
}

pub async fn set_level(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
    body: Bytes,
) -> ApiResult {
    let w = h.worker();
    let body = parse_body(&body)?;
    let level = match body.get("level") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => {
            return Err(ApiError::bad_request(
                "Desired 'level' parameter was not specified in request.",
            ))
        }
        Some(other) => other.to_string(),
    };
    if normalize(&level).is_none() {
        return Err(ApiError::not_found(format!("invalid log level '{level}'.")));
    }
    let scope = q
        .iter()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.to_ascii_lowercase());
    if scope.as_deref() == Some("cluster") && h.put_cluster_logger_level(&name, &level).await? {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let affected = w
        .loggers
        .set(&name, &level)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    match scope.as_deref() {
        // In standalone mode this worker is the whole cluster.
        Some("cluster") => Ok(StatusCode::NO_CONTENT.into_response()),
        Some("worker") | None => Ok(Json(affected).into_response()),
        Some(other) => {
            tracing::warn!(
                scope = other,
                "invalid scope in a request to adjust logging level; using worker"
            );
            Ok(Json(affected).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_apply_to_namespaces() {
        let l = Loggers::default();
        let applied = Arc::new(Mutex::new(String::new()));
        let a = applied.clone();
        l.install(
            "warn,rdkafka=error",
            Box::new(move |s| {
                *a.lock().unwrap() = s.to_string();
                Ok(())
            }),
        );
        assert_eq!(l.get("root").unwrap()["level"], "WARN");
        assert_eq!(l.get("rdkafka").unwrap()["level"], "ERROR");
        assert_eq!(l.get("polyconnect.worker").unwrap()["level"], "WARN");
        assert!(l.get("no.such.logger").is_none());
        let changed = l.set("polyconnect.worker", "debug").unwrap();
        assert!(
            changed.contains(&"polyconnect.worker.source".to_string()),
            "{changed:?}"
        );
        assert!(!changed.contains(&"polyconnect".to_string()));
        assert_eq!(l.get("polyconnect.worker.sink").unwrap()["level"], "DEBUG");
        assert!(l.get("polyconnect.worker").unwrap()["last_modified"].is_i64());
        assert_eq!(
            *applied.lock().unwrap(),
            "warn,polyconnect::worker=debug,rdkafka=error"
        );
        assert!(l.set("x", "loud").is_err());
        l.set("root", "ERROR").unwrap();
        assert_eq!(l.get("polyconnect").unwrap()["level"], "ERROR");
        assert_eq!(l.get("polyconnect.worker").unwrap()["level"], "ERROR");
    }
}
