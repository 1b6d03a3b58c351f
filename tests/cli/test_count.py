"""`schemalog count`: the command line, its formats and its errors."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.cli.main import main
from schemalog.filters.report import ROW_COLUMNS
from tests.paths import ROOT

FILTERS = ROOT / "cloudwatch-filters"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


EVENTS: list[dict[str, Any]] = [
    {"timestamp": "2026-11-22T19:20:01.000Z", "event_type": "tool_call_started"},
    {"timestamp": "2026-11-22T19:20:30.000Z", "event_type": "tool_call_started"},
    {"timestamp": "2026-11-22T19:21:05.000Z", "event_type": "tool_call_started"},
    {"timestamp": "2026-11-22T19:21:06.000Z", "event_type": "api_request_completed",
     "endpoint": "/api/v1/feed", "method": "GET", "duration_ms": 12.5},
    {"timestamp": "2026-11-22T19:21:07.000Z", "event_type": "api_request_completed",
     "endpoint": "/api/v1/feed", "method": "GET", "duration_ms": 7.5},
]  # fmt: skip


def test_json_output_per_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON rows carry CloudWatch's statistic names, per period and dimension set."""
    events = write(tmp_path / "e.jsonl", EVENTS)
    code, out, _ = run(
        ["count", "--filters", str(FILTERS), "--format", "json", str(events)], capsys
    )
    assert code == 0
    document = orjson.loads(out)
    assert (document["schemalog"], document["verb"], document["findings"]) == (1, "count", [])
    rows = document["rows"]
    assert document["summary"]["series"] == len(rows)
    started = [r for r in rows if r["filterName"] == "tool_calls_started"]
    assert [(r["timestamp"], r["Sum"]) for r in started] == [
        ("2026-11-22T19:20:00Z", 2.0),
        ("2026-11-22T19:21:00Z", 1.0),
    ]
    duration = next(r for r in rows if r["filterName"] == "api_request_duration")
    assert duration["dimensions"] == {"endpoint": "/api/v1/feed"}
    assert (duration["SampleCount"], duration["Minimum"], duration["Maximum"]) == (2, 7.5, 12.5)
    assert duration["Average"] == 10.0
    assert duration["unit"] == "Milliseconds"
    requests = next(r for r in rows if r["filterName"] == "api_requests")
    assert requests["dimensions"] == {"endpoint": "/api/v1/feed", "method": "GET"}


