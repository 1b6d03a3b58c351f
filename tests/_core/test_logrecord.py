"""Tests for schemalog._core.logrecord: fast LogRecords equal what stdlib would build."""

from __future__ import annotations

import logging
import sys
import threading

import pytest

from schemalog._core.logrecord import make_record


def stdlib_record(name: str, level: int, line: int) -> logging.LogRecord:
    code = sys._getframe(1).f_code
    return logging.LogRecord(name, level, code.co_filename, line, "msg", None, None, code.co_name)


def test_same_attributes_and_values_as_stdlib() -> None:
    """Every attribute stdlib sets is there, with the same value (time aside)."""
    frame = sys._getframe()
    ours = make_record("app.x", logging.WARNING, frame, "msg", 1_795_000_000.25).__dict__
    theirs = stdlib_record("app.x", logging.WARNING, frame.f_lineno - 1).__dict__
    assert set(ours) == set(theirs)
    timing = {"created", "msecs", "relativeCreated", "lineno"}
    assert {k: v for k, v in ours.items() if k not in timing} == {
        k: v for k, v in theirs.items() if k not in timing
    }
    assert ours["created"] == 1_795_000_000.25
    assert ours["msecs"] == 250.0


def test_thread_name_is_the_current_thread() -> None:
    """ThreadName and thread are those of the emitting thread."""
    names: list[tuple[str | None, int | None]] = []

    def work() -> None:
        record = make_record("t", logging.INFO, None, "m", 1.0)
        names.append((record.threadName, record.thread))

    thread = threading.Thread(target=work, name="worker-7")
    thread.start()
    thread.join()
    assert names == [("worker-7", thread.ident)]


def test_custom_record_factories_are_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    """A factory installed with setLogRecordFactory builds the record (e.g. to add trace ids)."""
    original = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = original(*args, **kwargs)
        record.trace_id = "abc"
        return record

    monkeypatch.setattr(logging, "_logRecordFactory", factory)
    record = make_record("t", logging.INFO, sys._getframe(), "m", 5.5)
    assert record.trace_id == "abc"  # type: ignore[attr-defined]
    assert record.created == 5.5 and record.funcName == "test_custom_record_factories_are_respected"
