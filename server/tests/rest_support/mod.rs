//! Support for the REST route tests: a worker with no socket (the router is called with
//! tower's `oneshot`) and an in-process connector process written against the protocol,
//! reached through `connector.endpoint`, so the tests need neither Kafka nor Python.
//!
//! The fake connector serves `FakeSource` and `FakeSink`. Their keys: `topic` (STRING,
//! required, non-empty; FakeSource's validate refuses a comma in it), `batch.size` (INT,
//! default 100, at least 1), `db.password` (PASSWORD). Config switches: `fail=connector`
//! makes the connector report a FATAL error after it started, `fail=task` its tasks.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use futures::Stream;
use polyconnect::config::{Props, WorkerConfig};
use polyconnect::herder::standalone::StandaloneHerder;
use polyconnect::herder::Herder;
use polyconnect::worker::Worker;
use polyconnect_proto::v1 as pb;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request as GrpcRequest, Response as GrpcResponse, Status, Streaming};
use tower::ServiceExt;

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

#[derive(Clone)]
struct Fake;

fn plugins() -> Vec<pb::PluginInfo> {
    vec![
        pb::PluginInfo {
            class_name: "FakeSource".into(),
            aliases: vec!["io.polyconnect.test.FakeSourceConnector".into()],
            r#type: pb::PluginType::Source as i32,
            version: "1.2.3".into(),
        },
        pb::PluginInfo {
            class_name: "FakeSink".into(),
            aliases: vec![],
            r#type: pb::PluginType::Sink as i32,
            version: "1.2.3".into(),
        },
    ]
}

fn find(class: &str) -> Option<pb::PluginInfo> {
    let simple = class.rsplit('.').next().unwrap_or(class);
    let simple = simple.strip_suffix("Connector").unwrap_or(simple);
    plugins().into_iter().find(|p| p.class_name == simple)
}

fn keys() -> Vec<pb::ConfigKey> {
    vec![
        pb::ConfigKey {
            name: "topic".into(),
            r#type: pb::ConfigType::StringConfig as i32,
            default_value: None,
            importance: pb::Importance::High as i32,
            documentation: "The topic".into(),
            display_name: "topic".into(),
            order_in_group: -1,
            validator: Some(pb::Validator {
                kind: Some(pb::validator::Kind::NonEmptyString(pb::NonEmptyString {})),
                description: "non-empty string".into(),
            }),
            ..Default::default()
        },
        pb::ConfigKey {
            name: "batch.size".into(),
            r#type: pb::ConfigType::IntConfig as i32,
            default_value: Some("100".into()),
            importance: pb::Importance::Low as i32,
            documentation: "Records per poll".into(),
            group: "Tuning".into(),
            display_name: "Batch size".into(),
            order_in_group: 1,
            ..Default::default()
        },
        pb::ConfigKey {
            name: "db.password".into(),
            r#type: pb::ConfigType::PasswordConfig as i32,
            default_value: Some("".into()),
            importance: pb::Importance::Medium as i32,
            documentation: "A secret".into(),
            display_name: "db.password".into(),
            order_in_group: -1,
            secret: true,
            ..Default::default()
        },
    ]
}

#[tonic::async_trait]
impl pb::connector_server::Connector for Fake {
    async fn handshake(
        &self,
        req: GrpcRequest<pb::HandshakeRequest>,
    ) -> Result<GrpcResponse<pb::HandshakeResponse>, Status> {
        Ok(GrpcResponse::new(pb::HandshakeResponse {
            protocol_version: 1,
            sdk_language: "rust-fake".into(),
            sdk_version: "0.0.1".into(),
            max_message_bytes: req.into_inner().max_message_bytes,
            capabilities: Some(pb::Capabilities::default()),
            plugins: plugins(),
        }))
    }

    async fn health(
        &self,
        _: GrpcRequest<pb::HealthRequest>,
    ) -> Result<GrpcResponse<pb::HealthResponse>, Status> {
        Ok(GrpcResponse::new(pb::HealthResponse { serving: true }))
    }

    async fn spec(
        &self,
        req: GrpcRequest<pb::SpecRequest>,
    ) -> Result<GrpcResponse<pb::SpecResponse>, Status> {
        let p = find(&req.into_inner().connector_class)
            .ok_or_else(|| Status::not_found("no such plugin"))?;
        Ok(GrpcResponse::new(pb::SpecResponse {
            plugin: Some(p),
            config: keys(),
        }))
    }

