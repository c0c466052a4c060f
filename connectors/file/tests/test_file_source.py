"""FileStreamSourceTask on real files: tailing, partial lines, line terminators, resuming
from offsets, batch sizes, long lines."""

import os
import threading

import pytest

from filetest_support import FakeSourceContext
from polyconnect import ConfigError, Schema
from polyconnect_file.source import FileStreamSource, FileStreamSourceTask


def task(path, positions=None, **config):
    t = FileStreamSourceTask()
    t.context = FakeSourceContext(positions)
    conf = {"file": str(path), "topic": "lines"}
    conf.update({k.replace("_", "."): str(v) for k, v in config.items()})
    t.start(conf)
    return t


def drain(t, polls=5):
    """Records from polls until one returns nothing."""
    out = []
    for _ in range(polls):
        got = t.poll()
        if not got:
            break
        out += got
    return out


def values(records):
    return [r.value for r in records]


def positions(records):
    return [r.source_offset["position"] for r in records]


def append(path, data):
    with open(path, "ab") as f:
        f.write(data)


def test_reads_lines_with_offsets_then_tails(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"one\ntwo\n")
    t = task(path)
    recs = drain(t)
    assert values(recs) == ["one", "two"]
    assert positions(recs) == [4, 8]
    r = recs[0]
    assert r.topic == "lines" and r.key is None and r.key_schema is None
    assert r.value_schema is Schema.STRING_SCHEMA and not r.value_schema.optional
    assert r.source_partition == {"filename": str(path)} and r.timestamp > 0
    assert t.poll() is None  # nothing new
    append(path, b"three\n")
    assert values(drain(t)) == ["three"]
    t.stop()


def test_partial_last_line_waits_for_its_end(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"complete\npart")
    t = task(path)
    assert values(drain(t)) == ["complete"]
    append(path, b"ial")
    assert t.poll() is None
    append(path, b" line\nnext")
    recs = drain(t)
    assert values(recs) == ["partial line"]
    assert positions(recs) == [len(b"complete\npartial line\n")]


def test_line_terminators_like_kafka_connect(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"unix\nwindows\r\nold mac\rlast\r")
    t = task(path)
    recs = drain(t)
    assert values(recs) == ["unix", "windows", "old mac"]
    assert positions(recs) == [5, 14, 22]
    # A "\r" at the end could be the start of "\r\n": the line waits for the next byte.
    append(path, b"\nafter\n")
    recs = drain(t)
    assert values(recs) == ["last", "after"]
    assert positions(recs) == [28, 34]
    append(path, b"\n\n")
    assert values(drain(t)) == ["", ""]


def test_resumes_from_the_stored_position(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"a\nb\nc\n")
    t = task(path, positions={str(path): 2})
    recs = drain(t)
    assert values(recs) == ["b", "c"] and positions(recs) == [4, 6]
    assert t.context.asked == [{"filename": str(path)}]


def test_offset_of_the_wrong_type_is_refused(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"a\n")
    t = task(path, positions={str(path): "12"})
    with pytest.raises(ConfigError, match="incorrect type"):
        t.poll()


def test_batch_size(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"".join(b"line %d\n" % i for i in range(10)))
    t = task(path, batch_size=3)
    sizes = []
    for _ in range(5):
        got = t.poll()
        if not got:
            break
        sizes.append(len(got))
    assert sizes == [3, 3, 3, 1]


def test_many_lines_across_chunks_keep_exact_positions(tmp_path):
    path = tmp_path / "in.txt"
    lines = [("é" * (i % 50)) + str(i) for i in range(20000)]
    data = "".join(line + "\n" for line in lines).encode()
    append(path, data)
    t = task(path, batch_size=2000)
    recs = drain(t, polls=100)
    assert values(recs) == lines
    assert positions(recs)[-1] == len(data)
    # Positions are byte positions: reopening there gives the next line.
    mid = positions(recs)[9999]
    t2 = task(path, positions={str(path): mid})
    assert drain(t2, polls=1)[0].value == lines[10000]


def test_very_long_lines(tmp_path):
    path = tmp_path / "in.txt"
    long_line = "x" * (5 << 20)
    append(path, long_line[: 3 << 20].encode())
    t = task(path)
    assert t.poll() is None
    append(path, long_line[3 << 20:].encode() + b"\nshort\n")
    recs = drain(t)
    assert [len(v) for v in values(recs)] == [5 << 20, 5]
    assert positions(recs) == [(5 << 20) + 1, (5 << 20) + 7]


def test_invalid_utf8_is_replaced(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"ok\xff\xfe\n")
    recs = drain(task(path))
    assert values(recs) == ["ok\ufffd\ufffd"] and positions(recs) == [5]


def test_waits_for_the_file_to_appear(tmp_path):
    path = tmp_path / "later.txt"
    t = task(path)
    assert t.poll() is None
    append(path, b"hello\n")
    assert values(drain(t)) == ["hello"]


def test_standard_input_has_no_offsets(tmp_path, monkeypatch):
    r, w = os.pipe()

    class FakeStdin:
        def fileno(self):
            return r

    monkeypatch.setattr("sys.stdin", FakeStdin())
    t = FileStreamSourceTask()
    t.context = FakeSourceContext()
    t.start({"topic": "lines"})
    os.write(w, b"from stdin\npart")
    recs = drain(t)
    assert values(recs) == ["from stdin"]
    assert recs[0].source_partition is None and recs[0].source_offset is None
    assert t.poll() is None  # no data: returns instead of blocking
    os.write(w, b"ial\n")
    os.close(w)
    assert values(drain(t)) == ["partial"]
    assert t.poll() is None  # end of input
    os.close(r)


def test_config_checks():
    t = FileStreamSourceTask()
    t.context = FakeSourceContext()
    with pytest.raises(ConfigError, match="topic"):
        t.start({"file": "x"})
    with pytest.raises(ConfigError, match="single topic"):
        t.start({"file": "x", "topic": "a,b"})
    with pytest.raises(ConfigError, match="batch.size"):
        t.start({"file": "x", "topic": "a", "batch.size": "0"})
    c = FileStreamSource()
    c.config = {"file": "x", "topic": "t", "tasks.max": "4"}
    assert c.task_configs(4) == [{"file": "x", "topic": "t", "tasks.max": "4"}]
    assert c.validate({"topic": "a,b"}) == {"topic": ["FileStreamSourceConnector should only have a single topic "
                                                      "when used as a source."]}


def test_poll_does_not_block_when_idle(tmp_path):
    path = tmp_path / "in.txt"
    append(path, b"")
    t = task(path)
    done = threading.Event()

    def poll_twice():
        t.poll()
        t.poll()
        done.set()

    threading.Thread(target=poll_twice, daemon=True).start()
    assert done.wait(2.0)


def test_exactly_once_support_as_kafka_connect_declares_it():
    from polyconnect import ExactlyOnceSupport
    from polyconnect_file.source import FileStreamSource

    c = FileStreamSource()
    assert c.exactly_once_support({"file": "/data/in.txt", "topic": "t"}) == ExactlyOnceSupport.SUPPORTED
    assert c.exactly_once_support({"topic": "t"}) == ExactlyOnceSupport.UNSUPPORTED
