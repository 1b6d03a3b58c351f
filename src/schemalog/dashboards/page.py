"""The dashboards as one self-contained HTML page: plotly.js inline, no network when viewed.

Each dashboard is a section; each KPI a card with its value over the whole range (written as
``report kpis`` writes it) and a chart of its value per period. plotly.js is read from the
``plotly`` package's own copy (``pip install 'schemalog[dashboard]'``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, Final

import orjson

from schemalog.dashboards.definitions import Dashboard
from schemalog.dashboards.formatting import format_value, iso
from schemalog.dashboards.kpis import Report
from schemalog.exceptions import DashboardError

_CLOSING: Final = re.compile(r"</(script)", re.IGNORECASE)
_STYLE: Final = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; background: #f6f7f9; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 1rem; }
.widget { background: #fff; border: 1px solid #d8dce1; border-radius: 6px; margin: 0;
  padding: 0.6rem; }
.widget figcaption { display: flex; justify-content: space-between; font-weight: 600; }
.kpi-value { font-variant-numeric: tabular-nums; color: #0b5cad; }
.chart { height: 240px; }
.note { color: #5b6570; font-size: 0.85rem; }
"""
_SCRIPT: Final = """
for (const [id, chart] of Object.entries(CHARTS)) {
  Plotly.newPlot(id, chart.data, chart.layout, {displayModeBar: false, responsive: true});
}
"""


def plotly_js() -> str:
    """Return plotly.js as the ``plotly`` package ships it; DashboardError when not installed."""
    try:
        source = resources.files("plotly") / "package_data" / "plotly.min.js"
        return source.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise DashboardError(
            ["plotly is not installed: pip install 'schemalog[dashboard]'"]
        ) from None


def render(reports: Mapping[str, Report], dashboards: Sequence[Dashboard], events: int) -> str:
    """Return the page: every dashboard (its report by name), a chart per KPI, the KPI values."""
    charts: dict[str, Any] = {}
    sections = []
    for number, dashboard in enumerate(dashboards):
        report = reports[dashboard.name]
        results = {item.kpi.id: item for item in report.results}
        stamps = [iso(start) for start in report.timeline]
        cards = []
        for index, kpi in enumerate(dashboard.kpis):
            chart_id = f"chart-{number}-{index}"
            result = results[kpi.id]
            values = [result.series.get(start) for start in report.timeline]
            charts[chart_id] = _chart(kpi.unit, kpi.title, stamps, values)
            cards.append(
                f'<figure class="widget" data-kpi="{html.escape(kpi.id)}"><figcaption>'
                f"<span>{html.escape(kpi.title)}</span>"
                f'<span class="kpi-value">{html.escape(format_value(kpi.unit, result.value))}'
                f'</span></figcaption><div class="chart" id="{chart_id}"></div>'
                + (f'<p class="note">{html.escape(kpi.decision)}</p>' if kpi.decision else "")
                + "</figure>"
            )
        sections.append(
            f'<section class="dashboard"><h2>{html.escape(dashboard.title)}</h2>'
            f'<p class="note">{html.escape(dashboard.description)}'
            f" Period {report.period} s.</p>"
            f'<div class="grid">{"".join(cards)}</div></section>'
        )
    data = _script_safe(orjson.dumps(charts).decode())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>schemalog dashboards</title>"
        f"<style>{_STYLE}</style><script>{_script_safe(plotly_js())}</script></head><body>"
        f'<h1>schemalog dashboards</h1><p class="note">{events} events.</p>{"".join(sections)}'
        f"<script>const CHARTS = {data};{_SCRIPT}</script></body></html>\n"
    )


def _chart(unit: str, title: str, stamps: list[str], values: list[float | None]) -> dict[str, Any]:
    trace: dict[str, Any] = {"x": stamps, "y": values, "name": title}
    if unit == "count":
        trace["type"] = "bar"
    else:
        trace.update(type="scatter", mode="lines+markers", connectgaps=False)
    axis: dict[str, Any] = {"rangemode": "tozero"}
    if unit == "ratio":
        axis["tickformat"] = ".0%"
    return {
        "data": [trace],
        "layout": {
            "margin": {"l": 48, "r": 12, "t": 8, "b": 36},
            "xaxis": {"type": "date"},
            "yaxis": axis,
            "showlegend": False,
            "height": 240,
        },
    }


def _script_safe(text: str) -> str:
    """Keep a script's text from closing its ``<script>`` element early (as plotly does)."""
    return _CLOSING.sub(r"<\\/\1", text)
