"""The data model and its conversion to and from the protocol, both directions."""

import datetime as dt
import decimal

import pytest

import harness  # noqa: F401  (puts the SDK on sys.path)
from polyconnect import (
    DataError,
    Date,
    Decimal,
    Header,
    RawBytes,
    Schema,
    SchemaBuilder,
    SchemaType,
    SinkRecord,
    SourceRecord,
    Struct,
    Time,
    Timestamp,
    TraceContext,
)
from polyconnect import wire
from polyconnect.v1 import connector_pb2 as cpb
from polyconnect.v1 import data_pb2 as dpb

D = decimal.Decimal


def round_trip(value, schema=None):
    b = wire.encode_any(value) if schema is None else wire.value_encoder(schema)(value)
    return wire.value_from_proto(dpb.Value.FromString(b), schema)


def reference_value(v):
    """A schemaless Value built with protobuf's own API, to check the hand encoder."""
    pv = dpb.Value()
    if v is None:
        pv.null = dpb.NULL_VALUE
    elif isinstance(v, bool):
        pv.boolean = v
    elif isinstance(v, int):
        pv.int64 = v
    elif isinstance(v, float):
        pv.float64 = v
    elif isinstance(v, str):
        pv.string = v
    elif isinstance(v, bytes):
        pv.bytes = v
    elif isinstance(v, list):
        pv.array.SetInParent()
        for x in v:
            pv.array.items.append(reference_value(x))
    elif isinstance(v, dict):
        pv.map.SetInParent()
        for k, x in v.items():
            e = pv.map.entries.add()
            e.key.CopyFrom(reference_value(k))
            e.value.CopyFrom(reference_value(x))
    elif isinstance(v, D):
        sign, digits, exp = v.as_tuple()
        n = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        pv.decimal.SetInParent()
        u = n.to_bytes((((n if n >= 0 else ~n).bit_length() + 8) // 8), "big", signed=True)
        pv.decimal.unscaled = u
        pv.decimal.scale = -exp
    return pv


SCHEMALESS = [
    None, True, False, 0, 1, -1, 127, 128, 300, -300, 2**40, -(2**63), 2**63 - 1,
    0.0, 1.5, -2.25, float("inf"), "", "héllo", "x" * 20000, b"", b"\x00\xff", [], [1, "a", None],
    {}, {"a": 1, "b": [True, {"c": b"x"}]}, {1: "int key", "z": 2, "a": 3},
    D("0"), D("1.50"), D("-12345678901234567890.123456789"), D("1E+3"),
]


@pytest.mark.parametrize("value", SCHEMALESS, ids=repr)
def test_schemaless_encoding_matches_protobuf(value):
    assert wire.encode_any(value) == reference_value(value).SerializeToString()


@pytest.mark.parametrize("value", SCHEMALESS, ids=repr)
def test_schemaless_round_trip(value):
    assert round_trip(value) == value


def test_schemaless_refuses_unknown_types():
    with pytest.raises(DataError, match="Timestamp.SCHEMA"):
        wire.encode_any(dt.datetime.now())
    with pytest.raises(DataError):
        wire.encode_any(2**64)
    s = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build()
    with pytest.raises(DataError):
        wire.encode_any({"s": Struct(s, a=1)})


def test_schema_constants_and_builder():
    assert Schema.STRING_SCHEMA.type is SchemaType.STRING and not Schema.STRING_SCHEMA.optional
    assert Schema.OPTIONAL_INT64_SCHEMA.optional
    s = (SchemaBuilder.struct().name("com.example.User").version(2).doc("a user")
         .field("id", Schema.INT64_SCHEMA)
         .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
         .field("score", SchemaBuilder.float64().default_value(1.0))
         .build())
    assert [f.name for f in s.fields] == ["id", "tags", "score"]
    assert s.field("tags").index == 1 and s.field("tags").schema.optional
    same = (SchemaBuilder.struct().name("com.example.User").version(2).doc("a user")
            .field("id", Schema.INT64_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
            .field("score", SchemaBuilder.float64().default_value(1.0))
            .build())
    assert s == same and hash(s) == hash(same)
    assert s != SchemaBuilder.struct().name("com.example.User").build()
    with pytest.raises(DataError):
        SchemaBuilder.struct().field("a", Schema.INT8_SCHEMA).field("a", Schema.INT8_SCHEMA)
    with pytest.raises(DataError):
        SchemaBuilder.int8().default_value(1000).build()


def test_struct_put_get_validate():
    s = (SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA)
         .field("b", SchemaBuilder.string().optional().default_value("dflt")).build())
    st = Struct(s).put("a", 1)
    assert st.get("a") == 1 and st["b"] == "dflt" and st.get_without_default("b") is None
    with pytest.raises(DataError):
        st.put("a", "x")
    with pytest.raises(DataError):
        st.put("nope", 1)
    with pytest.raises(DataError):
        Struct(s).validate()  # a is required
    assert Struct(s, {"a": 1}) == Struct(s, a=1)
    assert repr(Struct(s, a=1, b="x")) == "Struct{a=1,b=x}"


def nested_schema():
    address = (SchemaBuilder.struct().name("Address")
               .field("street", Schema.STRING_SCHEMA)
               .field("zip", Schema.OPTIONAL_INT32_SCHEMA).build())
    return (SchemaBuilder.struct().name("Person").parameter("z", "1").parameter("a", "2")
            .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA).field("i64", Schema.INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
            .field("b", Schema.BOOLEAN_SCHEMA).field("s", Schema.STRING_SCHEMA)
            .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("price", Decimal.schema(2)).field("born", Date.SCHEMA)
            .field("wakes", Time.SCHEMA).field("seen", Timestamp.SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA).build())
            .field("home", address)
            .field("work", SchemaBuilder.struct().name("Address")
                   .field("street", Schema.STRING_SCHEMA)
                   .field("zip", Schema.OPTIONAL_INT32_SCHEMA).optional().build())
            .field("level", SchemaBuilder.int32().default_value(7).build())
            .build())


def nested_value(schema):
    home = Struct(schema.field("home").schema, street="Main St", zip=12345)
    return Struct(schema, {
        "i8": -128, "i16": 32767, "i32": -(2**31), "i64": 2**63 - 1, "f32": 1.5, "f64": -0.1,
        "b": True, "s": "ünïcode", "raw": b"\x00\x01", "price": D("-1234.56"),
        "born": dt.date(1999, 12, 31), "wakes": dt.time(7, 30, 15, 250000),
        "seen": dt.datetime(2024, 2, 29, 12, 0, 0, 123000, tzinfo=dt.timezone.utc),
        "tags": ["a", "b"], "attrs": {"x": 1, "y": None}, "home": home, "work": None, "level": None,
    })


def test_structured_round_trip_all_types():
    schema = nested_schema()
    value = nested_value(schema)
    back = round_trip(value, schema)
    assert isinstance(back, Struct)
    for f in schema.fields:
        if f.name == "level":
            assert back.get(f.name) == 7  # null with a default travels as the default
        else:
            assert back.get(f.name) == value.get(f.name), f.name
    assert back.schema == schema


def test_schema_round_trip_keeps_everything():
    schema = nested_schema()
    p = wire.schema_to_proto(schema)
    assert list(p.parameter_order) == ["z", "a"]
    back = wire.schema_from_proto(p)
    assert back == schema
    assert list(back.parameters) == ["z", "a"]
    assert back.field("price").schema.parameters == {"scale": "2"}
    assert back.field("born").schema.version == 1
    assert back.field("level").schema.default_value == 7


def test_schema_references_define_once_then_ref():
    schema = nested_schema()
    writer = wire.SchemaWriter(refs=True)
    first = dpb.Schema.FromString(writer.encode(schema))
    second = dpb.Schema.FromString(writer.encode(schema))
    equal_copy = dpb.Schema.FromString(writer.encode(nested_schema()))
    assert first.id != 0 and first.ref == 0
    assert second.ref == first.id and second.ByteSize() <= 3
    assert equal_copy.ref == first.id
    # The two Address schemas differ (one is optional); nested schemas seen before
    # (the STRING of field "s") are references.
    home, work = first.fields[15].schema, first.fields[16].schema
    assert home.id and work.id and home.id != work.id
    string_id = first.fields[7].schema.id
    assert string_id and home.fields[0].schema.ref == string_id == work.fields[0].schema.ref
    reader = wire.SchemaReader()
    a = reader.read(first)
    b = reader.read(second)
    assert a == schema and a is b
    with pytest.raises(wire.WireError):
        reader.read(dpb.Schema(ref=999))


def test_schema_without_references_is_full_every_time():
    writer = wire.SchemaWriter(refs=False)
    b1 = writer.encode(Schema.STRING_SCHEMA)
    assert b1 == writer.encode(Schema.STRING_SCHEMA)
    p = dpb.Schema.FromString(b1)
    assert p.type == dpb.STRING and p.id == 0


@pytest.mark.parametrize("value,scale,unscaled", [
    (D("0"), 2, 0), (D("1.5"), 2, 150), (D("-1.25"), 2, -125), (D("12"), 0, 12),
    (D("123456789012345678901234567890.12"), 2, 12345678901234567890123456789012),
    (D("-0.01"), 2, -1), (D("128"), 0, 128), (D("-128"), 0, -128),
])
def test_decimal_unscaled_bytes(value, scale, unscaled):
    schema = Decimal.schema(scale)
    pv = dpb.Value.FromString(wire.value_encoder(schema)(value))
    assert int.from_bytes(pv.bytes, "big", signed=True) == unscaled
    # Java's BigInteger.toByteArray: minimal two's complement
    assert len(pv.bytes) == (((unscaled if unscaled >= 0 else ~unscaled).bit_length() + 8) // 8)
    assert wire.value_from_proto(pv, schema) == value


def test_decimal_scale_mismatch_is_refused():
    with pytest.raises(DataError, match="scale"):
        wire.value_encoder(Decimal.schema(1))(D("1.25"))


def test_logical_types_physical_form():
    enc = lambda s, v: dpb.Value.FromString(wire.value_encoder(s)(v))  # noqa: E731
    assert enc(Date.SCHEMA, dt.date(1970, 1, 2)).int32 == 1
    assert enc(Date.SCHEMA, dt.date(1969, 12, 31)).int32 == -1
    assert enc(Time.SCHEMA, dt.time(0, 0, 1, 500000)).int32 == 1500
    assert enc(Timestamp.SCHEMA, dt.datetime(1970, 1, 1, 0, 0, 1)).int64 == 1000
    cet = dt.timezone(dt.timedelta(hours=1))
    assert enc(Timestamp.SCHEMA, dt.datetime(1970, 1, 1, 1, 0, 0, tzinfo=cet)).int64 == 0
    assert enc(Timestamp.SCHEMA, dt.datetime(1969, 12, 31, 23, 59, 59, 999000)).int64 == -1
    assert enc(Timestamp.SCHEMA, 1234).int64 == 1234  # the physical value is accepted too
    assert wire.value_from_proto(dpb.Value(int64=-1), Timestamp.SCHEMA) == dt.datetime(
        1969, 12, 31, 23, 59, 59, 999000, tzinfo=dt.timezone.utc)
    assert wire.value_from_proto(dpb.Value(int32=86399999), Time.SCHEMA) == dt.time(23, 59, 59, 999000)
    with pytest.raises(DataError):
        wire.value_encoder(Date.SCHEMA)(dt.datetime(2020, 1, 1, 10, 0))


def test_required_null_refused_optional_null_sent():
    with pytest.raises(DataError):
        wire.value_encoder(Schema.STRING_SCHEMA)(None)
    assert wire.value_encoder(Schema.OPTIONAL_STRING_SCHEMA)(None) == wire.NULL_VALUE
    with pytest.raises(DataError):
        wire.value_encoder(Schema.INT8_SCHEMA)(128)
    with pytest.raises(DataError):
        wire.value_encoder(Schema.INT32_SCHEMA)(True)
    with pytest.raises(DataError):
        wire.value_encoder(Schema.STRING_SCHEMA)(b"bytes")


def test_int_types_use_their_own_variant():
    for schema, field in [(Schema.INT8_SCHEMA, "int8"), (Schema.INT16_SCHEMA, "int16"),
                          (Schema.INT32_SCHEMA, "int32"), (Schema.INT64_SCHEMA, "int64")]:
        pv = dpb.Value.FromString(wire.value_encoder(schema)(-5))
        assert pv.WhichOneof("kind") == field and getattr(pv, field) == -5
    pv = dpb.Value.FromString(wire.value_encoder(Schema.FLOAT32_SCHEMA)(1.5))
    assert pv.WhichOneof("kind") == "float32" and pv.float32 == 1.5


def reference_record(seq):
    r = cpb.SourceRecord(seq=seq, topic="orders")
    r.source_partition.CopyFrom(reference_value({"file": "a.txt"}))
    r.source_offset.CopyFrom(reference_value({"position": 2**40 + seq, "line": seq}))
    r.kafka_partition = 3
    r.key.structured.value.CopyFrom(reference_value("k"))
    r.value.raw = b"\x01\x02"
    r.timestamp = 1700000000123
    h = r.headers.add(key="h1")
    h.value.CopyFrom(reference_value(b"x"))
    h2 = r.headers.add(key="h2")
    h2.schema.type = dpb.INT32
    h2.value.int32 = 7
    r.trace.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    r.trace.tracestate = "a=b"
    return r


def test_source_record_encoding_matches_protobuf():
    enc = wire.SourceRecordEncoder(schema_refs=False, raw_bytes=True, trace_context=True)
    for seq in (1, 200, 3_000_000, 2**40):
        rec = SourceRecord(
            {"file": "a.txt"}, {"position": 2**40 + seq, "line": seq}, "orders", 3,
            key="k", value=RawBytes(b"\x01\x02"), timestamp=1700000000123,
            headers=[("h1", b"x"), Header("h2", 7, Schema.INT32_SCHEMA)],
            trace=TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "a=b"),
        )
        assert enc.encode(rec, seq) == reference_record(seq).SerializeToString()


def test_source_record_with_schema_refs_and_fast_path():
    enc = wire.SourceRecordEncoder(schema_refs=True)
    recs = [cpb.SourceRecord.FromString(enc.encode(
        SourceRecord({"f": "x"}, {"pos": i}, "t", value_schema=Schema.STRING_SCHEMA, value=f"line {i}",
                     timestamp=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)), i + 1)) for i in range(3)]
    assert recs[0].value.structured.schema.id == 1
    assert recs[1].value.structured.schema.ref == 1 and recs[2].value.structured.schema.ref == 1
    assert [r.value.structured.value.string for r in recs] == ["line 0", "line 1", "line 2"]
    assert recs[2].timestamp == 1704067200000
    reader = wire.SchemaReader()
    assert reader.read(recs[0].value.structured.schema) is reader.read(recs[2].value.structured.schema)


