"""Tests for the batcher: batches within every PutLogEvents limit, out-of-time events out."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import schemalog
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.batcher import Batcher, screen
from schemalog.sinks.cloudwatch.batching import (
    DEFAULT_MAX_EVENT_BYTES,
    EVENT_OVERHEAD,
    MAX_AGE_MS,
    MAX_AHEAD_MS,
    Event,
)
from schemalog.sinks.cloudwatch.faults import FaultProxy
from tests.sinks.cloudwatch.support import make_handler, read_back

HOUR_MS = 3600 * 1000


def test_a_run_is_cut_into_batches_in_order_within_the_limits() -> None:
    """Every event comes out once, in order, no batch over the event or byte limit."""
    now = int(time.time() * 1000)
    run: list[Event] = [(now + n, b"x" * (n % 50 + 1)) for n in range(1000)]
    batcher = Batcher(max_bytes=2000, max_events=30)
    batcher.load(run)
    out: list[Event] = []
    while batcher.pending:
        batch, size = batcher.next_batch()
        assert len(batch) <= 30
        assert size == sum(len(m) + EVENT_OVERHEAD for _, m in batch) <= 2000
        out += batch
    assert out == run


def test_a_batch_is_sorted_by_time() -> None:
    """Events logged out of time order go out sorted; equal times keep their order."""
    batcher = Batcher(max_bytes=1_000_000, max_events=100)
    batcher.load([(5, b"a"), (3, b"b"), (5, b"c"), (1, b"d")])
    assert batcher.next_batch() == ([(1, b"d"), (3, b"b"), (5, b"a"), (5, b"c")], 4 * 27)
    assert not batcher.pending


def test_screen_takes_out_events_too_far_ahead_or_too_old_with_their_reason() -> None:
    """Events over 2 hours ahead or 14 days old are counted by reason; the rest are kept."""
    now = 1_800_000_000_000
    batch: list[Event] = [
        (now - MAX_AGE_MS - 1, b"old"),
        (now - MAX_AGE_MS + 1000, b"old but fine"),
        (now, b"now"),
        (now + MAX_AHEAD_MS - 1000, b"ahead but fine"),
        (now + 3 * HOUR_MS, b"too far"),
        (now + 4 * HOUR_MS, b"further"),
    ]
    kept, refused = screen(batch, clock=lambda: now / 1000)
    assert [m for _, m in kept] == [b"old but fine", b"now", b"ahead but fine"]
    assert refused == {"too_far_ahead": 2, "too_old": 1}


def test_screen_keeps_a_batch_within_the_window_as_it_is() -> None:
    """A batch whose ends are in the window is returned unchanged, with nothing refused."""
    now = 1_800_000_000_000
    batch: list[Event] = [(now - HOUR_MS, b"a"), (now + HOUR_MS, b"b")]
    kept, refused = screen(batch, clock=lambda: now / 1000)
    assert kept is batch
    assert not refused


def strict_handler(proxy: FaultProxy, group: str, tmp_path: Path) -> CloudWatchLogsHandler:
    """Make a handler behind a proxy that refuses what CloudWatch refuses and moto lets through."""
    proxy.aws_rules = True
    proxy.max_event_bytes = DEFAULT_MAX_EVENT_BYTES
    return make_handler(proxy, group, tmp_path, send_interval=5.0)


@pytest.mark.parametrize("case", [(3 * HOUR_MS, "too_far_ahead"), (-15 * 24 * HOUR_MS, "too_old")])
def test_an_event_out_of_the_time_window_is_never_sent_and_counted_by_reason(
    proxy: FaultProxy,
    group: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[int, str],
) -> None:
    """Too far ahead or too old: kept from CloudWatch, counted as dropped:<reason>, reported."""
    offset_ms, reason = case
    handler = strict_handler(proxy, group, tmp_path)
    proxy.reject_marker = b"out of window"  # would fail the request, were it ever sent
    now = int(time.time() * 1000)
    handler.enqueue((now, b"in window"))
    for _ in range(3):
        handler.enqueue((now + offset_ms, b"out of window"))
    assert handler.flush(10)
    assert read_back(proxy.url, group) == ["in window"]
    assert proxy.total("PutLogEvents", "invalid") == proxy.total("PutLogEvents", "aws_rule") == 0
    assert schemalog.stats()[f"dropped:{reason}"] == 3
    assert handler.stats()["rejected"] == 3
    assert f"3 events {reason.replace('_', ' ')} for CloudWatch" in capsys.readouterr().err
    handler.close()


def test_each_reason_is_reported_though_another_report_came_just_before(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A drop for a new reason is reported with its count, not swallowed by the rate limit."""
    handler = strict_handler(proxy, group, tmp_path)
    now = int(time.time() * 1000)
    handler.enqueue((now + 3 * HOUR_MS, b"ahead"))
    assert handler.flush(10)
    handler.enqueue((now - 15 * 24 * HOUR_MS, b"old"))
    handler.enqueue((now - 15 * 24 * HOUR_MS - 1000, b"older"))
    assert handler.flush(10)
    err = capsys.readouterr().err
    assert "1 events too far ahead for CloudWatch" in err
    assert "2 events too old for CloudWatch" in err
    handler.close()


def test_events_spanning_more_than_24_hours_go_in_separate_batches(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """A run spanning 30 hours is cut so that no PutLogEvents spans more than 24 hours."""
    handler = strict_handler(proxy, group, tmp_path)
    now = int(time.time() * 1000)
    stamps = [now - 30 * HOUR_MS, now - 20 * HOUR_MS, now - 5 * HOUR_MS, now]
    for stamp in stamps:
        handler.enqueue((stamp, b"at %d" % stamp))
    assert handler.flush(10)
    assert read_back(endpoint, group) == [f"at {stamp}" for stamp in stamps]
    assert proxy.total("PutLogEvents", "aws_rule") == 0
    assert proxy.total("PutLogEvents", "pass") == 2
    handler.close()
