"""Tests for `schemalog demo`: a simulated application through the real pipeline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

from schemalog.catalog.load import Catalog
from schemalog.linecheck import LineChecker


def test_demo_end_to_end(tmp_path: Path, schemas_dir: Path) -> None:
    """The demo writes thousands of lines; validation flags exactly the kept invalid ones."""
    result = subprocess.run(
        [sys.executable, "-m", "schemalog", "demo", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    path = tmp_path / "events.jsonl"
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    counts = Counter(r["event_type"] for r in records)
    assert len(records) > 2000
    for event_type in (
        "chat_completion_request_start",
        "tool_call_started",
        "cache_hit",
        "cache_miss",
        "chat_completions_error",
        "log",
        "stream_completed",
    ):
        assert counts[event_type] > 0, event_type
    for event_type, count in counts.items():
        assert f"{event_type}" in result.stdout and str(count) in result.stdout
    checker = LineChecker(Catalog.load(schemas_dir))
    flagged = [r for r in records if not checker.check_record(r).valid]
    kept = [r for r in records if "schema_errors" in r]
    assert flagged == kept and 0 < len(kept) < len(records) // 100
    emails = [r["email"] for r in records if "email" in r]
    assert emails and all(email.startswith("sha256:") for email in emails)
    assert b"@example.com" not in path.read_bytes()


def test_demo_is_reproducible(tmp_path: Path) -> None:
    """The same seed gives the same events (ids and times aside)."""

    def run(directory: Path) -> list[tuple[str, str]]:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "schemalog",
                "demo",
                "--dir",
                str(directory),
                "--sessions",
                "20",
            ],
            capture_output=True,
            check=True,
            timeout=120,
        )
        lines = (directory / "events.jsonl").read_bytes().splitlines()
        return [(r["event_type"], r["level"]) for r in map(orjson.loads, lines)]

    assert run(tmp_path / "a") == run(tmp_path / "b")


@pytest.mark.skipif(shutil.which("jq") is None, reason="the jq command-line tool is not installed")
def test_every_demo_line_parses_with_jq(tmp_path: Path) -> None:
    """Jq reads every line the demo writes, and selects events by type."""
    subprocess.run(
        [sys.executable, "-m", "schemalog", "demo", "--dir", str(tmp_path), "--sessions", "50"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    path = tmp_path / "events.jsonl"
    parsed = subprocess.run(["jq", "-c", ".", str(path)], capture_output=True, check=True)
    assert len(parsed.stdout.splitlines()) == len(path.read_bytes().splitlines())
    totals = subprocess.run(
        ["jq", 'select(.event_type=="stream_completed") | .total_chunks', str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    assert totals.stdout.split() and all(
        v.isdigit() or v.startswith('"') for v in totals.stdout.split()
    )
