"""Test helpers: assert on the events your code emitted, each validated against the catalog.

With pytest (the plugin is registered when schemalog is installed)::

    def test_checkout(captured_events):
        checkout(cart)
        captured_events.assert_emitted("order_placed", total_cents=1999)

Anywhere else::

    with schemalog.testing.capture_events() as events:
        checkout(cart)

Capturing installs a handler on the root logger that keeps every event (from schemalog loggers,
and stdlib records whose ``extra=`` carries ``event_type``) exactly as it is written, parsed back
from its line, at every level: while it captures, the root logger and schemalog's loggers let
debug events through, whatever ``configure()`` or pytest's ``--log-level`` say (sinks still
write only at their configured level). Plain ``log`` records are left to ``caplog``. Records of
a logger that does not propagate to the root logger are not seen.

Under pytest, ``on_invalid`` defaults to ``"raise"``: an invalid event raises InvalidEventError
at the call, so ``pytest.raises(schemalog.InvalidEventError)`` around it passes cleanly. Under
``keep``, invalid events are captured with their ``schema_errors`` (see :attr:`invalid`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from schemalog._core import settings, state, stdlib
from schemalog._core.configure import auto_configure, installed_sinks
from schemalog._core.event import LINE_ATTRIBUTE

__all__ = ["CaptureHandler", "CapturedEvents", "capture_events"]

_MISSING = object()


class CapturedEvents(list[dict[str, Any]]):
    """The events emitted while capturing, in order, as dicts parsed from their lines."""

    @property
    def event_types(self) -> list[str]:
        """The ``event_type`` of every record, in order."""
        return [record["event_type"] for record in self]

    @property
    def invalid(self) -> list[dict[str, Any]]:
        """The records written with ``schema_errors`` (under ``on_invalid="keep"``)."""
        return [record for record in self if "schema_errors" in record]

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        """Every record of ``event_type``, in order."""
        return [record for record in self if record["event_type"] == event_type]

    def assert_emitted(self, event_type: str, /, **fields: Any) -> dict[str, Any]:
        """Return the first ``event_type`` record with these field values; AssertionError if none.

        The error shows, for each ``event_type`` record, the fields that differ (or the event
        types that were emitted, if none was of this type).
        """
        candidates = self.of_type(event_type)
        for record in candidates:
            if all(record.get(name, _MISSING) == value for name, value in fields.items()):
                return record
        wanted = ", ".join(f"{k}={v!r}" for k, v in fields.items()) or "any fields"
        lines = [f"no {event_type!r} event with {wanted}"]
        if not candidates:
            lines.append(f"emitted: {self.event_types}")
        for number, record in enumerate(candidates, 1):
            lines.append(f"{event_type!r} event #{number} differs:")
            for name, value in fields.items():
                actual = record.get(name, _MISSING)
                if actual != value:
                    shown = "<missing>" if actual is _MISSING else repr(actual)
                    lines.append(f"  {name}: expected {value!r}, got {shown}")
        raise AssertionError("\n".join(lines))

    find = assert_emitted


class CaptureHandler(logging.Handler):
    """Keeps each event record that reaches the root logger, parsed from its line."""

    def __init__(self, events: CapturedEvents) -> None:
        super().__init__(logging.NOTSET)
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's line; an invalid ``extra=`` event raises under ``raise``."""
        line: bytes | None = record.__dict__.get(LINE_ATTRIBUTE)
        if line is None:
            if not stdlib.is_event(record):
                return
            line = (state.pipeline or auto_configure()).process_record(record)
            if line is None:  # dropped by the chain
                return
        self.events.append(orjson.loads(line))


@contextmanager
def capture_events() -> Iterator[CapturedEvents]:
    """Capture every schemalog event emitted inside the block, at every level, from any thread."""
    pipeline = auto_configure()
    events = CapturedEvents()
    handler = CaptureHandler(events)
    root = logging.getLogger()
    saved = (root.level, state.min_level, state.capture_level)
    # the sinks configure() installed before the capture keep the configured level
    held = [] if saved[2] is not None else _hold_level(pipeline.settings.level)
    state.capture_level = logging.DEBUG
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    state.set_min_level(logging.DEBUG)
    try:
        yield events
    finally:
        root.removeHandler(handler)
        for sink in held:
            sink.setLevel(logging.NOTSET)
        state.capture_level = saved[2]
        if saved[2] is None:  # the outermost capture: back to the configured levels
            configured = state.pipeline
            if configured is pipeline or configured is None:
                root.setLevel(saved[0])
                state.set_min_level(saved[1])
            else:  # configure() ran inside the block
                root.setLevel(configured.settings.level)
                state.set_min_level(configured.settings.level)


def _hold_level(level: int) -> list[logging.Handler]:
    """Give installed sinks without a level of their own ``level``; return those changed."""
    held = [sink for sink in installed_sinks() if sink.level == logging.NOTSET]
    for sink in held:
        sink.setLevel(level)
    return held


def _open_root_level() -> None:
    level = state.capture_level
    root = logging.getLogger()
    if level is not None and root.level > level:
        root.setLevel(level)


try:
    import pytest
except ImportError:  # the context manager works without pytest
    pass
else:

    def pytest_configure() -> None:
        """Make ``on_invalid`` default to ``"raise"`` while tests run."""
        settings.testing_defaults = True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call() -> None:
        """Let debug events through: pytest's ``--log-level`` resets the root level per phase."""
        _open_root_level()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown() -> None:
        """Do the same for fixture teardown, which may emit events too."""
        _open_root_level()

    __all__ += ["captured_events"]  # the fixture exists only where pytest does

    @pytest.fixture
    def captured_events() -> Iterator[CapturedEvents]:
        """Capture the events emitted during the test, at every level (see the module doc)."""
        with capture_events() as events:
            yield events
