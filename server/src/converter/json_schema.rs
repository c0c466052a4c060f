//! Confluent's `io.confluent.connect.json.JsonSchemaConverter`: Kafka Connect data as JSON
//! text in Confluent's wire format (magic byte 0, the 4-byte schema id, the JSON), its
//! schemas registered as JSON Schema (`schemaType` JSON), mapped as Confluent's
//! `JsonSchemaData` maps them:
//!
//! - integers are `"type":"integer"` and floats `"type":"number"`, with `connect.type`
//!   (`int8` … `float64`); BYTES are base64 strings with `connect.type` `bytes`;
//! - a struct is an object whose properties carry `connect.index` (their order); a map
//!   with non-optional string keys is an object with `additionalProperties` and
//!   `connect.type` `map`, any other map an array of `{"key":…,"value":…}` objects;
//! - an optional schema is `{"oneOf":[{"type":"null"},…]}` (the `connect.index` outside);
//! - a schema's name is its `title`, its doc its `description`, its version
//!   `connect.version`, its parameters `connect.parameters`, its default `default`;
//! - Decimal is a base64 string of the unscaled value (`decimal.format=BASE64`, the default)
//!   or a number (`NUMERIC`); Date and Time are integers (days, milliseconds), Timestamp an
//!   integer (milliseconds);
//! - read back, `oneOf`/`anyOf` of several types is a union struct
//!   (`io.confluent.connect.json.OneOf`), `enum` a string with the symbols as parameters,
//!   `{}` is refused (Confluent's variant has no Connect type here).

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;
use serde_json::{Map, Value as Json};

use super::json::{decimal_unscaled, long_value, node_type, numeric_to_unscaled, DecimalFormat};
use super::jsonout::{big_decimal_string, write_f32, write_f64};
use super::registered::{bool_setting, RegisteredConverter, SchemaFormat};
use crate::data::{
    DataError, Field, Schema, SchemaType, Struct, Value, DATE, DECIMAL, TIME, TIMESTAMP,
};

pub const NAMESPACE: &str = "io.confluent.connect.json";
pub const CONNECT_TYPE_PROP: &str = "connect.type";
pub const CONNECT_VERSION_PROP: &str = "connect.version";
pub const CONNECT_PARAMETERS_PROP: &str = "connect.parameters";
pub const CONNECT_INDEX_PROP: &str = "connect.index";
pub const JSON_TYPE_ONE_OF: &str = "io.confluent.connect.json.OneOf";
pub const JSON_TYPE_ENUM: &str = "io.confluent.connect.json.Enum";
pub const GENERALIZED_TYPE_UNION: &str = "org.apache.kafka.connect.data.Union";
pub const GENERALIZED_TYPE_ENUM: &str = "org.apache.kafka.connect.data.Enum";
/// The dialect named by top-level schemas that are not objects.
pub const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";
const NULL_MARKER: &str = "<NULL>";
const KEY_FIELD: &str = "key";
const VALUE_FIELD: &str = "value";

/// `JsonSchemaDataConfig`'s settings.
#[derive(Debug, Clone)]
pub struct JsonSchemaDataConfig {
    /// `object.additional.properties` (true): structs accept properties they do not declare.
    pub allow_additional_properties: bool,
    /// `use.optional.for.nonrequired` (false): properties not `required` are optional.
    pub use_optional_for_nonrequired: bool,
    /// `decimal.format` (BASE64).
    pub decimal_format: DecimalFormat,
    /// `flatten.singleton.unions` (true).
    pub flatten_singleton_unions: bool,
    /// `ignore.default.for.nullables` (false).
    pub ignore_default_for_nullables: bool,
    /// `generalized.sum.type.support` (false).
    pub generalized_sum_type_support: bool,
    /// `json.fail.invalid.schema` (false): values are checked against their schema when
    /// written and read.
    pub fail_invalid_schema: bool,
}

impl Default for JsonSchemaDataConfig {
    fn default() -> Self {
        JsonSchemaDataConfig {
            allow_additional_properties: true,
            use_optional_for_nonrequired: false,
            decimal_format: DecimalFormat::Base64,
            flatten_singleton_unions: true,
            ignore_default_for_nullables: false,
            generalized_sum_type_support: false,
            fail_invalid_schema: false,
        }
    }
}

impl JsonSchemaDataConfig {
    pub fn parse(s: &BTreeMap<String, String>) -> Result<JsonSchemaDataConfig, String> {
        let decimal_format = match s.get("decimal.format").map(|v| v.trim().to_ascii_uppercase()) {
            None => DecimalFormat::Base64,
            Some(v) if v == "BASE64" => DecimalFormat::Base64,
            Some(v) if v == "NUMERIC" => DecimalFormat::Numeric,
            Some(v) => {
                return Err(format!(
                    "Invalid value {v} for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC"
                ))
            }
        };
        Ok(JsonSchemaDataConfig {
            allow_additional_properties: bool_setting(s, "object.additional.properties", true)?,
            use_optional_for_nonrequired: bool_setting(s, "use.optional.for.nonrequired", false)?,
            decimal_format,
            flatten_singleton_unions: bool_setting(s, "flatten.singleton.unions", true)?,
            ignore_default_for_nullables: bool_setting(s, "ignore.default.for.nullables", false)?,
            generalized_sum_type_support: bool_setting(s, "generalized.sum.type.support", false)?,
            fail_invalid_schema: bool_setting(s, "json.fail.invalid.schema", false)?,
        })
    }
}

/// Kafka Connect data ↔ JSON Schema and JSON, as Confluent's `JsonSchemaData`.
pub struct JsonSchemaData {
    pub config: JsonSchemaDataConfig,
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    Json::Object(m)
}

/// A JSON number from Java's rendering of a float (serde_json prints the exponent as
/// `e+20` where Jackson prints `E20`: the same number).
fn number(text: &str) -> Json {
    serde_json::from_str::<serde_json::Number>(text)
        .map(Json::Number)
        .unwrap_or_else(|_| Json::String(text.to_string()))
}

/// The `connect.type` of a number schema.
fn connect_type_name(t: SchemaType) -> &'static str {
    match t {
        SchemaType::Int8 => "int8",
        SchemaType::Int16 => "int16",
        SchemaType::Int32 => "int32",
        SchemaType::Int64 => "int64",
        SchemaType::Float32 => "float32",
        _ => "float64",
    }
}

fn is_union(s: &Schema) -> bool {
    s.schema_type == SchemaType::Struct
        && (s.name.as_deref() == Some(JSON_TYPE_ONE_OF)
            || s.param(GENERALIZED_TYPE_UNION).is_some())
}

