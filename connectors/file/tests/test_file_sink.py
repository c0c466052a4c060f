"""FileStreamSinkTask on real files: lines as Java would print the values, buffering, and
flush making the data durable."""

import datetime as dt
import decimal
import io
import os

import pytest

import filetest_support  # noqa: F401
from polyconnect import ConfigError, Schema, SchemaBuilder, SinkRecord, Struct, TopicPartition
from polyconnect_file.sink import FileStreamSink, FileStreamSinkTask, java_string


def rec(value, schema=None, offset=0):
    return SinkRecord("t", 0, None, None, schema, value, offset)


def test_appends_lines_and_flush_is_durable(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    path.write_bytes(b"existing\n")
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    t = FileStreamSinkTask()
    t.start({"file": str(path), "topics": "t"})
    t.put([rec("a"), rec("b")])
    t.put([rec("ünï")])
    assert path.read_bytes() == "existing\na\nb\nünï\n".encode()  # one write per put
    assert synced == []  # not durable yet
    offsets = {TopicPartition("t", 0): 3}
    assert t.pre_commit(offsets) == offsets
    assert len(synced) == 1
    t.put([rec(None)])
    t.stop()
    assert path.read_bytes().endswith(b"\nnull\n")


def test_values_are_written_as_java_prints_them(tmp_path):
    path = tmp_path / "out.txt"
    s = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA).build()
    t = FileStreamSinkTask()
    t.start({"file": str(path)})
    t.put([
        rec(42), rec(True), rec(1.0), rec(1e10), rec(0.1, Schema.FLOAT32_SCHEMA),
        rec([1, "a", None]), rec({"k": 1, "m": [2]}), rec(Struct(s, id=1)), rec(Struct(s, id=2, name="x")),
        rec(decimal.Decimal("12.30")), rec(b"raw bytes"),
        rec(dt.datetime(2024, 3, 1, 12, 30, 5, tzinfo=dt.timezone.utc)),
    ])
    t.flush({})
    assert path.read_text().splitlines() == [
        "42", "true", "1.0", "1.0E10", "0.1", "[1, a, null]", "{k=1, m=[2]}", "Struct{id=1}",
        "Struct{id=2,name=x}", "12.30", "raw bytes", "Fri Mar 01 12:30:05 UTC 2024",
    ]
    t.stop()


def test_java_string_details():
    assert java_string(float("nan")) == "NaN" and java_string(float("-inf")) == "-Infinity"
    assert java_string(-0.0) == "-0.0" and java_string(0.001) == "0.001" and java_string(0.0001) == "1.0E-4"
    assert java_string(1234567.0) == "1234567.0" and java_string(12345678.0) == "1.2345678E7"
    assert java_string(dt.date(1970, 1, 1)) == "Thu Jan 01 00:00:00 UTC 1970"


def test_standard_output_when_no_file(monkeypatch):
    class FakeStdout:
        buffer = io.BytesIO()

    monkeypatch.setattr("sys.stdout", FakeStdout())
    t = FileStreamSinkTask()
    t.start({})
    t.put([rec("to stdout")])
    t.flush({})
    t.stop()
    assert FakeStdout.buffer.getvalue() == b"to stdout\n"


def test_unwritable_file_is_a_config_error(tmp_path):
    t = FileStreamSinkTask()
    with pytest.raises(ConfigError, match="Couldn't find or create file"):
        t.start({"file": str(tmp_path / "missing-dir" / "out.txt")})


def test_connector_gives_every_task_the_same_config():
    c = FileStreamSink()
    c.config = {"file": "x", "topics": "a,b"}
    assert c.task_configs(3) == [{"file": "x", "topics": "a,b"}] * 3
