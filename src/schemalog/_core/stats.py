"""Counts of what happened to events, readable from Python, and problem reports on stderr.

Inside an application schemalog never raises for a bad event or a failing sink (except under
``on_invalid="raise"``): it counts the problem here and reports it on stderr, at most once a
minute per kind, so a broken sink cannot flood the terminal.

An event that cannot be written is never lost in silence: :meth:`Stats.drop` counts it under
``dropped:<reason>`` and reports the reason with its running count (at most once a minute per
reason); at exit, every reason whose count grew since its last report is reported once more
with its total.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Final

from schemalog._core.lifecycle import CLOSE, after_fork_in_child, at_exit

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
        self._drops_reported: dict[str, int] = {}
        after_fork_in_child(self._new_lock)

    def _new_lock(self) -> None:
        """In a forked child: a fresh lock (another thread of the parent may have held it)."""
        self._lock = threading.Lock()

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

    def drop(self, reason: str, detail: str = "") -> None:
        """Count an event lost under ``dropped:<reason>`` and report it with the count so far."""
        name = f"dropped:{reason}"
        self.add(name)
        total = self.snapshot().get(name, 0)
        reported = self._drops_reported.get(name, 0)
        tail = f": {detail}" if detail else ""
        if self.report(name, f"{total} event(s) dropped so far ({reason}){tail}", quiet=True):
            self._drops_reported[name] = max(reported, total)

    def report_drops(self) -> None:
        """Report each drop reason whose count grew since its last report, with its total."""
        for name, total in sorted(self.snapshot().items()):
            if name.startswith("dropped:") and total > self._drops_reported.get(name, 0):
                self._drops_reported[name] = total
                self._write(f"{total} event(s) dropped in all ({name[8:]})")

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
            self._drops_reported.clear()

    def report(self, kind: str, message: str, *, quiet: bool = False) -> bool:
        """Write ``schemalog: <message>`` to stderr, at most once a minute for each ``kind``.

        Return whether it was written; ``quiet`` leaves out the count of suppressed reports
        (for messages that carry their own count).
        """
        now = time.monotonic()
        with self._lock:
            last = self._last_report.get(kind)
            if last is not None and now - last < REPORT_INTERVAL_SECONDS:
                self._unreported[kind] += 1
                return False
            self._last_report[kind] = now
            suppressed = self._unreported.pop(kind, 0)
        tail = f" ({suppressed} similar reports suppressed)" if suppressed and not quiet else ""
        self._write(message + tail)
        return True

    @staticmethod
    def _write(message: str) -> None:
        try:
            sys.stderr.write(f"schemalog: {message}\n")
            sys.stderr.flush()
        except Exception:  # stderr closed or broken: there is nowhere left to report to
            return


STATS: Final = Stats()
# After the sinks have closed (CLOSE), whose last deliveries may drop events too.
at_exit(STATS.report_drops, phase=CLOSE + 1)
