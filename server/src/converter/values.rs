//! Kafka Connect's `org.apache.kafka.connect.data.Values`: parsing strings into schemas and
//! values (`parseString`, used by SimpleHeaderConverter and InsertHeader), printing values
//! (`convertToString`), and the number conversions MaskField uses.
//!
//! Values are handled here as the Java objects Kafka Connect has ([`JObj`]): a Date, Time or
//! Timestamp is a `java.util.Date` (epoch milliseconds), a Decimal a `BigDecimal`. They are
//! turned into Polyconnect's physical representation at the end, by their schema. A
//! `java.util.Date` without a schema (an array of mixed values) becomes Int64 milliseconds.

use std::sync::Arc;

use bytes::Bytes;

use super::datefmt::{values_date_string, DateFormat, MILLIS_PER_DAY};
use super::java::{double_to_string, float_to_string, BigDec};
use crate::data::{
    DataError, Schema, SchemaAndValue, SchemaType, Struct, Value, DATE, DECIMAL, TIME, TIMESTAMP,
};

/// A value as the Java object Kafka Connect holds.
#[derive(Debug, Clone, PartialEq)]
pub enum JObj {
    Null,
    Bool(bool),
    Byte(i8),
    Short(i16),
    Int(i32),
    Long(i64),
    Float(f32),
    Double(f64),
    Str(String),
    Bytes(Bytes),
    Decimal(BigDec),
    /// A `java.util.Date`: epoch milliseconds.
    Date(i64),
    List(Vec<JObj>),
    Map(Vec<(JObj, JObj)>),
    Struct(Struct),
}

impl JObj {
    /// `getClass().getName()`.
    pub fn class_name(&self) -> &'static str {
        match self {
            JObj::Null => "null",
            JObj::Bool(_) => "java.lang.Boolean",
            JObj::Byte(_) => "java.lang.Byte",
            JObj::Short(_) => "java.lang.Short",
            JObj::Int(_) => "java.lang.Integer",
            JObj::Long(_) => "java.lang.Long",
            JObj::Float(_) => "java.lang.Float",
            JObj::Double(_) => "java.lang.Double",
            JObj::Str(_) => "java.lang.String",
            JObj::Bytes(_) => "[B",
            JObj::Decimal(_) => "java.math.BigDecimal",
            JObj::Date(_) => "java.util.Date",
            JObj::List(_) => "java.util.ArrayList",
            JObj::Map(_) => "java.util.LinkedHashMap",
            JObj::Struct(_) => "org.apache.kafka.connect.data.Struct",
        }
    }

    fn is_number(&self) -> bool {
        matches!(
            self,
            JObj::Byte(_)
                | JObj::Short(_)
                | JObj::Int(_)
                | JObj::Long(_)
                | JObj::Float(_)
                | JObj::Double(_)
                | JObj::Decimal(_)
        )
    }

    /// `Number.longValue()`.
    fn long_value(&self) -> Option<i64> {
        Some(match self {
            JObj::Byte(v) => *v as i64,
            JObj::Short(v) => *v as i64,
            JObj::Int(v) => *v as i64,
            JObj::Long(v) => *v,
            JObj::Float(v) => *v as i64,
            JObj::Double(v) => *v as i64,
            JObj::Decimal(d) => d.long_value(),
            _ => return None,
        })
    }

    /// `Number.doubleValue()`.
    fn double_value(&self) -> Option<f64> {
        Some(match self {
            JObj::Byte(v) => *v as f64,
            JObj::Short(v) => *v as f64,
            JObj::Int(v) => *v as f64,
            JObj::Long(v) => *v as f64,
            JObj::Float(v) => *v as f64,
            JObj::Double(v) => *v,
            JObj::Decimal(d) => d.double_value(),
            _ => return None,
        })
    }

    /// `String.valueOf(this)` for the scalar objects (`toString()`).
    pub fn java_to_string(&self) -> String {
        match self {
            JObj::Null => "null".into(),
            JObj::Bool(b) => b.to_string(),
            JObj::Byte(v) => v.to_string(),
            JObj::Short(v) => v.to_string(),
            JObj::Int(v) => v.to_string(),
            JObj::Long(v) => v.to_string(),
            JObj::Float(v) => float_to_string(*v),
            JObj::Double(v) => double_to_string(*v),
            JObj::Str(s) => s.clone(),
            JObj::Decimal(d) => d.to_java_string(),
            other => {
                let mut sb = String::new();
                let _ = append(&mut sb, other, false);
                sb
            }
        }
    }
}

