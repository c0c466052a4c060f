//! The SourceTask.Run stream (lifecycle in `connector.proto`).
//!
//! Three parts share a session:
//! - the reader takes the core's messages: credit goes to the sender, acks and commits to
//!   the poll loop, Stop starts the drain;
//! - the poll loop owns the task: it calls `poll`, numbers and encodes the records, hands
//!   one poll's worth at a time to the sender, and calls `commit_record` / `commit`
//!   between polls;
//! - the sender sends batches while the grant lasts (records and encoded bytes) and each
//!   batch fits the negotiated message size; several batches are in flight at once.
//!
//! Staged stop: on Stop, a poll in progress gets half the stop timeout, the sender sends
//! what the grant allows, drops the rest (never acknowledged, so read again after a
//! restart) and sends Drained{last_seq}; acks are handled until the core closes its side;
//! then `stop()`.

use std::collections::VecDeque;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use pb::source_request::Msg as In;
use pb::source_response::Msg as OutMsg;
use polyconnect_proto::v1 as pb;
use prost::Message;
use tokio::sync::{mpsc, oneshot, watch, Notify};
use tokio::task::JoinSet;
use tonic::Streaming;

use crate::connector::{Kind, Queries, SourceContext, SourceTask};
use crate::data::{value_from_proto, SchemaRefsOut, Value};
use crate::error::{Error, Result};
use crate::otel::TaskTracer;
use crate::record::{source_record_to_proto, Caps, RecordMetadata, SourceRecord};
use crate::server::Plugins;
use crate::stream::{
    guard, version_error, LastReceived, Out, Timing, DEFAULT_STOP_TIMEOUT, SPAN_FLUSH_TIMEOUT,
};

/// SourceResponse{batch} and SourceBatch{records} framing: a tag and up to 5 length bytes each.
const FRAME_OVERHEAD: usize = 12;
const DEFAULT_RETRY: Duration = Duration::from_millis(500);
const MAX_EMPTY_WAIT: Duration = Duration::from_millis(100);

fn msg(m: OutMsg) -> pb::SourceResponse {
    pb::SourceResponse { msg: Some(m) }
}

pub(crate) fn heartbeat() -> pb::SourceResponse {
    msg(OutMsg::Heartbeat(pb::Heartbeat {}))
}

pub(crate) fn error(e: pb::Error) -> pb::SourceResponse {
    msg(OutMsg::Error(e))
}

#[derive(Default)]
struct Credit {
    records: u64,
    bytes: u64,
    /// The largest credit held so far: a columnar batch within it waits for the credit of
    /// earlier batches to come back; a larger one is sent in parts.
    peak_records: u64,
    peak_bytes: u64,
}

enum Ack {
    Records(Vec<pb::RecordAck>),
    Commit(u64),
}

/// One poll's records, encoded, and the context of its poll span, which every batch of
/// them carries.
struct Polled {
    records: Encoded,
    trace: Option<pb::TraceContext>,
}

/// A poll's records as rows, (seq, message, encoded length) each, or (capability
/// columnar_source_batches) as columnar batches within the message size, with their
/// encoded lengths.
enum Encoded {
    Rows(Vec<(u64, pb::SourceRecord, usize)>),
    Columns(Vec<(pb::SourceColumns, usize)>),
}

/// What a SourceBatch's trace context takes of the message size.
fn trace_room(trace: &Option<pb::TraceContext>) -> usize {
    trace.as_ref().map_or(0, |t| {
        let len = t.encoded_len();
        1 + prost::length_delimiter_len(len) + len
    })
}

pub(crate) fn remember_offsets(
    offsets: &Mutex<Vec<(Value, Option<Value>)>>,
    new: Vec<pb::SourceOffset>,
) -> Result<()> {
    let mut known = offsets.lock().unwrap();
    for o in new {
        let p = value_from_proto(o.partition.unwrap_or_default(), None)?;
        let v = o.offset.map(|v| value_from_proto(v, None)).transpose()?;
        known.retain(|(k, _)| *k != p);
        known.push((p, v));
    }
    Ok(())
}

