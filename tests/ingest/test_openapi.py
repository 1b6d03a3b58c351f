"""Tests for schemalog.ingest.openapi: the service's OpenAPI document and its limits."""

from __future__ import annotations

import hashlib
import json

from schemalog._version import __version__
from schemalog.ingest.openapi import openapi

#: sha256 of the document for limits (1048576, 1000), ``info.version`` set to "VERSION",
#: taken before ``openapi`` was split into named parts: the split did not change it.
PINNED = "2bb4fe75c40a1361b7dae5f07a5de75ab80d1176619f76f424d50462086b7992"


def test_document_is_unchanged_by_the_split() -> None:
    """The document equals, byte for byte as sorted JSON, the one written before the split."""
    document = openapi(1_048_576, 1000)
    assert document["info"]["version"] == __version__
    document["info"]["version"] = "VERSION"
    text = json.dumps(document, sort_keys=True)
    assert hashlib.sha256(text.encode()).hexdigest() == PINNED


def test_limits_are_written_into_the_request_body() -> None:
    """The request body's description states the configured event count and byte limits."""
    post = openapi(2048, 7)["paths"]["/v1/events"]["post"]
    assert post["requestBody"]["description"] == (
        "A JSON array or NDJSON of at most 7 events, at most 2048 bytes."
    )
    assert set(post["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}


def test_only_sending_events_needs_the_key() -> None:
    """POST /v1/events requires the bearer key; the catalog and the health check do not."""
    document = openapi(1, 1)
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    paths = document["paths"]
    assert paths["/v1/events"]["post"]["security"] == [{"apiKey": []}]
    for path in ("/v1/schemas", "/healthz"):
        assert "security" not in paths[path]["get"]
        assert set(paths[path]["get"]["responses"]) == {"200"}


def test_every_error_answer_has_a_json_error_body() -> None:
    """Each 4xx answer of POST /v1/events describes an ``{"error": string}`` body."""
    responses = openapi(1, 1)["paths"]["/v1/events"]["post"]["responses"]
    assert set(responses) == {"200", "400", "401", "413", "429"}
    for status in ("400", "401", "413", "429"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema["properties"] == {"error": {"type": "string"}}
    results = responses["200"]["content"]["application/json"]["schema"]["properties"]["results"]
    assert results["items"]["properties"]["status"]["enum"] == ["accepted", "duplicate", "rejected"]