/// The Java object of a Kafka Connect value with its schema.
pub fn to_jobj(schema: Option<&Schema>, v: &Value) -> JObj {
    let logical = schema.and_then(|s| s.name.as_deref());
    match v {
        Value::Null => JObj::Null,
        Value::Boolean(b) => JObj::Bool(*b),
        Value::Int8(i) => JObj::Byte(*i),
        Value::Int16(i) => JObj::Short(*i),
        Value::Int32(i) if logical == Some(DATE) => JObj::Date(*i as i64 * MILLIS_PER_DAY),
        Value::Int32(i) if logical == Some(TIME) => JObj::Date(*i as i64),
        Value::Int32(i) => JObj::Int(*i),
        Value::Int64(i) if logical == Some(TIMESTAMP) => JObj::Date(*i),
        Value::Int64(i) => JObj::Long(*i),
        Value::Float32(f) => JObj::Float(*f),
        Value::Float64(f) => JObj::Double(*f),
        Value::String(s) => JObj::Str(s.clone()),
        Value::Bytes(b) if logical == Some(DECIMAL) => {
            let scale = schema.and_then(|s| s.decimal_scale().ok()).unwrap_or(0);
            JObj::Decimal(BigDec::from_bytes(b, scale))
        }
        Value::Bytes(b) => JObj::Bytes(b.clone()),
        Value::Decimal { unscaled, scale } => JObj::Decimal(BigDec::from_bytes(unscaled, *scale)),
        Value::Array(items) => {
            let is = schema.and_then(|s| s.value_schema.as_deref());
            JObj::List(items.iter().map(|i| to_jobj(is, i)).collect())
        }
        Value::Map(entries) => {
            let ks = schema.and_then(|s| s.key_schema.as_deref());
            let vs = schema.and_then(|s| s.value_schema.as_deref());
            JObj::Map(
                entries
                    .iter()
                    .map(|(k, v)| (to_jobj(ks, k), to_jobj(vs, v)))
                    .collect(),
            )
        }
        Value::Struct(s) => JObj::Struct(s.clone()),
    }
}

/// Polyconnect's physical value of a Java object with its schema.
pub fn from_jobj(schema: Option<&Schema>, o: JObj) -> Value {
    let logical = schema.and_then(|s| s.name.as_deref());
    match o {
        JObj::Null => Value::Null,
        JObj::Bool(b) => Value::Boolean(b),
        JObj::Byte(v) => Value::Int8(v),
        JObj::Short(v) => Value::Int16(v),
        JObj::Int(v) => Value::Int32(v),
        JObj::Long(v) => Value::Int64(v),
        JObj::Float(v) => Value::Float32(v),
        JObj::Double(v) => Value::Float64(v),
        JObj::Str(s) => Value::String(s),
        JObj::Bytes(b) => Value::Bytes(b),
        JObj::Decimal(d) => {
            let scale = schema
                .filter(|_| logical == Some(DECIMAL))
                .and_then(|s| s.decimal_scale().ok());
            match scale {
                Some(sc) if sc == d.scale => Value::Bytes(Bytes::from(d.to_bytes())),
                _ => Value::Decimal {
                    unscaled: Bytes::from(d.to_bytes()),
                    scale: d.scale,
                },
            }
        }
        JObj::Date(ms) => match logical {
            Some(DATE) => Value::Int32((ms / MILLIS_PER_DAY) as i32),
            Some(TIME) => Value::Int32(ms as i32),
            _ => Value::Int64(ms),
        },
        JObj::List(items) => {
            let is = schema.and_then(|s| s.value_schema.as_deref());
            Value::Array(items.into_iter().map(|i| from_jobj(is, i)).collect())
        }
        JObj::Map(entries) => {
            let ks = schema.and_then(|s| s.key_schema.as_deref());
            let vs = schema.and_then(|s| s.value_schema.as_deref());
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (from_jobj(ks, k), from_jobj(vs, v)))
                    .collect(),
            )
        }
        JObj::Struct(s) => Value::Struct(s),
    }
}

