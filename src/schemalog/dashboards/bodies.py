"""CloudWatch dashboard bodies (``PutDashboard``'s ``DashboardBody``) and their lint.

Each dashboard starts with a text widget (its description and the decisions its KPIs take),
then one widget per KPI, two per row: a metric widget for metric math (the metrics hidden, the
expression drawn) or a Logs Insights widget (``"type": "log"``) showing the query's ``value``
over the dashboard's time range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from schemalog.dashboards.definitions import Dashboard, Kpi
from schemalog.filters.filters import MetricFilter
from schemalog.findings import Finding

WIDTH: Final = 12
HEIGHT: Final = 6
#: CloudWatch's limit on widgets per dashboard.
MAX_WIDGETS: Final = 500


def metric_index(filters: Sequence[MetricFilter]) -> dict[str, MetricFilter]:
    """Map each metric name the filters publish to its filter."""
    return {f.metric_name: f for f in filters}


def body(
    dashboard: Dashboard,
    *,
    region: str,
    log_groups: Sequence[str],
    namespaces: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the dashboard body; ``namespaces`` maps metric names to their namespace."""
    intro = _intro(dashboard)
    widgets: list[dict[str, Any]] = [
        {"type": "text", "x": 0, "y": 0, "width": 24, "height": 4, "properties": intro}
    ]
    for index, kpi in enumerate(dashboard.kpis):
        place = {
            "x": (index % 2) * WIDTH,
            "y": 4 + (index // 2) * HEIGHT,
            "width": WIDTH,
            "height": HEIGHT,
        }
        if kpi.query is not None:
            widgets.append({"type": "log", **place, "properties": _log(kpi, region, log_groups)})
        else:
            properties = _metric(kpi, region, dashboard.period, namespaces or {})
            widgets.append({"type": "metric", **place, "properties": properties})
    return {
        "start": f"-P{_days(dashboard.period)}D",
        "periodOverride": "inherit",
        "widgets": widgets,
    }


def _days(period: int) -> int:
    """How many days a dashboard shows by default: a week of days, or a day of shorter periods."""
    return 7 if period >= 86400 else 1


def _intro(dashboard: Dashboard) -> dict[str, str]:
    lines = [f"# {dashboard.title}", dashboard.description]
    decided = [kpi for kpi in dashboard.kpis if kpi.decision]
    if decided:
        lines.append("")
        lines += [f"* **{kpi.title}**: {kpi.decision}" for kpi in decided]
    return {"markdown": "\n".join(lines)}


def _metric(kpi: Kpi, region: str, period: int, namespaces: Mapping[str, str]) -> dict[str, Any]:
    assert kpi.expression is not None
    metrics: list[list[Any]] = [
        [namespaces.get(name, "schemalog"), name, {"id": mid, "visible": False}]
        for mid, name in kpi.metrics.items()
    ]
    metrics.append([{"expression": kpi.expression, "label": kpi.title, "id": "e1"}])
    properties: dict[str, Any] = {
        "title": kpi.title,
        "view": "timeSeries",
        "stacked": False,
        "region": region,
        "stat": "Sum",
        "period": period,
        "metrics": metrics,
    }
    if kpi.unit == "ratio":
        properties["yAxis"] = {"left": {"min": 0, "max": 1}}
    return properties


def _log(kpi: Kpi, region: str, log_groups: Sequence[str]) -> dict[str, Any]:
    sources = " | ".join(f"SOURCE '{group}'" for group in log_groups)
    return {
        "title": kpi.title,
        "region": region,
        "view": "table",
        "query": f"{sources} | {kpi.query}",
    }


def lint(dashboards: Sequence[Dashboard], filters: Sequence[MetricFilter]) -> list[Finding]:
    """Return the problems CloudWatch would show as empty widgets or reject (empty when none).

    Every metric a widget reads must be published by a filter of ``cloudwatch-filters/``
    without dimensions (a widget that names no dimensions sees nothing of a metric published
    with them); queries and expressions were checked when the definitions were loaded.
    """
    published = metric_index(filters)
    problems = []
    for dashboard in dashboards:
        where = f"{dashboard.path or dashboard.name}"
        if len(dashboard.kpis) + 1 > MAX_WIDGETS:
            message = f"more than {MAX_WIDGETS} widgets"
            problems.append(Finding(where, message=message, rule="too-many-widgets"))
        for kpi in dashboard.kpis:
            for mid, name in kpi.metrics.items():
                found = published.get(name)
                field = f"{kpi.id}.metrics.{mid}"
                if found is None:
                    message = f"no filter in cloudwatch-filters/ publishes metric {name!r}"
                    problems.append(Finding(where, field=field, message=message, rule="no-metric"))
                elif found.dimensions:
                    message = (
                        f"{name!r} is published with dimensions"
                        f" ({', '.join(found.dimensions)}); the widget names none"
                    )
                    problems.append(
                        Finding(where, field=field, message=message, rule="dimensioned-metric")
                    )
    return problems
