"""Flat schemas checked in Python, so that a common catalog needs no ``jsonschema_rs`` to start.

Importing ``jsonschema_rs`` costs more than the rest of ``configure()``. A schema built only from
the plain keywords below is found valid against the meta-schema here (:func:`surely_meta_valid`),
and an event of plain scalar fields is found valid here (:class:`FlatValidator`). Each says only
"surely valid"; anything else (another keyword, a value it is not sure of, an invalid event) goes
to ``jsonschema_rs``, so what is accepted stays exactly what ``jsonschema_rs`` accepts
(``tests/catalog/test_flat.py`` checks both against it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from schemalog.catalog.validators import CompiledValidator
    from schemalog.record import SchemaIssue

#: The one dialect both checks know (the catalog's: docs/catalog.md).
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_TYPE_NAMES: Final = frozenset(
    {"string", "integer", "number", "boolean", "null", "object", "array"}
)
#: What an ``$id`` after ``https://`` may hold to be surely a URI reference without a fragment
#: (the meta-schema refuses a fragment).
_ID_CHARACTERS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~/-"
)


def _any_value(_value: Any) -> bool:
    return True


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _type_value(value: Any) -> bool:
    if type(value) is str:
        return value in _TYPE_NAMES
    return (
        type(value) is list
        and bool(value)
        and all(type(name) is str and name in _TYPE_NAMES for name in value)
        and len(set(value)) == len(value)
    )


def _names(value: Any) -> bool:
    return (
        type(value) is list
        and all(type(name) is str for name in value)
        and len(set(value)) == len(value)
    )


def _properties(value: Any) -> bool:
    return type(value) is dict and all(_surely_schema(sub) for sub in value.values())


def _surely_schema(schema: Any, checked_already: frozenset[str] = frozenset()) -> bool:
    if type(schema) is not dict:
        return type(schema) is bool
    for key, value in schema.items():
        kind = _TYPED.get(key)
        if kind is not None:
            if type(value) is not kind:
                return False
            continue
        check = _CHECKED.get(key)
        if check is None:
            # unknown to this module: jsonschema_rs decides
            if type(key) is not str or (key[:2] != "x-" and key not in checked_already):
                return False
        elif not check(value):
            return False
    return True


#: Keywords whose value the 2020-12 meta-schema surely accepts when it has this exact type.
_TYPED: Final[dict[str, type]] = {
    "$comment": str,
    "title": str,
    "description": str,
    "format": str,
    "enum": list,
    "examples": list,
    "uniqueItems": bool,
    "deprecated": bool,
}
#: The other keywords this module knows, with what the meta-schema surely accepts for each.
_CHECKED: Final[dict[str, Callable[[Any], bool]]] = {
    "type": _type_value,
    "properties": _properties,
    "additionalProperties": _surely_schema,
    "items": _surely_schema,
    "required": _names,
    "const": _any_value,
    "default": _any_value,
    "minimum": _number,
    "maximum": _number,
    "exclusiveMinimum": _number,
    "exclusiveMaximum": _number,
    "minLength": _count,
    "maxLength": _count,
    "minItems": _count,
    "maxItems": _count,
}
#: The top-level keywords :func:`surely_meta_valid` checks itself.
_TOP: Final = frozenset({"$schema", "$id"})


def surely_meta_valid(schema: Mapping[str, Any]) -> bool:
    """Whether ``schema`` surely passes the 2020-12 meta-schema (False: not sure, ask it)."""
    if type(schema) is not dict or schema.get("$schema") != DIALECT:
        return False
    schema_id = schema.get("$id")
    if schema_id is not None and not (
        type(schema_id) is str
        and schema_id.startswith("https://")
        and _ID_CHARACTERS.issuperset(schema_id[8:])
    ):
        return False
    return _surely_schema(schema, _TOP)


#: Keywords that do not change what is valid, at the top or in a property (``format`` is an
#: annotation in 2020-12: jsonschema_rs does not assert it).
_ANNOTATIONS: Final = frozenset(
    {"$comment", "title", "description", "examples", "default", "format"}
)
_TOP_KEYWORDS: Final = _ANNOTATIONS | {"$schema", "$id", "type", "properties", "required"}
#: The Python types of plain values of each JSON type, as jsonschema_rs judges them.
_PLAIN_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
#: Property specs: the Python types surely valid, and a check of the value (None: none).
Spec = tuple[frozenset[type], Callable[[Any], bool] | None]
_NEVER: Final[Spec] = (frozenset(), None)
_LIMIT: Final = 2**53  # bounds beyond it are left to jsonschema_rs (floats round there)


def _finite(value: Any) -> bool:
    return type(value) is not float or value - value == 0.0  # NaN and infinities are invalid


def _bounds_check(subschema: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    low, high = subschema.get("minimum"), subschema.get("maximum")
    if any(type(b) is not int or not -_LIMIT < b < _LIMIT for b in (low, high) if b is not None):
        return None
    return lambda value: (low is None or value >= low) and (high is None or value <= high)


def _spec(subschema: Any) -> Spec:
    """Return what a property's value surely satisfies; (empty, None) when not sure of any."""
    if subschema is True:
        subschema = {}
    if type(subschema) is not dict:
        return _NEVER
    kinds = subschema.get("type", list(_PLAIN_TYPES))
    names = [kinds] if type(kinds) is str else kinds
    if type(names) is not list or not all(name in _PLAIN_TYPES for name in names):
        return _NEVER
    # Floats only for "number": 1.0 is an integer to jsonschema_rs, left to it.
    types = {t for name in names for t in _PLAIN_TYPES[name]}
    rest = {k for k in subschema if k not in _ANNOTATIONS and k != "type" and k[:2] != "x-"}
    if not rest:
        return frozenset(types), (_finite if float in types else None)
    if rest == {"enum"} and all(type(v) is str for v in subschema["enum"]):
        allowed = frozenset(subschema["enum"])
        return frozenset(types & {str}), allowed.__contains__
    if rest <= {"minimum", "maximum"}:
        check = _bounds_check(subschema)
        return _NEVER if check is None else (frozenset(types & {int}), check)
    return _NEVER


