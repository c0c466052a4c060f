"""What the Python FileStream connectors cost per record, in one process, without the core,
the broker or the socket: the sink's put path (a Put as the core sends it parsed from its
bytes, the SDK's decoding, ``FileStreamSinkTask.put`` writing the lines, the PutDone) and
the source's poll path (``FileStreamSourceTask.poll`` reading a file, the SDK's record
encoding and its batch framing). Records of 100 B (99 characters and a newline), as
``make bench`` writes them.

    python3 tests/bench/python_file_cost.py sink|source [records] [columns|rows]

prints the CPU time (``time.process_time``). Both sides use the columnar forms by default:
the sink's Puts come in columns (``Put.columns``, as the core sends them to an SDK that
announced ``columnar_puts``) and the source encodes its polls as columnar batches
(``SourceBatch.columns``, capability ``columnar_source_batches``); with ``rows`` both use
rows, as with a core or an SDK without those capabilities, or records that do not fit
columns. The inputs are made once, by a first run, in
``target/bench/python-file-cost/``. For an instruction count that no other work on
the machine disturbs, run it under callgrind and subtract a run of 0 records (start-up):

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python3 tests/bench/python_file_cost.py sink 50000     # its "Collected" line

(``python3`` the interpreter itself, not a shim script such as pyenv's: valgrind measures
the process it starts.)

``--profile`` prints a cProfile of the run instead.
"""

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(root / "clients/python"), str(root / "connectors/file")]

from polyconnect import server, tracing, wire  # noqa: E402
from polyconnect.streams.sink import SinkSession  # noqa: E402
from polyconnect.streams.source import SourceSession  # noqa: E402
from polyconnect.v1 import connector_pb2 as cpb  # noqa: E402
from polyconnect.v1 import data_pb2 as dpb  # noqa: E402
from polyconnect_file.sink import FileStreamSinkTask  # noqa: E402
from polyconnect_file.source import FileStreamSourceTask  # noqa: E402

PUT = 500  # records per Put
SIZE = 100
TOPIC = "bench-sink-100"


def line(i: int) -> str:
    s = f"{i:012d}-"
    return s + "x" * (SIZE - 1 - len(s))


def puts(records: int, form: str) -> list[bytes]:
    """Serialized SinkRequests as the core sends them for StringConverter keys and values
    (a null key; the schema defined in the first record, referred to afterwards), in
    columns or in rows."""
    if form == "columns":
        return column_puts(records)
    out = []
    put_id = 0
    for start in range(0, records, PUT):
        put_id += 1
        req = cpb.SinkRequest(put=cpb.Put(put_id=put_id))
        for i in range(start, min(start + PUT, records)):
            first = i == 0
            schema = (dpb.Schema(type=dpb.STRING, optional=True, id=1) if first else dpb.Schema(ref=1))
            req.put.records.add(
                topic=TOPIC, kafka_partition=0, kafka_offset=i,
                key=dpb.RecordData(structured=dpb.Structured(schema=schema, value=dpb.Value(null=0))),
                value=dpb.RecordData(structured=dpb.Structured(schema=dpb.Schema(ref=1),
                                                               value=dpb.Value(string=line(i)))),
                timestamp=1_764_900_000_000 + i, timestamp_type=cpb.CREATE_TIME,
                original_topic=TOPIC, original_kafka_partition=0,
            )
        out.append(req.SerializeToString())
    return out


def column_puts(records: int) -> list[bytes]:
    out = []
    put_id = 0
    for start in range(0, records, PUT):
        put_id += 1
        req = cpb.SinkRequest(put=cpb.Put(put_id=put_id))
        c = req.put.columns
        end = min(start + PUT, records)
        c.count = end - start
        c.topics.append(TOPIC)
        c.partitions.extend([0] * (end - start))
        c.offsets.extend(range(start, end))
        c.timestamps.extend(1_764_900_000_000 + i for i in range(start, end))
        c.timestamp_types.append(cpb.CREATE_TIME)
        schema = (dpb.Schema(type=dpb.STRING, optional=True, id=1) if start == 0 else dpb.Schema(ref=1))
        # Every key null: a column without values.
        c.keys.CopyFrom(cpb.DataColumn(type=cpb.DATA_COLUMN_TYPE_STRING, schema=schema))
        c.values.CopyFrom(cpb.DataColumn(type=cpb.DATA_COLUMN_TYPE_STRING, schema=dpb.Schema(ref=1),
                                         strings=[line(i) for i in range(start, end)]))
        out.append(req.SerializeToString())
    return out


