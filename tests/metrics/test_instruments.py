"""Tests for schemalog.metrics and schemalog.metrics.emf: aggregation, EMF limits, the verb."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import schemalog
from schemalog import metrics
from schemalog.cli.main import main
from schemalog.metrics import emf
from tests.conftest import wait_for_child
from tests.paths import ROOT

EMF_SCHEMA = json.loads((ROOT / "src/schemalog/metrics/emf.schema.json").read_text())
EMF_VALIDATOR = jsonschema.Draft202012Validator(EMF_SCHEMA)


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    """Configure a file sink; return its path."""
    path = tmp_path / "events.jsonl"
    schemalog.configure(sinks=[f"file:{path}"], schemas=ROOT / "schemas")
    return path


def written(path: Path) -> list[dict[str, Any]]:
    documents = [json.loads(line) for line in path.read_text().splitlines()]
    for document in documents:
        EMF_VALIDATOR.validate(document)  # the EMF specification, as a JSON Schema
        assert emf.problems(document) == []
    return documents


def values_of(documents: list[dict[str, Any]], name: str) -> list[float]:
    found: list[float] = []
    for document in documents:
        if name in document:
            value = document[name]
            found += value if isinstance(value, list) else [value]
    return found


def test_each_kind_aggregates_per_interval(lines: Path) -> None:
    """Counters sum, gauges keep the last value, timers and histograms keep every value."""
    requests = metrics.counter("api_request_count", endpoint="/feed", method="GET")
    requests.inc()
    requests.inc(4)
    metrics.gauge("active_users").set(10)
    metrics.gauge("active_users").set(150)
    metrics.histogram("memory_size_bytes", mime_type="image/jpeg").observe(2048)
    metrics.histogram("memory_size_bytes", mime_type="image/jpeg").observe(4096)
    with metrics.timer("api_request_duration_ms", endpoint="/feed"):
        time.sleep(0.02)
    assert metrics.flush() == 4
    documents = written(lines)
    assert values_of(documents, "api_request_count") == [5]
    assert values_of(documents, "active_users") == [150]
    assert values_of(documents, "memory_size_bytes") == [2048, 4096]
    (duration,) = values_of(documents, "api_request_duration_ms")
    assert 20 <= duration < 1000
    by_name = {d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"]: d for d in documents}
    counted = by_name["api_request_count"]
    assert counted["endpoint"] == "/feed"
    assert counted["method"] == "GET"
    assert counted["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["endpoint", "method"]]
    assert counted["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] == "Count"
    units = by_name["api_request_duration_ms"]["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    assert units[0]["Unit"] == "Milliseconds"


def test_next_interval_starts_afresh(lines: Path) -> None:
    """After a flush, counters start from zero and idle counters write nothing; gauges stay."""
    metrics.counter("jobs").inc(3)
    metrics.gauge("queue_depth").set(7)
    metrics.flush()
    metrics.counter("other").inc()
    metrics.flush()
    documents = written(lines)
    assert values_of(documents, "jobs") == [3]
    assert values_of(documents, "queue_depth") == [7, 7]
    assert values_of(documents, "other") == [1]


def test_timer_as_decorator_times_each_call(lines: Path) -> None:
    """A decorated function reports one duration in milliseconds per call."""

    @metrics.timer("render_ms", page="home")
    def render(delay: float) -> str:
        time.sleep(delay)
        return "done"

    assert render(0.01) == "done"
    assert render(0.03) == "done"
    metrics.flush()
    durations = values_of(written(lines), "render_ms")
    assert len(durations) == 2
    assert 10 <= durations[0] < durations[1]


def test_limits_split_into_several_documents(lines: Path) -> None:
    """Over 100 metrics or 100 values, documents are split, each valid."""
    for number in range(150):
        metrics.counter(f"m{number:03d}", shard="a").inc()
    for value in range(250):
        metrics.histogram("latency", shard="b").observe(value)
    wide = {f"label{n:02d}": "x" for n in range(30)}
    metrics.counter("wide", **wide).inc()
    metrics.flush()
    documents = written(lines)
    counts = [len(d["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for d in documents]
    assert max(counts) == 100
    assert sum(counts) == 150 + 3 + 1
    assert values_of(documents, "latency") == list(range(250))
    assert sorted(len(d["latency"]) for d in documents if "latency" in d) == [50, 100, 100]
    (wide_doc,) = [d for d in documents if "wide" in d]
    sets = wide_doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    assert [len(s) for s in sets] == [30]


def test_namespace_and_default_dimensions(lines: Path) -> None:
    """configure() sets the namespace and dimensions added to every metric."""
    metrics.configure(namespace="chat-api", dimensions={"service": "chat"})
    metrics.counter("logins", region="eu").inc()
    metrics.flush()
    (document,) = written(lines)
    directive = document["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "chat-api"
    assert directive["Dimensions"] == [["service", "region"]]  # configured ones first
    assert (document["service"], document["region"]) == ("chat", "eu")


def test_a_label_overrides_a_configured_dimension_of_the_same_name(lines: Path) -> None:
    """A label named like a configured dimension replaces its value; the name appears once."""
    metrics.configure(dimensions={"env": "prod", "service": "chat"})
    metrics.counter("logins", env="staging", region="eu").inc()
    metrics.flush()
    (document,) = written(lines)
    directive = document["_aws"]["CloudWatchMetrics"][0]
    assert directive["Dimensions"] == [["env", "service", "region"]]
    assert (document["env"], document["service"], document["region"]) == ("staging", "chat", "eu")


def test_metric_named_like_its_label_is_not_written(
    lines: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A metric whose name is one of its labels would be ambiguous: reported, not written."""
    metrics.counter("region", region="eu").inc()
    metrics.counter("fine", region="eu").inc()
    metrics.flush()
    assert values_of(written(lines), "fine") == [1]
    assert "has the name of one of its labels" in capsys.readouterr().err


