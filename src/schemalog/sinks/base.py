"""``Sink``: the base of schemalog's handlers (JSON lines by default, failures counted).

Every sink counts its failures in ``schemalog.stats()["sink_errors"]`` and reports them on
stderr at most once a minute; a failing sink never raises into the application.
"""

from __future__ import annotations

import logging
import sys

from schemalog._core.configure import PROCESS_RECORDS
from schemalog._core.formatter import JsonFormatter
from schemalog._core.stats import STATS


class Sink(logging.Handler):
    """Base of schemalog's handlers: JSON lines by default, failures counted and reported."""

    def __init__(self, level: int | str = logging.NOTSET) -> None:
        super().__init__(level)
        self.setFormatter(JsonFormatter())
        # also when built by dictConfig: a record the chain drops is not written (not as "")
        self.addFilter(PROCESS_RECORDS)

    def line(self, record: logging.LogRecord) -> bytes:
        """Return the record's line as bytes, with the newline; b"" when the chain dropped it.

        (Dropped records are filtered out before a sink sees them, but for the very first
        record before any ``configure()``: the formatter configures schemalog on first use.)
        """
        formatter = self.formatter
        if isinstance(formatter, JsonFormatter):
            line = formatter.format_bytes(record)
            return line + b"\n" if line else b""
        return (self.format(record) + "\n").encode("utf-8", "backslashreplace")

    def handleError(self, record: logging.LogRecord | None) -> None:  # noqa: ARG002
        """Count and report the failure instead of printing a traceback per record."""
        STATS.add("sink_errors")
        error = sys.exc_info()[1]
        STATS.report(f"sink:{id(self)}", f"sink {self!r} failed: {error!r}")
