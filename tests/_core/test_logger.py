"""Tests for schemalog._core.logger: get_logger, level methods, level filtering, bind."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import schemalog
from schemalog._core.logger import BoundLogger
from tests.conftest import LineCollector
from tests.paths import ROOT

module_logger = schemalog.get_logger()  # created at import, before any configure()


def test_default_name_is_the_calling_module() -> None:
    """get_logger() without a name uses the caller's module name."""
    assert module_logger.name == "tests._core.test_logger"


def test_loggers_created_before_configure_follow_it(schemas_dir: Path) -> None:
    """A module-level logger obeys the level of a configure() that comes later."""
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, level="warning")
    module_logger.info("cache_miss")
    module_logger.warning("cache_miss")
    schemalog.configure(sinks=[handler], schemas=schemas_dir, level="debug")
    module_logger.debug("cache_miss")
    assert [r["level"] for r in handler.records] == ["warning", "debug"]


def test_every_level_method(collector: LineCollector) -> None:
    """Each level method writes its level; exception() is error with a traceback; log() any."""
    schemalog.configure(sinks=[collector], schemas=ROOT / "schemas", level="debug")
    log = schemalog.get_logger("levels")
    log.debug("cache_miss")
    log.info("cache_miss")
    log.warning("cache_miss")
    log.error("cache_miss")
    log.critical("cache_miss")
    try:
        raise RuntimeError("x")
    except RuntimeError:
        log.exception("cache_miss")
    log.log(logging.ERROR, "cache_miss")
    levels = [r["level"] for r in collector.records]
    assert levels == ["debug", "info", "warning", "error", "critical", "error", "error"]
    assert "RuntimeError: x" in collector.records[5]["exception"]


def test_disabled_levels_are_no_ops(collector: LineCollector) -> None:
    """Below the configured level a call does nothing at all, not even validation."""
    log = schemalog.get_logger("quiet")
    log.debug("no_such_event", anything=object())
    log.log(logging.DEBUG, "no_such_event")
    assert collector.lines == []
    assert schemalog.stats()["invalid"] == 0


def test_stdlib_per_logger_levels_are_respected(collector: LineCollector) -> None:
    """A stdlib level set on one logger's name silences that logger only."""
    logging.getLogger("noisy").setLevel(logging.ERROR)
    try:
        schemalog.get_logger("noisy").info("cache_miss")
        schemalog.get_logger("calm").info("cache_miss")
    finally:
        logging.getLogger("noisy").setLevel(logging.NOTSET)
    assert [r["logger"] for r in collector.records] == ["calm"]


def test_bind_returns_a_new_logger() -> None:
    """bind() leaves the original logger's context untouched."""
    base = schemalog.get_logger("b")
    child = base.bind(session_id="s", plan="pro")
    assert isinstance(child, BoundLogger)
    assert base.context == {}
    assert child.context == {"session_id": "s", "plan": "pro"}
    assert child.unbind("plan", "missing").context == {"session_id": "s"}
    assert "plan" in repr(child)


def test_unconfigured_logger_configures_itself(
    capsys: object, schemas_dir: Path, monkeypatch: object
) -> None:
    """Without configure(), the first event configures from the environment, to stdout."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SCHEMALOG_SCHEMAS", str(schemas_dir))
    monkeypatch.setenv("SCHEMALOG_SERVICE", "auto")
    logging.getLogger().handlers.clear()
    schemalog.get_logger("first").info("cache_miss")
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert '"service":"auto"' in out and '"event_type":"cache_miss"' in out


def test_log_takes_level_names_and_never_raises_on_a_bad_level(collector: LineCollector) -> None:
    """log() takes "warning" as well as 30; an unknown level is counted and reported, not raised."""
    log = schemalog.get_logger("app")
    log.log("warning", "cache_miss")
    log.log(logging.ERROR, "cache_miss")
    log.log("loud", "cache_miss")
    log.log(None, "cache_miss")  # type: ignore[arg-type]  # a careless caller
    assert [record["level"] for record in collector.records] == ["warning", "error"]
    assert schemalog.stats()["dropped:bad_level"] == 2


def test_log_with_a_bad_level_raises_under_raise(schemas_dir: Path) -> None:
    """Under on_invalid="raise" an unknown level is a TypeError naming it."""
    schemalog.configure(sinks=[], schemas=schemas_dir, on_invalid="raise")
    with pytest.raises(TypeError, match="'loud'"):
        schemalog.get_logger("app").log("loud", "cache_miss")
