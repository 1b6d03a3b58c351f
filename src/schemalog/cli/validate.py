"""``schemalog validate [--schemas DIR] FILE...``: check every line against the catalog.

Checks each line's envelope (DESIGN §2: ``level`` one of the five, ``event_id`` a UUID,
``timestamp`` RFC 3339 UTC with milliseconds, reserved names with their meaning) and its event
against its schema. Prints ``FILE:LINE: event_type version: $.path: reason`` for each problem
(``--format json|csv`` for scripts), then a summary on stderr. Exit 0 when every line is valid,
1 when any is not (a line that is not JSON, or longer than --max-line-bytes, is invalid), 2 when
an input cannot be read (an input that breaks off mid-way: the others are still checked).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schemalog._core.settings import static_field_names
from schemalog.catalog.load import Catalog
from schemalog.catalog.location import default_schemas_dir
from schemalog.cli.inputs import add_input_options, finish, line_reader
from schemalog.cli.output import Report, add_format_option
from schemalog.linecheck import LineChecker


def register(subparsers: Any) -> None:
    """Add the ``validate`` verb."""
    parser = subparsers.add_parser(
        "validate",
        help="check JSON lines against the catalog",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    add_input_options(parser)
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
    add_format_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the files; return the exit code."""
    catalog = Catalog.load(args.schemas or default_schemas_dir())
    checker = LineChecker(catalog, set(args.static_field) | static_field_names())
    report = Report("validate", args.format)
    reader = line_reader(args, report)
    if args.quiet:  # overlong lines are counted as invalid, not printed, like the others
        reader.on_finding = None
    per_file: dict[str, list[int]] = {path: [0, 0] for path in args.files}
    for line in reader:
        counts = per_file[line.path]
        counts[0] += 1
        result = checker.check(line.data)
        if result.valid:
            continue
        counts[1] += 1
        reader.not_json += result.not_json
        if not args.quiet:
            report.add_findings(result.findings(line.path, line.number))
    for too_long in reader.findings:
        per_file[too_long.file][0] += 1
        per_file[too_long.file][1] += 1
    invalid = _summarise(report, per_file)
    return finish(report, reader, failed=invalid > 0)


def _summarise(report: Report, per_file: dict[str, list[int]]) -> int:
    for path, (lines, invalid) in per_file.items():
        print(f"{path}: {lines} lines, {lines - invalid} valid, {invalid} invalid", file=sys.stderr)
    total_lines = sum(lines for lines, _ in per_file.values())
    total_invalid = sum(invalid for _, invalid in per_file.values())
    if len(per_file) > 1:
        print(
            f"total: {total_lines} lines, {total_lines - total_invalid} valid,"
            f" {total_invalid} invalid",
            file=sys.stderr,
        )
    report.summary.update(lines=total_lines, valid=total_lines - total_invalid)
    report.summary["invalid"] = total_invalid
    return total_invalid
