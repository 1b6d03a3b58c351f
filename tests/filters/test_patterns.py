"""parse_pattern's dispatch, its limits, and property tests: it never crashes."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalog.exceptions import PatternError
from schemalog.filters import Pattern, parse_pattern
from schemalog.filters.base import MatchAll
from schemalog.filters.delimited import DelimitedPattern
from schemalog.filters.jsonpattern import JsonPattern
from schemalog.filters.patterns import RegexPattern
from schemalog.filters.terms import TermsPattern


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", MatchAll),
        ("   ", MatchAll),
        ('" "', MatchAll),
        ('""', MatchAll),
        ("  { $.a = 1 }  ", JsonPattern),
        ("[a, b]", DelimitedPattern),
        ("%ab%", RegexPattern),
        ("ERROR", TermsPattern),
        ("?ERROR", TermsPattern),
    ],
)
def test_first_character_decides_the_kind(text: str, kind: type[Pattern]) -> None:
    """Blank and quoted-blank patterns match all; { [ % pick JSON, delimited, regex."""
    assert isinstance(parse_pattern(text), kind)


def test_empty_pattern_matches_everything() -> None:
    """The empty pattern matches any message, even an empty one."""
    pattern = parse_pattern("")
    assert pattern.matches("")
    assert pattern.extract("x") == {}


def test_length_limit() -> None:
    """1024 characters are allowed; 1025 are rejected at position 1025."""
    assert parse_pattern("a" * 1024).matches("a" * 1024)
    with pytest.raises(PatternError) as caught:
        parse_pattern("a" * 1025)
    assert caught.value.position == 1025


def test_pattern_error_is_a_value_error() -> None:
    """PatternError is a ValueError whose text gives the position and the reason."""
    with pytest.raises(ValueError, match=r"position 1: unterminated"):
        parse_pattern('"open')


def test_non_string_is_rejected() -> None:
    """Only text is a pattern."""
    with pytest.raises(PatternError):
        parse_pattern(42)  # type: ignore[arg-type]


_PIECES = [
    "$.a", "$.b[0]", "$.*", "$.c[*]", "$['k.x']", "=", "!=", "<", ">=", "&&", "||", "(", ")",
    "{", "}", "[", "]", ",", "...", "%a.b%", "%", '"x y"', '"', "*", "4*", "1e3", "-2",
    "IS", "NULL", "TRUE", "NOT", "EXISTS", "?", "-", "ERROR", "w1", "\\", " ", "  ",
]  # fmt: skip


def _never_crashes(text: str) -> None:
    try:
        pattern = parse_pattern(text)
    except PatternError as error:
        position = error.position
        assert 1 <= position <= max(len(text), 1) + 1
        return
    for message in ("", "ERROR x", '{"a": 1, "b": [1], "c": {"d": null}}', 'a b [c d] "e"'):
        result = pattern.extract(message)
        assert result is None or isinstance(result, dict)
        assert pattern.matches(message) is (result is not None)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_parses_or_raises_pattern_error(text: str) -> None:
    """Any text yields a Pattern or a PatternError at a real position, never another error."""
    _never_crashes(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_pattern_like_text_parses_or_raises_pattern_error(pieces: list[str]) -> None:
    """Token soup built from pattern syntax never crashes the parser or the matcher."""
    _never_crashes(" ".join(pieces))
    _never_crashes("{ " + " ".join(pieces) + " }")
    _never_crashes("[" + "".join(pieces) + "]")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable, max_size=30))
def test_regex_bodies_parse_or_raise(body: str) -> None:
    """Arbitrary regex bodies are accepted (and then compile) or rejected with PatternError."""
    _never_crashes("%" + body + "%")
