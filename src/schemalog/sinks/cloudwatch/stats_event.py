"""The periodic ``schemalog_sink_stats`` event: what the sink did, written to the other sinks.

The event is an ordinary cataloged event (``schemas/schemalog_sink_stats/``), emitted through
the public logger API, so it is stamped, validated and redacted like every other one. Its
logger is one the CloudWatch handlers ignore: the event never reaches a CloudWatch sink,
whose counts it would change (and so make another event, without end).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Final

from schemalog._core.logger import get_logger
from schemalog._core.stats import STATS

#: The logger the periodic ``schemalog_sink_stats`` events come from.
STATS_LOGGER: Final = "schemalog.sink_stats"
#: The event's counts, in the order its schema lists them (``truncated`` is an envelope name:
#: the sink's count of cut messages goes as ``messages_cut``).
FIELDS: Final = ("sent", "retried", "rejected", "spilled", "replayed", "adopted", "dropped")


class StatsReporter:
    """Writes a stats event every ``interval`` seconds, when the counts changed since the last."""

    def __init__(self, sink: str, interval: float, clock: Callable[[], float] = time.monotonic):
        self.sink = sink
        self.interval = interval
        self._clock = clock
        self._last_at = clock()
        self._reported: dict[str, int] = {}

    def wait(self) -> float:
        """Seconds until the next event is due (an hour when there are none)."""
        if self.interval <= 0:
            return 3600.0
        return max(0.01, self._last_at + self.interval - self._clock())

    def tick(self, counts: Mapping[str, int]) -> bool:
        """Write the event if it is due and ``counts`` changed; return whether it was written.

        It is at ``warning`` level when events were dropped or rejected since the last one.
        """
        if self.interval <= 0:
            return False
        now = self._clock()
        if now - self._last_at < self.interval:
            return False
        self._last_at = now
        current = {name: counts[name] for name in FIELDS}
        current["messages_cut"] = counts["truncated"]
        previous = self._reported
        if current == previous:
            return False
        self._reported = current
        worse = any(current[k] > previous.get(k, 0) for k in ("dropped", "rejected"))
        emit_stats_event(self.sink, {**current, "queued": counts["queued"]}, worse=worse)
        return True


def emit_stats_event(sink: str, counts: Mapping[str, int], *, worse: bool = False) -> None:
    """Emit one ``schemalog_sink_stats`` event; a failure is counted and reported, never raised."""
    level = logging.WARNING if worse else logging.INFO
    try:
        get_logger(STATS_LOGGER).log(level, "schemalog_sink_stats", sink=sink, **counts)
    except Exception as error:  # e.g. a catalog without the event, under on_invalid="raise"
        STATS.add("sink_errors")
        STATS.report("cw-stats", f"writing schemalog_sink_stats failed: {error!r}")


def count_dropped(reason: str, count: int = 1) -> None:
    """Add ``count`` to ``schemalog.stats()["dropped:<reason>"]``."""
    add = STATS.adder(f"dropped:{reason}")
    for _ in range(count):
        add()
