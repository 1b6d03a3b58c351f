"""Tests for ``schemalog metrics``: aggregating EMF lines in bounded memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from schemalog.cli.main import main
from schemalog.cli.metrics import Aggregate, Key, aggregate

DOCUMENT = {
    "_aws": {
        "Timestamp": 1_700_000_000_000,
        "CloudWatchMetrics": [
            {"Namespace": "ns", "Dimensions": [["svc"]], "Metrics": [{"Name": "lat"}]}
        ],
    },
    "svc": "a",
    "lat": [float(value) for value in range(100)],
}


def test_aggregate_keeps_statistics_not_every_value() -> None:
    """Aggregating many EMF lines of one series keeps memory flat, and the statistics exact."""
    totals: dict[Key, Aggregate] = {}
    tracemalloc.start()
    try:
        for _ in range(2_001):  # warm-up: the interpreter's own first allocations
            aggregate([DOCUMENT], None, totals)
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(2_000):
            aggregate([DOCUMENT], None, totals)
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert growth < 100_000  # every value kept would be 200,000 references, 1.6 MB
    (row,) = (slot.row() for slot in totals.values())
    assert row == {
        "unit": "None",
        "count": 400_100,
        "sum": 4950.0 * 4_001,
        "min": 0.0,
        "max": 99.0,
        "avg": 49.5,
    }


def test_csv_without_emf_lines_is_a_header_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format csv over lines holding no EMF prints the header, not a blank line."""
    path = tmp_path / "e.jsonl"
    path.write_text('{"event_type": "x"}\n')
    assert main(["metrics", "--format", "csv", "--period", "60", str(path)]) == 0
    assert capsys.readouterr().out == (
        "namespace,metric,dimensions,period_start,unit,count,sum,min,max,avg\n"
    )


def test_values_of_different_units_are_rows_of_their_own() -> None:
    """One metric logged in two units gives one row per unit, never a sum across units."""
    totals: dict[Key, Aggregate] = {}
    for unit, value in (("Milliseconds", 250.0), ("Seconds", 2.0), ("Milliseconds", 750.0)):
        metric = {"Namespace": "ns", "Dimensions": [[]], "Metrics": [{"Name": "t", "Unit": unit}]}
        document = {
            "_aws": {"Timestamp": 1_700_000_000_000, "CloudWatchMetrics": [metric]},
            "t": value,
        }
        aggregate([document], None, totals)
    rows = {key[4]: (slot.count, slot.total) for key, slot in totals.items()}
    assert rows == {"Milliseconds": (2, 1000.0), "Seconds": (1, 2.0)}
