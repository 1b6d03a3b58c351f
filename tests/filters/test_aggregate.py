"""Aggregation: bucketing by the event's timestamp, and CloudWatch's statistics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schemalog.filters import Datapoint, MetricFilter
from schemalog.filters.aggregate import Aggregator, Stats, key_seconds, prefix_length, time_key
from tests.filters.cases import metric


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("period", "length"), [(60, 16), (300, 16), (3600, 13), (86400, 10), (30, 19), (90, 19)]
)
def test_prefix_length_names_a_span_inside_one_period(period: int, length: int) -> None:
    """A minute lies inside any period that is a multiple of 60, an hour of 3600, and so on."""
    assert prefix_length(period) == length


def test_time_keys() -> None:
    """RFC 3339 Z timestamps key by prefix; offsets become epoch seconds; junk is undated."""
    assert time_key("2026-11-22T19:20:24.198Z", 16) == b"2026-11-22T19:20"
    assert time_key("2026-11-22T20:20:24+01:00", 16) == epoch("2026-11-22T19:20:24")
    assert time_key("2026-11-22T19:20:24", 16) == epoch("2026-11-22T19:20:24")
    assert time_key("yesterday", 16) is None


def test_time_keys_outside_years_1_to_9999_are_undated() -> None:
    """An offset timestamp whose UTC moment is in year 0 or 10000 is undated."""
    assert time_key("0001-01-01T00:00:00+01:00", 16) is None
    assert time_key("9999-12-31T23:59:59-05:00", 16) is None
    assert time_key("0001-01-01T01:00:00+01:00", 16) == epoch("0001-01-01T00:00:00")


def test_key_seconds() -> None:
    """A prefix names the start of its span; an invalid date is None."""
    assert key_seconds(b"2026-11-22T19:20") == epoch("2026-11-22T19:20:00")
    assert key_seconds(b"2026-11-22") == epoch("2026-11-22T00:00:00")
    assert key_seconds(b"2026-13-40T00") is None


def test_stats() -> None:
    """Sum, SampleCount, Min, Max and Average of datapoints, merged across keys."""
    stats = Stats()
    stats.add(3.0)
    stats.add(7.0, 2)
    other = Stats()
    other.add(1.0)
    stats.merge(other)
    assert (stats.sum, stats.count, stats.min, stats.max) == (18.0, 4, 1.0, 7.0)
    assert stats.average == 4.5


def test_rows_per_period_and_dimensions() -> None:
    """Keys roll up to period starts; series split by dimensions; undated events come last."""
    metric = MetricFilter.from_dict(
        {
            "filterName": "f",
            "filterPattern": "{ $.a = * }",
            "metricTransformations": [
                {"metricName": "M", "metricNamespace": "n", "metricValue": "$.a",
                 "dimensions": {"d": "$.d"}}
            ],
        }
    )  # fmt: skip
    aggregator = Aggregator([metric], 300)
    aggregator.add(0, b"2026-11-22T19:21", Datapoint(2.0, {"d": "x"}))
    aggregator.add(0, epoch("2026-11-22T19:24:59"), Datapoint(4.0, {"d": "x"}))
    aggregator.add(0, b"2026-11-22T19:25", Datapoint(8.0, {"d": "x"}))
    aggregator.add(0, b"2026-11-22T19:21", Datapoint(1.0, {"d": "y"}), times=3)
    aggregator.add(0, None, Datapoint(5.0))
    aggregator.add(0, b"2026-11-22T19:21", None)
    rows = aggregator.rows()
    summary = [(r.start, r.dimensions, r.stats.sum, r.stats.count) for r in rows]
    assert summary == [
        (epoch("2026-11-22T19:20:00"), (("d", "x"),), 6.0, 2),
        (epoch("2026-11-22T19:20:00"), (("d", "y"),), 3.0, 3),
        (epoch("2026-11-22T19:25:00"), (("d", "x"),), 8.0, 1),
        (None, (), 5.0, 1),
    ]
    totals = [(r.dimensions, r.stats.sum) for r in aggregator.rows(total=True)]
    assert totals == [((), 5.0), ((("d", "x"),), 14.0), ((("d", "y"),), 3.0)]


def test_period_start_before_year_1_is_undated() -> None:
    """A period that would start before year 1 puts its events in the undated row."""
    filters = [metric("f", "x")]
    aggregator = Aggregator(filters, 7 * 86400)
    aggregator.add(0, b"0001-01-01", Datapoint(1.0))
    aggregator.add(0, epoch("0001-01-08T00:00:00"), Datapoint(2.0))
    huge = Aggregator(filters, 10**11)
    huge.add(0, epoch("1969-12-31T23:59:59"), Datapoint(1.0))
    huge.add(0, epoch("1970-01-01T00:00:00"), Datapoint(2.0))
    assert [(r.start, r.stats.sum) for r in aggregator.rows()] == [
        (epoch("0001-01-04T00:00:00"), 2.0),
        (None, 1.0),
    ]
    assert [(r.start, r.stats.sum) for r in huge.rows()] == [(0, 2.0), (None, 1.0)]


def test_period_must_be_positive() -> None:
    """A period under one second is refused."""
    with pytest.raises(ValueError, match="at least 1 second"):
        Aggregator([], 0)


def test_filters_without_data() -> None:
    """Filters that published nothing are listed, so a report can show their zero."""
    metric = MetricFilter.from_dict(
        {"filterName": "quiet", "filterPattern": "x",
         "metricTransformations": [{"metricName": "M", "metricNamespace": "n", "metricValue": "1"}]}
    )  # fmt: skip
    assert list(Aggregator([metric], 60).filters_without_data()) == [metric]
