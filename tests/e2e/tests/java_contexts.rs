//! Kafka Connect's connector and task contexts through the bridge, end to end on the real
//! broker, with a Kafka Connect plugin built here from `tests/e2e/java/contexts-plugin` and
//! found on `plugin.path` as Kafka Connect finds it:
//! - the source connector reads its stored offset in `start()` through
//!   `SourceConnectorContext.offsetStorageReader()` and hands it to its task;
//! - `PATCH /connectors/{c}/offsets` asks the connector's `alterOffsets` first (KIP-875): its
//!   refusal fails the request with its message and writes nothing (a source's and a
//!   sink's); its `true` gives Kafka Connect's "altered successfully" and the resumed
//!   connector reads the new offset;
//! - validation carries the ConfigDef's recommenders and visibility into REST;
//! - a sink task's `SinkTaskContext.timeout(ms)` before a `RetriableException` is the
//!   back-off before the same batch comes again;
//! - `ConnectorContext.raiseError` fails the connector with the exception raised.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use serde_json::{json, Value};

fn build_java() {
    let status = Command::new("bash")
        .arg(repo_root().join("scripts/setup/java.sh"))
        .status()
        .expect("bash");
    assert!(status.success(), "scripts/setup/java.sh failed");
}

/// The test plugin compiled against Kafka Connect's API and packed into a jar in its own
/// plugin directory under `plugins`.
fn contexts_plugin(dir: &Path, plugins: &Path) {
    let lib = repo_root().join("connectors/kafka-connect-bridge/target/lib");
    let classes = dir.join("contexts-classes");
    std::fs::create_dir_all(&classes).unwrap();
    let src = repo_root().join("tests/e2e/java/contexts-plugin/com/example/contexts");
    let sources: Vec<PathBuf> = std::fs::read_dir(&src)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "java"))
        .collect();
    assert!(sources.len() >= 4, "{sources:?}");
    let out = Command::new("javac")
        .arg("-d")
        .arg(&classes)
        .arg("-cp")
        .arg(format!("{}/*", lib.display()))
        .args(&sources)
        .output()
        .expect("javac");
    assert!(
        out.status.success(),
        "javac: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plugin = plugins.join("contexts-plugin");
    std::fs::create_dir_all(&plugin).unwrap();
    let out = Command::new("jar")
        .arg("cf")
        .arg(plugin.join("contexts-plugin.jar"))
        .arg("-C")
        .arg(&classes)
        .arg(".")
        .output()
        .expect("jar");
    assert!(
        out.status.success(),
        "jar: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn call(core: &Core, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{}{path}", core.port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut r = reqwest::Client::new().request(method, &url);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.expect("REST call");
        let code = r.status().as_u16();
        (code, r.json().await.unwrap_or(Value::Null))
    })
}

fn wait_for(what: &str, timeout: Duration, core: &Core, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("{what} did not happen in time\n{}", core.log_text());
}

fn config_value<'a>(infos: &'a Value, key: &str) -> &'a Value {
    &infos["configs"]
        .as_array()
        .expect("configs")
        .iter()
        .find(|c| c["value"]["name"] == key)
        .unwrap_or_else(|| panic!("{key} missing from {infos}"))["value"]
}

