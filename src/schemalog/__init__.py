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
    from schemalog._core.configure import configure, shutdown
    from schemalog._core.context import bound, current_context
    from schemalog._core.event import Event
    from schemalog._core.formatter import JsonFormatter
    from schemalog._core.logger import BoundLogger, get_logger
    from schemalog.catalog.load import Catalog, SchemaVersion
    from schemalog.exceptions import (
        CatalogError,
        ConfigError,
        InvalidEventError,
        ProcessorError,
        SchemalogError,
        UnknownEventError,
    )
    from schemalog.sinks.base import Sink
    from schemalog.sinks.file import FileSink
    from schemalog.sinks.stream import StreamSink

#: Where each public name lives. They are imported on first use (PEP 562), so that the command
#: line, which needs only some of them, does not pay for the rest.
_PUBLIC: dict[str, str] = {
    "BoundLogger": "schemalog._core.logger",
    "Catalog": "schemalog.catalog.load",
    "CatalogError": "schemalog.exceptions",
    "ConfigError": "schemalog.exceptions",
    "Event": "schemalog._core.event",
    "FileSink": "schemalog.sinks.file",
    "InvalidEventError": "schemalog.exceptions",
    "JsonFormatter": "schemalog._core.formatter",
    "ProcessorError": "schemalog.exceptions",
    "SchemaVersion": "schemalog.catalog.load",
    "SchemalogError": "schemalog.exceptions",
    "Sink": "schemalog.sinks.base",
    "StreamSink": "schemalog.sinks.stream",
    "UnknownEventError": "schemalog.exceptions",
    "bound": "schemalog._core.context",
    "configure": "schemalog._core.configure",
    "current_context": "schemalog._core.context",
    "get_logger": "schemalog._core.logger",
    "shutdown": "schemalog._core.configure",
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
    "Event",
    "FileSink",
    "InvalidEventError",
    "JsonFormatter",
    "ProcessorError",
    "SchemaVersion",
    "SchemalogError",
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

    See ``schemalog._core.stats.COUNTERS`` for what each one counts.
    """
    from schemalog._core.stats import STATS

    return STATS.snapshot()


def reset_stats() -> None:
    """Set every counter back to zero."""
    from schemalog._core.stats import STATS

    STATS.reset()
