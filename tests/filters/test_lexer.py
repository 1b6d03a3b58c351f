"""filters.lexer: the cursor over pattern text, and its error positions."""

from __future__ import annotations

import pytest

from schemalog.exceptions import PatternError
from schemalog.filters.lexer import Cursor


def test_take_peek_and_space() -> None:
    """Take moves past a token only when it is next; peek and at_end do not move."""
    cursor = Cursor("  && x")
    assert not cursor.take("&&")  # whitespace first
    cursor.skip_space()
    assert cursor.peek() == "&"
    assert cursor.take("&&")
    assert not cursor.at_end()  # skips the space, 'x' is left
    assert cursor.peek() == "x"
    cursor.pos += 1
    assert cursor.at_end()
    assert cursor.peek() == ""


def test_end_bounds_the_reading() -> None:
    """A cursor over part of the text stops at its end, keeping positions in the whole text."""
    cursor = Cursor("{ a } tail", pos=2, end=4)
    assert cursor.startswith("a ")
    assert not cursor.startswith("a }")  # beyond the end
    cursor.pos = 4
    assert cursor.describe_next() == "the end of the pattern"
    assert Cursor("ab", pos=1).describe_next() == "'b'"


def test_read_quoted_with_escapes() -> None:
    r"""A quoted string reads to its closing quote; \" and \\ are escapes, others kept."""
    cursor = Cursor(r'"a\"b\\c\n" rest')
    assert cursor.read_quoted() == 'a"b\\c\\n'
    assert cursor.text[cursor.pos :] == " rest"


def test_unterminated_quote_names_its_position() -> None:
    """The error points at the opening quote, 1-based, in the whole pattern."""
    cursor = Cursor('{ $.a = "open }', pos=8)
    with pytest.raises(PatternError, match="unterminated quoted string") as caught:
        cursor.read_quoted()
    assert caught.value.position == 9


def test_read_percent() -> None:
    """A %regex% gives its body and the body's offset; a missing closing % is an error."""
    cursor = Cursor("x %ab+c% y", pos=2)
    assert cursor.read_percent() == ("ab+c", 3)
    assert cursor.pos == 8
    with pytest.raises(PatternError, match="no closing '%'"):
        Cursor("%abc").read_percent()


def test_error_defaults_to_the_current_position() -> None:
    """error() makes a PatternError at the cursor (1-based), or at the position given."""
    cursor = Cursor("abc", pos=2)
    assert cursor.error("bad").position == 3
    assert cursor.error("bad", at=0).position == 1
