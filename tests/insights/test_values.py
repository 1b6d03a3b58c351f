"""Field lookup, comparison, arithmetic and truth of single values."""

from __future__ import annotations

import pytest

from schemalog.insights.values import (
    Moment,
    arithmetic,
    compare,
    lookup,
    number,
    text,
    timestamp_ms,
    truth,
)


def test_lookup_prefers_the_key_then_walks_nested_objects_and_lists() -> None:
    """``a.b`` is a flat key when there is one, else a path; ``a.1`` indexes a list."""
    row = {"a.b": 1, "a": {"b": 2, "c": [5, 6]}}
    assert lookup(row, "a.b") == 1
    assert lookup(row, "a.c.1") == 6
    assert lookup(row, "a.c.9") is None
    assert lookup(row, "z.y") is None


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("=", 5, "5", True),
        ("<", "10", 9, False),
        ("<", "apple", "banana", True),
        ("=", True, "true", True),
        ("!=", None, "x", False),
        ("=", None, None, False),
        (">=", 2.5, 2.5, True),
    ],
)
def test_compare(op: str, left: object, right: object, expected: bool) -> None:
    """Numbers compare as numbers, text as text, and anything absent is false."""
    assert compare(op, left, right) is expected


def test_arithmetic_and_number_coercion() -> None:
    """Numeric strings compute; text, absent values and division by zero give None."""
    assert arithmetic("+", "2", 3) == 5
    assert arithmetic("^", 2, 3) == 8
    assert arithmetic("%", 10, 3) == 1
    assert arithmetic("/", 1, 0) is None
    assert arithmetic("*", "x", 2) is None
    assert arithmetic("^", 10.0, 1000) is None  # overflow
    assert arithmetic("^", -8, 0.5) is None  # not a real number
    assert number(True) is None and number("1e3") == 1000.0 and number("7") == 7


def test_text_and_truth() -> None:
    """Booleans spell as JSON does; absent, false, 0, "" and "false" are not true."""
    assert text(False) == "false" and text(3.0) == "3" and text(2.5) == "2.5"
    assert [truth(v) for v in (None, False, 0, "", "false", 1, "x")] == [False] * 5 + [True] * 2


def test_timestamps_read_rfc3339_and_print_as_aws_does() -> None:
    """``@timestamp`` is epoch milliseconds and prints as ``YYYY-MM-DD HH:MM:SS.mmm``."""
    moment = timestamp_ms("1970-01-02T00:00:01.250Z")
    assert moment == 86_401_250
    assert str(moment) == "1970-01-02 00:00:01.250"
    assert timestamp_ms("1970-01-01T01:00:00+01:00") == 0
    assert timestamp_ms("yesterday") is None and timestamp_ms(5) is None
    assert isinstance(moment, Moment) and moment - 250 == 86_401_000
