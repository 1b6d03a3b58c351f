"""One agent session's in-memory state, and the events it emits.

Everything the seed recomputed by re-reading the session's events from storage (the call
sequence, retries, the previous tool, the session's statistics) is kept here as counters and
small maps, updated under a lock, so sessions cost O(1) per call and work whatever the sink.
Bookkeeping happens under the lock; events are emitted after it is released.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from schemalog._core.logger import BoundLogger

#: How many calls after a failed one are watched for a switch to another tool.
WRONG_TOOL_WINDOW: Final = 2

Outcome = Literal["completed", "failed", "abandoned"]
CallOutcome = Literal["completed", "failed", "invalid"]

#: retry_reason for each outcome of the previous identical call (None: it is still running).
_RETRY_REASONS: Final[Mapping[CallOutcome | None, str]] = {
    "failed": "execution_failed",
    "invalid": "schema_validation_failed",
    "completed": "repeated_after_success",
    None: "concurrent_duplicate",
}


@dataclass(eq=False, slots=True)
class ToolCall:
    """One tool call of a session, from its ``tool_call_started`` until it ends."""

    #: The call's ``call_sequence`` in its session.
    sequence: int
    tool_name: str
    #: The parameters as logged (sanitized).
    params: dict[str, Any]
    params_hash: str
    #: 0 for a first call, n for the n-th retry of the same tool and parameters.
    retry_attempt: int
    #: When it started, in the tracker's clock (seconds).
    started: float
    outcome: CallOutcome | None = None

    def __repr__(self) -> str:
        return f"<ToolCall {self.sequence} {self.tool_name} {self.outcome or 'running'}>"


@dataclass
class _Lineage:
    """The calls of one session with one tool and one parameter hash."""

    first_sequence: int
    calls: int
    last: ToolCall


@dataclass
class _Watch:
    """A failed call, waiting to see whether one of the next calls switches tools."""

    call: ToolCall
    error_type: str
    remaining: int = WRONG_TOOL_WINDOW


class AgentSession:
    """An open agent session: its ids, its statistics so far, and how it ends.

    Sessions are made by :meth:`AgentTracker.session`; the tracker's helpers and tool
    middleware update them. ``complete``, ``fail`` and ``abandon`` end a session early with
    an explicit outcome; otherwise leaving the ``with`` block decides it.
    """

    def __init__(
        self,
        session_id: str,
        user_id: str | None,
        log: BoundLogger,
        clock: Callable[[], float],
    ) -> None:
        self.session_id = session_id
        self.user_id = user_id
        self._log = log
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._sequence = 0
        self._steps = 0
        self._failed = 0
        self._retries = 0
        self._schema_errors = 0
        self._hallucinated = 0
        self._wrong_tool = 0
        self._previous_tool: str | None = None
        self._lineages: dict[tuple[str, str], _Lineage] = {}
        self._in_flight: dict[int, ToolCall] = {}
        self._watches: list[_Watch] = []
        self._result_type = "none"
        self._answer_complete: bool | None = None
        self._outcome: Outcome | None = None

    def __repr__(self) -> str:
        return f"<AgentSession {self.session_id} steps={self._steps} {self._outcome or 'open'}>"

    # -- reading ------------------------------------------------------------------------

    @property
    def tool_call_count(self) -> int:
        """Tool calls the agent made so far, hallucinated ones included: the last call_sequence."""
        return self._sequence

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

    def find_in_flight(self, tool_name: str, params_hash: str | None = None) -> ToolCall | None:
        """Return the latest unfinished call of ``tool_name`` (with that hash, when given)."""
        with self._lock:
            for call in reversed(self._in_flight.values()):
                if call.tool_name == tool_name and params_hash in (None, call.params_hash):
                    return call
        return None

    # -- tool calls ---------------------------------------------------------------------

    def begin_call(self, tool_name: str, params: dict[str, Any], params_hash: str) -> ToolCall:
        """Start a call: emit ``tool_call_started`` and what it reveals.

        That is ``tool_call_retry`` if it repeats an earlier call's tool and parameters, and
        ``wrong_tool_error`` for each failed call it switches away from.
        """
        now = self._clock()
        switches: list[tuple[_Watch, str]] = []
        with self._lock:
            self._sequence += 1
            self._steps += 1
            sequence = self._sequence
            previous_tool, self._previous_tool = self._previous_tool, tool_name
            key = (tool_name, params_hash)
            lineage = self._lineages.get(key)
            attempt = 0 if lineage is None else lineage.calls
            call = ToolCall(sequence, tool_name, params, params_hash, attempt, now)
            if lineage is None:
                self._lineages[key] = _Lineage(sequence, 1, call)
                retry_reason = None
            else:
                retry_reason = _RETRY_REASONS[lineage.last.outcome]
                lineage.calls += 1
                lineage.last = call
                self._retries += 1
            if self._watches:
                switches = self._switches(tool_name)
                self._wrong_tool += len(switches)
            self._in_flight[sequence] = call
        log = self._log
        log.info(
            "tool_call_started",
            tool_name=tool_name,
            tool_params=params,
            call_sequence=sequence,
            is_retry=attempt > 0,
            retry_attempt=attempt,
            previous_tool_name=previous_tool,
            params_hash=params_hash,
            mcp_tool_available=True,
        )
        if lineage is not None:
            log.info(
                "tool_call_retry",
                tool_name=tool_name,
                tool_params=params,
                params_hash=params_hash,
                original_call_sequence=lineage.first_sequence,
                retry_attempt=attempt,
                retry_reason=retry_reason,
                call_sequence=sequence,
            )
        for watch, pattern in switches:
            log.warning(
                "wrong_tool_error",
                first_tool_name=watch.call.tool_name,
                second_tool_name=tool_name,
                first_tool_params=watch.call.params,
                second_tool_params=params,
                first_error_type=watch.error_type,
                detection_pattern=pattern,
                first_call_sequence=watch.call.sequence,
                second_call_sequence=sequence,
            )
        return call

    def _switches(self, tool_name: str) -> list[tuple[_Watch, str]]:
        """Advance the failed calls' windows by one call of ``tool_name`` (lock held).

        Return one switch per tool switched away from: failed calls of one tool in a row
        (a failure, then failed retries) are one wrong choice, named by the earliest of them.
        """
        switches: dict[str, tuple[_Watch, str]] = {}
        still_watching = []
        for watch in self._watches:
            failed_tool = watch.call.tool_name
            if failed_tool == tool_name:
                if watch.remaining > 1:
                    watch.remaining -= 1
                    still_watching.append(watch)
            elif failed_tool not in switches:
                first = watch.remaining == WRONG_TOOL_WINDOW
                pattern = "immediate_switch" if first else "retry_with_different_tool"
                switches[failed_tool] = (watch, pattern)
        self._watches = still_watching
        return list(switches.values())

    def _skip_watches(self) -> None:
        """Use up one call of each failed call's window on a call that is no switch (lock held).

        A hallucinated tool is recorded as such, not as a wrong-tool choice, but it is one of
        the calls that follow the failure.
        """
        for watch in self._watches:
            watch.remaining -= 1
        self._watches = [watch for watch in self._watches if watch.remaining > 0]

    def _end_call(self, call: ToolCall, outcome: CallOutcome) -> None:
        """Record how a call ended (lock held)."""
        call.outcome = outcome
        self._in_flight.pop(call.sequence, None)
        self._result_type = "tool_result" if outcome == "completed" else "error"
        self._answer_complete = None

    def call_completed(self, call: ToolCall, execution_time_ms: float, result: Any) -> None:
        """End a call that returned: emit ``tool_call_completed``."""
        with self._lock:
            self._end_call(call, "completed")
        self._log.info(
            "tool_call_completed",
            tool_name=call.tool_name,
            tool_params=call.params,
            call_sequence=call.sequence,
            success=True,
            execution_time_ms=round(execution_time_ms, 3),
            params_hash=call.params_hash,
            retry_attempt=call.retry_attempt,
            result_type=type(result).__name__,
        )

    def call_failed(
        self,
        call: ToolCall,
        execution_time_ms: float | None,
        error_type: str,
        error_message: str | None,
        *,
        retry_eligible: bool = True,
    ) -> None:
        """End a call that failed: emit ``tool_call_failed``; watch for a switch of tools."""
        with self._lock:
            self._end_call(call, "failed")
            self._failed += 1
            self._watches.append(_Watch(call, error_type))
        fields: dict[str, Any] = {
            "tool_name": call.tool_name,
            "tool_params": call.params,
            "call_sequence": call.sequence,
            "error_type": error_type,
            "retry_eligible": retry_eligible,
            "params_hash": call.params_hash,
            "retry_attempt": call.retry_attempt,
        }
        if error_message is not None:
            fields["error_message"] = error_message
        if execution_time_ms is not None:
            fields["execution_time_ms"] = round(max(0.0, execution_time_ms), 3)
        self._log.warning("tool_call_failed", **fields)

    def call_invalid(
        self,
        call: ToolCall,
        validation_errors: Sequence[Mapping[str, str]],
        tool_schema_version: str | None = None,
    ) -> None:
        """End a call whose parameters failed the tool schema: emit ``schema_validation_error``."""
        with self._lock:
            self._end_call(call, "invalid")
            self._schema_errors += 1
        fields: dict[str, Any] = {
            "tool_name": call.tool_name,
            "tool_params": call.params,
            "validation_errors": list(validation_errors),
            "error_count": len(validation_errors),
            "call_sequence": call.sequence,
        }
        if tool_schema_version is not None:
            fields["tool_schema_version"] = tool_schema_version
        self._log.warning("schema_validation_error", **fields)

    def hallucinated(
        self,
        requested_tool_name: str,
        params: dict[str, Any],
        available_tools: list[str],
        suggestion: str | None,
    ) -> int:
        """Record a call of a tool missing from the manifest; return its call_sequence."""
        with self._lock:
            self._sequence += 1
            self._hallucinated += 1
            self._skip_watches()
            self._result_type = "error"
            self._answer_complete = None
            sequence = self._sequence
        self._log.warning(
            "hallucinated_tool_call",
            requested_tool_name=requested_tool_name,
            tool_params=params,
            available_tools=available_tools,
            similar_tool_suggested=suggestion,
            call_sequence=sequence,
        )
        return sequence

    def completed_without_start(
        self, tool_name: str, params: dict[str, Any], execution_time_ms: float | None
    ) -> None:
        """Log a completion reported with no started call to match (the seed's old usage)."""
        with self._lock:
            self._result_type = "tool_result"
        fields: dict[str, Any] = {
            "tool_name": tool_name,
            "tool_params": params,
            "success": True,
            "execution_time_ms": round(max(0.0, execution_time_ms or 0.0), 3),
        }
        self._log.info("tool_call_completed", **fields)

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
        self._log.info("answer_complete" if complete else "answer_incomplete", **fields)
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
        self._log.info("task_completed", **fields)

    # -- the end ------------------------------------------------------------------------

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
            self._log.info("session_completed", **fields)
        elif outcome == "failed":
            self._log.error("session_failed", **fields)
        else:
            self._log.warning("session_abandoned", **fields)
        return True

    def start(self, tool_count: int) -> None:
        """Emit ``session_start``."""
        self._log.info("session_start", tool_count=tool_count)

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
        self._log.info(
            "session_end",
            outcome=self._outcome,
            steps_count=steps,
            total_duration_ms=round(self.elapsed_ms(), 3),
        )


def _abandon_reason(error: BaseException) -> str:
    """Return the completion_reason for a session left by a non-Exception BaseException."""
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    if isinstance(error, GeneratorExit):
        return "closed"
    return type(error).__name__
