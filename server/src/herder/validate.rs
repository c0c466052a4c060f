//! Connector config validation with Kafka Connect's rules and answer (`ConfigInfos`):
//! the framework's own keys (`ConnectorConfig`, `SinkConnectorConfig`,
//! `SourceConnectorConfig`, transforms and predicates, converter settings) checked here,
//! then the connector's own keys as its process's `Spec` defines them and its `Validate`
//! judges them.
//!
//! The definitions of the framework's keys (names, types, defaults, documentation, groups)
//! are Kafka Connect 4.3's, in `connector_config.json` and `converter_config.json`.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::HerderError;
use crate::config::{Props, WorkerConfig};
use crate::plugin::spec::{
    ConfigKeyDef, ConfigType, ConfigValueReport, PluginSpec, SourceDeclarations, Validator,
};
use crate::plugin::{class_matches, PluginError, PluginRef, PluginType};
use crate::rest::{is_secret_name, HIDDEN};
use crate::worker::Worker;

/// Kafka Connect's ConfigKeyInfo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigKeyInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub config_type: String,
    pub required: bool,
    pub default_value: Option<String>,
    pub importance: String,
    pub documentation: String,
    pub group: Option<String>,
    pub order_in_group: i32,
    pub width: String,
    pub display_name: String,
    pub dependents: Vec<String>,
}

/// Kafka Connect's ConfigValueInfo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigValueInfo {
    pub name: String,
    pub value: Option<String>,
    pub recommended_values: Vec<String>,
    pub errors: Vec<String>,
    pub visible: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigInfo {
    pub definition: Option<ConfigKeyInfo>,
    pub value: Option<ConfigValueInfo>,
}

/// Kafka Connect's ConfigInfos: the answer of `PUT /connector-plugins/{p}/config/validate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigInfos {
    pub name: String,
    pub error_count: usize,
    pub groups: Vec<String>,
    pub configs: Vec<ConfigInfo>,
}

#[derive(Deserialize)]
struct BaseDefs {
    common: Vec<ConfigKeyInfo>,
    sink: Vec<ConfigKeyInfo>,
    source: Vec<ConfigKeyInfo>,
}

static BASE: LazyLock<BaseDefs> = LazyLock::new(|| {
    serde_json::from_str(include_str!("connector_config.json"))
        .expect("connector_config.json is valid")
});

#[derive(Deserialize)]
struct ConverterDefs {
    converters: BTreeMap<String, Vec<ConfigKeyInfo>>,
}

static CONVERTERS: LazyLock<ConverterDefs> = LazyLock::new(|| {
    serde_json::from_str(include_str!("converter_config.json"))
        .expect("converter_config.json is valid")
});

/// The converters this core runs, by their Kafka Connect class names, sorted.
pub fn known_converters() -> Vec<&'static str> {
    let mut v = crate::converter::KNOWN.to_vec();
    v.sort_unstable();
    v
}

/// The header converters this core runs, sorted.
pub fn known_header_converters() -> Vec<&'static str> {
    let mut v = crate::converter::KNOWN_HEADER.to_vec();
    v.sort_unstable();
    v
}

/// Single message transforms this core runs, by their Kafka Connect class names.
pub fn known_transformations() -> Vec<&'static str> {
    crate::transforms::TRANSFORMATIONS.to_vec()
}

/// Predicates this core runs.
pub fn known_predicates() -> Vec<&'static str> {
    crate::transforms::PREDICATES.to_vec()
}

/// The config definition of a converter, if this core knows it.
pub fn converter_definition(class: &str) -> Option<(&'static str, &'static [ConfigKeyInfo])> {
    CONVERTERS
        .converters
        .iter()
        .find(|(c, _)| class_matches(c, class))
        .map(|(c, d)| (c.as_str(), d.as_slice()))
}

/// How a key's value is checked after it is parsed.
#[derive(Debug, Clone)]
enum Check {
    None,
    /// `name`: may be absent, not empty, no control characters.
    ConnectorName,
    Range {
        min: Option<f64>,
        max: Option<f64>,
    },
    OneOf {
        allowed: Vec<String>,
        case_insensitive: bool,
    },
    NonEmptyString,
    ValidList(Vec<String>),
    /// `transforms` / `predicates`: not null, no alias twice.
    UniqueAliases,
    /// A class among these.
    Class(Vec<String>),
}

/// A key: its definition as shown, and how its value is checked.
#[derive(Debug, Clone)]
struct Key {
    info: ConfigKeyInfo,
    ty: ConfigType,
    check: Check,
    secret: bool,
    recommended: Vec<String>,
}