// ---------------------------------------------------------------- printing

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn base64(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// `Values.append(sb, value, embedded)`.
pub fn append(sb: &mut String, v: &JObj, embedded: bool) -> Result<(), DataError> {
    match v {
        JObj::Null => sb.push_str("null"),
        JObj::Str(s) => {
            if embedded {
                sb.push('"');
                sb.push_str(&escape(s));
                sb.push('"');
            } else {
                sb.push_str(s);
            }
        }
        JObj::Bytes(b) => {
            if embedded {
                sb.push('"');
                sb.push_str(&base64(b));
                sb.push('"');
            } else {
                sb.push_str(&base64(b));
            }
        }
        JObj::List(items) => {
            sb.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    sb.push(',');
                }
                append(sb, item, true)?;
            }
            sb.push(']');
        }
        JObj::Map(entries) => {
            sb.push('{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    sb.push(',');
                }
                append(sb, k, true)?;
                sb.push(':');
                append(sb, val, true)?;
            }
            sb.push('}');
        }
        JObj::Struct(st) => {
            sb.push('{');
            for (i, (f, val)) in st.schema.fields.iter().zip(&st.values).enumerate() {
                if i > 0 {
                    sb.push(',');
                }
                append(sb, &JObj::Str(f.name.clone()), true)?;
                sb.push(':');
                let val = if val.is_null() {
                    f.schema.default_value.as_ref().unwrap_or(val)
                } else {
                    val
                };
                append(sb, &to_jobj(Some(&f.schema), val), true)?;
            }
            sb.push('}');
        }
        JObj::Date(ms) => sb.push_str(&values_date_string(*ms)),
        other => sb.push_str(&other.java_to_string()),
    }
    Ok(())
}

/// `Values.convertToString(schema, value)`: None for null.
pub fn convert_to_string(
    schema: Option<&Schema>,
    value: &Value,
) -> Result<Option<String>, DataError> {
    if value.is_null() {
        return Ok(None);
    }
    let mut sb = String::new();
    append(&mut sb, &to_jobj(schema, value), false)?;
    Ok(Some(sb))
}

// ---------------------------------------------------------------- number conversions

fn unable_number(v: &JObj) -> DataError {
    DataError::new(format!(
        "Unable to convert {} (class {}) to a number",
        v.java_to_string(),
        v.class_name()
    ))
}

/// `Values.asLong(value, null, null)`.
pub fn as_long(v: &JObj) -> Result<i64, DataError> {
    if let Some(l) = v.long_value() {
        return Ok(l);
    }
    if let JObj::Str(s) = v {
        if let Some(d) = BigDec::parse(s) {
            return Ok(d.long_value());
        }
    }
    Err(unable_number(v))
}

/// `Values.asDouble(value, null, null)`.
pub fn as_double(v: &JObj) -> Result<f64, DataError> {
    if let Some(d) = v.double_value() {
        return Ok(d);
    }
    if let JObj::Str(s) = v {
        if let Some(d) = BigDec::parse(s) {
            return Ok(d.double_value());
        }
    }
    as_long(v).map(|l| l as f64)
}

pub fn convert_to_byte(v: &JObj) -> Result<i8, DataError> {
    match v {
        JObj::Byte(b) => Ok(*b),
        _ => as_long(v).map(|l| l as i8),
    }
}

pub fn convert_to_short(v: &JObj) -> Result<i16, DataError> {
    match v {
        JObj::Short(b) => Ok(*b),
        _ => as_long(v).map(|l| l as i16),
    }
}

pub fn convert_to_integer(v: &JObj) -> Result<i32, DataError> {
    match v {
        JObj::Int(b) => Ok(*b),
        _ => as_long(v).map(|l| l as i32),
    }
}

pub fn convert_to_long(v: &JObj) -> Result<i64, DataError> {
    as_long(v)
}

pub fn convert_to_float(v: &JObj) -> Result<f32, DataError> {
    match v {
        JObj::Float(f) => Ok(*f),
        _ => as_double(v).map(|d| d as f32),
    }
}

pub fn convert_to_double(v: &JObj) -> Result<f64, DataError> {
    as_double(v)
}

fn convert_to_boolean(v: &JObj) -> Result<bool, DataError> {
    match v {
        JObj::Bool(b) => return Ok(*b),
        JObj::Str(s) => {
            if let Ok((_, JObj::Bool(b))) = parse_jobj(s) {
                return Ok(b);
            }
        }
        _ => {}
    }
    Ok(as_long(v)? != 0)
}

fn unable(v: &JObj, to: &Schema) -> DataError {
    let name = match &to.name {
        Some(n) => format!("Schema{{{}:{}}}", n, to.schema_type.connect_name()),
        None => format!("Schema{{{}}}", to.schema_type.connect_name()),
    };
    DataError::new(format!(
        "Unable to convert {} (class {}) to {}",
        v.java_to_string(),
        v.class_name(),
        name
    ))
}

