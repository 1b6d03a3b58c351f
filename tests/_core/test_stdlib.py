"""Tests for schemalog._core.stdlib: stdlib records (extra=, adapters, filters) as events."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import schemalog
from schemalog._core.stdlib import event_from_record, extras
from tests.conftest import LineCollector


def _app_logger(name: str = "app") -> logging.Logger:
    return logging.getLogger(name)


def test_extra_with_event_type_is_a_cataloged_event(collector: LineCollector) -> None:
    """extra= with event_type is validated and rendered flat; envelope names become context."""
    _app_logger().info(
        "calling %s",
        "search",
        extra={
            "event_type": "tool_call_started",
            "tool_name": "search",
            "call_sequence": 1,
            "session_id": "s-1",
            "request_id": "r-1",
        },
    )
    (record,) = collector.records
    assert record["event_type"] == "tool_call_started"
    assert record["schema_version"] == "1.0.0"
    assert record["tool_name"] == "search" and record["call_sequence"] == 1
    assert record["session_id"] == "s-1" and record["request_id"] == "r-1"
    assert record["message"] == "calling search"
    assert "schema_errors" not in record


def test_adapter_and_filter_attributes_are_fields(collector: LineCollector) -> None:
    """LoggerAdapter extras and attributes a logging.Filter sets are the event's fields."""

    class AddSequence(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            record.call_sequence = 7
            return True

    logger = _app_logger("app.adapted")
    adding = AddSequence()
    logger.addFilter(adding)
    try:
        adapter = logging.LoggerAdapter(
            logger, {"event_type": "tool_call_started", "tool_name": "x", "session_id": "s"}
        )
        adapter.info("start")
    finally:
        logger.removeFilter(adding)
    (record,) = collector.records
    assert (record["tool_name"], record["call_sequence"], record["session_id"]) == ("x", 7, "s")


def test_undeclared_attributes_are_schema_errors_unless_context(schemas_dir: Path) -> None:
    """An attribute the schema does not declare is a schema error, or context when declared."""
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, on_invalid="keep")
    extra = {"event_type": "cache_miss", "hostname": "web-1"}
    _app_logger().info("m", extra=extra)
    schemalog.configure(sinks=[handler], schemas=schemas_dir, context_fields=["hostname"])
    _app_logger().info("m", extra=extra)
    undeclared, declared = handler.records
    assert undeclared["hostname"] == "web-1"
    assert undeclared["schema_errors"] == ["$.hostname: field not declared by the schema"]
    assert declared["hostname"] == "web-1" and "schema_errors" not in declared


def test_invalid_extra_event_raises_at_the_call(schemas_dir: Path) -> None:
    """Under raise, an invalid extra= event raises InvalidEventError from the logging call."""
    schemalog.configure(sinks=[LineCollector()], schemas=schemas_dir, on_invalid="raise")
    with pytest.raises(schemalog.InvalidEventError, match="cache_expires_in_seconds"):
        _app_logger().info("m", extra={"event_type": "cache_hit"})


def test_plain_records_keep_extras_and_report_stamped_names(collector: LineCollector) -> None:
    """A record without event_type is a log event with its extras; envelope names are not lost."""
    _app_logger().warning(
        "disk %d%% full", 91, extra={"disk": "sda", "level": "loud", "user_id": "u"}
    )
    (record,) = collector.records
    assert record["event_type"] == "log" and record["message"] == "disk 91% full"
    assert record["disk"] == "sda" and record["user_id"] == "u"
    assert record["schema_errors"] == ["$.level: is an envelope name that schemalog sets"]


def test_stacklevel_moves_the_caller(schemas_dir: Path) -> None:
    """stacklevel=2 names the helper's caller, as stdlib does for %(funcName)s."""
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, caller=True)

    def helper() -> None:
        _app_logger().info("m", extra={"event_type": "cache_miss"}, stacklevel=2)

    helper()
    assert handler.records[0]["caller"].startswith("test_stdlib:test_stacklevel_moves_the_caller:")


def test_every_sink_writes_the_same_line(schemas_dir: Path) -> None:
    """The record is processed once: every sink writes the same event_id."""
    first, second = LineCollector(), LineCollector()
    schemalog.configure(sinks=[first, second], schemas=schemas_dir)
    _app_logger().info("m", extra={"event_type": "cache_miss"})
    assert first.lines == second.lines


def test_event_from_record_reads_the_record() -> None:
    """The Event holds the extras, the formatted message, the stack and the caller."""
    record = logging.LogRecord(
        "lib", logging.INFO, "/x/mod.py", 3, "a %s", ("b",), None, "fn", sinfo="Stack: here"
    )
    record.colour = "red"
    event = event_from_record(record, caller=True)
    assert extras(record) == {"colour": "red"} == event.fields
    assert (event.message, event.stack, event.caller) == ("a b", "Stack: here", "mod:fn:3")


def test_extras_keep_their_order_whatever_was_reset() -> None:
    """Extras come in the order they were set, also after a stock attribute was re-added."""
    record = logging.getLogger("x").makeRecord(
        "x", logging.INFO, "f.py", 1, "m", (), None, extra={"b": 1, "a": 2, "_private": 3}
    )
    assert list(extras(record)) == ["b", "a"]
    record.later = 4  # as a logging.Filter sets it
    assert list(extras(record)) == ["b", "a", "later"]
    del record.__dict__["processName"]
    record.processName = "MainProcess"  # a stock attribute moved to the end
    assert list(extras(record)) == ["b", "a", "later"]
    last = next(reversed(record.__dict__))
    del record.__dict__[last]  # now the walk back cannot trust the positions
    assert list(extras(record)) == ["b", "a", "later"]
