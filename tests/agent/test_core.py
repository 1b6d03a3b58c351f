"""Tests for schemalog.agent.core: tool parameters go through the shared redaction."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import schemalog
from schemalog.agent import AgentTracker

SECRETS = (
    "hunter2-planted",
    "sk-planted-0123456789",
    "eyJplanted.bearer.token",
    "ann@planted.example",
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "contact": {"type": "string", "x-sensitive": "hash"},
        "password": {"type": "string"},
        "api_key": {"type": "string"},
        "request": {"type": "object"},
    },
    "required": ["query"],
}


def search(**params: Any) -> str:
    """Search; raise on the query ``fail``, so the failure path is covered too."""
    if params["query"] == "fail":
        raise RuntimeError("backend down")
    return "ok"


def planted(query: str) -> dict[str, Any]:
    """Parameters with a secret under every route: names, x-sensitive, nested header."""
    return {
        "query": query,
        "contact": SECRETS[3],
        "password": SECRETS[0],
        "api_key": SECRETS[1],
        "request": {"headers": {"Authorization": f"Bearer {SECRETS[2]}"}, "page": 2},
    }


def test_planted_secrets_in_tool_params_never_reach_the_sinks_bytes(
    schemas_dir: Path, tmp_path: Path
) -> None:
    """password, api_key, Authorization: Bearer (nested) and x-sensitive never reach the file."""
    path = tmp_path / "agent.jsonl"
    schemalog.configure(sinks=[f"file:{path}"], schemas=schemas_dir)
    tracker = AgentTracker("drea", schemas={"search": SCHEMA})
    tool = tracker.wrap(search, name="search")
    with tracker.session(user_id="u1", session_id="s1"):
        tool(**planted("refunds"))
        tool(**planted("refunds"))  # a retry: tool_call_retry repeats the params
        with contextlib.suppress(RuntimeError):
            tool(**planted("fail"))
        # An unknown tool has no schema, so no x-sensitive: only the secret names apply.
        unknown = {k: v for k, v in planted("hallucinated").items() if k != "contact"}
        tracker.call("serch", **unknown)
        tracker.call("search", **planted("after failure"))
        tracker.track_tool_call_started("search", planted("helper"))
        tracker.track(
            event_name="tool_call_retry",
            metadata={
                "tool_name": "search",
                "tool_params": planted("track"),
                "params_hash": "0" * 16,
                "original_call_sequence": 1,
                "retry_attempt": 1,
                "retry_reason": "execution_failed",
                "call_sequence": 9,
            },
        )
    schemalog.shutdown()
    written = path.read_bytes()
    assert written.count(b"\n") >= 12
    assert b'"page":2' in written  # the parameters are there, their secrets are not
    for secret in SECRETS:
        assert secret.encode() not in written, secret
    history = repr(tracker.get_session_events("s1"))
    for secret in SECRETS[:3]:
        assert secret not in history, secret


PREPARE_CASES: dict[str, dict[str, Any]] = {
    "flat": {"query": "refunds", "limit": 3},
    "secret": {"query": "q", "password": SECRETS[0]},
    "nested": {"query": "q", "request": {"page": 2.0}},
    "dropped": {"query": "q", "user_id": "u-1", "original_prompt": "hi"},
}


def test_prepare_call_equals_prepare_and_params_hash(schemas_dir: Path) -> None:
    """_prepare_call gives _prepare's parameters and params_hash's hash, fast path or not."""
    from schemalog.agent.hashing import params_hash

    schemalog.configure(sinks=[], schemas=schemas_dir)
    tracker = AgentTracker("drea", schemas={"checked": SCHEMA})
    for name in ("search", "checked"):
        spec = tracker._spec(name)
        for params in PREPARE_CASES.values():
            checked, logged, hashed = tracker._prepare_call(spec, dict(params))
            assert (checked, logged) == tracker._prepare(spec, params)
            assert hashed == params_hash(logged, normalized=True)
