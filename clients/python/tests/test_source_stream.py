"""SourceTask.Run: credits, batching, seq numbers, acks, commit, offsets, staged stop,
errors, heartbeats."""

import asyncio
import threading
import time

from harness import acks, commit, credit, run, serving, source_start, stop, wait_for
from polyconnect import (
    ConfigError,
    RawBytes,
    RetriableError,
    Schema,
    SourceConnector,
    SourceRecord,
    SourceTask,
)
from polyconnect.v1 import connector_pb2 as cpb


def make_source(poll_size=10, limit=None, value=lambda i: f"value-{i}", name="Src", **extra):
    """A source that returns ``poll_size`` records per poll (up to ``limit``) and records
    every call the SDK makes."""
    calls = []
    state = {"n": 0, "stopped": threading.Event()}

    class Task(SourceTask):
        def start(self, config):
            calls.append(("start", dict(config)))

        def poll(self):
            n = state["n"]
            if limit is not None and n >= limit:
                time.sleep(0.02)
                return None
            k = poll_size if limit is None else min(poll_size, limit - n)
            state["n"] = n + k
            return [SourceRecord({"src": "s"}, {"pos": i}, "topic", value_schema=Schema.STRING_SCHEMA,
                                 value=value(i)) for i in range(n, n + k)]

        def commit_record(self, record, metadata):
            calls.append(("commit_record", record.source_offset["pos"], metadata))

        def commit(self):
            calls.append(("commit",))

        def stop(self):
            calls.append(("stop",))
            state["stopped"].set()

    for k, v in extra.items():
        setattr(Task, k, v)
    cls = type(name, (SourceConnector,), {"task_class": Task})
    return cls, calls, state


async def started(core, cls_name, **kw):
    s = core.open_source()
    await s.send(source_start(cls_name, **kw))
    await s.expect("started")
    return s


async def collect(s, n, timeout=10.0):
    """Batches until ``n`` records arrived."""
    batches = []
    total = 0
    while total < n:
        b = await s.expect("batch", timeout)
        batches.append(b)
        total += len(b.records)
    return batches


async def quiet(s, seconds=0.3):
    """Asserts nothing but heartbeats arrive for ``seconds``."""
    try:
        msg = await s.recv(timeout=seconds)
    except asyncio.TimeoutError:
        return
    raise AssertionError(f"unexpected message: {msg}")


@run
async def test_never_sends_past_record_credit():
    cls, calls, _ = make_source(poll_size=7)
    async with serving(cls) as core:
        s = await started(core, "Src")
        await quiet(s, 0.2)  # no credit yet: nothing is sent
        await s.send(credit(10))
        batches = await collect(s, 10)
        assert sum(len(b.records) for b in batches) == 10
        await quiet(s)
        await s.send(credit(25))
        batches += await collect(s, 25)
        await quiet(s)
        seqs = [r.seq for b in batches for r in b.records]
        assert seqs == list(range(1, 36))
        assert [r.source_offset.map.entries[0].value.int64 for b in batches for r in b.records] == list(range(35))


@run
async def test_never_sends_past_byte_credit():
    cls, _, _ = make_source(poll_size=5)
    async with serving(cls) as core:
        # Learn the sizes: the first record defines the schema, the next ones refer to it.
        s = await started(core, "Src")
        await s.send(credit(2))
        first, second = [r for b in await collect(s, 2) for r in b.records]
        s1, s2 = first.ByteSize(), second.ByteSize()
        await s.close()

        s = await started(core, "Src")
        grant = s1 + 2 * s2 + s2 // 2  # three records and a half
        await s.send(credit(1000, grant))
        sent = [r for b in await collect(s, 3) for r in b.records]
        await quiet(s)
        assert len(sent) == 3
        assert sum(r.ByteSize() for r in sent) <= grant
        await s.send(credit(0, 10 * s2))
        more = await collect(s, 1)
        assert more[0].records[0].seq == 4


