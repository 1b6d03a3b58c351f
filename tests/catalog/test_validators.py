"""Tests for schemalog.catalog.validators: the two engines agree, word for word."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog.catalog.load import Catalog
from schemalog.catalog.validators import CompiledValidator, ReferenceValidator, check_schema_fast
from schemalog.record import SchemaIssue, json_path
from tests.paths import ROOT

CATALOG = Catalog.load(ROOT / "schemas")
RICH_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "count"],
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+$"},
        "count": {"type": "integer", "minimum": 0, "maximum": 10},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "kind": {"enum": ["a", "b"]},
        "fixed": {"const": 3},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2},
        "nested": {
            "type": "object",
            "properties": {"x": {"type": "boolean"}},
            "required": ["x"],
            "additionalProperties": False,
        },
        "either": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "one": {"oneOf": [{"type": "integer"}, {"minimum": 5}]},
        "never": {"not": {"type": "string"}},
        "step": {"type": "number", "multipleOf": 2},
        "unique": {"type": "array", "uniqueItems": True},
        "props": {"type": "object", "minProperties": 1, "maxProperties": 1},
    },
}

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-20, 20)
    | st.floats(-2, 2, allow_nan=False)
    | st.sampled_from(["a", "b", "zz", "Q", "toolongvalue", "", "sk-1"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["x", "y", "name"]), children, max_size=2)
    ),
    max_leaves=6,
)


def events_for(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Events near a schema: its examples and declared names, with random values and extras."""
    names = [*sorted(schema.get("properties", {})), "undeclared", "other"]
    base = st.sampled_from(schema.get("examples") or [{}])
    changes = st.dictionaries(st.sampled_from(names), values, max_size=4)
    drops = st.sets(st.sampled_from(names), max_size=2)
    return st.builds(
        lambda b, c, d: {k: v for k, v in {**b, **c}.items() if k not in d}, base, changes, drops
    )


def agree(schema: dict[str, Any], event: dict[str, Any]) -> None:
    fast, reference = CompiledValidator(schema), ReferenceValidator(schema)
    fast_issues, reference_issues = fast.issues(event), reference.issues(event)
    assert fast_issues == reference_issues
    assert fast.is_valid(event) == (not reference_issues)


@settings(max_examples=400, deadline=None)
@given(events_for(RICH_SCHEMA))
def test_engines_agree_on_a_rich_schema(event: dict[str, Any]) -> None:
    """On every keyword we use, both engines find the same problems with the same words."""
    agree(RICH_SCHEMA, event)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(CATALOG.event_types)), st.data())
def test_engines_agree_on_the_catalog(event_type: str, data: st.DataObject) -> None:
    """For every cataloged schema, valid and invalid events get identical verdicts and issues."""
    schema = dict(CATALOG.get(event_type).schema)
    agree(schema, data.draw(events_for(schema)))


def test_catalog_examples_are_valid() -> None:
    """Every example in the catalog passes both engines (schemas check relies on it too)."""
    for name in CATALOG:
        for version in CATALOG.versions(name):
            for example in version.schema.get("examples", []):
                assert CompiledValidator(version.schema).issues(example) == [], name


def test_messages_name_the_field_and_the_reason() -> None:
    """Issues read `$.path: reason`, one per undeclared field and per missing field."""
    issues = CompiledValidator(RICH_SCHEMA).issues(
        {"name": "A", "extra": 1, "nested": {"y": 2}, "tags": [1]}
    )
    assert [str(i) for i in issues] == [
        "$.count: required field is missing",
        "$.extra: field not declared by the schema",
        '$.name: "A" does not match the pattern "^[a-z]+$"',
        "$.name: expected at least 2 characters, got 1",
        "$.nested.x: required field is missing",
        "$.nested.y: field not declared by the schema",
        "$.tags[0]: expected a string, got 1",
    ]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [([], "$"), (["a", "b"], "$.a.b"), (["a", 0, "c"], "$.a[0].c"), (["odd key"], '$["odd key"]')],
)
def test_json_path(parts: list[str | int], expected: str) -> None:
    """Paths are JSONPath-style, bracket-quoting names that are not identifiers."""
    assert json_path(parts) == expected


def test_bad_schema_is_reported_with_its_path() -> None:
    """The fast meta-schema check points into the schema document."""
    issue = check_schema_fast({"type": "object", "properties": {"a": {"type": "strin"}}})
    assert isinstance(issue, SchemaIssue)
    assert issue.path == "$.properties.a.type"
    assert (
        ReferenceValidator.check_schema({"type": "object", "minimum": "x"})[0].path == "$.minimum"
    )
