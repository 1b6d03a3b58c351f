"""Tests for schemalog.agent.history: a session's latest events, in the seed's row shape."""

from __future__ import annotations

import datetime as dt

from schemalog.agent.history import SessionHistory


def test_rows_are_oldest_first_bounded_and_filtered_by_user() -> None:
    """Only the latest ``size`` events stay; rows carry the seed's keys; user_id filters."""
    history = SessionHistory("s1", "u1", "drea", size=3)
    for n in range(4):
        history.add("tool_call_started", {"call_sequence": n})
    history.add("task_completed", {"steps_count": 4}, user_id="u2")
    rows = history.rows()
    assert len(history) == 3
    assert [row["metadata"].get("call_sequence") for row in rows] == [2, 3, None]
    assert set(rows[0]) == {
        "event_name",
        "user_id",
        "session_id",
        "mcp_name",
        "created_at",
        "metadata",
    }
    assert dt.datetime.fromisoformat(rows[0]["created_at"]).tzinfo == dt.UTC
    assert [row["event_name"] for row in history.rows("u2")] == ["task_completed"]
    assert len(history.rows("u1")) == 2
