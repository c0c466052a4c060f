//! Kafka Connect's JsonConverter: the `{"schema":..,"payload":..}` envelope when
//! `schemas.enable=true`, plain JSON otherwise; the same bytes as Kafka Connect writes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use base64::Engine;
use bytes::Bytes;
use serde_json::Value as Json;

use super::jsonout::{
    write_big_decimal, write_bytes_base64, write_f32, write_f64, write_i64, write_str,
};
use super::Converter;
use crate::data::{
    minimal_twos_complement, DataError, Field, Schema, SchemaAndValue, SchemaType, Struct, Value,
    DATE, DECIMAL, TIME, TIMESTAMP,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalFormat {
    Base64,
    Numeric,
}

#[derive(Debug, Clone)]
pub struct JsonConverterConfig {
    pub schemas_enable: bool,
    pub schemas_cache_size: usize,
    pub decimal_format: DecimalFormat,
    pub replace_null_with_default: bool,
}

impl Default for JsonConverterConfig {
    fn default() -> Self {
        JsonConverterConfig {
            schemas_enable: true,
            schemas_cache_size: 1000,
            decimal_format: DecimalFormat::Base64,
            replace_null_with_default: true,
        }
    }
}

fn parse_bool(key: &str, v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!(
            "Invalid value {v} for configuration {key}: Expected value to be either true or false"
        )),
    }
}

impl JsonConverterConfig {
    pub fn parse(settings: &BTreeMap<String, String>) -> Result<JsonConverterConfig, String> {
        let mut c = JsonConverterConfig::default();
        if let Some(v) = settings.get("schemas.enable") {
            c.schemas_enable = parse_bool("schemas.enable", v)?;
        }
        if let Some(v) = settings.get("replace.null.with.default") {
            c.replace_null_with_default = parse_bool("replace.null.with.default", v)?;
        }
        if let Some(v) = settings.get("schemas.cache.size") {
            c.schemas_cache_size = v.trim().parse().map_err(|_| {
                format!("Invalid value {v} for configuration schemas.cache.size: Not a number of type INT")
            })?;
        }
        if let Some(v) = settings.get("decimal.format") {
            c.decimal_format = match v.trim().to_ascii_uppercase().as_str() {
                "BASE64" => DecimalFormat::Base64,
                "NUMERIC" => DecimalFormat::Numeric,
                _ => {
                    return Err(format!(
                        "Invalid value {v} for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC"
                    ))
                }
            };
        }
        Ok(c)
    }
}

pub struct JsonConverter {
    config: JsonConverterConfig,
    /// Serialized schema JSON per schema instance. Holding the `Arc` keeps the address
    /// unique for as long as the entry lives.
    schema_cache: Mutex<HashMap<usize, (Arc<Schema>, Arc<Vec<u8>>)>>,
    /// Schemas read, by their JSON text (Kafka Connect's toConnectSchemaCache): records
    /// with the same schema share one `Arc`, so it is sent to a connector only once.
    read_cache: Mutex<HashMap<String, Arc<Schema>>>,
}

impl JsonConverter {
    pub fn new(config: JsonConverterConfig, _is_key: bool) -> JsonConverter {
        JsonConverter {
            config,
            schema_cache: Mutex::new(HashMap::new()),
            read_cache: Mutex::new(HashMap::new()),
        }
    }

    fn read_schema(&self, j: &Json) -> Result<Option<Arc<Schema>>, DataError> {
        if j.is_null() {
            return Ok(None);
        }
        let text = j.to_string();
        if let Some(s) = self.read_cache.lock().unwrap().get(&text) {
            return Ok(Some(s.clone()));
        }
        let schema = self.as_connect_schema(j)?;
        if let Some(s) = &schema {
            let mut cache = self.read_cache.lock().unwrap();
            if cache.len() >= self.config.schemas_cache_size.max(1) {
                cache.clear();
            }
            cache.insert(text, s.clone());
        }
        Ok(schema)
    }

    fn schema_json(&self, schema: &Arc<Schema>) -> Result<Arc<Vec<u8>>, DataError> {
        let key = Arc::as_ptr(schema) as usize;
        if let Some((_, bytes)) = self.schema_cache.lock().unwrap().get(&key) {
            return Ok(bytes.clone());
        }
        let mut out = Vec::with_capacity(128);
        self.write_schema(&mut out, schema, None)?;
        let out = Arc::new(out);
        let mut cache = self.schema_cache.lock().unwrap();
        if cache.len() >= self.config.schemas_cache_size.max(1) {
            cache.clear();
        }
        cache.insert(key, (schema.clone(), out.clone()));
        Ok(out)
    }

