"""The errors of the metric-filter engine: a pattern AWS rejects, a filter body AWS rejects."""

from __future__ import annotations


class PatternError(ValueError):
    """A filter pattern CloudWatch Logs would reject.

    ``position`` is the 1-based character position in the pattern where the problem is, and
    ``reason`` says what is wrong there; ``str()`` gives both.
    """

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"position {position}: {reason}")
        self.position = position
        self.reason = reason


class FilterError(ValueError):
    """A metric filter body ``PutMetricFilter`` would reject; the message names the field."""