fn base_check(name: &str) -> Check {
    let one_of = |a: &[&str], ci| Check::OneOf {
        allowed: a.iter().map(|s| s.to_string()).collect(),
        case_insensitive: ci,
    };
    match name {
        "name" => Check::ConnectorName,
        "tasks.max" => Check::Range {
            min: Some(1.0),
            max: None,
        },
        "key.converter" | "value.converter" => {
            Check::Class(known_converters().into_iter().map(String::from).collect())
        }
        "header.converter" => Check::Class(
            known_header_converters()
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        "transforms" | "predicates" => Check::UniqueAliases,
        "config.action.reload" => one_of(&["none", "restart"], false),
        "errors.tolerance" => one_of(&["none", "all"], false),
        "exactly.once.support" => one_of(&["REQUIRED", "REQUESTED"], true),
        "transaction.boundary" => one_of(&["INTERVAL", "POLL", "CONNECTOR"], true),
        _ => Check::None,
    }
}

fn key_from_info(info: ConfigKeyInfo) -> Key {
    let ty = ConfigType::from_name(&info.config_type).unwrap_or(ConfigType::String);
    let check = base_check(&info.name);
    let recommended = match &check {
        Check::Class(c) => c.clone(),
        _ => Vec::new(),
    };
    Key {
        secret: ty == ConfigType::Password,
        info,
        ty,
        check,
        recommended,
    }
}

/// The framework's keys of a sink or source connector. `plugin_version` fills
/// `connector.plugin.version`; `worker` (when validating) the converters' defaults.
fn base_keys(
    plugin_type: PluginType,
    plugin_version: Option<&str>,
    worker: Option<&WorkerConfig>,
) -> Vec<Key> {
    let extra = match plugin_type {
        PluginType::Sink => &BASE.sink,
        PluginType::Source => &BASE.source,
    };
    BASE.common
        .iter()
        .chain(extra.iter())
        .cloned()
        .map(|mut info| {
            match info.name.as_str() {
                "connector.plugin.version" => info.default_value = plugin_version.map(String::from),
                "key.converter.plugin.version"
                | "value.converter.plugin.version"
                | "header.converter.plugin.version"
                    if worker.is_some() =>
                {
                    info.default_value = Some(crate::plugin::CORE_VERSION.to_string())
                }
                "key.converter" | "value.converter" => {
                    if let Some(w) = worker {
                        info.default_value = Some(
                            w.get(&info.name)
                                .unwrap_or(crate::converter::DEFAULT_CONVERTER_CLASS)
                                .trim()
                                .to_string(),
                        );
                    }
                }
                "header.converter" => {
                    if let Some(w) = worker {
                        info.default_value = Some(
                            w.get("header.converter")
                                .unwrap_or(crate::converter::DEFAULT_HEADER_CONVERTER_CLASS)
                                .trim()
                                .to_string(),
                        );
                    }
                }
                _ => {}
            }
            let mut k = key_from_info(info);
            match k.info.name.as_str() {
                "connector.plugin.version" => {
                    k.recommended = plugin_version
                        .map(|v| vec![v.to_string()])
                        .unwrap_or_default()
                }
                "key.converter.plugin.version"
                | "value.converter.plugin.version"
                | "header.converter.plugin.version"
                    if worker.is_some() =>
                {
                    k.recommended = vec![crate::plugin::CORE_VERSION.to_string()]
                }
                _ => {}
            }
            k
        })
        .collect()
}

fn importance_width(s: &str) -> String {
    s.to_string()
}

/// A connector's own key, as its process's `Spec` defines it.
fn plugin_key(d: &ConfigKeyDef) -> Key {
    let check = match &d.validator {
        None => Check::None,
        Some(Validator::Range { min, max }) => Check::Range {
            min: *min,
            max: *max,
        },
        Some(Validator::ValidString {
            allowed,
            case_insensitive,
        }) => Check::OneOf {
            allowed: allowed.clone(),
            case_insensitive: *case_insensitive,
        },
        Some(Validator::NonEmptyString) => Check::NonEmptyString,
        Some(Validator::ValidList { allowed }) => Check::ValidList(allowed.clone()),
    };
    Key {
        info: ConfigKeyInfo {
            name: d.name.clone(),
            config_type: d.config_type.name().to_string(),
            required: d.default_value.is_none(),
            // A null default has no string form: the SDKs send "" for it, shown as null.
            default_value: d.default_value.clone().filter(|v| !v.is_empty()),
            importance: importance_width(d.importance),
            documentation: d.documentation.clone(),
            group: d.group.clone(),
            order_in_group: d.order_in_group,
            width: importance_width(d.width),
            display_name: d.display_name.clone(),
            dependents: d.dependents.clone(),
        },
        ty: d.config_type,
        check,
        secret: d.secret || is_secret_name(&d.name),
        recommended: Vec::new(),
    }
}

/// `GET /connector-plugins/{p}/config` for a connector: its own keys, then the framework's.
/// The config definition of an out-of-process transformation or predicate: its own keys
/// (`GET /connector-plugins/{class}/config`), asked of the plugin process that serves it.
pub async fn transform_definitions(
    w: &Worker,
    class: &str,
) -> Result<Option<Vec<ConfigKeyInfo>>, HerderError> {
    let Some(plugin) = w.plugins.resolve_transform(class) else {
        return Ok(None);
    };
    let unreachable = |e: PluginError| {
        HerderError::Internal(format!("Cannot reach the plugin process of {class}: {e}"))
    };
    let session = plugin
        .connect(&w.config, class)
        .await
        .map_err(unreachable)?;
    let spec = session.spec(class).await.map_err(unreachable)?;
    Ok(Some(spec.keys.iter().map(|d| plugin_key(d).info).collect()))
}

pub fn connector_definitions(
    spec: &PluginSpec,
    plugin_type: PluginType,
    version: Option<&str>,
) -> Vec<ConfigKeyInfo> {
    spec.keys
        .iter()
        .map(|d| plugin_key(d).info)
        .chain(
            base_keys(plugin_type, version, None)
                .into_iter()
                .map(|k| k.info),
        )
        .collect()
}

// ------------------------------------------------------------------------------------------
// Parsing and checking values (Kafka Connect's ConfigDef)
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Parsed {
    Null,
    Str(String),
    Int(i64),
    Double(f64),
    Bool(bool),
    List(Vec<String>),
    Password(String),
}

impl Parsed {
    /// `ConfigDef.convertToString`: the value shown in a ConfigValueInfo.
    fn shown(&self) -> Option<String> {
        match self {
            Parsed::Null => None,
            Parsed::Str(s) => Some(s.clone()),
            Parsed::Int(i) => Some(i.to_string()),
            Parsed::Double(d) => Some(java_double(*d)),
            Parsed::Bool(b) => Some(b.to_string()),
            Parsed::List(l) => Some(l.join(",")),
            Parsed::Password(_) => Some(HIDDEN.into()),
        }
    }

    /// Java's `toString`, as error messages print values.
    fn java(&self) -> String {
        match self {
            Parsed::Null => "null".into(),
            Parsed::List(l) => format!("[{}]", l.join(", ")),
            other => other.shown().unwrap_or_default(),
        }
    }
}

fn java_double(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e7 {
        format!("{d:.1}")
    } else {
        d.to_string()
    }
}

fn java_number(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 9e15 {
        format!("{}", d as i64)
    } else {
        d.to_string()
    }
}

fn invalid(name: &str, value: &str, message: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {message}")
}

/// `ConfigDef.parseType`. Errors are whole messages.
fn parse(key: &Key, raw: &str) -> Result<Parsed, String> {
    let name = &key.info.name;
    let t = raw.trim();
    let shown_raw = if key.secret { HIDDEN } else { t };
    let number = |kind: &str| invalid(name, shown_raw, &format!("Not a number of type {kind}"));
    Ok(match key.ty {
        ConfigType::Boolean => {
            if t.eq_ignore_ascii_case("true") {
                Parsed::Bool(true)
            } else if t.eq_ignore_ascii_case("false") {
                Parsed::Bool(false)
            } else {
                return Err(invalid(
                    name,
                    shown_raw,
                    "Expected value to be either true or false",
                ));
            }
        }
        ConfigType::String => Parsed::Str(t.to_string()),
        ConfigType::Password => Parsed::Password(t.to_string()),
        ConfigType::Int => Parsed::Int(t.parse::<i32>().map_err(|_| number("INT"))? as i64),
        ConfigType::Short => Parsed::Int(t.parse::<i16>().map_err(|_| number("SHORT"))? as i64),
        ConfigType::Long => Parsed::Int(t.parse::<i64>().map_err(|_| number("LONG"))?),
        ConfigType::Double => Parsed::Double(t.parse::<f64>().map_err(|_| number("DOUBLE"))?),
        ConfigType::List => {
            if t.is_empty() {
                Parsed::List(Vec::new())
            } else {
                Parsed::List(t.split(',').map(|s| s.trim().to_string()).collect())
            }
        }
        ConfigType::Class => {
            if let Check::Class(known) = &key.check {
                if !known.iter().any(|k| class_matches(k, t)) {
                    return Err(invalid(name, t, &format!("Class {t} could not be found.")));
                }
            }
            Parsed::Str(t.to_string())
        }
    })
}

/// The validator's verdict on a parsed value (null when parsing failed).
fn check(key: &Key, v: &Parsed) -> Option<String> {
    let name = &key.info.name;
    let bad = |msg: &str| {
        Some(invalid(
            name,
            &if key.secret && *v != Parsed::Null {
                HIDDEN.into()
            } else {
                v.java()
            },
            msg,
        ))
    };
    match &key.check {
        Check::None | Check::Class(_) => None,
        Check::ConnectorName => match v {
            Parsed::Str(s) if s.is_empty() => bad("String may not be empty"),
            Parsed::Str(s) => {
                let codes: Vec<String> = s
                    .chars()
                    .filter(|c| c.is_control())
                    .map(|c| (c as u32).to_string())
                    .collect();
                if codes.is_empty() {
                    None
                } else {
                    bad(&format!(
                        "String may not contain control sequences but had the following ASCII chars: {}",
                        codes.join(", ")
                    ))
                }
            }
            _ => None,
        },
        Check::Range { min, max } => {
            let n = match v {
                Parsed::Int(i) => *i as f64,
                Parsed::Double(d) => *d,
                _ => return bad("Value must be non-null"),
            };
            if let Some(m) = min {
                if n < *m {
                    return bad(&format!("Value must be at least {}", java_number(*m)));
                }
            }
            if let Some(m) = max {
                if n > *m {
                    return bad(&format!("Value must be no more than {}", java_number(*m)));
                }
            }
            None
        }
        Check::OneOf {
            allowed,
            case_insensitive,
        } => {
            let ok = match v {
                Parsed::Str(s) | Parsed::Password(s) => allowed.iter().any(|a| {
                    if *case_insensitive {
                        a.eq_ignore_ascii_case(s)
                    } else {
                        a == s
                    }
                }),
                _ => false,
            };
            if ok {
                None
            } else if *case_insensitive {
                bad(&format!(
                    "String must be one of (case insensitive): {}",
                    allowed.join(", ")
                ))
            } else {
                bad(&format!("String must be one of: {}", allowed.join(", ")))
            }
        }
        Check::NonEmptyString => match v {
            Parsed::Str(s) if s.is_empty() => bad("String must be non-empty"),
            _ => None,
        },
        Check::ValidList(allowed) => match v {
            Parsed::List(items) => items.iter().find(|i| !allowed.contains(i)).map(|i| {
                invalid(
                    name,
                    i,
                    &format!("String must be one of: {}", allowed.join(", ")),
                )
            }),
            _ => None,
        },
        Check::UniqueAliases => match v {
            Parsed::List(items) => {
                let mut seen = std::collections::HashSet::new();
                if items.iter().all(|i| seen.insert(i)) {
                    None
                } else {
                    bad("Duplicate alias provided.")
                }
            }
            _ => bad("Value must be non-null"),
        },
    }
}

/// Validates one key against the given props (`None` value: given as null).
fn validate_key(key: &Key, props: &HashMap<&str, Option<&str>>) -> (ConfigValueInfo, Parsed) {
    let name = &key.info.name;
    let mut errors = Vec::new();
    let parsed = match props.get(name.as_str()) {
        Some(Some(raw)) => match parse(key, raw) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                Parsed::Null
            }
        },
        Some(None) => Parsed::Null,
        None => match &key.info.default_value {
            _ if key.info.required => {
                errors.push(format!(
                    "Missing required configuration \"{name}\" which has no default value."
                ));
                Parsed::Null
            }
            None => Parsed::Null,
            Some(d) => parse(key, d).unwrap_or(Parsed::Null),
        },
    };
    if let Some(e) = check(key, &parsed) {
        errors.push(e);
    }
    (
        ConfigValueInfo {
            name: name.clone(),
            value: parsed.shown(),
            recommended_values: key.recommended.clone(),
            errors,
            visible: true,
        },
        parsed,
    )
}

