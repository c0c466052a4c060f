//! The distributed worker's own settings (Kafka Connect's `DistributedConfig`), with Kafka
//! Connect's keys, defaults and validation rules. Every problem in a worker file is
//! reported at once, so a user fixes them in one pass.

use std::time::Duration;

use super::{ConfigError, Props};

/// `connect.protocol`: the worker group protocol this worker prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectProtocolSetting {
    Eager,
    Compatible,
    Sessioned,
}

/// `exactly.once.source.support`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExactlyOnceSourceSupport {
    Disabled,
    Preparing,
    Enabled,
}

/// The HMAC algorithms a worker can generate keys for and sign with (Kafka Connect accepts
/// whatever the JVM's `Mac` provides; these are the ones every JVM has).
pub const HMAC_ALGORITHMS: &[&str] = &["HmacSHA256", "HmacSHA384", "HmacSHA512", "HmacSHA1"];

#[derive(Debug, Clone)]
pub struct DistributedConfig {
    pub group_id: String,
    pub config_storage_topic: String,
    pub config_storage_replication_factor: i16,
    pub offset_storage_topic: String,
    pub offset_storage_partitions: i32,
    pub offset_storage_replication_factor: i16,
    pub status_storage_topic: String,
    pub status_storage_partitions: i32,
    pub status_storage_replication_factor: i16,
    pub session_timeout: Duration,
    pub heartbeat_interval: Duration,
    pub rebalance_timeout: Duration,
    pub worker_sync_timeout: Duration,
    pub worker_unsync_backoff: Duration,
    pub connect_protocol: ConnectProtocolSetting,
    pub scheduled_rebalance_max_delay: Duration,
    pub inter_worker_key_generation_algorithm: String,
    /// Bits; `None`: the algorithm's default (256 for HmacSHA256).
    pub inter_worker_key_size: Option<u32>,
    pub inter_worker_key_ttl: Duration,
    pub inter_worker_signature_algorithm: String,
    pub inter_worker_verification_algorithms: Vec<String>,
    pub exactly_once_source_support: ExactlyOnceSourceSupport,
    pub rest_advertised_host_name: Option<String>,
    pub rest_advertised_port: Option<u16>,
    pub rest_advertised_listener: Option<String>,
}

/// Keys of Kafka Connect's distributed worker that this worker reads. Any other key of
/// Kafka Connect's worker (client settings, metrics reporters, ...) is accepted as Kafka
/// Connect accepts it; see [`DistributedConfig::from_props`].
pub const DISTRIBUTED_KEYS: &[&str] = &[
    "group.id",
    "config.storage.topic",
    "config.storage.replication.factor",
    "offset.storage.topic",
    "offset.storage.partitions",
    "offset.storage.replication.factor",
    "status.storage.topic",
    "status.storage.partitions",
    "status.storage.replication.factor",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "rebalance.timeout.ms",
    "worker.sync.timeout.ms",
    "worker.unsync.backoff.ms",
    "connect.protocol",
    "scheduled.rebalance.max.delay.ms",
    "inter.worker.key.generation.algorithm",
    "inter.worker.key.size",
    "inter.worker.key.ttl.ms",
    "inter.worker.signature.algorithm",
    "inter.worker.verification.algorithms",
    "exactly.once.source.support",
    "rest.advertised.host.name",
    "rest.advertised.port",
    "rest.advertised.listener",
];

