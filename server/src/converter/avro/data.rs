//! Kafka Connect data ↔ Avro, as Confluent's `AvroData` maps them: schemas both ways
//! (optional as a union with null, defaults, names and namespaces, docs, `connect.name`,
//! `connect.doc`, `connect.version`, `connect.parameters`, `connect.default`,
//! `connect.type` for int8/int16, the Decimal, Date, Time and Timestamp logical types,
//! maps with non-string keys as arrays of `MapEntry` records, enums and unions with
//! `enhanced.avro.schema.support`), and values through [`Datum`].

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Map, Value as Json};

use super::schema::{AvroField, AvroSchema, Datum, Kind, Name};
use crate::converter::java::{double_to_string, float_to_string};
use crate::data::{
    minimal_twos_complement, DataError, Schema, SchemaType, Struct, Value, DATE, DECIMAL,
    DECIMAL_SCALE, TIME, TIMESTAMP,
};

pub const NAMESPACE: &str = "io.confluent.connect.avro";
pub const DEFAULT_SCHEMA_NAME: &str = "ConnectDefault";
pub const DEFAULT_SCHEMA_FULL_NAME: &str = "io.confluent.connect.avro.ConnectDefault";
pub const MAP_ENTRY_TYPE_NAME: &str = "MapEntry";
pub const CONNECT_NAME_PROP: &str = "connect.name";
pub const CONNECT_DOC_PROP: &str = "connect.doc";
pub const CONNECT_VERSION_PROP: &str = "connect.version";
pub const CONNECT_DEFAULT_VALUE_PROP: &str = "connect.default";
pub const CONNECT_PARAMETERS_PROP: &str = "connect.parameters";
pub const CONNECT_INTERNAL_TYPE_NAME: &str = "connect.internal.type";
pub const CONNECT_TYPE_PROP: &str = "connect.type";
pub const AVRO_RECORD_DOC_PROP: &str = "io.confluent.connect.avro.record.doc";
pub const AVRO_ENUM_DOC_PREFIX_PROP: &str = "io.confluent.connect.avro.enum.doc.";
pub const AVRO_FIELD_DOC_PREFIX_PROP: &str = "io.confluent.connect.avro.field.doc.";
pub const AVRO_FIELD_DEFAULT_FLAG_PROP: &str = "io.confluent.connect.avro.field.default";
pub const AVRO_ENUM_DEFAULT_PREFIX_PROP: &str = "io.confluent.connect.avro.enum.default.";
pub const AVRO_TYPE_UNION: &str = "io.confluent.connect.avro.Union";
pub const AVRO_TYPE_ENUM: &str = "io.confluent.connect.avro.Enum";
pub const CONNECT_AVRO_FIXED_SIZE_PROP: &str = "connect.fixed.size";
pub const CONNECT_AVRO_DECIMAL_PRECISION_PROP: &str = "connect.decimal.precision";
pub const CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT: i32 = 64;

/// The settings of `AvroDataConfig` that Polyconnect honours.
#[derive(Debug, Clone)]
pub struct AvroDataConfig {
    /// `connect.meta.data` (default true).
    pub connect_meta_data: bool,
    /// `enhanced.avro.schema.support` (default false).
    pub enhanced_schema_support: bool,
    /// `schemas.cache.config` (default 1000).
    pub schemas_cache_size: usize,
}

impl Default for AvroDataConfig {
    fn default() -> Self {
        AvroDataConfig {
            connect_meta_data: true,
            enhanced_schema_support: false,
            schemas_cache_size: 1000,
        }
    }
}

#[derive(Default)]
struct FromCtx {
    name_index: u32,
    cache: Vec<(Schema, AvroSchema)>,
}

fn is_union_schema(s: &Schema) -> bool {
    s.name.as_deref() == Some(AVRO_TYPE_UNION)
}

fn non_optional(s: &Schema) -> Schema {
    let mut c = s.clone();
    c.optional = false;
    c
}

fn set_param(params: &mut Option<Vec<(String, String)>>, k: &str, v: &str) {
    let p = params.get_or_insert_with(Vec::new);
    match p.iter_mut().find(|(key, _)| key == k) {
        Some(e) => e.1 = v.to_string(),
        None => p.push((k.to_string(), v.to_string())),
    }
}

fn json_number(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or(Json::Null)
}

fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

fn from_latin1(s: &str) -> Option<Bytes> {
    s.chars()
        .map(|c| u8::try_from(c as u32).ok())
        .collect::<Option<Vec<u8>>>()
        .map(Bytes::from)
}

/// Whether a field default is valid for its schema (Avro refuses the others; Confluent then
/// leaves the field without a default).
fn default_fits(s: &AvroSchema, d: &Json) -> bool {
    match (&s.kind, d) {
        (Kind::Null, Json::Null) => true,
        (Kind::Boolean, Json::Bool(_)) => true,
        (Kind::Int | Kind::Long, Json::Number(n)) => n.is_i64() || n.is_u64(),
        (Kind::Float | Kind::Double, Json::Number(_)) => true,
        (Kind::Bytes | Kind::String | Kind::Fixed { .. } | Kind::Enum { .. }, Json::String(_)) => {
            true
        }
        (Kind::Array(items), Json::Array(v)) => v.iter().all(|x| default_fits(items, x)),
        (Kind::Map(values), Json::Object(o)) => o.values().all(|x| default_fits(values, x)),
        (Kind::Record { fields, .. }, Json::Object(o)) => {
            fields.iter().all(|f| match o.get(&f.name) {
                Some(x) => default_fits(&f.schema, x),
                None => f.default.is_some(),
            })
        }
        (Kind::Union(m), _) => m.first().is_some_and(|f| default_fits(f, d)),
        _ => false,
    }
}