def test_raw_bytes_without_capability_fall_back_to_bytes_schema():
    enc = wire.SourceRecordEncoder(schema_refs=False, raw_bytes=False)
    r = cpb.SourceRecord.FromString(enc.encode(SourceRecord(None, None, "t", value=RawBytes(b"ab")), 1))
    assert r.value.structured.schema.type == dpb.BYTES and r.value.structured.schema.optional
    assert r.value.structured.value.bytes == b"ab"


def test_struct_value_without_schema_uses_its_own_schema():
    s = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build()
    enc = wire.SourceRecordEncoder(schema_refs=False)
    r = cpb.SourceRecord.FromString(enc.encode(SourceRecord(None, None, "t", value=Struct(s, a=1)), 1))
    assert r.value.structured.schema.type == dpb.STRUCT
    assert r.value.structured.value.struct.fields[0].int32 == 1


def test_tombstone_and_null_key_are_absent():
    enc = wire.SourceRecordEncoder()
    r = cpb.SourceRecord.FromString(enc.encode(SourceRecord(None, None, "t"), 1))
    assert not r.HasField("key") and not r.HasField("value") and not r.HasField("source_partition")


def test_sink_record_decoding():
    schema = nested_schema()
    writer = wire.SchemaWriter(refs=True)
    recs = []
    for i in range(2):
        r = cpb.SinkRecord(topic="t2", kafka_partition=1, kafka_offset=10 + i, original_topic="t",
                           original_kafka_partition=4, timestamp=5, timestamp_type=cpb.CREATE_TIME)
        r.key.raw = b"key"
        r.value.structured.schema.CopyFrom(writer.to_proto(schema))
        r.value.structured.value.MergeFromString(wire.value_encoder(schema)(nested_value(schema)))
        r.headers.add(key="h").value.string = "v"
        recs.append(r)
    dec = wire.SinkRecordDecoder()
    a, b = dec.decode_all(recs)
    assert a.key == b"key" and a.key_schema == Schema.OPTIONAL_BYTES_SCHEMA
    assert a.value_schema == schema and b.value_schema is a.value_schema
    assert a.value.get("price") == D("-1234.56") and b.value.get("home").get("street") == "Main St"
    assert (a.topic, a.kafka_partition, a.kafka_offset, a.original_topic, a.original_kafka_partition) == (
        "t2", 1, 10, "t", 4)
    assert a.timestamp == 5 and a.timestamp_type == "CreateTime"
    assert a.headers == [Header("h", "v", None)]
    plain = wire.SinkRecordDecoder().decode(cpb.SinkRecord(topic="x", kafka_partition=0, kafka_offset=1))
    assert plain.value is None and plain.value_schema is None and plain.original_topic == "x"
    assert plain.timestamp is None and plain.headers == [] and plain.trace is None
    zero = wire.SinkRecordDecoder().decode(cpb.SinkRecord(topic="x", timestamp=0))
    assert zero.timestamp == 0


