//! DataGen: a source that generates records, for demos, tests and benchmarks.
//!
//! Deterministic: record `i` of a task depends only on `seed`, the task and `i`, so a
//! restart that resumes at the stored offset (`{"iteration": i}`) continues exactly the
//! same sequence. With `tasks.max` > 1 each task generates its own sequence under its own
//! source partition; `records` and `rate` are shared out between the tasks.

mod gen;

use std::time::{Duration, Instant};

use polyconnect_sdk::*;

use gen::{Generator, Shape};

const PRESETS: &[&str] = &["users", "orders", "schemaless", "string", "raw", "sequence"];

/// Task configs only: this task's number and how many tasks the connector has. A single
/// task's config has neither (it is the connector's config, as before there were tasks).
const TASK_KEY: &str = "datagen.task";
const TASKS_KEY: &str = "datagen.tasks";

#[derive(Default)]
struct DataGen;

#[async_trait]
impl Connector for DataGen {
    type Task = DataGenTask;
    const CLASS: &'static str = "DataGen";
    const ALIASES: &'static [&'static str] = &["io.polyconnect.datagen.DataGenConnector"];
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn config_def() -> ConfigDef {
        ConfigDef::new()
            .required("topic", Type::String, Importance::High, "The topic to write to.")
            .optional("schema", Type::String, "users", Importance::High,
                "What to generate: users, orders (structs with logical types), schemaless (maps), \
                 string (a STRING value of record.bytes characters), raw (raw bytes, no converter), \
                 sequence (structs of the task number and the task's record number: task, seq).")
            .one_of(PRESETS)
            .optional("records", Type::Long, "0", Importance::Medium, "How many records in all, shared out between the tasks; 0: no end.")
            .range(Some(0.0), None)
            .optional("rate", Type::Double, "0", Importance::Medium, "Records per second in all, shared out between the tasks; 0: as fast as the core takes them.")
            .range(Some(0.0), None)
            .optional("record.bytes", Type::Int, "0", Importance::Low,
                "string/raw: the value's size; other schemas: a padding field of this many characters (0: none).")
            .range(Some(0.0), Some(16_777_216.0))
            .optional("key.field", Type::String, "", Importance::Low,
                "The value field whose value becomes the record key (raw/string: any name keys by the record number).")
            .optional("seed", Type::Long, "0", Importance::Low, "The random seed: the same seed gives the same records.")
            .optional("batch.size", Type::Int, "1000", Importance::Low, "The most records one poll returns.")
            .range(Some(1.0), None)
    }

    fn validate(
        &self,
        config: &std::collections::BTreeMap<String, String>,
    ) -> std::collections::BTreeMap<String, Vec<String>> {
        let mut out = std::collections::BTreeMap::new();
        if let (Some(field), Some(shape)) = (
            config.get("key.field"),
            config.get("schema").and_then(|s| Shape::parse(s)),
        ) {
            if let Err(e) = shape.check_key_field(field) {
                out.insert("key.field".to_string(), vec![e]);
            }
        }
        out
    }

    /// One task per `tasks.max`. A single task gets the connector's config as it is; with
    /// several, each config names its task (`datagen.task`) and the number of tasks.
    async fn task_configs(&mut self, config: &Config, max_tasks: usize) -> Result<Vec<Config>> {
        Ok(task_configs(config, max_tasks))
    }
}

fn task_configs(config: &Config, max_tasks: usize) -> Vec<Config> {
    let n = max_tasks.max(1);
    if n == 1 {
        return vec![config.clone()];
    }
    (0..n)
        .map(|t| config.clone().with(TASK_KEY, t).with(TASKS_KEY, n))
        .collect()
}

/// Task `task`'s share of `total` among `tasks`: the remainder goes to the first tasks.
fn share(total: u64, task: u32, tasks: u32) -> u64 {
    let (task, tasks) = (u64::from(task), u64::from(tasks.max(1)));
    total / tasks + u64::from(task < total % tasks)
}

/// The source partition of task `task`. Task 0 keeps the partition of a single task, so
/// the offsets stored before a connector had several tasks still apply to it.
fn partition(task: u32) -> Value {
    if task == 0 {
        Value::map([("generator", "datagen".into())])
    } else {
        Value::map([
            ("generator", "datagen".into()),
            ("task", Value::Int64(i64::from(task))),
        ])
    }
}

#[derive(Default)]
struct DataGenTask {
    topic: String,
    generator: Option<Generator>,
    task: u32,
    partition: Option<Value>,
    /// Records generated so far, over every run (the stored offset).
    iteration: u64,
    /// This task's share of `records`; None: no end.
    total: Option<u64>,
    /// This task's share of `rate`.
    rate: f64,
    batch: u64,
    /// When this run started and the iteration it started at (for the rate).
    run_start: Option<(Instant, u64)>,
}

