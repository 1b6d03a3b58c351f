"""Tests for schemalog.agent.scope: the with-block of one session."""

from __future__ import annotations

from pathlib import Path

import pytest

import schemalog
from schemalog.agent import AgentTracker


def test_a_scope_opens_once_and_must_be_entered_before_it_exits(schemas_dir: Path) -> None:
    """Entering one block twice, or leaving one never entered, is a RuntimeError."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    tracker = AgentTracker("drea")
    scope = tracker.session(session_id="s1")
    with pytest.raises(RuntimeError, match="never entered"):
        scope.__exit__(None, None, None)
    with scope as session:
        assert tracker.current_session() is session
        with pytest.raises(RuntimeError, match="already open"):
            scope.__enter__()
    assert tracker.current_session() is None
    assert tracker.get_session("s1") is session
