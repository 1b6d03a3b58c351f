"""Tests for schemalog.catalog.flat: what it says is valid, jsonschema_rs says is valid too."""

from __future__ import annotations

import enum
import subprocess
import sys
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog.catalog.flat import (
    CHECKS_BEFORE_COMPILING,
    DIALECT,
    FlatValidator,
    flat_specs,
    surely_meta_valid,
    validator_for,
)
from schemalog.catalog.load import Catalog
from schemalog.catalog.validators import CompiledValidator
from tests.paths import ROOT

CATALOG = Catalog.load(ROOT / "schemas")


class Level(enum.IntEnum):
    """An int that is not exactly an int."""

    LOW = 1


class Name(str):
    """A str that is not exactly a str."""

    __slots__ = ()


FLAT_SCHEMA: dict[str, Any] = {
    "$schema": DIALECT,
    "$id": "https://schemalog.dev/schemas/flat/1.0.0",
    "title": "flat",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "count"],
    "x-context": ["session_id"],
    "examples": [{"name": "n", "count": 1}, {"name": "n", "count": 0, "ratio": 1.5, "kind": "a"}],
    "properties": {
        "name": {"type": "string", "description": "a name", "format": "uuid"},
        "count": {"type": "integer", "minimum": 0, "maximum": 10},
        "low": {"type": "integer", "minimum": -3},
        "whole": {"type": "integer"},
        "ratio": {"type": "number"},
        "kind": {"enum": ["a", "b"]},
        "nullable": {"type": ["string", "null"]},
        "flag": {"type": "boolean", "x-sensitive": "mask"},
        "anything": {"description": "no type"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "close": {"type": "number", "minimum": 0.5},
        "short": {"type": "string", "maxLength": 2},
        "never": False,
        "always": True,
    },
}

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-20, 20)
    | st.sampled_from([2**63, 2**64, 10**30, -(10**30), Level.LOW])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([1.0, 0.0, -0.0, 0.5, 1e300])
    | st.sampled_from(["a", "b", "", "zzz", "not-a-uuid", "\u00e9t\u00e9"])
)
values = scalars | st.lists(scalars, max_size=2) | st.dictionaries(st.just("x"), scalars)


def events_for(schema: dict[str, Any]) -> st.SearchStrategy[dict[Any, Any]]:
    """Return events near a schema: an example with fields changed, added or taken out."""
    names = [*sorted(schema.get("properties", {})), "undeclared"]
    keys = st.sampled_from(names) | st.sampled_from(names).map(Name)
    return st.builds(
        lambda base, changes, drops: {
            k: v for k, v in {**base, **changes}.items() if k not in drops
        },
        st.sampled_from(schema.get("examples") or [{}]),
        st.dictionaries(keys, values, max_size=2),
        st.sets(st.sampled_from(names), max_size=1),
    )


def verdict(is_valid: Any, event: Any) -> object:
    """Return the answer of ``is_valid``, or the type of the error it raises."""
    try:
        return bool(is_valid(event))
    except (ValueError, TypeError) as error:
        return type(error)


def agree(schema: dict[str, Any], event: Any) -> None:
    """Assert that the flat validator and jsonschema_rs agree (or raise the same)."""
    specs = flat_specs(schema)
    assert specs is not None
    flat, compiled = FlatValidator(schema, specs), CompiledValidator(schema)
    assert verdict(flat.is_valid, event) == verdict(compiled.is_valid, event)


@settings(max_examples=500, deadline=None)
@given(events_for(FLAT_SCHEMA))
def test_flat_validator_agrees_with_jsonschema_rs(event: dict[Any, Any]) -> None:
    """On every keyword it knows and every odd value, its verdict is jsonschema_rs's."""
    agree(FLAT_SCHEMA, event)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(CATALOG.event_types)), st.data())
def test_flat_validator_agrees_on_the_catalog(event_type: str, data: st.DataObject) -> None:
    """For every cataloged schema, the flat validator's verdict is jsonschema_rs's."""
    schema = dict(CATALOG.get(event_type).schema)
    agree(schema, data.draw(events_for(schema)))


