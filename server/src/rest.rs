//! The REST API on `listeners` (Kafka Connect's paths and bodies). This module carries
//! the read-only part that standalone mode needs to be observable: `/`, connectors,
//! their configs and status.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::worker::Worker;

pub fn router(worker: Arc<Worker>) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/connectors", get(list))
        .route("/connectors/{name}", get(info))
        .route("/connectors/{name}/config", get(config))
        .route("/connectors/{name}/status", get(status))
        .route("/connectors/{name}/tasks/{task}/status", get(task_status))
        .with_state(worker)
}

fn error(code: StatusCode, message: String) -> Response {
    (code, Json(json!({"error_code": code.as_u16(), "message": message}))).into_response()
}

fn not_found(name: &str) -> Response {
    error(StatusCode::NOT_FOUND, format!("Connector {name} not found"))
}

async fn root() -> Json<serde_json::Value> {
    Json(json!({"version": env!("CARGO_PKG_VERSION"), "commit": option_env!("POLYCONNECT_COMMIT").unwrap_or("unknown"), "kafka_cluster_id": serde_json::Value::Null}))
}

async fn list(State(w): State<Arc<Worker>>) -> Json<Vec<String>> {
    Json(w.connector_names().await)
}

async fn info(State(w): State<Arc<Worker>>, Path(name): Path<String>) -> Response {
    let Some(c) = w.connector_config(&name).await else { return not_found(&name) };
    let status = w.status.connector(&name);
    let tasks: Vec<_> = status
        .as_ref()
        .map(|s| s.tasks.iter().map(|t| json!({"connector": name, "task": t.id})).collect())
        .unwrap_or_default();
    let ty = status.map(|s| s.connector_type).unwrap_or_else(|| "unknown".into());
    Json(json!({"name": name, "config": c.props, "tasks": tasks, "type": ty})).into_response()
}

async fn config(State(w): State<Arc<Worker>>, Path(name): Path<String>) -> Response {
    match w.connector_config(&name).await {
        Some(c) => Json(c.props).into_response(),
        None => not_found(&name),
    }
}

async fn status(State(w): State<Arc<Worker>>, Path(name): Path<String>) -> Response {
    match w.status.connector(&name) {
        Some(s) => Json(s).into_response(),
        None => not_found(&name),
    }
}

async fn task_status(State(w): State<Arc<Worker>>, Path((name, task)): Path<(String, u32)>) -> Response {
    match w.status.task(&name, task) {
        Some(info) => Json(json!({"id": task, "state": info.state, "worker_id": info.worker_id, "trace": info.trace}))
            .into_response(),
        None => error(StatusCode::NOT_FOUND, format!("Task {name}-{task} not found")),
    }
}
