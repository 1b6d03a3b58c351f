"""Tests for schemalog._core.validate: the schema, the issues, None as "not given", the policy."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from schemalog._core import context as _context
from schemalog._core.event import Event
from schemalog._core.validate import make_validate, without_optional_nones
from schemalog.catalog.load import Catalog
from schemalog.exceptions import InvalidEventError


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """Load the project's catalog once."""
    return Catalog.load(Path(__file__).resolve().parents[2] / "schemas")


def _event(event_type: str, **fields: object) -> Event:
    return Event("app", logging.INFO, event_type, dict(fields), _context.EMPTY, 0.0)


def test_valid_event_gets_its_newest_schema(catalog: Catalog) -> None:
    """A valid event passes unchanged, with the newest version as its schema."""
    event = make_validate(catalog, "raise")(
        _event("launch", provider="GitHub", spec="a/b", status="success")
    )
    assert event is not None and not event.issues
    assert event.schema is catalog.get("launch")


def test_none_for_an_optional_property_is_left_out(catalog: Catalog) -> None:
    """None for an optional property means not given: the key is left out, the event is valid."""
    event = make_validate(catalog, "raise")(
        _event("chat_completions_error", error="e", error_type="T", status_code=None)
    )
    assert event is not None and event.fields == {"error": "e", "error_type": "T"}


def test_none_for_a_required_property_is_an_error(catalog: Catalog) -> None:
    """None for a required property is a schema error naming the property."""
    with pytest.raises(InvalidEventError, match=r"\$\.error"):
        make_validate(catalog, "raise")(
            _event("chat_completions_error", error=None, error_type="T")
        )


def test_null_accepting_properties_keep_their_null() -> None:
    """A property whose schema accepts null keeps None; one that refuses it loses the key."""
    schema = {
        "properties": {"a": {"type": ["string", "null"]}, "b": {"type": "string"}, "c": {}},
        "required": [],
    }
    fields = {"a": None, "b": None, "c": None}
    assert without_optional_nones(schema, fields) == {"a": None, "c": None}


def test_policies(catalog: Catalog) -> None:
    """Keep returns the event with its issues, drop returns None, raise raises."""
    kept = make_validate(catalog, "keep")(_event("cache_hit", cache_expires_in_seconds="x"))
    assert kept is not None and kept.issues[0].path == "$.cache_expires_in_seconds"
    assert make_validate(catalog, "drop")(_event("cache_hit")) is None
    with pytest.raises(InvalidEventError, match="cache_hitt"):
        make_validate(catalog, "raise")(_event("cache_hitt"))


def test_unknown_pinned_version_is_an_issue(catalog: Catalog) -> None:
    """A pin to a version that does not exist is an issue at $.schema_version."""
    event = _event("cache_hit", cache_expires_in_seconds=1)
    event.pin = "9.9.9"
    kept = make_validate(catalog, "keep")(event)
    assert kept is not None and kept.schema is None
    assert kept.issues[0].path == "$.schema_version"


def test_required_context(catalog: Catalog) -> None:
    """x-context names missing from the event's context are issues."""
    event = make_validate(catalog, "keep")(_event("existing_session_reused"))
    assert event is not None
    assert [str(issue) for issue in event.issues] == [
        "$.session_id: required context is missing (bind it or pass it)"
    ]