#[test]
fn bridged_connectors_read_alter_and_back_off_through_their_contexts() {
    build_java();
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    contexts_plugin(dir.path(), &plugins);
    let topic = unique("contexts");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));

    let port = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={}\n",
            bootstrap(),
            dir.path().join("offsets.json").display(),
            plugins.display(),
        ),
    );
    let mut core = Core::start(dir.path(), &worker, &[], port);
    wait_for("the REST API", Duration::from_secs(60), &core, || {
        core.get("/connectors").0 == 200
    });

    // Validation: the ConfigDef's recommenders and visibility, as Kafka Connect shows them.
    let validate = |mode: &str| {
        let (code, infos) = call(
            &core,
            reqwest::Method::PUT,
            "/connector-plugins/ContextsSourceConnector/config/validate",
            Some(json!({
                "connector.class": "com.example.contexts.ContextsSourceConnector",
                "name": "v", "topic": "t", "mode": mode
            })),
        );
        assert_eq!(code, 200, "{infos}");
        infos
    };
    let bulk = validate("bulk");
    assert_eq!(
        config_value(&bulk, "mode")["recommended_values"],
        json!(["bulk", "incrementing"]),
        "{bulk}"
    );
    assert_eq!(
        config_value(&bulk, "column")["visible"],
        json!(false),
        "{bulk}"
    );
    assert_eq!(
        config_value(&bulk, "topic")["visible"],
        json!(true),
        "{bulk}"
    );
    let incrementing = validate("incrementing");
    assert_eq!(
        config_value(&incrementing, "column")["visible"],
        json!(true),
        "{incrementing}"
    );
    assert_eq!(
        config_value(&incrementing, "column")["recommended_values"],
        json!(["id", "updated_at"]),
        "{incrementing}"
    );
    assert_eq!(bulk["error_count"], json!(0), "{bulk}");
    let wrong = validate("sometimes");
    assert_eq!(wrong["error_count"], json!(1), "{wrong}");

    // The source: the connector finds no stored offset on its first start.
    let (code, body) = call(
        &core,
        reqwest::Method::POST,
        "/connectors",
        Some(json!({"name": "ctx-source", "config": {
            "connector.class": "com.example.contexts.ContextsSourceConnector",
            "tasks.max": "1", "topic": topic, "count": "3"
        }})),
    );
    assert_eq!(code, 201, "{body}");
    let first = read_topic(&bootstrap(), &topic, 3, Duration::from_secs(90));
    let values = |rs: &[TopicRecord]| -> Vec<String> {
        rs.iter()
            .map(|r| String::from_utf8(r.3.clone().expect("a value")).unwrap())
            .collect()
    };
    assert_eq!(
        values(&first),
        vec!["saw=none n=1", "saw=none n=2", "saw=none n=3"],
        "{}",
        core.log_text()
    );

    // Stopped, with its offset stored.
    let (code, body) = call(
        &core,
        reqwest::Method::PUT,
        "/connectors/ctx-source/stop",
        None,
    );
    assert_eq!(code, 204, "{body}");
    let stored = json!({"offsets": [{"partition": {"source": "contexts"}, "offset": {"n": 3}}]});
    wait_for(
        "the stopped connector's offsets",
        Duration::from_secs(60),
        &core,
        || {
            let (_, s) = core.get("/connectors/ctx-source/status");
            s["connector"]["state"] == "STOPPED"
                && core.get("/connectors/ctx-source/offsets").1 == stored
        },
    );

    // alterOffsets refuses: the request fails with its message, nothing is written.
    let (code, body) = call(
        &core,
        reqwest::Method::PATCH,
        "/connectors/ctx-source/offsets",
        Some(json!({"offsets": [{"partition": {"source": "contexts"}, "offset": {"n": -1}}]})),
    );
    assert_eq!(code, 500, "{body}");
    assert_eq!(
        body["message"],
        json!("offset n must not be negative, got -1"),
        "{body}"
    );
    assert_eq!(core.get("/connectors/ctx-source/offsets").1, stored);

    // alterOffsets accepts and says it handled its own offsets too.
    let (code, body) = call(
        &core,
        reqwest::Method::PATCH,
        "/connectors/ctx-source/offsets",
        Some(json!({"offsets": [{"partition": {"source": "contexts"}, "offset": {"n": 100}}]})),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        body["message"],
        json!("The offsets for this connector have been altered successfully"),
        "{body}"
    );

    // Resumed: the connector reads n=100 in start(), its task goes on from 101.
    let (code, body) = call(
        &core,
        reqwest::Method::PUT,
        "/connectors/ctx-source/resume",
        None,
    );
    assert_eq!(code, 202, "{body}");
    let all = read_topic(&bootstrap(), &topic, 6, Duration::from_secs(90));
    assert_eq!(
        values(&all)[3..],
        ["saw=100 n=101", "saw=100 n=102", "saw=100 n=103"],
        "{}",
        core.log_text()
    );

    // The sink: its first put sets timeout(3000) and throws RetriableException; the same
    // batch comes back after that, not after the core's own first back-off (300 ms).
    let output = dir.path().join("sink.txt");
    let (code, body) = call(
        &core,
        reqwest::Method::POST,
        "/connectors",
        Some(json!({"name": "ctx-sink", "config": {
            "connector.class": "com.example.contexts.ContextsSinkConnector",
            "tasks.max": "1", "topics": topic, "file": output.display().to_string(),
            "retry.timeout.ms": "3000"
        }})),
    );
    assert_eq!(code, 201, "{body}");
    let lines = wait_lines(&output, 7, Duration::from_secs(90));
    let head = &lines[0];
    let ms: u64 = head
        .strip_prefix("redelivered after ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {head:?}: {lines:?}"));
    assert!(
        (2900..15_000).contains(&ms),
        "redelivered after {ms} ms, not after the task's timeout of 3000 ms\n{}",
        core.log_text()
    );
    assert!(head.ends_with("same=true assigned=1"), "{head}");
    assert_eq!(
        lines[1..7],
        [
            "saw=none n=1",
            "saw=none n=2",
            "saw=none n=3",
            "saw=100 n=101",
            "saw=100 n=102",
            "saw=100 n=103"
        ],
        "{lines:?}"
    );

    // A sink connector's alterOffsets is asked too: its refusal writes nothing.
    let (code, body) = call(
        &core,
        reqwest::Method::PUT,
        "/connectors/ctx-sink/stop",
        None,
    );
    assert_eq!(code, 204, "{body}");
    wait_for("the stopped sink", Duration::from_secs(60), &core, || {
        core.get("/connectors/ctx-sink/status").1["connector"]["state"] == "STOPPED"
    });
    let (_, before) = core.get("/connectors/ctx-sink/offsets");
    let (code, body) = call(
        &core,
        reqwest::Method::PATCH,
        "/connectors/ctx-sink/offsets",
        Some(
            json!({"offsets": [{"partition": {"kafka_topic": topic, "kafka_partition": 0},
                                  "offset": {"kafka_offset": 5000}}]}),
        ),
    );
    assert_eq!(code, 500, "{body}");
    assert_eq!(
        body["message"],
        json!(format!("offset 5000 is past the end of {topic}-0")),
        "{body}"
    );
    assert_eq!(core.get("/connectors/ctx-sink/offsets").1, before);
    assert_ne!(before, json!({"offsets": []}), "the sink committed offsets");
    // A DELETE tells it of every committed partition; its false is Kafka Connect's
    // "framework-managed" answer, and the group's offsets are gone.
    let mut reset = (0, Value::Null);
    wait_for(
        "the sink's offsets reset",
        Duration::from_secs(60),
        &core,
        || {
            reset = call(
                &core,
                reqwest::Method::DELETE,
                "/connectors/ctx-sink/offsets",
                None,
            );
            // Kafka Connect's "can be safely retried" while the group still has a member.
            reset.0 != 500
                || !reset
                    .1
                    .to_string()
                    .contains("haven't stopped completely yet")
        },
    );
    assert_eq!(reset.0, 200, "{}", reset.1);
    assert!(
        reset.1["message"].as_str().is_some_and(|m| m.starts_with(
            "The Connect framework-managed offsets for this connector have been reset successfully"
        )),
        "{}",
        reset.1
    );
    assert_eq!(
        core.get("/connectors/ctx-sink/offsets").1,
        json!({"offsets": []})
    );

    // ConnectorContext.raiseError: the connector is FAILED with the exception it raised.
    let (code, body) = call(
        &core,
        reqwest::Method::POST,
        "/connectors",
        Some(json!({"name": "ctx-raise", "config": {
            "connector.class": "com.example.contexts.ContextsSourceConnector",
            "tasks.max": "1", "topic": topic, "count": "0", "raise.error": "true"
        }})),
    );
    assert_eq!(code, 201, "{body}");
    let mut last = Value::Null;
    wait_for("the raised error", Duration::from_secs(60), &core, || {
        last = core.get("/connectors/ctx-raise/status").1;
        last["connector"]["state"] == "FAILED"
    });
    assert!(
        last["connector"]["trace"]
            .as_str()
            .is_some_and(|t| t.contains("the source system went away")),
        "{last}"
    );
    core.stop();
}