pub struct AvroData {
    pub config: AvroDataConfig,
}

impl AvroData {
    pub fn new(config: AvroDataConfig) -> AvroData {
        AvroData { config }
    }

    // ================================================================ Connect → Avro

    /// The Avro schema of a Connect schema (`AvroData.fromConnectSchema`).
    pub fn from_connect_schema(&self, s: &Schema) -> Result<AvroSchema, DataError> {
        let mut ctx = FromCtx::default();
        self.fc(s, &mut ctx, false)
    }

    fn name_or_default(ctx: &mut FromCtx, name: Option<&str>) -> Name {
        match name {
            Some(n) => Name::parse(n),
            None => {
                ctx.name_index += 1;
                let i = ctx.name_index;
                Name {
                    name: if i > 1 {
                        format!("{DEFAULT_SCHEMA_NAME}{i}")
                    } else {
                        DEFAULT_SCHEMA_NAME.to_string()
                    },
                    namespace: Some(NAMESPACE.to_string()),
                }
            }
        }
    }

    fn add_field(
        &self,
        fields: &mut Vec<AvroField>,
        name: &str,
        fs: &Schema,
        doc: Option<String>,
        ctx: &mut FromCtx,
    ) -> Result<(), DataError> {
        let default = match &fs.default_value {
            Some(d) => Some(self.default_from_connect(fs, d)?),
            None if fs.optional => Some(Json::Null),
            None => None,
        };
        let schema = self.fc(fs, ctx, false)?;
        let default = default.filter(|d| default_fits(&schema, d));
        fields.push(AvroField {
            name: name.to_string(),
            schema,
            doc,
            default,
            props: Vec::new(),
        });
        Ok(())
    }

