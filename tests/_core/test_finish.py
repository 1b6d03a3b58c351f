"""Tests for schemalog._core.finish: the redact, render and size guard processors."""

from __future__ import annotations

import logging

import orjson

from schemalog._core import context as _context
from schemalog._core.event import Event, Processor
from schemalog._core.finish import make_redact, make_render, make_size_guard
from schemalog._core.redact import Redactor
from schemalog.record import SchemaIssue


def _run(step: Processor, event: Event) -> Event:
    result = step(event)
    assert result is not None
    return result


def _event(**fields: object) -> Event:
    event = Event("app", logging.WARNING, "thing", dict(fields), _context.EMPTY, 0.0)
    event.timestamp, event.event_id = "T", "E"
    return event


def test_redact_without_schema_redacts_secret_names() -> None:
    """An event without a schema has secret-named keys redacted at any depth."""
    event = _run(make_redact(Redactor()), _event(password="p", nested={"api_key": "k"}, n=1))
    assert event.fields == {"password": "[REDACTED]", "nested": {"api_key": "[REDACTED]"}, "n": 1}


def test_redact_masks_secret_named_context() -> None:
    """Context (a declared context field, a processor's addition) is redacted by key as well."""
    event = _event(n=1)
    event.context = {"session_id": "s", "auth_token": "t0k3n", "user_id": {"password": "p"}}
    event = _run(make_redact(Redactor()), event)
    assert event.context == {
        "session_id": "s",
        "auth_token": "[REDACTED]",
        "user_id": {"password": "[REDACTED]"},
    }


def test_render_orders_the_record_envelope_first() -> None:
    """The line is the envelope in the documented order, then static fields, message, fields."""
    event = _event(n=1)
    event.context = {"session_id": "s"}
    event.caller, event.message, event.sample_rate = "m:f:1", "hello", 0.5
    event.stack, event.exception = "stack", "boom"
    event.issues = [SchemaIssue("$.n", "bad")]
    line = _run(make_render("svc", {"env": "prod"}), event).line
    assert list(orjson.loads(line).items()) == [
        ("timestamp", "T"),
        ("level", "warning"),
        ("logger", "app"),
        ("event_type", "thing"),
        ("event_id", "E"),
        ("service", "svc"),
        ("caller", "m:f:1"),
        ("session_id", "s"),
        ("sample_rate", 0.5),
        ("env", "prod"),
        ("message", "hello"),
        ("n", 1),
        ("stack", "stack"),
        ("exception", "boom"),
        ("schema_errors", ["$.n: bad"]),
    ]


def test_size_guard_cuts_long_lines() -> None:
    """A line over the limit is cut to fit and says what was cut."""
    event = _run(make_render(None, {}), _event(text="x" * 5000))
    guarded = _run(make_size_guard(1024), event)
    assert len(guarded.line) <= 1024
    assert orjson.loads(guarded.line)["truncated"] == ["$.text"]