    /// `JsonConverter.asJsonSchema`: type, items/keys/values/fields, optional, name,
    /// version, doc, parameters, default; a struct field adds "field" last.
    fn write_schema(
        &self,
        out: &mut Vec<u8>,
        s: &Schema,
        field_name: Option<&str>,
    ) -> Result<(), DataError> {
        out.extend_from_slice(b"{\"type\":");
        write_str(out, s.schema_type.json_name());
        match s.schema_type {
            SchemaType::Array => {
                out.extend_from_slice(b",\"items\":");
                match &s.value_schema {
                    Some(v) => self.write_schema(out, v, None)?,
                    None => out.extend_from_slice(b"null"),
                }
            }
            SchemaType::Map => {
                out.extend_from_slice(b",\"keys\":");
                match &s.key_schema {
                    Some(v) => self.write_schema(out, v, None)?,
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(b",\"values\":");
                match &s.value_schema {
                    Some(v) => self.write_schema(out, v, None)?,
                    None => out.extend_from_slice(b"null"),
                }
            }
            SchemaType::Struct => {
                out.extend_from_slice(b",\"fields\":[");
                for (i, f) in s.fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.write_schema(out, &f.schema, Some(&f.name))?;
                }
                out.push(b']');
            }
            _ => {}
        }
        out.extend_from_slice(if s.optional {
            b",\"optional\":true"
        } else {
            b",\"optional\":false"
        });
        if let Some(name) = &s.name {
            out.extend_from_slice(b",\"name\":");
            write_str(out, name);
        }
        if let Some(v) = s.version {
            out.extend_from_slice(b",\"version\":");
            write_i64(out, v as i64);
        }
        if let Some(doc) = &s.doc {
            out.extend_from_slice(b",\"doc\":");
            write_str(out, doc);
        }
        if let Some(params) = &s.parameters {
            out.extend_from_slice(b",\"parameters\":{");
            // Jackson's ObjectNode keeps the last value of a repeated key in first position.
            let mut seen: Vec<(&str, &str)> = Vec::with_capacity(params.len());
            for (k, v) in params {
                match seen.iter_mut().find(|(sk, _)| *sk == k.as_str()) {
                    Some(slot) => slot.1 = v.as_str(),
                    None => seen.push((k.as_str(), v.as_str())),
                }
            }
            for (i, (k, v)) in seen.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, k);
                out.push(b':');
                write_str(out, v);
            }
            out.push(b'}');
        }
        if let Some(default) = &s.default_value {
            out.extend_from_slice(b",\"default\":");
            self.write_value(out, Some(s), default)?;
        }
        if let Some(name) = field_name {
            out.extend_from_slice(b",\"field\":");
            write_str(out, name);
        }
        out.push(b'}');
        Ok(())
    }

    /// `JsonConverter.convertToJson`.
    fn write_value(
        &self,
        out: &mut Vec<u8>,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<(), DataError> {
        if value.is_null() {
            let Some(s) = schema else {
                out.extend_from_slice(b"null");
                return Ok(());
            };
            if let (Some(d), true) = (&s.default_value, self.config.replace_null_with_default) {
                return self.write_value(out, Some(s), d);
            }
            if s.optional {
                out.extend_from_slice(b"null");
                return Ok(());
            }
            return Err(DataError::new(
                "Conversion error: null value for field that is required and has no default value",
            ));
        }
        if let Some(s) = schema {
            if let Some(name) = s.name.as_deref() {
                match name {
                    DECIMAL => return self.write_decimal(out, s, value),
                    DATE | TIME => {
                        return match value {
                            Value::Int32(v) => {
                                write_i64(out, *v as i64);
                                Ok(())
                            }
                            other => Err(DataError::new(format!(
                                "Invalid type for {}, expected Date but was {}",
                                if name == DATE { "Date" } else { "Time" },
                                other.type_name()
                            ))),
                        }
                    }
                    TIMESTAMP => {
                        return match value {
                            Value::Int64(v) => {
                                write_i64(out, *v);
                                Ok(())
                            }
                            other => Err(DataError::new(format!(
                                "Invalid type for Timestamp, expected Date but was {}",
                                other.type_name()
                            ))),
                        }
                    }
                    _ => {}
                }
            }
            if !s.schema_type.holds(value) {
                return Err(DataError::new(format!(
                    "Invalid type for {}: class {}",
                    s.schema_type.connect_name(),
                    value.type_name()
                )));
            }
        }
        match value {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Int8(v) => write_i64(out, *v as i64),
            Value::Int16(v) => write_i64(out, *v as i64),
            Value::Int32(v) => write_i64(out, *v as i64),
            Value::Int64(v) => write_i64(out, *v),
            Value::Float32(v) => write_f32(out, *v),
            Value::Float64(v) => write_f64(out, *v),
            Value::String(v) => write_str(out, v),
            Value::Bytes(b) => write_bytes_base64(out, b),
            Value::Decimal { .. } => {
                // Kafka Connect has no schema type for a schemaless BigDecimal.
                return Err(DataError::new(
                    "Java class class java.math.BigDecimal does not have corresponding schema type.",
                ));
            }
            Value::Array(items) => {
                let item_schema = schema.and_then(|s| s.value_schema.as_deref());
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.write_value(out, item_schema, item)?;
                }
                out.push(b']');
            }
            Value::Map(entries) => {
                let object_mode = match schema {
                    None => entries.iter().all(|(k, _)| matches!(k, Value::String(_))),
                    Some(s) => s
                        .key_schema
                        .as_ref()
                        .map(|k| k.schema_type == SchemaType::String)
                        .unwrap_or(false),
                };
                let ks = schema.and_then(|s| s.key_schema.as_deref());
                let vs = schema.and_then(|s| s.value_schema.as_deref());
                if object_mode {
                    // A JSON object keeps one entry per key: a later duplicate replaces the
                    // earlier value in its first position.
                    let mut rendered: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(entries.len());
                    for (k, v) in entries {
                        let mut key = Vec::new();
                        match k {
                            Value::String(ks) => write_str(&mut key, ks),
                            other => {
                                let mut tmp = Vec::new();
                                self.write_value(&mut tmp, ks, other)?;
                                write_str(&mut key, &json_as_text(&tmp));
                            }
                        }
                        let mut val = Vec::new();
                        self.write_value(&mut val, vs, v)?;
                        match rendered.iter_mut().find(|(rk, _)| *rk == key) {
                            Some(slot) => slot.1 = val,
                            None => rendered.push((key, val)),
                        }
                    }
                    out.push(b'{');
                    for (i, (k, v)) in rendered.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        out.extend_from_slice(k);
                        out.push(b':');
                        out.extend_from_slice(v);
                    }
                    out.push(b'}');
                } else {
                    out.push(b'[');
                    for (i, (k, v)) in entries.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        out.push(b'[');
                        self.write_value(out, ks, k)?;
                        out.push(b',');
                        self.write_value(out, vs, v)?;
                        out.push(b']');
                    }
                    out.push(b']');
                }
            }
            Value::Struct(st) => {
                if let Some(s) = schema {
                    if st.schema.as_ref() != s {
                        return Err(DataError::new("Mismatching schema."));
                    }
                }
                out.push(b'{');
                for (i, (f, v)) in st.schema.fields.iter().zip(&st.values).enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str(out, &f.name);
                    out.push(b':');
                    self.write_value(out, Some(&f.schema), v)?;
                }
                out.push(b'}');
            }
        }
        Ok(())
    }

    fn write_decimal(&self, out: &mut Vec<u8>, s: &Schema, value: &Value) -> Result<(), DataError> {
        let scale = s.decimal_scale()?;
        let unscaled = decimal_unscaled(scale, value)?;
        match self.config.decimal_format {
            DecimalFormat::Numeric => write_big_decimal(out, unscaled, scale),
            DecimalFormat::Base64 => {
                if unscaled.is_empty() {
                    write_bytes_base64(out, &[0]);
                } else {
                    write_bytes_base64(out, unscaled);
                }
            }
        }
        Ok(())
    }

    fn as_connect_schema(&self, j: &Json) -> Result<Option<Arc<Schema>>, DataError> {
        if j.is_null() {
            return Ok(None);
        }
        let type_name = j
            .get("type")
            .and_then(Json::as_str)
            .ok_or_else(|| DataError::new("Schema must contain 'type' field"))?;
        let schema_type = SchemaType::from_json_name(type_name)
            .ok_or_else(|| DataError::new(format!("Unknown schema type: {type_name}")))?;
        let mut s = Schema::new(schema_type);
        match schema_type {
            SchemaType::Array => {
                let items = j.get("items").filter(|v| !v.is_null()).ok_or_else(|| {
                    DataError::new("Array schema did not specify the element type")
                })?;
                s.value_schema = self.as_connect_schema(items)?;
            }
            SchemaType::Map => {
                let keys = j
                    .get("keys")
                    .ok_or_else(|| DataError::new("Map schema did not specify the key type"))?;
                let values = j
                    .get("values")
                    .ok_or_else(|| DataError::new("Map schema did not specify the value type"))?;
                s.key_schema = self.as_connect_schema(keys)?;
                s.value_schema = self.as_connect_schema(values)?;
            }
            SchemaType::Struct => {
                let fields = j.get("fields").and_then(Json::as_array).ok_or_else(|| {
                    DataError::new("Struct schema's \"fields\" argument is not an array.")
                })?;
                for f in fields {
                    let name = f.get("field").and_then(Json::as_str).ok_or_else(|| {
                        DataError::new("Struct schema's field name not specified properly")
                    })?;
                    if s.fields.iter().any(|x| x.name == name) {
                        return Err(DataError::new(format!(
                            "Cannot create field because of field name duplication {name}"
                        )));
                    }
                    let fs = self
                        .as_connect_schema(f)?
                        .ok_or_else(|| DataError::new("Struct field schema is null"))?;
                    s.fields.push(Field {
                        name: name.to_string(),
                        schema: fs,
                    });
                }
            }
            _ => {}
        }
        s.optional = j.get("optional").and_then(Json::as_bool).unwrap_or(false);
        s.name = j.get("name").and_then(Json::as_str).map(str::to_string);
        s.version = j.get("version").and_then(|v| v.as_i64()).map(|v| v as i32);
        s.doc = j.get("doc").and_then(Json::as_str).map(str::to_string);
        if let Some(params) = j.get("parameters").and_then(Json::as_object) {
            let mut out = Vec::with_capacity(params.len());
            for (k, v) in params {
                let v = v
                    .as_str()
                    .ok_or_else(|| DataError::new("Schema parameters must have string values."))?;
                out.push((k.clone(), v.to_string()));
            }
            s.parameters = Some(out);
        }
        if let Some(d) = j.get("default") {
            let v = self.to_connect_value(Some(&Arc::new(s.clone())), d)?;
            s.default_value = if v.is_null() { None } else { Some(v) };
        }
        Ok(Some(Arc::new(s)))
    }

    /// `JsonConverter.convertToConnect`, following Jackson's lenient accessors.
    fn to_connect_value(&self, schema: Option<&Arc<Schema>>, j: &Json) -> Result<Value, DataError> {
        let Some(s) = schema else {
            return Ok(match j {
                Json::Null => Value::Null,
                Json::Bool(b) => Value::Boolean(*b),
                Json::Number(n) => match n.as_i64() {
                    Some(i) => Value::Int64(i),
                    None if n.is_u64() => Value::Int64(n.as_u64().unwrap_or(0) as i64),
                    None => Value::Float64(n.as_f64().unwrap_or(0.0)),
                },
                Json::String(v) => Value::String(v.clone()),
                Json::Array(items) => Value::Array(
                    items
                        .iter()
                        .map(|i| self.to_connect_value(None, i))
                        .collect::<Result<_, _>>()?,
                ),
                Json::Object(map) => Value::Map(
                    map.iter()
                        .map(|(k, v)| {
                            Ok((Value::String(k.clone()), self.to_connect_value(None, v)?))
                        })
                        .collect::<Result<_, DataError>>()?,
                ),
            });
        };
        if j.is_null() {
            if let (Some(d), true) = (&s.default_value, self.config.replace_null_with_default) {
                return Ok(d.clone());
            }
            if s.optional {
                return Ok(Value::Null);
            }
            return Err(DataError::new(format!(
                "Invalid null value for required {} field",
                s.schema_type.connect_name()
            )));
        }
        if let Some(name) = s.name.as_deref() {
            match name {
                DECIMAL => {
                    let scale = s.decimal_scale()?;
                    return match j {
                        Json::Number(n) => Ok(Value::Bytes(numeric_to_unscaled(&n.to_string(), scale, false)?)),
                        Json::String(t) => {
                            let b = base64::engine::general_purpose::STANDARD
                                .decode(t)
                                .map_err(|_| DataError::new("Invalid bytes for Decimal field"))?;
                            Ok(Value::Bytes(Bytes::from(b)))
                        }
                        other => Err(DataError::new(format!(
                            "Invalid type for Decimal, underlying representation should be numeric or bytes but was {}",
                            node_type(other)
                        ))),
                    };
                }
                DATE | TIME => {
                    return match j.as_i64() {
                        Some(v) if i32::try_from(v).is_ok() => Ok(Value::Int32(v as i32)),
                        _ => Err(DataError::new(format!(
                            "Invalid type for {}, underlying representation should be integer but was {}",
                            if name == DATE { "Date" } else { "Time" },
                            node_type(j)
                        ))),
                    };
                }
                TIMESTAMP => {
                    return match j.as_i64() {
                        Some(v) => Ok(Value::Int64(v)),
                        None => Err(DataError::new(format!(
                            "Invalid type for Timestamp, underlying representation should be integral but was {}",
                            node_type(j)
                        ))),
                    };
                }
                _ => {}
            }
        }
        Ok(match s.schema_type {
            SchemaType::Boolean => Value::Boolean(j.as_bool().unwrap_or(false)),
            SchemaType::Int8 => Value::Int8(int_value(j) as i8),
            SchemaType::Int16 => Value::Int16(int_value(j) as i16),
            SchemaType::Int32 => Value::Int32(int_value(j) as i32),
            SchemaType::Int64 => Value::Int64(long_value(j)),
            SchemaType::Float32 => Value::Float32(j.as_f64().unwrap_or(0.0) as f32),
            SchemaType::Float64 => Value::Float64(j.as_f64().unwrap_or(0.0)),
            SchemaType::String => match j {
                Json::String(v) => Value::String(v.clone()),
                _ => Value::Null,
            },
            SchemaType::Bytes => match j {
                Json::String(t) => Value::Bytes(Bytes::from(
                    base64::engine::general_purpose::STANDARD
                        .decode(t)
                        .map_err(|_| DataError::new("Invalid bytes field"))?,
                )),
                _ => Value::Null,
            },
            SchemaType::Array => {
                let items = j.as_array().map(Vec::as_slice).unwrap_or(&[]);
                Value::Array(
                    items
                        .iter()
                        .map(|i| self.to_connect_value(s.value_schema.as_ref(), i))
                        .collect::<Result<_, _>>()?,
                )
            }
            SchemaType::Map => {
                let ks = s.key_schema.as_ref();
                let vs = s.value_schema.as_ref();
                if ks
                    .map(|k| k.schema_type == SchemaType::String)
                    .unwrap_or(true)
                {
                    let obj = j.as_object().ok_or_else(|| {
                        DataError::new(format!(
                            "Maps with string fields should be encoded as JSON objects, but found {}",
                            node_type(j)
                        ))
                    })?;
                    Value::Map(
                        obj.iter()
                            .map(|(k, v)| {
                                Ok((Value::String(k.clone()), self.to_connect_value(vs, v)?))
                            })
                            .collect::<Result<_, DataError>>()?,
                    )
                } else {
                    let arr = j.as_array().ok_or_else(|| {
                        DataError::new(format!(
                            "Maps with non-string fields should be encoded as JSON array of tuples, but found {}",
                            node_type(j)
                        ))
                    })?;
                    let mut entries = Vec::with_capacity(arr.len());
                    for e in arr {
                        let pair = e.as_array().ok_or_else(|| {
                            DataError::new(format!(
                                "Found invalid map entry instead of array tuple: {}",
                                node_type(e)
                            ))
                        })?;
                        if pair.len() != 2 {
                            return Err(DataError::new(format!(
                                "Found invalid map entry, expected length 2 but found :{}",
                                pair.len()
                            )));
                        }
                        entries.push((
                            self.to_connect_value(ks, &pair[0])?,
                            self.to_connect_value(vs, &pair[1])?,
                        ));
                    }
                    Value::Map(entries)
                }
            }
            SchemaType::Struct => {
                let obj = j.as_object().ok_or_else(|| {
                    DataError::new(format!(
                        "Structs should be encoded as JSON objects, but found {}",
                        node_type(j)
                    ))
                })?;
                let schema = s.clone();
                let mut values = Vec::with_capacity(s.fields.len());
                for f in &s.fields {
                    let v = match obj.get(&f.name) {
                        Some(v) => self.to_connect_value(Some(&f.schema), v)?,
                        None => self.to_connect_value(Some(&f.schema), &Json::Null)?,
                    };
                    f.schema.validate_value(&v).map_err(|e| {
                        DataError::new(format!(
                            "Invalid value for field \"{}\": {}",
                            f.name, e.message
                        ))
                    })?;
                    values.push(v);
                }
                Value::Struct(Struct { schema, values })
            }
        })
    }
}

