"""``schemalog validate [--schemas DIR] FILE...``: check every line against the catalog.

Prints ``FILE:LINE: event_type version: $.path: reason`` for each problem, then a summary on
stderr. Exit 0 when every line is valid, 1 when any is not, 2 when an input cannot be read
(the other inputs are still checked).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schemalog._core.settings import static_field_names
from schemalog.catalog.load import Catalog, default_schemas_dir
from schemalog.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from schemalog.exceptions import InputError
from schemalog.linecheck import LineChecker
from schemalog.lines.reader import iter_lines


def register(subparsers: Any) -> None:
    """Add the ``validate`` verb."""
    parser = subparsers.add_parser(
        "validate",
        help="check JSON lines against the catalog",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSONL file, .gz, or - for stdin")
    parser.add_argument(
        "--schemas", metavar="DIR", help="catalog directory (default: as configure)"
    )
    parser.add_argument(
        "--static-field",
        action="append",
        default=[],
        metavar="NAME",
        help="a static field the application stamps (repeatable; default: SCHEMALOG_STATIC_FIELDS)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the files; return the exit code."""
    catalog = Catalog.load(args.schemas or default_schemas_dir())
    checker = LineChecker(catalog, set(args.static_field) | static_field_names())
    out = sys.stdout
    total_lines = total_invalid = 0
    unreadable: list[str] = []
    for path in args.files:
        lines = invalid = 0
        try:
            for number, line in iter_lines(path):
                lines += 1
                result = checker.check(line)
                if result.valid:
                    continue
                invalid += 1
                if not args.quiet:
                    label = f" {result.label()}:" if result.label() else ""
                    for issue in result.issues:
                        out.write(f"{path}:{number}:{label} {issue}\n")
        except InputError as error:
            unreadable.append(str(error))
        total_lines += lines
        total_invalid += invalid
        print(f"{path}: {lines} lines, {lines - invalid} valid, {invalid} invalid", file=sys.stderr)
    if len(args.files) > 1:
        print(
            f"total: {total_lines} lines, {total_lines - total_invalid} valid,"
            f" {total_invalid} invalid",
            file=sys.stderr,
        )
    for reason in unreadable:
        print(f"schemalog validate: {reason}", file=sys.stderr)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if total_invalid else EXIT_OK
