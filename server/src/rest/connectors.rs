//! `/connectors/...`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Map, Value};

use super::{parse_body, query_bool, string_map, ApiError, ApiResult};
use crate::herder::{ConnectorTaskId, Herder, Signature};
use crate::storage::configs::TargetState;
use crate::worker::{topic_tracking, topic_tracking_reset, ConnectorInfo};

type Params = Query<Vec<(String, String)>>;

fn param<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("Connector {name} not found"))
}

pub fn info_json(info: &ConnectorInfo) -> Value {
    json!({
        "name": info.name,
        "config": info.config,
        "tasks": info.tasks.iter().map(|t| json!({"connector": info.name, "task": t})).collect::<Vec<_>>(),
        "type": info.connector_type,
    })
}

async fn status_json(h: &dyn Herder, name: &str) -> Option<Value> {
    h.connector_status(name)
        .await
        .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
}

pub async fn list(State(h): State<Arc<dyn Herder>>, Query(q): Params) -> ApiResult {
    let expand: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "expand")
        .map(|(_, v)| v.as_str())
        .collect();
    if !q.iter().any(|(k, _)| k == "expand") {
        return Ok(Json(h.connectors()).into_response());
    }
    let mut out = Map::new();
    for name in h.connectors() {
        let mut e = Map::new();
        for x in &expand {
            match *x {
                "status" => {
                    if let Some(s) = status_json(h.as_ref(), &name).await {
                        e.insert("status".into(), s);
                    }
                }
                "info" => {
                    if let Some(i) = h.connector_info(&name) {
                        e.insert("info".into(), info_json(&i));
                    }
                }
                other => tracing::debug!(expansion = other, "ignoring an unknown expansion"),
            }
        }
        out.insert(name, Value::Object(e));
    }
    Ok(Json(Value::Object(out)).into_response())
}

/// Puts the URL's name into the config, or refuses a config whose `name` disagrees.
fn check_name(name: &str, config: &mut Vec<(String, Option<String>)>) -> Result<(), ApiError> {
    match config.iter().find(|(k, _)| k == "name") {
        Some((_, Some(n))) if n == name => Ok(()),
        Some((_, n)) => Err(ApiError::bad_request(format!(
            "Connector name configuration ({}) doesn't match connector name in the URL ({name})",
            n.as_deref().unwrap_or("null")
        ))),
        None => {
            config.push(("name".into(), Some(name.to_string())));
            Ok(())
        }
    }
}

fn location(headers: &HeaderMap, name: &str) -> String {
    let path = format!("/connectors/{}", encode_path_segment(name));
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}{path}"),
        None => path,
    }
}

fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn created(headers: &HeaderMap, info: &ConnectorInfo) -> axum::response::Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location(headers, &info.name))],
        Json(info_json(info)),
    )
        .into_response()
}

pub async fn create(
    State(h): State<Arc<dyn Herder>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let body = parse_body(&body)?;
    let obj = body.as_object().ok_or_else(|| {
        ApiError::bad_request(format!(
            "The request body must be a JSON object with \"name\" and \"config\", not {}",
            super::json_kind(&body)
        ))
    })?;
    let name = match obj.get("name") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "\"name\" must be a string, not {}",
                super::json_kind(other)
            )))
        }
    };
    let mut config = match obj.get("config") {
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request(
                "The connector config (\"config\") is missing",
            ))
        }
        Some(c) => string_map(c, "\"config\"")?,
    };
    let initial = match obj.get("initial_state") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(match s.to_ascii_uppercase().as_str() {
            "RUNNING" => TargetState::Started,
            "PAUSED" => TargetState::Paused,
            "STOPPED" => TargetState::Stopped,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Invalid initial_state '{s}': it must be one of RUNNING, PAUSED, STOPPED"
                )))
            }
        }),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "\"initial_state\" must be a string, not {}",
                super::json_kind(other)
            )))
        }
    };
    check_name(&name, &mut config)?;
    let (props, plugin_type) = h.validated_config(config).await?;
    let (_, info) = h
        .put_connector(
            &name,
            props,
            Some(initial.unwrap_or_default()),
            false,
            Some(plugin_type),
        )
        .await?;
    Ok(created(&headers, &info))
}

