//! Transactions as a reader sees them: a writer of numbered lines for a FileStream source
//! to read, and consumers of a topic with either isolation level, for the exactly-once
//! tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

use crate::{bootstrap, unique};

/// Appends numbered lines to `input` until stopped; the count written.
pub fn start_writer(
    input: PathBuf,
    stop: Arc<AtomicBool>,
    written: Arc<AtomicU64>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&input)
            .unwrap();
        while !stop.load(Ordering::SeqCst) {
            let from = written.load(Ordering::SeqCst);
            let mut batch = String::new();
            for n in from..from + 20 {
                batch.push_str(&format!("{n}\n"));
            }
            f.write_all(batch.as_bytes()).unwrap();
            f.flush().unwrap();
            written.store(from + 20, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(50));
        }
    })
}

/// Every value of `topic` up to its end as a consumer with `isolation` reads it.
pub fn read_all(topic: &str, isolation: &str) -> Vec<String> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .set("group.id", unique("eos-reader"))
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .set("isolation.level", isolation)
        .create()
        .unwrap();
    let md = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    let mut ends = BTreeMap::new();
    for t in md.topics() {
        for p in t.partitions() {
            tpl.add_partition_offset(topic, p.id(), Offset::Beginning)
                .unwrap();
            let (_, high) = consumer
                .fetch_watermarks(topic, p.id(), Duration::from_secs(10))
                .unwrap();
            ends.insert(p.id(), high);
        }
    }
    consumer.assign(&tpl).unwrap();
    let mut out = Vec::new();
    let mut at_eof: BTreeMap<i32, bool> = ends.keys().map(|p| (*p, false)).collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while at_eof.values().any(|e| !e) && Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => {
                if let Some(v) = m.payload() {
                    out.push(String::from_utf8_lossy(v).into_owned());
                }
            }
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(p))) => {
                // At the end of what this isolation level can see now.
                let pos = consumer
                    .position()
                    .ok()
                    .and_then(|tpl| {
                        tpl.find_partition(topic, p).and_then(|e| match e.offset() {
                            Offset::Offset(o) => Some(o),
                            _ => None,
                        })
                    })
                    .unwrap_or(0);
                if pos >= ends[&p] || isolation == "read_committed" {
                    at_eof.insert(p, true);
                }
            }
            _ => {}
        }
    }
    out
}

/// (missing, duplicates) of the numbers `0..expected` among `values`.
pub fn count(values: &[String], expected: u64) -> (u64, u64, u64) {
    let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
    let mut unexpected = 0;
    for v in values {
        match v.trim().parse::<u64>() {
            Ok(n) if n < expected => *seen.entry(n).or_default() += 1,
            _ => unexpected += 1,
        }
    }
    let missing = expected - seen.len() as u64;
    let duplicates = seen.values().map(|n| n - 1).sum();
    (missing, duplicates, unexpected)
}
