//! `/connector-plugins` with the real file connectors on `plugin.path` (a Python process,
//! launched on demand). Skipped when Python and its gRPC package are missing.

mod rest_support;

use std::path::Path;

use axum::http::{Method, StatusCode};
use rest_support::*;
use serde_json::json;

fn python_ready() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import grpc, google.protobuf"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("skipped: python3 with grpcio and protobuf is needed for the file connectors");
    }
    ok
}

fn connectors_dir() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../connectors")
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugins_and_their_config() {
    if !python_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let w = worker(dir.path(), &[("plugin.path", &connectors_dir())]);
    let (s, list) = get(&w, "/connector-plugins").await;
    assert_eq!(s, StatusCode::OK);
    let classes: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["class"].as_str().unwrap(), p["type"].as_str().unwrap()))
        .collect();
    assert!(
        classes.contains(&("FileStreamSink", "sink"))
            && classes.contains(&("FileStreamSource", "source")),
        "{list}"
    );
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["version"].is_string()));
    let sink_pos = classes.iter().position(|c| c.1 == "sink").unwrap();
    let source_pos = classes.iter().position(|c| c.1 == "source").unwrap();
    assert!(
        sink_pos < source_pos,
        "sinks come first, as in Kafka Connect"
    );
    assert!(!classes.iter().any(|c| c.1 == "converter"));
    let (_, all) = get(&w, "/connector-plugins?connectorsOnly=false").await;
    assert!(all.as_array().unwrap().contains(&json!({
        "class": "org.apache.kafka.connect.json.JsonConverter", "type": "converter", "version": env!("CARGO_PKG_VERSION")
    })), "{all}");

    // A connector's definition: its own keys, then the framework's.
    let (s, defs) = get(
        &w,
        "/connector-plugins/org.apache.kafka.connect.file.FileStreamSourceConnector/config",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{defs}");
    let names: Vec<&str> = defs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(&names[..3], &["file", "topic", "batch.size"]);
    assert!(
        names.contains(&"tasks.max") && names.contains(&"exactly.once.support"),
        "{names:?}"
    );
    let topic = &defs[1];
    assert_eq!(
        (
            topic["type"].clone(),
            topic["required"].clone(),
            topic["importance"].clone()
        ),
        (json!("STRING"), json!(true), json!("HIGH"))
    );
    let (s, defs) = get(&w, "/connector-plugins/FileStreamSink/config").await;
    assert_eq!(s, StatusCode::OK);
    assert!(defs
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["name"] == "topics.regex"));
    // Converters the core knows, and unknown plugins.
    let (s, defs) = get(&w, "/connector-plugins/JsonConverter/config").await;
    assert_eq!(s, StatusCode::OK);
    assert!(defs
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["name"] == "schemas.enable"));
    assert_error(
        &get(&w, "/connector-plugins/Nope/config").await,
        404,
        "Unknown plugin Nope.",
    );

    // Validation through the file connector's own Validate.
    let body =
        r#"{"connector.class":"FileStreamSource","name":"v","topic":"a,b","batch.size":"0"}"#;
    let (s, _, v) = call(
        &w,
        Method::PUT,
        "/connector-plugins/FileStreamSource/config/validate",
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "FileStreamSource");
    assert!(v["error_count"].as_u64().unwrap() >= 2, "{v}");
    w.shutdown().await;
}

/// Plugins of every type a Kafka Connect plugin directory holds, each with its own version
/// (as the bridge's scan reports them): connectors listed by default, transformations and
/// converters only with `connectorsOnly=false`, and never taken for a connector class.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugins_of_every_type_with_their_own_versions() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("plugins/kc");
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::write(
        plugin.join("polyconnect-plugin.json"),
        r#"{"name": "kc", "version": "9.9", "command": ["true"], "plugins": [
            {"class": "com.example.AlphaConnector", "type": "source", "version": "1.2", "aliases": ["Alpha"]},
            {"class": "com.example.BetaSink", "type": "sink"},
            {"class": "com.example.MaskTransformation", "type": "transformation", "version": "3.0"},
            {"class": "com.example.IsBig", "type": "predicate", "version": "3.0"},
            {"class": "com.example.AvroishConverter", "type": "converter", "version": "undefined"}]}"#,
    )
    .unwrap();
    let w = worker(
        dir.path(),
        &[(
            "plugin.path",
            &dir.path().join("plugins").display().to_string(),
        )],
    );
    let (s, list) = get(&w, "/connector-plugins").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        list,
        json!([
            {"class": "com.example.BetaSink", "type": "sink", "version": "9.9"},
            {"class": "com.example.AlphaConnector", "type": "source", "version": "1.2"}
        ])
    );
    let (_, all) = get(&w, "/connector-plugins?connectorsOnly=false").await;
    let all = all.as_array().unwrap();
    for expected in [
        json!({"class": "com.example.MaskTransformation", "type": "transformation", "version": "3.0"}),
        json!({"class": "com.example.IsBig", "type": "predicate", "version": "3.0"}),
        json!({"class": "com.example.AvroishConverter", "type": "converter", "version": "undefined"}),
    ] {
        assert!(all.contains(&expected), "{expected} not in {all:?}");
    }
    // A transformation is not a connector class.
    let (s, _, body) = call(
        &w,
        Method::PUT,
        "/connectors/masked/config",
        Some(r#"{"connector.class": "com.example.MaskTransformation", "topic": "t"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("com.example.AlphaConnector"),
        "{body}"
    );
}
