//! Transforms and predicates out of process, on a real broker: a sink's chain mixes
//! built-in SMTs with a Python transform, a Go transform (the Go SDK's example), a Rust
//! transform (the Rust SDK's `first_transform` example) and a Python predicate, in its
//! declared order.
//! - every record is accounted for by its sequence number: in the sink's file (transformed
//!   by each stage), dropped by the Python transform, filtered by the built-in Filter under
//!   the Python predicate, or in the dead letter queue (the Python transform's record
//!   errors, under `errors.tolerance=all`); none missing, duplicates reported;
//! - with `errors.tolerance=none` the first record error fails the task with the Python
//!   exception in its status trace;
//! - `GET /connector-plugins?connectorsOnly=false` lists them with their types, and
//!   `GET /connector-plugins/{class}/config` gives a transform's own config definition;
//! - each out-of-process call has its span (`transform <alias>`, `predicate <alias>`);
//! - Apache Kafka's own `MaskField$Value` (the connect-transforms jar in a plugin
//!   directory) runs in the Kafka Connect bridge, between built-in HoistField and
//!   InsertField, on a source's records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use polyconnect_e2e::*;

const TRANSFORMS_PY: &str = r#"
from polyconnect import ConfigDef, Importance, Predicate, Transformation, Type, serve


class SeqUpper(Transformation):
    config_def = ConfigDef().define("suffix", Type.STRING, default="", importance=Importance.LOW)

    def configure(self, config):
        self.suffix = config.get("suffix", "")

    def apply(self, record):
        if record.value.startswith("bad"):
            raise ValueError(f"bad record {record.value}")
        if record.value.startswith("drop"):
            return None
        return record.new_record(value=record.value.upper() + self.suffix)


class MultipleOf(Predicate):
    def configure(self, config):
        self.n = int(config["n"])

    def test(self, record):
        # After the Go transform reversed the value: its digits, reversed back.
        return int("".join(c for c in record.value if c.isdigit())[::-1]) % self.n == 0


if __name__ == "__main__":
    serve(SeqUpper, MultipleOf)
"#;

/// A plugin directory with the Python transforms, launched by the core from plugin.path.
fn python_plugin(dir: &Path) -> PathBuf {
    let plugins = dir.join("plugins");
    let plugin = plugins.join("py-transforms");
    std::fs::create_dir_all(&plugin).unwrap();
    write(&plugin.join("transforms.py"), TRANSFORMS_PY);
    write(
        &plugin.join("polyconnect-plugin.json"),
        &serde_json::json!({
            "name": "py-transforms",
            "command": ["python3", "${plugin.dir}/transforms.py"],
            "env": {"PYTHONPATH": repo_root().join("clients/python").display().to_string()},
            "plugins": [
                {"class": "SeqUpper", "type": "transformation", "aliases": ["com.example.SeqUpper"]},
                {"class": "MultipleOf", "type": "predicate"}
            ]
        })
        .to_string(),
    );
    plugins
}

/// The Go SDK's example transform (`Reverse`), built once, launched from plugin.path.
fn go_plugin() -> PathBuf {
    let dir = repo_root().join("clients/go/examples/transform");
    let status = std::process::Command::new("go")
        .args(["build", "-buildvcs=false", "-o", ".bin/transform", "."])
        .current_dir(&dir)
        .status()
        .expect("go is needed to build the Go example transform");
    assert!(
        status.success(),
        "building clients/go/examples/transform failed"
    );
    dir
}

/// The Rust SDK's example transform (`AppendSuffix`), built once, launched from plugin.path
/// through the examples' run script.
fn rust_plugin() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "-p",
            "polyconnect-sdk",
            "--example",
            "first_transform",
        ])
        .current_dir(repo_root())
        .status()
        .expect("cargo builds the Rust example transform");
    assert!(status.success(), "building first_transform failed");
    repo_root().join("clients/rust/examples/plugins/first-transform")
}

fn worker(dir: &Path, port: u16, plugins: &Path) -> PathBuf {
    let p = dir.join("worker.properties");
    write(
        &p,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={},{},{},{}\n",
            bootstrap(),
            dir.join("offsets.json").display(),
            repo_root().join("connectors").display(),
            plugins.display(),
            go_plugin().display(),
            rust_plugin().display(),
        ),
    );
    p
}

