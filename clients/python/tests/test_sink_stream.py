"""SinkTask.Run: open/close, put and PutDone, flush/pre_commit, errant records, retriable
and fatal errors, schema references from the core, stop."""

import asyncio
import threading

from harness import run, serving, sink_start, stop, wait_for
from polyconnect import ConfigError, RetriableError, Schema, SchemaBuilder, SinkConnector, SinkTask, Struct, TopicPartition
from polyconnect import wire
from polyconnect.v1 import connector_pb2 as cpb


def make_sink(name="Snk", **methods):
    calls = []
    stopped = threading.Event()

    class Task(SinkTask):
        def start(self, config):
            calls.append(("start", dict(config)))

        def open(self, partitions):
            calls.append(("open", sorted(partitions)))

        def close(self, partitions):
            calls.append(("close", sorted(partitions)))

        def put(self, records):
            calls.append(("put", [(r.topic, r.kafka_partition, r.kafka_offset, r.value) for r in records]))

        def flush(self, offsets):
            calls.append(("flush", dict(offsets)))

        def stop(self):
            calls.append(("stop",))
            stopped.set()

    for k, v in methods.items():
        setattr(Task, k, v)
    cls = type(name, (SinkConnector,), {"task_class": Task})
    return cls, calls, stopped


def put(put_id, *values, topic="t", partition=0, first_offset=0, original_topic=None):
    p = cpb.Put(put_id=put_id)
    for i, v in enumerate(values):
        r = p.records.add(topic=topic, kafka_partition=partition, kafka_offset=first_offset + i)
        if original_topic:
            r.original_topic = original_topic
            r.original_kafka_partition = partition
        r.value.structured.schema.type = 8
        r.value.structured.value.string = v
    return cpb.SinkRequest(put=p)


def flush(flush_id, **offsets):
    f = cpb.Flush(flush_id=flush_id)
    for key, off in offsets.items():
        topic, part = key.rsplit("_", 1)
        f.offsets.add(topic=topic, partition=int(part), offset=off)
    return cpb.SinkRequest(flush=f)


def partitions(*tps):
    return cpb.Partitions(partitions=[cpb.TopicPartition(topic=t, partition=p) for t, p in tps])


async def started(core, name="Snk", **kw):
    s = core.open_sink()
    await s.send(sink_start(name, **kw))
    st = await s.expect("started")
    return s, st


@run
async def test_put_flush_and_stop():
    cls, calls, stopped = make_sink()
    async with serving(cls) as core:
        s, st = await started(core, config={"file": "x"})
        assert st.max_inflight_puts == 4  # the SDK's default
        await s.send(cpb.SinkRequest(open=partitions(("t", 0), ("t", 1))))
        await s.send(put(1, "a", "b"))
        assert (await s.expect("put_done")).put_id == 1
        await s.send(put(2, "c", first_offset=2))
        assert (await s.expect("put_done")).put_id == 2
        await s.send(flush(1, t_0=3))
        fl = await s.expect("flushed")
        assert fl.flush_id == 1
        assert [(o.topic, o.partition, o.offset) for o in fl.offsets] == [("t", 0, 3)]
        await s.send(cpb.SinkRequest(close=partitions(("t", 1))))
        await s.send(cpb.SinkRequest(stop=stop()))
        assert await s.end() == []
        assert calls == [
            ("start", {"file": "x"}),
            ("open", [("t", 0), ("t", 1)]),
            ("put", [("t", 0, 0, "a"), ("t", 0, 1, "b")]),
            ("put", [("t", 0, 2, "c")]),
            ("flush", {TopicPartition("t", 0): 3}),
            ("close", [("t", 1)]),
            ("close", [("t", 0)]),  # still open at stop: closed before stop(), as Kafka Connect does
            ("stop",),
        ]


@run
async def test_pre_commit_decides_what_is_committed():
    def pre_commit(self, offsets):
        return {k: v for k, v in offsets.items() if k.partition == 1}

    cls, calls, _ = make_sink(pre_commit=pre_commit)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(flush(7, t_0=5, t_1=9))
        fl = await s.expect("flushed")
        assert fl.flush_id == 7 and [(o.partition, o.offset) for o in fl.offsets] == [(1, 9)]
        assert not [c for c in calls if c[0] == "flush"]


