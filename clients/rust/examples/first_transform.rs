//! Your first transform: appends `suffix` to string values, drops empty ones.
use polyconnect_sdk::*;

#[derive(Default)]
struct AppendSuffix(String);

impl Transformation for AppendSuffix {
    const CLASS: &'static str = "AppendSuffix";
    fn config_def() -> ConfigDef {
        ConfigDef::new().optional("suffix", Type::String, "", Importance::Low, "Appended")
    }
    fn configure(&mut self, config: &Config) -> Result<()> {
        self.0 = config.string("suffix")?;
        Ok(())
    }
    fn apply(&mut self, r: ConnectRecord) -> Result<Option<ConnectRecord>> {
        match r.value().cloned() {
            Some(Value::String(s)) if s.is_empty() => Ok(None), // dropped
            Some(Value::String(s)) => Ok(Some(r.with_new_value(format!("{s}{}", self.0)))),
            v => Err(Error::fatal(format!("not a string: {v:?}"))), // a record error
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    serve([Plugin::transform::<AppendSuffix>()]).await
}
