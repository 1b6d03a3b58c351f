"""``schemalog report kpis FILE...``: seed 004's key metrics over JSON-lines logs.

Every KPI of the dashboard definitions (``dashboards/``), over the whole time range and per
``--period`` (default 1h), as a table, JSON or CSV. ``--since``/``--until`` take an RFC 3339
time or a duration before now (``2h``, ``30m``). Definitions and formulas: docs/dashboards.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from typing import Any

from schemalog.cli.main import EXIT_OK, CliError


def add_range_options(parser: argparse.ArgumentParser, default_period: str) -> None:
    """Add ``--period``, ``--since``, ``--until``, ``--dashboards`` and ``--filters``."""
    parser.add_argument(
        "--period",
        default=default_period,
        metavar="P",
        help=f"period of each value: 300, 5m, 1h, 1d ... (default {default_period})",
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
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSONL file, .gz, or - for stdin")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
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


def build_report(args: argparse.Namespace) -> tuple[Any, Any]:
    """Compute the KPIs the way ``report kpis`` and ``dashboard`` both do."""
    from schemalog.dashboards.kpis import report_for
    from schemalog.exceptions import DashboardError, FilterDirError

    if args.files.count("-") > 1:
        raise CliError("stdin (-) can be read only once")
    try:
        return report_for(
            args.files,
            period=period_seconds(args.period),
            since=moment_ms("--since", args.since),
            until=moment_ms("--until", args.until),
            dashboards_dir=args.dashboards,
            filters_dir=args.filters,
        )
    except (DashboardError, FilterDirError) as error:
        raise CliError(str(error)) from None


def run_kpis(args: argparse.Namespace) -> int:
    """Compute and print every KPI; exit 2 for unreadable input or definitions."""
    from schemalog.dashboards import formatting

    dashboards, report = build_report(args)
    if args.format == "json":
        text = formatting.render_json(report, dashboards)
    elif args.format == "csv":
        text = formatting.render_csv(report)
    else:
        text = formatting.render_table(report, dashboards)
    sys.stdout.write(text)
    return EXIT_OK
