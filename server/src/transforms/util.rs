//! What the transforms share: Kafka Connect's `Requirements`, `Struct` get/put with its
//! validation (`ConnectSchema.validateValue`), `SchemaBuilder` checks, `SchemaUtil`, the
//! key/value side of a record, and a per-transform schema cache.

use std::sync::{Arc, Mutex};

use super::record::ConnectRecord;
use super::TransformError;
use crate::converter::values::JObj;
use crate::data::{Schema, SchemaType, Struct, Value, DATE, DECIMAL, TIME, TIMESTAMP};

pub const DATA_EXCEPTION: &str = "org.apache.kafka.connect.errors.DataException";
pub const SCHEMA_BUILDER_EXCEPTION: &str = "org.apache.kafka.connect.errors.SchemaBuilderException";
pub const CONNECT_EXCEPTION: &str = "org.apache.kafka.connect.errors.ConnectException";
pub const ILLEGAL_ARGUMENT: &str = "java.lang.IllegalArgumentException";
pub const INDEX_OUT_OF_BOUNDS: &str = "java.lang.IndexOutOfBoundsException";
pub const NULL_POINTER: &str = "java.lang.NullPointerException";
pub const CLASS_CAST: &str = "java.lang.ClassCastException";

pub fn data_err(message: impl Into<String>) -> TransformError {
    TransformError::new(DATA_EXCEPTION, message)
}

pub fn builder_err(message: impl Into<String>) -> TransformError {
    TransformError::new(SCHEMA_BUILDER_EXCEPTION, message)
}

/// `value.getClass().getName()` of the Java object Kafka Connect would hold.
pub fn class_name(schema: Option<&Schema>, v: &Value) -> &'static str {
    match (schema.and_then(|s| s.name.as_deref()), v) {
        (Some(DATE) | Some(TIME), Value::Int32(_)) | (Some(TIMESTAMP), Value::Int64(_)) => {
            "java.util.Date"
        }
        (Some(DECIMAL), Value::Bytes(_)) => "java.math.BigDecimal",
        _ => v.type_name(),
    }
}

/// `String.valueOf(value.getClass())`: `class java.lang.String`.
pub fn class_string(schema: Option<&Schema>, v: &Value) -> String {
    format!("class {}", class_name(schema, v))
}

/// `ConnectSchema.toString()`.
pub fn schema_display(s: &Schema) -> String {
    match &s.name {
        Some(n) => format!("Schema{{{}:{}}}", n, s.schema_type.connect_name()),
        None => format!("Schema{{{}}}", s.schema_type.connect_name()),
    }
}

// ---------------------------------------------------------------- Requirements

pub fn require_struct<'a>(
    schema: Option<&Schema>,
    v: &'a Value,
    purpose: &str,
) -> Result<&'a Struct, TransformError> {
    match v {
        Value::Struct(s) => Ok(s),
        other => Err(data_err(format!(
            "Only Struct objects supported for [{purpose}], found: {}",
            class_name(schema, other)
        ))),
    }
}

pub fn require_struct_or_null<'a>(
    schema: Option<&Schema>,
    v: &'a Value,
    purpose: &str,
) -> Result<Option<&'a Struct>, TransformError> {
    if v.is_null() {
        return Ok(None);
    }
    require_struct(schema, v, purpose).map(Some)
}

pub fn require_map<'a>(
    v: &'a Value,
    purpose: &str,
) -> Result<&'a Vec<(Value, Value)>, TransformError> {
    match v {
        Value::Map(m) => Ok(m),
        other => Err(data_err(format!(
            "Only Map objects supported in absence of schema for [{purpose}], found: {}",
            other.type_name()
        ))),
    }
}

pub fn require_map_or_null<'a>(
    v: &'a Value,
    purpose: &str,
) -> Result<Option<&'a Vec<(Value, Value)>>, TransformError> {
    if v.is_null() {
        return Ok(None);
    }
    require_map(v, purpose).map(Some)
}

