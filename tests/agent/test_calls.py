"""Tests for schemalog.agent.calls: call sequence, retries, the LRU retry memory, wrong tools."""

from __future__ import annotations

from schemalog.agent.calls import CallBook, ToolCall


def test_a_repeat_is_a_retry_with_the_reason_of_the_previous_outcome() -> None:
    """The same tool and hash again: attempt 1, reason from how the earlier call ended."""
    book = CallBook()
    first = book.begin("search", {"q": 1}, "h1", 0.0)
    assert (first.sequence, first.is_retry, first.previous_tool) == (1, False, None)
    assert (first.original_sequence, first.retry_reason) == (None, None)
    book.end(first, "failed")
    again = book.begin("search", {"q": 1}, "h1", 1.0)
    assert again.is_retry and again.original_sequence == 1
    assert (again.retry_attempt, again.retry_reason) == (1, "execution_failed")
    assert again.previous_tool == "search"
    running = book.begin("search", {"q": 1}, "h1", 2.0)
    assert (running.retry_attempt, running.retry_reason) == (2, "concurrent_duplicate")
    assert running.original_sequence == 1


def test_only_the_latest_call_of_a_lineage_sets_the_retry_reason() -> None:
    """An earlier call ending after a later one started does not decide the next reason."""
    book = CallBook()
    first = book.begin("search", {}, "h", 0.0)
    second = book.begin("search", {}, "h", 0.0)
    book.end(second, "completed")
    book.end(first, "failed")
    assert book.begin("search", {}, "h", 0.0).retry_reason == "repeated_after_success"


def test_a_call_made_outside_the_book_can_end_in_it() -> None:
    """A ToolCall built by hand (no lineage) ends without touching any lineage."""
    book = CallBook()
    call = ToolCall(7, "search", {}, "h", 0, 0.0)
    book.end(call, "completed")
    assert call.outcome == "completed"
    assert not book.begin("search", {}, "h", 0.0).is_retry


def test_retry_memory_forgets_the_least_recently_used() -> None:
    """Past retry_memory distinct calls, the oldest is forgotten; a used one is kept."""
    book = CallBook(retry_memory=2)
    for name in ("a", "b"):
        book.end(book.begin(name, {}, "h", 0.0), "completed")
    book.end(book.begin("a", {}, "h", 0.0), "completed")  # a is now the most recent
    book.end(book.begin("c", {}, "h", 0.0), "completed")  # evicts b
    assert book.remembered == 2
    assert book.begin("a", {}, "h", 0.0).is_retry
    assert not book.begin("b", {}, "h", 0.0).is_retry


def test_a_switch_after_a_failure_is_reported_once_per_tool() -> None:
    """A failed call watched: the next call of another tool is an immediate switch."""
    book = CallBook()
    failed = book.begin("fetch", {}, "h", 0.0)
    book.end(failed, "failed")
    book.watch(failed, "TimeoutError")
    switched = book.begin("search", {}, "h2", 0.0)
    assert [(w.call.tool_name, pattern) for w, pattern in book.switches("search")] == [
        ("fetch", "immediate_switch")
    ]
    book.begin("lookup", {}, "h3", 0.0)
    assert book.switches("lookup") == []
    assert book.hallucinated() == 4
    assert book.find_in_flight("search") is switched


def test_calls_never_ended_are_bounded_by_retry_memory() -> None:
    """Past retry_memory calls in flight, the oldest is forgotten: memory stays bounded."""
    book = CallBook(retry_memory=3)
    started = [book.begin(f"tool{n}", {}, "h", 0.0) for n in range(5)]
    assert book.find_in_flight("tool0") is None
    assert book.find_in_flight("tool1") is None
    assert [book.find_in_flight(f"tool{n}") for n in (2, 3, 4)] == started[2:]
