//! The predicates: TopicNameMatches (`pattern`, a Java regex matching the whole topic),
//! HasHeaderKey (`name`), RecordIsTombstone (a null value).

use super::config::{Default, Settings};
use super::jregex::JavaRegex;
use super::record::ConnectRecord;
use super::regex_router::regex_setting;
use super::Predicate;

pub struct TopicNameMatches {
    pattern: JavaRegex,
}

impl TopicNameMatches {
    pub fn configure(s: &mut Settings) -> Option<TopicNameMatches> {
        let p = s.non_empty_string("pattern", Default::Required)?;
        let pattern = regex_setting(
            s,
            "pattern",
            &p,
            "entry must be a Java-compatible regular expression: ",
        )?;
        Some(TopicNameMatches { pattern })
    }
}

impl Predicate for TopicNameMatches {
    fn test(&self, r: &ConnectRecord) -> bool {
        self.pattern.matches(&r.topic)
    }
}

pub struct HasHeaderKey {
    name: String,
}

impl HasHeaderKey {
    pub fn configure(s: &mut Settings) -> Option<HasHeaderKey> {
        let name = s.non_empty_string("name", Default::Required)?;
        Some(HasHeaderKey { name })
    }
}

impl Predicate for HasHeaderKey {
    fn test(&self, r: &ConnectRecord) -> bool {
        r.headers.iter().any(|h| h.key == self.name)
    }
}

pub struct RecordIsTombstone;

impl Predicate for RecordIsTombstone {
    fn test(&self, r: &ConnectRecord) -> bool {
        r.value.is_null()
    }
}
