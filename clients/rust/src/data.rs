//! Kafka Connect's data model: schemas, values, structs and the logical types.
//!
//! Logical values keep their physical form, as on the wire: a Timestamp is an `Int64` of
//! milliseconds, a Date an `Int32` of days, a Decimal the unscaled big-endian bytes.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use polyconnect_proto::v1 as pb;

use crate::error::{Error, Result};

pub use pb::SchemaType;

pub const DECIMAL: &str = "org.apache.kafka.connect.data.Decimal";
pub const DATE: &str = "org.apache.kafka.connect.data.Date";
pub const TIME: &str = "org.apache.kafka.connect.data.Time";
pub const TIMESTAMP: &str = "org.apache.kafka.connect.data.Timestamp";

/// A schema. Build it once and share the `Arc`: the SDK sends each schema once per stream
/// and references it afterwards (protocol rule 12), keyed by the `Arc`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub ty: SchemaType,
    pub optional: bool,
    pub name: Option<String>,
    pub version: Option<i32>,
    pub doc: Option<String>,
    /// In order (Kafka Connect keeps parameter order).
    pub parameters: Vec<(String, String)>,
    pub default: Option<Value>,
    pub key_schema: Option<Arc<Schema>>,
    pub value_schema: Option<Arc<Schema>>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub schema: Arc<Schema>,
}

impl Schema {
    pub fn new(ty: SchemaType) -> Schema {
        Schema {
            ty,
            optional: false,
            name: None,
            version: None,
            doc: None,
            parameters: vec![],
            default: None,
            key_schema: None,
            value_schema: None,
            fields: vec![],
        }
    }
    pub fn int8() -> Schema {
        Schema::new(SchemaType::Int8)
    }
    pub fn int16() -> Schema {
        Schema::new(SchemaType::Int16)
    }
    pub fn int32() -> Schema {
        Schema::new(SchemaType::Int32)
    }
    pub fn int64() -> Schema {
        Schema::new(SchemaType::Int64)
    }
    pub fn float32() -> Schema {
        Schema::new(SchemaType::Float32)
    }
    pub fn float64() -> Schema {
        Schema::new(SchemaType::Float64)
    }
    pub fn boolean() -> Schema {
        Schema::new(SchemaType::Boolean)
    }
    pub fn string() -> Schema {
        Schema::new(SchemaType::String)
    }
    pub fn bytes() -> Schema {
        Schema::new(SchemaType::Bytes)
    }
    pub fn array(items: Schema) -> Schema {
        Schema {
            value_schema: Some(Arc::new(items)),
            ..Schema::new(SchemaType::Array)
        }
    }
    pub fn map(keys: Schema, values: Schema) -> Schema {
        Schema {
            key_schema: Some(Arc::new(keys)),
            value_schema: Some(Arc::new(values)),
            ..Schema::new(SchemaType::Map)
        }
    }
    /// A struct schema; add fields with [`Schema::field`].
    pub fn structure(name: &str) -> Schema {
        Schema::new(SchemaType::Struct).named(name)
    }
    /// Milliseconds since the epoch (`Value::Int64`).
    pub fn timestamp() -> Schema {
        Schema::int64().named(TIMESTAMP).versioned(1)
    }
    /// Days since the epoch (`Value::Int32`).
    pub fn date() -> Schema {
        Schema::int32().named(DATE).versioned(1)
    }
    /// Milliseconds since midnight (`Value::Int32`).
    pub fn time() -> Schema {
        Schema::int32().named(TIME).versioned(1)
    }
    /// An exact decimal (`Value::Bytes` of the unscaled two's-complement big-endian value).
    pub fn decimal(scale: i32) -> Schema {
        Schema::bytes()
            .named(DECIMAL)
            .versioned(1)
            .param("scale", &scale.to_string())
    }

