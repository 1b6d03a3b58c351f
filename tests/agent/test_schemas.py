"""Tests for the agent events' schemas in the catalog (seed 002's fifteen event types)."""

from __future__ import annotations

import pytest

from schemalog.agent.events import AGENT_EVENT_TYPES
from schemalog.catalog.load import Catalog
from schemalog.catalog.validators import ReferenceValidator
from schemalog.record import RESERVED_NAMES
from tests.paths import ROOT


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """Return the project's catalog."""
    return Catalog.load(ROOT / "schemas")


@pytest.mark.parametrize("event_type", AGENT_EVENT_TYPES)
def test_agent_schema_follows_the_conventions(catalog: Catalog, event_type: str) -> None:
    """Each version is closed, needs session_id, and describes and types every property."""
    for version in catalog.versions(event_type):
        schema = version.schema
        assert schema["$id"] == f"https://schemalog.dev/schemas/{event_type}/{version.version_text}"
        assert schema["title"] == event_type
        assert schema["additionalProperties"] is False
        assert version.required_context == ("session_id",)
        assert set(schema["required"]) <= set(schema["properties"])
        assert not RESERVED_NAMES.intersection(schema["properties"])
        for name, prop in schema["properties"].items():
            assert prop.get("description"), f"{event_type}.{name} has no description"
            assert "type" in prop, f"{event_type}.{name} has no type"
        assert "mcp_name" in schema["properties"]


@pytest.mark.parametrize("event_type", AGENT_EVENT_TYPES)
def test_agent_schema_examples_are_valid(catalog: Catalog, event_type: str) -> None:
    """Every example validates against its own schema (with the reference validator)."""
    for version in catalog.versions(event_type):
        examples = version.schema["examples"]
        assert examples
        for example in examples:
            assert ReferenceValidator(version.schema).issues(example) == []


@pytest.mark.parametrize("event_type", ["tool_call_completed", "tool_call_failed"])
def test_new_tool_call_versions_only_add_optional_properties(
    catalog: Catalog, event_type: str
) -> None:
    """1.1.0 keeps every 1.0.0 keyword, property and requirement, adding optional properties."""
    old = catalog.get(event_type, "1.0.0").schema
    new = catalog.get(event_type, "1.1.0").schema
    for keyword, value in old.items():
        if keyword not in ("$id", "properties"):
            assert new[keyword] == value, keyword
    for name, prop in old["properties"].items():
        assert new["properties"][name] == prop
    added = set(new["properties"]) - set(old["properties"])
    assert added == {"params_hash", "retry_attempt"} | (
        {"result_type"} if event_type == "tool_call_completed" else set()
    )
    assert not added & set(new["required"])


def test_seed_schema_version_is_renamed_in_schema_validation_error(catalog: Catalog) -> None:
    """The seed's schema_version metadata is tool_schema_version: the envelope owns the name."""
    properties = catalog.get("schema_validation_error").schema["properties"]
    assert "tool_schema_version" in properties
    assert "schema_version" not in properties
