//! The same sequence of REST calls against Apache Kafka Connect (ConnectStandalone from its
//! Maven Central jars, with its FileStream connectors) and against Polyconnect (with the
//! file connectors), on the same broker: the status codes and the JSON shapes (keys and
//! value types, not values) must be the same, apart from the documented differences below.
//!
//! It needs `java` (installed by `scripts/setup.sh`) and the Kafka Connect jars
//! (`scripts/kafka.sh connect-lib-dir` fetches them); it fails when they are missing. Run it
//! with `--nocapture` to see the report of every call.
//!
//! Documented differences (the reason is in each entry of `DIFFERENCES`): Kafka Connect
//! answers some bad requests with 500 from an internal exception (malformed JSON, a missing
//! `config`, unknown connectors on stop/restart, an invalid `initial_state`, validation of a
//! config without or with an unknown connector class) where Polyconnect answers 400/404;
//! and `GET /connectors/{c}/tasks-config`, removed in Kafka Connect 4.0, is still served.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use serde_json::{json, Map, Value};

/// (call label, what differs and why).
const DIFFERENCES: &[(&str, &str)] = &[
    (
        "post-malformed-json",
        "status: Kafka Connect 500 (Jackson's parse error), Polyconnect 400",
    ),
    (
        "post-without-config",
        "status: Kafka Connect 500 (a NullPointerException), Polyconnect 400",
    ),
    (
        "post-bad-initial-state",
        "status: Kafka Connect 500 (Jackson's enum error), Polyconnect 400",
    ),
    (
        "stop-unknown",
        "status: Kafka Connect 500 (IllegalArgumentException), Polyconnect 404",
    ),
    (
        "restart-unknown",
        "status: Kafka Connect 500 (a NullPointerException), Polyconnect 404",
    ),
    (
        "restart-task-unknown-connector",
        "status: Kafka Connect 500, Polyconnect 404",
    ),
    (
        "tasks-config",
        "status: the endpoint was removed in Kafka Connect 4.0 (404); Polyconnect keeps it (200)",
    ),
    (
        "validate-no-class",
        "status: Kafka Connect 500 (a wrapped BadRequestException), Polyconnect 400",
    ),
    (
        "validate-unknown-class",
        "status: Kafka Connect 500 (a wrapped ConnectException), Polyconnect 400",
    ),
];

#[derive(Clone, Copy, PartialEq)]
enum Sys {
    Kc,
    Pc,
}

struct Side {
    sys: Sys,
    port: u16,
    dir: PathBuf,
    topic: String,
    input: PathBuf,
    output: PathBuf,
    sink: String,
}

