"""structlog, first class: structlog's API in the code, schemalog's validated lines out.

Three routes, the ways structlog users set logging up:

1. **Native, one call.** ``schemalog.integrations.structlog.configure(**schemalog_options)``
   configures schemalog (sinks, catalog, level...) and structlog, after which
   ``structlog.get_logger(name).info("tool_call_started", tool_name="x")`` is a validated,
   redacted schemalog event through schemalog's sinks; ``bind()``, ``bind_contextvars()`` and
   ``structlog.stdlib`` loggers work, and context names go to the envelope.
2. **In an existing chain.** Put :func:`process_event` just before the chain's renderer: it
   maps the keys structlog's common processors add (``event``, ``level``, ``timestamp``,
   ``logger``, ``exc_info``, ``exception``, ``stack``) to the envelope, validates and redacts
   the event, and returns the flat record your renderer writes.
3. **ProcessorFormatter.** End the structlog chain with :func:`process_event` and
   ``structlog.stdlib.ProcessorFormatter.wrap_for_formatter``, and give the stdlib handler
   :func:`formatter`: structlog events and stdlib records from other libraries come out as
   schemalog lines of one shape.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Final, Unpack

import orjson
import structlog

from schemalog._core import state
from schemalog._core.configure import auto_configure
from schemalog._core.configure import configure as configure_schemalog
from schemalog._core.context import EMPTY
from schemalog._core.formatter import JsonFormatter
from schemalog._core.pipeline import skip_caller_modules
from schemalog._core.settings import Settings
from schemalog.record import LEVELS

if TYPE_CHECKING:
    from schemalog._core.settings import Options

__all__ = ["configure", "formatter", "process_event", "render_record"]

EventDict = MutableMapping[str, Any]

#: structlog method names that are not level names.
_METHOD_LEVELS: Final = {
    **LEVELS,
    "exception": logging.ERROR,
    "warn": logging.WARNING,
    "fatal": logging.CRITICAL,
    "msg": logging.INFO,
}
#: Keys structlog's own processors add that schemalog's envelope already says (or that only
#: steer structlog): dropped before validation.
_STRUCTLOG_KEYS: Final = frozenset(
    {"level", "timestamp", "logger", "logger_name", "positional_args", "_record", "_from_structlog"}
)

# The caller is the application's line, not structlog's machinery nor this module.
skip_caller_modules("structlog", __name__)


def _level(method_name: str, event_dict: EventDict) -> int:
    level = event_dict.get("level")
    if isinstance(level, str) and level.lower() in _METHOD_LEVELS:
        return _METHOD_LEVELS[level.lower()]
    return _METHOD_LEVELS.get(method_name, logging.INFO)


def _logger_name(logger: Any, event_dict: EventDict) -> str:
    for key in ("logger", "logger_name"):
        name = event_dict.get(key)
        if isinstance(name, str):
            return name
    name = getattr(logger, "name", None)
    return name if isinstance(name, str) else "structlog"


def _event(
    logger: Any, method_name: str, event_dict: EventDict
) -> tuple[str, int, Any, dict[str, Any]]:
    """Split a structlog event dict into logger name, level, event type and fields."""
    fields = {k: v for k, v in event_dict.items() if k not in _STRUCTLOG_KEYS}
    event_type = fields.pop("event", None)
    exception = fields.pop("exception", None)  # format_exc_info's text, when it ran first
    if "exc_info" not in fields and isinstance(exception, str):
        fields["exc_info"] = exception
    return _logger_name(logger, event_dict), _level(method_name, event_dict), event_type, fields


def _line(logger: Any, method_name: str, event_dict: EventDict) -> bytes:
    """Run schemalog's chain on one structlog event; DropEvent when schemalog drops it."""
    name, levelno, event_type, fields = _event(logger, method_name, event_dict)
    pipeline = state.pipeline or auto_configure()
    line = pipeline.line(name, levelno, event_type, fields, EMPTY, sys._getframe(2))
    if line is None:
        raise structlog.DropEvent
    return line


def _emit(logger: Any, method_name: str, event_dict: EventDict) -> EventDict:
    """Emit through schemalog's sinks, then stop structlog (the native route's last processor)."""
    name, levelno, event_type, fields = _event(logger, method_name, event_dict)
    stdlib_logger = logging.getLogger(name)
    if stdlib_logger.isEnabledFor(levelno):
        pipeline = state.pipeline or auto_configure()
        pipeline.emit(stdlib_logger, levelno, event_type, fields, EMPTY, sys._getframe(1))
    raise structlog.DropEvent


def process_event(logger: Any, method_name: str, event_dict: EventDict) -> dict[str, Any]:
    """Processor for an existing chain: return the validated, redacted flat record.

    Put it right before your renderer. The record is the one schemalog would write: envelope
    first (``timestamp``, ``level``, ``logger``, ``event_type``, ``schema_version``,
    ``event_id``, context), then the event's fields. An invalid event follows ``on_invalid``.
    """
    record: dict[str, Any] = orjson.loads(_line(logger, method_name, event_dict))
    return record


def render_record(logger: Any, method_name: str, event_dict: EventDict) -> str:  # noqa: ARG001
    """Render a record :func:`process_event` returned as its JSON line."""
    record = {k: v for k, v in event_dict.items() if k not in ("_record", "_from_structlog")}
    return orjson.dumps(record).decode()


def _render_any(logger: Any, method_name: str, event_dict: EventDict) -> str:
    """ProcessorFormatter's last processor: structlog records and foreign stdlib records alike."""
    record = event_dict.get("_record")
    if event_dict.get("_from_structlog") is False and isinstance(record, logging.LogRecord):
        # ProcessorFormatter formatted the message into "event" and cleared the record's args
        # (on its own copy of the record).
        record.msg = event_dict.get("event", record.msg)
        return _FOREIGN.format(record)
    return render_record(logger, method_name, event_dict)


_FOREIGN: Final = JsonFormatter()


def formatter(**options: Any) -> structlog.stdlib.ProcessorFormatter:
    """Return a ``ProcessorFormatter`` that writes schemalog lines for every record.

    Records from structlog (chain ending in :func:`process_event` and ``wrap_for_formatter``)
    are written as processed; stdlib records from other libraries take schemalog's stdlib
    route (``event_type: "log"``, or the event their ``extra`` names). ``options`` go to
    ``ProcessorFormatter`` (``logger``, ``pass_foreign_args``...).
    """
    return structlog.stdlib.ProcessorFormatter(processors=[_render_any], **options)


def configure(
    *,
    structlog_processors: list[Callable[..., Any]] | None = None,
    **options: Unpack[Options],
) -> Settings:
    """Configure schemalog (``options`` as :func:`schemalog.configure`) and structlog with it.

    ``structlog_processors`` run first in structlog's chain (after ``merge_contextvars``),
    before the event goes to schemalog (``processors=`` are schemalog's own, as in
    :func:`schemalog.configure`). Levels below schemalog's ``level`` cost one no-op call
    (structlog's filtering bound logger).
    """
    settings = configure_schemalog(**options)
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, *(structlog_processors or []), _emit],
        wrapper_class=structlog.make_filtering_bound_logger(settings.level),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
    return settings