@run
async def test_errant_records_go_out_before_put_done():
    def put_(self, records):
        for r in records:
            if r.value == "bad":
                self.context.errant_record_reporter(r, ValueError("cannot write 'bad'"))

    cls, _, _ = make_sink(put=put_)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(put(3, "good", "bad", "good", topic="renamed", partition=2, first_offset=10,
                         original_topic="orig"))
        errant = await s.expect("errant")
        assert (errant.topic, errant.kafka_partition, errant.kafka_offset) == ("orig", 2, 11)
        assert errant.error.kind == cpb.RECORD and errant.error.error_class == "ValueError"
        assert "cannot write" in errant.error.message
        assert (await s.expect("put_done")).put_id == 3


@run
async def test_retriable_put_asks_for_redelivery():
    attempts = []

    def put_(self, records):
        attempts.append([r.value for r in records])
        if len(attempts) == 1:
            raise RetriableError("database is read-only for a moment", retry_after_ms=250)

    cls, _, _ = make_sink(put=put_)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(put(5, "a"))
        err = await s.expect("error")
        assert err.put_id == 5 and err.error.kind == cpb.RETRIABLE and err.error.retry_after_ms == 250
        await s.send(put(5, "a"))  # the core delivers the same Put again
        assert (await s.expect("put_done")).put_id == 5
        assert attempts == [["a"], ["a"]]


@run
async def test_context_timeout_is_the_retry_after_of_the_next_retriable_put():
    attempts = []

    def put_(self, records):
        attempts.append([r.value for r in records])
        if len(attempts) == 1:
            self.context.timeout(1234)
            raise RetriableError("not now")
        if len(attempts) == 2:
            raise RetriableError("still not")  # the timeout was used once
        if len(attempts) == 3:
            self.context.timeout(99)
            raise RetriableError("an own hint wins", retry_after_ms=7)

    cls, _, _ = make_sink(put=put_)
    async with serving(cls) as core:
        s, _ = await started(core)
        for expected in (1234, 0, 7):
            await s.send(put(5, "a"))
            err = await s.expect("error")
            assert err.put_id == 5 and err.error.kind == cpb.RETRIABLE
            assert err.error.retry_after_ms == expected, err
        await s.send(put(5, "a"))
        assert (await s.expect("put_done")).put_id == 5


@run
async def test_puts_after_a_retriable_one_are_held_back_until_redelivered():
    attempts = []

    def put_(self, records):
        attempts.append([r.value for r in records])
        if len(attempts) == 1:
            raise RetriableError("not yet", retry_after_ms=100)

    cls, _, _ = make_sink(put=put_)
    async with serving(cls) as core:
        s, _ = await started(core)
        for i, v in ((1, "a"), (2, "b"), (3, "c")):  # three Puts in flight
            p = put(i, v, first_offset=i - 1)
            if i == 2:  # a schema defined by a held-back Put: its redelivery may refer to it
                p.put.records[0].value.structured.schema.id = 5
            await s.send(p)
        errs = [await s.expect("error") for _ in range(3)]
        assert [e.put_id for e in errs] == [1, 2, 3]
        assert all(e.error.kind == cpb.RETRIABLE for e in errs)
        assert errs[0].error.retry_after_ms == 100
        assert [e.error.retry_after_ms for e in errs[1:]] == [0, 0]
        assert "put 2 held back: put 1 awaits redelivery" in errs[1].error.message
        assert attempts == [["a"]]  # 2 and 3 never reached put()
        for i, v in ((1, "a"), (2, "b"), (3, "c")):  # the core delivers them again, in order
            p = put(i, v, first_offset=i - 1)
            if i == 2:
                p.put.records[0].value.structured.schema.Clear()
                p.put.records[0].value.structured.schema.ref = 5
            await s.send(p)
        assert [(await s.expect("put_done")).put_id for _ in range(3)] == [1, 2, 3]
        assert attempts == [["a"], ["a"], ["b"], ["c"]]


@run
async def test_max_inflight_puts_of_the_task():
    class Task(SinkTask):
        max_inflight_puts = 1

    cls = type("One", (SinkConnector,), {"task_class": Task})
    async with serving(cls) as core:
        _, st = await started(core, name="One")
        assert st.max_inflight_puts == 1


