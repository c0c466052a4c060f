"""FileStreamSink: appends each record's value as a line to a file (or standard output),
like Kafka Connect's ``org.apache.kafka.connect.file.FileStreamSinkConnector``.

A value is written as Java's ``String.valueOf(value)`` would print it: a string as it is,
null as ``null``, numbers, booleans, lists (``[a, b]``), maps (``{k=v}``) and structs
(``Struct{a=1,b=x}``) as their Java ``toString``. Bytes are written as they are. Each
``put`` is one write of all its lines; ``flush`` makes them durable (fsync) and returns the
offsets it was given.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import math
import os
import struct
import sys
from typing import Any, BinaryIO

from polyconnect import (
    ConfigDef,
    ConfigError,
    Importance,
    Schema,
    SchemaType,
    SinkConnector,
    SinkTask,
    Struct,
    Type,
)

from . import __version__

log = logging.getLogger("polyconnect_file.sink")

FILE_CONFIG = "file"
BUFFER_SIZE = 1 << 20

CONFIG_DEF = ConfigDef().define(
    FILE_CONFIG, Type.STRING, default=None, importance=Importance.HIGH,
    doc="Destination filename. If not specified, the standard output will be used",
)


class FileStreamSinkTask(SinkTask):
    def start(self, config: dict[str, str]) -> None:
        values = CONFIG_DEF.parse(config)
        self.filename: str | None = values[FILE_CONFIG] or None
        if self.filename is None:
            self.out: BinaryIO = sys.stdout.buffer
        else:
            try:
                self.out = open(self.filename, "ab", buffering=BUFFER_SIZE)
            except OSError as e:
                raise ConfigError(f"Couldn't find or create file '{self.filename}' for FileStreamSinkTask: {e}") from e
        log.info("writing to %s", self.filename or "standard output")

    def put(self, records: list) -> None:
        if not records:
            return
        try:
            # The usual case, string values: one join and one encode for the whole batch.
            data = "\n".join([r.value for r in records]).encode()
        except TypeError:  # a value that is not a string
            data = b"\n".join([self._line(r) for r in records])
        # One write per batch: readers of the file see the lines at once, as with Kafka
        # Connect's unbuffered stream; flush() makes them durable.
        self.out.write(data + b"\n")
        self.out.flush()

    @staticmethod
    def _line(r: Any) -> bytes:
        v = r.value
        if v.__class__ is str:
            return v.encode()
        if isinstance(v, (bytes, bytearray)):
            return bytes(v)
        return java_string(v, r.value_schema).encode()

    def flush(self, offsets: dict) -> None:
        self.out.flush()
        if self.filename is not None:
            os.fsync(self.out.fileno())

    def stop(self) -> None:
        out = getattr(self, "out", None)
        if out is None:
            return
        try:
            out.flush()
        finally:
            if self.filename is not None:
                out.close()


class FileStreamSink(SinkConnector):
    class_name = "FileStreamSink"
    aliases = ["org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSinkConnector"]
    version = __version__
    config_def = CONFIG_DEF
    task_class = FileStreamSinkTask

    def start(self, config: dict[str, str]) -> None:
        values = CONFIG_DEF.parse(config)
        log.info("Starting file sink connector writing to %s", values[FILE_CONFIG] or "standard output")

    def task_configs(self, max_tasks: int) -> list[dict[str, str]]:
        return [dict(self.config) for _ in range(max_tasks)]


# ---------------------------------------------------------------------------------------
# Java's String.valueOf for Kafka Connect values.
# ---------------------------------------------------------------------------------------

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def java_string(value: Any, schema: Schema | None = None) -> str:
    """``String.valueOf(value)`` as the JVM would print a Kafka Connect value (dates in
    UTC, as on a worker whose time zone is UTC)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if schema is not None and schema.type is SchemaType.FLOAT32:
            return java_float(value)
        return java_double(value)
    if isinstance(value, decimal.Decimal):
        return str(value)  # BigDecimal.toString: the same scientific-string rules
    if isinstance(value, Struct):
        return "Struct{" + ",".join(
            f"{f.name}={java_string(v, f.schema)}"
            for f, v in zip(value.schema.fields, value._values) if v is not None
        ) + "}"
    if isinstance(value, (list, tuple)):
        item = schema.value_schema if schema is not None and schema.type is SchemaType.ARRAY else None
        return "[" + ", ".join(java_string(v, item) for v in value) + "]"
    if isinstance(value, dict):
        ks = vs = None
        if schema is not None and schema.type is SchemaType.MAP:
            ks, vs = schema.key_schema, schema.value_schema
        return "{" + ", ".join(f"{java_string(k, ks)}={java_string(v, vs)}" for k, v in value.items()) + "}"
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dt.datetime):
        return _java_date(value)
    if isinstance(value, dt.date):
        return _java_date(dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc))
    if isinstance(value, dt.time):
        return _java_date(dt.datetime(1970, 1, 1, value.hour, value.minute, value.second, value.microsecond,
                                      tzinfo=dt.timezone.utc))
    return str(value)


def _java_date(d: dt.datetime) -> str:
    """java.util.Date.toString in UTC: ``Thu Jan 01 00:00:00 UTC 1970``."""
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc)
    return (f"{_DAYS[d.weekday()]} {_MONTHS[d.month - 1]} {d.day:02d} "
            f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} UTC {d.year}")


def java_double(x: float) -> str:
    """Double.toString: the shortest digits that read back as ``x``; plain notation for
    1e-3 <= |x| < 1e7, otherwise ``d.dddE±n``."""
    return _java_fp(x, repr(x))


def java_float(x: float) -> str:
    """Float.toString for a FLOAT32 value (shortest digits that read back as the float)."""
    if math.isnan(x) or math.isinf(x) or x == 0:
        return _java_fp(x, repr(x))
    target = struct.pack("<f", x)
    for digits in range(1, 10):
        s = f"{x:.{digits}g}"
        try:
            if struct.pack("<f", float(s)) == target:
                return _java_fp(float(s), repr(float(s)))
        except OverflowError:
            continue
    return _java_fp(x, repr(x))


def _java_fp(x: float, shortest: str) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    sign = "-" if x < 0 else ""
    d = decimal.Decimal(shortest.lstrip("-"))
    _, digits, exp = d.as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    # value = 0.ds * 10^point
    point = len(digits) + exp
    if 1e-3 <= abs(x) < 1e7:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{ds}"
        if point >= len(ds):
            return f"{sign}{ds}{'0' * (point - len(ds))}.0"
        return f"{sign}{ds[:point]}.{ds[point:]}"
    mantissa = ds[0] + "." + (ds[1:] or "0")
    return f"{sign}{mantissa}E{point - 1}"
