//! Transforms and predicates out of process (Kafka Connect's `Transformation` and
//! `Predicate`), served on the protocol's `Transform` service: one stream per configured
//! instance per task's chain stage, batches of records in, one outcome per record out
//! (the record, dropped, a predicate's answer, or a record error).
//!
//! Register them with [`Plugin::transform`](crate::Plugin::transform) and
//! [`Plugin::predicate`](crate::Plugin::predicate) and hand them to [`crate::serve`],
//! alone or beside connectors.
//!
//! `apply` and `test` are plain functions, called one record at a time in batch order on
//! the stream's own task: a transform that blocks holds up its own stage only.

use std::sync::Arc;

use polyconnect_proto::v1 as pb;
use tonic::Streaming;

use crate::config::{Config, ConfigDef};
use crate::connector::Kind;
use crate::data::{value_from_proto, value_to_proto, Schema, SchemaRefsIn, SchemaRefsOut, Value};
use crate::error::{Error, Result};
use crate::record::{Data, Header, TraceContext};
use crate::server::Plugins;
use crate::stream::{LastReceived, Out, Timing};

pub use pb::TimestampType;

/// Kafka Connect's `RetriableException`: a record error of this class is retried (that
/// record alone, through the chain) under `errors.retry.*`.
const RETRIABLE_EXCEPTION: &str = "org.apache.kafka.connect.errors.RetriableException";

/// Kafka Connect's `ConnectRecord` as a transform or predicate sees it. A transform returns
/// a changed copy (`ConnectRecord { value: ..., ..record }` or the `with_*` methods).
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectRecord {
    pub topic: String,
    /// `None`: no partition chosen yet (source records before the producer).
    pub kafka_partition: Option<i32>,
    pub key: Option<Data>,
    pub value: Option<Data>,
    /// Milliseconds since the epoch.
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
    /// Sink records only: the record's Kafka offset (read-only: the core keeps its own).
    pub kafka_offset: Option<i64>,
    /// Sink records only (read-only).
    pub timestamp_type: TimestampType,
    pub trace: Option<TraceContext>,
}

impl ConnectRecord {
    /// A record for `topic`, without key, value or headers.
    pub fn new(topic: impl Into<String>) -> ConnectRecord {
        ConnectRecord {
            topic: topic.into(),
            kafka_partition: None,
            key: None,
            value: None,
            timestamp: None,
            headers: Vec::new(),
            kafka_offset: None,
            timestamp_type: TimestampType::NoTimestampType,
            trace: None,
        }
    }

    /// The key, when it is structured data.
    pub fn key(&self) -> Option<&Value> {
        structured(&self.key)
    }

    /// The value, when it is structured data.
    pub fn value(&self) -> Option<&Value> {
        structured(&self.value)
    }

    /// The value's schema (`None`: schemaless or no value).
    pub fn value_schema(&self) -> Option<&Arc<Schema>> {
        match &self.value {
            Some(Data::Structured { schema, .. }) => schema.as_ref(),
            _ => None,
        }
    }

    /// The key's schema (`None`: schemaless or no key).
    pub fn key_schema(&self) -> Option<&Arc<Schema>> {
        match &self.key {
            Some(Data::Structured { schema, .. }) => schema.as_ref(),
            _ => None,
        }
    }

    /// This record with another value.
    pub fn with_value(mut self, schema: Option<Arc<Schema>>, value: impl Into<Value>) -> Self {
        self.value = Some(Data::Structured {
            schema,
            value: value.into(),
        });
        self
    }

    /// This record with another value under the same value schema (Python's
    /// `new_record(value=...)`).
    pub fn with_new_value(self, value: impl Into<Value>) -> Self {
        let schema = self.value_schema().cloned();
        self.with_value(schema, value)
    }

    /// This record with another key.
    pub fn with_key(mut self, schema: Option<Arc<Schema>>, value: impl Into<Value>) -> Self {
        self.key = Some(Data::Structured {
            schema,
            value: value.into(),
        });
        self
    }

    /// This record for another topic.
    pub fn with_topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = topic.into();
        self
    }

    /// This record with one more header.
    pub fn with_header(
        mut self,
        key: &str,
        schema: Option<Arc<Schema>>,
        value: impl Into<Value>,
    ) -> Self {
        self.headers.push(Header {
            key: key.into(),
            schema,
            value: value.into(),
        });
        self
    }
}

