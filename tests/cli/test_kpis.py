"""Tests for schemalog.cli.kpis: ``report kpis`` and its --period/--since/--until parsing."""

from __future__ import annotations

import argparse
import csv
import io
import time
from pathlib import Path

import orjson
import pytest

from schemalog.cli.kpis import add_range_options, moment_ms, period_seconds
from schemalog.cli.main import CliError, main


@pytest.mark.parametrize(
    ("text", "seconds"), [("300", 300), ("5m", 300), ("1h", 3600), ("2d", 172_800)]
)
def test_period_takes_seconds_or_a_duration(text: str, seconds: int) -> None:
    """--period is seconds or a duration with s/m/h/d, in whole minutes."""
    assert period_seconds(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("90s", "whole number of minutes, not '90s'"),
        ("30", "whole number of minutes"),
        ("soon", "--period: "),
        ("xd", "--period: "),
    ],
)
def test_a_bad_period_is_a_usage_error(text: str, message: str) -> None:
    """A period under a minute, not whole minutes, or not a duration raises CliError."""
    with pytest.raises(CliError, match=message):
        period_seconds(text)


def test_moments_are_rfc3339_times_or_durations_before_now() -> None:
    """--since/--until read RFC 3339 (UTC when no offset) or a duration before now, in ms."""
    assert moment_ms("--since", None) is None
    assert moment_ms("--since", "2026-11-22T10:00:00Z") == 1_795_341_600_000
    assert moment_ms("--since", "2026-11-22T10:00:00") == 1_795_341_600_000
    assert moment_ms("--since", "2026-11-22T12:00:00+02:00") == 1_795_341_600_000
    before = int(time.time() * 1000) - 2 * 3_600_000
    assert before - 1000 <= (moment_ms("--until", "2h") or 0) <= before + 1000
    with pytest.raises(CliError, match="--until: not an RFC 3339 time or a duration: 'later'"):
        moment_ms("--until", "later")


def test_range_options_default_to_the_given_period() -> None:
    """add_range_options adds the range options; --period defaults to what the verb passes."""
    parser = argparse.ArgumentParser()
    add_range_options(parser, "1h")
    args = parser.parse_args(["--since", "2h", "--dashboards", "d", "--filters", "f"])
    assert (args.period, args.since, args.until) == ("1h", "2h", None)
    assert (args.dashboards, args.filters) == ("d", "f")


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
