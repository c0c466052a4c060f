//! Metrics with Kafka Connect's names, kept in atomics and rendered in Prometheus' text
//! format by `GET /metrics`.
//!
//! A Kafka Connect metric `<group>-metrics:<name>` with tags `connector`, `task` becomes
//! `kafka_connect_<group>_<name>` (dashes to underscores), e.g. source-task-metrics'
//! `source-record-poll-total` is `kafka_connect_source_task_source_record_poll_total{connector="x",task="0"}`.
//! Rates (`*-rate`) are left to PromQL (`rate(..._total[1m])`); `*-avg-*` and `*-max-*`
//! cover the task's lifetime rather than Kafka Connect's sample window. The protocol's own
//! metrics are `polyconnect_*`. `docs/telemetry.md` has the full table.
//!
//! Updates are cheap: one relaxed atomic add per batch (not per record) on the data path.
//! Worker and connector metrics are read from the status store when scraped.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::storage::status::{State, StatusStore};

/// Lifetime count, sum and maximum of a duration, for Kafka Connect's `*-avg-time-ms` and
/// `*-max-time-ms`.
#[derive(Default)]
pub struct TimeStat {
    count: AtomicU64,
    sum_us: AtomicU64,
    max_us: AtomicU64,
}

impl TimeStat {
    pub fn observe(&self, d: Duration) {
        let us = d.as_micros().min(u64::MAX as u128) as u64;
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(us, Relaxed);
        self.max_us.fetch_max(us, Relaxed);
    }

    fn avg_ms(&self) -> f64 {
        let n = self.count.load(Relaxed);
        if n == 0 {
            return 0.0;
        }
        self.sum_us.load(Relaxed) as f64 / n as f64 / 1000.0
    }

    fn max_ms(&self) -> f64 {
        self.max_us.load(Relaxed) as f64 / 1000.0
    }
}

/// Lifetime count, sum, minimum and maximum of a size (`batch-size-avg`, `batch-size-max`,
/// `transaction-size-min`/`-avg`/`-max`).
#[derive(Default)]
pub struct SizeStat {
    count: AtomicU64,
    sum: AtomicU64,
    max: AtomicU64,
    /// The minimum + 1; 0 before the first observation.
    min_plus_one: AtomicU64,
}

impl SizeStat {
    pub fn observe(&self, n: u64) {
        self.count.fetch_add(1, Relaxed);
        self.sum.fetch_add(n, Relaxed);
        self.max.fetch_max(n, Relaxed);
        let _ = self
            .min_plus_one
            .fetch_update(Relaxed, Relaxed, |m| (m == 0 || n + 1 < m).then_some(n + 1));
    }

    fn avg(&self) -> f64 {
        let n = self.count.load(Relaxed);
        if n == 0 {
            0.0
        } else {
            self.sum.load(Relaxed) as f64 / n as f64
        }
    }

    fn min(&self) -> f64 {
        self.min_plus_one.load(Relaxed).saturating_sub(1) as f64
    }
}

/// Upper bounds (seconds) of the round-trip histogram's buckets.
const RTT_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A Prometheus histogram with fixed buckets.
pub struct Histogram {
    buckets: [AtomicU64; RTT_BUCKETS.len()],
    pub(crate) count: AtomicU64,
    sum_us: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            count: AtomicU64::new(0),
            sum_us: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let s = d.as_secs_f64();
        // Buckets are stored non-cumulatively and summed when rendered.
        if let Some(i) = RTT_BUCKETS.iter().position(|b| s <= *b) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_us
            .fetch_add(d.as_micros().min(u64::MAX as u128) as u64, Relaxed);
    }
}

