"""The query lexer: token kinds, quoting, regexes where expected, and positions."""

from __future__ import annotations

import pytest

from schemalog.exceptions import QueryError
from schemalog.insights.lexer import DURATION, END, NAME, NUMBER, OP, REGEX, STRING, tokenize


def kinds(query: str) -> list[tuple[str, str]]:
    return [(token.kind, token.text) for token in tokenize(query)]


def test_names_numbers_durations_and_operators() -> None:
    """``@timestamp``, dotted names, numbers, ``5m`` and two-character operators are tokens."""
    assert kinds("stats count(*) by bin(5m), a.b >= 1.5") == [
        (NAME, "stats"),
        (NAME, "count"),
        (OP, "("),
        (OP, "*"),
        (OP, ")"),
        (NAME, "by"),
        (NAME, "bin"),
        (OP, "("),
        (DURATION, "5m"),
        (OP, ")"),
        (OP, ","),
        (NAME, "a.b"),
        (OP, ">="),
        (NUMBER, "1.5"),
        (END, ""),
    ]


def test_quotes_and_backquotes_unescape() -> None:
    """Strings take either quote and backslash escapes; backquotes make a name of anything."""
    assert kinds("'it\\'s' \"a\\\"b\" `odd-name`")[:3] == [
        (STRING, "it's"),
        (STRING, 'a"b'),
        (NAME, "odd-name"),
    ]


def test_slash_is_a_regex_after_like_and_parse_and_division_elsewhere() -> None:
    """A regex keeps its escapes; after a number ``/`` divides."""
    assert kinds("x like /a\\.b\\/c/")[2] == (REGEX, "a\\.b/c")
    assert kinds("parse @message /(?<n>\\d+)/")[2] == (REGEX, "(?<n>\\d+)")
    assert kinds("a / 2")[1] == (OP, "/")


def test_comments_are_skipped_and_positions_are_one_based() -> None:
    """``#`` runs to the end of the line; positions count from 1."""
    tokens = tokenize("# note\nfilter x")
    assert [(t.text, t.position) for t in tokens] == [("filter", 8), ("x", 15), ("", 16)]


@pytest.mark.parametrize(
    ("query", "position", "reason"),
    [
        ("filter x = 'a", 12, "unterminated string"),
        ("x like /ab", 8, "unterminated regular"),
        ("`name", 1, "unterminated backquoted name"),
        ("a ; b", 3, "unexpected character ';'"),
    ],
)
def test_lexical_errors_name_the_position(query: str, position: int, reason: str) -> None:
    """A broken string, regex or character raises QueryError at its position."""
    with pytest.raises(QueryError) as caught:
        tokenize(query)
    assert caught.value.position == position and reason in caught.value.reason
