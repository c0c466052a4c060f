//! Connector-side OpenTelemetry spans (protocol rule 10), exported with OTLP.
//!
//! On when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set; off
//! with `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. The core gives a connector
//! process it launches its own exporter and sampler settings and the service name
//! `polyconnect-connector-<plugin>`.
//!
//! Spans: a root `poll` span per poll that returned records (so the sampler decides per
//! poll), and per record of a sampled poll a `create <topic>` span whose context goes to the
//! core in `SourceRecord.trace`: the record's own context (the source system's) is its
//! parent, linked to the poll span, else the poll span. On a sink: `put` under the core's
//! put span (`Put.trace`), `process <topic>` per sampled record under its context
//! (`SinkRecord.trace`) and `flush` under the core's flush span (`Flush.trace`).
//!
//! Spans leave through a batch processor on the tokio runtime (the OTLP exporters need
//! one) with a bounded queue: a slow or absent collector drops spans, never holds up
//! records. With tracing off the sessions hold `None` and skip every hook.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use opentelemetry::trace::{
    Link, Span as _, SpanContext, SpanId, SpanKind, Status, TraceContextExt, TraceFlags, TraceId,
    TraceState, Tracer, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue, StringValue};
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::trace::{BatchConfigBuilder, Sampler, SdkTracer, SdkTracerProvider, Span};
use opentelemetry_sdk::Resource;
use polyconnect_proto::v1 as pb;

use crate::error::Error;
use crate::record::SinkRecord;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

// ------------------------------------------------------------------------ settings

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    Grpc,
    HttpProtobuf,
}

impl Protocol {
    fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
        }
    }
}

/// How spans are exported, from the standard `OTEL_*` variables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settings {
    pub traces_endpoint: String,
    pub protocol: Protocol,
    pub service_name: String,
    pub sampler: String,
    pub sampler_arg: Option<f64>,
    pub max_queue_size: usize,
    pub max_export_batch_size: usize,
    pub export_timeout: Duration,
}

const SAMPLERS: [&str; 6] = [
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
];