/// One task's metrics. The runners update the data-path ones; the error-handling code
/// calls the `record_*` / `deadletterqueue_*` methods (task-error-metrics).
#[derive(Default)]
pub struct TaskMetrics {
    // source-task-metrics
    pub source_record_poll_total: AtomicU64,
    pub source_record_write_total: AtomicU64,
    pub source_record_active_count: AtomicI64,
    pub poll_batch_time: TimeStat,
    /// Records of each committed transaction (exactly-once sources).
    pub transaction_size: SizeStat,
    // sink-task-metrics
    pub sink_record_read_total: AtomicU64,
    pub sink_record_send_total: AtomicU64,
    pub sink_record_active_count: AtomicI64,
    pub partition_count: AtomicI64,
    pub offset_commit_completion_total: AtomicU64,
    pub offset_commit_skip_total: AtomicU64,
    pub offset_commit_seq_no: AtomicU64,
    pub put_batch_time: TimeStat,
    // connector-task-metrics
    pub offset_commit_success_total: AtomicU64,
    pub offset_commit_failure_total: AtomicU64,
    pub offset_commit_time: TimeStat,
    pub batch_size: SizeStat,
    // task-error-metrics
    total_record_failures: AtomicU64,
    total_record_errors: AtomicU64,
    total_records_skipped: AtomicU64,
    total_retries: AtomicU64,
    total_errors_logged: AtomicU64,
    deadletterqueue_produce_requests: AtomicU64,
    deadletterqueue_produce_failures: AtomicU64,
    last_error_timestamp: AtomicI64,
    // the protocol's own
    pub batch_round_trip: Histogram,
    pub credits_outstanding: AtomicI64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl TaskMetrics {
    /// A record failed in a stage (conversion, transform, put, produce): Kafka Connect's
    /// `total-record-failures` (every attempt) and `last-error-timestamp`.
    pub fn record_failure(&self) {
        self.total_record_failures.fetch_add(1, Relaxed);
        self.last_error_timestamp.store(now_ms(), Relaxed);
    }

    /// A record's processing ended in an error after its retries (`total-record-errors`).
    pub fn record_error(&self) {
        self.total_record_errors.fetch_add(1, Relaxed);
        self.last_error_timestamp.store(now_ms(), Relaxed);
    }

    /// A record was skipped under `errors.tolerance=all` (`total-records-skipped`).
    pub fn record_skipped(&self) {
        self.total_records_skipped.fetch_add(1, Relaxed);
    }

    /// An operation was retried (`total-retries`).
    pub fn retry(&self) {
        self.total_retries.fetch_add(1, Relaxed);
    }

    /// An error was logged (`errors.log.enable`; `total-errors-logged`).
    pub fn error_logged(&self) {
        self.total_errors_logged.fetch_add(1, Relaxed);
    }

    /// A record was sent to the dead letter queue (`deadletterqueue-produce-requests`), and
    /// whether that failed (`deadletterqueue-produce-failures`).
    pub fn deadletterqueue_produce(&self, failed: bool) {
        self.deadletterqueue_produce_requests.fetch_add(1, Relaxed);
        if failed {
            self.deadletterqueue_produce_failures.fetch_add(1, Relaxed);
        }
    }

    /// Dead letter queue writes that failed after they were sent (their delivery reports).
    pub fn deadletterqueue_failures(&self, n: u64) {
        self.deadletterqueue_produce_failures.fetch_add(n, Relaxed);
    }
}

#[derive(Default)]
struct Registry {
    tasks: Mutex<BTreeMap<(String, u32), Arc<TaskMetrics>>>,
    /// Restart counters live as long as the core (a task's metrics go with its runner).
    process_restarts: Mutex<BTreeMap<String, u64>>,
    connector_restarts: Mutex<BTreeMap<String, u64>>,
    task_restarts: Mutex<BTreeMap<(String, u32), u64>>,
    kafka_client_errors: Mutex<BTreeMap<(String, u32, &'static str), u64>>,
}

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(Registry::default)
}

/// The metrics of a task, created on first use. They stay until `remove_task`.
pub fn task(connector: &str, task: u32) -> Arc<TaskMetrics> {
    registry()
        .task_restarts
        .lock()
        .unwrap()
        .entry((connector.to_string(), task))
        .or_insert(0);
    let mut tasks = registry().tasks.lock().unwrap();
    tasks
        .entry((connector.to_string(), task))
        .or_default()
        .clone()
}

/// Forgets a task's metrics (its runner ended), unless a newer runner replaced them.
pub fn remove_task(connector: &str, task: u32, metrics: &Arc<TaskMetrics>) {
    let mut tasks = registry().tasks.lock().unwrap();
    let key = (connector.to_string(), task);
    if tasks.get(&key).is_some_and(|m| Arc::ptr_eq(m, metrics)) {
        tasks.remove(&key);
    }
}

/// A connector process the core launches is supervised: its restart counter shows 0 until
/// it is restarted.
pub fn process_started(plugin: &str) {
    registry()
        .process_restarts
        .lock()
        .unwrap()
        .entry(plugin.to_string())
        .or_insert(0);
}

/// A connector process the core launched was restarted (it exited or stopped answering).
pub fn process_restarted(plugin: &str) {
    *registry()
        .process_restarts
        .lock()
        .unwrap()
        .entry(plugin.to_string())
        .or_default() += 1;
}

/// A connector runs: its restart counter shows 0 until it is restarted.
pub fn connector_started(connector: &str) {
    registry()
        .connector_restarts
        .lock()
        .unwrap()
        .entry(connector.to_string())
        .or_insert(0);
}

/// A connector lost its process or stream and is being restarted with back-off (not
/// counted: restarts requested through the REST API).
pub fn connector_restarted(connector: &str) {
    *registry()
        .connector_restarts
        .lock()
        .unwrap()
        .entry(connector.to_string())
        .or_default() += 1;
}

/// A task lost its connector (it could not be reached or the stream broke) and is being
/// restarted with back-off (not counted: restarts requested through the REST API).
pub fn task_restarted(connector: &str, task: u32) {
    *registry()
        .task_restarts
        .lock()
        .unwrap()
        .entry((connector.to_string(), task))
        .or_default() += 1;
}

/// A task's Kafka client exists: its error counter shows 0 until an error.
pub fn kafka_client_errors_start(connector: &str, task: u32, client: &'static str) {
    registry()
        .kafka_client_errors
        .lock()
        .unwrap()
        .entry((connector.to_string(), task, client))
        .or_insert(0);
}

/// A transient error of a task's Kafka client (broker down, connection refused, ...).
pub fn kafka_client_error(connector: &str, task: u32, client: &'static str) {
    *registry()
        .kafka_client_errors
        .lock()
        .unwrap()
        .entry((connector.to_string(), task, client))
        .or_default() += 1;
}

/// Prometheus label value escaping.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

struct Out {
    text: String,
}

impl Out {
    fn head(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &str, v: impl std::fmt::Display) {
        let _ = writeln!(self.text, "{name}{{{labels}}} {v}");
    }
}

type Getter = fn(&TaskMetrics) -> f64;

/// The per-task families: (prometheus name, type, help, applies to sources, to sinks, getter).
fn task_families() -> Vec<(&'static str, &'static str, &'static str, bool, bool, Getter)> {
    fn u(a: &AtomicU64) -> f64 {
        a.load(Relaxed) as f64
    }
    fn i(a: &AtomicI64) -> f64 {
        a.load(Relaxed) as f64
    }
    vec![
        ("kafka_connect_source_task_source_record_poll_total", "counter", "Records produced or polled by the task, before transformations.", true, false, |m| u(&m.source_record_poll_total)),
        ("kafka_connect_source_task_source_record_write_total", "counter", "Records output from the transformations and written to Kafka (acknowledged by the broker).", true, false, |m| u(&m.source_record_write_total)),
        ("kafka_connect_source_task_source_record_active_count", "gauge", "Records polled but not yet completely written to Kafka.", true, false, |m| i(&m.source_record_active_count)),
        ("kafka_connect_source_task_poll_batch_avg_time_ms", "gauge", "Average time to receive and hand over a batch of source records.", true, false, |m| m.poll_batch_time.avg_ms()),
        ("kafka_connect_source_task_poll_batch_max_time_ms", "gauge", "Maximum time to receive and hand over a batch of source records.", true, false, |m| m.poll_batch_time.max_ms()),
        ("kafka_connect_source_task_transaction_size_min", "gauge", "Fewest records in a transaction the task committed (exactly-once sources).", true, false, |m| m.transaction_size.min()),
        ("kafka_connect_source_task_transaction_size_avg", "gauge", "Average number of records in the transactions the task committed (exactly-once sources).", true, false, |m| m.transaction_size.avg()),
        ("kafka_connect_source_task_transaction_size_max", "gauge", "Most records in a transaction the task committed (exactly-once sources).", true, false, |m| m.transaction_size.max.load(Relaxed) as f64),
        ("kafka_connect_sink_task_sink_record_read_total", "counter", "Records read from Kafka by the task, before transformations.", false, true, |m| u(&m.sink_record_read_total)),
        ("kafka_connect_sink_task_sink_record_send_total", "counter", "Records output from the transformations and sent (put) to the task.", false, true, |m| u(&m.sink_record_send_total)),
        ("kafka_connect_sink_task_sink_record_active_count", "gauge", "Records read from Kafka but not yet completely committed.", false, true, |m| i(&m.sink_record_active_count)),
        ("kafka_connect_sink_task_partition_count", "gauge", "Topic partitions assigned to the task.", false, true, |m| i(&m.partition_count)),
        ("kafka_connect_sink_task_offset_commit_completion_total", "counter", "Offset commits that completed.", false, true, |m| u(&m.offset_commit_completion_total)),
        ("kafka_connect_sink_task_offset_commit_skip_total", "counter", "Offset commits skipped (nothing to commit).", false, true, |m| u(&m.offset_commit_skip_total)),
        ("kafka_connect_sink_task_offset_commit_seq_no", "gauge", "The current offset commit sequence number.", false, true, |m| u(&m.offset_commit_seq_no)),
        ("kafka_connect_sink_task_put_batch_avg_time_ms", "gauge", "Average time a put took (Put until PutDone).", false, true, |m| m.put_batch_time.avg_ms()),
        ("kafka_connect_sink_task_put_batch_max_time_ms", "gauge", "Maximum time a put took (Put until PutDone).", false, true, |m| m.put_batch_time.max_ms()),
        ("kafka_connect_connector_task_offset_commit_success_total", "counter", "Offset commits that succeeded.", true, true, |m| u(&m.offset_commit_success_total)),
        ("kafka_connect_connector_task_offset_commit_failure_total", "counter", "Offset commits that failed.", true, true, |m| u(&m.offset_commit_failure_total)),
        ("kafka_connect_connector_task_offset_commit_avg_time_ms", "gauge", "Average time to commit offsets.", true, true, |m| m.offset_commit_time.avg_ms()),
        ("kafka_connect_connector_task_offset_commit_max_time_ms", "gauge", "Maximum time to commit offsets.", true, true, |m| m.offset_commit_time.max_ms()),
        ("kafka_connect_connector_task_batch_size_avg", "gauge", "Average size of the batches processed.", true, true, |m| m.batch_size.avg()),
        ("kafka_connect_connector_task_batch_size_max", "gauge", "Largest batch processed.", true, true, |m| m.batch_size.max.load(Relaxed) as f64),
        ("kafka_connect_task_error_total_record_failures", "counter", "Record processing failures.", true, true, |m| u(&m.total_record_failures)),
        ("kafka_connect_task_error_total_record_errors", "counter", "Records that ended in an error.", true, true, |m| u(&m.total_record_errors)),
        ("kafka_connect_task_error_total_records_skipped", "counter", "Records skipped because of errors.", true, true, |m| u(&m.total_records_skipped)),
        ("kafka_connect_task_error_total_retries", "counter", "Retried operations.", true, true, |m| u(&m.total_retries)),
        ("kafka_connect_task_error_total_errors_logged", "counter", "Errors logged.", true, true, |m| u(&m.total_errors_logged)),
        ("kafka_connect_task_error_deadletterqueue_produce_requests", "counter", "Records written to the dead letter queue.", true, true, |m| u(&m.deadletterqueue_produce_requests)),
        ("kafka_connect_task_error_deadletterqueue_produce_failures", "counter", "Failed writes to the dead letter queue.", true, true, |m| u(&m.deadletterqueue_produce_failures)),
        ("kafka_connect_task_error_last_error_timestamp", "gauge", "Epoch milliseconds of the last error (0: none).", true, true, |m| i(&m.last_error_timestamp)),
        ("polyconnect_credits_outstanding", "gauge", "Record credit the source connector holds and has not used yet.", true, false, |m| i(&m.credits_outstanding)),
    ]
}

/// Everything, in Prometheus' text exposition format (version 0.0.4).
pub fn render(status: &StatusStore) -> String {
    let mut o = Out {
        text: String::with_capacity(8192),
    };
    // Worker and connector metrics, from the status store.
    let mut connectors = Vec::new();
    for name in status.names() {
        if let Some(s) = status.connector(&name) {
            connectors.push(s);
        }
    }
    o.head(
        "kafka_connect_worker_connector_count",
        "gauge",
        "Connectors run in this worker.",
    );
    o.sample("kafka_connect_worker_connector_count", "", connectors.len());
    o.head(
        "kafka_connect_worker_task_count",
        "gauge",
        "Tasks run in this worker.",
    );
    o.sample(
        "kafka_connect_worker_task_count",
        "",
        connectors.iter().map(|c| c.tasks.len()).sum::<usize>(),
    );
    let states = [
        ("running", State::Running),
        ("paused", State::Paused),
        ("failed", State::Failed),
        ("unassigned", State::Unassigned),
        ("restarting", State::Restarting),
    ];
    for (word, state) in states {
        let name = format!("kafka_connect_worker_connector_{word}_task_count");
        o.head(
            &name,
            "gauge",
            &format!("The connector's tasks in state {}.", word.to_uppercase()),
        );
        for c in &connectors {
            let n = c.tasks.iter().filter(|t| t.info.state == state).count();
            o.sample(&name, &format!("connector=\"{}\"", esc(&c.name)), n);
        }
    }
    o.head(
        "kafka_connect_connector_info",
        "gauge",
        "The connector's status, type and version (value 1).",
    );
    for c in &connectors {
        let state = serde_json::to_value(c.connector.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_lowercase))
            .unwrap_or_default();
        o.sample(
            "kafka_connect_connector_info",
            &format!(
                "connector=\"{}\",status=\"{}\",connector_type=\"{}\",connector_version=\"{}\"",
                esc(&c.name),
                state,
                esc(&c.connector_type),
                esc(c.connector.version.as_deref().unwrap_or(""))
            ),
            1,
        );
    }
    // Task metrics.
    let tasks: Vec<((String, u32), Arc<TaskMetrics>)> = registry()
        .tasks
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let is_sink = |m: &TaskMetrics| {
        m.sink_record_read_total.load(Relaxed) > 0 || m.partition_count.load(Relaxed) > 0
    };
    let is_source = |m: &TaskMetrics| m.source_record_poll_total.load(Relaxed) > 0 || !is_sink(m);
    for (name, kind, help, for_source, for_sink, get) in task_families() {
        o.head(name, kind, help);
        for ((c, t), m) in &tasks {
            let applies = (for_source && is_source(m)) || (for_sink && is_sink(m));
            if applies {
                o.sample(
                    name,
                    &format!("connector=\"{}\",task=\"{t}\"", esc(c)),
                    get(m),
                );
            }
        }
    }
    let h = "polyconnect_batch_round_trip_seconds";
    o.head(h, "histogram", "Source: a batch's arrival until Kafka acknowledged its last record; sink: Put until PutDone.");
    for ((c, t), m) in &tasks {
        let labels = format!("connector=\"{}\",task=\"{t}\"", esc(c));
        let mut cumulative = 0;
        for (i, b) in RTT_BUCKETS.iter().enumerate() {
            cumulative += m.batch_round_trip.buckets[i].load(Relaxed);
            o.sample(
                &format!("{h}_bucket"),
                &format!("{labels},le=\"{b}\""),
                cumulative,
            );
        }
        let count = m.batch_round_trip.count.load(Relaxed);
        o.sample(
            &format!("{h}_bucket"),
            &format!("{labels},le=\"+Inf\""),
            count,
        );
        o.sample(
            &format!("{h}_sum"),
            &labels,
            m.batch_round_trip.sum_us.load(Relaxed) as f64 / 1e6,
        );
        o.sample(&format!("{h}_count"), &labels, count);
    }
    o.head("polyconnect_connector_process_restarts_total", "counter", "Restarts of connector processes launched by the core (the process exited or failed its health checks).");
    for (plugin, n) in registry().process_restarts.lock().unwrap().iter() {
        o.sample(
            "polyconnect_connector_process_restarts_total",
            &format!("plugin=\"{}\"", esc(plugin)),
            n,
        );
    }
    o.head("polyconnect_connector_restarts_total", "counter", "Unexpected restarts of a connector: it lost its connector process or stream (REST restarts not counted).");
    for (c, n) in registry().connector_restarts.lock().unwrap().iter() {
        o.sample(
            "polyconnect_connector_restarts_total",
            &format!("connector=\"{}\"", esc(c)),
            n,
        );
    }
    o.head("polyconnect_task_restarts_total", "counter", "Unexpected restarts of a task: its connector could not be reached or the stream broke (REST restarts not counted).");
    for ((c, t), n) in registry().task_restarts.lock().unwrap().iter() {
        o.sample(
            "polyconnect_task_restarts_total",
            &format!("connector=\"{}\",task=\"{t}\"", esc(c)),
            n,
        );
    }
    o.head("polyconnect_kafka_client_errors_total", "counter", "Transient errors of a task's Kafka consumer or producer (a broker down, a connection refused); the client retries and the task stays RUNNING.");
    for ((c, t, client), n) in registry().kafka_client_errors.lock().unwrap().iter() {
        o.sample(
            "polyconnect_kafka_client_errors_total",
            &format!("connector=\"{}\",task=\"{t}\",client=\"{client}\"", esc(c)),
            n,
        );
    }
    o.text
}

