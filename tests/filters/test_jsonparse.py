"""Parsing JSON patterns: AWS's quotas and rejections, each naming the position."""

from __future__ import annotations

import pytest

from schemalog.exceptions import PatternError
from schemalog.filters.jsonparse import parse_selector
from tests.filters.cases import assert_rejected
from tests.filters.test_jsonpattern import json_pattern


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("{ $.a EXISTS }", 7, "EXISTS is not supported"),
        ("{ $.a IS NOT NULL }", 10, "IS NOT"),
        ("{ $.a IS EMPTY }", 10, "NULL, TRUE or FALSE"),
        ("{ $.a NOT THERE }", 7, "followed by EXISTS"),
        ("{ $.a = %x% || $.b = %y% || $.c = %z% }", 35, "more than 2 %regex%"),
        ("{ $.*.b[*] = 1 }", 3, "one wildcard"),
        ("{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 || $.d[*] = 1 }", 44, "3 wildcard selectors"),
        ("{ $.a = 1 ", 9, "must end with '}'"),
        ("{ }", 3, "empty JSON pattern"),
        ("{ ($.a = 1 }", 12, "missing ')'"),
        ("{ $.a }", 7, "comparison operator"),
        ("{ $.a = }", 9, "expected a value"),
        ("{ a = 1 }", 3, "selector"),
        ("{ $ = 1 }", 3, "needs a field"),
        ("{ $. = 1 }", 5, "field name"),
        ("{ $.a[x] = 1 }", 7, "array index"),
        ("{ $.a = 1 $.b = 2 }", 11, "expected '&&'"),
        ('{ $.a > "x" }', 9, "needs a number"),
        ('{ $.a = b"c }', 10, "quote inside"),
        ("{ $.a = %(x)% }", 10, "parentheses"),
        ("{ $.a == 1 }", 8, "expected a value"),
        ("{ " + "(" * 500 + "$.a = 1" + ")" * 500 + " }", 103, "nested more than 100 deep"),
    ],
)
def test_rejections(text: str, position: int, reason: str) -> None:
    """Malformed or unsupported JSON patterns raise PatternError at the right position."""
    assert_rejected(text, position, reason)


def test_two_regexes_are_allowed() -> None:
    """AWS allows two regexes in one JSON pattern."""
    assert json_pattern("{ $.a = %x% && $.b = %y% }").regex_count == 2


def test_parse_selector_alone() -> None:
    """parse_selector() reads one whole selector and names the position of anything after it."""
    assert parse_selector("$.a.b[0]").steps == ("a", "b", 0)
    with pytest.raises(PatternError) as caught:
        parse_selector("$.a = 1")
    assert caught.value.position == 5
