"""schemalog: JSON-schema-versioned structured events through stdlib logging.

    import schemalog

    schemalog.configure(service="chat-api", sinks=["stdout", "file:logs/events.jsonl"])
    log = schemalog.get_logger(__name__)
    with schemalog.bound(session_id=sid, user_id=uid):
        log.info("stream_completed", total_chunks=42)

Every call is stamped with the envelope, validated against its versioned schema in
``schemas/``, redacted, and written as one JSON line by the configured sinks.
"""

from __future__ import annotations

from schemalog._version import __version__
from schemalog.catalog import Catalog, CatalogError, SchemaVersion, UnknownEventError
from schemalog.config import configure, shutdown
from schemalog.context import bound, current_context
from schemalog.files import FileSink
from schemalog.formatter import JsonFormatter
from schemalog.logger import BoundLogger, get_logger
from schemalog.pipeline import InvalidEventError
from schemalog.settings import ConfigError
from schemalog.sinks import Sink, StreamSink
from schemalog.stats import STATS as _STATS

__all__ = [
    "BoundLogger",
    "Catalog",
    "CatalogError",
    "ConfigError",
    "FileSink",
    "InvalidEventError",
    "JsonFormatter",
    "SchemaVersion",
    "Sink",
    "StreamSink",
    "UnknownEventError",
    "__version__",
    "bound",
    "configure",
    "current_context",
    "get_logger",
    "reset_stats",
    "shutdown",
    "stats",
]


def stats() -> dict[str, int]:
    """Return schemalog's counters: emitted, invalid (kept, dropped, raised), sink errors...

    See ``schemalog.stats.COUNTERS`` for what each one counts.
    """
    return _STATS.snapshot()


def reset_stats() -> None:
    """Set every counter back to zero."""
    _STATS.reset()
