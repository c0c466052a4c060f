//! The sink runner: Kafka consumer -> converters -> transforms -> Put -> Flush -> commit.
//!
//! The consumer runs on its own thread (`consumer_thread`), which polls Kafka, serves
//! rebalance callbacks, applies pauses and rewinds; the task's async loop (`Runner`) talks
//! to the connector. They meet on one ordered channel of events (record batches,
//! assignments, revocations).
//!
//! Invariants (at-least-once, as Kafka Connect):
//! - The consumer group is `connect-<connector>`. An offset is committed only for records
//!   whose Put the connector answered with PutDone *and* that its `Flushed` names: a Flush
//!   carries, per partition, the offset of the first record of the oldest Put that is
//!   unanswered or awaits redelivery (else the next offset after what was consumed), and
//!   offsets in `Flushed` beyond those of its Flush, of partitions not assigned, or of
//!   another flush id are ignored with a warning.
//! - A Put answered with a RETRIABLE error is delivered again, unchanged, after the
//!   connector's hint or the capped back-off; every such Put is kept until it is answered,
//!   across stop, rebalance and the final flush (whose offsets stay below it).
//! - A failed flush commits nothing and rewinds every partition to its last committed
//!   offset; the connector's `SinkContext` offsets rewind the same way. A rewind seeks the
//!   consumer (on its thread) and drops the batches polled before it (a seek generation).
//! - Before partitions are revoked, Puts are answered, flushed and committed, then the
//!   connector is told to Close them; only then does the rebalance go on (the callback
//!   waits). A stop does the same and puts nothing more.
//! - Bounded memory whatever the connector asks: at most `polyconnect.sink.max.inflight.puts`
//!   Puts, Puts split by bytes under the negotiated message size, the consumer thread holds
//!   its next batch while batches or bytes wait (librdkafka's prefetch, itself bounded,
//!   stays; after `BACKPRESSURE_HOLD` every assigned partition, including ones assigned
//!   later, is paused so rebalances are served), and the originals kept for the dead
//!   letter queue force an early flush past a bound.
//! - Puts are pipelined up to the connector's `max_inflight_puts`; a RETRIABLE Put is
//!   delivered again only once every later Put is answered, and all that await redelivery
//!   go out again in put-id order before any new Put (SDKs hold back later Puts behind a
//!   failed one, so order per partition is kept).
//! - A Put or Flush unanswered past its timeout fails the stream: the task restarts with
//!   back-off and reads again from the committed offsets.
//! - A record a transform drops, or whose conversion or transform failed under
//!   `errors.tolerance=all`, still counts as processed. A failed record (and an errant
//!   record the connector reports) goes to the dead letter queue with its original bytes,
//!   and the dead letter queue is flushed before any offset is committed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc as std_mpsc, Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::message::{Headers, OwnedMessage};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::{ClientContext, Message, Timestamp};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::pipeline::Pipeline;
use super::{tolerance_exceeded, TaskContext, TaskExit};
use crate::config::SinkTopics;
use crate::data::{Header, SchemaAndValue};
use crate::error_handling::{
    backoff_delay, DeadLetterQueue, ErrorHandler, Failure, RecordRef, Stage,
};
use crate::plugin::streams::{
    ConnectorError, ErrorKind, Liveness, SentPut, SinkContextRequest, SinkEvent, SinkStream,
    StreamError, TopicPartition,
};
use crate::record::{RecordData, SinkRecord, TimestampType, TraceContext};
use crate::storage::status::State;
use crate::telemetry::SinkTelemetry;

/// Batches waiting in the channel before the consumer thread holds back.
const MAX_QUEUED_BATCHES: usize = 4;
/// How long the consumer thread holds a batch for a full queue before it pauses its
/// partitions (and polls again, so rebalances are served).
const BACKPRESSURE_HOLD: Duration = Duration::from_secs(1);
/// How long a revocation waits for the task to flush and commit.
const REVOKE_TIMEOUT: Duration = Duration::from_secs(60);

type Tp = TopicPartition;

enum Event {
    /// Records polled under a seek generation; batches of an older one are dropped.
    Batch {
        generation: u64,
        msgs: Vec<OwnedMessage>,
        bytes: u64,
    },
    Assigned(Vec<Tp>),
    /// The consumer thread waits on the sender until the task has flushed and committed.
    Revoking(Vec<Tp>, std_mpsc::SyncSender<()>),
    /// The consumer cannot go on; `fatal`: not transient (the task fails, no restart).
    Failed {
        cause: String,
        fatal: bool,
    },
}

/// A rewind asked by the task: every partition handed out is repositioned, at `targets`
/// or else at the first offset handed out since the last seek.
struct SeekRequest {
    generation: u64,
    targets: HashMap<Tp, i64>,
}

struct Shared {
    events: mpsc::UnboundedSender<Event>,
    queued: AtomicUsize,
    queued_bytes: AtomicU64,
    max_queued_bytes: u64,
    stopping: AtomicBool,
    /// The connector is paused: the consumer pauses its partitions (and keeps them).
    paused: AtomicBool,
    /// Partitions the task paused (SinkTaskContext.pause).
    task_paused: Mutex<HashSet<Tp>>,
    /// Bumped when `task_paused` or the assignment changes: the pauses are applied again.
    pause_version: AtomicU64,
    seek: Mutex<Option<SeekRequest>>,
    /// Asynchronous offset commits that failed (reported by the consumer thread).
    commit_failures: AtomicU64,
    /// Signalled when the task takes a batch: a consumer thread holding one may send it.
    room: (Mutex<()>, std::sync::Condvar),
    /// The last error event's text (the consumer's poll returns its code only).
    last_error: Mutex<Option<String>>,
}

impl Shared {
    fn has_room(&self) -> bool {
        self.queued.load(Ordering::SeqCst) < MAX_QUEUED_BATCHES
            && self.queued_bytes.load(Ordering::SeqCst) < self.max_queued_bytes
    }

    fn wait_for_room(&self, at_most: Duration) {
        let guard = self.room.0.lock().unwrap();
        if !self.has_room()
            && !self.stopping.load(Ordering::SeqCst)
            && self.seek.lock().unwrap().is_none()
        {
            let _ = self.room.1.wait_timeout(guard, at_most);
        }
    }

    fn taken(&self, bytes: u64) {
        self.queued.fetch_sub(1, Ordering::SeqCst);
        self.queued_bytes.fetch_sub(bytes, Ordering::SeqCst);
        let _guard = self.room.0.lock().unwrap();
        self.room.1.notify_all();
    }
}

/// Stops the consumer thread when the runner goes away, however it goes (even aborted).
struct StopOnDrop(Arc<Shared>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stopping.store(true, Ordering::SeqCst);
    }
}

struct SinkContext {
    shared: Arc<Shared>,
}

impl ClientContext for SinkContext {
    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        // Reported by the consumer thread, which gets the same error from its poll.
        *self.shared.last_error.lock().unwrap() = Some(format!("{error}: {reason}"));
        tracing::debug!(error = %error, reason, "Kafka consumer error event");
    }
}

fn tpl_vec(tpl: &TopicPartitionList) -> Vec<Tp> {
    tpl.elements()
        .iter()
        .map(|e| (e.topic().to_string(), e.partition()))
        .collect()
}

fn tpl_of<'a>(parts: impl IntoIterator<Item = &'a Tp>) -> TopicPartitionList {
    let mut tpl = TopicPartitionList::new();
    for (t, p) in parts {
        tpl.add_partition(t, *p);
    }
    tpl
}

impl ConsumerContext for SinkContext {
    fn pre_rebalance(&self, _c: &BaseConsumer<Self>, r: &Rebalance<'_>) {
        if let Rebalance::Revoke(tpl) = r {
            let parts = tpl_vec(tpl);
            if parts.is_empty() || self.shared.stopping.load(Ordering::SeqCst) {
                return;
            }
            let (done, wait) = std_mpsc::sync_channel(1);
            if self
                .shared
                .events
                .send(Event::Revoking(parts, done))
                .is_ok()
            {
                if wait.recv_timeout(REVOKE_TIMEOUT).is_err() {
                    tracing::warn!("partitions revoked before the task could commit their offsets");
                }
            }
        }
    }

