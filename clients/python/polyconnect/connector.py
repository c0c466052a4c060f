"""What a connector author implements: connectors and their tasks, as in Kafka Connect.

Every method may be a plain function or ``async def``. Plain functions run in the task's
own thread, so a blocking ``poll``, ``put`` or ``flush`` never stops heartbeats and acks;
``async def`` methods run on the SDK's event loop and must not block.
"""

from __future__ import annotations

import asyncio
import enum
import threading
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Mapping, Sequence

from .config import ConfigDef
from .records import SinkRecord, SourceRecord, RecordMetadata, TopicPartition

if TYPE_CHECKING:  # pragma: no cover
    from .streams.connector import ConnectorSession
    from .streams.sink import SinkSession
    from .streams.source import SourceSession

__all__ = [
    "SourceConnector",
    "SinkConnector",
    "SourceTask",
    "SinkTask",
    "ConnectorContext",
    "SourceTaskContext",
    "SinkTaskContext",
    "TransactionContext",
    "ExactlyOnceSupport",
    "ConnectorTransactionBoundaries",
]


class ExactlyOnceSupport(enum.Enum):
    """Kafka Connect's ExactlyOnceSupport: what ``SourceConnector.exactly_once_support``
    answers (None: not declared)."""

    SUPPORTED = "SUPPORTED"
    UNSUPPORTED = "UNSUPPORTED"


class ConnectorTransactionBoundaries(enum.Enum):
    """Kafka Connect's ConnectorTransactionBoundaries: what
    ``SourceConnector.can_define_transaction_boundaries`` answers."""

    SUPPORTED = "SUPPORTED"
    UNSUPPORTED = "UNSUPPORTED"


class _Connector:
    #: The canonical class name (default: the Python class name).
    class_name: ClassVar[str | None] = None
    #: Other names a connector config may use in ``connector.class``.
    aliases: ClassVar[Sequence[str]] = ()
    version: ClassVar[str] = "0.0.0"
    #: The configuration keys (protocol rule 13).
    config_def: ClassVar[ConfigDef | None] = None
    #: The task class.
    task_class: ClassVar[type]

    context: "ConnectorContext"
    #: The connector's configuration, set before ``start``.
    config: dict[str, str]

    @classmethod
    def plugin_name(cls) -> str:
        return cls.class_name or cls.__name__

    @classmethod
    def definition(cls) -> ConfigDef:
        return cls.config_def if cls.config_def is not None else ConfigDef()

    def start(self, config: dict[str, str]) -> Any:
        """Starts the connector with its configuration (string values)."""

    def task_configs(self, max_tasks: int) -> list[Mapping[str, Any]]:
        """At most ``max_tasks`` task configurations. Default: one task with the
        connector's own configuration."""
        return [dict(self.config)]

    def validate(self, config: dict[str, str]) -> Mapping[str, Iterable[str]] | None:
        """Extra per-key errors beyond the ConfigDef's own checks (required keys, types,
        validators), which the SDK runs first."""
        return None

    def stop(self) -> Any:
        """Stops the connector."""

    def alter_offsets(self, config: dict[str, str], offsets: Any) -> bool:
        """KIP-875 (Kafka Connect's ``alterOffsets``): called on an instance that was not
        started, before ``PATCH`` / ``DELETE /connectors/{c}/offsets`` writes ``offsets`` for
        the stopped connector. A source connector gets a list of ``(partition, offset or
        None)`` pairs (dicts: maps are not hashable), a sink connector
        ``{TopicPartition: next offset or None}``. An exception fails the
        request with its message and nothing is written (``NotImplementedError``: "doesn't
        support external modification of offsets"). True: the connector altered offsets it
        keeps itself too; False, the default: only the framework's offsets change."""
        return False


