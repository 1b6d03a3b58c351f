"""Boolean conditions shared by JSON and space-delimited patterns: ``&&``, ``||``, values.

Precedence is ``( ) > && > ||``. A tree is evaluated fully (every leaf known) or partially
(some leaves unknown, Kleene three-valued logic), which is how the counter decides from
``event_type`` alone whether a filter can match an event.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Final, Generic, TypeVar

from schemalog.filters.lexer import WHITESPACE, Cursor
from schemalog.filters.values import (
    NUMBER,
    OPERATORS,
    ORDERING,
    Matcher,
    NumberValue,
    RegexValue,
    TextValue,
)

L = TypeVar("L")
T = TypeVar("T")

#: Characters that end a bare (unquoted) value.
_BARE_STOP: Final = frozenset(WHITESPACE + '(){}[],"&|')


class Node(ABC, Generic[L]):
    """A condition tree whose leaves are of type ``L``."""

    @abstractmethod
    def leaves(self) -> Iterator[L]:
        """Every leaf, left to right."""

    @abstractmethod
    def compile(self, leaf: Callable[[L], Callable[[T], bool]]) -> Callable[[T], bool]:
        """Return one function evaluating the whole tree, given a compiler for leaves."""

    @abstractmethod
    def reduce(self, leaf: Callable[[L], bool | None]) -> Node[L] | bool:
        """Replace the leaves ``leaf`` knows (True/False; None: unknown) and simplify.

        Returns the answer when the known leaves decide it, else the smaller tree that is left.
        """

    def partial(self, leaf: Callable[[L], bool | None]) -> bool | None:
        """Evaluate with some leaves unknown (None); None when the answer depends on them."""
        reduced = self.reduce(leaf)
        return reduced if isinstance(reduced, bool) else None


@dataclass(frozen=True)
class Leaf(Node[L]):
    """One comparison."""

    item: L

    def leaves(self) -> Iterator[L]:
        """Yield the leaf itself."""
        yield self.item

    def compile(self, leaf: Callable[[L], Callable[[T], bool]]) -> Callable[[T], bool]:
        """Return the leaf's own function."""
        return leaf(self.item)

    def reduce(self, leaf: Callable[[L], bool | None]) -> Node[L] | bool:
        """Return the leaf's value if known, else the leaf."""
        value = leaf(self.item)
        return self if value is None else value


@dataclass(frozen=True)
class _Junction(Node[L]):
    """Children joined by ``&&`` (:class:`All`) or ``||`` (:class:`Any_`)."""

    children: tuple[Node[L], ...]
    #: True for ``&&``: every child must hold; False for ``||``: one is enough.
    every: ClassVar[bool]

    def leaves(self) -> Iterator[L]:
        """Yield every child's leaves."""
        for child in self.children:
            yield from child.leaves()

    def compile(self, leaf: Callable[[L], Callable[[T], bool]]) -> Callable[[T], bool]:
        """Return one function joining the children's."""
        parts = tuple(child.compile(leaf) for child in self.children)
        if len(parts) == 2:
            first, second = parts
            if self.every:
                return lambda value: first(value) and second(value)
            return lambda value: first(value) or second(value)
        if self.every:
            return lambda value: all(part(value) for part in parts)
        return lambda value: any(part(value) for part in parts)

    def reduce(self, leaf: Callable[[L], bool | None]) -> Node[L] | bool:
        """Return the joined value when known children decide it, else the remaining join."""
        decisive = not self.every  # False decides an &&, True decides an ||
        rest: list[Node[L]] = []
        for child in self.children:
            reduced = child.reduce(leaf)
            if reduced is decisive:
                return decisive
            if not isinstance(reduced, bool):
                rest.append(reduced)
        if not rest:
            return self.every
        return rest[0] if len(rest) == 1 else type(self)(tuple(rest))


class All(_Junction[L]):
    """``a && b && ...``."""

    every = True


class Any_(_Junction[L]):
    """``a || b || ...``."""

    every = False


def parse_or(cursor: Cursor, primary: Callable[[Cursor], Node[L]]) -> Node[L]:
    """Parse ``and ('||' and)*`` where ``and`` is ``primary ('&&' primary)*``."""
    branches = [_parse_and(cursor, primary)]
    while True:
        cursor.skip_space()
        if not cursor.take("||"):
            break
        branches.append(_parse_and(cursor, primary))
    return branches[0] if len(branches) == 1 else Any_(tuple(branches))


def _parse_and(cursor: Cursor, primary: Callable[[Cursor], Node[L]]) -> Node[L]:
    terms = [primary(cursor)]
    while True:
        cursor.skip_space()
        if not cursor.take("&&"):
            break
        terms.append(primary(cursor))
    return terms[0] if len(terms) == 1 else All(tuple(terms))


def read_operator(cursor: Cursor) -> str:
    """Read one of ``= != < > <= >=``."""
    cursor.skip_space()
    for operator in OPERATORS:
        if cursor.take(operator):
            return operator
    raise cursor.error(
        f"expected a comparison operator (= != < > <= >=), found {cursor.describe_next()}"
    )


def read_value(cursor: Cursor, operator: str) -> Matcher:
    """Read the value after ``operator``: quoted string, ``%regex%``, number or bare string."""
    cursor.skip_space()
    start = cursor.pos
    if cursor.pos >= cursor.end:
        raise cursor.error(f"expected a value after '{operator}'")
    first = cursor.text[cursor.pos]
    matcher: Matcher
    if first == '"':
        raw = cursor.read_quoted()
        matcher = TextValue.parse(cursor.text[start : cursor.pos], raw)
    elif first == "%":
        from schemalog.filters.regex import compile_regex  # only a %regex% needs it

        body, offset = cursor.read_percent()
        matcher = RegexValue(cursor.text[start : cursor.pos], compile_regex(body, offset))
    elif first in "=<>!":
        raise cursor.error(f"expected a value after '{operator}', found {first!r}")
    else:
        while cursor.pos < cursor.end and cursor.text[cursor.pos] not in _BARE_STOP:
            cursor.pos += 1
        bare = cursor.text[start : cursor.pos]
        if not bare:
            raise cursor.error(
                f"expected a value after '{operator}', found {cursor.describe_next()}"
            )
        if cursor.pos < cursor.end and cursor.text[cursor.pos] == '"':
            raise cursor.error("a quote inside an unquoted value: quote the whole value")
        matcher = (
            NumberValue(bare, float(bare)) if NUMBER.match(bare) else TextValue.parse(bare, bare)
        )
    if operator in ORDERING and not isinstance(matcher, NumberValue):
        raise cursor.error(f"'{operator}' needs a number, not {matcher.source}", at=start)
    return matcher
