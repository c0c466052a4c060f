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
        source_partition: offset_map(r.source_partition, "source_partition")?.map(Arc::new),
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

/// A key or value column of a columnar source batch (`DataColumn`), one entry per record.
fn data_column(
    c: Option<pb::DataColumn>,
    count: usize,
    what: &str,
    refs: &mut SchemaRefsIn,
) -> Result<Vec<RecordData>, WireError> {
    use pb::DataColumnType as Type;
    let Some(c) = c else {
        return Ok(vec![RecordData::NULL; count]);
    };
    let r#type = Type::try_from(c.r#type)
        .map_err(|_| WireError(format!("{what} column: unknown type {}", c.r#type)))?;
    // The records whose entry is null, checked: ascending and in range.
    let mut nulls = vec![false; if c.nulls.is_empty() { 0 } else { count }];
    let mut prev: Option<u32> = None;
    for &i in &c.nulls {
        if i as usize >= count || prev.is_some_and(|p| p >= i) {
            return err(format!(
                "{what} column: null index {i} is out of range or not ascending ({count} records)"
            ));
        }
        prev = Some(i);
        nulls[i as usize] = true;
    }
    let is_null = |i: usize| !nulls.is_empty() && nulls[i];
    let len_check = |n: usize, list: &str| {
        if n == count {
            Ok(())
        } else {
            err(format!(
                "{what} column: {n} entries in `{list}` for {count} records"
            ))
        }
    };
    match r#type {
        Type::Null => {
            if !c.strings.is_empty()
                || !c.bytes.is_empty()
                || !c.nulls.is_empty()
                || c.schema.is_some()
            {
                return err(format!("{what} column: NULL with entries or a schema"));
            }
            Ok(vec![RecordData::NULL; count])
        }
        Type::Raw => {
            if !c.strings.is_empty() || c.schema.is_some() {
                return err(format!("{what} column: RAW with strings or a schema"));
            }
            len_check(c.bytes.len(), "bytes")?;
            Ok(c.bytes
                .into_iter()
                .enumerate()
                .map(|(i, b)| {
                    if is_null(i) {
                        RecordData::NULL
                    } else {
                        RecordData::Raw(b)
                    }
                })
                .collect())
        }
        Type::String | Type::Bytes => {
            let (want, name) = match r#type {
                Type::String => (SchemaType::String, "STRING"),
                _ => (SchemaType::Bytes, "BYTES"),
            };
            let schema = match c.schema {
                Some(p) => {
                    let schema = schema_from_proto(p, refs)?;
                    if schema.schema_type != want {
                        return err(format!(
                            "{what} column: a {name} column with a {:?} schema",
                            schema.schema_type
                        ));
                    }
                    Some(schema)
                }
                None => None,
            };
            let data = |v: Value| RecordData::Structured(SchemaAndValue::new(schema.clone(), v));
            let (entries, other) = match r#type {
                Type::String => (c.strings.len(), c.bytes.len()),
                _ => (c.bytes.len(), c.strings.len()),
            };
            if other != 0 {
                return err(format!(
                    "{what} column: a {name} column with {}",
                    if r#type == Type::String {
                        "bytes"
                    } else {
                        "strings"
                    }
                ));
            }
            if entries == 0 && c.nulls.is_empty() && count > 0 {
                // Every record's key (value) is null: no entries at all.
                return Ok(vec![data(Value::Null); count]);
            }
            let rows = |values: Vec<Value>| -> Vec<RecordData> {
                values
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| data(if is_null(i) { Value::Null } else { v }))
                    .collect()
            };
            if r#type == Type::String {
                len_check(entries, "strings")?;
                Ok(rows(c.strings.into_iter().map(Value::String).collect()))
            } else {
                len_check(entries, "bytes")?;
                Ok(rows(c.bytes.into_iter().map(Value::Bytes).collect()))
            }
        }
    }
}