def test_csv_and_total(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CSV has a header; --total folds the periods into one row per series."""
    events = write(tmp_path / "e.jsonl", EVENTS)
    filters = FILTERS / "tool_calls_started.json"
    code, out, _ = run(
        ["count", "--filters", str(filters), "--format", "csv", "--total", str(events)], capsys
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["filterName"], r["Sum"], r["SampleCount"], r["timestamp"]) for r in rows] == [
        ("tool_calls_started", "3.0", "3", "")
    ]


def test_csv_without_rows_is_the_header_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV over lines no filter counts prints the header of the rows, not a blank line."""
    events = write(tmp_path / "e.jsonl", [{"event_type": "x"}])
    code, out, _ = run(["count", "--format", "csv", str(events)], capsys)
    assert code == 0
    assert out == ",".join(ROW_COLUMNS) + "\n"
    header = csv.DictReader(io.StringIO(out)).fieldnames
    _, rows_out, _ = run(
        ["count", "--format", "csv", str(write(tmp_path / "f.jsonl", EVENTS))], capsys
    )
    assert csv.DictReader(io.StringIO(rows_out)).fieldnames == header


def test_table_lists_silent_filters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table shows each series per period; stderr names the filters that counted nothing."""
    events = write(tmp_path / "e.jsonl", EVENTS[:1])
    code, out, err = run(
        ["count", "--filters", str(FILTERS), "--period", "300", str(events)], capsys
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["filterName", "metricNamespace", "metricName"]
    started = next(line for line in lines if line.startswith("tool_calls_started "))
    assert "2026-11-22T19:20:00Z" in started
    assert not any(line.startswith("sessions_closed ") for line in lines)
    assert "no data for" in err
    assert "sessions_closed" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "0"], "--period must be at least 1"),
        (["--period", "31622401"], "--period must be at most 31622400 seconds"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--filters", "/nonexistent/filters"], "no such filter directory"),
    ],
)
def test_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Bad options exit 2 with one line naming the problem."""
    events = write(tmp_path / "e.jsonl", EVENTS)
    code, _, err = run(["count", *args, str(events)], capsys)
    assert code == 2
    assert message in err


def test_bad_filter_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid filter file stops the count with its path and reason (exit 2)."""
    bad = tmp_path / "filters"
    bad.mkdir()
    (bad / "broken.json").write_text('{"filterName": "x", "filterPattern": "{ $.a EXISTS }",'
                                     ' "metricTransformations": []}')  # fmt: skip
    code, _, err = run(["count", "--filters", str(bad), str(tmp_path / "none")], capsys)
    assert code == 2
    assert "broken.json" in err
    assert "EXISTS is not supported" in err


def test_unit_of_the_wrong_type_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A unit that is a list or an object is a bad filter file (exit 2), not a crash."""
    bad = tmp_path / "filters"
    bad.mkdir()
    body = orjson.loads((FILTERS / "tool_calls_started.json").read_bytes())
    body["metricTransformations"][0]["unit"] = []
    (bad / "listed.json").write_bytes(orjson.dumps(body))
    code, _, err = run(["count", "--filters", str(bad), str(tmp_path / "none")], capsys)
    assert code == 2
    assert "listed.json: unit [] is not a CloudWatch unit" in err


def test_timestamps_at_the_ends_of_time_are_undated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Valid timestamps whose UTC moment or period start is outside years 1-9999 count undated."""
    stamps = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00Z"]
    events = write(
        tmp_path / "e.jsonl", [{"timestamp": t, "event_type": "tool_call_started"} for t in stamps]
    )
    filters = str(FILTERS / "tool_calls_started.json")
    code, out, _ = run(
        ["count", "--filters", filters, "--period", "604800", "--json", str(events)], capsys
    )
    assert code == 0
    (row,) = orjson.loads(out)["rows"]
    assert (row["timestamp"], row["Sum"], row["SampleCount"]) == (None, 3.0, 3)


def test_missing_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input that cannot be opened exits 2 naming it."""
    code, _, err = run(["count", "--filters", str(FILTERS), str(tmp_path / "absent.jsonl")], capsys)
    assert code == 2
    assert "absent.jsonl" in err


#: What the one-filter count (a JSON pattern, a plain file, no finding) must not import.
LAZY_FOR_ONE_FILTER = (
    "gzip",
    "schemalog.findings",
    "schemalog.filters.delimited",
    "schemalog.filters.regex",
    "schemalog.filters.terms",
)


def test_one_json_filter_count_imports_only_what_it_uses(tmp_path: Path) -> None:
    """A fresh process counting with one JSON filter leaves the other kinds' modules unloaded."""
    events = write(tmp_path / "events.jsonl", EVENTS)
    filter_file = FILTERS / "tool_calls_started.json"
    code = (
        "import sys\n"
        "from schemalog.cli.main import main\n"
        f"code = main(['count', '--format', 'json', '--total', '--filters', {str(filter_file)!r},"
        f" {str(events)!r}])\n"
        f"print(code, sorted(set({LAZY_FOR_ONE_FILTER!r}) & set(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert orjson.loads(result.stdout)["rows"][0]["Sum"] == 3.0
    assert result.stderr.splitlines()[-1] == "0 []"


def test_counts_the_demo_like_a_json_parser(tmp_path: Path) -> None:
    """Over the demo's output, a real `schemalog count` process agrees with counting by hand."""
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "schemalog", "demo", "--dir", str(tmp_path), "--sessions", "40"],
        check=True,
        capture_output=True,
    )
    events = tmp_path / "events.jsonl"
    by_type = Counter(
        orjson.loads(line).get("event_type") for line in events.read_bytes().splitlines()
    )
    done = subprocess.run(
        [
            bin_dir / "schemalog",
            "count",
            "--filters",
            str(FILTERS),
            "--total",
            "--format",
            "json",
            str(events),
        ],
        check=True,
        capture_output=True,
    )
    totals = {row["filterName"]: row["Sum"] for row in orjson.loads(done.stdout)["rows"]}
    assert totals["prompts"] == by_type["chat_completion_request_start"] > 0
    assert totals["sessions_created"] == by_type["proxy_session_response"] > 0
    assert (
        totals.get("completions", 0)
        == by_type["stream_completed"] + by_type["chat_completion_success"]
    )
    assert totals.get("tool_calls_started", 0) == by_type["tool_call_started"]
    errors = sum(n for name, n in by_type.items() if name and "error" in name)
    assert totals.get("errors", 0) == errors


