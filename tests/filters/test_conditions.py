"""filters.conditions: && / || trees, partial evaluation, and reading operators and values."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemalog.exceptions import PatternError
from schemalog.filters.conditions import (
    All,
    Any_,
    Leaf,
    Node,
    parse_or,
    read_operator,
    read_value,
)
from schemalog.filters.lexer import Cursor
from schemalog.filters.values import AnyValue, NumberValue, RegexValue, TextValue


def name(cursor: Cursor) -> Node[str]:
    """Read one lowercase name as a leaf (the test's own primary)."""
    cursor.skip_space()
    start = cursor.pos
    while cursor.peek().isalpha():
        cursor.pos += 1
    return Leaf(cursor.text[start : cursor.pos])


def test_and_binds_tighter_than_or() -> None:
    """The pattern a || b && c parses as a || (b && c); leaves come out left to right."""
    tree = parse_or(Cursor("a || b && c"), name)
    assert tree == Any_((Leaf("a"), All((Leaf("b"), Leaf("c")))))
    assert list(tree.leaves()) == ["a", "b", "c"]
    assert parse_or(Cursor("a"), name) == Leaf("a")


@pytest.mark.parametrize("true", [set(), {"a"}, {"b", "c"}, {"a", "b", "c"}, {"c"}, {"a", "d"}])
def test_compiled_tree_evaluates_like_the_formula(true: set[str]) -> None:
    """The compiled function gives a || (b && c) || (a && d) for every assignment."""
    tree = parse_or(Cursor("a || b && c || a && d"), name)

    def contains(leaf: str) -> Callable[[set[str]], bool]:
        return lambda names: leaf in names

    check = tree.compile(contains)
    expected = "a" in true or {"b", "c"} <= true or {"a", "d"} <= true
    assert check(true) == expected


def test_partial_evaluation_is_three_valued() -> None:
    """Known leaves decide when they can; else the answer is None and a smaller tree is left."""
    tree = parse_or(Cursor("a && (b || c)"), _group)
    known = {"a": True, "b": None, "c": None}
    assert tree.partial(known.get) is None
    assert tree.reduce(known.get) == Any_((Leaf("b"), Leaf("c")))
    assert tree.partial({"a": False}.get) is False  # && decided by one False
    assert tree.partial({"a": True, "b": True}.get) is True  # || decided by one True
    assert tree.partial({"a": True, "b": False, "c": False}.get) is False


def _group(cursor: Cursor) -> Node[str]:
    """Read a name, or a ( ... ) group of them."""
    cursor.skip_space()
    if cursor.take("("):
        inner = parse_or(cursor, _group)
        cursor.skip_space()
        assert cursor.take(")")
        return inner
    return name(cursor)


def test_operators() -> None:
    """The longest operator is read first (<= before <); anything else is an error with position."""
    assert [read_operator(Cursor(text)) for text in ("<= 1", " != x", ">=", "=", "<", ">")] == [
        "<=", "!=", ">=", "=", "<", ">",
    ]  # fmt: skip
    with pytest.raises(PatternError, match="expected a comparison operator") as caught:
        read_operator(Cursor("  ~ 1"))
    assert caught.value.position == 3


def test_values_of_every_kind() -> None:
    """Quoted strings, %regex%, numbers and bare strings each give their matcher."""
    quoted = read_value(Cursor('"a b*"'), "=")
    assert isinstance(quoted, TextValue) and (quoted.text, quoted.any_suffix) == ("a b", True)
    assert isinstance(read_value(Cursor("%ab+%"), "="), RegexValue)
    number = read_value(Cursor("-1.5e3 }"), "=")
    assert isinstance(number, NumberValue) and number.number == -1500.0
    bare = read_value(Cursor("abc)"), "!=")
    assert isinstance(bare, TextValue) and bare.source == "abc"
    assert isinstance(read_value(Cursor("*"), "="), AnyValue)


@pytest.mark.parametrize(
    ("text", "operator", "message"),
    [("", "=", "expected a value after '='"), ("= 1", "=", "found '='"),
     ("ab\"c", "=", "a quote inside an unquoted value"), ("abc", "<", "'<' needs a number"),
     (")", "=", r"found '\)'")],
)  # fmt: skip
def test_bad_values_are_named(text: str, operator: str, message: str) -> None:
    """A missing value, a stray operator, a quote inside a bare value and a non-number ordering."""
    with pytest.raises(PatternError, match=message):
        read_value(Cursor(text), operator)
