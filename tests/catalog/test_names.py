"""Tests for schemalog.catalog.names: event types and versions, as the patterns they replace."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemalog.catalog.names import Version, is_event_type


def test_version_order() -> None:
    """Versions compare numerically, not as text."""
    assert Version.parse("1.10.0") > Version.parse("1.9.9")
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        Version.parse("01.0.0")
    assert sorted([Version(2, 0, 0), Version(1, 10, 0), Version(1, 9, 9)])[0] == Version(1, 9, 9)
    assert str(Version.parse("1.10.0")) == "1.10.0"
    assert repr(Version(1, 2, 3)) == "Version(major=1, minor=2, patch=3)"


#: The patterns the string checks replace, as they were written.
EVENT_TYPE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)\Z")
names = st.text(st.sampled_from("az09_A.-\u00e9\u0661\n"), max_size=8)


@given(names | st.sampled_from(["a", "a_1", "a__b", "a_", "_a", "1a", "cache_miss", "A"]))
def test_is_event_type_is_the_pattern(name: str) -> None:
    """A name is a snake_case event type exactly when the pattern matches it."""
    assert is_event_type(name) == bool(EVENT_TYPE.match(name))


@given(
    names | st.sampled_from(["1.0.0", "01.0.0", "1.10.0", "0.0.0", "1.0", "1.0.0.0", "1.0.\u0661"])
)
def test_version_parse_is_the_pattern(text: str) -> None:
    """A version parses exactly when the pattern matches it, to the numbers it holds."""
    match = VERSION.match(text)
    if match is None:
        with pytest.raises(ValueError, match="MAJOR"):
            Version.parse(text)
    else:
        assert Version.parse(text) == Version(*(int(part) for part in match.groups()))
