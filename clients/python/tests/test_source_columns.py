"""Columnar source batches (capability "columnar_source_batches"): a poll that fits goes as
one SourceColumns message holding the same records as the rows would; one that does not
fit goes as rows."""

import asyncio
import datetime

from harness import acks, commit, credit, run, serving, source_start, stop, wait_for
from polyconnect import Header, RawBytes, Schema, SourceConnector, SourceRecord, SourceTask, wire
from polyconnect.data import SchemaBuilder
from polyconnect.v1 import connector_pb2 as cpb
from polyconnect.v1 import data_pb2 as dpb

STRING = Schema.STRING_SCHEMA
OPT_STRING = Schema.OPTIONAL_STRING_SCHEMA
OPT_BYTES = Schema.OPTIONAL_BYTES_SCHEMA


def expand(c: cpb.SourceColumns) -> list:
    """The rows a SourceColumns message stands for (as protocol SourceRecords), read with
    the generated classes only, following the rules in connector.proto."""
    n = c.count
    out = []
    which = c.WhichOneof("offsets")
    keys = list(c.int_offsets.keys)
    for i in range(n):
        r = cpb.SourceRecord(seq=c.first_seq + i)
        if c.partitions:
            p = c.partitions[c.partition_index[i]] if c.partition_index else c.partitions[0]
            if p.WhichOneof("kind") != "null":
                r.source_partition.CopyFrom(p)
        if which == "int_offsets":
            row = c.int_offsets.values[i * len(keys):(i + 1) * len(keys)]
            for k, v in zip(keys, row):
                r.source_offset.map.entries.add(key=dpb.Value(string=k), value=dpb.Value(int64=v))
            if not keys:
                r.source_offset.map.SetInParent()
        elif which == "value_offsets":
            o = c.value_offsets.offsets[i]
            if o.WhichOneof("kind") != "null":
                r.source_offset.CopyFrom(o)
        r.topic = c.topics[c.topic_index[i]] if c.topic_index else c.topics[0]
        if c.kafka_partitions:
            r.kafka_partition = c.kafka_partitions[i]
        if c.timestamps:
            r.timestamp = c.timestamps[i]
        for col, field in ((c.key, r.key), (c.value, r.value)):
            null = i in set(col.nulls)
            if col.type == cpb.DATA_COLUMN_TYPE_NULL:
                continue
            if col.type == cpb.DATA_COLUMN_TYPE_RAW:
                if not null:
                    field.raw = col.bytes[i]
                continue
            st = field.structured
            st.schema.CopyFrom(col.schema)
            if null:
                st.value.null = 0
            elif col.type == cpb.DATA_COLUMN_TYPE_STRING:
                st.value.string = col.strings[i]
            else:
                st.value.bytes = col.bytes[i]
        out.append(r)
    return out


def rows(records: list, first_seq: int) -> list:
    """The same records through the row encoder (full schemas, as the columns carry)."""
    enc = wire.SourceRecordEncoder(schema_refs=False)
    return [cpb.SourceRecord.FromString(enc.encode(r, first_seq + i)) for i, r in enumerate(records)]


def columns_of(records: list, first_seq: int = 1, raw: bool = True):
    b = wire.SourceColumnsEncoder(raw).columns(records, first_seq)
    return None if b is None else cpb.SourceColumns.FromString(b)


def check_same(records: list, first_seq: int = 1) -> cpb.SourceColumns:
    c = columns_of(records, first_seq)
    assert c is not None, "the records should fit the columns"
    assert c.count == len(records) and c.first_seq == first_seq
    got, want = expand(c), rows(records, first_seq)
    for g, w in zip(got, want):
        assert g == w, f"\ncolumns: {g}\nrows:    {w}"
    assert len(got) == len(want)
    return c


def test_file_stream_records_go_as_int_offset_columns():
    part = {"filename": "/tmp/in.txt"}
    recs = [SourceRecord(part, {"position": 100 * i + 7}, "lines", None, None, None, STRING, f"line {i}",
                         1_764_900_000_000) for i in range(50)]
    c = check_same(recs, first_seq=41)
    assert c.WhichOneof("offsets") == "int_offsets"
    assert list(c.int_offsets.keys) == ["position"]
    assert len(c.partitions) == 1 and not c.partition_index
    assert list(c.topics) == ["lines"] and not c.topic_index
    assert c.value.type == cpb.DATA_COLUMN_TYPE_STRING and c.value.schema.type == dpb.STRING
    assert c.key.type == cpb.DATA_COLUMN_TYPE_NULL and not c.key.strings
    assert list(c.timestamps) == [1_764_900_000_000] * 50
    assert not c.kafka_partitions
    # Much smaller than the rows.
    assert c.ByteSize() < sum(r.ByteSize() for r in rows(recs, 41)) / 2


