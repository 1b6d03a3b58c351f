"""Compatibility between two versions of one event type inside one MAJOR (DESIGN §3).

A later version of the same MAJOR must accept every event an earlier one accepted, and mean the
same by it. So, comparing the earlier schema with the later one:

* every keyword of the earlier schema stays, unchanged (annotations such as ``description`` and
  ``examples`` may change);
* ``required`` stays identical;
* an ``enum`` may only gain values;
* a ``type`` never changes;
* a property may be added only to an object that rejected unknown properties
  (``additionalProperties: false``): elsewhere it would narrow what was accepted;
* a PATCH version changes annotations only: a new property or enum value needs a new MINOR.

Anything else is a new MAJOR. :func:`compare` names the rule and the keyword of each breach.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson

from schemalog.record import json_path

RULE_KEYWORDS: Final = "old keywords unchanged"
RULE_REQUIRED: Final = "required identical"
RULE_ENUMS: Final = "enums only grow"
RULE_TYPES: Final = "types never change"
RULE_NEW_PROPERTY: Final = "new properties only where additionalProperties is false"
RULE_PATCH: Final = "a PATCH changes only annotations"

#: Keywords that document a schema without changing what it accepts or how events are handled.
ANNOTATIONS: Final = frozenset(
    {"description", "examples", "$comment", "title", "deprecated", "x-domain", "x-changes"}
)
#: Keywords whose value maps names to subschemas.
_SCHEMA_MAPS: Final = frozenset({"$defs", "definitions", "patternProperties", "dependentSchemas"})
#: Definitions may grow: an unused definition accepts nothing by itself.
_GROWING_MAPS: Final = frozenset({"$defs", "definitions"})
#: Keywords whose value is one subschema.
_SCHEMA_VALUED: Final = frozenset(
    {
        "items",
        "additionalProperties",
        "additionalItems",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
    }
)
#: Keywords whose value is a list of subschemas, compared position by position.
_SCHEMA_LISTS: Final = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


@dataclass(frozen=True, order=True)
class Incompatibility:
    """One breach of the rules: the rule, the keyword's path in the schema, and what changed."""

    keyword: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f'{self.keyword}: {self.detail} (rule "{self.rule}")'


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any], *, patch: bool = False
) -> list[Incompatibility]:
    """Return how ``new`` breaks compatibility with ``old``; empty when it does not.

    ``patch=True`` says ``new`` is a PATCH of ``old`` (same MINOR), which may change only
    annotations. The top-level ``$id`` is expected to differ (it names the version).
    """
    found: list[Incompatibility] = []
    _Comparison(found, patch).schema(old, new, [], top=True)
    return found


def _show(value: Any) -> str:
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return text if len(text) <= 60 else text[:57] + "..."


def _same(a: Any, b: Any) -> bool:
    return orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(
        b, option=orjson.OPT_SORT_KEYS
    )


def _types(value: Any) -> set[str]:
    return {value} if isinstance(value, str) else {str(v) for v in value}


