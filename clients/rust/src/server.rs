//! The connector process: a gRPC server for the core, and [`serve`].

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use pb::connector_server::{Connector as ConnectorSvc, ConnectorServer};
use pb::sink_task_server::{SinkTask as SinkSvc, SinkTaskServer};
use pb::source_task_server::{SourceTask as SourceSvc, SourceTaskServer};
use pb::transform_server::{Transform as TransformSvc, TransformServer};
use polyconnect_proto::v1 as pb;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::connector::{Kind, Plugin};
use crate::stream::{spawn_liveness, LastReceived, Out, Timing};
pub use crate::tls::TlsConfig;

const DEFAULT_MAX_MESSAGE_BYTES: u64 = 64 << 20;
const DEFAULT_LISTEN: &str = "0.0.0.0:50051";

pub(crate) struct Plugins(Vec<Plugin>);

impl Plugins {
    pub fn find(&self, name: &str, kind: Kind) -> Option<&Plugin> {
        self.0.iter().find(|p| p.kind == kind && p.matches(name))
    }
    pub fn find_any(&self, name: &str) -> Option<&Plugin> {
        self.0.iter().find(|p| p.matches(name))
    }
    /// A connector (what a Connector stream may start).
    pub fn find_connector(&self, name: &str) -> Option<&Plugin> {
        self.0
            .iter()
            .find(|p| p.new_connector.is_some() && p.matches(name))
    }
    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|p| p.class).collect()
    }
    fn not_found(&self, name: &str) -> Status {
        Status::not_found(format!(
            "this connector process does not serve '{name}' (it serves: {})",
            self.names().join(", ")
        ))
    }
}

#[derive(Clone)]
struct Svc {
    plugins: Arc<Plugins>,
    max_message_bytes: u64,
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// Starts a session on its own task, with the heartbeat/idle watcher beside it.
fn open<T: Send + 'static, F>(
    heartbeat: fn() -> T,
    error: fn(pb::Error) -> T,
    session: F,
) -> BoxStream<T>
where
    F: FnOnce(
        Out<T>,
        LastReceived,
        oneshot::Sender<Timing>,
    ) -> Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
{
    let (tx, rx) = mpsc::channel(64);
    let out = Out::new(tx);
    let received = LastReceived::new();
    let (timing_tx, timing_rx) = oneshot::channel();
    let handle = tokio::spawn(session(out.clone(), received.clone(), timing_tx));
    spawn_liveness(
        out,
        received,
        timing_rx,
        handle.abort_handle(),
        heartbeat,
        error,
    );
    Box::pin(ReceiverStream::new(rx))
}

#[tonic::async_trait]
impl ConnectorSvc for Svc {
    async fn handshake(
        &self,
        req: Request<pb::HandshakeRequest>,
    ) -> Result<Response<pb::HandshakeResponse>, Status> {
        let req = req.into_inner();
        let Some(v) = req
            .protocol_versions
            .iter()
            .copied()
            .find(|v| crate::PROTOCOL_VERSIONS.contains(v))
        else {
            return Err(Status::failed_precondition(format!(
                "no common protocol version: the core offered {:?}, this connector process (rust SDK {}) speaks {:?}",
                req.protocol_versions,
                crate::SDK_VERSION,
                crate::PROTOCOL_VERSIONS
            )));
        };
        tracing::info!("handshake from core {}: protocol {v}", req.core_version);
        let caps = req.capabilities.unwrap_or_default();
        Ok(Response::new(pb::HandshakeResponse {
            protocol_version: v,
            sdk_language: "rust".into(),
            sdk_version: crate::SDK_VERSION.into(),
            max_message_bytes: match req.max_message_bytes {
                0 => self.max_message_bytes,
                n => n.min(self.max_message_bytes),
            },
            capabilities: Some(pb::Capabilities {
                raw_bytes: caps.raw_bytes,
                schema_references: caps.schema_references,
                trace_context: caps.trace_context,
                // Puts in columns are read (sink.rs, columns.rs).
                columnar_puts: caps.columnar_puts,
                // Source batches go as columns when every record of a poll fits them.
                columnar_source_batches: caps.columnar_source_batches,
            }),
            plugins: self.plugins.0.iter().map(Plugin::info).collect(),
        }))
    }

