"""{{class}}: a source connector that writes `count` orders as structured records."""
import time

from polyconnect import (ConfigDef, Importance, Range, Schema, SchemaBuilder, SourceConnector,
                         SourceRecord, SourceTask, Struct, Type, serve)

# One source partition; its offset is the next sequence number, so a restart resumes.
PARTITION = {"source": "{{name}}"}

ORDER = (SchemaBuilder.struct().name("{{name}}.Order")
         .field("seq", Schema.INT64_SCHEMA)
         .field("customer", Schema.STRING_SCHEMA)
         .field("amount", Schema.FLOAT64_SCHEMA)
         .field("express", Schema.BOOLEAN_SCHEMA)
         .build())


def order(seq: int) -> Struct:
    """The record value for sequence number `seq`."""
    return Struct(ORDER, seq=seq, customer=f"customer-{seq % 10}", amount=seq * 0.25,
                  express=seq % 3 == 0)


class {{class}}Task(SourceTask):
    def start(self, config):
        self.topic = config["topic"]
        self.count = int(config.get("count", "1000"))
        stored = self.context.offset(PARTITION)
        self.next = int(stored["seq"]) if stored else 0

    def poll(self):
        if self.next >= self.count:
            time.sleep(0.5)  # all written: idle (heartbeats go on)
            return None
        records = []
        while self.next < self.count and len(records) < 500:
            seq = self.next
            self.next += 1
            records.append(SourceRecord(PARTITION, {"seq": self.next}, self.topic,
                                        key_schema=Schema.STRING_SCHEMA, key=str(seq),
                                        value_schema=ORDER, value=order(seq)))
        return records

    def stop(self):
        pass


class {{class}}(SourceConnector):
    class_name = "{{class}}"
    version = "0.1.0"
    config_def = (ConfigDef()
                  .define("topic", Type.STRING, importance=Importance.HIGH,
                          doc="The topic to write to")
                  .define("count", Type.LONG, default=1000, validator=Range.at_least(0),
                          importance=Importance.MEDIUM, doc="How many records to write"))
    task_class = {{class}}Task


if __name__ == "__main__":
    serve({{class}})
