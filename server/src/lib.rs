//! Polyconnect's core: Kafka Connect with connectors in any language.
//!
//! See `ARCHITECTURE.md` at the repository root for the map of this crate.

pub mod config;
pub mod conformance;
pub mod converter;
pub mod data;
pub mod distributed;
pub mod error_handling;
pub mod herder;
pub mod kafka;
pub mod keystores;
pub mod new_project;
pub mod plugin;
pub mod record;
pub mod rest;
pub mod storage;
pub mod telemetry;
pub mod transforms;
pub mod worker;
