"""The ``postgresql://`` sink: background batches that never block, and nothing lost.

Nothing is lost across a restart of the server; the queue is flushed at exit; spill files
left behind are adopted by the next process.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

import schemalog
from schemalog._core.sinkspec import make_sink
from schemalog.storage.sink import PostgresSink
from tests.conftest import SCHEMAS
from tests.paths import ROOT
from tests.pg import PostgresServer
from tests.storage.conftest import run_sql


def stored(url: str) -> int:
    [(count,)] = run_sql(url, "SELECT count(DISTINCT event_id) FROM analytics_events")
    return int(count)


def emit(count: int, start: int = 0) -> None:
    log = schemalog.get_logger("app")
    with schemalog.bound(user_id="u-1"):
        for number in range(start, start + count):
            log.info("memory_posted", family_unit_id="f-1", memory_id=f"m-{number}")


def sink_for(url: str, tmp_path: Path, **options: str) -> PostgresSink:
    query = "&".join(f"{k}={v}" for k, v in {"spill_dir": str(tmp_path), **options}.items())
    sink = make_sink(f"{url}?{query}")
    assert isinstance(sink, PostgresSink)
    schemalog.configure(service="app", sinks=[sink], schemas=SCHEMAS)
    return sink


def test_sink_string_writes_rows(pg_url: str, tmp_path: Path) -> None:
    """A postgresql:// sink string in configure() stores every event, and counts them."""
    sink = sink_for(pg_url, tmp_path)
    emit(25)
    assert sink.flush(10)
    assert stored(pg_url) == 25
    written = {k: v for k, v in schemalog.stats().items() if k.startswith("written:postgresql")}
    assert list(written.values()) == [25]


def test_restart_of_the_server_loses_nothing(
    postgres_server: PostgresServer, pg_url: str, tmp_path: Path
) -> None:
    """While the server is down, emit stays fast and lines spill; after restart all arrive."""
    sink = sink_for(pg_url, tmp_path, retry_interval="0.2")
    emit(10)
    assert sink.flush(10)
    postgres_server.stop()
    try:
        started = time.perf_counter()
        emit(40, start=10)
        assert time.perf_counter() - started < 2.0  # the caller never waits for the database
        deadline = time.monotonic() + 20
        while not any(tmp_path.glob("pg-*.jsonl")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(tmp_path.glob("pg-*.jsonl"))  # the sender spilled what it could not write
        assert not sink.flush(0.5)
    finally:
        postgres_server.start()
    assert sink.flush(20)
    assert stored(pg_url) == 50


def test_spill_left_at_close_is_adopted(
    postgres_server: PostgresServer, pg_url: str, tmp_path: Path
) -> None:
    """Lines spilled by a sink that closed while the database was down reach it via the next."""
    first = sink_for(pg_url, tmp_path, exit_timeout="0.3", retry_interval="0.1")
    postgres_server.stop()
    try:
        emit(7)
        first.close()
        logging.getLogger().removeHandler(first)
    finally:
        postgres_server.start()
    assert any(tmp_path.glob("pg-*.jsonl"))
    second = sink_for(pg_url, tmp_path)
    emit(1, start=100)
    assert second.flush(20)
    assert stored(pg_url) == 8
    assert not list(tmp_path.glob("pg-*.jsonl"))


def test_flushed_at_exit(pg_url: str, tmp_path: Path) -> None:
    """A process that exits without shutdown() still delivers what it queued."""
    program = (
        "import schemalog\n"
        f"schemalog.configure(sinks=[{pg_url + '?spill_dir=' + str(tmp_path)!r}],"
        f" schemas={str(SCHEMAS)!r})\n"
        "log = schemalog.get_logger('app')\n"
        "with schemalog.bound(user_id='u'):\n"
        "    for n in range(30):\n"
        "        log.info('memory_posted', family_unit_id='f', memory_id=str(n))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert stored(pg_url) == 30


def test_options_split_from_libpq_parameters(tmp_path: Path) -> None:
    """Sink options are parsed strictly; other query parameters stay in the URL for libpq."""
    sink = make_sink(
        f"postgresql://u@127.0.0.1:1/db?batch_size=7&connect_timeout=3&spill_dir={tmp_path}"
    )
    assert isinstance(sink, PostgresSink)
    assert (sink.batch_size, sink.url) == (7, "postgresql://u@127.0.0.1:1/db?connect_timeout=3")
    with pytest.raises(schemalog.ConfigError, match="batch_size"):
        make_sink("postgresql://u@h/db?batch_size=lots")
    sink.close()
