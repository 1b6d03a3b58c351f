"""From plain stdlib logging: the calls stay as they are, ``configure()`` makes them events.

Run: ``python examples/migrate_stdlib.py logs/stdlib.jsonl``. See docs/migrating/stdlib.md.
"""

from __future__ import annotations

import logging
import sys

import schemalog

# The application's code, unchanged: stdlib loggers, extra= for structure.
log = logging.getLogger("billing.api")
adapter = logging.LoggerAdapter(log, {"request_id": "req-123"})


def refresh_models() -> None:
    """Log a cataloged event through extra=, a plain message, and one through an adapter."""
    log.info("model cache refreshed", extra={"event_type": "cache_refresh", "model_count": 12})
    log.warning("upstream slow: %d ms", 950)
    adapter.info("cache checked")  # the adapter's request_id is context, in the envelope


if __name__ == "__main__":
    # The one added line: where the lines go, and which catalog validates them.
    schemalog.configure(service="billing", sinks=[f"file:{sys.argv[1]}"])
    refresh_models()
    schemalog.shutdown()
