//! Secured Kafka listeners (`scripts/kafka.sh up` starts them beside the plaintext one:
//! SASL_SSL with SCRAM and PLAIN, and SSL requiring a client certificate; `scripts/kafka.sh
//! secure-info` names them). The FileStream connectors carry numbered lines file → topic →
//! file with the worker's settings written as a Kafka Connect user writes them (a JAAS
//! line, a PKCS12 truststore or keystore, `producer.` / `consumer.` copies; SCRAM-SHA-512
//! with a dead letter queue, OAUTHBEARER with an unsecured JWT, OAUTHBEARER with an identity
//! provider's signed tokens on the `OAUTH` listener, mTLS); a wrong password, a refused
//! client secret or a missing client certificate fails the tasks with the cause in their
//! status; a JKS truststore is refused with how to convert it; topics Kafka's Java
//! producer compressed with each codec over SASL_SSL reach a sink.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Duration;

use polyconnect_e2e::idp::{client_credentials, TokenEndpoint, CLIENT_SECRET};
use polyconnect_e2e::*;

/// What `scripts/kafka.sh secure-info` prints about the test broker.
struct Secure(BTreeMap<String, String>);

impl Secure {
    fn get(&self, k: &str) -> &str {
        self.0
            .get(k)
            .unwrap_or_else(|| panic!("secure-info has no {k}: {:?}", self.0))
    }
}

fn secure() -> Secure {
    Secure(secure_info())
}

/// `settings` at the top level (the worker's own clients), and copies with the
/// `producer.` and `consumer.` prefixes (the tasks' clients), as Kafka Connect needs them.
fn with_copies(settings: &[(&str, String)]) -> String {
    let mut out = String::new();
    for prefix in ["", "producer.", "consumer."] {
        for (k, v) in settings {
            out.push_str(&format!("{prefix}{k}={v}\n"));
        }
    }
    out
}

fn worker_file(dir: &Path, rest: u16, bootstrap: &str, security: &str) -> PathBuf {
    let p = dir.join("worker.properties");
    write(
        &p,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{rest}\n\
             plugin.path={}\n\
             {security}",
            dir.join("offsets.json").display(),
            repo_root().join("connectors").display(),
        ),
    );
    p
}

fn scram(s: &Secure, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("security.protocol", "SASL_SSL".into()),
        ("sasl.mechanism", "SCRAM-SHA-512".into()),
        (
            "sasl.jaas.config",
            format!(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"{}\" password=\"{password}\";",
                s.get("sasl.username")
            ),
        ),
        ("ssl.truststore.location", s.get("truststore.p12").into()),
        ("ssl.truststore.password", s.get("store.password").into()),
        ("ssl.truststore.type", "PKCS12".into()),
        // Java-only: dropped.
        ("ssl.enabled.protocols", "TLSv1.2,TLSv1.3".into()),
        ("ssl.endpoint.identification.algorithm", "https".into()),
    ]
}

/// SASL_SSL with PLAIN, the truststore given as a PEM file.
fn plain(s: &Secure) -> Vec<(&'static str, String)> {
    vec![
        ("security.protocol", "SASL_SSL".into()),
        ("sasl.mechanism", "PLAIN".into()),
        (
            "sasl.jaas.config",
            format!(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"{}\" password=\"{}\";",
                s.get("sasl.username"),
                s.get("sasl.password")
            ),
        ),
        ("ssl.truststore.location", s.get("ca.pem").into()),
        ("ssl.truststore.type", "PEM".into()),
    ]
}

/// SASL_SSL with OAUTHBEARER and an unsecured JWT (the broker's default validator).
fn oauthbearer(s: &Secure) -> Vec<(&'static str, String)> {
    vec![
        ("security.protocol", "SASL_SSL".into()),
        ("sasl.mechanism", "OAUTHBEARER".into()),
        (
            "sasl.jaas.config",
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=\"connect\";".into(),
        ),
        ("ssl.truststore.location", s.get("truststore.p12").into()),
        ("ssl.truststore.password", s.get("store.password").into()),
    ]
}

