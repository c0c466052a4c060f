"""PostgresSink: writes records to PostgreSQL tables, with the keys and behaviour of
Confluent's JDBC sink (``insert.mode``, ``pk.mode``, ``auto.create``, ``auto.evolve``,
``delete.enabled``, ...).

Each ``put`` is one transaction: its records become INSERTs, upserts
(``INSERT ... ON CONFLICT (key) DO UPDATE``) or DELETEs, in record order, batched. Only
after the commit are the records' offsets counted as written, and ``flush`` hands back
exactly those, so the core commits nothing PostgreSQL does not have. A record that cannot
be written (no schema, a nested struct, a type mismatch, a constraint violation) is
reported as an errant record and the rest are written; losing the connection makes the
put retriable, so the core delivers the same records again.
"""

from __future__ import annotations

import logging
from typing import Any

from polyconnect import ConfigError, RetriableError, SinkConnector, SinkRecord, SinkTask, TopicPartition
from polyconnect.config import parse_value

from . import __version__
from . import config as cfgmod
from .config import CONFIG_DEF, SinkConfig
from .schema import Plan, RecordError, TableId, delete_plan_for, plan_for, table_for
from .writer import ConnectionLost, Database, Op, is_connection_problem

log = logging.getLogger("polyconnect_postgres.sink")

_PLAN_CACHE_LIMIT = 10_000


