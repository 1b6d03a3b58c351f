"""Tests for schemalog._core.stdlib_route: stdlib extra= events without a LogRecord, same bytes."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import schemalog
from schemalog._core import stdlib_route
from schemalog._core.steps import STAMP
from schemalog.sinks.file import FileSink
from tests.paths import ROOT

SCHEMAS = ROOT / "schemas"
AGENT = {
    "event_type": "tool_call_started",
    "session_id": "s-1",
    "tool_name": "search",
    "tool_params": {"query": "ü", "api_key": "sk-12345678"},
    "call_sequence": 1,
}


class Capture(logging.Handler):
    """A plain stdlib handler: it needs the LogRecord."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[logging.Logger]:
    """Return a configured stdlib logger of its own, with reproducible stamps and no handler."""
    monkeypatch.setattr(STAMP, "_tails", type("Same", (list,), {"pop": lambda _: "0" * 12})())
    monkeypatch.setattr(time, "time", lambda: 1.7e9)
    schemalog.configure(sinks=[], schemas=SCHEMAS, on_invalid="keep", caller=True)
    logger = logging.getLogger("stdlib_route_test")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger
    logger.handlers.clear()


@pytest.fixture
def records(monkeypatch: pytest.MonkeyPatch) -> list[logging.LogRecord]:
    """Return the records stdlib's Logger.handle sees (the route without one calls it never)."""
    seen: list[logging.LogRecord] = []
    handle = logging.Logger.handle

    def counting_handle(self: logging.Logger, record: logging.LogRecord) -> None:
        seen.append(record)
        handle(self, record)

    monkeypatch.setattr(logging.Logger, "handle", counting_handle)
    return seen


def json_handler(path: Path) -> logging.FileHandler:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(schemalog.JsonFormatter())
    return handler


def log_calls(logger: logging.Logger) -> None:
    """Make the same calls from the same lines, with and without the route."""
    logger.info("tool_call_started", extra=AGENT)
    completed = {"event_type": "stream_completed", "total_chunks": 2, "session_id": "s-9"}
    logger.warning("done", extra={**completed, "request_id": "r-1"})
    logging.LoggerAdapter(logger, AGENT).info("adapted")
    wrapper(logger)


def wrapper(logger: logging.Logger) -> None:
    """Log for the caller, as a helper does: stacklevel=2 names log_calls."""
    logger.info("tool_call_started", extra=AGENT, stacklevel=2)


def test_route_writes_the_bytes_of_the_record_route(
    logger: logging.Logger, tmp_path: Path, records: list[logging.LogRecord]
) -> None:
    """Events written without a record are byte for byte the lines stdlib's record gives."""
    assert stdlib_route.installed()
    for name in ("direct", "record"):
        handler = json_handler(tmp_path / f"{name}.jsonl")
        logger.handlers[:] = [handler, FileSink(tmp_path / f"{name}-sink.jsonl")]
        log_calls(logger)
        handler.close()
        stdlib_route.uninstall()
    stdlib_route.install()
    assert len(records) == 4  # the second round only: the first took no record
    direct = (tmp_path / "direct.jsonl").read_bytes()
    assert direct == (tmp_path / "record.jsonl").read_bytes()
    assert direct == (tmp_path / "direct-sink.jsonl").read_bytes()
    assert direct == (tmp_path / "record-sink.jsonl").read_bytes()
    lines = [orjson.loads(line) for line in direct.splitlines()]
    assert [line["caller"].split(":")[1] for line in lines] == ["log_calls"] * 4
    assert lines[0]["tool_params"]["api_key"] == "[REDACTED]"
    assert lines[1]["request_id"] == "r-1"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("tool %s", "search"), {}),  # %-args
        (("tool",), {"exc_info": ValueError("boom")}),
        (("tool",), {"stack_info": True}),
        (("tool",), {"extra": {"_private": 1}}),
    ],
)
def test_calls_the_route_cannot_copy_take_stdlib_record(
    logger: logging.Logger,
    tmp_path: Path,
    records: list[logging.LogRecord],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    """%-args, exc_info, stack_info and private extras are left to stdlib's record route."""
    logger.addHandler(json_handler(tmp_path / "out.jsonl"))
    kwargs["extra"] = {**AGENT, **kwargs.get("extra", {})}
    logger.info(*args, **kwargs)
    assert len(records) == 1
    assert records[0].funcName == "test_calls_the_route_cannot_copy_take_stdlib_record"


def test_handlers_that_need_the_record_get_it_with_its_extras(
    logger: logging.Logger, records: list[logging.LogRecord]
) -> None:
    """A capture handler, or a stdlib handler without a formatter, still gets stdlib's record."""
    capture = Capture()
    logger.addHandler(capture)
    logger.info("tool_call_started", extra=AGENT)
    assert capture.records[0].tool_name == "search"  # type: ignore[attr-defined]
    assert capture.records[0].lineno == records[0].lineno
    logger.handlers[:] = [logging.StreamHandler()]  # writes the message, not the line
    logger.info("tool_call_started", extra=AGENT)
    assert len(records) == 2


def test_stdlib_errors_stay_stdlib_errors(logger: logging.Logger, tmp_path: Path) -> None:
    """An extra that overwrites a record attribute raises stdlib's KeyError, as before."""
    logger.addHandler(json_handler(tmp_path / "out.jsonl"))
    with pytest.raises(KeyError, match="message"):
        logger.info("x", extra={**AGENT, "message": "clash"})


def test_custom_record_factory_and_logger_class_keep_the_record(
    logger: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record factory of the application's own (OpenTelemetry's, say) sees every call."""
    made: list[str] = []
    factory = logging.getLogRecordFactory()

    def counting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        made.append(args[0])
        return factory(*args, **kwargs)

    monkeypatch.setattr(logging, "_logRecordFactory", counting_factory)
    logger.addHandler(json_handler(tmp_path / "out.jsonl"))
    logger.info("tool_call_started", extra=AGENT)
    assert made == [logger.name]


def test_invalid_event_takes_the_record_route_and_its_policy(
    tmp_path: Path, records: list[logging.LogRecord]
) -> None:
    """An event the chain must judge goes to the record route: raise still raises at the call."""
    schemalog.configure(sinks=[], schemas=SCHEMAS, on_invalid="raise")
    logger = logging.getLogger("stdlib_route_invalid")
    logger.propagate = False
    logger.addHandler(FileSink(tmp_path / "out.jsonl"))
    try:
        with pytest.raises(schemalog.InvalidEventError):
            logger.warning("x", extra={**AGENT, "call_sequence": "one"})
    finally:
        logger.handlers.clear()
    assert len(records) == 1


def test_uninstall_gives_stdlib_its_log_back() -> None:
    """uninstall() restores Logger._log; install() puts the route back once."""
    schemalog.configure(sinks=[], schemas=SCHEMAS)
    stdlib_route.uninstall()
    assert not stdlib_route.installed()
    assert logging.Logger._log.__module__ == "logging"
    stdlib_route.install()
    stdlib_route.install()
    assert stdlib_route.installed()
    assert logging.Logger._log.__module__ == stdlib_route.__name__
