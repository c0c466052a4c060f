//! Exactly-once source tasks (KIP-618) end to end: three `polyconnect distributed` workers
//! with `exactly.once.source.support=enabled`, a FileStream source (`transaction.boundary=poll`)
//! reading a file of numbered lines that grows all along. The worker running the source
//! task is SIGKILLed three times in the middle of it (and started again each time); the
//! task moves or comes back, and its transactional producer takes over. At the end a
//! `read_committed` consumer finds every number exactly once (0 missing, 0 duplicates),
//! while a `read_uncommitted` one also sees what the killed tasks' aborted transactions
//! left in the topic. Then `transaction.boundary=interval`, a fenced zombie, and
//! connector-defined transactions (`transaction.boundary=connector`) with a Python and a Go
//! source that commit every 7 records and abort transactions of junk, after Kafka Connect's
//! checks of their declarations (`exactlyOnceSupport`, `canDefineTransactionBoundaries`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use polyconnect_e2e::cluster::{items, Cluster};
use polyconnect_e2e::faults::rest;
use polyconnect_e2e::transactions::{count, read_all, start_writer};
use polyconnect_e2e::*;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

const KILLS: usize = 3;

/// A FileStream source `src` (one task) over a file of numbered lines that a writer keeps
/// appending to, into `<group>-numbers`; `extra` settings are added to its config.
struct Numbers {
    topic: String,
    stop: Arc<AtomicBool>,
    written: Arc<AtomicU64>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Numbers {
    fn start(cluster: &Cluster, group: &str, extra: serde_json::Value) -> Numbers {
        let input = cluster.dir.path().join("numbers.txt");
        std::fs::File::create(&input).unwrap();
        let topic = format!("{group}-numbers");
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let writer = start_writer(input.clone(), stop.clone(), written.clone());
        let mut config = serde_json::json!({
            "connector.class": "FileStreamSource",
            "tasks.max": "1",
            "file": input.display().to_string(),
            "topic": topic,
        });
        if let serde_json::Value::Object(extra) = extra {
            config.as_object_mut().unwrap().extend(extra);
        }
        let (code, body) = rest(
            cluster.any(),
            "POST",
            "/connectors",
            Some(serde_json::json!({"name": "src", "config": config})),
        );
        assert_eq!(code, 201, "create: {body}");
        Numbers {
            topic,
            stop,
            written,
            writer: Some(writer),
        }
    }

    fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }

    /// Stops the writer; the count of lines written.
    fn finish(&mut self) -> u64 {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(w) = self.writer.take() {
            w.join().unwrap();
        }
        self.written()
    }
}

