"""Stdlib LogRecords for schemalog's lines, built a few times faster than ``LogRecord()``.

``LogRecord.__init__`` recomputes per record what rarely changes (file name and module from
the path, the process id, the level name) and sets some twenty attributes one by one. Here the
record's ``__dict__`` is filled in one step, with the same attributes and values; file names are
cached per path and the pid per process. Whenever this cannot be exactly what stdlib would
build (a custom ``setLogRecordFactory``, or a Python whose LogRecord has attributes not known
here), the real constructor is used.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from types import FrameType
from typing import Any, Final

from schemalog._core import lifecycle

#: The attributes of a stdlib LogRecord, in the order its constructor sets them.
STOCK_ATTRIBUTES: Final = tuple(logging.LogRecord("", logging.INFO, "", 0, "", None, None).__dict__)
_STDLIB_ATTRIBUTES: Final = frozenset(STOCK_ATTRIBUTES)
_KNOWN_ATTRIBUTES: Final = frozenset(
    {
        "name",
        "msg",
        "args",
        "levelname",
        "levelno",
        "pathname",
        "filename",
        "module",
        "exc_info",
        "exc_text",
        "stack_info",
        "lineno",
        "funcName",
        "created",
        "msecs",
        "relativeCreated",
        "thread",
        "threadName",
        "processName",
        "process",
        "taskName",  # Python 3.12+
    }
)
_HAS_TASK_NAME: Final = "taskName" in _STDLIB_ATTRIBUTES
_FAST_POSSIBLE: Final = _STDLIB_ATTRIBUTES <= _KNOWN_ATTRIBUTES

#: When logging was imported: LogRecord.relativeCreated counts from it.
_START_TIME: Final[float] = logging._startTime  # type: ignore[attr-defined]
_path_parts: dict[str, tuple[str, str]] = {}
#: Each thread's Thread object, found once (threading.current_thread() costs two calls).
_this_thread = threading.local()
_pid = os.getpid()


def _refresh_pid() -> None:
    global _pid  # noqa: PLW0603 - a per-process cache, renewed in a forked child
    _pid = os.getpid()


lifecycle.after_fork_in_child(_refresh_pid)


def _file_and_module(pathname: str) -> tuple[str, str]:
    parts = _path_parts.get(pathname)
    if parts is None:
        filename = os.path.basename(pathname)
        parts = (filename, os.path.splitext(filename)[0])
        if len(_path_parts) < 10_000:
            _path_parts[pathname] = parts
    return parts


def module_of(pathname: str) -> str:
    """Return a LogRecord's ``module`` for a call from the file ``pathname``."""
    parts = _path_parts.get(pathname) or _file_and_module(pathname)
    return parts[1]


def _process_name() -> str:
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is None:
        return "MainProcess"
    try:
        name: str = multiprocessing.current_process().name
    except Exception:
        return "MainProcess"
    return name


def _task_name() -> str | None:
    if not getattr(logging, "logAsyncioTasks", False):
        return None
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return None
    try:
        task: Any = asyncio.current_task()
        return str(task.get_name())
    except Exception:
        return None


def make_record(
    name: str, levelno: int, frame: FrameType | None, msg: str, created: float
) -> logging.LogRecord:
    """Return the LogRecord stdlib would build for a call from ``frame`` at time ``created``."""
    factory = logging.getLogRecordFactory()
    if factory is not logging.LogRecord or not _FAST_POSSIBLE:
        if frame is None:
            record = factory(name, levelno, "", 0, msg, None, None, None)
        else:
            code = frame.f_code
            record = factory(
                name, levelno, code.co_filename, frame.f_lineno or 0, msg, None, None, code.co_name
            )
        record.created = created
        record.msecs = int((created - int(created)) * 1000) + 0.0
        record.relativeCreated = (created - _START_TIME) * 1000
        return record
    # One C-level copy of the constant attributes, then only what varies: the cheapest way
    # to fill a LogRecord (a dict literal or dict(**kwargs) resizes as it grows).
    attributes = _CONSTANT_ATTRIBUTES.copy()
    attributes["name"] = name
    attributes["msg"] = msg
    attributes["levelname"] = _LEVEL_NAMES.get(levelno) or logging.getLevelName(levelno)
    attributes["levelno"] = levelno
    if frame is not None:
        code = frame.f_code
        pathname = code.co_filename
        parts = _path_parts.get(pathname) or _file_and_module(pathname)
        attributes["pathname"] = pathname
        attributes["filename"], attributes["module"] = parts
        attributes["lineno"] = frame.f_lineno or 0
        attributes["funcName"] = code.co_name
    attributes["created"] = created
    attributes["msecs"] = int((created - int(created)) * 1000) + 0.0
    attributes["relativeCreated"] = (created - _START_TIME) * 1000
    if logging.logThreads:
        attributes["thread"] = threading.get_ident()
        try:
            thread = _this_thread.thread
        except AttributeError:
            thread = _this_thread.thread = threading.current_thread()
        attributes["threadName"] = thread.name
    if logging.logMultiprocessing:
        attributes["processName"] = (
            _process_name() if "multiprocessing" in sys.modules else "MainProcess"
        )
    if logging.logProcesses:
        attributes["process"] = _pid
    if _HAS_TASK_NAME:
        attributes["taskName"] = _task_name()
    record = logging.LogRecord.__new__(logging.LogRecord)
    record.__dict__ = attributes
    return record


_LEVEL_NAMES: Final = {
    level: logging.getLevelName(level)
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
}
#: Every attribute at its value when nothing sets it (what stdlib sets when a feature is off).
_CONSTANT_ATTRIBUTES: Final[dict[str, Any]] = dict.fromkeys(_STDLIB_ATTRIBUTES)
_CONSTANT_ATTRIBUTES.update(pathname="", filename="", module="", lineno=0)
