//! Error handling for records, with Kafka Connect's `errors.*` settings and behaviour
//! (its `RetryWithToleranceOperator`, `LogReporter`, `DeadLetterQueueReporter`).
//!
//! - `mod.rs`: [`Stage`], [`Failure`] and the settings ([`ErrorHandlingConfig`]).
//! - `operator.rs`: [`ErrorHandler`]: retries retriable failures with capped, jittered
//!   exponential back-off within `errors.retry.timeout`, reports every failure (log, dead
//!   letter queue), then tolerates it (`errors.tolerance=all`: the record is skipped) or
//!   fails the task (`none`), and counts what happened ([`ErrorMetrics`]).
//! - `dlq.rs`: the dead letter queue of a sink task: the original consumed bytes with the
//!   `__connect.errors.*` context headers, produced to a topic created if missing. A failed
//!   write ([`DlqError`]) fails the task: [`ErrorHandler::flush`] returns it (and keeps
//!   returning it) before offsets are committed, and no record is skipped any more.
//!
//! What is tolerated, as in Kafka Connect: any failure of a converter or a transform; a
//! record a sink connector reports as errant; on a source, a record Kafka refused. A
//! connector's own errors (FATAL, CONFIG) are not records' errors and always fail the task.

mod dlq;
mod operator;

use std::time::Duration;

use crate::config::Props;

pub use dlq::{DeadLetterQueue, DlqError, CONTEXT_HEADERS};
pub use operator::{backoff_delay, ErrorHandler, ErrorMetrics, RecordRef};

/// The step of a record's path that failed (Kafka Connect's `Stage`; its name is the
/// `__connect.errors.stage` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    KeyConverter,
    ValueConverter,
    HeaderConverter,
    Transformation,
    TaskPut,
    TaskPoll,
    KafkaProduce,
    KafkaConsume,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::KeyConverter => "KEY_CONVERTER",
            Stage::ValueConverter => "VALUE_CONVERTER",
            Stage::HeaderConverter => "HEADER_CONVERTER",
            Stage::Transformation => "TRANSFORMATION",
            Stage::TaskPut => "TASK_PUT",
            Stage::TaskPoll => "TASK_POLL",
            Stage::KafkaProduce => "KAFKA_PRODUCE",
            Stage::KafkaConsume => "KAFKA_CONSUME",
        }
    }
}

pub const DATA_EXCEPTION: &str = "org.apache.kafka.connect.errors.DataException";
pub const NETWORK_EXCEPTION: &str = "org.apache.kafka.common.errors.NetworkException";
pub const CONNECT_EXCEPTION: &str = "org.apache.kafka.connect.errors.ConnectException";
pub const RETRIABLE_EXCEPTION: &str = "org.apache.kafka.connect.errors.RetriableException";

/// One failed operation on one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub stage: Stage,
    /// The class that was executing (`__connect.errors.class.name`): the converter's or
    /// transform's Kafka Connect class name, or the connector's class.
    pub class: String,
    /// The exception's class (`__connect.errors.exception.class.name`).
    pub exception_class: String,
    pub message: String,
    /// More detail (a stack trace from the connector, the transform alias), may be empty.
    pub detail: String,
    /// Worth retrying within `errors.retry.timeout` (Kafka Connect's RetriableException).
    pub retriable: bool,
}

impl Failure {
    pub fn new(
        stage: Stage,
        class: impl Into<String>,
        exception_class: impl Into<String>,
        message: impl Into<String>,
    ) -> Failure {
        Failure {
            stage,
            class: class.into(),
            exception_class: exception_class.into(),
            message: message.into(),
            detail: String::new(),
            retriable: false,
        }
    }

    /// A converter's failure (Kafka Connect's converters throw DataException).
    pub fn data(stage: Stage, class: &str, message: impl Into<String>) -> Failure {
        Failure::new(stage, class, DATA_EXCEPTION, message)
    }

    /// A converter's error: a DataException, or a retriable NetworkException when the
    /// converter could not reach what it needs (a schema registry), as Confluent's
    /// converters throw it.
    pub fn converter(stage: Stage, class: &str, e: crate::data::DataError) -> Failure {
        if e.retriable {
            let mut f = Failure::new(stage, class, NETWORK_EXCEPTION, e.message);
            f.retriable = true;
            f
        } else {
            Failure::data(stage, class, e.message)
        }
    }

    /// A transform's failure, with the transform's class as the executing class.
    pub fn transform(e: crate::transforms::TransformError) -> Failure {
        let detail = e.stack_trace();
        Failure {
            stage: Stage::Transformation,
            class: e.transform_class.clone().unwrap_or_default(),
            retriable: e.exception_class == RETRIABLE_EXCEPTION,
            exception_class: e.exception_class,
            message: e.message,
            detail,
        }
    }

    /// `class: message`, as Java's `Throwable.toString()`.
    pub fn summary(&self) -> String {
        if self.message.is_empty() {
            self.exception_class.clone()
        } else {
            format!("{}: {}", self.exception_class, self.message)
        }
    }

    /// A stack trace in Java's layout (`__connect.errors.exception.stacktrace`).
    pub fn stack_trace(&self) -> String {
        let mut s = self.summary();
        if !self.detail.is_empty() && self.detail != s {
            // A transform's detail already starts with the summary.
            let rest = self.detail.strip_prefix(s.as_str()).unwrap_or(&self.detail);
            if !rest.starts_with('\n') && !rest.is_empty() {
                s.push('\n');
            }
            s.push_str(rest);
        }
        s.push_str(&format!(
            "\n\tat {}({} stage)",
            self.class,
            self.stage.name()
        ));
        s
    }
}

