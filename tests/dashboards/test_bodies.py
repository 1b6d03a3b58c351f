"""Dashboard bodies: the widgets CloudWatch expects, and lint against the filter catalog."""

from __future__ import annotations

from typing import Any

import pytest

from schemalog.dashboards.bodies import body, lint, metric_index
from schemalog.dashboards.definitions import Dashboard, Kpi, load_dashboards
from schemalog.filters.filterdir import load_filters
from schemalog.filters.filters import MetricFilter
from schemalog.insights import parse_query
from tests.paths import ROOT

FILTERS = load_filters(ROOT / "cloudwatch-filters")
DASHBOARDS = load_dashboards(ROOT / "dashboards")


def widgets_of(dashboard: Dashboard) -> list[dict[str, Any]]:
    made = body(dashboard, region="eu-west-1", log_groups=["/app/events"])
    widgets: list[dict[str, Any]] = made["widgets"]
    return widgets


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=lambda d: d.name)
def test_one_widget_per_kpi_on_a_two_column_grid(dashboard: Dashboard) -> None:
    """A text widget, then a metric or log widget per KPI, 12 wide, never overlapping."""
    widgets = widgets_of(dashboard)
    assert widgets[0]["type"] == "text"
    assert widgets[0]["properties"]["markdown"].startswith(f"# {dashboard.title}")
    kinds = ["log" if kpi.query else "metric" for kpi in dashboard.kpis]
    assert [w["type"] for w in widgets[1:]] == kinds
    places = {(w["x"], w["y"]) for w in widgets[1:]}
    assert len(places) == len(dashboard.kpis)
    assert all(w["x"] + w["width"] <= 24 for w in widgets)


def test_metric_widget_hides_metrics_and_draws_the_expression() -> None:
    """The metrics are ids for the math; the expression is the drawn line, summed per period."""
    operations = DASHBOARDS[0]
    kpi = next(k for k in operations.kpis if k.id == "active_sessions")
    widget = widgets_of(operations)[1 + operations.kpis.index(kpi)]
    properties = widget["properties"]
    assert properties["metrics"] == [
        ["schemalog", "SessionsCreated", {"id": "created", "visible": False}],
        ["schemalog", "SessionsClosed", {"id": "closed", "visible": False}],
        [{"expression": "FILL(created, 0) - FILL(closed, 0)", "label": kpi.title, "id": "e1"}],
    ]
    assert (properties["stat"], properties["period"], properties["region"]) == (
        "Sum",
        3600,
        "eu-west-1",
    )


def test_log_widget_queries_the_log_groups_and_parses() -> None:
    """A log widget's query is SOURCE per log group, then the KPI's query, and it parses."""
    dashboard = DASHBOARDS[1]
    for kpi, widget in zip(dashboard.kpis, widgets_of(dashboard)[1:], strict=True):
        if kpi.query is None:
            continue
        query = widget["properties"]["query"]
        assert query.startswith("SOURCE '/app/events' | ")
        parse_query(query.removeprefix("SOURCE '/app/events' | "))
        assert widget["properties"]["view"] == "table"


def test_bundled_definitions_lint_clean() -> None:
    """Every metric the bundled dashboards read is published by a filter, without dimensions."""
    assert lint(DASHBOARDS, FILTERS) == []


def test_lint_names_missing_and_dimensioned_metrics() -> None:
    """A metric no filter publishes, or one published with dimensions, is a problem."""
    kpi = Kpi("k", "K", "count", {"a": "Nowhere", "b": "ApiRequests"}, "a + b")
    problems = lint([Dashboard("d", "D", 60, (kpi,))], FILTERS)
    assert [str(problem) for problem in problems] == [
        "d: no-metric: k.metrics.a: no filter in cloudwatch-filters/ publishes metric 'Nowhere'",
        "d: dimensioned-metric: k.metrics.b: 'ApiRequests' is published with dimensions"
        " (endpoint, method); the widget names none",
    ]


def test_metric_index_maps_names_to_filters() -> None:
    """``metric_index`` finds the filter publishing each metric name."""
    index = metric_index(FILTERS)
    assert isinstance(index["Prompts"], MetricFilter)
    assert index["Prompts"].name == "prompts"
