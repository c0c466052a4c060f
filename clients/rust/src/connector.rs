//! What a connector author implements: a [`Connector`] and its task, a [`SourceTask`] or a
//! [`SinkTask`], as in Kafka Connect. Register it with [`Plugin::source`] or
//! [`Plugin::sink`] and hand the plugins to [`crate::serve`] (transforms and predicates:
//! [`crate::transform`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use polyconnect_proto::v1 as pb;
use tokio::sync::{mpsc, oneshot};

use crate::config::{Config, ConfigDef};
use crate::data::Value;
use crate::error::{Error, Result};
use crate::record::{RecordMetadata, SinkRecord, SourceRecord, TopicPartition, TransactionRequest};
use crate::transform::{DynStage, Predicate, PredicateStage, TransformStage, Transformation};

/// A connector (Kafka Connect's Connector): its name, config definition and how it splits
/// work into task configurations. `Task` is its [`SourceTask`] or [`SinkTask`].
#[async_trait]
pub trait Connector: Default + Send + Sync + 'static {
    type Task: Default + Send + 'static;
    /// The class name a connector config names in `connector.class`.
    const CLASS: &'static str;
    /// Other accepted names (e.g. a Kafka Connect class name).
    const ALIASES: &'static [&'static str] = &[];
    const VERSION: &'static str = "0.0.0";

    /// The configuration keys. The SDK checks the connector config against them before
    /// `start` (a bad config is a CONFIG error) and answers `Spec`/`Validate` with them.
    fn config_def() -> ConfigDef {
        ConfigDef::new()
    }

    /// Extra per-key errors beyond the definition's own checks.
    fn validate(&self, _config: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
        BTreeMap::new()
    }

    /// Source connectors: whether the connector can run exactly once with `config` (Kafka
    /// Connect's `exactlyOnceSupport`); `None`, the default: not declared. With
    /// `exactly.once.support=required` a connector is refused unless `Supported`. An error
    /// is reported with its message.
    fn exactly_once_support(
        &self,
        _config: &BTreeMap<String, String>,
    ) -> Result<Option<ExactlyOnceSupport>> {
        Ok(None)
    }

    /// Source connectors: whether the tasks define their own transactions with `config`
    /// (Kafka Connect's `canDefineTransactionBoundaries`); `transaction.boundary=connector`
    /// is refused unless `Supported` (the default is `Unsupported`).
    fn can_define_transaction_boundaries(
        &self,
        _config: &BTreeMap<String, String>,
    ) -> Result<ConnectorTransactionBoundaries> {
        Ok(ConnectorTransactionBoundaries::Unsupported)
    }

    /// KIP-875 (Kafka Connect's `alterOffsets`): called before `PATCH` / `DELETE
    /// /connectors/{c}/offsets` writes `offsets` for the stopped connector, on an instance
    /// that was not started. An error fails the request with its message and nothing is
    /// written. `Ok(true)`: the connector changed offsets it keeps itself too; `Ok(false)`,
    /// the default: only the framework's offsets change.
    fn alter_offsets(
        &self,
        _config: &BTreeMap<String, String>,
        _offsets: &OffsetChanges,
    ) -> Result<bool> {
        Ok(false)
    }

    async fn start(&mut self, _ctx: ConnectorContext, _config: &Config) -> Result<()> {
        Ok(())
    }

    /// At most `max_tasks` task configurations. Default: one task with the connector's
    /// configuration.
    async fn task_configs(&mut self, config: &Config, _max_tasks: usize) -> Result<Vec<Config>> {
        Ok(vec![config.clone()])
    }

    async fn stop(&mut self) -> Result<()> {
        Ok(())
    }
}

/// The offsets `alter_offsets` is told of: a source connector's (partition, offset; `None`
/// resets it) or a sink connector's (topic partition, next offset; `None` removes it).
#[derive(Debug, Clone, PartialEq)]
pub enum OffsetChanges {
    Source(Vec<(Value, Option<Value>)>),
    Sink(Vec<(TopicPartition, Option<i64>)>),
}

/// Kafka Connect's `ExactlyOnceSupport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExactlyOnceSupport {
    Supported,
    Unsupported,
}

/// Kafka Connect's `ConnectorTransactionBoundaries`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorTransactionBoundaries {
    Supported,
    Unsupported,
}

