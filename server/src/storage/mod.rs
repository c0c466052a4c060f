//! Stores: source offsets (`offsets.rs`), connector configs and target states
//! (`configs.rs`), sink connectors' consumer group offsets (`group_offsets.rs`), connector
//! and task status (`status.rs`).

pub mod configs;
pub mod group_offsets;
pub mod offsets;
pub mod status;
