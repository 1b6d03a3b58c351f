"""Tests for schemalog.agent.tracker: the seed's helpers, sessions by id, and tool dispatch."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import schemalog
from schemalog.agent import AgentTracker, ToolError
from schemalog.exceptions import ToolSchemaError
from schemalog.testing import CapturedEvents

LOOKUP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"id": {"type": "integer"}},
    "required": ["id"],
    "additionalProperties": False,
}


@pytest.fixture
def tracker(schemas_dir: Path) -> AgentTracker:
    """Return a tracker with a manifest of three tools, one with a parameter schema."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    return AgentTracker("drea", ["search", "fetch"], schemas={"lookup": LOOKUP_SCHEMA})


def test_constructor_checks_its_arguments(schemas_dir: Path) -> None:
    """An empty mcp_name, a bare string of tools, a bad threshold or tool schema is refused."""
    with pytest.raises(ValueError, match="mcp_name"):
        AgentTracker("")
    with pytest.raises(ValueError, match="answer_threshold"):
        AgentTracker("drea", answer_threshold=1.5)
    with pytest.raises(ToolSchemaError, match="lookup"):
        AgentTracker("drea", schemas={"lookup": {"type": 3}})
    with pytest.raises(TypeError, match="not the string 'search'"):
        AgentTracker("drea", "search")


def test_manifest_holds_named_schema_and_registered_tools(tracker: AgentTracker) -> None:
    """Tools named, given a schema, or decorated are all in the manifest."""

    @tracker.tool
    def summarize(text: str) -> str:
        return text[:10]

    assert tracker.manifest.names == ["fetch", "lookup", "search", "summarize"]