def test_string_records_with_schema_references_decode_as_sink_records():
    """The common case of StringConverter keys and values (one schema defined, then
    referred to): null, empty and non-empty strings, with and without a trace context,
    decode to the fields a SinkRecord made by hand has."""
    def sink_record(i, key, value, trace=None):
        first = i == 0
        r = cpb.SinkRecord(topic="t", kafka_partition=2, kafka_offset=i, timestamp=7 + i,
                           timestamp_type=cpb.LOG_APPEND_TIME)
        r.key.structured.schema.CopyFrom(dpb.Schema(type=dpb.STRING, optional=True, id=1) if first
                                         else dpb.Schema(ref=1))
        if key is None:
            r.key.structured.value.null = 0
        else:
            r.key.structured.value.string = key
        r.value.structured.schema.ref = 1
        if value is None:
            r.value.structured.value.null = 0
        else:
            r.value.structured.value.string = value
        if trace:
            r.trace.traceparent = trace
        return r

    tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    cases = [(None, "a"), ("k", ""), ("", None), ("kk", "ünï"), (None, None)]
    recs = [sink_record(i, k, v, tp if i == 3 else None) for i, (k, v) in enumerate(cases)]
    got = wire.SinkRecordDecoder().decode_all(recs)
    for i, ((k, v), r) in enumerate(zip(cases, got)):
        assert isinstance(r, SinkRecord)
        want = SinkRecord("t", 2, Schema.OPTIONAL_STRING_SCHEMA, k, Schema.OPTIONAL_STRING_SCHEMA, v, i,
                          timestamp=7 + i, timestamp_type="LogAppendTime")
        for f in SinkRecord.__slots__:
            if f != "trace":
                assert getattr(r, f) == getattr(want, f), (i, f)
        assert (r.trace.traceparent if r.trace else None) == (tp if i == 3 else None)
    assert got[0].key_schema is got[1].key_schema is got[0].value_schema


