"""The chain's processors before validation: context, envelope, sampling, normalization.

Each is a function ``(Event) -> Event | None`` with one job (a factory makes the ones that need
settings). The chain itself, and its order, is in :mod:`schemalog._core.pipeline`.
"""

from __future__ import annotations

import enum
import logging
import sys
import traceback
from collections.abc import Mapping
from types import FrameType
from typing import Any, Final

import orjson

from schemalog._core import context as _context
from schemalog._core.envelope import Stamper
from schemalog._core.event import Event, Processor
from schemalog._core.normalize import normalize, normalize_fields, safe_repr
from schemalog._core.otel import OTEL_MODULE, span_ids
from schemalog._core.scan import scrub_text
from schemalog._core.stats import STATS
from schemalog.exceptions import InvalidEventError, ProcessorError
from schemalog.record import CONTEXT_NAMES, RESERVED_NAMES, STAMPED_NAMES, SchemaIssue

#: Call options a schemalog call may pass beside the fields, as stdlib's ``Logger.info`` takes.
CALL_OPTIONS: Final = frozenset({"exc_info", "stack_info"})
STAMP: Final = Stamper()
#: orjson refuses (TypeError) anything that is not plain JSON data under these options.
PLAIN_ONLY: Final = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
_count_sampled_out: Final = STATS.adder("dropped:sampled")
_modules: Final = sys.modules


def add_context(event: Event) -> Event:
    """Context: merge the bound context (``bound()``, ``logger.bind()``) and the span's ids.

    Context names (``session_id``...) go to ``event.context``; other bound names become event
    fields, which the call's own fields override. An explicitly bound ``trace_id``/``span_id``
    wins over the OpenTelemetry span's.
    """
    bound_context, bound_fields = _context.bound_split()
    logger_context, logger_fields = event.bound
    if bound_fields or logger_fields:
        event.fields = {**bound_fields, **logger_fields, **event.fields}
    context = {**bound_context, **logger_context}
    ids = span_ids() if OTEL_MODULE in _modules else None
    event.context = context if ids is None else {**ids, **context}
    return event


def make_envelope(context_fields: frozenset[str], caller: bool) -> Processor:
    """Envelope: resolve ``event_type``, take envelope names out of the fields, stamp the event.

    A context name among the fields moves to the context, ``schema_version`` pins a version,
    ``exc_info``/``stack_info`` become ``exception``/``stack``, a declared context field moves
    to the context, and a name only schemalog sets is a schema issue. ``timestamp`` and
    ``event_id`` are stamped, and ``caller`` when enabled.
    """
    special = RESERVED_NAMES | CALL_OPTIONS | context_fields

    def envelope(event: Event) -> Event:
        fields = event.fields
        if type(event.event_type) is not str or "event_type" in fields:
            event.event_type = event_type_text(event.event_type, fields, event.issues)
        if not special.isdisjoint(fields):
            _take_envelope_names(event, context_fields)
        event.timestamp, event.event_id = STAMP(event.now)
        if caller and event.caller is None and event.frame is not None:
            event.caller = caller_text(event.frame)
        if event.exc_info is not None:
            event.exception = exception_text(event.exc_info)
        return event

    return envelope


def pop_context(fields: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """Take ``names`` out of ``fields``, in the fields' order, as normalized context."""
    return {
        name: value if type(value) is str else normalize(value)  # most ids are strings
        for name in [n for n in fields if n in names]
        for value in (fields.pop(name),)
    }


def _take_envelope_names(event: Event, context_fields: frozenset[str]) -> None:
    fields = event.fields
    event.context.update(pop_context(fields, CONTEXT_NAMES | context_fields))
    if "schema_version" in fields:
        event.pin = fields.pop("schema_version")
    if "exc_info" in fields:
        event.exc_info = fields.pop("exc_info")
    if fields.pop("stack_info", False) and event.frame is not None:
        event.stack = "Stack (most recent call last):\n" + "".join(
            traceback.format_stack(event.frame)
        ).rstrip("\n")
    for name in sorted(STAMPED_NAMES.intersection(fields)):
        del fields[name]
        event.issues.append(SchemaIssue(f"$.{name}", "is an envelope name that schemalog sets"))


def make_sampler(rates: Mapping[str, float]) -> Processor:
    """Sample: keep an event of a sampled type with its rate's probability (``random()``).

    Kept lines carry ``sample_rate``; warnings and more severe events are never sampled.
    """
    import random  # only with rates set: not at every start-up

    def sample(event: Event) -> Event | None:
        rate = rates.get(event.event_type)
        if rate is None or event.level >= logging.WARNING:
            return event
        if random.random() < rate:
            event.sample_rate = rate
            return event
        _count_sampled_out()
        return None

    return sample


def normalize_step(event: Event) -> Event:
    """Normalize: make the fields plain JSON data (datetimes, UUIDs, Enums, sets, huge ints...)."""
    try:
        orjson.dumps(event.fields, option=PLAIN_ONLY)  # C speed: anything to normalize?
    except TypeError:
        event.fields = normalize_fields(event.fields, notes=event.notes)
    return event


def event_type_text(positional: Any, fields: dict[str, Any], issues: list[SchemaIssue]) -> str:
    """Return the event type, given first or as ``event_type=`` (taken out of ``fields``)."""
    event_type = positional
    if "event_type" in fields:
        event_type = fields.pop("event_type")
        if positional is not None and not _same(positional, event_type):
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


def _same(first: Any, second: Any) -> bool:
    try:
        return bool(first == second)
    except Exception:  # Decimal("sNaN") and other values that refuse comparison
        return False


#: Module name prefixes that are never the caller: helpers that log on the application's behalf.
_CALLER_SKIPS: list[str] = []


def skip_caller_modules(*prefixes: str) -> None:
    """Never report a frame of these modules (or their submodules) as ``caller``.

    For libraries that emit events on the application's behalf, as ``schemalog.agent`` does:
    ``caller`` then names the application's line that called the library.
    """
    _CALLER_SKIPS.extend(p for p in prefixes if p not in _CALLER_SKIPS)


def caller_text(frame: FrameType) -> str:
    """Return ``module:function:line`` of ``frame``, skipping modules that log for others."""
    skips = tuple(_CALLER_SKIPS)
    module = frame.f_globals.get("__name__", "?")
    while skips and frame.f_back is not None and _is_under(module, skips):
        frame = frame.f_back
        module = frame.f_globals.get("__name__", "?")
    return f"{module}:{frame.f_code.co_name}:{frame.f_lineno}"


def _is_under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def exception_text(exc_info: Any) -> str | None:
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


def guarded_processor(processor: Processor, on_invalid: str) -> Processor:
    """Wrap a user's processor: an error it raises becomes a schema issue of the event.

    Under ``on_invalid="raise"`` the error propagates (as ProcessorError) instead.
    """
    name = getattr(processor, "__qualname__", None) or safe_repr(processor)

    def guarded(event: Event) -> Event | None:
        try:
            return processor(event)
        except (InvalidEventError, ProcessorError):
            raise
        except Exception as error:
            STATS.add("processor_errors")
            if on_invalid == "raise":
                raise ProcessorError(f"processor {name} raised {error!r}") from error
            event.issues.append(SchemaIssue("$", f"processor {name} raised {safe_repr(error)}"))
            return event

    return guarded