    fn post_rebalance(&self, _c: &BaseConsumer<Self>, r: &Rebalance<'_>) {
        self.shared.pause_version.fetch_add(1, Ordering::SeqCst);
        if let Rebalance::Assign(tpl) = r {
            let parts = tpl_vec(tpl);
            if !parts.is_empty() {
                let _ = self.shared.events.send(Event::Assigned(parts));
            }
        }
    }

    fn commit_callback(
        &self,
        result: rdkafka::error::KafkaResult<()>,
        _offsets: &TopicPartitionList,
    ) {
        if let Err(e) = result {
            tracing::warn!(error = %e, "offset commit failed; the next flush commits again");
            self.shared.commit_failures.fetch_add(1, Ordering::SeqCst);
        }
    }
}

type SinkConsumer = BaseConsumer<SinkContext>;

/// The next event: a batch held while paused (once resumed), else the consumer thread's.
async fn next_event(
    held: &mut VecDeque<Event>,
    events: &mut mpsc::UnboundedReceiver<Event>,
    paused: bool,
) -> Option<Event> {
    if !paused {
        if let Some(b) = held.pop_front() {
            return Some(b);
        }
    }
    events.recv().await
}

fn message_bytes(m: &OwnedMessage) -> u64 {
    let headers = m
        .headers()
        .map(|hs| {
            hs.iter()
                .map(|h| h.key.len() + h.value.map_or(0, <[u8]>::len))
                .sum::<usize>()
        })
        .unwrap_or(0);
    (m.key().map_or(0, <[u8]>::len) + m.payload().map_or(0, <[u8]>::len) + headers) as u64
}

/// The consumer thread's view of what it handed out since the last seek.
#[derive(Default)]
struct Handed {
    /// First offset handed out per partition since the last assignment or seek.
    first: Vec<(Tp, i64)>,
}

impl Handed {
    fn note(&mut self, m: &OwnedMessage) {
        if !self
            .first
            .iter()
            .any(|((t, p), _)| *p == m.partition() && t == m.topic())
        {
            self.first
                .push(((m.topic().to_string(), m.partition()), m.offset()));
        }
    }
    fn get(&self, tp: &Tp) -> Option<i64> {
        self.first.iter().find(|(k, _)| k == tp).map(|(_, o)| *o)
    }
}

/// Applies a pending rewind: seeks every assigned partition handed out; returns the new
/// generation, or the error that stops the consumer.
fn apply_seek(
    consumer: &SinkConsumer,
    req: SeekRequest,
    handed: &mut Handed,
) -> Result<u64, String> {
    let assignment = consumer
        .assignment()
        .map(|a| tpl_vec(&a))
        .unwrap_or_default();
    for tp in assignment {
        let Some(offset) = req.targets.get(&tp).copied().or_else(|| handed.get(&tp)) else {
            continue;
        };
        consumer
            .seek(&tp.0, tp.1, Offset::Offset(offset), Duration::from_secs(10))
            .map_err(|e| format!("cannot rewind {}-{} to offset {offset}: {e}", tp.0, tp.1))?;
        tracing::debug!(topic = %tp.0, partition = tp.1, offset, "consumer repositioned");
    }
    handed.first.clear();
    Ok(req.generation)
}

/// Pauses what should be paused and resumes the rest of the assignment; `false` when
/// the consumer refused (tried again on the next round).
fn apply_pauses(consumer: &SinkConsumer, shared: &Shared, all: bool) -> bool {
    let Ok(assignment) = consumer.assignment() else {
        return false;
    };
    let assigned = tpl_vec(&assignment);
    let task_paused = shared.task_paused.lock().unwrap();
    let (pause, resume): (Vec<&Tp>, Vec<&Tp>) = assigned
        .iter()
        .partition(|tp| all || task_paused.contains(*tp));
    let mut ok = true;
    if !pause.is_empty() {
        ok &= consumer.pause(&tpl_of(pause)).is_ok();
    }
    if !resume.is_empty() {
        ok &= consumer.resume(&tpl_of(resume)).is_ok();
    }
    ok
}

/// Polls Kafka until `stopping`; sends batches of up to `max_batch` records and
/// `max_batch_bytes` bytes.
/// Topics of a literal `topics` list not known to exist yet: asked of the cluster every few
/// seconds until they are; one still missing after the timeout fails the task (a typo in
/// `topics` must not leave a task RUNNING that will never move a record).
struct MissingTopics {
    unconfirmed: Vec<String>,
    since: std::time::Instant,
    next_check: std::time::Instant,
    timeout: Duration,
}

impl MissingTopics {
    fn new(topics: &SinkTopics, timeout: Duration) -> MissingTopics {
        let unconfirmed = match topics {
            SinkTopics::List(list) if !timeout.is_zero() => list.clone(),
            _ => Vec::new(),
        };
        let now = std::time::Instant::now();
        MissingTopics {
            unconfirmed,
            since: now,
            next_check: now,
            timeout,
        }
    }

    /// `Some(cause)` when a topic has been missing for the whole timeout.
    fn check(&mut self, consumer: &SinkConsumer) -> Option<String> {
        let now = std::time::Instant::now();
        if self.unconfirmed.is_empty() || now < self.next_check {
            return None;
        }
        self.next_check =
            now + (self.timeout / 4).clamp(Duration::from_millis(500), Duration::from_secs(10));
        let mut asked = true;
        self.unconfirmed.retain(|t| {
            match consumer.fetch_metadata(Some(t), Duration::from_secs(5)) {
                Ok(md) => !md.topics().iter().any(|mt| {
                    mt.name() == t && mt.error().is_none() && !mt.partitions().is_empty()
                }),
                Err(_) => {
                    asked = false;
                    true
                }
            }
        });
        if !asked {
            // The cluster cannot be asked (an outage): no evidence that a topic is missing.
            self.since = now;
            return None;
        }
        if self.unconfirmed.is_empty() || self.since.elapsed() < self.timeout {
            return None;
        }
        Some(format!(
            "the topic{} {} of `topics` {} not exist after {:?} (polyconnect.sink.topic.missing.timeout.ms): create {} or correct `topics`",
            if self.unconfirmed.len() > 1 { "s" } else { "" },
            self.unconfirmed.join(", "),
            if self.unconfirmed.len() > 1 { "do" } else { "does" },
            self.timeout,
            if self.unconfirmed.len() > 1 { "them" } else { "it" },
        ))
    }
}

/// What the consumer thread needs besides the consumer and the shared state.
struct ThreadParams {
    max_batch: usize,
    max_batch_bytes: u64,
    errors: crate::kafka::ClientErrors,
    missing: MissingTopics,
}

/// A polled batch not yet handed to the task.
struct PolledBatch {
    msgs: Vec<OwnedMessage>,
    bytes: u64,
}

