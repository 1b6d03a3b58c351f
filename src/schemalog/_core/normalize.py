"""Turn any Python value into plain JSON data, before validation and rendering.

Validation and rendering both see the normalized value, so a schema judges exactly what the
line will carry. Values JSON knows pass through untouched (the common case costs one type check
per field); known types get a clear JSON form; anything else becomes its ``repr``. Nothing here
raises.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Final

_PLAIN: Final = frozenset({str, bool, type(None)})
_INT64_MIN: Final = -(2**63)
_UINT64_MAX: Final = 2**64 - 1
#: Deeper structures are cut here: orjson refuses more than 254 levels, and no event needs 32.
MAX_DEPTH: Final = 32


def normalize_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``fields`` with every value normalized; the same dict when nothing changes."""
    changed: dict[str, Any] | None = None
    for key, value in fields.items():
        kind = type(value)
        if kind in _PLAIN or (kind is int and _INT64_MIN <= value <= _UINT64_MAX):
            continue
        new = normalize(value)
        if new is not value:
            if changed is None:
                changed = {}
            changed[key] = new
    if changed is None:
        return fields if type(fields) is dict else dict(fields)
    return {**fields, **changed}


def normalize(value: Any, depth: int = 0) -> Any:  # noqa: PLR0911
    """Return ``value`` as JSON data: str, int, float, bool, None, list or dict with str keys."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is int:
        # Exact as a string where orjson would refuse it (and a float would round it).
        return value if _INT64_MIN <= value <= _UINT64_MAX else str(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if depth >= MAX_DEPTH:
        return f"<deeper than {MAX_DEPTH} levels: {kind.__name__}>"
    try:
        if kind is dict:
            return _normalize_mapping(value, depth + 1)
        if kind is list:
            return _normalize_list(value, depth + 1)
        return _normalize_other(value, depth + 1)
    except Exception:  # a broken __iter__, asdict or isoformat must not break an emit
        return safe_repr(value)


def _normalize_other(value: Any, depth: int) -> Any:  # noqa: PLR0911, PLR0912
    if isinstance(value, Mapping):
        return _normalize_mapping(value, depth)
    if isinstance(value, enum.Enum):
        return normalize(value.value, depth)
    if isinstance(value, list | tuple):
        return _normalize_list(value, depth)
    if isinstance(value, str):  # str subclasses
        return str(value)
    if isinstance(value, bool | int):  # int subclasses other than enums
        return normalize(int(value), depth)
    if isinstance(value, float):
        return normalize(float(value), depth)
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return _normalize_decimal(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return _normalize_bytes(bytes(value))
    if isinstance(value, set | frozenset):
        return _normalize_set(value, depth)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _normalize_mapping(
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, depth
        )
    model_dump = getattr(value, "model_dump", None)  # pydantic v2 models
    if callable(model_dump):
        return normalize(model_dump(mode="json"), depth)
    return safe_repr(value)


def _normalize_mapping(value: Mapping[Any, Any], depth: int) -> dict[str, Any]:
    if type(value) is dict:
        changed: dict[Any, Any] | None = None
        for key, item in value.items():
            new = normalize(item, depth)
            if new is not item or type(key) is not str:
                if changed is None:
                    changed = {}
                changed[key] = new
        if changed is None:
            return value
    return {_normalize_key(k): normalize(v, depth) for k, v in value.items()}


def _normalize_key(key: Any) -> str:
    if type(key) is str:
        return key
    new = normalize(key, MAX_DEPTH - 1)
    return new if isinstance(new, str) else str(new)


def _normalize_list(value: list[Any] | tuple[Any, ...], depth: int) -> list[Any]:
    items = [normalize(item, depth) for item in value]
    if type(value) is list and all(new is old for new, old in zip(items, value, strict=True)):
        return value
    return items


def _normalize_set(value: set[Any] | frozenset[Any], depth: int) -> list[Any]:
    items = [normalize(item, depth) for item in value]
    try:
        return sorted(items)
    except TypeError:  # mixed types: keep a stable, readable order
        return sorted(items, key=repr)


def _normalize_decimal(value: Decimal) -> int | float | str | None:
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        as_int: int | str = normalize(int(value))
        return as_int
    return float(value)


def _normalize_bytes(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(value).decode("ascii")


def format_datetime(value: dt.datetime) -> str:
    """Return an aware datetime in UTC as RFC 3339 with ``Z``; a naive one as written."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.isoformat()
    text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def safe_repr(value: object, limit: int = 1000) -> str:
    """Return ``repr(value)``, cut at ``limit`` characters; never raises."""
    try:
        text = repr(value)
    except Exception as exc:
        return f"<{type(value).__name__} repr failed: {type(exc).__name__}>"
    if len(text) > limit:
        return text[:limit] + "...>"
    return text