fn b64(b: &[u8]) -> Json {
    Json::String(base64::engine::general_purpose::STANDARD.encode(b))
}

fn err(m: impl Into<String>) -> DataError {
    DataError::new(m)
}

/// The non-optional copy of a schema (a union's members, an optional struct's inside).
fn required(s: &Schema) -> Schema {
    let mut c = s.clone();
    c.optional = false;
    c
}

impl JsonSchemaData {
    pub fn new(config: JsonSchemaDataConfig) -> JsonSchemaData {
        JsonSchemaData { config }
    }

    /// The JSON Schema of a Connect schema.
    ///
    /// A top-level schema that is not an object names its dialect (`$schema`, draft-07):
    /// registries that detect the language from the text (Apicurio's Confluent API) refuse a
    /// bare `{"type":"string"}` as JSON Schema. Confluent's own converter leaves it out.
    pub fn from_connect_schema(&self, s: &Schema) -> Result<Json, DataError> {
        let j = self.raw_schema(s, None, false)?;
        match j {
            Json::Object(o) if o.get("type").and_then(Json::as_str) != Some("object") => {
                let mut with = Map::new();
                with.insert("$schema".into(), Json::String(DRAFT_07.into()));
                with.extend(o);
                Ok(Json::Object(with))
            }
            other => Ok(other),
        }
    }

    fn raw_schema(
        &self,
        s: &Schema,
        index: Option<usize>,
        ignore_optional: bool,
    ) -> Result<Json, DataError> {
        let mut props: Vec<(&str, Json)> = Vec::new();
        let mut connect: Vec<(&str, Json)> = Vec::new();
        let connect_type = |t: &str| (CONNECT_TYPE_PROP, Json::String(t.to_string()));
        // A combined (oneOf) schema: no title, doc, parameters or default of its own.
        let mut combined = false;
        match s.schema_type {
            SchemaType::Int8 | SchemaType::Int16 | SchemaType::Int32 | SchemaType::Int64 => {
                props.push(("type", "integer".into()));
                connect.push(connect_type(connect_type_name(s.schema_type)));
            }
            SchemaType::Float32 | SchemaType::Float64 => {
                props.push(("type", "number".into()));
                connect.push(connect_type(connect_type_name(s.schema_type)));
            }
            SchemaType::Boolean => props.push(("type", "boolean".into())),
            SchemaType::String => {
                let enum_param = if self.config.generalized_sum_type_support {
                    GENERALIZED_TYPE_ENUM
                } else {
                    JSON_TYPE_ENUM
                };
                let has_enum =
                    s.param(GENERALIZED_TYPE_ENUM).is_some() || s.param(JSON_TYPE_ENUM).is_some();
                if has_enum {
                    let prefix = format!("{enum_param}.");
                    let symbols: Vec<Json> = s
                        .parameters
                        .iter()
                        .flatten()
                        .filter_map(|(k, _)| k.strip_prefix(&prefix))
                        .map(|sym| {
                            if sym == NULL_MARKER {
                                Json::Null
                            } else {
                                Json::String(sym.to_string())
                            }
                        })
                        .collect();
                    props.push(("enum", Json::Array(symbols)));
                } else {
                    props.push(("type", "string".into()));
                }
            }
            SchemaType::Bytes => {
                let numeric =
                    s.is_logical(DECIMAL) && self.config.decimal_format == DecimalFormat::Numeric;
                props.push(("type", if numeric { "number" } else { "string" }.into()));
                connect.push(connect_type("bytes"));
            }
            SchemaType::Array => {
                let items = s
                    .value_schema
                    .as_deref()
                    .ok_or_else(|| err("Array schema without items"))?;
                props.push(("type", "array".into()));
                props.push(("items", self.raw_schema(items, None, false)?));
            }
            SchemaType::Map => {
                let k = s
                    .key_schema
                    .as_deref()
                    .ok_or_else(|| err("Map schema without keys"))?;
                let v = s
                    .value_schema
                    .as_deref()
                    .ok_or_else(|| err("Map schema without values"))?;
                if k.schema_type == SchemaType::String && !k.optional {
                    props.push(("type", "object".into()));
                    props.push(("additionalProperties", self.raw_schema(v, None, false)?));
                } else {
                    let entry = obj(vec![
                        ("type", "object".into()),
                        (
                            "properties",
                            obj(vec![
                                (KEY_FIELD, self.raw_schema(k, Some(0), false)?),
                                (VALUE_FIELD, self.raw_schema(v, Some(1), false)?),
                            ]),
                        ),
                    ]);
                    props.push(("type", "array".into()));
                    props.push(("items", entry));
                }
                connect.push(connect_type("map"));
            }
            SchemaType::Struct => {
                if is_union(s) {
                    let mut subs = Vec::new();
                    if s.optional {
                        subs.push(obj(vec![("type", "null".into())]));
                    }
                    for (i, f) in s.fields.iter().enumerate() {
                        subs.push(self.raw_schema(&required(&f.schema), Some(i), true)?);
                    }
                    props.push(("oneOf", Json::Array(subs)));
                    combined = true;
                } else if s.optional && !ignore_optional {
                    let inner = self.raw_schema(&required(s), None, false)?;
                    props.push((
                        "oneOf",
                        Json::Array(vec![obj(vec![("type", "null".into())]), inner]),
                    ));
                    combined = true;
                } else {
                    let mut fields = Map::new();
                    for (i, f) in s.fields.iter().enumerate() {
                        fields.insert(f.name.clone(), self.raw_schema(&f.schema, Some(i), false)?);
                    }
                    props.push(("type", "object".into()));
                    props.push(("properties", Json::Object(fields)));
                    if !self.config.allow_additional_properties {
                        props.push(("additionalProperties", Json::Bool(false)));
                    }
                }
            }
        }
        if combined {
            let mut out = Map::new();
            for (k, v) in props {
                out.insert(k.to_string(), v);
            }
            if let Some(i) = index {
                out.insert(CONNECT_INDEX_PROP.to_string(), Json::from(i));
            }
            return Ok(Json::Object(out));
        }
        let mut out = Map::new();
        if let Some(n) = &s.name {
            out.insert("title".into(), Json::String(n.clone()));
        }
        if let Some(d) = &s.doc {
            out.insert("description".into(), Json::String(d.clone()));
        }
        if let Some(d) = &s.default_value {
            if let Some(j) = self.from_connect_data(Some(s), d)? {
                out.insert("default".into(), j);
            }
        }
        for (k, v) in props {
            out.insert(k.to_string(), v);
        }
        for (k, v) in connect {
            out.insert(k.to_string(), v);
        }
        if let Some(v) = s.version {
            out.insert(CONNECT_VERSION_PROP.into(), Json::from(v));
        }
        let params: Map<String, Json> = s
            .parameters
            .iter()
            .flatten()
            .filter(|(k, _)| !k.starts_with(NAMESPACE))
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect();
        if !params.is_empty() {
            out.insert(CONNECT_PARAMETERS_PROP.into(), Json::Object(params));
        }
        if s.optional && !ignore_optional {
            let mut wrapper = Map::new();
            wrapper.insert(
                "oneOf".into(),
                Json::Array(vec![obj(vec![("type", "null".into())]), Json::Object(out)]),
            );
            if let Some(i) = index {
                wrapper.insert(CONNECT_INDEX_PROP.into(), Json::from(i));
            }
            return Ok(Json::Object(wrapper));
        }
        if let Some(i) = index {
            out.insert(CONNECT_INDEX_PROP.into(), Json::from(i));
        }
        Ok(Json::Object(out))
    }

