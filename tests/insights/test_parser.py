"""The query parser: commands, precedence, names of columns, and errors naming the position."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog.exceptions import QueryError
from schemalog.insights import event, execute, nodes
from schemalog.insights.parser import parse_query


def test_commands_parse_in_order() -> None:
    """Each command of a pipeline becomes its node, in the order written."""
    query = parse_query(
        'fields a | filter b = 1 | parse @message "x=*" as x | stats count(*) by c'
        " | sort c desc | limit 5 | display c"
    )
    kinds = [type(command) for command in query.commands]
    assert kinds == [
        nodes.Fields,
        nodes.Filter,
        nodes.Parse,
        nodes.Stats,
        nodes.Sort,
        nodes.Limit,
        nodes.Display,
    ]


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    """``a or b and not c`` reads as ``a or (b and (not c))``."""
    (command,) = parse_query("filter a = 1 or b = 2 and not c = 3").commands
    assert isinstance(command, nodes.Filter)
    top = command.condition
    assert isinstance(top, nodes.Binary) and top.op == "or"
    assert isinstance(top.right, nodes.Binary) and top.right.op == "and"
    assert isinstance(top.right.right, nodes.Unary) and top.right.right.op == "not"


def test_columns_are_named_by_alias_or_by_their_text() -> None:
    """``as`` names a column; otherwise the column is named as the query wrote the expression."""
    (command,) = parse_query("stats count(*), avg(x) as mean by bin(5m)").commands
    assert isinstance(command, nodes.Stats)
    assert [item.name for item in command.aggregates] == ["count(*)", "mean"]
    assert [item.name for item in command.groups] == ["bin(5m)"]


def test_keywords_are_case_insensitive_and_comments_are_skipped() -> None:
    """``FILTER``, ``AND`` and ``# comments`` are accepted as AWS accepts them."""
    query = parse_query("# errors only\nFILTER level = 'error' AND ispresent(x)\n| LIMIT 2")
    assert [type(c) for c in query.commands] == [nodes.Filter, nodes.Limit]


def test_regex_after_like_and_division_elsewhere() -> None:
    """``/`` after ``like`` starts a regex; between numbers it divides."""
    (first, second) = parse_query("filter m like /a\\/b/ | fields x / 2 as half").commands
    assert isinstance(first, nodes.Filter) and isinstance(first.condition, nodes.Binary)
    pattern = first.condition.right
    assert isinstance(pattern, nodes.Pattern) and pattern.regex.search("xa/by")
    assert isinstance(second, nodes.Fields)
    assert isinstance(second.items[0].expr, nodes.Binary) and second.items[0].expr.op == "/"


@pytest.mark.parametrize(
    ("query", "position", "reason"),
    [
        ("filter x = ", 12, "expected a value"),
        ("stats count(*) by", 18, "expected a value"),
        ("filtr x = 1", 1, "unknown command 'filtr'"),
        ("filter x = 'open", 12, "unterminated string"),
        ("stats x", 7, "stats takes aggregate functions"),
        ("stats sum(x) by bin(3 parsecs)", 21, "expected a period"),
        ("stats count(*) by bin(5 fortnights)", 23, "expected a period"),
        ("stats count(*) by bin(5fortnights)", 23, "unknown or unsupported period"),
        ("limit 0", 7, "at least 1"),
        ('parse @message "a=* b=*" as a', 16, "2 '*' but 1 names"),
        ("parse @message /(?<x>[a-/", 16, "invalid regular expression"),
        ("filter nosuch(x)", 8, "unknown function 'nosuch'"),
        ("filter x in [1, 2", 18, "expected ']'"),
        ("filter x = 1 y", 14, "expected '|' or the end"),
        ("filter x ! 1", 10, "unexpected character '!'"),
        ("filter count(*) > 1", 8, "count() is an aggregate: use it in stats"),
        ("stats avg(max(x))", 11, "max() is an aggregate"),
        ("fields strlen(*)", 15, "expected a value"),
    ],
)
def test_errors_name_the_position(query: str, position: int, reason: str) -> None:
    """A query AWS would reject raises QueryError with the 1-based position and the reason."""
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"position {position}: ")


SOUP_EVENTS = [
    '{"timestamp": "2026-01-01T00:00:00.000Z", "x": 3, "s": "a"}',
    '{"timestamp": "2026-01-01T00:10:00.000Z", "x": "b", "y": [1, {"z": 2}]}',
    "not json",
]
PIECES = [
    "filter", "stats", "fields", "sort", "limit", "parse", "display", "by", "as", "and", "or",
    "not", "in", "like", "count(*)", "bin(5m)", "x", "@message", "'s'", "/r/", "1", "2.5", "(",
    ")", "[", "]", ",", "|", "=", "!=", "<", ">=", "+", "-", "*", "/", "^", "pct(x, 50)", "desc",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_any_token_soup_parses_or_raises_query_error(pieces: list[str]) -> None:
    """Whatever the text, parsing and running give rows or a QueryError, nothing else."""
    query = " ".join(pieces)
    position = None
    try:
        parsed = parse_query(query)
        execute(parsed, [event(line) for line in SOUP_EVENTS])
    except QueryError as error:
        position = error.position
    else:
        assert parsed.commands
    assert position is None or 0 <= position <= len(query) + 1
