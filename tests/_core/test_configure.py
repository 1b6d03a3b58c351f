"""Tests for schemalog._core.configure: configure(), first-use configuration, dictConfig wiring."""

from __future__ import annotations

import logging
import logging.config
import sys
import threading
from pathlib import Path

import orjson
import pytest

import schemalog
from schemalog._core import configure as config
from schemalog._core import state
from tests.conftest import LineCollector, fork_while_held


def test_configure_installs_sinks_on_root_and_replaces_them(
    tmp_path: Path, schemas_dir: Path
) -> None:
    """configure() puts its sinks on the root logger; a second call replaces and closes them."""
    schemalog.configure(sinks=["stderr", f"file:{tmp_path / 'a.jsonl'}"], schemas=schemas_dir)
    first = [h for h in logging.getLogger().handlers if isinstance(h, schemalog.Sink)]
    assert len(first) == 2
    schemalog.configure(sinks=[f"file:{tmp_path / 'b.jsonl'}"], schemas=schemas_dir)
    now = [h for h in logging.getLogger().handlers if isinstance(h, schemalog.Sink)]
    assert len(now) == 1 and now[0] not in first
    schemalog.get_logger("app").info("cache_miss")
    assert (tmp_path / "a.jsonl").read_text() == ""
    assert orjson.loads((tmp_path / "b.jsonl").read_text())["event_type"] == "cache_miss"


def test_bad_catalog_fails_configure(tmp_path: Path) -> None:
    """An explicit configure() with a broken catalog raises CatalogError naming the file."""
    bad = tmp_path / "thing" / "1.0.0.json"
    bad.parent.mkdir()
    bad.write_text("{")
    with pytest.raises(schemalog.CatalogError, match=str(bad)):
        schemalog.configure(sinks=[], schemas=tmp_path)


def test_bad_sink_fails_configure(schemas_dir: Path) -> None:
    """An unknown sink string is a ConfigError listing the known ones."""
    with pytest.raises(schemalog.ConfigError, match="is not one of: stdout, stderr, file:"):
        schemalog.configure(sinks=["kafka:topic"], schemas=schemas_dir)


def test_first_use_never_raises_on_bad_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unconfigured use with a broken catalog reports on stderr and keeps the app running."""
    monkeypatch.setenv("SCHEMALOG_SCHEMAS", str(tmp_path / "missing"))
    monkeypatch.setenv("SCHEMALOG_LEVEL", "shouty")
    monkeypatch.setenv("SCHEMALOG_ON_INVALID", "keep")
    logging.getLogger().handlers.clear()
    schemalog.get_logger("app").info("cache_miss")
    captured = capsys.readouterr()
    assert "schemalog: ignoring bad configuration" in captured.err
    assert '"schema_errors"' in captured.out  # nothing is known, so the event is kept invalid


def test_first_use_keeps_handlers_the_app_installed(
    schemas_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the application configured logging itself, first use adds no sinks of its own."""
    monkeypatch.setenv("SCHEMALOG_SCHEMAS", str(schemas_dir))
    mine = LineCollector()
    root = logging.getLogger()
    root.handlers[:] = [mine]
    root.setLevel(logging.INFO)
    schemalog.get_logger("app").info("cache_miss")
    assert root.handlers == [mine]
    assert mine.records[0]["event_type"] == "cache_miss"


def test_dict_config_wires_handlers_and_formatter_by_dotted_path(
    tmp_path: Path, schemas_dir: Path
) -> None:
    """DictConfig can build schemalog's sink and formatter by dotted path."""
    path = tmp_path / "events.jsonl"
    schemalog.configure(sinks=[], schemas=schemas_dir, service="dc")
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "schemalog.JsonFormatter"}},
            "handlers": {
                "events": {"class": "schemalog.FileSink", "path": str(path), "formatter": "json"},
                "plain": {
                    "class": "logging.FileHandler",
                    "filename": str(tmp_path / "plain.jsonl"),
                    "formatter": "json",
                },
            },
            "root": {"level": "INFO", "handlers": ["events", "plain"]},
        }
    )
    try:
        schemalog.get_logger("app").info("cache_miss")
        logging.getLogger("requests").warning("slow")
    finally:
        for handler in logging.getLogger().handlers:
            handler.close()
    for name in ("events.jsonl", "plain.jsonl"):
        records = [orjson.loads(line) for line in (tmp_path / name).read_text().splitlines()]
        assert [r["event_type"] for r in records] == ["cache_miss", "log"]
        assert all(r["service"] == "dc" for r in records)


