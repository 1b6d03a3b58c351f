"""`filters export`: CloudFormation and Terraform that say what the filter files say."""

from __future__ import annotations

import orjson
import pytest

from schemalog.exceptions import ExportError
from schemalog.filters.export import (
    cloudformation,
    export,
    hcl_string,
    logical_id,
    terraform,
    terraform_name,
)
from schemalog.filters.filterdir import load_filters
from tests.filters.cases import metric
from tests.paths import ROOT

DURATION = metric(
    "api_request_duration",
    '{ $.event_type = "api_request_completed" && $.duration_ms = * }',
    "$.duration_ms",
    unit="Milliseconds",
    dimensions={"endpoint": "$.endpoint"},
)
WITH_DEFAULT = metric("errors", "ERROR", "1", defaultValue=0)


def test_cloudformation_resource() -> None:
    """Each filter becomes an AWS::Logs::MetricFilter on the LogGroupName parameter."""
    template = orjson.loads(cloudformation([DURATION, WITH_DEFAULT], "app-logs"))
    assert template["Parameters"]["LogGroupName"]["Default"] == "app-logs"
    resource = template["Resources"]["ApiRequestDurationMetricFilter"]
    assert resource["Type"] == "AWS::Logs::MetricFilter"
    properties = resource["Properties"]
    assert properties["FilterPattern"] == DURATION.pattern.text
    assert properties["LogGroupName"] == {"Ref": "LogGroupName"}
    assert properties["MetricTransformations"] == [
        {
            "MetricName": "api_request_duration",
            "MetricNamespace": "t",
            "MetricValue": "$.duration_ms",
            "Dimensions": [{"Key": "endpoint", "Value": "$.endpoint"}],
            "Unit": "Milliseconds",
        }
    ]
    default = template["Resources"]["ErrorsMetricFilter"]["Properties"]["MetricTransformations"]
    assert default[0]["DefaultValue"] == 0


def test_terraform_resource() -> None:
    """Each filter becomes an aws_cloudwatch_log_metric_filter on var.log_group_name."""
    text = terraform([DURATION, WITH_DEFAULT])
    assert 'variable "log_group_name" {' in text
    assert 'resource "aws_cloudwatch_log_metric_filter" "api_request_duration" {' in text
    assert "  log_group_name = var.log_group_name" in text
    assert (
        '  pattern        = "{ $.event_type = \\"api_request_completed\\" && $.duration_ms = * }"'
        in text
    )
    assert '      "endpoint" = "$.endpoint"' in text
    assert '    default_value = "0"' in text
    assert text.count("resource ") == 2


def test_hcl_strings_keep_template_markers_literal() -> None:
    """`${` and `%{` are escaped so Terraform does not interpolate a pattern."""
    assert hcl_string('a "b" \\ ${x} %{y}') == '"a \\"b\\" \\\\ $${x} %%{y}"'


def test_names_are_valid_and_unique() -> None:
    """Names become valid identifiers, and repeated ones get a number."""
    assert logical_id("9 lives-count") == "Filter9LivesCountMetricFilter"
    assert terraform_name("9 lives") == "filter_9_lives"
    twice = orjson.loads(cloudformation([WITH_DEFAULT, metric("errors!", "x")]))
    assert sorted(twice["Resources"]) == ["ErrorsMetricFilter", "ErrorsMetricFilter2"]


def test_terraform_refuses_fields_it_cannot_express() -> None:
    """FieldSelectionCriteria has no Terraform argument: export says so instead of dropping it."""
    body = WITH_DEFAULT.to_dict()
    body["fieldSelectionCriteria"] = '@aws.region = "eu-west-1"'
    from schemalog.filters import MetricFilter

    with pytest.raises(ExportError, match="fieldSelectionCriteria"):
        terraform([MetricFilter.from_dict(body)])
    properties = orjson.loads(cloudformation([MetricFilter.from_dict(body)]))
    resource = properties["Resources"]["ErrorsMetricFilter"]["Properties"]
    assert resource["FieldSelectionCriteria"] == '@aws.region = "eu-west-1"'


def test_every_shipped_filter_exports() -> None:
    """The whole catalog exports to both formats, one resource per file."""
    filters = load_filters(ROOT / "cloudwatch-filters")
    template = orjson.loads(export(filters, "cloudformation"))
    assert len(template["Resources"]) == len(filters)
    assert export(filters, "terraform").count('resource "aws_cloudwatch_log_metric_filter"') == len(
        filters
    )
    with pytest.raises(ExportError, match="unknown format"):
        export(filters, "pulumi")
