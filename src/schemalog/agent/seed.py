"""Seed 002's tracking calls, as the seed writes them.

``track(user_id=..., event_name=..., metadata={...}, session_id=..., mcp_name=...)`` and the
``track_*`` helpers take the seed's keywords; a ``session_id`` no ``with tracker.session()``
block opened starts an implicit session (see :mod:`schemalog.agent.core`), so the call
sequence, retries and wrong tools are tracked across calls that only share the id.
``get_session_events(session_id, user_id)`` returns the session's latest events, oldest first,
from the tracker's memory (:mod:`schemalog.agent.history`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from schemalog.agent.calls import ToolCall
from schemalog.agent.core import TrackerCore
from schemalog.agent.hashing import params_hash
from schemalog.agent.session import AgentSession
from schemalog.exceptions import ConfigError

#: The level of the events ``track`` emits, when not ``info``.
_LEVELS: Final = {
    "session_failed": "error",
    "session_abandoned": "warning",
    "tool_call_failed": "warning",
    "hallucinated_tool_call": "warning",
    "schema_validation_error": "warning",
    "wrong_tool_error": "warning",
}
#: Tool-parameter fields of the agent events, and the field naming their tool.
_PARAM_FIELDS: Final = (
    ("tool_params", "tool_name"),
    ("tool_params", "requested_tool_name"),
    ("first_tool_params", "first_tool_name"),
    ("second_tool_params", "second_tool_name"),
)


def _split_sequence_pair(fields: dict[str, Any]) -> None:
    """Turn the seed's ``call_sequence: [first, second]`` into the catalog's two fields.

    The catalog's ``call_sequence`` is an integer everywhere, so ``wrong_tool_error`` has
    ``first_call_sequence`` and ``second_call_sequence`` instead of the seed's pair.
    """
    pair = fields.get("call_sequence")
    if isinstance(pair, list | tuple) and len(pair) == 2:
        del fields["call_sequence"]
        fields.setdefault("first_call_sequence", pair[0])
        fields.setdefault("second_call_sequence", pair[1])


class SeedApi(TrackerCore):
    """The seed's ``analytics`` calls, on top of the tracker's sessions."""

    def _check_mcp_name(self, mcp_name: str | None) -> None:
        if mcp_name is not None and mcp_name != self.mcp_name:
            raise ConfigError(
                f"mcp_name={mcp_name!r} but this tracker tracks {self.mcp_name!r}: make one"
                f" AgentTracker({mcp_name!r}) per MCP server (see docs/agent-metrics.md)"
            )

    def track(
        self,
        user_id: Any = None,
        event_name: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        session_id: Any = None,
        mcp_name: str | None = None,
    ) -> None:
        """Emit ``event_name`` with the ``metadata`` fields, in the session ``session_id``.

        The event is validated against the catalog like any other; it joins the session's
        events (``get_session_events``). An outcome event (``session_completed``, ...)
        decides the session's outcome. The tracker's statistics are not updated: use the
        ``track_*`` helpers for tool calls.
        """
        self._check_mcp_name(mcp_name)
        if not isinstance(event_name, str) or not event_name:
            raise TypeError(f"track() needs event_name=, a non-empty string, got {event_name!r}")
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError(f"track(): metadata must be a mapping, got {type(metadata).__name__}")
        fields = self._sanitized(metadata or {})
        if event_name == "wrong_tool_error":
            _split_sequence_pair(fields)
        user = None if user_id is None else str(user_id)
        session = self._session_of(session_id, user)
        log = self._log if session is None else session.log
        if user is not None and (session is None or user != session.user_id):
            log = log.bind(user_id=user)
        level = getattr(log, _LEVELS.get(event_name, "info"))
        if session is None:
            level(event_name, **fields)
        else:
            session.record(level, event_name, fields, user)

    def _sanitized(self, metadata: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``metadata`` with its tool parameters prepared as the helpers prepare them.

        So the tool schema's ``x-sensitive`` and the dropped names apply to them as well.
        """
        fields = dict(metadata)
        for params_field, name_field in _PARAM_FIELDS:
            params, tool_name = fields.get(params_field), fields.get(name_field)
            if isinstance(params, Mapping) and isinstance(tool_name, str):
                fields[params_field] = self._prepare(self._spec(tool_name), params)[1]
        return fields

    def get_session_events(
        self, session_id: Any = None, user_id: Any = None
    ) -> list[dict[str, Any]]:
        """Return the session's latest events, oldest first, as the seed's rows.

        A row is ``{"event_name", "user_id", "session_id", "mcp_name", "created_at",
        "metadata"}``; ``user_id`` keeps that user's events only. The tracker keeps the last
        ``history_size`` events of each of its open and ``max_sessions`` latest sessions; an
        unknown session has none.
        """
        session = self.get_session(session_id)
        if session is None:
            return []
        return session.history.rows(None if user_id is None else str(user_id))

    def get_session_tool_call_count(self, session_id: Any = None) -> int:
        """Tool calls made so far in the session (0 without one): the next call is this + 1."""
        session = self.get_session(session_id)
        return 0 if session is None else session.tool_call_count

    def track_tool_call_started(
        self,
        tool_name: str,
        tool_params: Mapping[str, Any] | None = None,
        *,
        session_id: Any = None,
        user_id: Any = None,
        mcp_name: str | None = None,
        mcp_tools_manifest: Iterable[str] | None = None,
    ) -> ToolCall | None:
        """Emit ``tool_call_started`` (and retry / wrong-tool events) for a call about to run.

        ``mcp_tools_manifest`` names join the manifest. Returns the call, to pass to the
        helpers that end it, or None (falsy, as the seed's False) when the tool is not in the
        manifest (``hallucinated_tool_call`` is emitted instead) or no session is known.
        """
        self._check_mcp_name(mcp_name)
        for name in mcp_tools_manifest or ():
            self.manifest.add(name)
        session = self._session_of(session_id, user_id)
        params = dict(tool_params or {})
        if tool_name not in self.manifest:
            self._hallucinated(session, tool_name, params)
            return None
        if session is None:
            self._note_untracked(tool_name)
            return None
        return self._begin(session, tool_name, params)

    def track_tool_usage(
        self,
        tool_name: str,
        tool_params: Mapping[str, Any] | None = None,
        *,
        success: bool = True,
        execution_time_ms: float | None = None,
        call: ToolCall | None = None,
        session_id: Any = None,
        user_id: Any = None,
        mcp_name: str | None = None,
    ) -> bool:
        """Emit ``tool_call_completed`` for a call that returned (``success=False``: failed).

        The call is ``call``, else the latest unfinished call of ``tool_name`` (with these
        parameters, when given); ``execution_time_ms`` defaults to the time since it started.
        Returns False when no session is known.
        """
        if not success:
            return self.track_tool_call_failed(
                tool_name,
                tool_params,
                execution_time_ms=execution_time_ms,
                call=call,
                session_id=session_id,
                user_id=user_id,
                mcp_name=mcp_name,
            )
        self._check_mcp_name(mcp_name)
        session = self._session_of(session_id, user_id)
        if session is None:
            self._note_untracked(tool_name)
            return False
        call = call or self._match(session, tool_name, tool_params)
        if call is None:
            _, logged = self._prepare(self._spec(tool_name), tool_params or {})
            session.completed_without_start(tool_name, logged, execution_time_ms)
            return True
        session.call_completed(call, self._elapsed_ms(call, execution_time_ms), None)
        return True

    def track_tool_call_failed(
        self,
        tool_name: str,
        tool_params: Mapping[str, Any] | None = None,
        *,
        error_type: str = "execution_error",
        error_message: str | None = None,
        execution_time_ms: float | None = None,
        retry_eligible: bool = True,
        call: ToolCall | None = None,
        session_id: Any = None,
        user_id: Any = None,
        mcp_name: str | None = None,
    ) -> bool:
        """Emit ``tool_call_failed`` for a call that raised; False when no session is known.

        Without a started call to match, the failure is counted as a call of its own.
        """
        self._check_mcp_name(mcp_name)
        session = self._session_of(session_id, user_id)
        if session is None:
            self._note_untracked(tool_name)
            return False
        call = (
            call
            or self._match(session, tool_name, tool_params)
            or self._begin(session, tool_name, tool_params)
        )
        session.call_failed(
            call,
            self._elapsed_ms(call, execution_time_ms),
            error_type,
            error_message,
            retry_eligible=retry_eligible,
        )
        return True

    def validate_tool_params(
        self, tool_name: str, tool_params: Mapping[str, Any]
    ) -> list[dict[str, str]]:
        """Check parameters against the tool's schema: one ``{field, error, schema_path}`` each."""
        spec = self._spec(tool_name)
        plain, _ = self._prepare(spec, tool_params)
        return spec.validate(plain)

    def track_schema_validation_error(
        self,
        tool_name: str,
        tool_params: Mapping[str, Any] | None = None,
        validation_errors: list[dict[str, str]] | None = None,
        *,
        call: ToolCall | None = None,
        session_id: Any = None,
        user_id: Any = None,
        mcp_name: str | None = None,
    ) -> bool:
        """Emit ``schema_validation_error``; ``validation_errors`` default to the tool schema's.

        Without a started call to match, the invalid call is counted as a call of its own.
        Returns False when no session is known.
        """
        self._check_mcp_name(mcp_name)
        session = self._session_of(session_id, user_id)
        if session is None:
            return False
        if validation_errors is None:
            validation_errors = self.validate_tool_params(tool_name, tool_params or {})
        call = (
            call
            or self._match(session, tool_name, tool_params)
            or self._begin(session, tool_name, tool_params)
        )
        session.call_invalid(call, validation_errors, self._spec(tool_name).schema_version)
        return True

    def track_session_completed(
        self,
        *,
        completion_reason: str = "task_finished",
        success: bool | None = None,
        final_result_type: str | None = None,
        session_id: Any = None,
        user_id: Any = None,
        mcp_name: str | None = None,
    ) -> bool:
        """Emit ``session_completed`` with the session's statistics, now.

        Returns False when no session is known or its outcome was already decided.
        """
        self._check_mcp_name(mcp_name)
        session = self._session_of(session_id, user_id)
        if session is None:
            return False
        return session.complete(
            completion_reason, success=success, final_result_type=final_result_type
        )

    def track_task_completed(
        self,
        task_name: str | None = None,
        *,
        result_type: str | None = None,
        session_id: Any = None,
        user_id: Any = None,
    ) -> bool:
        """Emit ``task_completed`` (the agent's explicit done signal); False without a session."""
        session = self._session_of(session_id, user_id)
        if session is None:
            return False
        session.task_completed(task_name, result_type)
        return True

    def track_answer_completeness(
        self,
        checks: Mapping[str, bool],
        *,
        score: float | None = None,
        threshold: float | None = None,
        detection_method: str = "heuristic_validation",
        tool_name: str | None = None,
        result_count: int | None = None,
        session_id: Any = None,
        user_id: Any = None,
    ) -> bool:
        """Judge an answer: emit ``answer_complete`` or ``answer_incomplete``.

        ``checks`` maps each check's name to whether the answer passed it; the score is the
        share passed unless ``score`` is given. Returns whether the answer is complete (its
        score reached ``threshold``, default the tracker's); False without a session.
        """
        session = self._session_of(session_id, user_id)
        if session is None:
            return False
        return session.answer_checked(
            checks,
            score=score,
            threshold=self.answer_threshold if threshold is None else threshold,
            detection_method=detection_method,
            tool_name=tool_name,
            result_count=result_count,
        )

    def _match(
        self, session: AgentSession, tool_name: str, tool_params: Mapping[str, Any] | None
    ) -> ToolCall | None:
        if tool_params is None:
            return session.find_in_flight(tool_name)
        _, logged = self._prepare(self._spec(tool_name), tool_params)
        return session.find_in_flight(tool_name, params_hash(logged, normalized=True))

    def _begin(
        self, session: AgentSession, tool_name: str, tool_params: Mapping[str, Any] | None
    ) -> ToolCall:
        _, logged = self._prepare(self._spec(tool_name), tool_params or {})
        return session.begin_call(tool_name, logged, params_hash(logged, normalized=True))

    def _elapsed_ms(self, call: ToolCall, given: float | None) -> float:
        return given if given is not None else (self.clock() - call.started) * 1000.0
