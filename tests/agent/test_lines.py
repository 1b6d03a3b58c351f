"""Tests for schemalog.agent.lines: the tracker's own events, written as the generic path would.

The differential tests run one scenario twice, on the tracker's renderers and with them turned
off (every event then takes the generic ``BoundLogger``/``Pipeline`` path), with the clock and
the stamps (timestamp, event_id) under the test's control, and compare the written bytes.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import schemalog
from schemalog._core import pipeline as pipeline_module
from schemalog._core import state, steps
from schemalog._core.logger import BoundLogger
from schemalog._core.pipeline import Pipeline
from schemalog.agent import AgentTracker, lines
from schemalog.agent.lines import TrackerLines
from schemalog.exceptions import InvalidEventError
from tests.agent.conftest import FakeClock

Scenario = Callable[[AgentTracker, FakeClock], None]


class Stamps:
    """Stamps counted from zero: the same in both runs of a scenario."""

    def __init__(self) -> None:
        self.count = itertools.count()

    def __call__(self, epoch: float) -> tuple[str, str]:
        """Return a timestamp from ``epoch`` and the next id."""
        return f"t{epoch:.3f}", f"id-{next(self.count)}"


@pytest.fixture
def stamps(monkeypatch: pytest.MonkeyPatch) -> Stamps:
    """Put the test's stamps wherever a line is stamped (generic path, chain, renderers)."""
    stamps = Stamps()
    for module in (pipeline_module, steps, lines):
        monkeypatch.setattr(module, "STAMP", stamps)
    return stamps


@pytest.fixture
def line_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the event type of every event that runs Pipeline.line (the generic path)."""
    seen: list[str] = []
    original = Pipeline.line

    def spy(self: Pipeline, logger: str, levelno: int, event_type: Any, *rest: Any) -> Any:
        seen.append(event_type)
        return original(self, logger, levelno, event_type, *rest)

    monkeypatch.setattr(Pipeline, "line", spy)
    return seen


def search(query: str, limit: int = 10, **extra: Any) -> list[str]:
    """Return the query, repeated (a tool)."""
    return [query] * min(limit, 2)


def flaky(query: str) -> str:
    """Fail with a timeout (a tool)."""
    raise TimeoutError(f"no answer for {query}")


def calls(tracker: AgentTracker, clock: FakeClock) -> None:
    """Tool calls: first calls, a retry, a failure and a switch of tools."""
    tool = tracker.wrap(search, name="search")
    bad = tracker.wrap(flaky, name="flaky")
    with tracker.session(user_id="u-1", session_id="s-1"):
        tool(query="refund policy", limit=5)
        clock.now += 0.25
        tool("refund policy", limit=5)  # a retry
        with pytest.raises(TimeoutError):
            bad(query="x")
        tool(query="caf\u00e9 \u2028 line", limit=1)  # non-ASCII and a line separator


def leaky(query: str) -> str:
    """Fail with an error message that quotes a secret (a tool)."""
    raise PermissionError(f"denied {query}: password=hunter3")


def secrets(tracker: AgentTracker, clock: FakeClock) -> None:
    """Secrets in parameters (by name, in free text, nested) and in an error message."""
    tool = tracker.wrap(search, name="search")
    with tracker.session(user_id="u-1", session_id="s-1"):
        tool(query="q", password="hunter2")
        tool(query="see https://x.test/?token=abc123 now")
        tool(query="q", extra={"api_key": "k-1", "n": [1.0, 2]})
        with pytest.raises(PermissionError):
            tracker.wrap(leaky, name="leaky")(query="q")


def bound_fields(tracker: AgentTracker, clock: FakeClock) -> None:
    """Call under an application's bound context and a field the schemas do not declare."""
    tool = tracker.wrap(search, name="search")
    with schemalog.bound(request_id="r-9"), tracker.session(session_id="s-1"):
        tool(query="a")
        with schemalog.bound(tenant="acme"):  # not in the schema: invalid, kept
            tool(query="b")


