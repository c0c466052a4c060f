//! Source and sink records.

use std::sync::Arc;

use bytes::Bytes;
use polyconnect_proto::v1 as pb;

use crate::data::{value_from_proto, value_to_proto, Schema, SchemaRefsIn, SchemaRefsOut, Value};
use crate::error::{Error, Result};

/// A record key or value.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// Structured data, converted by the core's converter. `schema: None` is schemaless.
    Structured {
        schema: Option<Arc<Schema>>,
        value: Value,
    },
    /// Already serialized bytes, written to Kafka as they are (no converter).
    Raw(Bytes),
}

/// W3C trace context (`traceparent`, `tracestate`), passed through unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceContext {
    pub traceparent: String,
    pub tracestate: String,
}

/// A record header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub key: String,
    pub schema: Option<Arc<Schema>>,
    pub value: Value,
}

/// A record read from the source system (Kafka Connect's SourceRecord).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceRecord {
    /// Where in the source the record comes from, a map (e.g. `{"file": "a.txt"}`).
    pub source_partition: Option<Value>,
    /// Its position there, a map (e.g. `{"line": 42}`); stored once Kafka has the record.
    pub source_offset: Option<Value>,
    pub topic: String,
    /// `None`: the producer's partitioner chooses from the key.
    pub kafka_partition: Option<i32>,
    pub key: Option<Data>,
    pub value: Option<Data>,
    /// Milliseconds since the epoch; `None`: the producer's time.
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
    pub trace: Option<TraceContext>,
    /// Connector-defined transaction boundaries: what
    /// [`crate::TransactionContext::commit_transaction_after`] and
    /// [`crate::TransactionContext::abort_transaction_after`] asked for this record.
    pub transaction: TransactionRequest,
}

/// The commit or abort a task asked for right after a record (set through its
/// [`crate::TransactionContext`]; none by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransactionRequest {
    pub(crate) commit: bool,
    pub(crate) abort: bool,
}

impl SourceRecord {
    /// A record for `topic`; set the rest with the builder methods.
    pub fn new(topic: impl Into<String>) -> SourceRecord {
        SourceRecord {
            topic: topic.into(),
            ..Default::default()
        }
    }
    /// The source partition and offset (maps, see [`Value::map`]).
    pub fn position(mut self, partition: Value, offset: Value) -> SourceRecord {
        self.source_partition = Some(partition);
        self.source_offset = Some(offset);
        self
    }
    pub fn key(mut self, schema: Option<Arc<Schema>>, value: impl Into<Value>) -> SourceRecord {
        self.key = Some(Data::Structured {
            schema,
            value: value.into(),
        });
        self
    }
    pub fn value(mut self, schema: Option<Arc<Schema>>, value: impl Into<Value>) -> SourceRecord {
        self.value = Some(Data::Structured {
            schema,
            value: value.into(),
        });
        self
    }
    pub fn raw_key(mut self, bytes: impl Into<Bytes>) -> SourceRecord {
        self.key = Some(Data::Raw(bytes.into()));
        self
    }
    pub fn raw_value(mut self, bytes: impl Into<Bytes>) -> SourceRecord {
        self.value = Some(Data::Raw(bytes.into()));
        self
    }
    pub fn partition(mut self, p: i32) -> SourceRecord {
        self.kafka_partition = Some(p);
        self
    }
    pub fn timestamp(mut self, ms: i64) -> SourceRecord {
        self.timestamp = Some(ms);
        self
    }
    pub fn header(
        mut self,
        key: &str,
        schema: Option<Arc<Schema>>,
        value: impl Into<Value>,
    ) -> SourceRecord {
        self.headers.push(Header {
            key: key.into(),
            schema,
            value: value.into(),
        });
        self
    }
    pub fn trace(mut self, t: TraceContext) -> SourceRecord {
        self.trace = Some(t);
        self
    }
}

/// A record from Kafka for a sink (Kafka Connect's SinkRecord).
#[derive(Debug, Clone, PartialEq)]
pub struct SinkRecord {
    /// Topic and partition after transforms.
    pub topic: String,
    pub kafka_partition: i32,
    pub kafka_offset: i64,
    pub key: Option<Data>,
    pub value: Option<Data>,
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
    /// Coordinates before transforms (what errant records name).
    pub original_topic: String,
    pub original_kafka_partition: i32,
    pub trace: Option<TraceContext>,
}

