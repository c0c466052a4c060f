"""Logging: one line per event on stderr, tagged with the connector and task.

The SDK sets the tag for everything that runs on behalf of a connector or task (its
coroutines and its thread), so a connector's own ``logging.getLogger(__name__)`` lines
carry it too.
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys

__all__ = ["setup_logging", "log_context", "set_log_context"]

_CONTEXT: contextvars.ContextVar[str] = contextvars.ContextVar("polyconnect_log_context", default="-")


def log_context() -> str:
    return _CONTEXT.get()


def set_log_context(connector: str | None, task_id: int | None = None) -> None:
    """Tags log lines from the current task (and what it starts) with the connector
    name and task id."""
    if not connector:
        return
    _CONTEXT.set(connector if task_id is None else f"{connector}|task-{task_id}")


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "pc"):
            record.pc = _CONTEXT.get()
        return True


class OneLineFormatter(logging.Formatter):
    """Keeps each event on one line: newlines (in messages and tracebacks) become ``\\n``."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "").replace("\n", "\\n")


def setup_logging(level: str | int | None = None) -> None:
    """Logs to stderr unless the application already configured logging. The level comes
    from ``level``, else ``POLYCONNECT_LOG_LEVEL``, else INFO."""
    root = logging.getLogger()
    if level is None:
        level = os.environ.get("POLYCONNECT_LOG_LEVEL", "INFO").upper()
    if root.handlers:
        for h in root.handlers:
            h.addFilter(_ContextFilter())
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter())
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s [%(pc)s] %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
