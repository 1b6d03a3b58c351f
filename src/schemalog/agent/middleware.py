"""The seed's tool middleware (Pattern 1), for sync and async tool functions.

Per call: find the session, sanitize the parameters and hash them, emit ``tool_call_started``
(with retry and wrong-tool detection), check the parameters against the tool's schema (an
invalid call gets ``schema_validation_error`` and a :class:`ToolError` result, the tool does
not run), run the tool timing it, emit ``tool_call_completed`` or ``tool_call_failed``. The
tool's return value and exceptions pass through untouched.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Protocol

from schemalog.agent.session import AgentSession, ToolCall
from schemalog.agent.toolspec import ToolSpec


class CallHost(Protocol):
    """What a wrapped tool needs from its tracker (``AgentTracker`` is one)."""

    clock: Callable[[], float]

    def _begin_call(
        self, spec: ToolSpec, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[AgentSession, ToolCall] | ToolError | None: ...


class ToolError(dict[str, Any]):
    """The result a tracked tool call returns instead of running: ``{"error": ..., ...}``.

    Returned (not raised) for a hallucinated tool name and for parameters that fail the tool's
    schema, as the seed specifies, so an agent loop reads it like any tool result.
    """


def wrap_tool(
    tracker: CallHost, function: Callable[..., Any], spec: ToolSpec
) -> Callable[..., Any]:
    """Return ``function`` wrapped with the tool-call lifecycle (async stays async)."""
    if inspect.iscoroutinefunction(function):
        return _async_wrapper(tracker, function, spec)
    return _sync_wrapper(tracker, function, spec)


def _failed(session: AgentSession, call: ToolCall, elapsed_ms: float, error: BaseException) -> None:
    session.call_failed(
        call,
        elapsed_ms,
        type(error).__name__,
        str(error),
        retry_eligible=bool(getattr(error, "retry_eligible", isinstance(error, Exception))),
    )


def _sync_wrapper(
    tracker: CallHost, function: Callable[..., Any], spec: ToolSpec
) -> Callable[..., Any]:
    clock = tracker.clock
    begin = tracker._begin_call

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        begun = begin(spec, args, kwargs)
        if begun is None:
            return function(*args, **kwargs)
        if isinstance(begun, ToolError):
            return begun
        session, call = begun
        started = clock()
        try:
            result = function(*args, **kwargs)
        except BaseException as error:
            _failed(session, call, (clock() - started) * 1000.0, error)
            raise
        session.call_completed(call, (clock() - started) * 1000.0, result)
        return result

    return wrapper


def _async_wrapper(
    tracker: CallHost, function: Callable[..., Any], spec: ToolSpec
) -> Callable[..., Any]:
    clock = tracker.clock
    begin = tracker._begin_call

    @functools.wraps(function)
    async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
        begun = begin(spec, args, kwargs)
        if begun is None:
            return await function(*args, **kwargs)
        if isinstance(begun, ToolError):
            return begun
        session, call = begun
        started = clock()
        try:
            result = await function(*args, **kwargs)
        except BaseException as error:
            _failed(session, call, (clock() - started) * 1000.0, error)
            raise
        session.call_completed(call, (clock() - started) * 1000.0, result)
        return result

    return async_wrapper