    /// The JSON of a Connect value; `None` where Connect's is Java's null (a property left out).
    pub fn from_connect_data(
        &self,
        schema: Option<&Schema>,
        v: &Value,
    ) -> Result<Option<Json>, DataError> {
        let Some(s) = schema else {
            return Err(err(
                "schemaless data is not supported by the JsonSchemaConverter",
            ));
        };
        if v.is_null() {
            if let (Some(d), false) = (&s.default_value, self.config.ignore_default_for_nullables) {
                return self.from_connect_data(Some(s), d);
            }
            return Ok(if s.optional { Some(Json::Null) } else { None });
        }
        let mismatch = || {
            err(format!(
                "Invalid type for {}: {}",
                s.schema_type.connect_name(),
                v.type_name()
            ))
        };
        match s.name.as_deref() {
            Some(DECIMAL) if s.schema_type == SchemaType::Bytes => {
                let scale = s.decimal_scale()?;
                let unscaled = decimal_unscaled(scale, v)?;
                return Ok(Some(match self.config.decimal_format {
                    DecimalFormat::Numeric => number(&big_decimal_string(unscaled, scale)),
                    DecimalFormat::Base64 if unscaled.is_empty() => b64(&[0]),
                    DecimalFormat::Base64 => b64(unscaled),
                }));
            }
            _ => {}
        }
        let mut text = Vec::new();
        Ok(Some(match (s.schema_type, v) {
            (SchemaType::Int8, Value::Int8(i)) => Json::from(*i),
            (SchemaType::Int16, Value::Int16(i)) => Json::from(*i),
            (SchemaType::Int32, Value::Int32(i)) => Json::from(*i),
            (SchemaType::Int64, Value::Int64(i)) => Json::from(*i),
            (SchemaType::Float32, Value::Float32(f)) => {
                write_f32(&mut text, *f);
                number(&String::from_utf8_lossy(&text))
            }
            (SchemaType::Float64, Value::Float64(f)) => {
                write_f64(&mut text, *f);
                number(&String::from_utf8_lossy(&text))
            }
            (SchemaType::Boolean, Value::Boolean(b)) => Json::Bool(*b),
            (SchemaType::String, Value::String(t)) => Json::String(t.clone()),
            (SchemaType::Bytes, Value::Bytes(b)) => b64(b),
            (SchemaType::Array, Value::Array(items)) => {
                let es = s.value_schema.as_deref();
                Json::Array(
                    items
                        .iter()
                        .map(|i| Ok(self.from_connect_data(es, i)?.unwrap_or(Json::Null)))
                        .collect::<Result<_, DataError>>()?,
                )
            }
            (SchemaType::Map, Value::Map(entries)) => {
                let ks = s.key_schema.as_deref();
                let vs = s.value_schema.as_deref();
                let object_mode =
                    ks.is_some_and(|k| k.schema_type == SchemaType::String && !k.optional);
                if object_mode {
                    let mut m = Map::new();
                    for (k, val) in entries {
                        let key = match self.from_connect_data(ks, k)? {
                            Some(Json::String(t)) => t,
                            Some(other) => other.to_string(),
                            None => "null".to_string(),
                        };
                        m.insert(key, self.from_connect_data(vs, val)?.unwrap_or(Json::Null));
                    }
                    Json::Object(m)
                } else {
                    let mut list = Vec::with_capacity(entries.len());
                    for (k, val) in entries {
                        list.push(obj(vec![
                            (
                                KEY_FIELD,
                                self.from_connect_data(ks, k)?.unwrap_or(Json::Null),
                            ),
                            (
                                VALUE_FIELD,
                                self.from_connect_data(vs, val)?.unwrap_or(Json::Null),
                            ),
                        ]));
                    }
                    Json::Array(list)
                }
            }
            (SchemaType::Struct, Value::Struct(st)) => {
                if st.schema.as_ref() != s {
                    return Err(err("Mismatching schema."));
                }
                if is_union(s) {
                    for (f, fv) in s.fields.iter().zip(&st.values) {
                        let fv = self.field_value(f, fv);
                        if !fv.is_null() {
                            return self.from_connect_data(Some(&f.schema), fv);
                        }
                    }
                    return self.from_connect_data(Some(s), &Value::Null);
                }
                let mut m = Map::new();
                for (f, fv) in s.fields.iter().zip(&st.values) {
                    let fv = self.field_value(f, fv);
                    if let Some(j) = self.from_connect_data(Some(&f.schema), fv)? {
                        m.insert(f.name.clone(), j);
                    }
                }
                Json::Object(m)
            }
            _ => return Err(mismatch()),
        }))
    }

    /// `Struct.get(field)`: the field's default for a null value (unless
    /// `ignore.default.for.nullables`).
    fn field_value<'a>(&self, f: &'a Field, v: &'a Value) -> &'a Value {
        match (
            &f.schema.default_value,
            v.is_null() && !self.config.ignore_default_for_nullables,
        ) {
            (Some(d), true) => d,
            _ => v,
        }
    }

    /// The Connect schema of a JSON Schema; `version` is the registry's when the schema has
    /// no `connect.version`.
    pub fn to_connect_schema(&self, j: &Json, version: Option<i32>) -> Result<Schema, DataError> {
        let mut unions = 0usize;
        self.to_connect(j, version, false, &mut unions)
    }

