"""serve(): the listen address, a real process on a unix socket with a token, graceful
SIGTERM, and exiting when the parent dies."""

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time

import grpc

from harness import Core, run
from polyconnect.server import listen_address

PLUGIN = os.path.join(os.path.dirname(__file__), "sample_plugin.py")


def test_listen_address_resolution():
    assert listen_address([], {"POLYCONNECT_LISTEN": "unix:/tmp/a.sock"}) == "unix:/tmp/a.sock"
    assert listen_address(["--listen", "127.0.0.1:9000"], {"POLYCONNECT_LISTEN": "unix:/x"}) == "unix:/x"
    assert listen_address(["--listen", "127.0.0.1:9000"], {}) == "127.0.0.1:9000"
    assert listen_address(["--listen=unix:/s"], {}) == "unix:/s"
    assert listen_address([], {"POLYCONNECT_PORT": "6000"}) == "0.0.0.0:6000"
    assert listen_address([], {}) == "0.0.0.0:50051"
    assert listen_address([], {"POLYCONNECT_LISTEN": "http://localhost:1"}) == "localhost:1"


def start_plugin(env_extra):
    env = dict(os.environ, PYTHONUNBUFFERED="1", **env_extra)
    return subprocess.Popen([sys.executable, PLUGIN], env=env, stderr=subprocess.PIPE, text=True)


async def handshake_over(address, token=None, timeout=15.0):
    deadline = time.monotonic() + timeout
    metadata = (("authorization", f"Bearer {token}"),) if token else None
    while True:
        async with grpc.aio.insecure_channel(address) as channel:
            try:
                return await Core(channel, metadata).handshake()
            except grpc.aio.AioRpcError as e:
                if e.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                    raise
        await asyncio.sleep(0.1)


@run
async def test_serves_on_a_unix_socket_with_a_token_and_stops_on_sigterm():
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "plugin.sock")
        proc = start_plugin({"POLYCONNECT_LISTEN": f"unix:{sock}", "POLYCONNECT_TOKEN": "tok"})
        try:
            r = await handshake_over(f"unix:{sock}", token="tok")
            assert [p.class_name for p in r.plugins] == ["Ticks"]
            try:
                await handshake_over(f"unix:{sock}")
                raise AssertionError("a call without the token was accepted")
            except grpc.aio.AioRpcError as e:
                assert e.code() == grpc.StatusCode.UNAUTHENTICATED
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
            assert not os.path.exists(sock)
        finally:
            if proc.poll() is None:
                proc.kill()
        err = proc.stderr.read()
        assert "serving Ticks on unix:" in err and "shutting down" in err
        assert all(line.count(" ") > 2 for line in err.strip().splitlines())  # one event per line


def test_exits_when_the_parent_dies():
    parent = subprocess.Popen(["sleep", "60"])
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "p.sock")
        proc = start_plugin({"POLYCONNECT_LISTEN": f"unix:{sock}", "POLYCONNECT_PARENT_PID": str(parent.pid)})
        try:
            deadline = time.monotonic() + 15
            while not os.path.exists(sock) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert proc.poll() is None
            parent.kill()
            parent.wait()
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
            if parent.poll() is None:
                parent.kill()
        assert "parent process" in proc.stderr.read()
