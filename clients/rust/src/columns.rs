//! Columnar batches (capabilities `columnar_puts` and `columnar_source_batches`): a Put's
//! `SinkColumns` read into the same [`SinkRecord`]s its rows would give, and a poll's
//! records written as one `SourceColumns` message when every record fits the columnar form.
//!
//! The rules are the protocol's (`SinkColumns`, `SourceColumns` and `DataColumn` in
//! `connector.proto`) and the core's (`server/src/plugin/wire.rs`): a malformed Put is
//! refused whole, with the column named; a poll whose records do not all fit columns goes
//! as rows, whole.

use std::collections::HashMap;
use std::sync::Arc;

use polyconnect_proto::v1 as pb;
use prost::Message;

use crate::data::{value_to_proto, Schema, SchemaRefsIn, SchemaRefsOut, SchemaType, Value};
use crate::error::{Error, Result};
use crate::record::{Data, SinkRecord, SourceRecord};

type ColumnType = pb::DataColumnType;

fn malformed(msg: String) -> Error {
    Error::fatal(format!("malformed columnar Put: {msg}"))
}

/// Checks a list of row indexes: each below `count`, ascending, each at most once.
fn check_rows(rows: &[u32], count: usize, what: &str) -> Result<()> {
    let mut prev: Option<u32> = None;
    for &i in rows {
        if i as usize >= count || prev.is_some_and(|p| p >= i) {
            return Err(malformed(format!(
                "`{what}`: row index {i} is out of range or not ascending ({count} records)"
            )));
        }
        prev = Some(i);
    }
    Ok(())
}

/// The null key (value) a row without one gives: schemaless null.
fn null_data() -> Option<Data> {
    Some(Data::Structured {
        schema: None,
        value: Value::Null,
    })
}

/// A key or value column of a Put, one entry per record (`what`: "keys" or "values").
fn sink_data_column(
    col: Option<pb::DataColumn>,
    count: usize,
    what: &str,
    refs: &mut SchemaRefsIn,
) -> Result<Vec<Option<Data>>> {
    let Some(col) = col else {
        return Ok(vec![null_data(); count]);
    };
    let kind = ColumnType::try_from(col.r#type).map_err(|_| {
        malformed(format!(
            "the {what} column has an unknown type {}",
            col.r#type
        ))
    })?;
    let len_check = |n: usize, list: &str| {
        if n == count {
            Ok(())
        } else {
            Err(malformed(format!(
                "the {what} column has {n} entries in `{list}` for {count} records"
            )))
        }
    };
    match kind {
        ColumnType::Null => {
            if !col.strings.is_empty()
                || !col.bytes.is_empty()
                || !col.nulls.is_empty()
                || col.schema.is_some()
            {
                return Err(malformed(format!(
                    "the {what} column is NULL but has entries or a schema"
                )));
            }
            Ok(vec![null_data(); count])
        }
        ColumnType::Raw => {
            if !col.nulls.is_empty() {
                return Err(malformed(format!(
                    "the {what} column is RAW and has nulls (a Put's raw keys and values are never absent)"
                )));
            }
            if !col.strings.is_empty() || col.schema.is_some() {
                return Err(malformed(format!(
                    "the {what} column is RAW but has strings or a schema"
                )));
            }
            len_check(col.bytes.len(), "bytes")?;
            Ok(col.bytes.into_iter().map(|b| Some(Data::Raw(b))).collect())
        }
        ColumnType::String | ColumnType::Bytes => {
            let (want, name, other) = if kind == ColumnType::String {
                (SchemaType::String, "STRING", col.bytes.len())
            } else {
                (SchemaType::Bytes, "BYTES", col.strings.len())
            };
            if other != 0 {
                return Err(malformed(format!(
                    "the {what} column is {name} but has {}",
                    if kind == ColumnType::String {
                        "bytes"
                    } else {
                        "strings"
                    }
                )));
            }
            let schema: Option<Arc<Schema>> = match col.schema {
                None => None,
                Some(p) => {
                    let s = refs.decode(p).map_err(|e| {
                        malformed(format!("the {what} column's schema: {}", e.message()))
                    })?;
                    if s.ty != want || s.name.is_some() {
                        return Err(malformed(format!(
                            "the {what} column is {name} but its schema is {:?}{}",
                            s.ty,
                            s.name
                                .as_deref()
                                .map(|n| format!(" named {n}"))
                                .unwrap_or_default()
                        )));
                    }
                    Some(s)
                }
            };
            let entries = if kind == ColumnType::String {
                col.strings.len()
            } else {
                col.bytes.len()
            };
            let data = |value: Value| {
                Some(Data::Structured {
                    schema: schema.clone(),
                    value,
                })
            };
            if entries == 0 && col.nulls.is_empty() {
                // Every record's key (value) is null: no entries at all.
                return Ok((0..count).map(|_| data(Value::Null)).collect());
            }
            len_check(
                entries,
                if kind == ColumnType::String {
                    "strings"
                } else {
                    "bytes"
                },
            )?;
            check_rows(&col.nulls, count, &format!("{what}.nulls"))?;
            let mut out: Vec<Option<Data>> = Vec::with_capacity(count);
            if kind == ColumnType::String {
                out.extend(col.strings.into_iter().map(|s| data(Value::String(s))));
            } else {
                out.extend(col.bytes.into_iter().map(|b| data(Value::Bytes(b))));
            }
            for &i in &col.nulls {
                out[i as usize] = data(Value::Null);
            }
            Ok(out)
        }
    }
}

