//! Confluent's `io.confluent.connect.avro.AvroConverter`: Kafka Connect data as Avro in
//! Confluent's wire format (magic byte 0, the 4-byte big-endian schema id, the Avro binary
//! encoding), its schemas registered in a Schema Registry (`../registry.rs`).
//!
//! - `schema.rs`: Avro schemas (parsed, printed as Avro's Java library prints them) and the
//!   binary codec.
//! - `data.rs`: Kafka Connect data ↔ Avro as Confluent's `AvroData` maps them.

pub mod data;
pub mod schema;

use std::collections::BTreeMap;
use std::sync::Arc;

use self::data::{AvroData, AvroDataConfig, CONNECT_VERSION_PROP};
use self::schema::{encode, for_latest, AvroSchema, Kind, Reader};
use super::registered::{bool_setting, cache_size, RegisteredConverter, SchemaFormat};
use crate::data::{DataError, Schema, Value};

pub use super::registered::MAGIC_BYTE;

/// Avro as a registered schema language.
pub struct AvroFormat {
    data: AvroData,
}

impl SchemaFormat for AvroFormat {
    type Parsed = AvroSchema;
    const NAME: &'static str = "Avro";
    const SCHEMA_TYPE: Option<&'static str> = None;

    fn from_connect_schema(&self, s: &Schema) -> Result<AvroSchema, DataError> {
        self.data.from_connect_schema(s)
    }

    fn print(&self, p: &AvroSchema) -> String {
        p.to_java_string()
    }

    fn record_name(&self, p: &AvroSchema) -> Option<String> {
        match &p.kind {
            Kind::Record { name, .. } => Some(name.full()),
            _ => None,
        }
    }

    fn read_name(&self, p: &AvroSchema) -> Option<String> {
        // Named schemas other than records (enums, fixed) name their subject for reading.
        p.name().map(|n| n.full())
    }

    fn parse(&self, text: &str) -> Result<AvroSchema, DataError> {
        AvroSchema::parse(text)
    }

    fn has_connect_version(&self, p: &AvroSchema) -> bool {
        p.prop(CONNECT_VERSION_PROP).is_some()
    }

    fn to_connect_schema(&self, p: &AvroSchema, version: Option<i32>) -> Result<Schema, DataError> {
        self.data.to_connect_schema(p, version)
    }

    fn encode(
        &self,
        s: &Schema,
        p: &AvroSchema,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), DataError> {
        let datum = self.data.to_datum(s, p, value)?;
        encode(p, &datum, out)
    }

    const WRITES_FOR_LATEST: bool = true;

    /// As Confluent's serializer with `use.latest.version`: the record's Avro data written
    /// by a writer of the latest schema ([`for_latest`]).
    fn encode_for_latest(
        &self,
        s: &Schema,
        p: &AvroSchema,
        latest: &AvroSchema,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), DataError> {
        let datum = for_latest(p, latest, self.data.to_datum(s, p, value)?)?;
        encode(latest, &datum, out)
    }

    fn decode(&self, s: &Arc<Schema>, p: &AvroSchema, bytes: &[u8]) -> Result<Value, DataError> {
        let datum = Reader::new(bytes).read(p)?;
        self.data.to_value(s, p, datum)
    }
}

/// Confluent's AvroConverter.
pub type AvroConverter = RegisteredConverter<AvroFormat>;

impl RegisteredConverter<AvroFormat> {
    pub fn new(settings: &BTreeMap<String, String>, is_key: bool) -> Result<AvroConverter, String> {
        let config = AvroDataConfig {
            connect_meta_data: bool_setting(settings, "connect.meta.data", true)?,
            enhanced_schema_support: bool_setting(settings, "enhanced.avro.schema.support", false)?,
            schemas_cache_size: cache_size(settings)?,
        };
        RegisteredConverter::with_format(
            AvroFormat {
                data: AvroData::new(config),
            },
            settings,
            is_key,
        )
    }

    /// The AvroData of this converter (tests, benches).
    pub fn avro_data(&self) -> &AvroData {
        &self.format().data
    }
}