/// The input line of sequence number `i`: every 100 records, one the Python transform
/// fails on and one it drops.
fn line(i: usize) -> String {
    match i % 100 {
        7 => format!("bad-{i}"),
        13 => format!("drop-{i}"),
        _ => format!("rec-{i}"),
    }
}

fn connectors(
    dir: &Path,
    input: &Path,
    output: &Path,
    topic: &str,
    errors: &[(&str, &str)],
) -> Vec<PathBuf> {
    let source = dir.join("source.properties");
    write(
        &source,
        &format!(
            "name=src\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\ntopic={topic}\n",
            input.display()
        ),
    );
    let mut config: BTreeMap<&str, String> = [
        ("connector.class", "FileStreamSink".to_string()),
        ("tasks.max", "1".into()),
        ("file", output.display().to_string()),
        ("topics", topic.into()),
        ("transforms", "hdr,up,rev,rs,every50".into()),
        // Built-in.
        (
            "transforms.hdr.type",
            "org.apache.kafka.connect.transforms.InsertHeader".into(),
        ),
        ("transforms.hdr.header", "stage".into()),
        ("transforms.hdr.value.literal", "builtin".into()),
        // Python, by its alias.
        ("transforms.up.type", "com.example.SeqUpper".into()),
        ("transforms.up.suffix", "!".into()),
        // Go.
        ("transforms.rev.type", "Reverse".into()),
        // Rust.
        ("transforms.rs.type", "AppendSuffix".into()),
        ("transforms.rs.suffix", RUST_SUFFIX.into()),
        // Built-in Filter under a Python predicate.
        (
            "transforms.every50.type",
            "org.apache.kafka.connect.transforms.Filter".into(),
        ),
        ("transforms.every50.predicate", "m50".into()),
        ("predicates", "m50".into()),
        ("predicates.m50.type", "MultipleOf".into()),
        ("predicates.m50.n", "50".into()),
    ]
    .into_iter()
    .collect();
    for (k, v) in errors {
        config.insert(k, v.to_string());
    }
    let sink = dir.join("sink.json");
    write(
        &sink,
        &serde_json::json!({"name": "sink", "config": config}).to_string(),
    );
    vec![source, sink]
}

/// What the Rust transform appends.
const RUST_SUFFIX: &str = "+rs";

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

fn seq_of(s: &str) -> usize {
    s.split('-')
        .nth(1)
        .unwrap()
        .trim_end_matches('!')
        .parse()
        .unwrap()
}