pub fn require_schema<'a>(
    schema: Option<&'a Arc<Schema>>,
    purpose: &str,
) -> Result<&'a Arc<Schema>, TransformError> {
    schema.ok_or_else(|| data_err(format!("Schema required for [{purpose}]")))
}

/// `map.get(key)` of a `Map<String, Object>`.
pub fn map_get<'a>(entries: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    entries
        .iter()
        .find(|(k, _)| matches!(k, Value::String(s) if s == key))
        .map(|(_, v)| v)
}

/// A map key used as a `String` (Kafka Connect casts keys of schemaless maps).
pub fn key_as_str(k: &Value) -> Result<&str, TransformError> {
    match k {
        Value::String(s) => Ok(s),
        other => Err(class_cast(other.type_name(), "java.lang.String")),
    }
}

/// The JVM's ClassCastException message.
pub fn class_cast(from: &str, to: &str) -> TransformError {
    let module = |c: &str| {
        if c.starts_with("java.") || c.starts_with("[") {
            "module java.base of loader 'bootstrap'"
        } else {
            "unnamed module of loader 'app'"
        }
    };
    let (mf, mt) = (module(from), module(to));
    let where_ = if mf == mt {
        format!("{from} and {to} are in {mf}")
    } else {
        format!("{from} is in {mf}; {to} is in {mt}")
    };
    TransformError::new(
        CLASS_CAST,
        format!("class {from} cannot be cast to class {to} ({where_})"),
    )
}

/// `ConnectSchema.schemaType(value.getClass())` for schemaless values (None for the classes
/// Connect does not know there: BigDecimal, Date).
pub fn schemaless_type(v: &Value) -> Option<SchemaType> {
    Some(match v {
        Value::Null => return None,
        Value::Boolean(_) => SchemaType::Boolean,
        Value::Int8(_) => SchemaType::Int8,
        Value::Int16(_) => SchemaType::Int16,
        Value::Int32(_) => SchemaType::Int32,
        Value::Int64(_) => SchemaType::Int64,
        Value::Float32(_) => SchemaType::Float32,
        Value::Float64(_) => SchemaType::Float64,
        Value::String(_) => SchemaType::String,
        Value::Bytes(_) => SchemaType::Bytes,
        Value::Array(_) => SchemaType::Array,
        Value::Map(_) => SchemaType::Map,
        Value::Struct(_) => SchemaType::Struct,
        Value::Decimal { .. } => return None,
    })
}

// ---------------------------------------------------------------- Struct

/// `Struct.get(field)` (the field's default for null) or `getWithoutDefault`.
pub fn field_value(s: &Struct, idx: usize, with_default: bool) -> Value {
    let v = &s.values[idx];
    if with_default && v.is_null() {
        if let Some(d) = &s.schema.fields[idx].schema.default_value {
            return d.clone();
        }
    }
    v.clone()
}

/// `Struct.get(name)` / `getWithoutDefault(name)`.
pub fn field_value_by_name(
    s: &Struct,
    name: &str,
    with_default: bool,
) -> Result<Value, TransformError> {
    match s.schema.field_index(name) {
        Some(i) => Ok(field_value(s, i, with_default)),
        None => Err(data_err(format!("{name} is not a valid field name"))),
    }
}

pub fn same_schema(a: &Arc<Schema>, b: &Schema) -> bool {
    std::ptr::eq(Arc::as_ptr(a), b) || schema_eq(a, b)
}

