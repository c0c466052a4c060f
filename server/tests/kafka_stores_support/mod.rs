//! What the Kafka-backed store tests share: the broker (`POLYCONNECT_TEST_BOOTSTRAP`, as
//! the end-to-end tests read it; `make test` starts one), unique names, an admin client.

#![allow(dead_code)]

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, ResourceSpecifier, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

use polyconnect::storage::kafka_log::TopicSpec;

/// The broker; a test fails (never skips) without one.
pub fn bootstrap() -> String {
    let b = std::env::var("POLYCONNECT_TEST_BOOTSTRAP").unwrap_or_else(|_| "127.0.0.1:9092".into());
    let addr = b.split(',').next().unwrap_or(&b).to_string();
    if std::net::TcpStream::connect_timeout(
        &addr.parse().expect("bootstrap address"),
        Duration::from_secs(2),
    )
    .is_err()
    {
        panic!("no Kafka broker at {b}: start one with `make kafka-up` (or set POLYCONNECT_TEST_BOOTSTRAP)");
    }
    b
}

pub fn base() -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap());
    c
}

pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}

pub fn spec(
    name: &str,
    setting: &'static str,
    purpose: &'static str,
    partitions: i32,
) -> TopicSpec {
    TopicSpec {
        name: name.to_string(),
        setting,
        purpose,
        partitions,
        replication_factor: 1,
        single_partition: setting == "config.storage.topic",
        settings: Vec::new(),
    }
}

pub fn config_spec(name: &str) -> TopicSpec {
    spec(name, "config.storage.topic", "connector configurations", 1)
}

pub fn offsets_spec(name: &str, partitions: i32) -> TopicSpec {
    spec(
        name,
        "offset.storage.topic",
        "source connector offsets",
        partitions,
    )
}

pub fn status_spec(name: &str, partitions: i32) -> TopicSpec {
    spec(
        name,
        "status.storage.topic",
        "connector and task statuses",
        partitions,
    )
}

pub fn admin() -> AdminClient<DefaultClientContext> {
    base().create().unwrap()
}

/// Creates a topic directly (not through the stores), with a cleanup policy.
pub async fn create_topic(name: &str, partitions: i32, cleanup_policy: &str) {
    let t = NewTopic::new(name, partitions, TopicReplication::Fixed(1))
        .set("cleanup.policy", cleanup_policy);
    let r = admin()
        .create_topics([&t], &AdminOptions::new())
        .await
        .unwrap();
    r[0].as_ref().expect("topic created");
}

/// (partition count, cleanup.policy) as the broker describes the topic.
pub async fn describe(name: &str) -> (usize, String) {
    let a = admin();
    let md = a
        .inner()
        .fetch_metadata(Some(name), Duration::from_secs(10))
        .unwrap();
    let parts = md.topics()[0].partitions().len();
    let cfg = a
        .describe_configs([&ResourceSpecifier::Topic(name)], &AdminOptions::new())
        .await
        .unwrap();
    let policy = cfg[0]
        .as_ref()
        .unwrap()
        .get("cleanup.policy")
        .and_then(|e| e.value.clone())
        .unwrap_or_default();
    (parts, policy)
}

/// Every record of a topic as (partition, offset, key, value), read independently of the
/// stores.
pub fn read_all(topic: &str) -> Vec<(i32, i64, String, Option<String>)> {
    let c: BaseConsumer = base()
        .set("group.id", unique("reader"))
        .set("enable.partition.eof", "false")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let md = c
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    let mut ends = Vec::new();
    for p in md.topics()[0].partitions() {
        tpl.add_partition_offset(topic, p.id(), Offset::Beginning)
            .unwrap();
        let (_, high) = c
            .fetch_watermarks(topic, p.id(), Duration::from_secs(10))
            .unwrap();
        ends.push((p.id(), high));
    }
    c.assign(&tpl).unwrap();
    let total: i64 = ends.iter().map(|(_, h)| *h).sum();
    let mut out = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while (out.len() as i64) < total {
        assert!(
            std::time::Instant::now() < deadline,
            "could not read {topic} ({} of {total})",
            out.len()
        );
        if let Some(Ok(m)) = c.poll(Duration::from_millis(200)) {
            out.push((
                m.partition(),
                m.offset(),
                String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned(),
                m.payload().map(|v| String::from_utf8_lossy(v).into_owned()),
            ));
        }
    }
    out.sort();
    out
}

/// Java's `Utils.murmur2` (the default partitioner's hash of the key bytes).
pub fn murmur2(data: &[u8]) -> i32 {
    let seed: u32 = 0x9747_b28c;
    let m: u32 = 0x5bd1_e995;
    let r = 24;
    let len = data.len();
    let mut h: u32 = seed ^ (len as u32);
    let chunks = len / 4;
    for i in 0..chunks {
        let mut k = u32::from_le_bytes([
            data[i * 4],
            data[i * 4 + 1],
            data[i * 4 + 2],
            data[i * 4 + 3],
        ]);
        k = k.wrapping_mul(m);
        k ^= k >> r;
        k = k.wrapping_mul(m);
        h = h.wrapping_mul(m);
        h ^= k;
    }
    let rest = &data[chunks * 4..];
    if rest.len() >= 3 {
        h ^= (rest[2] as u32) << 16;
    }
    if rest.len() >= 2 {
        h ^= (rest[1] as u32) << 8;
    }
    if !rest.is_empty() {
        h ^= rest[0] as u32;
        h = h.wrapping_mul(m);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(m);
    h ^= h >> 15;
    h as i32
}

/// The partition Java's producer gives a keyed record.
pub fn java_partition(key: &[u8], partitions: i32) -> i32 {
    (murmur2(key) & 0x7fff_ffff) % partitions
}

/// A port nothing listens on now, never handed out before in this process (the kernel
/// may give one ephemeral port to two binds in a row).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// The settings of an in-process distributed member of `group` on the test broker: its
/// internal topics named after the group, replication factor 1, short session and
/// shutdown timeouts; `extra` added on top (its keys win).
pub fn member_props(group: &str, extra: &[(&str, String)]) -> polyconnect::config::Props {
    let mut props = polyconnect::config::Props::new();
    for (k, v) in [
        ("bootstrap.servers", bootstrap()),
        ("group.id", group.to_string()),
        ("config.storage.topic", format!("{group}-configs")),
        ("offset.storage.topic", format!("{group}-offsets")),
        ("status.storage.topic", format!("{group}-status")),
        ("config.storage.replication.factor", "1".into()),
        ("offset.storage.replication.factor", "1".into()),
        ("status.storage.replication.factor", "1".into()),
        ("session.timeout.ms", "6000".into()),
        ("heartbeat.interval.ms", "1000".into()),
        ("task.shutdown.graceful.timeout.ms", "1000".into()),
    ] {
        props.insert(k.to_string(), v);
    }
    for (k, v) in extra {
        props.insert(k.to_string(), v.clone());
    }
    props
}
