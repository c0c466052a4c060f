//! The Polyconnect connector protocol, `polyconnect.v1`.
//!
//! The `.proto` files in `proto/polyconnect/v1/` are the contract, with the lifecycle of
//! every stream written in their comments. This crate only holds the generated types and
//! gRPC stubs; the core converts them to its own types at its plugin boundary.

/// Generated from `proto/polyconnect/v1/*.proto`.
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    tonic::include_proto!("polyconnect.v1");
}

/// Protocol versions this build speaks, newest first.
pub const PROTOCOL_VERSIONS: &[u32] = &[1];
