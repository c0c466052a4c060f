//! What a source or sink runner calls into: metrics and spans of one task, in a few calls
//! per batch, so the runners stay about data and not about telemetry.
//!
//! Source spans (core side): `poll <connector>` per batch, child of the connector's poll
//! span (`SourceBatch.trace`); per sampled record `send <topic>` (PRODUCER), child of the
//! record's own context when it has one (from the source system or the connector's
//! per-record span, with a link to the batch span), else of the batch span; it ends
//! when Kafka acknowledges the record and carries its partition and offset. Its context
//! becomes the record's `traceparent` / `tracestate` headers in Kafka. Stages (conversion,
//! transforms) are child spans of it (`stage`).
//!
//! Sink spans (core side): per sampled record `process <topic>` (CONSUMER), child of the
//! context in its Kafka headers, handed to the connector in `SinkRecord.trace`, with the
//! record's `convert` and `transform` stages as its children (timed as they ran, before
//! the span itself could be made, see [`SinkTelemetry::stages`]); per Put a
//! `put <connector>` span linked to those records' contexts, handed over in `Put.trace`;
//! per Flush a `flush <connector>` span in the trace of the first sampled Put it covers and
//! linked to all of them (at most [`MAX_FLUSH_LINKS`]), handed over in `Flush.trace`; the
//! `commit` of the offsets it made durable is its child. So a record's trace reaches the
//! flush and commit that made it durable.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use opentelemetry::trace::{Link, Span as _, SpanContext, SpanKind, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::Span;

use super::metrics::{self, TaskMetrics};
use super::trace::{self, tracer};
use crate::plugin::streams::RecordAck;
use crate::record::{SinkRecord, SourceRecord, TraceContext};

fn base_attributes(connector: &str, task: u32) -> [KeyValue; 3] {
    [
        KeyValue::new("messaging.system", "kafka"),
        KeyValue::new("polyconnect.connector", connector.to_string()),
        KeyValue::new("polyconnect.task", task as i64),
    ]
}

/// A stage span (conversion, a transform); ends when dropped.
pub struct StageSpan(#[allow(dead_code)] Option<Span>);

impl Drop for StageSpan {
    fn drop(&mut self) {
        if let Some(s) = &mut self.0 {
            s.end();
        }
    }
}

/// The span of one out-of-process transform or predicate call (a chain stage on a batch),
/// a child of the first sampled record's context in the batch; its context goes to the
/// plugin process with the batch. `None` when tracing is off or no record is sampled.
pub fn transform_stage_span<'a>(
    kind: &'static str,
    alias: &str,
    class: &str,
    records: usize,
    mut contexts: impl Iterator<Item = &'a TraceContext>,
) -> Option<(StageSpan, TraceContext)> {
    let tracer = tracer()?;
    let parent = contexts.find_map(|t| trace::parse(t).filter(|sc| sc.is_sampled()))?;
    let cx = Context::new().with_remote_span_context(parent);
    let span = tracer
        .span_builder(format!("{kind} {alias}"))
        .with_kind(SpanKind::Client)
        .with_attributes([
            KeyValue::new("polyconnect.transform.alias", alias.to_string()),
            KeyValue::new("polyconnect.transform.class", class.to_string()),
            KeyValue::new("polyconnect.batch.records", records as i64),
        ])
        .start_with_context(tracer, &cx);
    let tc = trace::format(span.span_context());
    Some((StageSpan(Some(span)), tc))
}

/// One source task's telemetry.
pub struct SourceTelemetry {
    connector: String,
    task: u32,
    pub metrics: Arc<TaskMetrics>,
    /// (last seq, arrival) of batches not yet fully acknowledged: the round-trip histogram.
    batches: VecDeque<(u64, Instant)>,
    /// Sampled records' `send` spans, in seq order.
    sends: VecDeque<(u64, Span)>,
    batch_span: Option<Span>,
    batch_started: Option<Instant>,
}

impl SourceTelemetry {
    pub fn new(connector: &str, task: u32) -> SourceTelemetry {
        SourceTelemetry {
            connector: connector.to_string(),
            task,
            metrics: metrics::task(connector, task),
            batches: VecDeque::new(),
            sends: VecDeque::new(),
            batch_span: None,
            batch_started: None,
        }
    }

