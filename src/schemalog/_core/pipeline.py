"""The emission pipeline: from a call's fields to one JSON line handed to stdlib handlers.

``Pipeline.emit`` runs the steps in order, each a small function of its own module:
context merge (:mod:`schemalog._core.context`), normalization (:mod:`schemalog._core.normalize`),
validation (:mod:`schemalog.catalog.load`), redaction (:mod:`schemalog._core.redact`), envelope
(:mod:`schemalog._core.envelope`) and rendering with the size guard (:mod:`schemalog._core.render`).
The line is rendered once and carried on a stdlib ``LogRecord``, so every handler writes the
same bytes.
"""

from __future__ import annotations

import enum
import logging
import sys
import traceback
from collections.abc import Mapping
from types import FrameType, TracebackType
from typing import Any, Final

import orjson

from schemalog._core import context as _context
from schemalog._core.envelope import Stamper
from schemalog._core.logrecord import make_record
from schemalog._core.normalize import normalize, normalize_fields, safe_repr
from schemalog._core.redact import Redactor
from schemalog._core.render import escape_line_breaks, fit, render, render_within
from schemalog._core.scan import scrub_text
from schemalog._core.settings import Settings
from schemalog._core.stats import STATS
from schemalog.catalog.load import Catalog, SchemaVersion
from schemalog.catalog.sensitivity import EMPTY_PLAN
from schemalog.exceptions import InvalidEventError, UnknownEventError
from schemalog.record import (
    CONTEXT_NAMES,
    LEVEL_NAMES,
    LOG_EVENT_TYPE,
    RESERVED_NAMES,
    STAMPED_NAMES,
    SchemaIssue,
    level_name,
)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
#: Attribute of a LogRecord that holds schemalog's rendered line (bytes, without newline).
LINE_ATTRIBUTE: Final = "schemalog_line"
#: LogRecord attributes every record has; anything else on a foreign record is an ``extra``.
_STANDARD_RECORD_ATTRIBUTES: Final = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__
) | {"message", "asctime", LINE_ATTRIBUTE}

_STAMP: Final = Stamper()
_count_emitted: Final = STATS.adder("emitted")
_count_redacted: Final = STATS.adder("redacted")
#: orjson refuses (TypeError) anything that is not plain JSON data under these options.
_PLAIN_ONLY: Final = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


class Capture:
    """Receives records instead of the sinks while ``schemalog.testing`` captures."""

    def __init__(self, records: list[dict[str, Any]], invalid: list[InvalidEventError]) -> None:
        self.records = records
        self.invalid = invalid


#: Active captures, innermost last; process-wide so that threads under test are captured too.
CAPTURES: Final[list[Capture]] = []


