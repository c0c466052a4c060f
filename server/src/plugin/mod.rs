//! The plugin host: how the core reaches connector processes, and the protocol streams.
//!
//! - `channel.rs`: gRPC channels over TCP or unix sockets, with the token.
//! - `tls.rs`: TLS and mutual TLS to `https://` endpoints (`connector.endpoint.ssl.*`).
//! - `manifest.rs`: `polyconnect-plugin.json` discovery on `plugin.path`.
//! - `kafka_connect.rs`: Kafka Connect plugin directories on `plugin.path`, scanned by the
//!   Kafka Connect bridge (cached) and served by one bridge process.
//! - `process.rs`: launching, health-checking and restarting connector processes.
//! - `output.rs`: a connector process's output into the log, and the end of its stderr.
//! - `spec.rs`: a plugin's config definition (`Spec`) and validation (`Validate`).
//! - `streams.rs`: the connector, source-task and sink-task streams in the core's own types.
//! - `wire.rs`: conversion between generated proto types and the core's types.
//!
//! API boundary: only this module knows the generated types of `polyconnect-proto`.
//! Everything else talks to connectors through [`PluginRef`], [`Session`] and the stream
//! types of `streams.rs`, whichever way the connector is reached (one interface for a
//! running endpoint and for a launched process).

pub mod channel;
pub mod kafka_connect;
pub mod manifest;
pub mod output;
pub mod process;
pub mod spec;
pub mod streams;
pub mod tls;
pub mod wire;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use polyconnect_proto::v1 as pb;

pub use channel::Target;
use channel::{Conn, ConnectError};
use manifest::Manifest;
use process::ManagedProcess;

use crate::config::{ConnectorConfig, WorkerConfig};

pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How much longer than its start-up timeout a connection waits for a launched process.
const READY_MARGIN: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginType {
    Source,
    Sink,
}

impl PluginType {
    pub fn as_str(self) -> &'static str {
        match self {
            PluginType::Source => "source",
            PluginType::Sink => "sink",
        }
    }
}

/// A plugin served by a connector process, as announced in its handshake.
#[derive(Debug, Clone)]
pub struct PluginInfo {
    pub class_name: String,
    pub aliases: Vec<String>,
    pub plugin_type: Option<PluginType>,
    pub version: String,
}

impl PluginInfo {
    pub fn matches(&self, class: &str) -> bool {
        std::iter::once(&self.class_name)
            .chain(&self.aliases)
            .any(|n| class_matches(n, class))
    }
}

/// Kafka Connect's alias rules: the full class name, the simple name, or the simple name
/// without a `Connector` suffix.
pub fn class_matches(known: &str, asked: &str) -> bool {
    if known == asked {
        return true;
    }
    let simple = |s: &str| s.rsplit('.').next().unwrap_or(s).to_string();
    let strip = |s: String| s.strip_suffix("Connector").map(str::to_string).unwrap_or(s);
    let (k, a) = (simple(known), simple(asked));
    k == a || strip(k) == strip(a)
}

/// What a handshake agreed on.
#[derive(Debug, Clone)]
pub struct Negotiated {
    pub protocol_version: u32,
    pub max_message_bytes: u64,
    pub raw_bytes: bool,
    pub schema_references: bool,
    pub trace_context: bool,
    /// Puts may go in columns (`Put.columns`).
    pub columnar_puts: bool,
    /// Source batches may come as columns (`SourceBatch.columns`).
    pub columnar_source_batches: bool,
    pub sdk: String,
    pub plugins: Vec<PluginInfo>,
}

/// Errors reaching or talking to a connector process.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PluginError {
    /// The process is not reachable (yet): retried with back-off.
    #[error("connector process unavailable: {0}")]
    Unavailable(String),
    /// The process answered but cannot serve this connector: not retried.
    #[error("{0}")]
    Incompatible(String),
    /// The launched process failed to start (it could not be run, exited, or did not
    /// answer `Health` in time): the message has the exit status and the end of its
    /// stderr. Its supervisor keeps relaunching it with back-off; wait on
    /// [`PluginRef::relaunched`] before trying again.
    #[error("{0}")]
    StartFailed(String),
}

