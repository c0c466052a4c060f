//! Spans on the data path, W3C trace context in protocol messages and Kafka headers.
//!
//! Data-path spans are made with the OpenTelemetry API directly (they start and end at
//! points that are not one scope: a record's `send` span ends at the broker's ack); the
//! scoped ones (offset commits) are `tracing` spans exported by tracing-opentelemetry.
//! With tracing off (`tracer()` is `None`) every hook returns at once.
//!
//! Cost rules: the sampling decision is made once per batch (a batch whose parent is not
//! sampled gets no spans at all) and records are only looked at when their batch is
//! sampled or they carry their own context; unsampled records' contexts travel unchanged.

use std::sync::OnceLock;

use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;
use opentelemetry_sdk::trace::SdkTracer;

use crate::record::TraceContext;

static TRACER: OnceLock<SdkTracer> = OnceLock::new();

/// Sets the tracer of the data-path spans (`telemetry::init` does; a test may instead).
pub fn install(tracer: SdkTracer) {
    let _ = TRACER.set(tracer);
}

/// The core's tracer; `None` when tracing is off.
#[inline]
pub fn tracer() -> Option<&'static SdkTracer> {
    TRACER.get()
}

/// A W3C `traceparent` (version 00) and `tracestate` as a span context; `None` when
/// absent or malformed (a malformed context is ignored, as the W3C spec asks).
pub fn parse(t: &TraceContext) -> Option<SpanContext> {
    parse_parts(&t.traceparent, &t.tracestate)
}

pub fn parse_parts(traceparent: &str, tracestate: &str) -> Option<SpanContext> {
    let mut parts = traceparent.trim().split('-');
    let (version, trace_id, span_id, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if version.len() != 2
        || version == "ff"
        || trace_id.len() != 32
        || span_id.len() != 16
        || flags.len() != 2
    {
        return None;
    }
    if version == "00" && parts.next().is_some() {
        return None;
    }
    let trace_id = TraceId::from_hex(trace_id).ok()?;
    let span_id = SpanId::from_hex(span_id).ok()?;
    let flags = u8::from_str_radix(flags, 16).ok()?;
    let state = if tracestate.is_empty() {
        TraceState::default()
    } else {
        tracestate.parse().unwrap_or_default()
    };
    let sc = SpanContext::new(trace_id, span_id, TraceFlags::new(flags & 1), true, state);
    sc.is_valid().then_some(sc)
}

/// A span context in its W3C form.
pub fn format(sc: &SpanContext) -> TraceContext {
    TraceContext {
        traceparent: format!(
            "00-{:032x}-{:016x}-{:02x}",
            sc.trace_id(),
            sc.span_id(),
            sc.trace_flags().to_u8()
        ),
        tracestate: sc.trace_state().header(),
    }
}

/// A context whose parent is the given remote span (or none).
pub fn remote(sc: Option<&SpanContext>) -> Context {
    match sc {
        Some(sc) => Context::new().with_remote_span_context(sc.clone()),
        None => Context::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w3c_round_trip() {
        let t = TraceContext {
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into(),
            tracestate: "congo=t61rcWkgMzE".into(),
        };
        let sc = parse(&t).unwrap();
        assert!(sc.is_sampled());
        assert_eq!(format(&sc), t);
        let unsampled = parse_parts(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
            "",
        )
        .unwrap();
        assert!(!unsampled.is_sampled());
    }

    #[test]
    fn malformed_contexts_are_ignored() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert!(parse_parts(bad, "").is_none(), "{bad}");
        }
    }
}
