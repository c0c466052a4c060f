//! Header converters (Kafka Connect's `org.apache.kafka.connect.storage.HeaderConverter`):
//! SimpleHeaderConverter, the default, and every record converter used as a header
//! converter, as Kafka Connect allows.

use bytes::Bytes;

use super::values::{convert_to_string, parse_string};
use super::Converter;
use crate::data::{DataError, Schema, SchemaAndValue, Value};
use std::sync::{Arc, OnceLock};

/// Converts one header value. One instance per task.
pub trait HeaderConverter: Send + Sync {
    /// A header's Kafka Connect data to bytes; `None` is a null header value.
    fn from_connect_header(
        &self,
        topic: &str,
        header_key: &str,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<Option<Bytes>, DataError>;

    /// A header's bytes (or null) to Kafka Connect data.
    fn to_connect_header(
        &self,
        topic: &str,
        header_key: &str,
        bytes: Option<&[u8]>,
    ) -> Result<SchemaAndValue, DataError>;

    /// A header converter a plugin process serves: the runners convert whole batches with it.
    fn remote(&self) -> Option<&super::remote::RemoteConverter> {
        None
    }
}

/// Kafka Connect's SimpleHeaderConverter: values as text, read back with `Values.parseString`
/// (numbers, booleans, arrays, maps, ISO 8601 dates, times and timestamps are recognised;
/// anything else is a string).
#[derive(Debug, Default, Clone, Copy)]
pub struct SimpleHeaderConverter;

fn bytes_schema() -> Arc<Schema> {
    static S: OnceLock<Arc<Schema>> = OnceLock::new();
    S.get_or_init(|| Arc::new(Schema::new(crate::data::SchemaType::Bytes)))
        .clone()
}

impl HeaderConverter for SimpleHeaderConverter {
    fn from_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<Option<Bytes>, DataError> {
        Ok(convert_to_string(schema, value)?.map(|s| Bytes::from(s.into_bytes())))
    }

    fn to_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        bytes: Option<&[u8]>,
    ) -> Result<SchemaAndValue, DataError> {
        let Some(b) = bytes else {
            return Ok(SchemaAndValue::NULL);
        };
        let text = String::from_utf8_lossy(b);
        match parse_string(&text) {
            Ok(sv) => Ok(sv),
            // Kafka Connect falls back to the raw bytes when the text cannot be parsed.
            Err(_) => Ok(SchemaAndValue::new(
                Some(bytes_schema()),
                Value::Bytes(Bytes::copy_from_slice(b)),
            )),
        }
    }
}

/// A record converter used as a header converter (JsonConverter, StringConverter,
/// ByteArrayConverter): `fromConnectHeader` is `fromConnectData`, as in Kafka Connect.
pub struct ConverterHeaderConverter {
    inner: Box<dyn Converter>,
}

impl ConverterHeaderConverter {
    pub fn new(inner: Box<dyn Converter>) -> ConverterHeaderConverter {
        ConverterHeaderConverter { inner }
    }
}

impl HeaderConverter for ConverterHeaderConverter {
    fn from_connect_header(
        &self,
        topic: &str,
        _header_key: &str,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<Option<Bytes>, DataError> {
        self.inner.from_connect(
            topic,
            SchemaAndValue::new(schema.map(|s| Arc::new(s.clone())), value.clone()),
        )
    }

    fn to_connect_header(
        &self,
        topic: &str,
        _header_key: &str,
        bytes: Option<&[u8]>,
    ) -> Result<SchemaAndValue, DataError> {
        self.inner.to_connect(topic, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_round_trips() {
        let c = SimpleHeaderConverter;
        let b = c
            .from_connect_header("t", "h", None, &Value::Int32(42))
            .unwrap()
            .unwrap();
        assert_eq!(&b[..], b"42");
        assert_eq!(
            c.to_connect_header("t", "h", Some(b"42")).unwrap().value,
            Value::Int8(42)
        );
        assert_eq!(
            c.to_connect_header("t", "h", None).unwrap(),
            SchemaAndValue::NULL
        );
    }
}
