"""Connector-side spans (protocol rule 10), exported with OTLP.

On when an OTLP endpoint is configured (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) and the OpenTelemetry SDK is installed
(``scripts/install-deps.sh``); off with ``OTEL_SDK_DISABLED=true`` or
``OTEL_TRACES_EXPORTER=none``. The standard variables configure it:
``OTEL_EXPORTER_OTLP_PROTOCOL`` (``grpc`` or ``http/protobuf``, the default),
``OTEL_SERVICE_NAME``, ``OTEL_TRACES_SAMPLER`` / ``OTEL_TRACES_SAMPLER_ARG`` (e.g.
``parentbased_traceidratio`` and ``0.01``). A connector process the core launches gets
the core's settings with its own ``service.name``.

Spans: ``poll`` per poll that returned records (a root, sampled by ratio) and one
``create <topic>`` per record of a sampled poll, child of the record's own context when the
connector set one (the source system's; linked to the poll span) else of the poll span;
that context travels with the record to the core and into Kafka. On a sink: ``put``
(child of the core's put span), ``process <topic>`` per sampled record (child of the
record's context, which comes from its Kafka headers through the core) and ``flush``
(child of the core's flush span, ``Flush.trace``, which links to the Puts it covers).

Spans are exported by a batch processor on its own thread with a bounded queue: a slow or
absent collector drops spans, never holds up records.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from .records import TraceContext

log = logging.getLogger("polyconnect.tracing")

_tracer: Any = None
_api: Any = None


def enabled() -> bool:
    return _tracer is not None


def setup() -> bool:
    """Starts the exporter if tracing is configured; returns whether it is on."""
    global _tracer, _api
    if _tracer is not None:
        return True
    env = os.environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true" or env.get("OTEL_TRACES_EXPORTER", "").strip() == "none":
        return False
    if not (env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
        return False
    try:
        from opentelemetry import trace as api
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry SDK is not installed "
                    "(clients/python/scripts/install-deps.sh); no connector spans")
        return False
    protocol = (env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
                or "http/protobuf").strip()
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    elif protocol in ("http/protobuf", "http"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    else:
        log.warning("unsupported OTLP protocol %r (use grpc or http/protobuf); no connector spans", protocol)
        return False
    service = env.get("OTEL_SERVICE_NAME") or "polyconnect-connector"
    try:
        from . import _otlp
        _otlp.install()  # the exporters' batches encoded by hand (see _otlp.py)
    except Exception as e:  # the stock encoder still works
        log.debug("the stock OTLP encoder stays: %s", e)
    try:
        queue = int(env.get("OTEL_BSP_MAX_QUEUE_SIZE") or 2048)
        # The sampler comes from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG.
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
        processor = BatchSpanProcessor(
            OTLPSpanExporter(), max_queue_size=queue, max_export_batch_size=min(512, queue),
            schedule_delay_millis=500)
        provider.add_span_processor(processor)
    except Exception as e:  # bad settings cost the spans, never the connector
        log.warning("cannot start the span exporter, no connector spans: %s", e)
        return False
    _api = api
    _tracer = provider.get_tracer("polyconnect")
    _fast_path(provider, processor)
    _provider_holder.append(provider)
    log.info("OpenTelemetry tracing on (%s, service %s)", protocol, service)
    return True


_provider_holder: list = []


def shutdown(timeout_s: float = 5.0) -> None:
    """Exports what is buffered, for at most about ``timeout_s``."""
    for p in _provider_holder:
        try:
            p.force_flush(int(timeout_s * 1000))
            p.shutdown()
        except Exception:  # an exporter failing at exit must not fail the process
            log.debug("span exporter shutdown failed", exc_info=True)


# ---------------------------------------------------------------------------------------
# Record spans without the SDK's span machinery
# ---------------------------------------------------------------------------------------
#
# A sampled poll or put makes one span per record; through ``Tracer.start_span`` each costs
# several times what the record itself costs this process. A record's span has a sampled
# parent and a decision known in advance, so it is built as the finished, immutable
# ``ReadableSpan`` the exporter reads and handed to the batch processor, as the SDK would
# at its end: same ids, flags, trace state, resource and scope. Only samplers whose
# decision for a sampled parent is known (the six standard ones) take this path; any
# other sampler gets ``start_span``.

class _Fast:
    __slots__ = ("emit", "resource", "scope", "local", "remote", "readable", "context", "link", "event",
                 "status_unset", "error", "bits", "now", "root", "trace_id", "sampled_flags", "unsampled_flags")

    def __init__(self, provider: Any, processor: Any, local: bool, remote: bool, root: Any = None):
        import random
        import time

        from opentelemetry.sdk.trace import Event, ReadableSpan
        from opentelemetry.sdk.util.instrumentation import InstrumentationScope
        self.emit = processor.on_end
        self.resource = provider.resource
        self.scope = getattr(_tracer, "_instrumentation_scope", None) or InstrumentationScope("polyconnect")
        self.local, self.remote = local, remote
        self.readable, self.context, self.link, self.event = ReadableSpan, _api.SpanContext, _api.Link, Event
        self.status_unset = _api.Status(_api.StatusCode.UNSET)
        self.error = lambda e: _api.Status(_api.StatusCode.ERROR, str(e))
        self.bits, self.now = random.getrandbits, time.time_ns
        # A root's decision from its trace id (None: only start_span knows it).
        self.root = root
        ids = provider.id_generator
        self.trace_id = ids.generate_trace_id
        random_flag = _api.TraceFlags.RANDOM_TRACE_ID if ids.is_trace_id_random() else 0
        self.sampled_flags = _api.TraceFlags(_api.TraceFlags.SAMPLED | random_flag)
        self.unsampled_flags = _api.TraceFlags(random_flag)

    def child(self, parent: Any) -> Any:
        """The context of a new sampled span under ``parent`` (a sampled SpanContext), or
        None when the sampler's decision is not known in advance."""
        if not (self.remote if parent.is_remote else self.local):
            return None
        return self.context(parent.trace_id, self.span_id(), False, parent.trace_flags, parent.trace_state)

    def span_id(self) -> int:
        """A new span id, as the SDK's random id generator makes them (never 0)."""
        span_id = self.bits(64)
        while not span_id:
            span_id = self.bits(64)
        return span_id

    def end(self, name: str, sc: Any, parent: Any, kind: Any, attrs: dict, start: int, links: tuple = (),
            error: BaseException | None = None) -> None:
        status, events = self.status_unset, ()
        end = self.now()
        if error is not None:
            status = self.error(error)
            kind_name = type(error).__qualname__
            events = (self.event("exception", {"exception.type": kind_name, "exception.message": str(error)}, end),)
        self.emit(self.readable(name, sc, parent, self.resource, attrs, events, links, kind, None, status,
                                start, end, self.scope))


