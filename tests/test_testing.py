"""Tests for schemalog.testing: the capture helpers and the pytest fixture (run with pytester)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import schemalog
from schemalog.testing import CapturedEvents, capture_events

pytest_plugins = ["pytester"]


def test_fixture_captures_emitted_events(
    captured_events: CapturedEvents, schemas_dir: Path
) -> None:
    """The captured_events fixture holds each record as it would be written."""
    schemalog.configure(sinks=[], schemas=schemas_dir, service="svc")
    log = schemalog.get_logger("app")
    with schemalog.bound(session_id="s-1"):
        log.info("stream_completed", total_chunks=3)
    assert captured_events.event_types == ["stream_completed"]
    record = captured_events.assert_emitted("stream_completed", total_chunks=3)
    assert record["service"] == "svc"
    assert record["session_id"] == "s-1"
    assert record["schema_version"] == "1.0.0"


def test_capture_does_not_change_the_policy(schemas_dir: Path) -> None:
    """Under keep, an invalid event is captured with its schema_errors and listed in invalid."""
    schemalog.configure(sinks=[], schemas=schemas_dir, on_invalid="keep")
    log = schemalog.get_logger("app")
    with capture_events() as events:
        log.info("stream_completed", total_chunks="many")
        log.info("cache_miss")
    assert events.event_types == ["stream_completed", "cache_miss"]
    assert [record["event_type"] for record in events.invalid] == ["stream_completed"]
    assert "total_chunks" in events.invalid[0]["schema_errors"][0]


def test_capture_sees_debug_while_sinks_keep_their_level(schemas_dir: Path) -> None:
    """Debug events are captured even under level=info; the configured sink still skips them."""
    written: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            written.append(record)

    with capture_events() as events:
        schemalog.configure(sinks=[Keep()], schemas=schemas_dir, level="info")
        log = schemalog.get_logger("app")
        log.debug("cache_hit", cache_expires_in_seconds=1)
        log.info("cache_miss")
    assert events.event_types == ["cache_hit", "cache_miss"]
    assert [record.levelno for record in written] == [logging.INFO]
    assert logging.getLogger().level == logging.INFO  # back to the configured level


def test_sinks_configured_before_the_capture_keep_their_level(schemas_dir: Path) -> None:
    """A sink configure() installed before capturing writes no debug record during it."""
    written: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            written.append(record)

    sink = Keep()
    schemalog.configure(sinks=[sink], schemas=schemas_dir, level="info")
    with capture_events() as events:
        log = schemalog.get_logger("app")
        log.debug("cache_hit", cache_expires_in_seconds=1)
        logging.getLogger("lib").debug("chatty")
        log.info("cache_miss")
    assert events.event_types == ["cache_hit", "cache_miss"]
    assert [record.levelno for record in written] == [logging.INFO]
    assert sink.level == logging.NOTSET  # as configure() left it


def test_stdlib_extra_events_are_captured(schemas_dir: Path) -> None:
    """A stdlib record whose extra carries event_type is captured as the event it is."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    with capture_events() as events:
        logging.getLogger("lib").info(
            "hit", extra={"event_type": "cache_hit", "cache_expires_in_seconds": 5}
        )
        logging.getLogger("lib").info("plain message, left to caplog")
    record = events.assert_emitted("cache_hit", cache_expires_in_seconds=5)
    assert record["message"] == "hit"
    assert events.event_types == ["cache_hit"]


def test_assert_emitted_shows_what_differs(schemas_dir: Path) -> None:
    """assert_emitted fails with the differing fields of each candidate, or what was emitted."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    with capture_events() as events:
        schemalog.get_logger("app").info("cache_hit", cache_expires_in_seconds=3)
    with pytest.raises(AssertionError) as failure:
        events.assert_emitted("cache_hit", cache_expires_in_seconds=4)
    assert str(failure.value) == (
        "no 'cache_hit' event with cache_expires_in_seconds=4\n"
        "'cache_hit' event #1 differs:\n"
        "  cache_expires_in_seconds: expected 4, got 3"
    )
    with pytest.raises(AssertionError, match=r"emitted: \['cache_hit'\]"):
        events.assert_emitted("cache_miss")


def test_pytest_session_defaults_to_raise(schemas_dir: Path) -> None:
    """Under pytest, on_invalid defaults to raise when nothing else sets it."""
    settings = schemalog.configure(sinks=[], schemas=schemas_dir)
    assert settings.on_invalid == "raise"


_USER_TESTS = """
import logging

import pytest

import schemalog


def test_every_level_without_configure(captured_events, caplog):
    log = schemalog.get_logger("app")
    log.debug("cache_hit", cache_expires_in_seconds=1)
    log.info("cache_miss")
    logging.getLogger("lib").info("x", extra={"event_type": "cache_hit",
                                              "cache_expires_in_seconds": 2})
    log.warning("cache_miss")
    assert captured_events.event_types == ["cache_hit", "cache_miss", "cache_hit", "cache_miss"]
    assert [r["level"] for r in captured_events] == ["debug", "info", "info", "warning"]
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]


def test_raises_passes_cleanly(captured_events):
    log = schemalog.get_logger("app")
    with pytest.raises(schemalog.InvalidEventError, match="cache_expires_in_seconds"):
        log.info("cache_hit", cache_expires_in_seconds="soon")
    with pytest.raises(schemalog.InvalidEventError, match="cache_expires_in_seconds"):
        logging.getLogger("lib").info("x", extra={"event_type": "cache_hit"})
    log.info("cache_miss")
    captured_events.assert_emitted("cache_miss")


def test_diff_on_failure(captured_events):
    schemalog.get_logger("app").info("cache_hit", cache_expires_in_seconds=3)
    captured_events.assert_emitted("cache_hit", cache_expires_in_seconds=4)
"""


@pytest.mark.parametrize("options", [[], ["--log-level=WARNING"], ["--log-level=DEBUG"]])
def test_user_suite_under_pytest_logging(pytester: pytest.Pytester, options: list[str]) -> None:
    """A user's suite captures every level at any --log-level; pytest.raises passes cleanly."""
    pytester.makepyfile(test_user=_USER_TESTS)
    result = pytester.runpytest_subprocess(*options)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*no 'cache_hit' event with cache_expires_in_seconds=4*", "*expected 4, got 3*"]
    )
