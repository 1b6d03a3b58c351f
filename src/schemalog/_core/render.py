r"""Render a record as exactly one JSON line, within a size limit.

orjson escapes every control character, so ``\n`` in a value never splits a line; the three
other characters some readers treat as line breaks (U+0085, U+2028, U+2029) are escaped too.
A line over the limit has its longest strings cut (then its largest values replaced) and
lists what was cut in ``truncated``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import orjson

from schemalog.record import RESERVED_NAMES, json_path

_LINE_BREAKS: Final = (
    (b"\xc2\x85", b"\\u0085"),
    (b"\xe2\x80\xa8", b"\\u2028"),
    (b"\xe2\x80\xa9", b"\\u2029"),
)
#: Envelope values are short and stamped by schemalog; the size guard never cuts them.
_UNCUT: Final = RESERVED_NAMES - {"message", "exception", "schema_errors"}
DEFAULT_MAX_BYTES: Final = 256 * 1024
MIN_MAX_BYTES: Final = 1024


def render(record: dict[str, Any]) -> bytes:
    """Return the record as one JSON line, without the newline."""
    try:
        line = orjson.dumps(record)
    except (TypeError, orjson.JSONEncodeError):  # lone surrogates, odd keys: the slow path
        line = orjson.dumps(_scrub(record))
    return line if line.isascii() else escape_line_breaks(line)


def escape_line_breaks(line: bytes) -> bytes:
    """Escape the characters some readers take for line breaks that JSON leaves as they are."""
    for raw, escaped in _LINE_BREAKS:
        line = line.replace(raw, escaped)
    return line


def _scrub(value: Any) -> Any:
    """Make what orjson refused renderable: lone surrogates escaped, odd objects repr'd."""
    kind = type(value)
    if kind is str:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if kind is dict:
        return {_scrub(str(k)): _scrub(v) for k, v in value.items()}
    if kind is list:
        return [_scrub(v) for v in value]
    if kind in (int, float, bool) or value is None:
        return value if kind is not int or -(2**63) <= value < 2**64 else str(value)
    return _scrub(repr(value))


def render_within(record: dict[str, Any], max_bytes: int) -> tuple[bytes, list[str]]:
    """Render ``record``, cutting it down to ``max_bytes``; return the line and what was cut."""
    line = render(record)
    if len(line) <= max_bytes:
        return line, []
    return fit(record, line, max_bytes)


def fit(record: dict[str, Any], line: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
    """Cut a record whose ``line`` is over ``max_bytes``; return the new line and what was cut.

    Cuts the longest strings first, then replaces the largest remaining values, and as a last
    resort keeps only the envelope. ``record`` is updated in place (with ``truncated``).
    """
    cut: list[str] = []
    for _ in range(8):
        excess = len(line) - max_bytes
        if excess <= 0:
            break
        if not _cut_longest_string(record, excess, cut) and not _replace_largest_value(record, cut):
            break
        record["truncated"] = sorted(set(cut))
        line = render(record)
    if len(line) > max_bytes:
        for key in [k for k in record if k not in _UNCUT]:
            del record[key]
        record["truncated"] = ["$"]
        line = render(record)
    return line, record["truncated"]


def _string_leaves(value: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _string_leaves(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_leaves(item, [*path, index])


def _set(record: dict[str, Any], path: list[str | int], value: Any) -> None:
    node: Any = record
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _cut_longest_string(record: dict[str, Any], excess: int, cut: list[str]) -> bool:
    leaves = [
        (path, text)
        for key, value in record.items()
        if key not in _UNCUT
        for path, text in _string_leaves(value, [key])
    ]
    if not leaves:
        return False
    path, text = max(leaves, key=lambda leaf: len(leaf[1]))
    encoded_length = len(text.encode("utf-8", "surrogatepass"))
    if encoded_length < 64:
        return False
    # Keep at least a little of the string; 64 bytes of slack covers the marker and escaping.
    keep = max(16, len(text) - (excess + 64) * len(text) // max(encoded_length, 1))
    if keep >= len(text):
        keep = len(text) // 2
    _set(record, path, f"{text[:keep]}...[truncated {len(text) - keep} characters]")
    cut.append(json_path(path))
    return True


def _replace_largest_value(record: dict[str, Any], cut: list[str]) -> bool:
    sizes = [
        (len(render({"v": value})), key)
        for key, value in record.items()
        if key not in _UNCUT and not (isinstance(value, str) and len(value) < 64)
    ]
    if not sizes:
        return False
    size, key = max(sizes)
    record[key] = f"[truncated: {size} bytes]"
    cut.append(json_path([key]))
    return True
