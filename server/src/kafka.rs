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

pub mod group_client;
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

/// The connector's Kafka clients whose settings it may override: the prefix of its
/// override settings and the worker's layers under them (as [`producer_config`],
/// [`consumer_config`] and [`admin_config`] merge them).
pub const OVERRIDE_CLIENTS: [&str; 3] = ["producer", "consumer", "admin"];

/// Whether the security settings a client of this connector would take (the worker's
/// layers, then the connector's `<client>.override.` settings) can be used; else the
/// problem and the override setting it belongs to (`producer.override.ssl.truststore.location`),
/// or `None` as the key when only the worker's own settings are at fault.
pub fn override_security_problem(
    worker: &WorkerConfig,
    connector: &Props,
    client: &str,
) -> Option<(Option<String>, SecurityError)> {
    let prefix = format!("{client}.override.");
    let overrides = with_prefix(connector, &prefix);
    let mut layers = match client {
        "admin" => vec![
            worker_security(&worker.props),
            with_prefix(&worker.props, "admin."),
        ],
        other => vec![with_prefix(&worker.props, &format!("{other}."))],
    };
    layers.push(overrides.clone());
    let mut merged: Props = Props::new();
    for layer in layers {
        merged.extend(layer);
    }
    let sec: BTreeMap<String, String> = merged
        .into_iter()
        .filter(|(k, _)| security::is_security_setting(k))
        .collect();
    let e = security::translate(&sec).err()?;
    let setting = e.setting();
    let key = if overrides.contains_key(setting) {
        Some(format!("{prefix}{setting}"))
    } else {
        // A problem of the worker's settings that an override brought into play (a
        // protocol that now reads a store, say): the override that changed the protocol.
        overrides
            .keys()
            .find(|k| security::is_security_setting(k))
            .map(|k| format!("{prefix}{k}"))
    };
    Some((key, e))
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
/// password, an unknown user, a mechanism the broker does not enable) or TLS refused by
/// either side (an untrusted certificate, a host name that does not match, no client
/// certificate where the listener requires one, TLS against a plaintext listener). Kafka
/// Connect's tasks fail on these (`SaslAuthenticationException`,
/// `SslAuthenticationException`). With TLS 1.3 a refused client certificate reaches the
/// client as a transport failure carrying the peer's alert, so those count too; a
/// connection merely cut (a broker going down) does not.
pub fn is_permanent_security_error(code: rdkafka::types::RDKafkaErrorCode, reason: &str) -> bool {
    use rdkafka::types::RDKafkaErrorCode as C;
    const REFUSALS: &[&str] = &[
        "certificate verify failed",
        "alert bad certificate",
        "alert certificate required",
        "alert unknown ca",
        "alert certificate unknown",
        "alert certificate expired",
        "alert certificate revoked",
        "alert unsupported certificate",
        "alert handshake failure",
        "alert access denied",
        "alert protocol version",
        "wrong version number",
        "no shared cipher",
    ];
    let r = reason.to_ascii_lowercase();
    let refused = REFUSALS.iter().any(|p| r.contains(p));
    match code {
        C::Authentication | C::SaslAuthenticationFailed | C::UnsupportedSASLMechanism => true,
        C::SSL => {
            refused
                || !(r.contains("disconnected")
                    || r.contains("connection reset")
                    || r.contains("broken pipe")
                    || r.contains("timed out"))
        }
        C::BrokerTransportFailure => refused,
        _ => false,
    }
}

pub fn producer_config(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
    task: u32,
) -> Result<ClientConfig, SecurityError> {
    task_producer_config(worker, connector, task, "5")
}

/// A source task's producer when the task runs exactly once. `linger.ms` defaults to 0:
/// every transaction ends by waiting for all of its records, so records held back to fill
/// a batch only delay its commit (Kafka Connect's `commitTransaction` flushes first; a
/// librdkafka producer has no flush that leaves its polling thread alone). A
/// `producer.linger.ms` or `producer.override.linger.ms` still wins.
pub fn transactional_producer_config(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
    task: u32,
) -> Result<ClientConfig, SecurityError> {
    task_producer_config(worker, connector, task, "0")
}

fn task_producer_config(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
    task: u32,
    linger_ms: &str,
) -> Result<ClientConfig, SecurityError> {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &worker.bootstrap_servers)
        .set(
            "client.id",
            format!("connector-producer-{}-{task}", connector.name()),
        )
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", linger_ms)
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
        // 4 MiB (librdkafka's default: 64 MiB) keeps a sink at the same rate with tens of
        // MiB less RSS per task than 16 MiB did.
        .set("queued.max.messages.kbytes", "4096")
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
    use rdkafka::types::RDKafkaErrorCode as C;

    #[test]
    fn refused_credentials_and_certificates_are_permanent_and_outages_are_not() {
        for (code, reason) in [
            (C::Authentication, "sasl_ssl://h:9094/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"),
            (C::SSL, "ssl://h:9093/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified"),
            (C::BrokerTransportFailure, "ssl://h:9095/bootstrap: Receive failed: error:0A000412:SSL routines::sslv3 alert bad certificate: SSL alert number 42"),
            (C::BrokerTransportFailure, "ssl://h:9095/bootstrap: Receive failed: error:0A00045C:SSL routines::tlsv13 alert certificate required"),
            (C::SSL, "ssl://h:9092/bootstrap: SSL handshake failed: error:0A00010B:SSL routines::wrong version number"),
        ] {
            assert!(is_permanent_security_error(code, reason), "{reason}");
        }
        for (code, reason) in [
            (C::BrokerTransportFailure, "ssl://h:9095/bootstrap: Disconnected (after 10ms in state UP)"),
            (C::BrokerTransportFailure, "h:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused"),
            (C::SSL, "ssl://h:9095/bootstrap: SSL handshake failed: Disconnected: connecting to a PLAINTEXT broker listener?"),
            (C::AllBrokersDown, "1/1 brokers are down"),
        ] {
            assert!(!is_permanent_security_error(code, reason), "{reason}");
        }
    }

    #[test]
    fn every_client_gets_its_layers_of_security_settings() {
        let jaas = r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";"#;
        let w = worker(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "PLAIN"),
            ("sasl.jaas.config", jaas),
            ("producer.security.protocol", "SASL_PLAINTEXT"),
            ("producer.sasl.mechanism", "SCRAM-SHA-256"),
            ("producer.sasl.jaas.config", jaas),
            ("admin.sasl.mechanism", "SCRAM-SHA-512"),
        ]);
        // Task producers: `producer.` only, then the connector's override.
        let p = producer_config(&w, &connector(&[]), 0).unwrap();
        assert_eq!(p.get("sasl.mechanisms"), Some("SCRAM-SHA-256"));
        assert_eq!(p.get("sasl.username"), Some("u"));
        let p = producer_config(
            &w,
            &connector(&[("producer.override.sasl.mechanism", "SCRAM-SHA-512")]),
            0,
        )
        .unwrap();
        assert_eq!(p.get("sasl.mechanisms"), Some("SCRAM-SHA-512"));
        // Task consumers: no `consumer.` settings, so none (as in Kafka Connect).
        let c = consumer_config(&w, &connector(&[]), 0).unwrap();
        assert_eq!(c.get("security.protocol"), None);
        assert_eq!(c.get("sasl.username"), None);
        // Admin clients: the top level, then `admin.`.
        let a = admin_config(&w, None).unwrap();
        assert_eq!(a.get("security.protocol"), Some("sasl_plaintext"));
        assert_eq!(a.get("sasl.mechanisms"), Some("SCRAM-SHA-512"));
        assert_eq!(a.get("sasl.password"), Some("p"));
        // The internal topics' clients: the top level.
        let b = worker_client_config(&w).unwrap();
        assert_eq!(b.get("sasl.mechanisms"), Some("PLAIN"));
        assert_eq!(b.get("sasl.jaas.config"), None);
        // A malformed line fails the client's settings, naming the setting.
        let bad = worker(&[
            ("producer.security.protocol", "SASL_SSL"),
            (
                "producer.sasl.jaas.config",
                "x.PlainLoginModule required password=\"s3cret",
            ),
        ]);
        let e = producer_config(&bad, &connector(&[]), 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("sasl.jaas.config is malformed"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
    }

    #[test]
    fn an_exactly_once_producer_sends_without_lingering_unless_told_to() {
        let w = worker(&[]);
        let p = producer_config(&w, &connector(&[]), 0).unwrap();
        assert_eq!(p.get("linger.ms"), Some("5"));
        let p = transactional_producer_config(&w, &connector(&[]), 0).unwrap();
        assert_eq!(p.get("linger.ms"), Some("0"));
        let p = transactional_producer_config(
            &worker(&[("producer.linger.ms", "20")]),
            &connector(&[]),
            0,
        )
        .unwrap();
        assert_eq!(p.get("linger.ms"), Some("20"));
        let p = transactional_producer_config(
            &w,
            &connector(&[("producer.override.linger.ms", "7")]),
            0,
        )
        .unwrap();
        assert_eq!(p.get("linger.ms"), Some("7"));
    }

    #[test]
    fn security_settings_merge_across_layers_before_translation() {
        // The truststore from the worker's `producer.` settings, the protocol from the
        // connector's override: one translation of both.
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\n").unwrap();
        let ca = ca.display().to_string();
        let w = worker(&[
            ("producer.ssl.truststore.location", ca.as_str()),
            ("producer.ssl.truststore.type", "PEM"),
        ]);
        let p = producer_config(
            &w,
            &connector(&[("producer.override.security.protocol", "SSL")]),
            0,
        )
        .unwrap();
        assert_eq!(p.get("security.protocol"), Some("ssl"));
        assert_eq!(p.get("ssl.ca.location"), Some(ca.as_str()));
        assert_eq!(p.get("ssl.truststore.location"), None);
        // Without the override the truststore is unused (plaintext) and dropped.
        let p = producer_config(&w, &connector(&[]), 0).unwrap();
        assert_eq!(p.get("ssl.ca.location"), None);
        // The DLQ and group-offsets admin clients take the connector's admin.override.
        let a = admin_config(
            &w,
            Some(&connector(&[("admin.override.security.protocol", "SSL")])),
        )
        .unwrap();
        assert_eq!(a.get("security.protocol"), Some("ssl"));
    }

    #[test]
    fn creation_errors_hide_secret_values() {
        let e = KafkaError::ClientConfig(
            rdkafka::bindings::rd_kafka_conf_res_t::RD_KAFKA_CONF_INVALID,
            "bad".into(),
            "ssl.key.pem".into(),
            "-----BEGIN PRIVATE KEY-----secret".into(),
        );
        let text = creation_error(&e);
        assert!(
            text.contains("ssl.key.pem") && !text.contains("secret"),
            "{text}"
        );
    }

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
