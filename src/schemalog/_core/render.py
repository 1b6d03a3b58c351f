r"""Render a record as exactly one JSON line, within a size limit.

orjson escapes every control character, so ``\n`` in a value never splits a line; the three
other characters some readers treat as line breaks (U+0085, U+2028, U+2029) are escaped too.
A line over the limit has its longest strings cut (then its largest values replaced) and
lists what was cut in ``truncated``.
"""

from __future__ import annotations

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
#: What even the last resort never cuts: the short stamps, and the list of what was cut.
_NEVER_CUT: Final = frozenset({"timestamp", "level", "event_id", "schema_version", "truncated"})
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
    resort keeps only the envelope. ``record`` is updated in place (with ``truncated``), its
    values replaced by copies first, so the caller's own objects are never cut. The strings are
    collected once, so the cost stays linear in the size of the record.
    """
    # Cut a copy, read back from the line: the values may be the caller's own dicts and lists.
    fresh = orjson.loads(line)
    record.clear()
    record.update(fresh)
    cut: list[str] = []
    line = _cut(record, line, max_bytes, cut, _UNCUT)
    if len(line) > max_bytes:
        for key in [k for k in record if k not in _UNCUT]:
            del record[key]
        record["truncated"] = cut = ["$"]
        line = render(record)
        if len(line) > max_bytes:  # an envelope value too long by itself (a huge session_id)
            line = _cut(record, line, max_bytes, cut, _NEVER_CUT)
    return line, record["truncated"]


def _cut(
    record: dict[str, Any], line: bytes, max_bytes: int, cut: list[str], skip: frozenset[str]
) -> bytes:
    """Cut values of ``record`` but those under ``skip`` until its line fits; return the line."""
    leaves = _string_leaves(record, skip)
    for _ in range(8):
        excess = len(line) - max_bytes
        if excess <= 0:
            break
        if not _cut_longest_strings(leaves, excess, cut):
            replaced = _replace_largest_value(record, cut, skip)
            if replaced is None:
                break
            leaves = [leaf for leaf in leaves if _top(leaf[3]) != replaced]
        record["truncated"] = sorted(set(cut))
        line = render(record)
    return line


#: Strings shorter than this are never cut (the marker would not save anything).
_MIN_CUT_BYTES: Final = 64


#: A string worth cutting: its text, the container holding it, its key there, and the trail
#: of keys that leads to it (linked pairs, unwound only for the strings actually cut).
_Leaf = tuple[str, Any, Any, Any]


def _string_leaves(record: dict[str, Any], skip: frozenset[str]) -> list[_Leaf]:
    """Return the strings worth cutting, shortest first (the longest is popped first)."""
    leaves: list[_Leaf] = []
    stack: list[tuple[Any, Any, Any, Any]] = [
        (value, record, key, (None, key)) for key, value in record.items() if key not in skip
    ]
    while stack:
        value, container, key, trail = stack.pop()
        if isinstance(value, str):
            if _cuttable(value):
                leaves.append((value, container, key, trail))
        elif isinstance(value, dict):
            stack.extend((item, value, name, (trail, name)) for name, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, value, index, (trail, index)) for index, item in enumerate(value))
    leaves.sort(key=lambda leaf: len(leaf[0]))
    return leaves


def _cuttable(text: str) -> bool:
    """Return whether ``text`` takes at least :data:`_MIN_CUT_BYTES` bytes in UTF-8."""
    if len(text) >= _MIN_CUT_BYTES:
        return True
    if text.isascii() or len(text) * 4 < _MIN_CUT_BYTES:  # 4: the most bytes a character takes
        return False
    return len(text.encode("utf-8", "surrogatepass")) >= _MIN_CUT_BYTES


def _top(trail: Any) -> Any:
    while trail[0] is not None:
        trail = trail[0]
    return trail[1]


def _path(trail: Any) -> str:
    parts = []
    while trail is not None:
        trail, part = trail
        parts.append(part)
    return json_path(reversed(parts))


def _cut_longest_strings(leaves: list[_Leaf], excess: int, cut: list[str]) -> bool:
    """Cut the longest strings left in ``leaves`` until about ``excess`` bytes are saved."""
    saved = 0
    while leaves and saved < excess:
        text, container, key, trail = leaves.pop()
        encoded_length = len(text.encode("utf-8", "surrogatepass"))
        # Keep at least a little of the string; 64 bytes of slack covers the marker and escaping.
        keep = max(16, len(text) - (excess - saved + 64) * len(text) // max(encoded_length, 1))
        if keep >= len(text):
            keep = len(text) // 2
        container[key] = f"{text[:keep]}...[truncated {len(text) - keep} characters]"
        cut.append(_path(trail))
        saved += encoded_length * (len(text) - keep) // len(text) - 40
    return saved > 0


def _replace_largest_value(
    record: dict[str, Any], cut: list[str], skip: frozenset[str]
) -> str | None:
    """Replace the largest value by a marker; return its key (None when nothing is left)."""
    sizes = [
        (len(render({"v": value})), key)
        for key, value in record.items()
        if key not in skip and not (isinstance(value, str) and len(value) < 64)
    ]
    if not sizes:
        return None
    size, key = max(sizes)
    record[key] = f"[truncated: {size} bytes]"
    cut.append(json_path([key]))
    return key
