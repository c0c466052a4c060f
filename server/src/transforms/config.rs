//! Reading a transform's or predicate's settings the way Kafka's `ConfigDef` does (values
//! trimmed, lists split on commas, booleans case-insensitive) with Kafka's messages. Every
//! problem is collected, not only the first.

use std::collections::BTreeMap;

use super::util::list_display;

/// One configuration problem: the full key (with its `transforms.<alias>.` prefix) and
/// Kafka Connect's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub key: String,
    pub message: String,
}

/// The settings of one transform or predicate (without their prefix) and the problems found.
pub struct Settings<'a> {
    props: &'a BTreeMap<String, String>,
    prefix: String,
    pub issues: Vec<ConfigIssue>,
}

/// A setting's default.
pub enum Default<'a> {
    /// No default: the setting is required.
    Required,
    /// Defaults to null.
    Null,
    Value(&'a str),
}

/// Java's `String.trim()`.
pub fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// ConfigDef's LIST parsing: `\s*,\s*` after trimming, empty text is an empty list.
pub fn parse_list(raw: &str) -> Vec<String> {
    let t = java_trim(raw);
    if t.is_empty() {
        return Vec::new();
    }
    t.split(',')
        .map(|p| {
            p.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}')
                .to_string()
        })
        .collect()
}

impl<'a> Settings<'a> {
    pub fn new(props: &'a BTreeMap<String, String>, prefix: &str) -> Settings<'a> {
        Settings {
            props,
            prefix: prefix.to_string(),
            issues: Vec::new(),
        }
    }

    /// The full name of a setting.
    pub fn name(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    pub fn raw(&self, key: &str) -> Option<&'a str> {
        self.props.get(key).map(String::as_str)
    }

    /// A problem with a setting: `Invalid value <v> for configuration <name>: <message>`.
    pub fn invalid(&mut self, key: &str, value: &str, message: &str) {
        let name = self.name(key);
        self.issues.push(ConfigIssue {
            key: name.clone(),
            message: format!("Invalid value {value} for configuration {name}: {message}"),
        });
    }

    /// A problem with a plain message (Kafka's `new ConfigException(message)`).
    pub fn error(&mut self, key: &str, message: impl Into<String>) {
        let name = self.name(key);
        self.issues.push(ConfigIssue {
            key: name,
            message: message.into(),
        });
    }

    fn missing(&mut self, key: &str) {
        let name = self.name(key);
        self.issues.push(ConfigIssue {
            key: name.clone(),
            message: format!(
                "Missing required configuration \"{name}\" which has no default value."
            ),
        });
    }

    /// A STRING setting (trimmed). `None` when null or missing (then an issue if required).
    pub fn string(&mut self, key: &str, default: Default) -> Option<String> {
        match self.raw(key) {
            Some(v) => Some(java_trim(v).to_string()),
            None => match default {
                Default::Required => {
                    self.missing(key);
                    None
                }
                Default::Null => None,
                Default::Value(d) => Some(d.to_string()),
            },
        }
    }

    /// A STRING setting that must be one of `options` (`ConfigDef.ValidString`).
    pub fn one_of(&mut self, key: &str, default: Default, options: &[&str]) -> Option<String> {
        let v = self.string(key, default)?;
        if !options.contains(&v.as_str()) {
            self.invalid(
                key,
                &v,
                &format!("String must be one of: {}", options.join(", ")),
            );
            return None;
        }
        Some(v)
    }

    /// A STRING setting that must not be empty when set (`ConfigDef.NonEmptyString`).
    pub fn non_empty_string(&mut self, key: &str, default: Default) -> Option<String> {
        let v = self.string(key, default)?;
        if v.is_empty() {
            self.invalid(key, &v, "String must be non-empty");
            return None;
        }
        Some(v)
    }

    /// A LIST setting.
    pub fn list(&mut self, key: &str, default: Default) -> Option<Vec<String>> {
        match self.raw(key) {
            Some(v) => Some(parse_list(v)),
            None => match default {
                Default::Required => {
                    self.missing(key);
                    None
                }
                Default::Null => None,
                Default::Value(d) => Some(parse_list(d)),
            },
        }
    }

    /// A LIST setting that must not be empty (`NonEmptyListValidator`).
    pub fn non_empty_list(&mut self, key: &str) -> Option<Vec<String>> {
        let v = self.list(key, Default::Required)?;
        if v.is_empty() {
            self.invalid(key, &list_display(&v), "Empty list");
            return None;
        }
        Some(v)
    }

    /// A LIST setting with Kafka's `ValidList.anyNonDuplicateValues` (Kafka 4.x): repeated
    /// values are dropped, empty values refused, an empty list only if `empty_allowed`.
    pub fn valid_list(
        &mut self,
        key: &str,
        default: Default,
        empty_allowed: bool,
    ) -> Option<Vec<String>> {
        let list = self.list(key, default)?;
        let mut unique: Vec<String> = Vec::with_capacity(list.len());
        for v in list {
            if !unique.contains(&v) {
                unique.push(v);
            }
        }
        let name = self.name(key);
        if unique.is_empty() && !empty_allowed {
            self.error(key, format!("Configuration '{name}' must not be empty. Valid values include: any non-empty value"));
            return None;
        }
        if unique.iter().any(String::is_empty) {
            self.error(
                key,
                format!("Configuration '{name}' values must not be empty."),
            );
            return None;
        }
        Some(unique)
    }

    /// A BOOLEAN setting.
    pub fn boolean(&mut self, key: &str, default: bool) -> bool {
        match self.raw(key) {
            None => default,
            Some(v) => {
                let t = java_trim(v);
                if t.eq_ignore_ascii_case("true") {
                    true
                } else if t.eq_ignore_ascii_case("false") {
                    false
                } else {
                    self.invalid(key, v, "Expected value to be either true or false");
                    default
                }
            }
        }
    }

    /// An INT setting defaulting to null.
    pub fn optional_int(&mut self, key: &str) -> Option<i32> {
        let v = self.raw(key)?;
        match crate::converter::java::parse_long(java_trim(v), i32::MIN as i64, i32::MAX as i64) {
            Some(i) => Some(i as i32),
            None => {
                self.invalid(key, v, "Not a number of type INT");
                None
            }
        }
    }

    pub fn ok(&self) -> bool {
        self.issues.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_like_config_def() {
        assert_eq!(parse_list(" a , b,c "), vec!["a", "b", "c"]);
        assert!(parse_list("  ").is_empty());
        assert_eq!(parse_list("a,"), vec!["a", ""]);
    }

    #[test]
    fn messages() {
        let props: BTreeMap<String, String> = [("flag".to_string(), "yes".to_string())]
            .into_iter()
            .collect();
        let mut s = Settings::new(&props, "transforms.x.");
        s.boolean("flag", true);
        s.string("spec", Default::Required);
        assert_eq!(
            s.issues.iter().map(|i| i.message.as_str()).collect::<Vec<_>>(),
            vec![
                "Invalid value yes for configuration transforms.x.flag: Expected value to be either true or false",
                "Missing required configuration \"transforms.x.spec\" which has no default value."
            ]
        );
    }
}
