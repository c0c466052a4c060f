//! Sink connector offsets: the committed offsets of the connector's consumer group
//! (`connect-<name>`, or its `consumer.override.group.id`), read, altered and reset for
//! `GET|PATCH|DELETE /connectors/{c}/offsets` while the connector is stopped.
//!
//! The REST form is Kafka Connect's: partition `{"kafka_topic", "kafka_partition"}`, offset
//! `{"kafka_offset"}`.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde_json::{json, Value as Json};

use crate::config::{ConnectorConfig, WorkerConfig};

const TIMEOUT: Duration = Duration::from_secs(30);

pub const KAFKA_TOPIC_KEY: &str = "kafka_topic";
pub const KAFKA_PARTITION_KEY: &str = "kafka_partition";
pub const KAFKA_OFFSET_KEY: &str = "kafka_offset";

/// Why offsets could not be changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GroupOffsetsError {
    /// The group still has members (tasks not stopped yet, or the connector resumed).
    #[error("the consumer group is not empty")]
    NotEmpty,
    #[error("{0}")]
    Other(String),
}

impl From<String> for GroupOffsetsError {
    fn from(s: String) -> Self {
        GroupOffsetsError::Other(s)
    }
}

/// A sink offset to write: topic, partition, and the offset (None: reset the partition).
pub type SinkOffset = (String, i32, Option<i64>);

fn consumer_config(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
) -> Result<ClientConfig, String> {
    let mut cfg = crate::kafka::consumer_config(worker, connector, 0)
        .map_err(|e| format!("invalid Kafka consumer settings: {e}"))?;
    cfg.set(
        "client.id",
        format!("connector-offsets-{}", connector.name()),
    );
    Ok(cfg)
}

fn group_id(cfg: &ClientConfig) -> String {
    cfg.get("group.id").unwrap_or_default().to_string()
}

/// The group's committed offsets, for every partition of every topic it has one for.
pub fn committed(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
) -> Result<Vec<(Json, Json)>, String> {
    let consumer: BaseConsumer = consumer_config(worker, connector)?
        .create()
        .map_err(|e| crate::kafka::creation_error(&e))?;
    let md = consumer
        .fetch_metadata(None, TIMEOUT)
        .map_err(|e| e.to_string())?;
    let mut tpl = TopicPartitionList::new();
    for t in md.topics() {
        if t.name().starts_with("__") {
            continue;
        }
        for p in t.partitions() {
            tpl.add_partition(t.name(), p.id());
        }
    }
    if tpl.count() == 0 {
        return Ok(Vec::new());
    }
    let committed = consumer
        .committed_offsets(tpl, TIMEOUT)
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for e in committed.elements() {
        if let Offset::Offset(o) = e.offset() {
            out.push((
                json!({KAFKA_TOPIC_KEY: e.topic(), KAFKA_PARTITION_KEY: e.partition()}),
                json!({KAFKA_OFFSET_KEY: o}),
            ));
        }
    }
    Ok(out)
}

