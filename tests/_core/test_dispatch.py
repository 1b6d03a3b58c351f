"""Tests for schemalog._core.dispatch: the direct line route keeps stdlib's semantics."""

from __future__ import annotations

import io
import logging
import threading
from pathlib import Path
from typing import ClassVar

import pytest

import schemalog
from schemalog._core import dispatch
from schemalog._core.logger import BoundLogger
from schemalog._core.steps import STAMP
from schemalog.sinks.file import FileSink
from schemalog.sinks.stream import StreamSink
from tests.paths import ROOT

SCHEMAS = ROOT / "schemas"
TOP = "dispatch_test"


class Capture(logging.Handler):
    """A plain stdlib handler: it needs the LogRecord."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def top() -> logging.Logger:
    """Return a top logger with a child, outside logging's registry, under no root logger.

    pytest's logging plugin puts its own handlers on the root logger and on every registered
    logger that does not propagate: these loggers hold only what each test puts on them.
    """
    schemalog.configure(sinks=[], schemas=SCHEMAS, on_invalid="raise", clock=lambda: 1.7e9)
    logger = logging.Logger(TOP, logging.INFO)
    child = logging.Logger(f"{TOP}.child")
    child.parent = logger
    LOGGERS[TOP], LOGGERS[child.name] = logger, child
    return logger


#: The test's loggers by name (see ``top``).
LOGGERS: dict[str, logging.Logger] = {}


def get_logger(name: str) -> BoundLogger:
    return BoundLogger(LOGGERS[name])


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def same_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every event_id the same (with the fixed clock, every line is then reproducible)."""
    monkeypatch.setattr(STAMP, "_tails", type("Same", (list,), {"pop": lambda _: "0" * 12})())


