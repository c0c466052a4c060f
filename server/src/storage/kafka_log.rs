//! A compacted Kafka topic read and written as a log, the ground distributed mode's stores
//! stand on (Kafka Connect's `KafkaBasedLog` and the topic checks of its `TopicAdmin`).
//!
//! - The consumer is assigned every partition of the topic from the beginning: no group,
//!   no offset commits, `read_committed`. [`KafkaLog::read_to_end`] captures each
//!   partition's end offset when it is called and returns once the consumer has passed
//!   them, with every record read since the previous call, in offset order per partition.
//!   A worker therefore sees its own writes and every other worker's acknowledged writes
//!   before it acts.
//! - The producer writes with `acks=all` and idempotence, keys placed with murmur2 as
//!   Java's producer places them; [`KafkaLog::send`] returns once the broker acknowledged
//!   every record, which went out in the order given.
//! - [`ensure_topics`] creates a missing topic compacted with its partitions and
//!   replication factor (`-1`: the broker's default) and checks an existing one: every
//!   internal topic must be `cleanup.policy=compact` only and the config topic must have
//!   exactly one partition. Every problem of every topic is reported at once, in Kafka
//!   Connect's words.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, ResourceSpecifier, TopicReplication};
use rdkafka::client::ClientContext;
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

use crate::config::distributed::DistributedConfig;
use crate::config::{with_prefix, Props, WorkerConfig};

/// How long a read to the end or a write may take (Kafka Connect's
/// `READ_WRITE_TOTAL_TIMEOUT_MS`, 30 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum KafkaLogError {
    /// The internal topics cannot be used; one line per problem.
    #[error("{}", .0.join("\n"))]
    Topics(Vec<String>),
    #[error("topic '{topic}': {message}")]
    Kafka { topic: String, message: String },
    #[error("topic '{topic}': {what} did not complete within {timeout:?}")]
    Timeout {
        topic: String,
        what: &'static str,
        timeout: Duration,
    },
}

