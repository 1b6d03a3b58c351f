"""``AgentTracker``: sessions, the tools manifest, and the seed's tracking helpers.

    tracker = AgentTracker("drea", tools=["search_docs"], schemas={"search_docs": {...}})

    @tracker.tool
    def search_docs(query: str, limit: int = 10) -> list[str]: ...

    with tracker.session(user_id="user-042") as session:
        search_docs(query="refund policy")           # started, completed (or failed)
        tracker.call("serch_docs", query="refunds")  # hallucinated: an error result, no crash

The current session lives in a ``ContextVar``, so each thread and each asyncio task has its
own; a session can also be named explicitly (``session_id=``) from anywhere.
"""

from __future__ import annotations

import contextvars
import inspect
import itertools
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable, Mapping
from types import TracebackType
from typing import Any, Final, ParamSpec, TypeVar, overload

from schemalog._core import state
from schemalog._core.configure import auto_configure
from schemalog._core.context import bound
from schemalog._core.logger import BoundLogger, get_logger
from schemalog._core.redact import Redactor
from schemalog._core.stats import STATS
from schemalog.agent.hashing import params_hash
from schemalog.agent.manifest import ToolManifest
from schemalog.agent.middleware import ToolError, wrap_tool
from schemalog.agent.session import AgentSession, ToolCall
from schemalog.agent.toolspec import ToolSpec
from schemalog.record import CONTEXT_NAMES

P = ParamSpec("P")
T = TypeVar("T")

#: Parameter names never logged with a call (besides the context names, session_id, ...).
DEFAULT_DROP_PARAMS: Final = ("original_prompt",)
#: The completeness score an answer needs by default.
DEFAULT_ANSWER_THRESHOLD: Final = 0.75

#: The open sessions of the current thread or task, by tracker.
_CURRENT: Final[contextvars.ContextVar[Mapping[int, AgentSession] | None]] = contextvars.ContextVar(
    "schemalog_agent_sessions", default=None
)
_TRACKER_KEYS: Final = itertools.count(1)


