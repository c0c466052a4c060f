//! The record transforms and predicates work on (Kafka Connect's `ConnectRecord`), for
//! source and sink records alike, and its conversions from and to
//! [`SourceRecord`](crate::record::SourceRecord) and [`SinkRecord`](crate::record::SinkRecord).

use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use crate::data::{Header, Schema, SchemaAndValue, SchemaType, Value};
use crate::record::{RecordData, SinkRecord, SourceRecord, TimestampType, TraceContext};

/// A record as a transform sees it: Kafka Connect's `ConnectRecord` (topic, partition, key
/// and value with their schemas, timestamp, headers), plus the Kafka offset of a sink record.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectRecord {
    pub topic: String,
    pub kafka_partition: Option<i32>,
    pub key_schema: Option<Arc<Schema>>,
    pub key: Value,
    pub value_schema: Option<Arc<Schema>>,
    pub value: Value,
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
    /// The Kafka offset of a sink record; `None` for a source record (InsertField's
    /// `offset.field` then fails, as Kafka Connect's does).
    pub kafka_offset: Option<i64>,
}

impl ConnectRecord {
    /// A record with a topic and nothing else.
    pub fn new(topic: impl Into<String>) -> ConnectRecord {
        ConnectRecord {
            topic: topic.into(),
            kafka_partition: None,
            key_schema: None,
            key: Value::Null,
            value_schema: None,
            value: Value::Null,
            timestamp: None,
            headers: Vec::new(),
            kafka_offset: None,
        }
    }

    pub fn is_sink(&self) -> bool {
        self.kafka_offset.is_some()
    }

    pub fn key_data(&self) -> SchemaAndValue {
        SchemaAndValue::new(self.key_schema.clone(), self.key.clone())
    }

    pub fn value_data(&self) -> SchemaAndValue {
        SchemaAndValue::new(self.value_schema.clone(), self.value.clone())
    }
}

/// What a source record carries besides its [`ConnectRecord`] (transforms cannot change it).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceContext {
    pub seq: u64,
    pub source_partition: Option<std::sync::Arc<Value>>,
    pub source_offset: Option<Value>,
    pub trace: TraceContext,
    raw_key: Option<Bytes>,
    raw_value: Option<Bytes>,
}

/// What a sink record carries besides its [`ConnectRecord`].
#[derive(Debug, Clone, PartialEq)]
pub struct SinkContext {
    pub kafka_partition: i32,
    pub kafka_offset: i64,
    pub timestamp_type: TimestampType,
    pub original_topic: String,
    pub original_kafka_partition: i32,
    pub trace: TraceContext,
    raw_key: Option<Bytes>,
    raw_value: Option<Bytes>,
}

fn optional_bytes() -> Arc<Schema> {
    static S: OnceLock<Arc<Schema>> = OnceLock::new();
    S.get_or_init(|| Arc::new(Schema::new(SchemaType::Bytes).optional()))
        .clone()
}

/// Raw bytes (the raw-bytes fast path) are seen by transforms as optional BYTES, which is
/// what ByteArrayConverter gives; they go back out raw if no transform changed them.
fn split_data(d: RecordData) -> (Option<Arc<Schema>>, Value, Option<Bytes>) {
    match d {
        RecordData::Structured(sv) => (sv.schema, sv.value, None),
        RecordData::Raw(b) => (Some(optional_bytes()), Value::Bytes(b.clone()), Some(b)),
    }
}

fn join_data(schema: Option<Arc<Schema>>, value: Value, raw: Option<Bytes>) -> RecordData {
    if let (Some(raw), Value::Bytes(b), Some(s)) = (&raw, &value, &schema) {
        if b == raw && (Arc::ptr_eq(s, &optional_bytes()) || **s == *optional_bytes()) {
            return RecordData::Raw(b.clone());
        }
    }
    RecordData::Structured(SchemaAndValue::new(schema, value))
}

impl ConnectRecord {
    /// Splits a source record into what transforms see and what they keep.
    pub fn from_source(r: SourceRecord) -> (ConnectRecord, SourceContext) {
        let (key_schema, key, raw_key) = split_data(r.key);
        let (value_schema, value, raw_value) = split_data(r.value);
        (
            ConnectRecord {
                topic: r.topic,
                kafka_partition: r.kafka_partition,
                key_schema,
                key,
                value_schema,
                value,
                timestamp: r.timestamp,
                headers: r.headers,
                kafka_offset: None,
            },
            SourceContext {
                seq: r.seq,
                source_partition: r.source_partition,
                source_offset: r.source_offset,
                trace: r.trace,
                raw_key,
                raw_value,
            },
        )
    }

    /// The source record again, after transforms.
    pub fn into_source(self, ctx: SourceContext) -> SourceRecord {
        SourceRecord {
            seq: ctx.seq,
            source_partition: ctx.source_partition,
            source_offset: ctx.source_offset,
            topic: self.topic,
            kafka_partition: self.kafka_partition,
            key: join_data(self.key_schema, self.key, ctx.raw_key),
            value: join_data(self.value_schema, self.value, ctx.raw_value),
            timestamp: self.timestamp,
            headers: self.headers,
            trace: ctx.trace,
        }
    }

    /// Splits a sink record into what transforms see and what they keep.
    pub fn from_sink(r: SinkRecord) -> (ConnectRecord, SinkContext) {
        let (key_schema, key, raw_key) = split_data(r.key);
        let (value_schema, value, raw_value) = split_data(r.value);
        (
            ConnectRecord {
                topic: r.topic,
                kafka_partition: Some(r.kafka_partition),
                key_schema,
                key,
                value_schema,
                value,
                timestamp: r.timestamp,
                headers: r.headers,
                kafka_offset: Some(r.kafka_offset),
            },
            SinkContext {
                kafka_partition: r.kafka_partition,
                kafka_offset: r.kafka_offset,
                timestamp_type: r.timestamp_type,
                original_topic: r.original_topic,
                original_kafka_partition: r.original_kafka_partition,
                trace: r.trace,
                raw_key,
                raw_value,
            },
        )
    }

    /// The sink record again, after transforms (the original topic, partition and offset
    /// stay, as in Kafka Connect's `SinkRecord.newRecord`).
    pub fn into_sink(self, ctx: SinkContext) -> SinkRecord {
        SinkRecord {
            topic: self.topic,
            kafka_partition: self.kafka_partition.unwrap_or(ctx.kafka_partition),
            kafka_offset: ctx.kafka_offset,
            key: join_data(self.key_schema, self.key, ctx.raw_key),
            value: join_data(self.value_schema, self.value, ctx.raw_value),
            timestamp: self.timestamp,
            timestamp_type: ctx.timestamp_type,
            headers: self.headers,
            original_topic: ctx.original_topic,
            original_kafka_partition: ctx.original_kafka_partition,
            trace: ctx.trace,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bytes_go_back_raw() {
        let r = SourceRecord {
            seq: 7,
            source_partition: None,
            source_offset: None,
            topic: "t".into(),
            kafka_partition: Some(1),
            key: RecordData::Raw(Bytes::from_static(b"k")),
            value: RecordData::Structured(SchemaAndValue::new(None, Value::String("v".into()))),
            timestamp: Some(5),
            headers: vec![],
            trace: TraceContext::default(),
        };
        let (c, ctx) = ConnectRecord::from_source(r.clone());
        assert_eq!(c.key, Value::Bytes(Bytes::from_static(b"k")));
        assert_eq!(c.into_source(ctx), r);
    }
}
