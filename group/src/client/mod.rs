//! A member of a classic Kafka group, speaking Kafka's wire protocol itself (librdkafka only
//! joins groups of protocol type `consumer`).
//!
//! - [`Connection`]: one broker connection: TLS ([`TlsConfig`]) and SASL ([`SaslConfig`])
//!   as `security.protocol` says, framing, correlation ids, ApiVersions version negotiation
//!   (Kafka 4.0 removed old request versions, KIP-896), per-request timeouts,
//!   re-authentication (KIP-368).
//! - [`GroupMember`]: the membership, in its own task: FindCoordinator, JoinGroup, SyncGroup,
//!   Heartbeat, LeaveGroup and Kafka Connect's error handling. It carries the protocols'
//!   metadata and the assignments as opaque bytes; [`crate::protocol`] gives them meaning.

mod config;
mod connection;
mod error;
mod frame;
mod member;
mod oauth;
mod sasl;
mod tls;

pub use config::{ConnectionConfig, MemberConfig, SecurityProtocol};
pub use connection::{probe, Connection};
pub use error::{error_name, GroupError};
pub use member::{
    GroupMember, JoinOutcome, JoinedMember, MemberEvent, MemberEvents, Protocol, RebalanceReason,
};
pub use oauth::ClientCredentials;
pub use sasl::{SaslConfig, ScramMechanism, UnsecuredJwt};
pub use tls::{TlsConfig, TlsIdentity};