#[test]
fn python_go_and_rust_transforms_in_a_chain_with_built_ins() {
    let total = 3000;
    let dir = tempfile::tempdir().unwrap();
    let plugins = python_plugin(dir.path());
    let port = free_port();
    let worker = worker(dir.path(), port, &plugins);
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let topic = unique("oop-transforms");
    let dlq = unique("oop-transforms-dlq");
    let text: String = (0..total).map(|i| line(i) + "\n").collect();
    write(&input, &text);
    let connectors = connectors(
        dir.path(),
        &input,
        &output,
        &topic,
        &[
            ("errors.tolerance", "all"),
            ("errors.deadletterqueue.topic.name", &dlq),
            ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true"),
        ],
    );
    let core = Core::start(dir.path(), &worker, &connectors, port);
    core.wait_task_state("sink", 0, "RUNNING", Duration::from_secs(60));

    // Listed with their types; the transform's config definition comes from its process.
    let (code, plugins) = core.get("/connector-plugins?connectorsOnly=false");
    assert_eq!(code, 200);
    let listed = |class: &str| {
        plugins
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["class"] == class)
            .map(|p| p["type"].as_str().unwrap().to_string())
    };
    assert_eq!(listed("SeqUpper").as_deref(), Some("transformation"));
    assert_eq!(listed("MultipleOf").as_deref(), Some("predicate"));
    assert_eq!(listed("Reverse").as_deref(), Some("transformation"));
    assert_eq!(listed("AppendSuffix").as_deref(), Some("transformation"));
    let (code, defs) = core.get("/connector-plugins/AppendSuffix/config");
    assert_eq!(code, 200, "{defs}");
    assert_eq!(defs[0]["name"], "suffix", "{defs}");
    let (code, defs) = core.get("/connector-plugins/com.example.SeqUpper/config");
    assert_eq!(code, 200, "{defs}");
    assert_eq!(defs[0]["name"], "suffix", "{defs}");

    let bad: Vec<usize> = (0..total).filter(|i| i % 100 == 7).collect();
    let dropped: Vec<usize> = (0..total).filter(|i| i % 100 == 13).collect();
    let filtered: Vec<usize> = (0..total)
        .filter(|i| i % 50 == 0 && i % 100 != 7 && i % 100 != 13)
        .collect();
    let expected: Vec<usize> = (0..total)
        .filter(|i| !bad.contains(i) && !dropped.contains(i) && !filtered.contains(i))
        .collect();
    let lines = wait_lines(&output, expected.len(), Duration::from_secs(90));
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for l in &lines {
        // Python upper-cased it and added "!", Go reversed it, then Rust added its suffix.
        let l = reversed(l.strip_suffix(RUST_SUFFIX).unwrap_or_else(|| {
            panic!("no Rust suffix: {l}");
        }));
        assert!(
            l.starts_with("REC-") && l.ends_with('!'),
            "not transformed: {l}"
        );
        *counts.entry(seq_of(&l)).or_default() += 1;
    }
    let missing: Vec<usize> = expected
        .iter()
        .copied()
        .filter(|i| !counts.contains_key(i))
        .collect();
    let duplicates = counts.values().filter(|c| **c > 1).count();
    let unexpected: Vec<usize> = counts
        .keys()
        .copied()
        .filter(|i| !expected.contains(i))
        .collect();
    eprintln!(
        "out-of-process chain: {total} records in, {} out ({} distinct), {} dropped, {} filtered, {} to the DLQ; missing {}, duplicates {duplicates}",
        lines.len(),
        counts.len(),
        dropped.len(),
        filtered.len(),
        bad.len(),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "missing {} records, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert!(
        unexpected.is_empty(),
        "records that should not be there: {unexpected:?}"
    );

    // Each record error of the Python transform is in the dead letter queue, with its cause.
    let dead = read_with_headers(&dlq, bad.len(), Duration::from_secs(30));
    let mut dead_seqs: Vec<usize> = dead
        .iter()
        .map(|r| seq_of(std::str::from_utf8(r.value.as_deref().unwrap()).unwrap()))
        .collect();
    dead_seqs.sort();
    dead_seqs.dedup();
    assert_eq!(
        dead_seqs, bad,
        "the dead letter queue holds exactly the failed records"
    );
    let h = &dead[0].headers;
    assert_eq!(
        h.get("__connect.errors.exception.class.name")
            .map(String::as_str),
        Some("ValueError"),
        "{h:?}"
    );
    assert_eq!(
        h.get("__connect.errors.class.name").map(String::as_str),
        Some("com.example.SeqUpper"),
        "{h:?}"
    );
    assert!(
        h.get("__connect.errors.exception.message")
            .is_some_and(|m| m.starts_with("bad record bad-")),
        "{h:?}"
    );
}

#[test]
fn a_record_error_fails_the_task_without_tolerance() {
    let total = 50;
    let dir = tempfile::tempdir().unwrap();
    let plugins = python_plugin(dir.path());
    let port = free_port();
    let worker = worker(dir.path(), port, &plugins);
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let topic = unique("oop-transforms-none");
    let text: String = (0..total).map(|i| line(i) + "\n").collect();
    write(&input, &text);
    let connectors = connectors(dir.path(), &input, &output, &topic, &[]);
    let core = Core::start(dir.path(), &worker, &connectors, port);
    let status = core.wait_task_state("sink", 0, "FAILED", Duration::from_secs(60));
    let trace = status["trace"].as_str().unwrap_or_default();
    assert!(
        trace.contains("Tolerance exceeded in error handler"),
        "{trace}"
    );
    assert!(trace.contains("ValueError: bad record bad-7"), "{trace}");
}