class _Comparison:
    def __init__(self, found: list[Incompatibility], patch: bool) -> None:
        self.found = found
        self.patch = patch

    def breach(self, path: Sequence[str | int], rule: str, detail: str) -> None:
        self.found.append(Incompatibility(json_path(path), rule, detail))

    def schema(self, old: Any, new: Any, path: list[str | int], *, top: bool = False) -> None:
        if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
            if not _same(old, new):
                self.breach(path, RULE_KEYWORDS, f"changed from {_show(old)} to {_show(new)}")
            return
        skip = ANNOTATIONS | {"$id"} if top else ANNOTATIONS
        keys = [k for k in old if k not in skip]
        keys += [k for k in new if k not in skip and k not in old]
        for key in keys:
            self.keyword(key, old, new, [*path, key])

    def keyword(  # noqa: PLR0911, PLR0912
        self, key: str, old: Mapping[str, Any], new: Mapping[str, Any], path: list[str | int]
    ) -> None:
        if key == "properties":
            self.properties(old, new, path)
            return
        if key == "required":
            self.required(old.get("required", []), new.get("required", []), path)
            return
        if key not in new:
            self.breach(path, RULE_KEYWORDS, f"removed (was {_show(old[key])})")
            return
        if key not in old:
            rule = RULE_TYPES if key == "type" else RULE_KEYWORDS
            self.breach(path, rule, f"added ({_show(new[key])})")
            return
        before, after = old[key], new[key]
        if key == "type":
            if _types(before) != _types(after):
                self.breach(path, RULE_TYPES, f"changed from {_show(before)} to {_show(after)}")
            return
        if key == "enum" and isinstance(before, list) and isinstance(after, list):
            self.enum(before, after, path)
            return
        if key == "x-context" and isinstance(before, list) and isinstance(after, list):
            if set(before) != set(after):
                self.breach(path, RULE_KEYWORDS, f"changed from {_show(before)} to {_show(after)}")
            return
        if key in _SCHEMA_MAPS and isinstance(before, Mapping) and isinstance(after, Mapping):
            self.schema_map(key, before, after, path)
            return
        if key in _SCHEMA_VALUED:
            self.schema(before, after, path)
            return
        if (
            key in _SCHEMA_LISTS
            and isinstance(before, list)
            and isinstance(after, list)
            and len(before) == len(after)
        ):
            for index, (a, b) in enumerate(zip(before, after, strict=True)):
                self.schema(a, b, [*path, index])
            return
        if not _same(before, after):
            self.breach(path, RULE_KEYWORDS, f"changed from {_show(before)} to {_show(after)}")

    def properties(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: list[str | int]
    ) -> None:
        before = old.get("properties", {})
        after = new.get("properties", {})
        if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
            if not _same(before, after):
                self.breach(path, RULE_KEYWORDS, "changed")
            return
        for name, subschema in before.items():
            if name not in after:
                self.breach([*path, name], RULE_KEYWORDS, "property removed")
            else:
                self.schema(subschema, after[name], [*path, name])
        added = [name for name in after if name not in before]
        if not added:
            return
        if old.get("additionalProperties") is not False:
            for name in added:
                self.breach(
                    [*path, name],
                    RULE_NEW_PROPERTY,
                    "property added to an object that already accepted unknown properties",
                )
        elif self.patch:
            for name in added:
                self.breach([*path, name], RULE_PATCH, "property added: that needs a new MINOR")

    def required(self, before: Any, after: Any, path: list[str | int]) -> None:
        if not (isinstance(before, list) and isinstance(after, list)):
            if not _same(before, after):
                self.breach(path, RULE_REQUIRED, f"changed from {_show(before)} to {_show(after)}")
            return
        gained = [name for name in after if name not in before]
        lost = [name for name in before if name not in after]
        parts = []
        if gained:
            parts.append(f"now requires {_show(gained)}")
        if lost:
            parts.append(f"no longer requires {_show(lost)}")
        if parts:
            self.breach(path, RULE_REQUIRED, "; ".join(parts))

    def enum(self, before: list[Any], after: list[Any], path: list[str | int]) -> None:
        lost = [value for value in before if not any(_same(value, v) for v in after)]
        if lost:
            self.breach(path, RULE_ENUMS, f"lost {_show(lost)}")
        elif self.patch and len(after) > len(before):
            gained = [value for value in after if not any(_same(value, v) for v in before)]
            self.breach(path, RULE_PATCH, f"gained {_show(gained)}: that needs a new MINOR")

    def schema_map(
        self,
        key: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        path: list[str | int],
    ) -> None:
        for name, subschema in before.items():
            if name not in after:
                self.breach([*path, name], RULE_KEYWORDS, "removed")
            else:
                self.schema(subschema, after[name], [*path, name])
        if key not in _GROWING_MAPS:
            for name in after:
                if name not in before:
                    self.breach([*path, name], RULE_KEYWORDS, "added")
