//! A client of Confluent's Schema Registry REST API, configured with the settings users
//! write for Confluent's serializers (`schema.registry.url`, `basic.auth.*`, `bearer.auth.*`,
//! `schema.registry.ssl.*`, `auto.register.schemas`, `use.latest.version`,
//! `latest.compatibility.strict`, the subject name strategies, `max.schemas.per.subject`).
//!
//! Every answer is cached in bounded maps (schema to id per subject, id to schema, latest
//! version per subject), so records whose schemas were seen make no registry call. A call
//! that fails for want of the registry (connection refused, timeout, 5xx) tries the next URL
//! and backs off (`max.retries`, `retries.wait.ms`, `retries.max.wait.ms`) before it
//! reports a retriable error; a schema the registry refuses (409 incompatible, 422 invalid)
//! is a data error of the record.
//!
//! Converters are synchronous: the HTTP calls run on one small runtime of their own and the
//! caller waits (in `block_in_place` on the worker's runtime), only on a cache miss.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use base64::Engine;
use serde_json::json;

use crate::data::DataError;

/// How a subject is named for a record (Confluent's `*.subject.name.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectNameStrategy {
    /// `<topic>-key` / `<topic>-value` (the default).
    TopicName,
    /// The record's fully-qualified name.
    RecordName,
    /// `<topic>-<fully-qualified record name>`.
    TopicRecordName,
}

impl SubjectNameStrategy {
    fn parse(key: &str, v: &str) -> Result<SubjectNameStrategy, String> {
        match v.trim().rsplit('.').next().unwrap_or("") {
            "TopicNameStrategy" => Ok(SubjectNameStrategy::TopicName),
            "RecordNameStrategy" => Ok(SubjectNameStrategy::RecordName),
            "TopicRecordNameStrategy" => Ok(SubjectNameStrategy::TopicRecordName),
            _ => Err(format!(
                "Invalid value {v} for configuration {key}: Class {v} could not be found."
            )),
        }
    }

    /// The subject of a record of `topic` whose schema's full name is `record_name`.
    pub fn subject(
        self,
        topic: &str,
        is_key: bool,
        record_name: Option<&str>,
    ) -> Result<String, DataError> {
        let suffix = if is_key { "key" } else { "value" };
        let need_name = || {
            record_name.ok_or_else(|| {
                let strategy = match self {
                    SubjectNameStrategy::TopicRecordName => "TopicRecordNameStrategy",
                    _ => "RecordNameStrategy",
                };
                DataError::new(format!(
                    "In configuration {suffix}.subject.name.strategy = {strategy}, the message must only be a named record schema (an Avro record, a JSON Schema with a title)"
                ))
            })
        };
        Ok(match self {
            SubjectNameStrategy::TopicName => format!("{topic}-{suffix}"),
            SubjectNameStrategy::RecordName => need_name()?.to_string(),
            SubjectNameStrategy::TopicRecordName => format!("{topic}-{}", need_name()?),
        })
    }
}

/// The registry settings of a converter (its `key.converter.` / `value.converter.` prefix
/// removed).
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    pub urls: Vec<String>,
    /// The `Authorization` header value, if any.
    pub authorization: Option<String>,
    pub auto_register: bool,
    pub use_latest_version: bool,
    pub latest_compatibility_strict: bool,
    pub subject_strategy: SubjectNameStrategy,
    pub max_schemas_per_subject: usize,
    pub max_retries: u32,
    pub retries_wait: Duration,
    pub retries_max_wait: Duration,
    pub request_timeout: Duration,
    /// PEM of the trusted certificates and of the client identity (key + chain).
    pub trust_pem: Vec<Vec<u8>>,
    pub identity_pem: Option<(Vec<u8>, Vec<u8>)>,
}

pub fn bool_setting(
    s: &BTreeMap<String, String>,
    key: &str,
    default: bool,
) -> Result<bool, String> {
    match s.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if v == "true" => Ok(true),
        Some(v) if v == "false" => Ok(false),
        Some(v) => Err(format!(
            "Invalid value {v} for configuration {key}: Expected value to be either true or false"
        )),
    }
}

