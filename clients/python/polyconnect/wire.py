"""Conversion between the SDK's types and the protocol (``proto/polyconnect/v1``).

This module is the boundary: it is the only place besides the stream code that knows the
generated message types.

Outgoing records are the hot path of a source, so they are encoded straight to protobuf
wire bytes here instead of being built as message objects: each schema gets a compiled
value encoder (cached on the schema), repeated parts (topics, source partitions, map
keys, schema references) are encoded once, and a batch is one ``bytes`` join. Everything
that arrives from the core is parsed by protobuf (upb, in C) and converted with compiled
per-schema decoders.

Field numbers used below are the ones in ``data.proto`` and ``connector.proto``; the
tests compare this encoder's output with protobuf's own serialization.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import struct as _struct
from collections.abc import Mapping, Sequence
from itertools import repeat as _repeat
from typing import Any, Callable, Iterable

from . import data as _data
from .data import Schema, SchemaType, Struct
from .errors import ConnectError, DataError
from .records import Header, RawBytes, SinkRecord, SourceRecord, TimestampType, TraceContext
from .records import _DecodedSinkRecord as _sink_record
from .v1 import connector_pb2 as cpb
from .v1 import data_pb2 as dpb

__all__ = [
    "WireError",
    "SchemaWriter",
    "SchemaReader",
    "SourceRecordEncoder",
    "SinkRecordDecoder",
    "encode_any",
    "value_encoder",
    "value_decoder",
    "decode_any",
    "value_to_proto",
    "value_from_proto",
    "schema_to_proto",
    "schema_from_proto",
]


class WireError(ConnectError):
    """A malformed message from the core (a protocol error)."""


# ---------------------------------------------------------------------------------------
# Varints.
# ---------------------------------------------------------------------------------------

def _varint_loop(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_VARINT = tuple(_varint_loop(i) for i in range(1 << 14))
# The low 14 bits of a longer varint: two bytes, both with the continuation bit.
_VARINT_LOW = tuple(bytes(((i & 0x7F) | 0x80, ((i >> 7) & 0x7F) | 0x80)) for i in range(1 << 14))
_U64 = (1 << 64) - 1


def varint(n: int) -> bytes:
    """An unsigned varint (n >= 0)."""
    if n < 16384:
        return _VARINT[n]
    if n < 268435456:
        return _VARINT_LOW[n & 0x3FFF] + _VARINT[n >> 14]
    if n < 4398046511104:
        return _VARINT_LOW[n & 0x3FFF] + _VARINT_LOW[(n >> 14) & 0x3FFF] + _VARINT[n >> 28]
    return _varint_loop(n)


def _int_varint(n: int) -> bytes:
    """An int32/int64 field (two's complement for negatives)."""
    return varint(n) if n >= 0 else _varint_loop(n & _U64)


def _zigzag(n: int) -> bytes:
    return varint(n << 1) if n >= 0 else varint(((-n) << 1) - 1)


def _ld(tag: bytes, payload: bytes) -> bytes:
    n = len(payload)
    return tag + (_VARINT[n] if n < 16384 else varint(n)) + payload


# ---------------------------------------------------------------------------------------
# Values: Python -> wire bytes of a `Value` message.
# ---------------------------------------------------------------------------------------

NULL_VALUE = b"\x08\x00"  # Value.null = NULL_VALUE
_TRUE = b"\x10\x01"
_FALSE = b"\x10\x00"
_pack_f = _struct.Struct("<f").pack
_pack_d = _struct.Struct("<d").pack

_INT_TAGS = {
    SchemaType.INT8: (b"\x18", -(1 << 7), (1 << 7) - 1),
    SchemaType.INT16: (b"\x20", -(1 << 15), (1 << 15) - 1),
    SchemaType.INT32: (b"\x28", -(1 << 31), (1 << 31) - 1),
    SchemaType.INT64: (b"\x30", -(1 << 63), (1 << 63) - 1),
}


def _enc_str(v: str) -> bytes:
    b = v.encode()
    n = len(b)
    return b"\x4a" + (_VARINT[n] if n < 16384 else varint(n)) + b


def _enc_bytes(v: Any) -> bytes:
    b = bytes(v)
    n = len(b)
    return b"\x52" + (_VARINT[n] if n < 16384 else varint(n)) + b


def _enc_float64(v: Any) -> bytes:
    return b"\x41" + _pack_d(v)


def _enc_float32(v: Any) -> bytes:
    try:
        return b"\x3d" + _pack_f(v)
    except OverflowError:
        raise DataError(f"{v} is out of range for FLOAT32") from None


def _enc_any_int(v: int) -> bytes:
    if -(1 << 63) <= v < (1 << 63):
        return b"\x30" + _zigzag(v)
    raise DataError(f"integer {v} does not fit in INT64; use a Decimal")


def _enc_any_list(v: Any) -> bytes:
    parts = []
    for item in v:
        ib = encode_any(item)
        n = len(ib)
        parts.append(b"\x0a" + (_VARINT[n] if n < 16384 else varint(n)) + ib)
    return _ld(b"\x5a", b"".join(parts))


_KEY_CACHE: dict[str, bytes] = {}


def _map_key(k: Any) -> bytes:
    """The `key` field of a MapEntry for a schemaless key (cached for strings)."""
    if k.__class__ is str:
        kb = _KEY_CACHE.get(k)
        if kb is None:
            kb = _ld(b"\x0a", _enc_str(k))
            if len(_KEY_CACHE) < 8192:
                _KEY_CACHE[k] = kb
        return kb
    return _ld(b"\x0a", encode_any(k))


def _enc_any_map(v: Any) -> bytes:
    parts = []
    V = _VARINT
    for k, x in v.items():
        kb = _KEY_CACHE.get(k) if k.__class__ is str else None
        if kb is None:
            kb = _map_key(k)
        c = x.__class__
        if c is int and 0 <= x < 4611686018427387904:
            vb = b"\x30" + varint(x << 1)
        elif c is str:
            vb = _enc_str(x)
        else:
            vb = encode_any(x)
        n = len(vb)
        entry = kb + b"\x12" + (V[n] if n < 16384 else varint(n)) + vb
        n = len(entry)
        parts.append(b"\x0a" + (V[n] if n < 16384 else varint(n)) + entry)
    body = b"".join(parts)
    n = len(body)
    return b"\x62" + (V[n] if n < 16384 else varint(n)) + body


def _enc_any_decimal(v: _decimal.Decimal) -> bytes:
    unscaled, scale = _data.decimal_parts(v)
    body = _ld(b"\x0a", unscaled) if unscaled else b""
    if scale:
        body += b"\x10" + _int_varint(scale)
    return _ld(b"\x72", body)


def _enc_any_struct(v: Struct) -> bytes:
    raise DataError("a Struct needs a schema: schemaless data cannot hold a Struct")


_ANY: dict[type, Callable[[Any], bytes]] = {
    str: _enc_str,
    int: _enc_any_int,
    bool: lambda v: _TRUE if v else _FALSE,
    float: _enc_float64,
    bytes: _enc_bytes,
    bytearray: _enc_bytes,
    memoryview: _enc_bytes,
    list: _enc_any_list,
    tuple: _enc_any_list,
    dict: _enc_any_map,
    type(None): lambda v: NULL_VALUE,
    _decimal.Decimal: _enc_any_decimal,
    Struct: _enc_any_struct,
}


def encode_any(v: Any) -> bytes:
    """A schemaless value as `Value` bytes: None, bool, int (INT64), float (FLOAT64), str,
    bytes, list, dict, decimal.Decimal."""
    f = _ANY.get(v.__class__)
    if f is not None:
        return f(v)
    for cls, f in _ANY.items():
        if isinstance(v, cls):
            return f(v)
    if isinstance(v, RawBytes):
        return _enc_bytes(v.data)
    if isinstance(v, Mapping):
        return _enc_any_map(v)
    if isinstance(v, Sequence):
        return _enc_any_list(v)
    hint = ""
    if v.__class__.__module__ == "datetime":
        hint = " (dates and times need a schema: Date.SCHEMA, Time.SCHEMA or Timestamp.SCHEMA)"
    raise DataError(f"cannot send a {type(v).__name__} without a schema{hint}")


def value_encoder(schema: Schema) -> Callable[[Any], bytes]:
    """The compiled encoder of values of ``schema`` (cached on the schema)."""
    enc = schema._encoder
    if enc is None:
        enc = schema._encoder = _compile_encoder(schema)
    return enc


def _compile_encoder(schema: Schema) -> Callable[[Any], bytes]:
    base = _compile_present(schema)
    if schema.optional:
        def enc(v: Any) -> bytes:
            return NULL_VALUE if v is None else base(v)
    elif schema.default_value is not None:
        default = base(schema.default_value)

        def enc(v: Any) -> bytes:
            return default if v is None else base(v)
    else:
        label = schema.name or schema.type.name

        def enc(v: Any) -> bytes:
            if v is None:
                raise DataError(f"null used for a required value of schema {label}")
            return base(v)
    return enc


def _type_error(schema: Schema, v: Any) -> DataError:
    label = schema.name or schema.type.name
    return DataError(f"Invalid Python type {type(v).__name__} for a value of schema type {label}")


def _compile_present(schema: Schema) -> Callable[[Any], bytes]:
    t = schema.type
    name = schema.name
    if name == _data.DECIMAL_NAME and t is SchemaType.BYTES:
        scale = _data.schema_scale(schema)

        def enc_decimal(v: Any) -> bytes:
            if not isinstance(v, _decimal.Decimal):
                raise _type_error(schema, v)
            return _ld(b"\x52", _data.decimal_to_unscaled(v, scale))
        return enc_decimal
    if name == _data.DATE_NAME and t is SchemaType.INT32:
        return lambda v: b"\x28" + _zigzag(_data.date_to_days(v))
    if name == _data.TIME_NAME and t is SchemaType.INT32:
        return lambda v: b"\x28" + _zigzag(_data.time_to_millis(v))
    if name == _data.TIMESTAMP_NAME and t is SchemaType.INT64:
        return lambda v: b"\x30" + _zigzag(_data.datetime_to_millis(v))
    if t in _INT_TAGS:
        tag, lo, hi = _INT_TAGS[t]

        def enc_int(v: Any) -> bytes:
            if v.__class__ is not int and (not isinstance(v, int) or isinstance(v, bool)):
                raise _type_error(schema, v)
            if not lo <= v <= hi:
                raise DataError(f"{v} is out of range for {t.name}")
            return tag + _zigzag(v)
        return enc_int
    if t is SchemaType.STRING:
        def enc_str(v: Any) -> bytes:
            if v.__class__ is not str and not isinstance(v, str):
                raise _type_error(schema, v)
            return _enc_str(v)
        return enc_str
    if t is SchemaType.FLOAT64 or t is SchemaType.FLOAT32:
        f = _enc_float64 if t is SchemaType.FLOAT64 else _enc_float32

        def enc_float(v: Any) -> bytes:
            if v.__class__ is not float and (not isinstance(v, (int, float)) or isinstance(v, bool)):
                raise _type_error(schema, v)
            return f(v)
        return enc_float
    if t is SchemaType.BOOLEAN:
        def enc_bool(v: Any) -> bytes:
            if v is True:
                return _TRUE
            if v is False:
                return _FALSE
            raise _type_error(schema, v)
        return enc_bool
    if t is SchemaType.BYTES:
        def enc_bytes(v: Any) -> bytes:
            if not isinstance(v, (bytes, bytearray, memoryview)):
                if isinstance(v, RawBytes):
                    return _enc_bytes(v.data)
                raise _type_error(schema, v)
            return _enc_bytes(v)
        return enc_bytes
    if t is SchemaType.ARRAY:
        item = value_encoder(schema.value_schema)

        def enc_array(v: Any) -> bytes:
            if not isinstance(v, (list, tuple)):
                raise _type_error(schema, v)
            parts = []
            for x in v:
                ib = item(x)
                n = len(ib)
                parts.append(b"\x0a" + (_VARINT[n] if n < 16384 else varint(n)) + ib)
            return _ld(b"\x5a", b"".join(parts))
        return enc_array
    if t is SchemaType.MAP:
        kenc = value_encoder(schema.key_schema)
        venc = value_encoder(schema.value_schema)

        def enc_map(v: Any) -> bytes:
            if not hasattr(v, "items"):
                raise _type_error(schema, v)
            parts = []
            for k, x in v.items():
                entry = _ld(b"\x0a", kenc(k)) + _ld(b"\x12", venc(x))
                parts.append(_ld(b"\x0a", entry))
            return _ld(b"\x62", b"".join(parts))
        return enc_map
    if t is SchemaType.STRUCT:
        fields = schema.fields

        def enc_struct(v: Any) -> bytes:
            if isinstance(v, Struct):
                if v.schema is not schema and v.schema != schema:
                    raise DataError(f"Struct schema does not match the record's schema {schema!r}")
                values = v._values
            elif isinstance(v, dict):
                values = [v.get(f.name) for f in fields]
            else:
                raise _type_error(schema, v)
            parts = []
            for f, x in zip(fields, values):
                try:
                    fb = (f.schema._encoder or value_encoder(f.schema))(x)
                except DataError as e:
                    raise DataError(f'field "{f.name}": {e}') from None
                n = len(fb)
                parts.append(b"\x0a" + (_VARINT[n] if n < 16384 else varint(n)) + fb)
            return _ld(b"\x6a", b"".join(parts))
        return enc_struct
    raise DataError(f"unsupported schema type {t}")  # pragma: no cover


def value_to_proto(value: Any, schema: Schema | None = None) -> dpb.Value:
    """A Python value as a `Value` message (schemaless when ``schema`` is None)."""
    b = encode_any(value) if schema is None else value_encoder(schema)(value)
    return dpb.Value.FromString(b)


# ---------------------------------------------------------------------------------------
# Values: wire -> Python.
# ---------------------------------------------------------------------------------------

def _dec_decimal_msg(d: dpb.Decimal) -> _decimal.Decimal:
    return _data.unscaled_to_decimal(d.unscaled, d.scale)


def _dec_map_any(pv: dpb.Value) -> dict:
    out = {}
    for e in pv.map.entries:
        out[_hashable_key(decode_any(e.key))] = decode_any(e.value)
    return out


def _hashable_key(k: Any) -> Any:
    if isinstance(k, list):
        return tuple(_hashable_key(x) for x in k)
    if isinstance(k, dict):
        return tuple((a, _hashable_key(b)) for a, b in k.items())
    return k


def _dec_struct_any(pv: dpb.Value) -> Any:
    raise WireError("a struct value without a schema")


_GET: dict[str, Callable[[dpb.Value], Any]] = {
    "null": lambda pv: None,
    "boolean": lambda pv: pv.boolean,
    "int8": lambda pv: pv.int8,
    "int16": lambda pv: pv.int16,
    "int32": lambda pv: pv.int32,
    "int64": lambda pv: pv.int64,
    "float32": lambda pv: pv.float32,
    "float64": lambda pv: pv.float64,
    "string": lambda pv: pv.string,
    "bytes": lambda pv: pv.bytes,
    "array": lambda pv: [decode_any(i) for i in pv.array.items],
    "map": _dec_map_any,
    "struct": _dec_struct_any,
    "decimal": lambda pv: _dec_decimal_msg(pv.decimal),
}


def decode_any(pv: dpb.Value) -> Any:
    """A schemaless `Value` message as a Python value."""
    k = pv.WhichOneof("kind")
    if k is None:
        return None
    return _GET[k](pv)


def _dec_string(pv: dpb.Value) -> Any:
    """A STRING value: one field read when it is a non-empty string (the usual case)."""
    s = pv.string
    if s:
        return s
    k = pv.WhichOneof("kind")
    if k is None or k == "null":
        return None
    return _GET[k](pv)


def value_decoder(schema: Schema) -> Callable[[dpb.Value], Any]:
    """The compiled decoder of `Value` messages of ``schema`` (cached on the schema)."""
    dec = schema._decoder
    if dec is None:
        dec = schema._decoder = _compile_decoder(schema)
    return dec


def _compile_decoder(schema: Schema) -> Callable[[dpb.Value], Any]:
    t = schema.type
    name = schema.name
    if name == _data.DECIMAL_NAME and t is SchemaType.BYTES:
        scale = _data.schema_scale(schema)

        def dec_decimal(pv: dpb.Value) -> Any:
            k = pv.WhichOneof("kind")
            if k == "bytes":
                return _data.unscaled_to_decimal(pv.bytes, scale)
            if k == "decimal":
                return _dec_decimal_msg(pv.decimal)
            return _null_or_error(k, schema)
        return dec_decimal
    logical = {
        _data.DATE_NAME: (SchemaType.INT32, _data.days_to_date),
        _data.TIME_NAME: (SchemaType.INT32, _data.millis_to_time),
        _data.TIMESTAMP_NAME: (SchemaType.INT64, _data.millis_to_datetime),
    }.get(name)
    if logical is not None and logical[0] is t:
        conv = logical[1]
        field = "int32" if t is SchemaType.INT32 else "int64"

        def dec_logical(pv: dpb.Value) -> Any:
            k = pv.WhichOneof("kind")
            if k == field:
                return conv(getattr(pv, field))
            return _null_or_error(k, schema)
        return dec_logical
    if t is SchemaType.STRING:
        return _dec_string
    if t.is_primitive:
        return decode_any
    if t is SchemaType.ARRAY:
        item = value_decoder(schema.value_schema)

        def dec_array(pv: dpb.Value) -> Any:
            k = pv.WhichOneof("kind")
            if k == "array":
                return [item(x) for x in pv.array.items]
            return _null_or_error(k, schema)
        return dec_array
    if t is SchemaType.MAP:
        kdec = value_decoder(schema.key_schema)
        vdec = value_decoder(schema.value_schema)

        def dec_map(pv: dpb.Value) -> Any:
            k = pv.WhichOneof("kind")
            if k == "map":
                return {_hashable_key(kdec(e.key)): vdec(e.value) for e in pv.map.entries}
            return _null_or_error(k, schema)
        return dec_map
    if t is SchemaType.STRUCT:
        decs = [value_decoder(f.schema) for f in schema.fields]
        nfields = len(decs)

        def dec_struct(pv: dpb.Value) -> Any:
            k = pv.WhichOneof("kind")
            if k != "struct":
                return _null_or_error(k, schema)
            values = pv.struct.fields
            if len(values) != nfields:
                raise WireError(f"struct has {len(values)} values but its schema has {nfields} fields")
            s = Struct.__new__(Struct)
            s.schema = schema
            s._values = [d(x) for d, x in zip(decs, values)]
            return s
        return dec_struct
    raise WireError(f"unsupported schema type {t}")  # pragma: no cover


def _null_or_error(kind: str | None, schema: Schema) -> None:
    if kind is None or kind == "null":
        return None
    raise WireError(f"a {kind} value for a {schema.name or schema.type.name} schema")


def value_from_proto(pv: dpb.Value, schema: Schema | None = None) -> Any:
    return decode_any(pv) if schema is None else value_decoder(schema)(pv)


# ---------------------------------------------------------------------------------------
# Schemas and schema references (protocol rule 12).
# ---------------------------------------------------------------------------------------

class SchemaWriter:
    """Schemas sent on one stream. With references, each distinct schema (by structural
    equality) is defined once with an id, then sent as a `ref`."""

    __slots__ = ("refs", "_sent", "_next")

    def __init__(self, refs: bool):
        self.refs = refs
        self._sent: dict[Schema, tuple[int, bytes]] = {}
        self._next = 1

    def encode(self, schema: Schema) -> bytes:
        """`Schema` message bytes for ``schema``."""
        if not self.refs:
            w = schema._wire
            if w is None:
                w = schema._wire = self._build(schema).SerializeToString()
            return w
        hit = self._sent.get(schema)
        if hit is not None:
            return hit[1]
        return self._build(schema).SerializeToString()

    def to_proto(self, schema: Schema) -> dpb.Schema:
        return self._build(schema)

    def _build(self, schema: Schema) -> dpb.Schema:
        if self.refs:
            hit = self._sent.get(schema)
            if hit is not None:
                return dpb.Schema(ref=hit[0])
        p = dpb.Schema(type=schema.type.value, optional=schema.optional)
        if schema.name:
            p.name = schema.name
        if schema.version is not None:
            p.version = schema.version
        if schema.doc:
            p.doc = schema.doc
        if schema.parameters:
            for k, v in schema.parameters.items():
                p.parameters[k] = v
            p.parameter_order.extend(schema.parameters.keys())
        if schema.key_schema is not None:
            p.key_schema.CopyFrom(self._build(schema.key_schema))
        if schema.value_schema is not None:
            p.value_schema.CopyFrom(self._build(schema.value_schema))
        for f in schema.fields:
            p.fields.add(name=f.name, schema=self._build(f.schema))
        if schema.default_value is not None:
            p.default_value.MergeFromString(value_encoder(schema)(schema.default_value))
        if self.refs:
            sid = self._next
            self._next += 1
            p.id = sid
            self._sent[schema] = (sid, b"\x78" + varint(sid))
        return p


def schema_to_proto(schema: Schema) -> dpb.Schema:
    """A full `Schema` message (no references)."""
    return SchemaWriter(False).to_proto(schema)


class SchemaReader:
    """Schemas received on one stream: keeps definitions by id and resolves refs.
    Structurally equal schemas are shared, so their compiled decoders are too."""

    __slots__ = ("_defs", "_intern", "_by_bytes")

    def __init__(self) -> None:
        self._defs: dict[int, Schema] = {}
        self._intern: dict[Schema, Schema] = {}
        self._by_bytes: dict[bytes, Schema] = {}

    def read(self, p: dpb.Schema) -> Schema:
        if p.ref:
            return self._ref(p.ref)
        if not p.id:
            # Full definitions on every record (no references negotiated): cache them.
            key = p.SerializeToString()
            s = self._by_bytes.get(key)
            if s is None:
                s = self._convert(p)
                if len(self._by_bytes) < 4096:
                    self._by_bytes[key] = s
            return s
        return self._convert(p)

    def _ref(self, ref: int) -> Schema:
        s = self._defs.get(ref)
        if s is None:
            raise WireError(f"schema reference {ref} was never defined on this stream")
        return s

    def _convert(self, p: dpb.Schema) -> Schema:
        if p.ref:
            return self._ref(p.ref)
        try:
            t = SchemaType(p.type)
        except ValueError:
            raise WireError(f"unknown schema type {p.type}") from None
        params = None
        if p.parameters:
            params = {}
            rest = dict(p.parameters)
            for k in p.parameter_order:
                if k in rest:
                    params[k] = rest.pop(k)
            for k in sorted(rest):
                params[k] = rest[k]
        key = self._convert(p.key_schema) if p.HasField("key_schema") else None
        value = self._convert(p.value_schema) if p.HasField("value_schema") else None
        fields = [(f.name, self._convert(f.schema)) for f in p.fields]
        version = p.version if p.HasField("version") else None
        try:
            s = Schema(t, p.optional, None, p.name or None, version, p.doc or None, params, key, value, fields)
            if p.HasField("default_value"):
                d = value_decoder(s)(p.default_value)
                if d is not None:
                    s = Schema(t, p.optional, d, p.name or None, version, p.doc or None, params, key, value, fields)
        except DataError as e:
            raise WireError(f"invalid schema: {e}") from None
        s = self._intern.setdefault(s, s)
        if p.id:
            self._defs[p.id] = s
        return s


def schema_from_proto(p: dpb.Schema) -> Schema:
    return SchemaReader()._convert(p)


# ---------------------------------------------------------------------------------------
# Source records -> wire bytes of `SourceRecord` messages.
# ---------------------------------------------------------------------------------------

class SourceRecordEncoder:
    """Encodes one stream's source records. Not thread-safe: one poll at a time."""

    def __init__(self, schema_refs: bool = True, raw_bytes: bool = True, trace_context: bool = True):
        self.schemas = SchemaWriter(schema_refs)
        self.raw_bytes = raw_bytes
        self.trace_context = trace_context
        self._partitions: dict[tuple, bytes] = {}
        # The last string-valued partition encoded: the object, a copy, its field.
        self._last_sp: Any = None
        self._last_sp_copy: dict | None = None
        self._last_sp_field = b""
        self._topics: dict[str, bytes] = {}
        self._last_schema: Schema | None = None
        self._last_schema_field = b""
        self._last_encoder: Callable[[Any], bytes] = encode_any
        self._last_is_string = False
        self._string_prefixes: dict[int, bytes] = {}
        self._offset_prefixes: dict[tuple[str, int], bytes] = {}
        self._last_ts: int | None = None
        self._last_ts_field = b""

    def encode(self, r: SourceRecord, seq: int, trace: Any = None) -> bytes:
        """The `SourceRecord` message bytes of ``r`` with sequence number ``seq``; ``trace``
        replaces the record's own trace context (its connector-side span's)."""
        V = _VARINT
        out = [b"\x08" + (V[seq] if seq < 16384 else
                          _VARINT_LOW[seq & 0x3FFF] + V[seq >> 14] if seq < 268435456 else varint(seq))]
        sp = r.source_partition
        if sp is not None:
            # Most records share their task's partition object: compared with a copy, so
            # a partition changed in place is encoded again.
            if sp is self._last_sp and sp == self._last_sp_copy:
                out.append(self._last_sp_field)
            else:
                out.append(self._partition(sp))
        so = r.source_offset
        if so is not None:
            out.append(self._offset(so))
        topic = r.topic
        tb = self._topics.get(topic)
        if tb is None:
            tb = self._topic(topic)
        out.append(tb)
        if r.kafka_partition is not None:
            out.append(b"\x28" + _int_varint(r.kafka_partition))
        if r.key is not None or r.key_schema is not None:
            kb = self._data(r.key_schema, r.key)
            if kb is not None:
                n = len(kb)
                out.append(b"\x32" + (V[n] if n < 16384 else varint(n)) + kb)
        value = r.value
        schema = r.value_schema
        if schema is not None and schema is self._last_schema and value is not None:
            # The common case: the same schema as the previous record.
            if value.__class__ is str and self._last_is_string:
                # The field's bytes up to the string's own depend only on its length.
                b = value.encode()
                n = len(b)
                prefix = self._string_prefixes.get(n)
                if prefix is None:
                    prefix = self._string_prefix(n)
                out.append(prefix + b)
            else:
                vb = self._last_encoder(value)
                n = len(vb)
                st = self._last_schema_field + b"\x12" + (V[n] if n < 16384 else varint(n)) + vb
                n = len(st)
                st = b"\x0a" + (V[n] if n < 16384 else varint(n)) + st
                n = len(st)
                out.append(b"\x3a" + (V[n] if n < 16384 else varint(n)) + st)
        elif value is not None or schema is not None:
            vb = self._data(schema, value, remember=True)
            if vb is not None:
                n = len(vb)
                out.append(b"\x3a" + (V[n] if n < 16384 else varint(n)) + vb)
        ts = r.timestamp
        if ts is not None:
            if ts == self._last_ts and ts.__class__ is int:
                out.append(self._last_ts_field)
            else:
                if ts.__class__ is not int:
                    ts = _data.datetime_to_millis(ts)
                self._last_ts = ts
                self._last_ts_field = b"\x40" + _int_varint(ts)
                out.append(self._last_ts_field)
        if r.headers:
            for h in r.headers:
                out.append(_ld(b"\x4a", self._header(h)))
        if trace is None:
            trace = r.trace
        if trace and self.trace_context:
            out.append(_ld(b"\x52", _trace(trace)))
        return b"".join(out)

    def _string_prefix(self, n: int) -> bytes:
        """Everything of a `value` field holding a string of ``n`` bytes with the current
        fast-path schema, up to the string's bytes."""
        ln = varint(n)
        st = self._last_schema_field + b"\x12" + varint(1 + len(ln) + n) + b"\x4a" + ln
        rd_len = len(st) + n
        rd = b"\x0a" + varint(rd_len) + st
        prefix = b"\x3a" + varint(len(rd) + n) + rd
        if len(self._string_prefixes) < 4096:
            self._string_prefixes[n] = prefix
        return prefix

    def _offset(self, so: Any) -> bytes:
        """The `source_offset` field. A one-key map of a non-negative int (a position, an
        offset, a sequence number: the usual case) is a cached prefix plus the varint."""
        if so.__class__ is dict and len(so) == 1:
            ((k, x),) = so.items()
            if x.__class__ is int and k.__class__ is str and 0 <= x < 134217728:
                # Below 2^27 (the usual case): a zigzag varint of at most 4 bytes, without a call.
                z = x << 1
                if z < 16384:
                    vb = _VARINT[z]
                else:
                    vb = _VARINT_LOW[z & 0x3FFF] + _VARINT[z >> 14]
            elif x.__class__ is int and k.__class__ is str and 0 <= x < 4611686018427387904:
                vb = varint(x << 1)
            else:
                vb = None
            if vb is not None:
                prefix = self._offset_prefixes.get((k, len(vb)))
                if prefix is None:
                    prefix = self._offset_prefix(k, len(vb))
                return prefix + vb
        if not isinstance(so, dict):
            raise DataError(f"a source offset must be a dict, not {type(so).__name__}")
        ob = _enc_any_map(so)
        return _ld(b"\x1a", ob)

    def _offset_prefix(self, k: str, vlen: int) -> bytes:
        kb = _map_key(k)
        entry_len = len(kb) + 1 + len(varint(1 + vlen)) + 1 + vlen
        body_len = 1 + len(varint(entry_len)) + entry_len
        value_len = 1 + len(varint(body_len)) + body_len
        prefix = (b"\x1a" + varint(value_len) + b"\x62" + varint(body_len) + b"\x0a" + varint(entry_len)
                  + kb + b"\x12" + varint(1 + vlen) + b"\x30")
        if len(self._offset_prefixes) < 1024:
            self._offset_prefixes[(k, vlen)] = prefix
        return prefix

    def _topic(self, topic: Any) -> bytes:
        if not topic or not isinstance(topic, str):
            raise DataError(f"a source record needs a topic, got {topic!r}")
        tb = _ld(b"\x22", topic.encode())
        if len(self._topics) < 1024:
            self._topics[topic] = tb
        return tb

    def _partition(self, sp: Any) -> bytes:
        if not isinstance(sp, dict):
            raise DataError(f"a source partition must be a dict, not {type(sp).__name__}")
        try:
            key = tuple(sp.items())
            hit = self._partitions.get(key)
        except TypeError:  # unhashable values
            key, hit = None, None
        if hit is not None:
            self._last_sp, self._last_sp_copy, self._last_sp_field = sp, dict(sp), hit
            return hit
        b = _ld(b"\x12", _enc_any_map(sp))
        # Only string-valued partitions are cached: for them tuple equality is exact
        # (1, 1.0 and True compare equal but encode differently).
        if key is not None and all(v.__class__ is str for v in sp.values()):
            if len(self._partitions) < 4096:
                self._partitions[key] = b
            self._last_sp, self._last_sp_copy, self._last_sp_field = sp, dict(sp), b
        return b

    def _data(self, schema: Schema | None, value: Any, remember: bool = False) -> bytes | None:
        """`RecordData` bytes, or None for a null without a schema. ``remember``: a record
        value, whose schema the fast path in ``encode`` may reuse."""
        if value.__class__ is RawBytes:
            if self.raw_bytes:
                return _ld(b"\x12", value.data)
            schema, value = Schema.OPTIONAL_BYTES_SCHEMA, value.data
        if schema is None:
            if value is None:
                return None
            schema = _implied_schema(value)
            if schema is None:
                return _ld(b"\x0a", _ld(b"\x12", encode_any(value)))
        sb = self.schemas.encode(schema)
        enc = schema._encoder or value_encoder(schema)
        vb = enc(value)
        if remember and schema is not self._last_schema and (not self.schemas.refs or sb[0] == 0x78):
            # This schema's bytes no longer change (a reference, or a full definition
            # when references are off): remember them for the fast path.
            self._last_schema = schema
            self._last_schema_field = _ld(b"\x0a", sb)
            self._last_encoder = enc
            self._last_is_string = schema.type is SchemaType.STRING and not schema.name
            self._string_prefixes = {}
        return _ld(b"\x0a", _ld(b"\x0a", sb) + _ld(b"\x12", vb))

    def _header(self, h: Any) -> bytes:
        if not isinstance(h, Header):
            h = Header(*h)
        out = _ld(b"\x0a", h.key.encode())
        schema = h.schema
        if schema is None:
            schema = _implied_schema(h.value)
        if schema is not None:
            out += _ld(b"\x12", self.schemas.encode(schema)) + _ld(b"\x1a", value_encoder(schema)(h.value))
        else:
            out += _ld(b"\x1a", encode_any(h.value))
        return out


def _implied_schema(value: Any) -> Schema | None:
    """The schema a key, value or header given without one brings along: a Struct its
    own, a datetime/date/time the logical type (schemaless data cannot carry those)."""
    if isinstance(value, Struct):
        return value.schema
    if isinstance(value, _dt.datetime):
        return _data.Timestamp.SCHEMA
    if isinstance(value, _dt.date):
        return _data.Date.SCHEMA
    if isinstance(value, _dt.time):
        return _data.Time.SCHEMA
    return None


def _trace(t: Any) -> bytes:
    if isinstance(t, str):
        return _ld(b"\x0a", t.encode()) if t else b""
    out = b""
    if t.traceparent:
        out += _ld(b"\x0a", t.traceparent.encode())
    if t.tracestate:
        out += _ld(b"\x12", t.tracestate.encode())
    return out


_NONE_TYPE = type(None)
_STR_TYPES = {str}
_STR_OR_NONE = {str, _NONE_TYPE}
_BYTES_TYPES = {bytes}
_BYTES_OR_NONE = {bytes, _NONE_TYPE}
_INT_TYPES = {int}
_DICT_TYPES = {dict}
_DICT_OR_NONE = {dict, _NONE_TYPE}
_NULL_VALUE = b"\x08\x00"  # Value{null: NULL_VALUE}


# DataColumn types (key and value columns of both directions).
_COL_NULL = cpb.DATA_COLUMN_TYPE_NULL
_COL_STRING = cpb.DATA_COLUMN_TYPE_STRING
_COL_BYTES = cpb.DATA_COLUMN_TYPE_BYTES
_COL_RAW = cpb.DATA_COLUMN_TYPE_RAW


class SourceColumnsEncoder:
    """Encodes a poll's records as one `SourceColumns` message (capability
    "columnar_source_batches") when they fit the columnar form: no headers, no trace context
    of their own, the same form of key (and of value) throughout (no key, raw bytes, or
    one STRING / BYTES schema), Kafka partitions and timestamps on all records or on none.
    Anything else is left to the row encoding (``columns`` answers None)."""

    def __init__(self, raw_bytes: bool = True):
        self.raw_bytes = raw_bytes
        # Column schemas go as full definitions: a batch may be encoded again in parts, so
        # it must not be the one that defines a reference.
        self.schemas = SchemaWriter(False)

    def columns(self, records: list, first_seq: int) -> bytes | None:
        """The `SourceColumns` bytes of ``records`` numbered from ``first_seq``, or None."""
        n = len(records)
        if not n:
            return None
        if any([r.headers for r in records]) or any([r.trace for r in records]):
            return None
        c = cpb.SourceColumns(first_seq=first_seq, count=n)
        try:
            if not (self._partitions(c, records) and self._offsets(c, records, n)
                    and self._topics(c, records, n)):
                return None
            kps = [r.kafka_partition for r in records]
            if kps.count(None) != n:
                if set(map(type, kps)) != _INT_TYPES:
                    return None
                c.kafka_partitions.extend(kps)
            tss = [r.timestamp for r in records]
            if tss.count(None) != n:
                if set(map(type, tss)) != _INT_TYPES:
                    return None
                c.timestamps.extend(tss)
            if not (self._data(c.key, [r.key_schema for r in records], [r.key for r in records], n)
                    and self._data(c.value, [r.value_schema for r in records], [r.value for r in records], n)):
                return None
        except (ValueError, TypeError, OverflowError):
            # A number out of its field's range: the rows say why.
            return None
        return c.SerializeToString()

    def _partitions(self, c: Any, records: list) -> bool:
        sps = [r.source_partition for r in records]
        first = sps[0]
        if sps.count(first) == len(sps) and len(set(map(id, sps))) == 1:
            if first is None:
                return True
            if first.__class__ is not dict:
                return False
            c.partitions.add().MergeFromString(_enc_any_map(first))
            return True
        kinds = set(map(type, sps))
        if not kinds <= _DICT_OR_NONE:
            return False
        # Distinct partitions by their encoding (exact: key order and value types count).
        table: dict[bytes, int] = {}
        index = []
        last, last_i = None, 0
        for p in sps:
            if p is not last or last is None:
                b = _NULL_VALUE if p is None else _enc_any_map(p)
                i = table.get(b)
                if i is None:
                    i = table[b] = len(table)
                last, last_i = p, i
            index.append(last_i)
        for b in table:
            c.partitions.add().MergeFromString(b)
        if len(table) > 1:
            c.partition_index.extend(index)
        return True

    def _offsets(self, c: Any, records: list, n: int) -> bool:
        sos = [r.source_offset for r in records]
        first = sos[0]
        if sos.count(None) == n:
            return True
        kinds = set(map(type, sos))
        if kinds == _DICT_TYPES and first:
            keys = tuple(first)
            if len(keys) == 1 and set(map(len, sos)) == {1}:
                (k,) = keys
                try:
                    vals = [so[k] for so in sos]
                except KeyError:
                    vals = None
                if vals is not None and set(map(type, vals)) == _INT_TYPES and k.__class__ is str:
                    o = c.int_offsets
                    o.keys.append(k)
                    o.values.extend(vals)
                    return True
            elif len(keys) > 1 and all(k.__class__ is str for k in keys) and set(map(tuple, sos)) == {keys}:
                matrix = [so[k] for so in sos for k in keys]
                if set(map(type, matrix)) == _INT_TYPES:
                    o = c.int_offsets
                    o.keys.extend(keys)
                    o.values.extend(matrix)
                    return True
        if not kinds <= _DICT_OR_NONE:
            return False
        offsets = c.value_offsets.offsets
        for so in sos:
            offsets.add().MergeFromString(_NULL_VALUE if so is None else _enc_any_map(so))
        return True

    def _topics(self, c: Any, records: list, n: int) -> bool:
        topics = [r.topic for r in records]
        first = topics[0]
        if not first or first.__class__ is not str:
            return False
        if topics.count(first) == n:
            c.topics.append(first)
            return True
        if set(map(type, topics)) != _STR_TYPES or "" in topics:
            return False
        table: dict[str, int] = {}
        index = [table.setdefault(t, len(table)) for t in topics]
        c.topics.extend(table)
        c.topic_index.extend(index)
        return True

    def _data(self, col: Any, schemas: list, values: list, n: int) -> bool:
        """Fills a key or value column; False: the records do not share one form."""
        s0 = schemas[0]
        if schemas.count(s0) != n:
            return False
        if s0 is None:
            nulls = values.count(None)
            if nulls == n:
                return True  # NULL: the column's defaults
            if not self.raw_bytes or any(v is not None and v.__class__ is not RawBytes for v in values):
                return False
            col.type = _COL_RAW
            if nulls:
                col.bytes.extend([b"" if v is None else v.data for v in values])
                col.nulls.extend([i for i, v in enumerate(values) if v is None])
            else:
                col.bytes.extend([v.data for v in values])
            return True
        t = s0.type
        if t is SchemaType.STRING:
            kinds, kinds_null, field = _STR_TYPES, _STR_OR_NONE, col.strings
            empty, col_type = "", _COL_STRING
        elif t is SchemaType.BYTES:
            kinds, kinds_null, field = _BYTES_TYPES, _BYTES_OR_NONE, col.bytes
            empty, col_type = b"", _COL_BYTES
        else:
            return False
        found = set(map(type, values))
        if found == kinds:
            field.extend(values)
        elif s0.optional and found <= kinds_null:
            field.extend([empty if v is None else v for v in values])
            col.nulls.extend([i for i, v in enumerate(values) if v is None])
        else:
            return False
        col.type = col_type
        col.schema.MergeFromString(self.schemas.encode(s0))
        return True


def columns_frame(columns: bytes, trace: Any = None) -> bytes:
    """A `SourceResponse{batch: SourceBatch{columns, trace}}` message from encoded columns."""
    body = _ld(b"\x1a", columns)
    if trace:
        body += _ld(b"\x12", _trace(trace))
    return _ld(b"\x12", body)


def batch_frame(records: list[bytes], trace: Any = None) -> bytes:
    """A `SourceResponse{batch: SourceBatch{records, trace}}` message from encoded records."""
    parts = []
    append = parts.append
    V = _VARINT
    for rb in records:
        n = len(rb)
        append(b"\x0a" + V[n] if n < 16384 else b"\x0a" + varint(n))
        append(rb)
    if trace:
        parts.append(_ld(b"\x12", _trace(trace)))
    return _ld(b"\x12", b"".join(parts))


def record_frame_size(n: int) -> int:
    """Bytes a record of encoded size ``n`` takes inside a batch (tag + length + body)."""
    return 1 + len(varint(n)) + n


# ---------------------------------------------------------------------------------------
# Sink records: wire -> Python.
# ---------------------------------------------------------------------------------------

_TS_TYPES = {
    0: TimestampType.NO_TIMESTAMP_TYPE,
    1: TimestampType.CREATE_TIME,
    2: TimestampType.LOG_APPEND_TIME,
}


class SinkRecordDecoder:
    """Decodes one stream's sink records (keeps the stream's schema definitions)."""

    def __init__(self) -> None:
        self.schemas = SchemaReader()

    def decode_all(self, records: Iterable[cpb.SinkRecord]) -> list[SinkRecord]:
        # The hot path of every sink: one pass with the lookups bound once. The schemas of
        # consecutive keys and of consecutive values (almost always the same reference)
        # are resolved once, and each field is read once: every read of a message field
        # makes a Python object.
        out = []
        append = out.append
        data = self._data
        header = self._header
        ts_types = _TS_TYPES
        no_ts = TimestampType.NO_TIMESTAMP_TYPE
        ref_of = self.schemas._ref
        make = _sink_record
        last_ref = 0
        last_schema = None
        last_dec = None
        last_str = False
        key_ref = 0
        key_schema = None
        key_dec = None
        key_str = False
        dec_string = _dec_string
        for r in records:
            d = r.key
            st = d.structured  # an empty message when the data is not structured
            ref = st.schema.ref
            if ref:
                if ref != key_ref:
                    key_schema = ref_of(ref)
                    key_dec = key_schema._decoder or value_decoder(key_schema)
                    key_str = key_dec is dec_string
                    key_ref = ref
                ks = key_schema
                if key_str:
                    pv = st.value
                    k = pv.string or dec_string(pv)
                else:
                    k = key_dec(st.value)
            elif d.WhichOneof("kind") is None:
                ks, k = None, None
            else:
                ks, k = data(d)
            d = r.value
            st = d.structured  # an empty message when the data is not structured
            ref = st.schema.ref
            if ref:
                if ref != last_ref:
                    last_schema = ref_of(ref)
                    last_dec = last_schema._decoder or value_decoder(last_schema)
                    last_str = last_dec is dec_string
                    last_ref = ref
                vs = last_schema
                if last_str:
                    pv = st.value
                    v = pv.string or dec_string(pv)
                else:
                    v = last_dec(st.value)
            elif d.WhichOneof("kind") is None:
                vs, v = None, None
            else:
                vs, v = data(d)
            hs = r.headers
            if r.HasField("trace"):
                t = r.trace
                tp = t.traceparent
                trace = TraceContext(tp, t.tracestate) if tp else None
            else:
                trace = None
            topic = r.topic
            partition = r.kafka_partition
            ts = r.timestamp
            ot = r.original_topic
            append(make(
                topic,
                partition,
                ks,
                k,
                vs,
                v,
                r.kafka_offset,
                ts if ts or r.HasField("timestamp") else None,
                ts_types.get(r.timestamp_type, no_ts),
                [header(h) for h in hs] if hs else [],
                ot or topic,
                r.original_kafka_partition if ot else partition,
                trace,
            ))
        return out

    def decode(self, r: cpb.SinkRecord) -> SinkRecord:
        return self.decode_all((r,))[0]

    def decode_put(self, put: cpb.Put) -> list[SinkRecord]:
        """A Put's records, from its rows or its columns (capability ``columnar_puts``)."""
        if put.HasField("columns"):
            return self.decode_columns(put.columns)
        return self.decode_all(put.records)

    def decode_columns(self, c: cpb.SinkColumns) -> list[SinkRecord]:
        # Every column becomes a Python list in one C-level call; the records are then made
        # by one C-level map over them (each record gets a new empty headers list from
        # `iter(list, None)`). Such records have no headers, no trace context, and their
        # original coordinates are their own (SinkColumns). A `repeat` is consumed by the
        # map, so every argument has its own.
        n = c.count
        partitions = list(c.partitions)
        offsets = list(c.offsets)
        timestamps = list(c.timestamps)
        if len(partitions) != n or len(offsets) != n or len(timestamps) != n:
            raise WireError(f"a Put's columns disagree on its number of records ({n})")
        for i in c.no_timestamp:
            timestamps[i] = None
        types = list(c.timestamp_types)
        if len(types) == 1:
            types = _repeat(_TS_TYPES.get(types[0], TimestampType.NO_TIMESTAMP_TYPE), n)
        elif len(types) == n:
            types = [_TS_TYPES.get(t, TimestampType.NO_TIMESTAMP_TYPE) for t in types]
        else:
            raise WireError(f"a Put's columns have {len(types)} timestamp types for {n} records")
        topics = list(c.topics)
        if len(topics) == 1:
            topic = topics[0]
            topics, original_topics = _repeat(topic, n), _repeat(topic, n)
        else:
            indexes = list(c.topic_indexes)
            if len(indexes) != n:
                raise WireError(f"a Put's columns have {len(indexes)} topic indexes for {n} records")
            topics = original_topics = list(map(topics.__getitem__, indexes))
        ks, keys = self._column(c.keys, n) if c.HasField("keys") else (None, _repeat(None, n))
        vs, values = self._column(c.values, n) if c.HasField("values") else (None, _repeat(None, n))
        return list(map(_sink_record, topics, partitions, _repeat(ks), keys, _repeat(vs), values, offsets,
                        timestamps, types, iter(list, None), original_topics, partitions, _repeat(None)))

    def _column(self, col: cpb.DataColumn, n: int) -> tuple[Schema | None, Any]:
        t = col.type
        if t == _COL_STRING:
            values = list(col.strings)
            want = SchemaType.STRING
        elif t == _COL_BYTES or t == _COL_RAW:
            values = list(col.bytes)
            want = SchemaType.BYTES
        elif t == _COL_NULL:
            return None, _repeat(None, n)
        else:
            raise WireError(f"unknown sink column type {t}")
        if t == _COL_RAW:
            if col.nulls:
                raise WireError("a RAW sink column has nulls (a Put's raw keys and values are never absent)")
            if len(values) != n:
                raise WireError(f"a sink column has {len(values)} values for {n} records")
            return Schema.OPTIONAL_BYTES_SCHEMA, values
        if not values:
            values = _repeat(None, n)  # every value null
        elif len(values) != n:
            raise WireError(f"a sink column has {len(values)} values for {n} records")
        else:
            for i in col.nulls:
                values[i] = None
        if not col.HasField("schema"):
            return None, values
        schema = self.schemas.read(col.schema)
        if schema.type is not want or schema.name is not None:
            raise WireError(f"a {want.name} sink column cannot have the schema {schema}")
        return schema, values

    def _data(self, d: dpb.RecordData) -> tuple[Schema | None, Any]:
        kind = d.WhichOneof("kind")
        if kind == "structured":
            st = d.structured
            if st.HasField("schema"):
                schema = self.schemas.read(st.schema)
                return schema, (schema._decoder or value_decoder(schema))(st.value)
            return None, decode_any(st.value)
        if kind == "raw":
            return Schema.OPTIONAL_BYTES_SCHEMA, d.raw
        return None, None

    def _header(self, h: dpb.Header) -> Header:
        if h.HasField("schema"):
            schema = self.schemas.read(h.schema)
            return Header(h.key, value_decoder(schema)(h.value), schema)
        return Header(h.key, decode_any(h.value), None)


def sink_context(offsets: Iterable[tuple[tuple[str, int], int]] = (),
                 pause: Iterable[tuple[str, int]] = (), resume: Iterable[tuple[str, int]] = (),
                 request_commit: bool = False) -> cpb.SinkContext:
    """A `SinkContext` (Kafka Connect's SinkTaskContext requests)."""
    msg = cpb.SinkContext(request_commit=request_commit)
    for (topic, partition), offset in offsets:
        msg.offsets.add(topic=topic, partition=partition, offset=offset)
    for topic, partition in pause:
        msg.pause.add(topic=topic, partition=partition)
    for topic, partition in resume:
        msg.resume.add(topic=topic, partition=partition)
    return msg


def error_proto(kind: int, exc: BaseException | None = None, message: str | None = None,
                detail: str | None = None, retry_after_ms: int = 0) -> cpb.Error:
    """An `Error` message for an exception (or a plain message)."""
    import traceback

    e = cpb.Error(kind=kind)
    if exc is not None:
        e.message = message if message is not None else (str(exc) or type(exc).__name__)
        e.error_class = type(exc).__name__
        e.detail = detail if detail is not None else "".join(
            traceback.format_exception(type(exc), exc, exc.__traceback__)
        )
    else:
        e.message = message or ""
        if detail:
            e.detail = detail
    if retry_after_ms:
        e.retry_after_ms = retry_after_ms
    return e
