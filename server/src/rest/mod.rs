//! The REST API on `listeners`: Kafka Connect's paths, query parameters, status codes and
//! JSON bodies, so its scripts, CLIs, UIs and Terraform providers work unchanged.
//!
//! - `mod.rs`: the router, errors (`{"error_code":N,"message":".."}`), request bodies, `/`
//!   and `/health`.
//! - `connectors.rs`: `/connectors/...`: create, config, status, tasks, lifecycle, topics,
//!   offsets.
//! - `plugins.rs`: `/connector-plugins/...`: the plugin list, config definitions, validation.
//! - `validate.rs`: Kafka Connect's connector config definitions and `ConfigInfos`.
//! - `loggers.rs`: `/admin/loggers`: log levels changed at run time.
//! - `metrics.rs`: `/metrics`: Prometheus metrics with Kafka Connect's names.
//!
//! Deliberate differences from Kafka Connect (which answers these with 500, from an
//! internal exception): a malformed or mistyped request body, a missing `config` on create,
//! restarting an unknown connector or task and stopping an unknown connector are answered
//! with 400 or 404 and a message saying what is wrong. Requests are accepted whatever their
//! `Content-Type`.

pub mod auth;
mod connectors;
pub mod loggers;
mod metrics;
mod plugins;
pub mod tls;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::herder::{Herder, HerderError};

/// The routes, over a herder (standalone or distributed): REST talks to nothing else.
pub fn router(herder: Arc<dyn Herder>) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/health", get(health))
        .route(
            "/connectors",
            get(connectors::list).post(connectors::create),
        )
        .route(
            "/connectors/{name}",
            get(connectors::info).delete(connectors::delete),
        )
        .route(
            "/connectors/{name}/config",
            get(connectors::get_config)
                .put(connectors::put_config)
                .patch(connectors::patch_config),
        )
        .route("/connectors/{name}/status", get(connectors::status))
        .route(
            "/connectors/{name}/tasks",
            get(connectors::tasks).post(connectors::put_tasks),
        )
        .route(
            "/connectors/{name}/tasks-config",
            get(connectors::tasks_config),
        )
        .route(
            "/connectors/{name}/tasks/{task}/status",
            get(connectors::task_status),
        )
        .route(
            "/connectors/{name}/tasks/{task}/restart",
            post(connectors::restart_task),
        )
        .route("/connectors/{name}/restart", post(connectors::restart))
        .route("/connectors/{name}/pause", put(connectors::pause))
        .route("/connectors/{name}/resume", put(connectors::resume))
        .route("/connectors/{name}/stop", put(connectors::stop))
        .route("/connectors/{name}/fence", put(connectors::fence))
        .route("/connectors/{name}/topics", get(connectors::topics))
        .route(
            "/connectors/{name}/topics/reset",
            put(connectors::reset_topics),
        )
        .route(
            "/connectors/{name}/offsets",
            get(connectors::offsets)
                .patch(connectors::alter_offsets)
                .delete(connectors::reset_offsets),
        )
        .route("/connector-plugins", get(plugins::list))
        .route("/connector-plugins/{plugin}/config", get(plugins::config))
        .route(
            "/connector-plugins/{plugin}/config/validate",
            put(plugins::validate),
        )
        .route("/metrics", get(metrics::get))
        .route("/admin/loggers", get(loggers::list))
        .route(
            "/admin/loggers/{logger}",
            get(loggers::get_level).put(loggers::set_level),
        )
        // Changes only the leader makes are forwarded to it (distributed mode).
        .route_layer(axum::middleware::from_fn_with_state(
            herder.clone(),
            crate::distributed::forward::middleware,
        ))
        .fallback(unknown_path)
        .method_not_allowed_fallback(unknown_method)
        .with_state(herder)
}

/// The REST server, running until [`Server::stop`].
pub struct Server {
    stop: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds `listeners` (Kafka Connect's form, `http://` or `https://`) and serves the
    /// routes over `herder`, behind authentication when the worker's settings ask for it
    /// (`rest/auth.rs`).
    pub async fn start(listeners: &str, herder: Arc<dyn Herder>) -> anyhow::Result<Server> {
        use anyhow::Context;
        let worker = herder.worker().config.clone();
        let listen = parse_listener(listeners)?;
        let https = is_https(listeners);
        let acceptor = if https {
            Some(tls::acceptor(&worker).context("the https listener")?)
        } else {
            None
        };
        let auth = Arc::new(auth::Auth::from_worker(&worker)?);
        if !auth.enabled() && !listen.ip().is_loopback() {
            tracing::warn!(
                %listen,
                "the REST API listens beyond this machine without authentication: anyone who reaches it \
                 can create, change and delete connectors (see docs/security.md)"
            );
        }
        let app =
            router(herder).layer(axum::middleware::from_fn_with_state(auth, auth::middleware));
        let tcp = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        tracing::info!(%listen, https, "REST API listening");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let handle = match acceptor {
            Some(acceptor) => {
                let listener = tls::TlsListener::new(tcp, acceptor)?;
                tokio::spawn(async move {
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(shutdown)
                        .await;
                })
            }
            None => tokio::spawn(async move {
                let _ = axum::serve(tcp, app).with_graceful_shutdown(shutdown).await;
            }),
        };
        Ok(Server { stop, handle })
    }

    /// Stops taking requests and waits for those under way.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.handle.await;
    }
}