/// Kafka Connect's `TransactionContext`: a source task that runs exactly once with
/// `transaction.boundary=connector` commits and aborts its own transactions
/// ([`SourceContext::transaction_context`]). A request for a record marks the record (it
/// then goes with it); one for the batch applies after the records of the next non-empty
/// poll, on its last record unless that record has its own request.
///
/// An aborted transaction's records are discarded (read_committed consumers never see
/// them) but, as in Kafka Connect, their offsets are committed, so they are not polled
/// again; a task that wants them again returns an error instead. A commit and an abort of
/// the same record (or batch) fail the task. Nothing else commits these transactions: one
/// still open at a stop is aborted, and its records are polled again.
#[derive(Clone, Default, Debug)]
pub struct TransactionContext {
    batch: Arc<Mutex<TransactionRequest>>,
}

impl TransactionContext {
    /// Commits after the records of the next (non-empty) poll.
    pub fn commit_transaction(&self) {
        self.batch.lock().unwrap().commit = true;
    }
    /// Aborts the transaction after the records of the next (non-empty) poll.
    pub fn abort_transaction(&self) {
        self.batch.lock().unwrap().abort = true;
    }
    /// Commits right after `record` (returned by the same poll).
    pub fn commit_transaction_after(&self, record: &mut SourceRecord) {
        record.transaction.commit = true;
    }
    /// Aborts the transaction right after `record`, `record` included.
    pub fn abort_transaction_after(&self, record: &mut SourceRecord) {
        record.transaction.abort = true;
    }

    /// The actions of one poll's records, on their messages; the batch's on the last.
    pub(crate) fn apply(
        &self,
        records: &[SourceRecord],
        encoded: &mut [pb::SourceRecord],
    ) -> Result<()> {
        for (r, p) in records.iter().zip(encoded.iter_mut()) {
            p.transaction = action(r.transaction, || {
                format!(
                    "Connector requested both commit and abort of same record against topic/partition {}/{}",
                    r.topic,
                    r.kafka_partition.map_or("null".to_string(), |p| p.to_string())
                )
            })?;
        }
        let batch = std::mem::take(&mut *self.batch.lock().unwrap());
        let b = action(batch, || {
            "Connector requested both commit and abort of same transaction".to_string()
        })?;
        if let Some(last) = encoded.last_mut() {
            if last.transaction == pb::TransactionAction::None as i32 {
                last.transaction = b;
            }
        }
        Ok(())
    }
}

fn action(r: TransactionRequest, both: impl FnOnce() -> String) -> Result<i32> {
    Ok(match (r.commit, r.abort) {
        (true, true) => return Err(Error::fatal(both())),
        (true, false) => pb::TransactionAction::CommitTransaction as i32,
        (false, true) => pb::TransactionAction::AbortTransaction as i32,
        (false, false) => pb::TransactionAction::None as i32,
    })
}

