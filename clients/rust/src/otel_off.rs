//! Built without the `otel` feature: no spans, and no OpenTelemetry crates linked. The
//! same calls as `otel.rs`; a session's tracer is always `None`, so no hook runs, and
//! trace context on records passes through unchanged.

use std::time::{Duration, SystemTime};

use polyconnect_proto::v1 as pb;

use crate::error::Error;
use crate::record::SinkRecord;

pub(crate) fn init() {
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.trim().is_empty());
    if set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
        tracing::warn!("an OTLP endpoint is set, but this connector is built without the SDK's `otel` feature: no connector spans");
    }
}

pub(crate) async fn flush(_timeout: Duration) {}

pub(crate) async fn shutdown(_timeout: Duration) {}

pub(crate) fn task(_connector: &str, _task: u32) -> Option<TaskTracer> {
    None
}

/// Never made: there is no tracer.
#[derive(Clone)]
pub(crate) enum TaskTracer {}

pub(crate) enum Spans {}

impl Spans {
    pub fn end(self, _error: Option<&Error>) {
        match self {}
    }
}

impl TaskTracer {
    pub fn poll(
        &self,
        _started: SystemTime,
        _records: &mut [pb::SourceRecord],
    ) -> pb::TraceContext {
        match *self {}
    }

    pub fn put(&self, _trace: Option<&pb::TraceContext>, _records: &[SinkRecord]) -> Spans {
        match *self {}
    }

    pub fn flush(&self, _trace: Option<&pb::TraceContext>, _partitions: usize) -> Option<Spans> {
        match *self {}
    }
}
