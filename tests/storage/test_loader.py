"""``load`` into DuckDB and PostgreSQL: idempotent, rejects kept, whole batches only.

Files, gzip, globs and stdin are read; a database that goes away mid-load keeps earlier batches.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from schemalog.exceptions import InputError, StorageError
from schemalog.storage import loader
from schemalog.storage.loader import expand, load
from schemalog.storage.rows import Batch
from tests.pg import PostgresServer
from tests.storage.conftest import run_sql
from tests.storage.test_rows import event


@pytest.fixture(params=["duckdb", "postgresql"])
def into(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a DuckDB file or a fresh PostgreSQL database."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return str(tmp_path / "db" / "events.duckdb")


def count(into: str, table: str) -> int:
    [(rows,)] = run_sql(into, f"SELECT count(*) FROM {table}")
    return int(rows)


def test_load_twice_adds_nothing(into: str, analytics_lines: Path) -> None:
    """A second load of the same lines counts every event as a duplicate and adds no row."""
    first = load([str(analytics_lines)], into)
    assert first.loaded == 36 and first.metrics > 0 and first.rejected == 0
    second = load([str(analytics_lines)], into, batch_size=7)
    assert (second.loaded, second.duplicates, second.metrics) == (0, 36, 0)
    assert count(into, "analytics_events") == 36
    assert count(into, "analytics_metrics") == first.metrics


def test_rejects_table_holds_file_line_and_reason(into: str, tmp_path: Path) -> None:
    """Bad lines land in analytics_rejects with file and line; the good ones are loaded."""
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([event(), b"{oops", event(media_count="x"), event()]) + b"\n")
    summary = load([str(path)], into)
    assert (summary.loaded, summary.rejected) == (2, 2)
    rows = run_sql(into, "SELECT source, line, reason FROM analytics_rejects ORDER BY line")
    assert [(source, line) for source, line, _ in rows] == [(str(path), 2), (str(path), 3)]
    assert "not JSON" in rows[0][2] and "$.media_count" in rows[1][2]


def test_gzip_glob_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Gzip files, glob patterns and '-' (stdin) are all read."""
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(event() + b"\n" + event() + b"\n"))
    (tmp_path / "b.jsonl").write_bytes(event() + b"\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(event() + b"\n")))
    summary = load([str(tmp_path / "*.jsonl*"), "-"], str(tmp_path / "e.duckdb"))
    assert summary.loaded == 4
    with pytest.raises(InputError, match="no file matches"):
        expand([str(tmp_path / "nothing*.jsonl")])


def test_database_going_away_mid_load(postgres_server: PostgresServer, pg_url: str) -> None:
    """The server stops mid-load: the error names file and lines; earlier batches stay whole."""
    fifo = Path(postgres_server.directory.parent / f"lines-{os.getpid()}.fifo")
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            load([str(fifo)], pg_url, batch_size=100)
        except BaseException as error:  # the test inspects it
            errors.append(error)

    loader = threading.Thread(target=run)
    loader.start()
    try:
        with fifo.open("wb") as writer:
            writer.write(b"".join(event() + b"\n" for _ in range(100)))
            writer.flush()
            deadline = time.monotonic() + 30
            while count(pg_url, "analytics_events") < 100 and time.monotonic() < deadline:
                time.sleep(0.05)
            postgres_server.stop()
            writer.write(b"".join(event() + b"\n" for _ in range(50)))
        loader.join(60)
    finally:
        fifo.unlink()
        postgres_server.start()
    assert len(errors) == 1 and isinstance(errors[0], StorageError)
    assert f"{fifo}:101-150: not loaded" in str(errors[0])
    assert count(pg_url, "analytics_events") == 100


class CountingBar:
    """A progress bar that only adds up what it is told."""

    def __init__(self) -> None:
        self.done = 0
        self.closed = False

    def __call__(self, size: int) -> None:
        self.done += size

    def close(self) -> None:
        self.closed = True


def test_progress_counts_every_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar advances by each line and its newline: at the end, the file's size."""
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"".join(event() + b"\n" for _ in range(5000)))
    shown = CountingBar()
    monkeypatch.setattr(loader, "bar", lambda _total, _stream: shown)
    summary = load([str(path)], str(tmp_path / "e.duckdb"), progress=io.StringIO(), batch_size=3000)
    assert summary.loaded == 5000
    assert (shown.done, shown.closed) == (path.stat().st_size, True)


class RecordingStore:
    """A store that keeps the lines of each batch it is given."""

    dialect = "duckdb"

    def __init__(self) -> None:
        self.batches: list[tuple[int, int, int]] = []

    def write(self, batch: Batch) -> tuple[int, int]:
        self.batches.append((batch.first_line, batch.last_line, len(batch.events)))
        return len(batch.events), 0

    def close(self) -> None:
        """Nothing to release."""


def test_a_batch_is_batch_size_lines_in_order(tmp_path: Path) -> None:
    """Batches hold --batch-size lines (duplicates and rejects included), written in order."""
    path = tmp_path / "ten.jsonl"
    same = event()
    path.write_bytes(b"\n".join([event(), same, same, b"{oops", *[event() for _ in range(6)]]))
    store = RecordingStore()
    summary = load([str(path)], store, batch_size=4)
    assert store.batches == [(1, 4, 2), (5, 8, 4), (9, 10, 2)]
    assert (summary.lines, summary.loaded, summary.duplicates, summary.rejected) == (10, 8, 1, 1)
