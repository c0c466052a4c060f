//! The TypeScript SDK's example source and sink, launched by the core from their plugin
//! manifests, carry records through a topic into a file, across a graceful restart.

use std::time::Duration;

use polyconnect_e2e::*;

const RECORDS: usize = 2000;

#[test]
fn example_source_and_sink_carry_every_record_in_order() {
    let examples = repo_root().join("clients/typescript/examples");
    let built = repo_root().join("clients/typescript/build/examples/source/source.js");
    assert!(
        built.is_file(),
        "{} is missing: run scripts/setup/typescript.sh",
        built.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("ts-examples");
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=300\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            bootstrap(),
            dir.path().join("offsets.json").display(),
            examples.display()
        ),
    );
    let source = dir.path().join("counter.properties");
    write(
        &source,
        &format!("name=counter\nconnector.class=com.example.CounterSourceConnector\ntopic={topic}\nrecords={RECORDS}\nbatch.size=100\nprefix=n\n"),
    );
    let sink = dir.path().join("lines.json");
    write(
        &sink,
        &format!(
            r#"{{"name":"lines","config":{{"connector.class":"Lines","topics":"{topic}","file":"{}"}}}}"#,
            output.display()
        ),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let mut core = Core::start(dir.path(), &worker, &[source, sink], rest);
    core.wait_task_state("counter", 0, "RUNNING", Duration::from_secs(60));
    core.wait_task_state("lines", 0, "RUNNING", Duration::from_secs(60));
    let first = wait_lines(&output, RECORDS / 4, Duration::from_secs(60));
    assert!(
        first.len() >= RECORDS / 4,
        "the sink is stuck at {} lines\n{}",
        first.len(),
        core.log_text()
    );
    core.stop();
    core.restart();
    let lines = wait_lines(&output, RECORDS, Duration::from_secs(60));
    let topic_values: Vec<String> =
        read_topic(&bootstrap(), &topic, RECORDS, Duration::from_secs(30))
            .into_iter()
            .map(|r| String::from_utf8(r.3.unwrap()).unwrap())
            .collect();
    let log = core.log_text();
    core.stop();
    // The source resumed from its stored offset: every number once, in order, in the topic.
    let expected: Vec<String> = (0..RECORDS).map(|i| format!("n-{i}")).collect();
    assert_eq!(topic_values, expected, "topic contents\n{log}");
    // The sink may write again what it wrote after its last committed offset, but in order.
    let mut next = 0;
    for l in &lines {
        let n: usize = l
            .strip_prefix("n-")
            .and_then(|x| x.parse().ok())
            .unwrap_or_else(|| panic!("bad line {l}"));
        assert!(n <= next, "line {l} skipped ahead of n-{next}");
        if n == next {
            next += 1;
        }
    }
    assert_eq!(next, RECORDS, "every record reached the file\n{log}");
}