/// Distributed mode, the connector with its own offsets topic (`offsets.storage.topic`):
/// its `offsetStorageReader()` reads that topic (to its end), where the altered offset is.
#[test]
fn a_distributed_connector_reads_the_offsets_of_its_own_topic() {
    build_java();
    let group = unique("contexts-distributed");
    let cluster_dir = tempfile::tempdir().unwrap();
    let plugins = cluster_dir.path().join("plugins");
    contexts_plugin(cluster_dir.path(), &plugins);
    let topic = unique("contexts-own");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let mut cluster = polyconnect_e2e::cluster::Cluster::start_with_plugins(
        &group,
        1,
        "",
        &plugins.display().to_string(),
    );
    cluster.wait_formed(Duration::from_secs(60));
    let core = cluster.any();
    let own = format!("{group}-ctx-offsets");
    let (code, body) = call(
        core,
        reqwest::Method::POST,
        "/connectors",
        Some(json!({"name": "ctx-source", "config": {
            "connector.class": "com.example.contexts.ContextsSourceConnector",
            "tasks.max": "1", "topic": topic, "count": "3",
            "offsets.storage.topic": own
        }})),
    );
    assert_eq!(code, 201, "{body}");
    let values = |rs: &[TopicRecord]| -> Vec<String> {
        rs.iter()
            .map(|r| String::from_utf8(r.3.clone().expect("a value")).unwrap())
            .collect()
    };
    let first = read_topic(&bootstrap(), &topic, 3, Duration::from_secs(90));
    assert_eq!(
        values(&first),
        ["saw=none n=1", "saw=none n=2", "saw=none n=3"],
        "{}",
        cluster.logs()
    );
    let (code, body) = call(
        core,
        reqwest::Method::PUT,
        "/connectors/ctx-source/stop",
        None,
    );
    assert_eq!(code, 204, "{body}");
    let stored = json!({"offsets": [{"partition": {"source": "contexts"}, "offset": {"n": 3}}]});
    wait_for(
        "the stopped connector's offsets",
        Duration::from_secs(60),
        core,
        || {
            let (_, s) = call(
                core,
                reqwest::Method::GET,
                "/connectors/ctx-source/status",
                None,
            );
            s["connector"]["state"] == "STOPPED"
                && call(
                    core,
                    reqwest::Method::GET,
                    "/connectors/ctx-source/offsets",
                    None,
                )
                .1 == stored
        },
    );
    let (code, body) = call(
        core,
        reqwest::Method::PATCH,
        "/connectors/ctx-source/offsets",
        Some(json!({"offsets": [{"partition": {"source": "contexts"}, "offset": {"n": 100}}]})),
    );
    assert_eq!(code, 200, "{body}");
    let (code, body) = call(
        core,
        reqwest::Method::PUT,
        "/connectors/ctx-source/resume",
        None,
    );
    assert_eq!(code, 202, "{body}");
    let all = read_topic(&bootstrap(), &topic, 6, Duration::from_secs(90));
    assert_eq!(
        values(&all)[3..],
        ["saw=100 n=101", "saw=100 n=102", "saw=100 n=103"],
        "{}",
        cluster.logs()
    );
    // The offsets are in the connector's own topic.
    let records = polyconnect_e2e::transactions::read_all(&own, "read_committed");
    assert!(
        records.iter().any(|r| r.contains("\"n\":100")),
        "the altered offset is not in {own}: {records:?}"
    );
    cluster.stop();
}
