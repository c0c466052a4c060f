"""Handshake, health, the static spec and validation."""

import grpc
import pytest

from harness import run, serving
from polyconnect import (
    ConfigDef,
    Importance,
    NonEmptyString,
    Range,
    SinkConnector,
    SinkTask,
    SourceConnector,
    SourceTask,
    Type,
    ValidString,
    Width,
)
from polyconnect.v1 import connector_pb2 as cpb


class NopTask(SourceTask):
    def poll(self):
        return None


class Thing(SourceConnector):
    class_name = "ThingSource"
    aliases = ["com.example.ThingSourceConnector"]
    version = "1.2.3"
    task_class = NopTask
    config_def = (ConfigDef()
                  .define("file", Type.STRING, default=None, importance=Importance.HIGH, doc="a file")
                  .define("topic", Type.STRING, validator=NonEmptyString(), importance=Importance.HIGH,
                          doc="the topic", group="Main", order_in_group=1, width=Width.LONG,
                          display_name="Topic")
                  .define("batch.size", Type.INT, default=2000, validator=Range.at_least(1),
                          importance=Importance.LOW)
                  .define("mode", Type.STRING, default="tail", validator=ValidString.in_("tail", "once"))
                  .define("verbose", Type.BOOLEAN, default=False)
                  .define("hosts", Type.LIST, default=["a", "b"])
                  .define("secret", Type.PASSWORD, default=None))

    def validate(self, config):
        if config.get("topic") == "forbidden":
            return {"topic": ["that topic is forbidden"], "extra.key": ["also wrong"]}
        return None


class NopSinkTask(SinkTask):
    def put(self, records):
        pass


class ThingSink(SinkConnector):
    task_class = NopSinkTask


@run
async def test_handshake_lists_plugins_and_negotiates():
    async with serving(Thing, ThingSink) as core:
        r = await core.handshake(versions=[3, 1], max_message_bytes=1 << 20)
        assert r.protocol_version == 1
        assert r.sdk_language == "python" and r.sdk_version
        assert r.max_message_bytes == 1 << 20  # the smaller of both sides
        assert r.capabilities.schema_references and r.capabilities.raw_bytes
        assert r.capabilities.columnar_puts
        assert not (await core.handshake(columnar_puts=False)).capabilities.columnar_puts
        assert r.capabilities.columnar_source_batches
        # Offered by the core only: not answered.
        older = await core.handshake(columnar_source_batches=False)
        assert not older.capabilities.columnar_source_batches
        plugins = {p.class_name: p for p in r.plugins}
        assert plugins["ThingSource"].type == cpb.SOURCE
        assert list(plugins["ThingSource"].aliases) == ["com.example.ThingSourceConnector"]
        assert plugins["ThingSource"].version == "1.2.3"
        assert plugins["ThingSink"].type == cpb.SINK
        big = await core.handshake(max_message_bytes=1 << 40)
        assert big.max_message_bytes == 64 << 20


@run
async def test_handshake_refuses_unknown_versions():
    async with serving(Thing) as core:
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await core.handshake(versions=[2, 3])
        assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "[2, 3]" in e.value.details() and "[1]" in e.value.details()


@run
async def test_health():
    async with serving(Thing) as core:
        r = await core.connector.Health(cpb.HealthRequest())
        assert r.serving


@run
async def test_spec_describes_the_config_def():
    async with serving(Thing) as core:
        r = await core.connector.Spec(cpb.SpecRequest(connector_class="com.example.ThingSourceConnector"))
        assert r.plugin.class_name == "ThingSource"
        keys = {k.name: k for k in r.config}
        assert list(keys) == ["file", "topic", "batch.size", "mode", "verbose", "hosts", "secret"]
        assert keys["file"].HasField("default_value") and keys["file"].default_value == ""
        assert not keys["topic"].HasField("default_value")  # required
        assert keys["topic"].validator.WhichOneof("kind") == "non_empty_string"
        assert (keys["topic"].group, keys["topic"].order_in_group, keys["topic"].width,
                keys["topic"].display_name) == ("Main", 1, cpb.LONG, "Topic")
        assert keys["batch.size"].type == cpb.INT_CONFIG and keys["batch.size"].default_value == "2000"
        assert keys["batch.size"].validator.range.min == 1 and not keys["batch.size"].validator.range.HasField("max")
        assert keys["batch.size"].importance == cpb.LOW
        assert list(keys["mode"].validator.valid_string.allowed) == ["tail", "once"]
        assert keys["verbose"].default_value == "false" and keys["hosts"].default_value == "a,b"
        assert keys["secret"].secret and keys["secret"].type == cpb.PASSWORD_CONFIG
        with pytest.raises(grpc.aio.AioRpcError) as e:
            await core.connector.Spec(cpb.SpecRequest(connector_class="Nope"))
        assert e.value.code() == grpc.StatusCode.NOT_FOUND


@run
async def test_spec_matches_kafka_alias_rules():
    async with serving(Thing, ThingSink) as core:
        for name in ("ThingSource", "ThingSourceConnector", "org.whatever.ThingSink", "ThingSinkConnector"):
            r = await core.connector.Spec(cpb.SpecRequest(connector_class=name))
            assert r.plugin.class_name in ("ThingSource", "ThingSink")


async def validate(core, config):
    r = await core.connector.Validate(cpb.ValidateRequest(connector_class="ThingSource", config=config))
    return {v.name: v for v in r.values}


@run
async def test_validate_reports_per_key_errors():
    async with serving(Thing) as core:
        ok = await validate(core, {"topic": "t"})
        assert all(not v.errors for v in ok.values())
        assert ok["topic"].value == "t" and ok["batch.size"].value == "2000"
        assert not ok["file"].HasField("value")

        bad = await validate(core, {"batch.size": "x", "mode": "nope", "verbose": "maybe"})
        assert bad["topic"].errors == ['Missing required configuration "topic" which has no default value.']
        assert bad["batch.size"].errors == ["Invalid value x for configuration batch.size: Not a number of type INT"]
        assert bad["mode"].errors == ["Invalid value nope for configuration mode: String must be one of: tail, once"]
        assert "either true or false" in bad["verbose"].errors[0]

        rng = await validate(core, {"topic": "", "batch.size": "0"})
        assert rng["topic"].errors == ["Invalid value  for configuration topic: String must be non-empty"]
        assert rng["batch.size"].errors == ["Invalid value 0 for configuration batch.size: Value must be at least 1"]


@run
async def test_validate_merges_the_connectors_own_checks():
    async with serving(Thing) as core:
        r = await validate(core, {"topic": "forbidden"})
        assert r["topic"].errors == ["that topic is forbidden"]
        assert r["extra.key"].errors == ["also wrong"]
