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

from schemalog.catalog.load import Catalog
from schemalog.linecheck import ALWAYS, UUID_PATTERN, VERSION_PATTERN, LineChecker, is_timestamp
from schemalog.record import CONTEXT_NAMES, LEVELS, LOG_EVENT_TYPE, RESERVED_NAMES
from schemalog.storage.tables import EVENT_COLUMNS, MAX_EVENT_TYPE

#: More shapes than this (a log of free-form lines) are not remembered: memory stays bounded.
MAX_SHAPES: Final = 1024
_COLUMN_NAMES: Final = frozenset(EVENT_COLUMNS)

Check = Callable[[Any], bool]
#: (the schema's compiled ``is_valid``, its required context names) per (event type, version).
_Schema = tuple[Callable[[Any], bool], tuple[str, ...]]


def _text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _context(value: Any) -> bool:
    return value is None or isinstance(value, str) or type(value) is int


def _sample_rate(value: Any) -> bool:
    return value is None or (type(value) in (int, float) and 0 < value <= 1)


def _version(value: Any) -> bool:
    return value is None or (isinstance(value, str) and VERSION_PATTERN.match(value) is not None)


def _no_recorded_errors(value: Any) -> bool:
    return value is None or (type(value) is list and not value)


def _truncated(value: Any) -> bool:
    return value is None or (type(value) is list and all(isinstance(i, str) for i in value))


#: How the envelope names other than ``ALWAYS`` pass (linecheck's rules; the rest must be text).
_CHECKS: Final[dict[str, Check]] = {
    **dict.fromkeys(CONTEXT_NAMES, _context),
    "sample_rate": _sample_rate,
    "schema_version": _version,
    "schema_errors": _no_recorded_errors,
    "truncated": _truncated,
}


@dataclass(frozen=True, slots=True)
class Shape:
    """What the checks and the row need of lines with one shape."""

    checks: tuple[tuple[str, Check], ...]  # envelope names besides ALWAYS, with their check
    fields: tuple[str, ...]  # the event's own fields, as the schema sees them
    metadata: tuple[str, ...]  # names without a column of their own


class ShapeCheck:
    """Tells, per line, whether the general check surely passes it (and so needs no run)."""

    def __init__(self, checker: LineChecker) -> None:
        self.checker = checker
        self.catalog: Catalog = checker.catalog
        self._shapes: dict[tuple[str, ...], Shape | None] = {}
        self._schemas: dict[tuple[str, str], _Schema | None] = {}

    def shape(self, record: dict[str, Any]) -> Shape | None:
        """Return the shape of a line the checks below can judge (None: the general way)."""
        names = tuple(record)
        try:
            return self._shapes[names]
        except KeyError:
            shape = self._plan(names)
        if len(self._shapes) < MAX_SHAPES:
            self._shapes[names] = shape
        return shape

    def passes(self, record: dict[str, Any], shape: Shape) -> bool:
        """Whether the general check finds nothing wrong: True only when sure."""
        event_type = record["event_type"]
        event_id = record["event_id"]
        level = record["level"]
        stamp = record["timestamp"]
        if not (
            type(event_type) is str
            and 0 < len(event_type) <= MAX_EVENT_TYPE
            and type(event_id) is str
            and UUID_PATTERN.match(event_id)
            and type(level) is str
            and level in LEVELS
            and type(record["logger"]) is str
            and type(stamp) is str
            and is_timestamp(stamp)
        ):
            return False
        for name, check in shape.checks:
            if not check(record[name]):
                return False
        if event_type == LOG_EVENT_TYPE:
            return True
        version = record.get("schema_version")
        schema = self._schema(event_type, version) if version is not None else None
        if schema is None:
            return False
        is_valid, context = schema
        if any(record.get(name) is None for name in context):
            return False
        return bool(is_valid({name: record[name] for name in shape.fields}))

    def _plan(self, names: tuple[str, ...]) -> Shape | None:
        if "_aws" in names or not all(name in names for name in ALWAYS):
            return None  # EMF, or a line the general check rejects
        envelope = self.checker.envelope_names
        checks = tuple(
            (name, _CHECKS.get(name, _text))
            for name in names
            if name in RESERVED_NAMES and name not in ALWAYS
        )
        return Shape(
            checks,
            tuple(name for name in names if name not in envelope),
            tuple(name for name in names if name not in _COLUMN_NAMES),
        )

    def _schema(self, event_type: str, version: str) -> _Schema | None:
        key = (event_type, version)
        try:
            return self._schemas[key]
        except KeyError:
            pass
        found: _Schema | None = None
        if event_type in self.catalog:
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
