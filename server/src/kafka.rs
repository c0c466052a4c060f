//! Kafka client settings: Kafka Connect's defaults for the clients it makes, then the
//! worker's `producer.` / `consumer.` settings, then the connector's
//! `producer.override.` / `consumer.override.` settings.
//!
//! Settings are passed to librdkafka by their Kafka names; the Java-only ones that
//! librdkafka does not know (serializers, interceptors, ...) are dropped with a debug line.
//! Security settings (`security.protocol`, `ssl.*`, `sasl.*`) are merged first and then
//! translated from Java's form by [`security`].
//!
//! Which layers each client gets, as in Kafka Connect:
//! - task producers (and the DLQ producer): `producer.` worker settings, then the
//!   connector's `producer.override.`;
//! - task consumers (and the group-offsets clients): `consumer.`, then `consumer.override.`;
//! - admin clients: the worker's top-level security settings, then `admin.`, then the
//!   connector's `admin.override.`;
//! - the internal topics' clients of distributed mode: the worker's top-level settings.

pub mod producer;
pub mod security;

use std::collections::BTreeMap;

use rdkafka::error::KafkaError;
use rdkafka::ClientConfig;

pub use security::SecurityError;

use crate::config::{with_prefix, ConnectorConfig, Props, WorkerConfig};

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

/// Merges the layers (a later one wins), translates the security settings and sets the
/// rest on `cfg` (Java-only ones dropped).
fn apply(
    cfg: &mut ClientConfig,
    layers: impl IntoIterator<Item = Props>,
) -> Result<(), SecurityError> {
    let mut merged: BTreeMap<String, String> = BTreeMap::new();
    for layer in layers {
        merged.extend(layer);
    }
    security::apply(cfg, &mut merged)?;
    for (k, v) in merged {
        if JAVA_ONLY.contains(&k.as_str()) {
            tracing::debug!(setting = %k, "ignoring a Java-only client setting");
            continue;
        }
        cfg.set(k, v);
    }
    Ok(())
}

/// The worker's top-level client security settings (`security.protocol`, `ssl.*`, `sasl.*`).
fn worker_security(props: &Props) -> Props {
    props
        .iter()
        .filter(|(k, _)| security::is_security_setting(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// An admin client's settings: the worker's top-level security settings, its `admin.`
/// settings, then the connector's `admin.override.` settings.
pub fn admin_config(
    worker: &WorkerConfig,
    connector: Option<&ConnectorConfig>,
) -> Result<ClientConfig, SecurityError> {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &worker.bootstrap_servers);
    let mut layers = vec![
        worker_security(&worker.props),
        with_prefix(&worker.props, "admin."),
    ];
    if let Some(c) = connector {
        layers.push(with_prefix(&c.props, "admin.override."));
    }
    apply(&mut cfg, layers)?;
    Ok(cfg)
}

/// The settings of clients made with the worker's own top-level settings (the internal
/// topics' clients): the bootstrap servers and the security settings.
pub fn worker_client_config(worker: &WorkerConfig) -> Result<ClientConfig, SecurityError> {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &worker.bootstrap_servers);
    apply(&mut cfg, [worker_security(&worker.props)])?;
    Ok(cfg)
}

/// A client creation error for messages and logs: librdkafka's configuration errors
/// carry the value, which is left out for secret settings.
pub fn creation_error(e: &KafkaError) -> String {
    match e {
        KafkaError::ClientConfig(_, desc, key, value) => {
            if security::is_secret(key) || key.starts_with("ssl.") || key.starts_with("sasl.") {
                format!("invalid client setting {key}: {desc}")
            } else {
                format!("invalid client setting {key}={value}: {desc}")
            }
        }
        other => other.to_string(),
    }
}

/// An error event of a Kafka client that no retry fixes: authentication refused (a wrong
/// password, an unknown user, a mechanism the broker does not enable) or a TLS handshake
/// the peer or the client refused (an untrusted or missing certificate, a host name that
/// does not match, TLS against a plaintext listener). Kafka Connect's tasks fail on these
/// (`SaslAuthenticationException`, `SslAuthenticationException`).
pub fn is_permanent_security_error(code: rdkafka::types::RDKafkaErrorCode, reason: &str) -> bool {
    use rdkafka::types::RDKafkaErrorCode as C;
    match code {
        C::Authentication | C::SaslAuthenticationFailed | C::UnsupportedSASLMechanism => true,
        // A connection cut during the handshake (a broker going down) is transient.
        C::SSL => {
            let r = reason.to_ascii_lowercase();
            !(r.contains("disconnected")
                || r.contains("connection reset")
                || r.contains("broken pipe")
                || r.contains("timed out"))
        }
        _ => false,
    }
}

pub fn producer_config(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
    task: u32,
) -> Result<ClientConfig, SecurityError> {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &worker.bootstrap_servers)
        .set(
            "client.id",
            format!("connector-producer-{}-{task}", connector.name()),
        )
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("batch.size", "1000000")
        .set(
            "queue.buffering.max.messages",
            (worker.source_max_inflight_records as u64 * 2 + 1000).to_string(),
        )
        .set("queue.buffering.max.kbytes", "2097151")
        .set("delivery.timeout.ms", "2147483647")
        // Java's default partitioner: murmur2 of the key (librdkafka's default,
        // consistent_random, puts a key elsewhere, so consumers and joins that rely on
        // Kafka Connect's placement would see records move); keyless records stick to a
        // partition per batch, as Java's sticky partitioner does (`sticky.partitioning.linger.ms`).
        .set("partitioner", "murmur2_random");
    apply(
        &mut cfg,
        [
            with_prefix(&worker.props, "producer."),
            with_prefix(&connector.props, "producer.override."),
        ],
    )?;
    Ok(cfg)
}