fn int_setting(s: &BTreeMap<String, String>, key: &str, default: u64) -> Result<u64, String> {
    match s.get(key) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| {
            format!("Invalid value {v} for configuration {key}: Not a number of type INT")
        }),
    }
}

impl RegistryConfig {
    pub fn parse(s: &BTreeMap<String, String>, is_key: bool) -> Result<RegistryConfig, String> {
        let raw_urls = s
            .get("schema.registry.url")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                "Missing required configuration \"schema.registry.url\" which has no default value."
                    .to_string()
            })?;
        let mut urls = Vec::new();
        let mut url_user_info = None;
        for u in raw_urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
            let Some((scheme, rest)) = u.split_once("://") else {
                return Err(format!(
                    "Invalid value {u} for configuration schema.registry.url: not an http(s) URL"
                ));
            };
            if scheme != "http" && scheme != "https" {
                return Err(format!(
                    "Invalid value {u} for configuration schema.registry.url: not an http(s) URL"
                ));
            }
            // user:password@host in the URL: the credentials of basic.auth.credentials.source=URL.
            let (auth, host) = match rest.split_once('@') {
                Some((a, h)) if !a.contains('/') => (Some(a.to_string()), h),
                _ => (None, rest),
            };
            if auth.is_some() {
                url_user_info = auth;
            }
            urls.push(format!("{scheme}://{}", host.trim_end_matches('/')));
        }
        let basic = s
            .get("basic.auth.credentials.source")
            .map(|v| v.trim().to_ascii_uppercase())
            .unwrap_or_else(|| "URL".into());
        let user_info = match basic.as_str() {
            "URL" => url_user_info,
            "USER_INFO" => Some(
                s.get("basic.auth.user.info")
                    .or_else(|| s.get("schema.registry.basic.auth.user.info"))
                    .cloned()
                    .unwrap_or_default(),
            ),
            other => {
                return Err(format!(
                    "Invalid value {other} for configuration basic.auth.credentials.source: supported are URL and USER_INFO"
                ))
            }
        };
        let mut authorization = user_info.filter(|u| !u.is_empty()).map(|u| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(u)
            )
        });
        if let Some(source) = s.get("bearer.auth.credentials.source") {
            match source.trim().to_ascii_uppercase().as_str() {
                "STATIC_TOKEN" => {
                    let token = s.get("bearer.auth.token").map(|t| t.trim()).unwrap_or("");
                    if token.is_empty() {
                        return Err("Missing required configuration \"bearer.auth.token\" for bearer.auth.credentials.source=STATIC_TOKEN".into());
                    }
                    if authorization.is_some() {
                        return Err("basic.auth and bearer.auth credentials cannot both be set".into());
                    }
                    authorization = Some(format!("Bearer {token}"));
                }
                other => {
                    return Err(format!(
                        "Invalid value {other} for configuration bearer.auth.credentials.source: supported is STATIC_TOKEN"
                    ))
                }
            }
        }
        let strategy_key = if is_key {
            "key.subject.name.strategy"
        } else {
            "value.subject.name.strategy"
        };
        let subject_strategy = match s.get(strategy_key) {
            Some(v) => SubjectNameStrategy::parse(strategy_key, v)?,
            None => SubjectNameStrategy::TopicName,
        };
        // TLS to the registry: schema.registry.ssl.* read like the core's other stores.
        let get = |k: &str| s.get(&format!("schema.registry.{k}")).cloned();
        let stores = crate::keystores::Settings {
            what: "schema registry",
            get: &get,
        };
        let trust_pem = crate::keystores::truststore(&stores)
            .map_err(|e| format!("{e:#}"))?
            .unwrap_or_default()
            .iter()
            .map(|c| c.to_pem().map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let identity_pem =
            match crate::keystores::keystore(&stores).map_err(|e| format!("{e:#}"))? {
                None => None,
                Some(id) => {
                    let key = id
                        .key
                        .private_key_to_pem_pkcs8()
                        .map_err(|e| e.to_string())?;
                    let mut chain = id.cert.to_pem().map_err(|e| e.to_string())?;
                    for c in &id.chain {
                        chain.extend(c.to_pem().map_err(|e| e.to_string())?);
                    }
                    Some((chain, key))
                }
            };
        Ok(RegistryConfig {
            urls,
            authorization,
            auto_register: bool_setting(s, "auto.register.schemas", true)?,
            use_latest_version: bool_setting(s, "use.latest.version", false)?,
            latest_compatibility_strict: bool_setting(s, "latest.compatibility.strict", true)?,
            subject_strategy,
            max_schemas_per_subject: int_setting(s, "max.schemas.per.subject", 1000)?.max(1)
                as usize,
            max_retries: int_setting(s, "max.retries", 3)? as u32,
            retries_wait: Duration::from_millis(int_setting(s, "retries.wait.ms", 1000)?),
            retries_max_wait: Duration::from_millis(int_setting(s, "retries.max.wait.ms", 20000)?),
            request_timeout: Duration::from_millis(int_setting(
                s,
                "schema.registry.request.timeout.ms",
                30000,
            )?),
            trust_pem,
            identity_pem,
        })
    }
}

