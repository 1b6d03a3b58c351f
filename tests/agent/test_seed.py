"""Tests for schemalog.agent.seed: seed 002's own calls, run as the seed writes them."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest

import schemalog
from schemalog.agent import AgentTracker
from schemalog.exceptions import ConfigError
from schemalog.testing import CapturedEvents

TOOLS = ["get_benchmark_results_by_filters", "get_benchmark_results"]
PARAMS = {"model_name": "gpt-4o", "metric": "accuracy"}


@pytest.fixture
def analytics(schemas_dir: Path) -> AgentTracker:
    """Return the seed's ``analytics`` client: a tracker for the MCP server "drea"."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    return AgentTracker("drea", TOOLS)


def test_track_takes_the_seeds_keywords(
    analytics: AgentTracker, captured_events: CapturedEvents
) -> None:
    """analytics.track(user_id=, event_name=, metadata=, session_id=, mcp_name=) emits it."""
    session_id = "session_123"
    analytics.track(
        user_id="user_123",
        event_name="session_completed",
        metadata={
            "completion_reason": "task_finished",
            "success": True,
            "steps_count": 5,
            "total_duration_ms": 2500.0,
            "final_result_type": "agent_summary",
        },
        session_id=session_id,
        mcp_name="drea",
    )
    analytics.track(
        user_id="user_123",
        event_name="answer_complete",
        metadata={
            "completeness_score": 0.85,
            "detection_method": "heuristic_validation",
            "checks_passed": ["has_result_data", "has_multiple_results", "includes_metrics"],
            "checks_failed": ["missing_cost_analysis"],
            "tool_name": "get_benchmark_results_by_filters",
            "result_count": 5,
        },
        session_id=session_id,
        mcp_name="drea",
    )
    completed = captured_events.find("session_completed")
    assert (completed["user_id"], completed["session_id"]) == ("user_123", session_id)
    assert (completed["mcp_name"], completed["steps_count"]) == ("drea", 5)
    assert captured_events.find("answer_complete")["result_count"] == 5
    assert analytics.get_session(session_id).outcome == "completed"  # type: ignore[union-attr]


def test_track_refuses_another_mcp_name_naming_the_replacement(analytics: AgentTracker) -> None:
    """An mcp_name this tracker does not track is a clear error: one tracker per server."""
    with pytest.raises(ConfigError, match=r"AgentTracker\('other'\) per MCP server"):
        analytics.track(user_id="u", event_name="task_completed", session_id="s", mcp_name="other")
    with pytest.raises(TypeError, match="event_name"):
        analytics.track(user_id="u", metadata={}, session_id="s")


def test_enhanced_approach_as_the_seed_writes_it(
    analytics: AgentTracker, captured_events: CapturedEvents
) -> None:
    """The seed's three helpers take its user_id= and mcp_name= keywords."""
    session_id = "session_123"
    call = analytics.track_tool_call_started(
        user_id="user_123",
        tool_name="get_benchmark_results_by_filters",
        tool_params=PARAMS,
        session_id=session_id,
        mcp_name="drea",
        mcp_tools_manifest=TOOLS,
    )
    assert call is not None and call.sequence == 1
    assert analytics.track_tool_usage(
        user_id="user_123",
        tool_name="get_benchmark_results_by_filters",
        tool_params=PARAMS,
        success=True,
        execution_time_ms=111.46,
        session_id=session_id,
        mcp_name="drea",
    )
    analytics.track_tool_call_started(
        user_id="user_123",
        tool_name="get_benchmark_results",
        tool_params=PARAMS,
        session_id=session_id,
        mcp_name="drea",
        mcp_tools_manifest=TOOLS,
    )
    assert analytics.track_tool_call_failed(
        user_id="user_123",
        tool_name="get_benchmark_results",
        tool_params=PARAMS,
        error_type="execution_error",
        error_message="Database connection failed",
        execution_time_ms=111.46,
        session_id=session_id,
        mcp_name="drea",
    )
    hallucinated = analytics.track_tool_call_started(
        user_id="user_123",
        tool_name="get_benchmark_results_advanced",
        tool_params=PARAMS,
        session_id=session_id,
        mcp_name="drea",
        mcp_tools_manifest=TOOLS,
    )
    assert not hallucinated
    assert captured_events.event_types == [
        "tool_call_started",
        "tool_call_completed",
        "tool_call_started",
        "tool_call_failed",
        "hallucinated_tool_call",
    ]
    completed = captured_events.find("tool_call_completed")
    assert (completed["execution_time_ms"], completed["call_sequence"]) == (111.46, 1)
    failed = captured_events.find("tool_call_failed")
    assert (failed["user_id"], failed["session_id"], failed["call_sequence"]) == (
        "user_123",
        session_id,
        2,
    )
    assert captured_events.find("hallucinated_tool_call")["similar_tool_suggested"] in TOOLS
    assert analytics.get_session_tool_call_count(session_id) == 3