/// Keys of a transform or predicate alias (`transforms.<a>.type`, ...).
fn alias_keys(kind: &str, prefix: &str, alias: &str, known: Vec<&'static str>) -> Vec<Key> {
    let group = format!(
        "{}: {alias}",
        if kind == "transformation" {
            "Transforms"
        } else {
            "Predicates"
        }
    );
    let title = if kind == "transformation" {
        "Transformation"
    } else {
        "Predicate"
    };
    let info =
        |suffix: &str, ty: &str, required: bool, doc: String, order: i32, display: String| {
            ConfigKeyInfo {
                name: format!("{prefix}.{alias}.{suffix}"),
                config_type: ty.into(),
                required,
                default_value: None,
                importance: "HIGH".into(),
                documentation: doc,
                group: Some(group.clone()),
                order_in_group: order,
                width: "LONG".into(),
                display_name: display,
                dependents: Vec::new(),
            }
        };
    vec![
        Key {
            info: info(
                "type",
                "CLASS",
                true,
                format!("Class for the '{alias}' {kind}."),
                0,
                format!("{title} type for {alias}"),
            ),
            ty: ConfigType::Class,
            // The class and its settings are checked by building the chain (`validate`),
            // which also knows the short names the runner accepts.
            check: Check::None,
            secret: false,
            recommended: known.iter().map(|s| s.to_string()).collect(),
        },
        Key {
            info: info(
                "plugin.version",
                "STRING",
                false,
                format!("Version of the '{alias}' {kind}."),
                1,
                format!("{title} version for {alias}"),
            ),
            ty: ConfigType::String,
            check: Check::None,
            secret: false,
            recommended: Vec::new(),
        },
    ]
}

