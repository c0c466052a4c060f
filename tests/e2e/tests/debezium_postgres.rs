//! Debezium's PostgreSQL connector, unmodified, as a Kafka Connect plugin directory on
//! `plugin.path`: the jars Maven Central gives for
//! `io.debezium:debezium-connector-postgres` (without Kafka's own jars, as Debezium's plugin
//! archive ships; fetched by `scripts/setup/debezium.sh`) in a directory of plugins beside
//! the Polyconnect plugins of `connectors/`, no manifest written. The core finds it through
//! the Kafka Connect bridge, lists it with its version, and runs it against a private
//! PostgreSQL server with `wal_level=logical` and `pgoutput`: the snapshot, then inserts,
//! updates and deletes reach Kafka in Debezium's envelope (JsonConverter with schemas). Then
//! the core is SIGKILLed while rows are being inserted and restarted: the connector resumes
//! from the LSN in the stored offsets, and every inserted row is in Kafka (0 missing;
//! duplicates, which at-least-once allows after a crash, are counted and printed). All along,
//! the project's PostgresSink (`connectors/postgres`) keeps a replica table from the same
//! topic (flat rows by Debezium's own `ExtractNewRecordState` from the same plugin directory,
//! run out of process in the bridge; upserts by the key, deletes on the null rows), which
//! equals the source table row for row at the end.
//! The bridge JVM's resident memory is printed. A second test follows one change in one
//! trace, from the bridged task's poll to the sink (OTLP to an in-process receiver).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use serde_json::Value;

/// A private PostgreSQL server with logical decoding
/// (`connectors/postgres/scripts/test-cluster.sh`), removed on drop.
struct Postgres {
    port: u16,
    dir: String,
}

fn cluster_script() -> PathBuf {
    repo_root().join("connectors/postgres/scripts/test-cluster.sh")
}

