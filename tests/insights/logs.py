"""Generated JSON-lines logs for the Logs Insights tests, and their DuckDB view."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

START = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
EVENT_TYPES = ("request_start", "request_complete", "proxy_error", "cache_hit", "user_login")
USERS = ("alice", "bob", "carol", "dave", "eve")
METHODS = ("GET", "POST", "PUT")


def make_events(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """Return ``count`` events over three hours: some fields absent, one nested object."""
    rng = random.Random(seed)
    events = []
    for index in range(count):
        moment = START + timedelta(milliseconds=rng.randrange(3 * 3600 * 1000))
        record: dict[str, Any] = {
            "timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": rng.choice(("info", "info", "warning", "error")),
            "event_type": rng.choice(EVENT_TYPES),
            "event_id": f"ev-{index}",
        }
        if rng.random() < 0.8:
            record["user_id"] = rng.choice(USERS)
        if rng.random() < 0.7:
            record["duration_ms"] = round(rng.uniform(1, 900), 1)
        if rng.random() < 0.6:
            record["status_code"] = rng.choice((200, 201, 400, 404, 500, 503))
        method = rng.choice(METHODS)
        latency = rng.randrange(5, 500)
        who = record.get("user_id", "anon")
        record["msg"] = f"user={who}, method:{method}, latency := {latency}"
        record["request"] = {"method": method, "path": f"/v1/{rng.choice(('chat', 'models'))}"}
        events.append(record)
    return events


def write(path: Path, events: list[dict[str, Any]]) -> Path:
    """Write events as JSON lines; return the path."""
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    return path


#: The same logs as a DuckDB relation: the event's columns plus ``ts``, @timestamp in ms.
def duckdb_view(path: Path) -> str:
    """Return SQL selecting the logs at ``path`` with Logs Insights' ``@timestamp`` as ``ts``."""
    columns = (
        "{timestamp: 'VARCHAR', level: 'VARCHAR', event_type: 'VARCHAR', event_id: 'VARCHAR',"
        " user_id: 'VARCHAR', duration_ms: 'DOUBLE', status_code: 'BIGINT', msg: 'VARCHAR',"
        " request: 'STRUCT(method VARCHAR, path VARCHAR)'}"
    )
    return (
        "SELECT *, epoch_ms(CAST(replace(timestamp, 'Z', '') AS TIMESTAMP)) AS ts"
        f" FROM read_ndjson('{path}', columns={columns})"
    )
