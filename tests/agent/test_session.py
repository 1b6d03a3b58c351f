"""Tests for schemalog.agent.session: session outcomes, statistics, retries and wrong tools."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import schemalog
from schemalog.agent import AgentTracker
from schemalog.testing import CapturedEvents
from tests.agent.conftest import FakeClock


@pytest.fixture
def tracker(schemas_dir: Path, clock: FakeClock) -> AgentTracker:
    """Return a tracker of three tools, schemalog configured on the project's catalog."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    return AgentTracker("drea", ["search", "fetch", "lookup"], clock=clock)


def test_session_emits_start_completed_and_end(
    tracker: AgentTracker, captured_events: CapturedEvents, clock: FakeClock
) -> None:
    """A block left normally is completed, with its statistics and duration, then ended."""
    with tracker.session(user_id="u1", session_id="s1") as session:
        assert schemalog.current_context() == {"session_id": "s1", "user_id": "u1"}
        clock.now += 2.5
    assert captured_events.event_types == ["session_start", "session_completed", "session_end"]
    start = captured_events.find("session_start", tool_count=3, mcp_name="drea")
    assert (start["session_id"], start["user_id"]) == ("s1", "u1")
    completed = captured_events.find("session_completed")
    assert completed["completion_reason"] == "task_finished"
    assert completed["success"] is True
    assert completed["steps_count"] == 0
    assert completed["total_duration_ms"] == 2500.0
    assert completed["final_result_type"] == "none"
    assert captured_events.find("session_end")["outcome"] == "completed"
    assert session.outcome == "completed"
    assert schemalog.current_context() == {}


