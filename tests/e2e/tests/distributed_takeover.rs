//! Kafka Connect's own workers and Polyconnect's read each other's topics: a cluster moves
//! from Apache Kafka Connect (`ConnectDistributed` from the 4.3.1 jars, its FileStream
//! connectors) to Polyconnect (`polyconnect distributed`, its FileStream connectors, which
//! answer to the same class names) and back, on the same `group.id` and internal topics.
//!
//! Kafka Connect creates a running pipeline (source file → topic → sink file), a connector
//! created PAUSED and one it stopped, and moves data. It stops; two Polyconnect workers take
//! over: the same connectors, configs, target states and task configs, the source resumes at
//! Kafka Connect's stored position and the sink at its committed offsets. Polyconnect
//! changes the cluster (a new connector, a pause); it stops; Kafka Connect takes over again
//! and sees those changes. Every line is counted (0 missing; duplicates printed).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use serde_json::{json, Value};

fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{port}{path}");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let mut req = reqwest::Client::new().request(m, &url);
            if let Some(b) = body {
                req = req.json(&b);
            }
            match req.send().await {
                Ok(r) => {
                    let code = r.status().as_u16();
                    (code, r.json().await.unwrap_or(Value::Null))
                }
                Err(_) => (0, Value::Null),
            }
        })
}

fn append(path: &Path, from: u64, to: u64) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    let mut text = String::new();
    for i in from..to {
        text.push_str(&format!("line-{i:06}\n"));
    }
    f.write_all(text.as_bytes()).unwrap();
}

/// (distinct lines among 0..n, duplicates) in the sink's file.
fn seen(path: &Path, n: u64) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut count: BTreeMap<u64, u64> = BTreeMap::new();
    for l in text.lines() {
        if let Some(i) = l.strip_prefix("line-").and_then(|s| s.parse::<u64>().ok()) {
            if i < n {
                *count.entry(i).or_default() += 1;
            }
        }
    }
    (count.len() as u64, count.values().map(|c| c - 1).sum())
}

