"""``EventQueue``: the bounded hand-over between the threads that log and the sender thread.

Callers :meth:`~EventQueue.put` events under one short lock; past the bound (events or bytes)
they go to the spill file, and past the spill bound they are dropped and counted. The sender
waits in :meth:`~EventQueue.wait_for_work` and takes the whole queue in one swap, so callers
wait only as long as a swap takes. The queue also keeps the accounting every other part reads:
how many events were accepted and settled (sent, refused or given up), and the sink's counts,
all written under its lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from time import monotonic
from typing import Final, Literal

from schemalog.sinks.cloudwatch.batching import EVENT_OVERHEAD, BatchBuilder, Event
from schemalog.sinks.cloudwatch.settings import Settings
from schemalog.sinks.cloudwatch.spill import SpillFile

#: The counts of ``handler.stats()`` kept here (``queued`` is computed).
COUNTS: Final = ("sent", "retried", "rejected", "spilled", "replayed", "adopted", "dropped")
#: Why :meth:`EventQueue.put` dropped an event: closed, spill full, or the spill's OSError.
DropReason = Literal["closed", "full"] | OSError


class Spilled:
    """A batch read back from the spill file, and the offset to mark consumed once settled."""

    __slots__ = ("end", "events")

    def __init__(self, events: list[Event], end: int) -> None:
        self.events = events
        self.end = end


class EventQueue:
    """Bounded in memory, then spilled to disk; one lock (with a Condition) guards it all."""

    def __init__(self, settings: Settings, spill: SpillFile, *, closed: bool = False) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.spill = spill
        self._events: list[Event] = []  # callers append here, under the lock
        self._bytes = 0  # batch bytes in memory (here and in the sender's share)
        self.in_memory = 0  # events in memory (here and in the sender's share)
        self._oldest_at = 0.0
        # How many events the fast path of put() may queue: 0 while spilling or closed, so
        # that a single comparison sends those cases to the slow path.
        self._room = 0 if closed else settings.max_queue_events
        self.accepted = 0  # events queued or spilled, ever
        self.settled = 0  # of those: sent, refused or given up
        self.unspilled = 0  # spilled events settled: the others are still in the spill file
        self.closed = closed
        self.stopping = False
        self.flush_wanted = False
        self.stalled_at = -1  # ``settled`` when a flush() last gave up waiting
        self.abandoned = threading.Event()
        self.counts = dict.fromkeys((*COUNTS, "truncated"), 0)  # always under the lock
        self._wake_events = max(1, min(settings.max_batch_events, settings.max_queue_events // 2))
        self._wake_bytes = max(1, min(settings.max_batch_bytes, settings.max_queue_bytes // 2))

    # -- the caller's side ----------------------------------------------------------------------

    def put(self, event: Event, *, truncated: bool = False) -> DropReason | None:
        """Queue one event, or spill it when the queue is full; return why it was dropped."""
        size = len(event[1]) + EVENT_OVERHEAD
        with self.lock:
            queued = self.in_memory
            if queued < self._room and self._bytes + size <= self.settings.max_queue_bytes:
                events = self._events
                if not events:
                    self._oldest_at = monotonic()
                events.append(event)
                self.in_memory = queued = queued + 1
                self._bytes += size
                self.accepted += 1
                # Wake the sender only when a batch is worth sending (it wakes by itself
                # when the oldest event has waited send_interval).
                if queued == self._wake_events or (
                    self._wake_bytes <= self._bytes < self._wake_bytes + size
                ):
                    self.cond.notify_all()
                dropped = None
            else:
                dropped = self._put_slow(event)
            if truncated:
                self.counts["truncated"] += 1
        return dropped

    def _put_slow(self, event: Event) -> DropReason | None:
        """After close, while spilling, or with the queue full (called under the lock)."""
        if self.closed:
            self.counts["dropped"] += 1
            return "closed"
        try:
            spilled = self.spill.append(event)
        except OSError as error:
            self.counts["dropped"] += 1
            return error
        if not spilled:
            self.counts["dropped"] += 1
            return "full"
        self._room = 0
        self.counts["spilled"] += 1
        self.accepted += 1
        if not self.in_memory:
            self.cond.notify_all()
        return None

    def count(self, name: str, number: int) -> None:
        """Add ``number`` to one of the counts."""
        with self.lock:
            self.counts[name] += number

    # -- the sender's side ----------------------------------------------------------------------

    def wait_for_work(
        self, max_wait: float, builder: Callable[[], BatchBuilder]
    ) -> list[Event] | Spilled | None:
        """Wait for events to send, at most ``max_wait`` seconds.

        Returns the whole in-memory queue (to cut into batches), a batch from the spill file,
        an empty list when ``max_wait`` passed with nothing to send, or None when the sender
        should stop.
        """
        give_up_at = monotonic() + max_wait
        with self.cond:
            while not self.abandoned.is_set():
                now = monotonic()
                if self._events:
                    due_at = self._oldest_at + self.settings.send_interval
                    if self._worth_sending(now >= due_at):
                        events, self._events = self._events, []
                        return events
                    # Events wait: the stats event comes after they are sent, not before.
                    self.cond.wait(due_at - now)
                    continue
                if self.spill.pending:
                    # Read outside the lock: callers may append meanwhile, past ``end``.
                    end = self.spill.written
                    self.cond.release()
                    try:
                        return Spilled(*self.spill.read_batch(builder(), end))
                    finally:
                        self.cond.acquire()
                self.flush_wanted = False
                if self.stopping:
                    return None
                if now >= give_up_at:
                    return []
                self.cond.wait(give_up_at - now)
        return None

    def _worth_sending(self, due: bool) -> bool:
        return (
            due
            or self.flush_wanted
            or self.stopping
            or self.in_memory >= self._wake_events
            or self._bytes >= self._wake_bytes
            or self.spill.pending
        )

    def taken(self, events: int, size: int) -> None:
        """Free the room of ``events`` (``size`` batch bytes) the sender cut out of its share."""
        with self.lock:
            self.in_memory -= events
            self._bytes -= size

    def settle(self, count: int, spill_end: int | None, *, delivered: bool) -> None:
        """Mark ``count`` events done (sent or refused); wake whoever waits in flush()."""
        with self.cond:
            self.settled = min(self.accepted, self.settled + count)
            if spill_end is not None:
                self.unspilled += count
                if delivered:
                    self.counts["replayed"] += count
                self.spill.consumed(spill_end)
                if not self.spill.pending:
                    self._room = 0 if self.closed else self.settings.max_queue_events
            self.cond.notify_all()

    # -- flush, close, abandon -----------------------------------------------------------------

    def wait_settled(self, deadline: float, alive: Callable[[], bool]) -> bool:
        """Wait until every event accepted so far is settled; False at ``deadline``."""
        with self.cond:
            target = self.accepted
            if self.settled >= target:
                return True
            self.flush_wanted = True
            self.cond.notify_all()
            while self.settled < target:
                remaining = deadline - monotonic()
                if remaining <= 0 or not alive():
                    self.stalled_at = self.settled
                    return False
                self.cond.wait(remaining)
            return True

    def close(self) -> bool | None:
        """Stop taking events; return whether a flush() just waited its full time for nothing.

        Returns None when it was closed before.
        """
        with self.cond:
            if self.closed:
                return None
            self.closed = True
            self._room = 0
            return self.stalled_at == self.settled

    def stop(self) -> None:
        """Let the sender end once it has nothing left to send."""
        with self.cond:
            self.stopping = True
            self.cond.notify_all()

    def abandon(self) -> tuple[int, int]:
        """Give up on what waits: return how many events in memory are lost, and spilled left."""
        with self.cond:
            self.closed = self.stopping = True
            self._room = 0
            self.abandoned.set()
            self.cond.notify_all()
            waiting = self.accepted - self.settled
            # min: on a second call nothing is waiting, though the spilled ones stay unsettled.
            left = min(waiting, self.counts["spilled"] - self.unspilled)
            lost = waiting - left
            self.settled = self.accepted
            self.counts["dropped"] += lost
            self.spill.close(remove=not self.spill.pending)
        return lost, left

    def release_spill(self) -> None:
        """Close the spill file (removing it when nothing waits in it)."""
        with self.cond:
            self.spill.close(remove=not self.spill.pending)

    def snapshot(self) -> dict[str, int]:
        """Return the counts, with ``queued`` (waiting now, in memory or spilled)."""
        with self.cond:
            counts = {name: self.counts[name] for name in COUNTS}
            counts["queued"] = self.accepted - self.settled
            counts["truncated"] = self.counts["truncated"]
        return counts