    fn to_connect(
        &self,
        j: &Json,
        version: Option<i32>,
        force_optional: bool,
        unions: &mut usize,
    ) -> Result<Schema, DataError> {
        let o = match j {
            Json::Object(o) => o,
            Json::Bool(true) => {
                return Err(err("Unsupported schema type: the empty schema (any value)"))
            }
            other => return Err(err(format!("Unsupported JSON Schema {other}"))),
        };
        let ctype = o.get(CONNECT_TYPE_PROP).and_then(Json::as_str);
        // "type": [..] is a union of those types (as everit reads it).
        if let Some(Json::Array(types)) = o.get("type") {
            let subs: Vec<Json> = types
                .iter()
                .map(|t| {
                    let mut c = o.clone();
                    c.insert("type".into(), t.clone());
                    Json::Object(c)
                })
                .collect();
            let mut c = Map::new();
            c.insert("anyOf".into(), Json::Array(subs));
            return self.to_connect(&Json::Object(c), version, force_optional, unions);
        }
        let mut b = if let Some(subs) = o
            .get("oneOf")
            .or_else(|| o.get("anyOf"))
            .and_then(Json::as_array)
        {
            if subs.len() == 1 && self.config.flatten_singleton_unions {
                return self.to_connect(&subs[0], None, false, unions);
            }
            let is_null = |s: &Json| s.get("type").and_then(Json::as_str) == Some("null");
            if subs.len() == 2 && subs.iter().any(is_null) {
                let inner = subs.iter().find(|s| !is_null(s)).unwrap_or(&subs[0]);
                return self.to_connect(inner, version, true, unions);
            }
            let name = if self.config.generalized_sum_type_support {
                let n = format!("connect_union_{unions}");
                *unions += 1;
                n
            } else {
                JSON_TYPE_ONE_OF.to_string()
            };
            let mut b = Schema::new(SchemaType::Struct).named(&name);
            if self.config.generalized_sum_type_support {
                b = b.parameter(GENERALIZED_TYPE_UNION, &name);
            }
            let mut index = 0;
            for sub in subs {
                if is_null(sub) {
                    b.optional = true;
                } else {
                    let field = if self.config.generalized_sum_type_support {
                        format!("connect_union_field_{index}")
                    } else {
                        format!("{name}.field.{index}")
                    };
                    b = b.field(&field, self.to_connect(sub, None, true, unions)?);
                    index += 1;
                }
            }
            b
        } else if let Some(Json::Array(symbols)) = o.get("enum") {
            self.enum_schema(symbols)
        } else if let Some(c) = o.get("const") {
            self.enum_schema(std::slice::from_ref(c))
        } else if o.contains_key("allOf") {
            return Err(err("Unsupported criterion allOf"));
        } else {
            match o.get("type").and_then(Json::as_str) {
                Some("boolean") => Schema::new(SchemaType::Boolean),
                Some(t @ ("integer" | "number")) => match ctype {
                    None if t == "integer" => Schema::new(SchemaType::Int64),
                    None => Schema::new(SchemaType::Float64),
                    Some("bytes") => Schema::new(SchemaType::Bytes),
                    Some(ct) => Schema::new(
                        [
                            SchemaType::Int8,
                            SchemaType::Int16,
                            SchemaType::Int32,
                            SchemaType::Int64,
                            SchemaType::Float32,
                            SchemaType::Float64,
                        ]
                        .into_iter()
                        .find(|t| connect_type_name(*t) == ct)
                        .ok_or_else(|| err(format!("Unsupported type {ct}")))?,
                    ),
                },
                Some("string") => Schema::new(if ctype == Some("bytes") {
                    SchemaType::Bytes
                } else {
                    SchemaType::String
                }),
                Some("array") => {
                    let items = o
                        .get("items")
                        .ok_or_else(|| err("Array schema did not specify the items type"))?;
                    let entry_props = items.get("properties").and_then(Json::as_object);
                    match (ctype, entry_props) {
                        (Some("map"), Some(p)) => {
                            let k = p
                                .get(KEY_FIELD)
                                .ok_or_else(|| err("Map entry without a key schema"))?;
                            let v = p
                                .get(VALUE_FIELD)
                                .ok_or_else(|| err("Map entry without a value schema"))?;
                            Schema::map(
                                self.to_connect(k, None, false, unions)?,
                                self.to_connect(v, None, false, unions)?,
                            )
                        }
                        _ => Schema::array(self.to_connect(items, None, false, unions)?),
                    }
                }
                Some("object") if ctype == Some("map") => {
                    let v = o
                        .get("additionalProperties")
                        .filter(|v| v.is_object())
                        .ok_or_else(|| err("Map schema did not specify the values type"))?;
                    Schema::map(
                        Schema::new(SchemaType::String),
                        self.to_connect(v, None, false, unions)?,
                    )
                }
                Some("object") => {
                    let mut b = Schema::new(SchemaType::Struct);
                    let required: Vec<&str> = o
                        .get("required")
                        .and_then(Json::as_array)
                        .map(|r| r.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default();
                    let mut fields: Vec<(u64, &String, &Json)> = Vec::new();
                    if let Some(p) = o.get("properties").and_then(Json::as_object) {
                        for (n, sub) in p {
                            let idx = sub
                                .get(CONNECT_INDEX_PROP)
                                .and_then(Json::as_u64)
                                .unwrap_or(fields.len() as u64);
                            fields.push((idx, n, sub));
                        }
                    }
                    fields.sort_by_key(|(i, _, _)| *i);
                    for (_, n, sub) in fields {
                        let optional = self.config.use_optional_for_nonrequired
                            && !required.contains(&n.as_str());
                        b = b.field(n, self.to_connect(sub, None, optional, unions)?);
                    }
                    b
                }
                Some(other) => return Err(err(format!("Unsupported schema type {other}"))),
                None if o.contains_key("$ref") => {
                    return Err(err(
                        "Unsupported schema: references ($ref) are not resolved",
                    ))
                }
                None => return Err(err("Unsupported schema type: the empty schema (any value)")),
            }
        };
        if let (Some(t), None) = (o.get("title").and_then(Json::as_str), &b.name) {
            b.name = Some(t.to_string());
        }
        if let Some(v) = o.get(CONNECT_VERSION_PROP).and_then(Json::as_i64) {
            b.version = Some(v as i32);
        } else if version.is_some() {
            b.version = version;
        }
        if let Some(d) = o.get("description").and_then(Json::as_str) {
            b.doc = Some(d.to_string());
        }
        if let Some(p) = o.get(CONNECT_PARAMETERS_PROP).and_then(Json::as_object) {
            let params = b.parameters.get_or_insert_with(Vec::new);
            for (k, v) in p {
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                match params.iter_mut().find(|(pk, _)| pk == k) {
                    Some(e) => e.1 = v,
                    None => params.push((k.clone(), v)),
                }
            }
        }
        if let Some(d) = o.get("default") {
            let value = self.to_connect_data(&b, Some(d))?;
            if !value.is_null() {
                b.default_value = Some(value);
            }
        }
        if force_optional {
            b.optional = true;
        }
        Ok(b)
    }

    fn enum_schema(&self, symbols: &[Json]) -> Schema {
        let param = if self.config.generalized_sum_type_support {
            GENERALIZED_TYPE_ENUM
        } else {
            JSON_TYPE_ENUM
        };
        let mut b = Schema::new(SchemaType::String).parameter(param, "");
        for (i, sym) in symbols.iter().enumerate() {
            let sym = match sym {
                Json::Null => NULL_MARKER.to_string(),
                Json::String(t) => t.clone(),
                other => other.to_string(),
            };
            let v = if self.config.generalized_sum_type_support {
                i.to_string()
            } else {
                sym.clone()
            };
            b = b.parameter(&format!("{param}.{sym}"), &v);
        }
        b
    }

    /// The Connect value of JSON (`None`: the property is absent).
    pub fn to_connect_data(&self, s: &Schema, j: Option<&Json>) -> Result<Value, DataError> {
        let j = match j {
            None | Some(Json::Null) => {
                if let Some(d) = &s.default_value {
                    return Ok(d.clone());
                }
                if j.is_none() || s.optional {
                    return Ok(Value::Null);
                }
                return Err(err(format!(
                    "Invalid null value for required {} field",
                    s.schema_type.connect_name()
                )));
            }
            Some(j) => j,
        };
        let wrong = |what: &str| {
            err(format!(
                "Invalid type for {what}, underlying representation should be {} but was {}",
                match what {
                    "Decimal" => "numeric or bytes",
                    "Timestamp" => "integral",
                    _ => "integer",
                },
                node_type(j)
            ))
        };
        match s.name.as_deref() {
            Some(DECIMAL) if s.schema_type == SchemaType::Bytes => {
                let scale = s.decimal_scale()?;
                return match j {
                    Json::Number(n) => Ok(Value::Bytes(numeric_to_unscaled(
                        &n.to_string(),
                        scale,
                        true,
                    )?)),
                    Json::String(t) => base64::engine::general_purpose::STANDARD
                        .decode(t)
                        .map(|b| Value::Bytes(b.into()))
                        .map_err(|_| err("Invalid bytes for Decimal field")),
                    _ => Err(wrong("Decimal")),
                };
            }
            Some(n @ (DATE | TIME)) if s.schema_type == SchemaType::Int32 => {
                return match j.as_i64() {
                    Some(i) if i32::try_from(i).is_ok() => Ok(Value::Int32(i as i32)),
                    _ => Err(wrong(if n == DATE { "Date" } else { "Time" })),
                };
            }
            Some(TIMESTAMP) if s.schema_type == SchemaType::Int64 => {
                return j
                    .as_i64()
                    .map(Value::Int64)
                    .ok_or_else(|| wrong("Timestamp"));
            }
            _ => {}
        }
        let expected = |what: &str| {
            err(format!(
                "Invalid JSON for {} schema: expected {what} but found {}",
                s.schema_type.connect_name(),
                node_type(j)
            ))
        };
        let number = || {
            if j.is_number() {
                Ok(())
            } else {
                Err(expected("a number"))
            }
        };
        Ok(match s.schema_type {
            SchemaType::Boolean => {
                Value::Boolean(j.as_bool().ok_or_else(|| expected("a boolean"))?)
            }
            SchemaType::Int8 => {
                number()?;
                Value::Int8(long_value(j) as i16 as i8)
            }
            SchemaType::Int16 => {
                number()?;
                Value::Int16(long_value(j) as i16)
            }
            SchemaType::Int32 => {
                number()?;
                Value::Int32(long_value(j) as i32)
            }
            SchemaType::Int64 => {
                number()?;
                Value::Int64(long_value(j))
            }
            SchemaType::Float32 => {
                Value::Float32(j.as_f64().ok_or_else(|| expected("a number"))? as f32)
            }
            SchemaType::Float64 => Value::Float64(j.as_f64().ok_or_else(|| expected("a number"))?),
            SchemaType::String => {
                Value::String(j.as_str().ok_or_else(|| expected("a string"))?.to_string())
            }
            SchemaType::Bytes => {
                let t = j.as_str().ok_or_else(|| expected("a base64 string"))?;
                Value::Bytes(
                    base64::engine::general_purpose::STANDARD
                        .decode(t)
                        .map_err(|_| err("Invalid bytes field"))?
                        .into(),
                )
            }
            SchemaType::Array => {
                let es = s
                    .value_schema
                    .as_deref()
                    .ok_or_else(|| err("Array schema without items"))?;
                let items = j.as_array().ok_or_else(|| expected("an array"))?;
                Value::Array(
                    items
                        .iter()
                        .map(|i| self.to_connect_data(es, Some(i)))
                        .collect::<Result<_, _>>()?,
                )
            }
            SchemaType::Map => {
                let ks = s
                    .key_schema
                    .as_deref()
                    .ok_or_else(|| err("Map schema without keys"))?;
                let vs = s
                    .value_schema
                    .as_deref()
                    .ok_or_else(|| err("Map schema without values"))?;
                if ks.schema_type == SchemaType::String && !ks.optional {
                    let m = j.as_object().ok_or_else(|| {
                        err(format!(
                            "Maps with string fields should be encoded as JSON objects, but found {}",
                            node_type(j)
                        ))
                    })?;
                    Value::Map(
                        m.iter()
                            .map(|(k, v)| {
                                Ok((Value::String(k.clone()), self.to_connect_data(vs, Some(v))?))
                            })
                            .collect::<Result<_, DataError>>()?,
                    )
                } else {
                    let list = j.as_array().ok_or_else(|| {
                        err(format!(
                            "Maps with non-string fields should be encoded as JSON array of objects, but found {}",
                            node_type(j)
                        ))
                    })?;
                    let mut entries = Vec::with_capacity(list.len());
                    for e in list {
                        let e = e.as_object().ok_or_else(|| {
                            err(format!(
                                "Found invalid map entry instead of object: {}",
                                node_type(e)
                            ))
                        })?;
                        if e.len() != 2 {
                            return Err(err(format!(
                                "Found invalid map entry, expected length 2 but found :{}",
                                e.len()
                            )));
                        }
                        entries.push((
                            self.to_connect_data(ks, e.get(KEY_FIELD))?,
                            self.to_connect_data(vs, e.get(VALUE_FIELD))?,
                        ));
                    }
                    Value::Map(entries)
                }
            }
            SchemaType::Struct => {
                let schema = Arc::new(s.clone());
                if is_union(s) {
                    let mut best: Option<(usize, &Field)> = None;
                    for f in &s.fields {
                        if simple_instance(&f.schema, j) {
                            let v = self.to_connect_data(&f.schema, Some(j))?;
                            return Ok(Value::Struct(Struct::new(schema.clone()).put(&f.name, v)));
                        }
                        let m = match_struct(&f.schema, j);
                        if m > best.map_or(0, |(n, _)| n) {
                            best = Some((m, f));
                        }
                    }
                    let (_, f) =
                        best.ok_or_else(|| err("Did not find matching oneof field for data"))?;
                    let v = self.to_connect_data(&f.schema, Some(j))?;
                    return Ok(Value::Struct(Struct::new(schema).put(&f.name, v)));
                }
                let m = j.as_object().ok_or_else(|| {
                    err(format!(
                        "Structs should be encoded as JSON objects, but found {}",
                        node_type(j)
                    ))
                })?;
                let mut st = Struct::new(schema);
                for (i, f) in s.fields.iter().enumerate() {
                    st.values[i] = self.to_connect_data(&f.schema, m.get(&f.name))?;
                }
                Value::Struct(st)
            }
        })
    }
}

/// `isInstanceOfSchemaTypeForSimpleSchema`: a union member taking this JSON as it is.
fn simple_instance(s: &Schema, j: &Json) -> bool {
    match s.schema_type {
        SchemaType::Int8 | SchemaType::Int16 | SchemaType::Int32 | SchemaType::Int64 => {
            j.as_i64().is_some() || j.as_u64().is_some()
        }
        SchemaType::Float32 | SchemaType::Float64 => j.is_number(),
        SchemaType::Boolean => j.is_boolean(),
        SchemaType::String => j.is_string(),
        // Jackson's tree holds base64 as text: only a decimal (a number) is BYTES here.
        SchemaType::Bytes => j.is_number() && s.is_logical(DECIMAL),
        SchemaType::Array => j.is_array(),
        SchemaType::Map => j.is_object() || j.is_array(),
        SchemaType::Struct => false,
    }
}

/// `matchStructSchema`: how many properties of the JSON a struct member declares (deeply).
fn match_struct(s: &Schema, j: &Json) -> usize {
    let (SchemaType::Struct, Some(o)) = (s.schema_type, j.as_object()) else {
        return 0;
    };
    s.fields
        .iter()
        .filter_map(|f| o.get(&f.name).map(|v| 1 + match_struct(&f.schema, v)))
        .sum()
}

/// JSON Schema as a registered schema language.
pub struct JsonSchemaFormat {
    pub data: JsonSchemaData,
}

impl SchemaFormat for JsonSchemaFormat {
    type Parsed = Json;
    const NAME: &'static str = "JSON Schema";
    const SCHEMA_TYPE: Option<&'static str> = Some("JSON");

