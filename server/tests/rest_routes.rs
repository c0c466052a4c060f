//! Every REST endpoint and its errors, through the router without a socket (tower
//! `oneshot`), against an in-process fake connector process (see `rest_support`).

mod rest_support;

use axum::http::{Method, StatusCode};
use polyconnect::herder::Herder;
use rest_support::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_health_and_unknown_routes() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    let (s, v) = get(&w, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["version"].is_string() && v["commit"].is_string() && v.get("kafka_cluster_id").is_some(),
        "{v}"
    );
    let (s, v) = get(&w, "/health").await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("healthy")));
    assert_error(&get(&w, "/nope").await, 404, "HTTP 404 Not Found");
    let (s, _, v) = call(&w, Method::DELETE, "/connectors", None).await;
    assert_error(&(s, v), 405, "HTTP 405 Method Not Allowed");
    // A task id that is not a number is an unknown path.
    assert_error(
        &get(&w, "/connectors/x/tasks/abc/status").await,
        404,
        "HTTP 404 Not Found",
    );

    let starting = rest_support::worker(tempfile::tempdir().unwrap().path(), &[]);
    let fresh =
        polyconnect::worker::Worker::new(starting.worker().config.as_ref().clone()).unwrap();
    let fresh = std::sync::Arc::new(
        polyconnect::herder::standalone::StandaloneHerder::new(std::sync::Arc::new(fresh)).unwrap(),
    );
    let (s, v) = get(&fresh, "/health").await;
    assert_eq!((s.as_u16(), v["status"].as_str()), (503, Some("starting")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_connector_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    for path in [
        "/connectors/nope",
        "/connectors/nope/config",
        "/connectors/nope/tasks",
        "/connectors/nope/tasks-config",
        "/connectors/nope/offsets",
    ] {
        assert_error(&get(&w, path).await, 404, "Connector nope not found");
    }
    assert_error(
        &get(&w, "/connectors/nope/status").await,
        404,
        "No status found for connector nope",
    );
    assert_error(
        &get(&w, "/connectors/nope/tasks/0/status").await,
        404,
        "No status found for task nope-0",
    );
    let cases: &[(Method, &str, Option<&str>, u16, &str)] = &[
        (
            Method::PUT,
            "/connectors/nope/pause",
            None,
            404,
            "Unknown connector nope",
        ),
        (
            Method::PUT,
            "/connectors/nope/resume",
            None,
            404,
            "Unknown connector nope",
        ),
        (
            Method::PUT,
            "/connectors/nope/stop",
            None,
            404,
            "Connector nope not found",
        ),
        (
            Method::POST,
            "/connectors/nope/restart",
            None,
            404,
            "Connector nope not found",
        ),
        (
            Method::POST,
            "/connectors/nope/restart?includeTasks=true",
            None,
            404,
            "Unknown connector: nope",
        ),
        (
            Method::POST,
            "/connectors/nope/tasks/0/restart",
            None,
            404,
            "Connector nope not found",
        ),
        (
            Method::DELETE,
            "/connectors/nope",
            None,
            404,
            "Connector nope not found",
        ),
        (
            Method::PATCH,
            "/connectors/nope/config",
            Some(r#"{"a":"b"}"#),
            404,
            "Connector nope not found",
        ),
        (
            Method::PATCH,
            "/connectors/nope/offsets",
            Some(r#"{"offsets":[{"partition":{"a":1},"offset":{"b":2}}]}"#),
            404,
            "Connector nope not found",
        ),
        (
            Method::DELETE,
            "/connectors/nope/offsets",
            None,
            404,
            "Connector nope not found",
        ),
    ];
    for (m, path, body, status, msg) in cases {
        let (s, _, v) = call(&w, m.clone(), path, *body).await;
        assert_error(&(s, v), *status, msg);
    }
    // Like Kafka Connect: an unknown connector has no active topics.
    assert_eq!(
        get(&w, "/connectors/nope/topics").await,
        (StatusCode::OK, json!({"nope": {"topics": []}}))
    );
    let (s, _, v) = call(&w, Method::PUT, "/connectors/nope/topics/reset", None).await;
    assert_eq!((s, v), (StatusCode::ACCEPTED, Value::Null));
    assert_eq!(get(&w, "/connectors").await, (StatusCode::OK, json!([])));
    assert_eq!(
        get(&w, "/connectors?expand=status").await,
        (StatusCode::OK, json!({}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_request_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    let ep = start_fake().await;
    let post = |body: &'static str| {
        let w = w.clone();
        async move {
            let (s, _, v) = call(&w, Method::POST, "/connectors", Some(body)).await;
            (s, v)
        }
    };
    assert_error(&post("{bad json").await, 400, "not valid JSON");
    assert_error(&post("").await, 400, "empty");
    assert_error(&post("[1,2]").await, 400, "JSON object");
    assert_error(&post(r#"{"name":"x"}"#).await, 400, "config");
    assert_error(
        &post(r#"{"name":"x","config":{"a":{"b":1}}}"#).await,
        400,
        "'a'",
    );
    assert_error(
        &post(r#"{"name":"x","config":{"connector.class":"FakeSource"},"initial_state":"BOGUS"}"#)
            .await,
        400,
        "initial_state",
    );
    assert_error(
        &post(r#"{"name":"x","config":{"name":"y","connector.class":"FakeSource"}}"#).await,
        400,
        "Connector name configuration (y) doesn't match connector name in the URL (x)",
    );
    assert_error(
        &post(r#"{"name":"x","config":{}}"#).await,
        400,
        "contains no connector type",
    );
    assert_error(
        &post(r#"{"name":"x","config":{"connector.class":"Nope"}}"#).await,
        400,
        "Failed to find any class that implements Connector and which name matches Nope",
    );
    let (s, _, v) = call(
        &w,
        Method::PUT,
        "/connectors/x/config",
        Some(r#"{"name":"y"}"#),
    )
    .await;
    assert_error(&(s, v), 400, "doesn't match connector name in the URL");
    let (s, _, v) = call(&w, Method::PUT, "/connectors/x/config", Some("[1]")).await;
    assert_error(&(s, v), 400, "JSON object");
    // Every error of an invalid config is listed; nothing was created.
    let body = format!(
        r#"{{"name":"x","config":{{"connector.class":"FakeSource","connector.endpoint":"{ep}","tasks.max":"abc","batch.size":"0","errors.tolerance":"bogus"}}}}"#
    );
    let (s, _, v) = call(&w, Method::POST, "/connectors", Some(&body)).await;
    assert_error(
        &(s, v.clone()),
        400,
        "Connector configuration is invalid and contains the following 5 error(s):",
    );
    let msg = v["message"].as_str().unwrap();
    for needle in [
        "Invalid value abc for configuration tasks.max: Not a number of type INT",
        "Invalid value null for configuration tasks.max: Value must be non-null",
        "Invalid value bogus for configuration errors.tolerance: String must be one of: none, all",
        "Missing required configuration \"topic\" which has no default value.",
        "Invalid value 0 for configuration batch.size: Value must be at least 1",
        "/connector-plugins/{connectorType}/config/validate",
    ] {
        assert!(msg.contains(needle), "{needle:?} not in {msg}");
    }
    assert_eq!(get(&w, "/connectors").await.1, json!([]));
    // A null value is refused (except in PATCH, where it removes the key).
    let body = format!(
        r#"{{"name":"x","config":{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"t","batch.size":null}}}}"#
    );
    let (s, _, v) = call(&w, Method::POST, "/connectors", Some(&body)).await;
    assert_error(
        &(s, v),
        400,
        "Null value can not be supplied as the configuration value.",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_inspect_update_delete() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    let ep = start_fake().await;
    let (s, h, v) = call(
        &w,
        Method::POST,
        "/connectors",
        Some(&source_request(
            "src",
            &ep,
            r#","tasks.max":"2","tasks":"2""#,
        )),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(h["location"], "http://localhost:8083/connectors/src");
    assert_eq!(v["name"], "src");
    assert_eq!(v["type"], "source");
    assert_eq!(v["config"]["name"], "src");
    assert_eq!(
        v["tasks"],
        json!([{"connector": "src", "task": 0}, {"connector": "src", "task": 1}])
    );
    let (s, _, v) = call(
        &w,
        Method::POST,
        "/connectors",
        Some(&source_request("src", &ep, "")),
    )
    .await;
    assert_error(&(s, v), 409, "Connector src already exists");

    let st = wait_status(&w, "src", "running tasks", |s| {
        s["connector"]["state"] == "RUNNING"
            && s["tasks"]
                .as_array()
                .is_some_and(|t| t.len() == 2 && t.iter().all(|t| t["state"] == "RUNNING"))
    })
    .await;
    assert_eq!(st["type"], "source");
    assert_eq!(st["connector"]["version"], "1.2.3");
    assert!(st["connector"]["worker_id"].is_string());
    assert!(st["connector"].get("trace").is_none());

    assert_eq!(get(&w, "/connectors").await.1, json!(["src"]));
    let (_, all) = get(&w, "/connectors?expand=status&expand=info").await;
    assert_eq!(all["src"]["info"]["name"], "src");
    assert_eq!(all["src"]["status"]["connector"]["state"], "RUNNING");
    assert_eq!(
        get(&w, "/connectors?expand=info").await.1["src"]
            .as_object()
            .unwrap()
            .len(),
        1
    );
    let (_, info) = get(&w, "/connectors/src").await;
    assert_eq!(info["tasks"].as_array().unwrap().len(), 2);
    let (_, config) = get(&w, "/connectors/src/config").await;
    assert_eq!(config["topic"], "t");
    let (_, tasks) = get(&w, "/connectors/src/tasks").await;
    assert_eq!(tasks[1]["id"], json!({"connector": "src", "task": 1}));
    assert_eq!(tasks[1]["config"]["task.index"], "1");
    let (_, tc) = get(&w, "/connectors/src/tasks-config").await;
    assert_eq!(tc["src-0"]["task.index"], "0");
    let (s, t) = get(&w, "/connectors/src/tasks/1/status").await;
    assert_eq!(
        (s, t["id"].clone(), t["state"].clone()),
        (StatusCode::OK, json!(1), json!("RUNNING"))
    );
    assert_error(
        &get(&w, "/connectors/src/tasks/9/status").await,
        404,
        "No status found for task src-9",
    );

    // PUT: 200 for an existing connector, 201 and a Location for a new one.
    let cfg =
        format!(r#"{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"t2"}}"#);
    let (s, _, v) = call(&w, Method::PUT, "/connectors/src/config", Some(&cfg)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["config"]["topic"], "t2");
    assert_eq!(v["tasks"].as_array().unwrap().len(), 1);
    let (s, h, v) = call(
        &w,
        Method::PUT,
        "/connectors/other%20one/config",
        Some(&cfg),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        h["location"],
        "http://localhost:8083/connectors/other%20one"
    );
    assert_eq!(v["name"], "other one");
    // PATCH: null removes a key; the result is validated like any config.
    let (s, _, v) = call(
        &w,
        Method::PATCH,
        "/connectors/src/config",
        Some(r#"{"batch.size":"5","extra":"x"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["config"]["batch.size"].clone(),
            v["config"]["extra"].clone()
        ),
        (json!("5"), json!("x"))
    );
    let (s, _, v) = call(
        &w,
        Method::PATCH,
        "/connectors/src/config",
        Some(r#"{"extra":null}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["config"].get("extra").is_none(), "{v}");
    let (s, _, v) = call(
        &w,
        Method::PATCH,
        "/connectors/src/config",
        Some(r#"{"batch.size":"-1"}"#),
    )
    .await;
    assert_error(&(s, v), 400, "batch.size");
    assert_eq!(
        get(&w, "/connectors/src/config").await.1["batch.size"],
        "5",
        "a refused PATCH changes nothing"
    );

    let (s, _, v) = call(&w, Method::DELETE, "/connectors/src", None).await;
    assert_eq!((s, v), (StatusCode::NO_CONTENT, Value::Null));
    assert_error(
        &get(&w, "/connectors/src").await,
        404,
        "Connector src not found",
    );
    assert_error(
        &get(&w, "/connectors/src/status").await,
        404,
        "No status found",
    );
    assert_eq!(get(&w, "/connectors").await.1, json!(["other one"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_stop_and_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    let ep = start_fake().await;
    let (s, _, _) = call(
        &w,
        Method::POST,
        "/connectors",
        Some(&source_request("src", &ep, "")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    wait_status(&w, "src", "a running task", |s| {
        s["tasks"][0]["state"] == "RUNNING"
    })
    .await;

    let offsets = r#"{"offsets":[{"partition":{"file":"a"},"offset":{"position":7}}]}"#;
    let (s, _, v) = call(&w, Method::PATCH, "/connectors/src/offsets", Some(offsets)).await;
    assert_error(
        &(s, v),
        400,
        "Connectors must be in the STOPPED state before their offsets can be modified",
    );
    let (s, _, v) = call(&w, Method::DELETE, "/connectors/src/offsets", None).await;
    assert_error(&(s, v), 400, "/connectors/src/stop");

    let (s, _, v) = call(&w, Method::PUT, "/connectors/src/pause", None).await;
    assert_eq!((s, v), (StatusCode::ACCEPTED, Value::Null));
    wait_status(&w, "src", "paused", |s| {
        s["connector"]["state"] == "PAUSED" && s["tasks"][0]["state"] == "PAUSED"
    })
    .await;
    let (s, _, _) = call(&w, Method::PUT, "/connectors/src/pause", None).await;
    assert_eq!(s, StatusCode::ACCEPTED, "pause is idempotent");
    let (s, _, _) = call(&w, Method::PUT, "/connectors/src/resume", None).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    wait_status(&w, "src", "running again", |s| {
        s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING"
    })
    .await;

    // Stopped: no tasks, offsets may change.
    let (s, _, v) = call(&w, Method::PUT, "/connectors/src/stop", None).await;
    assert_eq!((s, v), (StatusCode::NO_CONTENT, Value::Null));
    let (_, st) = get(&w, "/connectors/src/status").await;
    assert_eq!(
        (st["connector"]["state"].clone(), st["tasks"].clone()),
        (json!("STOPPED"), json!([]))
    );
    assert_eq!(get(&w, "/connectors/src/tasks").await.1, json!([]));
    assert_eq!(get(&w, "/connectors/src").await.1["tasks"], json!([]));
    for (body, msg) in [
        (
            r#"{"offsets":[]}"#,
            "Partitions / offsets need to be provided",
        ),
        (r#"{}"#, "Partitions / offsets need to be provided"),
        (
            r#"{"offsets":[{"offset":{"position":1}}]}"#,
            "Partition objects cannot be null",
        ),
        (r#"{"offsets":"x"}"#, "array"),
    ] {
        let (s, _, v) = call(&w, Method::PATCH, "/connectors/src/offsets", Some(body)).await;
        assert_error(&(s, v), 400, msg);
    }
    let (s, _, v) = call(&w, Method::PATCH, "/connectors/src/offsets", Some(offsets)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("altered successfully"),
        "{v}"
    );
    assert_eq!(
        get(&w, "/connectors/src/offsets").await.1,
        json!({"offsets": [{"partition": {"file": "a"}, "offset": {"position": 7}}]})
    );
    // A null offset removes a partition; DELETE removes all.
    let (s, _, _) = call(&w, Method::PATCH, "/connectors/src/offsets", Some(r#"{"offsets":[{"partition":{"file":"b"},"offset":{"position":1}},{"partition":{"file":"a"},"offset":null}]}"#)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        get(&w, "/connectors/src/offsets").await.1["offsets"][0]["partition"],
        json!({"file": "b"})
    );
    let (s, _, v) = call(&w, Method::DELETE, "/connectors/src/offsets", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("reset successfully"),
        "{v}"
    );
    assert_eq!(
        get(&w, "/connectors/src/offsets").await.1,
        json!({"offsets": []})
    );

    // Restarting a stopped connector leaves it stopped.
    let (s, _, _) = call(&w, Method::POST, "/connectors/src/restart", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&w, "/connectors/src/status").await.1["connector"]["state"],
        "STOPPED"
    );

    // Resume from STOPPED starts the tasks again.
    let (s, _, _) = call(&w, Method::PUT, "/connectors/src/resume", None).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    wait_status(&w, "src", "running after stop", |s| {
        s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initial_states_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    let ep = start_fake().await;
    let paused = format!(
        r#"{{"name":"p","config":{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"t"}},"initial_state":"paused"}}"#
    );
    let (s, _, v) = call(&w, Method::POST, "/connectors", Some(&paused)).await;
    assert_eq!((s, v["tasks"].clone()), (StatusCode::CREATED, json!([])));
    wait_status(&w, "p", "paused", |s| s["connector"]["state"] == "PAUSED").await;
    let stopped = format!(
        r#"{{"name":"s","config":{{"connector.class":"FakeSink","connector.endpoint":"{ep}","topic":"t","topics":"t"}},"initial_state":"STOPPED"}}"#
    );
    let (s, _, v) = call(&w, Method::POST, "/connectors", Some(&stopped)).await;
    assert_eq!((s, v["type"].clone()), (StatusCode::CREATED, json!("sink")));
    wait_status(&w, "s", "stopped", |s| {
        s["connector"]["state"] == "STOPPED" && s["tasks"] == json!([])
    })
    .await;
    // A paused connector gets its tasks when resumed.
    call(&w, Method::PUT, "/connectors/p/resume", None).await;
    wait_status(&w, "p", "running", |s| s["tasks"][0]["state"] == "RUNNING").await;

    // Restart: connector only (204), with tasks (202, RESTARTING), task alone (204).
    let (s, _, v) = call(&w, Method::POST, "/connectors/p/restart", None).await;
    assert_eq!((s, v), (StatusCode::NO_CONTENT, Value::Null));
    let (s, _, v) = call(
        &w,
        Method::POST,
        "/connectors/p/restart?includeTasks=true",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["connector"]["state"], "RESTARTING");
    assert_eq!(v["tasks"][0]["state"], "RESTARTING");
    assert_eq!(v["name"], "p");
    wait_status(&w, "p", "running after restart", |s| {
        s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING"
    })
    .await;
    let (s, _, v) = call(
        &w,
        Method::POST,
        "/connectors/p/restart?includeTasks=true&onlyFailed=true",
        None,
    )
    .await;
    assert_eq!(
        (
            s,
            v["connector"]["state"].clone(),
            v["tasks"][0]["state"].clone()
        ),
        (StatusCode::ACCEPTED, json!("RUNNING"), json!("RUNNING"))
    );
    let (s, _, _) = call(&w, Method::POST, "/connectors/p/tasks/0/restart", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, v) = call(&w, Method::POST, "/connectors/p/tasks/3/restart", None).await;
    assert_error(&(s, v), 404, "Task p-3 not found");
    wait_status(&w, "p", "running after task restart", |s| {
        s["tasks"][0]["state"] == "RUNNING"
    })
    .await;

    // A failed task: FAILED with its trace; only it is restarted with onlyFailed.
    let failing = format!(
        r#"{{"name":"f","config":{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"t","fail":"task"}}}}"#
    );
    let (s, _, _) = call(&w, Method::POST, "/connectors", Some(&failing)).await;
    assert_eq!(s, StatusCode::CREATED);
    let st = wait_status(&w, "f", "a failed task", |s| {
        s["tasks"][0]["state"] == "FAILED"
    })
    .await;
    assert!(
        st["tasks"][0]["trace"]
            .as_str()
            .unwrap()
            .contains("failed on purpose"),
        "{st}"
    );
    assert_eq!(st["connector"]["state"], "RUNNING");
    let (s, _, v) = call(
        &w,
        Method::POST,
        "/connectors/f/restart?includeTasks=true&onlyFailed=true",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(
        (
            v["connector"]["state"].clone(),
            v["tasks"][0]["state"].clone()
        ),
        (json!("RUNNING"), json!("RESTARTING"))
    );
    wait_status(&w, "f", "failed again", |s| {
        s["tasks"][0]["state"] == "FAILED"
    })
    .await;

    // A failed connector stays failed until restarted.
    let failing = format!(
        r#"{{"name":"fc","config":{{"connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"t","fail":"connector"}}}}"#
    );
    call(&w, Method::POST, "/connectors", Some(&failing)).await;
    let st = wait_status(&w, "fc", "failed", |s| s["connector"]["state"] == "FAILED").await;
    assert!(
        st["connector"]["trace"]
            .as_str()
            .unwrap()
            .contains("FakeError"),
        "{st}"
    );
    let (s, _, v) = call(
        &w,
        Method::POST,
        "/connectors/fc/restart?onlyFailed=true",
        None,
    )
    .await;
    assert_eq!(
        (s, v["connector"]["state"].clone()),
        (StatusCode::ACCEPTED, json!("RESTARTING"))
    );
    wait_status(&w, "fc", "failed after restart", |s| {
        s["connector"]["state"] == "FAILED"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    let ep = start_fake().await;
    let body = format!(
        r#"{{"connector.class":"FakeSource","connector.endpoint":"{ep}","name":"v","topic":"a,b","db.password":"wrong","transforms":"x","value.converter":"org.apache.kafka.connect.json.JsonConverter","value.converter.schemas.enable":"maybe"}}"#
    );
    let (s, _, v) = call(
        &w,
        Method::PUT,
        "/connector-plugins/FakeSourceConnector/config/validate",
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "FakeSource");
    let groups: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert_eq!(
        &groups[..7],
        &[
            "Common",
            "Transforms",
            "Predicates",
            "Error Handling",
            "Topic Creation",
            "Exactly Once Support",
            "offsets.topic"
        ]
    );
    assert!(
        groups.contains(&"Transforms: x")
            && groups.contains(&"Tuning")
            && groups.contains(&"Schemas"),
        "{groups:?}"
    );
    let configs = v["configs"].as_array().unwrap();
    let find = |n: &str| {
        configs
            .iter()
            .find(|c| c["definition"]["name"] == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    // Shapes: every entry has a definition with Kafka Connect's keys and a value.
    for c in configs {
        let d = c["definition"].as_object().unwrap();
        for k in [
            "name",
            "type",
            "required",
            "default_value",
            "importance",
            "documentation",
            "group",
            "order_in_group",
            "width",
            "display_name",
            "dependents",
        ] {
            assert!(d.contains_key(k), "{k} missing in {c}");
        }
    }
    let errors = |n: &str| find(n)["value"]["errors"].as_array().unwrap().clone();
    assert_eq!(
        errors("topic"),
        vec![json!(
            "FakeSource should only have a single topic when used as a source."
        )]
    );
    assert_eq!(
        errors("transforms.x.type"),
        vec![json!(
            "Missing required configuration \"transforms.x.type\" which has no default value."
        )]
    );
    assert_eq!(errors("value.converter.schemas.enable"), vec![json!("Invalid value maybe for configuration schemas.enable: Expected value to be either true or false")]);
    // Secrets never come back.
    let pw = find("db.password");
    assert_eq!(pw["value"]["value"], "[hidden]");
    assert_eq!(pw["definition"]["type"], "PASSWORD");
    assert!(!v.to_string().contains("wrong"), "the password leaked: {v}");
    assert_eq!(v["error_count"], 4, "{v}");
    assert_eq!(find("batch.size")["definition"]["group"], "Tuning");
    assert_eq!(find("connector.plugin.version")["value"]["value"], "1.2.3");

    let (s, _, v) = call(
        &w,
        Method::PUT,
        "/connector-plugins/FakeSink/config/validate",
        Some(&body),
    )
    .await;
    assert_error(
        &(s, v),
        400,
        "Included connector type FakeSource does not match request type FakeSink",
    );
    let (s, _, v) = call(
        &w,
        Method::PUT,
        "/connector-plugins/FakeSource/config/validate",
        Some("{}"),
    )
    .await;
    assert_error(
        &(s, v),
        400,
        "Connector config {} contains no connector type",
    );
    let sink = format!(
        r#"{{"connector.class":"FakeSink","connector.endpoint":"{ep}","topic":"x","topics":"a","topics.regex":"b"}}"#
    );
    let (s, _, v) = call(
        &w,
        Method::PUT,
        "/connector-plugins/FakeSink/config/validate",
        Some(&sink),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["groups"],
        json!([
            "Common",
            "Transforms",
            "Predicates",
            "Error Handling",
            "Tuning"
        ])
    );
    let topics = v["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["definition"]["name"] == "topics")
        .unwrap();
    assert_eq!(
        topics["value"]["errors"],
        json!(["topics and topics.regex are mutually exclusive options, but both are set."])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_tracking_can_be_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[("topic.tracking.enable", "false")]);
    assert_error(
        &get(&w, "/connectors/x/topics").await,
        403,
        "Topic tracking is disabled.",
    );
    let (s, _, v) = call(&w, Method::PUT, "/connectors/x/topics/reset", None).await;
    assert_error(&(s, v), 403, "Topic tracking is disabled.");
    let w = worker(dir.path(), &[("topic.tracking.allow.reset", "false")]);
    let (s, _, v) = call(&w, Method::PUT, "/connectors/x/topics/reset", None).await;
    assert_error(&(s, v), 403, "Topic tracking reset is disabled.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loggers() {
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[]);
    let (s, all) = get(&w, "/admin/loggers").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(all["root"], json!({"level": "INFO", "last_modified": null}));
    assert_error(
        &get(&w, "/admin/loggers/no.such.logger").await,
        404,
        "Logger no.such.logger not found.",
    );
    let put = |path: &'static str, body: &'static str| {
        let w = w.clone();
        async move {
            let (s, _, v) = call(&w, Method::PUT, path, Some(body)).await;
            (s, v)
        }
    };
    assert_error(
        &put("/admin/loggers/polyconnect.worker", r#"{"level":"loud"}"#).await,
        404,
        "invalid log level 'loud'.",
    );
    assert_error(
        &put("/admin/loggers/polyconnect.worker", "{}").await,
        400,
        "Desired 'level' parameter was not specified in request.",
    );
    let (s, v) = put("/admin/loggers/polyconnect.worker", r#"{"level":"DEBUG"}"#).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v.as_array()
            .unwrap()
            .contains(&json!("polyconnect.worker.source")),
        "{v}"
    );
    let (_, l) = get(&w, "/admin/loggers/polyconnect.worker.sink").await;
    assert_eq!(l["level"], "DEBUG");
    let (s, v) = put(
        "/admin/loggers/polyconnect?scope=cluster",
        r#"{"level":"warn"}"#,
    )
    .await;
    assert_eq!((s, v), (StatusCode::NO_CONTENT, Value::Null));
    let (_, l) = get(&w, "/admin/loggers/polyconnect").await;
    assert_eq!(l["level"], "WARN");
    assert!(l["last_modified"].is_i64());
}

/// Connectors created, changed, paused, stopped and deleted through REST are there again
/// after the worker restarts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectors_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let ep = start_fake().await;
    {
        let w = worker(dir.path(), &[]);
        for name in ["a", "b", "c", "gone"] {
            let (s, _, v) = call(
                &w,
                Method::POST,
                "/connectors",
                Some(&source_request(name, &ep, "")),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        call(
            &w,
            Method::PATCH,
            "/connectors/a/config",
            Some(r#"{"batch.size":"7"}"#),
        )
        .await;
        call(&w, Method::PUT, "/connectors/b/pause", None).await;
        call(&w, Method::PUT, "/connectors/c/stop", None).await;
        call(&w, Method::DELETE, "/connectors/gone", None).await;
        w.shutdown().await;
    }
    assert!(dir.path().join("offsets.connectors.json").exists());
    let w = worker(dir.path(), &[]);
    w.start_up(Vec::new()).await.unwrap();
    assert_eq!(get(&w, "/connectors").await.1, json!(["a", "b", "c"]));
    assert_eq!(get(&w, "/connectors/a/config").await.1["batch.size"], "7");
    wait_status(&w, "a", "running", |s| s["tasks"][0]["state"] == "RUNNING").await;
    wait_status(&w, "b", "paused", |s| s["connector"]["state"] == "PAUSED").await;
    wait_status(&w, "c", "stopped", |s| s["connector"]["state"] == "STOPPED").await;
    w.shutdown().await;
}
