//! Tracing on, through `serve()` as a launched connector runs it: the OTEL_* environment
//! points at an in-process OTLP/gRPC receiver. The source's batches carry the poll span's
//! context and its records their create spans'; the sink's put, process and flush spans
//! join the core's contexts; the spans arrive by the end of the streams.
//! (Its own test binary: `serve()` installs the process's one exporter.)
#![cfg(feature = "otel")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use polyconnect_proto::v1 as pb;
use polyconnect_sdk::*;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::{Endpoint, Uri};

const OWN: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const CORE: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

#[derive(Default)]
struct Src;
#[derive(Default)]
struct SrcTask;

impl Connector for Src {
    type Task = SrcTask;
    const CLASS: &'static str = "Src";
}

#[async_trait]
impl SourceTask for SrcTask {
    async fn start(&mut self, _: SourceContext, _: Config) -> Result<()> {
        Ok(())
    }
    async fn poll(&mut self) -> Result<Vec<SourceRecord>> {
        Ok(vec![
            SourceRecord::new("t")
                .value(None, "own")
                .trace(TraceContext {
                    traceparent: OWN.into(),
                    tracestate: "k=v".into(),
                }),
            SourceRecord::new("t").value(None, "none"),
        ])
    }
}

#[derive(Default)]
struct Snk;
#[derive(Default)]
struct SnkTask;

impl Connector for Snk {
    type Task = SnkTask;
    const CLASS: &'static str = "Snk";
}

#[async_trait]
impl SinkTask for SnkTask {
    async fn start(&mut self, _: SinkContext, _: Config) -> Result<()> {
        Ok(())
    }
    async fn put(&mut self, _: Vec<SinkRecord>) -> Result<()> {
        Ok(())
    }
}

/// (service.name, span name, parent span id) of each span received.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(String, String, String)>>>);

#[tonic::async_trait]
impl TraceService for Received {
    async fn export(
        &self,
        r: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        use opentelemetry_proto::tonic::common::v1::any_value::Value as V;
        for rs in r.into_inner().resource_spans {
            let service = rs
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|kv| kv.key == "service.name")
                .and_then(
                    |kv| match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                        Some(V::StringValue(s)) => Some(s.clone()),
                        _ => None,
                    },
                )
                .unwrap_or_default();
            for s in rs.scope_spans.into_iter().flat_map(|s| s.spans) {
                let parent: String = s
                    .parent_span_id
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                self.0
                    .lock()
                    .unwrap()
                    .push((service.clone(), s.name, parent));
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

fn trace_id(traceparent: &str) -> &str {
    traceparent.split('-').nth(1).unwrap()
}

fn span_id(traceparent: &str) -> &str {
    traceparent.split('-').nth(2).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_of_a_source_and_a_sink_reach_the_collector() {
    let received = Received::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(received.clone()))
            .serve_with_incoming(incoming),
    );

    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("c.sock");
    // The only test in this binary: nothing else reads the environment meanwhile.
    std::env::set_var("POLYCONNECT_LISTEN", format!("unix:{}", sock.display()));
    std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{addr}"));
    std::env::set_var("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    std::env::set_var("OTEL_SERVICE_NAME", "polyconnect-connector-test");
    tokio::spawn(serve([Plugin::source::<Src>(), Plugin::sink::<Snk>()]));
    for _ in 0..500 {
        if sock.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let sock = sock.clone();
            async move {
                Ok::<_, std::io::Error>(TokioIo::new(tokio::net::UnixStream::connect(sock).await?))
            }
        }))
        .await
        .unwrap();
    let caps = Some(pb::Capabilities {
        raw_bytes: true,
        schema_references: true,
        trace_context: true,
        columnar_puts: false,
        columnar_source_batches: false,
    });