@run
async def test_several_batches_in_flight_without_acks():
    cls, _, _ = make_source(poll_size=50)
    async with serving(cls) as core:
        s = await started(core, "Src")
        await s.send(credit(1000))
        batches = await collect(s, 1000)
        assert len(batches) >= 3  # polls keep going while credit lasts; no ack was sent
        await quiet(s)


@run
async def test_batches_split_to_fit_the_message_size():
    cls, _, _ = make_source(poll_size=200, value=lambda i: "x" * 100)
    async with serving(cls) as core:
        s = await started(core, "Src", max_message_bytes=4096)
        await s.send(credit(200))
        batches = await collect(s, 200)
        assert len(batches) > 5
        for b in batches:
            assert cpb.SourceResponse(batch=b).ByteSize() <= 4096


@run
async def test_a_record_larger_than_the_message_size_fails_the_task():
    cls, calls, state = make_source(poll_size=1, value=lambda i: "x" * 5000)
    async with serving(cls) as core:
        s = await started(core, "Src", max_message_bytes=4096)
        err = await s.expect("error")  # at poll time, before any credit
        assert err.kind == cpb.CONFIG and "4096" in err.message
        await s.end()
        assert state["stopped"].is_set()


@run
async def test_acks_call_commit_record_in_order_once():
    cls, calls, _ = make_source(poll_size=5, limit=5)
    async with serving(cls) as core:
        s = await started(core, "Src")
        await s.send(credit(100))
        await collect(s, 5)
        await s.send(acks((1, "t", 0, 100), (2, None)))
        await s.send(acks((1, "t", 0, 100), (2, None), (3, "t", 1, 7)))  # repeated acks are ignored
        await s.send(acks((4, "t", 0, 101), (5, "t", 0, 102)))
        await wait_for(lambda: len([c for c in calls if c[0] == "commit_record"]) == 5)
        await s.send(commit(5))
        await s.send(commit(5))
        await s.send(commit(3))
        await wait_for(lambda: ("commit",) in calls)
        await asyncio.sleep(0.1)
        got = [c for c in calls if c[0] in ("commit_record", "commit")]
        assert got == [
            ("commit_record", 0, ("t", 0, 100)),
            ("commit_record", 1, None),
            ("commit_record", 2, ("t", 1, 7)),
            ("commit_record", 3, ("t", 0, 101)),
            ("commit_record", 4, ("t", 0, 102)),
            ("commit",),
        ]
        assert got[0][2].topic == "t" and got[0][2].offset == 100


@run
async def test_staged_stop():
    cls, calls, state = make_source(poll_size=10)
    async with serving(cls) as core:
        s = await started(core, "Src")
        await s.send(credit(25))
        await collect(s, 25)
        await s.send(cpb.SourceRequest(stop=stop(2000)))
        drained = await s.expect("drained")
        assert drained.last_seq == 25  # polled records without credit are not sent
        assert not state["stopped"].is_set()
        await s.send(acks(*[(i, "t", 0, i) for i in range(1, 26)]))
        await s.send(commit(25))
        await s.close()
        assert await s.end() == []
        assert state["stopped"].is_set()
        names = [c[0] for c in calls]
        assert names.count("commit_record") == 25
        assert names[-2:] == ["commit", "stop"]  # stop() after the final acks and commit


@run
async def test_stop_before_any_record():
    cls, calls, state = make_source(limit=0)
    async with serving(cls) as core:
        s = await started(core, "Src")
        await s.send(cpb.SourceRequest(stop=stop(1000)))
        assert (await s.expect("drained")).last_seq == 0
        await s.close()
        await s.end()
        assert state["stopped"].is_set()


@run
async def test_end_of_stream_without_stop_stops_the_task():
    cls, calls, state = make_source(poll_size=1)
    async with serving(cls) as core:
        s = await started(core, "Src")
        await s.close()
        await s.end()
        assert state["stopped"].is_set()


