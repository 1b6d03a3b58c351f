"""Integrations: schemalog behind the APIs users already write to.

* :mod:`schemalog.integrations.structlog` — structlog's API in the code, schemalog's lines out;
* :mod:`schemalog.integrations.asgi` — ``RequestEvents`` for Starlette, FastAPI, any ASGI app;
* :mod:`schemalog.integrations.wsgi` — ``RequestEvents`` for Flask, Django, any WSGI app.

The middlewares take ``X-Request-ID`` (or make one), bind it for every event of the request,
return it in the response, and end each request with an ``api_request_completed`` event and
the ``api_request_count`` / ``api_request_duration_ms`` metrics (seed 001's automatic metrics).
Each module imports its library on import, so importing ``schemalog`` never does.
"""