/// A connection to a connector process after a successful handshake.
#[derive(Clone)]
pub struct Session {
    conn: Conn,
    pub negotiated: Negotiated,
    pub target: Target,
}

impl Session {
    pub fn max_message_bytes(&self) -> usize {
        self.negotiated.max_message_bytes as usize
    }
}

/// How one connector reaches its process.
#[derive(Clone)]
pub enum PluginRef {
    Endpoint(Target),
    Launched(Arc<ManagedProcess>),
}

impl PluginRef {
    pub fn describe(&self) -> String {
        match self {
            PluginRef::Endpoint(t) => t.describe(),
            PluginRef::Launched(p) => format!(
                "plugin '{}' ({})",
                p.manifest.name,
                p.manifest.dir.display()
            ),
        }
    }

    /// Returns once a launched process that failed to start is being launched again (or is
    /// ready, or stopped); at once for an endpoint.
    pub async fn relaunched(&self) {
        if let PluginRef::Launched(p) = self {
            p.relaunched().await;
        }
    }

    /// Connects and performs the handshake, checking that `class` is served.
    pub async fn connect(
        &self,
        worker: &WorkerConfig,
        class: &str,
    ) -> Result<Session, PluginError> {
        let session = self.connect_any(worker).await?;
        if !session.negotiated.plugins.iter().any(|p| p.matches(class)) {
            let served: Vec<&str> = session
                .negotiated
                .plugins
                .iter()
                .map(|p| p.class_name.as_str())
                .collect();
            return Err(PluginError::Incompatible(format!(
                "the connector process at {} does not serve connector class '{class}' (it serves: {})",
                session.target.describe(),
                served.join(", ")
            )));
        }
        Ok(session)
    }

    /// A session after the handshake, whatever plugins the process lists in it (a
    /// converter is not listed: its `ConverterStart` names the class, and the process
    /// refuses a class it does not serve).
    pub async fn connect_any(&self, worker: &WorkerConfig) -> Result<Session, PluginError> {
        let target = match self {
            PluginRef::Endpoint(t) => t.clone(),
            // Past the start-up timeout, so a launch under way ends ready or failed.
            PluginRef::Launched(p) => p.ready(p.startup_timeout() + READY_MARGIN).await?,
        };
        let conn = channel::connect(&target).await.map_err(|e| match e {
            ConnectError::Unreachable(m) => PluginError::Unavailable(m),
            ConnectError::Refused(m) => PluginError::Incompatible(m),
        })?;
        let negotiated = match handshake(&conn, worker).await {
            Err(PluginError::Unavailable(m)) => {
                // TLS 1.3 servers refuse a client certificate after the client's handshake:
                // the first call fails on it, and no retry would do better.
                return Err(match conn.tls_failure() {
                    Some(f) => PluginError::Incompatible(format!(
                        "connector.endpoint {}: {f}",
                        target.describe()
                    )),
                    None => PluginError::Unavailable(m),
                });
            }
            other => other?,
        };
        Ok(Session {
            conn,
            negotiated,
            target,
        })
    }
}

