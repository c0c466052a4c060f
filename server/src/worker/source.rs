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
//! - A delivery report completes only the record it was produced for: each produced record
//!   gets an id from a counter that lives as long as the producer (which outlives a
//!   connector session), and the id, not the connector's `seq`, is the report's opaque.
//! - Under `errors.tolerance=all`, only a produce failure of the record itself (too large,
//!   invalid, corrupt) is tolerated; any other (a fatal producer error, an unknown
//!   partition, authorization, a timeout) fails the task, and its offset is never stored.
//! - A failed write of the offsets file does not fail the task: the offsets stay pending,
//!   no `Commit` is sent for them, and the next flush tries again.
//!
//! Exactly once (distributed mode, `exactly.once.source.support=enabled`, KIP-618): the
//! producer is transactional (`<group.id>-<connector>-<task>`; its `init_transactions`
//! fences every earlier instance of the task and settles their last transaction before the
//! task reads its offsets). A transaction holds the records of one batch
//! (`transaction.boundary=poll`) or of an interval, and the offset records of those records,
//! written to the offsets topic by the same producer. Acks, credit, the offset store's
//! update and `Commit` come only after `commit_transaction`; a task that stops or loses its
//! connector aborts its open transaction, and a fenced one fails without writing anything.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header as KHeader, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::{ClientContext, Message};
use tokio::sync::{watch, Notify};

use super::pipeline::Pipeline;
use super::{tolerance_exceeded, ExactlyOnce, TaskContext, TaskExit, TransactionBoundary};
use crate::converter::{Converter, HeaderConverter};
use crate::data::{Header, Value};
use crate::error_handling::{ErrorHandler, Failure, RecordRef, Stage};
use crate::plugin::streams::{ConverterData, TransactionAction};
use crate::plugin::streams::{
    ErrorKind, Liveness, RecordAck, SourceEvent, SourceStartParams, SourceStream, StreamError,
};
use crate::record::{RecordData, SourceRecord};
use crate::storage::offsets::{OffsetError, OffsetStore};
use crate::storage::status::State;
use crate::telemetry::SourceTelemetry;

/// A failed produce: librdkafka's error code, when there is one, and the error's text.
#[derive(Debug, Clone, PartialEq)]
struct ProduceError {
    code: Option<RDKafkaErrorCode>,
    message: String,
}

impl ProduceError {
    fn new(e: &KafkaError) -> ProduceError {
        ProduceError {
            code: e.rdkafka_error_code(),
            message: e.to_string(),
        }
    }

    /// A failure of the record itself, which `errors.tolerance=all` may skip, as Kafka
    /// Connect does: too large, invalid or corrupt. Anything else (a fatal producer error,
    /// an unknown topic or partition, topic or cluster authorization, a timeout, ...) is
    /// about the producer or the cluster, and later records would fail alike or be
    /// reordered around it: the task fails whatever `errors.tolerance` says.
    fn is_record_level(&self) -> bool {
        matches!(
            self.code,
            Some(
                RDKafkaErrorCode::MessageSizeTooLarge
                    | RDKafkaErrorCode::InvalidRecord
                    | RDKafkaErrorCode::InvalidMessage
            )
        )
    }
}

impl std::fmt::Display for ProduceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One Kafka delivery report, for the produced record with id `id`.
struct Delivery {
    id: u64,
    result: Result<(i32, i64), ProduceError>,
}

/// Collects delivery reports from librdkafka's thread; the runner drains them in batches.
/// Lives as long as the task's producer, across connector sessions.
#[derive(Clone, Default)]
struct Deliveries {
    queue: Arc<Mutex<Vec<Delivery>>>,
    notify: Arc<Notify>,
    /// The last id given to a record; never reset, so a report from an earlier session
    /// matches nothing in a later one.
    ids: Arc<std::sync::atomic::AtomicU64>,
    /// The client reported an error since the runner last looked.
    errors_seen: Arc<std::sync::atomic::AtomicBool>,
    /// librdkafka's fatal error (e.g. the idempotent producer was fenced): the producer
    /// cannot produce any more.
    fatal: Arc<Mutex<Option<String>>>,
}

impl Deliveries {
    fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    }

    fn take(&self) -> Vec<Delivery> {
        std::mem::take(&mut *self.queue.lock().unwrap())
    }

    /// The producer's fatal error, if it had one: looked up when the client reported an
    /// error, then kept.
    fn fatal(&self, producer: &SourceProducer) -> Option<String> {
        if self
            .errors_seen
            .swap(false, std::sync::atomic::Ordering::AcqRel)
        {
            if let Some((code, reason)) = producer.client().fatal_error() {
                self.fatal
                    .lock()
                    .unwrap()
                    .get_or_insert_with(|| format!("{code}: {reason}"));
            }
        }
        self.fatal.lock().unwrap().clone()
    }
}

struct DeliveryContext {
    deliveries: Deliveries,
    errors: Option<crate::kafka::ClientErrors>,
}

impl ClientContext for DeliveryContext {
    fn error(&self, error: KafkaError, reason: &str) {
        if let Some(code) = error.rdkafka_error_code() {
            if crate::kafka::is_permanent_security_error(code, reason) {
                // Authentication or TLS refused: no retry fixes it, the task fails with it.
                tracing::error!(error = %error, reason, "Kafka producer error the task cannot recover from");
                self.deliveries
                    .fatal
                    .lock()
                    .unwrap()
                    .get_or_insert_with(|| {
                        format!("Kafka refused the connection (authentication or TLS): {error}: {reason}")
                    });
                self.deliveries.notify.notify_one();
                return;
            }
        }
        if is_fenced(error.rdkafka_error_code(), "") {
            // Exactly once: a newer instance of the task took over; not a transient error.
            tracing::warn!(error = %error, reason, "the task's transactional producer was fenced");
        } else {
            match &self.errors {
                Some(e) => e.report(&format_args!("{error}: {reason}")),
                None => tracing::warn!("librdkafka: {error}: {reason}"),
            }
        }
        // A fatal error comes as an error event with its own code (e.g. ProducerFenced):
        // the runner asks the client whether it was fatal.
        self.deliveries
            .errors_seen
            .store(true, std::sync::atomic::Ordering::Release);
        self.deliveries.notify.notify_one();
    }
}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, id: usize) {
        let result = match result {
            Ok(m) => Ok((m.partition(), m.offset())),
            Err((e, _)) => Err(ProduceError::new(e)),
        };
        self.deliveries.queue.lock().unwrap().push(Delivery {
            id: id as u64,
            result,
        });
        self.deliveries.notify.notify_one();
    }
}

type SourceProducer = crate::kafka::producer::PolledProducer<DeliveryContext>;

/// A record sent to Kafka and not yet complete.
struct InFlight {
    /// From [`Deliveries::next_id`]: increasing along `inflight`, the delivery report's key.
    id: u64,
    seq: u64,
    bytes: u64,
    partition: Option<Arc<Value>>,
    offset: Option<Value>,
    ack: Option<Result<(i32, i64), ProduceError>>,
    topic: Arc<str>,
    /// Dropped by a transform or skipped after an error: acked with `filtered` set.
    filtered: bool,
}

/// Applies delivery reports to the records they were produced for; a report whose record
/// is not in flight (an earlier session's, given up when it ended) is ignored.
fn apply_reports(inflight: &mut VecDeque<InFlight>, reports: Vec<Delivery>) {
    for d in reports {
        if let Ok(i) = inflight.binary_search_by_key(&d.id, |f| f.id) {
            inflight[i].ack = Some(d.result);
        }
    }
}

/// Offsets of completed records not yet in the offsets file. They stay until a write
/// succeeds, across connector sessions: a failed write (an I/O error, a full disk) is
/// tried again at the next flush.
#[derive(Default)]
struct PendingOffsets {
    /// Per source partition key.
    map: HashMap<Arc<str>, (Arc<Value>, Value)>,
    /// The last partition's storage key: most batches come from one source partition.
    last_key: Option<(Arc<Value>, Arc<str>)>,
    /// The newest staged offset of the partition seen last (not yet in `map`).
    current: Option<(Arc<str>, Arc<Value>, Value)>,
}

