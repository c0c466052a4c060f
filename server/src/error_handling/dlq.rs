//! The dead letter queue of a sink task (Kafka Connect's `DeadLetterQueueReporter`): a
//! failed record's ORIGINAL consumed key, value, headers and timestamp go to the topic
//! `errors.deadletterqueue.topic.name` (any partition), with the `__connect.errors.*`
//! context headers when `errors.deadletterqueue.context.headers.enable` is set.

use std::sync::atomic::{
    AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::{ClientConfig, ClientContext, Timestamp};
use tokio::sync::Notify;

use super::{Failure, CONNECT_EXCEPTION};
use crate::config::{ConnectorConfig, WorkerConfig};
use crate::kafka::producer::PolledProducer;

/// The context headers, in the order Kafka Connect adds them.
pub const CONTEXT_HEADERS: &[&str] = &[
    "__connect.errors.topic",
    "__connect.errors.partition",
    "__connect.errors.offset",
    "__connect.errors.connector.name",
    "__connect.errors.task.id",
    "__connect.errors.stage",
    "__connect.errors.class.name",
    "__connect.errors.exception.class.name",
    "__connect.errors.exception.message",
    "__connect.errors.exception.stacktrace",
];

/// Kafka Connect creates the dead letter queue topic with one partition.
const PARTITIONS: i32 = 1;
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);
/// What the dead letter queue's producer may hold unsent (librdkafka's queue), unless the
/// worker's or connector's producer settings say otherwise: records wait there only until
/// the next offset commit flushes them.
const QUEUE_MAX_KBYTES: &str = "65536";
/// How long a record waits for room in a full producer queue before the dead letter
/// queue counts as failed.
const QUEUE_FULL_WAIT: Duration = Duration::from_secs(30);
const KAFKA_EXCEPTION: &str = "org.apache.kafka.common.KafkaException";

/// A write to the dead letter queue failed: the task must fail (Kafka Connect's
/// `DeadLetterQueueReporter` does the same under `errors.tolerance=all`), and no offset
/// may be committed past the records it held. Its `Display` is the task's failure trace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{CONNECT_EXCEPTION}: {}\nCaused by: {KAFKA_EXCEPTION}: {cause}", self.message())]
pub struct DlqError {
    pub topic: String,
    /// Kafka's error, e.g. `Message production error: MessageSizeTooLarge (Broker: Message size too large)`.
    pub cause: String,
}

impl DlqError {
    /// The failure's first line, without the exception class.
    pub fn message(&self) -> String {
        format!(
            "Could not produce message to dead letter queue. topic={}",
            self.topic
        )
    }
}

impl From<DlqError> for crate::plugin::streams::StreamError {
    fn from(e: DlqError) -> Self {
        crate::plugin::streams::StreamError::Connector(crate::plugin::streams::ConnectorError {
            kind: crate::plugin::streams::ErrorKind::Fatal,
            message: e.message(),
            error_class: CONNECT_EXCEPTION.to_string(),
            detail: format!("Caused by: {KAFKA_EXCEPTION}: {}", e.cause),
            retry_after: None,
            record_seq: 0,
            kafka: None,
        })
    }
}

/// What the producer's delivery reports tell, kept as counts: nothing per record is held
/// here (the records wait in librdkafka's bounded queue).
#[derive(Default)]
struct DlqState {
    /// Records sent and not yet reported.
    outstanding: AtomicU64,
    failures: AtomicU64,
    /// The first failure; it stays (every flush from then on reports it).
    failed: Mutex<Option<String>>,
    delivered: Notify,
}

impl DlqState {
    fn fail(&self, topic: &str, cause: String) {
        self.failures.fetch_add(1, Relaxed);
        tracing::error!(topic, error = %cause, "Could not produce message to dead letter queue. topic={topic}");
        self.failed.lock().unwrap().get_or_insert(cause);
    }
}

struct DlqContext {
    state: Arc<DlqState>,
    topic: String,
}

