//! Conversion between the protocol's generated types and the core's own types. This is the
//! only module (with the rest of `plugin/`) that knows the generated proto types.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use polyconnect_proto::v1 as pb;

use crate::data::{Field, Header, Schema, SchemaAndValue, SchemaType, Struct, Value};
use crate::record::{RecordData, SinkRecord, SourceRecord, TimestampType, TraceContext};
use crate::transforms::ConnectRecord;

/// A malformed message from a connector: the batch is rejected with this cause.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("malformed message from connector: {0}")]
pub struct WireError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, WireError> {
    Err(WireError(msg.into()))
}

/// Schemas defined on one stream, one direction (protocol rule 12).
#[derive(Default)]
pub struct SchemaRefsIn {
    defs: HashMap<u32, Arc<Schema>>,
}

/// Schemas this side has sent on one stream, keyed by the schema's address (the `Arc`
/// held here keeps the address unique).
#[derive(Default)]
pub struct SchemaRefsOut {
    enabled: bool,
    sent: HashMap<usize, (Arc<Schema>, u32)>,
    next: u32,
}

impl SchemaRefsOut {
    pub fn new(enabled: bool) -> SchemaRefsOut {
        SchemaRefsOut {
            enabled,
            sent: HashMap::new(),
            next: 1,
        }
    }
}

fn schema_type_from(t: i32) -> Result<SchemaType, WireError> {
    Ok(match pb::SchemaType::try_from(t) {
        Ok(pb::SchemaType::Int8) => SchemaType::Int8,
        Ok(pb::SchemaType::Int16) => SchemaType::Int16,
        Ok(pb::SchemaType::Int32) => SchemaType::Int32,
        Ok(pb::SchemaType::Int64) => SchemaType::Int64,
        Ok(pb::SchemaType::Float32) => SchemaType::Float32,
        Ok(pb::SchemaType::Float64) => SchemaType::Float64,
        Ok(pb::SchemaType::Boolean) => SchemaType::Boolean,
        Ok(pb::SchemaType::String) => SchemaType::String,
        Ok(pb::SchemaType::Bytes) => SchemaType::Bytes,
        Ok(pb::SchemaType::Array) => SchemaType::Array,
        Ok(pb::SchemaType::Map) => SchemaType::Map,
        Ok(pb::SchemaType::Struct) => SchemaType::Struct,
        _ => return err(format!("unknown schema type {t}")),
    })
}

fn schema_type_to(t: SchemaType) -> pb::SchemaType {
    match t {
        SchemaType::Int8 => pb::SchemaType::Int8,
        SchemaType::Int16 => pb::SchemaType::Int16,
        SchemaType::Int32 => pb::SchemaType::Int32,
        SchemaType::Int64 => pb::SchemaType::Int64,
        SchemaType::Float32 => pb::SchemaType::Float32,
        SchemaType::Float64 => pb::SchemaType::Float64,
        SchemaType::Boolean => pb::SchemaType::Boolean,
        SchemaType::String => pb::SchemaType::String,
        SchemaType::Bytes => pb::SchemaType::Bytes,
        SchemaType::Array => pb::SchemaType::Array,
        SchemaType::Map => pb::SchemaType::Map,
        SchemaType::Struct => pb::SchemaType::Struct,
    }
}