EDGE_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 11, -4, 2**63, 2**64, 10**30, -(10**30), Level.LOW, 0.0, -0.0,
    1.0, 0.5, 0.4, 1e300, float("nan"), float("inf"), float("-inf"), "", "a", "c", "abc",
    Name("a"), [], ["a"], {}, {"x": 1}, b"a",
]  # fmt: skip


def test_flat_validator_agrees_on_each_odd_value_of_each_field() -> None:
    """Each odd value in each field of a valid event gets jsonschema_rs's verdict."""
    for name in FLAT_SCHEMA["properties"]:
        for value in EDGE_VALUES:
            agree(FLAT_SCHEMA, {"name": "n", "count": 1, name: value})
            agree(FLAT_SCHEMA, {"name": "n", "count": 1, Name(name): value})


def test_not_a_dict_goes_to_jsonschema_rs() -> None:
    """A value that is not a dict is judged by jsonschema_rs."""
    agree(FLAT_SCHEMA, ["name", "count"])
    agree(FLAT_SCHEMA, None)


def test_the_catalog_needs_no_jsonschema_rs_to_load_nor_for_valid_flat_events() -> None:
    """Every cataloged schema is surely meta-valid; a flat one's plain examples pass in Python."""
    flat = 0
    for name in CATALOG:
        for version in CATALOG.versions(name):
            assert surely_meta_valid(version.schema), version.path
            validator = version.validator
            if isinstance(validator, FlatValidator):
                flat += 1
                for example in version.schema["examples"]:
                    if all(type(v) in (str, int, bool) for v in example.values()):
                        assert validator.is_valid(example), version.path
                assert validator._compiled is None, version.path
    assert flat > len(CATALOG) // 2


def test_a_busy_schema_is_compiled() -> None:
    """After CHECKS_BEFORE_COMPILING checks, is_valid is jsonschema_rs's; the first one forwards."""
    specs = flat_specs(FLAT_SCHEMA)
    assert specs is not None
    validator = FlatValidator(FLAT_SCHEMA, specs)
    first = validator.is_valid
    valid, invalid = {"name": "n", "count": 1}, {"name": "n", "count": -1}
    for _ in range(CHECKS_BEFORE_COMPILING - 1):
        assert first(valid) and validator.is_valid is first
    assert first(valid) and validator.is_valid is not first
    assert validator.is_valid(valid) and not validator.is_valid(invalid)
    assert first(valid) and not first(invalid)


def test_a_required_field_it_cannot_judge_means_compiled_at_once() -> None:
    """A schema with a required field of a kind the flat checks never judge is compiled."""
    schema = {**FLAT_SCHEMA, "required": ["name", "tags"]}
    assert isinstance(validator_for(schema), CompiledValidator)
    assert isinstance(validator_for(FLAT_SCHEMA), FlatValidator)


