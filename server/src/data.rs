//! The Kafka Connect data model, as the core sees it: schemas, values and records.
//!
//! This mirrors `org.apache.kafka.connect.data`. Logical values are kept in their physical
//! form (a Decimal is its unscaled two's-complement bytes, a Date an `Int32` of days, a
//! Timestamp an `Int64` of milliseconds), which is what converters and transforms need.

use std::sync::Arc;

use bytes::Bytes;

pub const DECIMAL: &str = "org.apache.kafka.connect.data.Decimal";
pub const DECIMAL_SCALE: &str = "scale";
pub const DATE: &str = "org.apache.kafka.connect.data.Date";
pub const TIME: &str = "org.apache.kafka.connect.data.Time";
pub const TIMESTAMP: &str = "org.apache.kafka.connect.data.Timestamp";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaType {
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
    Bytes,
    Array,
    Map,
    Struct,
}

impl SchemaType {
    /// Whether `v` is a value of this type (its Java class, in Kafka Connect's terms).
    pub fn holds(self, v: &Value) -> bool {
        matches!(
            (self, v),
            (SchemaType::Int8, Value::Int8(_))
                | (SchemaType::Int16, Value::Int16(_))
                | (SchemaType::Int32, Value::Int32(_))
                | (SchemaType::Int64, Value::Int64(_))
                | (SchemaType::Float32, Value::Float32(_))
                | (SchemaType::Float64, Value::Float64(_))
                | (SchemaType::Boolean, Value::Boolean(_))
                | (SchemaType::String, Value::String(_))
                | (SchemaType::Bytes, Value::Bytes(_))
                | (SchemaType::Array, Value::Array(_))
                | (SchemaType::Map, Value::Map(_))
                | (SchemaType::Struct, Value::Struct(_))
        )
    }

    /// The name Kafka Connect's JsonConverter uses in schemas.
    pub fn json_name(self) -> &'static str {
        match self {
            SchemaType::Int8 => "int8",
            SchemaType::Int16 => "int16",
            SchemaType::Int32 => "int32",
            SchemaType::Int64 => "int64",
            SchemaType::Float32 => "float",
            SchemaType::Float64 => "double",
            SchemaType::Boolean => "boolean",
            SchemaType::String => "string",
            SchemaType::Bytes => "bytes",
            SchemaType::Array => "array",
            SchemaType::Map => "map",
            SchemaType::Struct => "struct",
        }
    }

    pub fn from_json_name(name: &str) -> Option<SchemaType> {
        Some(match name {
            "int8" => SchemaType::Int8,
            "int16" => SchemaType::Int16,
            "int32" => SchemaType::Int32,
            "int64" => SchemaType::Int64,
            "float" => SchemaType::Float32,
            "double" => SchemaType::Float64,
            "boolean" => SchemaType::Boolean,
            "string" => SchemaType::String,
            "bytes" => SchemaType::Bytes,
            "array" => SchemaType::Array,
            "map" => SchemaType::Map,
            "struct" => SchemaType::Struct,
            _ => return None,
        })
    }

    /// Kafka Connect's enum name (`Schema.Type.name()`), used in error messages.
    pub fn connect_name(self) -> &'static str {
        match self {
            SchemaType::Int8 => "INT8",
            SchemaType::Int16 => "INT16",
            SchemaType::Int32 => "INT32",
            SchemaType::Int64 => "INT64",
            SchemaType::Float32 => "FLOAT32",
            SchemaType::Float64 => "FLOAT64",
            SchemaType::Boolean => "BOOLEAN",
            SchemaType::String => "STRING",
            SchemaType::Bytes => "BYTES",
            SchemaType::Array => "ARRAY",
            SchemaType::Map => "MAP",
            SchemaType::Struct => "STRUCT",
        }
    }
}

/// A Kafka Connect schema. Shared with `Arc`; equality is structural, as in Kafka Connect.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub schema_type: SchemaType,
    pub optional: bool,
    pub default_value: Option<Value>,
    pub name: Option<String>,
    pub version: Option<i32>,
    pub doc: Option<String>,
    /// In insertion order (Kafka Connect keeps a LinkedHashMap); `None` when never set.
    pub parameters: Option<Vec<(String, String)>>,
    /// MAP keys.
    pub key_schema: Option<Arc<Schema>>,
    /// MAP values and ARRAY elements.
    pub value_schema: Option<Arc<Schema>>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub schema: Arc<Schema>,
}

