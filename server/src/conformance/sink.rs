//! Checks on a sink task stream (SinkTask.Run).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use pb::sink_request::Msg as In;
use pb::sink_response::Msg as Out;
use polyconnect_proto::v1 as pb;

use super::drive::{describe_error, requests, Drive, Recv};
use super::{Ctx, Report};

const TOPIC: &str = "conformance";
const HEARTBEAT_MS: u32 = 200;
const MAX_GAP: Duration = Duration::from_millis(1500);
const SILENT_CORE: Duration = Duration::from_millis(2500);

type D = Drive<pb::SinkRequest, pb::SinkResponse>;

fn req(m: In) -> pb::SinkRequest {
    pb::SinkRequest { msg: Some(m) }
}

fn start_msg(
    ctx: &Ctx,
    class: &str,
    config: &BTreeMap<String, String>,
    version: u32,
) -> pb::SinkRequest {
    req(In::Start(pb::SinkStart {
        protocol_version: version,
        connector_class: class.into(),
        connector_name: "conformance".into(),
        task_id: 0,
        config: config.clone().into_iter().collect(),
        heartbeat_interval_ms: HEARTBEAT_MS,
        idle_timeout_ms: 0,
        max_message_bytes: ctx.max_message_bytes,
        capabilities: Some(ctx.caps),
        trace: None,
    }))
}

async fn open(ctx: &Ctx, first: pb::SinkRequest) -> Result<D, String> {
    let (tx, rx) = requests();
    tx.send(first)
        .await
        .map_err(|_| "cannot send".to_string())?;
    let mut client = ctx.conn.sink_client(ctx.max_message_bytes as usize);
    let resp = tokio::time::timeout(ctx.timeout, client.run(rx))
        .await
        .map_err(|_| format!("SinkTask.Run did not answer within {:?}", ctx.timeout))?
        .map_err(|s| format!("SinkTask.Run failed: {:?}: {}", s.code(), s.message()))?;
    Ok(Drive::new(tx, resp.into_inner()))
}

fn partitions() -> pb::Partitions {
    pb::Partitions {
        partitions: vec![pb::TopicPartition {
            topic: TOPIC.into(),
            partition: 0,
        }],
    }
}

/// Records `from..to` of partition 0: a string key and a string value; the value schema is
/// defined once (id 1) and referenced afterwards when the process agreed to references.
fn records(ctx: &Ctx, from: i64, to: i64, schema_sent: &mut bool) -> Vec<pb::SinkRecord> {
    let string = |s: String| pb::Value {
        kind: Some(pb::value::Kind::String(s)),
    };
    (from..to)
        .map(|o| {
            let schema = if ctx.caps.schema_references && *schema_sent {
                pb::Schema {
                    r#ref: 1,
                    ..Default::default()
                }
            } else {
                *schema_sent = true;
                pb::Schema {
                    r#type: pb::SchemaType::String as i32,
                    id: if ctx.caps.schema_references { 1 } else { 0 },
                    ..Default::default()
                }
            };
            pb::SinkRecord {
                topic: TOPIC.into(),
                kafka_partition: 0,
                kafka_offset: o,
                key: Some(pb::RecordData {
                    kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                        schema: None,
                        value: Some(string(format!("key-{o}"))),
                    })),
                }),
                value: Some(pb::RecordData {
                    kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                        schema: Some(schema),
                        value: Some(string(format!("conformance record {o}"))),
                    })),
                }),
                timestamp: Some(1_700_000_000_000 + o),
                timestamp_type: pb::TimestampType::CreateTime as i32,
                headers: vec![],
                original_topic: TOPIC.into(),
                original_kafka_partition: 0,
                trace: Some(pb::TraceContext {
                    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into(),
                    tracestate: String::new(),
                }),
            }
        })
        .collect()
}