/// The minimal unscaled bytes of a Decimal value (`Decimal.fromLogical`) with `scale`.
pub(super) fn decimal_unscaled(scale: i32, value: &Value) -> Result<&[u8], DataError> {
    let unscaled: &[u8] = match value {
        Value::Bytes(b) => b,
        Value::Decimal {
            unscaled,
            scale: vs,
        } if *vs == scale => unscaled,
        Value::Decimal { scale: vs, .. } => {
            return Err(DataError::new(format!(
                "Decimal value has mismatching scale: expected {scale} but was {vs}"
            )))
        }
        other => {
            return Err(DataError::new(format!(
                "Invalid type for Decimal, expected BigDecimal but was {}",
                other.type_name()
            )))
        }
    };
    Ok(minimal_twos_complement(unscaled))
}

pub(super) fn node_type(j: &Json) -> &'static str {
    match j {
        Json::Null => "NULL",
        Json::Bool(_) => "BOOLEAN",
        Json::Number(_) => "NUMBER",
        Json::String(_) => "STRING",
        Json::Array(_) => "ARRAY",
        Json::Object(_) => "OBJECT",
    }
}

pub(super) fn int_value(j: &Json) -> i64 {
    match j {
        Json::Number(n) => n
            .as_i64()
            .map(|v| v as i32 as i64)
            .or_else(|| n.as_f64().map(|f| f as i32 as i64))
            .unwrap_or(0),
        _ => 0,
    }
}

