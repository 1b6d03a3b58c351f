"""``schemalog schemas list | check | docs | codegen``: the event catalog.

``list`` prints it; ``check`` enforces its rules (exit 1 on any finding, each printed as
``FILE: reason``); both take ``--format table|json|csv``. ``docs`` writes ``docs/events.md``;
``codegen`` writes a typed module.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schemalog.catalog.load import Catalog
from schemalog.catalog.location import default_schemas_dir
from schemalog.cli.main import EXIT_FINDINGS, EXIT_OK, CliError
from schemalog.cli.output import Report, add_format_option


def register(subparsers: Any) -> None:
    """Add the ``schemas`` verb and its sub-verbs."""
    parser = subparsers.add_parser("schemas", help="work with the event catalog")
    sub = parser.add_subparsers(dest="schemas_verb", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser("list", help="list event types, versions and descriptions")
    listing.add_argument("--schemas", metavar="DIR", help="catalog directory")
    add_format_option(listing)
    listing.set_defaults(func=run_list)

    check = sub.add_parser(
        "check",
        help="check the catalog's rules and compatibility between versions",
        description="Exit 0 when the catalog keeps every rule, 1 with one line per finding.",
    )
    check.add_argument("--schemas", metavar="DIR", help="catalog directory")
    check.add_argument(
        "--against",
        metavar="GIT_REF",
        help="also fail when a version file that exists at GIT_REF has changed or gone",
    )
    add_format_option(check)
    check.set_defaults(func=run_check)

    docs = sub.add_parser("docs", help="write docs/events.md from the catalog")
    docs.add_argument("--schemas", metavar="DIR", help="catalog directory")
    docs.add_argument(
        "--output", metavar="FILE", default="docs/events.md", help="default: docs/events.md"
    )
    docs.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when FILE is not current"
    )
    docs.set_defaults(func=run_docs)

    codegen = sub.add_parser("codegen", help="write a typed Python module of the events")
    codegen.add_argument("--schemas", metavar="DIR", help="catalog directory")
    codegen.add_argument(
        "--output", metavar="FILE", default="-", help="the module to write (default: stdout)"
    )
    codegen.set_defaults(func=run_codegen)


def run_list(args: argparse.Namespace) -> int:
    """Print the catalog."""
    catalog = Catalog.load(args.schemas or default_schemas_dir())
    report = Report("schemas list", args.format).expect_rows()
    for name in catalog:
        newest = catalog.get(name)
        report.row(
            {
                "event_type": name,
                "versions": [v.version_text for v in catalog.versions(name)],
                "domain": newest.schema.get("x-domain", ""),
                "description": newest.description,
            }
        )
    report.summary.update(root=str(catalog.root), event_types=len(report.rows))
    report.close()
    print(
        f"schemalog schemas list: {catalog.root}: {len(report.rows)} event types", file=sys.stderr
    )
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """Check the catalog; print each finding; exit 1 when there is any."""
    from schemalog.catalog.check import check_catalog
    from schemalog.exceptions import GitRefError

    root = args.schemas or default_schemas_dir()
    try:
        findings = check_catalog(root, against=args.against)
    except GitRefError as error:
        raise CliError(str(error)) from None
    report = Report("schemas check", args.format)
    report.add_findings(finding.to_finding() for finding in findings)
    files = len({finding.path for finding in findings})
    report.summary.update(findings=len(findings), files=files)
    report.close()
    if findings:
        print(
            f"schemalog schemas check: {len(findings)} findings in {files} files", file=sys.stderr
        )
        return report.exit_code()
    against = f", unchanged since {args.against}" if args.against else ""
    print(f"schemalog schemas check: {root}: every rule kept{against}", file=sys.stderr)
    return EXIT_OK


def run_docs(args: argparse.Namespace) -> int:
    """Write (or with ``--check`` compare) the generated event docs."""
    from pathlib import Path

    from schemalog.catalog.docs import render_events_md, write_events_md

    catalog = Catalog.load(args.schemas or default_schemas_dir())
    output = Path(args.output)
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != render_events_md(catalog):
            print(f"{output}: not current; run: schemalog schemas docs", file=sys.stderr)
            return EXIT_FINDINGS
        return EXIT_OK
    changed = write_events_md(catalog, output)
    state = "written" if changed else "already current"
    print(f"{output}: {len(catalog)} event types, {state}", file=sys.stderr)
    return EXIT_OK


def run_codegen(args: argparse.Namespace) -> int:
    """Write the typed module to ``--output`` (or stdout)."""
    from pathlib import Path

    from schemalog.catalog.codegen import render_module

    catalog = Catalog.load(args.schemas or default_schemas_dir())
    source = render_module(catalog)
    if args.output == "-":
        sys.stdout.write(source)
    else:
        Path(args.output).write_text(source, encoding="utf-8")
        print(f"{args.output}: {len(catalog)} event types", file=sys.stderr)
    return EXIT_OK