pub(crate) async fn run(
    plugins: Arc<Plugins>,
    max_message_bytes: u64,
    mut input: Streaming<pb::SourceRequest>,
    out: Out<pb::SourceResponse>,
    received: LastReceived,
    timing: oneshot::Sender<Timing>,
) {
    let start = match input.message().await {
        Ok(Some(pb::SourceRequest {
            msg: Some(In::Start(s)),
        })) => s,
        Ok(None) | Err(_) => return,
        Ok(Some(_)) => {
            let _ = out
                .send(error(
                    Error::fatal("the first message of a SourceTask stream must be SourceStart")
                        .to_proto(),
                ))
                .await;
            return;
        }
    };
    received.touch();
    if !crate::PROTOCOL_VERSIONS.contains(&start.protocol_version) {
        let _ = out
            .send(error(version_error(start.protocol_version).to_proto()))
            .await;
        return;
    }
    let Some(plugin) = plugins.find(&start.connector_class, Kind::Source) else {
        let e = Error::config(format!(
            "this connector process does not serve a source connector named '{}'",
            start.connector_class
        ));
        let _ = out.send(error(e.to_proto())).await;
        return;
    };
    let Some(mut task) = (plugin.new_source)() else {
        return;
    };
    let _ = timing.send(Timing::new(
        start.heartbeat_interval_ms,
        start.idle_timeout_ms,
    ));
    let max_bytes = match start.max_message_bytes {
        0 => max_message_bytes,
        n => n.min(max_message_bytes),
    } as usize;
    let caps = start.capabilities.unwrap_or_default();
    let ctx = SourceContext {
        name: start.connector_name.clone(),
        task_id: start.task_id,
        offsets: Arc::new(Mutex::new(Vec::new())),
        queries: Queries::default(),
        next_query: Arc::new(AtomicU64::new(0)),
        out: out.clone(),
        txn: start
            .transaction_context
            .then(crate::connector::TransactionContext::default),
    };
    let txn = ctx.txn.clone();
    if let Err(e) = remember_offsets(&ctx.offsets, start.offsets) {
        let _ = out.send(error(e.to_proto())).await;
        return;
    }
    tracing::info!(connector = %start.connector_name, task = start.task_id, class = plugin.class, "starting source task");
    // Spans only when the core takes trace context: else nothing would join them.
    let tracer =
        crate::otel::task(&start.connector_name, start.task_id).filter(|_| caps.trace_context);

    let mut helpers = JoinSet::new();
    let credit = Arc::new((Mutex::new(Credit::default()), Notify::new()));
    let (stop_tx, stop_rx) = watch::channel(None::<Duration>);
    let (ack_tx, mut acks) = mpsc::unbounded_channel();
    helpers.spawn(read(
        input,
        received,
        credit.clone(),
        ack_tx,
        stop_tx,
        ctx.queries.clone(),
    ));

    if let Err(e) = guard(
        "start()",
        task.start(
            ctx.clone(),
            crate::Config::from_map(start.config.into_iter().collect()),
        ),
    )
    .await
    {
        tracing::error!("task start failed: {e}");
        let _ = out.send(error(e.to_proto())).await;
        return;
    }
    if out
        .send(msg(OutMsg::Started(pb::Started {})))
        .await
        .is_err()
    {
        return;
    }

    let last_sent = Arc::new(AtomicU64::new(0));
    let (polled_tx, polled_rx) = mpsc::channel::<Polled>(1);
    helpers.spawn(send(
        out.clone(),
        polled_rx,
        credit,
        stop_rx.clone(),
        max_bytes,
        last_sent,
    ));

    let mut poller = Poller {
        task: &mut task,
        txn,
        inflight: VecDeque::new(),
        acked: 0,
        committed: 0,
        closed: false,
    };
    let failed = poller
        .poll_loop(
            &out,
            &mut acks,
            stop_rx.clone(),
            polled_tx,
            max_bytes,
            &caps,
            tracer.as_ref(),
        )
        .await;
    if !failed {
        // Drained goes out from the sender; the core sends the final acks and commit, then
        // closes its side within its stop timeout.
        let timeout = stop_rx.borrow().unwrap_or(DEFAULT_STOP_TIMEOUT);
        let deadline = tokio::time::Instant::now() + timeout + Duration::from_secs(1);
        while !poller.closed {
            tokio::select! {
                a = acks.recv() => match a {
                    Some(a) => poller.ack(a).await,
                    None => break,
                },
                _ = tokio::time::sleep_until(deadline) => {
                    tracing::warn!("the core did not close the stream within {timeout:?} of Drained; stopping");
                    break;
                }
            }
        }
    }
    if let Err(e) = guard("stop()", task.stop()).await {
        tracing::warn!("task stop failed: {e}");
    }
    if tracer.is_some() {
        crate::otel::flush(SPAN_FLUSH_TIMEOUT).await;
    }
    tracing::info!("source task stream ended");
    drop(helpers);
}

