//! One herder test suite, run against both herders through the REST router: the standalone
//! herder (in-memory config store), a one-worker distributed cluster on in-memory stores and
//! group (`MemoryCluster`: no broker), and the same on the broker (its config, status and
//! offsets topics, its group coordinator). Same requests, same answers, except where Kafka
//! Connect's two modes differ (the internal task-configs endpoint).
//!
//! The connector is the in-process fake of `rest_support`, reached over real gRPC.

mod kafka_stores_support;
mod rest_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use polyconnect::config::Props;
use polyconnect::distributed::{Member, MemoryCluster};
use polyconnect::herder::Herder;
use rest_support::*;
use serde_json::{json, Value};

fn unique(prefix: &str) -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{n:x}")
}

fn create(name: &str, ep: &str, topic: &str, extra: &str) -> String {
    format!(
        r#"{{"name":"{name}","config":{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"{topic}","tasks.max":"2","tasks":"2"{extra}}}}}"#
    )
}

/// Waits until `f` holds for GET `path`.
async fn wait_get(h: &Arc<dyn Herder>, path: &str, what: &str, f: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, v) = get(h, path).await;
        if f(&v) {
            return;
        }
        assert!(Instant::now() < deadline, "{path} never showed {what}: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the connector is in `state` with `tasks` tasks, all in `state` too.
async fn wait_state(h: &Arc<dyn Herder>, name: &str, state: &str, tasks: usize) {
    wait_get(
        h,
        &format!("/connectors/{name}/status"),
        &format!("{state} with {tasks} task(s)"),
        |s| {
            s["connector"]["state"] == state
                && s["tasks"]
                    .as_array()
                    .is_some_and(|t| t.len() == tasks && t.iter().all(|t| t["state"] == state))
        },
    )
    .await;
}

/// A secret in a file read through the `file` config provider: (reference, value).
fn secret(dir: &std::path::Path) -> (String, String) {
    let value = unique("s3cret");
    let file = dir.join("secrets.properties");
    std::fs::write(&file, format!("db.password={value}\n")).unwrap();
    (format!("${{file:{}:db.password}}", file.display()), value)
}

const FILE_PROVIDER: [(&str, &str); 2] = [
    ("config.providers", "file"),
    (
        "config.providers.file.class",
        "org.apache.kafka.common.config.provider.FileConfigProvider",
    ),
];

/// The suite. `distributed`: where the two modes answer differently. `secret`: a config
/// provider reference and the value it resolves to.
async fn suite(h: Arc<dyn Herder>, ep: &str, distributed: bool, secret: (String, String)) {
    let name = unique("suite");
    let topic = unique("suite-topic");
    let (reference, value) = secret;
    let password = format!(r#","db.password":"{reference}""#);

    // Create: 201 with the tasks, then every read agrees.
    let (s, headers, v) = call(
        &h,
        Method::POST,
        "/connectors",
        Some(&create(&name, ep, &topic, &password)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(headers.get("location").is_some());
    assert_eq!(v["name"], name.as_str());
    assert_eq!(v["type"], "source");
    assert_eq!(v["config"]["topic"], topic.as_str());
    let (s, list) = get(&h, "/connectors").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.as_array().unwrap().contains(&json!(name)), "{list}");
    let (_, config) = get(&h, &format!("/connectors/{name}/config")).await;
    assert_eq!(config["connector.class"], "FakeSource");
    assert_eq!(config["name"], name.as_str());
    wait_state(&h, &name, "RUNNING", 2).await;
    let (_, status) = get(&h, &format!("/connectors/{name}/status")).await;
    assert_eq!(status["type"], "source");
    let worker_id = status["connector"]["worker_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!worker_id.is_empty());
    let (s, task) = get(&h, &format!("/connectors/{name}/tasks/1/status")).await;
    assert_eq!(s, StatusCode::OK, "{task}");
    assert_eq!(
        (task["id"].clone(), task["state"].clone()),
        (json!(1), json!("RUNNING"))
    );
    assert_eq!(task["worker_id"], worker_id.as_str());
    let (_, tasks) = get(&h, &format!("/connectors/{name}/tasks")).await;
    // Secrets are served as their references, never resolved (Kafka Connect's reverseTransform).
    assert!(
        !tasks.to_string().contains(&value),
        "a resolved secret was served: {tasks}"
    );
    assert_eq!(config["db.password"], reference.as_str());
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["config"]["db.password"], reference.as_str());
    assert_eq!(tasks[1]["id"], json!({"connector": name, "task": 1}));
    let (_, expanded) = get(&h, "/connectors?expand=info&expand=status").await;
    assert_eq!(
        expanded[&name]["info"]["tasks"].as_array().unwrap().len(),
        2
    );
    assert_eq!(expanded[&name]["status"]["connector"]["state"], "RUNNING");

    // Errors by meaning: exists 409, invalid 400 listing the problem, unknown 404.
    assert_error(
        &{
            let (s, _, v) = call(
                &h,
                Method::POST,
                "/connectors",
                Some(&create(&name, ep, &topic, "")),
            )
            .await;
            (s, v)
        },
        409,
        &format!("Connector {name} already exists"),
    );
    let (s, _, v) = call(
        &h,
        Method::PUT,
        &format!("/connectors/{name}/config"),
        Some(&format!(
            r#"{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"a,b","batch.size":"0"}}"#
        )),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("2 error(s)"), "{message}");
    // Exactly-once settings (KIP-618) are judged by distributed workers only, as Kafka
    // Connect's: `required` needs `exactly.once.source.support=enabled` (these workers have
    // the default, disabled) and a connector that declares SUPPORTED (the fake declares
    // nothing), and connector-defined boundaries need a connector that says it can define
    // them.
    let (s, _, v) = call(
        &h,
        Method::PUT,
        "/connector-plugins/FakeSource/config/validate",
        Some(&format!(
            r#"{{"connector.class":"FakeSource","connector.endpoint":"{ep}","name":"eos","topic":"a","exactly.once.support":"required","transaction.boundary":"connector"}}"#
        )),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let errors = |key: &str| -> Vec<String> {
        v["configs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["value"]["name"] == key)
            .flat_map(|c| c["value"]["errors"].as_array().cloned().unwrap_or_default())
            .map(|e| e.as_str().unwrap_or_default().to_string())
            .collect()
    };
    if distributed {
        let eos = errors("exactly.once.support");
        assert_eq!(eos.len(), 2, "{v}");
        assert_eq!(
            eos[0], "This worker does not have exactly-once source support enabled.",
            "{v}"
        );
        assert!(
            eos[1].starts_with("The connector does not implement the API required for preflight validation of exactly-once source support."),
            "{v}"
        );
        let boundary = errors("transaction.boundary");
        assert!(
            boundary.len() == 1 && boundary[0].contains("connector-defined transaction boundaries"),
            "{v}"
        );
    } else {
        assert!(errors("exactly.once.support").is_empty(), "{v}");
        assert!(errors("transaction.boundary").is_empty(), "{v}");
    }
    // The connector's own declarations: SUPPORTED for both leaves only the worker's verdict;
    // a method that threw is reported with its message (or a pointer to the logs).
    for (declare, eos, boundary) in [
        ("supported", None, None),
        (
            "throws",
            Some("An unexpected error occurred during validation: cannot tell"),
            Some("An unexpected error occurred during validation; please see the worker logs for more details."),
        ),
    ] {
        let (s, _, v) = call(
            &h,
            Method::PUT,
            "/connector-plugins/FakeSource/config/validate",
            Some(&format!(
                r#"{{"connector.class":"FakeSource","connector.endpoint":"{ep}","name":"eos","topic":"a","exactly.once.support":"required","transaction.boundary":"connector","declare":"{declare}"}}"#
            )),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let errors = |key: &str| -> Vec<String> {
            v["configs"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["value"]["name"] == key)
                .flat_map(|c| c["value"]["errors"].as_array().cloned().unwrap_or_default())
                .map(|e| e.as_str().unwrap_or_default().to_string())
                .collect()
        };
        if !distributed {
            assert!(errors("exactly.once.support").is_empty(), "{v}");
            continue;
        }
        let mut want_eos =
            vec!["This worker does not have exactly-once source support enabled.".to_string()];
        want_eos.extend(eos.map(str::to_string));
        assert_eq!(errors("exactly.once.support"), want_eos, "{declare}: {v}");
        let want_boundary: Vec<String> = boundary.map(str::to_string).into_iter().collect();
        assert_eq!(errors("transaction.boundary"), want_boundary, "{declare}: {v}");
    }
    assert_error(
        &get(&h, "/connectors/nope/config").await,
        404,
        "Connector nope not found",
    );
    assert_error(
        &get(&h, &format!("/connectors/{name}/tasks/7/status")).await,
        404,
        &format!("No status found for task {name}-7"),
    );
    assert_error(
        &{
            let (s, _, v) = call(
                &h,
                Method::POST,
                &format!("/connectors/{name}/tasks/7/restart"),
                None,
            )
            .await;
            (s, v)
        },
        404,
        &format!("Task {name}-7 not found"),
    );

    // Pause and resume.
    let (s, _, _) = call(&h, Method::PUT, &format!("/connectors/{name}/pause"), None).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    wait_state(&h, &name, "PAUSED", 2).await;
    let (s, _, _) = call(&h, Method::PUT, &format!("/connectors/{name}/resume"), None).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    wait_state(&h, &name, "RUNNING", 2).await;

    // Reconfigure: the new config is served, tasks run again.
    let (s, _, v) = call(
        &h,
        Method::PUT,
        &format!("/connectors/{name}/config"),
        Some(&format!(
            r#"{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"{topic}","tasks.max":"1","batch.size":"7"}}"#
        )),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    wait_get(
        &h,
        &format!("/connectors/{name}/config"),
        "the new config",
        |c| c["batch.size"] == "7",
    )
    .await;
    wait_state(&h, &name, "RUNNING", 1).await;

    // Restarts: the plan, then a task on its own.
    let (s, _, plan) = call(
        &h,
        Method::POST,
        &format!("/connectors/{name}/restart?includeTasks=true"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{plan}");
    assert_eq!(plan["connector"]["state"], "RESTARTING");
    assert_eq!(plan["tasks"][0]["state"], "RESTARTING");
    wait_state(&h, &name, "RUNNING", 1).await;
    let (s, _, v) = call(
        &h,
        Method::POST,
        &format!("/connectors/{name}/tasks/0/restart"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    wait_state(&h, &name, "RUNNING", 1).await;

    // Offsets: only while STOPPED; altered, read back, reset.
    let partition = json!({"file": "x"});
    let patch = json!({"offsets": [{"partition": partition, "offset": {"line": 42}}]}).to_string();
    let (s, _, v) = call(
        &h,
        Method::PATCH,
        &format!("/connectors/{name}/offsets"),
        Some(&patch),
    )
    .await;
    assert_error(&(s, v), 400, "STOPPED state");
    let (s, _, _) = call(&h, Method::PUT, &format!("/connectors/{name}/stop"), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    wait_state(&h, &name, "STOPPED", 0).await;
    wait_get(
        &h,
        &format!("/connectors/{name}/tasks"),
        "no task configs",
        |t| t.as_array().is_some_and(Vec::is_empty),
    )
    .await;
    let (s, _, v) = call(
        &h,
        Method::PATCH,
        &format!("/connectors/{name}/offsets"),
        Some(&patch),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("altered successfully"),
        "{v}"
    );
    let (s, v) = get(&h, &format!("/connectors/{name}/offsets")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v,
        json!({"offsets": [{"partition": partition, "offset": {"line": 42}}]})
    );
    // KIP-875: the connector's alterOffsets is asked first. Its refusal fails the request
    // with its message and status, and nothing is written; its `true` changes the message.
    let refused =
        json!({"offsets": [{"partition": {"file": "refuse"}, "offset": {"line": 1}}]}).to_string();
    let (s, _, v) = call(
        &h,
        Method::PATCH,
        &format!("/connectors/{name}/offsets"),
        Some(&refused),
    )
    .await;
    assert_error(&(s, v), 400, &format!("{name} may not be moved"));
    let (_, v) = get(&h, &format!("/connectors/{name}/offsets")).await;
    assert_eq!(
        v,
        json!({"offsets": [{"partition": partition, "offset": {"line": 42}}]})
    );
    let external = json!({"offsets": [{"partition": {"file": "external"}, "offset": {"line": 7}}]})
        .to_string();
    let (s, _, v) = call(
        &h,
        Method::PATCH,
        &format!("/connectors/{name}/offsets"),
        Some(&external),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["message"], "The offsets for this connector have been altered successfully",
        "{v}"
    );
    let (s, _, v) = call(
        &h,
        Method::DELETE,
        &format!("/connectors/{name}/offsets"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("reset successfully"),
        "{v}"
    );
    let (_, v) = get(&h, &format!("/connectors/{name}/offsets")).await;
    assert_eq!(v, json!({"offsets": []}));

    // The internal endpoint: standalone has none; a sessioned cluster wants a signature.
    let (s, _, v) = call(
        &h,
        Method::POST,
        &format!("/connectors/{name}/tasks"),
        Some("[]"),
    )
    .await;
    if distributed {
        assert_error(&(s, v), 400, "missing required signature");
    } else {
        assert_error(&(s, v), 404, "standalone mode");
    }

    // Delete: gone from every read.
    let (s, _, _) = call(&h, Method::DELETE, &format!("/connectors/{name}"), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    wait_get(&h, "/connectors", "the connector gone", |l| {
        !l.as_array().unwrap().contains(&json!(name))
    })
    .await;
    assert_error(
        &get(&h, &format!("/connectors/{name}/status")).await,
        404,
        &format!("No status found for connector {name}"),
    );
    assert_error(
        &{
            let (s, _, v) = call(&h, Method::DELETE, &format!("/connectors/{name}"), None).await;
            (s, v)
        },
        404,
        &format!("Connector {name} not found"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standalone_herder() {
    let dir = tempfile::tempdir().unwrap();
    let ep = start_fake().await;
    let w = worker(dir.path(), &FILE_PROVIDER);
    let h: Arc<dyn Herder> = w.clone();
    suite(h, &ep, false, secret(dir.path())).await;
    w.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_distributed_herder() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("info,polyconnect=debug")
        .with_test_writer()
        .try_init();
    let ep = start_fake().await;
    let group = unique("suite-group");
    let mut props = kafka_stores_support::member_props(
        &group,
        &[
            ("listeners", "http://127.0.0.1:18083".into()),
            ("polyconnect.heartbeat.interval.ms", "500".into()),
        ],
    );
    for (k, v) in FILE_PROVIDER {
        props.insert(k.to_string(), v.to_string());
    }
    let dir = tempfile::tempdir().unwrap();
    let member = Member::start(props, |_| {}, false).await.unwrap();
    // Joined and leading (the only member).
    let deadline = Instant::now() + Duration::from_secs(30);
    while !member.status().is_leader || member.status().rebalancing {
        assert!(
            Instant::now() < deadline,
            "never led: {:?}",
            member.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    suite(member.herder(), &ep, true, secret(dir.path())).await;
    member.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_distributed_herder_in_memory() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("info,polyconnect=debug")
        .with_test_writer()
        .try_init();
    let ep = start_fake().await;
    let group = unique("memory-group");
    let props = memory_member_props(&group, 18084);
    let dir = tempfile::tempdir().unwrap();
    let cluster = MemoryCluster::new(Duration::from_secs(10), Duration::from_secs(3));
    let member = Member::start_in_memory(props, |_| {}, false, &cluster)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !member.status().is_leader || member.status().rebalancing {
        assert!(
            Instant::now() < deadline,
            "never led: {:?}",
            member.status()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    suite(member.herder(), &ep, true, secret(dir.path())).await;
    member.stop().await;
}

/// A member's settings for a cluster in memory: nothing listens on the bootstrap address.
fn memory_member_props(group: &str, port: u16) -> Props {
    let mut props = Props::new();
    for (k, v) in [
        ("bootstrap.servers", "127.0.0.1:9".to_string()),
        ("group.id", group.to_string()),
        ("config.storage.topic", "configs".into()),
        ("offset.storage.topic", "offsets".into()),
        ("status.storage.topic", "status".into()),
        ("listeners", format!("http://127.0.0.1:{port}")),
        ("task.shutdown.graceful.timeout.ms", "1000".into()),
        ("polyconnect.heartbeat.interval.ms", "500".into()),
        ("scheduled.rebalance.max.delay.ms", "1000".into()),
    ] {
        props.insert(k.to_string(), v);
    }
    for (k, v) in FILE_PROVIDER {
        props.insert(k.to_string(), v.to_string());
    }
    props
}

/// Where each item runs, from one worker's herder: item (`c`, `c/0`) → worker_id.
async fn placement(h: &Arc<dyn Herder>, name: &str) -> Option<Vec<(String, String)>> {
    let (_, s) = get(h, &format!("/connectors/{name}/status")).await;
    let mut out = vec![(
        name.to_string(),
        s["connector"]["worker_id"].as_str()?.to_string(),
    )];
    if s["connector"]["state"] != "RUNNING" {
        return None;
    }
    for t in s["tasks"].as_array()? {
        if t["state"] != "RUNNING" {
            return None;
        }
        out.push((
            format!("{name}/{}", t["id"]),
            t["worker_id"].as_str()?.to_string(),
        ));
    }
    Some(out)
}

/// Two members of one cluster in memory: the connector and its two tasks are spread over
/// both, both answer alike; the leader leaves and the other runs everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_members_in_memory_share_the_work_and_take_it_over() {
    let ep = start_fake().await;
    let group = unique("memory-pair");
    let cluster = MemoryCluster::new(Duration::from_secs(10), Duration::from_secs(3));
    let a = Member::start_in_memory(memory_member_props(&group, 18085), |_| {}, false, &cluster)
        .await
        .unwrap();
    let b = Member::start_in_memory(memory_member_props(&group, 18086), |_| {}, false, &cluster)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let (leader, follower) = loop {
        let (sa, sb) = (a.status(), b.status());
        if !sa.rebalancing && !sb.rebalancing && sa.generation == sb.generation {
            assert!(sa.is_leader != sb.is_leader, "{sa:?} {sb:?}");
            break if sa.is_leader { (a, b) } else { (b, a) };
        }
        assert!(Instant::now() < deadline, "never formed: {sa:?} {sb:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (lh, fh) = (leader.herder(), follower.herder());
    let name = unique("pair");
    let (s, _, v) = call(
        &lh,
        Method::POST,
        "/connectors",
        Some(&create(&name, &ep, &unique("pair-topic"), "")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Three items over two workers, the same seen from both.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (pl, pf) = (placement(&lh, &name).await, placement(&fh, &name).await);
        if let (Some(pl), Some(pf)) = (pl, pf) {
            let workers: std::collections::BTreeSet<&String> = pl.iter().map(|(_, w)| w).collect();
            if pl.len() == 3 && pl == pf && workers.len() == 2 {
                break;
            }
        }
        assert!(Instant::now() < deadline, "never spread over both workers");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The leader leaves: everything runs on the other.
    leader.stop().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(p) = placement(&fh, &name).await {
            let workers: std::collections::BTreeSet<&String> = p.iter().map(|(_, w)| w).collect();
            if p.len() == 3 && workers.len() == 1 && follower.status().is_leader {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the survivor did not take the work over: {:?}",
            placement(&fh, &name).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    follower.stop().await;
}
