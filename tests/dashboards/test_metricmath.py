"""Metric math on per-period series: arithmetic, SUM, AVG, FILL, IF, METRICS(), and errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog.dashboards.metricmath import evaluate, parse_expression, references
from schemalog.exceptions import QueryError

TIMELINE = [0, 60, 120, 180]
METRICS = {"a": {0: 4.0, 60: 6.0, 180: 2.0}, "b": {0: 2.0, 60: 0.0, 120: 5.0}}


def run(expression: str) -> object:
    return evaluate(parse_expression(expression), METRICS, TIMELINE)


def test_arithmetic_between_series_keeps_shared_timestamps() -> None:
    """``a + b`` has points only where both have one, as in CloudWatch."""
    assert run("a + b") == {0: 6.0, 60: 6.0}
    assert run("a * 2 - 1") == {0: 7.0, 60: 11.0, 180: 3.0}


def test_division_by_zero_gives_no_point() -> None:
    """``a / b`` skips the period where b is 0."""
    assert run("a / b") == {0: 2.0}


def test_fill_gives_every_period_a_value() -> None:
    """``FILL(b, 0)`` fills the periods of the time range that b lacks."""
    assert run("FILL(b, 0)") == {0: 2.0, 60: 0.0, 120: 5.0, 180: 0.0}
    assert run("FILL(a, 0) + FILL(b, 0)") == {0: 6.0, 60: 6.0, 120: 5.0, 180: 2.0}


def test_sum_and_avg_of_metrics_work_per_timestamp_and_of_one_series_give_a_scalar() -> None:
    """``SUM(METRICS())`` is a series; ``SUM(a)`` and ``AVG(a)`` are numbers."""
    assert run("SUM(METRICS())") == {0: 6.0, 60: 6.0, 120: 5.0, 180: 2.0}
    assert run("AVG(METRICS())") == {0: 3.0, 60: 3.0, 120: 5.0, 180: 2.0}
    assert run("SUM(a)") == 12.0
    assert run("AVG(a)") == 4.0
    assert run("FILL(METRICS(), 1)") == [
        {0: 4.0, 60: 6.0, 120: 1.0, 180: 2.0},
        {0: 2.0, 60: 0.0, 120: 5.0, 180: 1.0},
    ]


def test_if_chooses_per_timestamp() -> None:
    """``IF(b > 1, a, 0)`` takes a where b > 1, else 0; without a false value it drops."""
    assert run("IF(b > 1, a, 0)") == {0: 4.0, 60: 0.0}
    assert run("IF(b > 1 AND NOT b > 4, a)") == {0: 4.0}
    assert run("IF(b != 0, a / b, 0)") == {0: 2.0, 60: 0.0}


def test_references_lists_the_ids_read() -> None:
    """``references`` names every id, so lint can check them against the metrics."""
    assert references(parse_expression("FILL(x, 0) / (y + x)")) == ["x", "y", "x"]


@pytest.mark.parametrize(
    ("expression", "position", "reason"),
    [
        ("a +", 4, "expected a number"),
        ("FOO(a)", 1, "unknown or unsupported function"),
        ("FILL(a)", 1, "FILL takes 2 to 2 arguments"),
        ("(a + b", 7, "expected ')'"),
        ("Errors / 2", 1, "starts with a lowercase letter"),
        ("a b", 3, "unexpected 'b'"),
    ],
)
def test_errors_name_the_position(expression: str, position: int, reason: str) -> None:
    """An expression CloudWatch would reject raises QueryError at its position."""
    with pytest.raises(QueryError) as caught:
        parse_expression(expression)
    assert (caught.value.position, reason in caught.value.reason) == (position, True)


def test_unknown_id_at_evaluation_names_it() -> None:
    """An id that is neither a metric nor an expression is reported with its position."""
    with pytest.raises(QueryError, match="no metric or expression with id 'c'"):
        run("a + c")


MATH_PIECES = [
    "a", "b", "c", "1", "0", "2.5", "+", "-", "*", "/", "(", ")", ",", ">", "==", "AND", "NOT",
    "SUM(", "AVG(", "FILL(", "IF(", "METRICS()", "OR", "!=",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(MATH_PIECES), max_size=10))
def test_any_expression_evaluates_or_raises_query_error(pieces: list[str]) -> None:
    """Whatever the text, metric math gives a value or a QueryError, nothing else."""
    try:
        value = run(" ".join(pieces))
    except QueryError as error:
        assert error.position >= 0  # noqa: PT017 - the error is the outcome under test
        return
    assert value is None or isinstance(value, float | dict | list)
