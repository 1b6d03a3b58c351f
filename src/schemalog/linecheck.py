"""Checking written lines against the record contract (DESIGN §2) and the catalog.

This is what ``schemalog validate`` runs on each line. A line is checked as it was written:
redacted properties are allowed their redacted form (see ``SchemaVersion.emitted_schema``),
values the size guard cut (listed in ``truncated``) are not judged, and problems recorded at
emission time (``schema_errors``) are reported along with anything found now.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from schemalog.catalog.load import Catalog, SchemaVersion
from schemalog.catalog.validators import CompiledValidator, ReferenceValidator
from schemalog.exceptions import UnknownEventError
from schemalog.findings import Finding
from schemalog.metrics.emf import is_emf, problems
from schemalog.record import CONTEXT_NAMES, LEVELS, LOG_EVENT_TYPE, RESERVED_NAMES, SchemaIssue

#: Envelope fields every record carries (DESIGN §2, "always").
ALWAYS: Final = ("timestamp", "level", "logger", "event_type", "event_id")
TIMESTAMP_PATTERN: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")
UUID_PATTERN: Final = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z")
VERSION_PATTERN: Final = re.compile(r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\Z")
_LIST_NAMES: Final = ("schema_errors", "truncated")


@dataclass
class LineResult:
    """The outcome of checking one line."""

    event_type: str | None = None
    schema_version: str | None = None
    issues: list[SchemaIssue] = field(default_factory=list)
    #: The line is not a JSON object (counted as ``not_json`` in the verbs' summaries).
    not_json: bool = False

    @property
    def valid(self) -> bool:
        """Whether the line satisfies the contract and its schema."""
        return not self.issues

    def label(self) -> str:
        """``event_type version`` (or less, when unknown) for messages."""
        return " ".join(part for part in (self.event_type, self.schema_version) if part)

    def findings(self, path: str, line: int) -> list[Finding]:
        """Return the issues as findings at ``path:line`` (the label as their rule)."""
        rule = self.label() or None
        return [Finding(path, line, field=i.path, message=i.reason, rule=rule) for i in self.issues]


class LineChecker:
    """Checks lines against one catalog; ``static_fields`` names configured static fields.

    A failing event is explained by the reference ``jsonschema`` engine, or with
    ``reference_reasons=False`` by the compiled one: the words are the same (the two engines
    are held to agree, tests/catalog/test_validators.py), but importing ``jsonschema`` takes
    about a second, which a loader or a server need not spend on its first bad line.
    """

    def __init__(
        self,
        catalog: Catalog,
        static_fields: Collection[str] = (),
        *,
        reference_reasons: bool = True,
    ) -> None:
        self.catalog = catalog
        self._envelope = RESERVED_NAMES | frozenset(static_fields)
        self._reference_reasons = reference_reasons
        self._fast: dict[int, CompiledValidator] = {}
        self._reference: dict[int, ReferenceValidator] = {}

    @property
    def envelope_names(self) -> frozenset[str]:
        """Names that are not the event's own fields: reserved ones and static fields."""
        return self._envelope

    def check(self, line: bytes | str) -> LineResult:
        """Check one line (without its newline)."""
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            return LineResult(issues=[SchemaIssue("$", f"not JSON: {error}")], not_json=True)
        if not isinstance(record, dict):
            return LineResult(issues=[SchemaIssue("$", "not a JSON object")], not_json=True)
        return self.check_record(record)

    def check_record(self, record: Mapping[str, Any]) -> LineResult:
        """Check one parsed record (an EMF metrics line against the EMF specification)."""
        if is_emf(record):
            return LineResult(event_type="emf", issues=problems(record))
        event_type = record.get("event_type")
        result = LineResult(
            event_type=event_type if isinstance(event_type, str) else None,
            schema_version=_text_or_none(record.get("schema_version")),
        )
        issues = _envelope_issues(record)
        if isinstance(event_type, str) and event_type != LOG_EVENT_TYPE:
            issues.extend(self._event_issues(event_type, record))
        recorded = record.get("schema_errors")
        if isinstance(recorded, list):
            issues.extend(_recorded_issue(text) for text in recorded)
        truncated = record.get("truncated")
        if isinstance(truncated, list) and truncated:
            issues = [i for i in issues if not _under_any(i.path, truncated)]
        result.issues = sorted(set(issues))
        return result

    def _event_issues(self, event_type: str, record: Mapping[str, Any]) -> list[SchemaIssue]:
        version = record.get("schema_version")
        if version is None:
            try:
                self.catalog.get(event_type)
            except UnknownEventError as error:
                return [SchemaIssue("$.event_type", str(error))]
            return [SchemaIssue("$.schema_version", "missing on a cataloged event")]
        try:
            schema = self.catalog.get(event_type, str(version))
        except UnknownEventError as error:
            path = "$.event_type" if event_type not in self.catalog else "$.schema_version"
            return [SchemaIssue(path, str(error))]
        fields = {k: v for k, v in record.items() if k not in self._envelope}
        issues = schema.context_issues(record)
        compiled = self.compiled_validator(schema)
        if not compiled.is_valid(fields):
            explain = self._reference_validator(schema) if self._reference_reasons else compiled
            issues.extend(explain.issues(fields))
        return issues

    def compiled_validator(self, schema: SchemaVersion) -> CompiledValidator:
        """Return the compiled validator of ``schema`` (made once per schema)."""
        validator = self._fast.get(id(schema))
        if validator is None:
            validator = self._fast[id(schema)] = CompiledValidator(schema.emitted_schema)
        return validator

    def _reference_validator(self, schema: SchemaVersion) -> ReferenceValidator:
        validator = self._reference.get(id(schema))
        if validator is None:
            validator = self._reference[id(schema)] = ReferenceValidator(schema.emitted_schema)
        return validator


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _envelope_issues(record: Mapping[str, Any]) -> list[SchemaIssue]:
    """Return the problems of the envelope (DESIGN §2): missing, mistyped or malformed names."""
    issues = [
        SchemaIssue(
            f"$.{name}",
            "required envelope field is missing" if name not in record else "must not be null",
        )
        for name in ALWAYS
        if record.get(name) is None
    ]
    for name, value in record.items():
        if name in RESERVED_NAMES and value is not None:
            reason = _envelope_value_problem(name, value)
            if reason is not None:
                issues.append(SchemaIssue(f"$.{name}", reason))
    return issues


