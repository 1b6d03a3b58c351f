"""MetricFilter: PutMetricFilter's rules in from_dict, and one datapoint per event."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from schemalog.exceptions import FilterError
from schemalog.filters import Datapoint, MetricFilter


def body(pattern: str = '{ $.event_type = "x" }', **transformation: Any) -> dict[str, Any]:
    metric = {"metricName": "M", "metricNamespace": "ns", "metricValue": "1", **transformation}
    return {"filterName": "f", "filterPattern": pattern, "metricTransformations": [metric]}


def test_literal_value_on_match_and_nothing_otherwise() -> None:
    """A match publishes metricValue; a miss without defaultValue publishes nothing."""
    metric = MetricFilter.from_dict(body(metricValue="3"))
    assert metric.datapoint('{"event_type": "x"}') == Datapoint(3.0, {}, True)
    assert metric.datapoint('{"event_type": "y"}') is None
    assert metric.datapoint("not json") is None


def test_default_value_for_each_non_matching_event() -> None:
    """With defaultValue, every non-matching event publishes it, without dimensions."""
    metric = MetricFilter.from_dict(body("ERROR", metricValue="3", defaultValue=7))
    points = [metric.datapoint(m) for m in ("ERROR a", "INFO b", "ERROR c")]
    assert [(p.value, p.matched) for p in points if p] == [(3.0, True), (7.0, False), (3.0, True)]


def test_field_metric_value() -> None:
    """`$.duration_ms` publishes the field; numeric strings count; others publish nothing."""
    metric = MetricFilter.from_dict(
        body("{ $.duration_ms = * }", metricValue="$.duration_ms", unit="Milliseconds")
    )
    assert metric.datapoint('{"duration_ms": 12.5}') == Datapoint(12.5)
    assert metric.datapoint('{"duration_ms": "40"}') == Datapoint(40.0)
    assert metric.datapoint('{"duration_ms": "fast"}') is None


def test_missing_field_value_publishes_default() -> None:
    """A matched event whose value field is missing or null publishes defaultValue (or nothing)."""
    with_default = MetricFilter.from_dict(
        body('{ $.event_type = "x" }', metricValue="$.v", defaultValue=0)
    )
    assert with_default.datapoint('{"event_type": "x"}') == Datapoint(0.0, {}, False)
    assert with_default.datapoint('{"event_type": "x", "v": null}') == Datapoint(0.0, {}, False)
    without = MetricFilter.from_dict(body('{ $.event_type = "x" }', metricValue="$.v"))
    assert without.datapoint('{"event_type": "x"}') is None


def test_dimensions_from_fields() -> None:
    """Dimensions take the event's values; missing one publishes without any dimension."""
    metric = MetricFilter.from_dict(
        body(
            '{ $.event_type = "api" }',
            dimensions={"endpoint": "$.endpoint", "method": "$.method"},
        )
    )
    full = metric.datapoint('{"event_type": "api", "endpoint": "/feed", "method": "GET"}')
    assert full == Datapoint(1.0, {"endpoint": "/feed", "method": "GET"})
    partial = metric.datapoint('{"event_type": "api", "endpoint": "/feed"}')
    assert partial == Datapoint(1.0, {})
    numeric = metric.datapoint('{"event_type": "api", "endpoint": 7, "method": "  "}')
    assert numeric == Datapoint(1.0, {})


def test_space_delimited_references() -> None:
    """`$size` and positional `$7` read extracted values (AWS's extract-bytes example)."""
    line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /x HTTP/1.0" 404 1534'
    named = MetricFilter.from_dict(
        body("[ip, user, username, timestamp, request, status_code, size]", metricValue="$size",
             dimensions={"status": "$status_code"})
    )  # fmt: skip
    assert named.datapoint(line) == Datapoint(1534.0, {"status": "404"})
    positional = MetricFilter.from_dict(body("[..., status_code, last]", metricValue="$7"))
    assert positional.datapoint(line) == Datapoint(1534.0)


def test_nested_selector_values() -> None:
    """A metricValue can reach into objects and arrays."""
    metric = MetricFilter.from_dict(body("{ $.a.b[1] = * }", metricValue="$.a.b[1]"))
    assert metric.datapoint('{"a": {"b": [5, 6]}}') == Datapoint(6.0)


def test_round_trip_keeps_the_body() -> None:
    """to_dict() returns the body as given."""
    original = body(defaultValue=0, unit="Count")
    assert MetricFilter.from_dict(copy.deepcopy(original)).to_dict() == original


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
        MetricFilter.from_dict(candidate)
    assert reason in str(caught.value)


def test_dimensions_need_a_json_or_delimited_pattern() -> None:
    """AWS: 'The specified filter pattern does not support dimensions' for term patterns."""
    with pytest.raises(FilterError, match="does not support dimensions"):
        MetricFilter.from_dict(body("ERROR", dimensions={"a": "$.a"}))
    with pytest.raises(FilterError, match="only JSON and space-delimited"):
        MetricFilter.from_dict(body("ERROR", metricValue="$.a"))


def test_delimited_reference_must_name_a_field() -> None:
    """`$name` must be a field of the space-delimited pattern; positions are always allowed."""
    with pytest.raises(FilterError, match="no field named 'size'"):
        MetricFilter.from_dict(body("[a, b]", metricValue="$size"))
    assert MetricFilter.from_dict(body("[a, b]", metricValue="$2")).metric_value is not None


def test_system_field_dimensions_count_toward_three() -> None:
    """EmitSystemFieldDimensions count toward the limit of three dimensions."""
    candidate = body(dimensions={"a": "$.a", "b": "$.b"})
    candidate["emitSystemFieldDimensions"] = ["@aws.account", "@aws.region"]
    with pytest.raises(FilterError, match="at most 3"):
        MetricFilter.from_dict(candidate)


def test_not_an_object() -> None:
    """A filter body must be a JSON object."""
    with pytest.raises(FilterError, match="JSON object"):
        MetricFilter.from_dict(orjson.loads(b"[1]"))
