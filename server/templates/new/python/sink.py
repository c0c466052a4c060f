"""{{class}}: a sink connector that appends each record it receives to a file, one line each."""
import os
import sys

from polyconnect import ConfigDef, Importance, SinkConnector, SinkTask, Struct, Type, serve


def show(value) -> str:
    if isinstance(value, Struct):
        return " ".join(f"{f.name}={show(value.get(f.name))}" for f in value.schema.fields)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe(record) -> str:
    """One line for a record: where it came from, then its value (a struct field by field)."""
    return f"{record.topic}-{record.kafka_partition}@{record.kafka_offset} {show(record.value)}"


class {{class}}Task(SinkTask):
    def start(self, config):
        path = config.get("file", "")
        self.out = open(path, "a", encoding="utf-8") if path else sys.stdout

    def put(self, records):
        for r in records:
            self.out.write(describe(r) + "\n")

    def flush(self, offsets):
        # Everything put so far is made durable; then the core commits these offsets.
        self.out.flush()
        if self.out is not sys.stdout:
            os.fsync(self.out.fileno())

    def stop(self):
        if getattr(self, "out", sys.stdout) is not sys.stdout:
            self.out.close()


class {{class}}(SinkConnector):
    class_name = "{{class}}"
    version = "0.1.0"
    config_def = ConfigDef().define("file", Type.STRING, default="", importance=Importance.HIGH,
                                    doc="The file to append to; empty: stdout")
    task_class = {{class}}Task


if __name__ == "__main__":
    serve({{class}})
