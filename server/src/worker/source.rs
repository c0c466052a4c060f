//! The source runner: connector batches -> transforms -> converters -> Kafka producer ->
//! acks -> offsets.
//!
//! A record a transform drops (Filter), or one whose transform or conversion failed under
//! `errors.tolerance=all`, is acked with `filtered` set and its offset stored like any other
//! (Kafka Connect's `recordDropped`), so offsets advance past it.
//!
//! Invariants:
//! - A record's `commitRecord` ack is sent only after Kafka acknowledged it, and acks go
//!   out in `seq` order (a record is complete when it and every earlier record are acked).
//! - A source offset is stored only when its record and every earlier record are in Kafka;
//!   `Commit` is sent only after the offsets file is written and synced.
//! - The connector never has more than the granted records and bytes in flight; credits are
//!   returned as records complete.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header as KHeader, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientContext, Message};
use tokio::sync::{watch, Notify};

use super::{tolerance_exceeded, TaskContext, TaskExit};
use super::pipeline::Pipeline;
use crate::converter::{Converter, HeaderConverter};
use crate::data::{Header, Value};
use crate::error_handling::{ErrorHandler, Failure, RecordRef, Stage};
use crate::plugin::streams::{ErrorKind, Liveness, RecordAck, SourceEvent, SourceStartParams, SourceStream, StreamError};
use crate::record::{RecordData, SourceRecord};
use crate::storage::status::State;
use crate::telemetry::SourceTelemetry;

/// One Kafka delivery report.
struct Delivery {
    seq: u64,
    result: Result<(i32, i64), String>,
}

/// Collects delivery reports from librdkafka's thread; the runner drains them in batches.
#[derive(Clone, Default)]
struct Deliveries {
    queue: Arc<Mutex<Vec<Delivery>>>,
    notify: Arc<Notify>,
}

struct DeliveryContext {
    deliveries: Deliveries,
}

impl ClientContext for DeliveryContext {}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, seq: usize) {
        let result = match result {
            Ok(m) => Ok((m.partition(), m.offset())),
            Err((e, _)) => Err(e.to_string()),
        };
        self.deliveries.queue.lock().unwrap().push(Delivery {
            seq: seq as u64,
            result,
        });
        self.deliveries.notify.notify_one();
    }
}

type SourceProducer = ThreadedProducer<DeliveryContext>;

/// A record sent to Kafka and not yet complete.
struct InFlight {
    seq: u64,
    bytes: u64,
    partition: Option<Value>,
    offset: Option<Value>,
    ack: Option<Result<(i32, i64), String>>,
    topic: Arc<str>,
    /// Dropped by a transform or skipped after an error: acked with `filtered` set.
    filtered: bool,
}

struct State_ {
    inflight: VecDeque<InFlight>,
    /// Offsets of completed records not yet written, per source partition key.
    pending_offsets: HashMap<Arc<str>, (Value, Value)>,
    /// The last partition's storage key: most batches come from one source partition.
    last_key: Option<(Value, Arc<str>)>,
    last_topic: Option<Arc<str>>,
    /// The newest staged offset of the partition seen last (not yet in `pending_offsets`).
    current: Option<(Arc<str>, Value, Value)>,
    /// Highest seq whose offset is staged in `pending_offsets`.
    staged_seq: u64,
    last_seq: u64,
    /// Highest seq sent in a `Commit`.
    committed_seq: u64,
    granted_records: i64,
    granted_bytes: i64,
}