pub async fn info(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    let info = h.connector_info(&name).ok_or_else(|| not_found(&name))?;
    Ok(Json(info_json(&info)).into_response())
}

pub async fn get_config(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    let c = h.connector_config(&name).ok_or_else(|| not_found(&name))?;
    Ok(Json(c).into_response())
}

pub async fn put_config(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let body = parse_body(&body)?;
    let mut config = string_map(&body, "The connector config")?;
    check_name(&name, &mut config)?;
    let (props, plugin_type) = h.validated_config(config).await?;
    let (created_now, info) = h
        .put_connector(&name, props, None, true, Some(plugin_type))
        .await?;
    if created_now {
        Ok(created(&headers, &info))
    } else {
        Ok(Json(info_json(&info)).into_response())
    }
}

pub async fn patch_config(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = parse_body(&body)?;
    let patch = string_map(&body, "The config patch")?;
    let current = h.connector_config(&name).ok_or_else(|| not_found(&name))?;
    let mut config: Vec<(String, Option<String>)> =
        current.into_iter().map(|(k, v)| (k, Some(v))).collect();
    for (k, v) in patch {
        config.retain(|(key, _)| *key != k);
        if v.is_some() {
            config.push((k, v));
        }
    }
    let (props, plugin_type) = h.validated_config(config).await?;
    let (_, info) = h
        .put_connector(&name, props, None, true, Some(plugin_type))
        .await?;
    Ok(Json(info_json(&info)).into_response())
}

pub async fn status(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    status_json(h.as_ref(), &name)
        .await
        .map(|s| Json(s).into_response())
        .ok_or_else(|| ApiError::not_found(format!("No status found for connector {name}")))
}

pub async fn tasks(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    let configs = h.task_configs(&name)?;
    let out: Vec<Value> = configs
        .into_iter()
        .enumerate()
        .map(|(i, c)| json!({"id": {"connector": name, "task": i}, "config": c}))
        .collect();
    Ok(Json(out).into_response())
}

