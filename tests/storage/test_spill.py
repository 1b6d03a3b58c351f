"""Tests for schemalog.storage.spill: the bounded, locked spill file and adopting orphans."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from schemalog.storage.spill import LineSpill, orphans, spill_stem


def test_stem_is_a_stable_hash_that_hides_the_url() -> None:
    """A database's stem is the same each time, differs per URL, and holds no part of it."""
    url = "postgresql://app:s3cret@db/analytics"
    stem = spill_stem(url)
    assert stem == spill_stem(url) != spill_stem(url + "2")
    assert stem.startswith("pg-") and len(stem) == 3 + 16  # 8 bytes of blake2b, in hex
    assert set(stem.removeprefix("pg-")) <= set("0123456789abcdef")


def test_append_keeps_whole_lines_within_the_bound(tmp_path: Path) -> None:
    """Lines are appended while they fit; the first that does not stops the append."""
    spill = LineSpill(tmp_path / "sub" / "pg-x-1.jsonl", max_bytes=10)
    assert not spill.pending
    assert spill.append([b"aaaa\n", b"bbbb\n", b"c\n"]) == 2
    assert spill.append([b"d\n"]) == 0
    assert spill.pending
    assert spill.path.read_bytes() == b"aaaa\nbbbb\n"
    spill.close()
    assert spill.path.read_bytes() == b"aaaa\nbbbb\n"  # kept for a later sink to adopt


def test_an_existing_file_counts_toward_the_bound(tmp_path: Path) -> None:
    """A file left by an earlier sink is appended to, and its size counts."""
    path = tmp_path / "pg-x-1.jsonl"
    path.write_bytes(b"old\n")
    spill = LineSpill(path, max_bytes=8)
    assert spill.append([b"new\n", b"more\n"]) == 1
    assert path.read_bytes() == b"old\nnew\n"
    spill.close()


def test_detach_hands_over_the_file_still_locked(tmp_path: Path) -> None:
    """Detaching renames the file for replay, still locked; later lines go to a new file."""
    spill = LineSpill(tmp_path / "pg-x-1.jsonl", max_bytes=100)
    spill.append([b"one\n"])
    backlog, fd = spill.detach()
    assert backlog.name == "pg-x-1.replay.jsonl" and backlog.read_bytes() == b"one\n"
    assert not spill.pending
    other = os.open(backlog, os.O_RDWR)
    with pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(other)
    os.close(fd)
    spill.append([b"two\n"])
    assert spill.path.read_bytes() == b"two\n"
    spill.close()


def test_closing_an_empty_spill_removes_it(tmp_path: Path) -> None:
    """A spill whose lines were all handed over leaves no file behind."""
    spill = LineSpill(tmp_path / "pg-x-1.jsonl", max_bytes=100)
    spill.append([])
    assert spill.path.exists()
    spill.close()
    assert not spill.path.exists()


def test_orphans_are_the_files_no_live_sink_holds(tmp_path: Path) -> None:
    """orphans() skips our own file and those a live sink holds; it locks each one it yields."""
    own = LineSpill(tmp_path / "pg-x-own.jsonl", max_bytes=100)
    own.append([b"a\n"])
    held = LineSpill(tmp_path / "pg-x-held.jsonl", max_bytes=100)
    held.append([b"b\n"])
    (tmp_path / "pg-x-dead.jsonl").write_bytes(b"c\n")
    (tmp_path / "pg-y-dead.jsonl").write_bytes(b"d\n")  # another database's
    found = list(orphans(tmp_path, "pg-x", own.path))
    assert [path.name for path, _ in found] == ["pg-x-dead.jsonl"]
    ((_, fd),) = found
    assert list(orphans(tmp_path, "pg-x", own.path)) == []  # now we hold it
    os.close(fd)
    own.close()
    held.close()