class AgentTracker:
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
    """

    def __init__(
        self,
        mcp_name: str,
        tools: Iterable[str] = (),
        *,
        schemas: Mapping[str, Mapping[str, Any]] | None = None,
        logger: BoundLogger | None = None,
        drop_params: Iterable[str] = DEFAULT_DROP_PARAMS,
        answer_threshold: float = DEFAULT_ANSWER_THRESHOLD,
        complete_on_exit: bool = True,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not isinstance(mcp_name, str) or not mcp_name:
            raise ValueError(f"mcp_name must be a non-empty string, got {mcp_name!r}")
        if isinstance(tools, str):
            raise TypeError(f"tools must be a collection of names, not the string {tools!r}")
        if not 0.0 <= answer_threshold <= 1.0:
            raise ValueError(f"answer_threshold must be within 0 and 1, got {answer_threshold!r}")
        self.mcp_name = mcp_name
        self.manifest = ToolManifest(tools)
        self._specs: dict[str, ToolSpec] = {}
        for name, schema in (schemas or {}).items():
            self.manifest.add(name)
            self._specs[name] = ToolSpec.build(name, schema)
        self._functions: dict[str, Callable[..., Any]] = {}
        self._log = (logger or get_logger("schemalog.agent")).bind(mcp_name=mcp_name)
        self._drop = CONTEXT_NAMES | frozenset(drop_params)
        self.answer_threshold = answer_threshold
        self.complete_on_exit = complete_on_exit
        self.clock = clock
        self._key = next(_TRACKER_KEYS)
        self._lock = threading.Lock()
        self._open: dict[str, AgentSession] = {}
        self._untracked = 0

    def __repr__(self) -> str:
        return f"<AgentTracker {self.mcp_name!r} tools={len(self.manifest)}>"

    # -- sessions -----------------------------------------------------------------------

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

    def current_session(self) -> AgentSession | None:
        """Return this tracker's innermost open session in the current thread or task."""
        current = _CURRENT.get()
        return None if current is None else current.get(self._key)

    def get_session(self, session_id: Any = None) -> AgentSession | None:
        """Return the open session ``session_id``, or the current one when it is None."""
        if session_id is None:
            return self.current_session()
        return self._open.get(str(session_id))

    def _open_session(self, session: AgentSession) -> contextvars.Token[Any]:
        with self._lock:
            self._open[session.session_id] = session
        return _CURRENT.set({**(_CURRENT.get() or {}), self._key: session})

    def _close_session(self, session: AgentSession) -> None:
        with self._lock:
            if self._open.get(session.session_id) is session:
                del self._open[session.session_id]

    def _session_log(self, session_id: str, user_id: str | None) -> BoundLogger:
        if user_id is None:
            return self._log.bind(session_id=session_id)
        return self._log.bind(session_id=session_id, user_id=user_id)

    # -- tools --------------------------------------------------------------------------

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
        spec = ToolSpec.build(
            tool_name, schema if schema is not None else self._schema_of(tool_name), function
        )
        wrapped = wrap_tool(self, function, spec)
        with self._lock:
            self._specs[tool_name] = spec
            self._functions[tool_name] = wrapped
        self.manifest.add(tool_name)
        return wrapped

    def _schema_of(self, tool_name: str) -> Mapping[str, Any] | None:
        spec = self._specs.get(tool_name)
        return None if spec is None else spec.schema

    def _spec(self, tool_name: str) -> ToolSpec:
        spec = self._specs.get(tool_name)
        return spec if spec is not None else ToolSpec(tool_name)

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

    def _hallucinated(
        self, session: AgentSession | None, tool_name: str, params: Mapping[str, Any]
    ) -> ToolError:
        """Record a call of a tool missing from the manifest; return the agent's error result."""
        suggestion = self.manifest.suggest(tool_name)
        available = self.manifest.names
        if session is not None:
            _, logged = self._prepare(self._spec(tool_name), params)
            session.hallucinated(tool_name, logged, available, suggestion)
        return ToolError(
            {
                "error": "Tool not found in manifest",
                "requested_tool_name": tool_name,
                "similar_tool_suggested": suggestion,
                "available_tools": available,
            }
        )

    def _session_for(self, kwargs: Mapping[str, Any]) -> AgentSession | None:
        """Return the current session, else the open one a ``session_id=`` argument names."""
        session = self.current_session()
        if session is None and "session_id" in kwargs:
            session = self._open.get(str(kwargs["session_id"]))
        return session

    def _prepare(
        self, spec: ToolSpec, params: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        redactor: Redactor = (state.pipeline or auto_configure()).redactor
        return spec.prepare(params, self._drop, redactor)

    def _note_untracked(self, tool_name: str) -> None:
        with self._lock:
            self._untracked += 1
        STATS.report(
            "agent",
            f"tool {tool_name!r} ran outside any {self.mcp_name!r} session and was not tracked"
            " (open one with tracker.session())",
        )

    @property
    def untracked_calls(self) -> int:
        """Calls of registered tools made outside any session (they ran, untracked)."""
        return self._untracked

    def validate_tool_params(
        self, tool_name: str, tool_params: Mapping[str, Any]
    ) -> list[dict[str, str]]:
        """Check parameters against the tool's schema: one ``{field, error, schema_path}`` each."""
        spec = self._spec(tool_name)
        plain, _ = self._prepare(spec, tool_params)
        return spec.validate(plain)

    # -- the seed's helpers -------------------------------------------------------------

    def track_tool_call_started(
        self,
        tool_name: str,
        tool_params: Mapping[str, Any] | None = None,
        *,
        session_id: Any = None,
    ) -> ToolCall | None:
        """Emit ``tool_call_started`` (and retry / wrong-tool events) for a call about to run.

        Returns the call, to pass to the helpers that end it, or None (falsy, as the seed's
        False) when the tool is not in the manifest (``hallucinated_tool_call`` is emitted
        instead) or no session is open.
        """
        session = self.get_session(session_id)
        params = dict(tool_params or {})
        if tool_name not in self.manifest:
            self._hallucinated(session, tool_name, params)
            return None
        if session is None:
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
    ) -> bool:
        """Emit ``tool_call_completed`` for a call that returned (``success=False``: failed).

        The call is ``call``, else the latest unfinished call of ``tool_name`` (with these
        parameters, when given); ``execution_time_ms`` defaults to the time since it started.
        Returns False when no session is open.
        """
        if not success:
            return self.track_tool_call_failed(
                tool_name,
                tool_params,
                execution_time_ms=execution_time_ms,
                call=call,
                session_id=session_id,
            )
        session = self.get_session(session_id)
        if session is None:
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
    ) -> bool:
        """Emit ``tool_call_failed`` for a call that raised; False when no session is open.

        Without a started call to match, the failure is counted as a call of its own.
        """
        session = self.get_session(session_id)
        if session is None:
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

    def track_schema_validation_error(
        self,
        tool_name: str,
        tool_params: Mapping[str, Any] | None = None,
        validation_errors: list[dict[str, str]] | None = None,
        *,
        call: ToolCall | None = None,
        session_id: Any = None,
    ) -> bool:
        """Emit ``schema_validation_error``; ``validation_errors`` default to the tool schema's.

        Without a started call to match, the invalid call is counted as a call of its own.
        Returns False when no session is open.
        """
        session = self.get_session(session_id)
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
    ) -> bool:
        """Emit ``session_completed`` with the session's statistics, now.

        Returns False when no session is open or its outcome was already decided.
        """
        session = self.get_session(session_id)
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
    ) -> bool:
        """Emit ``task_completed`` (the agent's explicit done signal); False without a session."""
        session = self.get_session(session_id)
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
    ) -> bool:
        """Judge an answer: emit ``answer_complete`` or ``answer_incomplete``.

        ``checks`` maps each check's name to whether the answer passed it; the score is the
        share passed unless ``score`` is given. Returns whether the answer is complete (its
        score reached ``threshold``, default the tracker's); False without a session.
        """
        session = self.get_session(session_id)
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

    def get_session_tool_call_count(self, session_id: Any = None) -> int:
        """Tool calls made so far in the session (0 without one): the next call is this + 1."""
        session = self.get_session(session_id)
        return 0 if session is None else session.tool_call_count

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


