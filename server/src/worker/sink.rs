//! The sink runner: Kafka consumer -> converters -> transforms -> Put -> Flush -> commit.
//!
//! The consumer runs on its own thread (`consumer_thread`), which polls Kafka and serves
//! rebalance callbacks; the task's async loop (`Runner`) talks to the connector. They
//! meet on one ordered channel of events (record batches, assignments, revocations).
//!
//! Invariants:
//! - The consumer group is `connect-<connector>`; offsets are committed only as the
//!   connector's `Flushed` answer names them (Kafka Connect's preCommit), never before.
//! - Before partitions are revoked, the records put so far are flushed and their offsets
//!   committed, then the connector is told to Close them; only then does the rebalance go
//!   on (the callback waits). So a rebalance or a graceful stop delivers nothing twice.
//! - At most `max_inflight_puts` Puts are unanswered; the consumer thread pauses its
//!   partitions while batches wait in the channel, so memory stays bounded and the consumer
//!   keeps polling (no `max.poll.interval.ms` expiry behind a slow connector).
//! - A Put that the connector answers with a RETRIABLE error is delivered again, unchanged,
//!   after the connector's hint or the capped exponential back-off.
//! - A record a transform drops, or whose conversion or transform failed under
//!   `errors.tolerance=all`, still counts as processed: its offset is committed with the
//!   next flush. A failed record (and an errant record the connector reports) goes to the
//!   dead letter queue with its original bytes, and the dead letter queue is flushed before
//!   any offset is committed, so no failed record is lost.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc as std_mpsc, Arc};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::message::{Headers, OwnedMessage};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::{ClientContext, Message, Timestamp};
use tokio::sync::{mpsc, watch};

use super::pipeline::Pipeline;
use super::{tolerance_exceeded, TaskContext, TaskExit};
use crate::config::SinkTopics;
use crate::data::{Header, SchemaAndValue};
use crate::error_handling::{backoff_delay, DeadLetterQueue, ErrorHandler, Failure, RecordRef, Stage};
use crate::plugin::streams::{ErrorKind, Liveness, SinkEvent, SinkStream, StreamError, TopicPartition};
use crate::record::{RecordData, SinkRecord, TimestampType, TraceContext};
use crate::storage::status::State;
use crate::telemetry::SinkTelemetry;

/// Batches waiting in the channel before the consumer thread pauses its partitions.
const MAX_QUEUED_BATCHES: usize = 4;
/// How long a revocation waits for the task to flush and commit.
const REVOKE_TIMEOUT: Duration = Duration::from_secs(60);

enum Event {
    Batch(Vec<OwnedMessage>),
    Assigned(Vec<TopicPartition>),
    /// The consumer thread waits on the sender until the task has flushed and committed.
    Revoking(Vec<TopicPartition>, std_mpsc::SyncSender<()>),
    Failed(String),
}

struct Shared {
    events: mpsc::UnboundedSender<Event>,
    queued: AtomicUsize,
    stopping: AtomicBool,
    /// The connector is paused: the consumer pauses its partitions (and keeps them).
    paused: AtomicBool,
}

struct SinkContext {
    shared: Arc<Shared>,
}

impl ClientContext for SinkContext {}

fn tpl_vec(tpl: &TopicPartitionList) -> Vec<TopicPartition> {
    tpl.elements()
        .iter()
        .map(|e| (e.topic().to_string(), e.partition()))
        .collect()
}

impl ConsumerContext for SinkContext {
    fn pre_rebalance(&self, _c: &BaseConsumer<Self>, r: &Rebalance<'_>) {
        if let Rebalance::Revoke(tpl) = r {
            let parts = tpl_vec(tpl);
            if parts.is_empty() || self.shared.stopping.load(Ordering::SeqCst) {
                return;
            }
            let (done, wait) = std_mpsc::sync_channel(1);
            if self.shared.events.send(Event::Revoking(parts, done)).is_ok() {
                if wait.recv_timeout(REVOKE_TIMEOUT).is_err() {
                    tracing::warn!("partitions revoked before the task could commit their offsets");
                }
            }
        }
    }

    fn post_rebalance(&self, _c: &BaseConsumer<Self>, r: &Rebalance<'_>) {
        if let Rebalance::Assign(tpl) = r {
            let parts = tpl_vec(tpl);
            if !parts.is_empty() {
                let _ = self.shared.events.send(Event::Assigned(parts));
            }
        }
    }
}

