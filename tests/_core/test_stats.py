"""Tests for schemalog._core.stats: lock-free counters and rate-limited reports."""

from __future__ import annotations

import threading

import pytest

from schemalog._core.stats import COUNTERS, Stats
from tests.conftest import fork_while_held


def test_counters_are_exact_under_threads() -> None:
    """Eight threads adding 50,000 times each lose no increment."""
    stats = Stats()
    add = stats.adder("emitted")

    def work() -> None:
        for _ in range(50_000):
            add()
            stats.add("invalid")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    snapshot = stats.snapshot()
    assert snapshot["emitted"] == snapshot["invalid"] == 400_000
    assert set(snapshot) == set(COUNTERS)


def test_reset_keeps_adders_working() -> None:
    """After reset() counters read zero and adders taken before still count."""
    stats = Stats()
    add = stats.adder("redacted")
    add()
    stats.reset()
    assert stats.snapshot()["redacted"] == 0
    add()
    assert stats.snapshot()["redacted"] == 1


def test_reports_are_rate_limited(capsys: pytest.CaptureFixture[str]) -> None:
    """The same kind of problem is reported once a minute; the rest are counted as suppressed."""
    stats = Stats()
    for _ in range(5):
        stats.report("sink", "disk full")
    stats.report("other", "something else")
    assert capsys.readouterr().err.splitlines() == [
        "schemalog: disk full",
        "schemalog: something else",
    ]
    stats._last_report["sink"] -= 3600  # a minute later
    stats.report("sink", "disk full")
    assert capsys.readouterr().err == "schemalog: disk full (4 similar reports suppressed)\n"


def test_labeled_counters_are_made_on_first_use() -> None:
    """written:<sink> and dropped:<reason> counters appear when first bumped, and reset."""
    stats = Stats()
    stats.add("written:file:a.jsonl")
    bump = stats.adder("dropped:queue_full")
    bump()
    bump()
    snapshot = stats.snapshot()
    assert snapshot["written:file:a.jsonl"] == 1
    assert snapshot["dropped:queue_full"] == 2
    stats.reset()
    assert stats.snapshot()["dropped:queue_full"] == 0


def test_an_unknown_counter_name_is_an_error() -> None:
    """A name that is neither a known counter nor labeled is refused, not silently made."""
    with pytest.raises(KeyError, match="sent"):
        Stats().add("sent")


def test_drops_are_counted_per_reason_and_reported_with_the_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """drop() counts dropped:<reason>, reports the first at once, and the total at the end."""
    stats = Stats()
    for _ in range(3):
        stats.drop("internal_error", "KeyError('x')")
    stats.drop("handler_raised")
    assert stats.snapshot()["dropped:internal_error"] == 3
    assert stats.snapshot()["dropped:handler_raised"] == 1
    stats.report_drops()
    assert capsys.readouterr().err.splitlines() == [
        "schemalog: 1 event(s) dropped so far (internal_error): KeyError('x')",
        "schemalog: 1 event(s) dropped so far (handler_raised)",
        "schemalog: 3 event(s) dropped in all (internal_error)",
    ]
    stats.report_drops()
    assert capsys.readouterr().err == ""  # nothing new to report


def test_a_child_forked_while_a_thread_reports_can_report() -> None:
    """A fork while another thread holds the stats lock leaves the child a lock of its own."""
    stdout, stderr = fork_while_held(
        "from schemalog._core.stats import STATS",
        "STATS._lock",  # as report() holds it, for a moment
        "STATS.drop('invalid', 'in the child')",
    )
    assert stdout.split() == ["0"], stderr
    assert "1 event(s) dropped so far (invalid): in the child" in stderr
