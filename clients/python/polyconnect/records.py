"""Records as a connector sees them: what a source task returns from ``poll`` and what a
sink task receives in ``put``."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, NamedTuple

from .data import Schema

__all__ = [
    "RawBytes",
    "Header",
    "TraceContext",
    "SourceRecord",
    "SinkRecord",
    "RecordMetadata",
    "TopicPartition",
    "TimestampType",
]


class RawBytes:
    """An already serialized key or value (the raw-bytes fast path): written to Kafka as it
    is, without the worker's converter. ``SourceRecord(..., value=RawBytes(b"..."))``."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | bytearray | memoryview):
        self.data = bytes(data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawBytes) and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.data)

    def __repr__(self) -> str:
        return f"RawBytes({self.data!r})"


class TraceContext(NamedTuple):
    """W3C trace context (``traceparent``, ``tracestate``)."""

    traceparent: str
    tracestate: str = ""


class Header(NamedTuple):
    """A record header; ``schema`` None means a schemaless value."""

    key: str
    value: Any
    schema: Schema | None = None


class TopicPartition(NamedTuple):
    topic: str
    partition: int


class RecordMetadata(NamedTuple):
    """Where Kafka stored a source record (given to ``SourceTask.commit_record``)."""

    topic: str
    partition: int
    offset: int


class TimestampType:
    NO_TIMESTAMP_TYPE = "NoTimestampType"
    CREATE_TIME = "CreateTime"
    LOG_APPEND_TIME = "LogAppendTime"


def _headers(headers: Iterable[Any] | None) -> list[Header]:
    if not headers:
        return []
    out = []
    for h in headers:
        out.append(h if isinstance(h, Header) else Header(*h))
    return out


class SourceRecord:
    """A record produced by a source task (Kafka Connect's SourceRecord).

    ``source_partition`` and ``source_offset`` are dicts of primitives (or None for
    sources without offsets). ``key``/``value`` are Python values matching
    ``key_schema``/``value_schema``; a schema of None means schemaless data, and a
    :class:`RawBytes` value is sent unconverted. ``timestamp`` is milliseconds since the
    epoch or a ``datetime``; None lets the producer choose. ``headers`` is a list of
    :class:`Header` or ``(key, value[, schema])`` tuples."""

    __slots__ = ("source_partition", "source_offset", "topic", "kafka_partition", "key_schema", "key",
                 "value_schema", "value", "timestamp", "headers", "trace")

    def __init__(
        self,
        source_partition: dict | None,
        source_offset: dict | None,
        topic: str,
        kafka_partition: int | None = None,
        key_schema: Schema | None = None,
        key: Any = None,
        value_schema: Schema | None = None,
        value: Any = None,
        timestamp: int | _dt.datetime | None = None,
        headers: Iterable[Any] | None = None,
        trace: TraceContext | str | None = None,
    ):
        self.source_partition = source_partition
        self.source_offset = source_offset
        self.topic = topic
        self.kafka_partition = kafka_partition
        self.key_schema = key_schema
        self.key = key
        self.value_schema = value_schema
        self.value = value
        self.timestamp = timestamp
        self.headers = headers
        self.trace = trace

    def __repr__(self) -> str:
        return (f"SourceRecord(topic={self.topic!r}, partition={self.source_partition!r}, "
                f"offset={self.source_offset!r}, key={self.key!r}, value={self.value!r})")


class SinkRecord:
    """A record delivered to a sink task (Kafka Connect's SinkRecord)."""

    __slots__ = ("topic", "kafka_partition", "kafka_offset", "key_schema", "key", "value_schema", "value",
                 "timestamp", "timestamp_type", "headers", "original_topic", "original_kafka_partition",
                 "trace")

    def __init__(
        self,
        topic: str,
        kafka_partition: int,
        key_schema: Schema | None,
        key: Any,
        value_schema: Schema | None,
        value: Any,
        kafka_offset: int,
        timestamp: int | None = None,
        timestamp_type: str = TimestampType.NO_TIMESTAMP_TYPE,
        headers: Iterable[Any] | None = None,
        original_topic: str | None = None,
        original_kafka_partition: int | None = None,
        trace: TraceContext | None = None,
    ):
        self.topic = topic
        self.kafka_partition = kafka_partition
        self.key_schema = key_schema
        self.key = key
        self.value_schema = value_schema
        self.value = value
        self.kafka_offset = kafka_offset
        self.timestamp = timestamp
        self.timestamp_type = timestamp_type
        self.headers = _headers(headers)
        self.original_topic = original_topic if original_topic else topic
        self.original_kafka_partition = (
            original_kafka_partition if original_kafka_partition is not None else kafka_partition
        )
        self.trace = trace

    @property
    def original_kafka_offset(self) -> int:
        return self.kafka_offset

    def __repr__(self) -> str:
        return (f"SinkRecord(topic={self.topic!r}, partition={self.kafka_partition}, "
                f"offset={self.kafka_offset}, key={self.key!r}, value={self.value!r})")


class _DecodedSinkRecord(SinkRecord):
    """A SinkRecord as the SDK decodes it from the core: its fields come normalised (headers
    a list, the original coordinates filled in), so construction only stores them."""

    __slots__ = ()

    def __init__(self, topic, kafka_partition, key_schema, key, value_schema, value, kafka_offset,
                 timestamp, timestamp_type, headers, original_topic, original_kafka_partition, trace):
        self.topic = topic
        self.kafka_partition = kafka_partition
        self.key_schema = key_schema
        self.key = key
        self.value_schema = value_schema
        self.value = value
        self.kafka_offset = kafka_offset
        self.timestamp = timestamp
        self.timestamp_type = timestamp_type
        self.headers = headers
        self.original_topic = original_topic
        self.original_kafka_partition = original_kafka_partition
        self.trace = trace
