//! The protocol's streams (connector, source task, sink task) in the core's own types.
//! The lifecycle of each stream is documented in `proto/polyconnect/v1/connector.proto`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use polyconnect_proto::v1 as pb;
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Streaming;

use super::wire::{self, SchemaRefsIn, SchemaRefsOut, WireError};
use super::Session;
use crate::config::Props;
use crate::data::Value;
use crate::record::{SinkRecord, SourceRecord, TraceContext};

/// Typed errors a connector sends in a stream (protocol rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Retriable,
    Config,
    Fatal,
    Record,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorError {
    pub kind: ErrorKind,
    pub message: String,
    pub error_class: String,
    pub detail: String,
    pub retry_after: Option<Duration>,
    pub record_seq: u64,
    pub kafka: Option<(String, i32, i64)>,
}

impl ConnectorError {
    fn from_proto(e: pb::Error) -> ConnectorError {
        let kind = match pb::ErrorKind::try_from(e.kind) {
            Ok(pb::ErrorKind::Retriable) => ErrorKind::Retriable,
            Ok(pb::ErrorKind::Config) => ErrorKind::Config,
            Ok(pb::ErrorKind::Record) => ErrorKind::Record,
            _ => ErrorKind::Fatal,
        };
        ConnectorError {
            kind,
            retry_after: (e.retry_after_ms > 0)
                .then(|| Duration::from_millis(e.retry_after_ms as u64)),
            record_seq: e.record_seq,
            kafka: (!e.kafka_topic.is_empty())
                .then(|| (e.kafka_topic.clone(), e.kafka_partition, e.kafka_offset)),
            message: e.message,
            error_class: e.error_class,
            detail: e.detail,
        }
    }

    /// The text shown as a task's `trace`.
    pub fn trace(&self) -> String {
        let mut s = String::new();
        if !self.error_class.is_empty() {
            s.push_str(&self.error_class);
            s.push_str(": ");
        }
        s.push_str(&self.message);
        if !self.detail.is_empty() {
            s.push('\n');
            s.push_str(&self.detail);
        }
        s
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum StreamError {
    /// The connection broke or the process went away: the task is restarted with back-off.
    #[error("connection to the connector process lost: {0}")]
    Disconnected(String),
    /// The connector broke the protocol (malformed batch, overdrawn credits, ...).
    #[error("protocol violation by the connector: {0}")]
    Protocol(String),
    /// The connector reported an error.
    #[error("{}", .0.trace())]
    Connector(ConnectorError),
    #[error("{0}")]
    Timeout(String),
}

impl From<WireError> for StreamError {
    fn from(e: WireError) -> Self {
        StreamError::Protocol(e.0)
    }
}

fn status_error(s: tonic::Status) -> StreamError {
    match s.code() {
        tonic::Code::Unavailable
        | tonic::Code::Cancelled
        | tonic::Code::Unknown
        | tonic::Code::Aborted => {
            StreamError::Disconnected(format!("{:?}: {}", s.code(), s.message()))
        }
        code => StreamError::Connector(ConnectorError {
            kind: if code == tonic::Code::InvalidArgument || code == tonic::Code::FailedPrecondition
            {
                ErrorKind::Config
            } else {
                ErrorKind::Fatal
            },
            message: format!(
                "the connector process ended the stream with {code:?}: {}",
                s.message()
            ),
            error_class: String::new(),
            detail: String::new(),
            retry_after: None,
            record_seq: 0,
            kafka: None,
        }),
    }
}

/// Timing shared by all streams: heartbeats out, idle detection in.
pub struct Liveness {
    pub heartbeat_interval: Duration,
    pub idle_timeout: Duration,
    last_sent: Instant,
    last_received: Instant,
}

impl Liveness {
    pub fn new(heartbeat_interval: Duration, idle_timeout: Duration) -> Liveness {
        let now = Instant::now();
        Liveness {
            heartbeat_interval,
            idle_timeout,
            last_sent: now,
            last_received: now,
        }
    }
    fn sent(&mut self) {
        self.last_sent = Instant::now();
    }
    fn received(&mut self) {
        self.last_received = Instant::now();
    }
    pub fn needs_heartbeat(&self) -> bool {
        self.last_sent.elapsed() >= self.heartbeat_interval
    }
    pub fn check_idle(&self) -> Result<(), StreamError> {
        let idle = self.last_received.elapsed();
        if idle > self.idle_timeout {
            return Err(StreamError::Timeout(format!(
                "no message from the connector for {idle:?} (idle timeout {:?})",
                self.idle_timeout
            )));
        }
        Ok(())
    }
}

struct Duplex<Req, Resp> {
    tx: mpsc::Sender<Req>,
    rx: Streaming<Resp>,
    /// How long a send may wait for room (the connector reading what was sent before);
    /// past it the connector is taken as hung, whatever heartbeats it still sends.
    send_timeout: Duration,
}

/// A connector that reads nothing of what the core sends for this long is hung: its idle
/// timeout, or a minute when the idle check is off.
fn send_timeout(l: &Liveness) -> Duration {
    if l.idle_timeout.is_zero() {
        Duration::from_secs(60)
    } else {
        l.idle_timeout
    }
}

impl<Req, Resp> Duplex<Req, Resp> {
    /// Opens a stream whose first message is `start`; `run` makes the gRPC call with the
    /// request stream.
    async fn open<Fut>(
        start: Req,
        capacity: usize,
        send_timeout: Duration,
        run: impl FnOnce(ReceiverStream<Req>) -> Fut,
    ) -> Result<Self, StreamError>
    where
        Fut: std::future::Future<Output = Result<tonic::Response<Streaming<Resp>>, tonic::Status>>,
    {
        let (tx, rx) = mpsc::channel(capacity);
        tx.send(start)
            .await
            .map_err(|_| StreamError::Disconnected("closed".into()))?;
        let rx = run(ReceiverStream::new(rx))
            .await
            .map_err(status_error)?
            .into_inner();
        Ok(Duplex {
            tx,
            rx,
            send_timeout,
        })
    }

    async fn send(&self, msg: Req) -> Result<(), StreamError> {
        match tokio::time::timeout(self.send_timeout, self.tx.send(msg)).await {
            Ok(r) => r.map_err(|_| StreamError::Disconnected("request stream closed".into())),
            Err(_) => Err(StreamError::Timeout(format!(
                "the connector has read nothing the core sent for {:?}",
                self.send_timeout
            ))),
        }
    }

    async fn recv(&mut self) -> Result<Resp, StreamError> {
        match self.rx.message().await {
            Ok(Some(m)) => Ok(m),
            Ok(None) => Err(StreamError::Disconnected(
                "the connector ended the stream".into(),
            )),
            Err(s) => Err(status_error(s)),
        }
    }
}

async fn wait_started<T>(
    fut: impl std::future::Future<Output = Result<T, StreamError>>,
    what: &str,
) -> Result<T, StreamError> {
    tokio::time::timeout(Duration::from_secs(60), fut)
        .await
        .map_err(|_| StreamError::Timeout(format!("{what} did not start within 60s")))?
}

// ------------------------------------------------------------------------------------------
// What the batch services (`Transform`, `Converter`) share: the start, one batch round trip
// at a time, the outcomes placed by record index, the stop.
// ------------------------------------------------------------------------------------------

/// A batch service's response, by kind.
enum BatchReply<S, R> {
    Started(S),
    Result(R),
    Heartbeat,
    Error(pb::Error),
    Empty,
}

trait BatchRequest {
    fn stop(timeout_ms: u32) -> Self;
}

trait BatchResponse {
    type Started;
    type Result;
    /// The service's name in error messages ("transform", "converter").
    const SERVICE: &'static str;
    fn reply(self) -> BatchReply<Self::Started, Self::Result>;
    fn batch_id(result: &Self::Result) -> u64;
}

/// `BatchRequest` and `BatchResponse` for one service's generated messages.
macro_rules! batch_service {
    ($req:ident, $resp:ident, $req_msg:ident, $resp_msg:ident, $started:ident, $result:ident, $name:literal) => {
        impl BatchRequest for pb::$req {
            fn stop(timeout_ms: u32) -> Self {
                pb::$req {
                    msg: Some(pb::$req_msg::Msg::Stop(pb::Stop { timeout_ms })),
                }
            }
        }

        impl BatchResponse for pb::$resp {
            type Started = pb::$started;
            type Result = pb::$result;
            const SERVICE: &'static str = $name;
            fn reply(self) -> BatchReply<Self::Started, Self::Result> {
                use pb::$resp_msg::Msg;
                match self.msg {
                    Some(Msg::Started(s)) => BatchReply::Started(s),
                    Some(Msg::Result(r)) => BatchReply::Result(r),
                    Some(Msg::Heartbeat(_)) => BatchReply::Heartbeat,
                    Some(Msg::Error(e)) => BatchReply::Error(e),
                    None => BatchReply::Empty,
                }
            }
            fn batch_id(result: &Self::Result) -> u64 {
                result.batch_id
            }
        }
    };
}

batch_service!(
    TransformRequest,
    TransformResponse,
    transform_request,
    transform_response,
    TransformStarted,
    TransformResult,
    "transform"
);
batch_service!(
    ConverterRequest,
    ConverterResponse,
    converter_request,
    converter_response,
    ConverterStarted,
    ConverterResult,
    "converter"
);

impl<Req: BatchRequest, Resp: BatchResponse> Duplex<Req, Resp> {
    /// Waits for the `<what>Started` that answers a `<what>Start` (heartbeats skipped).
    async fn wait_batch_started(&mut self, what: &str) -> Result<Resp::Started, StreamError> {
        wait_started(
            async {
                loop {
                    match self.recv().await?.reply() {
                        BatchReply::Started(s) => return Ok(s),
                        BatchReply::Error(e) => {
                            return Err(StreamError::Connector(ConnectorError::from_proto(e)))
                        }
                        BatchReply::Heartbeat => continue,
                        BatchReply::Result(_) | BatchReply::Empty => {
                            return Err(StreamError::Protocol(format!(
                                "expected {what}Started after {what}Start"
                            )))
                        }
                    }
                }
            },
            &format!("{what}Started"),
        )
        .await
    }

    /// Sends one batch and waits for its result. Heartbeats are signs of life; silence for
    /// the stream's send timeout fails the call, as does a result for another batch.
    async fn round_trip(&mut self, batch: Req, batch_id: u64) -> Result<Resp::Result, StreamError> {
        self.send(batch).await?;
        let silence = self.send_timeout;
        let service = Resp::SERVICE;
        let result = loop {
            let m = tokio::time::timeout(silence, self.recv())
                .await
                .map_err(|_| {
                    StreamError::Timeout(format!(
                        "the {service} process sent nothing for {silence:?}"
                    ))
                })??;
            match m.reply() {
                BatchReply::Result(r) => break r,
                BatchReply::Heartbeat => continue,
                BatchReply::Error(e) => {
                    return Err(StreamError::Connector(ConnectorError::from_proto(e)))
                }
                BatchReply::Started(_) | BatchReply::Empty => {
                    return Err(StreamError::Protocol(format!(
                        "unexpected message on the {service} stream"
                    )))
                }
            }
        };
        let answered = Resp::batch_id(&result);
        if answered != batch_id {
            return Err(StreamError::Protocol(format!(
                "the {service} answered batch {answered} while batch {batch_id} was expected"
            )));
        }
        Ok(result)
    }

    /// `Stop`, then whatever the process still sends until it ends the stream (5 s at most).
    async fn stop_batch_stream(&mut self) {
        let _ = self.send(Req::stop(5000)).await;
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while self.recv().await.is_ok() {}
        })
        .await;
    }
}