    // Source: credit for one poll's two records.
    let (tx, rx) = mpsc::channel(16);
    let start = pb::SourceStart {
        protocol_version: 1,
        connector_class: "Src".into(),
        connector_name: "src".into(),
        capabilities: caps,
        ..Default::default()
    };
    tx.send(pb::SourceRequest {
        msg: Some(pb::source_request::Msg::Start(start)),
    })
    .await
    .unwrap();
    tx.send(pb::SourceRequest {
        msg: Some(pb::source_request::Msg::Credit(pb::Credit {
            records: 2,
            bytes: 1 << 20,
        })),
    })
    .await
    .unwrap();
    let mut source = pb::source_task_client::SourceTaskClient::new(channel.clone())
        .run(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    let mut records = Vec::new();
    let mut batch_trace = None;
    while records.len() < 2 {
        let m = tokio::time::timeout(Duration::from_secs(10), source.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Some(pb::source_response::Msg::Batch(b)) = m.msg {
            let t = b
                .trace
                .expect("a batch carries its poll span's context")
                .traceparent;
            assert!(t.ends_with("-01"), "{t}");
            // Every batch of one poll carries the same poll context.
            assert!(batch_trace.get_or_insert_with(|| t.clone()) == &t);
            records.extend(b.records);
        }
    }
    let poll = batch_trace.unwrap();
    let own = records[0].trace.as_ref().unwrap();
    assert_eq!(
        trace_id(&own.traceparent),
        trace_id(OWN),
        "the record stays in its source system's trace"
    );
    assert_ne!(
        span_id(&own.traceparent),
        span_id(OWN),
        "its create span's context replaces its own"
    );
    assert_eq!(own.tracestate, "k=v");
    let other = records[1]
        .trace
        .as_ref()
        .expect("a record of a sampled poll gets its create span's context");
    assert_eq!(trace_id(&other.traceparent), trace_id(&poll));
    tx.send(pb::SourceRequest {
        msg: Some(pb::source_request::Msg::Stop(pb::Stop { timeout_ms: 1000 })),
    })
    .await
    .unwrap();
    drop(tx);
    while let Ok(Ok(Some(_))) =
        tokio::time::timeout(Duration::from_secs(10), source.message()).await
    {}

    // Sink: a Put and a Flush under the core's spans, then Stop.
    let core = Some(pb::TraceContext {
        traceparent: CORE.into(),
        tracestate: String::new(),
    });
    let (tx, rx) = mpsc::channel(16);
    let start = pb::SinkStart {
        protocol_version: 1,
        connector_class: "Snk".into(),
        connector_name: "snk".into(),
        capabilities: caps,
        ..Default::default()
    };
    let record = pb::SinkRecord {
        topic: "t".into(),
        kafka_offset: 42,
        trace: Some(own.clone()),
        ..Default::default()
    };
    for m in [
        pb::sink_request::Msg::Start(start),
        pb::sink_request::Msg::Put(pb::Put {
            put_id: 1,
            records: vec![record],
            trace: core.clone(),
            columns: None,
        }),
        pb::sink_request::Msg::Flush(pb::Flush {
            flush_id: 1,
            offsets: vec![],
            trace: core,
        }),
    ] {
        tx.send(pb::SinkRequest { msg: Some(m) }).await.unwrap();
    }
    let mut sink = pb::sink_task_client::SinkTaskClient::new(channel)
        .run(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), sink.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Some(pb::sink_response::Msg::Flushed(_)) = m.msg {
            break;
        }
    }
    tx.send(pb::SinkRequest {
        msg: Some(pb::sink_request::Msg::Stop(pb::Stop { timeout_ms: 1000 })),
    })
    .await
    .unwrap();
    drop(tx);
    while let Ok(Ok(Some(_))) = tokio::time::timeout(Duration::from_secs(10), sink.message()).await
    {
    }

    // The end of each stream exported what it had; allow the exporter a moment.
    let want = [
        ("poll", ""),
        ("create t", span_id(OWN)),
        ("create t", span_id(&poll)),
        ("put", span_id(CORE)),
        ("process t", span_id(&own.traceparent)),
        ("flush", span_id(CORE)),
    ];
    let mut got = Vec::new();
    for _ in 0..100 {
        got = received.0.lock().unwrap().clone();
        let has = |name: &str, parent: &str| {
            got.iter()
                .any(|(s, n, p)| s == "polyconnect-connector-test" && n == name && p == parent)
        };
        if want.iter().all(|(n, p)| has(n, p)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("missing spans: want (name, parent span) {want:?}, got {got:?}");
}
