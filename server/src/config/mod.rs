//! Worker and connector configuration with Kafka Connect's keys.
//!
//! - `.properties` files (Java syntax) and `.json` connector files (a plain map or
//!   `{"name": .., "config": {..}}`), as `connect-standalone` accepts them;
//! - config providers (`config.providers=file,env,dir` and `${provider:path:key}`);
//! - typed accessors with Kafka Connect's defaults.

pub mod distributed;
pub mod properties;
mod providers;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use providers::ConfigProviders;

pub type Props = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Reads a `.properties` or `.json` file into a flat map.
pub fn load_file(path: &Path) -> Result<Props, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if path.extension().and_then(|e| e.to_str()) == Some("json") {
        parse_connector_json(&text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })
    } else {
        Ok(properties::parse(&text))
    }
}

/// A connector config in JSON: a plain string map, or `{"name": .., "config": {..}}` (the
/// REST API's body), as `connect-standalone` accepts since Kafka 3.5.
pub fn parse_connector_json(text: &str) -> Result<Props, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let obj = v.as_object().ok_or("expected a JSON object")?;
    let (name, config) = match obj.get("config") {
        Some(serde_json::Value::Object(c)) => (obj.get("name").and_then(|n| n.as_str()), c),
        _ => (None, obj),
    };
    let mut out = Props::new();
    for (k, v) in config {
        let s = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => continue,
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => v.to_string(),
            _ => return Err(format!("config value for '{k}' must be a string")),
        };
        out.insert(k.clone(), s);
    }
    if let Some(name) = name {
        match out.get("name") {
            Some(existing) if existing != name => {
                return Err(format!(
                    "connector name '{name}' disagrees with the config's name '{existing}'"
                ))
            }
            _ => {
                out.insert("name".into(), name.to_string());
            }
        }
    }
    Ok(out)
}

/// Settings under `prefix`, with the prefix removed.
pub fn with_prefix(props: &Props, prefix: &str) -> Props {
    props
        .range(prefix.to_string()..)
        .take_while(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k[prefix.len()..].to_string(), v.clone()))
        .collect()
}

fn get_num<T: std::str::FromStr>(
    props: &Props,
    key: &str,
    default: T,
    kind: &str,
) -> Result<T, ConfigError> {
    match props.get(key) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| {
            ConfigError::Invalid(format!(
                "Invalid value {v} for configuration {key}: Not a number of type {kind}"
            ))
        }),
    }
}

pub const DEFAULT_CONVERTER: &str = crate::converter::JSON_CONVERTER;

/// The worker's configuration (Kafka Connect's WorkerConfig and StandaloneConfig keys, plus
/// `polyconnect.*` settings of the connector protocol).
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub props: Props,
    pub bootstrap_servers: String,
    pub offset_storage_file: Option<PathBuf>,
    pub offset_flush_interval: Duration,
    pub offset_flush_timeout: Duration,
    pub task_shutdown_graceful_timeout: Duration,
    pub plugin_path: Vec<PathBuf>,
    pub listeners: String,
    /// Records a source task may have in flight (sent by the connector, not yet acked by Kafka).
    pub source_max_inflight_records: u32,
    /// Bytes a source task may have in flight.
    pub source_max_inflight_bytes: u64,
    pub heartbeat_interval: Duration,
    pub idle_timeout: Duration,
    /// How long a connector process launched from `plugin.path` may take to answer
    /// `Health` before the launch counts as failed.
    pub plugin_startup_timeout: Duration,
    pub max_message_bytes: u64,
    /// Records per Put sent to a sink connector.
    pub sink_max_batch_records: usize,
    /// The most Puts a sink connector may have unanswered, whatever it asks for.
    pub sink_max_inflight_puts: usize,
    /// Bytes (keys, values, headers as read from Kafka) polled but not yet put, before the
    /// consumer pauses its partitions; also what a Put carries at most.
    pub sink_max_buffered_bytes: u64,
    /// A Put unanswered this long means a hung connector: its stream is failed and the task
    /// restarted with back-off (records are read again from the committed offsets).
    pub sink_put_timeout: Duration,
    /// The same for a Flush.
    pub sink_flush_timeout: Duration,
    /// A topic of a sink's `topics` list that does not exist this long fails the task (zero:
    /// wait for it forever).
    pub sink_topic_missing_timeout: Duration,
}