    fn from_connect_schema(&self, s: &Schema) -> Result<Json, DataError> {
        self.data.from_connect_schema(s)
    }

    fn print(&self, p: &Json) -> String {
        p.to_string()
    }

    fn record_name(&self, p: &Json) -> Option<String> {
        p.get("title").and_then(Json::as_str).map(str::to_string)
    }

    fn parse(&self, text: &str) -> Result<Json, DataError> {
        let j: Json = serde_json::from_str(text)
            .map_err(|e| err(format!("Invalid JSON Schema {text}: {e}")))?;
        if !(j.is_object() || j.is_boolean()) {
            return Err(err(format!("Invalid JSON Schema {text}: not an object")));
        }
        Ok(j)
    }

    fn has_connect_version(&self, p: &Json) -> bool {
        p.get(CONNECT_VERSION_PROP).is_some()
    }

    fn to_connect_schema(&self, p: &Json, version: Option<i32>) -> Result<Schema, DataError> {
        self.data.to_connect_schema(p, version)
    }

    fn encode(
        &self,
        s: &Schema,
        p: &Json,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), DataError> {
        let j = self
            .data
            .from_connect_data(Some(s), value)?
            .unwrap_or(Json::Null);
        if self.data.config.fail_invalid_schema {
            validate(p, &j, "$")?;
        }
        serde_json::to_writer(out, &j).map_err(|e| err(e.to_string()))
    }

