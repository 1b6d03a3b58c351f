"""Tests for schemalog.cli.inputs: FILE arguments, --max-line-bytes and the exit code."""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import pytest

from schemalog.cli.inputs import add_input_options, finish, line_reader
from schemalog.cli.output import Report
from schemalog.exceptions import InputError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_input_options(parser)
    return parser.parse_args(argv)


def test_max_line_bytes_takes_sizes() -> None:
    """--max-line-bytes accepts 4096, 4KiB, 1MB; the default is 1 MiB."""
    assert parse("f").max_line_bytes == 1 << 20
    assert parse("--max-line-bytes", "4KiB", "f").max_line_bytes == 4096
    assert parse("--max-line-bytes", "1MB", "f").max_line_bytes == 1_000_000


@pytest.mark.parametrize("bad", ["0", "lots", "-5"])
def test_bad_max_line_bytes_is_a_usage_error(bad: str) -> None:
    """A size that is not one, or zero, exits 2 (argparse) naming the option."""
    with pytest.raises(SystemExit) as exited:
        parse(f"--max-line-bytes={bad}", "f")
    assert exited.value.code == 2


def test_reader_checks_inputs_and_reports_long_lines(tmp_path: Path) -> None:
    """line_reader refuses a missing input at once; long lines become the report's findings."""
    report = Report("demo", "json", out=None)
    with pytest.raises(InputError, match="missing"):
        line_reader(parse(str(tmp_path / "missing")), report)
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"{}\n" + b"x" * 20 + b"\n")
    reader = line_reader(parse("--max-line-bytes", "10", str(path)), report)
    assert [line.number for line in reader] == [1]
    assert [(f.line, f.rule) for f in report.findings] == [(2, "too-long")]


def test_finish_is_2_when_an_input_broke_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An input that breaks off mid-way makes the exit code 2 and is named on stderr."""
    cut = tmp_path / "cut.gz"
    data = gzip.compress(b"".join(b'{"n":%d}\n' % i for i in range(5000)))
    cut.write_bytes(data[: len(data) // 2])
    report = Report("demo", "json")
    reader = line_reader(parse(str(cut)), report)
    assert sum(1 for _ in reader) > 0
    assert finish(report, reader) == 2
    captured = capsys.readouterr()
    assert "cut.gz: compressed stream ends early" in captured.err
    assert '"lines"' in captured.out