def backwards_clock(tracker: AgentTracker, clock: FakeClock) -> None:
    """Move the clock back while a tool runs: a negative duration, an invalid event."""

    def rewind(query: str) -> str:
        clock.now -= 1.0
        return query

    tool = tracker.wrap(rewind, name="rewind")
    with tracker.session(session_id="s-1"):
        tool(query="a")


SCENARIOS: dict[str, Scenario] = {
    "calls": calls,
    "secrets": secrets,
    "bound fields": bound_fields,
    "backwards clock": backwards_clock,
}
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "default": {"service": "svc"},
    "caller, static fields, no service": {"caller": True, "static_fields": {"env": "prod"}},
}


def run(  # noqa: PLR0917
    scenario: Scenario,
    path: Path,
    schemas_dir: Path,
    settings: dict[str, Any],
    stamps: Stamps,
    direct: bool = False,
    generic: pytest.MonkeyPatch | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """Run ``scenario`` writing to ``path``; return the bytes written and the counters.

    ``direct``: through a logger outside logging's registry (pytest's capture handlers sit on
    the registered ones), so lines take dispatch's route without a LogRecord. ``generic``: the
    renderers are turned off with it, and the counters start from zero (the generic path).
    """
    if generic is not None:
        schemalog.reset_stats()
        generic.setattr(TrackerLines, "emit", lambda *_: False)
    stamps.count = itertools.count()
    clock = FakeClock()
    handler = logging.FileHandler(path, encoding="utf-8")
    schemalog.configure(
        sinks=[] if direct else [handler],
        schemas=schemas_dir,
        on_invalid="keep",
        clock=lambda: 1_700_000_000.0,
        **settings,
    )
    logger = None
    if direct:
        stdlib_logger = logging.Logger("agent_lines_test", logging.INFO)
        stdlib_logger.addHandler(handler)
        logger = BoundLogger(stdlib_logger)
    scenario(AgentTracker("drea", clock=clock, logger=logger), clock)
    counters = dict(schemalog.stats())
    schemalog.shutdown()
    handler.close()
    return path.read_bytes(), counters


@pytest.mark.parametrize("direct", [False, True], ids=["record route", "direct route"])
@pytest.mark.parametrize("settings", CONFIGURATIONS.values(), ids=CONFIGURATIONS.keys())
@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_lines_equal_the_generic_paths(  # noqa: PLR0917
    scenario: Scenario,
    settings: dict[str, Any],
    direct: bool,
    tmp_path: Path,
    schemas_dir: Path,
    stamps: Stamps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The renderers write the generic path's bytes, and the same counters, in every scenario."""
    fast, fast_counts = run(
        scenario, tmp_path / "fast.jsonl", schemas_dir, settings, stamps, direct
    )
    generic, generic_counts = run(
        scenario,
        tmp_path / "generic.jsonl",
        schemas_dir,
        settings,
        stamps,
        direct,
        generic=monkeypatch,
    )
    assert fast == generic
    assert fast_counts == generic_counts
    for secret in (b"hunter", b"abc123", b"k-1"):
        assert secret not in fast
    assert fast.count(b"\n") >= 4


def open_schemas(tmp_path: Path, schemas_dir: Path) -> Path:
    """Return a copy of the catalog where the tool call events admit any other field."""
    copy = tmp_path / "schemas"
    shutil.copytree(schemas_dir, copy)
    for path in [*copy.glob("tool_call_started/*.json"), *copy.glob("tool_call_completed/*.json")]:
        schema = json.loads(path.read_text())
        del schema["additionalProperties"]
        path.write_text(json.dumps(schema))
    return copy


@pytest.mark.parametrize(
    "settings",
    [{"static_fields": {"tool_name": "static"}}, {"static_fields": {"team": "a"}}],
    ids=["a static field the events repeat", "another static field"],
)
def test_open_schemas_and_static_fields_write_the_generic_paths_bytes(  # noqa: PLR0917
    settings: dict[str, Any],
    tmp_path: Path,
    schemas_dir: Path,
    stamps: Stamps,
    monkeypatch: pytest.MonkeyPatch,
    line_calls: list[str],
) -> None:
    """Under schemas open to other fields (checked per event), lines stay the generic path's."""
    catalog = open_schemas(tmp_path, schemas_dir)
    fast, fast_counts = run(calls, tmp_path / "fast.jsonl", catalog, settings, stamps, True)
    repeated = "tool_name" in settings["static_fields"]
    assert ("tool_call_started" in line_calls) is repeated  # only a repeated name goes generic
    generic, generic_counts = run(
        calls, tmp_path / "generic.jsonl", catalog, settings, stamps, True, generic=monkeypatch
    )
    assert fast == generic
    assert fast_counts == generic_counts
    assert fast.count(b"\n") == 13


def test_a_static_value_changed_in_place_is_written_as_it_is_now(
    tmp_path: Path, schemas_dir: Path, stamps: Stamps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A head holding a value that can change is made again for each event, as generic lines."""
    tags = ["a"]

    def retagged(tracker: AgentTracker, clock: FakeClock) -> None:
        """Change the static list between tool calls."""
        tool = tracker.wrap(search, name="search")
        with tracker.session(session_id="s-1"):
            tool(query="one")
            tags.append("b")
            tool(query="two")

    settings = {"static_fields": {"tags": tags}}
    fast, _ = run(retagged, tmp_path / "fast.jsonl", schemas_dir, settings, stamps, True)
    tags[:] = ["a"]
    generic, _ = run(
        retagged,
        tmp_path / "generic.jsonl",
        schemas_dir,
        settings,
        stamps,
        True,
        generic=monkeypatch,
    )
    assert fast == generic


def test_tool_calls_skip_the_generic_path(
    tmp_path: Path, schemas_dir: Path, stamps: Stamps, line_calls: list[str]
) -> None:
    """Valid tracker events (started, completed, retry, failed, ...) never run Pipeline.line."""
    written, _ = run(calls, tmp_path / "out.jsonl", schemas_dir, {}, stamps, direct=True)
    assert b'"event_type":"tool_call_started"' in written
    assert line_calls == []
    assert written.count(b"\n") == 13


def test_invalid_events_take_the_generic_path(
    tmp_path: Path, schemas_dir: Path, stamps: Stamps, line_calls: list[str]
) -> None:
    """An event the schema rejects is left to the generic path, which keeps it with its errors."""
    written, counters = run(
        backwards_clock, tmp_path / "out.jsonl", schemas_dir, {}, stamps, direct=True
    )
    assert line_calls == ["tool_call_completed"]
    assert b'"schema_errors":[' in written
    assert counters["invalid"] == 1


def test_invalid_event_raises_under_raise(
    schemas_dir: Path, clock: FakeClock, line_calls: list[str]
) -> None:
    """Under on_invalid="raise" an invalid tracker event raises InvalidEventError, as before."""
    schemalog.configure(sinks=[], schemas=schemas_dir, on_invalid="raise")
    tracker = AgentTracker("drea", clock=clock)

    def rewind(query: str) -> str:
        clock.now -= 1.0
        return query

    tool = tracker.wrap(rewind, name="rewind")
    with tracker.session(session_id="s-1"), pytest.raises(InvalidEventError):
        tool(query="a")


def test_disabled_level_writes_nothing(tmp_path: Path, schemas_dir: Path, clock: FakeClock) -> None:
    """Below the configured level the renderers write nothing and report the event as handled."""
    path = tmp_path / "out.jsonl"
    schemalog.configure(
        sinks=[logging.FileHandler(path, encoding="utf-8")], schemas=schemas_dir, level="warning"
    )
    tracker = AgentTracker("drea", clock=clock)
    with tracker.session(session_id="s-1") as session:
        assert TrackerLines().emit(session.log, logging.INFO, "tool_call_started", {}) is True
        tracker.wrap(search, name="search")(query="a")
    schemalog.shutdown()
    assert path.read_text() == ""


def test_a_handler_that_needs_a_record_gets_the_generic_path(
    tmp_path: Path, schemas_dir: Path, stamps: Stamps, line_calls: list[str]
) -> None:
    """Behind a handler that needs a LogRecord (pytest's, on the root), every event is generic."""
    written, _ = run(calls, tmp_path / "out.jsonl", schemas_dir, {}, stamps)
    assert line_calls.count("tool_call_started") == 4
    assert written.count(b"\n") == 13


def test_unknown_event_type_is_left_to_the_generic_path(schemas_dir: Path) -> None:
    """An event type outside the catalog gets no renderer: emit returns False."""
    log = lines_logger(schemas_dir, io.StringIO())
    assert TrackerLines().emit(log, logging.INFO, "no_such_event", {"x": 1}) is False


def test_renderers_follow_a_new_configuration(
    tmp_path: Path, schemas_dir: Path, clock: FakeClock
) -> None:
    """After configure() again, events carry the new configuration's settings."""
    path = tmp_path / "out.jsonl"
    tracker = AgentTracker("drea", clock=clock)
    tool = tracker.wrap(search, name="search")
    for service in ("one", "two"):
        schemalog.configure(
            sinks=[logging.FileHandler(path, encoding="utf-8")],
            schemas=schemas_dir,
            service=service,
        )
        with tracker.session(session_id="s-1"):
            tool(query="a")
        schemalog.shutdown()
    text = path.read_text()
    assert text.count('"service":"one"') == 5
    assert text.count('"service":"two"') == 5


def test_a_new_configuration_forgets_the_last_ones_renderers(schemas_dir: Path) -> None:
    """Renderers are kept for one pipeline: the first event after configure() drops the rest."""
    tracker_lines = TrackerLines()
    log = lines_logger(schemas_dir, io.StringIO())
    fields = {"tool_name": "t", "tool_params": {}, "call_sequence": 1}
    assert tracker_lines.emit(log, logging.INFO, "tool_call_started", fields) is True
    assert tracker_lines.emit(log, logging.INFO, "no_such_event", {"x": 1}) is False
    log = lines_logger(schemas_dir, io.StringIO())
    assert tracker_lines.emit(log, logging.INFO, "tool_call_started", fields) is True
    assert list(tracker_lines._renderers) == ["tool_call_started"]
    assert tracker_lines._renderers["tool_call_started"][0] is state.pipeline


def test_an_event_with_no_field_is_left_to_the_generic_path(schemas_dir: Path) -> None:
    """A valid event with no field has nothing to splice after the head: emit returns False."""
    log = lines_logger(schemas_dir, io.StringIO())
    assert TrackerLines().emit(log, logging.INFO, "cache_miss", {}) is False


def lines_logger(schemas_dir: Path, stream: Any) -> BoundLogger:
    """Configure quietly; return a bound logger whose one handler writes lines to ``stream``."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    stdlib_logger = logging.Logger("agent_lines_test", logging.INFO)
    stdlib_logger.addHandler(logging.StreamHandler(stream))
    return BoundLogger(stdlib_logger).bind(session_id="s-1")


def test_a_renderer_that_fails_leaves_the_event_to_the_generic_path(
    schemas_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A renderer that raises never raises into the tool call: emit returns False."""
    log = lines_logger(schemas_dir, io.StringIO())

    def broken(*_: Any) -> bytes:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(lines.EventRenderer, "head", broken)
    fields = {"tool_name": "t", "tool_params": {}, "call_sequence": 1}
    assert TrackerLines().emit(log, logging.INFO, "tool_call_started", fields) is False


def test_a_handler_that_raises_is_counted_not_raised(
    schemas_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that raises is counted as a sink error and a drop, as the generic path does."""
    log = lines_logger(schemas_dir, io.StringIO())

    def failing(*_: Any) -> None:
        raise RecursionError("handler bug")

    monkeypatch.setattr(lines, "write_lines", failing)
    fields = {"tool_name": "t", "tool_params": {}, "call_sequence": 1}
    assert TrackerLines().emit(log, logging.INFO, "tool_call_started", fields) is True
    counters = schemalog.stats()
    assert counters["sink_errors"] == 1
    assert counters["dropped:handler_raised"] == 1
