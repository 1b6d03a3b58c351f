"""Tests for ``schemalog report agent``: formats, breakdowns, inputs and exit codes."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from schemalog.agent.metrics import METRIC_NAMES
from schemalog.cli.main import main
from tests.cli.pipes import run_into_closed_pipe
from tests.paths import DATA

FIXTURE = DATA / "agent_fixture.jsonl"


def test_json_has_exactly_the_ten_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints one row whose keys are exactly the ten metrics."""
    assert main(["report", "agent", "--format", "json", str(FIXTURE)]) == 0
    document = orjson.loads(capsys.readouterr().out)
    assert (document["schemalog"], document["verb"]) == (1, "report agent")
    (result,) = document["rows"]
    assert list(result) == list(METRIC_NAMES)
    assert document["summary"]["agent_events"] == 35
    assert result["task_completion_rate"] == 0.6
    assert result["latency_per_step_ms"]["p95"] == 90.0


def test_table_shows_each_metric(capsys: pytest.CaptureFixture[str]) -> None:
    """The default table has a header line, one line per metric and the tool popularity."""
    assert main(["report", "agent", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("agent report: 35 agent events, 5 sessions started (3 completed,")
    rows = {line.split()[0]: line.split(None, 1)[1].strip() for line in out.splitlines()[3:]}
    assert rows["task_completion_rate"] == "0.6"
    assert rows["latency_per_step_ms"] == "p50 30 ms, p95 90 ms, mean 41.667 ms"
    assert rows["tool_popularity.search"] == "5"


def test_by_user_json_rows(capsys: pytest.CaptureFixture[str]) -> None:
    """--by user --format json prints one row per user, its key first."""
    assert main(["report", "agent", "--by", "user", "--format", "json", str(FIXTURE)]) == 0
    rows = orjson.loads(capsys.readouterr().out)["rows"]
    assert [row["user_id"] for row in rows] == ["u1", "u2", "u3"]
    assert list(rows[0]) == ["user_id", *METRIC_NAMES]


@pytest.mark.parametrize(("by", "first_column"), [("session", "session_id"), ("tool", "tool_name")])
def test_by_table_has_one_line_per_group(
    capsys: pytest.CaptureFixture[str], by: str, first_column: str
) -> None:
    """--by session|tool prints a header and one line per group."""
    assert main(["report", "agent", "--by", by, str(FIXTURE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(first_column)
    assert len(lines) == 1 + (6 if by == "session" else 5)


def test_several_files_gzip_and_stdin(tmp_path: Path) -> None:
    """Files are read in turn, gzip by content; '-' is stdin (a real process reads it)."""
    half = FIXTURE.read_bytes().splitlines(keepends=True)
    first = tmp_path / "a.jsonl"
    first.write_bytes(b"".join(half[:20]))
    second = tmp_path / "b.jsonl.1"
    second.write_bytes(gzip.compress(b"".join(half[20:])))
    whole = subprocess.run(
        [sys.executable, "-m", "schemalog", "report", "agent", "--format", "json", "-"],
        input=FIXTURE.read_bytes(),
        capture_output=True,
        check=True,
    )
    split = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemalog",
            "report",
            "agent",
            "--format",
            "json",
            str(first),
            str(second),
        ],
        capture_output=True,
        check=True,
    )
    assert orjson.loads(split.stdout) == orjson.loads(whole.stdout)


def test_bad_line_exits_2_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad agent line stops the report: exit 2, one line naming file, line and field."""
    log = tmp_path / "bad.jsonl"
    log.write_bytes(
        FIXTURE.read_bytes()
        + b'{"timestamp":"2026-01-05T10:00:00.000Z","event_type":"session_completed","success":1}\n'
    )
    assert main(["report", "agent", str(log)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"schemalog report: {log}:37: session_completed: $.success: expected a boolean"
    )


def test_non_json_lines_are_skipped_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line that is not JSON is skipped and counted, as count and metrics do, not fatal."""
    log = tmp_path / "mixed.jsonl"
    log.write_bytes(b"Traceback (most recent call last):\n" + FIXTURE.read_bytes() + b"[1, 2]\n")
    assert main(["report", "agent", "--format", "json", str(log)]) == 0
    captured = capsys.readouterr()
    document = orjson.loads(captured.out)
    assert document["summary"]["not_json"] == 2
    assert document["rows"][0]["task_completion_rate"] == 0.6
    assert "2 not JSON (skipped)" in captured.err


def test_csv_has_a_header_and_one_row_per_group(capsys: pytest.CaptureFixture[str]) -> None:
    """--format csv prints a header and one row per tool, nested values as k=v pairs."""
    assert main(["report", "agent", "--by", "tool", "--format", "csv", str(FIXTURE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("tool_name,calls,")
    assert len(lines) == 1 + 5
    assert "p50=" in lines[1]


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input that cannot be opened is a usage error (exit 2)."""
    assert main(["report", "agent", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl: cannot open" in capsys.readouterr().err


def test_report_needs_a_report_name(capsys: pytest.CaptureFixture[str]) -> None:
    """`schemalog report` without a report name is a usage error."""
    with pytest.raises(SystemExit) as exited:
        main(["report"])
    assert exited.value.code == 2
    assert "required: REPORT" in capsys.readouterr().err


def test_table_into_a_closed_pipe_keeps_exit_1_for_findings(tmp_path: Path) -> None:
    """`report agent big.jsonl | head` still exits 1 for an overlong line, and reads to the end."""
    path = tmp_path / "e.jsonl"
    path.write_bytes(FIXTURE.read_bytes() + b'{"a": "' + b"x" * 1000 + b'"}\n')
    result = run_into_closed_pipe("report", "agent", "--max-line-bytes", "600", str(path))
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"1 too long (skipped)" in result.stderr