class SourceConnector(_Connector):
    """A source connector (Kafka Connect's SourceConnector)."""

    task_class: ClassVar[type["SourceTask"]]

    def exactly_once_support(self, config: dict[str, str]) -> ExactlyOnceSupport | None:
        """Whether the connector can run exactly once with ``config`` (Kafka Connect's
        ``exactlyOnceSupport``). None (the default): not declared. Asked at validation; a
        connector with ``exactly.once.support=required`` is refused unless SUPPORTED."""
        return None

    def can_define_transaction_boundaries(self, config: dict[str, str]) -> ConnectorTransactionBoundaries:
        """Whether the connector's tasks define their own transactions with ``config``
        (Kafka Connect's ``canDefineTransactionBoundaries``). ``transaction.boundary=connector``
        is refused unless SUPPORTED (the default is UNSUPPORTED)."""
        return ConnectorTransactionBoundaries.UNSUPPORTED


class SinkConnector(_Connector):
    """A sink connector (Kafka Connect's SinkConnector). The core handles ``topics`` and
    ``topics.regex``."""

    task_class: ClassVar[type["SinkTask"]]


class SourceTask:
    """A source task: ``poll`` returns records; the SDK sends them under the core's flow
    control, numbers them, and calls back ``commit_record`` and ``commit`` as Kafka and the
    offset store acknowledge them."""

    context: "SourceTaskContext"

    def start(self, config: dict[str, str]) -> Any:
        """Starts the task with its task configuration. Stored offsets are available from
        ``self.context.offset(partition)``."""

    def poll(self) -> list[SourceRecord] | None:
        """New records, or None/[] when there are none yet. May block for a while (in its
        own thread), but should return now and then so the task can stop."""
        raise NotImplementedError

    def commit_record(self, record: SourceRecord, metadata: RecordMetadata | None) -> Any:
        """Kafka acknowledged ``record`` (``metadata`` is None when a transform dropped
        it). Called in the order the records were polled."""

    def commit(self) -> Any:
        """The offsets of every record acknowledged so far are durably stored; upstream
        data up to there may now be deleted."""

    def stop(self) -> Any:
        """Stops the task (after the final acks and commit)."""


class SinkTask:
    """A sink task: ``put`` receives records, ``flush``/``pre_commit`` makes them durable
    and returns the offsets that may be committed."""

    context: "SinkTaskContext"
    #: How many Puts the core may send before the previous ones are answered. Puts are
    #: always handled one at a time and in order; more than 1 only overlaps the core's
    #: sending with ``put``. Order holds when ``put`` raises RetriableError: the SDK holds
    #: back the Puts after it until the core delivers it again. Set 1 for Kafka Connect's
    #: exact behaviour when ``put`` rewinds with ``context.offset`` (with more in flight,
    #: records already sent once may reach ``put`` before the re-read: at least once).
    max_inflight_puts: ClassVar[int] = 4

    def start(self, config: dict[str, str]) -> Any:
        """Starts the task with its task configuration."""

    def open(self, partitions: list[TopicPartition]) -> Any:
        """Partitions assigned to this task."""

    def close(self, partitions: list[TopicPartition]) -> Any:
        """Partitions revoked from this task (also called for all open partitions before
        ``stop``)."""

    def put(self, records: list[SinkRecord]) -> Any:
        """Writes (or buffers) ``records``. Raise RetriableError to have the same records
        delivered again after a back-off."""
        raise NotImplementedError

    def flush(self, offsets: dict[TopicPartition, int]) -> Any:
        """Makes everything put so far durable. ``offsets`` are the next offsets to
        consume per partition. An exception is a failed flush: nothing is committed, the
        core rewinds to the last committed offsets and delivers those records again, and
        the task keeps running (a ``ConfigError`` fails the task)."""

    def pre_commit(self, offsets: dict[TopicPartition, int]) -> Mapping[Any, int] | None:
        """The offsets that may be committed. Default: ``flush(offsets)``, then all of
        ``offsets``. An exception is a failed flush, as from ``flush``."""
        self.flush(offsets)
        return offsets

    def stop(self) -> Any:
        """Stops the task."""


# ---------------------------------------------------------------------------------------
# Contexts: what a connector or task may ask of the SDK.
# ---------------------------------------------------------------------------------------