/// A source task: `poll` returns records; the SDK numbers them, sends them within the
/// core's credit and calls `commit_record` / `commit` as Kafka and the offset store
/// acknowledge them (between polls, in poll order).
#[async_trait]
pub trait SourceTask: Send + 'static {
    /// Starts the task; stored offsets are in `ctx.offset(...)`.
    async fn start(&mut self, ctx: SourceContext, config: Config) -> Result<()>;

    /// New records; an empty Vec when there are none yet (the SDK backs off briefly).
    /// It may wait, but should return now and then so the task can stop.
    async fn poll(&mut self) -> Result<Vec<SourceRecord>>;

    /// Kafka has `record` (`metadata` is `None` when a transform dropped it).
    async fn commit_record(
        &mut self,
        _record: &SourceRecord,
        _metadata: Option<&RecordMetadata>,
    ) -> Result<()> {
        Ok(())
    }

    /// The offsets of every record acknowledged so far are durable: upstream data up to
    /// there may be deleted.
    async fn commit(&mut self) -> Result<()> {
        Ok(())
    }

    async fn stop(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A sink task's [`SinkTask::max_inflight_puts`] unless it sets its own.
pub const DEFAULT_MAX_INFLIGHT_PUTS: u32 = 4;

/// A sink task: `put` takes records, `flush`/`pre_commit` makes them durable and says
/// which offsets the core may commit.
#[async_trait]
pub trait SinkTask: Send + 'static {
    async fn start(&mut self, ctx: SinkContext, config: Config) -> Result<()>;

    async fn open(&mut self, _partitions: &[TopicPartition]) -> Result<()> {
        Ok(())
    }

    /// Partitions revoked (also called for every open partition before `stop`).
    async fn close(&mut self, _partitions: &[TopicPartition]) -> Result<()> {
        Ok(())
    }

    /// Writes or buffers records. `Error::Retriable` has the same records delivered again.
    async fn put(&mut self, records: Vec<SinkRecord>) -> Result<()>;

    /// Makes everything put so far durable. `offsets`: the next offsets per partition.
    ///
    /// An error is a failed flush, as in Kafka Connect: nothing is committed, the core
    /// rewinds every partition to its last committed offset (those records are put again)
    /// and the task keeps running. Only `Error::Config` (or a panic) fails the task.
    async fn flush(&mut self, _offsets: &HashMap<TopicPartition, i64>) -> Result<()> {
        Ok(())
    }

    /// The offsets the core may commit. Default: `flush`, then all of `offsets`. An error is
    /// a failed flush, as from `flush`.
    async fn pre_commit(
        &mut self,
        offsets: HashMap<TopicPartition, i64>,
    ) -> Result<HashMap<TopicPartition, i64>> {
        self.flush(&offsets).await?;
        Ok(offsets)
    }

    async fn stop(&mut self) -> Result<()> {
        Ok(())
    }

    /// How many Puts may be unanswered (default [`DEFAULT_MAX_INFLIGHT_PUTS`]). `put` still
    /// runs one at a time, in order, and the order holds when `put` is retriable (the Puts
    /// after it are held back until the core delivers it again). 1 gives Kafka Connect's
    /// exact behaviour for a rewind (`SinkContext::offsets`) from `put`; with more, records
    /// already put once may come again before the re-read (at least once).
    fn max_inflight_puts(&self) -> u32 {
        DEFAULT_MAX_INFLIGHT_PUTS
    }
}

// ------------------------------------------------------------------------ contexts

/// Given to a connector's `start`.
#[derive(Clone)]
pub struct ConnectorContext {
    pub(crate) name: String,
    pub(crate) out: mpsc::Sender<std::result::Result<pb::ConnectorResponse, tonic::Status>>,
    pub(crate) queries: Arc<Mutex<HashMap<u64, oneshot::Sender<pb::OffsetsAnswer>>>>,
    pub(crate) next_query: Arc<std::sync::atomic::AtomicU64>,
}

impl ConnectorContext {
    pub fn connector_name(&self) -> &str {
        &self.name
    }

    /// The source or sink system changed: the core asks for task configs again.
    pub fn request_task_reconfiguration(&self, reason: &str) {
        let msg = pb::ConnectorResponse {
            msg: Some(pb::connector_response::Msg::Reconfigure(
                pb::ReconfigureRequest {
                    reason: reason.into(),
                },
            )),
        };
        let _ = self.out.try_send(Ok(msg));
    }

    /// Source connectors: the stored offsets of `partitions`, in the same order (Kafka
    /// Connect's `SourceConnectorContext.offsetStorageReader()`), from the store the
    /// connector's tasks resume from. Each call asks the core; usable from `start` on.
    pub async fn offsets(&self, partitions: Vec<Value>) -> Result<Vec<Option<Value>>> {
        let id = self
            .next_query
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let (tx, rx) = oneshot::channel();
        self.queries.lock().unwrap().insert(id, tx);
        let q = pb::OffsetsQuery {
            request_id: id,
            partitions: partitions.iter().map(crate::data::value_to_proto).collect(),
        };
        let sent = self
            .out
            .send(Ok(pb::ConnectorResponse {
                msg: Some(pb::connector_response::Msg::OffsetsQuery(q)),
            }))
            .await;
        let answer = match sent {
            Err(_) => Err(Error::fatal("the stream to the core is closed")),
            Ok(()) => tokio::time::timeout(std::time::Duration::from_secs(30), rx)
                .await
                .map_err(|_| Error::fatal("the core did not answer an offsets query within 30s"))
                .and_then(|r| r.map_err(|_| Error::fatal("the stream to the core is closed"))),
        };
        self.queries.lock().unwrap().remove(&id);
        let stored: Offsets = Arc::new(Mutex::new(Vec::new()));
        crate::source::remember_offsets(&stored, answer?.offsets)?;
        let stored = stored.lock().unwrap();
        Ok(partitions
            .iter()
            .map(|p| {
                stored
                    .iter()
                    .find(|(k, _)| same_map(k, p))
                    .and_then(|(_, o)| o.clone())
            })
            .collect())
    }

