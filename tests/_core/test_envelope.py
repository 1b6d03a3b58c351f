"""Tests for schemalog._core.envelope: reserved names, timestamps and event ids."""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemalog._core.envelope import Stamper
from schemalog.record import CONTEXT_NAMES, RESERVED_NAMES, STAMPED_NAMES, level_name


def test_context_names_are_reserved_but_settable() -> None:
    """Context names are envelope names a caller may set; stamped names are not settable."""
    assert CONTEXT_NAMES <= RESERVED_NAMES
    assert not CONTEXT_NAMES & STAMPED_NAMES
    assert {"timestamp", "event_id", "level", "message"} <= STAMPED_NAMES
    assert "schema_version" not in STAMPED_NAMES


@pytest.mark.parametrize(
    "epoch",
    [0.0, 1.0005, 1795000000.0071, 1795000000.999, 4102444799.5],
)
def test_timestamp_is_rfc3339_utc_with_milliseconds(epoch: float) -> None:
    """The timestamp equals the UTC time truncated to the millisecond, with Z."""
    timestamp, _ = Stamper()(epoch)
    expected = dt.datetime.fromtimestamp(int(epoch * 1000) / 1000, dt.UTC)
    assert (
        timestamp
        == expected.strftime("%Y-%m-%dT%H:%M:%S.") + f"{expected.microsecond // 1000:03d}Z"
    )


def test_event_ids_are_uuid7_carrying_their_millisecond() -> None:
    """An event id is a version 7 RFC 4122 UUID whose first 48 bits are the milliseconds."""
    _, event_id = Stamper()(1795000000.25)
    parsed = uuid.UUID(event_id)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == 1795000000250


def test_event_ids_sort_by_time() -> None:
    """Ids of later milliseconds sort after earlier ones."""
    stamp = Stamper()
    ids = [stamp(1795000000 + i / 1000)[1] for i in range(50)]
    assert ids == sorted(ids)


def test_event_ids_unique_across_threads() -> None:
    """Eight threads drawing 20,000 ids each in the same millisecond never collide."""
    stamp = Stamper()
    results: list[list[str]] = []

    def draw() -> None:
        results.append([stamp(1.0)[1] for _ in range(20_000)])

    threads = [threading.Thread(target=draw) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [event_id for batch in results for event_id in batch]
    assert len(every) == len(set(every)) == 160_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_draws_its_own_ids() -> None:
    """A forked child's ids share nothing after the timestamp with the parent's."""
    stamp = Stamper()
    stamp(1.0)  # fill the parent's pool before forking
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        ids = "\n".join(stamp(1.0)[1] for _ in range(1000))
        os.write(write_end, ids.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        child_ids = set(pipe.read().split("\n"))
    os.waitpid(pid, 0)
    parent_ids = {stamp(1.0)[1] for _ in range(1000)}
    assert len(child_ids) == 1000
    assert not child_ids & parent_ids
    assert {i[14:23] for i in child_ids} != {i[14:23] for i in parent_ids}  # per-process bits


def test_level_names() -> None:
    """Standard levels have their lower-case names; custom levels use their registered name."""
    import logging

    assert [level_name(n) for n in (10, 20, 30, 40, 50)] == [
        "debug",
        "info",
        "warning",
        "error",
        "critical",
    ]
    logging.addLevelName(25, "NOTICE")
    assert level_name(25) == "notice"


def expected_timestamp(epoch: float) -> str:
    """Return the RFC 3339 timestamp of the millisecond ``epoch`` falls in."""
    when = dt.datetime.fromtimestamp(0, dt.UTC) + dt.timedelta(
        milliseconds=math.floor(epoch * 1000)
    )
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


@given(
    st.lists(
        st.one_of(
            st.floats(min_value=0, max_value=4102444799, allow_nan=False),
            st.integers(min_value=0, max_value=4102444799999).map(lambda ms: ms / 1000),
            st.floats(min_value=0, max_value=0.002, allow_nan=False),
            st.floats(min_value=-2, max_value=0, allow_nan=False),  # the seconds before 1970
            st.floats(min_value=-1e9, max_value=0, allow_nan=False),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_cached_millisecond_is_the_one_the_instant_is_in(epochs: list[float]) -> None:
    """Stamps from one stamper, in any order, are those of the millisecond each epoch is in."""
    stamp = Stamper()
    for epoch in [*epochs, *epochs]:
        timestamp, event_id = stamp(epoch)
        assert timestamp == stamp.timestamp(epoch) == expected_timestamp(epoch)
        assert uuid.UUID(event_id).int >> 80 == math.floor(epoch * 1000) & 0xFFFF_FFFF_FFFF


def test_the_second_before_1970_keeps_its_date() -> None:
    """An instant in the second before the epoch is stamped with its date, to the millisecond."""
    stamp = Stamper()
    assert stamp(-0.5)[0] == "1969-12-31T23:59:59.500Z"
    assert stamp(-0.0005)[0] == "1969-12-31T23:59:59.999Z"