def test_first_event_imports_no_jsonschema_rs_nor_pathlib() -> None:
    """A fresh process configures with the catalog and writes valid events without either."""
    code = (
        "import sys, schemalog\n"
        f"schemalog.configure(sinks=['stdout'], schemas={str(ROOT / 'schemas')!r})\n"
        "schemalog.get_logger('app').info('cache_miss')\n"
        "schemalog.get_logger('app').info('cache_hit', cache_expires_in_seconds=3)\n"
        "print(sorted({'jsonschema_rs', 'pathlib', 'urllib.parse'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    lines = result.stdout.splitlines()
    assert lines[-1] == "[]" and '"event_type":"cache_hit"' in lines[-2]


@pytest.mark.parametrize(
    "schema",
    [
        {**FLAT_SCHEMA, "additionalProperties": True},
        {**FLAT_SCHEMA, "minProperties": 1},
        {**FLAT_SCHEMA, "$schema": "http://json-schema.org/draft-07/schema#"},
        {**FLAT_SCHEMA, "type": "array"},
        {**FLAT_SCHEMA, "properties": {"a": {"type": "string", "pattern": "^a"}, "b": False}},
    ],
)
def test_other_schemas_get_the_compiled_validator(schema: dict[str, Any]) -> None:
    """A schema not flat and closed, or not surely meta-valid, is for jsonschema_rs alone."""
    assert isinstance(validator_for(schema), CompiledValidator)


def test_a_schema_the_meta_schema_refuses_fails_when_its_validator_is_made() -> None:
    """As before, asking for the validator of an invalid schema raises jsonschema_rs's error."""
    schema = {**FLAT_SCHEMA, "properties": {"a": {"type": "strin"}}}
    with pytest.raises(jsonschema_rs.ValidationError):
        validator_for(schema)


def test_issues_come_from_jsonschema_rs() -> None:
    """An invalid event's issues are jsonschema_rs's, in its words."""
    specs = flat_specs(FLAT_SCHEMA)
    assert specs is not None
    event = {"name": 3, "extra": 1}
    assert FlatValidator(FLAT_SCHEMA, specs).issues(event) == CompiledValidator(FLAT_SCHEMA).issues(
        event
    )


subschemas = st.recursive(
    st.booleans()
    | st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["string", "integer", "strin", 3, [], ["null", "null"]])
            | st.lists(st.sampled_from(["string", "number", "null", "array"]), max_size=3),
            "description": st.sampled_from(["d", 1]),
            "format": st.sampled_from(["uuid", None]),
            "enum": st.sampled_from([["a"], [], "a", [1, "a"]]),
            "minimum": st.sampled_from([0, 0.5, "0", True, None]),
            "maxLength": st.sampled_from([0, 3, -1, 2.0, "3", False]),
            "uniqueItems": st.sampled_from([True, 1]),
            "required": st.sampled_from([["a"], ["a", "a"], [1], "a", []]),
            "examples": st.sampled_from([[], {}, [1]]),
            "x-sensitive": st.sampled_from(["hash", 3]),
            "pattern": st.sampled_from(["^a$", "("]),
            "$comment": st.sampled_from(["c", 2]),
        },
    ),
    lambda children: st.fixed_dictionaries(
        {},
        optional={
            "properties": st.dictionaries(st.sampled_from(["a", "b"]), children, max_size=2)
            | st.just([]),
            "items": children,
            "additionalProperties": children,
        },
    ),
    max_leaves=6,
)


@settings(max_examples=500, deadline=None)
@given(
    subschemas,
    st.sampled_from([DIALECT, "http://json-schema.org/draft-07/schema#", None]),
    st.sampled_from(["https://schemalog.dev/s/a/1.0.0", "https://x.dev/a#b", "a b", 3, None]),
)
def test_surely_meta_valid_schemas_pass_the_meta_schema(
    schema: Any, dialect: str | None, schema_id: Any
) -> None:
    """Whatever it finds surely valid, jsonschema_rs's meta-schema check passes too."""
    if not isinstance(schema, dict):
        schema = {"items": schema}
    head = {"$schema": dialect, "$id": schema_id}
    schema = {**{k: v for k, v in head.items() if v is not None}, **schema}
    if surely_meta_valid(schema):
        assert jsonschema_rs.meta.is_valid(schema)


def test_surely_meta_valid_says_no_when_unsure() -> None:
    """An unknown keyword, a bad value or another dialect is left to jsonschema_rs."""
    base = {"$schema": DIALECT, "type": "object"}
    assert surely_meta_valid(base)
    assert not surely_meta_valid({**base, "unevaluatedProperties": False})
    assert not surely_meta_valid({**base, "type": "strin"})
    assert not surely_meta_valid({**base, "$id": "https://x.dev/a#b"})
    assert not surely_meta_valid({"type": "object"})
    assert not surely_meta_valid({**base, "properties": {"a": {"$schema": DIALECT}}})


def test_a_key_that_is_not_text_is_left_to_jsonschema_rs() -> None:
    """A schema built in Python with a key that is not a string is not surely valid."""
    schema: dict[Any, Any] = {"$schema": DIALECT, "type": "object", 1: "x"}
    assert not surely_meta_valid(schema)
