"""``schemalog filters export``: the filter catalog as CloudFormation or Terraform.

CloudFormation: a JSON template with one ``AWS::Logs::MetricFilter`` a filter and a
``LogGroupName`` parameter. Terraform: one ``aws_cloudwatch_log_metric_filter`` a filter and a
``log_group_name`` variable. Both say exactly what the filter files say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

import orjson

from schemalog.exceptions import ExportError
from schemalog.filters.filters import MetricFilter

FORMATS: Final = ("cloudformation", "terraform")
_NOT_ALNUM: Final = re.compile(r"[^A-Za-z0-9]+")
_NOT_TF_NAME: Final = re.compile(r"[^A-Za-z0-9_-]+")


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}{count + 1}")
    return out


def logical_id(name: str) -> str:
    """Return a CloudFormation logical id (alphanumeric) for a filter name."""
    words = [w for w in _NOT_ALNUM.split(name) if w]
    text = "".join(w[:1].upper() + w[1:] for w in words) or "Filter"
    return ("Filter" + text if text[0].isdigit() else text) + "MetricFilter"


def terraform_name(name: str) -> str:
    """Return a Terraform resource name (letters, digits, ``_``, ``-``; not a digit first)."""
    text = _NOT_TF_NAME.sub("_", name).strip("_") or "filter"
    return "filter_" + text if text[0].isdigit() else text


def cloudformation(filters: list[MetricFilter], log_group: str | None = None) -> str:
    """Return a CloudFormation template (JSON) creating the filters on one log group."""
    parameter: dict[str, Any] = {
        "Type": "String",
        "Description": "The log group the metric filters apply to.",
    }
    if log_group:
        parameter["Default"] = log_group
    resources: dict[str, Any] = {}
    ids = _unique(logical_id(f.name) for f in filters)
    for resource_id, metric_filter in zip(ids, filters, strict=True):
        resources[resource_id] = {
            "Type": "AWS::Logs::MetricFilter",
            "Properties": _cfn_properties(metric_filter.body),
        }
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "CloudWatch Logs metric filters (schemalog filters export).",
        "Parameters": {"LogGroupName": parameter},
        "Resources": resources,
    }
    return orjson.dumps(template, option=orjson.OPT_INDENT_2).decode() + "\n"


def _cfn_properties(body: dict[str, Any]) -> dict[str, Any]:
    transformation = body["metricTransformations"][0]
    cfn_transformation: dict[str, Any] = {
        "MetricName": transformation["metricName"],
        "MetricNamespace": transformation["metricNamespace"],
        "MetricValue": transformation["metricValue"],
    }
    if transformation.get("defaultValue") is not None:
        cfn_transformation["DefaultValue"] = transformation["defaultValue"]
    if transformation.get("dimensions"):
        cfn_transformation["Dimensions"] = [
            {"Key": key, "Value": value} for key, value in transformation["dimensions"].items()
        ]
    if transformation.get("unit"):
        cfn_transformation["Unit"] = transformation["unit"]
    properties: dict[str, Any] = {
        "FilterName": body["filterName"],
        "FilterPattern": body["filterPattern"],
        "LogGroupName": {"Ref": "LogGroupName"},
        "MetricTransformations": [cfn_transformation],
    }
    for key, cfn_key in (
        ("applyOnTransformedLogs", "ApplyOnTransformedLogs"),
        ("fieldSelectionCriteria", "FieldSelectionCriteria"),
        ("emitSystemFieldDimensions", "EmitSystemFieldDimensions"),
    ):
        if body.get(key) is not None:
            properties[cfn_key] = body[key]
    return properties


def hcl_string(text: str) -> str:
    """Return ``text`` as an HCL quoted string (escapes, and ``${``/``%{`` kept literal)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    escaped = escaped.replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'


def terraform(filters: list[MetricFilter], log_group: str | None = None) -> str:
    """Return Terraform configuration creating the filters on one log group."""
    lines = ['variable "log_group_name" {', "  type        = string"]
    lines.append('  description = "The log group the metric filters apply to."')
    if log_group:
        lines.append(f"  default     = {hcl_string(log_group)}")
    lines.append("}")
    names = _unique(terraform_name(f.name) for f in filters)
    for resource, metric_filter in zip(names, filters, strict=True):
        lines.append("")
        lines += _terraform_resource(resource, metric_filter.body)
    return "\n".join(lines) + "\n"


def _terraform_resource(resource: str, body: dict[str, Any]) -> list[str]:
    for key in ("fieldSelectionCriteria", "emitSystemFieldDimensions"):
        if body.get(key):
            raise ExportError(
                f"filter {body['filterName']!r}: {key} has no Terraform argument; export it"
                " as CloudFormation or deploy it with `schemalog filters deploy`"
            )
    transformation = body["metricTransformations"][0]
    lines = [
        f'resource "aws_cloudwatch_log_metric_filter" "{resource}" {{',
        f"  name           = {hcl_string(body['filterName'])}",
        f"  pattern        = {hcl_string(body['filterPattern'])}",
        "  log_group_name = var.log_group_name",
    ]
    if body.get("applyOnTransformedLogs") is not None:
        flag = "true" if body["applyOnTransformedLogs"] else "false"
        lines.append(f"  apply_on_transformed_logs = {flag}")
    lines += [
        "",
        "  metric_transformation {",
        f"    name      = {hcl_string(transformation['metricName'])}",
        f"    namespace = {hcl_string(transformation['metricNamespace'])}",
        f"    value     = {hcl_string(transformation['metricValue'])}",
    ]
    if transformation.get("defaultValue") is not None:
        lines.append(f"    default_value = {hcl_string(repr(transformation['defaultValue']))}")
    if transformation.get("unit"):
        lines.append(f"    unit      = {hcl_string(transformation['unit'])}")
    if transformation.get("dimensions"):
        lines.append("    dimensions = {")
        lines += [
            f"      {hcl_string(key)} = {hcl_string(value)}"
            for key, value in transformation["dimensions"].items()
        ]
        lines.append("    }")
    lines += ["  }", "}"]
    return lines


def export(filters: list[MetricFilter], fmt: str, log_group: str | None = None) -> str:
    """Return the filters in ``fmt`` (``cloudformation`` or ``terraform``)."""
    if fmt == "cloudformation":
        return cloudformation(filters, log_group)
    if fmt == "terraform":
        return terraform(filters, log_group)
    raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
