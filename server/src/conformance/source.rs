//! Checks on a source task stream (SourceTask.Run).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use pb::source_request::Msg as In;
use pb::source_response::Msg as Out;
use polyconnect_proto::v1 as pb;
use prost::Message;

use super::drive::{describe_error, requests, Drive, Recv};
use super::{Ctx, Report};
use crate::plugin::wire::{source_record_from_proto, source_records_from_columns, SchemaRefsIn};

const HEARTBEAT_MS: u32 = 200;
/// The longest silence allowed from a connector whose heartbeat interval is 200 ms.
const MAX_GAP: Duration = Duration::from_millis(1500);
const SILENT_CORE: Duration = Duration::from_millis(2500);

type D = Drive<pb::SourceRequest, pb::SourceResponse>;

fn req(m: In) -> pb::SourceRequest {
    pb::SourceRequest { msg: Some(m) }
}

fn credit(records: u32, bytes: u64) -> pb::SourceRequest {
    req(In::Credit(pb::Credit { records, bytes }))
}

fn start_msg(
    ctx: &Ctx,
    class: &str,
    config: &BTreeMap<String, String>,
    version: u32,
) -> pb::SourceRequest {
    req(In::Start(pb::SourceStart {
        protocol_version: version,
        connector_class: class.into(),
        connector_name: "conformance".into(),
        task_id: 0,
        config: config.clone().into_iter().collect(),
        offsets: vec![],
        heartbeat_interval_ms: HEARTBEAT_MS,
        idle_timeout_ms: 0,
        max_message_bytes: ctx.max_message_bytes,
        capabilities: Some(ctx.caps),
        trace: None,
        // The kit runs tasks without connector-defined transaction boundaries.
        transaction_context: false,
    }))
}

async fn open(ctx: &Ctx, first: pb::SourceRequest) -> Result<D, String> {
    let (tx, rx) = requests();
    tx.send(first)
        .await
        .map_err(|_| "cannot send".to_string())?;
    let mut client = ctx.conn.source_client(ctx.max_message_bytes as usize);
    let resp = tokio::time::timeout(ctx.timeout, client.run(rx))
        .await
        .map_err(|_| format!("SourceTask.Run did not answer within {:?}", ctx.timeout))?
        .map_err(|s| format!("SourceTask.Run failed: {:?}: {}", s.code(), s.message()))?;
    Ok(Drive::new(tx, resp.into_inner()))
}

/// Waits for Started, skipping heartbeats.
async fn started(d: &mut D, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    loop {
        match d.recv_until(deadline).await {
            Recv::Msg(pb::SourceResponse {
                msg: Some(Out::Started(_)),
            }) => return Ok(()),
            Recv::Msg(pb::SourceResponse {
                msg: Some(Out::Heartbeat(_)),
            }) => continue,
            Recv::Msg(pb::SourceResponse {
                msg: Some(Out::OffsetsQuery(q)),
            }) => {
                // No offsets stored: answer every query with none.
                let a = pb::OffsetsAnswer {
                    request_id: q.request_id,
                    offsets: vec![],
                };
                d.send(req(In::Offsets(a))).await?;
            }
            Recv::Msg(pb::SourceResponse {
                msg: Some(Out::Error(e)),
            }) => return Err(format!("start failed: {}", describe_error(&e))),
            Recv::Msg(m) => return Err(format!("expected Started, got {m:?}")),
            Recv::End => return Err("the stream ended before Started".into()),
            Recv::Status(s) => {
                return Err(format!(
                    "the stream failed before Started: {:?}: {}",
                    s.code(),
                    s.message()
                ))
            }
            Recv::Timeout => return Err(format!("no Started within {timeout:?}")),
        }
    }
}

