"""Compiling metric filters to SQL: one readable query, each path extracted once."""

from __future__ import annotations

from pathlib import Path

import duckdb

from schemalog.filters.sql import count_sql, quote
from tests.filters.cases import metric


def test_quote_doubles_single_quotes() -> None:
    """String literals survive quotes in paths and values."""
    assert quote("it's") == "'it''s'"
    assert duckdb.execute(f"SELECT {quote(chr(39) * 3)}").fetchall() == [("'''",)]


def test_query_reads_the_files_and_each_path_once() -> None:
    """The query names the inputs, extracts each JSON path once, and buckets by the period."""
    filters = [
        metric("a", '{ $.event_type = "a" && $.n > 1 }', "$.n"),
        metric("b", '{ $.event_type = "b" }', "1", dimensions={"d": "$.n"}),
    ]
    text = count_sql(["logs/x.jsonl", "it's.jsonl.gz"], filters, 300)
    assert "read_ndjson_objects(['logs/x.jsonl', 'it''s.jsonl.gz']" in text
    assert text.count("'$.\"n\"'") == 1
    assert text.count("'$.\"event_type\"'") == 1
    assert "% 300" in text


def test_query_runs_as_printed(tmp_path: Path) -> None:
    """The printed query runs in a plain DuckDB session (what --show-sql promises)."""
    path = tmp_path / "e.jsonl"
    path.write_text(
        '{"timestamp": "2026-11-22T19:20:01.000Z", "event_type": "a", "n": 3}\n'
        '{"timestamp": "2026-11-22T19:26:01.000Z", "event_type": "a", "n": "4"}\n'
    )
    filters = [metric("a", '{ $.event_type = "a" && $.n > 1 }', "$.n")]
    rows = duckdb.execute(count_sql([str(path)], filters, 300)).fetchall()
    assert rows == [
        (0, 1795375200, None, 3.0, 1, 3.0, 3.0),
        (0, 1795375500, None, 4.0, 1, 4.0, 4.0),
    ]
