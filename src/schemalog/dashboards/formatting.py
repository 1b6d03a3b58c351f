"""How KPI values are written, in one place: ``report kpis`` and the dashboard page share it.

The command line's one writer (``cli/output.py``) prints the rows made here: ``table`` rows
hold the values as people read them (:func:`format_value`, also on the page), ``json`` one
row per KPI with its per-period series, ``csv`` one row per KPI and period (``period_start``
empty for the whole range). Times are RFC 3339 UTC, values numbers or null.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from schemalog.dashboards.definitions import Dashboard
from schemalog.dashboards.kpis import Report


def format_value(unit: str, value: float | None) -> str:
    """Write one KPI value for people: a count whole, a ratio as a percentage, times with units."""
    if value is None:
        return "n/a"
    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "count" and float(value).is_integer():
        return f"{int(value)}"
    suffix = {"seconds": " s", "milliseconds": " ms"}.get(unit, "")
    return f"{value:.2f}{suffix}"


def iso(seconds: int) -> str:
    """Return epoch seconds as RFC 3339 UTC (``2026-11-22T19:00:00Z``)."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def span(report: Report) -> tuple[str | None, str | None]:
    """Return the start of the first period and the end of the last one (None: no events)."""
    if not report.timeline:
        return None, None
    return iso(report.timeline[0]), iso(report.timeline[-1] + report.period)


def heading(report: Report) -> str:
    """Return the line above the table: how many events, over which time, which period."""
    since, until = span(report)
    where = f"{since} to {until}" if since else "no events"
    return f"KPIs over {report.events} events, {where} (period {report.period} s)"


def summary(report: Report) -> dict[str, Any]:
    """Return the JSON summary: period, events, since and until."""
    since, until = span(report)
    return {"period": report.period, "events": report.events, "since": since, "until": until}


def shown_on(dashboards: Sequence[Dashboard]) -> dict[str, list[str]]:
    """Map each KPI id to the titles of the dashboards that show it."""
    out: dict[str, list[str]] = {}
    for dashboard in dashboards:
        for kpi in dashboard.kpis:
            out.setdefault(kpi.id, []).append(dashboard.title)
    return out


def json_rows(report: Report, dashboards: Sequence[Dashboard]) -> list[dict[str, Any]]:
    """One row per KPI: id, title, dashboards, unit, value and the series per period."""
    where = shown_on(dashboards)
    return [
        {
            "id": item.kpi.id,
            "title": item.kpi.title,
            "dashboards": where.get(item.kpi.id, []),
            "unit": item.kpi.unit,
            "value": item.value,
            "series": [
                {"start": iso(start), "value": item.series.get(start)} for start in report.timeline
            ],
        }
        for item in report.results
    ]


def csv_rows(report: Report) -> list[dict[str, Any]]:
    """One row per KPI and period, after the KPI's whole-range row (``period_start`` empty)."""
    rows = []
    for item in report.results:
        base = {"kpi": item.kpi.id, "unit": item.kpi.unit}
        rows.append({**base, "period_start": None, "value": item.value})
        rows += [
            {**base, "period_start": iso(start), "value": item.series.get(start)}
            for start in report.timeline
        ]
    return rows


def table_rows(report: Report, dashboards: Sequence[Dashboard]) -> list[dict[str, Any]]:
    """One row per dashboard and KPI with the value written for people."""
    values = {item.kpi.id: item.value for item in report.results}
    return [
        {
            "dashboard": dashboard.title,
            "kpi": kpi.title,
            "value": format_value(kpi.unit, values.get(kpi.id)),
        }
        for dashboard in dashboards
        for kpi in dashboard.kpis
    ]
