//! {{class}}: a source connector that writes `count` orders as structured records.
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use polyconnect_sdk::*;

/// The value schema of every record.
pub static ORDER: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    Arc::new(
        Schema::structure("{{name}}.Order")
            .field("seq", Schema::int64())
            .field("customer", Schema::string())
            .field("amount", Schema::float64())
            .field("express", Schema::boolean()),
    )
});
static KEY: LazyLock<Arc<Schema>> = LazyLock::new(|| Arc::new(Schema::string()));

/// The record value for sequence number `seq`.
pub fn order(seq: i64) -> Struct {
    Struct::new(ORDER.clone())
        .put("seq", seq)
        .put("customer", format!("customer-{}", seq % 10))
        .put("amount", seq as f64 * 0.25)
        .put("express", seq % 3 == 0)
}

/// One source partition; its offset is the next sequence number, so a restart resumes.
fn partition() -> Value {
    Value::map([("source", "{{name}}".into())])
}

#[derive(Default)]
pub struct {{class}};

#[derive(Default)]
pub struct {{class}}Task {
    topic: String,
    count: i64,
    next: i64,
}

impl Connector for {{class}} {
    type Task = {{class}}Task;
    const CLASS: &'static str = "{{class}}";
    fn config_def() -> ConfigDef {
        ConfigDef::new()
            .required("topic", Type::String, Importance::High, "The topic to write to")
            .optional("count", Type::Long, "1000", Importance::Medium, "How many records to write")
            .range(Some(0.0), None)
    }
}

#[async_trait]
impl SourceTask for {{class}}Task {
    async fn start(&mut self, ctx: SourceContext, config: Config) -> Result<()> {
        self.topic = config.string("topic")?;
        self.count = config.i64("count")?;
        self.next = ctx
            .offset(&partition())
            .and_then(|o| o.get("seq").and_then(Value::as_i64))
            .unwrap_or(0);
        Ok(())
    }

    async fn poll(&mut self) -> Result<Vec<SourceRecord>> {
        if self.next >= self.count {
            // All written: idle (heartbeats go on).
            tokio::time::sleep(Duration::from_millis(500)).await;
            return Ok(vec![]);
        }
        let mut records = Vec::new();
        while self.next < self.count && records.len() < 500 {
            let seq = self.next;
            self.next += 1;
            records.push(
                SourceRecord::new(&self.topic)
                    .position(partition(), Value::map([("seq", self.next.into())]))
                    .key(Some(KEY.clone()), seq.to_string())
                    .value(Some(ORDER.clone()), order(seq)),
            );
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_is_a_struct_with_every_field() {
        let o = order(7);
        assert!(Arc::ptr_eq(&o.schema, &ORDER));
        let names: Vec<&str> = ORDER.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["seq", "customer", "amount", "express"]);
        assert_eq!(o.get("seq"), Some(&Value::Int64(7)));
        assert_eq!(o.get("customer"), Some(&Value::from("customer-7")));
        assert_eq!(o.get("amount"), Some(&Value::Float64(1.75)));
        assert_eq!(o.get("express"), Some(&Value::Boolean(false)));
    }
}
