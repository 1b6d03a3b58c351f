"""Tests for schemalog._core.formatter: JsonFormatter for any stdlib record."""

from __future__ import annotations

import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

import schemalog


def test_stack_info_and_caller_on_plain_records(schemas_dir: Path) -> None:
    """stack_info becomes `stack`; caller comes from the record when enabled."""
    schemalog.configure(sinks=[], schemas=schemas_dir, caller=True)
    record = logging.LogRecord(
        "lib",
        logging.INFO,
        "/src/lib/mod.py",
        12,
        "hi",
        None,
        None,
        "fn",
        sinfo="Stack (most recent call last):\n  here",
    )
    out = orjson.loads(schemalog.JsonFormatter().format(record))
    assert out["caller"] == "mod:fn:12"
    assert out["stack"].startswith("Stack (most recent call last)")
    assert out["message"] == "hi" and out["event_type"] == "log"


def test_unformattable_record_is_still_a_line(schemas_dir: Path) -> None:
    """Even a record whose extras explode renders a line saying so."""
    schemalog.configure(sinks=[], schemas=schemas_dir)

    class Explodes:
        def __repr__(self) -> str:
            raise RuntimeError("no")

        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no")

        __hash__ = None  # type: ignore[assignment]

    record = logging.LogRecord("lib", logging.ERROR, "", 0, "m", None, None)
    record.weird = Explodes()
    out = orjson.loads(schemalog.JsonFormatter().format(record))
    assert out["event_type"] == "log"
    assert out["weird"] == "<Explodes repr failed: RuntimeError>"


def _dict_config(path: Path, formatter: dict[str, object], schemas_dir: Path) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"events": {"()": "schemalog.EventFilter"}},
            "formatters": {"json": formatter},
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "filename": str(path),
                    "filters": ["events"],
                    "formatter": "json",
                }
            },
            "loggers": {"adopt": {"handlers": ["file"], "level": "INFO", "propagate": False}},
        }
    )


EITHER_FORMATTER = pytest.mark.parametrize(
    "formatter",
    [{"()": "schemalog.JsonFormatter"}, {"()": "pythonjsonlogger.json.JsonFormatter"}],
    ids=["schemalog", "python-json-logger"],
)


@contextmanager
def _adopting(
    path: Path, formatter: dict[str, object], schemas_dir: Path
) -> Iterator[logging.Logger]:
    """Yield the ``adopt`` logger of a kept dictConfig (EventFilter, ``formatter``) on ``path``."""
    schemalog.configure(sinks=[], schemas=schemas_dir, on_invalid="keep")
    _dict_config(path, formatter, schemas_dir)
    log = logging.getLogger("adopt")
    try:
        yield log
    finally:
        for handler in log.handlers:
            handler.close()
        log.handlers.clear()
        log.propagate = True


@EITHER_FORMATTER
def test_event_filter_makes_one_flat_line_with_either_formatter(
    formatter: dict[str, object], schemas_dir: Path, tmp_path: Path
) -> None:
    """DictConfig + EventFilter: flat envelope and fields, plain message, nothing double-encoded."""
    path = tmp_path / "events.jsonl"
    with _adopting(path, formatter, schemas_dir) as log:
        log.info("refreshed %d models", 3, extra={"job": "nightly", "password": "hunter2"})
        schemalog.get_logger("adopt").info("cache_refresh", model_count=7)
    lines = path.read_text().splitlines()
    assert "hunter2" not in path.read_text()
    stdlib, cataloged = (orjson.loads(line) for line in lines)
    assert stdlib["message"] == "refreshed 3 models"
    assert stdlib["event_type"] == "log"
    assert stdlib["job"] == "nightly"
    assert stdlib["password"] == "[REDACTED]"
    assert cataloged["event_type"] == "cache_refresh"
    assert cataloged["schema_version"] == "1.0.0"
    assert cataloged["model_count"] == 7
    for record in (stdlib, cataloged):
        assert isinstance(record["event_id"], str)
        assert not any(key.startswith(("_schemalog", "schemalog_")) for key in record)
        assert not str(record.get("message", "")).startswith("{")


@EITHER_FORMATTER
def test_event_filter_leaves_one_scanned_traceback_and_stack(
    formatter: dict[str, object], schemas_dir: Path, tmp_path: Path
) -> None:
    """With EventFilter a traceback or stack is written once, as scanned, by either formatter."""
    path = tmp_path / "events.jsonl"
    with _adopting(path, formatter, schemas_dir) as log:
        try:
            raise ValueError("password=hunter2")
        except ValueError:
            log.exception("failed")
        log.info("here", stack_info=True)
    assert "hunter2" not in path.read_text()
    failed, here = (orjson.loads(line) for line in path.read_text().splitlines())
    assert "ValueError: password=[REDACTED]" in failed["exception"]
    assert here["stack"].startswith("Stack (most recent call last):")
    assert not {"exc_info", "stack_info"} & (failed.keys() | here.keys())


def test_json_formatter_takes_python_json_loggers_options(schemas_dir: Path) -> None:
    """fmt, rename_fields, static_fields, timestamp, json_default: as python-json-logger."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    formatter = schemalog.JsonFormatter(
        "%(asctime)s %(levelname)s %(process)d %(message)s",
        rename_fields={"level": "severity"},
        static_fields={"app": "billing", "when": object()},
        json_default=lambda _value: "<object>",
        timestamp="@timestamp",
    )
    record = logging.LogRecord("lib", logging.WARNING, __file__, 1, "hello", None, None)
    out = orjson.loads(formatter.format(record))
    assert out["severity"] == "warning" and "level" not in out
    assert out["process"] == record.process
    assert out["app"] == "billing" and out["when"] == "<object>"
    assert out["@timestamp"].endswith("Z") and "timestamp" not in out
    assert out["message"] == "hello"
    assert "asctime" not in out and "levelname" not in out


def test_without_options_the_line_is_exactly_the_pipelines(schemas_dir: Path) -> None:
    """The plain JsonFormatter returns the rendered line untouched (no re-encoding)."""
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(schemalog.JsonFormatter().format(record))

    schemalog.configure(sinks=[Keep()], schemas=schemas_dir)
    schemalog.get_logger("app").info("cache_refresh", model_count=1)
    (line,) = seen
    assert list(orjson.loads(line))[:4] == ["timestamp", "level", "logger", "event_type"]
