"""``schemalog lint PATH...``: event calls in Python source, checked against the catalog.

Prints ``FILE:LINE:COL: code: message`` for each problem (``--format json|csv`` for scripts:
the code is the finding's ``rule``), then a summary and the cataloged event types no linted
call emits (information only) on stderr. Exit 0 when no call has a
problem, 1 when any has, 2 when a path cannot be read or parsed. See schemalog.codelint.lint for
how loggers are recognised and how ``# schemalog: ignore[code]`` silences a call.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from typing import Any

from schemalog.catalog.load import Catalog
from schemalog.catalog.location import default_schemas_dir
from schemalog.cli.main import EXIT_USAGE, CliError
from schemalog.cli.output import Report, add_format_option
from schemalog.codelint.lint import lint_paths


def register(subparsers: Any) -> None:
    """Add the ``lint`` verb."""
    parser = subparsers.add_parser(
        "lint",
        help="check event calls in Python code against the catalog",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Python file or directory")
    parser.add_argument("--schemas", metavar="DIR", help="catalog directory")
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print findings only: no summary, no list of event types nothing emits",
    )
    add_format_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Lint the paths; return the exit code."""
    catalog = Catalog.load(args.schemas or default_schemas_dir())
    for path in args.paths:  # an input error is exit 2 before anything is printed
        if not os.path.exists(path):
            raise CliError(f"{path}: no such file or directory")
    started = time.perf_counter()
    report = lint_paths(args.paths, catalog)
    elapsed = time.perf_counter() - started
    output = Report("lint", args.format)
    output.add_findings(report.findings)
    output.summary.update(
        files=report.files, parsed=report.parsed, calls=report.calls, ignored=report.ignored
    )
    output.close()
    for problem in report.unreadable:
        print(f"schemalog lint: {problem}", file=sys.stderr)
    if not args.quiet:
        rate = report.files / elapsed if elapsed > 0 else float(report.files)
        print(
            f"schemalog lint: {report.files} files ({report.parsed} parsed), {report.calls}"
            f" event calls ({report.dynamic} with a computed event type), "
            f"{len(report.findings)} findings, {report.ignored} ignored;"
            f" {elapsed:.2f} s, {rate:.0f} files/s",
            file=sys.stderr,
        )
        # Without a single event call linted, "not emitted" would just list the catalog.
        unused = report.not_emitted(catalog) if report.calls else []
        if unused:
            listing = textwrap.fill(
                ", ".join(unused), width=96, initial_indent="  ", subsequent_indent="  "
            )
            print(
                f"info: {len(unused)} cataloged event types are not emitted by the linted code:\n"
                f"{listing}",
                file=sys.stderr,
            )
    if report.unreadable:
        return EXIT_USAGE
    return output.exit_code()