_fast: _Fast | None = None


def _fast_path(provider: Any, processor: Any) -> None:
    global _fast
    from opentelemetry.sdk.trace import sampling
    sampler = provider.sampler
    on, ratio, parent_based = sampling.ALWAYS_ON, sampling.TraceIdRatioBased, sampling.ParentBased
    if isinstance(sampler, parent_based):
        # The standard ones sample every child of a sampled parent.
        local = getattr(sampler, "_local_parent_sampled", None) is on
        remote = getattr(sampler, "_remote_parent_sampled", None) is on
        root_sampler = getattr(sampler, "_root", None)
    else:
        # always_on samples everything; a trace-id ratio decides the same for every span
        # of a trace, so children of a sampled local span are sampled too.
        local = sampler is on or type(sampler) is ratio
        remote = sampler is on
        root_sampler = sampler
    # Roots (polls) decided without start_span: by ratio from the trace id, or always/never.
    root = None
    if type(root_sampler) is ratio:
        limit, bound = root_sampler.TRACE_ID_LIMIT, root_sampler.bound
        root = lambda trace_id: trace_id & limit < bound  # noqa: E731
    elif root_sampler is on or root_sampler is sampling.ALWAYS_OFF:
        always = root_sampler is on
        root = lambda trace_id: always  # noqa: E731
    if not local:
        root = None  # a sampled poll's record spans would need start_span
    _fast = _Fast(provider, processor, local, remote, root) if (local or remote) else None


