//! Java connector processes launched by the core from plugin manifests: Apache Kafka's own
//! FileStream connectors (the `connect-file` jar from Maven Central, unmodified) behind the
//! Kafka Connect bridge, and the Java SDK's example connectors. Lines in a file reach Kafka
//! and an output file; a restart of the core resumes from the stored offsets with nothing
//! lost. `scripts/setup/java.sh` builds the Java side (the tests call it; it is quick once
//! built).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

fn build_java() {
    let root = repo_root();
    let status = Command::new("bash")
        .arg(root.join("scripts/setup/java.sh"))
        .status()
        .expect("bash");
    assert!(status.success(), "scripts/setup/java.sh failed");
}

/// Apache Kafka's connect-file jar, fetched from Maven Central by scripts/kafka.sh.
fn connect_file_jar() -> PathBuf {
    let out = Command::new("bash")
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
            .expect("a directory")
            .trim(),
    );
    let jar = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with("connect-file-") && n.ends_with(".jar")
        });
    jar.unwrap_or_else(|| panic!("no connect-file jar in {}", dir.display()))
}

/// The bridge's manifest for `jar`, written by the bridge itself (`Main manifest`).
fn bridge_plugin(plugins: &Path, jar: &Path) {
    let bridge = repo_root().join("connectors/kafka-connect-bridge");
    let out = Command::new("java")
        .arg("-cp")
        .arg(format!(
            "{0}/target/classes:{0}/target/lib/*",
            bridge.display()
        ))
        .arg("io.polyconnect.bridge.Main")
        .arg("manifest")
        .arg(&bridge)
        .env("KAFKA_CONNECT_PLUGIN_PATH", jar)
        .output()
        .expect("java");
    assert!(
        out.status.success(),
        "bridge manifest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("org.apache.kafka.connect.file.FileStreamSourceConnector"),
        "{text}"
    );
    let dir = plugins.join("kafka-connect-bridge");
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir.join("polyconnect-plugin.json"), &text);
}

fn worker(dir: &Path, port: u16, plugin_path: &Path) -> PathBuf {
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
             plugin.path={}\n",
            bootstrap(),
            dir.join("offsets.json").display(),
            plugin_path.display(),
        ),
    );
    p
}

/// Each expected line once, in order of first appearance; returns the duplicates.
fn assert_complete(what: &str, got: &[String], expected: &[String], log: &str) -> usize {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut firsts = Vec::new();
    for l in got {
        let c = seen.entry(l.as_str()).or_insert(0);
        if *c == 0 {
            firsts.push(l.clone());
        }
        *c += 1;
    }
    let missing: Vec<&String> = expected
        .iter()
        .filter(|e| !seen.contains_key(e.as_str()))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: lines lost, e.g. {missing:?} ({} distinct of {})\n{log}",
        firsts.len(),
        expected.len()
    );
    assert_eq!(firsts, expected, "{what}: unexpected lines or order");
    got.len() - expected.len()
}

fn wait_output(output: &Path, expected: &[String], core: &Core) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let got = wait_lines(output, expected.len(), Duration::from_secs(5));
        let distinct: std::collections::HashSet<&String> = got.iter().collect();
        if distinct.len() >= expected.len() {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "output stuck at {} lines\n{}",
            got.len(),
            core.log_text()
        );
    }
}

fn put_json(core: &Core, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let url = format!("http://127.0.0.1:{}{path}", core.port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new()
            .put(&url)
            .json(&body)
            .send()
            .await
            .expect("REST call");
        let code = r.status().as_u16();
        (code, r.json().await.unwrap_or(serde_json::Value::Null))
    })
}

fn topic_values(topic: &str, n: usize) -> Vec<String> {
    read_topic(&bootstrap(), topic, n, Duration::from_secs(60))
        .into_iter()
        .map(|r| String::from_utf8(r.3.expect("a value")).unwrap())
        .collect()
}

