//! The connector lifecycle through the REST API, end to end: the real `polyconnect`
//! binary, the file connectors (Python processes from `connectors/file`) and a real broker.
//!
//! - pause stops the flow (source and sink), resume restarts it with nothing lost;
//! - stop, PATCH offsets, resume: the source re-reads from the new offset, the sink
//!   consumes again from the new committed offset;
//! - a failed task is restarted by `restart?includeTasks=true&onlyFailed=true`, healthy
//!   ones are left alone;
//! - connectors created and paused through REST come back after a restart of the core;
//! - secrets in connector configs never reach the log;
//! - a connector's request for task reconfiguration (through the protocol) is applied.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use serde_json::{json, Value};

fn rest(core: &Core, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{}{path}", core.port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let mut req = client.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            &url,
        );
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("REST call");
        let code = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (code, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

/// Waits until the connector's status satisfies `f`; returns it.
fn wait_status(core: &Core, name: &str, what: &str, f: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        let (code, s) = core.get(&format!("/connectors/{name}/status"));
        if code == 200 && f(&s) {
            return s;
        }
        last = s;
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "{name} never became {what}; last status {last}\n{}",
        core.log_text()
    );
}

fn all_running(s: &Value) -> bool {
    s["connector"]["state"] == "RUNNING"
        && s["tasks"]
            .as_array()
            .is_some_and(|t| !t.is_empty() && t.iter().all(|t| t["state"] == "RUNNING"))
}

fn all_paused(s: &Value) -> bool {
    s["connector"]["state"] == "PAUSED"
        && s["tasks"]
            .as_array()
            .is_some_and(|t| !t.is_empty() && t.iter().all(|t| t["state"] == "PAUSED"))
}

fn line(i: usize) -> String {
    format!("line-{i}")
}

fn topic_values(topic: &str, expected: usize, timeout: Duration) -> Vec<String> {
    read_topic(&bootstrap(), topic, expected, timeout)
        .into_iter()
        .map(|r| String::from_utf8(r.3.expect("a value")).unwrap())
        .collect()
}

fn wait_exact_lines(path: &Path, n: usize, core: &Core) -> Vec<String> {
    let got = wait_lines(path, n, Duration::from_secs(90));
    assert!(
        got.len() >= n,
        "{} has {} lines, expected {n}\n{}",
        path.display(),
        got.len(),
        core.log_text()
    );
    got
}

struct Setup {
    dir: tempfile::TempDir,
    input: PathBuf,
    output: PathBuf,
    topic: String,
    core: Core,
    source: String,
    sink: String,
}

/// The file source and sink from the command line, carrying `input` to `output`. Their
/// names are unique, so the sink's consumer group is this test's alone.
fn start(name: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    std::fs::File::create(&input).unwrap();
    let topic = unique(name);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let port = free_port();
    let worker = worker_properties(dir.path(), port, "");
    let source = format!("source-{topic}");
    let sink = format!("sink-{topic}");
    let source_file = dir.path().join("source.properties");
    write(
        &source_file,
        &format!("name={source}\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\ntopic={topic}\n", input.display()),
    );
    let sink_file = dir.path().join("sink.json");
    write(
        &sink_file,
        &json!({"name": sink, "config": {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1", "file": output.display().to_string(), "topics": topic,
        }})
        .to_string(),
    );
    let core = Core::start(dir.path(), &worker, &[source_file, sink_file], port);
    wait_status(&core, &source, "running", all_running);
    wait_status(&core, &sink, "running", all_running);
    Setup {
        dir,
        input,
        output,
        topic,
        core,
        source,
        sink,
    }
}

