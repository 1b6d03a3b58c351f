"""Generated tallies give exactly compile_point's datapoints, on every kind of member value."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from schemalog.filters import MetricFilter
from schemalog.filters.aggregate import Stats
from schemalog.filters.tally import compile_tally, points_tally
from tests.filters.cases import metric

_ABSENT = object()
VALUES: list[Any] = [_ABSENT, None, True, False, 0, 2, 2.5, "3", "x", "", "  ", [1], {"a": 1}]

FILTERS = [
    metric("fixed", '{ $.event_type = "e" }', "1"),
    metric("present", '{ $.event_type = "e" && $.a = * }', "2", defaultValue=5),
    metric("value", '{ $.event_type = "e" && $.a = * }', "$.b", defaultValue=0),
    metric(
        "dims",
        '{ $.event_type = "e" && $.a = * && $.b = * }',
        "$.a",
        dimensions={"x": "$.b", "y": "$.a"},
    ),
    metric("either", '{ $.event_type = "e" || $.event_type = "f" }', "$.a", defaultValue=7),
    metric("compared", '{ $.event_type = "e" && $.a > 1 }', "$.b", defaultValue=4),
    metric(
        "flag", '{ $.event_type = "e" && ($.a IS TRUE || $.b NOT EXISTS) }', dimensions={"x": "$.b"}
    ),
    metric("other_type", '{ $.event_type = "f" && $.a = * }', "$.a", defaultValue=3),
]


def reference(metric_filter: MetricFilter, index: int, documents: list[dict[str, Any]]) -> Any:
    point = metric_filter.compile_point({"event_type": "e"})
    series: dict[Any, Stats] = {}
    for document in documents:
        result = point(document)
        if result is not None:
            value, dimensions, _ = result
            series.setdefault((index, b"k", dimensions), Stats()).add(value)
    return series


def documents() -> list[dict[str, Any]]:
    out = []
    for a, b in itertools.product(VALUES, repeat=2):
        document: dict[str, Any] = {"event_type": "e"}
        if a is not _ABSENT:
            document["a"] = a
        if b is not _ABSENT:
            document["b"] = b
        out.append(document)
    return out


@pytest.mark.parametrize("index", range(len(FILTERS)))
def test_tally_equals_compile_point(index: int) -> None:
    """For each filter, the generated tally and compile_point publish the same statistics."""
    tally = compile_tally(FILTERS, [index], "e")
    assert tally is not None
    series: dict[Any, Stats] = {}
    tally(documents(), itertools.repeat(b"k"), series)
    assert series == reference(FILTERS[index], index, documents())


def test_one_tally_serves_several_filters() -> None:
    """Several filters in one tally read each member once and keep their own statistics."""
    tally = compile_tally(FILTERS, range(len(FILTERS)), "e")
    assert tally is not None
    series: dict[Any, Stats] = {}
    tally(documents(), itertools.repeat(b"k"), series)
    expected: dict[Any, Stats] = {}
    for index, metric_filter in enumerate(FILTERS):
        expected.update(reference(metric_filter, index, documents()))
    assert series == expected


def test_nested_members_get_no_tally() -> None:
    """A nested member for the value or a dimension is left to compile_point, as is no filter."""
    nested = metric("n", '{ $.event_type = "e" }', "$.a.b")
    dimension = metric("n", '{ $.event_type = "e" }', dimensions={"x": "$.a[0]"})
    assert compile_tally([nested], [0], "e") is None
    assert compile_tally([dimension], [0], "e") is None
    assert compile_tally([nested], [], "e") is None


def test_points_tally_equals_compile_point() -> None:
    """The tally over datapoint functions publishes what each function gives, per filter."""
    points = [(index, f.compile_point({"event_type": "e"})) for index, f in enumerate(FILTERS)]
    series: dict[Any, Stats] = {}
    points_tally(points)(documents(), [b"k"] * len(documents()), series)
    expected: dict[Any, Stats] = {}
    for index, metric_filter in enumerate(FILTERS):
        expected.update(reference(metric_filter, index, documents()))
    assert series == expected