pub fn schema_from_proto(p: pb::Schema, refs: &mut SchemaRefsIn) -> Result<Arc<Schema>, WireError> {
    if p.r#ref != 0 {
        return refs.defs.get(&p.r#ref).cloned().ok_or_else(|| {
            WireError(format!(
                "schema reference {} was never defined on this stream",
                p.r#ref
            ))
        });
    }
    let id = p.id;
    let schema_type = schema_type_from(p.r#type)?;
    let mut s = Schema::new(schema_type);
    s.optional = p.optional;
    s.name = Some(p.name).filter(|n| !n.is_empty());
    s.version = p.version;
    s.doc = Some(p.doc).filter(|d| !d.is_empty());
    if !p.parameters.is_empty() {
        let mut params = p.parameters;
        let mut ordered = Vec::with_capacity(params.len());
        for k in p.parameter_order {
            if let Some(v) = params.remove(&k) {
                ordered.push((k, v));
            }
        }
        let mut rest: Vec<_> = params.into_iter().collect();
        rest.sort();
        ordered.extend(rest);
        s.parameters = Some(ordered);
    }
    match schema_type {
        SchemaType::Array => {
            let items = p
                .value_schema
                .ok_or_else(|| WireError("ARRAY schema without value_schema".into()))?;
            s.value_schema = Some(schema_from_proto(*items, refs)?);
        }
        SchemaType::Map => {
            let k = p
                .key_schema
                .ok_or_else(|| WireError("MAP schema without key_schema".into()))?;
            let v = p
                .value_schema
                .ok_or_else(|| WireError("MAP schema without value_schema".into()))?;
            s.key_schema = Some(schema_from_proto(*k, refs)?);
            s.value_schema = Some(schema_from_proto(*v, refs)?);
        }
        SchemaType::Struct => {
            for f in p.fields {
                let fs = f.schema.ok_or_else(|| {
                    WireError(format!("struct field '{}' without schema", f.name))
                })?;
                if s.fields.iter().any(|x| x.name == f.name) {
                    return err(format!("duplicate struct field '{}'", f.name));
                }
                s.fields.push(Field {
                    name: f.name,
                    schema: schema_from_proto(fs, refs)?,
                });
            }
        }
        _ => {}
    }
    if let Some(d) = p.default_value {
        let v = value_from_proto(d, Some(&Arc::new(s.clone())))?;
        s.default_value = Some(v).filter(|v| !v.is_null());
    }
    if s.default_value.is_some() {
        let check = s.clone();
        check
            .validate_value(s.default_value.as_ref().unwrap_or(&Value::Null))
            .map_err(|e| WireError(format!("invalid default value: {e}")))?;
    }
    let s = Arc::new(s);
    if id != 0 {
        refs.defs.insert(id, s.clone());
    }
    Ok(s)
}

pub fn schema_to_proto(s: &Arc<Schema>, refs: &mut SchemaRefsOut) -> pb::Schema {
    if refs.enabled {
        let key = Arc::as_ptr(s) as usize;
        if let Some((_, id)) = refs.sent.get(&key) {
            return pb::Schema {
                r#ref: *id,
                ..Default::default()
            };
        }
    }
    let mut p = schema_to_proto_inner(s, refs);
    if refs.enabled {
        let id = refs.next;
        refs.next += 1;
        refs.sent.insert(Arc::as_ptr(s) as usize, (s.clone(), id));
        p.id = id;
    }
    p
}

fn schema_to_proto_inner(s: &Arc<Schema>, refs: &mut SchemaRefsOut) -> pb::Schema {
    let (parameters, parameter_order) = match &s.parameters {
        Some(ps) => (
            ps.iter().cloned().collect(),
            ps.iter().map(|(k, _)| k.clone()).collect(),
        ),
        None => (HashMap::new(), Vec::new()),
    };
    pb::Schema {
        r#type: schema_type_to(s.schema_type) as i32,
        optional: s.optional,
        default_value: s.default_value.as_ref().map(value_to_proto_ref),
        name: s.name.clone().unwrap_or_default(),
        version: s.version,
        doc: s.doc.clone().unwrap_or_default(),
        parameters,
        key_schema: s
            .key_schema
            .as_ref()
            .map(|k| Box::new(schema_to_proto(k, refs))),
        value_schema: s
            .value_schema
            .as_ref()
            .map(|v| Box::new(schema_to_proto(v, refs))),
        fields: s
            .fields
            .iter()
            .map(|f| pb::Field {
                name: f.name.clone(),
                schema: Some(schema_to_proto(&f.schema, refs)),
            })
            .collect(),
        id: 0,
        r#ref: 0,
        parameter_order,
    }
}

