//! DataGen: a source that generates records, for demos, tests and benchmarks.
//!
//! Deterministic: record `i` depends only on `seed` and `i`, so a restart that resumes at
//! the stored offset (`{"iteration": i}`) continues exactly the same sequence.

mod gen;

use std::time::{Duration, Instant};

use polyconnect_sdk::*;

use gen::{Generator, Shape};

const PRESETS: &[&str] = &["users", "orders", "schemaless", "string", "raw"];

#[derive(Default)]
struct DataGen;

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
                 string (a STRING value of record.bytes characters), raw (raw bytes, no converter).")
            .one_of(PRESETS)
            .optional("records", Type::Long, "0", Importance::Medium, "How many records in all; 0: no end.")
            .range(Some(0.0), None)
            .optional("rate", Type::Double, "0", Importance::Medium, "Records per second; 0: as fast as the core takes them.")
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
}

#[derive(Default)]
struct DataGenTask {
    topic: String,
    generator: Option<Generator>,
    /// Records generated so far, over every run (the stored offset).
    iteration: u64,
    total: u64,
    rate: f64,
    batch: u64,
    /// When this run started and the iteration it started at (for the rate).
    run_start: Option<(Instant, u64)>,
}

fn partition() -> Value {
    Value::map([("generator", "datagen".into())])
}

#[async_trait]
impl SourceTask for DataGenTask {
    async fn start(&mut self, ctx: SourceContext, config: Config) -> Result<()> {
        self.topic = config.string("topic")?;
        let shape = Shape::parse(&config.string("schema")?)
            .ok_or_else(|| Error::config("schema: unknown preset"))?;
        let key_field = config.get("key.field").unwrap_or_default();
        shape.check_key_field(key_field).map_err(Error::config)?;
        self.generator = Some(Generator::new(
            shape,
            config.i64("seed")? as u64,
            config.i64("record.bytes")? as usize,
            key_field,
        ));
        self.total = config.i64("records")? as u64;
        self.rate = config.f64("rate")?;
        self.batch = config.i64("batch.size")?.max(1) as u64;
        self.iteration = ctx
            .offset(&partition())
            .and_then(|o| o.get("iteration").and_then(Value::as_i64))
            .unwrap_or(0) as u64;
        Ok(())
    }

    async fn poll(&mut self) -> Result<Vec<SourceRecord>> {
        if self.total != 0 && self.iteration >= self.total {
            tokio::time::sleep(Duration::from_millis(200)).await;
            return Ok(vec![]);
        }
        let mut n = self.batch;
        if self.total != 0 {
            n = n.min(self.total - self.iteration);
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
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let i = self.iteration;
            self.iteration += 1;
            let r = generator.record(&self.topic, i).position(
                partition(),
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
