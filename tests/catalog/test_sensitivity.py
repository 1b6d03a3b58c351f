"""Tests for schemalog.catalog.sensitivity: which names hold secrets, and the redaction plan."""

from __future__ import annotations

import pytest

from schemalog.catalog.sensitivity import (
    RedactionPlan,
    add_secret_names,
    is_secret_name,
    secret_names,
)


@pytest.mark.parametrize(
    "name",
    [
        "secret_key",
        "aws_secret_access_key",
        "passwords",
        "tokens",
        "pwd",
        "auth",
        "session_key",
        "X-Api-Token",
        "dbPassword",
        "client_secrets",
        "basic_auth",
        "Set-Cookie",
    ],
)
def test_secret_names_by_words(name: str) -> None:
    """Plurals, prefixes, suffixes, case and separators do not hide a secret name."""
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "input_tokens",
        "password_length",
        "aws_access_key_id",
        "auth_provider",
        "author",
        "monkey",
        "keys",
        "secret_name",
        "session_id",
    ],
)
def test_quantities_and_descriptions_are_not_secrets(name: str) -> None:
    """A count, an id, a name or a type of a secret is not the secret."""
    assert not is_secret_name(name)


@pytest.mark.usefixtures("restore_secret_names")
def test_added_names_are_secret_and_listed() -> None:
    """add_secret_names extends the one list: the word, plurals and compounds match."""
    assert not is_secret_name("card_pin")
    add_secret_names("PIN", "one-time-code")
    assert is_secret_name("card_pin")
    assert is_secret_name("CARD_PINS")
    assert is_secret_name("sms_one_time_code")
    assert {"pin", "onetimecode", "password"} <= secret_names()


@pytest.mark.usefixtures("restore_secret_names")
def test_an_empty_secret_name_is_refused() -> None:
    """A name without letters or digits would match nothing: it is an error."""
    with pytest.raises(ValueError, match="no letters or digits"):
        add_secret_names("--")


def test_free_text_properties_are_visited_in_valid_events() -> None:
    """URL and error-message properties of a closed schema are walked, so their text is scanned."""
    plan = RedactionPlan.from_schema(
        {
            "additionalProperties": False,
            "properties": {
                "proxy_router_url": {"type": "string"},
                "error_message": {"type": "string"},
                "callback": {"type": "string", "format": "uri"},
                "count": {"type": "integer"},
                "tool_name": {"type": "string"},
            },
        }
    )
    assert plan.visit == ("proxy_router_url", "error_message", "callback")


def test_a_redaction_plan_is_a_read_only_value() -> None:
    """Plans built alike are equal; a plan's attributes cannot be set; needed follows visit."""
    schema = {"additionalProperties": False, "properties": {"email": {"x-sensitive": "hash"}}}
    plan = RedactionPlan.from_schema(schema)
    assert plan == RedactionPlan({"email": "hash"}, ("email",), True)
    assert plan != RedactionPlan({"email": "mask"}, ("email",), True)
    assert plan.needed and not RedactionPlan(closed=True).needed and RedactionPlan().needed
    assert repr(RedactionPlan()) == "RedactionPlan({}, (), False)"
    with pytest.raises(AttributeError, match="read-only"):
        plan.closed = False
    with pytest.raises(AttributeError, match="read-only"):
        del plan.visit