impl Schema {
    pub fn new(schema_type: SchemaType) -> Schema {
        Schema {
            schema_type,
            optional: false,
            default_value: None,
            name: None,
            version: None,
            doc: None,
            parameters: None,
            key_schema: None,
            value_schema: None,
            fields: Vec::new(),
        }
    }

    pub fn optional(mut self) -> Schema {
        self.optional = true;
        self
    }

    pub fn named(mut self, name: &str) -> Schema {
        self.name = Some(name.to_string());
        self
    }

    pub fn parameter(mut self, key: &str, value: &str) -> Schema {
        self.parameters
            .get_or_insert_with(Vec::new)
            .push((key.to_string(), value.to_string()));
        self
    }

    pub fn field(mut self, name: &str, schema: Schema) -> Schema {
        self.fields.push(Field {
            name: name.to_string(),
            schema: Arc::new(schema),
        });
        self
    }

    pub fn array(items: Schema) -> Schema {
        let mut s = Schema::new(SchemaType::Array);
        s.value_schema = Some(Arc::new(items));
        s
    }

    pub fn map(keys: Schema, values: Schema) -> Schema {
        let mut s = Schema::new(SchemaType::Map);
        s.key_schema = Some(Arc::new(keys));
        s.value_schema = Some(Arc::new(values));
        s
    }

    /// The logical schemas, as Kafka Connect's builders make them (version 1).
    pub fn decimal(scale: i32) -> Schema {
        Schema::new(SchemaType::Bytes)
            .named(DECIMAL)
            .parameter(DECIMAL_SCALE, &scale.to_string())
            .with_version(1)
    }

    pub fn date() -> Schema {
        Schema::new(SchemaType::Int32).named(DATE).with_version(1)
    }

    pub fn time() -> Schema {
        Schema::new(SchemaType::Int32).named(TIME).with_version(1)
    }

    pub fn timestamp() -> Schema {
        Schema::new(SchemaType::Int64)
            .named(TIMESTAMP)
            .with_version(1)
    }

