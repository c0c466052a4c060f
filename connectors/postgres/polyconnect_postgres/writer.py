"""The PostgreSQL side: the connection, what tables look like, CREATE/ALTER TABLE, and
writing a put's rows in one transaction.

Errors are sorted three ways:

- the connection is gone or the server is unavailable (psycopg's OperationalError,
  InterfaceError): :class:`ConnectionLost`, and the task asks for the same records again;
- an authentication failure or a missing database at connect: ConfigError, the task fails;
- anything else the server rejects (a type mismatch, a constraint violation, a missing
  column): the records concerned become errant records, the others are written.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Sequence

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from polyconnect import ConfigError, SinkRecord

from .config import SinkConfig
from .schema import Column, Plan, RecordError, TableId, sql_value

log = logging.getLogger("polyconnect_postgres.writer")

CONNECT_TIMEOUT_S = 10
# SQLSTATE classes that a retry cannot fix: 28 invalid authorization, 3D no such database.
_FATAL_AT_CONNECT = ("28", "3D")
# SQLSTATE class 54 (program limit exceeded, e.g. too many columns) is an OperationalError
# in psycopg but is about the data, not the connection.
_DATA_CLASSES_AMONG_OPERATIONAL = ("54",)


class ConnectionLost(Exception):
    """The connection to PostgreSQL failed; what was not committed must be written again."""


def is_connection_problem(e: BaseException) -> bool:
    if isinstance(e, psycopg.InterfaceError):
        return True
    if isinstance(e, psycopg.OperationalError):
        state = getattr(e, "sqlstate", None) or ""
        return not state.startswith(_DATA_CLASSES_AMONG_OPERATIONAL)
    return False


def ident(t: TableId) -> sql.Composable:
    return sql.Identifier(t.schema, t.name) if t.schema else sql.Identifier(t.name)


class Database:
    """One connection (autocommit; explicit transactions) and what is known of tables."""

    def __init__(self, cfg: SinkConfig, application_name: str = "polyconnect-postgres"):
        self.cfg = cfg
        self.application_name = application_name
        self.conn: psycopg.Connection | None = None
        # Table -> {column: nullable}; None: the table does not exist.
        self._tables: dict[TableId, dict[str, bool] | None] = {}
        #: Grows whenever what is known of the tables is dropped (callers cache plans).
        self.generation = 0

    # ------------------------------------------------------------------ connection

    def connection(self) -> psycopg.Connection:
        if self.conn is not None and not self.conn.closed:
            return self.conn
        self.close()
        extra: dict[str, Any] = {}
        settings = psycopg.conninfo.conninfo_to_dict(self.cfg.conninfo)
        if "connect_timeout" not in settings:
            extra["connect_timeout"] = CONNECT_TIMEOUT_S
        if "application_name" not in settings:
            extra["application_name"] = self.application_name
        try:
            conn = psycopg.connect(self.cfg.conninfo, autocommit=True, **extra)
        except psycopg.OperationalError as e:
            state = getattr(e, "sqlstate", None) or ""
            msg = str(e).strip()
            if state.startswith(_FATAL_AT_CONNECT) or _looks_like_auth_failure(msg):
                raise ConfigError(f"cannot connect to PostgreSQL at {self.cfg.where}: {msg}") from None
            raise ConnectionLost(f"cannot connect to PostgreSQL at {self.cfg.where}: {msg}") from None
        try:
            # TIMESTAMP columns hold UTC wall-clock times, whatever the server's zone.
            conn.execute("SET TIME ZONE 'UTC'")
        except psycopg.Error as e:
            conn.close()
            raise ConnectionLost(f"setting up the connection to {self.cfg.where} failed: {e}") from None
        log.info("connected to PostgreSQL at %s", self.cfg.where)
        self.conn = conn
        return conn

    def close(self) -> None:
        conn, self.conn = self.conn, None
        self._tables.clear()  # the tables may change while we are away
        self.generation += 1
        if conn is not None:
            try:
                conn.close()
            except Exception:  # closing a broken connection
                pass

    # ------------------------------------------------------------------ tables

    def columns(self, table: TableId, refresh: bool = False) -> dict[str, bool] | None:
        """The table's columns (name -> nullable), or None when it does not exist."""
        if not refresh and table in self._tables:
            return self._tables[table]
        conn = self.connection()
        name = ident(table).as_string(conn)
        rows = conn.execute(
            "SELECT a.attname, NOT a.attnotnull FROM pg_catalog.pg_attribute a "
            "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
            (name,),
        ).fetchall()
        exists = rows or conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]
        cols = {r[0]: r[1] for r in rows} if exists else None
        self._tables[table] = cols
        return cols

    def forget(self, table: TableId) -> None:
        self._tables.pop(table, None)
        self.generation += 1

    def ensure_table(self, plan: Plan) -> None:
        """Makes the table fit the plan's columns (auto.create, auto.evolve) or raises
        RecordError saying why it does not."""
        table = plan.table
        cols = self.columns(table)
        if cols is None:
            cols = self.columns(table, refresh=True)
        if cols is None:
            if not self.cfg.auto_create:
                raise RecordError(f"table {table} does not exist (set auto.create=true to create it)")
            try:
                self._ddl(self._create_sql(plan), f"creating table {table}")
            except RecordError:
                # Another session may have created it meanwhile (a catalog race PostgreSQL
                # reports in more than one way): the table that exists now decides.
                if self.columns(table, refresh=True) is None:
                    raise
            cols = self.columns(table, refresh=True)
            if cols is None:
                raise RecordError(f"table {table} could not be created")
        missing = [c for c in plan.columns if c.name not in cols]
        if missing:
            cols = self.columns(table, refresh=True) or {}
            missing = [c for c in plan.columns if c.name not in cols]
        if not missing:
            return
        names = ", ".join(c.name for c in missing)
        if not self.cfg.auto_evolve:
            raise RecordError(f"table {table} has no column for field(s) {names} "
                              "(set auto.evolve=true to add them)")
        missing_keys = [c.name for c in missing if c in plan.key_columns]
        if missing_keys:
            raise RecordError(f"table {table} lacks the primary key column(s) {', '.join(missing_keys)}; "
                              "auto.evolve adds value columns only")
        for c in missing:
            stmt = sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {}").format(
                ident(table), _column_def(c, nullable=True))
            try:
                self._ddl(stmt, f"adding column {c.name} to {table}")
            except RecordError:
                # As above: a concurrent session may have added it.
                if c.name not in (self.columns(table, refresh=True) or {}):
                    raise
        log.info("added column(s) %s to table %s", names, table)
        self.columns(table, refresh=True)

    def _create_sql(self, plan: Plan) -> sql.Composable:
        parts = [_column_def(c) for c in plan.columns]
        if plan.key_columns:
            parts.append(sql.SQL("PRIMARY KEY ({})").format(
                sql.SQL(", ").join(sql.Identifier(c.name) for c in plan.key_columns)))
        return sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(ident(plan.table), sql.SQL(", ").join(parts))

    def _ddl(self, stmt: sql.Composable, what: str) -> None:
        conn = self.connection()
        try:
            with conn.transaction():
                conn.execute(stmt)
            log.info("%s: %s", what, stmt.as_string(conn))
        except (pg_errors.UniqueViolation, pg_errors.DuplicateTable, pg_errors.DuplicateObject,
                pg_errors.DuplicateColumn):
            # Another task made the same change at the same time.
            log.info("%s: done concurrently elsewhere", what)
        except psycopg.Error as e:
            if is_connection_problem(e):
                raise
            raise RecordError(f"{what} failed: {str(e).strip()}") from None

    # ------------------------------------------------------------------ rows

    def upsert_sql(self, plan: Plan) -> sql.Composable:
        cols = plan.columns
        stmt = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            ident(plan.table),
            sql.SQL(", ").join(sql.Identifier(c.name) for c in cols),
            sql.SQL(", ").join(sql.Placeholder() * len(cols)),
        )
        if not self.cfg.upsert:
            return stmt
        keys = sql.SQL(", ").join(sql.Identifier(c.name) for c in plan.key_columns)
        if not plan.value_columns:
            return stmt + sql.SQL(" ON CONFLICT ({}) DO NOTHING").format(keys)
        updates = sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c.name)) for c in plan.value_columns)
        return stmt + sql.SQL(" ON CONFLICT ({}) DO UPDATE SET {}").format(keys, updates)

    @staticmethod
    def delete_sql(plan: Plan) -> sql.Composable:
        cond = sql.SQL(" AND ").join(
            sql.SQL("{} = {}").format(sql.Identifier(c.name), sql.Placeholder()) for c in plan.key_columns)
        return sql.SQL("DELETE FROM {} WHERE {}").format(ident(plan.table), cond)

    def write(self, ops: Sequence["Op"], on_error: Callable[[SinkRecord, Exception], None]) -> None:
        """Runs ``ops`` in order in one transaction. Consecutive ops with the same statement
        go out batched (at most batch.size at a time); when a batch fails, its ops are
        tried one by one and those the server rejects go to ``on_error``. Connection
        problems propagate and nothing is committed."""
        if not ops:
            return
        conn = self.connection()
        with conn.transaction():
            with conn.cursor() as cur:
                for run in _runs(ops, self.cfg.batch_size):
                    self._write_run(conn, cur, run, on_error)

    def _write_run(self, conn: psycopg.Connection, cur: psycopg.Cursor, run: list["Op"],
                   on_error: Callable[[SinkRecord, Exception], None]) -> None:
        stmt = run[0].stmt
        try:
            with conn.transaction():  # a savepoint
                if len(run) == 1:
                    cur.execute(stmt, run[0].params)
                else:
                    cur.executemany(stmt, [op.params for op in run])
            return
        except psycopg.Error as e:
            if is_connection_problem(e):
                raise
            log.debug("a batch of %d failed (%s); writing its records one by one", len(run), e)
        for op in run:
            try:
                with conn.transaction():
                    cur.execute(stmt, op.params)
            except psycopg.Error as e:
                if is_connection_problem(e):
                    raise
                if isinstance(e, (pg_errors.UndefinedTable, pg_errors.UndefinedColumn)):
                    self.forget(op.table)  # changed behind our back: look again next time
                on_error(op.record, RecordError(
                    f"PostgreSQL rejected the record (topic {op.record.topic}, partition "
                    f"{op.record.kafka_partition}, offset {op.record.kafka_offset}) for table {op.table}: "
                    f"{str(e).strip()}"))


