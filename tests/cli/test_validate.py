"""Tests for `schemalog validate`: output format, summary, stdin, gzip, exit codes."""

from __future__ import annotations

import contextlib
import gzip
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.cli.main import main

CLI = [sys.executable, "-m", "schemalog"]
GOOD = {
    "timestamp": "2026-11-22T19:20:24.198Z",
    "level": "info",
    "logger": "app",
    "event_type": "cache_miss",
    "schema_version": "1.0.0",
    "event_id": "01a20500-e11e-7637-9d15-7f495fa4f669",
}


def run_cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], capture_output=True, check=False, **kwargs)


def write_lines(path: Path, *records: object) -> Path:
    path.write_bytes(
        b"".join(
            orjson.dumps(r) + b"\n" if not isinstance(r, bytes) else r + b"\n" for r in records
        )
    )
    return path


def test_all_valid(tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every line valid: exit 0, nothing on stdout, a summary on stderr."""
    path = write_lines(tmp_path / "ok.jsonl", GOOD, GOOD)
    assert main(["validate", "--schemas", str(schemas_dir), str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{path}: 2 lines, 2 valid, 0 invalid\n"


def test_findings_format(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each problem prints FILE:LINE: event_type version: $.path: reason; exit 1."""
    path = write_lines(
        tmp_path / "bad.jsonl",
        GOOD,
        {**GOOD, "event_type": "cache_hit", "cache_expires_in_seconds": "soon"},
        b"{not json",
        {**GOOD, "event_type": "stream_complete", "schema_version": None},
    )
    assert main(["validate", "--schemas", str(schemas_dir), str(path)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == (
        f'{path}:2: cache_hit 1.0.0: $.cache_expires_in_seconds: expected a number, got "soon"'
    )
    assert lines[1].startswith(f"{path}:3: $: not JSON: ")
    assert lines[2] == (
        f"{path}:4: stream_complete: $.event_type: unknown event type 'stream_complete' "
        "(did you mean 'stream_completed'?)"
    )
    assert len(lines) == 3
    assert err.endswith("4 lines, 1 valid, 3 invalid\n")


def test_stdin_and_gzip_and_totals(tmp_path: Path, schemas_dir: Path) -> None:
    """Files may be gzip or `-` for stdin; with several files a total line follows."""
    plain = write_lines(tmp_path / "a.jsonl", GOOD)
    zipped = tmp_path / "b.jsonl.gz"
    zipped.write_bytes(gzip.compress(orjson.dumps({**GOOD, "extra": 1}) + b"\n"))
    result = run_cli(
        "validate", "--schemas", str(schemas_dir), str(plain), "-", str(zipped),
        input=orjson.dumps(GOOD) + b"\n",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [
        f"{zipped}:1: cache_miss 1.0.0: $.extra: field not declared by the schema"
    ]
    assert result.stderr.decode().splitlines()[-1] == "total: 3 lines, 2 valid, 1 invalid"


def test_missing_input_is_exit_2_before_any_output(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file is exit 2 with one line on stderr, before any other file is read."""
    bad = write_lines(tmp_path / "bad.jsonl", {**GOOD, "level": "loud"})
    code = main(
        ["validate", "--schemas", str(schemas_dir), str(bad), str(tmp_path / "missing.jsonl")]
    )
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    missing = tmp_path / "missing.jsonl"
    assert err == f"schemalog validate: {missing}: cannot open: No such file or directory\n"


def test_input_breaking_off_is_exit_2_after_checking_the_rest(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gzip cut short is exit 2 naming it; the lines before and the other files are checked."""
    cut = tmp_path / "cut.gz"
    data = gzip.compress(b"".join(orjson.dumps(GOOD) + b"\n" for _ in range(2000)))
    cut.write_bytes(data[: len(data) // 2])
    good = write_lines(tmp_path / "ok.jsonl", GOOD)
    code = main(["validate", "--schemas", str(schemas_dir), str(cut), str(good)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{good}: 1 lines, 1 valid, 0 invalid" in err
    assert "cut.gz: compressed stream ends early, after line" in err


def test_bad_catalog_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A catalog that cannot load is exit 2 with the reason on stderr."""
    assert main(["validate", "--schemas", str(tmp_path / "none"), "x"]) == 2
    assert "no such catalog directory" in capsys.readouterr().err


def test_static_fields_option(tmp_path: Path, schemas_dir: Path) -> None:
    """--static-field names fields the application stamps on every record."""
    path = write_lines(tmp_path / "s.jsonl", {**GOOD, "env": "prod"})
    assert main(["validate", "-q", "--schemas", str(schemas_dir), str(path)]) == 1
    assert (
        main(["validate", "--static-field", "env", "--schemas", str(schemas_dir), str(path)]) == 0
    )


def test_json_format_has_a_stable_shape(tmp_path: Path, schemas_dir: Path) -> None:
    """--format json prints one document: version key, verb, findings with places, summary."""
    path = write_lines(tmp_path / "e.jsonl", GOOD, {**GOOD, "event_id": "nope"})
    result = run_cli("validate", "--format", "json", "--schemas", str(schemas_dir), str(path))
    assert result.returncode == 1
    document = orjson.loads(result.stdout)
    assert document == {
        "schemalog": 1,
        "verb": "validate",
        "findings": [
            {
                "file": str(path),
                "line": 2,
                "column": None,
                "field": "$.event_id",
                "message": "must be a UUID (8-4-4-4-12 hex digits), not 'nope'",
                "severity": "error",
                "rule": "cache_miss 1.0.0",
            }
        ],
        "rows": [],
        "summary": {"lines": 2, "valid": 1, "invalid": 1, "not_json": 0, "too_long": 0},
    }


def test_csv_format_lists_the_findings(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format csv prints a header and one row per finding."""
    path = write_lines(tmp_path / "e.jsonl", {**GOOD, "level": "loud"})
    assert main(["validate", "--format", "csv", "--schemas", str(schemas_dir), str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "file,line,column,field,message,severity,rule"
    assert lines[1].startswith(f"{path},1,,$.level,")
    assert len(lines) == 2


def test_findings_exit_1_when_the_reader_closes_the_pipe(tmp_path: Path, schemas_dir: Path) -> None:
    """`validate bad.jsonl | head -1` exits 1 (findings), without a traceback."""
    path = write_lines(tmp_path / "bad.jsonl", *([{**GOOD, "level": "loud"}] * 20000))
    process = subprocess.Popen(
        [*CLI, "validate", "--schemas", str(schemas_dir), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    err = process.stderr.read()
    assert process.wait(timeout=60) == 1
    assert first.startswith(str(path).encode() + b":1: ")
    assert b"Traceback" not in err
    assert b"20000 invalid" in err


def test_closed_stdin_is_a_usage_error(schemas_dir: Path) -> None:
    """`validate - <&-` is exit 2 with one line saying stdin is closed, not a traceback."""
    result = run_cli("validate", "--schemas", str(schemas_dir), "-", stdin=subprocess.DEVNULL)
    assert result.returncode == 0  # an empty stdin is fine ...
    closed = subprocess.run(
        [
            "sh",
            "-c",
            f'exec "{sys.executable}" -m schemalog validate --schemas {schemas_dir} - <&-',
        ],
        capture_output=True,
        check=False,
    )
    assert closed.returncode == 2  # ... a closed one is not
    assert closed.stderr.decode() == (
        "schemalog validate: -: standard input is closed; give a FILE or pipe lines in\n"
    )


def test_long_lines_are_findings_and_skipped(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line over --max-line-bytes is a finding with its file and line; the next is checked."""
    long = orjson.dumps({**GOOD, "pad": "x" * 5000})
    path = write_lines(tmp_path / "l.jsonl", GOOD, long, {**GOOD, "level": "loud"})
    args = ["validate", "--max-line-bytes", "4KiB", "--schemas", str(schemas_dir), str(path)]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:2: too-long: line is {len(long)} bytes, longer than --max-line-bytes (4096);"
        " skipped",
        f"{path}:3: cache_miss 1.0.0: $.level: must be one of debug, info, warning, error,"
        " critical, not 'loud'",
    ]
    assert err == f"{path}: 3 lines, 1 valid, 2 invalid\n"


def test_bad_max_line_bytes_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--max-line-bytes takes a size; anything else is exit 2 naming the option."""
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--max-line-bytes", "lots", "x.jsonl"])
    assert exit_info.value.code == 2
    assert "--max-line-bytes" in capsys.readouterr().err


@pytest.mark.slow
def test_a_2_gib_line_in_a_small_gzip_keeps_memory_bounded(
    tmp_path: Path, schemas_dir: Path
) -> None:
    """A 2 GiB line inside a small .gz is skipped with the CLI's peak RSS under 200 MB."""
    member = gzip.compress(b"x" * (64 << 20), compresslevel=1)
    path = tmp_path / "huge.jsonl.gz"
    with path.open("wb") as handle:  # gzip members concatenate: 32 x 64 MiB = one 2 GiB line
        handle.write(gzip.compress(orjson.dumps(GOOD) + b"\n"))
        for _ in range(32):
            handle.write(member)
        handle.write(gzip.compress(b"\n" + orjson.dumps(GOOD) + b"\n"))
    assert path.stat().st_size < 10 << 20
    script = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:], capture_output=True);"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.stdout.write(r.stdout.decode())"
    )
    argv = [*CLI, "validate", "--schemas", str(schemas_dir), str(path)]
    result = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, check=True)
    status, peak_kib, *out = result.stdout.decode().split(maxsplit=2)
    assert status == "1"
    assert int(peak_kib) < 200 * 1024
    assert f"{path}:2: too-long: line is {32 * (64 << 20)} bytes" in out[0]


def test_json_summary_counts_lines_that_are_not_json(tmp_path: Path, schemas_dir: Path) -> None:
    """Lines that are not JSON objects are findings and counted as not_json in the summary."""
    path = write_lines(tmp_path / "e.jsonl", GOOD, b"{not json", b"[1, 2]")
    result = run_cli("validate", "--format", "json", "--schemas", str(schemas_dir), str(path))
    assert result.returncode == 1
    summary = orjson.loads(result.stdout)["summary"]
    assert summary == {"lines": 3, "valid": 1, "invalid": 2, "not_json": 2, "too_long": 0}


def test_findings_on_a_terminal_are_printed_above_the_progress_bar(
    tmp_path: Path, schemas_dir: Path
) -> None:
    """On a terminal, the bar is erased before each finding, never left in front of it."""
    write_lines(tmp_path / "e.jsonl", {**GOOD, "level": "loud"}, *([GOOD] * 30_000))
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*CLI, "validate", "--schemas", str(schemas_dir), "e.jsonl"],
        stdout=follower,
        stderr=follower,
        cwd=tmp_path,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "200"},
    )
    os.close(follower)
    screen = b""
    with contextlib.suppress(OSError):  # EIO: the terminal closed when the process ended
        while chunk := os.read(leader, 65536):
            screen += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 1
    assert b"MiB" in screen  # the bar was drawn
    finding = b"e.jsonl:1: cache_miss 1.0.0: $.level: must be one of"
    assert screen.count(finding) == 1
    assert b"\x1b[2K" + finding in screen


def test_quiet_prints_no_finding_for_an_overlong_line(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-q prints only the summary: a line over --max-line-bytes is counted invalid, not printed."""
    path = write_lines(tmp_path / "e.jsonl", GOOD, {**GOOD, "padding": "x" * 500})
    args = ["validate", "-q", "--max-line-bytes", "400", "--schemas", str(schemas_dir), str(path)]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{path}: 2 lines, 1 valid, 1 invalid\n"


@pytest.mark.parametrize("form", ["table", "json", "csv"])
def test_closed_stdout_keeps_the_exit_code(tmp_path: Path, schemas_dir: Path, form: str) -> None:
    """`validate bad.jsonl >&-` exits 1 with its summary on stderr, not a traceback."""
    path = write_lines(tmp_path / "bad.jsonl", {**GOOD, "level": "loud"})
    command = f'exec "{sys.executable}" -m schemalog validate --format {form}'
    result = subprocess.run(
        ["sh", "-c", f"{command} --schemas {schemas_dir} {path} >&-"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.decode() == f"{path}: 1 lines, 0 valid, 1 invalid\n"
