"""The tracker's own events as lines: a renderer prepared per event type, per configuration.

The tracker builds its events itself (``tool_call_started``, ``tool_call_completed``, ...):
the fields are known names, most values are ones it produced (ids, sequences, counts,
flags), and the tool parameters in them were normalized and redacted once, when the call
began. So an event skips the generic call's frames and checks: what the schema needs is
prepared once per event type and configuration (its version, validator, whether a valid
event can hold anything left to redact), and what comes before the fields (envelope,
service, context, static fields) is rendered once per logger and bound context. Each event
is then one validation of its fields, its stamps, one ``orjson.dumps`` of its fields spliced
after that head, and the handlers that take lines without a LogRecord
(:func:`~schemalog._core.dispatch.line_route`). The line is byte for byte the one
:meth:`Pipeline.line <schemalog._core.pipeline.Pipeline.line>` gives for the same event.

Whatever this path does not certainly write as the generic path would (an event type that
is sampled or unknown, user processors, a handler that needs a LogRecord, a recording span,
fields bound that are not the tracker's, a value to normalize, an invalid event, a line too
long) is left to the generic path, which then treats it as it treats any event: validation
errors, ``on_invalid`` and the counters stay exactly as they are.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any, Final

import orjson

from schemalog._core import state
from schemalog._core.context import Split, bound_split
from schemalog._core.dispatch import line_route, write_lines
from schemalog._core.fastpath import only_scalars
from schemalog._core.finish import count_redacted
from schemalog._core.logger import BoundLogger
from schemalog._core.otel import OTEL_MODULE, span_ids
from schemalog._core.pipeline import Pipeline
from schemalog._core.render import escape_line_breaks
from schemalog._core.stats import STATS
from schemalog._core.steps import PLAIN_ONLY, STAMP, caller_text
from schemalog.agent.splitcheck import IsValid, SplitValidators, splittable
from schemalog.catalog.load import SchemaVersion
from schemalog.record import LEVEL_NAMES, level_name

#: The fields of the tracker's events that hold prepared (normalized, redacted) tool parameters.
PREPARED_FIELDS: Final = frozenset({"tool_params", "first_tool_params", "second_tool_params"})
_modules: Final = sys.modules
_count_emitted: Final = STATS.adder("emitted")
#: What :meth:`EventRenderer.head` gives when the generic path must take the events.
_NO_HEAD: Final[tuple[str, str, None, None]] = ("", "", None, None)


class EventRenderer:
    """The line of one event type under one configuration (see the module's docstring)."""

    __slots__ = (
        "_caller",
        "_check_fields",
        "_event_type",
        "_guard",
        "_head",
        "_is_valid",
        "_max_bytes",
        "_plan",
        "_redactor",
        "_redacts",
        "_required",
        "_service",
        "_split",
        "_static",
        "_static_lasting",
        "_version",
        "clock",
    )

    def __init__(self, pipeline: Pipeline, event_type: str, schema: SchemaVersion) -> None:
        settings = pipeline.settings
        self._event_type = event_type
        self._version = schema.version_text
        self._is_valid = schema.validator.is_valid
        self._required = schema.required_context
        plan = schema.redaction
        self._plan = plan
        # A valid event of a closed schema is redacted only in plan.visit, and there the
        # prepared fields are skipped unless the schema has an action for them.
        self._redacts = not plan.closed or any(
            name not in PREPARED_FIELDS or name in plan.actions for name in plan.visit
        )
        self._redactor = pipeline.redactor
        #: The configuration's clock (Unix seconds), for the event's stamps.
        self.clock = settings.clock
        self._caller = settings.caller
        self._max_bytes = pipeline.max_bytes
        self._service = pipeline.service_field
        self._static = pipeline.static_fields
        # Field names that must not reach the splice: envelope and context names (the generic
        # path refuses them) and static fields (the head holds them). A valid event of a
        # closed schema that declares none of them holds none: no check per event then.
        self._guard = pipeline.special_names | frozenset(self._static)
        declared = schema.closed_names
        self._check_fields = declared is None or not self._guard.isdisjoint(declared)
        #: The last head: (log, bound context, level, text before event_id, text after it,
        #: the bound fields or None, the validator, True).
        self._head: tuple[Any, ...] = (None, None, None, *_NO_HEAD, False)
        self._static_lasting = only_scalars(self._static.values())
        #: Validation in two parts, for bound fields (None: the schema does not allow it, or
        #: the fields are redacted together).
        self._split = (
            SplitValidators(schema.schema)
            if splittable(schema.schema) and not self._redacts
            else None
        )

    def write(  # noqa: PLR0911, PLR0912 - one early return per way to the generic path
        self, log: BoundLogger, levelno: int, fields: dict[str, Any], frame: FrameType
    ) -> bool:
        """Write the event's line where no handler needs a LogRecord; False: the generic path's.

        ``frame`` is the one the generic path would be given (for ``caller``).
        """
        logger = log._logger
        route = line_route(logger, levelno)
        if route is None:  # a handler needs a LogRecord, which the generic path makes
            return False
        now = self.clock()
        try:  # anything that fails here: the generic path takes the event and reports it
            if OTEL_MODULE in _modules and span_ids() is not None:
                return False
            bound = bound_split()
            head = self._head  # one read: a racing thread never mixes two heads
            if self._caller:
                head = (None, None, None, *self.head(log, levelno, bound, caller_text(frame)))
            elif head[0] is not log or head[1] is not bound or head[2] != levelno:
                head = (log, bound, levelno, *self.head(log, levelno, bound, None))
                if head[7]:  # else made again for each event: a value in it may change
                    self._head = head
            extra = head[5]
            if extra is None:
                return False
            if extra:
                fields = {**extra, **fields}
            if self._check_fields and not self._guard.isdisjoint(fields):
                return False
            if not head[6](fields):  # raises for a value to normalize first: see below
                return False
            redacted = fields
            if self._redacts:
                redacted = self._redactor.redact(
                    fields, self._plan, valid=True, prepared=PREPARED_FIELDS
                )
            if not redacted:  # no field: nothing to splice after the head
                return False
            # PLAIN_ONLY: anything the generic path would normalize (TypeError) goes there
            body = orjson.dumps(redacted, option=PLAIN_ONLY)
            timestamp, event_id = STAMP(now)
            line = f'{{"timestamp":"{timestamp}{head[3]}{event_id}{head[4]}'.encode() + body[1:]
            if not line.isascii():
                line = escape_line_breaks(line)
            if len(line) > self._max_bytes:
                return False
        except Exception:
            return False
        if redacted is not fields:
            count_redacted()
        try:
            write_lines(route, line, logger.name, levelno, frame, now)
        except Exception as error:  # as Pipeline.emit: a handler that raises is never the caller's
            STATS.add("sink_errors")
            STATS.drop("handler_raised", f"a handler raised: {error!r}")
        else:
            _count_emitted()
        return True

    def head(
        self, log: BoundLogger, levelno: int, bound: Split, caller: str | None
    ) -> tuple[str, str, dict[str, Any] | None, IsValid | None, bool]:
        """Return the line's text from ``timestamp`` to ``event_id``, and from there to the fields.

        Also the fields bound to ``log`` and in ``bound`` that each event must merge before
        its own (None when the generic path must take the event: required context missing,
        a bound envelope name or static field, a bound value the line cannot hold as it is,
        an invalid one), what validates the event, and whether all this may be kept for the
        next events (no value in it can change). Bound fields checked here, in two parts
        (:mod:`~schemalog.agent.splitcheck`), are in the second text already.
        """
        bound_context, bound_fields = bound
        logger_context, logger_fields = log._context
        context = {**bound_context, **logger_context} if logger_context else bound_context
        fields = {**bound_fields, **logger_fields}
        lasting = self._static_lasting and only_scalars([*context.values(), *fields.values()])
        no_head = (*_NO_HEAD, lasting)
        for name in self._required:
            if context.get(name) is None:
                return no_head
        if not self._guard.isdisjoint(fields):
            return no_head
        is_valid: IsValid = self._is_valid
        try:  # PLAIN_ONLY: anything the generic path would normalize goes there
            envelope = orjson.dumps(
                {
                    "level": LEVEL_NAMES.get(levelno) or level_name(levelno),
                    "logger": log._logger.name,
                    "event_type": self._event_type,
                    "schema_version": self._version,
                },
                option=PLAIN_ONLY,
            )
            caller_field = {} if caller is None else {"caller": caller}
            parts = [{**self._service, **caller_field, **context, **self._static}]
            if fields and self._split is not None:
                bound_valid, is_valid = self._split.for_names(frozenset(fields))
                if not bound_valid(fields):
                    return no_head
                parts.append(fields)
                fields = {}
            after = ",".join(
                orjson.dumps(part, option=PLAIN_ONLY)[1:-1].decode() for part in parts if part
            )
        except (TypeError, ValueError):
            return no_head
        before = f'",{envelope[1:-1].decode()},"event_id":"'
        return before, f'",{after},' if after else '",', fields, is_valid, lasting


class TrackerLines:
    """The renderers of one tracker's events, rebuilt when the configuration changes."""

    __slots__ = ("_renderers",)

    def __init__(self) -> None:
        #: By event type: the pipeline its renderer is for, and the renderer (None: the
        #: generic path's). One entry read per event: a racing reconfiguration never mixes
        #: a renderer with another pipeline.
        self._renderers: dict[str, tuple[Pipeline, EventRenderer | None]] = {}

    def emit(self, log: BoundLogger, levelno: int, event_type: str, fields: dict[str, Any]) -> bool:
        """Write one event of the tracker through ``log``; False to leave it to the generic path.

        True also when the level is off (there is nothing to write). ``fields`` is not changed.
        Called where the generic path would be (its caller's frame is the event's frame).
        """
        if levelno < state.min_level:
            return True
        pipeline = state.pipeline
        if pipeline is None:  # the generic path configures on first use
            return False
        if not log._logger.isEnabledFor(levelno):
            return True
        entry = self._renderers.get(event_type)
        if entry is None or entry[0] is not pipeline:
            entry = self._build(pipeline, event_type)
        renderer = entry[1]
        return renderer is not None and renderer.write(log, levelno, fields, sys._getframe(1))

    def _build(self, pipeline: Pipeline, event_type: str) -> tuple[Pipeline, EventRenderer | None]:
        """Make the renderer of ``event_type`` for ``pipeline``; forget those of another one."""
        renderers = self._renderers
        if any(entry[0] is not pipeline for entry in renderers.values()):
            renderers = self._renderers = {}
        schema = pipeline.fast_schema(event_type)
        renderer = None if schema is None else EventRenderer(pipeline, event_type, schema)
        entry = renderers[event_type] = (pipeline, renderer)
        return entry
