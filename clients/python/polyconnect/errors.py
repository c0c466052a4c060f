"""Exceptions a connector raises; the SDK turns them into the protocol's typed errors.

- :class:`RetriableError`: RETRIABLE, with an optional back-off hint. From a sink's
  ``put`` it asks the core to deliver the same records again; from a source's ``poll``
  the SDK waits and polls again.
- :class:`ConfigError`: CONFIG, the task or connector fails and the message names the
  setting.
- any other exception: FATAL, with the exception's type name and traceback.
"""

from __future__ import annotations

__all__ = ["ConnectError", "RetriableError", "ConfigError", "DataError"]


class ConnectError(Exception):
    """Base class of the SDK's exceptions (Kafka Connect's ConnectException)."""


class RetriableError(ConnectError):
    """A temporary failure: the operation may succeed if tried again.

    ``retry_after_ms`` is a hint of how long to wait; 0 leaves it to the core."""

    def __init__(self, message: str = "", retry_after_ms: int = 0):
        super().__init__(message)
        self.retry_after_ms = int(retry_after_ms)


class ConfigError(ConnectError):
    """An invalid configuration (Kafka's ConfigException)."""


class DataError(ConnectError, ValueError):
    """A value that does not match its schema, or a schema that is malformed."""
