"""Your first transform: upper-cases string values, and a predicate on the value's length."""
from polyconnect import ConfigDef, Importance, Predicate, Transformation, Type, serve


class Upper(Transformation):
    aliases = ["com.example.Upper"]
    version = "1.0.0"
    config_def = ConfigDef().define("suffix", Type.STRING, default="", importance=Importance.LOW)

    def configure(self, config):
        self.suffix = config.get("suffix", "")

    def apply(self, record):
        if record.value == "drop":
            return None  # dropped
        if not isinstance(record.value, str):
            raise ValueError(f"not a string: {record.value!r}")  # a record error
        return record.new_record(value=record.value.upper() + self.suffix)


class LongValue(Predicate):
    def test(self, record):
        return isinstance(record.value, str) and len(record.value) > 10


if __name__ == "__main__":
    serve(Upper, LongValue)