def flat_specs(schema: Mapping[str, Any]) -> dict[str, Spec] | None:
    """Each property's spec when ``schema`` (surely meta-valid) is flat and closed, else None."""
    if schema.get("$schema") != DIALECT or schema.get("type") != "object":
        return None
    if schema.get("additionalProperties") is not False:
        return None
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    if type(properties) is not dict or type(required) is not list:
        return None
    if any(k not in _TOP_KEYWORDS and k[:2] != "x-" for k in schema if k != "additionalProperties"):
        return None
    return {name: _spec(subschema) for name, subschema in properties.items()}


#: Checks of one schema in Python before it is compiled: compiling costs about what a hundred
#: checks cost more in Python than in jsonschema_rs (0.4M instructions against 3-4K more each),
#: so a busy type runs at jsonschema_rs's speed, and a process writing few events of each type
#: never imports it.
CHECKS_BEFORE_COMPILING: Final = 100


class FlatValidator:
    """The validator of a flat schema: its first events in Python, then by jsonschema_rs.

    The same interface as :class:`CompiledValidator` (``is_valid``, ``issues``). An event it is
    not sure of, an invalid one, and every event after :data:`CHECKS_BEFORE_COMPILING` checks
    go to the compiled validator (``is_valid`` then is that one's).
    """

    __slots__ = ("_compiled", "_schema", "is_valid")

    def __init__(self, schema: Mapping[str, Any], specs: dict[str, Spec]) -> None:
        self._schema = schema
        self._compiled: CompiledValidator | None = None
        required = tuple(schema.get("required", ()))
        spec_of = specs.get
        compiled = self._compiled_validator
        checks_left = CHECKS_BEFORE_COMPILING

        def is_valid(instance: Any) -> bool:
            """Whether ``instance`` is valid (raises ValueError as jsonschema_rs does)."""
            nonlocal checks_left
            checks_left -= 1
            if checks_left <= 0:  # from now on jsonschema_rs's, also for who kept this one
                if checks_left == 0:
                    self.is_valid = compiled().is_valid
                return self.is_valid(instance)
            if type(instance) is not dict:
                return compiled().is_valid(instance)
            for name in required:
                if name not in instance:
                    return compiled().is_valid(instance)
            for name, value in instance.items():
                spec = spec_of(name)
                if (
                    spec is None
                    or type(value) not in spec[0]
                    or type(name) is not str
                    or (spec[1] is not None and not spec[1](value))
                ):
                    return compiled().is_valid(instance)
            return True

        self.is_valid = is_valid

    def _compiled_validator(self) -> CompiledValidator:
        compiled = self._compiled
        if compiled is None:
            from schemalog.catalog.validators import CompiledValidator  # on need, as jsonschema_rs

            compiled = self._compiled = CompiledValidator(self._schema)
        return compiled

    def issues(self, instance: Any) -> list[SchemaIssue]:
        """Return every problem with ``instance``, sorted by path; empty when it is valid."""
        return self._compiled_validator().issues(instance)


def validator_for(schema: Mapping[str, Any]) -> FlatValidator | CompiledValidator:
    """Return the validator of ``schema``: a :class:`FlatValidator` when it is flat.

    Compiled at once: a schema the meta-schema may refuse (so it fails here as it always did),
    and one with a required field whose values this module is never sure of.
    """
    specs = flat_specs(schema) if surely_meta_valid(schema) else None
    if specs is None or any(not specs.get(name, _NEVER)[0] for name in schema.get("required", ())):
        from schemalog.catalog.validators import CompiledValidator

        return CompiledValidator(schema)
    return FlatValidator(schema, specs)
