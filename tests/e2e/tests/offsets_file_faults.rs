//! The source offsets file under storage faults, with a real broker and core:
//! - a write that fails (here: the temporary file's path is taken by a directory; a full
//!   disk or an I/O error take the same path) does not fail the task: it keeps running,
//!   the failure is counted on `/metrics`, the file keeps its last good offsets, and the
//!   offsets are written at a later flush once writes work again;
//! - a corrupt offsets file stops start-up with a message naming the file and how to
//!   recover.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

/// The stored `n` of connector `name` in the offsets file (0: none yet).
fn stored_n(file: &Path, name: &str) -> i64 {
    let Ok(text) = std::fs::read_to_string(file) else {
        return 0;
    };
    let Ok(serde_json::Value::Object(entries)) = serde_json::from_str::<serde_json::Value>(&text)
    else {
        return 0;
    };
    entries
        .iter()
        .filter(|(k, _)| k.starts_with(&format!("[\"{name}\",")))
        .filter_map(|(_, v)| {
            serde_json::from_str::<serde_json::Value>(v.as_str()?).ok()?["n"].as_i64()
        })
        .max()
        .unwrap_or(0)
}

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_failed_offsets_write_keeps_the_task_running_and_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (_proc, port) = test_connector();
    let topic = unique("offsets-fault");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let rest = free_port();
    // Offsets are flushed every 500 ms.
    let worker = worker_properties(dir.path(), rest, "");
    let file = dir.path().join("offsets.json");
    let source = dir.path().join("slow.properties");
    write(
        &source,
        &format!(
            "name=slow\nconnector.class=TestSource\nconnector.endpoint=127.0.0.1:{port}\nrecords=0\nbatch.size=10\n\
             record.bytes=20\nbatch.interval.ms=50\ntopic={topic}\n"
        ),
    );
    let core = Core::start(dir.path(), &worker, &[source], rest);
    core.wait_task_state("slow", 0, "RUNNING", Duration::from_secs(60));
    wait_for("the first stored offset", Duration::from_secs(30), || {
        stored_n(&file, "slow") > 0
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600,
            "owner-only offsets file"
        );
    }
    let labels = "connector=\"slow\",task=\"0\"";
    let failures = || {
        core.metric(
            "kafka_connect_connector_task_offset_commit_failure_total",
            labels,
        )
        .unwrap_or(-1.0)
    };
    let successes = || {
        core.metric(
            "kafka_connect_connector_task_offset_commit_success_total",
            labels,
        )
        .unwrap_or(-1.0)
    };
    assert_eq!(failures(), 0.0);

    // Writes fail from now on: the temporary file's path is a directory (both the current
    // name and the one older versions used). A write under way holds the file for a moment.
    let blockers: Vec<PathBuf> = [
        file.with_file_name("offsets.json.tmp"),
        file.with_file_name("offsets.tmp"),
    ]
    .into();
    for b in &blockers {
        wait_for("a free temporary file path", Duration::from_secs(5), || {
            std::fs::create_dir(b).is_ok()
        });
    }
    std::thread::sleep(Duration::from_millis(300));
    let blocked_at = stored_n(&file, "slow");
    wait_for(
        "counted offset commit failures",
        Duration::from_secs(20),
        || failures() >= 3.0,
    );
    let status = core.get("/connectors/slow/tasks/0/status").1;
    assert_eq!(
        status["state"],
        "RUNNING",
        "a failed offsets write failed the task: {status}\n{}",
        core.log_text()
    );
    assert_eq!(
        stored_n(&file, "slow"),
        blocked_at,
        "the file keeps its last good offsets"
    );
    // What the REST API shows is what is in the file.
    let (_, o) = core.get("/connectors/slow/offsets");
    assert_eq!(o["offsets"][0]["offset"]["n"], blocked_at, "{o}");
    assert!(core
        .log_text()
        .contains("cannot store source offsets; they stay pending"));

    // Writes work again: the pending offsets are stored at the next flush.
    let before = successes();
    for b in &blockers {
        std::fs::remove_dir(b).unwrap();
    }
    wait_for("offsets stored again", Duration::from_secs(20), || {
        stored_n(&file, "slow") > blocked_at && successes() > before
    });
    assert_eq!(
        core.get("/connectors/slow/tasks/0/status").1["state"],
        "RUNNING"
    );
    assert!(
        !file.with_file_name("offsets.json.tmp").exists(),
        "temporary file left behind"
    );
}

#[test]
fn a_corrupt_offsets_file_stops_start_up_and_says_how_to_recover() {
    let dir = tempfile::tempdir().unwrap();
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let file = dir.path().join("offsets.json");
    std::fs::write(&file, b"{\"[\\\"c\\\",{}]\": \"{\\\"n\\\":1}\",\n\0\0\0\0").unwrap();
    let log = dir.path().join("core.log");
    let mut child = Command::new(binary("polyconnect"))
        .arg("standalone")
        .arg(&worker)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("polyconnect started with a corrupt offsets file");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!status.success(), "{text}");
    assert!(
        text.contains(&file.display().to_string()),
        "names the file: {text}"
    );
    assert!(text.contains("move the file aside"), "{text}");
    assert!(text.contains("restore a good copy"), "{text}");
    assert!(text.contains("from the beginning"), "{text}");
    assert!(
        std::fs::read(&file).unwrap().ends_with(b"\0\0\0\0"),
        "the file is left as it was"
    );
}