def test_other_shapes_that_fit():
    a, b = {"table": "a"}, {"table": "b", "shard": 2}
    c = check_same([
        SourceRecord(a, {"lsn": 1, "name": "x"}, "t1", 0, None, RawBytes(b"k1"), OPT_BYTES, b"v1", 5),
        SourceRecord(b, {"lsn": 2}, "t2", 3, None, None, OPT_BYTES, None, 6),
        SourceRecord(None, None, "t2", 1, None, RawBytes(b""), OPT_BYTES, b"", 7),
        SourceRecord({"table": "a"}, {"lsn": -4, "name": "y"}, "t1", 2, None, RawBytes(b"k4"), OPT_BYTES, None, 8),
    ])
    assert c.key.type == cpb.DATA_COLUMN_TYPE_RAW and list(c.key.nulls) == [1]
    assert c.value.type == cpb.DATA_COLUMN_TYPE_BYTES and list(c.value.nulls) == [1, 3]
    # Multi-key integer offsets, negative and large values, an optional STRING key with nulls.
    recs = [SourceRecord({"p": 1}, {"file": i, "pos": -(2 ** 63) + i}, "t", None, OPT_STRING,
                         None if i % 3 else f"k{i}", STRING, "v") for i in range(10)]
    c = check_same(recs)
    assert list(c.int_offsets.keys) == ["file", "pos"] and len(c.int_offsets.values) == 20
    assert list(c.key.nulls) == [i for i in range(10) if i % 3]
    # No partitions or offsets at all; raw values.
    c = check_same([SourceRecord(None, None, "t", value=RawBytes(b"x" * i)) for i in range(5)])
    assert not c.partitions and c.WhichOneof("offsets") is None and c.value.type == cpb.DATA_COLUMN_TYPE_RAW
    # Offsets whose key order differs are not int offsets (the order is kept).
    c = check_same([SourceRecord({"p": 1}, {"a": 1, "b": 2}, "t", value=RawBytes(b"")),
                    SourceRecord({"p": 1}, {"b": 3, "a": 4}, "t", value=RawBytes(b""))])
    assert c.WhichOneof("offsets") == "value_offsets"
    # Booleans are not integers.
    c = check_same([SourceRecord({"p": 1}, {"done": True}, "t", value=RawBytes(b""))])
    assert c.WhichOneof("offsets") == "value_offsets"


def test_polls_that_do_not_fit_go_as_rows():
    def rec(**kw):
        args = dict(source_partition={"p": 1}, source_offset={"o": 1}, topic="t", value_schema=STRING,
                    value="v")
        args.update(kw)
        return SourceRecord(**args)

    cases = {
        "headers": [rec(), rec(headers=[Header("h", "x")])],
        "a record's trace": [rec(trace="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")],
        "some Kafka partitions": [rec(kafka_partition=1), rec()],
        "some timestamps": [rec(), rec(timestamp=5)],
        "a datetime timestamp": [rec(timestamp=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))],
        "two value schemas": [rec(), rec(value_schema=OPT_STRING)],
        "a struct value": [rec(value_schema=SchemaBuilder.struct().field("a", STRING).build(),
                               value=None)],
        "a null in a required STRING": [rec(value=None)],
        "schemaless strings": [rec(value_schema=None, value="x")],
        "raw and structured values": [rec(value_schema=None, value=RawBytes(b"x")), rec()],
        "bytes in a STRING schema": [rec(value=b"x")],
        "an int64 out of range": [rec(source_offset={"o": 2 ** 64})],
        "a partition that is not a dict": [rec(source_partition=[1])],
        "no topic": [rec(topic="")],
    }
    for name, recs in cases.items():
        assert columns_of(recs) is None, name
    # Raw bytes without the raw_bytes capability go as rows (as optional BYTES).
    assert columns_of([rec(value_schema=None, value=RawBytes(b"x"))], raw=False) is None
    assert columns_of([rec(value_schema=None, value=RawBytes(b"x"))], raw=True) is not None


