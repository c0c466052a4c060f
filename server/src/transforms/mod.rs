//! Single message transforms (SMTs) and predicates: Kafka Connect's built-in ones, with its
//! class names, config keys, defaults, messages and behaviour, for schema'd and schemaless
//! records.
//!
//! Entry points for the runners:
//! - [`TransformChain::from_connector_config`] reads `transforms`, `transforms.<alias>.*`,
//!   `predicates`, `predicates.<alias>.*` from a connector config; [`TransformChain::validate`]
//!   gives every problem with the key it belongs to.
//! - [`TransformChain::apply`] on a [`ConnectRecord`] (`Ok(None)`: filtered out), or
//!   [`TransformChain::apply_source`] / [`TransformChain::apply_sink`] on the core's records.
//!
//! Table of contents:
//! - `chain.rs`: the chain, predicates and `negate`; class-name resolution.
//! - `record.rs`: [`ConnectRecord`], conversions from and to source and sink records.
//! - `config.rs`: settings as Kafka's `ConfigDef` reads them, with its messages.
//! - `util.rs`: Struct get/put with Kafka Connect's validation, SchemaBuilder checks,
//!   `$Key`/`$Value` sides, the schema cache.
//! - `field_path.rs`: nested field paths (`field.syntax.version=V2`).
//! - `jregex.rs`: Java regular expressions on the `regex` crate (what is not supported).
//! - One file per transform: `cast.rs`, `drop_headers.rs`, `extract_field.rs`, `filter.rs`,
//!   `flatten.rs`, `header_from.rs`, `hoist_field.rs`, `insert_field.rs`,
//!   `insert_header.rs`, `mask_field.rs`, `regex_router.rs`, `replace_field.rs`,
//!   `set_schema_metadata.rs`, `timestamp_converter.rs`, `timestamp_router.rs`,
//!   `value_to_key.rs`; and `predicates.rs`.
//!
//! Java semantics the transforms need (SimpleDateFormat, `Values`, BigDecimal, HashMap
//! iteration order) live in `crate::converter::{datefmt, values, java}`.
//!
//! Representation: logical values keep their physical form (a Timestamp is an Int64 of
//! milliseconds, a Decimal its unscaled bytes); where Kafka Connect would hold a
//! `java.util.Date` without a schema (TimestampConverter's Date/Time/Timestamp targets on
//! schemaless data), Polyconnect holds Int64 epoch milliseconds.

mod cast;
mod chain;
pub mod config;
mod drop_headers;
mod extract_field;
pub mod field_path;
mod filter;
mod flatten;
mod header_from;
mod hoist_field;
mod insert_field;
mod insert_header;
pub mod jregex;
mod mask_field;
mod predicates;
pub mod record;
mod regex_router;
mod replace_field;
mod set_schema_metadata;
mod timestamp_converter;
mod timestamp_router;
pub mod util;
mod value_to_key;

pub use chain::{
    create_predicate, create_transformation, BatchOutcome, BatchRecord, Remote, RemoteLookup,
    TransformChain, PREDICATES, TRANSFORMATIONS,
};
pub use config::ConfigIssue;
pub use record::{ConnectRecord, SinkContext, SourceContext};

/// A single message transform.
pub trait Transformation: Send + Sync {
    /// The transformed record, or `None` to drop it (Filter).
    fn apply(&self, record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError>;
}

/// A predicate deciding whether a transform applies to a record.
pub trait Predicate: Send + Sync {
    fn test(&self, record: &ConnectRecord) -> bool;
}

/// A transform failing on a record: the Java exception Kafka Connect would throw, and which
/// transform of the chain threw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformError {
    /// The fully qualified exception class, e.g. `org.apache.kafka.connect.errors.DataException`.
    pub exception_class: String,
    pub message: String,
    /// The transform's alias in the connector config (set by the chain).
    pub alias: Option<String>,
    /// The transform's class, e.g. `org.apache.kafka.connect.transforms.Cast$Value` (set by
    /// the chain): the `__connect.errors.class.name` of a dead letter queue record.
    pub transform_class: Option<String>,
    /// A stack trace from the process that ran an out-of-process transform.
    pub detail: Option<String>,
}

impl TransformError {
    pub fn new(exception_class: &str, message: impl Into<String>) -> TransformError {
        TransformError {
            exception_class: exception_class.to_string(),
            message: message.into(),
            alias: None,
            transform_class: None,
            detail: None,
        }
    }

    /// A stack trace in Java's layout, for `__connect.errors.exception.stacktrace`.
    pub fn stack_trace(&self) -> String {
        let mut s = self.to_string();
        if let Some(d) = &self.detail {
            s.push('\n');
            s.push_str(d.trim_end());
        }
        if let Some(class) = &self.transform_class {
            s.push_str(&format!(
                "\n\tat {class}.apply(transform '{}')",
                self.alias.as_deref().unwrap_or("")
            ));
        }
        s
    }
}

impl std::fmt::Display for TransformError {
    /// Java's `Throwable.toString()`: `class: message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.exception_class, self.message)
    }
}

impl std::error::Error for TransformError {}
