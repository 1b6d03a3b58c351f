"""Input in blocks of whole lines."""

from __future__ import annotations

import gc
import io

from hypothesis import given
from hypothesis import strategies as st

from schemalog.filters.blocks import blocks, line_starts, no_cycle_collection


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


def test_line_starts_with_needles() -> None:
    """Only lines holding a needle are found, each once, in order."""
    block = b"\nab x\nnone\nx ab ab\nx\n"
    starts = list(line_starts(block, 0, len(block) - 1, (b"ab", b"x")))
    assert [block[s : block.find(b"\n", s)] for s in starts] == [b"ab x", b"x ab ab", b"x"]
    assert len(list(line_starts(block, 0, len(block) - 1, None))) == 4


def test_no_cycle_collection_restores_the_collector() -> None:
    """The collector is paused inside and enabled again after."""
    assert gc.isenabled()
    with no_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
