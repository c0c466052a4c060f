"""A stand-in for the core in tests: a real in-process gRPC server with the SDK's
servicers, and a gRPC client that plays the core's side of each stream."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sys
from typing import Any, AsyncIterator, Callable

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from polyconnect.server import start_server  # noqa: E402
from polyconnect.v1 import connector_pb2 as cpb  # noqa: E402
from polyconnect.v1 import connector_pb2_grpc as cgrpc  # noqa: E402
from polyconnect.v1 import data_pb2 as dpb  # noqa: E402

TIMEOUT = 10.0


def run(coro_fn: Callable[..., Any]) -> Callable[..., Any]:
    """Runs an ``async def`` test function in a fresh event loop."""

    @functools.wraps(coro_fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(asyncio.wait_for(coro_fn(*args, **kwargs), 60))

    return wrapper


class Core:
    """The client side: stubs for the three services on one channel."""

    def __init__(self, channel: grpc.aio.Channel, metadata: Any = None):
        self.channel = channel
        self.connector = cgrpc.ConnectorStub(channel)
        self.source = cgrpc.SourceTaskStub(channel)
        self.sink = cgrpc.SinkTaskStub(channel)
        self.metadata = metadata

    def open_source(self) -> "Duplex":
        return Duplex(self.source.Run(metadata=self.metadata))

    def open_sink(self) -> "Duplex":
        return Duplex(self.sink.Run(metadata=self.metadata))

    def open_connector(self) -> "Duplex":
        return Duplex(self.connector.Run(metadata=self.metadata))

    async def handshake(self, **kw: Any) -> cpb.HandshakeResponse:
        req = cpb.HandshakeRequest(
            protocol_versions=kw.pop("versions", [1]),
            core_version="test",
            max_message_bytes=kw.pop("max_message_bytes", 64 << 20),
            capabilities=cpb.Capabilities(raw_bytes=True, schema_references=True, trace_context=True,
                                          columnar_puts=kw.pop("columnar_puts", True),
                                          columnar_source_batches=kw.pop("columnar_source_batches", True)),
        )
        return await self.connector.Handshake(req, metadata=self.metadata, timeout=TIMEOUT)


class Duplex:
    """One stream from the core's side. A background reader queues what the connector
    sends, so waiting with a timeout never cancels the call itself."""

    def __init__(self, call: Any):
        self.call = call
        self.received: list[Any] = []
        self._queue: asyncio.Queue = asyncio.Queue()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            while True:
                msg = await self.call.read()
                if msg is grpc.aio.EOF:
                    break
                self._queue.put_nowait(msg)
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError) as e:
            self._queue.put_nowait(e)
        self._queue.put_nowait(None)

    async def send(self, msg: Any) -> None:
        await self.call.write(msg)

    async def recv(self, timeout: float = TIMEOUT, heartbeats: bool = False) -> Any:
        """The next message (skipping heartbeats unless asked); None at the end."""
        while True:
            msg = await asyncio.wait_for(self._queue.get(), timeout)
            if msg is None:
                self._queue.put_nowait(None)
                return None
            if isinstance(msg, Exception):
                raise msg
            self.received.append(msg)
            if heartbeats or msg.WhichOneof("msg") != "heartbeat":
                return msg

    async def expect(self, kind: str, timeout: float = TIMEOUT) -> Any:
        msg = await self.recv(timeout)
        assert msg is not None, f"stream ended while waiting for {kind}"
        got = msg.WhichOneof("msg")
        assert got == kind, f"expected {kind}, got {got}: {msg}"
        return getattr(msg, kind)

    async def close(self) -> None:
        await self.call.done_writing()

    async def end(self, timeout: float = TIMEOUT) -> list[Any]:
        """Reads until the connector ends the stream; returns what came meanwhile."""
        out = []
        while True:
            msg = await self.recv(timeout)
            if msg is None:
                return out
            out.append(msg)

    async def status(self) -> Any:
        return await self.call.code()


@contextlib.asynccontextmanager
async def serving(*connectors: type, token: str | None = None, metadata: Any = None,
                  max_message_bytes: int = 64 << 20) -> AsyncIterator[Core]:
    server = await start_server(*connectors, address="127.0.0.1:0", token=token,
                                max_message_bytes=max_message_bytes)
    channel = grpc.aio.insecure_channel(
        f"127.0.0.1:{server.port}",
        options=[("grpc.max_receive_message_length", 256 << 20), ("grpc.max_send_message_length", 256 << 20)],
    )
    try:
        yield Core(channel, metadata)
    finally:
        await channel.close()
        await server.stop(grace=1.0)


def source_start(cls: str, config: dict[str, str] | None = None, offsets: list | None = None,
                 version: int = 1, refs: bool = True, raw: bool = True, max_message_bytes: int = 64 << 20,
                 heartbeat_ms: int = 1000, idle_ms: int = 0, task_id: int = 0,
                 transaction_context: bool = False, columns: bool = False) -> cpb.SourceRequest:
    start = cpb.SourceStart(
        transaction_context=transaction_context,
        protocol_version=version,
        connector_class=cls,
        connector_name="test-connector",
        task_id=task_id,
        config=config or {},
        heartbeat_interval_ms=heartbeat_ms,
        idle_timeout_ms=idle_ms,
        max_message_bytes=max_message_bytes,
        capabilities=cpb.Capabilities(raw_bytes=raw, schema_references=refs, trace_context=True,
                                      columnar_source_batches=columns),
    )
    for part, off in offsets or []:
        o = start.offsets.add()
        o.partition.CopyFrom(value_of(part))
        if off is not None:
            o.offset.CopyFrom(value_of(off))
    return cpb.SourceRequest(start=start)


def sink_start(cls: str, config: dict[str, str] | None = None, version: int = 1, refs: bool = True,
               heartbeat_ms: int = 1000, idle_ms: int = 0) -> cpb.SinkRequest:
    return cpb.SinkRequest(start=cpb.SinkStart(
        protocol_version=version,
        connector_class=cls,
        connector_name="test-sink",
        task_id=0,
        config=config or {},
        heartbeat_interval_ms=heartbeat_ms,
        idle_timeout_ms=idle_ms,
        max_message_bytes=64 << 20,
        capabilities=cpb.Capabilities(raw_bytes=True, schema_references=refs, trace_context=True),
    ))


def value_of(v: Any) -> dpb.Value:
    from polyconnect.wire import value_to_proto

    return value_to_proto(v)


def credit(records: int, nbytes: int = 1 << 30) -> cpb.SourceRequest:
    return cpb.SourceRequest(credit=cpb.Credit(records=records, bytes=nbytes))


def acks(*items: tuple) -> cpb.SourceRequest:
    """acks((seq, topic, partition, offset), (seq, None) for filtered, ...)."""
    msg = cpb.CommitRecords()
    for it in items:
        if it[1] is None:
            msg.acks.add(seq=it[0], filtered=True)
        else:
            msg.acks.add(seq=it[0], topic=it[1], partition=it[2], offset=it[3])
    return cpb.SourceRequest(commit_records=msg)


def commit(up_to: int) -> cpb.SourceRequest:
    return cpb.SourceRequest(commit=cpb.Commit(up_to_seq=up_to))


def stop(timeout_ms: int = 2000) -> Any:
    return cpb.Stop(timeout_ms=timeout_ms)


async def wait_for(cond: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not cond():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