/// The worker index running `src/0` once it is RUNNING.
fn task_worker(cluster: &Cluster, timeout: Duration) -> usize {
    let deadline = Instant::now() + timeout;
    let mut last = BTreeMap::new();
    while Instant::now() < deadline {
        last = items(cluster.any(), &["src".to_string()]);
        if let Some((state, worker)) = last.get("src/0") {
            if state == "RUNNING" {
                if let Some(i) = (0..cluster.ports.len())
                    .find(|&i| cluster.workers[i].is_some() && cluster.worker_id(i) == *worker)
                {
                    return i;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "src/0 is not RUNNING on a live worker within {timeout:?}: {last:#?}{}",
        cluster.logs()
    );
}

/// How many times a task's transactional producer was initialized, over every worker's log
/// (killed workers' too: a restarted worker appends to its log).
fn producer_inits(cluster: &Cluster) -> usize {
    (0..cluster.ports.len())
        .map(|i| {
            std::fs::read_to_string(cluster.dir.path().join(format!("w{i}")).join("core.log"))
                .unwrap_or_default()
                .matches("transactional producer initialized")
                .count()
        })
        .sum()
}

/// Waits until a task producer was initialized after the `before`-th time and `src/0` runs.
fn task_taken_over(cluster: &Cluster, before: usize, timeout: Duration) -> usize {
    let deadline = Instant::now() + timeout;
    while producer_inits(cluster) <= before {
        assert!(
            Instant::now() < deadline,
            "no new instance of src/0 initialized its producer within {timeout:?}{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    task_worker(cluster, deadline.saturating_duration_since(Instant::now()))
}

#[test]
fn exactly_once_source_survives_sigkill_of_its_worker() {
    let group = unique("eos");
    let mut cluster = Cluster::start(&group, 3, "exactly.once.source.support=enabled\n");
    cluster.wait_formed(Duration::from_secs(60));

    // A connector-defined transaction boundary is refused: FileStreamSource does not
    // declare that it can define its transactions.
    let (code, body) = rest(
        cluster.any(),
        "PUT",
        "/connector-plugins/FileStreamSource/config/validate",
        Some(serde_json::json!({
            "connector.class": "FileStreamSource",
            "name": "v",
            "file": cluster.dir.path().join("v.txt").display().to_string(),
            "topic": "v",
            "transaction.boundary": "connector",
        })),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["error_count"], 1, "{body}");

    let mut numbers = Numbers::start(
        &cluster,
        &group,
        serde_json::json!({"exactly.once.support": "required", "transaction.boundary": "poll"}),
    );
    let started = Instant::now();
    let mut at = task_taken_over(&cluster, 0, Duration::from_secs(60));
    for kill in 0..KILLS {
        std::thread::sleep(Duration::from_secs(3));
        let lines = numbers.written();
        let inits = producer_inits(&cluster);
        eprintln!(
            "kill {}: SIGKILL worker {at} running src/0 ({lines} lines written)",
            kill + 1
        );
        cluster.kill(at);
        std::thread::sleep(Duration::from_millis(500));
        cluster.restart(at);
        at = task_taken_over(&cluster, inits, Duration::from_secs(60));
        eprintln!(
            "kill {}: src/0 RUNNING again on worker {at} after {:?}",
            kill + 1,
            started.elapsed()
        );
    }
    std::thread::sleep(Duration::from_secs(2));
    let expected = numbers.finish();
    assert_exactly_once(&cluster, &numbers.topic, expected);

    // The leader fenced the connector's first generation and recorded its task count.
    let configs = read_topic(
        &bootstrap(),
        &format!("{group}-configs"),
        1,
        Duration::from_secs(10),
    );
    let fencing = configs
        .iter()
        .rev()
        .find(|r| r.2.as_deref() == Some(b"tasks-fencing-src".as_slice()))
        .and_then(|r| r.3.clone())
        .map(|v| String::from_utf8(v).unwrap())
        .unwrap_or_else(|| panic!("no tasks-fencing-src record{}", cluster.logs()));
    let fencing: serde_json::Value = serde_json::from_str(&fencing).unwrap();
    assert_eq!(fencing["task-count"], 1, "{fencing}");
    cluster.stop();
}

/// A `read_committed` consumer finds each of the numbers `0..expected` once in `topic`.
fn assert_exactly_once(cluster: &Cluster, topic: &str, expected: u64) {
    let deadline = Instant::now() + Duration::from_secs(40);
    let (committed, missing, duplicates, unexpected) = loop {
        let values = read_all(topic, "read_committed");
        let (missing, duplicates, unexpected) = count(&values, expected);
        if missing == 0 || Instant::now() > deadline {
            break (values.len(), missing, duplicates, unexpected);
        }
        std::thread::sleep(Duration::from_secs(1));
    };
    let uncommitted = read_all(topic, "read_uncommitted").len();
    eprintln!(
        "{expected} lines written; read_committed: {committed} records, {missing} missing, {duplicates} duplicates, {unexpected} unexpected; read_uncommitted: {uncommitted} records ({} from aborted transactions)",
        uncommitted.saturating_sub(committed)
    );
    assert_eq!(
        missing,
        0,
        "numbers missing under read_committed{}",
        cluster.logs()
    );
    assert_eq!(
        duplicates,
        0,
        "duplicates under read_committed{}",
        cluster.logs()
    );
    assert_eq!(unexpected, 0, "unexpected values{}", cluster.logs());
}

/// A zombie: the worker running the task is SIGSTOPped past its session, the task starts on
/// another worker (whose producer fences the stopped one's), and the stopped worker is
/// SIGCONTinued. Whatever the zombie still does, nothing it writes becomes visible to
/// `read_committed` consumers: every number once.
#[test]
fn a_fenced_zombie_task_adds_nothing() {
    let group = unique("eos-zombie");
    let mut cluster = Cluster::start(&group, 2, "exactly.once.source.support=enabled\n");
    cluster.wait_formed(Duration::from_secs(60));
    let mut numbers = Numbers::start(&cluster, &group, serde_json::json!({}));
    let zombie = task_taken_over(&cluster, 0, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(2));
    let inits = producer_inits(&cluster);
    let pid = cluster.worker(zombie).pid() as i32;
    eprintln!("SIGSTOP worker {zombie} running src/0");
    // SAFETY: signals to a child process of this test.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid, libc::SIGSTOP);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = BTreeMap::new();
    let moved = loop {
        if producer_inits(&cluster) > inits {
            last = items(cluster.worker(1 - zombie), &["src".to_string()]);
            if let Some((state, worker)) = last.get("src/0") {
                if state == "RUNNING" && *worker == cluster.worker_id(1 - zombie) {
                    break true;
                }
            }
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_secs(2));
    eprintln!("SIGCONT worker {zombie}");
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid, libc::SIGCONT);
    }
    assert!(
        moved,
        "src/0 did not move off the stopped worker: {last:#?}{}",
        cluster.logs()
    );
    // The zombie notices it lost its membership, and its producer that it was fenced.
    std::thread::sleep(Duration::from_secs(8));
    let expected = numbers.finish();
    let zombie_log = cluster.worker(zombie).log_text();
    let fenced: Vec<&str> = zombie_log
        .lines()
        .filter(|l| l.contains("was fenced") || l.contains("Fenced"))
        .take(3)
        .collect();
    eprintln!("the zombie's log on being fenced: {fenced:#?}");
    assert_exactly_once(&cluster, &numbers.topic, expected);
    cluster.stop();
}

/// `transaction.boundary=interval`: transactions span several batches, committed every
/// `transaction.boundary.interval.ms`, with the offsets in the connector's own offsets topic
/// (`offsets.storage.topic`); a SIGKILL of the task's worker still loses and duplicates
/// nothing for `read_committed` consumers.
#[test]
fn interval_transactions_survive_sigkill() {
    let group = unique("eos-interval");
    let mut cluster = Cluster::start(&group, 2, "exactly.once.source.support=enabled\n");
    cluster.wait_formed(Duration::from_secs(60));
    let mut numbers = Numbers::start(
        &cluster,
        &group,
        serde_json::json!({
            "transaction.boundary": "interval",
            "transaction.boundary.interval.ms": "700",
            "offsets.storage.topic": format!("{group}-src-offsets"),
        }),
    );
    let at = task_taken_over(&cluster, 0, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(3));
    let inits = producer_inits(&cluster);
    eprintln!(
        "SIGKILL worker {at} running src/0 ({} lines written)",
        numbers.written()
    );
    cluster.kill(at);
    std::thread::sleep(Duration::from_millis(500));
    cluster.restart(at);
    task_taken_over(&cluster, inits, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(3));
    let expected = numbers.finish();
    assert_exactly_once(&cluster, &numbers.topic, expected);
    // The task's offsets went to the connector's own offsets topic, in its transactions.
    let own = read_all(&format!("{group}-src-offsets"), "read_committed");
    assert!(
        own.iter().any(|v| v.contains("position")),
        "no offsets in the connector's offsets topic: {own:?}{}",
        cluster.logs()
    );
    cluster.stop();
}

/// The errors validation puts on `key`'s own entry.
fn key_errors(body: &serde_json::Value, key: &str) -> Vec<String> {
    body["configs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["value"]["name"] == key)
        .flat_map(|c| c["value"]["errors"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect()
}

/// Kafka Connect's checks of a source connector's declarations (`exactlyOnceSupport`,
/// `canDefineTransactionBoundaries`) through an SDK's connector `class`, whose config keys
/// `exactly.once` and `boundaries` choose what it declares: refused with the reason on the
/// key's own entry (validate) and with 400 (create); accepted when it declares SUPPORTED.
fn check_declarations(cluster: &Cluster, class: &str, topic: &str) {
    let config = |eos: &str, boundaries: &str, extra: serde_json::Value| {
        let mut c = serde_json::json!({
            "connector.class": class, "name": "decl", "topic": topic,
            "exactly.once": eos, "boundaries": boundaries,
        });
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        c
    };
    let required = serde_json::json!({"exactly.once.support": "required"});
    let connector = serde_json::json!({"transaction.boundary": "connector"});
    for (cfg, key, message) in [
        (
            config("undeclared", "supported", required.clone()),
            "exactly.once.support",
            "The connector does not implement the API required for preflight validation of exactly-once source support.",
        ),
        (
            config("unsupported", "supported", required.clone()),
            "exactly.once.support",
            "The connector does not support exactly-once semantics with the provided configuration.",
        ),
        (
            config("supported", "unsupported", connector.clone()),
            "transaction.boundary",
            "The connector does not support connector-defined transaction boundaries with the given configuration.",
        ),
    ] {
        let (code, body) = rest(
            cluster.any(),
            "PUT",
            &format!("/connector-plugins/{class}/config/validate"),
            Some(cfg.clone()),
        );
        assert_eq!(code, 200, "{body}");
        assert_eq!(body["error_count"], 1, "{cfg}: {body}");
        let errors = key_errors(&body, key);
        assert!(
            errors.iter().any(|e| e.starts_with(message)),
            "{cfg}: {key}: {errors:?}"
        );
        let (code, body) = rest(
            cluster.any(),
            "POST",
            "/connectors",
            Some(serde_json::json!({"name": "decl", "config": cfg})),
        );
        assert_eq!(code, 400, "{body}");
        assert!(
            body["message"].as_str().unwrap_or("").contains(message),
            "{body}"
        );
        eprintln!("{class}: refused as expected: {key}: {}", errors[0]);
    }
    let mut ok = config("supported", "supported", required);
    ok.as_object_mut()
        .unwrap()
        .insert("transaction.boundary".into(), "connector".into());
    let (code, body) = rest(
        cluster.any(),
        "PUT",
        &format!("/connector-plugins/{class}/config/validate"),
        Some(ok),
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["error_count"], 0, "{body}");
}

/// What a consumer with `isolation` finds in the topic of a transaction source (values
/// `n:t`, and `aborted:t:i` for the records of aborted transactions): the numbers by
/// count, the sizes of their transactions, the aborted records.
struct TxnView {
    numbers: BTreeMap<u64, u64>,
    transactions: BTreeMap<u64, u64>,
    aborted: u64,
    unexpected: u64,
}

fn txn_view(topic: &str, isolation: &str) -> TxnView {
    let mut v = TxnView {
        numbers: BTreeMap::new(),
        transactions: BTreeMap::new(),
        aborted: 0,
        unexpected: 0,
    };
    for value in read_all(topic, isolation) {
        if value.starts_with("aborted:") {
            v.aborted += 1;
            continue;
        }
        match value
            .split_once(':')
            .map(|(n, t)| (n.parse::<u64>(), t.parse::<u64>()))
        {
            Some((Ok(n), Ok(t))) => {
                *v.numbers.entry(n).or_default() += 1;
                *v.transactions.entry(t).or_default() += 1;
            }
            _ => v.unexpected += 1,
        }
    }
    v
}

/// Checks that a `read_committed` consumer of `topic` sees only whole transactions of
/// `size` numbers and no aborted records, while the source runs; the records it sees.
///
/// The last transaction visible is left out: at the end of what it can read, this
/// consumer (librdkafka, read_committed, `enable.partition.eof`) sees the first record of
/// the transaction still open now and then. Two plain librdkafka clients show it too (a
/// transactional producer committing every 7 records, a read_committed consumer reading to
/// its end: 10 of 10 snapshots ended one record into the open transaction), so it is no
/// matter of the core's; the transactions before it are whole, and at the end all are.
fn whole_transactions_only(cluster: &Cluster, topic: &str, size: u64, when: &str) -> u64 {
    let v = txn_view(topic, "read_committed");
    let last = v.transactions.keys().next_back().copied().unwrap_or(0);
    let partial: Vec<_> = v
        .transactions
        .iter()
        .filter(|(t, n)| **n != size && **t != last)
        .collect();
    if !partial.is_empty() || v.aborted != 0 {
        panic!(
            "{when}: read_committed sees partial transactions {partial:?} or {} aborted records{}",
            v.aborted,
            cluster.logs()
        );
    }
    v.numbers.values().sum()
}

/// `transaction.boundary=connector` with an SDK's transaction source `class` (plugins in
/// `plugins`): two workers with `enabled`; the source commits after every `SIZE`-th number
/// and aborts a transaction of junk before every fifth; the worker running its task is
/// SIGKILLed mid-stream. While it runs, a `read_committed` consumer sees whole transactions
/// (see `whole_transactions_only`); at the end it finds every number once, every
/// transaction whole (each record carries its transaction's number), and no junk, which a
/// `read_uncommitted` consumer does see.
fn connector_defined_transactions(class: &str, plugins: &str, label: &str) {
    const SIZE: u64 = 7;
    const COUNT: u64 = 7 * 1500;
    let group = unique(label);
    let mut cluster =
        Cluster::start_with_plugins(&group, 2, "exactly.once.source.support=enabled\n", plugins);
    cluster.wait_formed(Duration::from_secs(60));
    let topic = format!("{group}-txn");
    check_declarations(&cluster, class, &topic);

    let (code, body) = rest(
        cluster.any(),
        "POST",
        "/connectors",
        Some(serde_json::json!({"name": "src", "config": {
            "connector.class": class, "tasks.max": "1", "topic": topic,
            "count": COUNT.to_string(), "txn.size": SIZE.to_string(), "abort.every": "5",
            "poll.size": "5", "poll.delay.ms": "25",
            "exactly.once.support": "required", "transaction.boundary": "connector",
        }})),
    );
    assert_eq!(code, 201, "create: {body}");
    let started = Instant::now();
    let at = task_taken_over(&cluster, 0, Duration::from_secs(60));
    // The worker running the task is killed soon after the task started, mid-stream.
    std::thread::sleep(Duration::from_secs(2));
    let inits = producer_inits(&cluster);
    eprintln!(
        "{label}: SIGKILL worker {at} running src/0 after {:?}",
        started.elapsed()
    );
    cluster.kill(at);
    std::thread::sleep(Duration::from_millis(500));
    cluster.restart(at);
    let at = task_taken_over(&cluster, inits, Duration::from_secs(60));
    eprintln!(
        "{label}: src/0 RUNNING again on worker {at} after {:?}",
        started.elapsed()
    );
    // Snapshots while it runs: only whole transactions are visible.
    let mut snapshots = Vec::new();
    for i in 0..3 {
        std::thread::sleep(Duration::from_millis(500));
        snapshots.push(whole_transactions_only(
            &cluster,
            &topic,
            SIZE,
            &format!("snapshot {i}"),
        ));
    }
    assert!(
        snapshots[0] < COUNT,
        "the source was done before the kill: {snapshots:?}"
    );
    // Until every number is visible.
    let deadline = Instant::now() + Duration::from_secs(120);
    let v = loop {
        let v = txn_view(&topic, "read_committed");
        if v.numbers.len() as u64 >= COUNT || Instant::now() > deadline {
            break v;
        }
        std::thread::sleep(Duration::from_secs(1));
    };
    let missing = COUNT - v.numbers.keys().filter(|n| **n < COUNT).count() as u64;
    let duplicates: u64 = v.numbers.values().map(|n| n - 1).sum();
    let partial = v.transactions.values().filter(|n| **n != SIZE).count();
    let all = txn_view(&topic, "read_uncommitted");
    let records: u64 = v.numbers.values().sum();
    eprintln!(
        "{label}: {COUNT} numbers in transactions of {SIZE}; read_committed: {records} records, \
         {missing} missing, {duplicates} duplicates, {} transactions ({partial} not whole), {} aborted \
         records, {} unexpected; snapshots {snapshots:?}; read_uncommitted: {} records, {} of them \
         from aborted transactions",
        v.transactions.len(),
        v.aborted,
        v.unexpected,
        all.numbers.values().sum::<u64>() + all.aborted,
        all.aborted
    );
    assert_eq!(
        missing,
        0,
        "numbers missing under read_committed{}",
        cluster.logs()
    );
    assert_eq!(
        duplicates,
        0,
        "duplicates under read_committed{}",
        cluster.logs()
    );
    assert_eq!(partial, 0, "transactions not whole{}", cluster.logs());
    assert_eq!(v.aborted, 0, "aborted records visible{}", cluster.logs());
    assert_eq!(v.unexpected, 0, "unexpected values{}", cluster.logs());
    assert!(
        all.aborted >= SIZE,
        "read_uncommitted finds no aborted transaction's records{}",
        cluster.logs()
    );
    cluster.stop();
}

#[test]
fn python_connector_defined_transactions_survive_sigkill() {
    let plugins = repo_root().join("tests/e2e/connectors");
    connector_defined_transactions("PyTxnSource", &plugins.display().to_string(), "eos-py-txn");
}

#[test]
fn go_connector_defined_transactions_survive_sigkill() {
    let dir = repo_root().join("clients/go/examples/txn-source");
    let status = std::process::Command::new("go")
        .args(["build", "-buildvcs=false", "-o", ".bin/txn-source", "."])
        .current_dir(&dir)
        .status()
        .expect("go is needed to build the Go examples");
    assert!(
        status.success(),
        "building clients/go/examples/txn-source failed"
    );
    // Only this example: the other examples' processes need not start.
    let plugins = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&dir, plugins.path().join("txn-source")).unwrap();
    connector_defined_transactions(
        "GoTxnSource",
        &plugins.path().display().to_string(),
        "eos-go-txn",
    );
}

/// The cost of transactions, measured rather than checked (`--ignored`): one worker, a
/// FileStream source over a file of `lines` numbered lines, the time until a
/// `read_committed` consumer has all of them, at least once and then exactly once
/// (`transaction.boundary=poll`, a transaction per batch of up to `batch.size` lines).
#[test]
#[ignore = "a measurement; run with --ignored --nocapture"]
fn exactly_once_cost() {
    let lines: u64 = std::env::var("EOS_COST_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let runs = std::env::var("EOS_COST_RUNS")
        .unwrap_or_else(|_| "disabled:2000,enabled:2000,disabled:100,enabled:100".into());
    for (mode, batch) in runs.split(',').filter_map(|r| r.split_once(':')) {
        let group = unique("eos-cost");
        let mut cluster =
            Cluster::start(&group, 1, &format!("exactly.once.source.support={mode}\n"));
        cluster.wait_formed(Duration::from_secs(60));
        let input = cluster.dir.path().join("numbers.txt");
        let text: String = (0..lines).map(|n| format!("{n}\n")).collect();
        std::fs::write(&input, text).unwrap();
        let topic = format!("{group}-numbers");
        let started = Instant::now();
        let (code, body) = rest(
            cluster.any(),
            "POST",
            "/connectors",
            Some(serde_json::json!({
                "name": "src",
                "config": {
                    "connector.class": "FileStreamSource",
                    "tasks.max": "1",
                    "file": input.display().to_string(),
                    "topic": topic,
                    "batch.size": batch,
                }
            })),
        );
        assert_eq!(code, 201, "create: {body}");
        let deadline = Instant::now() + Duration::from_secs(300);
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .set("group.id", unique("eos-cost-reader"))
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed")
            .create()
            .unwrap();
        let mut tpl = TopicPartitionList::new();
        while tpl.count() == 0 {
            assert!(Instant::now() < deadline, "no topic{}", cluster.logs());
            if let Ok(md) = consumer.fetch_metadata(Some(&topic), Duration::from_secs(5)) {
                for t in md.topics().iter().filter(|t| t.error().is_none()) {
                    for p in t.partitions() {
                        tpl.add_partition_offset(&topic, p.id(), Offset::Beginning)
                            .unwrap();
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        consumer.assign(&tpl).unwrap();
        let mut n = 0u64;
        while n < lines {
            assert!(
                Instant::now() < deadline,
                "{n} of {lines}{}",
                cluster.logs()
            );
            if let Some(Ok(_)) = consumer.poll(Duration::from_millis(100)) {
                n += 1;
            }
        }
        let took = started.elapsed();
        eprintln!(
            "exactly.once.source.support={mode}, batch.size={batch}: {lines} lines committed in {took:.1?} ({:.0} lines/s)",
            lines as f64 / took.as_secs_f64()
        );
        cluster.stop();
    }
}