pub async fn run(ctx: TaskContext, mut shutdown: watch::Receiver<bool>) -> TaskExit {
    let deliveries = Deliveries::default();
    let producer: SourceProducer = match crate::kafka::producer_config(&ctx.worker, &ctx.connector, ctx.task_id)
        .create_with_context(DeliveryContext {
            deliveries: deliveries.clone(),
        }) {
        Ok(p) => p,
        Err(e) => return ctx.fail(format!("cannot create the Kafka producer: {e}")),
    };
    let pipeline = match ctx.pipeline() {
        Ok(p) => p,
        Err(e) => return ctx.fail(e),
    };
    // No dead letter queue for sources, as in Kafka Connect.
    let mut errors = ErrorHandler::new(pipeline.errors.clone(), ctx.connector.name(), ctx.task_id, None);
    let mut backoff = super::Backoff::new();
    let mut tel = SourceTelemetry::new(ctx.connector.name(), ctx.task_id);
    loop {
        if *shutdown.borrow() {
            return TaskExit::Stopped;
        }
        let session = match ctx.session(&mut backoff, &mut shutdown).await {
            Ok(s) => s,
            Err(exit) => return exit,
        };
        let offsets = match ctx.offsets.offsets(ctx.connector.name()) {
            Ok(o) => o,
            Err(e) => return ctx.fail(e.to_string()),
        };
        let liveness = Liveness::new(ctx.worker.heartbeat_interval, ctx.worker.idle_timeout);
        let params = SourceStartParams {
            class: ctx.connector.class(),
            connector: ctx.connector.name(),
            task_id: ctx.task_id,
            config: &ctx.task_config,
            offsets,
        };
        let lookup = |p: &Value| ctx.offsets.offset(ctx.connector.name(), p).ok().flatten();
        let stream = match SourceStream::open(&session, params, liveness, lookup).await {
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
        ctx.status(ctx.active_state(), None);
        tracing::info!(connector = ctx.connector.name(), task = ctx.task_id, endpoint = %session.target.describe(), sdk = %session.negotiated.sdk, "source task started");
        let mut runner = Runner {
            ctx: &ctx,
            producer: &producer,
            deliveries: &deliveries,
            pipeline: &pipeline,
            errors: &mut errors,
            pause: Pause::default(),
            tel: &mut tel,
            st: State_ {
                inflight: VecDeque::new(),
                pending_offsets: HashMap::new(),
                last_key: None,
                last_topic: None,
                current: None,
                staged_seq: 0,
                last_seq: 0,
                committed_seq: 0,
                granted_records: 0,
                granted_bytes: 0,
            },
        };
        let result = runner.run_stream(stream, &mut shutdown).await;
        // Whatever happened, records already handed to Kafka complete and their offsets
        // are stored before anything else starts.
        runner.drain_kafka().await;
        if let Err(e) = runner.flush_offsets() {
            return ctx.fail(format!("cannot store source offsets: {e}"));
        }
        match result {
            Ok(()) => return TaskExit::Stopped,
            Err(StreamError::Disconnected(e)) | Err(StreamError::Timeout(e)) => {
                tracing::warn!(connector = ctx.connector.name(), task = ctx.task_id, error = %e, "source task lost its connector; restarting");
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
    producer: &'a SourceProducer,
    deliveries: &'a Deliveries,
    pipeline: &'a Pipeline,
    errors: &'a mut ErrorHandler,
    pause: Pause,
    tel: &'a mut SourceTelemetry,
    st: State_,
}

/// While the connector is paused, the task grants no credit (so the connector stops
/// polling once its credit is used up) and holds the batches it still receives; on resume
/// they are produced, in order, and the credit is granted.
#[derive(Default)]
struct Pause {
    paused: bool,
    held: VecDeque<(Vec<SourceRecord>, u64)>,
    withheld_records: u32,
    withheld_bytes: u64,
}

impl Runner<'_> {
    async fn run_stream(&mut self, mut stream: SourceStream, shutdown: &mut watch::Receiver<bool>) -> Result<(), StreamError> {
        let w = &self.ctx.worker;
        let window_records = w.source_max_inflight_records as i64;
        let window_bytes = w.source_max_inflight_bytes as i64;
        let mut paused = self.ctx.paused.clone();
        self.pause.paused = *paused.borrow_and_update();
        self.grant(&mut stream, window_records as u32, window_bytes as u64).await?;
        let mut flush_tick = tokio::time::interval(w.offset_flush_interval);
        flush_tick.tick().await;
        let mut hb_tick = tokio::time::interval(w.heartbeat_interval.min(Duration::from_secs(1)).max(Duration::from_millis(100)));
        loop {
            tokio::select! {
                ev = stream.recv() => {
                    match ev? {
                        SourceEvent::Batch { records, bytes, trace } => self.on_traced_batch(records, bytes, &trace).await?,
                        SourceEvent::OffsetsQuery { request_id, partitions } => {
                            let mut answer = Vec::with_capacity(partitions.len());
                            for p in partitions {
                                let o = self.ctx.offsets.offset(self.ctx.connector.name(), &p)
                                    .map_err(|e| StreamError::Protocol(e.to_string()))?;
                                answer.push((p, o));
                            }
                            stream.answer_offsets(request_id, answer).await?;
                        }
                        SourceEvent::Error(e) if e.kind == ErrorKind::Retriable => {
                            tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, error = %e.trace(), "retriable error from the source task");
                        }
                        SourceEvent::Error(e) if e.kind == ErrorKind::Record => self.record_error(e)?,
                        SourceEvent::Error(e) => return Err(StreamError::Connector(e)),
                        SourceEvent::Drained { .. } => return Err(StreamError::Protocol("Drained before Stop".into())),
                        SourceEvent::Heartbeat => {}
                    }
                }
                _ = self.deliveries.notify.notified() => {
                    self.complete(&mut stream).await?;
                }
                _ = flush_tick.tick() => {
                    self.flush_and_commit(&mut stream).await?;
                }
                _ = hb_tick.tick() => {
                    if stream.liveness.needs_heartbeat() {
                        stream.heartbeat().await?;
                    }
                    stream.liveness.check_idle()?;
                }
                Ok(()) = paused.changed() => {
                    let now = *paused.borrow_and_update();
                    self.set_paused(&mut stream, now).await?;
                }
                _ = shutdown.changed() => {
                    return self.staged_stop(stream).await;
                }
            }
        }
    }

    /// Stop, drain, final acks and commit, close (protocol rule 9).
    async fn staged_stop(&mut self, mut stream: SourceStream) -> Result<(), StreamError> {
        let timeout = self.ctx.worker.task_shutdown_graceful_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        // Batches held while paused go out first, so offsets stay in order.
        self.pause.paused = false;
        while let Some((records, bytes)) = self.pause.held.pop_front() {
            self.produce_batch(records, bytes).await?;
        }
        stream.stop(timeout).await?;
        let drained = tokio::time::timeout_at(deadline, async {
            loop {
                tokio::select! {
                    ev = stream.recv() => match ev? {
                        SourceEvent::Batch { records, bytes, trace } => self.on_traced_batch(records, bytes, &trace).await?,
                        SourceEvent::Drained { last_seq } => return Ok::<u64, StreamError>(last_seq),
                        SourceEvent::Error(e) if e.kind == ErrorKind::Record => self.record_error(e)?,
                        SourceEvent::Error(e) if e.kind != ErrorKind::Retriable => return Err(StreamError::Connector(e)),
                        _ => {}
                    },
                    _ = self.deliveries.notify.notified() => self.complete(&mut stream).await?,
                }
            }
        })
        .await;
        match drained {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, "source task did not drain within {:?}", timeout),
        }
        self.drain_kafka().await;
        self.complete(&mut stream).await?;
        self.flush_and_commit(&mut stream).await?;
        stream.close(timeout).await;
        Ok(())
    }

    /// Pauses or resumes: the task's status, held batches, withheld credit.
    async fn set_paused(&mut self, stream: &mut SourceStream, paused: bool) -> Result<(), StreamError> {
        if paused == self.pause.paused {
            return Ok(());
        }
        self.pause.paused = paused;
        self.ctx.status(self.ctx.active_state(), None);
        if !paused {
            while let Some((records, bytes)) = self.pause.held.pop_front() {
                self.produce_batch(records, bytes).await?;
            }
            let (r, b) = (std::mem::take(&mut self.pause.withheld_records), std::mem::take(&mut self.pause.withheld_bytes));
            self.grant(stream, r, b).await?;
        }
        Ok(())
    }

    /// Returns credit to the connector (withheld while paused).
    async fn grant(&mut self, stream: &mut SourceStream, records: u32, bytes: u64) -> Result<(), StreamError> {
        if records == 0 && bytes == 0 {
            return Ok(());
        }
        if self.pause.paused {
            self.pause.withheld_records += records;
            self.pause.withheld_bytes += bytes;
            return Ok(());
        }
        self.st.granted_records += records as i64;
        self.st.granted_bytes += bytes as i64;
        self.tel.credits(self.st.granted_records);
        stream.credit(records, bytes).await
    }

    /// A batch with its telemetry: metrics, and spans when its trace is sampled.
    async fn on_traced_batch(&mut self, mut records: Vec<SourceRecord>, bytes: u64, trace: &crate::record::TraceContext) -> Result<(), StreamError> {
        self.tel.batch_received(&mut records, trace);
        let result = self.on_batch(records, bytes).await;
        self.tel.batch_handled();
        self.tel.credits(self.st.granted_records);
        result
    }

    async fn on_batch(&mut self, records: Vec<SourceRecord>, bytes: u64) -> Result<(), StreamError> {
        let n = records.len() as i64;
        self.st.granted_records -= n;
        self.st.granted_bytes -= bytes as i64;
        if self.st.granted_records < 0 || self.st.granted_bytes < 0 {
            return Err(StreamError::Protocol(format!(
                "the connector sent {n} records ({bytes} bytes) beyond its credit (records left {}, bytes left {})",
                self.st.granted_records + n,
                self.st.granted_bytes + bytes as i64
            )));
        }
        if self.pause.paused {
            self.pause.held.push_back((records, bytes));
            return Ok(());
        }
        self.produce_batch(records, bytes).await
    }

    async fn produce_batch(&mut self, records: Vec<SourceRecord>, bytes: u64) -> Result<(), StreamError> {
        let n = records.len() as i64;
        // Each record carries its share of the batch's bytes; the last one the remainder,
        // so exactly the bytes taken are returned as credit.
        let per_record = bytes / (n.max(1) as u64);
        let last_share = bytes - per_record * (n.max(1) as u64 - 1);
        let count = records.len();
        for (i, r) in records.into_iter().enumerate() {
            if r.seq <= self.st.last_seq {
                return Err(StreamError::Protocol(format!(
                    "record seq {} is not greater than the previous seq {}",
                    r.seq, self.st.last_seq
                )));
            }
            self.st.last_seq = r.seq;
            let share = if i + 1 == count { last_share } else { per_record };
            self.produce(r, share).await?;
        }
        if self.st.inflight.back().is_some_and(|f| f.filtered) {
            // Dropped records complete without a delivery report.
            self.deliveries.notify.notify_one();
        }
        Ok(())
    }

    /// The connector could not make record `record_seq` (a RECORD error): Kafka Connect's
    /// TASK_POLL stage under errors.tolerance. Tolerated, it is logged, counted and
    /// skipped (the seq is never sent, and seqs need not be contiguous); else the task
    /// fails with the connector's error as the cause.
    fn record_error(&mut self, e: crate::plugin::streams::ConnectorError) -> Result<(), StreamError> {
        tracing::debug!(connector = self.ctx.connector.name(), task = self.ctx.task_id, seq = e.record_seq, error = %e.trace(), "the source connector reported a record it could not make");
        let failure = Failure {
            stage: Stage::TaskPoll,
            class: self.ctx.connector.class().to_string(),
            exception_class: if e.error_class.is_empty() { crate::error_handling::CONNECT_EXCEPTION.to_string() } else { e.error_class.clone() },
            message: e.message.clone(),
            detail: e.detail.clone(),
            retriable: false,
        };
        self.errors.record_failed(RecordRef::Source(None), failure).map_err(tolerance_exceeded)
    }

    /// A record that will not reach Kafka: it completes in its turn, acked as filtered.
    fn dropped(&mut self, seq: u64, bytes: u64, topic: &str, partition: Option<Value>, offset: Option<Value>) {
        self.st.inflight.push_back(InFlight {
            seq,
            bytes,
            partition,
            offset,
            ack: Some(Ok((-1, -1))),
            topic: topic.into(),
            filtered: true,
        });
    }

    async fn produce(&mut self, r: SourceRecord, bytes: u64) -> Result<(), StreamError> {
        let seq = r.seq;
        // Kept for the error log's `errors.log.include.messages` and for retries only.
        let cfg = self.errors.config();
        let keep = cfg.log_include_messages || cfg.retry_timeout != Some(Duration::ZERO);
        let original = keep.then(|| r.clone());
        let r = if self.pipeline.has_transforms() {
            let (topic, partition, offset) = (r.topic.clone(), r.source_partition.clone(), r.source_offset.clone());
            let chain = &self.pipeline.chain;
            let stage = self.tel.stage(seq, "transform");
            let transformed = chain.apply_source(r);
            drop(stage);
            let transformed = match transformed {
                Ok(t) => t,
                Err(e) => {
                    let op = || match &original {
                        Some(o) => chain.apply_source(o.clone()).map_err(Failure::transform),
                        None => Err(Failure::transform(e.clone())),
                    };
                    let first = Failure::transform(e.clone());
                    self.errors.retry(RecordRef::Source(original.as_ref()), first, op).await.map_err(tolerance_exceeded)?.flatten()
                }
            };
            match transformed {
                Some(t) => t,
                None => {
                    self.dropped(seq, bytes, &topic, partition, offset);
                    return Ok(());
                }
            }
        } else {
            r
        };
        let SourceRecord { source_partition, source_offset, topic: record_topic, kafka_partition, key, value, timestamp, mut headers, trace, .. } = r;
        if !trace.is_empty() {
            // The record's trace context becomes the W3C headers, replacing any already there.
            headers.retain(|h| h.key != "traceparent" && h.key != "tracestate");
        }
        let stage = self.tel.stage(seq, "convert");
        let converted = self.convert_all(&record_topic, key, value, headers, original.as_ref()).await;
        drop(stage);
        let converted = match converted? {
            Some(c) => c,
            None => {
                self.dropped(seq, bytes, &record_topic, source_partition, source_offset);
                return Ok(());
            }
        };
        let (key, value, headers) = converted;
        let headers = with_trace(headers, &trace);
        let topic = self.topic_name(&record_topic);
        self.st.inflight.push_back(InFlight {
            seq,
            bytes,
            partition: source_partition,
            offset: source_offset,
            ack: None,
            topic,
            filtered: false,
        });
        let r = ProduceArgs { topic: &record_topic, seq, kafka_partition, timestamp };
        let mut record: BaseRecord<'_, [u8], [u8], usize> = BaseRecord::with_opaque_to(r.topic, r.seq as usize);
        if let Some(k) = key.as_deref() {
            record = record.key(k);
        }
        if let Some(v) = value.as_deref() {
            record = record.payload(v);
        }
        if let Some(p) = r.kafka_partition {
            record = record.partition(p);
        }
        if let Some(ts) = r.timestamp {
            record = record.timestamp(ts);
        }
        if let Some(h) = headers {
            record = record.headers(h);
        }
        loop {
            match self.producer.send(record) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), rec)) => {
                    record = rec;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Err((e, _)) => {
                    // Not retriable (e.g. a record larger than the producer allows).
                    if self.errors.tolerates_all() {
                        let failure = Failure::new(Stage::KafkaProduce, PRODUCER_CLASS, KAFKA_EXCEPTION, e.to_string());
                        self.errors.record_failed(RecordRef::Source(None), failure).map_err(tolerance_exceeded)?;
                        if let Some(last) = self.st.inflight.back_mut() {
                            last.ack = Some(Ok((-1, -1)));
                            last.filtered = true;
                        }
                        self.deliveries.notify.notify_one();
                        return Ok(());
                    }
                    let last = self.st.inflight.pop_back();
                    let seq = last.map(|l| l.seq).unwrap_or(0);
                    return Err(StreamError::Connector(crate::plugin::streams::ConnectorError {
                        kind: ErrorKind::Fatal,
                        message: format!("producing record seq {seq} to Kafka failed: {e}"),
                        error_class: "org.apache.kafka.connect.errors.ConnectException".into(),
                        detail: String::new(),
                        retry_after: None,
                        record_seq: seq,
                        kafka: None,
                    }));
                }
            }
        }
    }

    /// Applies delivery reports; completes records in seq order; sends acks and credit.
    async fn complete(&mut self, stream: &mut SourceStream) -> Result<(), StreamError> {
        let reports = std::mem::take(&mut *self.deliveries.queue.lock().unwrap());
        for d in reports {
            let Ok(i) = self.st.inflight.binary_search_by_key(&d.seq, |f| f.seq) else { continue };
            let f = &mut self.st.inflight[i];
            f.ack = Some(d.result);
        }
        let mut acks = Vec::with_capacity(self.st.inflight.len().min(4096));
        let (mut freed_records, mut freed_bytes) = (0u32, 0u64);
        while let Some(front) = self.st.inflight.front() {
            match &front.ack {
                None => break,
                Some(Err(e)) if self.errors.tolerates_all() => {
                    // Kafka Connect skips a record the producer could not send under
                    // errors.tolerance=all; its offset is committed.
                    let failure = Failure::new(Stage::KafkaProduce, PRODUCER_CLASS, KAFKA_EXCEPTION, e.clone());
                    self.errors.record_failed(RecordRef::Source(None), failure).map_err(tolerance_exceeded)?;
                    let f = self.st.inflight.front_mut().expect("front exists");
                    f.ack = Some(Ok((-1, -1)));
                    f.filtered = true;
                    continue;
                }
                Some(Err(e)) => {
                    return Err(StreamError::Connector(crate::plugin::streams::ConnectorError {
                        kind: ErrorKind::Fatal,
                        message: format!("Kafka did not accept record seq {} for topic {}: {e}", front.seq, front.topic),
                        error_class: "org.apache.kafka.connect.errors.ConnectException".into(),
                        detail: String::new(),
                        retry_after: None,
                        record_seq: front.seq,
                        kafka: None,
                    }))
                }
                Some(Ok(_)) => {}
            }
            let f = self.st.inflight.pop_front().expect("front exists");
            let Some(Ok((partition, offset))) = f.ack else { unreachable!() };
            if let (Some(p), Some(o)) = (f.partition, f.offset) {
                self.stage_offset(p, o)?;
            }
            self.st.staged_seq = f.seq;
            freed_records += 1;
            freed_bytes += f.bytes;
            acks.push(RecordAck {
                seq: f.seq,
                topic: f.topic.to_string(),
                partition,
                offset,
                filtered: f.filtered,
            });
        }
        if !acks.is_empty() {
            self.tel.acked(&acks);
            stream.commit_records(acks).await?;
            self.grant(stream, freed_records, freed_bytes).await?;
        }
        Ok(())
    }

    /// Topic names are shared, not copied per record.
    fn topic_name(&mut self, topic: &str) -> Arc<str> {
        match &self.st.last_topic {
            Some(t) if &**t == topic => t.clone(),
            _ => {
                self.ctx.record_topic(topic);
                let t: Arc<str> = topic.into();
                self.st.last_topic = Some(t.clone());
                t
            }
        }
    }

    fn stage_offset(&mut self, partition: Value, offset: Value) -> Result<(), StreamError> {
        let key = match &self.st.last_key {
            Some((p, k)) if *p == partition => k.clone(),
            _ => {
                let k: Arc<str> = self
                    .ctx
                    .offsets
                    .key(self.ctx.connector.name(), &partition)
                    .map_err(|e| StreamError::Protocol(e.to_string()))?
                    .into();
                self.st.last_key = Some((partition.clone(), k.clone()));
                k
            }
        };
        // Consecutive records of one partition replace each other's offset in place; the
        // map is touched only when the partition changes.
        match &mut self.st.current {
            Some((k, _, o)) if Arc::ptr_eq(k, &key) => *o = offset,
            current => {
                if let Some((k, p, o)) = current.replace((key, partition, offset)) {
                    self.st.pending_offsets.insert(k, (p, o));
                }
            }
        }
        Ok(())
    }

    /// Waits until Kafka has answered for every record handed to the producer.
    async fn drain_kafka(&mut self) {
        let timeout = self.ctx.worker.offset_flush_timeout.max(Duration::from_secs(30));
        let deadline = tokio::time::Instant::now() + timeout;
        while self.st.inflight.iter().any(|f| f.ack.is_none()) {
            let _ = self.producer.flush(Duration::from_millis(100));
            let reports = std::mem::take(&mut *self.deliveries.queue.lock().unwrap());
            for d in reports {
                if let Ok(i) = self.st.inflight.binary_search_by_key(&d.seq, |f| f.seq) {
                    self.st.inflight[i].ack = Some(d.result);
                }
            }
            if tokio::time::Instant::now() > deadline {
                tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, "Kafka did not acknowledge every record within {:?}", timeout);
                break;
            }
            tokio::task::yield_now().await;
        }
        // Stage the offsets of the complete prefix.
        while let Some(f) = self.st.inflight.front() {
            if !matches!(f.ack, Some(Ok(_))) {
                break;
            }
            let f = self.st.inflight.pop_front().expect("front exists");
            if let (Some(p), Some(o)) = (f.partition, f.offset) {
                let _ = self.stage_offset(p, o);
            }
            self.st.staged_seq = f.seq;
        }
    }

    fn flush_offsets(&mut self) -> Result<bool, String> {
        if let Some((k, p, o)) = self.st.current.take() {
            self.st.pending_offsets.insert(k, (p, o));
        }
        if self.st.pending_offsets.is_empty() {
            return Ok(false);
        }
        let entries: Vec<(Value, Option<Value>)> = self
            .st
            .pending_offsets
            .drain()
            .map(|(_, (p, o))| (p, Some(o)))
            .collect();
        self.ctx
            .offsets
            .put_and_flush(self.ctx.connector.name(), entries)
            .map_err(|e| e.to_string())?;
        Ok(true)
    }

    async fn flush_and_commit(&mut self, stream: &mut SourceStream) -> Result<(), StreamError> {
        let seq = self.st.staged_seq;
        let started = std::time::Instant::now();
        let span = self.tel.commit_span();
        let wrote = tokio::task::block_in_place(|| span.in_scope(|| self.flush_offsets()));
        if wrote != Ok(false) {
            self.tel.offsets_committed(wrote.is_ok(), started.elapsed());
        }
        let wrote = wrote.map_err(|e| {
            StreamError::Connector(crate::plugin::streams::ConnectorError {
                kind: ErrorKind::Fatal,
                message: format!("cannot store source offsets: {e}"),
                error_class: "org.apache.kafka.connect.errors.ConnectException".into(),
                detail: String::new(),
                retry_after: None,
                record_seq: 0,
                kafka: None,
            })
        })?;
        if wrote || seq > self.st.committed_seq {
            stream.commit(seq).await?;
            self.st.committed_seq = seq;
        }
        Ok(())
    }
}

