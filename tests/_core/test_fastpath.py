"""Tests for schemalog._core.fastpath: a common valid event's line, assembled from its parts."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemalog
from schemalog._core import fastpath, state
from schemalog._core.context import split
from schemalog._core.event import Event
from schemalog._core.pipeline import Pipeline
from schemalog._core.render import escape_line_breaks
from schemalog._core.steps import STAMP
from schemalog.catalog.load import SchemaVersion
from schemalog.catalog.names import Version

TOOL = {"tool_name": "search", "call_sequence": 1, "tool_params": {"q": "x", "limit": 2}}
NOW = 1.7e9


@pytest.fixture(autouse=True)
def same_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every event_id the same (with a fixed clock, every line is then reproducible)."""
    monkeypatch.setattr(STAMP, "_tails", type("Same", (list,), {"pop": lambda _: "0" * 12})())


def configured(schemas_dir: Path, **options: Any) -> Pipeline:
    """Configure with no sinks and return the pipeline."""
    schemalog.configure(sinks=[], schemas=schemas_dir, **options)
    assert state.pipeline is not None
    return state.pipeline


def chain_line(
    pipeline: Pipeline, event_type: str, fields: dict[str, Any], bound: dict[str, Any]
) -> bytes | None:
    """Return the line the whole chain gives for the call."""
    event = Event("app", logging.INFO, event_type, dict(fields), split(bound), NOW, None)
    return Pipeline._run(pipeline.chain, event)


def fast_line(
    pipeline: Pipeline,
    event_type: str,
    fields: dict[str, Any],
    bound: dict[str, Any],
    *,
    caller: str | None = None,
    message: str | None = None,
) -> bytes | None:
    """Return the fast path's line for the call (None: the chain must take it)."""
    return pipeline._fast_line(
        "app",
        logging.INFO,
        event_type,
        dict(fields),
        split(bound),
        NOW,
        caller,
        message,
    )


def test_every_part_is_where_the_record_has_it(schemas_dir: Path) -> None:
    """Service, caller, context, static fields, message and fields: the record's JSON, in order."""
    pipeline = configured(schemas_dir, service="svc", static_fields={"env": "prod", "n": 2})
    fields = {**TOOL, "tool_params": {"q": "caf\u00e9 \u2028"}}
    line = fast_line(
        pipeline,
        "tool_call_started",
        fields,
        {"session_id": "s1", "user_id": "u1"},
        caller="m:f:1",
        message="hi",
    )
    timestamp, event_id = STAMP(NOW)
    record = {
        "timestamp": timestamp,
        "level": "info",
        "logger": "app",
        "event_type": "tool_call_started",
        "schema_version": "1.0.0",
        "event_id": event_id,
        "service": "svc",
        "caller": "m:f:1",
        "session_id": "s1",
        "user_id": "u1",
        "env": "prod",
        "n": 2,
        "message": "hi",
        **fields,
    }
    assert line == escape_line_breaks(orjson.dumps(record))
    assert b"\\u2028" in line


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.text(max_size=30),
    extra=st.dictionaries(st.sampled_from(["limit", "page", "password", "url"]), st.text()),
    bound=st.fixed_dictionaries(
        {"session_id": st.text(min_size=1, max_size=5)},
        optional={"user_id": st.text(max_size=5), "team": st.text(max_size=5)},
    ),
)
def test_the_fast_line_is_the_chain_line(
    schemas_dir: Path, query: str, extra: dict[str, str], bound: dict[str, Any]
) -> None:
    """Whatever the parameters and the bound context, a fast line is the chain's line."""
    pipeline = configured(schemas_dir, service="svc", static_fields={"env": "prod"})
    fields = {**TOOL, "tool_params": {"query": query, **extra}}
    fast = fast_line(pipeline, "tool_call_started", fields, bound)
    if "team" not in bound and not extra:  # an unbound field is invalid; a secret is walked
        assert fast is not None
    if fast is not None:
        assert fast == chain_line(pipeline, "tool_call_started", fields, bound)


def test_an_event_without_fields_ends_the_record(schemas_dir: Path) -> None:
    """An event with no fields gives the envelope alone, closed."""
    pipeline = configured(schemas_dir)
    line = fast_line(pipeline, "cache_miss", {}, {})
    assert line is not None
    assert line == chain_line(pipeline, "cache_miss", {}, {})
    assert line.endswith(b'"}')


def test_a_field_named_as_a_static_field_takes_the_chain(schemas_dir: Path) -> None:
    """A field that repeats a static field's name is left to the chain, which lets it win."""
    pipeline = configured(schemas_dir, static_fields={"tool_name": "static"})
    assert fast_line(pipeline, "tool_call_started", TOOL, {"session_id": "s1"}) is None
    line = pipeline.line(
        "app", logging.INFO, "tool_call_started", dict(TOOL), split({"session_id": "s1"})
    )
    assert line is not None
    assert orjson.loads(line)["tool_name"] == "search"


