"""Puts in columns (capability ``columnar_puts``): the same records as rows give, field for
field, for every form the core sends in columns."""

import pytest

from harness import run, serving
from polyconnect import Schema, SinkRecord
from polyconnect import wire
from polyconnect.v1 import connector_pb2 as cpb
from polyconnect.v1 import data_pb2 as dpb

from test_sink_stream import make_sink, started

STR = dpb.Schema(type=dpb.STRING, optional=True)
BYTES = dpb.Schema(type=dpb.BYTES)


class Encoder:
    """Rows and columns of one stream, with schema definitions then references (as the
    core's SchemaRefsOut sends them): `data` is (kind, schema proto or None, value), kind
    "s" structured, "raw" raw bytes."""

    def __init__(self):
        self.ids = {}

    def schema(self, s):
        key = s.SerializeToString()
        if key in self.ids:
            return dpb.Schema(ref=self.ids[key])
        self.ids[key] = len(self.ids) + 1
        d = dpb.Schema()
        d.CopyFrom(s)
        d.id = self.ids[key]
        return d

    def data(self, d, kind, schema, value):
        if kind == "raw":
            d.raw = value
            return
        st = d.structured
        if schema is not None:
            st.schema.CopyFrom(self.schema(schema))
        if value is None:
            st.value.null = 0
        elif isinstance(value, str):
            st.value.string = value
        else:
            st.value.bytes = value


def rec(topic, partition, offset, key, value, ts=None, ts_type=cpb.CREATE_TIME):
    return dict(topic=topic, partition=partition, offset=offset, key=key, value=value, ts=ts, ts_type=ts_type)


def rows(records):
    enc = Encoder()
    put = cpb.Put(put_id=1)
    for r in records:
        p = put.records.add(topic=r["topic"], kafka_partition=r["partition"], kafka_offset=r["offset"],
                            timestamp_type=r["ts_type"], original_topic=r["topic"],
                            original_kafka_partition=r["partition"])
        if r["ts"] is not None:
            p.timestamp = r["ts"]
        enc.data(p.key, *r["key"])
        enc.data(p.value, *r["value"])
    return put


def column(enc, col, data):
    kinds = {k for k, _, _ in data}
    schema = data[0][1]
    vals = [v for _, _, v in data]
    if kinds == {"raw"}:
        col.type = cpb.DATA_COLUMN_TYPE_RAW
        col.bytes.extend(vals)
        return True
    if schema is None and all(v is None for v in vals):
        return False  # absent: null and schemaless
    strings = (schema.type == dpb.STRING) if schema is not None else any(isinstance(v, str) for v in vals)
    col.type = cpb.DATA_COLUMN_TYPE_STRING if strings else cpb.DATA_COLUMN_TYPE_BYTES
    if schema is not None:
        col.schema.CopyFrom(enc.schema(schema))
    if all(v is None for v in vals):
        return True  # no values at all
    (col.strings if strings else col.bytes).extend(("" if strings else b"") if v is None else v for v in vals)
    col.nulls.extend(i for i, v in enumerate(vals) if v is None)
    return True


def columns(records, enc=None):
    enc = enc or Encoder()
    put = cpb.Put(put_id=1)
    c = put.columns
    c.count = len(records)
    topics = list(dict.fromkeys(r["topic"] for r in records))
    c.topics.extend(topics)
    if len(topics) > 1:
        c.topic_indexes.extend(topics.index(r["topic"]) for r in records)
    c.partitions.extend(r["partition"] for r in records)
    c.offsets.extend(r["offset"] for r in records)
    c.timestamps.extend(r["ts"] or 0 for r in records)
    c.no_timestamp.extend(i for i, r in enumerate(records) if r["ts"] is None)
    types = [r["ts_type"] for r in records]
    c.timestamp_types.extend(types[:1] if len(set(types)) == 1 else types)
    if not column(enc, c.keys, [r["key"] for r in records]):
        c.ClearField("keys")
    if not column(enc, c.values, [r["value"] for r in records]):
        c.ClearField("values")
    # Through the wire, as the SDK receives it.
    return cpb.Put.FromString(put.SerializeToString())


def assert_same(records):
    from_rows = wire.SinkRecordDecoder().decode_put(rows(records))
    put = columns(records)
    assert put.HasField("columns") and not put.records
    from_columns = wire.SinkRecordDecoder().decode_put(put)
    assert len(from_rows) == len(from_columns) == len(records)
    for i, (a, b) in enumerate(zip(from_rows, from_columns)):
        assert type(a) is type(b)
        for f in SinkRecord.__slots__:
            x, y = getattr(a, f), getattr(b, f)
            assert x == y and type(x) is type(y), (i, f, x, y)
        assert b.headers == [] and b.trace is None
    if len(from_columns) > 1:
        assert from_columns[0].headers is not from_columns[1].headers
    return from_columns


def test_string_values_null_keys_one_topic():
    got = assert_same([rec("t", 0, i, ("s", None, None), ("s", STR, f"line {i}"), ts=1000 + i) for i in range(20)])
    assert got[3].value == "line 3" and got[3].key is None and got[3].key_schema is None
    assert got[3].value_schema == Schema.OPTIONAL_STRING_SCHEMA and got[3].timestamp == 1003
    assert got[3].timestamp_type == "CreateTime" and got[3].original_topic == "t"
    assert got[0].value_schema is got[19].value_schema
    # Null keys with a schema (StringConverter's): a column without values.
    recs = [rec("t", 0, i, ("s", STR, None), ("s", STR, f"line {i}"), ts=1000 + i) for i in range(20)]
    assert not columns(recs).columns.keys.strings
    got = assert_same(recs)
    assert got[5].key is None and got[5].key_schema == Schema.OPTIONAL_STRING_SCHEMA


