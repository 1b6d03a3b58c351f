"""Tests for `schemalog validate`: output format, summary, stdin, gzip, exit codes."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main

GOOD = {
    "timestamp": "2026-11-22T19:20:24.198Z",
    "level": "info",
    "logger": "app",
    "event_type": "cache_miss",
    "schema_version": "1.0.0",
    "event_id": "01a20500-e11e-7637-9d15-7f495fa4f669",
}


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
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemalog",
            "validate",
            "--schemas",
            str(schemas_dir),
            str(plain),
            "-",
            str(zipped),
        ],
        input=orjson.dumps(GOOD) + b"\n",
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [
        f"{zipped}:1: cache_miss 1.0.0: $.extra: field not declared by the schema"
    ]
    assert result.stderr.decode().splitlines()[-1] == "total: 3 lines, 2 valid, 1 invalid"


def test_unreadable_input_exits_2_but_checks_the_rest(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file is reported with exit 2; the other files are still checked."""
    good = write_lines(tmp_path / "ok.jsonl", GOOD)
    code = main(
        ["validate", "--schemas", str(schemas_dir), str(tmp_path / "missing.jsonl"), str(good)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"{good}: 1 lines, 1 valid, 0 invalid" in err
    assert "missing.jsonl: cannot open" in err


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
