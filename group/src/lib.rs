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
//! - [`client`]: the group member itself (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
//!   LeaveGroup over tokio TCP), heartbeating in its own task so a busy herder never costs
//!   the worker its membership; it carries the bytes above without reading them.
//!
//! It depends on nothing of the core, so the byte formats and the assignor are tested
//! on their own.

pub mod client;
pub mod protocol;

pub use client::{
    GroupError, GroupMember, JoinOutcome, MemberConfig, MemberEvent, MemberEvents, Protocol,
    RebalanceReason,
};
pub use protocol::{Assignment, ConnectProtocol, ConnectorTaskId, DecodeError, WorkerMetadata};
