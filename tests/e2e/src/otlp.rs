//! An OTLP trace receiver for tests: a real gRPC `TraceService` (opentelemetry-proto's
//! collector service), or OTLP/HTTP's `POST /v1/traces` with a protobuf body, that keeps
//! every span it is sent; and a listener that accepts connections and never answers (a
//! hung collector).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::common::v1::KeyValue;

/// A received span, flattened.
#[derive(Debug, Clone)]
pub struct Span {
    pub service: String,
    pub name: String,
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub kind: i32,
    /// (trace id, span id) of each link.
    pub links: Vec<(String, String)>,
    pub attributes: Vec<(String, String)>,
}

impl Span {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

fn value_text(v: &Option<opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(AnyValue::StringValue(s)) => s.clone(),
        Some(AnyValue::IntValue(i)) => i.to_string(),
        Some(AnyValue::BoolValue(b)) => b.to_string(),
        Some(AnyValue::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn attrs(kv: &[KeyValue]) -> Vec<(String, String)> {
    kv.iter().map(|a| (a.key.clone(), value_text(&a.value))).collect()
}

#[derive(Clone, Default)]
struct Collector {
    spans: Arc<Mutex<Vec<Span>>>,
    /// Count spans only (benchmarks), do not keep them.
    count_only: bool,
    count: Arc<std::sync::atomic::AtomicU64>,
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.keep(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse { partial_success: None }))
    }
}

impl Collector {
    fn keep(&self, request: ExportTraceServiceRequest) {
        if self.count_only {
            let n: usize = request.resource_spans.iter().flat_map(|r| &r.scope_spans).map(|s| s.spans.len()).sum();
            self.count.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            return;
        }
        let mut out = Vec::new();
        for rs in request.resource_spans {
            let service = rs
                .resource
                .as_ref()
                .and_then(|r| attrs(&r.attributes).into_iter().find(|(k, _)| k == "service.name"))
                .map(|(_, v)| v)
                .unwrap_or_default();
            for ss in rs.scope_spans {
                for s in ss.spans {
                    out.push(Span {
                        service: service.clone(),
                        name: s.name,
                        trace_id: hex(&s.trace_id),
                        span_id: hex(&s.span_id),
                        parent_span_id: hex(&s.parent_span_id),
                        kind: s.kind,
                        links: s.links.iter().map(|l| (hex(&l.trace_id), hex(&l.span_id))).collect(),
                        attributes: attrs(&s.attributes),
                    });
                }
            }
        }
        self.count.fetch_add(out.len() as u64, std::sync::atomic::Ordering::Relaxed);
        self.spans.lock().unwrap().extend(out);
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A gRPC OTLP receiver on 127.0.0.1, on its own thread and runtime.
pub struct Receiver {
    pub addr: SocketAddr,
    spans: Arc<Mutex<Vec<Span>>>,
    count: Arc<std::sync::atomic::AtomicU64>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Receiver {
    pub fn start() -> Receiver {
        Receiver::start_with(false, false)
    }

    /// An OTLP/HTTP receiver (`http/protobuf`).
    pub fn start_http() -> Receiver {
        Receiver::start_with(false, true)
    }

    /// A gRPC receiver that only counts the spans it gets.
    pub fn counting() -> Receiver {
        Receiver::start_with(true, false)
    }

    fn start_with(count_only: bool, http: bool) -> Receiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let collector = Collector {
            count_only,
            ..Collector::default()
        };
        let spans = collector.spans.clone();
        let count = collector.count.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                if http {
                    let app = axum::Router::new().route(
                        "/v1/traces",
                        axum::routing::post(move |body: axum::body::Bytes| async move {
                            match <ExportTraceServiceRequest as prost::Message>::decode(body) {
                                Ok(req) => {
                                    collector.keep(req);
                                    let ok = prost::Message::encode_to_vec(&ExportTraceServiceResponse { partial_success: None });
                                    (axum::http::StatusCode::OK, [(axum::http::header::CONTENT_TYPE, "application/x-protobuf")], ok)
                                }
                                Err(_) => (axum::http::StatusCode::BAD_REQUEST, [(axum::http::header::CONTENT_TYPE, "text/plain")], b"bad request".to_vec()),
                            }
                        }),
                    );
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await;
                    return;
                }
                let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
                let _ = tonic::transport::Server::builder()
                    .add_service(TraceServiceServer::new(collector))
                    .serve_with_incoming_shutdown(incoming, async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Receiver { addr, spans, count, _stop: stop }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Spans received so far.
    pub fn count(&self) -> u64 {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn spans(&self) -> Vec<Span> {
        self.spans.lock().unwrap().clone()
    }

    /// Waits until `found` returns something for the spans received so far.
    pub fn wait_for<T>(&self, timeout: Duration, mut found: impl FnMut(&[Span]) -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(t) = found(&self.spans()) {
                return Some(t);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// A listener that accepts connections and never reads or answers: a hung collector.
pub struct Silent {
    pub addr: SocketAddr,
}

impl Silent {
    pub fn start() -> Silent {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming().flatten() {
                held.push(conn);
            }
        });
        Silent { addr }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}
