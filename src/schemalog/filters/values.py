"""The right-hand side of a comparison, and how it meets a JSON value or a delimited field.

Decisions (docs/cloudwatch-patterns.md has the reasons):

- A JSON comparison sees only *value nodes*: strings and numbers. A missing field, ``null``, a
  boolean, an array or an object makes every comparison false, ``!=`` included.
- ``*`` is a wildcard only at the start and/or end of a value; in the middle it is literal.
- ``=`` with a plain number compares numerically when the value is a number and textually
  (against the number as written) when it is a string.
- ``< > <= >=`` need a number on the right; a string value that reads as a number is compared
  as one, any other string does not match.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Final

import orjson

NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
ORDERING: Final = frozenset({"<", ">", "<=", ">="})
OPERATORS: Final = ("!=", "<=", ">=", "=", "<", ">")

Scalar = str | int | float


def as_text(value: Scalar) -> str:
    """Return the text a value node is compared as: a string itself, a number as JSON writes it."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def as_number(value: Scalar) -> float | None:
    """Return the value as a number: numbers, strings that read as a number, else None."""
    if isinstance(value, str):
        return float(value) if NUMBER.match(value.strip()) else None
    return float(value)


def is_value_node(value: object) -> bool:
    """Whether a JSON value can be compared: a string or a number (not a boolean)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


class Matcher(ABC):
    """One comparison value: ``*``, a string (maybe with edge wildcards), a number, a regex."""

    #: The value as written in the pattern, for messages.
    source: str
    #: Whether the value is a ``%regex%`` (counted against the 2-per-pattern quota).
    is_regex: bool = False

    @abstractmethod
    def equals(self, value: Scalar) -> bool:
        """Whether ``= value`` holds for a value node."""


@dataclass(frozen=True)
class AnyValue(Matcher):
    """``*`` or ``"*"``: any value node."""

    source: str = "*"

    def equals(self, value: Scalar) -> bool:  # noqa: ARG002 - any value matches
        """Return True: every value node matches."""
        return True


@dataclass(frozen=True)
class TextValue(Matcher):
    """A string, with an optional leading and/or trailing ``*`` wildcard."""

    source: str
    text: str
    any_prefix: bool = False
    any_suffix: bool = False

    @classmethod
    def parse(cls, source: str, raw: str) -> Matcher:
        """Build the matcher for ``raw`` (quotes already removed); ``*`` alone is AnyValue."""
        if raw and raw.strip("*") == "":
            return AnyValue(source)
        prefix = raw.startswith("*")
        suffix = raw.endswith("*")
        core = raw[1 if prefix else 0 : len(raw) - 1 if suffix else len(raw)]
        return cls(source, core, prefix, suffix)

    @property
    def literal_star(self) -> bool:
        """Whether a ``*`` sits in the middle of the value, where it is a literal character."""
        return "*" in self.text

    def matches_text(self, text: str) -> bool:
        """Whether ``text`` fits the value and its wildcards."""
        if self.any_prefix and self.any_suffix:
            return self.text in text
        if self.any_prefix:
            return text.endswith(self.text)
        if self.any_suffix:
            return text.startswith(self.text)
        return text == self.text

    def equals(self, value: Scalar) -> bool:
        """Compare the value's text."""
        return self.matches_text(as_text(value))


@dataclass(frozen=True)
class NumberValue(Matcher):
    """A number as written: ``400``, ``-1.5``, ``1e-3``, ``+1000``."""

    source: str
    number: float

    def equals(self, value: Scalar) -> bool:
        """Numbers compare numerically, strings compare with the number as written."""
        if isinstance(value, str):
            return value == self.source
        return float(value) == self.number

    def equals_field(self, text: str) -> bool:
        """Compare a delimited field: as a number when it reads as one, else as text."""
        number = as_number(text)
        return number == self.number if number is not None else text == self.source

    def order(self, operator: str, number: float) -> bool:
        """Apply ``< > <= >=`` with the value on the left."""
        if operator == "<":
            return number < self.number
        if operator == ">":
            return number > self.number
        if operator == "<=":
            return number <= self.number
        return number >= self.number


@dataclass(frozen=True)
class RegexValue(Matcher):
    """``%regex%``: a search in the value's text."""

    source: str
    regex: re.Pattern[str]
    is_regex: bool = True

    def equals(self, value: Scalar) -> bool:
        """Search the value's text."""
        return self.regex.search(as_text(value)) is not None


def compare_json(operator: str, matcher: Matcher, value: object) -> bool:
    """Evaluate ``<selected value> operator matcher`` for one JSON value."""
    if not is_value_node(value):
        return False
    scalar: Scalar = value  # type: ignore[assignment]
    if operator == "=":
        return matcher.equals(scalar)
    if operator == "!=":
        return not matcher.equals(scalar)
    number = as_number(scalar)
    return (
        number is not None and isinstance(matcher, NumberValue) and matcher.order(operator, number)
    )


def compare_field(operator: str, matcher: Matcher, text: str) -> bool:
    """Evaluate ``<field> operator matcher`` for one space-delimited field's text."""
    if operator in ORDERING:
        number = as_number(text)
        return (
            number is not None
            and isinstance(matcher, NumberValue)
            and matcher.order(operator, number)
        )
    equal = matcher.equals_field(text) if isinstance(matcher, NumberValue) else matcher.equals(text)
    return equal if operator == "=" else not equal
