//! The Kafka-backed stores of distributed mode on a real broker (`POLYCONNECT_TEST_BOOTSTRAP`,
//! default 127.0.0.1:9092; `make test` starts one): topic creation and checks, reading to
//! the end across instances, offsets / configs / statuses surviving a restart (a fresh
//! store reads what another wrote), the order of the config records, the placement of
//! offsets records and the status topic's safe-write rule.

mod kafka_stores_support;

use std::collections::BTreeMap;

use kafka_stores_support::*;
use polyconnect::data::Value;
use polyconnect::storage::configs::TargetState as StoredTargetState;
use polyconnect::storage::kafka_configs::KafkaConfigStore;
use polyconnect::storage::kafka_log::{ensure_topics, KafkaLog, KafkaLogError};
use polyconnect::storage::kafka_offsets::KafkaOffsetStore;
use polyconnect::storage::kafka_status::KafkaStatusStore;
use polyconnect_group::records::{RawConfig, Status, StatusState, TargetState};
use polyconnect_group::ConnectorTaskId;

fn raw(pairs: &[(&str, Option<&str>)]) -> RawConfig {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect()
}

fn map(k: &str, v: Value) -> Value {
    Value::Map(vec![(Value::String(k.into()), v)])
}

#[test]
fn murmur2_is_javas() {
    // Kafka's UtilsTest vectors.
    assert_eq!(murmur2(b"21"), -973932308);
    assert_eq!(murmur2(b"foobar"), -790332482);
    assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
    assert_eq!(murmur2(b"a-little-bit-longer-string"), -1486304829);
    assert_eq!(murmur2(b"abc"), 479470107);
}

#[tokio::test]
async fn missing_topics_are_created_compacted_with_their_partitions() {
    let offsets = unique("pc-offsets");
    let status = unique("pc-status");
    let config = unique("pc-config");
    let mut status_spec = status_spec(&status, 3);
    // -1: the broker's default replication factor.
    status_spec.replication_factor = -1;
    let mut offsets_spec = offsets_spec(&offsets, 4);
    offsets_spec.settings = vec![("retention.ms".into(), "600000".into())];
    ensure_topics(
        &base(),
        &[
            config_spec(&config),
            offsets_spec.clone(),
            status_spec.clone(),
        ],
    )
    .await
    .unwrap();
    assert_eq!(describe(&config).await, (1, "compact".to_string()));
    assert_eq!(describe(&offsets).await, (4, "compact".to_string()));
    assert_eq!(describe(&status).await, (3, "compact".to_string()));
    // -1 partitions: the broker's default (`num.partitions`, 1 on the test broker of
    // scripts/kafka.sh).
    let defaulted = unique("pc-default");
    let mut spec = kafka_stores_support::offsets_spec(&defaulted, -1);
    spec.replication_factor = -1;
    ensure_topics(&base(), &[spec]).await.unwrap();
    assert_eq!(describe(&defaulted).await, (1, "compact".to_string()));
    // Present and right: accepted again, unchanged.
    ensure_topics(&base(), &[offsets_spec, status_spec])
        .await
        .unwrap();
    assert_eq!(describe(&offsets).await, (4, "compact".to_string()));
}