class Pipeline:
    """Turns calls into records for one configuration; immutable once built."""

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.settings = settings
        self.catalog = catalog
        self.redactor = Redactor(settings.hash_key)
        self._newest = {name: catalog.get(name) for name in catalog}
        self._static = dict(settings.static_fields)
        self._service = settings.service
        self._service_field = {} if settings.service is None else {"service": settings.service}
        self._clock = settings.clock
        self._caller = settings.caller
        self._on_invalid = settings.on_invalid
        self._max_bytes = settings.max_event_bytes
        self._preview = settings.on_invalid != "raise"  # production: quote values shortly

    # -- events from schemalog loggers -------------------------------------------------------

    def emit(  # noqa: PLR0912, PLR0915, PLR0917 - one hot path, kept flat on purpose
        self,
        stdlib_logger: logging.Logger,
        levelno: int,
        event_type: Any,
        fields: dict[str, Any],
        logger_context: _context.Split,
        frame: FrameType | None,
        *,
        notes: list[SchemaIssue] | None = None,
    ) -> None:
        """Process one call and hand its record to the handlers.

        ``fields`` is the call's own ``**kwargs`` dict (it may be changed). Never raises, except
        InvalidEventError under ``on_invalid="raise"``.
        """
        try:
            now = self._clock()
            exc_info = fields.pop("exc_info") if "exc_info" in fields else None
            bound_envelope, bound_fields = _context.bound_split()
            logger_envelope, logger_fields = logger_context
            if bound_fields or logger_fields:
                fields = {**bound_fields, **logger_fields, **fields}
            envelope = {**bound_envelope, **logger_envelope} if logger_envelope else bound_envelope
            issues: list[SchemaIssue] = []
            notes = [] if notes is None else notes  # values made representable (normalize)
            if type(event_type) is not str or "event_type" in fields:
                event_type = _event_type_text(event_type, fields, issues)
            pin: Any = None
            if not RESERVED_NAMES.isdisjoint(fields):
                fields, envelope, pin = _take_envelope_names(fields, envelope, issues)
            schema = self._newest.get(event_type) if pin is None else None
            normalized = False
            if schema is None or not schema.scalar_only:
                try:
                    orjson.dumps(fields, option=_PLAIN_ONLY)  # C speed: anything to normalize?
                except TypeError:
                    fields = normalize_fields(fields, notes=notes)
                    normalized = True
            try:
                valid = schema is not None and schema.validator.is_valid(fields)
            except ValueError:  # jsonschema_rs refuses some types (UUID...): normalize first
                valid = False
            if not valid:
                schema = self._validate(event_type, pin, fields, issues)
            if schema is not None:
                for name in schema.required_context:
                    if envelope.get(name) is None:
                        issues.append(SchemaIssue(f"$.{name}", "required context is missing"))
            if issues:
                if not normalized:  # NaN and the like, as the line will carry them
                    fields = normalize_fields(fields, notes=notes)
                plan = EMPTY_PLAN if schema is None else schema.redaction
                issues = self.redactor.redact_issues(issues, fields, plan, preview=self._preview)
                if not self._accept_invalid(event_type, issues):
                    return

            if schema is None:
                redacted = self.redactor.redact(fields)
            elif issues or schema.redaction.needed:
                redacted = self.redactor.redact(fields, schema.redaction, valid=not issues)
            else:  # a valid event of a schema with nothing that could need redacting
                redacted = fields
            if redacted is not fields:
                _count_redacted()
            timestamp, event_id = _STAMP(now)
            if schema is not None and not self._caller:
                # The common case as one literal: cheaper than building the dict step by step.
                record: dict[str, Any] = {
                    "timestamp": timestamp,
                    "level": LEVEL_NAMES.get(levelno) or level_name(levelno),
                    "logger": stdlib_logger.name,
                    "event_type": event_type,
                    "schema_version": schema.version_text,
                    "event_id": event_id,
                    **self._service_field,
                    **envelope,
                    **self._static,
                    **redacted,
                }
            else:
                record = {
                    "timestamp": timestamp,
                    "level": LEVEL_NAMES.get(levelno) or level_name(levelno),
                    "logger": stdlib_logger.name,
                    "event_type": event_type,
                }
                if schema is not None:
                    record["schema_version"] = schema.version_text
                record["event_id"] = event_id
                record.update(self._service_field)
                if self._caller and frame is not None:
                    record["caller"] = _caller_text(frame)
                record.update(envelope)
                record.update(self._static)
                record.update(redacted)
            if exc_info is not None:
                exception = _exception_text(exc_info)
                if exception is not None:
                    record["exception"] = exception
            if issues or notes:
                record["schema_errors"] = [str(issue) for issue in [*issues, *notes]]

            try:  # render(), inlined: this is the hot path
                line = orjson.dumps(record)
            except TypeError:
                if schema is not None and schema.scalar_only and not issues:
                    # Only an int beyond 64 bits gets here unnormalized: judge it as written.
                    if exc_info is not None:
                        fields["exc_info"] = exc_info
                    if pin is not None:
                        fields["schema_version"] = pin
                    self.emit(
                        stdlib_logger,
                        levelno,
                        event_type,
                        normalize_fields(fields, notes=notes),
                        (envelope, {}),
                        frame,
                        notes=notes,
                    )
                    return
                line = render(record)
            if not line.isascii():
                line = escape_line_breaks(line)
            if len(line) > self._max_bytes:
                line = fit(record, line, self._max_bytes)[0]
                STATS.add("truncated")
            if CAPTURES:
                CAPTURES[-1].records.append(orjson.loads(line))
                return
            log_record = make_record(stdlib_logger.name, levelno, frame, line.decode(), now)
            log_record.__dict__[LINE_ATTRIBUTE] = line
        except InvalidEventError:
            raise
        except Exception as error:
            STATS.add("internal_errors")
            STATS.drop("internal_error", f"an event was lost to an internal error: {error!r}")
            return
        try:
            if stdlib_logger.filters or stdlib_logger.disabled:
                stdlib_logger.handle(log_record)
            else:  # what handle() would do, without two Python frames that decide nothing
                stdlib_logger.callHandlers(log_record)
        except Exception as error:  # a handler that raises instead of calling handleError
            STATS.add("sink_errors")
            STATS.drop("handler_raised", f"a handler raised: {error!r}")
        else:
            _count_emitted()

    def _validate(
        self, event_type: str, pin: Any, fields: dict[str, Any], issues: list[SchemaIssue]
    ) -> SchemaVersion | None:
        """Find the schema (unknown or pinned event types) and explain why ``fields`` fail it.

        The hot path has already tried the newest version's compiled validator.
        """
        if issues and any(issue.path == "$.event_type" for issue in issues):
            return None
        try:
            schema = self.catalog.get(event_type, None if pin is None else str(normalize(pin)))
        except UnknownEventError as error:
            path = "$.event_type" if pin is None else "$.schema_version"
            issues.append(SchemaIssue(path, str(error)))
            return None
        validator = schema.validator
        try:
            if validator.is_valid(fields):
                return schema
        except ValueError:
            pass
        plain = normalize_fields(fields)  # a UUID or an Enum may be fine once normalized
        if not validator.is_valid(plain):
            issues.extend(validator.issues(plain))
        return schema

    def _accept_invalid(self, event_type: str, issues: list[SchemaIssue]) -> bool:
        """Count an invalid event; return whether it is still emitted (``keep``)."""
        STATS.add("invalid")
        if CAPTURES:
            error = InvalidEventError(event_type, issues)
            CAPTURES[-1].invalid.append(error)
            STATS.add("invalid_raised")
            raise error
        if self._on_invalid == "keep":
            STATS.add("invalid_kept")
            return True
        if self._on_invalid == "drop":
            STATS.add("invalid_dropped")
            STATS.drop("invalid", f"on_invalid='drop' dropped an invalid {event_type!r} event")
            return False
        STATS.add("invalid_raised")
        raise InvalidEventError(event_type, issues)

    # -- plain stdlib records from other libraries ------------------------------------------

    def foreign_line(self, record: logging.LogRecord) -> bytes:
        """Render a stdlib record from another library as an ``event_type: log`` line."""
        line: bytes | None = getattr(record, LINE_ATTRIBUTE, None)
        if line is not None:
            return line
        try:
            return self._foreign_line(record)
        except Exception as error:
            STATS.add("internal_errors")
            return orjson.dumps(
                {
                    "timestamp": _STAMP.timestamp(record.created),
                    "level": level_name(record.levelno),
                    "logger": record.name,
                    "event_type": LOG_EVENT_TYPE,
                    "event_id": _STAMP(record.created)[1],
                    "message": f"<unformattable record: {safe_repr(error)}>",
                }
            )

    def _foreign_line(self, record: logging.LogRecord) -> bytes:
        envelope, bound_fields = _context.bound_split()
        timestamp, event_id = _STAMP(record.created)
        out: dict[str, Any] = {
            "timestamp": timestamp,
            "level": level_name(record.levelno),
            "logger": record.name,
            "event_type": LOG_EVENT_TYPE,
            "event_id": event_id,
        }
        if self._service is not None:
            out["service"] = self._service
        if self._caller:
            out["caller"] = f"{record.module}:{record.funcName}:{record.lineno}"
        out.update(envelope)
        out.update(self._static)
        extras = {
            key: value
            for key, value in record.__dict__.items()
            if key not in _STANDARD_RECORD_ATTRIBUTES and key not in RESERVED_NAMES
        }
        notes: list[SchemaIssue] = []
        fields = self.redactor.redact(normalize_fields({**bound_fields, **extras}, notes=notes))
        out["message"] = _message(record)
        out.update(fields)
        exception = _exception_text(record.exc_info) if record.exc_info else record.exc_text
        if record.stack_info:
            exception = f"{exception}\n{record.stack_info}" if exception else record.stack_info
        if exception:
            out["exception"] = scrub_text(exception)
        if notes:
            out["schema_errors"] = [str(note) for note in notes]
        return render_within(out, self._max_bytes)[0]


