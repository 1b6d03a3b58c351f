"""Tests for the periodic schemalog_sink_stats event: when, at which level, and where to."""

from __future__ import annotations

import json
import logging
import logging.config
import shutil
import time
from pathlib import Path

import jsonschema
import pytest

import schemalog
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.faults import FaultProxy
from schemalog.sinks.cloudwatch.stats_event import STATS_LOGGER, StatsReporter, emit_stats_event
from tests.conftest import LineCollector
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


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


COUNTS = {
    "sent": 5,
    "retried": 0,
    "rejected": 0,
    "spilled": 0,
    "replayed": 0,
    "adopted": 0,
    "dropped": 0,
    "queued": 2,
    "truncated": 1,
}
#: The same counts as the event carries them.
FIELDS = {**{k: v for k, v in COUNTS.items() if k != "truncated"}, "messages_cut": 1}


def test_an_event_is_written_when_due_and_the_counts_changed(collector: LineCollector) -> None:
    """Nothing before the interval, one cataloged event after it, none while nothing changes."""
    clock = Clock()
    reporter = StatsReporter("cloudwatch:g/s", 60, clock)
    assert reporter.tick(COUNTS) is False  # not due yet
    clock.now += 60
    assert reporter.tick(COUNTS) is True
    clock.now += 60
    assert reporter.tick({**COUNTS, "queued": 0}) is False  # only queued moved
    (event,) = collector.records
    assert event["event_type"] == "schemalog_sink_stats"
    assert event["logger"] == STATS_LOGGER
    assert event["level"] == "info"
    assert event["service"] == "svc"  # stamped by the pipeline like every event
    assert "schema_errors" not in event
    assert event["schema_version"] == max(
        (p.stem for p in (ROOT / "schemas/schemalog_sink_stats").glob("*.json")),
        key=lambda v: tuple(map(int, v.split("."))),
    )
    assert {k: event[k] for k in FIELDS} == FIELDS  # "truncated" goes as messages_cut


def test_an_event_after_drops_is_a_warning(collector: LineCollector) -> None:
    """When events were dropped or rejected since the last event, it comes at warning level."""
    clock = Clock()
    reporter = StatsReporter("cloudwatch:g/s", 1, clock)
    clock.now += 1
    reporter.tick(COUNTS)
    clock.now += 1
    reporter.tick({**COUNTS, "dropped": 1})
    clock.now += 1
    reporter.tick({**COUNTS, "dropped": 1, "sent": 9})
    assert [e["level"] for e in collector.records] == ["info", "warning", "info"]


def test_no_event_with_a_zero_interval(collector: LineCollector) -> None:
    """stats_interval=0 turns the event off."""
    clock = Clock()
    reporter = StatsReporter("cloudwatch:g/s", 0, clock)
    clock.now += 10_000
    assert reporter.tick(COUNTS) is False
    assert reporter.wait() == 3600.0
    assert collector.records == []


def test_the_event_never_enters_a_cloudwatch_handler(
    collector: LineCollector, tmp_path: Path
) -> None:
    """A CloudWatch handler beside the other sinks ignores the stats event: no feedback."""
    handler = CloudWatchLogsHandler("g", "s", spill_dir=tmp_path, stats_interval=0)
    logging.getLogger().addHandler(handler)
    emit_stats_event("cloudwatch:g/other", FIELDS)
    (event,) = collector.records
    assert "schema_errors" not in event
    assert handler.stats()["queued"] == 0
    handler.close()


def test_a_catalog_without_the_event_is_counted_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under on_invalid='raise' with a catalog lacking the event, the failure is counted."""
    shutil.copytree(ROOT / "schemas/cache_hit", tmp_path / "cache_hit")
    schemalog.configure(sinks=[], schemas=tmp_path, on_invalid="raise")
    emit_stats_event("cloudwatch:g/s", FIELDS)
    assert schemalog.stats()["sink_errors"] == 1
    assert "writing schemalog_sink_stats failed" in capsys.readouterr().err
