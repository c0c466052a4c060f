//! A connector process written directly against the protocol, for tests and benchmarks.
//!
//! It serves the source plugin `TestSource` and behaves according to its connector config:
//! - `mode=raw` (default): sends `records` raw-bytes records (0 = no end) of
//!   `record.bytes` bytes to `topic`, `batch.size` per batch, as fast as its credit allows;
//!   its offset is `{"n": <records sent>}` for partition `{"source": "raw"}`, so it resumes.
//! - `mode=overdraw`: sends more records than it was granted.
//! - `mode=malformed`: sends a struct value that does not match its schema.
//! - `mode=structured`: sends struct values `{id: int32, name: string}` (id = the record
//!   number, name = `user-<id>`) with a timestamp of `id` seconds; every `skip.every`-th
//!   record carries the header `skip: yes` (for predicates).
//! - `mode=string`: as `raw`, each value a STRING (schema `string`) of the same text, for
//!   transforms that work on strings.
//! - `mode=fatal`: reports a FATAL error from the task.
//! - `mode=malformed-columns`: a columnar batch whose value column is one entry short.
//!
//! Also: `record.error.every=N` (every Nth record is a RECORD error instead),
//! `big.every=N` / `big.bytes=B` (every Nth raw value is B bytes long), `kafka.partition=P`
//! (every record names Kafka partition P), `batch.interval.ms=T` (a pause after each batch).
//!
//! It also serves the sink plugin `TestSink`: it answers every Put with PutDone and every
//! Flush with the offsets it was given; with `sink.mode=wrong-flush-id` its `Flushed`
//! names another flush id (the core must ignore it and commit nothing).
//!
//! With `reconfigure.after.ms=N` the connector gives one task config at first and, N ms
//! after it started, asks the core to reconfigure; from then on it gives `tasks.max`.
//!
//! When the core takes columnar source batches, `raw` and `string` records (without
//! `record.error.every`) go as columns (`SourceColumns`); `columns=false` keeps rows.
//!
//! The handshake answers protocol version `TEST_CONNECTOR_PROTOCOL_VERSION` when set (to
//! test the core's refusal of an unsupported version), and announces `columnar_puts` when
//! `TEST_CONNECTOR_COLUMNAR_PUTS=1` (though `TestSink` never reads a Put's records: the
//! conformance kit must notice).
//!
//! Listens on `POLYCONNECT_LISTEN` (`unix:/path` or `host:port`), or the first argument.

use std::collections::HashMap;
use std::pin::Pin;

use bytes::Bytes;
use futures::Stream;
use pb::connector_server::{Connector, ConnectorServer};
use pb::sink_task_server::{SinkTask, SinkTaskServer};
use pb::source_task_server::{SourceTask, SourceTaskServer};
use polyconnect_proto::v1 as pb;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

struct Svc;

fn plugin() -> pb::PluginInfo {
    pb::PluginInfo {
        class_name: "TestSource".into(),
        aliases: vec!["io.polyconnect.test.TestSourceConnector".into()],
        r#type: pb::PluginType::Source as i32,
        version: "0.1.0".into(),
    }
}

fn sink_plugin() -> pb::PluginInfo {
    pb::PluginInfo {
        class_name: "TestSink".into(),
        aliases: vec!["io.polyconnect.test.TestSinkConnector".into()],
        r#type: pb::PluginType::Sink as i32,
        version: "0.1.0".into(),
    }
}

