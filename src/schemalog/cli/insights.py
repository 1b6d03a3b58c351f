"""``schemalog insights QUERY FILE...``: a CloudWatch Logs Insights query, run locally.

The query's commands (fields, filter, stats, sort, limit, parse, display) run over the lines
of the files (``-`` for stdin, gzip), each line an event with ``@timestamp`` from its
``timestamp`` and ``@message`` (a line that is not JSON is an event with ``@message`` only, as
in CloudWatch). Prints the result rows as a table, JSON or CSV (docs/cli.md). A query AWS
would reject exits 2 naming the position. Semantics: docs/insights.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schemalog.cli.inputs import add_input_options, finish, line_reader
from schemalog.cli.main import CliError
from schemalog.cli.output import Report, add_format_option


def register(subparsers: Any) -> None:
    """Add the ``insights`` verb."""
    parser = subparsers.add_parser(
        "insights",
        help="run a CloudWatch Logs Insights query locally",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("query", metavar="QUERY", help="the Logs Insights query")
    add_input_options(parser)
    add_format_option(parser)
    parser.add_argument("--since", metavar="T", help="RFC 3339 time, or a duration before now")
    parser.add_argument("--until", metavar="T", help="RFC 3339 time, or a duration before now")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Parse, run and print the query."""
    from schemalog.cli.kpis import moment_ms
    from schemalog.dashboards.kpis import in_range
    from schemalog.exceptions import QueryError
    from schemalog.insights import event, execute, parse_query

    try:
        query = parse_query(args.query)
    except QueryError as error:
        raise CliError(f"query: {error}") from None
    since, until = moment_ms("--since", args.since), moment_ms("--until", args.until)
    report = Report("insights", args.format).expect_rows()
    reader = line_reader(args, report)
    events = [event(line.data) for line in reader]
    if since is not None or until is not None:
        events = in_range(events, since, until)
    result = execute(query, events)
    for row in result.rows:
        report.row(row)
    report.summary.update(events=len(events), rows=len(result.rows))
    code = finish(report, reader)
    print(f"schemalog insights: {reader.note()}, {len(result.rows)} rows", file=sys.stderr)
    return code
