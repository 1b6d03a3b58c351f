"""``schemalog filters lint``: filter files against PutMetricFilter's rules and the event catalog.

Errors (exit 1): a file AWS would reject; an ``event_type`` value that no cataloged event has
(with the nearest name); a ``*`` in the middle of an ``event_type`` value (a literal character
in CloudWatch, so the filter counts nothing); a field no event the filter can match has; a
numeric comparison, ``IS TRUE/FALSE`` or field ``metricValue`` on a field of the wrong type; two
filters with one name; more filters (or regex filters) than one log group holds.

Warnings: a ``*`` in the middle of any other value; a dimension over a field with unbounded
values (ids, timestamps), which AWS may disable past 1,000 values an hour; a ``metricValue`` or
dimension field the pattern does not select; an unquoted term with punctuation; a file not
named after its filter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from schemalog.catalog.load import Catalog
from schemalog.filters.fieldref import FieldRef
from schemalog.filters.filterdir import FilterFile, filter_paths, read_filter_file
from schemalog.filters.filters import MetricFilter
from schemalog.filters.jsonpattern import (
    ANY_INDEX,
    MISSING,
    Check,
    Comparison,
    JsonPattern,
    Selector,
    Step,
)
from schemalog.filters.terms import TermsPattern
from schemalog.filters.values import NumberValue, RegexValue, TextValue
from schemalog.findings import Finding as Found
from schemalog.findings import Severity
from schemalog.record import CONTEXT_NAMES, ENVELOPE_ORDER, LOG_EVENT_TYPE

#: A log group holds at most this many metric filters, and this many with a regex.
MAX_FILTERS_PER_GROUP: Final = 100
MAX_REGEX_FILTERS_PER_GROUP: Final = 5
ERROR: Final = "error"
WARNING: Final = "warning"

_ENVELOPE_TYPES: Final[Mapping[str, str]] = {
    **dict.fromkeys(ENVELOPE_ORDER, "string"),
    "schema_errors": "array",
    "truncated": "array",
}
_NUMERIC: Final = frozenset({"integer", "number"})
_UNBOUNDED_FORMATS: Final = frozenset({"uuid", "date-time", "email", "uri", "ipv4", "ipv6"})
_OPEN: Final[Mapping[str, Any]] = {}  # a field in an object that allows any member: type unknown


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in one filter file."""

    path: Path
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.severity}: {self.message}"

    def to_finding(self) -> Found:
        """Return this problem in the command line's one findings model."""
        severity: Severity = "warning" if self.severity == WARNING else "error"
        return Found(str(self.path), message=self.message, severity=severity)


def lint(location: str | os.PathLike[str], catalog: Catalog) -> list[Finding]:
    """Lint every filter file at ``location`` (a directory or one file) against ``catalog``."""
    files = [read_filter_file(path) for path in filter_paths(location)]
    findings = [f for item in files for f in _lint_file(item, catalog)]
    findings += _lint_directory(files)
    return sorted(findings)


def _lint_file(item: FilterFile, catalog: Catalog) -> list[Finding]:
    if item.filter is None:
        return [Finding(item.path, ERROR, item.problem or "invalid filter")]
    found = [Finding(item.path, severity, text) for severity, text in check(item.filter, catalog)]
    if item.path.stem != item.filter.name:
        found.append(
            Finding(
                item.path, WARNING, f"file is not named after its filter ({item.filter.name}.json)"
            )
        )
    return found


def _lint_directory(files: list[FilterFile]) -> list[Finding]:
    found: list[Finding] = []
    valid = [item for item in files if item.filter is not None]
    seen: dict[str, Path] = {}
    for item in valid:
        assert item.filter is not None
        first = seen.setdefault(item.filter.name, item.path)
        if first != item.path:
            found.append(
                Finding(item.path, ERROR, f"filterName {item.filter.name!r} is also in {first}")
            )
    if len(valid) > MAX_FILTERS_PER_GROUP:
        found.append(
            Finding(
                valid[-1].path,
                ERROR,
                f"{len(valid)} filters: a log group holds at most {MAX_FILTERS_PER_GROUP}",
            )
        )
    with_regex = [item for item in valid if item.filter and item.filter.pattern.regex_count]
    if len(with_regex) > MAX_REGEX_FILTERS_PER_GROUP:
        found.append(
            Finding(
                with_regex[-1].path,
                ERROR,
                f"{len(with_regex)} filters use a %regex%: a log group holds at most"
                f" {MAX_REGEX_FILTERS_PER_GROUP}",
            )
        )
    return found


