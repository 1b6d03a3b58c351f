"""WSGI RequestEvents in a real Flask app (its test client) and a plain WSGI app (werkzeug)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pytest
from flask import Flask, request
from werkzeug.test import Client

from schemalog import metrics
from schemalog.integrations.wsgi import USER_KEY, RequestEvents
from tests.conftest import LineCollector


def make_flask() -> Flask:
    app = Flask("shop")
    app.config["PROPAGATE_EXCEPTIONS"] = True

    @app.get("/users/<int:user_id>/orders")
    def orders(user_id: int) -> dict[str, int]:
        request.environ[USER_KEY] = f"u-{user_id}"  # the app authenticated the caller
        logging.getLogger("shop").warning("listing orders")
        return {"orders": 0}

    @app.post("/fail")
    def fail() -> str:
        raise KeyError("gone")

    app.wsgi_app = RequestEvents(app.wsgi_app)  # type: ignore[method-assign]
    return app


def completed(collector: LineCollector) -> list[dict[str, Any]]:
    return [r for r in collector.records if r.get("event_type") == "api_request_completed"]


def test_flask_request_events(collector: LineCollector) -> None:
    """Flask: the id is bound and returned; the event has the rule, the user and the status."""
    answer = make_flask().test_client().get("/users/3/orders", headers={"X-Request-ID": "f-1"})
    assert answer.headers["X-Request-ID"] == "f-1"
    [inner] = [r for r in collector.records if r["logger"] == "shop"]
    assert inner["request_id"] == "f-1"
    [done] = completed(collector)
    assert (done["endpoint"], done["method"], done["status_code"]) == (
        "/users/<int:user_id>/orders",
        "GET",
        200,
    )
    assert (done["request_id"], done["user_id"]) == ("f-1", "u-3")


def test_flask_exception_reported_and_reraised(collector: LineCollector) -> None:
    """An exception out of the app is a 500 event with its type, raised on."""
    with pytest.raises(KeyError):
        make_flask().test_client().post("/fail")
    [done] = completed(collector)
    assert (done["endpoint"], done["status_code"], done["error_type"]) == ("/fail", 500, "KeyError")


def test_plain_wsgi_app_with_route_callable(collector: LineCollector) -> None:
    """Any WSGI app: a route callable names the template; the metrics are recorded."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"ok"]

    wrapped = RequestEvents(
        app, route=lambda environ: environ["PATH_INFO"], user=lambda environ: environ["HTTP_X_SVC"]
    )
    response = Client(wrapped).put("/things", headers={"X-Svc": "svc"})
    assert response.status_code == 201 and len(response.headers["X-Request-ID"]) == 32
    [done] = completed(collector)
    assert (done["endpoint"], done["method"], done["user_id"]) == ("/things", "PUT", "svc")
    metrics.flush()
    [document] = [r for r in collector.records if "api_request_count" in r]
    assert (document["endpoint"], document["method"]) == ("/things", "PUT")
