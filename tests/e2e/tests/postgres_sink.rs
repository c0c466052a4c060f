//! The PostgreSQL sink (a Python process launched from `connectors/postgres`) on a real
//! broker and a real PostgreSQL server: schema'd JSON records (JsonConverter with
//! schemas) with updates to the same keys and tombstones end up as the expected rows, a
//! table is created and evolved, and a restart of the core neither duplicates nor loses
//! anything (checked on a second, insert-only connector that keeps every record). An
//! outage of PostgreSQL makes puts retriable: the core delivers them again and nothing is
//! lost. An Avro topic (AvroConverter, real Schema Registry) becomes a table with typed
//! columns.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::ClientConfig;
use serde_json::{json, Value};

/// A private PostgreSQL server (`connectors/postgres/scripts/test-cluster.sh`), removed on drop.
struct Postgres {
    port: u16,
    dir: String,
}

fn cluster_script() -> PathBuf {
    repo_root().join("connectors/postgres/scripts/test-cluster.sh")
}

impl Postgres {
    fn start() -> Postgres {
        let port = free_port();
        let out = Command::new("bash")
            .arg(cluster_script())
            .args(["start", &port.to_string()])
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

    fn url(&self) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Rows of a query, unaligned, `|` between columns; an empty string for NULL.
    fn query(&self, sql: &str) -> Result<Vec<String>, String> {
        let out = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .expect("run psql");
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// Waits until `sql` returns `expected`; returns what it returned last.
    fn wait_for(&self, sql: &str, expected: &[String], timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.query(sql).unwrap_or_default();
            if got == expected || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Postgres {
    /// Stops the server (fast shutdown: connections are cut), keeping its data.
    fn halt(&self) {
        let ok = Command::new("bash")
            .arg(cluster_script())
            .args(["halt", &self.dir])
            .status()
            .unwrap();
        assert!(ok.success(), "halting PostgreSQL failed");
    }

    fn resume(&self) {
        let ok = Command::new("bash")
            .arg(cluster_script())
            .args(["resume", &self.dir])
            .status()
            .unwrap();
        assert!(ok.success(), "restarting PostgreSQL failed");
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

const TS0: i64 = 1_700_000_000_000;

/// An account's row as the record carries it: version `v` of account `id`.
struct Account {
    id: i64,
    v: i64,
    email: bool, // the evolved schema, with an `email` field
}

impl Account {
    fn name(&self) -> String {
        format!("user-{}-v{}", self.id, self.v)
    }
    fn cents(&self) -> i64 {
        // Negative for some, so two's complement matters.
        (self.id * 1000 + self.v) * if self.id % 3 == 0 { -1 } else { 1 }
    }
    fn millis(&self) -> i64 {
        TS0 + self.id * 1000 + self.v
    }
    fn note(&self) -> Option<String> {
        (self.id % 2 == 0).then(|| format!("note {}", self.id))
    }

    fn value(&self) -> Value {
        let mut fields = vec![
            json!({"type": "int64", "optional": false, "field": "id"}),
            json!({"type": "string", "optional": false, "field": "name"}),
            json!({"type": "bytes", "optional": false, "name": "org.apache.kafka.connect.data.Decimal",
                   "version": 1, "parameters": {"scale": "2"}, "field": "balance"}),
            json!({"type": "int64", "optional": false, "name": "org.apache.kafka.connect.data.Timestamp",
                   "version": 1, "field": "updated"}),
            json!({"type": "boolean", "optional": false, "field": "active"}),
            json!({"type": "string", "optional": true, "field": "note"}),
        ];
        let mut payload = json!({
            "id": self.id,
            "name": self.name(),
            "balance": base64(&twos_complement(self.cents())),
            "updated": self.millis(),
            "active": self.v % 2 == 1,
            "note": self.note(),
        });
        if self.email {
            fields.push(json!({"type": "string", "optional": true, "field": "email"}));
            payload["email"] = json!(format!("{}@example.com", self.id));
        }
        json!({"schema": {"type": "struct", "optional": false, "name": "Account", "fields": fields}, "payload": payload})
    }

    /// The row in the upsert table, as `expected_rows` prints it.
    fn row(&self) -> String {
        let c = self.cents();
        let balance = format!(
            "{}{}.{:02}",
            if c < 0 { "-" } else { "" },
            c.abs() / 100,
            c.abs() % 100
        );
        let email = if self.email {
            format!("{}@example.com", self.id)
        } else {
            String::new()
        };
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.id,
            self.name(),
            balance,
            self.millis(),
            if self.v % 2 == 1 { "t" } else { "f" },
            self.note().unwrap_or_default(),
            email
        )
    }
}

fn key(id: i64) -> Value {
    json!({"schema": {"type": "struct", "optional": false, "name": "AccountKey",
                      "fields": [{"type": "int64", "optional": false, "field": "id"}]},
           "payload": {"id": id}})
}

fn twos_complement(n: i64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    // The shortest big-endian form that keeps the sign, as BigInteger.toByteArray.
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    bytes[start..].to_vec()
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

enum Event {
    Upsert(Account),
    Delete(i64),
}

fn produce(topic: &str, events: &[Event]) {
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap())
        .set("enable.idempotence", "true")
        .create()
        .unwrap();
    for e in events {
        let (id, value) = match e {
            Event::Upsert(a) => (a.id, Some(a.value().to_string())),
            Event::Delete(id) => (*id, None),
        };
        let k = key(id).to_string();
        let mut rec = BaseRecord::<String, String>::to(topic).key(&k);
        if let Some(v) = value.as_ref() {
            rec = rec.payload(v);
        }
        producer.send(rec).map_err(|(e, _)| e).expect("produce");
        producer.poll(Duration::ZERO);
    }
    producer
        .flush(Duration::from_secs(30))
        .expect("flush the producer");
}

fn connector(dir: &Path, name: &str, topic: &str, pg: &Postgres, extra: Value) -> PathBuf {
    let mut config = json!({
        "connector.class": "PostgresSink",
        "tasks.max": "2",
        "topics": topic,
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "true",
        "value.converter.schemas.enable": "true",
        "connection.url": pg.url(),
        "auto.create": "true",
        "auto.evolve": "true",
    });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    let path = dir.join(format!("{name}.json"));
    write(&path, &json!({"name": name, "config": config}).to_string());
    path
}

/// The expected rows of the upsert table: the last version of every account not deleted.
fn expected_rows(state: &std::collections::BTreeMap<i64, Account>) -> Vec<String> {
    state.values().map(Account::row).collect()
}

/// The upsert table as `Account::row` prints it (`email` once auto.evolve added it).
fn upsert_rows(with_email: bool) -> String {
    format!(
        "SELECT id, name, balance::text, (extract(epoch FROM updated) * 1000)::bigint, active, coalesce(note, ''), {} \
         FROM accounts ORDER BY id",
        if with_email { "coalesce(email, '')" } else { "''" }
    )
}
const LOG_CHECK: &str = "SELECT count(*), count(DISTINCT name) FROM accounts_log";

#[test]
fn upserts_deletes_and_a_restart_end_up_as_the_expected_rows() {
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("pg-accounts");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 2));
    let mut state = std::collections::BTreeMap::new();
    let mut events = Vec::new();
    let mut logged = 0usize; // records with a value: the insert-only table gets each once
                             // Version 1 of accounts 0..50, version 2 of 0..10, then 40..45 deleted.
    for id in 0..50 {
        events.push(Event::Upsert(Account {
            id,
            v: 1,
            email: false,
        }));
    }
    for id in 0..10 {
        events.push(Event::Upsert(Account {
            id,
            v: 2,
            email: false,
        }));
    }
    for id in 40..45 {
        events.push(Event::Delete(id));
    }
    apply(&mut state, &mut logged, &events);
    produce(&topic, &events);

    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let connectors = vec![
        connector(
            dir.path(),
            "pg-upsert",
            &topic,
            &pg,
            json!({
                "insert.mode": "upsert", "pk.mode": "record_key", "delete.enabled": "true",
                "table.name.format": "accounts", "batch.size": "7",
            }),
        ),
        connector(
            dir.path(),
            "pg-log",
            &topic,
            &pg,
            json!({"table.name.format": "accounts_log"}),
        ),
    ];

    let mut core = Core::start(dir.path(), &worker, &connectors, rest);
    for name in ["pg-upsert", "pg-log"] {
        core.wait_task_state(name, 0, "RUNNING", Duration::from_secs(60));
    }
    let want = expected_rows(&state);
    let got = pg.wait_for(&upsert_rows(false), &want, Duration::from_secs(60));
    assert_eq!(got, want, "upsert table\n{}", core.log_text());
    let want_log = vec![format!("{logged}|{logged}")];
    assert_eq!(
        pg.wait_for(LOG_CHECK, &want_log, Duration::from_secs(60)),
        want_log,
        "log table\n{}",
        core.log_text()
    );
    assert_eq!(
        pg.query(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns \
                  WHERE table_name = 'accounts' ORDER BY ordinal_position"
        )
        .unwrap(),
        vec![
            "id|bigint|NO",
            "name|text|NO",
            "balance|numeric|NO",
            "updated|timestamp without time zone|NO",
            "active|boolean|NO",
            "note|text|YES",
        ]
    );

    // A graceful stop commits what PostgreSQL has; records produced meanwhile (a new
    // schema with `email`, updates, deletes, a key deleted and recreated) come after
    // the restart.
    core.stop();
    let mut more = Vec::new();
    for id in 50..60 {
        more.push(Event::Upsert(Account {
            id,
            v: 1,
            email: true,
        }));
    }
    for id in 10..20 {
        more.push(Event::Upsert(Account {
            id,
            v: 3,
            email: true,
        }));
    }
    more.push(Event::Delete(0));
    more.push(Event::Delete(21));
    more.push(Event::Upsert(Account {
        id: 21,
        v: 4,
        email: false,
    }));
    more.push(Event::Delete(99)); // never existed
    apply(&mut state, &mut logged, &more);
    produce(&topic, &more);
    core.restart();
    core.wait_task_state("pg-upsert", 0, "RUNNING", Duration::from_secs(60));

    let want = expected_rows(&state);
    let got = pg.wait_for(&upsert_rows(true), &want, Duration::from_secs(60));
    assert_eq!(
        got,
        want,
        "upsert table after the restart\n{}",
        core.log_text()
    );
    let want_log = vec![format!("{logged}|{logged}")];
    let got_log = pg.wait_for(LOG_CHECK, &want_log, Duration::from_secs(60));
    assert_eq!(
        got_log,
        want_log,
        "insert-only table after the restart: (rows, distinct records)\n{}",
        core.log_text()
    );
    // Nothing more arrives later (no redelivery of what was committed).
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(pg.query(LOG_CHECK).unwrap(), want_log);
    let log = core.log_text();
    let errants: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("errant record"))
        .collect();
    assert!(
        errants.is_empty(),
        "no errant records expected, got:\n{}\n\nthe whole log:\n{log}",
        errants.join("\n")
    );
    assert!(
        pg.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'email'")
            .unwrap()
            == vec!["email"],
        "auto.evolve added email"
    );
}

fn apply(
    state: &mut std::collections::BTreeMap<i64, Account>,
    logged: &mut usize,
    events: &[Event],
) {
    for e in events {
        match e {
            Event::Upsert(a) => {
                *logged += 1;
                state.insert(
                    a.id,
                    Account {
                        id: a.id,
                        v: a.v,
                        email: a.email,
                    },
                );
            }
            Event::Delete(id) => {
                state.remove(id);
            }
        }
    }
}

#[test]
fn a_postgres_outage_is_retried_and_nothing_is_lost() {
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("pg-outage");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let connectors = vec![
        connector(
            dir.path(),
            "pg-upsert",
            &topic,
            &pg,
            json!({
                "insert.mode": "upsert", "pk.mode": "record_key", "delete.enabled": "true",
                "table.name.format": "accounts", "retry.backoff.ms": "200", "tasks.max": "1",
            }),
        ),
        connector(
            dir.path(),
            "pg-log",
            &topic,
            &pg,
            json!({
                "table.name.format": "accounts_log", "retry.backoff.ms": "200", "tasks.max": "1",
            }),
        ),
    ];
    let core = Core::start(dir.path(), &worker, &connectors, rest);
    let mut state = std::collections::BTreeMap::new();
    let mut logged = 0usize;
    let first: Vec<Event> = (0..20)
        .map(|id| {
            Event::Upsert(Account {
                id,
                v: 1,
                email: false,
            })
        })
        .collect();
    apply(&mut state, &mut logged, &first);
    produce(&topic, &first);
    let want = expected_rows(&state);
    assert_eq!(
        pg.wait_for(&upsert_rows(false), &want, Duration::from_secs(60)),
        want,
        "{}",
        core.log_text()
    );

    pg.halt();
    let mut during: Vec<Event> = (10..30)
        .map(|id| {
            Event::Upsert(Account {
                id,
                v: 2,
                email: false,
            })
        })
        .collect();
    during.push(Event::Delete(3));
    apply(&mut state, &mut logged, &during);
    produce(&topic, &during);
    // The puts of these records fail while the server is down; the tasks keep running.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !core.log_text().contains("retriable put error") {
        assert!(
            Instant::now() < deadline,
            "no retriable put error while PostgreSQL was down\n{}",
            core.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    pg.resume();

    let want = expected_rows(&state);
    assert_eq!(
        pg.wait_for(&upsert_rows(false), &want, Duration::from_secs(60)),
        want,
        "{}",
        core.log_text()
    );
    // Every record in the insert-only table: none lost. (A connection cut in the middle of
    // a COMMIT could in theory duplicate a put there, so only loss is asserted.)
    let distinct = format!("{logged}");
    let got = pg.wait_for(
        "SELECT count(DISTINCT name) FROM accounts_log",
        &[distinct.clone()],
        Duration::from_secs(60),
    );
    assert_eq!(got, vec![distinct], "{}", core.log_text());
    for name in ["pg-upsert", "pg-log"] {
        core.wait_task_state(name, 0, "RUNNING", Duration::from_secs(10));
    }
}

/// DataGen's users written with the AvroConverter and registered in the real Schema
/// Registry; the sink reads the topic with the AvroConverter and creates its table from the
/// registered schema with typed columns: NUMERIC for the Decimal, TIMESTAMP for the
/// Timestamp. Every record is one row (upserts by id), with the values Confluent's own
/// deserializer reads from the topic.
#[test]
fn an_avro_topic_becomes_a_table_with_typed_columns() {
    let url = schema_registry();
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let topic = unique("pg_avro");
    let total = 500usize;
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let source = dir.path().join("datagen.properties");
    write(
        &source,
        &format!(
            "name=pg-avro-datagen\nconnector.class=DataGen\ntopic={topic}\nschema=users\n\
             seed=3\nrecords={total}\nrate=1000\nbatch.size=100\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=io.confluent.connect.avro.AvroConverter\n\
             value.converter.schema.registry.url={url}\n"
        ),
    );
    let sink = connector(
        dir.path(),
        "pg-avro",
        &topic,
        &pg,
        json!({
            "tasks.max": "1",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "io.confluent.connect.avro.AvroConverter",
            "value.converter.schema.registry.url": url,
            "insert.mode": "upsert",
            "pk.mode": "record_value",
            "pk.fields": "id",
        }),
    );
    let mut core = Core::start(dir.path(), &worker, &[source, sink], rest);
    let count = format!("SELECT count(*) FROM \"{topic}\"");
    let got = pg.wait_for(&count, &[total.to_string()], Duration::from_secs(90));
    assert_eq!(got, vec![total.to_string()], "{}", core.log_text());
    let types = pg
        .query(&format!(
            "SELECT column_name, data_type FROM information_schema.columns \
             WHERE table_name = '{topic}' AND column_name IN ('id', 'age', 'balance', 'registertime', 'regionid') \
             ORDER BY column_name"
        ))
        .unwrap();
    assert_eq!(
        types,
        vec![
            "age|integer",
            "balance|numeric",
            "id|bigint",
            "regionid|text",
            "registertime|timestamp without time zone",
        ],
        "column types"
    );
    // The first record as Confluent's deserializer reads it, and its row.
    let first = read_topic(&bootstrap(), &topic, 1, Duration::from_secs(5));
    let decoded = confluent_avro_decode(&topic, &[first[0].3.clone().unwrap()], false);
    let v = &decoded[0]["value"];
    let id = v["id"].as_i64().unwrap();
    let row = pg
        .query(&format!(
            "SELECT balance::text, (extract(epoch from registertime) * 1000)::bigint, age FROM \"{topic}\" WHERE id = {id}"
        ))
        .unwrap();
    assert_eq!(
        row,
        vec![format!(
            "{}|{}|{}",
            v["balance"]["$decimal"].as_str().unwrap(),
            v["registertime"]["$timestamp_ms"],
            v["age"]
        )]
    );
    println!("{total} Avro records as rows; row of id {id}: {}", row[0]);
    core.stop();
}