def check(metric_filter: MetricFilter, catalog: Catalog) -> list[tuple[str, str]]:
    """Return ``(severity, message)`` for each problem of one valid filter."""
    pattern = metric_filter.pattern
    if isinstance(pattern, TermsPattern):
        return [
            (WARNING, f'unquoted term {term.text!r} has punctuation: quote it ("{term.text}")')
            for term in pattern.terms
            if not term.quoted and not term.text.replace("_", "").isalnum()
        ]
    if not isinstance(pattern, JsonPattern):
        return []
    return list(_JsonLint(metric_filter, pattern, catalog).run())


class _JsonLint:
    """The catalog checks of one JSON-pattern filter."""

    def __init__(self, metric_filter: MetricFilter, pattern: JsonPattern, catalog: Catalog) -> None:
        self.filter = metric_filter
        self.pattern = pattern
        self.catalog = catalog
        self.known = [*catalog.event_types, LOG_EVENT_TYPE]
        self.candidates = [
            name for name in self.known if pattern.decide({"event_type": name}) is not False
        ]
        if pattern.decide({"event_type": MISSING}) is not False:
            self.candidates = self.known  # the pattern does not pin event_type down

    def run(self) -> Iterator[tuple[str, str]]:
        found = list(self._event_types())
        yield from found
        if not self.candidates:
            if not found:  # each condition is fine alone, but together they match nothing
                yield ERROR, "no cataloged event type can match this filter's event_type conditions"
            return
        for condition in self.pattern.conditions:
            if condition.selector.simple_key != "event_type":
                yield from self._condition(condition)
        yield from self._references()

    # -- event_type --------------------------------------------------------------------

    def _event_types(self) -> Iterator[tuple[str, str]]:
        for condition in self.pattern.conditions:
            if condition.selector.simple_key != "event_type" or not isinstance(
                condition, Comparison
            ):
                continue
            matcher = condition.matcher
            if isinstance(matcher, TextValue) and matcher.literal_star:
                yield (
                    ERROR,
                    (
                        f"the '*' in the middle of {matcher.source} is a literal character in"
                        " CloudWatch, so this matches no event type; write"
                        ' "prefix*" && "*suffix" or a %regex%'
                    ),
                )
            elif isinstance(matcher, TextValue) and not (matcher.any_prefix or matcher.any_suffix):
                yield from self._known_event_type(matcher.text)
            elif isinstance(matcher, TextValue | RegexValue | NumberValue) and not any(
                matcher.equals(name) for name in self.known
            ):
                yield (
                    ERROR,
                    (
                        f"$.event_type {condition.operator} {matcher.source}"
                        " matches no cataloged event type"
                    ),
                )

    def _known_event_type(self, name: str) -> Iterator[tuple[str, str]]:
        if name not in self.known:
            hint = self.catalog.suggest(name)
            tail = f" (did you mean {hint!r}?)" if hint else ""
            yield ERROR, f"unknown event type {name!r}{tail}"

    # -- other fields ------------------------------------------------------------------

    def _condition(self, condition: Comparison | Check) -> Iterator[tuple[str, str]]:
        selector = condition.selector
        if isinstance(condition, Check) and condition.check == "NOT EXISTS":
            return
        types = self._field_types(selector)
        if types is None:
            yield ERROR, self._missing(selector)
            return
        if isinstance(condition, Check):
            if condition.check in ("TRUE", "FALSE") and types and "boolean" not in types:
                yield (
                    ERROR,
                    (
                        f"{selector.text} IS {condition.check} on a field that is {_kinds(types)},"
                        " never a boolean"
                    ),
                )
            if condition.check == "NULL" and types and "null" not in types:
                yield (
                    WARNING,
                    f"{selector.text} IS NULL on a field that is never null ({_kinds(types)})",
                )
            return
        matcher = condition.matcher
        numeric = condition.operator in ("<", ">", "<=", ">=") or isinstance(matcher, NumberValue)
        if numeric and types and not types & _NUMERIC:
            yield (
                ERROR,
                (
                    f"numeric comparison {selector.text} {condition.operator} {matcher.source}"
                    f" on a field that is {_kinds(types)}"
                ),
            )
        if (
            isinstance(matcher, TextValue)
            and "boolean" in types
            and matcher.text in ("true", "false")
        ):
            yield (
                ERROR,
                (
                    f"{selector.text} {condition.operator} {matcher.source} never matches a boolean"
                    f" in CloudWatch: write {selector.text} IS {matcher.text.upper()}"
                ),
            )
        if isinstance(matcher, TextValue) and matcher.literal_star:
            yield (
                WARNING,
                f"the '*' in the middle of {matcher.source} is a literal character in CloudWatch",
            )

    def _references(self) -> Iterator[tuple[str, str]]:
        selected = {condition.selector.text for condition in self.pattern.conditions}
        refs: list[tuple[str, FieldRef]] = []
        if isinstance(self.filter.metric_value, FieldRef):
            refs.append(("metricValue", self.filter.metric_value))
        refs += [(f"dimension {name!r}", ref) for name, ref in self.filter.dimensions.items()]
        for what, ref in refs:
            assert ref.selector is not None
            types = self._field_types(ref.selector)
            if types is None:
                yield ERROR, f"{what}: {self._missing(ref.selector)}"
                continue
            if what == "metricValue" and types and not types & _NUMERIC:
                yield ERROR, f"metricValue {ref.text} is {_kinds(types)}, not a number"
            if what != "metricValue" and self._unbounded(ref.selector):
                yield (
                    WARNING,
                    (
                        f"{what} reads {ref.text}, whose values look unbounded (ids, times):"
                        " AWS may disable a filter past 1,000 dimension values an hour"
                    ),
                )
            if ref.text not in selected:
                yield (
                    WARNING,
                    f"{what} {ref.text} is not selected by the pattern: add && {ref.text} = *",
                )

    # -- the catalog -------------------------------------------------------------------

    def _missing(self, selector: Selector) -> str:
        names = ", ".join(self.candidates[:5]) + (", ..." if len(self.candidates) > 5 else "")
        return f"{selector.text} is not a field of any event this filter can match ({names})"

    def _schemas(self, selector: Selector) -> list[Mapping[str, Any]] | None:
        """Return the schemas the selector reaches in candidate events, or None if in none."""
        first = selector.steps[0]
        if isinstance(first, str) and first in _ENVELOPE_TYPES and len(selector.steps) == 1:
            return [{"type": _ENVELOPE_TYPES[first]}]
        reached: list[Mapping[str, Any]] = []
        for name in self.candidates:
            for version in self.catalog.versions(name):
                reached += _walk(version.schema, selector.steps)
        return reached or None

    def _field_types(self, selector: Selector) -> set[str] | None:
        """Return the JSON types the field can have (empty: unknown), or None if it is nowhere."""
        schemas = self._schemas(selector)
        if schemas is None:
            return None
        types: set[str] = set()
        for schema in schemas:
            kinds = _types(schema)
            if kinds is None:
                return set()
            types |= kinds
        return types

    def _unbounded(self, selector: Selector) -> bool:
        last = next((s for s in reversed(selector.steps) if isinstance(s, str)), "")
        if last in CONTEXT_NAMES or last in ("event_id", "timestamp") or last.endswith("_id"):
            return True
        return any(
            schema.get("format") in _UNBOUNDED_FORMATS or "x-sensitive" in schema
            for schema in self._schemas(selector) or []
        )


