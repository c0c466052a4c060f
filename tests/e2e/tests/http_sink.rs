//! The HttpSink connector (TypeScript, launched from `connectors/http-sink`) delivers every
//! record of a topic to a real HTTP server that sometimes answers 503, sometimes takes a
//! batch and still answers 503 (a lost response), and refuses one poison record with 400;
//! its process is killed once on the way. Every record arrives; duplicates carry the same
//! idempotency key; the poison record is reported as errant, lands in the dead letter queue
//! with its context headers, and the task keeps running.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use polyconnect_e2e::*;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

const RECORDS: usize = 3000;
const POISON: usize = 1234;

#[derive(Default)]
struct Receiver {
    requests: usize,
    /// (idempotency key, value) of every record taken, duplicates included.
    taken: Vec<(String, String)>,
    refused: usize,
}

async fn ingest(
    State(rx): State<Arc<Mutex<Receiver>>>,
    Json(records): Json<Vec<serde_json::Value>>,
) -> Response {
    let mut rx = rx.lock().unwrap();
    rx.requests += 1;
    let n = rx.requests;
    if n % 7 == 3 {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "0")],
            "busy",
        )
            .into_response();
    }
    if records.iter().any(|r| r["value"] == "poison") {
        rx.refused += 1;
        return (StatusCode::BAD_REQUEST, "poison").into_response();
    }
    for r in &records {
        let key = r["idempotencyKey"]
            .as_str()
            .expect("an idempotencyKey")
            .to_string();
        let value = r["value"].as_str().expect("a string value").to_string();
        rx.taken.push((key, value));
    }
    if n % 7 == 5 {
        // Taken, but the answer is lost: the sink must send these again.
        return (StatusCode::SERVICE_UNAVAILABLE, "lost").into_response();
    }
    StatusCode::OK.into_response()
}

fn value(i: usize) -> String {
    if i == POISON {
        "poison".into()
    } else {
        format!("rec-{i}")
    }
}

#[test]
fn every_record_arrives_once_per_idempotency_key() {
    let built = repo_root().join("connectors/http-sink/build/src/main.js");
    assert!(
        built.is_file(),
        "{} is missing: run scripts/setup/typescript.sh",
        built.display()
    );
    let bootstrap = bootstrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let receiver = Arc::new(Mutex::new(Receiver::default()));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let http_port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/ingest", post(ingest))
        .with_state(receiver.clone());
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });

    let topic = unique("http-sink");
    rt.block_on(async {
        create_topic(&bootstrap, &topic, 2).await;
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap)
            .create()
            .unwrap();
        for i in 0..RECORDS {
            let v = value(i);
            let key = format!("k{i}");
            producer
                .send(
                    FutureRecord::to(&topic).key(&key).payload(&v),
                    Duration::from_secs(10),
                )
                .await
                .expect("produce");
        }
    });

    let dir = tempfile::tempdir().unwrap();
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let conn = dir.path().join("http-sink.properties");
    write(
        &conn,
        &format!(
            "name=http-sink\nconnector.class=HttpSink\ntopics={topic}\n\
             http.url=http://127.0.0.1:{http_port}/ingest\nhttp.bearer.token=t0ken\n\
             batch.max.records=100\nbatch.linger.ms=50\nretry.backoff.ms=10\nretry.backoff.max.ms=200\n\
             errors.tolerance=all\nerrors.deadletterqueue.topic.name={topic}-dlq\n\
             errors.deadletterqueue.topic.replication.factor=1\n\
             errors.deadletterqueue.context.headers.enable=true\nerrors.log.enable=true\n"
        ),
    );
    let mut core = Core::start(dir.path(), &worker, &[conn], rest);
    core.wait_task_state("http-sink", 0, "RUNNING", Duration::from_secs(60));

    let distinct = |rx: &Receiver| {
        rx.taken
            .iter()
            .map(|(k, _)| k.clone())
            .collect::<BTreeSet<_>>()
            .len()
    };
    // Kill the connector process once a third has arrived; the core starts it again.
    let deadline = Instant::now() + Duration::from_secs(60);
    while distinct(&receiver.lock().unwrap()) < RECORDS / 3 {
        assert!(
            Instant::now() < deadline,
            "records stopped arriving\n{}",
            core.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pids = pids_with("http-sink/build/src/main.js");
    assert_eq!(pids.len(), 1, "one HttpSink process: {pids:?}");
    signal(pids[0], libc::SIGKILL);

    let deadline = Instant::now() + Duration::from_secs(90);
    while distinct(&receiver.lock().unwrap()) < RECORDS - 1 {
        assert!(
            Instant::now() < deadline,
            "{} of {} records arrived\n{}",
            distinct(&receiver.lock().unwrap()),
            RECORDS - 1,
            core.log_text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    core.wait_task_state("http-sink", 0, "RUNNING", Duration::from_secs(30));
    let log = core.log_text();
    core.stop();

    let rx = receiver.lock().unwrap();
    let mut by_key: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (k, v) in &rx.taken {
        by_key.entry(k.as_str()).or_default().insert(v.as_str());
    }
    // One value per key: a duplicate is the same record sent again, under the same key.
    for (k, vs) in &by_key {
        assert_eq!(vs.len(), 1, "key {k} carried different values: {vs:?}");
        let parts: Vec<&str> = k.rsplitn(3, '-').collect();
        assert_eq!(parts[2], topic, "key {k} names the topic");
        assert!(
            parts[1] == "0" || parts[1] == "1",
            "key {k} names the partition"
        );
    }
    let values: BTreeSet<String> = by_key
        .values()
        .flat_map(|vs| vs.iter().map(|v| v.to_string()))
        .collect();
    let expected: BTreeSet<String> = (0..RECORDS).filter(|&i| i != POISON).map(value).collect();
    assert_eq!(values, expected, "every record but the poison one arrived");
    assert!(
        rx.taken.len() > by_key.len(),
        "lost responses caused resends, each under the same key"
    );
    assert!(rx.refused >= 1, "the poison record was sent and refused");
    // The errant record went to the dead letter queue, with its original bytes and the
    // stage it failed in (reported again if the killed process had reported it already).
    let dead = read_with_headers(&format!("{topic}-dlq"), 1, Duration::from_secs(30));
    assert!(
        !dead.is_empty(),
        "the poison record is in the dead letter queue\n{log}"
    );
    for r in &dead {
        assert_eq!(r.value.as_deref(), Some(&b"poison"[..]));
        assert_eq!(r.key.as_deref(), Some(format!("k{POISON}").as_bytes()));
        assert_eq!(r.headers["__connect.errors.stage"], "TASK_PUT");
        assert_eq!(r.headers["__connect.errors.topic"], topic);
        assert_eq!(r.headers["__connect.errors.connector.name"], "http-sink");
        assert!(!r.headers["__connect.errors.exception.message"].is_empty());
    }
    println!(
        "requests: {}, records taken: {}, distinct: {}",
        rx.requests,
        rx.taken.len(),
        by_key.len()
    );
}
