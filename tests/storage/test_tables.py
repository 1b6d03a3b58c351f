"""Tests for schemalog.storage.tables: the analytics tables' DDL in DuckDB and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import psycopg

from schemalog.storage.tables import (
    EVENT_COLUMNS,
    EVENT_INSERT,
    METRIC_INSERT,
    REJECT_INSERT,
    ddl,
)

TABLES = {
    "analytics_events": EVENT_INSERT,
    "analytics_metrics": METRIC_INSERT,
    "analytics_rejects": REJECT_INSERT,
}
COLUMNS_SQL = "SELECT table_name, column_name FROM information_schema.columns"


def columns_by_table(rows: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Group (table, column) rows into each analytics table's column names."""
    found: dict[str, set[str]] = {}
    for table, column in rows:
        if table in TABLES:
            found.setdefault(table, set()).add(column)
    return found


def test_the_json_column_comes_last() -> None:
    """Event rows are the envelope columns in order, then metadata (the JSON column)."""
    assert (*EVENT_COLUMNS, "metadata") == EVENT_INSERT
    assert METRIC_INSERT[-1] == "labels"


def test_duckdb_tables_hold_every_loaded_column_and_no_index(tmp_path: Path) -> None:
    """In DuckDB the DDL makes the three tables with the columns rows fill, twice over safely."""
    with duckdb.connect(str(tmp_path / "a.duckdb")) as connection:
        for _ in range(2):  # IF NOT EXISTS: opening an existing database again is fine
            for statement in ddl("duckdb"):
                connection.execute(statement)
        found = columns_by_table(connection.execute(COLUMNS_SQL).fetchall())
        indexes = connection.execute("SELECT index_name FROM duckdb_indexes()").fetchall()
    assert set(found) == set(TABLES)
    for table, columns in TABLES.items():
        assert set(columns) <= found[table]
    assert indexes == []


def test_postgresql_tables_have_the_query_indexes(pg_url: str) -> None:
    """In PostgreSQL the DDL makes the tables (JSONB metadata) and seed 001's indexes."""
    with psycopg.connect(pg_url) as connection:
        for _ in range(2):
            for statement in ddl("postgresql"):
                connection.execute(statement.encode())
        found = columns_by_table(connection.execute(COLUMNS_SQL).fetchall())
        kind = connection.execute(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = 'analytics_events' AND column_name = 'metadata'"
        ).fetchone()
        indexes = {
            row[0]
            for row in connection.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'analytics_%'"
            ).fetchall()
        }
    for table, columns in TABLES.items():
        assert set(columns) <= found[table]
    assert kind == ("jsonb",)
    assert {
        "analytics_events_type_time",
        "analytics_events_user",
        "analytics_metrics_name_time",
    } <= indexes
