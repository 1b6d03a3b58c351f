"""Tests for the periodic schemalog_sink_stats event."""

from __future__ import annotations

import json
import logging
import logging.config
import time
from pathlib import Path

import jsonschema

from schemalog.sinks.cloudwatch.faults import FaultProxy
from tests.paths import ROOT
from tests.sinks.cloudwatch.support import (
    make_handler,
    read_back,
)


def test_stats_event_goes_to_the_other_sinks(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """schemalog_sink_stats events reach the other handlers, valid, and are never sent."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = make_handler(proxy, group, tmp_path, stats_interval=0.05)
    root = logging.getLogger()
    collect = Collect()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    root.addHandler(collect)
    try:
        for number in range(10):
            logging.getLogger("app").info("event %d", number)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any("sink_stats" in x for x in lines):
            time.sleep(0.02)
        assert handler.flush(10)
    finally:
        root.removeHandler(handler)
        root.removeHandler(collect)
    stats_events = [json.loads(x) for x in lines if "schemalog_sink_stats" in x]
    assert stats_events
    envelope = {"timestamp", "level", "logger", "event_type", "schema_version", "event_id"}
    for event in stats_events:
        version = event["schema_version"]
        schema = json.loads((ROOT / f"schemas/schemalog_sink_stats/{version}.json").read_text())
        jsonschema.validate({k: v for k, v in event.items() if k not in envelope}, schema)
        assert event["sink"] == f"cloudwatch:{group}/s"
    assert stats_events[-1]["sent"] == 10
    assert read_back(endpoint, group) == [f"event {n}" for n in range(10)]
    handler.close()
