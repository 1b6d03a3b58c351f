"""How an agent session starts and ends: its statistics, answers, tasks and outcome events.

:class:`SessionBase` holds a session's ids, counters and event history, emits
``session_start``, ``task_completed``, ``answer_complete``/``answer_incomplete``, the outcome
(``session_completed``, ``session_failed`` or ``session_abandoned``) and ``session_end``.
:class:`~schemalog.agent.session.AgentSession` adds the tool calls. Bookkeeping happens under
the session's lock; events are emitted after it is released.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from schemalog._core.logger import BoundLogger
from schemalog.agent.calls import DEFAULT_RETRY_MEMORY, CallBook
from schemalog.agent.history import DEFAULT_HISTORY_SIZE, SessionHistory
from schemalog.agent.lines import PREPARED_FIELDS, TrackerLines

Outcome = Literal["completed", "failed", "abandoned"]
#: The outcome each outcome event decides.
OUTCOME_OF_EVENT: Final[Mapping[str, Outcome]] = {
    "session_completed": "completed",
    "session_failed": "failed",
    "session_abandoned": "abandoned",
}


class SessionBase:
    """An open agent session: its ids, its statistics so far, and how it ends.

    ``complete``, ``fail`` and ``abandon`` end a session early with an explicit outcome;
    otherwise leaving the ``with`` block decides it.
    """

    def __init__(
        self,
        session_id: str,
        user_id: str | None,
        log: BoundLogger,
        clock: Callable[[], float],
        *,
        mcp_name: str = "",
        retry_memory: int = DEFAULT_RETRY_MEMORY,
        history_size: int = DEFAULT_HISTORY_SIZE,
        lines: TrackerLines | None = None,
    ) -> None:
        self.session_id = session_id
        self.user_id = user_id
        self._log = log
        self._lines = lines
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._book = CallBook(retry_memory)
        #: The session's latest events, for ``get_session_events``.
        self.history = SessionHistory(session_id, user_id, mcp_name, history_size)
        self._failed = 0
        self._retries = 0
        self._schema_errors = 0
        self._hallucinated = 0
        self._wrong_tool = 0
        self._result_type = "none"
        self._answer_complete: bool | None = None
        self._outcome: Outcome | None = None

    def __repr__(self) -> str:
        return f"<AgentSession {self.session_id} steps={self._steps} {self._outcome or 'open'}>"

    def _emit(self, levelno: int, event_type: str, fields: dict[str, Any]) -> None:
        """Emit an event at ``levelno`` through the session's logger and remember it.

        Tool parameters in it were normalized and redacted once, when the call began
        (``TrackerCore._prepare``): the pipeline is told so and does not walk them again.
        The tracker's ``lines`` write the event when they can (the same line, faster).
        """
        lines = self._lines
        if lines is None or not lines.emit(self._log, levelno, event_type, fields):
            self._log._emit_prepared(levelno, event_type, fields, PREPARED_FIELDS)
        self.history.add(event_type, fields)

    @property
    def _steps(self) -> int:
        """Tool calls begun: every call_sequence given but those of hallucinated calls."""
        return self._book.sequence - self._hallucinated

    @property
    def log(self) -> BoundLogger:
        """The session's logger (``session_id`` and ``user_id`` bound)."""
        return self._log

    @property
    def tool_call_count(self) -> int:
        """Tool calls the agent made so far, hallucinated ones included: the last call_sequence."""
        return self._book.sequence

    @property
    def outcome(self) -> Outcome | None:
        """``completed``, ``failed`` or ``abandoned`` once decided; None while open."""
        return self._outcome

    def elapsed_ms(self) -> float:
        """Milliseconds since the session started."""
        return max(0.0, (self._clock() - self._started) * 1000.0)

    def stats(self) -> dict[str, Any]:
        """Return the session's statistics, as its outcome event carries them."""
        with self._lock:
            return self._stats()

    def _stats(self) -> dict[str, Any]:
        return {
            "steps_count": self._steps,
            "total_duration_ms": round(self.elapsed_ms(), 3),
            "failed_calls_count": self._failed,
            "retry_count": self._retries,
            "schema_errors_count": self._schema_errors,
            "hallucinated_calls_count": self._hallucinated,
            "wrong_tool_errors_count": self._wrong_tool,
            "final_result_type": self._result_type,
        }

    # -- answers and tasks --------------------------------------------------------------

    def answer_checked(
        self,
        checks: Mapping[str, bool],
        *,
        score: float | None,
        threshold: float,
        detection_method: str,
        tool_name: str | None,
        result_count: int | None,
    ) -> bool:
        """Emit ``answer_complete`` or ``answer_incomplete``; return whether it was complete."""
        passed = [name for name, ok in checks.items() if ok]
        failed = [name for name, ok in checks.items() if not ok]
        if score is None:
            score = len(passed) / len(checks) if checks else 0.0
        score = min(1.0, max(0.0, float(score)))
        complete = score >= threshold
        with self._lock:
            self._result_type = "agent_summary"
            self._answer_complete = complete
        fields: dict[str, Any] = {
            "completeness_score": round(score, 6),
            "threshold": threshold,
            "detection_method": detection_method,
            "checks_passed": passed,
            "checks_failed": failed,
        }
        if tool_name is not None:
            fields["tool_name"] = tool_name
        if result_count is not None:
            fields["result_count"] = result_count
        self._emit(logging.INFO, "answer_complete" if complete else "answer_incomplete", fields)
        return complete

    def task_completed(self, task_name: str | None, result_type: str | None) -> None:
        """Emit ``task_completed``."""
        with self._lock:
            if result_type is not None:
                self._result_type = result_type
            steps = self._steps
        fields: dict[str, Any] = {"steps_count": steps, "elapsed_ms": round(self.elapsed_ms(), 3)}
        if task_name is not None:
            fields["task_name"] = task_name
        if result_type is not None:
            fields["result_type"] = result_type
        self._emit(logging.INFO, "task_completed", fields)

    # -- the start and the end ----------------------------------------------------------

    def complete(
        self,
        reason: str = "task_finished",
        *,
        success: bool | None = None,
        final_result_type: str | None = None,
    ) -> bool:
        """Emit ``session_completed`` now; False if the session's outcome was already decided.

        ``success`` defaults to true unless the session's last result was an error (a failed,
        invalid or hallucinated call) or an answer that failed its completeness check.
        """
        return self._decide("completed", reason, success=success, result_type=final_result_type)

    def fail(
        self,
        reason: str = "failed",
        *,
        error_type: str | None = None,
        error_message: str | None = None,
    ) -> bool:
        """Emit ``session_failed`` now; False if the session's outcome was already decided."""
        return self._decide("failed", reason, error_type=error_type, error_message=error_message)

    def abandon(self, reason: str = "abandoned") -> bool:
        """Emit ``session_abandoned`` now; False if the session's outcome was already decided."""
        return self._decide("abandoned", reason)

    def _decide(
        self,
        outcome: Outcome,
        reason: str,
        *,
        success: bool | None = None,
        result_type: str | None = None,
        error_type: str | None = None,
        error_message: str | None = None,
    ) -> bool:
        with self._lock:
            if self._outcome is not None:
                return False
            self._outcome = outcome
            stats = self._stats()
            answer_failed = self._answer_complete is False
        if result_type is not None:
            stats["final_result_type"] = result_type
        if outcome != "completed":
            success = False
        elif success is None:
            success = stats["final_result_type"] != "error" and not answer_failed
        fields: dict[str, Any] = {"completion_reason": reason, "success": success, **stats}
        if error_type is not None:
            fields["error_type"] = error_type
        if error_message is not None:
            fields["error_message"] = error_message
        if outcome == "completed":
            self._emit(logging.INFO, "session_completed", fields)
        elif outcome == "failed":
            self._emit(logging.ERROR, "session_failed", fields)
        else:
            self._emit(logging.WARNING, "session_abandoned", fields)
        return True

    def start(self, tool_count: int) -> None:
        """Emit ``session_start``."""
        self._emit(logging.INFO, "session_start", {"tool_count": tool_count})

    def close(self, error: BaseException | None, *, complete_on_exit: bool) -> None:
        """Decide the outcome if nothing did yet (from how the block ended); emit session_end."""
        if error is None:
            if complete_on_exit:
                self.complete()
            else:
                self.abandon("no_completion_signal")
        elif isinstance(error, Exception):
            self.fail("exception", error_type=type(error).__name__, error_message=str(error))
        else:
            self.abandon(_abandon_reason(error))
        with self._lock:
            steps = self._steps
        fields = {
            "outcome": self._outcome,
            "steps_count": steps,
            "total_duration_ms": round(self.elapsed_ms(), 3),
        }
        self._emit(logging.INFO, "session_end", fields)


def _abandon_reason(error: BaseException) -> str:
    """Return the completion_reason for a session left by a non-Exception BaseException."""
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    if isinstance(error, GeneratorExit):
        return "closed"
    return type(error).__name__
