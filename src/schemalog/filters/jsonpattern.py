"""JSON patterns: ``{ $.a.b[0] = "x" && ($.n > 3 || $.flag IS TRUE) }``.

The message must be one JSON object (leading and trailing whitespace aside); anything else,
including JSON after a text prefix, matches nothing. A selector that picks several values
(``$.*``, ``$.list[*]``) makes a condition true when any picked value satisfies it.
Patterns are parsed by :mod:`jsonparse`; this module evaluates them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from schemalog.filters.base import Pattern
from schemalog.filters.conditions import (
    All,
    Any_,
    Leaf,
    Node,
)
from schemalog.filters.values import NUMBER, AnyValue, Matcher, TextValue, compare_json

_MISSING: Final = object()
_VALUE_TYPES: Final = frozenset({str, int, float})  # type(True) is bool: not a value node


class _Wildcard:
    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


#: ``.*``: every member of an object.
ANY_KEY: Final = _Wildcard(".*")
#: ``[*]``: every element of an array.
ANY_INDEX: Final = _Wildcard("[*]")

Step = str | int | _Wildcard


@dataclass(frozen=True)
class Selector:
    """``$.a.b[0]``: the path from the root object to the values a condition tests."""

    text: str
    steps: tuple[Step, ...]

    @property
    def wildcards(self) -> int:
        """How many wildcard steps the selector has."""
        return sum(isinstance(step, _Wildcard) for step in self.steps)

    @property
    def simple_key(self) -> str | None:
        """The key when the selector is one plain member of the root (``$.name``), else None."""
        if len(self.steps) == 1 and isinstance(self.steps[0], str):
            return self.steps[0]
        return None

    def select(self, document: Any) -> list[Any]:
        """Every value the selector picks in ``document`` (empty when nothing is there)."""
        current = [document]
        for step in self.steps:
            picked: list[Any] = []
            for node in current:
                if isinstance(step, str):
                    if isinstance(node, dict) and step in node:
                        picked.append(node[step])
                elif isinstance(step, int):
                    if isinstance(node, list) and step < len(node):
                        picked.append(node[step])
                elif step is ANY_KEY:
                    if isinstance(node, dict):
                        picked.extend(node.values())
                elif isinstance(node, list):
                    picked.extend(node)
            if not picked:
                return picked
            current = picked
        return current


@dataclass(frozen=True)
class Comparison:
    """``selector op value``."""

    selector: Selector
    operator: str
    matcher: Matcher


@dataclass(frozen=True)
class Check:
    """``selector IS NULL|TRUE|FALSE`` or ``selector NOT EXISTS``."""

    selector: Selector
    check: str  # "NULL", "TRUE", "FALSE" or "NOT EXISTS"


Condition = Comparison | Check


def _compile_leaf(leaf: Condition) -> Callable[[dict[str, Any]], bool]:
    selector = leaf.selector
    key = selector.simple_key
    if isinstance(leaf, Check):
        return _compile_check(selector, leaf.check)
    operator, matcher = leaf.operator, leaf.matcher
    if key is None:
        return lambda doc: any(compare_json(operator, matcher, v) for v in selector.select(doc))
    if isinstance(matcher, AnyValue) and operator == "=":
        return lambda doc: type(doc.get(key)) in _VALUE_TYPES
    if isinstance(matcher, TextValue) and not (matcher.any_prefix or matcher.any_suffix):
        text = matcher.text
        if operator == "=":
            return lambda doc: (
                value == text
                if type(value := doc.get(key)) is str
                else compare_json("=", matcher, value)
            )
    return lambda doc: compare_json(operator, matcher, doc.get(key, _MISSING))


def _present_key(node: Node[Condition]) -> str | None:
    """Return the key of a ``$.key = *`` leaf, else None."""
    if isinstance(node, Leaf) and isinstance(node.item, Comparison):
        comparison = node.item
        if comparison.operator == "=" and isinstance(comparison.matcher, AnyValue):
            return comparison.selector.simple_key
    return None


def _compile(node: Node[Condition]) -> Callable[[dict[str, Any]], bool]:
    """Compile a condition tree; ``$.a = * && $.b = *`` becomes one loop over the keys."""
    if isinstance(node, All):
        found = [_present_key(child) for child in node.children]
        keys = tuple(key for key in found if key is not None)
        if len(keys) == len(found):

            def present(document: dict[str, Any]) -> bool:
                get = document.get
                for key in keys:  # noqa: SIM110 - a loop, not all(...): no generator per event
                    if type(get(key)) not in _VALUE_TYPES:
                        return False
                return True

            return present
    return node.compile(_compile_leaf)


def _compile_check(selector: Selector, check: str) -> Callable[[dict[str, Any]], bool]:
    key = selector.simple_key
    if check == "NOT EXISTS":
        if key is not None:
            return lambda doc: key not in doc
        return lambda doc: not selector.select(doc)
    wanted: object = {"NULL": None, "TRUE": True, "FALSE": False}[check]
    if key is not None:  # one plain member: a lookup, without a list of picked values
        return lambda doc: doc.get(key, _MISSING) is wanted
    return lambda doc: any(value is wanted for value in selector.select(doc))


class JsonPattern(Pattern):
    """A parsed ``{ ... }`` pattern."""

    kind = "json"
    has_fields = True

    def __init__(self, text: str, condition: Node[Condition]) -> None:
        super().__init__(text)
        self.condition = condition
        self._match: Callable[[dict[str, Any]], bool] = _compile(condition)

    @property
    def conditions(self) -> list[Condition]:
        """Every comparison and check, left to right."""
        return list(self.condition.leaves())

    @property
    def regex_count(self) -> int:
        """How many ``%regex%`` values the pattern holds."""
        return sum(
            isinstance(leaf, Comparison) and leaf.matcher.is_regex for leaf in self.conditions
        )

    def matches_document(self, document: object) -> bool:
        """Whether a parsed JSON value matches (only objects can)."""
        return isinstance(document, dict) and self._match(document)

    def matches(self, message: str) -> bool:
        """Whether the message is a JSON object the pattern matches."""
        return self.matches_document(load_object(message))

    def extract(self, message: str) -> dict[str, str] | None:
        """``{}`` when the message matches (AWS extracts nothing for JSON patterns), else None."""
        return {} if self.matches(message) else None

    def decide(self, known: Mapping[str, Any]) -> bool | None:
        """Decide the match from the root members in ``known`` alone, or None if it depends on more.

        Every condition on a plain root member ``$.name`` with ``name`` among the keys of
        ``known`` is evaluated (a name in ``known`` whose value is the sentinel ``MISSING``
        counts as absent); every other condition is unknown.
        """
        return self.condition.partial(_known_leaf(known))

    def specialize(self, known: Mapping[str, Any]) -> Callable[[dict[str, Any]], bool]:
        """Return a match function for objects whose root members in ``known`` are as given.

        The conditions on those members are evaluated once, here; what is left is compiled.
        """
        reduced = self.condition.reduce(_known_leaf(known))
        if isinstance(reduced, bool):
            return _always if reduced else _never
        return _compile(reduced)

    def presence_keys(self, known: Mapping[str, Any]) -> tuple[str, ...] | None:
        """Return the keys :meth:`specialize`'s function checks, if all it does is ``$.key = *``.

        ``()`` when the known members decide a match; None when other conditions remain, or
        when the known members rule a match out.
        """
        reduced = self.condition.reduce(_known_leaf(known))
        if isinstance(reduced, bool):
            return () if reduced else None
        nodes = reduced.children if isinstance(reduced, All) else (reduced,)
        found = [_present_key(node) for node in nodes]
        keys = tuple(key for key in found if key is not None)
        return keys if len(keys) == len(found) else None

    def event_types(self, key: str = "event_type") -> frozenset[str] | None:
        """Return the only values of ``$.<key>`` a matching event can have, or None if unbounded.

        Finite when every way to satisfy the pattern requires ``$.<key>`` to equal one of some
        exact strings (``=`` without wildcards); a scanner then needs to look only at lines
        that hold one of those strings. A number, or a string that reads as one, is unbounded:
        a JSON number matching it can be written many ways (``400``, ``400.0``, ``4e2``).
        """
        return _possible(self.condition, key)


def _known_leaf(known: Mapping[str, Any]) -> Callable[[Condition], bool | None]:
    """Evaluate conditions on the plain root members in ``known``; None for the others."""
    partial = {k: v for k, v in known.items() if v is not MISSING}

    def leaf(condition: Condition) -> bool | None:
        key = condition.selector.simple_key
        if key is None or key not in known:
            return None
        return _compile_leaf(condition)(partial)

    return leaf


def _always(_document: dict[str, Any]) -> bool:
    return True


def _never(_document: dict[str, Any]) -> bool:
    return False


def _possible(node: Node[Condition], key: str) -> frozenset[str] | None:
    if isinstance(node, Leaf):
        return _possible_leaf(node.item, key)
    if isinstance(node, All):
        bounded = [p for p in (_possible(child, key) for child in node.children) if p is not None]
        return frozenset.intersection(*bounded) if bounded else None
    if isinstance(node, Any_):
        parts = [_possible(child, key) for child in node.children]
        if any(part is None for part in parts):
            return None
        return frozenset().union(*[part for part in parts if part is not None])
    return None


def _possible_leaf(leaf: Condition, key: str) -> frozenset[str] | None:
    if not isinstance(leaf, Comparison) or leaf.selector.simple_key != key or leaf.operator != "=":
        return None
    matcher = leaf.matcher
    if (
        isinstance(matcher, TextValue)
        and not (matcher.any_prefix or matcher.any_suffix)
        and not NUMBER.match(matcher.text)
    ):
        return frozenset({matcher.text})
    return None


#: Marks a root member known to be absent, for :meth:`JsonPattern.decide`.
MISSING: Final = object()


def load_object(message: str | bytes) -> dict[str, Any] | None:
    """Return the message as a JSON object, or None when it is not one."""
    try:
        document = orjson.loads(message)
    except orjson.JSONDecodeError:
        return None
    return document if isinstance(document, dict) else None
