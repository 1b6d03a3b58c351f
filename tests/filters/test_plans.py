"""Plans per event type: which filters an event type decides and which must parse the event."""

from __future__ import annotations

from typing import Any

from schemalog.filters import plans
from schemalog.filters.aggregate import Stats
from schemalog.filters.plans import Planner
from tests.filters.cases import metric

FILTERS = [
    metric("exact", '{ $.event_type = "a" }'),
    metric("default", '{ $.event_type = "a" }', "3", defaultValue=0.5),
    metric("value", '{ $.event_type = "b" && $.n = * }', "$.n", dimensions={"d": "$.d"}),
    metric("guarded", '{ $.event_type = "b" && $.n > 1 }'),
    metric("nested", '{ $.event_type = "b" }', "$.n.m"),
]


def test_event_type_decides_or_asks_to_parse() -> None:
    """A fixed filter matched by type is decided; field conditions and values need the event."""
    planner = Planner(FILTERS)
    a = planner.plan(b"a")
    assert [(index, point.value) for index, point in a.fixed] == [(0, 1.0), (1, 3.0)]
    assert a.parse == []
    b = planner.plan(b"b")
    assert [(index, point.value) for index, point in b.fixed] == [(1, 0.5)]
    assert b.parse == [2, 3, 4]
    assert [index for index, _ in planner.plan(None).fixed] == [1]


def test_evaluator_is_a_generated_tally_or_calls_point_functions() -> None:
    """Plain root members get one generated tally; a nested member, its point function."""
    assert Planner(FILTERS[:4]).evaluator(b"b").__qualname__ == "tally"  # compile_tally's
    documents: list[dict[str, Any]] = [
        {"event_type": "b", "n": 2, "d": "x"},
        {"event_type": "b", "n": {"m": 5}},
    ]
    series: dict[Any, Stats] = {}
    Planner(FILTERS).evaluator(b"b")(documents, [b"k", b"k"], series)
    assert Planner(FILTERS).evaluator(b"b").__qualname__ == "points_tally.<locals>.tally"
    assert {slot: (stats.sum, stats.count) for slot, stats in series.items()} == {
        (2, b"k", (("d", "x"),)): (2.0, 1),
        (3, b"k", ()): (1.0, 1),
        (4, b"k", ()): (5.0, 1),
    }


def test_plans_are_bounded() -> None:
    """Past the bound, cached plans are dropped rather than kept forever."""
    planner = Planner(FILTERS)
    for index in range(plans.MAX_PLANS + 10):
        planner.plan(f"t{index}".encode())
    assert len(planner.plans) <= plans.MAX_PLANS
