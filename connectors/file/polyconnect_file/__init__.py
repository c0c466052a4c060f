"""Polyconnect's file connectors, the counterparts of Kafka Connect's FileStream connectors.

- ``source.py``: FileStreamSource, tails a file (or standard input) line by line.
- ``sink.py``: FileStreamSink, appends record values as lines to a file (or standard output).
- ``__main__.py``: ``python3 -m polyconnect_file`` serves both.
"""

__version__ = "0.1.0"

from .sink import FileStreamSink, FileStreamSinkTask  # noqa: E402
from .source import FileStreamSource, FileStreamSourceTask  # noqa: E402

__all__ = ["FileStreamSource", "FileStreamSourceTask", "FileStreamSink", "FileStreamSinkTask", "__version__"]