pub(super) fn long_value(j: &Json) -> i64 {
    match j {
        Json::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .unwrap_or(0),
        _ => 0,
    }
}

/// `JsonNode.asText()` of a rendered scalar: strings without their quotes, others as is.
fn json_as_text(rendered: &[u8]) -> String {
    match serde_json::from_slice::<Json>(rendered) {
        Ok(Json::String(s)) => s,
        _ => String::from_utf8_lossy(rendered).into_owned(),
    }
}

/// A JSON number as the unscaled bytes of a decimal with `scale` (Jackson's decimalValue
/// then `Decimal.fromLogical`, which requires the scales to match after rescaling); with
/// `widen`, a number with fewer decimals than `scale` is rescaled (no digit is lost).
pub(super) fn numeric_to_unscaled(text: &str, scale: i32, widen: bool) -> Result<Bytes, DataError> {
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int_part}{frac_part}");
    let value_scale = frac_part.len() as i32 - exp;
    let mut n: num_bigint::BigInt = digits
        .parse()
        .map_err(|_| DataError::new(format!("Invalid decimal number: {text}")))?;
    if widen && value_scale < scale {
        n *= num_bigint::BigInt::from(10).pow((scale - value_scale) as u32);
    } else if value_scale != scale {
        return Err(DataError::new(format!(
            "Decimal value has mismatching scale: expected {scale} but was {value_scale}"
        )));
    }
    if n == num_bigint::BigInt::from(0) {
        n = num_bigint::BigInt::from(0);
    }
    Ok(Bytes::from(n.to_signed_bytes_be()))
}

