//! Avro schemas: parsed from their JSON form, printed as Apache Avro's Java library prints
//! them (`Schema.toString()`: the text Confluent's converter registers, so the same Connect
//! schema gets the same subject version and id from either), and the binary encoding of
//! values (ADR 0014: a codec of our own rather than the `apache-avro` crate, which drops
//! the properties of primitive schemas that Confluent's mapping relies on).

use std::collections::HashMap;

use bytes::Bytes;
use serde_json::{Map, Value as Json};

use crate::data::DataError;

/// Properties are kept in the order they were added (Avro's Java library does).
pub type Props = Vec<(String, Json)>;

#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub name: String,
    pub namespace: Option<String>,
}

impl Name {
    pub fn full(&self) -> String {
        match &self.namespace {
            Some(ns) if !ns.is_empty() => format!("{ns}.{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// A full name split as Avro does: the namespace is everything before the last dot.
    pub fn parse(full: &str) -> Name {
        match full.rsplit_once('.') {
            Some((ns, n)) => Name {
                name: n.to_string(),
                namespace: Some(ns.to_string()),
            },
            None => Name {
                name: full.to_string(),
                namespace: None,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AvroField {
    pub name: String,
    pub schema: AvroSchema,
    pub doc: Option<String>,
    pub default: Option<Json>,
    pub props: Props,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array(Box<AvroSchema>),
    Map(Box<AvroSchema>),
    Union(Vec<AvroSchema>),
    Record {
        name: Name,
        doc: Option<String>,
        fields: Vec<AvroField>,
    },
    Enum {
        name: Name,
        doc: Option<String>,
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        name: Name,
        doc: Option<String>,
        size: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct AvroSchema {
    pub kind: Kind,
    /// Everything but the reserved keys (`logicalType`, `connect.*`, ...); none for unions.
    pub props: Props,
}

impl AvroSchema {
    pub fn new(kind: Kind) -> AvroSchema {
        AvroSchema {
            kind,
            props: Vec::new(),
        }
    }

    pub fn prop(&self, key: &str) -> Option<&Json> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn prop_str(&self, key: &str) -> Option<&str> {
        self.prop(key).and_then(|v| v.as_str())
    }

    /// Adds a property unless it is there already (Avro's `addProp` keeps the first).
    pub fn add_prop(&mut self, key: &str, value: Json) {
        if self.prop(key).is_none() {
            self.props.push((key.to_string(), value));
        }
    }

    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Bytes => "bytes",
            Kind::String => "string",
            Kind::Array(_) => "array",
            Kind::Map(_) => "map",
            Kind::Union(_) => "union",
            Kind::Record { .. } => "record",
            Kind::Enum { .. } => "enum",
            Kind::Fixed { .. } => "fixed",
        }
    }

    pub fn name(&self) -> Option<&Name> {
        match &self.kind {
            Kind::Record { name, .. } | Kind::Enum { name, .. } | Kind::Fixed { name, .. } => {
                Some(name)
            }
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    // ------------------------------------------------------------ parsing

    pub fn parse(text: &str) -> Result<AvroSchema, DataError> {
        let json: Json = serde_json::from_str(text)
            .map_err(|e| DataError::new(format!("Invalid Avro schema: {e}")))?;
        let mut names = HashMap::new();
        parse_json(&json, None, &mut names)
    }

    // ------------------------------------------------------------ printing

    /// The schema as Avro's Java library prints it (`Schema.toString()`).
    pub fn to_java_string(&self) -> String {
        let mut out = String::new();
        let mut seen = Vec::new();
        write(self, &mut out, &mut seen, &mut None);
        out
    }
}

const PRIMITIVES: &[&str] = &[
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

fn primitive(name: &str) -> Option<Kind> {
    Some(match name {
        "null" => Kind::Null,
        "boolean" => Kind::Boolean,
        "int" => Kind::Int,
        "long" => Kind::Long,
        "float" => Kind::Float,
        "double" => Kind::Double,
        "bytes" => Kind::Bytes,
        "string" => Kind::String,
        _ => return None,
    })
}

fn bad(msg: impl Into<String>) -> DataError {
    DataError::new(format!("Invalid Avro schema: {}", msg.into()))
}

/// The full name of a name written in a schema whose enclosing namespace is `space`.
fn resolve(name: &str, namespace: Option<&str>, space: Option<&str>) -> Name {
    if name.contains('.') {
        return Name::parse(name);
    }
    let ns = match namespace {
        Some(ns) => Some(ns.to_string()).filter(|n| !n.is_empty()),
        None => space.map(str::to_string),
    };
    Name {
        name: name.to_string(),
        namespace: ns,
    }
}

fn parse_json(
    j: &Json,
    space: Option<&str>,
    names: &mut HashMap<String, Option<AvroSchema>>,
) -> Result<AvroSchema, DataError> {
    match j {
        Json::String(s) => {
            if let Some(k) = primitive(s) {
                return Ok(AvroSchema::new(k));
            }
            let full = resolve(s, None, space).full();
            let found = names
                .get(&full)
                .or_else(|| names.get(s.as_str()))
                .ok_or_else(|| bad(format!("undefined name: {s}")))?;
            found
                .clone()
                .ok_or_else(|| bad(format!("recursive schemas are not supported ({s})")))
        }
        Json::Array(items) => Ok(AvroSchema::new(Kind::Union(
            items
                .iter()
                .map(|i| parse_json(i, space, names))
                .collect::<Result<_, _>>()?,
        ))),
        Json::Object(o) => parse_object(o, space, names),
        other => Err(bad(format!("not a schema: {other}"))),
    }
}

fn str_of<'a>(o: &'a Map<String, Json>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(|v| v.as_str())
}

fn props_of(o: &Map<String, Json>, reserved: &[&str]) -> Props {
    o.iter()
        .filter(|(k, _)| !reserved.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn parse_object(
    o: &Map<String, Json>,
    space: Option<&str>,
    names: &mut HashMap<String, Option<AvroSchema>>,
) -> Result<AvroSchema, DataError> {
    let ty = match o.get("type") {
        Some(Json::String(t)) => t.as_str(),
        Some(other) => return parse_json(other, space, names),
        None => return Err(bad("no type")),
    };
    if let Some(k) = primitive(ty) {
        return Ok(AvroSchema {
            kind: k,
            props: props_of(o, &["type"]),
        });
    }
    let named = |names: &HashMap<String, Option<AvroSchema>>| -> Result<Name, DataError> {
        let n = str_of(o, "name").ok_or_else(|| bad(format!("no name in a {ty}")))?;
        let name = resolve(n, str_of(o, "namespace"), space);
        if names.contains_key(&name.full()) {
            return Err(bad(format!("Can't redefine: {}", name.full())));
        }
        Ok(name)
    };
    let doc = str_of(o, "doc").map(str::to_string);
    match ty {
        "record" | "error" => {
            let name = named(names)?;
            let full = name.full();
            names.insert(full.clone(), None);
            let inner = name.namespace.clone();
            let mut fields = Vec::new();
            for f in o
                .get("fields")
                .and_then(|f| f.as_array())
                .ok_or_else(|| bad(format!("record {full} has no fields")))?
            {
                let fo = f
                    .as_object()
                    .ok_or_else(|| bad("a field is not an object"))?;
                let fname = str_of(fo, "name").ok_or_else(|| bad("a field has no name"))?;
                let fty = fo
                    .get("type")
                    .ok_or_else(|| bad(format!("field {fname} has no type")))?;
                fields.push(AvroField {
                    name: fname.to_string(),
                    schema: parse_json(fty, inner.as_deref(), names)?,
                    doc: str_of(fo, "doc").map(str::to_string),
                    default: fo.get("default").cloned(),
                    props: props_of(fo, &["name", "type", "doc", "default", "order", "aliases"]),
                });
            }
            let s = AvroSchema {
                kind: Kind::Record { name, doc, fields },
                props: props_of(
                    o,
                    &["type", "name", "namespace", "doc", "fields", "aliases"],
                ),
            };
            names.insert(full, Some(s.clone()));
            Ok(s)
        }
        "enum" => {
            let name = named(names)?;
            let symbols = o
                .get("symbols")
                .and_then(|s| s.as_array())
                .ok_or_else(|| bad("an enum has no symbols"))?
                .iter()
                .map(|s| {
                    s.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad("a symbol is not a string"))
                })
                .collect::<Result<_, _>>()?;
            let s = AvroSchema {
                kind: Kind::Enum {
                    name: name.clone(),
                    doc,
                    symbols,
                    default: str_of(o, "default").map(str::to_string),
                },
                props: props_of(
                    o,
                    &[
                        "type",
                        "name",
                        "namespace",
                        "doc",
                        "symbols",
                        "default",
                        "aliases",
                    ],
                ),
            };
            names.insert(name.full(), Some(s.clone()));
            Ok(s)
        }
        "fixed" => {
            let name = named(names)?;
            let size = o
                .get("size")
                .and_then(|s| s.as_u64())
                .ok_or_else(|| bad("a fixed has no size"))? as usize;
            let s = AvroSchema {
                kind: Kind::Fixed {
                    name: name.clone(),
                    doc,
                    size,
                },
                props: props_of(o, &["type", "name", "namespace", "doc", "size", "aliases"]),
            };
            names.insert(name.full(), Some(s.clone()));
            Ok(s)
        }
        "array" => Ok(AvroSchema {
            kind: Kind::Array(Box::new(parse_json(
                o.get("items").ok_or_else(|| bad("an array has no items"))?,
                space,
                names,
            )?)),
            props: props_of(o, &["type", "items"]),
        }),
        "map" => Ok(AvroSchema {
            kind: Kind::Map(Box::new(parse_json(
                o.get("values").ok_or_else(|| bad("a map has no values"))?,
                space,
                names,
            )?)),
            props: props_of(o, &["type", "values"]),
        }),
        other => {
            // A named type used as {"type": "a.B"}.
            if !PRIMITIVES.contains(&other) {
                return parse_json(&Json::String(other.to_string()), space, names);
            }
            Err(bad(format!("unknown type {other}")))
        }
    }
}

fn push_json_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn write_props(out: &mut String, props: &Props) {
    for (k, v) in props {
        out.push(',');
        push_json_str(out, k);
        out.push(':');
        out.push_str(&serde_json::to_string(v).unwrap_or_default());
    }
}

/// `"name":..` and `"namespace":..` as Avro writes them inside `space`.
fn write_name(out: &mut String, name: &Name, space: &Option<String>) {
    out.push_str(",\"name\":");
    push_json_str(out, &name.name);
    match (&name.namespace, space) {
        (Some(ns), sp) if sp.as_deref() != Some(ns.as_str()) => {
            out.push_str(",\"namespace\":");
            push_json_str(out, ns);
        }
        (None, Some(_)) => out.push_str(",\"namespace\":\"\""),
        _ => {}
    }
}

/// A reference to a named type written before: its short name within its own namespace.
fn write_ref(out: &mut String, name: &Name, seen: &[String], space: &Option<String>) -> bool {
    let full = name.full();
    if !seen.contains(&full) {
        return false;
    }
    if name.namespace.is_none() || name.namespace == *space {
        push_json_str(out, &name.name);
    } else {
        push_json_str(out, &full);
    }
    true
}

fn write(s: &AvroSchema, out: &mut String, seen: &mut Vec<String>, space: &mut Option<String>) {
    match &s.kind {
        Kind::Union(members) => {
            out.push('[');
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(m, out, seen, space);
            }
            out.push(']');
        }
        Kind::Array(items) => {
            out.push_str("{\"type\":\"array\",\"items\":");
            write(items, out, seen, space);
            write_props(out, &s.props);
            out.push('}');
        }
        Kind::Map(values) => {
            out.push_str("{\"type\":\"map\",\"values\":");
            write(values, out, seen, space);
            write_props(out, &s.props);
            out.push('}');
        }
        Kind::Record { name, doc, fields } => {
            if write_ref(out, name, seen, space) {
                return;
            }
            seen.push(name.full());
            out.push_str("{\"type\":\"record\"");
            write_name(out, name, space);
            let saved = std::mem::replace(space, name.namespace.clone());
            if let Some(d) = doc {
                out.push_str(",\"doc\":");
                push_json_str(out, d);
            }
            out.push_str(",\"fields\":[");
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"name\":");
                push_json_str(out, &f.name);
                out.push_str(",\"type\":");
                write(&f.schema, out, seen, space);
                if let Some(d) = &f.doc {
                    out.push_str(",\"doc\":");
                    push_json_str(out, d);
                }
                if let Some(d) = &f.default {
                    out.push_str(",\"default\":");
                    out.push_str(&serde_json::to_string(d).unwrap_or_default());
                }
                write_props(out, &f.props);
                out.push('}');
            }
            out.push(']');
            write_props(out, &s.props);
            out.push('}');
            *space = saved;
        }
        Kind::Enum {
            name,
            doc,
            symbols,
            default,
        } => {
            if write_ref(out, name, seen, space) {
                return;
            }
            seen.push(name.full());
            out.push_str("{\"type\":\"enum\"");
            write_name(out, name, space);
            if let Some(d) = doc {
                out.push_str(",\"doc\":");
                push_json_str(out, d);
            }
            out.push_str(",\"symbols\":");
            out.push_str(&serde_json::to_string(symbols).unwrap_or_default());
            if let Some(d) = default {
                out.push_str(",\"default\":");
                push_json_str(out, d);
            }
            write_props(out, &s.props);
            out.push('}');
        }
        Kind::Fixed { name, doc, size } => {
            if write_ref(out, name, seen, space) {
                return;
            }
            seen.push(name.full());
            out.push_str("{\"type\":\"fixed\"");
            write_name(out, name, space);
            if let Some(d) = doc {
                out.push_str(",\"doc\":");
                push_json_str(out, d);
            }
            out.push_str(&format!(",\"size\":{size}"));
            write_props(out, &s.props);
            out.push('}');
        }
        _ => {
            let t = s.type_name();
            if s.props.is_empty() {
                out.push('"');
                out.push_str(t);
                out.push('"');
            } else {
                out.push_str("{\"type\":\"");
                out.push_str(t);
                out.push('"');
                write_props(out, &s.props);
                out.push('}');
            }
        }
    }
}

// ---------------------------------------------------------------- values and their encoding

/// A value in Avro's terms (Avro's generic datum), between Connect data and bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    Null,
    Boolean(bool),
    Int(i32),
    Long(i64),
    Float(f32),
    Double(f64),
    Bytes(Bytes),
    String(String),
    Array(Vec<Datum>),
    Map(Vec<(String, Datum)>),
    /// The field values in the record schema's order.
    Record(Vec<Datum>),
    Enum(u32),
    Union(u32, Box<Datum>),
    Fixed(Bytes),
}

fn put_long(out: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_long(out, b.len() as i64);
    out.extend_from_slice(b);
}

fn mismatch(s: &AvroSchema, d: &Datum) -> DataError {
    DataError::new(format!(
        "Avro datum {d:?} does not fit the schema type {}",
        s.type_name()
    ))
}

/// Avro's binary encoding of `d` (of schema `s`).
pub fn encode(s: &AvroSchema, d: &Datum, out: &mut Vec<u8>) -> Result<(), DataError> {
    match (&s.kind, d) {
        (Kind::Null, Datum::Null) => {}
        (Kind::Boolean, Datum::Boolean(b)) => out.push(*b as u8),
        (Kind::Int, Datum::Int(i)) => put_long(out, *i as i64),
        (Kind::Long, Datum::Long(i)) => put_long(out, *i),
        (Kind::Float, Datum::Float(f)) => out.extend_from_slice(&f.to_le_bytes()),
        (Kind::Double, Datum::Double(f)) => out.extend_from_slice(&f.to_le_bytes()),
        (Kind::Bytes, Datum::Bytes(b)) => put_bytes(out, b),
        (Kind::String, Datum::String(t)) => put_bytes(out, t.as_bytes()),
        (Kind::Fixed { size, .. }, Datum::Fixed(b)) => {
            if b.len() != *size {
                return Err(DataError::new(format!(
                    "Fixed of size {size} given {} bytes",
                    b.len()
                )));
            }
            out.extend_from_slice(b)
        }
        (Kind::Enum { symbols, .. }, Datum::Enum(i)) => {
            if *i as usize >= symbols.len() {
                return Err(mismatch(s, d));
            }
            put_long(out, *i as i64)
        }
        (Kind::Array(items), Datum::Array(v)) => {
            if !v.is_empty() {
                put_long(out, v.len() as i64);
                for x in v {
                    encode(items, x, out)?;
                }
            }
            out.push(0);
        }
        (Kind::Map(values), Datum::Map(v)) => {
            if !v.is_empty() {
                put_long(out, v.len() as i64);
                for (k, x) in v {
                    put_bytes(out, k.as_bytes());
                    encode(values, x, out)?;
                }
            }
            out.push(0);
        }
        (Kind::Record { fields, .. }, Datum::Record(v)) => {
            if v.len() != fields.len() {
                return Err(mismatch(s, d));
            }
            for (f, x) in fields.iter().zip(v) {
                encode(&f.schema, x, out)?;
            }
        }
        (Kind::Union(members), Datum::Union(i, x)) => {
            let m = members.get(*i as usize).ok_or_else(|| mismatch(s, d))?;
            put_long(out, *i as i64);
            encode(m, x, out)?;
        }
        _ => return Err(mismatch(s, d)),
    }
    Ok(())
}

/// The datum `d` of schema `own` as a datum of `latest`, as Avro's `GenericDatumWriter`
/// writes a record built for one schema with another (Confluent's serializers with
/// `use.latest.version`): record fields by position (the latest schema's fields, each the
/// record's field at that place; a field the record lacks is an error), union branches by
/// the type of the value (a named type by its full name), enum symbols by name, numbers
/// converted between int, long, float and double, a string written as an enum symbol.
pub fn for_latest(own: &AvroSchema, latest: &AvroSchema, d: Datum) -> Result<Datum, DataError> {
    let fail = |why: String| DataError::new(format!("cannot write for the latest schema: {why}"));
    // The branch the value is of, in the record's schema.
    let (own, d) = match (&own.kind, d) {
        (Kind::Union(members), Datum::Union(i, inner)) => {
            let m = members
                .get(i as usize)
                .ok_or_else(|| fail(format!("union branch {i} out of range")))?;
            (m, *inner)
        }
        (_, d) => (own, d),
    };
    if let Kind::Union(members) = &latest.kind {
        let j = members
            .iter()
            .position(|m| same_type(own, m))
            .or_else(|| members.iter().position(|m| convertible(own, m)))
            .ok_or_else(|| {
                fail(format!(
                    "a {} value is not in the union {}",
                    type_name(own),
                    latest.to_java_string()
                ))
            })?;
        return Ok(Datum::Union(
            j as u32,
            Box::new(for_latest(own, &members[j], d)?),
        ));
    }
    Ok(match (&own.kind, &latest.kind, d) {
        (
            Kind::Record { fields: of, .. },
            Kind::Record { fields: lf, .. },
            Datum::Record(mut v),
        ) => {
            if v.len() < lf.len() {
                return Err(fail(format!(
                    "the record has {} fields, the latest schema's {} has {}",
                    v.len(),
                    type_name(latest),
                    lf.len()
                )));
            }
            v.truncate(lf.len());
            let mut out = Vec::with_capacity(lf.len());
            for ((o, l), x) in of.iter().zip(lf).zip(v) {
                out.push(
                    for_latest(&o.schema, &l.schema, x)
                        .map_err(|e| DataError::new(format!("{} (field {})", e.message, l.name)))?,
                );
            }
            Datum::Record(out)
        }
        (Kind::Enum { symbols: os, .. }, Kind::Enum { symbols: ls, .. }, Datum::Enum(i)) => {
            let symbol = os
                .get(i as usize)
                .ok_or_else(|| fail(format!("enum index {i}")))?;
            Datum::Enum(enum_index(ls, symbol).map_err(fail)?)
        }
        (Kind::String, Kind::Enum { symbols, .. }, Datum::String(t)) => {
            Datum::Enum(enum_index(symbols, &t).map_err(fail)?)
        }
        (Kind::Enum { symbols, .. }, Kind::String, Datum::Enum(i)) => Datum::String(
            symbols
                .get(i as usize)
                .cloned()
                .ok_or_else(|| fail(format!("enum index {i}")))?,
        ),
        (Kind::Array(oi), Kind::Array(li), Datum::Array(v)) => Datum::Array(
            v.into_iter()
                .map(|x| for_latest(oi, li, x))
                .collect::<Result<_, _>>()?,
        ),
        (Kind::Map(ov), Kind::Map(lv), Datum::Map(v)) => Datum::Map(
            v.into_iter()
                .map(|(k, x)| Ok((k, for_latest(ov, lv, x)?)))
                .collect::<Result<_, DataError>>()?,
        ),
        (_, Kind::Int, Datum::Long(x)) => Datum::Int(x as i32),
        (_, Kind::Int, Datum::Float(x)) => Datum::Int(x as i32),
        (_, Kind::Int, Datum::Double(x)) => Datum::Int(x as i32),
        (_, Kind::Long, Datum::Int(x)) => Datum::Long(x as i64),
        (_, Kind::Long, Datum::Float(x)) => Datum::Long(x as i64),
        (_, Kind::Long, Datum::Double(x)) => Datum::Long(x as i64),
        (_, Kind::Float, Datum::Int(x)) => Datum::Float(x as f32),
        (_, Kind::Float, Datum::Long(x)) => Datum::Float(x as f32),
        (_, Kind::Float, Datum::Double(x)) => Datum::Float(x as f32),
        (_, Kind::Double, Datum::Int(x)) => Datum::Double(x as f64),
        (_, Kind::Double, Datum::Long(x)) => Datum::Double(x as f64),
        (_, Kind::Double, Datum::Float(x)) => Datum::Double(x as f64),
        (ok, lk, d) if same_kind(ok, lk) => d,
        (_, _, _) => {
            return Err(fail(format!(
                "a {} value cannot be written as {}",
                type_name(own),
                type_name(latest)
            )))
        }
    })
}

fn enum_index(symbols: &[String], symbol: &str) -> Result<u32, String> {
    symbols
        .iter()
        .position(|s| s == symbol)
        .map(|i| i as u32)
        .ok_or_else(|| format!("{symbol} is not a symbol of the latest enum {symbols:?}"))
}

fn named(k: &Kind) -> Option<String> {
    match k {
        Kind::Record { name, .. } | Kind::Enum { name, .. } | Kind::Fixed { name, .. } => {
            Some(name.full())
        }
        _ => None,
    }
}

fn same_kind(a: &Kind, b: &Kind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The branch Avro's `resolveUnion` picks for a value of `own`: the same type (a named
/// one by its full name).
fn same_type(own: &AvroSchema, m: &AvroSchema) -> bool {
    same_kind(&own.kind, &m.kind) && named(&own.kind) == named(&m.kind)
}

/// A branch a value of `own` can be written as when no branch has its type.
fn convertible(own: &AvroSchema, m: &AvroSchema) -> bool {
    let number = |k: &Kind| matches!(k, Kind::Int | Kind::Long | Kind::Float | Kind::Double);
    (number(&own.kind) && number(&m.kind))
        || matches!(
            (&own.kind, &m.kind),
            (Kind::String, Kind::Enum { .. }) | (Kind::Enum { .. }, Kind::String)
        )
}

fn type_name(s: &AvroSchema) -> String {
    named(&s.kind).unwrap_or_else(|| {
        match &s.kind {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Bytes => "bytes",
            Kind::String => "string",
            Kind::Array(_) => "array",
            Kind::Map(_) => "map",
            Kind::Union(_) => "union",
            _ => "named",
        }
        .to_string()
    })
}

/// Reads Avro's binary encoding.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn short() -> DataError {
    DataError::new("Error deserializing Avro message: the data ends early")
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn long(&mut self) -> Result<i64, DataError> {
        let mut z: u64 = 0;
        let mut shift = 0;
        loop {
            let b = *self.buf.get(self.pos).ok_or_else(short)?;
            self.pos += 1;
            if shift > 63 {
                return Err(DataError::new(
                    "Error deserializing Avro message: invalid long",
                ));
            }
            z |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DataError> {
        if self.remaining() < n {
            return Err(short());
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn len(&mut self) -> Result<usize, DataError> {
        let n = self.long()?;
        if n < 0 || n as usize > self.remaining() {
            return Err(short());
        }
        Ok(n as usize)
    }

    /// The item count of the next block (a negative count is followed by the block's size).
    fn block(&mut self) -> Result<usize, DataError> {
        let n = self.long()?;
        if n < 0 {
            self.long()?;
            return Ok(n.unsigned_abs() as usize);
        }
        Ok(n as usize)
    }

    pub fn read(&mut self, s: &AvroSchema) -> Result<Datum, DataError> {
        Ok(match &s.kind {
            Kind::Null => Datum::Null,
            Kind::Boolean => Datum::Boolean(self.take(1)?[0] != 0),
            Kind::Int => {
                let v = self.long()?;
                Datum::Int(i32::try_from(v).map_err(|_| {
                    DataError::new("Error deserializing Avro message: int out of range")
                })?)
            }
            Kind::Long => Datum::Long(self.long()?),
            Kind::Float => Datum::Float(f32::from_le_bytes(
                self.take(4)?.try_into().map_err(|_| short())?,
            )),
            Kind::Double => Datum::Double(f64::from_le_bytes(
                self.take(8)?.try_into().map_err(|_| short())?,
            )),
            Kind::Bytes => {
                let n = self.len()?;
                Datum::Bytes(Bytes::copy_from_slice(self.take(n)?))
            }
            Kind::String => {
                let n = self.len()?;
                Datum::String(String::from_utf8(self.take(n)?.to_vec()).map_err(|_| {
                    DataError::new("Error deserializing Avro message: a string is not UTF-8")
                })?)
            }
            Kind::Fixed { size, .. } => Datum::Fixed(Bytes::copy_from_slice(self.take(*size)?)),
            Kind::Enum { symbols, .. } => {
                let i = self.long()?;
                if i < 0 || i as usize >= symbols.len() {
                    return Err(DataError::new(format!(
                        "Error deserializing Avro message: enum index {i} out of range"
                    )));
                }
                Datum::Enum(i as u32)
            }
            Kind::Array(items) => {
                let mut v = Vec::new();
                loop {
                    let n = self.block()?;
                    if n == 0 {
                        break;
                    }
                    if n > self.remaining().max(1) * 8 + 64 {
                        return Err(short());
                    }
                    v.reserve(n.min(4096));
                    for _ in 0..n {
                        v.push(self.read(items)?);
                    }
                }
                Datum::Array(v)
            }
            Kind::Map(values) => {
                let mut v = Vec::new();
                loop {
                    let n = self.block()?;
                    if n == 0 {
                        break;
                    }
                    if n > self.remaining() {
                        return Err(short());
                    }
                    for _ in 0..n {
                        let kn = self.len()?;
                        let k = String::from_utf8(self.take(kn)?.to_vec()).map_err(|_| {
                            DataError::new("Error deserializing Avro message: a key is not UTF-8")
                        })?;
                        v.push((k, self.read(values)?));
                    }
                }
                Datum::Map(v)
            }
            Kind::Record { fields, .. } => Datum::Record(
                fields
                    .iter()
                    .map(|f| self.read(&f.schema))
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Union(members) => {
                let i = self.long()?;
                let m = usize::try_from(i)
                    .ok()
                    .and_then(|i| members.get(i))
                    .ok_or_else(|| {
                        DataError::new(format!(
                            "Error deserializing Avro message: union index {i} out of range"
                        ))
                    })?;
                Datum::Union(i as u32, Box::new(self.read(m)?))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_avro_java_does() {
        let text = r#"{"type":"record","name":"User","namespace":"com.example","doc":"a user","fields":[{"name":"id","type":"long"},{"name":"tag","type":["null",{"type":"int","connect.type":"int16"}],"default":null},{"name":"next","type":{"type":"record","name":"Inner","fields":[{"name":"a","type":"string"}]}},{"name":"again","type":"Inner"},{"name":"other","type":{"type":"record","name":"O","namespace":"x.y","fields":[{"name":"i","type":"com.example.Inner"}]}},{"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"],"default":"RED"}},{"name":"m","type":{"type":"map","values":"bytes"}}],"connect.name":"com.example.User"}"#;
        let s = AvroSchema::parse(text).unwrap();
        assert_eq!(s.to_java_string(), text);
    }

    #[test]
    fn round_trips_values() {
        let s = AvroSchema::parse(
            r#"{"type":"record","name":"R","fields":[{"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"s","type":"string"},{"name":"u","type":["null","double"]},{"name":"a","type":{"type":"array","items":"float"}},{"name":"m","type":{"type":"map","values":"boolean"}},{"name":"f","type":{"type":"fixed","name":"F","size":2}},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}]}"#,
        )
        .unwrap();
        let d = Datum::Record(vec![
            Datum::Int(-3),
            Datum::Long(i64::MIN),
            Datum::String("é".into()),
            Datum::Union(1, Box::new(Datum::Double(1.5))),
            Datum::Array(vec![Datum::Float(2.0)]),
            Datum::Map(vec![("k".into(), Datum::Boolean(true))]),
            Datum::Fixed(Bytes::from_static(b"xy")),
            Datum::Enum(1),
        ]);
        let mut out = Vec::new();
        encode(&s, &d, &mut out).unwrap();
        assert_eq!(&out[..1], &[5]); // zigzag(-3)
        let mut r = Reader::new(&out);
        assert_eq!(r.read(&s).unwrap(), d);
        assert_eq!(r.remaining(), 0);
        assert!(Reader::new(&out[..out.len() - 1]).read(&s).is_err());
    }
}
