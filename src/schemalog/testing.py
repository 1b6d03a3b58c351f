"""Test helpers: assert on the events your code emitted, each validated against the catalog.

With pytest (the plugin is registered when schemalog is installed)::

    def test_checkout(captured_events):
        checkout(cart)
        assert captured_events.of_type("order_placed")[0]["total_cents"] == 1999

Anywhere else::

    with schemalog.testing.capture_events() as events:
        checkout(cart)

While capturing, records go to the capture instead of the sinks, exactly as they would be
written (parsed back from the rendered line), and an invalid event raises InvalidEventError at
the call; the pytest fixture also fails the test if one was raised and swallowed. Under pytest,
``on_invalid`` defaults to ``"raise"`` for the whole session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from schemalog._core import settings
from schemalog._core.configure import auto_configure
from schemalog._core.pipeline import CAPTURES, Capture
from schemalog.exceptions import InvalidEventError

__all__ = ["CapturedEvents", "capture_events"]


class CapturedEvents(list[dict[str, Any]]):
    """The records emitted while capturing, in order, as dicts parsed from their lines."""

    def __init__(self) -> None:
        super().__init__()
        #: Invalid events raised at the call while capturing (kept even if the code caught them).
        self.invalid: list[InvalidEventError] = []

    @property
    def event_types(self) -> list[str]:
        """The ``event_type`` of every record, in order."""
        return [record["event_type"] for record in self]

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        """Every record of ``event_type``, in order."""
        return [record for record in self if record["event_type"] == event_type]

    def find(self, event_type: str, **fields: Any) -> dict[str, Any]:
        """Return the first ``event_type`` record with these field values; AssertionError if none.

        The error lists what was emitted, so a failing test says what happened instead.
        """
        for record in self.of_type(event_type):
            if all(record.get(name) == value for name, value in fields.items()):
                return record
        wanted = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        raise AssertionError(
            f"no {event_type!r} event with {wanted or 'any fields'}; emitted: {self.event_types}"
        )


@contextmanager
def capture_events() -> Iterator[CapturedEvents]:
    """Capture every schemalog event emitted inside the block (from any thread)."""
    auto_configure()
    events = CapturedEvents()
    capture = Capture(events, events.invalid)
    CAPTURES.append(capture)
    try:
        yield events
    finally:
        CAPTURES.remove(capture)


try:
    import pytest
except ImportError:  # the context manager works without pytest
    pass
else:

    def pytest_configure() -> None:
        """Make ``on_invalid`` default to ``"raise"`` while tests run."""
        settings.testing_defaults = True

    __all__ += ["captured_events"]  # the fixture exists only where pytest does

    @pytest.fixture
    def captured_events() -> Iterator[CapturedEvents]:
        """Capture the events emitted during the test; fail the test on any invalid event."""
        with capture_events() as events:
            yield events
        if events.invalid:
            details = "\n".join(f"  {error}" for error in events.invalid)
            pytest.fail(f"invalid events were emitted:\n{details}", pytrace=False)