async fn handshake(conn: &Conn, worker: &WorkerConfig) -> Result<Negotiated, PluginError> {
    let mut client = conn.connector_client(worker.max_message_bytes as usize);
    let req = pb::HandshakeRequest {
        protocol_versions: polyconnect_proto::PROTOCOL_VERSIONS.to_vec(),
        core_version: CORE_VERSION.to_string(),
        max_message_bytes: worker.max_message_bytes,
        capabilities: Some(pb::Capabilities {
            raw_bytes: true,
            schema_references: true,
            trace_context: true,
            columnar_puts: true,
            columnar_source_batches: true,
        }),
    };
    let resp = tokio::time::timeout(Duration::from_secs(30), client.handshake(req))
        .await
        .map_err(|_| PluginError::Unavailable("handshake timed out".into()))?;
    let resp = match resp {
        Ok(r) => r.into_inner(),
        Err(status) => {
            return Err(match status.code() {
                tonic::Code::Unavailable | tonic::Code::Unknown | tonic::Code::Cancelled => {
                    PluginError::Unavailable(format!("handshake failed: {}", status.message()))
                }
                _ => PluginError::Incompatible(format!(
                    "handshake refused by the connector process ({:?}): {}",
                    status.code(),
                    status.message()
                )),
            })
        }
    };
    if !polyconnect_proto::PROTOCOL_VERSIONS.contains(&resp.protocol_version) {
        return Err(PluginError::Incompatible(format!(
            "the connector process ({} SDK {}) chose protocol version {}, but this core speaks only {:?}",
            resp.sdk_language,
            resp.sdk_version,
            resp.protocol_version,
            polyconnect_proto::PROTOCOL_VERSIONS
        )));
    }
    let caps = resp.capabilities.unwrap_or_default();
    let max = if resp.max_message_bytes == 0 {
        worker.max_message_bytes
    } else {
        resp.max_message_bytes.min(worker.max_message_bytes)
    };
    Ok(Negotiated {
        protocol_version: resp.protocol_version,
        max_message_bytes: max,
        raw_bytes: caps.raw_bytes,
        schema_references: caps.schema_references,
        trace_context: caps.trace_context,
        columnar_puts: caps.columnar_puts,
        columnar_source_batches: caps.columnar_source_batches,
        sdk: format!("{} {}", resp.sdk_language, resp.sdk_version),
        plugins: resp
            .plugins
            .into_iter()
            .map(|p| PluginInfo {
                plugin_type: match pb::PluginType::try_from(p.r#type) {
                    Ok(pb::PluginType::Source) => Some(PluginType::Source),
                    Ok(pb::PluginType::Sink) => Some(PluginType::Sink),
                    _ => None,
                },
                class_name: p.class_name,
                aliases: p.aliases,
                version: p.version,
            })
            .collect(),
    })
}

/// The connector setting with the token a `connector.endpoint` process expects (its
/// `POLYCONNECT_TOKEN`); best given through a config provider.
pub const ENDPOINT_TOKEN: &str = "connector.endpoint.token";

/// The plugins on `plugin.path`, started lazily when a connector first needs them.
pub struct PluginRegistry {
    manifests: Vec<Manifest>,
    running: Mutex<HashMap<usize, Arc<ManagedProcess>>>,
    socket_dir: PathBuf,
    startup_timeout: Duration,
    base_env: Arc<Vec<(String, String)>>,
    /// `polyconnect.connector.endpoint.allowlist` (None: not set, any endpoint).
    endpoint_allowlist: Option<Vec<channel::AllowEntry>>,
    /// The worker's `polyconnect.connector.endpoint.ssl.*` settings.
    endpoint_tls_defaults: crate::config::Props,
}

