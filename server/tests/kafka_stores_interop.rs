//! The Kafka-backed stores against Apache Kafka Connect itself: `ConnectDistributed` from
//! the Kafka 4.3.1 jars (`scripts/kafka.sh connect-lib-dir`) runs on the broker
//! (`POLYCONNECT_TEST_BOOTSTRAP`) with its own config, offsets and status topics.
//!
//! - Kafka Connect → Polyconnect: a FileStreamSource connector created through Kafka
//!   Connect's REST API runs; Polyconnect's stores, reading Kafka Connect's topics, give
//!   the connector config, the task configs, the RUNNING statuses with Kafka Connect's
//!   worker id, the source offsets and, after a pause, the PAUSED target state, all equal
//!   to what Kafka Connect's REST API answers.
//! - Polyconnect → Kafka Connect: Polyconnect's offset store writes a source offset and its
//!   config store creates a connector; Kafka Connect runs it from that offset (only the
//!   lines after it reach the topic), writes its task configs (which Polyconnect's store
//!   then reads), and stops it when Polyconnect's store deletes it.
//!
//! It needs `java` (`scripts/setup.sh` installs it) and the jars; a missing piece is a
//! failure, never a skip.

mod kafka_stores_support;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kafka_stores_support::*;
use polyconnect::data::Value;
use polyconnect::storage::configs::TargetState as StoredTargetState;
use polyconnect::storage::kafka_configs::KafkaConfigStore;
use polyconnect::storage::kafka_offsets::KafkaOffsetStore;
use polyconnect::storage::kafka_status::KafkaStatusStore;
use polyconnect_group::config_state::ConfigChange;
use polyconnect_group::records::{RawConfig, StatusState, TargetState};
use polyconnect_group::ConnectorTaskId;
use serde_json::{json, Value as Json};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// One HTTP/1.0 call: (status, JSON body or Null).
fn rest(port: u16, method: &str, path: &str, body: Option<&Json>) -> (u16, Json) {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return (0, Json::Null);
    };
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if s.write_all(req.as_bytes()).is_err() {
        return (0, Json::Null);
    }
    let mut resp = Vec::new();
    if s.read_to_end(&mut resp).is_err() {
        return (0, Json::Null);
    }
    let text = String::from_utf8_lossy(&resp);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return (0, Json::Null);
    };
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, serde_json::from_str(body).unwrap_or(Json::Null))
}

/// `ConnectDistributed`, killed when dropped; its log is printed when a test fails.
struct KafkaConnect {
    child: Child,
    log: PathBuf,
    port: u16,
}

impl Drop for KafkaConnect {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("--- Kafka Connect's log (last lines) ---");
            for l in tail.into_iter().rev() {
                eprintln!("{l}");
            }
        }
    }
}

