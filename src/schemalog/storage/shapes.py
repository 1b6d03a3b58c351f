"""The fast way for the common line: what the general check looks at, worked out per shape.

A log holds few shapes (the names of a line, in order): about one per event type. For each
shape this works out once what :meth:`LineChecker.check_record` and :func:`rows.event_row`
would look at (which envelope names are there, which names are the event's own fields, which
go into ``metadata``), so a line needs only its values checked. It answers only "the general
check passes this line, and here is its row"; whatever it is not sure of (EMF, an unknown
type, a value that fails, recorded schema errors) it leaves to the general way, which finds the
reason. tests/storage/test_shapes.py holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import orjson

from schemalog.catalog.load import Catalog
from schemalog.linecheck import ALWAYS, UUID_PATTERN, VERSION_PATTERN, LineChecker, is_timestamp
from schemalog.record import CONTEXT_NAMES, LEVELS, LOG_EVENT_TYPE, RESERVED_NAMES
from schemalog.storage.tables import EVENT_COLUMNS, MAX_EVENT_TYPE, PLAIN

#: More shapes than this (a log of free-form lines) are not remembered: memory stays bounded.
MAX_SHAPES: Final = 1024
_COLUMN_NAMES: Final = frozenset(EVENT_COLUMNS)
#: What the always-there names may hold (their columns are NOT NULL), what other envelope
#: names of text may, and what a context name may (a bound number is kept).
_ALWAYS: Final[frozenset[type]] = frozenset({str})
_TEXT: Final[frozenset[type]] = frozenset({str, type(None)})
_TYPES: Final[dict[str, frozenset[type]]] = dict.fromkeys(
    CONTEXT_NAMES, frozenset({str, int, type(None)})
)

Check = Callable[[Any], bool]
EventRow = tuple[Any, ...]
#: (the schema's compiled ``is_valid``, its required context names) per (event type, version).
_Schema = tuple[Callable[[Any], bool], tuple[str, ...]]


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
    """What the checks and the row need of lines with one shape."""

    typed: tuple[str, ...]  # envelope names judged (first) by the type of their value
    types: tuple[frozenset[type], ...]  # the types each of those may hold
    checks: tuple[tuple[str, Check], ...]  # the other envelope names, with their check
    fields: tuple[str, ...]  # the event's own fields, as the schema sees them
    metadata: tuple[str, ...]  # names without a column of their own
    loose: tuple[str, ...]  # columns of names the envelope checks leave open: any JSON value


class ShapeCheck:
    """Makes the row of a line the general check surely passes; None for any other line."""

    def __init__(self, checker: LineChecker) -> None:
        self.checker = checker
        self.catalog: Catalog = checker.catalog
        self._shapes: dict[tuple[str, ...], Shape | None] = {}
        self._schemas: dict[tuple[str, str], _Schema | None] = {}

    def row(self, record: dict[str, Any]) -> EventRow | None:
        """Return ``rows.event_row(record)`` when the general check passes it; else None."""
        shape = self.shape(record)
        if shape is None or not self._envelope_passes(record, shape):
            return None
        if not self._event_passes(record, shape):
            return None
        for name in shape.loose:
            if type(record[name]) not in PLAIN:
                return None  # stored as its JSON text: the general way does that
        metadata = orjson.dumps({name: record[name] for name in shape.metadata}).decode()
        return (*map(record.get, EVENT_COLUMNS), metadata)

    def _event_passes(self, record: dict[str, Any], shape: Shape) -> bool:
        """Check the version, and the fields against the schema it names (a log has none)."""
        version = record.get("schema_version")
        if record["event_type"] == LOG_EVENT_TYPE:
            return version is None or bool(type(version) is str and VERSION_PATTERN.match(version))
        schema = self._schema(record["event_type"], version) if type(version) is str else None
        if schema is None:
            return False
        is_valid, context = schema
        for name in context:
            if record.get(name) is None:
                return False
        return bool(is_valid({name: record[name] for name in shape.fields}))

    def shape(self, record: dict[str, Any]) -> Shape | None:
        """Return the shape of a line the checks here can judge (None: the general way)."""
        names = tuple(record)
        try:
            return self._shapes[names]
        except KeyError:
            shape = self._plan(names)
        if len(self._shapes) < MAX_SHAPES:
            self._shapes[names] = shape
        return shape

    @staticmethod
    def _envelope_passes(record: dict[str, Any], shape: Shape) -> bool:
        get = record.__getitem__
        return bool(
            all(map(frozenset.__contains__, shape.types, map(type, map(get, shape.typed))))
            and 0 < len(record["event_type"]) <= MAX_EVENT_TYPE
            and UUID_PATTERN.match(record["event_id"])
            and record["level"] in LEVELS
            and is_timestamp(record["timestamp"])
            and (not shape.checks or all(check(get(name)) for name, check in shape.checks))
        )

    def _plan(self, names: tuple[str, ...]) -> Shape | None:
        if "_aws" in names or not all(name in names for name in ALWAYS):
            return None  # EMF, or a line the general check rejects
        envelope = self.checker.envelope_names
        typed = (*ALWAYS, *(name for name in names if name in _BY_TYPE))
        return Shape(
            typed=typed,
            types=tuple(_ALWAYS if n in ALWAYS else _TYPES.get(n, _TEXT) for n in typed),
            checks=tuple((name, _CHECKS[name]) for name in names if name in _CHECKS),
            fields=tuple(name for name in names if name not in envelope),
            metadata=tuple(name for name in names if name not in _COLUMN_NAMES),
            loose=tuple(n for n in EVENT_COLUMNS if n in names and n not in RESERVED_NAMES),
        )

    def _schema(self, event_type: str, version: str) -> _Schema | None:
        key = (event_type, version)
        try:
            return self._schemas[key]
        except KeyError:
            pass
        found: _Schema | None = None
        if event_type in self.catalog and VERSION_PATTERN.match(version):
            try:
                schema = self.catalog.get(event_type, version)
            except LookupError:  # UnknownEventError: no such version
                schema = None
            if schema is not None:
                validator = self.checker.compiled_validator(schema)
                found = (validator.is_valid, schema.required_context)
        if len(self._schemas) < MAX_SHAPES:
            self._schemas[key] = found
        return found
