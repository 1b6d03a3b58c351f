"""The aggregate functions of ``stats`` on rows, one accumulator at a time."""

from __future__ import annotations

from typing import Any

import pytest

from schemalog.exceptions import QueryError
from schemalog.insights import nodes
from schemalog.insights.aggregates import Accumulator
from schemalog.insights.parser import parse_query

ROWS: list[dict[str, Any]] = [
    {"@timestamp": 3, "v": 10, "s": "b"},
    {"@timestamp": 1, "v": "4", "s": "a"},
    {"@timestamp": 2, "v": "x", "s": "a"},
    {"@timestamp": 5},
    {"@timestamp": 4, "v": 7.5, "s": "c"},
]


def aggregate(text: str) -> Any:
    (command,) = parse_query(f"stats {text}").commands
    assert isinstance(command, nodes.Stats)
    call = command.aggregates[0].expr
    assert isinstance(call, nodes.Call)
    accumulator = Accumulator(call)
    for row in ROWS:
        accumulator.add(row)
    return accumulator.result()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("count(*)", 5),
        ("count(v)", 4),
        ("count_distinct(s)", 3),
        ("sum(v)", 21.5),
        ("avg(v)", 21.5 / 3),
        ("min(v)", "4"),
        ("max(v)", 10),
        ("pct(v, 50)", 7.5),
        ("pct(v, 100)", 10),
        ("pct(v, 0)", 4),
        ("earliest(s)", "a"),
        ("latest(s)", "c"),
        ("stddev(v)", pytest.approx(3.0138568866)),
        ("sum(missing)", None),
        ("count(missing)", 0),
    ],
)
def test_aggregate_values(text: str, expected: Any) -> None:
    """Numbers and numeric strings aggregate; text and absent values are skipped."""
    assert aggregate(text) == expected


def test_pct_needs_a_number() -> None:
    """``pct(v, "high")`` is rejected with the call's position."""
    with pytest.raises(QueryError, match="pct\\(\\) takes a number"):
        aggregate('pct(v, "high")')