# ---------------------------------------------------------------------------------------
# W3C trace context
# ---------------------------------------------------------------------------------------

def _parse(t: Any) -> Any:
    """A remote SpanContext from a TraceContext (or a traceparent string); None if absent
    or malformed."""
    if not t:
        return None
    if isinstance(t, str):
        tp, ts = t, ""
    else:
        tp, ts = t.traceparent, t.tracestate
    parts = tp.strip().split("-")
    if len(parts) < 4 or len(parts[0]) != 2 or len(parts[1]) != 32 or len(parts[2]) != 16 or len(parts[3]) != 2:
        return None
    if parts[0] == "ff" or (parts[0] == "00" and len(parts) != 4):
        return None
    try:
        trace_id, span_id, flags = int(parts[1], 16), int(parts[2], 16), int(parts[3], 16)
    except ValueError:
        return None
    if not trace_id or not span_id:
        return None
    state = _api.TraceState.from_header([ts]) if ts else None
    return _api.SpanContext(trace_id, span_id, is_remote=True, trace_flags=_api.TraceFlags(flags & 1),
                            trace_state=state)


def _format(sc: Any) -> TraceContext:
    state = sc.trace_state.to_header() if sc.trace_state else ""
    return TraceContext(f"00-{sc.trace_id:032x}-{sc.span_id:016x}-{int(sc.trace_flags):02x}", state)


def _context(sc: Any) -> Any:
    return _api.set_span_in_context(_api.NonRecordingSpan(sc)) if sc is not None else None


# ---------------------------------------------------------------------------------------
# Source side
# ---------------------------------------------------------------------------------------

class PollTrace:
    """The spans of one poll; ``record`` gives each record's context for the wire."""

    __slots__ = ("span", "poll", "context", "sampled", "trace", "_who", "_attrs", "_start")

    def __init__(self, connector: str, task: int):
        self._who = (connector, task)
        # A record span's attributes by topic, made at the first sampled record (spans of
        # one poll share them; unsampled polls, nearly all of them, make none).
        self._attrs: dict | None = None
        fast = _fast
        if fast is not None and fast.root is not None and not _api.get_current_span().get_span_context().is_valid:
            # A root decided here, as start_span would; a sampled one is built at its end.
            trace_id = fast.trace_id()
            self.sampled = fast.root(trace_id)
            sc = fast.context(trace_id, fast.span_id(), False, fast.sampled_flags if self.sampled else fast.unsampled_flags)
            self.span, self._start = None, fast.now()
            self.context = _context(sc) if self.sampled else None
        else:
            self.span = _tracer.start_span("poll", kind=_api.SpanKind.INTERNAL, attributes=self._poll_attributes())
            sc = self.span.get_span_context()
            self.sampled = sc.trace_flags.sampled
            self.context = _api.set_span_in_context(self.span)
        self.poll = sc
        # An unsampled poll still tells the core so: it then records nothing either.
        self.trace = _format(sc)

    def _poll_attributes(self) -> dict:
        connector, task = self._who
        return {"polyconnect.connector": connector, "polyconnect.task": task, "messaging.operation.name": "poll"}

    def _record_attributes(self, topic: str) -> dict:
        if self._attrs is None:
            self._attrs = {}
        attrs = self._attrs.get(topic)
        if attrs is None:
            connector, task = self._who
            attrs = self._attrs[topic] = {
                "polyconnect.connector": connector, "polyconnect.task": task, "messaging.system": "kafka",
                "messaging.operation.name": "create", "messaging.operation.type": "create",
                "messaging.destination.name": topic}
        return attrs

    def record(self, r: Any) -> Any:
        """The context to send with record ``r``: its span's when sampled, else its own."""
        own = _parse(r.trace) if r.trace else None
        poll = self.poll
        if own is None and not self.sampled:
            return None
        if not (own or poll).trace_flags.sampled:
            return None
        attrs = self._record_attributes(r.topic)
        fast = _fast
        if fast is not None:
            parent = own or poll
            sc = fast.child(parent)
            if sc is not None:
                fast.end(f"create {r.topic}", sc, parent, _api.SpanKind.PRODUCER, attrs, fast.now(),
                         (fast.link(poll),) if own is not None else ())
                return _format(sc)
        if own is not None:
            parent, links = _context(own), [_api.Link(poll)]
        else:
            parent, links = self.context, None
        span = _tracer.start_span(f"create {r.topic}", context=parent, kind=_api.SpanKind.PRODUCER,
                                  attributes=attrs, links=links)
        tc = _format(span.get_span_context())
        span.end()
        return tc

    def end(self, count: int) -> None:
        """Ends the poll span; a poll that returned nothing is not exported."""
        if not count:
            return
        if self.span is not None:
            self.span.set_attribute("messaging.batch.message_count", count)
            self.span.end()
        elif self.sampled:
            _fast.end("poll", self.poll, None, _api.SpanKind.INTERNAL,
                      {**self._poll_attributes(), "messaging.batch.message_count": count}, self._start)