    const WRITES_FOR_LATEST: bool = true;

    /// As Confluent's serializer with `use.latest.version`: the record's JSON (which does
    /// not depend on the schema it is written for) under the latest schema's id, checked
    /// against the latest schema with `json.fail.invalid.schema`.
    fn encode_for_latest(
        &self,
        s: &Schema,
        _p: &Json,
        latest: &Json,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), DataError> {
        self.encode(s, latest, value, out)
    }

    fn decode(&self, s: &Arc<Schema>, p: &Json, bytes: &[u8]) -> Result<Value, DataError> {
        let j: Json =
            serde_json::from_slice(bytes).map_err(|e| err(format!("Invalid JSON: {e}")))?;
        if self.data.config.fail_invalid_schema {
            validate(p, &j, "$")?;
        }
        self.data.to_connect_data(s, Some(&j))
    }
}

/// A check of a value against the JSON Schema keywords this mapping writes (`type`,
/// `properties`, `required`, `additionalProperties`, `items`, `enum`, `oneOf`, `anyOf`).
fn validate(schema: &Json, j: &Json, at: &str) -> Result<(), DataError> {
    let Some(o) = schema.as_object() else {
        return if schema == &Json::Bool(false) {
            Err(err(format!("{at}: no value is valid here")))
        } else {
            Ok(())
        };
    };
    let invalid = |m: String| Err(err(format!("Validation error at {at}: {m}")));
    let type_ok = |t: &str| match t {
        "null" => j.is_null(),
        "boolean" => j.is_boolean(),
        "integer" => {
            j.as_i64().is_some()
                || j.as_u64().is_some()
                || j.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => j.is_number(),
        "string" => j.is_string(),
        "array" => j.is_array(),
        "object" => j.is_object(),
        _ => true,
    };
    match o.get("type") {
        Some(Json::String(t)) if !type_ok(t) => {
            return invalid(format!("expected type {t}, found {}", node_type(j)))
        }
        Some(Json::Array(ts)) if !ts.iter().filter_map(Json::as_str).any(type_ok) => {
            return invalid(format!(
                "expected one of the types {}, found {}",
                Json::Array(ts.clone()),
                node_type(j)
            ))
        }
        _ => {}
    }
    if let Some(Json::Array(e)) = o.get("enum") {
        if !e.contains(j) {
            return invalid(format!("{j} is not one of {}", Json::Array(e.clone())));
        }
    }
    if let Some(Json::Array(subs)) = o.get("oneOf") {
        let n = subs.iter().filter(|s| validate(s, j, at).is_ok()).count();
        if n != 1 {
            return invalid(format!(
                "{n} subschemas of oneOf matched, expected exactly 1"
            ));
        }
    }
    if let Some(Json::Array(subs)) = o.get("anyOf") {
        if !subs.iter().any(|s| validate(s, j, at).is_ok()) {
            return invalid("no subschema of anyOf matched".into());
        }
    }
    if let Some(m) = j.as_object() {
        let props = o.get("properties").and_then(Json::as_object);
        for r in o
            .get("required")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
        {
            if !m.contains_key(r) {
                return invalid(format!("required property {r} not found"));
            }
        }
        for (k, v) in m {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(ps, v, &format!("{at}.{k}"))?,
                None => match o.get("additionalProperties") {
                    Some(Json::Bool(false)) => {
                        return invalid(format!("extraneous key [{k}] is not permitted"))
                    }
                    Some(ap @ Json::Object(_)) => validate(ap, v, &format!("{at}.{k}"))?,
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(a)) = (o.get("items"), j.as_array()) {
        for (i, v) in a.iter().enumerate() {
            validate(items, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// Confluent's JsonSchemaConverter.
pub type JsonSchemaConverter = RegisteredConverter<JsonSchemaFormat>;

impl RegisteredConverter<JsonSchemaFormat> {
    pub fn new(
        settings: &BTreeMap<String, String>,
        is_key: bool,
    ) -> Result<JsonSchemaConverter, String> {
        let data = JsonSchemaData::new(JsonSchemaDataConfig::parse(settings)?);
        RegisteredConverter::with_format(JsonSchemaFormat { data }, settings, is_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data() -> JsonSchemaData {
        JsonSchemaData::new(JsonSchemaDataConfig::default())
    }

    fn every_type() -> Schema {
        let entry = Schema::map(
            Schema::new(SchemaType::Int32),
            Schema::new(SchemaType::String),
        );
        Schema::new(SchemaType::Struct)
            .named("com.example.Every")
            .field("i8", Schema::new(SchemaType::Int8))
            .field("i16", Schema::new(SchemaType::Int16))
            .field("i32", Schema::new(SchemaType::Int32))
            .field("i64", Schema::new(SchemaType::Int64))
            .field("f32", Schema::new(SchemaType::Float32))
            .field("f64", Schema::new(SchemaType::Float64))
            .field("flag", Schema::new(SchemaType::Boolean))
            .field("text", Schema::new(SchemaType::String).optional())
            .field("raw", Schema::new(SchemaType::Bytes))
            .field("amount", Schema::decimal(2))
            .field("day", Schema::date())
            .field("at", Schema::time())
            .field("ts", Schema::timestamp())
            .field("tags", Schema::array(Schema::new(SchemaType::String)))
            .field(
                "attrs",
                Schema::map(
                    Schema::new(SchemaType::String),
                    Schema::new(SchemaType::Int64),
                ),
            )
            .field("codes", entry)
            .field(
                "inner",
                Schema::new(SchemaType::Struct)
                    .named("com.example.Inner")
                    .field("n", Schema::new(SchemaType::Int32))
                    .optional(),
            )
    }

    fn every_value(s: &Arc<Schema>) -> Value {
        let inner = s.fields[16].schema.clone();
        let mut inner_req = (*inner).clone();
        inner_req.optional = true;
        Value::Struct(
            Struct::new(s.clone())
                .put("i8", Value::Int8(-8))
                .put("i16", Value::Int16(1600))
                .put("i32", Value::Int32(-32))
                .put("i64", Value::Int64(1 << 40))
                .put("f32", Value::Float32(1.5))
                .put("f64", Value::Float64(1e20))
                .put("flag", Value::Boolean(true))
                .put("text", Value::Null)
                .put("raw", Value::Bytes(vec![0u8, 1, 2, 255].into()))
                .put("amount", Value::Bytes(vec![0x30, 0x39].into()))
                .put("day", Value::Int32(19000))
                .put("at", Value::Int32(3_600_000))
                .put("ts", Value::Int64(1_700_000_000_123))
                .put(
                    "tags",
                    Value::Array(vec![Value::String("a".into()), Value::String("b".into())]),
                )
                .put(
                    "attrs",
                    Value::Map(vec![(Value::String("k".into()), Value::Int64(7))]),
                )
                .put(
                    "codes",
                    Value::Map(vec![(Value::Int32(1), Value::String("one".into()))]),
                )
                .put(
                    "inner",
                    Value::Struct(Struct::new(inner).put("n", Value::Int32(3))),
                ),
        )
    }

    #[test]
    fn schema_as_confluent_writes_it() {
        let j = data().from_connect_schema(&every_type()).unwrap();
        assert_eq!(j["title"], "com.example.Every");
        assert_eq!(j["type"], "object");
        let p = &j["properties"];
        assert_eq!(
            p["i8"],
            json!({"type": "integer", "connect.type": "int8", "connect.index": 0})
        );
        assert_eq!(
            p["f32"],
            json!({"type": "number", "connect.type": "float32", "connect.index": 4})
        );
        assert_eq!(
            p["text"],
            json!({"oneOf": [{"type": "null"}, {"type": "string"}], "connect.index": 7})
        );
        assert_eq!(
            p["raw"],
            json!({"type": "string", "connect.type": "bytes", "connect.index": 8})
        );
        assert_eq!(
            p["amount"],
            json!({"title": "org.apache.kafka.connect.data.Decimal", "type": "string", "connect.type": "bytes",
                   "connect.version": 1, "connect.parameters": {"scale": "2"}, "connect.index": 9})
        );
        assert_eq!(
            p["day"],
            json!({"title": "org.apache.kafka.connect.data.Date", "type": "integer", "connect.type": "int32",
                   "connect.version": 1, "connect.index": 10})
        );
        assert_eq!(
            p["attrs"],
            json!({"type": "object", "additionalProperties": {"type": "integer", "connect.type": "int64"},
                   "connect.type": "map", "connect.index": 14})
        );
        assert_eq!(
            p["codes"],
            json!({"type": "array", "items": {"type": "object", "properties": {
                       "key": {"type": "integer", "connect.type": "int32", "connect.index": 0},
                       "value": {"type": "string", "connect.index": 1}}},
                   "connect.type": "map", "connect.index": 15})
        );
        assert_eq!(p["inner"]["oneOf"][0], json!({"type": "null"}));
        assert_eq!(p["inner"]["oneOf"][1]["title"], "com.example.Inner");
        assert_eq!(p["inner"]["connect.index"], 16);
    }

    #[test]
    fn every_type_round_trips() {
        let d = data();
        let s = Arc::new(every_type());
        let js = d.from_connect_schema(&s).unwrap();
        let back = d.to_connect_schema(&js, None).unwrap();
        assert_eq!(back, *s);
        let v = every_value(&s);
        let j = d.from_connect_data(Some(&s), &v).unwrap().unwrap();
        assert_eq!(j["i64"], json!(1u64 << 40));
        assert_eq!(j["f64"].as_f64(), Some(1e20));
        assert_eq!(j["raw"], "AAEC/w==");
        assert_eq!(j["amount"], "MDk=");
        assert_eq!(j["codes"], json!([{"key": 1, "value": "one"}]));
        assert!(j.get("text").unwrap().is_null());
        let read = d.to_connect_data(&back, Some(&j)).unwrap();
        let Value::Struct(read) = read else { panic!() };
        let Value::Struct(orig) = v else { panic!() };
        assert_eq!(read.values, orig.values);
    }

    #[test]
    fn decimal_numeric_and_defaults() {
        let d = JsonSchemaData::new(JsonSchemaDataConfig {
            decimal_format: DecimalFormat::Numeric,
            ..Default::default()
        });
        let mut count = Schema::new(SchemaType::Int32).optional();
        count.default_value = Some(Value::Int32(5));
        let s = Arc::new(
            Schema::new(SchemaType::Struct)
                .field("amount", Schema::decimal(2))
                .field("count", count),
        );
        let js = d.from_connect_schema(&s).unwrap();
        assert_eq!(js["properties"]["amount"]["type"], "number");
        assert_eq!(js["properties"]["count"]["oneOf"][1]["default"], 5);
        let v = Value::Struct(
            Struct::new(s.clone()).put("amount", Value::Bytes(vec![0x30, 0x39].into())),
        );
        let j = d.from_connect_data(Some(&s), &v).unwrap().unwrap();
        assert_eq!(j.to_string(), r#"{"amount":123.45,"count":5}"#);
        let back = d.to_connect_schema(&js, None).unwrap();
        assert_eq!(back, *s);
        // A number with fewer decimals than the scale is widened; the default fills a gap.
        let read = d
            .to_connect_data(&back, Some(&json!({"amount": 12.5})))
            .unwrap();
        let Value::Struct(read) = read else { panic!() };
        assert_eq!(
            read.values,
            vec![Value::Bytes(vec![0x04, 0xe2].into()), Value::Int32(5)]
        );
    }

    #[test]
    fn schemas_as_users_write_them() {
        let d = data();
        let js = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "User", "type": "object",
            "properties": {
                "name": {"type": "string"},
                "age": {"type": ["integer", "null"]},
                "score": {"type": "number"},
                "kind": {"enum": ["a", "b"]},
                "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
            },
            "required": ["name"]
        });
        let s = d.to_connect_schema(&js, Some(3)).unwrap();
        assert_eq!(s.name.as_deref(), Some("User"));
        assert_eq!(s.version, Some(3));
        let names: Vec<_> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["name", "age", "score", "kind", "id"]);
        assert_eq!(s.fields[0].schema.schema_type, SchemaType::String);
        assert!(s.fields[1].schema.optional);
        assert_eq!(s.fields[1].schema.schema_type, SchemaType::Int64);
        assert_eq!(s.fields[2].schema.schema_type, SchemaType::Float64);
        assert_eq!(
            s.fields[3].schema.param("io.confluent.connect.json.Enum.b"),
            Some("b")
        );
        assert_eq!(s.fields[4].schema.name.as_deref(), Some(JSON_TYPE_ONE_OF));
        let v = d
            .to_connect_data(
                &s,
                Some(&json!({"name": "x", "age": null, "score": 1, "kind": "a", "id": 7})),
            )
            .unwrap();
        let Value::Struct(v) = v else { panic!() };
        assert_eq!(v.values[1], Value::Null);
        assert_eq!(v.values[2], Value::Float64(1.0));
        let Value::Struct(id) = &v.values[4] else {
            panic!()
        };
        assert_eq!(id.values, vec![Value::Null, Value::Int64(7)]);
        // Written back, the union is its member's value.
        let j = d
            .from_connect_data(Some(&s), &Value::Struct(v))
            .unwrap()
            .unwrap();
        assert_eq!(j["id"], 7);
        // use.optional.for.nonrequired
        let d = JsonSchemaData::new(JsonSchemaDataConfig {
            use_optional_for_nonrequired: true,
            ..Default::default()
        });
        let s = d.to_connect_schema(&js, None).unwrap();
        assert!(!s.fields[0].schema.optional);
        assert!(s.fields[2].schema.optional);
    }

    #[test]
    fn invalid_values_with_fail_invalid_schema() {
        let f = JsonSchemaFormat {
            data: JsonSchemaData::new(JsonSchemaDataConfig {
                fail_invalid_schema: true,
                ..Default::default()
            }),
        };
        let schema = json!({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"],
                            "additionalProperties": false});
        let s = Arc::new(f.to_connect_schema(&schema, None).unwrap());
        assert!(f.decode(&s, &schema, br#"{"n": 1}"#).is_ok());
        let e = f.decode(&s, &schema, br#"{"n": "one"}"#).unwrap_err();
        assert!(e.message.contains("expected type integer"), "{}", e.message);
        assert!(f
            .decode(&s, &schema, br#"{}"#)
            .unwrap_err()
            .message
            .contains("required property n"));
        assert!(f
            .decode(&s, &schema, br#"{"n": 1, "m": 2}"#)
            .unwrap_err()
            .message
            .contains("extraneous key [m]"));
        // Without the setting a missing required value is Connect's error.
        let lax = JsonSchemaFormat { data: data() };
        assert!(lax.decode(&s, &schema, br#"{"n": 1, "m": 2}"#).is_ok());
    }
}