type SinkConsumer = BaseConsumer<SinkContext>;

/// The next event: a batch held while paused (once resumed), else the consumer thread's.
async fn next_event(held: &mut VecDeque<Vec<OwnedMessage>>, events: &mut mpsc::UnboundedReceiver<Event>, paused: bool) -> Option<Event> {
    if !paused {
        if let Some(b) = held.pop_front() {
            return Some(Event::Batch(b));
        }
    }
    events.recv().await
}

/// Polls Kafka until `stopping`; sends batches of up to `max_batch` records.
fn consumer_thread(consumer: Arc<SinkConsumer>, shared: Arc<Shared>, max_batch: usize) {
    let mut paused = false;
    while !shared.stopping.load(Ordering::SeqCst) {
        let full = shared.queued.load(Ordering::SeqCst) >= MAX_QUEUED_BATCHES || shared.paused.load(Ordering::SeqCst);
        if full != paused {
            if let Ok(assignment) = consumer.assignment() {
                let r = if full { consumer.pause(&assignment) } else { consumer.resume(&assignment) };
                if r.is_ok() {
                    paused = full;
                }
            }
        }
        let first = match consumer.poll(Duration::from_millis(100)) {
            None => continue,
            Some(Err(e)) => {
                if matches!(e, rdkafka::error::KafkaError::PartitionEOF(_)) {
                    continue;
                }
                tracing::warn!(error = %e, "Kafka consumer error");
                if is_fatal(&e) {
                    let _ = shared.events.send(Event::Failed(format!("Kafka consumer: {e}")));
                    return;
                }
                continue;
            }
            Some(Ok(m)) => m.detach(),
        };
        let mut batch = Vec::with_capacity(256);
        batch.push(first);
        while batch.len() < max_batch {
            match consumer.poll(Duration::ZERO) {
                Some(Ok(m)) => batch.push(m.detach()),
                _ => break,
            }
        }
        shared.queued.fetch_add(1, Ordering::SeqCst);
        if shared.events.send(Event::Batch(batch)).is_err() {
            return;
        }
    }
}

fn is_fatal(e: &rdkafka::error::KafkaError) -> bool {
    e.rdkafka_error_code()
        .map(|c| {
            matches!(
                c,
                rdkafka::types::RDKafkaErrorCode::Fatal
                    | rdkafka::types::RDKafkaErrorCode::TopicAuthorizationFailed
                    | rdkafka::types::RDKafkaErrorCode::GroupAuthorizationFailed
            )
        })
        .unwrap_or(false)
}

