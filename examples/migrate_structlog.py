"""From structlog: the calls stay as they are; one set-up call routes them through schemalog.

Run: ``python examples/migrate_structlog.py logs/structlog.jsonl``. See docs/migrating/structlog.md.
"""

from __future__ import annotations

import sys

import structlog
from structlog.contextvars import bind_contextvars

from schemalog.integrations import structlog as schemalog_structlog

log = structlog.get_logger("models")


def refresh_models() -> None:
    """Log two events the structlog way: bound context, contextvars, keyword fields."""
    bind_contextvars(request_id="req-123")
    log.bind(user_id="user-42").info("cache_refresh", model_count=12)
    log.info("cache_hit", cache_expires_in_seconds=30.0)


if __name__ == "__main__":
    schemalog_structlog.configure(service="models", sinks=[f"file:{sys.argv[1]}"])
    refresh_models()