impl Postgres {
    fn start_logical() -> Postgres {
        let port = free_port();
        let out = Command::new("bash")
            .arg(cluster_script())
            .args([
                "start",
                &port.to_string(),
                "wal_level=logical",
                "max_wal_senders=4",
                "max_replication_slots=4",
            ])
            .output()
            .expect("run test-cluster.sh");
        assert!(
            out.status.success(),
            "cannot start PostgreSQL (run scripts/setup.sh):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dir = String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .lines()
            .last()
            .unwrap()
            .to_string();
        Postgres { port, dir }
    }

    /// Runs each statement in its own transaction (psql's `-c` one after another).
    fn exec(&self, statements: &[String]) {
        let mut cmd = Command::new("psql");
        cmd.args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args([
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
            ]);
        for s in statements {
            cmd.args(["-c", s]);
        }
        let out = cmd.output().expect("run psql");
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Postgres {
    /// Rows of a query, unaligned, `|` between columns.
    fn query(&self, sql: &str) -> Vec<String> {
        let out = Command::new("psql")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args([
                "-U", "postgres", "-d", "postgres", "-X", "-A", "-t", "-c", sql,
            ])
            .output()
            .expect("run psql");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(cluster_script())
            .args(["stop", &self.dir])
            .status();
    }
}

fn setup(script: &str) -> String {
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/setup").join(script))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "scripts/setup/{script} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Debezium's plugin directory, as fetched (cached) by `scripts/setup/debezium.sh`.
fn debezium_plugin() -> PathBuf {
    setup("java.sh");
    let out = setup("debezium.sh");
    let dir = PathBuf::from(out.lines().last().expect("a directory").trim());
    assert!(dir.is_dir(), "{}", dir.display());
    dir
}

/// One change event read back: the key's id, the envelope's `op`, `before`, `after`.
#[derive(Debug, Clone)]
struct Change {
    id: i64,
    op: String,
    before: Value,
    after: Value,
    value: Value,
}

/// The change events of a topic (tombstones left out), and how many tombstones.
fn changes(topic: &str, expected: usize, timeout: Duration) -> (Vec<Change>, usize) {
    let records = read_topic(&bootstrap(), topic, expected, timeout);
    let mut out = Vec::new();
    let mut tombstones = 0;
    for (_, _, key, value) in records {
        let key: Value = serde_json::from_slice(&key.expect("a key")).expect("a JSON key");
        let id = key["payload"]["id"].as_i64().expect("the key's id");
        let Some(value) = value else {
            tombstones += 1;
            continue;
        };
        let value: Value = serde_json::from_slice(&value).expect("a JSON value");
        let p = &value["payload"];
        out.push(Change {
            id,
            op: p["op"].as_str().expect("op").to_string(),
            before: p["before"].clone(),
            after: p["after"].clone(),
            value: value.clone(),
        });
    }
    (out, tombstones)
}

fn row(id: i64, name: &str, cents: i64) -> Value {
    serde_json::json!({"id": id, "name": name, "cents": cents})
}

/// Waits until the topic holds `n` change events (tombstones aside).
fn wait_changes(topic: &str, n: usize, core: &Core) -> (Vec<Change>, usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (c, t) = changes(topic, n, Duration::from_secs(10));
        if c.len() >= n {
            return (c, t);
        }
        assert!(
            Instant::now() < deadline,
            "{} of {n} change events in {topic}\n{}",
            c.len(),
            core.log_text()
        );
    }
}

fn connector_config(dir: &Path, pg: &Postgres, prefix: &str) -> PathBuf {
    let p = dir.join("debezium.properties");
    write(
        &p,
        &format!(
            "name=inventory-cdc\n\
             connector.class=io.debezium.connector.postgresql.PostgresConnector\n\
             tasks.max=1\n\
             database.hostname=127.0.0.1\n\
             database.port={}\n\
             database.user=postgres\n\
             database.password=unused\n\
             database.dbname=postgres\n\
             topic.prefix={prefix}\n\
             plugin.name=pgoutput\n\
             slot.name=polyconnect_cdc\n\
             publication.name=polyconnect_cdc\n\
             publication.autocreate.mode=filtered\n\
             table.include.list=public.accounts\n\
             snapshot.mode=initial\n",
            pg.port
        ),
    );
    p
}

#[test]
fn debezium_postgres_cdc_through_the_bridge() {
    let plugin = debezium_plugin();
    let pg = Postgres::start_logical();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A directory of plugins as a Kafka Connect user keeps one: Debezium's directory as it
    // is (linked, not copied), and the Polyconnect plugins of connectors/ on the same path.
    let plugins = dir.join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    std::os::unix::fs::symlink(&plugin, plugins.join("debezium-connector-postgres")).unwrap();
    let port = free_port();
    let worker = dir.join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.json.JsonConverter\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={},{}\n",
            bootstrap(),
            dir.join("offsets.json").display(),
            plugins.display(),
            repo_root().join("connectors").display(),
        ),
    );

    // The snapshot's rows.
    let snapshot_rows = 200;
    pg.exec(&[
        "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, cents bigint)".into(),
        format!(
            "INSERT INTO accounts SELECT g, 'user-' || g, g * 100 FROM generate_series(1, {snapshot_rows}) g"
        ),
    ]);

    let prefix = unique("cdc");
    let topic = format!("{prefix}.public.accounts");
    let config = connector_config(dir, &pg, &prefix);
    let replica = dir.join("replica.properties");
    write(
        &replica,
        &format!(
            "name=accounts-replica\n\
             connector.class=PostgresSink\n\
             topics={topic}\n\
             connection.url=postgresql://postgres@127.0.0.1:{}/postgres\n\
             insert.mode=upsert\n\
             pk.mode=record_key\n\
             delete.enabled=true\n\
             auto.create=true\n\
             table.name.format=replica_accounts\n\
             transforms=unwrap\n\
             transforms.unwrap.type=io.debezium.transforms.ExtractNewRecordState\n",
            pg.port
        ),
    );
    let started = Instant::now();
    let mut core = Core::start(dir, &worker, &[config, replica], port);
    println!(
        "core up in {:.1} s (the plugin scan, or its cache)",
        started.elapsed().as_secs_f64()
    );

    // Listed with its version, beside the Polyconnect plugins, found without a manifest.
    let (status, listed) = core.get("/connector-plugins");
    assert_eq!(status, 200);
    let listed = listed.as_array().unwrap();
    let dbz = listed
        .iter()
        .find(|p| p["class"] == "io.debezium.connector.postgresql.PostgresConnector")
        .unwrap_or_else(|| panic!("Debezium not listed: {listed:?}\n{}", core.log_text()));
    assert_eq!(dbz["type"], "source");
    assert_eq!(dbz["version"], "3.6.1.Final");
    assert!(listed.iter().any(|p| p["class"] == "PostgresSink"));
    let (_, all) = core.get("/connector-plugins?connectorsOnly=false");
    assert!(
        all.as_array().unwrap().iter().any(|p| p["class"]
            == "io.debezium.transforms.ByLogicalTableRouter"
            && p["type"] == "transformation"),
        "{all}"
    );
    // Its config definition comes from Debezium's ConfigDef (CLASS defaults resolved by the
    // plugin's class loader).
    let (status, defs) = core.get("/connector-plugins/PostgresConnector/config");
    assert_eq!(status, 200, "{defs}\n{}", core.log_text());
    assert!(
        defs.as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "plugin.name"),
        "{defs}"
    );

