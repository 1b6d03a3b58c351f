"""Tests for the sink's queue: its bound, spilling past it, counts under its lock."""

from __future__ import annotations

import time
from pathlib import Path

import schemalog
from schemalog.sinks.cloudwatch.faults import FaultProxy
from tests.sinks.cloudwatch.support import (
    logger_for,
    make_handler,
    read_back,
)


def test_outage_spills_and_replays_in_order(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """While the endpoint is down, events beyond the queue spill to disk and all arrive after."""
    handler = make_handler(proxy, group, tmp_path, max_queue_events=20, max_batch_events=25)
    log = logger_for(handler)
    log.info("event 0")
    assert handler.flush(10)
    proxy.down()
    for number in range(1, 400):
        log.info("event %d", number)
    time.sleep(0.3)
    assert handler.flush(0.1) is False
    spilled = handler.stats()["spilled"]
    assert spilled >= 300
    assert list((tmp_path / "spill").glob("*.spill"))
    proxy.up()
    assert handler.flush(10)
    assert read_back(endpoint, group) == [f"event {n}" for n in range(400)]
    stats = handler.stats()
    assert stats["replayed"] == spilled
    assert (stats["sent"], stats["dropped"], stats["queued"]) == (400, 0, 0)
    handler.close()
    assert not list((tmp_path / "spill").glob("*.spill"))


def test_past_the_spill_bound_events_are_dropped_and_counted(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Only past the queue and spill bounds are events dropped; the rest arrive, in order."""
    handler = make_handler(proxy, group, tmp_path, max_queue_events=10, spill_max_bytes=400)
    log = logger_for(handler)
    proxy.down()
    for number in range(100):
        log.info("event %03d", number)
    proxy.up()
    assert handler.flush(10)
    arrived = read_back(endpoint, group)
    stats = handler.stats()
    assert stats["dropped"] > 0
    assert len(arrived) == stats["sent"] == 100 - stats["dropped"]
    assert arrived == sorted(arrived)
    assert stats["spilled"] == stats["replayed"] > 0
    assert schemalog.stats()["sink_errors"] >= stats["dropped"]
    handler.close()


def test_counts_are_written_under_the_queue_lock(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """The sender and the logging threads both update the counts, always under the queue lock."""
    handler = make_handler(proxy, group, tmp_path, send_interval=5.0)
    unlocked: list[str] = []

    class LockChecked(dict[str, int]):
        def __setitem__(self, name: str, value: int) -> None:
            if not handler.queue.lock.locked():
                unlocked.append(name)
            super().__setitem__(name, value)

    handler.queue.counts = LockChecked(handler.queue.counts)
    proxy.set("throttle", count=1)
    now = int(time.time() * 1000)
    handler.enqueue((now, b"ok"))
    handler.enqueue((now + 3 * 3600 * 1000, b"from the future"))
    logger_for(handler).info("")
    assert handler.flush(10)
    stats = handler.stats()
    assert (stats["sent"], stats["rejected"], stats["retried"]) == (1, 2, 1)
    assert unlocked == []
    handler.close()


def test_memory_stays_within_the_queue_bound(proxy: FaultProxy, group: str, tmp_path: Path) -> None:
    """While CloudWatch is unreachable, what waits in memory never passes the queue bound."""
    proxy.set("hang")
    handler = make_handler(
        proxy, group, tmp_path, max_queue_events=100, max_batch_events=100, spill_max_bytes=0
    )
    log = logger_for(handler)
    for number in range(5000):
        log.info("event %d", number)
    stats = handler.stats()
    assert stats["queued"] <= 200  # the queue, plus at most one batch in flight
    assert stats["dropped"] == 5000 - stats["queued"]
    handler.abandon()
