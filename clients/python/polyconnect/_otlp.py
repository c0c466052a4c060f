"""OTLP/protobuf encoding of finished spans, written out by hand.

The OTLP exporters encode a batch through ``encode_spans``, which builds a protobuf object
per span, attribute and value in the interpreter: at tens of microseconds a span, more
than most records cost a connector. ``encode_request`` writes the same
``ExportTraceServiceRequest`` bytes directly (grouped by resource and scope in the order
first seen, as ``encode_spans`` does; the unit tests compare the two message for message)
and ``encode_spans`` parses them back into the message the exporters expect, which the
protobuf runtime does in native code. A batch holding something this encoder does not
write (an array or map attribute value) is encoded by ``encode_spans`` itself.

``install`` puts it in place of ``encode_spans`` in the two OTLP trace exporter modules.
"""

from __future__ import annotations

import struct
from typing import Any, Sequence

_fixed64 = struct.Struct("<Q").pack
_double = struct.Struct("<d").pack
_fixed32 = struct.Struct("<I").pack

# OTLP's SpanKind numbers by the API's SpanKind value (INTERNAL=0 ... CONSUMER=4).
_KIND = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}
_HAS_IS_REMOTE, _IS_REMOTE = 0x100, 0x200


try:
    from opentelemetry.sdk.trace import ReadableSpan as _Readable
except ImportError:  # pragma: no cover - the SDK is what calls this
    _Readable = None


class Unsupported(Exception):
    """A value this encoder does not write."""


