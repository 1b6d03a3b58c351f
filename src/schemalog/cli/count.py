"""``schemalog count [--filters DIR] [--period S] [--format table|json|csv] FILE...``.

Streams JSON lines (files, ``-`` for stdin, gzip) through every metric filter of a directory in
one pass and prints per-filter, per-period statistics: Sum, SampleCount, Minimum, Maximum and
Average, per dimension set, as CloudWatch would publish them (one row each; the filters that
counted nothing are listed on stderr and in the JSON summary). A sampled line (with
``sample_rate``) counts ``1 / sample_rate`` times unless ``--no-scale`` is given. Memory stays
flat whatever the input size.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

from schemalog.cli.inputs import add_input_options
from schemalog.cli.main import EXIT_OK, CliError
from schemalog.cli.output import Report, add_format_option

if TYPE_CHECKING:
    from schemalog.filters.aggregate import Aggregator
    from schemalog.filters.blocks import LineCounts
    from schemalog.filters.filters import MetricFilter

T = TypeVar("T")

#: The longest --period: 366 days (--total gives one row over the whole input).
MAX_PERIOD: Final = 366 * 86400


def register(subparsers: Any) -> None:
    """Add the ``count`` verb."""
    parser = subparsers.add_parser(
        "count",
        help="count events with CloudWatch metric filters, locally",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    add_input_options(parser)
    parser.add_argument(
        "--filters",
        metavar="DIR",
        help="filter directory or one filter file (default: $SCHEMALOG_FILTERS,"
        " ./cloudwatch-filters, or the bundled catalog)",
    )
    parser.add_argument(
        "--period",
        type=int,
        default=60,
        metavar="S",
        help=f"period in seconds, 1 to {MAX_PERIOD} (default 60)",
    )
    add_format_option(parser)
    parser.add_argument(
        "--total", action="store_true", help="one row per series over the whole input"
    )
    parser.add_argument(
        "--exact",
        action="store_true",
        help="parse every line (slower; by default envelope lines are counted from their bytes)",
    )
    parser.add_argument(
        "--no-scale",
        dest="scale",
        action="store_false",
        help="count each sampled line once, as a metric filter in AWS does (by default a line"
        " with sample_rate counts 1/sample_rate times)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "duckdb"),
        default="local",
        help="local: schemalog's own scanner (default); duckdb: the filters compiled to SQL"
        " and run by DuckDB (pip install 'schemalog[duckdb]')",
    )
    parser.add_argument(
        "--show-sql",
        action="store_true",
        help="print the SQL the duckdb engine runs (DuckDB's dialect) and count nothing",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for a large plain file (default: one per idle CPU)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Count and print; return the exit code."""
    from schemalog.exceptions import FilterDirError
    from schemalog.filters.filterdir import default_filters_dir, load_filters
    from schemalog.lines.reader import check_inputs

    if args.period < 1:
        raise CliError(f"--period must be at least 1 second, not {args.period}")
    if args.period > MAX_PERIOD:
        raise CliError(
            f"--period must be at most {MAX_PERIOD} seconds (366 days), not {args.period};"
            " --total gives one row over the whole input"
        )
    if args.jobs is not None and args.jobs < 1:
        raise CliError(f"--jobs must be at least 1, not {args.jobs}")
    try:
        filters = load_filters(args.filters or default_filters_dir())
    except FilterDirError as error:
        raise CliError(str(error)) from None
    if args.show_sql:  # the query may be meant for paths elsewhere (S3): none is read here
        from schemalog.filters import sql

        sys.stdout.write(
            _or_usage_error(
                lambda: sql.count_sql(args.files, filters, args.period, scale=args.scale)
            )
        )
        return EXIT_OK
    database = _loaded_database(args)
    check_inputs(args.files)
    from schemalog.filters.report import ROW_COLUMNS

    report = Report("count", args.format).expect_rows(*ROW_COLUMNS)
    lines = None
    if args.engine == "duckdb":
        from schemalog.filters import sqlengine
        from schemalog.storage.tables import events_as_lines

        source = events_as_lines() if database is not None else None
        aggregator = _or_usage_error(
            lambda: sqlengine.count_with_duckdb(
                args.files, filters, args.period, scale=args.scale, database=database, source=source
            )
        )
    else:
        aggregator, lines = _count_locally(args, filters, report)
    return _close(report, aggregator, lines, total=args.total)


def _loaded_database(args: argparse.Namespace) -> str | None:
    """Return the DuckDB file ``schemalog load`` filled, when that is the input; else None."""
    databases: list[str] = [path for path in args.files if path.endswith(".duckdb")]
    if not databases:
        return None
    if args.engine != "duckdb":
        raise CliError(f"{databases[0]}: a loaded database is counted with --engine duckdb")
    if len(args.files) != 1:
        raise CliError("count one loaded database at a time, and no other input beside it")
    return databases[0]


def _close(report: Report, aggregator: Aggregator, lines: LineCounts | None, *, total: bool) -> int:
    """Write the rows and the summary (with the line counts of the local engine); exit code."""
    from schemalog.filters.report import row_dict
    from schemalog.lines.reader import lines_note

    for row in aggregator.rows(total=total):
        report.row(row_dict(row, total=total))
    silent = [f.name for f in aggregator.filters_without_data()]
    report.summary.update(series=len(report.rows), filters_without_data=silent)
    if lines is not None:
        report.summary.update(
            lines=lines.lines, not_json=lines.not_json, too_long=len(lines.too_long)
        )
    report.close()
    if lines is not None:
        note = lines_note(lines.lines, lines.not_json, len(lines.too_long))
        print(f"schemalog count: {note}", file=sys.stderr)
    if silent:
        print(
            f"schemalog count: no data for {len(silent)} filters: {', '.join(silent)}",
            file=sys.stderr,
        )
    return report.exit_code()


def _count_locally(
    args: argparse.Namespace, filters: list[MetricFilter], report: Report
) -> tuple[Aggregator, LineCounts]:
    """Scan with schemalog's own engine, with a progress bar on a terminal.

    Each line over ``--max-line-bytes`` is a finding in ``report``, as in every reading verb.
    """
    from schemalog.filters import counting
    from schemalog.filters.blocks import LineCounts
    from schemalog.lines import progress
    from schemalog.lines.reader import input_size, too_long_finding

    def too_long(path: str, number: int, size: int) -> None:
        report.finding(too_long_finding(path, number, size, args.max_line_bytes))

    bar = progress.bar(input_size(args.files))
    lines = LineCounts()
    try:
        aggregator = counting.count(
            args.files,
            filters,
            args.period,
            exact=args.exact,
            scale=args.scale,
            max_line_bytes=args.max_line_bytes,
            jobs=args.jobs or counting.default_jobs(),
            progress=bar,
            counts=lines,
            too_long=too_long,
        )
    finally:
        if bar is not None:
            bar.close()
    return aggregator, lines


def _or_usage_error(work: Callable[[], T]) -> T:
    """Run ``work``; a filter with no SQL translation is a usage error naming it."""
    from schemalog.exceptions import FilterError

    try:
        return work()
    except FilterError as error:
        raise CliError(str(error)) from None
