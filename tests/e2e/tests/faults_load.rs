//! Fault suite, load: a backlog of large records drains through the FaultSink with nothing
//! lost (the core bounds what it buffers and splits Puts by bytes; see `faults.rs` for the
//! suite and its output line).

use std::time::Duration;

use polyconnect_e2e::faults::*;
use polyconnect_e2e::*;

/// (h) 2,000 records of 40 KB each (80 MB) are in the topic before the sink starts; they
/// all reach the output file.
#[test]
fn backlog_of_40kb_records_drains() {
    let scenario = "backlog-40kb";
    let n = 2_000;
    let rig = Rig::start(
        scenario,
        &bootstrap(),
        RigOptions {
            backlog: n,
            pad_to: 40 * 1024,
            ..RigOptions::default()
        },
    );
    let c = rig.finish(scenario, n, Duration::from_secs(240), &[]);
    let read = rig.core.metric(
        "kafka_connect_sink_task_sink_record_read_total",
        &format!("connector=\"{}\",task=\"0\"", rig.sink.name),
    );
    println!("backlog-40kb: {c:?}, records read by the task {read:?}");
    assert_eq!(task_state(&rig.core, &rig.sink.name, 0), "RUNNING");
}