    async fn health(
        &self,
        _: Request<pb::HealthRequest>,
    ) -> Result<Response<pb::HealthResponse>, Status> {
        Ok(Response::new(pb::HealthResponse { serving: true }))
    }

    async fn spec(
        &self,
        req: Request<pb::SpecRequest>,
    ) -> Result<Response<pb::SpecResponse>, Status> {
        let name = req.into_inner().connector_class;
        let p = self
            .plugins
            .find_any(&name)
            .ok_or_else(|| self.plugins.not_found(&name))?;
        Ok(Response::new(pb::SpecResponse {
            plugin: Some(p.info()),
            config: p.config_def.to_proto(),
        }))
    }

    async fn validate(
        &self,
        req: Request<pb::ValidateRequest>,
    ) -> Result<Response<pb::ValidateResponse>, Status> {
        let req = req.into_inner();
        let p = self
            .plugins
            .find_any(&req.connector_class)
            .ok_or_else(|| self.plugins.not_found(&req.connector_class))?;
        let config = req.config.into_iter().collect();
        let mut errors = p.config_def.validate(&config);
        let connector = p.new_connector.map(|new| new());
        if let Some(connector) = &connector {
            let extra = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                connector.validate(&config)
            }))
            .map_err(|_| Status::internal("validate() panicked"))?;
            for (k, errs) in extra {
                errors.entry(k).or_default().extend(errs);
            }
        }
        let values = errors
            .into_iter()
            .map(|(name, errors)| pb::ConfigValue {
                value: config.get(&name).cloned().or_else(|| {
                    p.config_def
                        .keys()
                        .iter()
                        .find(|k| k.name == name)
                        .and_then(|k| k.default.clone())
                }),
                name,
                errors,
                visible: true,
                recommended_values: vec![],
            })
            .collect();
        let mut resp = pb::ValidateResponse {
            values,
            ..Default::default()
        };
        if let (crate::connector::Kind::Source, Some(connector)) = (p.kind, &connector) {
            declarations(&**connector, &config, &mut resp);
        }
        Ok(Response::new(resp))
    }

    async fn alter_offsets(
        &self,
        req: Request<pb::AlterOffsetsRequest>,
    ) -> Result<Response<pb::AlterOffsetsResponse>, Status> {
        use crate::connector::OffsetChanges;
        let req = req.into_inner();
        let p = self
            .plugins
            .find_connector(&req.connector_class)
            .ok_or_else(|| self.plugins.not_found(&req.connector_class))?;
        let config = req.config.into_iter().collect();
        let bad = |e: crate::error::Error| Status::invalid_argument(e.message().to_string());
        let offsets = if p.kind == crate::connector::Kind::Source {
            let mut out = Vec::with_capacity(req.source_offsets.len());
            for o in req.source_offsets {
                let part = crate::data::value_from_proto(o.partition.unwrap_or_default(), None)
                    .map_err(bad)?;
                let off = o
                    .offset
                    .map(|v| crate::data::value_from_proto(v, None))
                    .transpose()
                    .map_err(bad)?;
                out.push((part, off));
            }
            OffsetChanges::Source(out)
        } else {
            OffsetChanges::Sink(
                req.sink_offsets
                    .into_iter()
                    .map(|o| {
                        (
                            crate::record::TopicPartition {
                                topic: o.topic,
                                partition: o.partition,
                            },
                            o.offset,
                        )
                    })
                    .collect(),
            )
        };
        let Some(new_connector) = p.new_connector else {
            return Err(self.plugins.not_found(&req.connector_class));
        };
        let connector = new_connector();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            connector.alter_offsets(&config, &offsets)
        }));
        let mut resp = pb::AlterOffsetsResponse::default();
        match result {
            Ok(Ok(altered)) => resp.altered = altered,
            Ok(Err(e)) => resp.error = Some(e.to_proto()),
            Err(_) => {
                resp.error = Some(crate::error::Error::fatal("alter_offsets() panicked").to_proto())
            }
        }
        Ok(Response::new(resp))
    }

    type RunStream = BoxStream<pb::ConnectorResponse>;

    async fn run(
        &self,
        req: Request<Streaming<pb::ConnectorRequest>>,
    ) -> Result<Response<Self::RunStream>, Status> {
        let plugins = self.plugins.clone();
        let input = req.into_inner();
        Ok(Response::new(open(
            crate::connector_stream::heartbeat,
            crate::connector_stream::error,
            move |out, rec, t| Box::pin(crate::connector_stream::run(plugins, input, out, rec, t)),
        )))
    }
}