/// An error with its causes (a failed TLS handshake is the cause of reqwest's "error
/// sending request"), as one line.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// A bounded map: the oldest entry goes when it is full.
pub struct Bounded<K, V> {
    cap: usize,
    map: HashMap<K, V>,
    order: VecDeque<K>,
}

impl<K: Hash + Eq + Clone, V: Clone> Bounded<K, V> {
    pub fn new(cap: usize) -> Self {
        Bounded {
            cap: cap.max(1),
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }
    pub fn get(&self, k: &K) -> Option<V> {
        self.map.get(k).cloned()
    }
    pub fn insert(&mut self, k: K, v: V) {
        if self.map.insert(k.clone(), v).is_none() {
            self.order.push_back(k);
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A registered schema: its id and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Registered {
    pub id: i32,
    pub schema: String,
}

/// A schema reference: the import `name` a schema uses for version `version` of `subject`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

impl Reference {
    fn list(v: &serde_json::Value) -> Vec<Reference> {
        v.get("references")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some(Reference {
                    name: r.get("name")?.as_str()?.to_string(),
                    subject: r.get("subject")?.as_str()?.to_string(),
                    version: r.get("version")?.as_i64()? as i32,
                })
            })
            .collect()
    }
}

/// An error of a registry call.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistryError {
    /// The registry could not be reached or failed (after the retries): worth retrying.
    Unavailable(String),
    /// The registry refused (incompatible or invalid schema, unknown subject or id).
    Refused {
        status: u16,
        code: i64,
        message: String,
    },
}

impl RegistryError {
    pub fn into_data_error(self, what: &str) -> DataError {
        match self {
            RegistryError::Unavailable(m) => DataError::retriable(format!(
                "Error {what}: the schema registry is unavailable: {m}"
            )),
            RegistryError::Refused {
                status,
                code,
                message,
            } => DataError::new(format!(
                "Error {what}: {message}; error code: {code} (HTTP {status})"
            )),
        }
    }
}

/// The client: shared by the key and value converters of every task of a worker that name
/// the same registry settings would be possible; today one per converter.
pub struct RegistryClient {
    pub config: RegistryConfig,
    http: reqwest::Client,
    /// (subject, schema text) → id.
    ids: Mutex<HashMap<String, Bounded<String, i32>>>,
    /// id → schema text.
    schemas: Mutex<Bounded<i32, Arc<str>>>,
    /// subject → latest version.
    latest: Mutex<Bounded<String, Registered>>,
    /// (subject, schema text) → the subject's version of it.
    versions: Mutex<Bounded<(String, String), i32>>,
    /// The URL that answered last: calls start there.
    current: Mutex<usize>,
    /// The `schemaType` of the schemas registered and looked up (`None`: Avro).
    schema_type: Option<&'static str>,
}

fn io_runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("schema-registry")
            .enable_all()
            .build()
            .expect("cannot start the schema registry client's runtime")
    })
}

