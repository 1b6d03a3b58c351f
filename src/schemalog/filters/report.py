"""``schemalog count``'s statistics as rows (the command line's one writer prints them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from schemalog.filters.aggregate import Row


def period_text(start: int | None, *, total: bool = False) -> str:
    """Return the period start as RFC 3339 (``-`` for undated events, ``total`` for totals)."""
    if total:
        return "total"
    if start is None:
        return "-"
    # isoformat, not strftime: %Y drops the leading zeros of years before 1000
    return datetime.fromtimestamp(start, UTC).isoformat().replace("+00:00", "Z")


#: The columns of a row, in order (also the CSV header when there is no row).
ROW_COLUMNS: Final = (
    "filterName",
    "metricNamespace",
    "metricName",
    "unit",
    "timestamp",
    "period",
    "dimensions",
    "Sum",
    "SampleCount",
    "Minimum",
    "Maximum",
    "Average",
)


def row_dict(row: Row, *, total: bool = False) -> dict[str, Any]:
    """Return one series and period as a JSON-ready mapping (CloudWatch's statistic names)."""
    stats = row.stats
    return {
        "filterName": row.filter.name,
        "metricNamespace": row.filter.metric_namespace,
        "metricName": row.filter.metric_name,
        "unit": row.filter.unit,
        "timestamp": None if total or row.start is None else period_text(row.start),
        "period": None if total else row.period,
        "dimensions": dict(row.dimensions),
        "Sum": stats.sum,
        "SampleCount": _whole(stats.count),
        "Minimum": stats.min,
        "Maximum": stats.max,
        "Average": stats.average,
    }


def _whole(count: float) -> float:
    """Return a whole count as an int (DuckDB sums weights as floats; 10.0 reads as 10)."""
    return int(count) if float(count).is_integer() else count
