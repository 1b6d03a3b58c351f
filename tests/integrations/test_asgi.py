"""ASGI RequestEvents in a real Starlette app, through httpx's ASGITransport and under uvicorn."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from schemalog import metrics
from schemalog.integrations.asgi import RequestEvents
from tests.conftest import LineCollector
from tests.server import running


async def item(request: Request) -> JSONResponse:
    logging.getLogger("app").warning("looking up %s", request.path_params["item_id"])
    request.state.user_id = "u-7"  # the endpoint learned who asked
    return JSONResponse({"id": request.path_params["item_id"]})


async def broken(request: Request) -> JSONResponse:
    raise ValueError("no such thing")


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio (uvicorn's loop)."""
    return "asyncio"


def make_app() -> Starlette:
    routes = [
        Route("/items/{item_id}", item),
        Route("/broken", broken),
        Mount("/v2", routes=[Route("/items/{item_id}", item)]),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(RequestEvents)
    return app


def client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=make_app())
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def of_type(collector: LineCollector, event_type: str) -> list[dict[str, Any]]:
    return [r for r in collector.records if r.get("event_type") == event_type]


@pytest.mark.anyio
async def test_request_id_bound_returned_and_event(collector: LineCollector) -> None:
    """The client's X-Request-ID comes back, and is bound on the app's and the completed event."""
    async with client() as http:
        answer = await http.get("/items/42", headers={"X-Request-ID": "req-1"})
    assert answer.headers["x-request-id"] == "req-1"
    [inner] = [r for r in of_type(collector, "log") if r["logger"] == "app"]
    assert inner["request_id"] == "req-1"
    [done] = of_type(collector, "api_request_completed")
    assert done["request_id"] == "req-1" and done["user_id"] == "u-7"
    assert (done["endpoint"], done["method"]) == ("/items/{item_id}", "GET")
    assert done["status_code"] == 200
    assert done["duration_ms"] >= 0 and "schema_errors" not in done


@pytest.mark.anyio
async def test_made_up_id_templates_of_mounts_and_unmatched(collector: LineCollector) -> None:
    """Without a header an id is made; mounted routes keep their prefix; no route is 'unmatched'."""
    async with client() as http:
        mounted = await http.get("/v2/items/9")
        missing = await http.get("/nowhere/123", headers={"X-Request-ID": "bad id\x7f"})
    done = of_type(collector, "api_request_completed")
    assert done[0]["request_id"] == mounted.headers["x-request-id"]
    assert done[0]["endpoint"] == "/v2/items/{item_id}"
    assert (done[1]["endpoint"], done[1]["status_code"]) == ("unmatched", 404)
    assert missing.headers["x-request-id"] != "bad id\x7f"


@pytest.mark.anyio
async def test_exception_gives_500_event_and_is_reraised(collector: LineCollector) -> None:
    """An exception is reported as a 500 with its type, then raised on to the server."""
    async with client() as http:
        with pytest.raises(ValueError, match="no such thing"):
            await http.get("/broken")
    [done] = of_type(collector, "api_request_completed")
    assert (done["status_code"], done["error_type"], done["level"]) == (500, "ValueError", "error")


@pytest.mark.anyio
async def test_request_metrics(collector: LineCollector) -> None:
    """Each request counts in api_request_count and api_request_duration_ms, by endpoint+method."""
    async with client() as http:
        for _ in range(3):
            await http.get("/items/1")
    metrics.flush()
    documents = [r for r in collector.records if "_aws" in r]
    counts = [d for d in documents if "api_request_count" in d]
    assert [(d["endpoint"], d["method"], d["api_request_count"]) for d in counts] == [
        ("/items/{item_id}", "GET", 3.0)
    ]
    [timer] = [d for d in documents if "api_request_duration_ms" in d]
    assert len(timer["api_request_duration_ms"]) == 3


def test_under_uvicorn(collector: LineCollector) -> None:
    """Under a real uvicorn server the header comes back and the event is written."""
    with running(make_app()) as base:
        answer = httpx.get(f"{base}/items/5", headers={"X-Request-ID": "live-1"})
    assert answer.headers["x-request-id"] == "live-1"
    [done] = of_type(collector, "api_request_completed")
    assert (done["request_id"], done["endpoint"]) == ("live-1", "/items/{item_id}")
