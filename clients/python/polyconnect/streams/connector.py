"""The Connector.Run stream (lifecycle in ``connector.proto``): start, task configs,
reconfiguration requests from the connector, stop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .. import wire
from ..connector import ConnectorContext, _Connector
from ..errors import ConfigError, ConnectError
from ..logs import set_log_context
from ..v1 import connector_pb2 as cpb
from . import base
from .base import Stream, TaskThread, background, cancel_all, error_for, invoke
from .source import partition_key

log = logging.getLogger("polyconnect.connector")

_OFFSETS_TIMEOUT_S = 30.0

_HEARTBEAT = cpb.ConnectorResponse(heartbeat=cpb.Heartbeat()).SerializeToString()


class ConnectorSession:
    def __init__(self, plugins: Any, request_iterator: Any, context: Any):
        self.plugins = plugins
        self.requests = request_iterator
        self.stream = Stream(context, _HEARTBEAT)
        self.thread: TaskThread | None = None
        self.connector: _Connector | None = None
        self.started = False
        self.stopped = False
        self.done = asyncio.Event()
        self.work: asyncio.Queue = asyncio.Queue()
        self.tasks: list[asyncio.Task | None] = []
        self.loop = asyncio.get_running_loop()
        self.stop_timeout = base.DEFAULT_STOP_TIMEOUT_S
        self.queries: dict[int, asyncio.Future] = {}
        self.next_query = 0

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            await cancel_all(self.tasks)
            if self.started and not self.stopped:
                await self._stop_connector()
            if self.thread is not None:
                self.thread.close()
            log.info("connector stream ended")

    async def _run(self) -> None:
        first, it = await base.first_message(self.requests, "start")
        self.requests = it
        if first is None:
            return
        if first.WhichOneof("msg") != "start":
            await self._error(cpb.FATAL, "the first message of a Connector stream must be ConnectorStart")
            return
        s = first.start
        set_log_context(s.connector_name)
        if s.protocol_version not in base.PROTOCOL_VERSIONS:
            await self._error(cpb.CONFIG, base.version_error(s.protocol_version))
            return
        plugin = self.plugins.find(s.connector_class)
        if plugin is None:
            await self._error(cpb.CONFIG, f"this connector process does not serve a connector named "
                                          f"'{s.connector_class}'")
            return
        self.stream.configure(s.heartbeat_interval_ms, s.idle_timeout_ms)
        self.thread = TaskThread(f"connector-{s.connector_name}")
        config = dict(s.config)
        connector = plugin()
        connector.context = ConnectorContext(self, s.connector_name)
        connector.config = config
        self.connector = connector
        log.info("starting connector %s (%s)", s.connector_name, plugin.plugin_name())
        self.tasks.append(background(self._read(), self._on_failure, "connector-reader"))
        self.tasks.append(background(self.stream.liveness(self._on_idle), self._on_failure, "connector-liveness"))
        try:
            plugin.definition().parse(config)
            await invoke(self.thread, connector.start, config)
        except Exception as e:
            log.error("connector start failed: %s", e, exc_info=not isinstance(e, ConfigError))
            await self._send_error(error_for(e))
            return
        self.started = True
        if self.done.is_set():  # the stream failed or went idle during start()
            return
        await self.stream.send(cpb.ConnectorResponse(started=cpb.Started()))
        self.tasks.append(background(self._work(), self._on_failure, "connector-worker"))
        await self.done.wait()

    def _finish(self) -> None:
        self.done.set()

    async def _on_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, base.StreamClosed):
            log.error("connector stream failed: %s", exc, exc_info=exc)
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
        try:
            await self.stream.send(cpb.ConnectorResponse(error=err))
        except base.StreamClosed:
            pass

    async def _stop_connector(self) -> None:
        self.stopped = True
        try:
            await asyncio.wait_for(invoke(self.thread, self.connector.stop), self.stop_timeout)
        except asyncio.TimeoutError:
            log.warning("connector stop() did not return within %.1fs", self.stop_timeout)
        except Exception:
            log.exception("connector stop() failed")

    async def _read(self) -> None:
        async for req in self.requests:
            self.stream.received()
            kind = req.WhichOneof("msg")
            if kind == "offsets":
                # Answered here, not by the worker: start() may be waiting for it.
                fut = self.queries.get(req.offsets.request_id)
                if fut is not None and not fut.done():
                    fut.set_result(req.offsets)
                continue
            if kind in ("task_configs", "stop"):
                if kind == "stop" and req.stop.timeout_ms:
                    self.stop_timeout = req.stop.timeout_ms / 1000.0
                self.work.put_nowait(req)
        self.work.put_nowait(None)

    async def _work(self) -> None:
        while True:
            req = await self.work.get()
            if req is None or req.WhichOneof("msg") == "stop":
                await self._stop_connector()
                self._finish()
                return
            max_tasks = req.task_configs.max_tasks
            try:
                configs = await invoke(self.thread, self.connector.task_configs, max_tasks)
                out = cpb.TaskConfigs()
                configs = list(configs or [])
                if max_tasks and len(configs) > max_tasks:
                    log.warning("task_configs returned %d configs for max_tasks=%d; using the first %d",
                                len(configs), max_tasks, max_tasks)
                    configs = configs[:max_tasks]
                for c in configs:
                    tc = out.configs.add()
                    for k, v in c.items():
                        tc.config[str(k)] = _config_string(v)
            except Exception as e:
                log.error("task_configs failed: %s", e, exc_info=True)
                await self._send_error(error_for(e))
                self._finish()
                return
            await self.stream.send(cpb.ConnectorResponse(task_configs=out))

    # ------------------------------------------------------------ called by the context

    def request_reconfiguration(self, reason: str) -> None:
        async def send() -> None:
            try:
                await self.stream.send(cpb.ConnectorResponse(reconfigure=cpb.ReconfigureRequest(reason=reason)))
            except base.StreamClosed:
                pass

        self.loop.call_soon_threadsafe(lambda: self.tasks.append(self.loop.create_task(send())))

    async def query_offsets(self, partitions: list) -> list:
        self.next_query += 1
        qid = self.next_query
        fut = self.loop.create_future()
        self.queries[qid] = fut
        q = cpb.OffsetsQuery(request_id=qid)
        for p in partitions:
            q.partitions.append(wire.value_to_proto(dict(p)))
        try:
            await self.stream.send(cpb.ConnectorResponse(offsets_query=q))
            answer = await asyncio.wait_for(fut, _OFFSETS_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise ConnectError(f"the core did not answer an offsets query within {_OFFSETS_TIMEOUT_S:.0f}s") from None
        finally:
            self.queries.pop(qid, None)
        stored = {}
        for o in answer.offsets:
            if o.HasField("offset"):
                stored[partition_key(wire.decode_any(o.partition))] = wire.decode_any(o.offset)
        return [stored.get(partition_key(p)) for p in partitions]

    def query_offsets_from_thread(self, partitions: list) -> list:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            fut = asyncio.run_coroutine_threadsafe(self.query_offsets(partitions), self.loop)
            return fut.result(_OFFSETS_TIMEOUT_S + 5)
        raise RuntimeError("the connector's offsets need a round trip to the core: read them from start() "
                           "or another plain method, not from the event loop")

    def raise_error(self, error: BaseException) -> None:
        async def send() -> None:
            log.error("connector raised an error: %s", error, exc_info=error)
            await self._send_error(error_for(error))
            self._finish()

        self.loop.call_soon_threadsafe(lambda: self.tasks.append(self.loop.create_task(send())))


def _config_string(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ",".join(_config_string(x) for x in v)
    return "" if v is None else str(v)