#[tonic::async_trait]
impl SourceSvc for Svc {
    type RunStream = BoxStream<pb::SourceResponse>;

    async fn run(
        &self,
        req: Request<Streaming<pb::SourceRequest>>,
    ) -> Result<Response<Self::RunStream>, Status> {
        let (plugins, max) = (self.plugins.clone(), self.max_message_bytes);
        let input = req.into_inner();
        Ok(Response::new(open(
            crate::source::heartbeat,
            crate::source::error,
            move |out, rec, t| Box::pin(crate::source::run(plugins, max, input, out, rec, t)),
        )))
    }
}

#[tonic::async_trait]
impl SinkSvc for Svc {
    type RunStream = BoxStream<pb::SinkResponse>;

    async fn run(
        &self,
        req: Request<Streaming<pb::SinkRequest>>,
    ) -> Result<Response<Self::RunStream>, Status> {
        let plugins = self.plugins.clone();
        let input = req.into_inner();
        Ok(Response::new(open(
            crate::sink::heartbeat,
            crate::sink::error,
            move |out, rec, t| Box::pin(crate::sink::run(plugins, input, out, rec, t)),
        )))
    }
}

#[tonic::async_trait]
impl TransformSvc for Svc {
    type RunStream = BoxStream<pb::TransformResponse>;

    async fn run(
        &self,
        req: Request<Streaming<pb::TransformRequest>>,
    ) -> Result<Response<Self::RunStream>, Status> {
        let plugins = self.plugins.clone();
        let input = req.into_inner();
        Ok(Response::new(open(
            crate::transform::heartbeat,
            crate::transform::error,
            move |out, rec, t| Box::pin(crate::transform::run(plugins, input, out, rec, t)),
        )))
    }
}

/// Refuses calls without `authorization: Bearer <token>` when a token is set.
#[derive(Clone)]
struct Auth(Option<Arc<str>>);

impl tonic::service::Interceptor for Auth {
    fn call(&mut self, req: Request<()>) -> Result<Request<()>, Status> {
        let Some(token) = &self.0 else { return Ok(req) };
        let got = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let want = format!("Bearer {token}");
        // Constant time: the token guards a local socket, but a cheap habit.
        let same = got.len() == want.len()
            && got
                .bytes()
                .zip(want.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Ok(req)
        } else {
            Err(Status::unauthenticated(
                "missing or invalid authorization token",
            ))
        }
    }
}

