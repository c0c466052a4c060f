//! What Confluent's registry-backed converters share (`AvroConverter`, `JsonSchemaConverter`,
//! `ProtobufConverter`):
//! Confluent's wire format (magic byte 0, the 4-byte big-endian schema id, then the
//! format's encoding), the registry settings and client (`registry.rs`), the bounded caches
//! of Connect schemas to written schemas and of ids to read schemas, the subject name
//! strategies, `use.latest.version`, and how failures become record or retriable errors.
//!
//! A [`SchemaFormat`] is the part of one schema language: its schemas from and to Connect
//! schemas, printed for registration, and its values encoded and decoded.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

pub use super::registry::bool_setting;
use super::registry::{Bounded, RegistryClient, RegistryConfig, RegistryError};
use super::Converter;
use crate::data::{DataError, Schema, SchemaAndValue, Value};

pub const MAGIC_BYTE: u8 = 0;

/// One schema language of a registry-backed converter.
pub trait SchemaFormat: Send + Sync + 'static {
    /// A schema of the language, parsed.
    type Parsed: Send + Sync + PartialEq;
    /// The language in messages ("Avro", "JSON Schema").
    const NAME: &'static str;
    /// The registry's `schemaType` (`None` for Avro, the registry's default).
    const SCHEMA_TYPE: Option<&'static str>;

    fn from_connect_schema(&self, s: &Schema) -> Result<Self::Parsed, DataError>;
    /// The text registered for a schema.
    fn print(&self, p: &Self::Parsed) -> String;
    /// The full name the record name strategies use.
    fn record_name(&self, p: &Self::Parsed) -> Option<String>;
    /// The full name the record name strategies use for a schema read by id.
    fn read_name(&self, p: &Self::Parsed) -> Option<String> {
        self.record_name(p)
    }
    fn parse(&self, text: &str) -> Result<Self::Parsed, DataError>;
    /// Whether schemas read by id may name other registered schemas (references).
    const READS_REFERENCES: bool = false;
    /// Parses a schema read by id with the schemas it references, by the names it uses
    /// for them (when `READS_REFERENCES`).
    fn parse_with_references(
        &self,
        text: &str,
        _references: &[(String, String)],
    ) -> Result<Self::Parsed, DataError> {
        self.parse(text)
    }
    /// True when the schema carries its own Connect version (`connect.version`).
    fn has_connect_version(&self, p: &Self::Parsed) -> bool;
    fn to_connect_schema(
        &self,
        p: &Self::Parsed,
        version: Option<i32>,
    ) -> Result<Schema, DataError>;
    /// Appends the encoding of `value` (after the magic byte and id).
    fn encode(
        &self,
        s: &Schema,
        p: &Self::Parsed,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), DataError>;
    /// Whether the language writes a record for another schema of its subject than the
    /// record's (`use.latest.version` with a latest schema that differs).
    const WRITES_FOR_LATEST: bool = false;
    /// Appends the encoding of `value`, of the record's schema `p`, for readers of
    /// `latest`, the subject's latest schema (when `WRITES_FOR_LATEST`).
    fn encode_for_latest(
        &self,
        _s: &Schema,
        _p: &Self::Parsed,
        _latest: &Self::Parsed,
        _value: &Value,
        _out: &mut Vec<u8>,
    ) -> Result<(), DataError> {
        Err(DataError::new(format!(
            "{} is not written for another schema",
            Self::NAME
        )))
    }
    /// Decodes what follows the magic byte and id.
    fn decode(&self, s: &Arc<Schema>, p: &Self::Parsed, bytes: &[u8]) -> Result<Value, DataError>;
    /// Decodes what follows the magic byte and id, with the Connect schema of what was
    /// decoded: `s` unless the encoding names another type of the schema (Protobuf's
    /// message indexes).
    fn decode_with_schema(
        &self,
        s: &Arc<Schema>,
        p: &Self::Parsed,
        bytes: &[u8],
    ) -> Result<(Arc<Schema>, Value), DataError> {
        Ok((s.clone(), self.decode(s, p, bytes)?))
    }
}

/// What a Connect schema becomes for writing.
struct Outgoing<P> {
    parsed: P,
    text: String,
    /// The record's full name (RecordNameStrategy, TopicRecordNameStrategy).
    record_name: Option<String>,
    /// The ids of this schema under the subjects it was written to: the hot path. With
    /// `use.latest.version`, the subject's latest schema when it is not this one.
    ids: Mutex<Vec<Written<P>>>,
}

/// A subject a schema was written to: the id, and the latest schema written for when it
/// is another one.
type Written<P> = (String, i32, Option<Arc<P>>);

/// What a schema id means for reading.
struct Incoming<P> {
    parsed: P,
    connect: Arc<Schema>,
}