/// Runs `fut` on the registry runtime and waits for it (off the caller's async worker).
fn wait_for<T: Send + 'static>(fut: impl std::future::Future<Output = T> + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    io_runtime().spawn(async move {
        let _ = tx.send(fut.await);
    });
    let wait = move || rx.recv().expect("the schema registry call was dropped");
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(wait)
        }
        _ => wait(),
    }
}

impl RegistryClient {
    pub fn new(config: RegistryConfig) -> Result<RegistryClient, String> {
        let mut b = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(Duration::from_secs(10));
        for pem in &config.trust_pem {
            b = b.add_root_certificate(
                reqwest::Certificate::from_pem(pem).map_err(|e| e.to_string())?,
            );
        }
        if let Some((chain, key)) = &config.identity_pem {
            b = b.identity(
                reqwest::Identity::from_pkcs8_pem(chain, key).map_err(|e| e.to_string())?,
            );
        }
        let http = b.build().map_err(|e| e.to_string())?;
        let cap = config.max_schemas_per_subject;
        Ok(RegistryClient {
            config,
            http,
            ids: Mutex::new(HashMap::new()),
            schemas: Mutex::new(Bounded::new(cap)),
            latest: Mutex::new(Bounded::new(cap)),
            versions: Mutex::new(Bounded::new(cap)),
            current: Mutex::new(0),
            schema_type: None,
        })
    }

    /// A client registering and looking up schemas of `schema_type` ("JSON", "PROTOBUF";
    /// `None` for Avro, the registry's default).
    pub fn with_schema_type(mut self, schema_type: Option<&'static str>) -> RegistryClient {
        self.schema_type = schema_type;
        self
    }

    /// The body that registers or looks up `schema`.
    fn schema_body(&self, schema: &str) -> serde_json::Value {
        match self.schema_type {
            None => json!({ "schema": schema }),
            Some(t) => json!({ "schemaType": t, "schema": schema }),
        }
    }

    /// The body that looks up `schema` with the references it names.
    fn schema_body_with(&self, schema: &str, references: &[Reference]) -> serde_json::Value {
        let mut b = self.schema_body(schema);
        if !references.is_empty() {
            b["references"] = references
                .iter()
                .map(|r| json!({"name": r.name, "subject": r.subject, "version": r.version}))
                .collect();
        }
        b
    }

