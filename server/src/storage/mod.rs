//! Stores: source offsets and connector/task status.

pub mod offsets;
pub mod status;
