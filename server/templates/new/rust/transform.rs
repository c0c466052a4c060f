//! {{class}}: a transform that sends each record to `topic.prefix` + its topic and drops
//! records without a value (tombstones).
use polyconnect_sdk::*;

#[derive(Default)]
pub struct {{class}} {
    prefix: String,
}

impl Transformation for {{class}} {
    const CLASS: &'static str = "{{class}}";
    const VERSION: &'static str = "0.1.0";

    fn config_def() -> ConfigDef {
        ConfigDef::new().optional(
            "topic.prefix",
            Type::String,
            "transformed-",
            Importance::High,
            "Put before each record's topic",
        )
    }

    fn configure(&mut self, config: &Config) -> Result<()> {
        self.prefix = config.string("topic.prefix")?;
        Ok(())
    }

    /// `None` drops the record; an `Err` would fail it (errors.tolerance, the DLQ).
    fn apply(&mut self, r: ConnectRecord) -> Result<Option<ConnectRecord>> {
        if r.value.is_none() || r.value() == Some(&Value::Null) {
            return Ok(None);
        }
        let topic = format!("{}{}", self.prefix, r.topic);
        Ok(Some(r.with_topic(topic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_go_to_the_prefixed_topic_and_tombstones_are_dropped() {
        let mut t = {{class}}::default();
        let config = {{class}}::config_def().parse([("topic.prefix".to_string(), "x-".to_string())].into());
        t.configure(&config.unwrap()).unwrap();
        let out = t.apply(ConnectRecord::new("orders").with_value(None, "v")).unwrap().unwrap();
        assert_eq!(out.topic, "x-orders");
        assert_eq!(out.value(), Some(&Value::String("v".into())));
        assert!(t.apply(ConnectRecord::new("orders")).unwrap().is_none());
    }
}
