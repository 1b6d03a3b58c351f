"""Stdlib records as events: a ``logging.LogRecord`` turned into an :class:`Event` for the chain.

A record whose ``extra`` (or ``LoggerAdapter`` extra, or an attribute a ``logging.Filter`` set)
carries ``event_type`` is a cataloged event: its other extra attributes are the event's fields.
A record without one is a ``log`` event that keeps its extra attributes as flat fields. Either
way ``%``-args format ``message``, ``stacklevel`` moves ``caller``, ``stack_info`` becomes
``stack`` and ``exc_info`` becomes ``exception``.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from schemalog._core.context import EMPTY
from schemalog._core.event import LINE_ATTRIBUTE, Event
from schemalog._core.logrecord import STOCK_ATTRIBUTES
from schemalog._core.normalize import safe_repr
from schemalog._core.scan import scrub_text
from schemalog._core.steps import exception_text

#: Attribute on a stdlib record that caches its processed line (b"" when the chain dropped it).
EVENT_LINE_ATTRIBUTE: Final = "_schemalog_event_line"
#: LogRecord attributes every record has; anything else on a record is an ``extra``.
STANDARD_RECORD_ATTRIBUTES: Final = frozenset(STOCK_ATTRIBUTES) | {
    "message",
    "asctime",
    "taskName",
    LINE_ATTRIBUTE,
    EVENT_LINE_ATTRIBUTE,
}
_LAST_STOCK: Final = len(STOCK_ATTRIBUTES) - 1
_LAST_STOCK_NAME: Final = STOCK_ATTRIBUTES[-1]


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """Return the record's extra attributes (``extra=``, adapter extras, Filter-set names)."""
    attributes = record.__dict__
    if type(record) is logging.LogRecord:
        # LogRecord() sets its attributes first and in a fixed order; extras come after them.
        # Walk back from the end to the last stock attribute, if it is where it should be.
        names: list[str] = []
        for name in reversed(attributes):
            if name == _LAST_STOCK_NAME:
                if len(attributes) - len(names) - 1 == _LAST_STOCK:
                    names.reverse()
                    return {
                        key: attributes[key]
                        for key in names
                        if key not in STANDARD_RECORD_ATTRIBUTES and key[:1] != "_"
                    }
                break
            names.append(name)
    return {key: value for key, value in attributes.items() if _is_extra(key)}


def _is_extra(key: str) -> bool:
    """Tell whether a record attribute is an event field: not stdlib's, not private."""
    return key not in STANDARD_RECORD_ATTRIBUTES and not key.startswith("_")


def is_event(record: logging.LogRecord) -> bool:
    """Whether the record is a cataloged event (it carries ``event_type``)."""
    return "event_type" in record.__dict__


def event_from_record(record: logging.LogRecord, caller: bool) -> Event:
    """Return the Event for a stdlib record; ``caller`` adds ``module:function:line``."""
    event = Event(record.name, record.levelno, None, extras(record), EMPTY, record.created)
    if caller:
        event.caller = caller_of(record)
    event.message = message_of(record)
    if record.exc_info:
        event.exception = exception_text(record.exc_info)
    elif record.exc_text:
        event.exception = scrub_text(record.exc_text)
    event.stack = None if record.stack_info is None else scrub_text(record.stack_info)
    return event


def caller_of(record: logging.LogRecord) -> str:
    """Return ``module:function:line`` of the call that made the record (after ``stacklevel``)."""
    return f"{record.module}:{record.funcName}:{record.lineno}"


def message_of(record: logging.LogRecord) -> str:
    """Return the record's message with its ``%``-args, or a readable stand-in if they clash."""
    try:
        return scrub_text(record.getMessage())
    except Exception:  # args that do not fit the format string
        return f"{safe_repr(record.msg)} % {safe_repr(record.args)}"
