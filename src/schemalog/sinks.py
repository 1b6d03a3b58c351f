"""Sinks: stdlib Handlers that write schemalog lines, and the sink strings that name them.

| sink string | handler |
|---|---|
| ``stdout``, ``stderr`` | :class:`StreamSink`, which looks the stream up at each write |
| ``file:PATH[?option=value&...]`` | :class:`schemalog.files.FileSink` (rotation, logrotate) |
| ``cloudwatch:GROUP[/STREAM][?options]`` | :class:`schemalog.cwlogs.CloudWatchLogsHandler` |

Every sink counts its failures in ``schemalog.stats()["sink_errors"]`` and reports them on
stderr at most once a minute; a failing sink never raises into the application.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Final

from schemalog.formatter import JsonFormatter
from schemalog.health import STATS
from schemalog.settings import ConfigError


class Sink(logging.Handler):
    """Base of schemalog's handlers: JSON lines by default, failures counted and reported."""

    def __init__(self, level: int | str = logging.NOTSET) -> None:
        super().__init__(level)
        self.setFormatter(JsonFormatter())

    def line(self, record: logging.LogRecord) -> bytes:
        """Return the record's line as bytes, with the newline."""
        formatter = self.formatter
        if isinstance(formatter, JsonFormatter):
            return formatter.format_bytes(record) + b"\n"
        return (self.format(record) + "\n").encode("utf-8", "backslashreplace")

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: ARG002
        """Count and report the failure instead of printing a traceback per record."""
        STATS.add("sink_errors")
        error = sys.exc_info()[1]
        STATS.report(f"sink:{id(self)}", f"sink {self!r} failed: {error!r}")


class StreamSink(Sink):
    """Writes lines to ``sys.stdout`` or ``sys.stderr``, whatever they are at the time."""

    def __init__(self, stream: str = "stdout", level: int | str = logging.NOTSET) -> None:
        if stream not in ("stdout", "stderr"):
            raise ConfigError(f"stream must be 'stdout' or 'stderr', not {stream!r}")
        super().__init__(level)
        self.stream_name = stream

    def emit(self, record: logging.LogRecord) -> None:
        """Write one line and flush."""
        try:
            stream = getattr(sys, self.stream_name)
            if stream is None:  # no console (pythonw, some daemons): nowhere to write
                return
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)

    def __repr__(self) -> str:
        return f"<StreamSink {self.stream_name}>"


def _file_sink(argument: str) -> logging.Handler:
    from schemalog.files import FileSink

    return FileSink.from_spec(argument)


def _cloudwatch_sink(argument: str) -> logging.Handler:
    from schemalog.cwlogs import from_spec

    return from_spec(argument)


#: Sink schemes: ``scheme:argument`` strings are built by the factory registered here.
SINK_SCHEMES: Final[dict[str, Callable[[str], logging.Handler]]] = {
    "file": _file_sink,
    "cloudwatch": _cloudwatch_sink,
}


def make_sink(spec: str | logging.Handler) -> logging.Handler:
    """Build the handler a sink string names (a Handler is returned as it is)."""
    if isinstance(spec, logging.Handler):
        return spec
    text = spec.strip()
    if text in ("stdout", "stderr"):
        return StreamSink(text)
    scheme, sep, argument = text.partition(":")
    factory = SINK_SCHEMES.get(scheme) if sep else None
    if factory is None:
        known = ", ".join(["stdout", "stderr", *(f"{s}:..." for s in SINK_SCHEMES)])
        raise ConfigError(f"sink {spec!r} is not one of: {known}")
    if not argument:
        raise ConfigError(f"sink {spec!r} needs something after '{scheme}:'")
    return factory(argument)
