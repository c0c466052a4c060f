"""PostgresSink through the SDK's SinkTask stream, as the core drives it: puts with schema'd
records, an errant record going out before PutDone, Flushed naming only committed offsets,
and a lost connection turning into a retriable error for that Put."""

import time

import pgtest_support  # noqa: F401
from harness import run, serving, sink_start, stop
from polyconnect import Schema, SchemaBuilder, Struct
from polyconnect.v1 import connector_pb2 as cpb
from polyconnect.wire import schema_to_proto, value_to_proto
from polyconnect_postgres import PostgresSink

KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build()
VALUE = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("name", Schema.STRING_SCHEMA).build()


def put(put_id, *records, first_offset=0):
    """records: (id, name) for a row, (id, None) for a tombstone, (id, "schemaless") for a bad one."""
    msg = cpb.Put(put_id=put_id)
    for i, (k, name) in enumerate(records):
        r = msg.records.add(topic="people", kafka_partition=0, kafka_offset=first_offset + i)
        r.key.structured.schema.CopyFrom(schema_to_proto(KEY))
        r.key.structured.value.CopyFrom(value_to_proto(Struct(KEY, id=k), KEY))
        if name == "schemaless":
            r.value.structured.value.CopyFrom(value_to_proto({"id": k}))
        elif name is not None:
            r.value.structured.schema.CopyFrom(schema_to_proto(VALUE))
            r.value.structured.value.CopyFrom(value_to_proto(Struct(VALUE, id=k, name=name), VALUE))
    return cpb.SinkRequest(put=msg)


def flush(flush_id, offset):
    return cpb.SinkRequest(flush=cpb.Flush(flush_id=flush_id, offsets=[
        cpb.TopicPartitionOffset(topic="people", partition=0, offset=offset)]))


@run
async def test_sink_stream_upserts_reports_errant_records_and_retries_after_connection_loss(pg):
    url, conn = pg
    async with serving(PostgresSink) as core:
        s = core.open_sink()
        await s.send(sink_start("PostgresSinkConnector", config={
            "connection.url": url, "topics": "people", "insert.mode": "upsert", "pk.mode": "record_key",
            "delete.enabled": "true", "auto.create": "true", "retry.backoff.ms": "50"}))
        await s.expect("started")
        await s.send(put(1, (1, "ann"), (2, "schemaless"), (3, "cy"), (1, "ann 2"), (3, None)))
        errant = await s.expect("errant")
        assert (errant.topic, errant.kafka_partition, errant.kafka_offset) == ("people", 0, 1)
        assert errant.error.kind == cpb.RECORD and "STRUCT with a schema" in errant.error.message
        assert (await s.expect("put_done")).put_id == 1
        assert conn.execute("SELECT id, name FROM people ORDER BY id").fetchall() == [(1, "ann 2")]
        await s.send(flush(1, 5))
        flushed = await s.expect("flushed")
        assert [(o.topic, o.partition, o.offset) for o in flushed.offsets] == [("people", 0, 5)]

        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                     "'polyconnect-test-sink-0'")
        await s.send(put(2, (4, "dee"), first_offset=5))
        err = await s.expect("error")
        assert err.put_id == 2 and err.error.kind == cpb.RETRIABLE and err.error.retry_after_ms == 50
        await s.send(flush(2, 6))
        flushed = await s.expect("flushed")
        assert [(o.offset) for o in flushed.offsets] == [5]  # not the failed put's record
        await s.send(put(2, (4, "dee"), first_offset=5))  # the core's redelivery: the same put id
        assert (await s.expect("put_done")).put_id == 2
        await s.send(flush(3, 6))
        assert [o.offset for o in (await s.expect("flushed")).offsets] == [6]
        assert conn.execute("SELECT id, name FROM people ORDER BY id").fetchall() == [(1, "ann 2"), (4, "dee")]
        await s.send(cpb.SinkRequest(stop=stop()))
        assert await s.end() == []
    # The task closed its connection at stop (the server notices a moment later).
    for _ in range(100):
        left = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'polyconnect-%'"
                            ).fetchone()[0]
        if left == 0:
            break
        time.sleep(0.05)
    assert left == 0
