"""Space-delimited patterns: ``[ip, user, ..., status_code = 4*, bytes > 1000]``.

The event splits on spaces; a run inside ``[...]`` or ``"..."`` is one field, kept without its
brackets or quotes. Decisions where AWS is silent or inconsistent:

- Without ``...``, the event needs at least as many fields as the pattern has entries, and the
  last entry takes the rest of the line (so ``[w1=ERROR, w2]`` matches ``ERROR a b c``).
- ``...`` takes any number of fields (none included); one ``...`` per pattern.
- All conditions in one entry test the same field; names compare without case in that check
  (AWS's own example writes ``w1=ERROR || W1=WARNING``). A condition on two fields in one entry
  is rejected.
- An empty entry (``[a, , b]`` or a trailing comma) is an unnamed field.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from schemalog.filters.base import MAX_REGEXES, Pattern
from schemalog.filters.conditions import Leaf, Node, parse_or, read_operator, read_value
from schemalog.filters.lexer import Cursor
from schemalog.filters.values import Matcher, compare_field

_NAME_START: Final = frozenset(string.ascii_letters + "_")
_NAME_CHARS: Final = frozenset(string.ascii_letters + string.digits + "_")
_SPACE: Final = " \t"


@dataclass(frozen=True)
class FieldCondition:
    """``name op value`` inside one entry."""

    name: str
    operator: str
    matcher: Matcher


@dataclass(frozen=True)
class Entry:
    """One comma-separated entry: a name (maybe with conditions), an empty field, or ``...``."""

    name: str | None
    condition: Node[FieldCondition] | None = None
    ellipsis: bool = False

    def test(self) -> Callable[[str], bool] | None:
        """The function checking the entry's conditions on a field's text, if it has any."""
        if self.condition is None:
            return None
        return self.condition.compile(_compile_leaf)


def _compile_leaf(leaf: FieldCondition) -> Callable[[str], bool]:
    operator, matcher = leaf.operator, leaf.matcher
    return lambda text: compare_field(operator, matcher, text)


def split_fields(message: str) -> list[tuple[str, int]]:
    """Split a message into ``(field, offset)`` pairs, as space-delimited patterns see it."""
    fields: list[tuple[str, int]] = []
    index, size = 0, len(message)
    while True:
        while index < size and message[index] in _SPACE:
            index += 1
        if index >= size:
            return fields
        start = index
        opener = message[index]
        if opener in '["':
            closer = "]" if opener == "[" else '"'
            close = message.find(closer, index + 1)
            while close != -1 and close + 1 < size and message[close + 1] not in _SPACE:
                close = message.find(closer, close + 1)
            if close != -1:
                fields.append((message[index + 1 : close], start))
                index = close + 1
                continue
        while index < size and message[index] not in _SPACE:
            index += 1
        fields.append((message[start:index], start))


class DelimitedPattern(Pattern):
    """A parsed ``[ ... ]`` pattern."""

    kind = "delimited"
    has_fields = True

    def __init__(self, text: str, entries: list[Entry]) -> None:
        super().__init__(text)
        self.entries = entries
        self._tests = [entry.test() for entry in entries]
        marks = [i for i, entry in enumerate(entries) if entry.ellipsis]
        self._ellipsis = marks[0] if marks else None

    @property
    def names(self) -> list[str]:
        """The named fields, in order."""
        return [entry.name for entry in self.entries if entry.name is not None]

    @property
    def conditions(self) -> list[FieldCondition]:
        """Every condition, left to right."""
        return [c for e in self.entries if e.condition is not None for c in e.condition.leaves()]

    @property
    def regex_count(self) -> int:
        """How many ``%regex%`` values the pattern holds."""
        return sum(condition.matcher.is_regex for condition in self.conditions)

    def extract(self, message: str) -> dict[str, str] | None:
        """Return ``$name`` for named fields and ``$N`` for the others; None when no match."""
        found = self._fields(message)
        return None if found is None else {key: text for _, key, text in found}

    def extract_all(self, message: str) -> dict[str, str] | None:
        """Return :meth:`extract` plus ``$N`` for the named fields too (for field references)."""
        found = self._fields(message)
        if found is None:
            return None
        values = {f"${index + 1}": text for index, _, text in found}
        values.update((key, text) for _, key, text in found)
        return values

    def _fields(self, message: str) -> list[tuple[int, str, str]] | None:
        """Return ``(field index, key, text)`` for each field, in order; None when no match."""
        fields = split_fields(message)
        entries = self.entries
        if not entries:
            return [(i, f"${i + 1}", value) for i, (value, _) in enumerate(fields)]
        pairs: list[tuple[int, int]] = []  # (entry index, field index)
        if self._ellipsis is None:
            if len(fields) < len(entries):
                return None
            pairs = [(i, i) for i in range(len(entries))]
            texts = [value for value, _ in fields[: len(entries)]]
            if len(fields) > len(entries):
                texts[-1] = message[fields[len(entries) - 1][1] :].rstrip(_SPACE)
        else:
            head = self._ellipsis
            tail = len(entries) - head - 1
            if len(fields) < head + tail:
                return None
            pairs = [(i, i) for i in range(head)]
            pairs += [(head + 1 + k, len(fields) - tail + k) for k in range(tail)]
            texts = [value for value, _ in fields]
        found: list[tuple[int, str, str]] = []  # (field index, key, text)
        covered = set()
        for entry_index, field_index in pairs:
            text = texts[field_index]
            test = self._tests[entry_index]
            if test is not None and not test(text):
                return None
            covered.add(field_index)
            name = entries[entry_index].name
            found.append((field_index, f"${name}" if name else f"${field_index + 1}", text))
        if self._ellipsis is not None:
            found += [
                (index, f"${index + 1}", text)
                for index, text in enumerate(texts)
                if index not in covered
            ]
        return sorted(found)


def parse_delimited(text: str, start: int) -> DelimitedPattern:
    """Parse the space-delimited pattern whose ``[`` is at ``start`` in ``text``."""
    close = len(text.rstrip()) - 1
    if close <= start or text[close] != "]":
        raise Cursor(text).error(
            "a space-delimited pattern must end with ']'", at=max(close, start)
        )
    cursor = Cursor(text, start + 1, close)
    entries: list[Entry] = []
    regexes = 0  # a running count: checking the quota does not rescan earlier entries
    saw_comma = False
    while True:
        cursor.skip_space()
        if cursor.pos >= cursor.end:
            if saw_comma:
                entries.append(Entry(None))
            break
        entry, regexes = _next_entry(cursor, entries, regexes)
        entries.append(entry)
        cursor.skip_space()
        if cursor.pos >= cursor.end:
            break
        if not cursor.take(","):
            raise cursor.error(f"expected ',' or ']', found {cursor.describe_next()}")
        saw_comma = True
    return DelimitedPattern(text, entries)


def _next_entry(cursor: Cursor, before: list[Entry], regexes: int) -> tuple[Entry, int]:
    """Read one entry, checking it against the entries ``before`` it (names, quotas).

    ``regexes`` counts the ``%regex%`` values before it; return the entry and the new count.
    """
    entry_at = cursor.pos
    if cursor.startswith(","):
        return Entry(None), regexes
    if cursor.take("..."):
        if any(entry.ellipsis for entry in before):
            raise cursor.error("only one '...' per pattern", at=entry_at)
        return Entry(None, ellipsis=True), regexes
    entry = _entry(cursor)
    if entry.condition is not None:
        regexes += sum(leaf.matcher.is_regex for leaf in entry.condition.leaves())
    if regexes > MAX_REGEXES:
        raise cursor.error(f"more than {MAX_REGEXES} %regex% in one pattern", at=entry_at)
    name = (entry.name or "").lower()
    if any((other.name or "").lower() == name for other in before if other.name):
        raise cursor.error(f"field name {entry.name!r} is used twice", at=entry_at)
    return entry, regexes


def _read_name(cursor: Cursor) -> str:
    start = cursor.pos
    if cursor.pos >= cursor.end or cursor.text[cursor.pos] not in _NAME_START:
        raise cursor.error(
            "expected a field name (a letter or '_' first), '...' or ',',"
            f" found {cursor.describe_next()}"
        )
    while cursor.pos < cursor.end and cursor.text[cursor.pos] in _NAME_CHARS:
        cursor.pos += 1
    return cursor.text[start : cursor.pos]


def _entry(cursor: Cursor) -> Entry:
    start = cursor.pos
    name = _read_name(cursor)
    cursor.skip_space()
    if cursor.pos >= cursor.end or cursor.startswith(","):
        return Entry(name)
    if cursor.peek() not in "=!<>":
        raise cursor.error(
            f"expected ',' or ']' (or a comparison) after {name!r}, found {cursor.describe_next()}"
        )
    cursor.pos = start

    def primary(inner: Cursor) -> Node[FieldCondition]:
        inner.skip_space()
        at = inner.pos
        field = _read_name(inner)
        if field.lower() != name.lower():
            raise inner.error(
                f"one entry can test only one field: {field!r} here, {name!r} before", at=at
            )
        operator = read_operator(inner)
        matcher = read_value(inner, operator)
        return Leaf(FieldCondition(field, operator, matcher))

    condition = parse_or(cursor, primary)
    return Entry(name, condition)
