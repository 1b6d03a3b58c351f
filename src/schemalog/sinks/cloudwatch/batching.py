"""PutLogEvents limits, and cutting a run of events into batches that respect them.

An event is ``(timestamp_ms, message_bytes)``. CloudWatch Logs counts a batch as the sum of
the UTF-8 message bytes plus 26 bytes per event, at most 1,048,576 bytes and 10,000 events,
spanning at most 24 hours, in chronological order; it refuses events more than 2 hours ahead
or 14 days old. Everything here is pure: no I/O, no boto3.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, repeat
from operator import add, itemgetter
from typing import Any, Final

import orjson

from schemalog._core.render import fit

#: One log event: epoch milliseconds and the UTF-8 message.
Event = tuple[int, bytes]

EVENT_OVERHEAD: Final = 26
MAX_BATCH_BYTES: Final = 1_048_576
MAX_BATCH_EVENTS: Final = 10_000
#: The limit on one event's message: 256 KiB minus the overhead works in every region and SDK
#: (CloudWatch raised it to 1 MiB in 2025; pass ``max_event_bytes`` to use more).
DEFAULT_MAX_EVENT_BYTES: Final = 256 * 1024 - EVENT_OVERHEAD
LARGEST_EVENT_BYTES: Final = MAX_BATCH_BYTES - EVENT_OVERHEAD
#: A batch spans at most 24 hours; keep a minute of margin for clock rounding.
MAX_SPAN_MS: Final = 24 * 3600 * 1000 - 60_000
TRUNCATION_MARKER: Final = b"...[schemalog: truncated from %d bytes]"
#: CloudWatch refuses events more than 2 hours ahead or 14 days old; a minute of margin
#: covers the time a batch takes to arrive and a clock that is a little off.
MAX_AHEAD_MS: Final = 2 * 3600 * 1000 - 60_000
MAX_AGE_MS: Final = 14 * 86400 * 1000 - 60_000


def event_size(event: Event) -> int:
    """Return the bytes ``event`` counts toward a batch (message plus the 26-byte overhead)."""
    return len(event[1]) + EVENT_OVERHEAD


def fit_message(message: bytes, max_bytes: int) -> tuple[bytes, bool]:
    """Return ``message`` cut to ``max_bytes`` with a marker, and whether it was cut.

    A JSON object stays a JSON object: its longest values are cut as the pipeline's size
    guard cuts them, and ``truncated`` lists them. Anything else is cut at a UTF-8 boundary
    and ends with a marker saying how long the message was.
    """
    if len(message) <= max_bytes:
        return message, False
    if message.startswith(b"{"):
        line = _fit_json(message, max_bytes)
        if line is not None:
            return line, True
    marker = TRUNCATION_MARKER % len(message)
    keep = max(0, max_bytes - len(marker))
    # Step back over UTF-8 continuation bytes (0b10xxxxxx) so no character is split.
    while keep > 0 and (message[keep] & 0xC0) == 0x80:
        keep -= 1
    return message[:keep] + marker, True


def _fit_json(message: bytes, max_bytes: int) -> bytes | None:
    """Cut a JSON object line to ``max_bytes``, keeping it JSON (None: not an object, or no fit)."""
    try:
        record: Any = orjson.loads(message)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    line, _ = fit(record, message, max_bytes)
    return line if len(line) <= max_bytes else None


def out_of_window(event: Event, now_ms: int) -> str | None:
    """Say why CloudWatch would refuse ``event`` for its time (``too_far_ahead``, ``too_old``)."""
    timestamp = event[0]
    if timestamp > now_ms + MAX_AHEAD_MS:
        return "too_far_ahead"
    if timestamp < now_ms - MAX_AGE_MS:
        return "too_old"
    return None


class BatchBuilder:
    """Collects events into one batch until the next would break a PutLogEvents limit.

    ``max_bytes`` and ``max_events`` may be lowered (tests, or a proxy with a smaller limit).
    """

    def __init__(self, max_bytes: int = MAX_BATCH_BYTES, max_events: int = MAX_BATCH_EVENTS):
        self.max_bytes = max_bytes
        self.max_events = max_events
        self.events: list[Event] = []
        self.size = 0
        self._low = 0
        self._high = 0

    def fits(self, event: Event) -> bool:
        """Whether ``event`` can join the batch without breaking a limit."""
        if not self.events:
            return True
        if len(self.events) >= self.max_events:
            return False
        if self.size + event_size(event) > self.max_bytes:
            return False
        timestamp = event[0]
        return max(self._high, timestamp) - min(self._low, timestamp) <= MAX_SPAN_MS

    def add(self, event: Event) -> None:
        """Add ``event`` (call :meth:`fits` first)."""
        timestamp = event[0]
        if self.events:
            self._low = min(self._low, timestamp)
            self._high = max(self._high, timestamp)
        else:
            self._low = self._high = timestamp
        self.events.append(event)
        self.size += event_size(event)

    def sorted_events(self) -> list[Event]:
        """Return the batch in chronological order (a stable sort: equal times keep their order)."""
        return sorted(self.events, key=_timestamp)


_timestamp: Final = itemgetter(0)
_message: Final = itemgetter(1)


def take_batch(
    peek: Callable[[], Event | None],
    pop: Callable[[], object],
    builder: BatchBuilder,
) -> list[Event]:
    """Move events from a source into ``builder`` while they fit; return the sorted batch.

    ``peek`` returns the next event without removing it (None when the source is empty) and
    ``pop`` removes it.
    """
    while True:
        event = peek()
        if event is None or not builder.fits(event):
            break
        builder.add(event)
        pop()
    return builder.sorted_events()


def running_sizes(events: Sequence[Event]) -> list[int]:
    """Return the running batch sizes of ``events``: item ``i`` counts events ``0..i``.

    Computed in C (no Python call per event), once per run of events, so that cutting a batch
    out of the run with :func:`cut_batch` costs a binary search, not a loop over its events.
    """
    sizes = map(add, map(len, map(_message, events)), repeat(EVENT_OVERHEAD))
    return list(accumulate(sizes))


def cut_batch(
    events: Sequence[Event],
    ends: Sequence[int],
    start: int,
    max_bytes: int = MAX_BATCH_BYTES,
    max_events: int = MAX_BATCH_EVENTS,
) -> tuple[list[Event], int, int]:
    """Cut the next batch out of a run of events, from index ``start``.

    ``ends`` is :func:`running_sizes` of the whole run. Returns the batch (sorted by time),
    the index just past it and its size in batch bytes. The batch is the longest prefix that
    keeps the limits, as :func:`take_batch` would take it (at least one event, so an event
    larger than ``max_bytes`` still goes, alone): the limits on bytes and events are found by
    bisection; the 24-hour span is checked on the result, and only a batch that breaks it is
    cut again, event by event.
    """
    base = ends[start - 1] if start else 0
    limit = min(len(events), start + max_events)
    stop = max(start + 1, bisect_right(ends, base + max_bytes, start, limit))
    batch = list(events[start:stop])
    if len(batch) > 1:
        stamps = list(map(_timestamp, batch))
        if max(stamps) - min(stamps) > MAX_SPAN_MS:
            builder = BatchBuilder(max_bytes, max_events)
            for event in batch:
                if not builder.fits(event):
                    break
                builder.add(event)
            batch = builder.events
            stop = start + len(batch)
        batch.sort(key=_timestamp)
    return batch, stop, ends[stop - 1] - base


def split(batch: list[Event]) -> tuple[list[Event], list[Event]]:
    """Cut a batch in two halves, keeping the order (to isolate an event CloudWatch refuses)."""
    middle = len(batch) // 2
    return batch[:middle], batch[middle:]


def rejected_indexes(info: dict[str, int] | None, count: int) -> set[int]:
    """Return the indexes of a batch of ``count`` events that ``rejectedLogEventsInfo`` names.

    AWS documents ``tooNewLogEventStartIndex`` as inclusive and ``tooOldLogEventEndIndex`` as
    exclusive; ``expiredLogEventEndIndex`` is undocumented and read as exclusive too.
    """
    if not info:
        return set()
    rejected: set[int] = set()
    new_start = info.get("tooNewLogEventStartIndex")
    if new_start is not None:
        rejected.update(range(max(0, new_start), count))
    for key in ("tooOldLogEventEndIndex", "expiredLogEventEndIndex"):
        end = info.get(key)
        if end is not None:
            rejected.update(range(min(end, count)))
    return rejected
