//! A connector that breaks the protocol (overdraws its credit, sends a malformed batch,
//! speaks an unsupported version) or fails gets a clear error in the task or connector
//! status and the log, and the core keeps running the other connectors.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use polyconnect_e2e::*;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn test_connector(port: u16, env: &[(&str, &str)]) -> Proc {
    let mut cmd = Command::new(binary("polyconnect-test-connector"));
    cmd.arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let p = Proc(cmd.spawn().expect("test connector"));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "test connector did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    p
}

fn connector_file(
    dir: &std::path::Path,
    name: &str,
    endpoint: u16,
    mode: &str,
    topic: &str,
) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.properties"));
    write(
        &p,
        &format!(
            "name={name}\nconnector.class=TestSource\nconnector.endpoint=127.0.0.1:{endpoint}\n\
             mode={mode}\ntopic={topic}\nrecords=500\nbatch.size=100\n"
        ),
    );
    p
}

#[test]
fn protocol_violations_fail_the_task_with_a_clear_cause_and_the_core_keeps_running() {
    let _ = bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let good_port = free_port();
    let _good = test_connector(good_port, &[]);
    let v99_port = free_port();
    let _v99 = test_connector(v99_port, &[("TEST_CONNECTOR_PROTOCOL_VERSION", "99")]);

    let topic = unique("proto-errors");
    let rest = free_port();
    let worker = worker_properties(
        dir.path(),
        rest,
        "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
         value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
         polyconnect.source.max.inflight.records=200",
    );
    let files = vec![
        connector_file(dir.path(), "overdraw", good_port, "overdraw", &topic),
        connector_file(dir.path(), "malformed", good_port, "malformed", &topic),
        connector_file(
            dir.path(),
            "malformed-columns",
            good_port,
            "malformed-columns",
            &topic,
        ),
        connector_file(dir.path(), "fatal", good_port, "fatal", &topic),
        connector_file(dir.path(), "v99", v99_port, "raw", &topic),
        connector_file(dir.path(), "good", good_port, "raw", &topic),
    ];
    let core = Core::start(dir.path(), &worker, &files, rest);

    let t = core.wait_task_state("overdraw", 0, "FAILED", Duration::from_secs(30));
    let trace = t["trace"].as_str().unwrap();
    assert!(trace.contains("beyond its credit"), "{trace}");

    let t = core.wait_task_state("malformed", 0, "FAILED", Duration::from_secs(30));
    let trace = t["trace"].as_str().unwrap();
    assert!(trace.contains("malformed batch: record seq 1"), "{trace}");
    assert!(trace.contains("INT32"), "{trace}");

    let t = core.wait_task_state("malformed-columns", 0, "FAILED", Duration::from_secs(30));
    let trace = t["trace"].as_str().unwrap();
    assert!(
        trace.contains("malformed columnar batch from seq 1: value column:"),
        "{trace}"
    );
    assert!(trace.contains("entries in `bytes` for"), "{trace}");

    let t = core.wait_task_state("fatal", 0, "FAILED", Duration::from_secs(30));
    let trace = t["trace"].as_str().unwrap();
    assert!(
        trace.contains("TestFailure: the test source failed on purpose"),
        "{trace}"
    );

    // The unsupported version fails the connector itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (_, s) = core.get("/connectors/v99/status");
        if s["connector"]["state"] == "FAILED" {
            let trace = s["connector"]["trace"].as_str().unwrap();
            assert!(trace.contains("protocol version 99"), "{trace}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "v99 never failed: {s}\n{}",
            core.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // Meanwhile the good connector delivered all its records.
    core.wait_task_state("good", 0, "RUNNING", Duration::from_secs(30));
    let records = read_topic(&bootstrap(), &topic, 500, Duration::from_secs(30));
    let good: Vec<_> = records
        .iter()
        .filter(|r| r.3.as_deref().map(|v| v.len() == 100).unwrap_or(false))
        .collect();
    assert!(
        good.len() >= 500,
        "only {} records from the good connector",
        good.len()
    );

    let log = core.log_text();
    assert!(log.contains("beyond its credit"), "the log names the cause");
    assert!(
        log.contains("protocol version 99"),
        "the log names the cause"
    );
}