impl Settings {
    /// `Ok(None)`: tracing is off. `Err`: a bad setting (the caller warns and stays off).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<Settings>, String> {
        let var = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || var("OTEL_TRACES_EXPORTER").is_some_and(|v| v == "none")
        {
            return Ok(None);
        }
        let specific = var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        let base = var("OTEL_EXPORTER_OTLP_ENDPOINT");
        if specific.is_none() && base.is_none() {
            return Ok(None);
        }
        let protocol = match var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
            .or_else(|| var("OTEL_EXPORTER_OTLP_PROTOCOL"))
            .as_deref()
        {
            None | Some("http/protobuf") | Some("http") => Protocol::HttpProtobuf,
            Some("grpc") => Protocol::Grpc,
            Some(other) => {
                return Err(format!(
                    "unsupported OTLP protocol '{other}' (use grpc or http/protobuf)"
                ))
            }
        };
        // The OTLP spec's rule: `/v1/traces` is added to the base endpoint for HTTP only,
        // never to the traces endpoint, which is used as it is.
        let traces_endpoint = match (specific, base) {
            (Some(s), _) => s,
            (None, Some(b)) if protocol == Protocol::HttpProtobuf => {
                format!("{}/v1/traces", b.trim_end_matches('/'))
            }
            (None, Some(b)) => b,
            (None, None) => unreachable!("checked above"),
        };
        let sampler = var("OTEL_TRACES_SAMPLER").unwrap_or_else(|| "parentbased_always_on".into());
        if !SAMPLERS.contains(&sampler.as_str()) {
            return Err(format!(
                "unsupported OTEL_TRACES_SAMPLER '{sampler}' (one of {})",
                SAMPLERS.join(", ")
            ));
        }
        let sampler_arg = match var("OTEL_TRACES_SAMPLER_ARG") {
            None => None,
            Some(a) => match a.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => Some(r),
                _ => {
                    return Err(format!(
                        "OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, not '{a}'"
                    ))
                }
            },
        };
        let num = |k: &str, default: u64| -> Result<u64, String> {
            match var(k) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .map_err(|_| format!("{k} must be a number, not '{v}'")),
            }
        };
        let max_queue_size = num("OTEL_BSP_MAX_QUEUE_SIZE", 2048)?.max(1) as usize;
        Ok(Some(Settings {
            traces_endpoint,
            protocol,
            service_name: var("OTEL_SERVICE_NAME")
                .unwrap_or_else(|| "polyconnect-connector".into()),
            sampler,
            sampler_arg,
            max_queue_size,
            max_export_batch_size: (num("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512)?.max(1) as usize)
                .min(max_queue_size),
            export_timeout: Duration::from_millis(
                num("OTEL_EXPORTER_OTLP_TIMEOUT", 10_000)?.max(1),
            ),
        }))
    }

    fn sampler(&self) -> Sampler {
        let ratio = self.sampler_arg.unwrap_or(1.0);
        match self.sampler.as_str() {
            "always_on" => Sampler::AlwaysOn,
            "always_off" => Sampler::AlwaysOff,
            "traceidratio" => Sampler::TraceIdRatioBased(ratio),
            "parentbased_always_off" => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
            "parentbased_traceidratio" => {
                Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio)))
            }
            _ => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
        }
    }

    /// The exporter behind a batch processor on the current tokio runtime.
    pub fn provider(&self) -> Result<SdkTracerProvider, String> {
        let exporter = match self.protocol {
            Protocol::Grpc => opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(&self.traces_endpoint)
                .with_timeout(self.export_timeout)
                .build(),
            Protocol::HttpProtobuf => opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_http_client(
                    reqwest::Client::builder()
                        .timeout(self.export_timeout)
                        .build()
                        .map_err(|e| e.to_string())?,
                )
                .with_endpoint(&self.traces_endpoint)
                .with_timeout(self.export_timeout)
                .build(),
        }
        .map_err(|e| e.to_string())?;
        let batch = BatchConfigBuilder::default()
            .with_max_queue_size(self.max_queue_size)
            .with_max_export_batch_size(self.max_export_batch_size)
            .with_scheduled_delay(Duration::from_millis(500))
            .with_max_export_timeout(self.export_timeout)
            .build();
        let processor = BatchSpanProcessor::builder(exporter, opentelemetry_sdk::runtime::Tokio)
            .with_batch_config(batch)
            .build();
        Ok(SdkTracerProvider::builder()
            .with_span_processor(processor)
            .with_sampler(self.sampler())
            .with_resource(
                Resource::builder()
                    .with_service_name(self.service_name.clone())
                    .build(),
            )
            .build())
    }
}

// ------------------------------------------------------------------------ process

/// Starts the exporter when the environment asks for spans. Call it inside the tokio
/// runtime. A bad setting costs the spans, never the connector.
pub(crate) fn init() {
    if PROVIDER.get().is_some() {
        return;
    }
    let settings = match Settings::from_env(|k| std::env::var(k).ok()) {
        Ok(Some(s)) => s,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!("bad OpenTelemetry setting, no connector spans: {e}");
            return;
        }
    };
    match settings.provider() {
        Ok(p) => {
            if PROVIDER.set(p).is_ok() {
                tracing::info!(
                    "OpenTelemetry tracing on ({}, service {}, endpoint {})",
                    settings.protocol.as_str(),
                    settings.service_name,
                    settings.traces_endpoint
                );
            }
        }
        Err(e) => tracing::warn!("cannot start the span exporter, no connector spans: {e}"),
    }
}

/// Exports what is buffered, waiting at most `timeout` (a hung collector must not hold up
/// the end of a stream or the exit).
pub(crate) async fn flush(timeout: Duration) {
    if let Some(p) = PROVIDER.get() {
        let p = p.clone();
        wait("flush", timeout, move || p.force_flush()).await;
    }
}

/// Exports what is buffered and stops the exporter (at the process's end).
pub(crate) async fn shutdown(timeout: Duration) {
    if let Some(p) = PROVIDER.get() {
        let p = p.clone();
        wait("shutdown", timeout, move || {
            p.shutdown_with_timeout(timeout)
        })
        .await;
    }
}

async fn wait(
    what: &str,
    timeout: Duration,
    f: impl FnOnce() -> opentelemetry_sdk::error::OTelSdkResult + Send + 'static,
) {
    // The processor's flush blocks on its task on this runtime: wait off the runtime.
    match tokio::time::timeout(timeout, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => tracing::debug!("span exporter {what}: {e}"),
        Ok(Err(_)) => tracing::debug!("span exporter {what} panicked"),
        Err(_) => {
            tracing::warn!("the span exporter did not {what} within {timeout:?}; spans may be lost")
        }
    }
}

