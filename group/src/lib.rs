//! Kafka Connect's worker group, the part of distributed mode that Kafka coordinates.
//!
//! Workers of one cluster join a *classic* Kafka group of protocol type `connect` (Kafka
//! Connect's `WorkerCoordinator`). librdkafka can only join groups of type `consumer`, so
//! this crate speaks the group protocol itself:
//!
//! - [`protocol`]: the member metadata and assignment bytes of Kafka Connect's `default`,
//!   `compatible` and `sessioned` protocols (`ConnectProtocol`,
//!   `IncrementalCooperativeConnectProtocol`), byte for byte, so Polyconnect workers and
//!   Kafka Connect's own workers read each other.
//! - [`records`]: the config and status topics' records (keys and JSON values) as Kafka
//!   Connect's backing stores write and read them.
//! - [`config_state`]: the config topic read in order into the cluster's configuration
//!   (task configs applied at their commit, inconsistent connectors, the config offset).
//! - [`assignor`]: the leader's incremental cooperative assignor (KIP-415), which also
//!   spreads each connector's tasks evenly, and the eager one.
//! - [`client`]: the group member itself (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
//!   LeaveGroup over TCP, with TLS and SASL as the worker's settings say), heartbeating in its own task so a busy herder never costs
//!   the worker its membership; it carries the bytes above without reading them.
//!
//! - [`membership`]: the [`Membership`] the herder drives, over Kafka ([`GroupMember`]) or
//!   in memory ([`MemoryGroup`]), so a distributed herder runs in a test without a broker.
//!
//! It depends on nothing of the core, so the formats, the assignor and the client are tested
//! on their own.

pub mod assignor;
pub mod client;
pub mod config_state;
pub mod membership;
pub mod protocol;
pub mod records;

pub use assignor::{is_config_mismatch, IncrementalCooperativeAssignor, Member, Round};
pub use client::{
    GroupError, GroupMember, JoinOutcome, MemberConfig, MemberEvent, MemberEvents, Protocol,
    RebalanceReason,
};
pub use membership::{Membership, MemoryGroup, MemoryMember};
pub use protocol::{Assignment, ConnectProtocol, ConnectorTaskId, DecodeError, WorkerMetadata};
