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

use opentelemetry::trace::{Link, Span as _, SpanContext, SpanId, SpanKind, Status, TraceContextExt, TraceFlags, TraceId, TraceState, Tracer, TracerProvider as _};
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
        let var = |k: &str| var(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
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
        let protocol = match var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").or_else(|| var("OTEL_EXPORTER_OTLP_PROTOCOL")).as_deref() {
            None | Some("http/protobuf") | Some("http") => Protocol::HttpProtobuf,
            Some("grpc") => Protocol::Grpc,
            Some(other) => return Err(format!("unsupported OTLP protocol '{other}' (use grpc or http/protobuf)")),
        };
        // The OTLP spec's rule: `/v1/traces` is added to the base endpoint for HTTP only,
        // never to the traces endpoint, which is used as it is.
        let traces_endpoint = match (specific, base) {
            (Some(s), _) => s,
            (None, Some(b)) if protocol == Protocol::HttpProtobuf => format!("{}/v1/traces", b.trim_end_matches('/')),
            (None, Some(b)) => b,
            (None, None) => unreachable!("checked above"),
        };
        let sampler = var("OTEL_TRACES_SAMPLER").unwrap_or_else(|| "parentbased_always_on".into());
        if !SAMPLERS.contains(&sampler.as_str()) {
            return Err(format!("unsupported OTEL_TRACES_SAMPLER '{sampler}' (one of {})", SAMPLERS.join(", ")));
        }
        let sampler_arg = match var("OTEL_TRACES_SAMPLER_ARG") {
            None => None,
            Some(a) => match a.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => Some(r),
                _ => return Err(format!("OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, not '{a}'")),
            },
        };
        let num = |k: &str, default: u64| -> Result<u64, String> {
            match var(k) {
                None => Ok(default),
                Some(v) => v.parse::<u64>().map_err(|_| format!("{k} must be a number, not '{v}'")),
            }
        };
        let max_queue_size = num("OTEL_BSP_MAX_QUEUE_SIZE", 2048)?.max(1) as usize;
        Ok(Some(Settings {
            traces_endpoint,
            protocol,
            service_name: var("OTEL_SERVICE_NAME").unwrap_or_else(|| "polyconnect-connector".into()),
            sampler,
            sampler_arg,
            max_queue_size,
            max_export_batch_size: (num("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512)?.max(1) as usize).min(max_queue_size),
            export_timeout: Duration::from_millis(num("OTEL_EXPORTER_OTLP_TIMEOUT", 10_000)?.max(1)),
        }))
    }

    fn sampler(&self) -> Sampler {
        let ratio = self.sampler_arg.unwrap_or(1.0);
        match self.sampler.as_str() {
            "always_on" => Sampler::AlwaysOn,
            "always_off" => Sampler::AlwaysOff,
            "traceidratio" => Sampler::TraceIdRatioBased(ratio),
            "parentbased_always_off" => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
            "parentbased_traceidratio" => Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio))),
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
                .with_http_client(reqwest::Client::builder().timeout(self.export_timeout).build().map_err(|e| e.to_string())?)
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
        let processor = BatchSpanProcessor::builder(exporter, opentelemetry_sdk::runtime::Tokio).with_batch_config(batch).build();
        Ok(SdkTracerProvider::builder()
            .with_span_processor(processor)
            .with_sampler(self.sampler())
            .with_resource(Resource::builder().with_service_name(self.service_name.clone()).build())
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
        wait("shutdown", timeout, move || p.shutdown_with_timeout(timeout)).await;
    }
}

async fn wait(what: &str, timeout: Duration, f: impl FnOnce() -> opentelemetry_sdk::error::OTelSdkResult + Send + 'static) {
    // The processor's flush blocks on its task on this runtime: wait off the runtime.
    match tokio::time::timeout(timeout, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => tracing::debug!("span exporter {what}: {e}"),
        Ok(Err(_)) => tracing::debug!("span exporter {what} panicked"),
        Err(_) => tracing::warn!("the span exporter did not {what} within {timeout:?}; spans may be lost"),
    }
}