#[cfg(test)]
mod tests {

    #[test]
    fn transaction_sizes_have_a_minimum_an_average_and_a_maximum() {
        let s = SizeStat::default();
        assert_eq!((s.min(), s.avg()), (0.0, 0.0));
        for n in [40, 10, 100] {
            s.observe(n);
        }
        assert_eq!(s.min(), 10.0);
        assert_eq!(s.avg(), 50.0);
        assert_eq!(s.max.load(Relaxed), 100);
        s.observe(0);
        assert_eq!(s.min(), 0.0);
    }

    use super::*;

    #[test]
    fn renders_task_metrics_with_kafka_connect_names() {
        let m = task("render-test", 3);
        m.source_record_poll_total.fetch_add(5, Relaxed);
        m.deadletterqueue_produce(true);
        m.batch_round_trip.observe(Duration::from_millis(3));
        let text = render(&StatusStore::new("w".into()));
        assert!(text.contains("kafka_connect_source_task_source_record_poll_total{connector=\"render-test\",task=\"3\"} 5\n"), "{text}");
        assert!(text.contains("kafka_connect_task_error_deadletterqueue_produce_requests{connector=\"render-test\",task=\"3\"} 1\n"));
        assert!(text.contains("kafka_connect_task_error_deadletterqueue_produce_failures{connector=\"render-test\",task=\"3\"} 1\n"));
        assert!(text.contains("polyconnect_batch_round_trip_seconds_bucket{connector=\"render-test\",task=\"3\",le=\"0.0025\"} 0\n"));
        assert!(text.contains("polyconnect_batch_round_trip_seconds_bucket{connector=\"render-test\",task=\"3\",le=\"0.005\"} 1\n"));
        assert!(!text.contains("sink_record_read_total{connector=\"render-test\""));
        remove_task("render-test", 3, &m);
        let text = render(&StatusStore::new("w".into()));
        assert!(
            !text.contains(
                "kafka_connect_source_task_source_record_poll_total{connector=\"render-test\""
            ),
            "{text}"
        );
    }

    #[test]
    fn restarts_are_counted_from_zero_and_outlive_the_task() {
        let m = task("restart-test", 1);
        connector_started("restart-test");
        process_started("restart-plugin");
        let text = render(&StatusStore::new("w".into()));
        assert!(
            text.contains(
                "polyconnect_task_restarts_total{connector=\"restart-test\",task=\"1\"} 0\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("polyconnect_connector_restarts_total{connector=\"restart-test\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "polyconnect_connector_process_restarts_total{plugin=\"restart-plugin\"} 0\n"
            ),
            "{text}"
        );
        task_restarted("restart-test", 1);
        task_restarted("restart-test", 1);
        connector_restarted("restart-test");
        process_restarted("restart-plugin");
        remove_task("restart-test", 1, &m);
        let text = render(&StatusStore::new("w".into()));
        assert!(
            text.contains(
                "polyconnect_task_restarts_total{connector=\"restart-test\",task=\"1\"} 2\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("polyconnect_connector_restarts_total{connector=\"restart-test\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "polyconnect_connector_process_restarts_total{plugin=\"restart-plugin\"} 1\n"
            ),
            "{text}"
        );
    }
}
