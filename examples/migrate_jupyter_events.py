"""From jupyter_events: a registered schema becomes a catalog file; emit() becomes log.info().

Run: ``python examples/migrate_jupyter_events.py logs/launch.jsonl``.
See docs/migrating/jupyter_events.md.
"""

from __future__ import annotations

import sys

import schemalog

log = schemalog.get_logger("binderhub.launch")


def record_launch(provider: str, spec: str) -> None:
    """Emit one validated launch event (was ``event_logger.emit(schema_id=..., data=...)``)."""
    log.info("launch", provider=provider, spec=spec, status="success", build_token=False)


if __name__ == "__main__":
    schemalog.configure(service="binderhub", sinks=[f"file:{sys.argv[1]}"])
    record_launch("GitHub", "jupyterhub/binderhub/main")
    schemalog.shutdown()