async fn read(
    mut input: Streaming<pb::SourceRequest>,
    received: LastReceived,
    credit: Arc<(Mutex<Credit>, Notify)>,
    acks: mpsc::UnboundedSender<Ack>,
    stop: watch::Sender<Option<Duration>>,
    queries: Queries,
) {
    while let Ok(Some(m)) = input.message().await {
        received.touch();
        match m.msg {
            Some(In::Credit(c)) => {
                let mut g = credit.0.lock().unwrap();
                g.records += u64::from(c.records);
                g.bytes += c.bytes;
                g.peak_records = g.peak_records.max(g.records);
                g.peak_bytes = g.peak_bytes.max(g.bytes);
                drop(g);
                credit.1.notify_one();
            }
            Some(In::CommitRecords(c)) => {
                let _ = acks.send(Ack::Records(c.acks));
            }
            Some(In::Commit(c)) => {
                let _ = acks.send(Ack::Commit(c.up_to_seq));
            }
            Some(In::Offsets(a)) => {
                if let Some(tx) = queries.lock().unwrap().remove(&a.request_id) {
                    let _ = tx.send(a.offsets);
                }
            }
            Some(In::Stop(s)) => {
                let t = if s.timeout_ms == 0 {
                    DEFAULT_STOP_TIMEOUT
                } else {
                    Duration::from_millis(s.timeout_ms.into())
                };
                stop.send_if_modified(|v| {
                    v.is_none() && {
                        *v = Some(t);
                        true
                    }
                });
            }
            Some(In::Start(_)) => {
                tracing::warn!("ignoring a second SourceStart on the same stream")
            }
            Some(In::Heartbeat(_)) | None => {}
        }
    }
    // The core closed its side: no more acks will come.
    stop.send_if_modified(|v| {
        v.is_none() && {
            *v = Some(Duration::ZERO);
            true
        }
    });
    drop(acks);
}

