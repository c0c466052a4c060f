//! Planted secrets go nowhere they should not. Two are planted in connector configs: one a
//! config provider resolves (`${file:...}`: its value must appear nowhere at all) and one
//! written literally in a password setting (Kafka Connect shows configs as stored, in
//! `GET /connectors/{c}/config`, `?expand=info` and task configs; nowhere else). Records move through a file
//! pipeline with traces exported to a real OTLP receiver and a third connector fails; then
//! the core's log, every span attribute the receiver got, `/metrics`, every status (the
//! failed task's trace included), the task configs, the expanded connector list and the
//! validation answer are searched for them.

use std::time::Duration;

use polyconnect_e2e::faults::rest;
use polyconnect_e2e::otlp::Receiver;
use polyconnect_e2e::*;
use serde_json::{json, Value};

const RESOLVED: &str = "prov1ded-S3cret-7f3a";
const LITERAL: &str = "l1teral-S3cret-9c2e";

#[test]
fn planted_secrets_reach_no_log_span_metric_status_or_task_config() {
    let receiver = Receiver::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let secrets = d.join("secrets.properties");
    write(&secrets, &format!("db.password={RESOLVED}\n"));
    let reference = format!("${{file:{}:db.password}}", secrets.display());
    let input = d.join("input.txt");
    let output = d.join("output.txt");
    std::fs::File::create(&input).unwrap();
    let topic = unique("secrets");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let port = free_port();
    let worker = worker_properties(
        d,
        port,
        "config.providers=file\n\
         config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider\n",
    );
    let endpoint = receiver.endpoint();
    let core = Core::start_with_env(
        d,
        &worker,
        &[],
        port,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
            // Debug lines too: a secret must not reach the log at any level.
            ("POLYCONNECT_LOG", "debug"),
        ],
    );
    let secret_settings = |mut c: Value| {
        c["connection.password"] = json!(LITERAL);
        c["vault.password"] = json!(reference);
        c["tag.secret"] = json!(reference);
        c
    };
    let connectors = [
        (
            "secret-source",
            secret_settings(
                json!({"connector.class": "FileStreamSource", "tasks.max": "1",
                "file": input.display().to_string(), "topic": topic}),
            ),
        ),
        (
            "secret-sink",
            secret_settings(
                json!({"connector.class": "FileStreamSink", "tasks.max": "1",
                "file": output.display().to_string(), "topics": topic}),
            ),
        ),
        // Its task fails (no such directory): its status trace is searched too.
        (
            "secret-failing",
            secret_settings(
                json!({"connector.class": "FileStreamSink", "tasks.max": "1",
                "file": d.join("no/such/dir/out.txt").display().to_string(), "topics": topic}),
            ),
        ),
    ];
    for (name, config) in &connectors {
        let (code, body) = rest(
            &core,
            "POST",
            "/connectors",
            Some(json!({"name": name, "config": config})),
        );
        assert_eq!(code, 201, "{name}: {body}");
    }
    core.wait_task_state("secret-source", 0, "RUNNING", Duration::from_secs(60));
    core.wait_task_state("secret-sink", 0, "RUNNING", Duration::from_secs(60));
    let failed = core.wait_task_state("secret-failing", 0, "FAILED", Duration::from_secs(60));
    assert!(
        failed["trace"].as_str().is_some_and(|t| !t.is_empty()),
        "the failed task has a trace: {failed}"
    );

    append_lines(&input, "line", 0, 200, 2, Duration::from_millis(50));
    let out = wait_lines(&output, 200, Duration::from_secs(60));
    assert_eq!(out.len(), 200, "200 lines through the pipeline, 0 missing");
    // The connectors' and the core's spans for those records.
    let spans = receiver
        .wait_for(Duration::from_secs(30), |spans| {
            let core_spans = spans.iter().filter(|s| s.service == "polyconnect").count();
            let connector_spans = spans.iter().filter(|s| s.service != "polyconnect").count();
            (core_spans > 0 && connector_spans > 0).then(|| spans.to_vec())
        })
        .expect("spans from the core and the connectors");

    let mut places: Vec<(String, String)> = Vec::new();
    for s in &spans {
        for (k, v) in &s.attributes {
            places.push((
                format!("span {} of {}", s.name, s.service),
                format!("{k}={v}"),
            ));
        }
        places.push((format!("span {} of {}", s.name, s.service), s.name.clone()));
    }
    let (_, metrics) = core.get_text("/metrics");
    places.push(("/metrics".into(), metrics));
    for path in [
        "/connectors/secret-failing/status",
        "/connectors/secret-failing/tasks/0/status",
        "/connectors/secret-source/offsets",
        "/connectors/secret-source/topics",
    ] {
        let (_, body) = core.get(path);
        places.push((path.to_string(), body.to_string()));
    }
    // Configs as stored (`expand=info`, task configs): `${...}` references, never their
    // values; a password written literally is the user's to see there, as in Kafka Connect.
    for path in [
        "/connectors?expand=status&expand=info",
        "/connectors/secret-source/tasks",
        "/connectors/secret-sink/tasks",
    ] {
        let (_, body) = core.get(path);
        let text = body.to_string();
        assert!(
            text.contains(&reference),
            "{path} shows the reference: {text}"
        );
        places.push((
            format!("{path} (provider value)"),
            text.replace(LITERAL, ""),
        ));
    }
    let (code, validation) = rest(
        &core,
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        Some(connectors[0].1.clone()),
    );
    assert_eq!(code, 200, "{validation}");
    places.push(("validate".into(), validation.to_string()));
    // The config as stored: the reference, never its value (the literal password is
    // Kafka Connect's to show here).
    let (_, config) = core.get("/connectors/secret-source/config");
    assert_eq!(config["vault.password"], json!(reference));
    places.push((
        "config (provider value)".into(),
        config.to_string().replace(LITERAL, ""),
    ));
    drop(core);
    let log = std::fs::read_to_string(d.join("core.log")).unwrap_or_default();
    assert!(log.lines().count() > 50, "the debug log was written");
    places.push(("the core's log".into(), log));

    let mut leaks = Vec::new();
    for (place, text) in &places {
        for secret in [RESOLVED, LITERAL] {
            if text.contains(secret) {
                let at = text.find(secret).unwrap();
                let from = text[..at]
                    .char_indices()
                    .rev()
                    .nth(120)
                    .map_or(0, |(i, _)| i);
                leaks.push(format!(
                    "{secret} in {place}: ...{}...",
                    &text[from..(at + secret.len()).min(text.len())]
                ));
            }
        }
    }
    println!(
        "searched {} places ({} spans) for 2 planted secrets",
        places.len(),
        spans.len()
    );
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}
