//! The file connectors (Python processes launched from `connectors/file`) carry lines from
//! a file through a topic into another file, across a graceful restart of the core, a
//! SIGKILL of the core, and a SIGKILL of the connector process.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

const LINES: usize = 100_000;

struct Pipeline {
    dir: tempfile::TempDir,
    input: std::path::PathBuf,
    output: std::path::PathBuf,
    topic: String,
    core: Core,
}

fn start(name: &str) -> Pipeline {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    std::fs::File::create(&input).unwrap();
    let topic = unique(name);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let connectors = file_connectors(dir.path(), &input, &output, &topic);
    let core = Core::start(dir.path(), &worker, &connectors, rest);
    core.wait_task_state("file-source", 0, "RUNNING", Duration::from_secs(60));
    core.wait_task_state("file-sink", 0, "RUNNING", Duration::from_secs(60));
    Pipeline {
        dir,
        input,
        output,
        topic,
        core,
    }
}

fn expected(i: usize) -> String {
    format!("line-{i}")
}

/// Waits until the output has every line; returns (values in the topic, lines in the output).
fn finish(p: &Pipeline) -> (Vec<String>, Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut out;
    loop {
        out = wait_lines(&p.output, LINES, Duration::from_secs(5));
        let distinct: std::collections::HashSet<&String> = out.iter().collect();
        if distinct.len() >= LINES || Instant::now() > deadline {
            break;
        }
    }
    let topic: Vec<String> = read_topic(&bootstrap(), &p.topic, LINES, Duration::from_secs(60))
        .into_iter()
        .map(|r| String::from_utf8(r.3.expect("a value")).unwrap())
        .collect();
    (topic, out)
}

/// Every line, in order of first appearance; returns the number of duplicates.
fn assert_complete_in_order(what: &str, got: &[String], log: &str) -> usize {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut firsts = Vec::with_capacity(LINES);
    for l in got {
        let c = seen.entry(l.as_str()).or_insert(0);
        if *c == 0 {
            firsts.push(l.as_str());
        }
        *c += 1;
    }
    let missing: Vec<String> = (0..LINES)
        .map(expected)
        .filter(|e| !seen.contains_key(e.as_str()))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: lines lost, e.g. {missing:?} ({} distinct of {LINES})\n{log}",
        firsts.len()
    );
    assert_eq!(firsts.len(), LINES, "{what}: unexpected lines");
    for (i, l) in firsts.iter().enumerate() {
        assert_eq!(*l, expected(i), "{what}: out of order at {i}");
    }
    got.len() - LINES
}

fn write_in_background(input: &Path) -> std::thread::JoinHandle<()> {
    let input = input.to_path_buf();
    std::thread::spawn(move || {
        // line-0 .. line-99999, in 50 chunks.
        let per = LINES / 50;
        for c in 0..50 {
            let mut text = String::new();
            for i in c * per..(c + 1) * per {
                text.push_str(&expected(i));
                text.push('\n');
            }
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&input)
                .unwrap();
            f.write_all(text.as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(60));
        }
    })
}

fn wait_output_at_least(p: &Pipeline, n: usize) {
    let got = wait_lines(&p.output, n, Duration::from_secs(120));
    assert!(
        got.len() >= n,
        "output stuck at {} lines\n{}",
        got.len(),
        p.core.log_text()
    );
}

#[test]
fn graceful_restart_loses_nothing_and_duplicates_nothing() {
    let mut p = start("graceful");
    let writer = write_in_background(&p.input);
    wait_output_at_least(&p, LINES / 4);
    p.core.stop();
    let offsets = std::fs::read_to_string(p.dir.path().join("offsets.json")).unwrap();
    assert!(
        offsets.contains("position"),
        "source offsets flushed at shutdown: {offsets}"
    );
    p.core.restart();
    writer.join().unwrap();
    let (topic, out) = finish(&p);
    let log = p.core.log_text();
    assert_eq!(
        assert_complete_in_order("topic", &topic, &log),
        0,
        "duplicates in the topic after a graceful restart\n{log}"
    );
    assert_eq!(
        assert_complete_in_order("output file", &out, &log),
        0,
        "duplicates in the output after a graceful restart\n{log}"
    );
}

#[test]
fn sigkill_of_the_core_loses_nothing() {
    let mut p = start("sigkill");
    let writer = write_in_background(&p.input);
    wait_output_at_least(&p, LINES / 4);
    let core_pid = p.core.pid();
    let connector_pids = children_with(core_pid, "polyconnect_file");
    p.core.kill();
    // The connector process dies with the core.
    let deadline = Instant::now() + Duration::from_secs(10);
    while connector_pids
        .iter()
        .any(|pid| Path::new(&format!("/proc/{pid}")).exists())
    {
        assert!(
            Instant::now() < deadline,
            "connector process outlived the killed core"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    p.core.restart();
    writer.join().unwrap();
    let (topic, out) = finish(&p);
    let log = p.core.log_text();
    let dup_topic = assert_complete_in_order("topic", &topic, &log);
    let dup_out = assert_complete_in_order("output file", &out, &log);
    println!("after SIGKILL of the core: {dup_topic} duplicates in the topic, {dup_out} in the output file");
}

#[test]
fn killed_connector_process_is_restarted_and_nothing_is_lost() {
    let p = start("connkill");
    let writer = write_in_background(&p.input);
    wait_output_at_least(&p, LINES / 4);
    let pids = children_with(p.core.pid(), "polyconnect_file");
    assert_eq!(pids.len(), 1, "one file connector process: {pids:?}");
    signal(pids[0], libc::SIGKILL);
    writer.join().unwrap();
    let (topic, out) = finish(&p);
    let log = p.core.log_text();
    let dup_topic = assert_complete_in_order("topic", &topic, &log);
    let dup_out = assert_complete_in_order("output file", &out, &log);
    println!("after SIGKILL of the connector process: {dup_topic} duplicates in the topic, {dup_out} in the output file");
    let now = children_with(p.core.pid(), "polyconnect_file");
    assert_eq!(now.len(), 1, "restarted: {now:?}");
    assert_ne!(now, pids);
    assert!(log.contains("connector process is down"));
}
