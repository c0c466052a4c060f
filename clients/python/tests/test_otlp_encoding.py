"""The hand-written OTLP encoding says exactly what the exporters' own encoder says."""

import pytest

from opentelemetry import trace as api
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased

from polyconnect import _otlp, tracing
from polyconnect.records import SinkRecord, SourceRecord, TraceContext

REMOTE = api.SpanContext(0x4bf92f3577b34da6a3ce929d0e0e4736, 0x00f067aa0ba902b7, is_remote=True,
                         trace_flags=api.TraceFlags(1), trace_state=api.TraceState([("vendor", "x"), ("b", "2")]))


def spans_of_every_kind(monkeypatch):
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ParentBased(ALWAYS_ON),
                              resource=Resource.create({"service.name": "enc", "n": 7, "ok": True}))
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    other = TracerProvider(resource=Resource.create({"service.name": "other"}))
    other.add_span_processor(processor)
    monkeypatch.setattr(tracing, "_api", api)
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("polyconnect"))
    monkeypatch.setattr(tracing, "_fast", None)
    tracing._fast_path(provider, processor)
    # The SDK's record spans, the fast ones, an error with an event, links, trace state.
    pt = tracing.poll("src", 2)
    pt.record(SourceRecord(None, None, topic="t", value="a"))
    pt.record(SourceRecord(None, None, topic="ü", value="b", trace=TraceContext(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=x")))
    pt.end(2)
    put = tracing.put("sink", 1, TraceContext("00-11111111111111111111111111111111-2222222222222222-01"),
                      [SinkRecord("t", 4, None, None, None, "v", -7, trace=TraceContext(
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))])
    put.end(ValueError("the sink failed"))
    tracer = provider.get_tracer("user", "1.2.3", schema_url="https://example.com/schema",
                                 attributes={"scope.attr": "s"})
    with tracer.start_as_current_span("values", kind=api.SpanKind.SERVER, links=[api.Link(REMOTE, {"l": 1})],
                                      attributes={"s": "", "b": False, "i": 0, "big": 2**63 - 1, "neg": -2**63,
                                                  "f": 0.5, "raw": b"\x00\xff"}) as s:
        s.add_event("e", {"k": "v"})
        s.set_status(api.Status(api.StatusCode.OK))
    with other.get_tracer("x").start_as_current_span("elsewhere", context=api.set_span_in_context(
            api.NonRecordingSpan(REMOTE)), kind=api.SpanKind.CLIENT):
        pass
    return exporter.get_finished_spans()


def test_the_same_message_as_the_exporters_encoder(monkeypatch):
    spans = spans_of_every_kind(monkeypatch)
    # poll, two creates, put, process, a user's span, another resource's span
    assert len(spans) == 7
    ours = ExportTraceServiceRequest.FromString(_otlp.encode_request(spans))
    assert ours == encode_spans(spans)
    assert len(ours.resource_spans) == 2


def test_values_it_does_not_write_are_left_to_the_exporters_encoder(monkeypatch):
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("t").start_as_current_span("arrays", attributes={"a": [1, 2]}):
        pass
    spans = exporter.get_finished_spans()
    with pytest.raises(_otlp.Unsupported):
        _otlp.encode_request(spans)
    import opentelemetry.exporter.otlp.proto.http.trace_exporter as http
    stock = http.encode_spans
    try:
        assert _otlp.install()
        assert http.encode_spans is not stock
        assert http.encode_spans(spans) == stock(spans)
        every = spans_of_every_kind(monkeypatch)
        assert http.encode_spans(every) == stock(every)
    finally:
        http.encode_spans = stock
