"""Tests for ``schemalog insights QUERY FILE...``: formats, time range, errors and exit codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main

LINES = [
    {"timestamp": "2026-11-22T10:05:00.000Z", "event_type": "a", "user_id": "u1", "n": 1},
    {"timestamp": "2026-11-22T10:35:00.000Z", "event_type": "a", "user_id": "u2", "n": 2},
    {"timestamp": "2026-11-22T11:10:00.000Z", "event_type": "b", "user_id": "u1", "n": 3},
]
QUERY = "stats count(*) as n, count_distinct(user_id) as users by bin(1h) as hour | sort hour"


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """Three events over two hours."""
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in LINES))
    return path


def test_table_lists_rows_under_their_columns(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table has the columns in order, one line per row and the row count."""
    assert main(["insights", QUERY, str(logs)]) == 0
    out, err = capsys.readouterr()
    assert [line.split() for line in out.splitlines()] == [
        ["hour", "n", "users"],
        ["2026-11-22", "10:00:00.000", "2", "2"],
        ["2026-11-22", "11:00:00.000", "1", "1"],
    ]
    assert err == "schemalog insights: 3 lines, 2 rows\n"


def test_json_and_csv(logs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON is a list of objects; CSV has a header and empty cells for absent values."""
    assert main(["insights", QUERY, str(logs), "--format", "json"]) == 0
    document = orjson.loads(capsys.readouterr().out)
    assert document["summary"] == {
        "events": 3,
        "rows": 2,
        "lines": 3,
        "not_json": 0,
        "too_long": 0,
    }
    assert document["rows"][0] == {
        "hour": "2026-11-22 10:00:00.000",
        "n": 2,
        "users": 2,
    }
    assert main(["insights", "fields n, missing | sort n desc", str(logs), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["n", "missing"], ["3", ""], ["2", ""], ["1", ""]]


def test_since_and_until_bound_the_events(logs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--since is inclusive and --until exclusive, in RFC 3339."""
    args = [
        "--since",
        "2026-11-22T10:35:00Z",
        "--until",
        "2026-11-22T11:10:00Z",
        "--format",
        "json",
    ]
    assert main(["insights", "stats sum(n) as total", str(logs), *args]) == 0
    assert orjson.loads(capsys.readouterr().out)["rows"] == [{"total": 2}]


def test_a_bad_query_exits_2_naming_the_position(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A query AWS would reject is a one-line error with its position, exit 2."""
    assert main(["insights", "filter n >", str(logs)]) == 2
    assert capsys.readouterr().err == (
        "schemalog insights: query: position 11: expected a value, a field or a function,"
        " found the end of the query\n"
    )


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input that cannot be opened is named."""
    assert main(["insights", "limit 1", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl: cannot open" in capsys.readouterr().err
