"""Tests for schemalog.integrations.requests: request ids, context, the event and metrics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import schemalog
from schemalog._core.context import current_context
from schemalog.integrations.requests import (
    bound_user,
    completed,
    request_context,
    request_id,
)
from schemalog.metrics.instruments import REGISTRY
from schemalog.testing import CapturedEvents


@pytest.mark.parametrize("given", ["abc-123", "req_1.2:3@host/x+y=", "a" * 128])
def test_a_safe_client_id_is_kept(given: str) -> None:
    """An id of at most 128 safe characters is used as the client sent it."""
    assert request_id(given) == given


@pytest.mark.parametrize("given", [None, "", "a" * 129, "two words", "new\nline", "<script>"])
def test_a_missing_or_unsafe_id_is_replaced(given: str | None) -> None:
    """No id, a long one or one with unsafe characters gets a new random 32-hex id instead."""
    made = request_id(given)
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert made != request_id(given)


def test_contexts_bind_the_request_and_the_user_when_known() -> None:
    """request_context binds request_id (and user_id if known); bound_user binds only the user."""
    with request_context("r-1", None):
        assert current_context() == {"request_id": "r-1"}
        with bound_user("u-9"):
            assert current_context() == {"request_id": "r-1", "user_id": "u-9"}
        with bound_user(None):
            assert current_context() == {"request_id": "r-1"}
    with request_context("r-2", "u-1"):
        assert current_context() == {"request_id": "r-2", "user_id": "u-1"}
    assert current_context() == {}


def test_completed_emits_the_event_and_the_metrics(
    schemas_dir: Path, captured_events: CapturedEvents
) -> None:
    """completed() emits api_request_completed (error level from 500) and counts and times it."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    completed("/items/{id}", "GET", 200, 12.34567)
    completed("/items/{id}", "GET", 503, 40.0, error_type="TimeoutError")
    ok = captured_events.find("api_request_completed", status_code=200, duration_ms=12.346)
    assert ok["level"] == "info" and "error_type" not in ok
    failed = captured_events.find("api_request_completed", error_type="TimeoutError")
    assert failed["level"] == "error"
    assert captured_events.invalid == []
    (document,) = REGISTRY.collect()
    assert (document["endpoint"], document["method"]) == ("/items/{id}", "GET")
    assert document["api_request_count"] == 2
    assert document["api_request_duration_ms"] == [12.34567, 40.0]
