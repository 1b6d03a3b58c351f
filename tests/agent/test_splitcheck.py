"""Tests for schemalog.agent.splitcheck: an event validated in two parts, as it is merged."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from schemalog.agent.splitcheck import SplitValidators, splittable
from schemalog.catalog.validators import CompiledValidator

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://schemalog.dev/schemas/t/1.0.0",
    "x-context": ["session_id"],
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "count": {"$ref": "#/$defs/positive"},
        "mcp_name": {"type": "string"},
        "flag": {"type": "boolean"},
    },
    "required": ["name", "mcp_name"],
    "additionalProperties": False,
    "$defs": {"positive": {"type": "integer", "minimum": 1}},
}
VALUES: dict[str, list[Any]] = {
    "name": ["a", "", 3],
    "count": [1, 0, "x"],
    "mcp_name": ["drea", 7],
    "flag": [True, None],
    "other": [1],
}


def events() -> list[dict[str, Any]]:
    """Every event over VALUES' names (each name absent or one of its values)."""
    choices = [[(name, value) for value in values] + [None] for name, values in VALUES.items()]
    return [dict(pair for pair in combo if pair) for combo in itertools.product(*choices)]


@pytest.mark.parametrize("bound_names", [{"mcp_name"}, {"mcp_name", "flag"}, {"other"}])
def test_two_parts_are_valid_exactly_when_the_merged_event_is(bound_names: set[str]) -> None:
    """Bound part and own fields both valid if and only if the merged event is valid."""
    whole = CompiledValidator(SCHEMA).is_valid
    split = SplitValidators(SCHEMA)
    for event in events():
        bound = {k: v for k, v in event.items() if k in bound_names}
        own = {k: v for k, v in event.items() if k not in bound_names}
        bound_valid, own_valid = split.for_names(frozenset(bound))
        assert (bound_valid(bound) and own_valid(own)) == whole({**bound, **own}), event


def test_own_fields_may_not_repeat_a_bound_name() -> None:
    """A bound name among the event's own fields fails the own part (the generic path merges)."""
    _, own_valid = SplitValidators(SCHEMA).for_names(frozenset({"mcp_name"}))
    assert own_valid({"name": "a"})
    assert not own_valid({"name": "a", "mcp_name": "drea"})


@pytest.mark.parametrize(
    "change",
    [
        {"additionalProperties": True},
        {"patternProperties": {"^x": {}}},
        {"minProperties": 2},
        {"allOf": [{"required": ["flag"]}]},
        {"dependentRequired": {"flag": ["count"]}},
        {"$schema": "http://json-schema.org/draft-03/schema#"},
        {"type": "array"},
        {"required": "name"},
    ],
)
def test_schemas_with_other_rules_are_not_split(change: dict[str, Any]) -> None:
    """Any rule across fields but required, or an older dialect, keeps the merged check."""
    assert splittable(SCHEMA)
    assert not splittable({**SCHEMA, **change})


def test_name_sets_are_bounded() -> None:
    """Past the limit of remembered name sets, they are forgotten and built again."""
    split = SplitValidators(SCHEMA)
    first = split.for_names(frozenset({"flag"}))
    for number in range(20):
        split.for_names(frozenset({f"field{number}"}))
    assert len(split._by_names) <= 16
    assert split.for_names(frozenset({"flag"})) is not first
