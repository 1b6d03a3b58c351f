"""An app with the request middleware and the ingestion service give correlated events.

The app's server-side events and the client's events sent through ``schemalog serve`` share the
request id the middleware returned; both land, validated, in one DuckDB database.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import schemalog
from schemalog import metrics
from schemalog.ingest.app import create_app
from schemalog.integrations.asgi import RequestEvents
from schemalog.storage.loader import load
from tests.conftest import SCHEMAS
from tests.paths import ROOT
from tests.server import running
from tests.storage.conftest import run_sql


async def feed(request: Request) -> JSONResponse:
    schemalog.get_logger("app").info("feed_viewed", family_unit_id="f-1", item_count=3)
    return JSONResponse({"items": 3})


def test_app_and_service_events_share_the_request_id(tmp_path: Path) -> None:
    """The client's event, sent with the returned request id, joins the app's in SQL."""
    app_lines, ingested = tmp_path / "app.jsonl", tmp_path / "ingested.jsonl"
    schemalog.configure(service="api", sinks=[f"file:{app_lines}"], schemas=SCHEMAS)
    app = Starlette(routes=[Route("/api/v1/feed", feed)])
    app.add_middleware(RequestEvents, user=lambda scope: scope["query_string"].decode() or None)
    service = create_app([f"file:{ingested}"], schemas=SCHEMAS, environ={})
    with running(app) as app_url, running(service) as service_url:
        answer = httpx.get(f"{app_url}/api/v1/feed?u-1")
        request_id = answer.headers["x-request-id"]
        client_event = {
            "event_type": "memory_viewed",
            "request_id": request_id,
            "user_id": "u-1",
            "family_unit_id": "f-1",
            "memory_id": "m-1",
        }
        sent = httpx.post(f"{service_url}/v1/events", json=[client_event]).json()
        assert sent["accepted"] == 1, sent
    metrics.flush()  # the request metrics, as EMF lines in the app's file
    schemalog.shutdown()
    database = str(tmp_path / "events.duckdb")
    summary = load([str(app_lines), str(ingested)], database, schemas=SCHEMAS)
    assert summary.rejected == 0  # also holds the servers' and httpx's own log lines
    rows = run_sql(
        database,
        "SELECT event_type, user_id FROM analytics_events"
        f" WHERE request_id = '{request_id}' AND event_type <> 'log' ORDER BY event_type",
    )
    assert rows == [
        ("api_request_completed", "u-1"),
        ("feed_viewed", "u-1"),
        ("memory_viewed", "u-1"),
    ]
    query = (ROOT / "docs" / "sql" / "analytics" / "04_api_request_counts.sql").read_text()
    assert run_sql(database, query) == [("/api/v1/feed", 1.0)]