def test_seed_helpers_emit_the_lifecycle(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """started, usage (completed) and session_completed, as the seed's SDK names them."""
    with tracker.session(user_id="u1", session_id="s1"):
        call = tracker.track_tool_call_started("search", {"q": "a", "user_id": "u1"})
        assert call is not None
        assert call.sequence == 1
        assert tracker.track_tool_usage("search", {"q": "a"}, execution_time_ms=12.5)
        assert tracker.track_session_completed(final_result_type="agent_summary")
    started = captured_events.find("tool_call_started", tool_name="search")
    assert started["tool_params"] == {"q": "a"}  # user_id is context, not a parameter
    assert started["mcp_tool_available"] is True
    completed = captured_events.find("tool_call_completed", call_sequence=1)
    assert completed["execution_time_ms"] == 12.5
    assert completed["params_hash"] == started["params_hash"]
    session_completed = captured_events.find("session_completed")
    assert session_completed["final_result_type"] == "agent_summary"
    assert session_completed["steps_count"] == 1
    assert all(record["session_id"] == "s1" for record in captured_events)
    assert all(record["mcp_name"] == "drea" for record in captured_events)


def test_usage_with_success_false_is_a_failure(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """track_tool_usage(success=False) emits tool_call_failed, as the seed's old call did."""
    with tracker.session():
        tracker.track_tool_call_started("fetch", {"url": "u"})
        tracker.track_tool_usage("fetch", {"url": "u"}, success=False, execution_time_ms=3.0)
    failed = captured_events.find("tool_call_failed", tool_name="fetch")
    assert failed["error_type"] == "execution_error"
    assert failed["call_sequence"] == 1


def test_usage_without_a_started_call_is_logged_alone(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A completion with no started call to match is logged without a call_sequence."""
    with tracker.session():
        assert tracker.track_tool_usage("fetch", {"url": "u"}, execution_time_ms=4.0)
    completed = captured_events.find("tool_call_completed", tool_name="fetch")
    assert "call_sequence" not in completed
    assert captured_events.find("session_completed")["steps_count"] == 0


def test_failure_without_a_started_call_counts_as_a_call(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A failure reported on its own is started first, so the counts stay consistent."""
    with tracker.session():
        tracker.track_tool_call_failed("search", {"q": "a"}, error_message="down")
    assert captured_events.event_types[1:3] == ["tool_call_started", "tool_call_failed"]
    assert captured_events.find("tool_call_failed")["error_message"] == "down"


def test_schema_validation_error_defaults_to_the_schema_verdict(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Without explicit errors, the tool's schema says what is wrong."""
    with tracker.session():
        tracker.track_tool_call_started("lookup", {"id": "seven"})
        assert tracker.track_schema_validation_error("lookup", {"id": "seven"})
    error = captured_events.find("schema_validation_error", tool_name="lookup")
    assert error["validation_errors"] == [
        {
            "field": "id",
            "error": 'expected an integer, got "seven"',
            "schema_path": "properties.id.type",
        }
    ]
    assert error["error_count"] == 1
    assert error["call_sequence"] == 1


def test_hallucinated_name_returns_none_and_suggests(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A tool missing from the manifest is not started: hallucinated_tool_call, with a hint."""
    with tracker.session():
        assert tracker.track_tool_call_started("serch", {"q": "a"}) is None
        assert tracker.get_session_tool_call_count() == 1
    event = captured_events.find("hallucinated_tool_call", requested_tool_name="serch")
    assert event["similar_tool_suggested"] == "search"
    assert event["available_tools"] == ["fetch", "lookup", "search"]
    assert event["call_sequence"] == 1
    assert captured_events.of_type("tool_call_started") == []


def test_answer_completeness_and_task_completed(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Checks make a score; at or over the threshold the answer is complete."""
    with tracker.session() as session:
        assert tracker.track_answer_completeness(
            {"has_result_data": True, "includes_metrics": True, "has_costs": True, "cited": False},
            tool_name="search",
            result_count=5,
        )
        assert not tracker.track_answer_completeness({"has_result_data": True, "cited": False})
        assert tracker.track_answer_completeness({"cited": False}, score=0.9, threshold=0.9)
        assert tracker.track_task_completed("compare_models", result_type="agent_summary")
        assert session.stats()["final_result_type"] == "agent_summary"
    complete = captured_events.of_type("answer_complete")
    assert [(e["completeness_score"], e["threshold"]) for e in complete] == [
        (0.75, 0.75),
        (0.9, 0.9),
    ]
    assert complete[0]["checks_failed"] == ["cited"]
    assert complete[0]["result_count"] == 5
    incomplete = captured_events.find("answer_incomplete")
    assert incomplete["completeness_score"] == 0.5
    task = captured_events.find("task_completed", task_name="compare_models")
    assert task["steps_count"] == 0


def test_incomplete_last_answer_means_no_success(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A session whose last answer failed its check completes with success false."""
    with tracker.session():
        tracker.track_answer_completeness({"has_result_data": False})
    assert captured_events.find("session_completed")["success"] is False


def test_helpers_without_a_session_do_nothing(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Outside any session the helpers return False or None and emit nothing."""
    assert tracker.track_tool_call_started("search") is None
    assert not tracker.track_tool_usage("search")
    assert not tracker.track_tool_call_failed("search")
    assert not tracker.track_schema_validation_error("lookup", {})
    assert not tracker.track_session_completed()
    assert not tracker.track_task_completed()
    assert not tracker.track_answer_completeness({"ok": True})
    assert tracker.get_session_tool_call_count() == 0
    assert list(captured_events) == []


def test_helpers_reach_a_session_by_id_from_another_thread(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A thread without the session's context still tracks into it with session_id=."""
    with tracker.session(user_id="u1", session_id="s-main"):

        def worker() -> None:
            call = tracker.track_tool_call_started("search", {"q": "t"}, session_id="s-main")
            tracker.track_tool_usage("search", call=call, session_id="s-main")

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert tracker.get_session_tool_call_count("s-main") == 1
    completed = captured_events.find("tool_call_completed", tool_name="search")
    assert (completed["session_id"], completed["user_id"]) == ("s-main", "u1")
    ended = tracker.get_session("s-main")  # ended sessions are remembered, for their events
    assert ended is not None and ended.outcome == "completed"


def test_call_dispatches_by_name_and_answers_hallucinations(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """call() runs a registered tool; an unknown name gets a ToolError result, no exception."""

    @tracker.tool
    def summarize(text: str) -> str:
        return text.upper()

    with tracker.session():
        assert tracker.call("summarize", text="abc") == "ABC"
        result = tracker.call("Summarise", text="abc")
    assert isinstance(result, ToolError)
    assert result["error"] == "Tool not found in manifest"
    assert result["similar_tool_suggested"] == "summarize"
    assert captured_events.find("hallucinated_tool_call")["tool_params"] == {"text": "abc"}


def test_call_of_a_manifest_tool_without_function_is_a_lookup_error(
    tracker: AgentTracker,
) -> None:
    """A name in the manifest with nothing registered is the program's mistake: LookupError."""
    with pytest.raises(LookupError, match="'search'"):
        tracker.call("search", q="a")


def test_caller_names_the_applications_line(schemas_dir: Path) -> None:
    """With caller on, tracked events name the application's call, not the tracker's code."""
    from schemalog.testing import capture_events

    schemalog.configure(sinks=[], schemas=schemas_dir, caller=True, on_invalid="raise")
    tracker = AgentTracker("drea")

    @tracker.tool
    def search(q: str) -> str:
        return q

    with capture_events() as events, tracker.session(user_id="u"):
        search(q="x")
    callers = {record["event_type"]: record["caller"] for record in events}
    here = "tests.agent.test_tracker:test_caller_names_the_applications_line:"
    assert callers["tool_call_started"].startswith(here)
    assert callers["session_start"].startswith(here)
