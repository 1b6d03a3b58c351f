"""Tests for schemalog.agent.middleware: the tool lifecycle around sync and async tools."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemalog
from schemalog.agent import AgentTracker, ToolError
from schemalog.catalog.sensitivity import REDACTED
from schemalog.testing import CapturedEvents, capture_events

SEARCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "minLength": 1},
        "limit": {"type": "integer", "minimum": 1},
        "api_key": {"type": "string"},
    },
    "required": ["query"],
    "additionalProperties": False,
}


class Ticker:
    """A clock that moves 5 ms each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        """Return the time, then move it on."""
        self.now += 0.005
        return self.now


@pytest.fixture
def tracker(schemas_dir: Path) -> AgentTracker:
    """Return a tracker whose 'search' tool has a parameter schema."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    return AgentTracker("drea", schemas={"search": SEARCH_SCHEMA}, clock=Ticker())


def test_sync_tool_lifecycle(tracker: AgentTracker, captured_events: CapturedEvents) -> None:
    """A sync tool call emits started then completed, timed by the tracker's clock."""

    @tracker.tool
    def search(query: str, limit: int = 10) -> list[str]:
        return [query] * limit

    with tracker.session():
        assert search("refunds", limit=2) == ["refunds", "refunds"]
    assert captured_events.event_types[1:3] == ["tool_call_started", "tool_call_completed"]
    started = captured_events.find("tool_call_started")
    assert started["tool_params"] == {"query": "refunds", "limit": 2}
    completed = captured_events.find("tool_call_completed")
    assert completed["execution_time_ms"] == pytest.approx(5.0)
    assert completed["result_type"] == "list"
    assert search.__name__ == "search"


def test_async_tool_lifecycle(tracker: AgentTracker, captured_events: CapturedEvents) -> None:
    """An async tool stays async and is tracked the same way."""

    @tracker.tool
    async def fetch(url: str) -> dict[str, str]:
        await asyncio.sleep(0)
        return {"url": url}

    async def agent() -> Any:
        async with tracker.session():
            return await fetch(url="https://example.com")

    assert asyncio.run(agent()) == {"url": "https://example.com"}
    assert captured_events.find("tool_call_completed", tool_name="fetch")["result_type"] == "dict"


