"""Seed 001's five queries (docs/sql/analytics) on DuckDB and PostgreSQL, checked against the CLI.

They run unchanged on both, and give the numbers ``schemalog count`` and ``schemalog metrics``
give on the same lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.cli.main import main
from schemalog.storage.loader import load
from tests.paths import ROOT
from tests.storage.conftest import FAMILY_ID, USER_ID, run_sql

QUERIES = sorted((ROOT / "docs" / "sql" / "analytics").glob("*.sql"))


def count_matching(path: Path, pattern: str, capsys: pytest.CaptureFixture[str]) -> int:
    """Return what ``schemalog count`` says a filter with ``pattern`` counts in ``path``."""
    filters = path.parent / "filters"
    filters.mkdir(exist_ok=True)
    body = {
        "filterName": "q",
        "filterPattern": pattern,
        "metricTransformations": [
            {"metricName": "Q", "metricNamespace": "t", "metricValue": "1", "unit": "Count"}
        ],
    }
    (filters / "q.json").write_text(json.dumps(body))
    capsys.readouterr()
    assert main(["count", "--filters", str(filters), "--format", "json", str(path)]) == 0
    return int(sum(row["Sum"] for row in json.loads(capsys.readouterr().out)["rows"]))


def metric_totals(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, str], Any]:
    """``schemalog metrics --format json``, as {(metric, endpoint): row}."""
    capsys.readouterr()
    assert main(["metrics", "--format", "json", str(path)]) == 0
    rows = orjson.loads(capsys.readouterr().out)["rows"]
    out = {}
    for row in rows:
        out[row["metric"], row["dimensions"]["endpoint"]] = row
    return out


@pytest.fixture(params=["duckdb", "postgresql"])
def loaded(request: pytest.FixtureRequest, analytics_lines: Path, tmp_path: Path) -> str:
    """Return the analytics lines loaded into a DuckDB file or a PostgreSQL database."""
    into = str(tmp_path / "events.duckdb")
    if request.param == "postgresql":
        into = request.getfixturevalue("pg_url")
    summary = load([str(analytics_lines)], into)
    assert summary.rejected == 0
    return into


def test_five_queries_ship() -> None:
    """docs/sql/analytics holds seed 001's five queries."""
    assert [q.name[:2] for q in QUERIES] == ["01", "02", "03", "04", "05"]


def test_event_queries_match_count(
    loaded: str, analytics_lines: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The three event queries find as many events as ``schemalog count`` with the same filter."""
    patterns = [
        '{ $.event_type = "memory_posted" }',
        f'{{ $.user_id = "{USER_ID}" }}',
        f'{{ $.family_unit_id = "{FAMILY_ID}" }}',
    ]
    for query, pattern in zip(QUERIES[:3], patterns, strict=True):
        rows = run_sql(loaded, query.read_text())
        expected = count_matching(analytics_lines, pattern, capsys)
        assert expected > 0
        assert len(rows) == expected, query.name


def test_metric_queries_match_metrics(
    loaded: str, analytics_lines: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Request counts and average durations per endpoint equal ``schemalog metrics``'s."""
    totals = metric_totals(analytics_lines, capsys)
    counts = dict(run_sql(loaded, QUERIES[3].read_text()))
    averages = dict(run_sql(loaded, QUERIES[4].read_text()))
    assert set(counts) == set(averages) == {"/api/v1/feed", "/api/v1/memories"}
    for endpoint, total in counts.items():
        assert float(total) == totals[("api_request_count", endpoint)]["sum"]
    for endpoint, average in averages.items():
        row = totals[("api_request_duration_ms", endpoint)]
        assert float(average) == pytest.approx(row["sum"] / row["count"])


@pytest.mark.parametrize("database", ["duckdb", "postgresql"])
def test_weighted_sum_counts_sampled_events_as_count_does(
    database: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """storage.md's SUM(1.0 / COALESCE(sample_rate, 1)) equals count's scaled figure."""
    import random

    import schemalog
    from tests.conftest import SCHEMAS

    path = tmp_path / "sampled.jsonl"
    random.seed(42)  # the sampler's draws
    schemalog.configure(
        service="app", sinks=[f"file:{path}"], schemas=SCHEMAS, sample_rates={"memory_posted": 0.25}
    )
    log = schemalog.get_logger("app")
    with schemalog.bound(user_id=USER_ID, session_id="s-1"):
        for number in range(200):
            log.info(
                "memory_posted", family_unit_id=FAMILY_ID, memory_id=f"m{number}", media_count=1
            )
            log.info("feed_viewed", family_unit_id=FAMILY_ID)
    schemalog.shutdown()
    into = request.getfixturevalue("pg_url") if database == "postgresql" else str(tmp_path / "d")
    assert load([str(path)], into).rejected == 0
    weighted = "SELECT event_type, SUM(1.0 / COALESCE(sample_rate, 1)) AS events"
    rows = run_sql(into, f"{weighted} FROM analytics_events GROUP BY event_type")
    events = {name: float(total) for name, total in rows}
    assert events["feed_viewed"] == 200
    assert events["memory_posted"] == count_matching(
        path, '{ $.event_type = "memory_posted" }', capsys
    )
    assert events["memory_posted"] != len(run_sql(into, QUERIES[0].read_text()))  # raw rows
