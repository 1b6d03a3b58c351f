"""Tests for the sink's queue: its bound, spilling past it, counts under its lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import schemalog
from schemalog.sinks.cloudwatch.batching import BatchBuilder
from schemalog.sinks.cloudwatch.faults import FaultProxy
from schemalog.sinks.cloudwatch.queue import EventQueue, Spilled
from schemalog.sinks.cloudwatch.settings import Settings
from schemalog.sinks.cloudwatch.spill import SpillFile
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


def make_queue(tmp_path: Path, **options: Any) -> EventQueue:
    settings = Settings(log_group="g", spill_dir=tmp_path, **options)
    return EventQueue(settings, SpillFile(tmp_path / "g.spill", settings.spill_max_bytes))


def test_the_queue_holds_events_up_to_its_bound_then_spills(tmp_path: Path) -> None:
    """Events past max_queue_events go to the spill file; all count as accepted."""
    queue = make_queue(tmp_path, max_queue_events=3)
    for number in range(5):
        assert queue.put((number, b"e%d" % number)) is None
    assert (queue.in_memory, queue.accepted) == (3, 5)
    assert queue.snapshot()["spilled"] == 2
    assert queue.spill.pending


def test_the_queue_is_taken_whole_once_due(tmp_path: Path) -> None:
    """wait_for_work hands over the queue once send_interval has passed, in order."""
    queue = make_queue(tmp_path, send_interval=0.05)
    events = [(n, b"e") for n in range(10)]
    for event in events:
        queue.put(event)
    started = time.monotonic()
    assert queue.wait_for_work(5.0, BatchBuilder) == events
    assert 0.04 <= time.monotonic() - started < 2.0


def test_an_idle_queue_returns_nothing_at_max_wait_and_none_once_stopped(tmp_path: Path) -> None:
    """With nothing queued the sender gets [] after max_wait, and None after stop()."""
    queue = make_queue(tmp_path)
    assert queue.wait_for_work(0.01, BatchBuilder) == []
    queue.stop()
    assert queue.wait_for_work(5.0, BatchBuilder) is None


def test_spilled_events_come_back_as_a_batch_with_their_end(tmp_path: Path) -> None:
    """Once the memory is empty, the spill file is read back as a batch and its offset."""
    queue = make_queue(tmp_path, max_queue_events=1)
    queue.put((1, b"kept in memory"))
    queue.put((2, b"spilled"))
    assert queue.wait_for_work(5.0, BatchBuilder) == [(1, b"kept in memory")]
    queue.taken(1, len(b"kept in memory") + 26)
    work = queue.wait_for_work(5.0, BatchBuilder)
    assert isinstance(work, Spilled)
    assert work.events == [(2, b"spilled")]
    queue.settle(1, work.end, delivered=True)
    assert not queue.spill.pending
    assert queue.snapshot()["replayed"] == 1


def test_wait_settled_ends_when_settled_or_at_its_deadline(tmp_path: Path) -> None:
    """wait_settled returns False at the deadline, True once every event is settled."""
    queue = make_queue(tmp_path)
    queue.put((1, b"a"))
    assert queue.wait_settled(time.monotonic() + 0.02, lambda: True) is False
    assert queue.close() is True  # that flush waited for nothing
    assert queue.close() is None  # closed before
    threading.Timer(0.05, queue.settle, (1, None), {"delivered": True}).start()
    assert queue.wait_settled(time.monotonic() + 5, lambda: True) is True


def test_after_close_events_are_dropped_and_said_so(tmp_path: Path) -> None:
    """put() after close() drops the event, counts it and says why."""
    queue = make_queue(tmp_path)
    queue.close()
    assert queue.put((1, b"late")) == "closed"
    assert queue.snapshot()["dropped"] == 1


def test_abandon_counts_memory_as_lost_and_leaves_the_spilled(tmp_path: Path) -> None:
    """abandon() returns the events in memory as lost and the spilled ones as left."""
    queue = make_queue(tmp_path, max_queue_events=2)
    for number in range(5):
        queue.put((number, b"e"))
    assert queue.abandon() == (2, 3)
    assert queue.abandoned.is_set()
    assert queue.snapshot()["dropped"] == 2
    assert (tmp_path / "g.spill").exists()  # kept for the next handler of the group
