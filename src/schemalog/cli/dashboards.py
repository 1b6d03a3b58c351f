"""``schemalog dashboards deploy | export | lint``: the CloudWatch dashboards of seed 004.

- ``deploy --log-group G [--region R] [--endpoint-url URL] [--dry-run]``: ``PutDashboard``
  each dashboard whose body differs from CloudWatch's (``--dry-run`` prints the bodies).
- ``export --format cloudformation|terraform``: ``AWS::CloudWatch::Dashboard`` /
  ``aws_cloudwatch_dashboard`` resources.
- ``lint``: every widget's metrics are published by ``cloudwatch-filters/`` and every query
  and expression parses; exit 1 on problems.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from schemalog.cli.main import EXIT_OK, CliError
from schemalog.cli.output import Report, add_format_option


def register(subparsers: Any) -> None:
    """Add the ``dashboards`` verb and its sub-verbs."""
    parser = subparsers.add_parser("dashboards", help="deploy, export and lint the dashboards")
    sub = parser.add_subparsers(dest="dashboards_verb", metavar="SUBCOMMAND", required=True)
    deploy = sub.add_parser("deploy", help="put the dashboards into CloudWatch")
    deploy.add_argument("--log-group", required=True, action="append", metavar="G")
    deploy.add_argument("--region", metavar="R")
    deploy.add_argument("--endpoint-url", metavar="URL")
    deploy.add_argument("--dry-run", action="store_true", help="print the bodies, put nothing")
    deploy.set_defaults(func=run_deploy)
    export = sub.add_parser("export", help="write CloudFormation or Terraform")
    export.add_argument("--format", choices=("cloudformation", "terraform"), required=True)
    export.set_defaults(func=run_export)
    lint = sub.add_parser("lint", help="check the definitions against the filters")
    add_format_option(lint)
    lint.set_defaults(func=run_lint)
    for each in (deploy, export, lint):
        each.add_argument("--dashboards", metavar="DIR", help="dashboard definitions directory")
        each.add_argument("--filters", metavar="DIR", help="metric filter directory or file")


def _load(args: argparse.Namespace) -> tuple[list[Any], list[Any]]:
    from schemalog.dashboards.definitions import load_dashboards
    from schemalog.exceptions import DashboardError, FilterDirError
    from schemalog.filters.filterdir import default_filters_dir, load_filters

    try:
        return load_dashboards(args.dashboards), load_filters(args.filters or default_filters_dir())
    except (DashboardError, FilterDirError) as error:
        raise CliError(str(error)) from None


def run_lint(args: argparse.Namespace) -> int:
    """Print each problem; exit 1 when there is one."""
    from schemalog.dashboards.bodies import lint

    dashboards, filters = _load(args)
    report = Report("dashboards lint", args.format)
    report.add_findings(lint(dashboards, filters))
    widgets = sum(len(d.kpis) for d in dashboards)
    report.summary.update(dashboards=len(dashboards), widgets=widgets, errors=len(report.findings))
    report.close()
    print(
        f"dashboards: {len(dashboards)} dashboards, {widgets} widgets,"
        f" {len(report.findings)} problems",
        file=sys.stderr,
    )
    return report.exit_code()


def run_export(args: argparse.Namespace) -> int:
    """Print the infrastructure code."""
    from schemalog.dashboards import cloud
    from schemalog.dashboards.bodies import metric_index

    dashboards, filters = _load(args)
    namespaces = {name: f.metric_namespace for name, f in metric_index(filters).items()}
    make = cloud.cloudformation if args.format == "cloudformation" else cloud.terraform
    sys.stdout.write(make(dashboards, namespaces))
    return EXIT_OK


def run_deploy(args: argparse.Namespace) -> int:
    """Plan and (unless --dry-run) put the dashboards."""
    from schemalog.dashboards import cloud
    from schemalog.dashboards.bodies import body, lint, metric_index
    from schemalog.exceptions import DeployError

    dashboards, filters = _load(args)
    problems = lint(dashboards, filters)
    if problems:
        raise CliError("the definitions do not lint:\n" + "\n".join(map(str, problems)))
    namespaces = {name: f.metric_namespace for name, f in metric_index(filters).items()}
    try:
        client = cloud.make_client(args.endpoint_url, args.region)
        region = client.meta.region_name
        bodies = {
            d.name: body(d, region=region, log_groups=args.log_group, namespaces=namespaces)
            for d in dashboards
        }
        changes = cloud.deploy(client, bodies, dry_run=args.dry_run)
    except DeployError as error:
        raise CliError(str(error)) from None
    for change in changes:
        print(change)
        if args.dry_run and change.action != "unchanged":
            print(orjson.dumps(bodies[change.name], option=orjson.OPT_INDENT_2).decode())
    return EXIT_OK
