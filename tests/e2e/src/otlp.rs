//! An OTLP trace receiver for tests: a real gRPC `TraceService` (opentelemetry-proto's
//! collector service), or OTLP/HTTP's `POST /v1/traces` with a protobuf body, that keeps
//! every span it is sent; and a listener that accepts connections and never answers (a
//! hung collector).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
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
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
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
    kv.iter()
        .map(|a| (a.key.clone(), value_text(&a.value)))
        .collect()
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
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

impl Collector {
    fn keep(&self, request: ExportTraceServiceRequest) {
        if self.count_only {
            let n: usize = request
                .resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .map(|s| s.spans.len())
                .sum();
            self.count
                .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            return;
        }
        let mut out = Vec::new();
        for rs in request.resource_spans {
            let service = rs
                .resource
                .as_ref()
                .and_then(|r| {
                    attrs(&r.attributes)
                        .into_iter()
                        .find(|(k, _)| k == "service.name")
                })
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
                        links: s
                            .links
                            .iter()
                            .map(|l| (hex(&l.trace_id), hex(&l.span_id)))
                            .collect(),
                        attributes: attrs(&s.attributes),
                    });
                }
            }
        }
        self.count
            .fetch_add(out.len() as u64, std::sync::atomic::Ordering::Relaxed);
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
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                if http {
                    let app = axum::Router::new().route(
                        "/v1/traces",
                        axum::routing::post(move |body: axum::body::Bytes| async move {
                            match <ExportTraceServiceRequest as prost::Message>::decode(body) {
                                Ok(req) => {
                                    collector.keep(req);
                                    let ok = prost::Message::encode_to_vec(
                                        &ExportTraceServiceResponse {
                                            partial_success: None,
                                        },
                                    );
                                    (
                                        axum::http::StatusCode::OK,
                                        [(
                                            axum::http::header::CONTENT_TYPE,
                                            "application/x-protobuf",
                                        )],
                                        ok,
                                    )
                                }
                                Err(_) => (
                                    axum::http::StatusCode::BAD_REQUEST,
                                    [(axum::http::header::CONTENT_TYPE, "text/plain")],
                                    b"bad request".to_vec(),
                                ),
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
        Receiver {
            addr,
            spans,
            count,
            _stop: stop,
        }
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
    pub fn wait_for<T>(
        &self,
        timeout: Duration,
        mut found: impl FnMut(&[Span]) -> Option<T>,
    ) -> Option<T> {
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

/// What a record's trace must show, end to end: who made the spans and where the record was.
pub struct Expect<'a> {
    /// `service.name` of the source connector process (`polyconnect-connector-<plugin name>`).
    pub source_service: &'a str,
    /// `service.name` of the sink connector process.
    pub sink_service: &'a str,
    pub sink_connector: &'a str,
    pub topic: &'a str,
    /// The record's Kafka offset (partition 0).
    pub offset: i64,
}

/// The spans of one record, from the source connector's poll to the commit of its offset.
#[derive(Debug)]
pub struct RecordTrace {
    pub source_poll: Span,
    pub source_create: Span,
    pub core_batch: Span,
    pub core_send: Span,
    pub core_process: Span,
    pub sink_process: Span,
    pub core_put: Span,
    pub sink_put: Span,
    pub core_flush: Span,
    pub sink_flush: Span,
    pub commit: Span,
}

fn find(spans: &[Span], f: impl Fn(&Span) -> bool) -> Option<&Span> {
    spans.iter().find(|s| f(s))
}

fn parent_of<'a>(spans: &'a [Span], child: &Span) -> Option<&'a Span> {
    find(spans, |s| {
        s.trace_id == child.trace_id && s.span_id == child.parent_span_id
    })
}

/// Walks a record's trace in what the receiver got; `Err` names the first missing link.
pub fn record_trace(spans: &[Span], e: &Expect) -> Result<RecordTrace, String> {
    let offset = e.offset.to_string();
    let process = format!("process {}", e.topic);
    let sink_process = find(spans, |s| {
        s.service == e.sink_service
            && s.name == process
            && s.attr("messaging.kafka.offset") == Some(offset.as_str())
    })
    .ok_or_else(|| {
        format!(
            "no `{process}` span of {} for offset {offset}",
            e.sink_service
        )
    })?;
    let core_process = parent_of(spans, sink_process)
        .ok_or("the sink connector's process span has no parent (SinkRecord.trace)")?;
    if core_process.service != "polyconnect" || core_process.name != process {
        return Err(format!(
            "the sink connector's process span's parent is {core_process:?}"
        ));
    }
    let core_send = parent_of(spans, core_process)
        .ok_or("the core's process span has no parent (the Kafka traceparent header)")?;
    if core_send.service != "polyconnect" || core_send.name != format!("send {}", e.topic) {
        return Err(format!("the core's process span's parent is {core_send:?}"));
    }
    let source_create = parent_of(spans, core_send)
        .ok_or("the core's send span has no parent (SourceRecord.trace)")?;
    if source_create.service != e.source_service
        || source_create.name != format!("create {}", e.topic)
    {
        return Err(format!(
            "the core's send span's parent is {source_create:?}"
        ));
    }
    let source_poll = parent_of(spans, source_create)
        .ok_or("the source connector's create span has no parent")?;
    if source_poll.service != e.source_service || source_poll.name != "poll" {
        return Err(format!("the create span's parent is {source_poll:?}"));
    }
    let core_batch = find(spans, |s| {
        s.service == "polyconnect"
            && s.name.starts_with("poll ")
            && s.trace_id == source_poll.trace_id
            && s.parent_span_id == source_poll.span_id
    })
    .ok_or("no core batch span under the connector's poll span (SourceBatch.trace)")?;
    let send_id = (core_send.trace_id.clone(), core_send.span_id.clone());
    let put_name = format!("put {}", e.sink_connector);
    let core_put = find(spans, |s| {
        s.service == "polyconnect" && s.name == put_name && s.links.contains(&send_id)
    })
    .ok_or_else(|| format!("no `{put_name}` span linked to the record's context"))?;
    let sink_put = find(spans, |s| {
        s.service == e.sink_service
            && s.name == "put"
            && s.trace_id == core_put.trace_id
            && s.parent_span_id == core_put.span_id
    })
    .ok_or("no connector put span under the core's (Put.trace)")?;
    let put_id = (core_put.trace_id.clone(), core_put.span_id.clone());
    let flush_name = format!("flush {}", e.sink_connector);
    // More than one flush may cover the put (one that committed nothing new, at a
    // rebalance or a stop): the record's is the one with the connector's flush and the
    // commit under it.
    let flushes: Vec<&Span> = spans
        .iter()
        .filter(|s| {
            s.service == "polyconnect"
                && s.name == flush_name
                && (s.links.contains(&put_id)
                    || (s.trace_id == put_id.0 && s.parent_span_id == put_id.1))
        })
        .collect();
    if flushes.is_empty() {
        return Err(format!("no `{flush_name}` span linked to the put"));
    }
    let child = |parent: &Span, service: &str, name: &str| {
        find(spans, |s| {
            s.service == service
                && s.name == name
                && s.trace_id == parent.trace_id
                && s.parent_span_id == parent.span_id
        })
        .cloned()
    };
    let mut sink_flush_seen = false;
    let mut found = None;
    for f in &flushes {
        let Some(sink_flush) = child(f, e.sink_service, "flush") else {
            continue;
        };
        sink_flush_seen = true;
        if let Some(commit) = child(f, "polyconnect", "commit") {
            found = Some(((*f).clone(), sink_flush, commit));
            break;
        }
    }
    let Some((core_flush, sink_flush, commit)) = found else {
        return Err(if sink_flush_seen {
            "no commit span under the core's flush span".into()
        } else {
            "no connector flush span under the core's (Flush.trace)".into()
        });
    };
    Ok(RecordTrace {
        source_poll: source_poll.clone(),
        source_create: source_create.clone(),
        core_batch: core_batch.clone(),
        core_send: core_send.clone(),
        core_process: core_process.clone(),
        sink_process: sink_process.clone(),
        core_put: core_put.clone(),
        sink_put: sink_put.clone(),
        core_flush,
        sink_flush,
        commit,
    })
}

impl Receiver {
    /// Waits for a record's whole trace (each process exports on its own schedule) and
    /// checks what every span says of the record; panics with the first missing link and
    /// the spans received.
    pub fn expect_record_trace(&self, e: &Expect, timeout: Duration) -> RecordTrace {
        let mut last = String::new();
        let got = self.wait_for(timeout, |spans| match record_trace(spans, e) {
            Ok(t) => Some(t),
            Err(why) => {
                last = why;
                None
            }
        });
        let Some(t) = got else {
            let spans = self.spans();
            let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
            for s in &spans {
                *counts
                    .entry((s.service.as_str(), s.name.as_str()))
                    .or_default() += 1;
            }
            // Every span in a file; the message stays short enough to read in a CI log.
            let dump = std::env::temp_dir().join(format!(
                "polyconnect-spans-{}-{}.txt",
                std::process::id(),
                e.topic
            ));
            let _ = std::fs::write(&dump, format!("{spans:#?}"));
            panic!(
                "{last}\n{} spans, by (service, name): {counts:?}\nall of them: {}",
                spans.len(),
                dump.display()
            );
        };
        let offset = e.offset.to_string();
        let trace = &t.source_poll.trace_id;
        for s in [
            &t.source_create,
            &t.core_batch,
            &t.core_send,
            &t.core_process,
            &t.sink_process,
        ] {
            assert_eq!(
                &s.trace_id, trace,
                "one trace id from the poll to the sink connector: {s:?}"
            );
        }
        assert!(
            t.source_poll.parent_span_id.is_empty(),
            "the connector's poll span is the root: {:?}",
            t.source_poll
        );
        assert_eq!(
            t.source_create.attr("messaging.destination.name"),
            Some(e.topic)
        );
        assert_eq!(t.core_send.attr("messaging.operation.type"), Some("send"));
        assert_eq!(
            t.core_send.attr("messaging.kafka.offset"),
            Some(offset.as_str()),
            "the send span carries the broker's ack"
        );
        assert_eq!(
            t.core_send.attr("messaging.destination.partition.id"),
            Some("0")
        );
        assert!(
            t.core_send
                .links
                .contains(&(trace.clone(), t.core_batch.span_id.clone())),
            "the send span links to its batch span"
        );
        let group = format!("connect-{}", e.sink_connector);
        for s in [&t.core_process, &t.sink_process] {
            assert_eq!(s.attr("messaging.system"), Some("kafka"), "{s:?}");
            assert_eq!(s.attr("messaging.destination.name"), Some(e.topic), "{s:?}");
            assert_eq!(
                s.attr("messaging.destination.partition.id"),
                Some("0"),
                "{s:?}"
            );
            assert_eq!(
                s.attr("messaging.kafka.offset"),
                Some(offset.as_str()),
                "{s:?}"
            );
        }
        assert_eq!(
            t.core_process.attr("messaging.consumer.group.name"),
            Some(group.as_str())
        );
        assert_eq!(
            t.commit.attr("messaging.consumer.group.name"),
            Some(group.as_str())
        );
        assert_eq!(t.commit.attr("messaging.operation.type"), Some("settle"));
        t
    }
}