impl Converter for JsonConverter {
    fn from_connect(&self, _topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError> {
        if data.schema.is_none() && data.value.is_null() {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(256);
        if self.config.schemas_enable {
            out.extend_from_slice(b"{\"schema\":");
            match &data.schema {
                Some(s) => out.extend_from_slice(&self.schema_json(s)?),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"payload\":");
            self.write_value(&mut out, data.schema.as_deref(), &data.value)?;
            out.push(b'}');
        } else {
            self.write_value(&mut out, data.schema.as_deref(), &data.value)?;
        }
        Ok(Some(Bytes::from(out)))
    }

    fn to_connect(&self, _topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        let Some(bytes) = bytes else {
            return Ok(SchemaAndValue::NULL);
        };
        let j: Json = if bytes.is_empty() {
            Json::Null
        } else {
            serde_json::from_slice(bytes).map_err(|e| {
                DataError::new(format!(
                    "Converting byte[] to Kafka Connect data failed due to serialization error: {e}"
                ))
            })?
        };
        if self.config.schemas_enable {
            let ok = j
                .as_object()
                .map(|o| o.len() == 2 && o.contains_key("schema") && o.contains_key("payload"))
                .unwrap_or(false);
            if !ok {
                return Err(DataError::new(
                    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.",
                ));
            }
            let schema = self.read_schema(&j["schema"])?;
            let value = self.to_connect_value(schema.as_ref(), &j["payload"])?;
            Ok(SchemaAndValue::new(schema, value))
        } else {
            Ok(SchemaAndValue::new(None, self.to_connect_value(None, &j)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Struct;

    fn conv(schemas: bool) -> JsonConverter {
        JsonConverter::new(
            JsonConverterConfig {
                schemas_enable: schemas,
                ..Default::default()
            },
            false,
        )
    }

    fn to_string(c: &JsonConverter, schema: Option<Schema>, v: Value) -> String {
        let b = c
            .from_connect("t", SchemaAndValue::new(schema.map(Arc::new), v))
            .unwrap()
            .unwrap();
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[test]
    fn envelope_for_a_string() {
        assert_eq!(
            to_string(
                &conv(true),
                Some(Schema::new(SchemaType::String)),
                Value::String("x".into())
            ),
            r#"{"schema":{"type":"string","optional":false},"payload":"x"}"#
        );
        assert_eq!(
            to_string(
                &conv(false),
                Some(Schema::new(SchemaType::String)),
                Value::String("x".into())
            ),
            r#""x""#
        );
    }

    #[test]
    fn struct_with_logical_types() {
        let schema = Arc::new(
            Schema::new(SchemaType::Struct)
                .named("rec")
                .field("id", Schema::new(SchemaType::Int64))
                .field("name", Schema::new(SchemaType::String).optional())
                .field("amount", Schema::decimal(2))
                .field("at", Schema::timestamp()),
        );
        let v = Struct::new(schema.clone())
            .put("id", Value::Int64(7))
            .put("amount", Value::Bytes(Bytes::from_static(&[0x30, 0x39])))
            .put("at", Value::Int64(1_700_000_000_000));
        let c = conv(true);
        let out = c
            .from_connect(
                "t",
                SchemaAndValue::new(Some(schema.clone()), Value::Struct(v.clone())),
            )
            .unwrap()
            .unwrap();
        let text = String::from_utf8(out.to_vec()).unwrap();
        assert_eq!(
            text,
            r#"{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"amount"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"at"}],"optional":false,"name":"rec"},"payload":{"id":7,"name":null,"amount":"MDk=","at":1700000000000}}"#
        );
        let back = c.to_connect("t", Some(&out)).unwrap();
        assert_eq!(back.value, Value::Struct(v));
    }

    #[test]
    fn schemaless_map_and_tombstone() {
        let c = conv(false);
        assert_eq!(
            to_string(
                &c,
                None,
                Value::Map(vec![
                    (Value::String("a".into()), Value::Int32(1)),
                    (Value::String("b".into()), Value::Null)
                ])
            ),
            r#"{"a":1,"b":null}"#
        );
        assert_eq!(c.from_connect("t", SchemaAndValue::NULL).unwrap(), None);
        assert_eq!(c.to_connect("t", None).unwrap(), SchemaAndValue::NULL);
    }

    #[test]
    fn records_with_one_schema_share_it() {
        let c = conv(true);
        let bytes = br#"{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"a"}],"optional":false},"payload":{"a":1}}"#;
        let a = c.to_connect("t", Some(bytes)).unwrap();
        let b = c.to_connect("t", Some(bytes)).unwrap();
        assert!(Arc::ptr_eq(
            a.schema.as_ref().unwrap(),
            b.schema.as_ref().unwrap()
        ));
        let Value::Struct(st) = &a.value else {
            panic!("a struct")
        };
        assert!(Arc::ptr_eq(&st.schema, a.schema.as_ref().unwrap()));
    }

    #[test]
    fn rejects_bad_envelopes() {
        let c = conv(true);
        assert!(c.to_connect("t", Some(br#"{"a":1}"#)).is_err());
        assert!(c.to_connect("t", Some(b"not json")).is_err());
        assert!(c
            .to_connect(
                "t",
                Some(br#"{"schema":{"type":"int32","optional":false},"payload":null}"#)
            )
            .is_err());
    }
}