impl DistributedConfig {
    /// Reads the distributed settings of a worker file. Errors list every problem, in
    /// Kafka Connect's wording where it has one.
    pub fn from_props(props: &Props) -> Result<DistributedConfig, ConfigError> {
        let mut problems: Vec<String> = Vec::new();
        let mut required = |key: &str| -> String {
            match props.get(key).map(|v| v.trim()) {
                Some(v) if !v.is_empty() => v.to_string(),
                _ => {
                    problems.push(format!(
                        "Missing required configuration \"{key}\" which has no default value."
                    ));
                    String::new()
                }
            }
        };
        let group_id = required("group.id");
        let config_storage_topic = required("config.storage.topic");
        let offset_storage_topic = required("offset.storage.topic");
        let status_storage_topic = required("status.storage.topic");

        let p = &mut problems;
        let ms = |n: i64| Duration::from_millis(n.max(0) as u64);
        let int_max = i32::MAX as i64;
        let session_timeout = ms(int(props, p, "session.timeout.ms", 10_000, 1, int_max));
        let heartbeat_interval = ms(int(props, p, "heartbeat.interval.ms", 3_000, 1, int_max));
        let rebalance_timeout = ms(int(props, p, "rebalance.timeout.ms", 60_000, 1, int_max));
        let worker_sync_timeout = ms(int(props, p, "worker.sync.timeout.ms", 3_000, 0, int_max));
        let worker_unsync_backoff = ms(int(
            props,
            p,
            "worker.unsync.backoff.ms",
            300_000,
            0,
            int_max,
        ));
        let scheduled_rebalance_max_delay = ms(int(
            props,
            p,
            "scheduled.rebalance.max.delay.ms",
            300_000,
            0,
            int_max,
        ));
        let inter_worker_key_ttl = ms(int(
            props,
            p,
            "inter.worker.key.ttl.ms",
            3_600_000,
            0,
            int_max,
        ));
        let inter_worker_key_size = props
            .get("inter.worker.key.size")
            .map(|_| int(props, p, "inter.worker.key.size", 256, 1, int_max) as u32);
        let short_max = i16::MAX as i64;
        let config_storage_replication_factor =
            topic_setting(props, p, "config.storage.replication.factor", 3, short_max) as i16;
        let offset_storage_partitions =
            topic_setting(props, p, "offset.storage.partitions", 25, int_max) as i32;
        let offset_storage_replication_factor =
            topic_setting(props, p, "offset.storage.replication.factor", 3, short_max) as i16;
        let status_storage_partitions =
            topic_setting(props, p, "status.storage.partitions", 5, int_max) as i32;
        let status_storage_replication_factor =
            topic_setting(props, p, "status.storage.replication.factor", 3, short_max) as i16;

        let connect_protocol = match props
            .get("connect.protocol")
            .map(|v| v.trim().to_ascii_lowercase())
        {
            None => ConnectProtocolSetting::Sessioned,
            Some(v) => match v.as_str() {
                "eager" => ConnectProtocolSetting::Eager,
                "compatible" => ConnectProtocolSetting::Compatible,
                "sessioned" => ConnectProtocolSetting::Sessioned,
                _ => {
                    problems.push(format!(
                        "Invalid value {v} for configuration connect.protocol: String must be one of: eager, compatible, sessioned"
                    ));
                    ConnectProtocolSetting::Sessioned
                }
            },
        };
        let exactly_once_source_support = match props
            .get("exactly.once.source.support")
            .map(|v| v.trim().to_ascii_lowercase())
        {
            None => ExactlyOnceSourceSupport::Disabled,
            Some(v) => match v.as_str() {
                "disabled" => ExactlyOnceSourceSupport::Disabled,
                "preparing" => ExactlyOnceSourceSupport::Preparing,
                "enabled" => ExactlyOnceSourceSupport::Enabled,
                _ => {
                    problems.push(format!(
                        "Invalid value {v} for configuration exactly.once.source.support: String must be one of: disabled, preparing, enabled"
                    ));
                    ExactlyOnceSourceSupport::Disabled
                }
            },
        };

        let mut algorithm = |key: &str| -> String {
            let v = props
                .get(key)
                .map(|v| v.trim().to_string())
                .unwrap_or_else(|| "HmacSHA256".into());
            if !HMAC_ALGORITHMS.contains(&v.as_str()) {
                problems.push(format!(
                    "Invalid value {v} for configuration {key}: Algorithm must be one of: {}",
                    HMAC_ALGORITHMS.join(", ")
                ));
            }
            v
        };
        let inter_worker_key_generation_algorithm =
            algorithm("inter.worker.key.generation.algorithm");
        let inter_worker_signature_algorithm = algorithm("inter.worker.signature.algorithm");
        let inter_worker_verification_algorithms: Vec<String> = props
            .get("inter.worker.verification.algorithms")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_else(|| vec!["HmacSHA256".into()]);
        if inter_worker_verification_algorithms.is_empty() {
            problems.push("Invalid value for configuration inter.worker.verification.algorithms: List must not be empty".into());
        }
        for a in &inter_worker_verification_algorithms {
            if !HMAC_ALGORITHMS.contains(&a.as_str()) {
                problems.push(format!(
                    "Invalid value {a} for configuration inter.worker.verification.algorithms: Algorithm must be one of: {}",
                    HMAC_ALGORITHMS.join(", ")
                ));
            }
        }
        if !inter_worker_verification_algorithms.contains(&inter_worker_signature_algorithm) {
            problems.push(format!(
                "Signature algorithm '{inter_worker_signature_algorithm}' must be present in inter.worker.verification.algorithms list."
            ));
        }
        if heartbeat_interval >= session_timeout {
            problems.push(format!(
                "heartbeat.interval.ms ({}) must be lower than session.timeout.ms ({}): a member that heartbeats less often than its session lasts is expired between heartbeats",
                heartbeat_interval.as_millis(),
                session_timeout.as_millis()
            ));
        }
        for (key, topic) in [
            ("config.storage.topic", &config_storage_topic),
            ("offset.storage.topic", &offset_storage_topic),
            ("status.storage.topic", &status_storage_topic),
        ] {
            if !topic.is_empty() && !valid_topic_name(topic) {
                problems.push(format!(
                    "Invalid value {topic} for configuration {key}: a topic name is 1 to 249 characters of ASCII letters, digits, '.', '_' and '-', and neither '.' nor '..'"
                ));
            }
        }
        let names = [
            &config_storage_topic,
            &offset_storage_topic,
            &status_storage_topic,
        ];
        if names.iter().all(|n| !n.is_empty())
            && (names[0] == names[1] || names[0] == names[2] || names[1] == names[2])
        {
            problems.push(format!(
                "config.storage.topic ({config_storage_topic}), offset.storage.topic ({offset_storage_topic}) and status.storage.topic ({status_storage_topic}) must be three different topics"
            ));
        }
        if !group_id.is_empty() && group_id.starts_with("connect-") {
            // Sink connectors' consumer groups are `connect-<name>`: a worker group of that
            // form could collide with one of them (a group of another protocol type).
            tracing::warn!(group.id = %group_id, "group.id starts with 'connect-', the prefix of sink connectors' consumer groups; a sink connector whose name makes the same group id cannot run");
        }
        let rest_advertised_port = match props.get("rest.advertised.port").map(|v| v.trim()) {
            None | Some("") => None,
            Some(v) => match v.parse::<u16>() {
                Ok(p) if p > 0 => Some(p),
                _ => {
                    problems.push(format!("Invalid value {v} for configuration rest.advertised.port: Not a port number"));
                    None
                }
            },
        };
        let rest_advertised_listener = props
            .get("rest.advertised.listener")
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty());
        if let Some(l) = &rest_advertised_listener {
            if l != "http" && l != "https" {
                problems.push(format!(
                    "Invalid value {l} for configuration rest.advertised.listener: String must be one of: http, https"
                ));
            }
        }

