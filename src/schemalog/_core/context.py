"""Context bound with ``schemalog.bound(...)``: carried by contextvars into every record.

Because it lives in a ``ContextVar``, bound context follows asyncio tasks (each task starts
with a copy of its creator's context) and threads started with a copied context
(``contextvars.copy_context().run``), and never leaks between concurrent requests.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Final, ParamSpec, TypeVar

from schemalog._core.normalize import normalize
from schemalog.record import CONTEXT_NAMES

#: Bound context, split once at bind time into envelope context names and event fields.
Split = tuple[dict[str, Any], dict[str, Any]]
EMPTY: Final[Split] = ({}, {})

_BOUND: Final[contextvars.ContextVar[Split]] = contextvars.ContextVar(
    "schemalog_bound", default=EMPTY
)
_OUTER: Final[contextvars.ContextVar[tuple[Split, ...]]] = contextvars.ContextVar(
    "schemalog_bound_outer", default=()
)

P = ParamSpec("P")
R = TypeVar("R")


def current_context() -> dict[str, Any]:
    """Return a copy of the context bound in the current task or thread."""
    envelope, fields = _BOUND.get()
    return {**envelope, **fields}


#: Return the bound context as (envelope context names, event fields); do not mutate it.
#: (The ContextVar's own method: no Python frame on the hot path.)
bound_split: Final = _BOUND.get


def split(values: Mapping[str, Any]) -> Split:
    """Split values into envelope context names (``session_id``...) and event fields.

    Context values are normalized here, once per bind, so a UUID session id costs nothing per
    event.
    """
    envelope = {k: normalize(v) for k, v in values.items() if k in CONTEXT_NAMES}
    if not envelope:
        return {}, dict(values)
    return envelope, {k: v for k, v in values.items() if k not in CONTEXT_NAMES}


def merge(outer: Split, values: Mapping[str, Any]) -> Split:
    """Return ``outer`` with ``values`` added (``values`` win)."""
    envelope, fields = split(values)
    return {**outer[0], **envelope}, {**outer[1], **fields}


class bound:
    """Bind context for a block or a function call: ``with bound(session_id=sid): ...``.

    Used as a decorator (``@bound(component="billing")``) it binds around every call, for plain
    and ``async`` functions alike. Nested blocks add to, and may override, the outer context.
    """

    __slots__ = ("_values",)

    def __init__(self, /, **values: Any) -> None:
        self._values = values

    def __enter__(self) -> dict[str, Any]:
        outer = _BOUND.get()
        # The outer context is kept per task and thread, so one `bound` object can be entered
        # from several threads or tasks at once.
        _OUTER.set((*_OUTER.get(), outer))
        _BOUND.set(merge(outer, self._values))
        return current_context()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        stack = _OUTER.get()
        _OUTER.set(stack[:-1])
        _BOUND.set(stack[-1])

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        """Bind around every call of ``function`` (sync or async)."""
        values = self._values
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
                token = _BOUND.set(merge(_BOUND.get(), values))
                try:
                    return await function(*args, **kwargs)
                finally:
                    _BOUND.reset(token)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            token = _BOUND.set(merge(_BOUND.get(), values))
            try:
                return function(*args, **kwargs)
            finally:
                _BOUND.reset(token)

        return wrapper
