//! The worker group protocol's bytes against Kafka Connect's own classes (Kafka 4.3.1's
//! `ConnectProtocol` and `IncrementalCooperativeConnectProtocol`, from the Maven Central
//! jars, through the reference harness in `tests/reference`), both ways: what Polyconnect
//! writes, Kafka Connect reads as the same assignment or metadata, and the reverse, for a
//! few hundred generated assignments of every version.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use polyconnect_group::protocol::{Assignment, ConnectorTaskId, WorkerMetadata};
use serde_json::{json, Value};

struct Harness {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Harness {
    fn start() -> Harness {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/reference/run.sh");
        let mut child = Command::new("bash")
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the Kafka Connect reference harness (tests/reference/run.sh)");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut h = Harness {
            child,
            stdin,
            stdout,
        };
        assert_eq!(
            h.call(json!({"op": "ping"}))["ok"],
            json!(true),
            "the reference harness answers"
        );
        h
    }

    fn call(&mut self, request: Value) -> Value {
        writeln!(self.stdin, "{request}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let response: Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!("the reference harness answered {line:?} to {request}: {e}")
        });
        assert!(
            response.get("error").is_none(),
            "Kafka Connect failed on {request}: {response}"
        );
        response
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small deterministic generator (xorshift), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn name(rng: &mut Rng) -> String {
    // Dashes and non-ASCII names too: the format is length-prefixed UTF-8.
    const NAMES: &[&str] = &["c", "orders-sink", "src", "a-b-c", "ünïcode", "x"];
    NAMES[rng.below(NAMES.len() as u64) as usize].to_string()
}

fn items(rng: &mut Rng, max: u64) -> (Vec<String>, Vec<ConnectorTaskId>) {
    let mut connectors: Vec<String> = Vec::new();
    let mut tasks: Vec<ConnectorTaskId> = Vec::new();
    for _ in 0..rng.below(max) {
        if rng.below(3) == 0 {
            let c = name(rng);
            if !connectors.contains(&c) {
                connectors.push(c);
            }
        } else {
            let t = ConnectorTaskId::new(name(rng), rng.below(10) as i32);
            if !tasks.contains(&t) {
                tasks.push(t);
            }
        }
    }
    (connectors, tasks)
}

fn assignment(rng: &mut Rng, version: i16) -> Assignment {
    let (connectors, tasks) = items(rng, 8);
    let (revoked_connectors, revoked_tasks) = if version >= 1 {
        items(rng, 4)
    } else {
        (vec![], vec![])
    };
    Assignment {
        version,
        error: rng.below(2) as i16,
        leader: format!("connect-{}-{}", rng.below(5), rng.below(100_000)),
        leader_url: format!("http://w{}:8083/", rng.below(3)),
        config_offset: rng.below(1_000) as i64 - 1,
        connectors,
        tasks,
        revoked_connectors,
        revoked_tasks,
        delay_ms: if version >= 1 && rng.below(2) == 0 {
            rng.below(300_001) as i32
        } else {
            0
        },
    }
}

fn to_json(a: &Assignment) -> Value {
    let tasks = |ts: &[ConnectorTaskId]| {
        ts.iter()
            .map(|t| json!([t.connector, t.task]))
            .collect::<Vec<_>>()
    };
    json!({
        "version": a.version, "error": a.error, "leader": a.leader, "leader_url": a.leader_url,
        "config_offset": a.config_offset, "connectors": a.connectors, "tasks": tasks(&a.tasks),
        "revoked_connectors": a.revoked_connectors, "revoked_tasks": tasks(&a.revoked_tasks),
        "delay": a.delay_ms,
    })
}

/// The assignment with its lists sorted: Kafka Connect groups items per connector through a
/// `HashSet`, so the order of the lists is not part of the format.
fn canonical(a: &Assignment) -> Assignment {
    let mut a = a.clone();
    a.connectors.sort();
    a.tasks.sort();
    a.revoked_connectors.sort();
    a.revoked_tasks.sort();
    a
}

fn from_json(v: &Value) -> Assignment {
    let names = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect()
    };
    let tasks = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| ConnectorTaskId::new(t[0].as_str().unwrap(), t[1].as_i64().unwrap() as i32))
            .collect()
    };
    Assignment {
        version: v["version"].as_i64().unwrap() as i16,
        error: v["error"].as_i64().unwrap() as i16,
        leader: v["leader"].as_str().unwrap().into(),
        leader_url: v["leader_url"].as_str().unwrap().into(),
        config_offset: v["config_offset"].as_i64().unwrap(),
        connectors: names(&v["connectors"]),
        tasks: tasks(&v["tasks"]),
        revoked_connectors: names(&v["revoked_connectors"]),
        revoked_tasks: tasks(&v["revoked_tasks"]),
        delay_ms: v["delay"].as_i64().unwrap() as i32,
    }
}

