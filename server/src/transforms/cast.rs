//! Cast (`org.apache.kafka.connect.transforms.Cast$Key` / `$Value`): casts fields, or the
//! whole key or value, to int8/16/32/64, float32/64, boolean or string.

use std::sync::Arc;

use base64::Engine;

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::datefmt::{values_date_string, MILLIS_PER_DAY};
use crate::converter::java::{parse_double, parse_float, parse_long, JavaHashMap};
use crate::converter::values::JObj;
use crate::data::{Schema, SchemaType, Value, DATE, TIME, TIMESTAMP};

const PURPOSE: &str = "cast types";
const INPUT_TYPES: &str = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]";
const OUTPUT_TYPES: &str = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]";

pub struct Cast {
    side: Side,
    whole: Option<SchemaType>,
    /// Field casts, in the iteration order of Kafka Connect's HashMap.
    fields: Vec<(String, SchemaType)>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

fn type_by_name(name: &str) -> Option<SchemaType> {
    Some(match name.to_ascii_uppercase().as_str() {
        "INT8" => SchemaType::Int8,
        "INT16" => SchemaType::Int16,
        "INT32" => SchemaType::Int32,
        "INT64" => SchemaType::Int64,
        "FLOAT32" => SchemaType::Float32,
        "FLOAT64" => SchemaType::Float64,
        "BOOLEAN" => SchemaType::Boolean,
        "STRING" => SchemaType::String,
        "BYTES" => SchemaType::Bytes,
        "ARRAY" => SchemaType::Array,
        "MAP" => SchemaType::Map,
        "STRUCT" => SchemaType::Struct,
        _ => return None,
    })
}

fn valid_output(t: SchemaType) -> bool {
    !matches!(
        t,
        SchemaType::Bytes | SchemaType::Array | SchemaType::Map | SchemaType::Struct
    )
}

/// `parseFieldTypes`: (whole-value type, field casts) or Kafka Connect's message.
fn parse_spec(
    mappings: &[String],
) -> Result<(Option<SchemaType>, Vec<(String, SchemaType)>), String> {
    let mut whole = None;
    let mut m = JavaHashMap::new();
    for mapping in mappings {
        let parts = java_split(mapping, ':');
        if parts.len() > 2 {
            return Err(format!(
                "Invalid value {} for configuration renames: Invalid rename mapping: {mapping}",
                list_display(mappings)
            ));
        }
        let (field, type_name) = if parts.len() == 2 {
            (
                Some(parts[0].trim().to_string()),
                parts[1].trim().to_string(),
            )
        } else {
            (
                None,
                parts
                    .first()
                    .map(|p| p.trim().to_string())
                    .unwrap_or_default(),
            )
        };
        // Kafka Connect passes the enum's exception as the "value" of a ConfigException.
        let t = type_by_name(&type_name).ok_or_else(|| {
            format!(
                "Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.{} for configuration Invalid type found in casting spec: {type_name}",
                type_name.to_uppercase()
            )
        })?;
        if !valid_output(t) {
            return Err(format!(
                "Cast transformation does not support casting to {}; supported types are {OUTPUT_TYPES}",
                t.connect_name()
            ));
        }
        match field {
            None => {
                whole = Some(t);
                m.put(Value::Null, Value::Null);
            }
            Some(f) => m.put(Value::String(f), Value::String(t.connect_name().into())),
        }
    }
    if whole.is_some() && mappings.len() > 1 {
        return Err(
            "Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec".into(),
        );
    }
    let fields = m
        .into_entries()
        .into_iter()
        .filter_map(|(k, v)| match (k, v) {
            (Value::String(k), Value::String(t)) => type_by_name(&t).map(|t| (k, t)),
            _ => None,
        })
        .collect();
    Ok((whole, fields))
}

impl Cast {
    pub fn configure(side: Side, s: &mut Settings) -> Option<Cast> {
        let spec = s.list("spec", Default::Required);
        let parsed = match spec {
            None => None,
            Some(spec) if spec.is_empty() => {
                s.error("spec", "Must specify at least one field to cast.");
                None
            }
            Some(spec) => match parse_spec(&spec) {
                Ok(p) => Some(p),
                Err(e) => {
                    s.error("spec", e);
                    None
                }
            },
        };
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        let (whole, fields) = parsed?;
        Some(Cast {
            side,
            whole,
            fields,
            replace_null_with_default,
            cache: SchemaCache::default(),
        })
    }

    fn field_cast(&self, name: &str) -> Option<SchemaType> {
        self.fields.iter().find(|(f, _)| f == name).map(|(_, t)| *t)
    }