/// Apache Kafka's own transforms jar (connect-transforms, fetched by scripts/kafka.sh) in a
/// plugin directory of its own, as Kafka Connect takes it.
fn apache_transforms_plugin(plugins: &Path) {
    let out = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/kafka.sh"))
        .arg("connect-lib-dir")
        .output()
        .expect("scripts/kafka.sh connect-lib-dir");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = PathBuf::from(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim(),
    );
    let jar = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with("connect-transforms-") && n.ends_with(".jar")
        })
        .unwrap_or_else(|| panic!("no connect-transforms jar in {}", dir.display()));
    let plugin = plugins.join("apache-transforms");
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::copy(&jar, plugin.join(jar.file_name().unwrap())).unwrap();
}

#[test]
fn a_java_smt_from_a_plugin_directory_runs_in_the_bridge() {
    let status = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/setup/java.sh"))
        .status()
        .expect("bash");
    assert!(status.success(), "scripts/setup/java.sh failed");
    let total = 200;
    let dir = tempfile::tempdir().unwrap();
    let plugins = python_plugin(dir.path());
    apache_transforms_plugin(&plugins);
    let port = free_port();
    let worker = worker(dir.path(), port, &plugins);
    let input = dir.path().join("in.txt");
    let topic = unique("oop-java-smt");
    let text: String = (0..total).map(|i| format!("rec-{i}\n")).collect();
    write(&input, &text);
    let source = dir.path().join("source.properties");
    write(
        &source,
        &format!(
            "name=src\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\ntopic={topic}\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\n\
             value.converter.schemas.enable=false\n\
             transforms=hoist,insert,mask\n\
             transforms.hoist.type=org.apache.kafka.connect.transforms.HoistField$Value\n\
             transforms.hoist.field=line\n\
             transforms.insert.type=InsertField$Value\n\
             transforms.insert.static.field=secret\n\
             transforms.insert.static.value=xyz\n\
             transforms.mask.type=org.apache.kafka.connect.transforms.MaskField$Value\n\
             transforms.mask.fields=secret\n",
            input.display()
        ),
    );
    let core = Core::start(dir.path(), &worker, &[source], port);
    core.wait_task_state("src", 0, "RUNNING", Duration::from_secs(120));
    // Their ConfigDefs, as Kafka Connect answers them: the transform's and a predicate's
    // from the same jar, by class name and by alias, reported by the bridge (the first
    // keys: later Kafka versions add more).
    for (plugin, keys) in [
        (
            "org.apache.kafka.connect.transforms.MaskField$Value",
            &["fields", "replacement"][..],
        ),
        ("MaskField$Value", &["fields", "replacement"][..]),
        (
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
            &["pattern"][..],
        ),
    ] {
        let (code, defs) = core.get(&format!("/connector-plugins/{plugin}/config"));
        assert_eq!(code, 200, "{plugin}: {defs}");
        let names: Vec<&str> = defs
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(&names[..keys.len()], keys, "{plugin}: {defs}");
        let first = &defs[0];
        assert_eq!(
            first["type"],
            if keys[0] == "fields" {
                "LIST"
            } else {
                "STRING"
            },
            "{defs}"
        );
        assert!(
            first["documentation"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{defs}"
        );
    }
    let records = read_topic(&bootstrap(), &topic, total, Duration::from_secs(90));
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for r in &records {
        let v: serde_json::Value = serde_json::from_slice(r.3.as_deref().unwrap()).unwrap();
        // HoistField and InsertField built in, MaskField from Apache's jar through the bridge.
        assert_eq!(v["secret"], "", "{v}");
        *seen.entry(seq_of(v["line"].as_str().unwrap())).or_default() += 1;
    }
    let missing = (0..total).filter(|i| !seen.contains_key(i)).count();
    let duplicates = seen.values().filter(|c| **c > 1).count();
    eprintln!("Java SMT through the bridge: {total} records, {} read, missing {missing}, duplicates {duplicates}", records.len());
    assert_eq!(missing, 0);
    // The bridge's log line for the instance it configured for this task's stage.
    assert!(
        core.log_text().contains(
            "org.apache.kafka.connect.transforms.MaskField$Value 'mask' of src task 0 started"
        ),
        "MaskField ran in the bridge:\n{}",
        core.log_text()
    );
}

#[test]
fn each_out_of_process_stage_has_its_span() {
    let receiver = polyconnect_e2e::otlp::Receiver::start();
    let endpoint = receiver.endpoint();
    let total = 300;
    let dir = tempfile::tempdir().unwrap();
    let plugins = python_plugin(dir.path());
    let port = free_port();
    let worker = worker(dir.path(), port, &plugins);
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let topic = unique("oop-transforms-traced");
    let text: String = (0..total).map(|i| line(i) + "\n").collect();
    write(&input, &text);
    let connectors = connectors(
        dir.path(),
        &input,
        &output,
        &topic,
        &[("errors.tolerance", "all")],
    );
    let core = Core::start_with_env(
        dir.path(),
        &worker,
        &connectors,
        port,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
        ],
    );
    core.wait_task_state("sink", 0, "RUNNING", Duration::from_secs(60));
    wait_lines(&output, 1, Duration::from_secs(60));
    // One span per out-of-process call: the Python transform, the Go transform, the Rust
    // transform and the Python predicate, each in a record's trace.
    for (name, class) in [
        ("transform up", "com.example.SeqUpper"),
        ("transform rev", "Reverse"),
        ("transform rs", "AppendSuffix"),
        ("predicate m50", "MultipleOf"),
    ] {
        let found = receiver.wait_for(Duration::from_secs(30), |spans| {
            spans
                .iter()
                .find(|s| s.service == "polyconnect" && s.name == name)
                .cloned()
        });
        let span = found.unwrap_or_else(|| {
            let names: std::collections::BTreeSet<(String, String)> = receiver
                .spans()
                .iter()
                .map(|s| (s.service.clone(), s.name.clone()))
                .collect();
            panic!("no '{name}' span; spans: {names:?}")
        });
        assert_eq!(
            span.attr("polyconnect.transform.class"),
            Some(class),
            "{span:?}"
        );
        assert!(!span.parent_span_id.is_empty(), "{span:?}");
    }
}

