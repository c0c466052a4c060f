"""The Transform service: batches in, an outcome per record out; predicates; spec."""

import sys
from pathlib import Path

from harness import run, serving
from polyconnect import ConnectRecord, Schema
from polyconnect.transform import TransformCodec
from polyconnect.v1 import connector_pb2 as cpb
from polyconnect.v1 import connector_pb2_grpc as cgrpc

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from upper_transform import LongValue, Upper  # noqa: E402


def batch(batch_id, values, codec):
    b = cpb.TransformBatch(batch_id=batch_id)
    for i, v in enumerate(values):
        r = b.records.add()
        schema = Schema.STRING_SCHEMA if isinstance(v, str) else Schema.INT32_SCHEMA
        codec.encode(ConnectRecord("t", 0, value_schema=schema, value=v, timestamp=7), r)
        r.index = i
    return cpb.TransformRequest(batch=b)


async def open_stream(core, cls, config=None):
    from harness import Duplex
    d = Duplex(cgrpc.TransformStub(core.channel).Run())
    await d.send(cpb.TransformRequest(start=cpb.TransformStart(
        protocol_version=1, class_name=cls, config=config or {}, alias="x", connector_name="c")))
    return d


@run
async def test_handshake_lists_transforms_and_predicates():
    async with serving(Upper, LongValue) as core:
        resp = await core.handshake()
        types = {p.class_name: p.type for p in resp.plugins}
        assert types == {"Upper": cpb.TRANSFORMATION, "LongValue": cpb.PREDICATE}
        spec = await core.connector.Spec(cpb.SpecRequest(connector_class="com.example.Upper"))
        assert [k.name for k in spec.config] == ["suffix"]
        assert spec.plugin.type == cpb.TRANSFORMATION


@run
async def test_batch_transformed_dropped_and_failed_in_order():
    async with serving(Upper, LongValue) as core:
        d = await open_stream(core, "Upper", {"suffix": "!"})
        started = await d.expect("started")
        assert started.type == cpb.TRANSFORMATION
        enc = TransformCodec()
        await d.send(batch(1, ["a", "drop", 5, "b"], enc))
        res = await d.expect("result")
        assert res.batch_id == 1
        kinds = [o.WhichOneof("outcome") for o in res.outcomes]
        assert kinds == ["record", "dropped", "error", "record"]
        assert [o.index for o in res.outcomes] == [0, 1, 2, 3]
        dec = TransformCodec()
        out = dec.decode(res.outcomes[0].record)
        assert (out.topic, out.value, out.value_schema, out.timestamp) == ("t", "A!", Schema.STRING_SCHEMA, 7)
        assert res.outcomes[2].error.kind == cpb.RECORD
        assert res.outcomes[2].error.error_class == "ValueError"
        # The second batch references the schema defined in the first.
        await d.send(batch(2, ["c"], enc))
        res = await d.expect("result")
        assert dec.decode(res.outcomes[0].record).value == "C!"
        await d.send(cpb.TransformRequest(stop=cpb.Stop()))
        assert await d.end() == []


@run
async def test_predicate_answers_per_record():
    async with serving(Upper, LongValue) as core:
        d = await open_stream(core, "LongValue")
        assert (await d.expect("started")).type == cpb.PREDICATE
        await d.send(batch(1, ["short", "a much longer value"], TransformCodec()))
        res = await d.expect("result")
        assert [o.matches for o in res.outcomes] == [False, True]
        await d.close()


@run
async def test_unknown_class_and_bad_config_are_config_errors():
    async with serving(Upper) as core:
        d = await open_stream(core, "Nope")
        err = await d.expect("error")
        assert err.kind == cpb.CONFIG and "Nope" in err.message
