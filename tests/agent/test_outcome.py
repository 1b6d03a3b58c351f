"""Tests for schemalog.agent.outcome: how a session starts, answers, and ends with one outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

import schemalog
from schemalog.agent.outcome import OUTCOME_OF_EVENT, SessionBase
from schemalog.testing import CapturedEvents
from tests.agent.conftest import FakeClock


@pytest.fixture
def session(schemas_dir: Path, clock: FakeClock) -> SessionBase:
    """Return an open session on a logger bound as the tracker binds it."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    log = schemalog.get_logger("test.agent").bind(mcp_name="drea", session_id="s-1")
    return SessionBase("s-1", None, log, clock, mcp_name="drea")


def test_complete_emits_the_statistics_once(
    session: SessionBase, clock: FakeClock, captured_events: CapturedEvents
) -> None:
    """complete() emits session_completed with the statistics; a second decision is refused."""
    clock.now += 1.5
    assert session.complete("done") is True
    assert session.fail() is False
    assert session.abandon() is False
    assert captured_events.event_types == ["session_completed"]
    event = captured_events.find("session_completed", completion_reason="done", success=True)
    assert event["total_duration_ms"] == 1500.0
    assert event["steps_count"] == 0
    assert session.outcome == "completed"
    assert captured_events.invalid == []


def test_fail_is_an_error_with_the_exception(
    session: SessionBase, captured_events: CapturedEvents
) -> None:
    """fail() emits session_failed at error level, unsuccessful, with the error's type."""
    assert session.fail("crash", error_type="KeyError", error_message="'x'")
    event = captured_events.find("session_failed", success=False, error_type="KeyError")
    assert event["level"] == "error"
    assert event["error_message"] == "'x'"


def test_a_failed_answer_makes_completion_unsuccessful(
    session: SessionBase, captured_events: CapturedEvents
) -> None:
    """An answer under the threshold sets success false on the later session_completed."""
    checks = {"has_title": True, "has_date": False, "has_place": False}
    complete = session.answer_checked(
        checks, score=None, threshold=0.5, detection_method="checks", tool_name=None, result_count=3
    )
    assert complete is False
    incomplete = captured_events.find("answer_incomplete", checks_failed=["has_date", "has_place"])
    assert incomplete["completeness_score"] == round(1 / 3, 6)
    assert incomplete["result_count"] == 3
    session.complete()
    captured_events.find("session_completed", success=False, final_result_type="agent_summary")


def test_answer_score_is_clamped_and_compared_with_the_threshold(
    session: SessionBase, captured_events: CapturedEvents
) -> None:
    """A given score is clamped into [0, 1]; reaching the threshold is a complete answer."""
    complete = session.answer_checked(
        {}, score=1.7, threshold=0.9, detection_method="llm", tool_name="search", result_count=None
    )
    assert complete is True
    answer = captured_events.find("answer_complete", completeness_score=1.0, tool_name="search")
    assert "result_count" not in answer


def test_task_completed_sets_the_result_type(
    session: SessionBase, clock: FakeClock, captured_events: CapturedEvents
) -> None:
    """task_completed carries its name and elapsed time; its result type ends the session."""
    clock.now += 0.25
    session.task_completed("summarise", "document")
    captured_events.find("task_completed", task_name="summarise", elapsed_ms=250.0)
    assert session.stats()["final_result_type"] == "document"


@pytest.mark.parametrize(
    ("error", "event_type", "reason"),
    [
        (None, "session_abandoned", "no_completion_signal"),
        (KeyboardInterrupt(), "session_abandoned", "interrupted"),
        (GeneratorExit(), "session_abandoned", "closed"),
        (ValueError("bad"), "session_failed", "exception"),
    ],
)
def test_close_decides_from_how_the_block_ended(
    session: SessionBase,
    captured_events: CapturedEvents,
    error: BaseException | None,
    event_type: str,
    reason: str,
) -> None:
    """close() picks the outcome from the exception (none: abandoned), then emits session_end."""
    session.close(error, complete_on_exit=False)
    assert captured_events.event_types == [event_type, "session_end"]
    captured_events.find(event_type, completion_reason=reason)
    outcome = OUTCOME_OF_EVENT[event_type]
    captured_events.find("session_end", outcome=outcome)
    assert session.outcome == outcome


def test_close_after_a_decision_keeps_it(
    session: SessionBase, captured_events: CapturedEvents
) -> None:
    """An outcome decided early is not overridden by the exception that ends the block."""
    session.abandon("user_left")
    session.close(RuntimeError("late"), complete_on_exit=True)
    assert captured_events.event_types == ["session_abandoned", "session_end"]
    captured_events.find("session_end", outcome="abandoned")


def test_start_emits_the_tool_count(session: SessionBase, captured_events: CapturedEvents) -> None:
    """start() emits session_start with the number of tools and is remembered in the history."""
    session.start(4)
    captured_events.find("session_start", tool_count=4, mcp_name="drea")
    assert len(session.history) == 1
    assert repr(session) == "<AgentSession s-1 steps=0 open>"
