//! Write Polyconnect (Kafka Connect) connectors in Rust.
//!
//! A connector is a separate process that the Polyconnect core talks to over the
//! versioned gRPC protocol in `proto/polyconnect/v1`. This crate is that process's side:
//! implement [`Connector`] and a [`SourceTask`] or [`SinkTask`] (or a [`Transformation`]
//! or [`Predicate`]), then call [`serve`]. The
//! SDK does the handshake, the spec and validation, credit-based flow control, batching,
//! sequence numbers, acknowledgements, offsets, heartbeats, typed errors (a panic too)
//! and the staged stop, and (feature `otel`, off by default) OpenTelemetry spans when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set. See `clients/rust/README.md`.

mod columns;
mod config;
mod connector;
mod connector_stream;
mod data;
mod error;
#[cfg(feature = "otel")]
mod otel;
#[cfg(not(feature = "otel"))]
#[path = "otel_off.rs"]
mod otel;
mod record;
mod server;
mod sink;
mod source;
mod stream;
mod tls;
pub mod transform;

pub use async_trait::async_trait;
pub use config::{Config, ConfigDef, Importance, Key, Type};
pub use connector::{
    Connector, ConnectorContext, ConnectorTransactionBoundaries, ExactlyOnceSupport, OffsetChanges,
    Plugin, SinkContext, SinkTask, SourceContext, SourceTask, TransactionContext,
    DEFAULT_MAX_INFLIGHT_PUTS,
};
pub use data::{Field, Schema, SchemaType, Struct, Value, DATE, DECIMAL, TIME, TIMESTAMP};
pub use error::{Error, Result};
pub use record::{
    Data, Header, RecordMetadata, SinkRecord, SourceRecord, TopicPartition, TraceContext,
    TransactionRequest,
};
pub use server::{serve, serve_at, serve_at_tls, TlsConfig};
pub use transform::{ConnectRecord, Predicate, TimestampType, Transformation};

/// This SDK's version, announced in the handshake.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Protocol versions this SDK speaks, newest first.
pub const PROTOCOL_VERSIONS: &[u32] = polyconnect_proto::PROTOCOL_VERSIONS;