#[tokio::test]
async fn a_config_topic_with_three_partitions_and_a_non_compacted_topic_are_refused() {
    let config = unique("pc-config3");
    let status = unique("pc-status-delete");
    create_topic(&config, 3, "compact").await;
    create_topic(&status, 1, "delete").await;

    let Err(e) = KafkaConfigStore::start(&base(), &config_spec(&config), "t").await else {
        panic!("a 3-partition config topic was accepted");
    };
    let msg = e.to_string();
    assert!(
        msg.contains(&format!(
            "Topic '{config}' supplied via the 'config.storage.topic' property is required to have a single \
             partition in order to guarantee consistency of connector configurations, but found 3 partitions."
        )),
        "{msg}"
    );

    let Err(e) = KafkaStatusStore::start(&base(), &status_spec(&status, 1), "t").await else {
        panic!("a non-compacted status topic was accepted");
    };
    // Kafka Connect's message, word for word.
    let expected = format!(
        "Topic '{status}' supplied via the 'status.storage.topic' property is required to have \
         'cleanup.policy=compact' to guarantee consistency and durability of connector and task statuses, but \
         found the topic currently has 'cleanup.policy=delete'. Continuing would likely result in eventually \
         losing connector and task statuses and problems restarting this Connect cluster in the future. Change \
         the 'status.storage.topic' property in the Connect worker configurations to use a topic with \
         'cleanup.policy=compact'."
    );
    assert_eq!(e.to_string(), expected);

    // Both at once: every problem is reported, one per line.
    match ensure_topics(&base(), &[config_spec(&config), status_spec(&status, 1)]).await {
        Err(KafkaLogError::Topics(problems)) => {
            assert_eq!(problems.len(), 2, "{problems:?}");
            assert!(problems[0].contains("found 3 partitions"));
            assert_eq!(problems[1], expected);
        }
        other => panic!("expected both problems, got {other:?}"),
    }
    // The topics were left as they were.
    assert_eq!(describe(&config).await, (3, "compact".to_string()));
    assert_eq!(describe(&status).await, (1, "delete".to_string()));
}

#[tokio::test]
async fn read_to_end_sees_the_writes_of_another_instance() {
    let topic = unique("pc-log");
    ensure_topics(&base(), &[status_spec(&topic, 3)])
        .await
        .unwrap();
    let a = KafkaLog::open(&base(), &topic, "a").await.unwrap();
    let b = KafkaLog::open(&base(), &topic, "b").await.unwrap();
    assert!(b.read_to_end().await.unwrap().is_empty());

    let written: Vec<(String, Option<Vec<u8>>)> = (0..60)
        .map(|i| (format!("k{}", i % 20), Some(format!("v{i}").into_bytes())))
        .collect();
    a.send(&written).await.unwrap();
    // B reads all of them at once, in each key's write order, with nothing else pending.
    let read = b.read_to_end().await.unwrap();
    assert_eq!(read.len(), 60);
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    for r in &read {
        let v = String::from_utf8(r.value.clone().unwrap()).unwrap();
        let n: usize = v[1..].parse().unwrap();
        if let Some(prev) = last.get(r.key.as_ref().unwrap()) {
            assert!(prev[1..].parse::<usize>().unwrap() < n, "out of order");
        }
        last.insert(r.key.clone().unwrap(), v);
    }
    assert_eq!(last["k3"], "v43");
    assert!(b.read_to_end().await.unwrap().is_empty());

    // And the other way, tombstones included.
    b.send(&[("k3".into(), None)]).await.unwrap();
    let read = a.read_to_end().await.unwrap();
    assert_eq!(read.len(), 61, "A reads its own writes and B's");
    let tomb = read.last().unwrap();
    assert_eq!(tomb.key.as_deref(), Some("k3"));
    assert_eq!(tomb.value, None);
}