/// The keys of a converter set in the connector config (`value.converter.schemas.enable`,
/// ...), prefixed, with `converter.type` implied.
fn converter_keys(role: &str, class: &str) -> (Vec<Key>, Vec<String>) {
    let Some((_, defs)) = converter_definition(class) else {
        return (Vec::new(), Vec::new());
    };
    let prefix = format!("{role}.converter.");
    let mut groups = Vec::new();
    let keys = defs
        .iter()
        .cloned()
        .map(|mut info| {
            if let Some(g) = &info.group {
                if !groups.contains(g) {
                    groups.push(g.clone());
                }
            }
            info.name = format!("{prefix}{}", info.name);
            key_from_info(info)
        })
        .collect();
    (keys, groups)
}

/// The class named in `connector.class`, resolved to a plugin (or why not).
fn no_connector(w: &Worker, class: &str) -> HerderError {
    let mut known: Vec<&str> = w
        .plugins
        .manifests()
        .iter()
        .flat_map(|m| {
            m.plugins
                .iter()
                .filter(|p| p.is_connector())
                .map(|p| p.class.as_str())
        })
        .collect();
    known.sort_unstable();
    known.dedup();
    HerderError::Invalid(format!(
        "Failed to find any class that implements Connector and which name matches {class}, available connectors are: {}",
        known.join(", ")
    ))
}

/// Java's `Map.toString`, with secrets hidden.
fn java_map(config: &[(String, Option<String>)]) -> String {
    let items: Vec<String> = config
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Some(_) if is_secret_name(k) => HIDDEN.to_string(),
                Some(v) => v.clone(),
                None => "null".into(),
            };
            format!("{k}={v}")
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// The plugin's spec and its verdict on `config`.
pub async fn ask_plugin(
    w: &Worker,
    class: &str,
    config: &Props,
    validate: bool,
) -> Result<
    (
        PluginType,
        PluginSpec,
        Vec<ConfigValueReport>,
        String,
        Option<SourceDeclarations>,
    ),
    HerderError,
> {
    let plugin = match config
        .get("connector.endpoint")
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
    {
        Some(ep) => PluginRef::Endpoint(w.plugins.endpoint(ep, config).map_err(|e| {
            HerderError::Invalid(format!(
                "Connector configuration is invalid and contains the following 1 error(s):\n{e}"
            ))
        })?),
        None => w
            .plugins
            .resolve_class(class)
            .ok_or_else(|| no_connector(w, class))?,
    };
    let unreachable = |e: PluginError| match e {
        // The endpoint's own settings (TLS) cannot be used, or TLS was refused.
        PluginError::Incompatible(m) if m.starts_with("connector.endpoint ") => {
            HerderError::Invalid(format!(
                "Connector configuration is invalid and contains the following 1 error(s):\n{m}"
            ))
        }
        PluginError::Incompatible(m) => match no_connector(w, class) {
            HerderError::Invalid(message) => HerderError::Invalid(format!("{message} ({m})")),
            other => other,
        },
        PluginError::Unavailable(m) | PluginError::StartFailed(m) => HerderError::Internal(
            format!("Cannot reach the connector process of {class}: {m}"),
        ),
    };
    let session = plugin
        .connect(&w.config, class)
        .await
        .map_err(unreachable)?;
    let spec = session.spec(class).await.map_err(unreachable)?;
    let info = spec.info.clone().or_else(|| {
        session
            .negotiated
            .plugins
            .iter()
            .find(|p| p.matches(class))
            .cloned()
    });
    let plugin_type = info.as_ref().and_then(|i| i.plugin_type).ok_or_else(|| {
        HerderError::Invalid(format!(
            "The connector process does not say whether {class} is a source or a sink"
        ))
    })?;
    let version = info.map(|i| i.version).unwrap_or_default();
    let (reports, declarations) = if validate {
        let (r, d) = session.validate(class, config).await.map_err(|e| {
            HerderError::Internal(format!(
                "The connector's validation of the config failed: {e}"
            ))
        })?;
        (r, Some(d))
    } else {
        (Vec::new(), None)
    };
    Ok((plugin_type, spec, reports, version, declarations))
}

