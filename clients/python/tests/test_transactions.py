"""Exactly-once declarations (Validate) and the TransactionContext of source tasks
(connector-defined transaction boundaries)."""

import threading

from harness import credit, run, serving, source_start
from polyconnect import (
    ConnectorTransactionBoundaries,
    ExactlyOnceSupport,
    Schema,
    SourceConnector,
    SourceRecord,
    SourceTask,
)
from polyconnect.v1 import connector_pb2 as cpb


def _record(i):
    return SourceRecord({"p": "x"}, {"next": i + 1}, "t", value_schema=Schema.STRING_SCHEMA, value=str(i))


def make_source(plan):
    """A source whose poll ``k`` returns the records and requests of ``plan[k]``: a list of
    (records, requests) where requests are (action, index or None for the batch)."""
    seen = {}
    state = {"poll": 0, "n": 0}
    lock = threading.Lock()

    class Task(SourceTask):
        def start(self, config):
            seen["context"] = self.context.transaction_context()

        def poll(self):
            with lock:
                k = state["poll"]
                if k >= len(plan):
                    return None
                state["poll"] = k + 1
            count, requests = plan[k]
            records = [_record(state["n"] + i) for i in range(count)]
            state["n"] += count
            txn = self.context.transaction_context()
            for action, index in requests:
                target = None if index is None else records[index]
                getattr(txn, f"{action}_transaction")(target)
            return records

    cls = type("TxnSrc", (SourceConnector,), {"task_class": Task})
    return cls, seen


async def _records(s, n):
    out = []
    while len(out) < n:
        b = await s.expect("batch", 10.0)
        out.extend(b.records)
    return out


@run
async def test_no_transaction_context_without_connector_boundaries():
    cls, seen = make_source([(2, [])])
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("TxnSrc"))
        await s.expect("started")
        await s.send(credit(10))
        records = await _records(s, 2)
        assert seen["context"] is None
        assert [r.transaction for r in records] == [cpb.TRANSACTION_ACTION_NONE] * 2


@run
async def test_record_and_batch_requests_travel_on_their_records():
    plan = [
        (5, [("commit", 1), ("abort", 3)]),  # commit after the 2nd, abort after the 4th
        (0, []),
        (3, [("commit", None)]),  # the batch: on its last record
        (3, [("abort", None), ("commit", 2)]),  # the record's own request wins
    ]
    cls, seen = make_source(plan)
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("TxnSrc", transaction_context=True))
        await s.expect("started")
        await s.send(credit(100))
        records = await _records(s, 11)
        assert seen["context"] is not None
        actions = {r.seq: r.transaction for r in records if r.transaction}
        assert actions == {
            2: cpb.COMMIT_TRANSACTION,
            4: cpb.ABORT_TRANSACTION,
            8: cpb.COMMIT_TRANSACTION,
            11: cpb.COMMIT_TRANSACTION,
        }
        # The appended field is part of the record's encoding, as the core counts it.
        assert all(r.ByteSize() > 0 for r in records)


@run
async def test_commit_and_abort_of_one_record_fail_the_task():
    cls, _ = make_source([(2, [("commit", 0), ("abort", 0)])])
    async with serving(cls) as core:
        s = core.open_source()
        await s.send(source_start("TxnSrc", transaction_context=True))
        await s.expect("started")
        await s.send(credit(10))
        err = await s.expect("error", 10.0)
        assert "Connector requested both commit and abort of same record" in err.message


@run
async def test_validate_answers_the_declarations():
    class Undeclared(SourceConnector):
        task_class = SourceTask

    class Declared(SourceConnector):
        task_class = SourceTask

        def exactly_once_support(self, config):
            return ExactlyOnceSupport.SUPPORTED if config.get("mode") == "eos" else ExactlyOnceSupport.UNSUPPORTED

        def can_define_transaction_boundaries(self, config):
            return ConnectorTransactionBoundaries.SUPPORTED

    class Failing(SourceConnector):
        task_class = SourceTask

        def exactly_once_support(self, config):
            raise ValueError("cannot tell")

    async with serving(Undeclared, Declared, Failing) as core:
        r = await core.connector.Validate(cpb.ValidateRequest(connector_class="Undeclared", config={}))
        assert r.exactly_once_support == cpb.EXACTLY_ONCE_SUPPORT_UNSPECIFIED
        assert r.transaction_boundaries == cpb.TRANSACTION_BOUNDARIES_UNSUPPORTED
        r = await core.connector.Validate(cpb.ValidateRequest(connector_class="Declared", config={"mode": "eos"}))
        assert r.exactly_once_support == cpb.EXACTLY_ONCE_SUPPORTED
        assert r.transaction_boundaries == cpb.TRANSACTION_BOUNDARIES_SUPPORTED
        r = await core.connector.Validate(cpb.ValidateRequest(connector_class="Declared", config={}))
        assert r.exactly_once_support == cpb.EXACTLY_ONCE_UNSUPPORTED
        r = await core.connector.Validate(cpb.ValidateRequest(connector_class="Failing", config={}))
        assert r.exactly_once_support_error == "cannot tell"
