"""Tests for schemalog.storage.duck: DuckStore writes a batch per transaction, idempotently."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import orjson
import pytest

from schemalog.exceptions import StorageError
from schemalog.metrics import emf
from schemalog.storage.duck import DuckStore
from schemalog.storage.tables import EVENT_INSERT
from tests.storage.conftest import run_sql
from tests.storage.test_rows import event, rows_of

COUNTS = (
    "SELECT (SELECT count(*) FROM analytics_events), (SELECT count(*) FROM analytics_metrics),"
    " (SELECT count(*) FROM analytics_rejects)"
)


def test_write_adds_rows_once(tmp_path: Path) -> None:
    """A batch's events, metrics and rejects are added; the same batch again adds nothing."""
    database = str(tmp_path / "db" / "a.duckdb")
    timing = emf.Metric("t", "Milliseconds", (("endpoint", "/a"),), (1.0, 2.0))
    (document,) = emf.documents([timing], "app", 1_790_000_000_000)
    batch = rows_of(event(media_count=2), orjson.dumps(document), event(), b"{not json")
    store = DuckStore(database)
    assert store.write(batch) == (2, 2)
    assert store.write(batch) == (0, 0)
    store.close()
    assert run_sql(database, COUNTS) == [(2, 2, 1)]
    media = "SELECT metadata->>'media_count' FROM analytics_events WHERE metadata.media_count = 2"
    assert run_sql(database, media) == [("2",)]


def test_a_failing_batch_leaves_nothing_and_names_its_lines(tmp_path: Path) -> None:
    """When DuckDB refuses part of a batch, none of it stays and the error names its lines."""
    database = str(tmp_path / "a.duckdb")
    batch = rows_of(event(), event())
    batch.metrics.append(("k", "m", "counter", "not a number", "Count", "ns", "2026-01-01", "{}"))
    store = DuckStore(database)
    with pytest.raises(StorageError, match=r"in\.jsonl:1-2: not loaded, DuckDB failed"):
        store.write(batch)
    assert store.write(rows_of(event())) == (1, 0)  # the connection is usable afterwards
    store.close()
    assert run_sql(database, COUNTS) == [(1, 0, 0)]


def test_close_removes_the_staging_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing the store deletes its NDJSON staging file."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # staged here, alone
    store = DuckStore(str(tmp_path / "a.duckdb"))
    store.write(rows_of(event()))
    assert len(list(tmp_path.glob("schemalog-load-*.ndjson"))) == 1
    store.close()
    assert list(tmp_path.glob("schemalog-load-*.ndjson")) == []


def test_an_unusable_path_is_a_storage_error(tmp_path: Path) -> None:
    """A database path under a regular file raises StorageError naming the path."""
    (tmp_path / "file").write_text("")
    path = str(tmp_path / "file" / "a.duckdb")
    with pytest.raises(StorageError, match=r"file/a\.duckdb"):
        DuckStore(path)


def test_stored_rows_are_the_batch_rows(tmp_path: Path) -> None:
    """Every column holds the row's value; JSON text (odd numbers, escapes) is kept as it is."""
    database = str(tmp_path / "a.duckdb")
    odd = {"big": 1e300, "huge": 12345678901234567890, "text": 'é\u2028"\\', "none": None}
    log = event(event_type="log", schema_version=None, user_id=7, detail=odd)
    batch = rows_of(log, event(), b"{not json")
    store = DuckStore(database)
    store.write(batch)
    store.close()
    columns = ", ".join(EVENT_INSERT[3:-1])
    stored = run_sql(
        database,
        f"SELECT CAST(event_id AS VARCHAR), event_type, {columns}, CAST(metadata AS VARCHAR),"
        " strftime(timezone('UTC', timestamp), '%Y-%m-%dT%H:%M:%S.%gZ')"
        " FROM analytics_events ORDER BY event_id",
    )
    # Text columns hold a bound number as its text; sample_rate stays a number.
    expected = sorted(
        (*row[:2], *[None if v is None else str(v) for v in row[3:-2]], *row[-2:], row[2])
        for row in batch.events
    )
    assert [tuple(row) for row in stored] == expected
    assert len(stored) == 2
    assert '"big":1e+300' in stored[0][-2] + stored[1][-2]
    assert run_sql(database, "SELECT source, line, raw, reason FROM analytics_rejects") == [
        tuple(batch.rejects[0][1:])
    ]


def test_a_batch_partly_there_adds_only_the_new_rows(tmp_path: Path) -> None:
    """Rows already stored make the batch go in again skipping them: only new ones are added."""
    database = str(tmp_path / "a.duckdb")
    old, new = event(), event()
    store = DuckStore(database)
    assert store.write(rows_of(old, b"[1]")) == (1, 0)
    assert store.write(rows_of(old, b"[1]", new)) == (1, 0)
    store.close()
    assert run_sql(database, COUNTS) == [(2, 0, 1)]


def test_duckdb_leaves_a_core_to_the_loader(tmp_path: Path) -> None:
    """DuckDB works with one thread fewer than the machine's cores (at least one)."""
    store = DuckStore(str(tmp_path / "a.duckdb"))
    (threads,) = store.connection.execute("SELECT current_setting('threads')").fetchone() or (0,)
    store.close()
    assert threads == max(1, (os.cpu_count() or 1) - 1)
