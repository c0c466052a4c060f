//! Flatten (`$Key` / `$Value`): nested structs (or maps) become top-level fields named
//! `outer<delimiter>inner`. Arrays are kept as they are.

use std::sync::Arc;

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::data::{Schema, SchemaType, Struct, Value};

const PURPOSE: &str = "flattening";

pub struct Flatten {
    side: Side,
    delimiter: String,
    cache: SchemaCache,
}

impl Flatten {
    pub fn configure(side: Side, s: &mut Settings) -> Option<Flatten> {
        let delimiter = s.string("delimiter", Default::Value("."))?;
        Some(Flatten {
            side,
            delimiter,
            cache: SchemaCache::default(),
        })
    }

    fn name(&self, prefix: &str, field: &str) -> String {
        if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}{}{field}", self.delimiter)
        }
    }

    fn flatten_map(
        &self,
        map: &[(Value, Value)],
        prefix: &str,
        out: &mut LinkedMap,
    ) -> Result<(), TransformError> {
        for (k, v) in map {
            let name = self.name(prefix, key_as_str(k)?);
            if v.is_null() {
                out.put(name, Value::Null);
                continue;
            }
            let Some(t) = schemaless_type(v) else {
                return Err(data_err(format!(
                    "Flatten transformation was passed a value of type class {} which is not supported by Connect's data API",
                    v.type_name()
                )));
            };
            match t {
                SchemaType::Map => {
                    let inner = require_map(v, PURPOSE)?;
                    self.flatten_map(inner, &name, out)?;
                }
                SchemaType::Struct => {
                    return Err(data_err(format!(
                        "Flatten transformation does not support class {} for record without schemas (for field {name}).",
                        v.type_name()
                    )))
                }
                _ => out.put(name, v.clone()),
            }
        }
        Ok(())
    }

    fn build_schema(
        &self,
        schema: &Schema,
        prefix: &str,
        out: &mut SchemaBuilder,
        optional: bool,
        parent_default: Option<&Struct>,
    ) -> Result<(), TransformError> {
        for (i, f) in schema.fields.iter().enumerate() {
            let name = self.name(prefix, &f.name);
            let field_optional = optional || f.schema.optional;
            let default = match (&f.schema.default_value, parent_default) {
                (Some(d), _) => Some(d.clone()),
                (None, Some(p)) => Some(field_value(p, i, true)).filter(|v| !v.is_null()),
                (None, None) => None,
            };
            match f.schema.schema_type {
                SchemaType::Struct => {
                    let nested = match &default {
                        Some(Value::Struct(s)) => Some(s.clone()),
                        _ => None,
                    };
                    self.build_schema(&f.schema, &name, out, field_optional, nested.as_ref())?;
                }
                SchemaType::Map => {
                    return Err(data_err(format!(
                        "Flatten transformation does not support MAP for record with schemas (for field {name})."
                    )))
                }
                _ => {
                    let mut b = SchemaBuilder::copy_of(&f.schema);
                    if field_optional {
                        b = b.optional();
                    }
                    if let Some(d) = default {
                        b.default_value(d)?;
                    }
                    out.field(&name, b.build())?;
                }
            }
        }
        Ok(())
    }

    fn flatten_struct(
        &self,
        s: &Struct,
        prefix: &str,
        out: &mut StructBuilder,
    ) -> Result<(), TransformError> {
        for (i, f) in s.schema.fields.iter().enumerate() {
            let name = self.name(prefix, &f.name);
            match f.schema.schema_type {
                SchemaType::Struct => {
                    if let Value::Struct(inner) = &s.values[i] {
                        self.flatten_struct(inner, &name, out)?;
                    } else if !s.values[i].is_null() {
                        return Err(class_cast(s.values[i].type_name(), "org.apache.kafka.connect.data.Struct"));
                    }
                }
                SchemaType::Map => {
                    return Err(data_err(format!(
                        "Flatten transformation does not support MAP for record with schemas (for field {name})."
                    )))
                }
                _ => out.put(&name, field_value(s, i, true))?,
            }
        }
        Ok(())
    }
}

/// A `LinkedHashMap<String, Object>`: insertion order, a repeated key keeps its place.
#[derive(Default)]
struct LinkedMap {
    entries: Vec<(Value, Value)>,
    index: std::collections::HashMap<String, usize>,
}

impl LinkedMap {
    fn put(&mut self, k: String, v: Value) {
        match self.index.get(&k) {
            Some(&i) => self.entries[i].1 = v,
            None => {
                self.index.insert(k.clone(), self.entries.len());
                self.entries.push((Value::String(k), v));
            }
        }
    }
}

impl Transformation for Flatten {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        if side.value(&r).is_null() {
            return Ok(Some(r));
        }
        match side.schema(&r).cloned() {
            None => {
                let map = require_map(side.value(&r), PURPOSE)?;
                let mut out = LinkedMap::default();
                self.flatten_map(map, "", &mut out)?;
                side.set(&mut r, None, Value::Map(out.entries));
            }
            Some(schema) => {
                let value = require_struct_or_null(Some(&schema), side.value(&r), PURPOSE)?;
                let updated: Arc<Schema> = self.cache.get_or_build(&schema, || {
                    if schema.schema_type != SchemaType::Struct {
                        return Err(data_err("Cannot list fields on non-struct type"));
                    }
                    let mut b = SchemaBuilder::struct_().copy_basics(&schema);
                    let default = match &schema.default_value {
                        Some(Value::Struct(s)) => Some(s.clone()),
                        _ => None,
                    };
                    self.build_schema(&schema, "", &mut b, schema.optional, default.as_ref())?;
                    Ok(b.build())
                })?;
                let v = match value {
                    None => Value::Null,
                    Some(s) => {
                        let mut out = StructBuilder::new(updated.clone());
                        self.flatten_struct(s, "", &mut out)?;
                        Value::Struct(out.build())
                    }
                };
                side.set(&mut r, Some(updated), v);
            }
        }
        Ok(Some(r))
    }
}
