"""Connector.Run: start, task configs, reconfiguration requests, stop."""

import threading

from harness import run, serving, wait_for
from polyconnect import ConfigDef, Importance, SourceConnector, SourceTask, Type, wire
from polyconnect.v1 import connector_pb2 as cpb


class NopTask(SourceTask):
    def poll(self):
        return None


def make_connector(**methods):
    calls = []

    def start(self, config):
        calls.append(("start", dict(config)))

    def stop(self):
        calls.append(("stop",))

    attrs = {
        "task_class": NopTask,
        "config_def": ConfigDef().define("topic", Type.STRING, importance=Importance.HIGH),
        "start": start,
        "stop": stop,
    }
    attrs.update(methods)
    return type("Conn", (SourceConnector,), attrs), calls


def start_msg(config, version=1):
    return cpb.ConnectorRequest(start=cpb.ConnectorStart(
        protocol_version=version, connector_class="Conn", connector_name="c1", config=config,
        heartbeat_interval_ms=1000))


@run
async def test_lifecycle_with_default_task_configs():
    cls, calls = make_connector()
    async with serving(cls) as core:
        s = core.open_connector()
        await s.send(start_msg({"topic": "t", "other": "x"}))
        await s.expect("started")
        await s.send(cpb.ConnectorRequest(task_configs=cpb.TaskConfigsRequest(max_tasks=3)))
        tc = await s.expect("task_configs")
        assert [dict(c.config) for c in tc.configs] == [{"topic": "t", "other": "x"}]
        await s.send(cpb.ConnectorRequest(stop=cpb.Stop(timeout_ms=1000)))
        assert await s.end() == []
        assert calls == [("start", {"topic": "t", "other": "x"}), ("stop",)]


@run
async def test_task_configs_are_strings_and_at_most_max_tasks():
    def task_configs(self, max_tasks):
        return [{"id": i, "flag": True, "items": ["a", "b"]} for i in range(5)]

    cls, _ = make_connector(task_configs=task_configs)
    async with serving(cls) as core:
        s = core.open_connector()
        await s.send(start_msg({"topic": "t"}))
        await s.expect("started")
        await s.send(cpb.ConnectorRequest(task_configs=cpb.TaskConfigsRequest(max_tasks=2)))
        tc = await s.expect("task_configs")
        assert [dict(c.config) for c in tc.configs] == [
            {"id": "0", "flag": "true", "items": "a,b"}, {"id": "1", "flag": "true", "items": "a,b"}]


@run
async def test_reconfiguration_request_from_any_thread():
    def start(self, config):
        threading.Timer(0.05, self.context.request_task_reconfiguration, args=("new tables",)).start()

    cls, _ = make_connector(start=start)
    async with serving(cls) as core:
        s = core.open_connector()
        await s.send(start_msg({"topic": "t"}))
        await s.expect("started")
        assert (await s.expect("reconfigure")).reason == "new tables"


@run
async def test_invalid_config_fails_start_with_config_error():
    cls, calls = make_connector()
    async with serving(cls) as core:
        s = core.open_connector()
        await s.send(start_msg({}))
        err = await s.expect("error")
        assert err.kind == cpb.CONFIG and 'Missing required configuration "topic"' in err.message
        assert await s.end() == []
        assert calls == []


@run
async def test_refuses_another_protocol_version():
    cls, calls = make_connector()
    async with serving(cls) as core:
        s = core.open_connector()
        await s.send(start_msg({"topic": "t"}, version=9))
        err = await s.expect("error")
        assert err.kind == cpb.CONFIG and "9" in err.message
        assert calls == []


@run
async def test_end_of_stream_stops_the_connector():
    cls, calls = make_connector()
    async with serving(cls) as core:
        s = core.open_connector()
        await s.send(start_msg({"topic": "t"}))
        await s.expect("started")
        await s.close()
        await s.end()
        await wait_for(lambda: ("stop",) in calls)


@run
async def test_a_source_connector_reads_stored_offsets_in_start():
    seen = []

    def start(self, config):
        seen.append(self.context.offset({"table": "a"}))
        seen.append(self.context.offsets([{"table": "a"}, {"table": "b"}]))

    cls, _ = make_connector(start=start)
    async with serving(cls) as core:
        s = core.open_connector()
        await s.send(start_msg({"topic": "t"}))
        for _ in range(2):  # start() asks before Started; each answer lets it go on
            q = await s.expect("offsets_query")
            answer = cpb.OffsetsAnswer(request_id=q.request_id)
            for p in q.partitions:
                o = answer.offsets.add(partition=p)
                if wire.decode_any(p) == {"table": "a"}:
                    o.offset.CopyFrom(wire.value_to_proto({"pos": 7}))
            await s.send(cpb.ConnectorRequest(offsets=answer))
        await s.expect("started")
        assert seen == [{"pos": 7}, [{"pos": 7}, None]]


@run
async def test_alter_offsets_answers_what_the_connector_says():
    def alter_offsets(self, config, offsets):
        (partition, offset), = offsets
        if partition == {"table": "x"}:
            raise NotImplementedError
        if offset is not None and offset["pos"] < 0:
            raise ValueError(f"negative position for {config['name']}")
        return offset is not None

    cls, _ = make_connector(alter_offsets=alter_offsets)
    plain, _ = make_connector()

    async def alter(core, cls_name, table, pos):
        o = cpb.SourceOffset(partition=wire.value_to_proto({"table": table}))
        if pos is not None:
            o.offset.CopyFrom(wire.value_to_proto({"pos": pos}))
        return await core.connector.AlterOffsets(cpb.AlterOffsetsRequest(
            protocol_version=1, connector_class=cls_name, connector_name="c1", config={"name": "c1"},
            source_offsets=[o]))

    async with serving(cls) as core:
        assert (await alter(core, "Conn", "a", 5)).altered
        reset = await alter(core, "Conn", "a", None)
        assert not reset.altered and not reset.HasField("error")
        refused = await alter(core, "Conn", "a", -1)
        assert refused.error.message == "negative position for c1" and not refused.altered
        assert (await alter(core, "Conn", "x", 1)).unsupported
    async with serving(plain) as core:
        default = await alter(core, "Conn", "a", 5)
        assert not default.altered and not default.HasField("error")  # Kafka Connect's default
