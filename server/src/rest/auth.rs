//! Who may use the REST API.
//!
//! - **HTTP Basic**, as Kafka Connect's `BasicAuthSecurityRestExtension` does it: with
//!   `rest.extension.classes` naming that extension, the credentials file is the `file`
//!   option of the `KafkaConnect` section of the JAAS file that
//!   `-Djava.security.auth.login.config=...` names (in `KAFKA_OPTS`, or the worker setting
//!   `java.security.auth.login.config`); or `polyconnect.rest.auth.basic.file` names the
//!   credentials file directly. The file holds `user=password` lines (Java properties). A
//!   request without valid credentials gets Kafka Connect's 401, `User cannot access the
//!   resource.` Unlike Kafka Connect, an empty credentials file stops the start instead of
//!   letting everyone in.
//! - **Bearer tokens**: `polyconnect.rest.auth.bearer.file`, `user=token` lines.
//! - **A read-only role** (beyond Kafka Connect): the users in
//!   `polyconnect.rest.auth.read.only.users` may GET (and HEAD) only; anything else is 403.
//! - `polyconnect.rest.auth.open.paths` (e.g. `/health,/metrics`): answered without
//!   credentials. Kafka Connect's internal requests (`POST /connectors/{c}/tasks`,
//!   `PUT /connectors/{c}/fence`) carry the session key's signature instead, as in Kafka
//!   Connect.
//!
//! The `Authorization` header of an authenticated request is kept for the request's
//! duration ([`forwarded_authorization`]), so a request sent on to another worker carries
//! it, as Kafka Connect forwards it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::config::WorkerConfig;

const BASIC_EXTENSION: &str = "BasicAuthSecurityRestExtension";
/// Kafka Connect's answer to a request without valid credentials.
pub const UNAUTHORIZED: &str = "User cannot access the resource.";

tokio::task_local! {
    static AUTHORIZATION: Option<String>;
}

/// The `Authorization` header of the REST request being served (to forward with it).
pub fn forwarded_authorization() -> Option<String> {
    AUTHORIZATION.try_with(|a| a.clone()).ok().flatten()
}

#[derive(Debug, Default)]
pub struct Auth {
    /// user → password
    basic: BTreeMap<String, String>,
    /// token → user
    bearer: BTreeMap<String, String>,
    read_only: BTreeSet<String>,
    open_paths: Vec<String>,
}

fn list(worker: &WorkerConfig, key: &str) -> Vec<String> {
    worker
        .get(key)
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn read_properties(path: &str, what: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the REST {what} file {path}"))?;
    let entries = crate::config::properties::parse(&text);
    if entries.is_empty() {
        bail!(
            "the REST {what} file {path} is empty: refusing to start with an API open to everyone"
        );
    }
    Ok(entries)
}

/// The `file` option of the `KafkaConnect` section of a JAAS file.
pub fn jaas_credentials_file(jaas: &str) -> Option<String> {
    let start = jaas.find("KafkaConnect")?;
    let body = &jaas[start..];
    let open = body.find('{')?;
    let close = body[open..].find("};").map(|i| open + i)?;
    let section = &body[open + 1..close];
    let at = section.find("file")?;
    let rest = section[at + 4..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// Where `-Djava.security.auth.login.config=` points, in `KAFKA_OPTS` or the worker file.
fn jaas_path(worker: &WorkerConfig) -> Option<String> {
    if let Some(p) = worker.get("java.security.auth.login.config") {
        return Some(p.trim().to_string());
    }
    let opts = std::env::var("KAFKA_OPTS").ok()?;
    opts.split_whitespace().find_map(|o| {
        o.strip_prefix("-Djava.security.auth.login.config=")
            .map(|p| p.trim_matches('"').to_string())
    })
}

impl Auth {
    pub fn from_worker(worker: &WorkerConfig) -> anyhow::Result<Auth> {
        let mut auth = Auth {
            read_only: list(worker, "polyconnect.rest.auth.read.only.users")
                .into_iter()
                .collect(),
            open_paths: list(worker, "polyconnect.rest.auth.open.paths"),
            ..Auth::default()
        };
        let extensions = list(worker, "rest.extension.classes");
        for ext in &extensions {
            if ext.rsplit('.').next() == Some(BASIC_EXTENSION) {
                let jaas = jaas_path(worker).ok_or_else(|| {
                    anyhow!(
                        "rest.extension.classes names {BASIC_EXTENSION}, but no JAAS file is given: set \
                         -Djava.security.auth.login.config=<file> in KAFKA_OPTS (or the worker setting \
                         java.security.auth.login.config)"
                    )
                })?;
                let text = std::fs::read_to_string(&jaas)
                    .with_context(|| format!("cannot read the JAAS file {jaas}"))?;
                let file = jaas_credentials_file(&text).ok_or_else(|| {
                    anyhow!("the JAAS file {jaas} has no KafkaConnect section with a file=\"...\" option")
                })?;
                auth.basic.extend(read_properties(&file, "credentials")?);
            } else {
                tracing::warn!(
                    extension = %ext,
                    "ignoring a REST extension class: only {BASIC_EXTENSION} is known"
                );
            }
        }
        if let Some(file) = worker.get("polyconnect.rest.auth.basic.file") {
            auth.basic
                .extend(read_properties(file.trim(), "credentials")?);
        }
        if let Some(file) = worker.get("polyconnect.rest.auth.bearer.file") {
            for (user, token) in read_properties(file.trim(), "bearer token")? {
                auth.bearer.insert(token, user);
            }
        }
        for user in &auth.read_only {
            let known = auth.basic.contains_key(user) || auth.bearer.values().any(|u| u == user);
            if !known {
                tracing::warn!(user = %user, "a read-only REST user has no credentials");
            }
        }
        Ok(auth)
    }

    /// Whether requests must authenticate.
    pub fn enabled(&self) -> bool {
        !self.basic.is_empty() || !self.bearer.is_empty()
    }

    /// The user a request's `Authorization` header authenticates, if any.
    fn user(&self, authorization: Option<&str>) -> Option<String> {
        let value = authorization?.trim();
        let (scheme, rest) = value.split_once(' ')?;
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest.trim())
                .ok()?;
            let decoded = String::from_utf8(decoded).ok()?;
            let (user, password) = decoded.split_once(':')?;
            let expected = self.basic.get(user)?;
            same(expected.as_bytes(), password.as_bytes()).then(|| user.to_string())
        } else if scheme.eq_ignore_ascii_case("bearer") {
            let token = rest.trim();
            self.bearer
                .iter()
                .find(|(t, _)| same(t.as_bytes(), token.as_bytes()))
                .map(|(_, u)| u.clone())
        } else {
            None
        }
    }
}

/// Constant-time comparison (of equal lengths; lengths are not secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Kafka Connect's internal endpoints, authenticated by the session key's signature.
fn internal(method: &Method, path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        (method.as_str(), parts.as_slice()),
        ("POST", ["connectors", _, "tasks"]) | ("PUT", ["connectors", _, "fence"])
    )
}