/// What the kit saw of one stream.
#[derive(Default)]
struct Seen {
    refs: SchemaRefsIn,
    /// Columnar batches were negotiated.
    columnar: bool,
    /// Columnar batches received.
    columnar_batches: u64,
    /// The last seq received.
    last_seq: u64,
    records: u64,
    bytes: u64,
    batches: u64,
    largest_batch: usize,
    largest_record: usize,
    /// Unacknowledged records: (seq, topic).
    unacked: Vec<(u64, String)>,
    heartbeats: u64,
    longest_gap: Duration,
    drained: Option<u64>,
    /// A record or batch problem (source.records).
    malformed: Option<String>,
    /// An error the connector sent.
    error: Option<String>,
    /// A batch after Drained (source.stop).
    after_drained: bool,
    ended: bool,
}

impl Seen {
    fn new(ctx: &Ctx) -> Seen {
        Seen {
            columnar: ctx.caps.columnar_source_batches,
            ..Seen::default()
        }
    }

    /// Takes messages for `window` (or until `until` says stop), checking every record.
    async fn collect(
        &mut self,
        d: &mut D,
        window: Duration,
        max_message_bytes: u64,
        until: impl Fn(&Seen) -> bool,
    ) {
        let columnar = self.columnar;
        let deadline = Instant::now() + window;
        let mut last = Instant::now();
        while !until(self) {
            let m = d.recv_until(deadline).await;
            let now = Instant::now();
            self.longest_gap = self.longest_gap.max(now - last);
            last = now;
            match m {
                Recv::Timeout => return,
                Recv::End => {
                    self.ended = true;
                    return;
                }
                Recv::Status(s) => {
                    self.error.get_or_insert(format!(
                        "the stream failed: {:?}: {}",
                        s.code(),
                        s.message()
                    ));
                    self.ended = true;
                    return;
                }
                Recv::Msg(pb::SourceResponse { msg: None }) => {
                    self.malformed
                        .get_or_insert("an empty SourceResponse".into());
                }
                Recv::Msg(pb::SourceResponse { msg: Some(m) }) => match m {
                    Out::Heartbeat(_) => self.heartbeats += 1,
                    Out::Error(e) if e.kind == pb::ErrorKind::Retriable as i32 => {}
                    Out::Error(e) => {
                        self.error
                            .get_or_insert(format!("the connector sent {}", describe_error(&e)));
                    }
                    Out::Drained(dr) => self.drained = Some(dr.last_seq),
                    Out::OffsetsQuery(q) => {
                        let a = pb::OffsetsAnswer {
                            request_id: q.request_id,
                            offsets: vec![],
                        };
                        let _ = d.send(req(In::Offsets(a))).await;
                    }
                    Out::Started(_) => {
                        self.malformed.get_or_insert("a second Started".into());
                    }
                    Out::Batch(b) => self.batch(b, max_message_bytes, columnar),
                },
            }
        }
    }

    fn batch(&mut self, b: pb::SourceBatch, max_message_bytes: u64, columnar: bool) {
        if self.drained.is_some() {
            self.after_drained = true;
        }
        let framed = pb::SourceResponse {
            msg: Some(Out::Batch(b.clone())),
        }
        .encoded_len();
        if framed as u64 > max_message_bytes {
            self.malformed.get_or_insert(format!(
                "a batch of {framed} bytes, over the negotiated {max_message_bytes}"
            ));
        }
        if let Some(columns) = b.columns {
            self.columns(columns, !b.records.is_empty(), columnar);
            return;
        }
        if b.records.is_empty() {
            self.malformed.get_or_insert("an empty SourceBatch".into());
        }
        self.batches += 1;
        self.largest_batch = self.largest_batch.max(b.records.len());
        for r in b.records {
            let len = r.encoded_len();
            self.bytes += len as u64;
            self.records += 1;
            self.largest_record = self.largest_record.max(len);
            if r.seq != self.last_seq + 1 {
                self.malformed.get_or_insert(format!(
                    "record seq {} follows seq {} (expected 1, 2, 3, ...)",
                    r.seq, self.last_seq
                ));
            }
            self.last_seq = r.seq;
            if r.transaction != pb::TransactionAction::None as i32 {
                self.malformed.get_or_insert(format!(
                    "record {} asks to commit or abort a transaction, but the task was started \
                     without a transaction context (SourceStart.transaction_context)",
                    r.seq
                ));
            }
            let (seq, topic) = (r.seq, r.topic.clone());
            if let Err(e) = source_record_from_proto(r, &mut self.refs) {
                self.malformed
                    .get_or_insert(format!("record {seq}: {}", e.0));
            }
            self.unacked.push((seq, topic));
        }
    }

