"""Tests for ``report kpis``, ``dashboard`` and ``dashboards lint|export|deploy`` on the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main
from tests.aws import moto_endpoint, use_credentials
from tests.dashboards.traffic import make_traffic, write
from tests.paths import ROOT


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    """Write generated chat-API traffic."""
    return write(tmp_path / "events.jsonl", make_traffic())


def test_report_kpis_formats_agree(lines: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table, JSON and CSV give the same totals; JSON has a series per period."""
    assert main(["report", "kpis", str(lines), "--format", "json"]) == 0
    document = orjson.loads(capsys.readouterr().out)
    assert (document["schemalog"], document["verb"], document["findings"]) == (
        1,
        "report kpis",
        [],
    )
    assert document["summary"]["period"] == 3600
    assert document["summary"]["lines"] == document["summary"]["events"] > 0
    prompts = next(k for k in document["rows"] if k["id"] == "total_prompts")
    assert prompts["dashboards"] == ["Business Metrics"]
    assert sum(point["value"] for point in prompts["series"]) == prompts["value"]
    assert main(["report", "kpis", str(lines), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    total = next(r for r in rows if r["kpi"] == "total_prompts" and r["period_start"] == "")
    assert float(total["value"]) == prompts["value"]
    assert main(["report", "kpis", str(lines)]) == 0
    table = capsys.readouterr().out
    assert table.startswith(f"KPIs over {document['summary']['events']} events, ")
    line = next(text for text in table.splitlines() if "Total prompts" in text)
    assert line.split() == ["Business", "Metrics", "Total", "prompts", str(int(prompts["value"]))]


def test_report_kpis_period_and_range(lines: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--period 30m cuts half-hours; --since/--until keep part of the traffic."""
    assert main(["report", "kpis", str(lines), "--period", "30m", "--format", "json"]) == 0
    halves = orjson.loads(capsys.readouterr().out)["summary"]
    assert halves["period"] == 1800
    args = ["--since", "2026-11-22T10:00:00Z", "--until", "2026-11-22T11:00:00Z"]
    assert main(["report", "kpis", str(lines), *args, "--format", "json"]) == 0
    hour = orjson.loads(capsys.readouterr().out)["summary"]
    assert (hour["since"], hour["until"]) == ("2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z")
    assert 0 < hour["events"] < halves["events"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--period", "90s"], "--period must be a whole number of minutes"),
        (["--period", "soon"], "--period:"),
        (["--since", "yesterday"], "--since: not an RFC 3339 time or a duration"),
    ],
)
def test_report_kpis_bad_options_exit_2(
    lines: Path, capsys: pytest.CaptureFixture[str], args: list[str], reason: str
) -> None:
    """Bad --period or --since values are usage errors naming the option."""
    assert main(["report", "kpis", str(lines), *args]) == 2
    assert reason in capsys.readouterr().err


def test_dashboard_writes_the_page(
    lines: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``dashboard -o`` writes one HTML file with plotly inline and a chart per KPI."""
    page = tmp_path / "out.html"
    assert main(["dashboard", str(lines), "-o", str(page)]) == 0
    assert capsys.readouterr().out == f"wrote {page}: 4 dashboards, 30 charts\n"
    text = page.read_text(encoding="utf-8")
    assert text.count('class="chart"') == 30 and "plotly" in text.lower()


def test_lint_passes_on_the_bundled_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled dashboards read only metrics the bundled filters publish."""
    assert main(["dashboards", "lint"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", "dashboards: 4 dashboards, 30 widgets, 0 problems\n")


def test_lint_finds_a_metric_no_filter_publishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A KPI reading a metric without a filter makes lint exit 1 and name it."""
    kpi = {"id": "k", "title": "K", "unit": "count", "metrics": {"m": "Ghost"}, "expression": "m"}
    body = {"dashboardName": "d", "title": "D", "period": 60, "kpis": [kpi]}
    (tmp_path / "d.json").write_bytes(orjson.dumps(body))
    assert main(["dashboards", "lint", "--dashboards", str(tmp_path)]) == 1
    assert capsys.readouterr().out == (
        f"{tmp_path / 'd.json'}: no-metric: k.metrics.m:"
        " no filter in cloudwatch-filters/ publishes metric 'Ghost'\n"
    )
    assert main(["dashboards", "lint", "--dashboards", str(tmp_path), "--json"]) == 1
    (finding,) = orjson.loads(capsys.readouterr().out)["findings"]
    assert (finding["field"], finding["rule"]) == ("k.metrics.m", "no-metric")


def test_export_cloudformation(capsys: pytest.CaptureFixture[str]) -> None:
    """``export --format cloudformation`` prints a template with four dashboards."""
    assert main(["dashboards", "export", "--format", "cloudformation"]) == 0
    template = orjson.loads(capsys.readouterr().out)
    assert len(template["Resources"]) == 4


endpoint = pytest.fixture(scope="module")(moto_endpoint)


def test_deploy_dry_run_then_deploy(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run prints the plan and bodies; the real run creates; the next finds them equal."""
    use_credentials(monkeypatch)
    monkeypatch.chdir(ROOT)
    base = ["dashboards", "deploy", "--log-group", "/app/events", "--endpoint-url", endpoint]
    assert main([*base, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("create    schemalog-") == 4
    assert "SOURCE '/app/events' | filter" in out
    assert main(base) == 0
    assert capsys.readouterr().out.count("create    ") == 4
    assert main(base) == 0
    assert capsys.readouterr().out.count("unchanged ") == 4