def cached(name: str, make) -> Path:
    """A generated input, made once (so that making it is not part of a measured run)."""
    path = root / "target/bench/python-file-cost" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        make(tmp)
        tmp.rename(path)
    return path


def sink(records: int, out_dir: str, form: str = "columns") -> float:
    def make(path):
        with open(path, "wb") as f:
            for b in puts(records, form):
                f.write(len(b).to_bytes(4, "little") + b)

    data = cached(f"puts-{form}-{records}.bin", make).read_bytes() if records else b""
    requests = []
    i = 0
    while i < len(data):
        n = int.from_bytes(data[i:i + 4], "little")
        requests.append(data[i + 4:i + 4 + n])
        i += 4 + n
    session = SinkSession(None, None, None)
    task = FileStreamSinkTask()
    out = os.path.join(out_dir, "out.txt")
    task.start({"file": out})
    session.task = task
    started = time.process_time()
    parse = cpb.SinkRequest.FromString
    for b in requests:
        put = parse(b).put
        pt = tracing.put("bench", 0, put.trace, put.records,
                         put.columns.count if put.HasField("columns") else None)
        session._put_sync(put)
        if pt is not None:
            pt.end()
        cpb.SinkResponse(put_done=cpb.PutDone(put_id=put.put_id)).SerializeToString()
    task.flush({})
    seconds = time.process_time() - started
    task.stop()
    assert os.path.getsize(out) == records * SIZE, (os.path.getsize(out), records * SIZE)
    return seconds


class _Stream:
    def __init__(self):
        self.frames = 0

    async def send(self, frame):
        self.frames += 1


class _Context:
    def offset(self, _partition):
        return None


def source(records: int, out_dir: str, form: str = "columns") -> float:
    def make(path):
        with open(path, "w") as f:
            for i in range(records):
                f.write(line(i) + "\n")

    path = str(cached(f"lines-{records}.txt", make))
    task = FileStreamSourceTask()
    task.context = _Context()
    task.start({"file": path, "topic": TOPIC})

    async def run() -> float:
        session = SourceSession(None, None, None)  # needs a running loop
        session.encoder = wire.SourceRecordEncoder()
        if form == "columns":
            session.columns = wire.SourceColumnsEncoder()
        session.stream = _Stream()
        session.max_bytes = 4 << 20
        session.credit_records = 1 << 62
        session.credit_bytes = 1 << 62
        session.task = task
        started = time.process_time()
        n = 0
        while n < records:
            encoded = session._poll_sync()
            if not encoded:
                raise AssertionError(f"the file ended after {n} of {records} records")
            n = session.next_seq
            session.pending.extend(encoded)
            await session._send_available()
        assert not session.pending
        assert session.last_sent_seq == records, (session.last_sent_seq, records)
        return time.process_time() - started

    seconds = asyncio.run(run())
    task.stop()
    return seconds


def main():
    # The garbage collector as a connector process sets it (POLYCONNECT_GC_THRESHOLD).
    server.tune_gc()
    args = [a for a in sys.argv[1:] if a != "--profile"]
    which = args[0]
    records = int(args[1]) if len(args) > 1 else 50_000
    form = args[2] if len(args) > 2 else "columns"
    if form not in ("columns", "rows"):
        raise SystemExit(f"columns or rows, not {form!r}")
    with tempfile.TemporaryDirectory() as d:
        if "--profile" in sys.argv:
            import cProfile
            import pstats
            cProfile.runctx("f(records, d, form)", globals(),
                            {"f": globals()[which], "records": records, "d": d, "form": form},
                            os.path.join(d, "prof"))
            pstats.Stats(os.path.join(d, "prof")).sort_stats("tottime").print_stats(15)
            return
        seconds = {"sink": sink, "source": source}[which](records, d, form)
    label = f"{which} ({form})"
    print(f"{label}: {records} records, {seconds:.3f} s CPU, {seconds / max(records, 1) * 1e6:.2f} µs/record")


if __name__ == "__main__":
    main()
