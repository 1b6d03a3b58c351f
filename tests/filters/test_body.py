"""The put-metric-filter body: PutMetricFilter's rules, each with a message naming the field."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from schemalog.exceptions import FilterError
from schemalog.filters.body import check_body
from tests.filters.test_filters import body


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda b: b.update(logGroupName="g"), "logGroupName does not belong"),
        (lambda b: b.update(extra=1), "unknown field 'extra'"),
        (lambda b: b.update(filterName=""), "filterName must be 1 to 512"),
        (lambda b: b.update(filterName="a" * 513), "filterName must be 1 to 512"),
        (lambda b: b.update(filterName="a:b"), "cannot contain ':' or '*'"),
        (lambda b: b.update(filterName="a*"), "cannot contain ':' or '*'"),
        (lambda b: b.pop("filterPattern"), "filterPattern is required"),
        (lambda b: b.update(filterPattern="{ $.a EXISTS }"), "filterPattern: position 7"),
        (lambda b: b.update(filterPattern="x" * 1025), "at most 1024"),
        (lambda b: b.update(metricTransformations=[]), "exactly 1"),
        (lambda b: b["metricTransformations"].append({}), "exactly 1"),
        (lambda b: b["metricTransformations"][0].pop("metricName"), "metricName is required"),
        (lambda b: b["metricTransformations"][0].update(metricName="a:b"), "cannot contain"),
        (lambda b: b["metricTransformations"][0].update(metricNamespace="a$"), "cannot contain"),
        (lambda b: b["metricTransformations"][0].update(metricName="m" * 256), "1 to 255"),
        (lambda b: b["metricTransformations"][0].update(metricValue="one"), "must be a number"),
        (lambda b: b["metricTransformations"][0].update(metricValue="$x"), "written $.field"),
        (lambda b: b["metricTransformations"][0].update(metricValue="$.a[*]"), "without '*'"),
        (lambda b: b["metricTransformations"][0].update(defaultValue="0"), "must be a number"),
        (lambda b: b["metricTransformations"][0].update(unit="Widgets"), "not a CloudWatch unit"),
        (lambda b: b["metricTransformations"][0].update(unit=[]), "unit [] is not a CloudWatch"),
        (lambda b: b["metricTransformations"][0].update(unit={}), "unit {} is not a CloudWatch"),
        (lambda b: b["metricTransformations"][0].update(bogus=1), "unknown field 'bogus'"),
        (
            lambda b: b["metricTransformations"][0].update(
                dimensions={"a": "$.a", "b": "$.b", "c": "$.c", "d": "$.d"}
            ),
            "at most 3 dimensions",
        ),
        (
            lambda b: b["metricTransformations"][0].update(dimensions={"a": "$.a"}, defaultValue=0),
            "cannot be combined",
        ),
        (
            lambda b: b["metricTransformations"][0].update(dimensions={"a": "fixed"}),
            "must name a field",
        ),
        (
            lambda b: b["metricTransformations"][0].update(dimensions={":a": "$.a"}),
            "cannot start with ':'",
        ),
        (lambda b: b.update(applyOnTransformedLogs="yes"), "true or false"),
        (lambda b: b.update(emitSystemFieldDimensions=["@aws.zone"]), "emitSystemFieldDimensions"),
        (lambda b: b.update(fieldSelectionCriteria="x" * 2001), "at most 2000"),
    ],
)
def test_rejects_what_put_metric_filter_rejects(change: Any, reason: str) -> None:
    """Each PutMetricFilter rule is enforced with a message naming the field."""
    candidate = body()
    change(candidate)
    with pytest.raises(FilterError, match=None) as caught:
        check_body(candidate)
    assert reason in str(caught.value)


def test_dimensions_need_a_json_or_delimited_pattern() -> None:
    """AWS: 'The specified filter pattern does not support dimensions' for term patterns."""
    with pytest.raises(FilterError, match="does not support dimensions"):
        check_body(body("ERROR", dimensions={"a": "$.a"}))
    with pytest.raises(FilterError, match="only JSON and space-delimited"):
        check_body(body("ERROR", metricValue="$.a"))


def test_system_field_dimensions_count_toward_three() -> None:
    """EmitSystemFieldDimensions count toward the limit of three dimensions."""
    candidate = body(dimensions={"a": "$.a", "b": "$.b"})
    candidate["emitSystemFieldDimensions"] = ["@aws.account", "@aws.region"]
    with pytest.raises(FilterError, match="at most 3"):
        check_body(candidate)


def test_not_an_object() -> None:
    """A filter body must be a JSON object."""
    with pytest.raises(FilterError, match="JSON object"):
        check_body(orjson.loads(b"[1]"))
