"""``schemalog dashboard FILE... -o PAGE.html``: the four dashboards as one offline page.

The KPIs of ``report kpis`` (the same numbers, written the same way), each with a chart of
its value per period (each dashboard's own: Operations per hour, Business Metrics per day,
...; ``--period`` sets one for all), in one HTML file with plotly.js inline: it opens
without a network. Needs ``pip install 'schemalog[dashboard]'`` (plotly).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from schemalog.cli.inputs import add_input_options, finish
from schemalog.cli.main import CliError
from schemalog.cli.output import Report


def register(subparsers: Any) -> None:
    """Add the ``dashboard`` verb."""
    from schemalog.cli.kpis import add_range_options

    parser = subparsers.add_parser(
        "dashboard",
        help="write the dashboards as one self-contained HTML page",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    add_input_options(parser)
    parser.add_argument("-o", "--output", required=True, metavar="PAGE", help="the HTML file")
    add_range_options(parser, None)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute the KPIs and write the page."""
    from schemalog.cli.kpis import period_seconds, read_inputs
    from schemalog.dashboards.kpis import by_dashboard
    from schemalog.dashboards.page import render
    from schemalog.exceptions import DashboardError

    period = None if args.period is None else period_seconds(args.period)
    report = Report("dashboard", "table")  # findings only: lines over --max-line-bytes
    dashboards, filters, events, reader = read_inputs(args, report)
    reports = by_dashboard(dashboards, events, filters, period)
    try:
        page = render(reports, dashboards, len(events))
    except DashboardError as error:
        raise CliError(str(error)) from None
    Path(args.output).write_text(page, encoding="utf-8")
    charts = sum(len(d.kpis) for d in dashboards)
    print(f"wrote {args.output}: {len(dashboards)} dashboards, {charts} charts")
    return finish(report, reader)