/// A proto value, checked against its schema when there is one.
pub fn value_from_proto(v: pb::Value, schema: Option<&Arc<Schema>>) -> Result<Value, WireError> {
    use pb::value::Kind;
    let Some(kind) = v.kind else {
        return Ok(Value::Null);
    };
    let value = match kind {
        Kind::Null(_) => Value::Null,
        Kind::Boolean(b) => Value::Boolean(b),
        Kind::Int8(i) => {
            Value::Int8(i8::try_from(i).map_err(|_| WireError(format!("int8 out of range: {i}")))?)
        }
        Kind::Int16(i) => Value::Int16(
            i16::try_from(i).map_err(|_| WireError(format!("int16 out of range: {i}")))?,
        ),
        Kind::Int32(i) => Value::Int32(i),
        Kind::Int64(i) => Value::Int64(i),
        Kind::Float32(f) => Value::Float32(f),
        Kind::Float64(f) => Value::Float64(f),
        Kind::String(s) => Value::String(s),
        Kind::Bytes(b) => Value::Bytes(b),
        Kind::Decimal(d) => Value::Decimal {
            unscaled: d.unscaled,
            scale: d.scale,
        },
        Kind::Array(a) => {
            let item_schema = schema.and_then(|s| s.value_schema.as_ref());
            Value::Array(
                a.items
                    .into_iter()
                    .map(|i| value_from_proto(i, item_schema))
                    .collect::<Result<_, _>>()?,
            )
        }
        Kind::Map(m) => {
            let ks = schema.and_then(|s| s.key_schema.as_ref());
            let vs = schema.and_then(|s| s.value_schema.as_ref());
            Value::Map(
                m.entries
                    .into_iter()
                    .map(|e| {
                        Ok((
                            value_from_proto(e.key.unwrap_or_default(), ks)?,
                            value_from_proto(e.value.unwrap_or_default(), vs)?,
                        ))
                    })
                    .collect::<Result<_, WireError>>()?,
            )
        }
        Kind::Struct(st) => {
            let Some(s) = schema else {
                return err("a struct value needs a schema");
            };
            if s.schema_type != SchemaType::Struct {
                return err(format!(
                    "struct value for a {} schema",
                    s.schema_type.connect_name()
                ));
            }
            if st.fields.len() != s.fields.len() {
                return err(format!(
                    "struct has {} values but its schema has {} fields",
                    st.fields.len(),
                    s.fields.len()
                ));
            }
            let mut values = Vec::with_capacity(st.fields.len());
            for (v, f) in st.fields.into_iter().zip(&s.fields) {
                let v = value_from_proto(v, Some(&f.schema))?;
                values.push(v);
            }
            Value::Struct(Struct {
                schema: s.clone(),
                values,
            })
        }
    };
    if let Some(s) = schema {
        // Schemaless decimals are accepted for Decimal schemas with the same scale.
        let decimal_ok = matches!(&value, Value::Decimal { scale, .. }
            if s.is_logical(crate::data::DECIMAL) && s.decimal_scale().ok() == Some(*scale));
        if !decimal_ok {
            s.validate_value(&value).map_err(|e| WireError(e.message))?;
        }
    }
    Ok(value)
}

pub fn value_to_proto(v: Value) -> pb::Value {
    use pb::value::Kind;
    let kind = match v {
        Value::Null => Kind::Null(0),
        Value::Boolean(b) => Kind::Boolean(b),
        Value::Int8(i) => Kind::Int8(i as i32),
        Value::Int16(i) => Kind::Int16(i as i32),
        Value::Int32(i) => Kind::Int32(i),
        Value::Int64(i) => Kind::Int64(i),
        Value::Float32(f) => Kind::Float32(f),
        Value::Float64(f) => Kind::Float64(f),
        Value::String(s) => Kind::String(s),
        Value::Bytes(b) => Kind::Bytes(b),
        Value::Decimal { unscaled, scale } => Kind::Decimal(pb::Decimal { unscaled, scale }),
        Value::Array(items) => Kind::Array(pb::Array {
            items: items.into_iter().map(value_to_proto).collect(),
        }),
        Value::Map(entries) => Kind::Map(pb::Map {
            entries: entries
                .into_iter()
                .map(|(k, v)| pb::MapEntry {
                    key: Some(value_to_proto(k)),
                    value: Some(value_to_proto(v)),
                })
                .collect(),
        }),
        Value::Struct(s) => Kind::Struct(pb::Struct {
            fields: s.values.into_iter().map(value_to_proto).collect(),
        }),
    };
    pb::Value { kind: Some(kind) }
}

