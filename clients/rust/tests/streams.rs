//! The SDK's streams over a real gRPC connection (a unix socket), driven from the core's
//! side with the generated client: a panic or an error in connector code arrives as a
//! typed error, a retriable poll is retried with its hint, trace context passes through.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use polyconnect_proto::v1 as pb;
use polyconnect_sdk::*;
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::{Endpoint, Uri};

static POLLS: AtomicU32 = AtomicU32::new(0);

#[derive(Default)]
struct Src;
#[derive(Default)]
struct SrcTask {
    mode: String,
}

impl Connector for Src {
    type Task = SrcTask;
    const CLASS: &'static str = "Src";
}

#[async_trait]
impl SourceTask for SrcTask {
    async fn start(&mut self, _: SourceContext, config: Config) -> Result<()> {
        self.mode = config.string("mode")?;
        Ok(())
    }
    async fn poll(&mut self) -> Result<Vec<SourceRecord>> {
        match self.mode.as_str() {
            "panic" => panic!("boom"),
            "retry" if POLLS.fetch_add(1, Ordering::SeqCst) == 0 => Err(Error::retriable_after("not yet", Duration::from_millis(50))),
            _ => Ok(vec![SourceRecord::new("t")
                .value(None, "v")
                .trace(TraceContext { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(), tracestate: "k=v".into() })]),
        }
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
        Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "disk says no").into())
    }
}

async fn serve_and_connect() -> (tonic::transport::Channel, watch::Sender<bool>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("c.sock");
    let (stop, rx) = watch::channel(false);
    let listen = format!("unix:{}", sock.display());
    tokio::spawn(async move { serve_at(&listen, None, [Plugin::source::<Src>(), Plugin::sink::<Snk>()], rx).await });
    for _ in 0..200 {
        if sock.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let sock = sock.clone();
            async move { Ok::<_, std::io::Error>(TokioIo::new(tokio::net::UnixStream::connect(sock).await?)) }
        }))
        .await
        .unwrap();
    (channel, stop, dir)
}

async fn source(channel: tonic::transport::Channel, mode: &str) -> Vec<pb::source_response::Msg> {
    let (tx, rx) = mpsc::channel(16);
    tx.send(pb::SourceRequest {
        msg: Some(pb::source_request::Msg::Start(pb::SourceStart {
            protocol_version: 1,
            connector_class: "Src".into(),
            config: [("mode".to_string(), mode.to_string())].into(),
            capabilities: Some(pb::Capabilities { raw_bytes: true, schema_references: true, trace_context: true }),
            ..Default::default()
        })),
    })
    .await
    .unwrap();
    tx.send(pb::SourceRequest { msg: Some(pb::source_request::Msg::Credit(pb::Credit { records: 1, bytes: 1 << 20 })) }).await.unwrap();
    let mut client = pb::source_task_client::SourceTaskClient::new(channel);
    let mut stream = client.run(ReceiverStream::new(rx)).await.unwrap().into_inner();
    let mut out = Vec::new();
    while let Ok(Ok(Some(m))) = tokio::time::timeout(Duration::from_secs(5), stream.message()).await {
        let m = m.msg.unwrap();
        let done = matches!(m, pb::source_response::Msg::Batch(_) | pb::source_response::Msg::Error(pb::Error { kind: 3, .. }));
        if !matches!(m, pb::source_response::Msg::Heartbeat(_)) {
            out.push(m);
        }
        if done {
            break;
        }
    }
    out
}

#[tokio::test]
async fn a_panic_in_poll_is_a_fatal_error_with_its_message() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let msgs = source(channel, "panic").await;
    assert!(matches!(msgs[0], pb::source_response::Msg::Started(_)), "{msgs:?}");
    match &msgs[1] {
        pb::source_response::Msg::Error(e) => {
            assert_eq!(e.kind, pb::ErrorKind::Fatal as i32);
            assert!(e.message.contains("poll() panicked: boom"), "{e:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_retriable_poll_is_retried_and_trace_context_passes_through() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let msgs = source(channel, "retry").await;
    match &msgs[1] {
        pb::source_response::Msg::Error(e) => {
            assert_eq!(e.kind, pb::ErrorKind::Retriable as i32);
            assert_eq!(e.retry_after_ms, 50);
        }
        other => panic!("{other:?}"),
    }
    match &msgs[2] {
        pb::source_response::Msg::Batch(b) => {
            assert_eq!(b.records.len(), 1);
            assert_eq!(b.records[0].seq, 1);
            // Tracing is off (no OTEL_* endpoint): the record's context passes through
            // unchanged and the batch carries none.
            let t = b.records[0].trace.as_ref().unwrap();
            assert_eq!(t.traceparent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            assert_eq!(t.tracestate, "k=v");
            assert_eq!(b.trace, None);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_error_from_put_is_typed_with_its_class() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let (tx, rx) = mpsc::channel(16);
    let start = pb::SinkStart { protocol_version: 1, connector_class: "Snk".into(), ..Default::default() };
    tx.send(pb::SinkRequest { msg: Some(pb::sink_request::Msg::Start(start)) }).await.unwrap();
    tx.send(pb::SinkRequest { msg: Some(pb::sink_request::Msg::Put(pb::Put { put_id: 7, records: vec![], trace: None })) }).await.unwrap();
    let mut client = pb::sink_task_client::SinkTaskClient::new(channel);
    let mut stream = client.run(ReceiverStream::new(rx)).await.unwrap().into_inner();
    let mut error = None;
    while let Ok(Ok(Some(m))) = tokio::time::timeout(Duration::from_secs(5), stream.message()).await {
        if let Some(pb::sink_response::Msg::Error(e)) = m.msg {
            error = e.error;
            break;
        }
    }
    let e = error.expect("an error");
    assert_eq!(e.kind, pb::ErrorKind::Fatal as i32);
    assert_eq!(e.error_class, "Error"); // std::io::Error
    assert!(e.message.contains("disk says no"), "{e:?}");
}