    /// A batch arrived from the connector. Sampled records get their `send` span, whose
    /// context replaces the record's (it is what goes into the Kafka headers).
    pub fn batch_received(&mut self, records: &mut [SourceRecord], trace: &TraceContext) {
        let n = records.len() as u64;
        self.metrics.source_record_poll_total.fetch_add(n, Relaxed);
        self.metrics
            .source_record_active_count
            .fetch_add(n as i64, Relaxed);
        self.metrics.batch_size.observe(n);
        let now = Instant::now();
        self.batch_started = Some(now);
        // Seqs start again at 1 on a new stream (after a reconnect): what was in flight on
        // the old one will not be acknowledged.
        if let (Some(first), Some((last_seen, _))) = (records.first(), self.batches.back()) {
            if first.seq <= *last_seen {
                self.batches.clear();
                self.sends.clear();
                self.metrics
                    .source_record_active_count
                    .store(n as i64, Relaxed);
            }
        }
        if let Some(last) = records.last() {
            self.batches.push_back((last.seq, now));
        }
        let Some(tracer) = tracer() else { return };
        let parent = trace::parse(trace);
        // An unsampled parent: nothing of this batch is recorded (parent-based sampling);
        // the records' own contexts still travel to Kafka unchanged.
        let batch_span = if parent.as_ref().is_some_and(|p| !p.is_sampled()) {
            None
        } else {
            let mut attrs = base_attributes(&self.connector, self.task).to_vec();
            attrs.push(KeyValue::new("messaging.operation.name", "poll"));
            attrs.push(KeyValue::new("messaging.operation.type", "receive"));
            attrs.push(KeyValue::new("messaging.batch.message_count", n as i64));
            let span = tracer
                .span_builder(format!("poll {}", self.connector))
                .with_kind(SpanKind::Consumer)
                .with_attributes(attrs)
                .start_with_context(tracer, &trace::remote(parent.as_ref()));
            span.span_context().is_sampled().then_some(span)
        };
        let batch_cx = batch_span.as_ref().map(|s| s.span_context().clone());
        for r in records.iter_mut() {
            let own = if r.trace.is_empty() {
                None
            } else {
                trace::parse(&r.trace)
            };
            let parent = match (&own, &batch_cx) {
                (Some(o), _) => o,
                (None, Some(b)) => b,
                (None, None) => continue,
            };
            if !parent.is_sampled() {
                continue;
            }
            let mut attrs = base_attributes(&self.connector, self.task).to_vec();
            attrs.push(KeyValue::new("messaging.operation.name", "send"));
            attrs.push(KeyValue::new("messaging.operation.type", "send"));
            attrs.push(KeyValue::new("messaging.destination.name", r.topic.clone()));
            attrs.push(KeyValue::new("polyconnect.record.seq", r.seq as i64));
            let mut b = tracer
                .span_builder(format!("send {}", r.topic))
                .with_kind(SpanKind::Producer)
                .with_attributes(attrs);
            if let (Some(_), Some(batch)) = (&own, &batch_cx) {
                b = b.with_links(vec![Link::with_context(batch.clone())]);
            }
            let span = b.start_with_context(tracer, &trace::remote(Some(parent)));
            r.trace = trace::format(span.span_context());
            self.sends.push_back((r.seq, span));
        }
        self.batch_span = batch_span;
    }

    /// The batch has been handed to the producer (or held while paused).
    pub fn batch_handled(&mut self) {
        if let Some(t) = self.batch_started.take() {
            self.metrics.poll_batch_time.observe(t.elapsed());
        }
        if let Some(mut s) = self.batch_span.take() {
            s.end();
        }
    }

    /// A child span of record `seq`'s `send` span (when sampled), e.g. "convert".
    pub fn stage(&self, seq: u64, name: &'static str) -> StageSpan {
        let Some(tracer) = tracer() else {
            return StageSpan(None);
        };
        // `sends` is in seq order; the batch's records all have theirs already.
        let i = self.sends.partition_point(|(s, _)| *s < seq);
        match self.sends.get(i) {
            Some((s, span)) if *s == seq => {
                let cx = Context::new().with_remote_span_context(span.span_context().clone());
                StageSpan(Some(
                    tracer
                        .span_builder(name)
                        .with_kind(SpanKind::Internal)
                        .start_with_context(tracer, &cx),
                ))
            }
            _ => StageSpan(None),
        }
    }

