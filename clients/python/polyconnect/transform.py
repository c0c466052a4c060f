"""Single message transforms and predicates, served out of process (the protocol's
`Transform` service, docs/adr/0016-transforms-and-predicates-out-of-process.md).

A transform is a class with ``apply``; ``serve`` it like a connector::

    from polyconnect import Transformation, serve

    class Upper(Transformation):
        def apply(self, record):
            return record.new_record(value=record.value.upper())

    serve(Upper)

A connector then names it in its chain: ``transforms.up.type=Upper``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar, Sequence

from .config import ConfigDef
from .data import Schema
from .records import Header, TimestampType, TraceContext
from .v1 import connector_pb2 as cpb
from .v1 import data_pb2 as dpb

log = logging.getLogger("polyconnect")

_SAME: Any = object()


class ConnectRecord:
    """Kafka Connect's ConnectRecord as a transform sees it. Records are not changed in
    place: ``new_record`` makes the transformed one (Kafka Connect's ``newRecord``)."""

    __slots__ = ("topic", "kafka_partition", "key_schema", "key", "value_schema", "value",
                 "timestamp", "headers", "kafka_offset", "timestamp_type", "trace")

    def __init__(self, topic: str, kafka_partition: int | None = None,
                 key_schema: Schema | None = None, key: Any = None,
                 value_schema: Schema | None = None, value: Any = None,
                 timestamp: int | None = None, headers: Sequence[Header] | None = None,
                 kafka_offset: int | None = None,
                 timestamp_type: str = TimestampType.NO_TIMESTAMP_TYPE,
                 trace: TraceContext | None = None):
        self.topic = topic
        self.kafka_partition = kafka_partition
        self.key_schema = key_schema
        self.key = key
        self.value_schema = value_schema
        self.value = value
        self.timestamp = timestamp
        self.headers = list(headers or [])
        self.kafka_offset = kafka_offset
        self.timestamp_type = timestamp_type
        self.trace = trace

    def new_record(self, topic: str = _SAME, kafka_partition: int | None = _SAME,
                   key_schema: Schema | None = _SAME, key: Any = _SAME,
                   value_schema: Schema | None = _SAME, value: Any = _SAME,
                   timestamp: int | None = _SAME,
                   headers: Sequence[Header] | None = _SAME) -> "ConnectRecord":
        """A copy with the given fields replaced (the others are kept)."""
        def pick(new: Any, old: Any) -> Any:
            return old if new is _SAME else new
        return ConnectRecord(
            pick(topic, self.topic), pick(kafka_partition, self.kafka_partition),
            pick(key_schema, self.key_schema), pick(key, self.key),
            pick(value_schema, self.value_schema), pick(value, self.value),
            pick(timestamp, self.timestamp), pick(headers, self.headers),
            self.kafka_offset, self.timestamp_type, self.trace)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConnectRecord) and all(
            getattr(self, s) == getattr(other, s) for s in self.__slots__)

    def __repr__(self) -> str:
        return (f"ConnectRecord(topic={self.topic!r}, partition={self.kafka_partition!r}, "
                f"key={self.key!r}, value={self.value!r}, headers={self.headers!r})")


class _Plugin:
    #: The canonical class name (default: the Python class name).
    class_name: ClassVar[str | None] = None
    #: Other names a connector config may use in ``transforms.<alias>.type``.
    aliases: ClassVar[Sequence[str]] = ()
    version: ClassVar[str] = "0.0.0"
    #: The configuration keys, served by ``GET /connector-plugins/{class}/config``.
    config_def: ClassVar[ConfigDef | None] = None

    @classmethod
    def plugin_name(cls) -> str:
        return cls.class_name or cls.__name__

    @classmethod
    def definition(cls) -> ConfigDef:
        return cls.config_def if cls.config_def is not None else ConfigDef()

    def configure(self, config: dict[str, str]) -> None:
        """The transform's settings (``transforms.<alias>.*`` without the prefix)."""

    def close(self) -> None:
        """Called when the task stops."""


class Transformation(_Plugin):
    """Kafka Connect's Transformation: ``apply`` returns the transformed record, or None to
    drop it. An exception fails the record: the core applies ``errors.tolerance`` and the
    dead letter queue to it, with the exception's class name."""

    def apply(self, record: ConnectRecord) -> ConnectRecord | None:
        raise NotImplementedError


class Predicate(_Plugin):
    """Kafka Connect's Predicate: ``test`` decides whether a transform applies to a record."""

    def test(self, record: ConnectRecord) -> bool:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------
# Wire: TransformRecord <-> ConnectRecord (one codec per stream: schema references).
# ---------------------------------------------------------------------------------------

_TS = {0: TimestampType.NO_TIMESTAMP_TYPE, 1: TimestampType.CREATE_TIME,
       2: TimestampType.LOG_APPEND_TIME}
_TS_BACK = {v: k for k, v in _TS.items()}


