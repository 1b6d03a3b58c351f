"""Parsing JSON patterns (``{ $.a.b[0] = "x" && $.n > 3 }``) and selectors, with AWS's quotas.

An error is a PatternError naming the position and what was expected there.
"""

from __future__ import annotations

import string
from typing import Final

from schemalog.filters.base import MAX_REGEXES
from schemalog.filters.conditions import Leaf, Node, parse_or, read_operator, read_value
from schemalog.filters.jsonpattern import (
    ANY_INDEX,
    ANY_KEY,
    Check,
    Comparison,
    Condition,
    JsonPattern,
    Selector,
    Step,
)
from schemalog.filters.lexer import Cursor

#: At most one wildcard in one selector, and at most this many wildcard selectors a pattern.
MAX_WILDCARD_SELECTORS: Final = 3
#: Parentheses nested deeper are rejected: AWS states no limit, and Python's stack has one.
MAX_NESTING: Final = 100
_NAME_CHARS: Final = frozenset(string.ascii_letters + string.digits + "_-")


def parse_json(text: str, start: int) -> JsonPattern:
    """Parse the JSON pattern whose ``{`` is at ``start`` in ``text``."""
    close = len(text.rstrip()) - 1
    cursor = Cursor(text, start + 1, max(close, start + 1))
    if close <= start or text[close] != "}":
        raise cursor.error("a JSON pattern must end with '}'", at=max(close, start))
    if cursor.at_end():
        raise cursor.error("empty JSON pattern: write a condition such as { $.field = * }")
    state = _State()
    condition = parse_or(cursor, state.primary)
    if not cursor.at_end():
        raise cursor.error(f"unexpected {cursor.describe_next()}: expected '&&', '||' or '}}'")
    return JsonPattern(text, condition)


def parse_selector(text: str) -> Selector:
    """Parse a whole selector such as ``$.a.b[0]``; raise PatternError for anything else."""
    cursor = Cursor(text)
    selector = _State().selector(cursor)
    if not cursor.at_end():
        raise cursor.error(f"unexpected {cursor.describe_next()} after the selector")
    return selector


class _State:
    """Counts regexes and wildcard selectors while parsing, to enforce AWS's quotas."""

    def __init__(self) -> None:
        self.regexes = 0
        self.wildcard_selectors = 0
        self.nesting = 0

    def primary(self, cursor: Cursor) -> Node[Condition]:
        cursor.skip_space()
        if cursor.take("("):
            return self._group(cursor)
        if not cursor.startswith("$"):
            raise cursor.error(
                f"expected a selector such as $.field or '(', found {cursor.describe_next()}"
            )
        selector = self.selector(cursor)
        cursor.skip_space()
        word_at = cursor.pos
        word = _read_word(cursor)
        if word == "IS":
            cursor.skip_space()
            what_at = cursor.pos
            what = _read_word(cursor)
            if what == "NOT":
                raise cursor.error("IS NOT is not supported by CloudWatch", at=what_at)
            if what not in ("NULL", "TRUE", "FALSE"):
                raise cursor.error("IS must be followed by NULL, TRUE or FALSE", at=what_at)
            return Leaf(Check(selector, what))
        if word == "NOT":
            cursor.skip_space()
            if _read_word(cursor) != "EXISTS":
                raise cursor.error("NOT must be followed by EXISTS", at=word_at)
            return Leaf(Check(selector, "NOT EXISTS"))
        if word == "EXISTS":
            raise cursor.error(
                "EXISTS is not supported by CloudWatch: use '= *' for a present value", at=word_at
            )
        if word:
            raise cursor.error(f"unexpected word {word!r} after the selector", at=word_at)
        operator = read_operator(cursor)
        cursor.skip_space()
        value_at = cursor.pos
        matcher = read_value(cursor, operator)
        if matcher.is_regex:
            self.regexes += 1
            if self.regexes > MAX_REGEXES:
                raise cursor.error(f"more than {MAX_REGEXES} %regex% in one pattern", at=value_at)
        return Leaf(Comparison(selector, operator, matcher))

    def _group(self, cursor: Cursor) -> Node[Condition]:
        """Parse what follows a ``(``, up to and with its ``)``."""
        open_at = cursor.pos - 1
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise cursor.error(f"parentheses nested more than {MAX_NESTING} deep", at=open_at)
        inner = parse_or(cursor, self.primary)
        self.nesting -= 1
        cursor.skip_space()
        if not cursor.take(")"):
            raise cursor.error(
                f"missing ')' for the '(' at position {open_at + 1}, found {cursor.describe_next()}"
            )
        return inner

    def selector(self, cursor: Cursor) -> Selector:
        start = cursor.pos
        cursor.pos += 1  # "$"
        steps: list[Step] = []
        while cursor.pos < cursor.end:
            if cursor.take("."):
                if cursor.take("*"):
                    steps.append(ANY_KEY)
                elif not cursor.startswith("["):
                    name_start = cursor.pos
                    while cursor.pos < cursor.end and cursor.text[cursor.pos] in _NAME_CHARS:
                        cursor.pos += 1
                    if cursor.pos == name_start:
                        raise cursor.error(
                            "expected a field name (letters, digits, '_', '-') or ['key'] after '.'"
                        )
                    steps.append(cursor.text[name_start : cursor.pos])
            elif cursor.startswith("["):
                steps.append(_bracket(cursor))
            else:
                break
        if not steps:
            raise cursor.error("a selector needs a field, as in $.name", at=start)
        selector = Selector(cursor.text[start : cursor.pos], tuple(steps))
        if selector.wildcards > 1:
            raise cursor.error("at most one wildcard ('*') in one selector", at=start)
        if selector.wildcards:
            self.wildcard_selectors += 1
            if self.wildcard_selectors > MAX_WILDCARD_SELECTORS:
                raise cursor.error(
                    f"more than {MAX_WILDCARD_SELECTORS} wildcard selectors in one pattern",
                    at=start,
                )
        return selector


def _bracket(cursor: Cursor) -> Step:
    start = cursor.pos
    cursor.pos += 1  # "["
    step: Step
    if cursor.take("*"):
        step = ANY_INDEX
    elif cursor.startswith("'"):
        close = cursor.text.find("'", cursor.pos + 1, cursor.end)
        if close < 0:
            raise cursor.error("unterminated ['key']", at=start)
        step = cursor.text[cursor.pos + 1 : close]
        cursor.pos = close + 1
    else:
        digits_start = cursor.pos
        while cursor.pos < cursor.end and cursor.text[cursor.pos] in string.digits:
            cursor.pos += 1
        if cursor.pos == digits_start:
            raise cursor.error("expected an array index, [*] or ['key'] inside '[ ]'")
        step = int(cursor.text[digits_start : cursor.pos])
    if not cursor.take("]"):
        raise cursor.error(f"expected ']', found {cursor.describe_next()}")
    return step


def _read_word(cursor: Cursor) -> str:
    start = cursor.pos
    while cursor.pos < cursor.end and cursor.text[cursor.pos] in string.ascii_letters:
        cursor.pos += 1
    return cursor.text[start : cursor.pos].upper()