    /// The connector's remaining record credit.
    pub fn credits(&self, outstanding: i64) {
        self.metrics.credits_outstanding.store(outstanding, Relaxed);
    }

    /// Records Kafka acknowledged, in seq order, just before their acks go to the connector.
    pub fn acked(&mut self, acks: &[RecordAck]) {
        let Some(last) = acks.last() else { return };
        let n = acks.len() as u64;
        self.metrics.source_record_write_total.fetch_add(n, Relaxed);
        self.metrics
            .source_record_active_count
            .fetch_sub(n as i64, Relaxed);
        while let Some((seq, t)) = self.batches.front() {
            if *seq > last.seq {
                break;
            }
            self.metrics.batch_round_trip.observe(t.elapsed());
            self.batches.pop_front();
        }
        if self.sends.is_empty() {
            return;
        }
        let mut i = 0;
        while let Some((seq, _)) = self.sends.front() {
            if *seq > last.seq {
                break;
            }
            let (seq, mut span) = self.sends.pop_front().expect("front exists");
            while i < acks.len() && acks[i].seq < seq {
                i += 1;
            }
            if let Some(a) = acks.get(i).filter(|a| a.seq == seq) {
                span.set_attribute(KeyValue::new(
                    "messaging.destination.partition.id",
                    a.partition.to_string(),
                ));
                span.set_attribute(KeyValue::new("messaging.kafka.offset", a.offset));
            }
            span.end();
        }
    }

    /// A source offset flush and `Commit`, and whether it worked.
    /// An exactly-once task committed a transaction of `records` records.
    pub fn transaction_committed(&self, records: u64) {
        self.metrics.transaction_size.observe(records);
    }

    pub fn offsets_committed(&self, ok: bool, took: Duration) {
        self.metrics.offset_commit_time.observe(took);
        if ok {
            self.metrics
                .offset_commit_success_total
                .fetch_add(1, Relaxed);
        } else {
            self.metrics
                .offset_commit_failure_total
                .fetch_add(1, Relaxed);
        }
    }

    /// A `tracing` span around an offset commit (exported when tracing is on).
    pub fn commit_span(&self) -> tracing::Span {
        commit_span(&self.connector, self.task, "")
    }
}

impl Drop for SourceTelemetry {
    fn drop(&mut self) {
        metrics::remove_task(&self.connector, self.task, &self.metrics);
    }
}

fn commit_span(connector: &str, task: u32, group: &str) -> tracing::Span {
    if tracer().is_none() {
        return tracing::Span::none();
    }
    tracing::info_span!(
        target: "polyconnect::telemetry",
        "commit",
        otel.kind = "client",
        messaging.system = "kafka",
        messaging.operation.name = "commit",
        messaging.operation.type = "settle",
        messaging.consumer.group.name = group,
        polyconnect.connector = connector,
        polyconnect.task = task,
    )
}

struct PutTrace {
    started: Instant,
    records: usize,
    spans: Vec<Span>,
}

/// Put spans a flush span links to, at most; a flush after a long pause covers more Puts
/// than anyone will click through.
pub const MAX_FLUSH_LINKS: usize = 128;
/// Flush spans kept open waiting for their answer; older ones are ended unanswered.
const MAX_OPEN_FLUSHES: usize = 8;

/// One sink task's telemetry.
pub struct SinkTelemetry {
    connector: String,
    task: u32,
    group: String,
    pub metrics: Arc<TaskMetrics>,
    puts: HashMap<u64, PutTrace>,
    /// Sampled Put spans since the last flush span.
    unflushed: Vec<SpanContext>,
    /// Open flush spans by flush id, oldest first: a flush asked for while another is
    /// still unanswered (a rebalance settles at once) must not take the older one's
    /// commit out of its trace.
    flush_spans: VecDeque<(u64, Span, Vec<SpanContext>)>,
    /// Stage timings of sampled records not yet put, by (topic, partition, offset).
    stages: HashMap<(String, i32, i64), StageTimes>,
}

/// When a sampled record's stages ran on the sink side.
#[derive(Clone, Copy, Debug)]
pub struct StageTimes {
    pub started: SystemTime,
    pub converted: SystemTime,
    /// None when the connector has no transforms.
    pub transformed: Option<SystemTime>,
}

