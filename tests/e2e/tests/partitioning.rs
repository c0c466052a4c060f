//! Keyed records land in the partition Kafka's Java producer puts them in: the same keys
//! are written to two topics of six partitions, once by Kafka's console producer (Java's
//! default partitioner, murmur2 of the key) and once by a FileStreamSource through the core
//! (the line made the key with ValueToKey and ExtractField$Key), and each key must be in the
//! same partition in both. librdkafka's default partitioner (consistent_random, CRC32)
//! would place most keys elsewhere.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use polyconnect_e2e::*;

const KEYS: usize = 300;
const PARTITIONS: i32 = 6;

fn placement(topic: &str) -> BTreeMap<String, i32> {
    read_topic(&bootstrap(), topic, KEYS, Duration::from_secs(90))
        .into_iter()
        .map(|(partition, _, key, _)| {
            (
                String::from_utf8(key.expect("a keyed record")).unwrap(),
                partition,
            )
        })
        .collect()
}

#[test]
fn keyed_source_records_land_where_javas_producer_puts_them() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<String> = (0..KEYS)
        .map(|i| format!("customer-{i}-{}", i * 7919 % 1000))
        .collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let java_topic = unique("partitioning-java");
    let core_topic = unique("partitioning-core");
    rt.block_on(create_topic(&bootstrap(), &java_topic, PARTITIONS));
    rt.block_on(create_topic(&bootstrap(), &core_topic, PARTITIONS));

    // Kafka's console producer: "key|value" lines.
    let java_input = dir.path().join("java-input.txt");
    write(
        &java_input,
        &keys.iter().map(|k| format!("{k}|v\n")).collect::<String>(),
    );
    let status = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "bash '{}' console-producer --bootstrap-server '{}' --topic '{java_topic}' \
             --property parse.key=true --property key.separator='|' < '{}'",
            repo_root().join("scripts/kafka.sh").display(),
            bootstrap(),
            java_input.display()
        ))
        .stdout(Stdio::null())
        .status()
        .expect("run Kafka's console producer");
    assert!(status.success(), "Kafka's console producer failed");

    // The core: each line of the file becomes a record whose key is the line.
    let input = dir.path().join("input.txt");
    write(
        &input,
        &keys.iter().map(|k| format!("{k}\n")).collect::<String>(),
    );
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let source = dir.path().join("source.properties");
    write(
        &source,
        &format!(
            "name=keyed-source\nconnector.class=FileStreamSource\nfile={}\ntopic={core_topic}\n\
             transforms=hoist,key,extract\n\
             transforms.hoist.type=org.apache.kafka.connect.transforms.HoistField$Value\n\
             transforms.hoist.field=line\n\
             transforms.key.type=org.apache.kafka.connect.transforms.ValueToKey\n\
             transforms.key.fields=line\n\
             transforms.extract.type=org.apache.kafka.connect.transforms.ExtractField$Key\n\
             transforms.extract.field=line\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\n\
             value.converter.schemas.enable=false\n",
            input.display()
        ),
    );
    let core = Core::start(dir.path(), &worker, &[source], rest);
    core.wait_task_state("keyed-source", 0, "RUNNING", Duration::from_secs(60));

    let java = placement(&java_topic);
    let ours = placement(&core_topic);
    assert_eq!(
        java.len(),
        KEYS,
        "Kafka's console producer wrote {} distinct keys",
        java.len()
    );
    assert_eq!(
        ours.len(),
        KEYS,
        "the core wrote {} distinct keys",
        ours.len()
    );
    let used: std::collections::BTreeSet<i32> = java.values().copied().collect();
    assert!(
        used.len() > 1,
        "the keys should spread over several partitions: {used:?}"
    );
    let moved: Vec<_> = keys
        .iter()
        .filter(|k| java.get(*k) != ours.get(*k))
        .collect();
    println!(
        "partitioning: {} keys over {} partitions, {} placed differently",
        KEYS,
        used.len(),
        moved.len()
    );
    assert!(
        moved.is_empty(),
        "{} of {KEYS} keys are not in Java's partition, e.g. {:?}: Java {:?}, Polyconnect {:?}",
        moved.len(),
        moved[0],
        java.get(moved[0]),
        ours.get(moved[0])
    );
}
