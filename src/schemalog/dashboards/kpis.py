"""Computing the KPIs over events: per period and over the whole time range.

Metric KPIs run the metric filters over the events, aggregate the datapoints per period as
CloudWatch does (``filters.aggregate``), and evaluate their metric math on the ``Sum`` of
each metric; over the whole range the same math runs on one period holding everything.
Query KPIs run their Logs Insights query on the events of each period, and on all of them.
Events without a readable ``timestamp`` cannot be placed in time and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from schemalog.dashboards import metricmath
from schemalog.dashboards.definitions import Dashboard, Kpi, all_kpis, load_dashboards
from schemalog.filters.filters import MetricFilter
from schemalog.filters.scan import Scanner
from schemalog.insights.engine import Row, execute, run_commands, split_per_event


@dataclass(frozen=True)
class KpiResult:
    """A KPI's value over the whole range and per period (epoch seconds -> value)."""

    kpi: Kpi
    value: float | None
    series: dict[int, float]


@dataclass(frozen=True)
class Report:
    """Every KPI over the same events, with the periods they were cut into."""

    period: int
    timeline: tuple[int, ...]
    events: int
    results: tuple[KpiResult, ...]

    def result(self, kpi_id: str) -> KpiResult:
        """Return the result of one KPI by id."""
        return next(item for item in self.results if item.kpi.id == kpi_id)


def in_range(events: Iterable[Row], since: int | None, until: int | None) -> list[Row]:
    """Events with a ``@timestamp`` (ms) in ``[since, until)``; either bound may be None."""
    return [
        event
        for event in events
        if (stamp := event.get("@timestamp")) is not None
        and (since is None or stamp >= since)
        and (until is None or stamp < until)
    ]


def timeline(events: Sequence[Row], period: int) -> tuple[int, ...]:
    """Return the period starts (epoch seconds) from the first event's to the last one's."""
    stamps = [event["@timestamp"] // 1000 for event in events]
    if not stamps:
        return ()
    first, last = min(stamps), max(stamps)
    return tuple(range(first - first % period, last - last % period + 1, period))


def compute(
    kpis: Sequence[Kpi], events: Sequence[Row], period: int, filters: Sequence[MetricFilter]
) -> Report:
    """Compute every KPI over ``events`` (made by ``insights.event`` and placed in time)."""
    periods = timeline(events, period)
    per_period, total = _metric_series(events, period, filters)
    results = []
    for kpi in kpis:
        if kpi.query is not None:
            results.append(_query_result(kpi, events, periods, period))
        else:
            results.append(_math_result(kpi, per_period, total, periods))
    return Report(period, periods, len(events), tuple(results))


def _metric_series(
    events: Sequence[Row], period: int, filters: Sequence[MetricFilter]
) -> tuple[dict[str, metricmath.Series], dict[str, metricmath.Series]]:
    """Return each dimensionless metric's Sum per period, and over everything (at stamp 0)."""
    scanner = Scanner(list(filters), period)  # schemalog count's engine, fast paths included
    scanner.feed_lines(event["@message"].encode() for event in events)
    aggregator = scanner.aggregator
    per_period: dict[str, metricmath.Series] = {}
    total: dict[str, metricmath.Series] = {}
    for whole, out in ((False, per_period), (True, total)):
        for row in aggregator.rows(total=whole):
            if row.dimensions:
                continue  # a metric published with dimensions is another series in CloudWatch
            series = out.setdefault(row.filter.metric_name, {})
            start = 0 if row.start is None else row.start
            series[start] = series.get(start, 0.0) + row.stats.sum
    return per_period, total


def _math_result(
    kpi: Kpi,
    per_period: dict[str, metricmath.Series],
    total: dict[str, metricmath.Series],
    periods: Sequence[int],
) -> KpiResult:
    node = kpi.parsed_expression

    def run(data: dict[str, metricmath.Series], stamps: Sequence[int]) -> metricmath.Series:
        metrics = {name: data.get(metric, {}) for name, metric in kpi.metrics.items()}
        value = metricmath.evaluate(node, metrics, stamps)
        if isinstance(value, list):
            value = value[0] if value else {}
        if isinstance(value, dict):
            return value
        return {} if value is None else dict.fromkeys(stamps, float(value))

    whole = run(total, [0] if periods else [])
    return KpiResult(kpi, whole.get(0), run(per_period, periods))


def _query_result(
    kpi: Kpi, events: Sequence[Row], periods: Sequence[int], period: int
) -> KpiResult:
    per_event, rest = split_per_event(kpi.parsed_query)
    selected, _ = run_commands(per_event.commands, events)
    buckets: dict[int, list[Row]] = {start: [] for start in periods}
    for row in selected:
        second = row["@timestamp"] // 1000
        buckets[second - second % period].append(row)
    series = {}
    for start, bucket in buckets.items():
        value = _value(execute(rest, bucket).column("value"))
        if value is not None:
            series[start] = value
    return KpiResult(kpi, _value(execute(rest, selected).column("value")), series)


def _value(values: list[Any]) -> float | None:
    """Return the query's single value (None when it gave no row or no number)."""
    if len(values) != 1 or values[0] is None or isinstance(values[0], bool | str):
        return None
    return float(values[0])


def load_inputs(
    events: Iterable[Row],
    *,
    since: int | None = None,
    until: int | None = None,
    dashboards_dir: str | None = None,
    filters_dir: str | None = None,
) -> tuple[list[Dashboard], list[MetricFilter], list[Row]]:
    """Load the definitions and the filters, and keep the events in ``[since, until)`` (ms).

    Raises DashboardError or FilterDirError naming what cannot be loaded.
    """
    from schemalog.filters.filterdir import default_filters_dir, load_filters

    dashboards = load_dashboards(dashboards_dir)
    filters = load_filters(filters_dir or default_filters_dir())
    return dashboards, filters, in_range(events, since, until)


def by_dashboard(
    dashboards: Sequence[Dashboard],
    events: Sequence[Row],
    filters: Sequence[MetricFilter],
    period: int | None = None,
) -> dict[str, Report]:
    """Each dashboard's KPIs per its own period (or per ``period`` for all of them).

    The values over the whole range do not depend on the period, so they equal
    ``report kpis``'s whatever period each dashboard is drawn with.
    """
    groups: dict[int, list[Dashboard]] = {}
    for dashboard in dashboards:
        groups.setdefault(period or dashboard.period, []).append(dashboard)
    out = {}
    for length, group in groups.items():
        report = compute(all_kpis(group), events, length, filters)
        out.update(dict.fromkeys((dashboard.name for dashboard in group), report))
    return out