        if !problems.is_empty() {
            return Err(ConfigError::Invalid(problems.join("; ")));
        }
        Ok(DistributedConfig {
            group_id,
            config_storage_topic,
            config_storage_replication_factor,
            offset_storage_topic,
            offset_storage_partitions,
            offset_storage_replication_factor,
            status_storage_topic,
            status_storage_partitions,
            status_storage_replication_factor,
            session_timeout,
            heartbeat_interval,
            rebalance_timeout,
            worker_sync_timeout,
            worker_unsync_backoff,
            connect_protocol,
            scheduled_rebalance_max_delay,
            inter_worker_key_generation_algorithm,
            inter_worker_key_size,
            inter_worker_key_ttl,
            inter_worker_signature_algorithm,
            inter_worker_verification_algorithms,
            exactly_once_source_support,
            rest_advertised_host_name: props
                .get("rest.advertised.host.name")
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
            rest_advertised_port,
            rest_advertised_listener,
        })
    }

    /// The URL other workers reach this one at (`http://host:port/`), from
    /// `rest.advertised.*`, else the first listener of `listeners`, else the machine's
    /// host name, as Kafka Connect's `RestServer.advertisedUrl` builds it.
    pub fn advertised_url(&self, listeners: &str, host_name: &str) -> String {
        let first = listeners
            .split(',')
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("http://:8083");
        let (scheme, rest) = first.split_once("://").unwrap_or(("http", first));
        let (listener_host, listener_port) = rest.rsplit_once(':').unwrap_or((rest, "8083"));
        let scheme = self
            .rest_advertised_listener
            .as_deref()
            .unwrap_or(scheme)
            .to_ascii_lowercase();
        let host = self
            .rest_advertised_host_name
            .clone()
            .or_else(|| {
                (!listener_host.is_empty() && listener_host != "0.0.0.0")
                    .then(|| listener_host.to_string())
            })
            .unwrap_or_else(|| host_name.to_string());
        let port = self
            .rest_advertised_port
            .map(|p| p.to_string())
            .unwrap_or_else(|| listener_port.to_string());
        format!("{scheme}://{host}:{port}/")
    }
}