#[test]
fn pause_stops_the_flow_and_resume_loses_nothing() {
    let s = start("lifecycle-pause");
    append_lines(&s.input, "line", 0, 1000, 1, Duration::ZERO);
    wait_exact_lines(&s.output, 1000, &s.core);

    // A paused source sends nothing more to Kafka.
    let (code, body) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/pause", s.source),
        None,
    );
    assert_eq!((code, body), (202, Value::Null));
    wait_status(&s.core, &s.source, "paused", all_paused);
    append_lines(&s.input, "line", 1000, 1000, 1, Duration::ZERO);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        topic_values(&s.topic, 1001, Duration::from_secs(2)).len(),
        1000,
        "records reached Kafka while paused"
    );
    assert_eq!(wait_lines(&s.output, 1001, Duration::ZERO).len(), 1000);
    let (code, _) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/resume", s.source),
        None,
    );
    assert_eq!(code, 202);
    wait_status(&s.core, &s.source, "running", all_running);
    let out = wait_exact_lines(&s.output, 2000, &s.core);
    assert_eq!(
        out,
        (0..2000).map(line).collect::<Vec<_>>(),
        "lines lost, duplicated or out of order"
    );

    // A paused sink delivers nothing more, while its source goes on.
    let (code, _) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/pause", s.sink),
        None,
    );
    assert_eq!(code, 202);
    wait_status(&s.core, &s.sink, "paused", all_paused);
    append_lines(&s.input, "line", 2000, 1000, 1, Duration::ZERO);
    assert_eq!(
        topic_values(&s.topic, 3000, Duration::from_secs(60)).len(),
        3000
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        wait_lines(&s.output, 2001, Duration::ZERO).len(),
        2000,
        "the paused sink wrote records"
    );
    let (code, _) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/resume", s.sink),
        None,
    );
    assert_eq!(code, 202);
    let out = wait_exact_lines(&s.output, 3000, &s.core);
    std::thread::sleep(Duration::from_millis(500));
    let out_final = wait_lines(&s.output, 3000, Duration::ZERO);
    assert_eq!(out_final.len(), out.len());
    assert_eq!(
        out,
        (0..3000).map(line).collect::<Vec<_>>(),
        "lines lost, duplicated or out of order"
    );
    drop(s.dir);
}

#[test]
fn stop_alter_offsets_and_resume_rereads() {
    let s = start("lifecycle-offsets");
    append_lines(&s.input, "line", 0, 100, 1, Duration::ZERO);
    wait_exact_lines(&s.output, 100, &s.core);

    // Offsets may change only while stopped.
    let patch = |pos: u64| json!({"offsets": [{"partition": {"filename": s.input.display().to_string()}, "offset": {"position": pos}}]});
    let (code, body) = rest(
        &s.core,
        "PATCH",
        &format!("/connectors/{}/offsets", s.source),
        Some(patch(0)),
    );
    assert_eq!(code, 400, "{body}");
    let (code, body) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/stop", s.source),
        None,
    );
    assert_eq!((code, body), (204, Value::Null));
    let st = wait_status(&s.core, &s.source, "stopped", |s| {
        s["connector"]["state"] == "STOPPED"
    });
    assert_eq!(st["tasks"], json!([]));
    assert_eq!(
        rest(
            &s.core,
            "GET",
            &format!("/connectors/{}/tasks", s.source),
            None
        ),
        (200, json!([]))
    );
    let size = std::fs::metadata(&s.input).unwrap().len();
    let (code, offsets) = rest(
        &s.core,
        "GET",
        &format!("/connectors/{}/offsets", s.source),
        None,
    );
    assert_eq!(code, 200);
    assert_eq!(
        offsets,
        json!({"offsets": [{"partition": {"filename": s.input.display().to_string()}, "offset": {"position": size}}]})
    );
    // Back to the start of line 50.
    let pos: u64 = (0..50).map(|i| line(i).len() as u64 + 1).sum();
    let (code, body) = rest(
        &s.core,
        "PATCH",
        &format!("/connectors/{}/offsets", s.source),
        Some(patch(pos)),
    );
    assert_eq!(code, 200, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("altered successfully"));
    let (code, _) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/resume", s.source),
        None,
    );
    assert_eq!(code, 202);
    wait_status(&s.core, &s.source, "running", all_running);
    let out = wait_exact_lines(&s.output, 150, &s.core);
    let expected: Vec<String> = (0..100).chain(50..100).map(line).collect();
    assert_eq!(out, expected);

    // The sink: its committed offset moved back, it consumes again from there.
    let (code, _) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/stop", s.sink),
        None,
    );
    assert_eq!(code, 204);
    let deadline = Instant::now() + Duration::from_secs(30);
    let committed = loop {
        let (code, o) = rest(
            &s.core,
            "GET",
            &format!("/connectors/{}/offsets", s.sink),
            None,
        );
        assert_eq!(code, 200, "{o}");
        let n = o["offsets"][0]["offset"]["kafka_offset"].as_i64();
        if n == Some(150) || Instant::now() > deadline {
            break o;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        committed,
        json!({"offsets": [{"partition": {"kafka_topic": s.topic, "kafka_partition": 0}, "offset": {"kafka_offset": 150}}]})
    );
    let sink_patch = json!({"offsets": [{"partition": {"kafka_topic": s.topic, "kafka_partition": 0}, "offset": {"kafka_offset": 140}}]});
    let (code, body) = rest(
        &s.core,
        "PATCH",
        &format!("/connectors/{}/offsets", s.sink),
        Some(sink_patch),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        rest(
            &s.core,
            "GET",
            &format!("/connectors/{}/offsets", s.sink),
            None
        )
        .1["offsets"][0]["offset"]["kafka_offset"],
        140
    );
    let (code, _) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/resume", s.sink),
        None,
    );
    assert_eq!(code, 202);
    let out = wait_exact_lines(&s.output, 160, &s.core);
    let expected: Vec<String> = (0..100).chain(50..100).chain(90..100).map(line).collect();
    assert_eq!(out, expected);

    // Resetting the sink's offsets (the consumer group goes) makes it read the topic again.
    let (code, _) = rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/stop", s.sink),
        None,
    );
    assert_eq!(code, 204);
    let (code, body) = rest(
        &s.core,
        "DELETE",
        &format!("/connectors/{}/offsets", s.sink),
        None,
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        rest(
            &s.core,
            "GET",
            &format!("/connectors/{}/offsets", s.sink),
            None
        ),
        (200, json!({"offsets": []}))
    );
    rest(
        &s.core,
        "PUT",
        &format!("/connectors/{}/resume", s.sink),
        None,
    );
    wait_exact_lines(&s.output, 310, &s.core);
}

