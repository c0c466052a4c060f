//! RustBenchSink, for `make bench`: reads each record's value (adds its length to a counter)
//! and discards it. Everything put is durable, so `pre_commit` (the default: `flush`, then
//! all of the offsets) commits the offsets it was given. The SDK's default
//! `max_inflight_puts`.

use polyconnect_sdk::*;

#[derive(Default)]
struct RustBenchSink;

#[derive(Default)]
struct BenchSinkTask {
    bytes: usize,
}

#[async_trait]
impl Connector for RustBenchSink {
    type Task = BenchSinkTask;
    const CLASS: &'static str = "RustBenchSink";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    /// tasks.max tasks, each with the connector's config.
    async fn task_configs(&mut self, config: &Config, max_tasks: usize) -> Result<Vec<Config>> {
        Ok(vec![config.clone(); max_tasks.max(1)])
    }
}

#[async_trait]
impl SinkTask for BenchSinkTask {
    async fn start(&mut self, _: SinkContext, _: Config) -> Result<()> {
        Ok(())
    }

    async fn put(&mut self, records: Vec<SinkRecord>) -> Result<()> {
        for r in &records {
            self.bytes += match &r.value {
                Some(Data::Structured {
                    value: Value::String(s),
                    ..
                }) => s.len(),
                Some(Data::Raw(b)) => b.len(),
                Some(Data::Structured { value, .. }) => format!("{value:?}").len(),
                None => 0,
            };
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    serve([Plugin::sink::<RustBenchSink>()]).await
}