def make_source(poll, name="ColSrc", keep=False):
    calls = []

    class Task(SourceTask):
        def start(self, config):
            self.n = 0

        def poll(self):
            out = poll(self.n)
            self.n += len(out or [])
            return out

        def stop(self):
            pass

    if keep:
        def commit_record(self, record, metadata):
            calls.append((record.source_offset["pos"], metadata.offset if metadata else None))
        Task.commit_record = commit_record
    return type(name, (SourceConnector,), {"task_class": Task}), calls


def lines(n0, k=20):
    return [SourceRecord({"f": "x"}, {"pos": i}, "topic", value_schema=STRING, value=f"line-{i}")
            for i in range(n0, n0 + k)]


async def quiet(s, seconds=0.3):
    try:
        msg = await s.recv(timeout=seconds)
    except asyncio.TimeoutError:
        return
    raise AssertionError(f"unexpected message: {msg}")


async def batches_until(s, n):
    got = []
    while sum(b.columns.count + len(b.records) for b in got) < n:
        got.append(await s.expect("batch"))
    return got


@run
async def test_columns_only_when_negotiated():
    cls, _ = make_source(lambda n: lines(n) if n < 40 else None)
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("ColSrc"))
        await s.expect("started")
        await s.send(credit(40))
        got = await batches_until(s, 40)
        assert all(not b.HasField("columns") and b.records for b in got)
        await s.close()


@run
async def test_negotiated_polls_go_as_columns_within_the_credit():
    cls, calls = make_source(lambda n: lines(n) if n < 60 else None, keep=True)
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("ColSrc", columns=True))
        await s.expect("started")
        await s.send(credit(30))
        got = await batches_until(s, 20)
        assert got[0].HasField("columns") and not got[0].records
        assert (got[0].columns.first_seq, got[0].columns.count) == (1, 20)
        assert expand(got[0].columns) == rows(lines(0, 20), 1)
        # The next poll's 20 records wait for credit rather than going in parts: they fit
        # the grant once earlier records leave the core.
        await quiet(s)
        await s.send(credit(30))
        more = await batches_until(s, 40)
        cols = [b.columns for b in more]
        assert [(c.first_seq, c.count) for c in cols] == [(21, 20), (41, 20)]
        assert [r for c in cols for r in expand(c)] == rows(lines(20, 40), 21)
        # Acks of columnar records reach commit_record with their records.
        await s.send(acks(*[(i, "topic", 0, 100 + i) for i in range(1, 61)]))
        await wait_for(lambda: len(calls) == 60)
        assert calls == [(i - 1, 100 + i) for i in range(1, 61)]
        await s.send(commit(60))
        await s.send(cpb.SourceRequest(stop=stop(2000)))
        drained = await s.expect("drained")
        assert drained.last_seq == 60
        await s.close()


@run
async def test_byte_credit_counts_the_columns_message():
    cls, _ = make_source(lambda n: lines(n, 40) if n < 40 else None)
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("ColSrc", columns=True))
        await s.expect("started")
        whole = columns_of(lines(0, 40)).ByteSize()
        # Enough records, but bytes for about half the poll: the first part fits the bytes.
        await s.send(credit(1000, whole // 2))
        b = await s.expect("batch")
        assert b.columns.count < 40 and b.columns.ByteSize() <= whole // 2
        sent = b.columns.count
        await s.send(credit(0, whole))
        rest = await batches_until(s, 40 - sent)
        assert [r.seq for x in rest for r in expand(x.columns)] == list(range(sent + 1, 41))
        await s.close()


@run
async def test_a_poll_that_does_not_fit_goes_as_rows_among_columns():
    def poll(n):
        if n >= 30:
            return None
        recs = lines(n, 10)
        if n == 10:
            recs[3].headers = [Header("h", "x")]
        return recs

    cls, _ = make_source(poll)
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("ColSrc", columns=True))
        await s.expect("started")
        await s.send(credit(30))
        got = await batches_until(s, 30)
        kinds = ["columns" if b.HasField("columns") else "rows" for b in got]
        assert kinds == ["columns", "rows", "columns"], kinds
        seqs = [r.seq for b in got for r in (expand(b.columns) if b.HasField("columns") else b.records)]
        assert seqs == list(range(1, 31))
        assert got[1].records[3].headers[0].key == "h"
        await s.close()