class Op:
    """One statement execution: an upsert/insert or a delete of one record."""

    __slots__ = ("stmt", "params", "record", "table")

    def __init__(self, stmt: sql.Composable, params: list[Any], record: SinkRecord, table: TableId):
        self.stmt = stmt
        self.params = params
        self.record = record
        self.table = table


def _runs(ops: Iterable[Op], batch_size: int) -> Iterable[list[Op]]:
    run: list[Op] = []
    for op in ops:
        if run and (op.stmt is not run[0].stmt or len(run) >= batch_size):
            yield run
            run = []
        run.append(op)
    if run:
        yield run


def _column_def(c: Column, nullable: bool | None = None) -> sql.Composable:
    nullable = c.nullable if nullable is None else nullable
    parts = [sql.Identifier(c.name), sql.SQL(c.pg_type)]
    if c.default is not None:
        parts.append(sql.SQL("DEFAULT {}").format(sql.Literal(sql_value(c.default))))
    if not nullable:
        parts.append(sql.SQL("NOT NULL"))
    return sql.SQL(" ").join(parts)


def _looks_like_auth_failure(msg: str) -> bool:
    # At connect, libpq gives the server's message without its SQLSTATE.
    m = msg.lower()
    return any(p in m for p in _AUTH_FAILURES) or (
        ("database" in m or "role" in m) and "does not exist" in m)


_AUTH_FAILURES = ("password authentication failed", "no password supplied", "no pg_hba.conf entry",
                  "permission denied for database", "authentication failed")