def test_get_session_events_returns_the_sessions_events_in_order(
    analytics: AgentTracker,
) -> None:
    """get_session_events(session_id, user_id) gives the seed's rows, oldest first."""
    with analytics.session(user_id="user_123", session_id="s1"):
        call = analytics.track_tool_call_started("get_benchmark_results", PARAMS)
        analytics.track_tool_usage("get_benchmark_results", call=call)
        analytics.track(user_id="user_9", event_name="task_completed", metadata={"steps_count": 1})
    events = analytics.get_session_events("s1", "user_123")
    assert [e["event_name"] for e in events] == [
        "session_start",
        "tool_call_started",
        "tool_call_completed",
        "session_completed",
        "session_end",
    ]
    assert events[1]["metadata"]["tool_name"] == "get_benchmark_results"
    assert {e["session_id"] for e in events} == {"s1"}
    assert {e["mcp_name"] for e in events} == {"drea"}
    stamps = [dt.datetime.fromisoformat(e["created_at"]) for e in events]
    assert stamps == sorted(stamps)
    assert [e["event_name"] for e in analytics.get_session_events("s1", "user_9")] == [
        "task_completed"
    ]
    assert len(analytics.get_session_events("s1")) == 6
    assert analytics.get_session_events("never-seen") == []


def check_retry(
    analytics_client: AgentTracker, session_id: str, tool_name: str, params_hash: str
) -> tuple[bool, int]:
    """Seed 002's Pattern 3, verbatim but for the annotations."""
    session_events = analytics_client.get_session_events(session_id)
    previous_calls = [
        e
        for e in session_events
        if e.get("event_name") == "tool_call_started"
        and e.get("metadata", {}).get("tool_name") == tool_name
        and e.get("metadata", {}).get("params_hash") == params_hash
    ]
    if previous_calls:
        retry_attempt = len(previous_calls)
        return True, retry_attempt
    return False, 0


def mark_session_completed(
    analytics_client: AgentTracker, user_id: str, session_id: str
) -> dict[str, Any]:
    """Seed 002's Pattern 2: the statistics it computes from get_session_events."""
    session_events = analytics_client.get_session_events(session_id, user_id)
    tool_calls = [e for e in session_events if e["event_name"].startswith("tool_")]
    failed_calls = [e for e in session_events if e["event_name"] == "tool_call_failed"]
    start_time = dt.datetime.fromisoformat(session_events[0]["created_at"])
    end_time = dt.datetime.fromisoformat(session_events[-1]["created_at"])
    return {
        "steps_count": len([e for e in tool_calls if e["event_name"] == "tool_call_started"]),
        "failed_calls_count": len(failed_calls),
        "total_duration_ms": (end_time - start_time).total_seconds() * 1000,
    }


def test_seed_patterns_work_on_get_session_events(analytics: AgentTracker) -> None:
    """The seed's retry check and completion statistics read the tracker's events right."""
    sid = "session_42"
    first = analytics.track_tool_call_started(
        user_id="u1", tool_name="get_benchmark_results", tool_params=PARAMS, session_id=sid
    )
    assert first is not None
    analytics.track_tool_call_failed(
        user_id="u1", tool_name="get_benchmark_results", tool_params=PARAMS, session_id=sid
    )
    assert check_retry(analytics, sid, "get_benchmark_results", first.params_hash) == (True, 1)
    assert check_retry(analytics, sid, "get_benchmark_results_by_filters", "x") == (False, 0)
    stats = mark_session_completed(analytics, "u1", sid)
    assert (stats["steps_count"], stats["failed_calls_count"]) == (1, 1)
    assert stats["total_duration_ms"] >= 0


