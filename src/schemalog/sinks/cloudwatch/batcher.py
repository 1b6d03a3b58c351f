"""``Batcher``: the sender's share of the queue, cut into PutLogEvents batches.

The sender takes the whole in-memory queue at once (:meth:`EventQueue.wait_for_work`) and
loads it here. The running sizes of the share are computed once, so each batch costs a
bisection and a slice, not a Python step per event. :func:`screen` then takes out of a batch
the events CloudWatch would refuse for their time, before anything is sent.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from schemalog.sinks.cloudwatch.batching import Event, cut_batch, out_of_window, running_sizes


class Batcher:
    """Holds the events taken from the queue and cuts them into batches, in order."""

    def __init__(self, max_bytes: int, max_events: int) -> None:
        self.max_bytes = max_bytes
        self.max_events = max_events
        self._events: list[Event] = []
        self._ends: list[int] = []  # running_sizes(self._events), computed on the first cut
        self._next = 0  # the next event to send

    @property
    def pending(self) -> bool:
        """Whether events are left to cut into batches."""
        return self._next < len(self._events)

    def load(self, events: list[Event]) -> None:
        """Take a run of events (the queue as it was), once the previous run is all sent."""
        self._events, self._ends, self._next = events, [], 0

    def next_batch(self) -> tuple[list[Event], int]:
        """Cut the next batch (sorted by time); return it and its size in batch bytes."""
        events = self._events
        if not self._ends:
            self._ends = running_sizes(events)
        batch, self._next, size = cut_batch(
            events, self._ends, self._next, self.max_bytes, self.max_events
        )
        if self._next >= len(events):
            self._events, self._ends, self._next = [], [], 0
        return batch, size


def screen(
    batch: list[Event], clock: Callable[[], float] = time.time
) -> tuple[list[Event], Counter[str]]:
    """Split off the events CloudWatch refuses for their time; return the rest and why, counted.

    The reasons are ``too_far_ahead`` (more than 2 hours ahead) and ``too_old`` (14 days).
    """
    now_ms = int(clock() * 1000)
    refused: Counter[str] = Counter()
    # Batches are sorted: look at every event only when one of the ends is out of the window.
    if not batch or (
        out_of_window(batch[0], now_ms) is None and out_of_window(batch[-1], now_ms) is None
    ):
        return batch, refused
    kept = []
    for event in batch:
        reason = out_of_window(event, now_ms)
        if reason is None:
            kept.append(event)
        else:
            refused[reason] += 1
    return kept, refused