pub fn value_to_proto_ref(v: &Value) -> pb::Value {
    value_to_proto(v.clone())
}

fn data_from_proto(
    d: Option<pb::RecordData>,
    refs: &mut SchemaRefsIn,
) -> Result<RecordData, WireError> {
    let Some(d) = d else {
        return Ok(RecordData::NULL);
    };
    Ok(match d.kind {
        None => RecordData::NULL,
        Some(pb::record_data::Kind::Raw(b)) => RecordData::Raw(b),
        Some(pb::record_data::Kind::Structured(s)) => {
            let schema = match s.schema {
                Some(p) => Some(schema_from_proto(p, refs)?),
                None => None,
            };
            let value = value_from_proto(s.value.unwrap_or_default(), schema.as_ref())?;
            RecordData::Structured(SchemaAndValue::new(schema, value))
        }
    })
}

/// A key or value with its schema (a converter's SchemaAndValue) as the protocol's Structured.
pub fn structured_to_proto(sv: SchemaAndValue, refs: &mut SchemaRefsOut) -> pb::Structured {
    pb::Structured {
        schema: sv.schema.as_ref().map(|s| schema_to_proto(s, refs)),
        value: Some(value_to_proto(sv.value)),
    }
}

/// The protocol's Structured as a SchemaAndValue; absent: null, schemaless.
pub fn structured_from_proto(
    s: Option<pb::Structured>,
    refs: &mut SchemaRefsIn,
) -> Result<SchemaAndValue, WireError> {
    let Some(s) = s else {
        return Ok(SchemaAndValue::new(None, Value::Null));
    };
    let schema = match s.schema {
        Some(p) => Some(schema_from_proto(p, refs)?),
        None => None,
    };
    let value = value_from_proto(s.value.unwrap_or_default(), schema.as_ref())?;
    Ok(SchemaAndValue::new(schema, value))
}

fn data_to_proto(d: RecordData, refs: &mut SchemaRefsOut) -> Option<pb::RecordData> {
    Some(pb::RecordData {
        kind: Some(match d {
            RecordData::Raw(b) => pb::record_data::Kind::Raw(b),
            RecordData::Structured(sv) => pb::record_data::Kind::Structured(pb::Structured {
                schema: sv.schema.as_ref().map(|s| schema_to_proto(s, refs)),
                value: Some(value_to_proto(sv.value)),
            }),
        }),
    })
}

fn headers_from_proto(
    hs: Vec<pb::Header>,
    refs: &mut SchemaRefsIn,
) -> Result<Vec<Header>, WireError> {
    hs.into_iter()
        .map(|h| {
            let schema = match h.schema {
                Some(p) => Some(schema_from_proto(p, refs)?),
                None => None,
            };
            let value = value_from_proto(h.value.unwrap_or_default(), schema.as_ref())?;
            Ok(Header {
                key: h.key,
                schema,
                value,
            })
        })
        .collect()
}

fn headers_to_proto(hs: Vec<Header>, refs: &mut SchemaRefsOut) -> Vec<pb::Header> {
    hs.into_iter()
        .map(|h| pb::Header {
            key: h.key,
            schema: h.schema.as_ref().map(|s| schema_to_proto(s, refs)),
            value: Some(value_to_proto(h.value)),
        })
        .collect()
}

pub fn trace_from_proto(t: Option<pb::TraceContext>) -> TraceContext {
    t.map(|t| TraceContext {
        traceparent: t.traceparent,
        tracestate: t.tracestate,
    })
    .unwrap_or_default()
}