def test_nulls_empty_strings_and_string_keys():
    vals = [None, "", "a", None, "ünï", ""]
    got = assert_same([rec("t", 1, i, ("s", STR, f"k{i}" if i % 2 else None), ("s", STR, v), ts=5)
                       for i, v in enumerate(vals)])
    assert [r.value for r in got] == vals
    assert [r.key for r in got] == [None, "k1", None, "k3", None, "k5"]


def test_bytes_raw_and_schemaless_columns():
    got = assert_same([rec("t", 0, i, ("raw", None, b"k%d" % i), ("s", BYTES, bytes([i]) * i), ts=i)
                       for i in range(5)])
    assert got[2].key == b"k2" and got[2].key_schema == Schema.OPTIONAL_BYTES_SCHEMA
    assert got[2].value == b"\x02\x02" and got[0].value == b""
    assert got[2].value_schema == Schema.BYTES_SCHEMA
    got = assert_same([rec("t", 0, i, ("s", None, None if i % 2 else f"k{i}"),
                           ("s", None, None if i == 1 else b"v"), ts=i) for i in range(4)])
    assert [r.key for r in got] == ["k0", None, "k2", None] and got[0].key_schema is None
    assert [r.value for r in got] == [b"v", None, b"v", b"v"] and got[0].value_schema is None
    opt = dpb.Schema(type=dpb.BYTES, optional=True)
    got = assert_same([rec("t", 0, i, ("s", opt, None), ("s", None, None), ts=i) for i in range(3)])
    assert got[0].key is None and got[0].key_schema == Schema.OPTIONAL_BYTES_SCHEMA and got[0].value_schema is None


def test_no_timestamps_timestamp_types_and_several_topics():
    types = [cpb.CREATE_TIME, cpb.LOG_APPEND_TIME, cpb.NO_TIMESTAMP_TYPE, cpb.CREATE_TIME]
    got = assert_same([rec(["a", "b", "a", "c"][i], i, 100 + i, ("s", None, None), ("s", STR, str(i)),
                           ts=None if i == 2 else (0 if i == 3 else 10 + i), ts_type=types[i])
                       for i in range(4)])
    assert [r.topic for r in got] == ["a", "b", "a", "c"]
    assert [r.original_topic for r in got] == ["a", "b", "a", "c"]
    assert [r.original_kafka_partition for r in got] == [0, 1, 2, 3]
    assert [r.timestamp for r in got] == [10, 11, None, 0]
    assert [r.timestamp_type for r in got] == ["CreateTime", "LogAppendTime", "NoTimestampType", "CreateTime"]
    got = assert_same([rec("t", 0, i, ("s", None, None), ("s", STR, "x")) for i in range(3)])
    assert [r.timestamp for r in got] == [None, None, None]


def test_schema_defined_in_one_put_is_referred_to_in_the_next():
    enc = Encoder()
    dec = wire.SinkRecordDecoder()
    first = dec.decode_put(columns([rec("t", 0, 0, ("s", None, None), ("s", STR, "a"))], enc))
    second_put = columns([rec("t", 0, 1, ("s", None, None), ("s", STR, "b"))], enc)
    assert second_put.columns.values.schema.ref == first_put_ref(enc)
    second = dec.decode_put(second_put)
    assert second[0].value_schema is first[0].value_schema


def first_put_ref(enc):
    return enc.ids[STR.SerializeToString()]


def test_malformed_columns_are_refused():
    good = columns([rec("t", 0, i, ("s", None, None), ("s", STR, "x"), ts=1) for i in range(3)])
    bad = cpb.Put()
    bad.CopyFrom(good)
    bad.columns.count = 4
    with pytest.raises(wire.WireError):
        wire.SinkRecordDecoder().decode_put(bad)
    bad.CopyFrom(good)
    del bad.columns.values.strings[-1]
    with pytest.raises(wire.WireError):
        wire.SinkRecordDecoder().decode_put(bad)
    bad.CopyFrom(good)
    bad.columns.values.schema.CopyFrom(dpb.Schema(type=dpb.INT32, id=9))
    with pytest.raises(wire.WireError):
        wire.SinkRecordDecoder().decode_put(bad)
    # A raw column with an absent row: the core never sends one in a Put.
    raw = columns([rec("t", 0, i, ("raw", None, b"k"), ("s", STR, "x"), ts=1) for i in range(3)])
    raw.columns.keys.nulls.append(1)
    with pytest.raises(wire.WireError):
        wire.SinkRecordDecoder().decode_put(raw)


@run
async def test_a_put_in_columns_reaches_the_task_and_is_answered():
    cls, calls, _ = make_sink()
    async with serving(cls) as core:
        s, _ = await started(core)
        put = columns([rec("t", 0, i, ("s", None, None), ("s", STR, v), ts=1) for i, v in enumerate("ab")])
        put.put_id = 3
        await s.send(cpb.SinkRequest(put=put))
        assert (await s.expect("put_done")).put_id == 3
        assert ("put", [("t", 0, 0, "a"), ("t", 0, 1, "b")]) in calls
