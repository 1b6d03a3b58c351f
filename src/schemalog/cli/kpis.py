"""``schemalog report kpis FILE...``: seed 004's key metrics over JSON-lines logs.

Every KPI of the dashboard definitions (``dashboards/``), over the whole time range and per
``--period`` (default 1h), as a table, JSON or CSV (docs/cli.md). ``--since``/``--until`` take
an RFC 3339 time or a duration before now (``2h``, ``30m``). Lines that are not JSON are
skipped and counted. Definitions and formulas: docs/dashboards.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from typing import Any

from schemalog.cli.inputs import add_input_options, finish, line_reader
from schemalog.cli.main import CliError
from schemalog.cli.output import Report, add_format_option


def add_range_options(parser: argparse.ArgumentParser, default_period: str | None) -> None:
    """Add ``--period``, ``--since``, ``--until``, ``--dashboards`` and ``--filters``."""
    shown = default_period or "each dashboard's own"
    parser.add_argument(
        "--period",
        default=default_period,
        metavar="P",
        help=f"period of each value: 300, 5m, 1h, 1d ... (default {shown})",
    )
    parser.add_argument("--since", metavar="T", help="RFC 3339 time, or a duration before now")
    parser.add_argument("--until", metavar="T", help="RFC 3339 time, or a duration before now")
    parser.add_argument("--dashboards", metavar="DIR", help="dashboard definitions directory")
    parser.add_argument("--filters", metavar="DIR", help="metric filter directory or file")


def register_kpis(sub: Any) -> None:
    """Add ``report kpis`` to the ``report`` verb's sub-commands."""
    parser = sub.add_parser(
        "kpis",
        help="seed 004's key metrics",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    add_input_options(parser)
    add_format_option(parser)
    add_range_options(parser, "1h")
    parser.set_defaults(func=run_kpis)


def period_seconds(text: str) -> int:
    """Parse ``--period``: seconds, or a duration such as ``5m``, ``1h`` or ``1d``."""
    from schemalog._core.options import parse_duration

    try:
        seconds = int(text[:-1]) * 86400 if text.endswith("d") else parse_duration(text)
    except ValueError as error:
        raise CliError(f"--period: {error}") from None
    if seconds < 60 or seconds % 60:
        raise CliError(f"--period must be a whole number of minutes, not {text!r}")
    return int(seconds)


def moment_ms(option: str, text: str | None) -> int | None:
    """Parse ``--since``/``--until`` into epoch milliseconds (None when not given)."""
    if text is None:
        return None
    from schemalog._core.options import parse_duration

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            return int((time.time() - parse_duration(text)) * 1000)
        except ValueError:
            raise CliError(f"{option}: not an RFC 3339 time or a duration: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def read_inputs(args: argparse.Namespace, report: Report) -> tuple[Any, Any, Any, Any]:
    """Read the definitions, the filters and the events, as ``report kpis`` and ``dashboard`` do.

    Returns the dashboards, the filters, the events in range and the line reader (its counts).
    """
    from schemalog.dashboards.kpis import load_inputs
    from schemalog.exceptions import DashboardError, FilterDirError
    from schemalog.insights.engine import event

    since, until = moment_ms("--since", args.since), moment_ms("--until", args.until)
    reader = line_reader(args, report)
    events = (event(line.data, record) for line, record in reader.records())
    try:
        dashboards, filters, chosen = load_inputs(
            events,
            since=since,
            until=until,
            dashboards_dir=args.dashboards,
            filters_dir=args.filters,
        )
    except (DashboardError, FilterDirError) as error:
        raise CliError(str(error)) from None
    return dashboards, filters, chosen, reader


def run_kpis(args: argparse.Namespace) -> int:
    """Compute and print every KPI; exit 2 for unreadable input or definitions."""
    from schemalog.dashboards import formatting
    from schemalog.dashboards.definitions import all_kpis
    from schemalog.dashboards.kpis import compute

    period = period_seconds(args.period)
    report = Report("report kpis", args.format).expect_rows()
    dashboards, filters, events, reader = read_inputs(args, report)
    kpis = compute(all_kpis(dashboards), events, period, filters)
    report.summary.update(formatting.summary(kpis))
    if args.format == "json":
        rows = formatting.json_rows(kpis, dashboards)
    elif args.format == "csv":
        rows = formatting.csv_rows(kpis)
    else:
        report.out.write(formatting.heading(kpis) + "\n\n")
        rows = formatting.table_rows(kpis, dashboards)
    for row in rows:
        report.row(row)
    code = finish(report, reader)
    print(f"schemalog report kpis: {reader.note()}", file=sys.stderr)
    return code