/// The class Kafka Connect names for a failed produce (`__connect.errors.class.name`).
const PRODUCER_CLASS: &str = "org.apache.kafka.clients.producer.KafkaProducer";
const KAFKA_EXCEPTION: &str = "org.apache.kafka.common.KafkaException";

struct ProduceArgs<'a> {
    topic: &'a str,
    seq: u64,
    kafka_partition: Option<i32>,
    timestamp: Option<i64>,
}

/// One key or value to bytes: raw bytes as they are (the fast path), else the converter.
fn convert_data(conv: &dyn Converter, class: &str, stage: Stage, topic: &str, d: RecordData) -> Result<Option<Bytes>, Failure> {
    match d {
        RecordData::Raw(b) => Ok(Some(b)),
        RecordData::Structured(sv) => conv.from_connect(topic, sv).map_err(|e| Failure::data(stage, class, e.message)),
    }
}

/// Headers to Kafka bytes with the header converter.
fn convert_headers(conv: &dyn HeaderConverter, class: &str, topic: &str, headers: &[Header]) -> Result<OwnedHeaders, Failure> {
    let mut out = OwnedHeaders::new_with_capacity(headers.len());
    for h in headers {
        let bytes = conv
            .from_connect_header(topic, &h.key, h.schema.as_deref(), &h.value)
            .map_err(|e| Failure::data(Stage::HeaderConverter, class, e.message))?;
        out = out.insert(KHeader { key: &h.key, value: bytes.as_deref() });
    }
    Ok(out)
}

