"""The SQL of docs/sql/agent/ in DuckDB gives the numbers ``schemalog report agent`` gives."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest

import schemalog
from schemalog.agent import AgentTracker
from schemalog.cli.main import main
from tests.paths import DATA, ROOT

SQL = ROOT / "docs" / "sql" / "agent"
FIXTURE = DATA / "agent_fixture.jsonl"
#: The query of each scalar metric, and the metric it computes.
SCALARS = {
    "01_task_completion_rate.sql": "task_completion_rate",
    "02_steps_to_goal.sql": "steps_to_goal",
    "03_clarity_score.sql": "clarity_score",
    "04_retry_rate.sql": "retry_rate",
    "05_hallucination_rate.sql": "hallucination_rate",
    "06_schema_violation_rate.sql": "schema_violation_rate",
    "07_recovery_rate.sql": "recovery_rate",
    "10_answer_completeness_rate.sql": "answer_completeness_rate",
}


def sql_metrics(log: Path) -> dict[str, Any]:
    """Run every metric query over ``log`` in DuckDB; return the results by metric name."""
    connection = duckdb.connect()
    connection.execute("SET VARIABLE agent_log = ?", [str(log)])
    connection.execute((SQL / "events_duckdb.sql").read_text())
    result: dict[str, Any] = {}
    for name, metric in SCALARS.items():
        rows = connection.execute((SQL / name).read_text()).fetchall()
        assert len(rows) == 1, name
        result[metric] = rows[0][0]
    ((p50, p95, mean),) = connection.execute(
        (SQL / "08_latency_per_step_ms.sql").read_text()
    ).fetchall()
    result["latency_per_step_ms"] = {"p50": p50, "p95": p95, "mean": mean}
    rows = connection.execute((SQL / "09_tool_popularity.sql").read_text()).fetchall()
    result["tool_popularity"] = dict(rows)
    return result


def report_metrics(log: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Return ``schemalog report agent --format json`` over ``log``."""
    assert main(["report", "agent", "--format", "json", str(log)]) == 0
    result: dict[str, Any] = orjson.loads(capsys.readouterr().out)["rows"][0]
    return result


def same_number(got: Any, expected: Any) -> bool:
    """Return whether two metric values agree: both None, or equal to 1e-12."""
    if expected is None or got is None:
        return got is expected
    return bool(got == pytest.approx(expected, rel=1e-12))


def assert_same(sql: dict[str, Any], report: dict[str, Any]) -> None:
    """Check the two agree on every metric, popularity in the same order."""
    assert set(sql) == set(report)
    for name, value in report.items():
        if name == "tool_popularity":
            assert list(sql[name].items()) == list(value.items())
        elif name == "latency_per_step_ms":
            assert set(sql[name]) == set(value)
            for key, number in value.items():
                assert same_number(sql[name][key], number), (name, key)
        else:
            assert same_number(sql[name], value), name


def test_every_metric_has_a_query() -> None:
    """docs/sql/agent holds the view and one query per metric, ten in all."""
    queries = sorted(path.name for path in SQL.glob("[0-9][0-9]_*.sql"))
    assert len(queries) == 10
    assert {name[3:-4] for name in queries} == {
        *SCALARS.values(),
        "latency_per_step_ms",
        "tool_popularity",
    }


def test_sql_equals_report_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    """Over the hand-built fixture, DuckDB and the report agree on all ten metrics."""
    assert_same(sql_metrics(FIXTURE), report_metrics(FIXTURE, capsys))


def test_sql_equals_report_on_concurrent_sessions(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Over a real log of concurrent sessions (many same-millisecond events), they agree too."""
    log = tmp_path / "agent.jsonl"
    write_concurrent_log(log, schemas_dir)
    report = report_metrics(log, capsys)
    assert report["tool_popularity"]  # the log is not empty
    assert_same(sql_metrics(log), report)


def test_sql_equals_report_on_sampled_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With sampled lines (sample_rate), both count each as 1/sample_rate events alike."""
    rates = [0.5, 0.25, None, 1]
    log = tmp_path / "sampled.jsonl"
    with log.open("wb") as out:
        for number, line in enumerate(FIXTURE.read_bytes().splitlines()):
            record = orjson.loads(line)
            if rates[number % 4] is not None:
                record["sample_rate"] = rates[number % 4]
            out.write(orjson.dumps(record) + b"\n")
    report = report_metrics(log, capsys)
    assert report != report_metrics(FIXTURE, capsys)  # the weights changed the figures
    assert_same(sql_metrics(log), report)


def test_empty_log_gives_nulls_in_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With no agent events, every ratio is null in SQL and in the report alike."""
    log = tmp_path / "other.jsonl"
    log.write_text('{"timestamp":"2026-01-05T10:00:00.000Z","event_type":"cache_miss"}\n')
    report = report_metrics(log, capsys)
    assert report["retry_rate"] is None
    assert_same(sql_metrics(log), report)


def write_concurrent_log(path: Path, schemas_dir: Path) -> None:
    """Run six threads of agents with failures, retries, schema errors and hallucinations."""
    schemalog.configure(sinks=[f"file:{path}"], schemas=schemas_dir)
    tracker = AgentTracker(
        "sql-test",
        schemas={"lookup": {"type": "object", "properties": {"id": {"type": "integer"}}}},
    )

    @tracker.tool
    def search(query: str) -> list[str]:
        if query.endswith("!"):
            raise TimeoutError("search timed out")
        return [query]

    @tracker.tool
    def lookup(id: Any) -> dict[str, Any]:
        return {"id": id}

    def agent(index: int) -> None:
        rng = random.Random(index)
        for round_ in range(4):
            with tracker.session(user_id=f"u{index % 3}"):
                for _ in range(rng.randint(0, 6)):
                    pick = rng.random()
                    try:
                        if pick < 0.5:
                            search(query=rng.choice(["a", "b", "c!"]))
                        elif pick < 0.8:
                            lookup(id=rng.choice([1, 2, "three"]))
                        else:
                            tracker.call(rng.choice(["serch", "lookup_all"]), query="x")
                    except TimeoutError:
                        pass
                if rng.random() < 0.7:
                    tracker.track_answer_completeness({"has_data": rng.random() < 0.8})
                if round_ == 3 and index % 2:
                    tracker.track_session_completed(success=rng.random() < 0.5)

    threads = [threading.Thread(target=agent, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    schemalog.shutdown()
