"""``RequestEvents``: request ids, request events and request metrics for ASGI apps.

    app = Starlette(routes=...)
    app.add_middleware(RequestEvents)                      # Starlette / FastAPI
    app = RequestEvents(app, user=lambda scope: ...)       # any ASGI app

For each HTTP request: takes ``X-Request-ID`` (or makes one), binds it as ``request_id`` (and
the user as ``user_id``) for every event logged while the request runs, returns it in the
response's ``X-Request-ID`` header, then emits ``api_request_completed`` with the route
template (Starlette's ``scope["route"].path``) and records the request metrics. An exception
gives a 500 event with its ``error_type`` and is re-raised.

The user is found by ``user(scope)`` when given, else from ``scope["user"]`` (Starlette's
``AuthenticationMiddleware``, placed outside this one) or ``request.state.user_id``; one set
by the endpoint (``request.state.user_id = ...``) shows in the completed event.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from schemalog.integrations.requests import (
    HEADER,
    UNMATCHED,
    bound_user,
    completed,
    request_context,
    request_id,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
UserOf = Callable[[Scope], "str | None"]

_HEADER_KEY: Final = HEADER.lower().encode("latin-1")


def default_user(scope: Scope) -> str | None:
    """Return the authenticated user's id from ``scope["user"]`` or ``request.state.user_id``."""
    state = scope.get("state")
    if isinstance(state, dict) and state.get("user_id") is not None:
        return str(state["user_id"])
    user = scope.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        identity = getattr(user, "identity", None) or getattr(user, "display_name", None)
        return str(identity) if identity else None
    return None


class RequestEvents:
    """ASGI middleware: request ids bound and returned, one event and two metrics per request."""

    def __init__(self, app: ASGIApp, *, user: UserOf | None = None) -> None:
        self.app = app
        self.user = user or default_user

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection (only ``http`` ones are observed)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(_HEADER_KEY)
        rid = request_id(given.decode("latin-1") if given else None)
        status = 500
        root = scope.get("root_path", "")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or ())
                headers.append((_HEADER_KEY, rid.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        started = time.perf_counter()
        with request_context(rid, self.user(scope)):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as error:
                self._done(scope, root, 500, started, type(error).__name__)
                raise
            self._done(scope, root, status, started, None)

    def _done(
        self, scope: Scope, root: str, status: int, started: float, error_type: str | None
    ) -> None:
        duration = (time.perf_counter() - started) * 1000
        with bound_user(self.user(scope)):  # the endpoint may have named the user meanwhile
            completed(endpoint(scope, root), scope["method"], status, duration, error_type)


def endpoint(scope: Scope, root: str) -> str:
    """Return the route template that matched (with a mount's prefix), else ``unmatched``."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str):
        return UNMATCHED
    prefix = str(scope.get("root_path", ""))[len(root) :]
    return prefix + template