@run
async def test_fatal_put_error_fails_the_task():
    def put_(self, records):
        raise KeyError("boom")

    cls, calls, stopped = make_sink(put=put_)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(put(1, "a"))
        err = await s.expect("error")
        assert err.error.kind == cpb.FATAL and err.error.error_class == "KeyError" and err.put_id == 0
        assert await s.end() == []
        assert stopped.is_set()


@run
async def test_failed_flush_is_answered_with_flushed_error_and_the_task_goes_on():
    attempts = []

    def flush_(self, offsets):
        attempts.append(dict(offsets))
        if len(attempts) == 1:
            raise OSError("disk full")

    cls, calls, stopped = make_sink(flush=flush_)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(put(1, "a"))
        assert (await s.expect("put_done")).put_id == 1
        await s.send(flush(1, t_0=1))
        fl = await s.expect("flushed")
        assert fl.flush_id == 1 and list(fl.offsets) == []
        assert fl.HasField("error")
        assert fl.error.kind == cpb.RETRIABLE and fl.error.error_class == "OSError"
        assert fl.error.message == "disk full" and "Traceback" in fl.error.detail
        # The stream stays open: the core rewinds and delivers the records again.
        await s.send(put(2, "a"))
        assert (await s.expect("put_done")).put_id == 2
        await s.send(flush(2, t_0=1))
        fl = await s.expect("flushed")
        assert not fl.HasField("error") and [(o.topic, o.offset) for o in fl.offsets] == [("t", 1)]
        assert not stopped.is_set()
        await s.send(cpb.SinkRequest(stop=stop()))
        assert await s.end() == []
        assert [c[0] for c in calls] == ["start", "put", "put", "stop"]


@run
async def test_failed_pre_commit_keeps_retry_hint():
    def pre_commit(self, offsets):
        raise RetriableError("not yet", retry_after_ms=300)

    cls, _, _ = make_sink(pre_commit=pre_commit)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(flush(4, t_0=1))
        fl = await s.expect("flushed")
        assert fl.flush_id == 4 and list(fl.offsets) == []
        assert fl.error.kind == cpb.RETRIABLE and fl.error.retry_after_ms == 300
        assert fl.error.error_class == "RetriableError"
        await s.send(put(1, "x"))
        assert (await s.expect("put_done")).put_id == 1


@run
async def test_config_error_from_flush_still_fails_the_task():
    def flush_(self, offsets):
        raise ConfigError("bad 'path'")

    cls, _, stopped = make_sink(flush=flush_)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(flush(1, t_0=1))
        err = await s.expect("error")
        assert err.error.kind == cpb.CONFIG and "bad 'path'" in err.error.message
        assert await s.end() == []
        assert stopped.is_set()


def contexts(msgs):
    out = []
    for m in msgs:
        kind = m.WhichOneof("msg")
        if kind == "context":
            c = m.context
            out.append(("context", [(o.topic, o.partition, o.offset) for o in c.offsets],
                        [(p.topic, p.partition) for p in c.pause], [(p.topic, p.partition) for p in c.resume],
                        c.request_commit))
        elif kind == "put_done":
            out.append(("put_done", m.put_done.put_id))
        elif kind == "errant":
            out.append(("errant", m.errant.kafka_offset))
        else:
            out.append((kind,))
    return out


@run
async def test_context_requests_go_out_in_order_before_put_done():
    def put_(self, records):
        ctx = self.context
        ctx.offset({TopicPartition("t", 0): 5, ("t", 1): 7})
        ctx.errant_record_reporter(records[0], ValueError("bad"))
        ctx.offset(TopicPartition("t", 2), 9)
        ctx.pause(TopicPartition("t", 0), ("u", 3))
        ctx.resume(("u", 3))
        ctx.request_commit()
        ctx.pause()  # nothing to pause: nothing sent

    cls, _, _ = make_sink(put=put_)
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(put(1, "a", first_offset=4))
        got = []
        while not got or got[-1][0] != "put_done":
            got.append(contexts([await s.recv()])[0])
        assert got == [
            ("context", [("t", 0, 5), ("t", 1, 7)], [], [], False),
            ("errant", 4),
            ("context", [("t", 2, 9)], [], [], False),
            ("context", [], [("t", 0), ("u", 3)], [], False),
            ("context", [], [], [("u", 3)], False),
            ("context", [], [], [], True),
            ("put_done", 1),
        ]


