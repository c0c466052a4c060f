//! A sink: appends each record's value to `file` (stdout when empty), one per line.
use polyconnect_sdk::*;
use std::io::Write;

#[derive(Default)]
struct Printer;
#[derive(Default)]
struct PrintTask {
    ctx: Option<SinkContext>,
    out: Option<std::fs::File>,
}

impl Connector for Printer {
    type Task = PrintTask;
    const CLASS: &'static str = "PrintSink";
    fn config_def() -> ConfigDef {
        ConfigDef::new().optional(
            "file",
            Type::String,
            "",
            Importance::High,
            "Output file; empty: stdout",
        )
    }
}

#[async_trait]
impl SinkTask for PrintTask {
    async fn start(&mut self, ctx: SinkContext, config: Config) -> Result<()> {
        let file = config.get("file").unwrap_or_default();
        if !file.is_empty() {
            self.out = Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(file)?,
            );
        }
        self.ctx = Some(ctx);
        Ok(())
    }

    async fn put(&mut self, records: Vec<SinkRecord>) -> Result<()> {
        for r in records {
            let line = match r.value() {
                Some(v) => format!("{v:?}\n"),
                None => {
                    self.ctx
                        .as_ref()
                        .unwrap()
                        .report(&r, Error::fatal("no structured value"));
                    continue;
                }
            };
            match &mut self.out {
                Some(f) => f.write_all(line.as_bytes())?,
                None => print!("{line}"),
            }
        }
        Ok(())
    }

    async fn flush(&mut self, _: &std::collections::HashMap<TopicPartition, i64>) -> Result<()> {
        if let Some(f) = &mut self.out {
            f.sync_data()?
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    serve([Plugin::sink::<Printer>()]).await
}
