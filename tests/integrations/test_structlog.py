"""Tests for schemalog.integrations.structlog: structlog code, validated schemalog lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars

import schemalog
from schemalog.integrations import structlog as schemalog_structlog
from schemalog.testing import CapturedEvents
from tests.conftest import LineCollector


@pytest.fixture(autouse=True)
def _fresh_structlog() -> Iterator[None]:
    """Each test starts with structlog's defaults and no bound contextvars."""
    structlog.reset_defaults()
    clear_contextvars()
    yield
    structlog.reset_defaults()
    clear_contextvars()


def _records(collector: LineCollector) -> list[dict[str, Any]]:
    return [json.loads(line) for line in collector.lines]


def test_native_route_emits_validated_events(collector: LineCollector, schemas_dir: Path) -> None:
    """After the one-call set-up, structlog.get_logger().info(...) is a cataloged event."""
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir, service="agent")
    log = structlog.get_logger("agent.tools")
    log.info("cache_refresh", model_count=42)
    (record,) = _records(collector)
    assert record["event_type"] == "cache_refresh"
    assert record["schema_version"] == "1.0.0"
    assert record["logger"] == "agent.tools"
    assert record["level"] == "info"
    assert record["service"] == "agent"
    assert record["model_count"] == 42
    assert "schema_errors" not in record


def test_bind_and_contextvars_reach_the_envelope(
    collector: LineCollector, schemas_dir: Path
) -> None:
    """bind() values and bind_contextvars() context names land where schemalog puts them."""
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir)
    bind_contextvars(request_id="req-7")
    log = structlog.get_logger("api").bind(session_id="sess-1", user_id="u-1")
    log.warning("cache_refresh", model_count=1)
    (record,) = _records(collector)
    assert (record["request_id"], record["session_id"], record["user_id"]) == (
        "req-7",
        "sess-1",
        "u-1",
    )
    assert record["level"] == "warning"
    assert "schema_errors" not in record


def test_levels_below_the_configured_one_are_dropped(
    collector: LineCollector, schemas_dir: Path
) -> None:
    """Debug under level='info' writes nothing; error writes at error."""
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir, level="info")
    log = structlog.get_logger("api")
    log.debug("cache_refresh", model_count=1)
    log.error("cache_refresh", model_count=1)
    assert [r["level"] for r in _records(collector)] == ["error"]


def test_invalid_events_follow_the_policy(collector: LineCollector, schemas_dir: Path) -> None:
    """An invalid event raises under 'raise' and is kept with schema_errors under 'keep'."""
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir, on_invalid="raise")
    with pytest.raises(schemalog.InvalidEventError, match="model_count"):
        structlog.get_logger("api").info("cache_refresh", model_count="many")
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir, on_invalid="keep")
    structlog.get_logger("api").info("cache_refresh", model_count="many")
    (record,) = _records(collector)
    assert any("model_count" in error for error in record["schema_errors"])


def test_stdlib_bound_loggers_and_exceptions_work(
    collector: LineCollector, schemas_dir: Path
) -> None:
    """structlog.stdlib loggers work, and log.exception carries the traceback."""
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir)
    log = structlog.stdlib.get_logger("jobs")
    try:
        raise RuntimeError("disk on fire")
    except RuntimeError:
        log.exception("cache_refresh", model_count=1)
    (record,) = _records(collector)
    assert record["level"] == "error"
    assert "RuntimeError: disk on fire" in str(record["exception"])


def test_secrets_are_redacted_on_the_structlog_route(
    collector: LineCollector, schemas_dir: Path
) -> None:
    """A secret-named key passed through structlog never reaches the sink."""
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir, on_invalid="keep")
    structlog.get_logger("api").info("cache_refresh", model_count=1, password="hunter2")
    assert "hunter2" not in "".join(collector.lines)


def test_a_secret_in_a_structlog_message_never_reaches_the_sink(
    collector: LineCollector, schemas_dir: Path
) -> None:
    """A message-style structlog event (free text, not a cataloged type) is scanned for secrets."""
    schemalog_structlog.configure(sinks=[collector], schemas=schemas_dir, on_invalid="keep")
    structlog.get_logger("api").warning("login failed for token=tok-hunter2")
    (record,) = _records(collector)
    assert "hunter2" not in collector.lines[0]
    assert record["event_type"] == "login failed for token=[REDACTED]"


def test_process_event_fits_an_existing_chain(
    schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Structlog's usual processors before process_event, its JSONRenderer after: valid lines."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.format_exc_info,
            schemalog_structlog.process_event,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(),
    )
    bind_contextvars(user_id="u-9")
    structlog.get_logger("chat").info("cache_refresh", model_count=1)
    record = json.loads(capsys.readouterr().out)
    assert record["event_type"] == "cache_refresh"
    assert record["user_id"] == "u-9"
    assert record["timestamp"].endswith("Z")
    assert "event" not in record
    assert "schema_errors" not in record


def test_processor_formatter_gives_one_shape_for_both(schemas_dir: Path, tmp_path: Path) -> None:
    """With the ProcessorFormatter route, structlog events and stdlib records share one shape."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    path = tmp_path / "out.jsonl"
    handler = logging.FileHandler(path)
    handler.setFormatter(schemalog_structlog.formatter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        structlog.configure(
            processors=[
                structlog.stdlib.add_log_level,
                schemalog_structlog.process_event,
                structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
            ],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
        )
        structlog.get_logger("app").info("cache_refresh", model_count=1)
        logging.getLogger("urllib3").warning("retrying %s", "/v1")
    finally:
        root.removeHandler(handler)
        handler.close()
    structlog_line, stdlib_line = (json.loads(line) for line in path.read_text().splitlines())
    assert structlog_line["event_type"] == "cache_refresh"
    assert structlog_line["logger"] == "app"
    assert stdlib_line["event_type"] == "log"
    assert stdlib_line["message"] == "retrying /v1"
    for record in (structlog_line, stdlib_line):
        assert list(record)[:3] == ["timestamp", "level", "logger"]
        assert "event_id" in record


def test_capture_logs_keeps_working_beside_the_fixture(
    captured_events: CapturedEvents, schemas_dir: Path
) -> None:
    """structlog.testing.capture_logs captures while active; schemalog's fixture sees the rest."""
    schemalog_structlog.configure(sinks=[], schemas=schemas_dir)
    log = structlog.get_logger("api")
    with structlog.testing.capture_logs() as logs:
        log.info("cache_refresh", model_count=1)
    log.info("cache_refresh", model_count=2)
    assert logs == [{"event": "cache_refresh", "model_count": 1, "log_level": "info"}]
    assert [e["model_count"] for e in captured_events.of_type("cache_refresh")] == [2]
