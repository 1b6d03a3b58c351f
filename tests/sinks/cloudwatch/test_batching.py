"""Tests for the sink's pure parts: batch limits, truncation, the spill file, sink strings."""

from __future__ import annotations

import errno
import os
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog._core.sinkspec import make_sink
from schemalog.exceptions import ConfigError
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler, parse_spec
from schemalog.sinks.cloudwatch.batching import (
    EVENT_OVERHEAD,
    MAX_BATCH_BYTES,
    MAX_SPAN_MS,
    BatchBuilder,
    Event,
    cut_batch,
    fit_message,
    rejected_indexes,
    running_sizes,
    take_batch,
)
from schemalog.sinks.cloudwatch.spill import SpillFile
from tests.conftest import wait_for_child


def drain(events: list[Event], **limits: int) -> list[list[Event]]:
    source = deque(events)
    batches = []
    while source:

        def peek() -> Event | None:
            return source[0] if source else None

        batches.append(take_batch(peek, source.popleft, BatchBuilder(**limits)))
    return batches


def test_batches_stop_at_ten_thousand_events() -> None:
    """No batch holds more than 10,000 events."""
    batches = drain([(1, b"x")] * 25_000)
    assert [len(b) for b in batches] == [10_000, 10_000, 5_000]


def test_batches_count_26_bytes_per_event() -> None:
    """A batch's size is its message bytes plus 26 per event, at most 1,048,576."""
    message = b"y" * 1000
    batches = drain([(1, message)] * 3000)
    per_batch = MAX_BATCH_BYTES // (1000 + EVENT_OVERHEAD)
    assert len(batches[0]) == per_batch
    assert sum(len(m) + EVENT_OVERHEAD for _, m in batches[0]) <= MAX_BATCH_BYTES
    assert sum(len(b) for b in batches) == 3000


def test_batches_span_at_most_24_hours_and_are_sorted() -> None:
    """Events more than a day apart go to different batches, each in chronological order."""
    day = 24 * 3600 * 1000
    events = [(5, b"a"), (1, b"b"), (3, b"c"), (day + 10, b"d"), (4, b"e")]
    batches = drain(events)
    assert batches == [[(1, b"b"), (3, b"c"), (5, b"a")], [(day + 10, b"d")], [(4, b"e")]]
    assert day > MAX_SPAN_MS


def test_sort_keeps_the_order_of_equal_timestamps() -> None:
    """Events logged in the same millisecond keep the order they were logged in."""
    events = [(7, b"%d" % n) for n in range(50)]
    assert drain(events) == [events]


def cut_all(events: list[Event], max_bytes: int, max_events: int) -> list[list[Event]]:
    ends = running_sizes(events)
    batches, start = [], 0
    while start < len(events):
        batch, stop, size = cut_batch(events, ends, start, max_bytes, max_events)
        assert size == sum(len(m) + EVENT_OVERHEAD for _, m in batch)
        batches.append(batch)
        start = stop
    return batches


_HOUR = 3600 * 1000


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.sampled_from([0, 1, 2, 5 * _HOUR, 20 * _HOUR, 25 * _HOUR, 49 * _HOUR]),
            st.binary(min_size=1, max_size=300),
        ),
        max_size=60,
    ),
    max_bytes=st.integers(1, 2000),
    max_events=st.integers(1, 12),
)
def test_cutting_a_run_gives_the_batches_event_by_event_building_gives(
    events: list[Event], max_bytes: int, max_events: int
) -> None:
    """cut_batch (bisection) and take_batch (one event at a time) cut the same batches."""
    assert cut_all(events, max_bytes, max_events) == drain(
        events, max_bytes=max_bytes, max_events=max_events
    )


def test_cutting_a_run_keeps_every_limit() -> None:
    """Batches cut from one run keep the byte, count and 24-hour limits, in time order."""
    day = 24 * _HOUR
    events = [(n % 7 + (day if n >= 15_000 else 0), b"z" * (n % 400 + 1)) for n in range(25_000)]
    batches = cut_all(events, MAX_BATCH_BYTES, 10_000)
    assert sum(len(b) for b in batches) == 25_000
    for batch in batches:
        assert len(batch) <= 10_000
        assert sum(len(m) + EVENT_OVERHEAD for _, m in batch) <= MAX_BATCH_BYTES
        assert batch[-1][0] - batch[0][0] <= MAX_SPAN_MS
        assert batch == sorted(batch, key=lambda event: event[0])


def test_fit_message_cuts_at_a_character_boundary_with_a_marker() -> None:
    """An oversized message is cut without splitting a UTF-8 character, and says so."""
    message = ("é" * 600).encode()
    cut, truncated = fit_message(message, 500)
    assert truncated
    assert len(cut) <= 500
    assert cut.endswith(b"[schemalog: truncated from 1200 bytes]")
    cut.decode("utf-8")  # no broken character
    assert fit_message(b"short", 500) == (b"short", False)


def test_rejected_indexes_follow_the_documented_bounds() -> None:
    """The too-new index is inclusive; the too-old and expired ones are exclusive."""
    info = {"tooNewLogEventStartIndex": 8, "tooOldLogEventEndIndex": 2}
    assert rejected_indexes(info, 10) == {0, 1, 8, 9}
    assert rejected_indexes({"expiredLogEventEndIndex": 3}, 10) == {0, 1, 2}
    assert rejected_indexes(None, 10) == set()


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


def replay_all(spill: SpillFile) -> list[Event]:
    replayed: list[Event] = []
    while spill.pending:
        batch, end = spill.read_batch(BatchBuilder(max_events=3), spill.written)
        replayed += batch
        spill.consumed(end)
    return replayed


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


@pytest.mark.parametrize(
    ("argument", "group", "stream"),
    [
        ("my-group", "my-group", None),
        ("my-group/api", "my-group", "api"),
        ("team/app/api", "team/app", "api"),
        ("/ecs/api", "/ecs/api", None),
        ("/ecs/api?stream=web-{pid}", "/ecs/api", "web-{pid}"),
    ],
)
def test_sink_string_names_group_and_stream(argument: str, group: str, stream: str | None) -> None:
    """GROUP[/STREAM] splits at the last slash, unless the group starts with one."""
    assert parse_spec(argument)[:2] == (group, stream)


def test_sink_string_options_and_errors(tmp_path: Path) -> None:
    """Options are converted and checked; unknown ones and bad groups are ConfigErrors."""
    handler = make_sink(
        f"cloudwatch:g/s?region=eu-west-1&max_queue_bytes=1MiB&send_interval=0.5"
        f"&spill_dir={tmp_path}"
    )
    assert isinstance(handler, CloudWatchLogsHandler)
    settings = handler.settings
    assert (handler.log_group, handler.log_stream, settings.region) == ("g", "s", "eu-west-1")
    assert (settings.max_queue_bytes, settings.send_interval) == (1024 * 1024, 0.5)
    handler.close()
    with pytest.raises(ConfigError, match="unknown option 'colour'"):
        make_sink("cloudwatch:g?colour=red")
    with pytest.raises(ConfigError, match="log group"):
        make_sink("cloudwatch:bad group!")
