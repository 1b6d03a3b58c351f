"""The chain's processors after validation: redact, render, size guard.

Redaction comes after validation on purpose: validation judges the values the caller wrote (a
hashed integer is no longer an integer), and a valid event of a closed schema tells the
redactor that only the properties its plan names can need redacting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from schemalog._core.event import Event, Processor
from schemalog._core.redact import Redactor
from schemalog._core.render import fit, render
from schemalog._core.stats import STATS
from schemalog.record import LEVEL_NAMES, level_name

#: Count one record in which something was redacted.
count_redacted: Final = STATS.adder("redacted")


def make_redact(redactor: Redactor) -> Processor:
    """Redact: hash, mask or drop ``x-sensitive`` fields and secret-named keys at any depth.

    Secret-named keys of the context are redacted as well.
    """

    def redact(event: Event) -> Event:
        schema, fields, context = event.schema, event.fields, event.context
        # context is rendered flat too: a declared context field or a processor's addition
        # may carry a secret under its name
        event.context = redactor.redact(context) if context else context
        if schema is None:
            redacted = redactor.redact(fields)
        elif event.issues or schema.redaction.needed:
            redacted = redactor.redact(fields, schema.redaction, valid=not event.issues)
        else:  # a valid event of a schema with nothing that could need redacting
            redacted = fields
        if redacted is not fields or event.context is not context:
            count_redacted()
            event.fields = redacted
        return event

    return redact


def make_render(service: str | None, static_fields: Mapping[str, Any]) -> Processor:
    """Render: the flat record, envelope first, as one JSON line (``event.line``)."""
    static = dict(static_fields)
    service_field = {} if service is None else {"service": service}

    def render_step(event: Event) -> Event:
        record: dict[str, Any] = {
            "timestamp": event.timestamp,
            "level": LEVEL_NAMES.get(event.level) or level_name(event.level),
            "logger": event.logger,
            "event_type": event.event_type,
        }
        if event.schema is not None:
            record["schema_version"] = event.schema.version_text
        record["event_id"] = event.event_id
        record.update(service_field)
        if event.caller is not None:
            record["caller"] = event.caller
        record.update(event.context)
        if event.sample_rate is not None:
            record["sample_rate"] = event.sample_rate
        record.update(static)
        if event.message is not None:
            record["message"] = event.message
        record.update(event.fields)
        if event.stack:
            record["stack"] = event.stack
        if event.exception:
            record["exception"] = event.exception
        if event.issues or event.notes:
            record["schema_errors"] = [str(issue) for issue in [*event.issues, *event.notes]]
        event.record = record
        event.line = render(record)
        return event

    return render_step


def make_size_guard(max_bytes: int) -> Processor:
    """Size guard: cut a line over ``max_bytes`` (its longest values, listed in ``truncated``)."""

    def guard_size(event: Event) -> Event:
        if len(event.line) > max_bytes:
            event.line = fit(event.record, event.line, max_bytes)[0]
            STATS.add("truncated")
        return event

    return guard_size