@run
async def test_offsets_from_start_and_from_a_query():
    seen = {}

    class Task(SourceTask):
        def start(self, config):
            seen["known"] = self.context.offset({"file": "a"})
            seen["none"] = self.context.offset({"file": "b"})
            seen["asked"] = self.context.offsets([{"file": "a"}, {"file": "c"}])

        def poll(self):
            time.sleep(0.01)

    class OffSrc(SourceConnector):
        task_class = Task

    async with serving(OffSrc) as core:
        s = core.open_source()
        await s.send(source_start("OffSrc", offsets=[({"file": "a"}, {"position": 42}), ({"file": "b"}, None)]))
        q = await s.expect("offsets_query")
        assert [p.map.entries[0].value.string for p in q.partitions] == ["c"]
        answer = cpb.OffsetsAnswer(request_id=q.request_id)
        o = answer.offsets.add()
        o.partition.CopyFrom(q.partitions[0])
        o.offset.map.entries.add().key.string = "position"
        o.offset.map.entries[0].value.int64 = 7
        await s.send(cpb.SourceRequest(offsets=answer))
        await s.expect("started")
        assert seen == {"known": {"position": 42}, "none": None, "asked": [{"position": 42}, {"position": 7}]}


@run
async def test_offsets_query_from_async_code():
    seen = {}

    class Task(SourceTask):
        async def start(self, config):
            seen["a"] = await self.context.query_offsets([{"file": "new"}])

        async def poll(self):
            await asyncio.sleep(0.01)

    class AsyncOff(SourceConnector):
        task_class = Task

    async with serving(AsyncOff) as core:
        s = core.open_source()
        await s.send(source_start("AsyncOff"))
        q = await s.expect("offsets_query")
        await s.send(cpb.SourceRequest(offsets=cpb.OffsetsAnswer(request_id=q.request_id)))
        await s.expect("started")
        assert seen == {"a": [None]}


@run
async def test_schema_references_on_and_off():
    cls, _, _ = make_source(poll_size=3)
    async with serving(cls) as core:
        s = await started(core, "Src", refs=True)
        await s.send(credit(3))
        schemas = [r.value.structured.schema for b in await collect(s, 3) for r in b.records]
        assert schemas[0].type == 8 and schemas[0].id  # STRING, defined once with an id
        assert all(x.ref == schemas[0].id and x.type == 0 for x in schemas[1:])

        s = await started(core, "Src", refs=False)
        await s.send(credit(3))
        schemas = [r.value.structured.schema for b in await collect(s, 3) for r in b.records]
        assert all(x.type == 8 and x.id == 0 and x.ref == 0 for x in schemas)


@run
async def test_raw_bytes_fast_path():
    class Task(SourceTask):
        def poll(self):
            time.sleep(0.01)
            return [SourceRecord(None, None, "t", key=RawBytes(b"k"), value=RawBytes(b"\x00payload"))]

    class RawSrc(SourceConnector):
        task_class = Task

    async with serving(RawSrc) as core:
        s = await started(core, "RawSrc")
        await s.send(credit(1))
        (b,) = await collect(s, 1)
        assert b.records[0].value.raw == b"\x00payload" and b.records[0].key.raw == b"k"


@run
async def test_retriable_poll_error_is_reported_and_polling_goes_on():
    state = {"n": 0}

    class Task(SourceTask):
        def poll(self):
            state["n"] += 1
            if state["n"] == 1:
                raise RetriableError("upstream busy", retry_after_ms=50)
            return [SourceRecord(None, None, "t", value="ok")]

    class Flaky(SourceConnector):
        task_class = Task

    async with serving(Flaky) as core:
        s = await started(core, "Flaky")
        await s.send(credit(1))
        err = await s.expect("error")
        assert err.kind == cpb.RETRIABLE and err.retry_after_ms == 50 and err.error_class == "RetriableError"
        (b,) = await collect(s, 1)
        assert b.records[0].value.structured.value.string == "ok"