impl DataGenTask {
    /// Everything from the task config (the stored offset aside).
    fn configure(&mut self, config: &Config) -> Result<()> {
        self.topic = config.string("topic")?;
        let shape = Shape::parse(&config.string("schema")?)
            .ok_or_else(|| Error::config("schema: unknown preset"))?;
        let key_field = config.get("key.field").unwrap_or_default();
        shape.check_key_field(key_field).map_err(Error::config)?;
        let number = |key: &str, default: u32| -> Result<u32> {
            match config.get(key) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| Error::config(format!("{key}: not a task number: {v}"))),
            }
        };
        let tasks = number(TASKS_KEY, 1)?.max(1);
        self.task = number(TASK_KEY, 0)?;
        if self.task >= tasks {
            return Err(Error::config(format!(
                "{TASK_KEY}={} is not below {TASKS_KEY}={tasks}",
                self.task
            )));
        }
        self.generator = Some(
            Generator::new(
                shape,
                config.i64("seed")? as u64,
                config.i64("record.bytes")? as usize,
                key_field,
            )
            .for_task(self.task),
        );
        let records = config.i64("records")?.max(0) as u64;
        self.total = (records != 0).then(|| share(records, self.task, tasks));
        self.rate = config.f64("rate")? / f64::from(tasks);
        self.batch = config.i64("batch.size")?.max(1) as u64;
        self.partition = Some(partition(self.task));
        Ok(())
    }
}

#[async_trait]
impl SourceTask for DataGenTask {
    async fn start(&mut self, ctx: SourceContext, config: Config) -> Result<()> {
        self.configure(&config)?;
        let partition = self.partition.as_ref().expect("configured");
        self.iteration = ctx
            .offset(partition)
            .and_then(|o| o.get("iteration").and_then(Value::as_i64))
            .unwrap_or(0) as u64;
        Ok(())
    }

    async fn poll(&mut self) -> Result<Vec<SourceRecord>> {
        if self.total.is_some_and(|total| self.iteration >= total) {
            tokio::time::sleep(Duration::from_millis(200)).await;
            return Ok(vec![]);
        }
        let mut n = self.batch;
        if let Some(total) = self.total {
            n = n.min(total - self.iteration);
        }
        if self.rate > 0.0 {
            let (t0, i0) = *self
                .run_start
                .get_or_insert((Instant::now(), self.iteration));
            let due = (t0.elapsed().as_secs_f64() * self.rate) as u64 + 1;
            let done = self.iteration - i0;
            if done >= due {
                // Wait for the next record's turn (at most 100 ms, so a stop is not held up).
                let next = Duration::from_secs_f64((done + 1) as f64 / self.rate);
                tokio::time::sleep(
                    next.saturating_sub(t0.elapsed())
                        .min(Duration::from_millis(100)),
                )
                .await;
                return Ok(vec![]);
            }
            n = n.min(due - done);
        }
        let generator = self.generator.as_ref().expect("started");
        let partition = self.partition.as_ref().expect("started");
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let i = self.iteration;
            self.iteration += 1;
            let r = generator.record(&self.topic, i).position(
                partition.clone(),
                Value::map([("iteration", Value::Int64(self.iteration as i64))]),
            );
            out.push(r);
        }
        Ok(out)
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    serve([Plugin::source::<DataGen>()]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &[(&str, &str)]) -> Config {
        let mut m: std::collections::BTreeMap<String, String> = [
            ("topic", "t"),
            ("schema", "sequence"),
            ("records", "0"),
            ("rate", "0"),
            ("record.bytes", "0"),
            ("seed", "0"),
            ("batch.size", "1000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in extra {
            m.insert(k.to_string(), v.to_string());
        }
        DataGen::config_def().parse(m).unwrap()
    }

    fn task(config: &Config, stored: u64) -> DataGenTask {
        let mut t = DataGenTask::default();
        t.configure(config).unwrap();
        t.iteration = stored;
        t
    }

    /// (task, seq) of a `sequence` record, and its source partition and offset.
    fn fields(r: &SourceRecord) -> (i64, i64, Value, i64) {
        let Some(Data::Structured { value, .. }) = &r.value else {
            panic!("{r:?}")
        };
        let offset = r.source_offset.as_ref().unwrap();
        (
            value.get("task").and_then(Value::as_i64).unwrap(),
            value.get("seq").and_then(Value::as_i64).unwrap(),
            r.source_partition.clone().unwrap(),
            offset.get("iteration").and_then(Value::as_i64).unwrap(),
        )
    }

    #[test]
    fn one_task_gets_the_connector_config_as_it_is() {
        let c = config(&[("records", "10")]);
        assert_eq!(task_configs(&c, 1), vec![c.clone()]);
        assert_eq!(task_configs(&c, 0), vec![c.clone()]);
        // Its partition is the one a single task always had.
        let t = task(&c, 0);
        assert_eq!(
            t.partition,
            Some(Value::map([("generator", "datagen".into())]))
        );
        assert_eq!(t.total, Some(10));
    }

    #[test]
    fn several_tasks_each_name_their_number() {
        let c = config(&[]);
        let configs = task_configs(&c, 3);
        assert_eq!(configs.len(), 3);
        for (i, tc) in configs.iter().enumerate() {
            assert_eq!(tc.get(TASK_KEY), Some(i.to_string().as_str()));
            assert_eq!(tc.get(TASKS_KEY), Some("3"));
            assert_eq!(tc.get("topic"), Some("t"));
        }
        let partitions: Vec<Value> = configs
            .iter()
            .map(|tc| task(tc, 0).partition.unwrap())
            .collect();
        // Task 0 keeps the single task's partition, so its stored offset still applies.
        assert_eq!(partitions[0], partition(0));
        assert_eq!(partitions[0], Value::map([("generator", "datagen".into())]));
        assert_eq!(partitions[2].get("task"), Some(&Value::Int64(2)));
        assert_ne!(partitions[1], partitions[2]);
        assert_ne!(partitions[0], partitions[1]);
    }

    #[test]
    fn records_and_rate_are_shared_out() {
        for (total, tasks) in [(10u64, 3u32), (2, 6), (6, 6), (1_000_001, 7)] {
            let shares: Vec<u64> = (0..tasks).map(|t| share(total, t, tasks)).collect();
            assert_eq!(shares.iter().sum::<u64>(), total, "{total} over {tasks}");
            assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1);
        }
        let configs = task_configs(&config(&[("records", "10"), ("rate", "30")]), 3);
        let tasks: Vec<DataGenTask> = configs.iter().map(|c| task(c, 0)).collect();
        assert_eq!(
            tasks.iter().map(|t| t.total).collect::<Vec<_>>(),
            vec![Some(4), Some(3), Some(3)]
        );
        assert!(tasks.iter().all(|t| (t.rate - 10.0).abs() < 1e-9));
        // No records limit stays no limit, whatever the share.
        assert_eq!(task(&task_configs(&config(&[]), 4)[3], 0).total, None);
        // A task with no share generates nothing, rather than without end.
        let configs = task_configs(&config(&[("records", "2")]), 4);
        assert_eq!(task(&configs[3], 0).total, Some(0));
    }

