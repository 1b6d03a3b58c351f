"""Tests for schemalog.agent.demo and the agent sessions of ``schemalog demo``."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import orjson
import pytest

import schemalog
from schemalog.agent.demo import run_agent_sessions
from schemalog.catalog.load import Catalog
from schemalog.demo import run_demo
from schemalog.linecheck import LineChecker
from schemalog.testing import CapturedEvents


class Clock:
    """Simulated seconds, moved only by the simulated work."""

    def __init__(self) -> None:
        self.now = 0.0

    def advance(self, seconds: float) -> None:
        """Move the time forward."""
        self.now += seconds


def test_simulated_sessions_emit_only_valid_agent_events(
    schemas_dir: Path, captured_events: CapturedEvents
) -> None:
    """Sixty simulated sessions emit valid events of every kind the agent can produce."""
    schemalog.configure(sinks=[], schemas=schemas_dir)
    clock = Clock()
    run_agent_sessions(random.Random(3), lambda: clock.now, clock.advance, 60)
    counts = Counter(captured_events.event_types)
    assert counts["session_start"] == counts["session_end"] == 60
    assert (
        counts["session_completed"] + counts["session_failed"] + counts["session_abandoned"] == 60
    )
    for event_type in (
        "tool_call_failed",
        "tool_call_retry",
        "hallucinated_tool_call",
        "schema_validation_error",
    ):
        assert counts[event_type] > 0, event_type
    durations = [e["execution_time_ms"] for e in captured_events.of_type("tool_call_completed")]
    assert min(durations) >= 50.0  # simulated work: at least 0.05 s per call


def test_demo_output_has_agent_sessions(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo log holds agent sessions next to the chat events, and points to the report."""
    assert run_demo(tmp_path, sessions=30) == 0
    out = capsys.readouterr().out
    assert "schemalog report agent" in out
    lines = (tmp_path / "events.jsonl").read_bytes().splitlines()
    records = [orjson.loads(line) for line in lines]
    starts = [r for r in records if r["event_type"] == "session_start"]
    assert len(starts) == 3  # one agent session per ten demo sessions
    checker = LineChecker(Catalog.load(schemas_dir))
    agent_lines = [
        line for line, r in zip(lines, records, strict=True) if r.get("mcp_name") == "demo-agent"
    ]
    assert agent_lines
    assert all(checker.check(line).valid for line in agent_lines)