/// An integer setting in `min..=max`, else its default and a problem in Kafka Connect's words.
fn int(
    props: &Props,
    problems: &mut Vec<String>,
    key: &str,
    default: i64,
    min: i64,
    max: i64,
) -> i64 {
    let Some(v) = props.get(key).map(|v| v.trim()) else {
        return default;
    };
    match v.parse::<i64>() {
        Ok(n) if n >= min && n <= max => n,
        Ok(n) => {
            let range = if max >= i32::MAX as i64 {
                format!("at least {min}")
            } else {
                format!("between {min} and {max}")
            };
            problems.push(format!(
                "Invalid value {n} for configuration {key}: Value must be {range}"
            ));
            default
        }
        Err(_) => {
            let kind = if max > i32::MAX as i64 { "LONG" } else { "INT" };
            problems.push(format!(
                "Invalid value {v} for configuration {key}: Not a number of type {kind}"
            ));
            default
        }
    }
}

/// Partitions and replication factors: positive, or -1 for the broker's default (KIP-464).
fn topic_setting(
    props: &Props,
    problems: &mut Vec<String>,
    key: &str,
    default: i64,
    max: i64,
) -> i64 {
    let v = int(props, problems, key, default, -1, max);
    if v == 0 {
        problems.push(format!("Invalid value 0 for configuration {key}: Value must be -1 (the broker's default) or at least 1"));
        return default;
    }
    v
}

