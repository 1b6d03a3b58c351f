"""Helpers shared by the metric-filter tests."""

from __future__ import annotations

import pytest

from schemalog.cloudwatch import PatternError, parse_pattern


def assert_rejected(text: str, position: int, reason: str) -> None:
    """Assert that parsing ``text`` raises PatternError at ``position`` mentioning ``reason``."""
    with pytest.raises(PatternError) as caught:
        parse_pattern(text)
    assert caught.value.position == position, caught.value
    assert reason in caught.value.reason, caught.value
