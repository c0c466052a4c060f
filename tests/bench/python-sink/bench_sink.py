"""A sink written with the Python SDK for `make bench`: reads each record's value (adds its
length to a counter) and discards it. Everything put is durable, so flush commits the
offsets it was given. The SDK's default max_inflight_puts."""

from polyconnect import SinkConnector, SinkTask, serve


class BenchSinkTask(SinkTask):
    def start(self, config):
        self.bytes = 0

    def put(self, records):
        for r in records:
            v = r.value
            self.bytes += len(v) if v is not None else 0

    def flush(self, offsets):
        pass  # nothing buffered: the offsets given are durable


class PyBenchSink(SinkConnector):
    class_name = "PyBenchSink"
    version = "0.1.0"
    task_class = BenchSinkTask

    def start(self, config):
        self.config = dict(config)

    def task_configs(self, max_tasks):
        return [self.config] * max_tasks


if __name__ == "__main__":
    serve(PyBenchSink)