/// The records of a columnar source batch (`SourceColumns`), exactly as the same records
/// sent as rows would be. Each distinct source partition is decoded once; integer offsets
/// are built straight from the matrix. Any inconsistency (a column of the wrong length, an
/// index out of range) refuses the whole batch.
pub fn source_records_from_columns(
    c: pb::SourceColumns,
    refs: &mut SchemaRefsIn,
) -> Result<Vec<SourceRecord>, WireError> {
    let count = c.count as usize;
    if c.first_seq == 0 || c.first_seq.checked_add(c.count as u64).is_none() {
        return err(format!("columns: first seq {} is not valid", c.first_seq));
    }
    let per_record = |n: usize, list: &str, optional: bool| {
        if n == count || (optional && n == 0) {
            Ok(())
        } else {
            err(format!(
                "columns: {n} entries in `{list}` for {count} records"
            ))
        }
    };
    // Source partitions: the distinct ones decoded once.
    let partitions: Vec<Option<Arc<Value>>> = c
        .partitions
        .into_iter()
        .map(|p| Ok(offset_map(Some(p), "source_partition")?.map(Arc::new)))
        .collect::<Result<_, WireError>>()?;
    per_record(c.partition_index.len(), "partition_index", true)?;
    if c.partition_index.is_empty() && partitions.len() > 1 {
        return err(format!(
            "columns: {} partitions without `partition_index`",
            partitions.len()
        ));
    }
    if let Some(&i) = c
        .partition_index
        .iter()
        .find(|&&i| i as usize >= partitions.len())
    {
        return err(format!(
            "columns: partition index {i} out of range ({} partitions)",
            partitions.len()
        ));
    }
    // Topics.
    if c.topics.is_empty() || c.topics.iter().any(|t| t.is_empty()) {
        return err("columns: no topic, or an empty one");
    }
    per_record(c.topic_index.len(), "topic_index", true)?;
    if c.topic_index.is_empty() && c.topics.len() > 1 {
        return err(format!(
            "columns: {} topics without `topic_index`",
            c.topics.len()
        ));
    }
    if let Some(&i) = c
        .topic_index
        .iter()
        .find(|&&i| i as usize >= c.topics.len())
    {
        return err(format!(
            "columns: topic index {i} out of range ({} topics)",
            c.topics.len()
        ));
    }
    per_record(c.kafka_partitions.len(), "kafka_partitions", true)?;
    per_record(c.timestamps.len(), "timestamps", true)?;
    // Offsets.
    enum Offsets {
        None,
        Int(Vec<String>, Vec<i64>),
        Values(std::vec::IntoIter<pb::Value>),
    }
    let mut offsets = match c.offsets {
        None => Offsets::None,
        Some(pb::source_columns::Offsets::IntOffsets(o)) => {
            if o.values.len() != count * o.keys.len() {
                return err(format!(
                    "columns: {} int offset values for {count} records of {} keys",
                    o.values.len(),
                    o.keys.len()
                ));
            }
            Offsets::Int(o.keys, o.values)
        }
        Some(pb::source_columns::Offsets::ValueOffsets(o)) => {
            per_record(o.offsets.len(), "offsets", false)?;
            Offsets::Values(o.offsets.into_iter())
        }
    };
    let keys = data_column(c.key, count, "key", refs)?;
    let values = data_column(c.value, count, "value", refs)?;
    let mut records = Vec::with_capacity(count);
    for (i, (key, value)) in keys.into_iter().zip(values).enumerate() {
        let source_partition = match c.partition_index.get(i) {
            Some(&p) => partitions[p as usize].clone(),
            None => partitions.first().cloned().flatten(),
        };
        let source_offset = match &mut offsets {
            Offsets::None => None,
            Offsets::Int(keys, values) => {
                let row = &values[i * keys.len()..(i + 1) * keys.len()];
                Some(Value::Map(
                    keys.iter()
                        .zip(row)
                        .map(|(k, v)| (Value::String(k.clone()), Value::Int64(*v)))
                        .collect(),
                ))
            }
            Offsets::Values(it) => offset_map(it.next(), "source_offset")?,
        };
        let topic = match c.topic_index.get(i) {
            Some(&t) => c.topics[t as usize].clone(),
            None => c.topics[0].clone(),
        };
        records.push(SourceRecord {
            seq: c.first_seq + i as u64,
            source_partition,
            source_offset,
            topic,
            kafka_partition: c.kafka_partitions.get(i).copied(),
            key,
            value,
            timestamp: c.timestamps.get(i).copied(),
            headers: Vec::new(),
            trace: TraceContext::default(),
        });
    }
    Ok(records)
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

/// Fewer records go as rows. From this many on, a Put in columns is never larger than the
/// same Put in rows (each record saves at least 8 bytes in columns, the columns' own framing
/// costs at most about 80 bytes per Put), so the worker's splitting of Puts by bytes holds
/// for both forms.
pub const MIN_COLUMN_RECORDS: usize = 16;

/// A Put's records for the wire: in columns (`Put.columns`) when `columnar` was negotiated,
/// the Put has at least [`MIN_COLUMN_RECORDS`] records and every record fits columns, else
/// as rows. Columns cost no allocation per record: the records' strings and bytes move
/// into them.
pub fn sink_put_to_proto(
    records: Vec<SinkRecord>,
    columnar: bool,
    refs: &mut SchemaRefsOut,
) -> (Vec<pb::SinkRecord>, Option<pb::SinkColumns>) {
    sink_put_to_proto_from(records, columnar, MIN_COLUMN_RECORDS, refs)
}

fn sink_put_to_proto_from(
    records: Vec<SinkRecord>,
    columnar: bool,
    min_records: usize,
    refs: &mut SchemaRefsOut,
) -> (Vec<pb::SinkRecord>, Option<pb::SinkColumns>) {
    if columnar && !records.is_empty() && records.len() >= min_records {
        if let Some((keys, values)) = columns_fit(&records) {
            return (Vec::new(), Some(sink_columns(records, keys, values, refs)));
        }
    }
    let rows = records
        .into_iter()
        .map(|r| sink_record_to_proto(r, refs))
        .collect();
    (rows, None)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ColumnKind {
    Null,
    String,
    Bytes,
    Raw,
}

/// What one key or value column holds, found while checking that the records fit.
struct ColumnShape<'a> {
    kind: ColumnKind,
    schema: Option<&'a Arc<Schema>>,
}

impl<'a> ColumnShape<'a> {
    fn first(d: &'a RecordData) -> Option<ColumnShape<'a>> {
        let mut c = ColumnShape {
            kind: match d {
                RecordData::Raw(_) => ColumnKind::Raw,
                RecordData::Structured(_) => ColumnKind::Null,
            },
            schema: match d {
                RecordData::Structured(sv) => sv.schema.as_ref(),
                RecordData::Raw(_) => None,
            },
        };
        c.fits(d).then_some(c)
    }

    /// Whether `d` goes in this column (same schema, a value of the column's type or null).
    fn fits(&mut self, d: &'a RecordData) -> bool {
        let sv = match d {
            RecordData::Raw(_) => return self.kind == ColumnKind::Raw,
            RecordData::Structured(_) if self.kind == ColumnKind::Raw => return false,
            RecordData::Structured(sv) => sv,
        };
        match (self.schema, sv.schema.as_ref()) {
            (None, None) => {}
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) || a == b => {}
            _ => return false,
        }
        let want = match self.schema {
            // A logical type (a Decimal is BYTES) is decoded as such, not as the column's
            // strings or bytes.
            Some(s) if s.name.is_some() => return false,
            Some(s) => match s.schema_type {
                SchemaType::String => ColumnKind::String,
                SchemaType::Bytes => ColumnKind::Bytes,
                _ => return false,
            },
            None => match &sv.value {
                Value::Null => return true,
                Value::String(_) => ColumnKind::String,
                Value::Bytes(_) => ColumnKind::Bytes,
                _ => return false,
            },
        };
        let ok = match &sv.value {
            Value::Null => true,
            Value::String(_) => want == ColumnKind::String,
            Value::Bytes(_) => want == ColumnKind::Bytes,
            _ => false,
        };
        if !ok || (self.kind != ColumnKind::Null && self.kind != want) {
            return false;
        }
        self.kind = want;
        true
    }

    fn owned(self) -> (ColumnKind, Option<Arc<Schema>>) {
        (self.kind, self.schema.cloned())
    }
}

/// The key and value columns' shapes when every record fits columns, else `None`.
#[allow(clippy::type_complexity)]
fn columns_fit(
    records: &[SinkRecord],
) -> Option<(
    (ColumnKind, Option<Arc<Schema>>),
    (ColumnKind, Option<Arc<Schema>>),
)> {
    let first = records.first()?;
    let mut keys = ColumnShape::first(&first.key)?;
    let mut values = ColumnShape::first(&first.value)?;
    for r in records {
        if !r.headers.is_empty()
            || !r.trace.is_empty()
            || !r.trace.tracestate.is_empty()
            || r.original_kafka_partition != r.kafka_partition
            || r.original_topic != r.topic
            || !keys.fits(&r.key)
            || !values.fits(&r.value)
        {
            return None;
        }
    }
    Some((keys.owned(), values.owned()))
}

struct ColumnBuilder {
    kind: ColumnKind,
    schema: Option<Arc<Schema>>,
    strings: Vec<String>,
    bytes: Vec<Bytes>,
    nulls: Vec<u32>,
}

impl ColumnBuilder {
    fn new((kind, schema): (ColumnKind, Option<Arc<Schema>>), n: usize) -> ColumnBuilder {
        ColumnBuilder {
            kind,
            schema,
            strings: Vec::with_capacity(if kind == ColumnKind::String { n } else { 0 }),
            bytes: Vec::with_capacity(match kind {
                ColumnKind::Bytes | ColumnKind::Raw => n,
                _ => 0,
            }),
            nulls: Vec::new(),
        }
    }

    fn push(&mut self, row: u32, d: RecordData) {
        match (self.kind, d) {
            (ColumnKind::Null, _) => {}
            (ColumnKind::Raw, RecordData::Raw(b)) => self.bytes.push(b),
            (
                ColumnKind::String,
                RecordData::Structured(SchemaAndValue {
                    value: Value::String(s),
                    ..
                }),
            ) => self.strings.push(s),
            (
                ColumnKind::Bytes,
                RecordData::Structured(SchemaAndValue {
                    value: Value::Bytes(b),
                    ..
                }),
            ) => self.bytes.push(b),
            // A null (the records were checked to fit).
            (ColumnKind::String, _) => {
                self.strings.push(String::new());
                self.nulls.push(row);
            }
            (_, _) => {
                self.bytes.push(Bytes::new());
                self.nulls.push(row);
            }
        }
    }

    fn finish(mut self, refs: &mut SchemaRefsOut) -> Option<pb::DataColumn> {
        if !self.nulls.is_empty() && self.nulls.len() == self.strings.len().max(self.bytes.len()) {
            // Every value null (a null key with a schema, as StringConverter gives): no
            // values at all.
            self.strings = Vec::new();
            self.bytes = Vec::new();
            self.nulls = Vec::new();
        }
        let r#type = match self.kind {
            ColumnKind::Null => return None,
            ColumnKind::String => pb::DataColumnType::String,
            ColumnKind::Bytes => pb::DataColumnType::Bytes,
            ColumnKind::Raw => pb::DataColumnType::Raw,
        };
        Some(pb::DataColumn {
            r#type: r#type as i32,
            schema: self.schema.as_ref().map(|s| schema_to_proto(s, refs)),
            strings: self.strings,
            bytes: self.bytes,
            nulls: self.nulls,
        })
    }
}

