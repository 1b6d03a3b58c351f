"""``JsonFormatter`` and ``EventFilter``: schemalog lines from a plain ``logging`` set-up.

Records from schemalog loggers already carry their rendered line and are written as they are.
A stdlib record whose ``extra=`` carries ``event_type`` is a cataloged event, run through the
same chain (validated, redacted, rendered flat). Plain stdlib records from other libraries
(``logging.getLogger("urllib3").warning(...)``) come out in the same shape, with
``event_type: "log"``, ``message``, the bound context and any ``extra=`` fields (redacted like
everything else). A formatter cannot drop a record: on a handler configure() did not install,
an event the chain drops (sampled out, invalid under ``drop``) formats as an empty string;
``EventFilter`` filters such records out. Use them by dotted path with ``dictConfig``::

    "filters": {"events": {"()": "schemalog.EventFilter"}},
    "formatters": {"json": {"()": "schemalog.JsonFormatter"}}

``EventFilter`` also puts each processed field on the record as an attribute, so
python-json-logger's own ``JsonFormatter`` writes the same flat line; ``JsonFormatter``
takes python-json-logger's options (``fmt``, ``rename_fields``, ``static_fields``,
``json_default``, ``timestamp``), so switching from it is one import.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import orjson

from schemalog._core import state, stdlib
from schemalog._core.configure import auto_configure
from schemalog._core.dispatch import register_line_formatter
from schemalog._core.event import LINE_ATTRIBUTE
from schemalog.record import LOG_EVENT_TYPE

#: Where EventFilter keeps the parsed record (underscored: python-json-logger skips it).
RECORD_ATTRIBUTE: Final = "_schemalog_record"
#: ``%(name)s``, ``{name}`` and ``$name`` fields of a format string (python-json-logger's rule;
#: compiled on first use, by re's cache: most formatters have no format string).
_FORMAT_FIELD: Final = r"%\((\w+)\)|\{(\w+)[^}]*\}|\$\{?(\w+)\}?"
#: Format fields the envelope already carries under its own name.
_ENVELOPE_SAYS: Final = frozenset(
    {"message", "asctime", "created", "msecs", "levelname", "levelno", "name"}
)


def _line(record: logging.LogRecord) -> bytes | None:
    """Return the record's line, running the chain once for a stdlib record; None if dropped."""
    line: bytes | None = record.__dict__.get(LINE_ATTRIBUTE)
    if line is not None:
        return line
    return (state.pipeline or auto_configure()).process_record(record)


class JsonFormatter(logging.Formatter):
    """Formats any LogRecord as one schemalog JSON line (without the newline).

    With no options the line is exactly what the pipeline rendered. The options are
    python-json-logger's: ``fmt`` adds the LogRecord attributes it names that the envelope does
    not already carry (``%(process)d`` adds ``process``); ``static_fields`` adds fixed fields;
    ``rename_fields`` renames keys of the line; ``timestamp`` renames ``timestamp`` when given
    a string; ``json_default`` serializes what JSON does not know in the fields ``fmt`` adds.
    """

    def __init__(
        self,
        fmt: str | Sequence[str] | None = None,
        datefmt: str | None = None,
        style: str = "%",
        *,
        rename_fields: Mapping[str, str] | None = None,
        static_fields: Mapping[str, Any] | None = None,
        json_default: Callable[[Any], Any] | None = None,
        timestamp: bool | str = False,
    ) -> None:
        super().__init__(None, datefmt, "%")
        del style  # accepted for python-json-logger's signature; fields are found in any style
        if isinstance(fmt, str):
            names = [next(n for n in match if n) for match in re.findall(_FORMAT_FIELD, fmt)]
        else:
            names = list(fmt or ())
        self._record_fields = [name for name in names if name not in _ENVELOPE_SAYS]
        self._rename = dict(rename_fields or {})
        if isinstance(timestamp, str) and timestamp != "timestamp":
            self._rename.setdefault("timestamp", timestamp)
        self._static = dict(static_fields or {})
        self._json_default = json_default
        #: Whether a schemalog record is formatted as its line, as it is (no options); an
        #: attribute, not a property: the dispatch reads it for every event.
        self.passes_lines = not (self._record_fields or self._rename or self._static)

    def format(self, record: logging.LogRecord) -> str:
        """Return the record's JSON line."""
        return self.format_bytes(record).decode("utf-8")

    def format_bytes(self, record: logging.LogRecord) -> bytes:
        """Return the record's JSON line as UTF-8 bytes (what file sinks write)."""
        line = _line(record)
        if line is None:
            return b""
        if self.passes_lines:
            return line
        parsed: dict[str, Any] = orjson.loads(line)
        for name in self._record_fields:
            if name not in parsed and hasattr(record, name):
                parsed[name] = getattr(record, name)
        parsed.update(self._static)
        if self._rename:
            parsed = {self._rename.get(key, key): value for key, value in parsed.items()}
        return orjson.dumps(parsed, default=self._json_default)


register_line_formatter(JsonFormatter)


class EventFilter(logging.Filter):
    """Validates, redacts and stamps every record a handler sees, on the record itself.

    Add it to a handler in a ``dictConfig`` that the application keeps: each record takes the
    same route as under ``configure()`` (a record whose ``extra`` names an ``event_type`` is a
    cataloged event; any other is ``event_type: "log"``), and the result is put back on the
    record: every field as an attribute (redacted values replace the raw ``extra`` ones, and a
    dropped field is removed), ``msg`` a plain message, ``exc_info`` and ``stack_info`` cleared
    (their scanned text is in ``exception`` and ``stack``). So ``schemalog.JsonFormatter`` and
    python-json-logger's ``JsonFormatter`` both write one flat line. A record the policy drops
    (``on_invalid="drop"``) is filtered out.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Process the record in place; False when schemalog drops it."""
        if RECORD_ATTRIBUTE in record.__dict__:
            return True  # already processed by another handler's filter
        extras = list(stdlib.extras(record))
        line = _line(record)
        if line is None:
            return False
        processed: dict[str, Any] = orjson.loads(line)
        attributes = record.__dict__
        for key in extras:
            if key not in processed:
                del attributes[key]  # dropped by redaction, or moved under another name
        message = processed.get("message")
        if message is None:
            message = processed.get("event_type", LOG_EVENT_TYPE)
        for key, value in processed.items():
            if key != "message" and (key not in stdlib.STANDARD_RECORD_ATTRIBUTES or key in extras):
                attributes[key] = value
        record.msg = str(message)
        record.args = ()
        # the line carries them, scanned, as exception and stack: a formatter must not add
        # the raw traceback again (python-json-logger writes exc_info and stack_info)
        record.exc_info = record.exc_text = record.stack_info = None
        attributes[LINE_ATTRIBUTE] = line
        attributes[RECORD_ATTRIBUTE] = processed
        return True