/// A batch's outcomes in record order: each record exactly once, by the index it was sent
/// with.
fn place_outcomes<O, T>(
    n: usize,
    outcomes: Vec<O>,
    index: impl Fn(&O) -> u32,
    service: &str,
    mut make: impl FnMut(usize, O) -> Result<T, StreamError>,
) -> Result<Vec<T>, StreamError> {
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for o in outcomes {
        let i = index(&o) as usize;
        if i >= n || out[i].is_some() {
            return Err(StreamError::Protocol(format!(
                "the {service} answered record index {i} twice or out of range (batch of {n})"
            )));
        }
        out[i] = Some(make(i, o)?);
    }
    out.into_iter()
        .enumerate()
        .map(|(i, o)| {
            o.ok_or_else(|| {
                StreamError::Protocol(format!("the {service} gave no outcome for record {i}"))
            })
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// Connector instance stream
// ------------------------------------------------------------------------------------------

pub enum ConnectorEvent {
    TaskConfigs(Vec<Props>),
    Reconfigure(String),
    /// SourceConnectorContext.offsetStorageReader(): answer with `answer_offsets`.
    OffsetsQuery {
        request_id: u64,
        partitions: Vec<Value>,
    },
    Heartbeat,
    Error(ConnectorError),
}

pub struct ConnectorStream {
    io: Duplex<pb::ConnectorRequest, pb::ConnectorResponse>,
    pub liveness: Liveness,
}

impl ConnectorStream {
    /// Opens the stream and waits for Started; `lookup` answers the connector's offset
    /// queries meanwhile (a source connector may read offsets in its start).
    pub async fn open(
        session: &Session,
        class: &str,
        name: &str,
        config: &Props,
        liveness: Liveness,
        lookup: impl Fn(&Value) -> Result<Option<Value>, String>,
    ) -> Result<ConnectorStream, StreamError> {
        let start = pb::ConnectorRequest {
            msg: Some(pb::connector_request::Msg::Start(pb::ConnectorStart {
                protocol_version: session.negotiated.protocol_version,
                connector_class: class.to_string(),
                connector_name: name.to_string(),
                config: super::tls::for_process(config),
                heartbeat_interval_ms: liveness.heartbeat_interval.as_millis() as u32,
                idle_timeout_ms: liveness.idle_timeout.as_millis() as u32,
            })),
        };
        let mut client = session.conn.connector_client(session.max_message_bytes());
        let io = Duplex::open(start, 16, send_timeout(&liveness), |rx| async move {
            client.run(rx).await
        })
        .await?;
        let mut s = ConnectorStream { io, liveness };
        wait_started(
            async {
                loop {
                    let m = s.io.recv().await?;
                    s.liveness.received();
                    match m.msg {
                        Some(pb::connector_response::Msg::Started(_)) => return Ok(()),
                        Some(pb::connector_response::Msg::Error(e)) => {
                            return Err(StreamError::Connector(ConnectorError::from_proto(e)))
                        }
                        Some(pb::connector_response::Msg::OffsetsQuery(q)) => {
                            let mut answer = Vec::with_capacity(q.partitions.len());
                            for part in q.partitions {
                                let part = wire::partition_from_proto(part)?;
                                let o = lookup(&part).map_err(StreamError::Protocol)?;
                                answer.push((part, o));
                            }
                            s.answer_offsets(q.request_id, answer).await?;
                        }
                        _ => continue,
                    }
                }
            },
            "the connector",
        )
        .await?;
        Ok(s)
    }

    pub async fn request_task_configs(&mut self, max_tasks: u32) -> Result<(), StreamError> {
        self.liveness.sent();
        self.io
            .send(pb::ConnectorRequest {
                msg: Some(pb::connector_request::Msg::TaskConfigs(
                    pb::TaskConfigsRequest { max_tasks },
                )),
            })
            .await
    }

    pub async fn heartbeat(&mut self) -> Result<(), StreamError> {
        self.liveness.sent();
        self.io
            .send(pb::ConnectorRequest {
                msg: Some(pb::connector_request::Msg::Heartbeat(pb::Heartbeat {})),
            })
            .await
    }

    /// The answer to an `OffsetsQuery`: each partition with its stored offset, if any.
    pub async fn answer_offsets(
        &mut self,
        request_id: u64,
        offsets: Vec<(Value, Option<Value>)>,
    ) -> Result<(), StreamError> {
        let offsets = offsets
            .into_iter()
            .map(|(p, o)| wire::source_offset_to_proto(p, o))
            .collect();
        self.liveness.sent();
        self.io
            .send(pb::ConnectorRequest {
                msg: Some(pb::connector_request::Msg::Offsets(pb::OffsetsAnswer {
                    request_id,
                    offsets,
                })),
            })
            .await
    }

    pub async fn stop(mut self, timeout: Duration) {
        let _ = self
            .io
            .send(pb::ConnectorRequest {
                msg: Some(pb::connector_request::Msg::Stop(pb::Stop {
                    timeout_ms: timeout.as_millis() as u32,
                })),
            })
            .await;
        let _ =
            tokio::time::timeout(timeout, async { while self.io.recv().await.is_ok() {} }).await;
    }

    pub async fn recv(&mut self) -> Result<ConnectorEvent, StreamError> {
        let m = self.io.recv().await?;
        self.liveness.received();
        Ok(match m.msg {
            Some(pb::connector_response::Msg::TaskConfigs(t)) => ConnectorEvent::TaskConfigs(
                t.configs
                    .into_iter()
                    .map(|c| c.config.into_iter().collect())
                    .collect(),
            ),
            Some(pb::connector_response::Msg::Reconfigure(r)) => {
                ConnectorEvent::Reconfigure(r.reason)
            }
            Some(pb::connector_response::Msg::Error(e)) => {
                ConnectorEvent::Error(ConnectorError::from_proto(e))
            }
            Some(pb::connector_response::Msg::OffsetsQuery(q)) => ConnectorEvent::OffsetsQuery {
                request_id: q.request_id,
                partitions: q
                    .partitions
                    .into_iter()
                    .map(wire::partition_from_proto)
                    .collect::<Result<_, _>>()?,
            },
            Some(pb::connector_response::Msg::Started(_))
            | Some(pb::connector_response::Msg::Heartbeat(_))
            | None => ConnectorEvent::Heartbeat,
        })
    }
}

// ------------------------------------------------------------------------------------------
// Source task stream
// ------------------------------------------------------------------------------------------

pub struct SourceStartParams<'a> {
    pub class: &'a str,
    pub connector: &'a str,
    pub task_id: u32,
    pub config: &'a Props,
    pub offsets: Vec<(Value, Value)>,
    /// Exactly once with `transaction.boundary=connector`: the task defines its transactions.
    pub transaction_context: bool,
}

/// What a connector asked for after one of its records (connector-defined boundaries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionAction {
    Commit,
    Abort,
}

pub enum SourceEvent {
    Batch {
        records: Vec<SourceRecord>,
        /// Encoded size, counted against the byte credit.
        bytes: u64,
        trace: TraceContext,
        /// The records after which the connector commits or aborts its transaction, by seq.
        actions: Vec<(u64, TransactionAction)>,
    },
    OffsetsQuery {
        request_id: u64,
        partitions: Vec<Value>,
    },
    Drained {
        last_seq: u64,
    },
    Heartbeat,
    Error(ConnectorError),
}

#[derive(Debug, Clone)]
pub struct RecordAck {
    pub seq: u64,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub filtered: bool,
}

pub struct SourceStream {
    io: Duplex<pb::SourceRequest, pb::SourceResponse>,
    refs: SchemaRefsIn,
    pub liveness: Liveness,
}

impl SourceStream {
    /// Opens the stream and waits for `Started`. `lookup` answers offset queries the task
    /// makes while it starts (a task may read offsets in its `start`).
    pub async fn open(
        session: &Session,
        p: SourceStartParams<'_>,
        liveness: Liveness,
        lookup: impl Fn(&Value) -> Option<Value>,
    ) -> Result<SourceStream, StreamError> {
        let start = pb::SourceRequest {
            msg: Some(pb::source_request::Msg::Start(pb::SourceStart {
                protocol_version: session.negotiated.protocol_version,
                connector_class: p.class.to_string(),
                connector_name: p.connector.to_string(),
                task_id: p.task_id,
                config: super::tls::for_process(p.config),
                offsets: p
                    .offsets
                    .into_iter()
                    .map(|(part, off)| wire::source_offset_to_proto(part, Some(off)))
                    .collect(),
                heartbeat_interval_ms: liveness.heartbeat_interval.as_millis() as u32,
                idle_timeout_ms: liveness.idle_timeout.as_millis() as u32,
                max_message_bytes: session.negotiated.max_message_bytes,
                capabilities: Some(pb::Capabilities {
                    raw_bytes: session.negotiated.raw_bytes,
                    schema_references: session.negotiated.schema_references,
                    trace_context: session.negotiated.trace_context,
                    columnar_puts: session.negotiated.columnar_puts,
                    columnar_source_batches: session.negotiated.columnar_source_batches,
                }),
                trace: None,
                transaction_context: p.transaction_context,
            })),
        };
        let mut client = session.conn.source_client(session.max_message_bytes());
        let io = Duplex::open(start, 64, send_timeout(&liveness), |rx| async move {
            client.run(rx).await
        })
        .await?;
        let mut s = SourceStream {
            io,
            refs: SchemaRefsIn::default(),
            liveness,
        };
        wait_started(
            async {
                loop {
                    let m = s.io.recv().await?;
                    s.liveness.received();
                    match m.msg {
                        Some(pb::source_response::Msg::Started(_)) => return Ok(()),
                        Some(pb::source_response::Msg::Error(e)) => {
                            return Err(StreamError::Connector(ConnectorError::from_proto(e)))
                        }
                        Some(pb::source_response::Msg::Heartbeat(_)) => continue,
                        Some(pb::source_response::Msg::OffsetsQuery(q)) => {
                            let mut offsets = Vec::with_capacity(q.partitions.len());
                            for part in q.partitions {
                                let part = wire::partition_from_proto(part)?;
                                let o = lookup(&part);
                                offsets.push(wire::source_offset_to_proto(part, o));
                            }
                            s.io.send(pb::SourceRequest {
                                msg: Some(pb::source_request::Msg::Offsets(pb::OffsetsAnswer {
                                    request_id: q.request_id,
                                    offsets,
                                })),
                            })
                            .await?;
                        }
                        _ => {
                            return Err(StreamError::Protocol(
                                "expected Started after SourceStart".into(),
                            ))
                        }
                    }
                }
            },
            "the source task",
        )
        .await?;
        Ok(s)
    }

    async fn send(&mut self, msg: pb::source_request::Msg) -> Result<(), StreamError> {
        self.liveness.sent();
        self.io.send(pb::SourceRequest { msg: Some(msg) }).await
    }

    pub async fn credit(&mut self, records: u32, bytes: u64) -> Result<(), StreamError> {
        self.send(pb::source_request::Msg::Credit(pb::Credit {
            records,
            bytes,
        }))
        .await
    }

    pub async fn commit_records(&mut self, acks: Vec<RecordAck>) -> Result<(), StreamError> {
        let acks = acks
            .into_iter()
            .map(|a| pb::RecordAck {
                seq: a.seq,
                topic: a.topic,
                partition: a.partition,
                offset: a.offset,
                filtered: a.filtered,
            })
            .collect();
        self.send(pb::source_request::Msg::CommitRecords(pb::CommitRecords {
            acks,
        }))
        .await
    }

    pub async fn commit(&mut self, up_to_seq: u64) -> Result<(), StreamError> {
        self.send(pb::source_request::Msg::Commit(pb::Commit { up_to_seq }))
            .await
    }

    pub async fn answer_offsets(
        &mut self,
        request_id: u64,
        offsets: Vec<(Value, Option<Value>)>,
    ) -> Result<(), StreamError> {
        let offsets = offsets
            .into_iter()
            .map(|(p, o)| wire::source_offset_to_proto(p, o))
            .collect();
        self.send(pb::source_request::Msg::Offsets(pb::OffsetsAnswer {
            request_id,
            offsets,
        }))
        .await
    }

    pub async fn heartbeat(&mut self) -> Result<(), StreamError> {
        self.send(pb::source_request::Msg::Heartbeat(pb::Heartbeat {}))
            .await
    }

    pub async fn stop(&mut self, timeout: Duration) -> Result<(), StreamError> {
        self.send(pb::source_request::Msg::Stop(pb::Stop {
            timeout_ms: timeout.as_millis() as u32,
        }))
        .await
    }

    /// Ends the core's side of the stream (after the final acks and commit), then waits
    /// for the connector to end its side.
    pub async fn close(self, timeout: Duration) {
        let SourceStream { io, .. } = self;
        let Duplex { tx, mut rx, .. } = io;
        drop(tx);
        let _ = tokio::time::timeout(timeout, async {
            while let Ok(Some(_)) = rx.message().await {}
        })
        .await;
    }

    pub async fn recv(&mut self) -> Result<SourceEvent, StreamError> {
        let m = self.io.recv().await?;
        self.liveness.received();
        Ok(match m.msg {
            Some(pb::source_response::Msg::Batch(b)) if b.columns.is_some() => {
                if !b.records.is_empty() {
                    return Err(StreamError::Protocol(
                        "malformed batch: both records and columns".into(),
                    ));
                }
                let columns = b.columns.unwrap_or_default();
                let bytes = columns.encoded_len() as u64;
                let first = columns.first_seq;
                let records =
                    wire::source_records_from_columns(columns, &mut self.refs).map_err(|e| {
                        StreamError::Protocol(format!(
                            "malformed columnar batch from seq {first}: {}",
                            e.0
                        ))
                    })?;
                SourceEvent::Batch {
                    records,
                    bytes,
                    trace: wire::trace_from_proto(b.trace),
                    actions: Vec::new(),
                }
            }
            Some(pb::source_response::Msg::Batch(b)) => {
                let bytes: u64 = b.records.iter().map(|r| r.encoded_len() as u64).sum();
                let trace = wire::trace_from_proto(b.trace);
                let mut records = Vec::with_capacity(b.records.len());
                let mut actions = Vec::new();
                for r in b.records {
                    let seq = r.seq;
                    match pb::TransactionAction::try_from(r.transaction) {
                        Ok(pb::TransactionAction::CommitTransaction) => {
                            actions.push((seq, TransactionAction::Commit))
                        }
                        Ok(pb::TransactionAction::AbortTransaction) => {
                            actions.push((seq, TransactionAction::Abort))
                        }
                        _ => {}
                    }
                    records.push(wire::source_record_from_proto(r, &mut self.refs).map_err(
                        |e| {
                            StreamError::Protocol(format!(
                                "malformed batch: record seq {seq}: {}",
                                e.0
                            ))
                        },
                    )?);
                }
                SourceEvent::Batch {
                    records,
                    bytes,
                    trace,
                    actions,
                }
            }
            Some(pb::source_response::Msg::OffsetsQuery(q)) => SourceEvent::OffsetsQuery {
                request_id: q.request_id,
                partitions: q
                    .partitions
                    .into_iter()
                    .map(wire::partition_from_proto)
                    .collect::<Result<_, _>>()?,
            },
            Some(pb::source_response::Msg::Drained(d)) => SourceEvent::Drained {
                last_seq: d.last_seq,
            },
            Some(pb::source_response::Msg::Error(e)) => {
                SourceEvent::Error(ConnectorError::from_proto(e))
            }
            Some(pb::source_response::Msg::Heartbeat(_))
            | Some(pb::source_response::Msg::Started(_))
            | None => SourceEvent::Heartbeat,
        })
    }
}

// ------------------------------------------------------------------------------------------
// Sink task stream
// ------------------------------------------------------------------------------------------

pub type TopicPartition = (String, i32);

pub enum SinkEvent {
    PutDone {
        put_id: u64,
    },
    /// `error` set: a failed flush (commit nothing, rewind).
    Flushed {
        flush_id: u64,
        offsets: BTreeMap<TopicPartition, i64>,
        error: Option<ConnectorError>,
    },
    /// Kafka Connect's SinkTaskContext: rewind, pause/resume partitions, request a commit.
    Context(SinkContextRequest),
    Errant {
        topic: String,
        partition: i32,
        offset: i64,
        error: ConnectorError,
    },
    Heartbeat,
    Error {
        error: ConnectorError,
        put_id: u64,
    },
}

#[derive(Debug, Default, Clone)]
pub struct SinkContextRequest {
    pub offsets: BTreeMap<TopicPartition, i64>,
    pub pause: Vec<TopicPartition>,
    pub resume: Vec<TopicPartition>,
    pub request_commit: bool,
}

/// A Put as it was sent, shared with the stream's send queue rather than copied.
#[derive(Clone)]
pub struct SentPut(Arc<pb::SinkRequest>);

/// The Put to send again for `sent`, when it differs: its schema definitions become
/// references and its trace context goes. `None`: the same message does.
fn redelivery(sent: &pb::SinkRequest) -> Option<pb::SinkRequest> {
    let Some(pb::sink_request::Msg::Put(put)) = &sent.msg else {
        return None;
    };
    let mut defines = put.trace.is_some();
    for_each_schema(put, |s| defines |= s.id != 0);
    if !defines {
        return None;
    }
    let mut again = put.clone();
    again.trace = None;
    for_each_schema_mut(&mut again, |s| {
        if s.id != 0 {
            *s = pb::Schema {
                r#ref: s.id,
                ..Default::default()
            };
        }
    });
    Some(pb::SinkRequest {
        msg: Some(pb::sink_request::Msg::Put(again)),
    })
}

/// The outermost schemas of a Put: its columns', its records' keys', values' and headers'
/// (a nested schema is defined within its outermost one).
fn for_each_schema(put: &pb::Put, mut f: impl FnMut(&pb::Schema)) {
    if let Some(c) = &put.columns {
        for col in [&c.keys, &c.values].into_iter().flatten() {
            col.schema.iter().for_each(&mut f);
        }
    }
    for r in &put.records {
        for d in [&r.key, &r.value].into_iter().flatten() {
            if let Some(pb::record_data::Kind::Structured(st)) = &d.kind {
                st.schema.iter().for_each(&mut f);
            }
        }
        for h in &r.headers {
            h.schema.iter().for_each(&mut f);
        }
    }
}

fn for_each_schema_mut(put: &mut pb::Put, mut f: impl FnMut(&mut pb::Schema)) {
    if let Some(c) = &mut put.columns {
        for col in [&mut c.keys, &mut c.values].into_iter().flatten() {
            col.schema.iter_mut().for_each(&mut f);
        }
    }
    for r in &mut put.records {
        for d in [&mut r.key, &mut r.value].into_iter().flatten() {
            if let Some(pb::record_data::Kind::Structured(st)) = &mut d.kind {
                st.schema.iter_mut().for_each(&mut f);
            }
        }
        for h in &mut r.headers {
            h.schema.iter_mut().for_each(&mut f);
        }
    }
}

/// The sink stream's codec: requests are encoded from a shared message, so a Put kept
/// for redelivery is never copied; responses are decoded as prost decodes them.
struct SinkCodec;

struct SharedEncoder;

impl tonic::codec::Encoder for SharedEncoder {
    type Item = Arc<pb::SinkRequest>;
    type Error = tonic::Status;

    fn encode(
        &mut self,
        item: Self::Item,
        buf: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), Self::Error> {
        item.encode(buf)
            .map_err(|e| tonic::Status::internal(format!("encoding a sink request: {e}")))
    }
}

impl tonic::codec::Codec for SinkCodec {
    type Encode = Arc<pb::SinkRequest>;
    type Decode = pb::SinkResponse;
    type Encoder = SharedEncoder;
    type Decoder = tonic_prost::ProstDecoder<pb::SinkResponse>;

    fn encoder(&mut self) -> Self::Encoder {
        SharedEncoder
    }

    fn decoder(&mut self) -> Self::Decoder {
        tonic_prost::ProstCodec::<pb::SinkRequest, pb::SinkResponse>::raw_decoder(Default::default())
    }
}

pub struct SinkStream {
    io: Duplex<Arc<pb::SinkRequest>, pb::SinkResponse>,
    refs: SchemaRefsOut,
    /// Puts that fit go in columns (capability "columnar_puts").
    columnar: bool,
    pub liveness: Liveness,
    pub max_inflight_puts: usize,
}

fn tps(parts: &[TopicPartition]) -> pb::Partitions {
    pb::Partitions {
        partitions: parts
            .iter()
            .map(|(t, p)| pb::TopicPartition {
                topic: t.clone(),
                partition: *p,
            })
            .collect(),
    }
}

impl SinkStream {
    pub async fn open(
        session: &Session,
        class: &str,
        connector: &str,
        task_id: u32,
        config: &Props,
        liveness: Liveness,
    ) -> Result<SinkStream, StreamError> {
        let start = pb::SinkRequest {
            msg: Some(pb::sink_request::Msg::Start(pb::SinkStart {
                protocol_version: session.negotiated.protocol_version,
                connector_class: class.to_string(),
                connector_name: connector.to_string(),
                task_id,
                config: super::tls::for_process(config),
                heartbeat_interval_ms: liveness.heartbeat_interval.as_millis() as u32,
                idle_timeout_ms: liveness.idle_timeout.as_millis() as u32,
                max_message_bytes: session.negotiated.max_message_bytes,
                capabilities: Some(pb::Capabilities {
                    raw_bytes: session.negotiated.raw_bytes,
                    schema_references: session.negotiated.schema_references,
                    trace_context: session.negotiated.trace_context,
                    columnar_puts: session.negotiated.columnar_puts,
                    columnar_source_batches: session.negotiated.columnar_source_batches,
                }),
                trace: None,
            })),
        };
        let mut grpc = session.conn.sink_grpc(session.max_message_bytes());
        let mut io = Duplex::open(
            Arc::new(start),
            16,
            send_timeout(&liveness),
            |rx| async move {
                grpc.ready()
                    .await
                    .map_err(|e| tonic::Status::unknown(format!("Service was not ready: {e}")))?;
                let mut req = tonic::IntoStreamingRequest::into_streaming_request(rx);
                req.extensions_mut()
                    .insert(tonic::GrpcMethod::new("polyconnect.v1.SinkTask", "Run"));
                let path = tonic::codegen::http::uri::PathAndQuery::from_static(
                    "/polyconnect.v1.SinkTask/Run",
                );
                grpc.streaming(req, path, SinkCodec).await
            },
        )
        .await?;
        let mut liveness = liveness;
        let max_inflight = wait_started(
            async {
                loop {
                    let m = io.recv().await?;
                    liveness.received();
                    match m.msg {
                        Some(pb::sink_response::Msg::Started(s)) => {
                            return Ok(s.max_inflight_puts.max(1) as usize)
                        }
                        Some(pb::sink_response::Msg::Error(e)) => {
                            return Err(StreamError::Connector(ConnectorError::from_proto(
                                e.error.unwrap_or_default(),
                            )))
                        }
                        Some(pb::sink_response::Msg::Heartbeat(_)) => continue,
                        _ => {
                            return Err(StreamError::Protocol(
                                "expected Started after SinkStart".into(),
                            ))
                        }
                    }
                }
            },
            "the sink task",
        )
        .await?;
        Ok(SinkStream {
            io,
            refs: SchemaRefsOut::new(session.negotiated.schema_references),
            columnar: session.negotiated.columnar_puts,
            liveness,
            max_inflight_puts: max_inflight,
        })
    }

    async fn send(&mut self, msg: pb::sink_request::Msg) -> Result<(), StreamError> {
        self.liveness.sent();
        self.io
            .send(Arc::new(pb::SinkRequest { msg: Some(msg) }))
            .await
    }

    pub async fn open_partitions(&mut self, parts: &[TopicPartition]) -> Result<(), StreamError> {
        self.send(pb::sink_request::Msg::Open(tps(parts))).await
    }

    pub async fn close_partitions(&mut self, parts: &[TopicPartition]) -> Result<(), StreamError> {
        self.send(pb::sink_request::Msg::Close(tps(parts))).await
    }

    /// A Put carrying the context of the core's put span. The records move into the
    /// message; what comes back is the message as sent, kept for a redelivery.
    pub async fn put_traced(
        &mut self,
        put_id: u64,
        records: Vec<SinkRecord>,
        trace: Option<TraceContext>,
    ) -> Result<SentPut, StreamError> {
        let (records, columns) = wire::sink_put_to_proto(records, self.columnar, &mut self.refs);
        let msg = Arc::new(pb::SinkRequest {
            msg: Some(pb::sink_request::Msg::Put(pb::Put {
                put_id,
                records,
                trace: trace.as_ref().and_then(wire::trace_to_proto),
                columns,
            })),
        });
        self.liveness.sent();
        self.io.send(msg.clone()).await?;
        Ok(SentPut(msg))
    }

    /// A Put delivered again (the connector asked for it, RETRIABLE): the same message,
    /// except that schemas it defined are referred to (ids are never redefined on a
    /// stream) and it carries no trace context of its own.
    pub async fn put_again(&mut self, put: &SentPut) -> Result<(), StreamError> {
        let msg = match redelivery(&put.0) {
            Some(changed) => Arc::new(changed),
            None => put.0.clone(),
        };
        self.liveness.sent();
        self.io.send(msg).await
    }

    /// A Flush; `trace` is the context of the core's flush span.
    pub async fn flush(
        &mut self,
        flush_id: u64,
        offsets: &BTreeMap<TopicPartition, i64>,
        trace: Option<TraceContext>,
    ) -> Result<(), StreamError> {
        let offsets = offsets
            .iter()
            .map(|((t, p), o)| pb::TopicPartitionOffset {
                topic: t.clone(),
                partition: *p,
                offset: *o,
            })
            .collect();
        self.send(pb::sink_request::Msg::Flush(pb::Flush {
            flush_id,
            offsets,
            trace: trace.as_ref().and_then(wire::trace_to_proto),
        }))
        .await
    }

    pub async fn heartbeat(&mut self) -> Result<(), StreamError> {
        self.send(pb::sink_request::Msg::Heartbeat(pb::Heartbeat {}))
            .await
    }

    /// Stop, then wait for the connector to end its side.
    pub async fn stop(mut self, timeout: Duration) {
        let _ = self
            .send(pb::sink_request::Msg::Stop(pb::Stop {
                timeout_ms: timeout.as_millis() as u32,
            }))
            .await;
        let Duplex { tx, mut rx, .. } = self.io;
        let _ = tokio::time::timeout(timeout, async {
            while let Ok(Some(_)) = rx.message().await {}
        })
        .await;
        drop(tx);
    }

    pub async fn recv(&mut self) -> Result<SinkEvent, StreamError> {
        let m = self.io.recv().await?;
        self.liveness.received();
        Ok(match m.msg {
            Some(pb::sink_response::Msg::PutDone(p)) => SinkEvent::PutDone { put_id: p.put_id },
            Some(pb::sink_response::Msg::Flushed(f)) => SinkEvent::Flushed {
                flush_id: f.flush_id,
                offsets: f
                    .offsets
                    .into_iter()
                    .map(|o| ((o.topic, o.partition), o.offset))
                    .collect(),
                error: f.error.map(ConnectorError::from_proto),
            },
            Some(pb::sink_response::Msg::Context(c)) => SinkEvent::Context(SinkContextRequest {
                offsets: c
                    .offsets
                    .into_iter()
                    .map(|o| ((o.topic, o.partition), o.offset))
                    .collect(),
                pause: c
                    .pause
                    .into_iter()
                    .map(|p| (p.topic, p.partition))
                    .collect(),
                resume: c
                    .resume
                    .into_iter()
                    .map(|p| (p.topic, p.partition))
                    .collect(),
                request_commit: c.request_commit,
            }),
            Some(pb::sink_response::Msg::Errant(e)) => SinkEvent::Errant {
                topic: e.topic,
                partition: e.kafka_partition,
                offset: e.kafka_offset,
                error: ConnectorError::from_proto(e.error.unwrap_or_default()),
            },
            Some(pb::sink_response::Msg::Error(e)) => SinkEvent::Error {
                error: ConnectorError::from_proto(e.error.unwrap_or_default()),
                put_id: e.put_id,
            },
            Some(pb::sink_response::Msg::Heartbeat(_))
            | Some(pb::sink_response::Msg::Started(_))
            | None => SinkEvent::Heartbeat,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Transforms and predicates out of process (the `Transform` service).
// ---------------------------------------------------------------------------------------

/// What an out-of-process stage is: a transformation or a predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransformKind {
    Transformation,
    Predicate,
}

/// What an out-of-process transform or predicate did with one record.
#[derive(Debug, Clone, PartialEq)]
pub enum TransformOutcome {
    Record(crate::transforms::ConnectRecord),
    Dropped,
    Matches(bool),
    /// The record failed (an `Error` of kind RECORD).
    Failed(ConnectorError),
}

/// A record sent to an out-of-process stage, with what the core keeps of it.
pub struct TransformInput<'a> {
    pub record: &'a crate::transforms::ConnectRecord,
    pub timestamp_type: crate::record::TimestampType,
    pub trace: &'a TraceContext,
}

/// How long the core waits for a transform's answer (heartbeats count as answers).
const TRANSFORM_SILENCE: Duration = Duration::from_secs(60);

/// One `Transform.Run` stream: one configured instance of a transform or predicate for
/// one task's chain stage.
pub struct TransformStream {
    io: Duplex<pb::TransformRequest, pb::TransformResponse>,
    refs_out: SchemaRefsOut,
    refs_in: SchemaRefsIn,
    next_batch: u64,
    pub kind: TransformKind,
}

impl TransformStream {
    /// Opens the stream and configures the instance (`TransformStart` → `TransformStarted`).
    #[allow(clippy::too_many_arguments)]
    pub async fn open(
        session: &Session,
        class: &str,
        alias: &str,
        connector: &str,
        task_id: u32,
        config: &BTreeMap<String, String>,
        sink: bool,
    ) -> Result<TransformStream, StreamError> {
        let start = pb::TransformRequest {
            msg: Some(pb::transform_request::Msg::Start(pb::TransformStart {
                protocol_version: session.negotiated.protocol_version,
                class_name: class.to_string(),
                config: config.clone().into_iter().collect(),
                alias: alias.to_string(),
                connector_name: connector.to_string(),
                task_id: task_id as i32,
                heartbeat_interval_ms: 0,
                idle_timeout_ms: 0,
                pipeline: if sink {
                    pb::PluginType::Sink
                } else {
                    pb::PluginType::Source
                } as i32,
            })),
        };
        let mut client = session.conn.transform_client(session.max_message_bytes());
        let mut io = Duplex::open(start, 16, TRANSFORM_SILENCE, |rx| async move {
            client.run(rx).await
        })
        .await?;
        let started = io.wait_batch_started("Transform").await?;
        let kind = match pb::PluginType::try_from(started.r#type) {
            Ok(pb::PluginType::Predicate) => TransformKind::Predicate,
            _ => TransformKind::Transformation,
        };
        Ok(TransformStream {
            io,
            refs_out: SchemaRefsOut::new(session.negotiated.schema_references),
            refs_in: SchemaRefsIn::default(),
            next_batch: 1,
            kind,
        })
    }

    /// One batch: an outcome per record, in order. `Err` is a failure of the stage as a
    /// whole (the stream broke, or the process sent an error for the batch).
    pub async fn call(
        &mut self,
        records: &[TransformInput<'_>],
        trace: Option<&TraceContext>,
    ) -> Result<Vec<TransformOutcome>, StreamError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let batch_id = self.next_batch;
        self.next_batch += 1;
        let batch = pb::TransformBatch {
            batch_id,
            records: records
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    wire::transform_record_to_proto(
                        r.record,
                        i as u32,
                        r.timestamp_type,
                        r.trace,
                        &mut self.refs_out,
                    )
                })
                .collect(),
            trace: trace.and_then(wire::trace_to_proto),
        };
        let result = self
            .io
            .round_trip(
                pb::TransformRequest {
                    msg: Some(pb::transform_request::Msg::Batch(batch)),
                },
                batch_id,
            )
            .await?;
        let refs_in = &mut self.refs_in;
        place_outcomes(
            records.len(),
            result.outcomes,
            |o| o.index,
            "transform",
            |i, o| {
                use pb::transform_outcome::Outcome;
                Ok(match o.outcome {
                    Some(Outcome::Record(r)) => {
                        TransformOutcome::Record(wire::transform_record_from_proto(
                            r,
                            records[i].record.kafka_offset,
                            refs_in,
                        )?)
                    }
                    Some(Outcome::Dropped(_)) => TransformOutcome::Dropped,
                    Some(Outcome::Matches(b)) => TransformOutcome::Matches(b),
                    Some(Outcome::Error(e)) => {
                        TransformOutcome::Failed(ConnectorError::from_proto(e))
                    }
                    None => {
                        return Err(StreamError::Protocol(format!(
                            "the transform's outcome for record {i} is empty"
                        )))
                    }
                })
            },
        )
    }

    /// Stops the instance (`Stop`, then the process closes it and ends the stream).
    pub async fn stop(&mut self) {
        self.io.stop_batch_stream().await
    }
}

// ---------------------------------------------------------------------------------------
// Converters out of process (the `Converter` service).
// ---------------------------------------------------------------------------------------

/// What an out-of-process converter made of one record: bytes (from Kafka Connect data),
/// Kafka Connect data (from bytes), or the record's error (an `Error` of kind RECORD).
#[derive(Debug, Clone, PartialEq)]
pub enum ConverterOutcome {
    Serialized(Option<bytes::Bytes>),
    Data(crate::data::SchemaAndValue),
    Failed(ConnectorError),
}

/// A consumed record's key or value for `toConnectData`, with its topic and Kafka headers
/// (or one header's value for `toConnectHeader`, with its key).
pub struct ConverterInput {
    pub topic: String,
    pub bytes: Option<bytes::Bytes>,
    pub headers: Vec<(String, Option<bytes::Bytes>)>,
    pub header_key: String,
}

/// A record's key or value for `fromConnectData` (or one header's for `fromConnectHeader`,
/// with its key).
pub struct ConverterData {
    pub topic: String,
    pub data: crate::data::SchemaAndValue,
    pub header_key: String,
}

/// How long the core waits for a converter's answer (heartbeats count as answers).
const CONVERTER_SILENCE: Duration = Duration::from_secs(60);

/// One `Converter.Run` stream: one configured converter instance (a task's key or value
/// converter).
pub struct ConverterStream {
    io: Duplex<pb::ConverterRequest, pb::ConverterResponse>,
    refs_out: SchemaRefsOut,
    refs_in: SchemaRefsIn,
    next_batch: u64,
}

impl ConverterStream {
    /// Opens the stream and configures the instance (`ConverterStart` → `ConverterStarted`).
    pub async fn open(
        session: &Session,
        class: &str,
        connector: &str,
        task_id: u32,
        config: &BTreeMap<String, String>,
        is_key: bool,
        header_converter: bool,
    ) -> Result<ConverterStream, StreamError> {
        let start = pb::ConverterRequest {
            msg: Some(pb::converter_request::Msg::Start(pb::ConverterStart {
                protocol_version: session.negotiated.protocol_version,
                class_name: class.to_string(),
                config: config.clone().into_iter().collect(),
                is_key,
                connector_name: connector.to_string(),
                task_id: task_id as i32,
                heartbeat_interval_ms: 0,
                idle_timeout_ms: 0,
                header_converter,
            })),
        };
        let mut client = session.conn.converter_client(session.max_message_bytes());
        let mut io = Duplex::open(start, 16, CONVERTER_SILENCE, |rx| async move {
            client.run(rx).await
        })
        .await?;
        io.wait_batch_started("Converter").await?;
        Ok(ConverterStream {
            io,
            refs_out: SchemaRefsOut::new(session.negotiated.schema_references),
            refs_in: SchemaRefsIn::default(),
            next_batch: 1,
        })
    }

    /// Kafka Connect data to bytes (`fromConnectData`), one outcome per record in order.
    pub async fn from_connect(
        &mut self,
        records: Vec<ConverterData>,
        trace: Option<&TraceContext>,
    ) -> Result<Vec<ConverterOutcome>, StreamError> {
        let n = records.len();
        let recs = records
            .into_iter()
            .enumerate()
            .map(|(i, r)| pb::ConverterRecord {
                index: i as u32,
                topic: r.topic,
                headers: Vec::new(),
                data: Some(wire::structured_to_proto(r.data, &mut self.refs_out)),
                serialized: None,
                header_key: r.header_key,
            })
            .collect();
        self.call(pb::ConversionDirection::FromConnectData, recs, n, trace)
            .await
    }

    /// Bytes to Kafka Connect data (`toConnectData`) with the records' Kafka headers, one
    /// outcome per record in order.
    pub async fn to_connect(
        &mut self,
        records: Vec<ConverterInput>,
        trace: Option<&TraceContext>,
    ) -> Result<Vec<ConverterOutcome>, StreamError> {
        let n = records.len();
        let recs = records
            .into_iter()
            .enumerate()
            .map(|(i, r)| pb::ConverterRecord {
                index: i as u32,
                topic: r.topic,
                headers: r
                    .headers
                    .into_iter()
                    .map(|(key, value)| pb::KafkaHeader { key, value })
                    .collect(),
                data: None,
                serialized: r.bytes,
                header_key: r.header_key,
            })
            .collect();
        self.call(pb::ConversionDirection::ToConnectData, recs, n, trace)
            .await
    }

    async fn call(
        &mut self,
        direction: pb::ConversionDirection,
        records: Vec<pb::ConverterRecord>,
        n: usize,
        trace: Option<&TraceContext>,
    ) -> Result<Vec<ConverterOutcome>, StreamError> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let batch_id = self.next_batch;
        self.next_batch += 1;
        let result = self
            .io
            .round_trip(
                pb::ConverterRequest {
                    msg: Some(pb::converter_request::Msg::Batch(pb::ConverterBatch {
                        batch_id,
                        direction: direction as i32,
                        records,
                        trace: trace.and_then(wire::trace_to_proto),
                    })),
                },
                batch_id,
            )
            .await?;
        let refs_in = &mut self.refs_in;
        place_outcomes(
            n,
            result.outcomes,
            |o| o.index,
            "converter",
            |_, o| {
                Ok(if let Some(e) = o.error {
                    ConverterOutcome::Failed(ConnectorError::from_proto(e))
                } else if direction == pb::ConversionDirection::FromConnectData {
                    ConverterOutcome::Serialized(o.serialized)
                } else {
                    ConverterOutcome::Data(wire::structured_from_proto(o.data, refs_in)?)
                })
            },
        )
    }

    /// Stops the instance (`Stop`, then the process closes it and ends the stream).
    pub async fn stop(&mut self) {
        self.io.stop_batch_stream().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Schema, SchemaAndValue};
    use crate::record::{RecordData, TimestampType};

    fn records(schema: &Arc<Schema>, n: i64, header: bool) -> Vec<SinkRecord> {
        (0..n)
            .map(|i| SinkRecord {
                topic: "t".into(),
                kafka_partition: 0,
                kafka_offset: i,
                key: RecordData::Structured(SchemaAndValue::new(None, Value::Null)),
                value: RecordData::Structured(SchemaAndValue::new(
                    Some(schema.clone()),
                    Value::String(format!("v{i}")),
                )),
                timestamp: Some(i),
                timestamp_type: TimestampType::CreateTime,
                headers: if header {
                    vec![crate::data::Header {
                        key: "h".into(),
                        schema: Some(schema.clone()),
                        value: Value::String("x".into()),
                    }]
                } else {
                    Vec::new()
                },
                original_topic: "t".into(),
                original_kafka_partition: 0,
                trace: TraceContext::default(),
            })
            .collect()
    }

    fn put(records: Vec<SinkRecord>, refs: &mut SchemaRefsOut, traced: bool) -> pb::SinkRequest {
        let (records, columns) = wire::sink_put_to_proto(records, true, refs);
        pb::SinkRequest {
            msg: Some(pb::sink_request::Msg::Put(pb::Put {
                put_id: 1,
                records,
                trace: traced.then(|| pb::TraceContext {
                    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
                    tracestate: String::new(),
                }),
                columns,
            })),
        }
    }

    fn schemas(req: &pb::SinkRequest) -> Vec<pb::Schema> {
        let Some(pb::sink_request::Msg::Put(p)) = &req.msg else {
            panic!("not a put")
        };
        let mut out = Vec::new();
        for_each_schema(p, |s| out.push(s.clone()));
        out
    }

    #[test]
    fn a_redelivered_put_refers_to_the_schemas_it_defined() {
        let schema = Arc::new(Schema::new(crate::data::SchemaType::String).optional());
        let mut refs = SchemaRefsOut::new(true);
        // Columns: the value column defines the schema.
        let first = put(records(&schema, 20, false), &mut refs, false);
        let defined = schemas(&first);
        assert_eq!(defined.len(), 1);
        assert_ne!(defined[0].id, 0);
        let again = redelivery(&first).expect("a definition is not sent twice");
        let referred = schemas(&again);
        assert_eq!(referred.len(), 1);
        assert_eq!(referred[0].r#ref, defined[0].id);
        assert_eq!(referred[0].id, 0);
        assert_eq!(referred[0].r#type, 0, "a reference has no other field");
        // Apart from the schema, the same Put.
        let (Some(pb::sink_request::Msg::Put(a)), Some(pb::sink_request::Msg::Put(b))) =
            (&first.msg, &again.msg)
        else {
            panic!("not puts")
        };
        assert_eq!(a.put_id, b.put_id);
        let (ca, cb) = (a.columns.as_ref().unwrap(), b.columns.as_ref().unwrap());
        assert_eq!(
            ca.values.as_ref().unwrap().strings,
            cb.values.as_ref().unwrap().strings
        );
        assert_eq!(ca.offsets, cb.offsets);

        // A later Put only refers: it goes again as it is.
        let second = put(records(&schema, 20, false), &mut refs, false);
        assert!(schemas(&second).iter().all(|s| s.id == 0 && s.r#ref != 0));
        assert!(redelivery(&second).is_none());
    }

    #[test]
    fn rows_and_headers_are_referred_to_and_the_trace_goes() {
        let schema = Arc::new(Schema::new(crate::data::SchemaType::String).optional());
        let mut refs = SchemaRefsOut::new(true);
        // Headers keep the records in rows; the first value defines the schema.
        let first = put(records(&schema, 3, true), &mut refs, true);
        assert!(schemas(&first).iter().any(|s| s.id != 0));
        let again = redelivery(&first).unwrap();
        assert!(schemas(&again).iter().all(|s| s.id == 0 && s.r#ref != 0));
        let Some(pb::sink_request::Msg::Put(p)) = &again.msg else {
            panic!("not a put")
        };
        assert!(p.trace.is_none());
        assert_eq!(p.records.len(), 3);
        assert_eq!(p.records[2].headers.len(), 1);

        // Only a trace context: it goes, nothing else changes.
        let traced = put(records(&schema, 3, true), &mut refs, true);
        let again = redelivery(&traced).unwrap();
        let (Some(pb::sink_request::Msg::Put(a)), Some(pb::sink_request::Msg::Put(b))) =
            (&traced.msg, &again.msg)
        else {
            panic!("not puts")
        };
        assert!(b.trace.is_none());
        assert_eq!(a.records, b.records);
    }
}
