//! Kafka client settings: Kafka Connect's defaults for the clients it makes, then the
//! worker's `producer.` / `consumer.` settings, then the connector's
//! `producer.override.` / `consumer.override.` settings.
//!
//! Settings are passed to librdkafka by their Kafka names; the Java-only ones that
//! librdkafka does not know (serializers, interceptors, ...) are dropped with a debug line.

use rdkafka::ClientConfig;

use crate::config::{with_prefix, ConnectorConfig, WorkerConfig};

/// Java client settings with no librdkafka equivalent.
const JAVA_ONLY: &[&str] = &[
    "key.serializer",
    "value.serializer",
    "key.deserializer",
    "value.deserializer",
    "interceptor.classes",
    "partitioner.class",
    "buffer.memory",
    "max.block.ms",
    "metric.reporters",
    "client.dns.lookup",
    "default.api.timeout.ms",
];

fn apply(cfg: &mut ClientConfig, settings: impl IntoIterator<Item = (String, String)>) {
    for (k, v) in settings {
        if JAVA_ONLY.contains(&k.as_str()) {
            tracing::debug!(setting = %k, "ignoring a Java-only client setting");
            continue;
        }
        cfg.set(k, v);
    }
}

pub fn producer_config(worker: &WorkerConfig, connector: &ConnectorConfig, task: u32) -> ClientConfig {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &worker.bootstrap_servers)
        .set("client.id", format!("connector-producer-{}-{task}", connector.name()))
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", (worker.source_max_inflight_records as u64 * 2 + 1000).to_string())
        .set("queue.buffering.max.kbytes", "2097151")
        .set("delivery.timeout.ms", "2147483647");
    apply(&mut cfg, with_prefix(&worker.props, "producer."));
    apply(&mut cfg, with_prefix(&connector.props, "producer.override."));
    cfg
}

pub fn consumer_config(worker: &WorkerConfig, connector: &ConnectorConfig, task: u32) -> ClientConfig {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &worker.bootstrap_servers)
        .set("group.id", format!("connect-{}", connector.name()))
        .set("client.id", format!("connector-consumer-{}-{task}", connector.name()))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "false");
    apply(&mut cfg, with_prefix(&worker.props, "consumer."));
    apply(&mut cfg, with_prefix(&connector.props, "consumer.override."));
    cfg
}
