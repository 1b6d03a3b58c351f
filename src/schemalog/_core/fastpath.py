"""The pipeline's fast path: the line of a common valid event, without the chain's steps.

Common: a known, unsampled type called with plain fields and its required context, nothing
to take out of the fields (no envelope names or ``exc_info``, also among bound fields, and
no static field's name), no recording span and no user processors. The line is exactly the
chain's (``orjson.dumps`` of the flat record), assembled from the JSON of its parts: what
stays the same is rendered once (a type's name and version, a logger's name, a level, the
service and static fields) and the event's own fields are rendered once, for the checks and
the line alike. Their names never repeat another part's (checked, or certain for a closed
schema that declares none of them), so the parts joined are the record's JSON. Anything
else returns None, and the chain takes the event.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, Final

import orjson

from schemalog._core import steps
from schemalog._core.context import Split, bound_split
from schemalog._core.finish import count_redacted
from schemalog._core.otel import OTEL_MODULE, span_ids
from schemalog._core.redact import Redactor
from schemalog._core.render import escape_line_breaks
from schemalog._core.scan import may_hold_escapes_or_secrets
from schemalog._core.steps import PLAIN_ONLY
from schemalog.catalog.load import SchemaVersion
from schemalog.record import LEVEL_NAMES, level_name

__all__ = ["NO_NAMES", "FastLines", "only_scalars"]

#: No prepared fields.
NO_NAMES: Final[frozenset[str]] = frozenset()
_modules: Final = sys.modules
#: The most logger names and levels whose JSON is kept (names from unbounded sources).
_PIECES_LIMIT: Final = 4096
#: Values no one can change in place: JSON made of only these may be kept.
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def only_scalars(values: Iterable[Any]) -> bool:
    """Return whether no value can change in place, so that JSON made of them may be kept."""
    return _SCALARS.issuperset(map(type, values))


class _Prepared:
    """What one event type's fast line needs, prepared once per pipeline."""

    __slots__ = (
        "check_names",
        "option",
        "plan",
        "required",
        "scans_json",
        "type_part",
        "validator",
    )

    def __init__(self, schema: SchemaVersion, clashing: frozenset[str]) -> None:
        self.required = schema.required_context
        #: Its ``is_valid`` read per event: a flat schema's changes to jsonschema_rs's.
        self.validator = schema.validator
        self.plan = schema.redaction
        scalar_only = schema.scalar_only
        # A scalar-only schema's valid fields are plain already: orjson's own rendering.
        self.option = 0 if scalar_only else PLAIN_ONLY
        #: One scan of the fields' JSON may clear them all at once.
        self.scans_json = not scalar_only and not self.plan.actions
        #: A valid event of a closed schema that declares no clashing name holds none.
        declared = schema.closed_names
        self.check_names = declared is None or not clashing.isdisjoint(declared)
        self.type_part = b"".join(
            (
                b',"event_type":',
                orjson.dumps(schema.event_type),
                b',"schema_version":',
                orjson.dumps(schema.version_text),
                b',"event_id":"',
            )
        )