/// Serves `plugins` until SIGTERM/SIGINT or the parent's death, with settings from the
/// environment the core gives a launched plugin:
///
/// - `POLYCONNECT_LISTEN`: `unix:/path/to.sock` or `host:port` (else `--listen <addr>`,
///   else `0.0.0.0:$POLYCONNECT_PORT`, else `0.0.0.0:50051`);
/// - `OTEL_EXPORTER_OTLP_ENDPOINT` and the other standard `OTEL_*` variables: connector
///   spans exported with OTLP (feature `otel`; see the README's Tracing section);
/// - `POLYCONNECT_TOKEN`: every call must carry `authorization: Bearer <token>`;
/// - `POLYCONNECT_PARENT_PID`: exit when that process dies;
/// - `POLYCONNECT_MAX_MESSAGE_BYTES` (default 64 MiB), `POLYCONNECT_LOG_LEVEL` (`info`);
/// - `POLYCONNECT_TLS_CERT`, `POLYCONNECT_TLS_KEY` (PEM): serve TLS on TCP, and
///   `POLYCONNECT_TLS_CLIENT_CA` (PEM): require a client certificate it signed ([`TlsConfig`]).
pub async fn serve(plugins: impl IntoIterator<Item = Plugin>) -> std::io::Result<()> {
    let level = std::env::var("POLYCONNECT_LOG_LEVEL")
        .unwrap_or_else(|_| "info".into())
        .to_lowercase();
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&level).unwrap_or_else(|_| "info".into()),
        )
        .try_init();
    crate::otel::init();
    let listen = listen_address();
    let token = std::env::var("POLYCONNECT_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    let tls = TlsConfig::from_env().and_then(|t| match t {
        Some(_) if listen.starts_with("unix:") => Err(format!(
            "POLYCONNECT_TLS_* is for TCP addresses, not {listen}"
        )),
        t => Ok(t),
    });
    let tls = match tls {
        Ok(t) => t,
        Err(e) => {
            tracing::error!("cannot serve TLS: {e}");
            return Err(std::io::Error::other(format!("cannot serve TLS: {e}")));
        }
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    if let Some(parent) = std::env::var("POLYCONNECT_PARENT_PID")
        .ok()
        .and_then(|p| p.parse::<i32>().ok())
    {
        watch_parent(parent, stop_tx.clone())?;
    }
    let signals = stop_tx.clone();
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        let _ = signals.send(true);
    });
    let served = serve_at_tls(&listen, token, tls, plugins, stop_rx).await;
    // The last spans, bounded: a hung collector does not hold up the exit.
    crate::otel::shutdown(Duration::from_secs(5)).await;
    served
}

/// [`serve`] without the environment: on `listen` until `stop` turns true. For tests and
/// for embedding a connector process in a larger program.
#[doc(hidden)]
pub async fn serve_at(
    listen: &str,
    token: Option<String>,
    plugins: impl IntoIterator<Item = Plugin>,
    stop_rx: watch::Receiver<bool>,
) -> std::io::Result<()> {
    serve_at_tls(listen, token, None, plugins, stop_rx).await
}