/// `Values.convertTo(toSchema, null, value)`.
fn convert_to(to: &Schema, v: JObj) -> Result<JObj, DataError> {
    if v == JObj::Null {
        if to.optional {
            return Ok(JObj::Null);
        }
        return Err(DataError::new(
            "Unable to convert a null value to a schema that requires a value",
        ));
    }
    let name = to.name.as_deref();
    Ok(match to.schema_type {
        SchemaType::Bytes => {
            if name == Some(DECIMAL) {
                let scale = to.decimal_scale()?;
                match v {
                    JObj::Bytes(b) => JObj::Decimal(BigDec::from_bytes(&b, scale)),
                    JObj::Decimal(d) => JObj::Decimal(d),
                    ref n if n.is_number() => {
                        let d = n.double_value().unwrap_or(0.0);
                        JObj::Decimal(BigDec::value_of_double(d).ok_or_else(|| unable(n, to))?)
                    }
                    JObj::Str(ref s) => {
                        JObj::Decimal(BigDec::parse(s).ok_or_else(|| unable(&v, to))?)
                    }
                    other => return Err(unable(&other, to)),
                }
            } else {
                match v {
                    JObj::Bytes(b) => JObj::Bytes(b),
                    JObj::Decimal(d) => {
                        let scale = to.decimal_scale()?;
                        if d.scale != scale {
                            return Err(DataError::new(format!(
                                "Decimal value has mismatching scale for given Decimal schema. Schema has scale {scale}, value has scale {}.",
                                d.scale
                            )));
                        }
                        JObj::Bytes(Bytes::from(d.to_bytes()))
                    }
                    other => return Err(unable(&other, to)),
                }
            }
        }
        SchemaType::String => {
            let mut sb = String::new();
            append(&mut sb, &v, false)?;
            JObj::Str(sb)
        }
        SchemaType::Boolean => JObj::Bool(convert_to_boolean(&v)?),
        SchemaType::Int8 => JObj::Byte(convert_to_byte(&v)?),
        SchemaType::Int16 => JObj::Short(convert_to_short(&v)?),
        SchemaType::Int32 => {
            if name == Some(DATE) || name == Some(TIME) {
                let v = match v {
                    JObj::Str(s) => parse_jobj(&s).map(|(_, o)| o).unwrap_or(JObj::Null),
                    other => other,
                };
                match v {
                    JObj::Date(ms) => JObj::Date(ms),
                    other => {
                        let n = as_long(&other)? as i32;
                        if name == Some(TIME) && !(0..=MILLIS_PER_DAY as i32).contains(&n) {
                            return Err(DataError::new(
                                "Time values must use number of milliseconds greater than 0 and less than 86400000",
                            ));
                        }
                        JObj::Date(if name == Some(DATE) {
                            n as i64 * MILLIS_PER_DAY
                        } else {
                            n as i64
                        })
                    }
                }
            } else {
                JObj::Int(convert_to_integer(&v)?)
            }
        }
        SchemaType::Int64 => {
            if name == Some(TIMESTAMP) {
                let v = match v {
                    JObj::Str(s) => parse_jobj(&s).map(|(_, o)| o).unwrap_or(JObj::Null),
                    other => other,
                };
                match v {
                    JObj::Date(ms) => JObj::Date(ms),
                    other => JObj::Date(as_long(&other)?),
                }
            } else {
                JObj::Long(convert_to_long(&v)?)
            }
        }
        SchemaType::Float32 => JObj::Float(convert_to_float(&v)?),
        SchemaType::Float64 => JObj::Double(convert_to_double(&v)?),
        SchemaType::Array => match v {
            JObj::Str(s) => match parse_jobj(&s)? {
                (_, JObj::List(l)) => JObj::List(l),
                (_, other) => return Err(unable(&other, to)),
            },
            JObj::List(l) => JObj::List(l),
            other => return Err(unable(&other, to)),
        },
        SchemaType::Map => match v {
            JObj::Str(s) => match parse_jobj(&s)? {
                (_, JObj::Map(m)) => JObj::Map(m),
                (_, other) => return Err(unable(&other, to)),
            },
            JObj::Map(m) => JObj::Map(m),
            other => return Err(unable(&other, to)),
        },
        SchemaType::Struct => match v {
            JObj::Struct(s) => JObj::Struct(s),
            other => return Err(unable(&other, to)),
        },
    })
}

