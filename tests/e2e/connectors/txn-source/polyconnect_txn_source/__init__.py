"""PyTxnSource: a source that defines its own transactions (``transaction.boundary=connector``),
for ``tests/e2e/tests/exactly_once.rs``. The Go SDK's ``clients/go/examples/txn-source``
behaves the same.

It writes the numbers ``0..count-1`` to partition 0 of ``topic``, the value of number ``n``
being ``"<n>:<n // txn.size>"`` (its transaction), and commits the transaction right after
every ``txn.size``-th number (``commit_transaction(record)``). Before every
``abort.every``-th transaction (0: never) it writes ``txn.size`` records ``"aborted:<t>:<i>"``
and aborts their transaction at the last one (``abort_transaction(record)``): a
``read_committed`` consumer never sees them. Their offset is the next number to write, so
committing it (as Kafka Connect does after an abort) loses nothing. It resumes after a
restart from its offset ``{"next": n}``.

Its declarations follow its config: ``exactly.once`` (``supported``, ``unsupported`` or
``undeclared``) and ``boundaries`` (``supported`` or ``unsupported``).
"""

from __future__ import annotations

import time

from polyconnect import (
    ConfigDef,
    ConnectorTransactionBoundaries,
    ExactlyOnceSupport,
    Importance,
    Schema,
    SourceConnector,
    SourceRecord,
    SourceTask,
    Type,
)

__version__ = "0.1.0"

PARTITION = {"numbers": "txn"}

CONFIG_DEF = (
    ConfigDef()
    .define("topic", Type.STRING, importance=Importance.HIGH, doc="Topic to write to.")
    .define("count", Type.LONG, default=1000, importance=Importance.MEDIUM, doc="Numbers to write.")
    .define("txn.size", Type.INT, default=10, importance=Importance.MEDIUM, doc="Numbers per transaction.")
    .define("abort.every", Type.INT, default=0, importance=Importance.LOW, doc="Abort a transaction of junk before every k-th one (0: never).")
    .define("poll.size", Type.INT, default=5, importance=Importance.LOW, doc="Records per poll.")
    .define("poll.delay.ms", Type.INT, default=20, importance=Importance.LOW, doc="Pause before each poll.")
    .define("exactly.once", Type.STRING, default="supported", importance=Importance.LOW, doc="exactlyOnceSupport: supported, unsupported or undeclared.")
    .define("boundaries", Type.STRING, default="supported", importance=Importance.LOW, doc="canDefineTransactionBoundaries: supported or unsupported.")
)


class PyTxnSourceTask(SourceTask):
    def start(self, config: dict[str, str]) -> None:
        v = CONFIG_DEF.parse(config)
        self.topic = v["topic"]
        self.count = v["count"]
        self.size = v["txn.size"]
        self.abort_every = v["abort.every"]
        self.poll_size = v["poll.size"]
        self.delay = v["poll.delay.ms"] / 1000.0
        offset = self.context.offset(PARTITION)
        self.next = int(offset["next"]) if offset else 0
        self.junk_done = -1  # the transaction whose junk was written last
        self.txn = self.context.transaction_context()

    def _record(self, value: str) -> SourceRecord:
        return SourceRecord(PARTITION, {"next": self.next}, self.topic, kafka_partition=0,
                            value_schema=Schema.STRING_SCHEMA, value=value)

    def poll(self) -> list[SourceRecord] | None:
        time.sleep(self.delay)
        if self.next >= self.count:
            return None
        out: list[SourceRecord] = []
        t = self.next // self.size
        if (self.txn is not None and self.abort_every and self.next % self.size == 0
                and t % self.abort_every == self.abort_every - 1 and self.junk_done != t):
            self.junk_done = t
            junk = [self._record(f"aborted:{t}:{i}") for i in range(self.size)]
            self.txn.abort_transaction(junk[-1])
            return junk
        while len(out) < self.poll_size and self.next < self.count:
            n = self.next
            self.next += 1
            r = self._record(f"{n}:{n // self.size}")
            out.append(r)
            if self.txn is not None and n % self.size == self.size - 1:
                self.txn.commit_transaction(r)
                if self.abort_every:
                    break  # the next transaction may be junk first
        return out

    def stop(self) -> None:
        pass


class PyTxnSource(SourceConnector):
    version = __version__
    config_def = CONFIG_DEF
    task_class = PyTxnSourceTask

    def exactly_once_support(self, config: dict[str, str]) -> ExactlyOnceSupport | None:
        return {
            "supported": ExactlyOnceSupport.SUPPORTED,
            "unsupported": ExactlyOnceSupport.UNSUPPORTED,
        }.get(config.get("exactly.once", "supported"))

    def can_define_transaction_boundaries(self, config: dict[str, str]) -> ConnectorTransactionBoundaries:
        if config.get("boundaries", "supported") == "supported":
            return ConnectorTransactionBoundaries.SUPPORTED
        return ConnectorTransactionBoundaries.UNSUPPORTED
