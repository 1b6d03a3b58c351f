"""``StreamSink``: the ``stdout`` and ``stderr`` sinks."""

from __future__ import annotations

import logging
import sys

from schemalog._core.dispatch import register_line_sink
from schemalog._core.stats import STATS
from schemalog.exceptions import ConfigError
from schemalog.sinks.base import Sink


class StreamSink(Sink):
    """Writes lines to ``sys.stdout`` or ``sys.stderr``, whatever they are at the time."""

    def __init__(self, stream: str = "stdout", level: int | str = logging.NOTSET) -> None:
        if stream not in ("stdout", "stderr"):
            raise ConfigError(f"stream must be 'stdout' or 'stderr', not {stream!r}")
        super().__init__(level)
        self.stream_name = stream
        self._count_written = STATS.adder(f"written:{stream}")

    def emit(self, record: logging.LogRecord) -> None:
        """Write one line and flush."""
        try:
            data = self.line(record)
        except Exception:
            self.handleError(record)
            return
        if data:
            self.write_line(data)

    def write_line(self, data: bytes) -> None:
        """Write one line (UTF-8, with its newline) and flush; never raises."""
        self._write(data.decode())

    def _write(self, text: str) -> None:
        try:
            stream = getattr(sys, self.stream_name)
            if stream is None:  # no console (pythonw, some daemons): nowhere to write
                return
            stream.write(text)
            stream.flush()
            self._count_written()
        except Exception:
            self.handleError(None)

    def __repr__(self) -> str:
        return f"<StreamSink {self.stream_name}>"


register_line_sink(StreamSink)