/// A Put's records from its columns: exactly the records its rows would give (no headers,
/// no trace context, the original topic and partition their own). Any disagreement between
/// the columns refuses the whole Put, naming the column.
pub(crate) fn sink_records_from_columns(
    c: pb::SinkColumns,
    refs: &mut SchemaRefsIn,
) -> Result<Vec<SinkRecord>> {
    let n = c.count as usize;
    let per_record = |len: usize, list: &str| {
        if len == n {
            Ok(())
        } else {
            Err(malformed(format!(
                "`{list}` has {len} entries for {n} records"
            )))
        }
    };
    per_record(c.partitions.len(), "partitions")?;
    per_record(c.offsets.len(), "offsets")?;
    per_record(c.timestamps.len(), "timestamps")?;
    check_rows(&c.no_timestamp, n, "no_timestamp")?;
    if n > 0 && c.timestamp_types.len() != 1 {
        per_record(c.timestamp_types.len(), "timestamp_types")?;
    }
    if n > 0 && c.topics.is_empty() {
        return Err(malformed(format!("`topics` is empty for {n} records")));
    }
    if c.topic_indexes.is_empty() {
        if n > 0 && c.topics.len() > 1 {
            return Err(malformed(format!(
                "{} topics without `topic_indexes`",
                c.topics.len()
            )));
        }
    } else {
        per_record(c.topic_indexes.len(), "topic_indexes")?;
        if let Some(&i) = c
            .topic_indexes
            .iter()
            .find(|&&i| i as usize >= c.topics.len())
        {
            return Err(malformed(format!(
                "`topic_indexes`: index {i} is out of range ({} topics)",
                c.topics.len()
            )));
        }
    }
    // Keys first: the core defines the key column's schema before the value column's.
    let keys = sink_data_column(c.keys, n, "keys", refs)?;
    let values = sink_data_column(c.values, n, "values", refs)?;
    let mut timestamps: Vec<Option<i64>> = c.timestamps.into_iter().map(Some).collect();
    for &i in &c.no_timestamp {
        timestamps[i as usize] = None;
    }
    let mut records = Vec::with_capacity(n);
    for (i, ((key, value), timestamp)) in keys.into_iter().zip(values).zip(timestamps).enumerate() {
        let topic = &c.topics[c.topic_indexes.get(i).map_or(0, |&t| t as usize)];
        let partition = c.partitions[i];
        records.push(SinkRecord {
            topic: topic.clone(),
            kafka_partition: partition,
            kafka_offset: c.offsets[i],
            key,
            value,
            timestamp,
            headers: Vec::new(),
            original_topic: topic.clone(),
            original_kafka_partition: partition,
            trace: None,
        });
    }
    Ok(records)
}

// ------------------------------------------------------------------ source batches

/// A record's key or value as a column sees it.
enum Cell<'a> {
    /// Absent, or null and schemaless.
    Null,
    Raw(&'a bytes::Bytes),
    Structured(&'a Option<Arc<Schema>>, &'a Value),
}

fn cell(d: &Option<Data>) -> Cell<'_> {
    match d {
        None
        | Some(Data::Structured {
            schema: None,
            value: Value::Null,
        }) => Cell::Null,
        Some(Data::Raw(b)) => Cell::Raw(b),
        Some(Data::Structured { schema, value }) => Cell::Structured(schema, value),
    }
}

/// A key or value column of a source batch, or `None` when the records do not share one
/// form: no key at all, raw bytes (or absent), or STRING (BYTES) values of one schema
/// without a logical type (or schemaless), null only where the schema is optional.
fn source_data_column<'a>(
    cells: impl Iterator<Item = &'a Option<Data>> + Clone,
    n: usize,
    raw_bytes: bool,
) -> Option<Option<pb::DataColumn>> {
    // The column's form, from the first record that is not a schemaless null.
    let first = cells.clone().map(cell).find(|c| !matches!(c, Cell::Null));
    let Some(first) = first else {
        return Some(None); // every key (value) null: no column
    };
    let mut nulls = Vec::new();
    match first {
        Cell::Null => unreachable!(),
        Cell::Raw(_) => {
            if !raw_bytes {
                return None;
            }
            let mut bytes = Vec::with_capacity(n);
            for (i, d) in cells.enumerate() {
                match cell(d) {
                    Cell::Raw(b) => bytes.push(b.clone()),
                    Cell::Null => {
                        bytes.push(bytes::Bytes::new());
                        nulls.push(i as u32);
                    }
                    Cell::Structured(..) => return None,
                }
            }
            Some(Some(pb::DataColumn {
                r#type: ColumnType::Raw as i32,
                schema: None,
                strings: Vec::new(),
                bytes,
                nulls,
            }))
        }
        Cell::Structured(schema, value) => {
            let kind = match schema {
                Some(s) if s.name.is_some() => return None,
                Some(s) => match s.ty {
                    SchemaType::String => ColumnType::String,
                    SchemaType::Bytes => ColumnType::Bytes,
                    _ => return None,
                },
                None => match value {
                    Value::String(_) => ColumnType::String,
                    Value::Bytes(_) => ColumnType::Bytes,
                    _ => return None,
                },
            };
            // Nulls: schemaless rows, or an optional schema's.
            let nullable = schema.as_ref().is_none_or(|s| s.optional);
            let mut strings = Vec::new();
            let mut bytes = Vec::new();
            if kind == ColumnType::String {
                strings.reserve(n);
            } else {
                bytes.reserve(n);
            }
            for (i, d) in cells.enumerate() {
                let v = match (cell(d), schema) {
                    (Cell::Null, None) => None,
                    (Cell::Structured(s, v), Some(want))
                        if s.as_ref()
                            .is_some_and(|s| Arc::ptr_eq(s, want) || **s == **want) =>
                    {
                        match v {
                            Value::Null if nullable => None,
                            Value::Null => return None,
                            v => Some(v),
                        }
                    }
                    (Cell::Structured(None, v), None) => Some(v),
                    _ => return None,
                };
                match (kind, v) {
                    (ColumnType::String, Some(Value::String(s))) => strings.push(s.clone()),
                    (ColumnType::Bytes, Some(Value::Bytes(b))) => bytes.push(b.clone()),
                    (ColumnType::String, None) => {
                        strings.push(String::new());
                        nulls.push(i as u32);
                    }
                    (ColumnType::Bytes, None) => {
                        bytes.push(bytes::Bytes::new());
                        nulls.push(i as u32);
                    }
                    _ => return None,
                }
            }
            if nulls.len() == n {
                // Every value null (of the column's schema): no entries at all.
                strings = Vec::new();
                bytes = Vec::new();
                nulls = Vec::new();
            }
            Some(Some(pb::DataColumn {
                r#type: kind as i32,
                // A full definition, never a reference: a batch may be split in parts, and
                // each part must stand alone.
                schema: schema.as_ref().map(|s| SchemaRefsOut::new(false).encode(s)),
                strings,
                bytes,
                nulls,
            }))
        }
    }
}

