"""Storage: schemalog's lines in analytics tables, in DuckDB (embedded) or PostgreSQL.

    from schemalog.storage import load
    summary = load(["logs/events.jsonl.gz"], into="events.duckdb")
    summary = load(["-"], into="postgresql://app@db/analytics")

The tables are seed 001's ``analytics_events`` (the envelope in columns, the event's own
fields in ``metadata``, ``event_id`` unique) and ``analytics_metrics`` (one row per metric
value of schemalog's EMF lines), plus ``analytics_rejects`` (file, line, raw line, reason).
Loading is idempotent: an ``event_id`` already there is counted as a duplicate, not added.
The ``postgresql://`` sink (:mod:`schemalog.storage.sink`) writes the same tables live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemalog.storage.loader import LoadSummary, load

__all__ = ["LoadSummary", "load"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from schemalog.storage import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'schemalog.storage' has no attribute {name!r}")
