"""Fixtures of the storage tests: one PostgreSQL server per session, a fresh database per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

import schemalog
from tests.conftest import SCHEMAS
from tests.pg import PostgresServer

_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start one real PostgreSQL server for the whole session; stop and remove it after."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server.remove()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> str:
    """Return the URL of a new, empty database on the session's server."""
    name = f"test_{next(_numbers)}"
    with psycopg.connect(postgres_server.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return postgres_server.url.rsplit("/", 1)[0] + f"/{name}"


def run_sql(into: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one query on the DuckDB file or PostgreSQL URL ``into``; return its rows."""
    if into.startswith("postgresql://"):
        with psycopg.connect(into) as connection:
            return list(connection.execute(sql.encode()).fetchall())
    with duckdb.connect(into) as connection:
        return connection.execute(sql).fetchall()


USER_ID = "550e8400-e29b-41d4-a716-446655440000"
FAMILY_ID = "660e8400-e29b-41d4-a716-446655440001"
OTHER_FAMILY_ID = "660e8400-e29b-41d4-a716-446655440009"


@pytest.fixture
def analytics_lines(tmp_path: Path) -> Path:
    """Write seed 001's kind of lines through schemalog: events, plus api metrics as EMF."""
    from schemalog import metrics

    path = tmp_path / "events.jsonl"
    schemalog.configure(service="app", sinks=[f"file:{path}"], schemas=SCHEMAS)
    log = schemalog.get_logger("app")
    for number in range(30):
        user = USER_ID if number % 3 == 0 else f"user-{number}"
        family = FAMILY_ID if number % 2 == 0 else OTHER_FAMILY_ID
        with schemalog.bound(user_id=user, session_id=f"s-{number % 4}"):
            log.info("memory_posted", family_unit_id=family, memory_id=f"m-{number}", media_count=2)
            if number % 5 == 0:
                log.info("feed_viewed", family_unit_id=family)
    for number in range(40):
        endpoint = "/api/v1/feed" if number % 4 else "/api/v1/memories"
        metrics.counter("api_request_count", endpoint=endpoint, method="GET").inc()
        metrics.timer("api_request_duration_ms", endpoint=endpoint).observe(10.0 + number)
    metrics.flush()
    schemalog.shutdown()
    return path
