"""Every live CloudWatch handler of the process: delivered at exit, waited for before a fork.

The hooks go through :mod:`schemalog._core.lifecycle`: at exit in the ``CLOSE`` phase, after
the ``FLUSH`` phase in which the metrics hand over their last interval, so those lines go out
with the rest.
"""

from __future__ import annotations

import logging
import time
import weakref
from typing import Final, Protocol

from schemalog._core import lifecycle
from schemalog._core.stats import STATS


class Delivering(Protocol):
    """What the exit and fork hooks need of a handler."""

    @property
    def exit_timeout(self) -> float:
        """How long the exit hook may wait for this handler."""

    def close(self, timeout: float | None = None) -> None:
        """Stop taking events; wait at most ``timeout`` for delivery."""

    def flush(self, timeout: float | None = None) -> bool:
        """Wait at most ``timeout`` for delivery; return whether everything was delivered."""

    def abandon(self) -> int:
        """Give up on what waits."""

    def wait_started(self, timeout: float) -> None:
        """Wait at most ``timeout`` for the sender's start-up (its imports)."""

    def after_fork_in_child(self) -> None:
        """Start afresh in a forked child."""


_HANDLERS: Final[weakref.WeakSet[Delivering]] = weakref.WeakSet()
#: The longest a fork waits for senders still importing boto3, seconds.
FORK_WAIT: Final = 5.0
_installed = False


def register(handler: Delivering) -> None:
    """Add ``handler`` to the live set (installing the lifecycle hooks on first use)."""
    global _installed  # noqa: PLW0603 - installed once per process
    _HANDLERS.add(handler)
    if not _installed:  # no lock: one a fork could leave held; a rare second install is harmless
        _installed = True
        lifecycle.at_exit(close_all_at_exit, lifecycle.CLOSE)
        lifecycle.before_fork(_before_fork)
        lifecycle.after_fork_in_child(_after_fork_in_child)


def unregister(handler: Delivering) -> None:
    """Remove a handler that delivered everything and closed."""
    _HANDLERS.discard(handler)


def close_all_at_exit() -> None:
    """Deliver and close every handler at exit, within the longest ``exit_timeout``.

    Handlers closed earlier but still sending are waited for too. What is left in memory at
    the deadline is counted as dropped, what is left in spill files stays there for the next
    handler of the group; both are reported.
    """
    handlers = list(_HANDLERS)
    if not handlers:
        return
    deadline = time.monotonic() + max(handler.exit_timeout for handler in handlers)
    for handler in handlers:
        remaining = max(0.0, min(handler.exit_timeout, deadline - time.monotonic()))
        try:
            handler.close(remaining)
            if not handler.flush(max(0.0, deadline - time.monotonic())):
                handler.abandon()
        except Exception as error:
            STATS.report("cw-exit", f"closing {handler!r} at exit failed: {error!r}")


def holding_logging_lock() -> bool:
    """Whether this thread holds the logging module's lock (inside dictConfig, say)."""
    is_owned = getattr(getattr(logging, "_lock", None), "_is_owned", None)
    return bool(is_owned()) if callable(is_owned) else False


def _before_fork() -> None:
    """Let senders finish their first imports, so no child inherits half-imported modules."""
    deadline = time.monotonic() + FORK_WAIT
    for handler in list(_HANDLERS):
        handler.wait_started(max(0.0, deadline - time.monotonic()))


def _after_fork_in_child() -> None:
    for handler in list(_HANDLERS):
        handler.after_fork_in_child()
