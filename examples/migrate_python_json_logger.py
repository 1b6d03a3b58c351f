"""From python-json-logger: keep the dictConfig, add schemalog's EventFilter to the handler.

Run: ``python examples/migrate_python_json_logger.py logs/pjl.jsonl``.
See docs/migrating/python-json-logger.md.
"""

from __future__ import annotations

import logging
import logging.config
import sys


def logging_config(path: str) -> dict[str, object]:
    """Return the team's dictConfig, with one filter added and its formatter kept."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"schemalog": {"()": "schemalog.EventFilter"}},  # the added line
        "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter"}},
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "filename": path,
                "formatter": "json",
                "filters": ["schemalog"],  # and this one
            }
        },
        "root": {"handlers": ["file"], "level": "INFO"},
    }


if __name__ == "__main__":
    logging.config.dictConfig(logging_config(sys.argv[1]))
    log = logging.getLogger("orders")
    log.info("order %s shipped", "A-17", extra={"carrier": "ups", "api_key": "sk-live-123"})
    log.info("models", extra={"event_type": "cache_refresh", "model_count": 3})
    logging.shutdown()
