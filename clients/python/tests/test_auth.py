"""POLYCONNECT_TOKEN: every call carries `authorization: Bearer <token>` or is refused."""

import asyncio

import grpc
import pytest

from harness import run, serving, source_start
from polyconnect import SourceConnector, SourceTask
from polyconnect.v1 import connector_pb2 as cpb


class NopTask(SourceTask):
    def poll(self):
        return None


class Auth(SourceConnector):
    task_class = NopTask


@run
async def test_calls_without_the_token_are_refused():
    for metadata in (None, (("authorization", "Bearer wrong"),), (("authorization", "s3cret"),)):
        async with serving(Auth, token="s3cret", metadata=metadata) as core:
            with pytest.raises(grpc.aio.AioRpcError) as e:
                await core.handshake()
            assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
            s = core.open_source()
            try:
                await s.send(source_start("Auth"))  # may already see the refusal
                await s.recv()
            except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
                pass
            assert await s.status() == grpc.StatusCode.UNAUTHENTICATED


@run
async def test_calls_with_the_token_pass():
    async with serving(Auth, token="s3cret", metadata=(("authorization", "Bearer s3cret"),)) as core:
        assert (await core.handshake()).protocol_version == 1
        assert (await core.connector.Health(cpb.HealthRequest(), metadata=core.metadata)).serving
        s = core.open_source()
        await s.send(source_start("Auth"))
        await s.expect("started")