    /// A columnar batch (SourceColumns): the capability, its seqs and credit, and columns
    /// that decode to well-formed records.
    fn columns(&mut self, c: pb::SourceColumns, with_records: bool, columnar: bool) {
        if !columnar {
            self.malformed.get_or_insert(
                "a columnar batch (SourceBatch.columns) without the columnar_source_batches capability"
                    .into(),
            );
        }
        if with_records {
            self.malformed
                .get_or_insert("a SourceBatch with both records and columns".into());
        }
        if c.count == 0 {
            self.malformed
                .get_or_insert("an empty columnar SourceBatch".into());
        }
        // The byte credit of a columnar batch is its SourceColumns message.
        let len = c.encoded_len();
        self.bytes += len as u64;
        self.records += c.count as u64;
        self.batches += 1;
        self.columnar_batches += 1;
        self.largest_batch = self.largest_batch.max(c.count as usize);
        self.largest_record = self.largest_record.max(len);
        if c.first_seq != self.last_seq + 1 {
            self.malformed.get_or_insert(format!(
                "columns from seq {} follow seq {} (expected 1, 2, 3, ...)",
                c.first_seq, self.last_seq
            ));
        }
        let (first, count) = (c.first_seq, c.count as u64);
        self.last_seq = first.saturating_add(count).saturating_sub(1);
        match source_records_from_columns(c, &mut self.refs) {
            Ok(records) => self
                .unacked
                .extend(records.into_iter().map(|r| (r.seq, r.topic))),
            Err(e) => {
                self.malformed
                    .get_or_insert(format!("columns from seq {first}: {}", e.0));
            }
        }
    }

    /// The connector's failure so far, for the check that sees it first.
    fn problem(&self) -> Option<String> {
        self.error.clone().or_else(|| self.malformed.clone())
    }
}

/// Acks every record received so far (as if Kafka took them), and commits them.
async fn ack_all(d: &D, seen: &mut Seen, repeat_last: bool) -> Result<u64, String> {
    let acks: Vec<pb::RecordAck> = seen
        .unacked
        .drain(..)
        .enumerate()
        .map(|(i, (seq, topic))| pb::RecordAck {
            seq,
            topic,
            partition: 0,
            offset: i as i64,
            filtered: false,
        })
        .collect();
    let last = acks.last().map(|a| a.seq).unwrap_or(0);
    if !acks.is_empty() {
        let mid = acks.len() / 2;
        d.send(req(In::CommitRecords(pb::CommitRecords {
            acks: acks[..mid].to_vec(),
        })))
        .await?;
        // Acks are cumulative and idempotent: repeating one must do no harm.
        let from = if repeat_last && mid > 0 { mid - 1 } else { mid };
        d.send(req(In::CommitRecords(pb::CommitRecords {
            acks: acks[from..].to_vec(),
        })))
        .await?;
        d.send(req(In::Commit(pb::Commit { up_to_seq: last })))
            .await?;
        if repeat_last {
            d.send(req(In::Commit(pb::Commit { up_to_seq: last })))
                .await?;
        }
    }
    Ok(last)
}