// ---------------------------------------------------------------- parsing

fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

fn is_blank(s: &str) -> bool {
    java_trim(s).is_empty()
}

/// `Values.Parser`: the tokenizer.
struct Parser {
    orig: Vec<char>,
    idx: usize,
    next_token: Option<String>,
    previous: Option<String>,
}

impl Parser {
    fn new(s: &str) -> Parser {
        Parser {
            orig: s.chars().collect(),
            idx: 0,
            next_token: None,
            previous: None,
        }
    }

    fn original(&self) -> String {
        self.orig.iter().collect()
    }

    fn mark(&self) -> usize {
        self.idx
            - self
                .next_token
                .as_ref()
                .map(|t| t.chars().count())
                .unwrap_or(0)
    }

    fn rewind_to(&mut self, pos: usize) {
        self.idx = pos;
        self.next_token = None;
        self.previous = None;
    }

    fn can_consume_next_token(&self) -> bool {
        self.idx < self.orig.len()
    }

    fn has_next(&self) -> bool {
        self.next_token.is_some() || self.can_consume_next_token()
    }

    fn consume_next_token(&mut self) -> String {
        let mut escaped = false;
        let start = self.idx;
        while self.can_consume_next_token() {
            let c = self.orig[self.idx];
            match c {
                '\\' => escaped = !escaped,
                ':' | ',' | '{' | '}' | '[' | ']' | '"' => {
                    if !escaped {
                        if start < self.idx {
                            return self.orig[start..self.idx].iter().collect();
                        }
                        self.idx += 1;
                        return c.to_string();
                    }
                    escaped = false;
                }
                _ => escaped = false,
            }
            self.idx += 1;
        }
        self.orig[start..self.idx].iter().collect()
    }

    fn next(&mut self) -> String {
        let t = match self.next_token.take() {
            Some(t) => t,
            None => self.consume_next_token(),
        };
        self.previous = Some(t.clone());
        t
    }

    fn next_n(&mut self, n: usize) -> Option<String> {
        let start = self.mark();
        for _ in 0..n {
            if !self.has_next() {
                self.rewind_to(start);
                return None;
            }
            self.next();
        }
        Some(self.orig[start..self.idx].iter().collect())
    }

    fn is_next(&mut self, expected: &str) -> bool {
        if self.next_token.is_none() {
            if !self.has_next() {
                return false;
            }
            let t = self.consume_next_token();
            self.next_token = Some(t);
        }
        while self.next_token.as_deref().map(is_blank).unwrap_or(false)
            && self.can_consume_next_token()
        {
            let t = self.consume_next_token();
            self.next_token = Some(t);
        }
        self.next_token.as_deref().map(java_trim) == Some(expected)
    }

    fn can_consume(&mut self, expected: &str) -> bool {
        if self.is_next(expected) {
            self.next_token = None;
            true
        } else {
            false
        }
    }
}

type Parsed = Option<(Schema, JObj)>;

struct ValueParser {
    p: Parser,
    depth: usize,
}

/// Nesting deeper than this is refused (Kafka Connect would run out of stack: its
/// SimpleHeaderConverter then keeps the bytes, as ours does).
const MAX_DEPTH: usize = 100;

/// Not a DataException: a failure the parser does not recover from.
fn too_deep() -> DataError {
    DataError::new("Values nested too deeply")
}

fn int_schema(t: SchemaType) -> Schema {
    Schema::new(t)
}

impl ValueParser {
    fn can_parse_single_token_literal(&mut self, embedded: bool, literal: &str) -> bool {
        let start = self.p.mark();
        if self.p.can_consume(literal) && (embedded || !self.p.has_next()) {
            return true;
        }
        self.p.rewind_to(start);
        false
    }

