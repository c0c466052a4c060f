//! Configuration definitions (Kafka Connect's ConfigDef) and parsed configurations.

use std::collections::BTreeMap;

use polyconnect_proto::v1 as pb;

use crate::error::{Error, Result};

/// The type of a configuration key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Boolean,
    String,
    Int,
    Long,
    Double,
    List,
    Password,
}

/// How important a key is, for documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    High,
    Medium,
    Low,
}

/// One key of a [`ConfigDef`].
#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub ty: Type,
    /// `None`: required.
    pub default: Option<String>,
    pub importance: Importance,
    pub doc: String,
    /// Allowed values (Kafka Connect's ValidString), empty: any.
    pub allowed: Vec<String>,
    /// Inclusive numeric range (Kafka Connect's Range.between / atLeast).
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// The keys a connector understands (protocol rule 13). The SDK checks a configuration
/// against it (required keys, types, allowed values, ranges) before `start`, and answers
/// the core's `Spec` and `Validate` from it.
#[derive(Debug, Clone, Default)]
pub struct ConfigDef {
    keys: Vec<Key>,
}

impl ConfigDef {
    pub fn new() -> ConfigDef {
        ConfigDef::default()
    }

    /// A required key.
    pub fn required(self, name: &str, ty: Type, importance: Importance, doc: &str) -> ConfigDef {
        self.key(name, ty, None, importance, doc)
    }

    /// An optional key with a default (in its string form, as in a .properties file).
    pub fn optional(
        self,
        name: &str,
        ty: Type,
        default: &str,
        importance: Importance,
        doc: &str,
    ) -> ConfigDef {
        self.key(name, ty, Some(default.to_string()), importance, doc)
    }

    fn key(
        mut self,
        name: &str,
        ty: Type,
        default: Option<String>,
        importance: Importance,
        doc: &str,
    ) -> ConfigDef {
        self.keys.push(Key {
            name: name.into(),
            ty,
            default,
            importance,
            doc: doc.into(),
            allowed: vec![],
            min: None,
            max: None,
        });
        self
    }

    /// Restricts the last key defined to these values.
    pub fn one_of(mut self, allowed: &[&str]) -> ConfigDef {
        if let Some(k) = self.keys.last_mut() {
            k.allowed = allowed.iter().map(|s| s.to_string()).collect();
        }
        self
    }

    /// Restricts the last key defined to a numeric range (inclusive; `None`: open).
    pub fn range(mut self, min: Option<f64>, max: Option<f64>) -> ConfigDef {
        if let Some(k) = self.keys.last_mut() {
            k.min = min;
            k.max = max;
        }
        self
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Per-key errors of `config` (keys without errors are present with an empty list).
    pub fn validate(&self, config: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for k in &self.keys {
            let mut errs = Vec::new();
            match config.get(&k.name).or(k.default.as_ref()) {
                None => errs.push(format!(
                    "Missing required configuration \"{}\" which has no default value.",
                    k.name
                )),
                Some(v) => {
                    if let Err(e) = check(k, v) {
                        errs.push(e);
                    }
                }
            }
            out.insert(k.name.clone(), errs);
        }
        out
    }

    /// `config` with defaults applied, or a CONFIG error naming every bad key.
    pub fn parse(&self, config: BTreeMap<String, String>) -> Result<Config> {
        let problems: Vec<String> = self.validate(&config).into_values().flatten().collect();
        if !problems.is_empty() {
            return Err(Error::config(problems.join(" ")));
        }
        let mut values = config;
        for k in &self.keys {
            if let Some(d) = &k.default {
                values.entry(k.name.clone()).or_insert_with(|| d.clone());
            }
        }
        Ok(Config { values })
    }

    pub(crate) fn to_proto(&self) -> Vec<pb::ConfigKey> {
        self.keys
            .iter()
            .map(|k| pb::ConfigKey {
                name: k.name.clone(),
                r#type: match k.ty {
                    Type::Boolean => pb::ConfigType::BooleanConfig,
                    Type::String => pb::ConfigType::StringConfig,
                    Type::Int => pb::ConfigType::IntConfig,
                    Type::Long => pb::ConfigType::LongConfig,
                    Type::Double => pb::ConfigType::DoubleConfig,
                    Type::List => pb::ConfigType::ListConfig,
                    Type::Password => pb::ConfigType::PasswordConfig,
                } as i32,
                default_value: k.default.clone(),
                importance: match k.importance {
                    Importance::High => pb::Importance::High,
                    Importance::Medium => pb::Importance::Medium,
                    Importance::Low => pb::Importance::Low,
                } as i32,
                documentation: k.doc.clone(),
                display_name: k.name.clone(),
                validator: validator(k),
                secret: k.ty == Type::Password,
                ..Default::default()
            })
            .collect()
    }
}