def test_a_static_list_is_rendered_as_it_is_now(schemas_dir: Path) -> None:
    """A static value that may change (a list) is rendered per event, as the chain renders it."""
    tags = ["a"]
    pipeline = configured(schemas_dir, static_fields={"tags": tags})
    tags.append("b")
    line = fast_line(pipeline, "cache_miss", {}, {})
    assert line is not None
    assert orjson.loads(line)["tags"] == ["a", "b"]


@pytest.mark.parametrize("name", ["exc_info", "session_id", "event_id", "service"])
def test_a_reserved_name_in_a_closed_schema_takes_the_chain(schemas_dir: Path, name: str) -> None:
    """A closed schema's event skips the name check, yet one with a reserved name is invalid."""
    pipeline = configured(schemas_dir)
    fields = {**TOOL, name: "x"}
    assert fast_line(pipeline, "tool_call_started", fields, {"session_id": "s1"}) is None


def test_what_orjson_refuses_takes_the_chain(schemas_dir: Path) -> None:
    """A logger name or a message with a lone surrogate is left to the chain."""
    pipeline = configured(schemas_dir)
    bad_name = "\ud800"
    assert (
        pipeline._fast_line(bad_name, logging.INFO, "cache_miss", {}, ({}, {}), NOW, None, None)
        is None
    )
    assert fast_line(pipeline, "cache_miss", {}, {}, message="\ud800") is None


def test_unknown_types_and_other_levels(schemas_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown or unhashable type takes the chain; any level has its current name."""
    pipeline = configured(schemas_dir)
    assert fast_line(pipeline, "no_such_event", {}, {}) is None
    assert pipeline._fast_line("app", logging.INFO, ["x"], {}, ({}, {}), NOW, None, None) is None
    line = pipeline._fast_line("app", 15, "cache_miss", {}, ({}, {}), NOW, None, None)
    assert line is not None
    assert orjson.loads(line)["level"] == logging.getLevelName(15).lower()
    monkeypatch.setitem(logging._levelToName, 15, "TRACE_FASTPATH")  # as addLevelName does
    line = pipeline._fast_line("app", 15, "cache_miss", {}, ({}, {}), NOW, None, None)
    assert line is not None
    assert orjson.loads(line)["level"] == "trace_fastpath"


def test_remembered_pieces_stay_bounded() -> None:
    """The cache of rendered names is emptied when full, so unbounded names never grow it."""
    pieces: dict[Any, bytes] = {}
    for number in range(fastpath._PIECES_LIMIT + 5):
        assert fastpath._remember(pieces, number, b"x") == b"x"
    assert len(pieces) <= fastpath._PIECES_LIMIT


@pytest.mark.parametrize(
    ("properties", "check"),
    [({"a": {"type": "string"}}, False), ({"service": {"type": "string"}}, True)],
)
def test_a_closed_schema_without_clashing_names_skips_the_name_check(
    properties: dict[str, Any], check: bool
) -> None:
    """Only a closed schema that declares a clashing name keeps the per-event name check."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    version = SchemaVersion("ping_sent", Version(1, 0, 0), schema, "ping_sent/1.0.0.json")
    assert fastpath._Prepared(version, frozenset({"service"})).check_names is check


def test_a_bound_context_is_rendered_once_per_binding(schemas_dir: Path) -> None:
    """The bound context's JSON is kept while it is bound; another binding is rendered anew."""
    pipeline = configured(schemas_dir)
    with schemalog.bound(session_id="s1"):
        first = pipeline.line("app", logging.INFO, "cache_miss", {})
        assert first is not None
        assert b'"session_id":"s1"' in first
        with schemalog.bound(session_id="s2"):
            inner = pipeline.line("app", logging.INFO, "cache_miss", {})
        again = pipeline.line("app", logging.INFO, "cache_miss", {})
    assert inner is not None
    assert again is not None
    assert b'"session_id":"s2"' in inner
    assert b'"session_id":"s1"' in again


def test_a_bound_list_is_rendered_as_it_is_now(schemas_dir: Path) -> None:
    """A bound context value that may change in place is rendered for every event."""
    pipeline = configured(schemas_dir)
    variant: list[str] = ["a"]
    with schemalog.bound(variant=variant):
        pipeline.line("app", logging.INFO, "cache_miss", {})
        variant.append("b")
        line = pipeline.line("app", logging.INFO, "cache_miss", {})
    assert line is not None
    assert orjson.loads(line)["variant"] == ["a", "b"]


def test_only_scalars_tells_values_no_one_can_change_in_place() -> None:
    """Strings, numbers, booleans and None may be kept as JSON; a list, a dict or a subclass not."""
    assert fastpath.only_scalars(["a", 1, 1.5, True, None])
    assert fastpath.only_scalars([])
    assert not fastpath.only_scalars(["a", [1]])
    assert not fastpath.only_scalars([{"k": 1}])
    assert not fastpath.only_scalars([type("Text", (str,), {})("a")])
