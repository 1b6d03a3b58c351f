"""Validating an event in two parts: the fields bound to its logger, then its own fields.

The tracker's events carry fields bound to its logger (``mcp_name``) before their own, and
merging both into one dict for every event only to validate it costs about as much as the
validation. For a schema whose one rule across fields is ``required`` (an object schema,
closed with ``additionalProperties: false``, every other top-level keyword an annotation),
the merged event is valid exactly when the bound part is valid against the schema without
``required``, and the event's own fields are valid against the schema without the bound
names (so they cannot repeat one) and with the rest of ``required``. The bound part is then
checked once per logger, and each event checks only its own fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from schemalog.catalog.validators import CompiledValidator

IsValid = Callable[[Any], bool]
#: Top-level keywords that never make an instance invalid.
_ANNOTATIONS: Final = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
#: The top-level keywords the split understands.
_STRUCTURE: Final = frozenset({"type", "properties", "required", "additionalProperties"})
#: Dialects whose ``required`` is the top-level list (draft 3 had it in each property).
_DIALECTS: Final = ("2020-12", "2019-09", "draft-07", "draft-06", "draft-04")
#: Sets of bound names remembered per schema (forgotten all at once past this).
_NAME_SETS: Final = 16


def splittable(schema: Mapping[str, Any]) -> bool:
    """Return whether an event of ``schema`` may be validated in two parts (see the module)."""
    dialect = schema.get("$schema")
    return (
        schema.get("type", "object") == "object"
        and schema.get("additionalProperties") is False
        and isinstance(schema.get("properties"), Mapping)
        and isinstance(schema.get("required", []), list)
        and (dialect is None or (isinstance(dialect, str) and any(d in dialect for d in _DIALECTS)))
        and all(k in _ANNOTATIONS or k in _STRUCTURE or k.startswith("x-") for k in schema)
    )


class SplitValidators:
    """The two validators of a :func:`splittable` schema, for each set of bound names."""

    __slots__ = ("_by_names", "_schema")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._schema = schema
        self._by_names: dict[frozenset[str], tuple[IsValid, IsValid]] = {}

    def for_names(self, names: frozenset[str]) -> tuple[IsValid, IsValid]:
        """Return ``(bound part's is_valid, own fields' is_valid)`` for bound ``names``."""
        found = self._by_names.get(names)
        if found is None:
            if len(self._by_names) >= _NAME_SETS:
                self._by_names.clear()
            schema = self._schema
            required = schema.get("required", [])
            own = {
                **schema,
                "properties": {k: v for k, v in schema["properties"].items() if k not in names},
                "required": [name for name in required if name not in names],
            }
            found = (
                CompiledValidator({**schema, "required": []}).is_valid,
                CompiledValidator(own).is_valid,
            )
            self._by_names[names] = found
        return found
