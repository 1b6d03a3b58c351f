"""The chain's validate step: find the event's schema, judge its fields, apply ``on_invalid``.

``None`` for an optional property that does not accept null means "not given": the key is left
out. ``None`` for a required property is a schema error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from schemalog._core.event import Event, Processor
from schemalog._core.normalize import normalize, normalize_fields
from schemalog._core.redact import Redactor
from schemalog._core.scan import scrub_text
from schemalog._core.stats import STATS
from schemalog.catalog.load import Catalog, SchemaVersion
from schemalog.catalog.sensitivity import EMPTY_PLAN
from schemalog.exceptions import InvalidEventError, UnknownEventError
from schemalog.record import SchemaIssue

_count_invalid: Final = STATS.adder("invalid")


def make_validate(
    catalog: Catalog, on_invalid: str, *, redactor: Redactor | None = None
) -> Processor:
    """Return the validate step for ``catalog`` under the policy ``on_invalid``.

    ``redactor`` makes the issues quote values as the line will carry them (redacted), and,
    in production (``keep``/``drop``), only a short preview of any value.
    """
    redactor = redactor or Redactor()
    preview = on_invalid != "raise"
    newest = {name: catalog.get(name) for name in catalog}

    def validate(event: Event) -> Event | None:
        issues = event.issues
        schema = None
        if not issues or all(issue.path != "$.event_type" for issue in issues):
            schema = newest.get(event.event_type) if event.pin is None else None
            if schema is None:
                schema = _find(catalog, event)
        if schema is not None:
            event.fields = _judge(schema, event.fields, issues)
            if schema.required_context:
                issues.extend(schema.context_issues(event.context))
        else:  # a type no schema knows is often free text (a structlog message)
            event.event_type = scrub_text(event.event_type)
        event.schema = schema
        if not issues:
            return event
        # NaN and the like, as the line carries them
        event.fields = normalize_fields(event.fields, notes=event.notes)
        plan = EMPTY_PLAN if schema is None else schema.redaction
        event.issues = redactor.redact_issues(issues, event.fields, plan, preview=preview)
        return apply_policy(event, on_invalid)

    return validate


def _find(catalog: Catalog, event: Event) -> SchemaVersion | None:
    pin = event.pin
    try:
        return catalog.get(event.event_type, None if pin is None else str(normalize(pin)))
    except UnknownEventError as error:
        path = "$.event_type" if pin is None else "$.schema_version"
        event.issues.append(SchemaIssue(path, scrub_text(str(error))))
        return None


def _judge(
    schema: SchemaVersion, fields: dict[str, Any], issues: list[SchemaIssue]
) -> dict[str, Any]:
    """Return the fields as emitted (optional Nones left out); add why they fail to ``issues``."""
    validator = schema.validator
    if _is_valid(validator, fields):
        return fields
    given = without_optional_nones(schema.schema, fields)
    if given is not fields and _is_valid(validator, given):
        return given
    plain = normalize_fields(given)  # what a user processor added may be fine once plain
    if not validator.is_valid(plain):
        issues.extend(validator.issues(plain))
    return plain


def _is_valid(validator: Any, fields: dict[str, Any]) -> bool:
    try:
        return bool(validator.is_valid(fields))
    except ValueError:  # jsonschema_rs refuses some types (UUID...)
        return False


def without_optional_nones(schema: Mapping[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Return ``fields`` without the ``None`` values of optional properties that refuse null."""
    if None not in fields.values():
        return fields
    required = schema.get("required", ())
    properties = schema.get("properties", {})
    absent = [
        name
        for name, value in fields.items()
        if value is None and name not in required and not _accepts_null(properties.get(name, False))
    ]
    if not absent:
        return fields
    return {name: value for name, value in fields.items() if name not in absent}


def _accepts_null(subschema: Any) -> bool:
    if not isinstance(subschema, Mapping):
        return subschema is not False
    kinds = subschema.get("type")
    if kinds is None:
        return "enum" not in subschema or None in subschema["enum"]
    return kinds == "null" or (isinstance(kinds, list) and "null" in kinds)


def apply_policy(event: Event, on_invalid: str) -> Event | None:
    """Count an invalid event; return it (``keep``), None (``drop``), or raise (``raise``)."""
    _count_invalid()
    if on_invalid == "keep":
        STATS.add("invalid_kept")
        return event
    if on_invalid == "drop":
        STATS.add("invalid_dropped")
        STATS.drop("invalid", f"on_invalid='drop' dropped an invalid {event.event_type!r} event")
        return None
    STATS.add("invalid_raised")
    raise InvalidEventError(event.event_type, event.issues)
