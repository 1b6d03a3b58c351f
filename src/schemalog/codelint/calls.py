"""Checking one event call against the catalog: event type, version, fields and their types."""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping
from typing import Any, Final

from schemalog.catalog.load import Catalog, SchemaVersion
from schemalog.catalog.validators import _TYPE_NAMES, CompiledValidator  # one wording for types
from schemalog.codelint.loggers import Logger, keywords
from schemalog.codelint.report import LintReport
from schemalog.exceptions import UnknownEventError
from schemalog.record import CONTEXT_NAMES, STAMPED_NAMES

LEVEL_METHODS: Final = frozenset({"debug", "info", "warning", "error", "critical", "exception"})
#: Keywords the pipeline takes for itself rather than as event fields.
CALL_OPTIONS: Final = frozenset({"exc_info", "schema_version", "event_type"})
_PLAIN_CALLS: Final = {
    "str": "string",
    "repr": "string",
    "format": "string",
    "int": "integer",
    "len": "integer",
    "float": "number",
    "bool": "boolean",
    "dict": "object",
    "list": "array",
    "tuple": "array",
    "sorted": "array",
}
_COLLECTIONS: Final = {
    ast.List: "array",
    ast.Tuple: "array",
    ast.Set: "array",
    ast.ListComp: "array",
    ast.SetComp: "array",
    ast.Dict: "object",
    ast.DictComp: "object",
    ast.JoinedStr: "string",
}
#: What literal_value returns for an expression whose value the source does not show.
UNKNOWN: Final = object()


Problem = tuple[int, int, str, str]


