//! Distributed workers on secured listeners only: every client of the worker (the internal
//! topics' clients, the tasks' producers and consumers, the admin clients, and the group
//! client that joins the worker group) reaches the broker through the listener the worker
//! file names, with the settings written as a Kafka Connect user writes them (a JAAS line,
//! a PKCS12 truststore or keystore, `producer.` / `consumer.` / `admin.` copies).
//!
//! - SASL_SSL with SCRAM-SHA-512: two workers run a FileStream source → topic → FileStream
//!   sink pipeline while numbered lines are appended; the worker running the sink's task
//!   is SIGKILLed, its work moves to the other, and every line reaches the output
//!   (0 missing; duplicates printed, as at-least-once allows them after a kill).
//! - mTLS (SSL with a client certificate): a worker joins its group and runs a pipeline.
//! - A wrong password: the worker stops at start with the broker's refusal in its log and
//!   a failing exit status, the password nowhere.
//! - OAUTHBEARER with an identity provider (the client-credentials flow): the test runs the
//!   provider's token endpoint, which signs access tokens with the key whose JWKS the
//!   broker's OAUTH listener checks them against. A worker whose every client (librdkafka's
//!   `oidc` method and the group client) gets its tokens there runs a pipeline; a refused
//!   client secret, and an unsigned token, stop the worker at start with the cause.
//!
//! The secured listeners are the ones `scripts/kafka.sh up` starts beside the plaintext
//! one (`scripts/kafka.sh secure-info`; set `POLYCONNECT_STATE` when the broker was started
//! from another checkout).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use polyconnect_e2e::cluster::{items, Cluster, Items};
use polyconnect_e2e::faults::rest;
use polyconnect_e2e::idp::{client_credentials, TokenEndpoint, CLIENT_ID, CLIENT_SECRET};
use polyconnect_e2e::*;

fn secure() -> BTreeMap<String, String> {
    secure_info()
}

/// The settings at the top level (the internal topics' clients and the group client), and
/// with the `producer.`, `consumer.` and `admin.` prefixes, as Kafka Connect needs them.
/// `bootstrap.servers` names the secured listener only.
fn worker_security(bootstrap: &str, settings: &[(&str, String)]) -> String {
    let mut out = format!("bootstrap.servers={bootstrap}\n");
    for prefix in ["", "producer.", "consumer.", "admin."] {
        for (k, v) in settings {
            out.push_str(&format!("{prefix}{k}={v}\n"));
        }
    }
    out
}

fn scram(s: &BTreeMap<String, String>, password: &str) -> String {
    worker_security(
        &s["sasl_ssl.bootstrap"],
        &[
            ("security.protocol", "SASL_SSL".into()),
            ("sasl.mechanism", "SCRAM-SHA-512".into()),
            (
                "sasl.jaas.config",
                format!(
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"{}\" password=\"{password}\";",
                    s["sasl.username"]
                ),
            ),
            ("ssl.truststore.location", s["truststore.p12"].clone()),
            ("ssl.truststore.password", s["store.password"].clone()),
            ("ssl.truststore.type", "PKCS12".into()),
        ],
    )
}

fn mtls(s: &BTreeMap<String, String>) -> String {
    worker_security(
        &s["ssl.bootstrap"],
        &[
            ("security.protocol", "SSL".into()),
            ("ssl.truststore.location", s["truststore.p12"].clone()),
            ("ssl.truststore.password", s["store.password"].clone()),
            ("ssl.truststore.type", "PKCS12".into()),
            ("ssl.keystore.location", s["client.keystore.p12"].clone()),
            ("ssl.keystore.password", s["store.password"].clone()),
            ("ssl.keystore.type", "PKCS12".into()),
            ("ssl.key.password", s["store.password"].clone()),
        ],
    )
}

/// Creates FileStreamSource `in` → `topic` and FileStreamSink `topic` → `out` through `via`.
fn create_pipeline(via: &Core, name: &str, input: &Path, topic: &str, output: &Path) {
    for (kind, class, key, file) in [
        ("src", "FileStreamSource", "topic", input),
        ("snk", "FileStreamSink", "topics", output),
    ] {
        let (code, body) = rest(
            via,
            "POST",
            "/connectors",
            Some(serde_json::json!({
                "name": format!("{name}-{kind}"),
                "config": {
                    "connector.class": class,
                    "tasks.max": "1",
                    "file": file.display().to_string(),
                    key: topic,
                }
            })),
        );
        assert_eq!(code, 201, "create {name}-{kind}: {body}");
    }
}