    /// `offsets` for one partition.
    pub async fn offset(&self, partition: &Value) -> Result<Option<Value>> {
        Ok(self.offsets(vec![partition.clone()]).await?.pop().flatten())
    }
}

/// Stored offsets known to a task: (source partition, offset or none).
pub(crate) type Offsets = Arc<Mutex<Vec<(Value, Option<Value>)>>>;

pub(crate) type Queries = Arc<Mutex<HashMap<u64, oneshot::Sender<Vec<pb::SourceOffset>>>>>;

/// Given to a source task's `start`: stored offsets.
#[derive(Clone)]
pub struct SourceContext {
    pub(crate) name: String,
    pub(crate) task_id: u32,
    pub(crate) offsets: Offsets,
    pub(crate) queries: Queries,
    pub(crate) next_query: Arc<std::sync::atomic::AtomicU64>,
    pub(crate) out: crate::stream::Out<pb::SourceResponse>,
    pub(crate) txn: Option<TransactionContext>,
}

impl SourceContext {
    /// The transaction context when the task runs exactly once with
    /// `transaction.boundary=connector`; `None` otherwise (Kafka Connect's
    /// `SourceTaskContext.transactionContext()`).
    pub fn transaction_context(&self) -> Option<TransactionContext> {
        self.txn.clone()
    }

    pub fn connector_name(&self) -> &str {
        &self.name
    }

    pub fn task_id(&self) -> u32 {
        self.task_id
    }

    /// The stored offset of `partition` as of the task's start (or a later query).
    pub fn offset(&self, partition: &Value) -> Option<Value> {
        let offsets = self.offsets.lock().unwrap();
        offsets
            .iter()
            .find(|(p, _)| same_map(p, partition))
            .and_then(|(_, o)| o.clone())
    }

    /// Asks the core for the stored offsets of `partitions` (in the same order).
    pub async fn query_offsets(&self, partitions: Vec<Value>) -> Result<Vec<Option<Value>>> {
        let id = self
            .next_query
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let (tx, rx) = oneshot::channel();
        self.queries.lock().unwrap().insert(id, tx);
        let q = pb::OffsetsQuery {
            request_id: id,
            partitions: partitions.iter().map(crate::data::value_to_proto).collect(),
        };
        self.out
            .send(pb::SourceResponse {
                msg: Some(pb::source_response::Msg::OffsetsQuery(q)),
            })
            .await
            .map_err(|_| Error::fatal("the stream to the core is closed"))?;
        let answer = tokio::time::timeout(std::time::Duration::from_secs(60), rx)
            .await
            .map_err(|_| Error::fatal("the core did not answer an offsets query within 60s"))?
            .map_err(|_| Error::fatal("the stream to the core is closed"))?;
        crate::source::remember_offsets(&self.offsets, answer)?;
        Ok(partitions.iter().map(|p| self.offset(p)).collect())
    }
}

/// Maps compare without regard to entry order (a source partition is a Java Map), and
/// integers by value whatever their width: a stored partition comes back from its JSON
/// with 64-bit integers, and Kafka Connect looks a partition up by its serialized form.
fn same_map(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| same_map(k, k2) && same_map(v, v2)))
        }
        (
            Value::Int8(_) | Value::Int16(_) | Value::Int32(_) | Value::Int64(_),
            Value::Int8(_) | Value::Int16(_) | Value::Int32(_) | Value::Int64(_),
        ) => a.as_i64() == b.as_i64(),
        _ => a == b,
    }
}