fn timestamp_type_to_proto(t: TimestampType) -> i32 {
    let t = match t {
        TimestampType::NoTimestampType => pb::TimestampType::NoTimestampType,
        TimestampType::CreateTime => pb::TimestampType::CreateTime,
        TimestampType::LogAppendTime => pb::TimestampType::LogAppendTime,
    };
    t as i32
}

#[allow(clippy::type_complexity)]
fn sink_columns(
    records: Vec<SinkRecord>,
    keys: (ColumnKind, Option<Arc<Schema>>),
    values: (ColumnKind, Option<Arc<Schema>>),
    refs: &mut SchemaRefsOut,
) -> pb::SinkColumns {
    let n = records.len();
    let mut keys = ColumnBuilder::new(keys, n);
    let mut values = ColumnBuilder::new(values, n);
    let mut topics: Vec<String> = Vec::new();
    let mut topic_indexes = Vec::with_capacity(n);
    let mut partitions = Vec::with_capacity(n);
    let mut offsets = Vec::with_capacity(n);
    let mut timestamps = Vec::with_capacity(n);
    let mut no_timestamp = Vec::new();
    let mut timestamp_types = Vec::with_capacity(n);
    let mut topic = 0usize;
    for (row, r) in records.into_iter().enumerate() {
        let row = row as u32;
        if topics.get(topic) != Some(&r.topic) {
            topic = match topics.iter().position(|t| *t == r.topic) {
                Some(i) => i,
                None => {
                    topics.push(r.topic);
                    topics.len() - 1
                }
            };
        }
        topic_indexes.push(topic as u32);
        partitions.push(r.kafka_partition);
        offsets.push(r.kafka_offset);
        match r.timestamp {
            Some(t) => timestamps.push(t),
            None => {
                timestamps.push(0);
                no_timestamp.push(row);
            }
        }
        timestamp_types.push(timestamp_type_to_proto(r.timestamp_type));
        keys.push(row, r.key);
        values.push(row, r.value);
    }
    if topics.len() == 1 {
        topic_indexes = Vec::new();
    }
    if timestamp_types.iter().all(|t| *t == timestamp_types[0]) {
        timestamp_types.truncate(1);
    }
    pb::SinkColumns {
        count: n as u32,
        topics,
        topic_indexes,
        partitions,
        offsets,
        timestamps,
        no_timestamp,
        timestamp_types,
        keys: keys.finish(refs),
        values: values.finish(refs),
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

    fn ts_type_from(t: i32) -> TimestampType {
        match pb::TimestampType::try_from(t).unwrap() {
            pb::TimestampType::NoTimestampType => TimestampType::NoTimestampType,
            pb::TimestampType::CreateTime => TimestampType::CreateTime,
            pb::TimestampType::LogAppendTime => TimestampType::LogAppendTime,
        }
    }

    /// Reads columns back into records, as a receiver does.
    fn records_from_columns(c: pb::SinkColumns, refs: &mut SchemaRefsIn) -> Vec<SinkRecord> {
        let n = c.count as usize;
        assert_eq!(c.partitions.len(), n);
        assert_eq!(c.offsets.len(), n);
        assert_eq!(c.timestamps.len(), n);
        let column = |col: Option<pb::DataColumn>, refs: &mut SchemaRefsIn| -> Vec<RecordData> {
            let Some(col) = col else {
                return vec![RecordData::NULL; n];
            };
            let schema = col.schema.map(|s| schema_from_proto(s, refs).unwrap());
            let kind = pb::DataColumnType::try_from(col.r#type).unwrap();
            let all_null = col.strings.is_empty() && col.bytes.is_empty();
            (0..n)
                .map(|i| {
                    let null = all_null || col.nulls.contains(&(i as u32));
                    match kind {
                        pb::DataColumnType::Null => RecordData::NULL,
                        pb::DataColumnType::Raw => RecordData::Raw(col.bytes[i].clone()),
                        pb::DataColumnType::String => RecordData::Structured(SchemaAndValue::new(
                            schema.clone(),
                            if null {
                                Value::Null
                            } else {
                                Value::String(col.strings[i].clone())
                            },
                        )),
                        pb::DataColumnType::Bytes => RecordData::Structured(SchemaAndValue::new(
                            schema.clone(),
                            if null {
                                Value::Null
                            } else {
                                Value::Bytes(col.bytes[i].clone())
                            },
                        )),
                    }
                })
                .collect()
        };
        let keys = column(c.keys, refs);
        let values = column(c.values, refs);
        keys.into_iter()
            .zip(values)
            .enumerate()
            .map(|(i, (key, value))| {
                let topic = if c.topic_indexes.is_empty() {
                    assert_eq!(c.topics.len(), 1);
                    c.topics[0].clone()
                } else {
                    c.topics[c.topic_indexes[i] as usize].clone()
                };
                SinkRecord {
                    original_topic: topic.clone(),
                    topic,
                    kafka_partition: c.partitions[i],
                    original_kafka_partition: c.partitions[i],
                    kafka_offset: c.offsets[i],
                    key,
                    value,
                    timestamp: (!c.no_timestamp.contains(&(i as u32))).then_some(c.timestamps[i]),
                    timestamp_type: ts_type_from(if c.timestamp_types.len() == 1 {
                        c.timestamp_types[0]
                    } else {
                        c.timestamp_types[i]
                    }),
                    headers: Vec::new(),
                    trace: TraceContext::default(),
                }
            })
            .collect()
    }

    fn rec(topic: &str, offset: i64, key: RecordData, value: RecordData) -> SinkRecord {
        SinkRecord {
            topic: topic.into(),
            kafka_partition: (offset % 3) as i32,
            kafka_offset: offset,
            key,
            value,
            timestamp: Some(1_700_000_000_000 + offset),
            timestamp_type: TimestampType::CreateTime,
            headers: Vec::new(),
            original_topic: topic.into(),
            original_kafka_partition: (offset % 3) as i32,
            trace: TraceContext::default(),
        }
    }

    fn structured(schema: &Option<Arc<Schema>>, v: Value) -> RecordData {
        RecordData::Structured(SchemaAndValue::new(schema.clone(), v))
    }

    fn rows_len(records: &[SinkRecord]) -> usize {
        use prost::Message;
        let (rows, cols) =
            sink_put_to_proto(records.to_vec(), false, &mut SchemaRefsOut::new(true));
        assert!(cols.is_none());
        pb::Put {
            records: rows,
            ..Default::default()
        }
        .encoded_len()
    }

    /// Columns when they fit; they decode to the same records, and take no more bytes than rows.
    fn assert_columns(records: Vec<SinkRecord>) -> pb::SinkColumns {
        use prost::Message;
        let rows = rows_len(&records);
        let mut out = SchemaRefsOut::new(true);
        let (r, cols) = sink_put_to_proto_from(records.clone(), true, 1, &mut out);
        assert!(r.is_empty());
        let cols = cols.expect("the records fit columns");
        let len = pb::Put {
            columns: Some(cols.clone()),
            ..Default::default()
        }
        .encoded_len();
        if records.len() >= MIN_COLUMN_RECORDS {
            assert!(
                len <= rows,
                "{} records: columns {len} bytes, rows {rows}",
                records.len()
            );
        }
        // A second Put of the stream refers to the schemas the first defined.
        let (_, again) = sink_put_to_proto_from(records.clone(), true, 1, &mut out);
        let mut inn = SchemaRefsIn::default();
        assert_eq!(records_from_columns(cols.clone(), &mut inn), records);
        assert_eq!(records_from_columns(again.unwrap(), &mut inn), records);
        cols
    }

    fn assert_rows(records: Vec<SinkRecord>) {
        let (rows, cols) =
            sink_put_to_proto_from(records.clone(), true, 1, &mut SchemaRefsOut::new(true));
        assert!(cols.is_none(), "went as columns: {records:?}");
        assert_eq!(rows.len(), records.len());
    }

    #[test]
    fn string_values_go_in_columns_and_decode_to_the_same_records() {
        let s = Some(Arc::new(Schema::new(SchemaType::String).optional()));
        let records: Vec<_> = (0..50)
            .map(|i| {
                rec(
                    "t",
                    i,
                    RecordData::NULL,
                    structured(&s, Value::String(format!("line {i}"))),
                )
            })
            .collect();
        let c = assert_columns(records);
        assert_eq!(c.topics, vec!["t".to_string()]);
        assert!(c.topic_indexes.is_empty());
        assert!(c.keys.is_none());
        assert_eq!(
            c.timestamp_types,
            vec![pb::TimestampType::CreateTime as i32]
        );
        assert!(c.no_timestamp.is_empty());
        assert_eq!(c.values.unwrap().strings.len(), 50);
    }

    #[test]
    fn columns_carry_nulls_bytes_raw_missing_timestamps_and_several_topics() {
        let ks = Some(Arc::new(Schema::new(SchemaType::String)));
        let bs = Some(Arc::new(Schema::new(SchemaType::Bytes).optional()));
        let mut records: Vec<_> = (0..12)
            .map(|i| {
                let v = if i % 4 == 1 {
                    Value::Null
                } else {
                    Value::Bytes(Bytes::from(vec![i as u8; i as usize]))
                };
                let mut r = rec(
                    ["a", "b", "c"][i as usize % 3],
                    i,
                    structured(&ks, Value::String(format!("k{i}"))),
                    structured(&bs, v),
                );
                if i % 5 == 0 {
                    r.timestamp = None;
                    r.timestamp_type = TimestampType::NoTimestampType;
                }
                if i == 7 {
                    r.timestamp_type = TimestampType::LogAppendTime;
                }
                r
            })
            .collect();
        records[3].key = structured(&ks, Value::String(String::new()));
        let c = assert_columns(records);
        assert_eq!(c.topics, vec!["a".to_string(), "b".into(), "c".into()]);
        assert_eq!(c.topic_indexes.len(), 12);
        assert_eq!(c.no_timestamp, vec![0, 5, 10]);
        assert_eq!(c.timestamp_types.len(), 12);
        assert_eq!(c.values.unwrap().nulls, vec![1, 5, 9]);
        // Schemaless strings and nulls; raw bytes.
        let records: Vec<_> = (0..6)
            .map(|i| {
                let k = if i % 2 == 0 {
                    Value::Null
                } else {
                    Value::String(format!("{i}"))
                };
                rec(
                    "t",
                    i,
                    structured(&None, k),
                    RecordData::Raw(Bytes::from(format!("raw {i}"))),
                )
            })
            .collect();
        let c = assert_columns(records);
        assert_eq!(c.keys.as_ref().unwrap().schema, None);
        assert_eq!(c.keys.unwrap().nulls, vec![0, 2, 4]);
        assert_eq!(c.values.unwrap().r#type, pb::DataColumnType::Raw as i32);
        // A column of nulls only, with an optional schema.
        let records: Vec<_> = (0..3)
            .map(|i| rec("t", i, structured(&bs, Value::Null), RecordData::NULL))
            .collect();
        let c = assert_columns(records).keys.unwrap();
        assert!(c.bytes.is_empty() && c.nulls.is_empty() && c.schema.is_some());
        // Equal schemas that are not the same Arc.
        let records: Vec<_> = (0..3)
            .map(|i| {
                rec(
                    "t",
                    i,
                    RecordData::NULL,
                    structured(
                        &Some(Arc::new(Schema::new(SchemaType::String))),
                        Value::String("x".into()),
                    ),
                )
            })
            .collect();
        assert_columns(records);
    }

    /// The worker splits Puts by the records' Kafka bytes so that a Put in rows stays under
    /// the message size; a Put in columns of the same records must never be larger.
    #[test]
    fn columns_are_never_larger_than_rows() {
        let s = Some(Arc::new(Schema::new(SchemaType::String).optional()));
        for len in [0usize, 1, 127, 128, 16383, 16384, 1 << 20] {
            for n in [1i64, 15, 16, 17, 130] {
                let records: Vec<_> = (0..n)
                    .map(|i| {
                        let v = if i % 7 == 3 {
                            Value::Null
                        } else {
                            Value::String("x".repeat(len))
                        };
                        let mut r = rec(
                            if i % 2 == 0 { "a" } else { "bb" },
                            i * 1_000_003,
                            structured(&s, Value::Null),
                            structured(&s, v),
                        );
                        if i % 3 == 0 {
                            r.timestamp = None;
                            r.timestamp_type = TimestampType::NoTimestampType;
                        }
                        r
                    })
                    .collect();
                let (rows, cols) =
                    sink_put_to_proto(records.clone(), true, &mut SchemaRefsOut::new(true));
                if (n as usize) < MIN_COLUMN_RECORDS {
                    assert!(cols.is_none() && rows.len() == n as usize);
                } else {
                    assert!(cols.is_some() && rows.is_empty());
                }
                assert_columns(records);
            }
        }
        // Small records, where the columns' framing weighs most: one-letter topics, small
        // offsets, null or one-byte values, no timestamps, mixed timestamp types.
        let b = Some(Arc::new(Schema::new(SchemaType::Bytes).optional()));
        for n in [16i64, 17, 40] {
            let records: Vec<_> = (0..n)
                .map(|i| {
                    let v = if i % 2 == 0 {
                        Value::Null
                    } else {
                        Value::Bytes(Bytes::from_static(b"x"))
                    };
                    let mut r = rec(
                        ["a", "b", "c", "d"][i as usize % 4],
                        i,
                        RecordData::NULL,
                        structured(&b, v),
                    );
                    r.kafka_partition = 0;
                    r.original_kafka_partition = 0;
                    r.timestamp = None;
                    r.timestamp_type = if i % 2 == 0 {
                        TimestampType::NoTimestampType
                    } else {
                        TimestampType::CreateTime
                    };
                    r
                })
                .collect();
            assert_columns(records);
        }
    }

    #[test]
    fn records_that_do_not_fit_go_as_rows() {
        let s = Some(Arc::new(Schema::new(SchemaType::String).optional()));
        let base = || -> Vec<SinkRecord> {
            (0..4)
                .map(|i| {
                    rec(
                        "t",
                        i,
                        RecordData::NULL,
                        structured(&s, Value::String(format!("{i}"))),
                    )
                })
                .collect()
        };
        assert_columns(base());
        let mut r = base();
        r[2].headers.push(Header {
            key: "h".into(),
            schema: None,
            value: Value::String("v".into()),
        });
        assert_rows(r);
        let mut r = base();
        r[1].trace = TraceContext {
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
            tracestate: String::new(),
        };
        assert_rows(r);
        let mut r = base();
        r[3].topic = "renamed".into();
        assert_rows(r);
        let mut r = base();
        r[0].original_kafka_partition = 9;
        assert_rows(r);
        // Mixed schemas in one column.
        let mut r = base();
        r[1].value = structured(
            &Some(Arc::new(Schema::new(SchemaType::String))),
            Value::String("x".into()),
        );
        assert_rows(r);
        let mut r = base();
        r[1].value = structured(&None, Value::String("x".into()));
        assert_rows(r);
        // Schemaless strings and bytes in one column; raw and structured.
        let mut r = base();
        for x in r.iter_mut() {
            x.key = structured(&None, Value::String("k".into()));
        }
        r[2].key = structured(&None, Value::Bytes(Bytes::from_static(b"k")));
        assert_rows(r);
        let mut r = base();
        r[2].key = RecordData::Raw(Bytes::from_static(b"k"));
        assert_rows(r);
        // Struct, number and logical values.
        let st =
            Arc::new(Schema::new(SchemaType::Struct).field("a", Schema::new(SchemaType::Int32)));
        let mut r = base();
        for x in r.iter_mut() {
            x.value = structured(&Some(st.clone()), Value::Struct(Struct::new(st.clone())));
        }
        assert_rows(r);
        let mut r = base();
        for x in r.iter_mut() {
            x.key = structured(&None, Value::Int64(1));
        }
        assert_rows(r);
        let dec = Some(Arc::new(Schema::decimal(2)));
        let mut r = base();
        for x in r.iter_mut() {
            x.value = structured(&dec, Value::Bytes(Bytes::from_static(&[1, 2])));
        }
        assert_rows(r);
        // Without the capability: rows.
        let (rows, cols) = sink_put_to_proto(base(), false, &mut SchemaRefsOut::new(true));
        assert!(cols.is_none());
        assert_eq!(rows.len(), 4);
    }

    // Columnar source batches.

    fn pstr(s: &str) -> pb::Value {
        pb::Value {
            kind: Some(pb::value::Kind::String(s.into())),
        }
    }

    fn pint(i: i64) -> pb::Value {
        pb::Value {
            kind: Some(pb::value::Kind::Int64(i)),
        }
    }

    fn pnull() -> pb::Value {
        pb::Value {
            kind: Some(pb::value::Kind::Null(0)),
        }
    }

    fn pmap(entries: Vec<(&str, pb::Value)>) -> pb::Value {
        pb::Value {
            kind: Some(pb::value::Kind::Map(pb::Map {
                entries: entries
                    .into_iter()
                    .map(|(k, v)| pb::MapEntry {
                        key: Some(pstr(k)),
                        value: Some(v),
                    })
                    .collect(),
            })),
        }
    }

    fn pschema(t: pb::SchemaType, optional: bool) -> pb::Schema {
        pb::Schema {
            r#type: t as i32,
            optional,
            ..Default::default()
        }
    }

    fn pstructured(schema: pb::Schema, v: pb::Value) -> Option<pb::RecordData> {
        Some(pb::RecordData {
            kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                schema: Some(schema),
                value: Some(v),
            })),
        })
    }

    fn rows(rs: Vec<pb::SourceRecord>) -> Vec<SourceRecord> {
        let mut refs = SchemaRefsIn::default();
        rs.into_iter()
            .map(|r| source_record_from_proto(r, &mut refs).unwrap())
            .collect()
    }

    /// The FileStreamSource shape: one partition, `{"position": n}` offsets, one topic, a
    /// STRING value, no key.
    fn file_columns() -> pb::SourceColumns {
        pb::SourceColumns {
            first_seq: 7,
            count: 3,
            partitions: vec![pmap(vec![("filename", pstr("/tmp/in.txt"))])],
            partition_index: vec![],
            offsets: Some(pb::source_columns::Offsets::IntOffsets(pb::IntOffsets {
                keys: vec!["position".into()],
                values: vec![10, 20, 31],
            })),
            topics: vec!["lines".into()],
            topic_index: vec![],
            kafka_partitions: vec![],
            timestamps: vec![],
            key: None,
            value: Some(pb::DataColumn {
                r#type: pb::DataColumnType::String as i32,
                schema: Some(pschema(pb::SchemaType::String, false)),
                strings: vec!["a".into(), "bb".into(), "".into()],
                bytes: vec![],
                nulls: vec![],
            }),
        }
    }

    #[test]
    fn int_offset_columns_are_the_records_rows_give() {
        let expected = rows(
            [(7, 10, "a"), (8, 20, "bb"), (9, 31, "")]
                .into_iter()
                .map(|(seq, pos, line)| pb::SourceRecord {
                    seq,
                    source_partition: Some(pmap(vec![("filename", pstr("/tmp/in.txt"))])),
                    source_offset: Some(pmap(vec![("position", pint(pos))])),
                    topic: "lines".into(),
                    value: pstructured(pschema(pb::SchemaType::String, false), pstr(line)),
                    ..Default::default()
                })
                .collect(),
        );
        let got =
            source_records_from_columns(file_columns(), &mut SchemaRefsIn::default()).unwrap();
        assert_eq!(got, expected);
        // Multi-key int offsets keep the keys' order.
        let mut c = file_columns();
        c.offsets = Some(pb::source_columns::Offsets::IntOffsets(pb::IntOffsets {
            keys: vec!["b".into(), "a".into()],
            values: vec![1, -2, 3, 4, i64::MAX, i64::MIN],
        }));
        let got = source_records_from_columns(c, &mut SchemaRefsIn::default()).unwrap();
        let offsets: Vec<_> = got.into_iter().map(|r| r.source_offset).collect();
        let m = |b: i64, a: i64| {
            Some(Value::Map(vec![
                (Value::String("b".into()), Value::Int64(b)),
                (Value::String("a".into()), Value::Int64(a)),
            ]))
        };
        assert_eq!(offsets, vec![m(1, -2), m(3, 4), m(i64::MAX, i64::MIN)]);
    }

    #[test]
    fn schemaless_and_all_null_columns_are_the_records_rows_give() {
        // A schemaless STRING value column with a null; an optional BYTES key column whose
        // every row is null, sent without entries.
        let mut c = file_columns();
        c.value = Some(pb::DataColumn {
            r#type: pb::DataColumnType::String as i32,
            strings: vec!["a".into(), "".into(), "c".into()],
            nulls: vec![1],
            ..Default::default()
        });
        c.key = Some(pb::DataColumn {
            r#type: pb::DataColumnType::Bytes as i32,
            schema: Some(pschema(pb::SchemaType::Bytes, true)),
            ..Default::default()
        });
        let got = source_records_from_columns(c, &mut SchemaRefsIn::default()).unwrap();
        let schemaless = |v: Option<&str>| pb::RecordData {
            kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                schema: None,
                value: Some(v.map_or_else(pnull, pstr)),
            })),
        };
        let expected = rows(
            [(7, 10, Some("a")), (8, 20, None), (9, 31, Some("c"))]
                .into_iter()
                .map(|(seq, pos, line)| pb::SourceRecord {
                    seq,
                    source_partition: Some(pmap(vec![("filename", pstr("/tmp/in.txt"))])),
                    source_offset: Some(pmap(vec![("position", pint(pos))])),
                    topic: "lines".into(),
                    key: pstructured(pschema(pb::SchemaType::Bytes, true), pnull()),
                    value: Some(schemaless(line)),
                    ..Default::default()
                })
                .collect(),
        );
        assert_eq!(got, expected);
    }

    #[test]
    fn general_columns_are_the_records_rows_give() {
        // Schema references: the value column defines schema 5, a later batch's rows refer
        // to it; partitions and topics by index; value offsets with a null; Kafka
        // partitions and timestamps; a raw key with a null; an optional BYTES value with
        // nulls.
        let p1 = pmap(vec![("table", pstr("a"))]);
        let p2 = pmap(vec![("table", pstr("b")), ("shard", pint(2))]);
        let off = |i: i64| pmap(vec![("lsn", pint(i)), ("name", pstr("x"))]);
        let mut defining = pschema(pb::SchemaType::Bytes, true);
        defining.id = 5;
        defining.name = "blob".into();
        let columns = pb::SourceColumns {
            first_seq: 1,
            count: 4,
            partitions: vec![p1.clone(), p2.clone(), pnull()],
            partition_index: vec![1, 0, 2, 1],
            offsets: Some(pb::source_columns::Offsets::ValueOffsets(
                pb::ValueOffsets {
                    offsets: vec![off(1), off(2), pnull(), off(4)],
                },
            )),
            topics: vec!["t1".into(), "t2".into()],
            topic_index: vec![0, 1, 1, 0],
            kafka_partitions: vec![0, 3, 1, 2],
            timestamps: vec![100, -1, 0, 1_700_000_000_000],
            key: Some(pb::DataColumn {
                r#type: pb::DataColumnType::Raw as i32,
                bytes: vec![
                    Bytes::from_static(b"k1"),
                    Bytes::new(),
                    Bytes::new(),
                    Bytes::from_static(b"k4"),
                ],
                nulls: vec![1],
                ..Default::default()
            }),
            value: Some(pb::DataColumn {
                r#type: pb::DataColumnType::Bytes as i32,
                schema: Some(defining.clone()),
                bytes: vec![
                    Bytes::from_static(b"v1"),
                    Bytes::new(),
                    Bytes::new(),
                    Bytes::from_static(b""),
                ],
                nulls: vec![1, 2],
                ..Default::default()
            }),
        };
        let mut refs = SchemaRefsIn::default();
        let got = source_records_from_columns(columns, &mut refs).unwrap();
        let by_ref = pb::Schema {
            r#ref: 5,
            ..Default::default()
        };
        let raw = |b: &'static [u8]| {
            Some(pb::RecordData {
                kind: Some(pb::record_data::Kind::Raw(Bytes::from_static(b))),
            })
        };
        let bytes_v = |b: &'static [u8]| pb::Value {
            kind: Some(pb::value::Kind::Bytes(Bytes::from_static(b))),
        };
        let expected = rows(vec![
            pb::SourceRecord {
                seq: 1,
                source_partition: Some(p2.clone()),
                source_offset: Some(off(1)),
                topic: "t1".into(),
                kafka_partition: Some(0),
                key: raw(b"k1"),
                value: pstructured(defining, bytes_v(b"v1")),
                timestamp: Some(100),
                ..Default::default()
            },
            pb::SourceRecord {
                seq: 2,
                source_partition: Some(p1),
                source_offset: Some(off(2)),
                topic: "t2".into(),
                kafka_partition: Some(3),
                key: None,
                value: pstructured(by_ref.clone(), pnull()),
                timestamp: Some(-1),
                ..Default::default()
            },
            pb::SourceRecord {
                seq: 3,
                source_partition: None,
                source_offset: None,
                topic: "t2".into(),
                kafka_partition: Some(1),
                key: raw(b""),
                value: pstructured(by_ref.clone(), pnull()),
                timestamp: Some(0),
                ..Default::default()
            },
            pb::SourceRecord {
                seq: 4,
                source_partition: Some(p2),
                source_offset: Some(off(4)),
                topic: "t1".into(),
                kafka_partition: Some(2),
                key: raw(b"k4"),
                value: pstructured(by_ref, bytes_v(b"")),
                timestamp: Some(1_700_000_000_000),
                ..Default::default()
            },
        ]);
        assert_eq!(got, expected);
        // The column's schema definition is known to later messages of the stream.
        let later = pb::SourceColumns {
            first_seq: 5,
            count: 1,
            topics: vec!["t".into()],
            value: Some(pb::DataColumn {
                r#type: pb::DataColumnType::Bytes as i32,
                schema: Some(pb::Schema {
                    r#ref: 5,
                    ..Default::default()
                }),
                bytes: vec![Bytes::from_static(b"z")],
                ..Default::default()
            }),
            ..Default::default()
        };
        let got = source_records_from_columns(later, &mut refs).unwrap();
        match &got[0].value {
            RecordData::Structured(sv) => {
                assert_eq!(sv.schema.as_ref().unwrap().name.as_deref(), Some("blob"));
                assert_eq!(sv.value, Value::Bytes(Bytes::from_static(b"z")));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(got[0].source_partition, None);
        assert_eq!(got[0].source_offset, None);
        assert_eq!(got[0].key, RecordData::NULL);
    }

    #[test]
    fn malformed_columns_are_refused() {
        type Break = fn(&mut pb::SourceColumns);
        let cases: Vec<(&str, Break, &str)> = vec![
            ("seq 0", |c| c.first_seq = 0, "first seq"),
            ("seq overflow", |c| c.first_seq = u64::MAX - 1, "first seq"),
            (
                "short value column",
                |c| {
                    c.value.as_mut().unwrap().strings.pop();
                },
                "2 entries in `strings` for 3 records",
            ),
            (
                "int offsets short",
                |c| {
                    if let Some(pb::source_columns::Offsets::IntOffsets(o)) = &mut c.offsets {
                        o.values.pop();
                    }
                },
                "int offset values",
            ),
            (
                "partition index out of range",
                |c| c.partition_index = vec![0, 1, 0],
                "partition index 1 out of range",
            ),
            (
                "partition index short",
                |c| c.partition_index = vec![0, 0],
                "`partition_index`",
            ),
            (
                "two partitions, no index",
                |c| c.partitions.push(pmap(vec![])),
                "without `partition_index`",
            ),
            (
                "partition not a map",
                |c| c.partitions = vec![pstr("x")],
                "must be a map",
            ),
            ("no topic", |c| c.topics.clear(), "no topic"),
            (
                "empty topic",
                |c| c.topics = vec![String::new()],
                "no topic",
            ),
            (
                "topic index out of range",
                |c| c.topic_index = vec![0, 0, 9],
                "topic index 9",
            ),
            (
                "kafka partitions short",
                |c| c.kafka_partitions = vec![1],
                "`kafka_partitions`",
            ),
            (
                "timestamps long",
                |c| c.timestamps = vec![1, 2, 3, 4],
                "`timestamps`",
            ),
            (
                "value offsets short",
                |c| {
                    c.offsets = Some(pb::source_columns::Offsets::ValueOffsets(
                        pb::ValueOffsets {
                            offsets: vec![pnull()],
                        },
                    ))
                },
                "`offsets`",
            ),
            (
                "null index out of range",
                |c| c.value.as_mut().unwrap().nulls = vec![3],
                "null index 3",
            ),
            (
                "nulls not ascending",
                |c| c.value.as_mut().unwrap().nulls = vec![1, 1],
                "null index 1",
            ),
            (
                "unknown type",
                |c| c.value.as_mut().unwrap().r#type = 9,
                "unknown type",
            ),
            (
                "schema of another type",
                |c| c.value.as_mut().unwrap().schema = Some(pschema(pb::SchemaType::Bytes, false)),
                "a STRING column with a Bytes schema",
            ),
            (
                "strings in a bytes column",
                |c| {
                    let v = c.value.as_mut().unwrap();
                    v.r#type = pb::DataColumnType::Bytes as i32;
                    v.schema = Some(pschema(pb::SchemaType::Bytes, false));
                },
                "a BYTES column with strings",
            ),
            (
                "struct schema",
                |c| c.value.as_mut().unwrap().schema = Some(pschema(pb::SchemaType::Struct, false)),
                "a STRING column with a Struct schema",
            ),
            (
                "strings short",
                |c| c.value.as_mut().unwrap().strings = vec!["a".into()],
                "1 entries in `strings`",
            ),
            (
                "unknown schema ref",
                |c| {
                    c.value.as_mut().unwrap().schema = Some(pb::Schema {
                        r#ref: 42,
                        ..Default::default()
                    })
                },
                "42",
            ),
            (
                "all-null key with entries",
                |c| {
                    c.key = Some(pb::DataColumn {
                        r#type: pb::DataColumnType::Null as i32,
                        strings: vec!["x".into(); 3],
                        ..Default::default()
                    })
                },
                "NULL with entries",
            ),
            (
                "raw without bytes",
                |c| {
                    c.key = Some(pb::DataColumn {
                        r#type: pb::DataColumnType::Raw as i32,
                        ..Default::default()
                    })
                },
                "0 entries in `bytes`",
            ),
        ];
        for (name, breaks, expect) in cases {
            let mut c = file_columns();
            breaks(&mut c);
            match source_records_from_columns(c, &mut SchemaRefsIn::default()) {
                Ok(_) => panic!("{name}: accepted"),
                Err(WireError(m)) => assert!(m.contains(expect), "{name}: {m}"),
            }
        }
    }
}