type Converted = (Option<Bytes>, Option<Bytes>, Option<OwnedHeaders>);

impl Runner<'_> {
    /// Key, value and headers to bytes; `None` when a failure was tolerated (the record is
    /// skipped). Converters fail only on the data, so a failure is not retried.
    async fn convert_all(
        &mut self,
        topic: &str,
        key: RecordData,
        value: RecordData,
        headers: Vec<Header>,
        original: Option<&SourceRecord>,
    ) -> Result<Option<Converted>, StreamError> {
        let p = self.pipeline;
        let attempt = || -> Result<Converted, Failure> {
            let k = convert_data(p.key.as_ref(), &p.key_class, Stage::KeyConverter, topic, key)?;
            let v = convert_data(p.value.as_ref(), &p.value_class, Stage::ValueConverter, topic, value)?;
            let h = if headers.is_empty() { None } else { Some(convert_headers(p.header.as_ref(), &p.header_class, topic, &headers)?) };
            Ok((k, v, h))
        };
        match attempt() {
            Ok(c) => Ok(Some(c)),
            Err(f) => {
                let again = f.clone();
                self.errors
                    .retry(RecordRef::Source(original), f, move || Err::<Converted, _>(again.clone()))
                    .await
                    .map_err(tolerance_exceeded)
            }
        }
    }
}

/// The record's trace context as the W3C `traceparent` / `tracestate` Kafka headers.
fn with_trace(headers: Option<OwnedHeaders>, trace: &crate::record::TraceContext) -> Option<OwnedHeaders> {
    if trace.is_empty() {
        return headers;
    }
    let mut out = headers.unwrap_or_else(|| OwnedHeaders::new_with_capacity(2));
    out = out.insert(KHeader {
        key: "traceparent",
        value: Some(trace.traceparent.as_bytes()),
    });
    if !trace.tracestate.is_empty() {
        out = out.insert(KHeader {
            key: "tracestate",
            value: Some(trace.tracestate.as_bytes()),
        });
    }
    Some(out)
}
