//! TimestampConverter (`$Key` / `$Value`): converts a timestamp field (or the whole key or
//! value) between a formatted string, Unix time, and Connect's Date, Time and Timestamp.
//! Formats are Java SimpleDateFormat patterns, in UTC.
//!
//! Without a schema, Kafka Connect produces a `java.util.Date` for the Date, Time and
//! Timestamp targets; Polyconnect has no schemaless date value and gives its epoch
//! milliseconds as an Int64.

use std::sync::{Arc, OnceLock};

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::datefmt::{DateFormat, MILLIS_PER_DAY};
use crate::converter::java::JavaHashMap;
use crate::data::{Schema, SchemaType, Struct, Value, DATE, TIME, TIMESTAMP};

const PURPOSE: &str = "converting timestamp formats";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Unix,
    Date,
    Time,
    Timestamp,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Unix => "unix",
            Kind::Date => "Date",
            Kind::Time => "Time",
            Kind::Timestamp => "Timestamp",
        }
    }

    fn schema(self, optional: bool) -> Arc<Schema> {
        static SCHEMAS: OnceLock<[Arc<Schema>; 10]> = OnceLock::new();
        let all = SCHEMAS.get_or_init(|| {
            [
                Arc::new(Schema::new(SchemaType::String)),
                Arc::new(Schema::new(SchemaType::String).optional()),
                Arc::new(Schema::new(SchemaType::Int64)),
                Arc::new(Schema::new(SchemaType::Int64).optional()),
                Arc::new(Schema::date()),
                Arc::new(Schema::date().optional()),
                Arc::new(Schema::time()),
                Arc::new(Schema::time().optional()),
                Arc::new(Schema::timestamp()),
                Arc::new(Schema::timestamp().optional()),
            ]
        });
        let base = match self {
            Kind::String => 0,
            Kind::Unix => 2,
            Kind::Date => 4,
            Kind::Time => 6,
            Kind::Timestamp => 8,
        };
        all[base + usize::from(optional)].clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    Seconds,
    Millis,
    Micros,
    Nanos,
}

