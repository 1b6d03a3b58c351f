"""Shared fixtures: a fresh schemalog configuration per test, and the project's catalog."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import schemalog
from schemalog._core import configure as config
from schemalog._core import state
from tests.paths import ROOT

SCHEMAS = ROOT / "schemas"


@pytest.fixture(autouse=True)
def _fresh_schemalog() -> Iterator[None]:
    """Each test starts unconfigured, with zeroed counters, and leaves logging as it found it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    config.shutdown()
    state.pipeline = None
    state.set_min_level(logging.INFO)
    root.handlers[:] = handlers
    root.setLevel(level)
    schemalog.reset_stats()


@pytest.fixture
def schemas_dir() -> Path:
    """Return the project's catalog directory."""
    return SCHEMAS


class LineCollector(logging.Handler):
    """A stdlib handler that keeps each formatted line, parsed, for assertions."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(schemalog.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def records(self) -> list[dict[str, Any]]:
        return [orjson.loads(line) for line in self.lines]


@pytest.fixture
def collector(schemas_dir: Path) -> LineCollector:
    """Configure schemalog (keep mode, project catalog) with a handler that collects lines."""
    handler = LineCollector()
    schemalog.configure(service="svc", sinks=[handler], schemas=schemas_dir, on_invalid="keep")
    return handler


def wait_for_child(pid: int, timeout: float = 30.0) -> int:
    """Wait for a forked child; return its exit code, or kill it and fail the test if it hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.WEXITSTATUS(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child hung")


@pytest.fixture
def restore_secret_names() -> Iterator[None]:
    """Undo add_secret_names() calls made by the test (the list is process-wide)."""
    from schemalog.catalog.sensitivity import (
        SECRET_NAME_VERDICTS,
        SECRET_WORD_BYTES,
        SECRET_WORDS,
    )

    saved, saved_bytes = set(SECRET_WORDS), list(SECRET_WORD_BYTES)
    yield
    SECRET_WORDS.clear()
    SECRET_WORDS.update(saved)
    SECRET_WORD_BYTES[:] = saved_bytes
    SECRET_NAME_VERDICTS.clear()


_FORK_WHILE_HELD = """
import os, signal, threading
{setup}
held, release = threading.Event(), threading.Event()
def hold():
    with {lock}:
        held.set()
        release.wait()
threading.Thread(target=hold, daemon=True).start()
held.wait()
pid = os.fork()
if pid == 0:
    signal.alarm(5)  # a child that hangs ends, and fails the test
    {child}
    os._exit(0)
release.set()
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""


def fork_while_held(setup: str, lock: str, child: str) -> tuple[str, str]:
    """Fork while another thread holds ``lock``; run ``child`` in the child.

    Returns the script's stdout, whose last line is the child's exit code (``"0"``, or
    ``"-14"`` if it hung), and its stderr.
    """
    script = _FORK_WHILE_HELD.format(setup=setup, lock=lock, child=child)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=False
    )
    return result.stdout, result.stderr