/// A Connect schema and what it became.
type Seen<P> = (Arc<Schema>, Arc<Outgoing<P>>);

/// Connect schemas seen for writing, bounded (`schemas.cache.config`), looked up by a
/// structural hash and then compared.
struct OutCache<P> {
    cap: usize,
    map: HashMap<u64, Vec<Seen<P>>>,
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

impl<P> OutCache<P> {
    fn get(&self, key: u64, s: &Schema) -> Option<Arc<Outgoing<P>>> {
        self.map
            .get(&key)?
            .iter()
            .find(|(k, _)| k.as_ref() == s)
            .map(|(_, v)| v.clone())
    }

    fn insert(&mut self, key: u64, s: Arc<Schema>, v: Arc<Outgoing<P>>) {
        self.map.entry(key).or_default().push((s, v));
        self.order.push_back(key);
        self.len += 1;
        while self.len > self.cap {
            let Some(old) = self.order.pop_front() else {
                break;
            };
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

/// `schemas.cache.config` (1000 by default, at least 1).
pub fn cache_size(settings: &BTreeMap<String, String>) -> Result<usize, String> {
    Ok(match settings.get("schemas.cache.config") {
        None => 1000,
        Some(v) => v.trim().parse::<usize>().map_err(|_| {
            format!("Invalid value {v} for configuration schemas.cache.config: Not a number of type INT")
        })?,
    }
    .max(1))
}

/// A converter of Connect data to and from a registered schema language in Confluent's
/// wire format.
pub struct RegisteredConverter<F: SchemaFormat> {
    is_key: bool,
    client: RegistryClient,
    format: F,
    outgoing: Mutex<OutCache<F::Parsed>>,
    incoming: Mutex<Bounded<i32, Arc<Incoming<F::Parsed>>>>,
}

impl<F: SchemaFormat> RegisteredConverter<F> {
    pub fn with_format(
        format: F,
        settings: &BTreeMap<String, String>,
        is_key: bool,
    ) -> Result<RegisteredConverter<F>, String> {
        let registry = RegistryConfig::parse(settings, is_key)?;
        let cache = cache_size(settings)?;
        Ok(RegisteredConverter {
            is_key,
            client: RegistryClient::new(registry)?.with_schema_type(F::SCHEMA_TYPE),
            format,
            outgoing: Mutex::new(OutCache {
                cap: cache,
                map: HashMap::new(),
                order: VecDeque::new(),
                len: 0,
            }),
            incoming: Mutex::new(Bounded::new(cache)),
        })
    }

    /// The schema language of this converter (tests, benches).
    pub fn format(&self) -> &F {
        &self.format
    }

    fn outgoing(&self, schema: &Arc<Schema>) -> Result<Arc<Outgoing<F::Parsed>>, DataError> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        schema_hash(schema, &mut h);
        let key = h.finish();
        if let Some(o) = self
            .outgoing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key, schema)
        {
            return Ok(o);
        }
        let parsed = self.format.from_connect_schema(schema)?;
        let o = Arc::new(Outgoing {
            text: self.format.print(&parsed),
            record_name: self.format.record_name(&parsed),
            parsed,
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

    fn incoming(&self, topic: &str, id: i32) -> Result<Arc<Incoming<F::Parsed>>, DataError> {
        if let Some(i) = self
            .incoming
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
        {
            return Ok(i);
        }
        let what = F::NAME;
        let fetched =
            |e: RegistryError| e.into_data_error(&format!("retrieving {what} schema for id {id}"));
        let (text, parsed, refs) = if F::READS_REFERENCES {
            let (text, refs) = self.client.schema_with_references(id).map_err(fetched)?;
            // The referenced schemas, theirs too, each once.
            let mut files: Vec<(String, String)> = Vec::new();
            let mut todo = refs.clone();
            while let Some(r) = todo.pop() {
                if files.iter().any(|(n, _)| *n == r.name) || files.len() > 256 {
                    continue;
                }
                let (t, more) = self
                    .client
                    .schema_of_version(&r.subject, r.version)
                    .map_err(fetched)?;
                files.push((r.name, t));
                todo.extend(more);
            }
            let parsed = self.format.parse_with_references(&text, &files)?;
            (text, parsed, refs)
        } else {
            let text = self.client.schema_by_id(id).map_err(fetched)?;
            let parsed = self.format.parse(&text)?;
            (text, parsed, Vec::new())
        };
        // The registry's version of the schema becomes the Connect schema's version when
        // the schema carries no connect.version (as Confluent's deserializers look it up).
        let version = if !self.format.has_connect_version(&parsed) {
            let record_name = self.format.read_name(&parsed);
            match self.subject(topic, record_name.as_deref()) {
                Ok(subject) => match self.client.version_of(&subject, &text, &refs) {
                    Ok(v) => Some(v),
                    Err(RegistryError::Refused { .. }) => None,
                    Err(e) => {
                        return Err(e.into_data_error(&format!(
                            "retrieving {what} schema version for id {id}"
                        )))
                    }
                },
                Err(_) => None,
            }
        } else {
            None
        };
        let connect = Arc::new(self.format.to_connect_schema(&parsed, version)?);
        let i = Arc::new(Incoming { parsed, connect });
        self.incoming
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, i.clone());
        Ok(i)
    }
}

impl<F: SchemaFormat> Converter for RegisteredConverter<F> {
    fn from_connect(&self, topic: &str, data: SchemaAndValue) -> Result<Option<Bytes>, DataError> {
        if data.value.is_null()
            && data
                .schema
                .as_ref()
                .is_none_or(|s| s.optional || s.default_value.is_none())
        {
            return Ok(None);
        }
        let what = F::NAME;
        let Some(schema) = data.schema else {
            return Err(DataError::new(format!(
                "Failed to serialize {what} data from topic {topic}: schemaless data is not supported by this converter"
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
            .find(|(s, _, _)| *s == subject)
            .map(|(_, id, latest)| (*id, latest.clone()));
        let (id, latest) = if let Some(k) = known.clone() {
            k
        } else if cfg.use_latest_version {
            let latest = self.client.latest(&subject).map_err(|e| {
                e.into_data_error(&format!(
                    "retrieving the latest schema of subject {subject}"
                ))
            })?;
            let parsed = self.format.parse(&latest.schema);
            if parsed.as_ref().is_ok_and(|l| *l == out.parsed) {
                (latest.id, None)
            } else {
                let other = |why: &str| {
                    DataError::new(format!(
                        "Error serializing {what} message: the latest schema of subject {subject} (id {}) is not the record's schema {}{why}",
                        latest.id, out.text
                    ))
                };
                let parsed =
                    parsed.map_err(|e| other(&format!(" and cannot be read: {}", e.message)))?;
                if !F::WRITES_FOR_LATEST {
                    return Err(other(""));
                }
                if cfg.latest_compatibility_strict {
                    let ok = self
                        .client
                        .compatible_with_latest(&subject, &out.text)
                        .map_err(|e| {
                            e.into_data_error(&format!(
                                "checking {what} schema {} against the latest of subject {subject}",
                                out.text
                            ))
                        })?;
                    if !ok {
                        return Err(other(
                            " and the registry finds it incompatible (latest.compatibility.strict)",
                        ));
                    }
                }
                (latest.id, Some(Arc::new(parsed)))
            }
        } else {
            let id = self
                .client
                .id_for(&subject, &out.text, cfg.auto_register)
                .map_err(|e| {
                    e.into_data_error(&format!(
                        "registering {what} schema {} under subject {subject}",
                        out.text
                    ))
                })?;
            (id, None)
        };
        if known.is_none() {
            let mut ids = out.ids.lock().unwrap_or_else(|e| e.into_inner());
            // Bounded like the client's caches: a schema written to many topics keeps the
            // latest subjects.
            if ids.len() >= self.client.config.max_schemas_per_subject {
                ids.remove(0);
            }
            ids.push((subject.clone(), id, latest.clone()));
        }
        let mut buf = Vec::with_capacity(64);
        buf.push(MAGIC_BYTE);
        buf.extend_from_slice(&id.to_be_bytes());
        match &latest {
            None => self
                .format
                .encode(&schema, &out.parsed, &data.value, &mut buf),
            Some(l) => {
                self.format
                    .encode_for_latest(&schema, &out.parsed, l, &data.value, &mut buf)
            }
        }
        .map_err(|e| {
            DataError::new(format!(
                "Failed to serialize {what} data from topic {topic} : {}",
                e.message
            ))
        })?;
        Ok(Some(Bytes::from(buf)))
    }

    fn to_connect(&self, topic: &str, bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        let Some(b) = bytes else {
            return Ok(SchemaAndValue::NULL);
        };
        let what = F::NAME;
        let fail = |m: String| {
            DataError::new(format!(
                "Failed to deserialize data for topic {topic} to {what}: {m}"
            ))
        };
        if b.len() < 5 || b[0] != MAGIC_BYTE {
            return Err(fail("Unknown magic byte!".into()));
        }
        let id = i32::from_be_bytes([b[1], b[2], b[3], b[4]]);
        let inc = self.incoming(topic, id).map_err(|e| DataError {
            message: fail(e.message).message,
            retriable: e.retriable,
        })?;
        let (schema, value) = self
            .format
            .decode_with_schema(&inc.connect, &inc.parsed, &b[5..])
            .map_err(|e| fail(e.message))?;
        Ok(SchemaAndValue::new(Some(schema), value))
    }

    fn may_retry(&self) -> bool {
        true
    }
}
