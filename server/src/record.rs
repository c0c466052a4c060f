//! Records as the core handles them between a connector and Kafka.

use std::sync::Arc;

use bytes::Bytes;

use crate::data::{Header, SchemaAndValue, Value};

/// A record key or value: structured Kafka Connect data, or bytes that are already
/// serialized (the raw-bytes fast path, written to Kafka unchanged).
#[derive(Debug, Clone, PartialEq)]
pub enum RecordData {
    Structured(SchemaAndValue),
    Raw(Bytes),
}

impl RecordData {
    pub const NULL: RecordData = RecordData::Structured(SchemaAndValue::NULL);
}

/// W3C trace context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceContext {
    pub traceparent: String,
    pub tracestate: String,
}

impl TraceContext {
    pub fn is_empty(&self) -> bool {
        self.traceparent.is_empty()
    }
}

/// A record from a source connector (Kafka Connect's SourceRecord) plus its stream `seq`.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    pub seq: u64,
    /// Shared: the records of one batch from one source partition hold the same value.
    pub source_partition: Option<Arc<Value>>,
    pub source_offset: Option<Value>,
    pub topic: String,
    pub kafka_partition: Option<i32>,
    pub key: RecordData,
    pub value: RecordData,
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
    pub trace: TraceContext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampType {
    NoTimestampType,
    CreateTime,
    LogAppendTime,
}

/// A record for a sink connector (Kafka Connect's SinkRecord).
#[derive(Debug, Clone, PartialEq)]
pub struct SinkRecord {
    pub topic: String,
    pub kafka_partition: i32,
    pub kafka_offset: i64,
    pub key: RecordData,
    pub value: RecordData,
    pub timestamp: Option<i64>,
    pub timestamp_type: TimestampType,
    pub headers: Vec<Header>,
    pub original_topic: String,
    pub original_kafka_partition: i32,
    pub trace: TraceContext,
}
