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
static TIMEOUT_PUTS: AtomicU32 = AtomicU32::new(0);

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
            // Records that fit columns: string values, integer offsets.
            "lines" => Ok((0..20i64)
                .map(|i| {
                    SourceRecord::new("t")
                        .position(
                            Value::map([("file", "a".into())]),
                            Value::map([("line", i.into())]),
                        )
                        .value(None, format!("line {i}"))
                })
                .collect()),
            "retry" if POLLS.fetch_add(1, Ordering::SeqCst) == 0 => {
                Err(Error::retriable_after("not yet", Duration::from_millis(50)))
            }
            _ => Ok(vec![SourceRecord::new("t").value(None, "v").trace(
                TraceContext {
                    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
                    tracestate: "k=v".into(),
                },
            )]),
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

async fn serve_and_connect() -> (
    tonic::transport::Channel,
    watch::Sender<bool>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("c.sock");
    let (stop, rx) = watch::channel(false);
    let listen = format!("unix:{}", sock.display());
    tokio::spawn(async move {
        serve_at(
            &listen,
            None,
            [Plugin::source::<Src>(), Plugin::sink::<Snk>()],
            rx,
        )
        .await
    });
    for _ in 0..200 {
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
    (channel, stop, dir)
}

async fn source(channel: tonic::transport::Channel, mode: &str) -> Vec<pb::source_response::Msg> {
    source_with(channel, mode, false).await
}

async fn source_with(
    channel: tonic::transport::Channel,
    mode: &str,
    columnar: bool,
) -> Vec<pb::source_response::Msg> {
    let (tx, rx) = mpsc::channel(16);
    tx.send(pb::SourceRequest {
        msg: Some(pb::source_request::Msg::Start(pb::SourceStart {
            protocol_version: 1,
            connector_class: "Src".into(),
            config: [("mode".to_string(), mode.to_string())].into(),
            capabilities: Some(pb::Capabilities {
                raw_bytes: true,
                schema_references: true,
                trace_context: true,
                columnar_puts: false,
                columnar_source_batches: columnar,
            }),
            ..Default::default()
        })),
    })
    .await
    .unwrap();
    tx.send(pb::SourceRequest {
        msg: Some(pb::source_request::Msg::Credit(pb::Credit {
            records: 1,
            bytes: 1 << 20,
        })),
    })
    .await
    .unwrap();
    let mut client = pb::source_task_client::SourceTaskClient::new(channel);
    let mut stream = client
        .run(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    let mut out = Vec::new();
    while let Ok(Ok(Some(m))) = tokio::time::timeout(Duration::from_secs(5), stream.message()).await
    {
        let m = m.msg.unwrap();
        let done = matches!(
            m,
            pb::source_response::Msg::Batch(_)
                | pb::source_response::Msg::Error(pb::Error { kind: 3, .. })
        );
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
    assert!(
        matches!(msgs[0], pb::source_response::Msg::Started(_)),
        "{msgs:?}"
    );
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
            assert_eq!(
                t.traceparent,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            );
            assert_eq!(t.tracestate, "k=v");
            assert_eq!(b.trace, None);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_poll_that_fits_columns_goes_in_columns_within_the_credit() {
    // A grant of 1 record, the first ever: the 20 records are larger than any grant, so
    // the first columnar part holds 1 record.
    let (channel, _stop, _dir) = serve_and_connect().await;
    let msgs = source_with(channel, "lines", true).await;
    match &msgs[1] {
        pb::source_response::Msg::Batch(b) => {
            assert!(b.records.is_empty(), "{b:?}");
            let c = b.columns.as_ref().expect("a columnar batch");
            assert_eq!((c.first_seq, c.count), (1, 1));
            assert_eq!(c.topics, ["t"]);
            assert_eq!(c.partitions.len(), 1);
            let Some(pb::source_columns::Offsets::IntOffsets(o)) = &c.offsets else {
                panic!("integer offsets expected: {c:?}");
            };
            assert_eq!(
                (o.keys.as_slice(), o.values.as_slice()),
                (&["line".to_string()][..], &[0][..])
            );
            let v = c.value.as_ref().unwrap();
            assert_eq!(v.r#type, pb::DataColumnType::String as i32);
            assert_eq!(v.strings, ["line 0"]);
            assert!(c.key.is_none());
        }
        other => panic!("{other:?}"),
    }
    // Without the capability: rows.
    let (channel, _stop, _dir) = serve_and_connect().await;
    let msgs = source_with(channel, "lines", false).await;
    match &msgs[1] {
        pb::source_response::Msg::Batch(b) => {
            assert!(b.columns.is_none());
            assert_eq!(b.records.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    // Records with their own trace context go as rows even with the capability.
    let (channel, _stop, _dir) = serve_and_connect().await;
    let msgs = source_with(channel, "plain", true).await;
    match &msgs[1] {
        pb::source_response::Msg::Batch(b) => {
            assert!(b.columns.is_none());
            assert_eq!(b.records.len(), 1);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_error_from_put_is_typed_with_its_class() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let (tx, rx) = mpsc::channel(16);
    let start = pb::SinkStart {
        protocol_version: 1,
        connector_class: "Snk".into(),
        ..Default::default()
    };
    tx.send(pb::SinkRequest {
        msg: Some(pb::sink_request::Msg::Start(start)),
    })
    .await
    .unwrap();
    tx.send(pb::SinkRequest {
        msg: Some(pb::sink_request::Msg::Put(pb::Put {
            put_id: 7,
            records: vec![],
            trace: None,
            columns: None,
        })),
    })
    .await
    .unwrap();
    let mut client = pb::sink_task_client::SinkTaskClient::new(channel);
    let mut stream = client
        .run(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    let mut error = None;
    while let Ok(Ok(Some(m))) = tokio::time::timeout(Duration::from_secs(5), stream.message()).await
    {
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

// ------------------------------------------------------------------ failed flushes, context

static FLUSHES: AtomicU32 = AtomicU32::new(0);
static RELEASE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static KEPT: std::sync::Mutex<Option<SinkContext>> = std::sync::Mutex::new(None);
static RETRY_PUTS: AtomicU32 = AtomicU32::new(0);
static RETRY_SEEN: std::sync::Mutex<Vec<i64>> = std::sync::Mutex::new(Vec::new());
static COLUMN_PUTS: std::sync::Mutex<Vec<Vec<SinkRecord>>> = std::sync::Mutex::new(Vec::new());

#[derive(Default)]
struct Ctx;
#[derive(Default)]
struct CtxTask {
    mode: String,
    ctx: Option<SinkContext>,
}

impl Connector for Ctx {
    type Task = CtxTask;
    const CLASS: &'static str = "Ctx";
}

fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition {
        topic: topic.into(),
        partition,
    }
}

#[async_trait]
impl SinkTask for CtxTask {
    async fn start(&mut self, ctx: SinkContext, config: Config) -> Result<()> {
        self.mode = config.string("mode")?;
        if self.mode.starts_with("context") {
            ctx.request_commit(); // held until SinkStarted is out
        }
        if self.mode == "context-wait" {
            *KEPT.lock().unwrap() = Some(ctx.clone());
        }
        self.ctx = Some(ctx);
        Ok(())
    }
    async fn put(&mut self, records: Vec<SinkRecord>) -> Result<()> {
        let ctx = self.ctx.as_ref().unwrap();
        match self.mode.as_str() {
            "retry-once" => {
                if RETRY_PUTS.fetch_add(1, Ordering::SeqCst) == 0 {
                    return Err(Error::retriable_after("not yet", Duration::from_millis(50)));
                }
                RETRY_SEEN
                    .lock()
                    .unwrap()
                    .extend(records.iter().map(|r| r.kafka_offset));
            }
            "context" => {
                ctx.offsets([(tp("t", 1), 7), (tp("t", 0), 5)]);
                ctx.report(&records[0], Error::fatal("bad"));
                ctx.offset(tp("t", 2), 9);
                ctx.pause(&[tp("t", 0), tp("u", 3)]);
                ctx.resume(&[tp("u", 3)]);
                ctx.request_commit();
                ctx.pause(&[]); // nothing to pause: nothing sent
                ctx.offsets([]);
            }
            "timeout" => {
                // Kafka Connect's SinkTaskContext.timeout: once, before the next retriable put.
                match TIMEOUT_PUTS.fetch_add(1, Ordering::SeqCst) {
                    0 => {
                        ctx.timeout(Duration::from_millis(1234));
                        return Err(Error::retriable("not now"));
                    }
                    1 => return Err(Error::retriable("still not")),
                    2 => {
                        ctx.timeout(Duration::from_millis(99));
                        return Err(Error::retriable_after(
                            "an own hint wins",
                            Duration::from_millis(7),
                        ));
                    }
                    _ => {}
                }
            }
            "columns" => COLUMN_PUTS.lock().unwrap().push(records),
            "context-wait" => {
                ctx.offset(tp("t", 0), 0);
                while !RELEASE.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            _ => {}
        }
        Ok(())
    }
    async fn flush(&mut self, _: &std::collections::HashMap<TopicPartition, i64>) -> Result<()> {
        match self.mode.as_str() {
            "flush-fail" if FLUSHES.fetch_add(1, Ordering::SeqCst) == 0 => {
                Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full").into())
            }
            "flush-config" => Err(Error::config("bad 'path'")),
            "flush-panic" => panic!("flush blew up"),
            _ => Ok(()),
        }
    }
    fn max_inflight_puts(&self) -> u32 {
        if self.mode == "one-inflight" {
            1
        } else {
            DEFAULT_MAX_INFLIGHT_PUTS
        }
    }
}

struct SinkConv {
    tx: mpsc::Sender<pb::SinkRequest>,
    stream: tonic::Streaming<pb::SinkResponse>,
}

impl SinkConv {
    async fn start(mode: &str) -> (SinkConv, watch::Sender<bool>, tempfile::TempDir) {
        let (channel, stop, dir) = serve_and_connect_with(vec![Plugin::sink::<Ctx>()]).await;
        let (tx, rx) = mpsc::channel(16);
        let start = pb::SinkStart {
            protocol_version: 1,
            connector_class: "Ctx".into(),
            config: [("mode".to_string(), mode.to_string())].into(),
            ..Default::default()
        };
        tx.send(pb::SinkRequest {
            msg: Some(pb::sink_request::Msg::Start(start)),
        })
        .await
        .unwrap();
        let mut client = pb::sink_task_client::SinkTaskClient::new(channel);
        let stream = client
            .run(ReceiverStream::new(rx))
            .await
            .unwrap()
            .into_inner();
        (SinkConv { tx, stream }, stop, dir)
    }

    async fn send(&self, m: pb::sink_request::Msg) {
        self.tx
            .send(pb::SinkRequest { msg: Some(m) })
            .await
            .unwrap();
    }

    async fn put(&self, put_id: u64, offset: i64) {
        let record = pb::SinkRecord {
            topic: "t".into(),
            kafka_offset: offset,
            original_topic: "t".into(),
            ..Default::default()
        };
        self.send(pb::sink_request::Msg::Put(pb::Put {
            put_id,
            records: vec![record],
            trace: None,
            columns: None,
        }))
        .await;
    }

    async fn flush(&self, flush_id: u64, offset: i64) {
        let offsets = vec![pb::TopicPartitionOffset {
            topic: "t".into(),
            partition: 0,
            offset,
        }];
        self.send(pb::sink_request::Msg::Flush(pb::Flush {
            flush_id,
            offsets,
            trace: None,
        }))
        .await;
    }

    /// The next message that is not a heartbeat.
    async fn next(&mut self) -> pb::sink_response::Msg {
        loop {
            let m = tokio::time::timeout(Duration::from_secs(5), self.stream.message())
                .await
                .expect("a message within 5 s");
            match m.unwrap().and_then(|m| m.msg) {
                Some(pb::sink_response::Msg::Heartbeat(_)) => continue,
                Some(m) => return m,
                None => panic!("the stream ended"),
            }
        }
    }
}

async fn serve_and_connect_with(
    plugins: Vec<Plugin>,
) -> (
    tonic::transport::Channel,
    watch::Sender<bool>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("c.sock");
    let (stop, rx) = watch::channel(false);
    let listen = format!("unix:{}", sock.display());
    tokio::spawn(async move { serve_at(&listen, None, plugins, rx).await });
    for _ in 0..200 {
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
    (channel, stop, dir)
}

fn describe(m: &pb::sink_response::Msg) -> String {
    use pb::sink_response::Msg;
    match m {
        Msg::Context(c) => {
            let mut s = "context".to_string();
            for o in &c.offsets {
                s += &format!(" offset {}-{}={}", o.topic, o.partition, o.offset);
            }
            for p in &c.pause {
                s += &format!(" pause {}-{}", p.topic, p.partition);
            }
            for p in &c.resume {
                s += &format!(" resume {}-{}", p.topic, p.partition);
            }
            if c.request_commit {
                s += " commit";
            }
            s
        }
        Msg::PutDone(p) => format!("putdone {}", p.put_id),
        Msg::Errant(e) => format!("errant {}", e.kafka_offset),
        Msg::Started(_) => "started".into(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn a_failed_flush_is_a_flushed_with_the_error_and_the_task_goes_on() {
    let (mut s, _stop, _dir) = SinkConv::start("flush-fail").await;
    assert_eq!(describe(&s.next().await), "started");
    s.put(1, 0).await;
    assert_eq!(describe(&s.next().await), "putdone 1");
    s.flush(1, 1).await;
    let f = match s.next().await {
        pb::sink_response::Msg::Flushed(f) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(f.flush_id, 1);
    assert!(f.offsets.is_empty(), "{f:?}");
    let e = f.error.expect("the flush's error");
    assert_eq!(e.kind, pb::ErrorKind::Retriable as i32);
    assert_eq!(e.message, "disk full");
    assert_eq!(e.error_class, "Error"); // std::io::Error
                                        // The core rewinds and puts the records again; the stream goes on.
    s.put(2, 0).await;
    assert_eq!(describe(&s.next().await), "putdone 2");
    s.flush(2, 1).await;
    match s.next().await {
        pb::sink_response::Msg::Flushed(f) => {
            assert_eq!(f.flush_id, 2);
            assert_eq!(f.error, None);
            assert_eq!(
                f.offsets,
                vec![pb::TopicPartitionOffset {
                    topic: "t".into(),
                    partition: 0,
                    offset: 1
                }]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_config_error_or_a_panic_from_flush_still_fails_the_task() {
    for (mode, kind, text) in [
        ("flush-config", pb::ErrorKind::Config, "bad 'path'"),
        (
            "flush-panic",
            pb::ErrorKind::Fatal,
            "flush() panicked: flush blew up",
        ),
    ] {
        let (mut s, _stop, _dir) = SinkConv::start(mode).await;
        assert_eq!(describe(&s.next().await), "started");
        s.flush(1, 1).await;
        match s.next().await {
            pb::sink_response::Msg::Error(e) => {
                let e = e.error.unwrap();
                assert_eq!(e.kind, kind as i32, "{mode}: {e:?}");
                assert!(e.message.contains(text), "{mode}: {e:?}");
            }
            other => panic!("{mode}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn context_requests_go_out_in_call_order_before_put_done() {
    let (mut s, _stop, _dir) = SinkConv::start("context").await;
    let mut got = vec![describe(&s.next().await), describe(&s.next().await)];
    s.put(1, 4).await;
    while got.last().unwrap() != "putdone 1" {
        got.push(describe(&s.next().await));
    }
    assert_eq!(
        got,
        [
            "started",
            "context commit",
            "context offset t-0=5 offset t-1=7",
            "errant 4",
            "context offset t-2=9",
            "context pause t-0 pause u-3",
            "context resume u-3",
            "context commit",
            "putdone 1",
        ]
    );
}

#[tokio::test]
async fn a_context_request_is_sent_at_once_not_when_put_returns() {
    let (mut s, _stop, _dir) = SinkConv::start("context-wait").await;
    assert_eq!(describe(&s.next().await), "started");
    assert_eq!(describe(&s.next().await), "context commit");
    s.put(1, 0).await;
    assert_eq!(describe(&s.next().await), "context offset t-0=0");
    // From another thread, while put still runs.
    let kept = KEPT.lock().unwrap().clone().unwrap();
    std::thread::spawn(move || kept.resume(&[tp("t", 0)]))
        .join()
        .unwrap();
    assert_eq!(describe(&s.next().await), "context resume t-0");
    RELEASE.store(true, Ordering::SeqCst);
    assert_eq!(describe(&s.next().await), "putdone 1");
}

#[tokio::test]
async fn puts_after_a_retriable_one_are_held_back_until_redelivered() {
    let (mut s, _stop, _dir) = SinkConv::start("retry-once").await;
    match s.next().await {
        pb::sink_response::Msg::Started(st) => assert_eq!(st.max_inflight_puts, 4), // the SDK's default
        other => panic!("{other:?}"),
    }
    // Three Puts in flight; put 1 fails with a retriable error.
    for id in 1..=3 {
        s.put(id, id as i64 - 1).await;
    }
    for id in 1..=3 {
        match s.next().await {
            pb::sink_response::Msg::Error(e) => {
                assert_eq!(e.put_id, id);
                let e = e.error.unwrap();
                assert_eq!(e.kind, pb::ErrorKind::Retriable as i32);
                assert_eq!(e.retry_after_ms, if id == 1 { 50 } else { 0 });
                if id > 1 {
                    assert!(
                        e.message
                            .contains(&format!("put {id} held back: put 1 awaits redelivery")),
                        "{e:?}"
                    );
                }
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        RETRY_PUTS.load(Ordering::SeqCst),
        1,
        "held-back Puts reached put()"
    );
    // The core delivers them again, in order.
    for id in 1..=3 {
        s.put(id, id as i64 - 1).await;
    }
    for id in 1..=3 {
        assert_eq!(describe(&s.next().await), format!("putdone {id}"));
    }
    assert_eq!(*RETRY_SEEN.lock().unwrap(), [0, 1, 2]);
}

#[tokio::test]
async fn a_task_sets_its_own_max_inflight_puts() {
    let (mut s, _stop, _dir) = SinkConv::start("one-inflight").await;
    match s.next().await {
        pb::sink_response::Msg::Started(st) => assert_eq!(st.max_inflight_puts, 1),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_context_timeout_is_the_retry_after_of_the_next_retriable_put() {
    let (mut s, _stop, _dir) = SinkConv::start("timeout").await;
    assert_eq!(describe(&s.next().await), "started");
    for expected in [1234, 0, 7] {
        s.put(1, 0).await;
        match s.next().await {
            pb::sink_response::Msg::Error(e) => {
                assert_eq!(e.put_id, 1);
                let e = e.error.unwrap();
                assert_eq!(e.kind, pb::ErrorKind::Retriable as i32);
                assert_eq!(e.retry_after_ms, expected, "{e:?}");
            }
            other => panic!("{other:?}"),
        }
    }
    s.put(1, 0).await;
    assert_eq!(describe(&s.next().await), "putdone 1");
}

/// Reads its stored offset in `start` and refuses negative offsets in `alter_offsets`.
#[derive(Default)]
struct Stored {
    seen: Option<Value>,
}

#[async_trait]
impl Connector for Stored {
    type Task = SrcTask;
    const CLASS: &'static str = "Stored";

    async fn start(&mut self, ctx: ConnectorContext, _: &Config) -> Result<()> {
        let partition = Value::Map(vec![(Value::from("table"), Value::from("a"))]);
        self.seen = ctx.offset(&partition).await?;
        Ok(())
    }

    async fn task_configs(&mut self, _: &Config, _: usize) -> Result<Vec<Config>> {
        let seen = format!("{:?}", self.seen);
        Ok(vec![Config::from_map([("seen".to_string(), seen)].into())])
    }

    fn alter_offsets(
        &self,
        config: &std::collections::BTreeMap<String, String>,
        offsets: &OffsetChanges,
    ) -> Result<bool> {
        let OffsetChanges::Source(changes) = offsets else {
            return Err(Error::fatal("a source connector gets source offsets"));
        };
        for (_, offset) in changes {
            if let Some(Value::Map(entries)) = offset {
                if entries
                    .iter()
                    .any(|(_, v)| matches!(v, Value::Int64(n) if *n < 0))
                {
                    return Err(Error::fatal(format!(
                        "negative position for {}",
                        config["name"]
                    )));
                }
            }
        }
        Ok(true)
    }
}

#[tokio::test]
async fn a_source_connector_reads_stored_offsets_and_answers_alter_offsets() {
    let (channel, _stop, _dir) = serve_and_connect_with(vec![Plugin::source::<Stored>()]).await;
    let (tx, rx) = mpsc::channel(16);
    tx.send(pb::ConnectorRequest {
        msg: Some(pb::connector_request::Msg::Start(pb::ConnectorStart {
            protocol_version: 1,
            connector_class: "Stored".into(),
            connector_name: "s".into(),
            ..Default::default()
        })),
    })
    .await
    .unwrap();
    let mut client = pb::connector_client::ConnectorClient::new(channel.clone());
    let mut stream = client
        .run(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    let mut next = async || loop {
        let m = tokio::time::timeout(Duration::from_secs(5), stream.message())
            .await
            .expect("a message within 5 s")
            .unwrap()
            .and_then(|m| m.msg)
            .expect("a message");
        if !matches!(m, pb::connector_response::Msg::Heartbeat(_)) {
            return m;
        }
    };
    // start() asks before Started; the answer lets it go on.
    let pb::connector_response::Msg::OffsetsQuery(q) = next().await else {
        panic!("want an OffsetsQuery");
    };
    assert_eq!(q.partitions.len(), 1);
    let offset = pb::Value {
        kind: Some(pb::value::Kind::Map(pb::Map {
            entries: vec![pb::MapEntry {
                key: Some(pb::Value {
                    kind: Some(pb::value::Kind::String("pos".into())),
                }),
                value: Some(pb::Value {
                    kind: Some(pb::value::Kind::Int64(7)),
                }),
            }],
        })),
    };
    tx.send(pb::ConnectorRequest {
        msg: Some(pb::connector_request::Msg::Offsets(pb::OffsetsAnswer {
            request_id: q.request_id,
            offsets: vec![pb::SourceOffset {
                partition: Some(q.partitions[0].clone()),
                offset: Some(offset.clone()),
            }],
        })),
    })
    .await
    .unwrap();
    assert!(matches!(
        next().await,
        pb::connector_response::Msg::Started(_)
    ));
    tx.send(pb::ConnectorRequest {
        msg: Some(pb::connector_request::Msg::TaskConfigs(
            pb::TaskConfigsRequest { max_tasks: 1 },
        )),
    })
    .await
    .unwrap();
    let pb::connector_response::Msg::TaskConfigs(tc) = next().await else {
        panic!("want TaskConfigs");
    };
    assert!(tc.configs[0].config["seen"].contains("Int64(7)"), "{tc:?}");

    let alter = |n: i64| {
        let mut client = pb::connector_client::ConnectorClient::new(channel.clone());
        let mut o = offset.clone();
        if let Some(pb::value::Kind::Map(m)) = o.kind.as_mut() {
            m.entries[0].value = Some(pb::Value {
                kind: Some(pb::value::Kind::Int64(n)),
            });
        }
        let partition = q.partitions[0].clone();
        async move {
            client
                .alter_offsets(pb::AlterOffsetsRequest {
                    protocol_version: 1,
                    connector_class: "Stored".into(),
                    connector_name: "s".into(),
                    config: [("name".to_string(), "s".to_string())].into(),
                    source_offsets: vec![pb::SourceOffset {
                        partition: Some(partition),
                        offset: Some(o),
                    }],
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner()
        }
    };
    assert!(alter(5).await.altered);
    let refused = alter(-1).await;
    assert!(!refused.altered);
    assert_eq!(refused.error.unwrap().message, "negative position for s");
}

#[tokio::test]
async fn a_put_in_columns_reaches_the_task_as_records_and_a_malformed_one_fails_the_task() {
    let (mut s, _stop, _dir) = SinkConv::start("columns").await;
    assert_eq!(describe(&s.next().await), "started");
    let string = pb::Schema {
        r#type: pb::SchemaType::String as i32,
        optional: true,
        ..Default::default()
    };
    let columns = pb::SinkColumns {
        count: 3,
        topics: vec!["a".into(), "b".into()],
        topic_indexes: vec![0, 1, 0],
        partitions: vec![0, 1, 0],
        offsets: vec![10, 20, 11],
        timestamps: vec![5, 0, 7],
        no_timestamp: vec![1],
        timestamp_types: vec![pb::TimestampType::CreateTime as i32],
        keys: None,
        values: Some(pb::DataColumn {
            r#type: pb::DataColumnType::String as i32,
            schema: Some(string),
            strings: vec!["x".into(), "".into(), "z".into()],
            bytes: vec![],
            nulls: vec![1],
        }),
    };
    s.send(pb::sink_request::Msg::Put(pb::Put {
        put_id: 1,
        records: vec![],
        trace: None,
        columns: Some(columns.clone()),
    }))
    .await;
    assert_eq!(describe(&s.next().await), "putdone 1");
    let puts = COLUMN_PUTS.lock().unwrap().clone();
    assert_eq!(puts.len(), 1);
    let r = &puts[0];
    assert_eq!(r.len(), 3);
    assert_eq!(
        (
            r[1].topic.as_str(),
            r[1].kafka_partition,
            r[1].kafka_offset,
            r[1].timestamp
        ),
        ("b", 1, 20, None)
    );
    assert_eq!(
        (r[1].original_topic.as_str(), r[1].original_kafka_partition),
        ("b", 1)
    );
    assert_eq!(r[2].timestamp, Some(7));
    assert_eq!(r[0].value(), Some(&Value::String("x".into())));
    assert_eq!(r[1].value(), Some(&Value::Null));
    assert_eq!(
        r[0].key,
        Some(Data::Structured {
            schema: None,
            value: Value::Null
        })
    );
    // A value column one entry short: the whole Put is refused, the task never sees it.
    let mut bad = columns;
    bad.values.as_mut().unwrap().strings.pop();
    s.send(pb::sink_request::Msg::Put(pb::Put {
        put_id: 2,
        records: vec![],
        trace: None,
        columns: Some(bad),
    }))
    .await;
    match s.next().await {
        pb::sink_response::Msg::Error(e) => {
            let e = e.error.unwrap();
            assert_eq!(e.kind, pb::ErrorKind::Fatal as i32);
            assert!(e.message.contains("values column"), "{e:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(COLUMN_PUTS.lock().unwrap().len(), 1);
}
