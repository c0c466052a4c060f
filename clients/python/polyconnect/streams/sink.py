"""The SinkTask.Run stream (lifecycle in ``connector.proto``).

The reader queues the core's messages; one worker runs them against the task strictly in
order (open, put, flush, close, stop), like Kafka Connect's single task thread. Records
reported with ``errant_record_reporter`` go out before the PutDone of their Put.

Several Puts may be in flight (``max_inflight_puts``, 4 by default), so a Put after one that
``put`` answered with RetriableError may already be here before the redelivery. Such a Put
is held back: answered RETRIABLE at once (``retry_after_ms`` 0) without reaching the task,
and the core delivers it again after the earlier one, so the task sees records in order.

Errant records and the sink task context's requests (``offset``, ``pause``, ``resume``,
``request_commit``) share one outbox, sent in the order they were made and always before
the next PutDone/Flushed; a context request is sent at once (once the task has started),
errant records at the end of their put.

A failing ``flush``/``pre_commit`` is a failed flush, as Kafka Connect's "rewinding to last
committed offsets": the SDK answers ``Flushed`` with ``error`` set and no offsets, the core
commits nothing and delivers the records after the committed offsets again, and the task
keeps running. Only a ``ConfigError`` still fails the task.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from typing import Any, Mapping

from .. import tracing, wire
from ..connector import SinkConnector, SinkTask, SinkTaskContext
from ..errors import RetriableError
from ..logs import set_log_context
from ..records import SinkRecord, TopicPartition
from ..v1 import connector_pb2 as cpb
from . import base
from .base import Stream, TaskThread, background, cancel_all, error_for, error_kind, invoke

log = logging.getLogger("polyconnect.sink")

_HEARTBEAT = cpb.SinkResponse(heartbeat=cpb.Heartbeat()).SerializeToString()

DEFAULT_MAX_INFLIGHT_PUTS = 4


class SinkSession:
    def __init__(self, plugins: Any, request_iterator: Any, context: Any):
        self.plugins = plugins
        self.requests = request_iterator
        self.stream = Stream(context, _HEARTBEAT)
        self.thread: TaskThread | None = None
        self.task: SinkTask | None = None
        #: SinkTaskContext.timeout: the back-off after the next retriable put; -1: none.
        self.retry_timeout_ms = -1
        self.started = False
        self.stopped = False
        self.done = asyncio.Event()
        self.work: asyncio.Queue = asyncio.Queue()
        self.assigned: set[TopicPartition] = set()
        # Errant records and context requests, in the order they were made (appended from
        # the task thread or the loop, sent from the loop).
        self.outbox: collections.deque[cpb.SinkResponse] = collections.deque()
        self.outbox_lock = asyncio.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.live = False  # SinkStarted went out: context requests may be sent at once
        self.drains: set[asyncio.Task] = set()
        self.decoder = wire.SinkRecordDecoder()
        self.tasks: list[asyncio.Task | None] = []
        self.stop_timeout = base.DEFAULT_STOP_TIMEOUT_S
        self.connector_name = ""
        self.task_id = 0
        # Put ids answered RETRIABLE and not yet delivered again: a later Put is held back.
        self.awaiting: set[int] = set()

    # ---------------------------------------------------------------- lifecycle

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            await cancel_all(self.tasks + list(self.drains))
            if self.started and not self.stopped:
                try:
                    await asyncio.wait_for(self._stop_task(), self.stop_timeout)
                except asyncio.TimeoutError:
                    log.warning("task.stop() did not return within %.1fs", self.stop_timeout)
                except Exception:
                    log.exception("stopping the task failed")
            if self.thread is not None:
                self.thread.close()
            self.awaiting.clear()
            log.info("sink task stream ended")

    async def _run(self) -> None:
        self.loop = asyncio.get_running_loop()
        first, it = await base.first_message(self.requests, "start")
        self.requests = it
        if first is None:
            return
        if first.WhichOneof("msg") != "start":
            await self._error(cpb.FATAL, "the first message of a SinkTask stream must be SinkStart")
            return
        s = first.start
        set_log_context(s.connector_name, s.task_id)
        self.connector_name, self.task_id = s.connector_name, s.task_id
        if s.protocol_version not in base.PROTOCOL_VERSIONS:
            await self._error(cpb.CONFIG, base.version_error(s.protocol_version))
            return
        plugin = self.plugins.find(s.connector_class, SinkConnector)
        if plugin is None:
            await self._error(cpb.CONFIG, f"this connector process does not serve a sink connector "
                                          f"named '{s.connector_class}'")
            return
        self.stream.configure(s.heartbeat_interval_ms, s.idle_timeout_ms)
        name = f"{s.connector_name}-{s.task_id}"
        self.thread = TaskThread(f"sink-{name}")
        task = plugin.task_class()
        task.context = SinkTaskContext(self, s.connector_name, s.task_id)
        self.task = task
        log.info("starting sink task %s (%s)", name, plugin.plugin_name())
        self.tasks.append(background(self._read(), self._on_failure, "sink-reader"))
        self.tasks.append(background(self.stream.liveness(self._on_idle), self._on_failure, "sink-liveness"))
        try:
            await invoke(self.thread, task.start, dict(s.config))
        except Exception as e:
            log.error("task.start() failed: %s", e, exc_info=True)
            await self._send_error(error_for(e))
            return
        self.started = True
        if self.done.is_set():  # the stream failed or went idle during start()
            return
        inflight = max(1, int(getattr(task, "max_inflight_puts", DEFAULT_MAX_INFLIGHT_PUTS) or 1))
        await self.stream.send(cpb.SinkResponse(started=cpb.SinkStarted(max_inflight_puts=inflight)))
        self.live = True
        await self._send_pending()  # context requests made in start()
        self.tasks.append(background(self._work(), self._on_failure, "sink-worker"))
        await self.done.wait()

    def _finish(self) -> None:
        self.done.set()

    async def _on_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, base.StreamClosed):
            log.error("sink stream failed: %s", exc, exc_info=exc)
            await self._send_error(error_for(exc))
        self._finish()

    async def _on_idle(self, silent: float) -> None:
        log.error("no message from the core for %.1fs (idle timeout %.1fs); ending the stream",
                  silent, self.stream.idle_timeout)
        await self._error(cpb.FATAL, f"no message from the core for {silent:.1f}s")
        self._finish()

    async def _error(self, kind: int, message: str) -> None:
        await self._send_error(wire.error_proto(kind, message=message))

    async def _send_error(self, err: cpb.Error, put_id: int = 0) -> None:
        try:
            await self.stream.send(cpb.SinkResponse(error=cpb.SinkError(error=err, put_id=put_id)))
        except base.StreamClosed:
            pass

    async def _stop_task(self) -> None:
        self.stopped = True
        task = self.task
        if self.assigned:
            parts = sorted(self.assigned)
            self.assigned.clear()
            try:
                await invoke(self.thread, task.close, parts)
            except Exception:
                log.exception("task.close() failed")
        await invoke(self.thread, task.stop)

    # ---------------------------------------------------------------- reader

    async def _read(self) -> None:
        async for req in self.requests:
            self.stream.received()
            kind = req.WhichOneof("msg")
            if kind == "heartbeat":
                continue
            if kind == "start":
                log.warning("ignoring a second SinkStart on the same stream")
                continue
            if kind == "stop" and req.stop.timeout_ms:
                self.stop_timeout = req.stop.timeout_ms / 1000.0
            self.work.put_nowait(req)
        log.debug("the core closed its side of the stream")
        self.work.put_nowait(None)

    # ---------------------------------------------------------------- worker

    async def _work(self) -> None:
        task = self.task
        put_async = base.is_async(task.put)
        while True:
            req = await self.work.get()
            if req is None:
                break
            kind = req.WhichOneof("msg")
            if kind == "put":
                put = req.put
                self.awaiting.discard(put.put_id)  # a redelivery
                if self.awaiting and put.put_id > min(self.awaiting):
                    if not await self._hold_back(put):
                        return
                    continue
                pt = tracing.put(self.connector_name, self.task_id, put.trace, put.records,
                                 put.columns.count if put.HasField("columns") else None)
                try:
                    if put_async:
                        await task.put(self.decoder.decode_put(put))
                    else:
                        await invoke(self.thread, self._put_sync, put)
                except RetriableError as e:
                    if pt is not None:
                        pt.end(e)
                    await self._send_pending()
                    err = error_for(e)
                    # SinkTaskContext.timeout(ms): the back-off before this put comes again, once.
                    timeout, self.retry_timeout_ms = self.retry_timeout_ms, -1
                    if err.retry_after_ms == 0 and timeout > 0:
                        err.retry_after_ms = min(timeout, 2**31 - 1)
                    log.warning("put() raised a retriable error; the core delivers the records again: %s", e)
                    self.awaiting.add(put.put_id)
                    await self._send_error(err, put_id=put.put_id)
                    continue
                except Exception as e:
                    if pt is not None:
                        pt.end(e)
                    await self._send_pending()
                    await self._fail(e, "put()")
                    return
                self.retry_timeout_ms = -1
                if pt is not None:
                    pt.end()
                await self._send_pending()
                await self.stream.send(cpb.SinkResponse(put_done=cpb.PutDone(put_id=put.put_id)))
            elif kind == "flush":
                f = req.flush
                offsets = {TopicPartition(o.topic, o.partition): o.offset for o in f.offsets}
                try:
                    with tracing.flush_span(self.connector_name, self.task_id, len(offsets),
                                            f.trace if f.HasField("trace") else None):
                        committed = await self._pre_commit(offsets)
                except Exception as e:
                    await self._send_pending()
                    if error_kind(e) == cpb.CONFIG:
                        await self._fail(e, "flush()")
                        return
                    log.error("flush() failed; nothing is committed and the core rewinds to the "
                              "last committed offsets: %s", e, exc_info=e)
                    failed = cpb.Flushed(flush_id=f.flush_id, error=error_for(e, kind=cpb.RETRIABLE))
                    await self.stream.send(cpb.SinkResponse(flushed=failed))
                    continue
                await self._send_pending()
                out = cpb.Flushed(flush_id=f.flush_id)
                for tp, off in committed:
                    out.offsets.add(topic=tp[0], partition=tp[1], offset=off)
                await self.stream.send(cpb.SinkResponse(flushed=out))
            elif kind == "open":
                parts = [TopicPartition(p.topic, p.partition) for p in req.open.partitions]
                self.assigned.update(parts)
                if not await self._call("open()", task.open, parts):
                    return
            elif kind == "close":
                parts = [TopicPartition(p.topic, p.partition) for p in req.close.partitions]
                self.assigned.difference_update(parts)
                if not await self._call("close()", task.close, parts):
                    return
            elif kind == "stop":
                try:
                    await self._stop_task()
                except Exception:
                    log.exception("task.stop() failed")
                await self._send_pending()
                self._finish()
                return
        # The core closed its side without Stop.
        self._finish()

    async def _hold_back(self, put: cpb.Put) -> bool:
        """Answers a Put that came after one awaiting redelivery RETRIABLE without calling
        ``put``: the core delivers both again, in order. Its records are still decoded, for
        the schemas they define (a redelivery may refer to them)."""
        put_id = put.put_id
        try:
            self.decoder.decode_put(put)
        except Exception as e:
            await self._fail(e, "decoding a put")
            return False
        first = min(self.awaiting)
        self.awaiting.add(put_id)
        log.debug("put %d held back: put %d awaits redelivery", put_id, first)
        await self._send_pending()
        await self._send_error(wire.error_proto(
            cpb.RETRIABLE, message=f"put {put_id} held back: put {first} awaits redelivery (order kept)"),
            put_id=put_id)
        return True

    def _put_sync(self, put: Any) -> None:
        self.task.put(self.decoder.decode_put(put))

    async def _pre_commit(self, offsets: dict[TopicPartition, int]) -> list[tuple[tuple[str, int], int]]:
        task = self.task
        if base.is_overridden(task, "pre_commit", SinkTask):
            result = await invoke(self.thread, task.pre_commit, dict(offsets))
        else:
            await invoke(self.thread, task.flush, dict(offsets))
            result = offsets
        return _committed(result)

    async def _call(self, what: str, fn: Any, *args: Any) -> bool:
        try:
            await invoke(self.thread, fn, *args)
            return True
        except Exception as e:
            await self._send_pending()
            await self._fail(e, what)
            return False

    async def _fail(self, exc: BaseException, what: str, kind: int | None = None) -> None:
        log.error("%s failed: %s", what, exc, exc_info=exc)
        await self._send_error(error_for(exc, kind=kind))
        self._finish()

    # ---------------------------------------------------------------- errant records, context

    def report_errant(self, record: SinkRecord, error: BaseException) -> None:
        e = error_for(error, kind=cpb.RECORD)
        e.kafka_topic = record.original_topic
        e.kafka_partition = record.original_kafka_partition
        e.kafka_offset = record.kafka_offset
        msg = cpb.ErrantRecord(
            topic=record.original_topic,
            kafka_partition=record.original_kafka_partition,
            kafka_offset=record.kafka_offset,
            error=e,
        )
        self.outbox.append(cpb.SinkResponse(errant=msg))

    def request(self, **fields: Any) -> None:
        """Queues a SinkContext and sends it at once (from the task thread or the loop)."""
        self.outbox.append(cpb.SinkResponse(context=wire.sink_context(**fields)))
        loop = self.loop
        if loop is None or not self.live or self.stream.closed:
            return  # sent right after SinkStarted (or never, when the stream is over)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._drain_soon()
        else:
            try:
                loop.call_soon_threadsafe(self._drain_soon)
            except RuntimeError:  # the loop is closed: the stream is over
                pass

    def _drain_soon(self) -> None:
        async def drain() -> None:
            try:
                await self._send_pending()
            except base.StreamClosed:
                pass

        t = asyncio.get_running_loop().create_task(drain(), name="sink-context")
        self.drains.add(t)
        t.add_done_callback(self.drains.discard)

    async def _send_pending(self) -> None:
        """Sends the outbox in order; whoever holds the lock sends everything queued."""
        async with self.outbox_lock:
            while self.outbox:
                await self.stream.send(self.outbox.popleft())


def _committed(result: Any) -> list[tuple[tuple[str, int], int]]:
    """The offsets a task returned from pre_commit: a mapping of (topic, partition) to the
    next offset (an int, or anything with an ``offset`` attribute)."""
    if not result:
        return []
    if not isinstance(result, Mapping):
        raise TypeError(f"pre_commit must return a mapping of (topic, partition) to offset, "
                        f"not {type(result).__name__}")
    out = []
    for tp, off in result.items():
        topic, partition = tp
        out.append(((str(topic), int(partition)), int(getattr(off, "offset", off))))
    return out