    pub fn with_version(mut self, version: i32) -> Schema {
        self.version = Some(version);
        self
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.parameters
            .as_ref()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The scale of a Decimal schema.
    pub fn decimal_scale(&self) -> Result<i32, DataError> {
        let raw = self
            .param(DECIMAL_SCALE)
            .ok_or_else(|| DataError::new("Invalid Decimal schema: scale parameter not found."))?;
        raw.parse().map_err(|_| {
            DataError::new(format!(
                "Invalid scale parameter found in Decimal schema: {raw}"
            ))
        })
    }

    pub fn is_logical(&self, name: &str) -> bool {
        self.name.as_deref() == Some(name)
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// Checks that `value` fits this schema (ConnectSchema.validateValue).
    pub fn validate_value(&self, value: &Value) -> Result<(), DataError> {
        if matches!(value, Value::Null) {
            if self.optional || self.default_value.is_some() {
                return Ok(());
            }
            return Err(DataError::new(format!(
                "Invalid value: null used for required field: \"{}\", schema type: {}",
                self.name.as_deref().unwrap_or("null"),
                self.schema_type.connect_name()
            )));
        }
        if !self.schema_type.holds(value) {
            return Err(DataError::new(format!(
                "Invalid Java object for schema with type {}: {}",
                self.schema_type.connect_name(),
                value.type_name()
            )));
        }
        match value {
            Value::Array(items) => {
                if let Some(vs) = &self.value_schema {
                    for item in items {
                        vs.validate_value(item)?;
                    }
                }
            }
            Value::Map(entries) => {
                if let (Some(ks), Some(vs)) = (&self.key_schema, &self.value_schema) {
                    for (k, v) in entries {
                        ks.validate_value(k)?;
                        vs.validate_value(v)?;
                    }
                }
            }
            Value::Struct(s) => {
                if s.schema.as_ref() != self {
                    return Err(DataError::new("Struct schemas do not match."));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A value. With a schema the variant matches the schema's type; schemaless values carry
/// their own type, like the Java objects of schemaless Kafka Connect data.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Boolean(bool),
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Float32(f32),
    Float64(f64),
    String(String),
    Bytes(Bytes),
    Array(Vec<Value>),
    /// Entries in order.
    Map(Vec<(Value, Value)>),
    Struct(Struct),
    /// A schemaless decimal (java.math.BigDecimal): unscaled big-endian two's complement.
    Decimal {
        unscaled: Bytes,
        scale: i32,
    },
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Boolean(_) => "java.lang.Boolean",
            Value::Int8(_) => "java.lang.Byte",
            Value::Int16(_) => "java.lang.Short",
            Value::Int32(_) => "java.lang.Integer",
            Value::Int64(_) => "java.lang.Long",
            Value::Float32(_) => "java.lang.Float",
            Value::Float64(_) => "java.lang.Double",
            Value::String(_) => "java.lang.String",
            Value::Bytes(_) => "[B",
            Value::Array(_) => "java.util.ArrayList",
            Value::Map(_) => "java.util.HashMap",
            Value::Struct(_) => "org.apache.kafka.connect.data.Struct",
            Value::Decimal { .. } => "java.math.BigDecimal",
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A struct: its schema and one value per field, in field order.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub schema: Arc<Schema>,
    pub values: Vec<Value>,
}

impl Struct {
    pub fn new(schema: Arc<Schema>) -> Struct {
        let values = vec![Value::Null; schema.fields.len()];
        Struct { schema, values }
    }

    pub fn put(mut self, field: &str, value: Value) -> Struct {
        if let Some(i) = self.schema.field_index(field) {
            self.values[i] = value;
        }
        self
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.schema.field_index(field).map(|i| &self.values[i])
    }
}

/// A schema and a value, as converters produce and consume them.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaAndValue {
    pub schema: Option<Arc<Schema>>,
    pub value: Value,
}

impl SchemaAndValue {
    pub const NULL: SchemaAndValue = SchemaAndValue {
        schema: None,
        value: Value::Null,
    };

    pub fn new(schema: Option<Arc<Schema>>, value: Value) -> SchemaAndValue {
        SchemaAndValue { schema, value }
    }
}

/// A data error (Kafka Connect's DataException).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct DataError {
    pub message: String,
    /// Not the data's fault (a schema registry that cannot be reached): worth retrying
    /// within `errors.retry.timeout`, like Kafka Connect's RetriableException.
    pub retriable: bool,
}

impl DataError {
    pub fn new(message: impl Into<String>) -> DataError {
        DataError {
            message: message.into(),
            retriable: false,
        }
    }

    pub fn retriable(message: impl Into<String>) -> DataError {
        DataError {
            message: message.into(),
            retriable: true,
        }
    }
}

/// Minimal two's-complement big-endian encoding of `bytes` (what Java's
/// `BigInteger.toByteArray()` gives), so Decimal bytes match Kafka Connect's.
pub fn minimal_twos_complement(bytes: &[u8]) -> &[u8] {
    if bytes.is_empty() {
        return bytes;
    }
    let mut start = 0;
    while start + 1 < bytes.len() {
        let (b, next) = (bytes[start], bytes[start + 1]);
        let redundant = (b == 0x00 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    &bytes[start..]
}

/// A Kafka record header: key plus a schema and value (Kafka Connect's Header).
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub key: String,
    pub schema: Option<Arc<Schema>>,
    pub value: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twos_complement_is_minimal() {
        assert_eq!(minimal_twos_complement(&[0, 0, 1]), &[1]);
        assert_eq!(minimal_twos_complement(&[0, 0x80]), &[0, 0x80]);
        assert_eq!(minimal_twos_complement(&[0xff, 0xff, 0x80]), &[0x80]);
        assert_eq!(minimal_twos_complement(&[0xff, 0x7f]), &[0xff, 0x7f]);
        assert_eq!(minimal_twos_complement(&[0]), &[0]);
    }

    #[test]
    fn validates_types() {
        let s = Schema::new(SchemaType::Int32);
        assert!(s.validate_value(&Value::Int32(1)).is_ok());
        assert!(s.validate_value(&Value::Int64(1)).is_err());
        assert!(s.validate_value(&Value::Null).is_err());
        assert!(Schema::new(SchemaType::Int32)
            .optional()
            .validate_value(&Value::Null)
            .is_ok());
    }
}
