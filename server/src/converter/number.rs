//! Kafka Connect's number converters (`org.apache.kafka.connect.converters.ShortConverter`,
//! `IntegerConverter`, `LongConverter`, `FloatConverter`, `DoubleConverter`: Kafka's
//! big-endian serializers) and `BooleanConverter` (one byte, 0 or 1). Each is also a header
//! converter, as in Kafka Connect.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use super::header::HeaderConverter;
use super::Converter;
use crate::data::{
    DataError, Schema, SchemaAndValue, SchemaType, Value, DATE, DECIMAL, TIME, TIMESTAMP,
};

/// Which number a [`NumberConverter`] handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Short,
    Integer,
    Long,
    Float,
    Double,
}

impl NumberKind {
    /// The name Kafka Connect uses in its messages.
    fn type_name(self) -> &'static str {
        match self {
            NumberKind::Short => "short",
            NumberKind::Integer => "integer",
            NumberKind::Long => "long",
            NumberKind::Float => "float",
            NumberKind::Double => "double",
        }
    }

    fn schema_type(self) -> SchemaType {
        match self {
            NumberKind::Short => SchemaType::Int16,
            NumberKind::Integer => SchemaType::Int32,
            NumberKind::Long => SchemaType::Int64,
            NumberKind::Float => SchemaType::Float32,
            NumberKind::Double => SchemaType::Float64,
        }
    }

    fn size(self) -> usize {
        match self {
            NumberKind::Short => 2,
            NumberKind::Integer | NumberKind::Float => 4,
            NumberKind::Long | NumberKind::Double => 8,
        }
    }
}

fn optional_schema(t: SchemaType) -> Arc<Schema> {
    static CACHE: OnceLock<Vec<(SchemaType, Arc<Schema>)>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        [
            SchemaType::Int16,
            SchemaType::Int32,
            SchemaType::Int64,
            SchemaType::Float32,
            SchemaType::Float64,
            SchemaType::Boolean,
        ]
        .into_iter()
        .map(|t| (t, Arc::new(Schema::new(t).optional())))
        .collect()
    });
    all.iter()
        .find(|(k, _)| *k == t)
        .map(|(_, s)| s.clone())
        .unwrap_or_else(|| Arc::new(Schema::new(t).optional()))
}

/// The Java class Kafka Connect would hold for this value (logical types by schema).
pub(crate) fn java_class(schema: Option<&Schema>, v: &Value) -> &'static str {
    match schema.and_then(|s| s.name.as_deref()) {
        Some(DATE) | Some(TIME) | Some(TIMESTAMP)
            if matches!(v, Value::Int32(_) | Value::Int64(_)) =>
        {
            "java.util.Date"
        }
        Some(DECIMAL) if matches!(v, Value::Bytes(_)) => "java.math.BigDecimal",
        _ => v.type_name(),
    }
}

/// Short/Integer/Long/Float/DoubleConverter.
pub struct NumberConverter {
    kind: NumberKind,
}

impl NumberConverter {
    pub fn new(kind: NumberKind) -> NumberConverter {
        NumberConverter { kind }
    }