#[tonic::async_trait]
impl Connector for Svc {
    async fn handshake(
        &self,
        req: Request<pb::HandshakeRequest>,
    ) -> Result<Response<pb::HandshakeResponse>, Status> {
        let req = req.into_inner();
        let version = std::env::var("TEST_CONNECTOR_PROTOCOL_VERSION")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        Ok(Response::new(pb::HandshakeResponse {
            protocol_version: version,
            sdk_language: "rust-test".into(),
            sdk_version: "0.1.0".into(),
            max_message_bytes: req.max_message_bytes,
            capabilities: Some(pb::Capabilities {
                raw_bytes: true,
                schema_references: true,
                trace_context: false,
                columnar_puts: std::env::var("TEST_CONNECTOR_COLUMNAR_PUTS").as_deref() == Ok("1"),
                columnar_source_batches: true,
            }),
            plugins: vec![plugin(), sink_plugin()],
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
        let class = req.into_inner().connector_class;
        let sink = sink_plugin();
        let info = if class == sink.class_name || sink.aliases.contains(&class) {
            sink
        } else {
            plugin()
        };
        Ok(Response::new(pb::SpecResponse {
            plugin: Some(info),
            config: vec![],
        }))
    }

    async fn validate(
        &self,
        _: Request<pb::ValidateRequest>,
    ) -> Result<Response<pb::ValidateResponse>, Status> {
        Ok(Response::new(pb::ValidateResponse {
            values: vec![],
            ..Default::default()
        }))
    }

    /// Kafka Connect's default: only the framework's offsets change.
    async fn alter_offsets(
        &self,
        _: Request<pb::AlterOffsetsRequest>,
    ) -> Result<Response<pb::AlterOffsetsResponse>, Status> {
        Ok(Response::new(pb::AlterOffsetsResponse::default()))
    }

    type RunStream = BoxStream<pb::ConnectorResponse>;

    async fn run(
        &self,
        req: Request<Streaming<pb::ConnectorRequest>>,
    ) -> Result<Response<Self::RunStream>, Status> {
        let mut input = req.into_inner();
        let (tx, rx) = mpsc::channel(16);
        heartbeats(tx.clone(), || pb::ConnectorResponse {
            msg: Some(pb::connector_response::Msg::Heartbeat(pb::Heartbeat {})),
        });
        tokio::spawn(async move {
            let mut config = HashMap::new();
            let reconfigured = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            while let Ok(Some(m)) = input.message().await {
                let reply = match m.msg {
                    Some(pb::connector_request::Msg::Start(s)) => {
                        config = s.config;
                        if let Some(ms) = config
                            .get("reconfigure.after.ms")
                            .and_then(|v| v.parse().ok())
                        {
                            let (tx, reconfigured) = (tx.clone(), reconfigured.clone());
                            tokio::spawn(async move {
                                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                                reconfigured.store(true, std::sync::atomic::Ordering::SeqCst);
                                let m = pb::connector_response::Msg::Reconfigure(
                                    pb::ReconfigureRequest {
                                        reason: "more tasks".into(),
                                    },
                                );
                                let _ = tx.send(Ok(pb::ConnectorResponse { msg: Some(m) })).await;
                            });
                        }
                        pb::connector_response::Msg::Started(pb::Started {})
                    }
                    Some(pb::connector_request::Msg::TaskConfigs(t)) => {
                        let tasks = if reconfigured.load(std::sync::atomic::Ordering::SeqCst) {
                            t.max_tasks.max(1) as usize
                        } else {
                            1
                        };
                        let configs = (0..tasks)
                            .map(|i| {
                                let mut c = config.clone();
                                c.insert("task.index".into(), i.to_string());
                                pb::TaskConfig { config: c }
                            })
                            .collect();
                        pb::connector_response::Msg::TaskConfigs(pb::TaskConfigs { configs })
                    }
                    Some(pb::connector_request::Msg::Stop(_)) => break,
                    _ => pb::connector_response::Msg::Heartbeat(pb::Heartbeat {}),
                };
                if tx
                    .send(Ok(pb::ConnectorResponse { msg: Some(reply) }))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[tonic::async_trait]
impl SinkTask for Svc {
    type RunStream = BoxStream<pb::SinkResponse>;

    async fn run(
        &self,
        req: Request<Streaming<pb::SinkRequest>>,
    ) -> Result<Response<Self::RunStream>, Status> {
        let mut input = req.into_inner();
        let (tx, rx) = mpsc::channel(64);
        heartbeats(tx.clone(), || pb::SinkResponse {
            msg: Some(pb::sink_response::Msg::Heartbeat(pb::Heartbeat {})),
        });
        tokio::spawn(async move {
            let Ok(Some(pb::SinkRequest {
                msg: Some(pb::sink_request::Msg::Start(start)),
            })) = input.message().await
            else {
                return;
            };
            let wrong_flush_id =
                start.config.get("sink.mode").map(String::as_str) == Some("wrong-flush-id");
            let send = |m| {
                let tx = tx.clone();
                async move { tx.send(Ok(pb::SinkResponse { msg: Some(m) })).await.is_ok() }
            };
            if !send(pb::sink_response::Msg::Started(pb::SinkStarted {
                max_inflight_puts: 1,
            }))
            .await
            {
                return;
            }
            while let Ok(Some(m)) = input.message().await {
                let reply = match m.msg {
                    Some(pb::sink_request::Msg::Put(p)) => {
                        pb::sink_response::Msg::PutDone(pb::PutDone { put_id: p.put_id })
                    }
                    Some(pb::sink_request::Msg::Flush(f)) => {
                        pb::sink_response::Msg::Flushed(pb::Flushed {
                            flush_id: if wrong_flush_id {
                                f.flush_id + 1000
                            } else {
                                f.flush_id
                            },
                            offsets: f.offsets,
                            error: None,
                        })
                    }
                    Some(pb::sink_request::Msg::Stop(_)) => break,
                    _ => continue,
                };
                if !send(reply).await {
                    break;
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

/// Heartbeats every second for as long as the stream is open.
fn heartbeats<T: Send + 'static>(tx: mpsc::Sender<Result<T, Status>>, make: fn() -> T) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            if tx.send(Ok(make())).await.is_err() {
                return;
            }
        }
    });
}

fn msg(m: pb::source_response::Msg) -> Result<pb::SourceResponse, Status> {
    Ok(pb::SourceResponse { msg: Some(m) })
}

fn map(k: &str, v: pb::Value) -> pb::Value {
    pb::Value {
        kind: Some(pb::value::Kind::Map(pb::Map {
            entries: vec![pb::MapEntry {
                key: Some(pb::Value {
                    kind: Some(pb::value::Kind::String(k.into())),
                }),
                value: Some(v),
            }],
        })),
    }
}

fn int64(i: i64) -> pb::Value {
    pb::Value {
        kind: Some(pb::value::Kind::Int64(i)),
    }
}

/// `{id: int32, name: string}` for record `n`.
fn user(n: u64) -> pb::RecordData {
    let field = |name: &str, t: pb::SchemaType| pb::Field {
        name: name.into(),
        schema: Some(pb::Schema {
            r#type: t as i32,
            ..Default::default()
        }),
    };
    pb::RecordData {
        kind: Some(pb::record_data::Kind::Structured(pb::Structured {
            schema: Some(pb::Schema {
                r#type: pb::SchemaType::Struct as i32,
                name: "user".into(),
                fields: vec![
                    field("id", pb::SchemaType::Int32),
                    field("name", pb::SchemaType::String),
                ],
                ..Default::default()
            }),
            value: Some(pb::Value {
                kind: Some(pb::value::Kind::Struct(pb::Struct {
                    fields: vec![
                        pb::Value {
                            kind: Some(pb::value::Kind::Int32(n as i32)),
                        },
                        string(&format!("user-{n}")),
                    ],
                })),
            }),
        })),
    }
}

fn string(s: &str) -> pb::Value {
    pb::Value {
        kind: Some(pb::value::Kind::String(s.into())),
    }
}

#[tonic::async_trait]
impl SourceTask for Svc {
    type RunStream = BoxStream<pb::SourceResponse>;

    async fn run(
        &self,
        req: Request<Streaming<pb::SourceRequest>>,
    ) -> Result<Response<Self::RunStream>, Status> {
        let mut input = req.into_inner();
        let (tx, rx) = mpsc::channel(64);
        heartbeats(tx.clone(), || pb::SourceResponse {
            msg: Some(pb::source_response::Msg::Heartbeat(pb::Heartbeat {})),
        });
        tokio::spawn(async move {
            let Ok(Some(pb::SourceRequest {
                msg: Some(pb::source_request::Msg::Start(start)),
            })) = input.message().await
            else {
                return;
            };
            let cfg = start.config;
            let get = |k: &str, d: &str| cfg.get(k).cloned().unwrap_or_else(|| d.to_string());
            let mode = get("mode", "raw");
            let topic = get("topic", "test");
            let size: usize = get("record.bytes", "100").parse().unwrap_or(100);
            let total: u64 = get("records", "0").parse().unwrap_or(0);
            let batch_size: u64 = get("batch.size", "1000").parse().unwrap_or(1000);
            let skip_every: u64 = get("skip.every", "0").parse().unwrap_or(0);
            // Every Nth record cannot be made: a RECORD error names its seq instead.
            let error_every: u64 = get("record.error.every", "0").parse().unwrap_or(0);
            // Every Nth record's value is `big.bytes` long (e.g. larger than the producer allows).
            let big_every: u64 = get("big.every", "0").parse().unwrap_or(0);
            let big_bytes: usize = get("big.bytes", "100000").parse().unwrap_or(100_000);
            // Every record goes to this Kafka partition (absent: the producer chooses).
            let kafka_partition: Option<i32> =
                cfg.get("kafka.partition").and_then(|v| v.parse().ok());
            // A pause after each batch, to send slowly.
            let batch_interval = std::time::Duration::from_millis(
                get("batch.interval.ms", "0").parse().unwrap_or(0),
            );
            // Resume from the stored offset.
            let mut sent: u64 =
                start
                    .offsets
                    .iter()
                    .filter_map(|o| match o.offset.as_ref()?.kind.as_ref()? {
                        pb::value::Kind::Map(m) => m.entries.iter().find_map(|e| {
                            match e.value.as_ref()?.kind.as_ref()? {
                                pb::value::Kind::Int64(n) => Some(*n as u64),
                                _ => None,
                            }
                        }),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
            if tx
                .send(msg(pb::source_response::Msg::Started(pb::Started {})))
                .await
                .is_err()
            {
                return;
            }
            if mode == "fatal" {
                let _ = tx
                    .send(msg(pb::source_response::Msg::Error(pb::Error {
                        kind: pb::ErrorKind::Fatal as i32,
                        message: "the test source failed on purpose".into(),
                        error_class: "TestFailure".into(),
                        detail: "at test-connector.rs".into(),
                        ..Default::default()
                    })))
                    .await;
                return;
            }
            let payload = Bytes::from(vec![b'x'; size]);
            // The core takes columnar source batches (and the config does not ask for rows).
            let columnar = start
                .capabilities
                .as_ref()
                .is_some_and(|c| c.columnar_source_batches)
                && get("columns", "true") != "false";
            let (mut credit_records, mut credit_bytes) = (0u64, 0u64);
            let mut seq = 0u64;
            let mut stopping = false;
            loop {
                // Take every command that is waiting, then send while there is credit.
                let can_send = !stopping && credit_records > 0 && (total == 0 || sent < total);
                let next = if can_send {
                    match futures::FutureExt::now_or_never(input.message()) {
                        Some(m) => Some(m),
                        None => None,
                    }
                } else {
                    Some(input.message().await)
                };
                match next {
                    Some(Ok(Some(m))) => match m.msg {
                        Some(pb::source_request::Msg::Credit(c)) => {
                            credit_records += c.records as u64;
                            credit_bytes += c.bytes;
                        }
                        Some(pb::source_request::Msg::Stop(_)) => {
                            stopping = true;
                            let _ = tx
                                .send(msg(pb::source_response::Msg::Drained(pb::Drained {
                                    last_seq: seq,
                                })))
                                .await;
                        }
                        _ => {}
                    },
                    Some(Ok(None)) | Some(Err(_)) => return,
                    None => {}
                }
                if stopping || credit_records == 0 || (total != 0 && sent >= total) {
                    continue;
                }
                let mut n = batch_size.min(credit_records);
                if total != 0 {
                    n = n.min(total - sent);
                }
                if mode == "overdraw" {
                    n = credit_records + 10;
                }
                // With the capability, plain raw or string records go as columns, as a fast
                // connector sends them.
                let (batch, bytes, bad) = if columnar
                    && (mode == "raw" || mode == "string" || mode == "malformed-columns")
                    && error_every == 0
                {
                    let first = seq + 1;
                    let mut values = Vec::with_capacity(n as usize);
                    let mut offsets = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        seq += 1;
                        sent += 1;
                        let mut v = format!("{sent:010}").into_bytes();
                        if big_every > 0 && sent % big_every == 0 {
                            v.resize(big_bytes.max(v.len()), b'b');
                        } else {
                            v.extend_from_slice(&payload[..size.saturating_sub(v.len())]);
                        }
                        values.push(v);
                        offsets.push(sent as i64);
                    }
                    if mode == "malformed-columns" {
                        // A value column one entry short of the count.
                        values.pop();
                    }
                    let value = if mode == "string" {
                        pb::DataColumn {
                            r#type: pb::DataColumnType::String as i32,
                            schema: Some(pb::Schema {
                                r#type: pb::SchemaType::String as i32,
                                ..Default::default()
                            }),
                            strings: values
                                .into_iter()
                                .map(|v| String::from_utf8_lossy(&v).into_owned())
                                .collect(),
                            ..Default::default()
                        }
                    } else {
                        pb::DataColumn {
                            r#type: pb::DataColumnType::Raw as i32,
                            bytes: values.into_iter().map(Bytes::from).collect(),
                            ..Default::default()
                        }
                    };
                    let columns = pb::SourceColumns {
                        first_seq: first,
                        count: n as u32,
                        partitions: vec![map("source", string("raw"))],
                        offsets: Some(pb::source_columns::Offsets::IntOffsets(pb::IntOffsets {
                            keys: vec!["n".into()],
                            values: offsets,
                        })),
                        topics: vec![topic.clone()],
                        kafka_partitions: kafka_partition
                            .map(|p| vec![p; n as usize])
                            .unwrap_or_default(),
                        value: Some(value),
                        ..Default::default()
                    };
                    let bytes = prost::Message::encoded_len(&columns) as u64;
                    let batch = pb::SourceBatch {
                        columns: Some(columns),
                        ..Default::default()
                    };
                    (batch, bytes, Vec::new())
                } else {
                    let mut records = Vec::with_capacity(n as usize);
                    let mut bad = Vec::new();
                    let mut bytes = 0u64;
                    for _ in 0..n {
                        seq += 1;
                        sent += 1;
                        if error_every > 0 && sent % error_every == 0 {
                            bad.push((seq, sent));
                            continue;
                        }
                        let value = if mode == "malformed" {
                            pb::RecordData {
                                kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                                    schema: Some(pb::Schema {
                                        r#type: pb::SchemaType::Struct as i32,
                                        fields: vec![pb::Field {
                                            name: "id".into(),
                                            schema: Some(pb::Schema {
                                                r#type: pb::SchemaType::Int32 as i32,
                                                ..Default::default()
                                            }),
                                        }],
                                        ..Default::default()
                                    }),
                                    value: Some(pb::Value {
                                        kind: Some(pb::value::Kind::Struct(pb::Struct {
                                            fields: vec![string("not an int")],
                                        })),
                                    }),
                                })),
                            }
                        } else {
                            // The record number first, padded to the record size.
                            let mut v = format!("{sent:010}").into_bytes();
                            if big_every > 0 && sent % big_every == 0 {
                                v.resize(big_bytes.max(v.len()), b'b');
                            } else {
                                v.extend_from_slice(&payload[..size.saturating_sub(v.len())]);
                            }
                            pb::RecordData {
                                kind: Some(pb::record_data::Kind::Raw(Bytes::from(v))),
                            }
                        };
                        let structured = mode == "structured";
                        let value = if structured { user(sent) } else { value };
                        let value = match value.kind {
                            Some(pb::record_data::Kind::Raw(b)) if mode == "string" => {
                                pb::RecordData {
                                    kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                                        schema: Some(pb::Schema {
                                            r#type: pb::SchemaType::String as i32,
                                            ..Default::default()
                                        }),
                                        value: Some(string(&String::from_utf8_lossy(&b))),
                                    })),
                                }
                            }
                            kind => pb::RecordData { kind },
                        };
                        let headers = if structured && skip_every > 0 && sent % skip_every == 0 {
                            vec![pb::Header {
                                key: "skip".into(),
                                schema: None,
                                value: Some(string("yes")),
                            }]
                        } else {
                            Vec::new()
                        };
                        let r = pb::SourceRecord {
                            seq,
                            source_partition: Some(map("source", string("raw"))),
                            source_offset: Some(map("n", int64(sent as i64))),
                            topic: topic.clone(),
                            kafka_partition,
                            value: Some(value),
                            headers,
                            timestamp: if structured {
                                Some(sent as i64 * 1000)
                            } else {
                                None
                            },
                            ..Default::default()
                        };
                        bytes += prost::Message::encoded_len(&r) as u64;
                        records.push(r);
                    }
                    (
                        pb::SourceBatch {
                            records,
                            ..Default::default()
                        },
                        bytes,
                        bad,
                    )
                };
                if mode != "overdraw" && bytes > credit_bytes {
                    // Not enough byte credit: wait for more (rare with the default window).
                    seq -= n;
                    sent -= n;
                    let m = input.message().await;
                    if let Ok(Some(pb::SourceRequest {
                        msg: Some(pb::source_request::Msg::Credit(c)),
                    })) = m
                    {
                        credit_records += c.records as u64;
                        credit_bytes += c.bytes;
                    }
                    continue;
                }
                credit_records = credit_records.saturating_sub(n);
                credit_bytes = credit_bytes.saturating_sub(bytes);
                if tx
                    .send(msg(pb::source_response::Msg::Batch(batch)))
                    .await
                    .is_err()
                {
                    return;
                }
                if !batch_interval.is_zero() {
                    tokio::time::sleep(batch_interval).await;
                }
                for (seq, n) in bad {
                    let e = pb::Error {
                        kind: pb::ErrorKind::Record as i32,
                        message: format!("record {n} cannot be read"),
                        error_class: "org.apache.kafka.connect.errors.DataException".into(),
                        detail: "at test-connector.rs".into(),
                        record_seq: seq,
                        ..Default::default()
                    };
                    if tx
                        .send(msg(pb::source_response::Msg::Error(e)))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let listen = std::env::var("POLYCONNECT_LISTEN")
        .ok()
        .or_else(|| std::env::args().nth(1))
        .unwrap_or_else(|| "127.0.0.1:50061".into());
    let max = 256 << 20;
    let router = tonic::transport::Server::builder()
        .initial_stream_window_size(Some(8 << 20))
        .initial_connection_window_size(Some(16 << 20))
        .add_service(
            ConnectorServer::new(Svc)
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        )
        .add_service(
            SourceTaskServer::new(Svc)
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        )
        .add_service(
            SinkTaskServer::new(Svc)
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
        );
    if let Some(path) = listen.strip_prefix("unix:") {
        let _ = std::fs::remove_file(path);
        let uds = tokio::net::UnixListener::bind(path)?;
        router
            .serve_with_incoming(tokio_stream::wrappers::UnixListenerStream::new(uds))
            .await?;
    } else {
        router.serve(listen.parse()?).await?;
    }
    Ok(())
}
