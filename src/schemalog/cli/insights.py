"""``schemalog insights QUERY FILE...``: a CloudWatch Logs Insights query, run locally.

The query's commands (fields, filter, stats, sort, limit, parse, display) run over the JSON
lines of the files (``-`` for stdin, gzip), each line an event with ``@timestamp`` from its
``timestamp`` and ``@message``. Prints the result rows as a table, JSON (a list of objects) or
CSV. A query AWS would reject exits 2 naming the position. Semantics: docs/insights.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from schemalog.cli.main import EXIT_OK, CliError


def register(subparsers: Any) -> None:
    """Add the ``insights`` verb."""
    parser = subparsers.add_parser(
        "insights",
        help="run a CloudWatch Logs Insights query locally",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("query", metavar="QUERY", help="the Logs Insights query")
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSONL file, .gz, or - for stdin")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--since", metavar="T", help="RFC 3339 time, or a duration before now")
    parser.add_argument("--until", metavar="T", help="RFC 3339 time, or a duration before now")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Parse, run and print the query."""
    from schemalog.cli.kpis import moment_ms
    from schemalog.dashboards.kpis import in_range
    from schemalog.exceptions import QueryError
    from schemalog.insights import execute, parse_query, read_events

    try:
        query = parse_query(args.query)
    except QueryError as error:
        raise CliError(f"query: {error}") from None
    if args.files.count("-") > 1:
        raise CliError("stdin (-) can be read only once")
    events = read_events(args.files)
    since, until = moment_ms("--since", args.since), moment_ms("--until", args.until)
    chosen = list(events) if since is None and until is None else in_range(events, since, until)
    result = execute(query, chosen)
    sys.stdout.write(
        render(result.columns, [list(row.values()) for row in result.rows], args.format)
    )
    return EXIT_OK


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]], form: str) -> str:
    """Write result rows as ``table``, ``json`` (objects) or ``csv``; absent values are empty."""
    if form == "json":
        objects = [dict(zip(columns, row, strict=True)) for row in rows]
        return orjson.dumps(objects, option=orjson.OPT_INDENT_2).decode() + "\n"
    cells = [[_cell(value) for value in row] for row in rows]
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return out.getvalue()
    widths = [max(len(line[i]) for line in [list(columns), *cells]) for i in range(len(columns))]
    lines = [
        "  ".join(f"{c:<{w}}" for c, w in zip(line, widths, strict=True)).rstrip()
        for line in [list(columns), *cells]
    ]
    return "\n".join(lines) + f"\n({len(rows)} rows)\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else orjson.dumps(value).decode()