    fn serialize(
        &self,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<Option<Bytes>, DataError> {
        let logical = schema
            .and_then(|s| s.name.as_deref())
            .map(|n| [DATE, TIME, TIMESTAMP, DECIMAL].contains(&n))
            .unwrap_or(false);
        let bytes: Vec<u8> = match (self.kind, value) {
            (_, Value::Null) => return Ok(None),
            (NumberKind::Short, Value::Int16(v)) if !logical => v.to_be_bytes().to_vec(),
            (NumberKind::Integer, Value::Int32(v)) if !logical => v.to_be_bytes().to_vec(),
            (NumberKind::Long, Value::Int64(v)) if !logical => v.to_be_bytes().to_vec(),
            (NumberKind::Float, Value::Float32(v)) => v.to_bits().to_be_bytes().to_vec(),
            (NumberKind::Double, Value::Float64(v)) => v.to_bits().to_be_bytes().to_vec(),
            (_, other) => {
                return Err(DataError::new(format!(
                    "Failed to serialize to {} (was class {}): ",
                    self.kind.type_name(),
                    java_class(schema, other)
                )))
            }
        };
        Ok(Some(Bytes::from(bytes)))
    }

    fn deserialize(&self, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        let schema = optional_schema(self.kind.schema_type());
        let Some(b) = bytes else {
            return Ok(SchemaAndValue::new(Some(schema), Value::Null));
        };
        if b.len() != self.kind.size() {
            return Err(DataError::new(format!(
                "Failed to deserialize {}: ",
                self.kind.type_name()
            )));
        }
        let value = match self.kind {
            NumberKind::Short => Value::Int16(i16::from_be_bytes([b[0], b[1]])),
            NumberKind::Integer => Value::Int32(i32::from_be_bytes([b[0], b[1], b[2], b[3]])),
            NumberKind::Long => Value::Int64(i64::from_be_bytes(b.try_into().unwrap_or([0; 8]))),
            NumberKind::Float => {
                Value::Float32(f32::from_bits(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
            }
            NumberKind::Double => Value::Float64(f64::from_bits(u64::from_be_bytes(
                b.try_into().unwrap_or([0; 8]),
            ))),
        };
        Ok(SchemaAndValue::new(Some(schema), value))
    }
}

impl Converter for NumberConverter {
    fn from_connect(&self, _topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError> {
        self.serialize(data.schema.as_deref(), &data.value)
    }

    fn to_connect(&self, _topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        self.deserialize(bytes)
    }
}

impl HeaderConverter for NumberConverter {
    fn from_connect_header(
        &self,
        _topic: &str,
        _key: &str,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<Option<Bytes>, DataError> {
        self.serialize(schema, value)
    }

    fn to_connect_header(
        &self,
        _topic: &str,
        _key: &str,
        bytes: Option<&[u8]>,
    ) -> Result<SchemaAndValue, DataError> {
        self.deserialize(bytes)
    }
}

/// Kafka Connect's BooleanConverter.
pub struct BooleanConverter;

impl BooleanConverter {
    fn serialize(
        &self,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<Option<Bytes>, DataError> {
        if let Some(s) = schema {
            if s.schema_type != SchemaType::Boolean {
                return Err(DataError::new(format!(
                    "Invalid schema type for BooleanConverter: {}",
                    s.schema_type.connect_name()
                )));
            }
        }
        match value {
            Value::Null => Ok(None),
            Value::Boolean(b) => Ok(Some(Bytes::from(vec![u8::from(*b)]))),
            other => Err(DataError::new(format!(
                "BooleanConverter is not compatible with objects of type class {}",
                java_class(schema, other)
            ))),
        }
    }

    fn deserialize(&self, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        let schema = optional_schema(SchemaType::Boolean);
        let value = match bytes {
            None => Value::Null,
            Some([0]) => Value::Boolean(false),
            Some([1]) => Value::Boolean(true),
            Some(_) => return Err(DataError::new("Failed to deserialize boolean: ")),
        };
        Ok(SchemaAndValue::new(Some(schema), value))
    }
}

impl Converter for BooleanConverter {
    fn from_connect(&self, _topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError> {
        self.serialize(data.schema.as_deref(), &data.value)
    }

    fn to_connect(&self, _topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        self.deserialize(bytes)
    }
}

impl HeaderConverter for BooleanConverter {
    fn from_connect_header(
        &self,
        _topic: &str,
        _key: &str,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<Option<Bytes>, DataError> {
        self.serialize(schema, value)
    }

    fn to_connect_header(
        &self,
        _topic: &str,
        _key: &str,
        bytes: Option<&[u8]>,
    ) -> Result<SchemaAndValue, DataError> {
        self.deserialize(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_endian_round_trip() {
        let c = NumberConverter::new(NumberKind::Integer);
        let b = c
            .from_connect("t", SchemaAndValue::new(None, Value::Int32(258)))
            .unwrap()
            .unwrap();
        assert_eq!(&b[..], &[0, 0, 1, 2]);
        assert_eq!(
            c.to_connect("t", Some(&b)).unwrap().value,
            Value::Int32(258)
        );
        assert!(c
            .from_connect("t", SchemaAndValue::new(None, Value::Int64(1)))
            .is_err());
        assert!(c.to_connect("t", Some(&[1, 2])).is_err());
        let d = NumberConverter::new(NumberKind::Double);
        let b = d
            .from_connect("t", SchemaAndValue::new(None, Value::Float64(1.5)))
            .unwrap()
            .unwrap();
        assert_eq!(&b[..], &1.5f64.to_bits().to_be_bytes());
    }

    #[test]
    fn booleans() {
        let c = BooleanConverter;
        assert_eq!(
            &c.from_connect("t", SchemaAndValue::new(None, Value::Boolean(true)))
                .unwrap()
                .unwrap()[..],
            &[1]
        );
        assert!(c.to_connect("t", Some(&[2])).is_err());
    }
}
