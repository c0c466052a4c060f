//! Every SDK makes its own connector-side spans: each SDK's example source and sink,
//! launched by the core with only `OTEL_*` set on the core, export spans that join the
//! core's into one trace per record, from the source's poll span (the root) to the sink
//! connector's process span, and on to the flush and commit that made it durable.
//! (The Python SDK's chain is `tracing.rs`, with the file connectors.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use polyconnect_e2e::otlp::{Expect, Receiver};
use polyconnect_e2e::*;

struct Sdk<'a> {
    name: &'a str,
    /// The worker's `plugin.path`.
    plugins: PathBuf,
    /// A file that exists once the examples are built, and how to build them.
    built: PathBuf,
    how_to_build: &'a str,
    source: &'a str,
    source_service: &'a str,
    sink: &'a str,
    sink_service: &'a str,
    /// The source's config (besides name, class and topic), given the record count.
    source_config: &'a dyn Fn(usize) -> String,
    /// The sink's config (besides name, class and topics), given the output file.
    sink_config: &'a dyn Fn(&Path) -> String,
    protocol: &'a str,
}

const RECORDS: usize = 200;

/// One SDK at a time: four pipelines with their connector processes side by side on a
/// two-core machine have delayed a sink's first commit past the trace's deadline.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn record_trace_across(sdk: Sdk) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    assert!(
        sdk.built.exists(),
        "{} is missing: {}",
        sdk.built.display(),
        sdk.how_to_build
    );
    let receiver = if sdk.protocol == "grpc" {
        Receiver::start()
    } else {
        Receiver::start_http()
    };
    let dir = tempfile::tempdir().unwrap();
    let topic = unique(&format!("{}-trace", sdk.name));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\nkey.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=300\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            bootstrap(),
            dir.path().join("offsets.json").display(),
            sdk.plugins.display()
        ),
    );
    // Names of their own: these tests run side by side, and one sink group for all of
    // them would rebalance each one's sink whenever another's starts or stops.
    let (source_name, sink_name) = (
        format!("{}-traced-source", sdk.name),
        format!("{}-traced-sink", sdk.name),
    );
    let source = dir.path().join("source.properties");
    write(
        &source,
        &format!(
            "name={source_name}\nconnector.class={}\ntopic={topic}\n{}\n",
            sdk.source,
            (sdk.source_config)(RECORDS)
        ),
    );
    let sink = dir.path().join("sink.properties");
    write(
        &sink,
        &format!(
            "name={sink_name}\nconnector.class={}\ntopics={topic}\n{}\n",
            sdk.sink,
            (sdk.sink_config)(&output)
        ),
    );
    let endpoint = receiver.endpoint();
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", sdk.protocol),
        ("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
    ];
    let mut core = Core::start_with_env(dir.path(), &worker, &[source, sink], rest, &env);
    core.wait_task_state(&source_name, 0, "RUNNING", Duration::from_secs(90));
    core.wait_task_state(&sink_name, 0, "RUNNING", Duration::from_secs(90));
    let lines = wait_lines(&output, RECORDS, Duration::from_secs(90));
    assert_eq!(
        lines.len(),
        RECORDS,
        "records in the sink's file\n{}",
        core.log_text()
    );
    receiver.expect_record_trace(
        &Expect {
            source_service: sdk.source_service,
            sink_service: sdk.sink_service,
            sink_connector: &sink_name,
            topic: &topic,
            offset: 42,
        },
        Duration::from_secs(45),
    );
    core.stop();
}

#[test]
fn go_sdk_spans_join_the_record_trace() {
    let examples = repo_root().join("clients/go/examples");
    record_trace_across(Sdk {
        name: "go",
        plugins: examples.clone(),
        // run-plugin.sh builds the examples when launched.
        built: examples.join("source/polyconnect-plugin.json"),
        how_to_build: "the Go examples are built by clients/go/scripts/run-plugin.sh",
        source: "GoSequenceSource",
        source_service: "polyconnect-connector-go-sequence-source",
        sink: "GoFileSink",
        sink_service: "polyconnect-connector-go-file-sink",
        source_config: &|n| format!("count={n}"),
        sink_config: &|out| format!("file={}", out.display()),
        protocol: "grpc",
    });
}

#[test]
fn typescript_sdk_spans_join_the_record_trace() {
    let root = repo_root().join("clients/typescript");
    record_trace_across(Sdk {
        name: "ts",
        plugins: root.join("examples"),
        built: root.join("build/examples/source/source.js"),
        how_to_build: "run scripts/setup/typescript.sh",
        source: "Counter",
        source_service: "polyconnect-connector-typescript-example-source",
        sink: "Lines",
        sink_service: "polyconnect-connector-typescript-example-sink",
        source_config: &|n| format!("records={n}\nbatch.size=50"),
        sink_config: &|out| format!("file={}", out.display()),
        protocol: "http/protobuf",
    });
}

#[test]
fn java_sdk_spans_join_the_record_trace() {
    let examples = repo_root().join("clients/java/examples");
    record_trace_across(Sdk {
        name: "java",
        plugins: examples.clone(),
        built: examples.join("target/classes"),
        how_to_build: "run scripts/setup/java.sh",
        source: "NumbersSource",
        source_service: "polyconnect-connector-java-examples",
        sink: "LinesSink",
        sink_service: "polyconnect-connector-java-examples",
        source_config: &|n| format!("count={n}"),
        sink_config: &|out| format!("file={}", out.display()),
        protocol: "grpc",
    });
}

#[test]
fn rust_sdk_spans_join_the_record_trace() {
    let plugins = repo_root().join("clients/rust/examples/plugins");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    record_trace_across(Sdk {
        name: "rust",
        plugins,
        built: target.join("debug/examples/countdown"),
        how_to_build: "cargo build -p polyconnect-sdk --examples (cargo test builds them)",
        source: "Countdown",
        source_service: "polyconnect-connector-rust-countdown",
        sink: "PrintSink",
        sink_service: "polyconnect-connector-rust-print-sink",
        source_config: &|n| format!("from={n}"),
        sink_config: &|out| format!("file={}", out.display()),
        protocol: "http/protobuf",
    });
}
