"""The file connectors through the protocol, as the core drives them, and the plugin
process started the way the core starts it (the manifest's command and environment)."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import grpc

from filetest_support import PLUGIN_DIR
from harness import Core, acks, commit, credit, run, serving, sink_start, source_start, stop
from polyconnect.v1 import connector_pb2 as cpb
from polyconnect_file import FileStreamSink, FileStreamSource


@run
async def test_source_stream_resumes_and_stops(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(b"old\nnew 1\nnew 2\n")
    async with serving(FileStreamSource, FileStreamSink) as core:
        s = core.open_source()
        await s.send(source_start("org.apache.kafka.connect.file.FileStreamSourceConnector",
                                  config={"file": str(path), "topic": "t"},
                                  offsets=[({"filename": str(path)}, {"position": 4})]))
        await s.expect("started")
        await s.send(credit(100))
        batch = await s.expect("batch")
        got = [(r.seq, r.value.structured.value.string, r.source_offset.map.entries[0].value.int64)
               for r in batch.records]
        assert got == [(1, "new 1", 10), (2, "new 2", 16)]
        assert batch.records[0].topic == "t"
        with open(path, "ab") as f:
            f.write(b"tailed\n")
        batch = await s.expect("batch")
        assert [r.value.structured.value.string for r in batch.records] == ["tailed"]
        await s.send(cpb.SourceRequest(stop=stop(2000)))
        assert (await s.expect("drained")).last_seq == 3
        await s.send(acks((1, "t", 0, 0), (2, "t", 0, 1), (3, "t", 0, 2)))
        await s.send(commit(3))
        await s.close()
        assert await s.end() == []


@run
async def test_sink_stream_writes_and_flushes(tmp_path):
    path = tmp_path / "out.txt"
    async with serving(FileStreamSource, FileStreamSink) as core:
        s = core.open_sink()
        await s.send(sink_start("FileStreamSinkConnector", config={"file": str(path), "topics": "t"}))
        await s.expect("started")
        put = cpb.Put(put_id=1)
        for i, v in enumerate(["x", "y"]):
            r = put.records.add(topic="t", kafka_partition=0, kafka_offset=i)
            r.value.structured.schema.type = 8
            r.value.structured.value.string = v
        put.records.add(topic="t", kafka_partition=0, kafka_offset=2)  # a null value
        await s.send(cpb.SinkRequest(put=put))
        await s.expect("put_done")
        await s.send(cpb.SinkRequest(flush=cpb.Flush(flush_id=1, offsets=[
            cpb.TopicPartitionOffset(topic="t", partition=0, offset=3)])))
        flushed = await s.expect("flushed")
        assert [(o.topic, o.partition, o.offset) for o in flushed.offsets] == [("t", 0, 3)]
        assert path.read_text() == "x\ny\nnull\n"
        await s.send(cpb.SinkRequest(stop=stop()))
        assert await s.end() == []


@run
async def test_spec_matches_kafka_connect():
    async with serving(FileStreamSource, FileStreamSink) as core:
        spec = await core.connector.Spec(cpb.SpecRequest(connector_class="FileStreamSource"))
        keys = {k.name: k for k in spec.config}
        assert list(keys) == ["file", "topic", "batch.size"]
        assert keys["batch.size"].default_value == "2000" and keys["batch.size"].type == cpb.INT_CONFIG
        assert not keys["topic"].HasField("default_value")
        v = await core.connector.Validate(cpb.ValidateRequest(connector_class="FileStreamSource", config={}))
        errors = {x.name: list(x.errors) for x in v.values}
        assert errors["topic"] == ['Missing required configuration "topic" which has no default value.']
        sink = await core.connector.Spec(cpb.SpecRequest(connector_class="FileStreamSink"))
        assert [k.name for k in sink.config] == ["file"]


def manifest_env():
    with open(os.path.join(PLUGIN_DIR, "polyconnect-plugin.json")) as f:
        manifest = json.load(f)
    env = {k: v.replace("${plugin.dir}", PLUGIN_DIR) for k, v in manifest["env"].items()}
    command = [c.replace("${plugin.dir}", PLUGIN_DIR) for c in manifest["command"]]
    return manifest, command, env


def test_manifest_lists_the_plugins():
    manifest, command, env = manifest_env()
    assert manifest["name"] == "file" and command == ["python3", "-m", "polyconnect_file"]
    classes = {p["class"]: p for p in manifest["plugins"]}
    assert classes["FileStreamSource"]["type"] == "source"
    assert "org.apache.kafka.connect.file.FileStreamSinkConnector" in classes["FileStreamSink"]["aliases"]


def test_plugin_process_as_the_core_starts_it():
    manifest, command, env = manifest_env()
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "file.sock")
        full_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        full_env.update(env)
        full_env.update({"POLYCONNECT_LISTEN": f"unix:{sock}", "POLYCONNECT_TOKEN": "t0k",
                         "POLYCONNECT_PARENT_PID": str(os.getpid())})
        command[0] = sys.executable if command[0] == "python3" else command[0]
        proc = subprocess.Popen(command, cwd=PLUGIN_DIR, env=full_env, stderr=subprocess.PIPE, text=True)
        try:
            resp = asyncio.run(_handshake(f"unix:{sock}", "t0k"))
            plugins = {p.class_name: p for p in resp.plugins}
            assert set(plugins) == {"FileStreamSource", "FileStreamSink"}
            assert plugins["FileStreamSource"].type == cpb.SOURCE
            assert list(plugins["FileStreamSink"].aliases) == [
                "org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSinkConnector"]
            for p in manifest["plugins"]:
                assert plugins[p["class"]].version == manifest["version"]
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


async def _handshake(address, token):
    deadline = time.monotonic() + 20
    while True:
        async with grpc.aio.insecure_channel(address) as channel:
            try:
                return await Core(channel, (("authorization", f"Bearer {token}"),)).handshake()
            except grpc.aio.AioRpcError as e:
                if e.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                    raise
        await asyncio.sleep(0.1)