/// Kafka's rule for topic names (`org.apache.kafka.common.internals.Topic.validate`).
pub fn valid_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
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

    fn minimal() -> Props {
        props(&[
            ("group.id", "cluster-a"),
            ("config.storage.topic", "connect-configs"),
            ("offset.storage.topic", "connect-offsets"),
            ("status.storage.topic", "connect-status"),
        ])
    }

    #[test]
    fn defaults_are_kafka_connects() {
        let c = DistributedConfig::from_props(&minimal()).unwrap();
        assert_eq!(c.session_timeout, Duration::from_secs(10));
        assert_eq!(c.heartbeat_interval, Duration::from_secs(3));
        assert_eq!(c.rebalance_timeout, Duration::from_secs(60));
        assert_eq!(c.worker_sync_timeout, Duration::from_secs(3));
        assert_eq!(c.worker_unsync_backoff, Duration::from_secs(300));
        assert_eq!(c.scheduled_rebalance_max_delay, Duration::from_secs(300));
        assert_eq!(c.connect_protocol, ConnectProtocolSetting::Sessioned);
        assert_eq!(
            (c.offset_storage_partitions, c.status_storage_partitions),
            (25, 5)
        );
        assert_eq!(c.config_storage_replication_factor, 3);
        assert_eq!(c.inter_worker_key_ttl, Duration::from_secs(3600));
        assert_eq!(c.inter_worker_verification_algorithms, ["HmacSHA256"]);
        assert_eq!(
            c.exactly_once_source_support,
            ExactlyOnceSourceSupport::Disabled
        );
        assert_eq!(c.inter_worker_key_size, None);
    }

    #[test]
    fn every_problem_is_listed() {
        let mut p = props(&[
            ("offset.storage.topic", "same"),
            ("status.storage.topic", "same"),
            ("config.storage.topic", "bad topic!"),
            ("session.timeout.ms", "abc"),
            ("offset.storage.partitions", "0"),
            ("config.storage.replication.factor", "-2"),
            ("connect.protocol", "fast"),
            ("inter.worker.signature.algorithm", "HmacSHA512"),
        ]);
        p.insert("rest.advertised.port".into(), "99999".into());
        let e = DistributedConfig::from_props(&p).unwrap_err().to_string();
        for needle in [
            "Missing required configuration \"group.id\"",
            "Invalid value abc for configuration session.timeout.ms",
            "Invalid value 0 for configuration offset.storage.partitions",
            "Invalid value -2 for configuration config.storage.replication.factor",
            "Invalid value fast for configuration connect.protocol",
            "Signature algorithm 'HmacSHA512' must be present",
            "Invalid value bad topic! for configuration config.storage.topic",
            "must be three different topics",
            "rest.advertised.port",
        ] {
            assert!(e.contains(needle), "{needle:?} missing from: {e}");
        }
    }

    #[test]
    fn broker_default_partitions_and_replication() {
        let mut p = minimal();
        p.insert("offset.storage.partitions".into(), "-1".into());
        p.insert("status.storage.replication.factor".into(), "-1".into());
        p.insert("connect.protocol".into(), "COMPATIBLE".into());
        let c = DistributedConfig::from_props(&p).unwrap();
        assert_eq!(c.offset_storage_partitions, -1);
        assert_eq!(c.status_storage_replication_factor, -1);
        assert_eq!(c.connect_protocol, ConnectProtocolSetting::Compatible);
    }

    #[test]
    fn heartbeat_must_be_shorter_than_the_session() {
        let mut p = minimal();
        p.insert("heartbeat.interval.ms".into(), "10000".into());
        let e = DistributedConfig::from_props(&p).unwrap_err().to_string();
        assert!(
            e.contains(
                "heartbeat.interval.ms (10000) must be lower than session.timeout.ms (10000)"
            ),
            "{e}"
        );
    }

    #[test]
    fn advertised_url() {
        let c = DistributedConfig::from_props(&minimal()).unwrap();
        assert_eq!(
            c.advertised_url("http://:8083", "host1"),
            "http://host1:8083/"
        );
        assert_eq!(
            c.advertised_url("http://10.0.0.5:8084", "host1"),
            "http://10.0.0.5:8084/"
        );
        let mut p = minimal();
        p.insert("rest.advertised.host.name".into(), "w1.example".into());
        p.insert("rest.advertised.port".into(), "18083".into());
        let c = DistributedConfig::from_props(&p).unwrap();
        assert_eq!(
            c.advertised_url("http://0.0.0.0:8083", "host1"),
            "http://w1.example:18083/"
        );
    }
}
