"""Tests for schemalog._core.state: the lowest level reaches every listener."""

from __future__ import annotations

import logging

import schemalog
from schemalog._core import state


def test_listeners_hear_the_level_now_and_on_every_change() -> None:
    """on_min_level calls the listener at once and again whenever the level changes."""
    heard: list[int] = []
    state.on_min_level(heard.append)
    try:
        state.set_min_level(logging.WARNING)
        state.set_min_level(logging.DEBUG)
    finally:
        state._level_listeners.remove(heard.append)
    assert heard == [logging.INFO, logging.WARNING, logging.DEBUG]
    assert state.min_level == logging.DEBUG


def test_configure_sets_the_level_the_loggers_read(schemas_dir: object) -> None:
    """configure(level=...) makes lower level methods no-ops on every logger."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    schemalog.configure(sinks=[Keep()], level="warning", schemas=str(schemas_dir))
    log = schemalog.get_logger("levels")
    log.info("cache_miss")
    log.warning("cache_miss")
    assert state.min_level == logging.WARNING
    assert [record.levelno for record in seen] == [logging.WARNING]