pub async fn run(ctx: TaskContext, mut shutdown: watch::Receiver<bool>) -> TaskExit {
    let topics = match ctx.connector.sink_topics() {
        Ok(t) => t,
        Err(e) => return ctx.fail(e.to_string()),
    };
    let pipeline = match ctx.pipeline() {
        Ok(p) => p,
        Err(e) => return ctx.fail(e),
    };
    let dlq = match &pipeline.errors.dlq_topic {
        Some(topic) => {
            let e = &pipeline.errors;
            match DeadLetterQueue::create(&ctx.worker, &ctx.connector, ctx.task_id, topic, e.dlq_replication_factor, e.dlq_context_headers).await {
                Ok(d) => Some(d),
                Err(e) => return ctx.fail(e),
            }
        }
        None => None,
    };
    let keep_originals = dlq.is_some();
    let mut errors = ErrorHandler::new(pipeline.errors.clone(), ctx.connector.name(), ctx.task_id, dlq);
    let mut backoff = super::Backoff::new();
    let mut tel = SinkTelemetry::new(ctx.connector.name(), ctx.task_id);
    loop {
        if *shutdown.borrow() {
            return TaskExit::Stopped;
        }
        let session = match ctx.session(&mut backoff, &mut shutdown).await {
            Ok(s) => s,
            Err(exit) => return exit,
        };
        let liveness = Liveness::new(ctx.worker.heartbeat_interval, ctx.worker.idle_timeout);
        let stream = match SinkStream::open(
            &session,
            ctx.connector.class(),
            ctx.connector.name(),
            ctx.task_id,
            &ctx.task_config,
            liveness,
        )
        .await
        {
            Ok(s) => s,
            Err(StreamError::Disconnected(e)) | Err(StreamError::Timeout(e)) => {
                ctx.status(State::Restarting, Some(e));
                if backoff.wait(&mut shutdown).await {
                    return TaskExit::Stopped;
                }
                continue;
            }
            Err(e) => return ctx.fail(e.to_string()),
        };
        // A fresh consumer per stream: it resumes from the committed offsets, so records put
        // to a connector that went away without flushing them are delivered again.
        let (tx, events) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            events: tx,
            queued: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
            paused: AtomicBool::new(ctx.is_paused()),
        });
        let consumer: SinkConsumer = match crate::kafka::consumer_config(&ctx.worker, &ctx.connector, ctx.task_id)
            .create_with_context(SinkContext { shared: shared.clone() })
        {
            Ok(c) => c,
            Err(e) => return ctx.fail(format!("cannot create the Kafka consumer: {e}")),
        };
        let subscribed = match &topics {
            SinkTopics::List(list) => {
                let refs: Vec<&str> = list.iter().map(String::as_str).collect();
                consumer.subscribe(&refs)
            }
            SinkTopics::Regex(r) => consumer.subscribe(&[&format!("^{}", r.trim_start_matches('^'))]),
        };
        if let Err(e) = subscribed {
            return ctx.fail(format!("cannot subscribe: {e}"));
        }
        let consumer = Arc::new(consumer);
        let thread = {
            let (c, s, max) = (consumer.clone(), shared.clone(), ctx.worker.sink_max_batch_records.max(1));
            std::thread::Builder::new()
                .name(format!("sink-{}-{}", ctx.connector.name(), ctx.task_id))
                .spawn(move || consumer_thread(c, s, max))
                .expect("spawn the consumer thread")
        };
        ctx.status(ctx.active_state(), None);
        tracing::info!(connector = ctx.connector.name(), task = ctx.task_id, endpoint = %session.target.describe(), sdk = %session.negotiated.sdk, "sink task started");
        let mut runner = Runner {
            ctx: &ctx,
            consumer: &consumer,
            shared: &shared,
            pipeline: &pipeline,
            errors: &mut errors,
            keep_originals,
            positions: BTreeMap::new(),
            inflight: HashMap::new(),
            put_attempts: 0,
            done_originals: VecDeque::new(),
            flush_watermark: 0,
            next_put: 1,
            next_flush: 1,
            flush_pending: None,
            assigned: Vec::new(),
            dirty: false,
            tel: &mut tel,
        };
        let result = runner.run_stream(stream, events, &mut shutdown).await;
        // Failed records reported so far reach the dead letter queue, whatever happens next.
        errors.flush().await;
        shared.stopping.store(true, Ordering::SeqCst);
        let _ = tokio::task::spawn_blocking(move || {
            let _ = thread.join();
            // Closing leaves the group; no callback waits for the task any more.
            drop(consumer);
        })
        .await;
        match result {
            Ok(()) => return TaskExit::Stopped,
            Err(StreamError::Disconnected(e)) | Err(StreamError::Timeout(e)) => {
                tracing::warn!(connector = ctx.connector.name(), task = ctx.task_id, error = %e, "sink task lost its connector; restarting");
                ctx.status(State::Restarting, Some(e));
                if backoff.wait(&mut shutdown).await {
                    return TaskExit::Stopped;
                }
            }
            Err(e) => return ctx.fail(e.to_string()),
        }
    }
}

struct Runner<'a> {
    ctx: &'a TaskContext,
    consumer: &'a Arc<SinkConsumer>,
    shared: &'a Arc<Shared>,
    pipeline: &'a Pipeline,
    errors: &'a mut ErrorHandler,
    /// The consumed records are kept until flushed, so an errant record the connector
    /// reports goes to the dead letter queue with its original bytes.
    keep_originals: bool,
    /// Next offset to consume, per partition, over the records processed so far (put,
    /// dropped by a transform, or skipped after a tolerated failure).
    positions: BTreeMap<TopicPartition, i64>,
    /// Unanswered Puts, kept for redelivery after a retriable error.
    inflight: HashMap<u64, InflightPut>,
    /// Retries of the Put being redelivered (for the back-off).
    put_attempts: u32,
    /// Consumed records of answered Puts, until a flush covers them (`keep_originals`).
    done_originals: VecDeque<(u64, Arc<Vec<OwnedMessage>>)>,
    /// The last Put sent when the pending flush was requested.
    flush_watermark: u64,
    next_put: u64,
    next_flush: u64,
    flush_pending: Option<u64>,
    assigned: Vec<TopicPartition>,
    dirty: bool,
    tel: &'a mut SinkTelemetry,
}

