"""What both request middlewares share: request ids, and the event and metrics of a request.

Each request ends with one ``api_request_completed`` event (the route template, not the raw
path, so that ids do not multiply the metric's dimensions) and two metrics with ``endpoint``
and ``method`` labels: ``api_request_count`` (a counter) and ``api_request_duration_ms`` (a
timer). A request no route matched is reported as endpoint ``unmatched``.
"""

from __future__ import annotations

import re
import uuid
from typing import Final

from schemalog import metrics
from schemalog._core.context import bound
from schemalog._core.logger import get_logger

HEADER: Final = "X-Request-ID"
UNMATCHED: Final = "unmatched"
#: A request id taken from a client: short, and only characters safe in logs and headers.
_SAFE_ID: Final = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
_log = get_logger("schemalog.requests")


def request_id(given: str | None) -> str:
    """Return the client's request id when it is safe to keep, else a new one."""
    if given and _SAFE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def request_context(rid: str, user: str | None) -> bound:
    """Return a context binding the request's id, and its user when known."""
    return bound(request_id=rid, user_id=user) if user is not None else bound(request_id=rid)


def bound_user(user: str | None) -> bound:
    """Return a context binding ``user_id`` (nothing when the user is unknown)."""
    return bound(user_id=user) if user is not None else bound()


def completed(
    endpoint: str, method: str, status: int, duration_ms: float, error_type: str | None = None
) -> None:
    """Emit ``api_request_completed`` and record the request's metrics."""
    fields: dict[str, object] = {
        "endpoint": endpoint,
        "method": method,
        "status_code": status,
        "duration_ms": round(duration_ms, 3),
    }
    if error_type is not None:
        fields["error_type"] = error_type
    if status >= 500:
        _log.error("api_request_completed", **fields)
    else:
        _log.info("api_request_completed", **fields)
    metrics.counter("api_request_count", endpoint=endpoint, method=method).inc()
    metrics.timer("api_request_duration_ms", endpoint=endpoint, method=method).observe(duration_ms)
