"""``schemalog filters test | lint | export | deploy``: the CloudWatch metric filter catalog.

- ``test --pattern P [--format table|json|csv] FILE``: the lines a pattern matches, with
  extracted values, like ``aws logs test-metric-filter`` (``eventNumber`` is the line number in
  FILE, from 1; ``--json`` is ``--format json``, whose rows are TestMetricFilter's matches).
- ``lint [--filters DIR] [--schemas DIR]``: PutMetricFilter's rules and the event catalog;
  exit 1 on errors.
- ``export --format cloudformation|terraform``: infrastructure code for the filters.
- ``deploy --log-group G [--endpoint-url URL] [--dry-run] [--prune]``: make a log group's
  filters equal to the files, with boto3.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schemalog.cli.inputs import add_input_options, finish, line_reader
from schemalog.cli.main import EXIT_OK, CliError
from schemalog.cli.output import Report, add_format_option

_FILTERS_HELP = (
    "filter directory or file (default: $SCHEMALOG_FILTERS, ./cloudwatch-filters, or bundled)"
)


def register(subparsers: Any) -> None:
    """Add the ``filters`` verb and its sub-verbs."""
    parser = subparsers.add_parser("filters", help="test, lint, export and deploy metric filters")
    sub = parser.add_subparsers(dest="filters_verb", metavar="SUBCOMMAND", required=True)

    test = sub.add_parser("test", help="show which lines a filter pattern matches")
    test.add_argument("--pattern", required=True, metavar="P", help="a CloudWatch filter pattern")
    add_format_option(test)
    add_input_options(test, many=False)
    test.set_defaults(func=run_test)

    lint = sub.add_parser("lint", help="check filters against AWS's rules and the catalog")
    lint.add_argument("--filters", metavar="DIR", help=_FILTERS_HELP)
    lint.add_argument("--schemas", metavar="DIR", help="catalog directory (default: as configure)")
    add_format_option(lint)
    lint.set_defaults(func=run_lint)

    export = sub.add_parser("export", help="write CloudFormation or Terraform for the filters")
    export.add_argument("--format", required=True, choices=("cloudformation", "terraform"))
    export.add_argument("--filters", metavar="DIR", help=_FILTERS_HELP)
    export.add_argument("--log-group", metavar="G", help="default value of the log group input")
    export.set_defaults(func=run_export)

    deploy = sub.add_parser("deploy", help="create, update (and prune) a log group's filters")
    deploy.add_argument("--log-group", required=True, metavar="G", help="the log group")
    deploy.add_argument("--filters", metavar="DIR", help=_FILTERS_HELP)
    deploy.add_argument("--endpoint-url", metavar="URL", help="another endpoint (e.g. an emulator)")
    deploy.add_argument("--region", metavar="R", help="AWS region (default: boto3's)")
    deploy.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    deploy.add_argument("--prune", action="store_true", help="delete filters not in the files")
    deploy.set_defaults(func=run_deploy)


def _load(location: str | None) -> list[Any]:
    from schemalog.exceptions import FilterDirError
    from schemalog.filters.filterdir import default_filters_dir, load_filters

    try:
        return load_filters(location or default_filters_dir())
    except FilterDirError as error:
        raise CliError(str(error)) from None


def run_test(args: argparse.Namespace) -> int:
    """Print the matching lines and their extracted values."""
    from schemalog.exceptions import PatternError
    from schemalog.filters import parse_pattern

    try:
        pattern = parse_pattern(args.pattern)
    except PatternError as error:
        raise CliError(f"--pattern: {error}") from None
    report = Report("filters test", args.format).expect_rows()
    reader = line_reader(args, report)
    events = matches = 0
    for line in reader:  # text patterns match any line: every line is an event, JSON or not
        events += 1
        message = line.data.decode("utf-8", "replace")
        extracted = pattern.extract(message)
        if extracted is None:
            continue
        matches += 1
        if args.format == "table":  # the line, then its extracted values indented below
            values = "".join(f"\n    {name} = {value}" for name, value in extracted.items())
            report.write(f"{line.number}: {message}{values}\n")
        else:
            report.row(
                {"eventNumber": line.number, "eventMessage": message, "extractedValues": extracted}
            )
    report.summary.update(events=events, matches=matches)
    code = finish(report, reader)
    print(f"{matches} of {events} events match", file=sys.stderr)
    return code


def run_lint(args: argparse.Namespace) -> int:
    """Lint the filter files; exit 1 when any error is found."""
    from schemalog.catalog.load import Catalog
    from schemalog.catalog.location import default_schemas_dir
    from schemalog.exceptions import FilterDirError
    from schemalog.filters.filterdir import default_filters_dir
    from schemalog.filters.lint import lint

    catalog = Catalog.load(args.schemas or default_schemas_dir())
    location = args.filters or default_filters_dir()
    try:
        findings = lint(location, catalog)
    except FilterDirError as error:
        raise CliError(str(error)) from None
    report = Report("filters lint", args.format)
    report.add_findings(finding.to_finding() for finding in findings)
    errors = sum(f.severity == "error" for f in report.findings)
    warnings = len(findings) - errors
    report.summary.update(errors=errors, warnings=warnings)
    report.close()
    print(f"{location}: {errors} errors, {warnings} warnings", file=sys.stderr)
    return report.exit_code()


def run_export(args: argparse.Namespace) -> int:
    """Print the filters as CloudFormation or Terraform."""
    from schemalog.exceptions import ExportError
    from schemalog.filters.export import export

    try:
        text = export(_load(args.filters), args.format, args.log_group)
    except ExportError as error:
        raise CliError(str(error)) from None
    sys.stdout.write(text)
    return EXIT_OK


def run_deploy(args: argparse.Namespace) -> int:
    """Plan and apply (or with --dry-run, only print) the changes to a log group's filters."""
    from schemalog.exceptions import DeployError
    from schemalog.filters.deploy import CREATE, DELETE, UPDATE, deploy, make_client

    filters = _load(args.filters)
    try:
        client = make_client(args.endpoint_url, args.region)
        changes = deploy(client, args.log_group, filters, prune=args.prune, dry_run=args.dry_run)
    except DeployError as error:
        raise CliError(str(error)) from None
    for change in changes:
        print(change)
    counts = {
        action: sum(c.action == action for c in changes) for action in (CREATE, UPDATE, DELETE)
    }
    done = "planned (dry run, nothing changed)" if args.dry_run else "done"
    print(
        f"{args.log_group}: {counts[CREATE]} to create, {counts[UPDATE]} to update,"
        f" {counts[DELETE]} to delete, {len(changes) - sum(counts.values())} left as they are;"
        f" {done}",
        file=sys.stderr,
    )
    return EXIT_OK
