"""``schemalog load FILE... --into DB``: JSON lines into the analytics tables.

``DB`` is a DuckDB file (default ``events.duckdb``) or a ``postgresql://`` URL. Files may be
``-`` (stdin), ``.gz``, or glob patterns. Loading is idempotent on ``event_id``; lines that
cannot be stored go to ``analytics_rejects`` with the reason. Prints a summary (loaded,
duplicates, rejected); exit 1 when any line was rejected, 2 when the load failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from schemalog._core.options import parse_count, parse_size
from schemalog.cli.main import EXIT_FINDINGS, EXIT_OK, CliError
from schemalog.exceptions import StorageError


def register(subparsers: Any) -> None:
    """Add the ``load`` verb."""
    parser = subparsers.add_parser(
        "load",
        help="load JSON lines into DuckDB or PostgreSQL analytics tables",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSONL file, .gz, glob, or -")
    parser.add_argument(
        "--into",
        default="events.duckdb",
        metavar="DB",
        help="DuckDB file or postgresql:// URL (default: events.duckdb)",
    )
    parser.add_argument(
        "--schemas", metavar="DIR", help="catalog directory (default: as configure)"
    )
    parser.add_argument(
        "--batch-size", type=parse_count, default=None, metavar="N", help="lines per transaction"
    )
    parser.add_argument(
        "--max-line-bytes",
        type=parse_size,
        default=None,
        metavar="SIZE",
        help="reject longer lines as oversize (default: 1MiB)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the files; return the exit code."""
    from schemalog.storage.loader import load

    options: dict[str, Any] = {"schemas": args.schemas, "progress": sys.stderr}
    if args.batch_size:
        options["batch_size"] = args.batch_size
    if args.max_line_bytes:
        options["max_line_bytes"] = args.max_line_bytes
    try:
        summary = load(args.files, args.into, **options)
    except StorageError as error:
        raise CliError(str(error)) from None
    if args.format == "json":
        print(json.dumps(summary.as_dict()))
    else:
        print(f"schemalog load: {summary.line()}", file=sys.stderr)
        if summary.rejected:
            print(
                "  see: SELECT source, line, reason FROM analytics_rejects ORDER BY created_at",
                file=sys.stderr,
            )
    return EXIT_FINDINGS if summary.rejected else EXIT_OK
