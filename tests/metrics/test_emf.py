"""Tests for schemalog.metrics.emf: EMF documents within the limits, and their checks."""

from __future__ import annotations

import json

import jsonschema
import pytest

from schemalog.exceptions import MetricLimitError
from schemalog.metrics import emf

VALIDATOR = jsonschema.Draft202012Validator(emf.schema())


def test_is_emf_needs_cloudwatch_metrics_under_aws() -> None:
    """Only a line whose ``_aws`` object holds ``CloudWatchMetrics`` is an EMF document."""
    assert emf.is_emf({"_aws": {"CloudWatchMetrics": [], "Timestamp": 0}})
    assert not emf.is_emf({"_aws": {"Timestamp": 0}})
    assert not emf.is_emf({"_aws": "CloudWatchMetrics"})
    assert not emf.is_emf({"event_type": "x"})


def test_metrics_sharing_dimensions_share_a_document() -> None:
    """Metrics with the same dimension values go in one document; others and empties do not."""
    api = (("endpoint", "/a"),)
    metrics = [
        emf.Metric("count", "Count", api, (3.0,)),
        emf.Metric("latency", "Milliseconds", api, (1.0, 2.0)),
        emf.Metric("count", "Count", (("endpoint", "/b"),), (1.0,)),
        emf.Metric("idle", "Count", api, ()),
    ]
    first, second = emf.documents(metrics, "app", 1234)
    assert first["_aws"] == {
        "Timestamp": 1234,
        "CloudWatchMetrics": [
            {
                "Namespace": "app",
                "Dimensions": [["endpoint"]],
                "Metrics": [
                    {"Name": "count", "Unit": "Count"},
                    {"Name": "latency", "Unit": "Milliseconds"},
                ],
            }
        ],
    }
    assert (first["count"], first["latency"], first["endpoint"]) == (3.0, [1.0, 2.0], "/a")
    assert (second["count"], second["endpoint"]) == (1.0, "/b")
    for document in (first, second):
        assert emf.problems(document) == []


def test_past_100_metrics_or_values_more_documents_follow() -> None:
    """101 metrics make two documents; 250 values of one metric make three rounds of <= 100."""
    many = [emf.Metric(f"m{n}", "Count", (), (1.0,)) for n in range(101)]
    assert [
        len(d["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for d in emf.documents(many, "n", 0)
    ] == [100, 1]
    long = emf.Metric("t", "Milliseconds", (), tuple(float(n) for n in range(250)))
    rounds = emf.documents([long], "n", 0)
    assert [len(d["t"]) for d in rounds] == [100, 100, 50]
    assert [v for d in rounds for v in d["t"]] == list(long.values)
    assert all(VALIDATOR.is_valid(d) and not emf.problems(d) for d in rounds)


def test_emf_schema_refuses_what_the_spec_forbids() -> None:
    """The EMF schema and the target checks reject documents that break the specification."""
    good = emf.documents([emf.Metric("x", "Count", (("k", "v"),), (1.0,))], "ns", 1000)[0]
    assert emf.problems(good) == []
    too_many = json.loads(json.dumps(good))
    too_many["_aws"]["CloudWatchMetrics"][0]["Metrics"] = [{"Name": f"n{i}"} for i in range(101)]
    bad_unit = json.loads(json.dumps(good))
    bad_unit["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Parsecs"
    wide = json.loads(json.dumps(good))
    wide["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = [[f"d{i}" for i in range(31)]]
    for document in (too_many, bad_unit, wide):
        assert not VALIDATOR.is_valid(document)
        assert emf.problems(document)
    missing_target = {**good, "x": "one"}
    assert emf.problems(missing_target)[0].path == "$.x"
    long_array = {**good, "x": list(range(101))}
    assert emf.problems(long_array)


def test_documents_refuse_a_dimension_set_over_30() -> None:
    """emf.documents raises rather than split a dimension set CloudWatch would reject."""
    wide = tuple((f"l{n}", "x") for n in range(31))
    with pytest.raises(MetricLimitError, match="'wide': 31 dimensions"):
        emf.documents([emf.Metric("wide", "Count", wide, (1.0,))], "ns", 0)
