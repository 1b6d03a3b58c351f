"""The emission pipeline: a chain of small processors from a call to one JSON line.

The chain, in order (each step a function ``(Event) -> Event | None`` of its own module)::

    context    bound context and the span's ids          steps.add_context
    envelope   event_type, envelope names, stamps        steps.make_envelope
    sample     per-type sampling (when rates are set)    steps.make_sampler
    normalize  plain JSON data                           steps.normalize_step
    (the user's processors from configure(processors=[...]) run here)
    validate   schema, issues, on_invalid                validate.make_validate
    redact     x-sensitive and secret-named keys         finish.make_redact
    render     the flat record as one line               finish.make_render
    size guard cut to max_event_bytes                    finish.make_size_guard

The line is rendered once and carried on a stdlib ``LogRecord``, so every handler writes the
same bytes. A common valid event (a known, unsampled type; plain fields; its required
context; nothing to take out of the fields; no span, no user processors) takes a fast path
(:mod:`schemalog._core.fastpath`) that gives the same line without building an
:class:`Event` or calling the nine steps. Stdlib
records (``extra=``) run the same chain from :meth:`Pipeline.process_record`; ``log`` records
skip sampling and validation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import FrameType
from typing import Any, Final

import orjson

from schemalog._core import context as _context
from schemalog._core import stdlib
from schemalog._core.dispatch import line_route, write_lines
from schemalog._core.event import LINE_ATTRIBUTE, Event, Processor
from schemalog._core.fastpath import NO_NAMES, FastLines
from schemalog._core.finish import make_redact, make_render, make_size_guard
from schemalog._core.logrecord import make_record
from schemalog._core.normalize import safe_repr
from schemalog._core.redact import Redactor
from schemalog._core.settings import Settings
from schemalog._core.stats import STATS
from schemalog._core.steps import (
    CALL_OPTIONS,
    STAMP,
    add_context,
    caller_text,
    guarded_processor,
    make_envelope,
    make_sampler,
    normalize_step,
    pop_context,
    skip_caller_modules,
)
from schemalog._core.validate import make_validate
from schemalog.catalog.load import Catalog, SchemaVersion
from schemalog.exceptions import InvalidEventError, ProcessorError
from schemalog.record import (
    CONTEXT_NAMES,
    LOG_EVENT_TYPE,
    RESERVED_NAMES,
    level_name,
)

__all__ = ["LINE_ATTRIBUTE", "Pipeline", "skip_caller_modules"]

_count_emitted: Final = STATS.adder("emitted")


class Pipeline:
    """Turns calls and stdlib records into lines for one configuration; immutable once built."""

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.settings = settings
        self.catalog = catalog
        #: The redactor of this configuration (also used by schemalog.agent for tool params).
        self.redactor = Redactor(settings.hash_key)
        self._clock = settings.clock
        self._caller = settings.caller
        #: What every fast line is made with (also read by schemalog.agent's renderers):
        #: the size limit, the service and static fields, and the names a field may not take.
        self.max_bytes = settings.max_event_bytes
        self.service_field = {} if settings.service is None else {"service": settings.service}
        self.static_fields = dict(settings.static_fields)
        self.special_names = RESERVED_NAMES | CALL_OPTIONS | settings.context_fields
        rates = self._sample_rates(settings, catalog)
        envelope = make_envelope(settings.context_fields, settings.caller)
        user = [guarded_processor(step, settings.on_invalid) for step in settings.processors]
        tail = (
            make_redact(self.redactor),
            make_render(settings.service, settings.static_fields),
            make_size_guard(settings.max_event_bytes),
        )
        sample = [make_sampler(rates)] if rates else []
        validate = make_validate(catalog, settings.on_invalid, redactor=self.redactor)
        #: The chain for events, in order.
        self.chain: tuple[Processor, ...] = (
            add_context,
            envelope,
            *sample,
            normalize_step,
            *user,
            validate,
            *tail,
        )
        #: The chain for stdlib ``log`` records: nothing to sample or validate.
        self.log_chain: tuple[Processor, ...] = (
            add_context,
            envelope,
            normalize_step,
            *user,
            *tail,
        )
        fast_possible = not settings.processors
        self._fast: dict[str, SchemaVersion] = {
            name: catalog.get(name)
            for name in (catalog if fast_possible else ())
            if name not in rates
        }
        #: The fast path: a common valid event's line (see schemalog._core.fastpath), else None.
        self._fast_line = FastLines(
            self._fast,
            self.special_names,
            self.redactor,
            self.service_field,
            self.static_fields,
            self.max_bytes,
        ).line

    @staticmethod
    def _sample_rates(settings: Settings, catalog: Catalog) -> dict[str, float]:
        rates = {name: catalog.get(name).sample_rate for name in catalog}
        rates.update(settings.sample_rates)
        return {name: rate for name, rate in rates.items() if rate is not None and rate < 1}

    def emit(  # noqa: PLR0917 - the loggers' one call, positional for speed
        self,
        stdlib_logger: logging.Logger,
        levelno: int,
        event_type: Any,
        fields: dict[str, Any],
        logger_context: _context.Split,
        frame: FrameType | None,
        prepared: frozenset[str] = NO_NAMES,
    ) -> None:
        """Run one call through the chain and hand its line to the handlers.

        ``fields`` is the call's own ``**kwargs`` dict (it may be changed); ``prepared`` names
        fields already normalized and redacted by this pipeline's redactor (see :meth:`line`).
        Never raises, except InvalidEventError under ``on_invalid="raise"`` (and a user
        processor's error there).
        """
        try:
            now = self._clock()
            line = self.line(
                stdlib_logger.name,
                levelno,
                event_type,
                fields,
                logger_context,
                frame,
                now,
                prepared,
            )
            if line is None:
                return
            route = line_route(stdlib_logger, levelno)
            if route is None:
                log_record = make_record(stdlib_logger.name, levelno, frame, line.decode(), now)
                log_record.__dict__[LINE_ATTRIBUTE] = line
        except (InvalidEventError, ProcessorError):
            raise
        except Exception as error:
            STATS.add("internal_errors")
            STATS.drop("internal_error", f"an event was lost to an internal error: {error!r}")
            return
        try:
            if route is not None:  # only schemalog's sinks on the path: no LogRecord needed
                write_lines(route, line, stdlib_logger.name, levelno, frame, now)
            elif stdlib_logger.filters or stdlib_logger.disabled:
                stdlib_logger.handle(log_record)
            else:  # what handle() would do, without two Python frames that decide nothing
                stdlib_logger.callHandlers(log_record)
        except (InvalidEventError, ProcessorError):
            raise  # a capturing handler under on_invalid="raise"
        except Exception as error:  # a handler that raises instead of calling handleError
            STATS.add("sink_errors")
            STATS.drop("handler_raised", f"a handler raised: {error!r}")
        else:
            _count_emitted()

    def fast_schema(self, event_type: str) -> SchemaVersion | None:
        """Return the schema of ``event_type`` if it may skip the chain (known, unsampled)."""
        return self._fast.get(event_type)

    def line(  # noqa: PLR0917 - emit's positional call
        self,
        logger: str,
        levelno: int,
        event_type: Any,
        fields: dict[str, Any],
        logger_context: _context.Split = _context.EMPTY,
        frame: FrameType | None = None,
        now: float | None = None,
        prepared: frozenset[str] = NO_NAMES,
    ) -> bytes | None:
        """Run one call through the chain and return its line; None when the chain drops it.

        What :meth:`emit` does before the handlers: for integrations that render through
        another library's handlers (structlog's ``ProcessorFormatter``, a chain it keeps).
        ``prepared`` names fields whose values are plain JSON data already redacted by
        :attr:`redactor`: the fast path does not walk them again (the line is the same).
        """
        if now is None:
            now = self._clock()
        caller = caller_text(frame) if self._caller and frame is not None else None
        line = self._fast_line(
            logger, levelno, event_type, fields, logger_context, now, caller, None, prepared
        )
        if line is not None:
            return line
        event: Event | None = Event(logger, levelno, event_type, fields, logger_context, now, frame)
        for step in self.chain:  # _run(), inlined: this is the hot path
            event = step(event)  # type: ignore[arg-type]  # None returns below
            if event is None:
                return None
        return event.line  # type: ignore[union-attr]

    @staticmethod
    def _run(chain: Sequence[Processor], event: Event) -> bytes | None:
        for step in chain:
            result = step(event)
            if result is None:
                return None
            event = result
        return event.line

    def process_record(self, record: logging.LogRecord) -> bytes | None:
        """Return a stdlib record's line (None when the chain drops it), computed once per record.

        A schemalog record carries its line already; any other record runs the chain (see
        :mod:`schemalog._core.stdlib`) and keeps its line, so every handler writes the same
        bytes with the same ``event_id``. Raises only what ``on_invalid="raise"`` raises.
        """
        attributes = record.__dict__
        line: bytes | None = attributes.get(LINE_ATTRIBUTE)
        if line is not None:
            return line
        line = attributes.get(stdlib.EVENT_LINE_ATTRIBUTE)
        if line is None:
            line = self._record_line(record)
            attributes[stdlib.EVENT_LINE_ATTRIBUTE] = line
        return line or None

    def event_line(  # noqa: PLR0917 - the stdlib routes' one call
        self,
        logger: str,
        levelno: int,
        fields: dict[str, Any],
        created: float,
        caller: str | None,
        message: str,
    ) -> bytes | None:
        """Return the fast path's line for a stdlib event, else None (the chain then takes it).

        ``fields`` are the record's extras, ``event_type`` and envelope names among them (the
        dict is changed); ``caller`` is ``module:function:line``, used when configured.
        """
        event_type = fields.pop("event_type")
        context = pop_context(fields, CONTEXT_NAMES)
        return self._fast_line(
            logger,
            levelno,
            event_type,
            fields,
            (context, {}),
            created,
            caller if self._caller else None,
            message,
        )

    def _record_line(self, record: logging.LogRecord) -> bytes:
        try:
            if stdlib.is_event(record) and not (record.exc_info or record.stack_info):
                line = self.event_line(
                    record.name,
                    record.levelno,
                    stdlib.extras(record),
                    record.created,
                    stdlib.caller_of(record),
                    stdlib.message_of(record),
                )
                if line is not None:
                    return line
            event = stdlib.event_from_record(record, self.settings.caller)
            if stdlib.is_event(record):
                return self._run(self.chain, event) or b""
            event.event_type = LOG_EVENT_TYPE
            return self._run(self.log_chain, event) or b""
        except (InvalidEventError, ProcessorError):
            raise
        except Exception as error:
            STATS.add("internal_errors")
            timestamp, event_id = STAMP(record.created)
            return orjson.dumps(
                {
                    "timestamp": timestamp,
                    "level": level_name(record.levelno),
                    "logger": record.name,
                    "event_type": LOG_EVENT_TYPE,
                    "event_id": event_id,
                    "message": f"<unformattable record: {safe_repr(error)}>",
                }
            )
