"""Counts of what happened to events, readable from Python, and problem reports on stderr.

Inside an application schemalog never raises for a bad event or a failing sink (except under
``on_invalid="raise"``): it counts the problem here and reports it on stderr, at most once a
minute per kind, so a broken sink cannot flood the terminal.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Final

#: Every counter :func:`schemalog.stats` reports, with what it counts.
COUNTERS: Final = {
    "emitted": "records handed to the sinks",
    "invalid": "events that failed validation (all policies)",
    "invalid_kept": "invalid events emitted with schema_errors (on_invalid='keep')",
    "invalid_dropped": "invalid events not emitted (on_invalid='drop')",
    "invalid_raised": "invalid events raised to the caller (on_invalid='raise')",
    "redacted": "records in which something was hashed, masked, dropped or redacted",
    "truncated": "records cut down to the size limit",
    "sink_errors": "failures inside a sink or handler (the record may be lost there)",
    "internal_errors": "unexpected failures inside schemalog, reported and survived",
    "processor_errors": "errors raised by configure(processors=...) functions",
}
#: Prefixes of the counters made on first use, one per sink or per reason:
#: ``written:<sink>`` (lines a sink wrote) and ``dropped:<reason>`` (events lost, and why).
LABELED_PREFIXES: Final = ("written:", "dropped:")
REPORT_INTERVAL_SECONDS: Final = 60.0


class Stats:
    """Counters that threads can bump without a lock, plus rate-limited problem reports."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Never replaced (reset moves a baseline instead), so adders stay valid for good.
        self._counters = {name: itertools.count() for name in COUNTERS}
        self._baseline = dict.fromkeys(COUNTERS, 0)
        self._last_report: dict[str, float] = {}
        self._unreported: Counter[str] = Counter()

    def add(self, name: str) -> None:
        """Add one to a counter (``next`` on an ``itertools.count`` is atomic: no lock needed)."""
        counter = self._counters.get(name)
        next(counter if counter is not None else self._labeled(name))

    def adder(self, name: str) -> Callable[[], object]:
        """Return a function that adds one to ``name``: for hot paths, it has no Python frame."""
        counter = self._counters.get(name)
        return (counter if counter is not None else self._labeled(name)).__next__

    def _labeled(self, name: str) -> itertools.count[int]:
        """Make the counter ``written:<sink>`` or ``dropped:<reason>`` on its first use."""
        if not name.startswith(LABELED_PREFIXES):
            raise KeyError(f"unknown counter {name!r}")
        with self._lock:
            counter = self._counters.get(name)
            if counter is None:
                counter = self._counters[name] = itertools.count()
                self._baseline[name] = 0
        return counter

    def _raw(self) -> dict[str, int]:
        # repr(count(n)) is "count(n)": the only public way to read a count without moving it.
        return {name: int(repr(counter)[6:-1]) for name, counter in list(self._counters.items())}

    def snapshot(self) -> dict[str, int]:
        """Return every counter (zero included)."""
        baseline = self._baseline
        return {name: value - baseline.get(name, 0) for name, value in self._raw().items()}

    def reset(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            self._baseline = self._raw()
            self._unreported.clear()
            self._last_report.clear()

    def report(self, kind: str, message: str) -> None:
        """Write ``schemalog: <message>`` to stderr, at most once a minute for each ``kind``."""
        now = time.monotonic()
        with self._lock:
            last = self._last_report.get(kind)
            if last is not None and now - last < REPORT_INTERVAL_SECONDS:
                self._unreported[kind] += 1
                return
            self._last_report[kind] = now
            suppressed = self._unreported.pop(kind, 0)
        tail = f" ({suppressed} similar reports suppressed)" if suppressed else ""
        try:
            sys.stderr.write(f"schemalog: {message}{tail}\n")
            sys.stderr.flush()
        except Exception:  # stderr closed or broken: there is nowhere left to report to
            return


STATS: Final = Stats()
