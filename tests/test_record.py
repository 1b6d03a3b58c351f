"""Tests for schemalog.record: the envelope's names, the level table and schema issue paths."""

from __future__ import annotations

import logging
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemalog.record import (
    CONTEXT_NAMES,
    ENVELOPE_ORDER,
    LEVEL_NAMES,
    LEVELS,
    RESERVED_NAMES,
    STAMPED_NAMES,
    SchemaIssue,
    json_path,
    level_name,
    level_number,
)


def test_the_level_table_matches_stdlib_both_ways() -> None:
    """The five levels map to stdlib's numbers, and back."""
    assert LEVELS == {
        "debug": logging.DEBUG,
        "info": logging.INFO,
        "warning": logging.WARNING,
        "error": logging.ERROR,
        "critical": logging.CRITICAL,
    }
    assert all(LEVEL_NAMES[number] == name for name, number in LEVELS.items())


def test_level_names_and_numbers() -> None:
    """Known levels by their record name; custom levels by stdlib's name, lower-cased."""
    assert level_name(logging.ERROR) == "error"
    logging.addLevelName(25, "NOTICE")
    assert level_name(25) == "notice"
    assert level_number(" Warning ") == logging.WARNING
    with pytest.raises(KeyError):
        level_number("verbose")


def test_context_names_are_reserved_but_settable() -> None:
    """Context names are envelope names a caller may set; stamped names only schemalog sets."""
    assert CONTEXT_NAMES <= RESERVED_NAMES
    assert STAMPED_NAMES.isdisjoint(CONTEXT_NAMES)
    assert "schema_version" not in STAMPED_NAMES
    assert {"timestamp", "event_id", "level"} <= STAMPED_NAMES
    assert ENVELOPE_ORDER[:3] == ("timestamp", "level", "logger")


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        ((), "$"),
        (("a", "b", 0), "$.a.b[0]"),
        (("odd name",), '$["odd name"]'),
        ((3, "x"), "$[3].x"),
        (("_a1",), "$._a1"),
        (("1a", "", "é", "a-b", "class"), '$["1a"][""]["é"]["a-b"].class'),
    ],
)
def test_json_paths_quote_odd_names(parts: tuple[str | int, ...], path: str) -> None:
    """Identifiers join with dots, indexes in brackets, other names quoted in brackets."""
    assert json_path(parts) == path


def test_a_schema_issue_reads_path_then_reason() -> None:
    """str(SchemaIssue) is the ``$.path: reason`` form schema_errors carry."""
    assert str(SchemaIssue("$.total", "expected an integer")) == "$.total: expected an integer"


def test_schema_issues_sort_by_path_then_reason_and_are_values() -> None:
    """Issues order by path, then reason; equal issues are one in a set; they cannot change."""
    issues = [SchemaIssue("$.b", "x"), SchemaIssue("$.a", "z"), SchemaIssue("$.a", "y")]
    assert sorted(issues) == [issues[2], issues[1], issues[0]]
    assert len({SchemaIssue("$.a", "y"), SchemaIssue("$.a", "y")}) == 1
    assert repr(issues[0]) == "SchemaIssue(path='$.b', reason='x')"
    with pytest.raises(AttributeError):
        issues[0].path = "$.c"  # type: ignore[misc]


def test_experiment_context_sampling_and_stack_are_envelope_names() -> None:
    """experiment_id and variant are context; sample_rate and stack only schemalog sets."""
    assert {"experiment_id", "variant"} <= CONTEXT_NAMES
    assert {"sample_rate", "stack"} <= STAMPED_NAMES
    assert ENVELOPE_ORDER.index("variant") < ENVELOPE_ORDER.index("sample_rate")
    assert ENVELOPE_ORDER.index("message") < ENVELOPE_ORDER.index("stack")


@given(st.text(max_size=8))
def test_a_name_takes_a_dot_exactly_when_it_is_an_ascii_identifier(name: str) -> None:
    """``.name`` for ``[A-Za-z_][A-Za-z0-9_]*``, a quoted bracket for any other name."""
    dotted = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is not None
    assert (json_path([name]) == f"$.{name}") is dotted