class TransformCodec:
    def __init__(self) -> None:
        from . import wire
        self._wire = wire
        self.reader = wire.SinkRecordDecoder()
        self.writer = wire.SchemaWriter(True)

    def decode(self, r: cpb.TransformRecord) -> ConnectRecord:
        data = self.reader._data
        ks, k = data(r.key)
        vs, v = data(r.value)
        trace = None
        if r.HasField("trace") and r.trace.traceparent:
            trace = TraceContext(r.trace.traceparent, r.trace.tracestate)
        return ConnectRecord(
            r.topic, r.kafka_partition if r.HasField("kafka_partition") else None,
            ks, k, vs, v, r.timestamp if r.HasField("timestamp") else None,
            [self.reader._header(h) for h in r.headers],
            r.kafka_offset if r.HasField("kafka_offset") else None,
            _TS.get(r.timestamp_type, TimestampType.NO_TIMESTAMP_TYPE), trace)

    def _data(self, out: dpb.RecordData, schema: Schema | None, value: Any) -> None:
        if schema is None and value is None:
            return
        st = out.structured
        if schema is not None:
            st.schema.CopyFrom(self.writer.to_proto(schema))
        st.value.CopyFrom(self._wire.value_to_proto(value, schema))

    def encode(self, r: ConnectRecord, out: cpb.TransformRecord) -> None:
        out.topic = r.topic
        if r.kafka_partition is not None:
            out.kafka_partition = r.kafka_partition
        self._data(out.key, r.key_schema, r.key)
        self._data(out.value, r.value_schema, r.value)
        if r.timestamp is not None:
            out.timestamp = r.timestamp
        for h in r.headers:
            ph = out.headers.add(key=h.key)
            if h.schema is not None:
                ph.schema.CopyFrom(self.writer.to_proto(h.schema))
            ph.value.CopyFrom(self._wire.value_to_proto(h.value, h.schema))
        if r.kafka_offset is not None:
            out.kafka_offset = r.kafka_offset
        out.timestamp_type = _TS_BACK.get(r.timestamp_type, 0)
        if r.trace is not None:
            out.trace.traceparent = r.trace.traceparent
            out.trace.tracestate = r.trace.tracestate


def run_batch(instance: Transformation | Predicate, codec: TransformCodec,
              batch: cpb.TransformBatch) -> cpb.TransformResponse:
    """One batch in, one result out: an outcome per record, in order."""
    from .wire import error_proto

    resp = cpb.TransformResponse()
    result = resp.result
    result.batch_id = batch.batch_id
    is_predicate = isinstance(instance, Predicate)
    for pr in batch.records:
        o = result.outcomes.add(index=pr.index)
        try:
            record = codec.decode(pr)
            if is_predicate:
                o.matches = bool(instance.test(record))
                continue
            out = instance.apply(record)
            if out is None:
                o.dropped = True
            else:
                codec.encode(out, o.record)
        except Exception as e:  # noqa: BLE001 - a record error, reported per record
            o.error.CopyFrom(error_proto(cpb.RECORD, e))
    return resp


class TransformSession:
    """One `Transform.Run` stream: one configured instance for one task's chain stage."""

    def __init__(self, plugins: Any, request_iterator: Any, context: Any):
        self.plugins = plugins
        self.requests = request_iterator
        self.context = context

    async def run(self) -> Any:
        from .streams.base import PROTOCOL_VERSIONS
        from .wire import error_proto

        it = self.requests.__aiter__()
        try:
            first = await it.__anext__()
        except StopAsyncIteration:
            return
        if first.WhichOneof("msg") != "start":
            yield cpb.TransformResponse(error=error_proto(cpb.FATAL, message="the first message must be TransformStart"))
            return
        start = first.start
        if start.protocol_version and start.protocol_version not in PROTOCOL_VERSIONS:
            yield cpb.TransformResponse(error=error_proto(
                cpb.CONFIG, message=f"protocol version {start.protocol_version} not spoken (this SDK: {list(PROTOCOL_VERSIONS)})"))
            return
        cls = self.plugins.find(start.class_name, (Transformation, Predicate))
        if cls is None:
            yield cpb.TransformResponse(error=error_proto(
                cpb.CONFIG, message=f"this process does not serve the transform or predicate '{start.class_name}'"))
            return
        config = dict(start.config)
        errors = {k: v for k, v in cls.definition().validate(config).items() if v}
        if errors:
            msg = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
            yield cpb.TransformResponse(error=error_proto(cpb.CONFIG, message=msg))
            return
        try:
            instance = cls()
            await asyncio.to_thread(instance.configure, config)
        except Exception as e:  # noqa: BLE001 - reported to the core
            yield cpb.TransformResponse(error=error_proto(cpb.CONFIG, e))
            return
        kind = cpb.PREDICATE if isinstance(instance, Predicate) else cpb.TRANSFORMATION
        yield cpb.TransformResponse(started=cpb.TransformStarted(type=kind))
        log.info("%s '%s' of %s task %d started", cls.plugin_name(), start.alias,
                 start.connector_name, start.task_id)
        codec = TransformCodec()
        heartbeat_s = (start.heartbeat_interval_ms or 5000) / 1000.0
        inbox: asyncio.Queue = asyncio.Queue()

        async def read() -> None:
            try:
                async for r in it:
                    await inbox.put(r)
            finally:
                await inbox.put(None)

        reader = asyncio.ensure_future(read())
        try:
            while True:
                try:
                    req = await asyncio.wait_for(inbox.get(), heartbeat_s)
                except asyncio.TimeoutError:
                    yield cpb.TransformResponse(heartbeat=cpb.Heartbeat())
                    continue
                if req is None:
                    break
                kind_ = req.WhichOneof("msg")
                if kind_ == "batch":
                    yield await asyncio.to_thread(run_batch, instance, codec, req.batch)
                elif kind_ == "stop":
                    break
        finally:
            reader.cancel()
            try:
                await asyncio.to_thread(instance.close)
            except Exception:  # noqa: BLE001
                log.warning("close() of %s failed", cls.plugin_name(), exc_info=True)
