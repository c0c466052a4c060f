//! Confluent's `io.confluent.connect.avro.AvroConverter`: Kafka Connect data as Avro in
//! Confluent's wire format (magic byte 0, the 4-byte big-endian schema id, the Avro binary
//! encoding), its schemas registered in a Schema Registry (`../registry.rs`).
//!
//! - `schema.rs`: Avro schemas (parsed, printed as Avro's Java library prints them) and the
//!   binary codec.
//! - `data.rs`: Kafka Connect data ↔ Avro as Confluent's `AvroData` maps them.

pub mod data;
pub mod schema;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use self::data::{AvroData, AvroDataConfig, CONNECT_VERSION_PROP};
use self::schema::{encode, AvroSchema, Kind, Reader};
use super::registry::{Bounded, RegistryClient, RegistryConfig, RegistryError};
use super::Converter;
use crate::data::{DataError, Schema, SchemaAndValue};

pub const MAGIC_BYTE: u8 = 0;

/// What a Connect schema becomes for writing.
struct Outgoing {
    avro: AvroSchema,
    text: String,
    /// The record's full name (RecordNameStrategy, TopicRecordNameStrategy).
    record_name: Option<String>,
    /// The ids of this schema under the subjects it was written to: the hot path.
    ids: Mutex<Vec<(String, i32)>>,
}

/// What a schema id means for reading.
struct Incoming {
    avro: AvroSchema,
    connect: Arc<Schema>,
}

/// Connect schemas of one structural hash and what they become.
type SameHash = Vec<(Arc<Schema>, Arc<Outgoing>)>;

/// Connect schemas seen for writing, bounded (`schemas.cache.config`), looked up by a
/// structural hash and then compared.
struct OutCache {
    cap: usize,
    map: HashMap<u64, SameHash>,
    order: VecDeque<u64>,
    len: usize,
}

fn schema_hash(s: &Schema, h: &mut impl Hasher) {
    s.schema_type.hash(h);
    s.optional.hash(h);
    s.name.hash(h);
    s.version.hash(h);
    s.doc.hash(h);
    s.parameters.hash(h);
    for f in &s.fields {
        f.name.hash(h);
        schema_hash(&f.schema, h);
    }
    if let Some(k) = &s.key_schema {
        schema_hash(k, h);
    }
    if let Some(v) = &s.value_schema {
        schema_hash(v, h);
    }
}

impl OutCache {
    fn get(&self, key: u64, s: &Schema) -> Option<Arc<Outgoing>> {
        self.map
            .get(&key)?
            .iter()
            .find(|(k, _)| k.as_ref() == s)
            .map(|(_, v)| v.clone())
    }

    fn insert(&mut self, key: u64, s: Arc<Schema>, v: Arc<Outgoing>) {
        self.map.entry(key).or_default().push((s, v));
        self.order.push_back(key);
        self.len += 1;
        while self.len > self.cap {
            let Some(old) = self.order.pop_front() else { break };
            if let Some(list) = self.map.get_mut(&old) {
                if !list.is_empty() {
                    list.remove(0);
                    self.len -= 1;
                }
                if list.is_empty() {
                    self.map.remove(&old);
                }
            }
        }
    }
}

pub struct AvroConverter {
    is_key: bool,
    client: RegistryClient,
    data: AvroData,
    outgoing: Mutex<OutCache>,
    incoming: Mutex<Bounded<i32, Arc<Incoming>>>,
}

fn bool_setting(s: &BTreeMap<String, String>, key: &str, default: bool) -> Result<bool, String> {
    match s.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if v == "true" => Ok(true),
        Some(v) if v == "false" => Ok(false),
        Some(v) => Err(format!(
            "Invalid value {v} for configuration {key}: Expected value to be either true or false"
        )),
    }
}

impl AvroConverter {
    pub fn new(settings: &BTreeMap<String, String>, is_key: bool) -> Result<AvroConverter, String> {
        let registry = RegistryConfig::parse(settings, is_key)?;
        let cache = match settings.get("schemas.cache.config") {
            None => 1000,
            Some(v) => v.trim().parse::<usize>().map_err(|_| {
                format!("Invalid value {v} for configuration schemas.cache.config: Not a number of type INT")
            })?,
        }
        .max(1);
        let config = AvroDataConfig {
            connect_meta_data: bool_setting(settings, "connect.meta.data", true)?,
            enhanced_schema_support: bool_setting(settings, "enhanced.avro.schema.support", false)?,
            schemas_cache_size: cache,
        };
        Ok(AvroConverter {
            is_key,
            client: RegistryClient::new(registry)?,
            data: AvroData::new(config),
            outgoing: Mutex::new(OutCache {
                cap: cache,
                map: HashMap::new(),
                order: VecDeque::new(),
                len: 0,
            }),
            incoming: Mutex::new(Bounded::new(cache)),
        })
    }