#[tokio::test]
async fn offsets_written_by_one_store_are_read_back_by_a_fresh_one() {
    let topic = unique("pc-offsets");
    let spec = offsets_spec(&topic, 5);
    let s = KafkaOffsetStore::start(&base(), &spec, "w1").await.unwrap();
    let parts: Vec<Value> = (0..8)
        .map(|i| map("filename", Value::String(format!("/data/in-{i}.txt"))))
        .collect();
    s.put_and_flush(
        "src",
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p.clone(),
                    Some(map("position", Value::Int64(i as i64 * 100))),
                )
            })
            .collect(),
    )
    .await
    .unwrap();
    s.put_and_flush(
        "other",
        vec![(parts[0].clone(), Some(map("position", Value::Int64(7))))],
    )
    .await
    .unwrap();
    // A reset: a tombstone.
    s.put_and_flush("src", vec![(parts[1].clone(), None)])
        .await
        .unwrap();

    // A restart: a new store reads the topic from the beginning.
    let fresh = KafkaOffsetStore::start(&base(), &spec, "w2").await.unwrap();
    let mut got = fresh.offsets("src").await.unwrap();
    got.sort_by_key(|(p, _)| format!("{p:?}"));
    assert_eq!(got.len(), 7);
    assert_eq!(
        fresh.offset("src", &parts[5]).await.unwrap(),
        Some(map("position", Value::Int64(500)))
    );
    assert_eq!(fresh.offset("src", &parts[1]).await.unwrap(), None);
    assert_eq!(
        fresh.offset("other", &parts[0]).await.unwrap(),
        Some(map("position", Value::Int64(7)))
    );
    // The first store sees what it wrote too, and what a second writer writes.
    fresh
        .put_and_flush(
            "src",
            vec![(parts[5].clone(), Some(map("position", Value::Int64(501))))],
        )
        .await
        .unwrap();
    assert_eq!(
        s.offset("src", &parts[5]).await.unwrap(),
        Some(map("position", Value::Int64(501)))
    );

    // The bytes and the placement are Kafka Connect's: the key JSON, the value JSON, the
    // partition Java's murmur2 gives the key.
    let records = read_all(&topic);
    assert_eq!(records.len(), 8 + 1 + 1 + 1);
    for (partition, _, key, _) in &records {
        assert_eq!(*partition, java_partition(key.as_bytes(), 5), "{key}");
    }
    assert!(records.iter().any(
        |(_, _, k, v)| k == r#"["src",{"filename":"/data/in-5.txt"}]"#
            && v.as_deref() == Some(r#"{"position":500}"#)
    ));
    assert!(records
        .iter()
        .any(|(_, _, k, v)| k == r#"["src",{"filename":"/data/in-1.txt"}]"# && v.is_none()));
}

#[tokio::test]
async fn configs_are_written_in_kafka_connects_order_and_read_back_by_a_fresh_store() {
    let topic = unique("pc-configs");
    let spec = config_spec(&topic);
    let s = KafkaConfigStore::start(&base(), &spec, "w1").await.unwrap();
    let config = raw(&[
        ("connector.class", Some("FileStreamSource")),
        ("tasks.max", Some("2")),
        ("file", Some("${env:HOME}/in.txt")),
        ("nullable", None),
    ]);
    s.put_connector_config("src", config.clone(), Some(TargetState::Paused))
        .await
        .unwrap();
    let task = |n: &str| {
        let mut c = config.clone();
        c.insert("task.n".into(), Some(n.into()));
        c
    };
    s.put_task_configs("src", vec![task("0"), task("1")])
        .await
        .unwrap();
    s.put_connector_config("gone", raw(&[("connector.class", Some("X"))]), None)
        .await
        .unwrap();
    s.remove_connector_config("gone").await.unwrap();

    let keys: Vec<String> = read_all(&topic).into_iter().map(|r| r.2).collect();
    assert_eq!(
        keys,
        [
            "target-state-src",
            "connector-src",
            "task-src-0",
            "task-src-1",
            "commit-src",
            "connector-gone",
            "connector-gone",
            "target-state-gone"
        ]
    );

    // A restart.
    let fresh = KafkaConfigStore::start(&base(), &spec, "w2").await.unwrap();
    let state = fresh.snapshot();
    assert_eq!(state.connector_config("src"), Some(&config));
    assert_eq!(state.target_state("src"), Some(TargetState::Paused));
    assert!(!state.contains("gone"));
    assert_eq!(state.target_state("gone"), None);
    let tasks = fresh.task_configs("src");
    assert_eq!(
        tasks,
        vec![
            (ConnectorTaskId::new("src", 0), task("0")),
            (ConnectorTaskId::new("src", 1), task("1"))
        ]
    );
    // The file store's shape: null values dropped, references kept unresolved.
    let stored = fresh.get("src").unwrap();
    assert_eq!(stored.target_state, StoredTargetState::Paused);
    assert_eq!(stored.config["file"], "${env:HOME}/in.txt");
    assert!(!stored.config.contains_key("nullable"));
    assert_eq!(fresh.all().len(), 1);
    assert_eq!(state.offset(), 8, "the config offset: last record + 1");

    // The first store sees the second one's writes when it reads.
    fresh
        .put_target_state("src", TargetState::Stopped)
        .await
        .unwrap();
    assert_eq!(s.snapshot().target_state("src"), Some(TargetState::Paused));
    let changes = s.refresh().await.unwrap();
    assert_eq!(
        changes,
        vec![polyconnect_group::config_state::ConfigChange::TargetStateChanged("src".into())]
    );
    assert_eq!(s.snapshot().target_state("src"), Some(TargetState::Stopped));
}

fn status(state: StatusState, worker: &str, generation: i32) -> Status {
    Status {
        state,
        trace: None,
        worker_id: worker.into(),
        generation,
        version: Some("1.0".into()),
    }
}

#[tokio::test]
async fn statuses_follow_the_safe_write_rule_and_survive_a_restart() {
    let topic = unique("pc-status");
    let spec = status_spec(&topic, 3);
    let a = KafkaStatusStore::start(&base(), &spec, "a").await.unwrap();
    let t0 = ConnectorTaskId::new("src", 0);
    let t1 = ConnectorTaskId::new("src", 1);
    a.put_connector("src", status(StatusState::Running, "a:8083", 5))
        .await
        .unwrap();
    a.put_task(&t0, status(StatusState::Running, "a:8083", 5))
        .await
        .unwrap();
    a.put_task(&t1, status(StatusState::Running, "a:8083", 5))
        .await
        .unwrap();

    // Worker B, started after, of an older generation: refused, nothing written.
    let b = KafkaStatusStore::start(&base(), &spec, "b").await.unwrap();
    let before = read_all(&topic).len();
    assert!(!b
        .put_connector_safe("src", status(StatusState::Unassigned, "b:8083", 4))
        .await
        .unwrap());
    assert!(!b
        .put_task_safe(&t0, status(StatusState::Failed, "b:8083", 4))
        .await
        .unwrap());
    assert_eq!(
        read_all(&topic).len(),
        before,
        "a refused write reached the topic"
    );
    // The same generation or a newer one may overwrite (Kafka Connect's `<=`).
    assert!(b
        .put_connector_safe("src", status(StatusState::Running, "b:8083", 5))
        .await
        .unwrap());
    assert!(b
        .put_task_safe(&t0, status(StatusState::Running, "b:8083", 6))
        .await
        .unwrap());
    // A, now behind, reads B's statuses and may not overwrite them with its generation 5...
    a.refresh().await.unwrap();
    assert!(!a
        .put_task_safe(&t0, status(StatusState::Failed, "a:8083", 5))
        .await
        .unwrap());
    // ...but may write its own task, and an unsafe write always goes through.
    assert!(a
        .put_task_safe(&t1, status(StatusState::Paused, "a:8083", 5))
        .await
        .unwrap());
    // An UNASSIGNED of an older generation read after a RUNNING is not applied.
    a.put_task(&t0, status(StatusState::Unassigned, "a:8083", 5))
        .await
        .unwrap();
    assert_eq!(a.task(&t0).unwrap().state, StatusState::Running);
    a.put_topic("src", "orders", 0, 1_700_000_000_000)
        .await
        .unwrap();

    // A restart reads everything back.
    let fresh = KafkaStatusStore::start(&base(), &spec, "c").await.unwrap();
    assert_eq!(
        fresh.connector("src"),
        Some(status(StatusState::Running, "b:8083", 5))
    );
    assert_eq!(
        fresh.tasks("src"),
        vec![
            (0, status(StatusState::Running, "b:8083", 6)),
            (1, status(StatusState::Paused, "a:8083", 5))
        ]
    );
    assert_eq!(fresh.topics("src").len(), 1);
    assert_eq!(fresh.topics("src")["orders"].task, Some(0));

    // A delete tombstones the connector's and its tasks' statuses.
    fresh.delete_connector("src").await.unwrap();
    fresh.reset_topics("src").await.unwrap();
    let after = KafkaStatusStore::start(&base(), &spec, "d").await.unwrap();
    assert_eq!(after.connector("src"), None);
    assert!(after.tasks("src").is_empty());
    assert!(after.topics("src").is_empty());
    let tombstones: Vec<String> = read_all(&topic)
        .into_iter()
        .filter(|r| r.3.is_none())
        .map(|r| r.2)
        .collect();
    for k in [
        "status-connector-src",
        "status-task-src-0",
        "status-task-src-1",
        "status-topic-orders:connector-src",
    ] {
        assert!(
            tombstones.iter().any(|t| t == k),
            "no tombstone for {k}: {tombstones:?}"
        );
    }
}

#[tokio::test]
async fn a_following_config_store_reports_every_change_its_own_and_others() {
    use polyconnect_group::config_state::ConfigChange;
    let topic = unique("pc-follow");
    let spec = config_spec(&topic);
    let a = std::sync::Arc::new(KafkaConfigStore::start(&base(), &spec, "a").await.unwrap());
    let b = KafkaConfigStore::start(&base(), &spec, "b").await.unwrap();
    let mut changes = a.changes();
    let follower = a.spawn_follower(std::time::Duration::from_millis(50));

    // Another worker's writes arrive without anyone on A calling refresh.
    b.put_connector_config("x", raw(&[("connector.class", Some("X"))]), None)
        .await
        .unwrap();
    b.put_task_configs("x", vec![raw(&[("t", Some("0"))])])
        .await
        .unwrap();
    // A's own write: its internal read applies the change, which still reaches the receiver.
    a.put_target_state("x", TargetState::Paused).await.unwrap();
    b.put_restart_request("x", true, true).await.unwrap();
    b.remove_connector_config("x").await.unwrap();

    let want = vec![
        ConfigChange::ConnectorUpdated("x".into()),
        ConfigChange::TasksCommitted("x".into()),
        ConfigChange::TargetStateChanged("x".into()),
        ConfigChange::RestartRequested {
            connector: "x".into(),
            include_tasks: true,
            only_failed: true,
        },
        ConfigChange::ConnectorRemoved("x".into()),
    ];
    let mut got = Vec::new();
    while got.len() < want.len() {
        match tokio::time::timeout(std::time::Duration::from_secs(10), changes.recv()).await {
            Ok(Some(c)) => got.push(c),
            other => panic!("changes stopped at {got:?}: {other:?}"),
        }
    }
    assert_eq!(got, want);
    assert!(!a.snapshot().contains("x"));
    follower.abort();
}

/// What `scripts/kafka.sh secure-info` prints about the test broker's secured listeners.
fn secure_info() -> BTreeMap<String, String> {
    let b = bootstrap();
    let port = b.rsplit(':').next().unwrap().to_string();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/kafka.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .arg("secure-info")
        .env("KAFKA_PORT", port)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/kafka.sh secure-info: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The internal topics' clients take the worker's top-level settings as a Kafka Connect
/// user writes them (SCRAM-SHA-256 in a JAAS line, a PKCS12 truststore) over SASL_SSL.
#[tokio::test]
async fn the_internal_topics_work_over_sasl_ssl_with_kafka_connects_settings() {
    let info = secure_info();
    let jaas = format!(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"{}\" password=\"{}\";",
        info["sasl.username"], info["sasl.password"]
    );
    let props: polyconnect::config::Props = [
        ("bootstrap.servers", info["sasl_ssl.bootstrap"].as_str()),
        ("security.protocol", "SASL_SSL"),
        ("sasl.mechanism", "SCRAM-SHA-256"),
        ("sasl.jaas.config", jaas.as_str()),
        ("ssl.truststore.location", info["truststore.p12"].as_str()),
        ("ssl.truststore.password", info["store.password"].as_str()),
        ("ssl.truststore.type", "PKCS12"),
        ("ssl.protocol", "TLSv1.3"),
        (
            "key.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
        (
            "value.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let worker = polyconnect::config::WorkerConfig::from_props(props).unwrap();
    let base = polyconnect::storage::kafka_log::base_client_config(&worker).unwrap();
    let topic = unique("pc-secure-log");
    ensure_topics(&base, &[status_spec(&topic, 2)])
        .await
        .unwrap();
    let a = KafkaLog::open(&base, &topic, "a").await.unwrap();
    let written: Vec<(String, Option<Vec<u8>>)> = (0..20)
        .map(|i| (format!("k{i}"), Some(format!("v{i}").into_bytes())))
        .collect();
    a.send(&written).await.unwrap();
    let b = KafkaLog::open(&base, &topic, "b").await.unwrap();
    assert_eq!(b.read_to_end().await.unwrap().len(), 20);
}
