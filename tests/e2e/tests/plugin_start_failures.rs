//! A connector process that fails at start-up is reported, not hidden: the connector (and
//! its tasks waiting on the process) is FAILED with the process's exit status and the end
//! of its stderr in its status trace, the core logs it at warn level, keeps relaunching with
//! back-off, and the connector is RUNNING again once a launch succeeds.

use std::path::Path;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

/// A plugin directory whose manifest runs `command`, serving `TestSource`.
fn plugin(plugins: &Path, name: &str, command: &[String]) -> std::path::PathBuf {
    let dir = plugins.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    write(
        &dir.join("polyconnect-plugin.json"),
        &serde_json::json!({
            "name": name,
            "command": command,
            "plugins": [{"class": "TestSource", "type": "source"}],
        })
        .to_string(),
    );
    dir
}

fn worker(dir: &Path, plugins: &Path, rest: u16, extra: &str) -> std::path::PathBuf {
    let worker = dir.join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=200\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n{extra}\n",
            bootstrap(),
            dir.join("offsets.json").display(),
            plugins.display()
        ),
    );
    worker
}

/// Waits until `GET /connectors/{name}/status` satisfies `done`; returns that status.
fn wait_status(
    core: &Core,
    name: &str,
    timeout: Duration,
    what: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + timeout;
    let mut last = serde_json::Value::Null;
    while Instant::now() < deadline {
        let (code, body) = core.get(&format!("/connectors/{name}/status"));
        if code == 200 && done(&body) {
            return body;
        }
        last = body;
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "connector {name}: never {what} within {timeout:?}; last status {last}\n{}",
        core.log_text()
    );
}

fn trace(v: &serde_json::Value) -> &str {
    v["trace"].as_str().unwrap_or("")
}

/// Whether `text` has `line` as a line of its own (as the end of stderr is quoted; the
/// command, also quoted, holds it only inside a longer line).
fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l == line)
}

/// Whether a log entry at warn or error level (the default level shows them) holds
/// `needle`: in its first line, or as a whole line of a multi-line message.
fn logged_at_warn_or_error(log: &str, needle: &str) -> bool {
    let mut in_warn = false;
    for line in log.lines() {
        if line.starts_with("20") {
            in_warn = line.contains(" WARN ") || line.contains(" ERROR ");
            if in_warn && line.contains(needle) {
                return true;
            }
        } else if in_warn && line == needle {
            return true;
        }
    }
    false
}

#[test]
fn a_plugin_that_exits_at_start_up_fails_its_connector_and_tasks_until_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    let marker = unique("flaky");
    let said = format!("ModuleNotFoundError: No module named '{marker}'");
    // Exits 1 with a traceback-like line, unless the file `ready` exists in its directory
    // (the process's working directory): then it is the test connector.
    let script = format!(
        "if [ -e ready ]; then exec '{}' --{marker}; fi; \
         echo 'Traceback (most recent call last):' >&2; echo \"{said}\" >&2; exit 1",
        binary("polyconnect-test-connector").display()
    );
    let plugin_dir = plugin(&plugins, "flaky", &["sh".into(), "-c".into(), script]);
    let rest = free_port();
    let worker = worker(dir.path(), &plugins, rest, "");
    let topic = unique("start-failures");
    let conn = dir.path().join("flaky.properties");
    write(
        &conn,
        &format!("name=flaky\nconnector.class=TestSource\ntopic={topic}\nrecords=0\nbatch.size=10\nrecord.bytes=10\n"),
    );
    let core = Core::start(dir.path(), &worker, &[conn], rest);

    // FAILED, with the exit status and what the process wrote to stderr.
    let status = wait_status(&core, "flaky", Duration::from_secs(20), "FAILED", |s| {
        s["connector"]["state"] == "FAILED"
    });
    println!("{status:#}");
    let t = trace(&status["connector"]);
    assert!(
        has_line(t, &said),
        "the trace lacks the stderr line: {status}"
    );
    assert!(
        has_line(t, "Traceback (most recent call last):"),
        "{status}"
    );
    assert!(t.contains("exit status: 1"), "no exit status: {status}");
    assert!(t.contains("'flaky'"), "the plugin is not named: {status}");
    // Logged where the default level shows it.
    let log = core.log_text();
    assert!(
        logged_at_warn_or_error(&log, &said),
        "the stderr line is not in a warn/error line:\n{log}"
    );
    assert!(
        logged_at_warn_or_error(&log, "exit status: 1"),
        "the exit status is not in a warn/error line:\n{log}"
    );

    // It starts once it can: RUNNING, with a running task.
    write(&plugin_dir.join("ready"), "");
    let status = wait_status(&core, "flaky", Duration::from_secs(60), "RUNNING", |s| {
        s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING"
    });
    assert!(
        status["connector"].get("trace").is_none(),
        "a running connector keeps a trace: {status}"
    );

    // The process dies and cannot start again: the connector and its task are FAILED with
    // the cause, then RUNNING again after it starts.
    std::fs::remove_file(plugin_dir.join("ready")).unwrap();
    let pids = pids_with(&marker);
    assert_eq!(pids.len(), 1, "one connector process: {pids:?}");
    signal(pids[0], libc::SIGKILL);
    let status = wait_status(
        &core,
        "flaky",
        Duration::from_secs(60),
        "FAILED with its task",
        |s| s["connector"]["state"] == "FAILED" && s["tasks"][0]["state"] == "FAILED",
    );
    println!("{status:#}");
    assert!(has_line(trace(&status["connector"]), &said), "{status}");
    assert!(has_line(trace(&status["tasks"][0]), &said), "{status}");
    assert!(
        trace(&status["tasks"][0]).contains("exit status: 1"),
        "{status}"
    );
    write(&plugin_dir.join("ready"), "");
    wait_status(
        &core,
        "flaky",
        Duration::from_secs(90),
        "RUNNING again",
        |s| s["connector"]["state"] == "RUNNING" && s["tasks"][0]["state"] == "RUNNING",
    );
}

#[test]
fn a_plugin_that_never_answers_health_fails_its_connector() {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    let marker = unique("silent");
    // Writes a line, then neither listens nor exits.
    let said = format!("{marker}: warming up forever");
    plugin(
        &plugins,
        "silent",
        &[
            "python3".into(),
            "-c".into(),
            format!(
                "import sys, time\nprint({said:?}, file=sys.stderr, flush=True)\ntime.sleep(600)"
            ),
            marker.clone(),
        ],
    );
    let rest = free_port();
    let worker = worker(
        dir.path(),
        &plugins,
        rest,
        "polyconnect.plugin.startup.timeout.ms=2000",
    );
    let conn = dir.path().join("silent.properties");
    write(
        &conn,
        &format!(
            "name=silent\nconnector.class=TestSource\ntopic={}\n",
            unique("silent")
        ),
    );
    let mut core = Core::start(dir.path(), &worker, &[conn], rest);
    let status = wait_status(&core, "silent", Duration::from_secs(20), "FAILED", |s| {
        s["connector"]["state"] == "FAILED"
    });
    println!("{status:#}");
    let t = trace(&status["connector"]);
    assert!(t.contains("did not answer Health within 2s"), "{status}");
    assert!(
        has_line(t, &said),
        "the trace lacks the stderr line: {status}"
    );
    assert!(logged_at_warn_or_error(&core.log_text(), &said));
    // The process that did not answer was stopped, and a graceful stop leaves none.
    core.stop();
    assert!(
        pids_with(&marker).is_empty(),
        "a connector process was left behind"
    );
}