def test_direct_route_writes_the_bytes_of_the_record_route(
    top: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line written without a LogRecord is byte for byte the line the record route writes."""
    same_stamps(monkeypatch)
    sink = FileSink(tmp_path / "events.jsonl")
    top.addHandler(sink)
    log = get_logger(TOP)
    assert dispatch.line_route(top, logging.INFO) == [sink]
    fields = {"tool_name": "search", "tool_params": {"q": "ü", "password": "x"}}
    with schemalog.bound(session_id="s1"):
        log.info("tool_call_started", call_sequence=1, **fields)
        top.addFilter(lambda _record: True)  # a logger filter needs the record
        assert dispatch.line_route(top, logging.INFO) is None
        log.info("tool_call_started", call_sequence=1, **fields)
    direct, via_record = lines(tmp_path / "events.jsonl")
    assert direct == via_record
    assert b'"event_id":"' in direct
    assert b'"x"' not in direct  # redacted on both routes


def test_levels_of_loggers_and_handlers_still_apply(top: logging.Logger, tmp_path: Path) -> None:
    """A logger's level still applies, and a handler's level still keeps lower events out."""
    top.setLevel(logging.WARNING)
    quiet = FileSink(tmp_path / "errors.jsonl", level=logging.ERROR)
    loud = FileSink(tmp_path / "all.jsonl")
    top.addHandler(quiet)
    top.addHandler(loud)
    log = get_logger(TOP)
    log.info("cache_miss")
    log.warning("cache_miss")
    log.error("cache_miss")
    assert [b'"level":"warning"' in line for line in lines(tmp_path / "all.jsonl")] == [True, False]
    assert [b'"level":"error"' in line for line in lines(tmp_path / "errors.jsonl")] == [True]


def test_handler_filters_and_formatters_take_the_record_route(
    top: logging.Logger, tmp_path: Path
) -> None:
    """A sink with a filter or another formatter gets the LogRecord, and its decisions hold."""
    filtered = FileSink(tmp_path / "filtered.jsonl")
    filtered.addFilter(lambda record: record.levelno >= logging.ERROR)
    renamed = FileSink(tmp_path / "renamed.jsonl")
    renamed.setFormatter(schemalog.JsonFormatter(rename_fields={"event_type": "type"}))
    top.addHandler(filtered)
    assert dispatch.line_route(top, logging.INFO) is None
    top.addHandler(renamed)
    get_logger(TOP).info("cache_miss")
    assert lines(tmp_path / "filtered.jsonl") == []
    assert b'"type":"cache_miss"' in lines(tmp_path / "renamed.jsonl")[0]


def test_propagation_reaches_parents_until_it_stops(top: logging.Logger, tmp_path: Path) -> None:
    """An event reaches its logger's sinks and its parents' while propagate is true."""
    child = LOGGERS[f"{TOP}.child"]
    parent_sink = FileSink(tmp_path / "parent.jsonl")
    child_sink = FileSink(tmp_path / "child.jsonl")
    top.addHandler(parent_sink)
    child.addHandler(child_sink)
    log = get_logger(f"{TOP}.child")
    assert dispatch.line_route(child, logging.INFO) == [child_sink, parent_sink]
    log.info("cache_miss")
    child.propagate = False
    log.info("cache_miss")
    assert len(lines(tmp_path / "child.jsonl")) == 2
    assert len(lines(tmp_path / "parent.jsonl")) == 1


def test_other_handlers_still_get_records(top: logging.Logger, tmp_path: Path) -> None:
    """A stdlib handler beside the sinks gets a LogRecord carrying the line the sink wrote."""
    child = LOGGERS[f"{TOP}.child"]
    capture = Capture()
    top.addHandler(capture)
    child.addHandler(FileSink(tmp_path / "events.jsonl"))
    get_logger(f"{TOP}.child").info("cache_miss")
    (record,) = capture.records
    assert record.name == f"{TOP}.child"
    assert record.getMessage().encode() == lines(tmp_path / "events.jsonl")[0]


def test_no_handler_leaves_the_last_resort_to_stdlib(top: logging.Logger, tmp_path: Path) -> None:
    """With no handler on the path there is no route: stdlib's last resort decides."""
    assert dispatch.line_route(top, logging.INFO) is None
    top.disabled = True
    top.addHandler(FileSink(tmp_path / "unused.jsonl", level=99))
    try:
        assert dispatch.line_route(top, logging.INFO) is None
    finally:
        top.disabled = False
    assert dispatch.line_route(top, logging.INFO) == []  # a handler, below its level


def test_stream_sink_takes_lines_directly(
    top: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stdout sink writes the same text on the direct route, and counts it."""
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    sink = StreamSink("stdout")
    top.addHandler(sink)
    assert dispatch.line_route(top, logging.INFO) == [sink]
    get_logger(TOP).info("cache_miss")
    assert '"event_type":"cache_miss"' in out.getvalue()
    assert out.getvalue().endswith("}\n")
    assert schemalog.stats()["written:stdout"] == 1


def test_stdlib_file_handler_gets_the_same_text_without_a_record(
    top: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain FileHandler (lazily opened too) writes the record route's text without a record."""
    same_stamps(monkeypatch)
    handler = logging.FileHandler(tmp_path / "events.jsonl", delay=True)
    top.addHandler(handler)
    log = get_logger(TOP)
    assert dispatch.line_route(top, logging.INFO) == [handler]
    log.info("cache_miss")  # the file is opened by the handler's own emit
    log.info("cache_miss")
    handler.setFormatter(schemalog.JsonFormatter())  # a plain JsonFormatter keeps the route
    assert dispatch.line_route(top, logging.INFO) == [handler]
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    assert dispatch.line_route(top, logging.INFO) is None
    log.info("cache_miss")
    handler.close()
    first, second, third = lines(tmp_path / "events.jsonl")
    assert first == second
    assert third == b"INFO " + first


def test_a_failing_stdlib_handler_reports_with_a_record(top: logging.Logger) -> None:
    """A stream that fails gets the handler's handleError with the LogRecord of the event."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    top.addHandler(handler)
    stream.close()  # writing raises ValueError
    reported: list[logging.LogRecord] = []
    handler.handleError = reported.append  # type: ignore[method-assign,assignment]
    get_logger(TOP).info("cache_miss")
    (record,) = reported
    assert record.name == TOP
    assert record.getMessage().startswith('{"timestamp":')


def test_each_write_holds_the_handler_lock(top: logging.Logger) -> None:
    """The direct route writes and flushes under the handler's lock, and releases it after."""

    class Watched(io.StringIO):
        held: ClassVar[list[tuple[str, bool]]] = []

        def write(self, text: str) -> int:
            self.held.append(("write", handler.lock._is_owned()))  # type: ignore[union-attr]
            return super().write(text)

        def flush(self) -> None:
            self.held.append(("flush", handler.lock._is_owned()))  # type: ignore[union-attr]

    handler = logging.StreamHandler(Watched())
    top.addHandler(handler)
    get_logger(TOP).info("cache_miss")
    assert Watched.held == [("write", True), ("flush", True)]
    lock, free = handler.lock, []
    assert lock is not None

    def probe() -> None:  # another thread can take it: the route released it
        free.append(lock.acquire(blocking=False))
        if free[-1]:
            lock.release()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    assert free == [True]


def test_a_handler_without_a_lock_still_gets_the_line(top: logging.Logger) -> None:
    """A StreamHandler whose lock was taken away writes the line with nothing to hold."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    lock, handler.lock = handler.lock, None
    top.addHandler(handler)
    try:
        assert dispatch.line_route(top, logging.INFO) == [handler]
        get_logger(TOP).info("cache_miss")
    finally:  # stdlib re-initializes every handler's lock after fork(): give it one back
        handler.lock = lock
        top.removeHandler(handler)
    assert '"event_type":"cache_miss"' in stream.getvalue()