/// Sampled records whose stages wait for their Put, at most; past that (a long pause, a
/// connector that is never put to) they are forgotten.
const MAX_PENDING_STAGES: usize = 4096;

impl SinkTelemetry {
    pub fn new(connector: &str, task: u32) -> SinkTelemetry {
        SinkTelemetry {
            connector: connector.to_string(),
            task,
            group: format!("connect-{connector}"),
            metrics: metrics::task(connector, task),
            puts: HashMap::new(),
            unflushed: Vec::new(),
            flush_spans: VecDeque::new(),
            stages: HashMap::new(),
        }
    }

    /// Whether a consumed record whose `traceparent` header `traceparent` finds gets spans:
    /// the clock for its stages starts now when so. The headers are only looked at when
    /// tracing is on.
    pub fn stage_clock<'a>(
        &self,
        traceparent: impl FnOnce() -> Option<&'a [u8]>,
    ) -> Option<SystemTime> {
        tracer()?;
        let tp = std::str::from_utf8(traceparent()?).ok()?;
        trace::parse_parts(tp, "")
            .filter(|c| c.is_sampled())
            .map(|_| SystemTime::now())
    }

    /// A sampled record's conversion and transforms are done: they become child spans of
    /// its `process` span when it is put.
    pub fn stages(&mut self, topic: &str, partition: i32, offset: i64, times: StageTimes) {
        if self.stages.len() >= MAX_PENDING_STAGES {
            self.stages.clear();
        }
        self.stages
            .insert((topic.to_string(), partition, offset), times);
    }

    /// A Flush is about to go out: its span, when a sampled Put is among those it covers.
    /// Returns the context for `Flush.trace`.
    pub fn flush(&mut self, flush_id: u64) -> Option<TraceContext> {
        let tracer = tracer()?;
        // Flushes that were never answered (the connector was replaced or timed out).
        while self.flush_spans.len() >= MAX_OPEN_FLUSHES {
            if let Some((_, mut old, _)) = self.flush_spans.pop_front() {
                old.end();
            }
        }
        let first = self.unflushed.first()?.clone();
        let puts: Vec<SpanContext> = std::mem::take(&mut self.unflushed);
        let links: Vec<Link> = puts.iter().cloned().map(Link::with_context).collect();
        let mut attrs = base_attributes(&self.connector, self.task).to_vec();
        attrs.extend([
            KeyValue::new("messaging.operation.name", "flush"),
            KeyValue::new("messaging.operation.type", "settle"),
            KeyValue::new("messaging.consumer.group.name", self.group.clone()),
            KeyValue::new("polyconnect.flush.id", flush_id as i64),
        ]);
        let span = tracer
            .span_builder(format!("flush {}", self.connector))
            .with_kind(SpanKind::Internal)
            .with_attributes(attrs)
            .with_links(links)
            .start_with_context(tracer, &trace::remote(Some(&first)));
        let tc = trace::format(span.span_context());
        self.flush_spans.push_back((flush_id, span, puts));
        Some(tc)
    }

    /// The connector answered Flush `flush_id`; its commit (inside `commit_span`) is done.
    pub fn flushed(&mut self, flush_id: u64) {
        self.end_flush(flush_id);
    }

    /// Ends Flush `flush_id`'s span; the Puts it covered.
    fn end_flush(&mut self, flush_id: u64) -> Vec<SpanContext> {
        let i = self
            .flush_spans
            .iter()
            .position(|(id, _, _)| *id == flush_id);
        match i.and_then(|i| self.flush_spans.remove(i)) {
            Some((_, mut s, puts)) => {
                s.end();
                puts
            }
            None => Vec::new(),
        }
    }

    /// The connector answered Flush `flush_id` with nothing new to commit: the Puts it
    /// covered are made durable by a later flush's commit, so that flush's span links them
    /// (a record's trace reaches the commit that made it durable).
    pub fn flushed_without_commit(&mut self, flush_id: u64) {
        let puts = self.end_flush(flush_id);
        if !puts.is_empty() {
            let newer = std::mem::replace(&mut self.unflushed, puts);
            self.unflushed.extend(newer);
            self.unflushed.truncate(MAX_FLUSH_LINKS);
        }
    }

    /// Records read from Kafka (a consumer batch).
    pub fn read(&self, n: usize) {
        self.metrics
            .sink_record_read_total
            .fetch_add(n as u64, Relaxed);
    }

    pub fn partitions(&self, n: usize) {
        self.metrics.partition_count.store(n as i64, Relaxed);
    }

    /// A Put is about to go out: counts it, and for sampled records starts their `process`
    /// spans (children of the context in their Kafka headers, which they replace) and the
    /// Put's own span, linked to them. Returns the context for `Put.trace`.
    pub fn put(&mut self, put_id: u64, records: &mut [SinkRecord]) -> Option<TraceContext> {
        let n = records.len();
        if put_id == 1 {
            // A new stream: Puts of the old one will not be answered.
            self.puts.clear();
            self.unflushed.clear();
            for (_, mut s, _) in self.flush_spans.drain(..) {
                s.end();
            }
            self.metrics.sink_record_active_count.store(0, Relaxed);
        }
        self.metrics
            .sink_record_send_total
            .fetch_add(n as u64, Relaxed);
        self.metrics
            .sink_record_active_count
            .fetch_add(n as i64, Relaxed);
        self.metrics.batch_size.observe(n as u64);
        let mut put = PutTrace {
            started: Instant::now(),
            records: n,
            spans: Vec::new(),
        };
        let mut out = None;
        if let Some(tracer) = tracer() {
            let mut links: Vec<SpanContext> = Vec::new();
            for r in records.iter_mut() {
                if r.trace.is_empty() {
                    continue;
                }
                let Some(parent) = trace::parse(&r.trace) else {
                    continue;
                };
                if !parent.is_sampled() {
                    continue;
                }
                let mut attrs = base_attributes(&self.connector, self.task).to_vec();
                attrs.extend([
                    KeyValue::new("messaging.operation.name", "process"),
                    KeyValue::new("messaging.operation.type", "process"),
                    KeyValue::new("messaging.destination.name", r.original_topic.clone()),
                    KeyValue::new(
                        "messaging.destination.partition.id",
                        r.original_kafka_partition.to_string(),
                    ),
                    KeyValue::new("messaging.kafka.offset", r.kafka_offset),
                    KeyValue::new("messaging.consumer.group.name", self.group.clone()),
                ]);
                let times = if self.stages.is_empty() {
                    None
                } else {
                    self.stages.remove(&(
                        r.original_topic.clone(),
                        r.original_kafka_partition,
                        r.kafka_offset,
                    ))
                };
                let mut b = tracer
                    .span_builder(format!("process {}", r.original_topic))
                    .with_kind(SpanKind::Consumer)
                    .with_attributes(attrs);
                if let Some(t) = &times {
                    b = b.with_start_time(t.started);
                }
                let span = b.start_with_context(tracer, &trace::remote(Some(&parent)));
                if let Some(t) = times {
                    let cx = Context::new().with_remote_span_context(span.span_context().clone());
                    let stage = |name: &'static str, from: SystemTime, to: SystemTime| {
                        let mut s = tracer
                            .span_builder(name)
                            .with_kind(SpanKind::Internal)
                            .with_start_time(from)
                            .start_with_context(tracer, &cx);
                        s.end_with_timestamp(to);
                    };
                    stage("convert", t.started, t.converted);
                    if let Some(done) = t.transformed {
                        stage("transform", t.converted, done);
                    }
                }
                r.trace = trace::format(span.span_context());
                links.push(parent);
                put.spans.push(span);
            }
            let mut attrs = base_attributes(&self.connector, self.task).to_vec();
            attrs.extend([
                KeyValue::new("messaging.operation.name", "put"),
                KeyValue::new("messaging.operation.type", "process"),
                KeyValue::new("messaging.consumer.group.name", self.group.clone()),
                KeyValue::new("messaging.batch.message_count", n as i64),
            ]);
            // A root span: a batch's records belong to many traces, it links to them.
            let span = tracer
                .span_builder(format!("put {}", self.connector))
                .with_kind(SpanKind::Client)
                .with_attributes(attrs)
                .with_links(links.into_iter().map(Link::with_context).collect())
                .start_with_context(tracer, &Context::new());
            if span.span_context().is_sampled() {
                if self.unflushed.len() < MAX_FLUSH_LINKS {
                    self.unflushed.push(span.span_context().clone());
                }
                let tc = trace::format(span.span_context());
                // Records without a context of their own follow the Put's.
                for r in records.iter_mut().filter(|r| r.trace.is_empty()) {
                    r.trace = tc.clone();
                }
                out = Some(tc);
                put.spans.push(span);
            }
        }
        self.puts.insert(put_id, put);
        out
    }

    /// The connector answered a Put.
    pub fn put_done(&mut self, put_id: u64) {
        if let Some(mut p) = self.puts.remove(&put_id) {
            let took = p.started.elapsed();
            self.metrics.put_batch_time.observe(took);
            self.metrics.batch_round_trip.observe(took);
            self.metrics
                .sink_record_active_count
                .fetch_sub(p.records as i64, Relaxed);
            for s in &mut p.spans {
                s.end();
            }
        }
    }

    /// An offset commit: `Some(ok)` when one was made, `None` when there was nothing to commit.
    pub fn committed(&self, outcome: Option<bool>, took: Duration) {
        self.metrics.offset_commit_seq_no.fetch_add(1, Relaxed);
        match outcome {
            None => {
                self.metrics.offset_commit_skip_total.fetch_add(1, Relaxed);
            }
            Some(ok) => {
                self.metrics.offset_commit_time.observe(took);
                if ok {
                    self.metrics
                        .offset_commit_completion_total
                        .fetch_add(1, Relaxed);
                    self.metrics
                        .offset_commit_success_total
                        .fetch_add(1, Relaxed);
                } else {
                    self.metrics
                        .offset_commit_failure_total
                        .fetch_add(1, Relaxed);
                }
            }
        }
    }

    /// A `tracing` span around the offset commit of Flush `flush_id` (exported when
    /// tracing is on), a child of that flush's span when it has one.
    pub fn commit_span(&self, flush_id: u64) -> tracing::Span {
        let span = commit_span(&self.connector, self.task, &self.group);
        if let Some((_, f, _)) = self.flush_spans.iter().find(|(id, _, _)| *id == flush_id) {
            use tracing_opentelemetry::OpenTelemetrySpanExt;
            let _ =
                span.set_parent(Context::new().with_remote_span_context(f.span_context().clone()));
        }
        span
    }
}

