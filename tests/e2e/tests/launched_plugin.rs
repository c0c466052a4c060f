//! A connector process launched from a plugin manifest on `plugin.path`: the core starts
//! it, restarts it when it is killed, loses no record, and leaves no process behind.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

#[test]
fn killed_connector_process_is_restarted_and_nothing_is_lost() {
    let bootstrap = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    let plugin = plugins.join("test-connector");
    std::fs::create_dir_all(&plugin).unwrap();
    let marker = unique("marker");
    write(
        &plugin.join("polyconnect-plugin.json"),
        &format!(
            r#"{{"name":"test-connector","command":["{}","--{marker}"],
                "plugins":[{{"class":"TestSource","type":"source"}}]}}"#,
            binary("polyconnect-test-connector").display()
        ),
    );
    let topic = unique("launched");
    let total = 50_000;
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=200\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            dir.path().join("offsets.json").display(),
            plugins.display()
        ),
    );
    let conn = dir.path().join("raw.properties");
    write(
        &conn,
        &format!("name=raw\nconnector.class=TestSource\ntopic={topic}\nrecords={total}\nbatch.size=500\nrecord.bytes=100\n"),
    );
    let mut core = Core::start(dir.path(), &worker, &[conn], rest);
    core.wait_task_state("raw", 0, "RUNNING", Duration::from_secs(60));

    // The restart counters start at zero.
    let process_restarts = |core: &Core| {
        core.metric(
            "polyconnect_connector_process_restarts_total",
            "plugin=\"test-connector\"",
        )
    };
    let task_restarts = |core: &Core| {
        core.metric(
            "polyconnect_task_restarts_total",
            "connector=\"raw\",task=\"0\"",
        )
    };
    assert_eq!(process_restarts(&core), Some(0.0));
    assert_eq!(task_restarts(&core), Some(0.0));

    // Kill the connector process while it is sending.
    std::thread::sleep(Duration::from_millis(300));
    let pids = pids_with(&marker);
    assert_eq!(pids.len(), 1, "one connector process: {pids:?}");
    signal(pids[0], libc::SIGKILL);

    // The core restarts it; every record arrives.
    let deadline = Instant::now() + Duration::from_secs(90);
    let records = loop {
        let r = read_topic(&bootstrap, &topic, total, Duration::from_secs(5));
        let distinct: BTreeSet<u64> = r
            .iter()
            .filter_map(|x| std::str::from_utf8(&x.3.as_ref()?[..10]).ok()?.parse().ok())
            .collect();
        if distinct.len() >= total || Instant::now() > deadline {
            break r;
        }
    };
    let numbers: Vec<u64> = records
        .iter()
        .map(|x| {
            std::str::from_utf8(&x.3.as_ref().unwrap()[..10])
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let distinct: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        total,
        "lost records after the connector process was killed\n{}",
        core.log_text()
    );
    assert_eq!(*distinct.iter().next().unwrap(), 1);
    assert_eq!(*distinct.iter().last().unwrap(), total as u64);
    println!(
        "duplicates after the kill: {}",
        numbers.len() - distinct.len()
    );
    let new_pids = pids_with(&marker);
    assert_eq!(new_pids.len(), 1, "restarted once: {new_pids:?}");
    assert_ne!(new_pids, pids);
    assert!(core.log_text().contains("connector process is down"));
    // Both restarts are counted on /metrics.
    assert_eq!(process_restarts(&core), Some(1.0));
    assert!(
        task_restarts(&core).is_some_and(|n| n >= 1.0),
        "{:?}",
        task_restarts(&core)
    );

    // A graceful stop leaves no connector process behind.
    core.stop();
    assert!(
        pids_with(&marker).is_empty(),
        "connector process left behind"
    );
}

#[test]
fn connector_process_dies_with_a_killed_core() {
    let bootstrap = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("plugins/test-connector");
    std::fs::create_dir_all(&plugin).unwrap();
    let marker = unique("orphan");
    write(
        &plugin.join("polyconnect-plugin.json"),
        &format!(
            r#"{{"name":"test-connector","command":["{}","--{marker}"],"plugins":[{{"class":"TestSource","type":"source"}}]}}"#,
            binary("polyconnect-test-connector").display()
        ),
    );
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={bootstrap}\nvalue.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             offset.storage.file.filename={}\nlisteners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            dir.path().join("offsets.json").display(),
            dir.path().join("plugins").display()
        ),
    );
    let conn = dir.path().join("raw.json");
    write(
        &conn,
        &format!(
            r#"{{"name":"raw","config":{{"connector.class":"TestSource","topic":"{}","records":"10"}}}}"#,
            unique("orphan")
        ),
    );
    let mut core = Core::start(dir.path(), &worker, &[conn], rest);
    core.wait_task_state("raw", 0, "RUNNING", Duration::from_secs(60));
    assert_eq!(pids_with(&marker).len(), 1);
    core.kill();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pids_with(&marker).is_empty() {
        assert!(
            Instant::now() < deadline,
            "connector process outlived a SIGKILLed core"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