async fn send(
    out: Out<pb::SourceResponse>,
    mut polled: mpsc::Receiver<Polled>,
    credit: Arc<(Mutex<Credit>, Notify)>,
    stop: watch::Receiver<Option<Duration>>,
    max_bytes: usize,
    last_sent: Arc<AtomicU64>,
) {
    let limit = max_bytes.saturating_sub(FRAME_OVERHEAD);
    let mut dropped = 0usize;
    'polls: while let Some(Polled { records, trace }) = polled.recv().await {
        let records = match records {
            Encoded::Rows(records) => records,
            Encoded::Columns(parts) => {
                match send_columns(&out, parts, &trace, &credit, &stop, &last_sent).await {
                    Ok(n) => {
                        dropped += n;
                        continue;
                    }
                    Err(()) => return,
                }
            }
        };
        let limit = limit.saturating_sub(trace_room(&trace));
        let mut pending: VecDeque<_> = records.into();
        while !pending.is_empty() {
            let notified = credit.1.notified();
            let (n, nbytes) = {
                let g = credit.0.lock().unwrap();
                let (mut n, mut nbytes, mut size) = (0usize, 0u64, 0usize);
                for (_, _, len) in pending.iter() {
                    let framed = 1 + prost::length_delimiter_len(*len) + len;
                    if n as u64 >= g.records
                        || nbytes + *len as u64 > g.bytes
                        || (n > 0 && size + framed > limit)
                    {
                        break;
                    }
                    n += 1;
                    nbytes += *len as u64;
                    size += framed;
                }
                (n, nbytes)
            };
            if n == 0 {
                if stop.borrow().is_some() {
                    dropped += pending.len();
                    continue 'polls;
                }
                let mut stop = stop.clone();
                tokio::select! {
                    _ = notified => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            {
                let mut g = credit.0.lock().unwrap();
                g.records -= n as u64;
                g.bytes -= nbytes;
            }
            let batch: Vec<pb::SourceRecord> = pending.drain(..n).map(|(_, r, _)| r).collect();
            let last = batch.last().map(|r| r.seq).unwrap_or(0);
            if out
                .send(msg(OutMsg::Batch(pb::SourceBatch {
                    records: batch,
                    trace: trace.clone(),
                    // A poll that did not fit columns.
                    columns: None,
                })))
                .await
                .is_err()
            {
                return;
            }
            last_sent.store(last, Ordering::Relaxed);
        }
    }
    if dropped > 0 {
        tracing::info!("dropping {dropped} polled records that had no credit left at stop; they are read again after a restart");
    }
    let last_seq = last_sent.load(Ordering::Relaxed);
    tracing::info!("drained: last seq {last_seq}");
    let _ = out
        .send(msg(OutMsg::Drained(pb::Drained { last_seq })))
        .await;
}

/// What the credit lets the sender do with the columnar batch first in line.
enum ColumnsStep {
    /// Send it whole.
    Whole,
    /// Send its first `k` records now (it is larger than any credit seen).
    Part(Box<pb::SourceColumns>, usize),
    /// Wait for credit.
    Wait,
}

/// The part of `head` (of encoded length `len`) that the credit takes now.
fn columns_step(g: &Credit, head: &mut pb::SourceColumns, len: usize) -> ColumnsStep {
    let n = u64::from(head.count);
    let len64 = len as u64;
    if n <= g.records && len64 <= g.bytes {
        return ColumnsStep::Whole;
    }
    if (n <= g.peak_records && len64 <= g.peak_bytes) || g.records == 0 || g.bytes == 0 {
        // The credit of earlier batches comes back.
        return ColumnsStep::Wait;
    }
    // Never fits the credit whole: the part that the credit takes now.
    let mut k = n.min(g.records).min((n * g.bytes / len64.max(1)).max(1)) as usize;
    while k > 0 {
        if k >= head.count as usize {
            k = head.count as usize - 1;
            if k == 0 {
                return ColumnsStep::Wait;
            }
        }
        let mut part = head.clone();
        let _ = crate::columns::split_columns(&mut part, k);
        let part_len = part.encoded_len();
        if part_len as u64 <= g.bytes {
            let rest = crate::columns::split_columns(head, k);
            *head = rest;
            return ColumnsStep::Part(Box::new(part), part_len);
        }
        k /= 2;
    }
    ColumnsStep::Wait
}

/// Sends one poll's columnar batches as the credit allows; the byte credit of each is the
/// encoded size of its SourceColumns. Answers the number of records dropped at stop, or
/// `Err` when the stream is gone.
async fn send_columns(
    out: &Out<pb::SourceResponse>,
    parts: Vec<(pb::SourceColumns, usize)>,
    trace: &Option<pb::TraceContext>,
    credit: &Arc<(Mutex<Credit>, Notify)>,
    stop: &watch::Receiver<Option<Duration>>,
    last_sent: &AtomicU64,
) -> Result<usize, ()> {
    let mut pending: VecDeque<_> = parts.into();
    while let Some((head, len)) = pending.front_mut() {
        let notified = credit.1.notified();
        let batch = {
            let mut g = credit.0.lock().unwrap();
            let batch = match columns_step(&g, head, *len) {
                ColumnsStep::Whole => pending.pop_front(),
                ColumnsStep::Part(part, part_len) => {
                    *len = head.encoded_len();
                    Some((*part, part_len))
                }
                ColumnsStep::Wait => None,
            };
            if let Some((c, len)) = &batch {
                g.records -= u64::from(c.count);
                g.bytes -= *len as u64;
            }
            batch
        };
        let Some((columns, _)) = batch else {
            if stop.borrow().is_some() {
                return Ok(pending.iter().map(|(c, _)| c.count as usize).sum());
            }
            let mut stop = stop.clone();
            tokio::select! {
                _ = notified => {}
                _ = stop.changed() => {}
            }
            continue;
        };
        let last = columns.first_seq + u64::from(columns.count) - 1;
        if out
            .send(msg(OutMsg::Batch(pb::SourceBatch {
                records: Vec::new(),
                trace: trace.clone(),
                columns: Some(columns),
            })))
            .await
            .is_err()
        {
            return Err(());
        }
        last_sent.store(last, Ordering::Relaxed);
    }
    Ok(0)
}

struct Poller<'a> {
    task: &'a mut Box<dyn SourceTask>,
    /// Connector-defined transaction boundaries; `None` otherwise.
    txn: Option<crate::connector::TransactionContext>,
    inflight: VecDeque<(u64, SourceRecord)>,
    acked: u64,
    committed: u64,
    closed: bool,
}

