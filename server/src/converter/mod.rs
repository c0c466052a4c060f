//! Converters between Kafka Connect data and Kafka record bytes (Kafka Connect's
//! `org.apache.kafka.connect.storage.Converter`), chosen by class name like Kafka Connect.
//!
//! - `json.rs`: JsonConverter, byte-for-byte compatible with Kafka Connect's.
//! - `simple.rs`: StringConverter, ByteArrayConverter.

mod json;
pub mod jsonout;
mod simple;

use std::collections::BTreeMap;

use bytes::Bytes;

pub use json::{JsonConverter, JsonConverterConfig};
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
}

/// Builds converters from class names and their settings.
pub struct ConverterFactory;

pub const JSON_CONVERTER: &str = "org.apache.kafka.connect.json.JsonConverter";
pub const STRING_CONVERTER: &str = "org.apache.kafka.connect.storage.StringConverter";
pub const BYTE_ARRAY_CONVERTER: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";

/// The converters this core knows, by their Kafka Connect class names.
pub const DEFAULT_CONVERTER_CLASS: &str = JSON_CONVERTER;

pub const KNOWN: &[&str] = &[JSON_CONVERTER, STRING_CONVERTER, BYTE_ARRAY_CONVERTER];

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
            _ => Err(format!(
                "Invalid value {class} for configuration {}: Class {class} could not be found.",
                if is_key { "key.converter" } else { "value.converter" }
            )),
        }
    }
}
