//! OpenTelemetry end to end: the file pipeline (Python FileStreamSource -> core -> Kafka ->
//! core -> Python FileStreamSink) with OTEL_* set on the core only. A real OTLP receiver
//! gets the spans of the core and of the connector process it launched; for one record
//! they form one trace, parent to child, across all four. A collector that is down or
//! hangs loses no records, and `/metrics` counts exactly the records that flowed.

use std::time::Duration;

use polyconnect_e2e::otlp::{Receiver, Silent, Span};
use polyconnect_e2e::*;

struct Pipeline {
    _dir: tempfile::TempDir,
    input: std::path::PathBuf,
    output: std::path::PathBuf,
    topic: String,
    core: Core,
}

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
    assert_eq!(out.len(), lines, "lines in the output\n{}", p.core.log_text());
    assert_eq!(out, expected, "the output is every line once, in order");
}

fn by_id<'a>(spans: &'a [Span], trace: &str, id: &str) -> Option<&'a Span> {
    spans.iter().find(|s| s.trace_id == trace && s.span_id == id)
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
    let offset = "42";
    let topic = p.topic.clone();
    // The sink connector's span of the record at offset 42 is the last link of the chain.
    // Each process exports on its own schedule: wait until the whole chain is in.
    let find_sink = |spans: &[Span]| {
        spans
            .iter()
            .find(|s| s.service == "polyconnect-connector-file" && s.name == format!("process {topic}") && s.attr("messaging.kafka.offset") == Some(offset))
            .cloned()
    };
    let complete = |spans: &[Span]| -> Option<()> {
        let mut chain = vec![find_sink(spans)?];
        for _ in 0..4 {
            let s = chain.last().expect("not empty");
            chain.push(by_id(spans, &s.trace_id, &s.parent_span_id)?.clone());
        }
        let send = (chain[2].trace_id.clone(), chain[2].span_id.clone());
        let put = spans.iter().find(|p| p.service == "polyconnect" && p.name == "put file-sink" && p.links.contains(&send))?;
        spans.iter().find(|c| c.name == "put" && c.parent_span_id == put.span_id).map(|_| ())
    };
    let _ = receiver.wait_for(Duration::from_secs(30), complete);
    let sink_connector = find_sink(&receiver.spans());
    let spans = receiver.spans();
    let sink_connector = sink_connector.unwrap_or_else(|| panic!("no connector-side sink span for offset {offset}; got {} spans:\n{spans:#?}", spans.len()));
    let trace = sink_connector.trace_id.clone();
    let in_trace: Vec<&Span> = spans.iter().filter(|s| s.trace_id == trace).collect();
    let show = format!("{in_trace:#?}");

    // sink connector <- core (sink side), through SinkRecord.trace
    let core_sink = by_id(&spans, &trace, &sink_connector.parent_span_id).unwrap_or_else(|| panic!("the sink connector span's parent is missing\n{show}"));
    assert_eq!(core_sink.service, "polyconnect");
    assert_eq!(core_sink.name, format!("process {topic}"));
    assert_eq!(core_sink.attr("messaging.system"), Some("kafka"));
    assert_eq!(core_sink.attr("messaging.kafka.offset"), Some(offset));
    assert_eq!(core_sink.attr("messaging.destination.name"), Some(topic.as_str()));
    assert_eq!(core_sink.attr("messaging.consumer.group.name"), Some("connect-file-sink"));

    // core (sink side) <- core (source side), through the traceparent header in Kafka
    let core_source = by_id(&spans, &trace, &core_sink.parent_span_id).unwrap_or_else(|| panic!("the core sink span's parent (from the Kafka header) is missing\n{show}"));
    assert_eq!(core_source.service, "polyconnect");
    assert_eq!(core_source.name, format!("send {topic}"));
    assert_eq!(core_source.attr("messaging.operation.type"), Some("send"));
    assert_eq!(core_source.attr("messaging.kafka.offset"), Some(offset), "the send span carries the broker's ack");
    assert_eq!(core_source.attr("messaging.destination.partition.id"), Some("0"));

    // core (source side) <- source connector's record span, through SourceRecord.trace
    let source_record = by_id(&spans, &trace, &core_source.parent_span_id).unwrap_or_else(|| panic!("the core send span's parent is missing\n{show}"));
    assert_eq!(source_record.service, "polyconnect-connector-file");
    assert_eq!(source_record.name, format!("create {topic}"));

    // source connector: record span <- poll span (the root of the trace)
    let poll = by_id(&spans, &trace, &source_record.parent_span_id).unwrap_or_else(|| panic!("the connector's poll span is missing\n{show}"));
    assert_eq!(poll.service, "polyconnect-connector-file");
    assert_eq!(poll.name, "poll");
    assert!(poll.parent_span_id.is_empty(), "the poll span is the root");

    // The core's batch span continues the connector's poll span (SourceBatch.trace), and
    // the record's send span links to it.
    let batch = in_trace
        .iter()
        .find(|s| s.service == "polyconnect" && s.name == "poll file-source" && s.parent_span_id == poll.span_id)
        .unwrap_or_else(|| panic!("no core batch span under the connector's poll span\n{show}"));
    assert!(core_source.links.contains(&(trace.clone(), batch.span_id.clone())), "the send span links to its batch span");

    // The core's Put span links to the records' contexts from Kafka (a batch has many
    // parents), and the sink connector's put span is its child (Put.trace).
    let core_put = spans
        .iter()
        .find(|s| s.service == "polyconnect" && s.name == "put file-sink" && s.links.contains(&(trace.clone(), core_source.span_id.clone())))
        .unwrap_or_else(|| panic!("no core put span linked to the record's context"));
    assert!(
        spans.iter().any(|s| s.service == "polyconnect-connector-file" && s.name == "put" && s.parent_span_id == core_put.span_id && s.trace_id == core_put.trace_id),
        "the connector's put span is a child of the core's"
    );

    // Offset commits are traced too (tracing spans through tracing-opentelemetry).
    let commit = receiver.wait_for(Duration::from_secs(20), |spans| {
        spans
            .iter()
            .find(|s| s.service == "polyconnect" && s.name == "commit" && s.attr("messaging.consumer.group.name") == Some("connect-file-sink"))
            .cloned()
    });
    let commit = commit.expect("a sink offset commit span");
    assert_eq!(commit.attr("messaging.operation.type"), Some("settle"));
    if !check_logs {
        p.core.stop();
        return;
    }

    // Levels still change at run time with the OpenTelemetry layer in place, and every
    // line of a task carries its connector and task.
    assert!(!p.core.log_text().contains("committed offsets"), "debug lines are off at first");
    let url = format!("http://127.0.0.1:{}/admin/loggers/polyconnect.worker.sink", p.core.port);
    let code = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new().put(&url).json(&serde_json::json!({"level": "DEBUG"})).send().await.unwrap().status().as_u16()
    });
    assert_eq!(code, 200);
    append_lines(&p.input, "more", 0, 10, 1, Duration::ZERO);
    wait_lines(&p.output, 210, Duration::from_secs(60));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !p.core.log_text().contains("committed offsets") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = p.core.log_text();
    let line = log.lines().find(|l| l.contains("committed offsets")).unwrap_or_else(|| panic!("no debug line after the level change\n{log}"));
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
        ("kafka_connect_source_task_source_record_poll_total", labels_src),
        ("kafka_connect_source_task_source_record_write_total", labels_src),
        ("kafka_connect_sink_task_sink_record_read_total", labels_sink),
        ("kafka_connect_sink_task_sink_record_send_total", labels_sink),
    ];
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while names.iter().any(|(m, l)| p.core.metric(m, l) != Some(n)) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, text) = p.core.get_text("/metrics");
    assert_eq!(code, 200);
    for (m, l) in names {
        assert_eq!(p.core.metric(m, l), Some(n), "{m}{{{l}}}\n{text}");
    }
    assert_eq!(p.core.metric("kafka_connect_worker_connector_count", ""), Some(2.0), "{text}");
    assert_eq!(p.core.metric("kafka_connect_worker_task_count", ""), Some(2.0), "{text}");
    assert_eq!(p.core.metric("kafka_connect_worker_connector_running_task_count", "connector=\"file-sink\""), Some(1.0), "{text}");
    assert_eq!(p.core.metric("kafka_connect_task_error_total_record_errors", labels_src), Some(0.0), "{text}");
    assert!(p.core.metric("kafka_connect_sink_task_partition_count", labels_sink) == Some(1.0), "{text}");
    let rtt = p.core.metric("polyconnect_batch_round_trip_seconds_count", labels_sink).unwrap_or(0.0);
    assert!(rtt >= 1.0, "puts are timed\n{text}");
    p.core.stop();
    assert!(p.core.log_text().contains("OpenTelemetry tracing on"), "tracing was on in this run");
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