def test_session_ids_are_fresh_uuids_by_default(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Without a session_id, each session gets a new UUID."""
    with tracker.session() as first:
        pass
    with tracker.session() as second:
        pass
    assert first.session_id != second.session_id
    assert len(first.session_id) == 36
    assert "user_id" not in captured_events[0]


def test_exception_fails_the_session_and_propagates(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """An exception leaving the block emits session_failed and is re-raised unchanged."""
    error = RuntimeError("planner gave up")
    with pytest.raises(RuntimeError) as raised, tracker.session(user_id="u1"):
        raise error
    assert raised.value is error
    failed = captured_events.find("session_failed", error_type="RuntimeError")
    assert failed["completion_reason"] == "exception"
    assert failed["error_message"] == "planner gave up"
    assert failed["success"] is False
    assert captured_events.find("session_end")["outcome"] == "failed"


def test_cancelled_async_session_is_abandoned(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A task cancelled inside ``async with`` abandons its session with reason 'cancelled'."""
    started = asyncio.Event()

    async def agent() -> None:
        async with tracker.session(user_id="u1"):
            started.set()
            await asyncio.sleep(60)

    async def main() -> None:
        task = asyncio.create_task(agent())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    abandoned = captured_events.find("session_abandoned")
    assert abandoned["completion_reason"] == "cancelled"
    assert captured_events.find("session_end")["outcome"] == "abandoned"


def test_without_completion_signal_the_session_is_abandoned(
    schemas_dir: Path, captured_events: CapturedEvents
) -> None:
    """With complete_on_exit=False only an explicit completion completes a session."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    tracker = AgentTracker("drea", ["search"], complete_on_exit=False)
    with tracker.session():
        pass
    with tracker.session():
        assert tracker.track_session_completed(completion_reason="answered")
    assert captured_events.find("session_abandoned")["completion_reason"] == "no_completion_signal"
    assert captured_events.find("session_completed")["completion_reason"] == "answered"
    assert captured_events.event_types.count("session_end") == 2


def test_an_explicit_outcome_is_the_only_one(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """After abandon(), neither complete() nor an exception adds another outcome event."""
    verdicts = []

    def agent() -> None:
        with tracker.session() as session:
            verdicts.extend([session.abandon("max_steps"), session.complete()])
            raise ValueError("late")

    with pytest.raises(ValueError, match="late"):
        agent()
    assert verdicts == [True, False]
    outcomes = [
        t for t in captured_events.event_types if t.startswith("session_") and t != "session_start"
    ]
    assert outcomes == ["session_abandoned", "session_end"]
    assert captured_events.find("session_abandoned")["completion_reason"] == "max_steps"


def test_retry_of_the_same_call_is_detected(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """The same tool with the same parameters is a retry, whatever the key order."""
    with tracker.session():
        first = tracker.track_tool_call_started("search", {"q": "a", "limit": 5})
        assert first is not None
        tracker.track_tool_call_failed("search", error_type="TimeoutError", call=first)
        second = tracker.track_tool_call_started("search", {"limit": 5, "q": "a"})
        assert second is not None
        tracker.track_tool_usage("search", call=second)
        third = tracker.track_tool_call_started("search", {"q": "a", "limit": 5})
        other = tracker.track_tool_call_started("search", {"q": "b", "limit": 5})
    assert third is not None
    assert other is not None
    assert (second.retry_attempt, third.retry_attempt, other.retry_attempt) == (1, 2, 0)
    retries = captured_events.of_type("tool_call_retry")
    assert [
        (r["call_sequence"], r["original_call_sequence"], r["retry_attempt"]) for r in retries
    ] == [
        (2, 1, 1),
        (3, 1, 2),
    ]
    assert [r["retry_reason"] for r in retries] == ["execution_failed", "repeated_after_success"]
    started = captured_events.of_type("tool_call_started")
    assert [s["is_retry"] for s in started] == [False, True, True, False]
    assert started[0]["params_hash"] == started[1]["params_hash"] != started[3]["params_hash"]
    assert started[1]["previous_tool_name"] == "search"
    assert started[0]["previous_tool_name"] is None
    assert captured_events.find("session_completed")["retry_count"] == 2


def test_a_duplicate_of_a_running_call_is_a_concurrent_duplicate(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Repeating a call that has not finished gives retry_reason concurrent_duplicate."""
    with tracker.session():
        tracker.track_tool_call_started("fetch", {"url": "u"})
        tracker.track_tool_call_started("fetch", {"url": "u"})
    assert captured_events.find("tool_call_retry")["retry_reason"] == "concurrent_duplicate"


def test_switching_tools_right_after_a_failure_is_a_wrong_tool_error(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A failed call followed at once by another tool gives an immediate_switch."""
    with tracker.session():
        tracker.track_tool_call_started("search", {"q": "a"})
        tracker.track_tool_call_failed("search", {"q": "a"}, error_type="KeyError")
        tracker.track_tool_call_started("fetch", {"url": "u"})
    wrong = captured_events.find("wrong_tool_error")
    assert wrong["first_tool_name"] == "search"
    assert wrong["second_tool_name"] == "fetch"
    assert wrong["first_tool_params"] == {"q": "a"}
    assert wrong["second_tool_params"] == {"url": "u"}
    assert wrong["first_error_type"] == "KeyError"
    assert wrong["detection_pattern"] == "immediate_switch"
    assert (wrong["first_call_sequence"], wrong["second_call_sequence"]) == (1, 2)


def test_retrying_then_switching_is_one_wrong_tool_error(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Fail, fail again on retry, then switch: one retry_with_different_tool from the first call."""
    with tracker.session():
        for _ in range(2):
            tracker.track_tool_call_started("search", {"q": "a"})
            tracker.track_tool_call_failed("search", {"q": "a"})
        tracker.track_tool_call_started("lookup", {"id": 1})
    wrong = captured_events.of_type("wrong_tool_error")
    assert len(wrong) == 1
    assert wrong[0]["detection_pattern"] == "retry_with_different_tool"
    assert (wrong[0]["first_call_sequence"], wrong[0]["second_call_sequence"]) == (1, 3)
    assert captured_events.find("session_completed")["wrong_tool_errors_count"] == 1


def test_a_switch_after_the_window_is_not_a_wrong_tool_error(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Two more calls of the failed tool close the window; a later switch is not flagged."""
    with tracker.session():
        tracker.track_tool_call_started("search", {"q": "a"})
        tracker.track_tool_call_failed("search", {"q": "a"})
        for query in ("b", "c"):
            tracker.track_tool_call_started("search", {"q": query})
            tracker.track_tool_usage("search", {"q": query})
        tracker.track_tool_call_started("fetch", {"url": "u"})
        tracker.track_tool_call_started("search", {"q": "d"})
    assert captured_events.of_type("wrong_tool_error") == []


def test_hallucinated_calls_use_up_the_wrong_tool_window(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A hallucinated call is one of the two calls watched after a failure, never a switch."""
    with tracker.session():
        tracker.track_tool_call_started("search", {"q": "a"})
        tracker.track_tool_call_failed("search", {"q": "a"})
        tracker.track_tool_call_started("serch", {"q": "a"})
        tracker.track_tool_call_started("fetch", {"url": "u"})
        tracker.track_tool_call_started("lookup", {"id": 1})
        tracker.track_tool_call_failed("lookup", {"id": 1})
        tracker.track_tool_call_started("serch", {"q": "b"})
        tracker.track_tool_call_started("srch", {"q": "c"})
        tracker.track_tool_call_started("fetch", {"url": "v"})
    wrong = captured_events.of_type("wrong_tool_error")
    assert [
        (w["first_call_sequence"], w["second_call_sequence"], w["detection_pattern"]) for w in wrong
    ] == [(1, 3, "retry_with_different_tool")]


def test_stats_count_what_happened(tracker: AgentTracker, captured_events: CapturedEvents) -> None:
    """The outcome event carries every count, kept in memory as calls happen."""
    with tracker.session() as session:
        call = tracker.track_tool_call_started("search", {"q": "a"})
        tracker.track_tool_call_failed("search", call=call)
        tracker.track_tool_call_started("lookup", {"id": "x"})
        tracker.track_schema_validation_error(
            "lookup", {"id": "x"}, [{"field": "id", "error": "bad", "schema_path": "properties.id"}]
        )
        assert tracker.track_tool_call_started("lokup", {"id": 1}) is None
        assert session.stats()["hallucinated_calls_count"] == 1
        assert tracker.get_session_tool_call_count() == 3
    completed = captured_events.find("session_completed")
    assert {k: completed[k] for k in session.stats() if k != "total_duration_ms"} == {
        "steps_count": 2,
        "failed_calls_count": 1,
        "retry_count": 0,
        "schema_errors_count": 1,
        "hallucinated_calls_count": 1,
        "wrong_tool_errors_count": 1,
        "final_result_type": "error",
    }
    assert completed["success"] is False
