"""Generated chat-API traffic with every event type seed 004's KPIs read, over three hours."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
HOURS = 3


class Traffic:
    """Builds events with a random clock inside the three hours."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.events: list[dict[str, Any]] = []

    def at(self, offset_ms: int | None = None) -> int:
        """Return a random moment (ms after START), or START + offset_ms."""
        if offset_ms is None:
            return self.rng.randrange(HOURS * 3600 * 1000)
        return offset_ms

    def emit(self, moment_ms: int, event_type: str, **fields: Any) -> None:
        """Add one event at ``moment_ms`` after START."""
        stamp = START + timedelta(milliseconds=moment_ms)
        record = {
            "timestamp": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": "error" if "error" in event_type or "failed" in event_type else "info",
            "logger": "tests.traffic",
            "event_type": event_type,
            "event_id": f"ev-{len(self.events)}",
            **fields,
        }
        self.events.append(record)


def make_traffic(seed: int = 3, users: int = 25, visits: int = 160) -> list[dict[str, Any]]:
    """Return the events of ``visits`` user visits plus background events."""
    traffic = Traffic(seed)
    rng = traffic.rng
    for index in range(users):
        user = f"user-{index:02d}"
        traffic.emit(traffic.at(), "user_creation", cognito_user_id=f"c-{index}", email="x")
        for key in range(rng.randint(0, 3)):
            traffic.emit(
                traffic.at(), "api_key_created", user_id=user, api_key_id=f"k{index}-{key}"
            )
        if rng.random() < 0.4:
            traffic.emit(
                traffic.at(),
                "automation_enabled",
                user_id=user,
                session_duration=rng.randint(60, 7200),
            )
    for _ in range(visits):
        _visit(traffic, f"user-{rng.randrange(users):02d}")
    for _ in range(40):
        traffic.emit(
            traffic.at(), rng.choice(("cache_hit", "cache_hit", "cache_hit", "cache_miss"))
        )
    for count in (12, 14, 15):
        traffic.emit(traffic.at(), "cache_refresh", model_count=count)
    traffic.emit(traffic.at(), "model_service_init_success", model_count=11, cache_duration=300)
    for _ in range(9):
        traffic.emit(
            traffic.at(), rng.choice(("api_key_validation_failed", "jwt_validation_error"))
        )
    for _ in range(7):
        moment = traffic.at()
        traffic.emit(moment, "embeddings_request_start", input_length=10, model="e")
        if rng.random() < 0.3:
            traffic.emit(moment + 50, "embeddings_request_error", error="x", error_type="E")
    return traffic.events


def _visit(traffic: Traffic, user: str) -> None:
    rng = traffic.rng
    moment = traffic.at()
    key = f"k-{user}"
    session = f"s-{len(traffic.events)}"
    traffic.emit(moment, "automated_session_creation_start", user_id=user, api_key_id=key)
    if rng.random() < 0.3:
        traffic.emit(moment + 5, "existing_session_reused", session_id=session)
    else:
        traffic.emit(moment + 5, "proxy_session_creation_start", target_model="m")
        traffic.emit(moment + 40, "proxy_session_response", session_id=session)
        traffic.emit(moment + 45, "session_created", session_id=session, model="m")
        if rng.random() < 0.6:
            closed = moment + rng.randrange(1000, 2 * 3600 * 1000)
            traffic.emit(closed, "proxy_session_closed", session_id=session)
            traffic.emit(closed + 3, "session_marked_inactive", session_id=session)
    for number in range(rng.randint(1, 3)):
        _request(traffic, user, key, session, moment + 100 + number * 20_000)


def _request(traffic: Traffic, user: str, key: str, session: str, moment: int) -> None:
    rng = traffic.rng
    request = f"r-{len(traffic.events)}"
    stream = rng.random() < 0.65
    traffic.emit(moment, "chat_request_processing", user_id=user, api_key_id=key)
    traffic.emit(
        moment + 1,
        "chat_completion_request_start",
        user_id=user,
        request_id=request,
        model="m",
        stream_requested=stream,
    )
    if rng.random() < 0.3:
        traffic.emit(moment + 2, "tools_detected", tool_count=2, request_id=request)
    if rng.random() < 0.1:
        traffic.emit(
            moment + 3, "session_retry_start", new_session_id="n", original_session_id=session
        )
    if rng.random() < 0.08:
        kind = rng.choice(
            ("chat_completions_error", "stream_generator_error", "proxy_request_error")
        )
        traffic.emit(moment + 4, kind, error="boom", request_id=request)
        return
    took = rng.randrange(200, 9000)
    if stream:
        traffic.emit(moment + 3, "stream_request_start", session_id=session)
        if rng.random() < 0.05:
            traffic.emit(moment + 9, "stream_proxy_error", status_code=502, error_text="bad")
            return
        traffic.emit(moment + took, "stream_completed", request_id=request, total_chunks=5)
    else:
        traffic.emit(moment + 3, "chat_completions_start", session_id=session)
        traffic.emit(moment + took, "chat_completion_success", request_id=request)


def write(path: Path, events: list[dict[str, Any]]) -> Path:
    """Write the events as JSON lines; return the path."""
    path.write_bytes(b"".join(orjson.dumps(event) + b"\n" for event in events))
    return path