pub fn trace_to_proto(t: &TraceContext) -> Option<pb::TraceContext> {
    if t.is_empty() {
        None
    } else {
        Some(pb::TraceContext {
            traceparent: t.traceparent.clone(),
            tracestate: t.tracestate.clone(),
        })
    }
}

/// Source partition and offset maps must be maps (or absent).
fn offset_map(v: Option<pb::Value>, what: &str) -> Result<Option<Value>, WireError> {
    match v {
        None => Ok(None),
        Some(v) => match value_from_proto(v, None)? {
            Value::Null => Ok(None),
            m @ Value::Map(_) => Ok(Some(m)),
            other => err(format!("{what} must be a map, got {}", other.type_name())),
        },
    }
}

pub fn source_record_from_proto(
    r: pb::SourceRecord,
    refs: &mut SchemaRefsIn,
) -> Result<SourceRecord, WireError> {
    if r.topic.is_empty() {
        return err(format!("record {} has no topic", r.seq));
    }
    Ok(SourceRecord {
        seq: r.seq,
        source_partition: offset_map(r.source_partition, "source_partition")?,
        source_offset: offset_map(r.source_offset, "source_offset")?,
        topic: r.topic,
        kafka_partition: r.kafka_partition,
        key: data_from_proto(r.key, refs)?,
        value: data_from_proto(r.value, refs)?,
        timestamp: r.timestamp,
        headers: headers_from_proto(r.headers, refs)?,
        trace: trace_from_proto(r.trace),
    })
}

pub fn sink_record_to_proto(r: SinkRecord, refs: &mut SchemaRefsOut) -> pb::SinkRecord {
    pb::SinkRecord {
        topic: r.topic,
        kafka_partition: r.kafka_partition,
        kafka_offset: r.kafka_offset,
        key: data_to_proto(r.key, refs),
        value: data_to_proto(r.value, refs),
        timestamp: r.timestamp,
        timestamp_type: match r.timestamp_type {
            TimestampType::NoTimestampType => pb::TimestampType::NoTimestampType,
            TimestampType::CreateTime => pb::TimestampType::CreateTime,
            TimestampType::LogAppendTime => pb::TimestampType::LogAppendTime,
        } as i32,
        headers: headers_to_proto(r.headers, refs),
        original_topic: r.original_topic,
        original_kafka_partition: r.original_kafka_partition,
        trace: trace_to_proto(&r.trace),
    }
}

/// A record for an out-of-process transform or predicate (its `index` in the batch).
pub fn transform_record_to_proto(
    r: &ConnectRecord,
    index: u32,
    timestamp_type: TimestampType,
    trace: &TraceContext,
    refs: &mut SchemaRefsOut,
) -> pb::TransformRecord {
    let data = |schema: &Option<Arc<Schema>>, value: &Value, refs: &mut SchemaRefsOut| {
        if schema.is_none() && matches!(value, Value::Null) {
            return None;
        }
        Some(pb::RecordData {
            kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                schema: schema.as_ref().map(|s| schema_to_proto(s, refs)),
                value: Some(value_to_proto_ref(value)),
            })),
        })
    };
    pb::TransformRecord {
        index,
        topic: r.topic.clone(),
        kafka_partition: r.kafka_partition,
        key: data(&r.key_schema, &r.key, refs),
        value: data(&r.value_schema, &r.value, refs),
        timestamp: r.timestamp,
        headers: headers_to_proto(r.headers.clone(), refs),
        kafka_offset: r.kafka_offset,
        timestamp_type: match timestamp_type {
            TimestampType::NoTimestampType => pb::TimestampType::NoTimestampType,
            TimestampType::CreateTime => pb::TimestampType::CreateTime,
            TimestampType::LogAppendTime => pb::TimestampType::LogAppendTime,
        } as i32,
        trace: trace_to_proto(trace),
    }
}