/// An error answer: `{"error_code": N, "message": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = self.status.as_u16(), message = %self.message, "REST request failed");
        }
        (
            self.status,
            Json(json!({"error_code": self.status.as_u16(), "message": self.message})),
        )
            .into_response()
    }
}

impl From<HerderError> for ApiError {
    fn from(e: HerderError) -> Self {
        match e {
            HerderError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, m),
            HerderError::AlreadyExists(m) | HerderError::Rebalancing(m) => {
                ApiError::new(StatusCode::CONFLICT, m)
            }
            // Reached only when forwarding was not possible (`forward=false`, or no leader).
            HerderError::NotLeader { message, .. } => ApiError::new(StatusCode::CONFLICT, message),
            HerderError::Invalid(m) => ApiError::new(StatusCode::BAD_REQUEST, m),
            HerderError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, m),
            HerderError::Unavailable(m) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, m),
            // Kafka Connect answers a request that timed out with 500.
            HerderError::Timeout(m) | HerderError::Internal(m) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, m)
            }
        }
    }
}

pub type ApiResult = Result<Response, ApiError>;

async fn unknown_path() -> ApiError {
    ApiError::not_found("HTTP 404 Not Found")
}

async fn unknown_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "HTTP 405 Method Not Allowed",
    )
}

/// The request body as JSON.
pub fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "The request body is empty; a JSON document is expected",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}")))
}

/// A JSON object of strings (a connector config), in the given order. Numbers and booleans
/// become their text, as Kafka Connect's JSON reader does; null stays null (PATCH removes
/// the key, elsewhere it is a validation error).
pub fn string_map(v: &Value, what: &str) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let obj = v.as_object().ok_or_else(|| {
        ApiError::bad_request(format!(
            "{what} must be a JSON object of strings, not {}",
            json_kind(v)
        ))
    })?;
    let mut out = Vec::with_capacity(obj.len());
    for (k, v) in obj {
        let s = match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                return Err(ApiError::bad_request(format!(
                    "The value of '{k}' in {what} must be a string, not {}",
                    json_kind(other)
                )))
            }
        };
        out.push((k.clone(), s));
    }
    Ok(out)
}

pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Kafka Connect's boolean query parameters: true when "true" in any case, else false.
pub fn query_bool(v: Option<&str>, default: bool) -> bool {
    match v {
        None => default,
        Some(s) => s.eq_ignore_ascii_case("true"),
    }
}

async fn root(State(h): State<Arc<dyn Herder>>) -> Json<Value> {
    let w = h.worker();
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "commit": option_env!("POLYCONNECT_COMMIT").unwrap_or("unknown"),
        "kafka_cluster_id": w.kafka_cluster_id(),
    }))
}

async fn health(State(h): State<Arc<dyn Herder>>) -> Response {
    let w = h.worker();
    if w.is_ready() {
        Json(json!({"status": "healthy", "message": "Worker has completed startup and is ready to handle requests."}))
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "starting", "message": "Worker is still starting up."})),
        )
            .into_response()
    }
}

/// Config values of secret keys (Spec type PASSWORD, or a name containing "password") are
/// shown as Kafka Connect shows passwords.
pub const HIDDEN: &str = "[hidden]";

pub fn is_secret_name(key: &str) -> bool {
    key.to_ascii_lowercase().contains("password")
}

/// Whether the (first) listener is `https://`.
pub fn is_https(l: &str) -> bool {
    l.split(',')
        .next()
        .unwrap_or(l)
        .trim()
        .to_ascii_lowercase()
        .starts_with("https://")
}

/// `listeners` as Kafka Connect writes it: `http://:8083`, `https://0.0.0.0:8443`, ...
/// (the first one; one REST listener per worker).
pub fn parse_listener(l: &str) -> anyhow::Result<std::net::SocketAddr> {
    let first = l.split(',').next().unwrap_or(l).trim();
    let lower = first.to_ascii_lowercase();
    let rest = if lower.starts_with("http://") {
        &first["http://".len()..]
    } else if lower.starts_with("https://") {
        &first["https://".len()..]
    } else {
        anyhow::bail!("unsupported listener '{first}': http:// or https:// is expected")
    };
    let rest = rest.trim_end_matches('/');
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| anyhow::anyhow!("listener '{first}' has no port"))?;
    let host = if host.is_empty() {
        "0.0.0.0"
    } else {
        host.trim_matches(['[', ']'])
    };
    let host = if host == "localhost" {
        "127.0.0.1"
    } else {
        host
    };
    Ok(format!("{host}:{port}")
        .parse()
        .or_else(|_| format!("[{host}]:{port}").parse())?)
}
