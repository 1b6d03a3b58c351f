"""Tests for schemalog.catalog.compatibility: rules between versions of one MAJOR."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog.catalog.compatibility import (
    RULE_ENUMS,
    RULE_KEYWORDS,
    RULE_NEW_PROPERTY,
    RULE_PATCH,
    RULE_REQUIRED,
    RULE_TYPES,
    Incompatibility,
    compare,
)


def base() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemalog.dev/schemas/launch/1.0.0",
        "description": "A launch.",
        "type": "object",
        "properties": {
            "provider": {"type": "string", "enum": ["GitHub", "Git"], "description": "Where."},
            "spec": {"type": "string", "description": "What."},
            "extra": {"type": "object", "description": "Free-form."},
        },
        "required": ["provider"],
        "additionalProperties": False,
        "examples": [{"provider": "Git"}],
    }


def rules(found: list[Incompatibility]) -> set[tuple[str, str]]:
    return {(i.rule, i.keyword) for i in found}


def test_new_optional_property_and_annotations_are_compatible() -> None:
    """A new optional property, new descriptions, examples and $id break nothing."""
    new = base()
    new["$id"] = "https://schemalog.dev/schemas/launch/1.1.0"
    new["description"] = "A repository launch."
    new["properties"]["origin"] = {"type": "string", "description": "Host."}
    new["properties"]["spec"]["description"] = "The spec."
    new["examples"] = [{"provider": "GitHub", "origin": "mybinder.org"}]
    assert compare(base(), new) == []


@pytest.mark.parametrize(
    ("mutate", "rule", "keyword"),
    [
        (lambda s: s["properties"]["provider"].update(enum=["GitHub"]), RULE_ENUMS, "enum"),
        (lambda s: s["properties"]["spec"].update(type="integer"), RULE_TYPES, "type"),
        (lambda s: s["required"].append("spec"), RULE_REQUIRED, "required"),
        (lambda s: s.update(required=[]), RULE_REQUIRED, "required"),
        (lambda s: s["properties"].pop("spec"), RULE_KEYWORDS, "spec"),
        (lambda s: s["properties"]["spec"].update(maxLength=5), RULE_KEYWORDS, "maxLength"),
        (lambda s: s.update(additionalProperties=True), RULE_KEYWORDS, "additionalProperties"),
        (lambda s: s.update({"x-context": ["user_id"]}), RULE_KEYWORDS, '["x-context"]'),
        (
            lambda s: s["properties"]["spec"].update({"x-sensitive": "hash"}),
            RULE_KEYWORDS,
            '["x-sensitive"]',
        ),
        (
            lambda s: s["properties"]["extra"].update(properties={"a": {"type": "string"}}),
            RULE_NEW_PROPERTY,
            "a",
        ),
    ],
)
def test_breaking_change_names_rule_and_keyword(mutate: Any, rule: str, keyword: str) -> None:
    """Each breaking change is reported with its rule and the path of its keyword."""
    new = base()
    mutate(new)
    found = compare(base(), new)
    assert found, "a breaking change was accepted"
    assert any(i.rule == rule and i.keyword.endswith(keyword) for i in found), found
    assert any(f'rule "{rule}"' in str(i) for i in found)


def test_enum_shrink_message_names_lost_values() -> None:
    """An enum that lost a value says which value, the rule and the keyword."""
    new = base()
    new["properties"]["provider"]["enum"] = ["GitHub"]
    (found,) = compare(base(), new)
    assert str(found) == '$.properties.provider.enum: lost ["Git"] (rule "enums only grow")'


def test_patch_may_change_only_annotations() -> None:
    """A PATCH that adds a property or an enum value is told to be a MINOR."""
    new = base()
    new["properties"]["origin"] = {"type": "string", "description": "Host."}
    new["properties"]["provider"]["enum"] = ["GitHub", "Git", "Gist"]
    assert compare(base(), new) == []
    assert rules(compare(base(), new, patch=True)) == {
        (RULE_PATCH, "$.properties.origin"),
        (RULE_PATCH, "$.properties.provider.enum"),
    }


def test_property_named_like_a_keyword_is_still_a_property() -> None:
    """A property called "description" is compared as a property, not skipped as annotation."""
    old = base()
    old["properties"]["description"] = {"type": "string", "description": "Text."}
    new = copy.deepcopy(old)
    new["properties"]["description"]["type"] = "integer"
    assert rules(compare(old, new)) == {(RULE_TYPES, "$.properties.description.type")}


# -- random schema pairs ---------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
SCALARS = st.sampled_from(["string", "integer", "number", "boolean"])


@st.composite
def property_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["scalar", "enum", "array", "nullable"]))
    if kind == "enum":
        values = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
        return {"type": "string", "enum": values, "description": "An enum."}
    if kind == "array":
        return {"type": "array", "items": {"type": draw(SCALARS)}, "description": "A list."}
    if kind == "nullable":
        return {"type": [draw(SCALARS), "null"], "description": "Maybe."}
    return {"type": draw(SCALARS), "description": "A value."}


@st.composite
def event_schemas(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    properties = {name: draw(property_schemas()) for name in names}
    required = [name for name in names if draw(st.booleans())]
    return {
        "type": "object",
        "description": "An event.",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def sample_value(schema: dict[str, Any], draw: st.DrawFn) -> Any:
    if "enum" in schema:
        return draw(st.sampled_from(schema["enum"]))
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    kind = draw(st.sampled_from(kinds))
    if kind == "array":
        return [sample_value(schema["items"], draw) for _ in range(draw(st.integers(0, 2)))]
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "string": st.text(max_size=5),
        "integer": st.integers(),
        "number": st.floats(allow_nan=False, allow_infinity=False),
        "boolean": st.booleans(),
        "null": st.none(),
    }
    return draw(strategies[kind])


@st.composite
def compatible_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Draw an old schema, a compatible later one, and an event the old one accepts."""
    old = draw(event_schemas())
    new = copy.deepcopy(old)
    for name, subschema in new["properties"].items():
        if "enum" in subschema and draw(st.booleans()):
            subschema["enum"] = subschema["enum"] + [f"{name}_new"]
        if draw(st.booleans()):
            subschema["description"] = "Better words."
    for name in draw(st.lists(NAMES, max_size=3, unique=True)):
        new["properties"].setdefault(f"added_{name}", draw(property_schemas()))
    instance = {
        name: sample_value(subschema, draw)
        for name, subschema in old["properties"].items()
        if name in old["required"] or draw(st.booleans())
    }
    return old, new, instance


