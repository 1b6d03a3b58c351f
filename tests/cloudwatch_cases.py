"""Helpers shared by the metric-filter tests."""

from __future__ import annotations

from typing import Any

import pytest

from schemalog.cloudwatch import MetricFilter, PatternError, parse_pattern


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
