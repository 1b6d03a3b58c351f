"""Tests for schemalog.metrics.limits: EMF's limits raise where a metric is defined."""

from __future__ import annotations

import pytest

from schemalog import metrics
from schemalog.exceptions import MetricLimitError, SchemalogError


def test_31_labels_raise_naming_the_metric_and_the_limit() -> None:
    """metrics.counter with 31 labels raises MetricLimitError; 30 is fine."""
    metrics.counter("ok", **{f"l{n}": "x" for n in range(30)})
    with pytest.raises(MetricLimitError, match=r"metric 'requests': 31 dimensions.*limit of 30"):
        metrics.counter("requests", **{f"l{n}": "x" for n in range(31)})
    assert issubclass(MetricLimitError, SchemalogError) and issubclass(MetricLimitError, ValueError)


def test_configured_dimensions_count_with_the_labels() -> None:
    """configure(dimensions=) that pushes a defined metric past 30 raises, and is not applied."""
    metrics.counter("requests", **{f"l{n}": "x" for n in range(29)})
    metrics.configure(dimensions={"service": "chat"})
    with pytest.raises(MetricLimitError, match="'requests': 31 dimensions"):
        metrics.configure(dimensions={"service": "chat", "region": "eu"})
    assert dict(metrics.REGISTRY.dimensions) == {"service": "chat"}
    with pytest.raises(MetricLimitError, match="'later': 31 dimensions"):
        metrics.histogram("later", **{f"l{n}": "x" for n in range(30)})


@pytest.mark.parametrize(
    ("name", "labels", "message"),
    [
        ("m" * 251, {}, "251 characters, over EMF's limit of 250"),
        ("  ", {}, "must not be blank"),
        ("latency", {"d" * 251: "x"}, "251 characters, over EMF's limit of 250"),
        ("latency", {":region": "eu"}, "must not start with ':'"),
        ("latency", {"route": "v" * 1025}, "1025 characters, over EMF's limit of 1024"),
        ("latency", {"route": " "}, "dimension value must not be blank"),
        ("latency", {"city": "Zürich"}, "not ASCII"),
    ],
)
def test_names_and_values_past_the_limits_raise(
    name: str, labels: dict[str, str], message: str
) -> None:
    """Each of aws-embedded-metrics' name and value checks raises at definition."""
    with pytest.raises(MetricLimitError, match=message):
        metrics.gauge(name, **labels)


def test_namespace_follows_cloudwatchs_rules() -> None:
    """A namespace over 256 characters or with other characters raises."""
    metrics.configure(namespace="chat-api/prod:eu#1")
    with pytest.raises(MetricLimitError, match="1 to 256"):
        metrics.configure(namespace="n" * 257)
    with pytest.raises(MetricLimitError, match="only letters"):
        metrics.configure(namespace="chat api")