class SessionScope:
    """The ``with`` / ``async with`` block of one session (see :meth:`AgentTracker.session`)."""

    def __init__(self, tracker: AgentTracker, session_id: str, user_id: str | None) -> None:
        self._tracker = tracker
        self._session_id = session_id
        self._user_id = user_id
        self._session: AgentSession | None = None
        self._token: contextvars.Token[Any] | None = None
        self._bound: bound | None = None

    def __enter__(self) -> AgentSession:
        if self._session is not None:
            raise RuntimeError("this session block is already open; call tracker.session() again")
        tracker = self._tracker
        values = {"session_id": self._session_id}
        if self._user_id is not None:
            values["user_id"] = self._user_id
        self._bound = bound(**values)
        self._bound.__enter__()
        session = AgentSession(
            self._session_id,
            self._user_id,
            tracker._session_log(self._session_id, self._user_id),
            tracker.clock,
        )
        self._session = session
        self._token = tracker._open_session(session)
        session.start(len(tracker.manifest))
        return session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, token, bound_block = self._session, self._token, self._bound
        if session is None or token is None or bound_block is None:
            raise RuntimeError("this session block was never entered")
        try:
            session.close(exc, complete_on_exit=self._tracker.complete_on_exit)
        finally:
            self._tracker._close_session(session)
            _CURRENT.reset(token)
            bound_block.__exit__(exc_type, exc, traceback)

    async def __aenter__(self) -> AgentSession:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, traceback)