    fn outgoing(&self, schema: &Arc<Schema>) -> Result<Arc<Outgoing>, DataError> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        schema_hash(schema, &mut h);
        let key = h.finish();
        if let Some(o) = self.outgoing.lock().unwrap_or_else(|e| e.into_inner()).get(key, schema) {
            return Ok(o);
        }
        let avro = self.data.from_connect_schema(schema)?;
        let record_name = match &avro.kind {
            Kind::Record { name, .. } => Some(name.full()),
            _ => None,
        };
        let o = Arc::new(Outgoing {
            text: avro.to_java_string(),
            avro,
            record_name,
            ids: Mutex::new(Vec::new()),
        });
        self.outgoing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, schema.clone(), o.clone());
        Ok(o)
    }

    fn subject(&self, topic: &str, record_name: Option<&str>) -> Result<String, DataError> {
        self.client
            .config
            .subject_strategy
            .subject(topic, self.is_key, record_name)
    }

    fn incoming(&self, topic: &str, id: i32) -> Result<Arc<Incoming>, DataError> {
        if let Some(i) = self.incoming.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Ok(i);
        }
        let text = self
            .client
            .schema_by_id(id)
            .map_err(|e| e.into_data_error(&format!("retrieving Avro schema for id {id}")))?;
        let avro = AvroSchema::parse(&text)?;
        // The registry's version of the schema becomes the Connect schema's version when
        // the schema carries no connect.version (as Confluent's deserializer looks it up).
        let version = if avro.prop(CONNECT_VERSION_PROP).is_none() {
            let record_name = avro.name().map(|n| n.full());
            match self.subject(topic, record_name.as_deref()) {
                Ok(subject) => match self.client.version_of(&subject, &text) {
                    Ok(v) => Some(v),
                    Err(RegistryError::Refused { .. }) => None,
                    Err(e) => {
                        return Err(e.into_data_error(&format!(
                            "retrieving Avro schema version for id {id}"
                        )))
                    }
                },
                Err(_) => None,
            }
        } else {
            None
        };
        let connect = Arc::new(self.data.to_connect_schema(&avro, version)?);
        let i = Arc::new(Incoming { avro, connect });
        self.incoming
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, i.clone());
        Ok(i)
    }
}

impl Converter for AvroConverter {
    fn from_connect(&self, topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError> {
        if data.value.is_null() && data.schema.as_ref().is_none_or(|s| s.optional || s.default_value.is_none()) {
            return Ok(None);
        }
        let Some(schema) = data.schema else {
            return Err(DataError::new(format!(
                "Failed to serialize Avro data from topic {topic}: schemaless data is not supported by the AvroConverter"
            )));
        };
        let out = self.outgoing(&schema)?;
        let subject = self.subject(topic, out.record_name.as_deref())?;
        let cfg = &self.client.config;
        let known = out
            .ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(s, _)| *s == subject)
            .map(|(_, id)| *id);
        let id = if let Some(id) = known {
            id
        } else if cfg.use_latest_version {
            let latest = self
                .client
                .latest(&subject)
                .map_err(|e| e.into_data_error(&format!("retrieving the latest schema of subject {subject}")))?;
            let same = AvroSchema::parse(&latest.schema).is_ok_and(|l| l == out.avro);
            if !same {
                return Err(DataError::new(format!(
                    "Error serializing Avro message: the latest schema of subject {subject} (id {}) is not the record's schema {}",
                    latest.id, out.text
                )));
            }
            latest.id
        } else {
            self.client
                .id_for(&subject, &out.text, cfg.auto_register)
                .map_err(|e| {
                    e.into_data_error(&format!(
                        "registering Avro schema {} under subject {subject}",
                        out.text
                    ))
                })?
        };
        if known.is_none() {
            let mut ids = out.ids.lock().unwrap_or_else(|e| e.into_inner());
            // Bounded like the client's caches: a schema written to many topics keeps the
            // latest subjects.
            if ids.len() >= self.client.config.max_schemas_per_subject {
                ids.remove(0);
            }
            ids.push((subject.clone(), id));
        }
        let datum = self
            .data
            .to_datum(&schema, &out.avro, &data.value)
            .map_err(|e| DataError::new(format!("Failed to serialize Avro data from topic {topic} : {}", e.message)))?;
        let mut buf = Vec::with_capacity(64);
        buf.push(MAGIC_BYTE);
        buf.extend_from_slice(&id.to_be_bytes());
        encode(&out.avro, &datum, &mut buf)?;
        Ok(Some(Bytes::from(buf)))
    }

    fn to_connect(&self, topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        let Some(b) = bytes else {
            return Ok(SchemaAndValue::NULL);
        };
        let fail = |m: String| {
            DataError::new(format!("Failed to deserialize data for topic {topic} to Avro: {m}"))
        };
        if b.len() < 5 || b[0] != MAGIC_BYTE {
            return Err(fail("Unknown magic byte!".into()));
        }
        let id = i32::from_be_bytes([b[1], b[2], b[3], b[4]]);
        let inc = self.incoming(topic, id).map_err(|e| DataError {
            message: fail(e.message).message,
            retriable: e.retriable,
        })?;
        let mut r = Reader::new(&b[5..]);
        let datum = r.read(&inc.avro).map_err(|e| fail(e.message))?;
        let value = self
            .data
            .to_value(&inc.connect, &inc.avro, datum)
            .map_err(|e| fail(e.message))?;
        Ok(SchemaAndValue::new(Some(inc.connect.clone()), value))
    }

    fn may_retry(&self) -> bool {
        true
    }
}

impl AvroConverter {
    /// The AvroData of this converter (tests, benches).
    pub fn avro_data(&self) -> &AvroData {
        &self.data
    }
}
