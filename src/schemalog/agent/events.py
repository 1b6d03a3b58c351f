"""The agent event types (seed 002), as the catalog (``schemas/``, ``x-domain: agent``) has them."""

from __future__ import annotations

from typing import Final

#: Session lifecycle, tool calls, validation, tasks and answers: the fifteen agent events.
AGENT_EVENT_TYPES: Final = (
    "session_start",
    "session_end",
    "session_completed",
    "session_failed",
    "session_abandoned",
    "tool_call_started",
    "tool_call_completed",
    "tool_call_failed",
    "tool_call_retry",
    "hallucinated_tool_call",
    "schema_validation_error",
    "wrong_tool_error",
    "task_completed",
    "answer_complete",
    "answer_incomplete",
)