def poll(connector: str, task: int) -> PollTrace | None:
    """The trace of a poll about to be made (None when tracing is off)."""
    if _tracer is None:
        return None
    return PollTrace(connector, task)


# ---------------------------------------------------------------------------------------
# Sink side
# ---------------------------------------------------------------------------------------

class PutTrace:
    __slots__ = ("spans", "records")

    def __init__(self, connector: str, task: int, put_trace: Any, records: list, count: int | None = None):
        parent = _parse(put_trace) if put_trace is not None and put_trace.traceparent else None
        base = {"polyconnect.connector": connector, "polyconnect.task": task, "messaging.system": "kafka"}
        put = _tracer.start_span("put", context=_context(parent), kind=_api.SpanKind.INTERNAL,
                                 attributes={**base, "messaging.operation.name": "put",
                                             "messaging.batch.message_count": len(records) if count is None else count})
        self.spans = [put]
        # Sampled records' process spans on the fast path: (name, context, parent, attributes, start).
        self.records: list = []
        fast = _fast
        now = fast.now() if fast is not None else 0
        for r in records:
            sc = _parse(r.trace) if r.trace else None
            if sc is None or not sc.trace_flags.sampled:
                continue
            attrs = {**base, "messaging.operation.name": "process", "messaging.operation.type": "process",
                     "messaging.destination.name": r.topic,
                     "messaging.destination.partition.id": str(r.kafka_partition),
                     "messaging.kafka.offset": r.kafka_offset}
            child = fast.child(sc) if fast is not None else None
            if child is not None:
                self.records.append((f"process {r.topic}", child, sc, attrs, now))
                continue
            self.spans.append(_tracer.start_span(
                f"process {r.topic}", context=_context(sc), kind=_api.SpanKind.CONSUMER, attributes=attrs))

    def end(self, error: BaseException | None = None) -> None:
        fast = _fast
        for name, sc, parent, attrs, start in self.records:
            fast.end(name, sc, parent, _api.SpanKind.CONSUMER, attrs, start, error=error)
        for s in reversed(self.spans):
            if error is not None:
                s.record_exception(error)
                s.set_status(_api.Status(_api.StatusCode.ERROR, str(error)))
            s.end()


def put(connector: str, task: int, put_trace: Any, records: list, count: int | None = None) -> PutTrace | None:
    """The spans of a Put. ``count``: its number of records when they came in columns
    (``records`` is then empty: records in columns have no trace context)."""
    if _tracer is None:
        return None
    return PutTrace(connector, task, put_trace, records, count)


def flush_span(connector: str, task: int, partitions: int, flush_trace: Any = None) -> Any:
    """A span around a flush, child of the core's flush span (``Flush.trace``); a no-op
    context manager when tracing is off or the Flush carries no sampled context (the core
    sends one when a sampled Put is among those the flush covers)."""
    parent = _parse(flush_trace) if _tracer is not None and flush_trace is not None and flush_trace.traceparent else None
    if parent is None or not parent.trace_flags.sampled:
        import contextlib
        return contextlib.nullcontext()
    return _tracer.start_as_current_span("flush", context=_context(parent), kind=_api.SpanKind.INTERNAL, attributes={
        "polyconnect.connector": connector, "polyconnect.task": task,
        "messaging.operation.name": "flush", "messaging.operation.type": "settle",
        "polyconnect.partition.count": partitions})