class CallChecker:
    """Checks one event call against the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._validators: dict[tuple[int, str], CompiledValidator | None] = {}

    def check(  # noqa: PLR0912
        self, node: ast.Call, method: str, logger: Logger, report: LintReport
    ) -> list[Problem]:
        """Return ``(line, column, code, message)`` for each problem with the call."""
        report.calls += 1
        found: list[Problem] = []
        positional = node.args[1:] if method == "log" else node.args
        if any(isinstance(a, ast.Starred) for a in node.args):
            report.dynamic += 1
            return found
        if len(positional) > 1:
            extra = positional[1]
            found.append(
                _at(
                    extra,
                    "bad-call",
                    "a level method takes one positional argument, the event type;"
                    " pass fields as keywords (%-style arguments are not supported)",
                )
            )
        given_keywords = list(keywords(node))
        event_node = next(
            (value for name, value, _ in given_keywords if name == "event_type"), None
        )
        if event_node is None and positional:
            event_node = positional[0]
        if not (isinstance(event_node, ast.Constant) and isinstance(event_node.value, str)):
            report.dynamic += 1
            return found
        event_type = event_node.value
        report.emitted.add(event_type)
        version = self._version(event_type, given_keywords, event_node, found)
        if version is None:
            return found
        label = f"{event_type} {version.version_text}"
        properties = version.schema.get("properties", {})
        given: set[str] = set()
        is_open = logger.open
        for name, value, where in given_keywords:
            if name is None:
                is_open = True
            elif name in CALL_OPTIONS or name in CONTEXT_NAMES:
                continue
            elif name in STAMPED_NAMES:
                found.append(
                    _at(where, "reserved-name", f"{name!r} is an envelope name schemalog sets")
                )
            else:
                given.add(name)
                found.extend(self._field(version, label, properties, name, value, where))
        for name, value in logger.fields:
            if name not in given:
                given.add(name)
                found.extend(self._field(version, label, properties, name, value, node, True))
        if not is_open:
            missing = [n for n in version.schema.get("required", []) if n not in given]
            if missing:
                names = ", ".join(repr(n) for n in missing)
                found.append(_at(node, "missing-field", f"{label} requires {names}"))
        return found

    def _version(
        self,
        event_type: str,
        keywords: list[tuple[str | None, ast.expr, ast.AST]],
        event_node: ast.expr,
        found: list[Problem],
    ) -> SchemaVersion | None:
        if event_type not in self.catalog:
            hint = self.catalog.suggest(event_type)
            tail = f" (did you mean {hint!r}?)" if hint else ""
            found.append(
                _at(event_node, "unknown-event", f"unknown event type {event_type!r}{tail}")
            )
            return None
        pin = next((value for name, value, _ in keywords if name == "schema_version"), None)
        pinned = pin.value if isinstance(pin, ast.Constant) else None
        try:
            return self.catalog.get(event_type, None if pinned is None else str(pinned))
        except UnknownEventError as error:
            assert pin is not None
            found.append(_at(pin, "unknown-version", str(error)))
            return None

    def _field(  # noqa: PLR0917
        self,
        version: SchemaVersion,
        label: str,
        properties: Mapping[str, Any],
        name: str,
        value: ast.expr,
        where: ast.AST,
        bound_elsewhere: bool = False,
    ) -> list[Problem]:
        """Check one field: ``where`` is reported (the keyword, or the call for bound fields)."""
        bound = f" (bound at line {value.lineno})" if bound_elsewhere else ""
        if name not in properties:
            close = difflib.get_close_matches(name, list(properties), n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            declared = ", ".join(properties) or "none"
            return [
                _at(
                    where,
                    "undeclared-field",
                    f"{name!r}{bound} is not a field of {label} (fields: {declared}){hint}",
                )
            ]
        problem = self._value_problem(version, name, properties[name], value)
        if problem is None:
            return []
        at = where if bound_elsewhere else value
        return [_at(at, "wrong-type", f"{label} field {name!r}{bound}: {problem}")]

    def _value_problem(
        self, version: SchemaVersion, name: str, subschema: Any, value: ast.expr
    ) -> str | None:
        literal = literal_value(value)
        if literal is not UNKNOWN:
            validator = self._validator(version, name, subschema)
            if validator is None:
                return None
            issues = validator.issues(literal)
            return (
                "; ".join(issue.reason if issue.path == "$" else str(issue) for issue in issues)
                or None
            )
        kind = plain_type(value)
        allowed = _json_types(subschema)
        if kind is None or allowed is None or kind in allowed:
            return None
        if kind == "integer" and "number" in allowed:
            return None
        expected = " or ".join(_TYPE_NAMES.get(t, t) for t in sorted(allowed))
        return f"expected {expected}, got {_TYPE_NAMES[kind]} ({ast.unparse(value)[:40]})"

    def _validator(
        self, version: SchemaVersion, name: str, subschema: Any
    ) -> CompiledValidator | None:
        key = (id(version), name)
        if key not in self._validators:
            if not isinstance(subschema, Mapping):
                self._validators[key] = None
            else:
                schema = dict(subschema)
                for definitions in ("$defs", "definitions"):
                    if definitions in version.schema:
                        schema.setdefault(definitions, version.schema[definitions])
                try:
                    self._validators[key] = CompiledValidator(schema)
                except Exception:  # a subschema with a $ref that cannot be resolved alone
                    self._validators[key] = None
        return self._validators[key]


def _at(node: ast.AST, code: str, message: str) -> Problem:
    line: int = getattr(node, "lineno", 1)
    column: int = getattr(node, "col_offset", 0)
    return line, column + 1, code, message


def literal_value(node: ast.expr) -> Any:  # noqa: PLR0911
    """Return the JSON value a literal expression stands for, or ``UNKNOWN``."""
    if isinstance(node, ast.Constant):
        value = node.value
        return value if value is None or isinstance(value, str | int | float) else UNKNOWN
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float)
    ):
        number: int | float = node.operand.value  # type: ignore[assignment]
        return -number if isinstance(node.op, ast.USub) else number
    if isinstance(node, ast.List | ast.Tuple):
        items = [literal_value(element) for element in node.elts]
        return UNKNOWN if any(item is UNKNOWN for item in items) else items
    if isinstance(node, ast.Dict):
        result: dict[str, Any] = {}
        for key, element in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return UNKNOWN
            item = literal_value(element)
            if item is UNKNOWN:
                return UNKNOWN
            result[key.value] = item
        return result
    return UNKNOWN


def plain_type(node: ast.expr) -> str | None:
    """Return the JSON type an expression plainly has (``f"..."``: string), or None."""
    for kind, json_type in _COLLECTIONS.items():
        if isinstance(node, kind):
            return json_type
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _PLAIN_CALLS.get(node.func.id)
    return None


def _json_types(schema: Any) -> set[str] | None:
    """Return the JSON types a subschema accepts, or None when that is not plain."""
    if not isinstance(schema, Mapping):
        return None
    types = schema.get("type")
    if isinstance(types, str):
        return {types}
    if isinstance(types, list):
        return {str(t) for t in types}
    return None
