r"""Input in blocks of whole lines, and the lines of a block that hold a needle.

A block is laid out ``\n line \n ... line \n`` between two offsets, so that every line starts
after a newline and ends before one, and can be sliced out of the block without a copy of it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO, Final

import stringzilla

#: ``find_in(block, needle, start, end)``: ``block.find`` by SIMD, 2-4x faster on large blocks.
find_in: Final[Callable[[bytes, bytes, int, int], int]] = stringzilla.find
#: ``count_in(block, needle, start, end)``: ``block.count`` (non-overlapping), by SIMD.
count_in: Final[Callable[[bytes, bytes, int, int], int]] = stringzilla.count


@dataclass
class LineCounts:
    """What a scan read: lines, the ones that are not JSON objects, and overlong lines skipped.

    ``lines`` counts non-blank lines (overlong ones included), as the command line's
    LineReader does. A line is counted as not JSON when it does not start with ``{``, or
    when the scanner parses it and finds no JSON object (lines it counts from their bytes, or
    does not look at, are taken to be JSON when they start with ``{``: see :mod:`scan`).
    ``too_long`` holds ``(line number, bytes)``; the scanner keeps ``physical`` up to date.
    """

    lines: int = 0
    not_json: int = 0
    too_long: list[tuple[int, int]] = field(default_factory=list)
    #: Physical lines before the next block (blank ones included): line numbers start here.
    physical: int = 0

    def merge(self, other: LineCounts) -> None:
        """Add the counts of the input that follows (its line numbers shift by ours)."""
        self.lines += other.lines
        self.not_json += other.not_json
        self.too_long += [(self.physical + number, size) for number, size in other.too_long]
        self.physical += other.physical

    def read(self, block: bytes, start: int, last: int) -> None:
        r"""Count the lines of ``\n line \n ... line \n`` between ``start`` and ``last``.

        Costs two SIMD counts (then a pass line by line when a line does not start with ``{``),
        for the scans that do not look at every line.
        """
        physical = count_in(block, b"\n", start, last)
        self.physical += physical
        if count_in(block, b"\n{", start, last) == physical:  # every line starts with {
            self.lines += physical
            return
        for line in block[start + 1 : last].split(b"\n"):
            self.line(line)

    def line(self, line: bytes) -> None:
        """Count one line that was read (its physical count is the caller's)."""
        if line.strip():
            self.lines += 1
            if line[:1] != b"{":
                self.not_json += 1

    def skipped(self, size: int) -> None:
        """Count one line over the limit, of ``size`` bytes (its newline left out), skipped."""
        self.physical += 1
        self.lines += 1
        self.too_long.append((self.physical, size))


def blocks(
    stream: BinaryIO, block_size: int, limit: int | None = None, counts: LineCounts | None = None
) -> Iterator[tuple[bytes, int, int, int]]:
    r"""Yield ``(block, start, last, bytes read)``; ``block[start:last + 1]`` is ``\n line \n ...``.

    A block is what one read returns, not a copy: the line that straddles two reads is yielded
    on its own, in a small block of its own. With ``limit``, a line longer than ``limit`` bytes
    is left out (never held whole: at most one read of it is in memory) and counted in
    ``counts``; the caller counts the lines of each block yielded before taking the next, so
    that line numbers add up.
    """
    counts = LineCounts() if counts is None else counts
    for block, start, last, size in _blocks(stream, block_size, limit, counts):
        pieces = _short_pieces(block, start, last, limit) if limit is not None else None
        if pieces is None:
            yield block, start, last, size
            continue
        for index, (begin, end) in enumerate(pieces):
            yield block, begin, end, size if index == len(pieces) - 1 else 0
            if index < len(pieces) - 1:
                after = pieces[index + 1][0]
                counts.skipped(after - end - 1)


def _short_pieces(block: bytes, start: int, last: int, limit: int) -> list[tuple[int, int]] | None:
    """Return the ranges of ``[start, last]`` between lines over ``limit`` (None: no such line).

    Every line longer than ``limit`` holds a multiple of ``limit`` past ``start``, so probing
    there (a few ``find`` calls per block) finds them all without looking at every line.
    """
    pieces: list[tuple[int, int]] = []
    begin = start
    probe = start + limit
    while probe < last:
        before = block.rfind(b"\n", begin, probe)
        after = block.find(b"\n", probe, last + 1)
        if after - before - 1 - (block[after - 1 : after] == b"\r") > limit:
            pieces.append((begin, before))
            begin = after
        probe = max(after, probe) + limit
    if not pieces:
        return None
    pieces.append((begin, last))
    return pieces


def _blocks(
    stream: BinaryIO, block_size: int, limit: int | None, counts: LineCounts
) -> Iterator[tuple[bytes, int, int, int]]:
    rest = b""
    pending = 0
    skipping = -1  # bytes of an overlong line dropped so far; -1 when not skipping
    while True:
        data = stream.read(block_size)
        pending += len(data)
        if not data:
            if skipping >= 0:
                counts.skipped(skipping)
            elif limit is not None and len(rest) - rest.endswith(b"\r") > limit:
                counts.skipped(len(rest))  # an overlong last line, blank or not: never read
            elif rest.strip():
                yield b"\n" + rest + b"\n", 0, len(rest) + 1, pending
                pending = 0
            if pending:
                yield b"\n", 0, 0, pending  # no line left, but bytes read to report
            return
        first = data.find(b"\n")
        if skipping >= 0:
            if first < 0:
                skipping += len(data)
                continue
            counts.skipped(skipping + first)
            skipping = -1
            data = data[first + 1 :]
            first = data.find(b"\n")
        if first < 0:  # no line ends in this read yet
            rest += data
            if limit is not None and len(rest) > limit + 1:
                skipping, rest = len(rest), b""
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


def line_spans(
    block: bytes, start: int, end: int, needles: tuple[bytes, ...] | None
) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each line in the segment that holds any needle (None: every line).

    ``block[start:end]`` is the line, without its newline.
    """
    if needles is None:
        at = start
        while 0 <= at < end:
            following = block.find(b"\n", at + 1)
            yield at + 1, following
            at = following
        return
    if len(needles) == 1:  # already in order, one line once
        yield from _needle_lines(block, start, end, needles[0])
        return
    lines: set[tuple[int, int]] = set()
    for needle in needles:
        lines.update(_needle_lines(block, start, end, needle))
    yield from sorted(lines)


def _needle_lines(block: bytes, start: int, end: int, needle: bytes) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each line in the segment that holds ``needle``, in order."""
    rfind = block.rfind
    newline = block.find
    at = find_in(block, needle, start, end)
    while at >= 0:
        line_end = newline(b"\n", at)
        yield rfind(b"\n", start, at) + 1, line_end
        at = find_in(block, needle, line_end, end)


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
