//! Converters between Kafka Connect data and Kafka record bytes (Kafka Connect's
//! `org.apache.kafka.connect.storage.Converter`), chosen by class name like Kafka Connect.
//!
//! - `avro/`: Confluent's AvroConverter (wire format, Avro schemas and codec, AvroData).
//! - `registered.rs`: what the registry-backed converters share (wire format, caches).
//! - `json_schema.rs`: Confluent's JsonSchemaConverter (JsonSchemaData's mapping).
//! - `protobuf.rs`: Confluent's ProtobufConverter (ProtobufData's mapping, message indexes).
//! - `registry.rs`: the Schema Registry client (Confluent's REST API and settings).
//! - `json.rs`: JsonConverter, byte-for-byte compatible with Kafka Connect's.
//! - `simple.rs`: StringConverter, ByteArrayConverter.
//! - `number.rs`: Short/Integer/Long/Float/DoubleConverter, BooleanConverter.
//! - `header.rs`: the [`HeaderConverter`] trait, SimpleHeaderConverter (the default header
//!   converter) and record converters used as header converters.
//! - `values.rs`: Kafka Connect's `Values` (parsing and printing, as SimpleHeaderConverter
//!   and InsertHeader use them).
//! - `datefmt.rs`: Java's SimpleDateFormat (TimestampConverter, TimestampRouter, Values).
//! - `java.rs`: Java number parsing/printing, BigDecimal, HashMap iteration order.

pub mod avro;
pub mod datefmt;
mod header;
pub mod java;
mod json;
pub mod json_schema;
pub mod jsonout;
mod number;
pub mod protobuf;
pub mod registered;
pub mod registry;
pub mod remote;
mod simple;
pub mod values;

use std::collections::BTreeMap;

use bytes::Bytes;

pub use header::{ConverterHeaderConverter, HeaderConverter, SimpleHeaderConverter};
pub use json::{JsonConverter, JsonConverterConfig};
pub use number::{BooleanConverter, NumberConverter, NumberKind};
pub use simple::{display_java, ByteArrayConverter, StringConverter};

use crate::data::{DataError, SchemaAndValue};

