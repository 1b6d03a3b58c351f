"""Tests for schemalog._core.lifecycle: fork hooks in the child, exit hooks by phase."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_exit_hooks_run_flush_phase_first_then_in_order() -> None:
    """At exit, FLUSH hooks run before CLOSE hooks, each phase in registration order."""
    result = _run(
        """
        from schemalog._core import lifecycle
        lifecycle.at_exit(lambda: print("close-1"), lifecycle.CLOSE)
        lifecycle.at_exit(lambda: print("flush-1"), lifecycle.FLUSH)
        lifecycle.at_exit(lambda: print("close-2"))
        lifecycle.at_exit(lambda: print("flush-2"), lifecycle.FLUSH)
        """
    )
    assert result.stdout.split() == ["flush-1", "flush-2", "close-1", "close-2"]


def test_a_failing_exit_hook_is_reported_and_the_rest_still_run() -> None:
    """One hook raising does not stop the others; the failure is named on stderr."""
    result = _run(
        """
        from schemalog._core import lifecycle
        def broken():
            raise RuntimeError("boom")
        lifecycle.at_exit(broken, lifecycle.FLUSH)
        lifecycle.at_exit(lambda: print("still closed"))
        """
    )
    assert result.stdout.strip() == "still closed"
    assert "boom" in result.stderr


def test_an_unregistered_exit_hook_does_not_run() -> None:
    """The function a registration returns removes the hook."""
    result = _run(
        """
        from schemalog._core import lifecycle
        remove = lifecycle.at_exit(lambda: print("gone"))
        lifecycle.at_exit(lambda: print("kept"))
        remove()
        """
    )
    assert result.stdout.split() == ["kept"]


def test_fork_hooks_run_in_the_child_only() -> None:
    """After os.fork, the child runs the hooks; the parent does not."""
    result = _run(
        """
        import os
        from schemalog._core import lifecycle
        lifecycle.after_fork_in_child(lambda: print(f"child-hook {os.getpid()}", flush=True))
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        print(f"parent {os.getpid()}", flush=True)
        """
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    child_pid = int(lines[0].split()[1])
    parent_pid = int(lines[1].split()[1])
    assert lines[0].startswith("child-hook") and child_pid != parent_pid


def test_before_fork_hooks_run_in_the_forking_thread_before_logging_locks() -> None:
    """A before-fork hook runs once per fork, in the parent, while the logging lock is free."""
    result = _run(
        """
        import logging, os, threading
        from schemalog._core import lifecycle
        def hook():
            # another thread may log meanwhile: logging must not hold its lock yet
            worker = threading.Thread(target=logging.getLogger("x").setLevel, args=(10,))
            worker.start()
            worker.join(5)
            print(f"before {os.getpid()} {worker.is_alive()}", flush=True)
        lifecycle.before_fork(hook)
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        """
    )
    words = result.stdout.split()
    assert len(words) == 3 and words[0] == "before" and words[2] == "False", result.stderr


def test_a_forked_child_runs_its_own_exit_hooks() -> None:
    """Exit hooks inherited by a child run again when the child exits normally."""
    result = _run(
        """
        import os, sys
        from schemalog._core import lifecycle
        lifecycle.at_exit(lambda: print(f"exit {os.getpid()}", flush=True))
        pid = os.fork()
        if pid == 0:
            sys.exit(0)
        os.waitpid(pid, 0)
        """
    )
    assert len(set(result.stdout.split("\n")) - {""}) == 2


def test_exit_hooks_run_once_even_when_called_early() -> None:
    """A hook run by an explicit run_exit_hooks() is not run again by atexit."""
    result = _run(
        """
        from schemalog._core import lifecycle
        lifecycle.at_exit(lambda: print("once"))
        lifecycle.run_exit_hooks()
        """
    )
    assert result.stdout.split() == ["once"]