impl ClientContext for DlqContext {
    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        match error.rdkafka_error_code() {
            // Authentication or TLS refused: nothing will be delivered, and a flush must
            // not wait for it.
            Some(code) if crate::kafka::is_permanent_security_error(code, reason) => {
                self.state.fail(
                    &self.topic,
                    format!(
                        "Kafka refused the connection (authentication or TLS): {error}: {reason}"
                    ),
                );
                self.state.delivered.notify_one();
            }
            _ => {
                tracing::warn!(topic = %self.topic, "dead letter queue producer: {error}: {reason}")
            }
        }
    }
}

impl ProducerContext for DlqContext {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if let Err((e, _)) = result {
            self.state.fail(&self.topic, e.to_string());
        }
        // Release: a flush that sees the count drop also sees the failure recorded above.
        self.state.outstanding.fetch_sub(1, Release);
        self.state.delivered.notify_one();
    }
}

pub struct DeadLetterQueue {
    topic: String,
    context_headers: bool,
    connector: String,
    task: u32,
    producer: PolledProducer<DlqContext>,
    state: Arc<DlqState>,
    requests: u64,
}

impl DeadLetterQueue {
    /// Creates the topic if it is missing (with `replication_factor`; -1 is the broker's
    /// default) and the producer (the worker's `producer.` settings, then the connector's
    /// `producer.override.` ones, as for Kafka Connect's DLQ producer). An error (the topic
    /// cannot be created, e.g. not authorized or too few brokers) fails the task at start.
    pub async fn create(
        worker: &WorkerConfig,
        connector: &ConnectorConfig,
        task: u32,
        topic: &str,
        replication_factor: i16,
        context_headers: bool,
    ) -> Result<DeadLetterQueue, String> {
        let fail =
            |e: String| format!("Could not initialize dead letter queue with topic={topic}: {e}");
        let mut admin_cfg =
            crate::kafka::admin_config(worker, Some(connector)).map_err(|e| fail(e.to_string()))?;
        // The existence check must not create the topic itself: librdkafka's producer-type
        // clients ask for auto-creation by default, and a broker with
        // auto.create.topics.enable would make it with its defaults instead of
        // `replication_factor` (and hide a topic that cannot be made as configured).
        admin_cfg.set("allow.auto.create.topics", "false");
        let admin: AdminClient<DefaultClientContext> = admin_cfg
            .create()
            .map_err(|e| fail(crate::kafka::creation_error(&e)))?;
        let exists = {
            let inner = admin.inner();
            tokio::task::block_in_place(|| inner.fetch_metadata(Some(topic), ADMIN_TIMEOUT))
                .map(|md| {
                    md.topics().iter().any(|t| {
                        t.name() == topic && t.error().is_none() && !t.partitions().is_empty()
                    })
                })
                .unwrap_or(false)
        };
        if !exists {
            tracing::warn!(
                topic,
                "Topic {topic} doesn't exist. Will attempt to create topic."
            );
            let replication = if replication_factor < 0 {
                TopicReplication::Fixed(-1)
            } else {
                TopicReplication::Fixed(replication_factor as i32)
            };
            let new = NewTopic::new(topic, PARTITIONS, replication);
            let opts = AdminOptions::new().operation_timeout(Some(ADMIN_TIMEOUT));
            let results = admin
                .create_topics([&new], &opts)
                .await
                .map_err(|e| fail(e.to_string()))?;
            for r in results {
                match r {
                    Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                    Err((_, e)) => return Err(fail(e.to_string())),
                }
            }
        }
        let mut cfg = crate::kafka::producer_config(worker, connector, task)
            .map_err(|e| fail(e.to_string()))?;
        cfg.set(
            "client.id",
            format!("connector-dlq-producer-{}-{task}", connector.name()),
        );
        let user_set = |k: &str| {
            worker.props.contains_key(&format!("producer.{k}"))
                || connector
                    .props
                    .contains_key(&format!("producer.override.{k}"))
        };
        if !user_set("queue.buffering.max.kbytes") {
            cfg.set("queue.buffering.max.kbytes", QUEUE_MAX_KBYTES);
        }
        DeadLetterQueue::with_config(&cfg, topic, connector.name(), task, context_headers)
            .map_err(fail)
    }