class ConnectorContext:
    """Given to a connector as ``self.context``."""

    def __init__(self, session: "ConnectorSession", connector_name: str):
        self._session = session
        self.connector_name = connector_name

    def request_task_reconfiguration(self, reason: str = "") -> None:
        """The connector's view of the source or sink system changed: the core asks for
        task configurations again and restarts the tasks if they differ. Callable from
        any thread."""
        self._session.request_reconfiguration(reason)

    def raise_error(self, error: BaseException) -> None:
        """Fails the connector with ``error``. Callable from any thread."""
        self._session.raise_error(error)

    def offset(self, partition: Mapping[str, Any]) -> dict | None:
        """Source connectors: the stored offset of ``partition``, or None (Kafka Connect's
        ``SourceConnectorContext.offsetStorageReader()``), from the store the connector's
        tasks resume from. Each call asks the core; from ``start`` and other plain methods
        (they run in a thread), not from the event loop."""
        return self.offsets([partition])[0]

    def offsets(self, partitions: Iterable[Mapping[str, Any]]) -> list[dict | None]:
        """Source connectors: the stored offsets of ``partitions``, in the same order (None
        where none is stored)."""
        return self._session.query_offsets_from_thread(list(partitions))


class TransactionContext:
    """Kafka Connect's TransactionContext: a source task running exactly once with
    ``transaction.boundary=connector`` commits and aborts its own transactions. Requests
    apply to records the task returns from ``poll`` (by identity); callable from any thread.

    - ``commit_transaction()``: commit after the records of the next (non-empty) poll;
    - ``commit_transaction(record)``: commit right after ``record``;
    - ``abort_transaction()`` / ``abort_transaction(record)``: abort the transaction after the
      next poll's records / right after ``record``. Its records are discarded (a
      read_committed consumer never sees them), but, as in Kafka Connect, their offsets are
      committed so they are not polled again; a task that wants them again raises instead.

    A request for a record takes precedence over one for the poll's batch on the poll's last
    record. Commit and abort requested for the same record (or both for the same batch)
    fail the task. The core commits these transactions nowhere else: a transaction still
    open when the task stops is aborted, and its records are polled again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[int, tuple[Any, set]] = {}
        self._batch: set = set()

    def commit_transaction(self, record: SourceRecord | None = None) -> None:
        self._request("commit", record)

    def abort_transaction(self, record: SourceRecord | None = None) -> None:
        self._request("abort", record)

    def _request(self, action: str, record: Any) -> None:
        with self._lock:
            if record is None:
                self._batch.add(action)
            else:
                self._records.setdefault(id(record), (record, set()))[1].add(action)

    def _take(self, record: Any) -> str | None:
        """The request for ``record`` (None: none), consumed."""
        if not self._records:
            return None
        with self._lock:
            entry = self._records.get(id(record))
            if entry is None or entry[0] is not record:
                return None
            del self._records[id(record)]
        actions = entry[1]
        if len(actions) > 1:
            raise IllegalStateError(
                f"Connector requested both commit and abort of same record against topic/partition "
                f"{record.topic}/{record.kafka_partition}"
            )
        return next(iter(actions))

    def _take_batch(self) -> str | None:
        with self._lock:
            actions, self._batch = self._batch, set()
        if len(actions) > 1:
            raise IllegalStateError("Connector requested both commit and abort of same transaction")
        return next(iter(actions)) if actions else None

    def _actions(self, records: Sequence[Any]) -> dict[int, str]:
        """The requests for the records of one poll, by index; the batch's on the last."""
        out: dict[int, str] = {}
        for i, r in enumerate(records):
            a = self._take(r)
            if a is not None:
                out[i] = a
        batch = self._take_batch()
        if batch is not None and records and (len(records) - 1) not in out:
            out[len(records) - 1] = batch
        return out


class IllegalStateError(RuntimeError):
    """A task asked for both a commit and an abort of the same transaction."""