impl WorkerConfig {
    pub fn from_props(props: Props) -> Result<WorkerConfig, ConfigError> {
        // As Kafka Connect's worker config (AbstractConfig), `${provider:path:key}` in the
        // worker's own settings is resolved with the providers the same file configures:
        // `ssl.truststore.password=${file:/etc/connect/secrets.properties:truststore}`.
        let props = ConfigProviders::from_worker(&props)?.resolve(&props)?;
        let ms = |key: &str, default: u64| -> Result<Duration, ConfigError> {
            Ok(Duration::from_millis(get_num(
                &props, key, default, "LONG",
            )?))
        };
        let plugin_path = props
            .get("plugin.path")
            .map(|p| {
                p.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        let max_message_bytes = get_num(&props, "polyconnect.max.message.bytes", 64 << 20, "LONG")?;
        let cfg = WorkerConfig {
            bootstrap_servers: props
                .get("bootstrap.servers")
                .cloned()
                .unwrap_or_else(|| "localhost:9092".into()),
            offset_storage_file: props.get("offset.storage.file.filename").map(PathBuf::from),
            offset_flush_interval: ms("offset.flush.interval.ms", 60_000)?,
            offset_flush_timeout: ms("offset.flush.timeout.ms", 5_000)?,
            task_shutdown_graceful_timeout: ms("task.shutdown.graceful.timeout.ms", 5_000)?,
            plugin_path,
            listeners: props
                .get("listeners")
                .cloned()
                .unwrap_or_else(|| "http://:8083".into()),
            source_max_inflight_records: get_num(
                &props,
                "polyconnect.source.max.inflight.records",
                20_000,
                "INT",
            )?,
            source_max_inflight_bytes: get_num(
                &props,
                "polyconnect.source.max.inflight.bytes",
                (64u64 << 20).max(max_message_bytes),
                "LONG",
            )?,
            heartbeat_interval: ms("polyconnect.heartbeat.interval.ms", 3_000)?,
            idle_timeout: ms("polyconnect.idle.timeout.ms", 30_000)?,
            plugin_startup_timeout: ms("polyconnect.plugin.startup.timeout.ms", 60_000)?,
            max_message_bytes,
            sink_max_batch_records: get_num(
                &props,
                "polyconnect.sink.max.batch.records",
                2_000,
                "INT",
            )?,
            sink_max_inflight_puts: get_num::<usize>(
                &props,
                "polyconnect.sink.max.inflight.puts",
                16,
                "INT",
            )?
            .max(1),
            sink_max_buffered_bytes: get_num(
                &props,
                "polyconnect.sink.max.buffered.bytes",
                64 << 20,
                "LONG",
            )?,
            sink_put_timeout: ms("polyconnect.sink.put.timeout.ms", 300_000)?,
            sink_flush_timeout: ms("polyconnect.sink.flush.timeout.ms", 300_000)?,
            sink_topic_missing_timeout: ms("polyconnect.sink.topic.missing.timeout.ms", 300_000)?,
            props,
        };
        if cfg.source_max_inflight_bytes < cfg.max_message_bytes {
            return Err(ConfigError::Invalid(format!(
                "polyconnect.source.max.inflight.bytes ({}) must be at least polyconnect.max.message.bytes ({})",
                cfg.source_max_inflight_bytes, cfg.max_message_bytes
            )));
        }
        Ok(cfg)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.props.get(key).map(String::as_str)
    }
}

/// A connector's configuration: Kafka Connect's connector keys plus `connector.endpoint`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorConfig {
    pub props: Props,
}

impl ConnectorConfig {
    pub fn new(props: Props) -> Result<ConnectorConfig, ConfigError> {
        let mut missing = Vec::new();
        for key in ["name", "connector.class"] {
            if props.get(key).map(|v| v.trim().is_empty()).unwrap_or(true) {
                missing.push(format!(
                    "Missing required configuration \"{key}\" which has no default value."
                ));
            }
        }
        if let Some(v) = props.get("tasks.max") {
            match v.trim().parse::<i32>() {
                Ok(n) if n >= 1 => {}
                Ok(n) => missing.push(format!(
                    "Invalid value {n} for configuration tasks.max: Value must be at least 1"
                )),
                Err(_) => missing.push(format!(
                    "Invalid value {v} for configuration tasks.max: Not a number of type INT"
                )),
            }
        }
        if !missing.is_empty() {
            return Err(ConfigError::Invalid(missing.join("; ")));
        }
        Ok(ConnectorConfig { props })
    }

