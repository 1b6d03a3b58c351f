"""``RequestEvents``: request ids, request events and request metrics for WSGI apps.

    app.wsgi_app = RequestEvents(app.wsgi_app)             # Flask
    application = RequestEvents(application, route=..., user=...)   # any WSGI app

For each request: takes ``X-Request-ID`` (or makes one), binds it as ``request_id`` (and the
user as ``user_id``) for every event logged while the app handles the request, returns it in
the response's ``X-Request-ID`` header, then emits ``api_request_completed`` and records the
request metrics. An exception that reaches the middleware gives a 500 event with its
``error_type`` and is re-raised (Flask turns exceptions into 500 responses itself unless
``PROPAGATE_EXCEPTIONS`` is set: then the event has status 500 without ``error_type``).

The route template is ``route(environ)`` when given, else the Flask rule that matches (when
``app`` is a Flask app's ``wsgi_app``), else ``unmatched`` (never the raw path);
the user is ``user(environ)`` when given, else ``environ["schemalog.user_id"]`` (which the app
sets once it knows the user; it then shows in the completed event), else ``REMOTE_USER``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from schemalog.integrations.requests import (
    HEADER,
    UNMATCHED,
    bound_user,
    completed,
    request_context,
    request_id,
)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def url_map_route(url_map: Any) -> Callable[[Environ], str]:
    """Return a route function matching requests against a werkzeug ``Map`` (Flask's url_map)."""

    def route(environ: Environ) -> str:
        try:
            rule, _ = url_map.bind_to_environ(environ).match(return_rule=True)
        except Exception:  # werkzeug's NotFound, MethodNotAllowed, RequestRedirect ...
            return UNMATCHED
        template = getattr(rule, "rule", None)
        return template if isinstance(template, str) else UNMATCHED

    return route


def _default_route(app: WSGIApp) -> Callable[[Environ], str]:
    """Flask's url_map when ``app`` is a Flask app or its ``wsgi_app``; else ``unmatched``."""
    owner = getattr(app, "__self__", app)
    url_map = getattr(owner, "url_map", None)
    if url_map is not None and hasattr(url_map, "bind_to_environ"):
        return url_map_route(url_map)
    return lambda _environ: UNMATCHED


#: Where an app puts the authenticated user for the middleware (Flask:
#: ``request.environ[USER_KEY] = user_id``), when it is not the server's ``REMOTE_USER``.
USER_KEY = "schemalog.user_id"


def default_user(environ: Environ) -> str | None:
    """Return the user the app put in ``environ[USER_KEY]``, else ``REMOTE_USER``."""
    user = environ.get(USER_KEY) or environ.get("REMOTE_USER")
    return str(user) if user else None


class RequestEvents:
    """WSGI middleware: request ids bound and returned, one event and two metrics per request."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        route: Callable[[Environ], str] | None = None,
        user: Callable[[Environ], str | None] | None = None,
    ) -> None:
        self.app = app
        self.route = route or _default_route(app)
        self.user = user or default_user

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Handle one request."""
        rid = request_id(environ.get("HTTP_X_REQUEST_ID"))
        status = 500

        def start_with_id(code: str, headers: list[tuple[str, str]], *info: Any) -> Any:
            nonlocal status
            status = int(code.split(" ", 1)[0])
            return start_response(code, [*headers, (HEADER, rid)], *info)

        started = time.perf_counter()
        with request_context(rid, self.user(environ)):
            try:
                body = self.app(environ, start_with_id)
            except Exception as error:
                self._done(environ, 500, started, type(error).__name__)
                raise
            self._done(environ, status, started, None)
        return body

    def _done(self, environ: Environ, status: int, started: float, error: str | None) -> None:
        duration = (time.perf_counter() - started) * 1000
        method = str(environ.get("REQUEST_METHOD", "GET"))
        with bound_user(self.user(environ)):  # the app may have named the user meanwhile
            completed(self.route(environ), method, status, duration, error)