class SourceTaskContext:
    """Given to a source task as ``self.context``."""

    def __init__(self, session: "SourceSession", connector_name: str, task_id: int,
                 transaction_context: TransactionContext | None = None):
        self._session = session
        self.connector_name = connector_name
        self.task_id = task_id
        self._transaction_context = transaction_context

    def transaction_context(self) -> TransactionContext | None:
        """The transaction context when the task runs exactly once with
        ``transaction.boundary=connector`` (the connector defines its transactions); None
        otherwise (Kafka Connect's ``SourceTaskContext.transactionContext()``)."""
        return self._transaction_context

    def offset(self, partition: Mapping[str, Any]) -> dict | None:
        """The stored offset of ``partition``, or None. From a plain (threaded) method;
        in ``async def`` code use ``await self.context.query_offsets([partition])``."""
        return self.offsets([partition])[0]

    def offsets(self, partitions: Iterable[Mapping[str, Any]]) -> list[dict | None]:
        """The stored offsets of ``partitions``, in the same order (None where none is
        stored). Offsets given at start are answered at once; others are asked of the core
        in the stream."""
        partitions = list(partitions)
        known = self._session.known_offsets(partitions)
        if known is not None:
            return known
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._session.query_offsets_from_thread(partitions)
        raise RuntimeError(
            "offsets of partitions not given at start need a round trip to the core: "
            "use `await self.context.query_offsets(partitions)` in async code"
        )

    async def query_offsets(self, partitions: Iterable[Mapping[str, Any]]) -> list[dict | None]:
        """Like :meth:`offsets`, for ``async def`` code."""
        partitions = list(partitions)
        known = self._session.known_offsets(partitions)
        if known is not None:
            return known
        return await self._session.query_offsets(partitions)


class SinkTaskContext:
    """Given to a sink task as ``self.context``."""

    def __init__(self, session: "SinkSession", connector_name: str, task_id: int):
        self._session = session
        self.connector_name = connector_name
        self.task_id = task_id

    def errant_record_reporter(self, record: SinkRecord, error: BaseException) -> None:
        """Reports one bad record without failing the task; the core applies
        ``errors.tolerance`` and the dead letter queue. Callable from ``put``."""
        self._session.report_errant(record, error)

    def assignment(self) -> set[TopicPartition]:
        """The partitions currently open."""
        return set(self._session.assigned)

    # Kafka Connect's SinkTaskContext requests. Each call is sent to the core at once, in
    # call order, and always before the PutDone of a put that makes it; callable from any
    # thread. Partitions are TopicPartition or (topic, partition) tuples.

    def offset(self, partitions: Mapping[Any, int] | Any, offset: int | None = None) -> None:
        """Rewinds (or skips) partitions: the next records the task gets for them start at
        these offsets. ``offset({tp: 5, ...})`` or ``offset(tp, 5)``. The core seeks
        before the next put, and counts the offset as consumed for the next flush."""
        if offset is not None:
            items = [(partitions, offset)]
        elif isinstance(partitions, Mapping):
            items = list(partitions.items())
        else:
            raise TypeError("offset() takes a mapping of partitions to offsets, or a partition and an offset")
        if items:
            self._session.request(offsets=[(_partition(tp), int(off)) for tp, off in items])

    def pause(self, *partitions: Any) -> None:
        """Stops fetching these partitions (they stay assigned) until ``resume``d or
        revoked."""
        if partitions:
            self._session.request(pause=[_partition(tp) for tp in partitions])

    def resume(self, *partitions: Any) -> None:
        """Fetches paused partitions again."""
        if partitions:
            self._session.request(resume=[_partition(tp) for tp in partitions])

    def request_commit(self) -> None:
        """Asks for a flush and offset commit as soon as possible instead of at the next
        ``offset.flush.interval.ms``."""
        self._session.request(request_commit=True)

    def timeout(self, ms: int) -> None:
        """Kafka Connect's ``SinkTaskContext.timeout``: when the next ``put`` raises
        ``RetriableError`` (without its own ``retry_after_ms``), the core delivers the same
        records again after ``ms`` instead of its own back-off (at most 60 s). Used once;
        0 or less: the core's back-off."""
        self._session.retry_timeout_ms = int(ms)


def _partition(tp: Any) -> TopicPartition:
    topic, partition = tp
    return TopicPartition(str(topic), int(partition))
