"""{{class}}: a transform that sends each record to `topic.prefix` + its topic and drops
records without a value (tombstones)."""
from polyconnect import ConfigDef, Importance, Transformation, Type, serve

DEFAULT_PREFIX = "transformed-"


class {{class}}(Transformation):
    version = "0.1.0"
    config_def = ConfigDef().define("topic.prefix", Type.STRING, default=DEFAULT_PREFIX,
                                    importance=Importance.HIGH,
                                    doc="Put before each record's topic")

    def configure(self, config):
        self.prefix = config.get("topic.prefix", DEFAULT_PREFIX)

    def apply(self, record):
        if record.value is None:
            return None  # dropped; an exception would fail the record (errors.tolerance, DLQ)
        return record.new_record(topic=self.prefix + record.topic)


if __name__ == "__main__":
    serve({{class}})