/// Given to a sink task's `start`: the errant record reporter and Kafka Connect's
/// SinkTaskContext requests ([`offset`](Self::offset), [`pause`](Self::pause),
/// [`resume`](Self::resume), [`request_commit`](Self::request_commit)).
///
/// Each request goes to the core at once (from `start`: right after it), in call order with
/// reported records, and always before the `PutDone` of a `put` that makes it, so the core
/// applies it before the next `put`. Clones share the stream; any thread may call them.
#[derive(Clone)]
pub struct SinkContext {
    pub(crate) name: String,
    pub(crate) task_id: u32,
    pub(crate) outbox: Arc<crate::sink::Outbox>,
}

impl SinkContext {
    pub fn connector_name(&self) -> &str {
        &self.name
    }

    /// Kafka Connect's `SinkTaskContext.timeout`: when the next `put` returns a retriable
    /// error (without its own `retry_after`), the core delivers the same records again after
    /// `timeout` instead of its own back-off (at most 60 s). Used once.
    pub fn timeout(&self, timeout: std::time::Duration) {
        self.outbox.retry_timeout_ms.store(
            i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX),
            std::sync::atomic::Ordering::SeqCst,
        );
    }

    pub fn task_id(&self) -> u32 {
        self.task_id
    }

    /// Reports one bad record without failing the task; the core applies
    /// `errors.tolerance` and the dead letter queue. Sent before the Put's `PutDone`.
    pub fn report(&self, record: &SinkRecord, error: Error) {
        let mut e = error.to_proto();
        e.kind = pb::ErrorKind::Record as i32;
        e.kafka_topic = record.original_topic.clone();
        e.kafka_partition = record.original_kafka_partition;
        e.kafka_offset = record.kafka_offset;
        self.outbox
            .push(pb::sink_response::Msg::Errant(pb::ErrantRecord {
                topic: record.original_topic.clone(),
                kafka_partition: record.original_kafka_partition,
                kafka_offset: record.kafka_offset,
                error: Some(e),
            }));
    }

    /// The next offset to consume for `partition` (a rewind or a skip): the core seeks
    /// there and counts it as consumed for the next flush.
    pub fn offset(&self, partition: TopicPartition, offset: i64) {
        self.offsets([(partition, offset)]);
    }

    /// [`offset`](Self::offset) for several partitions in one request.
    pub fn offsets(&self, offsets: impl IntoIterator<Item = (TopicPartition, i64)>) {
        let mut offsets: Vec<_> = offsets
            .into_iter()
            .map(|(tp, offset)| pb::TopicPartitionOffset {
                topic: tp.topic,
                partition: tp.partition,
                offset,
            })
            .collect();
        if offsets.is_empty() {
            return;
        }
        offsets.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        self.outbox.request(pb::SinkContext {
            offsets,
            ..Default::default()
        });
    }

    /// Stops fetching these partitions (they stay assigned) until resumed or revoked.
    pub fn pause(&self, partitions: &[TopicPartition]) {
        if !partitions.is_empty() {
            self.outbox.request(pb::SinkContext {
                pause: partitions_proto(partitions),
                ..Default::default()
            });
        }
    }

    /// Fetches paused partitions again.
    pub fn resume(&self, partitions: &[TopicPartition]) {
        if !partitions.is_empty() {
            self.outbox.request(pb::SinkContext {
                resume: partitions_proto(partitions),
                ..Default::default()
            });
        }
    }

    /// A flush and offset commit as soon as possible instead of at the next
    /// `offset.flush.interval.ms`.
    pub fn request_commit(&self) {
        self.outbox.request(pb::SinkContext {
            request_commit: true,
            ..Default::default()
        });
    }
}

fn partitions_proto(partitions: &[TopicPartition]) -> Vec<pb::TopicPartition> {
    partitions
        .iter()
        .map(|p| pb::TopicPartition {
            topic: p.topic.clone(),
            partition: p.partition,
        })
        .collect()
}

// ------------------------------------------------------------------------ plugins

