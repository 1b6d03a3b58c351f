"""Input in blocks of whole lines."""

from __future__ import annotations

import gc
import io

from hypothesis import given
from hypothesis import strategies as st

from schemalog.filters.blocks import LineCounts, blocks, line_spans, no_cycle_collection


def lines_of(data: bytes, block_size: int) -> list[bytes]:
    found: list[bytes] = []
    read = 0
    for block, start, last, size in blocks(io.BytesIO(data), block_size):
        assert block[start : start + 1] == b"\n"
        assert block[last : last + 1] == b"\n"
        found.extend(block[start + 1 : last].split(b"\n"))
        read += size
    assert read == len(data)
    return found


@given(st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), max_size=30),
       st.integers(1, 64), st.booleans())  # fmt: skip
def test_every_line_once_whatever_the_read_size(rows: list[bytes], size: int, end: bool) -> None:
    """Each non-blank line comes out once, whole, and every byte read is reported once."""
    data = b"\n".join(rows) + (b"\n" if end else b"")
    found = [line for line in lines_of(data, size) if line.strip()]
    assert found == [line for line in data.split(b"\n") if line.strip()]


def test_a_block_is_the_read_itself() -> None:
    """The lines inside one read are yielded in that read's bytes, not in a copy."""
    data = b"one\ntwo\nthree\nfour"
    chunks = list(blocks(io.BytesIO(data), 1 << 20))
    assert [(block[start:last], size) for block, start, last, size in chunks] == [
        (b"\none", 0), (b"\ntwo\nthree", len(data)), (b"\nfour", 0)
    ]  # fmt: skip


def reference(data: bytes, limit: int) -> tuple[list[bytes], LineCounts]:
    """Work out line by line, from data.split(), what blocks() must give."""
    rows = data.split(b"\n")
    last = rows[-1]
    # No last line, or blanks the reader drops; an overlong one is reported all the same, as
    # the reader cannot know it is blank without holding it whole.
    if last == b"" or (not last.strip() and len(last) - last.endswith(b"\r") <= limit):
        rows.pop()
    kept, counts = [], LineCounts()
    for number, row in enumerate(rows, start=1):
        if len(row) - row.endswith(b"\r") > limit:  # the size said is every byte but \n
            counts.too_long.append((number, len(row)))
            counts.lines += 1
        elif row:
            kept.append(row)
            if row.strip():  # blank lines (whitespace only) are not counted, as LineReader does
                counts.lines += 1
                counts.not_json += not row.startswith(b"{")
    return kept, counts


@given(st.lists(st.lists(st.sampled_from([b"{", b"x", b" ", b"\r", b"}"]), max_size=20)
                .map(b"".join), max_size=30),
       st.integers(1, 64), st.integers(1, 16), st.booleans())  # fmt: skip
def test_long_lines_are_left_out_and_counted(
    rows: list[bytes], size: int, limit: int, end: bool
) -> None:
    """Overlong lines come out of no block and are counted with their number; others read."""
    data = b"\n".join(rows) + (b"\n" if end else b"")
    counts = LineCounts()
    found: list[bytes] = []
    for block, start, last, _ in blocks(io.BytesIO(data), size, limit, counts):
        counts.read(block, start, last)  # the caller's part: the lines of each block
        found.extend(line for line in block[start + 1 : last].split(b"\n") if line)
    kept, expected = reference(data, limit)
    assert found == kept
    assert (counts.lines, counts.not_json, counts.too_long) == (
        expected.lines, expected.not_json, expected.too_long
    )  # fmt: skip


def test_a_long_line_is_never_held_whole() -> None:
    """Reading a 64 MiB line in 4 MiB reads keeps at most one read of it: no block is larger."""
    data = b'{"a":1}\n' + b"y" * (64 << 20) + b'\n{"b":2}\n'
    counts = LineCounts()
    largest = 0
    for block, start, last, _ in blocks(io.BytesIO(data), 4 << 20, 1 << 20, counts):
        counts.read(block, start, last)
        largest = max(largest, len(block))
    assert largest <= (4 << 20) + 2
    assert counts.too_long == [(2, 64 << 20)]
    assert counts.lines == 3


def test_counts_merge_in_file_order() -> None:
    """Counts of a later part of a file shift its line numbers by the lines before it."""
    first = LineCounts(lines=2, not_json=1, too_long=[(2, 90)], physical=3)
    first.merge(LineCounts(lines=1, too_long=[(1, 80)], physical=1))
    assert (first.lines, first.not_json, first.too_long, first.physical) == (
        3, 1, [(2, 90), (4, 80)], 4
    )  # fmt: skip


def test_line_spans_with_needles() -> None:
    """Only lines holding a needle are found, each once, in order."""
    block = b"\nab x\nnone\nx ab ab\nx\n"
    found = list(line_spans(block, 0, len(block) - 1, (b"ab", b"x")))
    assert [block[start:end] for start, end in found] == [b"ab x", b"x ab ab", b"x"]
    one = list(line_spans(block, 0, len(block) - 1, (b"ab",)))
    assert [block[start:end] for start, end in one] == [b"ab x", b"x ab ab"]
    every = list(line_spans(block, 0, len(block) - 1, None))
    assert [block[start:end] for start, end in every] == [b"ab x", b"none", b"x ab ab", b"x"]


def test_no_cycle_collection_restores_the_collector() -> None:
    """The collector is paused inside and enabled again after."""
    assert gc.isenabled()
    with no_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
