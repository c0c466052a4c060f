//! REST across the cluster, as Kafka Connect's `HerderRequestHandler` and `InternalRequestSignature`
//! do it:
//!
//! - Changes only the leader makes (create, config put and patch, delete, stop, connector
//!   restart, offsets alter and reset, the internal task-configs endpoint) are forwarded to
//!   the leader's URL by a worker that does not lead: `forward=true` on the first hop, and a
//!   leader that lost its place in between forwards once more with `forward=false`; a
//!   request that still misses after two hops, or finds no leader, is answered 409 as Kafka
//!   Connect does. Better than Kafka Connect: during a rebalance a request waits up to
//!   [`LEADER_WAIT`] for it to end instead of failing at once.
//! - The internal endpoint `POST /connectors/{c}/tasks` (a connector's task configs, sent by
//!   the worker running it to the leader) carries `X-Connect-Authorization`, the HMAC of the
//!   body with the session key the leader keeps in the config topic (KIP-507), checked in
//!   constant time: missing or of an unknown algorithm 400, no key yet 503, wrong 403.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};

use crate::herder::{Herder, HerderError, Leadership, Signature};
use crate::rest::ApiError;

/// How long a request that needs the leader waits for a rebalance to end.
pub const LEADER_WAIT: Duration = Duration::from_secs(10);
/// The largest request body forwarded.
const MAX_BODY: usize = 32 * 1024 * 1024;

pub const SIGNATURE_HEADER: &str = "X-Connect-Authorization";
pub const ALGORITHM_HEADER: &str = "X-Connect-Request-Signature-Algorithm";

/// Whether only the leader carries out `method path` (Kafka Connect's list).
pub fn leader_only(method: &Method, path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["connectors"]) => true,
        ("DELETE", ["connectors", _]) => true,
        ("PUT" | "PATCH", ["connectors", _, "config"]) => true,
        ("PUT", ["connectors", _, "stop"]) => true,
        ("POST", ["connectors", _, "restart"]) => true,
        ("PATCH" | "DELETE", ["connectors", _, "offsets"]) => true,
        ("POST", ["connectors", _, "tasks"]) => true,
        ("PUT", ["connectors", _, "fence"]) => true,
        _ => false,
    }
}

fn forward_param(query: Option<&str>) -> Option<bool> {
    query?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == "forward").then(|| v.eq_ignore_ascii_case("true"))
    })
}

fn with_forward(query: Option<&str>, forward: bool) -> String {
    let mut parts: Vec<String> = query
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some("forward"))
        .map(str::to_string)
        .collect();
    parts.push(format!("forward={forward}"));
    parts.join("&")
}

fn conflict(message: &str) -> Response {
    ApiError::new(StatusCode::CONFLICT, message).into_response()
}

/// The middleware in front of every route: requests only the leader serves go to it when
/// this herder does not lead (distributed mode; a standalone herder always leads).
pub async fn middleware(
    State(herder): State<Arc<dyn Herder>>,
    request: Request,
    next: Next,
) -> Response {
    if !leader_only(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    // Wait (briefly) for a rebalance in progress to end, so the leader is known.
    let leader_url = match herder.settled_leadership(LEADER_WAIT).await {
        Leadership::Here => return next.run(request).await,
        Leadership::Unknown { rebalancing: true } => {
            return conflict(
                "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)",
            )
        }
        Leadership::Unknown { rebalancing: false } => {
            return conflict("Cannot complete request because the leader is not known")
        }
        Leadership::Elsewhere(url) => url,
    };
    let forward = forward_param(request.uri().query());
    if forward == Some(false) {
        // Two hops and still not at the leader: the group is moving.
        return conflict(
            "Cannot complete request because of a conflicting operation (e.g. worker rebalance)",
        );
    }
    let url = format!(
        "{}{}?{}",
        leader_url.trim_end_matches('/'),
        request.uri().path(),
        with_forward(request.uri().query(), forward.is_none())
    );
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = match to_bytes(request.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            return ApiError::bad_request(format!("cannot read the request body: {e}"))
                .into_response()
        }
    };
    tracing::debug!(%method, %url, "forwarding a request to the leader");
    match send(&herder.http_client(), method, &url, &headers, body).await {
        Ok(r) => r,
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot forward the request to the leader at {url}: {e}"),
        )
        .into_response(),
    }
}

/// Sends a request on, with only the headers Kafka Connect copies (authorization, the
/// internal signature, the content type), and hands back the answer as it came.
async fn send(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, reqwest::Error> {
    let method =
        reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut req = http
        .request(method, url)
        .timeout(Duration::from_secs(90))
        .body(body.to_vec());
    for name in [
        "authorization",
        "content-type",
        "x-connect-authorization",
        "x-connect-request-signature-algorithm",
    ] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok()) {
            req = req.header(name, v);
        }
    }
    let answer = req.send().await?;
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = answer.bytes().await?;
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert("content-type", ct);
    }
    Ok(response)
}

