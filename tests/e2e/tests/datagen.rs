//! DataGen (on the Rust SDK), launched by the real core from its plugin manifest, writes
//! the records it is asked for into Kafka; stopped half way, it resumes after a restart
//! where it stopped instead of starting over.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

/// (id, count) of the records in `topic`, from their JSON values.
fn ids(
    bootstrap: &str,
    topic: &str,
    expected: usize,
) -> (BTreeMap<i64, usize>, Vec<serde_json::Value>) {
    let records = read_topic(bootstrap, topic, expected, Duration::from_secs(5));
    let mut ids = BTreeMap::new();
    let mut values = Vec::new();
    for (_, _, key, value) in records {
        let v: serde_json::Value =
            serde_json::from_slice(&value.expect("a value")).expect("JSON value");
        *ids.entry(v["id"].as_i64().expect("id")).or_insert(0) += 1;
        // The key is the user id (key.field=userid), as a JSON string.
        let key: serde_json::Value =
            serde_json::from_slice(&key.expect("a key")).expect("JSON key");
        assert_eq!(key, v["userid"], "key.field");
        values.push(v);
    }
    (ids, values)
}

#[test]
fn generates_the_requested_records_and_resumes_after_a_restart() {
    let bootstrap = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("datagen");
    let total = 3000usize;
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let conn = dir.path().join("datagen.properties");
    write(
        &conn,
        &format!(
            "name=datagen\nconnector.class=DataGen\ntopic={topic}\nschema=users\nkey.field=userid\n\
             seed=42\nrecords={total}\nrate=250\nbatch.size=50\n\
             key.converter=org.apache.kafka.connect.json.JsonConverter\nkey.converter.schemas.enable=false\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter.schemas.enable=false\n"
        ),
    );
    let mut core = Core::start(dir.path(), &worker, &[conn], rest);
    core.wait_task_state("datagen", 0, "RUNNING", Duration::from_secs(60));

    // Stop the core part way through: at 250 records/s the 3000 records take 12 s, so the
    // stop lands in the middle even when reading the topic is slow.
    let deadline = Instant::now() + Duration::from_secs(60);
    let first = loop {
        let (ids, _) = ids(&bootstrap, &topic, 500);
        if ids.len() >= 500 || Instant::now() > deadline {
            break ids.len();
        }
    };
    core.stop();
    let (before, _) = ids(&bootstrap, &topic, first);
    assert!(
        before.len() >= 500 && before.len() < total,
        "stopped after {} records",
        before.len()
    );

    // After a restart it continues from its stored offset to the end.
    core.restart();
    core.wait_task_state("datagen", 0, "RUNNING", Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(60);
    let (all, values) = loop {
        let r = ids(&bootstrap, &topic, total);
        if r.0.len() >= total || Instant::now() > deadline {
            break r;
        }
    };
    assert_eq!(all.len(), total, "distinct records\n{}", core.log_text());
    assert_eq!(all.keys().next(), Some(&0));
    assert_eq!(all.keys().last(), Some(&(total as i64 - 1)));
    // Resumed, not started over: the first record exists once.
    assert_eq!(all[&0], 1, "record 0 was generated again after the restart");
    let duplicates: usize = all.values().map(|n| n - 1).sum();
    println!(
        "records before the restart: {}, duplicates: {duplicates}",
        before.len()
    );

    // The users preset: structs with a Decimal and a Timestamp, as JSON.
    let v = &values[0];
    for field in [
        "id",
        "userid",
        "name",
        "gender",
        "age",
        "balance",
        "registertime",
    ] {
        assert!(v.get(field).is_some(), "{field} missing in {v}");
    }
    assert!(v["registertime"].is_i64(), "{v}");
    core.stop();
}
