"""FaultSink: a sink for the fault-injection tests (``tests/e2e/tests/faults*.rs``).

It writes the first word of each record's value (a sequence number; anything after a space
is padding) as a line to ``file``. ``put`` only buffers in memory; ``pre_commit`` (the
flush) appends the buffer with one write and fsyncs it, then returns the offsets it was
given. So a line is in the file only once its record was put *and* flushed: the output
file holds exactly what the connector made durable. A failed flush discards the buffer.

Faults are toggled at run time by files in ``control.dir``:

- ``down``: ``put`` raises RetriableError (nothing is buffered).
- ``flush-fail``: ``pre_commit`` raises an ordinary exception and discards the buffer.
- ``overreport``: ``pre_commit`` returns each given offset + 1000 (the core must ignore
  offsets beyond those it sent).
- ``hang-put``: ``put`` blocks until the file is removed (the SDK keeps heartbeating).
- ``errant``: records whose number ends in 7 go to the errant record reporter (so to the
  dead letter queue under ``errors.tolerance=all``) instead of the file.

The process writes its pid to ``control.dir/pid`` (so a test can SIGKILL or SIGSTOP it)
and appends one line per event to ``control.dir/events`` (``put``, ``flush``, ``retriable``,
``flush-failed``, ``start``, ``stop``, with the task id and record counts) for diagnosis.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from polyconnect import ConfigDef, Importance, RetriableError, SinkConnector, SinkTask, Type

__version__ = "0.1.0"

log = logging.getLogger("polyconnect_fault_sink")

CONFIG_DEF = (
    ConfigDef()
    .define("file", Type.STRING, importance=Importance.HIGH, doc="Output file (appended to).")
    .define("control.dir", Type.STRING, importance=Importance.HIGH,
            doc="Directory whose files (down, flush-fail, overreport, hang-put) switch faults on.")
)

_events_lock = threading.Lock()


def _write_pid(control: str) -> None:
    path = os.path.join(control, "pid")
    # Tasks of one process start side by side: each its own temporary file.
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "w") as f:
        f.write(str(os.getpid()))
    os.replace(tmp, path)


class FaultSinkTask(SinkTask):
    max_inflight_puts = 1

    def start(self, config: dict[str, str]) -> None:
        values = CONFIG_DEF.parse(config)
        self.file: str = values["file"]
        self.control: str = values["control.dir"]
        self.task_id = getattr(self.context, "task_id", 0)
        self.buffer: list[bytes] = []
        self.fd = os.open(self.file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _write_pid(self.control)
        self._event(f"start pid={os.getpid()}")

    def _on(self, name: str) -> bool:
        return os.path.exists(os.path.join(self.control, name))

    def _event(self, text: str) -> None:
        line = f"{time.time():.3f} task={self.task_id} {text}\n".encode()
        with _events_lock:
            fd = os.open(os.path.join(self.control, "events"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)

    def put(self, records: list) -> None:
        if self._on("hang-put"):
            self._event(f"hang-put records={len(records)}")
            while self._on("hang-put"):
                time.sleep(0.1)
            self._event("hang-put released")
        if self._on("down"):
            self._event(f"retriable records={len(records)}")
            raise RetriableError("the fault sink is down (control file 'down')", retry_after_ms=200)
        errant = self._on("errant")
        reported = 0
        for r in records:
            v = r.value
            if isinstance(v, str):
                v = v.encode()
            elif v is None:
                v = b"null"
            else:
                v = bytes(v)
            number = v.split(b" ", 1)[0]
            if errant and number.endswith(b"7"):
                self.context.errant_record_reporter(r, ValueError(f"record {number.decode()} is errant (control file 'errant')"))
                reported += 1
                continue
            self.buffer.append(number)
        self._event(f"put records={len(records)}" + (f" errant={reported}" if reported else ""))

    def pre_commit(self, offsets: dict) -> dict:
        if self._on("flush-fail"):
            dropped = len(self.buffer)
            self.buffer = []
            self._event(f"flush-failed dropped={dropped}")
            raise IOError("the fault sink's flush failed (control file 'flush-fail')")
        if self.buffer:
            data = b"\n".join(self.buffer) + b"\n"
            n = len(self.buffer)
            self.buffer = []
            view = memoryview(data)
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
            os.fsync(self.fd)
            self._event(f"flush lines={n}")
        if self._on("overreport"):
            return {tp: off + 1000 for tp, off in offsets.items()}
        return offsets

    def stop(self) -> None:
        # What was put but never flushed is not durable: it is dropped, as on a crash.
        self.buffer = []
        fd = getattr(self, "fd", None)
        if fd is not None:
            os.close(fd)
            self.fd = None
        if hasattr(self, "control"):
            self._event("stop")


class FaultSink(SinkConnector):
    class_name = "FaultSink"
    aliases = ["io.polyconnect.test.FaultSinkConnector"]
    version = __version__
    config_def = CONFIG_DEF
    task_class = FaultSinkTask

    def start(self, config: dict[str, str]) -> None:
        CONFIG_DEF.parse(config)

    def task_configs(self, max_tasks: int) -> list[dict[str, str]]:
        return [dict(self.config) for _ in range(max_tasks)]
