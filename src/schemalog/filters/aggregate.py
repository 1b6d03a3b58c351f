"""Datapoints to CloudWatch statistics: Sum, SampleCount, Min, Max, Average per period.

Events are bucketed by their own ``timestamp`` field (RFC 3339). A period starts at a multiple
of the period since the Unix epoch, as CloudWatch's do. An event without a readable timestamp
goes to the undated bucket (``start`` None), and so does one whose moment or period start falls
outside the years 1 to 9999, which no RFC 3339 timestamp can name.

Timestamps in schemalog's own form (``2026-11-22T19:20:24.198Z``) are keyed by their leading
characters (the date, the hour, the minute or the second: whichever unit divides the period)
and converted to a time once per distinct key, which is what lets the scanner skip parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

from schemalog.filters.filters import Datapoint, MetricFilter

#: A bucket key: leading characters of an RFC 3339 UTC timestamp, whole epoch seconds, or None.
TimeKey = bytes | int | None

_STRICT: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\Z")
_FULL: Final = "0000-01-01T00:00:00"
#: Epoch seconds of the first and the last second a ``datetime`` can hold (years 1 to 9999).
_FIRST: Final = int(datetime(1, 1, 1, tzinfo=UTC).timestamp())
_LAST: Final = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())


def prefix_length(period: int) -> int:
    """How many leading timestamp characters identify a span that lies inside one period."""
    if period % 86400 == 0:
        return 10
    if period % 3600 == 0:
        return 13
    if period % 60 == 0:
        return 16
    return 19


def time_key(timestamp: str, length: int) -> TimeKey:
    """Return the bucket key of one event's ``timestamp`` value (None when it cannot be read)."""
    if _STRICT.match(timestamp):
        return timestamp[:length].encode()
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int(moment.timestamp() // 1)
    return seconds if _FIRST <= seconds <= _LAST else None


@lru_cache(maxsize=65536)
def key_seconds(key: bytes) -> int | None:
    """Epoch seconds at the start of the span a timestamp prefix names (None if invalid)."""
    text = key.decode("ascii", "replace")
    try:
        moment = datetime.strptime(text + _FULL[len(text) :], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    return int(moment.replace(tzinfo=UTC).timestamp())


@dataclass
class Stats:
    """Sum, SampleCount, Min and Max of the datapoints of one series in one period."""

    sum: float = 0.0
    count: float = 0  # a whole number unless sampled lines were scaled (scan's module doc)
    min: float = float("inf")
    max: float = float("-inf")

    def add(self, value: float, times: float = 1) -> None:
        """Add ``times`` datapoints of ``value`` (a fraction of times: a sampled line's weight)."""
        self.sum += value * times
        self.count += times
        self.min = min(self.min, value)
        self.max = max(self.max, value)

    def merge(self, other: Stats) -> None:
        """Add another period's statistics."""
        self.sum += other.sum
        self.count += other.count
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)

    @property
    def average(self) -> float:
        """Sum / SampleCount."""
        return self.sum / self.count if self.count else 0.0


Dimensions = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Row:
    """One metric series in one period: what ``schemalog count`` prints per line."""

    filter: MetricFilter
    start: int | None  # epoch seconds of the period start; None for undated events
    period: int
    dimensions: Dimensions
    stats: Stats = field(compare=False)


class Aggregator:
    """Collects datapoints per filter, bucket key and dimensions; rolls them up per period."""

    def __init__(self, filters: list[MetricFilter], period: int) -> None:
        if period < 1:
            raise ValueError("the period must be at least 1 second")
        self.filters = filters
        self.period = period
        self.series: dict[tuple[int, TimeKey, Dimensions], Stats] = {}

    def add(self, index: int, key: TimeKey, point: Datapoint | None, times: float = 1) -> None:
        """Record ``times`` identical datapoints of filter ``index`` (nothing for None)."""
        if point is None or times <= 0:
            return
        dims = tuple(sorted(point.dimensions.items())) if point.dimensions else ()
        slot = (index, key, dims)
        stats = self.series.get(slot)
        if stats is None:
            stats = self.series[slot] = Stats()
        stats.add(point.value, times)

    def rows(self, *, total: bool = False) -> list[Row]:
        """Return the series per period (or over the whole input with ``total``), sorted."""
        merged: dict[tuple[int, int | None, Dimensions], Stats] = {}
        for (index, key, dims), stats in self.series.items():
            start = None if total else self._start(key)
            slot = (index, start, dims)
            if slot in merged:
                merged[slot].merge(stats)
            else:
                merged[slot] = Stats(stats.sum, stats.count, stats.min, stats.max)
        ordered = sorted(
            merged.items(), key=lambda item: (item[0][0], _sortable(item[0][1]), item[0][2])
        )
        return [
            Row(self.filters[index], start, self.period, dims, stats)
            for (index, start, dims), stats in ordered
        ]

    def _start(self, key: TimeKey) -> int | None:
        seconds = key_seconds(key) if isinstance(key, bytes) else key
        if seconds is None:
            return None
        start = seconds - seconds % self.period
        return start if start >= _FIRST else None

    def filters_without_data(self) -> Iterator[MetricFilter]:
        """Yield the filters that published nothing."""
        used = {index for index, _, _ in self.series}
        for index, metric_filter in enumerate(self.filters):
            if index not in used:
                yield metric_filter


def _sortable(start: int | None) -> float:
    return float("inf") if start is None else float(start)
