"""FileStreamSource: tails a file (or reads standard input) and sends each line as a
record, like Kafka Connect's ``org.apache.kafka.connect.file.FileStreamSourceConnector``.

- One task. Source partition ``{"filename": <file>}``, offset ``{"position": <byte
  position after the line>}``; on start the task seeks to the stored position.
- Records: ``topic``, no key, value schema STRING (not optional), value = the line
  without its terminator (``\\n``, ``\\r\\n`` or ``\\r``), decoded as UTF-8 (invalid bytes
  become U+FFFD, as Java's reader does).
- A last line without its terminator is held back until the terminator arrives.
- The file is read in chunks into one buffer and split there; lines of any length are
  fine (the buffer grows to hold the longest line). At most ``batch.size`` records per
  poll; what is left stays in the buffer and the file is not read further meanwhile.
- Standard input (no ``file``) has no offsets.
"""

from __future__ import annotations

import logging
import os
import select
import sys
import time
from typing import Any

from polyconnect import (
    ConfigDef,
    ConfigError,
    ExactlyOnceSupport,
    Importance,
    NonEmptyString,
    Range,
    Schema,
    SourceConnector,
    SourceRecord,
    SourceTask,
    Type,
)

from . import __version__

log = logging.getLogger("polyconnect_file.source")

FILE_CONFIG = "file"
TOPIC_CONFIG = "topic"
TASK_BATCH_SIZE_CONFIG = "batch.size"
DEFAULT_TASK_BATCH_SIZE = 2000

FILENAME_FIELD = "filename"
POSITION_FIELD = "position"

CHUNK_SIZE = 1 << 16
# How long poll() waits, growing while nothing new arrives (Kafka Connect waits 1 s).
MIN_WAIT_S = 0.01
MAX_WAIT_S = 0.25

CONFIG_DEF = (
    ConfigDef()
    .define(FILE_CONFIG, Type.STRING, default=None, importance=Importance.HIGH,
            doc="Source filename. If not specified, the standard input will be used")
    .define(TOPIC_CONFIG, Type.STRING, validator=NonEmptyString(), importance=Importance.HIGH,
            doc="The topic to publish data to")
    .define(TASK_BATCH_SIZE_CONFIG, Type.INT, default=DEFAULT_TASK_BATCH_SIZE, validator=Range.at_least(1),
            importance=Importance.LOW,
            doc="The maximum number of records the source task can read from the file each time it is polled")
)

_STRING = Schema.STRING_SCHEMA


def _check_single_topic(topic: Any) -> str | None:
    if topic and "," in topic:
        return "FileStreamSourceConnector should only have a single topic when used as a source."
    return None