/// Bytes are compared as well when at most one connector appears in each list, where the
/// grouping order cannot differ.
fn order_is_fixed(a: &Assignment) -> bool {
    let one = |cs: &[String], ts: &[ConnectorTaskId]| {
        let mut names: Vec<&str> = cs
            .iter()
            .map(String::as_str)
            .chain(ts.iter().map(|t| t.connector.as_str()))
            .collect();
        names.sort();
        names.dedup();
        names.len() <= 1
    };
    one(&a.connectors, &a.tasks) && one(&a.revoked_connectors, &a.revoked_tasks)
}

#[test]
fn assignments_read_the_same_in_kafka_connect_and_polyconnect() {
    let mut h = Harness::start();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut same_bytes = 0;
    for i in 0..300 {
        let version = (i % 3) as i16;
        let ours = assignment(&mut rng, version);
        let bytes = ours.encode();

        // Ours, read by Kafka Connect.
        let read = h.call(json!({"op": "group.assignment.decode", "hex": hex::encode(&bytes)}));
        assert_eq!(
            canonical(&from_json(&read["assignment"])),
            canonical(&ours),
            "Kafka Connect read {}",
            hex::encode(&bytes)
        );

        // Kafka Connect's, read by us.
        let theirs = h.call(json!({"op": "group.assignment.encode", "assignment": to_json(&ours)}));
        let their_bytes = hex::decode(theirs["hex"].as_str().unwrap()).unwrap();
        assert_eq!(
            canonical(&Assignment::decode(&their_bytes).unwrap()),
            canonical(&ours)
        );
        if order_is_fixed(&ours) {
            assert_eq!(
                hex::encode(&bytes),
                hex::encode(&their_bytes),
                "bytes of {ours:?}"
            );
            same_bytes += 1;
        }
    }
    assert!(
        same_bytes > 50,
        "only {same_bytes} assignments were compared byte for byte"
    );
}

#[test]
fn metadata_reads_the_same_in_kafka_connect_and_polyconnect() {
    let mut h = Harness::start();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for i in 0..150 {
        let version = (i % 3) as i16;
        let allocation = (version >= 1 && rng.below(3) != 0).then(|| {
            let mut a = assignment(&mut rng, version);
            // A worker's allocation is everything it runs: no error, nothing revoked.
            a.error = 0;
            a.revoked_connectors.clear();
            a.revoked_tasks.clear();
            a.delay_ms = 0;
            a
        });
        let ours = WorkerMetadata {
            version,
            url: format!("http://worker-{}.example:8083/", rng.below(10)),
            config_offset: rng.below(10_000) as i64 - 1,
            allocation,
        };
        let bytes = ours.encode();
        let read = h.call(json!({"op": "group.metadata.decode", "hex": hex::encode(&bytes)}))
            ["metadata"]
            .clone();
        assert_eq!(read["url"], json!(ours.url));
        assert_eq!(read["config_offset"], json!(ours.config_offset));
        match &ours.allocation {
            // Kafka Connect reads a null allocation as its `ExtendedAssignment.empty()`
            // (no leader, offset -1, nothing assigned).
            None => assert!(
                read["allocation"].is_null()
                    || (read["allocation"]["leader"].is_null()
                        && read["allocation"]["config_offset"] == json!(-1)
                        && read["allocation"]["connectors"] == json!([])
                        && read["allocation"]["tasks"] == json!([])),
                "{read}"
            ),
            Some(a) => assert_eq!(canonical(&from_json(&read["allocation"])), canonical(a)),
        }

        let request = json!({"op": "group.metadata.encode", "metadata": {
            "version": ours.version, "url": ours.url, "config_offset": ours.config_offset,
            "allocation": ours.allocation.as_ref().map(to_json),
        }});
        let their_bytes = hex::decode(h.call(request)["hex"].as_str().unwrap()).unwrap();
        let theirs = WorkerMetadata::decode(&their_bytes).unwrap();
        assert_eq!(theirs.version, ours.version);
        assert_eq!(theirs.url, ours.url);
        assert_eq!(theirs.config_offset, ours.config_offset);
        assert_eq!(
            theirs.allocation.as_ref().map(canonical),
            ours.allocation.as_ref().map(canonical)
        );
        if ours.allocation.as_ref().is_none_or(order_is_fixed) {
            assert_eq!(hex::encode(&bytes), hex::encode(&their_bytes));
        }
    }
}
