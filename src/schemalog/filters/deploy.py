"""``schemalog filters deploy``: make a log group's metric filters equal to the filter files.

The plan compares each filter with what ``DescribeMetricFilters`` returns, field by field, and
puts only what is new or changed, so a second run changes nothing (moto even appends a
duplicate when a filter is put again, so comparing first matters there too). ``--prune``
deletes the log group's filters that no file describes. boto3 is imported only here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from schemalog.exceptions import DeployError
from schemalog.filters.filters import MetricFilter
from schemalog.filters.lint import MAX_FILTERS_PER_GROUP

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

CREATE: Final = "create"
UPDATE: Final = "update"
DELETE: Final = "delete"
UNCHANGED: Final = "unchanged"
KEEP: Final = "keep"  # in the log group, not in the files, and --prune not given


@dataclass(frozen=True)
class Change:
    """One step of the plan for one filter name."""

    action: str
    name: str
    fields: tuple[str, ...] = ()  # for an update: the fields that differ
    body: Mapping[str, Any] | None = None  # for create and update: what to put

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        if self.action == KEEP:
            detail = " (not in the filter files; --prune deletes it)"
        return f"{self.action:<9} {self.name}{detail}"


def comparable(body: Mapping[str, Any]) -> dict[str, Any]:
    """Return a filter body with AWS's defaults filled in, so equal filters compare equal."""
    transformations = []
    for item in body.get("metricTransformations") or []:
        default = item.get("defaultValue")
        transformations.append(
            {
                "metricName": item.get("metricName"),
                "metricNamespace": item.get("metricNamespace"),
                "metricValue": str(item.get("metricValue")),
                "defaultValue": None if default is None else float(default),
                "dimensions": dict(item.get("dimensions") or {}),
                "unit": None if item.get("unit") in (None, "None") else item.get("unit"),
            }
        )
    return {
        "filterPattern": body.get("filterPattern", ""),
        "metricTransformations": transformations,
        "applyOnTransformedLogs": bool(body.get("applyOnTransformedLogs", False)),
        "fieldSelectionCriteria": body.get("fieldSelectionCriteria") or "",
        "emitSystemFieldDimensions": sorted(body.get("emitSystemFieldDimensions") or []),
    }


def plan(
    wanted: Sequence[MetricFilter], existing: Sequence[Mapping[str, Any]], *, prune: bool
) -> list[Change]:
    """Return the changes that make ``existing`` (DescribeMetricFilters items) equal ``wanted``.

    When the log group lists one name twice (an emulator quirk), the last one counts.
    """
    current = {item["filterName"]: item for item in existing}
    changes: list[Change] = []
    for metric_filter in wanted:
        body = metric_filter.to_dict()
        there = current.get(metric_filter.name)
        if there is None:
            changes.append(Change(CREATE, metric_filter.name, body=body))
            continue
        mine, theirs = comparable(body), comparable(there)
        differing = tuple(key for key in mine if mine[key] != theirs[key])
        changes.append(
            Change(UPDATE, metric_filter.name, differing, body)
            if differing
            else Change(UNCHANGED, metric_filter.name)
        )
    names = {f.name for f in wanted}
    for name in sorted(set(current) - names):
        changes.append(Change(DELETE if prune else KEEP, name))
    remaining = sum(change.action != DELETE for change in changes)
    if remaining > MAX_FILTERS_PER_GROUP:
        raise DeployError(
            f"the log group would hold {remaining} metric filters; AWS allows"
            f" {MAX_FILTERS_PER_GROUP} (use --prune to delete the ones not in the files)"
        )
    return changes


def make_client(endpoint_url: str | None = None, region: str | None = None) -> CloudWatchLogsClient:
    """Return a boto3 CloudWatch Logs client (the default region is us-east-1 for endpoints)."""
    client: CloudWatchLogsClient = aws_client("logs", endpoint_url, region)
    return client


def aws_client(service: str, endpoint_url: str | None, region: str | None) -> Any:
    """Return a boto3 client for ``service``; DeployError without boto3 or a region."""
    try:
        import boto3
    except ImportError:
        raise DeployError("boto3 is not installed: pip install 'schemalog[cloudwatch]'") from None
    session = boto3.session.Session()
    region = region or session.region_name or ("us-east-1" if endpoint_url else None)
    if region is None:
        raise DeployError("no AWS region: pass --region or set AWS_REGION")
    return session.client(service, region_name=region, endpoint_url=endpoint_url)  # type: ignore[call-overload]


def existing_filters(client: CloudWatchLogsClient, log_group: str) -> list[dict[str, Any]]:
    """Return the log group's metric filters; raise DeployError when the group is missing."""
    groups = client.describe_log_groups(logGroupNamePrefix=log_group).get("logGroups", [])
    if not any(group.get("logGroupName") == log_group for group in groups):
        raise DeployError(f"log group {log_group!r} does not exist")
    found: list[dict[str, Any]] = []
    paginator = client.get_paginator("describe_metric_filters")
    for page in paginator.paginate(logGroupName=log_group):
        for item in page.get("metricFilters", []):
            if item.get("logGroupName", log_group) == log_group:
                found.append(dict(item))
    return found


def apply(client: CloudWatchLogsClient, log_group: str, changes: Sequence[Change]) -> None:
    """Carry out the plan's creates, updates and deletes."""
    for change in changes:
        if change.action in (CREATE, UPDATE):
            assert change.body is not None
            client.put_metric_filter(logGroupName=log_group, **change.body)
        elif change.action == DELETE:
            client.delete_metric_filter(logGroupName=log_group, filterName=change.name)


def deploy(
    client: CloudWatchLogsClient,
    log_group: str,
    wanted: Sequence[MetricFilter],
    *,
    prune: bool = False,
    dry_run: bool = False,
) -> list[Change]:
    """Plan, and unless ``dry_run`` apply; return the plan. AWS errors become DeployError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        changes = plan(wanted, existing_filters(client, log_group), prune=prune)
        if not dry_run:
            apply(client, log_group, changes)
    except ClientError as error:
        detail = error.response.get("Error", {})
        code = detail.get("Code", "error")
        raise DeployError(f"{code}: {detail.get('Message') or error}") from None
    except BotoCoreError as error:
        raise DeployError(str(error)) from None
    return changes
