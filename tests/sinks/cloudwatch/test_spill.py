"""Tests for the spill file: frames, its bound, its lock, adoption of leftovers."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from schemalog.sinks.cloudwatch.batching import BatchBuilder, Event
from schemalog.sinks.cloudwatch.spill import SpillFile
from tests.conftest import wait_for_child


def test_spill_file_replays_in_order_and_empties(tmp_path: Path) -> None:
    """Spilled events read back in order, across batches, and the file empties when done."""
    spill = SpillFile(tmp_path / "s.spill", 1_000_000)
    events = [(n, b"line\nwith newline %d" % n) for n in range(100)]
    for event in events:
        assert spill.append(event)
    replayed: list[Event] = []
    while spill.pending:
        batch, end = spill.read_batch(BatchBuilder(max_events=30), spill.written)
        replayed += batch
        spill.consumed(end)
    assert replayed == events
    assert (tmp_path / "s.spill").stat().st_size == 0
    spill.close(remove=True)
    assert not (tmp_path / "s.spill").exists()


def test_spill_file_refuses_past_its_bound(tmp_path: Path) -> None:
    """An event that would take the file past max_bytes is refused and nothing is written."""
    spill = SpillFile(tmp_path / "s.spill", 100)
    assert spill.append((1, b"a" * 40))
    assert not spill.append((2, b"b" * 60))
    assert spill.written == (tmp_path / "s.spill").stat().st_size < 100
    spill.close(remove=True)


def test_spill_file_leaves_no_partial_frame_when_the_disk_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails halfway (ENOSPC) leaves no partial frame: later frames read back."""
    spill = SpillFile(tmp_path / "s.spill", 1_000_000)
    assert spill.append((1, b"first"))
    real_write = os.write
    calls: list[int] = []

    def half_then_full(fd: int, data: bytes | memoryview) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OSError, match="No space"):
        spill.append((2, b"second, lost"))
    monkeypatch.setattr(os, "write", real_write)
    assert spill.append((3, b"third"))
    assert spill.written == (tmp_path / "s.spill").stat().st_size
    assert spill.read_batch(BatchBuilder(), spill.written) == (
        [(1, b"first"), (3, b"third")],
        spill.written,
    )
    spill.close(remove=True)


def test_spill_file_is_locked_while_open_and_adoptable_once_closed(tmp_path: Path) -> None:
    """An open spill file cannot be adopted; once closed with frames waiting, it replays them."""
    spill = SpillFile(tmp_path / "s.spill", 1_000_000)
    events = [(n, b"event %d" % n) for n in range(10)]
    for event in events:
        assert spill.append(event)
    assert SpillFile.adopt(tmp_path / "s.spill") is None
    spill.close(remove=False)
    adopted = SpillFile.adopt(tmp_path / "s.spill")
    assert adopted is not None
    assert SpillFile.adopt(tmp_path / "s.spill") is None  # one adopter at a time
    assert replay_all(adopted) == events
    adopted.close(remove=True)
    assert list(tmp_path.iterdir()) == []


def test_spill_file_never_overwrites_a_leftover(tmp_path: Path) -> None:
    """A leftover at the file's name (a dead process with the same pid) keeps its frames."""
    leftover = b"1 4\nlost\n"
    (tmp_path / "s.spill").write_bytes(leftover)
    spill = SpillFile(tmp_path / "s.spill", 1_000_000)
    assert spill.append((2, b"mine"))
    assert spill.path == tmp_path / "s-1.spill"
    assert (tmp_path / "s.spill").read_bytes() == leftover
    assert spill.read_batch(BatchBuilder(), spill.written)[0] == [(2, b"mine")]
    spill.close(remove=True)


def test_spill_file_closed_midway_names_where_its_adopter_starts(tmp_path: Path) -> None:
    """Closed with part of it delivered, the file's adopter replays only the rest."""
    spill = SpillFile(tmp_path / "s.spill", 1_000_000)
    events = [(n, b"event %d" % n) for n in range(10)]
    for event in events:
        assert spill.append(event)
    batch, end = spill.read_batch(BatchBuilder(max_events=4), spill.written)
    spill.consumed(end)
    spill.close(remove=False)
    (renamed,) = tmp_path.iterdir()
    assert renamed.name == f"s@{end}.spill"
    adopted = SpillFile.adopt(renamed)
    assert adopted is not None
    assert batch + replay_all(adopted) == events
    adopted.close(remove=True)


def test_forked_child_leaves_the_parents_spill_lock(tmp_path: Path) -> None:
    """A forked child closes its copy of a spill file: the lock stays the parent's, then goes."""
    spill = SpillFile(tmp_path / "s.spill", 1_000_000)
    assert spill.append((1, b"parent"))
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: stay alive, holding whatever it inherited, until told
        os.write(ready_write, b"x")
        os.read(go_read, 1)
        os._exit(0)
    try:
        assert os.read(ready_read, 1) == b"x"
        assert SpillFile.adopt(tmp_path / "s.spill") is None  # still the parent's
        spill.close(remove=False)
        adopted = SpillFile.adopt(tmp_path / "s.spill")  # the live child holds no copy
        assert adopted is not None
        adopted.close(remove=True)
    finally:
        os.write(go_write, b"x")
        assert wait_for_child(pid) == 0
        for fd in (ready_read, ready_write, go_read, go_write):
            os.close(fd)


def replay_all(spill: SpillFile) -> list[Event]:
    replayed: list[Event] = []
    while spill.pending:
        batch, end = spill.read_batch(BatchBuilder(max_events=3), spill.written)
        replayed += batch
        spill.consumed(end)
    return replayed