def test_duckdb_engine_prints_the_same_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--engine duckdb` prints the rows the local engine prints (the line counts are local's)."""
    events = write(tmp_path / "e.jsonl", EVENTS)
    command = ["count", "--filters", str(FILTERS), "--format", "json", str(events)]
    code, local, _ = run(command, capsys)
    assert code == 0
    code, sql, _ = run([*command, "--engine", "duckdb"], capsys)
    assert code == 0
    local_document, sql_document = orjson.loads(local), orjson.loads(sql)
    assert sql_document["rows"] == local_document["rows"]
    assert local_document["summary"] == {**sql_document["summary"], "lines": 5, "not_json": 0,
                                         "too_long": 0}  # fmt: skip


def test_show_sql_prints_the_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--show-sql` prints the query over the given files and counts nothing."""
    events = write(tmp_path / "e.jsonl", EVENTS)
    code, out, _ = run(["count", "--filters", str(FILTERS), "--show-sql", str(events)], capsys)
    assert code == 0
    filters = len(list(FILTERS.glob("*.json")))
    assert out.startswith(f"-- schemalog count: {filters} metric filters, 60 s periods.")
    assert "SET TimeZone = 'UTC'" in out
    assert f"read_ndjson_objects(['{events}']" in out


def test_untranslatable_filter_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A filter with no SQL translation exits 2 naming the filter and the construct."""
    body = {"filterName": "terms", "filterPattern": "ERROR", "metricTransformations": [
        {"metricName": "m", "metricNamespace": "n", "metricValue": "1"}]}  # fmt: skip
    (tmp_path / "terms.json").write_bytes(orjson.dumps(body))
    events = write(tmp_path / "e.jsonl", EVENTS)
    command = ["count", "--filters", str(tmp_path / "terms.json"), "--engine", "duckdb"]
    code, _, err = run([*command, str(events)], capsys)
    assert code == 2
    assert "filter 'terms' cannot be counted in SQL: pattern 'ERROR' (term patterns)" in err


def test_sampled_lines_scale_unless_no_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line with sample_rate 0.25 counts 4 times; --no-scale counts it once, as AWS does."""
    sampled = [{**event, "sample_rate": 0.25} for event in EVENTS[:2]]
    events = write(tmp_path / "e.jsonl", [*sampled, EVENTS[2]])
    command = ["count", "--filters", str(FILTERS), "--format", "json", "--total", str(events)]
    for extra, expected in (([], 9), (["--no-scale"], 3), (["--engine", "duckdb"], 9)):
        code, out, _ = run([*command, *extra], capsys)
        assert code == 0
        rows = orjson.loads(out)["rows"]
        started = [r for r in rows if r["filterName"] == "tool_calls_started"]
        assert started[0]["SampleCount"] == started[0]["Sum"] == expected


def test_reads_like_every_verb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Overlong lines are findings with file and line, skipped; non-JSON lines are counted."""
    events = tmp_path / "e.jsonl"
    good = [orjson.dumps(event) for event in EVENTS[:3]]
    events.write_bytes(b"\n".join([good[0], b"plain text", b"", good[1], b"z" * 3000, good[2]]))
    command = ["count", "--filters", str(FILTERS), "--format", "json", "--total"]
    code, out, err = run([*command, "--max-line-bytes", "2KiB", str(events)], capsys)
    assert code == 1  # a finding, as in validate, metrics, report ...
    document = orjson.loads(out)
    assert document["findings"][0]["file"] == str(events)
    assert document["findings"][0]["line"] == 5
    assert document["findings"][0]["rule"] == "too-long"
    assert {k: document["summary"][k] for k in ("lines", "not_json", "too_long")} == {
        "lines": 5, "not_json": 1, "too_long": 1,
    }  # fmt: skip
    assert "schemalog count: 5 lines, 1 not JSON (skipped), 1 too long (skipped)" in err
    started = [r for r in document["rows"] if r["filterName"] == "tool_calls_started"]
    assert started[0]["SampleCount"] == 3
    code, out, _ = run([*command, str(events)], capsys)  # the default limit is 1 MiB
    assert code == 0 and orjson.loads(out)["summary"]["too_long"] == 0


