//! The Go SDK's example connectors (`clients/go/examples`), launched by the core from their
//! manifests: the source writes records 1..N to a topic, the sink appends them to a file,
//! and after a restart of the core the source goes on from its stored offset.

use std::process::Command;
use std::time::Duration;

use polyconnect_e2e::*;

#[test]
fn go_example_source_and_sink_carry_every_record_across_a_restart() {
    let examples = repo_root().join("clients/go/examples");
    for name in ["source", "sink"] {
        let status = Command::new("go")
            .args([
                "build",
                "-buildvcs=false",
                "-o",
                &format!(".bin/{name}"),
                ".",
            ])
            .current_dir(examples.join(name))
            .status()
            .expect("go is needed to build the Go examples");
        assert!(
            status.success(),
            "building clients/go/examples/{name} failed"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("go-examples");
    let output = dir.path().join("out.txt");
    let rest = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\nkey.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\noffset.flush.interval.ms=300\n\
             listeners=http://127.0.0.1:{rest}\nplugin.path={}\n",
            bootstrap(),
            dir.path().join("offsets.json").display(),
            examples.display()
        ),
    );
    let source = dir.path().join("source.properties");
    let sink = dir.path().join("sink.properties");
    let source_config = |count: usize| {
        format!("name=go-source\nconnector.class=GoSequenceSource\ntopic={topic}\ncount={count}\n")
    };
    write(&source, &source_config(3000));
    write(
        &sink,
        &format!(
            "name=go-sink\nconnector.class=GoFileSink\ntopics={topic}\nfile={}\n",
            output.display()
        ),
    );

    let mut core = Core::start(dir.path(), &worker, &[source.clone(), sink.clone()], rest);
    core.wait_task_state("go-source", 0, "RUNNING", Duration::from_secs(60));
    core.wait_task_state("go-sink", 0, "RUNNING", Duration::from_secs(60));
    let lines = wait_lines(&output, 3000, Duration::from_secs(60));
    let want: Vec<String> = (1..=3000).map(|n| format!("record-{n}")).collect();
    assert_eq!(
        lines,
        want,
        "the sink's file holds every record in order\n{}",
        core.log_text()
    );

    // More records after a restart: the source resumes from its offset, nothing twice.
    core.stop();
    write(&source, &source_config(3500));
    core.restart();
    let lines = wait_lines(&output, 3500, Duration::from_secs(60));
    let want: Vec<String> = (1..=3500).map(|n| format!("record-{n}")).collect();
    assert_eq!(lines, want, "after the restart\n{}", core.log_text());
    let topic_records = read_topic(&bootstrap(), &topic, 3500, Duration::from_secs(30));
    assert_eq!(topic_records.len(), 3500);
    assert_eq!(
        topic_records[0].2.as_deref(),
        Some(&b"1"[..]),
        "the key is the record number"
    );
    core.stop();
}
