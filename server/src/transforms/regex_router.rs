//! RegexRouter: when the whole topic matches `regex`, the topic becomes
//! `replaceFirst(replacement)` (Java's `$1`, `${name}` syntax).

use super::config::{Default, Settings};
use super::jregex::JavaRegex;
use super::record::ConnectRecord;
use super::{TransformError, Transformation};

pub struct RegexRouter {
    regex: JavaRegex,
    replacement: String,
}

/// Compiles a Java regex setting, with RegexValidator's message.
pub(crate) fn regex_setting(
    s: &mut Settings,
    key: &str,
    value: &str,
    prefix_message: &str,
) -> Option<JavaRegex> {
    match JavaRegex::new(value) {
        Ok(r) => Some(r),
        Err(e) => {
            s.invalid(key, value, &format!("{prefix_message}{e}"));
            None
        }
    }
}

impl RegexRouter {
    pub fn configure(s: &mut Settings) -> Option<RegexRouter> {
        let regex = s.string("regex", Default::Required);
        let regex = regex.and_then(|r| regex_setting(s, "regex", &r, "Invalid regex: "));
        let replacement = s.string("replacement", Default::Required);
        Some(RegexRouter {
            regex: regex?,
            replacement: replacement?,
        })
    }
}

impl Transformation for RegexRouter {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.regex.matches(&r.topic) {
            r.topic = self
                .regex
                .replace_first(&r.topic, &self.replacement)
                .map_err(|(class, message)| TransformError::new(class, message))?;
        }
        Ok(Some(r))
    }
}