    /// KIP-875's alterOffsets by source partition: `{"file": "refuse"}` is refused (400),
    /// `{"file": "external"}` is altered by the connector too; anything else is a process
    /// without the call (UNIMPLEMENTED), Kafka Connect's default.
    async fn alter_offsets(
        &self,
        req: GrpcRequest<pb::AlterOffsetsRequest>,
    ) -> Result<GrpcResponse<pb::AlterOffsetsResponse>, Status> {
        let req = req.into_inner();
        let file = |o: &pb::SourceOffset| -> Option<String> {
            let Some(pb::value::Kind::Map(m)) = o.partition.as_ref()?.kind.as_ref() else {
                return None;
            };
            m.entries.iter().find_map(|e| match (&e.key, &e.value) {
                (Some(k), Some(v)) => match (&k.kind, &v.kind) {
                    (Some(pb::value::Kind::String(k)), Some(pb::value::Kind::String(v)))
                        if k == "file" =>
                    {
                        Some(v.clone())
                    }
                    _ => None,
                },
                _ => None,
            })
        };
        let files: Vec<String> = req.source_offsets.iter().filter_map(file).collect();
        if files.iter().any(|f| f == "refuse") {
            return Ok(GrpcResponse::new(pb::AlterOffsetsResponse {
                error: Some(pb::Error {
                    kind: pb::ErrorKind::Fatal as i32,
                    message: format!("{} may not be moved", req.connector_name),
                    ..Default::default()
                }),
                status_code: 400,
                ..Default::default()
            }));
        }
        if files.iter().any(|f| f == "external") {
            return Ok(GrpcResponse::new(pb::AlterOffsetsResponse {
                altered: true,
                ..Default::default()
            }));
        }
        Err(Status::unimplemented("alterOffsets"))
    }

    async fn validate(
        &self,
        req: GrpcRequest<pb::ValidateRequest>,
    ) -> Result<GrpcResponse<pb::ValidateResponse>, Status> {
        let req = req.into_inner();
        let config = req.config;
        let mut values = Vec::new();
        let topic = config.get("topic").cloned();
        let mut topic_errors = Vec::new();
        match &topic {
            None => topic_errors.push(
                "Missing required configuration \"topic\" which has no default value.".to_string(),
            ),
            Some(t) if t.is_empty() => topic_errors
                .push("Invalid value  for configuration topic: String must be non-empty".into()),
            Some(t) if t.contains(',') && req.connector_class.contains("Source") => topic_errors
                .push("FakeSource should only have a single topic when used as a source.".into()),
            _ => {}
        }
        values.push(pb::ConfigValue {
            name: "topic".into(),
            value: topic,
            errors: topic_errors,
            visible: true,
            ..Default::default()
        });
        let batch = config
            .get("batch.size")
            .cloned()
            .unwrap_or_else(|| "100".into());
        let batch_errors = match batch.parse::<i32>() {
            Ok(n) if n >= 1 => vec![],
            Ok(n) => vec![format!(
                "Invalid value {n} for configuration batch.size: Value must be at least 1"
            )],
            Err(_) => vec![format!(
                "Invalid value {batch} for configuration batch.size: Not a number of type INT"
            )],
        };
        values.push(pb::ConfigValue {
            name: "batch.size".into(),
            value: Some(batch),
            errors: batch_errors,
            visible: true,
            ..Default::default()
        });
        let pw = config.get("db.password").cloned();
        let pw_errors = match &pw {
            Some(p) if p == "wrong" => vec![format!(
                "Invalid value {p} for configuration db.password: refused"
            )],
            _ => vec![],
        };
        values.push(pb::ConfigValue {
            name: "db.password".into(),
            value: pw,
            errors: pw_errors,
            visible: true,
            ..Default::default()
        });
        // What it declares for exactly once follows `declare`: "supported" (both
        // SUPPORTED) or "throws" (both methods fail); else nothing.
        let declare = config.get("declare").map(String::as_str);
        Ok(GrpcResponse::new(pb::ValidateResponse {
            values,
            exactly_once_support: match declare {
                Some("supported") => pb::ExactlyOnceSupport::ExactlyOnceSupported as i32,
                _ => 0,
            },
            transaction_boundaries: match declare {
                Some("supported") => {
                    pb::TransactionBoundarySupport::TransactionBoundariesSupported as i32
                }
                _ => 0,
            },
            exactly_once_support_error: match declare {
                Some("throws") => "cannot tell".into(),
                _ => String::new(),
            },
            transaction_boundaries_error: match declare {
                Some("throws") => " ".into(),
                _ => String::new(),
            },
        }))
    }