def _take_envelope_names(
    fields: dict[str, Any], envelope: Mapping[str, Any], issues: list[SchemaIssue]
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Move context names into the envelope, take a version pin, reject stamped names."""
    fields = dict(fields)
    new_envelope = dict(envelope)
    for name in CONTEXT_NAMES.intersection(fields):
        new_envelope[name] = normalize(fields.pop(name))
    pin = fields.pop("schema_version", None)
    for name in sorted(STAMPED_NAMES.intersection(fields)):
        del fields[name]
        issues.append(SchemaIssue(f"$.{name}", "is an envelope name that schemalog sets"))
    return fields, new_envelope, pin


def _event_type_text(positional: Any, fields: dict[str, Any], issues: list[SchemaIssue]) -> str:
    """Return the event type, given first or as ``event_type=`` (taken out of ``fields``)."""
    event_type = positional
    if "event_type" in fields:
        event_type = fields.pop("event_type")
        if positional is not None and positional != event_type:
            issues.append(
                SchemaIssue(
                    "$.event_type",
                    f"given twice, as {safe_repr(positional)}"
                    f" and event_type={safe_repr(event_type)}",
                )
            )
    if type(event_type) is str:
        return event_type
    if isinstance(event_type, enum.Enum):
        event_type = event_type.value
    if isinstance(event_type, str):
        return str(event_type)
    if event_type is None:
        issues.append(SchemaIssue("$.event_type", "missing: pass it first or as event_type="))
        return ""
    text = safe_repr(normalize(event_type))
    issues.append(SchemaIssue("$.event_type", f"must be a string, got {text}"))
    return text


#: Module name prefixes that are never the caller: helpers that log on the application's behalf.
_CALLER_SKIPS: list[str] = []


def skip_caller_modules(*prefixes: str) -> None:
    """Never report a frame of these modules (or their submodules) as ``caller``.

    For libraries that emit events on the application's behalf, as ``schemalog.agent`` does:
    ``caller`` then names the application's line that called the library.
    """
    _CALLER_SKIPS.extend(p for p in prefixes if p not in _CALLER_SKIPS)


def _caller_text(frame: FrameType) -> str:
    skips = tuple(_CALLER_SKIPS)
    module = frame.f_globals.get("__name__", "?")
    while skips and frame.f_back is not None and _is_under(module, skips):
        frame = frame.f_back
        module = frame.f_globals.get("__name__", "?")
    return f"{module}:{frame.f_code.co_name}:{frame.f_lineno}"


def _is_under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _exception_text(exc_info: Any) -> str | None:
    """Format ``exc_info`` (True, an exception, or a sys.exc_info() tuple) as a traceback."""
    if exc_info is None or exc_info is False:
        return None
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if not isinstance(exc_info, tuple) or len(exc_info) != 3 or exc_info[1] is None:
        return None
    try:
        return scrub_text("".join(traceback.format_exception(*exc_info)).rstrip("\n"))
    except Exception:
        return safe_repr(exc_info[1])


def _message(record: logging.LogRecord) -> str:
    try:
        return scrub_text(record.getMessage())
    except Exception:  # args that do not fit the format string
        return f"{safe_repr(record.msg)} % {safe_repr(record.args)}"


def frame_of_caller(depth: int) -> FrameType | None:
    """Return the caller's frame ``depth`` levels up (None where frames are unavailable)."""
    try:
        return sys._getframe(depth + 1)
    except ValueError:
        return None
