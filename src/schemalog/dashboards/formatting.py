"""How KPI values are written, in one place: ``report kpis`` and the dashboard page share it.

``table``, ``json`` and ``csv`` renderings of a :class:`~schemalog.dashboards.kpis.Report`.
JSON shape (stable): ``{"period": S, "events": N, "since": T, "until": T, "kpis": [{"id",
"title", "dashboards", "unit", "value", "series": [{"start": T, "value": V}]}]}``, times as
RFC 3339 UTC, values as numbers or null.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

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


def shown_on(dashboards: Sequence[Dashboard]) -> dict[str, list[str]]:
    """Map each KPI id to the titles of the dashboards that show it."""
    out: dict[str, list[str]] = {}
    for dashboard in dashboards:
        for kpi in dashboard.kpis:
            out.setdefault(kpi.id, []).append(dashboard.title)
    return out


def render_json(report: Report, dashboards: Sequence[Dashboard]) -> str:
    """Return the report as JSON (the stable shape in this module's docstring)."""
    where = shown_on(dashboards)
    body: dict[str, Any] = {
        "period": report.period,
        "events": report.events,
        "since": iso(report.timeline[0]) if report.timeline else None,
        "until": iso(report.timeline[-1] + report.period) if report.timeline else None,
        "kpis": [
            {
                "id": item.kpi.id,
                "title": item.kpi.title,
                "dashboards": where.get(item.kpi.id, []),
                "unit": item.kpi.unit,
                "value": item.value,
                "series": [
                    {"start": iso(start), "value": item.series.get(start)}
                    for start in report.timeline
                ],
            }
            for item in report.results
        ],
    }
    return orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_csv(report: Report) -> str:
    """Return one CSV row per KPI and period, plus a ``total`` row per KPI."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kpi", "unit", "period_start", "value"])
    for item in report.results:
        writer.writerow([item.kpi.id, item.kpi.unit, "total", _csv(item.value)])
        for start in report.timeline:
            writer.writerow([item.kpi.id, item.kpi.unit, iso(start), _csv(item.series.get(start))])
    return out.getvalue()


def render_table(report: Report, dashboards: Sequence[Dashboard]) -> str:
    """Return the KPIs per dashboard with their value over the whole range."""
    span = (
        f"{iso(report.timeline[0])} to {iso(report.timeline[-1] + report.period)}"
        if report.timeline
        else "no events"
    )
    lines = [f"KPIs over {report.events} events, {span} (period {report.period} s)", ""]
    values = {item.kpi.id: item.value for item in report.results}
    for dashboard in dashboards:
        lines.append(dashboard.title)
        width = max(len(kpi.title) for kpi in dashboard.kpis)
        for kpi in dashboard.kpis:
            lines.append(f"  {kpi.title:<{width}}  {format_value(kpi.unit, values.get(kpi.id))}")
        lines.append("")
    return "\n".join(lines)


def _csv(value: float | None) -> str:
    return "" if value is None else repr(value)
