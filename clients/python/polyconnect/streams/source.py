"""The SourceTask.Run stream (lifecycle in ``connector.proto``).

Four coroutines share one session:

- the reader takes the core's messages: credits wake the sender, acks and commits queue
  for the acker, Stop starts the drain;
- the poller calls ``task.poll()`` and encodes the records (in the task thread for plain
  methods), numbering them 1, 2, 3, ...; it polls again once everything polled so far has
  gone out, so at most one poll's worth waits for credit;
- the sender sends pending records in batches while the grant lasts (records and encoded
  bytes) and each batch fits the negotiated message size; several batches are in flight
  at once, bounded only by the core's credit;
- the acker calls ``commit_record`` in seq order and ``commit`` on Commit, one at a time.

Staged stop: on Stop the poller stops (an in-flight poll gets half the stop timeout),
the sender sends what the grant allows, drops the rest (never acknowledged, so read
again after a restart), and sends Drained{last_seq}. The acker keeps going until the
core closes its side; then ``task.stop()`` and the stream ends.

Threads: plain ``start``/``poll`` run on the task thread; ``commit_record``, ``commit`` and
``stop`` on a second one, so that (as in Kafka Connect) they are not held up by a blocked
``poll`` and ``stop`` can wake it.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from typing import Any, Mapping

from .. import tracing, wire
from ..connector import SourceConnector, SourceTask, SourceTaskContext, TransactionContext
from ..errors import ConfigError, ConnectError, RetriableError
from ..logs import set_log_context
from ..records import RecordMetadata
from ..v1 import connector_pb2 as cpb
from . import base
from .base import Stream, TaskThread, background, cancel_all, error_for, invoke

log = logging.getLogger("polyconnect.source")

_HEARTBEAT = cpb.SourceResponse(heartbeat=cpb.Heartbeat()).SerializeToString()
_STARTED = cpb.SourceResponse(started=cpb.Started()).SerializeToString()
# SourceResponse{batch} and SourceBatch{records} framing: tag + up to 5 length bytes each,
# and room for the batch's trace context.
_FRAME_OVERHEAD = 12 + 600
_DEFAULT_RETRY_S = 0.5
_QUICK_POLL_S = 0.005
_MAX_EMPTY_WAIT_S = 0.1
_OFFSETS_TIMEOUT_S = 60.0
# SourceRecord.transaction (field 11, varint): COMMIT_TRANSACTION, ABORT_TRANSACTION.
_COMMIT_FIELD = bytes([11 << 3, cpb.COMMIT_TRANSACTION])
_ABORT_FIELD = bytes([11 << 3, cpb.ABORT_TRANSACTION])


class _Columns:
    """Pending records encoded as one `SourceColumns` message (capability
    "columnar_source_batches"): seqs ``first``..``last``; ``records`` are kept to encode
    them again in parts when the credit cannot take them at once."""

    __slots__ = ("first", "last", "data", "records", "keep")

    def __init__(self, first: int, data: bytes, records: list, keep: bool):
        self.first = first
        self.last = first + len(records) - 1
        self.data = data
        self.records = records
        self.keep = keep


def partition_key(p: Any) -> Any:
    """A hashable key for a source partition map (key order does not matter)."""
    if isinstance(p, Mapping):
        return frozenset((k, partition_key(v)) for k, v in p.items())
    if isinstance(p, (list, tuple)):
        return tuple(partition_key(v) for v in p)
    return (p.__class__.__name__, p) if isinstance(p, (bool, float)) else p


class SourceSession:
    def __init__(self, plugins: Any, request_iterator: Any, context: Any,
                 max_message_bytes: int = base.DEFAULT_MAX_MESSAGE_BYTES):
        self.plugins = plugins
        self.requests = request_iterator
        self.stream = Stream(context, _HEARTBEAT)
        self.thread: TaskThread | None = None
        self.commit_thread: TaskThread | None = None
        self.task: SourceTask | None = None
        self.started = False
        self.done = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        # Flow control.
        self.credit_records = 0
        self.credit_bytes = 0
        # The largest grant seen: a columnar batch larger than it is sent in parts.
        self.credit_peak_records = 0
        self.credit_peak_bytes = 0
        # Set when the core takes columnar source batches.
        self.columns: wire.SourceColumnsEncoder | None = None
        self.max_bytes = max_message_bytes
        self.pending: collections.deque = collections.deque()
        # (last seq, trace context) of the polls whose records are still pending.
        self.poll_traces: collections.deque = collections.deque()
        self.connector_name = ""
        self.task_id = 0
        self.next_seq = 0
        self.last_sent_seq = 0
        self.wake_sender = asyncio.Event()
        self.wake_poller = asyncio.Event()
        # Acks.
        self.acks: asyncio.Queue = asyncio.Queue()
        self.keep_records = False
        self.inflight: dict[int, Any] = {}
        self.acked_seq = 0
        self.committed_seq = 0
        # Offsets.
        self.offsets: dict[Any, Any] = {}
        self.queries: dict[int, asyncio.Future] = {}
        self.next_query = 0
        # Stop.
        self.stopping = False
        self.draining = False
        self.failed = False
        self.stop_timeout = base.DEFAULT_STOP_TIMEOUT_S
        self.tasks: list[asyncio.Task | None] = []
        self.poller: asyncio.Task | None = None
        self.commits = False
        self.txn: TransactionContext | None = None

    # ---------------------------------------------------------------- lifecycle

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            await cancel_all(self.tasks)
            if self.started and self.task is not None:
                try:
                    # Not on the task thread: as in Kafka Connect, stop() may have to wake
                    # up a poll() that is still blocked there.
                    await asyncio.wait_for(invoke(self.commit_thread, self.task.stop), self.stop_timeout)
                except asyncio.TimeoutError:
                    log.warning("task.stop() did not return within %.1fs", self.stop_timeout)
                except Exception:
                    log.exception("task.stop() failed")
            for t in (self.thread, self.commit_thread):
                if t is not None:
                    t.close()
            log.info("source task stream ended")

    async def _run(self) -> None:
        first, it = await base.first_message(self.requests, "start")
        self.requests = it
        if first is None:
            return
        if first.WhichOneof("msg") != "start":
            await self._error(cpb.FATAL, "the first message of a SourceTask stream must be SourceStart")
            return
        s = first.start
        set_log_context(s.connector_name, s.task_id)
        self.connector_name, self.task_id = s.connector_name, s.task_id
        if s.protocol_version not in base.PROTOCOL_VERSIONS:
            await self._error(cpb.CONFIG, base.version_error(s.protocol_version))
            return
        plugin = self.plugins.find(s.connector_class, SourceConnector)
        if plugin is None:
            await self._error(cpb.CONFIG, f"this connector process does not serve a source connector "
                                          f"named '{s.connector_class}'")
            return
        self.stream.configure(s.heartbeat_interval_ms, s.idle_timeout_ms)
        if s.max_message_bytes:
            self.max_bytes = min(s.max_message_bytes, self.max_bytes)
        caps = s.capabilities
        self.encoder = wire.SourceRecordEncoder(caps.schema_references, caps.raw_bytes, caps.trace_context)
        if caps.columnar_source_batches:
            self.columns = wire.SourceColumnsEncoder(caps.raw_bytes)
        for o in s.offsets:
            self._remember_offset(o)

        name = f"{s.connector_name}-{s.task_id}"
        self.thread = TaskThread(f"source-{name}")
        self.commit_thread = TaskThread(f"source-commit-{name}")
        task = plugin.task_class()
        self.txn = TransactionContext() if s.transaction_context else None
        task.context = SourceTaskContext(self, s.connector_name, s.task_id, self.txn)
        self.task = task
        self.keep_records = base.is_overridden(task, "commit_record", SourceTask)
        self.commits = base.is_overridden(task, "commit", SourceTask)
        log.info("starting source task %s (%s)", name, plugin.plugin_name())
        self.tasks.append(background(self._read(), self._on_failure, "source-reader"))
        self.tasks.append(background(self.stream.liveness(self._on_idle), self._on_failure, "source-liveness"))
        try:
            await invoke(self.thread, task.start, dict(s.config))
        except Exception as e:
            log.error("task.start() failed: %s", e, exc_info=True)
            await self._send_error(error_for(e))
            return
        self.started = True
        if self.done.is_set():  # the stream failed or went idle during start()
            return
        await self.stream.send(_STARTED)
        self.poller = background(self._poll_loop(), self._on_failure, "source-poller")
        self.tasks += [
            self.poller,
            background(self._send_loop(), self._on_failure, "source-sender"),
            background(self._ack_loop(), self._on_failure, "source-acker"),
        ]
        if self.stopping:  # Stop (or the end of the stream) came during start()
            self.tasks.append(background(self._drain(), self._on_failure, "source-drain"))
        await self.done.wait()

    def _finish(self) -> None:
        self.done.set()

    async def _on_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, base.StreamClosed):
            log.error("source stream failed: %s", exc, exc_info=exc)
            await self._send_error(error_for(exc))
        self._finish()

    async def _on_idle(self, silent: float) -> None:
        log.error("no message from the core for %.1fs (idle timeout %.1fs); ending the stream",
                  silent, self.stream.idle_timeout)
        await self._error(cpb.FATAL, f"no message from the core for {silent:.1f}s")
        self._finish()

    async def _error(self, kind: int, message: str) -> None:
        await self._send_error(wire.error_proto(kind, message=message))

    async def _send_error(self, err: cpb.Error) -> None:
        self.failed = True
        try:
            await self.stream.send(cpb.SourceResponse(error=err))
        except base.StreamClosed:
            pass

    async def _fail(self, exc: BaseException, what: str) -> None:
        log.error("%s failed: %s", what, exc, exc_info=exc)
        await self._send_error(error_for(exc))
        self._finish()

    # ---------------------------------------------------------------- reader

    async def _read(self) -> None:
        async for req in self.requests:
            self.stream.received()
            kind = req.WhichOneof("msg")
            if kind == "credit":
                self.credit_records += req.credit.records
                self.credit_bytes += req.credit.bytes
                if self.credit_records > self.credit_peak_records:
                    self.credit_peak_records = self.credit_records
                if self.credit_bytes > self.credit_peak_bytes:
                    self.credit_peak_bytes = self.credit_bytes
                self.wake_sender.set()
            elif kind == "commit_records":
                self.acks.put_nowait(req.commit_records)
            elif kind == "commit":
                self.acks.put_nowait(req.commit.up_to_seq)
            elif kind == "offsets":
                self._on_offsets(req.offsets)
            elif kind == "stop":
                self._begin_stop(req.stop.timeout_ms)
            elif kind == "start":
                log.warning("ignoring a second SourceStart on the same stream")
        # The core closed its side: no more acks will come.
        log.debug("the core closed its side of the stream")
        self._begin_stop(0)
        self.acks.put_nowait(None)

    # ---------------------------------------------------------------- polling

    async def _poll_loop(self) -> None:
        task = self.task
        poll_async = base.is_async(task.poll)
        empty = 0  # polls in a row that returned nothing at once
        while not self.stopping:
            if self.pending:
                self.wake_poller.clear()
                if self.pending and not self.stopping:
                    await self.wake_poller.wait()
                continue
            started = time.monotonic()
            try:
                if poll_async:
                    pt = tracing.poll(self.connector_name, self.task_id)
                    encoded = self._encode(await task.poll(), pt)
                else:
                    encoded = await invoke(self.thread, self._poll_sync)
            except RetriableError as e:
                delay = e.retry_after_ms / 1000.0 if e.retry_after_ms else _DEFAULT_RETRY_S
                log.warning("poll() raised a retriable error; polling again in %.1fs: %s", delay, e)
                await self.stream.send(cpb.SourceResponse(error=error_for(e)))
                await asyncio.sleep(delay)
                continue
            except Exception as e:
                if self.stopping:
                    log.warning("poll() failed while stopping: %s", e)
                    return
                await self._fail(e, "poll()")
                return
            if encoded:
                empty = 0
                self.pending.extend(encoded)
                self.wake_sender.set()
                # Let the loop breathe even when poll() returns at once.
                await asyncio.sleep(0)
            elif time.monotonic() - started < _QUICK_POLL_S:
                # poll() returned nothing without waiting: back off a little instead of
                # spinning (1 ms, doubling up to 100 ms; reset by the next records).
                empty += 1
                await asyncio.sleep(min(0.001 * (1 << min(empty, 7)), _MAX_EMPTY_WAIT_S))
            else:
                empty = 0
                await asyncio.sleep(0)

    def _poll_sync(self) -> list | None:
        pt = tracing.poll(self.connector_name, self.task_id)
        return self._encode(self.task.poll(), pt)

    def _encode(self, records: Any, pt: tracing.PollTrace | None = None) -> list | None:
        if not records:
            return None
        if pt is not None:
            return self._encode_traced(records, pt)
        if self.columns is not None and self.txn is None:
            if records.__class__ is not list:
                records = list(records)
            cols = self._encode_columns(records)
            if cols is not None:
                return cols
        encode = self.encoder.encode
        keep = self.keep_records
        limit = self.max_bytes - _FRAME_OVERHEAD
        seq = self.next_seq
        out = []
        for r in records:
            seq += 1
            b = encode(r, seq)
            if len(b) > limit:
                raise ConfigError(
                    f"a record of {len(b)} bytes (topic {r.topic}) does not fit in the negotiated maximum "
                    f"message size of {self.max_bytes} bytes"
                )
            out.append((seq, b, r if keep else None))
        if self.txn is not None:
            self._transaction_actions(records, out)
        self.next_seq = seq
        return out

    def _encode_columns(self, records: Any) -> list | None:
        """The poll's records as columnar batches (each within the message size), or None
        when they do not fit the columnar form (they go as rows)."""
        limit = self.max_bytes - _FRAME_OVERHEAD
        keep = self.keep_records
        out: list = []
        todo = [records]
        first = self.next_seq + 1
        while todo:
            part = todo.pop()
            data = self.columns.columns(part, first)
            if data is None:
                if out:
                    # Only the form of a part can differ from the whole's: its records go
                    # as rows after the columns already made.
                    raise AssertionError("a part of a columnar batch did not fit the columns")
                return None
            if len(data) > limit and len(part) > 1:
                half = len(part) // 2
                todo += [part[half:], part[:half]]
                continue
            if len(data) > limit:
                return None  # the row encoding reports the record too large
            out.append(_Columns(first, data, part, keep))
            first += len(part)
        self.next_seq = first - 1
        return out

    def _transaction_actions(self, records: Any, out: list) -> None:
        """Connector-defined boundaries: each record's commit or abort request goes with it
        (SourceRecord.transaction, appended to its encoding: field order is free)."""
        for i, action in self.txn._actions(list(records)).items():
            seq, b, rec = out[i]
            out[i] = (seq, b + (_COMMIT_FIELD if action == "commit" else _ABORT_FIELD), rec)

    def _encode_traced(self, records: Any, pt: tracing.PollTrace) -> list:
        """As ``_encode``, with each record's connector-side span (when sampled)."""
        if self.columns is not None and self.txn is None and not pt.sampled:
            if records.__class__ is not list:
                records = list(records)
            try:
                cols = self._encode_columns(records)
            except BaseException:
                pt.end(0)
                raise
            if cols is not None:
                pt.end(len(records))
                self.poll_traces.append((self.next_seq, pt.trace))
                return cols
        encode = self.encoder.encode
        keep = self.keep_records
        limit = self.max_bytes - _FRAME_OVERHEAD
        seq = self.next_seq
        out = []
        sampled, record = pt.sampled, pt.record
        try:
            for r in records:
                seq += 1
                # Unsampled polls cost one test per record: only records with a context of
                # their own (the source system's) may still need a span.
                b = encode(r, seq, record(r) if sampled or r.trace else None)
                if len(b) > limit:
                    raise ConfigError(
                        f"a record of {len(b)} bytes (topic {r.topic}) does not fit in the negotiated maximum "
                        f"message size of {self.max_bytes} bytes"
                    )
                out.append((seq, b, r if keep else None))
            if self.txn is not None:
                self._transaction_actions(records, out)
        finally:
            pt.end(len(out))
        self.next_seq = seq
        self.poll_traces.append((seq, pt.trace))
        return out

    def _batch_trace(self, first_seq: int) -> Any:
        """The trace context of the poll that made record ``first_seq``."""
        traces = self.poll_traces
        while traces and traces[0][0] < first_seq:
            traces.popleft()
        return traces[0][1] if traces else None

    # ---------------------------------------------------------------- sending

    async def _send_loop(self) -> None:
        while True:
            await self.wake_sender.wait()
            self.wake_sender.clear()
            await self._send_available()
            if self.draining:
                break
        dropped = sum(len(e.records) if e.__class__ is _Columns else 1 for e in self.pending)
        if dropped:
            log.info("dropping %d polled records that had no credit left at stop; they are read again "
                     "after a restart", dropped)
            self.pending.clear()
        log.info("drained: last seq %d", self.last_sent_seq)
        await self.stream.send(cpb.SourceResponse(drained=cpb.Drained(last_seq=self.last_sent_seq)))
        # The core sends the final acks and commit, then closes its side within its stop
        # timeout; past that (and a margin) it has given up on a clean stop.
        await asyncio.sleep(self.stop_timeout + 1.0)
        log.warning("the core did not close the stream within %.1fs of Drained; stopping", self.stop_timeout)
        self._finish()

    async def _send_available(self) -> None:
        pending = self.pending
        limit = self.max_bytes - _FRAME_OVERHEAD
        varint = wire.varint
        while pending and self.credit_records > 0 and not self.failed:
            if pending[0].__class__ is _Columns:
                if not await self._send_columns():
                    break
                continue
            cr = self.credit_records
            cb = self.credit_bytes
            batch: list[bytes] = []
            size = 0
            nbytes = 0
            last = 0
            while pending and len(batch) < cr:
                if pending[0].__class__ is _Columns:
                    break
                seq, b, rec = pending[0]
                n = len(b)
                if nbytes + n > cb:
                    break
                framed = n + (2 if n < 128 else 3 if n < 16384 else 1 + len(varint(n)))
                if batch and size + framed > limit:
                    break
                pending.popleft()
                batch.append(b)
                size += framed
                nbytes += n
                last = seq
                if rec is not None:
                    self.inflight[seq] = rec
            if not batch:
                break
            self.credit_records -= len(batch)
            self.credit_bytes -= nbytes
            first = self.last_sent_seq + 1
            self.last_sent_seq = last
            trace = self._batch_trace(first) if self.poll_traces else None
            await self.stream.send(wire.batch_frame(batch, trace))
        if not pending:
            self.wake_poller.set()

    async def _send_columns(self) -> bool:
        """Sends the columnar batch first in line if the credit takes it (in parts when it
        is larger than the whole grant); False: it waits for credit."""
        pending = self.pending
        head = pending[0]
        cr, cb = self.credit_records, self.credit_bytes
        n = len(head.records)
        if n > cr or len(head.data) > cb:
            if n <= self.credit_peak_records and len(head.data) <= self.credit_peak_bytes:
                return False  # the credit of earlier batches comes back
            # Never fits the grant: the part the credit takes now.
            k = min(n, cr, max(1, n * cb // max(len(head.data), 1)))
            while True:
                data = self.columns.columns(head.records[:k], head.first)
                if data is not None and len(data) <= cb:
                    break
                if k == 1:
                    return False
                k //= 2
            rest = head.records[k:]
            pending[0] = _Columns(head.first + k, self.columns.columns(rest, head.first + k), rest, head.keep)
            head = _Columns(head.first, data, head.records[:k], head.keep)
        else:
            pending.popleft()
        if head.keep:
            for i, rec in enumerate(head.records):
                self.inflight[head.first + i] = rec
        self.credit_records -= len(head.records)
        self.credit_bytes -= len(head.data)
        self.last_sent_seq = head.last
        trace = self._batch_trace(head.first) if self.poll_traces else None
        await self.stream.send(wire.columns_frame(head.data, trace))
        return True

    def _begin_stop(self, timeout_ms: int) -> None:
        if self.stopping:
            return
        self.stopping = True
        if timeout_ms:
            self.stop_timeout = timeout_ms / 1000.0
        self.wake_poller.set()
        if self.started:
            self.tasks.append(background(self._drain(), self._on_failure, "source-drain"))

    async def _drain(self) -> None:
        poller = self.poller
        if poller is not None and not poller.done():
            done, _ = await asyncio.wait({poller}, timeout=self.stop_timeout / 2)
            if not done:
                log.warning("poll() did not return within %.1fs of Stop; its records are not sent",
                            self.stop_timeout / 2)
                poller.cancel()
        self.draining = True
        self.wake_sender.set()

    # ---------------------------------------------------------------- acks

    async def _ack_loop(self) -> None:
        task = self.task
        while True:
            item = await self.acks.get()
            if item is None:
                break
            if isinstance(item, int):
                if item > self.committed_seq:
                    self.committed_seq = item
                    if self.commits:
                        try:
                            await invoke(self.commit_thread, task.commit)
                        except Exception:
                            log.exception("task.commit() failed")
                continue
            if not self.keep_records:
                # Nothing to call per record (commit_record is not overridden): the acks
                # are not read one by one.
                continue
            calls = []
            for a in item.acks:
                seq = a.seq
                if seq <= self.acked_seq:
                    continue  # already seen (acks are idempotent)
                self.acked_seq = seq
                rec = self.inflight.pop(seq, None)
                if rec is not None:
                    calls.append((rec, None if a.filtered else RecordMetadata(a.topic, a.partition, a.offset)))
            if calls:
                if base.is_async(task.commit_record):
                    for rec, md in calls:
                        try:
                            await task.commit_record(rec, md)
                        except Exception:
                            log.exception("task.commit_record() failed")
                else:
                    await invoke(self.commit_thread, self._commit_records_sync, calls)
        self._finish()

    def _commit_records_sync(self, calls: list) -> None:
        commit_record = self.task.commit_record
        for rec, md in calls:
            try:
                commit_record(rec, md)
            except Exception:
                log.exception("task.commit_record() failed")

    # ---------------------------------------------------------------- offsets

    def _remember_offset(self, o: cpb.SourceOffset) -> None:
        partition = wire.decode_any(o.partition)
        offset = wire.decode_any(o.offset) if o.HasField("offset") else None
        self.offsets[partition_key(partition)] = offset

    def known_offsets(self, partitions: list) -> list | None:
        out = []
        for p in partitions:
            k = partition_key(p)
            if k not in self.offsets:
                return None
            out.append(self.offsets[k])
        return out

    async def query_offsets(self, partitions: list) -> list:
        """Asks the core for the partitions whose offsets are not known yet."""
        missing = [p for p in partitions if partition_key(p) not in self.offsets]
        if missing:
            await self._query(missing)
        return [self.offsets.get(partition_key(p)) for p in partitions]

    async def _query(self, partitions: list) -> None:
        self.next_query += 1
        qid = self.next_query
        fut = self.loop.create_future()
        self.queries[qid] = fut
        q = cpb.OffsetsQuery(request_id=qid)
        for p in partitions:
            q.partitions.append(wire.value_to_proto(dict(p)))
        try:
            await self.stream.send(cpb.SourceResponse(offsets_query=q))
            await asyncio.wait_for(fut, _OFFSETS_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise ConnectError(f"the core did not answer an offsets query within {_OFFSETS_TIMEOUT_S:.0f}s") from None
        finally:
            self.queries.pop(qid, None)
        for p in partitions:
            self.offsets.setdefault(partition_key(p), None)

    def query_offsets_from_thread(self, partitions: list) -> list:
        fut = asyncio.run_coroutine_threadsafe(self.query_offsets(partitions), self.loop)
        return fut.result(_OFFSETS_TIMEOUT_S + 5)

    def _on_offsets(self, answer: cpb.OffsetsAnswer) -> None:
        for o in answer.offsets:
            self._remember_offset(o)
        fut = self.queries.get(answer.request_id)
        if fut is not None and not fut.done():
            fut.set_result(None)