fn structured(d: &Option<Data>) -> Option<&Value> {
    match d {
        Some(Data::Structured { value, .. }) => Some(value),
        _ => None,
    }
}

/// A single message transform (Kafka Connect's `Transformation`). One instance per task's
/// chain stage: `configure` with its `transforms.<alias>.*` settings (without the prefix)
/// before the first record, `apply` for each record, `close` when the task stops.
pub trait Transformation: Default + Send + 'static {
    /// The class name `transforms.<alias>.type` names.
    const CLASS: &'static str;
    /// Other accepted names (e.g. a Kafka Connect class name).
    const ALIASES: &'static [&'static str] = &[];
    const VERSION: &'static str = "0.0.0";

    /// Its settings. The SDK checks them before `configure` (a bad one fails the task with
    /// a CONFIG error) and answers `GET /connector-plugins/{class}/config` with them.
    fn config_def() -> ConfigDef {
        ConfigDef::new()
    }

    /// An error fails the task.
    fn configure(&mut self, _config: &Config) -> Result<()> {
        Ok(())
    }

    /// The transformed record, or `None` to drop it. An error (or a panic) fails this
    /// record alone: the core applies `errors.tolerance` and the dead letter queue to it;
    /// [`Error::Retriable`] has it retried under `errors.retry.*`.
    fn apply(&mut self, record: ConnectRecord) -> Result<Option<ConnectRecord>>;

    fn close(&mut self) {}
}

/// A predicate (Kafka Connect's `transforms.predicates.Predicate`): whether a transform
/// applies to a record (`transforms.<alias>.predicate`, with `negate`).
pub trait Predicate: Default + Send + 'static {
    /// The class name `predicates.<alias>.type` names.
    const CLASS: &'static str;
    const ALIASES: &'static [&'static str] = &[];
    const VERSION: &'static str = "0.0.0";

    fn config_def() -> ConfigDef {
        ConfigDef::new()
    }

    /// An error fails the task.
    fn configure(&mut self, _config: &Config) -> Result<()> {
        Ok(())
    }

    /// An error (or a panic) fails this record alone, as from [`Transformation::apply`].
    fn test(&mut self, record: &ConnectRecord) -> Result<bool>;

    fn close(&mut self) {}
}

/// What one stage did with one record (short-lived: encoded at once).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Outcome {
    Record(ConnectRecord),
    Dropped,
    Matches(bool),
}

/// The object-safe face of a [`Transformation`] or a [`Predicate`].
pub(crate) trait DynStage: Send {
    fn configure(&mut self, config: &Config) -> Result<()>;
    fn run(&mut self, record: ConnectRecord) -> Result<Outcome>;
    fn close(&mut self);
}

pub(crate) struct TransformStage<T>(pub T);
pub(crate) struct PredicateStage<P>(pub P);

impl<T: Transformation> DynStage for TransformStage<T> {
    fn configure(&mut self, config: &Config) -> Result<()> {
        self.0.configure(config)
    }
    fn run(&mut self, record: ConnectRecord) -> Result<Outcome> {
        Ok(match self.0.apply(record)? {
            Some(r) => Outcome::Record(r),
            None => Outcome::Dropped,
        })
    }
    fn close(&mut self) {
        self.0.close()
    }
}

impl<P: Predicate> DynStage for PredicateStage<P> {
    fn configure(&mut self, config: &Config) -> Result<()> {
        self.0.configure(config)
    }
    fn run(&mut self, record: ConnectRecord) -> Result<Outcome> {
        self.0.test(&record).map(Outcome::Matches)
    }
    fn close(&mut self) {
        self.0.close()
    }
}

/// Calls plugin code; a panic becomes an error naming `what`.
fn guarded<R>(what: &str, f: impl FnOnce() -> Result<R>) -> Result<R> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(Error::from_panic(what, p)),
    }
}

// ------------------------------------------------------------------------ the stream

use pb::transform_request::Msg as In;
use pb::transform_response::Msg as OutMsg;

fn msg(m: OutMsg) -> pb::TransformResponse {
    pb::TransformResponse { msg: Some(m) }
}