    type RunStream = BoxStream<pb::ConnectorResponse>;

    async fn run(
        &self,
        req: GrpcRequest<Streaming<pb::ConnectorRequest>>,
    ) -> Result<GrpcResponse<Self::RunStream>, Status> {
        let mut input = req.into_inner();
        let (tx, rx) = mpsc::channel(16);
        heartbeats(tx.clone(), || pb::ConnectorResponse {
            msg: Some(pb::connector_response::Msg::Heartbeat(pb::Heartbeat {})),
        });
        tokio::spawn(async move {
            let mut config = HashMap::new();
            while let Ok(Some(m)) = input.message().await {
                let replies = match m.msg {
                    Some(pb::connector_request::Msg::Start(s)) => {
                        config = s.config;
                        let mut r = vec![pb::connector_response::Msg::Started(pb::Started {})];
                        if config.get("fail").map(String::as_str) == Some("connector") {
                            r.push(pb::connector_response::Msg::Error(pb::Error {
                                kind: pb::ErrorKind::Fatal as i32,
                                message: "the fake connector failed on purpose".into(),
                                error_class: "FakeError".into(),
                                ..Default::default()
                            }));
                        }
                        r
                    }
                    Some(pb::connector_request::Msg::TaskConfigs(t)) => {
                        let n = config
                            .get("tasks")
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(1u32)
                            .min(t.max_tasks);
                        let configs = (0..n)
                            .map(|i| {
                                let mut c = config.clone();
                                c.insert("task.index".into(), i.to_string());
                                pb::TaskConfig { config: c }
                            })
                            .collect();
                        vec![pb::connector_response::Msg::TaskConfigs(pb::TaskConfigs {
                            configs,
                        })]
                    }
                    Some(pb::connector_request::Msg::Stop(_)) => break,
                    _ => vec![],
                };
                for reply in replies {
                    if tx
                        .send(Ok(pb::ConnectorResponse { msg: Some(reply) }))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        Ok(GrpcResponse::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[tonic::async_trait]
impl pb::source_task_server::SourceTask for Fake {
    type RunStream = BoxStream<pb::SourceResponse>;

    async fn run(
        &self,
        req: GrpcRequest<Streaming<pb::SourceRequest>>,
    ) -> Result<GrpcResponse<Self::RunStream>, Status> {
        let mut input = req.into_inner();
        let (tx, rx) = mpsc::channel(16);
        heartbeats(tx.clone(), || pb::SourceResponse {
            msg: Some(pb::source_response::Msg::Heartbeat(pb::Heartbeat {})),
        });
        tokio::spawn(async move {
            while let Ok(Some(m)) = input.message().await {
                let reply = match m.msg {
                    Some(pb::source_request::Msg::Start(s)) => {
                        if s.config.get("fail").map(String::as_str) == Some("task") {
                            pb::source_response::Msg::Error(pb::Error {
                                kind: pb::ErrorKind::Fatal as i32,
                                message: "the fake task failed on purpose".into(),
                                error_class: "FakeTaskError".into(),
                                ..Default::default()
                            })
                        } else {
                            pb::source_response::Msg::Started(pb::Started {})
                        }
                    }
                    Some(pb::source_request::Msg::Stop(_)) => {
                        pb::source_response::Msg::Drained(pb::Drained { last_seq: 0 })
                    }
                    _ => continue,
                };
                if tx
                    .send(Ok(pb::SourceResponse { msg: Some(reply) }))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        Ok(GrpcResponse::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[tonic::async_trait]
impl pb::sink_task_server::SinkTask for Fake {
    type RunStream = BoxStream<pb::SinkResponse>;

    async fn run(
        &self,
        req: GrpcRequest<Streaming<pb::SinkRequest>>,
    ) -> Result<GrpcResponse<Self::RunStream>, Status> {
        let mut input = req.into_inner();
        let (tx, rx) = mpsc::channel(16);
        heartbeats(tx.clone(), || pb::SinkResponse {
            msg: Some(pb::sink_response::Msg::Heartbeat(pb::Heartbeat {})),
        });
        tokio::spawn(async move {
            while let Ok(Some(m)) = input.message().await {
                let reply = match m.msg {
                    Some(pb::sink_request::Msg::Start(_)) => {
                        pb::sink_response::Msg::Started(pb::SinkStarted {
                            max_inflight_puts: 2,
                        })
                    }
                    Some(pb::sink_request::Msg::Stop(_)) => break,
                    _ => continue,
                };
                if tx
                    .send(Ok(pb::SinkResponse { msg: Some(reply) }))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        Ok(GrpcResponse::new(Box::pin(ReceiverStream::new(rx))))
    }
}

fn heartbeats<T: Send + 'static>(tx: mpsc::Sender<Result<T, Status>>, make: fn() -> T) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if tx.send(Ok(make())).await.is_err() {
                return;
            }
        }
    });
}

/// Starts the fake connector process on a free port; returns `host:port`.
pub async fn start_fake() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(pb::connector_server::ConnectorServer::new(Fake))
            .add_service(pb::source_task_server::SourceTaskServer::new(Fake))
            .add_service(pb::sink_task_server::SinkTaskServer::new(Fake))
            .serve_with_incoming(incoming),
    );
    addr.to_string()
}

/// A worker whose offsets (and connector configs) live in `dir`. Kafka is not needed: the
/// bootstrap address points nowhere.
pub fn worker(dir: &Path, extra: &[(&str, &str)]) -> Arc<StandaloneHerder> {
    let mut props = Props::new();
    props.insert("bootstrap.servers".into(), "127.0.0.1:9".into());
    props.insert(
        "offset.storage.file.filename".into(),
        dir.join("offsets.json").display().to_string(),
    );
    props.insert("listeners".into(), "http://127.0.0.1:8083".into());
    props.insert("task.shutdown.graceful.timeout.ms".into(), "1000".into());
    props.insert("polyconnect.heartbeat.interval.ms".into(), "500".into());
    for (k, v) in extra {
        props.insert(k.to_string(), v.to_string());
    }
    let w = Arc::new(Worker::new(WorkerConfig::from_props(props).unwrap()).unwrap());
    w.mark_ready();
    Arc::new(StandaloneHerder::new(w).unwrap())
}

/// What the router can be built over: a herder of either kind.
pub trait AsHerder {
    fn herder(&self) -> Arc<dyn Herder>;
}

impl AsHerder for Arc<StandaloneHerder> {
    fn herder(&self) -> Arc<dyn Herder> {
        self.clone()
    }
}

impl AsHerder for Arc<dyn Herder> {
    fn herder(&self) -> Arc<dyn Herder> {
        self.clone()
    }
}

/// Calls the router without a socket; returns the status, the headers and the JSON body
/// (Null when empty).
pub async fn call(
    w: &impl AsHerder,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost:8083")
        .header("content-type", "application/json")
        .body(match body {
            Some(b) => Body::from(b.to_string()),
            None => Body::empty(),
        })
        .unwrap();
    let resp = polyconnect::rest::router(w.herder())
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20)
        .await
        .unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    (status, headers, json)
}

pub async fn get(w: &impl AsHerder, path: &str) -> (StatusCode, Value) {
    let (s, _, v) = call(w, Method::GET, path, None).await;
    (s, v)
}

/// Asserts an error answer: its status and that its message contains `needle`.
pub fn assert_error(got: &(StatusCode, Value), status: u16, needle: &str) {
    assert_eq!(got.0.as_u16(), status, "{}", got.1);
    assert_eq!(got.1["error_code"], status, "{}", got.1);
    let msg = got.1["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains(needle),
        "message {msg:?} does not contain {needle:?}"
    );
}

/// Waits until `f` holds for the connector's status.
pub async fn wait_status(
    w: &impl AsHerder,
    name: &str,
    what: &str,
    f: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, s) = get(w, &format!("/connectors/{name}/status")).await;
        if f(&s) {
            return s;
        }
        if Instant::now() > deadline {
            panic!("connector {name} never got {what}; last status {s}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A fake source connector's create request.
pub fn source_request(name: &str, endpoint: &str, extra: &str) -> String {
    format!(
        r#"{{"name":"{name}","config":{{"connector.class":"FakeSource","connector.endpoint":"{endpoint}","topic":"t"{extra}}}}}"#
    )
}