fn start_kafka_connect(dir: &Path, topics: &Topics) -> KafkaConnect {
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
    let lib = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string();
    let port = free_port();
    let props = dir.join("connect-distributed.properties");
    std::fs::write(
        &props,
        format!(
            "bootstrap.servers={bootstrap}\ngroup.id={group}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             config.storage.topic={config}\noffset.storage.topic={offsets}\nstatus.storage.topic={status}\n\
             config.storage.replication.factor=1\noffset.storage.replication.factor=1\n\
             status.storage.replication.factor=1\noffset.storage.partitions=5\nstatus.storage.partitions=3\n\
             offset.flush.interval.ms=500\nlisteners=http://127.0.0.1:{port}\n\
             rest.advertised.host.name=127.0.0.1\nrest.advertised.port={port}\n",
            bootstrap = bootstrap(),
            group = topics.group,
            config = topics.config,
            offsets = topics.offsets,
            status = topics.status,
        ),
    )
    .unwrap();
    let log = dir.join("connect.log");
    let child = Command::new("java")
        .args(["-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"])
        .arg(format!(
            "-Dlog4j2.configurationFile={}",
            repo_root()
                .join("tests/reference/log4j2.properties")
                .display()
        ))
        .arg("-Dpolyconnect.reference.log.level=INFO")
        .arg("-cp")
        .arg(format!("{lib}/*"))
        .arg("org.apache.kafka.connect.cli.ConnectDistributed")
        .arg(&props)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start ConnectDistributed");
    let mut kc = KafkaConnect { child, log, port };
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        if let Ok(Some(status)) = kc.child.try_wait() {
            panic!("ConnectDistributed exited at start ({status})");
        }
        // The worker answers `GET /connectors` once it has joined the group and read the
        // config topic.
        if rest(port, "GET", "/connectors", None).0 == 200 {
            return kc;
        }
        assert!(
            Instant::now() < deadline,
            "ConnectDistributed did not become ready"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

struct Topics {
    group: String,
    config: String,
    offsets: String,
    status: String,
}

/// Polls `f` until it is true (60 s), or fails with `what`.
async fn eventually<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(90);
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn lines(n: std::ops::RangeInclusive<usize>, prefix: &str) -> String {
    n.map(|i| format!("{prefix}-{i}\n")).collect()
}

fn raw_of(j: &Json) -> RawConfig {
    j.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
        .collect()
}

fn filename(path: &Path) -> Value {
    Value::Map(vec![(
        Value::String("filename".into()),
        Value::String(path.display().to_string()),
    )])
}

fn position(n: i64) -> Value {
    Value::Map(vec![(Value::String("position".into()), Value::Int64(n))])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_read_and_write_kafka_connects_own_topics() {
    let dir = tempfile::tempdir().unwrap();
    let id = unique("kc");
    let topics = Topics {
        group: format!("{id}-group"),
        config: format!("{id}-configs"),
        offsets: format!("{id}-offsets"),
        status: format!("{id}-status"),
    };
    let kc = start_kafka_connect(dir.path(), &topics);
    let worker_id = format!("127.0.0.1:{}", kc.port);

    // --- Kafka Connect writes, Polyconnect reads.
    let input = dir.path().join("in.txt");
    let content = lines(1..=10, "line");
    std::fs::write(&input, &content).unwrap();
    let config = json!({
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": input.display().to_string(),
        "topic": format!("{id}-out"),
    });
    // 409 while the worker is still joining its group: asked again.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (code, body) = rest(
            kc.port,
            "POST",
            "/connectors",
            Some(&json!({"name": "java-src", "config": config})),
        );
        if code == 201 {
            break;
        }
        assert!(
            code == 409 && Instant::now() < deadline,
            "create: {code} {body}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (_, s) = rest(kc.port, "GET", "/connectors/java-src/status", None);
        if s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING" {
            break;
        }
        assert!(Instant::now() < deadline, "java-src never RUNNING: {s}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Kafka Connect created the topics; they pass Polyconnect's checks.
    let b = base();
    let offsets = KafkaOffsetStore::start(&b, &offsets_spec(&topics.offsets, 5), "pc")
        .await
        .unwrap();
    let configs = KafkaConfigStore::start(&b, &config_spec(&topics.config), "pc")
        .await
        .unwrap();
    let statuses = KafkaStatusStore::start(&b, &status_spec(&topics.status, 3), "pc")
        .await
        .unwrap();

    // The offset of the whole file, as the task committed it.
    let want = vec![(filename(&input), position(content.len() as i64))];
    eventually("java-src's offsets in the offsets topic", || async {
        offsets.offsets("java-src").await.unwrap() == want
    })
    .await;
    let (_, rest_offsets) = rest(kc.port, "GET", "/connectors/java-src/offsets", None);
    assert_eq!(
        rest_offsets,
        json!({"offsets": [{"partition": {"filename": input.display().to_string()},
                            "offset": {"position": content.len()}}]})
    );
    assert_eq!(
        offsets.json_offsets("java-src").await.unwrap(),
        vec![(
            json!({"filename": input.display().to_string()}),
            json!({"position": content.len()})
        )]
    );

    // The connector config and task configs, as Kafka Connect's REST API gives them.
    configs.refresh().await.unwrap();
    let (_, rest_config) = rest(kc.port, "GET", "/connectors/java-src/config", None);
    let state = configs.snapshot();
    assert_eq!(
        state.connector_config("java-src"),
        Some(&raw_of(&rest_config))
    );
    assert_eq!(rest_config["name"], "java-src");
    assert_eq!(state.target_state("java-src"), Some(TargetState::Started));
    let (_, rest_tasks) = rest(kc.port, "GET", "/connectors/java-src/tasks", None);
    let rest_tasks = rest_tasks.as_array().unwrap().clone();
    assert_eq!(rest_tasks.len(), 1);
    assert_eq!(
        configs.task_configs("java-src"),
        vec![(
            ConnectorTaskId::new("java-src", 0),
            raw_of(&rest_tasks[0]["config"])
        )]
    );
    assert!(state.inconsistent().next().is_none());
    // The leader's session key (KIP-507), readable.
    let key = state.session_key().expect("Kafka Connect's session key");
    assert_eq!(key.algorithm, "HmacSHA256");
    assert_eq!(key.key.len(), 32);

    // RUNNING, on Kafka Connect's worker.
    statuses.refresh().await.unwrap();
    let c = statuses.connector("java-src").expect("connector status");
    assert_eq!(c.state, StatusState::Running);
    assert_eq!(c.worker_id, worker_id);
    assert!(c.generation >= 1, "{c:?}");
    assert!(c.version.as_deref().is_some_and(|v| !v.is_empty()), "{c:?}");
    let tasks = statuses.tasks("java-src");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].0, 0);
    assert_eq!(tasks[0].1.state, StatusState::Running);
    assert_eq!(tasks[0].1.worker_id, worker_id);
    let (_, rest_status) = rest(kc.port, "GET", "/connectors/java-src/status", None);
    assert_eq!(rest_status["connector"]["worker_id"], json!(worker_id));
    assert_eq!(rest_status["tasks"][0]["worker_id"], json!(worker_id));

    // A restart request through Kafka Connect: its record reads as one.
    let (code, body) = rest(
        kc.port,
        "POST",
        "/connectors/java-src/restart?includeTasks=true&onlyFailed=false",
        None,
    );
    assert!(
        code == 202 || code == 200 || code == 204,
        "restart: {code} {body}"
    );
    let want_restart = ConfigChange::RestartRequested {
        connector: "java-src".into(),
        include_tasks: true,
        only_failed: false,
    };
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !seen.contains(&want_restart) {
        assert!(
            Instant::now() < deadline,
            "no restart request read: {seen:?}"
        );
        seen.extend(configs.refresh().await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Created STOPPED through Kafka Connect (KIP-980): its own config topic has the target
    // state before the connector, the order Polyconnect's store writes.
    let (code, body) = rest(
        kc.port,
        "POST",
        "/connectors",
        Some(&json!({"name": "java-stopped", "config": config, "initial_state": "STOPPED"})),
    );
    assert_eq!(code, 201, "create stopped: {body}");
    eventually("java-stopped in the config topic", || async {
        configs.refresh().await.unwrap();
        configs.get("java-stopped").map(|c| c.target_state) == Some(StoredTargetState::Stopped)
    })
    .await;
    let keys: Vec<String> = read_all(&topics.config).into_iter().map(|r| r.2).collect();
    let at = |k: &str| keys.iter().position(|x| x == k).unwrap_or(usize::MAX);
    assert!(
        at("target-state-java-stopped") < at("connector-java-stopped"),
        "{keys:?}"
    );

    // A pause through Kafka Connect: the target state and the statuses follow.
    let (code, _) = rest(kc.port, "PUT", "/connectors/java-src/pause", None);
    assert_eq!(code, 202);
    eventually("the PAUSED target state in the config topic", || async {
        configs.refresh().await.unwrap();
        configs.get("java-src").map(|c| c.target_state) == Some(StoredTargetState::Paused)
    })
    .await;
    eventually("PAUSED statuses in the status topic", || async {
        statuses.refresh().await.unwrap();
        statuses.connector("java-src").map(|s| s.state) == Some(StatusState::Paused)
            && statuses.tasks("java-src").first().map(|t| t.1.state) == Some(StatusState::Paused)
    })
    .await;

    // --- Polyconnect writes, Kafka Connect runs it.
    let input2 = dir.path().join("in2.txt");
    std::fs::write(&input2, lines(1..=10, "row")).unwrap();
    let skip = lines(1..=5, "row").len() as i64;
    offsets
        .put_and_flush("pc-src", vec![(filename(&input2), Some(position(skip)))])
        .await
        .unwrap();
    let out2 = format!("{id}-out2");
    let pc_config: RawConfig = [
        ("name", "pc-src"),
        (
            "connector.class",
            "org.apache.kafka.connect.file.FileStreamSourceConnector",
        ),
        ("tasks.max", "1"),
        ("file", &input2.display().to_string()),
        ("topic", &out2),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), Some(v.to_string())))
    .collect();
    configs
        .put_connector_config("pc-src", pc_config.clone(), Some(TargetState::Started))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (_, s) = rest(kc.port, "GET", "/connectors/pc-src/status", None);
        if s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Kafka Connect never ran pc-src: {s}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (_, rest_config) = rest(kc.port, "GET", "/connectors/pc-src/config", None);
    assert_eq!(raw_of(&rest_config), pc_config);
    // Only the lines after the offset Polyconnect stored.
    let want: Vec<String> = (6..=10).map(|i| format!("row-{i}")).collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    let got = loop {
        let got: Vec<String> = read_all_when_present(&out2);
        if got.len() >= want.len() {
            break got;
        }
        assert!(Instant::now() < deadline, "pc-src produced {got:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(got, want);
    // Kafka Connect's leader wrote pc-src's task configs; Polyconnect reads them.
    eventually("pc-src's task configs in the config topic", || async {
        configs.refresh().await.unwrap();
        configs.task_configs("pc-src").len() == 1
    })
    .await;
    eventually("pc-src's offset moved to the end of the file", || async {
        offsets.offset("pc-src", &filename(&input2)).await.unwrap()
            == Some(position(lines(1..=10, "row").len() as i64))
    })
    .await;

    // A delete by Polyconnect's store: Kafka Connect drops the connector.
    configs.remove_connector_config("pc-src").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (code, list) = rest(kc.port, "GET", "/connectors", None);
        if code == 200 && !list.as_array().unwrap().iter().any(|c| c == "pc-src") {
            break;
        }
        assert!(Instant::now() < deadline, "pc-src still listed: {list}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Nothing more reached the topic than before.
    assert_eq!(read_all_when_present(&out2), want);
    drop(kc);
}

/// The values of a topic, or nothing while it does not exist yet.
fn read_all_when_present(topic: &str) -> Vec<String> {
    let a = admin();
    let md = a
        .inner()
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .unwrap();
    let ok = md
        .topics()
        .first()
        .map(|t| t.error().is_none() && !t.partitions().is_empty())
        .unwrap_or(false);
    if !ok {
        return Vec::new();
    }
    read_all(topic)
        .into_iter()
        .map(|r| r.3.unwrap_or_default())
        .collect()
}