def test_configure_again_loses_no_event_of_a_logging_thread(
    tmp_path: Path, schemas_dir: Path
) -> None:
    """While configure() replaces the sinks, another thread's events all reach the new ones."""
    path = tmp_path / "events.jsonl"
    schemalog.configure(sinks=[f"file:{path}"], schemas=schemas_dir)
    stop = threading.Event()
    calls = 0

    def log_until_stopped() -> None:
        nonlocal calls
        log = schemalog.get_logger("worker")
        while not stop.is_set():
            log.info("cache_hit", cache_expires_in_seconds=calls)
            calls += 1

    worker = threading.Thread(target=log_until_stopped)
    worker.start()
    try:
        for _ in range(4):
            schemalog.configure(sinks=[f"file:{path}"], schemas=schemas_dir)
    finally:
        stop.set()
        worker.join()
    written = [orjson.loads(line)["cache_expires_in_seconds"] for line in path.open("rb")]
    assert calls > 0 and written == list(range(calls))


def test_shutdown_removes_and_closes_sinks(tmp_path: Path, schemas_dir: Path) -> None:
    """shutdown() flushes, closes and removes the sinks configure() installed."""
    schemalog.configure(sinks=[f"file:{tmp_path / 'x.jsonl'}"], schemas=schemas_dir)
    schemalog.shutdown()
    assert not [h for h in logging.getLogger().handlers if isinstance(h, schemalog.Sink)]
    assert state.pipeline is not None  # events still flow to whatever handlers remain
    assert config._installed == []


def _dict_config(path: Path) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "schemalog.JsonFormatter"}},
            "handlers": {
                "out": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "json",
                },
                "file": {
                    "class": "logging.FileHandler",
                    "filename": str(path),
                    "formatter": "json",
                },
            },
            "root": {"level": "INFO", "handlers": ["out", "file"]},
        }
    )


@pytest.mark.parametrize(
    "steps",
    [
        ["dictConfig", "configure"],
        ["configure", "dictConfig"],
        ["configure", "dictConfig", "configure", "configure"],
        ["basicConfig", "configure"],
        ["configure", "basicConfig", "dictConfig", "basicConfig", "configure"],
    ],
)
def test_any_order_of_set_up_writes_each_event_once_per_sink(
    steps: list[str], tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """dictConfig, basicConfig and configure() in any order: one line per event per sink."""
    path = tmp_path / "events.jsonl"
    root = logging.getLogger()
    root.handlers[:] = []  # as in a fresh process: pytest's own handlers are not stdout
    for step in steps:
        if step == "dictConfig":
            _dict_config(path)
        elif step == "basicConfig":
            logging.basicConfig(stream=sys.stdout, level=logging.INFO)
        else:
            schemalog.configure(sinks=["stdout", f"file:{path}"], schemas=schemas_dir)
    schemalog.get_logger("app").info("cache_miss")
    logging.getLogger("lib").info("m", extra={"event_type": "cache_miss"})
    for handler in root.handlers:
        handler.flush()
    printed = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    written = [orjson.loads(line) for line in path.read_text().splitlines()]
    assert [r["event_type"] for r in printed] == ["cache_miss", "cache_miss"]
    assert [r["event_id"] for r in written] == [r["event_id"] for r in printed]
    for handler in root.handlers:
        handler.close()


def test_a_child_forked_during_first_use_configures_itself(schemas_dir: Path) -> None:
    """A fork while another thread configures on first use leaves the child able to log."""
    stdout, stderr = fork_while_held(
        f"os.environ['SCHEMALOG_SCHEMAS'] = {str(schemas_dir)!r}\n"
        "import schemalog\nfrom schemalog._core import configure",
        "configure._first_use_lock",  # as a slow first use (loading the catalog) holds it
        "schemalog.get_logger('child').info('cache_miss')",
    )
    assert stdout.splitlines()[-1] == "0", stderr
    assert '"event_type":"cache_miss"' in stdout