    fn fc(
        &self,
        s: &Schema,
        ctx: &mut FromCtx,
        ignore_optional: bool,
    ) -> Result<AvroSchema, DataError> {
        if !is_union_schema(s) && !s.optional {
            if let Some((_, a)) = ctx.cache.iter().find(|(k, _)| k == s) {
                return Ok(a.clone());
            }
        }
        let mut connect_type = None;
        let mut base = match s.schema_type {
            SchemaType::Int8 => {
                connect_type = Some("int8");
                AvroSchema::new(Kind::Int)
            }
            SchemaType::Int16 => {
                connect_type = Some("int16");
                AvroSchema::new(Kind::Int)
            }
            SchemaType::Int32 => AvroSchema::new(Kind::Int),
            SchemaType::Int64 => AvroSchema::new(Kind::Long),
            SchemaType::Float32 => AvroSchema::new(Kind::Float),
            SchemaType::Float64 => AvroSchema::new(Kind::Double),
            SchemaType::Boolean => AvroSchema::new(Kind::Boolean),
            SchemaType::String => match s.param(AVRO_TYPE_ENUM) {
                Some(enum_name) if self.config.enhanced_schema_support => {
                    let prefix = format!("{AVRO_TYPE_ENUM}.");
                    let symbols = s
                        .parameters
                        .iter()
                        .flatten()
                        .filter_map(|(k, _)| k.strip_prefix(&prefix).map(str::to_string))
                        .collect();
                    let short = Self::name_or_default(ctx, s.name.as_deref()).name;
                    AvroSchema::new(Kind::Enum {
                        name: Name::parse(enum_name),
                        doc: s
                            .param(&format!("{AVRO_ENUM_DOC_PREFIX_PROP}{short}"))
                            .map(str::to_string),
                        symbols,
                        default: s
                            .param(&format!("{AVRO_ENUM_DEFAULT_PREFIX_PROP}{short}"))
                            .map(str::to_string),
                    })
                }
                _ => AvroSchema::new(Kind::String),
            },
            SchemaType::Bytes => {
                let mut b = match s.param(CONNECT_AVRO_FIXED_SIZE_PROP) {
                    Some(size) => AvroSchema::new(Kind::Fixed {
                        name: Self::name_or_default(ctx, s.name.as_deref()),
                        doc: None,
                        size: size.parse().map_err(|_| {
                            DataError::new(format!(
                                "Invalid {CONNECT_AVRO_FIXED_SIZE_PROP}: {size}"
                            ))
                        })?,
                    }),
                    None => AvroSchema::new(Kind::Bytes),
                };
                if s.is_logical(DECIMAL) {
                    b.add_prop("scale", Json::from(s.decimal_scale()?));
                    let precision = match s.param(CONNECT_AVRO_DECIMAL_PRECISION_PROP) {
                        Some(p) => p.parse::<i32>().map_err(|_| {
                            DataError::new(format!("Invalid decimal precision: {p}"))
                        })?,
                        None => CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT,
                    };
                    b.add_prop("precision", Json::from(precision));
                }
                b
            }
            SchemaType::Array => AvroSchema::new(Kind::Array(Box::new(
                self.fc(
                    s.value_schema
                        .as_deref()
                        .ok_or_else(|| DataError::new("array without items"))?,
                    ctx,
                    false,
                )?,
            ))),
            SchemaType::Map => {
                let ks = s
                    .key_schema
                    .as_deref()
                    .ok_or_else(|| DataError::new("map without keys"))?;
                let vs = s
                    .value_schema
                    .as_deref()
                    .ok_or_else(|| DataError::new("map without values"))?;
                if ks.schema_type == SchemaType::String && !ks.optional {
                    AvroSchema::new(Kind::Map(Box::new(self.fc(vs, ctx, false)?)))
                } else {
                    let (name, props) = match &s.name {
                        None => (
                            Name {
                                name: MAP_ENTRY_TYPE_NAME.into(),
                                namespace: Some(NAMESPACE.into()),
                            },
                            Vec::new(),
                        ),
                        Some(n) => (
                            Name::parse(n),
                            vec![(
                                CONNECT_INTERNAL_TYPE_NAME.to_string(),
                                Json::from(MAP_ENTRY_TYPE_NAME),
                            )],
                        ),
                    };
                    let mut fields = Vec::new();
                    self.add_field(&mut fields, "key", ks, None, ctx)?;
                    self.add_field(&mut fields, "value", vs, None, ctx)?;
                    AvroSchema::new(Kind::Array(Box::new(AvroSchema {
                        kind: Kind::Record {
                            name,
                            doc: None,
                            fields,
                        },
                        props,
                    })))
                }
            }
            SchemaType::Struct => {
                if is_union_schema(s) {
                    let mut members = Vec::new();
                    if s.optional {
                        members.push(AvroSchema::new(Kind::Null));
                    }
                    for f in &s.fields {
                        members.push(self.fc(&non_optional(&f.schema), ctx, true)?);
                    }
                    AvroSchema::new(Kind::Union(members))
                } else if s.optional {
                    AvroSchema::new(Kind::Union(vec![
                        AvroSchema::new(Kind::Null),
                        self.fc(&non_optional(s), ctx, false)?,
                    ]))
                } else {
                    let name = Self::name_or_default(ctx, s.name.as_deref());
                    let doc = s.param(AVRO_RECORD_DOC_PROP).map(str::to_string);
                    let mut fields = Vec::new();
                    for f in &s.fields {
                        let fdoc = s
                            .param(&format!("{AVRO_FIELD_DOC_PREFIX_PROP}{}", f.name))
                            .map(str::to_string);
                        self.add_field(&mut fields, &f.name, &f.schema, fdoc, ctx)?;
                    }
                    AvroSchema::new(Kind::Record { name, doc, fields })
                }
            }
        };
        let mut out = base.clone();
        if !matches!(base.kind, Kind::Union(_)) {
            if self.config.connect_meta_data {
                if let Some(d) = &s.doc {
                    base.add_prop(CONNECT_DOC_PROP, Json::from(d.as_str()));
                }
                if let Some(v) = s.version {
                    base.add_prop(CONNECT_VERSION_PROP, Json::from(v));
                }
                if let Some(params) = &s.parameters {
                    let mut m = Map::new();
                    for (k, v) in params {
                        if k != AVRO_FIELD_DEFAULT_FLAG_PROP {
                            m.insert(k.clone(), Json::from(v.as_str()));
                        }
                    }
                    if !m.is_empty() {
                        base.add_prop(CONNECT_PARAMETERS_PROP, Json::Object(m));
                    }
                }
                if let Some(d) = &s.default_value {
                    if s.param(AVRO_FIELD_DEFAULT_FLAG_PROP).is_none() {
                        let j = self.default_from_connect(s, d)?;
                        base.add_prop(CONNECT_DEFAULT_VALUE_PROP, j);
                    }
                }
                if let Some(n) = &s.name {
                    base.add_prop(CONNECT_NAME_PROP, Json::from(n.as_str()));
                }
                if let Some(t) = connect_type {
                    base.add_prop(CONNECT_TYPE_PROP, Json::from(t));
                }
            }
            let mut legacy_decimal = false;
            if s.is_logical(DECIMAL) {
                let precision = s
                    .param(CONNECT_AVRO_DECIMAL_PRECISION_PROP)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT);
                let scale: i32 = s
                    .param(DECIMAL_SCALE)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                if scale < 0 || scale > precision {
                    legacy_decimal = true;
                } else {
                    base.add_prop("logicalType", Json::from("decimal"));
                }
            } else if s.is_logical(TIME) {
                base.add_prop("logicalType", Json::from("time-millis"));
            } else if s.is_logical(TIMESTAMP) {
                base.add_prop("logicalType", Json::from("timestamp-millis"));
            } else if s.is_logical(DATE) {
                base.add_prop("logicalType", Json::from("date"));
            }
            if s.is_logical(DECIMAL)
                && (s.param(CONNECT_AVRO_DECIMAL_PRECISION_PROP).is_some() || legacy_decimal)
            {
                base.add_prop("logicalType", Json::from("decimal"));
            }
            for (k, v) in s.parameters.iter().flatten() {
                if k.starts_with("avro") {
                    base.add_prop(k, Json::from(v.as_str()));
                }
            }
            out = if ignore_optional || !s.optional {
                base
            } else if s.default_value.is_some() {
                AvroSchema::new(Kind::Union(vec![base, AvroSchema::new(Kind::Null)]))
            } else {
                AvroSchema::new(Kind::Union(vec![AvroSchema::new(Kind::Null), base]))
            };
        }
        if !s.optional {
            ctx.cache.push((s.clone(), out.clone()));
        }
        Ok(out)
    }

    /// A Connect default as Avro JSON (`defaultValueFromConnect`).
    fn default_from_connect(&self, s: &Schema, v: &Value) -> Result<Json, DataError> {
        let bad = || {
            DataError::new(format!(
                "Invalid type used for default value of {} field",
                s.schema_type.connect_name()
            ))
        };
        Ok(match (s.schema_type, v) {
            (_, Value::Null) => Json::Null,
            (SchemaType::Int8, Value::Int8(i)) => Json::from(*i),
            (SchemaType::Int16, Value::Int16(i)) => Json::from(*i),
            (SchemaType::Int32, Value::Int32(i)) => Json::from(*i),
            (SchemaType::Int64, Value::Int64(i)) => Json::from(*i),
            (SchemaType::Float32, Value::Float32(f)) => json_number(&float_to_string(*f)),
            (SchemaType::Float64, Value::Float64(f)) => json_number(&double_to_string(*f)),
            (SchemaType::Boolean, Value::Boolean(b)) => Json::from(*b),
            (SchemaType::String, Value::String(t)) => Json::from(t.as_str()),
            (SchemaType::Bytes, Value::Bytes(b)) => Json::from(latin1(if s.is_logical(DECIMAL) {
                minimal_twos_complement(b)
            } else {
                b
            })),
            (SchemaType::Bytes, Value::Decimal { unscaled, .. }) => {
                Json::from(latin1(minimal_twos_complement(unscaled)))
            }
            (SchemaType::Array, Value::Array(items)) => {
                let vs = s.value_schema.as_deref().ok_or_else(bad)?;
                Json::Array(
                    items
                        .iter()
                        .map(|x| self.default_from_connect(vs, x))
                        .collect::<Result<_, _>>()?,
                )
            }
            (SchemaType::Map, Value::Map(entries)) => {
                let ks = s.key_schema.as_deref().ok_or_else(bad)?;
                let vs = s.value_schema.as_deref().ok_or_else(bad)?;
                if ks.schema_type == SchemaType::String && !ks.optional {
                    let mut m = Map::new();
                    for (k, x) in entries {
                        let Value::String(k) = k else {
                            return Err(bad());
                        };
                        m.insert(k.clone(), self.default_from_connect(vs, x)?);
                    }
                    Json::Object(m)
                } else {
                    Json::Array(
                        entries
                            .iter()
                            .map(|(k, x)| {
                                Ok(Json::Array(vec![
                                    self.default_from_connect(ks, k)?,
                                    self.default_from_connect(vs, x)?,
                                ]))
                            })
                            .collect::<Result<_, DataError>>()?,
                    )
                }
            }
            (SchemaType::Struct, Value::Struct(st)) => {
                let mut m = Map::new();
                for (f, x) in s.fields.iter().zip(&st.values) {
                    let d = self.default_from_connect(&f.schema, x)?;
                    if is_union_schema(s) {
                        return Ok(d);
                    }
                    m.insert(f.name.clone(), d);
                }
                Json::Object(m)
            }
            _ => return Err(bad()),
        })
    }

    /// A Connect value as an Avro datum of `a` (the schema `from_connect_schema(s)` made).
    pub fn to_datum(&self, s: &Schema, a: &AvroSchema, v: &Value) -> Result<Datum, DataError> {
        let v = match (v, &s.default_value) {
            (Value::Null, Some(d)) => d,
            _ => v,
        };
        if let Kind::Union(members) = &a.kind {
            if v.is_null() {
                if !s.optional {
                    return Err(DataError::new("Found null value for non-optional schema"));
                }
                let i = members
                    .iter()
                    .position(AvroSchema::is_null)
                    .ok_or_else(|| DataError::new("Found null value for non-optional schema"))?;
                return Ok(Datum::Union(i as u32, Box::new(Datum::Null)));
            }
            if is_union_schema(s) {
                let Value::Struct(st) = v else {
                    return Err(DataError::new("A union value must be a Struct"));
                };
                let offset = usize::from(s.optional);
                for (i, (f, x)) in s.fields.iter().zip(&st.values).enumerate() {
                    if !x.is_null() {
                        let m = &members[i + offset];
                        let d = self.to_datum(&non_optional(&f.schema), m, x)?;
                        return Ok(Datum::Union((i + offset) as u32, Box::new(d)));
                    }
                }
                return Err(DataError::new("A union value must have one field set"));
            }
            let i = members.iter().position(|m| !m.is_null()).unwrap_or(0);
            let inner = non_optional(s);
            return Ok(Datum::Union(
                i as u32,
                Box::new(self.to_datum(&inner, &members[i], v)?),
            ));
        }
        if v.is_null() {
            return Err(DataError::new("Found null value for non-optional schema"));
        }
        let wrong = || {
            DataError::new(format!(
                "Invalid value {} for a schema of type {}",
                v.type_name(),
                s.schema_type.connect_name()
            ))
        };
        Ok(match (&a.kind, v) {
            (Kind::Int, Value::Int8(i)) => Datum::Int(*i as i32),
            (Kind::Int, Value::Int16(i)) => Datum::Int(*i as i32),
            (Kind::Int, Value::Int32(i)) => Datum::Int(*i),
            (Kind::Long, Value::Int64(i)) => Datum::Long(*i),
            (Kind::Float, Value::Float32(f)) => Datum::Float(*f),
            (Kind::Double, Value::Float64(f)) => Datum::Double(*f),
            (Kind::Boolean, Value::Boolean(b)) => Datum::Boolean(*b),
            (Kind::String, Value::String(t)) => Datum::String(t.clone()),
            (Kind::Enum { symbols, .. }, Value::String(t)) => Datum::Enum(
                symbols
                    .iter()
                    .position(|x| x == t)
                    .ok_or_else(|| DataError::new(format!("Unknown enum symbol {t}")))?
                    as u32,
            ),
            (Kind::Bytes, Value::Bytes(b)) if s.is_logical(DECIMAL) => {
                Datum::Bytes(Bytes::copy_from_slice(minimal_twos_complement(b)))
            }
            (Kind::Bytes, Value::Decimal { unscaled, .. }) => {
                Datum::Bytes(Bytes::copy_from_slice(minimal_twos_complement(unscaled)))
            }
            (Kind::Bytes, Value::Bytes(b)) => Datum::Bytes(b.clone()),
            (Kind::Fixed { size, .. }, Value::Bytes(b)) => {
                if s.is_logical(DECIMAL) {
                    // Sign-extended to the fixed size.
                    let m = minimal_twos_complement(b);
                    if m.len() > *size {
                        return Err(DataError::new("Decimal does not fit its fixed size"));
                    }
                    let fill = if m.first().is_some_and(|b| b & 0x80 != 0) {
                        0xff
                    } else {
                        0
                    };
                    let mut out = vec![fill; size - m.len()];
                    out.extend_from_slice(m);
                    Datum::Fixed(Bytes::from(out))
                } else {
                    Datum::Fixed(b.clone())
                }
            }
            (Kind::Array(items), Value::Array(xs)) => {
                let vs = s.value_schema.as_deref().ok_or_else(wrong)?;
                Datum::Array(
                    xs.iter()
                        .map(|x| self.to_datum(vs, items, x))
                        .collect::<Result<_, _>>()?,
                )
            }
            (Kind::Array(entry), Value::Map(entries)) => {
                let ks = s.key_schema.as_deref().ok_or_else(wrong)?;
                let vs = s.value_schema.as_deref().ok_or_else(wrong)?;
                let Kind::Record { fields, .. } = &entry.kind else {
                    return Err(wrong());
                };
                Datum::Array(
                    entries
                        .iter()
                        .map(|(k, x)| {
                            Ok(Datum::Record(vec![
                                self.to_datum(ks, &fields[0].schema, k)?,
                                self.to_datum(vs, &fields[1].schema, x)?,
                            ]))
                        })
                        .collect::<Result<_, DataError>>()?,
                )
            }
            (Kind::Map(values), Value::Map(entries)) => {
                let vs = s.value_schema.as_deref().ok_or_else(wrong)?;
                Datum::Map(
                    entries
                        .iter()
                        .map(|(k, x)| {
                            let Value::String(k) = k else {
                                return Err(wrong());
                            };
                            Ok((k.clone(), self.to_datum(vs, values, x)?))
                        })
                        .collect::<Result<_, DataError>>()?,
                )
            }
            (Kind::Record { fields, .. }, Value::Struct(st)) => {
                if st.schema.fields.len() != s.fields.len() {
                    return Err(DataError::new("Struct schemas do not match."));
                }
                Datum::Record(
                    s.fields
                        .iter()
                        .zip(fields)
                        .zip(&st.values)
                        .map(|((f, af), x)| self.to_datum(&f.schema, &af.schema, x))
                        .collect::<Result<_, _>>()?,
                )
            }
            _ => return Err(wrong()),
        })
    }

    // ================================================================ Avro → Connect

    /// The Connect schema of an Avro schema (`AvroData.toConnectSchema`); `version` is the
    /// registry's version of it, used when it carries no `connect.version`.
    pub fn to_connect_schema(
        &self,
        a: &AvroSchema,
        version: Option<i32>,
    ) -> Result<Schema, DataError> {
        self.tc(a, false, None, version)
    }

    fn tc(
        &self,
        a: &AvroSchema,
        force_optional: bool,
        field_default: Option<&Json>,
        version: Option<i32>,
    ) -> Result<Schema, DataError> {
        let meta = self.config.connect_meta_data;
        let connect_type = a.prop_str(CONNECT_TYPE_PROP);
        let logical = a.prop_str("logicalType");
        let mut b = match &a.kind {
            Kind::Boolean => Schema::new(SchemaType::Boolean),
            Kind::Bytes | Kind::Fixed { .. } => {
                let mut b = if logical.is_some_and(|l| l.eq_ignore_ascii_case("decimal")) {
                    let scale = a.prop("scale").and_then(|s| s.as_i64()).unwrap_or(0) as i32;
                    let mut d = Schema::decimal(scale);
                    if let Some(p) = a.prop("precision") {
                        let p = p.as_i64().ok_or_else(|| {
                            DataError::new("precision property must be a JSON Integer.")
                        })?;
                        if p != CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT as i64 {
                            set_param(
                                &mut d.parameters,
                                CONNECT_AVRO_DECIMAL_PRECISION_PROP,
                                &p.to_string(),
                            );
                        }
                    }
                    d
                } else {
                    Schema::new(SchemaType::Bytes)
                };
                if let Kind::Fixed { size, .. } = &a.kind {
                    set_param(
                        &mut b.parameters,
                        CONNECT_AVRO_FIXED_SIZE_PROP,
                        &size.to_string(),
                    );
                }
                b
            }
            Kind::Double => Schema::new(SchemaType::Float64),
            Kind::Float => Schema::new(SchemaType::Float32),
            Kind::Int => match (connect_type, logical) {
                (None, None) => Schema::new(SchemaType::Int32),
                (_, Some(l)) if l.eq_ignore_ascii_case("date") => Schema::date(),
                (_, Some(l)) if l.eq_ignore_ascii_case("time-millis") => Schema::time(),
                (_, Some(_)) => Schema::new(SchemaType::Int32),
                (Some("int8"), None) => Schema::new(SchemaType::Int8),
                (Some("int16"), None) => Schema::new(SchemaType::Int16),
                (Some(_), None) => {
                    return Err(DataError::new(
                        "Connect type annotation for Avro int field is null",
                    ))
                }
            },
            Kind::Long => {
                if logical.is_some_and(|l| l.eq_ignore_ascii_case("timestamp-millis")) {
                    Schema::timestamp()
                } else {
                    Schema::new(SchemaType::Int64)
                }
            }
            Kind::String => Schema::new(SchemaType::String),
            Kind::Array(items) => {
                let is_entry = match &items.kind {
                    Kind::Record { name, .. } => {
                        (name.namespace.as_deref() == Some(NAMESPACE)
                            && name.name == MAP_ENTRY_TYPE_NAME)
                            || items.prop_str(CONNECT_INTERNAL_TYPE_NAME)
                                == Some(MAP_ENTRY_TYPE_NAME)
                    }
                    _ => false,
                };
                if is_entry {
                    let Kind::Record { fields, .. } = &items.kind else {
                        unreachable!()
                    };
                    let k = fields.iter().find(|f| f.name == "key");
                    let v = fields.iter().find(|f| f.name == "value");
                    match (fields.len(), k, v) {
                        (2, Some(k), Some(v)) => Schema::map(
                            self.tc(&k.schema, false, None, None)?,
                            self.tc(&v.schema, false, None, None)?,
                        ),
                        _ => {
                            return Err(DataError::new(
                                "Found map encoded as array of key-value pairs, but array elements do not match the expected format.",
                            ))
                        }
                    }
                } else {
                    Schema::array(self.tc(items, false, None, None)?)
                }
            }
            Kind::Map(values) => Schema::map(
                Schema::new(SchemaType::String),
                self.tc(values, false, None, None)?,
            ),
            Kind::Record { doc, fields, .. } => {
                let mut b = Schema::new(SchemaType::Struct);
                if meta {
                    if let Some(d) = doc {
                        set_param(&mut b.parameters, AVRO_RECORD_DOC_PROP, d);
                    }
                }
                for f in fields {
                    if meta {
                        if let Some(d) = &f.doc {
                            set_param(
                                &mut b.parameters,
                                &format!("{AVRO_FIELD_DOC_PREFIX_PROP}{}", f.name),
                                d,
                            );
                        }
                    }
                    let fs = self.tc(&f.schema, false, f.default.as_ref(), None)?;
                    b = b.field(&f.name, fs);
                }
                b
            }
            Kind::Enum {
                name,
                doc,
                symbols,
                default,
            } => {
                let mut b = Schema::new(SchemaType::String);
                if meta {
                    if let Some(d) = doc {
                        set_param(
                            &mut b.parameters,
                            &format!("{AVRO_ENUM_DOC_PREFIX_PROP}{}", name.name),
                            d,
                        );
                    }
                    if let Some(d) = default {
                        set_param(
                            &mut b.parameters,
                            &format!("{AVRO_ENUM_DEFAULT_PREFIX_PROP}{}", name.name),
                            d,
                        );
                    }
                }
                set_param(&mut b.parameters, AVRO_TYPE_ENUM, &name.full());
                for sym in symbols {
                    set_param(&mut b.parameters, &format!("{AVRO_TYPE_ENUM}.{sym}"), sym);
                }
                b
            }
            Kind::Union(members) => {
                if members.len() == 1 {
                    return self.tc(&members[0], false, None, None);
                }
                if members.len() == 2 && members.iter().any(AvroSchema::is_null) {
                    if let Some(m) = members.iter().find(|m| !m.is_null()) {
                        return self.tc(m, true, None, None);
                    }
                }
                let mut b = Schema::new(SchemaType::Struct).named(AVRO_TYPE_UNION);
                let mut names: Vec<String> = Vec::new();
                for m in members {
                    if m.is_null() {
                        b.optional = true;
                        continue;
                    }
                    let fname = self.union_member_field_name(m);
                    if names.contains(&fname) {
                        return Err(DataError::new(
                            "Multiple union schemas map to the Connect union field name",
                        ));
                    }
                    names.push(fname.clone());
                    b = b.field(&fname, self.tc(m, true, None, None)?);
                }
                b
            }
            Kind::Null => {
                return Err(DataError::new(
                    "Standalone null schemas are not supported by this converter",
                ))
            }
        };
        if let Some(d) = a.prop_str(CONNECT_DOC_PROP) {
            if meta {
                b.doc = Some(d.to_string());
            }
        }
        let version = match a.prop(CONNECT_VERSION_PROP) {
            Some(v) => Some(
                v.as_i64()
                    .ok_or_else(|| DataError::new(format!("Invalid Connect version found: {v}")))?
                    as i32,
            ),
            None => version,
        };
        if let Some(v) = version.filter(|v| *v >= 0) {
            match b.version {
                Some(have) if have != v => {
                    return Err(DataError::new(format!(
                        "Mismatched versions: version already added to SchemaBuilder ({have}) differs from version in source schema ({v})"
                    )))
                }
                _ => b.version = Some(v),
            }
        }
        if meta {
            if let Some(p) = a.prop(CONNECT_PARAMETERS_PROP) {
                let o = p.as_object().ok_or_else(|| {
                    DataError::new(format!(
                        "Expected JSON object for schema parameters but found: {p}"
                    ))
                })?;
                for (k, v) in o {
                    let v = v.as_str().ok_or_else(|| {
                        DataError::new(format!(
                            "Expected schema parameter values to be strings but found: {v}"
                        ))
                    })?;
                    set_param(&mut b.parameters, k, v);
                }
            }
        }
        for (k, v) in &a.props {
            if k.starts_with("avro") {
                let text = match v {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                };
                set_param(&mut b.parameters, k, &text);
            }
        }
        let connect_default = a.prop(CONNECT_DEFAULT_VALUE_PROP);
        let default = match field_default {
            None => connect_default,
            Some(d) => {
                if meta && connect_default.is_none() {
                    set_param(&mut b.parameters, AVRO_FIELD_DEFAULT_FLAG_PROP, "true");
                }
                Some(d)
            }
        };
        if let Some(d) = default {
            match self.default_from_avro(&b, a, d) {
                Ok(v) if !v.is_null() => b.default_value = Some(v),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "ignoring an invalid default of an Avro schema")
                }
            }
        }
        let name = match a.prop(CONNECT_NAME_PROP) {
            Some(Json::String(n)) => Some(n.clone()),
            Some(other) => return Err(DataError::new(format!("Invalid schema name: {other}"))),
            None => match &a.kind {
                Kind::Record { name, .. } | Kind::Enum { name, .. } => Some(name.full()),
                Kind::Fixed { name, .. } if !b.is_logical(DECIMAL) => Some(name.full()),
                _ => None,
            },
        };
        if let Some(n) = name.filter(|n| !n.starts_with(DEFAULT_SCHEMA_FULL_NAME)) {
            match &b.name {
                Some(have) if *have != n => {
                    return Err(DataError::new(format!(
                        "Mismatched names: name already added to SchemaBuilder ({have}) differs from name in source schema ({n})"
                    )))
                }
                _ => b.name = Some(n),
            }
        }
        if force_optional {
            b.optional = true;
        }
        Ok(b)
    }

    fn union_member_field_name(&self, m: &AvroSchema) -> String {
        match m.name() {
            Some(n) if self.config.enhanced_schema_support => n.full(),
            Some(n) => n.name.clone(),
            None => m.type_name().to_string(),
        }
    }

    /// A default in Avro JSON as a Connect value of `s` (made from `a`).
    fn default_from_avro(&self, s: &Schema, a: &AvroSchema, d: &Json) -> Result<Value, DataError> {
        let bad = || {
            DataError::new(format!(
                "Invalid default {d} for a {} schema",
                a.type_name()
            ))
        };
        if d.is_null() {
            return Ok(Value::Null);
        }
        Ok(match (&a.kind, s.schema_type) {
            (Kind::Union(m), _) => {
                let first = m.first().ok_or_else(bad)?;
                if first.is_null() {
                    return Ok(Value::Null);
                }
                if is_union_schema(s) {
                    return Err(bad());
                }
                return self.default_from_avro(s, first, d);
            }
            (_, SchemaType::Int8) => Value::Int8(d.as_i64().ok_or_else(bad)? as i8),
            (_, SchemaType::Int16) => Value::Int16(d.as_i64().ok_or_else(bad)? as i16),
            (_, SchemaType::Int32) => Value::Int32(d.as_i64().ok_or_else(bad)? as i32),
            (_, SchemaType::Int64) => Value::Int64(d.as_i64().ok_or_else(bad)?),
            (_, SchemaType::Float32) => Value::Float32(d.as_f64().ok_or_else(bad)? as f32),
            (_, SchemaType::Float64) => Value::Float64(d.as_f64().ok_or_else(bad)?),
            (_, SchemaType::Boolean) => Value::Boolean(d.as_bool().ok_or_else(bad)?),
            (_, SchemaType::String) => Value::String(d.as_str().ok_or_else(bad)?.to_string()),
            (_, SchemaType::Bytes) => {
                Value::Bytes(from_latin1(d.as_str().ok_or_else(bad)?).ok_or_else(bad)?)
            }
            (Kind::Array(items), SchemaType::Array) => {
                let vs = s.value_schema.as_deref().ok_or_else(bad)?;
                Value::Array(
                    d.as_array()
                        .ok_or_else(bad)?
                        .iter()
                        .map(|x| self.default_from_avro(vs, items, x))
                        .collect::<Result<_, _>>()?,
                )
            }
            (Kind::Map(values), SchemaType::Map) => {
                let vs = s.value_schema.as_deref().ok_or_else(bad)?;
                Value::Map(
                    d.as_object()
                        .ok_or_else(bad)?
                        .iter()
                        .map(|(k, x)| {
                            Ok((
                                Value::String(k.clone()),
                                self.default_from_avro(vs, values, x)?,
                            ))
                        })
                        .collect::<Result<_, DataError>>()?,
                )
            }
            (Kind::Record { fields, .. }, SchemaType::Struct) => {
                let o = d.as_object().ok_or_else(bad)?;
                let schema = Arc::new(s.clone());
                let mut st = Struct::new(schema.clone());
                for (i, (f, af)) in s.fields.iter().zip(fields).enumerate() {
                    if let Some(x) = o.get(&f.name) {
                        st.values[i] = self.default_from_avro(&f.schema, &af.schema, x)?;
                    }
                }
                let mut no_default = s.clone();
                no_default.default_value = None;
                st.schema = Arc::new(no_default);
                Value::Struct(st)
            }
            _ => return Err(bad()),
        })
    }

    /// An Avro datum of `a` as a Connect value of `s` (made by `to_connect_schema(a)`).
    pub fn to_value(&self, s: &Arc<Schema>, a: &AvroSchema, d: Datum) -> Result<Value, DataError> {
        let wrong = || {
            DataError::new(format!(
                "Avro datum does not fit the Connect schema of type {}",
                s.schema_type.connect_name()
            ))
        };
        Ok(match (&a.kind, d) {
            (_, Datum::Null) => Value::Null,
            (Kind::Union(members), Datum::Union(i, inner)) => {
                if matches!(*inner, Datum::Null) {
                    return Ok(Value::Null);
                }
                let m = &members[i as usize];
                if is_union_schema(s) {
                    let field = members[..i as usize]
                        .iter()
                        .filter(|x| !x.is_null())
                        .count();
                    let fs = s.fields.get(field).ok_or_else(wrong)?.schema.clone();
                    let mut st = Struct::new(s.clone());
                    st.values[field] = self.to_value(&fs, m, *inner)?;
                    Value::Struct(st)
                } else {
                    self.to_value(s, m, *inner)?
                }
            }
            (_, Datum::Boolean(b)) => Value::Boolean(b),
            (_, Datum::Int(i)) => match s.schema_type {
                SchemaType::Int8 => Value::Int8(i as i8),
                SchemaType::Int16 => Value::Int16(i as i16),
                _ => Value::Int32(i),
            },
            (_, Datum::Long(i)) => Value::Int64(i),
            (_, Datum::Float(f)) => Value::Float32(f),
            (_, Datum::Double(f)) => Value::Float64(f),
            (_, Datum::Bytes(b)) | (_, Datum::Fixed(b)) => Value::Bytes(b),
            (_, Datum::String(t)) => Value::String(t),
            (Kind::Enum { symbols, .. }, Datum::Enum(i)) => {
                Value::String(symbols.get(i as usize).ok_or_else(wrong)?.clone())
            }
            (Kind::Array(items), Datum::Array(xs)) => {
                if s.schema_type == SchemaType::Map {
                    let ks = s.key_schema.clone().ok_or_else(wrong)?;
                    let vs = s.value_schema.clone().ok_or_else(wrong)?;
                    let Kind::Record { fields, .. } = &items.kind else {
                        return Err(wrong());
                    };
                    let (ki, vi) = (
                        fields
                            .iter()
                            .position(|f| f.name == "key")
                            .ok_or_else(wrong)?,
                        fields
                            .iter()
                            .position(|f| f.name == "value")
                            .ok_or_else(wrong)?,
                    );
                    let mut out = Vec::with_capacity(xs.len());
                    for x in xs {
                        let Datum::Record(mut r) = x else {
                            return Err(wrong());
                        };
                        let v = std::mem::replace(&mut r[vi], Datum::Null);
                        let k = std::mem::replace(&mut r[ki], Datum::Null);
                        out.push((
                            self.to_value(&ks, &fields[ki].schema, k)?,
                            self.to_value(&vs, &fields[vi].schema, v)?,
                        ));
                    }
                    Value::Map(out)
                } else {
                    let vs = s.value_schema.clone().ok_or_else(wrong)?;
                    Value::Array(
                        xs.into_iter()
                            .map(|x| self.to_value(&vs, items, x))
                            .collect::<Result<_, _>>()?,
                    )
                }
            }
            (Kind::Map(values), Datum::Map(entries)) => {
                let vs = s.value_schema.clone().ok_or_else(wrong)?;
                Value::Map(
                    entries
                        .into_iter()
                        .map(|(k, x)| Ok((Value::String(k), self.to_value(&vs, values, x)?)))
                        .collect::<Result<_, DataError>>()?,
                )
            }
            (Kind::Record { fields, .. }, Datum::Record(xs)) => {
                if s.fields.len() != fields.len() {
                    return Err(wrong());
                }
                let values = s
                    .fields
                    .iter()
                    .zip(fields)
                    .zip(xs)
                    .map(|((f, af), x)| self.to_value(&f.schema, &af.schema, x))
                    .collect::<Result<_, _>>()?;
                Value::Struct(Struct {
                    schema: s.clone(),
                    values,
                })
            }
            _ => return Err(wrong()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avro(s: &Schema) -> String {
        AvroData::new(AvroDataConfig::default())
            .from_connect_schema(s)
            .unwrap()
            .to_java_string()
    }

    #[test]
    fn logical_types_and_annotations_as_confluent_writes_them() {
        assert_eq!(
            avro(&Schema::decimal(2)),
            r#"{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}"#
        );
        assert_eq!(
            avro(&Schema::date()),
            r#"{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}"#
        );
        assert_eq!(
            avro(&Schema::timestamp().optional()),
            r#"["null",{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}]"#
        );
        assert_eq!(
            avro(&Schema::new(SchemaType::Int16)),
            r#"{"type":"int","connect.type":"int16"}"#
        );
        let mut d = Schema::new(SchemaType::Int32).optional();
        d.default_value = Some(Value::Int32(5));
        d.doc = Some("five".into());
        let s = Schema::new(SchemaType::Struct).field("f", d).field(
            "m",
            Schema::map(
                Schema::new(SchemaType::Int64),
                Schema::new(SchemaType::String),
            ),
        );
        assert_eq!(
            avro(&s),
            r#"{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"f","type":[{"type":"int","connect.doc":"five","connect.default":5},"null"],"default":5},{"name":"m","type":{"type":"array","items":{"type":"record","name":"MapEntry","fields":[{"name":"key","type":"long"},{"name":"value","type":"string"}]}}}]}"#
        );
    }

    #[test]
    fn connect_schemas_survive_the_round_trip() {
        let data = AvroData::new(AvroDataConfig::default());
        let mut d = Schema::new(SchemaType::String).optional();
        d.default_value = Some(Value::String("x".into()));
        let s = Schema::new(SchemaType::Struct)
            .named("a.b.C")
            .with_version(2)
            .field("i8", Schema::new(SchemaType::Int8))
            .field("d", d)
            .field("dec", Schema::decimal(4))
            .field("t", Schema::time())
            .field(
                "m",
                Schema::map(
                    Schema::new(SchemaType::Int32),
                    Schema::array(Schema::new(SchemaType::Float32)),
                ),
            );
        let a = data.from_connect_schema(&s).unwrap();
        let back = data.to_connect_schema(&a, None).unwrap();
        assert_eq!(back, s);
        // Reparsed from its text: the same.
        let reparsed = super::super::schema::AvroSchema::parse(&a.to_java_string()).unwrap();
        assert_eq!(reparsed, a);
    }
}