/// The same records as a Put's columns (capability "columnar_puts"), as the core sends
/// records that fit them: their trace contexts are dropped (records in columns have none),
/// keys and values are strings or null, the columns' schemas the first record's.
fn columns(recs: Vec<pb::SinkRecord>) -> pb::SinkColumns {
    let n = recs.len();
    let mut c = pb::SinkColumns {
        count: n as u32,
        topics: vec![TOPIC.into()],
        ..Default::default()
    };
    let column = |data: Vec<Option<pb::RecordData>>| {
        let mut col = pb::DataColumn {
            r#type: pb::DataColumnType::String as i32,
            ..Default::default()
        };
        for (row, d) in data.into_iter().enumerate() {
            let Some(pb::record_data::Kind::Structured(st)) = d.and_then(|d| d.kind) else {
                panic!("the kit's records are structured");
            };
            if row == 0 {
                col.schema = st.schema;
            }
            match st.value.and_then(|v| v.kind) {
                Some(pb::value::Kind::String(s)) => col.strings.push(s),
                _ => {
                    col.strings.push(String::new());
                    col.nulls.push(row as u32);
                }
            }
        }
        col
    };
    let (mut keys, mut values) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (row, r) in recs.into_iter().enumerate() {
        c.partitions.push(r.kafka_partition);
        c.offsets.push(r.kafka_offset);
        c.timestamps.push(r.timestamp.unwrap_or(0));
        if r.timestamp.is_none() {
            c.no_timestamp.push(row as u32);
        }
        if row == 0 {
            c.timestamp_types.push(r.timestamp_type);
        }
        keys.push(r.key);
        values.push(r.value);
    }
    c.keys = Some(column(keys));
    c.values = Some(column(values));
    c
}

/// Records for the columnar check: a null key and a record without a timestamp among them.
fn varied(mut recs: Vec<pb::SinkRecord>) -> Vec<pb::SinkRecord> {
    if let Some(pb::RecordData {
        kind: Some(pb::record_data::Kind::Structured(st)),
    }) = recs.first_mut().and_then(|r| r.key.as_mut())
    {
        st.value = Some(pb::Value {
            kind: Some(pb::value::Kind::Null(0)),
        });
    }
    if let Some(r) = recs.get_mut(1) {
        r.timestamp = None;
    }
    recs
}

async fn put_columns(
    ctx: &Ctx,
    d: &mut D,
    put_id: u64,
    recs: Vec<pb::SinkRecord>,
    errants: &mut u64,
) -> Result<(), String> {
    d.send(req(In::Put(pb::Put {
        put_id,
        records: vec![],
        trace: None,
        columns: Some(columns(recs)),
    })))
    .await?;
    match next(d, ctx.timeout, &format!("PutDone{{{put_id}}}"), errants).await? {
        Out::PutDone(p) if p.put_id == put_id => Ok(()),
        other => Err(format!(
            "expected PutDone{{{put_id}}} for a Put in columns, got {other:?}"
        )),
    }
}

/// The next message that is not a heartbeat (errant records are counted and skipped).
async fn next(d: &mut D, within: Duration, what: &str, errants: &mut u64) -> Result<Out, String> {
    let deadline = Instant::now() + within;
    loop {
        match d.recv_until(deadline).await {
            Recv::Msg(pb::SinkResponse {
                msg: Some(Out::Heartbeat(_)),
            }) => continue,
            Recv::Msg(pb::SinkResponse {
                msg: Some(Out::Errant(_)),
            }) => *errants += 1,
            // SinkTaskContext requests (rewind, pause, requestCommit) may come at any time.
            Recv::Msg(pb::SinkResponse {
                msg: Some(Out::Context(_)),
            }) => continue,
            Recv::Msg(pb::SinkResponse {
                msg: Some(Out::Error(e)),
            }) => {
                return Err(format!(
                    "the connector sent {} while the kit waited for {what}",
                    describe_error(&e.error.unwrap_or_default())
                ))
            }
            Recv::Msg(pb::SinkResponse { msg: Some(m) }) => return Ok(m),
            Recv::Msg(_) => return Err(format!("an empty SinkResponse while waiting for {what}")),
            Recv::End => return Err(format!("the stream ended while waiting for {what}")),
            Recv::Status(s) => {
                return Err(format!(
                    "the stream failed while waiting for {what}: {:?}: {}",
                    s.code(),
                    s.message()
                ))
            }
            Recv::Timeout => return Err(format!("no {what} within {within:?}")),
        }
    }
}