    pub fn name(&self) -> &str {
        &self.props["name"]
    }

    pub fn class(&self) -> &str {
        self.props["connector.class"].trim()
    }

    pub fn tasks_max(&self) -> u32 {
        self.props
            .get("tasks.max")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1)
    }

    pub fn endpoint(&self) -> Option<&str> {
        self.props
            .get("connector.endpoint")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.props.get(key).map(String::as_str)
    }

    /// Sink topics: `topics` (comma-separated) or `topics.regex`.
    pub fn sink_topics(&self) -> Result<SinkTopics, ConfigError> {
        let topics: Vec<String> = self
            .get("topics")
            .map(|t| {
                t.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let regex = self
            .get("topics.regex")
            .map(str::trim)
            .filter(|s| !s.is_empty());
        match (topics.is_empty(), regex) {
            (false, Some(_)) => Err(ConfigError::Invalid(
                "topics and topics.regex are mutually exclusive options, but both are set.".into(),
            )),
            (true, None) => Err(ConfigError::Invalid(
                "Must configure one of topics or topics.regex".into(),
            )),
            (false, None) => Ok(SinkTopics::List(topics)),
            (true, Some(r)) => Ok(SinkTopics::Regex(r.to_string())),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SinkTopics {
    List(Vec<String>),
    Regex(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_connector_files() {
        let a = parse_connector_json(
            r#"{"name":"x","config":{"connector.class":"FileStreamSink","tasks.max":1}}"#,
        )
        .unwrap();
        assert_eq!(a["name"], "x");
        assert_eq!(a["tasks.max"], "1");
        let b = parse_connector_json(r#"{"name":"y","connector.class":"FileStreamSink"}"#).unwrap();
        assert_eq!(b["name"], "y");
        assert!(parse_connector_json(r#"{"name":"x","config":{"name":"z"}}"#).is_err());
        assert!(parse_connector_json("[1]").is_err());
    }

    /// The worker's own settings take `${...}` references, resolved with the providers the
    /// worker file configures (a missing file stops the start).
    #[test]
    fn worker_settings_resolve_their_references() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = dir.path().join("secrets.properties");
        std::fs::write(&secrets, "truststore=s3cret\n").unwrap();
        let mut p = Props::new();
        p.insert("config.providers".into(), "file".into());
        p.insert(
            "config.providers.file.class".into(),
            "org.apache.kafka.common.config.provider.FileConfigProvider".into(),
        );
        p.insert(
            "ssl.truststore.password".into(),
            format!("${{file:{}:truststore}}", secrets.display()),
        );
        let w = WorkerConfig::from_props(p.clone()).unwrap();
        assert_eq!(w.props["ssl.truststore.password"], "s3cret");
        p.insert(
            "ssl.keystore.password".into(),
            format!("${{file:{}/missing.properties:k}}", dir.path().display()),
        );
        assert!(WorkerConfig::from_props(p).is_err());
    }

    #[test]
    fn connector_config_lists_every_problem() {
        let mut p = Props::new();
        p.insert("tasks.max".into(), "zero".into());
        let e = ConnectorConfig::new(p).unwrap_err().to_string();
        assert!(e.contains("\"name\""), "{e}");
        assert!(e.contains("connector.class"), "{e}");
        assert!(e.contains("tasks.max"), "{e}");
    }

    #[test]
    fn prefixes() {
        let mut p = Props::new();
        p.insert("value.converter".into(), "x".into());
        p.insert("value.converter.schemas.enable".into(), "false".into());
        p.insert("value.x".into(), "y".into());
        let s = with_prefix(&p, "value.converter.");
        assert_eq!(s.len(), 1);
        assert_eq!(s["schemas.enable"], "false");
    }
}