fn validator(k: &Key) -> Option<pb::Validator> {
    if !k.allowed.is_empty() {
        return Some(pb::Validator {
            kind: Some(pb::validator::Kind::ValidString(pb::ValidString {
                allowed: k.allowed.clone(),
                case_insensitive: false,
            })),
            description: format!("[{}]", k.allowed.join(", ")),
        });
    }
    if k.min.is_some() || k.max.is_some() {
        let show = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_else(|| "...".into());
        return Some(pb::Validator {
            kind: Some(pb::validator::Kind::Range(pb::Range {
                min: k.min,
                max: k.max,
            })),
            description: format!("[{},{}]", show(k.min), show(k.max)),
        });
    }
    None
}

fn check(k: &Key, v: &str) -> std::result::Result<(), String> {
    let bad = |what: &str| format!("Invalid value {v} for configuration {}: {what}", k.name);
    let number = match k.ty {
        Type::Boolean => {
            if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                return Err(bad("Expected value to be either true or false"));
            }
            None
        }
        Type::Int => Some(
            v.trim()
                .parse::<i32>()
                .map_err(|_| bad("Not a number of type INT"))? as f64,
        ),
        Type::Long => Some(
            v.trim()
                .parse::<i64>()
                .map_err(|_| bad("Not a number of type LONG"))? as f64,
        ),
        Type::Double => Some(
            v.trim()
                .parse::<f64>()
                .map_err(|_| bad("Not a number of type DOUBLE"))?,
        ),
        Type::String | Type::List | Type::Password => None,
    };
    if !k.allowed.is_empty() && !k.allowed.iter().any(|a| a == v) {
        return Err(bad(&format!(
            "String must be one of: {}",
            k.allowed.join(", ")
        )));
    }
    if let Some(n) = number {
        if k.min.is_some_and(|m| n < m) || k.max.is_some_and(|m| n > m) {
            let v = validator(k).map(|v| v.description).unwrap_or_default();
            return Err(bad(&format!("Value must be in {v}")));
        }
    }
    Ok(())
}

/// A configuration checked against its [`ConfigDef`], with defaults applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    values: BTreeMap<String, String>,
}

impl Config {
    /// A configuration as is, unchecked (task configurations, tests).
    pub fn from_map(values: BTreeMap<String, String>) -> Config {
        Config { values }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// A string value; a CONFIG error when it is missing.
    pub fn string(&self, key: &str) -> Result<String> {
        self.get(key)
            .map(str::to_string)
            .ok_or_else(|| Error::config(format!("Missing required configuration \"{key}\"")))
    }

    pub fn i64(&self, key: &str) -> Result<i64> {
        self.parsed(key)
    }

    pub fn f64(&self, key: &str) -> Result<f64> {
        self.parsed(key)
    }

    pub fn bool(&self, key: &str) -> Result<bool> {
        Ok(self.string(key)?.eq_ignore_ascii_case("true"))
    }

    /// A comma-separated list.
    pub fn list(&self, key: &str) -> Result<Vec<String>> {
        Ok(self
            .string(key)?
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect())
    }

    fn parsed<T: std::str::FromStr>(&self, key: &str) -> Result<T> {
        let v = self.string(key)?;
        v.trim()
            .parse()
            .map_err(|_| Error::config(format!("Invalid value {v} for configuration {key}")))
    }

    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.values
    }

    pub fn into_map(self) -> BTreeMap<String, String> {
        self.values
    }

    /// Sets a value (for task configurations derived from the connector's).
    pub fn with(mut self, key: &str, value: impl ToString) -> Config {
        self.values.insert(key.into(), value.to_string());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> ConfigDef {
        ConfigDef::new()
            .required("topic", Type::String, Importance::High, "where")
            .optional("rate", Type::Long, "0", Importance::Low, "per second")
            .range(Some(0.0), None)
            .optional("schema", Type::String, "raw", Importance::Low, "shape")
            .one_of(&["raw", "users"])
    }

    #[test]
    fn defaults_and_errors() {
        let c = def()
            .parse(BTreeMap::from([("topic".into(), "t".into())]))
            .unwrap();
        assert_eq!(c.i64("rate").unwrap(), 0);
        assert_eq!(c.string("schema").unwrap(), "raw");
        let e = def().parse(BTreeMap::new()).unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m.contains("\"topic\"")),
            "{e}"
        );
        let e = def()
            .parse(BTreeMap::from([
                ("topic".into(), "t".into()),
                ("rate".into(), "-1".into()),
            ]))
            .unwrap_err();
        assert!(e.message().contains("rate"), "{e}");
        let e = def()
            .parse(BTreeMap::from([
                ("topic".into(), "t".into()),
                ("schema".into(), "x".into()),
            ]))
            .unwrap_err();
        assert!(e.message().contains("one of"), "{e}");
    }
}