fn rest(port: u16, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{port}{path}");
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
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = req.send().await.expect("REST call");
        let code = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (code, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

/// The shape of a JSON value: types instead of values; arrays by the merged shape of their
/// elements; objects by their keys, or (for objects keyed by data, such as configs) by the
/// merged shape of their values.
fn shape(v: &Value, path: &str, maps: &[&str]) -> Value {
    match v {
        Value::Null => json!("null"),
        Value::Bool(_) => json!("boolean"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
        Value::Array(a) => {
            let inner = format!("{path}[]");
            let merged = a.iter().map(|e| shape(e, &inner, maps)).reduce(merge);
            json!({ "array": merged.unwrap_or(json!("empty")) })
        }
        Value::Object(o) => {
            if maps.contains(&path) {
                let merged = o
                    .iter()
                    .map(|(_, e)| shape(e, &format!("{path}.*"), maps))
                    .reduce(merge);
                json!({ "map": merged.unwrap_or(json!("empty")) })
            } else {
                let m: Map<String, Value> = o
                    .iter()
                    .map(|(k, e)| (k.clone(), shape(e, &format!("{path}.{k}"), maps)))
                    .collect();
                json!({ "object": m })
            }
        }
    }
}

/// Merges two shapes (of elements of one array): objects key by key, other differences as a
/// sorted set of alternatives.
fn merge(a: Value, b: Value) -> Value {
    if a == b {
        return a;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y))
            if x.contains_key("object") && y.contains_key("object") =>
        {
            let (Some(Value::Object(xo)), Some(Value::Object(yo))) =
                (x.get("object"), y.get("object"))
            else {
                unreachable!()
            };
            let mut out = xo.clone();
            for (k, v) in yo {
                let merged = match out.remove(k) {
                    Some(prev) => merge(prev, v.clone()),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            json!({ "object": out })
        }
        (Value::Object(x), Value::Object(y))
            if x.contains_key("array") && y.contains_key("array") =>
        {
            let (xa, ya) = (x["array"].clone(), y["array"].clone());
            match (xa == json!("empty"), ya == json!("empty")) {
                (true, _) => Value::Object(y),
                (_, true) => Value::Object(x),
                _ => json!({ "array": merge(xa, ya) }),
            }
        }
        (a, b) => {
            let mut alts: Vec<Value> = Vec::new();
            for v in [a, b] {
                match v {
                    Value::Object(mut o) if o.contains_key("any") => {
                        if let Some(Value::Array(list)) = o.remove("any") {
                            alts.extend(list);
                        }
                    }
                    other => alts.push(other),
                }
            }
            alts.sort_by_key(|v| v.to_string());
            alts.dedup();
            json!({ "any": alts })
        }
    }
}

fn start_kafka_connect(dir: &Path, port: u16) -> Child {
    // `scripts/setup.sh` installs Java and `scripts/kafka.sh` fetches the jars: a missing
    // piece is a failure, not a reason to skip.
    let java = Command::new("java").arg("-version").output();
    assert!(
        java.map(|o| o.status.success()).unwrap_or(false),
        "no java: run scripts/setup.sh"
    );
    let out = Command::new(repo_root().join("scripts/kafka.sh"))
        .arg("connect-lib-dir")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "no Kafka Connect jars: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lib = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let props = dir.join("connect-worker.properties");
    write(
        &props,
        &format!(
            "bootstrap.servers={}\nkey.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=500\nlisteners=http://127.0.0.1:{port}\n",
            bootstrap(),
            dir.join("connect.offsets").display()
        ),
    );
    let log = std::fs::File::create(dir.join("connect.log")).unwrap();
    let child = Command::new("java")
        .args(["-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"])
        .arg(format!(
            "-Dlog4j2.configurationFile={}",
            repo_root()
                .join("tests/reference/log4j2.properties")
                .display()
        ))
        .arg("-cp")
        .arg(format!("{lib}/*"))
        .arg("org.apache.kafka.connect.cli.ConnectStandalone")
        .arg(&props)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start ConnectStandalone");
    child
}

fn wait_healthy(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(240);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && rest(port, "GET", "/health", None).0 == 200
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("{what} did not become healthy");
}

fn wait_state(side: &Side, name: &str, f: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        let (code, s) = rest(
            side.port,
            "GET",
            &format!("/connectors/{name}/status"),
            None,
        );
        if code == 200 && f(&s) {
            return;
        }
        last = s;
        std::thread::sleep(Duration::from_millis(100));
    }
    let who = if side.sys == Sys::Kc {
        "Kafka Connect"
    } else {
        "Polyconnect"
    };
    panic!("{who}: {name} never reached the expected state; last status {last}");
}

fn running(s: &Value) -> bool {
    s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING"
}

enum Step {
    Call {
        label: &'static str,
        method: &'static str,
        path: String,
        body: Option<String>,
        maps: &'static [&'static str],
    },
    WaitRunning(String),
    WaitState(String, &'static str),
    Sleep(u64),
    AppendLines(usize),
}

fn call(
    label: &'static str,
    method: &'static str,
    path: impl Into<String>,
    body: Option<Value>,
) -> Step {
    Step::Call {
        label,
        method,
        path: path.into(),
        body: body.map(|b| b.to_string()),
        maps: &[],
    }
}

fn call_maps(
    label: &'static str,
    method: &'static str,
    path: impl Into<String>,
    body: Option<Value>,
    maps: &'static [&'static str],
) -> Step {
    Step::Call {
        label,
        method,
        path: path.into(),
        body: body.map(|b| b.to_string()),
        maps,
    }
}

fn raw(label: &'static str, method: &'static str, path: &str, body: &str) -> Step {
    Step::Call {
        label,
        method,
        path: path.into(),
        body: Some(body.into()),
        maps: &[],
    }
}

/// The calls, for one side (connector names are the same on both, files and topics not;
/// the sink's name differs so the two do not share a consumer group).
fn steps(s: &Side) -> Vec<Step> {
    let src = "diff-source";
    let sink = s.sink.as_str();
    let source_config = json!({
        "connector.class": "FileStreamSource", "file": s.input.display().to_string(), "topic": s.topic, "tasks.max": "1",
    });
    let sink_config = json!({
        "connector.class": "FileStreamSink", "file": s.output.display().to_string(), "topics": s.topic,
    });
    let offsets = json!({"offsets": [{"partition": {"filename": s.input.display().to_string()}, "offset": {"position": 4}}]});
    let sink_offsets = json!({"offsets": [{"partition": {"kafka_topic": s.topic, "kafka_partition": 0}, "offset": {"kafka_offset": 1}}]});
    let cfg_maps: &'static [&'static str] = &[".config"];
    vec![
        call("root", "GET", "/", None),
        call("health", "GET", "/health", None),
        call("list-empty", "GET", "/connectors", None),
        call_maps(
            "create-source",
            "POST",
            "/connectors",
            Some(json!({"name": src, "config": source_config})),
            cfg_maps,
        ),
        call(
            "create-source-again",
            "POST",
            "/connectors",
            Some(json!({"name": src, "config": source_config})),
        ),
        Step::WaitRunning(src.into()),
        Step::AppendLines(5),
        call_maps("info", "GET", format!("/connectors/{src}"), None, cfg_maps),
        call_maps(
            "config",
            "GET",
            format!("/connectors/{src}/config"),
            None,
            &[""],
        ),
        call("status", "GET", format!("/connectors/{src}/status"), None),
        call_maps(
            "expand",
            "GET",
            "/connectors?expand=status&expand=info",
            None,
            &["", ".*.info.config"],
        ),
        call_maps(
            "tasks",
            "GET",
            format!("/connectors/{src}/tasks"),
            None,
            &["[].config"],
        ),
        call_maps(
            "tasks-config",
            "GET",
            format!("/connectors/{src}/tasks-config"),
            None,
            &["", ".*"],
        ),
        call(
            "task-status",
            "GET",
            format!("/connectors/{src}/tasks/0/status"),
            None,
        ),
        call(
            "task-status-unknown",
            "GET",
            format!("/connectors/{src}/tasks/9/status"),
            None,
        ),
        call_maps(
            "put-config-update",
            "PUT",
            format!("/connectors/{src}/config"),
            Some(source_config.clone()),
            cfg_maps,
        ),
        call_maps(
            "patch-config",
            "PATCH",
            format!("/connectors/{src}/config"),
            Some(json!({"batch.size": "100"})),
            cfg_maps,
        ),
        call(
            "patch-config-invalid",
            "PATCH",
            format!("/connectors/{src}/config"),
            Some(json!({"tasks.max": "0"})),
        ),
        Step::WaitRunning(src.into()),
        call("pause", "PUT", format!("/connectors/{src}/pause"), None),
        Step::WaitState(src.into(), "PAUSED"),
        call(
            "status-paused",
            "GET",
            format!("/connectors/{src}/status"),
            None,
        ),
        call("resume", "PUT", format!("/connectors/{src}/resume"), None),
        Step::WaitRunning(src.into()),
        call(
            "restart",
            "POST",
            format!("/connectors/{src}/restart"),
            None,
        ),
        Step::WaitRunning(src.into()),
        call(
            "restart-with-tasks",
            "POST",
            format!("/connectors/{src}/restart?includeTasks=true"),
            None,
        ),
        Step::WaitRunning(src.into()),
        call(
            "restart-only-failed",
            "POST",
            format!("/connectors/{src}/restart?includeTasks=true&onlyFailed=true"),
            None,
        ),
        call(
            "restart-task",
            "POST",
            format!("/connectors/{src}/tasks/0/restart"),
            None,
        ),
        Step::WaitRunning(src.into()),
        Step::Sleep(1500),
        call_maps(
            "topics",
            "GET",
            format!("/connectors/{src}/topics"),
            None,
            &[""],
        ),
        call(
            "topics-reset",
            "PUT",
            format!("/connectors/{src}/topics/reset"),
            None,
        ),
        call("offsets", "GET", format!("/connectors/{src}/offsets"), None),
        call(
            "alter-offsets-running",
            "PATCH",
            format!("/connectors/{src}/offsets"),
            Some(offsets.clone()),
        ),
        call("stop", "PUT", format!("/connectors/{src}/stop"), None),
        Step::WaitState(src.into(), "STOPPED"),
        call(
            "status-stopped",
            "GET",
            format!("/connectors/{src}/status"),
            None,
        ),
        call_maps(
            "info-stopped",
            "GET",
            format!("/connectors/{src}"),
            None,
            cfg_maps,
        ),
        call(
            "alter-offsets-empty",
            "PATCH",
            format!("/connectors/{src}/offsets"),
            Some(json!({"offsets": []})),
        ),
        call(
            "alter-offsets",
            "PATCH",
            format!("/connectors/{src}/offsets"),
            Some(offsets),
        ),
        call(
            "offsets-altered",
            "GET",
            format!("/connectors/{src}/offsets"),
            None,
        ),
        call(
            "reset-offsets",
            "DELETE",
            format!("/connectors/{src}/offsets"),
            None,
        ),
        call(
            "offsets-reset",
            "GET",
            format!("/connectors/{src}/offsets"),
            None,
        ),
        call(
            "resume-stopped",
            "PUT",
            format!("/connectors/{src}/resume"),
            None,
        ),
        Step::WaitRunning(src.into()),
        call_maps(
            "create-sink-stopped",
            "POST",
            "/connectors",
            Some(json!({"name": sink, "config": sink_config, "initial_state": "STOPPED"})),
            cfg_maps,
        ),
        Step::WaitState(sink.into(), "STOPPED"),
        call(
            "sink-offsets-empty",
            "GET",
            format!("/connectors/{sink}/offsets"),
            None,
        ),
        call(
            "sink-alter-offsets",
            "PATCH",
            format!("/connectors/{sink}/offsets"),
            Some(sink_offsets),
        ),
        call(
            "sink-offsets",
            "GET",
            format!("/connectors/{sink}/offsets"),
            None,
        ),
        call(
            "sink-alter-offsets-bad",
            "PATCH",
            format!("/connectors/{sink}/offsets"),
            Some(
                json!({"offsets": [{"partition": {"kafka_topic": s.topic, "kafka_partition": "x"}, "offset": {"kafka_offset": 1}}]}),
            ),
        ),
        call(
            "sink-reset-offsets",
            "DELETE",
            format!("/connectors/{sink}/offsets"),
            None,
        ),
        call_maps(
            "create-paused",
            "POST",
            "/connectors",
            Some(
                json!({"name": "diff-paused", "config": source_config, "initial_state": "PAUSED"}),
            ),
            cfg_maps,
        ),
        Step::WaitState("diff-paused".into(), "PAUSED"),
        call(
            "status-created-paused",
            "GET",
            "/connectors/diff-paused/status",
            None,
        ),
        call_maps(
            "put-config-create",
            "PUT",
            "/connectors/diff-put/config",
            Some(source_config.clone()),
            cfg_maps,
        ),
        // (Kafka Connect then shows a FAILED task 9 in the status: done on a connector
        // that is deleted next.)
        call(
            "restart-task-unknown",
            "POST",
            "/connectors/diff-put/tasks/9/restart",
            None,
        ),
        call("delete", "DELETE", "/connectors/diff-put", None),
        call("delete-again", "DELETE", "/connectors/diff-put", None),
        call("info-deleted", "GET", "/connectors/diff-put", None),
        // Validation and plugins.
        call(
            "validate",
            "PUT",
            "/connector-plugins/FileStreamSource/config/validate",
            Some(
                json!({"connector.class": "FileStreamSource", "name": "v", "tasks.max": "x", "errors.tolerance": "bogus", "transforms": "a,a"}),
            ),
        ),
        call(
            "validate-sink",
            "PUT",
            "/connector-plugins/FileStreamSinkConnector/config/validate",
            Some(
                json!({"connector.class": "FileStreamSink", "name": "v", "topics": "a", "topics.regex": "b"}),
            ),
        ),
        call(
            "validate-mismatch",
            "PUT",
            "/connector-plugins/FileStreamSource/config/validate",
            Some(json!({"connector.class": "FileStreamSink"})),
        ),
        call(
            "validate-no-class",
            "PUT",
            "/connector-plugins/FileStreamSource/config/validate",
            Some(json!({})),
        ),
        call(
            "validate-unknown-class",
            "PUT",
            "/connector-plugins/Nope/config/validate",
            Some(json!({"connector.class": "Nope"})),
        ),
        call("plugins", "GET", "/connector-plugins", None),
        call(
            "plugins-all",
            "GET",
            "/connector-plugins?connectorsOnly=false",
            None,
        ),
        call(
            "plugin-config",
            "GET",
            "/connector-plugins/FileStreamSource/config",
            None,
        ),
        call(
            "plugin-config-converter",
            "GET",
            "/connector-plugins/org.apache.kafka.connect.json.JsonConverter/config",
            None,
        ),
        call(
            "plugin-config-unknown",
            "GET",
            "/connector-plugins/Nope/config",
            None,
        ),
        // Loggers.
        call_maps("loggers", "GET", "/admin/loggers", None, &[""]),
        call("logger-root", "GET", "/admin/loggers/root", None),
        call(
            "logger-unknown",
            "GET",
            "/admin/loggers/no.such.logger",
            None,
        ),
        call(
            "logger-set",
            "PUT",
            "/admin/loggers/root",
            Some(json!({"level": "INFO"})),
        ),
        call(
            "logger-set-cluster",
            "PUT",
            "/admin/loggers/root?scope=cluster",
            Some(json!({"level": "INFO"})),
        ),
        call(
            "logger-bad-level",
            "PUT",
            "/admin/loggers/root",
            Some(json!({"level": "loud"})),
        ),
        call(
            "logger-no-level",
            "PUT",
            "/admin/loggers/root",
            Some(json!({})),
        ),
        // Bad requests and unknown connectors.
        raw("post-malformed-json", "POST", "/connectors", "{bad json"),
        call(
            "post-without-config",
            "POST",
            "/connectors",
            Some(json!({"name": "x"})),
        ),
        call(
            "post-no-class",
            "POST",
            "/connectors",
            Some(json!({"name": "x", "config": {}})),
        ),
        call(
            "post-unknown-class",
            "POST",
            "/connectors",
            Some(json!({"name": "x", "config": {"connector.class": "Nope"}})),
        ),
        call(
            "post-name-mismatch",
            "POST",
            "/connectors",
            Some(
                json!({"name": "x", "config": {"name": "y", "connector.class": "FileStreamSource"}}),
            ),
        ),
        call(
            "post-invalid",
            "POST",
            "/connectors",
            Some(
                json!({"name": "x", "config": {"connector.class": "FileStreamSource", "tasks.max": "0", "topic": "t"}}),
            ),
        ),
        call(
            "post-bad-initial-state",
            "POST",
            "/connectors",
            Some(
                json!({"name": "x", "config": {"connector.class": "FileStreamSource", "topic": "t"}, "initial_state": "BOGUS"}),
            ),
        ),
        call(
            "put-config-name-mismatch",
            "PUT",
            "/connectors/x/config",
            Some(json!({"name": "y"})),
        ),
        call("unknown-info", "GET", "/connectors/nope", None),
        call("unknown-status", "GET", "/connectors/nope/status", None),
        call("unknown-tasks", "GET", "/connectors/nope/tasks", None),
        call(
            "unknown-task-status",
            "GET",
            "/connectors/nope/tasks/0/status",
            None,
        ),
        call_maps(
            "unknown-topics",
            "GET",
            "/connectors/nope/topics",
            None,
            &[""],
        ),
        call("unknown-offsets", "GET", "/connectors/nope/offsets", None),
        call("pause-unknown", "PUT", "/connectors/nope/pause", None),
        call("resume-unknown", "PUT", "/connectors/nope/resume", None),
        call("stop-unknown", "PUT", "/connectors/nope/stop", None),
        call("restart-unknown", "POST", "/connectors/nope/restart", None),
        call(
            "restart-unknown-with-tasks",
            "POST",
            "/connectors/nope/restart?includeTasks=true",
            None,
        ),
        call(
            "restart-task-unknown-connector",
            "POST",
            "/connectors/nope/tasks/0/restart",
            None,
        ),
        call("delete-unknown", "DELETE", "/connectors/nope", None),
        call(
            "patch-unknown",
            "PATCH",
            "/connectors/nope/config",
            Some(json!({"a": "b"})),
        ),
        call("unknown-path", "GET", "/nope", None),
        call("wrong-method", "DELETE", "/connectors", None),
        call("list", "GET", "/connectors", None),
    ]
}