/// Validates a connector config (null values allowed, they are errors) the way Kafka
/// Connect's `validateConnectorConfig` does. Also returns whether it is a source or a sink.
pub async fn validate(
    w: &Worker,
    config: &[(String, Option<String>)],
) -> Result<(ConfigInfos, PluginType), HerderError> {
    let raw: Props = config
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
        .collect();
    let resolved = w.resolve(&raw).map_err(HerderError::Invalid)?;
    let Some(class) = resolved
        .get("connector.class")
        .map(|c| c.trim().to_string())
    else {
        return Err(HerderError::Invalid(format!(
            "Connector config {} contains no connector type",
            java_map(config)
        )));
    };
    // An endpoint outside the allow-list is not contacted: the connector's own keys and
    // verdicts are missing from the answer, the framework's are there with this error.
    let refused_endpoint = resolved
        .get("connector.endpoint")
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
        .and_then(|ep| w.plugins.endpoint(ep, &resolved).err());
    let (plugin_type, spec, reports, version, declarations) = match &refused_endpoint {
        Some(_) => (
            w.plugins.manifest_type(&class).unwrap_or_else(|| {
                // Kafka Connect's own naming, for a class no manifest describes.
                match class.ends_with("Sink") || class.ends_with("SinkConnector") {
                    true => PluginType::Sink,
                    false => PluginType::Source,
                }
            }),
            PluginSpec {
                info: None,
                keys: Vec::new(),
            },
            Vec::new(),
            String::new(),
            None,
        ),
        None => ask_plugin(w, &class, &resolved, true).await?,
    };
    let mut props: HashMap<&str, Option<&str>> = resolved
        .iter()
        .map(|(k, v)| (k.as_str(), Some(v.as_str())))
        .collect();
    for (k, v) in config {
        if v.is_none() {
            props.insert(k.as_str(), None);
        }
    }

    // The framework's keys, then those of each transform and predicate alias.
    let mut keys = base_keys(plugin_type, Some(&version), Some(&w.config));
    let mut groups: Vec<String> = vec![
        "Common".into(),
        "Transforms".into(),
        "Predicates".into(),
        "Error Handling".into(),
    ];
    if plugin_type == PluginType::Source {
        groups.extend([
            "Topic Creation".into(),
            "Exactly Once Support".into(),
            "offsets.topic".into(),
        ]);
    }
    let mut values: Vec<ConfigValueInfo> = Vec::new();
    let mut parsed_of: HashMap<String, Parsed> = HashMap::new();
    for k in &keys {
        let (mut v, p) = validate_key(k, &props);
        // A converter a Kafka Connect plugin on plugin.path holds runs out of process (ADR
        // 0018): found, although the core has no converter of that class.
        let header = v.name == "header.converter";
        if (header || v.name == "key.converter" || v.name == "value.converter")
            && props
                .get(v.name.as_str())
                .copied()
                .flatten()
                .is_some_and(|c| w.plugins.serves_converter(c.trim(), header))
        {
            v.errors.clear();
            v.value = props
                .get(v.name.as_str())
                .copied()
                .flatten()
                .map(str::to_string);
        }
        values.push(v);
        parsed_of.insert(k.info.name.clone(), p);
    }
    for (list, prefix, kind, known) in [
        (
            "transforms",
            "transforms",
            "transformation",
            known_transformations(),
        ),
        ("predicates", "predicates", "predicate", known_predicates()),
    ] {
        let Some(Parsed::List(aliases)) = parsed_of.get(list).cloned() else {
            continue;
        };
        let mut seen = Vec::new();
        for a in aliases {
            if a.is_empty() || seen.contains(&a) {
                continue;
            }
            seen.push(a.clone());
            for k in alias_keys(kind, prefix, &a, known.clone()) {
                let (v, _) = validate_key(&k, &props);
                values.push(v);
                if let Some(g) = &k.info.group {
                    if !groups.contains(g) {
                        groups.push(g.clone());
                    }
                }
                keys.push(k);
            }
        }
    }
    if plugin_type == PluginType::Sink {
        sink_checks(&props, &mut values);
    }

    // The connector's own keys and verdicts.
    let plugin_keys: Vec<Key> = spec.keys.iter().map(plugin_key).collect();
    let secrets: Vec<&str> = plugin_keys
        .iter()
        .filter(|k| k.secret)
        .map(|k| k.info.name.as_str())
        .collect();
    for k in &plugin_keys {
        if let Some(g) = &k.info.group {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
    }
    for r in reports {
        let secret = secrets.contains(&r.name.as_str()) || is_secret_name(&r.name);
        let raw_value = resolved.get(&r.name).cloned();
        let errors = r
            .errors
            .into_iter()
            .map(|e| match (&raw_value, secret) {
                (Some(v), true) if !v.is_empty() => e.replace(v.as_str(), HIDDEN),
                _ => e,
            })
            .collect();
        values.push(ConfigValueInfo {
            value: if secret {
                r.value.map(|_| HIDDEN.to_string())
            } else {
                r.value
            },
            name: r.name,
            recommended_values: r.recommended_values,
            errors,
            visible: r.visible,
        });
    }
    for k in plugin_keys {
        match keys.iter_mut().find(|b| b.info.name == k.info.name) {
            Some(existing) => *existing = k,
            None => keys.push(k),
        }
    }

    // A null value is an error whatever the key.
    for (k, v) in config {
        if v.is_none() {
            let msg = "Null value can not be supplied as the configuration value.".to_string();
            match values.iter_mut().rev().find(|x| x.name == *k) {
                Some(x) => x.errors.push(msg),
                None => values.push(ConfigValueInfo {
                    name: k.clone(),
                    value: None,
                    recommended_values: Vec::new(),
                    errors: vec![msg],
                    visible: true,
                }),
            }
        }
    }

    let mut infos = generate_result(&class, &keys, values, groups);

    // Settings of converters named in the connector config.
    for role in ["key", "value"] {
        let ck = format!("{role}.converter");
        let Some(Some(class)) = props.get(ck.as_str()) else {
            continue;
        };
        let has_error = infos.configs.iter().any(|c| {
            c.value
                .as_ref()
                .is_some_and(|v| v.name == ck && !v.errors.is_empty())
        });
        if has_error {
            continue;
        }
        let (ckeys, cgroups) = converter_keys(role, class);
        let prefix = format!("{ck}.");
        let mut cprops: HashMap<&str, Option<&str>> = props.clone();
        let type_key = format!("{prefix}converter.type");
        cprops.entry(type_key.as_str()).or_insert(Some(role));
        for k in ckeys {
            let (mut v, _) = validate_key(&k, &cprops);
            // Kafka Connect names the converter's own key in its messages.
            let short = &k.info.name[prefix.len()..];
            for e in v.errors.iter_mut() {
                *e = e.replace(
                    &format!("configuration {}", k.info.name),
                    &format!("configuration {short}"),
                );
            }
            infos.error_count += v.errors.len();
            infos.configs.push(ConfigInfo {
                definition: Some(k.info),
                value: Some(v),
            });
        }
        for g in cgroups {
            if !infos.groups.contains(&g) {
                infos.groups.push(g);
            }
        }
    }
    add_pipeline_problems(w, &resolved, &mut infos);
    if let Some(e) = refused_endpoint {
        add_problem(&mut infos, &resolved, "connector.endpoint", e);
    }
    add_client_override_problems(w, &resolved, plugin_type, &mut infos);
    if plugin_type == PluginType::Source {
        add_exactly_once_problems(w, &resolved, declarations.as_ref(), &mut infos);
    }
    Ok((infos, plugin_type))
}

/// Distributed mode, as Kafka Connect's `DistributedHerder`: `exactly.once.support=required`
/// needs a worker with `exactly.once.source.support=enabled` and a connector that declares
/// SUPPORTED for the config (`exactlyOnceSupport`); `transaction.boundary=connector` needs a
/// connector that declares it can define its transactions (`canDefineTransactionBoundaries`).
/// `declarations` is what the connector answered (`None`: it was not asked, its endpoint
/// is refused). A standalone worker ignores both, as Kafka Connect's does.
fn add_exactly_once_problems(
    w: &Worker,
    resolved: &Props,
    declarations: Option<&SourceDeclarations>,
    infos: &mut ConfigInfos,
) {
    use crate::config::distributed::ExactlyOnceSourceSupport;
    let Some(support) = w.exactly_once_support() else {
        return;
    };
    let value = |k: &str| resolved.get(k).map(|v| v.trim().to_ascii_lowercase());
    let invalid = |infos: &ConfigInfos, k: &str| {
        infos.configs.iter().any(|c| {
            c.value
                .as_ref()
                .is_some_and(|v| v.name == k && !v.errors.is_empty())
        })
    };
    let unexpected = |m: &str| {
        match m.trim() {
        "" => "An unexpected error occurred during validation; please see the worker logs for more details.".to_string(),
        m => format!("An unexpected error occurred during validation: {m}"),
    }
    };
    if value("exactly.once.support").as_deref() == Some("required")
        && !invalid(infos, "exactly.once.support")
    {
        if support != ExactlyOnceSourceSupport::Enabled {
            add_problem(
                infos,
                resolved,
                "exactly.once.support",
                "This worker does not have exactly-once source support enabled.".into(),
            );
        }
        if let Some(d) = declarations {
            let problem = match (&d.exactly_once_error, d.exactly_once) {
                (Some(e), _) => Some(unexpected(e)),
                (None, Some(true)) => None,
                (None, Some(false)) => Some(
                    "The connector does not support exactly-once semantics with the provided configuration.".to_string(),
                ),
                (None, None) => Some(format!(
                    "The connector does not implement the API required for preflight validation of exactly-once \
                     source support. Please consult the documentation for the connector to determine whether it supports exactly-once \
                     semantics, and then consider reconfiguring the connector to use the value \"{}\" for this property \
                     (which will disable this preflight check and allow the connector to be created).",
                    "requested"
                )),
            };
            if let Some(p) = problem {
                add_problem(infos, resolved, "exactly.once.support", p);
            }
        }
    }
    if value("transaction.boundary").as_deref() == Some("connector")
        && !invalid(infos, "transaction.boundary")
    {
        let problem = match declarations {
            Some(SourceDeclarations {
                transaction_boundaries_error: Some(e),
                ..
            }) => Some(unexpected(e)),
            Some(SourceDeclarations {
                transaction_boundaries: true,
                ..
            }) => None,
            // Not asked (the endpoint is refused) is not SUPPORTED either.
            _ => Some(
                "The connector does not support connector-defined transaction boundaries with the given configuration. \
                 Please reconfigure it to use a different transaction boundary definition."
                    .to_string(),
            ),
        };
        if let Some(p) = problem {
            add_problem(infos, resolved, "transaction.boundary", p);
        }
    }
}

/// An error on `key`'s own entry (one without a definition if the answer has none yet).
fn add_problem(infos: &mut ConfigInfos, resolved: &Props, key: &str, message: String) {
    infos.error_count += 1;
    match infos
        .configs
        .iter_mut()
        .filter_map(|c| c.value.as_mut())
        .find(|v| v.name == key)
    {
        Some(v) => v.errors.push(message),
        None => infos.configs.push(ConfigInfo {
            definition: None,
            value: Some(ConfigValueInfo {
                value: resolved.get(key).map(|v| {
                    match is_secret_name(key)
                        || crate::kafka::security::is_secret(
                            key.split_once(".override.").map_or(key, |(_, k)| k),
                        ) {
                        true => HIDDEN.to_string(),
                        false => v.clone(),
                    }
                }),
                name: key.to_string(),
                recommended_values: Vec::new(),
                errors: vec![message],
                visible: true,
            }),
        }),
    }
}

/// An override policy: its name in messages, and which client keys it lets a connector
/// override.
type OverridePolicy = (&'static str, fn(&str) -> bool);

/// `connector.client.config.override.policy` as Kafka Connect's worker takes it (an alias
/// or the class name).
fn override_policy(w: &Worker) -> Result<OverridePolicy, String> {
    let raw = w
        .config
        .get("connector.client.config.override.policy")
        .unwrap_or("All")
        .trim();
    let simple = raw
        .strip_prefix("org.apache.kafka.connect.connector.policy.")
        .and_then(|c| c.strip_suffix("ConnectorClientConfigOverridePolicy"))
        .unwrap_or(raw);
    match simple {
        "All" => Ok(("All", |_| true)),
        "None" => Ok(("None", |_| false)),
        "Principal" => Ok(("Principal", |k| {
            matches!(
                k,
                "sasl.jaas.config" | "sasl.mechanism" | "security.protocol"
            )
        })),
        _ => Err(format!(
            "connector.client.config.override.policy={raw} is not All, None or Principal"
        )),
    }
}

/// The connector's `producer.override.` / `consumer.override.` / `admin.override.`
/// settings: each key the worker's override policy refuses, with Kafka Connect's message,
/// and security settings the clients could not use (a JKS or missing store, an unknown
/// mechanism, a malformed JAAS line), on the override's own entry, as the tasks would
/// otherwise fail on them at start. Only the clients the connector's tasks make are
/// checked, as Kafka Connect does: a source's producer; a sink's consumer and admin client
/// and, with a dead letter queue, its producer.
fn add_client_override_problems(
    w: &Worker,
    resolved: &Props,
    plugin_type: PluginType,
    infos: &mut ConfigInfos,
) {
    let dlq = resolved
        .get("errors.deadletterqueue.topic.name")
        .is_some_and(|t| !t.trim().is_empty());
    for client in crate::kafka::OVERRIDE_CLIENTS {
        let used = match (client, plugin_type) {
            ("producer", PluginType::Source) => true,
            ("producer", PluginType::Sink) => dlq,
            (_, PluginType::Sink) => true,
            _ => false,
        };
        if !used {
            continue;
        }
        let prefix = format!("{client}.override.");
        let overrides = crate::config::with_prefix(resolved, &prefix);
        if overrides.is_empty() {
            continue;
        }
        match override_policy(w) {
            Ok((name, allowed)) => {
                for k in overrides.keys().filter(|k| !allowed(k)) {
                    add_problem(
                        infos,
                        resolved,
                        &format!("{prefix}{k}"),
                        format!(
                            "The '{name}' policy does not allow '{k}' to be overridden in the connector configuration."
                        ),
                    );
                }
            }
            Err(e) => {
                let first = format!(
                    "{prefix}{}",
                    overrides.keys().next().unwrap_or(&String::new())
                );
                add_problem(infos, resolved, &first, e);
            }
        }
        if let Some((Some(key), e)) =
            crate::kafka::override_security_problem(&w.config, resolved, client)
        {
            // The message starts with the setting's name: the override's when it is its.
            let message = match key == format!("{prefix}{}", e.setting()) {
                true => format!("{prefix}{e}"),
                false => format!("{key}: {e}"),
            };
            add_problem(infos, resolved, &key, message);
        }
    }
}

/// The problems the runner itself would refuse the connector for (converters, the
/// transform chain with each transform's and predicate's own settings, `errors.*`), so
/// validation and connector creation agree. A key that already has an error keeps only it.
fn add_pipeline_problems(w: &Worker, resolved: &Props, infos: &mut ConfigInfos) {
    let Ok(config) = crate::config::ConnectorConfig::new(resolved.clone()) else {
        return;
    };
    let remote = |c: &str| w.plugins.transform_kind(c);
    let remote_converter = |c: &str, header: bool| w.plugins.serves_converter(c, header);
    for (key, message) in
        crate::worker::pipeline::Pipeline::problems(&w.config, &config, &remote, &remote_converter)
    {
        let related = |name: &str| {
            name == key || (key.ends_with("converter") && name.starts_with(&format!("{key}.")))
        };
        if infos.configs.iter().any(|c| {
            c.value
                .as_ref()
                .is_some_and(|v| related(&v.name) && !v.errors.is_empty())
        }) {
            continue;
        }
        infos.error_count += 1;
        match infos
            .configs
            .iter_mut()
            .filter_map(|c| c.value.as_mut())
            .find(|v| v.name == key)
        {
            Some(v) => v.errors.push(message),
            None => infos.configs.push(ConfigInfo {
                definition: None,
                value: Some(ConfigValueInfo {
                    value: resolved.get(&key).cloned(),
                    name: key,
                    recommended_values: Vec::new(),
                    errors: vec![message],
                    visible: true,
                }),
            }),
        }
    }
}

/// `SinkConnectorConfig.validate`: topics / topics.regex and the dead letter queue topic.
fn sink_checks(props: &HashMap<&str, Option<&str>>, values: &mut [ConfigValueInfo]) {
    let get = |k: &str| props.get(k).copied().flatten().map(str::trim).unwrap_or("");
    let topics: Vec<&str> = get("topics")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let regex = get("topics.regex");
    let dlq = get("errors.deadletterqueue.topic.name");
    let mut add = |key: &str, msg: String| {
        if let Some(v) = values.iter_mut().find(|v| v.name == key) {
            v.errors.push(msg);
        }
    };
    match (topics.is_empty(), regex.is_empty()) {
        (false, false) => {
            let m = "topics and topics.regex are mutually exclusive options, but both are set.".to_string();
            add("topics", m.clone());
            add("topics.regex", m);
        }
        (true, true) => {
            let m = "Must configure one of topics or topics.regex".to_string();
            add("topics", m.clone());
            add("topics.regex", m);
        }
        (false, true) if !dlq.is_empty() && topics.contains(&dlq) => add(
            "topics",
            format!(
                "The DLQ topic '{dlq}' may not be included in the list of topics ('topics=[{}]') consumed by the connector",
                topics.join(", ")
            ),
        ),
        _ => {}
    }
}

/// Kafka Connect's `generateResult`: values of unknown keys first, then every key in order
/// with its value.
fn generate_result(
    name: &str,
    keys: &[Key],
    values: Vec<ConfigValueInfo>,
    groups: Vec<String>,
) -> ConfigInfos {
    let mut configs = Vec::new();
    let mut by_name: HashMap<String, ConfigValueInfo> = HashMap::new();
    let mut error_count = 0;
    for v in values {
        if !keys.iter().any(|k| k.info.name == v.name) {
            error_count += v.errors.len();
            configs.push(ConfigInfo {
                definition: None,
                value: Some(v.clone()),
            });
        }
        by_name.insert(v.name.clone(), v);
    }
    for k in keys {
        let value = by_name.remove(&k.info.name);
        if let Some(v) = &value {
            error_count += v.errors.len();
        }
        configs.push(ConfigInfo {
            definition: Some(k.info.clone()),
            value,
        });
    }
    ConfigInfos {
        name: name.to_string(),
        error_count,
        groups,
        configs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props<'a>(pairs: &'a [(&'a str, Option<&'a str>)]) -> HashMap<&'a str, Option<&'a str>> {
        pairs.iter().cloned().collect()
    }

    fn key(name: &str) -> Key {
        base_keys(PluginType::Source, Some("1.0"), None)
            .into_iter()
            .find(|k| k.info.name == name)
            .unwrap()
    }

    #[test]
    fn definitions_are_kafka_connects() {
        let src = base_keys(PluginType::Source, Some("1.0"), None);
        let names: Vec<&str> = src.iter().map(|k| k.info.name.as_str()).collect();
        assert_eq!(
            &names[..4],
            &[
                "name",
                "connector.class",
                "connector.plugin.version",
                "tasks.max"
            ]
        );
        assert!(names.contains(&"exactly.once.support"));
        let sink = base_keys(PluginType::Sink, None, None);
        assert!(sink.iter().any(|k| k.info.name == "topics.regex"));
        assert!(!sink.iter().any(|k| k.info.name == "exactly.once.support"));
        assert!(converter_definition("JsonConverter").is_some());
        assert!(converter_definition("org.apache.kafka.connect.storage.StringConverter").is_some());
        // The registry-backed converters: their registry settings and their own.
        let (_, json_schema) =
            converter_definition("io.confluent.connect.json.JsonSchemaConverter").unwrap();
        let names: Vec<&str> = json_schema.iter().map(|k| k.name.as_str()).collect();
        for n in [
            "schema.registry.url",
            "value.subject.name.strategy",
            "decimal.format",
            "use.optional.for.nonrequired",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(!names.contains(&"enhanced.avro.schema.support"));
        assert!(json_schema
            .iter()
            .any(|k| k.name == "schema.registry.url" && k.required));
        let (_, protobuf) =
            converter_definition("io.confluent.connect.protobuf.ProtobufConverter").unwrap();
        let names: Vec<&str> = protobuf.iter().map(|k| k.name.as_str()).collect();
        for n in [
            "schema.registry.url",
            "use.latest.version",
            "optional.for.nullables",
            "wrapper.for.nullables",
            "generate.index.for.unions",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(!names.contains(&"decimal.format"));
    }

    #[test]
    fn errors_read_like_kafka_connects() {
        let (v, _) = validate_key(&key("tasks.max"), &props(&[("tasks.max", Some("abc"))]));
        assert_eq!(
            v.errors,
            vec![
                "Invalid value abc for configuration tasks.max: Not a number of type INT",
                "Invalid value null for configuration tasks.max: Value must be non-null"
            ]
        );
        let (v, _) = validate_key(&key("tasks.max"), &props(&[("tasks.max", Some("0"))]));
        assert_eq!(
            v.errors,
            vec!["Invalid value 0 for configuration tasks.max: Value must be at least 1"]
        );
        let (v, _) = validate_key(&key("tasks.max"), &props(&[]));
        assert_eq!((v.value.as_deref(), v.errors.len()), (Some("1"), 0));
        let (v, _) = validate_key(&key("name"), &props(&[("name", Some(""))]));
        assert_eq!(
            v.errors,
            vec!["Invalid value  for configuration name: String may not be empty"]
        );
        let (v, _) = validate_key(&key("name"), &props(&[("name", Some("a\u{1}b"))]));
        assert!(
            v.errors[0].ends_with("had the following ASCII chars: 1"),
            "{:?}",
            v.errors
        );
        let (v, _) = validate_key(&key("transforms"), &props(&[("transforms", Some("a, a"))]));
        assert_eq!(
            v.errors,
            vec!["Invalid value [a, a] for configuration transforms: Duplicate alias provided."]
        );
        let (v, _) = validate_key(
            &key("errors.tolerance"),
            &props(&[("errors.tolerance", Some("bogus"))]),
        );
        assert_eq!(v.errors, vec!["Invalid value bogus for configuration errors.tolerance: String must be one of: none, all"]);
        let (v, _) = validate_key(
            &key("key.converter"),
            &props(&[("key.converter", Some("Nope"))]),
        );
        assert_eq!(v.errors, vec!["Invalid value Nope for configuration key.converter: Class Nope could not be found."]);
        let (v, _) = validate_key(
            &key("tasks.max.enforce"),
            &props(&[("tasks.max.enforce", Some("yes"))]),
        );
        assert_eq!(v.errors, vec!["Invalid value yes for configuration tasks.max.enforce: Expected value to be either true or false"]);
        let (v, _) = validate_key(&key("connector.class"), &props(&[]));
        assert_eq!(
            v.errors,
            vec!["Missing required configuration \"connector.class\" which has no default value."]
        );
    }

    #[test]
    fn sink_topics_rules() {
        let keys = base_keys(PluginType::Sink, None, None);
        let p = props(&[("topics", Some("a,b")), ("topics.regex", Some("x.*"))]);
        let mut values: Vec<ConfigValueInfo> = keys.iter().map(|k| validate_key(k, &p).0).collect();
        sink_checks(&p, &mut values);
        let t = values.iter().find(|v| v.name == "topics").unwrap();
        assert_eq!(
            t.errors,
            vec!["topics and topics.regex are mutually exclusive options, but both are set."]
        );
        let p = props(&[
            ("topics", Some("a,b")),
            ("errors.deadletterqueue.topic.name", Some("a")),
        ]);
        let mut values: Vec<ConfigValueInfo> = keys.iter().map(|k| validate_key(k, &p).0).collect();
        sink_checks(&p, &mut values);
        let t = values.iter().find(|v| v.name == "topics").unwrap();
        assert_eq!(
            t.errors,
            vec!["The DLQ topic 'a' may not be included in the list of topics ('topics=[a, b]') consumed by the connector"]
        );
    }

    #[test]
    fn secrets_are_hidden() {
        let k = Key {
            info: ConfigKeyInfo {
                name: "db.password".into(),
                config_type: "PASSWORD".into(),
                required: false,
                default_value: None,
                importance: "HIGH".into(),
                documentation: String::new(),
                group: None,
                order_in_group: -1,
                width: "NONE".into(),
                display_name: "db.password".into(),
                dependents: vec![],
            },
            ty: ConfigType::Password,
            check: Check::OneOf {
                allowed: vec!["x".into()],
                case_insensitive: false,
            },
            secret: true,
            recommended: vec![],
        };
        let (v, _) = validate_key(&k, &props(&[("db.password", Some("s3cret"))]));
        assert_eq!(v.value.as_deref(), Some(HIDDEN));
        assert!(!v.errors[0].contains("s3cret"), "{:?}", v.errors);
        assert_eq!(
            java_map(&[("db.password".into(), Some("s3cret".into()))]),
            "{db.password=[hidden]}"
        );
    }
}