def test_failing_tool_reraises_its_own_exception(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """The tool's exception object comes out unchanged, after tool_call_failed."""
    error = ConnectionError("database down")

    @tracker.tool
    def lookup(item_id: int) -> None:
        raise error

    with tracker.session(), pytest.raises(ConnectionError) as raised:
        lookup(7)
    assert raised.value is error
    failed = captured_events.find("tool_call_failed", tool_name="lookup")
    assert failed["error_type"] == "ConnectionError"
    assert failed["error_message"] == "database down"
    assert failed["retry_eligible"] is True
    assert failed["tool_params"] == {"item_id": 7}


def test_interrupt_inside_a_tool_is_not_retry_eligible(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A KeyboardInterrupt in a tool is recorded as a failure that should not be retried."""

    @tracker.tool
    def slow() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), tracker.session():
        slow()
    assert captured_events.find("tool_call_failed")["retry_eligible"] is False
    assert captured_events.find("session_abandoned")["completion_reason"] == "interrupted"


def test_invalid_parameters_return_an_error_result_without_running(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Parameters failing the schema: schema_validation_error, a ToolError, the tool not run."""
    ran = []

    @tracker.tool
    def search(query: Any = None, limit: Any = 10) -> str:
        ran.append(query)
        return "ran"

    with tracker.session():
        result = search(limit=0)
    assert ran == []
    assert isinstance(result, ToolError)
    assert result == {
        "error": "Schema validation failed",
        "validation_errors": [
            {
                "field": "limit",
                "error": "0 is less than the minimum of 1",
                "schema_path": "properties.limit.minimum",
            },
            {
                "field": "query",
                "error": "required field is missing",
                "schema_path": "properties.query",
            },
        ],
    }
    error = captured_events.find("schema_validation_error", tool_name="search")
    assert error["validation_errors"] == result["validation_errors"]
    assert "tool_call_completed" not in captured_events.event_types


def test_invalid_async_call_returns_the_error_result_when_awaited(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """An async tool with invalid parameters still returns an awaitable ToolError."""

    @tracker.wrap
    async def search(query: str) -> str:
        return query

    async def agent() -> Any:
        async with tracker.session():
            return await search(query="")

    result = asyncio.run(agent())
    assert isinstance(result, ToolError)
    assert result["validation_errors"][0]["field"] == "query"


def test_logged_parameters_are_sanitized(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Context names and original_prompt are dropped, secrets redacted; the tool sees all."""
    seen = {}

    @tracker.tool
    def search(**kwargs: Any) -> None:
        seen.update(kwargs)

    with tracker.session(session_id="s1"):
        search(query="q", api_key="sk-live-1", user_id="u1", session_id="s1", original_prompt="p")
    assert seen["api_key"] == "sk-live-1"
    assert seen["original_prompt"] == "p"
    started = captured_events.find("tool_call_started")
    assert started["tool_params"] == {"query": "q", "api_key": REDACTED}


def test_a_tool_whose_schema_requires_user_id_runs(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A context name the tool's schema declares is checked and passed, not refused."""
    schema = {
        "type": "object",
        "properties": {"user_id": {"type": "string"}, "query": {"type": "string"}},
        "required": ["user_id", "query"],
    }

    def lookup(user_id: str, query: str) -> str:
        return f"{user_id}:{query}"

    tool = tracker.wrap(lookup, schema=schema)
    with tracker.session(session_id="s1"):
        assert tool(user_id="u1", query="q") == "u1:q"
        refused = tool(query="q")  # type: ignore[call-arg]  # the model left user_id out
    assert isinstance(refused, ToolError)
    assert captured_events.find("tool_call_started")["tool_params"] == {"query": "q"}
    error = captured_events.find("schema_validation_error")
    assert [problem["field"] for problem in error["validation_errors"]] == ["user_id"]


def test_wrap_takes_a_name_and_a_schema(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """wrap(fn, name=, schema=) registers the tool under that name, with that schema."""

    def implementation(city: Any) -> str:
        return f"sunny in {city}"

    weather = tracker.wrap(
        implementation, name="get_weather", schema={"properties": {"city": {"type": "string"}}}
    )
    with tracker.session():
        assert isinstance(weather(city=3), ToolError)
        assert tracker.call("get_weather", city="Oslo") == "sunny in Oslo"
    names = [event["tool_name"] for event in captured_events.of_type("tool_call_started")]
    assert names == ["get_weather", "get_weather"]


def test_outside_a_session_the_tool_runs_untracked(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """No session: the tool runs as if unwrapped, and the call is counted as untracked."""

    @tracker.tool
    def search(query: str) -> str:
        return query

    assert search(query="x") == "x"
    assert list(captured_events) == []
    assert tracker.untracked_calls == 1


def test_a_session_id_argument_finds_the_open_session(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """A tool run in a thread without context finds its session by a session_id argument."""

    @tracker.tool
    def lookup(item_id: int, session_id: str) -> int:
        return item_id

    with tracker.session(session_id="s-7"):
        thread = threading.Thread(target=lookup, kwargs={"item_id": 1, "session_id": "s-7"})
        thread.start()
        thread.join()
    assert captured_events.find("tool_call_completed")["session_id"] == "s-7"
    assert tracker.untracked_calls == 0


def test_acall_awaits_sync_and_async_tools(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """acall() gives the result of either kind of tool, and ToolError for unknown names."""

    @tracker.tool
    def double(n: int) -> int:
        return 2 * n

    @tracker.tool
    async def triple(n: int) -> int:
        return 3 * n

    async def agent() -> list[Any]:
        async with tracker.session():
            return [
                await tracker.acall("double", n=2),
                await tracker.acall("triple", n=2),
                await tracker.acall("quadruple", n=2),
            ]

    results = asyncio.run(agent())
    assert results[:2] == [4, 6]
    assert isinstance(results[2], ToolError)


VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.builds(object),
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES, raises=st.booleans())
def test_results_and_exceptions_pass_through_untouched(
    tracker: AgentTracker, value: Any, raises: bool
) -> None:
    """Whatever a valid call returns or raises reaches the caller as the very same object."""
    error = ValueError("tool error")

    @tracker.tool
    def echo(payload: object = None) -> object:
        if raises:
            raise error
        return value

    with capture_events(), tracker.session():
        if raises:
            with pytest.raises(ValueError, match="tool error") as raised:
                echo(payload=value)
            assert raised.value is error
        else:
            assert echo(payload=value) is value


def test_concurrent_sessions_in_threads_stay_apart(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Eight threads, each in its own session, get their own call sequences and counts."""

    @tracker.tool
    def work(n: int) -> int:
        if n % 5 == 4:
            raise RuntimeError("every fifth call fails")
        return n

    barrier = threading.Barrier(8)

    def agent(index: int) -> None:
        with tracker.session(user_id=f"u{index}", session_id=f"t{index}"):
            barrier.wait()
            for n in range(20):
                with contextlib.suppress(RuntimeError):
                    work(n)

    threads = [threading.Thread(target=agent, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _check_sessions(captured_events, {f"t{i}": f"u{i}" for i in range(8)}, calls=20, failed=4)


def test_concurrent_sessions_in_asyncio_tasks_stay_apart(
    tracker: AgentTracker, captured_events: CapturedEvents
) -> None:
    """Twenty interleaved tasks, each in its own session, never mix their state."""

    @tracker.tool
    async def work(n: int) -> int:
        await asyncio.sleep(0)
        if n % 5 == 4:
            raise RuntimeError("every fifth call fails")
        return n

    async def agent(index: int) -> None:
        async with tracker.session(user_id=f"u{index}", session_id=f"a{index}"):
            for n in range(10):
                with contextlib.suppress(RuntimeError):
                    await work(n)

    async def main() -> None:
        await asyncio.gather(*(agent(i) for i in range(20)))

    asyncio.run(main())
    _check_sessions(captured_events, {f"a{i}": f"u{i}" for i in range(20)}, calls=10, failed=2)


def _check_sessions(
    events: CapturedEvents, users: dict[str, str], *, calls: int, failed: int
) -> None:
    """Check each session's events carry its ids, its sequence 1..calls, and its counts."""
    sequences: defaultdict[str, list[int]] = defaultdict(list)
    for event in events:
        assert event["user_id"] == users[event["session_id"]]
        if event["event_type"] == "tool_call_started":
            sequences[event["session_id"]].append(event["call_sequence"])
    assert set(sequences) == set(users)
    for session_id, sequence in sequences.items():
        assert sequence == list(range(1, calls + 1)), session_id
    for completed in events.of_type("session_completed"):
        assert completed["steps_count"] == calls
        assert completed["failed_calls_count"] == failed
        assert completed["retry_count"] == 0
    assert len(events.of_type("session_completed")) == len(users)


def test_tool_params_are_scanned_once_per_call(
    tracker: AgentTracker, captured_events: CapturedEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call's parameters are redacted once, not again in each of the call's events."""
    from schemalog._core import redact, scan

    scanned: list[str] = []
    scrub = scan.scrub_text

    def counting(text: str) -> str:
        scanned.append(text)
        return scrub(text)

    monkeypatch.setattr(redact, "scrub_text", counting)

    @tracker.tool
    def search(query: str, api_key: str = "") -> list[str]:
        return [query, api_key]

    with tracker.session():
        search("see https://x.test/?token=abc123", api_key="k-1")
    started = captured_events.find("tool_call_started")
    assert started["tool_params"] == {
        "query": f"see https://x.test/?token={REDACTED}",
        "api_key": REDACTED,
    }
    assert captured_events.find("tool_call_completed")["tool_params"] == started["tool_params"]
    assert [text for text in scanned if "x.test" in text] == ["see https://x.test/?token=abc123"]
