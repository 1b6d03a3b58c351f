"""Tests for schemalog._core.redact: x-sensitive annotations and secret-named keys."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any

import pytest

from schemalog._core.redact import Redactor, mask
from schemalog.catalog.sensitivity import REDACTED, RedactionPlan, is_secret_name


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "db_password",
        "API-Key",
        "apiKey",
        "x-api-key",
        "access_token",
        "Authorization",
        "client_secret",
        "private_key",
        "session_cookie",
        "aws_credentials",
        "passphrase",
    ],
)
def test_secret_names(name: str) -> None:
    """Names that say they hold a secret are recognised whatever their case or separators."""
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["api_key_id", "total_tokens", "max_tokens", "token_count", "key_prefix", "tool_name"]
)
def test_ordinary_names(name: str) -> None:
    """Names that merely mention a secret word are not redacted."""
    assert not is_secret_name(name)


def test_secret_keys_are_redacted_at_any_depth() -> None:
    """Secret-named keys are replaced in nested objects and in objects inside lists."""
    fields = {
        "tool_params": {"query": "q", "api_key": "sk-123", "nested": [{"password": "p"}, 1]},
        "token": "t",
        "ok": "visible",
    }
    out = Redactor().redact(fields)
    assert out == {
        "tool_params": {"query": "q", "api_key": REDACTED, "nested": [{"password": REDACTED}, 1]},
        "token": REDACTED,
        "ok": "visible",
    }
    assert fields["token"] == "t"  # the caller's dict is not touched


def test_booleans_and_nulls_under_secret_names_are_kept() -> None:
    """A boolean or null says nothing secret: build_token=true stays."""
    fields = {"build_token": True, "password": None}
    assert Redactor().redact(fields) is fields


def test_nothing_to_redact_returns_the_same_dict() -> None:
    """No copy is made when nothing changes."""
    fields: dict[str, Any] = {"a": 1, "b": {"c": [1, 2]}}
    assert Redactor().redact(fields) is fields


SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "x-sensitive": "hash"},
        "key_prefix": {"type": "string", "x-sensitive": "mask"},
        "private_key": {"type": "string", "x-sensitive": "drop"},
        "profile": {
            "type": "object",
            "properties": {"phone": {"type": "string", "x-sensitive": "mask"}},
        },
        "count": {"type": "integer"},
    },
}


def test_x_sensitive_actions() -> None:
    """Hash gives sha256: and 16 hex digits, mask keeps 4 characters, drop removes the key."""
    plan = RedactionPlan.from_schema(SCHEMA)
    out = Redactor().redact(
        {
            "email": "ada@example.com",
            "key_prefix": "sk-live-abcdefghij",
            "private_key": "-----BEGIN",
            "profile": {"phone": "+44 20 7946 0000"},
            "count": 3,
        },
        plan,
        valid=True,
    )
    assert out == {
        "email": "sha256:" + hashlib.sha256(b"ada@example.com").hexdigest()[:16],
        "key_prefix": "sk-l****",
        "profile": {"phone": "+44 ****"},
        "count": 3,
    }


def test_hash_key_makes_hashes_keyed() -> None:
    """With a hash key the hash is an HMAC, different from the plain hash."""
    keyed = Redactor(b"k").hash("ada@example.com")
    assert keyed == "sha256:" + hmac.new(b"k", b"ada@example.com", hashlib.sha256).hexdigest()[:16]
    assert keyed != Redactor().hash("ada@example.com")


def test_uuid_hashes_like_its_string() -> None:
    """A UUID value hashes the same as its string form, so joins across services work."""
    value = uuid.uuid4()
    assert Redactor().hash(value) == Redactor().hash(str(value))


def test_short_values_are_fully_masked() -> None:
    """A value too short to spare a prefix is masked entirely."""
    assert mask("sk-1") == "****"
    assert mask(12345) == "****"


def test_strings_of_a_list_are_scrubbed_in_their_places() -> None:
    """Strings of a list, scanned together, are masked in place among its other items."""
    items = [
        "GET /?token=abc&a=1",
        {"password": "p"},
        7,
        "plain",
        ["auth=x y", "z"],
        "Bearer abcdefgh1",
    ]
    out = Redactor().redact({"lines": items})["lines"]
    assert out == [
        "GET /?token=[REDACTED]&a=1",
        {"password": REDACTED},
        7,
        "plain",
        ["auth=[REDACTED] y", "z"],
        "Bearer [REDACTED]",
    ]
    assert items[0] == "GET /?token=abc&a=1"  # the caller's list is not touched


def test_plan_lists_only_properties_that_may_need_redaction() -> None:
    """Visit names sensitive, secret-named and container properties; plain scalars are skipped."""
    plan = RedactionPlan.from_schema(SCHEMA)
    assert plan.closed
    assert set(plan.visit) == {"email", "key_prefix", "private_key", "profile"}


def test_invalid_events_are_walked_entirely() -> None:
    """An invalid event may hold undeclared keys: every key is checked."""
    plan = RedactionPlan.from_schema(SCHEMA)
    out = Redactor().redact({"count": 1, "password": "x"}, plan, valid=False)
    assert out == {"count": 1, "password": REDACTED}


def test_schema_errors_quote_the_redacted_value() -> None:
    """A reason quoting a sensitive or secret-named value quotes its redacted form instead."""
    from schemalog.record import SchemaIssue

    fields = {"key_prefix": {"x": "sk-live-abcdefghijkl"}, "password": 5, "note": "n"}
    issues = [
        SchemaIssue("$.key_prefix", 'expected a string, got {"x":"sk-live-abcdefghijkl"}'),
        SchemaIssue("$.password", "expected a string, got 5"),
        SchemaIssue("$", "matches none of the allowed alternatives"),
        SchemaIssue("$.note", 'expected an integer, got "n"'),
    ]
    plan = RedactionPlan({"key_prefix": "mask"})
    out = Redactor().redact_issues(issues, fields, plan)
    assert [str(issue) for issue in out] == [
        '$.key_prefix: expected a string, got "****"',
        '$.password: expected a string, got "[REDACTED]"',
        "$: matches none of the allowed alternatives",
        '$.note: expected an integer, got "n"',
    ]
    assert out[3] is issues[3]


def test_a_sensitive_value_quoted_unrecognisably_is_not_shown() -> None:
    """When the quote cannot be found in the reason, the whole reason is withheld."""
    from schemalog.record import SchemaIssue

    issue = SchemaIssue("$.api_key", "engine message quoting sk-1 its own way")
    (out,) = Redactor().redact_issues([issue], {"api_key": "sk-1"})
    assert out.reason == "invalid (the value is sensitive: not shown)"


def test_production_quotes_only_a_preview() -> None:
    """preview=True cuts every quoted value to a short preview."""
    from schemalog._core.redact import PREVIEW_CHARS
    from schemalog.catalog.validators import show_value
    from schemalog.record import SchemaIssue

    long = "customer said: " + "x" * 200
    issue = SchemaIssue("$.note", f"expected an integer, got {show_value(long)}")
    (kept,) = Redactor().redact_issues([issue], {"note": long})
    (cut,) = Redactor().redact_issues([issue], {"note": long}, preview=True)
    assert kept is issue
    assert cut.reason == f"expected an integer, got {show_value(long, PREVIEW_CHARS)}"
    assert len(cut.reason) < 60


def test_strings_are_scanned_for_secrets_during_the_walk() -> None:
    """A URL's token and a bearer header under any name are masked inside field values."""
    fields = {
        "url": "https://x/cb?api_key=sk-123&page=2",
        "headers": {"X-Upstream": "Bearer abcdefghij"},
        "lines": ["retry password=hunter2"],
        "plain": "nothing here",
    }
    assert Redactor().redact(fields) == {
        "url": "https://x/cb?api_key=[REDACTED]&page=2",
        "headers": {"X-Upstream": "Bearer [REDACTED]"},
        "lines": ["retry password=[REDACTED]"],
        "plain": "nothing here",
    }


def test_a_large_clean_container_is_returned_as_it_is() -> None:
    """A container with no secret word anywhere is returned untouched (the very same object)."""
    rows = [{"id": index, "name": f"row {index}"} for index in range(1000)]
    fields = {"rows": rows}
    assert Redactor().redact(fields)["rows"] is rows


@pytest.mark.parametrize("key", ["pass\nword", "api\tkey", "pass\u0000word"])
def test_a_secret_name_split_by_an_escaped_character_is_still_redacted(key: str) -> None:
    """A key whose JSON escapes a character inside its secret word is not taken for clean."""
    assert is_secret_name(key)
    fields = {"tool_params": {key: "hunter2", "query": "refunds"}}
    assert Redactor().redact(fields)["tool_params"] == {key: REDACTED, "query": "refunds"}
