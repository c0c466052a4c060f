"""Polyconnect's Python SDK: write Kafka Connect connectors in Python.

A connector is a few classes and one call::

    from polyconnect import SourceConnector, SourceTask, SourceRecord, Schema, serve

    class CounterTask(SourceTask):
        def start(self, config): self.n = 0
        def poll(self):
            self.n += 1
            return [SourceRecord({"counter": "c"}, {"n": self.n}, "counts",
                                 value_schema=Schema.INT64_SCHEMA, value=self.n)]

    class Counter(SourceConnector):
        task_class = CounterTask

    if __name__ == "__main__":
        serve(Counter)

Flow control, batching, acknowledgements, heartbeats, the handshake and typed errors are
the SDK's job (see ``clients/python/README.md``).
"""

__version__ = "1.0.0"

from .config import (  # noqa: E402
    NO_DEFAULT,
    ConfigDef,
    Importance,
    NonEmptyString,
    Range,
    Type,
    ValidList,
    ValidString,
    Width,
)
from .connector import (  # noqa: E402
    ConnectorContext,
    SinkConnector,
    SinkTask,
    SinkTaskContext,
    SourceConnector,
    SourceTask,
    SourceTaskContext,
    TransactionContext,
    ExactlyOnceSupport,
    ConnectorTransactionBoundaries,
)
from .data import (  # noqa: E402
    Date,
    Decimal,
    Field,
    Schema,
    SchemaBuilder,
    SchemaType,
    Struct,
    Time,
    Timestamp,
)
from .transform import ConnectRecord, Predicate, Transformation  # noqa: E402
from .errors import ConfigError, ConnectError, DataError, RetriableError  # noqa: E402
from .records import (  # noqa: E402
    Header,
    RawBytes,
    RecordMetadata,
    SinkRecord,
    SourceRecord,
    TopicPartition,
    TraceContext,
)
from .server import serve  # noqa: E402

__all__ = [
    "__version__",
    # transforms and predicates
    "ConnectRecord",
    "Transformation",
    "Predicate",
    # connectors and tasks
    "SourceConnector",
    "SinkConnector",
    "SourceTask",
    "SinkTask",
    "ConnectorContext",
    "SourceTaskContext",
    "SinkTaskContext",
    "TransactionContext",
    "ExactlyOnceSupport",
    "ConnectorTransactionBoundaries",
    "serve",
    # records
    "SourceRecord",
    "SinkRecord",
    "RawBytes",
    "Header",
    "RecordMetadata",
    "TopicPartition",
    "TraceContext",
    # data
    "Schema",
    "SchemaType",
    "SchemaBuilder",
    "Field",
    "Struct",
    "Decimal",
    "Date",
    "Time",
    "Timestamp",
    # config
    "ConfigDef",
    "Type",
    "Importance",
    "Width",
    "Range",
    "ValidString",
    "NonEmptyString",
    "ValidList",
    "NO_DEFAULT",
    # errors
    "ConnectError",
    "RetriableError",
    "ConfigError",
    "DataError",
]
