"""Tests for schemalog.storage.writer: batches written in order on a thread of their own."""

from __future__ import annotations

import threading

import pytest

from schemalog.exceptions import StorageError
from schemalog.storage.rows import Batch
from schemalog.storage.writer import BatchWriter


def numbered(number: int) -> Batch:
    """Return an empty batch whose first line is ``number`` (to tell batches apart)."""
    return Batch(first_line=number)


def test_batches_are_written_in_order_on_another_thread() -> None:
    """Every batch put is written, in order, by a thread other than the caller's."""
    written: list[tuple[int, str]] = []
    writer = BatchWriter(lambda b: written.append((b.first_line, threading.current_thread().name)))
    for number in range(1, 6):
        writer.put(numbered(number))
    writer.finish()
    assert [number for number, _ in written] == [1, 2, 3, 4, 5]
    assert {name for _, name in written} == {"schemalog-load"}


def test_a_failed_write_stops_later_writes_and_is_raised() -> None:
    """After a write fails, no later batch is written, and the failure reaches the caller."""
    written: list[int] = []

    def write(batch: Batch) -> None:
        if batch.first_line == 2:
            raise StorageError("in.jsonl:2-2: not loaded")
        written.append(batch.first_line)

    def put_all() -> None:
        for number in range(1, 50):
            writer.put(numbered(number))
        writer.finish()

    writer = BatchWriter(write)
    with pytest.raises(StorageError, match=r"in\.jsonl:2-2"):
        put_all()
    writer.close()
    assert written == [1]


def test_close_writes_what_was_handed_over_without_raising() -> None:
    """close() (the caller is failing anyway) writes the batches put, and raises nothing."""
    written: list[int] = []
    release = threading.Event()

    def write(batch: Batch) -> None:
        release.wait(5)
        written.append(batch.first_line)
        raise StorageError("down")

    writer = BatchWriter(write)
    writer.put(numbered(1))
    writer.put(numbered(2))
    release.set()
    writer.close()
    writer.close()  # a second close is harmless
    assert written == [1]
    with pytest.raises(StorageError, match="down"):
        writer.finish()