impl Poller<'_> {
    /// Polls until Stop; returns true when the task failed (the stream then ends).
    #[allow(clippy::too_many_arguments)]
    async fn poll_loop(
        &mut self,
        out: &Out<pb::SourceResponse>,
        acks: &mut mpsc::UnboundedReceiver<Ack>,
        mut stop: watch::Receiver<Option<Duration>>,
        polled: mpsc::Sender<Polled>,
        max_bytes: usize,
        caps: &pb::Capabilities,
        tracer: Option<&TaskTracer>,
    ) -> bool {
        let mut refs = SchemaRefsOut::new(caps.schema_references);
        // Columnar batches when the core takes them and nothing per record needs rows:
        // no transaction actions, no create spans.
        let columnar = caps.columnar_source_batches && self.txn.is_none() && tracer.is_none();
        let caps = Caps {
            raw_bytes: caps.raw_bytes,
            trace_context: caps.trace_context,
        };
        let limit = max_bytes.saturating_sub(FRAME_OVERHEAD);
        let mut seq = 0u64;
        let mut empty = 0u32;
        loop {
            loop {
                match acks.try_recv() {
                    Ok(a) => self.ack(a).await,
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => {
                        self.closed = true;
                        break;
                    }
                }
            }
            if stop.borrow().is_some() {
                return false;
            }
            let started = Instant::now();
            // The poll span is made only if records come back, with this start time.
            let started_at = tracer.map(|_| SystemTime::now());
            let result = {
                let mut fut = pin!(guard("poll()", self.task.poll()));
                tokio::select! {
                    r = &mut fut => Some(r),
                    _ = stop.changed() => {
                        let half = stop.borrow().unwrap_or_default() / 2;
                        match tokio::time::timeout(half, &mut fut).await {
                            Ok(r) => Some(r),
                            Err(_) => {
                                tracing::warn!("poll() did not return within {half:?} of Stop; its records are not sent");
                                None
                            }
                        }
                    }
                }
            };
            let records = match result {
                None => return false,
                Some(Ok(r)) => r,
                Some(Err(e)) if e.is_retriable() => {
                    let delay = match &e {
                        Error::Retriable {
                            retry_after: Some(d),
                            ..
                        } => *d,
                        _ => DEFAULT_RETRY,
                    };
                    tracing::warn!(
                        "poll() raised a retriable error; polling again in {delay:?}: {e}"
                    );
                    let _ = out.send(error(e.to_proto())).await;
                    tokio::select! { _ = tokio::time::sleep(delay) => {}, _ = stop.changed() => {} }
                    continue;
                }
                Some(Err(e)) => {
                    if stop.borrow().is_some() {
                        tracing::warn!("poll() failed while stopping: {e}");
                        return false;
                    }
                    tracing::error!("poll() failed: {e}");
                    let _ = out.send(error(e.to_proto())).await;
                    return true;
                }
            };
            if records.is_empty() {
                if started.elapsed() < Duration::from_millis(5) {
                    // Nothing at once: back off (1 ms doubling to 100 ms), do not spin.
                    empty += 1;
                    let wait = Duration::from_millis(1 << empty.min(7)).min(MAX_EMPTY_WAIT);
                    tokio::select! { _ = tokio::time::sleep(wait) => {}, _ = stop.changed() => {} }
                }
                continue;
            }
            empty = 0;
            if columnar {
                let parts = crate::columns::source_columns(
                    &records,
                    seq + 1,
                    caps.raw_bytes,
                    caps.trace_context,
                )
                .and_then(|c| crate::columns::fit_columns(c, limit));
                if let Some(parts) = parts {
                    for r in records {
                        seq += 1;
                        self.inflight.push_back((seq, r));
                    }
                    tokio::select! {
                        r = polled.send(Polled { records: Encoded::Columns(parts), trace: None }) => if r.is_err() { return false },
                        _ = stop.changed() => return false,
                    }
                    continue;
                }
            }
            let mut encoded = Vec::with_capacity(records.len());
            for r in &records {
                seq += 1;
                match source_record_to_proto(r, seq, &mut refs, &caps) {
                    Ok(p) => encoded.push(p),
                    Err(e) => {
                        let _ = out.send(error(e.to_proto())).await;
                        return true;
                    }
                }
            }
            if let Some(txn) = &self.txn {
                if let Err(e) = txn.apply(&records, &mut encoded) {
                    let _ = out.send(error(e.to_proto())).await;
                    return true;
                }
            }
            // The create spans change the records' contexts, so before their sizes count.
            let trace = match (tracer, started_at) {
                (Some(t), Some(at)) => Some(t.poll(at, &mut encoded)),
                _ => None,
            };
            let limit = limit.saturating_sub(trace_room(&trace));
            let mut batch = Vec::with_capacity(records.len());
            for (p, r) in encoded.into_iter().zip(records) {
                let len = p.encoded_len();
                if len > limit {
                    let e = Error::config(format!(
                        "a record of {len} bytes (topic {}) does not fit in the negotiated maximum message size of {max_bytes} bytes",
                        r.topic
                    ));
                    let _ = out.send(error(e.to_proto())).await;
                    return true;
                }
                self.inflight.push_back((p.seq, r));
                batch.push((p.seq, p, len));
            }
            // Waits while the sender still has a poll's worth: at most one waits for credit.
            tokio::select! {
                r = polled.send(Polled { records: Encoded::Rows(batch), trace }) => if r.is_err() { return false },
                _ = stop.changed() => return false,
            }
        }
    }

    async fn ack(&mut self, a: Ack) {
        match a {
            Ack::Commit(up_to) => {
                if up_to > self.committed {
                    self.committed = up_to;
                    if let Err(e) = guard("commit()", self.task.commit()).await {
                        tracing::warn!("task commit failed: {e}");
                    }
                }
            }
            Ack::Records(acks) => {
                for a in acks {
                    if a.seq <= self.acked {
                        continue; // acks are cumulative and may repeat
                    }
                    self.acked = a.seq;
                    while let Some((seq, _)) = self.inflight.front() {
                        if *seq > a.seq {
                            break;
                        }
                        let (seq, rec) = self.inflight.pop_front().unwrap();
                        if seq == a.seq {
                            let md = (!a.filtered).then(|| RecordMetadata {
                                topic: a.topic.clone(),
                                partition: a.partition,
                                offset: a.offset,
                            });
                            if let Err(e) = guard(
                                "commit_record()",
                                self.task.commit_record(&rec, md.as_ref()),
                            )
                            .await
                            {
                                tracing::warn!("task commit_record failed: {e}");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::SourceRecord;

    fn batch(n: usize) -> (pb::SourceColumns, usize) {
        let records: Vec<_> = (0..n)
            .map(|i| {
                SourceRecord::new("t")
                    .position(
                        Value::map([("f", Value::String("a".into()))]),
                        Value::map([("n", Value::Int64(i as i64))]),
                    )
                    .value(None, format!("line {i}"))
            })
            .collect();
        let c = crate::columns::source_columns(&records, 1, true, true).unwrap();
        let len = c.encoded_len();
        (c, len)
    }

    fn credit(records: u64, bytes: u64, peak_records: u64, peak_bytes: u64) -> Credit {
        Credit {
            records,
            bytes,
            peak_records,
            peak_bytes,
        }
    }

    #[test]
    fn a_columnar_batch_goes_whole_waits_or_goes_in_parts() {
        let (mut c, len) = batch(100);
        let big = len as u64 * 2;
        // Enough credit: whole.
        assert!(matches!(
            columns_step(&credit(100, len as u64, 100, big), &mut c, len),
            ColumnsStep::Whole
        ));
        // Not enough now, but within what the core has granted before: wait.
        assert!(matches!(
            columns_step(&credit(99, big, 1000, big), &mut c, len),
            ColumnsStep::Wait
        ));
        assert!(matches!(
            columns_step(&credit(0, 0, 0, 0), &mut c, len),
            ColumnsStep::Wait
        ));
        // Larger than any grant (3 records): the 3 the credit takes, the rest stays.
        let ColumnsStep::Part(part, part_len) = columns_step(&credit(3, big, 3, big), &mut c, len)
        else {
            panic!("a part expected");
        };
        assert_eq!((part.first_seq, part.count), (1, 3));
        assert_eq!(part.encoded_len(), part_len);
        assert_eq!((c.first_seq, c.count), (4, 97));
        // Larger than the byte grant: a part within the bytes.
        let (mut c, len) = batch(100);
        let bytes = len as u64 / 4;
        let ColumnsStep::Part(part, part_len) =
            columns_step(&credit(1000, bytes, 1000, bytes), &mut c, len)
        else {
            panic!("a part expected");
        };
        assert!(part_len as u64 <= bytes);
        assert!(part.count > 1);
        assert_eq!(c.first_seq, 1 + u64::from(part.count));
        assert_eq!(part.count + c.count, 100);
        // A single record larger than the byte credit waits.
        let (mut c, len) = batch(1);
        assert!(matches!(
            columns_step(&credit(10, 5, 10, 5), &mut c, len),
            ColumnsStep::Wait
        ));
    }
}