/// The middleware in front of every route.
pub async fn middleware(State(auth): State<Arc<Auth>>, request: Request, next: Next) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if !auth.enabled() {
        return AUTHORIZATION.scope(authorization, next.run(request)).await;
    }
    let path = request.uri().path().to_string();
    if internal(request.method(), &path) || auth.open_paths.contains(&path) {
        return AUTHORIZATION.scope(authorization, next.run(request)).await;
    }
    let Some(user) = auth.user(authorization.as_deref()) else {
        tracing::debug!(%path, "REST request refused: no valid credentials");
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain")],
            UNAUTHORIZED,
        )
            .into_response();
    };
    let reads_only = matches!(*request.method(), Method::GET | Method::HEAD);
    if !reads_only && auth.read_only.contains(&user) {
        tracing::info!(%user, method = %request.method(), %path, "REST change refused: the user may only read");
        return super::ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "User {user} may only read; {} {path} changes the cluster",
                request.method()
            ),
        )
        .into_response();
    }
    AUTHORIZATION.scope(authorization, next.run(request)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str, password: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    }

    #[test]
    fn jaas_sections_name_the_credentials_file() {
        let jaas = "KafkaServer { x required; };\nKafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file=\"/etc/connect/creds.properties\";\n};\n";
        assert_eq!(
            jaas_credentials_file(jaas).as_deref(),
            Some("/etc/connect/creds.properties")
        );
        assert_eq!(jaas_credentials_file("KafkaConnect { x required; };"), None);
    }

    #[test]
    fn users_are_found_by_basic_credentials_or_token() {
        let mut auth = Auth::default();
        auth.basic.insert("alice".into(), "s3cret".into());
        auth.bearer.insert("tok-1".into(), "bot".into());
        assert_eq!(
            auth.user(Some(&basic("alice", "s3cret"))).as_deref(),
            Some("alice")
        );
        assert_eq!(auth.user(Some(&basic("alice", "wrong"))), None);
        assert_eq!(auth.user(Some(&basic("mallory", "s3cret"))), None);
        assert_eq!(auth.user(Some("Bearer tok-1")).as_deref(), Some("bot"));
        assert_eq!(auth.user(Some("Bearer tok-2")), None);
        assert_eq!(auth.user(Some("Digest abc")), None);
        assert_eq!(auth.user(Some("Basic !!!")), None);
        assert_eq!(auth.user(None), None);
    }

    #[test]
    fn internal_endpoints_are_signed_not_authenticated() {
        assert!(internal(&Method::POST, "/connectors/c/tasks"));
        assert!(internal(&Method::PUT, "/connectors/c/fence"));
        assert!(!internal(&Method::GET, "/connectors/c/tasks"));
        assert!(!internal(&Method::POST, "/connectors"));
    }
}
