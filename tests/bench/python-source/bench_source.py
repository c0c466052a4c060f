"""A source written with the Python SDK for `make bench`: `records` string values of
`record.bytes` bytes each (record number first), with a source offset per record, as a
real connector would send them."""

from polyconnect import (ConfigDef, Importance, Schema, SourceConnector, SourceRecord,
                         SourceTask, Type, serve)

PARTITION = {"source": "bench"}


class BenchTask(SourceTask):
    def start(self, config):
        self.topic = config["topic"]
        self.total = int(config.get("records", "0"))
        self.size = int(config.get("record.bytes", "100"))
        self.batch = int(config.get("batch.size", "2000"))
        stored = self.context.offset(PARTITION)
        self.sent = int(stored["n"]) if stored else 0
        self.pad = "x" * self.size

    def poll(self):
        if self.total and self.sent >= self.total:
            return None
        n = self.batch if not self.total else min(self.batch, self.total - self.sent)
        out = []
        for _ in range(n):
            self.sent += 1
            value = f"{self.sent:010d}" + self.pad[10:]
            out.append(SourceRecord(PARTITION, {"n": self.sent}, self.topic,
                                    value_schema=Schema.STRING_SCHEMA, value=value))
        return out


class BenchSource(SourceConnector):
    class_name = "BenchSource"
    version = "0.1.0"
    task_class = BenchTask
    config_def = (ConfigDef()
                  .define("topic", Type.STRING, importance=Importance.HIGH, doc="Topic")
                  .define("records", Type.LONG, default=0, importance=Importance.LOW, doc="Records to send, 0 = no end")
                  .define("record.bytes", Type.INT, default=100, importance=Importance.LOW, doc="Value size")
                  .define("batch.size", Type.INT, default=2000, importance=Importance.LOW, doc="Records per poll"))

    def start(self, config):
        self.config = dict(config)

    def task_configs(self, max_tasks):
        return [self.config]


if __name__ == "__main__":
    serve(BenchSource)