/// The object-safe face of a [`Connector`].
#[async_trait]
pub(crate) trait DynConnector: Send + Sync {
    fn validate(&self, config: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>>;
    fn exactly_once_support(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<Option<ExactlyOnceSupport>>;
    fn can_define_transaction_boundaries(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<ConnectorTransactionBoundaries>;
    fn alter_offsets(
        &self,
        config: &BTreeMap<String, String>,
        offsets: &OffsetChanges,
    ) -> Result<bool>;
    async fn start(&mut self, ctx: ConnectorContext, config: &Config) -> Result<()>;
    async fn task_configs(&mut self, config: &Config, max_tasks: usize) -> Result<Vec<Config>>;
    async fn stop(&mut self) -> Result<()>;
}

#[async_trait]
impl<C: Connector> DynConnector for C {
    fn validate(&self, config: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
        Connector::validate(self, config)
    }
    fn exactly_once_support(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<Option<ExactlyOnceSupport>> {
        Connector::exactly_once_support(self, config)
    }
    fn can_define_transaction_boundaries(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<ConnectorTransactionBoundaries> {
        Connector::can_define_transaction_boundaries(self, config)
    }
    fn alter_offsets(
        &self,
        config: &BTreeMap<String, String>,
        offsets: &OffsetChanges,
    ) -> Result<bool> {
        Connector::alter_offsets(self, config, offsets)
    }
    async fn start(&mut self, ctx: ConnectorContext, config: &Config) -> Result<()> {
        Connector::start(self, ctx, config).await
    }
    async fn task_configs(&mut self, config: &Config, max_tasks: usize) -> Result<Vec<Config>> {
        Connector::task_configs(self, config, max_tasks).await
    }
    async fn stop(&mut self) -> Result<()> {
        Connector::stop(self).await
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Source,
    Sink,
    Transformation,
    Predicate,
}

/// A connector, transformation or predicate class served by this process.
#[derive(Clone)]
pub struct Plugin {
    pub(crate) class: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) version: &'static str,
    pub(crate) kind: Kind,
    pub(crate) config_def: ConfigDef,
    /// Connectors only.
    pub(crate) new_connector: Option<fn() -> Box<dyn DynConnector>>,
    pub(crate) new_source: fn() -> Option<Box<dyn SourceTask>>,
    pub(crate) new_sink: fn() -> Option<Box<dyn SinkTask>>,
    /// Transformations and predicates only.
    pub(crate) new_stage: Option<fn() -> Box<dyn DynStage>>,
}

fn new_connector<C: Connector>() -> Box<dyn DynConnector> {
    Box::new(C::default())
}
fn new_source<T: SourceTask + Default>() -> Option<Box<dyn SourceTask>> {
    Some(Box::new(T::default()))
}
fn new_sink<T: SinkTask + Default>() -> Option<Box<dyn SinkTask>> {
    Some(Box::new(T::default()))
}
fn new_transform<T: Transformation>() -> Box<dyn DynStage> {
    Box::new(TransformStage(T::default()))
}
fn new_predicate<P: Predicate>() -> Box<dyn DynStage> {
    Box::new(PredicateStage(P::default()))
}

impl Plugin {
    /// A source connector.
    pub fn source<C: Connector>() -> Plugin
    where
        C::Task: SourceTask,
    {
        Plugin::new::<C>(Kind::Source, new_source::<C::Task>, || None)
    }

    /// A sink connector.
    pub fn sink<C: Connector>() -> Plugin
    where
        C::Task: SinkTask,
    {
        Plugin::new::<C>(Kind::Sink, || None, new_sink::<C::Task>)
    }

    fn new<C: Connector>(
        kind: Kind,
        new_source: fn() -> Option<Box<dyn SourceTask>>,
        new_sink: fn() -> Option<Box<dyn SinkTask>>,
    ) -> Plugin {
        Plugin {
            class: C::CLASS,
            aliases: C::ALIASES,
            version: C::VERSION,
            kind,
            config_def: C::config_def(),
            new_connector: Some(new_connector::<C>),
            new_source,
            new_sink,
            new_stage: None,
        }
    }

    /// A single message transform, served on the `Transform` service.
    pub fn transform<T: Transformation>() -> Plugin {
        Plugin {
            class: T::CLASS,
            aliases: T::ALIASES,
            version: T::VERSION,
            kind: Kind::Transformation,
            config_def: T::config_def(),
            new_connector: None,
            new_source: || None,
            new_sink: || None,
            new_stage: Some(new_transform::<T>),
        }
    }

    /// A predicate, served on the `Transform` service.
    pub fn predicate<P: Predicate>() -> Plugin {
        Plugin {
            class: P::CLASS,
            aliases: P::ALIASES,
            version: P::VERSION,
            kind: Kind::Predicate,
            config_def: P::config_def(),
            new_connector: None,
            new_source: || None,
            new_sink: || None,
            new_stage: Some(new_predicate::<P>),
        }
    }

    pub(crate) fn matches(&self, name: &str) -> bool {
        std::iter::once(self.class)
            .chain(self.aliases.iter().copied())
            .any(|k| class_matches(k, name))
    }

    pub(crate) fn info(&self) -> pb::PluginInfo {
        pb::PluginInfo {
            class_name: self.class.into(),
            aliases: self.aliases.iter().map(|s| s.to_string()).collect(),
            r#type: match self.kind {
                Kind::Source => pb::PluginType::Source,
                Kind::Sink => pb::PluginType::Sink,
                Kind::Transformation => pb::PluginType::Transformation,
                Kind::Predicate => pb::PluginType::Predicate,
            } as i32,
            version: self.version.into(),
        }
    }
}

/// Kafka Connect's alias rules: the full name, the simple name, or the simple name
/// without a `Connector` suffix.
fn class_matches(known: &str, asked: &str) -> bool {
    let simple = |s: &str| s.rsplit('.').next().unwrap_or(s).to_string();
    let strip = |s: String| s.strip_suffix("Connector").map(str::to_string).unwrap_or(s);
    known == asked || simple(known) == simple(asked) || strip(simple(known)) == strip(simple(asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_match_whatever_the_integer_width() {
        let mine = Value::map([("file", "a".into()), ("task", Value::Int32(3))]);
        let stored = Value::map([("task", Value::Int64(3)), ("file", "a".into())]);
        assert!(same_map(&mine, &stored));
        let other = Value::map([("task", Value::Int64(4)), ("file", "a".into())]);
        assert!(!same_map(&mine, &other));
        let text = Value::map([("task", "3".into()), ("file", "a".into())]);
        assert!(!same_map(&mine, &text));
    }
}

#[cfg(test)]
mod transaction_tests {
    use super::*;

    fn records(n: usize) -> Vec<SourceRecord> {
        (0..n).map(|_| SourceRecord::new("t")).collect()
    }

    fn encoded(n: usize) -> Vec<pb::SourceRecord> {
        (0..n).map(|_| pb::SourceRecord::default()).collect()
    }

    #[test]
    fn record_requests_go_on_their_records_and_the_batchs_on_the_last() {
        let txn = TransactionContext::default();
        let mut rs = records(4);
        txn.commit_transaction_after(&mut rs[1]);
        txn.abort_transaction_after(&mut rs[2]);
        txn.commit_transaction();
        let mut e = encoded(4);
        txn.apply(&rs, &mut e).unwrap();
        let got: Vec<i32> = e.iter().map(|p| p.transaction).collect();
        assert_eq!(
            got,
            vec![
                pb::TransactionAction::None as i32,
                pb::TransactionAction::CommitTransaction as i32,
                pb::TransactionAction::AbortTransaction as i32,
                pb::TransactionAction::CommitTransaction as i32,
            ]
        );
        // The batch's request was consumed; a record's own wins over the batch's.
        let mut rs = records(2);
        txn.abort_transaction();
        txn.commit_transaction_after(&mut rs[1]);
        let mut e = encoded(2);
        txn.apply(&rs, &mut e).unwrap();
        assert_eq!(
            e[1].transaction,
            pb::TransactionAction::CommitTransaction as i32
        );
        let mut e = encoded(2);
        txn.apply(&records(2), &mut e).unwrap();
        assert!(e.iter().all(|p| p.transaction == 0));
    }

    #[test]
    fn a_commit_and_an_abort_of_one_record_fail() {
        let txn = TransactionContext::default();
        let mut rs = records(1);
        txn.commit_transaction_after(&mut rs[0]);
        txn.abort_transaction_after(&mut rs[0]);
        let err = txn.apply(&rs, &mut encoded(1)).unwrap_err();
        assert!(err
            .message()
            .starts_with("Connector requested both commit and abort of same record"));
        txn.commit_transaction();
        txn.abort_transaction();
        let err = txn.apply(&records(1), &mut encoded(1)).unwrap_err();
        assert_eq!(
            err.message(),
            "Connector requested both commit and abort of same transaction"
        );
    }
}