#[test]
fn restart_only_failed_tasks() {
    let s = start("lifecycle-restart");
    append_lines(&s.input, "line", 0, 200, 1, Duration::ZERO);
    wait_exact_lines(&s.output, 200, &s.core);

    // A second sink whose file's directory does not exist yet: its task fails.
    let missing = s.dir.path().join("later");
    let output2 = missing.join("output.txt");
    let late = format!("late-{}", s.topic);
    let (code, body) = rest(
        &s.core,
        "POST",
        "/connectors",
        Some(json!({"name": late, "config": {
            "connector.class": "FileStreamSink", "file": output2.display().to_string(), "topics": s.topic,
        }})),
    );
    assert_eq!(code, 201, "{body}");
    let st = wait_status(&s.core, &late, "a failed task", |s| {
        s["tasks"][0]["state"] == "FAILED"
    });
    assert_eq!(st["connector"]["state"], "RUNNING");
    assert!(
        st["tasks"][0]["trace"]
            .as_str()
            .unwrap()
            .contains("output.txt"),
        "{st}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        rest(&s.core, "GET", &format!("/connectors/{late}/status"), None).1["tasks"][0]["state"],
        "FAILED",
        "restarted on its own"
    );

    // Nothing failed in the source: nothing is restarted.
    let (code, plan) = rest(
        &s.core,
        "POST",
        &format!(
            "/connectors/{}/restart?includeTasks=true&onlyFailed=true",
            s.source
        ),
        None,
    );
    assert_eq!(code, 202);
    assert_eq!(
        (
            plan["connector"]["state"].clone(),
            plan["tasks"][0]["state"].clone()
        ),
        (json!("RUNNING"), json!("RUNNING"))
    );

    std::fs::create_dir(&missing).unwrap();
    let (code, plan) = rest(
        &s.core,
        "POST",
        &format!("/connectors/{late}/restart?includeTasks=true&onlyFailed=true"),
        None,
    );
    assert_eq!(code, 202, "{plan}");
    assert_eq!(plan["connector"]["state"], "RUNNING", "{plan}");
    assert_eq!(plan["tasks"][0]["state"], "RESTARTING", "{plan}");
    wait_status(&s.core, &late, "running", all_running);
    let out = wait_exact_lines(&output2, 200, &s.core);
    assert_eq!(out, (0..200).map(line).collect::<Vec<_>>());
    // The source went on untouched.
    append_lines(&s.input, "line", 200, 100, 1, Duration::ZERO);
    assert_eq!(
        wait_exact_lines(&s.output, 300, &s.core),
        (0..300).map(line).collect::<Vec<_>>()
    );
}