fn mtls(s: &Secure) -> Vec<(&'static str, String)> {
    vec![
        ("security.protocol", "SSL".into()),
        ("ssl.truststore.location", s.get("truststore.p12").into()),
        ("ssl.truststore.password", s.get("store.password").into()),
        ("ssl.truststore.type", "PKCS12".into()),
        ("ssl.keystore.location", s.get("client.keystore.p12").into()),
        ("ssl.keystore.password", s.get("store.password").into()),
        ("ssl.keystore.type", "PKCS12".into()),
        ("ssl.key.password", s.get("store.password").into()),
        ("ssl.keymanager.algorithm", "SunX509".into()),
        ("ssl.trustmanager.algorithm", "PKIX".into()),
    ]
}

/// Runs the file pipeline with `security` over `bootstrap` and checks every line arrives.
/// `with_dlq`: a second sink reads the topic with JsonConverter, which refuses every line,
/// into a dead letter queue (its admin client and producer over the same listener).
fn pipeline(name: &str, bootstrap: &str, security: &str, with_dlq: bool) {
    const LINES: usize = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    std::fs::File::create(&input).unwrap();
    let topic = unique(name);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&polyconnect_e2e::bootstrap(), &topic, 1));
    let rest = free_port();
    let worker = worker_file(dir.path(), rest, bootstrap, security);
    let mut connectors = file_connectors(dir.path(), &input, &output, &topic);
    let dlq = format!("{topic}-dlq");
    if with_dlq {
        let p = dir.path().join("sec-dlq-sink.properties");
        write(
            &p,
            &format!(
                "name=sec-dlq-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile={}\ntopics={topic}\n\
                 value.converter=org.apache.kafka.connect.json.JsonConverter\n\
                 value.converter.schemas.enable=false\nerrors.tolerance=all\n\
                 errors.deadletterqueue.topic.name={dlq}\n\
                 errors.deadletterqueue.topic.replication.factor=1\n",
                dir.path().join("dlq-out.txt").display()
            ),
        );
        connectors.push(p);
    }
    let core = Core::start(dir.path(), &worker, &connectors, rest);
    core.wait_task_state("file-source", 0, "RUNNING", Duration::from_secs(60));
    core.wait_task_state("file-sink", 0, "RUNNING", Duration::from_secs(60));
    append_lines(&input, "line", 0, LINES, 4, Duration::from_millis(50));
    let out = wait_lines(&output, LINES, Duration::from_secs(120));
    let seen: HashSet<&str> = out.iter().map(String::as_str).collect();
    let missing: Vec<usize> = (0..LINES)
        .filter(|i| !seen.contains(format!("line-{i}").as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {LINES} lines missing (first: {:?}); {} lines out\n{}",
        missing.len(),
        &missing[..missing.len().min(10)],
        out.len(),
        core.log_text()
    );
    assert_eq!(out.len(), LINES, "duplicated lines");
    // The worker's own admin client (the cluster id of `GET /`) went through the same listener.
    let (code, root) = core.get("/");
    assert_eq!(code, 200);
    assert!(
        root["kafka_cluster_id"].is_string(),
        "no cluster id over the secured listener: {root}\n{}",
        core.log_text()
    );
    // The topic holds the lines (read over the plaintext listener).
    let records = read_topic(
        &polyconnect_e2e::bootstrap(),
        &topic,
        LINES,
        Duration::from_secs(30),
    );
    assert_eq!(records.len(), LINES);
    if with_dlq {
        let dead = read_topic(
            &polyconnect_e2e::bootstrap(),
            &dlq,
            LINES,
            Duration::from_secs(60),
        );
        assert_eq!(
            dead.len(),
            LINES,
            "records in the dead letter queue\n{}",
            core.log_text()
        );
    }
}

#[test]
fn file_pipeline_over_sasl_ssl_with_scram_sha_512() {
    let s = secure();
    pipeline(
        "sec-scram",
        s.get("sasl_ssl.bootstrap"),
        &with_copies(&scram(&s, s.get("sasl.password"))),
        true,
    );
}

