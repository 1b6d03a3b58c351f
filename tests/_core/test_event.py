"""Tests for schemalog._core.event: the record the chain passes along."""

from __future__ import annotations

import logging

import pytest

from schemalog._core import context as _context
from schemalog._core.event import Event


def test_event_starts_empty_and_refuses_unknown_attributes() -> None:
    """A new event holds the call, nothing derived yet, and has a fixed set of slots."""
    event = Event("app", logging.INFO, "cache_miss", {"a": 1}, _context.EMPTY, 1.0)
    assert (event.issues, event.schema, event.context, event.line) == ([], None, {}, b"")
    assert "cache_miss" in repr(event)
    with pytest.raises(AttributeError):
        event.colour = "red"  # type: ignore[attr-defined]