    fn parse(&mut self, embedded: bool) -> Result<Parsed, DataError> {
        if !self.p.has_next() {
            return Ok(None);
        }
        if embedded && self.p.can_consume("\"") {
            return Ok(Some(self.parse_quoted_string()));
        }
        if self.can_parse_single_token_literal(embedded, "null") {
            return Ok(None);
        }
        if self.can_parse_single_token_literal(embedded, "true") {
            return Ok(Some((int_schema(SchemaType::Boolean), JObj::Bool(true))));
        }
        if self.can_parse_single_token_literal(embedded, "false") {
            return Ok(Some((int_schema(SchemaType::Boolean), JObj::Bool(false))));
        }
        let start = self.p.mark();
        if self.depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        self.depth += 1;
        let attempt = if self.p.can_consume("[") {
            Some(self.parse_array())
        } else if self.p.can_consume("{") {
            Some(self.parse_map())
        } else {
            None
        };
        self.depth -= 1;
        match attempt {
            Some(Ok(v)) => return Ok(Some(v)),
            Some(Err(e)) if e == too_deep() => return Err(e),
            Some(Err(_)) => self.p.rewind_to(start),
            None => {}
        }
        let token = self.p.next();
        if is_blank(&token) {
            return Ok(Some((int_schema(SchemaType::String), JObj::Str(token))));
        }
        self.parse_next_token(embedded, java_trim(&token).to_string())
            .map(Some)
    }

    fn parse_next_token(
        &mut self,
        embedded: bool,
        token: String,
    ) -> Result<(Schema, JObj), DataError> {
        let first = token.chars().next().unwrap_or(' ');
        let digit = first.is_ascii_digit();
        if digit {
            if let Some(t) = self.parse_multiple_tokens_as_temporal(&token) {
                return Ok(t);
            }
        }
        if digit || first == '+' || first == '-' {
            if let Some(n) = parse_as_number(&token) {
                return Ok(n);
            }
        }
        if embedded {
            return Err(DataError::new("Failed to parse embedded value"));
        }
        Ok((int_schema(SchemaType::String), JObj::Str(self.p.original())))
    }

    fn parse_quoted_string(&mut self) -> (Schema, JObj) {
        let mut sb = String::new();
        while self.p.has_next() {
            if self.p.can_consume("\"") {
                break;
            }
            sb.push_str(&self.p.next());
        }
        if let Some(t) = parse_as_temporal(&sb) {
            return t;
        }
        (int_schema(SchemaType::String), JObj::Str(sb))
    }

    fn parse_array(&mut self) -> Result<(Schema, JObj), DataError> {
        let mut result: Vec<JObj> = Vec::new();
        let mut merger = SchemaMerger::default();
        while self.p.has_next() {
            if self.p.can_consume("]") {
                let schema = match merger.common.take() {
                    Some(element) => {
                        result = result
                            .into_iter()
                            .map(|v| convert_to(&element, v))
                            .collect::<Result<Vec<_>, _>>()?;
                        Schema::array(element)
                    }
                    None => Schema::new(SchemaType::Array),
                };
                return Ok((schema, JObj::List(result)));
            }
            if self.p.can_consume(",") {
                return Err(DataError::new(format!(
                    "Unable to parse an empty array element: {}",
                    self.p.original()
                )));
            }
            let element = self.parse(true)?;
            merger.merge(element.as_ref().map(|e| &e.0));
            result.push(element.map(|e| e.1).unwrap_or(JObj::Null));
            let current = self.p.mark();
            if self.p.can_consume("]") {
                self.p.rewind_to(current);
            } else if !self.p.can_consume(",") {
                return Err(DataError::new("Array elements missing ',' delimiter"));
            }
        }
        if self.p.previous.as_deref() == Some(",") {
            return Err(DataError::new(format!(
                "Array is missing element after ',': {}",
                self.p.original()
            )));
        }
        Err(DataError::new(format!(
            "Array is missing terminating ']': {}",
            self.p.original()
        )))
    }

