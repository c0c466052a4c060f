//! StringConverter and ByteArrayConverter.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use super::Converter;
use crate::data::{DataError, Schema, SchemaAndValue, SchemaType, Value};

fn optional_schema(t: SchemaType) -> Arc<Schema> {
    Arc::new(Schema::new(t).optional())
}

pub(crate) fn optional_string_schema() -> Arc<Schema> {
    static S: OnceLock<Arc<Schema>> = OnceLock::new();
    S.get_or_init(|| optional_schema(SchemaType::String))
        .clone()
}

pub(crate) fn optional_bytes_schema() -> Arc<Schema> {
    static S: OnceLock<Arc<Schema>> = OnceLock::new();
    S.get_or_init(|| optional_schema(SchemaType::Bytes)).clone()
}

/// Kafka Connect's StringConverter: `String.valueOf(value)` in UTF-8 (the only encoding
/// supported here; `converter.encoding` other than UTF-8 is refused).
pub struct StringConverter;

impl StringConverter {
    pub fn new(
        settings: &BTreeMap<String, String>,
        is_key: bool,
    ) -> Result<StringConverter, String> {
        let key = if is_key { "key" } else { "value" };
        for name in ["converter.encoding", &format!("converter.{key}.encoding")] {
            if let Some(enc) = settings.get(name) {
                let e = enc.to_ascii_uppercase().replace('-', "");
                if e != "UTF8" {
                    return Err(format!(
                        "Invalid value {enc} for configuration {name}: only UTF-8 is supported"
                    ));
                }
            }
        }
        Ok(StringConverter)
    }
}

impl Converter for StringConverter {
    fn from_connect(&self, _topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError> {
        Ok(match data.value {
            Value::Null => None,
            Value::String(s) => Some(Bytes::from(s.into_bytes())),
            other => Some(Bytes::from(display_java(&other).into_bytes())),
        })
    }

    fn to_connect(&self, _topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        match bytes {
            None => Ok(SchemaAndValue::new(
                Some(optional_string_schema()),
                Value::Null,
            )),
            Some(b) => {
                let s = String::from_utf8_lossy(b).into_owned();
                Ok(SchemaAndValue::new(
                    Some(optional_string_schema()),
                    Value::String(s),
                ))
            }
        }
    }
}

/// `String.valueOf` for the Java objects a Kafka Connect value can be.
pub fn display_java(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Boolean(b) => b.to_string(),
        Value::Int8(i) => i.to_string(),
        Value::Int16(i) => i.to_string(),
        Value::Int32(i) => i.to_string(),
        Value::Int64(i) => i.to_string(),
        Value::Float32(f) => {
            let mut out = Vec::new();
            super::jsonout::write_f32(&mut out, *f);
            String::from_utf8_lossy(&out).trim_matches('"').to_string()
        }
        Value::Float64(f) => {
            let mut out = Vec::new();
            super::jsonout::write_f64(&mut out, *f);
            String::from_utf8_lossy(&out).trim_matches('"').to_string()
        }
        Value::String(s) => s.clone(),
        Value::Bytes(b) => format!("{b:?}"),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(display_java).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}={}", display_java(k), display_java(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Struct(s) => {
            let parts: Vec<String> = s
                .schema
                .fields
                .iter()
                .zip(&s.values)
                .map(|(f, v)| format!("{}={}", f.name, display_java(v)))
                .collect();
            format!("Struct{{{}}}", parts.join(","))
        }
        Value::Decimal { unscaled, scale } => super::jsonout::big_decimal_string(unscaled, *scale),
    }
}

/// Kafka Connect's ByteArrayConverter: bytes pass through unchanged.
pub struct ByteArrayConverter;

impl Converter for ByteArrayConverter {
    fn from_connect(&self, _topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError> {
        if let Some(schema) = &data.schema {
            if schema.schema_type != SchemaType::Bytes {
                return Err(DataError::new(format!(
                    "Invalid schema type for ByteArrayConverter: {}",
                    schema.schema_type.connect_name()
                )));
            }
        }
        match data.value {
            Value::Null => Ok(None),
            Value::Bytes(b) => Ok(Some(b)),
            other => Err(DataError::new(format!(
                "ByteArrayConverter is not compatible with objects of type {}",
                other.type_name()
            ))),
        }
    }

    fn to_connect(&self, _topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        Ok(SchemaAndValue::new(
            Some(optional_bytes_schema()),
            match bytes {
                None => Value::Null,
                Some(b) => Value::Bytes(Bytes::copy_from_slice(b)),
            },
        ))
    }

    fn is_passthrough(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_round_trip() {
        let c = StringConverter;
        let b = c
            .from_connect(
                "t",
                SchemaAndValue::new(None, Value::String("héllo".into())),
            )
            .unwrap()
            .unwrap();
        assert_eq!(&b[..], "héllo".as_bytes());
        let back = c.to_connect("t", Some(&b)).unwrap();
        assert_eq!(back.value, Value::String("héllo".into()));
        assert_eq!(c.from_connect("t", SchemaAndValue::NULL).unwrap(), None);
        assert_eq!(
            c.from_connect("t", SchemaAndValue::new(None, Value::Int32(42)))
                .unwrap()
                .unwrap(),
            Bytes::from_static(b"42")
        );
    }

    #[test]
    fn byte_array_refuses_other_types() {
        let c = ByteArrayConverter;
        assert!(c
            .from_connect("t", SchemaAndValue::new(None, Value::String("x".into())))
            .is_err());
        let b = Bytes::from_static(b"\x00\x01");
        assert_eq!(
            c.from_connect("t", SchemaAndValue::new(None, Value::Bytes(b.clone())))
                .unwrap(),
            Some(b)
        );
    }
}