#[test]
fn connectors_from_rest_survive_a_core_restart_and_secrets_stay_out_of_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    std::fs::File::create(&input).unwrap();
    let topic = unique("lifecycle-persist");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let port = free_port();
    let worker = worker_properties(dir.path(), port, "");
    let mut core = Core::start(dir.path(), &worker, &[], port);
    let secret = "s3cr3t-Pa55w0rd-value";
    let (code, body) = rest(
        &core,
        "POST",
        "/connectors",
        Some(json!({"name": "rest-source", "config": {
            "connector.class": "FileStreamSource", "file": input.display().to_string(), "topic": topic,
            "connection.password": secret,
        }})),
    );
    assert_eq!(code, 201, "{body}");
    wait_status(&core, "rest-source", "running", all_running);
    append_lines(&input, "line", 0, 50, 1, Duration::ZERO);
    assert_eq!(topic_values(&topic, 50, Duration::from_secs(60)).len(), 50);
    let (code, _) = rest(&core, "PUT", "/connectors/rest-source/pause", None);
    assert_eq!(code, 202);
    wait_status(&core, "rest-source", "paused", all_paused);

    core.stop();
    core.restart();
    assert_eq!(
        rest(&core, "GET", "/connectors", None),
        (200, json!(["rest-source"]))
    );
    assert_eq!(
        rest(&core, "GET", "/connectors/rest-source/config", None).1["topic"],
        topic
    );
    wait_status(&core, "rest-source", "paused", |s| {
        s["connector"]["state"] == "PAUSED"
    });
    append_lines(&input, "line", 50, 50, 1, Duration::ZERO);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        topic_values(&topic, 51, Duration::from_secs(2)).len(),
        50,
        "a paused connector came back running"
    );
    rest(&core, "PUT", "/connectors/rest-source/resume", None);
    let values = topic_values(&topic, 100, Duration::from_secs(60));
    assert_eq!(values, (0..100).map(line).collect::<Vec<_>>());

    // Deleted: gone after the next restart too.
    assert_eq!(
        rest(&core, "DELETE", "/connectors/rest-source", None).0,
        204
    );
    core.stop();
    core.restart();
    assert_eq!(rest(&core, "GET", "/connectors", None), (200, json!([])));
    core.stop();
    let log = core.log_text();
    assert!(!log.contains(secret), "a secret reached the log:\n{log}");
}

/// A connector that asks for reconfiguration through the protocol gets its tasks
/// reconfigured: one task at first, `tasks.max` after its request.
#[test]
fn connector_requested_reconfiguration_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("plugins/test-connector");
    std::fs::create_dir_all(&plugin).unwrap();
    write(
        &plugin.join("polyconnect-plugin.json"),
        &format!(
            r#"{{"name":"test-connector","command":["{}"],"plugins":[{{"class":"TestSource","type":"source"}}]}}"#,
            binary("polyconnect-test-connector").display()
        ),
    );
    let port = free_port();
    let worker = worker_properties(
        dir.path(),
        port,
        &format!(
            "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             plugin.path={}\n",
            dir.path().join("plugins").display()
        ),
    );
    let core = Core::start(dir.path(), &worker, &[], port);
    let topic = unique("reconfigure");
    let config = json!({
        "connector.class": "TestSource", "tasks.max": "3", "topic": topic, "records": "10",
        "reconfigure.after.ms": "1500",
    });
    let (code, body) = rest(
        &core,
        "POST",
        "/connectors",
        Some(json!({"name": "grows", "config": config})),
    );
    assert_eq!(code, 201, "{body}");
    let s = wait_status(&core, "grows", "running with 3 tasks", |s| {
        all_running(s) && s["tasks"].as_array().unwrap().len() == 3
    });
    let ids: Vec<i64> = s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![0, 1, 2]);
    let (_, tasks) = rest(&core, "GET", "/connectors/grows/tasks", None);
    let indexes: Vec<&str> = tasks
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["config"]["task.index"].as_str().unwrap())
        .collect();
    assert_eq!(indexes, vec!["0", "1", "2"]);
    assert!(
        core.log_text().contains("more tasks"),
        "the reason is logged"
    );
}