fn consumer_thread(consumer: Arc<SinkConsumer>, shared: Arc<Shared>, params: ThreadParams) {
    let ThreadParams {
        max_batch,
        max_batch_bytes,
        errors,
        mut missing,
    } = params;
    let mut applied: Option<(bool, u64)> = None;
    let mut generation = 0u64;
    let mut handed = Handed::default();
    // Back-pressure keeps what librdkafka prefetched: while the task's queue is full the
    // thread holds its next batch and waits, without polling (the group session is kept by
    // librdkafka's own thread). Only a queue full for longer than `BACKPRESSURE_HOLD`
    // pauses the partitions, so rebalance callbacks are still served; librdkafka drops a
    // paused partition's prefetched records and fetches them again on resume, a cost only
    // a sink stalled for that long pays.
    let mut pending: Option<PolledBatch> = None;
    let mut full_since: Option<std::time::Instant> = None;
    while !shared.stopping.load(Ordering::SeqCst) {
        if let Some(cause) = missing.check(&consumer) {
            tracing::error!(cause = %cause, "a sink topic does not exist");
            let _ = shared.events.send(Event::Failed { cause, fatal: true });
            return;
        }
        let seek = shared.seek.lock().unwrap().take();
        if let Some(req) = seek {
            // A held batch was polled before the rewind: it is stale.
            pending = None;
            match apply_seek(&consumer, req, &mut handed) {
                Ok(g) => generation = g,
                Err(cause) => {
                    let _ = shared.events.send(Event::Failed {
                        cause,
                        fatal: false,
                    });
                    return;
                }
            }
        }
        if let Some(b) = pending.take() {
            if shared.has_room() {
                full_since = None;
                shared.queued.fetch_add(1, Ordering::SeqCst);
                shared.queued_bytes.fetch_add(b.bytes, Ordering::SeqCst);
                if shared
                    .events
                    .send(Event::Batch {
                        generation,
                        msgs: b.msgs,
                        bytes: b.bytes,
                    })
                    .is_err()
                {
                    return;
                }
            } else {
                pending = Some(b);
                let since = *full_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() < BACKPRESSURE_HOLD && !shared.paused.load(Ordering::SeqCst) {
                    shared.wait_for_room(Duration::from_millis(50));
                    continue;
                }
            }
        }
        // Partitions are all paused while the connector is paused, or while the task's
        // queue has been full for the whole hold.
        let all = shared.paused.load(Ordering::SeqCst) || pending.is_some();
        let want = (all, shared.pause_version.load(Ordering::SeqCst));
        if applied != Some(want) && apply_pauses(&consumer, &shared, all) {
            applied = Some(want);
        }
        let first = match consumer.poll(Duration::from_millis(100)) {
            None => continue,
            Some(Err(e)) => {
                if matches!(e, rdkafka::error::KafkaError::PartitionEOF(_)) {
                    continue;
                }
                let text = shared.last_error.lock().unwrap().take();
                let security = e.rdkafka_error_code().is_some_and(|code| {
                    crate::kafka::is_permanent_security_error(code, text.as_deref().unwrap_or(""))
                });
                if security || is_fatal(&e) {
                    let cause = match &text {
                        Some(t) => format!("Kafka consumer: {t}"),
                        None => format!("Kafka consumer: {e}"),
                    };
                    tracing::error!(cause = %cause, "Kafka consumer error the task cannot recover from");
                    let _ = shared.events.send(Event::Failed { cause, fatal: true });
                    return;
                }
                match &text {
                    Some(t) => errors.report(t),
                    None => errors.report(&e),
                }
                continue;
            }
            Some(Ok(m)) => m.detach(),
        };
        let b = pending.get_or_insert_with(|| PolledBatch {
            msgs: Vec::with_capacity(256),
            bytes: 0,
        });
        b.bytes += message_bytes(&first);
        handed.note(&first);
        b.msgs.push(first);
        while b.msgs.len() < max_batch && b.bytes < max_batch_bytes {
            match consumer.poll(Duration::ZERO) {
                Some(Ok(m)) => {
                    let m = m.detach();
                    b.bytes += message_bytes(&m);
                    handed.note(&m);
                    b.msgs.push(m);
                }
                _ => break,
            }
        }
    }
}

/// Consumer errors no retry fixes: the task fails with the cause in its status.
fn is_fatal(e: &rdkafka::error::KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode as C;
    e.rdkafka_error_code()
        .map(|c| {
            matches!(
                c,
                C::Fatal
                    | C::TopicAuthorizationFailed
                    | C::GroupAuthorizationFailed
                    | C::ClusterAuthorizationFailed
                    | C::SaslAuthenticationFailed
                    | C::Authentication
                    | C::NotImplemented
                    | C::UnsupportedCompressionType
                    | C::UnsupportedSASLMechanism
            )
        })
        .unwrap_or(false)
}

fn fatal(message: String) -> StreamError {
    StreamError::Connector(ConnectorError {
        kind: ErrorKind::Fatal,
        message,
        error_class: crate::error_handling::CONNECT_EXCEPTION.to_string(),
        detail: String::new(),
        retry_after: None,
        record_seq: 0,
        kafka: None,
    })
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
    if let Err(e) = ctx.connect_transforms(&pipeline.chain, true).await {
        return ctx.fail(e);
    }
    if let Err(e) = ctx.connect_converters(&pipeline).await {
        return ctx.fail(e);
    }
    let dlq = match &pipeline.errors.dlq_topic {
        Some(topic) => {
            let e = &pipeline.errors;
            match DeadLetterQueue::create(
                &ctx.worker,
                &ctx.connector,
                ctx.task_id,
                topic,
                e.dlq_replication_factor,
                e.dlq_context_headers,
            )
            .await
            {
                Ok(d) => Some(d),
                Err(e) => return ctx.fail(e),
            }
        }
        None => None,
    };
    let keep_originals = dlq.is_some();
    let mut errors = ErrorHandler::new(
        pipeline.errors.clone(),
        ctx.connector.name(),
        ctx.task_id,
        dlq,
    );
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
            queued_bytes: AtomicU64::new(0),
            max_queued_bytes: ctx.worker.sink_max_buffered_bytes.max(1),
            stopping: AtomicBool::new(false),
            paused: AtomicBool::new(ctx.is_paused()),
            task_paused: Mutex::new(HashSet::new()),
            pause_version: AtomicU64::new(0),
            seek: Mutex::new(None),
            commit_failures: AtomicU64::new(0),
            room: (Mutex::new(()), std::sync::Condvar::new()),
            last_error: Mutex::new(None),
        });
        let stop_guard = StopOnDrop(shared.clone());
        let consumer_cfg =
            match crate::kafka::consumer_config(&ctx.worker, &ctx.connector, ctx.task_id) {
                Ok(c) => c,
                Err(e) => return ctx.fail(format!("invalid Kafka consumer settings: {e}")),
            };
        let consumer: SinkConsumer = match consumer_cfg.create_with_context(SinkContext {
            shared: shared.clone(),
        }) {
            Ok(c) => c,
            Err(e) => {
                return ctx.fail(format!(
                    "cannot create the Kafka consumer: {}",
                    crate::kafka::creation_error(&e)
                ))
            }
        };
        let subscribed = match &topics {
            SinkTopics::List(list) => {
                let refs: Vec<&str> = list.iter().map(String::as_str).collect();
                consumer.subscribe(&refs)
            }
            SinkTopics::Regex(r) => {
                consumer.subscribe(&[&format!("^{}", r.trim_start_matches('^'))])
            }
        };
        if let Err(e) = subscribed {
            return ctx.fail(format!("cannot subscribe: {e}"));
        }
        let consumer = Arc::new(consumer);
        let put_max_bytes = (session.negotiated.max_message_bytes / 4)
            .clamp(64 << 10, ctx.worker.sink_max_buffered_bytes.max(64 << 10));
        let thread = {
            let (c, s) = (consumer.clone(), shared.clone());
            let params = ThreadParams {
                max_batch: ctx.worker.sink_max_batch_records.max(1),
                max_batch_bytes: put_max_bytes,
                errors: crate::kafka::ClientErrors::new(
                    ctx.connector.name(),
                    ctx.task_id,
                    "consumer",
                ),
                missing: MissingTopics::new(&topics, ctx.worker.sink_topic_missing_timeout),
            };
            std::thread::Builder::new()
                .name(format!("sink-{}-{}", ctx.connector.name(), ctx.task_id))
                .spawn(move || consumer_thread(c, s, params))
                .expect("spawn the consumer thread")
        };
        ctx.status(ctx.active_state(), None);
        tracing::info!(connector = ctx.connector.name(), task = ctx.task_id, endpoint = %session.target.describe(), sdk = %session.negotiated.sdk, "sink task started");
        let max_inflight = stream
            .max_inflight_puts
            .clamp(1, ctx.worker.sink_max_inflight_puts);
        if max_inflight < stream.max_inflight_puts {
            tracing::info!(connector = ctx.connector.name(), task = ctx.task_id, asked = stream.max_inflight_puts, max_inflight, "the connector asked for more Puts in flight than polyconnect.sink.max.inflight.puts allows");
        }
        let mut runner = Runner {
            ctx: &ctx,
            consumer: &consumer,
            shared: &shared,
            pipeline: &pipeline,
            errors: &mut errors,
            keep_originals,
            consumed: BTreeMap::new(),
            last_committed: HashMap::new(),
            puts: BTreeMap::new(),
            redeliver: BTreeSet::new(),
            retry_at: None,
            put_attempts: 0,
            done_originals: VecDeque::new(),
            originals_bytes: 0,
            next_put: 1,
            next_flush: 1,
            flush: None,
            generation: 0,
            held: VecDeque::new(),
            assigned: Vec::new(),
            dirty: false,
            commit_requested: None,
            closing: false,
            max_inflight,
            put_max_bytes,
            puts_bytes: 0,
            commit_failures_seen: 0,
            tel: &mut tel,
        };
        let result = runner.run_stream(stream, events, &mut shutdown).await;
        // Failed records reported so far reach the dead letter queue, whatever happens next.
        let dlq = errors.flush().await;
        drop(stop_guard);
        let _ = tokio::task::spawn_blocking(move || {
            let _ = thread.join();
            // Closing leaves the group; no callback waits for the task any more.
            drop(consumer);
        })
        .await;
        if let Err(e) = dlq {
            // No restart: records the dead letter queue lost must not be skipped.
            return ctx.fail(StreamError::from(e).to_string());
        }
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
    consumed: BTreeMap<Tp, i64>,
    /// Per partition, the offset every record below is durable in the sink for: the last
    /// commit, else where consumption of the partition started. A failed flush rewinds here.
    last_committed: HashMap<Tp, i64>,
    /// Puts not answered with PutDone (in flight or awaiting redelivery), by put id.
    puts: BTreeMap<u64, PendingPut>,
    /// Puts the connector asked to have again (RETRIABLE), delivered at `retry_at`.
    redeliver: BTreeSet<u64>,
    retry_at: Option<Instant>,
    /// Retriable errors in a row (for the back-off).
    put_attempts: u32,
    /// Consumed records of answered Puts, until a flush covers them (`keep_originals`).
    done_originals: VecDeque<(u64, Arc<Vec<OwnedMessage>>, u64)>,
    originals_bytes: u64,
    next_put: u64,
    next_flush: u64,
    flush: Option<PendingFlush>,
    /// The seek generation whose batches are current.
    generation: u64,
    /// Batches polled while the connector is paused, delivered on resume.
    held: VecDeque<Event>,
    assigned: Vec<Tp>,
    dirty: bool,
    /// The connector asked for a commit (SinkTaskContext.requestCommit): the last Put sent then.
    commit_requested: Option<u64>,
    /// Stopping or revoking: a failed flush is not rewound.
    closing: bool,
    max_inflight: usize,
    put_max_bytes: u64,
    /// Bytes of the pending Puts' records: no new Put past `sink_max_buffered_bytes`.
    puts_bytes: u64,
    commit_failures_seen: u64,
    tel: &'a mut SinkTelemetry,
}

