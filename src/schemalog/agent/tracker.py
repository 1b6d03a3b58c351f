"""``AgentTracker``: sessions, the tools manifest, tool middleware and the seed's helpers.

    tracker = AgentTracker("drea", tools=["search_docs"], schemas={"search_docs": {...}})

    @tracker.tool
    def search_docs(query: str, limit: int = 10) -> list[str]: ...

    with tracker.session(user_id="user-042") as session:
        search_docs(query="refund policy")           # started, completed (or failed)
        tracker.call("serch_docs", query="refunds")  # hallucinated: an error result, no crash

The current session lives in a ``ContextVar``, so each thread and each asyncio task has its
own; a session can also be named explicitly (``session_id=``) from anywhere. The tracker's
parts: :mod:`~schemalog.agent.core` (settings, sessions, parameters),
:mod:`~schemalog.agent.seed` (seed 002's ``track*`` calls) and this module (tools).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, ParamSpec, TypeVar, overload

from schemalog.agent.middleware import ToolError, wrap_tool
from schemalog.agent.scope import SessionScope
from schemalog.agent.seed import SeedApi
from schemalog.agent.toolspec import ToolSpec

P = ParamSpec("P")
T = TypeVar("T")


class AgentTracker(SeedApi):
    """Tracks an agent's tool calls per session and emits the cataloged agent events.

    Args:
        mcp_name: the MCP server or agent, stamped as ``mcp_name`` on every event.
        tools: the tools manifest (names); tools registered with :meth:`tool` join it.
        schemas: JSON Schemas of tools' parameters, by tool name (these tools join the manifest).
        logger: the logger events go through (default ``schemalog.get_logger("schemalog.agent")``).
        drop_params: parameter names never logged, besides the context names (``user_id``...).
        answer_threshold: the completeness score an answer needs to count as complete.
        complete_on_exit: a session left normally, with no outcome decided, is completed
            (True) or abandoned with reason ``no_completion_signal`` (False).
        clock: monotonic seconds, for durations (default ``time.perf_counter``).
        retry_memory: distinct (tool, parameters) each session remembers to detect retries
            (least recently used forgotten first; default 10,000).
        history_size: events each session keeps for :meth:`get_session_events` (default 1,000).
        max_sessions: implicit and ended sessions remembered (default 128).
    """

    def session(self, user_id: Any = None, session_id: Any = None) -> SessionScope:
        """Open a session for a ``with`` or ``async with`` block; yields the AgentSession.

        Binds ``session_id`` (a new UUID unless given) and ``user_id`` with
        ``schemalog.bound``, emits ``session_start``, and on exit the session's outcome:
        ``session_failed`` when an exception leaves the block, ``session_abandoned`` when it
        is cancelled or interrupted, else ``session_completed`` (see ``complete_on_exit``),
        unless the outcome was decided earlier; then ``session_end``.
        """
        sid = str(uuid.uuid4()) if session_id is None else str(session_id)
        return SessionScope(self, sid, None if user_id is None else str(user_id))

    @overload
    def tool(
        self, function: Callable[P, Coroutine[Any, Any, T]]
    ) -> Callable[P, Coroutine[Any, Any, T | ToolError]]: ...

    @overload
    def tool(self, function: Callable[P, T]) -> Callable[P, T | ToolError]: ...

    def tool(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """Decorate a sync or async tool function: track every call (see :meth:`wrap`)."""
        return self.wrap(function)

    @overload
    def wrap(
        self,
        function: Callable[P, Coroutine[Any, Any, T]],
        *,
        name: str | None = None,
        schema: Mapping[str, Any] | None = None,
    ) -> Callable[P, Coroutine[Any, Any, T | ToolError]]: ...

    @overload
    def wrap(
        self,
        function: Callable[P, T],
        *,
        name: str | None = None,
        schema: Mapping[str, Any] | None = None,
    ) -> Callable[P, T | ToolError]: ...

    def wrap(
        self,
        function: Callable[..., Any],
        *,
        name: str | None = None,
        schema: Mapping[str, Any] | None = None,
    ) -> Callable[..., Any]:
        """Return ``function`` wrapped in the seed's tool middleware, and register it.

        The tool is named ``name`` (default: the function's name) and joins the manifest;
        ``schema`` (default: the one given to the tracker for that name) checks its
        parameters before it runs. Each call inside a session emits ``tool_call_started``
        (plus ``tool_call_retry`` / ``wrong_tool_error`` when they apply); then either
        ``schema_validation_error`` and a :class:`ToolError` result instead of running the
        tool, or ``tool_call_completed`` and the tool's own result, or ``tool_call_failed``
        and the tool's own exception. Outside any session the tool just runs.

        A registered tool is in the manifest by definition: the hallucination check happens
        where the name the model asked for is resolved, in :meth:`call` and :meth:`acall`.
        """
        tool_name = name or getattr(function, "__name__", None)
        if not isinstance(tool_name, str) or not tool_name:
            raise ValueError(f"cannot tell the tool name of {function!r}: pass name=")
        known = self._specs.get(tool_name)
        if schema is None and known is not None:
            schema = known.schema
        spec = ToolSpec.build(tool_name, schema, function)
        wrapped = wrap_tool(self, function, spec)
        with self._lock:
            self._specs[tool_name] = spec
            self._functions[tool_name] = wrapped
        self.manifest.add(tool_name)
        return wrapped

    def call(self, tool_name: str, /, **params: Any) -> Any:
        """Call the registered tool the agent named.

        A name missing from the manifest gets ``hallucinated_tool_call`` and a
        :class:`ToolError` result instead of an exception. For an async tool this returns
        its coroutine (use :meth:`acall` to await either kind).
        Raises LookupError for a manifest name that has no registered function.
        """
        function = self._functions.get(tool_name)
        if function is None:
            return self._not_callable(tool_name, params)
        return function(**params)

    async def acall(self, tool_name: str, /, **params: Any) -> Any:
        """Like :meth:`call`, awaiting the result of async tools."""
        function = self._functions.get(tool_name)
        if function is None:
            return self._not_callable(tool_name, params)
        result = function(**params)
        if inspect.isawaitable(result):
            return await result
        return result

    def _not_callable(self, tool_name: str, params: dict[str, Any]) -> ToolError:
        if tool_name in self.manifest:
            raise LookupError(
                f"tool {tool_name!r} is in the manifest but no function is registered"
            )
        return self._hallucinated(self._session_for(params), tool_name, params)