/// `errors.tolerance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    None,
    All,
}

/// A connector's `errors.*` settings, with Kafka Connect's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorHandlingConfig {
    pub tolerance: Tolerance,
    /// `errors.retry.timeout` (ms; -1: forever; default 0: no retries).
    pub retry_timeout: Option<Duration>,
    /// `errors.retry.delay.max.ms` (default 60000).
    pub retry_delay_max: Duration,
    pub log_enable: bool,
    pub log_include_messages: bool,
    /// `errors.deadletterqueue.topic.name` (sinks only; empty: none).
    pub dlq_topic: Option<String>,
    pub dlq_replication_factor: i16,
    pub dlq_context_headers: bool,
}

impl Default for ErrorHandlingConfig {
    fn default() -> Self {
        ErrorHandlingConfig {
            tolerance: Tolerance::None,
            retry_timeout: Some(Duration::ZERO),
            retry_delay_max: Duration::from_millis(60_000),
            log_enable: false,
            log_include_messages: false,
            dlq_topic: None,
            dlq_replication_factor: 3,
            dlq_context_headers: false,
        }
    }
}

fn java_bool(props: &Props, key: &str, default: bool, problems: &mut Vec<String>) -> bool {
    match props.get(key).map(|v| v.trim()) {
        None => default,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(v) => {
            problems.push(format!("Invalid value {v} for configuration {key}: Expected value to be either true or false"));
            default
        }
    }
}

fn java_long(props: &Props, key: &str, default: i64, min: i64, problems: &mut Vec<String>) -> i64 {
    let Some(raw) = props.get(key).map(|v| v.trim()) else {
        return default;
    };
    match raw.parse::<i64>() {
        Ok(n) if n < min => {
            problems.push(format!(
                "Invalid value {n} for configuration {key}: Value must be at least {min}"
            ));
            default
        }
        Ok(n) => n,
        Err(_) => {
            problems.push(format!(
                "Invalid value {raw} for configuration {key}: Not a number of type LONG"
            ));
            default
        }
    }
}

impl ErrorHandlingConfig {
    /// Reads the `errors.*` settings; the error lists every problem, in Kafka Connect's words.
    pub fn from_props(props: &Props) -> Result<ErrorHandlingConfig, Vec<String>> {
        let mut problems = Vec::new();
        let d = ErrorHandlingConfig::default();
        let tolerance = match props.get("errors.tolerance").map(|v| v.trim()) {
            None => Tolerance::None,
            Some(v) if v.eq_ignore_ascii_case("none") => Tolerance::None,
            Some(v) if v.eq_ignore_ascii_case("all") => Tolerance::All,
            Some(v) => {
                problems.push(format!("Invalid value {v} for configuration errors.tolerance: String must be one of: none, all"));
                Tolerance::None
            }
        };
        let timeout = java_long(props, "errors.retry.timeout", 0, -1, &mut problems);
        let delay_max = java_long(props, "errors.retry.delay.max.ms", 60_000, 1, &mut problems);
        let log_enable = java_bool(props, "errors.log.enable", false, &mut problems);
        let log_include_messages =
            java_bool(props, "errors.log.include.messages", false, &mut problems);
        let dlq_topic = props
            .get("errors.deadletterqueue.topic.name")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let rf = java_long(
            props,
            "errors.deadletterqueue.topic.replication.factor",
            3,
            i16::MIN as i64,
            &mut problems,
        );
        let rf = match i16::try_from(rf) {
            Ok(rf) if rf == -1 || rf >= 1 => rf,
            _ => {
                problems.push(format!(
                    "Invalid value {rf} for configuration errors.deadletterqueue.topic.replication.factor: Value must be -1 (the broker's default) or at least 1"
                ));
                d.dlq_replication_factor
            }
        };
        let dlq_context_headers = java_bool(
            props,
            "errors.deadletterqueue.context.headers.enable",
            false,
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ErrorHandlingConfig {
            tolerance,
            retry_timeout: u64::try_from(timeout).ok().map(Duration::from_millis),
            retry_delay_max: Duration::from_millis(delay_max as u64),
            log_enable,
            log_include_messages,
            dlq_topic,
            dlq_replication_factor: rf,
            dlq_context_headers,
        })
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
    fn defaults_are_kafka_connects() {
        assert_eq!(
            ErrorHandlingConfig::from_props(&Props::new()).unwrap(),
            ErrorHandlingConfig::default()
        );
        let c = ErrorHandlingConfig::from_props(&props(&[
            ("errors.tolerance", "all"),
            ("errors.retry.timeout", "-1"),
            ("errors.deadletterqueue.topic.name", " dlq "),
            ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "TRUE"),
        ]))
        .unwrap();
        assert_eq!(c.tolerance, Tolerance::All);
        assert_eq!(c.retry_timeout, None);
        assert_eq!(c.dlq_topic.as_deref(), Some("dlq"));
        assert_eq!(c.dlq_replication_factor, 1);
        assert!(c.dlq_context_headers);
    }

    #[test]
    fn lists_every_problem() {
        let e = ErrorHandlingConfig::from_props(&props(&[
            ("errors.tolerance", "some"),
            ("errors.retry.timeout", "-2"),
            ("errors.retry.delay.max.ms", "x"),
            ("errors.log.enable", "yes"),
            ("errors.deadletterqueue.topic.replication.factor", "0"),
        ]))
        .unwrap_err();
        assert_eq!(e.len(), 5, "{e:?}");
        assert_eq!(e[0], "Invalid value some for configuration errors.tolerance: String must be one of: none, all");
        assert_eq!(
            e[1],
            "Invalid value -2 for configuration errors.retry.timeout: Value must be at least -1"
        );
    }
}
