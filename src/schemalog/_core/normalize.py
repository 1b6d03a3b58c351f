"""Turn any Python value into plain JSON data, before validation and rendering.

Validation and rendering both see the normalized value, so a schema judges exactly what the
line will carry. Values JSON knows pass through untouched (the common case costs one type check
per field); known types get a clear JSON form; anything else becomes its ``repr``, scanned for
secrets. Nothing here raises, and the cost is linear in the size of the value: each node is
visited once, and what lies past the limits is replaced by a marker with a note (a
:class:`~schemalog.record.SchemaIssue` added to ``notes``, which the line carries in
``schema_errors``):

* containers nested deeper than :data:`MAX_DEPTH`, a container that contains itself, and
  everything past the first :data:`MAX_NODES` values;
* integers beyond 64 bits and decimals beyond a float's range become strings;
* strings holding lone surrogates (which UTF-8 cannot carry) get U+FFFD in their place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re
import sys
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from schemalog._core.scan import scrub_text
from schemalog.record import SchemaIssue, json_path

if TYPE_CHECKING:
    from decimal import Decimal

_modules: Final = sys.modules
_PLAIN: Final = frozenset({str, bool, type(None)})
_INT64_MIN: Final = -(2**63)
_UINT64_MAX: Final = 2**64 - 1
#: Deeper structures are cut here: orjson refuses more than 254 levels, and no event needs 32.
MAX_DEPTH: Final = 32
#: Values normalized per call at most; a shared sub-structure counts each time it appears, so
#: a value shared at every level (2**32 paths in 64 objects) is cut too.
MAX_NODES: Final = 10_000
#: Decimals whose exponent is beyond this become strings (a float would be infinite or zero).
_DECIMAL_EXPONENT_LIMIT: Final = 300
#: Lone surrogates (compiled on first use, by re's cache: rare text).
_SURROGATES: Final = "[\ud800-\udfff]"


def normalize_fields(
    fields: Mapping[str, Any], *, notes: list[SchemaIssue] | None = None
) -> dict[str, Any]:
    """Return ``fields`` with every value normalized; the same dict when nothing changes.

    Problems with the values (see the module's docstring) are appended to ``notes``.
    """
    changed: dict[str, Any] | None = None
    odd_keys = False
    walker: _Normalizer | None = None
    for key, value in fields.items():
        if type(key) is not str or not (key.isascii() or _encodable(key)):
            odd_keys = True
        kind = type(value)
        if kind is str:
            if value.isascii() or _encodable(value):
                continue
        elif kind in _PLAIN or (kind is int and _INT64_MIN <= value <= _UINT64_MAX):
            continue
        if walker is None:
            walker = _Normalizer(notes)
        new = walker.value(value, 0, [key])
        if new is not value:
            if changed is None:
                changed = {}
            changed[key] = new
    if odd_keys:
        walker = walker or _Normalizer(notes)
        changed = {walker.key(k, []): (changed or {}).get(k, v) for k, v in fields.items()}
    if walker is not None:
        walker.finish()
    if odd_keys:
        return changed or {}
    if changed is None:
        return fields if type(fields) is dict else dict(fields)
    return {**fields, **changed}


def normalize(value: Any, depth: int = 0, *, notes: list[SchemaIssue] | None = None) -> Any:
    """Return ``value`` as JSON data: str, int, float, bool, None, list or dict with str keys."""
    kind = type(value)
    if (kind is str and value.isascii()) or kind is bool or value is None:
        return value
    walker = _Normalizer(notes)
    new = walker.value(value, depth, [])
    walker.finish()
    return new


def format_datetime(value: dt.datetime) -> str:
    """Return an aware datetime in UTC as RFC 3339 with ``Z``; a naive one as written."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.isoformat()
    text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


#: Exact types normalized by one call, looked up before the isinstance chain.
_EXACT: Final[dict[type, Callable[[Any], Any]]] = {
    uuid.UUID: str,
    dt.datetime: format_datetime,
    dt.date: dt.date.isoformat,
    dt.time: dt.time.isoformat,
    dt.timedelta: dt.timedelta.total_seconds,
}


def _path_text(path: list[str | int]) -> str:
    """Return ``path`` as ``$.a[0]``, its names made writable (a key may hold a surrogate)."""
    return json_path(p if isinstance(p, int) else re.sub(_SURROGATES, "\ufffd", p) for p in path)


#: The item types of a list of strings.
_ONLY_STR: Final = frozenset({str})


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Normalizer:
    """One normalization: the notes it makes, the containers being walked, the values seen."""

    __slots__ = ("active", "budget", "notes", "seen")

    def __init__(self, notes: list[SchemaIssue] | None) -> None:
        self.notes = notes
        self.active: set[int] = set()  # ids of the containers on the current path: cycles
        self.budget = MAX_NODES
        self.seen: dict[str, tuple[str, int]] = {}  # reason: first path, count

    def note(self, path: list[str | int], reason: str) -> None:
        """Note a problem; a reason met many times is noted once, at its first place."""
        if self.notes is not None:
            first, count = self.seen.get(reason) or (_path_text(path), 0)
            self.seen[reason] = (first, count + 1)

    def finish(self) -> None:
        """Add the notes, each with how many more places it applies to."""
        for reason, (path, count) in self.seen.items():
            more = f" (and {count - 1} more places)" if count > 1 else ""
            self.notes.append(SchemaIssue(path, reason + more))  # type: ignore[union-attr]
        self.seen.clear()

    def value(self, value: Any, depth: int, path: list[str | int]) -> Any:  # noqa: PLR0911
        kind = type(value)
        if kind is str:
            return value if value.isascii() else self.text(value, path)
        if kind is bool or value is None:
            return value
        self.budget -= 1
        if self.budget < 0:
            if self.budget == -1:
                self.note(path, f"more than {MAX_NODES} values, the rest cut")
            return "<cut: too many values>"
        if kind is int:
            return value if _INT64_MIN <= value <= _UINT64_MAX else self.big_int(value, path)
        if kind is float:
            return value if math.isfinite(value) else None
        if depth >= MAX_DEPTH:
            self.note(path, f"nested deeper than {MAX_DEPTH} levels, cut")
            return f"<deeper than {MAX_DEPTH} levels: {kind.__name__}>"
        if id(value) in self.active:
            self.note(path, "contains itself, the cycle cut")
            return f"<cycle: {kind.__name__}>"
        self.active.add(id(value))
        try:
            if kind is dict:
                return self.mapping(value, depth + 1, path)
            if kind is list:
                return self.sequence(value, depth + 1, path)
            return self.other(value, depth + 1, path)
        except Exception:  # a broken __iter__, asdict or isoformat must not break an emit
            return safe_repr(value)
        finally:
            self.active.discard(id(value))

    def text(self, value: str, path: list[str | int]) -> str:
        if _encodable(value):
            return value
        self.note(path, "lone surrogates replaced with U+FFFD")
        return re.sub(_SURROGATES, "\ufffd", value)

    def big_int(self, value: int, path: list[str | int]) -> str:
        # Exact as a string where orjson would refuse it (and a float would round it).
        self.note(path, "integer beyond 64 bits, written as a string")
        digits = sys.get_int_max_str_digits()  # 0: no limit
        if digits and value.bit_length() > digits * 3:  # str() would refuse it
            return f"<integer of {value.bit_length()} bits>"
        return str(value)

    def other(self, value: Any, depth: int, path: list[str | int]) -> Any:  # noqa: PLR0911, PLR0912
        exact = _EXACT.get(type(value))
        if exact is not None:  # the common non-JSON types, without the isinstance chain
            return exact(value)
        if isinstance(value, Mapping):
            return self.mapping(value, depth, path)
        if isinstance(value, enum.Enum):
            return self.value(value.value, depth, path)
        if isinstance(value, tuple) and hasattr(value, "_fields"):  # namedtuple: keep the names
            return self.mapping(dict(zip(value._fields, value, strict=True)), depth, path)
        if isinstance(value, list | tuple):
            return self.sequence(value, depth, path)
        if isinstance(value, str):  # str subclasses
            return self.value(str(value), depth, path)
        if isinstance(value, bool | int):  # int subclasses other than enums
            return self.value(int(value), depth, path)
        if isinstance(value, float):
            return self.value(float(value), depth, path)
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, dt.timedelta):
            return value.total_seconds()
        if isinstance(value, uuid.UUID):
            return str(value)
        decimal = _modules.get("decimal") or _modules.get("_decimal")  # not imported: no Decimal
        if decimal is not None and isinstance(value, decimal.Decimal):
            return self.decimal(value, path)
        if isinstance(value, bytes | bytearray | memoryview):
            return _normalize_bytes(bytes(value))
        if isinstance(value, set | frozenset):
            return self.unordered(value, depth, path)
        pathlib = _modules.get("pathlib")  # not imported: no path either
        if pathlib is not None and isinstance(value, pathlib.PurePath):
            return self.value(str(value), depth, path)
        if isinstance(value, BaseException):
            return scrub_text(self.value(f"{type(value).__name__}: {value}", depth, path))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return self.mapping(fields, depth, path)
        model_dump = getattr(value, "model_dump", None)  # pydantic v2 models
        if callable(model_dump):
            return self.value(model_dump(mode="json"), depth, path)
        return self.value(safe_repr(value), depth, path)

    def mapping(self, value: Mapping[Any, Any], depth: int, path: list[str | int]) -> Any:
        pairs = []
        same = type(value) is dict
        for key, item in value.items():
            name = self.key(key, path)
            path.append(name)
            new = self.value(item, depth, path)
            path.pop()
            same = same and new is item and name is key
            pairs.append((name, new))
        return value if same else dict(pairs)

    def key(self, key: Any, path: list[str | int]) -> str:
        if type(key) is str and (key.isascii() or _encodable(key)):
            return key
        new = self.value(key, MAX_DEPTH - 1, path)
        return new if isinstance(new, str) else str(new)

    def sequence(
        self, value: list[Any] | tuple[Any, ...], depth: int, path: list[str | int]
    ) -> Any:
        same = type(value) is list
        if same and set(map(type, value)) == _ONLY_STR and all(map(str.isascii, value)):
            return value  # a list of ASCII strings (log lines): nothing to change, in C
        items = []
        for index, item in enumerate(value):
            path.append(index)
            new = self.value(item, depth, path)
            path.pop()
            same = same and new is item
            items.append(new)
        return value if same else items

    def unordered(self, value: set[Any] | frozenset[Any], depth: int, path: list[str | int]) -> Any:
        items = self.sequence(list(value), depth, path)
        try:
            return sorted(items)
        except TypeError:  # mixed types: keep a stable, readable order
            return sorted(items, key=repr)

    def decimal(self, value: Decimal, path: list[str | int]) -> int | float | str | None:
        if not value.is_finite():
            return None
        exponent = value.adjusted()  # cheap, unlike int() or float() of 1e999999
        if exponent > _DECIMAL_EXPONENT_LIMIT or exponent < -_DECIMAL_EXPONENT_LIMIT:
            self.note(path, "decimal beyond a float's range, written as a string")
            return str(value)
        if value == value.to_integral_value():
            as_int: int | str = self.value(int(value), 0, path)
            return as_int
        return float(value)


def _normalize_bytes(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        import base64  # rare: not at every start-up

        return "base64:" + base64.b64encode(value).decode("ascii")


def safe_repr(value: object, limit: int = 1000) -> str:
    """Return ``repr(value)``, cut at ``limit`` characters, secrets masked; never raises."""
    try:
        text = repr(value)
    except Exception as exc:
        return f"<{type(value).__name__} repr failed: {type(exc).__name__}>"
    if len(text) > limit:
        text = text[:limit] + "...>"
    return scrub_text(text)