def test_validate_checks_emf_lines_against_the_spec(
    lines: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The validate verb accepts EMF lines beside events, and reports a broken one."""
    schemalog.get_logger("app").info("cache_hit", cache_expires_in_seconds=3)
    metrics.counter("hits").inc()
    metrics.flush()
    schemalog.shutdown()
    assert main(["validate", "--schemas", str(ROOT / "schemas"), str(lines)]) == 0
    broken = json.loads(lines.read_text().splitlines()[-1])
    broken["hits"] = "many"
    with lines.open("a") as out:
        out.write(json.dumps(broken) + "\n")
    assert main(["validate", "--schemas", str(ROOT / "schemas"), str(lines)]) == 1
    assert f"{lines}:3: emf: $.hits: metric target" in capsys.readouterr().out


def test_metrics_verb_aggregates_emf_lines(lines: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The metrics verb sums counters and summarises distributions across documents."""
    schemalog.get_logger("app").info("cache_miss")  # not EMF: skipped
    for batch in ([1.0, 2.0], [3.0, 10.0]):
        metrics.counter("hits", route="/a").inc(len(batch))
        for value in batch:
            metrics.histogram("size", route="/a").observe(value)
        metrics.flush()
    capsys.readouterr()
    assert main(["metrics", "--format", "json", str(lines)]) == 0
    rows = {row["metric"]: row for row in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["hits"]["sum"] == 4
    assert rows["hits"]["count"] == 2
    assert rows["hits"]["dimensions"] == {"route": "/a"}
    size = rows["size"]
    assert (size["count"], size["sum"], size["min"], size["max"]) == (4, 16, 1, 10)
    assert size["avg"] == 4
    assert main(["metrics", "--format", "table", str(lines)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["namespace", "metric", "dimensions"]
    assert len(table) == 3


def test_metrics_verb_reports_broken_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed EMF line is named with file and line, exit code 1; skipped lines are counted."""
    path = tmp_path / "m.jsonl"
    good = emf.documents([emf.Metric("x", "Count", (), (2.0,))], "ns", 60_000)[0]
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "x": None}) + "\n")
    with path.open("a") as out:
        out.write("a plain text line\n")
    assert main(["metrics", "--period", "60", "--format", "csv", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:2: emf: $.x" in captured.err
    assert captured.err.endswith(
        "schemalog metrics: 3 lines, 1 not JSON (skipped), 2 EMF records (1 invalid)\n"
    )
    assert captured.out.splitlines()[1].startswith("ns,x,,60000,Count,1,2.0")


@pytest.mark.parametrize("period", ["0.0005", "0", "-60", "inf", "nan"])
def test_metrics_verb_refuses_a_period_under_a_millisecond(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    """--period must be at least 0.001 seconds; anything else is a usage error that says so."""
    path = tmp_path / "m.jsonl"
    good = emf.documents([emf.Metric("x", "Count", (), (2.0,))], "ns", 60_000)[0]
    path.write_text(json.dumps(good) + "\n")
    with pytest.raises(SystemExit) as exited:
        main(["metrics", "--period", period, str(path)])
    assert exited.value.code == 2
    assert f"--period: must be at least 0.001 seconds, not {period!r}" in capsys.readouterr().err


def test_emf_lines_skip_the_catalog_on_stdlib_handlers(tmp_path: Path) -> None:
    """EMF lines reach any handler as they are, without the schemalog envelope."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    schemalog.configure(sinks=[Collect()], schemas=ROOT / "schemas")
    metrics.counter("plain").inc()
    metrics.flush()
    (line,) = seen
    assert set(json.loads(line)) == {"_aws", "plain"}


def test_forked_child_records_with_instruments_made_before_the_fork(tmp_path: Path) -> None:
    """A forked child's pre-fork instruments count, do not hang, and flush once at its exit."""
    path = tmp_path / "metrics.jsonl"
    script = textwrap.dedent(
        f"""
        import os, sys, time
        import schemalog
        from schemalog import metrics
        schemalog.configure(sinks=["file:{path}"], schemas={str(ROOT / "schemas")!r})
        jobs = metrics.counter("jobs")
        depth = metrics.gauge("depth")
        jobs.inc()
        metrics.flush()
        metrics.REGISTRY._lock.acquire()  # as if another thread were in inc() at the fork
        pid = os.fork()
        if pid == 0:
            metrics.configure(dimensions={{"process": "child"}})
            jobs.inc(2)
            depth.set(5)
            metrics.counter("child_only").inc()
            sys.exit(0)  # a normal exit: the at-exit flush runs
        metrics.REGISTRY._lock.release()
        deadline = time.monotonic() + 10
        while not os.waitpid(pid, os.WNOHANG)[0]:
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                sys.exit("the child hung")
            time.sleep(0.02)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    child = [d for d in written(path) if d.get("process") == "child"]
    assert values_of(child, "jobs") == [2]
    assert values_of(child, "depth") == [5]  # once: one at-exit flush
    assert values_of(child, "child_only") == [1]


def test_forked_child_flushes_on_its_interval(lines: Path) -> None:
    """A forked child writes its metrics every interval, from its own flushing thread."""
    jobs = metrics.counter("jobs")
    jobs.inc()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            metrics.configure(dimensions={"process": "child"}, interval=0.05)
            jobs.inc(2)
            deadline = time.monotonic() + 5
            while code and time.monotonic() < deadline:
                time.sleep(0.02)
                code = 0 if '"process":"child"' in lines.read_text() else 1
        finally:
            os._exit(code)
    assert wait_for_child(pid) == 0
    child = [d for d in written(lines) if d.get("process") == "child"]
    assert values_of(child, "jobs") == [2]
