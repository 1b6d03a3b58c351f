"""The ingestion service under a real uvicorn server, spoken to with httpx."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from schemalog.ingest.app import Limits, create_app
from schemalog.ingest.keys import ApiKeys, new_key
from tests.conftest import SCHEMAS
from tests.server import running

KEY, KEY_LINE = new_key("mobile")
AUTH = {"Authorization": f"Bearer {KEY}"}


def memory(**fields: object) -> dict[str, object]:
    return {
        "event_type": "memory_posted",
        "user_id": "u-1",
        "family_unit_id": "f-1",
        "memory_id": "m-1",
        **fields,
    }


@pytest.fixture
def sink(tmp_path: Path) -> Path:
    return tmp_path / "ingested.jsonl"


@pytest.fixture
def base(sink: Path, tmp_path: Path) -> Iterator[str]:
    """Serve the app with one key, a small rate limit and small limits, writing to a file."""
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"# the mobile app\n{KEY_LINE}\n")
    keys = ApiKeys.load(keys_file, {})
    limits = Limits(max_body_bytes=20_000, max_events=50, rate=0.5, burst=8)
    app = create_app([f"file:{sink}"], schemas=SCHEMAS, keys=keys, limits=limits, environ={})
    with running(app) as url:
        yield url


def lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_describes_itself(base: str) -> None:
    """/healthz, /v1/schemas (the catalog) and /openapi.json answer without a key."""
    assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
    catalog = httpx.get(f"{base}/v1/schemas").json()["event_types"]
    assert "1.0.0" in catalog["memory_posted"]
    spec = httpx.get(f"{base}/openapi.json").json()
    assert set(spec["paths"]) == {"/v1/events", "/v1/schemas", "/healthz"}


def test_key_required(base: str) -> None:
    """No key or an unknown key is a 401 with WWW-Authenticate."""
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}):
        answer = httpx.post(f"{base}/v1/events", json=[memory()], headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_per_event_answers_and_stamped_lines(base: str, sink: Path) -> None:
    """Valid events are stamped and written; invalid ones rejected with their schema errors."""
    given = str(uuid.uuid4())
    body = [memory(event_id=given), memory(media_count="three"), {"event_type": "nope"}, 7]
    answer = httpx.post(f"{base}/v1/events", json=body, headers=AUTH).json()
    assert (answer["accepted"], answer["rejected"]) == (1, 3)
    statuses = [(r["index"], r["status"]) for r in answer["results"]]
    assert statuses == [(0, "accepted"), (1, "rejected"), (2, "rejected"), (3, "rejected")]
    assert answer["results"][0]["event_id"] == given
    assert any("$.media_count" in e for e in answer["results"][1]["errors"])
    assert any("$.event_type" in e for e in answer["results"][2]["errors"])
    [line] = lines(sink)
    assert line["event_id"] == given and line["memory_id"] == "m-1"
    assert {"timestamp", "received_at", "level", "logger"} <= set(line)


def test_ndjson_and_idempotent_on_event_id(base: str, sink: Path) -> None:
    """NDJSON bodies work; an event_id seen before is answered 'duplicate' and not rewritten."""
    first, second = memory(), memory()
    body = b"\n".join(orjson.dumps(e) for e in (first, second))
    answer = httpx.post(f"{base}/v1/events", content=body, headers=AUTH).json()
    assert answer["accepted"] == 2
    ids = [r["event_id"] for r in answer["results"]]
    assert len(set(ids)) == 2  # each stamped with its own id
    again = [memory(event_id=ids[0])]
    answer = httpx.post(f"{base}/v1/events", json=again, headers=AUTH).json()
    assert answer["results"][0]["status"] == "duplicate"
    assert len(lines(sink)) == 2


def test_malformed_bodies_name_the_position(base: str) -> None:
    """A broken NDJSON line or JSON array is a 400 saying where."""
    body = orjson.dumps(memory()) + b"\n{broken\n"
    answer = httpx.post(f"{base}/v1/events", content=body, headers=AUTH)
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("NDJSON line 2: not JSON")
    answer = httpx.post(f"{base}/v1/events", content=b"[{}, {", headers=AUTH)
    assert answer.status_code == 400 and "char" in answer.json()["error"]


def test_limits_give_413(base: str) -> None:
    """A body past the byte limit or with too many events is a 413."""
    big = [memory(title="x" * 1000) for _ in range(30)]
    assert httpx.post(f"{base}/v1/events", json=big, headers=AUTH).status_code == 413
    many: list[dict[str, str]] = [{} for _ in range(51)]
    answer = httpx.post(f"{base}/v1/events", json=many, headers=AUTH)
    assert answer.status_code == 413 and "51 events" in answer.json()["error"]


def test_rate_limit_gives_429(base: str) -> None:
    """Past the key's burst, requests get 429 with Retry-After."""
    codes = [httpx.post(f"{base}/v1/events", json=[], headers=AUTH).status_code for _ in range(10)]
    assert codes[:8] == [200] * 8 and codes[8:] == [429, 429]
    answer = httpx.post(f"{base}/v1/events", json=[], headers=AUTH)
    assert int(answer.headers["retry-after"]) >= 1
