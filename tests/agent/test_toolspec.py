"""Tests for schemalog.agent.toolspec: call arguments, sanitizing, and parameter validation."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from schemalog._core.redact import Redactor
from schemalog.agent.toolspec import ToolSpec
from schemalog.catalog.sensitivity import REDACTED
from schemalog.exceptions import ToolSchemaError
from schemalog.record import CONTEXT_NAMES

SCHEMA: dict[str, Any] = {
    "type": "object",
    "version": "2.1.0",
    "properties": {
        "model_name": {"type": "string"},
        "limit": {"type": "integer", "minimum": 1},
        "filters": {
            "type": "object",
            "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
        },
        "card_number": {"type": "string", "x-sensitive": "mask"},
        "email": {"type": "string", "x-sensitive": "drop"},
    },
    "required": ["model_name"],
    "additionalProperties": False,
}
DROP = CONTEXT_NAMES | {"original_prompt"}


def search(query: str, limit: int = 10, *rest: Any, **options: Any) -> None:
    """Stand in for a tool with every kind of parameter."""


class Service:
    def lookup(self, item_id: int) -> None:
        """Stand in for a tool that is a method."""


def test_arguments_name_positional_values() -> None:
    """Positional arguments get their parameter names; extra ones go under 'args'."""
    spec = ToolSpec.build("search", None, search)
    assert spec.arguments(("q", 5), {"lang": "en"}) == {"query": "q", "limit": 5, "lang": "en"}
    assert spec.arguments(("q", 5, "x", "y"), {}) == {"query": "q", "limit": 5, "args": ["x", "y"]}
    assert spec.arguments((), {"query": "q"}) == {"query": "q"}


def test_arguments_of_a_method_leave_out_self() -> None:
    """The instance a method is called on is not a tool parameter."""
    spec = ToolSpec.build("lookup", None, Service.lookup)
    assert spec.arguments((Service(), 42), {}) == {"item_id": 42}


def test_prepare_drops_context_and_redacts() -> None:
    """Context names and dropped names go; secret names are redacted; x-sensitive applies."""
    spec = ToolSpec.build("search", SCHEMA)
    params = {
        "model_name": "llama",
        "user_id": "u1",
        "session_id": "s1",
        "original_prompt": "a long prompt",
        "api_key": "sk-live-123",
        "card_number": "4111111111111111",
        "email": "a@example.com",
    }
    plain, logged = spec.prepare(params, DROP, Redactor())
    assert set(plain) == {"model_name", "api_key", "card_number", "email"}
    assert logged == {"model_name": "llama", "api_key": REDACTED, "card_number": "4111****"}
    assert plain["card_number"] == "4111111111111111"  # validation sees the real value


def test_a_context_name_the_schema_declares_is_validated_but_not_logged() -> None:
    """A tool whose schema requires user_id gets it checked; the log still leaves it out."""
    schema = {
        "type": "object",
        "properties": {"user_id": {"type": "string"}, "query": {"type": "string"}},
        "required": ["user_id", "query"],
        "additionalProperties": False,
    }
    spec = ToolSpec.build("lookup", schema)
    checked, logged = spec.prepare(
        {"user_id": "u1", "session_id": "s1", "query": "q"}, DROP, Redactor()
    )
    assert checked == {"user_id": "u1", "query": "q"}
    assert logged == {"query": "q"}
    assert spec.validate(checked) == []
    checked, _ = spec.prepare({"session_id": "s1", "query": "q"}, DROP, Redactor())
    assert spec.validate(checked) == [
        {
            "field": "user_id",
            "error": "required field is missing",
            "schema_path": "properties.user_id",
        }
    ]


def test_validate_reports_field_error_and_schema_path() -> None:
    """Each problem names the field, the reason and where the rule is in the schema."""
    spec = ToolSpec.build("search", SCHEMA)
    problems = spec.validate({"limit": 0, "filters": {"tags": ["a", 3]}, "extra": True})
    assert problems == [
        {
            "field": "extra",
            "error": "field not declared by the schema",
            "schema_path": "additionalProperties",
        },
        {
            "field": "filters.tags[1]",
            "error": "expected a string, got 3",
            "schema_path": "properties.filters.properties.tags.items.type",
        },
        {
            "field": "limit",
            "error": "0 is less than the minimum of 1",
            "schema_path": "properties.limit.minimum",
        },
        {
            "field": "model_name",
            "error": "required field is missing",
            "schema_path": "properties.model_name",
        },
    ]
    assert spec.validate({"model_name": "llama", "limit": 3}) == []


def test_validate_without_a_schema_accepts_anything() -> None:
    """A tool without a parameter schema has nothing to check."""
    assert ToolSpec.build("search").validate({"anything": object()}) == []


def test_schema_version_comes_from_the_schema() -> None:
    """The schema's own 'version' is reported as the tool schema's version."""
    assert ToolSpec.build("search", SCHEMA).schema_version == "2.1.0"
    assert ToolSpec.build("search", {"type": "object"}).schema_version is None


def test_an_invalid_schema_is_refused_at_build_time() -> None:
    """A parameter schema that is not valid JSON Schema raises ToolSchemaError naming the tool."""
    with pytest.raises(ToolSchemaError, match="'search'"):
        ToolSpec.build("search", {"type": "objekt"})


class Level(enum.IntEnum):
    """An int subclass (normalizing makes it a plain int)."""

    LOW = 1


FLAT_CASES: dict[str, dict[str, Any]] = {
    "flat and clean": {"query": "refund policy", "limit": 5, "strict": True, "page": None},
    "a secret name": {"query": "q", "password": "hunter2"},
    "a secret in text": {"query": "see https://x.test/?token=abc123"},
    "a bearer token": {"query": "Bearer abcdef123456"},
    "an escape": {"query": 'say "pass\\nword"'},
    "nested": {"query": "q", "filters": {"tags": ["a"]}},
    "a float": {"limit": 5.0},
    "a context name": {"query": "q", "user_id": "u-1"},
    "a lone surrogate": {"query": "\ud800"},
    "a huge integer": {"limit": 2**70},
    "an int subclass": {"limit": True, "n": Level.LOW},
}


@pytest.mark.parametrize("params", FLAT_CASES.values(), ids=FLAT_CASES.keys())
def test_flat_json_agrees_with_prepare(params: dict[str, Any]) -> None:
    """Where flat_json answers, prepare leaves the parameters as they are and hashes that JSON."""
    from schemalog.agent.hashing import canonical_json

    spec = ToolSpec("search")
    data = spec.flat_json(params, DROP)
    checked, logged = spec.prepare(params, DROP, Redactor())
    if data is not None:
        assert checked == logged == params
        assert data == canonical_json(logged, normalized=True)


def test_flat_json_answers_only_for_parameters_ready_as_they_are() -> None:
    """Flat clean parameters get their sorted JSON; anything to drop, redact or normalize: None."""
    spec = ToolSpec("search")
    answered = {name for name, params in FLAT_CASES.items() if spec.flat_json(params, DROP)}
    assert answered == {"flat and clean"}
    assert spec.flat_json({"b": 1, "a": "x"}, DROP) == b'{"a":"x","b":1}'


def test_flat_json_leaves_schemas_with_sensitive_fields_to_prepare() -> None:
    """A schema with x-sensitive annotations always takes prepare (its actions apply)."""
    spec = ToolSpec.build("search", SCHEMA)
    assert spec.flat_json({"model_name": "llama"}, DROP) is None
    plain = ToolSpec.build("search", {"type": "object", "properties": {"q": {"type": "string"}}})
    assert plain.flat_json({"q": "x"}, DROP) == b'{"q":"x"}'