fn null_value() -> pb::Value {
    pb::Value {
        kind: Some(pb::value::Kind::Null(0)),
    }
}

/// Source partitions and offsets are maps (or absent).
fn map_or_none(v: &Option<Value>) -> bool {
    matches!(v, None | Some(Value::Map(_)))
}

/// The source partitions as a table and an index per record (none when there is one).
fn source_partitions(records: &[SourceRecord], c: &mut pb::SourceColumns) -> Option<()> {
    if !records.iter().all(|r| map_or_none(&r.source_partition)) {
        return None;
    }
    let mut table: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut index = Vec::with_capacity(records.len());
    let mut last: Option<(&Option<Value>, u32)> = None;
    for r in records {
        let p = &r.source_partition;
        let i = match last {
            Some((lp, li)) if lp == p => li,
            _ => {
                let v = p.as_ref().map_or_else(null_value, value_to_proto);
                let b = v.encode_to_vec();
                let next = table.len() as u32;
                let i = *table.entry(b).or_insert_with(|| {
                    c.partitions.push(v);
                    next
                });
                last = Some((p, i));
                i
            }
        };
        index.push(i);
    }
    if c.partitions.len() > 1 {
        c.partition_index = index;
    } else if records[0].source_partition.is_none() {
        // No record has a partition.
        c.partitions.clear();
    }
    Some(())
}

