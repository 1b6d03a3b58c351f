"""CloudWatch metric math, evaluated locally on per-period series.

A series maps period starts (epoch seconds) to values. Supported: numbers, metric ids,
``+ - * /``, comparisons and ``AND``/``OR``/``NOT`` (1 or 0), ``SUM``, ``AVG``, ``FILL``, ``IF``
and ``METRICS()``. As in CloudWatch, arithmetic between two series keeps the timestamps both
have, ``SUM``/``AVG`` of an array of series work per timestamp and of one series give a scalar,
and ``FILL`` gives a value to every period of the time range. A division by zero gives no
datapoint at that timestamp (AWS leaves this open; docs/insights.md records the choice).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from schemalog.exceptions import QueryError
from schemalog.insights.lexer import END, NAME, NUMBER, OP, Token, tokenize

Series = dict[int, float]
Value = float | Series | list[Series] | None

_OPERATORS: Final[dict[str, Callable[[float, float], float]]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "<": lambda a, b: float(a < b),
    "<=": lambda a, b: float(a <= b),
    ">": lambda a, b: float(a > b),
    ">=": lambda a, b: float(a >= b),
    "==": lambda a, b: float(a == b),
    "=": lambda a, b: float(a == b),
    "!=": lambda a, b: float(a != b),
    "and": lambda a, b: float(bool(a) and bool(b)),
    "or": lambda a, b: float(bool(a) or bool(b)),
}
#: Functions and how many arguments each takes.
FUNCTIONS: Final = {"SUM": (1, 1), "AVG": (1, 1), "FILL": (2, 2), "IF": (2, 3), "METRICS": (0, 0)}


@dataclass(frozen=True)
class Number:
    """A constant."""

    value: float


@dataclass(frozen=True)
class Ref:
    """A metric (or another expression) by its id."""

    id: str
    position: int


@dataclass(frozen=True)
class Apply:
    """An operator or a function applied to its arguments."""

    name: str
    args: tuple[Node, ...]


Node = Number | Ref | Apply


def parse_expression(text: str) -> Node:
    """Parse a metric math expression; QueryError names the position of a problem."""
    parser = _Parser(tokenize(text))
    node = parser.disjunction()
    if parser.token.kind != END:
        raise QueryError(parser.token.position, f"unexpected {parser.token.text!r}")
    return node


def references(node: Node) -> list[str]:
    """Return the ids an expression reads, in order of appearance."""
    if isinstance(node, Ref):
        return [node.id]
    if isinstance(node, Apply):
        return [name for arg in node.args for name in references(arg)]
    return []


def evaluate(  # noqa: PLR0911 - one return per kind of node
    node: Node, metrics: Mapping[str, Series], timeline: Sequence[int]
) -> Value:
    """Evaluate on ``metrics`` (id -> series) over the periods of ``timeline``."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        if node.id not in metrics:
            raise QueryError(node.position, f"no metric or expression with id {node.id!r}")
        return dict(metrics[node.id])
    args = [evaluate(arg, metrics, timeline) for arg in node.args]
    if node.name in _OPERATORS:
        return _combine(_OPERATORS[node.name], args[0], args[1])
    if node.name == "not":
        return _combine(lambda a, _: float(not a), args[0], 0.0)
    if node.name == "METRICS":
        return [dict(series) for series in metrics.values()]
    if node.name == "FILL":
        return _map_series(args[0], lambda series: _fill(series, args[1], timeline))
    if node.name == "IF":
        return _if(args)
    return _reduce(node.name, args[0])


def _combine(op: Callable[[float, float], float], left: Value, right: Value) -> Value:
    if isinstance(left, list):
        return [_as_series(_combine(op, item, right)) for item in left]
    if isinstance(right, list):
        return [_as_series(_combine(op, left, item)) for item in right]
    if left is None or right is None:
        return None
    if isinstance(left, dict) or isinstance(right, dict):
        stamps = _stamps(left, right)
        out: Series = {}
        for stamp in stamps:
            value = _apply(op, _at(left, stamp), _at(right, stamp))
            if value is not None:
                out[stamp] = value
        return out
    return _apply(op, left, right)