@run
async def test_context_requests_from_async_code_and_from_start():
    gate = asyncio.Event()

    class Task(SinkTask):
        def start(self, config):
            self.context.request_commit()  # held until SinkStarted is out

        async def put(self, records):
            self.context.offset(("t", 0), 0)
            await gate.wait()

    class AsyncCtx(SinkConnector):
        task_class = Task

    async with serving(AsyncCtx) as core:
        s = core.open_sink()
        await s.send(sink_start("AsyncCtx"))
        await s.expect("started")
        c = await s.expect("context")
        assert c.request_commit and not c.offsets
        await s.send(put(1, "a"))
        # Sent while put is still running, not held until it returns.
        c = await s.expect("context")
        assert [(o.topic, o.partition, o.offset) for o in c.offsets] == [("t", 0, 0)]
        gate.set()
        assert (await s.expect("put_done")).put_id == 1


@run
async def test_context_request_from_another_thread_is_sent_at_once():
    cls, _, _ = make_sink()
    holder = {}

    def start(self, config):
        holder["ctx"] = self.context

    cls.task_class.start = start
    async with serving(cls) as core:
        s, _ = await started(core)
        t = threading.Thread(target=lambda: holder["ctx"].pause(("t", 0)))
        t.start()
        t.join()
        c = await s.expect("context")
        assert [(p.topic, p.partition) for p in c.pause] == [("t", 0)]


@run
async def test_schema_references_from_the_core():
    got = []

    def put_(self, records):
        got.extend(records)

    cls, _, _ = make_sink(put=put_)
    schema = SchemaBuilder.struct().name("Row").field("id", Schema.INT64_SCHEMA).build()
    writer = wire.SchemaWriter(refs=True)
    async with serving(cls) as core:
        s, _ = await started(core)
        p = cpb.Put(put_id=1)
        for i in range(3):
            r = p.records.add(topic="t", kafka_partition=0, kafka_offset=i)
            r.value.structured.schema.CopyFrom(writer.to_proto(schema))
            r.value.structured.value.MergeFromString(wire.value_encoder(schema)(Struct(schema, id=i)))
        assert p.records[1].value.structured.schema.ref == p.records[0].value.structured.schema.id
        await s.send(cpb.SinkRequest(put=p))
        await s.expect("put_done")
        assert [r.value.get("id") for r in got] == [0, 1, 2]
        assert got[0].value_schema == schema and got[2].value_schema is got[0].value_schema

        bad = cpb.Put(put_id=2)
        bad.records.add(topic="t").value.structured.schema.ref = 99
        await s.send(cpb.SinkRequest(put=bad))
        err = await s.expect("error")
        assert err.error.kind == cpb.FATAL and "never defined" in err.error.message


@run
async def test_async_sink_and_more_puts_in_flight():
    seen = []

    class Task(SinkTask):
        max_inflight_puts = 4

        async def put(self, records):
            await asyncio.sleep(0.01)
            seen.extend(r.value for r in records)

        async def flush(self, offsets):
            seen.append("flush")

    class AsyncSink(SinkConnector):
        task_class = Task

    async with serving(AsyncSink) as core:
        s, st = await started(core, "AsyncSink")
        assert st.max_inflight_puts == 4
        for i in range(1, 5):
            await s.send(put(i, f"v{i}"))
        await s.send(flush(1, t_0=4))
        done = [(await s.expect("put_done")).put_id for _ in range(4)]
        assert done == [1, 2, 3, 4]
        await s.expect("flushed")
        assert seen == ["v1", "v2", "v3", "v4", "flush"]


@run
async def test_refuses_another_protocol_version():
    cls, calls, _ = make_sink()
    async with serving(cls) as core:
        s = core.open_sink()
        await s.send(sink_start("Snk", version=7))
        err = await s.expect("error")
        assert err.error.kind == cpb.CONFIG and "protocol version 7" in err.error.message
        assert await s.end() == []
        assert calls == []


@run
async def test_end_of_stream_without_stop():
    cls, calls, stopped = make_sink()
    async with serving(cls) as core:
        s, _ = await started(core)
        await s.send(cpb.SinkRequest(open=partitions(("t", 0))))
        await s.close()
        assert await s.end() == []
        await wait_for(stopped.is_set)
        assert calls[-2:] == [("close", [("t", 0)]), ("stop",)]
