"""One agent session's tool calls, and the events they emit.

The bookkeeping (sequence, retries, wrong tools) is :class:`~schemalog.agent.calls.CallBook`'s;
how the session starts and ends is :class:`~schemalog.agent.outcome.SessionBase`'s. Here each
call becomes its events: ``tool_call_started`` (with ``tool_call_retry`` and
``wrong_tool_error`` when they apply), then ``tool_call_completed``, ``tool_call_failed`` or
``schema_validation_error``; or ``hallucinated_tool_call``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

from schemalog.agent.calls import ToolCall, Watch
from schemalog.agent.outcome import OUTCOME_OF_EVENT, Outcome, SessionBase

__all__ = ["AgentSession", "Outcome", "ToolCall"]

#: No switch of tools (shared: never changed).
_NO_SWITCHES: Final[list[tuple[Watch, str]]] = []


class AgentSession(SessionBase):
    """An open agent session (made by :meth:`AgentTracker.session`) and its tool calls."""

    def find_in_flight(self, tool_name: str, params_hash: str | None = None) -> ToolCall | None:
        """Return the latest unfinished call of ``tool_name`` (with that hash, when given)."""
        with self._lock:
            return self._book.find_in_flight(tool_name, params_hash)

    def begin_call(self, tool_name: str, params: dict[str, Any], params_hash: str) -> ToolCall:
        """Start a call: emit ``tool_call_started`` and what it reveals.

        That is ``tool_call_retry`` if it repeats an earlier call's tool and parameters, and
        ``wrong_tool_error`` for each failed call it switches away from.
        """
        now = self._clock()
        book = self._book
        lock = self._lock
        lock.acquire()  # not ``with``: half the cost, on every tool call
        try:
            call = book.begin(tool_name, params, params_hash, now)
            switches = book.switches(tool_name) if book.watches else _NO_SWITCHES
            if switches:
                self._wrong_tool += len(switches)
            is_retry = call.original_sequence is not None
            if is_retry:
                self._retries += 1
        finally:
            lock.release()
        self._emit(
            logging.INFO,
            "tool_call_started",
            {
                "tool_name": tool_name,
                "tool_params": params,
                "call_sequence": call.sequence,
                "is_retry": is_retry,
                "retry_attempt": call.retry_attempt,
                "previous_tool_name": call.previous_tool,
                "params_hash": params_hash,
                "mcp_tool_available": True,
            },
        )
        if is_retry or switches:
            self._emit_revealed(call, switches)
        return call

    def _emit_revealed(self, call: ToolCall, switches: list[tuple[Watch, str]]) -> None:
        """Emit the retry and the wrong-tool choices a call's start revealed."""
        if call.original_sequence is not None:
            self._emit(
                logging.INFO,
                "tool_call_retry",
                {
                    "tool_name": call.tool_name,
                    "tool_params": call.params,
                    "params_hash": call.params_hash,
                    "original_call_sequence": call.original_sequence,
                    "retry_attempt": call.retry_attempt,
                    "retry_reason": call.retry_reason,
                    "call_sequence": call.sequence,
                },
            )
        for watch, pattern in switches:
            self._emit(
                logging.WARNING,
                "wrong_tool_error",
                {
                    "first_tool_name": watch.call.tool_name,
                    "second_tool_name": call.tool_name,
                    "first_tool_params": watch.call.params,
                    "second_tool_params": call.params,
                    "first_error_type": watch.error_type,
                    "detection_pattern": pattern,
                    "first_call_sequence": watch.call.sequence,
                    "second_call_sequence": call.sequence,
                },
            )

    def _ended(self, result_type: str) -> None:
        """Note the session's latest result after a call ended (lock held)."""
        self._result_type = result_type
        self._answer_complete = None

    def call_completed(self, call: ToolCall, execution_time_ms: float, result: Any) -> None:
        """End a call that returned: emit ``tool_call_completed``."""
        lock = self._lock
        lock.acquire()  # as in begin_call
        try:
            self._book.end(call, "completed")
            self._ended("tool_result")
        finally:
            lock.release()
        self._emit(
            logging.INFO,
            "tool_call_completed",
            {
                "tool_name": call.tool_name,
                "tool_params": call.params,
                "call_sequence": call.sequence,
                "success": True,
                "execution_time_ms": execution_time_ms,
                "params_hash": call.params_hash,
                "retry_attempt": call.retry_attempt,
                "result_type": type(result).__name__,
            },
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
            self._book.end(call, "failed")
            self._book.watch(call, error_type)
            self._ended("error")
            self._failed += 1
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
            fields["execution_time_ms"] = max(0.0, execution_time_ms)
        self._emit(logging.WARNING, "tool_call_failed", fields)

    def call_invalid(
        self,
        call: ToolCall,
        validation_errors: Sequence[Mapping[str, str]],
        tool_schema_version: str | None = None,
    ) -> None:
        """End a call whose parameters failed the tool schema: emit ``schema_validation_error``."""
        with self._lock:
            self._book.end(call, "invalid")
            self._ended("error")
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
        self._emit(logging.WARNING, "schema_validation_error", fields)

    def hallucinated(
        self,
        requested_tool_name: str,
        params: dict[str, Any],
        available_tools: list[str],
        suggestion: str | None,
    ) -> int:
        """Record a call of a tool missing from the manifest; return its call_sequence."""
        with self._lock:
            sequence = self._book.hallucinated()
            self._hallucinated += 1
            self._result_type = "error"
            self._answer_complete = None
        self._emit(
            logging.WARNING,
            "hallucinated_tool_call",
            {
                "requested_tool_name": requested_tool_name,
                "tool_params": params,
                "available_tools": available_tools,
                "similar_tool_suggested": suggestion,
                "call_sequence": sequence,
            },
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
            "execution_time_ms": max(0.0, execution_time_ms or 0.0),
        }
        self._emit(logging.INFO, "tool_call_completed", fields)

    def record(
        self, level: Any, event_type: str, fields: dict[str, Any], user_id: str | None
    ) -> None:
        """Emit an event the application composed itself (``track``), and remember it.

        An outcome event decides the session's outcome, if nothing did yet.
        """
        outcome = OUTCOME_OF_EVENT.get(event_type)
        if outcome is not None:
            with self._lock:
                if self._outcome is None:
                    self._outcome = outcome
        level(event_type, **fields)
        self.history.add(event_type, fields, None if user_id == self.user_id else user_id)
