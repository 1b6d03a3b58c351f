"""Tests for schemalog.lines.reader: files, stdin and gzip by content."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from schemalog.exceptions import InputError
from schemalog.lines.reader import iter_lines


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