pub(crate) async fn checks(
    ctx: &Ctx,
    class: &str,
    config: &BTreeMap<String, String>,
    report: &mut Report,
) {
    let max = ctx.max_message_bytes;
    // A Start with another version is a CONFIG error.
    let r = async {
        let mut d = open(ctx, start_msg(ctx, class, config, 99)).await?;
        let deadline = Instant::now() + ctx.timeout;
        loop {
            match d.recv_until(deadline).await {
                Recv::Msg(pb::SourceResponse {
                    msg: Some(Out::Heartbeat(_)),
                }) => continue,
                Recv::Msg(pb::SourceResponse {
                    msg: Some(Out::Error(e)),
                }) if e.kind == pb::ErrorKind::Config as i32 => return Ok(describe_error(&e)),
                Recv::Msg(pb::SourceResponse {
                    msg: Some(Out::Error(e)),
                }) => {
                    return Err(format!(
                        "expected a CONFIG error, got {}",
                        describe_error(&e)
                    ))
                }
                Recv::Msg(m) => {
                    return Err(format!(
                    "SourceStart with protocol version 99 answered with {m:?}, not a CONFIG error"
                ))
                }
                Recv::End => return Err("the stream ended without a CONFIG error".into()),
                Recv::Status(s) => {
                    return Err(format!(
                        "a gRPC status instead of a CONFIG error: {:?}: {}",
                        s.code(),
                        s.message()
                    ))
                }
                Recv::Timeout => {
                    return Err("no CONFIG error for SourceStart with protocol version 99".into())
                }
            }
        }
    }
    .await;
    report.check("source.version-mismatch", r);

    let mut d = match open(ctx, start_msg(ctx, class, config, 1)).await {
        Ok(d) => d,
        Err(e) => {
            report.fail("source.start", e);
            return;
        }
    };
    if !report.check(
        "source.start",
        started(&mut d, ctx.timeout)
            .await
            .map(|_| "SourceStart → Started".into()),
    ) {
        return;
    }
    let mut seen = Seen::new(ctx);

    // Record credit: a grant of 3, then a moment to see whether more come.
    d.send(credit(3, 1 << 30)).await.ok();
    seen.collect(&mut d, ctx.timeout, max, |s| {
        s.records >= 3 || s.problem().is_some() || s.ended
    })
    .await;
    if let Some(p) = seen.problem() {
        report.fail("source.records", p);
        return;
    }
    if seen.records == 0 {
        report.skip(
            "source.credit",
            format!(
                "no records within {:?}: give a config that produces records",
                ctx.timeout
            ),
        );
        report.skip("source.records", "no records");
    } else {
        seen.collect(&mut d, Duration::from_millis(1000), max, |s| {
            s.problem().is_some() || s.ended
        })
        .await;
        if seen.records > 3 {
            report.fail(
                "source.credit",
                format!("sent {} records with a grant of 3", seen.records),
            );
            return;
        }
        // Byte credit, on a stream of its own (credit is additive, so the first grant's
        // bytes would hide it): plenty of records, bytes for about 2.5 of the largest.
        let grant = (seen.largest_record as u64 * 5).div_ceil(2);
        let r = async {
            let mut b = open(ctx, start_msg(ctx, class, config, 1)).await?;
            started(&mut b, ctx.timeout).await?;
            b.send(credit(1000, grant)).await?;
            let mut s = Seen::new(ctx);
            s.collect(&mut b, Duration::from_millis(1500), max, |s| {
                s.problem().is_some() || s.ended
            })
            .await;
            if let Some(p) = s.problem() {
                return Err(p);
            }
            if s.bytes > grant {
                return Err(format!(
                    "sent {} records of {} bytes with a byte grant of {grant}",
                    s.records, s.bytes
                ));
            }
            Ok((s.records, s.bytes))
        }
        .await;
        match r {
            Ok((n, bytes)) => report.pass(
                "source.credit",
                format!("{} records for a grant of 3; {n} records / {bytes} bytes for a grant of 1000 records / {grant} bytes", seen.records),
            ),
            Err(e) => {
                report.fail("source.credit", e);
                return;
            }
        }
        if let Some(p) = seen.problem() {
            report.fail("source.records", p);
            return;
        }
        report.pass(
            "source.records",
            format!(
                "{} records, seq 1..{}, each well-formed ({} of {} batches columnar)",
                seen.records, seen.last_seq, seen.columnar_batches, seen.batches
            ),
        );
    }

    // Heartbeats while the core says nothing (a slow core); the stream stays alive.
    seen.longest_gap = Duration::ZERO;
    let hb_before = seen.heartbeats;
    seen.collect(&mut d, SILENT_CORE, max, |s| {
        s.problem().is_some() || s.ended
    })
    .await;
    let r = if let Some(p) = seen.problem() {
        Err(p)
    } else if seen.ended {
        Err("the connector ended the stream while the core was silent".into())
    } else if seen.longest_gap > MAX_GAP {
        Err(format!(
            "silent for {:?} with a heartbeat interval of {HEARTBEAT_MS} ms ({} heartbeats in {SILENT_CORE:?})",
            seen.longest_gap,
            seen.heartbeats - hb_before
        ))
    } else {
        Ok(format!(
            "{} heartbeats while the core was silent for {SILENT_CORE:?}; longest gap {:?}",
            seen.heartbeats - hb_before,
            seen.longest_gap
        ))
    };
    if !report.check("source.heartbeats", r) {
        return;
    }

    // Batching: a large grant, no acks; several batches may be in flight.
    if seen.records > 0 {
        let before = (seen.records, seen.batches);
        d.send(credit(5000, 1 << 30)).await.ok();
        let target = seen.records + 5000;
        seen.collect(&mut d, Duration::from_millis(2000), max, |s| {
            s.records >= target || s.problem().is_some() || s.ended
        })
        .await;
        let (records, batches) = (seen.records - before.0, seen.batches - before.1);
        let r = match seen.problem() {
            Some(p) => Err(p),
            None if records > 5000 => Err(format!("sent {records} records with a grant of 5000")),
            None => Ok(format!(
                "{records} records in {batches} batches without any ack (largest {} records), every batch within {max} bytes",
                seen.largest_batch
            )),
        };
        if !report.check("source.batching", r) {
            return;
        }
    } else {
        report.skip("source.batching", "no records");
    }

    // Acks and commits (with a repeated ack and commit); the connector carries on.
    let r = async {
        let last = ack_all(&d, &mut seen, true).await?;
        d.send(credit(10, 1 << 30)).await?;
        seen.collect(&mut d, Duration::from_millis(1000), max, |s| s.problem().is_some() || s.ended).await;
        match seen.problem() {
            Some(p) => Err(format!("after CommitRecords and Commit: {p}")),
            None if seen.ended => Err("the connector ended the stream after CommitRecords/Commit".into()),
            None if last == 0 => Ok("nothing to acknowledge; the stream is alive".into()),
            None => Ok(format!("acked and committed up to seq {last} (one ack and the commit sent twice); the stream is alive")),
        }
    }
    .await;
    if !report.check("source.commit", r) {
        return;
    }

    // Staged stop: Stop → Drained{last_seq} → final acks and Commit → the kit closes its
    // side → the connector ends its side.
    let r = async {
        d.send(req(In::Stop(pb::Stop { timeout_ms: 5000 }))).await?;
        seen.collect(&mut d, Duration::from_secs(6), max, |s| {
            s.drained.is_some() || s.problem().is_some() || s.ended
        })
        .await;
        if let Some(p) = seen.problem() {
            return Err(p);
        }
        let Some(last) = seen.drained else {
            return Err("no Drained within 6s of Stop{timeout_ms: 5000}".into());
        };
        if last != seen.last_seq {
            return Err(format!(
                "Drained{{last_seq: {last}}}, but the last record sent was seq {}",
                seen.last_seq
            ));
        }
        ack_all(&d, &mut seen, false).await?;
        d.close();
        seen.collect(&mut d, Duration::from_secs(7), max, |s| {
            s.ended || s.problem().is_some()
        })
        .await;
        if seen.after_drained {
            return Err("a batch after Drained".into());
        }
        if let Some(p) = seen.problem() {
            return Err(p);
        }
        if !seen.ended {
            return Err("the connector did not end its side after the core closed its own".into());
        }
        Ok(format!(
            "Drained{{last_seq: {last}}}, final acks and Commit, stream ended"
        ))
    }
    .await;
    report.check("source.stop", r);

    // A dropped stream, then a new one: the process must serve it from scratch.
    let r = async {
        let mut first = open(ctx, start_msg(ctx, class, config, 1)).await?;
        started(&mut first, ctx.timeout).await?;
        first.send(credit(2, 1 << 30)).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(first);
        let mut second = open(ctx, start_msg(ctx, class, config, 1)).await?;
        started(&mut second, ctx.timeout)
            .await
            .map_err(|e| format!("after a dropped stream: {e}"))?;
        let mut s = Seen::new(ctx);
        second.send(credit(5, 1 << 30)).await?;
        s.collect(
            &mut second,
            ctx.timeout.min(Duration::from_secs(3)),
            max,
            |s| s.records > 0 || s.problem().is_some() || s.ended,
        )
        .await;
        if let Some(p) = s.problem() {
            return Err(format!("on the new stream: {p}"));
        }
        second
            .send(req(In::Stop(pb::Stop { timeout_ms: 2000 })))
            .await?;
        s.collect(&mut second, Duration::from_secs(3), max, |s| {
            s.drained.is_some() || s.ended
        })
        .await;
        second.close();
        Ok(format!(
            "a new stream after a dropped one started and sent {} records from seq 1",
            s.records
        ))
    }
    .await;
    report.check("source.reconnect", r);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(first_seq: u64, count: u32) -> pb::SourceColumns {
        pb::SourceColumns {
            first_seq,
            count,
            topics: vec!["t".into()],
            value: Some(pb::DataColumn {
                r#type: pb::DataColumnType::Raw as i32,
                bytes: vec![bytes::Bytes::from_static(b"v"); count as usize],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn batch(c: pb::SourceColumns) -> pb::SourceBatch {
        pb::SourceBatch {
            columns: Some(c),
            ..Default::default()
        }
    }

    fn seen() -> Seen {
        Seen {
            columnar: true,
            ..Seen::default()
        }
    }

    #[test]
    fn columnar_batches_count_their_records_seqs_and_bytes() {
        let mut s = seen();
        let (a, b) = (columns(1, 3), columns(4, 2));
        let bytes = (a.encoded_len() + b.encoded_len()) as u64;
        s.batch(batch(a), 1 << 20, true);
        s.batch(batch(b), 1 << 20, true);
        assert_eq!(s.problem(), None);
        assert_eq!(
            (s.records, s.last_seq, s.bytes, s.batches),
            (5, 5, bytes, 2)
        );
        assert_eq!(
            s.unacked.iter().map(|(seq, _)| *seq).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
    }

    #[test]
    fn malformed_columnar_batches_are_reported() {
        let short = {
            let mut c = columns(1, 3);
            c.value.as_mut().unwrap().bytes.pop();
            c
        };
        let out_of_range = {
            let mut c = columns(1, 2);
            c.topic_index = vec![0, 1];
            c
        };
        let both = pb::SourceBatch {
            records: vec![pb::SourceRecord {
                seq: 1,
                topic: "t".into(),
                ..Default::default()
            }],
            columns: Some(columns(1, 1)),
            ..Default::default()
        };
        let cases: Vec<(&str, pb::SourceBatch, bool, &str)> = vec![
            (
                "short column",
                batch(short),
                true,
                "2 entries in `bytes` for 3 records",
            ),
            (
                "index out of range",
                batch(out_of_range),
                true,
                "topic index 1 out of range",
            ),
            (
                "seq gap",
                batch(columns(2, 1)),
                true,
                "columns from seq 2 follow seq 0",
            ),
            (
                "not negotiated",
                batch(columns(1, 1)),
                false,
                "without the columnar_source_batches",
            ),
            (
                "records and columns",
                both,
                true,
                "both records and columns",
            ),
            ("empty", batch(columns(1, 0)), true, "an empty columnar"),
        ];
        for (name, b, columnar, expect) in cases {
            let mut s = seen();
            s.batch(b, 1 << 20, columnar);
            let p = s
                .problem()
                .unwrap_or_else(|| panic!("{name}: not reported"));
            assert!(p.contains(expect), "{name}: {p}");
        }
    }
}