    fn parse_map(&mut self) -> Result<(Schema, JObj), DataError> {
        let mut result = LinkedMap::default();
        let mut keys = SchemaMerger::default();
        let mut values = SchemaMerger::default();
        while self.p.has_next() {
            if self.p.can_consume("}") {
                let schema;
                match (keys.common.take(), values.common.take()) {
                    (Some(k), Some(v)) => {
                        let mut aligned = LinkedMap::default();
                        for (key, val) in result.entries {
                            aligned.put(convert_to(&k, key)?, convert_to(&v, val)?);
                        }
                        result = aligned;
                        schema = Schema::map(k, v);
                    }
                    (Some(k), None) => {
                        let mut aligned = LinkedMap::default();
                        for (key, val) in result.entries {
                            aligned.put(convert_to(&k, key)?, val);
                        }
                        result = aligned;
                        let mut s = Schema::new(SchemaType::Map);
                        s.key_schema = Some(Arc::new(k));
                        schema = s;
                    }
                    _ => schema = Schema::new(SchemaType::Map),
                }
                return Ok((schema, JObj::Map(result.entries)));
            }
            if self.p.can_consume(",") {
                return Err(DataError::new(format!(
                    "Unable to parse a map entry with no key or value: {}",
                    self.p.original()
                )));
            }
            let key = self.parse(true)?;
            let key = match key {
                Some((s, v)) if v != JObj::Null => (s, v),
                _ => {
                    return Err(DataError::new(format!(
                        "Map entry may not have a null key: {}",
                        self.p.original()
                    )))
                }
            };
            if !self.p.can_consume(":") {
                return Err(DataError::new(format!(
                    "Map entry is missing ':' in {}",
                    self.p.original()
                )));
            }
            let value = self.parse(true)?;
            let entry_value = value.as_ref().map(|v| v.1.clone()).unwrap_or(JObj::Null);
            result.put(key.1.clone(), entry_value);
            self.p.can_consume(",");
            keys.merge(Some(&key.0));
            values.merge(value.as_ref().map(|v| &v.0));
        }
        if self.p.previous.as_deref() == Some(",") {
            return Err(DataError::new(format!(
                "Map is missing element after ',': {}",
                self.p.original()
            )));
        }
        Err(DataError::new(format!(
            "Map is missing terminating '}}': {}",
            self.p.original()
        )))
    }

    fn parse_multiple_tokens_as_temporal(&mut self, token: &str) -> Option<(Schema, JObj)> {
        let position = self.p.mark();
        if let Some(remainder) = self.p.next_n(4) {
            if let Some(t) = parse_as_temporal(&format!("{token}{remainder}")) {
                return Some(t);
            }
        }
        self.p.rewind_to(position);
        parse_as_temporal(token)
    }
}

/// A `LinkedHashMap`: a repeated key keeps its place and takes the new value.
#[derive(Default)]
struct LinkedMap {
    entries: Vec<(JObj, JObj)>,
    index: std::collections::HashMap<String, usize>,
}

impl LinkedMap {
    fn put(&mut self, k: JObj, v: JObj) {
        // Debug text is a faithful key: equal objects print the same.
        let key = format!("{k:?}");
        match self.index.get(&key) {
            Some(&i) => self.entries[i].1 = v,
            None => {
                self.index.insert(key, self.entries.len());
                self.entries.push((k, v));
            }
        }
    }
}

#[derive(Default)]
struct SchemaMerger {
    common: Option<Schema>,
    incompatible: bool,
}

impl SchemaMerger {
    fn merge(&mut self, latest: Option<&Schema>) {
        let Some(latest) = latest else { return };
        if self.incompatible {
            return;
        }
        match self.common.take() {
            None => self.common = Some(latest.clone()),
            Some(prev) => {
                self.common = merge_schemas(prev, latest);
                self.incompatible = self.common.is_none();
            }
        }
    }
}

fn merge_schemas(previous: Schema, new: &Schema) -> Option<Schema> {
    use SchemaType::*;
    let (p, n) = (previous.schema_type, new.schema_type);
    if p != n {
        let widen_to_new = match p {
            Int8 => matches!(n, Int16 | Int32 | Int64 | Float32 | Float64),
            Int16 => matches!(n, Int32 | Int64 | Float32 | Float64),
            Int32 => matches!(n, Int64 | Float32 | Float64),
            Int64 => matches!(n, Float32 | Float64),
            Float32 => matches!(n, Float64),
            _ => false,
        };
        let keep_previous = match p {
            Int16 => matches!(n, Int8),
            Int32 => matches!(n, Int8 | Int16),
            Int64 => matches!(n, Int8 | Int16 | Int32),
            Float32 => matches!(n, Int8 | Int16 | Int32 | Int64),
            Float64 => matches!(n, Int8 | Int16 | Int32 | Int64 | Float32),
            _ => false,
        };
        return if widen_to_new {
            Some(new.clone())
        } else if keep_previous {
            Some(previous)
        } else {
            None
        };
    }
    if previous.optional == new.optional {
        return Some(if previous.optional {
            previous
        } else {
            new.clone()
        });
    }
    if previous != *new {
        return None;
    }
    Some(previous)
}