struct PendingPut {
    /// The Put as sent, for a redelivery.
    message: SentPut,
    /// The consumed batch this Put (the last of its batch) came from, for the DLQ.
    originals: Option<(Arc<Vec<OwnedMessage>>, u64)>,
    /// The first (lowest) offset of each partition in this Put.
    first: Vec<(Tp, i64)>,
    /// Bytes of its records as read from Kafka.
    bytes: u64,
    sent: Instant,
}

struct PendingFlush {
    id: u64,
    /// The offsets the Flush carried: what the connector's answer may commit at most.
    offsets: BTreeMap<Tp, i64>,
    /// The last Put sent when the flush was requested.
    watermark: u64,
    sent: Instant,
}

/// One Put being built from a polled batch.
#[derive(Default)]
struct PutBuilder {
    records: Vec<SinkRecord>,
    first: Vec<(Tp, i64)>,
    bytes: u64,
}

impl PutBuilder {
    /// Room for `n` records up front: a Put's records are large, growing them is a copy.
    fn with_capacity(n: usize) -> PutBuilder {
        PutBuilder {
            records: Vec::with_capacity(n),
            ..PutBuilder::default()
        }
    }

    fn add(&mut self, m: &OwnedMessage, r: SinkRecord, bytes: u64) {
        if !self
            .first
            .iter()
            .any(|((t, p), _)| *p == m.partition() && t == m.topic())
        {
            self.first
                .push(((m.topic().to_string(), m.partition()), m.offset()));
        }
        self.records.push(r);
        self.bytes += bytes;
    }
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
        let mut hb_tick = tokio::time::interval(
            w.heartbeat_interval
                .min(Duration::from_secs(1))
                .max(Duration::from_millis(100)),
        );
        let mut paused_rx = self.ctx.paused.clone();
        let mut paused = *paused_rx.borrow_and_update();
        loop {
            // A requested commit waits for the Puts sent before the request (Kafka Connect
            // commits after the put that asked for it returns).
            let commit_due = self.commit_requested.is_some_and(|last| {
                self.flush.is_none() && self.puts.range(..=last).next().is_none()
            });
            if commit_due {
                self.commit_requested = None;
                self.dirty = true;
                self.request_flush(&mut stream).await?;
            }
            // Originals kept for the dead letter queue are bounded: past the bound, a flush
            // now, and no new batch until it is answered.
            let originals_full = self.keep_originals
                && self.originals_bytes >= self.ctx.worker.sink_max_buffered_bytes;
            if originals_full && self.flush.is_none() {
                self.dirty = true;
                self.request_flush(&mut stream).await?;
            }
            let can_put = self.puts.len() < self.max_inflight
                && self.puts_bytes < self.ctx.worker.sink_max_buffered_bytes
                && self.redeliver.is_empty()
                && !originals_full;
            let retry_at = self.retry_at;
            tokio::select! {
                ev = next_event(&mut self.held, &mut events, paused), if can_put => {
                    match ev {
                        Some(b @ Event::Batch { .. }) if paused => self.held.push_back(b),
                        Some(Event::Batch { generation, msgs, bytes }) => {
                            self.batch_taken(bytes);
                            if generation == self.generation {
                                self.process_batch(&mut stream, msgs).await?;
                            }
                        }
                        Some(Event::Assigned(parts)) => {
                            tracing::info!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?parts, "partitions assigned");
                            self.assigned.extend(parts.iter().cloned());
                            self.tel.partitions(self.assigned.len());
                            stream.open_partitions(&parts).await?;
                        }
                        Some(Event::Revoking(parts, done)) => {
                            tracing::info!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?parts, "partitions revoked: flushing and committing first");
                            self.closing = true;
                            self.settle(&mut stream).await?;
                            self.closing = false;
                            self.assigned.retain(|p| !parts.contains(p));
                            self.tel.partitions(self.assigned.len());
                            for p in &parts {
                                self.consumed.remove(p);
                                self.last_committed.remove(p);
                            }
                            self.shared.task_paused.lock().unwrap().retain(|p| !parts.contains(p));
                            stream.close_partitions(&parts).await?;
                            let _ = done.send(());
                        }
                        Some(Event::Failed { cause, fatal: true }) => return Err(fatal(cause)),
                        Some(Event::Failed { cause, .. }) => return Err(StreamError::Disconnected(cause)),
                        None => return Err(StreamError::Disconnected("the consumer thread ended".into())),
                    }
                }
                ev = stream.recv() => self.on_event(ev?).await?,
                _ = tokio::time::sleep_until(retry_at.unwrap_or_else(Instant::now)), if retry_at.is_some() && self.redelivery_ready() => {
                    self.redeliver(&mut stream).await?;
                }
                _ = flush_tick.tick() => {
                    self.request_flush(&mut stream).await?;
                }
                _ = hb_tick.tick() => {
                    if stream.liveness.needs_heartbeat() {
                        stream.heartbeat().await?;
                    }
                    stream.liveness.check_idle()?;
                    self.check_timeouts()?;
                    self.note_commit_failures();
                }
                Ok(()) = paused_rx.changed() => {
                    paused = *paused_rx.borrow_and_update();
                    self.shared.paused.store(paused, Ordering::SeqCst);
                    self.ctx.status(self.ctx.active_state(), None);
                }
                _ = shutdown.changed() => {
                    // No more records; the consumer thread stops polling.
                    self.shared.stopping.store(true, Ordering::SeqCst);
                    return self.stop(stream).await;
                }
            }
        }
    }

    /// A batch left the channel: the consumer thread may poll again.
    fn batch_taken(&self, bytes: u64) {
        self.shared.taken(bytes);
    }

    /// A Put or Flush unanswered past its timeout: the connector is hung.
    fn check_timeouts(&self) -> Result<(), StreamError> {
        let w = &self.ctx.worker;
        if let Some((id, p)) = self
            .puts
            .iter()
            .find(|(id, p)| !self.redeliver.contains(id) && p.sent.elapsed() > w.sink_put_timeout)
        {
            return Err(StreamError::Timeout(format!(
                "put {id} unanswered for {:?} (polyconnect.sink.put.timeout.ms = {:?}); the records since the last commit are read again",
                p.sent.elapsed(),
                w.sink_put_timeout
            )));
        }
        if let Some(f) = self
            .flush
            .as_ref()
            .filter(|f| f.sent.elapsed() > w.sink_flush_timeout)
        {
            return Err(StreamError::Timeout(format!(
                "flush {} unanswered for {:?} (polyconnect.sink.flush.timeout.ms = {:?}); the records since the last commit are read again",
                f.id,
                f.sent.elapsed(),
                w.sink_flush_timeout
            )));
        }
        Ok(())
    }

    fn note_commit_failures(&mut self) {
        let failures = self.shared.commit_failures.load(Ordering::SeqCst);
        while self.commit_failures_seen < failures {
            self.commit_failures_seen += 1;
            self.tel.committed(Some(false), Duration::ZERO);
        }
    }

    /// Redelivery waits until every Put sent after the first one to deliver again is
    /// answered: an SDK that keeps order answers those RETRIABLE too (held back behind the
    /// failed one), and all are then delivered again in put-id order before any new Put.
    fn redelivery_ready(&self) -> bool {
        let Some(&first) = self.redeliver.first() else {
            return true;
        };
        self.puts
            .range(first..)
            .all(|(id, _)| self.redeliver.contains(id))
    }

    /// Delivers again, in order, every Put the connector asked to have again.
    async fn redeliver(&mut self, stream: &mut SinkStream) -> Result<(), StreamError> {
        self.retry_at = None;
        for id in std::mem::take(&mut self.redeliver) {
            if let Some(p) = self.puts.get_mut(&id) {
                p.sent = Instant::now();
                stream.put_again(&p.message).await?;
            }
        }
        Ok(())
    }

    async fn on_event(&mut self, ev: SinkEvent) -> Result<(), StreamError> {
        match ev {
            SinkEvent::PutDone { put_id } => {
                self.put_attempts = 0;
                match self.puts.remove(&put_id) {
                    Some(p) => {
                        self.puts_bytes -= p.bytes;
                        self.redeliver.remove(&put_id);
                        if let Some((o, bytes)) = p.originals {
                            self.originals_bytes += bytes;
                            self.done_originals.push_back((put_id, o, bytes));
                        }
                        self.dirty = true;
                    }
                    None => tracing::debug!(
                        connector = self.ctx.connector.name(),
                        task = self.ctx.task_id,
                        put_id,
                        "PutDone for a put not pending; ignored"
                    ),
                }
                self.tel.put_done(put_id);
            }
            SinkEvent::Flushed {
                flush_id,
                offsets,
                error,
            } => self.on_flushed(flush_id, offsets, error).await?,
            SinkEvent::Context(c) => {
                tracing::debug!(connector = self.ctx.connector.name(), task = self.ctx.task_id, context = ?c, "sink task context");
                self.on_context(c)
            }
            SinkEvent::Errant {
                topic,
                partition,
                offset,
                error,
            } => {
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
                let mut original = self.original(&topic, partition, offset);
                if original.is_none() && self.keep_originals {
                    // Reported after its Put's records were released: read it again.
                    original = self.fetch_original(&topic, partition, offset).await;
                }
                let record = match &original {
                    Some(m) => RecordRef::Consumed(m),
                    None => RecordRef::Unknown,
                };
                self.errors
                    .record_failed(record, failure)
                    .map_err(tolerance_exceeded)?;
            }
            SinkEvent::Error { error, put_id }
                if error.kind == ErrorKind::Retriable && put_id != 0 =>
            {
                if !self.puts.contains_key(&put_id) {
                    tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, put_id, error = %error.trace(), "retriable error for a put not pending; ignored");
                    return Ok(());
                }
                // A Put after one already awaiting redelivery was held back by the SDK to
                // keep order: it shares the earlier one's back-off.
                let held_back = self.redeliver.first().is_some_and(|&first| first < put_id);
                if !held_back {
                    self.put_attempts += 1;
                }
                let delay = error
                    .retry_after
                    .map(|d| d.min(Duration::from_secs(60)))
                    .unwrap_or_else(|| {
                        backoff_delay(
                            self.put_attempts.max(1),
                            self.errors.config().retry_delay_max,
                        )
                    });
                if held_back {
                    tracing::debug!(connector = self.ctx.connector.name(), task = self.ctx.task_id, put_id, error = %error.trace(), "put held back behind one awaiting redelivery");
                } else {
                    tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, put_id, ?delay, error = %error.trace(), "retriable put error; redelivering");
                }
                self.redeliver.insert(put_id);
                let at = Instant::now() + delay;
                self.retry_at = Some(self.retry_at.map_or(at, |r| r.max(at)));
            }
            SinkEvent::Error { error, .. } if error.kind == ErrorKind::Retriable => {
                tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, error = %error.trace(), "retriable error from the sink task");
            }
            SinkEvent::Error { error, .. } => return Err(StreamError::Connector(error)),
            SinkEvent::Heartbeat => {}
        }
        Ok(())
    }

    /// SinkTaskContext: pause/resume partitions, rewind, request a commit.
    fn on_context(&mut self, c: SinkContextRequest) {
        let name = self.ctx.connector.name();
        let task = self.ctx.task_id;
        if !c.pause.is_empty() || !c.resume.is_empty() {
            let mut paused = self.shared.task_paused.lock().unwrap();
            for tp in &c.pause {
                if self.assigned.contains(tp) {
                    paused.insert(tp.clone());
                } else {
                    tracing::warn!(connector = name, task, topic = %tp.0, partition = tp.1, "cannot pause a partition not assigned to the task");
                }
            }
            for tp in &c.resume {
                paused.remove(tp);
            }
            tracing::debug!(connector = name, task, paused = ?c.pause, resumed = ?c.resume, "the sink task paused or resumed partitions");
            self.shared.pause_version.fetch_add(1, Ordering::SeqCst);
        }
        if !c.offsets.is_empty() {
            let mut targets = BTreeMap::new();
            for (tp, o) in c.offsets {
                if self.assigned.contains(&tp) && o >= 0 {
                    targets.insert(tp, o);
                } else {
                    tracing::warn!(connector = name, task, topic = %tp.0, partition = tp.1, offset = o, "ignoring an offset for a partition not assigned to the task");
                }
            }
            tracing::info!(
                connector = name,
                task,
                ?targets,
                "the sink task rewinds partitions"
            );
            self.rewind(targets);
        }
        if c.request_commit {
            self.commit_requested = Some(self.next_put - 1);
        }
    }

    /// Repositions the consumer: `targets` where given, every other partition at the
    /// next record the task has not processed. Batches polled before it are dropped. As in
    /// Kafka Connect, a target also counts as the partition's last committed offset (a sink
    /// that rewinds keeps its own offsets), so a later failed flush rewinds to it.
    fn rewind(&mut self, targets: BTreeMap<Tp, i64>) {
        if targets.is_empty() {
            return;
        }
        self.last_committed
            .extend(targets.iter().map(|(k, v)| (k.clone(), *v)));
        self.consumed.extend(targets);
        self.generation += 1;
        let req = SeekRequest {
            generation: self.generation,
            targets: self.consumed.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        };
        *self.shared.seek.lock().unwrap() = Some(req);
        for ev in std::mem::take(&mut self.held) {
            if let Event::Batch { bytes, .. } = ev {
                self.batch_taken(bytes);
            }
        }
        self.dirty = true;
    }

    /// Waits (within the graceful timeout) for every Put to be answered, redelivering
    /// those the connector asks to have again, then flushes and commits. Offsets never
    /// pass a Put still unanswered.
    async fn settle(&mut self, stream: &mut SinkStream) -> Result<(), StreamError> {
        let name = self.ctx.connector.name().to_string();
        let task = self.ctx.task_id;
        let timeout = self.ctx.worker.task_shutdown_graceful_timeout;
        let deadline = Instant::now() + timeout;
        while !self.puts.is_empty() {
            let retry_at = self.retry_at;
            tokio::select! {
                ev = stream.recv() => self.on_event(ev?).await?,
                _ = tokio::time::sleep_until(retry_at.unwrap_or_else(Instant::now)), if retry_at.is_some() && self.redelivery_ready() => {
                    self.redeliver(stream).await?;
                }
                _ = tokio::time::sleep_until(deadline) => {
                    tracing::warn!(connector = %name, task, "{} puts still unanswered after {:?}; their records are not committed and will be delivered again", self.puts.len(), timeout);
                    break;
                }
            }
        }
        // A flush pending from before is superseded; its answer is ignored.
        self.flush = None;
        self.dirty = true;
        self.request_flush(stream).await?;
        let flush_timeout = self.ctx.worker.offset_flush_timeout;
        let flushed = tokio::time::timeout(flush_timeout, async {
            while self.flush.is_some() {
                let ev = stream.recv().await?;
                self.on_event(ev).await?;
            }
            Ok::<(), StreamError>(())
        })
        .await;
        match flushed {
            Ok(r) => r?,
            Err(_) => {
                tracing::warn!(connector = %name, task, "the flush did not answer within {:?} (offset.flush.timeout.ms); records since the last commit will be delivered again", flush_timeout)
            }
        }
        Ok(())
    }

    /// An errant record reported after the records of its Put were released (a flush
    /// covered them): read again from Kafka at its coordinates, so it still reaches the
    /// dead letter queue with its original bytes. `None` if Kafka no longer has it.
    async fn fetch_original(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
    ) -> Option<OwnedMessage> {
        let mut cfg =
            crate::kafka::consumer_config(&self.ctx.worker, &self.ctx.connector, self.ctx.task_id)
                .ok()?;
        cfg.set(
            "client.id",
            format!(
                "connector-errant-reader-{}-{}",
                self.ctx.connector.name(),
                self.ctx.task_id
            ),
        );
        let topic_name = topic.to_string();
        let found = tokio::task::spawn_blocking(move || {
            let consumer: BaseConsumer = cfg.create().ok()?;
            let mut tpl = TopicPartitionList::new();
            tpl.add_partition_offset(&topic_name, partition, Offset::Offset(offset))
                .ok()?;
            consumer.assign(&tpl).ok()?;
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while std::time::Instant::now() < deadline {
                match consumer.poll(Duration::from_millis(200)) {
                    Some(Ok(m)) if m.offset() == offset => return Some(m.detach()),
                    Some(Ok(m)) if m.offset() > offset => return None,
                    _ => {}
                }
            }
            None
        })
        .await
        .ok()
        .flatten();
        if found.is_none() {
            tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, topic, partition, offset, "an errant record reported after its batch was released could not be read again; it is logged but not in the dead letter queue");
        }
        found
    }

    /// The consumed record at these coordinates, if still kept.
    fn original(&self, topic: &str, partition: i32, offset: i64) -> Option<OwnedMessage> {
        let found = |msgs: &Arc<Vec<OwnedMessage>>| {
            msgs.iter()
                .find(|m| m.offset() == offset && m.partition() == partition && m.topic() == topic)
                .cloned()
        };
        self.puts
            .values()
            .filter_map(|p| p.originals.as_ref().map(|(o, _)| o))
            .chain(self.done_originals.iter().map(|(_, o, _)| o))
            .find_map(found)
    }

    /// Converts, transforms and puts one polled batch (in Puts under the byte bound);
    /// every record's offset counts as processed, whether it was put, dropped or skipped.
    async fn process_batch(
        &mut self,
        stream: &mut SinkStream,
        msgs: Vec<OwnedMessage>,
    ) -> Result<(), StreamError> {
        self.tel.read(msgs.len());
        let msgs = Arc::new(msgs);
        let mut put = PutBuilder::with_capacity(msgs.len());
        let mut last_topic: Option<&str> = None;
        // The partition of the run of records being processed, and its next offset.
        let mut run: Option<(&str, i32, i64)> = None;
        let mut total_bytes = 0;
        // Out-of-process transforms: the batch is converted first, then goes through the
        // chain stage by stage (one call per out-of-process stage), then on as usual.
        let mut pre: Option<std::vec::IntoIter<Option<PreTransformed>>> = None;
        // Out-of-process converters: the batch's keys and values in one call per converter.
        let mut preconv: Vec<SinkPreConverted> = Vec::new();
        if self.pipeline.remote_converters().next().is_some() {
            let assigned: Vec<bool> = msgs
                .iter()
                .map(|m| {
                    self.assigned
                        .iter()
                        .any(|(t, p)| *p == m.partition() && t == m.topic())
                })
                .collect();
            preconv = preconvert_sink(self.pipeline, &msgs, &assigned)
                .await
                .map_err(transform_stage_failed)?;
        }
        if self.pipeline.chain.has_remote() {
            let mut converted: Vec<Option<(SinkRecord, Option<std::time::SystemTime>)>> =
                Vec::with_capacity(msgs.len());
            for (i, m) in msgs.iter().enumerate() {
                let assigned = self
                    .assigned
                    .iter()
                    .any(|(t, p)| *p == m.partition() && t == m.topic());
                converted.push(if assigned {
                    let pc = preconv.get_mut(i).map(std::mem::take).unwrap_or_default();
                    self.convert_message(m, pc).await?
                } else {
                    None
                });
            }
            let batch: Vec<SinkRecord> =
                converted.iter().flatten().map(|(r, _)| r.clone()).collect();
            let mut results = self
                .pipeline
                .chain
                .apply_sink_batch(batch)
                .await
                .map_err(transform_stage_failed)?
                .into_iter();
            let all: Vec<Option<PreTransformed>> = converted
                .into_iter()
                .map(|c| {
                    c.map(|(record, clock)| PreTransformed {
                        result: results.next().unwrap_or(Ok(None)),
                        record,
                        clock,
                    })
                })
                .collect();
            pre = Some(all.into_iter());
        }
        for (i, m) in msgs.iter().enumerate() {
            let pre_m = pre.as_mut().map(|p| p.next().flatten());
            let same = matches!(run, Some((t, p, _)) if p == m.partition() && t == m.topic());
            if !same {
                if let Some((t, p, next)) = run.take() {
                    self.consumed.insert((t.to_string(), p), next);
                }
                if !self
                    .assigned
                    .iter()
                    .any(|(t, p)| *p == m.partition() && t == m.topic())
                {
                    continue;
                }
                let tp = (m.topic().to_string(), m.partition());
                // Consumption of a partition starts at its committed offset.
                self.last_committed.entry(tp).or_insert(m.offset());
                run = Some((m.topic(), m.partition(), m.offset()));
            }
            if last_topic != Some(m.topic()) {
                self.ctx.record_topic(m.topic());
                last_topic = Some(m.topic());
            }
            let bytes = message_bytes(m);
            total_bytes += bytes;
            if !put.records.is_empty() && put.bytes + bytes > self.put_max_bytes {
                // Earlier Puts of the batch keep no originals: the last one holds them all.
                let full = std::mem::replace(&mut put, PutBuilder::with_capacity(msgs.len() - i));
                self.put(stream, full, None).await?;
            }
            let r = match pre_m {
                None => {
                    let pc = preconv.get_mut(i).map(std::mem::take).unwrap_or_default();
                    self.to_sink_record(m, pc).await?
                }
                // Skipped by a converter.
                Some(None) => None,
                Some(Some(pt)) => {
                    self.transform_record(m, pt.record, pt.clock, Some(pt.result))
                        .await?
                }
            };
            if let Some(r) = r {
                put.add(m, r, bytes);
            }
            if let Some((_, _, next)) = run.as_mut() {
                *next = m.offset() + 1;
            }
            self.dirty = true;
        }
        if let Some((t, p, next)) = run {
            self.consumed.insert((t.to_string(), p), next);
        }
        if !put.records.is_empty() {
            let originals = self.keep_originals.then(|| (msgs.clone(), total_bytes));
            self.put(stream, put, originals).await?;
        }
        Ok(())
    }

    async fn put(
        &mut self,
        stream: &mut SinkStream,
        mut put: PutBuilder,
        originals: Option<(Arc<Vec<OwnedMessage>>, u64)>,
    ) -> Result<(), StreamError> {
        let id = self.next_put;
        self.next_put += 1;
        let trace = self.tel.put(id, &mut put.records);
        let sent = Instant::now();
        let message = stream.put_traced(id, put.records, trace).await?;
        self.puts.insert(
            id,
            PendingPut {
                message,
                originals,
                first: put.first,
                bytes: put.bytes,
                sent,
            },
        );
        self.puts_bytes += put.bytes;
        self.dirty = true;
        Ok(())
    }

    /// What may be committed: per partition, the first record of the oldest Put still
    /// unanswered, else the next offset after the records processed.
    fn committable(&self) -> BTreeMap<Tp, i64> {
        let mut out = self.consumed.clone();
        for p in self.puts.values() {
            for (tp, first) in &p.first {
                if let Some(o) = out.get_mut(tp) {
                    *o = (*o).min(*first);
                }
            }
        }
        out
    }

    async fn request_flush(&mut self, stream: &mut SinkStream) -> Result<(), StreamError> {
        if self.flush.is_some() || !self.dirty || self.consumed.is_empty() {
            return Ok(());
        }
        let id = self.next_flush;
        self.next_flush += 1;
        let offsets = self.committable();
        self.dirty = false;
        let trace = self.tel.flush(id);
        tracing::debug!(
            connector = self.ctx.connector.name(),
            task = self.ctx.task_id,
            flush_id = id,
            ?offsets,
            "flush"
        );
        stream.flush(id, &offsets, trace).await?;
        self.flush = Some(PendingFlush {
            id,
            offsets,
            watermark: self.next_put - 1,
            sent: Instant::now(),
        });
        Ok(())
    }

    async fn on_flushed(
        &mut self,
        flush_id: u64,
        offsets: BTreeMap<Tp, i64>,
        error: Option<ConnectorError>,
    ) -> Result<(), StreamError> {
        let name = self.ctx.connector.name();
        let task = self.ctx.task_id;
        let Some(flush) = self.flush.take_if(|f| f.id == flush_id) else {
            tracing::warn!(
                connector = name,
                task,
                flush_id,
                "ignoring the answer to flush {flush_id}: it is not the pending flush"
            );
            return Ok(());
        };
        // Errant records of Puts this flush covers were reported before it was answered.
        while self
            .done_originals
            .front()
            .is_some_and(|(id, _, _)| *id <= flush.watermark)
        {
            let (_, _, bytes) = self.done_originals.pop_front().expect("front exists");
            self.originals_bytes -= bytes;
        }
        if let Some(e) = error {
            self.tel.committed(Some(false), Duration::ZERO);
            self.tel.flushed(flush_id);
            if self.closing {
                tracing::warn!(connector = name, task, error = %e.trace(), "the sink task's flush failed while closing; nothing committed");
                return Ok(());
            }
            tracing::error!(connector = name, task, error = %e.trace(), "the sink task's flush failed; rewinding to the last committed offsets");
            let targets: BTreeMap<Tp, i64> = self
                .consumed
                .keys()
                .filter_map(|tp| self.last_committed.get(tp).map(|o| (tp.clone(), *o)))
                .collect();
            self.rewind(targets);
            return Ok(());
        }
        // A failed record reaches the dead letter queue before the offsets past it are
        // committed; a record the dead letter queue lost fails the task, nothing committed.
        self.errors.flush().await?;
        let mut tpl = TopicPartitionList::new();
        let mut committing = Vec::new();
        for (tp, o) in &offsets {
            if !self.assigned.contains(tp) {
                tracing::warn!(connector = name, task, topic = %tp.0, partition = tp.1, offset = o, "ignoring an offset the task returned for a partition not assigned to it");
                continue;
            }
            match flush.offsets.get(tp) {
                Some(max) if o <= max => {}
                max => {
                    tracing::warn!(connector = name, task, topic = %tp.0, partition = tp.1, task_offset = o, flushed_offset = ?max, "ignoring an offset the task returned beyond what it was given in the flush");
                    continue;
                }
            }
            if self.last_committed.get(tp) == Some(o) {
                continue;
            }
            tpl.add_partition_offset(&tp.0, tp.1, Offset::Offset(*o))
                .map_err(|e| StreamError::Protocol(e.to_string()))?;
            committing.push((tp.clone(), *o));
        }
        if committing.is_empty() {
            self.tel.committed(None, Duration::ZERO);
            self.tel.flushed_without_commit(flush_id);
            return Ok(());
        }
        let started = std::time::Instant::now();
        let span = self.tel.commit_span(flush_id);
        let committed = if self.closing {
            // The last commit before the partitions go: synchronous, bounded.
            let consumer = self.consumer.clone();
            let commit =
                tokio::task::spawn_blocking(move || consumer.commit(&tpl, CommitMode::Sync));
            match tokio::time::timeout(self.ctx.worker.offset_flush_timeout, commit).await {
                Ok(Ok(r)) => r.map_err(|e| e.to_string()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!(
                    "no answer within {:?}",
                    self.ctx.worker.offset_flush_timeout
                )),
            }
        } else {
            // Asynchronous: a failure is reported by the consumer thread and counted.
            span.in_scope(|| self.consumer.commit(&tpl, CommitMode::Async))
                .map_err(|e| e.to_string())
        };
        self.tel
            .committed(Some(committed.is_ok()), started.elapsed());
        drop(span);
        self.tel.flushed(flush_id);
        match committed {
            Ok(()) => {
                tracing::debug!(connector = name, task, ?committing, "committed offsets");
                self.last_committed.extend(committing);
            }
            Err(e) => {
                tracing::warn!(connector = name, task, error = %e, "offset commit failed; will retry at the next flush")
            }
        }
        Ok(())
    }

    /// Every Put answered (or its time up), a final flush and commit, Close, then Stop.
    /// Batches polled and not yet put are not put: their offsets are not committed, so
    /// they are read again.
    async fn stop(&mut self, mut stream: SinkStream) -> Result<(), StreamError> {
        self.closing = true;
        self.settle(&mut stream).await?;
        let parts = self.assigned.clone();
        if !parts.is_empty() {
            let _ = stream.close_partitions(&parts).await;
        }
        stream
            .stop(self.ctx.worker.task_shutdown_graceful_timeout)
            .await;
        Ok(())
    }

    /// A failure of a converter or transform: reported, then `Ok(None)` (skip the record)
    /// or the task's failure.
    async fn tolerate<T>(
        &mut self,
        m: &OwnedMessage,
        f: Failure,
    ) -> Result<Option<T>, StreamError> {
        let again = f.clone();
        self.errors
            .retry(RecordRef::Consumed(m), f, move || Err(again.clone()))
            .await
            .map_err(tolerance_exceeded)
    }

    /// A consumed record through the converters and transforms; `None` when it was dropped
    /// or skipped.
    async fn to_sink_record(
        &mut self,
        m: &OwnedMessage,
        pre: SinkPreConverted,
    ) -> Result<Option<SinkRecord>, StreamError> {
        match self.convert_message(m, pre).await? {
            Some((record, clock)) => self.transform_record(m, record, clock, None).await,
            None => Ok(None),
        }
    }

    /// A consumed record through the converters; `None` when it was skipped. Also the
    /// start time of its stages when it is sampled.
    async fn convert_message(
        &mut self,
        m: &OwnedMessage,
        mut pre: SinkPreConverted,
    ) -> Result<Option<(SinkRecord, Option<std::time::SystemTime>)>, StreamError> {
        let p = self.pipeline;
        let topic = m.topic();
        // An out-of-process converter's record not converted with its batch: converted
        // now, as a batch of one.
        for is_key in [true, false] {
            let (conv, slot) = if is_key {
                (&p.key, &mut pre.key)
            } else {
                (&p.value, &mut pre.value)
            };
            if let (Some(remote), None) = (conv.remote(), &*slot) {
                let mut r = remote
                    .to_connect_batch(vec![converter_input(m, is_key)])
                    .await
                    .map_err(transform_stage_failed)?;
                *slot = r.pop();
            }
        }
        if let (Some(remote), None) = (p.header.remote(), &pre.headers) {
            pre.headers = Some(
                remote
                    .to_connect_batch(header_inputs(m))
                    .await
                    .map_err(transform_stage_failed)?,
            );
        }
        let mut pre_headers = pre.headers.take().map(|h| h.into_iter());
        // Sampled records (their Kafka headers say so) get convert and transform spans.
        let clock = self
            .tel
            .stage_clock(|| m.headers()?.iter().find(|h| h.key == "traceparent")?.value);
        // A retriable converter failure (a schema registry out of reach) is retried by
        // converting again, within errors.retry.timeout.
        let key_attempt = || match &pre.key {
            Some(r) => r.clone(),
            None => p
                .key
                .to_connect(topic, m.key())
                .map_err(|e| Failure::converter(Stage::KeyConverter, &p.key_class, e)),
        };
        let key = match key_attempt() {
            Ok(k) => k,
            Err(f) => match self
                .errors
                .retry(RecordRef::Consumed(m), f, key_attempt)
                .await
                .map_err(tolerance_exceeded)?
            {
                Some(k) => k,
                None => return Ok(None),
            },
        };
        let value_attempt = || match &pre.value {
            Some(r) => r.clone(),
            None => p
                .value
                .to_connect(topic, m.payload())
                .map_err(|e| Failure::converter(Stage::ValueConverter, &p.value_class, e)),
        };
        let value = match value_attempt() {
            Ok(v) => v,
            Err(f) => match self
                .errors
                .retry(RecordRef::Consumed(m), f, value_attempt)
                .await
                .map_err(tolerance_exceeded)?
            {
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
                    ("traceparent", Some(b)) => {
                        trace.traceparent = String::from_utf8_lossy(b).into_owned()
                    }
                    ("tracestate", Some(b)) => {
                        trace.tracestate = String::from_utf8_lossy(b).into_owned()
                    }
                    _ => {}
                }
                let converted = match pre_headers.as_mut() {
                    Some(it) => it.next().unwrap_or_else(|| {
                        Err(Failure::data(
                            Stage::HeaderConverter,
                            &p.header_class,
                            "the header converter gave no result for this header",
                        ))
                    }),
                    None => p
                        .header
                        .to_connect_header(topic, h.key, h.value)
                        .map_err(|e| {
                            Failure::data(Stage::HeaderConverter, &p.header_class, e.message)
                        }),
                };
                let sv: SchemaAndValue = match converted {
                    Ok(sv) => sv,
                    Err(f) => match self.tolerate(m, f).await? {
                        Some(sv) => sv,
                        None => return Ok(None),
                    },
                };
                headers.push(Header {
                    key: h.key.to_string(),
                    schema: sv.schema,
                    value: sv.value,
                });
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
        Ok(Some((record, clock)))
    }

    /// A converted record through the transforms (`pre`: what the chain already did with it
    /// in its batch, when the chain has out-of-process stages).
    async fn transform_record(
        &mut self,
        m: &OwnedMessage,
        record: SinkRecord,
        clock: Option<std::time::SystemTime>,
        pre: Option<Result<Option<SinkRecord>, crate::transforms::TransformError>>,
    ) -> Result<Option<SinkRecord>, StreamError> {
        let p = self.pipeline;
        let converted = clock.map(|_| std::time::SystemTime::now());
        let out = if !p.has_transforms() {
            Some(record)
        } else {
            // A copy for retries only when retries are configured.
            let copy = (self.errors.config().retry_timeout != Some(Duration::ZERO))
                .then(|| record.clone());
            let result = match pre {
                Some(r) => r,
                None => p.chain.apply_sink(record),
            };
            match result {
                Ok(r) => r,
                Err(e) if p.chain.has_remote() => {
                    let first = Failure::transform(e.clone());
                    let chain = &p.chain;
                    let op = || {
                        let c = copy.clone();
                        let e = e.clone();
                        async move {
                            match c {
                                Some(c) => match chain.apply_sink_batch(vec![c]).await {
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
                    self.errors
                        .retry_async(RecordRef::Consumed(m), first, op)
                        .await
                        .map_err(tolerance_exceeded)?
                        .flatten()
                }
                Err(e) => {
                    let first = Failure::transform(e.clone());
                    let op = || match &copy {
                        Some(c) => p.chain.apply_sink(c.clone()).map_err(Failure::transform),
                        None => Err(Failure::transform(e.clone())),
                    };
                    self.errors
                        .retry(RecordRef::Consumed(m), first, op)
                        .await
                        .map_err(tolerance_exceeded)?
                        .flatten()
                }
            }
        };
        if let (Some(started), Some(converted), Some(r)) = (clock, converted, &out) {
            let transformed = p.has_transforms().then(std::time::SystemTime::now);
            let times = crate::telemetry::task::StageTimes {
                started,
                converted,
                transformed,
            };
            self.tel.stages(
                &r.original_topic,
                r.original_kafka_partition,
                r.kafka_offset,
                times,
            );
        }
        Ok(out)
    }
}

/// A consumed record converted, and what the chain (with out-of-process stages) did with
/// it in its batch.
struct PreTransformed {
    record: SinkRecord,
    clock: Option<std::time::SystemTime>,
    result: Result<Option<SinkRecord>, crate::transforms::TransformError>,
}

/// A consumed record's key and value as out-of-process converters made them in its batch
/// (`None`: not converted ahead).
#[derive(Default, Clone)]
struct SinkPreConverted {
    key: Option<Result<SchemaAndValue, Failure>>,
    value: Option<Result<SchemaAndValue, Failure>>,
    /// One per Kafka header of the record, in order.
    headers: Option<Vec<Result<SchemaAndValue, Failure>>>,
}

/// A consumed record's Kafka headers, each for a header converter's `toConnectHeader`.
fn header_inputs(m: &OwnedMessage) -> Vec<crate::plugin::streams::ConverterInput> {
    m.headers()
        .map(|hs| {
            hs.iter()
                .map(|h| crate::plugin::streams::ConverterInput {
                    topic: m.topic().to_string(),
                    bytes: h.value.map(Bytes::copy_from_slice),
                    headers: Vec::new(),
                    header_key: h.key.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A consumed record's key or value, topic and Kafka headers for a converter's
/// `toConnectData(topic, headers, bytes)`.
fn converter_input(m: &OwnedMessage, is_key: bool) -> crate::plugin::streams::ConverterInput {
    let b = if is_key { m.key() } else { m.payload() };
    crate::plugin::streams::ConverterInput {
        topic: m.topic().to_string(),
        bytes: b.map(Bytes::copy_from_slice),
        headers: m
            .headers()
            .map(|hs| {
                hs.iter()
                    .map(|h| (h.key.to_string(), h.value.map(Bytes::copy_from_slice)))
                    .collect()
            })
            .unwrap_or_default(),
        header_key: String::new(),
    }
}

/// The keys and values of a polled batch's assigned records through the out-of-process
/// converters, one call per converter. `Err`: a converter failed as a whole.
async fn preconvert_sink(
    p: &Pipeline,
    msgs: &[OwnedMessage],
    assigned: &[bool],
) -> Result<Vec<SinkPreConverted>, String> {
    let mut out = vec![SinkPreConverted::default(); msgs.len()];
    for is_key in [true, false] {
        let conv = if is_key { &p.key } else { &p.value };
        let Some(remote) = conv.remote() else {
            continue;
        };
        let mut at = Vec::new();
        let mut batch = Vec::new();
        for (i, m) in msgs.iter().enumerate() {
            if assigned[i] {
                at.push(i);
                batch.push(converter_input(m, is_key));
            }
        }
        let results = remote.to_connect_batch(batch).await?;
        for (i, r) in at.into_iter().zip(results) {
            if is_key {
                out[i].key = Some(r);
            } else {
                out[i].value = Some(r);
            }
        }
    }
    if let Some(remote) = p.header.remote() {
        let mut at = Vec::new();
        let mut batch = Vec::new();
        for (i, m) in msgs.iter().enumerate() {
            if assigned[i] {
                let hs = header_inputs(m);
                at.push((i, hs.len()));
                batch.extend(hs);
            }
        }
        let mut results = remote.to_connect_batch(batch).await?.into_iter();
        for (i, n) in at {
            out[i].headers = Some(results.by_ref().take(n).collect());
        }
    }
    Ok(out)
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
