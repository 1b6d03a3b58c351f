"""``get_logger()`` and the BoundLogger applications call.

``log.info(event_type="x", **fields)`` and ``log.info("x", **fields)`` are the same event. A
level below the configured one costs one call of an empty function: ``configure()``
replaces the disabled methods on the class, as structlog's filtering loggers do.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from schemalog._core import context as _context
from schemalog._core import state
from schemalog._core.configure import auto_configure
from schemalog._core.normalize import safe_repr
from schemalog._core.stats import STATS
from schemalog.record import LEVELS

_LEVEL_METHODS: Final = {**LEVELS, "exception": logging.ERROR}


class BoundLogger:
    """A logger with bound context; each level method emits one event.

    Context bound with :meth:`bind` rides along on every event of the returned logger; context
    names (``session_id``, ``user_id``, ``request_id``, ``trace_id``, ``span_id``) go to the
    envelope, other names are event fields and are validated with the event.
    """

    __slots__ = ("_context", "_logger")

    def __init__(self, logger: logging.Logger, context: _context.Split = _context.EMPTY) -> None:
        self._logger = logger
        self._context = context

    @property
    def name(self) -> str:
        """The logger's name (the record's ``logger``)."""
        return self._logger.name

    @property
    def context(self) -> dict[str, Any]:
        """A copy of the context bound to this logger."""
        return {**self._context[0], **self._context[1]}

    def bind(self, /, **values: Any) -> BoundLogger:
        """Return a logger with ``values`` added to this one's context."""
        return BoundLogger(self._logger, _context.merge(self._context, values))

    def unbind(self, *names: str) -> BoundLogger:
        """Return a logger without the context ``names`` (missing names are ignored)."""
        remaining = {k: v for k, v in self.context.items() if k not in names}
        return BoundLogger(self._logger, _context.split(remaining))

    def __repr__(self) -> str:
        return f"<BoundLogger {self.name!r} context={self.context!r}>"

    if TYPE_CHECKING:  # the signatures; the methods are made by _level_method below

        def debug(self, event_type: Any = None, /, **fields: Any) -> None:
            """Emit a ``debug`` event."""

        def info(self, event_type: Any = None, /, **fields: Any) -> None:
            """Emit an ``info`` event."""

        def warning(self, event_type: Any = None, /, **fields: Any) -> None:
            """Emit a ``warning`` event."""

        def error(self, event_type: Any = None, /, **fields: Any) -> None:
            """Emit an ``error`` event."""

        def critical(self, event_type: Any = None, /, **fields: Any) -> None:
            """Emit a ``critical`` event."""

    def exception(self, event_type: Any = None, /, **fields: Any) -> None:
        """Emit an ``error`` event with the exception being handled in its ``exception`` field."""
        fields.setdefault("exc_info", True)
        self._emit(logging.ERROR, event_type, fields)

    def log(self, level: int | str, event_type: Any = None, /, **fields: Any) -> None:
        """Emit an event at a stdlib ``level``: a number, or a level name such as ``"info"``.

        An unknown level raises TypeError under ``on_invalid="raise"``; otherwise the event is
        counted as ``dropped:bad_level`` and reported.
        """
        levelno = _level_number(level)
        if levelno is None:
            _bad_level(level)
        elif levelno >= state.min_level:
            self._emit(levelno, event_type, fields)

    def _emit(self, levelno: int, event_type: Any, fields: dict[str, Any]) -> None:
        pipeline = state.pipeline or auto_configure()
        logger = self._logger
        if logger.isEnabledFor(levelno):
            pipeline.emit(logger, levelno, event_type, fields, self._context, sys._getframe(2))


def _level_number(level: object) -> int | None:
    """Return the number of a stdlib level or a level name; None for anything else."""
    if type(level) is int:
        return level
    if isinstance(level, str):
        return LEVELS.get(level.strip().lower())
    return None


def _bad_level(level: object) -> None:
    detail = f"log() was given the level {safe_repr(level)}, not a number or a level name"
    if (state.pipeline or auto_configure()).settings.on_invalid == "raise":
        raise TypeError(detail)
    STATS.drop("bad_level", detail)


def _level_method(levelno: int) -> Callable[..., None]:
    """Make the method for one level: it calls the pipeline directly (one frame less)."""

    def method(self: BoundLogger, event_type: Any = None, /, **fields: Any) -> None:
        # Configure first: configuring on first use sets the level isEnabledFor reads.
        pipeline = state.pipeline or auto_configure()
        logger = self._logger
        if logger.isEnabledFor(levelno):
            pipeline.emit(logger, levelno, event_type, fields, self._context, sys._getframe(1))

    name = logging.getLevelName(levelno).lower()
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Emit a ``{name}`` event."
    return method


def _disabled(_self: BoundLogger, _event_type: Any = None, /, **_fields: Any) -> None:
    # No *args: binding only self and one positional is measurably cheaper than structlog's
    # (self, event, *args, **kw) no-op, and this is all a disabled call costs.
    return None


_ENABLED: Final[dict[str, Callable[..., None]]] = {
    name: _level_method(levelno) for name, levelno in _LEVEL_METHODS.items() if name != "exception"
}
_ENABLED["exception"] = BoundLogger.exception


def _set_min_level(level: int) -> None:
    """Make every level method below ``level`` a no-op, on every logger at once."""
    for name, levelno in _LEVEL_METHODS.items():
        setattr(BoundLogger, name, _ENABLED[name] if levelno >= level else _disabled)


def get_logger(name: str | None = None) -> BoundLogger:
    """Return a logger; ``name`` defaults to the calling module's ``__name__``."""
    if name is None:
        name = sys._getframe(1).f_globals.get("__name__", "root")
    return BoundLogger(logging.getLogger(name))


state.on_min_level(_set_min_level)