fn parse_as_number(token: &str) -> Option<(Schema, JObj)> {
    let d = BigDec::parse(token)?;
    if let Some(exact) = parse_as_exact_decimal(&d) {
        return Some(exact);
    }
    let f = d.float_value();
    let dv = d.double_value();
    if f.is_finite() && d.scale != 0 {
        Some((int_schema(SchemaType::Float32), JObj::Float(f)))
    } else if dv.is_finite() && d.scale != 0 {
        Some((int_schema(SchemaType::Float64), JObj::Double(dv)))
    } else {
        Some((Schema::decimal(d.scale), JObj::Decimal(d)))
    }
}

fn parse_as_exact_decimal(d: &BigDec) -> Option<(Schema, JObj)> {
    if !d.is_integral() {
        return None;
    }
    // Anything with more than 19 digits is outside a long.
    let int = d.integer_part(20)?;
    let v: i64 = i64::try_from(int).ok()?;
    Some(if v as i8 as i64 == v {
        (int_schema(SchemaType::Int8), JObj::Byte(v as i8))
    } else if v as i16 as i64 == v {
        (int_schema(SchemaType::Int16), JObj::Short(v as i16))
    } else if v as i32 as i64 == v {
        (int_schema(SchemaType::Int32), JObj::Int(v as i32))
    } else {
        (int_schema(SchemaType::Int64), JObj::Long(v))
    })
}

const TIME_PATTERN: &str = "HH:mm:ss.SSS'Z'";
const DATE_PATTERN: &str = "yyyy-MM-dd";
const TIMESTAMP_PATTERN: &str = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

fn parse_as_temporal(token: &str) -> Option<(Schema, JObj)> {
    let token = token.replace("\\:", ":");
    let len = token.encode_utf16().count();
    let (schema, pattern) = match len {
        13 => (Schema::time(), TIME_PATTERN),
        24 => (Schema::timestamp(), TIMESTAMP_PATTERN),
        10 => (Schema::date(), DATE_PATTERN),
        _ => return None,
    };
    let ms = DateFormat::new(pattern).ok()?.parse(&token)?;
    Some((schema, JObj::Date(ms)))
}

/// `Values.parseString` as the Java objects; `(None, Null)` for null.
pub fn parse_jobj(s: &str) -> Result<(Option<Schema>, JObj), DataError> {
    if s.is_empty() {
        return Ok((
            Some(int_schema(SchemaType::String)),
            JObj::Str(String::new()),
        ));
    }
    let mut vp = ValueParser {
        p: Parser::new(s),
        depth: 0,
    };
    Ok(match vp.parse(false)? {
        Some((schema, v)) => (Some(schema), v),
        None => (None, JObj::Null),
    })
}

/// `Values.parseString(value)` in Polyconnect's representation.
pub fn parse_string(s: &str) -> Result<SchemaAndValue, DataError> {
    let (schema, v) = parse_jobj(s)?;
    let value = from_jobj(schema.as_ref(), v);
    Ok(SchemaAndValue::new(schema.map(Arc::new), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> SchemaAndValue {
        parse_string(s).unwrap()
    }

    #[test]
    fn parses_scalars() {
        assert_eq!(parse("true").value, Value::Boolean(true));
        assert_eq!(parse("12").value, Value::Int8(12));
        assert_eq!(parse("1000").value, Value::Int16(1000));
        assert_eq!(parse("1.5").value, Value::Float32(1.5));
        assert_eq!(parse("1.0").value, Value::Int8(1));
        assert_eq!(
            parse("hello world").value,
            Value::String("hello world".into())
        );
        assert_eq!(parse("null").value, Value::Null);
        assert_eq!(parse("2024-01-02").value, Value::Int32(19_724));
        assert_eq!(parse("true}").value, Value::String("true}".into()));
    }

    #[test]
    fn parses_containers() {
        let a = parse("[1,2,1000]");
        assert_eq!(
            a.value,
            Value::Array(vec![Value::Int16(1), Value::Int16(2), Value::Int16(1000)])
        );
        let m = parse("{\"a\":1,\"b\":2}");
        assert_eq!(
            m.value,
            Value::Map(vec![
                (Value::String("a".into()), Value::Int8(1)),
                (Value::String("b".into()), Value::Int8(2))
            ])
        );
        assert_eq!(parse("[1,").value, Value::String("[1,".into()));
    }

    #[test]
    fn prints_like_java() {
        let v = Value::Map(vec![(
            Value::String("a\"".into()),
            Value::Array(vec![Value::Int32(1), Value::Null]),
        )]);
        assert_eq!(
            convert_to_string(None, &v).unwrap().unwrap(),
            "{\"a\\\"\":[1,null]}"
        );
    }
}