@run
async def test_fatal_poll_error_ends_the_stream_with_the_cause():
    stopped = threading.Event()

    class Task(SourceTask):
        def poll(self):
            raise FileNotFoundError("no such file: x.txt")

        def stop(self):
            stopped.set()

    class Broken(SourceConnector):
        task_class = Task

    async with serving(Broken) as core:
        s = await started(core, "Broken")
        err = await s.expect("error")
        assert err.kind == cpb.FATAL and err.error_class == "FileNotFoundError"
        assert "no such file" in err.message and "Traceback" in err.detail and "poll" in err.detail
        assert await s.end() == []
        assert stopped.is_set()


@run
async def test_config_error_in_start():
    class Task(SourceTask):
        def start(self, config):
            raise ConfigError("topic is required")

        def poll(self):
            return None

    class BadConf(SourceConnector):
        task_class = Task

    async with serving(BadConf) as core:
        s = core.open_source()
        await s.send(source_start("BadConf"))
        err = await s.expect("error")
        assert err.kind == cpb.CONFIG and err.message == "topic is required"
        assert await s.end() == []


@run
async def test_refuses_another_protocol_version_and_unknown_classes():
    cls, calls, _ = make_source()
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("Src", version=2))
        err = await s.expect("error")
        assert err.kind == cpb.CONFIG and "protocol version 2" in err.message
        assert await s.end() == []
        s = core.open_source()
        await s.send(source_start("Unknown"))
        err = await s.expect("error")
        assert err.kind == cpb.CONFIG and "Unknown" in err.message
        assert calls == []


@run
async def test_heartbeats_when_idle_and_idle_timeout():
    cls, _, state = make_source(limit=0)
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("Src", heartbeat_ms=100))
        await s.expect("started")
        msg = await s.recv(timeout=2, heartbeats=True)
        assert msg.WhichOneof("msg") == "heartbeat"

        s2 = core.open_source()
        await s2.send(source_start("Src", heartbeat_ms=100, idle_ms=400))
        await s2.expect("started")
        t0 = time.monotonic()
        err = await s2.expect("error", timeout=5)
        assert err.kind == cpb.FATAL and "no message from the core" in err.message
        assert time.monotonic() - t0 < 3
        assert await s2.end() == []
        await wait_for(lambda: state["stopped"].is_set())


@run
async def test_async_task_methods():
    calls = []

    class Task(SourceTask):
        async def start(self, config):
            self.n = 0

        async def poll(self):
            await asyncio.sleep(0.005)
            self.n += 1
            return [SourceRecord({"p": 1}, {"o": self.n}, "t", value=self.n)]

        async def commit_record(self, record, metadata):
            calls.append(record.source_offset["o"])

        async def commit(self):
            calls.append("commit")

        async def stop(self):
            calls.append("stop")

    class AsyncSrc(SourceConnector):
        task_class = Task

    async with serving(AsyncSrc) as core:
        s = await started(core, "AsyncSrc")
        await s.send(credit(3))
        recs = [r for b in await collect(s, 3) for r in b.records]
        assert [r.value.structured.value.int64 for r in recs] == [1, 2, 3]
        await s.send(cpb.SourceRequest(stop=stop()))
        await s.expect("drained")
        await s.send(acks((1, "t", 0, 0), (2, "t", 0, 1), (3, "t", 0, 2)))
        await s.send(commit(3))
        await s.close()
        await s.end()
        assert calls == [1, 2, 3, "commit", "stop"]


@run
async def test_commit_record_is_not_required():
    cls, _, _ = make_source(poll_size=2, limit=2, commit_record=SourceTask.commit_record)
    async with serving(cls) as core:
        s = await started(core, "Src")
        await s.send(credit(2))
        await collect(s, 2)
        await s.send(acks((1, "t", 0, 0), (2, "t", 0, 1)))
        await s.send(commit(2))
        await s.close()
        assert await s.end() == []
