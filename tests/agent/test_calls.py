"""Tests for schemalog.agent.calls: call sequence, retries, the LRU retry memory, wrong tools."""

from __future__ import annotations

from schemalog.agent.calls import CallBook


def test_a_repeat_is_a_retry_with_the_reason_of_the_previous_outcome() -> None:
    """The same tool and hash again: attempt 1, reason from how the earlier call ended."""
    book = CallBook()
    first = book.begin("search", {"q": 1}, "h1", 0.0)
    assert (first.call.sequence, first.lineage, first.previous_tool) == (1, None, None)
    book.end(first.call, "failed")
    again = book.begin("search", {"q": 1}, "h1", 1.0)
    assert again.lineage is not None and again.lineage.first_sequence == 1
    assert (again.call.retry_attempt, again.retry_reason) == (1, "execution_failed")
    assert again.previous_tool == "search"
    running = book.begin("search", {"q": 1}, "h1", 2.0)
    assert (running.call.retry_attempt, running.retry_reason) == (2, "concurrent_duplicate")


def test_retry_memory_forgets_the_least_recently_used() -> None:
    """Past retry_memory distinct calls, the oldest is forgotten; a used one is kept."""
    book = CallBook(retry_memory=2)
    for name in ("a", "b"):
        book.end(book.begin(name, {}, "h", 0.0).call, "completed")
    book.end(book.begin("a", {}, "h", 0.0).call, "completed")  # a is now the most recent
    book.end(book.begin("c", {}, "h", 0.0).call, "completed")  # evicts b
    assert book.remembered == 2
    assert book.begin("a", {}, "h", 0.0).lineage is not None
    assert book.begin("b", {}, "h", 0.0).lineage is None


def test_a_switch_after_a_failure_is_reported_once_per_tool() -> None:
    """A failed call watched: the next call of another tool is an immediate switch."""
    book = CallBook()
    failed = book.begin("fetch", {}, "h", 0.0).call
    book.end(failed, "failed")
    book.watch(failed, "TimeoutError")
    switched = book.begin("search", {}, "h2", 0.0)
    assert [(w.call.tool_name, pattern) for w, pattern in switched.switches] == [
        ("fetch", "immediate_switch")
    ]
    assert book.begin("lookup", {}, "h3", 0.0).switches == []
    assert book.hallucinated() == 4
    assert book.find_in_flight("search") is switched.call


def test_calls_never_ended_are_bounded_by_retry_memory() -> None:
    """Past retry_memory calls in flight, the oldest is forgotten: memory stays bounded."""
    book = CallBook(retry_memory=3)
    started = [book.begin(f"tool{n}", {}, "h", 0.0).call for n in range(5)]
    assert book.find_in_flight("tool0") is None
    assert book.find_in_flight("tool1") is None
    assert [book.find_in_flight(f"tool{n}") for n in (2, 3, 4)] == started[2:]