    // 1. The snapshot, in Debezium's envelope.
    core.wait_task_state("inventory-cdc", 0, "RUNNING", Duration::from_secs(120));
    let (snap, _) = wait_changes(&topic, snapshot_rows, &core);
    let first = &snap[0].value;
    assert_eq!(
        first["schema"]["name"],
        format!("{prefix}.public.accounts.Envelope"),
        "{first}"
    );
    let source = &first["payload"]["source"];
    assert_eq!(source["connector"], "postgresql", "{first}");
    assert_eq!(source["table"], "accounts");
    assert_eq!(source["version"], "3.6.1.Final");
    for (i, c) in snap.iter().take(snapshot_rows).enumerate() {
        let id = i as i64 + 1;
        assert_eq!(c.op, "r", "{:?}", c.value);
        assert_eq!(c.id, id);
        assert_eq!(c.after, row(id, &format!("user-{id}"), id * 100));
        assert!(c.before.is_null());
    }
    println!("snapshot: {snapshot_rows} rows read as op=r");

    // 2. Streaming: inserts, updates and deletes, each its own transaction.
    let mut dml = Vec::new();
    for id in 201..=230 {
        dml.push(format!(
            "INSERT INTO accounts VALUES ({id}, 'user-{id}', {})",
            id * 100
        ));
    }
    for id in 1..=20 {
        dml.push(format!(
            "UPDATE accounts SET name = 'renamed-{id}', cents = cents + 1 WHERE id = {id}"
        ));
    }
    for id in 21..=30 {
        dml.push(format!("DELETE FROM accounts WHERE id = {id}"));
    }
    pg.exec(&dml);
    let streamed = 30 + 20 + 10;
    let (all, tombstones) = wait_changes(&topic, snapshot_rows + streamed, &core);
    let live: Vec<&Change> = all.iter().filter(|c| c.op != "r").collect();
    let inserts: Vec<&&Change> = live.iter().filter(|c| c.op == "c").collect();
    let updates: Vec<&&Change> = live.iter().filter(|c| c.op == "u").collect();
    let deletes: Vec<&&Change> = live.iter().filter(|c| c.op == "d").collect();
    assert_eq!(
        (inserts.len(), updates.len(), deletes.len()),
        (30, 20, 10),
        "{live:?}"
    );
    for (i, c) in inserts.iter().enumerate() {
        let id = 201 + i as i64;
        assert_eq!(
            (c.id, &c.after),
            (id, &row(id, &format!("user-{id}"), id * 100))
        );
    }
    for (i, c) in updates.iter().enumerate() {
        let id = 1 + i as i64;
        assert_eq!(
            (c.id, &c.after),
            (id, &row(id, &format!("renamed-{id}"), id * 100 + 1))
        );
    }
    for (i, c) in deletes.iter().enumerate() {
        let id = 21 + i as i64;
        assert_eq!(c.id, id);
        assert!(c.after.is_null(), "{:?}", c.value);
        // REPLICA IDENTITY DEFAULT: the old row carries its key.
        assert_eq!(c.before["id"], id, "{:?}", c.value);
        assert!(c.value["payload"]["source"]["lsn"].as_i64().unwrap() > 0);
    }
    assert_eq!(tombstones, 10, "a tombstone after each delete");
    println!("streaming: 30 inserts, 20 updates, 10 deletes (+10 tombstones) in the envelope");