impl PluginRegistry {
    pub fn discover(worker: &WorkerConfig) -> PluginRegistry {
        let found = manifest::discover_all(&worker.plugin_path);
        let mut manifests = found.manifests;
        for p in found.problems {
            tracing::warn!("plugin.path: {p}");
        }
        // Kafka Connect plugins after the Polyconnect ones: a class both claim is served by
        // the Polyconnect plugin.
        match kafka_connect::manifest(worker, &found.kafka_connect) {
            Ok(Some(m)) => manifests.push(m),
            Ok(None) => {}
            Err(e) => tracing::warn!("plugin.path: {e}"),
        }
        for m in &manifests {
            tracing::info!(plugin = %m.name, dir = %m.dir.display(), classes = ?m.names().collect::<Vec<_>>(), "found plugin");
        }
        // Not guessable, created 0700 and checked before the first launch.
        let socket_dir = std::env::temp_dir().join(format!(
            "polyconnect-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        // What launched processes get of the core's environment: the defaults, and the
        // names (or `PREFIX*`) of `polyconnect.plugin.env.passthrough`.
        let mut passthrough: Vec<String> = process::ENV_PASSTHROUGH
            .iter()
            .map(|s| s.to_string())
            .collect();
        passthrough.extend(
            worker
                .get("polyconnect.plugin.env.passthrough")
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        let endpoint_tls_defaults = tls::KEYS
            .iter()
            .map(|k| format!("{}{k}", tls::WORKER_PREFIX))
            .filter_map(|k| worker.get(&k).map(|v| (k, v.to_string())))
            .collect();
        PluginRegistry {
            endpoint_tls_defaults,
            manifests,
            running: Mutex::new(HashMap::new()),
            socket_dir,
            startup_timeout: worker.plugin_startup_timeout,
            base_env: Arc::new(process::base_env(&passthrough)),
            endpoint_allowlist: worker.get("polyconnect.connector.endpoint.allowlist").map(|l| {
                l.split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .filter_map(|e| match channel::AllowEntry::parse(e) {
                        Ok(a) => Some(a),
                        Err(err) => {
                            tracing::error!("polyconnect.connector.endpoint.allowlist: {err}; the entry allows nothing");
                            None
                        }
                    })
                    .collect()
            }),
        }
    }

    /// Resolves the `${provider:...}` references of the worker's
    /// `polyconnect.connector.endpoint.ssl.*` settings (a password in a file), once, with the
    /// worker's config providers.
    pub fn resolve_endpoint_tls_defaults(
        &mut self,
        resolve: impl Fn(&crate::config::Props) -> Result<crate::config::Props, String>,
    ) -> Result<(), String> {
        self.endpoint_tls_defaults = resolve(&self.endpoint_tls_defaults)?;
        Ok(())
    }

    pub fn manifests(&self) -> &[Manifest] {
        &self.manifests
    }

    /// How a connector reaches its process: its `connector.endpoint`, or the plugin on
    /// `plugin.path` that serves its `connector.class`.
    pub fn resolve(&self, config: &ConnectorConfig) -> Result<PluginRef, String> {
        if let Some(ep) = config.endpoint() {
            return Ok(PluginRef::Endpoint(self.endpoint(ep, &config.props)?));
        }
        let class = config.class();
        self.resolve_class(class).ok_or_else(|| {
            format!(
                "Failed to find any class that implements Connector and which name matches {class}: \
                 no plugin on plugin.path serves it and no connector.endpoint is set"
            )
        })
    }

    /// A `connector.endpoint` with its token and, for `https://`, its TLS settings (the
    /// connector's `connector.endpoint.ssl.*`, else the worker's), refused unless the
    /// allow-list lets it through.
    pub fn endpoint(&self, ep: &str, config: &crate::config::Props) -> Result<Target, String> {
        let token = config.get(ENDPOINT_TOKEN).map(String::as_str);
        let mut target = Target::parse_endpoint(ep)?.with_token(
            token
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from),
        );
        channel::check_allowed(self.endpoint_allowlist.as_deref(), &target)?;
        let settings = tls::TlsSettings::from_layers(&|k| config.get(k).cloned(), &|k| {
            self.endpoint_tls_defaults.get(k).cloned()
        });
        if target.is_https() {
            settings.check()?;
            target = target.with_tls(settings);
        } else if let Some(k) = tls::KEYS
            .iter()
            .map(|k| format!("{}{k}", tls::PREFIX))
            .find(|k| config.contains_key(k))
        {
            // The connector asked for TLS on a plaintext endpoint: never silently in clear.
            return Err(format!(
                "{k} is set but connector.endpoint {ep} is not https://: write connector.endpoint=https://host:port for TLS"
            ));
        }
        Ok(target)
    }

    /// Whether the manifest that serves `class` says it is a source or a sink.
    pub fn manifest_type(&self, class: &str) -> Option<PluginType> {
        let p = self
            .manifests
            .iter()
            .flat_map(|m| m.plugins.iter())
            .filter(|p| p.is_connector())
            .find(|p| {
                std::iter::once(p.class.as_str())
                    .chain(p.aliases.iter().map(String::as_str))
                    .any(|n| class_matches(n, class))
            })?;
        match p.plugin_type.to_ascii_lowercase().as_str() {
            "source" => Some(PluginType::Source),
            "sink" => Some(PluginType::Sink),
            _ => None,
        }
    }

    /// The launched process of the plugin on `plugin.path` that serves `class`, if any.
    pub fn resolve_class(&self, class: &str) -> Option<PluginRef> {
        let idx = self
            .manifests
            .iter()
            .position(|m| m.names().any(|n| class_matches(n, class)))?;
        Some(self.launch(idx))
    }

    /// Whether a plugin on `plugin.path` serves `class` as a transformation or a predicate
    /// (run out of process, through the protocol's `Transform` service).
    pub fn transform_kind(&self, class: &str) -> Option<streams::TransformKind> {
        self.transform_plugin(class).map(|(_, k)| k)
    }

    fn transform_plugin(&self, class: &str) -> Option<(usize, streams::TransformKind)> {
        self.manifests.iter().enumerate().find_map(|(idx, m)| {
            m.plugins.iter().find_map(|p| {
                let kind = match p.plugin_type.to_ascii_lowercase().as_str() {
                    "transformation" => streams::TransformKind::Transformation,
                    "predicate" => streams::TransformKind::Predicate,
                    _ => return None,
                };
                std::iter::once(p.class.as_str())
                    .chain(p.aliases.iter().map(String::as_str))
                    .any(|n| n == class || class_matches(n, class))
                    .then_some((idx, kind))
            })
        })
    }

    /// Whether a Kafka Connect plugin on `plugin.path` holds `class` as a converter (`header`:
    /// as a header converter), run out of process by the bridge through the protocol's
    /// `Converter` service.
    pub fn serves_converter(&self, class: &str, header: bool) -> bool {
        self.converter_plugin(class, header).is_some()
    }

    fn converter_plugin(&self, class: &str, header: bool) -> Option<usize> {
        let kind = if header {
            "header_converter"
        } else {
            "converter"
        };
        self.manifests.iter().position(|m| {
            m.plugins.iter().any(|p| {
                p.plugin_type.eq_ignore_ascii_case(kind)
                    && std::iter::once(p.class.as_str())
                        .chain(p.aliases.iter().map(String::as_str))
                        .any(|n| n == class || class_matches(n, class))
            })
        })
    }

    /// The launched process of the plugin on `plugin.path` that serves the converter
    /// `class`, if any.
    pub fn resolve_converter(&self, class: &str, header: bool) -> Option<PluginRef> {
        let idx = self.converter_plugin(class, header)?;
        Some(self.launch(idx))
    }

    /// The launched process of the plugin on `plugin.path` that serves the transformation
    /// or predicate `class`, if any.
    pub fn resolve_transform(&self, class: &str) -> Option<PluginRef> {
        let (idx, _) = self.transform_plugin(class)?;
        Some(self.launch(idx))
    }

    fn launch(&self, idx: usize) -> PluginRef {
        let mut running = self.running.lock().unwrap();
        let p = running
            .entry(idx)
            .or_insert_with(|| {
                ManagedProcess::start(
                    self.manifests[idx].clone(),
                    self.socket_dir.clone(),
                    self.startup_timeout,
                    self.base_env.clone(),
                )
            })
            .clone();
        PluginRef::Launched(p)
    }

    /// Stops every launched process.
    pub async fn shutdown(&self) {
        let procs: Vec<_> = self.running.lock().unwrap().values().cloned().collect();
        futures::future::join_all(procs.iter().map(|p| p.stop())).await;
        let _ = std::fs::remove_dir_all(&self.socket_dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_match_like_kafka_connect() {
        assert!(class_matches("FileStreamSource", "FileStreamSource"));
        assert!(class_matches(
            "org.apache.kafka.connect.file.FileStreamSourceConnector",
            "FileStreamSourceConnector"
        ));
        assert!(class_matches(
            "FileStreamSourceConnector",
            "FileStreamSource"
        ));
        assert!(!class_matches("FileStreamSource", "FileStreamSink"));
    }
}
