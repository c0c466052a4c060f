"""Connector-side spans: parents, links and the W3C contexts sent to the core."""

import pytest

from opentelemetry import trace as api
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased

from polyconnect import tracing
from polyconnect.records import SinkRecord, SourceRecord, TraceContext

SOURCE_SYSTEM = TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=x")


def sampled(tc):
    return int(tc.traceparent.rsplit("-", 1)[1], 16) & 1 == 1


def install_tracer(monkeypatch, mode, sampler=ALWAYS_ON):
    """A tracer whose spans land in memory: spans made through the SDK's ``start_span``
    ("sdk") or built finished where the SDK allows ("fast")."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ParentBased(sampler))
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    monkeypatch.setattr(tracing, "_api", api)
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("polyconnect"))
    monkeypatch.setattr(tracing, "_fast", None)
    if mode == "fast":
        tracing._fast_path(provider, processor)
        assert tracing._fast is not None
    return exporter


@pytest.fixture(params=["sdk", "fast"])
def spans(request, monkeypatch):
    """Every test that takes this holds for both ways of making spans."""
    return lambda sampler=ALWAYS_ON: install_tracer(monkeypatch, request.param, sampler)


def test_off_without_an_endpoint(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    monkeypatch.setattr(tracing, "_tracer", None)
    assert not tracing.setup()
    assert tracing.poll("c", 0) is None


def test_records_are_children_of_the_poll_or_of_their_own_context(spans):
    exporter = spans()
    pt = tracing.poll("src", 0)
    plain = SourceRecord(None, None, topic="t", value="a")
    traced = SourceRecord(None, None, topic="t", value="b", trace=SOURCE_SYSTEM)
    tc_plain = pt.record(plain)
    tc_traced = pt.record(traced)
    pt.end(2)
    by_name = {}
    for s in exporter.get_finished_spans():
        by_name.setdefault(s.name, []).append(s)
    poll = by_name["poll"][0]
    first, second = by_name["create t"]
    assert first.parent.span_id == poll.context.span_id
    assert first.context.trace_id == poll.context.trace_id
    assert tc_plain.traceparent.startswith(f"00-{first.context.trace_id:032x}-{first.context.span_id:016x}-")
    assert sampled(tc_plain)
    # A record with the source system's context keeps it as its parent, linked to the poll.
    assert second.context.trace_id == 0x4bf92f3577b34da6a3ce929d0e0e4736
    assert second.parent.span_id == 0x00f067aa0ba902b7
    assert [l.context.span_id for l in second.links] == [poll.context.span_id]
    assert tc_traced.tracestate == "vendor=x"
    assert sampled(pt.trace)


def test_an_unsampled_poll_records_nothing_and_passes_contexts_on(spans):
    exporter = spans(ALWAYS_OFF)
    pt = tracing.poll("src", 0)
    assert pt.record(SourceRecord(None, None, topic="t", value="a")) is None
    unsampled = TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    assert pt.record(SourceRecord(None, None, topic="t", value="b", trace=unsampled)) is None
    pt.end(2)
    assert exporter.get_finished_spans() == ()
    assert not sampled(pt.trace)


def test_sink_spans_continue_the_core_contexts(spans):
    exporter = spans()
    put_trace = TraceContext("00-11111111111111111111111111111111-2222222222222222-01")
    records = [SinkRecord("t", 0, None, None, None, "v", 7, trace=SOURCE_SYSTEM),
               SinkRecord("t", 0, None, None, None, "w", 8)]
    pt = tracing.put("sink", 0, put_trace, records)
    pt.end()
    got = {s.name: s for s in exporter.get_finished_spans()}
    assert got["put"].context.trace_id == 0x11111111111111111111111111111111
    assert got["put"].parent.span_id == 0x2222222222222222
    process = got["process t"]
    assert process.parent.span_id == 0x00f067aa0ba902b7
    assert process.attributes["messaging.kafka.offset"] == 7
    assert len(exporter.get_finished_spans()) == 2  # the record without a context has none


@pytest.mark.parametrize("bad", ["", "garbage", "00-0-0-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                 "00-00000000000000000000000000000000-00f067aa0ba902b7-01"])
def test_malformed_contexts_are_ignored(spans, bad):
    spans()
    assert tracing._parse(TraceContext(bad)) is None


def test_flush_span_is_a_child_of_the_cores_flush_span_and_only_then(spans):
    exporter = spans()
    core_flush = TraceContext("00-11111111111111111111111111111111-3333333333333333-01")
    with tracing.flush_span("sink", 0, 2, core_flush):
        pass
    with tracing.flush_span("sink", 0, 2, None):
        pass
    with tracing.flush_span("sink", 0, 2, TraceContext("00-11111111111111111111111111111111-3333333333333333-00")):
        pass
    (flush,) = exporter.get_finished_spans()
    assert flush.name == "flush"
    assert flush.context.trace_id == 0x11111111111111111111111111111111
    assert flush.parent.span_id == 0x3333333333333333
    assert flush.attributes["messaging.operation.type"] == "settle"
    assert flush.attributes["polyconnect.partition.count"] == 2


def _shape(span):
    """What a span says, without its ids and times."""
    return (span.name, span.kind, dict(span.attributes), span.status.status_code, span.status.description,
            span.context.trace_flags, span.context.trace_state, span.parent is not None and span.parent.is_remote,
            len(span.links), [e.name for e in span.events], span.resource, span.instrumentation_scope)


def test_fast_record_spans_are_what_the_sdk_makes(monkeypatch):
    """Record spans built finished say exactly what ``start_span`` spans say, and the OTLP
    encoder takes them."""
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    made = {}
    for mode in ("sdk", "fast"):
        exporter = install_tracer(monkeypatch, mode)
        pt = tracing.poll("src", 3)
        pt.record(SourceRecord(None, None, topic="t", value="a"))
        pt.record(SourceRecord(None, None, topic="u", value="b", trace=SOURCE_SYSTEM))
        pt.end(2)
        put = tracing.put("sink", 1, TraceContext("00-11111111111111111111111111111111-2222222222222222-01"),
                          [SinkRecord("t", 4, None, None, None, "v", 7, trace=SOURCE_SYSTEM)])
        put.end(ValueError("the sink failed"))
        spans = sorted(exporter.get_finished_spans(), key=lambda s: (s.name, str(s.attributes)))
        assert encode_spans(spans).SerializeToString()
        made[mode] = [_shape(s) for s in spans if s.name != "put"]
        for s in spans:
            assert s.end_time >= s.start_time
    assert made["fast"] == made["sdk"]
    assert len(made["fast"]) == 4


def test_unknown_samplers_take_the_sdk_path(monkeypatch):
    from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult

    class Mine(Sampler):
        def should_sample(self, *args, **kwargs):
            return SamplingResult(Decision.RECORD_AND_SAMPLE)

        def get_description(self):
            return "mine"

    monkeypatch.setattr(tracing, "_api", api)
    monkeypatch.setattr(tracing, "_fast", None)
    provider = TracerProvider(sampler=Mine())
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("polyconnect"))
    tracing._fast_path(provider, SimpleSpanProcessor(InMemorySpanExporter()))
    assert tracing._fast is None


def test_a_failed_flush_ends_its_span_with_an_error_and_answers_flushed(monkeypatch):
    import asyncio

    from harness import serving, sink_start
    from polyconnect import SinkConnector, SinkTask
    from polyconnect.v1 import connector_pb2 as cpb
    from polyconnect.v1 import data_pb2 as dpb
    from opentelemetry.trace import StatusCode

    exporter = install_tracer(monkeypatch, "sdk")

    class Task(SinkTask):
        def put(self, records):
            pass

        def flush(self, offsets):
            raise OSError("disk full")

    class FailingFlush(SinkConnector):
        task_class = Task

    async def scenario():
        async with serving(FailingFlush) as core:
            s = core.open_sink()
            await s.send(sink_start("FailingFlush"))
            await s.expect("started")
            f = cpb.Flush(flush_id=3, trace=dpb.TraceContext(
                traceparent="00-11111111111111111111111111111111-3333333333333333-01"))
            f.offsets.add(topic="t", partition=0, offset=1)
            await s.send(cpb.SinkRequest(flush=f))
            return await s.expect("flushed")

    flushed = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert flushed.flush_id == 3 and flushed.error.message == "disk full" and not flushed.offsets
    (span,) = [s for s in exporter.get_finished_spans() if s.name == "flush"]
    assert span.status.status_code == StatusCode.ERROR
    assert [e.name for e in span.events] == ["exception"]
