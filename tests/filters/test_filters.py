"""MetricFilter: PutMetricFilter's rules in from_dict, and one datapoint per event."""

from __future__ import annotations

import copy
from typing import Any

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