#[test]
fn kafka_filestream_connectors_through_the_bridge_resume_after_a_restart() {
    build_java();
    let jar = connect_file_jar();
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    bridge_plugin(&plugins, &jar);

    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    let topic = unique("bridge");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    append_lines(&input, "line", 0, 20_000, 4, Duration::from_millis(50));

    let source = dir.path().join("source.properties");
    write(
        &source,
        &format!(
            "name=kc-file-source\nconnector.class=org.apache.kafka.connect.file.FileStreamSourceConnector\n\
             tasks.max=1\nfile={}\ntopic={topic}\n",
            input.display()
        ),
    );
    let sink = dir.path().join("sink.properties");
    write(
        &sink,
        &format!(
            "name=kc-file-sink\nconnector.class=org.apache.kafka.connect.file.FileStreamSinkConnector\n\
             tasks.max=1\nfile={}\ntopics={topic}\n",
            output.display()
        ),
    );
    let rest = free_port();
    let worker = worker(dir.path(), rest, &plugins);
    let mut core = Core::start(dir.path(), &worker, &[source, sink], rest);
    let status = core.wait_task_state("kc-file-source", 0, "RUNNING", Duration::from_secs(60));
    println!("source status: {status}");
    core.wait_task_state("kc-file-sink", 0, "RUNNING", Duration::from_secs(60));
    let (code, plugins_listed) = core.get("/connector-plugins");
    assert_eq!(code, 200);
    assert!(
        plugins_listed
            .to_string()
            .contains("FileStreamSinkConnector"),
        "{plugins_listed}"
    );

    // Kafka Connect's ConfigDef and validate() reach the REST API through the bridge.
    let (code, def) = core
        .get("/connector-plugins/org.apache.kafka.connect.file.FileStreamSourceConnector/config");
    assert_eq!(code, 200, "{def}");
    let names: Vec<&str> = def
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["name"].as_str())
        .collect();
    for key in ["file", "topic", "batch.size"] {
        assert!(names.contains(&key), "{key} missing from {names:?}");
    }
    let (code, infos) = put_json(
        &core,
        "/connector-plugins/FileStreamSourceConnector/config/validate",
        serde_json::json!({"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "name": "v", "file": "/tmp/x"}),
    );
    assert_eq!(code, 200, "{infos}");
    let topic_info = infos["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"]["name"] == "topic")
        .expect("topic");
    assert!(
        !topic_info["value"]["errors"].as_array().unwrap().is_empty(),
        "a missing topic is an error: {infos}"
    );

    let first: Vec<String> = (0..20_000).map(|i| format!("line-{i}")).collect();
    wait_output(&output, &first, &core);

    // A graceful restart: the source's offset (Kafka Connect's {"position": ...}) is stored,
    // and the restarted task starts from it.
    core.stop();
    let offsets = std::fs::read_to_string(dir.path().join("offsets.json")).unwrap();
    assert!(
        offsets.contains("position"),
        "source offsets stored: {offsets}"
    );
    append_lines(&input, "line", 20_000, 10_000, 2, Duration::from_millis(20));
    core.restart();
    let all: Vec<String> = (0..30_000).map(|i| format!("line-{i}")).collect();
    let out = wait_output(&output, &all, &core);
    let log = core.log_text();
    let in_topic = topic_values(&topic, all.len());
    assert_eq!(
        assert_complete("topic", &in_topic, &all, &log),
        0,
        "the source read lines again after a graceful restart\n{log}"
    );
    assert_eq!(
        assert_complete("output file", &out, &all, &log),
        0,
        "duplicates in the output after a graceful restart\n{log}"
    );
    assert!(
        log.contains("sdk=java"),
        "the tasks ran in the Java bridge\n{log}"
    );
    let bridge = children_with(core.pid(), "io.polyconnect.bridge.Main");
    assert_eq!(bridge.len(), 1, "one bridge process: {bridge:?}");
    core.stop();
    assert!(
        !Path::new(&format!("/proc/{}", bridge[0])).exists(),
        "the bridge process outlived the core"
    );
}

#[test]
fn java_sdk_examples_carry_numbers_into_a_file_and_resume() {
    build_java();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("numbers.txt");
    let topic = unique("jnumbers");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let source = dir.path().join("numbers.properties");
    let sink = dir.path().join("lines.properties");
    let connectors = |count: usize| {
        write(&source, &format!("name=numbers\nconnector.class=NumbersSource\ntopic={topic}\ncount={count}\nbatch.size=500\n"));
        write(&sink, &format!("name=lines\nconnector.class=io.polyconnect.examples.LinesSink\ntopics={topic}\nfile={}\n", output.display()));
    };
    connectors(5_000);
    let rest = free_port();
    let worker = worker(dir.path(), rest, &repo_root().join("clients/java/examples"));
    let mut core = Core::start(dir.path(), &worker, &[source.clone(), sink.clone()], rest);
    core.wait_task_state("numbers", 0, "RUNNING", Duration::from_secs(60));
    let first: Vec<String> = (1..=5_000).map(|i| i.to_string()).collect();
    wait_output(&output, &first, &core);
    core.stop();

    // More numbers after a restart: the source continues after its stored offset.
    connectors(8_000);
    core.restart();
    let all: Vec<String> = (1..=8_000).map(|i| i.to_string()).collect();
    let out = wait_output(&output, &all, &core);
    let log = core.log_text();
    assert_eq!(
        assert_complete("topic", &topic_values(&topic, all.len()), &all, &log),
        0,
        "numbers sent again\n{log}"
    );
    assert_eq!(
        assert_complete("output file", &out, &all, &log),
        0,
        "duplicates in the output\n{log}"
    );
    core.stop();
}
