//! The conformance kit (`polyconnect conformance`), run as a third party would: it passes
//! against the SDKs' connectors, launched from their plugin manifests, and fails, naming
//! the right check, against connectors that break the protocol on purpose.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

fn kit(args: &[&str]) -> (bool, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(binary("polyconnect"))
        .arg("conformance")
        .args(args)
        .output()
        .expect("run polyconnect conformance");
    let out = String::from_utf8_lossy(&stdout).into_owned();
    println!("{out}{}", String::from_utf8_lossy(&stderr));
    (status.success(), out)
}

fn plugin_dir(rel: &str) -> String {
    repo_root().join(rel).display().to_string()
}

/// The line of a check's outcome, e.g. "FAIL  source.credit ...".
fn outcome<'a>(out: &'a str, check: &str) -> &'a str {
    out.lines()
        .find(|l| l.split_whitespace().nth(1) == Some(check))
        .unwrap_or_else(|| panic!("no check {check} in the report:\n{out}"))
}

fn assert_all_pass(args: &[&str]) -> String {
    let (ok, out) = kit(args);
    assert!(ok, "the kit failed:\n{out}");
    assert!(!out.lines().any(|l| l.starts_with("FAIL")), "{out}");
    assert!(out.contains("0 failed"), "{out}");
    out
}

#[test]
fn passes_python_file_source() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    write(
        &input,
        &(0..50).map(|i| format!("line {i}\n")).collect::<String>(),
    );
    let file = format!("file={}", input.display());
    assert_all_pass(&[
        "--plugin-dir",
        &plugin_dir("connectors/file"),
        "--class",
        "FileStreamSource",
        "--config",
        &file,
        "--config",
        "topic=t",
    ]);
}

#[test]
fn passes_python_file_sink() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.txt");
    let file = format!("file={}", output.display());
    let out = assert_all_pass(&[
        "--plugin-dir",
        &plugin_dir("connectors/file"),
        "--class",
        "FileStreamSink",
        "--config",
        &file,
    ]);
    // The Python SDK announces columnar Puts: it is checked in that form too.
    for check in ["sink.columnar-put", "sink.columnar-malformed"] {
        assert!(outcome(&out, check).starts_with("PASS"), "{check}:\n{out}");
    }
    // What the kit put is in the file: the sink really ran, in rows and in columns.
    let text = std::fs::read_to_string(&output).unwrap();
    assert!(text.contains("conformance record 0"), "{text}");
    assert_eq!(text.matches("conformance record 16\n").count(), 2, "{text}");
}