struct InflightPut {
    records: Vec<SinkRecord>,
    originals: Option<Arc<Vec<OwnedMessage>>>,
}

impl Runner<'_> {
    async fn run_stream(
        &mut self,
        mut stream: SinkStream,
        mut events: mpsc::UnboundedReceiver<Event>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), StreamError> {
        let w = &self.ctx.worker;
        let mut flush_tick = tokio::time::interval(w.offset_flush_interval);
        flush_tick.tick().await;
        let mut hb_tick = tokio::time::interval(w.heartbeat_interval.min(Duration::from_secs(1)).max(Duration::from_millis(100)));
        let mut retry_at: Option<(tokio::time::Instant, u64)> = None;
        // While paused, batches already polled wait here; they are delivered on resume.
        let mut paused_rx = self.ctx.paused.clone();
        let mut paused = *paused_rx.borrow_and_update();
        let mut held: VecDeque<Vec<OwnedMessage>> = VecDeque::new();
        loop {
            let can_put = self.inflight.len() < stream.max_inflight_puts && retry_at.is_none();
            tokio::select! {
                ev = next_event(&mut held, &mut events, paused), if can_put => {
                    match ev {
                        Some(Event::Batch(msgs)) if paused => held.push_back(msgs),
                        Some(Event::Batch(msgs)) => {
                            self.shared.queued.fetch_sub(1, Ordering::SeqCst);
                            self.process_batch(&mut stream, msgs).await?;
                        }
                        Some(Event::Assigned(parts)) => {
                            tracing::info!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?parts, "partitions assigned");
                            self.assigned.extend(parts.iter().cloned());
                            self.tel.partitions(self.assigned.len());
                            stream.open_partitions(&parts).await?;
                        }
                        Some(Event::Revoking(parts, done)) => {
                            tracing::info!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?parts, "partitions revoked: flushing and committing first");
                            self.settle(&mut stream).await?;
                            self.assigned.retain(|p| !parts.contains(p));
                            self.tel.partitions(self.assigned.len());
                            for p in &parts {
                                self.positions.remove(p);
                            }
                            stream.close_partitions(&parts).await?;
                            let _ = done.send(());
                        }
                        Some(Event::Failed(e)) => return Err(StreamError::Disconnected(e)),
                        None => return Err(StreamError::Disconnected("the consumer thread ended".into())),
                    }
                }
                ev = stream.recv() => self.on_event(ev?, &mut retry_at).await?,
                _ = async { tokio::time::sleep_until(retry_at.map(|r| r.0).unwrap_or_else(tokio::time::Instant::now)).await }, if retry_at.is_some() => {
                    let (_, put_id) = retry_at.take().expect("checked");
                    if let Some(p) = self.inflight.get(&put_id) {
                        stream.put(put_id, p.records.clone()).await?;
                    }
                }
                _ = flush_tick.tick() => {
                    self.request_flush(&mut stream).await?;
                }
                _ = hb_tick.tick() => {
                    if stream.liveness.needs_heartbeat() {
                        stream.heartbeat().await?;
                    }
                    stream.liveness.check_idle()?;
                }
                Ok(()) = paused_rx.changed() => {
                    paused = *paused_rx.borrow_and_update();
                    self.shared.paused.store(paused, Ordering::SeqCst);
                    self.ctx.status(self.ctx.active_state(), None);
                }
                _ = shutdown.changed() => {
                    // No more records; the consumer thread stops polling.
                    self.shared.stopping.store(true, Ordering::SeqCst);
                    return self.stop(stream, events, held).await;
                }
            }
        }
    }

    async fn on_event(&mut self, ev: SinkEvent, retry_at: &mut Option<(tokio::time::Instant, u64)>) -> Result<(), StreamError> {
        match ev {
            SinkEvent::PutDone { put_id } => {
                self.put_attempts = 0;
                if let Some(InflightPut { originals: Some(o), .. }) = self.inflight.remove(&put_id) {
                    self.done_originals.push_back((put_id, o));
                }
                self.tel.put_done(put_id);
            }
            SinkEvent::Flushed { flush_id, offsets, .. } => self.on_flushed(flush_id, offsets).await?,
            SinkEvent::Context(_) => {}
            SinkEvent::Errant { topic, partition, offset, error } => {
                tracing::debug!(connector = self.ctx.connector.name(), task = self.ctx.task_id, %topic, partition, offset, error = %error.trace(), "the sink connector reported an errant record");
                let failure = Failure {
                    stage: Stage::TaskPut,
                    class: self.ctx.connector.class().to_string(),
                    exception_class: if error.error_class.is_empty() {
                        crate::error_handling::CONNECT_EXCEPTION.to_string()
                    } else {
                        error.error_class.clone()
                    },
                    message: error.message.clone(),
                    detail: error.detail.clone(),
                    retriable: false,
                };
                let original = self.original(&topic, partition, offset);
                let record = match &original {
                    Some(m) => RecordRef::Consumed(m),
                    None => RecordRef::Unknown,
                };
                self.errors.record_failed(record, failure).map_err(tolerance_exceeded)?;
            }
            SinkEvent::Error { error, put_id } if error.kind == ErrorKind::Retriable && put_id != 0 => {
                self.put_attempts += 1;
                let delay = error
                    .retry_after
                    .map(|d| d.min(Duration::from_secs(60)))
                    .unwrap_or_else(|| backoff_delay(self.put_attempts, self.errors.config().retry_delay_max));
                tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, put_id, ?delay, error = %error.trace(), "retriable put error; redelivering");
                *retry_at = Some((tokio::time::Instant::now() + delay, put_id));
            }
            SinkEvent::Error { error, .. } if error.kind == ErrorKind::Retriable => {
                tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, error = %error.trace(), "retriable error from the sink task");
            }
            SinkEvent::Error { error, .. } => return Err(StreamError::Connector(error)),
            SinkEvent::Heartbeat => {}
        }
        Ok(())
    }

    /// Waits for every Put to be answered, then flushes and commits, each bounded.
    async fn settle(&mut self, stream: &mut SinkStream) -> Result<(), StreamError> {
        let name = self.ctx.connector.name().to_string();
        let task = self.ctx.task_id;
        let timeout = self.ctx.worker.task_shutdown_graceful_timeout;
        let mut retry = None;
        let puts_done = tokio::time::timeout(timeout, async {
            while !self.inflight.is_empty() {
                let ev = stream.recv().await?;
                self.on_event(ev, &mut retry).await?;
            }
            Ok::<(), StreamError>(())
        })
        .await;
        match puts_done {
            Ok(r) => r?,
            Err(_) => tracing::warn!(connector = %name, task, "{} puts still unanswered after {:?}; records since the last commit will be delivered again", self.inflight.len(), timeout),
        }
        self.flush_pending = None;
        self.dirty = true;
        self.request_flush(stream).await?;
        let flush_timeout = self.ctx.worker.offset_flush_timeout;
        let flushed = tokio::time::timeout(flush_timeout, async {
            while self.flush_pending.is_some() {
                let ev = stream.recv().await?;
                self.on_event(ev, &mut retry).await?;
            }
            Ok::<(), StreamError>(())
        })
        .await;
        match flushed {
            Ok(r) => r?,
            Err(_) => tracing::warn!(connector = %name, task, "the flush did not answer within {:?} (offset.flush.timeout.ms); records since the last commit will be delivered again", flush_timeout),
        }
        Ok(())
    }

    /// The consumed record at these coordinates, if still kept.
    fn original(&self, topic: &str, partition: i32, offset: i64) -> Option<OwnedMessage> {
        let found = |msgs: &Arc<Vec<OwnedMessage>>| {
            msgs.iter()
                .find(|m| m.offset() == offset && m.partition() == partition && m.topic() == topic)
                .cloned()
        };
        self.inflight
            .values()
            .filter_map(|p| p.originals.as_ref())
            .chain(self.done_originals.iter().map(|(_, o)| o))
            .find_map(found)
    }

    /// Converts, transforms and puts one polled batch; every record's offset counts as
    /// processed, whether it was put, dropped or skipped.
    async fn process_batch(&mut self, stream: &mut SinkStream, msgs: Vec<OwnedMessage>) -> Result<(), StreamError> {
        self.tel.read(msgs.len());
        let mut batch = Vec::with_capacity(msgs.len());
        let mut last_topic: Option<&str> = None;
        for m in &msgs {
            if !self.assigned.iter().any(|(t, p)| *p == m.partition() && t == m.topic()) {
                continue;
            }
            if last_topic != Some(m.topic()) {
                self.ctx.record_topic(m.topic());
                last_topic = Some(m.topic());
            }
            if let Some(r) = self.to_sink_record(m).await? {
                batch.push(r);
            }
            self.positions.insert((m.topic().to_string(), m.partition()), m.offset() + 1);
            self.dirty = true;
        }
        if !batch.is_empty() {
            let originals = self.keep_originals.then(|| Arc::new(msgs));
            self.put(stream, batch, originals).await?;
        }
        Ok(())
    }

    /// A failure of a converter or transform: reported, then `Ok(None)` (skip the record)
    /// or the task's failure.
    async fn tolerate<T>(&mut self, m: &OwnedMessage, f: Failure) -> Result<Option<T>, StreamError> {
        let again = f.clone();
        self.errors
            .retry(RecordRef::Consumed(m), f, move || Err(again.clone()))
            .await
            .map_err(tolerance_exceeded)
    }

    /// A consumed record through the converters and transforms; `None` when it was dropped
    /// or skipped.
    async fn to_sink_record(&mut self, m: &OwnedMessage) -> Result<Option<SinkRecord>, StreamError> {
        let p = self.pipeline;
        let topic = m.topic();
        // Sampled records (their Kafka headers say so) get convert and transform spans.
        let clock = self.tel.stage_clock(|| m.headers()?.iter().find(|h| h.key == "traceparent")?.value);
        let key = match p.key.to_connect(topic, m.key()) {
            Ok(k) => k,
            Err(e) => match self.tolerate(m, Failure::data(Stage::KeyConverter, &p.key_class, e.message)).await? {
                Some(k) => k,
                None => return Ok(None),
            },
        };
        let value = match p.value.to_connect(topic, m.payload()) {
            Ok(v) => v,
            Err(e) => match self.tolerate(m, Failure::data(Stage::ValueConverter, &p.value_class, e.message)).await? {
                Some(v) => v,
                None => return Ok(None),
            },
        };
        let (timestamp, timestamp_type) = match m.timestamp() {
            Timestamp::NotAvailable => (None, TimestampType::NoTimestampType),
            Timestamp::CreateTime(t) => (Some(t), TimestampType::CreateTime),
            Timestamp::LogAppendTime(t) => (Some(t), TimestampType::LogAppendTime),
        };
        let mut headers = Vec::new();
        let mut trace = TraceContext::default();
        if let Some(hs) = m.headers() {
            for h in hs.iter() {
                match (h.key, h.value) {
                    ("traceparent", Some(b)) => trace.traceparent = String::from_utf8_lossy(b).into_owned(),
                    ("tracestate", Some(b)) => trace.tracestate = String::from_utf8_lossy(b).into_owned(),
                    _ => {}
                }
                let sv: SchemaAndValue = match p.header.to_connect_header(topic, h.key, h.value) {
                    Ok(sv) => sv,
                    Err(e) => match self.tolerate(m, Failure::data(Stage::HeaderConverter, &p.header_class, e.message)).await? {
                        Some(sv) => sv,
                        None => return Ok(None),
                    },
                };
                headers.push(Header { key: h.key.to_string(), schema: sv.schema, value: sv.value });
            }
        }
        let record = SinkRecord {
            topic: topic.to_string(),
            kafka_partition: m.partition(),
            kafka_offset: m.offset(),
            key: RecordData::Structured(key),
            value: RecordData::Structured(value),
            timestamp,
            timestamp_type,
            headers,
            original_topic: topic.to_string(),
            original_kafka_partition: m.partition(),
            trace,
        };
        let converted = clock.map(|_| std::time::SystemTime::now());
        let out = if !p.has_transforms() {
            Some(record)
        } else {
            // A copy for retries only when retries are configured.
            let copy = (self.errors.config().retry_timeout != Some(Duration::ZERO)).then(|| record.clone());
            match p.chain.apply_sink(record) {
                Ok(r) => r,
                Err(e) => {
                    let first = Failure::transform(e.clone());
                    let op = || match &copy {
                        Some(c) => p.chain.apply_sink(c.clone()).map_err(Failure::transform),
                        None => Err(Failure::transform(e.clone())),
                    };
                    self.errors.retry(RecordRef::Consumed(m), first, op).await.map_err(tolerance_exceeded)?.flatten()
                }
            }
        };
        if let (Some(started), Some(converted), Some(r)) = (clock, converted, &out) {
            let transformed = p.has_transforms().then(std::time::SystemTime::now);
            let times = crate::telemetry::task::StageTimes { started, converted, transformed };
            self.tel.stages(&r.original_topic, r.original_kafka_partition, r.kafka_offset, times);
        }
        Ok(out)
    }

    async fn put(&mut self, stream: &mut SinkStream, mut batch: Vec<SinkRecord>, originals: Option<Arc<Vec<OwnedMessage>>>) -> Result<(), StreamError> {
        let id = self.next_put;
        self.next_put += 1;
        let trace = self.tel.put(id, &mut batch);
        self.inflight.insert(id, InflightPut { records: batch.clone(), originals });
        self.dirty = true;
        stream.put_traced(id, batch, trace).await
    }

    async fn request_flush(&mut self, stream: &mut SinkStream) -> Result<(), StreamError> {
        if self.flush_pending.is_some() || !self.dirty || self.positions.is_empty() {
            return Ok(());
        }
        let id = self.next_flush;
        self.next_flush += 1;
        self.flush_pending = Some(id);
        self.flush_watermark = self.next_put - 1;
        self.dirty = false;
        let trace = self.tel.flush(id);
        stream.flush(id, &self.positions, trace).await
    }

    async fn on_flushed(&mut self, flush_id: u64, offsets: BTreeMap<TopicPartition, i64>) -> Result<(), StreamError> {
        if self.flush_pending == Some(flush_id) {
            self.flush_pending = None;
            // Errant records of Puts this flush covers were reported before it was answered.
            while self.done_originals.front().is_some_and(|(id, _)| *id <= self.flush_watermark) {
                self.done_originals.pop_front();
            }
        }
        // A failed record reaches the dead letter queue before the offsets past it are
        // committed.
        self.errors.flush().await;
        let mut tpl = TopicPartitionList::new();
        for ((t, p), o) in &offsets {
            if !self.assigned.contains(&(t.clone(), *p)) {
                continue;
            }
            tpl.add_partition_offset(t, *p, Offset::Offset(*o))
                .map_err(|e| StreamError::Protocol(e.to_string()))?;
        }
        if tpl.count() == 0 {
            self.tel.committed(None, Duration::ZERO);
            self.tel.flushed(flush_id);
            return Ok(());
        }
        let started = std::time::Instant::now();
        let span = self.tel.commit_span(flush_id);
        let committed = tokio::task::block_in_place(|| span.in_scope(|| self.consumer.commit(&tpl, CommitMode::Sync)));
        self.tel.committed(Some(committed.is_ok()), started.elapsed());
        drop(span);
        self.tel.flushed(flush_id);
        match committed {
            Ok(()) => tracing::debug!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?offsets, "committed offsets"),
            Err(e) => tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, error = %e, "offset commit failed; will retry at the next flush"),
        }
        Ok(())
    }

    /// Records already read are put, every Put answered, a final flush and commit, then Stop.
    async fn stop(
        &mut self,
        mut stream: SinkStream,
        mut events: mpsc::UnboundedReceiver<Event>,
        mut held: VecDeque<Vec<OwnedMessage>>,
    ) -> Result<(), StreamError> {
        // Batches the consumer thread already handed over (held ones first) are delivered
        // too: their offsets may be committed with the final flush.
        while let Some(ev) = held.pop_front().map(Event::Batch).or_else(|| events.try_recv().ok()) {
            match ev {
                Event::Batch(msgs) => {
                    while self.inflight.len() >= stream.max_inflight_puts {
                        let ev = stream.recv().await?;
                        self.on_event(ev, &mut None).await?;
                    }
                    self.process_batch(&mut stream, msgs).await?;
                }
                Event::Revoking(_, done) => {
                    let _ = done.send(());
                }
                _ => {}
            }
        }
        self.settle(&mut stream).await?;
        let parts = self.assigned.clone();
        if !parts.is_empty() {
            let _ = stream.close_partitions(&parts).await;
        }
        stream.stop(self.ctx.worker.task_shutdown_graceful_timeout).await;
        Ok(())
    }
}
