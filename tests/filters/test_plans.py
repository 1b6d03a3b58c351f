"""Plans per event type: which filters an event type decides and which must parse the event."""

from __future__ import annotations

from schemalog.filters import plans
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


def test_evaluator_is_a_tally_or_point_functions() -> None:
    """Plain root members get one generated tally; a nested member gets point functions."""
    planner = Planner(FILTERS[:4])
    tally, points = planner.evaluator(b"b")
    assert tally is not None
    assert points == []
    tally, points = Planner(FILTERS).evaluator(b"b")
    assert tally is None
    assert [index for index, _ in points] == [2, 3, 4]
    assert points[1][1]({"event_type": "b", "n": 2}) == (1.0, (), True)
    assert points[1][1]({"event_type": "b", "n": 0}) is None
    assert points[2][1]({"event_type": "b", "n": {"m": 5}}) == (5.0, (), True)


def test_plans_are_bounded() -> None:
    """Past the bound, cached plans are dropped rather than kept forever."""
    planner = Planner(FILTERS)
    for index in range(plans.MAX_PLANS + 10):
        planner.plan(f"t{index}".encode())
    assert len(planner.plans) <= plans.MAX_PLANS