impl SinkRecord {
    /// The value, when it is structured.
    pub fn value(&self) -> Option<&Value> {
        match &self.value {
            Some(Data::Structured { value, .. }) => Some(value),
            _ => None,
        }
    }
}

/// A topic partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

/// Where Kafka wrote a source record (for `commit_record`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMetadata {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

// ------------------------------------------------------------------------ wire

pub(crate) struct Caps {
    pub raw_bytes: bool,
    pub trace_context: bool,
}

fn data_to_proto(
    d: &Option<Data>,
    refs: &mut SchemaRefsOut,
    caps: &Caps,
) -> Result<Option<pb::RecordData>> {
    use pb::record_data::Kind;
    Ok(match d {
        None => None,
        Some(Data::Raw(b)) => {
            if !caps.raw_bytes {
                return Err(Error::config(
                    "the core did not agree to raw bytes (capability raw_bytes)",
                ));
            }
            Some(pb::RecordData {
                kind: Some(Kind::Raw(b.clone())),
            })
        }
        Some(Data::Structured { schema, value }) => Some(pb::RecordData {
            kind: Some(Kind::Structured(pb::Structured {
                schema: schema.as_ref().map(|s| refs.encode(s)),
                value: Some(value_to_proto(value)),
            })),
        }),
    })
}

fn trace_to_proto(t: &Option<TraceContext>, caps: &Caps) -> Option<pb::TraceContext> {
    t.as_ref()
        .filter(|_| caps.trace_context)
        .map(|t| pb::TraceContext {
            traceparent: t.traceparent.clone(),
            tracestate: t.tracestate.clone(),
        })
}

fn trace_from_proto(t: Option<pb::TraceContext>) -> Option<TraceContext> {
    t.filter(|t| !t.traceparent.is_empty())
        .map(|t| TraceContext {
            traceparent: t.traceparent,
            tracestate: t.tracestate,
        })
}

pub(crate) fn source_record_to_proto(
    r: &SourceRecord,
    seq: u64,
    refs: &mut SchemaRefsOut,
    caps: &Caps,
) -> Result<pb::SourceRecord> {
    if r.topic.is_empty() {
        return Err(Error::fatal("a source record without a topic"));
    }
    Ok(pb::SourceRecord {
        seq,
        source_partition: r.source_partition.as_ref().map(value_to_proto),
        source_offset: r.source_offset.as_ref().map(value_to_proto),
        topic: r.topic.clone(),
        kafka_partition: r.kafka_partition,
        key: data_to_proto(&r.key, refs, caps)?,
        value: data_to_proto(&r.value, refs, caps)?,
        timestamp: r.timestamp,
        headers: r
            .headers
            .iter()
            .map(|h| pb::Header {
                key: h.key.clone(),
                schema: h.schema.as_ref().map(|s| refs.encode(s)),
                value: Some(value_to_proto(&h.value)),
            })
            .collect(),
        trace: trace_to_proto(&r.trace, caps),
        // Set from the record's request and the batch's by the TransactionContext.
        transaction: 0,
    })
}

fn data_from_proto(d: Option<pb::RecordData>, refs: &mut SchemaRefsIn) -> Result<Option<Data>> {
    use pb::record_data::Kind;
    Ok(match d.and_then(|d| d.kind) {
        None => None,
        Some(Kind::Raw(b)) => Some(Data::Raw(b)),
        Some(Kind::Structured(s)) => {
            let schema = s.schema.map(|s| refs.decode(s)).transpose()?;
            let value = value_from_proto(s.value.unwrap_or_default(), schema.as_ref())?;
            Some(Data::Structured { schema, value })
        }
    })
}

pub(crate) fn sink_record_from_proto(
    r: pb::SinkRecord,
    refs: &mut SchemaRefsIn,
) -> Result<SinkRecord> {
    let mut headers = Vec::with_capacity(r.headers.len());
    for h in r.headers {
        let schema = h.schema.map(|s| refs.decode(s)).transpose()?;
        let value = value_from_proto(h.value.unwrap_or_default(), schema.as_ref())?;
        headers.push(Header {
            key: h.key,
            schema,
            value,
        });
    }
    Ok(SinkRecord {
        key: data_from_proto(r.key, refs)?,
        value: data_from_proto(r.value, refs)?,
        topic: r.topic,
        kafka_partition: r.kafka_partition,
        kafka_offset: r.kafka_offset,
        timestamp: r.timestamp,
        headers,
        original_topic: r.original_topic,
        original_kafka_partition: r.original_kafka_partition,
        trace: trace_from_proto(r.trace),
    })
}
