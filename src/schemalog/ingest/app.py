"""The Starlette app of the ingestion service; ``schemalog serve`` runs it under uvicorn."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schemalog._core.redact import Redactor
from schemalog._core.settings import resolve
from schemalog._core.sinkspec import make_sink
from schemalog.catalog.load import Catalog
from schemalog.ingest.intake import BodyError, Intake, parse_body
from schemalog.ingest.keys import ApiKeys, RateLimiter
from schemalog.ingest.openapi import openapi

#: Where the answer to a request without a usable key points.
_AUTH_HINT: Final = 'Bearer realm="schemalog", error="invalid_token"'


@dataclass(frozen=True)
class Limits:
    """Request limits: body size (413), events per request (413), requests per key (429)."""

    max_body_bytes: int = 1 << 20
    max_events: int = 1000
    rate: float = 50.0
    burst: int = 100


def create_app(
    sinks: Sequence[str | logging.Handler] = ("stdout",),
    *,
    schemas: str | os.PathLike[str] | None = None,
    keys: ApiKeys | None = None,
    limits: Limits = Limits(),
    environ: Mapping[str, str] | None = None,
) -> Starlette:
    """Return the service: events from ``POST /v1/events`` go to ``sinks`` (sink strings).

    ``keys`` None means no authentication (say so on purpose: ``schemalog serve --no-auth``).
    """
    settings = resolve(environ, sinks=list(sinks), schemas=schemas)
    catalog = Catalog.load(settings.schemas)
    service = _Service(Intake(catalog, [], Redactor(settings.hash_key)), catalog, keys, limits)
    routes = [
        Route("/v1/events", service.events, methods=["POST"]),
        Route("/v1/schemas", service.schemas, methods=["GET"]),
        Route("/healthz", service.healthz, methods=["GET"]),
        Route("/openapi.json", service.openapi, methods=["GET"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:  # noqa: ARG001
        # Built at start-up: uvicorn's logging set-up closes every handler made before it.
        service.intake.handlers = [make_sink(spec) for spec in settings.sinks]
        yield
        service.close()  # flush the sinks (a postgresql:// sink delivers what it queued)

    return Starlette(routes=routes, lifespan=lifespan)


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return _json({"error": message}, status, headers)


class _Service:
    def __init__(
        self, intake: Intake, catalog: Catalog, keys: ApiKeys | None, limits: Limits
    ) -> None:
        self.intake = intake
        self.catalog = catalog
        self.keys = keys
        self.limits = limits
        self.limiter = RateLimiter(limits.rate, limits.burst)
        self._schemas = orjson.dumps(_catalog_body(catalog))

    async def events(self, request: Request) -> Response:
        name = "anonymous"
        if self.keys is not None:
            found = self.keys.name_of(request.headers.get("authorization"))
            if found is None:
                headers = {"WWW-Authenticate": _AUTH_HINT}
                return _error(
                    401, "a valid API key is required (Authorization: Bearer KEY)", headers
                )
            name = found
        wait = self.limiter.allow(name)
        if wait:
            headers = {"Retry-After": str(max(1, round(wait)))}
            return _error(429, f"rate limit of key {name!r} reached", headers)
        body = await self._body(request)
        if body is None:
            return _error(413, f"body larger than {self.limits.max_body_bytes} bytes")
        try:
            events = parse_body(body)
        except BodyError as error:
            return _error(400, str(error))
        if len(events) > self.limits.max_events:
            return _error(413, f"{len(events)} events, more than {self.limits.max_events}")
        results = self.intake.take(events, f"schemalog.ingest.{name}")
        counts = dict.fromkeys(("accepted", "duplicate", "rejected"), 0)
        for result in results:
            counts[result["status"]] += 1
        return _json(
            {
                "accepted": counts["accepted"],
                "duplicates": counts["duplicate"],
                "rejected": counts["rejected"],
                "results": results,
            }
        )

    async def _body(self, request: Request) -> bytes | None:
        """Read the body, or return None as soon as it is past the limit."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.limits.max_body_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def schemas(self, request: Request) -> Response:  # noqa: ARG002
        return Response(self._schemas, media_type="application/json")

    async def healthz(self, request: Request) -> Response:  # noqa: ARG002
        return _json({"status": "ok", "event_types": len(self.catalog)})

    async def openapi(self, request: Request) -> Response:  # noqa: ARG002
        return _json(openapi(self.limits.max_body_bytes, self.limits.max_events))

    def close(self) -> None:
        for handler in self.intake.handlers:
            handler.flush()
            handler.close()


def _catalog_body(catalog: Catalog) -> dict[str, Any]:
    return {
        "event_types": {
            name: {v.version_text: v.schema for v in catalog.versions(name)} for name in catalog
        }
    }