    // 3. The core SIGKILLed while rows are inserted, then restarted: the connector resumes
    // from its stored LSN.
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicI64::new(10_000));
    let writer = {
        let (stop, next) = (stop.clone(), next.clone());
        let port = pg.port;
        std::thread::spawn(move || {
            let pg = Postgres {
                port,
                dir: String::new(),
            };
            while !stop.load(Ordering::SeqCst) {
                let batch: Vec<String> = (0..10)
                    .map(|_| {
                        let id = next.fetch_add(1, Ordering::SeqCst);
                        format!("INSERT INTO accounts VALUES ({id}, 'live-{id}', {id})")
                    })
                    .collect();
                pg.exec(&batch);
                std::thread::sleep(Duration::from_millis(20));
            }
            std::mem::forget(pg); // not ours to stop
        })
    };
    let before_kill = snapshot_rows + streamed + 300;
    wait_changes(&topic, before_kill, &core);
    core.kill();
    let killed_at = next.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_secs(2));
    core.restart();
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let last = next.load(Ordering::SeqCst) - 1;
    let inserted: BTreeSet<i64> = (10_000..=last).collect();
    let total_expected = snapshot_rows + streamed + inserted.len();
    let deadline = Instant::now() + Duration::from_secs(180);
    let (after, missing, dups) = loop {
        let (c, _) = changes(&topic, total_expected, Duration::from_secs(15));
        let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
        for ch in c.iter().filter(|ch| ch.op == "c" && ch.id >= 10_000) {
            assert_eq!(
                ch.after,
                row(ch.id, &format!("live-{}", ch.id), ch.id),
                "{:?}",
                ch.value
            );
            *seen.entry(ch.id).or_default() += 1;
        }
        let missing: Vec<i64> = inserted
            .iter()
            .filter(|id| !seen.contains_key(id))
            .copied()
            .collect();
        let dups: usize = seen.values().map(|n| n - 1).sum();
        if missing.is_empty() || Instant::now() > deadline {
            break (c, missing, dups);
        }
    };
    println!(
        "crash: {} rows inserted around a SIGKILL of the core (at row {killed_at}), {} read, missing {}, duplicated {dups}",
        inserted.len(),
        after.iter().filter(|c| c.op == "c" && c.id >= 10_000).count(),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "rows lost after the restart, e.g. {:?}\n{}",
        &missing[..missing.len().min(10)],
        core.log_text()
    );
    // The replica equals the source table, row for row.
    let source_rows = pg.query("SELECT id, name, cents FROM accounts ORDER BY id");
    let deadline = Instant::now() + Duration::from_secs(120);
    let replica_rows = loop {
        let got = pg.query("SELECT id, name, cents FROM replica_accounts ORDER BY id");
        if got == source_rows || Instant::now() > deadline {
            break got;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(
        replica_rows.len(),
        source_rows.len(),
        "replica rows\n{}",
        core.log_text()
    );
    assert!(
        replica_rows == source_rows,
        "the replica differs from the source table"
    );
    println!(
        "replica: {} rows, equal to the source table (PostgresSink fed from the Debezium topic)",
        replica_rows.len()
    );
    let bridge_rss: Vec<u64> = children_with(core.pid(), "io.polyconnect.bridge.Main")
        .into_iter()
        .filter_map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .collect();
    assert_eq!(
        bridge_rss.len(),
        1,
        "one bridge JVM serves the Kafka Connect plugins"
    );
    println!("bridge JVM resident memory: {} MiB", bridge_rss[0] / 1024);
    // Nothing of the earlier phases was lost either.
    let snap_ids: BTreeSet<i64> = after.iter().filter(|c| c.op == "r").map(|c| c.id).collect();
    assert_eq!(snap_ids.len(), snapshot_rows);
    core.stop();
}

/// One change, one trace: with OTEL_* set on the core only, a row inserted after the
/// snapshot is followed from the bridged Debezium task's poll (the bridge's own spans),
/// through the core's send and Kafka's traceparent header, to the sink side: the
/// out-of-process `ExtractNewRecordState` stage (`transform unwrap`, the bridge again),
/// the PostgresSink's put, its flush and the offset commit.
#[test]
fn one_trace_follows_a_change_from_debezium_to_the_sink() {
    let plugin = debezium_plugin();
    let pg = Postgres::start_logical();
    let receiver = polyconnect_e2e::otlp::Receiver::start();
    let endpoint = receiver.endpoint();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let plugins = dir.join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    std::os::unix::fs::symlink(&plugin, plugins.join("debezium-connector-postgres")).unwrap();
    let port = free_port();
    let worker = dir.join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.json.JsonConverter\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={},{}\n",
            bootstrap(),
            dir.join("offsets.json").display(),
            plugins.display(),
            repo_root().join("connectors").display(),
        ),
    );
    let snapshot_rows = 5;
    pg.exec(&[
        "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, cents bigint)".into(),
        format!(
            "INSERT INTO accounts SELECT g, 'user-' || g, g * 100 FROM generate_series(1, {snapshot_rows}) g"
        ),
    ]);
    let prefix = unique("cdc-traced");
    let topic = format!("{prefix}.public.accounts");
    let config = connector_config(dir, &pg, &prefix);
    let replica = dir.join("replica.properties");
    write(
        &replica,
        &format!(
            "name=accounts-replica\n\
             connector.class=PostgresSink\n\
             topics={topic}\n\
             connection.url=postgresql://postgres@127.0.0.1:{}/postgres\n\
             insert.mode=upsert\n\
             pk.mode=record_key\n\
             delete.enabled=true\n\
             auto.create=true\n\
             table.name.format=replica_accounts\n\
             transforms=unwrap\n\
             transforms.unwrap.type=io.debezium.transforms.ExtractNewRecordState\n",
            pg.port
        ),
    );
    let core = Core::start_with_env(
        dir,
        &worker,
        &[config, replica],
        port,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_TRACES_SAMPLER", "parentbased_always_on"),
        ],
    );
    core.wait_task_state("inventory-cdc", 0, "RUNNING", Duration::from_secs(120));
    core.wait_task_state("accounts-replica", 0, "RUNNING", Duration::from_secs(120));
    wait_changes(&topic, snapshot_rows, &core);
    // The snapshot in the replica first: the traced change then comes to the sink in a
    // batch of its own, whose transform stage's span is in its trace (a stage's span is
    // in the trace of the first sampled record of its batch).
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let rows = pg.query("SELECT count(*) FROM replica_accounts");
        if rows == [snapshot_rows.to_string()] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "replica before the change: {rows:?}\n{}",
            core.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // The change after the snapshot: offset 5 of the topic's single partition.
    pg.exec(&["INSERT INTO accounts VALUES (1000, 'traced', 42)".into()]);
    let (all, _) = wait_changes(&topic, snapshot_rows + 1, &core);
    assert_eq!(all[snapshot_rows].id, 1000, "{:?}", all[snapshot_rows]);
    let t = receiver.expect_record_trace(
        &polyconnect_e2e::otlp::Expect {
            source_service: "polyconnect-connector-kafka-connect",
            sink_service: "polyconnect-connector-postgres",
            sink_connector: "accounts-replica",
            topic: &topic,
            offset: snapshot_rows as i64,
        },
        Duration::from_secs(60),
    );
    // The source poll is the bridge's: the whole chain is one trace.
    for s in [
        &t.source_create,
        &t.core_send,
        &t.core_process,
        &t.sink_process,
    ] {
        assert_eq!(s.trace_id, t.source_poll.trace_id, "{s:?}");
    }
    // The out-of-process stage on the sink side: its span in the change's trace, under
    // the core's transform stage of the record.
    let stage = receiver.wait_for(Duration::from_secs(30), |spans| {
        spans
            .iter()
            .find(|s| {
                s.service == "polyconnect"
                    && s.name == "transform unwrap"
                    && s.trace_id == t.core_process.trace_id
            })
            .cloned()
    });
    let stage = stage.unwrap_or_else(|| {
        let names: std::collections::BTreeSet<(String, String)> = receiver
            .spans()
            .iter()
            .filter(|s| s.trace_id == t.core_process.trace_id)
            .map(|s| (s.service.clone(), s.name.clone()))
            .collect();
        panic!("no `transform unwrap` span in the change's trace; its spans: {names:?}")
    });
    assert_eq!(
        stage.attr("polyconnect.transform.class"),
        Some("io.debezium.transforms.ExtractNewRecordState"),
        "{stage:?}"
    );
    // And the row reached the replica.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows = pg.query("SELECT name, cents FROM replica_accounts WHERE id = 1000");
        if rows == ["traced|42"] {
            break;
        }
        assert!(Instant::now() < deadline, "replica: {rows:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