def _envelope_value_problem(name: str, value: Any) -> str | None:  # noqa: PLR0911
    """Return why ``value`` cannot be the envelope field ``name``, or None when it can."""
    if name in _LIST_NAMES:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return None
        return "must be a list of strings (a reserved envelope name)"
    if name in CONTEXT_NAMES:
        ok = isinstance(value, str) or (type(value) is int)
        return None if ok else "must be a string (a reserved context name)"
    if name == "sample_rate":
        ok = type(value) in (int, float) and 0 < value <= 1
        return None if ok else f"must be a number in (0, 1], not {value!r}"
    if not isinstance(value, str):
        return "must be a string (a reserved envelope name)"
    if name == "timestamp":
        return (
            None
            if is_timestamp(value)
            else ("not RFC 3339 UTC with milliseconds (2026-11-22T19:20:24.198Z)")
        )
    if name == "level" and value not in LEVELS:
        return f"must be one of {', '.join(LEVELS)}, not {value!r}"
    if name == "event_id" and not UUID_PATTERN.match(value):
        return f"must be a UUID (8-4-4-4-12 hex digits), not {value!r}"
    if name == "schema_version" and not VERSION_PATTERN.match(value):
        return f"must be MAJOR.MINOR.PATCH, not {value!r}"
    if name == "event_type" and not value:
        return "must not be empty"
    return None


def is_timestamp(value: str) -> bool:
    """Whether ``value`` is RFC 3339 UTC with milliseconds, and a real day and time."""
    if not TIMESTAMP_PATTERN.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:  # a shape that matches but no such day or hour (2026-02-30, 25:00)
        return False
    return True


def _recorded_issue(text: Any) -> SchemaIssue:
    if isinstance(text, str):
        path, sep, reason = text.partition(": ")
        if sep and path.startswith("$"):
            return SchemaIssue(path, reason)
    return SchemaIssue("$.schema_errors", f"recorded at emission: {text}")


def _under_any(path: str, prefixes: list[Any]) -> bool:
    return any(
        isinstance(p, str) and (path == p or path.startswith((p + ".", p + "["))) for p in prefixes
    )
