"""Helpers shared by the metric-filter tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.exceptions import PatternError
from schemalog.filters import MetricFilter, parse_pattern


def metric(name: str, pattern: str, value: str = "1", **extra: Any) -> MetricFilter:
    """Return a filter named ``name`` (metric name too) in namespace ``t``."""
    transformation = {"metricName": name, "metricNamespace": "t", "metricValue": value, **extra}
    return MetricFilter.from_dict(
        {"filterName": name, "filterPattern": pattern, "metricTransformations": [transformation]}
    )


def assert_rejected(text: str, position: int, reason: str) -> None:
    """Assert that parsing ``text`` raises PatternError at ``position`` mentioning ``reason``."""
    with pytest.raises(PatternError) as caught:
        parse_pattern(text)
    assert caught.value.position == position, caught.value
    assert reason in caught.value.reason, caught.value


def write_catalog(root: Path, events: dict[str, dict[str, Any]]) -> Path:
    """Write a small catalog: one ``1.0.0`` schema per event type with the given properties."""
    for event_type, properties in events.items():
        folder = root / event_type
        folder.mkdir(parents=True)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://schemalog.dev/schemas/{event_type}/1.0.0",
            "description": f"The {event_type} event.",
            "type": "object",
            "properties": {
                name: {"description": name, **spec} for name, spec in properties.items()
            },
            "additionalProperties": False,
        }
        (folder / "1.0.0.json").write_bytes(orjson.dumps(schema))
    return root
