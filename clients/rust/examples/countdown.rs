//! A source: counts down from `from` to 1 into `topic`, resuming where it stopped.
use polyconnect_sdk::*;

#[derive(Default)]
struct Countdown;
#[derive(Default)]
struct CountdownTask {
    topic: String,
    n: i64,
}

impl Connector for Countdown {
    type Task = CountdownTask;
    const CLASS: &'static str = "Countdown";
    fn config_def() -> ConfigDef {
        ConfigDef::new()
            .required("topic", Type::String, Importance::High, "Where to write")
            .optional("from", Type::Long, "100", Importance::Low, "First value")
    }
}

#[async_trait]
impl SourceTask for CountdownTask {
    async fn start(&mut self, ctx: SourceContext, config: Config) -> Result<()> {
        self.topic = config.string("topic")?;
        let stored = ctx.offset(&Value::map([("countdown", "main".into())]));
        self.n = match stored {
            Some(o) => o.get("n").and_then(Value::as_i64).unwrap_or(0),
            None => config.i64("from")?,
        };
        Ok(())
    }

    async fn poll(&mut self) -> Result<Vec<SourceRecord>> {
        if self.n <= 0 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            return Ok(vec![]);
        }
        let value = std::sync::Arc::new(Schema::int64());
        let batch = (0..self.n.min(500)).map(|_| {
            self.n -= 1;
            SourceRecord::new(&self.topic)
                .position(
                    Value::map([("countdown", "main".into())]),
                    Value::map([("n", self.n.into())]),
                )
                .value(Some(value.clone()), self.n)
        });
        Ok(batch.collect())
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    serve([Plugin::source::<Countdown>()]).await
}
