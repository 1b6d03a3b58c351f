"""Tests for schemalog._core.steps: the context, envelope, sampling and normalize processors."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import uuid

from schemalog._core import context as _context
from schemalog._core.event import Event
from schemalog._core.stats import STATS
from schemalog._core.steps import add_context, make_envelope, make_sampler, normalize_step

ENVELOPE = make_envelope(frozenset({"hostname"}), caller=True)


def _event(fields: dict[str, object], level: int = logging.INFO) -> Event:
    return Event(
        "app", level, "cache_hit", fields, _context.EMPTY, 1_700_000_000.5, sys._getframe()
    )


def test_context_merges_bound_and_logger_context() -> None:
    """Bound context names go to the context, bound fields under the call's own fields."""
    event = _event({"a": 1})
    event.bound = _context.split({"user_id": "u", "a": 0, "b": 2})
    with _context.bound(session_id="s", b=1):
        add_context(event)
    assert event.context == {"session_id": "s", "user_id": "u"}
    assert event.fields == {"b": 2, "a": 1}


def test_envelope_takes_envelope_names_out_of_the_fields() -> None:
    """Context names and declared context move out; stamped names are issues; a pin is kept."""
    event = _event(
        {
            "request_id": "r",
            "hostname": "h",
            "schema_version": "1.0.0",
            "level": "x",
            "n": 1,
            "stack_info": True,
        }
    )
    ENVELOPE(event)
    assert event.fields == {"n": 1}
    assert event.context == {"request_id": "r", "hostname": "h"}
    assert event.pin == "1.0.0"
    assert [str(issue) for issue in event.issues] == [
        "$.level: is an envelope name that schemalog sets"
    ]
    assert event.stack is not None and event.stack.startswith("Stack (most recent call last)")
    assert event.timestamp == "2023-11-14T22:13:20.500Z"
    assert event.caller is not None and event.caller.startswith("tests._core.test_steps:_event:")


def test_envelope_resolves_the_event_type_given_as_a_field() -> None:
    """event_type= in the fields names the event; given twice differently is an issue."""
    event = _event({"event_type": "cache_miss"})
    event.event_type = None
    ENVELOPE(event)
    assert event.event_type == "cache_miss" and not event.issues
    clash = _event({"event_type": "cache_miss"})
    ENVELOPE(clash)
    assert clash.issues[0].path == "$.event_type"


def test_sampler_keeps_its_share_and_never_samples_warnings() -> None:
    """Rate 0.25 keeps about a quarter of info events, marks them, and keeps every warning."""
    sample = make_sampler({"cache_hit": 0.25})
    kept = [e for e in (sample(_event({})) for _ in range(4000)) if e is not None]
    assert 800 < len(kept) < 1200
    assert {e.sample_rate for e in kept} == {0.25}
    assert STATS.snapshot()["dropped:sampled"] == 4000 - len(kept)
    warning = sample(_event({}, logging.WARNING))
    assert warning is not None and warning.sample_rate is None


def test_normalize_makes_plain_json_data() -> None:
    """UUIDs, datetimes and sets become strings and lists; plain fields stay the same dict."""
    plain = {"a": 1, "b": "x"}
    assert normalize_step(_event(plain)).fields is plain
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    event = normalize_step(_event({"id": uuid.UUID(int=1), "at": when, "s": {1}}))
    assert event.fields == {
        "id": "00000000-0000-0000-0000-000000000001",
        "at": "2026-01-02T03:04:05Z",
        "s": [1],
    }