    /// The dead letter queue of an existing topic, with a producer made from `cfg`.
    pub(crate) fn with_config(
        cfg: &ClientConfig,
        topic: &str,
        connector: &str,
        task: u32,
        context_headers: bool,
    ) -> Result<DeadLetterQueue, String> {
        let state = Arc::new(DlqState::default());
        let producer: PolledProducer<DlqContext> = cfg
            .create_with_context(DlqContext {
                state: state.clone(),
                topic: topic.to_string(),
            })
            .map_err(|e| e.to_string())?;
        Ok(DeadLetterQueue {
            topic: topic.to_string(),
            context_headers,
            connector: connector.to_string(),
            task,
            producer,
            state,
            requests: 0,
        })
    }

    pub fn requests(&self) -> u64 {
        self.requests
    }

    pub fn failures(&self) -> u64 {
        self.state.failures.load(Relaxed)
    }

    /// The first failed write, if any: the dead letter queue is broken from then on.
    pub fn failure(&self) -> Option<DlqError> {
        self.state
            .failed
            .lock()
            .unwrap()
            .clone()
            .map(|cause| DlqError {
                topic: self.topic.clone(),
                cause,
            })
    }

    /// Queues the record; [`flush`](Self::flush) waits for it and reports a failure.
    pub fn send(&mut self, original: &OwnedMessage, failure: &Failure) {
        self.requests += 1;
        let mut headers = OwnedHeaders::new();
        let mut present: Vec<String> = Vec::new();
        if let Some(hs) = original.headers() {
            for h in hs.iter() {
                headers = headers.insert(Header {
                    key: h.key,
                    value: h.value,
                });
                present.push(h.key.to_string());
            }
        }
        if self.context_headers {
            for (key, value) in context_headers(original, &self.connector, self.task, failure) {
                if present.iter().any(|p| p == key) {
                    tracing::error!(topic = %self.topic, "Header already contains the '{key}' key.");
                    continue;
                }
                headers = headers.insert(Header {
                    key,
                    value: Some(value.as_bytes()),
                });
            }
        }
        let mut record: BaseRecord<'_, [u8], [u8], ()> =
            BaseRecord::to(&self.topic).headers(headers);
        if let Some(k) = original.key() {
            record = record.key(k);
        }
        if let Some(v) = original.payload() {
            record = record.payload(v);
        }
        match original.timestamp() {
            Timestamp::CreateTime(t) | Timestamp::LogAppendTime(t) => record = record.timestamp(t),
            Timestamp::NotAvailable => {}
        }
        let started = Instant::now();
        self.state.outstanding.fetch_add(1, Relaxed);
        loop {
            match self.producer.send(record) {
                Ok(()) => return,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r))
                    if started.elapsed() < QUEUE_FULL_WAIT =>
                {
                    record = r;
                    // The producer's own thread delivers; room comes as reports do.
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err((e, _)) => {
                    self.state.outstanding.fetch_sub(1, Relaxed);
                    self.state.fail(&self.topic, e.to_string());
                    return;
                }
            }
        }
    }

    /// Waits for every queued record's delivery report; `Err` if any write failed since
    /// the dead letter queue was made (the failure stays: every later flush reports it).
    pub async fn flush(&mut self) -> Result<(), DlqError> {
        // A failure ends the wait: the flush fails anyway, and a producer refused by the
        // broker would never report its records.
        while self.state.outstanding.load(Acquire) > 0
            && self.state.failed.lock().unwrap().is_none()
        {
            // A report between the check and the wait is caught by the next check.
            let _ =
                tokio::time::timeout(Duration::from_millis(50), self.state.delivered.notified())
                    .await;
        }
        match self.failure() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Drop for DeadLetterQueue {
    fn drop(&mut self) {
        if self.state.outstanding.load(Relaxed) > 0 {
            let _ = self.producer.flush(Duration::from_secs(5));
        }
    }
}

/// The `__connect.errors.*` headers of a failed record, as text.
fn context_headers(
    m: &OwnedMessage,
    connector: &str,
    task: u32,
    f: &Failure,
) -> Vec<(&'static str, String)> {
    let values = [
        m.topic().to_string(),
        m.partition().to_string(),
        m.offset().to_string(),
        connector.to_string(),
        task.to_string(),
        f.stage.name().to_string(),
        f.class.clone(),
        f.exception_class.clone(),
        f.message.clone(),
        f.stack_trace(),
    ];
    CONTEXT_HEADERS.iter().copied().zip(values).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::error_handling::Stage;

    /// A dead letter queue whose producer reaches no broker.
    pub(crate) fn unreachable(extra: &[(&str, &str)]) -> DeadLetterQueue {
        let mut cfg = ClientConfig::new();
        cfg.set("bootstrap.servers", "127.0.0.1:1")
            .set("message.timeout.ms", "100");
        for (k, v) in extra {
            cfg.set(*k, *v);
        }
        DeadLetterQueue::with_config(&cfg, "dlq", "c", 0, true).unwrap()
    }

    fn consumed(value: &[u8]) -> OwnedMessage {
        OwnedMessage::new(
            Some(value.to_vec()),
            None,
            "in".into(),
            Timestamp::CreateTime(5),
            0,
            7,
            None,
        )
    }

    #[tokio::test]
    async fn a_failed_write_fails_this_flush_and_every_later_one() {
        let mut d = unreachable(&[]);
        assert_eq!(d.flush().await, Ok(()), "nothing sent, nothing failed");
        let f = Failure::data(Stage::ValueConverter, "X", "bad");
        d.send(&consumed(b"v"), &f);
        let e = d.flush().await.unwrap_err();
        assert_eq!(e.topic, "dlq");
        assert!(e.cause.contains("MessageTimedOut"), "{e}");
        let trace = e.to_string();
        assert!(
            trace.starts_with("org.apache.kafka.connect.errors.ConnectException: Could not produce message to dead letter queue. topic=dlq\nCaused by: org.apache.kafka.common.KafkaException: "),
            "{trace}"
        );
        assert_eq!(d.flush().await, Err(e), "the failure stays");
        assert_eq!((d.requests(), d.failures()), (1, 1));
    }

    #[tokio::test]
    async fn a_record_refused_at_once_fails_the_flush() {
        // Larger than the producer allows: refused when sent, no delivery report.
        let mut d = unreachable(&[("message.max.bytes", "1000")]);
        d.send(
            &consumed(&[b'x'; 5000]),
            &Failure::data(Stage::ValueConverter, "X", "bad"),
        );
        let e = d.flush().await.unwrap_err();
        assert!(e.cause.contains("MessageSizeTooLarge"), "{e}");
        assert_eq!(d.failures(), 1);
    }

    #[test]
    fn headers_name_the_record_and_the_failure() {
        let m = OwnedMessage::new(
            None,
            None,
            "in".into(),
            Timestamp::CreateTime(5),
            2,
            41,
            None,
        );
        let f = Failure::data(
            Stage::ValueConverter,
            "org.apache.kafka.connect.json.JsonConverter",
            "bad",
        );
        let h = context_headers(&m, "c", 3, &f);
        let get = |k: &str| h.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("__connect.errors.topic"), Some("in"));
        assert_eq!(get("__connect.errors.partition"), Some("2"));
        assert_eq!(get("__connect.errors.offset"), Some("41"));
        assert_eq!(get("__connect.errors.task.id"), Some("3"));
        assert_eq!(get("__connect.errors.stage"), Some("VALUE_CONVERTER"));
        assert_eq!(
            get("__connect.errors.exception.class.name"),
            Some("org.apache.kafka.connect.errors.DataException")
        );
        assert_eq!(get("__connect.errors.exception.message"), Some("bad"));
        assert!(get("__connect.errors.exception.stacktrace")
            .unwrap()
            .starts_with("org.apache.kafka.connect.errors.DataException: bad\n\tat "));
        assert_eq!(h.len(), CONTEXT_HEADERS.len());
    }
}
