"""Tests for schemalog.testing: the capture helpers and the pytest fixture."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

import schemalog
from schemalog.testing import CapturedEvents, capture_events


def test_fixture_captures_emitted_events(
    captured_events: CapturedEvents, schemas_dir: Path
) -> None:
    """The captured_events fixture holds each record as it would be written."""
    schemalog.configure(sinks=[], schemas=schemas_dir, service="svc")
    log = schemalog.get_logger("app")
    with schemalog.bound(session_id="s-1"):
        log.info("stream_completed", total_chunks=3)
    assert captured_events.event_types == ["stream_completed"]
    record = captured_events.find("stream_completed", total_chunks=3)
    assert record["service"] == "svc"
    assert record["session_id"] == "s-1"
    assert record["schema_version"] == "1.0.0"


def test_invalid_event_raises_inside_capture(schemas_dir: Path) -> None:
    """An invalid event raises at the call and is remembered even when the code swallows it."""
    schemalog.configure(sinks=[], schemas=schemas_dir, on_invalid="keep")
    log = schemalog.get_logger("app")
    with capture_events() as events:
        with pytest.raises(schemalog.InvalidEventError, match="total_chunks"):
            log.info("stream_completed", total_chunks="many")
        with contextlib.suppress(schemalog.InvalidEventError):  # code that swallows errors
            log.info("stream_complete", total_chunks=1)
    assert [error.event_type for error in events.invalid] == ["stream_completed", "stream_complete"]
    assert list(events) == []


def test_find_reports_what_was_emitted(schemas_dir: Path) -> None:
    """find() fails with the list of event types that were emitted."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    with capture_events() as events:
        schemalog.get_logger("app").info("cache_miss")
    with pytest.raises(AssertionError, match=r"emitted: \['cache_miss'\]"):
        events.find("cache_hit")


def test_pytest_session_defaults_to_raise(schemas_dir: Path) -> None:
    """Under pytest, on_invalid defaults to raise when nothing else sets it."""
    settings = schemalog.configure(sinks=[], schemas=schemas_dir)
    assert settings.on_invalid == "raise"
