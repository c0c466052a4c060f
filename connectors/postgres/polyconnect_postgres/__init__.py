"""Polyconnect's PostgreSQL sink connector.

- ``config.py``: the configuration keys (Confluent JDBC sink names) and their checks.
- ``schema.py``: records to rows: tables, columns and PostgreSQL types, primary keys.
- ``writer.py``: the connection, CREATE/ALTER TABLE, the transaction of each put.
- ``sink.py``: PostgresSink and its task.
- ``__main__.py``: ``python3 -m polyconnect_postgres`` serves it.
"""

__version__ = "0.1.0"

from .sink import PostgresSink, PostgresSinkTask  # noqa: E402

__all__ = ["PostgresSink", "PostgresSinkTask", "__version__"]