/// `ConnectSchema.equals`: structural, with Java's equality for default values (a NaN
/// default equals itself).
pub fn schema_eq(a: &Schema, b: &Schema) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    let opt = |x: &Option<Arc<Schema>>, y: &Option<Arc<Schema>>| match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => Arc::ptr_eq(x, y) || schema_eq(x, y),
        _ => false,
    };
    a.schema_type == b.schema_type
        && a.optional == b.optional
        && a.version == b.version
        && a.name == b.name
        && a.doc == b.doc
        && match (&a.default_value, &b.default_value) {
            (None, None) => true,
            (Some(x), Some(y)) => value_eq(x, y),
            _ => false,
        }
        && a.fields.len() == b.fields.len()
        && a.fields.iter().zip(&b.fields).all(|(x, y)| {
            x.name == y.name
                && (Arc::ptr_eq(&x.schema, &y.schema) || schema_eq(&x.schema, &y.schema))
        })
        && opt(&a.key_schema, &b.key_schema)
        && opt(&a.value_schema, &b.value_schema)
        && a.parameters == b.parameters
}

/// Java's `equals` of two values (floats by their bits, NaN equal to NaN).
pub fn value_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float32(x), Value::Float32(y)) => {
            let bits = |f: f32| if f.is_nan() { 0x7fc0_0000 } else { f.to_bits() };
            bits(*x) == bits(*y)
        }
        (Value::Float64(x), Value::Float64(y)) => {
            let bits = |f: f64| {
                if f.is_nan() {
                    0x7ff8_0000_0000_0000
                } else {
                    f.to_bits()
                }
            };
            bits(*x) == bits(*y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| value_eq(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| value_eq(k, k2) && value_eq(v, v2)))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            same_schema(&x.schema, &y.schema)
                && x.values.len() == y.values.len()
                && x.values.iter().zip(&y.values).all(|(a, b)| value_eq(a, b))
        }
        _ => a == b,
    }
}