impl Drop for SinkTelemetry {
    fn drop(&mut self) {
        metrics::remove_task(&self.connector, self.task, &self.metrics);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordData;

    fn rec(seq: u64) -> SourceRecord {
        SourceRecord {
            seq,
            source_partition: None,
            source_offset: None,
            topic: "t".into(),
            kafka_partition: None,
            key: RecordData::NULL,
            value: RecordData::NULL,
            timestamp: None,
            headers: Vec::new(),
            trace: TraceContext::default(),
        }
    }

    fn ack(seq: u64) -> RecordAck {
        RecordAck {
            seq,
            topic: "t".into(),
            partition: 0,
            offset: seq as i64,
            filtered: false,
        }
    }

    #[test]
    fn source_counts_per_batch_and_survives_a_new_stream() {
        let mut t = SourceTelemetry::new("task-test", 0);
        let mut batch: Vec<_> = (1..=3).map(rec).collect();
        t.batch_received(&mut batch, &TraceContext::default());
        t.batch_handled();
        t.acked(&[ack(1), ack(2)]);
        assert_eq!(t.metrics.source_record_poll_total.load(Relaxed), 3);
        assert_eq!(t.metrics.source_record_write_total.load(Relaxed), 2);
        assert_eq!(t.metrics.source_record_active_count.load(Relaxed), 1);
        assert_eq!(
            t.metrics.batch_round_trip.count.load(Relaxed),
            0,
            "the batch's last record is not acked yet"
        );
        // A reconnect: seqs start again at 1, record 3 of the old stream is never acked.
        let mut batch: Vec<_> = (1..=2).map(rec).collect();
        t.batch_received(&mut batch, &TraceContext::default());
        t.acked(&[ack(1), ack(2)]);
        assert_eq!(t.metrics.source_record_active_count.load(Relaxed), 0);
        assert_eq!(t.metrics.batch_round_trip.count.load(Relaxed), 1);
        assert!(t.batches.is_empty());
    }
}
