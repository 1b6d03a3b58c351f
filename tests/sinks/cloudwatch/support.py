"""Helpers of the CloudWatch sink tests: fast settings, handlers through the fault proxy."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.faults import FaultProxy, read_messages

FAST: dict[str, Any] = {
    "region": "us-east-1",
    "send_interval": 0.05,
    "backoff_base": 0.01,
    "backoff_cap": 0.05,
    "connect_timeout": 1.0,
    "read_timeout": 5.0,
    "stats_interval": 0,
}


def make_handler(
    proxy: FaultProxy, group: str, tmp_path: Path, **options: Any
) -> CloudWatchLogsHandler:
    settings = {**FAST, "spill_dir": tmp_path / "spill", **options}
    handler = CloudWatchLogsHandler(group, "s", endpoint_url=proxy.url, **settings)
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def logger_for(handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"app.{uuid.uuid4().hex[:8]}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def read_back(endpoint: str, group: str, stream: str = "s") -> list[str]:
    return read_messages(endpoint, group, stream)


def frames(messages: list[bytes], first_ms: int) -> bytes:
    """Return ``messages`` as spill file frames, one millisecond apart from ``first_ms``."""
    return b"".join(b"%d %d\n%s\n" % (first_ms + n, len(m), m) for n, m in enumerate(messages))


def log_one(proxy: FaultProxy, group: str, tmp_path: Path, message: str) -> dict[str, int]:
    """Log ``message`` through a new handler of ``group``; return its stats once delivered."""
    handler = make_handler(proxy, group, tmp_path)
    logger_for(handler).info(message)
    assert handler.flush(10)
    handler.close()
    return handler.stats()
