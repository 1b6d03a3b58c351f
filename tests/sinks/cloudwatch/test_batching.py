"""Tests for the pure batch limits: sizes, counts, the 24-hour span, truncation."""

from __future__ import annotations

from collections import deque

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_fit_message_keeps_a_json_line_json_and_says_what_was_cut() -> None:
    """A JSON object over the limit stays a JSON object: its longest value is cut, and named."""
    record = {"event_type": "log", "message": "m" * 5000, "other": "kept"}
    cut, truncated = fit_message(orjson.dumps(record), 1000)
    assert truncated
    assert len(cut) <= 1000
    parsed = orjson.loads(cut)
    assert parsed["truncated"] == ["$.message"]
    assert parsed["message"].startswith("mmm")
    assert (parsed["event_type"], parsed["other"]) == ("log", "kept")


@settings(max_examples=60, deadline=None)
@given(
    record=st.dictionaries(
        st.text(min_size=1, max_size=12),
        st.one_of(
            st.text(max_size=3000),
            st.integers(min_value=-(2**63), max_value=2**63 - 1),
            st.lists(st.text(max_size=800), max_size=5),
            st.dictionaries(st.text(max_size=5), st.text(max_size=1500), max_size=3),
        ),
        max_size=8,
    ),
    max_bytes=st.integers(min_value=1024, max_value=4096),
)
def test_fit_message_always_gives_a_json_object_within_the_limit(
    record: dict[str, object], max_bytes: int
) -> None:
    """Any JSON object line, cut to any limit from 1 KiB, is a JSON object within the limit."""
    line = orjson.dumps({"event_type": "x", **record})
    cut, truncated = fit_message(line, max_bytes)
    assert len(cut) <= max_bytes
    assert truncated == (len(line) > max_bytes)
    assert isinstance(orjson.loads(cut), dict)


def test_fit_message_cuts_text_that_only_looks_like_json_as_text() -> None:
    """A message starting with '{' that is not a JSON object is cut with the text marker."""
    cut, truncated = fit_message(b"{not json" + b"x" * 2000, 500)
    assert truncated
    assert cut.endswith(b"[schemalog: truncated from 2009 bytes]")


def test_rejected_indexes_follow_the_documented_bounds() -> None:
    """The too-new index is inclusive; the too-old and expired ones are exclusive."""
    info = {"tooNewLogEventStartIndex": 8, "tooOldLogEventEndIndex": 2}
    assert rejected_indexes(info, 10) == {0, 1, 8, 9}
    assert rejected_indexes({"expiredLogEventEndIndex": 3}, 10) == {0, 1, 2}
    assert rejected_indexes(None, 10) == set()