/// Integer offsets (every offset a map of the same string keys, in the same order, to
/// INT64 values) as a key list and a matrix; else each offset as a value (absent: null).
fn source_offsets(records: &[SourceRecord]) -> Option<Option<pb::source_columns::Offsets>> {
    use pb::source_columns::Offsets;
    if records.iter().all(|r| r.source_offset.is_none()) {
        return Some(None);
    }
    if !records.iter().all(|r| map_or_none(&r.source_offset)) {
        return None;
    }
    if let Some(Value::Map(first)) = &records[0].source_offset {
        let keys: Option<Vec<&String>> = first
            .iter()
            .map(|(k, _)| match k {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect();
        if let Some(keys) = keys.filter(|k| !k.is_empty()) {
            let mut values = Vec::with_capacity(records.len() * keys.len());
            let fits = records.iter().all(|r| match &r.source_offset {
                Some(Value::Map(m)) if m.len() == keys.len() => {
                    m.iter().zip(&keys).all(|((k, v), want)| match (k, v) {
                        (Value::String(k), Value::Int64(v)) if k == *want => {
                            values.push(*v);
                            true
                        }
                        _ => false,
                    })
                }
                _ => false,
            });
            if fits {
                return Some(Some(Offsets::IntOffsets(pb::IntOffsets {
                    keys: keys.into_iter().cloned().collect(),
                    values,
                })));
            }
        }
    }
    Some(Some(Offsets::ValueOffsets(pb::ValueOffsets {
        offsets: records
            .iter()
            .map(|r| {
                r.source_offset
                    .as_ref()
                    .map_or_else(null_value, value_to_proto)
            })
            .collect(),
    })))
}

/// `Some(v)` for every record, or `None` for every record: the list (empty for none).
/// Mixed: `None` (the batch goes as rows).
fn all_or_none<T: Copy>(values: impl Iterator<Item = Option<T>>, n: usize) -> Option<Vec<T>> {
    let mut out = Vec::new();
    let mut absent = 0usize;
    for v in values {
        match v {
            Some(v) => out.push(v),
            None => absent += 1,
        }
    }
    match (out.len(), absent) {
        (_, 0) => Some(out),
        (0, a) if a == n => Some(out),
        _ => None,
    }
}

/// A poll's records (numbered from `first_seq`) as one `SourceColumns` message, or `None`
/// when they do not all fit the columnar form: no headers, no trace context of their own
/// (`trace_context`: the core takes them, so rows would carry them), partitions and offsets
/// that are maps (or absent), topics that are not empty, Kafka partitions and timestamps on
/// every record or on none, and keys (values) of one form (see [`source_data_column`]).
/// Transaction actions are the caller's to exclude.
pub(crate) fn source_columns(
    records: &[SourceRecord],
    first_seq: u64,
    raw_bytes: bool,
    trace_context: bool,
) -> Option<pb::SourceColumns> {
    let n = records.len();
    if n == 0 || u32::try_from(n).is_err() {
        return None;
    }
    if records
        .iter()
        .any(|r| !r.headers.is_empty() || (trace_context && r.trace.is_some()))
    {
        return None;
    }
    let mut c = pb::SourceColumns {
        first_seq,
        count: n as u32,
        ..Default::default()
    };
    // Topics: a table, with an index per record when there are several.
    if records.iter().any(|r| r.topic.is_empty()) {
        return None;
    }
    let first_topic = &records[0].topic;
    if records.iter().all(|r| r.topic == *first_topic) {
        c.topics.push(first_topic.clone());
    } else {
        let mut table: HashMap<&str, u32> = HashMap::new();
        c.topic_index = Vec::with_capacity(n);
        for r in records {
            let next = table.len() as u32;
            let i = *table.entry(r.topic.as_str()).or_insert_with(|| {
                c.topics.push(r.topic.clone());
                next
            });
            c.topic_index.push(i);
        }
    }
    c.kafka_partitions = all_or_none(records.iter().map(|r| r.kafka_partition), n)?;
    c.timestamps = all_or_none(records.iter().map(|r| r.timestamp), n)?;
    source_partitions(records, &mut c)?;
    c.offsets = source_offsets(records)?;
    c.key = source_data_column(records.iter().map(|r| &r.key), n, raw_bytes)?;
    c.value = source_data_column(records.iter().map(|r| &r.value), n, raw_bytes)?;
    Some(c)
}

fn split_column(c: &mut Option<pb::DataColumn>, k: usize) -> Option<pb::DataColumn> {
    let head = c.as_mut()?;
    let mut tail = pb::DataColumn {
        r#type: head.r#type,
        schema: head.schema.clone(),
        strings: if head.strings.is_empty() {
            Vec::new()
        } else {
            head.strings.split_off(k)
        },
        bytes: if head.bytes.is_empty() {
            Vec::new()
        } else {
            head.bytes.split_off(k)
        },
        nulls: Vec::new(),
    };
    let at = head.nulls.partition_point(|&i| (i as usize) < k);
    tail.nulls = head.nulls.split_off(at);
    for i in &mut tail.nulls {
        *i -= k as u32;
    }
    Some(tail)
}

/// Splits a columnar batch after its first `k` records (0 < k < count): `c` keeps them and
/// the rest is returned, numbered on. Both parts keep the full topic and partition tables.
pub(crate) fn split_columns(c: &mut pb::SourceColumns, k: usize) -> pb::SourceColumns {
    use pb::source_columns::Offsets;
    debug_assert!(k > 0 && k < c.count as usize);
    let split = |v: &mut Vec<_>| {
        if v.is_empty() {
            Vec::new()
        } else {
            v.split_off(k)
        }
    };
    let tail = pb::SourceColumns {
        first_seq: c.first_seq + k as u64,
        count: c.count - k as u32,
        partitions: c.partitions.clone(),
        partition_index: split(&mut c.partition_index),
        offsets: match &mut c.offsets {
            None => None,
            Some(Offsets::IntOffsets(o)) => Some(Offsets::IntOffsets(pb::IntOffsets {
                keys: o.keys.clone(),
                values: o.values.split_off(k * o.keys.len()),
            })),
            Some(Offsets::ValueOffsets(o)) => Some(Offsets::ValueOffsets(pb::ValueOffsets {
                offsets: o.offsets.split_off(k),
            })),
        },
        topics: c.topics.clone(),
        topic_index: split(&mut c.topic_index),
        kafka_partitions: {
            let v = &mut c.kafka_partitions;
            if v.is_empty() {
                Vec::new()
            } else {
                v.split_off(k)
            }
        },
        timestamps: {
            let v = &mut c.timestamps;
            if v.is_empty() {
                Vec::new()
            } else {
                v.split_off(k)
            }
        },
        key: split_column(&mut c.key, k),
        value: split_column(&mut c.value, k),
    };
    c.count = k as u32;
    tail
}

/// Splits a columnar batch into parts of at most `limit` encoded bytes (halving), each
/// with its encoded size; `None` when a single record does not fit (the rows say why).
pub(crate) fn fit_columns(
    c: pb::SourceColumns,
    limit: usize,
) -> Option<Vec<(pb::SourceColumns, usize)>> {
    let mut out = Vec::new();
    let mut todo = vec![c];
    while let Some(mut part) = todo.pop() {
        let len = part.encoded_len();
        if len <= limit {
            out.push((part, len));
            continue;
        }
        if part.count <= 1 {
            return None;
        }
        let k = part.count as usize / 2;
        let tail = split_columns(&mut part, k);
        todo.push(tail);
        todo.push(part);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::value_from_proto;
    use crate::record::{sink_record_from_proto, TraceContext};
    use bytes::Bytes;

    // ------------------------------------------------------------ sink (Put.columns)

    fn structured(schema: Option<pb::Schema>, v: pb::value::Kind) -> Option<pb::RecordData> {
        Some(pb::RecordData {
            kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                schema,
                value: Some(pb::Value { kind: Some(v) }),
            })),
        })
    }

    fn raw(b: &'static [u8]) -> Option<pb::RecordData> {
        Some(pb::RecordData {
            kind: Some(pb::record_data::Kind::Raw(Bytes::from_static(b))),
        })
    }

    fn null_kind() -> pb::value::Kind {
        pb::value::Kind::Null(0)
    }

    fn s(v: &str) -> pb::value::Kind {
        pb::value::Kind::String(v.into())
    }

    fn b(v: &'static [u8]) -> pb::value::Kind {
        pb::value::Kind::Bytes(Bytes::from_static(v))
    }

    /// Rows as the core sends them (every record with its key and value, the original
    /// coordinates its own).
    #[allow(clippy::type_complexity)]
    fn rows(
        topics: &[&str],
        keys: Vec<Option<pb::RecordData>>,
        values: Vec<Option<pb::RecordData>>,
        timestamps: &[Option<i64>],
    ) -> Vec<pb::SinkRecord> {
        (0..topics.len())
            .map(|i| pb::SinkRecord {
                topic: topics[i].into(),
                kafka_partition: i as i32 % 3,
                kafka_offset: 100 + i as i64,
                key: keys[i].clone(),
                value: values[i].clone(),
                timestamp: timestamps[i],
                timestamp_type: pb::TimestampType::CreateTime as i32,
                headers: vec![],
                original_topic: topics[i].into(),
                original_kafka_partition: i as i32 % 3,
                trace: None,
            })
            .collect()
    }

    /// The frame of columns for the same coordinates as [`rows`].
    fn frame(topics: &[&str], timestamps: &[Option<i64>]) -> pb::SinkColumns {
        let n = topics.len();
        let mut table: Vec<String> = Vec::new();
        let mut index = Vec::new();
        for t in topics {
            let i = table.iter().position(|x| x == t).unwrap_or_else(|| {
                table.push(t.to_string());
                table.len() - 1
            });
            index.push(i as u32);
        }
        if table.len() == 1 {
            index.clear();
        }
        pb::SinkColumns {
            count: n as u32,
            topics: table,
            topic_indexes: index,
            partitions: (0..n).map(|i| i as i32 % 3).collect(),
            offsets: (0..n).map(|i| 100 + i as i64).collect(),
            timestamps: timestamps.iter().map(|t| t.unwrap_or(0)).collect(),
            no_timestamp: (0..n as u32)
                .filter(|&i| timestamps[i as usize].is_none())
                .collect(),
            timestamp_types: vec![pb::TimestampType::CreateTime as i32],
            keys: None,
            values: None,
        }
    }

    fn column(
        kind: ColumnType,
        schema: Option<pb::Schema>,
        strings: &[&str],
        bytes: &[&'static [u8]],
        nulls: &[u32],
    ) -> Option<pb::DataColumn> {
        Some(pb::DataColumn {
            r#type: kind as i32,
            schema,
            strings: strings.iter().map(|s| s.to_string()).collect(),
            bytes: bytes.iter().map(|b| Bytes::from_static(b)).collect(),
            nulls: nulls.to_vec(),
        })
    }

    fn from_rows(rows: Vec<pb::SinkRecord>) -> Vec<SinkRecord> {
        let mut refs = SchemaRefsIn::default();
        rows.into_iter()
            .map(|r| sink_record_from_proto(r, &mut refs).unwrap())
            .collect()
    }

    fn from_columns(c: pb::SinkColumns) -> Result<Vec<SinkRecord>> {
        sink_records_from_columns(c, &mut SchemaRefsIn::default())
    }

    fn assert_same(columns: Vec<SinkRecord>, rows: Vec<SinkRecord>) {
        assert_eq!(columns.len(), rows.len());
        for (i, (c, r)) in columns.iter().zip(&rows).enumerate() {
            assert_eq!(c.topic, r.topic, "record {i}: topic");
            assert_eq!(
                c.kafka_partition, r.kafka_partition,
                "record {i}: partition"
            );
            assert_eq!(c.kafka_offset, r.kafka_offset, "record {i}: offset");
            assert_eq!(c.key, r.key, "record {i}: key");
            assert_eq!(c.value, r.value, "record {i}: value");
            assert_eq!(c.timestamp, r.timestamp, "record {i}: timestamp");
            assert_eq!(c.headers, r.headers, "record {i}: headers");
            assert_eq!(
                c.original_topic, r.original_topic,
                "record {i}: original topic"
            );
            assert_eq!(
                c.original_kafka_partition, r.original_kafka_partition,
                "record {i}: original partition"
            );
            assert_eq!(c.trace, r.trace, "record {i}: trace");
        }
        assert_eq!(columns, rows);
    }

    fn string_schema(optional: bool) -> pb::Schema {
        let s = Schema::string();
        SchemaRefsOut::new(false).encode(&Arc::new(if optional { s.optional() } else { s }))
    }

    fn bytes_schema() -> pb::Schema {
        SchemaRefsOut::new(false).encode(&Arc::new(Schema::bytes().optional()))
    }

    #[test]
    fn string_and_bytes_columns_give_the_records_of_the_rows() {
        let topics = ["a", "b", "a", "a"];
        let ts = [Some(1_000), None, Some(1_002), Some(0)];
        let ks = string_schema(true);
        let rows = rows(
            &topics,
            vec![
                structured(Some(ks.clone()), s("k0")),
                structured(Some(ks.clone()), null_kind()),
                structured(Some(ks.clone()), s("k2")),
                structured(Some(ks.clone()), s("")),
            ],
            vec![
                structured(None, b(b"v0")),
                structured(None, b(b"v1")),
                structured(None, null_kind()),
                structured(None, b(b"")),
            ],
            &ts,
        );
        let mut c = frame(&topics, &ts);
        c.keys = column(
            ColumnType::String,
            Some(ks),
            &["k0", "", "k2", ""],
            &[],
            &[1],
        );
        c.values = column(
            ColumnType::Bytes,
            None,
            &[],
            &[b"v0", b"v1", b"", b""],
            &[2],
        );
        assert_same(from_columns(c).unwrap(), from_rows(rows));
    }

    #[test]
    fn raw_null_and_all_null_columns_give_the_records_of_the_rows() {
        let topics = ["t"; 3];
        let ts = [Some(5), Some(6), Some(7)];
        // Raw values, no key column at all.
        let rows1 = rows(
            &topics,
            vec![structured(None, null_kind()); 3],
            vec![raw(b"x"), raw(b""), raw(b"zz")],
            &ts,
        );
        let mut c = frame(&topics, &ts);
        c.values = column(ColumnType::Raw, None, &[], &[b"x", b"", b"zz"], &[]);
        assert_same(from_columns(c.clone()).unwrap(), from_rows(rows1.clone()));
        // The same with an explicit NULL key column.
        c.keys = column(ColumnType::Null, None, &[], &[], &[]);
        assert_same(from_columns(c).unwrap(), from_rows(rows1));
        // Every key null with a schema: no entries at all; raw keys.
        let bs = bytes_schema();
        let rows2 = rows(
            &topics,
            vec![raw(b"k"), raw(b"l"), raw(b"m")],
            vec![structured(Some(bs.clone()), null_kind()); 3],
            &ts,
        );
        let mut c = frame(&topics, &ts);
        c.keys = column(ColumnType::Raw, None, &[], &[b"k", b"l", b"m"], &[]);
        c.values = column(ColumnType::Bytes, Some(bs), &[], &[], &[]);
        c.timestamp_types = vec![pb::TimestampType::CreateTime as i32; 3];
        assert_same(from_columns(c).unwrap(), from_rows(rows2));
    }

    #[test]
    fn column_schemas_define_and_reference_like_rows() {
        let mut out = SchemaRefsOut::new(true);
        let schema = Arc::new(Schema::string());
        let def = out.encode(&schema);
        let reference = out.encode(&schema);
        assert_ne!(def.id, 0);
        assert_eq!(reference.r#ref, def.id);
        let mut refs = SchemaRefsIn::default();
        let topics = ["t"; 2];
        let ts = [Some(1), Some(2)];
        let mut c = frame(&topics, &ts);
        c.values = column(ColumnType::String, Some(def), &["a", "b"], &[], &[]);
        let first = sink_records_from_columns(c.clone(), &mut refs).unwrap();
        c.values = column(ColumnType::String, Some(reference), &["c", "d"], &[], &[]);
        let second = sink_records_from_columns(c, &mut refs).unwrap();
        for r in first.iter().chain(&second) {
            let Some(Data::Structured {
                schema: Some(s), ..
            }) = &r.value
            else {
                panic!("no schema: {r:?}");
            };
            assert_eq!(**s, *schema);
        }
        assert_eq!(second[1].value(), Some(&Value::String("d".into())));
        // A reference never defined is refused.
        let mut c = frame(&topics, &ts);
        c.values = column(
            ColumnType::String,
            Some(pb::Schema {
                r#ref: 77,
                ..Default::default()
            }),
            &["a", "b"],
            &[],
            &[],
        );
        let e = from_columns(c).unwrap_err();
        assert!(e.message().contains("values column"), "{e}");
    }

    #[test]
    fn an_empty_put_in_columns_has_no_records() {
        let c = pb::SinkColumns::default();
        assert!(from_columns(c).unwrap().is_empty());
    }

    /// A well-formed Put of 4 records to mutate.
    fn good() -> pb::SinkColumns {
        let topics = ["a", "b", "a", "a"];
        let ts = [Some(1), None, Some(3), Some(4)];
        let mut c = frame(&topics, &ts);
        c.keys = column(
            ColumnType::String,
            Some(string_schema(true)),
            &["a", "", "c", "d"],
            &[],
            &[1],
        );
        c.values = column(ColumnType::Raw, None, &[], &[b"1", b"2", b"3", b"4"], &[]);
        c
    }

    #[test]
    fn malformed_columns_are_refused_with_the_column_named() {
        assert_eq!(from_columns(good()).unwrap().len(), 4);
        type Mutation = fn(&mut pb::SinkColumns);
        let cases: Vec<(Mutation, &str)> = vec![
            (|c| c.count = 5, "`partitions` has 4 entries for 5 records"),
            (
                |c| {
                    c.partitions.pop();
                },
                "`partitions`",
            ),
            (
                |c| {
                    c.offsets.push(9);
                },
                "`offsets`",
            ),
            (
                |c| {
                    c.timestamps.pop();
                },
                "`timestamps`",
            ),
            (|c| c.no_timestamp = vec![4], "`no_timestamp`"),
            (|c| c.no_timestamp = vec![2, 1], "`no_timestamp`"),
            (|c| c.timestamp_types = vec![1, 1], "`timestamp_types`"),
            (|c| c.topics.clear(), "`topics`"),
            (|c| c.topic_indexes.clear(), "`topic_indexes`"),
            (|c| c.topic_indexes[3] = 2, "`topic_indexes`"),
            (
                |c| {
                    c.topic_indexes.pop();
                },
                "`topic_indexes`",
            ),
            (
                |c| c.keys.as_mut().unwrap().r#type = 9,
                "keys column has an unknown type 9",
            ),
            (
                |c| {
                    c.keys.as_mut().unwrap().strings.pop();
                },
                "keys column has 3 entries in `strings`",
            ),
            (|c| c.keys.as_mut().unwrap().nulls = vec![4], "`keys.nulls`"),
            (
                |c| c.keys.as_mut().unwrap().nulls = vec![1, 1],
                "`keys.nulls`",
            ),
            (
                |c| {
                    c.keys.as_mut().unwrap().schema =
                        Some(SchemaRefsOut::new(false).encode(&Arc::new(Schema::int32())));
                },
                "keys column is STRING but its schema is Int32",
            ),
            (
                |c| {
                    c.keys.as_mut().unwrap().schema = Some(
                        SchemaRefsOut::new(false).encode(&Arc::new(Schema::string().named("x.Y"))),
                    );
                },
                "keys column is STRING but its schema is String named x.Y",
            ),
            (
                |c| c.keys.as_mut().unwrap().bytes = vec![Bytes::new()],
                "keys column is STRING but has bytes",
            ),
            (
                |c| c.values.as_mut().unwrap().nulls = vec![0],
                "values column is RAW and has nulls",
            ),
            (
                |c| {
                    c.values.as_mut().unwrap().bytes.pop();
                },
                "values column has 3 entries in `bytes`",
            ),
            (
                |c| {
                    c.values.as_mut().unwrap().schema = Some(bytes_schema());
                },
                "values column is RAW but has strings or a schema",
            ),
            (
                |c| {
                    c.values = column(ColumnType::Bytes, None, &["x"], &[], &[]);
                },
                "values column is BYTES but has strings",
            ),
            (
                |c| {
                    c.values = column(ColumnType::Null, None, &[], &[b"x"], &[]);
                },
                "values column is NULL but has entries",
            ),
        ];
        for (mutate, want) in cases {
            let mut c = good();
            mutate(&mut c);
            let e = from_columns(c).expect_err(want);
            assert!(
                e.message().contains(want),
                "expected an error naming {want:?}, got {e}"
            );
            assert!(e.message().starts_with("malformed columnar Put"), "{e}");
        }
    }

    // ------------------------------------------------------------ source batches

    /// What the core reads from a columnar batch, per record: the fields a row carries.
    #[derive(Debug, PartialEq)]
    struct Read {
        seq: u64,
        partition: Option<Value>,
        offset: Option<Value>,
        topic: String,
        kafka_partition: Option<i32>,
        timestamp: Option<i64>,
        key: Option<Data>,
        value: Option<Data>,
    }

    fn as_map(v: pb::Value) -> Option<Value> {
        match value_from_proto(v, None).unwrap() {
            Value::Null => None,
            m @ Value::Map(_) => Some(m),
            other => panic!("not a map: {other:?}"),
        }
    }

    fn read_column(c: Option<pb::DataColumn>, n: usize) -> Vec<Option<Data>> {
        let Some(c) = c else {
            return vec![None; n];
        };
        let schema = c.schema.map(|p| SchemaRefsIn::default().decode(p).unwrap());
        let null = |i: usize| c.nulls.contains(&(i as u32));
        (0..n)
            .map(|i| match ColumnType::try_from(c.r#type).unwrap() {
                ColumnType::Null => None,
                ColumnType::Raw if null(i) => None,
                ColumnType::Raw => Some(Data::Raw(c.bytes[i].clone())),
                kind => {
                    let all_null = c.strings.is_empty() && c.bytes.is_empty();
                    let value = if all_null || null(i) {
                        Value::Null
                    } else if kind == ColumnType::String {
                        Value::String(c.strings[i].clone())
                    } else {
                        Value::Bytes(c.bytes[i].clone())
                    };
                    if schema.is_none() && value == Value::Null {
                        None
                    } else {
                        Some(Data::Structured {
                            schema: schema.clone(),
                            value,
                        })
                    }
                }
            })
            .collect()
    }

    /// Reads a batch back as the protocol defines it (schemaless nulls as absent keys).
    fn read(c: pb::SourceColumns) -> Vec<Read> {
        use pb::source_columns::Offsets;
        let n = c.count as usize;
        for list in [c.partition_index.len(), c.topic_index.len()] {
            assert!(list == 0 || list == n);
        }
        let partitions: Vec<_> = c.partitions.into_iter().map(as_map).collect();
        let offsets: Vec<Option<Value>> = match c.offsets {
            None => vec![None; n],
            Some(Offsets::IntOffsets(o)) => {
                assert_eq!(o.values.len(), n * o.keys.len());
                o.values
                    .chunks(o.keys.len().max(1))
                    .take(n)
                    .map(|row| {
                        Some(Value::Map(
                            o.keys
                                .iter()
                                .zip(row)
                                .map(|(k, v)| (Value::String(k.clone()), Value::Int64(*v)))
                                .collect(),
                        ))
                    })
                    .collect()
            }
            Some(Offsets::ValueOffsets(o)) => o.offsets.into_iter().map(as_map).collect(),
        };
        let keys = read_column(c.key, n);
        let values = read_column(c.value, n);
        (0..n)
            .map(|i| Read {
                seq: c.first_seq + i as u64,
                partition: match c.partition_index.get(i) {
                    Some(&p) => partitions[p as usize].clone(),
                    None => partitions.first().cloned().flatten(),
                },
                offset: offsets[i].clone(),
                topic: c.topics[c.topic_index.get(i).map_or(0, |&t| t as usize)].clone(),
                kafka_partition: c.kafka_partitions.get(i).copied(),
                timestamp: c.timestamps.get(i).copied(),
                key: keys[i].clone(),
                value: values[i].clone(),
            })
            .collect()
    }

    /// The records as the core would read their rows (schemaless nulls as absent keys).
    fn expected(records: &[SourceRecord], first_seq: u64) -> Vec<Read> {
        let norm = |d: &Option<Data>| match d {
            Some(Data::Structured {
                schema: None,
                value: Value::Null,
            }) => None,
            d => d.clone(),
        };
        records
            .iter()
            .enumerate()
            .map(|(i, r)| Read {
                seq: first_seq + i as u64,
                partition: r.source_partition.clone(),
                offset: r.source_offset.clone(),
                topic: r.topic.clone(),
                kafka_partition: r.kafka_partition,
                timestamp: r.timestamp,
                key: norm(&r.key),
                value: norm(&r.value),
            })
            .collect()
    }

    fn file(name: &str) -> Value {
        Value::map([("file", Value::String(name.into()))])
    }

    fn line(n: i64) -> Value {
        Value::map([("line", Value::Int64(n))])
    }

    fn lines(n: usize) -> Vec<SourceRecord> {
        let schema = Arc::new(Schema::string().optional());
        (0..n)
            .map(|i| {
                SourceRecord::new(if i % 3 == 0 { "odd" } else { "even" })
                    .position(file(if i < n / 2 { "a" } else { "b" }), line(i as i64))
                    .key(Some(schema.clone()), format!("k{i}"))
                    .value(
                        Some(schema.clone()),
                        if i == 1 {
                            Value::Null
                        } else {
                            Value::String(format!("line {i}"))
                        },
                    )
                    .partition(i as i32 % 2)
                    .timestamp(1_700_000_000_000 + i as i64)
            })
            .collect()
    }

    fn columns_of(records: &[SourceRecord]) -> Option<pb::SourceColumns> {
        source_columns(records, 41, true, true)
    }

    #[test]
    fn records_that_fit_go_in_columns_field_by_field() {
        let records = lines(6);
        let c = columns_of(&records).expect("the records fit columns");
        assert_eq!((c.first_seq, c.count), (41, 6));
        assert_eq!(c.topics, ["odd", "even"]);
        assert_eq!(c.topic_index, [0, 1, 1, 0, 1, 1]);
        assert_eq!(c.partitions.len(), 2);
        assert_eq!(c.partition_index, [0, 0, 0, 1, 1, 1]);
        assert_eq!(c.kafka_partitions, [0, 1, 0, 1, 0, 1]);
        assert_eq!(c.timestamps[5], 1_700_000_000_005);
        let Some(pb::source_columns::Offsets::IntOffsets(o)) = &c.offsets else {
            panic!("integer offsets expected: {:?}", c.offsets);
        };
        assert_eq!(o.keys, ["line"]);
        assert_eq!(o.values, [0, 1, 2, 3, 4, 5]);
        let v = c.value.as_ref().unwrap();
        assert_eq!(v.r#type, ColumnType::String as i32);
        assert_eq!(v.nulls, [1]);
        assert_eq!(v.strings[1], "");
        assert_eq!(v.strings[2], "line 2");
        let schema = v.schema.as_ref().unwrap();
        assert_eq!((schema.id, schema.r#ref), (0, 0), "a full definition");
        assert!(schema.optional);
        assert_eq!(read(c), expected(&records, 41));
    }

    #[test]
    fn other_shapes_that_fit_columns() {
        let check = |records: Vec<SourceRecord>| {
            let c = columns_of(&records).unwrap_or_else(|| panic!("fits: {records:?}"));
            assert_eq!(read(c.clone()), expected(&records, 41));
            c
        };
        // Raw values, some absent; no key, no partition, no offsets, no Kafka partition.
        let c = check(vec![
            SourceRecord::new("t").raw_value(&b"a"[..]),
            SourceRecord::new("t"),
            SourceRecord::new("t").raw_value(&b""[..]),
        ]);
        assert!(c.key.is_none() && c.partitions.is_empty() && c.offsets.is_none());
        assert!(c.kafka_partitions.is_empty() && c.timestamps.is_empty());
        assert_eq!(c.value.as_ref().unwrap().nulls, [1]);
        // Schemaless bytes keys with a null; offsets of several keys; one partition.
        let c = check(
            (0..3)
                .map(|i| {
                    let mut r = SourceRecord::new("t").position(
                        file("a"),
                        Value::map([("pos", Value::Int64(i)), ("gen", Value::Int64(7))]),
                    );
                    if i != 2 {
                        r = r.key(None, Bytes::from(vec![i as u8]));
                    }
                    r.value(None, Value::Null)
                })
                .collect(),
        );
        assert_eq!(c.partitions.len(), 1);
        assert!(c.partition_index.is_empty() && c.value.is_none());
        let Some(pb::source_columns::Offsets::IntOffsets(o)) = &c.offsets else {
            panic!("integer offsets expected");
        };
        assert_eq!(
            (o.keys.as_slice(), o.values.as_slice()),
            (
                &["pos".to_string(), "gen".to_string()][..],
                &[0, 7, 1, 7, 2, 7][..]
            )
        );
        // Offsets that are not all integer maps of the same keys go as values; a record
        // without a partition among others.
        let c = check(vec![
            SourceRecord::new("t").position(file("a"), line(1)),
            SourceRecord::new("t").position(file("a"), Value::map([("line", Value::Int32(2))])),
            SourceRecord {
                source_offset: None,
                ..SourceRecord::new("t")
            },
            SourceRecord::new("t").position(file("b"), Value::map([("other", Value::Int64(3))])),
        ]);
        let Some(pb::source_columns::Offsets::ValueOffsets(o)) = &c.offsets else {
            panic!("value offsets expected");
        };
        assert_eq!(o.offsets.len(), 4);
        assert_eq!(c.partitions.len(), 3);
        // Every value null of an optional schema: no entries.
        let opt = Arc::new(Schema::bytes().optional());
        let c = check(vec![
            SourceRecord::new("t")
                .value(Some(opt.clone()), Value::Null);
            2
        ]);
        let v = c.value.unwrap();
        assert!(v.bytes.is_empty() && v.nulls.is_empty() && v.schema.is_some());
        // A trace context the core does not take is not sent with rows either.
        let r = SourceRecord::new("t").trace(TraceContext {
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
            tracestate: String::new(),
        });
        assert!(source_columns(&[r], 1, true, false).is_some());
    }

    #[test]
    fn records_that_do_not_fit_go_as_rows() {
        let string = Arc::new(Schema::string());
        let other_string = Arc::new(Schema::string().doc("another"));
        let structure = Arc::new(Schema::structure("S").field("f", Schema::int32()));
        let ok = || SourceRecord::new("t").value(Some(string.clone()), "x");
        let cases: Vec<(&str, Vec<SourceRecord>)> = vec![
            ("a header", vec![ok(), ok().header("h", None, "v")]),
            (
                "a trace context",
                vec![ok().trace(TraceContext {
                    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
                    tracestate: String::new(),
                })],
            ),
            (
                "a struct value",
                vec![SourceRecord::new("t").value(
                    Some(structure.clone()),
                    Value::Struct(crate::data::Struct::new(structure.clone()).put("f", 1i32)),
                )],
            ),
            (
                "an int value",
                vec![SourceRecord::new("t").value(Some(Arc::new(Schema::int64())), 5i64)],
            ),
            (
                "a schemaless int",
                vec![SourceRecord::new("t").value(None, 5i64)],
            ),
            (
                "two schemas",
                vec![ok(), SourceRecord::new("t").value(Some(other_string), "y")],
            ),
            (
                "a schema and none",
                vec![ok(), SourceRecord::new("t").value(None, "y")],
            ),
            ("a schema and no value", vec![ok(), SourceRecord::new("t")]),
            (
                "a null of a required schema",
                vec![
                    ok(),
                    SourceRecord::new("t").value(Some(string.clone()), Value::Null),
                ],
            ),
            (
                "a logical type",
                vec![SourceRecord::new("t").value(
                    Some(Arc::new(Schema::decimal(2))),
                    Bytes::from_static(b"\x01"),
                )],
            ),
            (
                "strings and bytes",
                vec![
                    SourceRecord::new("t").value(None, "a"),
                    SourceRecord::new("t").value(None, Bytes::from_static(b"b")),
                ],
            ),
            (
                "raw and structured",
                vec![SourceRecord::new("t").raw_value(&b"a"[..]), ok()],
            ),
            ("some Kafka partitions", vec![ok().partition(1), ok()]),
            ("some timestamps", vec![ok(), ok().timestamp(5)]),
            (
                "an offset that is not a map",
                vec![SourceRecord::new("t").position(file("a"), Value::Int64(1))],
            ),
            (
                "a partition that is not a map",
                vec![SourceRecord::new("t").position(Value::String("p".into()), line(1))],
            ),
            (
                "an empty topic",
                vec![ok(), SourceRecord::new("").value(Some(string.clone()), "x")],
            ),
        ];
        for (what, records) in cases {
            assert!(columns_of(&records).is_none(), "{what} went in columns");
        }
        // Raw bytes the core did not agree to: rows, which report it.
        let raw = [SourceRecord::new("t").raw_value(&b"a"[..])];
        assert!(source_columns(&raw, 1, false, true).is_none());
        assert!(source_columns(&raw, 1, true, true).is_some());
        assert!(source_columns(&[], 1, true, true).is_none());
    }

    #[test]
    fn batches_split_in_parts_that_read_as_the_whole() {
        let mut records = lines(40);
        records[7].value = Some(Data::Structured {
            schema: Some(Arc::new(Schema::string().optional())),
            value: Value::Null,
        });
        let c = columns_of(&records).unwrap();
        let whole = c.encoded_len();
        let parts = fit_columns(c.clone(), whole / 3).unwrap();
        assert!(parts.len() >= 3, "{} parts", parts.len());
        let mut next = 41;
        let mut read_back = Vec::new();
        for (p, len) in parts {
            assert_eq!(p.encoded_len(), len);
            assert!(len <= whole / 3);
            assert_eq!(p.first_seq, next);
            next += u64::from(p.count);
            read_back.extend(read(p));
        }
        assert_eq!(next, 81);
        assert_eq!(read_back, expected(&records, 41));
        // One part when it fits; none when a single record does not.
        assert_eq!(fit_columns(c.clone(), whole).unwrap().len(), 1);
        assert!(fit_columns(c, 10).is_none());
        // All-null entries stay empty in both parts.
        let opt = Arc::new(Schema::bytes().optional());
        let mut c = columns_of(&vec![
            SourceRecord::new("t").value(Some(opt), Value::Null);
            4
        ])
        .unwrap();
        let tail = split_columns(&mut c, 1);
        assert_eq!((c.count, tail.count, tail.first_seq), (1, 3, 42));
        assert_eq!(read(tail).len(), 3);
    }
}