/// Converts record keys or values. One instance per task and per role (key or value).
pub trait Converter: Send + Sync {
    /// Kafka Connect data to bytes; `None` is a null record key or value (a tombstone).
    fn from_connect(&self, topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError>;
    /// Bytes (or null) to Kafka Connect data.
    fn to_connect(&self, topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError>;
    /// True when `from_connect` of an optional-BYTES value is the bytes themselves, so a raw
    /// record can reach Kafka untouched. ByteArrayConverter.
    fn is_passthrough(&self) -> bool {
        false
    }
    /// True when a conversion can fail for want of a service (a schema registry): the
    /// record is then converted again within `errors.retry.timeout`.
    fn may_retry(&self) -> bool {
        false
    }
    /// A converter a plugin process serves: the runners convert whole batches with it.
    fn remote(&self) -> Option<&remote::RemoteConverter> {
        None
    }
}

/// Builds converters from class names and their settings.
pub struct ConverterFactory;

pub const JSON_CONVERTER: &str = "org.apache.kafka.connect.json.JsonConverter";
pub const STRING_CONVERTER: &str = "org.apache.kafka.connect.storage.StringConverter";
pub const BYTE_ARRAY_CONVERTER: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";
pub const SHORT_CONVERTER: &str = "org.apache.kafka.connect.converters.ShortConverter";
pub const INTEGER_CONVERTER: &str = "org.apache.kafka.connect.converters.IntegerConverter";
pub const LONG_CONVERTER: &str = "org.apache.kafka.connect.converters.LongConverter";
pub const FLOAT_CONVERTER: &str = "org.apache.kafka.connect.converters.FloatConverter";
pub const DOUBLE_CONVERTER: &str = "org.apache.kafka.connect.converters.DoubleConverter";
pub const BOOLEAN_CONVERTER: &str = "org.apache.kafka.connect.converters.BooleanConverter";
pub const AVRO_CONVERTER: &str = "io.confluent.connect.avro.AvroConverter";
pub const JSON_SCHEMA_CONVERTER: &str = "io.confluent.connect.json.JsonSchemaConverter";
pub const PROTOBUF_CONVERTER: &str = "io.confluent.connect.protobuf.ProtobufConverter";
pub const SIMPLE_HEADER_CONVERTER: &str = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

/// The default `header.converter`.
pub const DEFAULT_HEADER_CONVERTER_CLASS: &str = SIMPLE_HEADER_CONVERTER;

/// The converters this core knows, by their Kafka Connect class names.
pub const DEFAULT_CONVERTER_CLASS: &str = JSON_CONVERTER;

pub const KNOWN: &[&str] = &[
    JSON_CONVERTER,
    STRING_CONVERTER,
    BYTE_ARRAY_CONVERTER,
    SHORT_CONVERTER,
    INTEGER_CONVERTER,
    LONG_CONVERTER,
    FLOAT_CONVERTER,
    DOUBLE_CONVERTER,
    BOOLEAN_CONVERTER,
    AVRO_CONVERTER,
    JSON_SCHEMA_CONVERTER,
    PROTOBUF_CONVERTER,
];

/// The header converters this core knows (every record converter is one too).
pub const KNOWN_HEADER: &[&str] = &[
    SIMPLE_HEADER_CONVERTER,
    JSON_CONVERTER,
    STRING_CONVERTER,
    BYTE_ARRAY_CONVERTER,
    SHORT_CONVERTER,
    INTEGER_CONVERTER,
    LONG_CONVERTER,
    FLOAT_CONVERTER,
    DOUBLE_CONVERTER,
    BOOLEAN_CONVERTER,
];

fn number_kind(simple: &str) -> Option<NumberKind> {
    Some(match simple {
        "ShortConverter" => NumberKind::Short,
        "IntegerConverter" => NumberKind::Integer,
        "LongConverter" => NumberKind::Long,
        "FloatConverter" => NumberKind::Float,
        "DoubleConverter" => NumberKind::Double,
        _ => return None,
    })
}

impl ConverterFactory {
    /// `class` is a Kafka Connect class name (or its simple name); `settings` are the
    /// converter's own settings with the `key.converter.` / `value.converter.` prefix removed.
    pub fn create(
        class: &str,
        settings: &BTreeMap<String, String>,
        is_key: bool,
    ) -> Result<Box<dyn Converter>, String> {
        let simple = class.rsplit('.').next().unwrap_or(class);
        match simple {
            "JsonConverter" => Ok(Box::new(JsonConverter::new(
                JsonConverterConfig::parse(settings)?,
                is_key,
            ))),
            "StringConverter" => Ok(Box::new(StringConverter::new(settings, is_key)?)),
            "ByteArrayConverter" => Ok(Box::new(ByteArrayConverter)),
            "BooleanConverter" => Ok(Box::new(BooleanConverter)),
            "AvroConverter" => Ok(Box::new(avro::AvroConverter::new(settings, is_key)?)),
            "JsonSchemaConverter" => Ok(Box::new(json_schema::JsonSchemaConverter::new(
                settings, is_key,
            )?)),
            "ProtobufConverter" => Ok(Box::new(protobuf::ProtobufConverter::new(
                settings, is_key,
            )?)),
            other if number_kind(other).is_some() => Ok(Box::new(NumberConverter::new(
                number_kind(other).unwrap_or(NumberKind::Integer),
            ))),
            _ => Err(format!(
                "Invalid value {class} for configuration {}: Class {class} could not be found.",
                if is_key {
                    "key.converter"
                } else {
                    "value.converter"
                }
            )),
        }
    }

    /// A header converter (`header.converter`); `settings` without the `header.converter.`
    /// prefix. SimpleHeaderConverter, or any record converter (configured as Kafka Connect
    /// configures a header converter: not a key).
    pub fn create_header_converter(
        class: &str,
        settings: &BTreeMap<String, String>,
    ) -> Result<Box<dyn HeaderConverter>, String> {
        let simple = class.rsplit('.').next().unwrap_or(class);
        match simple {
            "SimpleHeaderConverter" => Ok(Box::new(SimpleHeaderConverter)),
            "BooleanConverter" => Ok(Box::new(BooleanConverter)),
            other if number_kind(other).is_some() => {
                Ok(Box::new(NumberConverter::new(number_kind(other).unwrap_or(NumberKind::Integer))))
            }
            "JsonConverter" | "StringConverter" | "ByteArrayConverter" => {
                let inner = ConverterFactory::create(class, settings, false)?;
                Ok(Box::new(ConverterHeaderConverter::new(inner)))
            }
            _ => Err(format!(
                "Invalid value {class} for configuration header.converter: Class {class} could not be found."
            )),
        }
    }
}
