"""Schema validation: a compiled validator on the hot path, the reference one to explain.

Events are checked with ``jsonschema_rs`` (compiled, about 0.4 us per event). The reference
``jsonschema`` package explains failures in ``schemalog validate`` and checks the catalog in
``schemalog schemas check``; it is imported only there because importing it can take seconds.
Both engines' errors are rendered by the same :func:`describe`, so one problem reads the same
whichever engine found it, and the test suite checks that the two always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, Final, Protocol

import orjson

from schemalog.record import SchemaIssue, json_path


def show_value(value: Any, limit: int = 80) -> str:
    """Return how an issue's reason quotes ``value``: compact JSON, cut at ``limit`` characters."""
    try:
        text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= limit else text[: max(limit - 3, 0)] + "..."


_TYPE_NAMES: Final = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}


def _expected_types(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_NAMES.get(n, str(n)) for n in names)


_BOUNDS: Final = {
    "minimum": "less than the minimum of",
    "exclusiveMinimum": "less than or equal to the exclusive minimum of",
    "maximum": "greater than the maximum of",
    "exclusiveMaximum": "greater than or equal to the exclusive maximum of",
    "multipleOf": "not a multiple of",
}
_SIZES: Final = {
    "minLength": ("at least", "characters"),
    "maxLength": ("at most", "characters"),
    "minItems": ("at least", "items"),
    "maxItems": ("at most", "items"),
    "minProperties": ("at least", "fields"),
    "maxProperties": ("at most", "fields"),
}
_ALTERNATIVES: Final = {
    "anyOf": "matches none of the allowed alternatives",
    "oneOf": "must match exactly one of the alternatives",
    "not": "matches a schema it must not match",
}


def describe(keyword: str, instance: Any, expected: Any, fallback: str) -> str:  # noqa: PLR0911
    """Return the reason for a failed ``keyword``, given the value and the schema's setting."""
    if keyword == "type":
        return f"expected {_expected_types(expected)}, got {show_value(instance)}"
    if keyword == "enum":
        return f"{show_value(instance)} is not one of {show_value(expected)}"
    if keyword == "const":
        return f"expected {show_value(expected)}, got {show_value(instance)}"
    if keyword == "pattern":
        return f"{show_value(instance)} does not match the pattern {show_value(expected)}"
    if keyword == "uniqueItems":
        return "items must be unique"
    if keyword in _BOUNDS:
        return f"{show_value(instance)} is {_BOUNDS[keyword]} {show_value(expected)}"
    if keyword in _SIZES:
        bound, unit = _SIZES[keyword]
        return f"expected {bound} {expected} {unit}, got {len(instance)}"
    if keyword in _ALTERNATIVES:
        return f"{show_value(instance)} {_ALTERNATIVES[keyword]}"
    return fallback


def additional_issues(path: Sequence[str | int], names: Iterable[str]) -> list[SchemaIssue]:
    """One issue per field the schema does not declare."""
    return [
        SchemaIssue(json_path([*path, name]), "field not declared by the schema")
        for name in sorted(names)
    ]


def required_issues(path: Sequence[str | int], names: Iterable[str]) -> list[SchemaIssue]:
    """One issue per missing required field."""
    return [
        SchemaIssue(json_path([*path, name]), "required field is missing") for name in sorted(names)
    ]


def schema_value(schema: Mapping[str, Any], schema_path: Sequence[str | int]) -> Any:
    """Return the value at ``schema_path`` inside ``schema`` (None when it is not there)."""
    node: Any = schema
    for part in schema_path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


class _RsError(Protocol):
    instance: Any
    instance_path: list[str | int]
    schema_path: list[str | int]
    message: str
    kind: Any


def _rs_issues(schema: Mapping[str, Any], error: _RsError) -> list[SchemaIssue]:
    keyword = str(error.schema_path[-1]) if error.schema_path else ""
    path = list(error.instance_path)
    if keyword == "additionalProperties":
        return additional_issues(path, error.kind.unexpected)
    if keyword == "required":
        return required_issues(path, [error.kind.property])
    expected = schema_value(schema, error.schema_path)
    return [
        SchemaIssue(json_path(path), describe(keyword, error.instance, expected, error.message))
    ]


class CompiledValidator:
    """A ``jsonschema_rs`` validator with issues rendered by :func:`describe`."""

    __slots__ = ("_schema", "_validator", "is_valid")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        import jsonschema_rs

        self._schema = schema
        self._validator = jsonschema_rs.validator_for(dict(schema))
        self.is_valid = self._validator.is_valid

    def issues(self, instance: Any) -> list[SchemaIssue]:
        """Return every problem with ``instance``, sorted by path; empty when it is valid."""
        found: list[SchemaIssue] = []
        for error in self._validator.iter_errors(instance):
            found.extend(_rs_issues(self._schema, error))
        return sorted(set(found))


def check_schema_fast(schema: Mapping[str, Any]) -> SchemaIssue | None:
    """Check a schema against its JSON Schema meta-schema with ``jsonschema_rs``."""
    import jsonschema_rs

    try:
        jsonschema_rs.meta.validate(dict(schema))
    except jsonschema_rs.ValidationError as error:
        return SchemaIssue(json_path(error.instance_path), error.message.splitlines()[0])
    except jsonschema_rs.ReferencingError as error:
        return SchemaIssue("$", f"cannot resolve the meta-schema: {error}")
    return None


@cache
def _reference_validator_class(dialect: str | None) -> Any:
    from jsonschema import validators

    return validators.validator_for({"$schema": dialect} if dialect else {}, default=None) or (
        validators.Draft202012Validator
    )


class ReferenceValidator:
    """The reference ``jsonschema`` validator, for explaining and for checking the catalog."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        dialect = schema.get("$schema")
        self._schema = schema
        self._validator = _reference_validator_class(dialect if isinstance(dialect, str) else None)(
            schema
        )

    def issues(self, instance: Any) -> list[SchemaIssue]:
        """Return every problem with ``instance``, sorted by path; empty when it is valid."""
        found: list[SchemaIssue] = []
        for error in self._validator.iter_errors(instance):
            found.extend(self._issues(error))
        return sorted(set(found))

    def _issues(self, error: Any) -> list[SchemaIssue]:
        path = list(error.absolute_path)
        keyword = str(error.validator)
        if keyword == "additionalProperties":
            declared = error.schema.get("properties", {})
            patterns = error.schema.get("patternProperties", {})
            extra = [
                name
                for name in error.instance
                if name not in declared and not any(re.search(p, name) for p in patterns)
            ]
            return additional_issues(path, extra)
        if keyword == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            return required_issues(path, missing)
        return [
            SchemaIssue(
                json_path(path),
                describe(keyword, error.instance, error.validator_value, error.message),
            )
        ]

    @staticmethod
    def check_schema(schema: Mapping[str, Any]) -> list[SchemaIssue]:
        """Return the schema's problems against its meta-schema, with paths into the schema."""
        dialect = schema.get("$schema")
        cls = _reference_validator_class(dialect if isinstance(dialect, str) else None)
        meta = cls(cls.META_SCHEMA)
        return sorted(
            {
                SchemaIssue(json_path(list(e.absolute_path)), e.message)
                for e in meta.iter_errors(schema)
            }
        )