/// An error that means "no leader yet" (a topic just created, a leader moving).
fn leaderless(e: &KafkaLogError) -> bool {
    let text = e.to_string();
    [
        "NotLeaderForPartition",
        "NotLeaderOrFollower",
        "LeaderNotAvailable",
        "UnknownTopicOrPartition",
        "Unknown topic or partition",
        "Not leader",
        "Leader not available",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

fn kafka_err(topic: &str, what: &str, e: impl std::fmt::Display) -> KafkaLogError {
    KafkaLogError::Kafka {
        topic: topic.to_string(),
        message: format!("{what}: {e}"),
    }
}

/// One internal topic: its name, how to create it and what to check.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicSpec {
    pub name: String,
    /// The worker setting that names the topic (`config.storage.topic`), for messages.
    pub setting: &'static str,
    /// What the topic holds, for messages (Kafka Connect's wording).
    pub purpose: &'static str,
    /// `-1`: the broker's default.
    pub partitions: i32,
    /// `-1`: the broker's default.
    pub replication_factor: i16,
    /// The config topic: exactly one partition, or the worker refuses to start.
    pub single_partition: bool,
    /// Topic-level settings for creation (`config.storage.*` and the like).
    pub settings: Vec<(String, String)>,
}

/// `<prefix>*` worker settings that go to the topic when it is created, as Kafka Connect's
/// `DistributedConfig.topicSettings` takes them: not the topic name, partitions or
/// replication factor, and not `cleanup.policy` (always `compact`).
fn topic_settings(props: &Props, prefix: &str) -> Vec<(String, String)> {
    with_prefix(props, prefix)
        .into_iter()
        .filter(|(k, v)| {
            if k == "cleanup.policy" {
                tracing::warn!(
                    "ignoring '{prefix}cleanup.policy={v}': internal topics are always compacted"
                );
            }
            !matches!(
                k.as_str(),
                "topic" | "replication.factor" | "partitions" | "cleanup.policy"
            )
        })
        .collect()
}

impl TopicSpec {
    pub fn config(d: &DistributedConfig, props: &Props) -> TopicSpec {
        TopicSpec {
            name: d.config_storage_topic.clone(),
            setting: "config.storage.topic",
            purpose: "connector configurations",
            partitions: 1,
            replication_factor: d.config_storage_replication_factor,
            single_partition: true,
            settings: topic_settings(props, "config.storage."),
        }
    }

    pub fn offsets(d: &DistributedConfig, props: &Props) -> TopicSpec {
        TopicSpec {
            name: d.offset_storage_topic.clone(),
            setting: "offset.storage.topic",
            purpose: "source connector offsets",
            partitions: d.offset_storage_partitions,
            replication_factor: d.offset_storage_replication_factor,
            single_partition: false,
            settings: topic_settings(props, "offset.storage."),
        }
    }

    pub fn status(d: &DistributedConfig, props: &Props) -> TopicSpec {
        TopicSpec {
            name: d.status_storage_topic.clone(),
            setting: "status.storage.topic",
            purpose: "connector and task statuses",
            partitions: d.status_storage_partitions,
            replication_factor: d.status_storage_replication_factor,
            single_partition: false,
            settings: topic_settings(props, "status.storage."),
        }
    }

    /// The worker setting holding the replication factor (for messages).
    fn replication_setting(&self) -> String {
        format!(
            "{}.replication.factor",
            self.setting.trim_end_matches(".topic")
        )
    }
}

/// The client settings the internal topics' clients share: the bootstrap servers and the
/// worker's security settings (Kafka Connect gives these clients the worker's own
/// settings), translated for librdkafka (`crate::kafka::security`).
pub fn base_client_config(worker: &WorkerConfig) -> Result<ClientConfig, KafkaLogError> {
    crate::kafka::worker_client_config(worker)
        .map_err(|e| KafkaLogError::Topics(vec![format!("invalid Kafka client settings: {e}")]))
}

/// Creates the topics that are missing and checks every one; `Err` lists every problem.
pub async fn ensure_topics(base: &ClientConfig, specs: &[TopicSpec]) -> Result<(), KafkaLogError> {
    let admin: AdminClient<DefaultClientContext> = base.clone().create().map_err(|e| {
        KafkaLogError::Topics(vec![format!(
            "cannot create an admin client: {}",
            crate::kafka::creation_error(&e)
        )])
    })?;
    let admin = Arc::new(admin);
    let mut problems = Vec::new();
    for spec in specs {
        if let Err(mut p) = ensure_topic(&admin, spec).await {
            problems.append(&mut p);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(KafkaLogError::Topics(problems))
    }
}

async fn ensure_topic(
    admin: &Arc<AdminClient<DefaultClientContext>>,
    spec: &TopicSpec,
) -> Result<(), Vec<String>> {
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let mut topic = NewTopic::new(
        &spec.name,
        spec.partitions,
        TopicReplication::Fixed(spec.replication_factor as i32),
    );
    for (k, v) in &spec.settings {
        topic = topic.set(k, v);
    }
    topic = topic.set("cleanup.policy", "compact");
    let created = admin
        .create_topics([&topic], &opts)
        .await
        .map_err(|e| vec![format!("topic '{}': cannot create it: {e}", spec.name)])?;
    for r in created {
        match r {
            Ok(_) => tracing::info!(
                topic = %spec.name,
                partitions = spec.partitions,
                replication_factor = spec.replication_factor,
                "created the internal topic"
            ),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((_, RDKafkaErrorCode::InvalidReplicationFactor)) => {
                return Err(vec![format!(
                    "Topic '{}' supplied via the '{}' property cannot be created: the replication factor {} is larger \
                     than the number of brokers. Lower '{}' (-1 takes the broker's default) or add brokers.",
                    spec.name,
                    spec.setting,
                    spec.replication_factor,
                    spec.replication_setting()
                )]);
            }
            Err((_, code)) => {
                return Err(vec![format!(
                    "Topic '{}' supplied via the '{}' property cannot be created: {code}",
                    spec.name, spec.setting
                )]);
            }
        }
    }

    let mut problems = Vec::new();
    let partitions = partition_count(admin, &spec.name).await?;
    if spec.single_partition && partitions > 1 {
        problems.push(format!(
            "Topic '{}' supplied via the '{}' property is required to have a single partition in order to guarantee \
             consistency of connector configurations, but found {partitions} partitions. Delete the topic and let the \
             worker create it, or set '{}' to a topic with one partition.",
            spec.name, spec.setting, spec.setting
        ));
    }
    let described = admin
        .describe_configs([&ResourceSpecifier::Topic(&spec.name)], &opts)
        .await
        .map_err(|e| vec![format!("topic '{}': cannot describe it: {e}", spec.name)])?;
    match described.into_iter().next() {
        Some(Ok(resource)) => {
            let policy = resource
                .get("cleanup.policy")
                .and_then(|e| e.value.clone())
                .unwrap_or_default();
            let policies: std::collections::BTreeSet<String> = policy
                .split(',')
                .map(|p| p.trim().to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .collect();
            if policies.len() != 1 || !policies.contains("compact") {
                // Kafka Connect's message (`TopicAdmin.verifyTopicCleanupPolicyOnlyCompact`).
                problems.push(format!(
                    "Topic '{topic}' supplied via the '{setting}' property is required to have 'cleanup.policy=compact' \
                     to guarantee consistency and durability of {purpose}, but found the topic currently has \
                     'cleanup.policy={policy}'. Continuing would likely result in eventually losing {purpose} and \
                     problems restarting this Connect cluster in the future. Change the '{setting}' property in the \
                     Connect worker configurations to use a topic with 'cleanup.policy=compact'.",
                    topic = spec.name,
                    setting = spec.setting,
                    purpose = spec.purpose,
                    policy = policies.into_iter().collect::<Vec<_>>().join(","),
                ));
            }
        }
        Some(Err(code)) => {
            // Kafka Connect logs and goes on when it may not describe the topic's configs.
            tracing::info!(topic = %spec.name, error = %code, "cannot verify the cleanup policy of the internal topic");
        }
        None => {}
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The topic's partition count; waits briefly for a topic just created to show.
async fn partition_count(
    admin: &Arc<AdminClient<DefaultClientContext>>,
    topic: &str,
) -> Result<i32, Vec<String>> {
    let admin = admin.clone();
    let name = topic.to_string();
    tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let md = admin
                .inner()
                .fetch_metadata(Some(&name), Duration::from_secs(10))
                .map_err(|e| vec![format!("topic '{name}': cannot read its metadata: {e}")])?;
            if let Some(t) = md.topics().iter().find(|t| t.name() == name) {
                if t.error().is_none() && !t.partitions().is_empty() {
                    return Ok(t.partitions().len() as i32);
                }
            }
            if Instant::now() > deadline {
                return Err(vec![format!(
                    "topic '{name}': not found in the cluster's metadata after it was created"
                )]);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
    .await
    .map_err(|e| vec![format!("topic '{topic}': {e}")])?
}

/// A record read from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<String>,
    /// `None`: a tombstone.
    pub value: Option<Vec<u8>>,
}

/// What the internal-topic stores need of a compacted topic: read what is new up to the
/// end as it is now, and write records in order, returning once they are durable. The
/// stores (`kafka_configs`, `kafka_status`, `kafka_offsets`) hold one of these, so their
/// formats, snapshots and generation checks run the same on a broker ([`KafkaLog`]) and in
/// memory ([`MemoryLog`], for tests that need no broker).
#[async_trait::async_trait]
pub trait CompactedLog: Send + Sync {
    fn topic(&self) -> &str;

    /// Applies every record written since this reader's previous read, up to the end as it
    /// was when called, in log order; returns how many.
    async fn read_to_end_with(
        &self,
        apply: &mut (dyn FnMut(LogRecord) + Send),
    ) -> Result<usize, KafkaLogError>;

    /// Writes records in order (a `None` value is a tombstone); returns once all are
    /// durable.
    async fn send(&self, records: &[(String, Option<Vec<u8>>)]) -> Result<(), KafkaLogError>;
}

#[async_trait::async_trait]
impl CompactedLog for KafkaLog {
    fn topic(&self) -> &str {
        KafkaLog::topic(self)
    }

    async fn read_to_end_with(
        &self,
        apply: &mut (dyn FnMut(LogRecord) + Send),
    ) -> Result<usize, KafkaLogError> {
        KafkaLog::read_to_end_with(self, apply).await
    }

    async fn send(&self, records: &[(String, Option<Vec<u8>>)]) -> Result<(), KafkaLogError> {
        KafkaLog::send(self, records).await
    }
}

/// A log in memory, one partition: what several workers' stores share in a test (each
/// reader made by [`MemoryLog::reader`] has its own position, as each worker's consumer
/// has). Compaction is not modelled: a reader from the start reads every record.
pub struct MemoryLog {
    topic: String,
    records: Arc<std::sync::Mutex<Vec<LogRecord>>>,
    position: std::sync::Mutex<usize>,
}

impl MemoryLog {
    pub fn new(topic: &str) -> MemoryLog {
        MemoryLog {
            topic: topic.to_string(),
            records: Arc::new(std::sync::Mutex::new(Vec::new())),
            position: std::sync::Mutex::new(0),
        }
    }

    /// Another reader of the same records, from the start.
    pub fn reader(&self) -> MemoryLog {
        MemoryLog {
            topic: self.topic.clone(),
            records: self.records.clone(),
            position: std::sync::Mutex::new(0),
        }
    }

    /// Every record written, in order.
    pub fn records(&self) -> Vec<LogRecord> {
        self.records.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl CompactedLog for MemoryLog {
    fn topic(&self) -> &str {
        &self.topic
    }

    async fn read_to_end_with(
        &self,
        apply: &mut (dyn FnMut(LogRecord) + Send),
    ) -> Result<usize, KafkaLogError> {
        // The position is held while applying, so two reads of one reader apply in order.
        let mut position = self.position.lock().unwrap();
        let new: Vec<LogRecord> = self.records.lock().unwrap()[*position..].to_vec();
        *position += new.len();
        let n = new.len();
        for r in new {
            apply(r);
        }
        Ok(n)
    }

    async fn send(&self, records: &[(String, Option<Vec<u8>>)]) -> Result<(), KafkaLogError> {
        let mut log = self.records.lock().unwrap();
        for (key, value) in records {
            let offset = log.len() as i64;
            log.push(LogRecord {
                partition: 0,
                offset,
                key: Some(key.clone()),
                value: value.clone(),
            });
        }
        Ok(())
    }
}

/// A compacted topic as a log (see the module docs).
pub struct KafkaLog {
    topic: String,
    producer: FutureProducer,
    /// Only one read at a time: the consumer and its positions are one cursor.
    consumer: tokio::sync::Mutex<Arc<BaseConsumer<ReaderContext>>>,
    /// Asks for the end offsets. A client of its own: on the reading consumer's connection
    /// the request would wait behind a fetch parked at the broker (`fetch.wait.max.ms`).
    ends: Arc<BaseConsumer<ReaderContext>>,
    partitions: Vec<i32>,
    timeout: Duration,
}

/// The context of an internal topic's readers. They ask for partition ends
/// (`enable.partition.eof`), which librdkafka also reports as a client-level error event:
/// that is where a read stops, not an error, so it is not logged as one.
pub struct ReaderContext;

impl ClientContext for ReaderContext {
    fn error(&self, error: KafkaError, reason: &str) {
        if matches!(
            error,
            KafkaError::Global(RDKafkaErrorCode::PartitionEOF) | KafkaError::PartitionEOF(_)
        ) {
            tracing::trace!(reason, "internal topic reader: end of a partition");
            return;
        }
        tracing::error!(error = %error, reason, "internal topic reader: Kafka client error");
    }
}

impl ConsumerContext for ReaderContext {}

impl KafkaLog {
    /// Opens the log on an existing topic (see [`ensure_topics`]); `client_id` names its
    /// clients in the broker's logs and metrics.
    pub async fn open(
        base: &ClientConfig,
        topic: &str,
        client_id: &str,
    ) -> Result<KafkaLog, KafkaLogError> {
        let mut pcfg = base.clone();
        pcfg.set("client.id", format!("{client_id}-producer"))
            .set("acks", "all")
            .set("enable.idempotence", "true")
            .set("partitioner", "murmur2_random")
            .set("linger.ms", "0")
            .set(
                "message.timeout.ms",
                DEFAULT_TIMEOUT.as_millis().to_string(),
            );
        let producer: FutureProducer = pcfg.create().map_err(|e| {
            kafka_err(
                topic,
                "cannot create the producer",
                crate::kafka::creation_error(&e),
            )
        })?;
        let mut ccfg = base.clone();
        ccfg.set("client.id", format!("{client_id}-consumer"))
            // No group: the log reads every partition itself and commits nothing. librdkafka
            // wants a group id to build a consumer; it is never used to join or commit.
            .set("group.id", format!("{client_id}-unused"))
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("isolation.level", "read_committed")
            .set("auto.offset.reset", "earliest")
            .set("enable.partition.eof", "true");
        let consumer: BaseConsumer<ReaderContext> =
            ccfg.create_with_context(ReaderContext).map_err(|e| {
                kafka_err(
                    topic,
                    "cannot create the consumer",
                    crate::kafka::creation_error(&e),
                )
            })?;
        ccfg.set("client.id", format!("{client_id}-end-offsets"));
        let ends: BaseConsumer<ReaderContext> =
            ccfg.create_with_context(ReaderContext).map_err(|e| {
                kafka_err(
                    topic,
                    "cannot create the consumer",
                    crate::kafka::creation_error(&e),
                )
            })?;
        let consumer = Arc::new(consumer);
        let name = topic.to_string();
        let c = consumer.clone();
        let partitions = tokio::task::spawn_blocking(move || -> Result<Vec<i32>, KafkaLogError> {
            let md = c
                .fetch_metadata(Some(&name), Duration::from_secs(10))
                .map_err(|e| kafka_err(&name, "cannot read its metadata", e))?;
            let t = md
                .topics()
                .iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| kafka_err(&name, "metadata", "the topic does not exist"))?;
            if let Some(e) = t.error() {
                return Err(kafka_err(&name, "metadata", RDKafkaErrorCode::from(e)));
            }
            let mut parts: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
            parts.sort_unstable();
            let mut tpl = TopicPartitionList::new();
            for p in &parts {
                tpl.add_partition_offset(&name, *p, Offset::Beginning)
                    .map_err(|e| kafka_err(&name, "assign", e))?;
            }
            c.assign(&tpl).map_err(|e| kafka_err(&name, "assign", e))?;
            Ok(parts)
        })
        .await
        .map_err(|e| kafka_err(topic, "open", e))??;
        if partitions.is_empty() {
            return Err(kafka_err(topic, "metadata", "the topic has no partitions"));
        }
        Ok(KafkaLog {
            topic: topic.to_string(),
            producer,
            consumer: tokio::sync::Mutex::new(consumer),
            ends: Arc::new(ends),
            partitions,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    pub fn partitions(&self) -> &[i32] {
        &self.partitions
    }

    /// Reads until the end offsets of every partition as they are now; returns the records
    /// read since the previous call (offset order within each partition).
    pub async fn read_to_end(&self) -> Result<Vec<LogRecord>, KafkaLogError> {
        let mut out = Vec::new();
        self.read_to_end_with(|r| out.push(r)).await?;
        Ok(out)
    }

    /// As [`Self::read_to_end`], applying each record with `apply` before another read can
    /// start, so concurrent readers of one log apply records in the log's order.
    pub async fn read_to_end_with(
        &self,
        mut apply: impl FnMut(LogRecord),
    ) -> Result<usize, KafkaLogError> {
        let consumer = self.consumer.lock().await;
        let c = consumer.clone();
        let ends = self.ends.clone();
        let topic = self.topic.clone();
        let partitions = self.partitions.clone();
        let timeout = self.timeout;
        let records = tokio::task::spawn_blocking(move || {
            read_blocking(&c, &ends, &topic, &partitions, timeout)
        })
        .await
        .map_err(|e| kafka_err(&self.topic, "read", e))??;
        let n = records.len();
        for r in records {
            apply(r);
        }
        drop(consumer);
        Ok(n)
    }

    /// Writes records in order and returns once the broker acknowledged all of them (the
    /// first error otherwise). A `None` value is a tombstone.
    pub async fn send(&self, records: &[(String, Option<Vec<u8>>)]) -> Result<(), KafkaLogError> {
        let mut pending = Vec::with_capacity(records.len());
        let deadline = Instant::now() + self.timeout;
        for (key, value) in records {
            let mut record = FutureRecord::<String, Vec<u8>>::to(&self.topic).key(key);
            if let Some(v) = value {
                record = record.payload(v);
            }
            // Enqueued here, one after the other, so they go out in this order.
            loop {
                match self.producer.send_result(record) {
                    Ok(f) => {
                        pending.push(f);
                        break;
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                        if Instant::now() > deadline {
                            return Err(KafkaLogError::Timeout {
                                topic: self.topic.clone(),
                                what: "a write",
                                timeout: self.timeout,
                            });
                        }
                        record = r;
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    Err((e, _)) => return Err(kafka_err(&self.topic, "write", e)),
                }
            }
        }
        for f in pending {
            match f.await {
                Ok(Ok(_)) => {}
                Ok(Err((e, _))) => return Err(kafka_err(&self.topic, "write", e)),
                Err(_) => return Err(kafka_err(&self.topic, "write", "the producer went away")),
            }
        }
        Ok(())
    }

    /// Waits until every record handed to the producer was acknowledged.
    pub fn flush(&self) -> Result<(), KafkaLogError> {
        self.producer
            .flush(Timeout::After(self.timeout))
            .map_err(|e| kafka_err(&self.topic, "flush", e))
    }
}

/// A transactional writer of one topic: Kafka Connect's fencable config-topic producer
/// (`connect-cluster-<group.id>`, KIP-618). Its `init_transactions` fences every earlier
/// producer with the id, so a leader that lost its place (a zombie) can no longer write;
/// each [`TransactionalWriter::send`] is one transaction.
pub struct TransactionalWriter {
    topic: String,
    transactional_id: String,
    producer: FutureProducer,
    timeout: Duration,
}

impl TransactionalWriter {
    /// Creates the producer and initializes its transactional id.
    pub async fn start(
        base: &ClientConfig,
        topic: &str,
        transactional_id: &str,
        client_id: &str,
    ) -> Result<TransactionalWriter, KafkaLogError> {
        let mut cfg = base.clone();
        cfg.set("client.id", client_id)
            .set("acks", "all")
            .set("enable.idempotence", "true")
            .set("transactional.id", transactional_id)
            .set("linger.ms", "0")
            .set(
                "message.timeout.ms",
                DEFAULT_TIMEOUT.as_millis().to_string(),
            );
        let producer: FutureProducer = cfg.create().map_err(|e| {
            kafka_err(
                topic,
                "cannot create the transactional producer",
                crate::kafka::creation_error(&e),
            )
        })?;
        let p = producer.clone();
        let timeout = DEFAULT_TIMEOUT;
        tokio::task::spawn_blocking(move || p.init_transactions(timeout))
            .await
            .map_err(|e| kafka_err(topic, "init_transactions", e))?
            .map_err(|e| {
                kafka_err(
                    topic,
                    &format!("cannot initialize the transactional id {transactional_id}"),
                    e,
                )
            })?;
        Ok(TransactionalWriter {
            topic: topic.to_string(),
            transactional_id: transactional_id.to_string(),
            producer,
            timeout,
        })
    }

    pub fn transactional_id(&self) -> &str {
        &self.transactional_id
    }

    /// Writes the records in one transaction and commits it; aborts it on a failure.
    pub async fn send(&self, records: &[(String, Option<Vec<u8>>)]) -> Result<(), KafkaLogError> {
        let written = self.send_in_transaction(records).await;
        if written.is_err() {
            let p = self.producer.clone();
            let timeout = self.timeout;
            let _ = tokio::task::spawn_blocking(move || p.abort_transaction(timeout)).await;
        }
        written
    }

    async fn send_in_transaction(
        &self,
        records: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), KafkaLogError> {
        let topic = &self.topic;
        self.producer
            .begin_transaction()
            .map_err(|e| kafka_err(topic, "begin_transaction", e))?;
        let mut pending = Vec::with_capacity(records.len());
        for (key, value) in records {
            let mut record = FutureRecord::<String, Vec<u8>>::to(topic).key(key);
            if let Some(v) = value {
                record = record.payload(v);
            }
            match self.producer.send_result(record) {
                Ok(f) => pending.push(f),
                Err((e, _)) => return Err(kafka_err(topic, "write", e)),
            }
        }
        for f in pending {
            match f.await {
                Ok(Ok(_)) => {}
                Ok(Err((e, _))) => return Err(kafka_err(topic, "write", e)),
                Err(_) => return Err(kafka_err(topic, "write", "the producer went away")),
            }
        }
        let p = self.producer.clone();
        let timeout = self.timeout;
        tokio::task::spawn_blocking(move || p.commit_transaction(timeout))
            .await
            .map_err(|e| kafka_err(topic, "commit_transaction", e))?
            .map_err(|e| kafka_err(topic, "commit_transaction", e))
    }
}

fn read_blocking(
    consumer: &BaseConsumer<ReaderContext>,
    end_offsets: &BaseConsumer<ReaderContext>,
    topic: &str,
    partitions: &[i32],
    timeout: Duration,
) -> Result<Vec<LogRecord>, KafkaLogError> {
    let deadline = Instant::now() + timeout;
    // The end of each partition now (the last stable offset under read_committed), and
    // its start: an empty partition, or one compacted to nothing, is read at once.
    // One ListOffsets request per leader for each (Java's `endOffsets`); under
    // read_committed the latest offset is the last stable offset.
    let list = |at: Offset| -> Result<BTreeMap<i32, i64>, KafkaLogError> {
        let mut tpl = TopicPartitionList::new();
        for p in partitions {
            tpl.add_partition_offset(topic, *p, at)
                .map_err(|e| kafka_err(topic, "end offsets", e))?;
        }
        let got = end_offsets
            .offsets_for_times(tpl, timeout)
            .map_err(|e| kafka_err(topic, "end offsets", e))?;
        let mut out = BTreeMap::new();
        for e in got.elements_for_topic(topic) {
            if let Err(err) = e.error() {
                return Err(kafka_err(topic, "end offsets", err));
            }
            match e.offset() {
                Offset::Offset(o) => out.insert(e.partition(), o),
                other => {
                    return Err(kafka_err(
                        topic,
                        "end offsets",
                        format!("partition {}: no offset ({other:?})", e.partition()),
                    ))
                }
            };
        }
        Ok(out)
    };
    // Right after a topic is created its partitions may have no leader yet: the lookup is
    // tried again (as Java's admin client retries) until the deadline.
    let list_settled = |at: Offset| -> Result<BTreeMap<i32, i64>, KafkaLogError> {
        loop {
            match list(at) {
                Err(e)
                    if Instant::now() + Duration::from_millis(200) < deadline && leaderless(&e) =>
                {
                    tracing::debug!(topic, error = %e, "partition leaders not known yet; asking again");
                    std::thread::sleep(Duration::from_millis(200));
                }
                other => return other,
            }
        }
    };
    let highs = list_settled(Offset::End)?;
    let lows = list_settled(Offset::Beginning)?;
    let mut ends: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for p in partitions {
        let high = *highs
            .get(p)
            .ok_or_else(|| kafka_err(topic, "end offsets", format!("partition {p} missing")))?;
        ends.insert(*p, (lows.get(p).copied().unwrap_or(0), high));
    }
    let mut next: BTreeMap<i32, i64> = BTreeMap::new();
    let mut out = Vec::new();
    let done = |next: &BTreeMap<i32, i64>, p: i32, (low, high): (i64, i64)| {
        high <= low || next.get(&p).copied().unwrap_or(-1) >= high
    };
    // The consumer's own position, past aborted transactions and control records.
    let positions = |next: &mut BTreeMap<i32, i64>| {
        if let Ok(tpl) = consumer.position() {
            for e in tpl.elements_for_topic(topic) {
                if let Offset::Offset(o) = e.offset() {
                    let n = next.entry(e.partition()).or_insert(o);
                    *n = (*n).max(o);
                }
            }
        }
    };
    positions(&mut next);
    loop {
        if ends.iter().all(|(p, e)| done(&next, *p, *e)) {
            return Ok(out);
        }
        if Instant::now() > deadline {
            return Err(KafkaLogError::Timeout {
                topic: topic.to_string(),
                what: "reading to the end",
                timeout,
            });
        }
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(m)) => {
                let n = next.entry(m.partition()).or_insert(0);
                *n = (*n).max(m.offset() + 1);
                out.push(LogRecord {
                    partition: m.partition(),
                    offset: m.offset(),
                    key: m.key().map(|k| String::from_utf8_lossy(k).into_owned()),
                    value: m.payload().map(<[u8]>::to_vec),
                });
            }
            Some(Err(KafkaError::PartitionEOF(_))) | None => positions(&mut next),
            Some(Err(e)) => {
                // Transient errors (a broker restarting) are retried by librdkafka; the
                // deadline bounds the wait.
                tracing::debug!(topic, error = %e, "reading an internal topic");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Props {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn topic_specs_follow_the_distributed_settings() {
        let p = props(&[
            ("group.id", "g"),
            ("config.storage.topic", "c"),
            ("offset.storage.topic", "o"),
            ("status.storage.topic", "s"),
            ("config.storage.replication.factor", "-1"),
            ("offset.storage.partitions", "7"),
            ("status.storage.replication.factor", "2"),
            // Topic settings: passed on, except what the spec decides itself.
            ("config.storage.partitions", "9"),
            ("config.storage.min.insync.replicas", "2"),
            ("offset.storage.cleanup.policy", "delete"),
            ("offset.storage.retention.ms", "1000"),
        ]);
        let d = DistributedConfig::from_props(&p).unwrap();
        let c = TopicSpec::config(&d, &p);
        assert_eq!(
            (c.name.as_str(), c.partitions, c.replication_factor),
            ("c", 1, -1)
        );
        assert!(c.single_partition);
        assert_eq!(
            c.settings,
            vec![("min.insync.replicas".to_string(), "2".to_string())]
        );
        let o = TopicSpec::offsets(&d, &p);
        assert_eq!(
            (o.name.as_str(), o.partitions, o.replication_factor),
            ("o", 7, 3)
        );
        assert!(!o.single_partition);
        assert_eq!(
            o.settings,
            vec![("retention.ms".to_string(), "1000".to_string())]
        );
        assert_eq!(o.replication_setting(), "offset.storage.replication.factor");
        let s = TopicSpec::status(&d, &p);
        assert_eq!(
            (s.name.as_str(), s.partitions, s.replication_factor),
            ("s", 5, 2)
        );
        assert_eq!(s.purpose, "connector and task statuses");
    }

    #[test]
    fn internal_clients_get_the_workers_security_settings_only() {
        let w = WorkerConfig::from_props(props(&[
            ("bootstrap.servers", "b:9092"),
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "PLAIN"),
            ("ssl.ca.location", "/ca.pem"),
            ("key.converter", "x"),
            ("producer.linger.ms", "9"),
        ]))
        .unwrap();
        let c = base_client_config(&w).unwrap();
        assert_eq!(c.get("bootstrap.servers"), Some("b:9092"));
        assert_eq!(c.get("security.protocol"), Some("sasl_ssl"));
        assert_eq!(c.get("sasl.mechanisms"), Some("PLAIN"));
        assert_eq!(c.get("sasl.mechanism"), None);
        assert_eq!(c.get("ssl.ca.location"), Some("/ca.pem"));
        assert_eq!(c.get("key.converter"), None);
        assert_eq!(c.get("linger.ms"), None);
    }
}
