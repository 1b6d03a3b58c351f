"""The fast way for the common line: what the general check looks at, worked out per shape.

A log holds few shapes (the names of a line, in order, with its event type and version):
about one per event type. For each shape this works out once what
:meth:`LineChecker.check_record` and :func:`rows.event_row` would look at (which envelope
names are there, which names are the event's own fields, which go into ``metadata``, which
schema judges them), so a line needs one look-up and only its values checked. It answers only
"the general check passes this line, and here is its row"; whatever it is not sure of (EMF, an
unknown type, a value that fails, recorded schema errors) it leaves to the general way, which
finds the reason. tests/storage/test_shapes.py holds the two to the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Final

import orjson

from schemalog.catalog.load import Catalog
from schemalog.linecheck import ALWAYS, UUID_PATTERN, VERSION_PATTERN, LineChecker, is_timestamp
from schemalog.record import CONTEXT_NAMES, LEVELS, LOG_EVENT_TYPE, RESERVED_NAMES
from schemalog.storage.tables import EVENT_COLUMNS, MAX_EVENT_TYPE, PLAIN

#: More shapes than this (a log of free-form lines) are not remembered: memory stays bounded.
MAX_SHAPES: Final = 1024
#: Nor more type tuples seen to pass than this per shape (a shape has few: one or two).
MAX_KINDS: Final = 64
_COLUMN_NAMES: Final = frozenset(EVENT_COLUMNS)
#: What the always-there names may hold (their columns are NOT NULL), what other envelope
#: names of text may, and what a context name may (a bound number is kept).
_ALWAYS: Final[frozenset[type]] = frozenset({str})
_TEXT: Final[frozenset[type]] = frozenset({str, type(None)})
_TYPES: Final[dict[str, frozenset[type]]] = dict.fromkeys(
    CONTEXT_NAMES, frozenset({str, int, type(None)})
)

#: linecheck.is_timestamp's form with the hour, minute and second in range (ASCII digits):
#: with a real day (looked up once per day) it is what that accepts, without datetime per line.
_INSTANT: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z\Z"
)

Check = Callable[[Any], bool]
EventRow = tuple[Any, ...]
#: The schema's compiled ``is_valid`` (None for a log line, which has no schema) and its
#: required context names.
_Schema = tuple[Callable[[Any], bool] | None, tuple[str, ...]]


def _sample_rate(value: Any) -> bool:
    return value is None or (type(value) in (int, float) and 0 < value <= 1)


def _no_recorded_errors(value: Any) -> bool:
    return value is None or (type(value) is list and not value)


def _truncated(value: Any) -> bool:
    return value is None or (type(value) is list and all(isinstance(i, str) for i in value))


#: Envelope names with a check of their own (linecheck's rules); ``schema_version`` is checked
#: with the schema it names, the context names and the rest by the types they may hold.
_CHECKS: Final[dict[str, Check]] = {
    "sample_rate": _sample_rate,
    "schema_errors": _no_recorded_errors,
    "truncated": _truncated,
}
_BY_TYPE: Final = RESERVED_NAMES - frozenset(ALWAYS) - _CHECKS.keys() - {"schema_version"}


@dataclass(frozen=True, slots=True)
class Shape:
    """What the checks and the row need of lines with one shape, event type and version."""

    typed: Callable[[Any], tuple[Any, ...]]  # the envelope values judged by their type
    types: tuple[frozenset[type], ...]  # the types each of those may hold
    checks: tuple[tuple[str, Check], ...]  # the other envelope names, with their check
    is_valid: Callable[[Any], bool] | None  # the schema's (None: a log line, which has none)
    context: tuple[str, ...]  # the context names the schema requires
    fields: tuple[str, ...]  # the event's own fields, as the schema sees them
    metadata: tuple[str, ...] | None  # names without a column of their own (None: fields)
    loose: tuple[str, ...]  # columns of names the envelope checks leave open: any JSON value
    #: The types of ``typed`` values seen to pass: most lines of a shape repeat them.
    passed: set[tuple[type, ...]]


class ShapeCheck:
    """Makes the row of a line the general check surely passes; None for any other line."""

    def __init__(self, checker: LineChecker) -> None:
        self.checker = checker
        self.catalog: Catalog = checker.catalog
        self._shapes: dict[tuple[Any, ...], Shape | None] = {}
        self._days: dict[str, bool] = {}  # "YYYY-MM-DD": whether it is a real day

    def row(self, record: dict[str, Any]) -> EventRow | None:
        """Return ``rows.event_row(record)`` when the general check passes it; else None."""
        try:  # one look-up per line: its event type, version and names
            key = (record["event_type"], record.get("schema_version"), *record)
            shape = self._shapes.get(key)
        except (KeyError, TypeError):  # no event type, or one that is no text: the general way
            return None
        if shape is None and key not in self._shapes:
            shape = self._learn(key)
        if shape is None or not self._envelope_passes(record, shape):
            return None
        for name in shape.context:
            if record.get(name) is None:
                return None
        fields = {name: record[name] for name in shape.fields}
        if shape.is_valid is not None and not shape.is_valid(fields):
            return None
        for name in shape.loose:
            if type(record[name]) not in PLAIN:
                return None  # stored as its JSON text: the general way does that
        if shape.metadata is not None:
            fields = {name: record[name] for name in shape.metadata}
        return (*map(record.get, EVENT_COLUMNS), orjson.dumps(fields).decode())

    def _envelope_passes(self, record: dict[str, Any], shape: Shape) -> bool:
        kinds = tuple(map(type, shape.typed(record)))
        if kinds not in shape.passed:
            if not all(map(frozenset.__contains__, shape.types, kinds)):
                return False
            if len(shape.passed) < MAX_KINDS:
                shape.passed.add(kinds)
        stamp = record["timestamp"]
        return bool(
            UUID_PATTERN.match(record["event_id"])
            and record["level"] in LEVELS
            and _INSTANT.match(stamp)
            and (self._days.get(stamp[:10]) or self._real_day(stamp[:10]))
            and (not shape.checks or all(check(record[name]) for name, check in shape.checks))
        )

    def _real_day(self, day: str) -> bool:
        real = is_timestamp(f"{day}T00:00:00.000Z")
        if len(self._days) < MAX_SHAPES:
            self._days[day] = real
        return real

    def _learn(self, key: tuple[Any, ...]) -> Shape | None:
        shape = self._plan(key[0], key[1], key[2:])
        if len(self._shapes) < MAX_SHAPES:
            self._shapes[key] = shape
        return shape

    def _plan(self, event_type: Any, version: Any, names: tuple[str, ...]) -> Shape | None:
        if "_aws" in names or not all(name in names for name in ALWAYS):
            return None  # EMF, or a line the general check rejects
        if type(event_type) is not str or not 0 < len(event_type) <= MAX_EVENT_TYPE:
            return None
        schema = self._schema(event_type, version)
        if schema is None:
            return None
        is_valid, context = schema
        envelope = self.checker.envelope_names
        typed = (*ALWAYS, *(name for name in names if name in _BY_TYPE))
        fields = tuple(name for name in names if name not in envelope)
        metadata = tuple(name for name in names if name not in _COLUMN_NAMES)
        return Shape(
            typed=itemgetter(*typed),
            types=tuple(_ALWAYS if n in ALWAYS else _TYPES.get(n, _TEXT) for n in typed),
            checks=tuple((name, _CHECKS[name]) for name in names if name in _CHECKS),
            is_valid=is_valid,
            context=context,
            fields=fields if is_valid is not None else (),
            metadata=None if metadata == fields and is_valid is not None else metadata,
            loose=tuple(n for n in EVENT_COLUMNS if n in names and n not in RESERVED_NAMES),
            passed=set(),
        )

    def _schema(self, event_type: str, version: Any) -> _Schema | None:
        """Return the schema's check and context; (None, ()) for a log line of a good version."""
        if event_type == LOG_EVENT_TYPE:
            if version is None or (type(version) is str and VERSION_PATTERN.match(version)):
                return None, ()
            return None
        if type(version) is not str or event_type not in self.catalog:
            return None
        if not VERSION_PATTERN.match(version):
            return None
        try:
            schema = self.catalog.get(event_type, version)
        except LookupError:  # UnknownEventError: no such version
            return None
        return self.checker.compiled_validator(schema).is_valid, schema.required_context