#[test]
fn file_pipeline_over_sasl_ssl_with_an_unsecured_oauthbearer_token() {
    let s = secure();
    pipeline(
        "sec-oauth",
        s.get("sasl_ssl.bootstrap"),
        &with_copies(&oauthbearer(&s)),
        false,
    );
}

#[test]
fn file_pipeline_with_an_identity_providers_oauthbearer_tokens() {
    let s = secure();
    let idp = TokenEndpoint::start(&s.0);
    pipeline(
        "sec-oidc",
        s.get("oauth.bootstrap"),
        &with_copies(&client_credentials(&idp.url, CLIENT_SECRET)),
        false,
    );
    assert!(
        idp.issued.load(Ordering::SeqCst) >= 2,
        "the clients asked the provider"
    );
}

#[test]
fn a_refused_client_secret_fails_the_tasks_with_the_providers_answer() {
    let s = secure();
    let idp = TokenEndpoint::start(&s.0);
    let planted = "client-secret-wrong-5d2b";
    let (source, sink, log) = failing_pipeline(
        "sec-oidc-wrong",
        s.get("oauth.bootstrap"),
        &with_copies(&client_credentials(&idp.url, planted)),
    );
    for (task, trace) in [("source", &source), ("sink", &sink)] {
        assert!(
            trace.contains("OAUTHBEARER token") && trace.contains("invalid_client"),
            "the {task} task's trace does not give the provider's answer: {trace}\n{log}"
        );
        assert!(
            !trace.contains(planted),
            "the secret is in the trace: {trace}"
        );
    }
    assert!(!log.contains(planted), "the secret is in the log:\n{log}");
    assert_eq!(idp.issued.load(Ordering::SeqCst), 0);
}

#[test]
fn file_pipeline_over_mutual_tls() {
    let s = secure();
    pipeline(
        "sec-mtls",
        s.get("ssl.bootstrap"),
        &with_copies(&mtls(&s)),
        false,
    );
}

/// Starts the file pipeline expecting its tasks to fail; returns (source trace, sink
/// trace, core log).
fn failing_pipeline(name: &str, bootstrap: &str, security: &str) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    std::fs::write(&input, "line-0\n").unwrap();
    let topic = unique(name);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&polyconnect_e2e::bootstrap(), &topic, 1));
    let rest = free_port();
    let worker = worker_file(dir.path(), rest, bootstrap, security);
    let connectors = file_connectors(dir.path(), &input, &output, &topic);
    let core = Core::start(dir.path(), &worker, &connectors, rest);
    let source = core.wait_task_state("file-source", 0, "FAILED", Duration::from_secs(60));
    let sink = core.wait_task_state("file-sink", 0, "FAILED", Duration::from_secs(60));
    eprintln!("{name}: source task trace: {}", source["trace"]);
    eprintln!("{name}: sink task trace: {}", sink["trace"]);
    (
        source["trace"].as_str().unwrap_or_default().to_string(),
        sink["trace"].as_str().unwrap_or_default().to_string(),
        core.log_text(),
    )
}

#[test]
fn a_wrong_password_fails_the_tasks_with_the_cause() {
    let s = secure();
    let planted = "wrong-password-7f3a91";
    let (source, sink, log) = failing_pipeline(
        "sec-wrong",
        s.get("sasl_ssl.bootstrap"),
        &with_copies(&scram(&s, planted)),
    );
    for (task, trace) in [("source", &source), ("sink", &sink)] {
        assert!(
            trace.contains("Authentication failed") || trace.contains("invalid credentials"),
            "the {task} task's trace does not name the authentication failure: {trace}\n{log}"
        );
        assert!(
            trace.contains("SCRAM-SHA-512"),
            "the {task} task's trace does not name the mechanism: {trace}"
        );
        assert!(
            !trace.contains(planted),
            "the password is in the trace: {trace}"
        );
    }
    assert!(!log.contains(planted), "the password is in the log:\n{log}");
}

