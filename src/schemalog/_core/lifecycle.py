"""The one registry of process lifecycle hooks: in a forked child, and at interpreter exit.

Everything that holds per-process state (the id stamper's random bits, the cached pid, the
metrics registry's lock and thread, the CloudWatch sink's threads and spill files) registers
here instead of calling ``os.register_at_fork`` or ``atexit.register`` itself, so the order
is written down once:

* before a fork, in the forking thread: hooks run in the order they were registered (before
  ``logging`` takes its lock for the fork, so they may wait for threads that log);
* after a fork, in the child: hooks run in the order they were registered;
* at exit: hooks run by phase, :data:`FLUSH` (producers hand over what they hold, such as the
  metrics of the last interval) before :data:`CLOSE` (sinks deliver and close), then in the
  order registered within a phase. A hook that raises is reported and the others still run.

Each registration returns a function that removes the hook (for objects that close early).
"""

from __future__ import annotations

import atexit
import logging  # noqa: F401 - registers its fork hook first: ours then run before its lock
import os
import sys
import threading
from collections.abc import Callable
from typing import Final

Hook = Callable[[], object]

#: Exit phase of producers that still hold data (metrics): they run first.
FLUSH: Final = 0
#: Exit phase of sinks that deliver what they were given, then close.
CLOSE: Final = 10

_lock = threading.Lock()
_before_fork_hooks: Final[dict[int, Hook]] = {}
_fork_hooks: Final[dict[int, Hook]] = {}
_exit_hooks: Final[dict[int, tuple[int, Hook]]] = {}
_next_id = 0
_exit_ran = False


def _register(table: dict[int, object], entry: object) -> Callable[[], None]:
    global _next_id  # noqa: PLW0603 - a process-wide counter of registrations
    with _lock:
        _next_id += 1
        key = _next_id
        table[key] = entry

    def unregister() -> None:
        with _lock:
            table.pop(key, None)

    return unregister


def before_fork(hook: Hook) -> Callable[[], None]:
    """Run ``hook()`` in the forking thread just before every fork of this process."""
    return _register(_before_fork_hooks, hook)  # type: ignore[arg-type]


def after_fork_in_child(hook: Hook) -> Callable[[], None]:
    """Run ``hook()`` in every child this process forks, right after the fork."""
    return _register(_fork_hooks, hook)  # type: ignore[arg-type]


def at_exit(hook: Hook, phase: int = CLOSE) -> Callable[[], None]:
    """Run ``hook()`` once at interpreter exit, in ``phase`` (:data:`FLUSH` or :data:`CLOSE`)."""
    return _register(_exit_hooks, (phase, hook))  # type: ignore[arg-type]


def _report(kind: str, hook: Hook, error: BaseException) -> None:
    try:
        sys.stderr.write(f"schemalog: {kind} hook {hook!r} failed: {error!r}\n")
    except Exception:  # stderr gone at exit: nowhere left to report to
        return


def run_before_fork_hooks() -> None:
    """Run the before-fork hooks (called by ``os.register_at_fork`` in the forking thread)."""
    with _lock:
        hooks = list(_before_fork_hooks.values())
    for hook in hooks:
        try:
            hook()
        except Exception as error:
            _report("before-fork", hook, error)


def run_fork_hooks() -> None:
    """Run the after-fork hooks (called by ``os.register_at_fork`` in the child)."""
    global _lock  # noqa: PLW0603 - the parent's lock may have been held at the fork
    _lock = threading.Lock()
    for hook in list(_fork_hooks.values()):
        try:
            hook()
        except Exception as error:
            _report("after-fork", hook, error)


def run_exit_hooks() -> None:
    """Run the exit hooks, once per process, FLUSH phase first (``atexit`` calls it)."""
    global _exit_ran  # noqa: PLW0603 - exit hooks run once
    with _lock:
        if _exit_ran:
            return
        _exit_ran = True
        ordered = sorted(_exit_hooks.items(), key=lambda item: (item[1][0], item[0]))
    for _, (_, hook) in ordered:
        try:
            hook()
        except Exception as error:
            _report("exit", hook, error)


def _reset_in_child() -> None:
    global _exit_ran  # noqa: PLW0603 - a child exits on its own and runs its own hooks
    _exit_ran = False


os.register_at_fork(before=run_before_fork_hooks, after_in_child=run_fork_hooks)
after_fork_in_child(_reset_in_child)
atexit.register(run_exit_hooks)
