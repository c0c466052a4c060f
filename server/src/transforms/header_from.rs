//! HeaderFrom (`$Key` / `$Value`): copies or moves fields of the key or value into headers.

use std::sync::Arc;

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::java::JavaHashMap;
use crate::data::{Header, Schema, SchemaType, Value, DECIMAL};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Move,
    Copy,
}

pub struct HeaderFrom {
    side: Side,
    fields: Vec<String>,
    headers: Vec<String>,
    operation: Operation,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl HeaderFrom {
    pub fn configure(side: Side, s: &mut Settings) -> Option<HeaderFrom> {
        let fields = s.non_empty_list("fields");
        let headers = s.non_empty_list("headers");
        let operation = s.one_of("operation", Default::Required, &["move", "copy"]);
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        let (fields, headers, operation) = (fields?, headers?, operation?);
        if fields.len() != headers.len() {
            s.error(
                "headers",
                "'fields' config must have the same number of elements as 'headers' config.",
            );
            return None;
        }
        let operation = if operation == "move" {
            Operation::Move
        } else {
            Operation::Copy
        };
        Some(HeaderFrom {
            side,
            fields,
            headers,
            operation,
            replace_null_with_default,
            cache: SchemaCache::default(),
        })
    }

    fn purpose(&self) -> &'static str {
        match self.operation {
            Operation::Move => "header move",
            Operation::Copy => "header copy",
        }
    }
}

/// `ConnectHeaders.checkSchemaMatches` for a header added with a schema.
fn check_header(schema: &Schema, value: &Value) -> Result<(), TransformError> {
    if value.is_null() {
        if !schema.optional {
            return Err(data_err(format!(
                "A null value requires an optional schema but was {}",
                schema_display(schema)
            )));
        }
        return Ok(());
    }
    let ok = match (schema.schema_type, value) {
        (SchemaType::Bytes, Value::Bytes(_)) => true,
        (SchemaType::Bytes, Value::Decimal { .. }) => schema.name.as_deref() == Some(DECIMAL),
        (SchemaType::String, Value::String(_)) => true,
        (SchemaType::Boolean, Value::Boolean(_)) => true,
        (SchemaType::Int8, Value::Int8(_)) => true,
        (SchemaType::Int16, Value::Int16(_)) => true,
        (SchemaType::Int32, Value::Int32(_)) => true,
        (SchemaType::Int64, Value::Int64(_)) => true,
        (SchemaType::Float32, Value::Float32(_)) => true,
        (SchemaType::Float64, Value::Float64(_)) => true,
        (SchemaType::Array, Value::Array(_)) => true,
        (SchemaType::Map, Value::Map(_)) => true,
        (SchemaType::Struct, Value::Struct(_)) => true,
        _ => false,
    };
    if !ok {
        return Err(data_err(format!(
            "Expecting {} but instead found {}",
            schema.schema_type.connect_name(),
            class_name(Some(schema), value)
        )));
    }
    Ok(())
}

impl Transformation for HeaderFrom {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        match side.schema(&r).cloned() {
            None => {
                let map = require_map(side.value(&r), self.purpose())?;
                let mut updated = JavaHashMap::from_entries(map);
                let mut new_headers = Vec::with_capacity(self.fields.len());
                for (field, header) in self.fields.iter().zip(&self.headers) {
                    let v = map_get(map, field).cloned().unwrap_or(Value::Null);
                    if self.operation == Operation::Move {
                        updated.remove(&Value::String(field.clone()));
                    }
                    new_headers.push(Header {
                        key: header.clone(),
                        schema: None,
                        value: v,
                    });
                }
                r.headers.extend(new_headers);
                side.set(&mut r, None, Value::Map(updated.into_entries()));
            }
            Some(schema) => {
                let value = require_struct(Some(&schema), side.value(&r), self.purpose())?;
                let moved = if self.operation == Operation::Move {
                    let updated: Arc<Schema> = self.cache.get_or_build(&schema, || {
                        if schema.schema_type != SchemaType::Struct {
                            return Err(data_err("Cannot list fields on non-struct type"));
                        }
                        let mut b = SchemaBuilder::struct_().copy_basics(&schema);
                        for f in &schema.fields {
                            if !self.fields.contains(&f.name) {
                                b.field(&f.name, f.schema.clone())?;
                            }
                        }
                        Ok(b.build())
                    })?;
                    let mut out = StructBuilder::new(updated.clone());
                    for (i, f) in updated.fields.iter().enumerate() {
                        let v =
                            field_value_by_name(value, &f.name, self.replace_null_with_default)?;
                        out.put_index(i, v)?;
                    }
                    Some((updated, out.build()))
                } else {
                    None
                };
                let mut new_headers = Vec::with_capacity(self.fields.len());
                for (field, header) in self.fields.iter().zip(&self.headers) {
                    let v = match value.schema.field_index(field) {
                        Some(i) => field_value(value, i, self.replace_null_with_default),
                        None => Value::Null,
                    };
                    let Some(f) = schema.fields.iter().find(|f| f.name == *field) else {
                        return Err(TransformError::new(
                            NULL_POINTER,
                            "Cannot invoke \"org.apache.kafka.connect.data.Field.schema()\" because the return value of \"org.apache.kafka.connect.data.Schema.field(String)\" is null",
                        ));
                    };
                    check_header(&f.schema, &v)?;
                    new_headers.push(Header {
                        key: header.clone(),
                        schema: Some(f.schema.clone()),
                        value: v,
                    });
                }
                if let Some((updated, out)) = moved {
                    side.set(&mut r, Some(updated), Value::Struct(out));
                }
                r.headers.extend(new_headers);
            }
        }
        Ok(Some(r))
    }
}
