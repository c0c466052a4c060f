//! The dead letter queue of a sink task (Kafka Connect's `DeadLetterQueueReporter`): a
//! failed record's ORIGINAL consumed key, value, headers and timestamp go to the topic
//! `errors.deadletterqueue.topic.name` (any partition), with the `__connect.errors.*`
//! context headers when `errors.deadletterqueue.context.headers.enable` is set.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use rdkafka::{ClientConfig, Timestamp};

use super::Failure;
use crate::config::{with_prefix, ConnectorConfig, WorkerConfig};

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

pub struct DeadLetterQueue {
    topic: String,
    context_headers: bool,
    connector: String,
    task: u32,
    producer: FutureProducer,
    pending: Vec<DeliveryFuture>,
    requests: u64,
    failures: u64,
}

impl DeadLetterQueue {
    /// Creates the topic if it is missing (with `replication_factor`; -1 is the broker's
    /// default) and the producer (the worker's `producer.` settings, then the connector's
    /// `producer.override.` ones, as for Kafka Connect's DLQ producer).
    pub async fn create(
        worker: &WorkerConfig,
        connector: &ConnectorConfig,
        task: u32,
        topic: &str,
        replication_factor: i16,
        context_headers: bool,
    ) -> Result<DeadLetterQueue, String> {
        let fail = |e: String| format!("Could not initialize dead letter queue with topic={topic}: {e}");
        let mut admin_cfg = ClientConfig::new();
        admin_cfg.set("bootstrap.servers", &worker.bootstrap_servers);
        for (k, v) in with_prefix(&worker.props, "admin.") {
            admin_cfg.set(k, v);
        }
        let admin: AdminClient<DefaultClientContext> = admin_cfg.create().map_err(|e| fail(e.to_string()))?;
        let exists = {
            let inner = admin.inner();
            tokio::task::block_in_place(|| inner.fetch_metadata(Some(topic), ADMIN_TIMEOUT))
                .map(|md| md.topics().iter().any(|t| t.name() == topic && t.error().is_none() && !t.partitions().is_empty()))
                .unwrap_or(false)
        };
        if !exists {
            tracing::warn!(topic, "Topic {topic} doesn't exist. Will attempt to create topic.");
            let replication = if replication_factor < 0 {
                TopicReplication::Fixed(-1)
            } else {
                TopicReplication::Fixed(replication_factor as i32)
            };
            let new = NewTopic::new(topic, PARTITIONS, replication);
            let opts = AdminOptions::new().operation_timeout(Some(ADMIN_TIMEOUT));
            let results = admin.create_topics([&new], &opts).await.map_err(|e| fail(e.to_string()))?;
            for r in results {
                match r {
                    Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                    Err((_, e)) => return Err(fail(e.to_string())),
                }
            }
        }
        let mut cfg = crate::kafka::producer_config(worker, connector, task);
        cfg.set("client.id", format!("connector-dlq-producer-{}-{task}", connector.name()));
        let producer: FutureProducer = cfg.create().map_err(|e| fail(e.to_string()))?;
        Ok(DeadLetterQueue {
            topic: topic.to_string(),
            context_headers,
            connector: connector.name().to_string(),
            task,
            producer,
            pending: Vec::new(),
            requests: 0,
            failures: 0,
        })
    }

    pub fn requests(&self) -> u64 {
        self.requests
    }

    pub fn failures(&self) -> u64 {
        self.failures
    }

    /// Queues the record; [`flush`](Self::flush) waits for it.
    pub fn send(&mut self, original: &OwnedMessage, failure: &Failure) {
        self.requests += 1;
        let mut headers = OwnedHeaders::new();
        let mut present: Vec<String> = Vec::new();
        if let Some(hs) = original.headers() {
            for h in hs.iter() {
                headers = headers.insert(Header { key: h.key, value: h.value });
                present.push(h.key.to_string());
            }
        }
        if self.context_headers {
            for (key, value) in context_headers(original, &self.connector, self.task, failure) {
                if present.iter().any(|p| p == key) {
                    tracing::error!(topic = %self.topic, "Header already contains the '{key}' key.");
                    continue;
                }
                headers = headers.insert(Header { key, value: Some(value.as_bytes()) });
            }
        }
        let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(&self.topic).headers(headers);
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
        loop {
            match self.producer.send_result(record) {
                Ok(f) => {
                    self.pending.push(f);
                    return;
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    record = r;
                    self.producer.poll(Duration::from_millis(10));
                }
                Err((e, _)) => {
                    self.failures += 1;
                    tracing::error!(topic = %self.topic, error = %e, "Could not produce message to dead letter queue. topic={}", self.topic);
                    return;
                }
            }
        }
    }

    /// Waits for every queued record's delivery report.
    pub async fn flush(&mut self) {
        for f in std::mem::take(&mut self.pending) {
            let failed = match f.await {
                Ok(Ok(_)) => None,
                Ok(Err((e, _))) => Some(e.to_string()),
                Err(_) => Some("the producer went away".to_string()),
            };
            if let Some(e) = failed {
                self.failures += 1;
                tracing::error!(topic = %self.topic, error = %e, "Could not produce message to dead letter queue. topic={}", self.topic);
            }
        }
    }
}

impl Drop for DeadLetterQueue {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.producer.flush(Duration::from_secs(5));
        }
    }
}

/// The `__connect.errors.*` headers of a failed record, as text.
fn context_headers(m: &OwnedMessage, connector: &str, task: u32, f: &Failure) -> Vec<(&'static str, String)> {
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
mod tests {
    use super::*;
    use crate::error_handling::Stage;

    #[test]
    fn headers_name_the_record_and_the_failure() {
        let m = OwnedMessage::new(None, None, "in".into(), Timestamp::CreateTime(5), 2, 41, None);
        let f = Failure::data(Stage::ValueConverter, "org.apache.kafka.connect.json.JsonConverter", "bad");
        let h = context_headers(&m, "c", 3, &f);
        let get = |k: &str| h.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("__connect.errors.topic"), Some("in"));
        assert_eq!(get("__connect.errors.partition"), Some("2"));
        assert_eq!(get("__connect.errors.offset"), Some("41"));
        assert_eq!(get("__connect.errors.task.id"), Some("3"));
        assert_eq!(get("__connect.errors.stage"), Some("VALUE_CONVERTER"));
        assert_eq!(get("__connect.errors.exception.class.name"), Some("org.apache.kafka.connect.errors.DataException"));
        assert_eq!(get("__connect.errors.exception.message"), Some("bad"));
        assert!(get("__connect.errors.exception.stacktrace").unwrap().starts_with("org.apache.kafka.connect.errors.DataException: bad\n\tat "));
        assert_eq!(h.len(), CONTEXT_HEADERS.len());
    }
}
