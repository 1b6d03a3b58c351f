"""The tracker's state: its settings, its sessions, and how tool parameters are prepared.

Sessions come two ways. A ``with tracker.session()`` block opens one for the current thread
or task (a ``ContextVar``). A seed-style helper call naming a ``session_id`` that no block
opened starts a session implicitly (no ``session_start``: the application emits its own).
Implicit sessions and ended block sessions stay in a least-recently-used table of
``max_sessions`` so helpers and ``get_session_events`` find them; the oldest are forgotten.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from schemalog._core import state
from schemalog._core.configure import auto_configure
from schemalog._core.logger import BoundLogger, get_logger
from schemalog._core.stats import STATS
from schemalog.agent.calls import DEFAULT_RETRY_MEMORY, ToolCall
from schemalog.agent.hashing import digest, params_hash
from schemalog.agent.history import DEFAULT_HISTORY_SIZE
from schemalog.agent.lines import TrackerLines
from schemalog.agent.manifest import ToolManifest
from schemalog.agent.middleware import ToolError
from schemalog.agent.session import AgentSession
from schemalog.agent.toolspec import ToolSpec
from schemalog.exceptions import ConfigError
from schemalog.record import CONTEXT_NAMES

#: Parameter names never logged with a call (besides the context names, session_id, ...).
DEFAULT_DROP_PARAMS: Final = ("original_prompt",)
#: The completeness score an answer needs by default.
DEFAULT_ANSWER_THRESHOLD: Final = 0.75
#: Implicit and ended sessions remembered, by default.
DEFAULT_MAX_SESSIONS: Final = 128

#: The open sessions of the current thread or task, by tracker.
_CURRENT: Final[contextvars.ContextVar[Mapping[int, AgentSession] | None]] = contextvars.ContextVar(
    "schemalog_agent_sessions", default=None
)
_TRACKER_KEYS: Final = itertools.count(1)


def _positive(name: str, value: int) -> int:
    if type(value) is not int or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return value


class TrackerCore:
    """Settings, sessions and parameter preparation shared by the tracker's parts."""

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
        retry_memory: int = DEFAULT_RETRY_MEMORY,
        history_size: int = DEFAULT_HISTORY_SIZE,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
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
        self._functions: dict[str, Callable[..., Any]] = {}
        for name, schema in (schemas or {}).items():
            self.manifest.add(name)
            self._specs[name] = ToolSpec.build(name, schema)
        self._log = (logger or get_logger("schemalog.agent")).bind(mcp_name=mcp_name)
        self._drop = CONTEXT_NAMES | frozenset(drop_params)
        self.answer_threshold = answer_threshold
        self.complete_on_exit = complete_on_exit
        self.clock = clock
        self.retry_memory = _positive("retry_memory", retry_memory)
        self.history_size = _positive("history_size", history_size)
        self.max_sessions = _positive("max_sessions", max_sessions)
        self._key = next(_TRACKER_KEYS)
        self._lock = threading.Lock()
        self._open: dict[str, AgentSession] = {}
        self._recent: OrderedDict[str, AgentSession] = OrderedDict()
        self._untracked = 0
        self._lines = TrackerLines()

    def __repr__(self) -> str:
        return f"<AgentTracker {self.mcp_name!r} tools={len(self.manifest)}>"

    # -- sessions -----------------------------------------------------------------------

    def current_session(self) -> AgentSession | None:
        """Return this tracker's innermost open session in the current thread or task."""
        current = _CURRENT.get()
        return None if current is None else current.get(self._key)

    def get_session(self, session_id: Any = None) -> AgentSession | None:
        """Return the session ``session_id`` (open or remembered), or the current one if None."""
        if session_id is None:
            return self.current_session()
        key = str(session_id)
        found = self._open.get(key)
        if found is None:
            with self._lock:
                found = self._recent.get(key)
                if found is not None:
                    self._recent.move_to_end(key)
        return found

    def get_current_session_id(self) -> str | None:
        """Return the current session's id (None outside any session)."""
        session = self.current_session()
        return None if session is None else session.session_id

    def _new_session(self, session_id: str, user_id: str | None) -> AgentSession:
        log = self._log.bind(session_id=session_id)
        if user_id is not None:
            log = log.bind(user_id=user_id)
        return AgentSession(
            session_id,
            user_id,
            log,
            self.clock,
            mcp_name=self.mcp_name,
            retry_memory=self.retry_memory,
            history_size=self.history_size,
            lines=self._lines,
        )

    def _session_of(self, session_id: Any, user_id: Any) -> AgentSession | None:
        """Return the session a helper call names; a new implicit one for an unknown id."""
        session = self.get_session(session_id)
        if session is not None or session_id is None:
            return session
        key = str(session_id)
        with self._lock:  # two threads naming one new id get one session
            session = self._open.get(key) or self._recent.get(key)
            if session is None:
                session = self._new_session(key, None if user_id is None else str(user_id))
                self._remember(session)
        return session

    def _remember(self, session: AgentSession) -> None:
        """Keep ``session`` as the most recent; forget the oldest past the limit (lock held)."""
        self._recent[session.session_id] = session
        self._recent.move_to_end(session.session_id)
        while len(self._recent) > self.max_sessions:
            self._recent.popitem(last=False)

    def _open_session(self, session: AgentSession) -> contextvars.Token[Any]:
        with self._lock:
            self._open[session.session_id] = session
        return _CURRENT.set({**(_CURRENT.get() or {}), self._key: session})

    def _close_session(self, session: AgentSession, token: contextvars.Token[Any]) -> None:
        _CURRENT.reset(token)
        with self._lock:
            if self._open.get(session.session_id) is session:
                del self._open[session.session_id]
            self._remember(session)

    # -- parameters ---------------------------------------------------------------------

    def _spec(self, tool_name: str) -> ToolSpec:
        spec = self._specs.get(tool_name)
        return spec if spec is not None else ToolSpec(tool_name)

    def _prepare(
        self, spec: ToolSpec, params: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return ``(checked, logged)`` parameters: logged ones through the shared Redactor."""
        return spec.prepare(params, self._drop, (state.pipeline or auto_configure()).redactor)

    def _prepare_call(
        self, spec: ToolSpec, params: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any], str]:
        """Return a call's ``(checked, logged)`` parameters and the hash of the logged ones."""
        canonical = spec.flat_json(params, self._drop)
        if canonical is not None:  # the usual call: nothing to change, JSON already made
            return params, params, digest(canonical)
        checked, logged = self._prepare(spec, params)
        return checked, logged, params_hash(logged, normalized=True)

    def _session_for(self, kwargs: Mapping[str, Any]) -> AgentSession | None:
        """Return the current session, else the open one a ``session_id=`` argument names."""
        current = _CURRENT.get()  # current_session(), without its frame: once per tool call
        session = None if current is None else current.get(self._key)
        if session is None and "session_id" in kwargs:
            session = self._open.get(str(kwargs["session_id"]))
        return session

    def _begin_call(
        self, spec: ToolSpec, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[AgentSession, ToolCall] | ToolError | None:
        """Start a call of a wrapped tool: its session and call, a ToolError, or None.

        A ToolError for parameters that fail the tool's schema (the tool must not run);
        None outside any session. ``kwargs`` is the wrapper's own dict (logged as it is).
        """
        session = self._session_for(kwargs)
        if session is None:
            self._note_untracked(spec.name)
            return None
        params = spec.arguments(args, kwargs)
        plain, logged, hashed = self._prepare_call(spec, params)
        call = session.begin_call(spec.name, logged, hashed)
        if spec.validator is not None:
            problems = spec.validate(plain)
            if problems:
                session.call_invalid(call, problems, spec.schema_version)
                return ToolError(
                    {"error": "Schema validation failed", "validation_errors": problems}
                )
        return session, call

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

    def _note_untracked(self, tool_name: str) -> None:
        with self._lock:
            self._untracked += 1
        STATS.report(
            "agent",
            f"tool {tool_name!r} ran outside any {self.mcp_name!r} session and was not tracked"
            " (open one with tracker.session(), or pass session_id=)",
        )

    @property
    def untracked_calls(self) -> int:
        """Tool calls made outside any session (they ran, untracked)."""
        return self._untracked