def _varint(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(tag: bytes, payload: bytes) -> bytes:
    return tag + _varint(len(payload)) + payload


_keys: dict[str, bytes] = {}
# Whole KeyValue messages of string and bool attributes (the same few pairs recur on
# every span of a kind), and attribute blocks by the dict they came from (record spans of
# one poll share theirs).
_pairs: dict[tuple, bytes] = {}
_blocks: dict[int, tuple] = {}


def _key(k: str) -> bytes:
    b = _keys.get(k)
    if b is None:
        if len(_keys) > 4096:
            _keys.clear()
        kb = k.encode()
        b = _keys[k] = b"\x0a" + _varint(len(kb)) + kb
    return b


def _any_value(v: Any) -> bytes:
    t = type(v)
    if t is str:
        b = v.encode()
        return b"\x0a" + _varint(len(b)) + b
    if t is bool:
        return b"\x10\x01" if v else b"\x10\x00"
    if t is int:
        return b"\x18" + _varint(v & 0xFFFFFFFFFFFFFFFF)
    if t is float:
        return b"\x21" + _double(v)
    if t is bytes:
        return b"\x3a" + _varint(len(v)) + v
    raise Unsupported(t.__name__)


def _attributes(tag: bytes, attrs: Any) -> bytes:
    if not attrs:
        return b""
    out = []
    pairs = _pairs
    for k, v in attrs.items():
        t = type(v)
        cacheable = t is str or t is bool
        if cacheable:
            b = pairs.get((tag, k, v))
            if b is not None:
                out.append(b)
                continue
        value = _any_value(v)
        body = _key(k) + b"\x12" + _varint(len(value)) + value
        b = tag + _varint(len(body)) + body
        if cacheable and len(b) < 256:
            if len(pairs) > 8192:
                pairs.clear()
            pairs[(tag, k, v)] = b
        out.append(b)
    return b"".join(out)


def _span_attributes(d: Any) -> bytes:
    """A span's attributes (field 9), from the dict or mapping the span holds."""
    if type(d) is dict:
        hit = _blocks.get(id(d))
        if hit is not None and hit[0] is d:
            return hit[1]
        b = _attributes(b"\x4a", d)
        if len(_blocks) > 1024:
            _blocks.clear()
        _blocks[id(d)] = (d, b)
        return b
    return _attributes(b"\x4a", d)


def _count(tag: bytes, n: int) -> bytes:
    return tag + _varint(n) if n else b""


_FLAGS_LOCAL = b"\x85\x01" + _fixed32(_HAS_IS_REMOTE)
_FLAGS_REMOTE = b"\x85\x01" + _fixed32(_HAS_IS_REMOTE | _IS_REMOTE)
_STATUS_UNSET = b"\x7a\x00"


def _span(s: Any) -> bytes:
    try:
        sc, parent, name, kind, start, end = s._context, s._parent, s._name, s._kind, s._start_time, s._end_time
        attrs, events, links, status = s._attributes, s._events, s._links, s._status
    except AttributeError as e:
        raise Unsupported(str(e)) from None
    out = [b"\x0a\x10", sc.trace_id.to_bytes(16, "big"), b"\x12\x08", sc.span_id.to_bytes(8, "big")]
    if sc.trace_state:
        ts = ",".join(f"{k}={v}" for k, v in sc.trace_state.items()).encode()
        out += (b"\x1a", _varint(len(ts)), ts)
    if parent:
        out += (b"\x22\x08", parent.span_id.to_bytes(8, "big"))
    nb = name.encode()
    out += (b"\x2a", _varint(len(nb)), nb, b"\x30", _varint(_KIND[kind.value]))
    if start:
        out += (b"\x39", _fixed64(start))
    if end:
        out += (b"\x41", _fixed64(end))
    out.append(_span_attributes(attrs))
    plain = type(s) is _Readable  # plain containers: nothing was dropped
    if not plain:
        out.append(_count(b"\x50", s.dropped_attributes))
    for e in events:
        ev = [b"\x09", _fixed64(e.timestamp)] if e.timestamp else []
        en = e.name.encode()
        ev += (b"\x12", _varint(len(en)), en, _attributes(b"\x1a", e.attributes), _count(b"\x20", e.dropped_attributes))
        body = b"".join(ev)
        out += (b"\x5a", _varint(len(body)), body)
    if not plain:
        out.append(_count(b"\x60", s.dropped_events))
    for link in links:
        lc = link.context
        body = b"".join((b"\x0a\x10", lc.trace_id.to_bytes(16, "big"), b"\x12\x08", lc.span_id.to_bytes(8, "big"),
                         _attributes(b"\x22", link.attributes), _count(b"\x28", link.dropped_attributes),
                         b"\x35", _fixed32(_HAS_IS_REMOTE | (_IS_REMOTE if lc.is_remote else 0))))
        out += (b"\x6a", _varint(len(body)), body)
    if not plain:
        out.append(_count(b"\x70", s.dropped_links))
    code, description = status.status_code.value, status.description
    if code or description:
        body = b""
        if description:
            db = description.encode()
            body += b"\x12" + _varint(len(db)) + db
        if code:
            body += b"\x18" + _varint(code)
        out += (b"\x7a", _varint(len(body)), body)
    else:
        out.append(_STATUS_UNSET)
    out.append(_FLAGS_REMOTE if parent is not None and parent.is_remote else _FLAGS_LOCAL)
    return b"".join(out)


# Resource and scope messages by object; a process has one or two of each.
_resources: dict[int, tuple] = {}
_scopes: dict[int, tuple] = {}


def _resource(r: Any) -> bytes:
    hit = _resources.get(id(r))
    if hit is None or hit[0] is not r:
        hit = _resources[id(r)] = (r, _field(b"\x0a", _attributes(b"\x0a", r.attributes)))
    return hit[1]


def _scope(s: Any) -> bytes:
    hit = _scopes.get(id(s))
    if hit is None or hit[0] is not s:
        body = b""
        if s is not None:
            if s.name:
                body += _field(b"\x0a", s.name.encode())
            if s.version:
                body += _field(b"\x12", s.version.encode())
            body += _attributes(b"\x1a", s.attributes)
        hit = _scopes[id(s)] = (s, _field(b"\x0a", body))
    return hit[1]


def encode_request(spans: Sequence[Any]) -> bytes:
    """The serialized ``ExportTraceServiceRequest`` of ``spans``; raises ``Unsupported``
    for a value it does not write."""
    # Grouped by resource, then scope, in the order first seen (by identity: hashing a
    # Resource serializes it).
    groups: dict[int, tuple] = {}
    for s in spans:
        r = s.resource
        g = groups.get(id(r))
        if g is None:
            g = groups[id(r)] = (r, {})
        scope = s.instrumentation_scope or None
        sg = g[1].get(id(scope))
        if sg is None:
            sg = g[1][id(scope)] = (scope, [])
        sg[1].append(_span(s))
    out = []
    for resource, scopes in groups.values():
        body = [_resource(resource)]
        for scope, encoded in scopes.values():
            parts = [_scope(scope)]
            for e in encoded:
                parts += (b"\x12", _varint(len(e)), e)
            if scope is not None and scope.schema_url:
                parts.append(_field(b"\x1a", scope.schema_url.encode()))
            body.append(_field(b"\x12", b"".join(parts)))
        if resource.schema_url:
            body.append(_field(b"\x1a", resource.schema_url.encode()))
        out.append(_field(b"\x0a", b"".join(body)))
    return b"".join(out)


def install() -> bool:
    """Encodes the OTLP trace exporters' batches with ``encode_request``; False when the
    exporter modules do not have the ``encode_spans`` this replaces."""
    from opentelemetry.exporter.otlp.proto.common import trace_encoder
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    stock = trace_encoder.encode_spans

    def encode_spans(spans: Sequence[Any]) -> Any:
        try:
            return ExportTraceServiceRequest.FromString(encode_request(spans))
        except Unsupported:
            return stock(spans)

    installed = False
    for name in ("opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
                 "opentelemetry.exporter.otlp.proto.http.trace_exporter"):
        try:
            module = __import__(name, fromlist=["encode_spans"])
        except ImportError:
            continue
        if getattr(module, "encode_spans", None) is stock:
            module.encode_spans = encode_spans
            installed = True
    return installed