impl PendingOffsets {
    fn stage(
        &mut self,
        store: &OffsetStore,
        connector: &str,
        partition: Arc<Value>,
        offset: Value,
    ) -> Result<(), OffsetError> {
        // The records of a batch share their partition's value: compared by address first.
        let key = match &self.last_key {
            Some((p, k)) if Arc::ptr_eq(p, &partition) || **p == *partition => k.clone(),
            _ => {
                let k: Arc<str> = store.key(connector, &partition)?.into();
                self.last_key = Some((partition.clone(), k.clone()));
                k
            }
        };
        // Consecutive records of one partition replace each other's offset in place; the
        // map is touched only when the partition changes.
        match &mut self.current {
            Some((k, _, o)) if Arc::ptr_eq(k, &key) => *o = offset,
            current => {
                if let Some((k, p, o)) = current.replace((key, partition, offset)) {
                    self.map.insert(k, (p, o));
                }
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.map.is_empty() && self.current.is_none()
    }

    /// Takes every pending offset (exactly once: they go into the open transaction).
    fn take_entries(&mut self) -> Vec<(Value, Option<Value>)> {
        if let Some((k, p, o)) = self.current.take() {
            self.map.insert(k, (p, o));
        }
        self.map
            .drain()
            .map(|(_, (p, o))| (Arc::unwrap_or_clone(p), Some(o)))
            .collect()
    }

    /// Writes the pending offsets; `Ok(false)`: there were none. On an error they stay.
    fn flush(&mut self, store: &OffsetStore, connector: &str) -> Result<bool, OffsetError> {
        if let Some((k, p, o)) = self.current.take() {
            self.map.insert(k, (p, o));
        }
        if self.map.is_empty() {
            return Ok(false);
        }
        let entries: Vec<(Value, Option<Value>)> = self
            .map
            .values()
            .map(|(p, o)| (Value::clone(p), Some(o.clone())))
            .collect();
        store.put_and_flush(connector, entries)?;
        self.map.clear();
        Ok(true)
    }
}

struct State_ {
    inflight: VecDeque<InFlight>,
    last_topic: Option<Arc<str>>,
    /// Highest seq whose offset is staged in the pending offsets.
    staged_seq: u64,
    last_seq: u64,
    /// Highest seq sent in a `Commit`.
    committed_seq: u64,
    granted_records: i64,
    granted_bytes: i64,
    /// Exactly once: a transaction is open.
    in_txn: bool,
    /// Connector-defined boundaries: the warning that an open transaction used up the
    /// credit was logged.
    warned_credit: bool,
}

/// `transaction.timeout.ms` of an exactly-once task's producer, as Java's producer default.
const TRANSACTION_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn run(ctx: TaskContext, mut shutdown: watch::Receiver<bool>) -> TaskExit {
    let deliveries = Deliveries::default();
    let eos = ctx.exactly_once.clone();
    let producer_cfg = if eos.is_some() {
        crate::kafka::transactional_producer_config(&ctx.worker, &ctx.connector, ctx.task_id)
    } else {
        crate::kafka::producer_config(&ctx.worker, &ctx.connector, ctx.task_id)
    };
    let mut producer_cfg = match producer_cfg {
        Ok(c) => c,
        Err(e) => return ctx.fail(format!("invalid Kafka producer settings: {e}")),
    };
    if let Some(e) = &eos {
        let timeout = producer_cfg
            .get("transaction.timeout.ms")
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(TRANSACTION_TIMEOUT.as_millis() as u64);
        producer_cfg
            .set(
                "transactional.id",
                e.transactional_id(ctx.connector.name(), ctx.task_id),
            )
            .set("transaction.timeout.ms", timeout.to_string())
            // librdkafka wants a record's delivery timeout within the transaction's.
            .set("delivery.timeout.ms", timeout.to_string());
    }
    let producer: SourceProducer = match producer_cfg.create_with_context(DeliveryContext {
        deliveries: deliveries.clone(),
        errors: Some(crate::kafka::ClientErrors::new(
            ctx.connector.name(),
            ctx.task_id,
            "producer",
        )),
    }) {
        Ok(p) => p,
        Err(e) => {
            return ctx.fail(format!(
                "cannot create the Kafka producer: {}",
                crate::kafka::creation_error(&e)
            ))
        }
    };
    if let Some(e) = &eos {
        if let Err(exit) = init_transactions(&ctx, e, &producer).await {
            return exit;
        }
    }
    let pipeline = match ctx.pipeline() {
        Ok(p) => p,
        Err(e) => return ctx.fail(e),
    };
    if let Err(e) = ctx.connect_transforms(&pipeline.chain, false).await {
        return ctx.fail(e);
    }
    if let Err(e) = ctx.connect_converters(&pipeline).await {
        return ctx.fail(e);
    }
    // No dead letter queue for sources, as in Kafka Connect.
    let mut errors = ErrorHandler::new(
        pipeline.errors.clone(),
        ctx.connector.name(),
        ctx.task_id,
        None,
    );
    let mut backoff = super::Backoff::new();
    let mut tel = SourceTelemetry::new(ctx.connector.name(), ctx.task_id);
    let mut pending = PendingOffsets::default();
    loop {
        if *shutdown.borrow() {
            return TaskExit::Stopped;
        }
        let session = match ctx.session(&mut backoff, &mut shutdown).await {
            Ok(s) => s,
            Err(exit) => return exit,
        };
        // Offsets a failed write left pending go first, so the connector resumes after them.
        let _ = tokio::task::block_in_place(|| store_pending(&ctx, &mut pending, &tel));
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
            transaction_context: eos
                .as_ref()
                .is_some_and(|e| e.boundary == TransactionBoundary::Connector),
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
            pending: &mut pending,
            eos: eos.as_ref(),
            st: State_ {
                inflight: VecDeque::new(),
                last_topic: None,
                staged_seq: 0,
                last_seq: 0,
                committed_seq: 0,
                granted_records: 0,
                granted_bytes: 0,
                in_txn: false,
                warned_credit: false,
            },
        };
        let result = runner.run_stream(stream, &mut shutdown).await;
        // Whatever happened, records already handed to Kafka complete and their offsets
        // are stored before anything else starts (or stay pending if the write fails).
        let stored = if runner.eos.is_some() {
            // Exactly once: what is not committed is aborted, and produced again.
            runner.abort_transaction();
            Ok(false)
        } else {
            runner.drain_kafka().await;
            tokio::task::block_in_place(|| runner.store_offsets())
        };
        drop(runner);
        match result {
            Ok(()) => {
                if stored.is_err() {
                    tracing::error!(
                        connector = ctx.connector.name(),
                        task = ctx.task_id,
                        "the task stopped with source offsets it could not store: the records after the last stored offsets will be produced again"
                    );
                }
                return TaskExit::Stopped;
            }
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
    pending: &'a mut PendingOffsets,
    eos: Option<&'a ExactlyOnce>,
    st: State_,
}

/// Exactly once: the task's transactional producer takes over its transactional id (which
/// fences every earlier producer with it and settles their open transaction), then the task
/// reads the offsets topic to its end, so it resumes after the last committed transaction.
async fn init_transactions(
    ctx: &TaskContext,
    eos: &ExactlyOnce,
    producer: &SourceProducer,
) -> Result<(), TaskExit> {
    let id = eos.transactional_id(ctx.connector.name(), ctx.task_id);
    if let Err(e) = (eos.before_producer)(ctx.task_id).await {
        return Err(ctx.fail(e));
    }
    let deadline = tokio::time::Instant::now() + TRANSACTION_TIMEOUT;
    loop {
        match tokio::task::block_in_place(|| producer.init_transactions(Duration::from_secs(30))) {
            Ok(()) => break,
            Err(KafkaError::Transaction(e))
                if e.is_retriable() && tokio::time::Instant::now() < deadline =>
            {
                tracing::warn!(connector = ctx.connector.name(), task = ctx.task_id, transactional_id = %id, error = %e, "cannot initialize the transactional producer yet; trying again");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => {
                return Err(ctx.fail(format!(
                    "cannot initialize the transactional producer {id} (exactly.once.source.support=enabled): {e}"
                )))
            }
        }
    }
    tracing::info!(connector = ctx.connector.name(), task = ctx.task_id, transactional_id = %id, "transactional producer initialized; earlier instances of the task are fenced");
    if let Err(e) = (eos.after_producer)(ctx.task_id).await {
        return Err(ctx.fail(e));
    }
    if let Err(e) = (eos.refresh_offsets)().await {
        return Err(ctx.fail(format!("cannot read the offsets topic: {e}")));
    }
    Ok(())
}

/// A producer error that means another producer with the task's transactional id took over.
fn is_fenced(code: Option<RDKafkaErrorCode>, text: &str) -> bool {
    matches!(
        code,
        Some(
            RDKafkaErrorCode::Fenced
                | RDKafkaErrorCode::ProducerFenced
                | RDKafkaErrorCode::InvalidProducerEpoch
        )
    ) || text.contains("fenced")
        || text.contains("Fenced")
}

/// A batch held while paused: its records, their bytes, the connector's transaction requests.
type HeldBatch = (Vec<SourceRecord>, u64, Vec<(u64, TransactionAction)>);

/// While the connector is paused, the task grants no credit (so the connector stops
/// polling once its credit is used up) and holds the batches it still receives; on resume
/// they are produced, in order, and the credit is granted.
#[derive(Default)]
struct Pause {
    paused: bool,
    held: VecDeque<HeldBatch>,
    withheld_records: u32,
    withheld_bytes: u64,
}

impl Runner<'_> {
    async fn run_stream(
        &mut self,
        mut stream: SourceStream,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), StreamError> {
        let w = &self.ctx.worker;
        let window_records = w.source_max_inflight_records as i64;
        let window_bytes = w.source_max_inflight_bytes as i64;
        let mut paused = self.ctx.paused.clone();
        self.pause.paused = *paused.borrow_and_update();
        self.grant(&mut stream, window_records as u32, window_bytes as u64)
            .await?;
        let flush_every = match self.eos.map(|e| e.boundary) {
            Some(TransactionBoundary::Interval(i)) => i,
            _ => w.offset_flush_interval,
        };
        let mut flush_tick = tokio::time::interval(flush_every);
        flush_tick.tick().await;
        let mut hb_tick = tokio::time::interval(
            w.heartbeat_interval
                .min(Duration::from_secs(1))
                .max(Duration::from_millis(100)),
        );
        loop {
            tokio::select! {
                ev = stream.recv() => {
                    match ev? {
                        SourceEvent::Batch { records, bytes, trace, actions } => {
                            self.on_traced_batch(&mut stream, records, bytes, &trace, actions).await?;
                            self.after_batch(&mut stream).await?;
                        }
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
        while let Some((records, bytes, actions)) = self.pause.held.pop_front() {
            self.produce_batch(&mut stream, records, bytes, actions)
                .await?;
        }
        stream.stop(timeout).await?;
        let drained = tokio::time::timeout_at(deadline, async {
            loop {
                tokio::select! {
                    ev = stream.recv() => match ev? {
                        SourceEvent::Batch { records, bytes, trace, actions } => {
                            self.on_traced_batch(&mut stream, records, bytes, &trace, actions).await?;
                            self.after_batch(&mut stream).await?;
                        }
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
            Err(_) => tracing::warn!(
                connector = self.ctx.connector.name(),
                task = self.ctx.task_id,
                "source task did not drain within {:?}",
                timeout
            ),
        }
        self.drain_kafka().await;
        self.complete(&mut stream).await?;
        self.flush_and_commit(&mut stream).await?;
        stream.close(timeout).await;
        Ok(())
    }

    /// Pauses or resumes: the task's status, held batches, withheld credit.
    async fn set_paused(
        &mut self,
        stream: &mut SourceStream,
        paused: bool,
    ) -> Result<(), StreamError> {
        if paused == self.pause.paused {
            return Ok(());
        }
        self.pause.paused = paused;
        self.ctx.status(self.ctx.active_state(), None);
        if !paused {
            while let Some((records, bytes, actions)) = self.pause.held.pop_front() {
                self.produce_batch(stream, records, bytes, actions).await?;
                self.after_batch(stream).await?;
            }
            let (r, b) = (
                std::mem::take(&mut self.pause.withheld_records),
                std::mem::take(&mut self.pause.withheld_bytes),
            );
            self.grant(stream, r, b).await?;
        }
        Ok(())
    }

    /// Returns credit to the connector (withheld while paused).
    async fn grant(
        &mut self,
        stream: &mut SourceStream,
        records: u32,
        bytes: u64,
    ) -> Result<(), StreamError> {
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
    async fn on_traced_batch(
        &mut self,
        stream: &mut SourceStream,
        mut records: Vec<SourceRecord>,
        bytes: u64,
        trace: &crate::record::TraceContext,
        actions: Vec<(u64, TransactionAction)>,
    ) -> Result<(), StreamError> {
        self.tel.batch_received(&mut records, trace);
        let result = self.on_batch(stream, records, bytes, actions).await;
        self.tel.batch_handled();
        self.tel.credits(self.st.granted_records);
        result
    }

    async fn on_batch(
        &mut self,
        stream: &mut SourceStream,
        records: Vec<SourceRecord>,
        bytes: u64,
        actions: Vec<(u64, TransactionAction)>,
    ) -> Result<(), StreamError> {
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
            self.pause.held.push_back((records, bytes, actions));
            return Ok(());
        }
        self.produce_batch(stream, records, bytes, actions).await
    }

    fn begin_transaction(&mut self) -> Result<(), StreamError> {
        if self.eos.is_some() && !self.st.in_txn {
            if let Err(e) = self.producer.begin_transaction() {
                return Err(self.transaction_failed("begin", &e));
            }
            self.st.in_txn = true;
        }
        Ok(())
    }

    async fn produce_batch(
        &mut self,
        stream: &mut SourceStream,
        records: Vec<SourceRecord>,
        bytes: u64,
        actions: Vec<(u64, TransactionAction)>,
    ) -> Result<(), StreamError> {
        self.begin_transaction()?;
        // Connector-defined boundaries: the records after which the connector commits or
        // aborts (anything else ignores them, as Kafka Connect gives such tasks no context).
        let connector_boundaries = !actions.is_empty()
            && self
                .eos
                .is_some_and(|e| e.boundary == TransactionBoundary::Connector);
        let mut actions = actions.into_iter().peekable();
        let n = records.len() as i64;
        // Each record carries its share of the batch's bytes; the last one the remainder,
        // so exactly the bytes taken are returned as credit.
        let per_record = bytes / (n.max(1) as u64);
        let last_share = bytes - per_record * (n.max(1) as u64 - 1);
        let count = records.len();
        // Out-of-process transforms get the batch stage by stage, one call each.
        let remote_converters = self.pipeline.remote_converters().next().is_some();
        let pre = if self.pipeline.chain.has_remote() {
            let stage = self
                .tel
                .stage(records.first().map_or(0, |r| r.seq), "transform");
            let out = self
                .pipeline
                .chain
                .apply_source_batch(records.clone())
                .await;
            drop(stage);
            Some(out.map_err(transform_stage_failed)?)
        } else if remote_converters && self.pipeline.has_transforms() {
            // Out-of-process converters take the batch after the transforms: transformed
            // first, record by record, then converted in one call per converter.
            let chain = &self.pipeline.chain;
            let stage = self
                .tel
                .stage(records.first().map_or(0, |r| r.seq), "transform");
            let out = records
                .iter()
                .map(|r| chain.apply_source(r.clone()))
                .collect();
            drop(stage);
            Some(out)
        } else {
            None
        };
        let mut preconverted = if remote_converters {
            let transformed: Vec<Option<&SourceRecord>> = match &pre {
                Some(p) => p
                    .iter()
                    .map(|t| t.as_ref().ok().and_then(|r| r.as_ref()))
                    .collect(),
                None => records.iter().map(Some).collect(),
            };
            let stage = self
                .tel
                .stage(records.first().map_or(0, |r| r.seq), "convert");
            let out = preconvert_source(self.pipeline, transformed).await;
            drop(stage);
            Some(out.map_err(transform_stage_failed)?.into_iter())
        } else {
            None
        };
        let mut pre = pre.map(|p| p.into_iter());
        for (i, r) in records.into_iter().enumerate() {
            if r.seq <= self.st.last_seq {
                return Err(StreamError::Protocol(format!(
                    "record seq {} is not greater than the previous seq {}",
                    r.seq, self.st.last_seq
                )));
            }
            self.st.last_seq = r.seq;
            let share = if i + 1 == count {
                last_share
            } else {
                per_record
            };
            let seq = r.seq;
            // A record after a connector's commit or abort opens the next transaction.
            if connector_boundaries {
                self.begin_transaction()?;
            }
            let pretransformed = pre.as_mut().and_then(|p| p.next());
            let preconverted = preconverted
                .as_mut()
                .and_then(|p| p.next())
                .unwrap_or_default();
            self.produce(r, share, pretransformed, preconverted).await?;
            if connector_boundaries {
                while actions.peek().is_some_and(|(s, _)| *s < seq) {
                    actions.next();
                }
                if let Some((_, action)) = actions.next_if(|(s, _)| *s == seq) {
                    match action {
                        TransactionAction::Commit => {
                            tracing::debug!(
                                connector = self.ctx.connector.name(),
                                task = self.ctx.task_id,
                                seq,
                                "committing the transaction as requested by the connector"
                            );
                            self.commit_transaction(stream).await?
                        }
                        TransactionAction::Abort => self.abort_by_connector(stream, seq).await?,
                    }
                }
            }
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
    fn record_error(
        &mut self,
        e: crate::plugin::streams::ConnectorError,
    ) -> Result<(), StreamError> {
        tracing::debug!(connector = self.ctx.connector.name(), task = self.ctx.task_id, seq = e.record_seq, error = %e.trace(), "the source connector reported a record it could not make");
        let failure = Failure {
            stage: Stage::TaskPoll,
            class: self.ctx.connector.class().to_string(),
            exception_class: if e.error_class.is_empty() {
                crate::error_handling::CONNECT_EXCEPTION.to_string()
            } else {
                e.error_class.clone()
            },
            message: e.message.clone(),
            detail: e.detail.clone(),
            retriable: false,
        };
        self.errors
            .record_failed(RecordRef::Source(None), failure)
            .map_err(tolerance_exceeded)
    }

    /// A record that will not reach Kafka: it completes in its turn, acked as filtered.
    fn dropped(
        &mut self,
        seq: u64,
        bytes: u64,
        topic: &str,
        partition: Option<Arc<Value>>,
        offset: Option<Value>,
    ) {
        self.st.inflight.push_back(InFlight {
            id: self.deliveries.next_id(),
            seq,
            bytes,
            partition,
            offset,
            ack: Some(Ok((-1, -1))),
            topic: topic.into(),
            filtered: true,
        });
    }

    async fn produce(
        &mut self,
        r: SourceRecord,
        bytes: u64,
        pretransformed: Option<Result<Option<SourceRecord>, crate::transforms::TransformError>>,
        preconverted: PreConverted,
    ) -> Result<(), StreamError> {
        let seq = r.seq;
        // Kept for the error log's `errors.log.include.messages` and for retries only.
        let cfg = self.errors.config();
        let keep = cfg.log_include_messages || cfg.retry_timeout != Some(Duration::ZERO);
        let original = keep.then(|| r.clone());
        let r = if self.pipeline.has_transforms() {
            let (topic, partition, offset) = (
                r.topic.clone(),
                r.source_partition.clone(),
                r.source_offset.clone(),
            );
            let chain = &self.pipeline.chain;
            let transformed = match pretransformed {
                Some(t) => t,
                None => {
                    let stage = self.tel.stage(seq, "transform");
                    let t = chain.apply_source(r);
                    drop(stage);
                    t
                }
            };
            let transformed = match transformed {
                Ok(t) => t,
                Err(e) if chain.has_remote() => {
                    // Retried through the whole chain, as a batch of one.
                    let op = || {
                        let o = original.clone();
                        let e = e.clone();
                        async move {
                            match o {
                                Some(o) => match chain.apply_source_batch(vec![o]).await {
                                    Ok(mut v) => v.pop().unwrap_or(Ok(None)),
                                    Err(m) => Err(crate::transforms::TransformError::new(
                                        "org.apache.kafka.connect.errors.ConnectException",
                                        m,
                                    )),
                                }
                                .map_err(Failure::transform),
                                None => Err(Failure::transform(e)),
                            }
                        }
                    };
                    let first = Failure::transform(e.clone());
                    self.errors
                        .retry_async(RecordRef::Source(original.as_ref()), first, op)
                        .await
                        .map_err(tolerance_exceeded)?
                        .flatten()
                }
                Err(e) => {
                    let op = || match &original {
                        Some(o) => chain.apply_source(o.clone()).map_err(Failure::transform),
                        None => Err(Failure::transform(e.clone())),
                    };
                    let first = Failure::transform(e.clone());
                    self.errors
                        .retry(RecordRef::Source(original.as_ref()), first, op)
                        .await
                        .map_err(tolerance_exceeded)?
                        .flatten()
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
        let SourceRecord {
            source_partition,
            source_offset,
            topic: record_topic,
            kafka_partition,
            key,
            value,
            timestamp,
            mut headers,
            trace,
            ..
        } = r;
        if !trace.is_empty() {
            // The record's trace context becomes the W3C headers, replacing any already there.
            headers.retain(|h| h.key != "traceparent" && h.key != "tracestate");
        }
        let stage = self.tel.stage(seq, "convert");
        let converted = self
            .convert_all(
                &record_topic,
                key,
                value,
                headers,
                original.as_ref(),
                preconverted,
            )
            .await;
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
        let id = self.deliveries.next_id();
        self.st.inflight.push_back(InFlight {
            id,
            seq,
            bytes,
            partition: source_partition,
            offset: source_offset,
            ack: None,
            topic,
            filtered: false,
        });
        let r = ProduceArgs {
            topic: &record_topic,
            id,
            kafka_partition,
            timestamp,
        };
        let mut record: BaseRecord<'_, [u8], [u8], usize> =
            BaseRecord::with_opaque_to(r.topic, r.id as usize);
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
                    // Not retriable: a record larger than the producer allows (tolerated
                    // under errors.tolerance=all), or no such partition, or a fatal
                    // producer (never tolerated).
                    let e = ProduceError::new(&e);
                    if e.is_record_level() && self.errors.tolerates_all() {
                        let failure = Failure::new(
                            Stage::KafkaProduce,
                            PRODUCER_CLASS,
                            KAFKA_EXCEPTION,
                            e.to_string(),
                        );
                        self.errors
                            .record_failed(RecordRef::Source(None), failure)
                            .map_err(tolerance_exceeded)?;
                        if let Some(last) = self.st.inflight.back_mut() {
                            last.ack = Some(Ok((-1, -1)));
                            last.filtered = true;
                        }
                        self.deliveries.notify.notify_one();
                        return Ok(());
                    }
                    // Never stored: the record leaves the in-flight queue, so no later
                    // offset passes it either.
                    let last = self.st.inflight.pop_back();
                    let (seq, topic) = last
                        .map(|l| (l.seq, l.topic))
                        .unwrap_or((0, record_topic.as_str().into()));
                    return Err(self.produce_failed(seq, &topic, &e, "Cannot produce"));
                }
            }
        }
    }

    /// The task's failure for a record Kafka did not take (its offset is never stored).
    fn produce_failed(&self, seq: u64, topic: &str, e: &ProduceError, what: &str) -> StreamError {
        let mut detail = String::new();
        let fatal = match self.deliveries.fatal(self.producer) {
            Some(f) => Some(f),
            None if e.code == Some(RDKafkaErrorCode::Fatal) => Some(
                self.producer
                    .client()
                    .fatal_error()
                    .map(|(code, reason)| format!("{code}: {reason}"))
                    .unwrap_or_else(|| e.to_string()),
            ),
            None => None,
        };
        if let Some(cause) = fatal {
            detail = format!("Caused by: {KAFKA_EXCEPTION}: {FATAL_PRODUCER}: {cause}");
        } else if self.errors.tolerates_all() && !e.is_record_level() {
            detail = "errors.tolerance=all covers only failures of a record itself (too large, invalid, corrupt), not this one".into();
        }
        StreamError::Connector(crate::plugin::streams::ConnectorError {
            kind: ErrorKind::Fatal,
            message: format!("{what} record seq {seq} for topic {topic}: {e}"),
            error_class: crate::error_handling::CONNECT_EXCEPTION.into(),
            detail,
            retry_after: None,
            record_seq: seq,
            kafka: None,
        })
    }

    /// Applies delivery reports; completes records in seq order; sends acks and credit.
    /// Exactly once, acks wait for the transaction's commit: only a fatal error is looked at.
    async fn complete(&mut self, stream: &mut SourceStream) -> Result<(), StreamError> {
        if self.eos.is_some() {
            return self.check_fatal();
        }
        let (acks, freed_records, freed_bytes) = self.collect_acks()?;
        self.send_acks(stream, acks, freed_records, freed_bytes)
            .await
    }

    /// The producer's fatal error (for a transactional producer, being fenced), as the
    /// task's failure.
    fn check_fatal(&self) -> Result<(), StreamError> {
        if let Some(cause) = self.deliveries.fatal(self.producer) {
            if let Some(eos) = self.eos.filter(|_| is_fenced(None, &cause)) {
                return Err(self.fenced_error(eos, &cause));
            }
            // The producer is unusable: nothing in flight will be delivered.
            let e = ProduceError {
                code: Some(RDKafkaErrorCode::Fatal),
                message: FATAL_PRODUCER.into(),
            };
            return Err(match self.st.inflight.iter().find(|f| f.ack.is_none()) {
                Some(f) => self.produce_failed(f.seq, &f.topic, &e, "Cannot produce"),
                None => StreamError::Connector(crate::plugin::streams::ConnectorError {
                    kind: ErrorKind::Fatal,
                    message: format!("{FATAL_PRODUCER}: {cause}"),
                    error_class: crate::error_handling::CONNECT_EXCEPTION.into(),
                    detail: String::new(),
                    retry_after: None,
                    record_seq: 0,
                    kafka: None,
                }),
            });
        }
        Ok(())
    }

    /// The fenced task's failure: another instance of it took over.
    fn fenced_error(&self, eos: &ExactlyOnce, cause: &str) -> StreamError {
        let id = eos.transactional_id(self.ctx.connector.name(), self.ctx.task_id);
        StreamError::Connector(crate::plugin::streams::ConnectorError {
            kind: ErrorKind::Fatal,
            message: format!(
                "the task's transactional producer {id} was fenced: a newer instance of the task took over (exactly.once.source.support=enabled); this instance stops without writing anything more"
            ),
            error_class: "org.apache.kafka.common.errors.ProducerFencedException".into(),
            detail: cause.to_string(),
            retry_after: None,
            record_seq: 0,
            kafka: None,
        })
    }

    /// A failed transactional call (`what`: begin, commit, ...); the caller aborts.
    fn transaction_failed(&self, what: &str, e: &KafkaError) -> StreamError {
        let eos = self.eos.expect("exactly once");
        let text = e.to_string();
        if is_fenced(e.rdkafka_error_code(), &text) {
            return self.fenced_error(eos, &text);
        }
        let id = eos.transactional_id(self.ctx.connector.name(), self.ctx.task_id);
        StreamError::Connector(crate::plugin::streams::ConnectorError {
            kind: ErrorKind::Fatal,
            message: format!("cannot {what} a transaction of the producer {id}: {text}"),
            error_class: KAFKA_EXCEPTION.into(),
            detail: String::new(),
            retry_after: None,
            record_seq: 0,
            kafka: None,
        })
    }

    /// Completes the records Kafka answered for, in seq order, staging their offsets:
    /// the acks to send and the credit they free.
    #[allow(clippy::type_complexity)]
    fn collect_acks(&mut self) -> Result<(Vec<RecordAck>, u32, u64), StreamError> {
        self.check_fatal()?;
        apply_reports(&mut self.st.inflight, self.deliveries.take());
        let mut acks = Vec::with_capacity(self.st.inflight.len().min(4096));
        let (mut freed_records, mut freed_bytes) = (0u32, 0u64);
        while let Some(front) = self.st.inflight.front() {
            match &front.ack {
                None => break,
                Some(Err(e)) if e.is_record_level() && self.errors.tolerates_all() => {
                    // Kafka Connect skips a record the producer could not send under
                    // errors.tolerance=all; its offset is committed.
                    let failure = Failure::new(
                        Stage::KafkaProduce,
                        PRODUCER_CLASS,
                        KAFKA_EXCEPTION,
                        e.to_string(),
                    );
                    self.errors
                        .record_failed(RecordRef::Source(None), failure)
                        .map_err(tolerance_exceeded)?;
                    let f = self.st.inflight.front_mut().expect("front exists");
                    f.ack = Some(Ok((-1, -1)));
                    f.filtered = true;
                    continue;
                }
                Some(Err(e)) => {
                    return Err(self.produce_failed(
                        front.seq,
                        &front.topic,
                        e,
                        "Kafka did not accept",
                    ))
                }
                Some(Ok(_)) => {}
            }
            let f = self.st.inflight.pop_front().expect("front exists");
            let Some(Ok((partition, offset))) = f.ack else {
                unreachable!()
            };
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
        Ok((acks, freed_records, freed_bytes))
    }

    async fn send_acks(
        &mut self,
        stream: &mut SourceStream,
        acks: Vec<RecordAck>,
        freed_records: u32,
        freed_bytes: u64,
    ) -> Result<(), StreamError> {
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

    fn stage_offset(&mut self, partition: Arc<Value>, offset: Value) -> Result<(), StreamError> {
        self.pending
            .stage(
                &self.ctx.offsets,
                self.ctx.connector.name(),
                partition,
                offset,
            )
            .map_err(|e| StreamError::Protocol(e.to_string()))
    }

    /// Waits until Kafka has answered for every record handed to the producer.
    /// (Exactly once, the transaction's commit does.)
    async fn drain_kafka(&mut self) {
        if self.eos.is_some() {
            return;
        }
        let timeout = self
            .ctx
            .worker
            .offset_flush_timeout
            .max(Duration::from_secs(30));
        let deadline = tokio::time::Instant::now() + timeout;
        while self.st.inflight.iter().any(|f| f.ack.is_none()) {
            if self.deliveries.fatal(self.producer).is_some() {
                // Nothing more will be delivered.
                break;
            }
            let _ = self.producer.flush(Duration::from_millis(100));
            apply_reports(&mut self.st.inflight, self.deliveries.take());
            if tokio::time::Instant::now() > deadline {
                tracing::warn!(
                    connector = self.ctx.connector.name(),
                    task = self.ctx.task_id,
                    "Kafka did not acknowledge every record within {:?}",
                    timeout
                );
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

    fn store_offsets(&mut self) -> Result<bool, OffsetError> {
        store_pending(self.ctx, self.pending, self.tel)
    }

    /// Exactly once, after a batch: a `poll` boundary commits; an `interval` one commits
    /// early when the connector's credit is used up (no credit comes back before a commit).
    async fn after_batch(&mut self, stream: &mut SourceStream) -> Result<(), StreamError> {
        let Some(eos) = self.eos else { return Ok(()) };
        let exhausted = self.st.granted_records <= 0 || self.st.granted_bytes <= 0;
        if eos.boundary == TransactionBoundary::Connector {
            // Only the connector commits; credit comes back with the acks of a commit.
            if exhausted && self.st.in_txn && !self.st.warned_credit {
                self.st.warned_credit = true;
                tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, "the connector's open transaction used up its credit (polyconnect.source.max.inflight.records / .bytes): no more records come until it commits or aborts");
            }
            return Ok(());
        }
        if eos.boundary == TransactionBoundary::Poll || exhausted {
            self.commit_transaction(stream).await?;
        }
        Ok(())
    }

    /// Exactly once: waits until Kafka answered for every record of the open transaction,
    /// writes their offsets in it, commits it; then acks, credit, the offset store and
    /// `Commit`. Any failure leaves the transaction to be aborted and fails the task.
    async fn commit_transaction(&mut self, stream: &mut SourceStream) -> Result<(), StreamError> {
        let eos = self.eos.expect("exactly once");
        if !self.st.in_txn {
            return Ok(());
        }
        let started = std::time::Instant::now();
        // The offsets of every record of the transaction (a record that fails makes the
        // whole transaction fail, so they need not wait for the delivery reports), written
        // at once: librdkafka registers the offsets topic's partitions with the records'
        // in flight, and the commit finds nothing left to send (an offset record sent only
        // after the records were delivered costs about 100 ms more per transaction).
        let mut staged = PendingOffsets::default();
        for f in self.st.inflight.iter() {
            if let (Some(p), Some(o)) = (&f.partition, &f.offset) {
                staged
                    .stage(
                        &self.ctx.offsets,
                        self.ctx.connector.name(),
                        p.clone(),
                        o.clone(),
                    )
                    .map_err(|e| StreamError::Protocol(e.to_string()))?;
            }
        }
        let encoded = self
            .ctx
            .offsets
            .encode_entries(self.ctx.connector.name(), staged.take_entries())
            .map_err(|e| StreamError::Protocol(e.to_string()))?;
        // With the connector's own offsets topic, resets reach the worker's topic before
        // the transaction can commit them (offsets are copied there after the commit).
        if let Err(e) = self.ctx.offsets.write_secondary_resets(&encoded) {
            let id = eos.transactional_id(self.ctx.connector.name(), self.ctx.task_id);
            return Err(StreamError::Connector(
                crate::plugin::streams::ConnectorError {
                    kind: ErrorKind::Fatal,
                    message: format!("cannot commit a transaction of the producer {id}: {e}"),
                    error_class: KAFKA_EXCEPTION.into(),
                    detail: String::new(),
                    retry_after: None,
                    record_seq: 0,
                    kafka: None,
                },
            ));
        }
        for (key, value) in &encoded {
            let mut record: BaseRecord<'_, [u8], [u8], usize> =
                BaseRecord::with_opaque_to(&eos.offsets_topic, 0).key(key.as_bytes());
            if let Some(v) = value {
                record = record.payload(v.as_bytes());
            }
            loop {
                match self.producer.send(record) {
                    Ok(()) => break,
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                        record = r;
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    Err((e, _)) => return Err(self.transaction_failed("write the offsets of", &e)),
                }
            }
        }
        // Every record and offset record delivered before the commit, which would otherwise
        // wait on its own polling.
        self.await_deliveries().await?;
        let (acks, freed_records, freed_bytes) = self.collect_acks()?;
        // What completing the records staged is what the transaction holds already.
        *self.pending = PendingOffsets::default();
        let seq = self.st.staged_seq;
        let span = self.tel.commit_span();
        let committed = span.in_scope(|| {
            tokio::task::block_in_place(|| self.producer.commit_transaction(TRANSACTION_TIMEOUT))
        });
        if let Err(e) = committed {
            self.tel.offsets_committed(false, started.elapsed());
            return Err(self.transaction_failed("commit", &e));
        }
        self.st.in_txn = false;
        self.tel.offsets_committed(true, started.elapsed());
        self.tel
            .transaction_committed(acks.iter().filter(|a| !a.filtered).count() as u64);
        self.ctx.offsets.apply_committed(encoded);
        self.send_acks(stream, acks, freed_records, freed_bytes)
            .await?;
        if seq > self.st.committed_seq {
            stream.commit(seq).await?;
            self.st.committed_seq = seq;
        }
        Ok(())
    }

    /// Exactly once: waits until Kafka answered for every record of the open transaction
    /// (and the producer has nothing left in flight).
    async fn await_deliveries(&mut self) -> Result<(), StreamError> {
        let deadline = tokio::time::Instant::now() + TRANSACTION_TIMEOUT;
        loop {
            self.check_fatal()?;
            apply_reports(&mut self.st.inflight, self.deliveries.take());
            if self.st.inflight.iter().all(|f| f.ack.is_some())
                && self.producer.in_flight_count() == 0
            {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(self.transaction_failed(
                    "commit",
                    &KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut),
                ));
            }
            let _ =
                tokio::time::timeout(Duration::from_millis(5), self.deliveries.notify.notified())
                    .await;
        }
    }

    /// Connector-defined boundaries: the connector aborted its transaction at record `seq`.
    /// As Kafka Connect's `ExactlyOnceWorkerSourceTask`, the records are discarded, their
    /// offsets are committed right after (in a transaction of their own) so they are not
    /// produced again, and the task goes on polling; their acks carry `filtered` (they are
    /// in no committed transaction).
    async fn abort_by_connector(
        &mut self,
        stream: &mut SourceStream,
        seq: u64,
    ) -> Result<(), StreamError> {
        tracing::info!(
            connector = self.ctx.connector.name(),
            task = self.ctx.task_id,
            seq,
            "aborting the transaction as requested by the connector"
        );
        if self.st.in_txn {
            // The records reach the log first (aborted there, as a read_uncommitted consumer
            // sees), instead of being purged from the producer's queue by the abort: what an
            // abort leaves behind does not depend on how far the producer got.
            self.await_deliveries().await?;
            let aborted = tokio::task::block_in_place(|| {
                self.producer.abort_transaction(TRANSACTION_TIMEOUT)
            });
            self.st.in_txn = false;
            if let Err(e) = aborted {
                return Err(self.transaction_failed("abort", &e));
            }
        }
        self.check_fatal()?;
        // Their delivery reports (delivered into the aborted transaction, or purged) are
        // for ids no longer in flight, so they are ignored.
        let aborted: Vec<InFlight> = self.st.inflight.drain(..).collect();
        for f in aborted {
            self.st.inflight.push_back(InFlight {
                id: self.deliveries.next_id(),
                ack: Some(Ok((-1, -1))),
                filtered: true,
                ..f
            });
        }
        self.begin_transaction()?;
        self.commit_transaction(stream).await
    }

    /// Exactly once: aborts the open transaction (best effort: a fenced producer cannot),
    /// and forgets what was in it; the connector produces it again from the committed offsets.
    fn abort_transaction(&mut self) {
        if self.st.in_txn {
            self.st.in_txn = false;
            let aborted = tokio::task::block_in_place(|| {
                self.producer.abort_transaction(Duration::from_secs(30))
            });
            if let Err(e) = aborted {
                tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, error = %e, "cannot abort the open transaction; the broker aborts it when it times out or when the task's producer is initialized again");
            }
        }
        self.st.inflight.clear();
        *self.pending = PendingOffsets::default();
    }

    async fn flush_and_commit(&mut self, stream: &mut SourceStream) -> Result<(), StreamError> {
        if let Some(eos) = self.eos {
            if eos.boundary == TransactionBoundary::Connector {
                // Kafka Connect commits a connector's transactions where it asks only: not
                // on the flush interval, not at a stop (an open one is aborted then).
                return Ok(());
            }
            return self.commit_transaction(stream).await;
        }
        let seq = self.st.staged_seq;
        let Ok(wrote) = tokio::task::block_in_place(|| self.store_offsets()) else {
            // No Commit for offsets that are not durable.
            return Ok(());
        };
        if wrote || seq > self.st.committed_seq {
            stream.commit(seq).await?;
            self.st.committed_seq = seq;
        }
        Ok(())
    }
}

/// Writes the pending offsets (`Ok(false)`: none). A failure is counted
/// (`offset-commit-failure-total`) and logged, and the offsets stay pending for the next
/// flush: a full disk or an I/O error does not fail the task.
fn store_pending(
    ctx: &TaskContext,
    pending: &mut PendingOffsets,
    tel: &SourceTelemetry,
) -> Result<bool, OffsetError> {
    if pending.is_empty() {
        return Ok(false);
    }
    let started = std::time::Instant::now();
    let span = tel.commit_span();
    let wrote = span.in_scope(|| pending.flush(&ctx.offsets, ctx.connector.name()));
    match &wrote {
        Ok(false) => {}
        Ok(true) => tel.offsets_committed(true, started.elapsed()),
        Err(e) => {
            tel.offsets_committed(false, started.elapsed());
            tracing::warn!(connector = ctx.connector.name(), task = ctx.task_id, error = %e, "cannot store source offsets; they stay pending and the next flush tries again");
        }
    }
    wrote
}

const FATAL_PRODUCER: &str = "the Kafka producer hit a fatal error and cannot produce any more";

/// The class Kafka Connect names for a failed produce (`__connect.errors.class.name`).
const PRODUCER_CLASS: &str = "org.apache.kafka.clients.producer.KafkaProducer";
const KAFKA_EXCEPTION: &str = "org.apache.kafka.common.KafkaException";

struct ProduceArgs<'a> {
    topic: &'a str,
    id: u64,
    kafka_partition: Option<i32>,
    timestamp: Option<i64>,
}

/// One key or value to bytes: raw bytes as they are (the fast path), else the converter.
fn convert_data(
    conv: &dyn Converter,
    class: &str,
    stage: Stage,
    topic: &str,
    d: RecordData,
) -> Result<Option<Bytes>, Failure> {
    match d {
        RecordData::Raw(b) => Ok(Some(b)),
        RecordData::Structured(sv) => conv
            .from_connect(topic, sv)
            .map_err(|e| Failure::converter(stage, class, e)),
    }
}

/// Headers to Kafka bytes with the header converter.
fn convert_headers(
    conv: &dyn HeaderConverter,
    class: &str,
    topic: &str,
    headers: &[Header],
) -> Result<OwnedHeaders, Failure> {
    let mut out = OwnedHeaders::new_with_capacity(headers.len());
    for h in headers {
        let bytes = conv
            .from_connect_header(topic, &h.key, h.schema.as_deref(), &h.value)
            .map_err(|e| Failure::data(Stage::HeaderConverter, class, e.message))?;
        out = out.insert(KHeader {
            key: &h.key,
            value: bytes.as_deref(),
        });
    }
    Ok(out)
}

type Converted = (Option<Bytes>, Option<Bytes>, Option<OwnedHeaders>);

/// A record's key and value as out-of-process converters made them, before the record
/// reaches `convert_all` (`None`: not converted ahead, by a built-in converter, say).
#[derive(Default, Clone)]
struct PreConverted {
    key: Option<Result<Option<Bytes>, Failure>>,
    value: Option<Result<Option<Bytes>, Failure>>,
    /// One per header the record reaches the converters with, in order.
    headers: Option<Vec<Result<Option<Bytes>, Failure>>>,
}

/// The headers of a transformed record as its converters get them: without the W3C ones
/// when the record has a trace context of its own (they are replaced after conversion).
fn headers_to_convert(r: &SourceRecord) -> impl Iterator<Item = &Header> {
    r.headers
        .iter()
        .filter(move |h| r.trace.is_empty() || (h.key != "traceparent" && h.key != "tracestate"))
}

fn header_data(topic: &str, h: &Header) -> ConverterData {
    ConverterData {
        topic: topic.to_string(),
        data: crate::data::SchemaAndValue::new(h.schema.clone(), h.value.clone()),
        header_key: h.key.clone(),
    }
}

/// The keys and values of a batch's transformed records through the out-of-process
/// converters, one call per converter: a `PreConverted` per record (empty for records the
/// transforms dropped or failed on, and for raw keys and values, which skip converters).
/// `Err`: a converter failed as a whole.
async fn preconvert_source(
    p: &Pipeline,
    transformed: Vec<Option<&SourceRecord>>,
) -> Result<Vec<PreConverted>, String> {
    let mut out = vec![PreConverted::default(); transformed.len()];
    for is_key in [true, false] {
        let conv = if is_key { &p.key } else { &p.value };
        let Some(remote) = conv.remote() else {
            continue;
        };
        let mut at = Vec::new();
        let mut batch = Vec::new();
        for (i, t) in transformed.iter().enumerate() {
            if let Some(r) = t {
                let d = if is_key { &r.key } else { &r.value };
                if let RecordData::Structured(sv) = d {
                    at.push(i);
                    batch.push(ConverterData {
                        topic: r.topic.clone(),
                        data: sv.clone(),
                        header_key: String::new(),
                    });
                }
            }
        }
        let results = remote.from_connect_batch(batch).await?;
        for (i, res) in at.into_iter().zip(results) {
            if is_key {
                out[i].key = Some(res);
            } else {
                out[i].value = Some(res);
            }
        }
    }
    if let Some(remote) = p.header.remote() {
        let mut at = Vec::new();
        let mut batch = Vec::new();
        for (i, t) in transformed.iter().enumerate() {
            if let Some(r) = t {
                let before = batch.len();
                batch.extend(headers_to_convert(r).map(|h| header_data(&r.topic, h)));
                at.push((i, batch.len() - before));
            }
        }
        let mut results = remote.from_connect_batch(batch).await?.into_iter();
        for (i, n) in at {
            out[i].headers = Some(results.by_ref().take(n).collect());
        }
    }
    Ok(out)
}

/// One key or value to bytes with what was converted ahead, else the converter.
fn convert_data_pre(
    conv: &dyn Converter,
    class: &str,
    stage: Stage,
    topic: &str,
    d: RecordData,
    pre: &Option<Result<Option<Bytes>, Failure>>,
) -> Result<Option<Bytes>, Failure> {
    match (d, pre) {
        (RecordData::Raw(b), _) => Ok(Some(b)),
        (_, Some(r)) => r.clone(),
        (d, None) => convert_data(conv, class, stage, topic, d),
    }
}

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
        mut pre: PreConverted,
    ) -> Result<Option<Converted>, StreamError> {
        let p = self.pipeline;
        // An out-of-process converter's record not converted with its batch (one whose
        // transform was retried): converted now, as a batch of one.
        for is_key in [true, false] {
            let (conv, d, slot) = if is_key {
                (&p.key, &key, &mut pre.key)
            } else {
                (&p.value, &value, &mut pre.value)
            };
            if let (Some(remote), None, RecordData::Structured(sv)) = (conv.remote(), &*slot, d) {
                let mut r = remote
                    .from_connect_batch(vec![ConverterData {
                        topic: topic.to_string(),
                        data: sv.clone(),
                        header_key: String::new(),
                    }])
                    .await
                    .map_err(transform_stage_failed)?;
                *slot = r.pop();
            }
        }
        if let (Some(remote), None, false) = (p.header.remote(), &pre.headers, headers.is_empty()) {
            let batch = headers.iter().map(|h| header_data(topic, h)).collect();
            pre.headers = Some(
                remote
                    .from_connect_batch(batch)
                    .await
                    .map_err(transform_stage_failed)?,
            );
        }
        // A converter that can fail for want of a service (a schema registry) is retried
        // with the record again; the others fail only on the data.
        let again = (p.key.may_retry() || p.value.may_retry())
            .then(|| (key.clone(), value.clone(), headers.clone()));
        let attempt = |key: RecordData,
                       value: RecordData,
                       headers: Vec<Header>|
         -> Result<Converted, Failure> {
            let k = convert_data_pre(
                p.key.as_ref(),
                &p.key_class,
                Stage::KeyConverter,
                topic,
                key,
                &pre.key,
            )?;
            let v = convert_data_pre(
                p.value.as_ref(),
                &p.value_class,
                Stage::ValueConverter,
                topic,
                value,
                &pre.value,
            )?;
            let h = if headers.is_empty() {
                None
            } else if let Some(converted) = &pre.headers {
                let mut out = OwnedHeaders::new_with_capacity(headers.len());
                for (h, b) in headers.iter().zip(converted) {
                    let b = b.clone()?;
                    out = out.insert(KHeader {
                        key: &h.key,
                        value: b.as_deref(),
                    });
                }
                Some(out)
            } else {
                Some(convert_headers(
                    p.header.as_ref(),
                    &p.header_class,
                    topic,
                    &headers,
                )?)
            };
            Ok((k, v, h))
        };
        match attempt(key, value, headers) {
            Ok(c) => Ok(Some(c)),
            Err(f) => {
                let same = f.clone();
                self.errors
                    .retry(RecordRef::Source(original), f, move || match &again {
                        Some((k, v, h)) => attempt(k.clone(), v.clone(), h.clone()),
                        None => Err::<Converted, _>(same.clone()),
                    })
                    .await
                    .map_err(tolerance_exceeded)
            }
        }
    }
}

/// The record's trace context as the W3C `traceparent` / `tracestate` Kafka headers.
fn with_trace(
    headers: Option<OwnedHeaders>,
    trace: &crate::record::TraceContext,
) -> Option<OwnedHeaders> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn inflight(id: u64, seq: u64) -> InFlight {
        InFlight {
            id,
            seq,
            bytes: 1,
            partition: None,
            offset: None,
            ack: None,
            topic: "t".into(),
            filtered: false,
        }
    }

    #[test]
    fn a_delivery_report_completes_only_the_record_it_was_produced_for() {
        let deliveries = Deliveries::default();
        // Session 1 produced seqs 1 and 2 and ended before their reports came.
        let (old1, old2) = (deliveries.next_id(), deliveries.next_id());
        // Session 2 starts over at seq 1.
        let mut q: VecDeque<InFlight> = [
            inflight(deliveries.next_id(), 1),
            inflight(deliveries.next_id(), 2),
        ]
        .into();
        // The late reports of session 1 arrive: they must not complete session 2's records.
        apply_reports(
            &mut q,
            vec![
                Delivery {
                    id: old1,
                    result: Ok((0, 10)),
                },
                Delivery {
                    id: old2,
                    result: Ok((0, 11)),
                },
            ],
        );
        assert!(
            q.iter().all(|f| f.ack.is_none()),
            "a stale report completed a record of a later session"
        );
        let id = q[1].id;
        apply_reports(
            &mut q,
            vec![Delivery {
                id,
                result: Ok((0, 12)),
            }],
        );
        assert_eq!(q[0].ack, None);
        assert_eq!(q[1].ack, Some(Ok((0, 12))));
    }

    #[test]
    fn only_failures_of_the_record_itself_are_tolerable() {
        let e = |code| ProduceError::new(&KafkaError::MessageProduction(code));
        for code in [
            RDKafkaErrorCode::MessageSizeTooLarge,
            RDKafkaErrorCode::InvalidRecord,
            RDKafkaErrorCode::InvalidMessage,
        ] {
            assert!(e(code).is_record_level(), "{code:?}");
        }
        for code in [
            RDKafkaErrorCode::Fatal,
            RDKafkaErrorCode::UnknownPartition,
            RDKafkaErrorCode::UnknownTopic,
            RDKafkaErrorCode::UnknownTopicOrPartition,
            RDKafkaErrorCode::TopicAuthorizationFailed,
            RDKafkaErrorCode::ClusterAuthorizationFailed,
            RDKafkaErrorCode::TransactionalIdAuthorizationFailed,
            RDKafkaErrorCode::MessageTimedOut,
            RDKafkaErrorCode::OutOfOrderSequenceNumber,
            RDKafkaErrorCode::InvalidProducerEpoch,
            RDKafkaErrorCode::Fenced,
            RDKafkaErrorCode::NotEnoughReplicas,
        ] {
            assert!(!e(code).is_record_level(), "{code:?}");
        }
        let no_code = ProduceError {
            code: None,
            message: "x".into(),
        };
        assert!(!no_code.is_record_level());
    }

    /// The id travels as the producer's opaque and comes back in the delivery report
    /// (no broker: the reports are timeouts, which are not the record's fault).
    #[test]
    fn reports_carry_the_produced_records_id() {
        let deliveries = Deliveries::default();
        let producer: SourceProducer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", "127.0.0.1:1")
            .set("message.timeout.ms", "50")
            .create_with_context(DeliveryContext {
                deliveries: deliveries.clone(),
                errors: None,
            })
            .unwrap();
        let ids = [deliveries.next_id() + 100, deliveries.next_id() + 200];
        for id in ids {
            let r: BaseRecord<'_, [u8], [u8], usize> =
                BaseRecord::with_opaque_to("t", id as usize).payload(b"x");
            producer.send(r).map_err(|(e, _)| e).unwrap();
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        while got.len() < 2 && std::time::Instant::now() < deadline {
            let _ = producer.flush(Duration::from_millis(100));
            got.extend(deliveries.take());
        }
        let mut got_ids: Vec<u64> = got.iter().map(|d| d.id).collect();
        got_ids.sort();
        assert_eq!(got_ids, ids);
        for d in got {
            let e = d.result.unwrap_err();
            assert_eq!(e.code, Some(RDKafkaErrorCode::MessageTimedOut));
            assert!(!e.is_record_level());
        }
    }

    /// A fatal producer error (librdkafka's test hook raises the one an idempotent
    /// producer gets when it is fenced) reaches the runner with its cause, and the records
    /// still queued fail with it.
    #[test]
    #[allow(unsafe_code)]
    fn a_fatal_producer_error_is_recorded_with_its_cause() {
        let deliveries = Deliveries::default();
        let producer: SourceProducer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", "127.0.0.1:1")
            .set("enable.idempotence", "true")
            .create_with_context(DeliveryContext {
                deliveries: deliveries.clone(),
                errors: None,
            })
            .unwrap();
        let r: BaseRecord<'_, [u8], [u8], usize> = BaseRecord::with_opaque_to("t", 1).payload(b"x");
        producer.send(r).map_err(|(e, _)| e).unwrap();
        // SAFETY: a live client handle and a NUL-terminated reason.
        let code = unsafe {
            rdkafka::bindings::rd_kafka_test_fatal_error(
                producer.client().native_ptr(),
                rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
                c"fenced by a newer producer".as_ptr(),
            )
        };
        assert_eq!(
            code,
            rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while deliveries.fatal(&producer).is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let fatal = deliveries.fatal(&producer);
        assert!(
            fatal
                .as_deref()
                .is_some_and(|f| f.contains("fenced by a newer producer")),
            "{fatal:?}"
        );
        let (code, reason) = producer.client().fatal_error().expect("a fatal error");
        assert_eq!(code, RDKafkaErrorCode::ProducerFenced);
        assert!(reason.contains("fenced by a newer producer"));
        // A record sent now is refused with the fatal error, which is never tolerable.
        let r: BaseRecord<'_, [u8], [u8], usize> = BaseRecord::with_opaque_to("t", 2).payload(b"x");
        if let Err((e, _)) = producer.send(r) {
            assert!(!ProduceError::new(&e).is_record_level(), "{e}");
        }
    }

    #[test]
    fn offsets_that_cannot_be_written_stay_pending_for_the_next_flush() {
        let dir = tempfile::tempdir().unwrap();
        let store = OffsetStore::open(Some(&dir.path().join("offsets.json"))).unwrap();
        let part = |n: i64| Value::Map(vec![(Value::String("p".into()), Value::Int64(n))]);
        let off = |n: i64| Value::Map(vec![(Value::String("n".into()), Value::Int64(n))]);
        let mut pending = PendingOffsets::default();
        pending.stage(&store, "c", part(1).into(), off(1)).unwrap();
        pending.stage(&store, "c", part(2).into(), off(5)).unwrap();
        store.fail_writes(Some(std::io::ErrorKind::StorageFull));
        assert!(pending.flush(&store, "c").is_err());
        assert!(
            !pending.is_empty(),
            "the offsets were dropped after a failed write"
        );
        assert_eq!(
            store.offset("c", &part(1)).unwrap(),
            None,
            "not durable, not visible"
        );
        // More records complete meanwhile; then the disk has room again.
        pending.stage(&store, "c", part(1).into(), off(2)).unwrap();
        assert!(pending.flush(&store, "c").is_err());
        store.fail_writes(None);
        assert_eq!(pending.flush(&store, "c").unwrap(), true);
        assert!(pending.is_empty());
        assert_eq!(store.offset("c", &part(1)).unwrap(), Some(off(2)));
        assert_eq!(store.offset("c", &part(2)).unwrap(), Some(off(5)));
        assert_eq!(
            pending.flush(&store, "c").unwrap(),
            false,
            "nothing left to write"
        );
    }
}

/// An out-of-process transform or predicate failed as a whole (its process went away or
/// broke the protocol): the task fails with the cause.
fn transform_stage_failed(message: String) -> StreamError {
    StreamError::Connector(crate::plugin::streams::ConnectorError {
        kind: crate::plugin::streams::ErrorKind::Fatal,
        message,
        error_class: "org.apache.kafka.connect.errors.ConnectException".into(),
        detail: String::new(),
        retry_after: None,
        record_seq: 0,
        kafka: None,
    })
}
