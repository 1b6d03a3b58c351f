"""``JsonFormatter``: the stdlib Formatter that writes every record as a schemalog line.

Records from schemalog loggers already carry their rendered line and are written as they are.
A stdlib record whose ``extra=`` carries ``event_type`` is a cataloged event, run through the
same chain (validated, redacted, rendered flat). Plain stdlib records from other libraries
(``logging.getLogger("urllib3").warning(...)``) come out in the same shape, with
``event_type: "log"``, ``message``, the bound context and any ``extra=`` fields (redacted like
everything else). A formatter cannot drop a record: on a handler configure() did not install, an
event the chain drops (sampled out, invalid under ``drop``) formats as an empty string. Use it
by dotted path with ``dictConfig``::

    "formatters": {"json": {"()": "schemalog.JsonFormatter"}}
"""

from __future__ import annotations

import logging

from schemalog._core import state
from schemalog._core.configure import auto_configure
from schemalog._core.event import LINE_ATTRIBUTE


class JsonFormatter(logging.Formatter):
    """Formats any LogRecord as one schemalog JSON line (without the newline)."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record's JSON line."""
        if LINE_ATTRIBUTE in record.__dict__ and isinstance(record.msg, str):
            return record.msg
        line = (state.pipeline or auto_configure()).process_record(record)
        return "" if line is None else line.decode("utf-8")

    def format_bytes(self, record: logging.LogRecord) -> bytes:
        """Return the record's JSON line as UTF-8 bytes (what file sinks write)."""
        line: bytes | None = getattr(record, LINE_ATTRIBUTE, None)
        if line is not None:
            return line
        return (state.pipeline or auto_configure()).process_record(record) or b""