/// The tracer of one task's session; `None` when tracing is off.
pub(crate) fn task(connector: &str, task: u32) -> Option<TaskTracer> {
    PROVIDER
        .get()
        .map(|p| TaskTracer::new(p.tracer("polyconnect"), connector, task))
}

// ------------------------------------------------------------------------ W3C context

/// A `traceparent` (version 00) and `tracestate` as a remote span context; `None` when
/// absent or malformed (ignored, as the W3C spec asks).
fn parse(t: &pb::TraceContext) -> Option<SpanContext> {
    parse_parts(&t.traceparent, &t.tracestate)
}

fn parse_parts(traceparent: &str, tracestate: &str) -> Option<SpanContext> {
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

fn format(sc: &SpanContext) -> pb::TraceContext {
    pb::TraceContext {
        traceparent: format!(
            "00-{:032x}-{:016x}-{:02x}",
            sc.trace_id(),
            sc.span_id(),
            sc.trace_flags().to_u8()
        ),
        tracestate: sc.trace_state().header(),
    }
}

fn under(sc: &SpanContext) -> Context {
    Context::new().with_remote_span_context(sc.clone())
}

// ------------------------------------------------------------------------ spans

/// Makes one task's spans.
#[derive(Clone)]
pub(crate) struct TaskTracer {
    tracer: SdkTracer,
    connector: StringValue,
    task: i64,
}

/// Spans that end together, with the outcome of the call they cover.
pub(crate) struct Spans(Vec<Span>);

impl Spans {
    pub fn end(self, error: Option<&Error>) {
        for mut s in self.0.into_iter().rev() {
            if let Some(e) = error {
                s.add_event(
                    "exception",
                    vec![
                        KeyValue::new("exception.type", e.to_proto().error_class),
                        KeyValue::new("exception.message", e.message().to_string()),
                    ],
                );
                s.set_status(Status::error(e.to_string()));
            }
            s.end();
        }
    }
}

impl TaskTracer {
    pub fn new(tracer: SdkTracer, connector: &str, task: u32) -> TaskTracer {
        TaskTracer {
            tracer,
            connector: StringValue::from(std::sync::Arc::<str>::from(connector)),
            task: task.into(),
        }
    }

    fn attributes(&self, n: usize) -> Vec<KeyValue> {
        let mut a = Vec::with_capacity(n + 2);
        a.push(KeyValue::new(
            "polyconnect.connector",
            self.connector.clone(),
        ));
        a.push(KeyValue::new("polyconnect.task", self.task));
        a
    }

    /// The spans of a poll that returned `records` (already encoded), started at
    /// `started`: a root `poll` span, and a `create <topic>` span per record when sampled,
    /// whose context replaces the record's on the wire. Returns the batch's context.
    pub fn poll(&self, started: SystemTime, records: &mut [pb::SourceRecord]) -> pb::TraceContext {
        let mut attrs = self.attributes(2);
        attrs.push(KeyValue::new("messaging.operation.name", "poll"));
        attrs.push(KeyValue::new(
            "messaging.batch.message_count",
            records.len() as i64,
        ));
        let mut poll = self
            .tracer
            .span_builder("poll")
            .with_kind(SpanKind::Internal)
            .with_start_time(started)
            .with_attributes(attrs)
            .start_with_context(&self.tracer, &Context::new());
        let poll_cx = poll.span_context().clone();
        for r in records.iter_mut() {
            let own = r.trace.as_ref().and_then(parse);
            // An unsampled poll makes no per-record spans; records with their own
            // (unsampled) context keep it unchanged.
            let parent = match &own {
                Some(o) if o.is_sampled() => o,
                None if poll_cx.is_sampled() => &poll_cx,
                _ => continue,
            };
            let mut attrs = self.attributes(5);
            attrs.push(KeyValue::new("messaging.system", "kafka"));
            attrs.push(KeyValue::new("messaging.operation.name", "create"));
            attrs.push(KeyValue::new("messaging.operation.type", "create"));
            attrs.push(KeyValue::new("messaging.destination.name", r.topic.clone()));
            let mut b = self
                .tracer
                .span_builder(format!("create {}", r.topic))
                .with_kind(SpanKind::Producer)
                .with_attributes(attrs);
            if own.is_some() {
                b = b.with_links(vec![Link::with_context(poll_cx.clone())]);
            }
            let mut span = b.start_with_context(&self.tracer, &under(parent));
            if span.span_context().is_sampled() {
                r.trace = Some(format(span.span_context()));
            }
            span.end();
        }
        poll.end();
        format(&poll_cx)
    }

    /// The spans of a Put: `put` under the core's put span, `process <topic>` per record
    /// with a sampled context. End them when the connector's put returns.
    pub fn put(&self, trace: Option<&pb::TraceContext>, records: &[SinkRecord]) -> Spans {
        let parent = trace.and_then(parse);
        let mut attrs = self.attributes(3);
        attrs.push(KeyValue::new("messaging.system", "kafka"));
        attrs.push(KeyValue::new("messaging.operation.name", "put"));
        attrs.push(KeyValue::new(
            "messaging.batch.message_count",
            records.len() as i64,
        ));
        let cx = parent.as_ref().map(under).unwrap_or_default();
        let put = self
            .tracer
            .span_builder("put")
            .with_kind(SpanKind::Internal)
            .with_attributes(attrs)
            .start_with_context(&self.tracer, &cx);
        let mut spans = vec![put];
        for r in records {
            let Some(sc) = r
                .trace
                .as_ref()
                .and_then(|t| parse_parts(&t.traceparent, &t.tracestate))
                .filter(SpanContext::is_sampled)
            else {
                continue;
            };
            let mut attrs = self.attributes(6);
            attrs.push(KeyValue::new("messaging.system", "kafka"));
            attrs.push(KeyValue::new("messaging.operation.name", "process"));
            attrs.push(KeyValue::new("messaging.operation.type", "process"));
            attrs.push(KeyValue::new("messaging.destination.name", r.topic.clone()));
            attrs.push(KeyValue::new(
                "messaging.destination.partition.id",
                r.kafka_partition.to_string(),
            ));
            attrs.push(KeyValue::new("messaging.kafka.offset", r.kafka_offset));
            let span = self
                .tracer
                .span_builder(format!("process {}", r.topic))
                .with_kind(SpanKind::Consumer)
                .with_attributes(attrs)
                .start_with_context(&self.tracer, &under(&sc));
            spans.push(span);
        }
        Spans(spans)
    }

    /// A `flush` span under the core's flush span, only when the Flush carries a sampled
    /// context (the core sends one when a sampled Put is among those it covers).
    pub fn flush(&self, trace: Option<&pb::TraceContext>, partitions: usize) -> Option<Spans> {
        let parent = trace.and_then(parse).filter(SpanContext::is_sampled)?;
        let mut attrs = self.attributes(3);
        attrs.push(KeyValue::new("messaging.operation.name", "flush"));
        attrs.push(KeyValue::new("messaging.operation.type", "settle"));
        attrs.push(KeyValue::new(
            "polyconnect.partition.count",
            partitions as i64,
        ));
        let span = self
            .tracer
            .span_builder("flush")
            .with_kind(SpanKind::Internal)
            .with_attributes(attrs)
            .start_with_context(&self.tracer, &under(&parent));
        Some(Spans(vec![span]))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use opentelemetry::Value;
    use opentelemetry_sdk::error::OTelSdkResult;
    use opentelemetry_sdk::trace::{SpanData, SpanExporter};

    use super::*;
    use crate::record::TraceContext;

    const OWN: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const OWN_UNSAMPLED: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    const CORE: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    #[derive(Debug, Clone, Default)]
    struct Collect(Arc<Mutex<Vec<SpanData>>>);

    impl SpanExporter for Collect {
        async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
            self.0.lock().unwrap().extend(batch);
            Ok(())
        }
    }

    /// A tracer whose ended, sampled spans land in the returned list at once.
    fn tracer(sampler: Sampler) -> (TaskTracer, Collect) {
        let spans = Collect::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(spans.clone())
            .with_sampler(sampler)
            .build();
        (TaskTracer::new(provider.tracer("test"), "src", 3), spans)
    }

    fn attr<'a>(s: &'a SpanData, key: &str) -> Option<&'a Value> {
        s.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    }

    fn string(s: &SpanData, key: &str) -> String {
        match attr(s, key) {
            Some(Value::String(v)) => v.as_str().to_string(),
            other => panic!("{key} is not a string: {other:?} in {s:?}"),
        }
    }

    fn int(s: &SpanData, key: &str) -> i64 {
        match attr(s, key) {
            Some(Value::I64(v)) => *v,
            other => panic!("{key} is not an int: {other:?} in {s:?}"),
        }
    }

    fn record(topic: &str, trace: Option<&str>) -> pb::SourceRecord {
        pb::SourceRecord {
            topic: topic.into(),
            trace: trace.map(|t| pb::TraceContext {
                traceparent: t.into(),
                tracestate: "congo=t61".into(),
            }),
            ..Default::default()
        }
    }

    fn wire(sc: &SpanContext) -> String {
        format(sc).traceparent
    }

    #[test]
    fn a_sampled_poll_is_a_root_with_a_create_span_per_record() {
        let (t, spans) = tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
        let started = SystemTime::now() - Duration::from_secs(2);
        let mut records = vec![record("a", None), record("b", None)];
        let batch = t.poll(started, &mut records);
        let spans = spans.0.lock().unwrap();
        assert_eq!(spans.len(), 3);
        let poll = spans.iter().find(|s| s.name == "poll").unwrap();
        assert_eq!(
            poll.parent_span_id,
            SpanId::INVALID,
            "the poll span is a root"
        );
        assert_eq!(poll.span_kind, SpanKind::Internal);
        assert_eq!(poll.start_time, started);
        assert_eq!(string(poll, "polyconnect.connector"), "src");
        assert_eq!(int(poll, "polyconnect.task"), 3);
        assert_eq!(string(poll, "messaging.operation.name"), "poll");
        assert_eq!(int(poll, "messaging.batch.message_count"), 2);
        assert_eq!(batch.traceparent, wire(&poll.span_context));
        assert!(batch.traceparent.ends_with("-01"));
        for (r, topic) in records.iter().zip(["a", "b"]) {
            let create = spans
                .iter()
                .find(|s| s.name == format!("create {topic}"))
                .unwrap();
            assert_eq!(create.span_kind, SpanKind::Producer);
            assert_eq!(create.span_context.trace_id(), poll.span_context.trace_id());
            assert_eq!(create.parent_span_id, poll.span_context.span_id());
            assert!(create.links.links.is_empty());
            assert_eq!(string(create, "messaging.system"), "kafka");
            assert_eq!(string(create, "messaging.operation.name"), "create");
            assert_eq!(string(create, "messaging.operation.type"), "create");
            assert_eq!(string(create, "messaging.destination.name"), topic);
            assert_eq!(string(create, "polyconnect.connector"), "src");
            assert_eq!(int(create, "polyconnect.task"), 3);
            assert_eq!(
                r.trace.as_ref().unwrap().traceparent,
                wire(&create.span_context),
                "the create span's context goes on the wire"
            );
        }
    }

    #[test]
    fn a_record_with_its_own_context_is_its_child_linked_to_the_poll() {
        let (t, spans) = tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
        let mut records = vec![record("a", Some(OWN))];
        t.poll(SystemTime::now(), &mut records);
        let spans = spans.0.lock().unwrap();
        let poll = spans.iter().find(|s| s.name == "poll").unwrap();
        let create = spans.iter().find(|s| s.name == "create a").unwrap();
        assert_eq!(
            format!("{:032x}", create.span_context.trace_id()),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert_eq!(
            format!("{:016x}", create.parent_span_id),
            "00f067aa0ba902b7"
        );
        assert_eq!(create.links.links.len(), 1);
        assert_eq!(create.links.links[0].span_context, poll.span_context);
        let sent = records[0].trace.as_ref().unwrap();
        assert_eq!(sent.traceparent, wire(&create.span_context));
        assert_eq!(
            sent.tracestate, "congo=t61",
            "the source system's tracestate travels on"
        );
    }

    #[test]
    fn an_unsampled_poll_makes_no_record_spans_and_says_so() {
        let (t, spans) = tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOff)));
        let mut records = vec![
            record("a", None),
            record("b", Some(OWN_UNSAMPLED)),
            record("c", Some(OWN)),
        ];
        let batch = t.poll(SystemTime::now(), &mut records);
        assert!(
            batch.traceparent.ends_with("-00"),
            "the core learns the poll is not sampled: {batch:?}"
        );
        assert_eq!(records[0].trace, None);
        assert_eq!(
            records[1].trace.as_ref().unwrap().traceparent,
            OWN_UNSAMPLED,
            "unchanged"
        );
        // A record whose own context is sampled is traced under it (parent-based).
        let spans = spans.0.lock().unwrap();
        let names: Vec<_> = spans.iter().map(|s| s.name.to_string()).collect();
        assert_eq!(names, ["create c"]);
        assert_eq!(
            format!("{:016x}", spans[0].parent_span_id),
            "00f067aa0ba902b7"
        );
        assert_eq!(
            records[2].trace.as_ref().unwrap().traceparent,
            wire(&spans[0].span_context)
        );
    }

    #[test]
    fn ratio_sampling_decides_at_the_poll() {
        let (t, spans) = tracer(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            0.0,
        ))));
        let mut records = vec![record("a", None)];
        let batch = t.poll(SystemTime::now(), &mut records);
        assert!(batch.traceparent.ends_with("-00"));
        assert_eq!(records[0].trace, None);
        assert!(spans.0.lock().unwrap().is_empty());
    }

    fn sink_record(offset: i64, trace: Option<&str>) -> SinkRecord {
        SinkRecord {
            topic: "t".into(),
            kafka_partition: 0,
            kafka_offset: offset,
            key: None,
            value: None,
            timestamp: None,
            headers: vec![],
            original_topic: "t".into(),
            original_kafka_partition: 0,
            trace: trace.map(|t| TraceContext {
                traceparent: t.into(),
                tracestate: String::new(),
            }),
        }
    }

    fn core_context() -> pb::TraceContext {
        pb::TraceContext {
            traceparent: CORE.into(),
            tracestate: String::new(),
        }
    }

    #[test]
    fn a_put_span_under_the_core_and_a_process_span_per_sampled_record() {
        let (t, spans) = tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
        let records = vec![
            sink_record(5, Some(OWN)),
            sink_record(6, Some(OWN_UNSAMPLED)),
            sink_record(7, None),
        ];
        t.put(Some(&core_context()), &records).end(None);
        let spans = spans.0.lock().unwrap();
        assert_eq!(spans.len(), 2, "{spans:?}");
        let put = spans.iter().find(|s| s.name == "put").unwrap();
        assert_eq!(put.span_kind, SpanKind::Internal);
        assert_eq!(
            format!("{:032x}", put.span_context.trace_id()),
            "0af7651916cd43dd8448eb211c80319c"
        );
        assert_eq!(format!("{:016x}", put.parent_span_id), "b7ad6b7169203331");
        assert_eq!(string(put, "messaging.system"), "kafka");
        assert_eq!(string(put, "messaging.operation.name"), "put");
        assert_eq!(int(put, "messaging.batch.message_count"), 3);
        assert_eq!(string(put, "polyconnect.connector"), "src");
        let process = spans.iter().find(|s| s.name == "process t").unwrap();
        assert_eq!(process.span_kind, SpanKind::Consumer);
        assert_eq!(
            format!("{:016x}", process.parent_span_id),
            "00f067aa0ba902b7"
        );
        assert_eq!(string(process, "messaging.system"), "kafka");
        assert_eq!(string(process, "messaging.operation.name"), "process");
        assert_eq!(string(process, "messaging.operation.type"), "process");
        assert_eq!(string(process, "messaging.destination.name"), "t");
        assert_eq!(string(process, "messaging.destination.partition.id"), "0");
        assert_eq!(int(process, "messaging.kafka.offset"), 5);
        assert_eq!(int(process, "polyconnect.task"), 3);
        assert_eq!(put.status, Status::Unset);
    }

    #[test]
    fn a_failed_put_marks_all_its_spans() {
        let (t, spans) = tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
        t.put(None, &[sink_record(1, Some(OWN))])
            .end(Some(&Error::retriable("the disk is full")));
        let spans = spans.0.lock().unwrap();
        assert_eq!(spans.len(), 2);
        let put = spans.iter().find(|s| s.name == "put").unwrap();
        assert_eq!(put.parent_span_id, SpanId::INVALID, "no Put.trace: a root");
        for s in spans.iter() {
            assert!(
                matches!(&s.status, Status::Error { description } if description.contains("the disk is full")),
                "{s:?}"
            );
            let e = s
                .events
                .events
                .iter()
                .find(|e| e.name == "exception")
                .expect("an exception event");
            assert!(e
                .attributes
                .iter()
                .any(|kv| kv.key.as_str() == "exception.message"
                    && kv.value.as_str() == "the disk is full"));
        }
    }

    #[test]
    fn a_flush_span_only_under_a_sampled_core_flush() {
        let (t, spans) = tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
        assert!(t.flush(None, 1).is_none());
        let unsampled = pb::TraceContext {
            traceparent: CORE.replace("-01", "-00"),
            tracestate: String::new(),
        };
        assert!(t.flush(Some(&unsampled), 1).is_none());
        t.flush(Some(&core_context()), 2).unwrap().end(None);
        let spans = spans.0.lock().unwrap();
        assert_eq!(spans.len(), 1);
        let flush = &spans[0];
        assert_eq!(flush.name, "flush");
        assert_eq!(flush.span_kind, SpanKind::Internal);
        assert_eq!(format!("{:016x}", flush.parent_span_id), "b7ad6b7169203331");
        assert_eq!(string(flush, "messaging.operation.name"), "flush");
        assert_eq!(string(flush, "messaging.operation.type"), "settle");
        assert_eq!(int(flush, "polyconnect.partition.count"), 2);
        assert_eq!(string(flush, "polyconnect.connector"), "src");
        assert_eq!(int(flush, "polyconnect.task"), 3);
    }

    #[test]
    fn malformed_contexts_are_ignored() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert!(parse_parts(bad, "").is_none(), "{bad}");
        }
        let sc = parse_parts(OWN, "congo=t61").unwrap();
        assert_eq!(
            format(&sc),
            pb::TraceContext {
                traceparent: OWN.into(),
                tracestate: "congo=t61".into()
            }
        );
    }

    fn settings(kv: &[(&str, &str)]) -> Result<Option<Settings>, String> {
        let env: HashMap<String, String> = kv
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_env(|k| env.get(k).cloned())
    }

    #[test]
    fn settings_follow_the_otel_variables() {
        assert_eq!(settings(&[]).unwrap(), None);
        assert_eq!(
            settings(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
                ("OTEL_SDK_DISABLED", "true")
            ])
            .unwrap(),
            None
        );
        assert_eq!(
            settings(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
                ("OTEL_TRACES_EXPORTER", "none")
            ])
            .unwrap(),
            None
        );
        let s = settings(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/")])
            .unwrap()
            .unwrap();
        assert_eq!(s.protocol, Protocol::HttpProtobuf);
        assert_eq!(s.traces_endpoint, "http://c:4318/v1/traces");
        assert_eq!(s.service_name, "polyconnect-connector");
        assert_eq!(s.sampler, "parentbased_always_on");
        assert_eq!((s.max_queue_size, s.max_export_batch_size), (2048, 512));
        let s = settings(&[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:9/traces")])
            .unwrap()
            .unwrap();
        assert_eq!(
            s.traces_endpoint, "http://c:9/traces",
            "the traces endpoint is used as it is"
        );
        let s = settings(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_SERVICE_NAME", "polyconnect-connector-x"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.01"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "100"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(s.protocol, Protocol::Grpc);
        assert_eq!(s.traces_endpoint, "http://c:4317");
        assert_eq!(s.service_name, "polyconnect-connector-x");
        assert_eq!(s.sampler_arg, Some(0.01));
        assert_eq!((s.max_queue_size, s.max_export_batch_size), (100, 100));
        assert_eq!(s.export_timeout, Duration::from_millis(2500));
        let base = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318");
        assert!(settings(&[base, ("OTEL_EXPORTER_OTLP_PROTOCOL", "udp")]).is_err());
        assert!(settings(&[base, ("OTEL_TRACES_SAMPLER", "sometimes")]).is_err());
        assert!(settings(&[base, ("OTEL_TRACES_SAMPLER_ARG", "2")]).is_err());
        assert!(settings(&[base, ("OTEL_BSP_MAX_QUEUE_SIZE", "lots")]).is_err());
    }

    // ---------------------------------------------------------------- real export

    use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
        TraceService, TraceServiceServer,
    };
    use opentelemetry_proto::tonic::collector::trace::v1::{
        ExportTraceServiceRequest, ExportTraceServiceResponse,
    };

    /// (service.name, span name) of every span received.
    #[derive(Clone, Default)]
    struct Received(Arc<Mutex<Vec<(String, String)>>>);

    impl Received {
        fn keep(&self, req: ExportTraceServiceRequest) {
            use opentelemetry_proto::tonic::common::v1::any_value::Value as V;
            for rs in req.resource_spans {
                let service = rs
                    .resource
                    .iter()
                    .flat_map(|r| &r.attributes)
                    .find(|kv| kv.key == "service.name")
                    .and_then(
                        |kv| match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                            Some(V::StringValue(s)) => Some(s.clone()),
                            _ => None,
                        },
                    )
                    .unwrap_or_default();
                for s in rs.scope_spans.into_iter().flat_map(|s| s.spans) {
                    self.0.lock().unwrap().push((service.clone(), s.name));
                }
            }
        }
    }

    #[tonic::async_trait]
    impl TraceService for Received {
        async fn export(
            &self,
            r: tonic::Request<ExportTraceServiceRequest>,
        ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
            self.keep(r.into_inner());
            Ok(tonic::Response::new(ExportTraceServiceResponse {
                partial_success: None,
            }))
        }
    }

    /// An OTLP receiver on a free port of 127.0.0.1; returns its base endpoint.
    async fn receiver(protocol: Protocol, got: Received) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        match protocol {
            Protocol::Grpc => {
                let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
                tokio::spawn(
                    tonic::transport::Server::builder()
                        .add_service(TraceServiceServer::new(got))
                        .serve_with_incoming(incoming),
                );
            }
            Protocol::HttpProtobuf => {
                let app = axum::Router::new().route(
                    "/v1/traces",
                    axum::routing::post(move |body: axum::body::Bytes| async move {
                        let req =
                            <ExportTraceServiceRequest as prost::Message>::decode(body).unwrap();
                        got.keep(req);
                        let ok = prost::Message::encode_to_vec(&ExportTraceServiceResponse {
                            partial_success: None,
                        });
                        (
                            [(axum::http::header::CONTENT_TYPE, "application/x-protobuf")],
                            ok,
                        )
                    }),
                );
                tokio::spawn(async move { axum::serve(listener, app).await });
            }
        }
        format!("http://{addr}")
    }

    async fn spans_arrive_over(protocol: Protocol) {
        let got = Received::default();
        let endpoint = receiver(protocol, got.clone()).await;
        let s = settings(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.as_str()),
            ("OTEL_SERVICE_NAME", "polyconnect-connector-test"),
        ])
        .unwrap()
        .unwrap();
        let provider = s.provider().unwrap();
        let t = TaskTracer::new(provider.tracer("polyconnect"), "src", 0);
        t.poll(SystemTime::now(), &mut [record("a", None)]);
        let p = provider.clone();
        wait("flush", Duration::from_secs(10), move || p.force_flush()).await;
        let got = got.0.lock().unwrap().clone();
        assert!(
            got.contains(&("polyconnect-connector-test".into(), "poll".into())),
            "{got:?}"
        );
        assert!(
            got.contains(&("polyconnect-connector-test".into(), "create a".into())),
            "{got:?}"
        );
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spans_arrive_over_grpc() {
        spans_arrive_over(Protocol::Grpc).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spans_arrive_over_http_protobuf() {
        spans_arrive_over(Protocol::HttpProtobuf).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_collector_that_is_down_costs_only_the_spans() {
        // Nothing listens there: the export fails, the record path does not wait for it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoint = format!("http://127.0.0.1:{port}");
        let s = settings(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "500"),
        ])
        .unwrap()
        .unwrap();
        let provider = s.provider().unwrap();
        let t = TaskTracer::new(provider.tracer("polyconnect"), "src", 0);
        for _ in 0..10_000 {
            let mut records = [record("a", None)];
            t.poll(SystemTime::now(), &mut records);
            assert!(records[0].trace.is_some());
        }
        let p = provider.clone();
        wait("flush", Duration::from_secs(5), move || p.force_flush()).await;
        // Off the runtime: a provider's shutdown (also on drop) blocks on its processor task.
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }
}