def _apply(op: Callable[[float, float], float], a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    try:
        value = op(a, b)
    except ZeroDivisionError:
        return None
    return value if math.isfinite(value) else None


def _stamps(left: float | Series, right: float | Series) -> list[int]:
    if isinstance(left, dict) and isinstance(right, dict):
        return sorted(left.keys() & right.keys())
    return sorted(left if isinstance(left, dict) else right)  # type: ignore[arg-type]


def _at(value: float | Series, stamp: int) -> float | None:
    return value.get(stamp) if isinstance(value, dict) else value


def _as_series(value: Value) -> Series:
    return value if isinstance(value, dict) else {}


def _map_series(value: Value, change: Callable[[Series], Series]) -> Value:
    if isinstance(value, list):
        return [change(series) for series in value]
    if isinstance(value, dict):
        return change(value)
    return value


def _fill(series: Series, filler: Value, timeline: Sequence[int]) -> Series:
    out = dict(series)
    for stamp in timeline:
        if stamp not in out:
            value = _at(filler, stamp) if isinstance(filler, float | int | dict) else None
            if value is not None:
                out[stamp] = value
    return dict(sorted(out.items()))


def _if(args: list[Value]) -> Value:
    condition, then = args[0], args[1]
    otherwise = args[2] if len(args) > 2 else None
    if not isinstance(condition, dict):
        return then if condition else otherwise
    out: Series = {}
    for stamp, flag in condition.items():
        chosen = then if flag else otherwise
        value = _at(chosen, stamp) if isinstance(chosen, float | int | dict) else None
        if value is not None:
            out[stamp] = value
    return out


def _reduce(name: str, value: Value) -> Value:
    """SUM or AVG: per timestamp over an array of series, else over one series' points."""
    mean = name == "AVG"
    if isinstance(value, list):
        stamps = sorted({stamp for series in value for stamp in series})
        out: Series = {}
        for stamp in stamps:
            points = [series[stamp] for series in value if stamp in series]
            out[stamp] = math.fsum(points) / (len(points) if mean else 1)
        return out
    if isinstance(value, dict):
        if not value:
            return None
        return math.fsum(value.values()) / (len(value) if mean else 1)
    return value


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def take(self, kind: str, *texts: str) -> Token | None:
        token = self.token
        spelled = token.text.lower() if kind == NAME else token.text
        if token.kind == kind and (not texts or spelled in texts):
            self.at += 1
            return token
        return None

    def binary(self, kind: str, texts: tuple[str, ...], next_level: Callable[[], Node]) -> Node:
        left = next_level()
        while (op := self.take(kind, *texts)) is not None:
            left = Apply(op.text.lower(), (left, next_level()))
        return left

    def disjunction(self) -> Node:
        return self.binary(NAME, ("or",), self.conjunction)

    def conjunction(self) -> Node:
        return self.binary(NAME, ("and",), self.negation)

    def negation(self) -> Node:
        if self.take(NAME, "not"):
            return Apply("not", (self.negation(),))
        return self.binary(OP, ("<", "<=", ">", ">=", "==", "=", "!="), self.additive)

    def additive(self) -> Node:
        return self.binary(OP, ("+", "-"), self.multiplicative)

    def multiplicative(self) -> Node:
        return self.binary(OP, ("*", "/"), self.unary)

    def unary(self) -> Node:
        if self.take(OP, "-"):
            return Apply("-", (Number(0.0), self.unary()))
        return self.primary()

    def primary(self) -> Node:
        token = self.token
        if self.take(NUMBER):
            return Number(float(token.text))
        if self.take(OP, "("):
            inner = self.disjunction()
            self.expect(")")
            return inner
        if self.take(NAME):
            if self.take(OP, "("):
                return self.call(token)
            if not token.text[:1].islower():
                raise QueryError(
                    token.position, f"an id starts with a lowercase letter: {token.text!r}"
                )
            return Ref(token.text, token.position)
        found = "the end" if token.kind == END else repr(token.text)
        raise QueryError(token.position, f"expected a number, an id or a function, found {found}")

    def call(self, token: Token) -> Node:
        name = token.text.upper()
        if name not in FUNCTIONS:
            raise QueryError(token.position, f"unknown or unsupported function {token.text!r}")
        args: list[Node] = []
        if not self.take(OP, ")"):
            args.append(self.disjunction())
            while self.take(OP, ","):
                args.append(self.disjunction())
            self.expect(")")
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            raise QueryError(token.position, f"{name} takes {low} to {high} arguments")
        return Apply(name, tuple(args))

    def expect(self, text: str) -> None:
        if not self.take(OP, text):
            raise QueryError(self.token.position, f"expected {text!r}")