pub(crate) fn heartbeat() -> pb::TransformResponse {
    msg(OutMsg::Heartbeat(pb::Heartbeat {}))
}

pub(crate) fn error(e: pb::Error) -> pb::TransformResponse {
    msg(OutMsg::Error(e))
}

/// Serves one `Transform.Run` stream: one configured instance, batches in, outcomes out.
pub(crate) async fn run(
    plugins: Arc<Plugins>,
    mut input: Streaming<pb::TransformRequest>,
    out: Out<pb::TransformResponse>,
    received: LastReceived,
    timing: tokio::sync::oneshot::Sender<Timing>,
) {
    let fail = |e: Error| error(e.to_proto());
    let start = match input.message().await {
        Ok(Some(pb::TransformRequest {
            msg: Some(In::Start(s)),
        })) => s,
        Ok(None) | Err(_) => return,
        Ok(Some(_)) => {
            let e = Error::fatal("the first message of a Transform stream must be TransformStart");
            let _ = out.send(fail(e)).await;
            return;
        }
    };
    received.touch();
    if start.protocol_version != 0 && !crate::PROTOCOL_VERSIONS.contains(&start.protocol_version) {
        let e = crate::stream::version_error(start.protocol_version);
        let _ = out.send(fail(e)).await;
        return;
    }
    let plugin = plugins
        .find(&start.class_name, Kind::Transformation)
        .or_else(|| plugins.find(&start.class_name, Kind::Predicate));
    let Some((plugin, mut stage)) = plugin.and_then(|p| Some((p, (p.new_stage?)()))) else {
        let e = Error::config(format!(
            "this process does not serve the transform or predicate '{}' (it serves: {})",
            start.class_name,
            plugins.names().join(", ")
        ));
        let _ = out.send(fail(e)).await;
        return;
    };
    let _ = timing.send(Timing::new(
        start.heartbeat_interval_ms,
        start.idle_timeout_ms,
    ));
    let configured = plugin
        .config_def
        .parse(start.config.into_iter().collect())
        .and_then(|c| guarded("configure()", || stage.configure(&c)));
    if let Err(e) = configured {
        tracing::error!(class = plugin.class, alias = %start.alias, "configure failed: {e}");
        let mut p = e.to_proto();
        p.kind = pb::ErrorKind::Config as i32;
        let _ = out.send(error(p)).await;
        return;
    }
    let kind = match plugin.kind {
        Kind::Predicate => pb::PluginType::Predicate,
        _ => pb::PluginType::Transformation,
    };
    if out
        .send(msg(OutMsg::Started(pb::TransformStarted {
            r#type: kind as i32,
        })))
        .await
        .is_err()
    {
        stage.close();
        return;
    }
    tracing::info!(
        class = plugin.class,
        alias = %start.alias,
        connector = %start.connector_name,
        task = start.task_id,
        "transform started"
    );
    let mut codec = Codec::default();
    while let Ok(Some(m)) = input.message().await {
        received.touch();
        match m.msg {
            Some(In::Batch(b)) => {
                let result = pb::TransformResult {
                    batch_id: b.batch_id,
                    outcomes: b
                        .records
                        .into_iter()
                        .map(|r| codec.outcome(r, &mut *stage))
                        .collect(),
                };
                if out.send(msg(OutMsg::Result(result))).await.is_err() {
                    break;
                }
            }
            Some(In::Stop(_)) => break,
            Some(In::Heartbeat(_)) | Some(In::Start(_)) | None => {}
        }
    }
    let _ = guarded("close()", || {
        stage.close();
        Ok(())
    });
}

/// One stream's schema definitions, each direction (protocol rule 12).
pub(crate) struct Codec {
    refs_in: SchemaRefsIn,
    refs_out: SchemaRefsOut,
}

impl Default for Codec {
    fn default() -> Self {
        Codec {
            refs_in: SchemaRefsIn::default(),
            refs_out: SchemaRefsOut::new(true),
        }
    }
}

impl Codec {
    pub(crate) fn outcome(
        &mut self,
        input: pb::TransformRecord,
        stage: &mut dyn DynStage,
    ) -> pb::TransformOutcome {
        use pb::transform_outcome::Outcome as O;
        let index = input.index;
        let outcome = self
            .decode(input)
            .and_then(|r| guarded("apply()", || stage.run(r)))
            .and_then(|o| {
                Ok(match o {
                    Outcome::Record(r) => O::Record(self.encode(&r)?),
                    Outcome::Dropped => O::Dropped(true),
                    Outcome::Matches(b) => O::Matches(b),
                })
            })
            .unwrap_or_else(|e| O::Error(record_error(&e)));
        pb::TransformOutcome {
            index,
            outcome: Some(outcome),
        }
    }

