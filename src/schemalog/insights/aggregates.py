"""The aggregate functions of ``stats``: one accumulator per function, group and column.

``count(*)`` counts rows and ``count(f)`` the rows where ``f`` is present; the numeric ones
skip values that are not numbers. ``pct`` is the nearest-rank percentile, ``stddev`` the sample
standard deviation, ``earliest``/``latest`` the value of the row with the smallest/largest
``@timestamp`` (the first such row wins a tie). With no values they give nothing (None).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from schemalog.exceptions import QueryError
from schemalog.insights import nodes
from schemalog.insights.values import evaluate, lookup, number


class Accumulator:
    """Collects one aggregate's values over the rows of one group."""

    def __init__(self, call: nodes.Call) -> None:
        self.name = call.name
        self.argument = call.args[0] if call.args else nodes.Star()
        self.values: list[Any] = []
        self.rows = 0
        self.chosen: tuple[int, Any] | None = None  # earliest/latest: (@timestamp, value)
        self.percentile = 0.0
        if call.name == "pct":
            share = call.args[1]
            if not isinstance(share, nodes.Literal) or number(share.value) is None:
                raise QueryError(call.position, "pct() takes a number as its second argument")
            self.percentile = float(share.value)

    def add(self, row: Mapping[str, Any]) -> None:
        """Take one row into account."""
        if isinstance(self.argument, nodes.Star):
            self.rows += 1
            return
        value = evaluate(self.argument, row)
        if value is None:
            return
        if self.name in ("earliest", "latest"):
            stamp = lookup(row, "@timestamp")
            if stamp is None:
                return
            if (
                self.chosen is None
                or (self.name == "earliest" and stamp < self.chosen[0])
                or (self.name == "latest" and stamp > self.chosen[0])
            ):
                self.chosen = (stamp, value)
            return
        self.rows += 1
        if self.name == "count":
            return
        if self.name == "count_distinct":
            self.values.append(value if isinstance(value, str | int | float) else repr(value))
            return
        numeric = number(value)
        if numeric is not None:
            self.values.append(value if self.name in ("min", "max") else numeric)

    def result(self) -> Any:  # noqa: PLR0911 - one return per function
        """Return the aggregate's value (None when there was nothing to aggregate)."""
        if self.name == "count":
            return self.rows
        if self.name == "count_distinct":
            return len(set(self.values))
        if self.name in ("earliest", "latest"):
            return None if self.chosen is None else self.chosen[1]
        if not self.values:
            return None
        if self.name in ("min", "max"):
            pick = min if self.name == "min" else max
            return pick(self.values, key=lambda value: float(number(value) or 0))
        numbers = [float(v) for v in self.values]
        if self.name == "sum":
            total = math.fsum(numbers)
            return int(total) if all(isinstance(v, int) for v in self.values) else total
        if self.name == "avg":
            return math.fsum(numbers) / len(numbers)
        if self.name == "pct":
            ordered = sorted(self.values)
            rank = max(1, math.ceil(self.percentile / 100 * len(ordered)))
            return ordered[min(rank, len(ordered)) - 1]
        return _stddev(numbers)


def _stddev(numbers: list[float]) -> float | None:
    if len(numbers) < 2:
        return None
    mean = math.fsum(numbers) / len(numbers)
    return math.sqrt(math.fsum((x - mean) ** 2 for x in numbers) / (len(numbers) - 1))
