"""filters.values: comparison values and how they meet JSON values and delimited fields."""

from __future__ import annotations

import re

import pytest

from schemalog.filters.values import (
    AnyValue,
    NumberValue,
    RegexValue,
    TextValue,
    as_number,
    as_text,
    compare_field,
    compare_json,
    is_value_node,
)


def test_value_nodes_are_strings_and_numbers() -> None:
    """Only strings and numbers can be compared: not booleans, null, lists or objects."""
    values: list[object] = ["a", 1, 2.5, True, None, [], {}]
    assert [is_value_node(v) for v in values] == [
        True, True, True, False, False, False, False,
    ]  # fmt: skip


def test_text_and_number_views() -> None:
    """Numbers are compared as JSON writes them; strings that read as numbers are numbers."""
    assert (as_text("x"), as_text(400), as_text(1.5)) == ("x", "400", "1.5")
    assert (as_number(" 4e2 "), as_number("-.5"), as_number("4e"), as_number(3)) == (
        400.0, -0.5, None, 3.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "text", "prefix", "suffix"),
    [("abc", "abc", False, False), ("*abc", "abc", True, False), ("ab*", "ab", False, True),
     ("*a*", "a", True, True), ("a*b", "a*b", False, False)],
)  # fmt: skip
def test_text_value_wildcards_only_at_the_edges(
    raw: str, text: str, prefix: bool, suffix: bool
) -> None:
    """A leading or trailing * is a wildcard; one in the middle is a literal character."""
    value = TextValue.parse(f'"{raw}"', raw)
    assert isinstance(value, TextValue)
    assert (value.text, value.any_prefix, value.any_suffix) == (text, prefix, suffix)
    assert value.literal_star == ("*" in text)


def test_text_value_matching() -> None:
    """Each wildcard form matches what it should and nothing else."""
    assert TextValue.parse("*err*", "*err*").equals("an error here")
    assert TextValue.parse("*err", "*err").equals("bad err")
    assert not TextValue.parse("*err", "*err").equals("err bad")
    assert TextValue.parse("err*", "err*").equals("error")
    assert TextValue.parse("a*b", "a*b").equals("a*b")
    assert not TextValue.parse("a*b", "a*b").equals("axb")
    assert TextValue.parse("400", "400").equals(400)  # a number meets the text it is written as


def test_stars_alone_are_any_value() -> None:
    """A lone * (or **) is AnyValue, which equals any value node."""
    assert isinstance(TextValue.parse('"*"', "*"), AnyValue)
    assert isinstance(TextValue.parse("**", "**"), AnyValue)
    assert AnyValue().equals("") and AnyValue().equals(0)


def test_number_value() -> None:
    """Numbers compare numerically, strings against the number as written; orderings apply."""
    value = NumberValue("4e2", 400.0)
    assert value.equals(400) and value.equals(400.0)
    assert value.equals("4e2") and not value.equals("400")
    assert value.equals_field("400") and value.equals_field("4e2")
    assert [value.order(op, 399) for op in ("<", ">", "<=", ">=")] == [True, False, True, False]
    assert value.order("<=", 400) and value.order(">=", 400)


def test_regex_value_searches_the_text() -> None:
    """A %regex% searches the value's text, numbers as JSON writes them."""
    value = RegexValue("%4\\d+%", re.compile(r"4\d+"))
    assert value.equals("code 404") and value.equals(404)
    assert not value.equals("500")


def test_compare_json() -> None:
    """Non-value nodes never match, != included; orderings need a number on both sides."""
    five = NumberValue("5", 5.0)
    assert compare_json("=", five, 5)
    assert compare_json("!=", five, 6)
    assert not compare_json("!=", five, None)
    assert not compare_json("=", AnyValue(), True)
    assert compare_json(">", five, "6")  # a string that reads as a number
    assert not compare_json(">", five, "six")
    assert not compare_json(">", TextValue.parse("a", "a"), 6)


def test_compare_field() -> None:
    """Delimited fields: numbers read from the text, orderings only with a number."""
    five = NumberValue("5", 5.0)
    assert compare_field("=", five, "5.0")
    assert compare_field("!=", five, "x")
    assert compare_field("<", five, "4")
    assert not compare_field("<", five, "four")
    assert compare_field("=", TextValue.parse("a*", "a*"), "abc")
    assert not compare_field(">", TextValue.parse("a", "a"), "b")
