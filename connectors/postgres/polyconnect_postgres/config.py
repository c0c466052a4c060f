"""PostgresSink's configuration: the keys of Confluent's JDBC sink that make sense for
PostgreSQL, their checks, and the parsed form the task works with."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Mapping

import psycopg
from psycopg import conninfo as pg_conninfo

from polyconnect import ConfigDef, ConfigError, Importance, NonEmptyString, Range, Type, ValidString

CONNECTION_URL = "connection.url"
CONNECTION_USER = "connection.user"
CONNECTION_PASSWORD = "connection.password"
TABLE_NAME_FORMAT = "table.name.format"
INSERT_MODE = "insert.mode"
PK_MODE = "pk.mode"
PK_FIELDS = "pk.fields"
AUTO_CREATE = "auto.create"
AUTO_EVOLVE = "auto.evolve"
DELETE_ENABLED = "delete.enabled"
BATCH_SIZE = "batch.size"
RETRY_BACKOFF_MS = "retry.backoff.ms"

INSERT_MODES = ("insert", "upsert")
PK_MODES = ("none", "kafka", "record_key", "record_value")

#: The column of a primitive key in ``pk.mode=record_key`` without ``pk.fields``.
DEFAULT_KEY_COLUMN = "__connect_key"
#: The columns of ``pk.mode=kafka`` (Confluent's names), in this order.
KAFKA_PK_COLUMNS = ("__connect_topic", "__connect_partition", "__connect_offset")

_CONNECTION = "Connection"
_WRITES = "Writes"
_DDL = "Data Mapping"

CONFIG_DEF = (
    ConfigDef()
    .define(CONNECTION_URL, Type.STRING, validator=NonEmptyString(), importance=Importance.HIGH,
            group=_CONNECTION, order_in_group=1,
            doc="The PostgreSQL database: a JDBC URL (jdbc:postgresql://host:port/db?...), a libpq URI "
                "(postgresql://host:port/db?...) or libpq key=value settings (host=... dbname=...).")
    .define(CONNECTION_USER, Type.STRING, default=None, importance=Importance.HIGH,
            group=_CONNECTION, order_in_group=2, doc="The database user, if not in the URL.")
    .define(CONNECTION_PASSWORD, Type.PASSWORD, default=None, importance=Importance.HIGH,
            group=_CONNECTION, order_in_group=3, doc="The database user's password, if not in the URL.")
    .define(RETRY_BACKOFF_MS, Type.INT, default=3000, validator=Range.at_least(0), importance=Importance.MEDIUM,
            group=_CONNECTION, order_in_group=4,
            doc="How long to wait before the same records are written again after the connection to "
                "PostgreSQL was lost.")
    .define(INSERT_MODE, Type.STRING, default="insert", validator=ValidString.in_(*INSERT_MODES),
            importance=Importance.HIGH, group=_WRITES, order_in_group=1,
            doc="insert: plain INSERT statements. upsert: INSERT ... ON CONFLICT (primary key) DO UPDATE, "
                "so a record replaces the row with the same key; needs a pk.mode other than none.")
    .define(BATCH_SIZE, Type.INT, default=3000, validator=Range.at_least(1), importance=Importance.MEDIUM,
            group=_WRITES, order_in_group=2,
            doc="The most records sent to PostgreSQL in one batched statement.")
    .define(DELETE_ENABLED, Type.BOOLEAN, default=False, importance=Importance.MEDIUM,
            group=_WRITES, order_in_group=3,
            doc="Whether a tombstone (a record with a null value) deletes the row with its key. Needs "
                "pk.mode=record_key. When false, tombstones are skipped.")
    .define(TABLE_NAME_FORMAT, Type.STRING, default="${topic}", validator=NonEmptyString(),
            importance=Importance.MEDIUM, group=_DDL, order_in_group=1,
            doc="The table a record goes to; ${topic} is replaced by the record's topic. A dot in the format "
                "separates the schema from the table name (e.g. kafka.${topic}); dots in the topic do not.")
    .define(PK_MODE, Type.STRING, default="none", validator=ValidString.in_(*PK_MODES),
            importance=Importance.HIGH, group=_DDL, order_in_group=2,
            doc="Where the primary key comes from. none: no key. kafka: the record's topic, partition and "
                "offset (__connect_topic, __connect_partition, __connect_offset). record_key: the record key "
                "(a primitive, or fields of a struct). record_value: fields of the record value.")
    .define(PK_FIELDS, Type.LIST, default="", importance=Importance.MEDIUM, group=_DDL, order_in_group=3,
            doc="The primary key columns. record_key: the column name of a primitive key (default "
                "__connect_key), or the key struct's fields (default all). record_value: the value's fields "
                "(default all). kafka: three column names instead of Confluent's.")
    .define(AUTO_CREATE, Type.BOOLEAN, default=False, importance=Importance.MEDIUM, group=_DDL,
            order_in_group=4,
            doc="Whether a missing table is created (CREATE TABLE) from the record's schemas.")
    .define(AUTO_EVOLVE, Type.BOOLEAN, default=False, importance=Importance.MEDIUM, group=_DDL,
            order_in_group=5,
            doc="Whether a field missing from the table is added to it (ALTER TABLE ... ADD COLUMN, always "
                "nullable).")
)

_JDBC_PREFIX = re.compile(r"^jdbc:(postgresql|postgres):", re.IGNORECASE)
_URI = re.compile(r"^(postgresql|postgres)://", re.IGNORECASE)
_OTHER_JDBC = re.compile(r"^jdbc:([a-z0-9]+):", re.IGNORECASE)
# JDBC URL parameters of the PostgreSQL driver that libpq spells differently.
_JDBC_PARAMS = {"ssl": None, "loggerLevel": None, "currentSchema": "options", "ApplicationName": "application_name",
                "connectTimeout": "connect_timeout", "sslfactory": None}


@dataclasses.dataclass(frozen=True)
class SinkConfig:
    conninfo: str  # never logged: it may hold the password
    where: str  # host, port and database, for log lines
    table_format: str
    upsert: bool
    pk_mode: str
    pk_fields: tuple[str, ...]
    auto_create: bool
    auto_evolve: bool
    delete_enabled: bool
    batch_size: int
    retry_backoff_ms: int


def to_conninfo(url: str, user: str | None = None, password: str | None = None) -> str:
    """libpq connection settings for ``connection.url`` (a JDBC URL, a libpq URI or libpq
    key=value settings), with ``user``/``password`` when given. Raises ConfigError."""
    url = url.strip()
    other = _OTHER_JDBC.match(url)
    if other and not _JDBC_PREFIX.match(url):
        raise ConfigError(f"not a PostgreSQL URL: this connector writes to PostgreSQL only, "
                          f"not to a '{other.group(1)}' database")
    if _JDBC_PREFIX.match(url):
        url = _jdbc_to_uri(_JDBC_PREFIX.sub("postgresql:", url, count=1))
    elif "://" in url and not _URI.match(url):
        raise ConfigError("expected jdbc:postgresql://..., postgresql://... or libpq key=value settings")
    extra: dict[str, Any] = {}
    if user:
        extra["user"] = user
    if password:
        extra["password"] = str(password)
    try:
        # Always key=value settings: one form to read back and to add to.
        info = pg_conninfo.make_conninfo("", **{**pg_conninfo.conninfo_to_dict(url), **extra})
    except psycopg.ProgrammingError as e:
        # libpq's message names the bad part; it never echoes a password.
        raise ConfigError(f"invalid connection settings: {str(e).strip()}") from None
    return info


def _jdbc_to_uri(url: str) -> str:
    """A JDBC URL after its ``jdbc:`` (``postgresql://host/db?user=..&ssl=true``) as a libpq
    URI: JDBC-only parameters are translated or dropped."""
    base, _, query = url.partition("?")
    if not query:
        return base
    from urllib.parse import parse_qsl, quote, urlencode

    params = []
    for k, v in parse_qsl(query, keep_blank_values=True):
        if k in _JDBC_PARAMS:
            target = _JDBC_PARAMS[k]
            if k == "ssl" and v.lower() == "true":
                params.append(("sslmode", "require"))
            elif target == "options":
                params.append(("options", f"-c search_path={v}"))
            elif target:
                params.append((target, v))
        else:
            params.append((k, v))
    return base + ("?" + urlencode(params, quote_via=quote) if params else "")


def describe(conninfo: str) -> str:
    """``host:port/dbname`` for log lines (never the password)."""
    d = pg_conninfo.conninfo_to_dict(conninfo)
    return f"{d.get('host', 'localhost')}:{d.get('port', 5432)}/{d.get('dbname', d.get('user', ''))}"


def problems(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Checks across keys, on parsed values: ``{key: [errors]}``."""
    out: dict[str, list[str]] = {}

    def add(key: str, msg: str) -> None:
        out.setdefault(key, []).append(msg)

    url = values.get(CONNECTION_URL)
    if url:
        try:
            to_conninfo(url, values.get(CONNECTION_USER), values.get(CONNECTION_PASSWORD))
        except ConfigError as e:
            add(CONNECTION_URL, str(e))
    pk_mode = values.get(PK_MODE)
    pk_fields = values.get(PK_FIELDS) or []
    if values.get(INSERT_MODE) == "upsert" and pk_mode == "none":
        add(PK_MODE, "insert.mode=upsert needs a primary key: set pk.mode to record_key, record_value or kafka")
    if values.get(DELETE_ENABLED) and pk_mode != "record_key":
        add(DELETE_ENABLED, "delete.enabled=true needs pk.mode=record_key (a tombstone names its row by its key)")
    if pk_mode == "none" and pk_fields:
        add(PK_FIELDS, "pk.fields is set but pk.mode is none")
    if pk_mode == "kafka" and pk_fields and len(pk_fields) != 3:
        add(PK_FIELDS, "pk.mode=kafka takes exactly three column names (topic, partition, offset), "
                       f"not {len(pk_fields)}")
    if len(set(pk_fields)) != len(pk_fields):
        add(PK_FIELDS, "pk.fields names a field more than once")
    if any(not f for f in pk_fields):
        add(PK_FIELDS, "pk.fields has an empty name")
    fmt = values.get(TABLE_NAME_FORMAT)
    if fmt and any(not part.strip() for part in fmt.split(".")):
        add(TABLE_NAME_FORMAT, "an empty schema or table name (check the dots)")
    if fmt and len(fmt.split(".")) > 2:
        add(TABLE_NAME_FORMAT, "at most one dot: schema.table")
    return out


def parse(config: Mapping[str, str]) -> SinkConfig:
    """The task's view of a configuration; raises ConfigError naming the first bad key."""
    values = CONFIG_DEF.parse(config)
    for key, errs in problems(values).items():
        if errs:
            raise ConfigError(f"Invalid configuration {key}: {errs[0]}")
    info = to_conninfo(values[CONNECTION_URL], values[CONNECTION_USER], values[CONNECTION_PASSWORD])
    return SinkConfig(
        conninfo=info,
        where=describe(info),
        table_format=values[TABLE_NAME_FORMAT],
        upsert=values[INSERT_MODE] == "upsert",
        pk_mode=values[PK_MODE],
        pk_fields=tuple(values[PK_FIELDS]),
        auto_create=values[AUTO_CREATE],
        auto_evolve=values[AUTO_EVOLVE],
        delete_enabled=values[DELETE_ENABLED],
        batch_size=values[BATCH_SIZE],
        retry_backoff_ms=values[RETRY_BACKOFF_MS],
    )