/// A record an out-of-process transform returned. The Kafka offset stays the core's.
pub fn transform_record_from_proto(
    r: pb::TransformRecord,
    kafka_offset: Option<i64>,
    refs: &mut SchemaRefsIn,
) -> Result<ConnectRecord, WireError> {
    let data = |d: Option<pb::RecordData>, refs: &mut SchemaRefsIn| {
        Ok::<_, WireError>(match data_from_proto(d, refs)? {
            RecordData::Structured(sv) => (sv.schema, sv.value),
            RecordData::Raw(b) => {
                let sv = raw_as_value(b);
                (sv.schema, sv.value)
            }
        })
    };
    let (key_schema, key) = data(r.key, refs)?;
    let (value_schema, value) = data(r.value, refs)?;
    if r.topic.is_empty() {
        return err(format!("transformed record {} has no topic", r.index));
    }
    Ok(ConnectRecord {
        topic: r.topic,
        kafka_partition: r.kafka_partition,
        key_schema,
        key,
        value_schema,
        value,
        timestamp: r.timestamp,
        headers: headers_from_proto(r.headers, refs)?,
        kafka_offset,
    })
}

/// A source partition/offset pair for `SourceStart` and `OffsetsAnswer`.
pub fn source_offset_to_proto(partition: Value, offset: Option<Value>) -> pb::SourceOffset {
    pb::SourceOffset {
        partition: Some(value_to_proto(partition)),
        offset: offset.map(value_to_proto),
    }
}

pub fn partition_from_proto(v: pb::Value) -> Result<Value, WireError> {
    value_from_proto(v, None)
}

/// Raw bytes of a record key or value, as an optional BYTES value for transforms.
pub fn raw_as_value(b: Bytes) -> SchemaAndValue {
    SchemaAndValue::new(
        Some(Arc::new(Schema::new(SchemaType::Bytes).optional())),
        Value::Bytes(b),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_round_trip_with_refs() {
        let s = Arc::new(
            Schema::new(SchemaType::Struct)
                .named("x")
                .field("a", Schema::decimal(2))
                .field(
                    "m",
                    Schema::map(
                        Schema::new(SchemaType::String),
                        Schema::new(SchemaType::Int32).optional(),
                    ),
                )
                .parameter("z", "1")
                .parameter("a", "2"),
        );
        let mut out = SchemaRefsOut::new(true);
        let first = schema_to_proto(&s, &mut out);
        let second = schema_to_proto(&s, &mut out);
        assert!(first.id != 0);
        assert_eq!(second.r#ref, first.id);
        let mut inn = SchemaRefsIn::default();
        let a = schema_from_proto(first, &mut inn).unwrap();
        let b = schema_from_proto(second, &mut inn).unwrap();
        assert_eq!(a.as_ref(), s.as_ref());
        assert!(Arc::ptr_eq(&a, &b));
        assert!(schema_from_proto(
            pb::Schema {
                r#ref: 99,
                ..Default::default()
            },
            &mut inn
        )
        .is_err());
    }

    #[test]
    fn values_are_checked_against_schemas() {
        let s =
            Arc::new(Schema::new(SchemaType::Struct).field("a", Schema::new(SchemaType::Int32)));
        let ok = pb::Value {
            kind: Some(pb::value::Kind::Struct(pb::Struct {
                fields: vec![value_to_proto(Value::Int32(1))],
            })),
        };
        assert!(value_from_proto(ok, Some(&s)).is_ok());
        let bad = pb::Value {
            kind: Some(pb::value::Kind::Struct(pb::Struct {
                fields: vec![value_to_proto(Value::String("x".into()))],
            })),
        };
        assert!(value_from_proto(bad, Some(&s)).is_err());
        let wrong_len = pb::Value {
            kind: Some(pb::value::Kind::Struct(pb::Struct { fields: vec![] })),
        };
        assert!(value_from_proto(wrong_len, Some(&s)).is_err());
        assert!(value_from_proto(
            value_to_proto(Value::Int32(300)),
            Some(&Arc::new(Schema::new(SchemaType::Int8)))
        )
        .is_err());
    }
}
