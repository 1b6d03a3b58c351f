"""The envelope: ``timestamp`` and ``event_id``, stamped on every record from one instant.

The envelope's names and levels are the record contract, in :mod:`schemalog.record`.
"""

from __future__ import annotations

import os
import time
from typing import Final

from schemalog._core import lifecycle

_TAIL_BATCH: Final = 512
#: A millisecond range no instant is in: the cache starts empty.
_NO_MILLIS: Final = (1.0, 0.0)


class Stamper:
    """Stamps ``timestamp`` and ``event_id`` for one instant, both from one millisecond value.

    ``timestamp`` is RFC 3339 UTC with milliseconds and ``Z``. ``event_id`` is a UUIDv7
    (RFC 9562): 48 bits of Unix milliseconds, so ids sort by time; 26 random bits drawn once
    per process; 48 random bits per event. The per-event bits come from ``os.urandom`` in
    batches, pre-cut into hex strings, so an id costs a list ``pop`` (atomic: threads never
    share one); a forked child discards the batch and draws its own. Everything but the
    per-event bits is cached per millisecond, and the date part per second. The millisecond
    is told by comparing floats: ``int()`` would cost more than the rest.
    """

    def __init__(self) -> None:
        self._draw()
        self._second: tuple[int | None, str] = (None, "")  # no second is None: none cached
        lifecycle.after_fork_in_child(self._draw)

    def _draw(self) -> None:
        random_bits = int.from_bytes(os.urandom(4))
        self._process_part = (
            f"7{random_bits & 0xFFF:03x}-{0x8000 | (random_bits >> 12) & 0x3FFF:04x}-"
        )
        #: The millisecond cached, as ``[start, end)`` in milliseconds, and its stamps.
        self._millis: tuple[float, float, str, str] = (*_NO_MILLIS, "", "")
        self._tails: list[str] = []

    def _refill(self) -> str:
        pool = os.urandom(6 * _TAIL_BATCH).hex()
        tails = [pool[i : i + 12] for i in range(0, len(pool), 12)]
        tail = tails.pop()
        self._tails = tails  # a racing refill only discards unused random bits
        return tail

    def __call__(self, epoch: float) -> tuple[str, str]:
        """Return ``(timestamp, event_id)`` for ``epoch`` (Unix seconds)."""
        millis = epoch * 1000
        cache = self._millis  # one read: a racing thread never mixes two instants
        if not cache[0] <= millis < cache[1]:
            cache = self._refresh(millis)
        try:
            tail = self._tails.pop()
        except IndexError:
            tail = self._refill()
        return cache[2], cache[3] + tail

    def timestamp(self, epoch: float) -> str:
        """Return only the ``timestamp`` for ``epoch``."""
        millis = epoch * 1000
        cache = self._millis
        return cache[2] if cache[0] <= millis < cache[1] else self._refresh(millis)[2]

    def _refresh(self, epoch_millis: float) -> tuple[float, float, str, str]:
        millis = int(epoch_millis)
        if millis > epoch_millis:  # int() truncates towards 0: before 1970, the millisecond below
            millis -= 1
        second, ms = divmod(millis, 1000)
        date_part = self._second
        if date_part[0] != second:
            date_part = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
            self._second = date_part
        hex_millis = f"{millis & 0xFFFF_FFFF_FFFF:012x}"
        cache = (  # [millis, millis + 1) holds exactly its instants: floats hold these integers
            float(millis),
            float(millis + 1),
            f"{date_part[1]}.{ms:03d}Z",  # once a millisecond: no table built at import
            f"{hex_millis[:8]}-{hex_millis[8:]}-{self._process_part}",
        )
        self._millis = cache
        return cache
