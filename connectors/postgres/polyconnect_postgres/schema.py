"""From Kafka Connect records to rows: which table, which columns of which PostgreSQL
types, which of them form the primary key, and each record's parameters.

A :class:`Plan` is worked out once per (table, key schema, value schema) and reused for
every record with those schemas (the SDK hands the same schema objects to records that
share a schema)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from polyconnect import Schema, SchemaType, SinkRecord, Struct
from polyconnect.data import DATE_NAME, DECIMAL_NAME, TIME_NAME, TIMESTAMP_NAME

from .config import DEFAULT_KEY_COLUMN, KAFKA_PK_COLUMNS, SinkConfig

_PRIMITIVE_TYPES = {
    SchemaType.INT8: "SMALLINT",  # PostgreSQL has no one-byte integer
    SchemaType.INT16: "SMALLINT",
    SchemaType.INT32: "INTEGER",
    SchemaType.INT64: "BIGINT",
    SchemaType.FLOAT32: "REAL",
    SchemaType.FLOAT64: "DOUBLE PRECISION",
    SchemaType.BOOLEAN: "BOOLEAN",
    SchemaType.STRING: "TEXT",
    SchemaType.BYTES: "BYTEA",
}
_LOGICAL_TYPES = {
    DECIMAL_NAME: "NUMERIC",
    DATE_NAME: "DATE",
    TIME_NAME: "TIME",
    TIMESTAMP_NAME: "TIMESTAMP",
}
# Schemas of the pk.mode=kafka columns, and of schemaless primitive keys by Python type.
_KAFKA_SCHEMAS = (Schema.STRING_SCHEMA, Schema.INT32_SCHEMA, Schema.INT64_SCHEMA)
_SCHEMALESS_KEYS = {
    bool: Schema.BOOLEAN_SCHEMA,
    int: Schema.INT64_SCHEMA,
    float: Schema.FLOAT64_SCHEMA,
    str: Schema.STRING_SCHEMA,
    bytes: Schema.BYTES_SCHEMA,
}


class RecordError(Exception):
    """This record cannot be written (reported as an errant record, the task goes on)."""


@dataclasses.dataclass(frozen=True)
class TableId:
    schema: str | None
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


def table_for(fmt: str, topic: str) -> TableId:
    """``table.name.format`` for ``topic``: a dot in the format separates the schema, a dot
    in the topic is part of the name."""
    parts = [p.strip().replace("${topic}", topic) for p in fmt.split(".")]
    if len(parts) == 1:
        return TableId(None, parts[0])
    return TableId(parts[0], parts[1])


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    pg_type: str
    nullable: bool
    default: Any = None  # the field schema's default, used in CREATE TABLE / ADD COLUMN


def pg_type(schema: Schema, where: str) -> str:
    """The PostgreSQL type of a field schema; RecordError for what has no column type."""
    if schema.name in _LOGICAL_TYPES:
        return _LOGICAL_TYPES[schema.name]
    t = _PRIMITIVE_TYPES.get(schema.type)
    if t is not None:
        return t
    if schema.type is SchemaType.STRUCT:
        raise RecordError(f"{where} is a nested STRUCT, which has no column type: flatten it first, e.g. with "
                          "transforms=flatten, transforms.flatten.type=org.apache.kafka.connect.transforms."
                          "Flatten$Value, transforms.flatten.delimiter=_")
    raise RecordError(f"{where} is an {schema.type.name}, which has no column type here "
                      "(only primitives, Decimal, Date, Time and Timestamp map to columns)")


def column(name: str, schema: Schema, where: str, key: bool = False) -> Column:
    return Column(name, pg_type(schema, where), nullable=schema.optional and not key,
                  default=schema.default_value)


def sql_value(v: Any) -> Any:
    """A record value as a query parameter. Timestamps are written as UTC wall-clock
    times into ``TIMESTAMP`` columns."""
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return v


@dataclasses.dataclass(frozen=True)
class Plan:
    """How records with one pair of schemas become rows of one table."""

    table: TableId
    key_columns: tuple[Column, ...]
    value_columns: tuple[Column, ...]
    # Where each key column's value comes from: ("kafka", i), ("key", None) for a primitive
    # key, ("key", field) or ("value", field).
    key_sources: tuple[tuple[str, Any], ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.key_columns + self.value_columns

    def key_params(self, r: SinkRecord) -> list[Any]:
        out = []
        for (src, name), col in zip(self.key_sources, self.key_columns):
            if src == "kafka":
                v = (r.topic, r.kafka_partition, r.kafka_offset)[name]
            elif src == "key":
                v = r.key if name is None else r.key.get(name)
            else:
                v = r.value.get(name)
            if v is None:
                raise RecordError(f"primary key column {col.name} of {self.table} would be null "
                                  f"(topic {r.topic}, partition {r.kafka_partition}, offset {r.kafka_offset})")
            out.append(sql_value(v))
        return out

    def params(self, r: SinkRecord) -> list[Any]:
        value: Struct = r.value
        return self.key_params(r) + [sql_value(value.get(c.name)) for c in self.value_columns]


def _key_schema(r: SinkRecord) -> Schema:
    if r.key is None:
        raise RecordError("pk.mode=record_key needs a record key, and this record has none")
    if r.key_schema is not None:
        return r.key_schema
    s = _SCHEMALESS_KEYS.get(type(r.key))
    if s is None:
        raise RecordError(f"pk.mode=record_key: a schemaless key must be a primitive, not {type(r.key).__name__} "
                          "(use a converter with schemas, e.g. JsonConverter with schemas.enable=true)")
    return s


def _key_part(cfg: SinkConfig, key_schema: Schema) -> tuple[list[Column], list[tuple[str, Any]]]:
    """The primary key columns of pk.mode=record_key and where their values come from."""
    if key_schema.type is SchemaType.STRUCT:
        names = list(cfg.pk_fields) or [f.name for f in key_schema.fields]
        if not names:
            raise RecordError("pk.mode=record_key: the key struct has no fields")
        cols, sources = [], []
        for n in names:
            f = key_schema.field(n)
            if f is None:
                raise RecordError(f"pk.fields names {n!r}, which the key struct does not have "
                                  f"(its fields: {', '.join(x.name for x in key_schema.fields)})")
            cols.append(column(n, f.schema, f"key field {n!r}", key=True))
            sources.append(("key", n))
        return cols, sources
    if len(cfg.pk_fields) > 1:
        raise RecordError(f"pk.mode=record_key with a primitive ({key_schema.type.name}) key takes one pk.fields "
                          f"name, not {len(cfg.pk_fields)}")
    name = cfg.pk_fields[0] if cfg.pk_fields else DEFAULT_KEY_COLUMN
    return [column(name, key_schema, "the record key", key=True)], [("key", None)]


def plan_for(cfg: SinkConfig, r: SinkRecord, table: TableId) -> Plan:
    """The plan for a record with a value (not a tombstone)."""
    vs = r.value_schema
    if vs is None or vs.type is not SchemaType.STRUCT or not isinstance(r.value, Struct):
        what = "no value schema" if vs is None else f"a {vs.type.name} value schema"
        raise RecordError(f"this connector writes records whose value is a STRUCT with a schema, and this one has "
                          f"{what} (use a converter with schemas, e.g. JsonConverter with schemas.enable=true)")
    fields = {f.name: f for f in vs.fields}
    key_cols: list[Column] = []
    sources: list[tuple[str, Any]] = []
    if cfg.pk_mode == "kafka":
        names = cfg.pk_fields or KAFKA_PK_COLUMNS
        for i, (n, s) in enumerate(zip(names, _KAFKA_SCHEMAS)):
            key_cols.append(column(n, s, n, key=True))
            sources.append(("kafka", i))
    elif cfg.pk_mode == "record_key":
        key_cols, sources = _key_part(cfg, _key_schema(r))
    elif cfg.pk_mode == "record_value":
        names = list(cfg.pk_fields) or list(fields)
        for n in names:
            f = fields.get(n)
            if f is None:
                raise RecordError(f"pk.fields names {n!r}, which the value struct does not have "
                                  f"(its fields: {', '.join(fields)})")
            key_cols.append(column(n, f.schema, f"value field {n!r}", key=True))
            sources.append(("value", n))
    key_names = {c.name for c in key_cols}
    value_cols = tuple(column(f.name, f.schema, f"value field {f.name!r}")
                       for f in vs.fields if f.name not in key_names)
    return Plan(table, tuple(key_cols), value_cols, tuple(sources))


def delete_plan_for(cfg: SinkConfig, r: SinkRecord, table: TableId) -> Plan:
    """The plan for a tombstone (pk.mode=record_key, delete.enabled=true)."""
    key_cols, sources = _key_part(cfg, _key_schema(r))
    return Plan(table, tuple(key_cols), (), tuple(sources))