/// [`serve_at`] with TLS on a TCP address.
#[doc(hidden)]
pub async fn serve_at_tls(
    listen: &str,
    token: Option<String>,
    tls: Option<TlsConfig>,
    plugins: impl IntoIterator<Item = Plugin>,
    stop_rx: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let listen = listen.to_string();
    if tls.is_some() && listen.starts_with("unix:") {
        return Err(std::io::Error::other(format!(
            "POLYCONNECT_TLS_* is for TCP addresses, not {listen}"
        )));
    }
    let plugins: Vec<Plugin> = plugins.into_iter().collect();
    if plugins.is_empty() {
        return Err(std::io::Error::other("serve() needs at least one plugin"));
    }
    let max: u64 = std::env::var("POLYCONNECT_MAX_MESSAGE_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MAX_MESSAGE_BYTES);

    let names: Vec<_> = plugins.iter().map(|p| p.class).collect();
    let svc = Svc {
        plugins: Arc::new(Plugins(plugins)),
        max_message_bytes: max,
    };
    let auth = Auth(token.as_deref().map(Arc::from));
    let m = max as usize;
    let router = tonic::transport::Server::builder()
        .initial_stream_window_size(Some(8 << 20))
        .initial_connection_window_size(Some(16 << 20))
        .add_service(tonic::service::interceptor::InterceptedService::new(
            ConnectorServer::new(svc.clone())
                .max_decoding_message_size(m)
                .max_encoding_message_size(m),
            auth.clone(),
        ))
        .add_service(tonic::service::interceptor::InterceptedService::new(
            SourceTaskServer::new(svc.clone())
                .max_decoding_message_size(m)
                .max_encoding_message_size(m),
            auth.clone(),
        ))
        .add_service(tonic::service::interceptor::InterceptedService::new(
            SinkTaskServer::new(svc.clone())
                .max_decoding_message_size(m)
                .max_encoding_message_size(m),
            auth.clone(),
        ))
        .add_service(tonic::service::interceptor::InterceptedService::new(
            TransformServer::new(svc)
                .max_decoding_message_size(m)
                .max_encoding_message_size(m),
            auth,
        ));
    tracing::info!(
        "serving {} on {listen} (rust SDK {}{}{})",
        names.join(", "),
        crate::SDK_VERSION,
        if token.is_some() {
            ", token required"
        } else {
            ""
        },
        match &tls {
            Some(t) if t.mutual => ", mutual TLS",
            Some(_) => ", TLS",
            None => "",
        }
    );
    let mut stopped = stop_rx.clone();
    let shutdown = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tracing::info!("shutting down");
    };
    let server = async {
        if let Some(path) = listen.strip_prefix("unix:") {
            let path = path.trim_start_matches("//").to_string();
            let _ = std::fs::remove_file(&path);
            if let Some(dir) = std::path::Path::new(&path).parent() {
                std::fs::create_dir_all(dir)?;
            }
            let uds = tokio::net::UnixListener::bind(&path)?;
            let r = router
                .serve_with_incoming_shutdown(
                    tokio_stream::wrappers::UnixListenerStream::new(uds),
                    shutdown,
                )
                .await;
            let _ = std::fs::remove_file(&path);
            r.map_err(std::io::Error::other)
        } else if let Some(tls) = &tls {
            let addr = tokio::net::lookup_host(&listen)
                .await?
                .next()
                .ok_or_else(|| std::io::Error::other(format!("cannot resolve {listen}")))?;
            let tcp = tokio::net::TcpListener::bind(addr).await?;
            router
                .serve_with_incoming_shutdown(tls.incoming(tcp), shutdown)
                .await
                .map_err(std::io::Error::other)
        } else {
            let addr = tokio::net::lookup_host(&listen)
                .await?
                .next()
                .ok_or_else(|| std::io::Error::other(format!("cannot resolve {listen}")))?;
            router
                .serve_with_shutdown(addr, shutdown)
                .await
                .map_err(std::io::Error::other)
        }
    };
    // Open streams would hold a graceful shutdown forever: give them a few seconds.
    let mut stopped = stop_rx;
    tokio::select! {
        r = server => r,
        _ = async { let _ = stopped.wait_for(|s| *s).await; tokio::time::sleep(Duration::from_secs(5)).await } => Ok(()),
    }
}

fn listen_address() -> String {
    let addr = std::env::var("POLYCONNECT_LISTEN")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            let args: Vec<String> = std::env::args().collect();
            args.iter().enumerate().find_map(|(i, a)| {
                if a == "--listen" {
                    args.get(i + 1).cloned()
                } else {
                    a.strip_prefix("--listen=").map(str::to_string)
                }
            })
        });
    let addr = addr.unwrap_or_else(|| match std::env::var("POLYCONNECT_PORT") {
        Ok(p) => format!("0.0.0.0:{p}"),
        Err(_) => DEFAULT_LISTEN.into(),
    });
    addr.trim_start_matches("http://")
        .trim_start_matches("grpc://")
        .to_string()
}

/// Exit with the core: PR_SET_PDEATHSIG on Linux, and a watchdog for everything else.
#[allow(unsafe_code)]
fn watch_parent(parent: i32, stop: watch::Sender<bool>) -> std::io::Result<()> {
    // SAFETY: getppid, prctl and kill have no memory-safety preconditions.
    let alive = move |direct: bool| unsafe {
        !(direct && libc::getppid() != parent) && libc::kill(parent, 0) == 0
    };
    let direct = unsafe { libc::getppid() } == parent;
    #[cfg(target_os = "linux")]
    if direct {
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
        }
    }
    if !alive(false) {
        return Err(std::io::Error::other(format!(
            "parent process {parent} is not running"
        )));
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if !alive(direct) {
                tracing::warn!("parent process {parent} is gone; shutting down");
                let _ = stop.send(true);
                return;
            }
        }
    });
    Ok(())
}

