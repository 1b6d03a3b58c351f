"""The OpenAPI 3.1 description of the ingestion service (``GET /openapi.json``)."""

from __future__ import annotations

from typing import Any

from schemalog._version import __version__

_ERROR: dict[str, Any] = {
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"error": {"type": "string"}}}
        }
    }
}
_RESULT: dict[str, Any] = {
    "type": "object",
    "required": ["index", "status"],
    "properties": {
        "index": {"type": "integer", "description": "The event's place in the request."},
        "status": {"enum": ["accepted", "duplicate", "rejected"]},
        "event_id": {"type": "string", "description": "The stored (or stamped) event_id."},
        "errors": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Why it was rejected: '$.path: reason' strings.",
        },
    },
}
_EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["event_type"],
    "description": "One event: event_type, the event's fields, optional envelope fields.",
    "additionalProperties": True,
}
_RESULTS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "accepted": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "rejected": {"type": "integer"},
        "results": {"type": "array", "items": _RESULT},
    },
}


def openapi(max_body_bytes: int, max_events: int) -> dict[str, Any]:
    """Return the service's OpenAPI document, with its limits."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "schemalog ingestion service", "version": __version__},
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            "/v1/events": {"post": _post_events(max_body_bytes, max_events)},
            "/v1/schemas": _get(
                "The catalog: every event type's versions and JSON Schemas.", "The catalog."
            ),
            "/healthz": _get("Liveness.", "The service is up."),
        },
    }


def _post_events(max_body_bytes: int, max_events: int) -> dict[str, Any]:
    """Return the ``POST /v1/events`` operation: its body, with the limits, and its answers."""
    return {
        "summary": "Send events: validated, stamped, written to the sinks.",
        "security": [{"apiKey": []}],
        "requestBody": {
            "description": (
                f"A JSON array or NDJSON of at most {max_events} events,"
                f" at most {max_body_bytes} bytes."
            ),
            "content": {
                "application/json": {"schema": {"type": "array", "items": _EVENT}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        },
        "responses": {
            "200": {
                "description": "One result per event.",
                "content": {"application/json": {"schema": _RESULTS}},
            },
            "400": {"description": "A malformed body, with the position.", **_ERROR},
            "401": {"description": "No valid API key.", **_ERROR},
            "413": {"description": "Body or event count past the limit.", **_ERROR},
            "429": {"description": "The key's rate limit; see Retry-After.", **_ERROR},
        },
    }


def _get(summary: str, answer: str) -> dict[str, Any]:
    """Return a ``GET`` path item that needs no key and answers 200."""
    return {"get": {"summary": summary, "responses": {"200": {"description": answer}}}}