    /// One call with fail-over across the URLs and back-off between rounds.
    fn call(
        &self,
        method: reqwest::Method,
        path: String,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, RegistryError> {
        let http = self.http.clone();
        let urls = self.config.urls.clone();
        let auth = self.config.authorization.clone();
        let start = *self.current.lock().unwrap_or_else(|e| e.into_inner());
        let (retries, wait, max_wait) = (
            self.config.max_retries,
            self.config.retries_wait,
            self.config.retries_max_wait,
        );
        let (result, answered) = wait_for(async move {
            let mut last = String::new();
            for round in 0..=retries {
                if round > 0 {
                    let d = wait.saturating_mul(1 << (round - 1).min(16)).min(max_wait);
                    tokio::time::sleep(d).await;
                }
                for i in 0..urls.len() {
                    let idx = (start + i) % urls.len();
                    let url = format!("{}{}", urls[idx], path);
                    let mut req = http
                        .request(method.clone(), &url)
                        .header("Accept", "application/vnd.schemaregistry.v1+json");
                    if let Some(a) = &auth {
                        req = req.header("Authorization", a);
                    }
                    if let Some(b) = &body {
                        req = req
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .body(b.to_string());
                    }
                    match req.send().await {
                        Err(e) => last = format!("{url}: {}", error_chain(&e)),
                        Ok(resp) => {
                            let status = resp.status().as_u16();
                            let text = resp.text().await.unwrap_or_default();
                            let parsed: serde_json::Value =
                                serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                            if (200..300).contains(&status) {
                                return (Ok(parsed), idx);
                            }
                            if status >= 500 || status == 408 || status == 429 {
                                last = format!("{url}: HTTP {status} {text}");
                                continue;
                            }
                            let message = parsed
                                .get("message")
                                .and_then(|m| m.as_str())
                                .map(str::to_string)
                                .unwrap_or(text);
                            let code = parsed
                                .get("error_code")
                                .and_then(|c| c.as_i64())
                                .filter(|c| *c != 0)
                                .unwrap_or(status as i64);
                            return (
                                Err(RegistryError::Refused {
                                    status,
                                    code,
                                    message,
                                }),
                                idx,
                            );
                        }
                    }
                }
            }
            (Err(RegistryError::Unavailable(last)), start)
        });
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = answered;
        result
    }

    fn id_of(v: &serde_json::Value) -> Result<i32, RegistryError> {
        v.get("id")
            .and_then(|i| i.as_i64())
            .map(|i| i as i32)
            .ok_or_else(|| RegistryError::Unavailable(format!("no id in the answer {v}")))
    }

    fn cached_id(&self, subject: &str, schema: &str) -> Option<i32> {
        let ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        ids.get(subject)?.get(&schema.to_string())
    }

    fn remember_id(&self, subject: &str, schema: &str, id: i32) {
        let mut ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        ids.entry(subject.to_string())
            .or_insert_with(|| Bounded::new(self.config.max_schemas_per_subject))
            .insert(schema.to_string(), id);
        drop(ids);
        self.schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, Arc::from(schema));
    }