    pub fn optional(mut self) -> Schema {
        self.optional = true;
        self
    }
    pub fn named(mut self, name: &str) -> Schema {
        self.name = Some(name.into());
        self
    }
    pub fn versioned(mut self, v: i32) -> Schema {
        self.version = Some(v);
        self
    }
    pub fn doc(mut self, doc: &str) -> Schema {
        self.doc = Some(doc.into());
        self
    }
    pub fn param(mut self, k: &str, v: &str) -> Schema {
        self.parameters.push((k.into(), v.into()));
        self
    }
    pub fn default_value(mut self, v: Value) -> Schema {
        self.default = Some(v);
        self
    }
    pub fn field(mut self, name: &str, schema: Schema) -> Schema {
        self.fields.push(Field {
            name: name.into(),
            schema: Arc::new(schema),
        });
        self
    }

    /// The index of a struct field.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// A value. With a schema, the variant matches the schema's physical type; without one,
/// it is the value's own type (schemaless data).
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
    /// A schemaless decimal: unscaled two's-complement big-endian bytes and a scale.
    Decimal {
        unscaled: Bytes,
        scale: i32,
    },
}

impl Value {
    /// A map with string keys, e.g. a source partition or offset.
    pub fn map<K: Into<String>, I: IntoIterator<Item = (K, Value)>>(entries: I) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Value::String(k.into()), v))
                .collect(),
        )
    }

    /// The value under a string key of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m
                .iter()
                .find(|(k, _)| matches!(k, Value::String(s) if s == key))
                .map(|(_, v)| v),
            Value::Struct(s) => s.get(key),
            _ => None,
        }
    }

    /// An integer of any width.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int8(v) => Some(v.into()),
            Value::Int16(v) => Some(v.into()),
            Value::Int32(v) => Some(v.into()),
            Value::Int64(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

macro_rules! from {
    ($t:ty, $v:ident) => {
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$v(x.into())
            }
        }
    };
}
from!(bool, Boolean);
from!(i8, Int8);
from!(i16, Int16);
from!(i32, Int32);
from!(i64, Int64);
from!(f32, Float32);
from!(f64, Float64);
from!(String, String);
from!(&str, String);
from!(Bytes, Bytes);
from!(Vec<u8>, Bytes);
from!(Struct, Struct);

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(x: Option<T>) -> Value {
        x.map(Into::into).unwrap_or(Value::Null)
    }
}

/// A struct: a schema and one value per field.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub schema: Arc<Schema>,
    pub values: Vec<Value>,
}

impl Struct {
    /// A struct with every field null; set them with [`Struct::put`].
    pub fn new(schema: Arc<Schema>) -> Struct {
        let values = vec![Value::Null; schema.fields.len()];
        Struct { schema, values }
    }

    /// Sets a field. Panics on a field the schema does not have (a programming error).
    pub fn put(mut self, field: &str, v: impl Into<Value>) -> Struct {
        let i = self
            .schema
            .field_index(field)
            .unwrap_or_else(|| panic!("struct {:?} has no field {field}", self.schema.name));
        self.values[i] = v.into();
        self
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.schema.field_index(field).map(|i| &self.values[i])
    }
}

// ------------------------------------------------------------------------ wire encoding

/// Schemas sent on one stream (protocol rule 12): the first use of an `Arc` sends the
/// definition with an id, later uses send only the reference.
#[derive(Default)]
pub(crate) struct SchemaRefsOut {
    pub enabled: bool,
    sent: HashMap<usize, (Arc<Schema>, u32)>,
}

impl SchemaRefsOut {
    pub fn new(enabled: bool) -> SchemaRefsOut {
        SchemaRefsOut {
            enabled,
            sent: HashMap::new(),
        }
    }

    pub fn encode(&mut self, s: &Arc<Schema>) -> pb::Schema {
        if !self.enabled {
            return schema_to_proto(s, self);
        }
        let key = Arc::as_ptr(s) as usize;
        if let Some((_, id)) = self.sent.get(&key) {
            return pb::Schema {
                r#ref: *id,
                ..Default::default()
            };
        }
        let id = self.sent.len() as u32 + 1;
        // Holding the Arc keeps its address from being reused by another schema.
        self.sent.insert(key, (s.clone(), id));
        let mut p = schema_to_proto(s, self);
        p.id = id;
        p
    }
}

