"""Request bodies: JSON arrays and NDJSON; sensitive fields redacted before the sinks."""

from __future__ import annotations

import json

import pytest

from schemalog._core.redact import Redactor
from schemalog.catalog.load import Catalog
from schemalog.ingest.intake import BodyError, Intake, parse_body
from tests.conftest import SCHEMAS, LineCollector


def test_parse_body_forms() -> None:
    """Arrays, NDJSON (blank lines skipped) and one object all give a list of events."""
    assert parse_body(b' [{"a": 1}, {"b": 2}]') == [{"a": 1}, {"b": 2}]
    assert parse_body(b'{"a": 1}\n\n{"b": 2}\n') == [{"a": 1}, {"b": 2}]
    with pytest.raises(BodyError, match="NDJSON line 3"):
        parse_body(b'{"a": 1}\n\n{"b": \n')


def test_sensitive_fields_are_redacted() -> None:
    """A field the schema marks x-sensitive reaches the sink redacted, as the logger does."""
    catalog = Catalog.load(SCHEMAS)
    sensitive = next(
        (name, version, field)
        for name in catalog
        for version in catalog.versions(name)
        for field, spec in version.schema["properties"].items()
        if spec.get("x-sensitive") in {"hash", "mask"}
        and spec.get("type") == "string"
        and not version.schema.get("x-context")
    )
    name, version, field = sensitive
    collector = LineCollector()
    intake = Intake(catalog, [collector], Redactor())
    event = dict(version.schema["examples"][0]) if version.schema.get("examples") else {}
    event.update({"event_type": name, field: "alice@example.com"})
    [result] = intake.take([event], "test")
    assert result["status"] == "accepted", result
    [line] = collector.lines
    assert "alice@example.com" not in line
    assert json.loads(line)[field] != "alice@example.com"