/// Kafka Connect's `exactlyOnceSupport` and `canDefineTransactionBoundaries` of a source
/// connector; an error (or a panic) is reported with its message.
fn declarations(
    connector: &dyn crate::connector::DynConnector,
    config: &std::collections::BTreeMap<String, String>,
    resp: &mut pb::ValidateResponse,
) {
    use crate::connector::{ConnectorTransactionBoundaries, ExactlyOnceSupport};
    let text = |m: String| if m.is_empty() { " ".to_string() } else { m };
    let eos = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        connector.exactly_once_support(config)
    }));
    match eos {
        Ok(Ok(Some(ExactlyOnceSupport::Supported))) => {
            resp.exactly_once_support = pb::ExactlyOnceSupport::ExactlyOnceSupported as i32
        }
        Ok(Ok(Some(ExactlyOnceSupport::Unsupported))) => {
            resp.exactly_once_support = pb::ExactlyOnceSupport::ExactlyOnceUnsupported as i32
        }
        Ok(Ok(None)) => {}
        Ok(Err(e)) => resp.exactly_once_support_error = text(e.message().to_string()),
        Err(_) => resp.exactly_once_support_error = "exactly_once_support() panicked".into(),
    }
    let tb = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        connector.can_define_transaction_boundaries(config)
    }));
    match tb {
        Ok(Ok(ConnectorTransactionBoundaries::Supported)) => {
            resp.transaction_boundaries =
                pb::TransactionBoundarySupport::TransactionBoundariesSupported as i32
        }
        Ok(Ok(ConnectorTransactionBoundaries::Unsupported)) => {
            resp.transaction_boundaries =
                pb::TransactionBoundarySupport::TransactionBoundariesUnsupported as i32
        }
        Ok(Err(e)) => resp.transaction_boundaries_error = text(e.message().to_string()),
        Err(_) => {
            resp.transaction_boundaries_error =
                "can_define_transaction_boundaries() panicked".into()
        }
    }
}

#[cfg(test)]
mod declaration_tests {
    use super::*;
    use crate::connector::{ConnectorTransactionBoundaries, ExactlyOnceSupport};
    use crate::{Config, Connector, Result, SourceContext, SourceRecord, SourceTask};
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Task;
    #[async_trait::async_trait]
    impl SourceTask for Task {
        async fn start(&mut self, _: SourceContext, _: Config) -> Result<()> {
            Ok(())
        }
        async fn poll(&mut self) -> Result<Vec<SourceRecord>> {
            Ok(vec![])
        }
    }

    #[derive(Default)]
    struct Plain;
    impl Connector for Plain {
        type Task = Task;
        const CLASS: &'static str = "Plain";
    }

    #[derive(Default)]
    struct Declared;
    impl Connector for Declared {
        type Task = Task;
        const CLASS: &'static str = "Declared";
        fn exactly_once_support(
            &self,
            config: &BTreeMap<String, String>,
        ) -> Result<Option<ExactlyOnceSupport>> {
            match config.get("fail") {
                Some(m) => Err(crate::Error::config(m.clone())),
                None => Ok(Some(ExactlyOnceSupport::Supported)),
            }
        }
        fn can_define_transaction_boundaries(
            &self,
            _: &BTreeMap<String, String>,
        ) -> Result<ConnectorTransactionBoundaries> {
            Ok(ConnectorTransactionBoundaries::Supported)
        }
    }

    #[test]
    fn declarations_answer_what_the_connector_says() {
        let mut r = pb::ValidateResponse::default();
        declarations(&Plain, &BTreeMap::new(), &mut r);
        assert_eq!(r.exactly_once_support, 0);
        assert_eq!(
            r.transaction_boundaries,
            pb::TransactionBoundarySupport::TransactionBoundariesUnsupported as i32
        );
        let mut r = pb::ValidateResponse::default();
        declarations(&Declared, &BTreeMap::new(), &mut r);
        assert_eq!(
            r.exactly_once_support,
            pb::ExactlyOnceSupport::ExactlyOnceSupported as i32
        );
        assert_eq!(
            r.transaction_boundaries,
            pb::TransactionBoundarySupport::TransactionBoundariesSupported as i32
        );
        let mut r = pb::ValidateResponse::default();
        let config = BTreeMap::from([("fail".to_string(), "cannot tell".to_string())]);
        declarations(&Declared, &config, &mut r);
        assert_eq!(r.exactly_once_support_error, "cannot tell");
    }
}
