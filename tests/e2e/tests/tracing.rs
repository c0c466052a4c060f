//! OpenTelemetry end to end: the file pipeline (Python FileStreamSource -> core -> Kafka ->
//! core -> Python FileStreamSink) with OTEL_* set on the core only. A real OTLP receiver
//! gets the spans of the core and of the connector process it launched; for one record
//! they form one trace, parent to child, across all four. A collector that is down or
//! hangs loses no records, and `/metrics` counts exactly the records that flowed.

use std::time::Duration;

use polyconnect_e2e::otlp::{Expect, Receiver, Silent, Span};
use polyconnect_e2e::*;

struct Pipeline {
    _dir: tempfile::TempDir,
    input: std::path::PathBuf,
    output: std::path::PathBuf,
    topic: String,
    core: Core,
}

/// A transform on each side, so their spans show up too.
const SOURCE_TRANSFORMS: &str =
    "transforms=tag\ntransforms.tag.type=org.apache.kafka.connect.transforms.InsertHeader\n\
    transforms.tag.header=traced\ntransforms.tag.value.literal=yes\n";

fn start(name: &str, env: &[(&str, &str)]) -> Pipeline {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    std::fs::File::create(&input).unwrap();
    let topic = unique(name);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let connectors = file_connectors(dir.path(), &input, &output, &topic);
    let mut source = std::fs::read_to_string(&connectors[0]).unwrap();
    source.push_str(SOURCE_TRANSFORMS);
    write(&connectors[0], &source);
    let mut sink: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&connectors[1]).unwrap()).unwrap();
    for (k, v) in [
        ("transforms", "drop"),
        (
            "transforms.drop.type",
            "org.apache.kafka.connect.transforms.DropHeaders",
        ),
        ("transforms.drop.headers", "traced"),
    ] {
        sink["config"][k] = v.into();
    }
    write(&connectors[1], &sink.to_string());
    let core = Core::start_with_env(dir.path(), &worker, &connectors, rest, env);
    core.wait_task_state("file-source", 0, "RUNNING", Duration::from_secs(60));
    core.wait_task_state("file-sink", 0, "RUNNING", Duration::from_secs(60));
    Pipeline {
        _dir: dir,
        input,
        output,
        topic,
        core,
    }
}

fn deliver(p: &Pipeline, lines: usize) {
    append_lines(&p.input, "line", 0, lines, 4, Duration::from_millis(100));
    let out = wait_lines(&p.output, lines, Duration::from_secs(120));
    let expected: Vec<String> = (0..lines).map(|i| format!("line-{i}")).collect();
    assert_eq!(
        out.len(),
        lines,
        "lines in the output\n{}",
        p.core.log_text()
    );
    assert_eq!(out, expected, "the output is every line once, in order");
}

#[test]
fn one_trace_follows_a_record_through_both_connectors_and_the_core() {
    trace_chain(Receiver::start(), "grpc", true);
}

#[test]
fn one_trace_over_otlp_http() {
    trace_chain(Receiver::start_http(), "http/protobuf", false);
}