/// `ConnectSchema.validateValue(schema, value, location)`.
pub fn validate_at(schema: &Schema, v: &Value, location: &str) -> Result<(), TransformError> {
    if v.is_null() {
        if !schema.optional {
            return Err(data_err(format!(
                "Invalid value: null used for required {location}, schema type: {}",
                schema.schema_type.connect_name()
            )));
        }
        return Ok(());
    }
    // A logical type only holds its own physical type (Kafka Connect expects a
    // java.util.Date or BigDecimal there, which no other schema type can carry).
    let logical_ok = match schema.name.as_deref() {
        Some(DATE) | Some(TIME) => schema.schema_type == SchemaType::Int32,
        Some(TIMESTAMP) => schema.schema_type == SchemaType::Int64,
        Some(DECIMAL) => schema.schema_type == SchemaType::Bytes,
        _ => true,
    };
    // A BigDecimal of another scale passes, as in Kafka Connect (its converter refuses it).
    let foreign_decimal =
        matches!(v, Value::Decimal { .. }) && schema.name.as_deref() == Some(DECIMAL);
    if (!schema.schema_type.holds(v) && !foreign_decimal) || !logical_ok {
        let name = schema
            .name
            .as_ref()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default();
        return Err(data_err(format!(
            "Invalid Java object for schema{name} with type {}: class {} for {location}",
            schema.schema_type.connect_name(),
            v.type_name()
        )));
    }
    match v {
        Value::Struct(s) => {
            if !same_schema(&s.schema, schema) {
                return Err(data_err("Struct schemas do not match."));
            }
            validate_struct(s)?;
        }
        Value::Array(items) => {
            let loc = format!("element of array {location}");
            let vs = schema
                .value_schema
                .as_deref()
                .ok_or_else(|| data_err(format!("No schema defined for {loc}")))?;
            for item in items {
                validate_at(vs, item, &loc)?;
            }
        }
        Value::Map(entries) => {
            let kloc = format!("key of map {location}");
            let vloc = format!("value of map {location}");
            let ks = schema
                .key_schema
                .as_deref()
                .ok_or_else(|| data_err(format!("No schema defined for {kloc}")))?;
            let vs = schema
                .value_schema
                .as_deref()
                .ok_or_else(|| data_err(format!("No schema defined for {vloc}")))?;
            for (k, val) in entries {
                validate_at(ks, k, &kloc)?;
                validate_at(vs, val, &vloc)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `Struct.validate()`.
pub fn validate_struct(s: &Struct) -> Result<(), TransformError> {
    for (f, v) in s.schema.fields.iter().zip(&s.values) {
        if v.is_null() && (f.schema.optional || f.schema.default_value.is_some()) {
            continue;
        }
        validate_at(&f.schema, v, &format!("field: \"{}\"", f.name))?;
    }
    Ok(())
}

/// `ConnectSchema.validateValue(field, schema, value)`.
pub fn validate_field(field: &str, schema: &Schema, v: &Value) -> Result<(), TransformError> {
    // Fast path for the common, valid case.
    if !v.is_null()
        && schema.schema_type.holds(v)
        && !matches!(v, Value::Struct(_) | Value::Array(_) | Value::Map(_))
    {
        return Ok(());
    }
    validate_at(schema, v, &format!("field: \"{field}\""))
}

/// `ConnectSchema.validateValue(schema, value)` (location "value").
pub fn validate_value(schema: &Schema, v: &Value) -> Result<(), TransformError> {
    validate_at(schema, v, "value")
}

/// Builds a struct field by field, validating each value as `Struct.put` does.
pub struct StructBuilder {
    s: Struct,
}

impl StructBuilder {
    pub fn new(schema: Arc<Schema>) -> StructBuilder {
        StructBuilder {
            s: Struct::new(schema),
        }
    }

    pub fn put_index(&mut self, idx: usize, v: Value) -> Result<(), TransformError> {
        let f = &self.s.schema.fields[idx];
        validate_field(&f.name, &f.schema, &v)?;
        self.s.values[idx] = v;
        Ok(())
    }

    pub fn put(&mut self, name: &str, v: Value) -> Result<(), TransformError> {
        match self.s.schema.field_index(name) {
            Some(i) => self.put_index(i, v),
            None => Err(data_err(format!("{name} is not a valid field name"))),
        }
    }

    pub fn build(self) -> Struct {
        self.s
    }
}

// ---------------------------------------------------------------- SchemaBuilder

/// Kafka Connect's `SchemaBuilder` checks for the schemas transforms build.
pub struct SchemaBuilder {
    schema: Schema,
}

impl SchemaBuilder {
    pub fn new(t: SchemaType) -> SchemaBuilder {
        SchemaBuilder {
            schema: Schema::new(t),
        }
    }

    pub fn struct_() -> SchemaBuilder {
        SchemaBuilder::new(SchemaType::Struct)
    }

    /// `SchemaUtil.copySchemaBasics(source, builder)`: name, version, doc, parameters.
    pub fn copy_basics(mut self, source: &Schema) -> SchemaBuilder {
        self.schema.name = source.name.clone();
        self.schema.version = source.version;
        self.schema.doc = source.doc.clone();
        if let Some(p) = &source.parameters {
            self.schema.parameters = Some(p.clone());
        }
        self
    }

    /// `SchemaUtil.copySchemaBasics(source)`: the type (with an array's element schema).
    pub fn copy_of(source: &Schema) -> SchemaBuilder {
        let mut b = SchemaBuilder::new(source.schema_type);
        if source.schema_type == SchemaType::Array {
            b.schema.value_schema = source.value_schema.clone();
        }
        b.copy_basics(source)
    }

    pub fn optional(mut self) -> SchemaBuilder {
        self.schema.optional = true;
        self
    }

    pub fn field(&mut self, name: &str, schema: Arc<Schema>) -> Result<(), TransformError> {
        if self.schema.schema_type != SchemaType::Struct {
            return Err(builder_err(format!(
                "Cannot create fields on type {}",
                self.schema.schema_type.connect_name()
            )));
        }
        if name.is_empty() {
            return Err(builder_err("fieldName cannot be null."));
        }
        if self.schema.field_index(name).is_some() {
            return Err(builder_err(format!(
                "Cannot create field because of field name duplication {name}"
            )));
        }
        self.schema.fields.push(crate::data::Field {
            name: name.to_string(),
            schema,
        });
        Ok(())
    }

    pub fn default_value(&mut self, v: Value) -> Result<(), TransformError> {
        if v.is_null() {
            return Ok(());
        }
        if validate_value(&self.schema, &v).is_err() {
            return Err(builder_err("Invalid default value"));
        }
        self.schema.default_value = Some(v);
        Ok(())
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn build(self) -> Arc<Schema> {
        Arc::new(self.schema)
    }
}

// ---------------------------------------------------------------- the key or the value

/// Which part of the record a `$Key` / `$Value` transform works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Key,
    Value,
}

impl Side {
    pub fn schema(self, r: &ConnectRecord) -> Option<&Arc<Schema>> {
        match self {
            Side::Key => r.key_schema.as_ref(),
            Side::Value => r.value_schema.as_ref(),
        }
    }

    pub fn value(self, r: &ConnectRecord) -> &Value {
        match self {
            Side::Key => &r.key,
            Side::Value => &r.value,
        }
    }

    pub fn set(self, r: &mut ConnectRecord, schema: Option<Arc<Schema>>, value: Value) {
        match self {
            Side::Key => {
                r.key_schema = schema;
                r.key = value;
            }
            Side::Value => {
                r.value_schema = schema;
                r.value = value;
            }
        }
    }

    pub fn set_value(self, r: &mut ConnectRecord, value: Value) {
        match self {
            Side::Key => r.key = value,
            Side::Value => r.value = value,
        }
    }

    /// `$Key` or `$Value`.
    pub fn suffix(self) -> &'static str {
        match self {
            Side::Key => "$Key",
            Side::Value => "$Value",
        }
    }
}

// ---------------------------------------------------------------- schema cache

/// Kafka Connect's per-transform schema cache (an LRU of 16): the output schema for an
/// input schema. Keyed by the input `Arc` first, then by equality, so records with one
/// schema share one output `Arc` (which the converters' own caches rely on).
#[derive(Default)]
pub struct SchemaCache {
    entries: Mutex<Vec<(Arc<Schema>, Arc<Schema>)>>,
}

const CACHE_SIZE: usize = 16;

impl SchemaCache {
    pub fn get_or_build(
        &self,
        key: &Arc<Schema>,
        build: impl FnOnce() -> Result<Arc<Schema>, TransformError>,
    ) -> Result<Arc<Schema>, TransformError> {
        {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, v)) = entries.iter().find(|(k, _)| Arc::ptr_eq(k, key)) {
                return Ok(v.clone());
            }
            if let Some(pos) = entries.iter().position(|(k, _)| schema_eq(k, key)) {
                let v = entries[pos].1.clone();
                if entries.len() >= CACHE_SIZE {
                    entries.remove(0);
                }
                entries.push((key.clone(), v.clone()));
                return Ok(v);
            }
        }
        let v = build()?;
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CACHE_SIZE {
            entries.remove(0);
        }
        entries.push((key.clone(), v.clone()));
        Ok(v)
    }
}

// ---------------------------------------------------------------- config helpers

/// Java's `String.split(String.valueOf(sep))`: trailing empty strings removed.
pub fn java_split(s: &str, sep: char) -> Vec<String> {
    let mut parts: Vec<String> = s.split(sep).map(str::to_string).collect();
    while parts.len() > 1 && parts.last().map(|p| p.is_empty()).unwrap_or(false) {
        parts.pop();
    }
    if parts.len() == 1 && parts[0].is_empty() && !s.is_empty() {
        // "::" splits to nothing at all in Java.
        return Vec::new();
    }
    parts
}

/// `List.toString()` of a config list.
pub fn list_display(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// The Java object's `toString()` used in some messages.
pub fn jobj_string(schema: Option<&Schema>, v: &Value) -> String {
    crate::converter::values::to_jobj(schema, v).java_to_string()
}

/// A Java object of a value (for the Java-typed logic of Cast and MaskField).
pub fn jobj(schema: Option<&Schema>, v: &Value) -> JObj {
    crate::converter::values::to_jobj(schema, v)
}
