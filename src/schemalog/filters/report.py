"""Rendering ``schemalog count``'s statistics as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson

from schemalog.filters.aggregate import Row
from schemalog.filters.filters import MetricFilter

COLUMNS = ("filter", "metric", "period", "dimensions", "sum", "samples", "min", "max", "average")


def period_text(start: int | None, *, total: bool = False) -> str:
    """Return the period start as RFC 3339 (``-`` for undated events, ``total`` for totals)."""
    if total:
        return "total"
    if start is None:
        return "-"
    # isoformat, not strftime: %Y drops the leading zeros of years before 1000
    return datetime.fromtimestamp(start, UTC).isoformat().replace("+00:00", "Z")


def number_text(value: float) -> str:
    """Return a number compactly: integers without a fraction, others to 3 decimals."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) < 0.001:
        return f"{value:.3g}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def dimensions_text(dimensions: Iterable[tuple[str, str]]) -> str:
    """Return ``name=value,name=value`` (``-`` when there are none)."""
    text = ",".join(f"{name}={value}" for name, value in dimensions)
    return text or "-"


def _cells(row: Row, total: bool) -> list[str]:
    stats = row.stats
    return [
        row.filter.name,
        row.filter.metric_name,
        period_text(row.start, total=total),
        dimensions_text(row.dimensions),
        number_text(stats.sum),
        str(stats.count),
        number_text(stats.min),
        number_text(stats.max),
        number_text(stats.average),
    ]


def render_table(rows: list[Row], silent: list[MetricFilter], *, total: bool = False) -> str:
    """Return an aligned text table, one line per series and period, then silent filters."""
    table = [list(COLUMNS)] + [_cells(row, total) for row in rows]
    table += [[f.name, f.metric_name, "-", "-", "-", "0", "-", "-", "-"] for f in silent]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    numeric = range(4, len(COLUMNS))
    out = []
    for line in table:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


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
        "SampleCount": stats.count,
        "Minimum": stats.min,
        "Maximum": stats.max,
        "Average": stats.average,
    }


def render_json(rows: list[Row], *, total: bool = False) -> str:
    """Return a JSON array of :func:`row_dict` objects."""
    data = [row_dict(row, total=total) for row in rows]
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_csv(rows: list[Row], *, total: bool = False) -> str:
    """Return CSV with a header line; dimensions as ``name=value`` pairs joined by ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["filter", "namespace", "metric", "unit", "period_start", "period",
                     "dimensions", "sum", "samples", "min", "max", "average"])  # fmt: skip
    for row in rows:
        stats = row.stats
        writer.writerow(
            [
                row.filter.name,
                row.filter.metric_namespace,
                row.filter.metric_name,
                row.filter.unit or "",
                "" if total or row.start is None else period_text(row.start),
                "" if total else row.period,
                ";".join(f"{name}={value}" for name, value in row.dimensions),
                repr(stats.sum),
                stats.count,
                repr(stats.min),
                repr(stats.max),
                repr(stats.average),
            ]
        )
    return buffer.getvalue()
