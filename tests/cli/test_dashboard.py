"""Tests for schemalog.cli.dashboard: the ``dashboard`` verb writes the offline page."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from schemalog.cli.dashboard import register, run
from schemalog.cli.main import main


def test_dashboard_writes_the_page(
    lines: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``dashboard -o`` writes one HTML file with plotly inline and a chart per KPI."""
    page = tmp_path / "out.html"
    assert main(["dashboard", str(lines), "-o", str(page)]) == 0
    assert capsys.readouterr().out == f"wrote {page}: 4 dashboards, 30 charts\n"
    text = page.read_text(encoding="utf-8")
    assert text.count('class="chart"') == 30 and "plotly" in text.lower()


def test_the_verb_needs_an_output_and_defaults_to_each_dashboards_period(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``dashboard`` requires -o; without --period each dashboard keeps its own period."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["dashboard", "a.jsonl", "-o", "p.html"])
    assert (args.output, args.period, args.func) == ("p.html", None, run)
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["dashboard", "a.jsonl"])
    assert exited.value.code == 2
    assert "-o/--output" in capsys.readouterr().err
