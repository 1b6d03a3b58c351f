"""Dispatch: hand a schemalog line to the handlers, without a LogRecord when none needs one.

stdlib ``logging`` is about half of an event's cost: the ``LogRecord``, ``callHandlers``,
``Handler.handle``, the filters and the formatter, only for handlers to write the line the
pipeline already rendered. :func:`line_route` walks the handlers exactly as
``Logger.callHandlers`` would (the logger, then its parents while ``propagate`` is true, each
handler whose level the event reaches) and returns them when every one of them only needs the
line: its class is schemalog's line sink (:func:`register_line_sink`) or exactly stdlib's
``StreamHandler`` or ``FileHandler``; its formatter is none or one that writes the line as it
is (:func:`register_line_formatter`); and it has no filter other than those registered as
passing schemalog records unchanged. :func:`write_lines` then writes under each handler's
lock, as ``Handler.handle`` would call ``emit``: the same text, the same ``terminator``, the
same flush; a handler that fails, or a FileHandler whose file is closed, gets a LogRecord
built then, for its own ``handleError`` or ``emit``. Any other handler on the path (a
subclass, a capture handler, a filter, a formatter with options), a logger filter, a disabled
logger or no handler at all (stdlib's last resort) gives no route: the event then takes
stdlib's own, so what every handler sees is unchanged.
"""

from __future__ import annotations

import contextlib
import logging
from types import FrameType
from typing import Any, Final

from schemalog._core.event import LINE_ATTRIBUTE
from schemalog._core.logrecord import make_record

__all__ = [
    "line_route",
    "register_line_filter",
    "register_line_formatter",
    "register_line_sink",
    "write_lines",
]


_LINE_SINKS: Final[set[type]] = set()
#: stdlib handlers whose ``emit`` writes ``format(record) + terminator`` to ``stream``.
_STDLIB_STREAMS: Final[frozenset[type]] = frozenset({logging.StreamHandler, logging.FileHandler})
_LINE_FILTERS: Final[set[type]] = set()
_LINE_FORMATTERS: Final[set[type]] = set()


def register_line_sink(cls: type) -> None:
    """Let handlers of exactly ``cls`` take lines without a record.

    ``cls`` has ``write_line(data: bytes) -> None``, which writes one line (with its newline)
    and never raises.
    """
    _LINE_SINKS.add(cls)


def register_line_filter(cls: type) -> None:
    """Declare that filters of exactly ``cls`` pass every schemalog record unchanged."""
    _LINE_FILTERS.add(cls)


def register_line_formatter(cls: type) -> None:
    """Declare that formatters of exactly ``cls`` give a record's line while ``passes_lines``."""
    _LINE_FORMATTERS.add(cls)


def line_route(
    logger: logging.Logger, levelno: int, *, formatter_required: bool = False
) -> list[logging.Handler] | None:
    """Return the handlers a ``levelno`` event of ``logger`` reaches, if all only need the line.

    None when any of them (or the logger itself) needs the LogRecord, and when there is no
    handler at all (stdlib then writes to its last resort). With ``formatter_required`` a
    handler without a formatter needs the record too: it writes a stdlib record's message,
    not its line.
    """
    if logger.filters or logger.disabled:
        return None
    route: list[logging.Handler] = []
    found = False
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            found = True
            if levelno < handler.level:
                continue
            kind, formatter = handler.__class__, handler.formatter
            if (
                (kind not in _LINE_SINKS and kind not in _STDLIB_STREAMS)
                or not (
                    _passes_lines(formatter) if formatter is not None else not formatter_required
                )
                or (handler.filters and not _passing(handler.filters))
            ):
                return None
            route.append(handler)
        current = current.parent if current.propagate else None
    return route if found else None


def _passing(filters: list[Any]) -> bool:
    return _LINE_FILTERS.issuperset(map(type, filters))  # in C: no generator frames


def _passes_lines(formatter: logging.Formatter) -> bool:
    return formatter.__class__ in _LINE_FORMATTERS and bool(formatter.passes_lines)  # type: ignore[attr-defined]


def write_lines(  # noqa: PLR0917 - the pipeline's one call, positional for speed
    route: list[logging.Handler],
    line: bytes,
    name: str,
    levelno: int,
    frame: FrameType | None,
    created: float,
) -> None:
    """Write ``line`` through every handler of the route, each under its handler lock.

    ``name``, ``levelno``, ``frame`` and ``created`` build the LogRecord a handler gets only
    when it needs one after all (to report its failure, or to reopen a closed file).
    """
    data = text = None
    for handler in route:
        with handler.lock or _NO_LOCK:
            if handler.__class__ in _LINE_SINKS:
                if data is None:
                    data = line + b"\n"
                handler.write_line(data)  # type: ignore[attr-defined]
                continue
            stream = handler.stream  # type: ignore[attr-defined]
            if stream is None:  # a FileHandler opened lazily or closed: its emit decides
                handler.emit(_record(line, name, levelno, frame, created))
                continue
            if text is None:
                text = line.decode()
            try:
                stream.write(text + handler.terminator)  # type: ignore[attr-defined]
                handler.flush()
            except RecursionError:
                raise
            except Exception:
                handler.handleError(_record(line, name, levelno, frame, created))


def _record(
    line: bytes, name: str, levelno: int, frame: FrameType | None, created: float
) -> logging.LogRecord:
    record = make_record(name, levelno, frame, line.decode(), created)
    record.__dict__[LINE_ATTRIBUTE] = line
    return record


_NO_LOCK: Final = contextlib.nullcontext()