    /// Registers `schema` under `subject` (auto.register.schemas), or looks its id up.
    pub fn id_for(
        &self,
        subject: &str,
        schema: &str,
        register: bool,
    ) -> Result<i32, RegistryError> {
        if let Some(id) = self.cached_id(subject, schema) {
            return Ok(id);
        }
        let path = if register {
            format!("/subjects/{}/versions", encode(subject))
        } else {
            format!("/subjects/{}", encode(subject))
        };
        let body = self.schema_body(schema);
        let mut v = self.call(reqwest::Method::POST, path.clone(), Some(body.clone()));
        // Two first registrations racing on a registry may see the loser told that the
        // subject "already exists" (Apicurio's Confluent API does this); asked again, it
        // answers with the id.
        for _ in 0..3 {
            match &v {
                Err(RegistryError::Refused { message, .. })
                    if message.contains("already exists") =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                    v = self.call(reqwest::Method::POST, path.clone(), Some(body.clone()));
                }
                _ => break,
            }
        }
        let id = Self::id_of(&v?)?;
        self.remember_id(subject, schema, id);
        Ok(id)
    }

    /// The latest version registered under `subject` (use.latest.version), cached.
    pub fn latest(&self, subject: &str) -> Result<Registered, RegistryError> {
        if let Some(r) = self
            .latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&subject.to_string())
        {
            return Ok(r);
        }
        let v = self.call(
            reqwest::Method::GET,
            format!("/subjects/{}/versions/latest", encode(subject)),
            None,
        )?;
        let r = Registered {
            id: Self::id_of(&v)?,
            schema: v
                .get("schema")
                .and_then(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
        };
        self.latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(subject.to_string(), r.clone());
        self.schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(r.id, Arc::from(r.schema.as_str()));
        Ok(r)
    }

    /// Whether `schema` may be registered after the latest version under `subject`: the
    /// registry's compatibility check at the subject's level (latest.compatibility.strict).
    pub fn compatible_with_latest(
        &self,
        subject: &str,
        schema: &str,
    ) -> Result<bool, RegistryError> {
        let v = self.call(
            reqwest::Method::POST,
            format!(
                "/compatibility/subjects/{}/versions/latest",
                encode(subject)
            ),
            Some(self.schema_body(schema)),
        )?;
        v.get("is_compatible")
            .and_then(|x| x.as_bool())
            .ok_or_else(|| {
                RegistryError::Unavailable(format!("no is_compatible in the answer {v}"))
            })
    }

    /// The version of `schema` under `subject` (a lookup), cached.
    pub fn version_of(
        &self,
        subject: &str,
        schema: &str,
        references: &[Reference],
    ) -> Result<i32, RegistryError> {
        let key = (subject.to_string(), schema.to_string());
        if let Some(v) = self
            .versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(v);
        }
        let v = self.call(
            reqwest::Method::POST,
            format!("/subjects/{}", encode(subject)),
            Some(self.schema_body_with(schema, references)),
        )?;
        let version =
            v.get("version").and_then(|x| x.as_i64()).ok_or_else(|| {
                RegistryError::Unavailable(format!("no version in the answer {v}"))
            })? as i32;
        self.versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, version);
        Ok(version)
    }

    /// The schema of an id with the references it names (`name`, `subject`, `version`):
    /// one call, not cached (the schema text is).
    pub fn schema_with_references(
        &self,
        id: i32,
    ) -> Result<(Arc<str>, Vec<Reference>), RegistryError> {
        let (s, refs) = self.schema_at(format!("/schemas/ids/{id}"))?;
        let s: Arc<str> = Arc::from(s);
        self.schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, s.clone());
        Ok((s, refs))
    }

    /// A version of a subject: its schema and its references (a referenced schema).
    pub fn schema_of_version(
        &self,
        subject: &str,
        version: i32,
    ) -> Result<(String, Vec<Reference>), RegistryError> {
        self.schema_at(format!("/subjects/{}/versions/{version}", encode(subject)))
    }

    /// The schema and references a GET of `path` answers.
    fn schema_at(&self, path: String) -> Result<(String, Vec<Reference>), RegistryError> {
        let v = self.call(reqwest::Method::GET, path, None)?;
        let s = v
            .get("schema")
            .and_then(|s| s.as_str())
            .ok_or_else(|| RegistryError::Unavailable(format!("no schema in the answer {v}")))?
            .to_string();
        Ok((s, Reference::list(&v)))
    }

    /// The schema of an id, cached.
    pub fn schema_by_id(&self, id: i32) -> Result<Arc<str>, RegistryError> {
        if let Some(s) = self
            .schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
        {
            return Ok(s);
        }
        self.schema_with_references(id).map(|(s, _)| s)
    }

    /// How many schema texts are cached by id (tests).
    pub fn cached_schemas(&self) -> usize {
        self.schemas.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// A subject in a URL path.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn settings_as_users_write_them() {
        let c = RegistryConfig::parse(
            &settings(&[
                ("schema.registry.url", "http://a:8081, https://b:8081/"),
                ("basic.auth.credentials.source", "USER_INFO"),
                ("basic.auth.user.info", "fred:letmein"),
                ("auto.register.schemas", "false"),
                ("use.latest.version", "true"),
                (
                    "value.subject.name.strategy",
                    "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
                ),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(c.urls, vec!["http://a:8081", "https://b:8081"]);
        assert_eq!(c.authorization.as_deref(), Some("Basic ZnJlZDpsZXRtZWlu"));
        assert!(!c.auto_register && c.use_latest_version && c.latest_compatibility_strict);
        assert_eq!(c.subject_strategy, SubjectNameStrategy::TopicRecordName);
        let c = RegistryConfig::parse(
            &settings(&[("schema.registry.url", "http://u:p@a:8081")]),
            true,
        )
        .unwrap();
        assert_eq!(c.urls, vec!["http://a:8081"]);
        assert_eq!(c.authorization.as_deref(), Some("Basic dTpw"));
        let c = RegistryConfig::parse(
            &settings(&[
                ("schema.registry.url", "http://a:8081"),
                ("bearer.auth.credentials.source", "STATIC_TOKEN"),
                ("bearer.auth.token", "tok"),
            ]),
            true,
        )
        .unwrap();
        assert_eq!(c.authorization.as_deref(), Some("Bearer tok"));
        assert!(RegistryConfig::parse(&settings(&[]), true)
            .unwrap_err()
            .contains("schema.registry.url"));
        assert!(RegistryConfig::parse(
            &settings(&[
                ("schema.registry.url", "http://a"),
                ("key.subject.name.strategy", "Nope")
            ]),
            true
        )
        .is_err());
    }

    #[test]
    fn tls_settings_are_read_as_the_cores_other_stores() {
        let e = RegistryConfig::parse(
            &settings(&[
                ("schema.registry.url", "https://a:8081"),
                (
                    "schema.registry.ssl.truststore.location",
                    "/nonexistent/ca.p12",
                ),
            ]),
            false,
        )
        .unwrap_err();
        assert!(
            e.contains("schema registry truststore /nonexistent/ca.p12"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let jks = dir.path().join("client.jks");
        std::fs::write(&jks, b"\xfe\xed\xfe\xed").unwrap();
        let e = RegistryConfig::parse(
            &settings(&[
                ("schema.registry.url", "https://a:8081"),
                (
                    "schema.registry.ssl.keystore.location",
                    jks.to_str().unwrap(),
                ),
                ("schema.registry.ssl.keystore.type", "JKS"),
            ]),
            false,
        )
        .unwrap_err();
        assert!(e.contains("keytool"), "{e}");
        let pem = dir.path().join("ca.pem");
        let key = openssl::rsa::Rsa::generate(2048).unwrap();
        let key = openssl::pkey::PKey::from_rsa(key).unwrap();
        let mut name = openssl::x509::X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "registry CA").unwrap();
        let name = name.build();
        let mut b = openssl::x509::X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        b.sign(&key, openssl::hash::MessageDigest::sha256())
            .unwrap();
        std::fs::write(&pem, b.build().to_pem().unwrap()).unwrap();
        let c = RegistryConfig::parse(
            &settings(&[
                ("schema.registry.url", "https://a:8081"),
                (
                    "schema.registry.ssl.truststore.location",
                    pem.to_str().unwrap(),
                ),
                ("schema.registry.ssl.truststore.type", "PEM"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(c.trust_pem.len(), 1);
        RegistryClient::new(c).unwrap();
    }

    #[test]
    fn subjects() {
        use SubjectNameStrategy::*;
        assert_eq!(TopicName.subject("t", true, None).unwrap(), "t-key");
        assert_eq!(
            TopicName.subject("t", false, Some("a.B")).unwrap(),
            "t-value"
        );
        assert_eq!(RecordName.subject("t", false, Some("a.B")).unwrap(), "a.B");
        assert_eq!(
            TopicRecordName.subject("t", false, Some("a.B")).unwrap(),
            "t-a.B"
        );
        assert!(RecordName.subject("t", false, None).is_err());
    }

    #[test]
    fn bounded_cache_evicts_the_oldest() {
        let mut b = Bounded::new(2);
        b.insert(1, "a");
        b.insert(2, "b");
        b.insert(1, "a");
        b.insert(3, "c");
        assert_eq!(b.len(), 2);
        assert_eq!(b.get(&1), None);
        assert_eq!(b.get(&3), Some("c"));
    }

    #[test]
    fn an_unreachable_registry_is_retriable_and_fails_over() {
        let c = RegistryConfig::parse(
            &settings(&[
                (
                    "schema.registry.url",
                    "http://127.0.0.1:1,http://127.0.0.1:2",
                ),
                ("max.retries", "1"),
                ("retries.wait.ms", "10"),
            ]),
            false,
        )
        .unwrap();
        let client = RegistryClient::new(c).unwrap();
        match client.schema_by_id(1) {
            Err(RegistryError::Unavailable(m)) => assert!(m.contains("127.0.0.1:2"), "{m}"),
            other => panic!("{other:?}"),
        }
        let e = client
            .schema_by_id(1)
            .unwrap_err()
            .into_data_error("retrieving Avro schema");
        assert!(e.retriable);
    }
}
