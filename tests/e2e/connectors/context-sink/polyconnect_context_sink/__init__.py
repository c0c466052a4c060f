"""ContextSink: a sink for the tests of Kafka Connect's SinkTaskContext through the core
(``tests/e2e/tests/sink_context.rs``).

Every record it is given is appended at once, durably (write + fsync in ``put``), as a line
``<partition> <offset> <value>`` to ``file``. Its context calls are driven by its config:

- ``rewind.at`` (default -1, off): the first time it is given the record at this offset of
  partition 0, it calls ``context.offset(tp, rewind.to)`` once (Kafka Connect's rewind).
- ``pause.partition`` (default -1, off) and ``pause.ms``: at start, it pauses that
  partition; ``pause.ms`` later it resumes it (from another thread). It writes
  ``paused <t>`` and ``resumed <t>`` lines (seconds since the epoch) to ``file``.
- ``request.commit`` (default false): after each put, ``context.request_commit()``.
- ``errant.late.ms`` (default 0, off): the first record it is given is reported to the
  errant record reporter in the first put at least this long after it, i.e. after flushes
  have covered it (the core reads it again from Kafka for the dead letter queue).
"""

from __future__ import annotations

import os
import threading
import time

from polyconnect import ConfigDef, Importance, SinkConnector, SinkTask, Type

__version__ = "0.1.0"

CONFIG_DEF = (
    ConfigDef()
    .define("file", Type.STRING, importance=Importance.HIGH, doc="Output file (appended to).")
    .define("rewind.at", Type.LONG, default=-1, importance=Importance.LOW, doc="Offset of partition 0 that triggers one rewind.")
    .define("rewind.to", Type.LONG, default=0, importance=Importance.LOW, doc="Where the rewind goes.")
    .define("pause.partition", Type.INT, default=-1, importance=Importance.LOW, doc="Partition paused at start.")
    .define("pause.ms", Type.LONG, default=0, importance=Importance.LOW, doc="How long it stays paused.")
    .define("request.commit", Type.BOOLEAN, default=False, importance=Importance.LOW, doc="Request a commit after each put.")
    .define("errant.late.ms", Type.LONG, default=0, importance=Importance.LOW, doc="Report the first record as errant this long after it.")
)


class ContextSinkTask(SinkTask):
    max_inflight_puts = 1

    def start(self, config: dict[str, str]) -> None:
        v = CONFIG_DEF.parse(config)
        self.fd = os.open(v["file"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.rewind_at = v["rewind.at"]
        self.rewind_to = v["rewind.to"]
        self.rewound = False
        self.pause_partition = v["pause.partition"]
        self.pause_ms = v["pause.ms"]
        self.request_commit = v["request.commit"]
        self.paused = False
        self.errant_late_ms = v["errant.late.ms"]
        self.first = None  # (record, monotonic time) for errant.late.ms
        self.errant_reported = False

    def _write(self, text: str) -> None:
        data = text.encode()
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        os.fsync(self.fd)

    def _resume_later(self, tp) -> None:
        time.sleep(self.pause_ms / 1000.0)
        self._write(f"resumed {time.time():.3f}\n")
        self.context.resume(tp)

    def put(self, records: list) -> None:
        if records and self.pause_partition >= 0 and not self.paused:
            self.paused = True
            tp = (records[0].topic, self.pause_partition)
            self.context.pause(tp)
            self._write(f"paused {time.time():.3f}\n")
            threading.Thread(target=self._resume_later, args=(tp,), daemon=True).start()
        lines = []
        rewind = None
        for r in records:
            v = r.value
            if isinstance(v, (bytes, bytearray)):
                v = bytes(v).decode()
            lines.append(f"{r.kafka_partition} {r.kafka_offset} {v}\n")
            if not self.rewound and r.kafka_partition == 0 and r.kafka_offset == self.rewind_at:
                rewind = (r.topic, 0)
        if lines:
            self._write("".join(lines))
        if rewind is not None:
            self.rewound = True
            self.context.offset(rewind, self.rewind_to)
        if self.errant_late_ms > 0 and records:
            if self.first is None:
                self.first = (records[0], time.monotonic())
            elif not self.errant_reported and time.monotonic() - self.first[1] >= self.errant_late_ms / 1000.0:
                self.errant_reported = True
                self._write(f"errant {self.first[0].kafka_partition} {self.first[0].kafka_offset}\n")
                self.context.errant_record_reporter(self.first[0], ValueError("reported late on purpose"))
        if self.request_commit:
            self.context.request_commit()

    def stop(self) -> None:
        fd = getattr(self, "fd", None)
        if fd is not None:
            os.close(fd)
            self.fd = None


class ContextSink(SinkConnector):
    class_name = "ContextSink"
    aliases = ["io.polyconnect.test.ContextSinkConnector"]
    version = __version__
    config_def = CONFIG_DEF
    task_class = ContextSinkTask

    def start(self, config: dict[str, str]) -> None:
        CONFIG_DEF.parse(config)

    def task_configs(self, max_tasks: int) -> list[dict[str, str]]:
        return [dict(self.config) for _ in range(max_tasks)]
