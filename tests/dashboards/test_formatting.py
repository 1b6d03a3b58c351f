"""How KPI values are written: the one place ``report kpis`` and the page share."""

from __future__ import annotations

from schemalog.dashboards.definitions import Dashboard, Kpi
from schemalog.dashboards.formatting import (
    csv_rows,
    format_value,
    heading,
    json_rows,
    summary,
    table_rows,
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


def test_json_rows_and_summary() -> None:
    """Each KPI: its dashboards, total and one point per period (null when it has none)."""
    assert summary(REPORT) == {
        "period": 3600,
        "events": 12,
        "since": "1970-01-01T00:00:00Z",
        "until": "1970-01-01T02:00:00Z",
    }
    assert json_rows(REPORT, DASHBOARDS)[1] == {
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


def test_csv_rows_have_a_whole_range_row_then_one_per_period() -> None:
    """CSV rows: kpi, unit, period_start (empty for the whole range), value."""
    assert csv_rows(REPORT)[3:] == [
        {"kpi": "r", "unit": "ratio", "period_start": None, "value": 0.25},
        {"kpi": "r", "unit": "ratio", "period_start": "1970-01-01T00:00:00Z", "value": None},
        {"kpi": "r", "unit": "ratio", "period_start": "1970-01-01T01:00:00Z", "value": 0.25},
    ]


def test_table_rows_are_per_dashboard_with_values_for_people() -> None:
    """The table lists each dashboard's KPIs with formatted values under a heading."""
    assert heading(REPORT) == (
        "KPIs over 12 events, 1970-01-01T00:00:00Z to 1970-01-01T02:00:00Z (period 3600 s)"
    )
    assert table_rows(REPORT, DASHBOARDS) == [
        {"dashboard": "D", "kpi": "Number", "value": "5"},
        {"dashboard": "D", "kpi": "Rate", "value": "25.00%"},
        {"dashboard": "E", "kpi": "Rate", "value": "25.00%"},
    ]