/// The HMAC of `body` with `key`, base64 (Kafka Connect's `InternalRequestSignature`).
pub fn sign(algorithm: &str, key: &[u8], body: &[u8]) -> Result<String, String> {
    let mac = match algorithm {
        "HmacSHA256" => {
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).map_err(|e| e.to_string())?;
            m.update(body);
            m.finalize().into_bytes().to_vec()
        }
        "HmacSHA384" => {
            let mut m = Hmac::<sha2::Sha384>::new_from_slice(key).map_err(|e| e.to_string())?;
            m.update(body);
            m.finalize().into_bytes().to_vec()
        }
        "HmacSHA512" => {
            let mut m = Hmac::<sha2::Sha512>::new_from_slice(key).map_err(|e| e.to_string())?;
            m.update(body);
            m.finalize().into_bytes().to_vec()
        }
        other => return Err(format!("unsupported request signature algorithm {other}")),
    };
    Ok(base64::engine::general_purpose::STANDARD.encode(mac))
}

/// Constant-time comparison of two signatures.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks an internal request's signature.
pub(crate) fn verify(
    cluster: &super::Cluster,
    signature: &Signature<'_>,
    body: &[u8],
) -> Result<(), HerderError> {
    let sessioned = cluster.distributed.connect_protocol
        == crate::config::distributed::ConnectProtocolSetting::Sessioned;
    if !sessioned {
        return Ok(());
    }
    let (Some(sig), Some(algorithm)) = (signature.signature, signature.algorithm) else {
        return Err(HerderError::Invalid(
            "Internal request missing required signature or signature algorithm".into(),
        ));
    };
    if !cluster
        .distributed
        .inter_worker_verification_algorithms
        .iter()
        .any(|a| a == algorithm)
    {
        return Err(HerderError::Invalid(format!(
            "This worker does not support the signature algorithm {algorithm}; it accepts {:?}",
            cluster.distributed.inter_worker_verification_algorithms
        )));
    }
    let Some(key) = cluster.configs.snapshot().session_key().cloned() else {
        return Err(HerderError::Unavailable(
            "This worker has no session key yet to check the request's signature".into(),
        ));
    };
    let expected = sign(algorithm, &key.key, body).map_err(HerderError::Invalid)?;
    if !same(expected.as_bytes(), sig.trim().as_bytes()) {
        return Err(HerderError::Forbidden(
            "Internal request contained invalid signature.".into(),
        ));
    }
    Ok(())
}

pub use crate::herder::restore_references;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Props;

    #[test]
    fn leader_only_requests_are_kafka_connects() {
        let m = |s: &str| Method::from_bytes(s.as_bytes()).unwrap();
        assert!(leader_only(&m("POST"), "/connectors"));
        assert!(leader_only(&m("PUT"), "/connectors/a/config"));
        assert!(leader_only(&m("PATCH"), "/connectors/a/config"));
        assert!(leader_only(&m("DELETE"), "/connectors/a"));
        assert!(leader_only(&m("PUT"), "/connectors/a/stop"));
        assert!(leader_only(&m("POST"), "/connectors/a/restart"));
        assert!(leader_only(&m("PATCH"), "/connectors/a/offsets"));
        assert!(leader_only(&m("DELETE"), "/connectors/a/offsets"));
        assert!(leader_only(&m("POST"), "/connectors/a/tasks"));
        assert!(!leader_only(&m("GET"), "/connectors"));
        assert!(!leader_only(&m("PUT"), "/connectors/a/pause"));
        assert!(!leader_only(&m("PUT"), "/connectors/a/resume"));
        assert!(!leader_only(&m("POST"), "/connectors/a/tasks/0/restart"));
        assert!(!leader_only(&m("GET"), "/connectors/a/offsets"));
    }

    #[test]
    fn the_forward_flag_follows_the_hops() {
        assert_eq!(forward_param(None), None);
        assert_eq!(forward_param(Some("expand=status")), None);
        assert_eq!(forward_param(Some("forward=true")), Some(true));
        assert_eq!(forward_param(Some("a=1&forward=false")), Some(false));
        assert_eq!(with_forward(None, true), "forward=true");
        assert_eq!(
            with_forward(Some("includeTasks=true&forward=true"), false),
            "includeTasks=true&forward=false"
        );
    }

    #[test]
    fn signatures_are_hmacs_of_the_body() {
        // RFC 4231, test case 2.
        let s = sign("HmacSHA256", b"Jefe", b"what do ya want for nothing?").unwrap();
        let hex: String = base64::engine::general_purpose::STANDARD
            .decode(s)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(sign("HmacMD5", b"k", b"").is_err());
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }

    #[test]
    fn references_are_put_back_into_task_configs() {
        let connector: Props = [
            (
                "password".to_string(),
                "${file:/s.properties:pw}".to_string(),
            ),
            ("topic".to_string(), "t".to_string()),
        ]
        .into_iter()
        .collect();
        let mut tasks = vec![[
            ("password".to_string(), "secret".to_string()),
            ("topic".to_string(), "t".to_string()),
            ("task.id".to_string(), "0".to_string()),
        ]
        .into_iter()
        .collect::<Props>()];
        restore_references(&connector, &mut tasks);
        assert_eq!(tasks[0]["password"], "${file:/s.properties:pw}");
        assert_eq!(tasks[0]["topic"], "t");
        assert_eq!(tasks[0]["task.id"], "0");
    }
}