#[test]
fn passes_rust_examples_and_datagen() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("printed.txt");
    assert_all_pass(&[
        "--plugin-dir",
        &plugin_dir("clients/rust/examples/plugins/countdown"),
        "--config",
        "topic=t",
        "--config",
        "from=100000",
    ]);
    let out = assert_all_pass(&[
        "--plugin-dir",
        &plugin_dir("clients/rust/examples/plugins/print-sink"),
        "--config",
        &format!("file={}", output.display()),
    ]);
    // The Rust SDK announces columnar Puts: it is checked in that form too.
    for check in ["sink.columnar-put", "sink.columnar-malformed"] {
        assert!(outcome(&out, check).starts_with("PASS"), "{check}:\n{out}");
    }
    assert_all_pass(&[
        "--plugin-dir",
        &plugin_dir("connectors/datagen"),
        "--config",
        "topic=t",
        "--config",
        "schema=orders",
    ]);
}

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The hand-written test connector on a TCP port (its modes break the protocol).
fn test_connector(env: &[(&str, &str)]) -> (Proc, String) {
    let port = free_port();
    let mut cmd = Command::new(binary("polyconnect-test-connector"));
    cmd.arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.envs(env.iter().copied());
    let p = Proc(cmd.spawn().expect("test connector"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "test connector did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    (p, format!("127.0.0.1:{port}"))
}

fn run_mode(mode: &str) -> (bool, String) {
    let (_p, endpoint) = test_connector(&[]);
    kit(&[
        "--endpoint",
        &endpoint,
        "--timeout",
        "5",
        "--config",
        &format!("mode={mode}"),
        "--config",
        "topic=t",
        "--config",
        "records=100000",
    ])
}

#[test]
fn fails_a_source_that_overdraws_its_credit() {
    let (ok, out) = run_mode("overdraw");
    assert!(!ok, "{out}");
    let line = outcome(&out, "source.credit");
    assert!(
        line.starts_with("FAIL") && line.contains("with a grant of 3"),
        "{line}"
    );
}

#[test]
fn fails_a_source_that_sends_malformed_records() {
    let (ok, out) = run_mode("malformed");
    assert!(!ok, "{out}");
    let line = outcome(&out, "source.records");
    assert!(line.starts_with("FAIL") && line.contains("INT32"), "{line}");
}

#[test]
fn fails_a_source_that_reports_a_fatal_error() {
    let (ok, out) = run_mode("fatal");
    assert!(!ok, "{out}");
    let line = outcome(&out, "source.records");
    assert!(
        line.starts_with("FAIL") && line.contains("FATAL") && line.contains("failed on purpose"),
        "{line}"
    );
}

#[test]
fn names_what_the_bare_test_connector_gets_right_and_wrong() {
    // In its default mode the test connector respects credit and sends good records, but
    // it accepts any protocol version and never ends its side of a stream.
    let (ok, out) = run_mode("raw");
    assert!(!ok, "{out}");
    for pass in [
        "handshake",
        "source.start",
        "source.credit",
        "source.records",
        "source.heartbeats",
        "source.commit",
    ] {
        assert!(outcome(&out, pass).starts_with("PASS"), "{pass}:\n{out}");
    }
    for fail in [
        "handshake.unsupported",
        "source.version-mismatch",
        "source.stop",
    ] {
        assert!(outcome(&out, fail).starts_with("FAIL"), "{fail}:\n{out}");
    }
}

#[test]
fn fails_a_sink_that_announces_columnar_puts_but_does_not_read_them() {
    // TestSink answers every Put with PutDone without reading it.
    let (_p, endpoint) = test_connector(&[("TEST_CONNECTOR_COLUMNAR_PUTS", "1")]);
    let (ok, out) = kit(&[
        "--endpoint",
        &endpoint,
        "--timeout",
        "5",
        "--class",
        "TestSink",
    ]);
    assert!(!ok, "{out}");
    assert!(
        outcome(&out, "sink.columnar-put").starts_with("PASS"),
        "{out}"
    );
    let line = outcome(&out, "sink.columnar-malformed");
    assert!(
        line.starts_with("FAIL") && line.contains("PutDone"),
        "{out}"
    );
}

#[test]
fn fails_a_process_that_answers_an_unoffered_version() {
    let (_p, endpoint) = test_connector(&[("TEST_CONNECTOR_PROTOCOL_VERSION", "99")]);
    let (ok, out) = kit(&["--endpoint", &endpoint, "--timeout", "5"]);
    assert!(!ok, "{out}");
    let line = outcome(&out, "handshake");
    assert!(
        line.starts_with("FAIL") && line.contains("chose protocol version 99"),
        "{line}"
    );
}

#[test]
fn bad_arguments_are_refused_clearly() {
    assert!(!Path::new("/nonexistent/plugin").exists());
    let missing = Command::new(binary("polyconnect"))
        .args(["conformance", "--plugin-dir", "/nonexistent/plugin"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr)
        .contains("/nonexistent/plugin/polyconnect-plugin.json"));
    let neither = Command::new(binary("polyconnect"))
        .args(["conformance"])
        .output()
        .unwrap();
    assert!(!neither.status.success());
    assert!(String::from_utf8_lossy(&neither.stderr).contains("--endpoint"));
}

/// Runs the kit with `--plugin-dir dir --timeout 5`, killing it if it runs past `limit`;
/// returns its exit code, stdout + stderr and how long it took.
fn kit_within(dir: &Path, limit: Duration) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let out = dir.join("kit.out");
    let err = dir.join("kit.err");
    let mut child = Command::new(binary("polyconnect"))
        .arg("conformance")
        .arg("--plugin-dir")
        .arg(dir)
        .args(["--timeout", "5"])
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("run polyconnect conformance");
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = format!(
        "{}{}",
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    println!("{text}");
    assert!(
        status.is_some(),
        "the kit did not exit within {limit:?}:\n{text}"
    );
    (status.and_then(|s| s.code()), text, started.elapsed())
}

fn manifest_running(dir: &Path, command: &[&str]) {
    write(
        &dir.join("polyconnect-plugin.json"),
        &serde_json::json!({
            "name": "broken",
            "command": command,
            "plugins": [{"class": "Broken", "type": "source"}],
        })
        .to_string(),
    );
}

#[test]
fn a_plugin_that_exits_at_start_up_fails_launch_with_its_stderr_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let said = format!(
        "ModuleNotFoundError: No module named '{}'",
        unique("missing")
    );
    manifest_running(
        dir.path(),
        &["sh", "-c", &format!("echo \"{said}\" >&2; exit 1")],
    );
    let (code, text, took) = kit_within(dir.path(), Duration::from_secs(15));
    assert_eq!(code, Some(2), "{text}");
    let launch = outcome(&text, "launch");
    assert!(launch.starts_with("FAIL"), "{text}");
    assert!(launch.contains("exit status: 1"), "{text}");
    assert!(
        text.lines().any(|l| l == said),
        "the stderr line is not reported:\n{text}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_plugin_that_never_answers_health_fails_launch_within_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let said = unique("still-starting");
    manifest_running(
        dir.path(),
        &["sh", "-c", &format!("echo {said} >&2; exec sleep 600")],
    );
    let (code, text, took) = kit_within(dir.path(), Duration::from_secs(15));
    assert_eq!(code, Some(2), "{text}");
    let launch = outcome(&text, "launch");
    assert!(launch.starts_with("FAIL"), "{text}");
    assert!(launch.contains("did not answer Health within 5s"), "{text}");
    assert!(
        text.lines().any(|l| l == said),
        "the stderr line is not reported:\n{text}"
    );
    assert!(took >= Duration::from_secs(5), "took {took:?}");
}
