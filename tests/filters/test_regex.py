"""`%regex%` patterns: AWS's character whitelist, escapes, search semantics and quotas."""

from __future__ import annotations

import pytest

from schemalog.filters import parse_pattern
from tests.filters.cases import assert_rejected


def test_regex_is_a_search_not_a_full_match() -> None:
    """`%AUTHORIZED%` matches UNAUTHORIZED, as AWS's example says."""
    pattern = parse_pattern("%AUTHORIZED%")
    assert pattern.matches("[ERROR 401] UNAUTHORIZED REQUEST")
    assert pattern.matches("[SUCCESS 200] AUTHORIZED REQUEST")
    assert not pattern.matches("authorized")


def test_alternation_has_the_lowest_precedence() -> None:
    """`%gra|ey%` is gra OR ey; anchors apply to each alternative."""
    assert parse_pattern("%gra|ey%").matches("grey")
    assert parse_pattern("%gra|ey%").matches("grab")
    anchored = parse_pattern("%^starting|^initializing|^shutting down%")
    assert anchored.matches("shutting down now")
    assert not anchored.matches("now shutting down")


def test_bounded_repeat_is_unanchored_unless_anchored() -> None:
    """`%a{3,5}%` is found inside aaaaaa (AWS's "only" holds when anchored)."""
    assert parse_pattern("%a{3,5}%").matches("aaaaaa")
    assert not parse_pattern("%^a{3,5}$%").matches("aaaaaa")
    assert parse_pattern("%^a{3,5}$%").matches("aaaa")


def test_escapes() -> None:
    r"""\x hex escapes, escaped operators and the class escapes \d \s \w work."""
    assert parse_pattern(r"%\x3A%").matches("a:b")
    assert parse_pattern(r"%\x28%").matches("f(x)")
    assert parse_pattern(r"%10\.10\.0\.1%").matches("from 10.10.0.1")
    assert not parse_pattern(r"%10\.10\.0\.1%").matches("from 10a10b0c1")
    assert parse_pattern(r"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%").matches("ip 192.168.0.1")
    assert parse_pattern(r"%user\s\w+%").matches("user bob")


def test_character_classes() -> None:
    """Ranges and negated classes, as in AWS's `ab[^c]` example."""
    pattern = parse_pattern("%abcc|ab[^c]$%")
    assert pattern.matches("xabd")
    assert pattern.matches("abcc")
    assert not pattern.matches("abc")
    assert parse_pattern("%[Ee]rror|[Ff]ail%").matches("Failed")


def test_dollar_is_the_end_of_the_value() -> None:
    """`$` anchors at the very end, not before a final newline."""
    assert not parse_pattern("%done$%").matches("done\n")
    assert parse_pattern("%done$%").matches("all done")


def test_matching_is_ascii_for_class_escapes() -> None:
    r"""\d matches ASCII digits only."""
    assert not parse_pattern(r"%^\d$%").matches("٣")


@pytest.mark.parametrize(
    ("pattern", "position", "reason"),
    [
        ("%something!%", 11, "'!' is not supported"),
        ("%(a)%", 2, "parentheses"),
        ("%é%", 2, "multi-byte"),
        ("%a\\n%", 3, "unsupported escape"),
        ("%\\x4%", 2, "two hex digits"),
        ("%\\xff%", 2, "not an ASCII"),
        ("%abc\\%", 5, "cannot end with a backslash"),
        ("%%", 2, "empty"),
        ("%*a%", 2, "invalid %regex%"),
        ("%abcc|ab[^c]$", 1, "unterminated"),
    ],
)
def test_rejections(pattern: str, position: int, reason: str) -> None:
    """What AWS rejects raises PatternError at the offending character."""
    assert_rejected(pattern, position, reason)


def test_allowed_symbols_and_space_compile() -> None:
    """Every whitelisted symbol, and a space, is accepted."""
    assert parse_pattern("%a:b_c#d=e@f/g;h,i-j k%").matches("a:b_c#d=e@f/g;h,i-j k")


def test_standalone_regex_counts_once() -> None:
    """A standalone regex pattern holds one regex (for the per-log-group quota)."""
    assert parse_pattern("%x%").regex_count == 1
    assert parse_pattern("x").regex_count == 0
