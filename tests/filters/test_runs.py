"""Runs of envelope lines: reading event types and time keys from bytes."""

from __future__ import annotations

from collections import Counter

import orjson

from schemalog.filters.runs import RunReader


def line(stamp: str, event_type: str, **fields: object) -> bytes:
    head = {"timestamp": stamp, "level": "info", "logger": "app", "event_type": event_type}
    return orjson.dumps({**head, **fields})


def block_of(*lines: bytes) -> bytes:
    return b"\n" + b"\n".join(lines) + b"\n"


def test_uniform_run() -> None:
    """A run sharing a minute is found by bisection and counted per event type."""
    block = block_of(
        line("2026-11-22T19:20:01.000Z", "a", n=1),
        line("2026-11-22T19:20:02.000Z", "b"),
        line("2026-11-22T19:20:03.000Z", ""),
        line("2026-11-22T19:21:04.000Z", "a", n=2),
    )
    reader = RunReader(16)
    end, prefix = reader.segment_end(block, 0, len(block) - 1)
    assert prefix == b"2026-11-22T19:20"
    assert block[end + 1 :].startswith(b'{"timestamp":"2026-11-22T19:21')
    run = reader.read(block, 0, end, prefix)
    assert run is not None
    assert run.by_type == Counter({b"a": 1, b"b": 1, b"": 1})
    assert run.per_key == Counter({b"2026-11-22T19:20": 3})


def test_mixed_run_keys_each_line() -> None:
    """Unsorted lines are read with each line's own time key."""
    block = block_of(
        line("2026-11-22T19:21:00.000Z", "a"),
        line("2026-11-22T19:20:00.000Z", ""),
        line("2026-11-22T19:21:30.000Z", "a", n=3),
    )
    reader = RunReader(16)
    assert reader.read(block, 0, len(block) - 1, b"2026-11-22T19:21") is None
    run = reader.read(block, 0, len(block) - 1, None)
    assert run is not None
    assert run.counts == Counter({(b"2026-11-22T19:21", b"a"): 2, (b"2026-11-22T19:20", b""): 1})
    assert run.per_key == Counter({b"2026-11-22T19:21": 2, b"2026-11-22T19:20": 1})


def test_other_layouts_are_not_runs() -> None:
    """A line in another layout, or with a second event_type key, is not read as a run."""
    reader = RunReader(16)
    other = block_of(line("2026-11-22T19:20:01.000Z", "a"), b'{"event_type": "a"}')
    assert reader.read(other, 0, len(other) - 1, None) is None
    repeated = block_of(line("2026-11-22T19:20:01.000Z", "a")[:-1] + b',"event_type":"b"}')
    assert reader.read(repeated, 0, len(repeated) - 1, None) is None
    foreign = other.index(b'\n{"event_type"')
    assert reader.segment_end(other, foreign, len(other) - 1) == (len(other) - 1, None)


def test_a_line_not_ending_with_a_brace_is_not_a_run() -> None:
    """A cut envelope line (no closing brace), or one with text after it, is not read as a run."""
    reader = RunReader(16)
    whole = line("2026-11-22T19:20:01.000Z", "a", n=1)
    for bad in (whole[:-1], whole + b" trailing", whole[:-3]):
        block = block_of(line("2026-11-22T19:20:00.000Z", "a"), bad)
        assert reader.read(block, 0, len(block) - 1, None) is None
        assert reader.read(block, 0, len(block) - 1, b"2026-11-22T19:20") is None
    block = block_of(line("2026-11-22T19:20:00.000Z", "a"), whole)
    assert reader.read(block, 0, len(block) - 1, b"2026-11-22T19:20") is not None