/// Debezium's plugin directory, as fetched (cached) by `scripts/setup/debezium.sh`.
fn debezium_plugin() -> PathBuf {
    let out = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/setup/debezium.sh"))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "scripts/setup/debezium.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = PathBuf::from(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim(),
    );
    assert!(dir.is_dir(), "{}", dir.display());
    dir
}

/// `GET /connector-plugins/{class}/config` for Kafka Connect transforms and predicates
/// found by the scan (Apache's jar and Debezium's directory, each a plugin directory): their ConfigDef, as Kafka Connect answers it, reported by the bridge.
#[test]
fn a_java_smt_answers_its_config_before_any_connector_runs() {
    let status = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/setup/java.sh"))
        .status()
        .expect("bash");
    assert!(status.success(), "scripts/setup/java.sh failed");
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    apache_transforms_plugin(&plugins);
    std::os::unix::fs::symlink(
        debezium_plugin(),
        plugins.join("debezium-connector-postgres"),
    )
    .unwrap();
    let port = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             offset.storage.file.filename={}\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={}\n",
            bootstrap(),
            dir.path().join("offsets.json").display(),
            plugins.display(),
        ),
    );
    let core = Core::start(dir.path(), &worker, &[], port);
    // The bridge is launched for the question: no connector has started it.
    let (code, defs) =
        core.get("/connector-plugins/org.apache.kafka.connect.transforms.MaskField$Value/config");
    assert_eq!(code, 200, "{defs}");
    assert_eq!(defs[0]["name"], "fields", "{defs}");
    assert_eq!(defs[0]["required"], true, "{defs}");
    let (code, defs) = core.get("/connector-plugins/RecordIsTombstone/config");
    assert_eq!(code, 200, "{defs}");
    assert_eq!(defs, serde_json::json!([]), "a predicate without keys");
    let (code, defs) =
        core.get("/connector-plugins/io.debezium.transforms.ExtractNewRecordState/config");
    assert_eq!(code, 200, "{defs}");
    let names: Vec<&str> = defs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for key in [
        "delete.tombstone.handling.mode",
        "add.fields",
        "route.by.field",
    ] {
        assert!(names.contains(&key), "{key} in {names:?}");
    }
    let (code, body) = core.get("/connector-plugins/org.example.NoSuchTransform/config");
    assert_eq!(code, 404, "{body}");
}
