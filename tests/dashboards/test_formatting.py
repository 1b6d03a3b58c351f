"""How KPI values are written: the one place ``report kpis`` and the page share."""

from __future__ import annotations

import csv
import io

import orjson

from schemalog.dashboards.definitions import Dashboard, Kpi
from schemalog.dashboards.formatting import (
    format_value,
    iso,
    render_csv,
    render_json,
    render_table,
)
from schemalog.dashboards.kpis import KpiResult, Report

COUNT = Kpi("n", "Number", "count", {"m": "Prompts"}, "m")
RATE = Kpi("r", "Rate", "ratio", {"m": "Prompts"}, "m")
REPORT = Report(
    3600,
    (0, 3600),
    12,
    (KpiResult(COUNT, 5.0, {0: 2.0, 3600: 3.0}), KpiResult(RATE, 0.25, {3600: 0.25})),
)
DASHBOARDS = [Dashboard("d", "D", 3600, (COUNT, RATE)), Dashboard("e", "E", 3600, (RATE,))]


def test_format_value_per_unit() -> None:
    """Counts are whole, ratios percentages, durations carry their unit, nothing is n/a."""
    assert format_value("count", 5.0) == "5"
    assert format_value("count", 2.5) == "2.50"
    assert format_value("ratio", 0.12345) == "12.35%"
    assert format_value("milliseconds", 12.0) == "12.00 ms"
    assert format_value("seconds", 1.5) == "1.50 s"
    assert format_value("ratio", None) == "n/a"


def test_json_shape() -> None:
    """JSON lists each KPI with its dashboards, total and one point per period (null if none)."""
    body = orjson.loads(render_json(REPORT, DASHBOARDS))
    assert (body["since"], body["until"]) == (iso(0), iso(7200))
    assert body["kpis"][1] == {
        "id": "r",
        "title": "Rate",
        "dashboards": ["D", "E"],
        "unit": "ratio",
        "value": 0.25,
        "series": [
            {"start": "1970-01-01T00:00:00Z", "value": None},
            {"start": "1970-01-01T01:00:00Z", "value": 0.25},
        ],
    }


def test_csv_has_a_total_row_and_a_row_per_period() -> None:
    """CSV: kpi, unit, period_start (``total`` first), value (empty when none)."""
    rows = list(csv.reader(io.StringIO(render_csv(REPORT))))
    assert rows[0] == ["kpi", "unit", "period_start", "value"]
    assert rows[4:] == [
        ["r", "ratio", "total", "0.25"],
        ["r", "ratio", "1970-01-01T00:00:00Z", ""],
        ["r", "ratio", "1970-01-01T01:00:00Z", "0.25"],
    ]


def test_table_lists_kpis_per_dashboard() -> None:
    """The table heads with the range and lists each dashboard's KPIs with formatted values."""
    table = render_table(REPORT, DASHBOARDS)
    assert table.splitlines()[0] == (
        "KPIs over 12 events, 1970-01-01T00:00:00Z to 1970-01-01T02:00:00Z (period 3600 s)"
    )
    assert "D\n  Number  5\n  Rate    25.00%\n" in table
    assert "E\n  Rate  25.00%\n" in table