pub fn consumer_config(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
    task: u32,
) -> Result<ClientConfig, SecurityError> {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &worker.bootstrap_servers)
        .set("group.id", format!("connect-{}", connector.name()))
        .set(
            "client.id",
            format!("connector-consumer-{}-{task}", connector.name()),
        )
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "false")
        // What librdkafka prefetches while the task's queue is full (the sink runner holds
        // back without pausing, which would drop it): bounded, as Java's fetch buffer is.
        .set("queued.max.messages.kbytes", "16384")
        // Once that prefetch is full, librdkafka waits this long before fetching again,
        // even when the task drained it meanwhile (default 1000 ms): with it, a sink moved
        // one prefetch per second (~100,000 records/s of 100 B, ~16 MiB/s of 1 KiB).
        .set("fetch.queue.backoff.ms", "10");
    apply(
        &mut cfg,
        [
            with_prefix(&worker.props, "consumer."),
            with_prefix(&connector.props, "consumer.override."),
        ],
    )?;
    Ok(cfg)
}

/// Transient errors of a task's Kafka client (a broker down, a connection refused): each is
/// counted in `polyconnect_kafka_client_errors_total`, and logged once per distinct error,
/// then at most every 30 s with how often it repeated, so an outage shows in `/metrics`
/// and in the log without flooding it. The task stays RUNNING through them.
pub struct ClientErrors {
    connector: String,
    task: u32,
    client: &'static str,
    last: std::sync::Mutex<Option<(String, std::time::Instant, u64)>>,
}

impl ClientErrors {
    pub fn new(connector: &str, task: u32, client: &'static str) -> ClientErrors {
        crate::telemetry::metrics::kafka_client_errors_start(connector, task, client);
        ClientErrors {
            connector: connector.to_string(),
            task,
            client,
            last: std::sync::Mutex::new(None),
        }
    }

    pub fn report(&self, error: &dyn std::fmt::Display) {
        crate::telemetry::metrics::kafka_client_error(&self.connector, self.task, self.client);
        let text = error.to_string();
        let mut last = self.last.lock().unwrap();
        if let Some((t, at, repeated)) = last.as_mut() {
            if *t == text && at.elapsed() < std::time::Duration::from_secs(30) {
                *repeated += 1;
                return;
            }
        }
        let repeated = last.as_ref().map_or(0, |l| l.2);
        tracing::warn!(connector = %self.connector, task = self.task, client = self.client, error = %text, repeated, "Kafka client error (transient: the client retries)");
        *last = Some((text, std::time::Instant::now(), 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(pairs: &[(&str, &str)]) -> WorkerConfig {
        WorkerConfig::from_props(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
        .unwrap()
    }

    fn connector(pairs: &[(&str, &str)]) -> ConnectorConfig {
        let mut props: crate::config::Props = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        props.insert("name".into(), "c".into());
        props.insert("connector.class".into(), "X".into());
        ConnectorConfig::new(props).unwrap()
    }

    #[test]
    fn producers_place_keys_as_java_does_unless_overridden() {
        let cfg = producer_config(&worker(&[]), &connector(&[]), 0).unwrap();
        assert_eq!(cfg.get("partitioner"), Some("murmur2_random"));
        let cfg = producer_config(
            &worker(&[("producer.partitioner", "fnv1a_random")]),
            &connector(&[]),
            0,
        )
        .unwrap();
        assert_eq!(cfg.get("partitioner"), Some("fnv1a_random"));
        let cfg = producer_config(
            &worker(&[]),
            &connector(&[("producer.override.partitioner", "random")]),
            0,
        )
        .unwrap();
        assert_eq!(cfg.get("partitioner"), Some("random"));
        // Java's partitioner.class has no librdkafka meaning and is dropped.
        let cfg = producer_config(
            &worker(&[("producer.partitioner.class", "x.Y")]),
            &connector(&[]),
            0,
        )
        .unwrap();
        assert_eq!(cfg.get("partitioner.class"), None);
    }
}
