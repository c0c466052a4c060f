//! Telemetry: logs, OpenTelemetry traces and Prometheus metrics.
//!
//! - `config.rs`: tracing settings from `OTEL_*` and the worker's `polyconnect.tracing.*`.
//! - `trace.rs`: the tracer, W3C trace context in protocol messages and Kafka headers.
//! - `task.rs`: what the source and sink runners call, a few calls per batch.
//! - `metrics.rs`: Kafka Connect's metrics in atomics, rendered for `GET /metrics`.
//!
//! `init` builds the one `tracing` subscriber: a reloadable level filter (`/admin/loggers`),
//! the log formatter, and, when tracing is on, the OpenTelemetry layer whose spans go to the
//! OTLP exporter through a batch processor on the tokio runtime. The processor's queue is
//! bounded and spans beyond it are dropped: a slow or absent collector never holds up
//! records. `docs/telemetry.md` describes it for users.

pub mod config;
pub mod metrics;
pub mod task;
pub mod trace;

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::trace::{BatchConfigBuilder, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, EnvFilter, Layer};

pub use config::TracingSettings;
pub use task::{SinkTelemetry, SourceTelemetry};

static SETTINGS: OnceLock<Option<TracingSettings>> = OnceLock::new();

/// The running exporter; `shutdown` exports what is still buffered (bounded in time).
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

/// Installs the global subscriber. Call it inside the tokio runtime (the span exporter
/// runs on it). Returns the function `/admin/loggers` uses to change levels.
pub fn init(
    log_spec: &str,
    settings: Option<TracingSettings>,
) -> anyhow::Result<(Telemetry, crate::rest::loggers::Apply)> {
    let (filter, reload_handle) = reload::Layer::new(EnvFilter::new(log_spec));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let provider = match &settings {
        Some(s) => Some(provider(s)?),
        None => None,
    };
    // Only the core's own telemetry spans are exported through the bridge; task and
    // connector spans are log context, and libraries' spans stay out of traces.
    let otel = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("polyconnect"))
            .with_filter(filter_fn(|m| m.target() == "polyconnect::telemetry"))
    });
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .try_init()?;
    if let Some(p) = &provider {
        trace::install(p.tracer("polyconnect"));
    }
    if let Some(s) = &settings {
        tracing::info!(endpoint = %s.traces_endpoint, protocol = s.protocol.as_str(), sampler = %s.sampler, ratio = ?s.sampler_arg, "OpenTelemetry tracing on");
    }
    let _ = SETTINGS.set(settings);
    let apply: crate::rest::loggers::Apply = Box::new(move |directives: &str| {
        let f = EnvFilter::try_new(directives).map_err(|e| e.to_string())?;
        reload_handle.reload(f).map_err(|e| e.to_string())
    });
    Ok((Telemetry { provider }, apply))
}

fn provider(s: &TracingSettings) -> anyhow::Result<SdkTracerProvider> {
    let exporter = match s.protocol {
        config::Protocol::Grpc => opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(&s.traces_endpoint)
            .with_timeout(s.export_timeout)
            .build()?,
        config::Protocol::HttpProtobuf => opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(
                reqwest::Client::builder()
                    .timeout(s.export_timeout)
                    .build()?,
            )
            .with_endpoint(&s.traces_endpoint)
            .with_timeout(s.export_timeout)
            .build()?,
    };
    let batch = BatchConfigBuilder::default()
        .with_max_queue_size(s.max_queue_size)
        .with_max_export_batch_size(512.min(s.max_queue_size))
        .with_scheduled_delay(Duration::from_millis(500))
        .with_max_export_timeout(s.export_timeout)
        .build();
    let processor = BatchSpanProcessor::builder(exporter, opentelemetry_sdk::runtime::Tokio)
        .with_batch_config(batch)
        .build();
    Ok(SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_sampler(s.sampler())
        .with_resource(
            Resource::builder()
                .with_service_name(s.service_name.clone())
                .build(),
        )
        .build())
}

/// The tracing settings in force (`None`: off or not initialised).
pub fn settings() -> Option<&'static TracingSettings> {
    SETTINGS.get().and_then(Option::as_ref)
}

/// The `OTEL_*` environment of a connector process the core launches, so that one
/// endpoint setting traces everything; tracing off in the core turns it off there too.
pub fn connector_env(plugin: &str) -> Vec<(String, String)> {
    match SETTINGS.get() {
        Some(Some(s)) => s.connector_env(plugin),
        Some(None) => vec![("OTEL_SDK_DISABLED".into(), "true".into())],
        None => Vec::new(),
    }
}

impl Telemetry {
    /// Exports buffered spans, waiting at most `timeout` (a hung collector does not hold
    /// up the exit).
    pub async fn shutdown(self, timeout: Duration) {
        let Some(p) = self.provider else { return };
        let done = tokio::task::spawn_blocking(move || p.shutdown_with_timeout(timeout));
        match tokio::time::timeout(timeout + Duration::from_millis(500), done).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::warn!(error = %e, "spans not exported at shutdown"),
            _ => tracing::warn!("the span exporter did not finish within {:?}", timeout),
        }
    }
}
