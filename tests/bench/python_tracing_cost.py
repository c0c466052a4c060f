"""The Python SDK's own cost of tracing, per record, in one process: the bench source's
poll, the SDK's record encoding with each record's span context, and the spans' export
(the batch processor's thread encodes every span to OTLP protobuf, as the OTLP exporter
does, and drops the bytes instead of sending them). CPU time of the whole process
(``time.process_time``, every thread), tracing off / sampled at 1 % / at 100 %, interleaved
rounds, medians. Sampling is per poll (``parentbased_traceidratio``); the ids come from a
seeded generator, so every run samples the same polls and the table gives the spans per
record that were made.

Without the broker, the core and the socket, two processes sharing two cores do not
disturb the figure the way they disturb end-to-end throughput (``make bench``), so this
isolates what sampling costs a Python connector.

    python3 tests/bench/python_tracing_cost.py [records per run] [rounds]
    python3 tests/bench/python_tracing_cost.py --once off|0.01|1 [records]

``--once`` runs one setting once, for an instruction count that no other work on the
machine disturbs: ``valgrind --tool=callgrind --callgrind-out-file=/dev/null python3 ...``
(its "Collected" line; subtract a run with 0 records for the start-up).
"""

import random
import statistics
import sys
import time
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(root / "clients/python"), str(root / "tests/bench/python-source")]

from opentelemetry import trace as api  # noqa: E402
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult  # noqa: E402
from opentelemetry.sdk.trace.sampling import ParentBasedTraceIdRatio  # noqa: E402

from bench_source import BenchTask  # noqa: E402
from polyconnect import tracing, wire  # noqa: E402


BATCH = 100
ENCODE = encode_spans


class Encode(SpanExporter):
    """What the OTLP exporter does to a batch, without the socket."""

    def __init__(self):
        self.spans = 0

    def export(self, spans):
        ENCODE(spans).SerializeToString()
        self.spans += len(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self):
        pass


class Context:
    def offset(self, _partition):
        return None


def run(records: int, ratio: float | None) -> tuple[float, int]:
    """CPU seconds for ``records`` records, and the spans exported."""
    exporter = None
    random.seed(20261122)  # the same trace and span ids, so the same sampled polls, every run
    if ratio is None:
        tracing._tracer = None
        tracing._fast = None
    else:
        exporter = Encode()
        provider = TracerProvider(sampler=ParentBasedTraceIdRatio(ratio),
                                  resource=Resource.create({"service.name": "bench"}))
        # The default queue (OTEL_BSP_MAX_QUEUE_SIZE); at 100 % spans beyond it are dropped.
        processor = BatchSpanProcessor(exporter, max_queue_size=2048, max_export_batch_size=512,
                                       schedule_delay_millis=500)
        provider.add_span_processor(processor)
        tracing._api = api
        tracing._tracer = provider.get_tracer("polyconnect")
        tracing._fast = None
        if hasattr(tracing, "_fast_path"):
            tracing._fast_path(provider, processor)
    task = BenchTask()
    task.context = Context()
    task.start({"topic": "bench", "records": str(records), "record.bytes": "100", "batch.size": str(BATCH)})
    encoder = wire.SourceRecordEncoder()
    seq = 0
    started = time.process_time()
    while True:
        batch = task.poll()
        if not batch:
            break
        pt = tracing.poll("bench", 0)
        if pt is None:
            for r in batch:
                seq += 1
                encoder.encode(r, seq)
        else:
            sampled, record = pt.sampled, pt.record
            for r in batch:
                seq += 1
                encoder.encode(r, seq, record(r) if sampled or r.trace else None)
            pt.end(len(batch))
    if exporter is not None:
        provider.force_flush()
        provider.shutdown()
    return time.process_time() - started, exporter.spans if exporter else 0


def main():
    global ENCODE
    # What the SDK's exporters encode with once tracing.setup() has run.
    try:
        from polyconnect import _otlp
        import opentelemetry.exporter.otlp.proto.http.trace_exporter as http
        _otlp.install()
        ENCODE = http.encode_spans
    except ImportError:
        pass
    if len(sys.argv) > 1 and sys.argv[1] == "--once":
        ratio = None if sys.argv[2] == "off" else float(sys.argv[2])
        seconds, exported = run(int(sys.argv[3]) if len(sys.argv) > 3 else 50_000, ratio)
        print(f"{sys.argv[2]}: {seconds:.3f} s CPU, {exported} spans")
        return
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    settings = [("off", None), ("sampled 1 %", 0.01), ("sampled 100 %", 1.0)]
    cpu = {name: [] for name, _ in settings}
    spans = {name: [] for name, _ in settings}
    for i in range(rounds):
        for name, ratio in settings:
            n = records if ratio != 1.0 else records // 10
            seconds, exported = run(n, ratio)
            cpu[name].append(seconds / n * 1e6)
            spans[name].append(exported / n)
            print(f"round {i + 1} {name:<14} {cpu[name][-1]:7.2f} µs/record  {spans[name][-1]:.4f} spans/record",
                  file=sys.stderr)
    off = statistics.median(cpu["off"])
    print(f"Python SDK, CPU per record (medians of {rounds} rounds, {records} records per run, a tenth at 100 %)")
    print("| tracing | CPU µs/record | vs off | spans/record |")
    print("|---|---|---|---|")
    for name, _ in settings:
        m = statistics.median(cpu[name])
        print(f"| {name} | {m:.2f} | {(m / off - 1) * 100:+.1f} % | {statistics.median(spans[name]):.4f} |")


if __name__ == "__main__":
    main()
