"""Property: in ``keep`` mode any call gives exactly one valid JSON line per sink, quickly."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import schemalog
from schemalog.sinks.base import Sink
from tests.paths import ROOT
from tests.properties.strategies import event_types, fields, values

#: The bound on the CPU time of one call (wall time varies on a shared machine).
MAX_SECONDS_PER_CALL = 0.25


class Sinks:
    """A real file sink and the stdout stream sink (stdout swapped for a buffer), read per call."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "events.jsonl"
        self.stdout = io.StringIO()
        self.offset = 0

    def new_lines(self) -> tuple[list[bytes], list[str]]:
        """Return the lines each sink wrote since the last call."""
        with self.path.open("rb") as file:
            file.seek(self.offset)
            data = file.read()
        self.offset += len(data)
        out = self.stdout.getvalue()
        self.stdout.seek(0)
        self.stdout.truncate()
        return data.splitlines(keepends=True), out.splitlines(keepends=True)


@pytest.fixture
def sinks(tmp_path: Path) -> Sinks:
    """Configure keep mode with a file sink and the stdout sink."""
    out = Sinks(tmp_path)
    schemalog.configure(
        sinks=[f"file:{out.path}", "stdout"], on_invalid="keep", schemas=ROOT / "schemas"
    )
    return out


def _one_valid_line(sinks: Sinks) -> dict[str, Any]:
    file_lines, stdout_lines = sinks.new_lines()
    assert len(file_lines) == len(stdout_lines) == 1
    assert file_lines[0].endswith(b"\n")
    record = json.loads(file_lines[0])  # the strict reader: no NaN, valid UTF-8
    assert isinstance(record, dict)
    assert set(json.loads(stdout_lines[0])) == set(record)
    return record


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(event_type=event_types, call_fields=fields)
def test_any_event_call_gives_one_valid_line(
    sinks: Sinks, event_type: Any, call_fields: dict[str, Any]
) -> None:
    """Any event type and any fields never raise, never hang, and give one valid line."""
    log = schemalog.get_logger("fuzz")
    sinks.new_lines()  # what a failed example left behind
    started = time.thread_time()
    with contextlib.redirect_stdout(sinks.stdout):
        log.info(event_type, **call_fields)
    assert time.thread_time() - started < MAX_SECONDS_PER_CALL
    _one_valid_line(sinks)
    assert not any(n for name, n in schemalog.stats().items() if name.startswith("dropped:"))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=values, args=values, extra=fields)
def test_any_stdlib_call_gives_one_valid_line(
    sinks: Sinks, message: Any, args: Any, extra: dict[str, Any]
) -> None:
    """Plain stdlib records with any message, %-args and extra give one valid line."""
    safe_extra = {k: v for k, v in extra.items() if k not in logging.makeLogRecord({}).__dict__}
    safe_extra.pop("message", None)
    safe_extra.pop("asctime", None)
    sinks.new_lines()  # what a failed example left behind
    root = logging.getLogger()
    handlers = root.handlers[:]
    # pytest's own capturing handler re-raises a record whose %-args do not fit; the sinks don't.
    root.handlers[:] = [h for h in handlers if isinstance(h, Sink)]
    started = time.thread_time()
    try:
        with contextlib.redirect_stdout(sinks.stdout):
            logging.getLogger("fuzz.stdlib").warning(message, args, extra=safe_extra)
    finally:
        root.handlers[:] = handlers
    assert time.thread_time() - started < MAX_SECONDS_PER_CALL
    _one_valid_line(sinks)
