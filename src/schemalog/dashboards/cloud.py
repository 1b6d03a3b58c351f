"""Putting dashboards into CloudWatch (boto3 ``PutDashboard``) or into infrastructure code.

``deploy`` compares each body with ``GetDashboard`` and puts only what is new or changed.
``cloudformation`` writes ``AWS::CloudWatch::Dashboard`` resources with the log group as a
parameter and the stack's region; ``terraform`` writes ``aws_cloudwatch_dashboard`` resources
with ``log_group_name`` and ``region`` variables. boto3 is imported only here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import orjson

from schemalog.dashboards.bodies import body
from schemalog.dashboards.definitions import Dashboard
from schemalog.exceptions import DeployError
from schemalog.filters.deploy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

FORMATS: Final = ("cloudformation", "terraform")
_NOT_ALNUM: Final = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True)
class Change:
    """What deploying one dashboard does: ``create``, ``update`` or ``unchanged``."""

    action: str
    name: str

    def __str__(self) -> str:
        return f"{self.action:<9} {self.name}"


def make_client(endpoint_url: str | None = None, region: str | None = None) -> CloudWatchClient:
    """Return a boto3 CloudWatch client (the default region is us-east-1 for endpoints)."""
    client: CloudWatchClient = aws_client("cloudwatch", endpoint_url, region)
    return client


def deploy(
    client: CloudWatchClient, bodies: dict[str, dict[str, Any]], *, dry_run: bool = False
) -> list[Change]:
    """Put each body (dashboard name -> body) that differs from CloudWatch's; return the plan."""
    from botocore.exceptions import BotoCoreError, ClientError

    changes = []
    try:
        for name, wanted in bodies.items():
            current = _current(client, name)
            if current == wanted:
                changes.append(Change("unchanged", name))
                continue
            changes.append(Change("create" if current is None else "update", name))
            if not dry_run:
                client.put_dashboard(DashboardName=name, DashboardBody=_text(wanted))
    except ClientError as error:
        detail = error.response.get("Error", {})
        raise DeployError(
            f"{detail.get('Code', 'error')}: {detail.get('Message') or error}"
        ) from None
    except BotoCoreError as error:
        raise DeployError(str(error)) from None
    return changes


def _current(client: CloudWatchClient, name: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        found = client.get_dashboard(DashboardName=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in (
            "ResourceNotFound",
            "ResourceNotFoundException",
        ):
            return None
        raise
    loaded: dict[str, Any] = orjson.loads(found.get("DashboardBody") or "null") or {}
    return loaded


def _text(value: Any) -> str:
    return orjson.dumps(value).decode()


def cloudformation(dashboards: Sequence[Dashboard], namespaces: Mapping[str, str]) -> str:
    """Return a CloudFormation template (JSON) with one dashboard resource per definition.

    The bodies use ``Fn::Sub`` for the stack's region and the ``LogGroupName`` parameter.
    """
    resources = {}
    for dashboard, made in _templated(dashboards, namespaces, "${AWS::Region}", "${LogGroupName}"):
        text = _text(made)
        resources[_logical_id(dashboard.name)] = {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": dashboard.name, "DashboardBody": {"Fn::Sub": text}},
        }
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "CloudWatch dashboards of seed 004's KPIs (schemalog dashboards export).",
        "Parameters": {
            "LogGroupName": {
                "Type": "String",
                "Description": "The log group the Logs Insights widgets query.",
            }
        },
        "Resources": resources,
    }
    return orjson.dumps(template, option=orjson.OPT_INDENT_2).decode() + "\n"


def terraform(dashboards: Sequence[Dashboard], namespaces: Mapping[str, str]) -> str:
    """Return Terraform (HCL): ``aws_cloudwatch_dashboard`` resources and their variables.

    The body is a ``jsonencode`` of a JSON object, which is valid HCL object syntax.
    """
    parts = [
        'variable "log_group_name" {\n  type        = string\n'
        '  description = "The log group the Logs Insights widgets query."\n}\n',
        'variable "region" {\n  type        = string\n'
        '  description = "The region of the log group and the metrics."\n}\n',
    ]
    templated = _templated(dashboards, namespaces, "${var.region}", "${var.log_group_name}")
    for dashboard, made in templated:
        encoded = orjson.dumps(made, option=orjson.OPT_INDENT_2).decode()
        parts.append(
            f'resource "aws_cloudwatch_dashboard" "{_terraform_name(dashboard.name)}" {{\n'
            f'  dashboard_name = "{dashboard.name}"\n'
            f"  dashboard_body = jsonencode({encoded})\n}}\n"
        )
    return "\n".join(parts)


def _templated(
    dashboards: Sequence[Dashboard], namespaces: Mapping[str, str], region: str, log_group: str
) -> list[tuple[Dashboard, dict[str, Any]]]:
    """Each dashboard with its body, region and log group given as template references."""
    return [
        (d, body(d, region=region, log_groups=[log_group], namespaces=namespaces))
        for d in dashboards
    ]


def _logical_id(name: str) -> str:
    words = [w for w in _NOT_ALNUM.split(name) if w]
    return "".join(w[:1].upper() + w[1:] for w in words) + "Dashboard"


def _terraform_name(name: str) -> str:
    return _NOT_ALNUM.sub("_", name).strip("_")