/// Waits until every connector and task of `connectors` is RUNNING on one of `on`.
fn wait_running_on(
    cluster: &Cluster,
    connectors: &[String],
    on: &BTreeSet<String>,
    timeout: Duration,
) -> Items {
    let deadline = Instant::now() + timeout;
    let mut last = Items::new();
    while Instant::now() < deadline {
        last = items(cluster.any(), connectors);
        let complete = last.len() == connectors.len() * 2
            && last
                .values()
                .all(|(state, worker)| state == "RUNNING" && on.contains(worker));
        if complete {
            return last;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "not every connector and task RUNNING on {on:?} within {timeout:?}: {last:#?}{}",
        cluster.logs()
    );
}

/// Appends numbered lines (`00000000`, `00000001`, ...) to a file until stopped.
struct Writer {
    stop: Arc<AtomicBool>,
    written: Arc<AtomicU64>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    fn start(input: PathBuf) -> Writer {
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let (s, w) = (stop.clone(), written.clone());
        let handle = std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&input)
                .unwrap();
            while !s.load(Ordering::SeqCst) {
                let from = w.load(Ordering::SeqCst);
                let batch: String = (from..from + 20).map(|i| format!("{i:08}\n")).collect();
                f.write_all(batch.as_bytes()).unwrap();
                f.flush().unwrap();
                w.store(from + 20, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Writer {
            stop,
            written,
            handle: Some(handle),
        }
    }

    fn finish(&mut self) -> u64 {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            h.join().unwrap();
        }
        self.written.load(Ordering::SeqCst)
    }
}

/// The sequence numbers in `output`: (distinct of 0..expected seen, duplicates, other lines).
fn count(output: &Path, expected: u64) -> (u64, u64, u64) {
    let text = std::fs::read_to_string(output).unwrap_or_default();
    let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
    let mut other = 0;
    for l in text.lines() {
        match l.parse::<u64>() {
            Ok(seq) if seq < expected => *seen.entry(seq).or_default() += 1,
            _ => other += 1,
        }
    }
    let duplicates = seen.values().map(|n| n - 1).sum();
    (seen.len() as u64, duplicates, other)
}

/// Waits until `output` holds every line of 0..expected (or the time is up); returns the count.
fn wait_output(output: &Path, expected: u64, timeout: Duration) -> (u64, u64, u64) {
    let deadline = Instant::now() + timeout;
    loop {
        let c = count(output, expected);
        if c.0 == expected || Instant::now() > deadline {
            return c;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn two_workers_on_sasl_ssl_only_keep_every_line_when_one_dies() {
    let s = secure();
    let group = unique("dsec");
    let mut cluster = Cluster::start(&group, 2, &scram(&s, &s["sasl.password"]));
    cluster.wait_formed(Duration::from_secs(90));
    for w in cluster.workers.iter().flatten() {
        let log = w.log_text();
        assert!(
            log.contains("joined group"),
            "the group client joined:\n{log}"
        );
    }
    let dir = cluster.dir.path().to_path_buf();
    let input = dir.join("in.txt");
    let output = dir.join("out.txt");
    std::fs::File::create(&input).unwrap();
    let topic = format!("{group}-lines");
    create_pipeline(cluster.worker(1), "lines", &input, &topic, &output);
    let connectors = vec!["lines-src".to_string(), "lines-snk".to_string()];
    let all = cluster.live_ids();
    let placed = wait_running_on(&cluster, &connectors, &all, Duration::from_secs(90));
    println!("placed: {placed:?}");

    let mut writer = Writer::start(input);
    // Lines flow end to end before the kill.
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&output, 100).0 < 100 {
        assert!(
            Instant::now() < deadline,
            "no lines reached the output:{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // The worker running the sink's task dies; everything runs on the other.
    let sink_worker = &placed["lines-snk/0"].1;
    let victim = (0..2)
        .find(|&i| &cluster.worker_id(i) == sink_worker)
        .expect("the sink task's worker");
    cluster.kill(victim);
    let survivor: BTreeSet<String> = cluster.live_ids();
    let moved = wait_running_on(&cluster, &connectors, &survivor, Duration::from_secs(90));
    println!("after SIGKILL of {sink_worker}: {moved:?}");
    // More lines after the move, then every one of them is counted.
    std::thread::sleep(Duration::from_secs(3));
    let written = writer.finish();
    let (seen, duplicates, other) = wait_output(&output, written, Duration::from_secs(120));
    println!(
        "SASL_SSL pipeline: lines={written} out_distinct={seen} missing={} duplicated={duplicates} other={other}",
        written - seen
    );
    assert_eq!(other, 0, "lines nobody appended");
    assert_eq!(written - seen, 0, "lines lost:{}", cluster.logs());
    cluster.stop();
}

#[test]
fn a_worker_on_mtls_only_joins_and_runs_a_pipeline() {
    let s = secure();
    let group = unique("dmtls");
    let mut cluster = Cluster::start(&group, 1, &mtls(&s));
    cluster.wait_formed(Duration::from_secs(90));
    let dir = cluster.dir.path().to_path_buf();
    let input = dir.join("in.txt");
    let output = dir.join("out.txt");
    let lines: String = (0..200u64).map(|i| format!("{i:08}\n")).collect();
    std::fs::write(&input, lines).unwrap();
    create_pipeline(
        cluster.worker(0),
        "m",
        &input,
        &format!("{group}-lines"),
        &output,
    );
    let connectors = vec!["m-src".to_string(), "m-snk".to_string()];
    wait_running_on(
        &cluster,
        &connectors,
        &cluster.live_ids(),
        Duration::from_secs(90),
    );
    let (seen, duplicates, other) = wait_output(&output, 200, Duration::from_secs(90));
    println!("mTLS pipeline: lines=200 out_distinct={seen} duplicated={duplicates} other={other}");
    assert_eq!((seen, other), (200, 0), "{}", cluster.logs());
    cluster.stop();
}

#[test]
fn a_wrong_password_stops_the_worker_at_start_with_the_cause() {
    let s = secure();
    let text = worker_refused_at_start(&scram(&s, "wrong-secret-password"), &unique("dwrong"));
    assert!(
        text.contains("SASL SCRAM-SHA-512 authentication failed")
            && text.contains("invalid credentials"),
        "the cause is in the log:\n{text}"
    );
    assert!(!text.contains("wrong-secret-password"), "{text}");
}

fn oauth(s: &BTreeMap<String, String>, token_endpoint: &str, secret: &str) -> String {
    let settings = client_credentials(token_endpoint, secret);
    worker_security(&s["oauth.bootstrap"], &settings)
}

#[test]
fn a_worker_with_an_identity_providers_tokens_runs_a_pipeline() {
    let s = secure();
    let idp = TokenEndpoint::start(&s);
    let group = unique("doauth");
    let mut cluster = Cluster::start(&group, 2, &oauth(&s, &idp.url, CLIENT_SECRET));
    cluster.wait_formed(Duration::from_secs(90));
    let dir = cluster.dir.path().to_path_buf();
    let input = dir.join("in.txt");
    let output = dir.join("out.txt");
    let lines: String = (0..300u64).map(|i| format!("{i:08}\n")).collect();
    std::fs::write(&input, lines).unwrap();
    create_pipeline(
        cluster.worker(1),
        "o",
        &input,
        &format!("{group}-lines"),
        &output,
    );
    let connectors = vec!["o-src".to_string(), "o-snk".to_string()];
    wait_running_on(
        &cluster,
        &connectors,
        &cluster.live_ids(),
        Duration::from_secs(90),
    );
    let (seen, duplicates, other) = wait_output(&output, 300, Duration::from_secs(90));
    let issued = idp.issued.load(Ordering::SeqCst);
    println!(
        "OAUTHBEARER pipeline: lines=300 out_distinct={seen} duplicated={duplicates} other={other}; tokens issued={issued}, refused={}",
        idp.refused.load(Ordering::SeqCst)
    );
    assert_eq!((seen, other), (300, 0), "{}", cluster.logs());
    // The group clients and librdkafka's clients of two workers: well over two tokens.
    assert!(issued >= 4, "tokens issued: {issued}");
    assert_eq!(idp.refused.load(Ordering::SeqCst), 0);
    cluster.stop();
}

/// Starts a worker with `security` that must stop at start; returns its log.
fn worker_refused_at_start(security: &str, group: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let file = dir.path().join("worker.properties");
    write(
        &file,
        &format!(
            "{}{security}\nlisteners=http://127.0.0.1:{port}\nplugin.path={}\n",
            distributed_common_properties(group),
            repo_root().join("connectors").display()
        ),
    );
    let log = dir.path().join("core.log");
    let mut child = Command::new(binary("polyconnect"))
        .arg("distributed")
        .arg(&file)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the worker kept running:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = std::fs::read_to_string(&log).unwrap();
    println!(
        "exit: {status}\n{}",
        text.lines().rev().take(3).collect::<Vec<_>>().join("\n")
    );
    assert!(!status.success(), "{status}\n{text}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no REST API left behind"
    );
    text
}

#[test]
fn a_refused_client_secret_or_an_unsigned_token_stops_the_worker_with_the_cause() {
    let s = secure();
    let idp = TokenEndpoint::start(&s);
    let text = worker_refused_at_start(
        &oauth(&s, &idp.url, "not-the-secret-9c1e"),
        &unique("doauthno"),
    );
    assert!(
        text.contains(&format!("refused client {CLIENT_ID} with 401"))
            && text.contains("invalid_client"),
        "the provider's refusal is in the log:\n{text}"
    );
    assert!(!text.contains("not-the-secret-9c1e"), "{text}");
    assert!(idp.refused.load(Ordering::SeqCst) >= 1);
    assert_eq!(idp.issued.load(Ordering::SeqCst), 0);

    // The OAUTH listener checks signatures: a token the client signs with nothing is refused.
    let unsigned = worker_security(
        &s["oauth.bootstrap"],
        &[
            ("security.protocol", "SASL_PLAINTEXT".into()),
            ("sasl.mechanism", "OAUTHBEARER".into()),
            (
                "sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=\"intruder\";".into(),
            ),
        ],
    );
    let text = worker_refused_at_start(&unsigned, &unique("doauthnone"));
    assert!(
        text.contains("SASL OAUTHBEARER authentication failed"),
        "the broker's refusal is in the log:\n{text}"
    );
}
