//! ReplaceField (`$Key` / `$Value`): keeps (`include`), drops (`exclude`) and renames
//! (`renames=old:new,...`) fields.

use std::sync::Arc;

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::java::JavaHashMap;
use crate::data::{Schema, SchemaType, Value};

const PURPOSE: &str = "field replacement";

pub struct ReplaceField {
    side: Side,
    exclude: Vec<String>,
    include: Vec<String>,
    renames: Vec<(String, String)>,
    reverse: Vec<(String, String)>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

/// Kafka Connect's `parseRenameMappings` into a HashMap (iteration order kept).
fn parse_renames(mappings: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut m = JavaHashMap::new();
    for mapping in mappings {
        let parts = java_split(mapping, ':');
        if parts.len() != 2 {
            return Err(format!("Invalid rename mapping: {mapping}"));
        }
        m.put(
            Value::String(parts[0].clone()),
            Value::String(parts[1].clone()),
        );
    }
    Ok(strings(m))
}

fn strings(m: JavaHashMap) -> Vec<(String, String)> {
    m.into_entries()
        .into_iter()
        .filter_map(|(k, v)| match (k, v) {
            (Value::String(k), Value::String(v)) => Some((k, v)),
            _ => None,
        })
        .collect()
}

impl ReplaceField {
    pub fn configure(side: Side, s: &mut Settings) -> Option<ReplaceField> {
        let exclude = s.valid_list("exclude", Default::Value(""), true);
        let include = s.valid_list("include", Default::Value(""), true);
        let renames = s.list("renames", Default::Value(""));
        let renames = renames.and_then(|list| match parse_renames(&list) {
            Ok(r) => Some(r),
            Err(e) => {
                s.invalid("renames", &list_display(&list), &e);
                None
            }
        });
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        let (exclude, include, renames) = (exclude?, include?, renames?);
        let mut inverse = JavaHashMap::new();
        for (k, v) in &renames {
            inverse.put(Value::String(v.clone()), Value::String(k.clone()));
        }
        Some(ReplaceField {
            side,
            exclude,
            include,
            renames,
            reverse: strings(inverse),
            replace_null_with_default,
            cache: SchemaCache::default(),
        })
    }

    fn keep(&self, name: &str) -> bool {
        !self.exclude.iter().any(|e| e == name)
            && (self.include.is_empty() || self.include.iter().any(|i| i == name))
    }

    fn renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.renames
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or(name)
    }

    fn reverse_renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.reverse
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or(name)
    }

    fn updated_schema(&self, schema: &Schema) -> Result<Arc<Schema>, TransformError> {
        if schema.schema_type != SchemaType::Struct {
            return Err(data_err("Cannot list fields on non-struct type"));
        }
        let mut b = SchemaBuilder::struct_().copy_basics(schema);
        for f in &schema.fields {
            if self.keep(&f.name) {
                b.field(self.renamed(&f.name), f.schema.clone())?;
            }
        }
        Ok(b.build())
    }
}

impl Transformation for ReplaceField {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        if side.value(&r).is_null() {
            return Ok(Some(r));
        }
        match side.schema(&r).cloned() {
            None => {
                let map = require_map(side.value(&r), PURPOSE)?;
                let mut updated = JavaHashMap::with_capacity(map.len());
                for (k, v) in map {
                    let name = key_as_str(k)?;
                    if self.keep(name) {
                        updated.put(Value::String(self.renamed(name).to_string()), v.clone());
                    }
                }
                side.set(&mut r, None, Value::Map(updated.into_entries()));
            }
            Some(schema) => {
                let value = require_struct(Some(&schema), side.value(&r), PURPOSE)?;
                let updated = self
                    .cache
                    .get_or_build(&value.schema, || self.updated_schema(&value.schema))?;
                let mut out = StructBuilder::new(updated.clone());
                for (i, f) in updated.fields.iter().enumerate() {
                    let v = field_value_by_name(
                        value,
                        self.reverse_renamed(&f.name),
                        self.replace_null_with_default,
                    )?;
                    out.put_index(i, v)?;
                }
                let out = out.build();
                side.set(&mut r, Some(updated), Value::Struct(out));
            }
        }
        Ok(Some(r))
    }
}