fn schema_to_proto(s: &Schema, refs: &mut SchemaRefsOut) -> pb::Schema {
    pb::Schema {
        r#type: s.ty as i32,
        optional: s.optional,
        default_value: s.default.as_ref().map(value_to_proto),
        name: s.name.clone().unwrap_or_default(),
        version: s.version,
        doc: s.doc.clone().unwrap_or_default(),
        parameters: s.parameters.iter().cloned().collect(),
        parameter_order: s.parameters.iter().map(|(k, _)| k.clone()).collect(),
        key_schema: s.key_schema.as_ref().map(|k| Box::new(refs.encode(k))),
        value_schema: s.value_schema.as_ref().map(|v| Box::new(refs.encode(v))),
        fields: s
            .fields
            .iter()
            .map(|f| pb::Field {
                name: f.name.clone(),
                schema: Some(refs.encode(&f.schema)),
            })
            .collect(),
        id: 0,
        r#ref: 0,
    }
}

pub(crate) fn value_to_proto(v: &Value) -> pb::Value {
    use pb::value::Kind;
    let kind = match v {
        Value::Null => Kind::Null(pb::NullValue::NullValue as i32),
        Value::Boolean(b) => Kind::Boolean(*b),
        Value::Int8(i) => Kind::Int8((*i).into()),
        Value::Int16(i) => Kind::Int16((*i).into()),
        Value::Int32(i) => Kind::Int32(*i),
        Value::Int64(i) => Kind::Int64(*i),
        Value::Float32(f) => Kind::Float32(*f),
        Value::Float64(f) => Kind::Float64(*f),
        Value::String(s) => Kind::String(s.clone()),
        Value::Bytes(b) => Kind::Bytes(b.clone()),
        Value::Array(a) => Kind::Array(pb::Array {
            items: a.iter().map(value_to_proto).collect(),
        }),
        Value::Map(m) => Kind::Map(pb::Map {
            entries: m
                .iter()
                .map(|(k, v)| pb::MapEntry {
                    key: Some(value_to_proto(k)),
                    value: Some(value_to_proto(v)),
                })
                .collect(),
        }),
        Value::Struct(s) => Kind::Struct(pb::Struct {
            fields: s.values.iter().map(value_to_proto).collect(),
        }),
        Value::Decimal { unscaled, scale } => Kind::Decimal(pb::Decimal {
            unscaled: unscaled.clone(),
            scale: *scale,
        }),
    };
    pb::Value { kind: Some(kind) }
}

// ------------------------------------------------------------------------ wire decoding

/// Schemas defined by the core on one stream.
#[derive(Default)]
pub(crate) struct SchemaRefsIn {
    defs: HashMap<u32, Arc<Schema>>,
}