class FileStreamSourceTask(SourceTask):
    def start(self, config: dict[str, str]) -> None:
        values = CONFIG_DEF.parse(config)
        problem = _check_single_topic(values[TOPIC_CONFIG])
        if problem:
            raise ConfigError(problem)
        self.filename: str | None = values[FILE_CONFIG] or None
        self.topic: str = values[TOPIC_CONFIG]
        self.batch_size: int = values[TASK_BATCH_SIZE_CONFIG]
        self.fd: int | None = None
        self.stdin = self.filename is None
        self.buf = bytearray()
        self.scan = 0  # where the search for the next line terminator resumes
        self.position: int | None = None  # file position of buf[0]
        self.eof = False
        self.wait = MIN_WAIT_S
        self.partition = None if self.stdin else {FILENAME_FIELD: self.filename}
        if self.stdin:
            self.fd = sys.stdin.fileno()
        log.info("reading %s into topic %s", self.filename or "standard input", self.topic)

    def _open(self) -> bool:
        """Opens the file and seeks to the stored position; False while it does not exist."""
        try:
            fd = os.open(self.filename, os.O_RDONLY)
        except FileNotFoundError:
            log.warning("Couldn't find file %s for FileStreamSourceTask, sleeping to wait for it to be created",
                        self.filename)
            return False
        offset = self.context.offset(self.partition)
        position = 0
        if offset is not None:
            stored = offset.get(POSITION_FIELD)
            if stored is not None and (not isinstance(stored, int) or isinstance(stored, bool)):
                os.close(fd)
                raise ConfigError("Offset position is the incorrect type")
            if stored is not None:
                log.debug("found previous offset, skipping to file offset %d", stored)
                position = stored
                os.lseek(fd, position, os.SEEK_SET)
        self.fd = fd
        self.position = position
        log.debug("opened %s for reading at position %d", self.filename, position)
        return True

    def poll(self) -> list[SourceRecord] | None:
        if self.fd is None and not self._open():
            time.sleep(1.0)
            return None
        records = self._lines(self.batch_size)
        while len(records) < self.batch_size and self._read():
            records += self._lines(self.batch_size - len(records))
        if records:
            self.wait = MIN_WAIT_S
            return records
        time.sleep(self.wait)
        self.wait = min(self.wait * 2, MAX_WAIT_S)
        return None

    def _read(self) -> bool:
        """Appends the next chunk of the file to the buffer; False when there is none now."""
        if self.stdin:
            if self.eof:
                return False
            ready, _, _ = select.select([self.fd], [], [], 0)
            if not ready:
                return False
        chunk = os.read(self.fd, CHUNK_SIZE)
        if not chunk:
            if self.stdin:
                self.eof = True
            return False
        self.buf += chunk
        return True

    def _lines(self, limit: int) -> list[SourceRecord]:
        """Complete lines from the buffer, at most ``limit``, as records."""
        buf = self.buf
        end = len(buf)
        find = buf.find
        start = 0  # start of the current line
        i = self.scan  # buf[start:i] holds no line terminator
        next_cr = find(b"\r", i)
        out: list[SourceRecord] = []
        position = self.position
        partition = self.partition
        topic = self.topic
        now = int(time.time() * 1000)
        while len(out) < limit:
            nl = find(b"\n", i)
            if 0 <= next_cr < i:
                next_cr = find(b"\r", i)
            if next_cr >= 0 and (nl < 0 or next_cr < nl):
                if next_cr + 1 >= end:
                    i = next_cr  # a "\r" at the end: wait to see whether "\n" follows
                    break
                line_end = next_cr
                next_start = next_cr + 2 if buf[next_cr + 1] == 0x0A else next_cr + 1
            elif nl >= 0:
                line_end, next_start = nl, nl + 1
            else:
                i = end
                break
            line = buf[start:line_end].decode("utf-8", "replace")
            if position is None:
                offset = None
            else:
                position += next_start - start
                offset = {POSITION_FIELD: position}
            out.append(SourceRecord(partition, offset, topic, None, None, None, _STRING, line, now))
            start = i = next_start
        if start:
            del buf[:start]
        self.scan = i - start
        self.position = position
        return out

    def stop(self) -> None:
        if self.fd is not None and not self.stdin:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None


class FileStreamSource(SourceConnector):
    class_name = "FileStreamSource"
    aliases = ["org.apache.kafka.connect.file.FileStreamSourceConnector", "FileStreamSourceConnector"]
    version = __version__
    config_def = CONFIG_DEF
    task_class = FileStreamSourceTask

    def start(self, config: dict[str, str]) -> None:
        values = CONFIG_DEF.parse(config)
        problem = _check_single_topic(values[TOPIC_CONFIG])
        if problem:
            raise ConfigError(problem)
        log.info("Starting file source connector reading from %s", values[FILE_CONFIG] or "standard input")

    def exactly_once_support(self, config: dict[str, str]) -> ExactlyOnceSupport:
        # Kafka Connect's: exactly once when reading a real file (only appended to), not
        # standard input, whose position is not tracked.
        return ExactlyOnceSupport.SUPPORTED if config.get(FILE_CONFIG) else ExactlyOnceSupport.UNSUPPORTED

    def task_configs(self, max_tasks: int) -> list[dict[str, str]]:
        # Only one input stream makes sense.
        return [dict(self.config)]

    def validate(self, config: dict[str, str]) -> dict[str, list[str]] | None:
        problem = _check_single_topic(config.get(TOPIC_CONFIG))
        return {TOPIC_CONFIG: [problem]} if problem else None
