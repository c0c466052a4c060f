//! The sink's flush and commit spans: each offset commit is a child of the flush span of
//! the Flush it answers, also when another Flush was asked for before the answer came (a
//! rebalance settles at once, whatever flush is pending). Its own process: it installs the
//! core's tracer and a `tracing` subscriber with the OpenTelemetry layer.

use std::sync::{Arc, Mutex};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry::Value;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SimpleSpanProcessor, SpanData, SpanExporter};
use polyconnect::telemetry::{trace, SinkTelemetry};
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Debug, Default)]
struct Collect(Arc<Mutex<Vec<SpanData>>>);

impl SpanExporter for Collect {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.0.lock().unwrap().extend(batch);
        Ok(())
    }
}

fn flush_id(s: &SpanData) -> Option<i64> {
    s.attributes
        .iter()
        .find(|kv| kv.key.as_str() == "polyconnect.flush.id")
        .and_then(|kv| match kv.value {
            Value::I64(v) => Some(v),
            _ => None,
        })
}

#[test]
fn a_commit_is_the_child_of_the_flush_it_answers() {
    let spans = Collect::default();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(SimpleSpanProcessor::new(spans.clone()))
        .build();
    trace::install(provider.tracer("polyconnect"));
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("polyconnect")));
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let mut tel = SinkTelemetry::new("s", 0);
    assert!(
        tel.put(1, &mut []).is_some(),
        "an always-on tracer samples the put"
    );
    assert!(tel.flush(1).is_some(), "the flush covers a sampled put");
    // A rebalance settles before Flush 1 is answered: Flush 2 covers no new put.
    assert!(
        tel.flush(2).is_none(),
        "no sampled put since the last flush"
    );
    // Flush 1's answer arrives and its offsets are committed, then Flush 2's.
    for id in [1, 2] {
        tel.commit_span(id).in_scope(|| ());
        tel.flushed(id);
    }
    // A later flush has its own span and commit.
    tel.put(2, &mut []);
    tel.flush(3);
    tel.commit_span(3).in_scope(|| ());
    tel.flushed(3);
    provider.force_flush().unwrap();

    let got = spans.0.lock().unwrap().clone();
    let flushes: Vec<&SpanData> = got.iter().filter(|s| s.name == "flush s").collect();
    assert_eq!(
        flushes.iter().map(|s| flush_id(s)).collect::<Vec<_>>(),
        vec![Some(1), Some(3)],
        "{got:#?}"
    );
    let commits: Vec<&SpanData> = got.iter().filter(|s| s.name == "commit").collect();
    assert_eq!(commits.len(), 3, "{got:#?}");
    for (commit, flush) in [(commits[0], flushes[0]), (commits[2], flushes[1])] {
        assert_eq!(
            commit.parent_span_id,
            flush.span_context.span_id(),
            "commit under its flush: {commit:#?}"
        );
        assert_eq!(
            commit.span_context.trace_id(),
            flush.span_context.trace_id()
        );
        assert!(
            commit.end_time <= flush.end_time,
            "the flush span ends after its commit"
        );
    }
    // Flush 2 had no span: its commit is not put under another flush.
    assert!(flushes
        .iter()
        .all(|f| commits[1].parent_span_id != f.span_context.span_id()));
}