fn trace_chain(receiver: Receiver, protocol: &str, check_logs: bool) {
    let endpoint = receiver.endpoint();
    let mut p = start(
        "otel-chain",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
        ],
    );
    deliver(&p, 200);
    // Record 42's trace, from the source connector's poll span (the root) through the core,
    // Kafka's traceparent header and the core again to the sink connector, then the flush
    // and commit that made it durable.
    let topic = p.topic.clone();
    let t = receiver.expect_record_trace(
        &Expect {
            source_service: "polyconnect-connector-file",
            sink_service: "polyconnect-connector-file",
            sink_connector: "file-sink",
            topic: &topic,
            offset: 42,
        },
        Duration::from_secs(30),
    );
    // The core's stages are children of the record's span on each side.
    for (parent, side) in [(&t.core_send, "source"), (&t.core_process, "sink")] {
        for stage in ["transform", "convert"] {
            let child = |s: &Span| {
                s.name == stage
                    && s.service == "polyconnect"
                    && s.trace_id == parent.trace_id
                    && s.parent_span_id == parent.span_id
            };
            let found = receiver.wait_for(Duration::from_secs(15), |spans| {
                spans.iter().find(|s| child(s)).cloned()
            });
            assert!(
                found.is_some(),
                "no {stage} span under the core's {side} span {parent:?}"
            );
        }
    }
    if !check_logs {
        p.core.stop();
        return;
    }

    // Levels still change at run time with the OpenTelemetry layer in place, and every
    // line of a task carries its connector and task.
    assert!(
        !p.core.log_text().contains("committed offsets"),
        "debug lines are off at first"
    );
    let url = format!(
        "http://127.0.0.1:{}/admin/loggers/polyconnect.worker.sink",
        p.core.port
    );
    let code = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new()
            .put(&url)
            .json(&serde_json::json!({"level": "DEBUG"}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(code, 200);
    append_lines(&p.input, "more", 0, 10, 1, Duration::ZERO);
    wait_lines(&p.output, 210, Duration::from_secs(60));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !p.core.log_text().contains("committed offsets") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = p.core.log_text();
    let line = log
        .lines()
        .find(|l| l.contains("committed offsets"))
        .unwrap_or_else(|| panic!("no debug line after the level change\n{log}"));
    assert!(line.contains("task{connector=file-sink task=0}"), "{line}");
    p.core.stop();
}

/// Runs the pipeline with the exporters pointed at `endpoint` and checks every record
/// arrives, and that `/metrics` counted exactly them.
fn records_flow_with_a_broken_collector(name: &str, endpoint: &str, protocol: &str) {
    let lines = 3000;
    let mut p = start(
        name,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
            // A small buffer: it fills up and spans are dropped, records are not.
            ("OTEL_BSP_MAX_QUEUE_SIZE", "256"),
        ],
    );
    deliver(&p, lines);
    let labels_src = "connector=\"file-source\",task=\"0\"";
    let labels_sink = "connector=\"file-sink\",task=\"0\"";
    let n = lines as f64;
    // Counters move after the records do (acks, PutDone): wait until they settle, then
    // they must be exactly the number of records.
    let names = [
        (
            "kafka_connect_source_task_source_record_poll_total",
            labels_src,
        ),
        (
            "kafka_connect_source_task_source_record_write_total",
            labels_src,
        ),
        (
            "kafka_connect_sink_task_sink_record_read_total",
            labels_sink,
        ),
        (
            "kafka_connect_sink_task_sink_record_send_total",
            labels_sink,
        ),
    ];
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while names.iter().any(|(m, l)| p.core.metric(m, l) != Some(n))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, text) = p.core.get_text("/metrics");
    assert_eq!(code, 200);
    for (m, l) in names {
        assert_eq!(p.core.metric(m, l), Some(n), "{m}{{{l}}}\n{text}");
    }
    assert_eq!(
        p.core.metric("kafka_connect_worker_connector_count", ""),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        p.core.metric("kafka_connect_worker_task_count", ""),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        p.core.metric(
            "kafka_connect_worker_connector_running_task_count",
            "connector=\"file-sink\""
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        p.core
            .metric("kafka_connect_task_error_total_record_errors", labels_src),
        Some(0.0),
        "{text}"
    );
    assert!(
        p.core
            .metric("kafka_connect_sink_task_partition_count", labels_sink)
            == Some(1.0),
        "{text}"
    );
    let rtt = p
        .core
        .metric("polyconnect_batch_round_trip_seconds_count", labels_sink)
        .unwrap_or(0.0);
    assert!(rtt >= 1.0, "puts are timed\n{text}");
    p.core.stop();
    assert!(
        p.core.log_text().contains("OpenTelemetry tracing on"),
        "tracing was on in this run"
    );
}

#[test]
fn collector_down_loses_no_records_and_metrics_count_them() {
    // Nothing listens on this port.
    let closed = format!("http://127.0.0.1:{}", free_port());
    records_flow_with_a_broken_collector("otel-down", &closed, "grpc");
}

#[test]
fn hung_collector_loses_no_records() {
    let silent = Silent::start();
    records_flow_with_a_broken_collector("otel-hung", &silent.endpoint(), "http/protobuf");
}