fn wait_seen(path: &Path, n: u64, what: &str, logs: &dyn Fn() -> String) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (distinct, dup) = seen(path, n);
        if distinct == n {
            println!("{what}: {n} lines, 0 missing, {dup} duplicated");
            return dup;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {} of {n} lines missing{}",
            n - distinct,
            logs()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn wait_state(
    port: u16,
    connector: &str,
    state: &str,
    tasks: Option<usize>,
    logs: &dyn Fn() -> String,
) {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        let (code, body) = call(
            port,
            "GET",
            &format!("/connectors/{connector}/status"),
            None,
        );
        if code == 200 && body["connector"]["state"] == state {
            let t = body["tasks"].as_array().cloned().unwrap_or_default();
            let tasks_ok = match tasks {
                None => true,
                Some(n) => t.len() == n && t.iter().all(|t| t["state"] == state),
            };
            if tasks_ok {
                return;
            }
        }
        last = body;
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("{connector} not {state} on :{port}: {last}{}", logs());
}

/// What a worker says about the cluster: connector → (config, target-ish state, task configs).
/// `view(port)` once every connector of `expected` shows its expected state in one view
/// (the last view after 90 s, for the assertions to report).
fn settled_view(
    port: u16,
    expected: &BTreeMap<String, (Value, String, Value)>,
    logs: &dyn Fn() -> String,
) -> BTreeMap<String, (Value, String, Value)> {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let v = view(port);
        let settled = expected
            .iter()
            .all(|(name, (_, state, _))| v.get(name).is_some_and(|(_, s, _)| s == state));
        if settled {
            return v;
        }
        if Instant::now() > deadline {
            eprintln!("states never settled on :{port}{}", logs());
            return v;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn view(port: u16) -> BTreeMap<String, (Value, String, Value)> {
    let (code, names) = call(port, "GET", "/connectors", None);
    assert_eq!(code, 200);
    let mut out = BTreeMap::new();
    for n in names.as_array().unwrap() {
        let n = n.as_str().unwrap();
        let (_, config) = call(port, "GET", &format!("/connectors/{n}/config"), None);
        let (_, status) = call(port, "GET", &format!("/connectors/{n}/status"), None);
        let (_, tasks) = call(port, "GET", &format!("/connectors/{n}/tasks"), None);
        let tasks: Vec<Value> = tasks
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|t| t["config"].clone())
            .collect();
        out.insert(
            n.to_string(),
            (
                config,
                status["connector"]["state"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                Value::Array(tasks),
            ),
        );
    }
    out
}

#[test]
fn a_cluster_moves_from_kafka_connect_to_polyconnect_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let group = unique("takeover");
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    std::fs::File::create(&input).unwrap();
    let topic = format!("{group}-lines");
    let common = distributed_common_properties(&group);

    // Kafka Connect first.
    let kc_port = free_port();
    let mut kc = KafkaConnectDistributed::start(&dir.path().join("kc1"), &common, kc_port);
    let kc_logs = || String::new();
    let source = json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1",
        "file": input.display().to_string(),
        "topic": topic,
    });
    let sink = json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1",
        "file": output.display().to_string(),
        "topics": topic,
    });
    let spare = dir.path().join("spare.txt");
    std::fs::File::create(&spare).unwrap();
    let held = json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1",
        "file": spare.display().to_string(),
        "topic": format!("{topic}-held"),
    });
    for (name, config, initial) in [
        ("src", &source, None),
        ("snk", &sink, None),
        ("held", &held, Some("PAUSED")),
        ("parked", &held, None),
    ] {
        let mut body = json!({"name": name, "config": config});
        if let Some(s) = initial {
            body["initial_state"] = json!(s);
        }
        let (code, answer) = call(kc.port, "POST", "/connectors", Some(body));
        assert_eq!(
            code,
            201,
            "Kafka Connect creates {name}: {answer}\n{}",
            kc.log_tail()
        );
    }
    let (code, _) = call(kc.port, "PUT", "/connectors/parked/stop", None);
    assert_eq!(code, 204);
    append(&input, 0, 1000);
    wait_state(kc.port, "src", "RUNNING", Some(1), &kc_logs);
    wait_state(kc.port, "parked", "STOPPED", Some(0), &kc_logs);
    wait_seen(&output, 1000, "Kafka Connect", &|| kc.log_tail());
    // Its source offset is committed every second; wait for the one of the last line.
    let deadline = Instant::now() + Duration::from_secs(30);
    let position = loop {
        let (_, offsets) = call(kc.port, "GET", "/connectors/src/offsets", None);
        let p = offsets["offsets"][0]["offset"]["position"]
            .as_i64()
            .unwrap_or(0);
        if p >= 12_000 {
            break p;
        }
        assert!(
            Instant::now() < deadline,
            "Kafka Connect's source offset: {offsets}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let kc_view = view(kc.port);
    kc.stop();

    // Polyconnect takes over the same topics.
    let pc_dir = dir.path().join("pc");
    std::fs::create_dir_all(&pc_dir).unwrap();
    let ports = [free_port(), free_port()];
    let mut workers: Vec<Core> = ports
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let file = distributed_worker_file(&pc_dir, p, &group);
            Core::start_distributed(&pc_dir.join(format!("w{i}")), &file, p)
        })
        .collect();
    let pc_logs = || {
        let mut s = String::new();
        for w in &workers {
            s.push_str(&format!("\n===== worker :{}\n", w.port));
            let text = w.log_text();
            let tail: Vec<&str> = text.lines().rev().take(50).collect();
            s.push_str(&tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        s
    };
    let p0 = ports[0];
    wait_state(p0, "src", "RUNNING", Some(1), &pc_logs);
    wait_state(p0, "snk", "RUNNING", Some(1), &pc_logs);
    wait_state(p0, "held", "PAUSED", Some(0), &pc_logs);
    wait_state(p0, "parked", "STOPPED", Some(0), &pc_logs);
    // A worker that joins later takes connectors over (the first is stopped, UNASSIGNED,
    // then started on the other): compare once every state has settled.
    let pc_view = settled_view(p0, &kc_view, &pc_logs);
    let names =
        |v: &BTreeMap<String, (Value, String, Value)>| v.keys().cloned().collect::<BTreeSet<_>>();
    assert_eq!(names(&pc_view), names(&kc_view));
    for (name, (config, state, tasks)) in &kc_view {
        let (pc_config, pc_state, pc_tasks) = &pc_view[name];
        assert_eq!(pc_config, config, "{name}'s config");
        assert_eq!(pc_state, state, "{name}'s state");
        assert_eq!(pc_tasks, tasks, "{name}'s task configs");
    }
    let (_, offsets) = call(p0, "GET", "/connectors/src/offsets", None);
    assert_eq!(
        offsets["offsets"][0]["offset"]["position"].as_i64(),
        Some(position),
        "Polyconnect reads Kafka Connect's source offset: {offsets}"
    );
    append(&input, 1000, 2000);
    let dup = wait_seen(&output, 2000, "after Polyconnect took over", &pc_logs);
    assert_eq!(
        dup, 0,
        "the source resumed at Kafka Connect's position and the sink at its committed offsets"
    );

    // Polyconnect changes the cluster, through the second worker.
    let p1 = ports[1];
    let (code, body) = call(p1, "PUT", "/connectors/held/resume", None);
    assert_eq!(code, 202, "{body}");
    let mut extra = sink.clone();
    extra["file"] = json!(dir.path().join("out-2.txt").display().to_string());
    let (code, body) = call(
        p1,
        "POST",
        "/connectors",
        Some(json!({"name": "snk-2", "config": extra})),
    );
    assert_eq!(code, 201, "{body}");
    wait_state(p0, "held", "RUNNING", Some(1), &pc_logs);
    wait_state(p0, "snk-2", "RUNNING", Some(1), &pc_logs);
    wait_seen(
        &dir.path().join("out-2.txt"),
        2000,
        "Polyconnect's new sink",
        &pc_logs,
    );
    let mut expected = kc_view.clone();
    expected.get_mut("held").unwrap().1 = "RUNNING".into();
    expected.insert("snk-2".into(), (Value::Null, "RUNNING".into(), Value::Null));
    let pc_view = settled_view(p0, &expected, &pc_logs);
    for w in workers.iter_mut() {
        w.stop();
    }

    // And back to Kafka Connect.
    let mut kc = KafkaConnectDistributed::start(&dir.path().join("kc2"), &common, free_port());
    wait_state(kc.port, "held", "RUNNING", Some(1), &|| kc.log_tail());
    wait_state(kc.port, "snk-2", "RUNNING", Some(1), &|| kc.log_tail());
    wait_state(kc.port, "src", "RUNNING", Some(1), &|| kc.log_tail());
    let kc_view = settled_view(kc.port, &pc_view, &|| kc.log_tail());
    assert_eq!(names(&kc_view), names(&pc_view));
    for (name, (config, state, tasks)) in &pc_view {
        let (kc_config, kc_state, kc_tasks) = &kc_view[name];
        assert_eq!(kc_config, config, "{name}'s config, back on Kafka Connect");
        assert_eq!(kc_state, state, "{name}'s state, back on Kafka Connect");
        // Kafka Connect adds `task.class` to the task configs of a connector created on
        // Polyconnect (it rewrites them when its instance starts).
        let strip = |v: &Value| {
            let mut v = v.clone();
            for t in v.as_array_mut().unwrap() {
                t.as_object_mut().unwrap().remove("task.class");
            }
            v
        };
        assert_eq!(
            strip(kc_tasks),
            strip(tasks),
            "{name}'s task configs, back on Kafka Connect"
        );
    }
    append(&input, 2000, 3000);
    let dup = wait_seen(&output, 3000, "back on Kafka Connect", &|| kc.log_tail());
    assert_eq!(dup, 0, "Kafka Connect resumed at Polyconnect's positions");
    kc.stop();
}
