"""The one convention by which a bench script reports its figures to ``bench/run.py``.

A figure is one line on stdout holding one JSON object with the key ``"row"``::

    {"row": "count, one filter / jq select", "value": 0.07, "runs": [0.06, 0.07, 0.09],
     "unit": "x", "anchor": "jq select | wc -l, 6.51 s", "goal": "<= 0.03", "met": false}

``value`` is the median of ``runs`` (one value per run or round); ``anchor`` names what the
figure is measured against, with the anchor's own figure from the same run; ``goal`` is the
target as text and ``met`` whether the value reaches it (both may be null for figures kept for
information). :func:`report` prints such a line; a script in another language may print it
itself. Everything else a script prints is shown as it is and not collected.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence

#: The key that marks a result line.
KEY = "row"


def report(
    row: str,
    runs: Sequence[float],
    *,
    unit: str,
    anchor: str | None = None,
    goal: float | None = None,
    higher_is_better: bool = False,
) -> float:
    """Print one figure (the median of ``runs``) as a result line; return the median."""
    value = statistics.median(runs)
    met = None
    if goal is not None:
        met = value >= goal if higher_is_better else value <= goal
    line = {
        KEY: row,
        "value": round(value, 4),
        "runs": [round(run, 4) for run in runs],
        "unit": unit,
        "anchor": anchor,
        "goal": None if goal is None else f"{'>=' if higher_is_better else '<='} {goal:g}",
        "met": met,
    }
    print(json.dumps(line), flush=True)
    return value


def ratios(mine: Sequence[float], anchor: Sequence[float]) -> list[float]:
    """Per-round ratios of two interleaved series of timings."""
    return [a / b for a, b in zip(mine, anchor, strict=True)]