def meaning(schema: dict[str, Any]) -> Any:
    """Return the schema with every description removed."""
    if isinstance(schema, dict):
        return {k: meaning(v) for k, v in schema.items() if k != "description"}
    return schema


@settings(max_examples=150, deadline=None)
@given(compatible_pairs())
def test_compatible_changes_pass_and_keep_old_events_valid(
    pair: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    """A compatible change passes, and an event the old schema accepts the new one accepts."""
    old, new, instance = pair
    assert jsonschema_rs.validator_for(old).is_valid(instance)
    assert compare(old, new) == []
    assert jsonschema_rs.validator_for(new).is_valid(instance)


@settings(max_examples=150, deadline=None)
@given(compatible_pairs())
def test_reverse_of_a_real_change_is_rejected(
    pair: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    """Undoing a change that added properties or enum values breaks the rules."""
    old, new, _ = pair
    found = compare(new, old)
    if meaning(old) == meaning(new):
        assert found == []
    else:
        assert found
        assert {i.rule for i in found} <= {RULE_KEYWORDS, RULE_ENUMS}


@st.composite
def breaking_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str, str, Any]:
    """Draw an old schema, a breaking change of it, its rule and keyword, and a witness.

    The witness is an event the old schema accepts and the new one rejects.
    """
    old = draw(event_schemas())
    new = copy.deepcopy(old)
    name = draw(st.sampled_from(sorted(old["properties"])))
    subschema = new["properties"][name]
    others = [n for n in old["required"] if n != name]
    witness = {n: sample_value(old["properties"][n], draw) for n in others}
    choices = ["type", "required", "removed"]
    if "enum" in subschema:
        choices.append("enum")
    change = draw(st.sampled_from(choices))
    if change == "enum":
        lost = draw(st.sampled_from(subschema["enum"]))
        subschema["enum"] = [v for v in subschema["enum"] if v != lost]
        witness[name] = lost
        return old, new, RULE_ENUMS, f"$.properties.{name}.enum", witness
    if change == "type":
        subschema.pop("enum", None)
        subschema.pop("items", None)
        new["properties"][name] = subschema = {"type": "object", "description": "Changed."}
        old_schema = {k: v for k, v in old["properties"][name].items() if k != "description"}
        witness[name] = sample_value(old_schema, draw)
        return old, new, RULE_TYPES, f"$.properties.{name}.type", witness
    if change == "required":
        if name in new["required"]:
            new["required"].remove(name)
            witness[name] = sample_value(old["properties"][name], draw)
            return old, new, RULE_REQUIRED, "$.required", None  # loosening: no witness
        new["required"].append(name)
        return old, new, RULE_REQUIRED, "$.required", witness
    del new["properties"][name]
    new["required"] = others
    witness[name] = sample_value(old["properties"][name], draw)
    return old, new, RULE_KEYWORDS, f"$.properties.{name}", witness


@settings(max_examples=150, deadline=None)
@given(breaking_pairs())
def test_breaking_changes_are_rejected_with_rule_and_keyword(
    case: tuple[dict[str, Any], dict[str, Any], str, str, Any],
) -> None:
    """A breaking change is reported under its rule and keyword; its witness shows the break."""
    old, new, rule, keyword, witness = case
    found = compare(old, new)
    assert (rule, keyword) in rules(found), found
    if witness is not None:
        assert jsonschema_rs.validator_for(old).is_valid(witness)
        assert not jsonschema_rs.validator_for(new).is_valid(witness)
