"""Dispatch: hand a schemalog line to the handlers, without a LogRecord when none needs one.

stdlib ``logging`` is about half of an event's cost: the ``LogRecord``, ``callHandlers``,
``Handler.handle``, the filters and the formatter, only for schemalog's own sinks to write the
line the pipeline already rendered. :func:`line_route` walks the handlers exactly as
``Logger.callHandlers`` would (the logger, then its parents while ``propagate`` is true, each
handler whose level the event reaches) and returns them when every one of them is a *line
sink*: a registered class (:func:`register_line_sink`), its own plain formatter, and no
filter other than those registered as passing schemalog lines unchanged. The pipeline then
calls each one's ``write_line`` under the handler's lock, as ``Handler.handle`` would call
``emit``. Any other handler on the path (a FileHandler, a capture handler, a filter, a
formatter with options), a logger filter, a disabled logger or no handler at all (stdlib's
last resort) gives None: the event then takes stdlib's own route, so what every handler sees
is unchanged.
"""

from __future__ import annotations

import logging
from typing import Any, Final, Protocol

__all__ = ["LineSink", "line_route", "register_line_filter", "register_line_sink", "write_lines"]


class LineSink(Protocol):
    """A handler that can write a rendered line without a LogRecord."""

    #: The formatter the sink was built with: the route holds only while it is the one set.
    plain_formatter: logging.Formatter | None
    #: The handler's lock (``logging.Handler.lock``).
    lock: Any

    def write_line(self, data: bytes) -> None:
        """Write one line (with its newline); never raise."""


_LINE_SINKS: Final[set[type]] = set()
_LINE_FILTERS: Final[set[type]] = set()


def register_line_sink(cls: type) -> None:
    """Let handlers of exactly ``cls`` (a :class:`LineSink`) take lines without a record."""
    _LINE_SINKS.add(cls)


def register_line_filter(cls: type) -> None:
    """Declare that filters of exactly ``cls`` pass every schemalog record unchanged."""
    _LINE_FILTERS.add(cls)


def line_route(logger: logging.Logger, levelno: int) -> list[LineSink] | None:
    """Return the handlers a ``levelno`` event of ``logger`` reaches, if all are line sinks.

    None when any of them (or the logger itself) needs the LogRecord, and when there is no
    handler at all (stdlib then writes to its last resort).
    """
    if logger.filters or logger.disabled:
        return None
    route: list[LineSink] = []
    found = False
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            found = True
            if levelno < handler.level:
                continue
            if (
                handler.__class__ not in _LINE_SINKS
                or handler.formatter is not handler.plain_formatter  # type: ignore[attr-defined]
                or (handler.filters and not _passing(handler.filters))
            ):
                return None
            route.append(handler)  # type: ignore[arg-type]
        current = current.parent if current.propagate else None
    return route if found else None


def _passing(filters: list[Any]) -> bool:
    return all(f.__class__ in _LINE_FILTERS for f in filters)


def write_lines(route: list[LineSink], data: bytes) -> None:
    """Write ``data`` to every sink of the route, each under its handler lock."""
    for sink in route:
        lock = sink.lock
        if lock is None:
            sink.write_line(data)
        else:
            with lock:
                sink.write_line(data)