/// The tracer of one task's session; `None` when tracing is off.
pub(crate) fn task(connector: &str, task: u32) -> Option<TaskTracer> {
    PROVIDER.get().map(|p| TaskTracer::new(p.tracer("polyconnect"), connector, task))
}

// ------------------------------------------------------------------------ W3C context

/// A `traceparent` (version 00) and `tracestate` as a remote span context; `None` when
/// absent or malformed (ignored, as the W3C spec asks).
fn parse(t: &pb::TraceContext) -> Option<SpanContext> {
    parse_parts(&t.traceparent, &t.tracestate)
}

fn parse_parts(traceparent: &str, tracestate: &str) -> Option<SpanContext> {
    let mut parts = traceparent.trim().split('-');
    let (version, trace_id, span_id, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if version.len() != 2 || version == "ff" || trace_id.len() != 32 || span_id.len() != 16 || flags.len() != 2 {
        return None;
    }
    if version == "00" && parts.next().is_some() {
        return None;
    }
    let trace_id = TraceId::from_hex(trace_id).ok()?;
    let span_id = SpanId::from_hex(span_id).ok()?;
    let flags = u8::from_str_radix(flags, 16).ok()?;
    let state = if tracestate.is_empty() { TraceState::default() } else { tracestate.parse().unwrap_or_default() };
    let sc = SpanContext::new(trace_id, span_id, TraceFlags::new(flags & 1), true, state);
    sc.is_valid().then_some(sc)
}

fn format(sc: &SpanContext) -> pb::TraceContext {
    pb::TraceContext {
        traceparent: format!("00-{:032x}-{:016x}-{:02x}", sc.trace_id(), sc.span_id(), sc.trace_flags().to_u8()),
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
        TaskTracer { tracer, connector: StringValue::from(std::sync::Arc::<str>::from(connector)), task: task.into() }
    }

    fn attributes(&self, n: usize) -> Vec<KeyValue> {
        let mut a = Vec::with_capacity(n + 2);
        a.push(KeyValue::new("polyconnect.connector", self.connector.clone()));
        a.push(KeyValue::new("polyconnect.task", self.task));
        a
    }

    /// The spans of a poll that returned `records` (already encoded), started at
    /// `started`: a root `poll` span, and a `create <topic>` span per record when sampled,
    /// whose context replaces the record's on the wire. Returns the batch's context.
    pub fn poll(&self, started: SystemTime, records: &mut [pb::SourceRecord]) -> pb::TraceContext {
        let mut attrs = self.attributes(2);
        attrs.push(KeyValue::new("messaging.operation.name", "poll"));
        attrs.push(KeyValue::new("messaging.batch.message_count", records.len() as i64));
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
            let mut b = self.tracer.span_builder(format!("create {}", r.topic)).with_kind(SpanKind::Producer).with_attributes(attrs);
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
        attrs.push(KeyValue::new("messaging.batch.message_count", records.len() as i64));
        let cx = parent.as_ref().map(under).unwrap_or_else(Context::new);
        let put = self.tracer.span_builder("put").with_kind(SpanKind::Internal).with_attributes(attrs).start_with_context(&self.tracer, &cx);
        let mut spans = vec![put];
        for r in records {
            let Some(sc) = r.trace.as_ref().and_then(|t| parse_parts(&t.traceparent, &t.tracestate)).filter(SpanContext::is_sampled) else {
                continue;
            };
            let mut attrs = self.attributes(6);
            attrs.push(KeyValue::new("messaging.system", "kafka"));
            attrs.push(KeyValue::new("messaging.operation.name", "process"));
            attrs.push(KeyValue::new("messaging.operation.type", "process"));
            attrs.push(KeyValue::new("messaging.destination.name", r.topic.clone()));
            attrs.push(KeyValue::new("messaging.destination.partition.id", r.kafka_partition.to_string()));
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
        attrs.push(KeyValue::new("polyconnect.partition.count", partitions as i64));
        let span = self.tracer.span_builder("flush").with_kind(SpanKind::Internal).with_attributes(attrs).start_with_context(&self.tracer, &under(&parent));
        Some(Spans(vec![span]))
    }
}
