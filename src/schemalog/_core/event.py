"""The record the processor chain passes along: one event on its way from the call to the line.

An :class:`Event` is a mutable slotted object. Each processor reads and changes a few of its
slots and returns it (or ``None`` to drop the event); the chain is in
:mod:`schemalog._core.pipeline`, the processors in :mod:`schemalog._core.steps` and
:mod:`schemalog._core.checks`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import FrameType
from typing import Any, Final

from schemalog._core.context import Split
from schemalog.catalog.load import SchemaVersion
from schemalog.record import SchemaIssue

#: Attribute of a LogRecord that holds schemalog's rendered line (bytes, without newline);
#: underscored, so JSON formatters that copy a record's attributes (python-json-logger) skip it.
LINE_ATTRIBUTE: Final = "_schemalog_line"


class Event:
    """One event in the chain: what the caller gave, and what the processors made of it.

    Attributes a processor may read and change:

    * ``event_type`` (str), ``fields`` (the event's own fields, a dict the event owns),
      ``context`` (envelope context such as ``session_id``, plus declared ``context_fields``);
    * ``level`` (the stdlib level number), ``logger`` (the logger's name);
    * ``issues`` (``SchemaIssue`` list: schema errors found so far), ``notes`` (values the
      normalize step had to change to write them), ``schema`` (the
      ``SchemaVersion`` the event is validated against, once known);
    * ``message``, ``exception``, ``stack`` (text, for stdlib records and ``exc_info``);
    * ``timestamp``, ``event_id`` (stamped by the envelope step), ``sample_rate``;
    * ``record`` and ``line`` (the flat dict and its rendered bytes, set by the render step).

    ``bound`` is the calling logger's own ``bind()`` context, merged by the context step;
    ``frame`` the call's frame (None for stdlib records), ``now`` the event's epoch seconds.
    """

    __slots__ = (
        "bound",
        "caller",
        "context",
        "event_id",
        "event_type",
        "exc_info",
        "exception",
        "fields",
        "frame",
        "issues",
        "level",
        "line",
        "logger",
        "message",
        "notes",
        "now",
        "pin",
        "record",
        "sample_rate",
        "schema",
        "stack",
        "timestamp",
    )

    def __init__(  # noqa: PLR0917 - every slot is set here, once
        self,
        logger: str,
        level: int,
        event_type: Any,
        fields: dict[str, Any],
        bound: Split,
        now: float,
        frame: FrameType | None = None,
    ) -> None:
        self.logger = logger
        self.level = level
        self.event_type = event_type
        self.fields = fields
        self.bound = bound
        self.context: dict[str, Any] = {}
        self.now = now
        self.frame = frame
        self.issues: list[SchemaIssue] = []
        #: Values made writable (cut cycles, huge numbers, surrogates): kept in schema_errors,
        #: without making the event invalid.
        self.notes: list[SchemaIssue] = []
        self.schema: SchemaVersion | None = None
        self.pin: Any = None
        self.caller: str | None = None
        self.exc_info: Any = None
        self.exception: str | None = None
        self.stack: str | None = None
        self.message: str | None = None
        self.sample_rate: float | None = None
        self.timestamp = ""
        self.event_id = ""
        self.record: dict[str, Any] = {}
        self.line = b""

    def __repr__(self) -> str:
        return f"<Event {self.event_type!r} fields={self.fields!r} context={self.context!r}>"


#: A processor: takes the event, returns it (changed or not), or None to drop it.
Processor = Callable[[Event], Event | None]