    fn build_schema(&self, schema: &Schema) -> Result<Arc<Schema>, TransformError> {
        let mut b = match self.whole {
            Some(t) => SchemaBuilder::new(t).copy_basics(schema),
            None => {
                if schema.schema_type != SchemaType::Struct {
                    return Err(data_err("Cannot list fields on non-struct type"));
                }
                let mut b = SchemaBuilder::struct_().copy_basics(schema);
                for f in &schema.fields {
                    match self.field_cast(&f.name) {
                        Some(t) => {
                            let mut fb = SchemaBuilder::new(t);
                            if f.schema.optional {
                                fb = fb.optional();
                            }
                            if let Some(d) = &f.schema.default_value {
                                let cast = cast_value(Some(&f.schema), d, t)?;
                                fb.default_value(cast)?;
                            }
                            b.field(&f.name, fb.build())?;
                        }
                        None => b.field(&f.name, f.schema.clone())?,
                    }
                }
                b
            }
        };
        if schema.optional {
            b = b.optional();
        }
        if let Some(d) = &schema.default_value {
            let t = b.schema().schema_type;
            let cast = cast_value(Some(schema), d, t)?;
            b.default_value(cast)?;
        }
        Ok(b.build())
    }
}

impl Transformation for Cast {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        if side.value(&r).is_null() {
            return Ok(Some(r));
        }
        match side.schema(&r).cloned() {
            None => {
                if let Some(t) = self.whole {
                    let v = cast_value(None, side.value(&r), t)?;
                    side.set(&mut r, None, v);
                    return Ok(Some(r));
                }
                let map = require_map(side.value(&r), PURPOSE)?;
                let mut updated = JavaHashMap::from_entries(map);
                for (field, t) in &self.fields {
                    let v = map_get(map, field).unwrap_or(&Value::Null);
                    updated.put(Value::String(field.clone()), cast_value(None, v, *t)?);
                }
                side.set(&mut r, None, Value::Map(updated.into_entries()));
                Ok(Some(r))
            }
            Some(schema) => {
                let updated_schema = self
                    .cache
                    .get_or_build(&schema, || self.build_schema(&schema))?;
                if let Some(t) = self.whole {
                    let v = cast_value(Some(&schema), side.value(&r), t)?;
                    side.set(&mut r, Some(updated_schema), v);
                    return Ok(Some(r));
                }
                let value = require_struct(Some(&schema), side.value(&r), PURPOSE)?;
                let mut out = StructBuilder::new(updated_schema.clone());
                for (i, f) in value.schema.fields.iter().enumerate() {
                    let orig = field_value(value, i, self.replace_null_with_default);
                    let v = match self.field_cast(&f.name) {
                        Some(t) => cast_value(Some(&f.schema), &orig, t)?,
                        None => orig,
                    };
                    out.put(&f.name, v)?;
                }
                let out = out.build();
                side.set(&mut r, Some(updated_schema), Value::Struct(out));
                Ok(Some(r))
            }
        }
    }
}

fn out_of_range(v: &JObj) -> TransformError {
    data_err(format!(
        "Value ({}) was out of range for requested data type",
        v.java_to_string()
    ))
}

fn unexpected(v: &JObj) -> TransformError {
    data_err(format!(
        "Unexpected type in Cast transformation: class {}",
        v.class_name()
    ))
}

/// `Number.intValue()` etc. of the Java number classes.
fn int_value(v: &JObj) -> Option<i32> {
    Some(match v {
        JObj::Byte(x) => *x as i32,
        JObj::Short(x) => *x as i32,
        JObj::Int(x) => *x,
        JObj::Long(x) => *x as i32,
        JObj::Float(x) => *x as i32,
        JObj::Double(x) => *x as i32,
        JObj::Decimal(d) => d.int_value(),
        _ => return None,
    })
}

fn long_value(v: &JObj) -> Option<i64> {
    Some(match v {
        JObj::Byte(x) => *x as i64,
        JObj::Short(x) => *x as i64,
        JObj::Int(x) => *x as i64,
        JObj::Long(x) => *x,
        JObj::Float(x) => *x as i64,
        JObj::Double(x) => *x as i64,
        JObj::Decimal(d) => d.long_value(),
        _ => return None,
    })
}

fn byte_value(v: &JObj) -> Option<i8> {
    Some(match v {
        JObj::Long(x) => *x as i8,
        other => int_value(other)? as i8,
    })
}

fn short_value(v: &JObj) -> Option<i16> {
    Some(match v {
        JObj::Long(x) => *x as i16,
        other => int_value(other)? as i16,
    })
}

fn float_value(v: &JObj) -> Option<f32> {
    Some(match v {
        JObj::Byte(x) => *x as f32,
        JObj::Short(x) => *x as f32,
        JObj::Int(x) => *x as f32,
        JObj::Long(x) => *x as f32,
        JObj::Float(x) => *x,
        JObj::Double(x) => *x as f32,
        JObj::Decimal(d) => d.float_value(),
        _ => return None,
    })
}