fn run(side: &Side, report: &mut BTreeMap<&'static str, (u16, Value, Value)>) {
    let mut appended = 0;
    for step in steps(side) {
        match step {
            Step::Call {
                label,
                method,
                path,
                body,
                maps,
            } => {
                let (code, v) = rest(side.port, method, &path, body.as_deref());
                report.insert(label, (code, shape(&v, "", maps), v));
            }
            Step::WaitRunning(name) => wait_state(side, &name, running),
            Step::WaitState(name, state) => {
                wait_state(side, &name, |s| s["connector"]["state"] == state)
            }
            Step::Sleep(ms) => std::thread::sleep(Duration::from_millis(ms)),
            Step::AppendLines(n) => {
                append_lines(&side.input, "line", appended, n, 1, Duration::ZERO);
                appended += n;
            }
        }
    }
}

#[test]
fn same_status_codes_and_json_shapes_as_kafka_connect() {
    let root = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let make = |sys: Sys, name: &str| {
        let dir = root.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("input.txt");
        std::fs::File::create(&input).unwrap();
        let topic = unique(&format!("diff-{name}"));
        rt.block_on(create_topic(&bootstrap(), &topic, 1));
        Side {
            sys,
            port: free_port(),
            output: dir.join("output.txt"),
            input,
            sink: format!("diff-sink-{topic}"),
            topic,
            dir,
        }
    };
    let kc = make(Sys::Kc, "kafka-connect");
    let pc = make(Sys::Pc, "polyconnect");
    let mut child = start_kafka_connect(&kc.dir, kc.port);
    struct Kill(Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _ = child.stdin.take();
    let _guard = Kill(child);
    let worker = worker_properties(&pc.dir, pc.port, "");
    let _core = Core::start(&pc.dir, &worker, &[], pc.port);
    wait_healthy(kc.port, "Kafka Connect");
    wait_healthy(pc.port, "Polyconnect");

    let mut kc_report = BTreeMap::new();
    let mut pc_report = BTreeMap::new();
    run(&kc, &mut kc_report);
    run(&pc, &mut pc_report);

    let mut mismatches = Vec::new();
    println!("{:<34} {:>6} {:>6}  shape", "call", "KC", "PC");
    for (label, (kc_code, kc_shape, kc_body)) in &kc_report {
        let (pc_code, pc_shape, pc_body) = &pc_report[label];
        let documented = DIFFERENCES
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, why)| *why);
        let same_code = kc_code == pc_code;
        // Error bodies are compared by shape only when both are errors or both are not.
        let same_shape = kc_shape == pc_shape;
        let verdict = match (same_code && same_shape, documented) {
            (true, _) => "same".to_string(),
            (false, Some(why)) => format!("documented: {why}"),
            (false, None) => {
                mismatches.push(*label);
                "DIFFERENT".to_string()
            }
        };
        println!("{label:<34} {kc_code:>6} {pc_code:>6}  {verdict}");
        if !(same_code && same_shape) && documented.is_none() {
            println!("  Kafka Connect: {}\n  shape {}", trim(kc_body), kc_shape);
            println!("  Polyconnect:   {}\n  shape {}", trim(pc_body), pc_shape);
        }
    }
    assert!(
        mismatches.is_empty(),
        "calls answered differently: {mismatches:?}"
    );
}

fn trim(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 600 {
        format!("{}...", &s[..600])
    } else {
        s
    }
}