def test_fast_paths_match_protobuf():
    """One-key int offsets and repeated string schemas take cached shortcuts; their bytes
    must equal protobuf's for every length class of the varints involved."""
    for refs in (False, True):
        enc = wire.SourceRecordEncoder(schema_refs=refs)
        seq = 0
        for pos in (0, 1, 63, 64, 8191, 8192, 2**20, 2**27 - 1, 2**27, 2**40, 2**61):
            for length in (0, 1, 127, 128, 16383, 16384, 70000):
                seq += 1
                line = "é" * (length // 2) + "x" * (length % 2)
                got = enc.encode(SourceRecord({"filename": "f"}, {"position": pos}, "t",
                                              value_schema=Schema.STRING_SCHEMA, value=line), seq)
                ref = cpb.SourceRecord(seq=seq, topic="t")
                ref.source_partition.CopyFrom(reference_value({"filename": "f"}))
                ref.source_offset.CopyFrom(reference_value({"position": pos}))
                if refs and seq > 1:
                    ref.value.structured.schema.ref = 1
                else:
                    ref.value.structured.schema.type = dpb.STRING
                    if refs:
                        ref.value.structured.schema.id = 1
                ref.value.structured.value.string = line
                assert got == ref.SerializeToString(), (refs, pos, length)


def test_keyed_records_with_different_schemas():
    enc = wire.SourceRecordEncoder(schema_refs=True)
    recs = [cpb.SourceRecord.FromString(enc.encode(SourceRecord(
        None, None, "t", key_schema=Schema.STRING_SCHEMA, key=f"k{i}",
        value_schema=Schema.INT64_SCHEMA, value=i), i + 1)) for i in range(4)]
    reader = wire.SchemaReader()
    for i, r in enumerate(recs):
        ks = reader.read(r.key.structured.schema)
        vs = reader.read(r.value.structured.schema)
        assert ks == Schema.STRING_SCHEMA and vs == Schema.INT64_SCHEMA
        assert wire.value_from_proto(r.key.structured.value, ks) == f"k{i}"
        assert wire.value_from_proto(r.value.structured.value, vs) == i
    assert recs[3].key.structured.schema.ref and recs[3].value.structured.schema.ref


def test_dates_and_times_without_a_schema_bring_their_logical_type():
    enc = wire.SourceRecordEncoder(schema_refs=False)
    when = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    r = cpb.SourceRecord.FromString(enc.encode(SourceRecord(
        None, None, "t", key=dt.date(2024, 5, 6), value=when, headers=[("at", dt.time(1, 2, 3))]), 1))
    reader = wire.SchemaReader()
    assert reader.read(r.value.structured.schema) == Timestamp.SCHEMA
    assert wire.value_from_proto(r.value.structured.value, Timestamp.SCHEMA) == when
    assert reader.read(r.key.structured.schema) == Date.SCHEMA
    assert reader.read(r.headers[0].schema) == Time.SCHEMA


def test_batch_frames_and_large_sequence_numbers_parse_back():
    enc = wire.SourceRecordEncoder()
    seqs = (1, 16383, 16384, 2**21, 2**28 - 1, 2**28, 2**40)
    records = [enc.encode(SourceRecord({"f": "a"}, {"position": s}, "t", value="x" * (s % 200)), s) for s in seqs]
    records += [b"", enc.encode(SourceRecord(None, None, "t", value="y" * 16400), 9)]
    tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    msg = cpb.SourceResponse.FromString(wire.batch_frame(records, TraceContext(tp)))
    assert [r.SerializeToString() for r in msg.batch.records[:len(seqs)]] == records[:len(seqs)]
    assert [r.seq for r in msg.batch.records[:len(seqs)]] == list(seqs)
    assert [r.source_offset.map.entries[0].value.int64 for r in msg.batch.records[:len(seqs)]] == list(seqs)
    assert len(msg.batch.records) == len(records) and msg.batch.trace.traceparent == tp


def test_a_partition_changed_in_place_is_encoded_again():
    enc = wire.SourceRecordEncoder()
    part = {"filename": "a"}
    first = cpb.SourceRecord.FromString(enc.encode(SourceRecord(part, None, "t", value="x"), 1))
    part["filename"] = "b"
    second = cpb.SourceRecord.FromString(enc.encode(SourceRecord(part, None, "t", value="x"), 2))
    part["filename"] = 1
    third = cpb.SourceRecord.FromString(enc.encode(SourceRecord(part, None, "t", value="x"), 3))
    names = [r.source_partition.map.entries[0].value for r in (first, second, third)]
    assert [n.string for n in names[:2]] == ["a", "b"] and names[2].int64 == 1