class FastLines:
    """The fast path of one pipeline: :meth:`line` gives a common valid event's line, else None.

    Its ``caller`` and ``message`` are None or that field's text; ``prepared`` names fields this
    pipeline's redactor redacted already (see :meth:`Pipeline.line`).
    """

    __slots__ = (
        "_clashing",
        "_context_json",
        "_levels",
        "_loggers",
        "_max_bytes",
        "_prepared",
        "_redactor",
        "_schemas",
        "_service",
        "_static",
        "_static_fields",
    )

    def __init__(  # noqa: PLR0917 - what the pipeline holds, given once
        self,
        schemas: Mapping[str, SchemaVersion],
        special_names: frozenset[str],
        redactor: Redactor,
        service_field: dict[str, str],
        static_fields: dict[str, Any],
        max_bytes: int,
    ) -> None:
        self._schemas = schemas
        self._clashing = special_names | frozenset(static_fields)
        self._redactor = redactor
        self._max_bytes = max_bytes
        self._service = b'"' + _members(service_field)  # the event_id's closing quote first
        self._static_fields = static_fields
        # Rendered once unless a value could change (a list or dict the caller still holds).
        self._static = _fixed_members(static_fields)
        self._prepared: dict[str, _Prepared] = {}
        self._loggers: dict[str, bytes] = {}
        self._levels: dict[int, bytes] = {}
        #: The last context rendered, if its values cannot change, and its JSON members.
        self._context_json: tuple[object, bytes] = (None, b"")

    def line(  # noqa: PLR0917 - the pipeline's positional call
        self,
        logger: str,
        levelno: int,
        event_type: Any,
        fields: dict[str, Any],
        logger_context: Split,
        now: float,
        caller: str | None,
        message: str | None,
        prepared: frozenset[str] = NO_NAMES,
    ) -> bytes | None:
        """Return a common valid event's line, else None: the chain then takes the event."""
        ready = self._prepared.get(event_type) if type(event_type) is str else None
        if ready is None and (ready := self._prepare(event_type)) is None:
            return None
        if OTEL_MODULE in _modules and span_ids() is not None:
            return None
        bound_context, bound_fields = bound_split()
        if bound_fields or logger_context[1]:
            fields = {**bound_fields, **logger_context[1], **fields}
        if ready.check_names and not self._clashing.isdisjoint(fields):
            return None
        context = {**bound_context, **logger_context[0]} if logger_context[0] else bound_context
        try:  # a name or a value orjson refuses (a lone surrogate): the chain renders it
            level_part = self._levels.get(levelno) or self._level(levelno)
            logger_part = self._loggers.get(logger) or self._logger(logger)
            static = _members(self._static_fields) if self._static is None else self._static
            memo = self._context_json  # one read: a racing thread never mixes two contexts
            if memo[0] is not context:  # a merged context is new: rendered, not kept
                fresh = logger_context[0]
                memo = (None, orjson.dumps(context)[1:-1]) if fresh else self._memo(context)
            caller_json = b"" if caller is None else b',"caller":' + orjson.dumps(caller)
            message_json = b"" if message is None else b',"message":' + orjson.dumps(message)
        except TypeError:
            return None
        if (data := self._fields(ready, fields, context, prepared)) is None:
            return None
        timestamp, event_id = steps.STAMP(now)  # read here: tests put stamps of their own
        line = b"".join(
            (
                b'{"timestamp":"',
                timestamp.encode(),
                level_part,
                logger_part,
                ready.type_part,
                event_id.encode(),
                self._service,
                caller_json,
                b"," if context else b"",
                memo[1],
                static,
                message_json,
                b"," if len(data) > 2 else b"",
                data[1:],
            )
        )
        if not line.isascii():
            line = escape_line_breaks(line)
        return line if len(line) <= self._max_bytes else None

    def _fields(
        self,
        ready: _Prepared,
        fields: dict[str, Any],
        context: dict[str, Any],
        prepared: frozenset[str],
    ) -> bytes | None:
        """Return the JSON of a valid event's redacted fields, else None."""
        for name in ready.required:
            if context.get(name) is None:
                return None
        try:
            data = orjson.dumps(fields, option=ready.option)
            valid = ready.validator.is_valid(fields)
        except (TypeError, ValueError):  # something to normalize first
            return None
        plan = ready.plan
        if not valid:
            return None
        if not plan.needed or (ready.scans_json and not may_hold_escapes_or_secrets(data)):
            return data  # no action, and no secret name or text anywhere in the fields
        redacted = self._redactor.redact(fields, plan, valid=True, prepared=prepared)
        if redacted is fields:
            return data
        data = orjson.dumps(redacted)  # plain: the plain fields, some values redacted
        count_redacted()
        return data

    def _prepare(self, event_type: Any) -> _Prepared | None:
        schema = self._schemas.get(event_type) if type(event_type) is str else None
        if schema is None:
            return None
        ready = self._prepared[event_type] = _Prepared(schema, self._clashing)
        return ready

    def _memo(self, context: dict[str, Any]) -> tuple[object, bytes]:
        """Return the bound context and its JSON members (no braces), kept while it is bound.

        The same dict rides on every event while a context is bound (``bound()`` makes it once
        and never changes it), so its JSON is made once per binding, as its values are
        normalized once; values that could change in place (lists) are rendered each time.
        """
        memo = (context, orjson.dumps(context)[1:-1] if context else b"")
        if only_scalars(context.values()):
            self._context_json = memo
        return memo

    def _level(self, levelno: int) -> bytes:
        name = LEVEL_NAMES.get(levelno)
        if name is None:  # a custom level: its name may change (logging.addLevelName)
            return b'","level":' + orjson.dumps(level_name(levelno))
        return _remember(self._levels, levelno, b'","level":' + orjson.dumps(name))

    def _logger(self, logger: str) -> bytes:
        return _remember(self._loggers, logger, b',"logger":' + orjson.dumps(logger))


def _remember(pieces: dict[Any, bytes], key: Any, piece: bytes) -> bytes:
    """Keep ``piece`` under ``key`` (a bounded cache: emptied when full) and return it."""
    if len(pieces) >= _PIECES_LIMIT:
        pieces.clear()
    pieces[key] = piece
    return piece


def _fixed_members(fields: Mapping[str, Any]) -> bytes | None:
    """Return :func:`_members` of fields that cannot change (scalars), else None."""
    if not only_scalars(fields.values()):
        return None  # a list or dict the caller still holds may change: rendered per event
    try:
        return _members(fields)
    except TypeError:
        return None


def _members(fields: Mapping[str, Any]) -> bytes:
    """Return ``fields`` as JSON members, each after a comma (empty for no fields)."""
    data = orjson.dumps(fields)
    return b"," + data[1:-1] if len(data) > 2 else b""