impl SchemaRefsIn {
    pub fn decode(&mut self, p: pb::Schema) -> Result<Arc<Schema>> {
        if p.r#ref != 0 {
            return self.defs.get(&p.r#ref).cloned().ok_or_else(|| {
                Error::fatal(format!("schema reference {} was never defined", p.r#ref))
            });
        }
        let id = p.id;
        let ty = SchemaType::try_from(p.r#type)
            .map_err(|_| Error::fatal(format!("unknown schema type {}", p.r#type)))?;
        let key_schema = p.key_schema.map(|k| self.decode(*k)).transpose()?;
        let value_schema = p.value_schema.map(|k| self.decode(*k)).transpose()?;
        let mut fields = Vec::with_capacity(p.fields.len());
        for f in p.fields {
            let schema = self.decode(
                f.schema
                    .ok_or_else(|| Error::fatal(format!("field {} has no schema", f.name)))?,
            )?;
            fields.push(Field {
                name: f.name,
                schema,
            });
        }
        let mut parameters: Vec<(String, String)> = Vec::new();
        let mut rest = p.parameters;
        for k in p.parameter_order {
            if let Some(v) = rest.remove(&k) {
                parameters.push((k, v));
            }
        }
        let mut tail: Vec<_> = rest.into_iter().collect();
        tail.sort();
        parameters.extend(tail);
        let mut s = Schema {
            ty,
            optional: p.optional,
            name: Some(p.name).filter(|n| !n.is_empty()),
            version: p.version,
            doc: Some(p.doc).filter(|d| !d.is_empty()),
            parameters,
            default: None,
            key_schema,
            value_schema,
            fields,
        };
        if let Some(d) = p.default_value {
            s.default = Some(value_from_proto(d, Some(&Arc::new(s.clone())))?);
        }
        let s = Arc::new(s);
        if id != 0 {
            self.defs.insert(id, s.clone());
        }
        Ok(s)
    }
}

pub(crate) fn value_from_proto(v: pb::Value, schema: Option<&Arc<Schema>>) -> Result<Value> {
    use pb::value::Kind;
    let Some(kind) = v.kind else {
        return Ok(Value::Null);
    };
    Ok(match kind {
        Kind::Null(_) => Value::Null,
        Kind::Boolean(b) => Value::Boolean(b),
        Kind::Int8(i) => Value::Int8(
            i8::try_from(i).map_err(|_| Error::fatal(format!("{i} is out of range for INT8")))?,
        ),
        Kind::Int16(i) => Value::Int16(
            i16::try_from(i).map_err(|_| Error::fatal(format!("{i} is out of range for INT16")))?,
        ),
        Kind::Int32(i) => Value::Int32(i),
        Kind::Int64(i) => Value::Int64(i),
        Kind::Float32(f) => Value::Float32(f),
        Kind::Float64(f) => Value::Float64(f),
        Kind::String(s) => Value::String(s),
        Kind::Bytes(b) => Value::Bytes(b),
        Kind::Array(a) => {
            let items = schema.and_then(|s| s.value_schema.as_ref());
            Value::Array(
                a.items
                    .into_iter()
                    .map(|x| value_from_proto(x, items))
                    .collect::<Result<_>>()?,
            )
        }
        Kind::Map(m) => {
            let ks = schema.and_then(|s| s.key_schema.as_ref());
            let vs = schema.and_then(|s| s.value_schema.as_ref());
            let mut out = Vec::with_capacity(m.entries.len());
            for e in m.entries {
                let k = value_from_proto(e.key.unwrap_or_default(), ks)?;
                let v = value_from_proto(e.value.unwrap_or_default(), vs)?;
                out.push((k, v));
            }
            Value::Map(out)
        }
        Kind::Struct(st) => {
            let schema = schema
                .ok_or_else(|| Error::fatal("a struct value without a schema"))?
                .clone();
            if st.fields.len() != schema.fields.len() {
                return Err(Error::fatal(format!(
                    "struct has {} values for {} fields",
                    st.fields.len(),
                    schema.fields.len()
                )));
            }
            let values = st
                .fields
                .into_iter()
                .zip(&schema.fields)
                .map(|(v, f)| value_from_proto(v, Some(&f.schema)))
                .collect::<Result<_>>()?;
            Value::Struct(Struct { schema, values })
        }
        Kind::Decimal(d) => Value::Decimal {
            unscaled: d.unscaled,
            scale: d.scale,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_sent_once_then_referenced() {
        let s = Arc::new(
            Schema::structure("User")
                .field("id", Schema::int64())
                .field("at", Schema::timestamp()),
        );
        let mut out = SchemaRefsOut::new(true);
        let first = out.encode(&s);
        assert_ne!(first.id, 0);
        let second = out.encode(&s);
        assert_eq!(second.r#ref, first.id);
        assert!(second.fields.is_empty());
        let mut inn = SchemaRefsIn::default();
        let a = inn.decode(first).unwrap();
        let b = inn.decode(second).unwrap();
        assert_eq!(*a, *s);
        assert!(Arc::ptr_eq(&a, &b));
        let v = Value::Struct(
            Struct::new(s.clone())
                .put("id", 7i64)
                .put("at", 1_700_000_000_000i64),
        );
        let back = value_from_proto(value_to_proto(&v), Some(&a)).unwrap();
        assert_eq!(back, v);
    }
}