/// Java's `String.valueOf` of a JSON value, as Kafka Connect parses these fields.
fn java_string(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Checks and parses the REST body's entries, with Kafka Connect's messages.
pub fn parse(entries: &[(Json, Option<Json>)]) -> Result<Vec<SinkOffset>, String> {
    let mut out = Vec::with_capacity(entries.len());
    for (partition, offset) in entries {
        let Some(p) = partition.as_object() else {
            return Err(
                "The partition for a sink connector offset cannot be null or missing".into(),
            );
        };
        let (Some(topic), Some(part)) = (p.get(KAFKA_TOPIC_KEY), p.get(KAFKA_PARTITION_KEY)) else {
            return Err(format!(
                "The partition for a sink connector offset must contain the keys '{KAFKA_TOPIC_KEY}' and '{KAFKA_PARTITION_KEY}'"
            ));
        };
        if topic.is_null() {
            return Err("Kafka topic names must be valid strings and may not be null".into());
        }
        if part.is_null() {
            return Err("Kafka partitions must be valid numbers and may not be null".into());
        }
        let topic = java_string(topic);
        let part: i32 = java_string(part).parse().map_err(|_| {
            format!(
                "Failed to parse the following Kafka partition value in the provided offsets: '{}'. Partition values for \
                 sink connectors need to be integers.",
                java_string(part)
            )
        })?;
        let offset = match offset {
            None | Some(Json::Null) => None,
            Some(o) => {
                let Some(v) = o.as_object().and_then(|o| o.get(KAFKA_OFFSET_KEY)) else {
                    return Err(format!(
                        "The offset for a sink connector should either be null or contain the key '{KAFKA_OFFSET_KEY}'"
                    ));
                };
                let n: i64 = java_string(v).parse().map_err(|_| {
                    format!(
                        "Failed to parse the following Kafka offset value in the provided offsets: '{}'. Offset values for \
                         sink connectors need to be integers.",
                        java_string(v)
                    )
                })?;
                if n < 0 {
                    return Err(format!(
                        "Kafka offsets must be non-negative, but {n} was given for {topic}-{part}"
                    ));
                }
                Some(n)
            }
        };
        out.push((topic, part, offset));
    }
    Ok(out)
}

/// Commits the given offsets for the group (which must have no active member). A reset
/// partition gets the offset the connector's consumer would start from without one
/// (`auto.offset.reset`: the log start, or its end for `latest`).
pub fn alter(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
    offsets: &[SinkOffset],
) -> Result<(), GroupOffsetsError> {
    let cfg = consumer_config(worker, connector)?;
    let latest = cfg
        .get("auto.offset.reset")
        .map(|v| v.eq_ignore_ascii_case("latest"))
        .unwrap_or(false);
    let consumer: BaseConsumer = cfg.create().map_err(|e| crate::kafka::creation_error(&e))?;
    let mut tpl = TopicPartitionList::new();
    for (topic, part, offset) in offsets {
        let o = match offset {
            Some(o) => *o,
            None => {
                let (low, high) = consumer
                    .fetch_watermarks(topic, *part, TIMEOUT)
                    .map_err(|e| e.to_string())?;
                if latest {
                    high
                } else {
                    low
                }
            }
        };
        tpl.add_partition_offset(topic, *part, Offset::Offset(o))
            .map_err(|e| e.to_string())?;
    }
    consumer
        .commit(&tpl, CommitMode::Sync)
        .map_err(|e| match e.rdkafka_error_code() {
            // Only members may commit while the group has members.
            Some(rdkafka::types::RDKafkaErrorCode::UnknownMemberId)
            | Some(rdkafka::types::RDKafkaErrorCode::IllegalGeneration) => {
                GroupOffsetsError::NotEmpty
            }
            _ => GroupOffsetsError::Other(e.to_string()),
        })
}

/// Deletes the group, and with it every committed offset (Kafka Connect does the same).
pub async fn reset(
    worker: &WorkerConfig,
    connector: &ConnectorConfig,
) -> Result<(), GroupOffsetsError> {
    let cfg = consumer_config(worker, connector)?;
    let group = group_id(&cfg);
    let admin_cfg = crate::kafka::admin_config(worker, Some(connector))
        .map_err(|e| format!("invalid Kafka admin client settings: {e}"))?;
    let admin: AdminClient<DefaultClientContext> = admin_cfg
        .create()
        .map_err(|e| crate::kafka::creation_error(&e))?;
    let opts = AdminOptions::new().request_timeout(Some(TIMEOUT));
    let results = admin
        .delete_groups(&[&group], &opts)
        .await
        .map_err(|e| e.to_string())?;
    for r in results {
        match r {
            Ok(_) => {}
            // Idempotent: a group deleted by an earlier reset is fine.
            Err((_, rdkafka::types::RDKafkaErrorCode::GroupIdNotFound)) => {}
            Err((_, rdkafka::types::RDKafkaErrorCode::NonEmptyGroup)) => {
                return Err(GroupOffsetsError::NotEmpty)
            }
            Err((g, e)) => {
                return Err(GroupOffsetsError::Other(format!(
                    "cannot delete consumer group {g}: {e}"
                )))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_kafka_connect() {
        let ok = parse(&[
            (
                json!({"kafka_topic": "t", "kafka_partition": "2"}),
                Some(json!({"kafka_offset": 10})),
            ),
            (json!({"kafka_topic": "t", "kafka_partition": 3}), None),
        ])
        .unwrap();
        assert_eq!(
            ok,
            vec![("t".to_string(), 2, Some(10)), ("t".to_string(), 3, None)]
        );
        let e = parse(&[(json!({"kafka_topic": "t", "kafka_partition": "x"}), None)]).unwrap_err();
        assert!(e.contains("'x'"), "{e}");
        let e = parse(&[(json!({"kafka_topic": "t"}), None)]).unwrap_err();
        assert!(e.contains("must contain the keys"), "{e}");
        let e = parse(&[(Json::Null, None)]).unwrap_err();
        assert!(e.contains("cannot be null"), "{e}");
        let e = parse(&[(
            json!({"kafka_topic": "t", "kafka_partition": 0}),
            Some(json!({"x": 1})),
        )])
        .unwrap_err();
        assert!(e.contains("kafka_offset"), "{e}");
        let e = parse(&[(
            json!({"kafka_topic": "t", "kafka_partition": 0}),
            Some(json!({"kafka_offset": 1.5})),
        )])
        .unwrap_err();
        assert!(e.contains("'1.5'"), "{e}");
    }
}
