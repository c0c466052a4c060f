//! ValueToKey: the key becomes a struct (or map) of the given fields of the value.

use super::config::Settings;
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::java::JavaHashMap;
use crate::data::Value;

const PURPOSE: &str = "copying fields from value to key";

pub struct ValueToKey {
    fields: Vec<String>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl ValueToKey {
    pub fn configure(s: &mut Settings) -> Option<ValueToKey> {
        let fields = s.valid_list("fields", super::config::Default::Required, false);
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        Some(ValueToKey {
            fields: fields?,
            replace_null_with_default,
            cache: SchemaCache::default(),
        })
    }
}

impl Transformation for ValueToKey {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        match r.value_schema.clone() {
            None => {
                let map = require_map(&r.value, PURPOSE)?;
                let mut key = JavaHashMap::with_capacity(self.fields.len());
                for f in &self.fields {
                    key.put(
                        Value::String(f.clone()),
                        map_get(map, f).cloned().unwrap_or(Value::Null),
                    );
                }
                r.key_schema = None;
                r.key = Value::Map(key.into_entries());
            }
            Some(schema) => {
                let value = require_struct(Some(&schema), &r.value, PURPOSE)?;
                let key_schema = self.cache.get_or_build(&value.schema, || {
                    let mut b = SchemaBuilder::struct_();
                    for f in &self.fields {
                        let Some(field) = value.schema.fields.iter().find(|x| x.name == *f) else {
                            return Err(data_err(format!("Field does not exist: {f}")));
                        };
                        b.field(f, field.schema.clone())?;
                    }
                    Ok(b.build())
                })?;
                let mut key = StructBuilder::new(key_schema.clone());
                for f in &self.fields {
                    key.put(
                        f,
                        field_value_by_name(value, f, self.replace_null_with_default)?,
                    )?;
                }
                let key = key.build();
                r.value_schema = Some(value.schema.clone());
                r.key_schema = Some(key_schema);
                r.key = Value::Struct(key);
            }
        }
        Ok(Some(r))
    }
}