async fn put(
    ctx: &Ctx,
    d: &mut D,
    put_id: u64,
    recs: Vec<pb::SinkRecord>,
    errants: &mut u64,
) -> Result<(), String> {
    d.send(req(In::Put(pb::Put {
        put_id,
        records: recs,
        trace: None,
        columns: None,
    })))
    .await?;
    match next(d, ctx.timeout, &format!("PutDone{{{put_id}}}"), errants).await? {
        Out::PutDone(p) if p.put_id == put_id => Ok(()),
        other => Err(format!("expected PutDone{{{put_id}}}, got {other:?}")),
    }
}

async fn flush(
    ctx: &Ctx,
    d: &mut D,
    flush_id: u64,
    offset: i64,
    errants: &mut u64,
) -> Result<Vec<pb::TopicPartitionOffset>, String> {
    let offsets = vec![pb::TopicPartitionOffset {
        topic: TOPIC.into(),
        partition: 0,
        offset,
    }];
    d.send(req(In::Flush(pb::Flush {
        flush_id,
        offsets,
        trace: None,
    })))
    .await?;
    match next(d, ctx.timeout, &format!("Flushed{{{flush_id}}}"), errants).await? {
        Out::Flushed(f) if f.flush_id == flush_id => {
            if let Some(e) = &f.error {
                return Err(format!("the flush failed: {}", describe_error(e)));
            }
            for o in &f.offsets {
                if o.topic != TOPIC || o.partition != 0 {
                    return Err(format!(
                        "Flushed names {}-{}, which was never put or flushed",
                        o.topic, o.partition
                    ));
                }
                if o.offset > offset || o.offset < 0 {
                    return Err(format!("Flushed offset {} for {TOPIC}-0, but only records before offset {offset} were put", o.offset));
                }
            }
            Ok(f.offsets)
        }
        other => Err(format!("expected Flushed{{{flush_id}}}, got {other:?}")),
    }
}

async fn started(ctx: &Ctx, d: &mut D) -> Result<u32, String> {
    let mut errants = 0;
    match next(d, ctx.timeout, "SinkStarted", &mut errants).await? {
        Out::Started(s) => Ok(s.max_inflight_puts),
        other => Err(format!("expected SinkStarted, got {other:?}")),
    }
}

/// Waits for the connector to end its side after Stop.
async fn ended(d: &mut D, within: Duration) -> Result<(), String> {
    let deadline = Instant::now() + within;
    loop {
        match d.recv_until(deadline).await {
            Recv::End => return Ok(()),
            Recv::Msg(pb::SinkResponse {
                msg: Some(Out::Error(e)),
            }) => {
                return Err(format!(
                    "after Stop: {}",
                    describe_error(&e.error.unwrap_or_default())
                ))
            }
            Recv::Msg(_) => continue,
            Recv::Status(s) => {
                return Err(format!(
                    "the stream failed after Stop: {:?}: {}",
                    s.code(),
                    s.message()
                ))
            }
            Recv::Timeout => {
                return Err(format!(
                    "the connector did not end its side within {within:?} of Stop"
                ))
            }
        }
    }
}