fn double_value(v: &JObj) -> Option<f64> {
    Some(match v {
        JObj::Byte(x) => *x as f64,
        JObj::Short(x) => *x as f64,
        JObj::Int(x) => *x as f64,
        JObj::Long(x) => *x as f64,
        JObj::Float(x) => *x as f64,
        JObj::Double(x) => *x,
        JObj::Decimal(d) => d.double_value(),
        _ => return None,
    })
}

/// `Cast.castValueToType(schema, value, targetType)`.
pub(crate) fn cast_value(
    schema: Option<&Schema>,
    value: &Value,
    target: SchemaType,
) -> Result<Value, TransformError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let inferred = match schema {
        Some(s) => s.schema_type,
        None => schemaless_type(value).ok_or_else(|| {
            data_err(format!(
                "Cast transformation was passed a value of type class {} which is not supported by Connect's data API",
                value.type_name()
            ))
        })?,
    };
    if matches!(
        inferred,
        SchemaType::Array | SchemaType::Map | SchemaType::Struct
    ) {
        return Err(data_err(format!(
            "Cast transformation does not support casting from {}; supported types are {INPUT_TYPES}",
            inferred.connect_name()
        )));
    }
    let mut v = jobj(schema, value);
    if let Some(name) = schema.and_then(|s| s.name.as_deref()) {
        if target != SchemaType::String {
            v = match (name, v) {
                (DATE, JObj::Date(ms)) => JObj::Int((ms / MILLIS_PER_DAY) as i32),
                (TIME, JObj::Date(ms)) => {
                    if !(0..=MILLIS_PER_DAY).contains(&ms) {
                        return Err(data_err(
                            "Kafka Connect Time type should not have any date fields set to non-zero values.",
                        ));
                    }
                    JObj::Int(ms as i32)
                }
                (TIMESTAMP, JObj::Date(ms)) => JObj::Long(ms),
                (_, other) => other,
            };
        }
    }
    Ok(match target {
        SchemaType::Int8 => Value::Int8(match &v {
            JObj::Bool(b) => *b as i8,
            JObj::Str(s) => {
                parse_long(s, i8::MIN as i64, i8::MAX as i64).ok_or_else(|| out_of_range(&v))? as i8
            }
            other => byte_value(other).ok_or_else(|| unexpected(other))?,
        }),
        SchemaType::Int16 => Value::Int16(match &v {
            JObj::Bool(b) => *b as i16,
            JObj::Str(s) => parse_long(s, i16::MIN as i64, i16::MAX as i64)
                .ok_or_else(|| out_of_range(&v))? as i16,
            other => short_value(other).ok_or_else(|| unexpected(other))?,
        }),
        SchemaType::Int32 => Value::Int32(match &v {
            JObj::Bool(b) => *b as i32,
            JObj::Str(s) => parse_long(s, i32::MIN as i64, i32::MAX as i64)
                .ok_or_else(|| out_of_range(&v))? as i32,
            other => int_value(other).ok_or_else(|| unexpected(other))?,
        }),
        SchemaType::Int64 => Value::Int64(match &v {
            JObj::Bool(b) => *b as i64,
            JObj::Str(s) => parse_long(s, i64::MIN, i64::MAX).ok_or_else(|| out_of_range(&v))?,
            other => long_value(other).ok_or_else(|| unexpected(other))?,
        }),
        SchemaType::Float32 => Value::Float32(match &v {
            JObj::Bool(b) => {
                if *b {
                    1.0
                } else {
                    0.0
                }
            }
            JObj::Str(s) => parse_float(s).ok_or_else(|| out_of_range(&v))?,
            other => float_value(other).ok_or_else(|| unexpected(other))?,
        }),
        SchemaType::Float64 => Value::Float64(match &v {
            JObj::Bool(b) => {
                if *b {
                    1.0
                } else {
                    0.0
                }
            }
            JObj::Str(s) => parse_double(s).ok_or_else(|| out_of_range(&v))?,
            other => double_value(other).ok_or_else(|| unexpected(other))?,
        }),
        SchemaType::Boolean => Value::Boolean(match &v {
            JObj::Bool(b) => *b,
            JObj::Str(s) => s.eq_ignore_ascii_case("true"),
            other => long_value(other).ok_or_else(|| unexpected(other))? != 0,
        }),
        SchemaType::String => Value::String(match &v {
            JObj::Date(ms) => values_date_string(*ms),
            JObj::Bytes(b) => base64::engine::general_purpose::STANDARD.encode(b),
            other => other.java_to_string(),
        }),
        other => {
            return Err(data_err(format!(
                "{} is not supported in the Cast transformation.",
                other.connect_name()
            )))
        }
    })
}
