"""The HTTP ingestion service (seed 000): events in over HTTP, validated, out to the sinks.

    schemalog serve --sink file:ingested.jsonl --sink postgresql://app@db/analytics --port 8080

``POST /v1/events`` takes a JSON array or NDJSON of events; each is validated against the
catalog, stamped with what its envelope lacks (``event_id``, ``received_at``, ...),
redacted, and written to the sinks; the answer says, per event, accepted (with its
``event_id``), duplicate, or rejected with the schema errors. ``GET /healthz``,
``GET /v1/schemas`` and ``GET /openapi.json`` describe the service. See docs/ingest.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemalog.ingest.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from schemalog.ingest.app import create_app

        return create_app
    raise AttributeError(f"module 'schemalog.ingest' has no attribute {name!r}")
