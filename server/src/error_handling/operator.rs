//! The error handler of one task: retries, tolerance, reporting and counts.

use std::time::Duration;

use rdkafka::message::{Message, OwnedMessage};
use rdkafka::Timestamp;

use super::{
    DeadLetterQueue, DlqError, ErrorHandlingConfig, Failure, Stage, Tolerance, CONNECT_EXCEPTION,
};
use crate::record::SourceRecord;

/// The first retry waits this long; each further one twice as long (Kafka Connect's
/// `RETRIES_DELAY_MIN_MS`).
const RETRY_DELAY_MIN: Duration = Duration::from_millis(300);

/// The delay before retry number `attempt` (1-based): 300 ms doubled per attempt; past
/// `max`, a random delay below `max` (so tasks retrying together spread out).
pub fn backoff_delay(attempt: u32, max: Duration) -> Duration {
    let exp = RETRY_DELAY_MIN.checked_mul(
        1u32.checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX),
    );
    match exp {
        Some(d) if d <= max => d,
        _ => {
            use rand::Rng;
            let max_ms = max.as_millis().max(1) as u64;
            Duration::from_millis(rand::rng().random_range(0..max_ms))
        }
    }
}

/// Kafka Connect's error handling metrics for one task (its `task-error-metrics` group).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetrics {
    /// `total-record-failures`: failed attempts, retried ones included.
    pub record_failures: u64,
    /// `total-record-errors`: records that ended in an error.
    pub record_errors: u64,
    /// `total-records-skipped`.
    pub records_skipped: u64,
    /// `total-retries`.
    pub retries: u64,
    /// `total-errors-logged`.
    pub errors_logged: u64,
    /// `deadletterqueue-produce-requests`.
    pub dlq_produce_requests: u64,
    /// `deadletterqueue-produce-failures`.
    pub dlq_produce_failures: u64,
    /// `last-error-timestamp` (ms since the epoch; 0: none).
    pub last_error_timestamp: i64,
}

