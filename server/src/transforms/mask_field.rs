//! MaskField (`$Key` / `$Value`): replaces fields with the "empty" value of their type
//! (0, false, "", an empty array or map, the epoch for dates), or with a replacement
//! converted to the field's type.

use bytes::Bytes;

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::java::{java_hash_set_order, BigDec, JavaHashMap};
use crate::converter::values::{
    convert_to_byte, convert_to_double, convert_to_float, convert_to_integer, convert_to_long,
    convert_to_short, JObj,
};
use crate::data::{Schema, Value, DATE, DECIMAL, TIME, TIMESTAMP};

const PURPOSE: &str = "mask fields";

pub struct MaskField {
    side: Side,
    /// In the iteration order of Kafka Connect's HashSet.
    fields: Vec<String>,
    replacement: Option<String>,
    replace_null_with_default: bool,
}

impl MaskField {
    pub fn configure(side: Side, s: &mut Settings) -> Option<MaskField> {
        let fields = s.valid_list("fields", Default::Required, false);
        let replacement = s.non_empty_string("replacement", Default::Null);
        let replacement_ok = s.ok();
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        let fields = fields?;
        if !replacement_ok {
            return None;
        }
        Some(MaskField {
            side,
            fields: java_hash_set_order(&fields),
            replacement,
            replace_null_with_default,
        })
    }

    fn masked(&self, schema: Option<&Schema>, v: &Value) -> Result<Value, TransformError> {
        if v.is_null() {
            return Ok(Value::Null);
        }
        let obj = jobj(schema, v);
        let out = match &self.replacement {
            None => mask_with_null_value(&obj)?,
            Some(r) => mask_with_replacement(&obj, r)?,
        };
        physical(schema, out)
    }
}

fn mask_with_null_value(v: &JObj) -> Result<JObj, TransformError> {
    Ok(match v {
        JObj::Bool(_) => JObj::Bool(false),
        JObj::Byte(_) => JObj::Byte(0),
        JObj::Short(_) => JObj::Short(0),
        JObj::Int(_) => JObj::Int(0),
        JObj::Long(_) => JObj::Long(0),
        JObj::Float(_) => JObj::Float(0.0),
        JObj::Double(_) => JObj::Double(0.0),
        JObj::Decimal(_) => JObj::Decimal(BigDec::zero()),
        JObj::Date(_) => JObj::Date(0),
        JObj::Str(_) => JObj::Str(String::new()),
        JObj::List(_) => JObj::List(Vec::new()),
        JObj::Map(_) => JObj::Map(Vec::new()),
        other => {
            return Err(data_err(format!(
                "Cannot mask value of type: class {}",
                other.class_name()
            )))
        }
    })
}

fn mask_with_replacement(v: &JObj, replacement: &str) -> Result<JObj, TransformError> {
    let r = JObj::Str(replacement.to_string());
    let conv = |e: crate::data::DataError| data_err(e.message);
    Ok(match v {
        JObj::Byte(_) => JObj::Byte(convert_to_byte(&r).map_err(conv)?),
        JObj::Short(_) => JObj::Short(convert_to_short(&r).map_err(conv)?),
        JObj::Int(_) => JObj::Int(convert_to_integer(&r).map_err(conv)?),
        JObj::Long(_) => JObj::Long(convert_to_long(&r).map_err(conv)?),
        JObj::Float(_) => JObj::Float(convert_to_float(&r).map_err(conv)?),
        JObj::Double(_) => JObj::Double(convert_to_double(&r).map_err(conv)?),
        JObj::Str(_) => r,
        JObj::Decimal(_) => JObj::Decimal(BigDec::parse(replacement).ok_or_else(|| {
            data_err(format!(
                "Unable to convert {replacement} (class java.lang.String) to number"
            ))
        })?),
        other => {
            return Err(data_err(format!(
                "Cannot mask value of type class {} with custom replacement.",
                other.class_name()
            )))
        }
    })
}

/// Back to Polyconnect's representation under the field's schema. A masked Decimal of
/// another scale than the schema's stays a BigDecimal of that scale, as in Kafka Connect,
/// whose converter then refuses the record.
fn physical(schema: Option<&Schema>, v: JObj) -> Result<Value, TransformError> {
    let logical = schema.and_then(|s| s.name.as_deref());
    Ok(match (logical, v) {
        (Some(DECIMAL), JObj::Decimal(d)) => {
            let scale = schema.and_then(|s| s.decimal_scale().ok()).unwrap_or(0);
            if d.scale != scale {
                Value::Decimal {
                    unscaled: Bytes::from(d.to_bytes()),
                    scale: d.scale,
                }
            } else {
                Value::Bytes(Bytes::from(d.to_bytes()))
            }
        }
        (Some(DATE), JObj::Date(ms)) => Value::Int32((ms / 86_400_000) as i32),
        (Some(TIME), JObj::Date(ms)) => Value::Int32(ms as i32),
        (Some(TIMESTAMP), JObj::Date(ms)) => Value::Int64(ms),
        (_, v) => crate::converter::values::from_jobj(schema, v),
    })
}

impl Transformation for MaskField {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        match side.schema(&r).cloned() {
            None => {
                let map = require_map(side.value(&r), PURPOSE)?;
                let mut updated = JavaHashMap::from_entries(map);
                for f in &self.fields {
                    let v = map_get(map, f).unwrap_or(&Value::Null);
                    updated.put(Value::String(f.clone()), self.masked(None, v)?);
                }
                side.set_value(&mut r, Value::Map(updated.into_entries()));
            }
            Some(schema) => {
                let value = require_struct(Some(&schema), side.value(&r), PURPOSE)?;
                let mut out = StructBuilder::new(value.schema.clone());
                for (i, f) in value.schema.fields.iter().enumerate() {
                    let orig = field_value(value, i, self.replace_null_with_default);
                    let v = if self.fields.contains(&f.name) {
                        self.masked(Some(&f.schema), &orig)?
                    } else {
                        orig
                    };
                    out.put_index(i, v)?;
                }
                let out = out.build();
                side.set_value(&mut r, Value::Struct(out));
            }
        }
        Ok(Some(r))
    }
}
