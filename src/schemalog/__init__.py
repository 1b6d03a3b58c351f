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

import importlib
from typing import TYPE_CHECKING, Any

from schemalog._version import __version__

if TYPE_CHECKING:
    from schemalog.catalog import Catalog, CatalogError, SchemaVersion, UnknownEventError
    from schemalog.config import configure, shutdown
    from schemalog.context import bound, current_context
    from schemalog.files import FileSink
    from schemalog.formatter import JsonFormatter
    from schemalog.logger import BoundLogger, get_logger
    from schemalog.pipeline import InvalidEventError
    from schemalog.settings import ConfigError
    from schemalog.sinks import Sink, StreamSink

#: Where each public name lives. They are imported on first use (PEP 562), so that the command
#: line, which needs only some of them, does not pay for the rest.
_PUBLIC: dict[str, str] = {
    "BoundLogger": "schemalog.logger",
    "Catalog": "schemalog.catalog",
    "CatalogError": "schemalog.catalog",
    "ConfigError": "schemalog.settings",
    "FileSink": "schemalog.files",
    "InvalidEventError": "schemalog.pipeline",
    "JsonFormatter": "schemalog.formatter",
    "SchemaVersion": "schemalog.catalog",
    "Sink": "schemalog.sinks",
    "StreamSink": "schemalog.sinks",
    "UnknownEventError": "schemalog.catalog",
    "bound": "schemalog.context",
    "configure": "schemalog.config",
    "current_context": "schemalog.context",
    "get_logger": "schemalog.logger",
    "shutdown": "schemalog.config",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'schemalog' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


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

    See ``schemalog.health.COUNTERS`` for what each one counts.
    """
    from schemalog.health import STATS

    return STATS.snapshot()


def reset_stats() -> None:
    """Set every counter back to zero."""
    from schemalog.health import STATS

    STATS.reset()