/// The record an operation was working on, for reports.
#[derive(Clone, Copy)]
pub enum RecordRef<'a> {
    /// A sink's record as consumed: its bytes go to the dead letter queue.
    Consumed(&'a OwnedMessage),
    /// A source record before transforms (no dead letter queue for sources); kept only
    /// when the log shows records (`errors.log.include.messages`) or retries need it.
    Source(Option<&'a SourceRecord>),
    /// Only the coordinates are known (a sink's errant record when no dead letter queue
    /// keeps the consumed bytes).
    Unknown,
}

/// Retries, tolerance and reporting for one task (Kafka Connect's
/// `RetryWithToleranceOperator` with its reporters).
pub struct ErrorHandler {
    config: ErrorHandlingConfig,
    connector: String,
    task: u32,
    dlq: Option<DeadLetterQueue>,
    /// Dead letter queue failures already added to `tel`.
    dlq_failures_seen: u64,
    metrics: ErrorMetrics,
    /// The same counts on `/metrics` (task-error-metrics).
    tel: std::sync::Arc<crate::telemetry::metrics::TaskMetrics>,
}

impl ErrorHandler {
    pub fn new(
        config: ErrorHandlingConfig,
        connector: &str,
        task: u32,
        dlq: Option<DeadLetterQueue>,
    ) -> ErrorHandler {
        ErrorHandler {
            config,
            connector: connector.to_string(),
            task,
            dlq,
            dlq_failures_seen: 0,
            metrics: ErrorMetrics::default(),
            tel: crate::telemetry::metrics::task(connector, task),
        }
    }

    pub fn tolerates_all(&self) -> bool {
        self.config.tolerance == Tolerance::All
    }

    pub fn config(&self) -> &ErrorHandlingConfig {
        &self.config
    }

    pub fn metrics(&self) -> ErrorMetrics {
        let mut m = self.metrics.clone();
        if let Some(d) = &self.dlq {
            m.dlq_produce_requests = d.requests();
            m.dlq_produce_failures = d.failures();
        }
        m
    }

    /// Handles `first`, a failure of `op` on a record (the caller ran it once already, so
    /// the path without errors costs nothing): retries a retriable failure until it
    /// succeeds or `errors.retry.timeout` passes, then reports the failure and either
    /// tolerates it (`Ok(None)`: skip the record) or not (`Err`: the task's failure trace).
    /// Only a failure of a converter or a transform is tolerated, as in Kafka Connect;
    /// one in another stage that is not retriable fails the task.
    pub async fn retry<T>(
        &mut self,
        record: RecordRef<'_>,
        first: Failure,
        mut op: impl FnMut() -> Result<T, Failure>,
    ) -> Result<Option<T>, String> {
        self.retry_async(record, first, || std::future::ready(op()))
            .await
    }

    /// [`ErrorHandler::retry`] with an operation that awaits (an out-of-process transform).
    pub async fn retry_async<T, F>(
        &mut self,
        record: RecordRef<'_>,
        first: Failure,
        mut op: impl FnMut() -> F,
    ) -> Result<Option<T>, String>
    where
        F: std::future::Future<Output = Result<T, Failure>>,
    {
        let mut failure = first;
        let start = tokio::time::Instant::now();
        let mut attempt = 1u32;
        while failure.retriable {
            self.metrics.record_failures += 1;
            self.tel.record_failure();
            let deadline = self.config.retry_timeout.map(|t| start + t);
            let now = tokio::time::Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                break;
            }
            let mut delay = backoff_delay(attempt, self.config.retry_delay_max);
            if let Some(d) = deadline {
                delay = delay.min(d - now);
            }
            tracing::debug!(connector = %self.connector, task = self.task, stage = failure.stage.name(), attempt, ?delay, "retrying after a retriable failure");
            tokio::time::sleep(delay).await;
            self.metrics.retries += 1;
            self.tel.retry();
            attempt += 1;
            match op().await {
                Ok(v) => return Ok(Some(v)),
                Err(f) => failure = f,
            }
        }
        let tolerable = matches!(
            failure.stage,
            Stage::KeyConverter
                | Stage::ValueConverter
                | Stage::HeaderConverter
                | Stage::Transformation
        ) || failure.retriable;
        let why = if tolerable {
            "Tolerance exceeded in error handler"
        } else {
            "Unhandled exception in error handler"
        };
        self.failed(record, failure, why, tolerable)
    }

    /// A record that failed outside the handler's control (an errant record the sink
    /// connector reported, a record Kafka refused): reported, then tolerated or not
    /// (Kafka Connect's `executeFailed`).
    pub fn record_failed(
        &mut self,
        record: RecordRef<'_>,
        mut failure: Failure,
    ) -> Result<(), String> {
        // Counted once as a failure (in `failed`): nothing retries it here.
        failure.retriable = false;
        self.failed(record, failure, "Tolerance exceeded in error handler", true)
            .map(|_: Option<()>| ())
    }

    fn failed<T>(
        &mut self,
        record: RecordRef<'_>,
        failure: Failure,
        why: &str,
        tolerable: bool,
    ) -> Result<Option<T>, String> {
        if !failure.retriable {
            self.metrics.record_failures += 1;
            self.tel.record_failure();
        }
        self.metrics.record_errors += 1;
        self.tel.record_error();
        self.metrics.last_error_timestamp = now_ms();
        self.report(record, &failure);
        if let Some(e) = self.dlq.as_ref().and_then(DeadLetterQueue::failure) {
            // A broken dead letter queue fails the task whatever the tolerance: the records
            // it should hold would be lost behind the offsets committed past them.
            return Err(e.to_string());
        }
        if tolerable && self.config.tolerance == Tolerance::All {
            self.metrics.records_skipped += 1;
            self.tel.record_skipped();
            return Ok(None);
        }
        Err(format!(
            "{CONNECT_EXCEPTION}: {why}\nCaused by: {}",
            failure.stack_trace()
        ))
    }

    /// The log line and the dead letter queue record.
    fn report(&mut self, record: RecordRef<'_>, failure: &Failure) {
        if self.config.log_enable {
            self.metrics.errors_logged += 1;
            self.tel.error_logged();
            tracing::error!(
                connector = %self.connector,
                task = self.task,
                error = %failure.summary(),
                "Error encountered in task {}-{}. {}",
                self.connector,
                self.task,
                self.context(record, failure)
            );
        }
        if let (Some(dlq), RecordRef::Consumed(m)) = (self.dlq.as_mut(), record) {
            dlq.send(m, failure);
            self.tel.deadletterqueue_produce(false);
            self.sync_dlq_failures();
        }
    }

    /// Adds the dead letter queue's new failures (delivery reports come on the producer's
    /// thread) to `deadletterqueue-produce-failures`.
    fn sync_dlq_failures(&mut self) {
        if let Some(d) = &self.dlq {
            let failures = d.failures();
            self.tel
                .deadletterqueue_failures(failures.saturating_sub(self.dlq_failures_seen));
            self.dlq_failures_seen = failures;
        }
    }

    /// Kafka Connect's `ProcessingContext.toString(includeMessage)`.
    fn context(&self, record: RecordRef<'_>, failure: &Failure) -> String {
        let mut s = format!(
            "Executing stage '{}' with class '{}'",
            failure.stage.name(),
            failure.class
        );
        if self.config.log_include_messages {
            match record {
                RecordRef::Source(Some(r)) => {
                    s.push_str(&format!(", where source record is = {r:?}"))
                }
                RecordRef::Source(None) | RecordRef::Unknown => {}
                RecordRef::Consumed(m) => {
                    s.push_str(&format!(
                        ", where consumed record is {{topic='{}', partition={}, offset={}",
                        m.topic(),
                        m.partition(),
                        m.offset()
                    ));
                    match m.timestamp() {
                        Timestamp::CreateTime(t) => {
                            s.push_str(&format!(", timestamp={t}, timestampType=CreateTime"))
                        }
                        Timestamp::LogAppendTime(t) => {
                            s.push_str(&format!(", timestamp={t}, timestampType=LogAppendTime"))
                        }
                        Timestamp::NotAvailable => {}
                    }
                    s.push('}');
                }
            }
        }
        s.push('.');
        s
    }

    /// Waits until every dead letter queue record sent so far is in Kafka. `Err` if a
    /// dead letter queue write failed (now or at any time before: the failure is sticky,
    /// logged and counted once): the task must fail without committing offsets, as Kafka
    /// Connect's does. Call it before every offset commit, and when a session ends.
    /// `Ok` without a dead letter queue.
    pub async fn flush(&mut self) -> Result<(), DlqError> {
        let Some(d) = self.dlq.as_mut() else {
            return Ok(());
        };
        let result = d.flush().await;
        self.sync_dlq_failures();
        result
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handler(tolerance: Tolerance, timeout_ms: Option<u64>) -> ErrorHandler {
        let config = ErrorHandlingConfig {
            tolerance,
            retry_timeout: timeout_ms.map(Duration::from_millis),
            // Past 300 ms every delay is random below the cap: fast tests.
            retry_delay_max: Duration::from_millis(2),
            ..Default::default()
        };
        ErrorHandler::new(config, "c", 0, None)
    }

    fn source() -> SourceRecord {
        SourceRecord {
            seq: 1,
            source_partition: None,
            source_offset: None,
            topic: "t".into(),
            kafka_partition: None,
            key: crate::record::RecordData::NULL,
            value: crate::record::RecordData::NULL,
            timestamp: None,
            headers: vec![],
            trace: Default::default(),
        }
    }

    fn bad(retriable: bool) -> Failure {
        let mut f = Failure::data(
            Stage::ValueConverter,
            "org.apache.kafka.connect.json.JsonConverter",
            "broken",
        );
        f.retriable = retriable;
        f
    }

    #[test]
    fn back_off_doubles_then_jitters_below_the_cap() {
        let max = Duration::from_millis(1000);
        assert_eq!(backoff_delay(1, max), Duration::from_millis(300));
        assert_eq!(backoff_delay(2, max), Duration::from_millis(600));
        for attempt in [3, 10, 40] {
            assert!(backoff_delay(attempt, max) < max);
        }
    }

    #[tokio::test]
    async fn retries_until_success() {
        let mut h = handler(Tolerance::None, Some(10_000));
        let r = source();
        let mut calls = 0;
        let out = h
            .retry(RecordRef::Source(Some(&r)), bad(true), || {
                calls += 1;
                if calls < 3 {
                    Err(bad(true))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(out, Ok(Some(7)));
        assert_eq!(h.metrics().retries, 3);
        assert_eq!(h.metrics().record_errors, 0);
    }

    #[tokio::test]
    async fn retries_stop_at_the_timeout() {
        let mut h = handler(Tolerance::All, Some(50));
        let r = source();
        let out: Result<Option<()>, String> = h
            .retry(RecordRef::Source(Some(&r)), bad(true), || Err(bad(true)))
            .await;
        assert_eq!(out, Ok(None));
        assert_eq!(h.metrics().records_skipped, 1);
        assert!(h.metrics().retries >= 2);
    }

    #[tokio::test]
    async fn tolerance_none_fails_with_the_cause() {
        let mut h = handler(Tolerance::None, Some(0));
        let r = source();
        let out: Result<Option<()>, String> = h
            .retry(RecordRef::Source(Some(&r)), bad(false), || Err(bad(false)))
            .await;
        let trace = out.unwrap_err();
        assert!(trace.starts_with("org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\nCaused by: org.apache.kafka.connect.errors.DataException: broken"), "{trace}");
        assert!(
            trace.contains("org.apache.kafka.connect.json.JsonConverter(VALUE_CONVERTER stage)"),
            "{trace}"
        );
    }

    #[tokio::test]
    async fn a_failed_dead_letter_queue_write_fails_the_flush_and_then_the_next_record() {
        let config = ErrorHandlingConfig {
            tolerance: Tolerance::All,
            dlq_topic: Some("dlq".into()),
            ..Default::default()
        };
        let mut h = ErrorHandler::new(
            config,
            "dlq-test",
            0,
            Some(super::super::dlq::tests::unreachable(&[])),
        );
        let m = OwnedMessage::new(
            Some(b"bad".to_vec()),
            None,
            "in".into(),
            Timestamp::CreateTime(1),
            0,
            3,
            None,
        );
        let f = Failure::data(Stage::ValueConverter, "X", "bad");
        assert_eq!(
            h.record_failed(RecordRef::Consumed(&m), f.clone()),
            Ok(()),
            "tolerated while the write is under way"
        );
        let e = h.flush().await.unwrap_err();
        assert!(
            e.to_string()
                .contains("Could not produce message to dead letter queue. topic=dlq"),
            "{e}"
        );
        assert!(h.flush().await.is_err(), "sticky");
        let m2 = h.metrics();
        assert_eq!((m2.dlq_produce_requests, m2.dlq_produce_failures), (1, 1));
        // With the dead letter queue broken, no record is skipped any more.
        let trace = h.record_failed(RecordRef::Consumed(&m), f).unwrap_err();
        assert!(trace.starts_with("org.apache.kafka.connect.errors.ConnectException: Could not produce message to dead letter queue. topic=dlq\nCaused by: "), "{trace}");
        // Counted once on /metrics.
        let text = crate::telemetry::metrics::render(&crate::storage::status::StatusStore::new(
            "w".into(),
        ));
        assert!(text.contains("kafka_connect_task_error_deadletterqueue_produce_failures{connector=\"dlq-test\",task=\"0\"} 1\n"), "{text}");
    }

    #[tokio::test]
    async fn without_a_dead_letter_queue_flush_is_ok() {
        let mut h = handler(Tolerance::All, Some(0));
        assert_eq!(h.flush().await, Ok(()));
    }

    #[tokio::test]
    async fn only_converters_and_transforms_are_tolerated() {
        let mut h = handler(Tolerance::All, Some(0));
        let r = source();
        let f = Failure::new(Stage::TaskPut, "X", CONNECT_EXCEPTION, "boom");
        let out: Result<Option<()>, String> = h
            .retry(RecordRef::Source(Some(&r)), f.clone(), || Err(f.clone()))
            .await;
        assert!(out
            .unwrap_err()
            .contains("Unhandled exception in error handler"));
        assert_eq!(h.metrics().record_failures, 1);
        assert_eq!(h.record_failed(RecordRef::Source(Some(&r)), f), Ok(()));
        assert_eq!(h.metrics().records_skipped, 1);
        assert_eq!(
            h.metrics().record_failures,
            2,
            "one failure each, counted once"
        );
        assert_eq!(h.metrics().record_errors, 2);
    }
}
