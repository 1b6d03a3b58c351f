"""stdlib ``extra=`` events without a LogRecord, when every handler only needs their line.

``logger.info("x", extra={"event_type": ...})`` under ``configure()`` costs stdlib's whole
record path (``findCaller``, ``LogRecord``, ``callHandlers``, ``Handler.handle``) before the
formatter runs the chain. :func:`install` puts :func:`_log` in front of ``Logger._log``: a
call that is a common valid event (see :meth:`Pipeline.event_line`) whose handlers all write
schemalog lines (:func:`~schemalog._core.dispatch.line_route`, a formatter required) is
written the way schemalog's own loggers are, with the same bytes the record would give.
Everything else (no ``event_type``, ``%``-args, ``exc_info``, ``stack_info``, a logger or
record factory of its own, a handler or filter that needs the record, an event the chain must
judge) goes on to stdlib's ``_log`` untouched, one frame added to ``stacklevel`` so that
``findCaller`` still finds the caller.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Mapping
from types import FrameType
from typing import TYPE_CHECKING, Any, Final

from schemalog._core import state
from schemalog._core.dispatch import line_route, write_lines
from schemalog._core.logrecord import module_of
from schemalog._core.scan import scrub_text
from schemalog._core.stdlib import STANDARD_RECORD_ATTRIBUTES

if TYPE_CHECKING:
    from schemalog._core.pipeline import Pipeline

__all__ = ["install", "installed", "uninstall"]

_StdlibLog = Callable[..., None]
#: stdlib's own ``Logger._log``, kept while :func:`_log` stands in front of it.
_stdlib_log: list[_StdlibLog] = []
#: ``findCaller``'s test for logging's own frames (absent on a Python that findCaller differs on).
_is_internal_frame: Final[Callable[[FrameType], bool] | None] = getattr(
    logging, "_is_internal_frame", None
)
#: Logger classes whose record path is stdlib's own (a subclass may change any step of it).
_STDLIB_LOGGERS: Final = frozenset({logging.Logger, logging.RootLogger})


def install() -> None:
    """Put :func:`_log` in front of ``Logger._log`` (once; a no-op where it cannot be exact)."""
    if _stdlib_log or _is_internal_frame is None:
        return
    _stdlib_log.append(logging.Logger._log)
    logging.Logger._log = _log  # type: ignore[method-assign]


def uninstall() -> None:
    """Give ``Logger._log`` back to stdlib, unless somebody has replaced it since."""
    if _stdlib_log and logging.Logger._log is _log:
        logging.Logger._log = _stdlib_log.pop()  # type: ignore[method-assign]


def installed() -> bool:
    """Whether stdlib ``extra=`` events currently take the route without a LogRecord."""
    return bool(_stdlib_log)


def _log(  # noqa: PLR0917 - stdlib's signature
    self: logging.Logger,
    level: int,
    msg: object,
    args: Any,
    exc_info: Any = None,
    extra: Mapping[str, object] | None = None,
    stack_info: bool = False,
    stacklevel: int = 1,
) -> None:
    if (
        extra is not None
        and "event_type" in extra
        and not (args or exc_info or stack_info)
        and _written(self, level, msg, extra, stacklevel, sys._getframe())
    ):
        return
    _stdlib_log[0](
        self,
        level,
        msg,
        args,
        exc_info,
        extra,
        stack_info,
        stacklevel + 1 if stacklevel > 0 else stacklevel,  # this frame is not logging's own
    )


def _written(  # noqa: PLR0917 - _log's one call
    logger: logging.Logger,
    level: int,
    msg: object,
    extra: Mapping[str, object],
    stacklevel: int,
    frame: FrameType,
) -> bool:
    """Write the event without a record if it can be exactly what the record gives."""
    pipeline = state.pipeline
    if (
        pipeline is None
        or logger.__class__ not in _STDLIB_LOGGERS
        or logging.getLogRecordFactory() is not logging.LogRecord
        or not STANDARD_RECORD_ATTRIBUTES.isdisjoint(extra)  # makeRecord's KeyError, or not a field
    ):
        return False
    route = line_route(logger, level, formatter_required=True)
    if route is None:
        return False
    created = time.time()
    caller = _caller(frame, stacklevel)
    line = _line(pipeline, logger.name, level, msg, dict(extra), caller, created)
    if line is None:
        return False
    write_lines(route, line, logger.name, level, caller, created)
    return True


def _line(  # noqa: PLR0917 - _written's one call
    pipeline: Pipeline,
    name: str,
    level: int,
    msg: object,
    fields: dict[str, object],
    caller: FrameType,
    created: float,
) -> bytes | None:
    """Return the fast path's line for the call, or None when the record's route must run."""
    try:
        # "_" sorts just below "`": keys in lower case skip the look for private names
        if min(fields) < "`" and any(key[:1] == "_" for key in fields):
            return None  # private attributes are not fields: the record's route leaves them out
        code = caller.f_code
        return pipeline.event_line(
            name,
            level,
            fields,
            created,
            f"{module_of(code.co_filename)}:{code.co_name}:{caller.f_lineno}",
            scrub_text(str(msg)),
        )
    except Exception:  # a key that is not a string, a message without str(): the record's
        return None  # route handles (and counts) its own failures


def _caller(frame: FrameType, stacklevel: int) -> FrameType:
    """Return the frame ``findCaller`` would report for ``_log`` called in ``frame``."""
    while stacklevel > 0:
        next_frame = frame.f_back
        if next_frame is None:
            break
        frame = next_frame
        internal = _INTERNAL_FILES.get(frame.f_code.co_filename)
        if internal is None:
            internal = _is_internal_file(frame)
        if not internal:
            stacklevel -= 1
    return frame


#: ``findCaller``'s verdict per file name (it normalizes the name on every frame).
_INTERNAL_FILES: Final[dict[str, bool]] = {}


def _is_internal_file(frame: FrameType) -> bool:
    assert _is_internal_frame is not None  # install() checked
    internal = _is_internal_frame(frame)
    if len(_INTERNAL_FILES) < 10_000:
        _INTERNAL_FILES[frame.f_code.co_filename] = internal
    return internal
