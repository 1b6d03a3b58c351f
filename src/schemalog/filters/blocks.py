r"""Input in blocks of whole lines, and the lines of a block that hold a needle.

A block is laid out ``\n line \n ... line \n`` between two offsets, so that every line starts
after a newline and ends before one, and can be sliced out of the block without a copy of it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO


def blocks(stream: BinaryIO, block_size: int) -> Iterator[tuple[bytes, int, int, int]]:
    r"""Yield ``(block, start, last, bytes read)``; ``block[start:last + 1]`` is ``\n line \n ...``.

    A block is what one read returns, not a copy: the line that straddles two reads is yielded
    on its own, in a small block of its own.
    """
    rest = b""
    pending = 0
    while True:
        data = stream.read(block_size)
        pending += len(data)
        if not data:
            if rest.strip():
                yield b"\n" + rest + b"\n", 0, len(rest) + 1, pending
            elif pending:
                yield b"\n", 0, 0, pending  # no line left, but bytes read to report
            return
        first = data.find(b"\n")
        if first < 0:  # no line ends in this read yet
            rest += data
            continue
        carried = b"\n" + rest + data[: first + 1]
        last = data.rfind(b"\n")
        rest = data[last + 1 :]
        if last == first:
            yield carried, 0, len(carried) - 1, pending
        else:
            yield carried, 0, len(carried) - 1, 0
            yield data, first, last, pending
        pending = 0


def line_starts(
    block: bytes, start: int, end: int, needles: tuple[bytes, ...] | None
) -> Iterator[int]:
    """Yield the start of each line in the segment that holds any needle (every line if None)."""
    if needles is None:
        at = start
        while 0 <= at < end:
            yield at + 1
            at = block.find(b"\n", at + 1)
        return
    starts: set[int] = set()
    for needle in needles:
        at = block.find(needle, start, end)
        while at >= 0:
            starts.add(block.rfind(b"\n", start, at) + 1)
            at = block.find(needle, block.find(b"\n", at), end)
    yield from sorted(starts)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while scanning.

    Parsed events hold no reference cycles, and the collector's passes over the many
    short-lived objects cost about a tenth of the scan.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
