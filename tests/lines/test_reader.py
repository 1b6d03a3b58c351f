"""Tests for schemalog.lines.reader: files, stdin and gzip by content."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from schemalog.exceptions import InputError
from schemalog.findings import Finding
from schemalog.lines import progress
from schemalog.lines import reader as reader_module
from schemalog.lines.reader import LineReader, check_inputs, iter_lines


def test_plain_file_lines_numbered_blank_lines_skipped(tmp_path: Path) -> None:
    """Lines are numbered from 1 in the file, blank ones skipped, CRLF handled."""
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a":1}\r\n\n{"a":2}\n{"a":3}')
    assert list(iter_lines(str(path))) == [(1, b'{"a":1}'), (3, b'{"a":2}'), (4, b'{"a":3}')]


def test_gzip_is_detected_by_content(tmp_path: Path) -> None:
    """A gzip file reads the same whatever its name."""
    path = tmp_path / "events.jsonl.1"
    path.write_bytes(gzip.compress(b'{"a":1}\n{"a":2}\n'))
    assert [line for _, line in iter_lines(str(path))] == [b'{"a":1}', b'{"a":2}']


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` reads standard input, compressed or not."""
    stdin = io.TextIOWrapper(io.BytesIO(gzip.compress(b'{"a":1}\n')))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert list(iter_lines("-")) == [(1, b'{"a":1}')]


def test_truncated_gzip_names_the_last_good_line(tmp_path: Path) -> None:
    """A gzip stream cut short is an InputError saying where it broke, after the good lines."""
    data = gzip.compress(b"".join(b'{"n":%d}\n' % i for i in range(1000)))
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    lines = iter_lines(str(path))
    assert next(lines) == (1, b'{"n":0}')  # the good lines come first
    with pytest.raises(InputError, match=r"cut\.gz: compressed stream ends early, after line \d+"):
        list(lines)


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is an InputError naming it."""
    with pytest.raises(InputError, match=r"nope\.jsonl: cannot open: No such file"):
        list(iter_lines(str(tmp_path / "nope.jsonl")))


def test_lines_over_the_limit_are_skipped_and_reported(tmp_path: Path) -> None:
    """A line over max_line_bytes is reported with its number and size; the rest still read."""
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"a" * 10 + b"\r\n" + b"b" * 11 + b"\n" + b"c" * 5000 + b"\nd\n" + b"e" * 11)
    seen: list[tuple[int, int]] = []
    lines = list(iter_lines(str(path), 10, lambda number, size: seen.append((number, size))))
    assert lines == [(1, b"a" * 10), (4, b"d")]
    assert seen == [(2, 11), (3, 5000), (5, 11)]


def test_line_reader_counts_what_it_skips(tmp_path: Path) -> None:
    """records() yields JSON objects only; non-JSON and overlong lines are counted and noted."""
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"a":1}\nnot json\n[1]\n' + b'{"pad":"' + b"x" * 100 + b'"}\n{"a":2}\n')
    found: list[Finding] = []
    reader = LineReader([str(path)], max_line_bytes=50, on_finding=found.append)
    records = [(line.number, record) for line, record in reader.records()]
    assert records == [(1, {"a": 1}), (5, {"a": 2})]
    assert reader.summary() == {"lines": 5, "not_json": 2, "too_long": 1}
    assert reader.note() == "5 lines, 2 not JSON (skipped), 1 too long (skipped)"
    assert [(f.file, f.line, f.rule) for f in found] == [(str(path), 4, "too-long")]


def test_inputs_are_checked_before_reading(tmp_path: Path) -> None:
    """A missing file, a directory or stdin twice is an InputError at construction."""
    good = tmp_path / "ok.jsonl"
    good.write_bytes(b"{}\n")
    with pytest.raises(InputError, match=r"nope\.jsonl: cannot open: No such file"):
        LineReader([str(good), str(tmp_path / "nope.jsonl")])
    with pytest.raises(InputError, match="is a directory"):
        LineReader([str(tmp_path)])
    with pytest.raises(InputError, match="standard input can be read only once"):
        LineReader(["-", "-"])


def test_closed_stdin_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """With stdin closed (Python sets sys.stdin to None), `-` is an InputError saying so."""
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match="standard input is closed"):
        check_inputs(["-"])


def test_progress_only_for_large_inputs_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small file or a small .gz draws no bar on a terminal; a large one does."""
    drawn: list[int | None] = []
    monkeypatch.setattr(progress, "wanted", lambda _stream, _total: True)
    monkeypatch.setattr(progress, "ProgressBar", lambda total, _stream: drawn.append(total))
    small = tmp_path / "small.jsonl.gz"
    small.write_bytes(gzip.compress(b"{}\n"))
    assert reader_module._progress_bar([str(small)]) is None
    large = tmp_path / "large.jsonl"
    large.write_bytes(b"{}\n" * (progress.LARGE_INPUT // 3 + 1))
    reader_module._progress_bar([str(large)])
    assert drawn == [large.stat().st_size]