#[test]
fn a_missing_client_certificate_fails_the_tasks() {
    let s = secure();
    // The mTLS listener with a truststore but no keystore.
    let settings: Vec<(&str, String)> = mtls(&s)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("ssl.keystore") && *k != "ssl.key.password")
        .collect();
    let (source, sink, log) = failing_pipeline(
        "sec-nocert",
        s.get("ssl.bootstrap"),
        &with_copies(&settings),
    );
    for (task, trace) in [("source", &source), ("sink", &sink)] {
        assert!(
            trace.contains("SSL"),
            "the {task} task's trace does not name the TLS failure: {trace}\n{log}"
        );
    }
}

#[test]
fn a_jks_truststore_is_refused_with_how_to_convert_it() {
    let s = secure();
    let jks = s.get("truststore.jks").to_string();
    let settings: Vec<(&str, String)> = scram(&s, s.get("sasl.password"))
        .into_iter()
        .map(|(k, v)| match k {
            "ssl.truststore.location" => (k, jks.clone()),
            "ssl.truststore.type" => (k, "JKS".to_string()),
            _ => (k, v),
        })
        .collect();
    let (source, sink, log) = failing_pipeline(
        "sec-jks",
        s.get("sasl_ssl.bootstrap"),
        &with_copies(&settings),
    );
    for (task, trace) in [("source", &source), ("sink", &sink)] {
        assert!(
            trace.contains(&format!("ssl.truststore.location={jks} is a JKS keystore")),
            "the {task} task's trace does not explain the JKS truststore: {trace}\n{log}"
        );
        assert!(trace.contains("keytool -importkeystore"), "{trace}");
        assert!(
            !trace.contains(s.get("store.password")),
            "the store password is in the trace: {trace}"
        );
    }
}

/// Kafka's Java console producer writes numbered lines over SASL_SSL (SCRAM-SHA-512) with
/// each codec; a FileStreamSink over SASL_SSL (PLAIN, a PEM truststore) writes them all out.
#[test]
fn java_producer_codecs_over_sasl_ssl_reach_a_file_sink() {
    const LINES: usize = 500;
    let s = secure();
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("client.properties");
    write(
        &client,
        &scram(&s, s.get("sasl.password"))
            .iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect::<String>(),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut topics = Vec::new();
    for codec in ["gzip", "snappy", "lz4", "zstd"] {
        let topic = unique(&format!("sec-codec-{codec}"));
        rt.block_on(create_topic(&polyconnect_e2e::bootstrap(), &topic, 1));
        let lines: String = (0..LINES).map(|i| format!("{codec}-{i}\n")).collect();
        let mut child = Command::new("bash")
            .arg(repo_root().join("scripts/kafka.sh"))
            .args(["console-producer", "--bootstrap-server"])
            .arg(s.get("sasl_ssl.bootstrap"))
            .args(["--topic", &topic, "--compression-codec", codec])
            .arg("--command-config")
            .arg(&client)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("console producer");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(lines.as_bytes()).unwrap();
        }
        let status = child.wait().unwrap();
        assert!(status.success(), "console producer with {codec} failed");
        topics.push(topic);
    }
    let output = dir.path().join("output.txt");
    let sink = dir.path().join("sink.properties");
    write(
        &sink,
        &format!(
            "name=codec-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile={}\ntopics={}\n",
            output.display(),
            topics.join(",")
        ),
    );
    let rest = free_port();
    let worker = worker_file(
        dir.path(),
        rest,
        s.get("sasl_ssl.bootstrap"),
        &with_copies(&plain(&s)),
    );
    let core = Core::start(dir.path(), &worker, &[sink], rest);
    let out = wait_lines(&output, 4 * LINES, Duration::from_secs(120));
    let seen: HashSet<&str> = out.iter().map(String::as_str).collect();
    for codec in ["gzip", "snappy", "lz4", "zstd"] {
        let got = (0..LINES)
            .filter(|i| seen.contains(format!("{codec}-{i}").as_str()))
            .count();
        assert_eq!(
            got,
            LINES,
            "{codec}: {got} of {LINES} records reached the sink\n{}",
            core.log_text()
        );
    }
}
