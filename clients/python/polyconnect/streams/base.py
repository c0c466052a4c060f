"""Plumbing shared by the three streams: the task thread, calling connector code that
may be sync or async, ordered writes, heartbeats and idle detection, typed errors."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
import logging
import queue
import threading
import time
from typing import Any, Awaitable, Callable

import grpc

from ..errors import ConfigError, RetriableError
from ..v1 import connector_pb2 as cpb
from ..wire import error_proto

log = logging.getLogger("polyconnect")

#: Protocol versions this SDK speaks, newest first.
PROTOCOL_VERSIONS = (1,)
#: Our largest gRPC message (protocol rule 1); the smaller of both sides' limits is used.
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
DEFAULT_HEARTBEAT_S = 5.0
DEFAULT_STOP_TIMEOUT_S = 5.0


class TaskThread:
    """One daemon thread that runs a task's plain (non-async) methods in order, like
    Kafka Connect's one thread per task. Daemon, so a method that never returns cannot
    keep the process alive after shutdown."""

    def __init__(self, name: str):
        self.name = name
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
        fut: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((fut, fn, args))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        return fut

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fut, fn, args = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args))
            except BaseException as e:  # noqa: BLE001 - handed to the awaiting coroutine
                fut.set_exception(e)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)


_ASYNC_CACHE: dict[Any, bool] = {}


def is_async(fn: Callable[..., Any]) -> bool:
    key = getattr(fn, "__func__", fn)
    r = _ASYNC_CACHE.get(key)
    if r is None:
        r = inspect.iscoroutinefunction(fn)
        if len(_ASYNC_CACHE) < 4096:
            _ASYNC_CACHE[key] = r
    return r


async def invoke(thread: TaskThread, fn: Callable[..., Any], *args: Any) -> Any:
    """Calls connector code: ``async def`` on the loop, plain functions in ``thread``."""
    if is_async(fn):
        return await fn(*args)
    ctx = contextvars.copy_context()
    result = await asyncio.wrap_future(thread.submit(ctx.run, fn, *args))
    if inspect.isawaitable(result):
        result = await result
    return result


def is_overridden(obj: Any, name: str, base: type) -> bool:
    return getattr(type(obj), name) is not getattr(base, name)


def error_kind(exc: BaseException) -> int:
    if isinstance(exc, RetriableError):
        return cpb.RETRIABLE
    if isinstance(exc, ConfigError):
        return cpb.CONFIG
    return cpb.FATAL


def error_for(exc: BaseException, message: str | None = None, kind: int | None = None) -> cpb.Error:
    """The typed `Error` for an exception raised by connector code (protocol rule 6)."""
    k = error_kind(exc) if kind is None else kind
    retry = exc.retry_after_ms if isinstance(exc, RetriableError) else 0
    return error_proto(k, exc, message=message, retry_after_ms=retry)


def serialize(msg: Any) -> bytes:
    """Response serializer: pre-encoded bytes pass through, messages are serialized."""
    return msg if msg.__class__ is bytes else msg.SerializeToString()


class StreamClosed(Exception):
    """The core went away: writing to the stream failed."""


class Stream:
    """One bidirectional stream from the connector's side: ordered writes, heartbeats when
    idle, and detection of a silent core (protocol rule 8)."""

    def __init__(self, context: grpc.aio.ServicerContext, heartbeat: bytes):
        self._ctx = context
        self._heartbeat = heartbeat
        self._lock = asyncio.Lock()
        now = time.monotonic()
        self.last_sent = now
        self.last_received = now
        self.heartbeat_interval = DEFAULT_HEARTBEAT_S
        self.idle_timeout = 0.0
        self.closed = False

    def configure(self, heartbeat_interval_ms: int, idle_timeout_ms: int) -> None:
        if heartbeat_interval_ms:
            self.heartbeat_interval = heartbeat_interval_ms / 1000.0
        self.idle_timeout = idle_timeout_ms / 1000.0

    def received(self) -> None:
        self.last_received = time.monotonic()

    async def send(self, msg: Any) -> None:
        """Writes one response (a message, or pre-encoded bytes)."""
        async with self._lock:
            if self.closed:
                raise StreamClosed("the stream is closed")
            try:
                await self._ctx.write(msg)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the RPC ended under us (core gone)
                self.closed = True
                raise StreamClosed(str(e) or type(e).__name__) from e
            self.last_sent = time.monotonic()

    async def liveness(self, on_idle: Callable[[float], Awaitable[None]]) -> None:
        """Sends heartbeats when nothing else went out for the heartbeat interval; calls
        ``on_idle`` when nothing came in for the idle timeout."""
        while not self.closed:
            tick = min(self.heartbeat_interval / 4.0, 1.0)
            if self.idle_timeout:
                tick = min(tick, self.idle_timeout / 4.0)
            await asyncio.sleep(max(tick, 0.01))
            now = time.monotonic()
            if now - self.last_sent >= self.heartbeat_interval:
                await self.send(self._heartbeat)
            silent = now - self.last_received
            if self.idle_timeout and silent > self.idle_timeout:
                await on_idle(silent)
                return


async def first_message(request_iterator: Any, kind: str) -> tuple[Any, Any]:
    """The first request of a stream and the iterator for the rest; (None, it) when the
    core closed the stream at once."""
    it = request_iterator.__aiter__()
    try:
        msg = await it.__anext__()
    except StopAsyncIteration:
        return None, it
    return msg, it


def background(coro: Awaitable[Any], on_error: Callable[[BaseException], Any], name: str) -> asyncio.Task:
    """Runs ``coro`` as a task; an unexpected exception goes to ``on_error``."""

    async def guarded() -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except StreamClosed as e:
            log.info("stream closed by the core: %s", e)
            r = on_error(e)
            if inspect.isawaitable(r):
                await r
        except BaseException as e:  # noqa: BLE001
            r = on_error(e)
            if inspect.isawaitable(r):
                await r

    return asyncio.get_running_loop().create_task(guarded(), name=name)


async def cancel_all(tasks: list[asyncio.Task | None]) -> None:
    live = [t for t in tasks if t is not None and not t.done()]
    for t in live:
        t.cancel()
    if live:
        await asyncio.gather(*live, return_exceptions=True)


def version_error(version: int) -> str:
    return (f"protocol version {version} is not supported by this connector process "
            f"(python SDK speaks {list(PROTOCOL_VERSIONS)})")