class PostgresSinkTask(SinkTask):
    def start(self, config: dict[str, str]) -> None:
        self.cfg: SinkConfig = cfgmod.parse(config)
        name = f"polyconnect-{self.context.connector_name}-{self.context.task_id}" \
            if getattr(self, "context", None) is not None else "polyconnect-postgres"
        self.db = Database(self.cfg, application_name=name[:63])
        self.committed: dict[TopicPartition, int] = {}
        self._plans: dict[tuple, tuple[Plan, Any] | RecordError] = {}
        self._tables: dict[str, TableId] = {}
        self._generation = self.db.generation
        log.info("writing to PostgreSQL at %s (insert.mode=%s, pk.mode=%s, table.name.format=%s)", self.cfg.where,
                 "upsert" if self.cfg.upsert else "insert", self.cfg.pk_mode, self.cfg.table_format)
        try:
            self.db.connection()
        except ConnectionLost as e:
            # Not fatal: the first put tries again (and is retried until it connects).
            log.warning("%s; trying again at the first put", e)

    # ------------------------------------------------------------------ put

    def put(self, records: list[SinkRecord]) -> None:
        if not records:
            return
        errants: list[tuple[SinkRecord, Exception]] = []
        self._put_failures: dict[tuple, RecordError] = {}
        if self.db.generation != self._generation:  # a table changed behind our back
            self._plans.clear()
            self._generation = self.db.generation
        try:
            ops = []
            for r in records:
                try:
                    op = self._op(r)
                except RecordError as e:
                    errants.append((r, e))
                    continue
                if op is not None:
                    ops.append(op)
            self.db.write(ops, lambda rec, e: errants.append((rec, e)))
        except ConnectionLost as e:
            self._lost(e)
        except Exception as e:
            if is_connection_problem(e):
                self._lost(e)
            raise
        # Committed: errant records are reported only now, so a retried put does not report
        # them twice.
        for r, e in errants:
            log.warning("errant record: %s", e)
            self.context.errant_record_reporter(r, e)
        for r in records:
            tp = TopicPartition(r.topic, r.kafka_partition)
            if r.kafka_offset + 1 > self.committed.get(tp, -1):
                self.committed[tp] = r.kafka_offset + 1

    def _lost(self, e: BaseException) -> None:
        self.db.close()
        self._plans.clear()
        raise RetriableError(f"lost the connection to PostgreSQL at {self.cfg.where}: {str(e).strip()}",
                             retry_after_ms=self.cfg.retry_backoff_ms) from None

    def _table(self, topic: str) -> TableId:
        t = self._tables.get(topic)
        if t is None:
            t = self._tables[topic] = table_for(self.cfg.table_format, topic)
        return t

    def _op(self, r: SinkRecord) -> Op | None:
        """The statement for one record, or None when there is nothing to do."""
        table = self._table(r.topic)
        if r.value is None:
            if not self.cfg.delete_enabled:
                log.debug("skipping a tombstone at %s-%d@%d (delete.enabled=false)",
                          r.topic, r.kafka_partition, r.kafka_offset)
                return None
            key = ("delete", table, r.key_schema, type(r.key) if r.key_schema is None else None)
            plan, stmt = self._plan(key, lambda: delete_plan_for(self.cfg, r, table), delete=True)
            if self.db.columns(plan.table) is None and self.db.columns(plan.table, refresh=True) is None:
                return None  # no table, no row to delete
            return Op(stmt, plan.key_params(r), r, table)
        key = ("upsert", table, r.key_schema, r.value_schema,
               type(r.key) if r.key_schema is None and self.cfg.pk_mode == "record_key" else None)
        plan, stmt = self._plan(key, lambda: plan_for(self.cfg, r, table), delete=False)
        return Op(stmt, plan.params(r), r, table)

    def _plan(self, key: tuple, make: Any, delete: bool) -> tuple[Plan, Any]:
        """The plan and statement for a schema pair, checked against the table once."""
        hit = self._plans.get(key)
        if hit is None:
            hit = self._put_failures.get(key)
        if isinstance(hit, RecordError):
            raise hit
        if hit is not None:
            return hit
        if len(self._plans) >= _PLAN_CACHE_LIMIT:
            self._plans.clear()
        try:
            plan = make()
        except RecordError as e:
            self._plans[key] = e  # decided by the schemas alone
            raise
        try:
            if delete:
                self._check_delete(plan)
                stmt = self.db.delete_sql(plan)
            else:
                self.db.ensure_table(plan)
                stmt = self.db.upsert_sql(plan)
        except RecordError as e:
            # The table does not fit; it may be fixed by hand, so only this put remembers.
            self._put_failures[key] = e
            raise
        self._plans[key] = (plan, stmt)
        return plan, stmt

    def _check_delete(self, plan: Plan) -> None:
        cols = self.db.columns(plan.table)
        if cols is None:
            return
        missing = [c.name for c in plan.key_columns if c.name not in cols]
        if missing:
            raise RecordError(f"cannot delete from {plan.table} by key: it has no column(s) {', '.join(missing)}")

    # ------------------------------------------------------------------ flush and the rest

    def pre_commit(self, offsets: dict[TopicPartition, int]) -> dict[TopicPartition, int]:
        """Only what PostgreSQL has committed (each put commits before it returns)."""
        out = {}
        for tp, off in offsets.items():
            done = self.committed.get(TopicPartition(*tp))
            if done is not None:
                out[tp] = min(done, off)
        return out

    def close(self, partitions: list[TopicPartition]) -> None:
        for tp in partitions:
            self.committed.pop(TopicPartition(*tp), None)

    def stop(self) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.close()


class PostgresSink(SinkConnector):
    class_name = "PostgresSink"
    aliases = ["io.polyconnect.postgres.PostgresSinkConnector", "PostgresSinkConnector"]
    version = __version__
    config_def = CONFIG_DEF
    task_class = PostgresSinkTask

    def start(self, config: dict[str, str]) -> None:
        parsed = cfgmod.parse(config)
        log.info("starting the PostgreSQL sink to %s", parsed.where)

    def task_configs(self, max_tasks: int) -> list[dict[str, str]]:
        return [dict(self.config) for _ in range(max_tasks)]

    def validate(self, config: dict[str, str]) -> dict[str, list[str]] | None:
        # Keys whose own value is invalid were reported by the ConfigDef; check the rest
        # together.
        values: dict[str, Any] = {}
        for key in CONFIG_DEF.keys.values():
            try:
                values[key.name] = parse_value(key.name, key.type, config[key.name]) \
                    if key.name in config else (None if key.required else key.default)
            except ConfigError:
                values[key.name] = None
        return cfgmod.problems(values)