def test_a_huge_line_keeps_memory_bounded(tmp_path: Path) -> None:
    """A 256 MiB line is skipped without being held: the process stays under 120 MB."""
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(orjson.dumps(EVENTS[0]) + b"\n")
        piece = b"y" * (1 << 20)
        for _ in range(256):
            handle.write(piece)
        handle.write(b"\n" + orjson.dumps(EVENTS[1]) + b"\n")
    script = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:], capture_output=True);"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.stdout.write(r.stderr.decode())"
    )
    schemalog = str(Path(sys.executable).parent / "schemalog")
    argv = [schemalog, "count", "--filters", str(FILTERS), "--total", str(path)]
    result = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, check=True)
    status, peak_kib, err = result.stdout.decode().split(maxsplit=2)
    assert status == "1"
    assert int(peak_kib) < 120 * 1024
    assert f"{path}:2: too-long: line is {256 << 20} bytes" in err
    path.unlink()


def _rows(out: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = orjson.loads(out)["rows"]
    return sorted(rows, key=lambda r: (r["filterName"], r["timestamp"], str(r["dimensions"])))


def test_a_loaded_database_counts_like_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`count --engine duckdb events.duckdb` over `schemalog load`'s table equals the file's."""
    from schemalog.catalog.load import Catalog
    from schemalog.demo import run_demo
    from schemalog.linecheck import LineChecker
    from schemalog.storage.loader import load

    run_demo(tmp_path / "demo", sessions=20, seed=7)
    capsys.readouterr()  # the demo's own summary
    checker = LineChecker(Catalog.load(ROOT / "schemas"))
    demo = (tmp_path / "demo" / "events.jsonl").read_bytes().splitlines()
    lines = tmp_path / "valid.jsonl"  # what load stores: the demo's invalid lines are rejected
    lines.write_bytes(b"".join(line + b"\n" for line in demo if checker.check(line).valid))
    database = str(tmp_path / "events.duckdb")
    summary = load([str(lines)], database)
    assert summary.loaded > 100 and summary.rejected == 0
    code, from_file, _ = run(["count", "--format", "json", str(lines)], capsys)
    assert code == 0
    code, from_table, _ = run(["count", "--engine", "duckdb", "--format", "json", database], capsys)
    assert code == 0
    expected, got = _rows(from_file), _rows(from_table)
    assert [r["SampleCount"] for r in got] == [r["SampleCount"] for r in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert {k: v for k, v in mine.items() if k not in ("Sum", "Average")} == {
            k: v for k, v in theirs.items() if k not in ("Sum", "Average")
        }
        assert mine["Sum"] == pytest.approx(theirs["Sum"])


@pytest.mark.parametrize(
    ("options", "others", "message"),
    [
        ([], [], "counted with --engine duckdb"),
        (["--engine", "duckdb"], ["other.jsonl"], "one loaded database at a time"),
    ],
)
def test_a_loaded_database_needs_the_duckdb_engine_alone(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    others: list[str],
    message: str,
) -> None:
    """A .duckdb input with the local engine, or beside other inputs, is a usage error."""
    code, _, err = run(["count", *options, str(tmp_path / "events.duckdb"), *others], capsys)
    assert code == 2
    assert message in err


def test_a_plain_local_count_imports_only_what_it_uses(tmp_path: Path) -> None:
    """Counting a file with the local engine loads no engine, table, catalog or logging code."""
    data = write(tmp_path / "in.jsonl", [{"event_type": "tool_call_started"}])
    script = (
        "import sys; from schemalog.cli.main import main;"
        "code = main(sys.argv[1:]); print(' '.join(sorted(sys.modules)))"
    )
    argv = ["count", "--format", "json", "--filters", str(FILTERS), str(data)]
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, check=True)
    loaded = set(done.stdout.decode().splitlines()[-1].split())
    assert "schemalog.filters.scan" in loaded  # the check sees the modules the count used
    unwanted = {"duckdb", "rich", "jsonschema", "logging", "csv", "multiprocessing",
                "schemalog.catalog", "schemalog._core.options", "schemalog.storage"}  # fmt: skip
    assert loaded & unwanted == set()
