"""Evaluating expressions on one row: field lookup, comparisons, arithmetic and functions.

An absent field is ``None``. Every comparison with an absent side is false (``!=`` too), and
``and``/``or``/``not`` are two-valued. A numeric string compares and computes as its number.
Decisions where AWS is silent are listed in docs/insights.md.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Final

from schemalog.insights import nodes

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


class Moment(int):
    """Epoch milliseconds that print as AWS prints times: ``2026-11-22 19:20:24.198``."""

    def __str__(self) -> str:
        moment = _EPOCH + timedelta(milliseconds=int(self))
        return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def timestamp_ms(text: Any) -> Moment | None:
    """Return an event's ``@timestamp`` from its RFC 3339 ``timestamp`` (None if unreadable)."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Moment((moment - _EPOCH) // timedelta(milliseconds=1))


def lookup(row: Mapping[str, Any], name: str) -> Any:
    """Return a field's value: the key itself, else a dotted path into nested objects and lists."""
    if name in row:
        return row[name]
    if "." not in name:
        return None
    value: Any = row
    for part in name.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def number(value: Any) -> float | int | None:
    """Return the value as a number, if it is one or a numeric string (booleans are not)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return _numeric_text(value)
    return None


@lru_cache(maxsize=65536)
def _numeric_text(value: str) -> float | int | None:
    """Return the number a string spells (cached: filters test the same strings again and again)."""
    try:
        parsed = float(value)
    except ValueError:
        return None
    return int(parsed) if parsed.is_integer() and "." not in value else parsed


def text(value: Any) -> str:
    """Return the value as the string a ``like`` or string comparison sees (JSON spelling)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compare(op: str, left: Any, right: Any) -> bool:
    """``= != < <= > >=`` between two values; false when either is absent."""
    if left is None or right is None:
        return False
    a: Any = number(left)
    b: Any = number(right)
    if a is None or b is None:
        a, b = text(left), text(right)
    if op == "=":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    return _ORDER[op](a, b)


_ARITHMETIC: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "^": operator.pow,
}


def arithmetic(op: str, left: Any, right: Any) -> float | int | None:
    """Compute ``+ - * / % ^`` on numbers (None: not numbers, division by zero, overflow).

    A result that is not a real number (``(-8) ^ 0.5``) is None as well.
    """
    a, b = number(left), number(right)
    if a is None or b is None:
        return None
    try:
        result = _ARITHMETIC[op](a, b)
    except (ArithmeticError, ValueError):  # division by zero, overflow
        return None
    return result if isinstance(result, int | float) else None  # (-8) ^ 0.5 is complex


def truth(value: Any) -> bool:
    """Whether a value counts as true in ``filter`` (absent, false, 0 and "" do not)."""
    return bool(value) and value != "false"


def evaluate(expr: nodes.Expr, row: Mapping[str, Any]) -> Any:
    """Return the value of an expression on one row (aggregates are evaluated by ``stats``)."""
    if isinstance(expr, nodes.Literal):
        return expr.value
    if isinstance(expr, nodes.Field):
        return lookup(row, expr.name)
    if isinstance(expr, nodes.Binary):
        return _binary(expr, row)
    if isinstance(expr, nodes.Unary):
        return not truth(evaluate(expr.operand, row))
    if isinstance(expr, nodes.Call):
        return _call(expr, row)
    if isinstance(expr, nodes.ListOf):
        return [evaluate(item, row) for item in expr.items]
    raise TypeError(f"cannot evaluate {expr!r}")  # Star and Pattern only appear inside others


def _binary(expr: nodes.Binary, row: Mapping[str, Any]) -> Any:  # noqa: PLR0911 - per operator
    op = expr.op
    if op == "and":
        return truth(evaluate(expr.left, row)) and truth(evaluate(expr.right, row))
    if op == "or":
        return truth(evaluate(expr.left, row)) or truth(evaluate(expr.right, row))
    left = evaluate(expr.left, row)
    if op == "like":
        if left is None:
            return False
        if isinstance(expr.right, nodes.Pattern):
            return expr.right.regex.search(text(left)) is not None
        return text(evaluate(expr.right, row)) in text(left)
    if op == "in":
        return any(compare("=", left, item) for item in evaluate(expr.right, row))
    right = evaluate(expr.right, row)
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return compare(op, left, right)
    return arithmetic(op, left, right)


def _call(expr: nodes.Call, row: Mapping[str, Any]) -> Any:  # noqa: PLR0911 - per function
    name = expr.name
    args = [evaluate(arg, row) for arg in expr.args]
    first = args[0] if args else None
    if name == "ispresent":
        return first is not None
    if name == "isempty":
        return first is None or first == ""
    if name == "isblank":
        return first is None or (isinstance(first, str) and not first.strip())
    if name == "bin":
        stamp = lookup(row, "@timestamp")
        return None if stamp is None else Moment(stamp - stamp % first)
    if name == "coalesce":
        return next((value for value in args if value is not None), None)
    if first is None:
        return None
    if name == "concat":
        return "".join(text(value) for value in args if value is not None)
    if name in ("strlen", "tolower", "toupper"):
        value = text(first)
        return len(value) if name == "strlen" else getattr(str, name[2:])(value)
    numeric = number(first)
    if numeric is None:
        return None
    rounding: dict[str, Callable[[float], float | int]] = {
        "abs": abs,
        "floor": math.floor,
        "ceil": math.ceil,
    }
    return rounding[name](numeric)