/// `POST /connectors/{c}/tasks`: Kafka Connect's internal endpoint, through which the
/// worker running a connector hands its task configs to the leader (distributed mode only;
/// signed with the session key).
pub async fn put_tasks(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let signature = Signature {
        signature: header(crate::distributed::forward::SIGNATURE_HEADER),
        algorithm: header(crate::distributed::forward::ALGORITHM_HEADER),
    };
    h.put_task_configs(&name, signature, &body).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /connectors/{c}/fence`: Kafka Connect's internal endpoint through which a worker
/// about to start an exactly-once source task asks the leader to fence the connector's
/// older task generations (distributed mode only; signed with the session key).
pub async fn fence(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let signature = Signature {
        signature: header(crate::distributed::forward::SIGNATURE_HEADER),
        algorithm: header(crate::distributed::forward::ALGORITHM_HEADER),
    };
    h.fence_zombies(&name, signature, &body).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deprecated in Kafka Connect 3.x and removed in 4.0; kept for older tools.
pub async fn tasks_config(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    let configs = h.task_configs(&name).unwrap_or_default();
    if configs.is_empty() {
        return Err(not_found(&name));
    }
    let mut out = Map::new();
    for (i, c) in configs.into_iter().enumerate() {
        out.insert(format!("{name}-{i}"), json!(c));
    }
    Ok(Json(Value::Object(out)).into_response())
}

/// A task id from the path: not an integer is an unknown path, as for Kafka Connect.
fn task_id(s: &str) -> Result<i64, ApiError> {
    s.parse::<i64>()
        .map_err(|_| ApiError::not_found("HTTP 404 Not Found"))
}

pub async fn task_status(
    State(h): State<Arc<dyn Herder>>,
    Path((name, task)): Path<(String, String)>,
) -> ApiResult {
    let t = task_id(&task)?;
    let info = i32::try_from(t)
        .ok()
        .and_then(|t| h.task_status(&ConnectorTaskId::new(name.as_str(), t)))
        .ok_or_else(|| ApiError::not_found(format!("No status found for task {name}-{t}")))?;
    let mut v =
        json!({"id": t, "state": info.state, "worker_id": info.worker_id, "version": info.version});
    if let Some(trace) = info.trace {
        v["trace"] = Value::String(trace);
    }
    Ok(Json(v).into_response())
}

pub async fn restart_task(
    State(h): State<Arc<dyn Herder>>,
    Path((name, task)): Path<(String, String)>,
) -> ApiResult {
    let t = task_id(&task)?;
    if h.connector_config(&name).is_none() {
        return Err(not_found(&name));
    }
    let t =
        i32::try_from(t).map_err(|_| ApiError::not_found(format!("Task {name}-{t} not found")))?;
    h.restart_task(&ConnectorTaskId::new(name.as_str(), t))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn restart(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
    Query(q): Params,
) -> ApiResult {
    let include_tasks = query_bool(param(&q, "includeTasks"), false);
    let only_failed = query_bool(param(&q, "onlyFailed"), false);
    if !include_tasks && !only_failed {
        h.restart_connector(&name).await?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let plan = h
        .restart_connector_and_tasks(&name, include_tasks, only_failed)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(plan)).into_response())
}

pub async fn pause(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    h.set_target_state(&name, TargetState::Paused).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn resume(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    h.set_target_state(&name, TargetState::Started).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn stop(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    h.set_target_state(&name, TargetState::Stopped).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn delete(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    h.delete_connector(&name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn topics(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    if !topic_tracking(&h.worker().config) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Topic tracking is disabled.",
        ));
    }
    // Like Kafka Connect, an unknown connector simply has no active topics.
    let topics = h.active_topics(&name);
    Ok(Json(json!({ name: {"topics": topics} })).into_response())
}

pub async fn reset_topics(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    if !topic_tracking(&h.worker().config) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Topic tracking is disabled.",
        ));
    }
    if !topic_tracking_reset(&h.worker().config) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Topic tracking reset is disabled.",
        ));
    }
    h.reset_active_topics(&name).await;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn offsets(State(h): State<Arc<dyn Herder>>, Path(name): Path<String>) -> ApiResult {
    let list = h.connector_offsets(&name).await?;
    let offsets: Vec<Value> = list
        .into_iter()
        .map(|(p, o)| json!({"partition": p, "offset": o}))
        .collect();
    Ok(Json(json!({ "offsets": offsets })).into_response())
}

pub async fn alter_offsets(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = parse_body(&body)?;
    let empty = || {
        ApiError::bad_request(
            "Partitions / offsets need to be provided for an alter offsets request",
        )
    };
    let list = match body.get("offsets") {
        None | Some(Value::Null) => return Err(empty()),
        Some(Value::Array(a)) if a.is_empty() => return Err(empty()),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "\"offsets\" must be an array, not {}",
                super::json_kind(other)
            )))
        }
    };
    let mut entries = Vec::with_capacity(list.len());
    for e in list {
        let Some(e) = e.as_object() else {
            return Err(ApiError::bad_request(
                "Each entry of \"offsets\" must be an object with \"partition\" and \"offset\"",
            ));
        };
        let partition = match e.get("partition") {
            None | Some(Value::Null) => {
                return Err(ApiError::bad_request("Partition objects cannot be null"))
            }
            Some(p) => p.clone(),
        };
        let offset = match e.get("offset") {
            None | Some(Value::Null) => None,
            Some(o) => Some(o.clone()),
        };
        entries.push((partition, offset));
    }
    let message = h.modify_offsets(&name, Some(entries)).await?;
    Ok(Json(json!({ "message": message })).into_response())
}

pub async fn reset_offsets(
    State(h): State<Arc<dyn Herder>>,
    Path(name): Path<String>,
) -> ApiResult {
    let message = h.modify_offsets(&name, None).await?;
    Ok(Json(json!({ "message": message })).into_response())
}