pub struct TimestampConverter {
    side: Side,
    field: String,
    target: Kind,
    format: Option<DateFormat>,
    precision: Precision,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl TimestampConverter {
    pub fn configure(side: Side, s: &mut Settings) -> Option<TimestampConverter> {
        let field = s.string("field", Default::Value(""));
        let target = s.one_of(
            "target.type",
            Default::Required,
            &["string", "unix", "Date", "Time", "Timestamp"],
        );
        let format = s.string("format", Default::Value(""));
        let precision = s.one_of(
            "unix.precision",
            Default::Value("milliseconds"),
            &["nanoseconds", "microseconds", "milliseconds", "seconds"],
        );
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        let (field, target, format, precision) = (field?, target?, format?, precision?);
        if !s.ok() {
            return None;
        }
        let target = match target.as_str() {
            "string" => Kind::String,
            "unix" => Kind::Unix,
            "Date" => Kind::Date,
            "Time" => Kind::Time,
            _ => Kind::Timestamp,
        };
        let precision = match precision.as_str() {
            "seconds" => Precision::Seconds,
            "microseconds" => Precision::Micros,
            "nanoseconds" => Precision::Nanos,
            _ => Precision::Millis,
        };
        let blank = format.trim().is_empty();
        if target == Kind::String && blank {
            s.error("format", "TimestampConverter requires format option to be specified when using string timestamps");
            return None;
        }
        let format = if blank {
            None
        } else {
            match DateFormat::new(&format) {
                Ok(f) => Some(f),
                Err(e) => {
                    s.error(
                        "format",
                        format!("Invalid value java.lang.IllegalArgumentException: {e} for configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: {format}"),
                    );
                    return None;
                }
            }
        };
        Some(TimestampConverter {
            side,
            field,
            target,
            format,
            precision,
            replace_null_with_default,
            cache: SchemaCache::default(),
        })
    }

    /// `toRaw`: the source value as epoch milliseconds.
    fn to_raw(
        &self,
        kind: Kind,
        schema: Option<&Schema>,
        v: &Value,
    ) -> Result<i64, TransformError> {
        match kind {
            Kind::String => {
                let Value::String(s) = v else {
                    return Err(data_err(format!(
                        "Expected string timestamp to be a String, but found {}",
                        class_string(schema, v)
                    )));
                };
                let Some(f) = &self.format else {
                    return Err(TransformError::new(
                        NULL_POINTER,
                        "Cannot invoke \"java.text.SimpleDateFormat.parse(String)\" because \"config.format\" is null",
                    ));
                };
                f.parse(s).ok_or_else(|| {
                    data_err(format!(
                        "Could not parse timestamp: value ({s}) does not match pattern ({})",
                        f.pattern()
                    ))
                })
            }
            Kind::Unix => {
                let Value::Int64(x) = v else {
                    return Err(data_err(format!(
                        "Expected Unix timestamp to be a Long, but found {}",
                        class_string(schema, v)
                    )));
                };
                Ok(match self.precision {
                    Precision::Seconds => x.saturating_mul(1000),
                    Precision::Millis => *x,
                    Precision::Micros => x / 1000,
                    Precision::Nanos => x / 1_000_000,
                })
            }
            Kind::Date | Kind::Time | Kind::Timestamp => {
                let logical = schema.and_then(|s| s.name.as_deref());
                match (logical, v) {
                    (Some(DATE), Value::Int32(d)) => Ok(*d as i64 * MILLIS_PER_DAY),
                    (Some(TIME), Value::Int32(ms)) => Ok(*ms as i64),
                    (Some(TIMESTAMP), Value::Int64(ms)) => Ok(*ms),
                    _ => Err(data_err(format!(
                        "Expected {} to be a java.util.Date, but found {}",
                        kind.name(),
                        class_string(schema, v)
                    ))),
                }
            }
        }
    }

    /// `toType`: epoch milliseconds as the target type (physical form).
    fn to_type(&self, ms: i64, schemaless: bool) -> Value {
        match self.target {
            Kind::String => Value::String(
                self.format
                    .as_ref()
                    .map(|f| f.format(ms))
                    .unwrap_or_default(),
            ),
            Kind::Unix => Value::Int64(match self.precision {
                Precision::Seconds => ms / 1000,
                Precision::Millis => ms,
                Precision::Micros => ms.saturating_mul(1000),
                Precision::Nanos => ms.saturating_mul(1_000_000),
            }),
            Kind::Date => {
                let days = ms.div_euclid(MILLIS_PER_DAY);
                if schemaless {
                    Value::Int64(days * MILLIS_PER_DAY)
                } else {
                    Value::Int32(days as i32)
                }
            }
            Kind::Time => {
                let tod = ms.rem_euclid(MILLIS_PER_DAY);
                if schemaless {
                    Value::Int64(tod)
                } else {
                    Value::Int32(tod as i32)
                }
            }
            Kind::Timestamp => Value::Int64(ms),
        }
    }

    fn convert(
        &self,
        kind: Option<Kind>,
        schema: Option<&Schema>,
        v: &Value,
    ) -> Result<Value, TransformError> {
        if v.is_null() {
            return Ok(Value::Null);
        }
        let kind = match kind {
            Some(k) => k,
            None => match v {
                Value::Int64(_) => Kind::Unix,
                Value::String(_) => Kind::String,
                other => {
                    return Err(data_err(format!(
                        "TimestampConverter does not support class {} objects as timestamps",
                        other.type_name()
                    )))
                }
            },
        };
        let ms = self.to_raw(kind, schema, v)?;
        Ok(self.to_type(ms, schema.is_none()))
    }

    fn struct_with(&self, value: &Struct, updated: &Arc<Schema>) -> Result<Struct, TransformError> {
        let mut out = StructBuilder::new(updated.clone());
        for (i, f) in value.schema.fields.iter().enumerate() {
            let orig = field_value(value, i, self.replace_null_with_default);
            let v = if f.name == self.field {
                self.convert(Some(kind_of_schema(&f.schema)?), Some(&f.schema), &orig)?
            } else {
                orig
            };
            out.put(&f.name, v)?;
        }
        Ok(out.build())
    }

    fn updated_schema(&self, schema: &Schema) -> Result<Arc<Schema>, TransformError> {
        if schema.schema_type != SchemaType::Struct {
            return Err(data_err("Cannot list fields on non-struct type"));
        }
        let mut b = SchemaBuilder::struct_().copy_basics(schema);
        for f in &schema.fields {
            if f.name == self.field {
                b.field(&f.name, self.target.schema(f.schema.optional))?;
            } else {
                b.field(&f.name, f.schema.clone())?;
            }
        }
        if schema.optional {
            b = b.optional();
        }
        let base = b.build();
        match &schema.default_value {
            Some(Value::Struct(d)) => {
                let default = self.struct_with(d, &base)?;
                let mut s = (*base).clone();
                s.default_value = Some(Value::Struct(default));
                Ok(Arc::new(s))
            }
            _ => Ok(base),
        }
    }
}

/// `timestampTypeFromSchema`.
fn kind_of_schema(s: &Schema) -> Result<Kind, TransformError> {
    Ok(match s.name.as_deref() {
        Some(TIMESTAMP) => Kind::Timestamp,
        Some(DATE) => Kind::Date,
        Some(TIME) => Kind::Time,
        _ => match s.schema_type {
            SchemaType::String => Kind::String,
            SchemaType::Int64 => Kind::Unix,
            _ => {
                return Err(TransformError::new(
                    CONNECT_EXCEPTION,
                    format!(
                        "Schema {} does not correspond to a known timestamp type format",
                        schema_display(s)
                    ),
                ))
            }
        },
    })
}

impl Transformation for TimestampConverter {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        match side.schema(&r).cloned() {
            None => {
                let raw = side.value(&r);
                if raw.is_null() || self.field.is_empty() {
                    let v = self.convert(None, None, raw)?;
                    side.set(&mut r, None, v);
                } else {
                    let map = require_map(raw, PURPOSE)?;
                    let mut updated = JavaHashMap::from_entries(map);
                    let v = self.convert(
                        None,
                        None,
                        map_get(map, &self.field).unwrap_or(&Value::Null),
                    )?;
                    updated.put(Value::String(self.field.clone()), v);
                    side.set(&mut r, None, Value::Map(updated.into_entries()));
                }
            }
            Some(schema) => {
                if self.field.is_empty() {
                    let updated = self.target.schema(schema.optional);
                    let kind = kind_of_schema(&schema)?;
                    let v = self.convert(Some(kind), Some(&schema), side.value(&r))?;
                    side.set(&mut r, Some(updated), v);
                } else {
                    let value = require_struct_or_null(Some(&schema), side.value(&r), PURPOSE)?;
                    let updated = self
                        .cache
                        .get_or_build(&schema, || self.updated_schema(&schema))?;
                    let v = match value {
                        None => Value::Null,
                        Some(s) => Value::Struct(self.struct_with(s, &updated)?),
                    };
                    side.set(&mut r, Some(updated), v);
                }
            }
        }
        Ok(Some(r))
    }
}