pub(crate) async fn checks(
    ctx: &Ctx,
    class: &str,
    config: &BTreeMap<String, String>,
    report: &mut Report,
) {
    let mut errants = 0u64;
    let r = async {
        let mut d = open(ctx, start_msg(ctx, class, config, 99)).await?;
        match d.recv(ctx.timeout).await {
            Recv::Msg(pb::SinkResponse {
                msg: Some(Out::Error(e)),
            }) => {
                let e = e.error.unwrap_or_default();
                if e.kind == pb::ErrorKind::Config as i32 {
                    Ok(describe_error(&e))
                } else {
                    Err(format!(
                        "expected a CONFIG error, got {}",
                        describe_error(&e)
                    ))
                }
            }
            Recv::Msg(m) => Err(format!(
                "SinkStart with protocol version 99 answered with {m:?}, not a CONFIG error"
            )),
            _ => Err("no CONFIG error for SinkStart with protocol version 99".into()),
        }
    }
    .await;
    report.check("sink.version-mismatch", r);

    let mut d = match open(ctx, start_msg(ctx, class, config, 1)).await {
        Ok(d) => d,
        Err(e) => {
            report.fail("sink.start", e);
            return;
        }
    };
    match started(ctx, &mut d).await {
        Ok(n) => report.pass(
            "sink.start",
            format!("SinkStart → SinkStarted{{max_inflight_puts: {n}}}"),
        ),
        Err(e) => {
            report.fail("sink.start", e);
            return;
        }
    }
    let mut schema_sent = false;
    let r = async {
        d.send(req(In::Open(partitions()))).await?;
        put(ctx, &mut d, 1, records(ctx, 0, 5, &mut schema_sent), &mut errants).await?;
        put(ctx, &mut d, 2, records(ctx, 5, 10, &mut schema_sent), &mut errants).await?;
        Ok(format!("Open, then two Puts of 5 records (schema defined once, then referenced) → PutDone each; {errants} errant records"))
    }
    .await;
    if !report.check("sink.put", r) {
        return;
    }
    let r = flush(ctx, &mut d, 1, 10, &mut errants)
        .await
        .map(|o| format!("Flush{{{TOPIC}-0: 10}} → Flushed {o:?}"));
    if !report.check("sink.flush", r) {
        return;
    }

    // A silent core: heartbeats keep coming, then the task still works.
    let r = async {
        let deadline = Instant::now() + SILENT_CORE;
        let (mut last, mut gap, mut beats) = (Instant::now(), Duration::ZERO, 0);
        loop {
            let m = d.recv_until(deadline).await;
            gap = gap.max(last.elapsed());
            last = Instant::now();
            match m {
                Recv::Timeout => break,
                Recv::Msg(pb::SinkResponse { msg: Some(Out::Heartbeat(_)) }) => beats += 1,
                Recv::Msg(pb::SinkResponse { msg: Some(Out::Error(e)) }) => {
                    return Err(format!("while the core was silent: {}", describe_error(&e.error.unwrap_or_default())))
                }
                Recv::Msg(_) => {}
                Recv::End | Recv::Status(_) => return Err("the stream ended while the core was silent".into()),
            }
        }
        if gap > MAX_GAP {
            return Err(format!("silent for {gap:?} with a heartbeat interval of {HEARTBEAT_MS} ms"));
        }
        put(ctx, &mut d, 3, records(ctx, 10, 12, &mut schema_sent), &mut errants).await?;
        Ok(format!("{beats} heartbeats while the core was silent for {SILENT_CORE:?}, longest gap {gap:?}; a Put afterwards → PutDone"))
    }
    .await;
    if !report.check("sink.heartbeats", r) {
        return;
    }

    // A process that announced columnar Puts gets records in columns too, and must answer
    // them as it answers the same records in rows.
    let mut end = 12;
    if ctx.caps.columnar_puts {
        let r = async {
            let before = errants;
            put(ctx, &mut d, 4, varied(records(ctx, 12, 17, &mut schema_sent)), &mut errants).await?;
            let as_rows = errants - before;
            // The same offsets again (as a redelivery would), in columns.
            let before = errants;
            put_columns(ctx, &mut d, 5, varied(records(ctx, 12, 17, &mut schema_sent)), &mut errants).await?;
            let as_columns = errants - before;
            if as_columns != as_rows {
                return Err(format!(
                    "5 records in columns gave {as_columns} errant records, the same records in rows {as_rows}"
                ));
            }
            let offsets = flush(ctx, &mut d, 3, 17, &mut errants).await?;
            Ok(format!("the same 5 records (a null key, a record without a timestamp) as rows, then in columns → PutDone each, {as_columns} errant records each; Flush{{{TOPIC}-0: 17}} → Flushed {offsets:?}"))
        }
        .await;
        if !report.check("sink.columnar-put", r) {
            return;
        }
        end = 17;
    }

    // Staged stop: the final Flush, Close, Stop; the connector ends its side.
    let r = async {
        flush(ctx, &mut d, 2, end, &mut errants).await?;
        d.send(req(In::Close(partitions()))).await?;
        d.send(req(In::Stop(pb::Stop { timeout_ms: 5000 }))).await?;
        ended(&mut d, Duration::from_secs(6)).await?;
        Ok("final Flush → Flushed, Close, Stop → stream ended".to_string())
    }
    .await;
    report.check("sink.stop", r);

    let r = async {
        let mut first = open(ctx, start_msg(ctx, class, config, 1)).await?;
        started(ctx, &mut first).await?;
        first.send(req(In::Open(partitions()))).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(first);
        let mut second = open(ctx, start_msg(ctx, class, config, 1)).await?;
        started(ctx, &mut second)
            .await
            .map_err(|e| format!("after a dropped stream: {e}"))?;
        let mut sent = false;
        second.send(req(In::Open(partitions()))).await?;
        put(
            ctx,
            &mut second,
            1,
            records(ctx, 12, 14, &mut sent),
            &mut errants,
        )
        .await?;
        flush(ctx, &mut second, 1, 14, &mut errants).await?;
        second
            .send(req(In::Stop(pb::Stop { timeout_ms: 5000 })))
            .await?;
        ended(&mut second, Duration::from_secs(6)).await?;
        Ok(
            "a new stream after a dropped one: Started, Put → PutDone, Flush → Flushed, Stop"
                .to_string(),
        )
    }
    .await;
    report.check("sink.reconnect", r);

    // A Put in columns that disagree on the number of records must be refused: a process
    // that ignored the columns would answer PutDone for a Put it never read.
    if ctx.caps.columnar_puts {
        let r = async {
            let mut d = open(ctx, start_msg(ctx, class, config, 1)).await?;
            started(ctx, &mut d).await?;
            d.send(req(In::Open(partitions()))).await?;
            let mut sent = false;
            let mut c = columns(records(ctx, 20, 23, &mut sent));
            if let Some(v) = c.values.as_mut() {
                v.strings.pop();
            }
            d.send(req(In::Put(pb::Put {
                put_id: 1,
                records: vec![],
                trace: None,
                columns: Some(c),
            })))
            .await?;
            let deadline = Instant::now() + ctx.timeout;
            loop {
                match d.recv_until(deadline).await {
                    Recv::Msg(pb::SinkResponse {
                        msg: Some(Out::Error(e)),
                    }) => {
                        return Ok(format!(
                            "a Put of 3 records whose value column has 2 → {}",
                            describe_error(&e.error.unwrap_or_default())
                        ))
                    }
                    Recv::Msg(pb::SinkResponse {
                        msg: Some(Out::PutDone(_)),
                    }) => {
                        return Err("a Put of 3 records whose value column has 2 was answered with PutDone, not an error: are its columns read?".into())
                    }
                    Recv::Msg(_) => continue,
                    Recv::Status(s) => {
                        return Ok(format!(
                            "a Put of 3 records whose value column has 2 → stream failed: {:?}: {}",
                            s.code(),
                            s.message()
                        ))
                    }
                    Recv::End => return Err("the stream ended without an error".into()),
                    Recv::Timeout => return Err(format!("no answer within {:?}", ctx.timeout)),
                }
            }
        }
        .await;
        report.check("sink.columnar-malformed", r);
    }
}
