//! InsertField (`$Key` / `$Value`): adds the record's topic, partition, offset (sink
//! records), timestamp, or a static string as fields. A name ending in `!` makes the field
//! required, `?` (the default) optional.

use std::sync::{Arc, OnceLock};

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::java::JavaHashMap;
use crate::data::{Schema, SchemaType, Value};

const PURPOSE: &str = "field insertion";

#[derive(Debug, Clone)]
struct Spec {
    name: String,
    optional: bool,
}

impl Spec {
    fn parse(spec: Option<String>) -> Option<Spec> {
        let spec = spec?;
        if let Some(n) = spec.strip_suffix('?') {
            return Some(Spec {
                name: n.to_string(),
                optional: true,
            });
        }
        if let Some(n) = spec.strip_suffix('!') {
            return Some(Spec {
                name: n.to_string(),
                optional: false,
            });
        }
        Some(Spec {
            name: spec,
            optional: true,
        })
    }
}

pub struct InsertField {
    side: Side,
    topic: Option<Spec>,
    partition: Option<Spec>,
    offset: Option<Spec>,
    timestamp: Option<Spec>,
    static_field: Option<Spec>,
    static_value: Option<String>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

/// The schemas InsertField adds, shared between records.
fn plain(t: SchemaType, optional: bool) -> Arc<Schema> {
    static SCHEMAS: OnceLock<[Arc<Schema>; 8]> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        [
            Arc::new(Schema::new(SchemaType::String)),
            Arc::new(Schema::new(SchemaType::String).optional()),
            Arc::new(Schema::new(SchemaType::Int32)),
            Arc::new(Schema::new(SchemaType::Int32).optional()),
            Arc::new(Schema::new(SchemaType::Int64)),
            Arc::new(Schema::new(SchemaType::Int64).optional()),
            Arc::new(Schema::timestamp()),
            Arc::new(Schema::timestamp().optional()),
        ]
    });
    let base = match t {
        SchemaType::String => 0,
        SchemaType::Int32 => 2,
        SchemaType::Int64 => 4,
        _ => 6,
    };
    all[base + usize::from(optional)].clone()
}

fn timestamp_schema(optional: bool) -> Arc<Schema> {
    plain(SchemaType::Struct, optional)
}

impl InsertField {
    pub fn configure(side: Side, s: &mut Settings) -> Option<InsertField> {
        let topic = Spec::parse(s.string("topic.field", Default::Null));
        let partition = Spec::parse(s.string("partition.field", Default::Null));
        let offset = Spec::parse(s.string("offset.field", Default::Null));
        let timestamp = Spec::parse(s.string("timestamp.field", Default::Null));
        let static_field = Spec::parse(s.string("static.field", Default::Null));
        let static_value = s.string("static.value", Default::Null);
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        if !s.ok() {
            return None;
        }
        if topic.is_none()
            && partition.is_none()
            && offset.is_none()
            && timestamp.is_none()
            && static_field.is_none()
        {
            s.error("topic.field", "No field insertion configured");
            return None;
        }
        if let (Some(f), None) = (&static_field, &static_value) {
            s.invalid(
                "static.value",
                "null",
                &format!("No value specified for static field: {}", f.name),
            );
            return None;
        }
        Some(InsertField {
            side,
            topic,
            partition,
            offset,
            timestamp,
            static_field,
            static_value,
            replace_null_with_default,
            cache: SchemaCache::default(),
        })
    }

    fn offset_of(&self, r: &ConnectRecord) -> Result<i64, TransformError> {
        r.kafka_offset.ok_or_else(|| {
            data_err(format!(
                "Only SinkRecord supported for [{PURPOSE}], found: org.apache.kafka.connect.source.SourceRecord"
            ))
        })
    }

    fn updated_schema(&self, schema: &Schema) -> Result<Arc<Schema>, TransformError> {
        if schema.schema_type != SchemaType::Struct {
            return Err(data_err("Cannot list fields on non-struct type"));
        }
        let mut b = SchemaBuilder::struct_().copy_basics(schema);
        for f in &schema.fields {
            b.field(&f.name, f.schema.clone())?;
        }
        if let Some(s) = &self.topic {
            b.field(&s.name, plain(SchemaType::String, s.optional))?;
        }
        if let Some(s) = &self.partition {
            b.field(&s.name, plain(SchemaType::Int32, s.optional))?;
        }
        if let Some(s) = &self.offset {
            b.field(&s.name, plain(SchemaType::Int64, s.optional))?;
        }
        if let Some(s) = &self.timestamp {
            b.field(&s.name, timestamp_schema(s.optional))?;
        }
        if let Some(s) = &self.static_field {
            b.field(&s.name, plain(SchemaType::String, s.optional))?;
        }
        Ok(b.build())
    }
}

impl Transformation for InsertField {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        if side.value(&r).is_null() {
            return Ok(Some(r));
        }
        match side.schema(&r).cloned() {
            None => {
                let map = require_map(side.value(&r), PURPOSE)?;
                let mut m = JavaHashMap::from_entries(map);
                if let Some(s) = &self.topic {
                    m.put(
                        Value::String(s.name.clone()),
                        Value::String(r.topic.clone()),
                    );
                }
                if let (Some(s), Some(p)) = (&self.partition, r.kafka_partition) {
                    m.put(Value::String(s.name.clone()), Value::Int32(p));
                }
                if let Some(s) = &self.offset {
                    m.put(
                        Value::String(s.name.clone()),
                        Value::Int64(self.offset_of(&r)?),
                    );
                }
                if let (Some(s), Some(t)) = (&self.timestamp, r.timestamp) {
                    m.put(Value::String(s.name.clone()), Value::Int64(t));
                }
                if let (Some(s), Some(v)) = (&self.static_field, &self.static_value) {
                    m.put(Value::String(s.name.clone()), Value::String(v.clone()));
                }
                side.set(&mut r, None, Value::Map(m.into_entries()));
            }
            Some(schema) => {
                let value = require_struct(Some(&schema), side.value(&r), PURPOSE)?;
                let updated = self
                    .cache
                    .get_or_build(&value.schema, || self.updated_schema(&value.schema))?;
                let mut out = StructBuilder::new(updated.clone());
                for (i, f) in value.schema.fields.iter().enumerate() {
                    out.put(
                        &f.name,
                        field_value(value, i, self.replace_null_with_default),
                    )?;
                }
                if let Some(s) = &self.topic {
                    out.put(&s.name, Value::String(r.topic.clone()))?;
                }
                if let (Some(s), Some(p)) = (&self.partition, r.kafka_partition) {
                    out.put(&s.name, Value::Int32(p))?;
                }
                if let Some(s) = &self.offset {
                    out.put(&s.name, Value::Int64(self.offset_of(&r)?))?;
                }
                if let (Some(s), Some(t)) = (&self.timestamp, r.timestamp) {
                    out.put(&s.name, Value::Int64(t))?;
                }
                if let (Some(s), Some(v)) = (&self.static_field, &self.static_value) {
                    out.put(&s.name, Value::String(v.clone()))?;
                }
                let out = out.build();
                side.set(&mut r, Some(updated), Value::Struct(out));
            }
        }
        Ok(Some(r))
    }
}
