//! {{class}}: a sink connector that appends each record it receives to a file, one line each.
use std::collections::HashMap;
use std::io::Write;

use polyconnect_sdk::*;

/// One line for a record: where it came from, then its value (a struct field by field).
pub fn describe(r: &SinkRecord) -> String {
    let text = match &r.value {
        Some(Data::Structured { value, .. }) => show(value),
        Some(Data::Raw(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        None => "null".to_string(),
    };
    format!("{}-{}@{} {text}", r.topic, r.kafka_partition, r.kafka_offset)
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Boolean(b) => b.to_string(),
        Value::Int8(n) => n.to_string(),
        Value::Int16(n) => n.to_string(),
        Value::Int32(n) => n.to_string(),
        Value::Int64(n) => n.to_string(),
        Value::Float32(n) => n.to_string(),
        Value::Float64(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Struct(s) => s
            .schema
            .fields
            .iter()
            .zip(&s.values)
            .map(|(f, v)| format!("{}={}", f.name, show(v)))
            .collect::<Vec<_>>()
            .join(" "),
        other => format!("{other:?}"),
    }
}

#[derive(Default)]
pub struct {{class}};

#[derive(Default)]
pub struct {{class}}Task {
    out: Option<std::fs::File>,
}

impl Connector for {{class}} {
    type Task = {{class}}Task;
    const CLASS: &'static str = "{{class}}";
    fn config_def() -> ConfigDef {
        ConfigDef::new().optional(
            "file",
            Type::String,
            "",
            Importance::High,
            "The file to append to; empty: stdout",
        )
    }
}

#[async_trait]
impl SinkTask for {{class}}Task {
    async fn start(&mut self, _ctx: SinkContext, config: Config) -> Result<()> {
        let file = config.get("file").unwrap_or_default();
        if !file.is_empty() {
            self.out = Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(file)?,
            );
        }
        Ok(())
    }

    async fn put(&mut self, records: Vec<SinkRecord>) -> Result<()> {
        let text: String = records.iter().map(|r| describe(r) + "\n").collect();
        match &mut self.out {
            Some(f) => f.write_all(text.as_bytes())?,
            None => print!("{text}"),
        }
        Ok(())
    }

    /// Everything put so far is made durable; then the core commits these offsets.
    async fn flush(&mut self, _offsets: &HashMap<TopicPartition, i64>) -> Result<()> {
        match &mut self.out {
            Some(f) => f.sync_data()?,
            None => std::io::stdout().flush()?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn record(value: Value, partition: i32, offset: i64) -> SinkRecord {
        SinkRecord {
            topic: "orders".into(),
            kafka_partition: partition,
            kafka_offset: offset,
            key: None,
            value: Some(Data::Structured { schema: None, value }),
            timestamp: None,
            headers: vec![],
            original_topic: "orders".into(),
            original_kafka_partition: partition,
            trace: None,
        }
    }

    #[test]
    fn a_struct_is_written_field_by_field() {
        let schema = Arc::new(
            Schema::structure("Order")
                .field("seq", Schema::int64())
                .field("customer", Schema::string()),
        );
        let value = Struct::new(schema).put("seq", 3i64).put("customer", "customer-3");
        assert_eq!(
            describe(&record(Value::Struct(value), 0, 42)),
            "orders-0@42 seq=3 customer=customer-3"
        );
    }

    #[test]
    fn other_values_are_written_as_they_are() {
        assert_eq!(describe(&record("hello".into(), 1, 5)), "orders-1@5 hello");
    }
}