def test_memory_is_bounded_by_the_trackers_settings(schemas_dir: Path) -> None:
    """Retry memory, events per session and remembered sessions stay within their limits."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    tracker = AgentTracker("drea", TOOLS, retry_memory=3, history_size=4, max_sessions=2)
    with tracker.session(session_id="long") as session:
        for n in range(10):
            tracker.track_tool_usage(
                "get_benchmark_results", call=tracker.track_tool_call_started(TOOLS[1], {"n": n})
            )
        assert session._book.remembered == 3
        repeat = tracker.track_tool_call_started(TOOLS[1], {"n": 0})  # forgotten: no retry
        assert repeat is not None and repeat.retry_attempt == 0
        again = tracker.track_tool_call_started(TOOLS[1], {"n": 9})  # remembered: a retry
        assert again is not None and again.retry_attempt == 1
    assert len(tracker.get_session_events("long")) == 4
    for sid in ("a", "b", "c"):
        tracker.track(event_name="task_completed", metadata={"steps_count": 0}, session_id=sid)
    assert tracker.get_session("long") is None and tracker.get_session("a") is None
    assert tracker.get_session("c") is not None
    with pytest.raises(ConfigError, match="history_size"):
        AgentTracker("drea", history_size=0)


def test_track_carries_the_seeds_tool_call_metadata(
    analytics: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Pattern 1's own track() calls (tool_call_started, tool_call_failed) validate."""
    analytics.track(
        user_id="user_123",
        event_name="tool_call_started",
        metadata={
            "tool_name": "get_benchmark_results_by_filters",
            "tool_params": PARAMS,
            "call_sequence": 1,
            "is_retry": False,
            "retry_attempt": 0,
            "params_hash": "abc123",
            "mcp_tool_available": True,
        },
        session_id="session_123",
        mcp_name="drea",
    )
    analytics.track(
        user_id="user_123",
        event_name="tool_call_failed",
        metadata={
            "tool_name": "get_benchmark_results_by_filters",
            "tool_params": PARAMS,
            "error_type": "RuntimeError",
            "error_message": "Database connection failed",
            "execution_time_ms": 150.0,
            "call_sequence": 1,
            "retry_eligible": True,
        },
        session_id="session_123",
        mcp_name="drea",
    )
    assert captured_events.event_types == ["tool_call_started", "tool_call_failed"]
    assert captured_events.find("tool_call_failed")["level"] == "warning"
    rows = analytics.get_session_events("session_123", "user_123")
    assert [row["metadata"]["call_sequence"] for row in rows] == [1, 1]


def test_threads_naming_one_new_session_share_it(analytics: AgentTracker) -> None:
    """Helper calls from several threads with one new session_id number their calls 1..n."""

    def worker(n: int) -> None:
        for k in range(25):
            analytics.track_tool_call_started(
                TOOLS[0], {"n": n, "k": k}, user_id="u1", session_id="shared"
            )

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sequences = [row["metadata"]["call_sequence"] for row in analytics.get_session_events("shared")]
    assert sorted(sequences) == list(range(1, 101))


def test_validation_error_and_completion_helpers_take_the_seeds_mcp_name(
    analytics: AgentTracker, captured_events: CapturedEvents
) -> None:
    """track_schema_validation_error and track_session_completed take mcp_name= as the seed's."""
    errors = [{"field": "model_name", "error": "required field missing", "schema_path": "x"}]
    assert analytics.track_schema_validation_error(
        user_id="user_123",
        tool_name="get_benchmark_results_by_filters",
        tool_params={},
        validation_errors=errors,
        session_id="session_123",
        mcp_name="drea",
    )
    assert analytics.track_session_completed(
        user_id="user_123",
        session_id="session_123",
        completion_reason="task_finished",
        mcp_name="drea",
    )
    assert captured_events.find("schema_validation_error")["mcp_name"] == "drea"
    assert captured_events.find("session_completed")["schema_errors_count"] == 1
    with pytest.raises(ConfigError, match="per MCP server"):
        analytics.track_session_completed(session_id="session_123", mcp_name="other")


def test_track_wrong_tool_error_takes_the_seeds_call_sequence_pair(
    analytics: AgentTracker, captured_events: CapturedEvents
) -> None:
    """The seed's wrong_tool_error with call_sequence [2, 3] is a valid event naming both calls."""
    seeds_metadata = {  # section 7 of the seed, as written
        "first_tool_name": "get_benchmark_results",
        "second_tool_name": "get_benchmark_results_by_filters",
        "first_tool_params": PARAMS,
        "second_tool_params": PARAMS,
        "detection_pattern": "retry_with_different_tool",
        "call_sequence": [2, 3],
    }
    analytics.track("user_123", "wrong_tool_error", seeds_metadata, "session_123", "drea")
    event = captured_events.find("wrong_tool_error")
    assert (event["first_call_sequence"], event["second_call_sequence"]) == (2, 3)
    assert "call_sequence" not in event