def _walk(schema: Mapping[str, Any], steps: Iterable[Step]) -> list[Mapping[str, Any]]:
    """Follow selector steps through a JSON Schema; return the subschemas reached."""
    nodes: list[Mapping[str, Any]] = [schema]
    for step in steps:
        following: list[Mapping[str, Any]] = []
        for node in nodes:
            following += _step(node, step)
        nodes = following
        if not nodes:
            break
    return nodes


def _step(node: Mapping[str, Any], step: Step) -> list[Mapping[str, Any]]:
    if node is _OPEN:
        return [_OPEN]
    properties = node.get("properties")
    if isinstance(step, int) or step is ANY_INDEX:
        items = node.get("items")
        if isinstance(items, Mapping):
            return [items]
        return [_OPEN] if items is None and "array" in (_types(node) or set()) else []
    if not isinstance(step, str):  # ".*": every member
        members = properties.values() if isinstance(properties, Mapping) else ()
        return [value for value in members if isinstance(value, Mapping)]
    if isinstance(properties, Mapping) and isinstance(properties.get(step), Mapping):
        return [properties[step]]
    open_object = node.get("additionalProperties", True) is not False and not properties
    return [_OPEN] if open_object and "object" in (_types(node) or {"object"}) else []


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    """Return the JSON types a schema allows (None when it does not say)."""
    declared = schema.get("type")
    if isinstance(declared, str | list):
        return {declared} if isinstance(declared, str) else {str(t) for t in declared}
    options = schema.get("anyOf", schema.get("oneOf"))
    if isinstance(options, list):
        found: set[str] = set()
        for option in options:
            kinds = _types(option) if isinstance(option, Mapping) else None
            if kinds is None:
                return None
            found |= kinds
        return found
    if "enum" in schema and isinstance(schema["enum"], list):
        return {_json_type(value) for value in schema["enum"]}
    if "const" in schema:
        return {_json_type(schema["const"])}
    return None


_JSON_TYPES: Final = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
                      (list, "array"), (dict, "object"))  # fmt: skip


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "object")


def _kinds(types: set[str]) -> str:
    return " or ".join(sorted(types))
