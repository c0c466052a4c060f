//! SetSchemaMetadata (`$Key` / `$Value`): sets the schema's name and/or version.

use std::sync::Arc;

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::data::{Schema, SchemaType, Value};

pub struct SetSchemaMetadata {
    side: Side,
    name: Option<String>,
    version: Option<i32>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl SetSchemaMetadata {
    pub fn configure(side: Side, s: &mut Settings) -> Option<SetSchemaMetadata> {
        let name = s.string("schema.name", Default::Null);
        let version = s.optional_int("schema.version");
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        if !s.ok() {
            return None;
        }
        if name.is_none() && version.is_none() {
            s.error("schema.name", "Neither schema name nor version configured");
            return None;
        }
        Some(SetSchemaMetadata {
            side,
            name,
            version,
            replace_null_with_default,
            cache: SchemaCache::default(),
        })
    }

    fn updated(&self, schema: &Schema) -> Result<Arc<Schema>, TransformError> {
        // Kafka Connect reads `schema.fields()` here, which fails for anything but a struct.
        if schema.schema_type != SchemaType::Struct {
            return Err(data_err("Cannot list fields on non-struct type"));
        }
        let mut s = schema.clone();
        if let Some(n) = &self.name {
            s.name = Some(n.clone());
        }
        if let Some(v) = self.version {
            s.version = Some(v);
        }
        Ok(Arc::new(s))
    }
}

impl Transformation for SetSchemaMetadata {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        let schema = side.schema(&r).cloned();
        if side.value(&r).is_null() && schema.is_none() {
            return Ok(Some(r));
        }
        let schema = require_schema(schema.as_ref(), "updating schema metadata")?.clone();
        let updated = self.cache.get_or_build(&schema, || self.updated(&schema))?;
        let v = match side.value(&r) {
            Value::Struct(orig) => {
                let mut out = StructBuilder::new(updated.clone());
                for i in 0..updated.fields.len() {
                    out.put_index(i, field_value(orig, i, self.replace_null_with_default))?;
                }
                Value::Struct(out.build())
            }
            other => other.clone(),
        };
        side.set(&mut r, Some(updated), v);
        Ok(Some(r))
    }
}