    #[test]
    fn a_bad_task_number_is_a_config_error() {
        let c = config(&[]).with(TASK_KEY, 3).with(TASKS_KEY, 3);
        assert!(DataGenTask::default().configure(&c).is_err());
        let c = config(&[]).with(TASK_KEY, "x").with(TASKS_KEY, 3);
        assert!(DataGenTask::default().configure(&c).is_err());
    }

    #[tokio::test]
    async fn each_task_counts_its_own_seq_and_resumes_at_its_offset() {
        let configs = task_configs(&config(&[("records", "9"), ("batch.size", "2")]), 3);
        for (i, tc) in configs.iter().enumerate() {
            let mut t = task(tc, 0);
            let mut got = Vec::new();
            for _ in 0..5 {
                got.extend(t.poll().await.unwrap());
            }
            let seqs: Vec<(i64, i64, Value, i64)> = got.iter().map(fields).collect();
            assert_eq!(seqs.len(), 3, "task {i}: {seqs:?}");
            for (n, (task_no, seq, p, next)) in seqs.iter().enumerate() {
                assert_eq!(*task_no, i as i64);
                assert_eq!(*seq, n as i64);
                assert_eq!(p, &partition(i as u32));
                // The offset is the next record to generate.
                assert_eq!(*next, n as i64 + 1);
            }
            // Resumed at a stored offset: the same records from there on.
            let mut resumed = task(tc, 1);
            let again: Vec<_> = resumed.poll().await.unwrap();
            assert_eq!(again[0], got[1]);
            assert_eq!(fields(&again[0]).1, 1);
        }
        // The sequence preset's key can be a field.
        let c = config(&[("key.field", "seq")]);
        let mut t = task(&task_configs(&c, 2)[1], 7);
        let r = &t.poll().await.unwrap()[0];
        assert!(
            matches!(
                &r.key,
                Some(Data::Structured {
                    value: Value::Int64(7),
                    ..
                })
            ),
            "{r:?}"
        );
    }

    #[test]
    fn tasks_generate_different_records_and_task_0_the_single_tasks() {
        let single = Generator::new(Shape::Users, 5, 0, "");
        let t0 = Generator::new(Shape::Users, 5, 0, "").for_task(0);
        let t1 = Generator::new(Shape::Users, 5, 0, "").for_task(1);
        assert_eq!(single.record("t", 3), t0.record("t", 3));
        assert_ne!(t0.record("t", 3), t1.record("t", 3));
    }
}
