"""Tests for schemalog.cli.dashboards: ``dashboards lint|export|deploy`` on the CLI."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main
from tests.aws import moto_endpoint, use_credentials
from tests.paths import ROOT


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