    pub(crate) fn decode(&mut self, p: pb::TransformRecord) -> Result<ConnectRecord> {
        let mut headers = Vec::with_capacity(p.headers.len());
        for h in p.headers {
            let schema = h.schema.map(|s| self.refs_in.decode(s)).transpose()?;
            let value = value_from_proto(h.value.unwrap_or_default(), schema.as_ref())
                .map_err(|e| Error::fatal(format!("header {}: {}", h.key, e.message())))?;
            headers.push(Header {
                key: h.key,
                schema,
                value,
            });
        }
        Ok(ConnectRecord {
            key: self.data_in(p.key).map_err(|e| in_part("key", e))?,
            value: self.data_in(p.value).map_err(|e| in_part("value", e))?,
            topic: p.topic,
            kafka_partition: p.kafka_partition,
            timestamp: p.timestamp,
            headers,
            kafka_offset: p.kafka_offset,
            timestamp_type: TimestampType::try_from(p.timestamp_type)
                .unwrap_or(TimestampType::NoTimestampType),
            trace: p
                .trace
                .filter(|t| !t.traceparent.is_empty())
                .map(|t| TraceContext {
                    traceparent: t.traceparent,
                    tracestate: t.tracestate,
                }),
        })
    }

    fn data_in(&mut self, d: Option<pb::RecordData>) -> Result<Option<Data>> {
        use pb::record_data::Kind;
        Ok(match d.and_then(|d| d.kind) {
            None => None,
            Some(Kind::Raw(b)) => Some(Data::Raw(b)),
            Some(Kind::Structured(s)) => {
                let schema = s.schema.map(|s| self.refs_in.decode(s)).transpose()?;
                let value = value_from_proto(s.value.unwrap_or_default(), schema.as_ref())?;
                Some(Data::Structured { schema, value })
            }
        })
    }

    pub(crate) fn encode(&mut self, r: &ConnectRecord) -> Result<pb::TransformRecord> {
        if r.topic.is_empty() {
            return Err(Error::fatal("the transformed record has no topic"));
        }
        Ok(pb::TransformRecord {
            index: 0,
            topic: r.topic.clone(),
            kafka_partition: r.kafka_partition,
            key: self.data_out(&r.key),
            value: self.data_out(&r.value),
            timestamp: r.timestamp,
            headers: r
                .headers
                .iter()
                .map(|h| pb::Header {
                    key: h.key.clone(),
                    schema: h.schema.as_ref().map(|s| self.refs_out.encode(s)),
                    value: Some(value_to_proto(&h.value)),
                })
                .collect(),
            kafka_offset: r.kafka_offset,
            timestamp_type: r.timestamp_type as i32,
            trace: r.trace.as_ref().map(|t| pb::TraceContext {
                traceparent: t.traceparent.clone(),
                tracestate: t.tracestate.clone(),
            }),
        })
    }

    fn data_out(&mut self, d: &Option<Data>) -> Option<pb::RecordData> {
        use pb::record_data::Kind;
        d.as_ref().map(|d| pb::RecordData {
            kind: Some(match d {
                Data::Raw(b) => Kind::Raw(b.clone()),
                Data::Structured { schema, value } => Kind::Structured(pb::Structured {
                    schema: schema.as_ref().map(|s| self.refs_out.encode(s)),
                    value: Some(value_to_proto(value)),
                }),
            }),
        })
    }
}

fn in_part(part: &str, e: Error) -> Error {
    Error::fatal(format!("{part}: {}", e.message()))
}

/// A record's error as an outcome: kind RECORD; a retriable one named as Kafka Connect's
/// `RetriableException`, which the core retries.
fn record_error(e: &Error) -> pb::Error {
    let mut p = e.to_proto();
    p.kind = pb::ErrorKind::Record as i32;
    if e.is_retriable() {
        p.error_class = RETRIABLE_EXCEPTION.into();
    }
    p
}
