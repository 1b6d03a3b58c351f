"""One tool's parameters: from a call's arguments, sanitized for the log, checked by its schema.

A tool may come with a JSON Schema of its parameters (an MCP tool's ``inputSchema``). The
parameters are checked against it before the tool runs, and each problem is reported as
``{"field", "error", "schema_path"}``. Its ``x-sensitive`` annotations (``hash``, ``mask``,
``drop``) apply to the logged parameters, as they do to event fields; secret-named keys
(``password``, ``api_key``, ...) are redacted in any case.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from schemalog._core.normalize import normalize_fields
from schemalog._core.redact import Redactor, clean_json
from schemalog.catalog.sensitivity import EMPTY_PLAN, RedactionPlan
from schemalog.catalog.validators import check_schema_fast, describe, schema_value
from schemalog.exceptions import ToolSchemaError

#: Key under which extra positional arguments (``*args``) are logged.
EXTRA_ARGS: Final = "args"
_SELF_NAMES: Final = frozenset({"self", "cls"})
#: Parameter values that are JSON data as they are (orjson refuses the odd ones: lone
#: surrogates, integers beyond 64 bits).
_FLAT_TYPES: Final = frozenset({str, int, bool, type(None)})
_POSITIONAL: Final = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass(frozen=True)
class ToolSpec:
    """What the tracker knows about one tool: its name, parameter schema and argument names."""

    name: str
    schema: Mapping[str, Any] | None = None
    #: Names of the positional parameters, in order (``self``/``cls`` left out).
    positional: tuple[str, ...] = ()
    #: Whether the first positional argument is ``self`` or ``cls`` (not a tool parameter).
    skips_first: bool = False
    validator: Any = field(default=None, repr=False, compare=False)
    plan: RedactionPlan = field(default=EMPTY_PLAN, repr=False, compare=False)
    #: Top-level parameter names the schema declares: these are checked even when they are
    #: names the tracker keeps out of the log (``user_id``, ``session_id``, ...).
    declared: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def build(
        cls,
        name: str,
        schema: Mapping[str, Any] | None = None,
        function: Callable[..., Any] | None = None,
    ) -> ToolSpec:
        """Return the spec of a tool; raise ToolSchemaError when ``schema`` is not valid."""
        validator = None
        plan = EMPTY_PLAN
        declared: frozenset[str] = frozenset()
        if schema is not None:
            if not isinstance(schema, Mapping):
                raise ToolSchemaError(f"tool {name!r}: the parameter schema must be a JSON object")
            issue = check_schema_fast(schema)
            if issue is not None:
                raise ToolSchemaError(f"tool {name!r}: parameter schema is not valid: {issue}")
            import jsonschema_rs

            validator = jsonschema_rs.validator_for(dict(schema))
            plan = RedactionPlan.from_schema(schema)
            properties = schema.get("properties")
            if isinstance(properties, Mapping):
                declared = frozenset(properties)
        positional: tuple[str, ...] = ()
        skips_first = False
        if function is not None:
            positional, skips_first = _positional_names(function)
        return cls(name, schema, positional, skips_first, validator, plan, declared)

    @property
    def schema_version(self) -> str | None:
        """The schema's own version (``version`` or ``x-version``), when it declares one."""
        if self.schema is None:
            return None
        version = self.schema.get("version", self.schema.get("x-version"))
        return version if isinstance(version, str) else None

    def arguments(self, args: Sequence[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Return a call's arguments as one ``{name: value}`` mapping (``kwargs`` when no args).

        ``kwargs`` is the wrapper's own dict, made for this call: it is used, not copied.
        """
        if not args:
            return kwargs
        if self.skips_first:
            args = args[1:]
        names = self.positional
        params = dict(zip(names, args, strict=False))
        if len(args) > len(names):
            params[EXTRA_ARGS] = list(args[len(names) :])
        params.update(kwargs)
        return params

    def prepare(
        self, params: Mapping[str, Any], drop: frozenset[str], redactor: Redactor
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return ``(checked, logged)`` parameters, as JSON data.

        ``checked`` is what the schema validates: every parameter but the ``drop`` names the
        schema does not declare. ``logged`` leaves out all ``drop`` names and has sensitive
        values hashed, masked, dropped or redacted.
        """
        plain = normalize_fields(params)
        if drop.isdisjoint(plain):
            return plain, redactor.redact(plain, self.plan)
        kept = {key: value for key, value in plain.items() if key not in drop}
        checked = {
            key: value for key, value in plain.items() if key not in drop or key in self.declared
        }
        return checked, redactor.redact(kept, self.plan)

    def flat_json(self, params: dict[str, Any], drop: frozenset[str]) -> bytes | None:
        """Return the canonical JSON of parameters :meth:`prepare` would leave as they are.

        That is a flat dict of strings, integers, booleans and nulls that orjson takes, with
        no ``drop`` name, under a schema without ``x-sensitive`` annotations, whose JSON holds
        nothing the secret scan could redact; else None. Such parameters are checked and
        logged as they are, and their JSON with sorted keys is their canonical form
        (:func:`~schemalog.agent.hashing.canonical_json`). One ``orjson.dumps`` instead of
        the walks of normalizing, redacting and canonicalizing.
        """
        if self.plan.actions:
            return None
        for name, value in params.items():  # one pass: tool calls have few parameters
            if name in drop or type(value) not in _FLAT_TYPES:
                return None
        try:
            data = orjson.dumps(params, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # a key that is no str, a lone surrogate, a huge integer
            return None
        return data if clean_json(data) else None

    def validate(self, plain: Mapping[str, Any]) -> list[dict[str, str]]:
        """Return one ``{"field", "error", "schema_path"}`` per problem (empty when valid)."""
        validator = self.validator
        if validator is None or validator.is_valid(plain):
            return []
        assert self.schema is not None
        problems: list[dict[str, str]] = []
        for error in validator.iter_errors(plain):
            problems.extend(_problems(self.schema, error))
        return sorted(problems, key=lambda p: (p["field"], p["schema_path"], p["error"]))


def _positional_names(function: Callable[..., Any]) -> tuple[tuple[str, ...], bool]:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature
        return (), False
    positional = [p.name for p in parameters if p.kind in _POSITIONAL]
    skips_first = bool(positional) and positional[0] in _SELF_NAMES
    return tuple(positional[1:] if skips_first else positional), skips_first


def _dotted(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _problems(schema: Mapping[str, Any], error: Any) -> list[dict[str, str]]:
    schema_path = list(error.schema_path)
    where = list(error.instance_path)
    keyword = str(schema_path[-1]) if schema_path else ""
    if keyword == "required":
        parent = schema_path[:-1]
        name = str(error.kind.property)
        return [
            {
                "field": _dotted([*where, name]),
                "error": "required field is missing",
                "schema_path": _dotted([*parent, "properties", name]),
            }
        ]
    if keyword == "additionalProperties":
        return [
            {
                "field": _dotted([*where, str(name)]),
                "error": "field not declared by the schema",
                "schema_path": _dotted(schema_path),
            }
            for name in sorted(error.kind.unexpected)
        ]
    expected = schema_value(schema, schema_path)
    return [
        {
            "field": _dotted(where) or "$",
            "error": describe(keyword, error.instance, expected, str(error.message)),
            "schema_path": _dotted(schema_path),
        }
    ]
